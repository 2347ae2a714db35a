/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared by the benchmarks: tc programs from raw instructions, and medians. */
#ifndef EBPFCAP_BENCH_UTIL_H
#define EBPFCAP_BENCH_UTIL_H

#include <stddef.h>
#include <linux/bpf.h>
#include "cbpf.h"

/* Load insns as a SCHED_CLS program: fd, or -errno with the verifier's last word in err. */
int bench_load_tc(const char *name, const struct bpf_insn *insns, size_t len,
		  char *err, size_t errlen);
/*
 * Translate cbpf with ebc_xlate() and load it in a tc program that sets
 * r1 = data, r2 = data_end, r3 = len and calls the filter stub. BENCH_SPLICED
 * then splices the body in place of the call with ebc_inject__splice(), as the
 * datapath does; BENCH_CALL keeps a BPF-to-BPF call to the body, to price it.
 */
enum bench_ours_shape { BENCH_SPLICED, BENCH_CALL };
int bench_load_ours(const struct ebc_cbpf_prog *cbpf, enum bench_ours_shape shape,
		    char *err, size_t errlen);
/* Sorts v in place. */
double bench_median(double *v, int n);

#endif /* EBPFCAP_BENCH_UTIL_H */
