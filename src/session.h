/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One capture run: choose the taps the configuration names, compile and
 * translate the filter for each link type, load and attach the programs,
 * then move records from the ring buffer to pcapng until told to stop.
 */
#ifndef EBPFCAP_SESSION_H
#define EBPFCAP_SESSION_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include "config.h"

struct ebc_session;

struct ebc_session_result {
	uint64_t captured;	/* packets written */
	uint64_t dropped;	/* packets the ring could not take */
	uint64_t seen;		/* packets the hooks saw */
};

/* Resolve, compile, load and attach. Nothing stays attached on error. */
int ebc_session__open(struct ebc_session **out, const struct ebc_config *cfg, char *errbuf,
		      size_t len);
/*
 * Write pcapng to fd until *stop, the packet count, or the reader going away
 * (not an error). Detaches the taps, then writes what was left in the ring
 * and one statistics block per interface.
 */
int ebc_session__run(struct ebc_session *c, int fd, volatile sig_atomic_t *stop,
		     struct ebc_session_result *res, char *errbuf, size_t len);
/* Detach (if still attached) and free; accepts NULL. */
void ebc_session__close(struct ebc_session *c);

/* The taps -D lists, one name a line ("any", "tc:DEV", "xdp:DEV"). */
int ebc_session__list_taps(char ***names, size_t *n);

#endif
