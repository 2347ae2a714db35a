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

static struct ebc_inject_body cur_bodies[EBC_INJECT_MAX_BODIES];
static size_t cur_nbodies;
static int handler_ids[4] = { -1, -1, -1, -1 };

static int find_marker(const struct bpf_insn *insns, size_t len, int32_t marker, size_t *at)
{
	size_t found = 0;

	for (size_t i = 0; i < len; i++) {
		if (insns[i].code == (BPF_ALU64 | BPF_MOV | BPF_K) && insns[i].dst_reg == BPF_REG_0 &&
		    insns[i].imm == marker) {
			*at = i;
			found++;
		}
	}
	return found == 1 ? 0 : -ENOENT;
}

static bool is_pseudo_call(const struct bpf_insn *in)
{
	return in->code == (BPF_JMP | BPF_CALL) && in->src_reg == BPF_PSEUDO_CALL;
}

/* The body whose stub the pseudo call at i reaches, or -1 for any other call. */
static int stub_called(const struct bpf_insn *in, size_t i, const size_t *stubs, size_t n)
{
	if (!is_pseudo_call(in))
		return -1;
	for (size_t b = 0; b < n; b++)
		if ((long)i + 1 + in->imm == (long)stubs[b])
			return (int)b;
	return -1;
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
 * The stubs are the program's only subprograms, after its main body: find
 * them, check that every BPF-to-BPF call goes to one, and size the result.
 */
static int locate_stubs(const struct bpf_insn *insns, size_t len,
			const struct ebc_inject_body *bodies, size_t nbodies, size_t *stubs,
			size_t *main_len, size_t *out_len)
{
	size_t end = len, n;
	int err;

	for (size_t b = 0; b < nbodies; b++) {
		err = find_marker(insns, len, bodies[b].marker, &stubs[b]);
		if (err)
			return err;
		end = stubs[b] < end ? stubs[b] : end;
	}
	n = end;
	for (size_t i = 0; i < end; i++) {
		int b = stub_called(&insns[i], i, stubs, nbodies);

		if (b >= 0)
			n += bodies[b].len - 1;
		else if (is_pseudo_call(&insns[i]))
			return -EINVAL;	/* another subprogram: not our layout */
	}
	*main_len = end;
	*out_len = n;
	return 0;
}

/*
 * Replace every call to a stub (found by its marker) with that stub's filter
 * body itself, and drop the stubs: no BPF-to-BPF call on the per-packet path.
 * Jumps in the caller that cross a call site are relinked through an
 * old-to-new index table.
 */
int ebc_inject__splice_n(const struct bpf_insn *insns, size_t len,
			 const struct ebc_inject_body *bodies, size_t nbodies, struct bpf_insn **out,
			 size_t *out_len)
{
	size_t stubs[EBC_INJECT_MAX_BODIES], end, n, *map = NULL;
	struct bpf_insn *buf = NULL;
	int err, shift;

	if (!nbodies || nbodies > EBC_INJECT_MAX_BODIES)
		return -EINVAL;
	err = locate_stubs(insns, len, bodies, nbodies, stubs, &end, &n);
	if (err)
		return err;
	shift = caller_stack_depth(insns, end);
	map = calloc(end + 1, sizeof(*map));
	buf = calloc(n ? n : 1, sizeof(*buf));
	if (!map || !buf) {
		err = -ENOMEM;
		goto fail;
	}
	for (size_t i = 0, o = 0; i <= end; i++) {
		int b = i < end ? stub_called(&insns[i], i, stubs, nbodies) : -1;

		map[i] = o;
		o += b >= 0 ? bodies[b].len : 1;
	}
	for (size_t i = 0; i < end; i++) {
		struct bpf_insn in = insns[i];
		int b = stub_called(&in, i, stubs, nbodies);

		if (b >= 0) {
			if (!inline_body(&buf[map[i]], bodies[b].insns, bodies[b].len, shift)) {
				err = -E2BIG;
				goto fail;
			}
			continue;
		}
		if (is_jump(&in)) {
			long t = (long)i + 1 + in.off;

			if (t < 0 || t > (long)end) {
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

int ebc_inject__splice(const struct bpf_insn *insns, size_t len, const struct bpf_insn *filter,
		       size_t filter_len, struct bpf_insn **out, size_t *out_len)
{
	struct ebc_inject_body body = { EBC_FILTER_MARKER, filter, filter_len };

	return ebc_inject__splice_n(insns, len, &body, 1, out, out_len);
}
static int prepare_load(struct bpf_program *prog, struct bpf_prog_load_opts *opts, long cookie)
{
	const struct bpf_insn *old = bpf_program__insns(prog);
	size_t len = bpf_program__insn_cnt(prog), n, nused = 0, at;
	struct ebc_inject_body used[EBC_INJECT_MAX_BODIES];
	struct bpf_insn *insns;
	int err;

	if (!cur_nbodies) {
		ebc_debug("no capture filter set for %s", bpf_program__name(prog));
		return -EINVAL;
	}
	/* Only the stubs this program calls were linked into it. */
	for (size_t b = 0; b < cur_nbodies; b++)
		if (!find_marker(old, len, cur_bodies[b].marker, &at))
			used[nused++] = cur_bodies[b];
	if (!nused)
		return 0;	/* a helper program that filters nothing */
	err = ebc_inject__splice_n(old, len, used, nused, &insns, &n);
	if (err) {
		ebc_debug("cannot splice the filter into %s: %s", bpf_program__name(prog),
			  ebc_strerror(err));
		return err;
	}
	err = bpf_program__set_insns(prog, insns, n);
	free(insns);
	/*
	 * The stubs' subprograms are gone and the instructions moved: BTF func and
	 * line info no longer describe them. The kernel does not need them.
	 */
	opts->func_info = NULL;
	opts->func_info_cnt = 0;
	opts->line_info = NULL;
	opts->line_info_cnt = 0;
	ebc_debug("spliced %zu filter(s) into %s (%zu instructions in all)", nused,
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
		/*
		 * Tracing taps: user space sets the real type (tp_btf, raw_tp,
		 * fentry, fexit; kprobe or kretprobe) and the target before load.
		 */
		{ "ebpfcap/trace", BPF_PROG_TYPE_TRACING, BPF_TRACE_RAW_TP },
		{ "ebpfcap/kprobe", BPF_PROG_TYPE_KPROBE, 0 },
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

void ebc_inject__set_filters(const struct ebc_inject_body *bodies, size_t n)
{
	cur_nbodies = 0;
	for (size_t i = 0; i < n && i < EBC_INJECT_MAX_BODIES; i++)
		cur_bodies[cur_nbodies++] = bodies[i];
}
