// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/types.h>
#include "capture.h"
#include "inject.h"
#include "log.h"

static const struct bpf_insn *cur_filter;
static size_t cur_filter_len;
static int handler_ids[2] = { -1, -1 };

static int find_marker(const struct bpf_insn *insns, size_t len, size_t *at)
{
	size_t found = 0;

	for (size_t i = 0; i < len; i++) {
		if (insns[i].code == (BPF_ALU64 | BPF_MOV | BPF_K) && insns[i].dst_reg == BPF_REG_0 &&
		    insns[i].imm == EBC_FILTER_MARKER) {
			*at = i;
			found++;
		}
	}
	return found == 1 ? 0 : -ENOENT;
}

static bool is_stub_call(const struct bpf_insn *in, size_t i, size_t stub)
{
	return in->code == (BPF_JMP | BPF_CALL) && in->src_reg == BPF_PSEUDO_CALL &&
	       (long)i + 1 + in->imm == (long)stub;
}

static bool is_jump(const struct bpf_insn *in)
{
	uint8_t cls = BPF_CLASS(in->code), op = BPF_OP(in->code);

	return (cls == BPF_JMP || cls == BPF_JMP32) && op != BPF_CALL && op != BPF_EXIT;
}

/*
 * How deep below r10 the caller's own stack goes: direct accesses, and
 * pointers made as "rX = r10; rX += K" (handed to helpers). Clang emits the
 * two together, so a linear scan that forgets a register on any other write
 * is enough for our programs.
 */
static int caller_stack_depth(const struct bpf_insn *insns, size_t n)
{
	bool from_fp[11] = { false };
	int depth = 0;

	for (size_t i = 0; i < n; i++) {
		const struct bpf_insn *in = &insns[i];
		uint8_t cls = BPF_CLASS(in->code);

		if ((cls == BPF_LDX && in->src_reg == BPF_REG_10) ||
		    ((cls == BPF_STX || cls == BPF_ST) && in->dst_reg == BPF_REG_10))
			depth = depth > -in->off ? depth : -in->off;
		if (in->code == (BPF_ALU64 | BPF_MOV | BPF_X) && in->src_reg == BPF_REG_10) {
			from_fp[in->dst_reg] = true;
			continue;
		}
		if (in->code == (BPF_ALU64 | BPF_ADD | BPF_K) && from_fp[in->dst_reg])
			depth = depth > -in->imm ? depth : -in->imm;
		if (cls != BPF_STX && cls != BPF_ST && cls != BPF_JMP && cls != BPF_JMP32 &&
		    in->dst_reg <= BPF_REG_10)
			from_fp[in->dst_reg] = false;
	}
	return (depth + 7) & ~7;
}

/*
 * The body as it stands at a call site: its exits jump past its end, and its
 * r10-relative scratch moves below the caller's stack. False when it would not
 * fit in the 512-byte frame.
 */
static bool inline_body(struct bpf_insn *dst, const struct bpf_insn *body, size_t m, int shift)
{
	for (size_t j = 0; j < m; j++) {
		struct bpf_insn in = body[j];
		uint8_t cls = BPF_CLASS(in.code);

		if (in.code == (BPF_JMP | BPF_EXIT)) {
			in = (struct bpf_insn){ .code = BPF_JMP | BPF_JA, .off = (int16_t)(m - j - 1) };
		} else if ((cls == BPF_LDX && in.src_reg == BPF_REG_10) ||
			   ((cls == BPF_STX || cls == BPF_ST) && in.dst_reg == BPF_REG_10)) {
			if (in.off - shift < -512)
				return false;
			in.off -= shift;
		}
		dst[j] = in;
	}
	return true;
}

/*
 * Replace every call to the stub (the last subprogram, found by its marker)
 * with the filter body itself, and drop the stub: no BPF-to-BPF call on the
 * per-packet path. Jumps in the caller that cross a call site are relinked
 * through an old-to-new index table.
 */
int ebc_inject__splice(const struct bpf_insn *insns, size_t len, const struct bpf_insn *filter,
		       size_t filter_len, struct bpf_insn **out, size_t *out_len)
{
	size_t stub = 0, ncalls = 0, n, *map = NULL;
	struct bpf_insn *buf = NULL;
	int err, shift;

	err = find_marker(insns, len, &stub);
	if (err)
		return err;
	for (size_t i = 0; i < stub; i++) {
		if (is_stub_call(&insns[i], i, stub))
			ncalls++;
		else if (insns[i].code == (BPF_JMP | BPF_CALL) && insns[i].src_reg == BPF_PSEUDO_CALL)
			return -EINVAL;	/* another subprogram: not our layout */
	}
	shift = caller_stack_depth(insns, stub);
	n = stub + ncalls * (filter_len - 1);
	map = calloc(stub + 1, sizeof(*map));
	buf = calloc(n ? n : 1, sizeof(*buf));
	if (!map || !buf) {
		err = -ENOMEM;
		goto fail;
	}
	for (size_t i = 0, o = 0; i <= stub; i++) {
		map[i] = o;
		if (i < stub)
			o += is_stub_call(&insns[i], i, stub) ? filter_len : 1;
	}
	for (size_t i = 0; i < stub; i++) {
		struct bpf_insn in = insns[i];

		if (is_stub_call(&in, i, stub)) {
			if (!inline_body(&buf[map[i]], filter, filter_len, shift)) {
				err = -E2BIG;
				goto fail;
			}
			continue;
		}
		if (is_jump(&in)) {
			long t = (long)i + 1 + in.off;

			if (t < 0 || t > (long)stub) {
				err = -EINVAL;
				goto fail;
			}
			in.off = (int16_t)((long)map[t] - (long)map[i] - 1);
		}
		buf[map[i]] = in;
	}
	free(map);
	*out = buf;
	*out_len = n;
	return 0;
fail:
	free(map);
	free(buf);
	return err;
}

static int prepare_load(struct bpf_program *prog, struct bpf_prog_load_opts *opts, long cookie)
{
	struct bpf_insn *insns;
	size_t n;
	int err;

	if (!cur_filter) {
		ebc_debug("no capture filter set for %s", bpf_program__name(prog));
		return -EINVAL;
	}
	err = ebc_inject__splice(bpf_program__insns(prog), bpf_program__insn_cnt(prog),
				 cur_filter, cur_filter_len, &insns, &n);
	if (err) {
		ebc_debug("filter stub not found in %s: %s", bpf_program__name(prog),
			  ebc_strerror(err));
		return err;
	}
	err = bpf_program__set_insns(prog, insns, n);
	free(insns);
	/*
	 * The stub's subprogram is gone and the instructions moved: BTF func and
	 * line info no longer describe them. The kernel does not need them.
	 */
	opts->func_info = NULL;
	opts->func_info_cnt = 0;
	opts->line_info = NULL;
	opts->line_info_cnt = 0;
	ebc_debug("spliced %zu filter instructions into %s (%zu in all)", cur_filter_len,
		  bpf_program__name(prog), n);
	return err;
}

int ebc_inject__init(void)
{
	LIBBPF_OPTS(libbpf_prog_handler_opts, opts, .prog_prepare_load_fn = prepare_load);
	static const struct {
		const char *sec;
		enum bpf_prog_type type;
		enum bpf_attach_type attach;
	} secs[] = {
		{ "ebpfcap/tc", BPF_PROG_TYPE_SCHED_CLS, 0 },
		/* The real expected attach type, or bpf_link_create() on XDP fails with EINVAL. */
		{ "ebpfcap/xdp", BPF_PROG_TYPE_XDP, BPF_XDP },
	};

	if (handler_ids[0] >= 0)
		return 0;
	for (size_t i = 0; i < sizeof(secs) / sizeof(secs[0]); i++) {
		int id = libbpf_register_prog_handler(secs[i].sec, secs[i].type, secs[i].attach,
						      &opts);
		if (id < 0) {
			ebc_inject__fini();
			return id;
		}
		handler_ids[i] = id;
	}
	return 0;
}

void ebc_inject__fini(void)
{
	for (size_t i = 0; i < sizeof(handler_ids) / sizeof(handler_ids[0]); i++) {
		if (handler_ids[i] >= 0)
			libbpf_unregister_prog_handler(handler_ids[i]);
		handler_ids[i] = -1;
	}
}

void ebc_inject__set_filter(const struct bpf_insn *insns, size_t len)
{
	cur_filter = insns;
	cur_filter_len = len;
}
