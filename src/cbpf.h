/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A classic BPF program, independent of <pcap/bpf.h> and <linux/filter.h>:
 * both define struct bpf_insn differently from <linux/bpf.h>, so modules that
 * speak eBPF use this layout (identical to struct sock_filter).
 */
#ifndef EBPFCAP_CBPF_H
#define EBPFCAP_CBPF_H

#include <stddef.h>
#include <stdint.h>

struct ebc_cbpf_insn {
	uint16_t code;
	uint8_t jt;
	uint8_t jf;
	uint32_t k;
};

struct ebc_cbpf_prog {
	struct ebc_cbpf_insn *insns;
	size_t len;
};

#endif /* EBPFCAP_CBPF_H */
