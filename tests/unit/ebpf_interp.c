// SPDX-License-Identifier: GPL-2.0-only
/*
 * An eBPF interpreter for what cbpf2c emits, strict where the kernel verifier
 * is strict: it tracks which registers hold packet pointers and refuses any
 * read the bound checks did not cover, so a missing check fails the test
 * instead of reading neighbouring memory. Plus the shared test corpus.
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
	default: return vm_fail(vm, -EINVAL, pc, "64-bit load not expected");
	}
	return 0;
}

static int do_store(struct vm *vm, size_t pc, const struct bpf_insn *in)
{
	int size = size_bytes(in->code);
	uint32_t w;
	int64_t a;

	if (BPF_MODE(in->code) != BPF_MEM || size != 4)
		return vm_fail(vm, -EINVAL, pc, "unexpected store 0x%02x", in->code);
	if (vm->r[in->dst_reg].kind != K_STACK)
		return vm_fail(vm, -EFAULT, pc, "store outside the stack");
	a = mem_addr(vm, pc, &vm->r[in->dst_reg], in->off, size, true);
	if (a < 0)
		return (int)a;
	if (BPF_CLASS(in->code) == BPF_STX) {
		if (vm->r[in->src_reg].kind != K_SCALAR)
			return vm_fail(vm, -EFAULT, pc, "store of a non-scalar r%d", in->src_reg);
		w = (uint32_t)vm->r[in->src_reg].v;
	} else {
		w = (uint32_t)in->imm;
	}
	memcpy(vm->stack + a, &w, 4);
	memset(vm->stack_init + a, 1, 4);
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
		if (off < 0)
			return vm_fail(vm, -EINVAL, pc, "backward jump");
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
	size_t pc = 0, next;
	int err;

	vm_init(&vm, pkt, caplen, wirelen, errbuf, errlen);
	while (pc < len) {
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

/* ---- corpus: packets ----------------------------------------------------- */

struct pb {
	uint8_t *p;
	uint32_t n;
};

static void put(struct pb *b, const void *d, uint32_t n)
{
	memcpy(b->p + b->n, d, n);
	b->n += n;
}

static void put8(struct pb *b, uint8_t v) { put(b, &v, 1); }
static void put16(struct pb *b, uint16_t v) { v = htobe16(v); put(b, &v, 2); }
static void put32(struct pb *b, uint32_t v) { v = htobe32(v); put(b, &v, 4); }

static void fill(struct pb *b, uint32_t n, uint8_t seed)
{
	while (n--)
		put8(b, seed++);
}

static const uint8_t mac_a[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
static const uint8_t mac_b[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };
static const uint8_t mac_bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t mac_mcast[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb };

static void eth(struct pb *b, const uint8_t *dst, const uint8_t *src, uint16_t type)
{
	put(b, dst, 6);
	put(b, src, 6);
	put16(b, type);
}

static void vlan(struct pb *b, uint16_t vid, uint16_t type)
{
	put16(b, vid);
	put16(b, type);
}

#define IP(a, b, c, d) (((uint32_t)(a) << 24) | ((b) << 16) | ((c) << 8) | (d))
#define IP_MF 0x2000

/* plen: bytes after the IPv4 header (and its options). */
static void ipv4(struct pb *b, uint32_t src, uint32_t dst, uint8_t proto, uint32_t plen,
		 uint16_t frag, int optwords)
{
	put8(b, 0x45 + optwords);
	put8(b, 0);
	put16(b, (uint16_t)(20 + 4 * optwords + plen));
	put16(b, 0x1234);
	put16(b, frag);
	put8(b, 64);
	put8(b, proto);
	put16(b, 0);
	put32(b, src);
	put32(b, dst);
	while (optwords--)
		put32(b, 0x01010101);	/* NOPs */
}

static void ipv6(struct pb *b, uint16_t src_tail, uint16_t dst_tail, uint32_t prefix_src,
		 uint32_t prefix_dst, uint8_t nh, uint32_t plen)
{
	put32(b, 0x60000000);
	put16(b, (uint16_t)plen);
	put8(b, nh);
	put8(b, 64);
	put32(b, prefix_src); put32(b, 0); put32(b, 0); put32(b, src_tail);
	put32(b, prefix_dst); put32(b, 0); put32(b, 0); put32(b, dst_tail);
}

static void tcp(struct pb *b, uint16_t sport, uint16_t dport, uint8_t flags, int optwords)
{
	put16(b, sport);
	put16(b, dport);
	put32(b, 1000);
	put32(b, 2000);
	put8(b, (uint8_t)((5 + optwords) << 4));
	put8(b, flags);
	put16(b, 65535);
	put32(b, 0);
	while (optwords--)
		put32(b, 0x01010101);
}

static void udp(struct pb *b, uint16_t sport, uint16_t dport, uint32_t plen)
{
	put16(b, sport);
	put16(b, dport);
	put16(b, (uint16_t)(8 + plen));
	put16(b, 0);
}

static void arp(struct pb *b, uint16_t op, uint32_t spa, uint32_t tpa)
{
	put16(b, 1);
	put16(b, 0x0800);
	put8(b, 6);
	put8(b, 4);
	put16(b, op);
	put(b, mac_a, 6);
	put32(b, spa);
	put(b, mac_b, 6);
	put32(b, tpa);
}

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PSH 0x08
#define TH_ACK 0x10

static const char http_get[] = "GET / HTTP/1.1\r\nHost: example\r\n\r\n";

/* IPv4 TCP over Ethernet, optionally VLAN-tagged. */
static void v4_tcp(struct pb *b, uint16_t vid, uint32_t s, uint32_t d, uint16_t sp, uint16_t dp,
		   uint8_t flags, uint32_t payload)
{
	eth(b, mac_b, mac_a, vid ? 0x8100 : 0x0800);
	if (vid)
		vlan(b, vid, 0x0800);
	ipv4(b, s, d, 6, 20 + payload, 0, 0);
	tcp(b, sp, dp, flags, 0);
	fill(b, payload, 0x30);
}

static void v4_udp(struct pb *b, const uint8_t *dmac, uint32_t s, uint32_t d, uint16_t sp,
		   uint16_t dp, uint32_t payload)
{
	eth(b, dmac, mac_a, 0x0800);
	ipv4(b, s, d, 17, 8 + payload, 0, 0);
	udp(b, sp, dp, payload);
	fill(b, payload, 0x40);
}

static void v4_icmp(struct pb *b, uint32_t s, uint32_t d, uint8_t type, uint32_t payload)
{
	eth(b, mac_b, mac_a, 0x0800);
	ipv4(b, s, d, 1, 8 + payload, 0, 0);
	put8(b, type);
	put8(b, 0);
	put16(b, 0);
	put32(b, 0x00010001);
	fill(b, payload, 0x50);
}

static void build_v4(struct corpus_pkt *p, size_t *n)
{
	struct pb b;

#define NEXT(nm) (b = (struct pb){ p[*n].data, 0 }, p[*n].name = (nm), p[*n].l3 = 14)
#define DONE() (p[(*n)++].len = b.n)
	NEXT("v4 tcp syn 10.0.0.1:1234 > 10.0.0.2:80");
	v4_tcp(&b, 0, IP(10, 0, 0, 1), IP(10, 0, 0, 2), 1234, 80, TH_SYN, 0); DONE();
	NEXT("v4 tcp syn-ack 10.0.0.2:80 > 10.0.0.1:1234");
	v4_tcp(&b, 0, IP(10, 0, 0, 2), IP(10, 0, 0, 1), 80, 1234, TH_SYN | TH_ACK, 0); DONE();
	NEXT("v4 tcp ack 192.168.1.10:40000 > 10.0.0.2:443 +100");
	v4_tcp(&b, 0, IP(192, 168, 1, 10), IP(10, 0, 0, 2), 40000, 443, TH_ACK, 100); DONE();
	NEXT("v4 tcp http get 10.0.0.1:5555 > 10.0.0.2:80");
	v4_tcp(&b, 0, IP(10, 0, 0, 1), IP(10, 0, 0, 2), 5555, 80, TH_PSH | TH_ACK, 0);
	put(&b, http_get, sizeof(http_get) - 1);
	/* fix the IP total length for the payload */
	p[*n].data[16] = 0; p[*n].data[17] = (uint8_t)(40 + sizeof(http_get) - 1); DONE();
	NEXT("v4 tcp rst 172.16.0.1:22 > 10.0.0.5:1500");
	v4_tcp(&b, 0, IP(172, 16, 0, 1), IP(10, 0, 0, 5), 22, 1500, TH_RST, 0); DONE();
	NEXT("v4 tcp fin 200.1.2.3:8080 > 192.168.0.1:1999 +1400");
	v4_tcp(&b, 0, IP(200, 1, 2, 3), IP(192, 168, 0, 1), 8080, 1999, TH_FIN | TH_ACK, 1400); DONE();
	NEXT("v4 ip options tcp 10.0.0.1:8000 > 10.0.0.2:8080");
	eth(&b, mac_b, mac_a, 0x0800);
	ipv4(&b, IP(10, 0, 0, 1), IP(10, 0, 0, 2), 6, 32, 0, 1);
	tcp(&b, 8000, 8080, TH_SYN, 3); DONE();
	NEXT("v4 udp mdns 10.0.0.1:5353 > 224.0.0.251:5353");
	v4_udp(&b, mac_mcast, IP(10, 0, 0, 1), IP(224, 0, 0, 251), 5353, 5353, 30); DONE();
	NEXT("v4 udp dns 192.168.1.1:53 > 10.0.0.1:33333");
	v4_udp(&b, mac_b, IP(192, 168, 1, 1), IP(10, 0, 0, 1), 53, 33333, 60); DONE();
	NEXT("v4 udp 10.0.0.1:1500 > 10.0.0.2:1999");
	v4_udp(&b, mac_b, IP(10, 0, 0, 1), IP(10, 0, 0, 2), 1500, 1999, 4); DONE();
	NEXT("v4 udp broadcast 10.0.0.9:68 > 255.255.255.255:67");
	v4_udp(&b, mac_bcast, IP(10, 0, 0, 9), IP(255, 255, 255, 255), 68, 67, 20); DONE();
	NEXT("v4 icmp echo 10.0.0.1 > 8.8.8.8");
	v4_icmp(&b, IP(10, 0, 0, 1), IP(8, 8, 8, 8), 8, 16); DONE();
	NEXT("v4 icmp echo reply 8.8.8.8 > 10.0.0.1");
	v4_icmp(&b, IP(8, 8, 8, 8), IP(10, 0, 0, 1), 0, 16); DONE();
	NEXT("v4 icmp unreachable 10.0.0.254 > 10.0.0.1 +200");
	v4_icmp(&b, IP(10, 0, 0, 254), IP(10, 0, 0, 1), 3, 200); DONE();
	NEXT("v4 first fragment udp 10.0.0.1:1000 > 10.0.0.2:53");
	eth(&b, mac_b, mac_a, 0x0800);
	ipv4(&b, IP(10, 0, 0, 1), IP(10, 0, 0, 2), 17, 48, IP_MF, 0);
	udp(&b, 1000, 53, 40);
	fill(&b, 40, 0x60); DONE();
	NEXT("v4 later fragment udp 10.0.0.1 > 10.0.0.2");
	eth(&b, mac_b, mac_a, 0x0800);
	ipv4(&b, IP(10, 0, 0, 1), IP(10, 0, 0, 2), 17, 40, 185, 0);
	put16(&b, 80); put16(&b, 80);	/* looks like ports, is payload */
	fill(&b, 36, 0x70); DONE();
	NEXT("v4 gre 10.1.1.1 > 10.2.2.2");
	eth(&b, mac_b, mac_a, 0x0800);
	ipv4(&b, IP(10, 1, 1, 1), IP(10, 2, 2, 2), 47, 4, 0, 0);
	put32(&b, 0x00000800); DONE();
	NEXT("v4 header only, no transport");
	eth(&b, mac_b, mac_a, 0x0800);
	ipv4(&b, IP(10, 0, 0, 1), IP(10, 0, 0, 2), 6, 0, 0, 0); DONE();
	NEXT("v4 vlan 100 tcp 10.0.0.1:1234 > 10.0.0.2:80");
	v4_tcp(&b, 100, IP(10, 0, 0, 1), IP(10, 0, 0, 2), 1234, 80, TH_SYN, 10);
	p[*n].l3 = 0; DONE();
#undef NEXT
#undef DONE
}

static void build_other(struct corpus_pkt *p, size_t *n)
{
	struct pb b;

#define NEXT(nm) (b = (struct pb){ p[*n].data, 0 }, p[*n].name = (nm), p[*n].l3 = 14)
#define DONE() (p[(*n)++].len = b.n)
	NEXT("v6 tcp syn 2001:db8::1:1234 > 2001:db8::2:443");
	eth(&b, mac_b, mac_a, 0x86dd);
	ipv6(&b, 1, 2, 0x20010db8, 0x20010db8, 6, 20);
	tcp(&b, 1234, 443, TH_SYN, 0); DONE();
	NEXT("v6 udp fe80::1:53 > ff02::1:53");
	eth(&b, mac_mcast, mac_a, 0x86dd);
	ipv6(&b, 1, 1, 0xfe800000, 0xff020000, 17, 8 + 12);
	udp(&b, 53, 53, 12);
	fill(&b, 12, 0x11); DONE();
	NEXT("v6 icmp6 echo 2001:db8::1 > 2001:db8::2");
	eth(&b, mac_b, mac_a, 0x86dd);
	ipv6(&b, 1, 2, 0x20010db8, 0x20010db8, 58, 8);
	put8(&b, 128); put8(&b, 0); put16(&b, 0); put32(&b, 1); DONE();
	NEXT("v6 hop-by-hop then tcp :80");
	eth(&b, mac_b, mac_a, 0x86dd);
	ipv6(&b, 3, 4, 0x20010db8, 0x20010db8, 0, 8 + 20);
	put8(&b, 6); put8(&b, 0); put16(&b, 0x0104); put32(&b, 0);	/* HBH, PadN */
	tcp(&b, 3333, 80, TH_SYN, 0); DONE();
	NEXT("v6 fragment header then udp");
	eth(&b, mac_b, mac_a, 0x86dd);
	ipv6(&b, 5, 6, 0x20010db8, 0x20010db8, 44, 8 + 8);
	put8(&b, 17); put8(&b, 0); put16(&b, 0x0001); put32(&b, 0xabcd);
	udp(&b, 4000, 53, 0); DONE();
	NEXT("arp request 10.0.0.1 who-has 10.0.0.2");
	eth(&b, mac_bcast, mac_a, 0x0806);
	arp(&b, 1, IP(10, 0, 0, 1), IP(10, 0, 0, 2));
	p[*n].l3 = 0; DONE();
	NEXT("arp reply 10.0.0.2 is-at");
	eth(&b, mac_a, mac_b, 0x0806);
	arp(&b, 2, IP(10, 0, 0, 2), IP(10, 0, 0, 1));
	fill(&b, 18, 0); p[*n].l3 = 0; DONE();
	NEXT("vlan 200 v6 udp :53");
	eth(&b, mac_b, mac_a, 0x8100);
	vlan(&b, 200, 0x86dd);
	ipv6(&b, 1, 2, 0x20010db8, 0x20010db8, 17, 8);
	udp(&b, 5000, 53, 0); p[*n].l3 = 0; DONE();
	NEXT("qinq 100/200 v4 udp");
	eth(&b, mac_b, mac_a, 0x88a8);
	vlan(&b, 100, 0x8100);
	vlan(&b, 200, 0x0800);
	ipv4(&b, IP(10, 0, 0, 1), IP(10, 0, 0, 2), 17, 8, 0, 0);
	udp(&b, 1111, 2222, 0); p[*n].l3 = 0; DONE();
	NEXT("vlan 100 arp");
	eth(&b, mac_bcast, mac_a, 0x8100);
	vlan(&b, 100, 0x0806);
	arp(&b, 1, IP(10, 0, 0, 1), IP(10, 0, 0, 3)); p[*n].l3 = 0; DONE();
	NEXT("lldp");
	eth(&b, mac_mcast, mac_a, 0x88cc);
	fill(&b, 46, 0x20); p[*n].l3 = 0; DONE();
	NEXT("802.3 llc");
	eth(&b, mac_b, mac_a, 0x0026);
	put8(&b, 0x42); put8(&b, 0x42); put8(&b, 0x03);
	fill(&b, 35, 0); p[*n].l3 = 0; DONE();
#undef NEXT
#undef DONE
}

size_t corpus_build(struct corpus_pkt *pkts, size_t max)
{
	size_t n = 0;

	if (max < 40)
		return 0;
	memset(pkts, 0, max * sizeof(*pkts));
	build_v4(pkts, &n);
	build_other(pkts, &n);
	return n;
}

/* ---- corpus: filter expressions ------------------------------------------ */

#define EN  CORPUS_EN10MB
#define ALL (CORPUS_EN10MB | CORPUS_RAW)

const struct corpus_expr corpus_exprs[] = {
	{ "", ALL },
	{ "ip", ALL },
	{ "ip6", ALL },
	{ "arp", EN },
	{ "tcp", ALL },
	{ "udp", ALL },
	{ "icmp", ALL },
	{ "icmp6", ALL },
	{ "host 10.0.0.1", ALL },
	{ "src host 10.0.0.1", ALL },
	{ "dst host 10.0.0.2", ALL },
	{ "net 10.0.0.0/8", ALL },
	{ "src net 192.168.0.0/16", ALL },
	{ "dst net 224.0.0.0/4", ALL },
	{ "port 80", ALL },
	{ "tcp port 80", ALL },
	{ "udp port 53", ALL },
	{ "src port 1234", ALL },
	{ "dst port 443", ALL },
	{ "portrange 1000-2000", ALL },
	{ "tcp portrange 8000-9000", ALL },
	{ "ip proto 17", ALL },
	{ "ip proto 47", ALL },
	{ "ip6 proto 58", ALL },
	{ "proto 6", ALL },
	{ "tcp[tcpflags] & tcp-syn != 0", ALL },
	{ "tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn", ALL },
	{ "tcp[tcpflags] & (tcp-rst|tcp-fin) != 0", ALL },
	{ "tcp[13] & 2 != 0", ALL },
	{ "tcp dst port 80 and (tcp[tcpflags] & tcp-syn) != 0", ALL },
	{ "tcp[((tcp[12:1] & 0xf0) >> 2):4] = 0x47455420", ALL },
	{ "udp[8:2] == 0x4142", ALL },
	{ "icmp[icmptype] == icmp-echo", ALL },
	{ "icmp[0] == 8 or icmp[0] == 0", ALL },
	{ "ip[6:2] & 0x1fff != 0", ALL },
	{ "ip[6:2] & 0x3fff != 0", ALL },
	{ "ip[0] & 0xf > 5", ALL },
	{ "ip[2:2] > 100", ALL },
	{ "ip[8] < 65 and ip[1] & 0xfc == 0", ALL },
	{ "ip[12:4] > 0x80000000", ALL },
	{ "ip[12:4] >= 0xc8010203", ALL },
	{ "ip[16:4] & 0x80000000 != 0", ALL },
	{ "ip[12:4] - ip[16:4] != 0", ALL },
	{ "ip[9] * 2 = 12", ALL },
	{ "ip[9] / 2 = 3", ALL },
	{ "ip[9] % 4 = 2", ALL },
	{ "ip[9] ^ 0xff = 0xf9", ALL },
	{ "ip[9] << 1 = 12 or ip[9] >> 1 = 8", ALL },
	{ "ip[9] | 1 = 7 and ip[9] & 6 = 6", ALL },
	{ "len * 0x80000001 > 5", ALL },
	{ "ip multicast", ALL },
	{ "ip6 multicast", ALL },
	{ "ip6 host 2001:db8::1", ALL },
	{ "ip6 net 2001:db8::/32", ALL },
	{ "ip6 and tcp", ALL },
	{ "ip6 and udp port 53", ALL },
	{ "ether host 00:11:22:33:44:55", EN },
	{ "ether src 00:11:22:33:44:55", EN },
	{ "ether broadcast", EN },
	{ "ether multicast", EN },
	{ "ether proto 0x0806", EN },
	{ "ether[0] & 1 = 0", EN },
	{ "arp host 10.0.0.1", EN },
	{ "vlan", EN },
	{ "vlan 100", EN },
	{ "vlan and tcp", EN },
	{ "vlan 100 and host 10.0.0.1", EN },
	{ "vlan and vlan 200", EN },
	{ "vlan and ip6 and udp port 53", EN },
	{ "llc", EN },
	{ "len > 100", ALL },
	{ "len <= 64", ALL },
	{ "greater 200", ALL },
	{ "less 100", ALL },
	{ "ip and not tcp", ALL },
	{ "tcp or udp", ALL },
	{ "not ip", ALL },
	{ "not port 22", ALL },
	{ "host 10.0.0.1 and (port 80 or port 443)", ALL },
	{ "(tcp[2:2] > 1000) and (tcp[2:2] < 2000)", ALL },
	{ "ip and len >= 60 and not icmp", ALL },
	{ "udp and (udp[0:2] = 53 or udp[2:2] = 53)", ALL },
};

const size_t corpus_nexprs = sizeof(corpus_exprs) / sizeof(corpus_exprs[0]);

void corpus_large_expr(char *buf, size_t len)
{
	size_t used;
	int i;

	used = (size_t)snprintf(buf, len, "(tcp[tcpflags] & tcp-syn != 0 or udp) and (");
	for (i = 0; i < 120 && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%shost 10.0.%d.%d",
					 i ? " or " : "", i / 50, i % 50 + 1);
	if (used < len)
		snprintf(buf + used, len - used, ") and not (port 22 or portrange 6000-6010)");
}

/* ---- corpus: hand-written classic programs ------------------------------- */

#define S(code, k)		{ (uint16_t)(code), 0, 0, (uint32_t)(k) }
#define J(code, k, jt, jf)	{ (uint16_t)(code), (jt), (jf), (uint32_t)(k) }
#define RET_A			S(BPF_RET | BPF_A, 0)
#define LD_K(k)			S(BPF_LD | BPF_IMM, k)
#define LDX_K(k)		S(BPF_LDX | BPF_IMM, k)
#define ALU_K(op, k)		S(BPF_ALU | (op) | BPF_K, k)
#define ALU_X(op)		S(BPF_ALU | (op) | BPF_X, 0)
#define CASE2(nm, a, b, exp)		{ nm, { a, b, RET_A }, 3, exp, 0 }
#define CASE3(nm, a, b, c, exp)	{ nm, { a, b, c, RET_A }, 4, exp, 0 }
/* if cond: ret 1 else ret 2 */
#define JCASE(nm, a, b, jmp, exp) \
	{ nm, { a, b, jmp, S(BPF_RET | BPF_K, 1), S(BPF_RET | BPF_K, 2) }, 5, exp, 0 }

const struct corpus_case corpus_cases[] = {
	CASE2("add k", LD_K(5), ALU_K(BPF_ADD, 7), 12),
	CASE3("add x", LD_K(5), LDX_K(7), ALU_X(BPF_ADD), 12),
	CASE2("sub k wraps", LD_K(5), ALU_K(BPF_SUB, 7), 0xfffffffe),
	CASE3("sub x wraps", LD_K(5), LDX_K(7), ALU_X(BPF_SUB), 0xfffffffe),
	CASE2("mul k wraps", LD_K(0x10001), ALU_K(BPF_MUL, 0x10001), 0x20001),
	CASE3("mul x wraps", LD_K(0x10001), LDX_K(0x10001), ALU_X(BPF_MUL), 0x20001),
	CASE2("div k", LD_K(100), ALU_K(BPF_DIV, 7), 14),
	CASE2("div k unsigned 0x80000000", LD_K(0xffffffff), ALU_K(BPF_DIV, 0x80000000), 1),
	CASE3("div x", LD_K(100), LDX_K(7), ALU_X(BPF_DIV), 14),
	CASE3("div x unsigned", LD_K(0xfffffffe), LDX_K(0xffffffff), ALU_X(BPF_DIV), 0),
	{ "div x by zero", { LD_K(100), LDX_K(0), ALU_X(BPF_DIV), S(BPF_RET | BPF_K, 99) }, 4, 0, 0 },
	CASE2("mod k", LD_K(100), ALU_K(BPF_MOD, 7), 2),
	CASE2("mod k 0xfffffff0", LD_K(0xfffffff5), ALU_K(BPF_MOD, 0xfffffff0), 5),
	CASE3("mod x", LD_K(100), LDX_K(7), ALU_X(BPF_MOD), 2),
	{ "mod x by zero", { LD_K(100), LDX_K(0), ALU_X(BPF_MOD), S(BPF_RET | BPF_K, 99) }, 4, 0, 0 },
	CASE2("and k", LD_K(0xff00ff00), ALU_K(BPF_AND, 0x0ff00ff0), 0x0f000f00),
	CASE3("and x", LD_K(0xff00ff00), LDX_K(0x0ff00ff0), ALU_X(BPF_AND), 0x0f000f00),
	CASE2("or k", LD_K(0xff000000), ALU_K(BPF_OR, 0x80000001), 0xff000001),
	CASE3("or x", LD_K(0xff000000), LDX_K(0x80000001), ALU_X(BPF_OR), 0xff000001),
	CASE2("xor k", LD_K(0xffff0000), ALU_K(BPF_XOR, 0x8000ffff), 0x7fffffff),
	CASE3("xor x", LD_K(0xffff0000), LDX_K(0x8000ffff), ALU_X(BPF_XOR), 0x7fffffff),
	CASE2("lsh k", LD_K(0x80000003), ALU_K(BPF_LSH, 4), 0x30),
	CASE3("lsh x", LD_K(0x80000003), LDX_K(4), ALU_X(BPF_LSH), 0x30),
	CASE3("lsh x 33 is 0", LD_K(5), LDX_K(33), ALU_X(BPF_LSH), 0),
	CASE2("rsh k logical", LD_K(0x80000000), ALU_K(BPF_RSH, 31), 1),
	CASE3("rsh x logical", LD_K(0x80000000), LDX_K(31), ALU_X(BPF_RSH), 1),
	CASE3("rsh x 32 is 0", LD_K(0xffffffff), LDX_K(32), ALU_X(BPF_RSH), 0),
	CASE2("neg", LD_K(5), S(BPF_ALU | BPF_NEG, 0), 0xfffffffb),
	CASE2("ld imm 0x80000000", LD_K(0x80000000), S(BPF_MISC | BPF_TAX, 0), 0x80000000),
	JCASE("jeq k taken", LD_K(7), LDX_K(0), J(BPF_JMP | BPF_JEQ | BPF_K, 7, 0, 1), 1),
	JCASE("jeq k 0xffffffff", LD_K(0xffffffff), LDX_K(0), J(BPF_JMP | BPF_JEQ | BPF_K, 0xffffffff, 0, 1), 1),
	JCASE("jgt k 0x80000000 taken", LD_K(0x90000000), LDX_K(0), J(BPF_JMP | BPF_JGT | BPF_K, 0x80000000, 0, 1), 1),
	JCASE("jgt k 0x80000000 not taken", LD_K(5), LDX_K(0), J(BPF_JMP | BPF_JGT | BPF_K, 0x80000000, 0, 1), 2),
	JCASE("jge k 0xffffffff", LD_K(0xffffffff), LDX_K(0), J(BPF_JMP | BPF_JGE | BPF_K, 0xffffffff, 0, 1), 1),
	JCASE("jge k 0x80000000 not taken", LD_K(0x7fffffff), LDX_K(0), J(BPF_JMP | BPF_JGE | BPF_K, 0x80000000, 0, 1), 2),
	JCASE("jset k 0x80000000", LD_K(0x80000000), LDX_K(0), J(BPF_JMP | BPF_JSET | BPF_K, 0x80000000, 0, 1), 1),
	JCASE("jset k not taken", LD_K(0x7fffffff), LDX_K(0), J(BPF_JMP | BPF_JSET | BPF_K, 0x80000000, 0, 1), 2),
	JCASE("jeq x", LD_K(9), LDX_K(9), J(BPF_JMP | BPF_JEQ | BPF_X, 0, 0, 1), 1),
	JCASE("jgt x unsigned", LD_K(0x80000000), LDX_K(1), J(BPF_JMP | BPF_JGT | BPF_X, 0, 0, 1), 1),
	JCASE("jge x equal", LD_K(0xfffffff0), LDX_K(0xfffffff0), J(BPF_JMP | BPF_JGE | BPF_X, 0, 0, 1), 1),
	JCASE("jset x not taken", LD_K(0xf0), LDX_K(0x0f), J(BPF_JMP | BPF_JSET | BPF_X, 0, 0, 1), 2),
	JCASE("jset jt=0 jf=1", LD_K(1), LDX_K(0), J(BPF_JMP | BPF_JSET | BPF_K, 1, 0, 1), 1),
	JCASE("jgt jt=1 jf=0", LD_K(3), LDX_K(0), J(BPF_JMP | BPF_JGT | BPF_K, 2, 1, 0), 2),
	JCASE("jeq jt=jf", LD_K(3), LDX_K(0), J(BPF_JMP | BPF_JEQ | BPF_K, 3, 1, 1), 2),
	JCASE("ja", LD_K(3), LDX_K(0), S(BPF_JMP | BPF_JA, 1), 2),
	CASE2("ld w abs", S(BPF_LD | BPF_W | BPF_ABS, 2), S(BPF_MISC | BPF_TAX, 0), 0x82838485),
	CASE2("ld h abs", S(BPF_LD | BPF_H | BPF_ABS, 62), S(BPF_MISC | BPF_TAX, 0), 0xbebf),
	CASE2("ld b abs", S(BPF_LD | BPF_B | BPF_ABS, 63), S(BPF_MISC | BPF_TAX, 0), 0xbf),
	{ "ld w abs past caplen", { S(BPF_LD | BPF_W | BPF_ABS, 61), S(BPF_RET | BPF_K, 9) }, 2, 0, 0 },
	{ "ld b abs past wire len", { S(BPF_LD | BPF_B | BPF_ABS, 100), S(BPF_RET | BPF_K, 9) }, 2, 0, 0 },
	{ "ld h abs at 0x8000", { S(BPF_LD | BPF_H | BPF_ABS, 0x8000), S(BPF_RET | BPF_K, 9) }, 2, 0, 0 },
	{ "ld b abs at 0x10000 then dead code",
	  { S(BPF_LD | BPF_B | BPF_ABS, 0x10000), J(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 1),
	    S(BPF_RET | BPF_K, 9), S(BPF_RET | BPF_K, 8) }, 4, 0, 0 },
	CASE3("ld w ind", LDX_K(2), S(BPF_LD | BPF_W | BPF_IND, 10), S(BPF_MISC | BPF_TAX, 0), 0x8c8d458f),
	CASE3("ld h ind", LDX_K(60), S(BPF_LD | BPF_H | BPF_IND, 2), S(BPF_MISC | BPF_TAX, 0), 0xbebf),
	CASE3("ld b ind", LDX_K(0), S(BPF_LD | BPF_B | BPF_IND, 14), S(BPF_MISC | BPF_TAX, 0), 0x45),
	{ "ld w ind past caplen", { LDX_K(58), S(BPF_LD | BPF_W | BPF_IND, 3), S(BPF_RET | BPF_K, 9) }, 3, 0, 0 },
	{ "ld b ind huge x", { LDX_K(0xffffff00), S(BPF_LD | BPF_B | BPF_IND, 0x100), S(BPF_RET | BPF_K, 9) }, 3, 0, 0 },
	{ "ld b ind x at 0xffff", { LDX_K(0xffff), S(BPF_LD | BPF_B | BPF_IND, 0), S(BPF_RET | BPF_K, 9) }, 3, 0, 0 },
	CASE2("msh", S(BPF_LDX | BPF_B | BPF_MSH, 14), S(BPF_MISC | BPF_TXA, 0), 20),
	{ "msh past caplen", { S(BPF_LDX | BPF_B | BPF_MSH, 64), S(BPF_RET | BPF_K, 9) }, 2, 0, 0 },
	CASE2("ld len is wire length", S(BPF_LD | BPF_W | BPF_LEN, 0), S(BPF_MISC | BPF_TAX, 0), 100),
	CASE2("ldx len", S(BPF_LDX | BPF_W | BPF_LEN, 0), S(BPF_MISC | BPF_TXA, 0), 100),
	{ "scratch st/ldx", { LD_K(42), S(BPF_ST, 3), LD_K(0), S(BPF_LDX | BPF_MEM, 3),
	  S(BPF_MISC | BPF_TXA, 0), RET_A }, 6, 42, 0 },
	{ "scratch stx/ld", { LDX_K(0x87654321), S(BPF_STX, 15), S(BPF_LD | BPF_MEM, 15), RET_A }, 4, 0x87654321, 0 },
	{ "scratch unwritten reads 0", { LD_K(7), S(BPF_LD | BPF_MEM, 5), RET_A }, 3, 0, 1 },
	CASE2("tax/txa", LD_K(77), S(BPF_MISC | BPF_TAX, 0), 77),
	{ "txa", { LDX_K(66), S(BPF_MISC | BPF_TXA, 0), RET_A }, 3, 66, 0 },
	{ "a and x start at 0", { S(BPF_ALU | BPF_ADD | BPF_X, 0), RET_A }, 2, 0, 0 },
	{ "ret k 0xffffffff", { S(BPF_RET | BPF_K, 0xffffffff) }, 1, 0xffffffff, 0 },
	{ "ret k then dead code", { S(BPF_RET | BPF_K, 1), S(BPF_RET | BPF_K, 2) }, 2, 1, 0 },
	{ "blocks share no check", { S(BPF_LD | BPF_B | BPF_ABS, 14),
	  J(BPF_JMP | BPF_JEQ | BPF_K, 0x45, 0, 2), S(BPF_LD | BPF_W | BPF_ABS, 60), RET_A,
	  S(BPF_RET | BPF_K, 3) }, 5, 0xbcbdbebf, 0 },
};

const size_t corpus_ncases = sizeof(corpus_cases) / sizeof(corpus_cases[0]);

const uint8_t *corpus_case_pkt(void)
{
	static uint8_t pkt[CORPUS_CASE_CAPLEN];
	int i;

	for (i = 0; i < CORPUS_CASE_CAPLEN; i++)
		pkt[i] = (uint8_t)(0x80 + i);
	pkt[14] = 0x45;
	return pkt;
}
