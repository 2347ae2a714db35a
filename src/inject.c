// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdlib.h>
#include <string.h>
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

/*
 * The stub is the last subprogram, so everything from its marker to the end is
 * replaced and no call offset moves. The line info libbpf already computed
 * still names instructions inside the old stub; keeping the new body at least
 * as long as the stub (padding with "ja +0" at its head) keeps those entries
 * in range and on real instructions, as the kernel requires.
 */
int ebc_inject__splice(const struct bpf_insn *insns, size_t len, const struct bpf_insn *filter,
		       size_t filter_len, struct bpf_insn **out, size_t *out_len)
{
	size_t at, stub_len, pad, n;
	struct bpf_insn *buf;
	int err;

	err = find_marker(insns, len, &at);
	if (err)
		return err;
	stub_len = len - at;
	pad = filter_len < stub_len ? stub_len - filter_len : 0;
	n = at + pad + filter_len;
	buf = calloc(n, sizeof(*buf));
	if (!buf)
		return -ENOMEM;
	memcpy(buf, insns, at * sizeof(*buf));
	for (size_t i = 0; i < pad; i++)
		buf[at + i] = (struct bpf_insn){ .code = BPF_JMP | BPF_JA };
	memcpy(buf + at + pad, filter, filter_len * sizeof(*buf));
	*out = buf;
	*out_len = n;
	return 0;
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
