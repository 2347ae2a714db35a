/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The run's shared maps: the ring buffer every capture program writes its
 * records to, the per-tap, per-CPU statistics, and the per-CPU filter scratch. Created here once and
 * reused by each loaded object, so one consumer serves every tap.
 */
#ifndef EBPFCAP_RING_H
#define EBPFCAP_RING_H

#include <stddef.h>
#include <linux/types.h>
#include "capture.h"

struct ebc_ring;

/* Called for every record; a negative return stops the current poll and is returned by it. */
typedef int (*ebc_ring_cb)(void *ctx, const struct ebc_rec *rec, const void *data);

/* bytes: a power of two, at least one page. NULL on error with errbuf set. */
struct ebc_ring *ebc_ring__new(size_t bytes, ebc_ring_cb cb, void *ctx, char *errbuf, size_t len);
int ebc_ring__fd(const struct ebc_ring *r);
int ebc_ring__stats_fd(const struct ebc_ring *r);
/* The per-CPU copy VLAN-offloaded packets are filtered on (EBC_SCRATCH_LEN bytes a CPU). */
int ebc_ring__scratch_fd(const struct ebc_ring *r);
/* Wait up to timeout_ms for records and consume them: count, or -errno. */
int ebc_ring__poll(struct ebc_ring *r, int timeout_ms);
/* Consume what is there without waiting: count, or -errno. */
int ebc_ring__consume(struct ebc_ring *r);
/* One tap's counters summed over all CPUs. */
int ebc_ring__tap_stats(const struct ebc_ring *r, unsigned int tap, struct ebc_tap_stats *sum);
void ebc_ring__free(struct ebc_ring *r);

#endif /* EBPFCAP_RING_H */
