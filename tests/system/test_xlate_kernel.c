// SPDX-License-Identifier: GPL-2.0-only
/*
 * cbpf2c against the kernel: each translated filter is spliced, as the filter
 * stub would be, behind a BPF-to-BPF call in a tc program, loaded (the
 * verifier must accept it) and run with BPF_PROG_TEST_RUN on the corpus;
 * every verdict must equal libpcap's bpf_filter(). Needs root; exits 77
 * (skipped) without it.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
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

/*
 * main: r2 = skb->data_end, r3 = skb->len, r1 = skb->data, call body, exit.
 * The call's imm is relative to the next instruction: the body follows exit.
 */
static struct bpf_insn *splice(const struct ebc_ebpf_prog *body, size_t *len)
{
	struct bpf_insn main_insns[MAIN_LEN] = {
		{ .code = BPF_LDX | BPF_MEM | BPF_W, .dst_reg = BPF_REG_2, .src_reg = BPF_REG_1,
		  .off = offsetof(struct __sk_buff, data_end) },
		{ .code = BPF_LDX | BPF_MEM | BPF_W, .dst_reg = BPF_REG_3, .src_reg = BPF_REG_1,
		  .off = offsetof(struct __sk_buff, len) },
		{ .code = BPF_LDX | BPF_MEM | BPF_W, .dst_reg = BPF_REG_1, .src_reg = BPF_REG_1,
		  .off = offsetof(struct __sk_buff, data) },
		{ .code = BPF_JMP | BPF_CALL, .src_reg = BPF_PSEUDO_CALL, .imm = 1 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	struct bpf_insn *insns = calloc(MAIN_LEN + body->len, sizeof(*insns));

	if (!insns)
		return NULL;
	memcpy(insns, main_insns, sizeof(main_insns));
	memcpy(insns + MAIN_LEN, body->insns, body->len * sizeof(*insns));
	*len = MAIN_LEN + body->len;
	return insns;
}

static void print_log(void)
{
	char *line, *save = NULL;

	for (line = strtok_r(vlog, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		tap_diag("  %s", line);
}

/* fd, or -errno; -EPERM is left to the caller to turn into a skip. */
static int load(const struct ebc_ebpf_prog *body)
{
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .log_buf = vlog, .log_size = LOG_SIZE, .log_level = 1);
	struct bpf_insn *insns;
	size_t len;
	int fd;

	insns = splice(body, &len);
	if (!insns)
		return -ENOMEM;
	vlog[0] = '\0';
	fd = bpf_prog_load(BPF_PROG_TYPE_SCHED_CLS, "ebc_xlate_test", "GPL", insns, len, &opts);
	if (fd < 0)
		fd = -errno;
	free(insns);
	return fd;
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
 */
static int test_protochain_bound(void)
{
	static const char *const exprs[] = {
		"ip6 protochain 6", "protochain 6", "ip6 protochain 6 or ip6 protochain 17",
	};
	static struct corpus_pkt pkt;
	struct ebc_cbpf_prog c;
	size_t i, elen = 0, bad = 0;
	uint32_t want, got = 0;
	char err[256];
	int n, fd, ret;

	for (i = 0; i < sizeof(exprs) / sizeof(exprs[0]); i++) {
		ret = ebc_filter__compile(exprs[i], DLT_EN10MB, SNAPLEN, &c, err, sizeof(err));
		if (ret) {
			tap_ok(0, "%s: %s", exprs[i], err);
			continue;
		}
		fd = xlate_load(exprs[i], &c, &elen);
		for (n = 0; fd > 0 && n <= EBC_XLATE_LOOP_MAX + 1; n++) {
			corpus_v6_chain(&pkt, n);
			want = bpf_filter(c.insns, pkt.data, pkt.len, pkt.len);
			ret = run_pkt(fd, pkt.data, pkt.len, &got);
			if (!ret && (n > EBC_XLATE_LOOP_MAX ? got == 0 && want : got == want && want))
				continue;
			bad++;
			tap_diag("%s, %d headers: bpf_filter %u, kernel %u (%d)", exprs[i], n, want, got, ret);
		}
		if (fd > 0) {
			tap_ok(!bad, "\"%s\" in the kernel (%zu insns): chains of 0..%d headers agree, %d is no match",
			       exprs[i], elen, EBC_XLATE_LOOP_MAX, EBC_XLATE_LOOP_MAX + 1);
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
		ret = test_protochain_bound();
	if (!ret)
		ret = test_max_prog();
	if (!ret)
		tap_diag("%zu programs x %zu packets: %zu kernel runs compared with bpf_filter(), %zu frames refused by test_run, %zu shorter than %d bytes skipped",
			 total.progs, npkts, total.runs, total.refused, total.short_frames, ETH_HLEN);
	free(vlog);
	if (ret == -EPERM) {
		printf("1..0 # SKIP needs root (bpf: %s)\n", strerror(EPERM));
		return 77;
	}
	return tap_done();
}
