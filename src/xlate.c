// SPDX-License-Identifier: GPL-2.0-only
/*
 * cbpf2c: classic BPF to eBPF instructions for direct packet access.
 *
 * ebc_cbpf_check() validates, as the kernel's bpf_check_classic() does.
 * ebc_xlate() then works in two passes, like the kernel's bpf_convert_filter():
 * the first emits code and records, for each jump, the classic instruction it
 * goes to (or the shared "no match" exit); the second patches offsets through
 * the old→new index table.
 *
 * Register use in the emitted body:
 *   r0 = A (so "ret a" is a bare exit), r5 = X, r4 = scratch pointer,
 *   r1/r2/r3 = packet start, end, wire length (never written),
 *   M[0..15] = 64 bytes below r10, then one 8-byte loop counter per loop head,
 *   then, when ancillary loads read it, the struct ebc_anc pointer the body
 *   was entered with in r4 (spilled first thing, reloaded by each such load).
 * Only caller-saved registers (r0-r5) are written, so the body can also be
 * spliced inline at a call site (src/inject.c), its r10 offsets moved below
 * the caller's stack.
 * A and X only ever see 32-bit ALU ops and zero-extending loads, so their
 * upper halves stay zero and classic's unsigned 32-bit arithmetic is kept.
 *
 * Backward jumps (libpcap's protochain walks IPv6 extension headers with a
 * backward "ja") become bounded loops: every instruction a backward jump lands
 * on (a loop head) gets a counter, set to EBC_XLATE_LOOP_MAX on entry and
 * decremented on each backward jump to that head; a backward jump with the
 * counter spent means no match. The counter is a known constant on every
 * path, so the verifier sees a loop of at most EBC_XLATE_LOOP_MAX iterations.
 * Any backward "ja" is accepted but one to itself, which could only spin.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>
#include <linux/filter.h>

#include "filter.h"
#include "log.h"
#include "xlate.h"

#define R_A	BPF_REG_0
#define R_PKT	BPF_REG_1
#define R_END	BPF_REG_2
#define R_LEN	BPF_REG_3
#define R_TMP	BPF_REG_4
#define R_X	BPF_REG_5
#define R_FP	BPF_REG_10

/*
 * The verifier gives no range to a packet pointer whose offset may pass 0xffff
 * (MAX_PACKET_OFF), so a load beyond it is translated as "no match": only a
 * linear packet area over 64 KiB could tell the difference.
 */
#define PKT_OFF_MAX	0xffff
#define MEMWORDS	16

/* Jump targets recorded by pass 1: a classic index, or one of these. */
#define TGT_NONE	(-1)
#define TGT_NOMATCH	(-2)

/* Stack bytes of M[], below which the loop counters live. */
#define MEM_BYTES	(4 * MEMWORDS)

/* Per classic instruction, from xlate_mark(). */
#define F_REACH		0x1	/* some path from instruction 0 gets here */
#define F_LEADER	0x2	/* a jump lands here: a basic block starts */

struct xlate {
	const struct ebc_cbpf_insn *ci;
	size_t clen;
	uint8_t *flags;
	size_t *map;		/* classic index → first eBPF index */
	struct bpf_insn *out;
	int32_t *tgt;		/* per eBPF insn: TGT_* or the classic index it jumps to */
	size_t len;
	size_t cap;
	bool nomatch_used;
	int *loop;		/* classic index → loop counter slot, or -1 */
	size_t nloops;
	uint32_t anc_used;	/* EBC_ANC_BIT() of the fields reachable loads read */
};

/* ---- validation ---------------------------------------------------------- */

static bool cbpf_opcode_known(uint16_t code)
{
	switch (code) {
	case BPF_LD | BPF_W | BPF_ABS: case BPF_LD | BPF_H | BPF_ABS:
	case BPF_LD | BPF_B | BPF_ABS: case BPF_LD | BPF_W | BPF_IND:
	case BPF_LD | BPF_H | BPF_IND: case BPF_LD | BPF_B | BPF_IND:
	case BPF_LD | BPF_IMM: case BPF_LD | BPF_W | BPF_LEN:
	case BPF_LD | BPF_MEM:
	case BPF_LDX | BPF_W | BPF_IMM: case BPF_LDX | BPF_W | BPF_LEN:
	case BPF_LDX | BPF_W | BPF_MEM: case BPF_LDX | BPF_B | BPF_MSH:
	case BPF_ST: case BPF_STX:
	case BPF_ALU | BPF_NEG:
	case BPF_JMP | BPF_JA:
	case BPF_RET | BPF_K: case BPF_RET | BPF_A:
	case BPF_MISC | BPF_TAX: case BPF_MISC | BPF_TXA:
		return true;
	}
	if (BPF_CLASS(code) == BPF_ALU && !(code & ~(0xf0 | BPF_X | BPF_ALU))) {
		switch (BPF_OP(code)) {
		case BPF_ADD: case BPF_SUB: case BPF_MUL: case BPF_DIV:
		case BPF_MOD: case BPF_AND: case BPF_OR: case BPF_XOR:
		case BPF_LSH: case BPF_RSH:
			return true;
		}
	}
	if (BPF_CLASS(code) == BPF_JMP && !(code & ~(0xf0 | BPF_X | BPF_JMP))) {
		switch (BPF_OP(code)) {
		case BPF_JEQ: case BPF_JGT: case BPF_JGE: case BPF_JSET:
			return true;
		}
	}
	return false;
}

static bool cbpf_uses_mem(uint16_t code)
{
	return code == (BPF_LD | BPF_MEM) || code == (BPF_LDX | BPF_MEM) ||
	       code == BPF_ST || code == BPF_STX;
}

/* A "ja" whose offset wraps to an earlier instruction. */
static bool is_backward_ja(const struct ebc_cbpf_insn *insn, size_t pc)
{
	return insn->code == (BPF_JMP | BPF_JA) && insn->k > UINT32_MAX - pc - 1;
}

static size_t backward_target(const struct ebc_cbpf_insn *insn, size_t pc)
{
	return (size_t)(uint32_t)(pc + 1 + insn->k);
}

/*
 * Loop heads: distinct targets of backward jumps, numbered in the order of the
 * first backward jump to each; slot[] maps a classic index to its number or -1.
 * *over_at: the jump that made one loop too many, if any.
 */
static size_t count_loops(const struct ebc_cbpf_prog *prog, int *slot, size_t *over_at)
{
	size_t i, t, n = 0;

	*over_at = SIZE_MAX;
	for (i = 0; i < prog->len; i++)
		slot[i] = -1;
	for (i = 0; i < prog->len; i++) {
		if (!is_backward_ja(&prog->insns[i], i))
			continue;
		t = backward_target(&prog->insns[i], i);
		if (slot[t] >= 0)
			continue;
		slot[t] = (int)n++;
		if (n == EBC_XLATE_MAX_LOOPS + 1)
			*over_at = i;
	}
	return n;
}

/* One instruction, alone and with its jump targets; 0 or -EINVAL. */
static int cbpf_check_insn(const struct ebc_cbpf_insn *insn, size_t pc, size_t len,
			   char *errbuf, size_t errlen)
{
	size_t left = len - pc - 1;	/* instructions after this one */
	uint16_t code = insn->code;

	if (!cbpf_opcode_known(code)) {
		ebc_errbuf(errbuf, errlen, "instruction %zu: unknown opcode 0x%02x", pc, code);
		return -EINVAL;
	}
	if (cbpf_uses_mem(code) && insn->k >= MEMWORDS) {
		ebc_errbuf(errbuf, errlen, "instruction %zu: scratch memory index %u out of range (0-%d)",
		       pc, insn->k, MEMWORDS - 1);
		return -EINVAL;
	}
	if (BPF_CLASS(code) == BPF_ALU && BPF_SRC(code) == BPF_K) {
		if ((BPF_OP(code) == BPF_DIV || BPF_OP(code) == BPF_MOD) && insn->k == 0) {
			ebc_errbuf(errbuf, errlen, "instruction %zu: division by zero", pc);
			return -EINVAL;
		}
		if ((BPF_OP(code) == BPF_LSH || BPF_OP(code) == BPF_RSH) && insn->k >= 32) {
			ebc_errbuf(errbuf, errlen, "instruction %zu: shift by %u out of range", pc, insn->k);
			return -EINVAL;
		}
	}
	/*
	 * JA wraps around to go backwards, as libpcap's own validator allows
	 * (protochain's loop); onto itself it could only spin.
	 */
	if (code == (BPF_JMP | BPF_JA) && insn->k == UINT32_MAX) {
		ebc_errbuf(errbuf, errlen, "instruction %zu: jump to itself", pc);
		return -EINVAL;
	}
	if (is_backward_ja(insn, pc))
		return 0;
	if (BPF_CLASS(code) == BPF_JMP) {
		bool bad = BPF_OP(code) == BPF_JA ? insn->k >= left :
			   insn->jt >= left || insn->jf >= left;

		if (bad) {
			ebc_errbuf(errbuf, errlen, "instruction %zu: jump out of range", pc);
			return -EINVAL;
		}
	}
	return 0;
}

int ebc_cbpf_check(const struct ebc_cbpf_prog *prog, char *errbuf, size_t errlen)
{
	int slot[EBC_CBPF_MAXINSNS];
	size_t i, over_at;
	int err;

	if (!prog || !prog->insns || !prog->len) {
		ebc_errbuf(errbuf, errlen, "classic program is empty");
		return -EINVAL;
	}
	if (prog->len > EBC_CBPF_MAXINSNS) {
		ebc_errbuf(errbuf, errlen, "classic program has %zu instructions, more than %d",
		       prog->len, EBC_CBPF_MAXINSNS);
		return -EINVAL;
	}
	for (i = 0; i < prog->len; i++) {
		err = cbpf_check_insn(&prog->insns[i], i, prog->len, errbuf, errlen);
		if (err)
			return err;
	}
	if (count_loops(prog, slot, &over_at) > EBC_XLATE_MAX_LOOPS) {
		ebc_errbuf(errbuf, errlen, "instruction %zu: more than %d loops (backward jump targets)",
			   over_at, EBC_XLATE_MAX_LOOPS);
		return -EINVAL;
	}
	/* Jumps are checked above, so only the last instruction can fall off the end. */
	if (BPF_CLASS(prog->insns[prog->len - 1].code) != BPF_RET) {
		ebc_errbuf(errbuf, errlen, "instruction %zu: last instruction is not a return",
		       prog->len - 1);
		return -EINVAL;
	}
	return 0;
}

/* ---- what the hook cannot do --------------------------------------------- */

static const char *const skf_ad_names[] = {
	"PROTOCOL", "PKTTYPE", "IFINDEX", "NLATTR", "NLATTR_NEST", "MARK", "QUEUE",
	"HATYPE", "RXHASH", "CPU", "ALU_XOR_X", "VLAN_TAG", "VLAN_TAG_PRESENT",
	"PAY_OFFSET", "RANDOM", "VLAN_TPID",
};

_Static_assert(sizeof(skf_ad_names) / sizeof(skf_ad_names[0]) == EBC_ANC_FIELDS,
	       "one name per struct ebc_anc field");
_Static_assert(offsetof(struct ebc_anc, vlan_tpid) == SKF_AD_VLAN_TPID &&
	       offsetof(struct ebc_anc, mark) == SKF_AD_MARK,
	       "struct ebc_anc field offsets are the SKF_AD_* codes");

/* Netlink attributes and the flow dissector's payload offset: no hook has them. */
#define ANC_NEVER	(EBC_ANC_BIT(SKF_AD_NLATTR) | EBC_ANC_BIT(SKF_AD_NLATTR_NEST) | \
			 EBC_ANC_BIT(SKF_AD_PAY_OFFSET))

static bool is_pkt_load(uint16_t code)
{
	return BPF_CLASS(code) == BPF_LD &&
	       (BPF_MODE(code) == BPF_ABS || BPF_MODE(code) == BPF_IND);
}

/*
 * Linux's ancillary load: an absolute load of any size at SKF_AD_OFF and up
 * (bpf_check_classic), whose result is the metadata value whatever the size.
 */
static bool is_anc_load(const struct ebc_cbpf_insn *insn)
{
	return BPF_CLASS(insn->code) == BPF_LD && BPF_MODE(insn->code) == BPF_ABS &&
	       insn->k >= (uint32_t)SKF_AD_OFF;
}

/* The SKF_AD_* code of an ancillary load, or -1 if Linux knows no such code. */
static int anc_code(const struct ebc_cbpf_insn *insn)
{
	uint32_t code = insn->k - (uint32_t)SKF_AD_OFF;

	if (code % 4 || code / 4 >= EBC_ANC_FIELDS)
		return -1;
	return (int)code;
}

static int check_anc(const struct ebc_cbpf_insn *insn, size_t pc, const struct ebc_xlate_opts *opts,
		     char *errbuf, size_t errlen)
{
	uint32_t mask = opts ? opts->anc_mask : 0;
	const char *hook = opts ? opts->hook_name : NULL;
	int code = anc_code(insn);

	if (code < 0) {
		ebc_errbuf(errbuf, errlen, "instruction %zu: ancillary load SKF_AD_OFF+%u is unknown",
			   pc, insn->k - (uint32_t)SKF_AD_OFF);
		return -EOPNOTSUPP;
	}
	/* A ^= X: an ALU operation in disguise, no metadata needed */
	if (code == SKF_AD_ALU_XOR_X)
		return 0;
	if (EBC_ANC_BIT(code) & ANC_NEVER) {
		ebc_errbuf(errbuf, errlen, "instruction %zu: ancillary load SKF_AD_%s is not available at any hook",
			   pc, skf_ad_names[code / 4]);
		return -EOPNOTSUPP;
	}
	if (EBC_ANC_BIT(code) & mask)
		return 0;
	ebc_errbuf(errbuf, errlen, "instruction %zu: ancillary load SKF_AD_%s is not available at %s%s%s",
		   pc, skf_ad_names[code / 4], hook ? "the " : "this hook", hook ? hook : "",
		   hook ? " hook" : "");
	return -EOPNOTSUPP;
}

/*
 * SKF_NET_OFF/SKF_LL_OFF-relative loads read around the packet pointer, which
 * the verifier forbids, and ancillary loads need the hook's struct ebc_anc:
 * refuse rather than silently never match.
 */
int ebc_xlate__check_hook(const struct ebc_cbpf_prog *prog, const struct ebc_xlate_opts *opts,
			  char *errbuf, size_t errlen)
{
	size_t i;
	int err;

	for (i = 0; i < prog->len; i++) {
		const struct ebc_cbpf_insn *insn = &prog->insns[i];

		if (!is_pkt_load(insn->code) || insn->k < (uint32_t)SKF_LL_OFF)
			continue;
		if (!is_anc_load(insn)) {
			/* user-visible strings stay whole, for grep */
			ebc_errbuf(errbuf, errlen,
				   "instruction %zu: negative-offset load (SKF_NET_OFF/SKF_LL_OFF) is not supported on this hook",
				   i);
			return -EOPNOTSUPP;
		}
		err = check_anc(insn, i, opts, errbuf, errlen);
		if (err)
			return err;
	}
	return 0;
}

/* ---- pass 0: reachability and basic blocks ------------------------------- */

static uint64_t load_size(uint16_t code)
{
	return BPF_SIZE(code) == BPF_W ? 4 : BPF_SIZE(code) == BPF_H ? 2 : 1;
}

/* Bytes from the packet start that an absolute load needs; 0 if not one. */
static uint64_t abs_load_end(const struct ebc_cbpf_insn *insn)
{
	if (insn->code == (BPF_LDX | BPF_B | BPF_MSH))
		return (uint64_t)insn->k + 1;
	if (is_anc_load(insn))
		return 0;
	if (BPF_CLASS(insn->code) == BPF_LD && BPF_MODE(insn->code) == BPF_ABS)
		return (uint64_t)insn->k + load_size(insn->code);
	return 0;
}

/* The same for X + k, X = 0; 0 if not an indirect load. */
static uint64_t ind_load_end(const struct ebc_cbpf_insn *insn)
{
	if (BPF_CLASS(insn->code) == BPF_LD && BPF_MODE(insn->code) == BPF_IND)
		return (uint64_t)insn->k + load_size(insn->code);
	return 0;
}

/* A load no packet pointer can reach: it always means no match. */
static bool load_always_fails(const struct ebc_cbpf_insn *insn)
{
	return abs_load_end(insn) > PKT_OFF_MAX || ind_load_end(insn) > PKT_OFF_MAX;
}

/* true when t was not reachable before */
static bool mark(struct xlate *x, size_t t, uint8_t flags)
{
	bool news = !(x->flags[t] & F_REACH);

	x->flags[t] |= flags;
	return news;
}

/* One forward sweep; true if a backward jump reached something new. */
static bool mark_sweep(struct xlate *x)
{
	bool again = false;
	size_t i;

	for (i = 0; i < x->clen; i++) {
		const struct ebc_cbpf_insn *insn = &x->ci[i];

		if (!(x->flags[i] & F_REACH))
			continue;
		if (BPF_CLASS(insn->code) == BPF_RET || load_always_fails(insn))
			continue;
		if (is_backward_ja(insn, i)) {
			again |= mark(x, backward_target(insn, i), F_REACH | F_LEADER);
		} else if (BPF_CLASS(insn->code) != BPF_JMP) {
			mark(x, i + 1, F_REACH);
		} else if (BPF_OP(insn->code) == BPF_JA) {
			mark(x, i + 1 + insn->k, F_REACH | F_LEADER);
		} else {
			mark(x, i + 1 + insn->jt, F_REACH | F_LEADER);
			mark(x, i + 1 + insn->jf, F_REACH | F_LEADER);
		}
	}
	return again;
}

/* The fields of struct ebc_anc that reachable instructions read (ALU_XOR_X reads none). */
static uint32_t anc_fields_used(const struct xlate *x)
{
	uint32_t used = 0, code;
	size_t i;

	for (i = 0; i < x->clen; i++) {
		if (!(x->flags[i] & F_REACH) || !is_anc_load(&x->ci[i]))
			continue;
		code = x->ci[i].k - (uint32_t)SKF_AD_OFF;
		if (code != SKF_AD_ALU_XOR_X)
			used |= EBC_ANC_BIT(code);
	}
	return used;
}

/*
 * The verifier rejects unreachable code, and classic programs may contain some
 * (dead branches, code after a load that can never succeed), so only reachable
 * instructions are translated. Forward sweeps until no backward jump reaches
 * an instruction not seen before.
 */
static void xlate_mark(struct xlate *x)
{
	mark(x, 0, F_REACH | F_LEADER);
	while (mark_sweep(x))
		;
	x->anc_used = anc_fields_used(x);
}

/*
 * The furthest byte the absolute loads of the block starting at pc need, so
 * one bound check covers them all: between a block's first instruction and a
 * failing load nothing is observable, so failing early gives the same answer.
 */
static uint64_t block_abs_end(const struct xlate *x, size_t pc)
{
	uint64_t end, max = 0;
	size_t i;

	for (i = pc; i < x->clen && (i == pc || !(x->flags[i] & F_LEADER)); i++) {
		const struct ebc_cbpf_insn *insn = &x->ci[i];

		if (load_always_fails(insn))
			break;
		end = abs_load_end(insn);
		if (end > max)
			max = end;
		if (BPF_CLASS(insn->code) == BPF_JMP || BPF_CLASS(insn->code) == BPF_RET)
			break;
	}
	return max;
}

/* ---- pass 1: emission ---------------------------------------------------- */

static struct bpf_insn mk(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	struct bpf_insn insn = {
		.code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm,
	};

	return insn;
}

/* Capacity is sized from the classic length up front, so emission cannot fail. */
static void emit(struct xlate *x, struct bpf_insn insn)
{
	x->tgt[x->len] = TGT_NONE;
	x->out[x->len++] = insn;
}

static void emit_jmp(struct xlate *x, struct bpf_insn insn, int32_t target)
{
	if (target == TGT_NOMATCH)
		x->nomatch_used = true;
	x->tgt[x->len] = target;
	x->out[x->len++] = insn;
}

static void emit_nomatch_if(struct xlate *x, uint8_t op, uint8_t dst, uint8_t src_reg, int32_t imm)
{
	uint8_t src = src_reg ? BPF_X : BPF_K;

	emit_jmp(x, mk(BPF_JMP | op | src, dst, src_reg, 0, imm), TGT_NOMATCH);
}

static int16_t mem_off(uint32_t k)
{
	return (int16_t)(-4 * (MEMWORDS - (int)k));
}

static int16_t loop_off(int slot)
{
	return (int16_t)(-MEM_BYTES - 8 * (slot + 1));
}

/* Where the struct ebc_anc pointer waits: r4 is scratch, so it is spilled below the counters. */
static int16_t anc_off(const struct xlate *x)
{
	return loop_off((int)x->nloops);
}

/*
 * Entry: A = X = 0, every scratch word the program reads is zero, every loop
 * counter is full. Counters are spilled as 64-bit registers, which every
 * verifier since bounded loops (5.3) tracks as exact constants.
 */
static void emit_prologue(struct xlate *x)
{
	bool zeroed[MEMWORDS] = { false };
	size_t i;

	/* before anything writes r4; a 64-bit spill keeps it a pointer for the verifier */
	if (x->anc_used)
		emit(x, mk(BPF_STX | BPF_MEM | BPF_DW, R_FP, R_TMP, anc_off(x), 0));
	emit(x, mk(BPF_ALU | BPF_MOV | BPF_K, R_A, 0, 0, 0));
	emit(x, mk(BPF_ALU | BPF_MOV | BPF_K, R_X, 0, 0, 0));
	if (x->nloops)
		emit(x, mk(BPF_ALU64 | BPF_MOV | BPF_K, R_TMP, 0, 0, EBC_XLATE_LOOP_MAX));
	for (i = 0; i < x->nloops; i++)
		emit(x, mk(BPF_STX | BPF_MEM | BPF_DW, R_FP, R_TMP, loop_off((int)i), 0));
	for (i = 0; i < x->clen; i++) {
		uint16_t code = x->ci[i].code;
		uint32_t k = x->ci[i].k;

		if (code != (BPF_LD | BPF_MEM) && code != (BPF_LDX | BPF_MEM))
			continue;
		if (!(x->flags[i] & F_REACH) || zeroed[k])
			continue;
		zeroed[k] = true;
		emit(x, mk(BPF_ST | BPF_MEM | BPF_W, R_FP, 0, mem_off(k), 0));
	}
}

/* r4 = r1 + end; if r4 > r2: no match. end <= PKT_OFF_MAX. */
static void emit_bound(struct xlate *x, uint64_t end)
{
	emit(x, mk(BPF_ALU64 | BPF_MOV | BPF_X, R_TMP, R_PKT, 0, 0));
	emit(x, mk(BPF_ALU64 | BPF_ADD | BPF_K, R_TMP, 0, 0, (int32_t)end));
	emit_nomatch_if(x, BPF_JGT, R_TMP, R_END, 0);
}

/* Classic loads are big-endian; BPF_TO_BE is a swap on little-endian hosts only. */
static void emit_to_host(struct xlate *x, uint8_t dst, uint16_t size)
{
	if (size == BPF_W)
		emit(x, mk(BPF_ALU | BPF_END | BPF_TO_BE, dst, 0, 0, 32));
	else if (size == BPF_H)
		emit(x, mk(BPF_ALU | BPF_END | BPF_TO_BE, dst, 0, 0, 16));
}

/* An absolute load already covered by its block's bound check. */
static void emit_abs_load(struct xlate *x, uint8_t dst, uint16_t size, uint32_t k)
{
	if (k <= INT16_MAX) {
		emit(x, mk(BPF_LDX | BPF_MEM | size, dst, R_PKT, (int16_t)k, 0));
	} else {
		emit(x, mk(BPF_ALU64 | BPF_MOV | BPF_X, R_TMP, R_PKT, 0, 0));
		emit(x, mk(BPF_ALU64 | BPF_ADD | BPF_K, R_TMP, 0, 0, (int32_t)k));
		emit(x, mk(BPF_LDX | BPF_MEM | size, dst, R_TMP, 0, 0));
	}
	emit_to_host(x, dst, size);
}

/*
 * A = P[X + k]. X is bounded first so that the verifier sees a pointer whose
 * offset stays within PKT_OFF_MAX, then the end is checked against r2.
 */
static void emit_ind_load(struct xlate *x, uint16_t size, uint32_t k, uint64_t end)
{
	int16_t width = (int16_t)(end - k);

	emit_nomatch_if(x, BPF_JGT, R_X, 0, (int32_t)(PKT_OFF_MAX - end));
	emit(x, mk(BPF_ALU64 | BPF_MOV | BPF_X, R_TMP, R_PKT, 0, 0));
	emit(x, mk(BPF_ALU64 | BPF_ADD | BPF_X, R_TMP, R_X, 0, 0));
	emit(x, mk(BPF_ALU64 | BPF_ADD | BPF_K, R_TMP, 0, 0, (int32_t)end));
	emit_nomatch_if(x, BPF_JGT, R_TMP, R_END, 0);
	emit(x, mk(BPF_LDX | BPF_MEM | size, R_A, R_TMP, (int16_t)-width, 0));
	emit_to_host(x, R_A, size);
}

/* A = the block's __u32 for this code; ebc_xlate__check_hook() let only known codes through. */
static void emit_anc_load(struct xlate *x, const struct ebc_cbpf_insn *insn)
{
	uint32_t code = insn->k - (uint32_t)SKF_AD_OFF;

	if (code == SKF_AD_ALU_XOR_X) {
		emit(x, mk(BPF_ALU | BPF_XOR | BPF_X, R_A, R_X, 0, 0));
		return;
	}
	emit(x, mk(BPF_LDX | BPF_MEM | BPF_DW, R_TMP, R_FP, anc_off(x), 0));
	emit(x, mk(BPF_LDX | BPF_MEM | BPF_W, R_A, R_TMP, (int16_t)code, 0));
}

static void emit_ld(struct xlate *x, const struct ebc_cbpf_insn *insn)
{
	uint16_t code = insn->code;

	if (is_anc_load(insn)) {
		emit_anc_load(x, insn);
		return;
	}
	switch (BPF_MODE(code)) {
	case BPF_ABS:
		emit_abs_load(x, R_A, BPF_SIZE(code), insn->k);
		break;
	case BPF_IND:
		emit_ind_load(x, BPF_SIZE(code), insn->k, ind_load_end(insn));
		break;
	case BPF_IMM:
		emit(x, mk(BPF_ALU | BPF_MOV | BPF_K, R_A, 0, 0, (int32_t)insn->k));
		break;
	case BPF_LEN:
		emit(x, mk(BPF_ALU | BPF_MOV | BPF_X, R_A, R_LEN, 0, 0));
		break;
	case BPF_MEM:
		emit(x, mk(BPF_LDX | BPF_MEM | BPF_W, R_A, R_FP, mem_off(insn->k), 0));
		break;
	}
}

static void emit_ldx(struct xlate *x, const struct ebc_cbpf_insn *insn)
{
	switch (BPF_MODE(insn->code)) {
	case BPF_IMM:
		emit(x, mk(BPF_ALU | BPF_MOV | BPF_K, R_X, 0, 0, (int32_t)insn->k));
		break;
	case BPF_LEN:
		emit(x, mk(BPF_ALU | BPF_MOV | BPF_X, R_X, R_LEN, 0, 0));
		break;
	case BPF_MEM:
		emit(x, mk(BPF_LDX | BPF_MEM | BPF_W, R_X, R_FP, mem_off(insn->k), 0));
		break;
	case BPF_MSH:
		/* X = (P[k] & 0xf) << 2: the IPv4 header length */
		emit_abs_load(x, R_X, BPF_B, insn->k);
		emit(x, mk(BPF_ALU | BPF_AND | BPF_K, R_X, 0, 0, 0xf));
		emit(x, mk(BPF_ALU | BPF_LSH | BPF_K, R_X, 0, 0, 2));
		break;
	}
}

static void emit_alu(struct xlate *x, const struct ebc_cbpf_insn *insn)
{
	uint8_t op = BPF_OP(insn->code);

	if (op == BPF_NEG) {
		emit(x, mk(BPF_ALU | BPF_NEG, R_A, 0, 0, 0));
		return;
	}
	if (BPF_SRC(insn->code) == BPF_K) {
		emit(x, mk(BPF_ALU | op | BPF_K, R_A, 0, 0, (int32_t)insn->k));
		return;
	}
	if (op == BPF_DIV || op == BPF_MOD) {
		/* classic returns 0 on division by zero; eBPF would yield 0 or A and go on */
		emit_nomatch_if(x, BPF_JEQ, R_X, 0, 0);
	} else if (op == BPF_LSH || op == BPF_RSH) {
		/* libpcap shifts by 32 or more to 0; eBPF masks the count */
		emit(x, mk(BPF_JMP | BPF_JLT | BPF_K, R_X, 0, 2, 32));
		emit(x, mk(BPF_ALU | BPF_MOV | BPF_K, R_A, 0, 0, 0));
		emit(x, mk(BPF_JMP | BPF_JA, 0, 0, 1, 0));
	}
	emit(x, mk(BPF_ALU | op | BPF_X, R_A, R_X, 0, 0));
}

static uint8_t jmp_inverse(uint8_t op)
{
	switch (op) {
	case BPF_JEQ: return BPF_JNE;
	case BPF_JGT: return BPF_JLE;
	case BPF_JGE: return BPF_JLT;
	}
	return 0;	/* JSET has no inverse */
}

/*
 * JMP32 compares the low 32 bits unsigned against imm taken as u32, which is
 * classic's semantics for any K, 0x80000000 and above included.
 */
static void emit_jmp_cond(struct xlate *x, const struct ebc_cbpf_insn *insn, size_t pc)
{
	int32_t t = (int32_t)(pc + 1 + insn->jt), f = (int32_t)(pc + 1 + insn->jf);
	uint8_t op = BPF_OP(insn->code), src = BPF_SRC(insn->code);
	uint8_t sreg = src == BPF_X ? R_X : 0;
	int32_t imm = src == BPF_K ? (int32_t)insn->k : 0;

	if (insn->jt == insn->jf) {
		if (insn->jt)
			emit_jmp(x, mk(BPF_JMP | BPF_JA, 0, 0, 0, 0), t);
		return;
	}
	if (insn->jt == 0 && jmp_inverse(op)) {
		emit_jmp(x, mk(BPF_JMP32 | jmp_inverse(op) | src, R_A, sreg, 0, imm), f);
		return;
	}
	emit_jmp(x, mk(BPF_JMP32 | op | src, R_A, sreg, 0, imm), t);
	if (insn->jf)
		emit_jmp(x, mk(BPF_JMP | BPF_JA, 0, 0, 0, 0), f);
}

/* Back to loop head t: no match once its counter is spent, else spend one. */
static void emit_backward(struct xlate *x, size_t t)
{
	int16_t off = loop_off(x->loop[t]);

	emit(x, mk(BPF_LDX | BPF_MEM | BPF_DW, R_TMP, R_FP, off, 0));
	emit_nomatch_if(x, BPF_JEQ, R_TMP, 0, 0);
	emit(x, mk(BPF_ALU64 | BPF_SUB | BPF_K, R_TMP, 0, 0, 1));
	emit(x, mk(BPF_STX | BPF_MEM | BPF_DW, R_FP, R_TMP, off, 0));
	emit_jmp(x, mk(BPF_JMP | BPF_JA, 0, 0, 0, 0), (int32_t)t);
}

static void emit_insn(struct xlate *x, size_t pc)
{
	const struct ebc_cbpf_insn *insn = &x->ci[pc];

	if (load_always_fails(insn)) {
		emit_jmp(x, mk(BPF_JMP | BPF_JA, 0, 0, 0, 0), TGT_NOMATCH);
		return;
	}
	switch (BPF_CLASS(insn->code)) {
	case BPF_LD:
		emit_ld(x, insn);
		break;
	case BPF_LDX:
		emit_ldx(x, insn);
		break;
	case BPF_ST:
		emit(x, mk(BPF_STX | BPF_MEM | BPF_W, R_FP, R_A, mem_off(insn->k), 0));
		break;
	case BPF_STX:
		emit(x, mk(BPF_STX | BPF_MEM | BPF_W, R_FP, R_X, mem_off(insn->k), 0));
		break;
	case BPF_ALU:
		emit_alu(x, insn);
		break;
	case BPF_JMP:
		if (is_backward_ja(insn, pc)) {
			emit_backward(x, backward_target(insn, pc));
		} else if (BPF_OP(insn->code) == BPF_JA) {
			if (insn->k)
				emit_jmp(x, mk(BPF_JMP | BPF_JA, 0, 0, 0, 0), (int32_t)(pc + 1 + insn->k));
		} else {
			emit_jmp_cond(x, insn, pc);
		}
		break;
	case BPF_RET:
		if (BPF_RVAL(insn->code) == BPF_K)
			emit(x, mk(BPF_ALU | BPF_MOV | BPF_K, R_A, 0, 0, (int32_t)insn->k));
		emit(x, mk(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
		break;
	case BPF_MISC:
		if (BPF_MISCOP(insn->code) == BPF_TAX)
			emit(x, mk(BPF_ALU | BPF_MOV | BPF_X, R_X, R_A, 0, 0));
		else
			emit(x, mk(BPF_ALU | BPF_MOV | BPF_X, R_A, R_X, 0, 0));
		break;
	}
}

static void xlate_emit(struct xlate *x)
{
	uint64_t end;
	size_t pc;

	emit_prologue(x);
	for (pc = 0; pc < x->clen; pc++) {
		if (!(x->flags[pc] & F_REACH))
			continue;
		x->map[pc] = x->len;
		if (x->flags[pc] & F_LEADER) {
			end = block_abs_end(x, pc);
			if (end)
				emit_bound(x, end);
		}
		emit_insn(x, pc);
	}
}

/* ---- pass 2: jump offsets ------------------------------------------------ */

static int xlate_fixup(struct xlate *x, char *errbuf, size_t errlen)
{
	size_t nomatch = x->len;
	int64_t dest, off;
	size_t i;

	if (x->nomatch_used) {
		emit(x, mk(BPF_ALU | BPF_MOV | BPF_K, R_A, 0, 0, 0));
		emit(x, mk(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
	}
	for (i = 0; i < x->len; i++) {
		if (x->tgt[i] == TGT_NONE)
			continue;
		dest = x->tgt[i] == TGT_NOMATCH ? (int64_t)nomatch : (int64_t)x->map[x->tgt[i]];
		off = dest - (int64_t)(i + 1);
		if (off > INT16_MAX || off < INT16_MIN) {
			ebc_errbuf(errbuf, errlen, "translated filter too large: jump of %lld instructions",
			       (long long)off);
			return -E2BIG;
		}
		x->out[i].off = (int16_t)off;
	}
	return 0;
}

/* ---- entry points -------------------------------------------------------- */

/* The longest expansion is an indirect load starting a block: 3 + 7. */
#define XLATE_MAX_PER_INSN	10
#define XLATE_FIXED		(1 + 2 + MEMWORDS + 1 + EBC_XLATE_MAX_LOOPS + 2)

static int xlate_alloc(struct xlate *x, const struct ebc_cbpf_prog *in)
{
	size_t over_at;

	memset(x, 0, sizeof(*x));
	x->ci = in->insns;
	x->clen = in->len;
	x->cap = in->len * XLATE_MAX_PER_INSN + XLATE_FIXED;
	x->flags = calloc(in->len, sizeof(*x->flags));
	x->map = calloc(in->len, sizeof(*x->map));
	x->out = calloc(x->cap, sizeof(*x->out));
	x->tgt = calloc(x->cap, sizeof(*x->tgt));
	x->loop = calloc(in->len, sizeof(*x->loop));
	if (!x->flags || !x->map || !x->out || !x->tgt || !x->loop)
		return -ENOMEM;
	x->nloops = count_loops(in, x->loop, &over_at);
	return 0;
}

static void xlate_free(struct xlate *x)
{
	free(x->flags);
	free(x->map);
	free(x->out);
	free(x->tgt);
	free(x->loop);
}

int ebc_xlate(const struct ebc_cbpf_prog *in, const struct ebc_xlate_opts *opts,
	      struct ebc_ebpf_prog *out, char *errbuf, size_t errlen)
{
	struct xlate x;
	int err;

	out->insns = NULL;
	out->len = 0;
	out->anc_used = 0;
	if (opts && opts->mode != EBC_XLATE_DIRECT) {
		ebc_errbuf(errbuf, errlen, "translation mode %d is not supported", (int)opts->mode);
		return -EOPNOTSUPP;
	}
	err = ebc_cbpf_check(in, errbuf, errlen);
	if (err)
		return err;
	err = ebc_xlate__check_hook(in, opts, errbuf, errlen);
	if (err)
		return err;
	err = xlate_alloc(&x, in);
	if (err) {
		ebc_errbuf(errbuf, errlen, "cannot translate capture filter: %s", ebc_strerror(err));
		goto cleanup;
	}
	xlate_mark(&x);
	xlate_emit(&x);
	err = xlate_fixup(&x, errbuf, errlen);
	if (err)
		goto cleanup;
	out->insns = x.out;
	out->len = x.len;
	out->anc_used = x.anc_used;
	x.out = NULL;
cleanup:
	xlate_free(&x);
	return err;
}

void ebc_ebpf_prog__free(struct ebc_ebpf_prog *prog)
{
	if (!prog)
		return;
	free(prog->insns);
	prog->insns = NULL;
	prog->len = 0;
	prog->anc_used = 0;
}

int ebc_xlate__expr(const char *expr, int dlt, unsigned int snaplen, struct ebc_ebpf_prog *out,
		    char *errbuf, size_t errlen)
{
	struct ebc_xlate_opts xo = { .mode = EBC_XLATE_DIRECT };
	struct ebc_cbpf_prog cbpf = { 0 };
	int err;

	err = ebc_filter__compile(expr, dlt, snaplen, &cbpf, errbuf, errlen);
	if (!err)
		err = ebc_xlate(&cbpf, &xo, out, errbuf, errlen);
	ebc_cbpf_prog__free(&cbpf);
	return err;
}

int ebc_xlate__source(const char *expr, const char *cbpf_path, int dlt, unsigned int snaplen,
		      const struct ebc_xlate_opts *opts, struct ebc_ebpf_prog *out, char *errbuf,
		      size_t errlen)
{
	struct ebc_xlate_opts xo = { .mode = EBC_XLATE_DIRECT };
	struct ebc_cbpf_prog cbpf = { 0 };
	int err;

	err = cbpf_path ? ebc_filter__read(cbpf_path, &cbpf, errbuf, errlen) :
			  ebc_filter__compile(expr, dlt, snaplen, &cbpf, errbuf, errlen);
	if (!err)
		err = ebc_xlate(&cbpf, opts ? opts : &xo, out, errbuf, errlen);
	ebc_cbpf_prog__free(&cbpf);
	return err;
}
