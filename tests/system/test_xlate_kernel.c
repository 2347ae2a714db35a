// SPDX-License-Identifier: GPL-2.0-only
/*
 * cbpf2c against the kernel: each translated filter is spliced, as the filter
 * stub would be, behind a BPF-to-BPF call in a tc program, loaded (the
 * verifier must accept it) and run with BPF_PROG_TEST_RUN on the corpus;
 * every verdict must equal libpcap's bpf_filter(). Programs with ancillary
 * loads get a tc program that fills a struct ebc_anc from the __sk_buff and
 * passes it in r4; their verdicts must equal the classic reference's on the
 * block the kernel filled, read back by a probe program. Then probe-read
 * mode, as the tracing taps run the body: a raw_tp program copies the packet
 * with bpf_probe_read_kernel into a 64 KiB map value and calls the body on
 * that map memory, at every corpus truncation, with the DLT_EN10MB translation
 * on the frames (L2) and the DLT_RAW one on their IP packets (L3). Needs root;
 * exits 77 (skipped) without it.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <bpf/bpf.h>
#include <pcap/dlt.h>

#include "filter.h"
#include "xlate.h"
#include "../unit/corpus.h"
#include "../unit/ebpf_interp.h"
#include "../lib/tap.h"

#define SNAPLEN 262144
#define ETH_HLEN 14
#define LOG_SIZE (1 << 20)
#define MAIN_LEN 5

static struct corpus_pkt pkts[CORPUS_MAX_PKTS];
static size_t npkts;
static char *vlog;

static const struct bpf_insn plain_main[MAIN_LEN] = {
	{ .code = BPF_LDX | BPF_MEM | BPF_W, .dst_reg = BPF_REG_2, .src_reg = BPF_REG_1,
	  .off = offsetof(struct __sk_buff, data_end) },
	{ .code = BPF_LDX | BPF_MEM | BPF_W, .dst_reg = BPF_REG_3, .src_reg = BPF_REG_1,
	  .off = offsetof(struct __sk_buff, len) },
	{ .code = BPF_LDX | BPF_MEM | BPF_W, .dst_reg = BPF_REG_1, .src_reg = BPF_REG_1,
	  .off = offsetof(struct __sk_buff, data) },
	{ .code = BPF_JMP | BPF_CALL, .src_reg = BPF_PSEUDO_CALL, .imm = 1 },
	{ .code = BPF_JMP | BPF_EXIT },
};

/*
 * main (by default r2 = skb->data_end, r3 = skb->len, r1 = skb->data, call
 * body, exit), then the body: the call's imm is relative to the next
 * instruction, so main ends with the call and an exit.
 */
static struct bpf_insn *splice(const struct bpf_insn *main_insns, size_t main_len,
			       const struct ebc_ebpf_prog *body, size_t *len)
{
	struct bpf_insn *insns = calloc(main_len + body->len, sizeof(*insns));

	if (!insns)
		return NULL;
	memcpy(insns, main_insns, main_len * sizeof(*insns));
	if (body->len)
		memcpy(insns + main_len, body->insns, body->len * sizeof(*insns));
	*len = main_len + body->len;
	return insns;
}

static void print_log(void)
{
	char *line, *save = NULL;

	for (line = strtok_r(vlog, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		tap_diag("  %s", line);
}

/*
 * fd, or -errno with the verifier's log in vlog; -EPERM is left to the caller
 * to turn into a skip. The log is asked for only after a failure: on a long
 * program it may outgrow LOG_SIZE at some point of the walk, and the kernel
 * then fails the load with ENOSPC even though the program is accepted
 * (since 6.4 the buffer keeps the log's end, which is what a report shows).
 */
static int load_type(enum bpf_prog_type type, const struct bpf_insn *main_insns, size_t main_len,
		     const struct ebc_ebpf_prog *body)
{
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .log_buf = vlog, .log_size = LOG_SIZE, .log_level = 1);
	struct bpf_insn *insns;
	size_t len;
	int fd, again;

	insns = splice(main_insns, main_len, body, &len);
	if (!insns)
		return -ENOMEM;
	vlog[0] = '\0';
	fd = bpf_prog_load(type, "ebc_xlate_test", "GPL", insns, len, NULL);
	if (fd < 0) {
		fd = -errno;
		again = bpf_prog_load(type, "ebc_xlate_test", "GPL", insns, len, &opts);
		if (again >= 0)
			close(again);
	}
	free(insns);
	return fd;
}

static int load_main(const struct bpf_insn *main_insns, size_t main_len,
		     const struct ebc_ebpf_prog *body)
{
	return load_type(BPF_PROG_TYPE_SCHED_CLS, main_insns, main_len, body);
}

static int load(const struct ebc_ebpf_prog *body)
{
	return load_main(plain_main, MAIN_LEN, body);
}

/* Totals over all programs run on the corpus. */
static struct {
	size_t progs;
	size_t runs;
	size_t refused;
	size_t short_frames;
} total;

/* 0 with *retval, 1 when test_run refuses the frame, -errno on failure. */
static int run_pkt(int fd, const uint8_t *data, uint32_t n, uint32_t *retval)
{
	LIBBPF_OPTS(bpf_test_run_opts, topts, .data_in = data, .data_size_in = n, .repeat = 1);

	if (bpf_prog_test_run_opts(fd, &topts))
		return errno == EINVAL ? 1 : -errno;
	*retval = topts.retval;
	return 0;
}

/*
 * Mismatches over every corpus packet at the corpus' truncation lengths from
 * ETH_HLEN (tc's test_run needs an Ethernet header: shorter ones are counted as
 * skipped); -errno on failure. test_run also refuses (EINVAL) an IPv4/IPv6
 * frame shorter than its network header (truncations, and the corpus' bare
 * Ethernet header of type IPv4): those are counted in *refused.
 */
static long run_corpus(int fd, const struct ebc_cbpf_prog *c, size_t *runs, size_t *refused)
{
	long bad = 0;
	size_t i;
	uint32_t n, want, got = 0;
	int ret;

	for (i = 0; i < npkts; i++) {
		for (n = 0; n <= pkts[i].len; n = corpus_next_len(n, pkts[i].len)) {
			if (n < ETH_HLEN) {
				total.short_frames++;
				continue;
			}
			ret = run_pkt(fd, pkts[i].data, n, &got);
			if (ret < 0)
				return ret;
			if (ret) {
				(*refused)++;
				continue;
			}
			want = bpf_filter(c->insns, pkts[i].data, n, n);
			(*runs)++;
			if (got == want)
				continue;
			if (!bad++)
				tap_diag("%s at %u bytes: bpf_filter %u, kernel %u", pkts[i].name,
					 n, want, got);
		}
	}
	total.progs++;
	total.runs += *runs;
	total.refused += *refused;
	return bad;
}

/*
 * Translate and load: fd, 0 after a failed case (reported), or -EPERM when
 * this process may not load programs.
 */
static int xlate_load(const char *name, const struct ebc_cbpf_prog *c, size_t *elen)
{
	struct ebc_ebpf_prog e = { 0 };
	char err[256];
	int fd, ret;

	ret = ebc_xlate(c, NULL, &e, err, sizeof(err));
	if (ret) {
		tap_ok(0, "%s: %s", name, err);
		return 0;
	}
	*elen = e.len;
	fd = load(&e);
	ebc_ebpf_prog__free(&e);
	if (fd == -EPERM)
		return -EPERM;
	if (fd < 0) {
		tap_ok(0, "%s: verifier rejects %zu insns: %s", name, *elen, strerror(-fd));
		print_log();
		return 0;
	}
	return fd;
}

/* 0, or -EPERM when this process may not load programs. */
static int test_prog(const char *name, const struct ebc_cbpf_prog *c)
{
	size_t runs = 0, refused = 0, elen = 0;
	long bad;
	int fd;

	fd = xlate_load(name, c, &elen);
	if (fd <= 0)
		return fd;
	bad = run_corpus(fd, c, &runs, &refused);
	tap_ok(bad == 0, "%s: %zu eBPF insns verified, %zu test runs (%zu short frames refused by test_run), %ld differ%s%s",
	       name, elen, runs, refused, bad < 0 ? 0 : bad, bad < 0 ? ": " : "",
	       bad < 0 ? strerror((int)-bad) : "");
	close(fd);
	return 0;
}

static int test_expr(const char *expr, const char *name)
{
	struct ebc_cbpf_prog c;
	char err[256];
	int ret;

	ret = ebc_filter__compile(expr, DLT_EN10MB, SNAPLEN, &c, err, sizeof(err));
	if (ret) {
		tap_ok(0, "%s: %s", name, err);
		return 0;
	}
	ret = test_prog(name, &c);
	ebc_cbpf_prog__free(&c);
	return ret;
}

static int test_exprs(void)
{
	char name[160], large[8192];
	size_t i;
	int ret;

	for (i = 0; i < corpus_nexprs; i++) {
		if (!(corpus_exprs[i].dlts & CORPUS_EN10MB))
			continue;
		snprintf(name, sizeof(name), "\"%s\"", corpus_exprs[i].expr);
		ret = test_expr(corpus_exprs[i].expr, name);
		if (ret)
			return ret;
	}
	corpus_large_expr(large, sizeof(large));
	return test_expr(large, "large expression");
}

/* The hand-written cases exercise paths libpcap's compiler never emits. */
static int test_case(const char *name, const struct ebc_cbpf_prog *prog, void *unused)
{
	return test_prog(name, prog);
}

static int test_cases(void)
{
	return corpus_each_case(test_case, NULL);
}

/*
 * protochain in the kernel: the verifier accepts the bounded loop, verdicts
 * equal bpf_filter() on chains up to EBC_XLATE_LOOP_MAX headers, no match past.
 * In the mode of load and run (tc, or probe-read below), prefix naming it.
 */
static int test_protochain_bound(const char *prefix,
				 int (*load)(const char *, const struct ebc_cbpf_prog *, size_t *),
				 int (*run)(int, const uint8_t *, uint32_t, uint32_t *))
{
	static const char *const exprs[] = {
		"ip6 protochain 6", "protochain 6", "ip6 protochain 6 or ip6 protochain 17",
	};
	static struct corpus_pkt pkt;
	struct ebc_cbpf_prog c;
	size_t i, elen = 0, bad = 0;
	uint32_t want, got = 0;
	char err[256], name[80];
	int n, fd, ret;

	for (i = 0; i < sizeof(exprs) / sizeof(exprs[0]); i++) {
		snprintf(name, sizeof(name), "%s%s", prefix, exprs[i]);
		bad = 0;
		ret = ebc_filter__compile(exprs[i], DLT_EN10MB, SNAPLEN, &c, err, sizeof(err));
		if (ret) {
			tap_ok(0, "%s: %s", name, err);
			continue;
		}
		fd = load(name, &c, &elen);
		for (n = 0; fd > 0 && n <= EBC_XLATE_LOOP_MAX + 1; n++) {
			corpus_v6_chain(&pkt, n);
			want = bpf_filter(c.insns, pkt.data, pkt.len, pkt.len);
			ret = run(fd, pkt.data, pkt.len, &got);
			if (!ret && (n > EBC_XLATE_LOOP_MAX ? got == 0 && want : got == want && want))
				continue;
			bad++;
			tap_diag("%s, %d headers: bpf_filter %u, kernel %u (%d)", name, n, want, got, ret);
		}
		if (fd > 0) {
			tap_ok(!bad, "%s\"%s\" in the kernel (%zu insns): chains of 0..%d headers agree, %d is no match",
			       prefix, exprs[i], elen, EBC_XLATE_LOOP_MAX, EBC_XLATE_LOOP_MAX + 1);
			close(fd);
		}
		ebc_cbpf_prog__free(&c);
		if (fd < 0)
			return fd;
	}
	return 0;
}

/* The 4096-instruction limit: a program that long passes the verifier. */
static int test_max_prog(void)
{
	static struct ebc_cbpf_insn insns[EBC_CBPF_MAXINSNS];
	struct ebc_cbpf_prog c = { insns, EBC_CBPF_MAXINSNS };

	corpus_max_prog(insns, EBC_CBPF_MAXINSNS);
	return test_prog("4096 classic instructions", &c);
}

/* ---- ancillary loads ----------------------------------------------------- */

#define ANC_BLOCK_OFF	(-(int)sizeof(struct ebc_anc))
#define ANC_MAIN_MAX	64
#define ANC_HATYPE	772		/* ARPHRD_LOOPBACK: test_run's device is lo */
#define ANC_CPU		3
#define ANC_RANDOM	0x5eed5eed

/* ctx_in marks: test_run lets a tc program's context set mark (and not hash, queue, vlan). */
static const uint32_t anc_marks[] = { 0, 1, 0x80000001, 0xfffffffe };
#define NMARKS (sizeof(anc_marks) / sizeof(anc_marks[0]))

static struct bpf_insn ins(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	return (struct bpf_insn){
		.code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm,
	};
}

/*
 * Where each field comes from: an __sk_buff offset (byte-swapped for the two
 * big-endian ones, as the kernel's classic BPF gives them in host order), or
 * a constant for what a tc context does not have. Negative: a constant.
 */
static void anc_source(int field, int *skb_off, bool *ntohs, uint32_t *value)
{
	static const int offs[EBC_ANC_FIELDS] = {
		[SKF_AD_PROTOCOL / 4] = offsetof(struct __sk_buff, protocol),
		[SKF_AD_PKTTYPE / 4] = offsetof(struct __sk_buff, pkt_type),
		[SKF_AD_IFINDEX / 4] = offsetof(struct __sk_buff, ifindex),
		[SKF_AD_MARK / 4] = offsetof(struct __sk_buff, mark),
		[SKF_AD_QUEUE / 4] = offsetof(struct __sk_buff, queue_mapping),
		[SKF_AD_RXHASH / 4] = offsetof(struct __sk_buff, hash),
		[SKF_AD_VLAN_TAG / 4] = offsetof(struct __sk_buff, vlan_tci),
		[SKF_AD_VLAN_TAG_PRESENT / 4] = offsetof(struct __sk_buff, vlan_present),
		[SKF_AD_VLAN_TPID / 4] = offsetof(struct __sk_buff, vlan_proto),
	};

	*skb_off = offs[field] ? offs[field] : -1;	/* no field comes from len, at 0 */
	*ntohs = field == SKF_AD_PROTOCOL / 4 || field == SKF_AD_VLAN_TPID / 4;
	*value = field == SKF_AD_HATYPE / 4 ? ANC_HATYPE : field == SKF_AD_CPU / 4 ? ANC_CPU :
		 field == SKF_AD_RANDOM / 4 ? ANC_RANDOM : 0;
}

/*
 * The hook's part: r6 = ctx, the block at r10 - 64 filled field by field.
 * Then either the stub call (r1-r3 as plain_main, r4 = the block) or, for
 * probe >= 0, r0 = that field of the block: what the reference is given.
 */
static size_t anc_main(struct bpf_insn *m, int probe)
{
	size_t n = 0;
	int f, skb_off;
	uint32_t value;
	bool swap;

	m[n++] = ins(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_6, BPF_REG_1, 0, 0);
	for (f = 0; f < EBC_ANC_FIELDS; f++) {
		int16_t off = (int16_t)(ANC_BLOCK_OFF + 4 * f);

		anc_source(f, &skb_off, &swap, &value);
		if (skb_off < 0) {
			m[n++] = ins(BPF_ST | BPF_MEM | BPF_W, BPF_REG_10, 0, off, (int32_t)value);
			continue;
		}
		m[n++] = ins(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_0, BPF_REG_6, (int16_t)skb_off, 0);
		if (swap)
			m[n++] = ins(BPF_ALU | BPF_END | BPF_TO_BE, BPF_REG_0, 0, 0, 16);
		m[n++] = ins(BPF_STX | BPF_MEM | BPF_W, BPF_REG_10, BPF_REG_0, off, 0);
	}
	if (probe >= 0) {
		m[n++] = ins(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_0, BPF_REG_10,
			     (int16_t)(ANC_BLOCK_OFF + 4 * probe), 0);
		m[n++] = ins(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
		return n;
	}
	/* plain_main's loads, from r6 */
	for (f = 0; f < 3; f++) {
		m[n] = plain_main[f];
		m[n++].src_reg = BPF_REG_6;
	}
	m[n++] = ins(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_4, BPF_REG_10, 0, 0);
	m[n++] = ins(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_4, 0, 0, ANC_BLOCK_OFF);
	m[n++] = ins(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 1);
	m[n++] = ins(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	return n;
}

/* 0 with *retval, 1 when test_run refuses the frame, -errno on failure. */
static int run_pkt_mark(int fd, const uint8_t *data, uint32_t n, uint32_t mark, uint32_t *retval)
{
	struct __sk_buff ctx = { .mark = mark };
	LIBBPF_OPTS(bpf_test_run_opts, topts, .data_in = data, .data_size_in = n, .repeat = 1,
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx));

	if (bpf_prog_test_run_opts(fd, &topts))
		return errno == EINVAL ? 1 : -errno;
	*retval = topts.retval;
	return 0;
}

/* The block the kernel fills per whole corpus packet and mark; not valid where test_run refuses. */
static struct ebc_anc anc_seen[CORPUS_MAX_PKTS][NMARKS];
static bool anc_valid[CORPUS_MAX_PKTS][NMARKS];

static int anc_probe_field(int fd, int f)
{
	size_t i, m;
	uint32_t v = 0;
	int ret;

	for (i = 0; i < npkts; i++) {
		for (m = 0; m < NMARKS; m++) {
			ret = run_pkt_mark(fd, pkts[i].data, pkts[i].len, anc_marks[m], &v);
			if (ret < 0)
				return ret;
			anc_valid[i][m] = !ret;
			memcpy((uint8_t *)&anc_seen[i][m] + 4 * f, &v, 4);
		}
	}
	return 0;
}

/* Read back every field; 0, -EPERM, or -errno (reported). */
static int anc_probe(void)
{
	static const struct ebc_ebpf_prog none = { 0 };
	struct bpf_insn m[ANC_MAIN_MAX];
	int f, fd, ret = 0;

	for (f = 0; f < EBC_ANC_FIELDS && !ret; f++) {
		fd = load_main(m, anc_main(m, f), &none);
		if (fd == -EPERM)
			return fd;
		if (fd < 0) {
			tap_ok(0, "the ancillary probe for field %d loads: %s", f, strerror(-fd));
			print_log();
			return fd;
		}
		ret = anc_probe_field(fd, f);
		close(fd);
	}
	if (ret)
		tap_ok(0, "ancillary probe runs: %s", strerror(-ret));
	return ret;
}

/* What we know the kernel must have put there: the mark we gave, the Ethernet type, our constants. */
static void anc_probe_check(void)
{
	size_t i, m, bad = 0, valid = 0;

	for (i = 0; i < npkts; i++) {
		uint32_t type = (uint32_t)pkts[i].data[12] << 8 | pkts[i].data[13];

		for (m = 0; m < NMARKS; m++) {
			const struct ebc_anc *a = &anc_seen[i][m];

			if (!anc_valid[i][m])
				continue;
			valid++;
			if (a->mark == anc_marks[m] && (type < 0x600 || a->protocol == type) &&
			    a->hatype == ANC_HATYPE && a->cpu == ANC_CPU && a->random == ANC_RANDOM)
				continue;
			if (!bad++)
				tap_diag("%s, mark 0x%x: block mark 0x%x protocol 0x%x", pkts[i].name,
					 anc_marks[m], a->mark, a->protocol);
		}
	}
	for (i = 0; i < npkts && !anc_valid[i][1]; i++)
		;
	if (i < npkts)
		tap_diag("block on %s, mark 1: protocol 0x%x pkttype %u ifindex %u mark 0x%x queue %u hash 0x%x vlan %u/0x%x/0x%x",
			 pkts[i].name, anc_seen[i][1].protocol, anc_seen[i][1].pkttype,
			 anc_seen[i][1].ifindex, anc_seen[i][1].mark, anc_seen[i][1].queue,
			 anc_seen[i][1].rxhash, anc_seen[i][1].vlan_present, anc_seen[i][1].vlan_tci,
			 anc_seen[i][1].vlan_tpid);
	tap_ok(valid && !bad, "the tc main fills the block: ctx mark, Ethernet type as protocol, constants (%zu runs, %zu wrong)",
	       valid, bad);
}

/* Mismatches of one program over the whole corpus packets and marks; -errno on failure. */
static long anc_run(int fd, const struct ebc_cbpf_insn *prog, size_t len, size_t *runs)
{
	uint32_t got = 0, want;
	size_t i, m;
	long bad = 0;
	int ret;

	for (i = 0; i < npkts; i++) {
		for (m = 0; m < NMARKS; m++) {
			if (!anc_valid[i][m])
				continue;
			ret = run_pkt_mark(fd, pkts[i].data, pkts[i].len, anc_marks[m], &got);
			if (ret < 0)
				return ret;
			if (ret)
				continue;
			want = cbpf_ref_run(prog, len, pkts[i].data, pkts[i].len, pkts[i].len,
					    &anc_seen[i][m]);
			(*runs)++;
			if (got == want)
				continue;
			if (!bad++)
				tap_diag("%s, mark 0x%x: reference 0x%x, kernel 0x%x", pkts[i].name,
					 anc_marks[m], want, got);
		}
	}
	return bad;
}

/* 0, or -EPERM when this process may not load programs. */
static int anc_test_prog(const char *name, const struct ebc_cbpf_insn *prog, size_t len)
{
	struct ebc_xlate_opts xo = { .anc_mask = ANC_ANSWERABLE, .hook_name = "test tc" };
	struct ebc_cbpf_prog c = { (struct ebc_cbpf_insn *)prog, len };
	struct ebc_ebpf_prog e = { 0 };
	struct bpf_insn m[ANC_MAIN_MAX];
	size_t runs = 0;
	char err[256];
	long bad;
	int fd;

	if (ebc_xlate(&c, &xo, &e, err, sizeof(err))) {
		tap_ok(0, "%s: %s", name, err);
		return 0;
	}
	fd = load_main(m, anc_main(m, -1), &e);
	if (fd == -EPERM || fd < 0) {
		if (fd != -EPERM) {
			tap_ok(0, "%s: verifier rejects %zu insns: %s", name, e.len, strerror(-fd));
			print_log();
		}
		ebc_ebpf_prog__free(&e);
		return fd == -EPERM ? fd : 0;
	}
	bad = anc_run(fd, prog, len, &runs);
	tap_ok(bad == 0 && runs > 0, "%s: %zu eBPF insns verified, anc_used 0x%x, %zu test runs, %ld differ%s%s",
	       name, e.len, e.anc_used, runs, bad < 0 ? 0 : bad, bad < 0 ? ": " : "",
	       bad < 0 ? strerror((int)-bad) : "");
	close(fd);
	ebc_ebpf_prog__free(&e);
	return 0;
}

static int test_anc(void)
{
	static const uint16_t sizes[] = { BPF_W, BPF_H, BPF_B };
	static const char *const sname[] = { "ld", "ldh", "ldb" };
	struct anc_case ac;
	char name[80];
	uint32_t code;
	size_t i, s;
	int ret;

	ret = anc_probe();
	if (ret)
		return ret == -EPERM ? ret : 0;
	anc_probe_check();
	for (code = 0; code < 4 * EBC_ANC_FIELDS; code += 4) {
		if (code != SKF_AD_ALU_XOR_X && !(EBC_ANC_BIT(code) & ANC_ANSWERABLE))
			continue;
		for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
			anc_case_single(&ac, code, sizes[s]);
			snprintf(name, sizeof(name), "%s [SKF_AD_OFF+%u]; ret a", sname[s], code);
			ret = anc_test_prog(name, ac.prog, ac.len);
			if (ret)
				return ret;
		}
	}
	for (i = 0; i < anc_ncases; i++) {
		snprintf(name, sizeof(name), "ancillary case %s", anc_cases[i].name);
		ret = anc_test_prog(name, anc_cases[i].prog, anc_cases[i].len);
		if (ret)
			return ret;
	}
	return 0;
}

/* ---- probe-read mode ----------------------------------------------------- */

/*
 * The tracing taps run the same body on a copy: the packet read with
 * bpf_probe_read_kernel into a 64 KiB array map value, r1 = that value,
 * r2 = r1 + the bytes copied, r3 = the wire length. Map memory, not packet
 * memory: the verifier bounds each load by the value's size, and only the
 * body's own checks against r2 keep it inside the copy. A raw_tp program
 * does what ebc_trace_replay does: copy from an input map (struct
 * ebc_replay_pkt) into a buffer map, call the body with r4 = a zeroed struct
 * ebc_anc, return its r0. L2 runs the DLT_EN10MB translation on the frames;
 * L3 the DLT_RAW one on the IP packets of the untagged IPv4 and IPv6 frames,
 * as a tap filters packets without a MAC header.
 */
#define PROBE_KEY_OFF	(-4)
#define PROBE_ANC_OFF	(-8 - (int)sizeof(struct ebc_anc))
#define PROBE_MAIN_MAX	48
#define PROBE_BUF_LEN	EBC_SCRATCH_LEN
#define PROBE_SHOW	3	/* differences printed per program */
#define PROBE_LOG_LINES	24	/* verifier log lines printed when a load fails */

enum probe_layer { PROBE_L2, PROBE_L3 };
static const char *const layer_name[] = { "L2", "L3" };

static struct {
	int in_fd, buf_fd;
	/*
	 * The input map's value, mapped: a bpf_map_update_elem() per run copies
	 * all 64 KiB, about 5 us against 2 for the test run itself, and would
	 * triple this part's time.
	 */
	struct ebc_replay_pkt *in;
	size_t in_size;
	/* expressions and hand-written programs run, packets per layer; failures to load */
	size_t exprs[2], hand, pkts[2], runs[2], differ, failed, raw_refused;
} probe = { .in_fd = -1, .buf_fd = -1 };

/* The end of the verifier's log: where it stopped and why. */
static void print_log_tail(int want)
{
	char *p = vlog + strlen(vlog);
	int lines = want;

	while (p > vlog && p[-1] == '\n')
		*--p = '\0';
	while (p > vlog && (p[-1] != '\n' || --lines > 0))
		p--;
	if (p > vlog)
		tap_diag("  ... (the verifier log's last %d lines)", want);
	memmove(vlog, p, strlen(p) + 1);
	print_log();
}

static size_t ld_map_fd(struct bpf_insn *m, uint8_t dst, int fd)
{
	m[0] = ins(BPF_LD | BPF_DW | BPF_IMM, dst, BPF_PSEUDO_MAP_FD, 0, fd);
	m[1] = ins(0, 0, 0, 0, 0);
	return 2;
}

/*
 * r6 = the input, r7 = the buffer (key 0 of each map); r8 = caplen clamped
 * to the buffer, so the verifier sees the copy's size bounded;
 * bpf_probe_read_kernel(r7, r8, r6->data); the block zeroed; then the call
 * r1 = r7, r2 = r7 + r8, r3 = r6->len, r4 = the block. Returns the length,
 * the body follows.
 */
static size_t probe_main(struct bpf_insn *m)
{
	size_t n = 0, outs[3], nouts = 0, i;
	int f;

	m[n++] = ins(BPF_ST | BPF_MEM | BPF_W, BPF_REG_10, 0, PROBE_KEY_OFF, 0);
	for (i = 0; i < 2; i++) {
		m[n++] = ins(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_2, BPF_REG_10, 0, 0);
		m[n++] = ins(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_2, 0, 0, PROBE_KEY_OFF);
		n += ld_map_fd(m + n, BPF_REG_1, i ? probe.buf_fd : probe.in_fd);
		m[n++] = ins(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_lookup_elem);
		outs[nouts++] = n;
		m[n++] = ins(BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_0, 0, 0, 0);
		m[n++] = ins(BPF_ALU64 | BPF_MOV | BPF_X, i ? BPF_REG_7 : BPF_REG_6, BPF_REG_0, 0, 0);
	}
	m[n++] = ins(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_8, BPF_REG_6,
		     offsetof(struct ebc_replay_pkt, caplen), 0);
	m[n++] = ins(BPF_JMP | BPF_JLE | BPF_K, BPF_REG_8, 0, 1, PROBE_BUF_LEN);
	m[n++] = ins(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_8, 0, 0, PROBE_BUF_LEN);
	m[n++] = ins(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_7, 0, 0);
	m[n++] = ins(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_2, BPF_REG_8, 0, 0);
	m[n++] = ins(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_3, BPF_REG_6, 0, 0);
	m[n++] = ins(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_3, 0, 0,
		     offsetof(struct ebc_replay_pkt, data));
	m[n++] = ins(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_probe_read_kernel);
	outs[nouts++] = n;
	m[n++] = ins(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_0, 0, 0, 0);
	for (f = 0; f < (int)sizeof(struct ebc_anc); f += 8)
		m[n++] = ins(BPF_ST | BPF_MEM | BPF_DW, BPF_REG_10, 0, (int16_t)(PROBE_ANC_OFF + f), 0);
	m[n++] = ins(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_7, 0, 0);
	m[n++] = ins(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_2, BPF_REG_7, 0, 0);
	m[n++] = ins(BPF_ALU64 | BPF_ADD | BPF_X, BPF_REG_2, BPF_REG_8, 0, 0);
	m[n++] = ins(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_3, BPF_REG_6,
		     offsetof(struct ebc_replay_pkt, len), 0);
	m[n++] = ins(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_4, BPF_REG_10, 0, 0);
	m[n++] = ins(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_4, 0, 0, PROBE_ANC_OFF);
	/* call, exit, then the lookup or copy failure's r0 = 0, exit: the body is 3 past */
	m[n++] = ins(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 3);
	m[n++] = ins(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	for (i = 0; i < nouts; i++)
		m[outs[i]].off = (int16_t)(n - outs[i] - 1);
	m[n++] = ins(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0);
	m[n++] = ins(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	return n;
}

/* 0, or -errno (-EPERM: this process may not create maps). */
static int probe_setup(void)
{
	LIBBPF_OPTS(bpf_map_create_opts, mopts, .map_flags = BPF_F_MMAPABLE);
	long page = sysconf(_SC_PAGESIZE);
	void *in;

	probe.in_fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "ebc_probe_in", sizeof(__u32),
				     sizeof(struct ebc_replay_pkt), 1, &mopts);
	if (probe.in_fd < 0)
		return -errno;
	probe.buf_fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "ebc_probe_buf", sizeof(__u32),
				      PROBE_BUF_LEN, 1, NULL);
	if (probe.buf_fd < 0)
		return -errno;
	probe.in_size = (sizeof(struct ebc_replay_pkt) + (size_t)page - 1) / (size_t)page *
			(size_t)page;
	in = mmap(NULL, probe.in_size, PROT_READ | PROT_WRITE, MAP_SHARED, probe.in_fd, 0);
	if (in == MAP_FAILED)
		return -errno;
	probe.in = in;
	return 0;
}

static void probe_teardown(void)
{
	if (probe.in)
		munmap(probe.in, probe.in_size);
	if (probe.buf_fd >= 0)
		close(probe.buf_fd);
	if (probe.in_fd >= 0)
		close(probe.in_fd);
}

/* One run on the input as it stands: 0 with *retval, or -errno. */
static int probe_run(int fd, uint32_t *retval)
{
	/* raw_tp test runs take no data_in and no repeat: the input is in the map */
	LIBBPF_OPTS(bpf_test_run_opts, topts);

	if (bpf_prog_test_run_opts(fd, &topts))
		return -errno;
	*retval = topts.retval;
	return 0;
}

/* A whole packet, copied whole: the protochain bound's runs. */
static int probe_run_pkt(int fd, const uint8_t *data, uint32_t n, uint32_t *retval)
{
	memcpy(probe.in->data, data, n);
	probe.in->len = n;
	probe.in->caplen = n;
	return probe_run(fd, retval);
}

/* Translate and load for probe-read: fd, 0 after a failed case (reported), or -EPERM. */
static int probe_load(const char *name, const struct ebc_cbpf_prog *c, size_t *elen)
{
	struct ebc_ebpf_prog e = { 0 };
	struct bpf_insn m[PROBE_MAIN_MAX];
	char err[256];
	int fd;

	if (ebc_xlate(c, NULL, &e, err, sizeof(err))) {
		tap_ok(0, "%s: %s", name, err);
		probe.failed++;
		return 0;
	}
	*elen = e.len;
	fd = load_type(BPF_PROG_TYPE_RAW_TRACEPOINT, m, probe_main(m), &e);
	ebc_ebpf_prog__free(&e);
	if (fd == -EPERM)
		return fd;
	if (fd < 0) {
		tap_ok(0, "%s: verifier rejects %zu insns: %s", name, *elen, strerror(-fd));
		print_log_tail(PROBE_LOG_LINES);
		probe.failed++;
		return 0;
	}
	return fd;
}

/* What a layer filters: every frame (L2), the IP packet of an untagged IPv4 or IPv6 one (L3). */
static bool probe_pkt(const struct corpus_pkt *pkt, enum probe_layer layer, const uint8_t **p,
		      uint32_t *len)
{
	uint16_t type;

	*p = pkt->data;
	*len = pkt->len;
	if (layer == PROBE_L2)
		return true;
	if (pkt->len < ETH_HLEN)
		return false;
	type = (uint16_t)(pkt->data[12] << 8 | pkt->data[13]);
	if (type != 0x0800 && type != 0x86dd)
		return false;
	*p += ETH_HLEN;
	*len -= ETH_HLEN;
	return true;
}

/*
 * Mismatches over every packet of the layer, copied at each of the corpus'
 * truncation lengths (0 included) with the wire length whole; -errno on
 * failure. Longest copy first: past the end of each shorter copy the buffer
 * still holds the rest of the packet, so a load the body should have
 * refused would find real bytes and likely change the verdict.
 */
static long probe_corpus(int fd, const struct ebc_cbpf_prog *c, enum probe_layer layer,
			 const char *name, size_t *runs, size_t *npk)
{
	uint32_t lens[CORPUS_TRUNC_MAX + 1], nlens, n, len, want, got = 0;
	const uint8_t *p;
	long bad = 0;
	size_t i;
	int ret;

	for (i = 0; i < npkts; i++) {
		if (!probe_pkt(&pkts[i], layer, &p, &len))
			continue;
		(*npk)++;
		memcpy(probe.in->data, p, len);
		probe.in->len = len;
		for (nlens = 0, n = 0; n <= len; n = corpus_next_len(n, len))
			lens[nlens++] = n;
		while (nlens--) {
			n = lens[nlens];
			probe.in->caplen = n;
			ret = probe_run(fd, &got);
			if (ret)
				return ret;
			want = bpf_filter(c->insns, p, len, n);
			(*runs)++;
			if (got == want)
				continue;
			if (bad++ < PROBE_SHOW)
				tap_diag("%s: packet %zu (%s) copied %u of %u bytes: bpf_filter %u, kernel %u",
					 name, i, pkts[i].name, n, len, want, got);
		}
	}
	return bad;
}

/* 0, or -EPERM when this process may not load programs. hand: not from an expression. */
static int probe_prog(const char *what, const struct ebc_cbpf_prog *c, enum probe_layer layer,
		      bool hand)
{
	size_t runs = 0, npk = 0, elen = 0;
	char name[200];
	long bad;
	int fd;

	snprintf(name, sizeof(name), "probe-read %s %s", layer_name[layer], what);
	fd = probe_load(name, c, &elen);
	if (fd <= 0)
		return fd;
	bad = probe_corpus(fd, c, layer, name, &runs, &npk);
	tap_ok(bad == 0 && runs > 0, "%s: %zu eBPF insns verified, %zu packets, %zu runs, %ld differ%s%s",
	       name, elen, npk, runs, bad < 0 ? 0 : bad, bad < 0 ? ": " : "",
	       bad < 0 ? strerror((int)-bad) : "");
	close(fd);
	if (hand)
		probe.hand++;
	else
		probe.exprs[layer]++;
	probe.pkts[layer] = npk;
	probe.runs[layer] += runs;
	probe.differ += bad > 0 ? (size_t)bad : 0;
	probe.failed += bad < 0;
	return 0;
}

/*
 * L2: the expression must compile for DLT_EN10MB. L3: whatever libpcap
 * compiles for DLT_RAW runs; must_raw (the corpus says it compiles) makes a
 * refusal a failure, otherwise it is counted as skipped.
 */
static int probe_expr(const char *expr, const char *what, enum probe_layer layer, bool must_raw)
{
	struct ebc_cbpf_prog c;
	char err[256];
	int ret;

	ret = ebc_filter__compile(expr, layer == PROBE_L3 ? DLT_RAW : DLT_EN10MB, SNAPLEN, &c,
				  err, sizeof(err));
	if (ret && layer == PROBE_L3 && !must_raw) {
		probe.raw_refused++;
		return 0;
	}
	if (ret) {
		tap_ok(0, "probe-read %s %s: %s", layer_name[layer], what, err);
		probe.failed++;
		return 0;
	}
	ret = probe_prog(what, &c, layer, false);
	ebc_cbpf_prog__free(&c);
	return ret;
}

static int probe_case(const char *name, const struct ebc_cbpf_prog *prog, void *unused)
{
	return probe_prog(name, prog, PROBE_L2, true);
}

static int probe_exprs(void)
{
	static struct ebc_cbpf_insn insns[EBC_CBPF_MAXINSNS];
	struct ebc_cbpf_prog max = { insns, EBC_CBPF_MAXINSNS };
	char what[160], large[8192];
	size_t i;
	int ret = 0;

	for (i = 0; i < corpus_nexprs && !ret; i++) {
		snprintf(what, sizeof(what), "\"%s\"", corpus_exprs[i].expr);
		if (corpus_exprs[i].dlts & CORPUS_EN10MB)
			ret = probe_expr(corpus_exprs[i].expr, what, PROBE_L2, true);
		if (!ret)
			ret = probe_expr(corpus_exprs[i].expr, what, PROBE_L3,
					 corpus_exprs[i].dlts & CORPUS_RAW);
	}
	corpus_large_expr(large, sizeof(large));
	if (!ret)
		ret = probe_expr(large, "large expression", PROBE_L2, true);
	if (!ret)
		ret = probe_expr(large, "large expression", PROBE_L3, true);
	if (!ret)
		ret = corpus_each_case(probe_case, NULL);
	corpus_max_prog(insns, EBC_CBPF_MAXINSNS);
	if (!ret)
		ret = probe_prog("4096 classic instructions", &max, PROBE_L2, true);
	return ret;
}

/* 0, or -EPERM. */
static int test_probe(void)
{
	int ret;

	ret = probe_setup();
	if (ret) {
		if (ret != -EPERM)
			tap_ok(0, "probe-read: cannot set up the input and buffer maps: %s",
			       strerror(-ret));
		probe_teardown();
		return ret == -EPERM ? ret : 0;
	}
	ret = probe_exprs();
	if (!ret)
		ret = test_protochain_bound("probe-read ", probe_load, probe_run_pkt);
	if (!ret)
		tap_diag("probe-read: %zu expressions (+%zu hand-written programs) x %zu packets L2, %zu expressions x %zu packets L3 (%zu refused by libpcap for raw IP), %zu runs at every copy length, %zu not run (failed above), %zu differences",
			 probe.exprs[PROBE_L2], probe.hand, probe.pkts[PROBE_L2],
			 probe.exprs[PROBE_L3], probe.pkts[PROBE_L3], probe.raw_refused,
			 probe.runs[PROBE_L2] + probe.runs[PROBE_L3], probe.failed, probe.differ);
	probe_teardown();
	return ret;
}

int main(void)
{
	int ret;

	if (geteuid() != 0) {
		printf("1..0 # SKIP needs root\n");
		return 77;
	}
	vlog = malloc(LOG_SIZE);
	if (!vlog)
		return 1;
	npkts = corpus_build(pkts, sizeof(pkts) / sizeof(pkts[0]));
	ret = test_exprs();
	if (!ret)
		ret = test_cases();
	if (!ret)
		ret = test_protochain_bound("", xlate_load, run_pkt);
	if (!ret)
		ret = test_max_prog();
	if (!ret)
		ret = test_anc();
	if (!ret)
		tap_diag("%zu programs x %zu packets: %zu kernel runs compared with bpf_filter(), %zu frames refused by test_run, %zu shorter than %d bytes skipped",
			 total.progs, npkts, total.runs, total.refused, total.short_frames, ETH_HLEN);
	if (!ret)
		ret = test_probe();
	free(vlog);
	if (ret == -EPERM) {
		printf("1..0 # SKIP needs root (bpf: %s)\n", strerror(EPERM));
		return 77;
	}
	return tap_done();
}
