/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Test support for cbpf2c: a small eBPF interpreter for the subset the
 * translator emits, and the packet corpus, filter expressions and hand-written
 * classic programs that the unit test (interpreter) and the system test
 * (kernel, BPF_PROG_TEST_RUN) both compare against libpcap's bpf_filter().
 */
#ifndef EBPFCAP_TEST_EBPF_INTERP_H
#define EBPFCAP_TEST_EBPF_INTERP_H

#include <stddef.h>
#include <stdint.h>
#include <linux/bpf.h>

#include "cbpf.h"

/*
 * Run a translated filter body with r1 = pkt, r2 = pkt + caplen, r3 = wirelen.
 * Packet pointers are tracked as such: a read outside [pkt, pkt + caplen), a
 * read of an unwritten register or stack slot, arithmetic on pointers beyond
 * add/move, a backward jump, or an instruction outside the subset is an error
 * (-EFAULT or -EINVAL, reason in errbuf), not a result.
 */
int ebpf_interp_run(const struct bpf_insn *insns, size_t len, const uint8_t *pkt,
		    uint32_t caplen, uint32_t wirelen, uint32_t *ret,
		    char *errbuf, size_t errlen);

/*
 * libpcap's classic interpreter, declared here against our own instruction
 * layout: <pcap/bpf.h> cannot be included next to <linux/bpf.h> (both define
 * struct bpf_insn), and struct ebc_cbpf_insn is laid out like libpcap's.
 */
unsigned int bpf_filter(const struct ebc_cbpf_insn *pc, const unsigned char *pkt,
			unsigned int wirelen, unsigned int buflen);

/* ---- corpus ---- */

#define CORPUS_PKT_MAX 1600

struct corpus_pkt {
	const char *name;
	uint8_t data[CORPUS_PKT_MAX];
	uint32_t len;
	uint32_t l3;		/* offset of the IP header for DLT_RAW, 0 if none */
};

/* Ethernet frames covering IPv4/IPv6 TCP/UDP/ICMP, ARP, VLAN, fragments. */
size_t corpus_build(struct corpus_pkt *pkts, size_t max);

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
#define CORPUS_CASE_MAX 12

struct corpus_case {
	const char *name;
	struct ebc_cbpf_insn prog[CORPUS_CASE_MAX];
	size_t len;
	uint32_t expect;	/* on corpus_case_pkt() with wirelen 100 */
	int no_libpcap;		/* libpcap differs on purpose (uninitialised M[]) */
};

extern const struct corpus_case corpus_cases[];
extern const size_t corpus_ncases;
/* The 64-byte packet the cases run on: byte i is 0x80 + i, byte 14 is 0x45. */
const uint8_t *corpus_case_pkt(void);
#define CORPUS_CASE_CAPLEN 64
#define CORPUS_CASE_WIRELEN 100

#endif /* EBPFCAP_TEST_EBPF_INTERP_H */
