/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * From a ring record to a pcapng packet: direction, verdict, drop count,
 * process, and the per-packet comment in its one documented format
 *   hook=<tc-ingress|tc-egress|xdp|xdp-entry|xdp-exit> if=<dev> ifindex=<n> cpu=<n>[ xdp=<ACTION>][ prog=<name> id=<n>][ pid=<n> tid=<n> comm=<name>]
 * and for trace taps
 *   hook=<tap> if=<dev|-> ifindex=<n>[ netns=<inode>] cpu=<n>[ reason=<NAME>][ location=<sym+0xoff>][ pid=<n> tid=<n> comm=<name>]
 * Shared by live capture and offline replay.
 */
#ifndef EBPFCAP_RECORD_H
#define EBPFCAP_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#include "capture.h"
#include "pcapng.h"

#define EBC_COMMENT_MAX 256

struct ebc_kbtf;
struct ebc_ksyms;

/* The comment's fixed part for one interface, per direction (computed once). */
struct ebc_rec_names {
	char prefix[2][96];	/* [0] ingress or XDP, [1] egress; trace taps: "hook=<tap>" */
	size_t prefix_len[2];	/* strlen(prefix[i]) */
	bool trace;		/* device, netns, reason and location come with each packet */
	struct ebc_kbtf *kbtf;	/* drop reason names, or NULL */
	const struct ebc_ksyms *ksyms;	/* location symbols, or NULL */
	char suffix[48];	/* appended to every comment (the traced XDP program) */
	size_t suffix_len;	/* strlen(suffix) */
	bool by_ifindex;	/* the device is named per packet from its ifindex (hook maps) */
	struct {
		unsigned int ifindex;
		char name[16];
	} devs[8];		/* names found so far */
};

void ebc_record__names(struct ebc_rec_names *names, const char *ifname, unsigned int ifindex,
		       bool xdp);
/* For fentry/fexit on an XDP program attached to ifname: its name and id end each comment. */
void ebc_record__xdpprog_names(struct ebc_rec_names *names, const char *ifname,
			       unsigned int ifindex, const char *prog, unsigned int prog_id);
/*
 * For an XDP hook map: programs on any device may tail-call it, so each
 * packet's device is named from its ifindex in this network namespace.
 */
void ebc_record__hook_names(struct ebc_rec_names *names);
/* For a trace tap named like "tp:skb:kfree_skb"; kbtf and ksyms may be NULL. */
void ebc_record__trace_names(struct ebc_rec_names *names, const char *tap, struct ebc_kbtf *kbtf,
			     const struct ebc_ksyms *ksyms);
const char *ebc_record__hook_name(int hook);
const char *ebc_record__xdp_action(int action);
/*
 * Fill pkt (data points into the record) and comment (pkt->comment points to
 * it). mono_to_real turns the record's CLOCK_MONOTONIC time into wall-clock ns.
 */
void ebc_record__to_pkt(struct ebc_pcapng_pkt *pkt, char *comment, size_t comment_len,
			struct ebc_rec_names *names, const struct ebc_rec *rec,
			const void *data, uint64_t mono_to_real);

#endif /* EBPFCAP_RECORD_H */
