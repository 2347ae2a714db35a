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
#include "../unit/ebpf_interp.h"
#include "../lib/tap.h"

#define SNAPLEN 262144
#define ETH_HLEN 14
#define LOG_SIZE (1 << 20)
#define MAIN_LEN 5

static struct corpus_pkt pkts[48];
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

/*
 * Mismatches over every corpus packet at every length from ETH_HLEN; -errno on
 * failure. test_run refuses (EINVAL) an IPv4/IPv6 frame shorter than its
 * network header: those truncations are counted in *refused, not run.
 */
static long run_corpus(int fd, const struct ebc_cbpf_prog *c, size_t *runs, size_t *refused)
{
	long bad = 0;
	size_t i;
	uint32_t n, want;

	for (i = 0; i < npkts; i++) {
		for (n = ETH_HLEN; n <= pkts[i].len; n++) {
			LIBBPF_OPTS(bpf_test_run_opts, topts, .data_in = pkts[i].data,
				    .data_size_in = n, .repeat = 1);

			if (bpf_prog_test_run_opts(fd, &topts)) {
				if (errno != EINVAL || n == pkts[i].len)
					return -errno;
				(*refused)++;
				continue;
			}
			want = bpf_filter(c->insns, pkts[i].data, n, n);
			(*runs)++;
			if (topts.retval == want)
				continue;
			if (!bad++)
				tap_diag("%s at %u bytes: bpf_filter %u, kernel %u", pkts[i].name,
					 n, want, topts.retval);
		}
	}
	return bad;
}

/* 0, or -EPERM when this process may not load programs. */
static int test_prog(const char *name, const struct ebc_cbpf_prog *c)
{
	struct ebc_ebpf_prog e = { 0 };
	char err[256];
	size_t runs = 0, refused = 0;
	long bad;
	int fd, ret;

	ret = ebc_xlate(c, NULL, &e, err, sizeof(err));
	if (ret) {
		tap_ok(0, "%s: %s", name, err);
		return 0;
	}
	fd = load(&e);
	if (fd == -EPERM) {
		ebc_ebpf_prog__free(&e);
		return -EPERM;
	}
	if (fd < 0) {
		tap_ok(0, "%s: verifier rejects %zu insns: %s", name, e.len, strerror(-fd));
		print_log();
		ebc_ebpf_prog__free(&e);
		return 0;
	}
	bad = run_corpus(fd, c, &runs, &refused);
	tap_ok(bad == 0, "%s: %zu eBPF insns verified, %zu test runs (%zu short frames refused by test_run), %ld differ%s%s",
	       name, e.len, runs, refused, bad < 0 ? 0 : bad, bad < 0 ? ": " : "",
	       bad < 0 ? strerror((int)-bad) : "");
	close(fd);
	ebc_ebpf_prog__free(&e);
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
static int test_cases(void)
{
	char name[160];
	size_t i;
	int ret;

	for (i = 0; i < corpus_ncases; i++) {
		struct ebc_cbpf_prog c = {
			(struct ebc_cbpf_insn *)corpus_cases[i].prog, corpus_cases[i].len,
		};

		/* bpf_filter reads unwritten M[] as garbage; the other runs compare */
		if (corpus_cases[i].no_libpcap)
			continue;
		snprintf(name, sizeof(name), "case %s", corpus_cases[i].name);
		ret = test_prog(name, &c);
		if (ret)
			return ret;
	}
	return 0;
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
	free(vlog);
	if (ret == -EPERM) {
		printf("1..0 # SKIP needs root (bpf: %s)\n", strerror(EPERM));
		return 77;
	}
	return tap_done();
}
