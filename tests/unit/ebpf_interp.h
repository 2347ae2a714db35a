/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Test support for cbpf2c: a small eBPF interpreter for the subset the
 * translator emits, libpcap's bpf_filter() to compare it with, and a classic
 * reference that also knows Linux's ancillary loads, which bpf_filter() does
 * not (it treats SKF_AD_OFF + k as a load far past the packet: no match).
 */
#ifndef EBPFCAP_TEST_EBPF_INTERP_H
#define EBPFCAP_TEST_EBPF_INTERP_H

#include <stddef.h>
#include <stdint.h>
#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/types.h>

#include "capture.h"
#include "cbpf.h"

/*
 * Run a translated filter body with r1 = pkt, r2 = pkt + caplen, r3 = wirelen.
 * Packet pointers are tracked as such: a read outside [pkt, pkt + caplen), a
 * read of an unwritten register or stack slot, arithmetic on pointers beyond
 * add/move, a jump before the start, more than EBPF_INTERP_MAX_STEPS steps
 * (-ELOOP: a loop the translation failed to bound), or an instruction outside
 * the subset is an error (-EFAULT, -EINVAL, reason in errbuf), not a result.
 */
#define EBPF_INTERP_MAX_STEPS 1000000

int ebpf_interp_run(const struct bpf_insn *insns, size_t len, const uint8_t *pkt,
		    uint32_t caplen, uint32_t wirelen, uint32_t *ret,
		    char *errbuf, size_t errlen);
/*
 * The same with r4 = anc, a read-only struct ebc_anc (bpf/capture.h); with
 * anc NULL r4 is unwritten, and a body that reads it fails.
 */
int ebpf_interp_run_anc(const struct bpf_insn *insns, size_t len, const uint8_t *pkt,
			uint32_t caplen, uint32_t wirelen, const struct ebc_anc *anc, uint32_t *ret,
			char *errbuf, size_t errlen);

/*
 * libpcap's classic interpreter, declared here against our own instruction
 * layout: <pcap/bpf.h> cannot be included next to <linux/bpf.h> (both define
 * struct bpf_insn), and struct ebc_cbpf_insn is laid out like libpcap's.
 */
unsigned int bpf_filter(const struct ebc_cbpf_insn *pc, const unsigned char *pkt,
			unsigned int wirelen, unsigned int buflen);

/*
 * A valid classic program (ebc_cbpf_check) as the translation defines it, on
 * the first caplen bytes of pkt: bpf_filter()'s answers, plus
 *   - ld [SKF_AD_OFF + code], any size, is A = the code's __u32 in *anc, and
 *     SKF_AD_ALU_XOR_X is A ^= X (Linux's convert_bpf_extensions());
 *   - M[] starts zeroed (bpf_filter() leaves it undefined);
 *   - a loop head is re-entered at most EBC_XLATE_LOOP_MAX times, then no match;
 *   - a packet load ending past 0xffff is no match.
 */
uint32_t cbpf_ref_run(const struct ebc_cbpf_insn *insns, size_t len, const uint8_t *pkt,
		      uint32_t caplen, uint32_t wirelen, const struct ebc_anc *anc);

/*
 * Hand-written classic programs with ancillary loads, for the interpreter and
 * kernel tests: SKF_AD_ALU_XOR_X, ancillary and packet loads mixed, M[] and a
 * loop counter around the spilled pointer, loads that are unreachable.
 */
#define ANC_CASE_MAX 32

struct anc_case {
	const char *name;
	struct ebc_cbpf_insn prog[ANC_CASE_MAX];
	size_t len;
	uint32_t used;		/* the translation's anc_used */
};

extern const struct anc_case anc_cases[];
extern const size_t anc_ncases;
/* Each SKF_AD_* code a hook may answer, as EBC_ANC_BIT()s: all but NLATTR, NLATTR_NEST, PAY_OFFSET. */
#define ANC_ANSWERABLE (0xffffU & ~(EBC_ANC_BIT(SKF_AD_NLATTR) | EBC_ANC_BIT(SKF_AD_NLATTR_NEST) | \
				    EBC_ANC_BIT(SKF_AD_PAY_OFFSET) | EBC_ANC_BIT(SKF_AD_ALU_XOR_X)))
/* ld<size> [SKF_AD_OFF + code]; ret a */
void anc_case_single(struct anc_case *c, uint32_t code, uint16_t size);

#endif /* EBPFCAP_TEST_EBPF_INTERP_H */
