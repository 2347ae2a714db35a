/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bench/floor's record: what floor.bpf.c writes before the packet bytes and
 * floor.c reads. Included after vmlinux.h (BPF) or <linux/types.h> (user space).
 */
#ifndef EBPFCAP_BENCH_FLOOR_H
#define EBPFCAP_BENCH_FLOOR_H

struct floor_rec {
	__u64 ts_ns;
	__u32 len;	/* on the wire */
	__u32 caplen;	/* bytes that follow */
};

/* The largest snaplen, and the largest size class the program reserves. */
#define FLOOR_SNAPLEN_MAX 262144

#endif /* EBPFCAP_BENCH_FLOOR_H */
