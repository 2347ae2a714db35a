// SPDX-License-Identifier: GPL-2.0-only
/*
 * Per-packet cost: cbpf2c's translation against the kernel's way of running
 * the same classic program, both timed with BPF_PROG_TEST_RUN repeat on the
 * same frames. Root (it loads programs); exits 77 without it.
 *   bench/packet_cost [ROUNDS]
 *
 * The kernel gives a classic socket filter no program fd, so it cannot be
 * test-run. The reference is that program rendered 1:1 as the kernel's
 * bpf_convert_filter() renders it (A in r0, X in r7, M[] on the stack, ALU32,
 * one eBPF jump per classic one), loaded as a tc program:
 *   - an absolute load gets the kernel's inline fast path (bounds check, load,
 *     byte swap) and, when that fails, a BPF_LD_ABS, which the verifier expands
 *     into the skb load helper call the kernel's slow path makes;
 *   - an indirect load is a BPF_LD_IND: a helper call, as in the kernel;
 *   - packet bounds come from __sk_buff data/data_end (r8/r9) instead of the
 *     kernel's skb->data/headlen, the same number of instructions.
 * "ours" is built by the datapath's own splice (ebc_inject__splice: the body
 * inlined at the call site). Two more columns, for reading the numbers, not for
 * the target: "call" is our body behind a BPF-to-BPF call (the first datapath's
 * shape), and "LD_ABS" is the kernel-style program with every absolute load
 * left to the helper (a plain 1:1 rendering without the kernel's fast path).
 *
 * kernel-reported durations are whole ns (total / repeat); ours and the
 * kernel's run back to back on each frame in each round, so the ratio is taken
 * per round (paired) and its median reported, which cancels drift between rounds.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <linux/filter.h>
#include <bpf/bpf.h>
#include "bench_util.h"
#include "filter.h"

/*
 * libpcap's interpreter, declared against our instruction layout: <pcap/bpf.h>
 * and <linux/bpf.h> both define struct bpf_insn.
 */
unsigned int bpf_filter(const struct ebc_cbpf_insn *pc, const unsigned char *pkt,
			unsigned int wirelen, unsigned int buflen);

#define SNAPLEN		262144
#define REPEAT		200000
#define MAX_ROUNDS	64
#define ETH_HLEN	14
#define PKT_MAX		1514
#define NHOSTS		30

enum { OURS, KERN, CALL, LDABS, NPROG };
static const char *const prog_names[NPROG] = { "ours", "kernel-style", "ours without the call",
					       "LD_ABS-only" };

static const char *exprs[] = {
	"", "udp", "tcp port 80", "host 198.18.0.1 and udp port 53",
	"tcp[tcpflags] & (tcp-syn|tcp-fin) != 0", "ip6 and tcp",
	"net 198.18.0.0/15 and not port 22", "portrange 1000-2000", "vlan 100 and ip6",
	NULL,	/* NHOSTS ORed hosts, none of them in the frames: built in main */
};
#define NEXPR (sizeof(exprs) / sizeof(exprs[0]))

struct pkt {
	const char *name;
	uint8_t data[PKT_MAX];
	uint32_t len;
};

/* ---- frames ---------------------------------------------------------------- */

static uint8_t *put(uint8_t *p, const void *src, size_t n)
{
	memcpy(p, src, n);
	return p + n;
}

static uint8_t *put16(uint8_t *p, uint16_t v)
{
	v = htons(v);
	return put(p, &v, 2);
}

static uint8_t *put_eth(uint8_t *p, uint16_t type)
{
	static const uint8_t macs[12] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1 };

	return put16(put(p, macs, sizeof(macs)), type);
}

static uint8_t *put_ip4(uint8_t *p, uint8_t proto, uint16_t payload, uint32_t src, uint32_t dst)
{
	uint8_t *h = p;
	uint32_t sum = 0;

	*p++ = 0x45;
	*p++ = 0;
	p = put16(p, 20 + payload);
	p = put16(p, 0x1c46);
	p = put16(p, 0x4000);	/* DF */
	*p++ = 64;
	*p++ = proto;
	p = put16(p, 0);
	src = htonl(src);
	dst = htonl(dst);
	p = put(put(p, &src, 4), &dst, 4);
	for (int i = 0; i < 20; i += 2)
		sum += (uint32_t)h[i] << 8 | h[i + 1];
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	put16(h + 10, (uint16_t)~sum);
	return p;
}

/* 20 bytes of SYN options (MSS, SACK permitted, timestamps, NOP, window scale) or 12 of NOP NOP TS. */
static uint8_t *put_tcp(uint8_t *p, uint16_t sport, uint16_t dport, uint8_t flags, bool syn_opts)
{
	static const uint8_t syn[20] = { 2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0x12, 0x34, 0x56,
					 0, 0, 0, 0, 1, 3, 3, 7 };
	static const uint8_t ts[12] = { 1, 1, 8, 10, 0, 0x12, 0x34, 0x56, 0, 0x65, 0x43, 0x21 };

	p = put16(put16(p, sport), dport);
	p = put(p, "\x2a\x1b\x0c\x00\x00\x00\x00\x00", 8);	/* seq, ack */
	if (flags & 0x10)
		p[-1] = 0x41;
	*p++ = (syn_opts ? 10 : 8) << 4;
	*p++ = flags;
	p = put16(put16(put16(p, 64240), 0x7a3c), 0);	/* window, checksum, urgent */
	return syn_opts ? put(p, syn, sizeof(syn)) : put(p, ts, sizeof(ts));
}

static void build_pkts(struct pkt *pk)
{
	static const uint8_t ip6_src[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const uint8_t ip6_dst[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
	uint8_t *p;

	/* 198.18.0.1:40000 → 198.18.0.2:80 SYN, 74 bytes. */
	pk[0].name = "IPv4 TCP SYN (74)";
	p = put_eth(pk[0].data, 0x0800);
	p = put_ip4(p, 6, 40, 0xc6120001, 0xc6120002);
	p = put_tcp(p, 40000, 80, 0x02, true);
	pk[0].len = p - pk[0].data;

	/* A DNS answer 198.18.0.1:53 → 10.0.0.7:1500 with 1400 bytes of payload. */
	pk[1].name = "IPv4 UDP (1442)";
	p = put_eth(pk[1].data, 0x0800);
	p = put_ip4(p, 17, 8 + 1400, 0xc6120001, 0x0a000007);
	p = put16(put16(put16(put16(p, 53), 1500), 8 + 1400), 0);
	for (int i = 0; i < 1400; i++)
		*p++ = (uint8_t)(i * 7);
	pk[1].len = p - pk[1].data;

	/* SSH: [2001:db8::1]:22 → [2001:db8::2]:50000 ACK|PSH with 48 bytes. */
	pk[2].name = "IPv6 TCP (134)";
	p = put_eth(pk[2].data, 0x86dd);
	p = put(p, "\x60\x0a\xbc\xde", 4);
	p = put16(p, 32 + 48);
	*p++ = 6;
	*p++ = 64;
	p = put(put(p, ip6_src, 16), ip6_dst, 16);
	p = put_tcp(p, 22, 50000, 0x18, false);
	memset(p, 0xa5, 48);
	p += 48;
	pk[2].len = p - pk[2].data;

	/* Who has 198.18.0.2, tell 198.18.0.1; padded to the 60-byte minimum. */
	pk[3].name = "ARP request (60)";
	p = put_eth(pk[3].data, 0x0806);
	p = put(p, "\x00\x01\x08\x00\x06\x04\x00\x01\x02\x00\x00\x00\x00\x01\xc6\x12\x00\x01"
		   "\x00\x00\x00\x00\x00\x00\xc6\x12\x00\x02", 28);
	memset(p, 0, 60 - (p - pk[3].data));
	pk[3].len = 60;
}
#define NPKT 4

/* ---- the kernel's rendering of a classic program ---------------------------- */

#define K_A	BPF_REG_0
#define K_TMP	BPF_REG_2
#define K_CTX	BPF_REG_6
#define K_X	BPF_REG_7
#define K_DATA	BPF_REG_8
#define K_END	BPF_REG_9
#define K_FP	BPF_REG_10
#define MEMWORDS 16
/* The most one classic instruction becomes: ldxb 4*([k]&0xf) with the inline path. */
#define K_MAX_PER_INSN 12

struct kconv {
	const struct ebc_cbpf_insn *ci;
	size_t clen;
	size_t *addrs;		/* classic index → first eBPF index (pass 1) */
	struct bpf_insn *out;
	size_t len;
	bool inline_abs;
	bool bad_jump;
};

static void kemit(struct kconv *kc, uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	kc->out[kc->len++] = (struct bpf_insn){ .code = code, .dst_reg = dst, .src_reg = src,
						.off = off, .imm = imm };
}

/* A jump to classic instruction t, from the eBPF instruction about to be emitted. */
static void kemit_jmp(struct kconv *kc, uint8_t code, uint8_t dst, uint8_t src, int32_t imm, size_t t)
{
	long off = (long)kc->addrs[t] - (long)(kc->len + 1);

	if (t >= kc->clen || off < INT16_MIN || off > INT16_MAX)
		kc->bad_jump = true;
	kemit(kc, code, dst, src, (int16_t)off, imm);
}

static int mem_off(uint32_t k)
{
	return -(int)(MEMWORDS - k) * 4;
}

/*
 * A = packet[k], size bytes, big-endian. The kernel's fast path checks
 * headlen - k >= size; the same check here is data + k + size <= data_end.
 */
static void kemit_ld_abs(struct kconv *kc, uint8_t size, uint32_t k)
{
	int bytes = size == BPF_W ? 4 : size == BPF_H ? 2 : 1;

	if (kc->inline_abs && k <= INT16_MAX - 4) {
		kemit(kc, BPF_ALU64 | BPF_MOV | BPF_X, K_TMP, K_DATA, 0, 0);
		kemit(kc, BPF_ALU64 | BPF_ADD | BPF_K, K_TMP, 0, 0, (int32_t)k + bytes);
		kemit(kc, BPF_JMP | BPF_JGT | BPF_X, K_TMP, K_END, bytes > 1 ? 3 : 2, 0);
		kemit(kc, BPF_LDX | BPF_MEM | size, K_A, K_DATA, (int16_t)k, 0);
		if (bytes > 1)
			kemit(kc, BPF_ALU | BPF_END | BPF_TO_BE, K_A, 0, 0, bytes * 8);
		kemit(kc, BPF_JMP | BPF_JA, 0, 0, 1, 0);
	}
	kemit(kc, BPF_LD | BPF_ABS | size, 0, 0, 0, (int32_t)k);
}

static int kconv_ld(struct kconv *kc, const struct ebc_cbpf_insn *fp, uint8_t dst)
{
	switch (BPF_MODE(fp->code)) {
	case BPF_ABS:
		kemit_ld_abs(kc, BPF_SIZE(fp->code), fp->k);
		break;
	case BPF_IND:
		kemit(kc, BPF_LD | BPF_IND | BPF_SIZE(fp->code), 0, K_X, 0, (int32_t)fp->k);
		break;
	case BPF_IMM:
		kemit(kc, BPF_ALU | BPF_MOV | BPF_K, dst, 0, 0, (int32_t)fp->k);
		break;
	case BPF_MEM:
		kemit(kc, BPF_LDX | BPF_MEM | BPF_W, dst, K_FP, mem_off(fp->k), 0);
		break;
	case BPF_LEN:
		kemit(kc, BPF_LDX | BPF_MEM | BPF_W, dst, K_CTX, offsetof(struct __sk_buff, len), 0);
		break;
	case BPF_MSH:
		/* X = 4 * (packet[k] & 0xf), A kept in X across the load as the kernel does. */
		kemit(kc, BPF_ALU64 | BPF_MOV | BPF_X, K_X, K_A, 0, 0);
		kemit_ld_abs(kc, BPF_B, fp->k);
		kemit(kc, BPF_ALU | BPF_AND | BPF_K, K_A, 0, 0, 0xf);
		kemit(kc, BPF_ALU | BPF_LSH | BPF_K, K_A, 0, 0, 2);
		kemit(kc, BPF_ALU64 | BPF_MOV | BPF_X, K_TMP, K_X, 0, 0);
		kemit(kc, BPF_ALU64 | BPF_MOV | BPF_X, K_X, K_A, 0, 0);
		kemit(kc, BPF_ALU64 | BPF_MOV | BPF_X, K_A, K_TMP, 0, 0);
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

static void kconv_alu(struct kconv *kc, const struct ebc_cbpf_insn *fp)
{
	uint8_t op = BPF_OP(fp->code);

	if (op == BPF_NEG) {
		kemit(kc, BPF_ALU | BPF_NEG, K_A, 0, 0, 0);
		return;
	}
	if (BPF_SRC(fp->code) == BPF_X && (op == BPF_DIV || op == BPF_MOD)) {
		/* Division by zero ends the filter with 0, as classic always did. */
		kemit(kc, BPF_JMP | BPF_JNE | BPF_K, K_X, 0, 2, 0);
		kemit(kc, BPF_ALU | BPF_XOR | BPF_X, K_A, K_A, 0, 0);
		kemit(kc, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	}
	kemit(kc, BPF_ALU | op | BPF_SRC(fp->code), K_A,
	      BPF_SRC(fp->code) == BPF_X ? K_X : 0, 0, (int32_t)fp->k);
}

static uint8_t jmp_inverse(uint8_t op)
{
	return op == BPF_JEQ ? BPF_JNE : op == BPF_JGT ? BPF_JLE : op == BPF_JGE ? BPF_JLT : 0;
}

static void kconv_jmp(struct kconv *kc, const struct ebc_cbpf_insn *fp, size_t i)
{
	uint8_t op = BPF_OP(fp->code), src = BPF_SRC(fp->code), sreg = 0;
	int32_t imm = 0;

	if (op == BPF_JA) {
		kemit_jmp(kc, BPF_JMP | BPF_JA, 0, 0, 0, i + 1 + fp->k);
		return;
	}
	if (src == BPF_X) {
		sreg = K_X;
	} else if ((int32_t)fp->k < 0) {
		/* eBPF sign-extends imm32: an unsigned K past 2^31 goes via a register. */
		kemit(kc, BPF_ALU | BPF_MOV | BPF_K, K_TMP, 0, 0, (int32_t)fp->k);
		src = BPF_X;
		sreg = K_TMP;
	} else {
		imm = (int32_t)fp->k;
	}
	if (fp->jf == 0) {
		kemit_jmp(kc, BPF_JMP | op | src, K_A, sreg, imm, i + 1 + fp->jt);
	} else if (fp->jt == 0 && jmp_inverse(op)) {
		kemit_jmp(kc, BPF_JMP | jmp_inverse(op) | src, K_A, sreg, imm, i + 1 + fp->jf);
	} else {
		kemit_jmp(kc, BPF_JMP | op | src, K_A, sreg, imm, i + 1 + fp->jt);
		kemit_jmp(kc, BPF_JMP | BPF_JA, 0, 0, 0, i + 1 + fp->jf);
	}
}

static int kconv_insn(struct kconv *kc, size_t i)
{
	const struct ebc_cbpf_insn *fp = &kc->ci[i];

	switch (BPF_CLASS(fp->code)) {
	case BPF_LD:
	case BPF_LDX:
		/* Ancillary and negative-offset loads: libpcap emits none for a dead handle. */
		if ((BPF_MODE(fp->code) == BPF_ABS || BPF_MODE(fp->code) == BPF_IND ||
		     BPF_MODE(fp->code) == BPF_MSH) && (int32_t)fp->k < 0)
			return -EOPNOTSUPP;
		return kconv_ld(kc, fp, BPF_CLASS(fp->code) == BPF_LD ? K_A : K_X);
	case BPF_ST:
	case BPF_STX:
		kemit(kc, BPF_STX | BPF_MEM | BPF_W, K_FP,
		      BPF_CLASS(fp->code) == BPF_ST ? K_A : K_X, mem_off(fp->k), 0);
		return 0;
	case BPF_ALU:
		kconv_alu(kc, fp);
		return 0;
	case BPF_JMP:
		kconv_jmp(kc, fp, i);
		return 0;
	case BPF_RET:
		if (BPF_RVAL(fp->code) == BPF_K)
			kemit(kc, BPF_ALU | BPF_MOV | BPF_K, K_A, 0, 0, (int32_t)fp->k);
		kemit(kc, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
		return 0;
	case BPF_MISC:
		if (BPF_MISCOP(fp->code) == BPF_TAX)
			kemit(kc, BPF_ALU64 | BPF_MOV | BPF_X, K_X, K_A, 0, 0);
		else
			kemit(kc, BPF_ALU64 | BPF_MOV | BPF_X, K_A, K_X, 0, 0);
		return 0;
	}
	return -EINVAL;
}

/*
 * Two passes as in bpf_convert_filter(): the first records where each classic
 * instruction starts, the second emits jumps with the right offsets.
 */
static int kconv(const struct ebc_cbpf_prog *in, bool inline_abs, struct bpf_insn **out,
		 size_t *len, char *err, size_t errlen)
{
	struct kconv kc = { .ci = in->insns, .clen = in->len, .inline_abs = inline_abs };
	int ret = -ENOMEM;

	kc.addrs = calloc(in->len, sizeof(*kc.addrs));
	kc.out = calloc(in->len * K_MAX_PER_INSN + 6, sizeof(*kc.out));
	if (!kc.addrs || !kc.out)
		goto fail;
	for (int pass = 0; pass < 2; pass++) {
		kc.len = 0;
		kc.bad_jump = false;
		/*
		 * A = X = 0 (the kernel xors them; the verifier wants no read of an
		 * unset register); ctx in r6 as LD_ABS wants it; data and data_end cached.
		 */
		kemit(&kc, BPF_ALU | BPF_MOV | BPF_K, K_A, 0, 0, 0);
		kemit(&kc, BPF_ALU | BPF_MOV | BPF_K, K_X, 0, 0, 0);
		kemit(&kc, BPF_ALU64 | BPF_MOV | BPF_X, K_CTX, BPF_REG_1, 0, 0);
		kemit(&kc, BPF_LDX | BPF_MEM | BPF_W, K_DATA, K_CTX, offsetof(struct __sk_buff, data), 0);
		kemit(&kc, BPF_LDX | BPF_MEM | BPF_W, K_END, K_CTX,
		      offsetof(struct __sk_buff, data_end), 0);
		for (size_t i = 0; i < in->len; i++) {
			kc.addrs[i] = kc.len;
			ret = kconv_insn(&kc, i);
			if (ret) {
				snprintf(err, errlen, "kernel-style conversion: instruction %zu: %s", i,
					 ret == -EOPNOTSUPP ? "ancillary or negative load not supported"
							    : "unknown opcode");
				goto fail;
			}
		}
	}
	if (kc.bad_jump) {
		snprintf(err, errlen, "kernel-style conversion: jump out of range");
		ret = -EINVAL;
		goto fail;
	}
	free(kc.addrs);
	*out = kc.out;
	*len = kc.len;
	return 0;
fail:
	free(kc.addrs);
	free(kc.out);
	return ret;
}

static int load_kernel_style(const struct ebc_cbpf_prog *cbpf, bool inline_abs, char *err,
			     size_t errlen)
{
	struct bpf_insn *insns;
	size_t len;
	int fd;

	fd = kconv(cbpf, inline_abs, &insns, &len, err, errlen);
	if (fd)
		return fd;
	fd = bench_load_tc(inline_abs ? "bench_kernel" : "bench_ldabs", insns, len, err, errlen);
	free(insns);
	return fd;
}

/* ---- running --------------------------------------------------------------- */

static int test_run(int fd, const uint8_t *data, uint32_t len, int repeat, uint32_t *retval,
		    double *ns)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = data, .data_size_in = len, .repeat = repeat);
	int err = bpf_prog_test_run_opts(fd, &o);

	if (err)
		return -errno;
	*retval = o.retval;
	*ns = o.duration;
	return 0;
}

/*
 * Every program must return what bpf_filter() returns, on each frame and on
 * each frame cut at every length from the Ethernet header up, but those tc's
 * test_run refuses (EINVAL: an IPv4/IPv6 frame shorter than its network header).
 */
static int check(const char *expr, const struct ebc_cbpf_prog *cbpf, const int *fds,
		 const struct pkt *pk)
{
	uint32_t got = 0;
	double ns;

	for (int p = 0; p < NPKT; p++) {
		for (uint32_t len = ETH_HLEN; len <= pk[p].len; len++) {
			unsigned int want = bpf_filter(cbpf->insns, pk[p].data, len, len);

			if (test_run(fds[OURS], pk[p].data, len, 1, &got, &ns) == -EINVAL)
				continue;
			for (int k = 0; k < NPROG; k++) {
				int err = test_run(fds[k], pk[p].data, len, 1, &got, &ns);

				if (err || got != want) {
					fprintf(stderr, "\"%s\" on %s cut at %u: %s returns %u, bpf_filter() %u%s%s\n",
						expr, pk[p].name, len, prog_names[k], got, want,
						err ? ", test run failed: " : "", err ? strerror(-err) : "");
					return -1;
				}
			}
		}
	}
	return 0;
}

static int load_all(const char *expr, int *fds, const struct pkt *pk)
{
	struct ebc_cbpf_prog cbpf = { 0 };
	char err[512];
	int ret = -1;

	for (int k = 0; k < NPROG; k++)
		fds[k] = -1;
	if (ebc_filter__compile(expr, 1 /* DLT_EN10MB */, SNAPLEN, &cbpf, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	for (int k = 0; k < NPROG; k++) {
		if (k == OURS || k == CALL)
			fds[k] = bench_load_ours(&cbpf, k == OURS ? BENCH_SPLICED : BENCH_CALL,
						 err, sizeof(err));
		else
			fds[k] = load_kernel_style(&cbpf, k == KERN, err, sizeof(err));
		if (fds[k] < 0) {
			fprintf(stderr, "\"%s\": cannot load %s program: %s\n", expr, prog_names[k], err);
			goto out;
		}
	}
	ret = check(expr, &cbpf, fds, pk);
out:
	for (int k = 0; k < NPROG && ret; k++) {
		if (fds[k] >= 0)
			close(fds[k]);
	}
	ebc_cbpf_prog__free(&cbpf);
	return ret;
}

static char *hosts_expr(void)
{
	static char buf[NHOSTS * 32];
	size_t n = 0;

	for (int i = 1; i <= NHOSTS; i++)
		n += snprintf(buf + n, sizeof(buf) - n, "%shost 192.0.2.%d", i > 1 ? " or " : "", i);
	return buf;
}

/* ---- report ---------------------------------------------------------------- */

struct stat3 {
	double med, min, max;
};

static struct stat3 stats(const double *v, int n)
{
	double s[MAX_ROUNDS];
	struct stat3 st;

	memcpy(s, v, n * sizeof(*s));
	st.med = bench_median(s, n);
	st.min = s[0];
	st.max = s[n - 1];
	return st;
}

/* t[prog][expr][pkt][round] in ns per run; base[pkt][round] the empty program. */
static double t[NPROG][NEXPR][NPKT][MAX_ROUNDS], base[NPKT][MAX_ROUNDS];

static void mean_over_pkts(double out[MAX_ROUNDS], double in[NPKT][MAX_ROUNDS], int rounds)
{
	for (int r = 0; r < rounds; r++) {
		out[r] = 0;
		for (int p = 0; p < NPKT; p++)
			out[r] += in[p][r] / NPKT;
	}
}

static const char *label(size_t e)
{
	static char buf[48];

	if (!*exprs[e])
		return "(none: accept all)";
	if (!strncmp(exprs[e], "host 192.0.2.1 or", 17)) {
		snprintf(buf, sizeof(buf), "%d ORed hosts (no match)", NHOSTS);
		return buf;
	}
	return exprs[e];
}

/* Per round, prog / kernel-style of the mean over frames (p < 0) or of frame p. */
static struct stat3 paired_ratio(int prog, size_t e, int p, int rounds)
{
	double o[MAX_ROUNDS], k[MAX_ROUNDS], q[MAX_ROUNDS];

	if (p < 0) {
		mean_over_pkts(o, t[prog][e], rounds);
		mean_over_pkts(k, t[KERN][e], rounds);
	} else {
		memcpy(o, t[prog][e][p], sizeof(o));
		memcpy(k, t[KERN][e][p], sizeof(k));
	}
	for (int r = 0; r < rounds; r++)
		q[r] = o[r] / k[r];
	return stats(q, rounds);
}

static void print_table(int rounds, double b)
{
	double v[MAX_ROUNDS];

	printf("%-38s %-19s %-19s %6s %6s %-17s %7s %7s\n", "expression", "ours", "kernel-style",
	       "net", "net", "ratio ours/kernel", "ours", "kernel");
	printf("%-38s %-19s %-19s %6s %6s %-17s %7s %7s\n", "", "", "", "ours", "kernel", "", "call",
	       "LD_ABS");
	for (size_t e = 0; e < NEXPR; e++) {
		struct stat3 s[NPROG], q = paired_ratio(OURS, e, -1, rounds);
		char col[NPROG][40], rq[40];

		for (int k = 0; k < NPROG; k++) {
			mean_over_pkts(v, t[k][e], rounds);
			s[k] = stats(v, rounds);
			snprintf(col[k], sizeof(col[k]), "%.1f [%.1f-%.1f]", s[k].med, s[k].min, s[k].max);
		}
		snprintf(rq, sizeof(rq), "%.2f [%.2f-%.2f]", q.med, q.min, q.max);
		printf("%-38.38s %-19s %-19s %6.1f %6.1f %-17s %7.1f %7.1f\n", label(e), col[OURS],
		       col[KERN], s[OURS].med - b, s[KERN].med - b, rq, s[CALL].med, s[LDABS].med);
	}
}

static void report(const struct pkt *pk, int rounds)
{
	double v[MAX_ROUNDS], b;
	char names[512] = "";
	int worse = 0, worse_call = 0;

	mean_over_pkts(v, base, rounds);
	b = stats(v, rounds).med;
	printf("\nns per packet, mean over the %d frames; median of %d rounds [min-max], %d runs each\n",
	       NPKT, rounds, REPEAT);
	printf("empty program (r0 = 0; exit): %.1f ns; net = median - that\n\n", b);
	print_table(rounds, b);

	printf("\nratio ours/kernel-style per frame (median of per-round ratios)\n%-38s", "expression");
	for (int p = 0; p < NPKT; p++)
		printf(" %18s", pk[p].name);
	printf("\n");
	for (size_t e = 0; e < NEXPR; e++) {
		struct stat3 q = paired_ratio(OURS, e, -1, rounds);

		printf("%-38.38s", label(e));
		for (int p = 0; p < NPKT; p++)
			printf(" %18.2f", paired_ratio(OURS, e, p, rounds).med);
		worse_call += paired_ratio(CALL, e, -1, rounds).med > 1.0;
		printf("\n");
		if (q.med > 1.0) {
			worse++;
			snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s\"%s\" %.2f",
				 worse > 1 ? ", " : "", label(e), q.med);
		}
	}
	if (worse)
		printf("\ntarget \"per-packet cost no worse than the kernel's\": NOT met on %d of %zu expressions (median ratio > 1.00): %s\n",
		       worse, NEXPR, names);
	else
		printf("\ntarget \"per-packet cost no worse than the kernel's\": met (median ratio <= 1.00 on all %zu expressions)\n",
		       NEXPR);
	printf("behind a BPF-to-BPF call instead (the first datapath): median ratio > 1.00 on %d of %zu\n",
	       worse_call, NEXPR);
}

static int measure(const int (*fds)[NPROG], int base_fd, const struct pkt *pk, int r)
{
	uint32_t ret;
	int err = 0;

	for (int p = 0; p < NPKT && !err; p++)
		err = test_run(base_fd, pk[p].data, pk[p].len, REPEAT, &ret, &base[p][r]);
	for (size_t e = 0; e < NEXPR && !err; e++) {
		for (int p = 0; p < NPKT && !err; p++) {
			/* Alternate who goes first, so neither always runs on a warmer cache. */
			for (int i = 0; i < NPROG && !err; i++) {
				int k = (i + r) % NPROG;

				err = test_run(fds[e][k], pk[p].data, pk[p].len, REPEAT, &ret,
					       &t[k][e][p][r]);
			}
		}
	}
	if (err)
		fprintf(stderr, "test run failed: %s\n", strerror(-err));
	return err;
}

int main(int argc, char **argv)
{
	static const struct bpf_insn empty[] = {
		{ .code = BPF_ALU | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int rounds = argc > 1 ? atoi(argv[1]) : 7;
	static struct pkt pk[NPKT];
	int fds[NEXPR][NPROG], base_fd = -1, ret = 1;
	size_t loaded = 0;
	char err[512];

	if (geteuid() != 0) {
		printf("packet_cost: skipped: needs root to load and test-run BPF programs\n");
		return 77;
	}
	if (rounds < 1 || rounds > MAX_ROUNDS) {
		fprintf(stderr, "usage: %s [ROUNDS 1-%d]\n", argv[0], MAX_ROUNDS);
		return 2;
	}
	exprs[NEXPR - 1] = hosts_expr();
	build_pkts(pk);
	base_fd = bench_load_tc("bench_empty", empty, 2, err, sizeof(err));
	if (base_fd < 0) {
		fprintf(stderr, "cannot load the empty program: %s\n", err);
		return 1;
	}
	for (; loaded < NEXPR; loaded++) {
		if (load_all(exprs[loaded], fds[loaded], pk))
			goto out;
	}
	printf("per-packet cost, BPF_PROG_TEST_RUN on tc programs: ours (cbpf2c) against the same classic program\n"
	       "as the kernel's bpf_convert_filter() renders it; all %zu expressions x %d frames (and every\n"
	       "truncation) return what libpcap's bpf_filter() returns\n", NEXPR, NPKT);
	for (int r = 0; r < rounds; r++) {
		if (measure((const int (*)[NPROG])fds, base_fd, pk, r))
			goto out;
	}
	report(pk, rounds);
	ret = 0;
out:
	for (size_t e = 0; e < loaded; e++) {
		for (int k = 0; k < NPROG; k++)
			close(fds[e][k]);
	}
	close(base_fd);
	return ret;
}
