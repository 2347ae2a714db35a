/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The packet corpus, filter expressions and hand-written classic programs that
 * the unit test (interpreter), the system test (kernel, BPF_PROG_TEST_RUN) and
 * the fuzzer compare against libpcap's bpf_filter().
 */
#ifndef EBPFCAP_TEST_CORPUS_H
#define EBPFCAP_TEST_CORPUS_H

#include <stddef.h>
#include <stdint.h>

#include "cbpf.h"

#define CORPUS_PKT_MAX 1600

struct corpus_pkt {
	const char *name;
	uint8_t data[CORPUS_PKT_MAX];
	uint32_t len;
	uint32_t l3;		/* offset of the IP header for DLT_RAW, 0 if none */
};

/*
 * Ethernet frames: IPv4 (with and without options, fragments, TCP flags, UDP,
 * ICMP, IGMP, PIM, VRRP, SCTP, ESP, AH), IPv6 (extension header chains of 0 to
 * 12 headers), ARP, RARP, VLAN, QinQ, MPLS, PPPoE, 802.3 LLC. 0 if max is less
 * than CORPUS_MAX_PKTS.
 */
#define CORPUS_MAX_PKTS 96
size_t corpus_build(struct corpus_pkt *pkts, size_t max);

/*
 * Tests run each packet truncated at every length below CORPUS_TRUNC_MAX (past
 * the end of every corpus packet's headers), then at its full length:
 * for (n = 0; n <= len; n = corpus_next_len(n, len)).
 */
#define CORPUS_TRUNC_MAX 160

static inline uint32_t corpus_next_len(uint32_t n, uint32_t len)
{
	return n + 1 < CORPUS_TRUNC_MAX || n + 1 >= len ? n + 1 : len;
}

/*
 * Ethernet, IPv6, nhdrs destination options headers, TCP to port 80: for
 * protochain at and past its loop bound (EBC_XLATE_LOOP_MAX headers).
 */
void corpus_v6_chain(struct corpus_pkt *p, int nhdrs);

#define CORPUS_EN10MB	0x1
#define CORPUS_RAW	0x2

struct corpus_expr {
	const char *expr;
	unsigned int dlts;	/* CORPUS_* the expression compiles for */
};

extern const struct corpus_expr corpus_exprs[];
extern const size_t corpus_nexprs;

/* A long expression (about 1000 classic instructions): 120 hosts, ports and flags. */
void corpus_large_expr(char *buf, size_t len);

/* Hand-written classic programs, one per opcode family or edge case. */
#define CORPUS_CASE_MAX 16

struct corpus_case {
	const char *name;
	struct ebc_cbpf_insn prog[CORPUS_CASE_MAX];
	size_t len;
	uint32_t expect;	/* on corpus_case_pkt() with wirelen 100 */
	int no_libpcap;		/* libpcap differs on purpose (uninitialised M[], loop bound) */
};

extern const struct corpus_case corpus_cases[];
extern const size_t corpus_ncases;

/*
 * Call fn for every hand-written case libpcap's bpf_filter() can judge (not
 * the no_libpcap ones), named "case NAME"; stops at the first non-zero return.
 */
int corpus_each_case(int (*fn)(const char *name, const struct ebc_cbpf_prog *prog, void *arg),
		     void *arg);
/* The 64-byte packet the cases run on: byte i is 0x80 + i, byte 14 is 0x45. */
const uint8_t *corpus_case_pkt(void);
#define CORPUS_CASE_CAPLEN 64
#define CORPUS_CASE_WIRELEN 100

/*
 * A valid program of n instructions (n a multiple of 4), all reachable: loads,
 * branches and arithmetic over the first 54 bytes. For the 4096 limit.
 */
void corpus_max_prog(struct ebc_cbpf_insn *insns, size_t n);

#endif /* EBPFCAP_TEST_CORPUS_H */
