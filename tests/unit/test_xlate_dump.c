// SPDX-License-Identifier: GPL-2.0-only
/*
 * ebpfcap -d and --dump-c, no root: one case per eBPF instruction form the
 * listing prints (in the kernel verifier's notation), golden listings of three
 * translated filters, and the shape of the C output (a label per classic
 * instruction, a return per RET, the refusals). Whether the C compiles and
 * agrees with libpcap is tests/system/test_dump_c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/filter.h>
#include <pcap/dlt.h>

#include "filter.h"
#include "xlate.h"
#include "xlate_dump.h"
#include "../lib/tap.h"

#define SNAPLEN 262144

#define I(c, d, s, o, i)	{ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) }

struct form {
	struct bpf_insn insn;
	const char *want;
};

/* Every form, as kernel/bpf/disasm.c prints it. */
static const struct form forms[] = {
	{ I(BPF_ALU64 | BPF_ADD | BPF_K, 1, 0, 0, 5), "r1 += 5" },
	{ I(BPF_ALU64 | BPF_SUB | BPF_K, 1, 0, 0, -1), "r1 -= -1" },
	{ I(BPF_ALU64 | BPF_MUL | BPF_K, 2, 0, 0, 3), "r2 *= 3" },
	{ I(BPF_ALU64 | BPF_DIV | BPF_K, 2, 0, 0, 7), "r2 /= 7" },
	{ I(BPF_ALU64 | BPF_OR | BPF_K, 3, 0, 0, 8), "r3 |= 8" },
	{ I(BPF_ALU64 | BPF_AND | BPF_K, 3, 0, 0, 15), "r3 &= 15" },
	{ I(BPF_ALU64 | BPF_LSH | BPF_K, 4, 0, 0, 2), "r4 <<= 2" },
	{ I(BPF_ALU64 | BPF_RSH | BPF_K, 4, 0, 0, 3), "r4 >>= 3" },
	{ I(BPF_ALU64 | BPF_MOD | BPF_K, 5, 0, 0, 10), "r5 %= 10" },
	{ I(BPF_ALU64 | BPF_XOR | BPF_K, 5, 0, 0, 255), "r5 ^= 255" },
	{ I(BPF_ALU64 | BPF_MOV | BPF_K, 6, 0, 0, 0), "r6 = 0" },
	{ I(BPF_ALU64 | BPF_ARSH | BPF_K, 6, 0, 0, 1), "r6 s>>= 1" },
	{ I(BPF_ALU | BPF_ADD | BPF_K, 0, 0, 0, 262144), "w0 += 262144" },
	{ I(BPF_ALU | BPF_SUB | BPF_K, 0, 0, 0, 1), "w0 -= 1" },
	{ I(BPF_ALU | BPF_MUL | BPF_K, 0, 0, 0, -2147483647), "w0 *= -2147483647" },
	{ I(BPF_ALU | BPF_DIV | BPF_K, 0, 0, 0, 2), "w0 /= 2" },
	{ I(BPF_ALU | BPF_OR | BPF_K, 0, 0, 0, 1), "w0 |= 1" },
	{ I(BPF_ALU | BPF_AND | BPF_K, 6, 0, 0, 15), "w6 &= 15" },
	{ I(BPF_ALU | BPF_LSH | BPF_K, 6, 0, 0, 2), "w6 <<= 2" },
	{ I(BPF_ALU | BPF_RSH | BPF_K, 0, 0, 0, 31), "w0 >>= 31" },
	{ I(BPF_ALU | BPF_MOD | BPF_K, 0, 0, 0, 4), "w0 %= 4" },
	{ I(BPF_ALU | BPF_XOR | BPF_K, 0, 0, 0, 255), "w0 ^= 255" },
	{ I(BPF_ALU | BPF_MOV | BPF_K, 0, 0, 0, -1), "w0 = -1" },
	{ I(BPF_ALU | BPF_ARSH | BPF_K, 0, 0, 0, 4), "w0 s>>= 4" },
	{ I(BPF_ALU64 | BPF_ADD | BPF_X, 4, 6, 0, 0), "r4 += r6" },
	{ I(BPF_ALU64 | BPF_SUB | BPF_X, 4, 6, 0, 0), "r4 -= r6" },
	{ I(BPF_ALU64 | BPF_MUL | BPF_X, 4, 6, 0, 0), "r4 *= r6" },
	{ I(BPF_ALU64 | BPF_DIV | BPF_X, 4, 6, 0, 0), "r4 /= r6" },
	{ I(BPF_ALU64 | BPF_OR | BPF_X, 4, 6, 0, 0), "r4 |= r6" },
	{ I(BPF_ALU64 | BPF_AND | BPF_X, 4, 6, 0, 0), "r4 &= r6" },
	{ I(BPF_ALU64 | BPF_LSH | BPF_X, 4, 6, 0, 0), "r4 <<= r6" },
	{ I(BPF_ALU64 | BPF_RSH | BPF_X, 4, 6, 0, 0), "r4 >>= r6" },
	{ I(BPF_ALU64 | BPF_MOD | BPF_X, 4, 6, 0, 0), "r4 %= r6" },
	{ I(BPF_ALU64 | BPF_XOR | BPF_X, 4, 6, 0, 0), "r4 ^= r6" },
	{ I(BPF_ALU64 | BPF_MOV | BPF_X, 4, 1, 0, 0), "r4 = r1" },
	{ I(BPF_ALU64 | BPF_ARSH | BPF_X, 4, 6, 0, 0), "r4 s>>= r6" },
	{ I(BPF_ALU | BPF_ADD | BPF_X, 0, 6, 0, 0), "w0 += w6" },
	{ I(BPF_ALU | BPF_SUB | BPF_X, 0, 6, 0, 0), "w0 -= w6" },
	{ I(BPF_ALU | BPF_MUL | BPF_X, 0, 6, 0, 0), "w0 *= w6" },
	{ I(BPF_ALU | BPF_DIV | BPF_X, 0, 6, 0, 0), "w0 /= w6" },
	{ I(BPF_ALU | BPF_OR | BPF_X, 0, 6, 0, 0), "w0 |= w6" },
	{ I(BPF_ALU | BPF_AND | BPF_X, 0, 6, 0, 0), "w0 &= w6" },
	{ I(BPF_ALU | BPF_LSH | BPF_X, 0, 6, 0, 0), "w0 <<= w6" },
	{ I(BPF_ALU | BPF_RSH | BPF_X, 0, 6, 0, 0), "w0 >>= w6" },
	{ I(BPF_ALU | BPF_MOD | BPF_X, 0, 6, 0, 0), "w0 %= w6" },
	{ I(BPF_ALU | BPF_XOR | BPF_X, 0, 6, 0, 0), "w0 ^= w6" },
	{ I(BPF_ALU | BPF_MOV | BPF_X, 0, 3, 0, 0), "w0 = w3" },
	{ I(BPF_ALU | BPF_ARSH | BPF_X, 0, 6, 0, 0), "w0 s>>= w6" },
	{ I(BPF_ALU | BPF_NEG, 0, 0, 0, 0), "w0 = -w0" },
	{ I(BPF_ALU64 | BPF_NEG, 7, 0, 0, 0), "r7 = -r7" },
	{ I(BPF_ALU | BPF_END | BPF_TO_BE, 0, 0, 0, 16), "r0 = be16 r0" },
	{ I(BPF_ALU | BPF_END | BPF_TO_BE, 0, 0, 0, 32), "r0 = be32 r0" },
	{ I(BPF_ALU | BPF_END | BPF_TO_BE, 1, 0, 0, 64), "r1 = be64 r1" },
	{ I(BPF_ALU | BPF_END | BPF_TO_LE, 1, 0, 0, 16), "r1 = le16 r1" },
	{ I(BPF_ALU64 | BPF_END | BPF_TO_LE, 2, 0, 0, 32), "r2 = bswap32 r2" },
	/* cpu v4 forms: signed division, sign-extending move and load */
	{ I(BPF_ALU64 | BPF_DIV | BPF_X, 1, 2, 1, 0), "r1 s/= r2" },
	{ I(BPF_ALU | BPF_MOD | BPF_K, 1, 0, 1, 3), "w1 s%= 3" },
	{ I(BPF_ALU64 | BPF_MOV | BPF_X, 1, 2, 8, 0), "r1 = (s8)r2" },
	{ I(BPF_LDX | 0x80 | BPF_H, 1, 2, 4, 0), "r1 = *(s16 *)(r2 +4)" },
	{ I(BPF_JMP | BPF_JA, 0, 0, 5, 0), "goto pc+5" },
	{ I(BPF_JMP | BPF_JA, 0, 0, -3, 0), "goto pc-3" },
	{ I(BPF_JMP32 | BPF_JA, 0, 0, 0, 70000), "gotol pc+70000" },
	{ I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0), "exit" },
	{ I(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 1), "call pc+1" },
	{ I(BPF_JMP | BPF_CALL, 0, 0, 0, 1), "call #1" },
	{ I(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 2, 1), "if r1 == 0x1 goto pc+2" },
	{ I(BPF_JMP | BPF_JGT | BPF_K, 4, 0, 59, 0), "if r4 > 0x0 goto pc+59" },
	{ I(BPF_JMP | BPF_JGE | BPF_K, 1, 0, 2, -1), "if r1 >= 0xffffffff goto pc+2" },
	{ I(BPF_JMP | BPF_JSET | BPF_K, 1, 0, 2, 0x1fff), "if r1 & 0x1fff goto pc+2" },
	{ I(BPF_JMP | BPF_JNE | BPF_K, 1, 0, 2, 0x800), "if r1 != 0x800 goto pc+2" },
	{ I(BPF_JMP | BPF_JSGT | BPF_K, 1, 0, 2, 3), "if r1 s> 0x3 goto pc+2" },
	{ I(BPF_JMP | BPF_JSGE | BPF_K, 1, 0, 2, 3), "if r1 s>= 0x3 goto pc+2" },
	{ I(BPF_JMP | BPF_JLT | BPF_K, 6, 0, 2, 32), "if r6 < 0x20 goto pc+2" },
	{ I(BPF_JMP | BPF_JLE | BPF_K, 1, 0, 2, 3), "if r1 <= 0x3 goto pc+2" },
	{ I(BPF_JMP | BPF_JSLT | BPF_K, 1, 0, 2, 3), "if r1 s< 0x3 goto pc+2" },
	{ I(BPF_JMP | BPF_JSLE | BPF_K, 1, 0, -2, 3), "if r1 s<= 0x3 goto pc-2" },
	{ I(BPF_JMP | BPF_JEQ | BPF_X, 1, 2, 2, 0), "if r1 == r2 goto pc+2" },
	{ I(BPF_JMP | BPF_JGT | BPF_X, 4, 2, 2, 0), "if r4 > r2 goto pc+2" },
	{ I(BPF_JMP | BPF_JGE | BPF_X, 1, 2, 2, 0), "if r1 >= r2 goto pc+2" },
	{ I(BPF_JMP | BPF_JSET | BPF_X, 1, 2, 2, 0), "if r1 & r2 goto pc+2" },
	{ I(BPF_JMP | BPF_JNE | BPF_X, 1, 2, 2, 0), "if r1 != r2 goto pc+2" },
	{ I(BPF_JMP | BPF_JSGT | BPF_X, 1, 2, 2, 0), "if r1 s> r2 goto pc+2" },
	{ I(BPF_JMP | BPF_JSGE | BPF_X, 1, 2, 2, 0), "if r1 s>= r2 goto pc+2" },
	{ I(BPF_JMP | BPF_JLT | BPF_X, 1, 2, 2, 0), "if r1 < r2 goto pc+2" },
	{ I(BPF_JMP | BPF_JLE | BPF_X, 1, 2, 2, 0), "if r1 <= r2 goto pc+2" },
	{ I(BPF_JMP | BPF_JSLT | BPF_X, 1, 2, 2, 0), "if r1 s< r2 goto pc+2" },
	{ I(BPF_JMP | BPF_JSLE | BPF_X, 1, 2, 2, 0), "if r1 s<= r2 goto pc+2" },
	{ I(BPF_JMP32 | BPF_JEQ | BPF_K, 0, 0, 13, 0x11), "if w0 == 0x11 goto pc+13" },
	{ I(BPF_JMP32 | BPF_JGT | BPF_K, 0, 0, 1, 0x80000000), "if w0 > 0x80000000 goto pc+1" },
	{ I(BPF_JMP32 | BPF_JGE | BPF_K, 0, 0, 1, 5), "if w0 >= 0x5 goto pc+1" },
	{ I(BPF_JMP32 | BPF_JSET | BPF_K, 0, 0, 24, 0x1fff), "if w0 & 0x1fff goto pc+24" },
	{ I(BPF_JMP32 | BPF_JNE | BPF_K, 0, 0, 5, 0x800), "if w0 != 0x800 goto pc+5" },
	{ I(BPF_JMP32 | BPF_JSGT | BPF_K, 0, 0, 1, 5), "if w0 s> 0x5 goto pc+1" },
	{ I(BPF_JMP32 | BPF_JSGE | BPF_K, 0, 0, 1, 5), "if w0 s>= 0x5 goto pc+1" },
	{ I(BPF_JMP32 | BPF_JLT | BPF_K, 0, 0, 1, 5), "if w0 < 0x5 goto pc+1" },
	{ I(BPF_JMP32 | BPF_JLE | BPF_K, 0, 0, 2, 0x240), "if w0 <= 0x240 goto pc+2" },
	{ I(BPF_JMP32 | BPF_JSLT | BPF_K, 0, 0, 1, 5), "if w0 s< 0x5 goto pc+1" },
	{ I(BPF_JMP32 | BPF_JSLE | BPF_K, 0, 0, 1, 5), "if w0 s<= 0x5 goto pc+1" },
	{ I(BPF_JMP32 | BPF_JEQ | BPF_X, 0, 6, 1, 0), "if w0 == w6 goto pc+1" },
	{ I(BPF_JMP32 | BPF_JGT | BPF_X, 0, 6, 1, 0), "if w0 > w6 goto pc+1" },
	{ I(BPF_JMP32 | BPF_JGE | BPF_X, 0, 6, 1, 0), "if w0 >= w6 goto pc+1" },
	{ I(BPF_JMP32 | BPF_JSET | BPF_X, 0, 6, 1, 0), "if w0 & w6 goto pc+1" },
	{ I(BPF_JMP32 | BPF_JNE | BPF_X, 0, 6, 1, 0), "if w0 != w6 goto pc+1" },
	{ I(BPF_JMP32 | BPF_JSGT | BPF_X, 0, 6, 1, 0), "if w0 s> w6 goto pc+1" },
	{ I(BPF_JMP32 | BPF_JSGE | BPF_X, 0, 6, 1, 0), "if w0 s>= w6 goto pc+1" },
	{ I(BPF_JMP32 | BPF_JLT | BPF_X, 0, 6, 1, 0), "if w0 < w6 goto pc+1" },
	{ I(BPF_JMP32 | BPF_JLE | BPF_X, 0, 6, 1, 0), "if w0 <= w6 goto pc+1" },
	{ I(BPF_JMP32 | BPF_JSLT | BPF_X, 0, 6, 1, 0), "if w0 s< w6 goto pc+1" },
	{ I(BPF_JMP32 | BPF_JSLE | BPF_X, 0, 6, 1, 0), "if w0 s<= w6 goto pc+1" },
	{ I(BPF_LDX | BPF_MEM | BPF_B, 0, 1, 23, 0), "r0 = *(u8 *)(r1 +23)" },
	{ I(BPF_LDX | BPF_MEM | BPF_H, 0, 4, -2, 0), "r0 = *(u16 *)(r4 -2)" },
	{ I(BPF_LDX | BPF_MEM | BPF_W, 6, 10, -64, 0), "r6 = *(u32 *)(r10 -64)" },
	{ I(BPF_LDX | BPF_MEM | BPF_DW, 1, 1, 0, 0), "r1 = *(u64 *)(r1 +0)" },
	{ I(BPF_ST | BPF_MEM | BPF_B, 10, 0, -1, 7), "*(u8 *)(r10 -1) = 7" },
	{ I(BPF_ST | BPF_MEM | BPF_H, 10, 0, -2, -1), "*(u16 *)(r10 -2) = -1" },
	{ I(BPF_ST | BPF_MEM | BPF_W, 10, 0, -64, 0), "*(u32 *)(r10 -64) = 0" },
	{ I(BPF_ST | BPF_MEM | BPF_DW, 10, 0, -8, 16), "*(u64 *)(r10 -8) = 16" },
	{ I(BPF_STX | BPF_MEM | BPF_B, 10, 1, -1, 0), "*(u8 *)(r10 -1) = r1" },
	{ I(BPF_STX | BPF_MEM | BPF_H, 10, 1, -2, 0), "*(u16 *)(r10 -2) = r1" },
	{ I(BPF_STX | BPF_MEM | BPF_W, 10, 0, -4, 0), "*(u32 *)(r10 -4) = r0" },
	{ I(BPF_STX | BPF_MEM | BPF_DW, 10, 6, -8, 0), "*(u64 *)(r10 -8) = r6" },
	{ I(BPF_STX | BPF_ATOMIC | BPF_DW, 10, 1, -8, BPF_ADD), "lock *(u64 *)(r10 -8) += r1" },
	{ I(BPF_LD | BPF_ABS | BPF_H, 0, 0, 0, 12), "r0 = *(u16 *)skb[12]" },
	{ I(BPF_LD | BPF_IND | BPF_B, 0, 6, 0, 14), "r0 = *(u8 *)skb[r6 + 14]" },
};

/* The listing of prog, or NULL; *err gets the dump's return value. */
static char *listing(const struct bpf_insn *insns, size_t len, int *err)
{
	struct ebc_ebpf_prog prog = { (struct bpf_insn *)insns, len };
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	if (!f)
		return NULL;
	*err = ebc_xlate_dump__ebpf(f, &prog);
	fclose(f);
	return buf;
}

static void test_forms(void)
{
	char want[128], *got;
	size_t i;
	int err = 0;

	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		snprintf(want, sizeof(want), "(000) %s\n", forms[i].want);
		got = listing(&forms[i].insn, 1, &err);
		if (!tap_ok(got && !err && !strcmp(got, want), "eBPF form 0x%02x: %s",
			    forms[i].insn.code, forms[i].want))
			tap_diag("got %s (%d)", got ? got : "nothing", err);
		free(got);
	}
}

/* One listing line per slot, a 64-bit immediate taking two; an unknown opcode is an error. */
static void test_listing_edges(void)
{
	const struct bpf_insn imm64[] = {
		I(BPF_LD | BPF_IMM | BPF_DW, 1, 0, 0, 0x5678), I(0, 0, 0, 0, 0x1234),
		I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};
	const struct bpf_insn bad[] = {
		I(0xff, 0, 0, 0, 0), I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};
	struct bpf_insn many[1001];
	char *got;
	int err = 0;

	got = listing(imm64, 3, &err);
	tap_ok(got && !err && !strcmp(got, "(000) r1 = 0x123400005678\n(002) exit\n"),
	       "a 64-bit immediate is one line and takes two indices");
	free(got);
	got = listing(bad, 2, &err);
	tap_ok(got && err == -EINVAL && !strcmp(got, "(000) unknown opcode 0xff\n(001) exit\n"),
	       "an unknown opcode: a placeholder line, the rest of the listing, -EINVAL");
	free(got);
	memset(many, 0, sizeof(many));
	for (size_t i = 0; i < 1001; i++)
		many[i].code = BPF_JMP | BPF_EXIT;
	got = listing(many, 1001, &err);
	tap_ok(got && !err && strstr(got, "\n(999) exit\n(1000) exit\n"),
	       "indices widen past 999 as tcpdump -d's do");
	free(got);
	tap_ok(ebc_xlate_dump__ebpf(stdout, NULL) == -EINVAL, "no program: -EINVAL");
}

/*
 * Golden listings, reviewed by hand against the classic program (tcpdump -d):
 * r0 = A, r6 = X, r1/r2/r3 = packet, end, length; one bound check per block;
 * the shared "no match" exit last. They follow the translator: when src/xlate.c
 * changes its output on purpose, regenerate them with ebpfcap -d and review again.
 */
static const char *const golden_udp[] = {
	"(000) w0 = 0",
	"(001) w5 = 0",
	"(002) r4 = r1",
	"(003) r4 += 14",
	"(004) if r4 > r2 goto pc+25",
	"(005) r0 = *(u16 *)(r1 +12)",
	"(006) r0 = be16 r0",
	"(007) if w0 != 0x800 goto pc+6",
	"(008) r4 = r1",
	"(009) r4 += 24",
	"(010) if r4 > r2 goto pc+19",
	"(011) r0 = *(u8 *)(r1 +23)",
	"(012) if w0 == 0x11 goto pc+13",
	"(013) goto pc+14",
	"(014) if w0 != 0x86dd goto pc+13",
	"(015) r4 = r1",
	"(016) r4 += 21",
	"(017) if r4 > r2 goto pc+12",
	"(018) r0 = *(u8 *)(r1 +20)",
	"(019) if w0 == 0x11 goto pc+6",
	"(020) if w0 != 0x2c goto pc+7",
	"(021) r4 = r1",
	"(022) r4 += 55",
	"(023) if r4 > r2 goto pc+6",
	"(024) r0 = *(u8 *)(r1 +54)",
	"(025) if w0 != 0x11 goto pc+2",
	"(026) w0 = 262144",
	"(027) exit",
	"(028) w0 = 0",
	"(029) exit",
	"(030) w0 = 0",
	"(031) exit",
};

static const char *const golden_tcp_port_80[] = {
	"(000) w0 = 0",
	"(001) w5 = 0",
	"(002) r4 = r1",
	"(003) r4 += 14",
	"(004) if r4 > r2 goto pc+59",
	"(005) r0 = *(u16 *)(r1 +12)",
	"(006) r0 = be16 r0",
	"(007) if w0 != 0x86dd goto pc+18",
	"(008) r4 = r1",
	"(009) r4 += 21",
	"(010) if r4 > r2 goto pc+53",
	"(011) r0 = *(u8 *)(r1 +20)",
	"(012) if w0 != 0x6 goto pc+49",
	"(013) r4 = r1",
	"(014) r4 += 56",
	"(015) if r4 > r2 goto pc+48",
	"(016) r0 = *(u16 *)(r1 +54)",
	"(017) r0 = be16 r0",
	"(018) if w0 == 0x50 goto pc+41",
	"(019) r4 = r1",
	"(020) r4 += 58",
	"(021) if r4 > r2 goto pc+42",
	"(022) r0 = *(u16 *)(r1 +56)",
	"(023) r0 = be16 r0",
	"(024) if w0 == 0x50 goto pc+35",
	"(025) goto pc+36",
	"(026) if w0 != 0x800 goto pc+35",
	"(027) r4 = r1",
	"(028) r4 += 24",
	"(029) if r4 > r2 goto pc+34",
	"(030) r0 = *(u8 *)(r1 +23)",
	"(031) if w0 != 0x6 goto pc+30",
	"(032) r4 = r1",
	"(033) r4 += 22",
	"(034) if r4 > r2 goto pc+29",
	"(035) r0 = *(u16 *)(r1 +20)",
	"(036) r0 = be16 r0",
	"(037) if w0 & 0x1fff goto pc+24",
	"(038) r4 = r1",
	"(039) r4 += 15",
	"(040) if r4 > r2 goto pc+23",
	"(041) r5 = *(u8 *)(r1 +14)",
	"(042) w5 &= 15",
	"(043) w5 <<= 2",
	"(044) if r5 > 0xffef goto pc+19",
	"(045) r4 = r1",
	"(046) r4 += r5",
	"(047) r4 += 16",
	"(048) if r4 > r2 goto pc+15",
	"(049) r0 = *(u16 *)(r4 -2)",
	"(050) r0 = be16 r0",
	"(051) if w0 == 0x50 goto pc+8",
	"(052) if r5 > 0xffed goto pc+11",
	"(053) r4 = r1",
	"(054) r4 += r5",
	"(055) r4 += 18",
	"(056) if r4 > r2 goto pc+7",
	"(057) r0 = *(u16 *)(r4 -2)",
	"(058) r0 = be16 r0",
	"(059) if w0 != 0x50 goto pc+2",
	"(060) w0 = 262144",
	"(061) exit",
	"(062) w0 = 0",
	"(063) exit",
	"(064) w0 = 0",
	"(065) exit",
};

static const char *const golden_ip_len[] = {
	"(000) w0 = 0",
	"(001) w5 = 0",
	"(002) r4 = r1",
	"(003) r4 += 14",
	"(004) if r4 > r2 goto pc+13",
	"(005) r0 = *(u16 *)(r1 +12)",
	"(006) r0 = be16 r0",
	"(007) if w0 != 0x800 goto pc+8",
	"(008) r4 = r1",
	"(009) r4 += 18",
	"(010) if r4 > r2 goto pc+7",
	"(011) r0 = *(u16 *)(r1 +16)",
	"(012) r0 = be16 r0",
	"(013) if w0 <= 0x240 goto pc+2",
	"(014) w0 = 262144",
	"(015) exit",
	"(016) w0 = 0",
	"(017) exit",
	"(018) w0 = 0",
	"(019) exit",
};

static void test_golden(const char *expr, const char *const *want, size_t nwant)
{
	struct ebc_cbpf_prog c;
	struct ebc_ebpf_prog e;
	char err[256], line[128], *got, *p, *nl;
	size_t i, bad = 0;
	int ret;

	if (ebc_filter__compile(expr, DLT_EN10MB, SNAPLEN, &c, err, sizeof(err)) ||
	    ebc_xlate(&c, NULL, &e, err, sizeof(err))) {
		tap_ok(0, "golden \"%s\": %s", expr, err);
		return;
	}
	got = listing(e.insns, e.len, &ret);
	for (i = 0, p = got; p && *p && i < nwant; i++, p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			break;
		snprintf(line, sizeof(line), "%.*s", (int)(nl - p), p);
		if (strcmp(line, want[i]) && !bad++)
			tap_diag("line %zu: got \"%s\", want \"%s\"", i, line, want[i]);
	}
	if (i != nwant || (p && *p))
		tap_diag("%zu lines match of %zu, %s", i, nwant, p && *p ? "more follow" : "fewer");
	tap_ok(!ret && !bad && i == nwant && e.len == nwant && !(p && *p),
	       "golden eBPF listing of \"%s\" (%zu instructions)", expr, nwant);
	free(got);
	ebc_ebpf_prog__free(&e);
	ebc_cbpf_prog__free(&c);
}

/* ---- C ------------------------------------------------------------------- */

static char *c_of(const struct ebc_cbpf_prog *c, int *ret, char *err, size_t errlen)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	if (!f)
		return NULL;
	err[0] = '\0';
	*ret = ebc_xlate_dump__c(f, c, err, errlen);
	fclose(f);
	return buf;
}

/* Lines that are exactly "L<n>:" in order 0, 1, ...; -1 if out of order. */
static long count_labels(const char *s)
{
	long n = 0;
	const char *p;
	char want[32];

	for (p = s; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (*p != 'L')
			continue;
		snprintf(want, sizeof(want), "L%ld:\n", n);
		if (strncmp(p, want, strlen(want)))
			return -1;
		n++;
	}
	return n;
}

/* RET statements sit at one tab; the bound checks' "return 0" at two. */
static long count_lines(const char *s, const char *prefix)
{
	long n = 0;
	const char *p;

	for (p = s; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		n += !strncmp(p, prefix, strlen(prefix));
	return n;
}

static void test_c_shape(const char *expr)
{
	struct ebc_cbpf_prog c;
	char err[256], *got, *body;
	size_t i, rets = 0, loads = 0;
	int ret;

	if (ebc_filter__compile(expr, DLT_EN10MB, SNAPLEN, &c, err, sizeof(err))) {
		tap_ok(0, "C of \"%s\": %s", expr, err);
		return;
	}
	for (i = 0; i < c.len; i++) {
		rets += BPF_CLASS(c.insns[i].code) == BPF_RET;
		loads += BPF_CLASS(c.insns[i].code) == BPF_LD &&
			 (BPF_MODE(c.insns[i].code) == BPF_ABS || BPF_MODE(c.insns[i].code) == BPF_IND);
		loads += c.insns[i].code == (BPF_LDX | BPF_B | BPF_MSH);
	}
	got = c_of(&c, &ret, err, sizeof(err));
	tap_ok(got && !ret, "C of \"%s\": printed", expr);
	/* count in ebpfcap_filter() only, not in the tc wrapper after it */
	body = got ? strstr(got, "\n}\n") : NULL;
	if (body)
		*body = '\0';
	tap_ok(count_labels(got) == (long)c.len, "C of \"%s\": labels L0..L%zu, one per classic instruction",
	       expr, c.len - 1);
	tap_ok(count_lines(got, "\treturn ") == (long)rets, "C of \"%s\": %zu returns, one per RET",
	       expr, rets);
	tap_ok(count_lines(got, "\t\treturn 0;") >= (long)loads,
	       "C of \"%s\": a bound check before each of the %zu packet loads", expr, loads);
	if (body)
		*body = '\n';
	tap_ok(got && strstr(got, "#include <linux/bpf.h>\n#include <bpf/bpf_helpers.h>\n") &&
	       strstr(got, "static __always_inline __u32 ebpfcap_filter(const __u8 *pkt, const __u8 *end, __u32 len)\n") &&
	       strstr(got, "SEC(\"tc\")\nint ebpfcap_filter_tc(struct __sk_buff *skb)\n") &&
	       strstr(got, "char LICENSE[] SEC(\"license\") = \"GPL\";\n") &&
	       strstr(got, "-I/usr/include/$(gcc -print-multiarch)") &&
	       strstr(got, "__u32 A = 0;") && strstr(got, "__u32 X = 0;") && strstr(got, "__u32 M[16] = { 0 };"),
	       "C of \"%s\": includes, the filter function, the tc wrapper, licence, zeroed A/X/M[]", expr);
	free(got);
	ebc_cbpf_prog__free(&c);
}

#define S(code, k)		{ (uint16_t)(code), 0, 0, (uint32_t)(k) }
#define J(code, k, jt, jf)	{ (uint16_t)(code), (jt), (jf), (uint32_t)(k) }

/* Statements for the forms libpcap's compiler rarely or never emits. */
static void test_c_statements(void)
{
	struct ebc_cbpf_insn prog[] = {
		S(BPF_LD | BPF_W | BPF_LEN, 0),
		S(BPF_LDX | BPF_W | BPF_IMM, 0),
		S(BPF_ALU | BPF_DIV | BPF_X, 0),
		S(BPF_ALU | BPF_MOD | BPF_X, 0),
		S(BPF_ALU | BPF_LSH | BPF_X, 0),
		S(BPF_ALU | BPF_RSH | BPF_X, 0),
		S(BPF_ALU | BPF_NEG, 0),
		S(BPF_ST, 3),
		S(BPF_LDX | BPF_MEM, 3),
		S(BPF_MISC | BPF_TXA, 0),
		S(BPF_LD | BPF_W | BPF_ABS, 0x10000),
		J(BPF_JMP | BPF_JSET | BPF_X, 0, 0, 1),
		S(BPF_LD | BPF_W | BPF_IND, 2),
		S(BPF_RET | BPF_A, 0),
	};
	const char *const want[] = {
		"\tA = len;\n", "\tif (X == 0)\n\t\treturn 0;\n\tA /= X;\n",
		"\tif (X == 0)\n\t\treturn 0;\n\tA %= X;\n", "\tA = X < 32 ? A << X : 0;\n",
		"\tA = X < 32 ? A >> X : 0;\n", "\tA = -A;\n", "\tM[3] = A;\n", "\tX = M[3];\n",
		"\tA = X;\n", "\treturn 0;\t/* beyond 64 KiB: no match, as in the translation */\n",
		"\tif (A & X)\n\t\tgoto L12;\n\telse\n\t\tgoto L13;\n",
		"\tif (X > 65529)\n\t\treturn 0;\n\tp = pkt + X + 2;\n\tif (p + 4 > end)\n\t\treturn 0;\n"
		"\tA = (__u32)p[0] << 24 | (__u32)p[1] << 16 | (__u32)p[2] << 8 | p[3];\n",
		"\treturn A;\n", "/* ld [x + 2] */",
	};
	struct ebc_cbpf_prog c = { prog, sizeof(prog) / sizeof(prog[0]) };
	char err[256], *got;
	size_t i;
	int ret;

	got = c_of(&c, &ret, err, sizeof(err));
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (!tap_ok(got && !ret && strstr(got, want[i]), "C statement %zu present", i))
			tap_diag("want: %s", want[i]);
	free(got);
}

/* protochain's shape: a JA that wraps around to an earlier instruction. */
static void test_c_loop(void)
{
	struct ebc_cbpf_insn back[] = {
		S(BPF_LD | BPF_IMM, 0),
		J(BPF_JMP | BPF_JEQ | BPF_K, 1, 1, 0),
		S(BPF_JMP | BPF_JA, (uint32_t)-3),
		S(BPF_JMP | BPF_JA, (uint32_t)-4),
		S(BPF_RET | BPF_A, 0),
	};
	struct ebc_cbpf_prog c = { back, 5 };
	char err[256], want[64], *got;
	int ret;

	got = c_of(&c, &ret, err, sizeof(err));
	snprintf(want, sizeof(want), "\t__u32 loop0 = %d;", EBC_XLATE_LOOP_MAX);
	tap_ok(got && !ret && strstr(got, want) && !strstr(strstr(got, want) + 1, want),
	       "C loop: one counter per loop head, set to EBC_XLATE_LOOP_MAX");
	tap_ok(got && strstr(got, "L2:\n\t/* ja 0 */\n\tif (loop0 == 0)\n\t\treturn 0;\n\tloop0--;\n\tgoto L0;\n") &&
	       strstr(got, "L3:\n\t/* ja 0 */\n\tif (loop0 == 0)\n\t\treturn 0;\n\tloop0--;\n\tgoto L0;\n"),
	       "C loop: each backward jump spends the head's counter, then no match");
	if (got && !strstr(got, "goto L0;"))
		tap_diag("%s", got);
	free(got);
}

static void test_c_refusals(void)
{
	struct ebc_cbpf_insn anc[] = {
		S(BPF_LD | BPF_IMM, 0),
		S(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_NLATTR),
		S(BPF_RET | BPF_A, 0),
	};
	struct ebc_cbpf_insn unknown[] = {
		S(BPF_LD | BPF_H | BPF_ABS, SKF_AD_OFF + 66),
		S(BPF_RET | BPF_A, 0),
	};
	struct ebc_cbpf_insn neg[] = {
		S(BPF_LD | BPF_B | BPF_IND, (uint32_t)SKF_NET_OFF + 9),
		S(BPF_RET | BPF_A, 0),
	};
	struct ebc_cbpf_insn noret[] = { S(BPF_LD | BPF_IMM, 0) };
	struct {
		const char *name;
		struct ebc_cbpf_prog prog;
		int ret;
		const char *msg;
	} cases[] = {
		{ "an ancillary load no hook answers", { anc, 3 }, -EOPNOTSUPP,
		  "instruction 1: ancillary load SKF_AD_NLATTR is not available at any hook" },
		{ "an unknown ancillary load", { unknown, 2 }, -EOPNOTSUPP,
		  "instruction 0: ancillary load SKF_AD_OFF+66 is unknown" },
		{ "negative-offset load", { neg, 2 }, -EOPNOTSUPP,
		  "instruction 0: negative-offset (SKF_NET_OFF/SKF_LL_OFF) load at offset 0xfff00009 cannot be expressed in C on a packet pointer" },
		{ "no final return", { noret, 1 }, -EINVAL, "instruction 0: " },
		{ "empty program", { noret, 0 }, -EINVAL, "classic program is empty" },
	};
	char err[256], *got;
	size_t i;
	int ret = 0;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		got = c_of(&cases[i].prog, &ret, err, sizeof(err));
		if (!tap_ok(ret == cases[i].ret && !strncmp(err, cases[i].msg, strlen(cases[i].msg)) &&
			    got && !*got, "C refuses: %s, naming the instruction, printing nothing",
			    cases[i].name))
			tap_diag("%d \"%s\"", ret, err);
		free(got);
	}
}

#define AD(code, size)	S(BPF_LD | (size) | BPF_ABS, SKF_AD_OFF + (code))

/* ld [mark]; jset #1 jt 2 jf 4; ldb [23]; A ^= X; ret a; (dead) ldb [hatype]; ret a */
static struct ebc_cbpf_insn anc_prog[] = {
	AD(SKF_AD_MARK, BPF_W), J(BPF_JMP | BPF_JSET | BPF_K, 1, 0, 2),
	S(BPF_LD | BPF_B | BPF_ABS, 23), AD(SKF_AD_ALU_XOR_X, BPF_H), S(BPF_RET | BPF_A, 0),
	AD(SKF_AD_HATYPE, BPF_B), S(BPF_RET | BPF_A, 0),
};

/*
 * The pointer in r4 spilled first thing below M[] (no loop counters here),
 * reloaded by the ancillary load, which reads the field at its SKF_AD_ code;
 * ALU_XOR_X is a plain xor; the dead load is not translated.
 */
static const char *const golden_anc[] = {
	"(000) *(u64 *)(r10 -72) = r4",
	"(001) w0 = 0",
	"(002) w5 = 0",
	"(003) r4 = *(u64 *)(r10 -72)",
	"(004) r0 = *(u32 *)(r4 +20)",
	"(005) if w0 & 0x1 goto pc+1",
	"(006) goto pc+5",
	"(007) r4 = r1",
	"(008) r4 += 24",
	"(009) if r4 > r2 goto pc+3",
	"(010) r0 = *(u8 *)(r1 +23)",
	"(011) w0 ^= w5",
	"(012) exit",
	"(013) w0 = 0",
	"(014) exit",
};

static void test_golden_anc(void)
{
	struct ebc_cbpf_prog c = { anc_prog, sizeof(anc_prog) / sizeof(anc_prog[0]) };
	struct ebc_xlate_opts o = { .anc_mask = EBC_ANC_BIT(SKF_AD_MARK) | EBC_ANC_BIT(SKF_AD_HATYPE) };
	const size_t nwant = sizeof(golden_anc) / sizeof(golden_anc[0]);
	struct ebc_ebpf_prog e = { 0 };
	char err[256] = "", *got = NULL, *p, *nl;
	size_t i = 0, bad = 0;
	int ret;

	ret = ebc_xlate(&c, &o, &e, err, sizeof(err));
	if (!ret)
		got = listing(e.insns, e.len, &ret);
	for (p = got; p && *p && i < nwant; i++, p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			break;
		if ((strncmp(p, golden_anc[i], (size_t)(nl - p)) || strlen(golden_anc[i]) != (size_t)(nl - p)) &&
		    !bad++)
			tap_diag("line %zu: got \"%.*s\", want \"%s\"", i, (int)(nl - p), p, golden_anc[i]);
	}
	tap_ok(!ret && !bad && i == nwant && e.len == nwant && e.anc_used == EBC_ANC_BIT(SKF_AD_MARK),
	       "golden eBPF listing of an ancillary program (%zu instructions, anc_used 0x%x) %s",
	       nwant, e.anc_used, err);
	free(got);
	ebc_ebpf_prog__free(&e);
}

/* Ancillary loads read the block the function is given; the tc wrapper fills what it reads. */
static void test_c_anc(void)
{
	struct ebc_cbpf_prog c = { anc_prog, sizeof(anc_prog) / sizeof(anc_prog[0]) };
	const char *const want[] = {
		"#include <bpf/bpf_helpers.h>\n#include <bpf/bpf_endian.h>\n",
		"struct ebc_anc {\n\t__u32 protocol;\n\t__u32 pkttype;\n",
		"\t__u32 random;\n\t__u32 vlan_tpid;\n};\n",
		"static __always_inline __u32 ebpfcap_filter(const __u8 *pkt, const __u8 *end, __u32 len, const struct ebc_anc *anc)\n",
		"L0:\n\t/* ld [mark] */\n\tA = anc->mark;\n",
		"L3:\n\t/* ldh [xor_x] */\n\tA ^= X;\n",
		"\tA = anc->hatype;\n",
		"\tstruct ebc_anc anc = {\n\t\t.mark = skb->mark,\n\t\t/* .hatype: tc's context does not say, so 0 */\n\t};\n",
		"\treturn ebpfcap_filter(pkt, end, skb->len, &anc);\n",
	};
	struct ebc_cbpf_insn plain[] = { S(BPF_LD | BPF_W | BPF_LEN, 0), S(BPF_RET | BPF_A, 0) };
	struct ebc_cbpf_prog p = { plain, 2 };
	char err[256], *got;
	size_t i;
	int ret;

	got = c_of(&c, &ret, err, sizeof(err));
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (!tap_ok(got && !ret && strstr(got, want[i]), "C ancillary statement %zu present", i))
			tap_diag("want: %s%s", want[i], err);
	free(got);
	got = c_of(&p, &ret, err, sizeof(err));
	tap_ok(got && !ret && !strstr(got, "ebc_anc") && !strstr(got, "bpf_endian.h") &&
	       strstr(got, "return ebpfcap_filter(pkt, end, skb->len);"),
	       "C without ancillary loads has no block");
	free(got);
}

int main(void)
{
	test_forms();
	test_listing_edges();
	test_golden("udp", golden_udp, sizeof(golden_udp) / sizeof(golden_udp[0]));
	test_golden("tcp port 80", golden_tcp_port_80,
		    sizeof(golden_tcp_port_80) / sizeof(golden_tcp_port_80[0]));
	test_golden("ip[2:2] > 576", golden_ip_len, sizeof(golden_ip_len) / sizeof(golden_ip_len[0]));
	test_c_shape("tcp port 80");
	test_c_shape("vlan 100 and (udp port 53 or tcp[tcpflags] & tcp-syn != 0)");
	test_c_statements();
	test_c_loop();
	test_c_refusals();
	test_golden_anc();
	test_c_anc();
	return tap_done();
}
