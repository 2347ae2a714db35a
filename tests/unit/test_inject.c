// SPDX-License-Identifier: GPL-2.0-only
/*
 * The filter splice (src/inject.c) on hand-built programs: the body replaces
 * every call to the stub, its exits jump past it, its stack moves below the
 * caller's, and the caller's jumps across call sites still land where they did.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>
#include "capture.h"
#include "inject.h"
#include "tap.h"

#define I(c, d, s, o, i) ((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })
#define MOV_K(d, i)	I(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define CALL_REL(off)	I(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, off)
#define EXIT		I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)
#define JA(off)		I(BPF_JMP | BPF_JA, 0, 0, off, 0)
#define MARKER		MOV_K(0, EBC_FILTER_MARKER)

static int same(const struct bpf_insn *a, const struct bpf_insn *b)
{
	return a->code == b->code && a->dst_reg == b->dst_reg && a->src_reg == b->src_reg &&
	       a->off == b->off && a->imm == b->imm;
}

/* Body used everywhere: "if r1 > r2 exit(0); M[0] = A; A = M[0]; exit". */
static const struct bpf_insn body[] = {
	I(BPF_JMP | BPF_JGT | BPF_X, 1, 2, 1, 0),	/* 0: to 2 */
	I(BPF_STX | BPF_MEM | BPF_W, 10, 0, -64, 0),	/* 1 */
	EXIT,						/* 2 */
	I(BPF_LDX | BPF_MEM | BPF_W, 0, 10, -64, 0),	/* 3 */
	EXIT,						/* 4 */
};
#define BODY_LEN (sizeof(body) / sizeof(body[0]))

static void test_one_call(void)
{
	/* r6 = 1; if r6 == 0 goto L(after call); call stub; L: exit; stub: marker; exit */
	const struct bpf_insn prog[] = {
		MOV_K(6, 1), I(BPF_JMP | BPF_JEQ | BPF_K, 6, 0, 1, 0), CALL_REL(1), EXIT,
		MARKER, EXIT,
	};
	struct bpf_insn *out = NULL;
	size_t n = 0;
	int err = ebc_inject__splice(prog, 6, body, BODY_LEN, &out, &n);

	tap_ok(!err && n == 3 + BODY_LEN, "one call: the stub goes, the body comes in (%zu insns)", n);
	if (err || n != 3 + BODY_LEN)
		goto out;
	tap_ok(out[1].off == (int16_t)BODY_LEN, "one call: a jump over the call site now jumps over the body");
	tap_ok(same(&out[2], &body[0]), "one call: the body starts at the call site");
	tap_ok(out[2 + 2].code == (BPF_JMP | BPF_JA) && out[2 + 2].off == 2 &&
	       out[2 + 4].code == (BPF_JMP | BPF_JA) && out[2 + 4].off == 0,
	       "one call: the body's exits jump to the instruction after it");
	tap_ok(out[2 + 1].off == -64 && out[2 + 3].off == -64,
	       "one call: no caller stack, no shift");
	tap_ok(out[2 + BODY_LEN].code == (BPF_JMP | BPF_EXIT), "one call: the caller's exit follows");
	for (size_t i = 0; i < n; i++)
		if (out[i].code == (BPF_JMP | BPF_CALL))
			return (void)tap_ok(0, "one call: no call left");
	tap_ok(1, "one call: no call left");
out:
	free(out);
}

static void test_two_calls_and_stack(void)
{
	/*
	 * 0: r2 = r10   1: r2 += -24   2: *(u32 *)(r10 -4) = 0   3: call stub
	 * 4: if r0 == 0 goto 7   5: call stub   6: ja -7 (to 0)   7: exit   8: stub
	 */
	const struct bpf_insn prog[] = {
		I(BPF_ALU64 | BPF_MOV | BPF_X, 2, 10, 0, 0), I(BPF_ALU64 | BPF_ADD | BPF_K, 2, 0, 0, -24),
		I(BPF_ST | BPF_MEM | BPF_W, 10, 0, -4, 0), CALL_REL(4),
		I(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 2, 0), CALL_REL(2), JA(-7), EXIT,
		MARKER, EXIT,
	};
	struct bpf_insn *out = NULL;
	size_t n = 0, b1 = 3, b2 = 3 + BODY_LEN + 1;
	int err = ebc_inject__splice(prog, 10, body, BODY_LEN, &out, &n);

	tap_ok(!err && n == 6 + 2 * BODY_LEN, "two calls: both inlined (%zu insns)", n);
	if (err || n != 6 + 2 * BODY_LEN)
		goto out;
	tap_ok(same(&out[b1], &body[0]) && same(&out[b2], &body[0]), "two calls: a body at each site");
	tap_ok(out[b1 + 1].off == -64 - 24 && out[b2 + 3].off == -64 - 24,
	       "two calls: the body's stack moves below the caller's 24 bytes");
	tap_ok(out[b1 + BODY_LEN].off == (int16_t)(BODY_LEN + 1),
	       "two calls: a forward jump across the second body is relinked");
	tap_ok((long)(b2 + BODY_LEN) + 1 + out[b2 + BODY_LEN].off == 0,
	       "two calls: a backward jump across both bodies still lands on 0");
out:
	free(out);
}

/*
 * Two stubs (trace programs: the link-layer and the raw-IP filter), in
 * either order after the caller: each call gets its own body.
 */
static void test_two_stubs(void)
{
	const struct bpf_insn l3_body[] = { MOV_K(0, 7), EXIT };
	const struct ebc_inject_body bodies[] = {
		{ EBC_FILTER_MARKER, body, BODY_LEN },
		{ EBC_FILTER_MARKER_L3, l3_body, 2 },
	};
	/* call L3 (insn 4); call L2 (insn 6); exit; L3: marker; exit; L2: marker; exit */
	const struct bpf_insn prog[] = {
		CALL_REL(2), CALL_REL(3), EXIT, MOV_K(0, EBC_FILTER_MARKER_L3), EXIT, MARKER, EXIT,
	};
	struct bpf_insn *out = NULL;
	size_t n = 0;
	int err = ebc_inject__splice_n(prog, 7, bodies, 2, &out, &n);

	tap_ok(!err && n == 2 + BODY_LEN + 1, "two stubs: both calls replaced, both stubs gone (%zu)", n);
	if (err || n != 2 + BODY_LEN + 1)
		goto out;
	tap_ok(same(&out[0], &l3_body[0]), "two stubs: the first call gets the L3 body");
	tap_ok(same(&out[2], &body[0]), "two stubs: the second call gets the L2 body");
	tap_ok(out[n - 1].code == (BPF_JMP | BPF_EXIT), "two stubs: the caller's exit ends it");
	free(out);
	out = NULL;
	tap_ok(ebc_inject__splice_n(prog, 5, bodies, 2, &out, &n) == -ENOENT,
	       "two stubs: a body whose stub is missing: -ENOENT");
out:
	free(out);
}

static void test_refusals(void)
{
	const struct bpf_insn nostub[] = { MOV_K(0, 0), EXIT };
	const struct bpf_insn other[] = { CALL_REL(1), EXIT, EXIT, MARKER, EXIT };	/* calls insn 2 */
	const struct bpf_insn deep[] = {
		I(BPF_ST | BPF_MEM | BPF_W, 10, 0, -480, 0), CALL_REL(1), EXIT, MARKER, EXIT,
	};
	struct bpf_insn *out = NULL;
	size_t n;

	tap_ok(ebc_inject__splice(nostub, 2, body, BODY_LEN, &out, &n) == -ENOENT,
	       "no stub marker: -ENOENT");
	tap_ok(ebc_inject__splice(other, 5, body, BODY_LEN, &out, &n) == -EINVAL,
	       "a call to another subprogram: -EINVAL");
	tap_ok(ebc_inject__splice(deep, 5, body, BODY_LEN, &out, &n) == -E2BIG,
	       "no room below the caller's stack: -E2BIG");
}

int main(void)
{
	test_one_call();
	test_two_calls_and_stack();
	test_two_stubs();
	test_refusals();
	return tap_done();
}
