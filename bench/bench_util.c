// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "bench_util.h"
#include "capture.h"
#include "inject.h"
#include "xlate.h"

#define LOG_SIZE (1 << 20)

/* The verifier says why it refused on the line before its statistics. */
static void last_line(char *log, char *err, size_t errlen)
{
	char *end = strstr(log, "\nprocessed "), *start;

	if (!end)
		end = log + strlen(log);
	while (end > log && end[-1] == '\n')
		end--;
	*end = '\0';
	start = strrchr(log, '\n');
	snprintf(err, errlen, "%s", start ? start + 1 : log);
}

int bench_load_tc(const char *name, const struct bpf_insn *insns, size_t len,
		  char *err, size_t errlen)
{
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .log_size = LOG_SIZE, .log_level = 1);
	char *log;
	int fd, saved;

	fd = bpf_prog_load(BPF_PROG_TYPE_SCHED_CLS, name, "GPL", insns, len, NULL);
	if (fd >= 0)
		return fd;
	saved = -errno;
	/* Load again, only to learn why. */
	log = calloc(1, LOG_SIZE);
	if (!log) {
		snprintf(err, errlen, "cannot load %s: %s", name, strerror(-saved));
		return saved;
	}
	opts.log_buf = log;
	fd = bpf_prog_load(BPF_PROG_TYPE_SCHED_CLS, name, "GPL", insns, len, &opts);
	if (fd >= 0) {
		free(log);
		return fd;
	}
	last_line(log, err, errlen);
	free(log);
	return saved;
}

int bench_load_ours(const struct ebc_cbpf_prog *cbpf, enum bench_ours_shape shape,
		    char *err, size_t errlen)
{
	struct ebc_xlate_opts xo = { .mode = EBC_XLATE_DIRECT };
	struct ebc_ebpf_prog body = { 0 };
	/* The call's imm is relative to the next instruction: the stub follows exit. */
	const struct bpf_insn head[] = {
		{ .code = BPF_LDX | BPF_MEM | BPF_W, .dst_reg = 2, .src_reg = 1,
		  .off = offsetof(struct __sk_buff, data_end) },
		{ .code = BPF_LDX | BPF_MEM | BPF_W, .dst_reg = 3, .src_reg = 1,
		  .off = offsetof(struct __sk_buff, len) },
		{ .code = BPF_LDX | BPF_MEM | BPF_W, .dst_reg = 1, .src_reg = 1,
		  .off = offsetof(struct __sk_buff, data) },
		{ .code = BPF_JMP | BPF_CALL, .src_reg = BPF_PSEUDO_CALL, .imm = 1 },
		{ .code = BPF_JMP | BPF_EXIT },
		/* the stub, as bpf/common.bpf.h compiles it */
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .imm = EBC_FILTER_MARKER },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	size_t nhead = sizeof(head) / sizeof(head[0]), n;
	struct bpf_insn *insns = NULL;
	int fd;

	fd = ebc_xlate(cbpf, &xo, &body, err, errlen);
	if (fd)
		return fd;
	if (shape == BENCH_SPLICED) {
		fd = ebc_inject__splice(head, nhead, body.insns, body.len, &insns, &n);
	} else {
		/* the call form: the body replaces the stub, as the first datapath did */
		n = nhead - 2 + body.len;
		insns = malloc(n * sizeof(*insns));
		fd = insns ? 0 : -ENOMEM;
		if (insns) {
			memcpy(insns, head, (nhead - 2) * sizeof(*insns));
			memcpy(insns + nhead - 2, body.insns, body.len * sizeof(*insns));
		}
	}
	if (fd) {
		ebc_ebpf_prog__free(&body);
		snprintf(err, errlen, "cannot build the program: %s", strerror(-fd));
		return fd;
	}
	fd = bench_load_tc("bench_ours", insns, n, err, errlen);
	free(insns);
	ebc_ebpf_prog__free(&body);
	return fd;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double bench_median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[n / 2];
}
