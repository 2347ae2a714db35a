/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cbpf2c: classic BPF to eBPF, emitted as instructions (no compiler at capture
 * time). The result is the body of the filter stub described in bpf/capture.h:
 * a BPF-to-BPF subprogram entered with r1 = packet start, r2 = end of readable
 * bytes (direct packet access), r3 = wire length, r4 = struct ebc_anc * when
 * the translation reads it (anc_used); it returns in r0 the number of bytes to
 * capture, 0 for no match. A load outside [r1, r2) means no match.
 */
#ifndef EBPFCAP_XLATE_H
#define EBPFCAP_XLATE_H

#include <stddef.h>
#include <stdint.h>
#include <linux/bpf.h>
#include <linux/types.h>
#include "capture.h"	/* struct ebc_anc, EBC_ANC_BIT() */
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
	/*
	 * EBC_ANC_BIT(SKF_AD_*) for each ancillary load the hook can answer from
	 * its struct ebc_anc (bpf/capture.h); 0: none, every one is refused.
	 * SKF_AD_ALU_XOR_X is no load and needs no bit; SKF_AD_NLATTR,
	 * SKF_AD_NLATTR_NEST and SKF_AD_PAY_OFFSET are refused whatever the mask.
	 */
	uint32_t anc_mask;
	const char *hook_name;	/* for refusals: "at the xdp hook"; NULL: "at this hook" */
};

struct ebc_ebpf_prog {
	struct bpf_insn *insns;
	size_t len;
	/* EBC_ANC_BIT() of each field the body reads: the hook must fill those before the call */
	uint32_t anc_used;
};

/* Validate a classic program; -EINVAL with "instruction N: why" in errbuf. */
int ebc_cbpf_check(const struct ebc_cbpf_prog *prog, char *errbuf, size_t errlen);
/*
 * What the hook cannot serve, in any instruction, reachable or not (as the
 * kernel checks them all): negative-offset loads, ancillary loads outside
 * opts->anc_mask (opts may be NULL: none), unknown SKF_AD_* offsets.
 * 0 or -EOPNOTSUPP with "instruction N: why" in errbuf. ebc_xlate() calls it.
 */
int ebc_xlate__check_hook(const struct ebc_cbpf_prog *prog, const struct ebc_xlate_opts *opts,
			  char *errbuf, size_t errlen);
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

/*
 * The same from either source: the expression, or (cbpf_path not NULL) a
 * classic program read from a file (see ebc_filter__read), translated for a
 * hook described by opts (NULL: direct mode, no ancillary data).
 */
int ebc_xlate__source(const char *expr, const char *cbpf_path, int dlt, unsigned int snaplen,
		      const struct ebc_xlate_opts *opts, struct ebc_ebpf_prog *out, char *errbuf,
		      size_t errlen);

#endif /* EBPFCAP_XLATE_H */
