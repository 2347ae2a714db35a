// SPDX-License-Identifier: GPL-2.0-only
/*
 * cbpf2c against libpcap: every expression in the corpus, compiled for
 * DLT_EN10MB and DLT_RAW, translated, run in the test interpreter on every
 * corpus packet truncated at every length, must return what bpf_filter()
 * returns. Then one case per opcode family, protochain at its loop bound,
 * golden listings, the 4096-instruction limit, and the validator's messages.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/filter.h>
#include <pcap/dlt.h>

#include "filter.h"
#include "xlate.h"
#include "corpus.h"
#include "ebpf_interp.h"
#include "../lib/tap.h"

#define SNAPLEN 262144

static struct corpus_pkt pkts[CORPUS_MAX_PKTS];
static size_t npkts;

struct run_stats {
	size_t runs;
	size_t accepted;
	size_t mismatches;
};

/* Totals over the corpus: compiled programs and comparisons. */
static struct {
	size_t exprs;
	size_t runs;
} total;

static size_t cbpf_backward(const struct ebc_cbpf_prog *c)
{
	size_t i, n = 0;

	for (i = 0; i < c->len; i++)
		n += c->insns[i].code == (BPF_JMP | BPF_JA) && c->insns[i].k > UINT32_MAX - i - 1;
	return n;
}

/*
 * Code shape the splice relies on: no 16-byte ld_imm64; backward jumps only
 * where the classic program has them, each right after its counter store.
 */
static int shape_ok(const struct ebc_cbpf_prog *c, const struct ebc_ebpf_prog *e,
		    char *why, size_t len)
{
	size_t i, back = 0;

	for (i = 0; i < e->len; i++) {
		const struct bpf_insn *in = &e->insns[i];

		if (in->code == (BPF_LD | BPF_IMM | BPF_DW)) {
			snprintf(why, len, "ld_imm64 at %zu", i);
			return 0;
		}
		if ((BPF_CLASS(in->code) != BPF_JMP && BPF_CLASS(in->code) != BPF_JMP32) ||
		    in->off >= 0)
			continue;
		back++;
		if (in->code != (BPF_JMP | BPF_JA) || i == 0 ||
		    in[-1].code != (BPF_STX | BPF_MEM | BPF_DW)) {
			snprintf(why, len, "unguarded backward jump at %zu", i);
			return 0;
		}
	}
	if (back > cbpf_backward(c)) {
		snprintf(why, len, "%zu backward jumps for %zu classic", back, cbpf_backward(c));
		return 0;
	}
	return 1;
}

static void run_one(const struct ebc_cbpf_prog *c, const struct ebc_ebpf_prog *e,
		    const struct corpus_pkt *pkt, const uint8_t *p, uint32_t len,
		    struct run_stats *st)
{
	char err[256];
	uint32_t caplen, want, got;
	int ret;

	for (caplen = 0; caplen <= len; caplen = corpus_next_len(caplen, len)) {
		want = bpf_filter(c->insns, p, len, caplen);
		ret = ebpf_interp_run(e->insns, e->len, p, caplen, len, &got, err, sizeof(err));
		st->runs++;
		st->accepted += want != 0;
		if (!ret && got == want)
			continue;
		if (!st->mismatches++)
			tap_diag("%s, caplen %u/%u: bpf_filter %u, translation %s%u %s", pkt->name,
				 caplen, len, want, ret ? "error " : "", ret ? 0 : got, ret ? err : "");
	}
}

/* label names the case in TAP output; NULL: the expression itself */
static void test_expr(const char *expr, const char *label, int dlt, const char *dltname)
{
	struct ebc_cbpf_prog c = { 0 };
	struct ebc_ebpf_prog e = { 0 };
	struct run_stats st = { 0 };
	char err[256], why[96] = "";
	size_t i;
	int ret;

	ret = ebc_filter__compile(expr, dlt, SNAPLEN, &c, err, sizeof(err));
	if (!ret)
		ret = ebc_xlate(&c, NULL, &e, err, sizeof(err));
	if (ret) {
		tap_ok(0, "%s \"%s\": %s", dltname, label ? label : expr, err);
		goto out;
	}
	for (i = 0; i < npkts; i++) {
		const struct corpus_pkt *pkt = &pkts[i];

		if (dlt == DLT_RAW && !pkt->l3)
			continue;
		if (dlt == DLT_RAW)
			run_one(&c, &e, pkt, pkt->data + pkt->l3, pkt->len - pkt->l3, &st);
		else
			run_one(&c, &e, pkt, pkt->data, pkt->len, &st);
	}
	total.exprs++;
	total.runs += st.runs;
	tap_ok(!st.mismatches && shape_ok(&c, &e, why, sizeof(why)),
	       "%s \"%s\": %zu classic -> %zu eBPF insns, %zu runs, %zu accepted, %zu differ %s",
	       dltname, label ? label : expr, c.len, e.len, st.runs, st.accepted, st.mismatches, why);
out:
	ebc_cbpf_prog__free(&c);
	ebc_ebpf_prog__free(&e);
}

static void test_corpus(void)
{
	char large[8192];
	size_t i;

	npkts = corpus_build(pkts, sizeof(pkts) / sizeof(pkts[0]));
	tap_ok(npkts >= 30, "corpus has %zu packets", npkts);
	for (i = 0; i < corpus_nexprs; i++) {
		if (corpus_exprs[i].dlts & CORPUS_EN10MB)
			test_expr(corpus_exprs[i].expr, NULL, DLT_EN10MB, "en10mb");
		if (corpus_exprs[i].dlts & CORPUS_RAW)
			test_expr(corpus_exprs[i].expr, NULL, DLT_RAW, "raw");
	}
	corpus_large_expr(large, sizeof(large));
	test_expr(large, "120 hosts, flags and ports", DLT_EN10MB, "en10mb");
	tap_diag("%zu expressions, %zu programs (en10mb and raw) x %zu packets at every length below %d and in full: %zu comparisons with bpf_filter()",
		 corpus_nexprs + 1, total.exprs, npkts, CORPUS_TRUNC_MAX, total.runs);
}

static void test_cases(void)
{
	const uint8_t *pkt = corpus_case_pkt();
	char err[256];
	size_t i;

	for (i = 0; i < corpus_ncases; i++) {
		const struct corpus_case *tc = &corpus_cases[i];
		struct ebc_cbpf_prog c = { (struct ebc_cbpf_insn *)tc->prog, tc->len };
		struct ebc_ebpf_prog e = { 0 };
		uint32_t got = 0, want;
		int ret;

		want = tc->no_libpcap ? tc->expect :
		       bpf_filter(c.insns, pkt, CORPUS_CASE_WIRELEN, CORPUS_CASE_CAPLEN);
		ret = ebc_xlate(&c, NULL, &e, err, sizeof(err));
		if (!ret)
			ret = ebpf_interp_run(e.insns, e.len, pkt, CORPUS_CASE_CAPLEN,
					      CORPUS_CASE_WIRELEN, &got, err, sizeof(err));
		if (ret)
			tap_diag("%s", err);
		tap_ok(!ret && got == tc->expect && want == tc->expect,
		       "case %s: got 0x%x, bpf_filter 0x%x, expected 0x%x", tc->name, got, want,
		       tc->expect);
		ebc_ebpf_prog__free(&e);
	}
}

#define S(code, k)		{ (uint16_t)(code), 0, 0, (uint32_t)(k) }
#define J(code, k, jt, jf)	{ (uint16_t)(code), (jt), (jf), (uint32_t)(k) }
#define RET_K(k)		S(BPF_RET | BPF_K, k)
#define NOP			S(BPF_MISC | BPF_TAX, 0)

struct bad_case {
	const char *name;
	struct ebc_cbpf_insn prog[10];
	size_t len;
	int err;
	const char *msg;	/* the error message must contain this */
};

static const struct bad_case bad_cases[] = {
	{ "empty", { RET_K(0) }, 0, -EINVAL, "empty" },
	{ "jump out of range", { NOP, NOP, NOP, NOP, NOP, NOP, NOP,
	  J(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 2), RET_K(1), RET_K(0) }, 10, -EINVAL,
	  "instruction 7: jump out of range" },
	{ "ja out of range", { NOP, S(BPF_JMP | BPF_JA, 1), RET_K(0) }, 3, -EINVAL,
	  "instruction 1: jump out of range" },
	{ "ja to itself", { NOP, NOP, S(BPF_JMP | BPF_JA, 0xffffffff), RET_K(0) }, 4, -EINVAL,
	  "instruction 2: jump to itself" },
	{ "ja to itself at 0", { S(BPF_JMP | BPF_JA, 0xffffffff), RET_K(0) }, 2, -EINVAL,
	  "instruction 0: jump to itself" },
	{ "ja before the start", { NOP, NOP, S(BPF_JMP | BPF_JA, 0xfffffffc), RET_K(0) }, 4, -EINVAL,
	  "instruction 2: jump out of range" },
	{ "ja far out of range", { S(BPF_JMP | BPF_JA, 0x7fffffff), RET_K(0) }, 2, -EINVAL,
	  "instruction 0: jump out of range" },
	{ "jt out of range", { J(BPF_JMP | BPF_JGT | BPF_X, 0, 1, 0), RET_K(0) }, 2, -EINVAL,
	  "instruction 0: jump out of range" },
	{ "last not ret", { RET_K(0), NOP }, 2, -EINVAL, "instruction 1: last instruction is not a return" },
	{ "scratch index", { NOP, NOP, S(BPF_ST, 16), RET_K(0) }, 4, -EINVAL,
	  "instruction 2: scratch memory index 16 out of range" },
	{ "scratch ldx index", { S(BPF_LDX | BPF_MEM, 100), RET_K(0) }, 2, -EINVAL,
	  "instruction 0: scratch memory index 100" },
	{ "div by constant zero", { NOP, S(BPF_ALU | BPF_DIV | BPF_K, 0), RET_K(0) }, 3, -EINVAL,
	  "instruction 1: division by zero" },
	{ "mod by constant zero", { S(BPF_ALU | BPF_MOD | BPF_K, 0), RET_K(0) }, 2, -EINVAL,
	  "instruction 0: division by zero" },
	{ "shift by 32", { NOP, S(BPF_ALU | BPF_LSH | BPF_K, 32), RET_K(0) }, 3, -EINVAL,
	  "instruction 1: shift by 32 out of range" },
	{ "unknown opcode", { NOP, NOP, NOP, S(0xff, 0), RET_K(0) }, 5, -EINVAL,
	  "instruction 3: unknown opcode 0xff" },
	{ "ret x", { S(BPF_RET | BPF_X, 0) }, 1, -EINVAL, "instruction 0: unknown opcode 0x0e" },
	{ "ld h imm", { S(BPF_LD | BPF_H | BPF_IMM, 0), RET_K(0) }, 2, -EINVAL,
	  "instruction 0: unknown opcode 0x08" },
	{ "ancillary protocol", { S(BPF_LD | BPF_H | BPF_ABS, SKF_AD_OFF + SKF_AD_PROTOCOL), RET_K(0) },
	  2, -EOPNOTSUPP, "instruction 0: ancillary load SKF_AD_PROTOCOL is not supported on this hook" },
	{ "ancillary vlan tag present", { NOP, NOP,
	  S(BPF_LD | BPF_B | BPF_ABS, SKF_AD_OFF + SKF_AD_VLAN_TAG_PRESENT), RET_K(0) }, 4, -EOPNOTSUPP,
	  "instruction 2: ancillary load SKF_AD_VLAN_TAG_PRESENT is not supported on this hook" },
	{ "ancillary unknown", { S(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + 200), RET_K(0) }, 2,
	  -EOPNOTSUPP, "instruction 0: ancillary load SKF_AD_OFF+200" },
	{ "skf_net_off", { NOP, S(BPF_LD | BPF_B | BPF_ABS, SKF_NET_OFF + 9), RET_K(0) }, 3,
	  -EOPNOTSUPP, "instruction 1: negative-offset load" },
	{ "skf_ll_off ind", { S(BPF_LD | BPF_B | BPF_IND, SKF_LL_OFF), RET_K(0) }, 2,
	  -EOPNOTSUPP, "instruction 0: negative-offset load" },
};

static void test_bad(void)
{
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *bc = &bad_cases[i];
		struct ebc_cbpf_prog c = { (struct ebc_cbpf_insn *)bc->prog, bc->len };
		struct ebc_ebpf_prog e = { 0 };
		int ret;

		err[0] = '\0';
		ret = ebc_xlate(&c, NULL, &e, err, sizeof(err));
		tap_ok(ret == bc->err && strstr(err, bc->msg) && !e.insns,
		       "rejects %s: %d \"%s\"", bc->name, ret, err);
		ebc_ebpf_prog__free(&e);
	}
}

static void test_check_separate(void)
{
	struct ebc_cbpf_insn insns[2] = {
		S(BPF_LD | BPF_H | BPF_ABS, SKF_AD_OFF + SKF_AD_PROTOCOL), RET_K(0),
	};
	struct ebc_cbpf_prog c = { insns, 2 };
	struct ebc_cbpf_insn *big = calloc(EBC_CBPF_MAXINSNS + 1, sizeof(*big));
	struct ebc_cbpf_prog b = { big, EBC_CBPF_MAXINSNS + 1 };
	struct ebc_ebpf_prog e = { 0 };
	char err[256] = "";
	size_t i;
	int ret;

	tap_ok(ebc_cbpf_check(&c, err, sizeof(err)) == 0,
	       "validation accepts an ancillary load, translation refuses it");
	for (i = 0; i <= EBC_CBPF_MAXINSNS; i++)
		big[i] = (struct ebc_cbpf_insn)RET_K(1);
	ret = ebc_cbpf_check(&b, err, sizeof(err));
	tap_ok(ret == -EINVAL && strstr(err, "more than 4096"), "rejects 4097 instructions: %s", err);
	b.len = EBC_CBPF_MAXINSNS;
	ret = ebc_xlate(&b, NULL, &e, err, sizeof(err));
	tap_ok(ret == 0 && e.len > 0, "translates 4096 instructions (%zu eBPF)", e.len);
	ebc_ebpf_prog__free(&e);
	free(big);
}

/* Loads of one basic block share one bound check. */
static void test_merged_bounds(void)
{
	struct ebc_cbpf_insn insns[] = {
		S(BPF_LD | BPF_B | BPF_ABS, 14), S(BPF_LD | BPF_H | BPF_ABS, 20),
		S(BPF_LD | BPF_W | BPF_ABS, 40), S(BPF_LDX | BPF_B | BPF_MSH, 14),
		S(BPF_RET | BPF_A, 0),
	};
	struct ebc_cbpf_prog c = { insns, sizeof(insns) / sizeof(insns[0]) };
	struct ebc_ebpf_prog e = { 0 };
	char err[256] = "";
	size_t i, checks = 0;
	int ret;

	ret = ebc_xlate(&c, NULL, &e, err, sizeof(err));
	for (i = 0; !ret && i < e.len; i++)
		checks += e.insns[i].code == (BPF_JMP | BPF_JGT | BPF_X) &&
			  e.insns[i].src_reg == BPF_REG_2;
	tap_ok(!ret && checks == 1, "one bound check for a block of four loads (%zu)", checks);
	ebc_ebpf_prog__free(&e);
}

/* One whole packet through expr: 0 with both verdicts set, or -errno with err set. */
static int run_pkt(const char *expr, const struct corpus_pkt *pkt, uint32_t *want,
		   uint32_t *got, char *err, size_t errlen)
{
	struct ebc_cbpf_prog c = { 0 };
	struct ebc_ebpf_prog e = { 0 };
	int ret;

	ret = ebc_filter__compile(expr, DLT_EN10MB, SNAPLEN, &c, err, errlen);
	if (!ret)
		ret = ebc_xlate(&c, NULL, &e, err, errlen);
	if (!ret) {
		*want = bpf_filter(c.insns, pkt->data, pkt->len, pkt->len);
		ret = ebpf_interp_run(e.insns, e.len, pkt->data, pkt->len, pkt->len, got, err,
				      errlen);
	}
	ebc_cbpf_prog__free(&c);
	ebc_ebpf_prog__free(&e);
	return ret;
}

/*
 * protochain walks extension headers in a loop: the same verdict as
 * bpf_filter() up to EBC_XLATE_LOOP_MAX headers, no match past it.
 */
static void test_protochain_bound(void)
{
	static const char *const exprs[] = {
		"ip6 protochain 6", "protochain 6", "ip6 protochain 6 or ip6 protochain 17",
	};
	static struct corpus_pkt pkt;
	uint32_t want = 0, got = 0;
	size_t i, runs = 0, bad = 0;
	char err[256] = "";
	int n, ret;

	for (i = 0; i < sizeof(exprs) / sizeof(exprs[0]); i++) {
		for (n = 0; n <= EBC_XLATE_LOOP_MAX; n++) {
			corpus_v6_chain(&pkt, n);
			ret = run_pkt(exprs[i], &pkt, &want, &got, err, sizeof(err));
			runs++;
			if (ret || want != got || !want) {
				if (!bad++)
					tap_diag("%s, %d headers: bpf_filter %u, translation %u %s",
						 exprs[i], n, want, got, ret ? err : "");
			}
		}
		corpus_v6_chain(&pkt, EBC_XLATE_LOOP_MAX + 1);
		ret = run_pkt(exprs[i], &pkt, &want, &got, err, sizeof(err));
		tap_ok(!ret && want && !got, "\"%s\" past the bound (%d headers): bpf_filter %u, translation %u %s",
		       exprs[i], EBC_XLATE_LOOP_MAX + 1, want, got, ret ? err : "");
	}
	tap_ok(!bad, "protochain on chains of 0..%d headers: %zu runs match and agree, %zu differ",
	       EBC_XLATE_LOOP_MAX, runs, bad);
}

/* One counter per loop head, each 8 bytes of stack: the head count is bounded. */
static void test_too_many_loops(void)
{
	struct ebc_cbpf_insn insns[2 * EBC_XLATE_MAX_LOOPS + 4];
	struct ebc_cbpf_prog c = { insns, 0 };
	struct ebc_ebpf_prog e = { 0 };
	char err[256] = "", want[64];
	size_t i, n = EBC_XLATE_MAX_LOOPS + 1;
	int ret;

	/* n heads (tax), then n backward jumps, jump i going to head i */
	for (i = 0; i < n; i++)
		insns[i] = (struct ebc_cbpf_insn)NOP;
	insns[n] = (struct ebc_cbpf_insn)RET_K(1);
	for (i = 0; i < n; i++)
		insns[n + 1 + i] = (struct ebc_cbpf_insn)S(BPF_JMP | BPF_JA, (uint32_t)(i - (n + 2 + i)));
	insns[2 * n + 1] = (struct ebc_cbpf_insn)RET_K(0);
	c.len = 2 * n + 2;
	snprintf(want, sizeof(want), "instruction %zu: more than %d loops", 2 * n, EBC_XLATE_MAX_LOOPS);
	ret = ebc_xlate(&c, NULL, &e, err, sizeof(err));
	tap_ok(ret == -EINVAL && strstr(err, want), "refuses %zu loop heads: %s", n, err);
	c.len = 2 * n + 1;
	insns[2 * n] = (struct ebc_cbpf_insn)RET_K(0);
	ret = ebc_xlate(&c, NULL, &e, err, sizeof(err));
	tap_ok(ret == 0, "accepts %d loop heads (unreachable ones included)", EBC_XLATE_MAX_LOOPS);
	ebc_ebpf_prog__free(&e);
}

/*
 * libpcap's code for a few expressions, so that a libpcap upgrade that changes
 * it is noticed (and the differential test then covers the new code).
 */
static const struct {
	const char *expr;
	const char *listing;
} goldens[] = {
	{ "tcp port 80",
	  "(000) ldh      [12]\n"
	  "(001) jeq      #0x86dd          jt 2\tjf 8\n"
	  "(002) ldb      [20]\n"
	  "(003) jeq      #0x6             jt 4\tjf 19\n"
	  "(004) ldh      [54]\n"
	  "(005) jeq      #0x50            jt 18\tjf 6\n"
	  "(006) ldh      [56]\n"
	  "(007) jeq      #0x50            jt 18\tjf 19\n"
	  "(008) jeq      #0x800           jt 9\tjf 19\n"
	  "(009) ldb      [23]\n"
	  "(010) jeq      #0x6             jt 11\tjf 19\n"
	  "(011) ldh      [20]\n"
	  "(012) jset     #0x1fff          jt 19\tjf 13\n"
	  "(013) ldxb     4*([14]&0xf)\n"
	  "(014) ldh      [x + 14]\n"
	  "(015) jeq      #0x50            jt 18\tjf 16\n"
	  "(016) ldh      [x + 16]\n"
	  "(017) jeq      #0x50            jt 18\tjf 19\n"
	  "(018) ret      #262144\n"
	  "(019) ret      #0\n" },
	{ "vlan 100 and udp",
	  "(000) ldh      [12]\n"
	  "(001) jeq      #0x8100          jt 4\tjf 2\n"
	  "(002) jeq      #0x88a8          jt 4\tjf 3\n"
	  "(003) jeq      #0x9100          jt 4\tjf 18\n"
	  "(004) ldh      [14]\n"
	  "(005) and      #0xfff\n"
	  "(006) jeq      #0x64            jt 7\tjf 18\n"
	  "(007) ldh      [16]\n"
	  "(008) jeq      #0x800           jt 9\tjf 11\n"
	  "(009) ldb      [27]\n"
	  "(010) jeq      #0x11            jt 17\tjf 18\n"
	  "(011) jeq      #0x86dd          jt 12\tjf 18\n"
	  "(012) ldb      [24]\n"
	  "(013) jeq      #0x11            jt 17\tjf 14\n"
	  "(014) jeq      #0x2c            jt 15\tjf 18\n"
	  "(015) ldb      [58]\n"
	  "(016) jeq      #0x11            jt 17\tjf 18\n"
	  "(017) ret      #262144\n"
	  "(018) ret      #0\n" },
	{ "ip6 protochain 17",
	  "(000) ldh      [12]\n"
	  "(001) jeq      #0x86dd          jt 2\tjf 35\n"
	  "(002) ldb      [20]\n"
	  "(003) ldx      #0x28\n"
	  "(004) jeq      #0x11            jt 32\tjf 5\n"
	  "(005) jeq      #0x3b            jt 32\tjf 6\n"
	  "(006) jeq      #0x0             jt 10\tjf 7\n"
	  "(007) jeq      #0x3c            jt 10\tjf 8\n"
	  "(008) jeq      #0x2b            jt 10\tjf 9\n"
	  "(009) jeq      #0x2c            jt 10\tjf 19\n"
	  "(010) ldb      [x + 14]\n"
	  "(011) st       M[0]\n"
	  "(012) ldb      [x + 15]\n"
	  "(013) add      #1\n"
	  "(014) mul      #8\n"
	  "(015) add      x\n"
	  "(016) tax      \n"
	  "(017) ld       M[0]\n"
	  "(018) ja       4\n"
	  "(019) jeq      #0x33            jt 20\tjf 32\n"
	  "(020) txa      \n"
	  "(021) ldb      [x + 14]\n"
	  "(022) st       M[0]\n"
	  "(023) txa      \n"
	  "(024) add      #1\n"
	  "(025) tax      \n"
	  "(026) ldb      [x + 14]\n"
	  "(027) add      #2\n"
	  "(028) mul      #4\n"
	  "(029) tax      \n"
	  "(030) ld       M[0]\n"
	  "(031) ja       4\n"
	  "(032) add      #0\n"
	  "(033) jeq      #0x11            jt 34\tjf 35\n"
	  "(034) ret      #262144\n"
	  "(035) ret      #0\n" },
};

static void test_golden(void)
{
	char err[256], listing[4096];
	size_t i;
	int ret;

	for (i = 0; i < sizeof(goldens) / sizeof(goldens[0]); i++) {
		struct ebc_cbpf_prog c = { 0 };

		ret = ebc_filter__compile(goldens[i].expr, DLT_EN10MB, SNAPLEN, &c, err, sizeof(err));
		if (!ret)
			ret = ebc_filter__dump(&c, listing, sizeof(listing)) < 0 ? -EINVAL : 0;
		if (ret || strcmp(listing, goldens[i].listing))
			tap_diag("libpcap gives:\n%s", ret ? err : listing);
		tap_ok(!ret && !strcmp(listing, goldens[i].listing), "golden listing \"%s\" (%zu insns)",
		       goldens[i].expr, c.len);
		ebc_cbpf_prog__free(&c);
	}
}

/* Every opcode of the validator's list appears in a hand-written case. */
static void test_opcode_coverage(void)
{
	static const uint16_t codes[] = {
		BPF_LD | BPF_W | BPF_ABS, BPF_LD | BPF_H | BPF_ABS, BPF_LD | BPF_B | BPF_ABS,
		BPF_LD | BPF_W | BPF_IND, BPF_LD | BPF_H | BPF_IND, BPF_LD | BPF_B | BPF_IND,
		BPF_LD | BPF_IMM, BPF_LD | BPF_W | BPF_LEN, BPF_LD | BPF_MEM,
		BPF_LDX | BPF_W | BPF_IMM, BPF_LDX | BPF_W | BPF_LEN, BPF_LDX | BPF_W | BPF_MEM,
		BPF_LDX | BPF_B | BPF_MSH, BPF_ST, BPF_STX, BPF_ALU | BPF_NEG,
		BPF_ALU | BPF_ADD | BPF_K, BPF_ALU | BPF_SUB | BPF_K, BPF_ALU | BPF_MUL | BPF_K,
		BPF_ALU | BPF_DIV | BPF_K, BPF_ALU | BPF_MOD | BPF_K, BPF_ALU | BPF_AND | BPF_K,
		BPF_ALU | BPF_OR | BPF_K, BPF_ALU | BPF_XOR | BPF_K, BPF_ALU | BPF_LSH | BPF_K,
		BPF_ALU | BPF_RSH | BPF_K,
		BPF_ALU | BPF_ADD | BPF_X, BPF_ALU | BPF_SUB | BPF_X, BPF_ALU | BPF_MUL | BPF_X,
		BPF_ALU | BPF_DIV | BPF_X, BPF_ALU | BPF_MOD | BPF_X, BPF_ALU | BPF_AND | BPF_X,
		BPF_ALU | BPF_OR | BPF_X, BPF_ALU | BPF_XOR | BPF_X, BPF_ALU | BPF_LSH | BPF_X,
		BPF_ALU | BPF_RSH | BPF_X,
		BPF_JMP | BPF_JA, BPF_JMP | BPF_JEQ | BPF_K, BPF_JMP | BPF_JGT | BPF_K,
		BPF_JMP | BPF_JGE | BPF_K, BPF_JMP | BPF_JSET | BPF_K, BPF_JMP | BPF_JEQ | BPF_X,
		BPF_JMP | BPF_JGT | BPF_X, BPF_JMP | BPF_JGE | BPF_X, BPF_JMP | BPF_JSET | BPF_X,
		BPF_RET | BPF_K, BPF_RET | BPF_A, BPF_MISC | BPF_TAX, BPF_MISC | BPF_TXA,
	};
	size_t i, j, k, missing = 0;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		bool found = false;

		for (j = 0; j < corpus_ncases && !found; j++)
			for (k = 0; k < corpus_cases[j].len && !found; k++)
				found = corpus_cases[j].prog[k].code == codes[i];
		if (!found && !missing++)
			tap_diag("no case uses opcode 0x%02x", codes[i]);
	}
	tap_ok(!missing, "every classic opcode (%zu) has a case, %zu missing",
	       sizeof(codes) / sizeof(codes[0]), missing);
}

/* A real 4096-instruction program translates and agrees on the corpus. */
static void test_max_prog(void)
{
	static struct ebc_cbpf_insn insns[EBC_CBPF_MAXINSNS];
	struct ebc_cbpf_prog c = { insns, EBC_CBPF_MAXINSNS };
	struct ebc_ebpf_prog e = { 0 };
	struct run_stats st = { 0 };
	char err[256] = "";
	size_t i;
	int ret;

	corpus_max_prog(insns, EBC_CBPF_MAXINSNS);
	ret = ebc_xlate(&c, NULL, &e, err, sizeof(err));
	for (i = 0; !ret && i < npkts; i++)
		run_one(&c, &e, &pkts[i], pkts[i].data, pkts[i].len, &st);
	tap_ok(!ret && !st.mismatches, "4096 reachable instructions: %zu eBPF insns, %zu runs, %zu differ %s",
	       e.len, st.runs, st.mismatches, err);
	ebc_ebpf_prog__free(&e);
}

static void test_bad_mode(void)
{
	struct ebc_cbpf_insn insns[] = { RET_K(1) };
	struct ebc_cbpf_prog c = { insns, 1 };
	struct ebc_xlate_opts opts = { .mode = (enum ebc_xlate_mode)7 };
	struct ebc_ebpf_prog e = { 0 };
	char err[256] = "";

	tap_ok(ebc_xlate(&c, &opts, &e, err, sizeof(err)) == -EOPNOTSUPP,
	       "rejects an unknown mode: %s", err);
}

int main(void)
{
	test_corpus();
	test_cases();
	test_bad();
	test_check_separate();
	test_merged_bounds();
	test_protochain_bound();
	test_too_many_loops();
	test_golden();
	test_opcode_coverage();
	test_max_prog();
	test_bad_mode();
	return tap_done();
}
