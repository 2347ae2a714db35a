/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The capture loop every tap family shares: drain the kernel's records into
 * the pcapng writer once a millisecond while they arrive, sleep on the ring
 * when they stop, write statistics blocks every second, and flush within
 * 10 ms so readers see packets live. The periodic statistics matter: tshark
 * 4.0 stops dumpcap before it signals the extcap, so the blocks written at the
 * end never reach its file.
 */
#ifndef EBPFCAP_LOOP_H
#define EBPFCAP_LOOP_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include "pcapng.h"

/* What a record callback returns when the packet count is reached. */
#define EBC_LOOP_STOP_COUNT (-ECANCELED)

struct ebc_loop {
	int (*poll)(void *ctx, int timeout_ms);	/* records to the writer; n or -errno */
	int (*stats)(void *ctx);		/* one round of statistics blocks */
	void *ctx;
	struct ebc_pcapng *out;
	const bool *count_reached;
	const int *write_err;			/* the callbacks' write error, 0 if none */
};

/* Until *stop, the count, or an error (-errno). */
int ebc_loop__run(const struct ebc_loop *l, volatile sig_atomic_t *stop);
/* CLOCK_MONOTONIC or CLOCK_REALTIME in nanoseconds. */
uint64_t ebc_loop__clock_ns(int clock_id);

#endif /* EBPFCAP_LOOP_H */
