// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for cbpf2c: the input is decoded into a valid classic
 * program and a packet; the translation, run in the test interpreter, must
 * return what libpcap's bpf_filter() returns, or the fuzzer aborts.
 *
 * Programs: a prologue that zeroes M[0..15] (bpf_filter() leaves them
 * undefined), then random instructions of every opcode with forward jumps, and
 * sometimes one counted loop in protochain's shape (a backward "ja" to a head
 * that bumps M[15] and leaves after at most EBC_XLATE_LOOP_MAX backward jumps),
 * so bpf_filter() always terminates within the translation's bound.
 *
 * Build and run (see the report in issue 3):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -include autoconfig.h \
 *     -Isrc -Itests/unit tests/fuzz/fuzz_xlate.c src/xlate.c src/filter.c src/log.c \
 *     tests/unit/ebpf_interp.c -lpcap -lbpf -o fuzz_xlate
 *   ./fuzz_xlate -max_total_time=30 -max_len=512
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/filter.h>

#include "xlate.h"
#include "ebpf_interp.h"
#include "fuzz_input.h"

#define PROG_MAX	256
#define BODY_MAX	64
#define LOOP_SLOT	15	/* the loop counter's scratch word */

/* Constants that matter: small offsets, header fields, sign and width edges. */
static uint32_t take_k(struct input *in)
{
	static const uint32_t edges[] = {
		0, 1, 2, 4, 12, 14, 23, 31, 32, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff,
		0x10000, 0x7fffffff, 0x80000000, 0x80000001, 0xfffffffe, 0xffffffff,
	};
	uint8_t sel = take8(in);

	switch (sel & 3) {
	case 0: return sel >> 2;			/* 0..63 */
	case 1: return edges[(sel >> 2) % (sizeof(edges) / sizeof(edges[0]))];
	case 2: return take32(in) & 0xffff;
	}
	return take32(in);
}

/* A packet load offset: never in the SKF_LL_OFF/SKF_AD_OFF range a packet pointer cannot serve. */
static uint32_t take_load_k(struct input *in)
{
	uint32_t k = take_k(in);

	return k >= (uint32_t)SKF_LL_OFF ? k & 0xff : k;
}

static const uint16_t alu_ops[] = {
	BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_MOD, BPF_AND, BPF_OR, BPF_XOR, BPF_LSH, BPF_RSH,
};
static const uint16_t jmp_ops[] = { BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET };
static const uint16_t sizes[] = { BPF_W, BPF_H, BPF_B };

/*
 * One instruction at pc of a region ending (exclusive) at end, where end - 1
 * is reserved: jumps land in (pc, end - 1]. may_store_loop: whether M[15] may
 * be written (not inside the loop body).
 */
static struct ebc_cbpf_insn gen_insn(struct input *in, size_t pc, size_t end, int may_store_loop)
{
	struct ebc_cbpf_insn insn = { 0 };
	size_t room = end - 1 - pc;		/* instructions a jump may skip */
	uint8_t sel = take8(in);
	uint16_t size = sizes[(sel >> 4) % 3];

	switch (sel & 0xf) {
	case 0: insn.code = BPF_LD | size | BPF_ABS; insn.k = take_load_k(in); break;
	case 1: insn.code = BPF_LD | size | BPF_IND; insn.k = take_load_k(in); break;
	case 2: insn.code = (sel & 0x10) ? BPF_LD | BPF_IMM : BPF_LDX | BPF_W | BPF_IMM;
		insn.k = take_k(in); break;
	case 3: insn.code = (sel & 0x10) ? BPF_LD | BPF_W | BPF_LEN : BPF_LDX | BPF_W | BPF_LEN; break;
	case 4: insn.code = (sel & 0x10) ? BPF_LD | BPF_MEM : BPF_LDX | BPF_W | BPF_MEM;
		insn.k = take8(in) % 16; break;
	case 5: insn.code = BPF_LDX | BPF_B | BPF_MSH; insn.k = take_load_k(in); break;
	case 6: insn.code = (sel & 0x10) ? BPF_ST : BPF_STX;
		insn.k = take8(in) % (may_store_loop ? 16 : LOOP_SLOT); break;
	case 7: case 8: {
		uint16_t op = alu_ops[take8(in) % (sizeof(alu_ops) / sizeof(alu_ops[0]))];

		insn.code = BPF_ALU | op | ((sel & 1) ? BPF_X : BPF_K);
		insn.k = take_k(in);
		if ((op == BPF_DIV || op == BPF_MOD) && !insn.k && BPF_SRC(insn.code) == BPF_K)
			insn.k = 1;
		if (op == BPF_LSH || op == BPF_RSH)
			insn.k &= 31;
		break;
	}
	case 9: insn.code = BPF_ALU | BPF_NEG; break;
	case 10: insn.code = (sel & 0x10) ? BPF_MISC | BPF_TAX : BPF_MISC | BPF_TXA; break;
	case 11: case 12:
		if (!room)
			return (struct ebc_cbpf_insn){ BPF_MISC | BPF_TAX, 0, 0, 0 };
		insn.code = BPF_JMP | jmp_ops[take8(in) % 4] | ((sel & 0x10) ? BPF_X : BPF_K);
		insn.k = take_k(in);
		insn.jt = (uint8_t)(take8(in) % (room < 256 ? room : 256));
		insn.jf = (uint8_t)(take8(in) % (room < 256 ? room : 256));
		break;
	case 13:
		if (!room)
			return (struct ebc_cbpf_insn){ BPF_MISC | BPF_TXA, 0, 0, 0 };
		insn.code = BPF_JMP | BPF_JA;
		insn.k = take8(in) % room;
		break;
	case 14: insn.code = BPF_RET | BPF_A; break;
	default: insn.code = BPF_RET | BPF_K; insn.k = take_k(in); break;
	}
	return insn;
}

/*
 * head: ld M[15]; add #1; st M[15]; jgt #limit jt exit; body...; ja head
 * The body's jumps stay inside it (their last target is the "ja"); it may
 * return, but never writes M[15]. limit <= EBC_XLATE_LOOP_MAX.
 */
static size_t gen_loop(struct input *in, struct ebc_cbpf_insn *prog, size_t at)
{
	size_t body = 1 + take8(in) % 16, head = at, ja, i;
	uint32_t limit = take8(in) % (EBC_XLATE_LOOP_MAX + 1);

	prog[at++] = (struct ebc_cbpf_insn){ BPF_LD | BPF_MEM, 0, 0, LOOP_SLOT };
	prog[at++] = (struct ebc_cbpf_insn){ BPF_ALU | BPF_ADD | BPF_K, 0, 0, 1 };
	prog[at++] = (struct ebc_cbpf_insn){ BPF_ST, 0, 0, LOOP_SLOT };
	ja = at + 1 + body;
	/* A = M[15] counts entries; leave after limit + 1, i.e. limit backward jumps */
	prog[at] = (struct ebc_cbpf_insn){ BPF_JMP | BPF_JGT | BPF_K, (uint8_t)(body + 1), 0, limit };
	at++;
	for (i = 0; i < body; i++, at++)
		prog[at] = gen_insn(in, at, ja + 1, 0);
	prog[ja] = (struct ebc_cbpf_insn){ BPF_JMP | BPF_JA, 0, 0, (uint32_t)(head - (ja + 1)) };
	return ja + 1;
}

/* A valid program into prog; its length. */
static size_t gen_prog(struct input *in, struct ebc_cbpf_insn *prog)
{
	size_t n = 0, len, i;
	uint8_t shape = take8(in);

	for (i = 0; i < 16; i++)
		prog[n++] = (struct ebc_cbpf_insn){ BPF_ST, 0, 0, (uint32_t)i };
	len = n + 1 + take8(in) % BODY_MAX;
	if (shape & 1) {
		/* a forward part, the loop, and a forward part after it */
		for (i = 0; i < (size_t)(shape >> 4); i++, n++)
			prog[n] = gen_insn(in, n, n + 1, 1);
		n = gen_loop(in, prog, n);
		len = n + 1 + take8(in) % BODY_MAX;
	}
	for (; n < len - 1; n++)
		prog[n] = gen_insn(in, n, len, 1);
	prog[n++] = (struct ebc_cbpf_insn){ BPF_RET | ((shape & 2) ? BPF_A : BPF_K), 0, 0, take32(in) };
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ebc_cbpf_insn insns[PROG_MAX];
	struct input in = { data, size };
	struct ebc_cbpf_prog c = { insns, 0 };
	struct ebc_ebpf_prog e = { 0 };
	uint32_t wirelen, want, got = 0;
	char err[256] = "";
	uint8_t longer;
	int ret;

	c.len = gen_prog(&in, insns);
	/* the rest is the packet; the wire may be longer than what was captured */
	longer = take8(&in);
	wirelen = (uint32_t)in.n + (longer & 3 ? 0 : 1500);
	ret = ebc_xlate(&c, NULL, &e, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "valid program refused: %s\n", err);
		abort();
	}
	want = bpf_filter(c.insns, in.p, wirelen, (unsigned int)in.n);
	ret = ebpf_interp_run(e.insns, e.len, in.p, (uint32_t)in.n, wirelen, &got, err, sizeof(err));
	if (ret || got != want) {
		fprintf(stderr, "%zu classic insns, %zu-byte packet: bpf_filter %u, translation %u %s\n",
			c.len, in.n, want, got, ret ? err : "");
		abort();
	}
	ebc_ebpf_prog__free(&e);
	return 0;
}
