/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cbpf2c: classic BPF to eBPF, emitted as instructions (no compiler at capture
 * time). The result is the body of the filter stub described in bpf/capture.h:
 * a BPF-to-BPF subprogram entered with r1 = packet start, r2 = end of readable
 * bytes (direct packet access), r3 = wire length; it returns in r0 the number of
 * bytes to capture, 0 for no match. A load outside [r1, r2) means no match.
 */
#ifndef EBPFCAP_XLATE_H
#define EBPFCAP_XLATE_H

#include <stddef.h>
#include <linux/bpf.h>
#include "cbpf.h"

#define EBC_CBPF_MAXINSNS 4096
/*
 * Backward jumps (libpcap's protochain) become bounded loops: each loop head
 * is entered through backward jumps at most this many times per packet, then
 * the filter answers no match. 16 is more than any real IPv6 extension header
 * chain; bpf_filter() has no bound, so longer chains are where the two differ.
 */
#define EBC_XLATE_LOOP_MAX 16
/* Distinct backward jump targets a program may have (8 stack bytes each). */
#define EBC_XLATE_MAX_LOOPS 32

enum ebc_xlate_mode {
	EBC_XLATE_DIRECT = 0,	/* XDP and tc: packet pointers the verifier bounds-checks */
};

struct ebc_xlate_opts {
	enum ebc_xlate_mode mode;
};

struct ebc_ebpf_prog {
	struct bpf_insn *insns;
	size_t len;
};

/* Validate a classic program; -EINVAL with "instruction N: why" in errbuf. */
int ebc_cbpf_check(const struct ebc_cbpf_prog *prog, char *errbuf, size_t errlen);
/* Validate, then translate. 0 or -errno with the reason in errbuf. */
int ebc_xlate(const struct ebc_cbpf_prog *in, const struct ebc_xlate_opts *opts,
	      struct ebc_ebpf_prog *out, char *errbuf, size_t errlen);
void ebc_ebpf_prog__free(struct ebc_ebpf_prog *prog);
/*
 * A capture filter expression straight to the direct-mode translation: compiled
 * by libpcap for link type dlt with snaplen, validated, translated. NULL or ""
 * accepts everything. 0 or -errno with the one-line reason in errbuf.
 */
int ebc_xlate__expr(const char *expr, int dlt, unsigned int snaplen, struct ebc_ebpf_prog *out,
		    char *errbuf, size_t errlen);

#endif /* EBPFCAP_XLATE_H */
