// SPDX-License-Identifier: GPL-2.0-only
/*
 * An eBPF interpreter for what cbpf2c emits, strict where the kernel verifier
 * is strict: it tracks which registers hold packet pointers and refuses any
 * read the bound checks did not cover, so a missing check fails the test
 * instead of reading neighbouring memory.
 */
#include <endian.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <linux/filter.h>

#include "ebpf_interp.h"

#define STACK_SIZE 512

enum kind { K_UNINIT = 0, K_SCALAR, K_PKT, K_PKT_END, K_STACK };

struct reg {
	enum kind kind;
	uint64_t v;		/* scalar value, or offset from packet start / stack base */
};

struct vm {
	struct reg r[11];
	uint8_t stack[STACK_SIZE];
	bool stack_init[STACK_SIZE];
	const uint8_t *pkt;
	uint32_t caplen;
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
	} else {
		src = vm->pkt + a;
	}
	vm->r[in->dst_reg].kind = K_SCALAR;
	switch (size) {
	case 1: memcpy(&b, src, 1); vm->r[in->dst_reg].v = b; break;
	case 2: memcpy(&h, src, 2); vm->r[in->dst_reg].v = h; break;
	case 4: memcpy(&w, src, 4); vm->r[in->dst_reg].v = w; break;
	default:
		/* loop counters: 64-bit spills, on the stack only */
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
		if (vm->r[in->src_reg].kind != K_SCALAR)
			return vm_fail(vm, -EFAULT, pc, "store of a non-scalar r%d", in->src_reg);
		v = vm->r[in->src_reg].v;
	} else {
		v = (uint32_t)in->imm;
	}
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
		    char *errbuf, size_t errlen)
{
	memset(vm, 0, sizeof(*vm));
	vm->pkt = pkt;
	vm->caplen = caplen;
	vm->errbuf = errbuf;
	vm->errlen = errlen;
	vm->r[1] = (struct reg){ K_PKT, 0 };
	vm->r[2] = (struct reg){ K_PKT_END, caplen };
	vm->r[3] = (struct reg){ K_SCALAR, wirelen };
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
	struct vm vm;
	size_t pc = 0, next, steps = 0;
	int err;

	vm_init(&vm, pkt, caplen, wirelen, errbuf, errlen);
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
