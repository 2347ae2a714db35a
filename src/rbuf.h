/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reading a BPF ring buffer map: its pages mapped, records handed to a
 * callback in order. Unlike libbpf's reader, which publishes its position
 * after every record, this one publishes it every EBC_RBUF_RELEASE_EVERY
 * records and at the end of a drain: each publication is a cache line the
 * producing CPU must fetch back on its next reserve, and a record-by-record
 * handover doubles the kernel's cost of a packet.
 */
#ifndef EBPFCAP_RBUF_H
#define EBPFCAP_RBUF_H

#include <stddef.h>

#define EBC_RBUF_RELEASE_EVERY 256

struct ebc_rbuf;

/* A negative return stops the drain after this record and is returned by it. */
typedef int (*ebc_rbuf_cb)(void *ctx, const void *data, size_t size);

/* Maps ring buffer map fd (not owned); NULL with errno set on failure. */
struct ebc_rbuf *ebc_rbuf__open(int map_fd, ebc_rbuf_cb cb, void *ctx);
/* Wait up to timeout_ms (0: not at all) for data; 1 if there is some, 0, or -errno. */
int ebc_rbuf__wait(struct ebc_rbuf *rb, int timeout_ms);
/*
 * Hand over the records committed up to now, not those that arrive meanwhile
 * (a drain ends even when the producer is faster): count, or the callback's
 * negative return.
 */
int ebc_rbuf__drain(struct ebc_rbuf *rb);
/*
 * Wait up to timeout_ms, then drain, also after a wait that timed out:
 * records submitted without a wake-up (EBC_WAKEUP_NS) do not end the wait.
 * Count, or -errno.
 */
int ebc_rbuf__poll(struct ebc_rbuf *rb, int timeout_ms);
void ebc_rbuf__close(struct ebc_rbuf *rb);

#endif /* EBPFCAP_RBUF_H */
