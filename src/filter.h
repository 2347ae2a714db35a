/* SPDX-License-Identifier: GPL-2.0-only */
/* The capture filter: libpcap syntax compiled to classic BPF (pcap_compile on a dead handle). */
#ifndef EBPFCAP_FILTER_H
#define EBPFCAP_FILTER_H

#include "cbpf.h"

/*
 * Compile expr for link type dlt (DLT_EN10MB, DLT_RAW, ...) with snaplen.
 * NULL or empty expr: a program that accepts every packet with snaplen bytes.
 * 0 or -EINVAL with "invalid capture filter \"EXPR\": <libpcap's message>" in errbuf.
 */
int ebc_filter__compile(const char *expr, int dlt, unsigned int snaplen,
			struct ebc_cbpf_prog *out, char *errbuf, size_t errlen);
/*
 * A classic program from a file in tcpdump -ddd format: the instruction
 * count, then "code jt jf k" per instruction, separated by newlines or commas
 * (as bpf_asm and tc's bytecode option take it). 0 or -errno with the reason.
 */
int ebc_filter__read(const char *path, struct ebc_cbpf_prog *out, char *errbuf, size_t errlen);
void ebc_cbpf_prog__free(struct ebc_cbpf_prog *prog);
/* Human-readable listing of a classic program, one instruction a line, like tcpdump -d. */
int ebc_filter__dump(const struct ebc_cbpf_prog *prog, char *buf, size_t len);

#endif /* EBPFCAP_FILTER_H */
