// SPDX-License-Identifier: GPL-2.0-only
/*
 * cbpf2c against libpcap: every expression in the corpus, compiled for
 * DLT_EN10MB and DLT_RAW, translated, run in the test interpreter on every
 * corpus packet truncated at every length, must return what bpf_filter()
 * returns. Then one case per opcode family, and the validator's messages.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/filter.h>
#include <pcap/dlt.h>

#include "filter.h"
#include "xlate.h"
#include "ebpf_interp.h"
#include "../lib/tap.h"

#define SNAPLEN 262144

static struct corpus_pkt pkts[48];
static size_t npkts;

struct run_stats {
	size_t runs;
	size_t accepted;
	size_t mismatches;
};

/* Code shape the splice relies on: no 16-byte ld_imm64, no backward jump. */
static int shape_ok(const struct ebc_ebpf_prog *e, char *why, size_t len)
{
	size_t i;

	for (i = 0; i < e->len; i++) {
		if (e->insns[i].code == (BPF_LD | BPF_IMM | BPF_DW)) {
			snprintf(why, len, "ld_imm64 at %zu", i);
			return 0;
		}
		if ((BPF_CLASS(e->insns[i].code) == BPF_JMP ||
		     BPF_CLASS(e->insns[i].code) == BPF_JMP32) && e->insns[i].off < 0) {
			snprintf(why, len, "backward jump at %zu", i);
			return 0;
		}
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

	for (caplen = 0; caplen <= len; caplen++) {
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
	char err[256], why[64] = "";
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
	tap_ok(!st.mismatches && shape_ok(&e, why, sizeof(why)),
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
	{ "ja backward", { NOP, NOP, S(BPF_JMP | BPF_JA, 0xfffffffe), RET_K(0) }, 4, -EINVAL,
	  "instruction 2: backward jump is not supported" },
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

/* protochain loops with a backward "ja": refused, naming the instruction. */
static void test_protochain(void)
{
	struct ebc_cbpf_prog c = { 0 };
	struct ebc_ebpf_prog e = { 0 };
	char err[256] = "";
	int ret;

	ret = ebc_filter__compile("ip protochain 6", DLT_EN10MB, SNAPLEN, &c, err, sizeof(err));
	if (!ret)
		ret = ebc_xlate(&c, NULL, &e, err, sizeof(err));
	tap_ok(ret == -EINVAL && strstr(err, "instruction 19: backward jump"),
	       "refuses ip protochain: %s", err);
	ebc_cbpf_prog__free(&c);
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
	test_protochain();
	test_bad_mode();
	return tap_done();
}
