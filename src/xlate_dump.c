// SPDX-License-Identifier: GPL-2.0-only
/*
 * cbpf2c for humans. ebc_xlate_dump__ebpf() prints eBPF in the notation of the
 * kernel verifier's log and "bpftool prog dump xlated" (kernel/bpf/disasm.c),
 * so a listing can be read next to a verifier message. ebc_xlate_dump__c()
 * prints the classic program as C in the shape of polycube's cbpf2c: one
 * label per classic instruction, a bound check before each packet load, and
 * Linux's ancillary loads as reads of the struct ebc_anc the stub is given.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>
#include <linux/filter.h>

#include "log.h"
#include "xlate_dump.h"

/* Newer than some distributions' <linux/bpf.h>; values are the kernel ABI. */
#ifndef BPF_MEMSX
#define BPF_MEMSX		0x80
#endif
#ifndef BPF_PSEUDO_KFUNC_CALL
#define BPF_PSEUDO_KFUNC_CALL	2
#endif

/* ---- eBPF ---------------------------------------------------------------- */

static const char *const alu_op[16] = {
	[BPF_ADD >> 4] = "+=", [BPF_SUB >> 4] = "-=", [BPF_MUL >> 4] = "*=",
	[BPF_DIV >> 4] = "/=", [BPF_OR >> 4] = "|=", [BPF_AND >> 4] = "&=",
	[BPF_LSH >> 4] = "<<=", [BPF_RSH >> 4] = ">>=", [BPF_MOD >> 4] = "%=",
	[BPF_XOR >> 4] = "^=", [BPF_MOV >> 4] = "=", [BPF_ARSH >> 4] = "s>>=",
};

static const char *const jmp_op[16] = {
	[BPF_JEQ >> 4] = "==", [BPF_JGT >> 4] = ">", [BPF_JGE >> 4] = ">=",
	[BPF_JSET >> 4] = "&", [BPF_JNE >> 4] = "!=", [BPF_JSGT >> 4] = "s>",
	[BPF_JSGE >> 4] = "s>=", [BPF_JLT >> 4] = "<", [BPF_JLE >> 4] = "<=",
	[BPF_JSLT >> 4] = "s<", [BPF_JSLE >> 4] = "s<=",
};

static const char *size_name(uint8_t code)
{
	switch (BPF_SIZE(code)) {
	case BPF_W: return "u32";
	case BPF_H: return "u16";
	case BPF_B: return "u8";
	default: return "u64";
	}
}

/* 0, or -EINVAL after printing a placeholder for an opcode we cannot name. */
static int dump_alu(FILE *out, const struct bpf_insn *in)
{
	uint8_t cls = BPF_CLASS(in->code), op = BPF_OP(in->code);
	char r = cls == BPF_ALU ? 'w' : 'r';
	const char *name = alu_op[op >> 4];

	if (op == BPF_END) {
		if (cls == BPF_ALU64)
			fprintf(out, "r%d = bswap%d r%d\n", in->dst_reg, in->imm, in->dst_reg);
		else
			fprintf(out, "r%d = %s%d r%d\n", in->dst_reg,
				BPF_SRC(in->code) == BPF_TO_BE ? "be" : "le", in->imm, in->dst_reg);
		return 0;
	}
	if (op == BPF_NEG) {
		fprintf(out, "%c%d = -%c%d\n", r, in->dst_reg, r, in->dst_reg);
		return 0;
	}
	if (!name)
		return -EINVAL;
	/* cpu v4: off 1 makes div/mod signed, off 8/16/32 makes mov sign-extend */
	if ((op == BPF_DIV || op == BPF_MOD) && in->off == 1)
		name = op == BPF_DIV ? "s/=" : "s%=";
	if (BPF_SRC(in->code) == BPF_K)
		fprintf(out, "%c%d %s %d\n", r, in->dst_reg, name, in->imm);
	else if (op == BPF_MOV && in->off)
		fprintf(out, "%c%d = (s%d)%c%d\n", r, in->dst_reg, in->off, r, in->src_reg);
	else
		fprintf(out, "%c%d %s %c%d\n", r, in->dst_reg, name, r, in->src_reg);
	return 0;
}

static int dump_jmp(FILE *out, const struct bpf_insn *in)
{
	uint8_t cls = BPF_CLASS(in->code), op = BPF_OP(in->code);
	char r = cls == BPF_JMP32 ? 'w' : 'r';

	switch (op) {
	case BPF_JA:
		if (cls == BPF_JMP32)
			fprintf(out, "gotol pc%+d\n", in->imm);
		else
			fprintf(out, "goto pc%+d\n", in->off);
		return 0;
	case BPF_EXIT:
		fprintf(out, "exit\n");
		return 0;
	case BPF_CALL:
		if (in->src_reg == BPF_PSEUDO_CALL)
			fprintf(out, "call pc%+d\n", in->imm);
		else if (in->src_reg == BPF_PSEUDO_KFUNC_CALL)
			fprintf(out, "call kernel-function#%d\n", in->imm);
		else
			fprintf(out, "call #%d\n", in->imm);
		return 0;
	}
	if (!jmp_op[op >> 4])
		return -EINVAL;
	if (BPF_SRC(in->code) == BPF_X)
		fprintf(out, "if %c%d %s %c%d goto pc%+d\n", r, in->dst_reg, jmp_op[op >> 4], r,
			in->src_reg, in->off);
	else
		fprintf(out, "if %c%d %s 0x%x goto pc%+d\n", r, in->dst_reg, jmp_op[op >> 4],
			(uint32_t)in->imm, in->off);
	return 0;
}

static const char *atomic_op(int32_t imm)
{
	switch (imm & ~BPF_FETCH) {
	case BPF_ADD: return "+=";
	case BPF_AND: return "&=";
	case BPF_OR: return "|=";
	case BPF_XOR: return "^=";
	}
	return NULL;
}

static int dump_store(FILE *out, const struct bpf_insn *in)
{
	uint8_t mode = BPF_MODE(in->code);
	const char *sz = size_name(in->code);

	if (BPF_CLASS(in->code) == BPF_ST && mode == BPF_MEM) {
		fprintf(out, "*(%s *)(r%d %+d) = %d\n", sz, in->dst_reg, in->off, in->imm);
		return 0;
	}
	if (BPF_CLASS(in->code) == BPF_ST || (mode != BPF_MEM && mode != BPF_ATOMIC))
		return -EINVAL;
	if (mode == BPF_MEM) {
		fprintf(out, "*(%s *)(r%d %+d) = r%d\n", sz, in->dst_reg, in->off, in->src_reg);
	} else if (atomic_op(in->imm) && !(in->imm & BPF_FETCH)) {
		fprintf(out, "lock *(%s *)(r%d %+d) %s r%d\n", sz, in->dst_reg, in->off,
			atomic_op(in->imm), in->src_reg);
	} else if (atomic_op(in->imm)) {
		fprintf(out, "r%d = atomic%s_fetch_%s((%s *)(r%d %+d), r%d)\n", in->src_reg,
			BPF_SIZE(in->code) == BPF_DW ? "64" : "",
			(in->imm & ~BPF_FETCH) == BPF_ADD ? "add" : (in->imm & ~BPF_FETCH) == BPF_AND ?
			"and" : (in->imm & ~BPF_FETCH) == BPF_OR ? "or" : "xor",
			sz, in->dst_reg, in->off, in->src_reg);
	} else if (in->imm == BPF_XCHG) {
		fprintf(out, "r%d = atomic%s_xchg((%s *)(r%d %+d), r%d)\n", in->src_reg,
			BPF_SIZE(in->code) == BPF_DW ? "64" : "", sz, in->dst_reg, in->off, in->src_reg);
	} else if (in->imm == BPF_CMPXCHG) {
		fprintf(out, "r0 = atomic%s_cmpxchg((%s *)(r%d %+d), r0, r%d)\n",
			BPF_SIZE(in->code) == BPF_DW ? "64" : "", sz, in->dst_reg, in->off, in->src_reg);
	} else {
		return -EINVAL;
	}
	return 0;
}

/* Instructions this one used: 2 for a 64-bit immediate, else 1; -EINVAL if unknown. */
static int dump_load(FILE *out, const struct bpf_insn *in, size_t left)
{
	uint8_t mode = BPF_MODE(in->code);
	const char *sz = size_name(in->code);

	switch (BPF_CLASS(in->code) == BPF_LDX ? mode | 0x100 : mode) {
	case BPF_MEM | 0x100:
		fprintf(out, "r%d = *(%s *)(r%d %+d)\n", in->dst_reg, sz, in->src_reg, in->off);
		return 1;
	case BPF_MEMSX | 0x100:
		fprintf(out, "r%d = *(s%s *)(r%d %+d)\n", in->dst_reg, sz + 1, in->src_reg, in->off);
		return 1;
	case BPF_ABS:
		fprintf(out, "r0 = *(%s *)skb[%d]\n", sz, in->imm);
		return 1;
	case BPF_IND:
		fprintf(out, "r0 = *(%s *)skb[r%d + %d]\n", sz, in->src_reg, in->imm);
		return 1;
	case BPF_IMM:
		if (BPF_SIZE(in->code) != BPF_DW || left < 2)
			return -EINVAL;
		if (in->src_reg == BPF_PSEUDO_MAP_FD)
			fprintf(out, "r%d = map[fd:%d]\n", in->dst_reg, in->imm);
		else
			fprintf(out, "r%d = 0x%llx\n", in->dst_reg,
				(unsigned long long)(uint32_t)in[1].imm << 32 | (uint32_t)in->imm);
		return 2;
	}
	return -EINVAL;
}

int ebc_xlate_dump__ebpf(FILE *out, const struct ebc_ebpf_prog *prog)
{
	int err = 0, ret;
	size_t i;

	if (!out || !prog || (!prog->insns && prog->len))
		return -EINVAL;
	for (i = 0; i < prog->len; i += ret > 1 ? ret : 1) {
		const struct bpf_insn *in = &prog->insns[i];

		fprintf(out, "(%03zu) ", i);
		switch (BPF_CLASS(in->code)) {
		case BPF_ALU: case BPF_ALU64:
			ret = dump_alu(out, in);
			break;
		case BPF_JMP: case BPF_JMP32:
			ret = dump_jmp(out, in);
			break;
		case BPF_ST: case BPF_STX:
			ret = dump_store(out, in);
			break;
		default:
			ret = dump_load(out, in, prog->len - i);
			break;
		}
		if (ret < 0) {
			/* keep going: the rest of the listing still helps whoever reads it */
			fprintf(out, "unknown opcode 0x%02x\n", in->code);
			err = -EINVAL;
		}
	}
	if (fflush(out) || ferror(out))
		return -EIO;
	return err;
}

/* ---- C ------------------------------------------------------------------- */

/* libpcap's disassembler, declared on our layout (see cbpf.h) for the comments. */
char *bpf_image(const struct ebc_cbpf_insn *insn, int n);

#define MEMWORDS	16
/* The verifier gives no range to a packet pointer whose offset may pass 0xffff. */
#define PKT_OFF_MAX	0xffff

/* libpcap's validator lets JA wrap around to go backwards (protochain's loop). */
static bool is_backward_ja(const struct ebc_cbpf_insn *in, size_t pc)
{
	return in->code == (BPF_JMP | BPF_JA) && in->k > UINT32_MAX - pc - 1;
}

static size_t backward_target(const struct ebc_cbpf_insn *in, size_t pc)
{
	return (size_t)(uint32_t)(pc + 1 + in->k);
}

/* Registers and scratch memory the program reads; a pointer for indirect loads. */
struct c_uses {
	bool a, x, mem_read, ptr;
	uint32_t anc;		/* EBC_ANC_BIT() of the struct ebc_anc fields it reads */
};

/* struct ebc_anc (bpf/capture.h), field by field in SKF_AD_* code order. */
static const char *const anc_fields[EBC_ANC_FIELDS] = {
	"protocol", "pkttype", "ifindex", "nlattr", "nlattr_nest", "mark", "queue", "hatype",
	"rxhash", "cpu", "alu_xor_x", "vlan_tci", "vlan_present", "pay_offset", "random",
	"vlan_tpid",
};

/*
 * How the tc wrapper fills each field from its context, as the kernel's
 * classic BPF computes them; NULL where tc has no such thing.
 */
static const char *const anc_from_skb[EBC_ANC_FIELDS] = {
	[SKF_AD_PROTOCOL / 4] = "bpf_ntohs(skb->protocol)",
	[SKF_AD_PKTTYPE / 4] = "skb->pkt_type",
	[SKF_AD_IFINDEX / 4] = "skb->ifindex",
	[SKF_AD_MARK / 4] = "skb->mark",
	[SKF_AD_QUEUE / 4] = "skb->queue_mapping",
	[SKF_AD_RXHASH / 4] = "skb->hash",
	[SKF_AD_CPU / 4] = "bpf_get_smp_processor_id()",
	[SKF_AD_VLAN_TAG / 4] = "skb->vlan_tci",
	[SKF_AD_VLAN_TAG_PRESENT / 4] = "skb->vlan_present",
	[SKF_AD_RANDOM / 4] = "bpf_get_prandom_u32()",
	[SKF_AD_VLAN_TPID / 4] = "bpf_ntohs(skb->vlan_proto)",
};

static bool is_anc_load(const struct ebc_cbpf_insn *in)
{
	return BPF_CLASS(in->code) == BPF_LD && BPF_MODE(in->code) == BPF_ABS &&
	       in->k >= (uint32_t)SKF_AD_OFF;
}

static uint32_t ld_size(uint16_t code)
{
	return BPF_SIZE(code) == BPF_W ? 4 : BPF_SIZE(code) == BPF_H ? 2 : 1;
}

static bool is_pkt_load(uint16_t code)
{
	return BPF_CLASS(code) == BPF_LD && (BPF_MODE(code) == BPF_ABS || BPF_MODE(code) == BPF_IND);
}

/*
 * Linux answers SKF_NET_OFF/SKF_LL_OFF offsets from the sk_buff; C on a packet
 * pointer has no such thing, so refuse rather than never match. Ancillary
 * loads read the struct ebc_anc parameter: any field some hook can answer.
 */
static int c_check(const struct ebc_cbpf_prog *prog, char *errbuf, size_t len)
{
	const struct ebc_xlate_opts any_hook = { .anc_mask = UINT32_MAX };
	size_t i;
	int err;

	err = ebc_cbpf_check(prog, errbuf, len);
	if (err)
		return err;
	for (i = 0; i < prog->len; i++) {
		const struct ebc_cbpf_insn *in = &prog->insns[i];

		if (is_pkt_load(in->code) && in->k >= (uint32_t)SKF_LL_OFF && !is_anc_load(in)) {
			ebc_errbuf(errbuf, len,
				   "instruction %zu: negative-offset (SKF_NET_OFF/SKF_LL_OFF) load at offset 0x%x cannot be expressed in C on a packet pointer",
				   i, in->k);
			return -EOPNOTSUPP;
		}
	}
	/* unknown offsets, and the codes no hook answers (netlink attributes, payload offset) */
	return ebc_xlate__check_hook(prog, &any_hook, errbuf, len);
}

/* What a checked program reads. */
static void c_scan(const struct ebc_cbpf_prog *prog, struct c_uses *u)
{
	size_t i;

	memset(u, 0, sizeof(*u));
	for (i = 0; i < prog->len; i++) {
		const struct ebc_cbpf_insn *in = &prog->insns[i];
		uint16_t code = in->code;
		uint32_t anc = in->k - (uint32_t)SKF_AD_OFF;

		if (is_anc_load(in) && anc != SKF_AD_ALU_XOR_X)
			u->anc |= EBC_ANC_BIT(anc);
		u->ptr |= BPF_CLASS(code) == BPF_LD && BPF_MODE(code) == BPF_IND;
		/*
		 * What the program reads, so that -Wall stays quiet about the rest.
		 * clang counts "A += 1" as a write only, so ALU ops are no reads here;
		 * marking a register that is read "unused" costs nothing.
		 */
		u->a |= code == BPF_ST || code == (BPF_RET | BPF_A) || code == (BPF_MISC | BPF_TAX) ||
			(BPF_CLASS(code) == BPF_JMP && BPF_OP(code) != BPF_JA);
		u->x |= code == BPF_STX || code == (BPF_MISC | BPF_TXA) || u->ptr ||
			((BPF_CLASS(code) == BPF_ALU || BPF_CLASS(code) == BPF_JMP) &&
			 BPF_SRC(code) == BPF_X && BPF_OP(code) != BPF_JA) ||
			(is_anc_load(in) && anc == SKF_AD_ALU_XOR_X);
		u->mem_read |= code == (BPF_LD | BPF_MEM) || code == (BPF_LDX | BPF_MEM);
	}
}

/* "ldh      [12]" → "ldh [12]", for a one-line comment. */
static void c_comment(FILE *out, const struct ebc_cbpf_insn *in, size_t pc)
{
	const char *img = bpf_image(in, (int)pc), *p;
	bool space = false;

	/* bpf_image starts with "(NNN) "; the label already says where we are */
	p = strchr(img, ')');
	p = p ? p + 1 : img;
	while (*p == ' ')
		p++;
	fputs("\t/* ", out);
	for (; *p; p++) {
		if (*p == ' ' || *p == '\t') {
			space = true;
			continue;
		}
		if (space)
			fputc(' ', out);
		space = false;
		fputc(*p, out);
	}
	fputs(" */\n", out);
}

/* dst = big-endian bytes at base[off .. off + size), assembled byte by byte. */
static void c_load_bytes(FILE *out, const char *dst, const char *base, uint32_t off, uint32_t size)
{
	if (size == 4)
		fprintf(out, "\t%s = (__u32)%s[%u] << 24 | (__u32)%s[%u] << 16 | (__u32)%s[%u] << 8 | %s[%u];\n",
			dst, base, off, base, off + 1, base, off + 2, base, off + 3);
	else if (size == 2)
		fprintf(out, "\t%s = (__u32)%s[%u] << 8 | %s[%u];\n", dst, base, off, base, off + 1);
	else
		fprintf(out, "\t%s = %s[%u];\n", dst, base, off);
}

static const char *const nomatch_far = "\treturn 0;\t/* beyond 64 KiB: no match, as in the translation */\n";

static void c_ld_abs(FILE *out, const char *dst, uint32_t k, uint32_t size)
{
	uint64_t end = (uint64_t)k + size;

	if (end > PKT_OFF_MAX) {
		fputs(nomatch_far, out);
		return;
	}
	fprintf(out, "\tif (pkt + %llu > end)\n\t\treturn 0;\n", (unsigned long long)end);
	c_load_bytes(out, dst, "pkt", k, size);
}

/* A = P[X + k]: X bounded first so pkt + X + k stays within the verifier's 64 KiB. */
static void c_ld_ind(FILE *out, uint32_t k, uint32_t size)
{
	uint64_t end = (uint64_t)k + size;

	if (end > PKT_OFF_MAX) {
		fputs(nomatch_far, out);
		return;
	}
	fprintf(out, "\tif (X > %llu)\n\t\treturn 0;\n", (unsigned long long)(PKT_OFF_MAX - end));
	fprintf(out, "\tp = pkt + X + %u;\n", k);
	fprintf(out, "\tif (p + %u > end)\n\t\treturn 0;\n", size);
	c_load_bytes(out, "A", "p", 0, size);
}

static void c_alu(FILE *out, const struct ebc_cbpf_insn *in)
{
	static const char *const ops[16] = {
		[BPF_ADD >> 4] = "+=", [BPF_SUB >> 4] = "-=", [BPF_MUL >> 4] = "*=",
		[BPF_DIV >> 4] = "/=", [BPF_OR >> 4] = "|=", [BPF_AND >> 4] = "&=",
		[BPF_LSH >> 4] = "<<=", [BPF_RSH >> 4] = ">>=", [BPF_MOD >> 4] = "%=",
		[BPF_XOR >> 4] = "^=",
	};
	uint8_t op = BPF_OP(in->code);

	if (op == BPF_NEG) {
		fputs("\tA = -A;\n", out);
	} else if (BPF_SRC(in->code) == BPF_K) {
		/* ebc_cbpf_check refuses K division by 0 and K shifts of 32 or more */
		fprintf(out, "\tA %s 0x%x;\n", ops[op >> 4], in->k);
	} else if (op == BPF_DIV || op == BPF_MOD) {
		fprintf(out, "\tif (X == 0)\n\t\treturn 0;\n\tA %s X;\n", ops[op >> 4]);
	} else if (op == BPF_LSH || op == BPF_RSH) {
		/* as libpcap: a count of 32 or more gives 0, where C and eBPF leave it undefined */
		fprintf(out, "\tA = X < 32 ? A %s X : 0;\n", op == BPF_LSH ? "<<" : ">>");
	} else {
		fprintf(out, "\tA %s X;\n", ops[op >> 4]);
	}
}

static void c_jmp(FILE *out, const struct ebc_cbpf_insn *in, size_t pc)
{
	static const char *const ops[16] = {
		[BPF_JEQ >> 4] = "==", [BPF_JGT >> 4] = ">", [BPF_JGE >> 4] = ">=",
		[BPF_JSET >> 4] = "&",
	};
	uint8_t op = BPF_OP(in->code);
	char rhs[16];

	if (op == BPF_JA && is_backward_ja(in, pc)) {
		/* as in the translation: a loop head is re-entered at most EBC_XLATE_LOOP_MAX times */
		fprintf(out, "\tif (loop%zu == 0)\n\t\treturn 0;\n\tloop%zu--;\n\tgoto L%zu;\n",
			backward_target(in, pc), backward_target(in, pc), backward_target(in, pc));
		return;
	}
	if (op == BPF_JA) {
		fprintf(out, "\tgoto L%zu;\n", pc + 1 + in->k);
		return;
	}
	if (BPF_SRC(in->code) == BPF_X)
		snprintf(rhs, sizeof(rhs), "X");
	else
		snprintf(rhs, sizeof(rhs), "0x%x", in->k);
	fprintf(out, "\tif (A %s %s)\n\t\tgoto L%zu;\n\telse\n\t\tgoto L%zu;\n", ops[op >> 4], rhs,
		pc + 1 + in->jt, pc + 1 + in->jf);
}

/* Any size reads the whole field, as in Linux; ALU_XOR_X is no load at all. */
static void c_ld_anc(FILE *out, const struct ebc_cbpf_insn *in)
{
	uint32_t code = in->k - (uint32_t)SKF_AD_OFF;

	if (code == SKF_AD_ALU_XOR_X)
		fputs("\tA ^= X;\n", out);
	else
		fprintf(out, "\tA = anc->%s;\n", anc_fields[code / 4]);
}

static void c_insn(FILE *out, const struct ebc_cbpf_insn *in, size_t pc)
{
	uint16_t code = in->code;

	if (is_anc_load(in)) {
		c_ld_anc(out, in);
		return;
	}
	switch (BPF_CLASS(code)) {
	case BPF_LD:
		switch (BPF_MODE(code)) {
		case BPF_ABS: c_ld_abs(out, "A", in->k, ld_size(code)); break;
		case BPF_IND: c_ld_ind(out, in->k, ld_size(code)); break;
		case BPF_IMM: fprintf(out, "\tA = 0x%x;\n", in->k); break;
		case BPF_LEN: fputs("\tA = len;\n", out); break;
		case BPF_MEM: fprintf(out, "\tA = M[%u];\n", in->k); break;
		}
		break;
	case BPF_LDX:
		switch (BPF_MODE(code)) {
		case BPF_IMM: fprintf(out, "\tX = 0x%x;\n", in->k); break;
		case BPF_LEN: fputs("\tX = len;\n", out); break;
		case BPF_MEM: fprintf(out, "\tX = M[%u];\n", in->k); break;
		case BPF_MSH:
			c_ld_abs(out, "X", in->k, 1);
			if (in->k < PKT_OFF_MAX)
				fputs("\tX = (X & 0xf) << 2;\n", out);
			break;
		}
		break;
	case BPF_ST:
		fprintf(out, "\tM[%u] = A;\n", in->k);
		break;
	case BPF_STX:
		fprintf(out, "\tM[%u] = X;\n", in->k);
		break;
	case BPF_ALU:
		c_alu(out, in);
		break;
	case BPF_JMP:
		c_jmp(out, in, pc);
		break;
	case BPF_RET:
		if (BPF_RVAL(code) == BPF_A)
			fputs("\treturn A;\n", out);
		else
			fprintf(out, "\treturn %u;\n", in->k);
		break;
	case BPF_MISC:
		fputs(BPF_MISCOP(code) == BPF_TAX ? "\tX = A;\n" : "\tA = X;\n", out);
		break;
	}
}

/* The block's layout, for programs that read it: ebpfcap's struct ebc_anc. */
static void c_anc_struct(FILE *out)
{
	size_t i;

	fputs("/*\n"
	      " * Linux's ancillary data (ld [SKF_AD_OFF + SKF_AD_*]): one __u32 per code, in\n"
	      " * code order, as ebpfcap's hooks fill it (bpf/capture.h).\n"
	      " */\n"
	      "struct ebc_anc {\n", out);
	for (i = 0; i < EBC_ANC_FIELDS; i++)
		fprintf(out, "\t__u32 %s;\n", anc_fields[i]);
	fputs("};\n\n", out);
}

static void c_header(FILE *out, const struct ebc_cbpf_prog *prog, const struct c_uses *u)
{
	fprintf(out,
		"// SPDX-License-Identifier: GPL-2.0-only\n"
		"/*\n"
		" * Generated by ebpfcap --dump-c: a classic BPF program of %zu instructions as C,\n"
		" * one label per classic instruction. A load past the end of the packet, or\n"
		" * division by zero, returns 0 (no match); the return value is the number of\n"
		" * bytes to capture. A loop (libpcap's protochain) re-enters its head at most %d\n"
		" * times, then answers no match, as ebpfcap's translation does.\n"
		" * Build (Debian and Ubuntu need the multiarch -I for asm/types.h):\n"
		" *   clang -O2 -target bpf -I/usr/include/$(gcc -print-multiarch) -c filter.c -o filter.o\n"
		" */\n"
		"#include <linux/bpf.h>\n"
		"#include <bpf/bpf_helpers.h>\n"
		"%s"
		"\n"
		"#pragma clang diagnostic ignored \"-Wunused-label\"\n"
		"\n", prog->len, EBC_XLATE_LOOP_MAX, u->anc ? "#include <bpf/bpf_endian.h>\n" : "");
	if (u->anc)
		c_anc_struct(out);
	fprintf(out, "static __always_inline __u32 ebpfcap_filter(const __u8 *pkt, const __u8 *end, __u32 len%s)\n"
		"{\n", u->anc ? ", const struct ebc_anc *anc" : "");
}

/* The fields the program reads, from tc's context; the rest stay zero. */
static void c_anc_fill(FILE *out, uint32_t used)
{
	size_t i;

	fputs("\tstruct ebc_anc anc = {\n", out);
	for (i = 0; i < EBC_ANC_FIELDS; i++) {
		if (!(used & EBC_ANC_BIT(4 * i)))
			continue;
		if (anc_from_skb[i])
			fprintf(out, "\t\t.%s = %s,\n", anc_fields[i], anc_from_skb[i]);
		else
			fprintf(out, "\t\t/* .%s: tc's context does not say, so 0 */\n", anc_fields[i]);
	}
	fputs("\t};\n", out);
}

static void c_footer(FILE *out, const struct c_uses *u)
{
	fputs("}\n"
	      "\n"
	      "/* For BPF_PROG_TEST_RUN: retval is the filter's result. */\n"
	      "SEC(\"tc\")\n"
	      "int ebpfcap_filter_tc(struct __sk_buff *skb)\n"
	      "{\n"
	      "\tconst __u8 *pkt = (const __u8 *)(long)skb->data;\n"
	      "\tconst __u8 *end = (const __u8 *)(long)skb->data_end;\n", out);
	if (u->anc)
		c_anc_fill(out, u->anc);
	fprintf(out, "\n"
		"\treturn ebpfcap_filter(pkt, end, skb->len%s);\n"
		"}\n"
		"\n"
		"char LICENSE[] SEC(\"license\") = \"GPL\";\n", u->anc ? ", &anc" : "");
}

/* One counter per loop head (a backward jump's target), declared once. */
static void c_loop_counters(FILE *out, const struct ebc_cbpf_prog *prog, bool *head)
{
	size_t i, t;

	for (i = 0; i < prog->len; i++) {
		if (!is_backward_ja(&prog->insns[i], i))
			continue;
		t = backward_target(&prog->insns[i], i);
		if (!head[t])
			fprintf(out, "\t__u32 loop%zu = %d;\t/* re-entries of L%zu left */\n", t,
				EBC_XLATE_LOOP_MAX, t);
		head[t] = true;
	}
}

int ebc_xlate_dump__c(FILE *out, const struct ebc_cbpf_prog *prog, char *errbuf, size_t len)
{
	static const char unused[] = "__attribute__((unused)) ";
	struct c_uses u;
	bool *head;
	size_t pc;
	int err;

	if (!out) {
		ebc_errbuf(errbuf, len, "cannot print the filter as C: no output stream");
		return -EINVAL;
	}
	err = c_check(prog, errbuf, len);
	if (err)
		return err;
	c_scan(prog, &u);
	head = calloc(prog->len, sizeof(*head));
	if (!head) {
		ebc_errbuf(errbuf, len, "cannot print the filter as C: %s", ebc_strerror(-ENOMEM));
		return -ENOMEM;
	}
	c_header(out, prog, &u);
	/* A, X and M[] are always declared, zero as classic BPF starts; unread ones say so */
	fprintf(out, "\t%s__u32 A = 0;\n", u.a ? "" : unused);
	fprintf(out, "\t%s__u32 X = 0;\n", u.x ? "" : unused);
	fprintf(out, "\t%s__u32 M[%d] = { 0 };\n", u.mem_read ? "" : unused, MEMWORDS);
	if (u.ptr)
		fputs("\tconst __u8 *p;\n", out);
	c_loop_counters(out, prog, head);
	fputs("\n", out);
	for (pc = 0; pc < prog->len; pc++) {
		fprintf(out, "L%zu:\n", pc);
		c_comment(out, &prog->insns[pc], pc);
		c_insn(out, &prog->insns[pc], pc);
	}
	c_footer(out, &u);
	free(head);
	if (fflush(out) || ferror(out)) {
		ebc_errbuf(errbuf, len, "cannot print the filter as C: %s", ebc_strerror(-EIO));
		return -EIO;
	}
	return 0;
}
