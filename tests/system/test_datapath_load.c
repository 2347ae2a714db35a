// SPDX-License-Identifier: GPL-2.0-only
/*
 * Every expression of the differential suite, spliced into the real datapath
 * programs and loaded (nothing attached): the tc program (both directions,
 * where the filter is inlined twice: on packet memory, and on the per-CPU map
 * copy used for VLAN-offloaded packets) and the XDP program. A filter the
 * verifier refuses there would make a live capture fail, whatever the packets.
 * Root; skips with exit 77 otherwise.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>
#include "../unit/corpus.h"
#include "hook.h"
#include "inject.h"
#include "ring.h"
#include "tap.h"
#include "xlate.h"

static int ignore(void *ctx, const struct ebc_rec *rec, const void *data)
{
	return 0;
}

/* Load expr's translation into the back end's program; 0 or -errno, errbuf says why. */
static int load_one(const struct ebc_hook_ops *ops, struct ebc_ring *ring, const char *expr,
		    char *errbuf, size_t len)
{
	struct ebc_ebpf_prog prog = { 0 };
	struct ebc_tap tap = { .kind = ops == &ebc_hook_xdp_ops ? EBC_TAP_XDP : EBC_TAP_TC,
			       .dir = EBC_DIR_BOTH };
	struct ebc_tap_load ld = {
		.ring_fd = ebc_ring__fd(ring), .stats_fd = ebc_ring__stats_fd(ring),
		.scratch_fd = ebc_ring__scratch_fd(ring), .owners_fd = -1,
		.snaplen = EBC_SNAPLEN_MAX,
	};
	int err;

	snprintf(tap.ifc.name, sizeof(tap.ifc.name), "test");
	err = ebc_xlate__expr(expr, 1 /* DLT_EN10MB */, EBC_SNAPLEN_MAX, &prog, errbuf, len);
	if (!err) {
		ld.filter = prog.insns;
		ld.filter_len = prog.len;
		err = ops->load(&tap, &ld, errbuf, len);
		ops->close(&tap);
	}
	ebc_ebpf_prog__free(&prog);
	return err;
}

int main(void)
{
	const struct ebc_hook_ops *ops[] = { &ebc_hook_tc_ops, &ebc_hook_xdp_ops };
	char errbuf[512], large[8192];
	struct ebc_ring *ring;
	size_t n = 0;

	if (geteuid()) {
		printf("1..0 # SKIP needs root\n");
		return 77;
	}
	ring = ebc_ring__new(1 << 20, ignore, NULL, errbuf, sizeof(errbuf));
	if (!ring || ebc_inject__init()) {
		printf("1..0 # SKIP cannot create BPF maps: %s\n", errbuf);
		return 77;
	}
	corpus_large_expr(large, sizeof(large));
	for (size_t o = 0; o < 2; o++) {
		int failed = 0;

		n = 0;
		for (size_t i = 0; i <= corpus_nexprs; i++) {
			const char *expr = i < corpus_nexprs ? corpus_exprs[i].expr : large;

			if (i < corpus_nexprs && !(corpus_exprs[i].dlts & CORPUS_EN10MB))
				continue;
			n++;
			if (load_one(ops[o], ring, expr, errbuf, sizeof(errbuf))) {
				tap_ok(0, "%s program with \"%.60s\": %s", ops[o]->name, expr, errbuf);
				failed++;
			}
		}
		tap_ok(!failed, "the %s datapath program loads with each of %zu expressions", ops[o]->name,
		       n);
	}
	ebc_ring__free(ring);
	return tap_done();
}
