// SPDX-License-Identifier: GPL-2.0-only
/*
 * cbpf2c against libpcap: every expression in the corpus, compiled for
 * DLT_EN10MB and DLT_RAW, translated, run in the test interpreter on every
 * corpus packet truncated at every length, must return what bpf_filter()
 * returns (and so must the classic reference). Then one case per opcode
 * family, protochain at its loop bound, golden listings, the 4096-instruction
 * limit, the validator's messages, and Linux's ancillary loads against the
 * classic reference, which knows them where bpf_filter() does not.
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
	uint32_t caplen, want, got, ref;
	int ret;

	for (caplen = 0; caplen <= len; caplen = corpus_next_len(caplen, len)) {
		want = bpf_filter(c->insns, p, len, caplen);
		ref = cbpf_ref_run(c->insns, c->len, p, caplen, len, NULL);
		ret = ebpf_interp_run(e->insns, e->len, p, caplen, len, &got, err, sizeof(err));
		st->runs++;
		st->accepted += want != 0;
		if (!ret && got == want && ref == want)
			continue;
		if (!st->mismatches++)
			tap_diag("%s, caplen %u/%u: bpf_filter %u, reference %u, translation %s%u %s",
				 pkt->name, caplen, len, want, ref, ret ? "error " : "", ret ? 0 : got,
				 ret ? err : "");
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
		uint32_t got = 0, want, ref;
		int ret;

		want = tc->no_libpcap ? tc->expect :
		       bpf_filter(c.insns, pkt, CORPUS_CASE_WIRELEN, CORPUS_CASE_CAPLEN);
		ref = cbpf_ref_run(c.insns, c.len, pkt, CORPUS_CASE_CAPLEN, CORPUS_CASE_WIRELEN, NULL);
		ret = ebc_xlate(&c, NULL, &e, err, sizeof(err));
		if (!ret)
			ret = ebpf_interp_run(e.insns, e.len, pkt, CORPUS_CASE_CAPLEN,
					      CORPUS_CASE_WIRELEN, &got, err, sizeof(err));
		if (ret)
			tap_diag("%s", err);
		tap_ok(!ret && got == tc->expect && want == tc->expect && ref == tc->expect,
		       "case %s: got 0x%x, bpf_filter 0x%x, reference 0x%x, expected 0x%x", tc->name,
		       got, want, ref, tc->expect);
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
	  2, -EOPNOTSUPP, "instruction 0: ancillary load SKF_AD_PROTOCOL is not available at this hook" },
	{ "ancillary vlan tag present", { NOP, NOP,
	  S(BPF_LD | BPF_B | BPF_ABS, SKF_AD_OFF + SKF_AD_VLAN_TAG_PRESENT), RET_K(0) }, 4, -EOPNOTSUPP,
	  "instruction 2: ancillary load SKF_AD_VLAN_TAG_PRESENT is not available at this hook" },
	{ "ancillary unknown", { S(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + 200), RET_K(0) }, 2,
	  -EOPNOTSUPP, "instruction 0: ancillary load SKF_AD_OFF+200 is unknown" },
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

/* ---- ancillary loads ----------------------------------------------------- */

#define NBLOCKS 3

/* Metadata to run on: distinct high-bit values per field, all ones, all zero. */
static void anc_blocks(struct ebc_anc blocks[NBLOCKS])
{
	uint32_t *f = (uint32_t *)&blocks[0];
	size_t i;

	for (i = 0; i < EBC_ANC_FIELDS; i++)
		f[i] = 0x9e3779b9U * (uint32_t)(i + 1);
	memset(&blocks[1], 0xff, sizeof(blocks[1]));
	memset(&blocks[2], 0, sizeof(blocks[2]));
}

static const struct ebc_xlate_opts anc_all = { .anc_mask = ANC_ANSWERABLE, .hook_name = "test" };

/* Every code at every size is the field itself; ALU_XOR_X needs no mask bit. */
static void test_anc_single(void)
{
	static const uint16_t sizes[] = { BPF_W, BPF_H, BPF_B };
	static const struct ebc_xlate_opts none = { 0 };
	struct ebc_anc blocks[NBLOCKS];
	const uint8_t *pkt = corpus_case_pkt();
	size_t runs = 0, bad = 0, used_bad = 0, s, b;
	uint32_t code, field, got = 0, ref;
	char err[256] = "";
	int ret;

	anc_blocks(blocks);
	for (code = 0; code < 4 * EBC_ANC_FIELDS; code += 4) {
		bool xor = code == SKF_AD_ALU_XOR_X;

		if (!xor && !(EBC_ANC_BIT(code) & ANC_ANSWERABLE))
			continue;
		for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
			struct anc_case ac;
			struct ebc_cbpf_prog c = { ac.prog, 0 };
			struct ebc_ebpf_prog e = { 0 };

			anc_case_single(&ac, code, sizes[s]);
			c.len = ac.len;
			ret = ebc_xlate(&c, xor ? &none : &anc_all, &e, err, sizeof(err));
			used_bad += ret || e.anc_used != ac.used;
			for (b = 0; !ret && b < NBLOCKS; b++) {
				memcpy(&field, (const uint8_t *)&blocks[b] + code, 4);
				ref = cbpf_ref_run(c.insns, c.len, pkt, CORPUS_CASE_CAPLEN,
						   CORPUS_CASE_WIRELEN, &blocks[b]);
				ret = ebpf_interp_run_anc(e.insns, e.len, pkt, CORPUS_CASE_CAPLEN,
							  CORPUS_CASE_WIRELEN, &blocks[b], &got, err,
							  sizeof(err));
				runs++;
				if (!ret && got == ref && ref == (xor ? 0 : field))
					continue;
				if (!bad++)
					tap_diag("SKF_AD_OFF+%u size 0x%02x, block %zu: field 0x%x, reference 0x%x, translation 0x%x %s",
						 code, sizes[s], b, field, ref, got, ret ? err : "");
				ret = 0;
			}
			ebc_ebpf_prog__free(&e);
		}
	}
	tap_ok(!used_bad, "every answerable code at every size translates with anc_used its own bit, %zu wrong %s",
	       used_bad, err);
	tap_ok(runs == 13 * 3 * NBLOCKS && !bad,
	       "every ancillary load at every size is the block's field: %zu runs, %zu differ", runs, bad);
}

/* Mismatches of one case over the corpus at every truncation, with each block. */
static size_t anc_run_corpus(const struct anc_case *ac, const struct ebc_ebpf_prog *e,
			     const struct ebc_anc *blocks, size_t *runs)
{
	uint32_t n, got = 0, ref;
	size_t i, b, bad = 0;
	char err[256] = "";
	int ret;

	for (i = 0; i < npkts; i++) {
		for (n = 0; n <= pkts[i].len; n = corpus_next_len(n, pkts[i].len)) {
			for (b = 0; b < NBLOCKS; b++) {
				ref = cbpf_ref_run(ac->prog, ac->len, pkts[i].data, n, pkts[i].len,
						   &blocks[b]);
				ret = ebpf_interp_run_anc(e->insns, e->len, pkts[i].data, n,
							  pkts[i].len, &blocks[b], &got, err,
							  sizeof(err));
				(*runs)++;
				if (!ret && got == ref)
					continue;
				if (!bad++)
					tap_diag("%s on %s at %u, block %zu: reference 0x%x, translation 0x%x %s",
						 ac->name, pkts[i].name, n, b, ref, got, ret ? err : "");
			}
		}
	}
	return bad;
}

/* The hand-written ancillary programs on the whole corpus, against the reference. */
static void test_anc_cases(void)
{
	struct ebc_anc blocks[NBLOCKS];
	char err[256], why[96];
	uint32_t got = 1;
	size_t i, runs, bad;
	int ret;

	anc_blocks(blocks);
	for (i = 0; i < anc_ncases; i++) {
		const struct anc_case *ac = &anc_cases[i];
		struct ebc_cbpf_prog c = { (struct ebc_cbpf_insn *)ac->prog, ac->len };
		struct ebc_ebpf_prog e = { 0 };

		why[0] = err[0] = '\0';
		runs = bad = 0;
		ret = ebc_xlate(&c, &anc_all, &e, err, sizeof(err));
		if (ret) {
			tap_ok(0, "ancillary case %s: %s", ac->name, err);
			continue;
		}
		bad = anc_run_corpus(ac, &e, blocks, &runs);
		/* without ancillary reads the body must not touch r4: run it with none */
		if (!ac->used && (ebpf_interp_run(e.insns, e.len, pkts[0].data, pkts[0].len,
						  pkts[0].len, &got, err, sizeof(err)) ||
				  got != cbpf_ref_run(c.insns, c.len, pkts[0].data, pkts[0].len,
						      pkts[0].len, NULL)))
			bad++;
		tap_ok(!bad && e.anc_used == ac->used && shape_ok(&c, &e, why, sizeof(why)),
		       "ancillary case %s: %zu eBPF insns, anc_used 0x%x (want 0x%x), %zu runs, %zu differ %s%s",
		       ac->name, e.len, e.anc_used, ac->used, runs, bad, why, err);
		ebc_ebpf_prog__free(&e);
	}
}

/* Every field a program's ancillary loads read, reachable or not. */
static uint32_t anc_bits(const struct ebc_cbpf_insn *prog, size_t len)
{
	uint32_t bits = 0, code;
	size_t i;

	for (i = 0; i < len; i++) {
		code = prog[i].k - (uint32_t)SKF_AD_OFF;
		if (BPF_CLASS(prog[i].code) == BPF_LD && BPF_MODE(prog[i].code) == BPF_ABS &&
		    prog[i].k >= (uint32_t)SKF_AD_OFF && code != SKF_AD_ALU_XOR_X)
			bits |= EBC_ANC_BIT(code);
	}
	return bits;
}

/*
 * A hook must answer every ancillary load, reachable or not (the kernel checks
 * them all): that mask works, one bit less does not.
 */
static void test_anc_masks(void)
{
	size_t i, bad = 0;
	char err[256];
	int ret;

	for (i = 0; i < anc_ncases; i++) {
		const struct anc_case *ac = &anc_cases[i];
		struct ebc_cbpf_prog c = { (struct ebc_cbpf_insn *)ac->prog, ac->len };
		struct ebc_xlate_opts o = { .anc_mask = anc_bits(ac->prog, ac->len) };
		struct ebc_ebpf_prog e = { 0 };

		ret = ebc_xlate(&c, &o, &e, err, sizeof(err));
		ebc_ebpf_prog__free(&e);
		if (ret && !bad++)
			tap_diag("%s with mask 0x%x: %s", ac->name, o.anc_mask, err);
		if (!o.anc_mask)
			continue;
		o.anc_mask &= o.anc_mask - 1;
		ret = ebc_xlate(&c, &o, &e, err, sizeof(err));
		ebc_ebpf_prog__free(&e);
		if (ret != -EOPNOTSUPP && !bad++)
			tap_diag("%s with mask 0x%x: %d, want a refusal", ac->name, o.anc_mask, ret);
	}
	tap_ok(!bad, "each ancillary case translates with the mask of the fields it loads, not with one less");
}

/* M[] (64 bytes), one loop counter, then the pointer: 80 bytes, spilled before r4 is written. */
static void test_anc_stack(void)
{
	const struct anc_case *ac = NULL;
	struct ebc_ebpf_prog e = { 0 };
	int min_off = 0, r4_written = -1;
	char err[256] = "";
	size_t i;
	int ret;

	for (i = 0; i < anc_ncases; i++)
		if (!strcmp(anc_cases[i].name, "scratch and a loop"))
			ac = &anc_cases[i];
	if (!ac) {
		tap_ok(0, "the case \"scratch and a loop\" exists");
		return;
	}
	ret = ebc_xlate(&(struct ebc_cbpf_prog){ (struct ebc_cbpf_insn *)ac->prog, ac->len },
			&anc_all, &e, err, sizeof(err));
	for (i = 0; !ret && i < e.len; i++) {
		const struct bpf_insn *in = &e.insns[i];
		uint8_t cls = BPF_CLASS(in->code);

		if ((cls == BPF_LDX && in->src_reg == BPF_REG_10) ||
		    ((cls == BPF_STX || cls == BPF_ST) && in->dst_reg == BPF_REG_10))
			min_off = in->off < min_off ? in->off : min_off;
		if (r4_written < 0 && in->dst_reg == BPF_REG_4 && cls != BPF_STX && cls != BPF_ST &&
		    cls != BPF_JMP && cls != BPF_JMP32)
			r4_written = (int)i;
	}
	tap_ok(!ret && e.len && e.insns[0].code == (BPF_STX | BPF_MEM | BPF_DW) &&
	       e.insns[0].dst_reg == BPF_REG_10 && e.insns[0].src_reg == BPF_REG_4 &&
	       e.insns[0].off == -80 && min_off == -80 && r4_written > 0,
	       "the pointer is spilled first, at r10-80 below M[] and the loop counter (deepest %d) %s",
	       min_off, err);
	ebc_ebpf_prog__free(&e);
}

/* The interpreter catches what the verifier would: no block, a clobbered spill. */
static void test_anc_interp_strict(void)
{
	const struct bpf_insn clobber[] = {
		{ .code = BPF_STX | BPF_MEM | BPF_DW, .dst_reg = 10, .src_reg = 4, .off = -8 },
		{ .code = BPF_ST | BPF_MEM | BPF_W, .dst_reg = 10, .off = -4, .imm = 0 },
		{ .code = BPF_LDX | BPF_MEM | BPF_DW, .dst_reg = 4, .src_reg = 10, .off = -8 },
		{ .code = BPF_LDX | BPF_MEM | BPF_W, .dst_reg = 0, .src_reg = 4, .off = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	const struct bpf_insn past[] = {
		{ .code = BPF_LDX | BPF_MEM | BPF_W, .dst_reg = 0, .src_reg = 4,
		  .off = sizeof(struct ebc_anc) },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	struct ebc_cbpf_prog c = { (struct ebc_cbpf_insn *)anc_cases[3].prog, anc_cases[3].len };
	struct ebc_anc blocks[NBLOCKS];
	struct ebc_ebpf_prog e = { 0 };
	const uint8_t *pkt = corpus_case_pkt();
	char err[256] = "";
	uint32_t got;
	int ret;

	anc_blocks(blocks);
	ret = ebc_xlate(&c, &anc_all, &e, err, sizeof(err));
	tap_ok(!ret && ebpf_interp_run(e.insns, e.len, pkt, CORPUS_CASE_CAPLEN, CORPUS_CASE_WIRELEN,
				       &got, err, sizeof(err)) == -EFAULT,
	       "interpreter: an ancillary body without a block fails: %s", err);
	ebc_ebpf_prog__free(&e);
	ret = ebpf_interp_run_anc(clobber, 5, pkt, CORPUS_CASE_CAPLEN, CORPUS_CASE_WIRELEN,
				  &blocks[0], &got, err, sizeof(err));
	tap_ok(ret == -EFAULT, "interpreter: a spilled pointer half overwritten is no pointer: %s", err);
	ret = ebpf_interp_run_anc(past, 2, pkt, CORPUS_CASE_CAPLEN, CORPUS_CASE_WIRELEN,
				  &blocks[0], &got, err, sizeof(err));
	tap_ok(ret == -EFAULT, "interpreter: a read past the block fails: %s", err);
}

#define AD(code, size)	S(BPF_LD | (size) | BPF_ABS, SKF_AD_OFF + (code))

struct anc_refusal {
	const char *name;
	struct ebc_cbpf_insn prog[6];
	size_t len;
	uint32_t mask;
	const char *hook;
	int err;
	const char *msg;	/* the whole message */
};

static const struct anc_refusal anc_refusals[] = {
	{ "a masked-out field", { NOP, NOP, NOP, AD(SKF_AD_MARK, BPF_W), S(BPF_RET | BPF_A, 0) }, 5,
	  ANC_ANSWERABLE & ~EBC_ANC_BIT(SKF_AD_MARK), "xdp", -EOPNOTSUPP,
	  "instruction 3: ancillary load SKF_AD_MARK is not available at the xdp hook" },
	{ "a masked-out field, no hook name", { AD(SKF_AD_IFINDEX, BPF_B), S(BPF_RET | BPF_A, 0) }, 2,
	  EBC_ANC_BIT(SKF_AD_MARK), NULL, -EOPNOTSUPP,
	  "instruction 0: ancillary load SKF_AD_IFINDEX is not available at this hook" },
	{ "an unreachable masked-out field", { S(BPF_JMP | BPF_JA, 1), AD(SKF_AD_CPU, BPF_H), RET_K(1) },
	  3, EBC_ANC_BIT(SKF_AD_MARK), "tc", -EOPNOTSUPP,
	  "instruction 1: ancillary load SKF_AD_CPU is not available at the tc hook" },
	{ "the first of two", { AD(SKF_AD_HATYPE, BPF_W), AD(SKF_AD_NLATTR, BPF_W), RET_K(1) }, 3,
	  0, "xdp", -EOPNOTSUPP, "instruction 0: ancillary load SKF_AD_HATYPE is not available at the xdp hook" },
	{ "nlattr", { AD(SKF_AD_NLATTR, BPF_W), RET_K(1) }, 2, 0xffffffff, "tc", -EOPNOTSUPP,
	  "instruction 0: ancillary load SKF_AD_NLATTR is not available at any hook" },
	{ "nlattr_nest", { NOP, AD(SKF_AD_NLATTR_NEST, BPF_B), RET_K(1) }, 3, 0xffffffff, "tc",
	  -EOPNOTSUPP, "instruction 1: ancillary load SKF_AD_NLATTR_NEST is not available at any hook" },
	{ "pay_offset", { AD(SKF_AD_PAY_OFFSET, BPF_W), RET_K(1) }, 2, 0xffffffff, NULL, -EOPNOTSUPP,
	  "instruction 0: ancillary load SKF_AD_PAY_OFFSET is not available at any hook" },
	{ "an unknown offset", { AD(64, BPF_W), RET_K(1) }, 2, 0xffffffff, "tc", -EOPNOTSUPP,
	  "instruction 0: ancillary load SKF_AD_OFF+64 is unknown" },
	{ "a misaligned offset", { AD(2, BPF_H), RET_K(1) }, 2, 0xffffffff, "tc", -EOPNOTSUPP,
	  "instruction 0: ancillary load SKF_AD_OFF+2 is unknown" },
	{ "the top offset", { AD(0xffc, BPF_B), RET_K(1) }, 2, 0xffffffff, "tc", -EOPNOTSUPP,
	  "instruction 0: ancillary load SKF_AD_OFF+4092 is unknown" },
	/* Linux takes only absolute loads as ancillary: an indirect one is a negative offset */
	{ "an indirect load at SKF_AD_OFF", { S(BPF_LD | BPF_W | BPF_IND, SKF_AD_OFF + SKF_AD_MARK),
	  RET_K(1) }, 2, 0xffffffff, "tc", -EOPNOTSUPP,
	  "instruction 0: negative-offset load (SKF_NET_OFF/SKF_LL_OFF) is not supported on this hook" },
	{ "skf_ll_off", { NOP, S(BPF_LD | BPF_H | BPF_ABS, SKF_LL_OFF + 12), RET_K(1) }, 3, 0xffffffff,
	  "tc", -EOPNOTSUPP,
	  "instruction 1: negative-offset load (SKF_NET_OFF/SKF_LL_OFF) is not supported on this hook" },
};

static void test_anc_refusals(void)
{
	char err[256];
	size_t i;
	int ret;

	for (i = 0; i < sizeof(anc_refusals) / sizeof(anc_refusals[0]); i++) {
		const struct anc_refusal *r = &anc_refusals[i];
		struct ebc_cbpf_prog c = { (struct ebc_cbpf_insn *)r->prog, r->len };
		struct ebc_xlate_opts o = { .anc_mask = r->mask, .hook_name = r->hook };
		struct ebc_ebpf_prog e = { 0 };

		err[0] = '\0';
		ret = ebc_xlate(&c, &o, &e, err, sizeof(err));
		tap_ok(ret == r->err && !strcmp(err, r->msg) && !e.insns && !e.anc_used,
		       "refuses %s: %d \"%s\"", r->name, ret, err);
		ebc_ebpf_prog__free(&e);
	}
}

static void test_anc(void)
{
	test_anc_single();
	test_anc_cases();
	test_anc_masks();
	test_anc_stack();
	test_anc_interp_strict();
	test_anc_refusals();
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
	test_anc();
	return tap_done();
}
