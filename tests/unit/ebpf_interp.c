// SPDX-License-Identifier: GPL-2.0-only
/*
 * An eBPF interpreter for what cbpf2c emits, strict where the kernel verifier
 * is strict: it tracks which registers hold packet pointers and refuses any
 * read the bound checks did not cover, so a missing check fails the test
 * instead of reading neighbouring memory. Pointers survive 64-bit spills to
 * the stack, and any narrower store over a spill turns it into plain bytes,
 * as the verifier's slot tracking does: a scratch word that overlaps the
 * spilled struct ebc_anc pointer shows up as a dereferenced non-pointer.
 *
 * Then the classic reference the ancillary tests compare against.
 */
#include <endian.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <linux/filter.h>

#include "ebpf_interp.h"
#include "xlate.h"

#define STACK_SIZE 512

/* K_ANC: into the struct ebc_anc block the body was entered with (read only). */
enum kind { K_UNINIT = 0, K_SCALAR, K_PKT, K_PKT_END, K_STACK, K_ANC };

struct reg {
	enum kind kind;
	uint64_t v;		/* scalar value, or offset from packet start / stack base */
};

struct vm {
	struct reg r[11];
	uint8_t stack[STACK_SIZE];
	bool stack_init[STACK_SIZE];
	/* per 8-byte slot: the kind of a pointer spilled there whole, else K_UNINIT */
	enum kind spill[STACK_SIZE / 8];
	const uint8_t *pkt;
	uint32_t caplen;
	const struct ebc_anc *anc;
	char *errbuf;
	size_t errlen;
};

static int vm_fail(struct vm *vm, int err, size_t pc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int vm_fail(struct vm *vm, int err, size_t pc, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(vm->errbuf, vm->errlen, "insn %zu: %s", pc, msg);
	return err;
}

static int size_bytes(uint8_t code)
{
	switch (BPF_SIZE(code)) {
	case BPF_W: return 4;
	case BPF_H: return 2;
	case BPF_B: return 1;
	}
	return 8;
}

static int64_t mem_addr(struct vm *vm, size_t pc, const struct reg *base, int16_t off,
			int size, bool write)
{
	int64_t a = (int64_t)base->v + off;

	if (base->kind == K_PKT) {
		if (write)
			return vm_fail(vm, -EFAULT, pc, "write to packet");
		if (a < 0 || a + size > (int64_t)vm->caplen)
			return vm_fail(vm, -EFAULT, pc, "packet read of %d at %lld outside %u bytes",
				       size, (long long)a, vm->caplen);
		return a;
	}
	if (base->kind == K_STACK) {
		if (a < 0 || a + size > STACK_SIZE)
			return vm_fail(vm, -EFAULT, pc, "stack access at %lld", (long long)a);
		return a;
	}
	if (base->kind == K_ANC) {
		if (write)
			return vm_fail(vm, -EFAULT, pc, "write to the ancillary block");
		if (a < 0 || a + size > (int64_t)sizeof(struct ebc_anc))
			return vm_fail(vm, -EFAULT, pc, "ancillary block read of %d at %lld", size,
				       (long long)a);
		return a;
	}
	return vm_fail(vm, -EFAULT, pc, "memory access through a non-pointer");
}

static int do_ldx(struct vm *vm, size_t pc, const struct bpf_insn *in)
{
	int size = size_bytes(in->code);
	const uint8_t *src;
	int64_t a;
	uint8_t b;
	uint16_t h;
	uint32_t w;
	uint64_t dw;
	int i;

	if (vm->r[in->src_reg].kind == K_UNINIT)
		return vm_fail(vm, -EFAULT, pc, "read of uninitialised r%d", in->src_reg);
	a = mem_addr(vm, pc, &vm->r[in->src_reg], in->off, size, false);
	if (a < 0)
		return (int)a;
	if (vm->r[in->src_reg].kind == K_STACK) {
		for (i = 0; i < size; i++)
			if (!vm->stack_init[a + i])
				return vm_fail(vm, -EFAULT, pc, "read of uninitialised stack");
		src = vm->stack + a;
	} else if (vm->r[in->src_reg].kind == K_ANC) {
		src = (const uint8_t *)vm->anc + a;
	} else {
		src = vm->pkt + a;
	}
	if (vm->r[in->src_reg].kind == K_STACK && size == 8 && a % 8 == 0 && vm->spill[a / 8]) {
		/* a pointer filled back whole */
		memcpy(&dw, src, 8);
		vm->r[in->dst_reg] = (struct reg){ vm->spill[a / 8], dw };
		return 0;
	}
	vm->r[in->dst_reg].kind = K_SCALAR;
	switch (size) {
	case 1: memcpy(&b, src, 1); vm->r[in->dst_reg].v = b; break;
	case 2: memcpy(&h, src, 2); vm->r[in->dst_reg].v = h; break;
	case 4: memcpy(&w, src, 4); vm->r[in->dst_reg].v = w; break;
	default:
		/* loop counters and spilled pointers: on the stack only */
		if (vm->r[in->src_reg].kind != K_STACK)
			return vm_fail(vm, -EINVAL, pc, "64-bit packet load not expected");
		memcpy(&dw, src, 8);
		vm->r[in->dst_reg].v = dw;
		break;
	}
	return 0;
}

static int do_store(struct vm *vm, size_t pc, const struct bpf_insn *in)
{
	int size = size_bytes(in->code);
	uint64_t v;
	uint32_t w;
	int64_t a;

	if (BPF_MODE(in->code) != BPF_MEM || (size != 4 && size != 8))
		return vm_fail(vm, -EINVAL, pc, "unexpected store 0x%02x", in->code);
	if (size == 8 && BPF_CLASS(in->code) != BPF_STX)
		return vm_fail(vm, -EINVAL, pc, "64-bit immediate store not expected");
	if (vm->r[in->dst_reg].kind != K_STACK)
		return vm_fail(vm, -EFAULT, pc, "store outside the stack");
	a = mem_addr(vm, pc, &vm->r[in->dst_reg], in->off, size, true);
	if (a < 0)
		return (int)a;
	if (BPF_CLASS(in->code) == BPF_STX) {
		if (vm->r[in->src_reg].kind == K_UNINIT)
			return vm_fail(vm, -EFAULT, pc, "store of uninitialised r%d", in->src_reg);
		if (vm->r[in->src_reg].kind != K_SCALAR && (size != 8 || a % 8))
			return vm_fail(vm, -EFAULT, pc, "partial spill of pointer r%d", in->src_reg);
		v = vm->r[in->src_reg].v;
	} else {
		v = (uint32_t)in->imm;
	}
	/* a store of any size ends what the slots it touches held as pointers */
	vm->spill[a / 8] = K_UNINIT;
	vm->spill[(a + size - 1) / 8] = K_UNINIT;
	if (BPF_CLASS(in->code) == BPF_STX && vm->r[in->src_reg].kind != K_SCALAR)
		vm->spill[a / 8] = vm->r[in->src_reg].kind;
	w = (uint32_t)v;
	if (size == 8)
		memcpy(vm->stack + a, &v, 8);
	else
		memcpy(vm->stack + a, &w, 4);
	memset(vm->stack_init + a, 1, (size_t)size);
	return 0;
}

static uint64_t alu_op(uint8_t op, uint64_t d, uint64_t s, bool is64)
{
	unsigned int mask = is64 ? 63 : 31;

	if (!is64) {
		d = (uint32_t)d;
		s = (uint32_t)s;
	}
	switch (op) {
	case BPF_ADD: d += s; break;
	case BPF_SUB: d -= s; break;
	case BPF_MUL: d *= s; break;
	case BPF_DIV: d = s ? d / s : 0; break;
	case BPF_MOD: d = s ? d % s : d; break;
	case BPF_OR:  d |= s; break;
	case BPF_AND: d &= s; break;
	case BPF_XOR: d ^= s; break;
	case BPF_LSH: d <<= (s & mask); break;
	case BPF_RSH: d >>= (s & mask); break;
	case BPF_NEG: d = -d; break;
	case BPF_MOV: d = s; break;
	}
	return is64 ? d : (uint32_t)d;
}

static int do_end(struct vm *vm, size_t pc, const struct bpf_insn *in)
{
	struct reg *d = &vm->r[in->dst_reg];

	if (d->kind != K_SCALAR)
		return vm_fail(vm, -EFAULT, pc, "byte swap of a non-scalar");
	if (BPF_SRC(in->code) != BPF_TO_BE)
		return vm_fail(vm, -EINVAL, pc, "to_le not expected");
	switch (in->imm) {
	case 16: d->v = htobe16((uint16_t)d->v); break;
	case 32: d->v = htobe32((uint32_t)d->v); break;
	case 64: d->v = htobe64(d->v); break;
	default: return vm_fail(vm, -EINVAL, pc, "bad byte swap width %d", in->imm);
	}
	return 0;
}

static int do_alu(struct vm *vm, size_t pc, const struct bpf_insn *in)
{
	bool is64 = BPF_CLASS(in->code) == BPF_ALU64;
	uint8_t op = BPF_OP(in->code);
	struct reg *d = &vm->r[in->dst_reg];
	struct reg s = { K_SCALAR, (uint64_t)(int64_t)in->imm };

	if (op == BPF_END)
		return do_end(vm, pc, in);
	if (in->off)
		return vm_fail(vm, -EINVAL, pc, "signed division/movsx not expected");
	if (BPF_SRC(in->code) == BPF_X) {
		s = vm->r[in->src_reg];
		if (s.kind == K_UNINIT)
			return vm_fail(vm, -EFAULT, pc, "read of uninitialised r%d", in->src_reg);
	}
	if (op == BPF_MOV) {
		if (!is64 && s.kind != K_SCALAR)
			return vm_fail(vm, -EFAULT, pc, "32-bit move of a pointer");
		d->kind = s.kind;
		d->v = is64 ? s.v : (uint32_t)s.v;
		return 0;
	}
	if (d->kind == K_UNINIT)
		return vm_fail(vm, -EFAULT, pc, "read of uninitialised r%d", in->dst_reg);
	if (d->kind == K_PKT && is64 && op == BPF_ADD && s.kind == K_SCALAR) {
		d->v += s.v;
		return 0;
	}
	if (d->kind != K_SCALAR || s.kind != K_SCALAR)
		return vm_fail(vm, -EFAULT, pc, "arithmetic op 0x%02x on a pointer", op);
	d->v = alu_op(op, d->v, s.v, is64);
	return 0;
}

/* 1 taken, 0 not, <0 error. */
static int do_cond(struct vm *vm, size_t pc, const struct bpf_insn *in)
{
	bool is32 = BPF_CLASS(in->code) == BPF_JMP32;
	struct reg d = vm->r[in->dst_reg];
	struct reg s = { K_SCALAR, (uint64_t)(int64_t)in->imm };
	uint64_t a, b;

	if (BPF_SRC(in->code) == BPF_X)
		s = vm->r[in->src_reg];
	if (d.kind == K_UNINIT || s.kind == K_UNINIT)
		return vm_fail(vm, -EFAULT, pc, "comparison of an uninitialised register");
	if (d.kind != K_SCALAR || s.kind != K_SCALAR) {
		/* only packet pointers against packet pointers or the end */
		bool ok = (d.kind == K_PKT || d.kind == K_PKT_END) &&
			  (s.kind == K_PKT || s.kind == K_PKT_END) && !is32;

		if (!ok)
			return vm_fail(vm, -EFAULT, pc, "bad pointer comparison");
	}
	a = is32 ? (uint32_t)d.v : d.v;
	b = is32 ? (uint32_t)s.v : s.v;
	switch (BPF_OP(in->code)) {
	case BPF_JEQ:  return a == b;
	case BPF_JNE:  return a != b;
	case BPF_JGT:  return a > b;
	case BPF_JGE:  return a >= b;
	case BPF_JLT:  return a < b;
	case BPF_JLE:  return a <= b;
	case BPF_JSET: return (a & b) != 0;
	}
	return vm_fail(vm, -EINVAL, pc, "unexpected jump op 0x%02x", in->code);
}

static void vm_init(struct vm *vm, const uint8_t *pkt, uint32_t caplen, uint32_t wirelen,
		    const struct ebc_anc *anc, char *errbuf, size_t errlen)
{
	memset(vm, 0, sizeof(*vm));
	vm->pkt = pkt;
	vm->caplen = caplen;
	vm->anc = anc;
	vm->errbuf = errbuf;
	vm->errlen = errlen;
	vm->r[1] = (struct reg){ K_PKT, 0 };
	vm->r[2] = (struct reg){ K_PKT_END, caplen };
	vm->r[3] = (struct reg){ K_SCALAR, wirelen };
	/* without a block r4 stays unwritten: a body that reads it anyway fails */
	if (anc)
		vm->r[4] = (struct reg){ K_ANC, 0 };
	vm->r[10] = (struct reg){ K_STACK, STACK_SIZE };
}

/* One step; sets *next. 1 when the program exited. */
static int vm_step(struct vm *vm, const struct bpf_insn *insns, size_t pc, size_t *next)
{
	const struct bpf_insn *in = &insns[pc];
	int taken, off = in->off;

	*next = pc + 1;
	switch (BPF_CLASS(in->code)) {
	case BPF_ALU:
	case BPF_ALU64:
		return do_alu(vm, pc, in);
	case BPF_LDX:
		if (BPF_MODE(in->code) != BPF_MEM)
			break;
		return do_ldx(vm, pc, in);
	case BPF_ST:
	case BPF_STX:
		return do_store(vm, pc, in);
	case BPF_JMP:
	case BPF_JMP32:
		if (in->code == (BPF_JMP | BPF_EXIT))
			return 1;
		if (in->code == (BPF_JMP | BPF_JA)) {
			taken = 1;
		} else {
			taken = do_cond(vm, pc, in);
			if (taken < 0)
				return taken;
		}
		if (off < 0 && (size_t)-off > pc + 1)
			return vm_fail(vm, -EINVAL, pc, "jump before the start");
		if (taken)
			*next = pc + 1 + (size_t)off;
		return 0;
	}
	return vm_fail(vm, -EINVAL, pc, "unexpected opcode 0x%02x", in->code);
}

int ebpf_interp_run(const struct bpf_insn *insns, size_t len, const uint8_t *pkt,
		    uint32_t caplen, uint32_t wirelen, uint32_t *ret,
		    char *errbuf, size_t errlen)
{
	return ebpf_interp_run_anc(insns, len, pkt, caplen, wirelen, NULL, ret, errbuf, errlen);
}

int ebpf_interp_run_anc(const struct bpf_insn *insns, size_t len, const uint8_t *pkt,
			uint32_t caplen, uint32_t wirelen, const struct ebc_anc *anc, uint32_t *ret,
			char *errbuf, size_t errlen)
{
	struct vm vm;
	size_t pc = 0, next, steps = 0;
	int err;

	vm_init(&vm, pkt, caplen, wirelen, anc, errbuf, errlen);
	while (pc < len) {
		/* loops are bounded by the translation; this catches one that is not */
		if (++steps > EBPF_INTERP_MAX_STEPS)
			return vm_fail(&vm, -ELOOP, pc, "more than %d steps", EBPF_INTERP_MAX_STEPS);
		err = vm_step(&vm, insns, pc, &next);
		if (err < 0)
			return err;
		if (err == 1) {
			if (vm.r[0].kind != K_SCALAR)
				return vm_fail(&vm, -EFAULT, pc, "exit without a scalar r0");
			*ret = (uint32_t)vm.r[0].v;
			return 0;
		}
		pc = next;
	}
	snprintf(errbuf, errlen, "fell off the end at %zu", pc);
	return -EINVAL;
}

/* ---- the classic reference ----------------------------------------------- */

/* P[off .. off + size) big-endian into *v; false when outside the bytes or past 64 KiB. */
static bool ref_load(const uint8_t *pkt, uint32_t caplen, uint64_t off, uint32_t size, uint32_t *v)
{
	uint32_t i;

	if (off + size > caplen || off + size > 0xffff)
		return false;
	for (*v = 0, i = 0; i < size; i++)
		*v = *v << 8 | pkt[off + i];
	return true;
}

static uint32_t ref_size(uint16_t code)
{
	return BPF_SIZE(code) == BPF_W ? 4 : BPF_SIZE(code) == BPF_H ? 2 : 1;
}

struct ref {
	uint32_t a, x, m[16];
	uint8_t left[EBC_CBPF_MAXINSNS];	/* re-entries each loop head has left */
};

/* A, X or M[] after a load or ALU instruction; false for "return 0". */
static bool ref_ld(struct ref *r, const struct ebc_cbpf_insn *in, const uint8_t *pkt,
		   uint32_t caplen, uint32_t wirelen, const struct ebc_anc *anc)
{
	uint32_t code = in->k - (uint32_t)SKF_AD_OFF;

	if (BPF_MODE(in->code) == BPF_ABS && in->k >= (uint32_t)SKF_AD_OFF) {
		if (code == SKF_AD_ALU_XOR_X)
			r->a ^= r->x;
		else
			memcpy(&r->a, (const uint8_t *)anc + code, 4);
		return true;
	}
	switch (BPF_MODE(in->code)) {
	case BPF_ABS: return ref_load(pkt, caplen, in->k, ref_size(in->code), &r->a);
	case BPF_IND: return ref_load(pkt, caplen, (uint64_t)r->x + in->k, ref_size(in->code), &r->a);
	case BPF_IMM: r->a = in->k; return true;
	case BPF_LEN: r->a = wirelen; return true;
	case BPF_MEM: r->a = r->m[in->k]; return true;
	}
	return false;
}

static bool ref_ldx(struct ref *r, const struct ebc_cbpf_insn *in, const uint8_t *pkt,
		    uint32_t caplen, uint32_t wirelen)
{
	switch (BPF_MODE(in->code)) {
	case BPF_IMM: r->x = in->k; return true;
	case BPF_LEN: r->x = wirelen; return true;
	case BPF_MEM: r->x = r->m[in->k]; return true;
	case BPF_MSH:
		if (!ref_load(pkt, caplen, in->k, 1, &r->x))
			return false;
		r->x = (r->x & 0xf) << 2;
		return true;
	}
	return false;
}

static bool ref_alu(struct ref *r, const struct ebc_cbpf_insn *in)
{
	uint32_t s = BPF_SRC(in->code) == BPF_X ? r->x : in->k;

	switch (BPF_OP(in->code)) {
	case BPF_ADD: r->a += s; break;
	case BPF_SUB: r->a -= s; break;
	case BPF_MUL: r->a *= s; break;
	case BPF_DIV: if (!s) return false; r->a /= s; break;
	case BPF_MOD: if (!s) return false; r->a %= s; break;
	case BPF_AND: r->a &= s; break;
	case BPF_OR:  r->a |= s; break;
	case BPF_XOR: r->a ^= s; break;
	case BPF_LSH: r->a = s < 32 ? r->a << s : 0; break;
	case BPF_RSH: r->a = s < 32 ? r->a >> s : 0; break;
	case BPF_NEG: r->a = -r->a; break;
	}
	return true;
}

/* The next pc after a jump, or SIZE_MAX for "return 0" (a loop head with no re-entries left). */
static size_t ref_jmp(struct ref *r, const struct ebc_cbpf_insn *in, size_t pc)
{
	uint32_t s = BPF_SRC(in->code) == BPF_X ? r->x : in->k;
	size_t t = (size_t)(uint32_t)(pc + 1 + in->k);
	bool taken;

	if (BPF_OP(in->code) == BPF_JA) {
		if (t > pc)
			return t;
		if (!r->left[t])
			return SIZE_MAX;
		r->left[t]--;
		return t;
	}
	switch (BPF_OP(in->code)) {
	case BPF_JEQ: taken = r->a == s; break;
	case BPF_JGT: taken = r->a > s; break;
	case BPF_JGE: taken = r->a >= s; break;
	default:      taken = (r->a & s) != 0; break;
	}
	return pc + 1 + (taken ? in->jt : in->jf);
}

uint32_t cbpf_ref_run(const struct ebc_cbpf_insn *insns, size_t len, const uint8_t *pkt,
		      uint32_t caplen, uint32_t wirelen, const struct ebc_anc *anc)
{
	struct ref r;
	size_t pc = 0;
	bool ok = true;

	memset(&r, 0, sizeof(r));
	memset(r.left, EBC_XLATE_LOOP_MAX, sizeof(r.left));
	while (ok && pc < len && pc < EBC_CBPF_MAXINSNS) {
		const struct ebc_cbpf_insn *in = &insns[pc];

		switch (BPF_CLASS(in->code)) {
		case BPF_LD:   ok = ref_ld(&r, in, pkt, caplen, wirelen, anc); break;
		case BPF_LDX:  ok = ref_ldx(&r, in, pkt, caplen, wirelen); break;
		case BPF_ST:   r.m[in->k] = r.a; break;
		case BPF_STX:  r.m[in->k] = r.x; break;
		case BPF_ALU:  ok = ref_alu(&r, in); break;
		case BPF_RET:  return BPF_RVAL(in->code) == BPF_A ? r.a : in->k;
		case BPF_MISC:
			if (BPF_MISCOP(in->code) == BPF_TAX)
				r.x = r.a;
			else
				r.a = r.x;
			break;
		case BPF_JMP:
			pc = ref_jmp(&r, in, pc);
			ok = pc != SIZE_MAX;
			continue;
		}
		pc++;
	}
	return 0;
}

/* ---- classic programs with ancillary loads ------------------------------- */

#define S(code, k)		{ (uint16_t)(code), 0, 0, (uint32_t)(k) }
#define J(code, k, jt, jf)	{ (uint16_t)(code), (jt), (jf), (uint32_t)(k) }
#define AD(code, size)		S(BPF_LD | (size) | BPF_ABS, SKF_AD_OFF + (code))
#define BIT(code)		EBC_ANC_BIT(SKF_AD_##code)

const struct anc_case anc_cases[] = {
	{ "xor_x word", { S(BPF_LD | BPF_IMM, 0x0f0f0f0f), S(BPF_LDX | BPF_IMM, 0x00ff00ff),
	  AD(SKF_AD_ALU_XOR_X, BPF_W), S(BPF_RET | BPF_A, 0) }, 4, 0 },
	{ "xor_x half", { S(BPF_LD | BPF_IMM, 0x0f0f0f0f), S(BPF_LDX | BPF_IMM, 0xffffffff),
	  AD(SKF_AD_ALU_XOR_X, BPF_H), S(BPF_RET | BPF_A, 0) }, 4, 0 },
	{ "xor_x byte after a load", { AD(SKF_AD_MARK, BPF_W), S(BPF_LDX | BPF_IMM, 0x80000001),
	  AD(SKF_AD_ALU_XOR_X, BPF_B), S(BPF_RET | BPF_A, 0) }, 4, BIT(MARK) },
	/* packet and ancillary loads in one block, and across blocks */
	{ "mixed", {
	  /* 0 */ S(BPF_LD | BPF_H | BPF_ABS, 12), S(BPF_MISC | BPF_TAX, 0),
	  /* 2 */ AD(SKF_AD_PROTOCOL, BPF_W),
	  /* 3 */ J(BPF_JMP | BPF_JEQ | BPF_X, 0, 0, 14),	/* to 18 */
	  /* 4 */ S(BPF_LD | BPF_B | BPF_ABS, 23), S(BPF_ST, 1),
	  /* 6 */ AD(SKF_AD_MARK, BPF_H),
	  /* 7 */ J(BPF_JMP | BPF_JSET | BPF_K, 1, 0, 6),	/* to 14 */
	  /* 8 */ AD(SKF_AD_IFINDEX, BPF_B), S(BPF_LDX | BPF_MEM, 1), S(BPF_ALU | BPF_ADD | BPF_X, 0),
	  /* 11 */ S(BPF_MISC | BPF_TAX, 0), S(BPF_LD | BPF_B | BPF_IND, 14), S(BPF_RET | BPF_A, 0),
	  /* 14 */ AD(SKF_AD_VLAN_TPID, BPF_W), S(BPF_LDX | BPF_B | BPF_MSH, 14),
	  /* 16 */ S(BPF_ALU | BPF_ADD | BPF_X, 0), S(BPF_RET | BPF_A, 0),
	  /* 18 */ AD(SKF_AD_PKTTYPE, BPF_W), S(BPF_ALU | BPF_OR | BPF_K, 0x100), S(BPF_RET | BPF_A, 0),
	  }, 21, BIT(PROTOCOL) | BIT(MARK) | BIT(IFINDEX) | BIT(VLAN_TPID) | BIT(PKTTYPE) },
	/* M[0] and M[15] at the ends of scratch, a loop counter, then the spilled pointer */
	{ "scratch and a loop", {
	  /* 0 */ AD(SKF_AD_MARK, BPF_W), S(BPF_ST, 0), AD(SKF_AD_RXHASH, BPF_W), S(BPF_ST, 15),
	  /* 4 */ S(BPF_LDX | BPF_IMM, 3), S(BPF_STX, 14),
	  /* 6 */ AD(SKF_AD_QUEUE, BPF_W), S(BPF_MISC | BPF_TAX, 0), S(BPF_LD | BPF_MEM, 7),
	  /* 9 */ S(BPF_ALU | BPF_ADD | BPF_X, 0), S(BPF_ST, 7),
	  /* 11 */ S(BPF_LD | BPF_MEM, 14), S(BPF_ALU | BPF_SUB | BPF_K, 1), S(BPF_ST, 14),
	  /* 14 */ J(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0), S(BPF_JMP | BPF_JA, (uint32_t)(6 - 16)),
	  /* 16 */ AD(SKF_AD_IFINDEX, BPF_W), S(BPF_LDX | BPF_MEM, 0), S(BPF_ALU | BPF_ADD | BPF_X, 0),
	  /* 19 */ S(BPF_LDX | BPF_MEM, 15), S(BPF_ALU | BPF_ADD | BPF_X, 0),
	  /* 21 */ S(BPF_LDX | BPF_MEM, 7), S(BPF_ALU | BPF_ADD | BPF_X, 0), S(BPF_RET | BPF_A, 0),
	  }, 24, BIT(MARK) | BIT(RXHASH) | BIT(QUEUE) | BIT(IFINDEX) },
	/* every M[] word written between the spill and a reload */
	{ "all scratch words", {
	  AD(SKF_AD_HATYPE, BPF_W),
	  S(BPF_ST, 0), S(BPF_ST, 1), S(BPF_ST, 2), S(BPF_ST, 3), S(BPF_ST, 4), S(BPF_ST, 5),
	  S(BPF_ST, 6), S(BPF_ST, 7), S(BPF_ST, 8), S(BPF_ST, 9), S(BPF_ST, 10), S(BPF_ST, 11),
	  S(BPF_ST, 12), S(BPF_ST, 13), S(BPF_ST, 14), S(BPF_ST, 15),
	  AD(SKF_AD_CPU, BPF_H), S(BPF_LDX | BPF_MEM, 9), S(BPF_ALU | BPF_ADD | BPF_X, 0),
	  S(BPF_RET | BPF_A, 0),
	  }, 21, BIT(HATYPE) | BIT(CPU) },
	/* the block is only needed when a load that reads it is reachable */
	{ "dead ancillary load", { S(BPF_JMP | BPF_JA, 1), AD(SKF_AD_MARK, BPF_W),
	  AD(SKF_AD_VLAN_TAG, BPF_B), S(BPF_RET | BPF_A, 0) }, 4, BIT(VLAN_TAG) },
	{ "only dead", { S(BPF_JMP | BPF_JA, 1), AD(SKF_AD_RANDOM, BPF_W), S(BPF_RET | BPF_K, 7) },
	  3, 0 },
	{ "vlan as Linux's libpcap asks", {
	  AD(SKF_AD_VLAN_TAG_PRESENT, BPF_B), J(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 4),
	  AD(SKF_AD_VLAN_TAG, BPF_B), S(BPF_ALU | BPF_AND | BPF_K, 0xfff),
	  J(BPF_JMP | BPF_JEQ | BPF_K, 100, 0, 1), S(BPF_RET | BPF_K, 0x40000), S(BPF_RET | BPF_K, 0),
	  }, 7, BIT(VLAN_TAG_PRESENT) | BIT(VLAN_TAG) },
};

const size_t anc_ncases = sizeof(anc_cases) / sizeof(anc_cases[0]);

void anc_case_single(struct anc_case *c, uint32_t code, uint16_t size)
{
	static const struct ebc_cbpf_insn ret_a = S(BPF_RET | BPF_A, 0);

	memset(c, 0, sizeof(*c));
	c->name = "single load";
	c->prog[0] = (struct ebc_cbpf_insn)AD(code, size);
	c->prog[1] = ret_a;
	c->len = 2;
	c->used = code == SKF_AD_ALU_XOR_X ? 0 : EBC_ANC_BIT(code);
}
