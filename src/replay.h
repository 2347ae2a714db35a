/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Offline replay (-r): every packet of a pcap or pcapng file runs through
 * the real datapath program (tc or XDP) with BPF_PROG_TEST_RUN; the records it
 * emits into the ring become the output pcapng, filter and snaplen applied in
 * the kernel as in a live capture. Nothing is attached to any device.
 */
#ifndef EBPFCAP_REPLAY_H
#define EBPFCAP_REPLAY_H

#include <stddef.h>
#include <stdint.h>
#include "config.h"

struct ebc_replay_result {
	uint64_t read;		/* packets in the input */
	uint64_t matched;	/* packets written */
	uint64_t skipped;	/* packets the kernel would not run (too short for the hook) */
};

/* cfg->input to out_fd (already open). 0, or -errno with one line in errbuf. */
int ebc_replay__run(const struct ebc_config *cfg, int out_fd, struct ebc_replay_result *res,
		    char *errbuf, size_t len);

#endif /* EBPFCAP_REPLAY_H */
