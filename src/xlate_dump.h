/* SPDX-License-Identifier: GPL-2.0-only */
/* cbpf2c for humans: the translation as eBPF assembly (-d) and as C (--dump-c). */
#ifndef EBPFCAP_XLATE_DUMP_H
#define EBPFCAP_XLATE_DUMP_H

#include <stdio.h>
#include "cbpf.h"
#include "xlate.h"

/* One instruction a line, "(idx) assembly" in the kernel verifier's notation. */
int ebc_xlate_dump__ebpf(FILE *out, const struct ebc_ebpf_prog *prog);
/*
 * The classic program as C in the shape of polycube's cbpf2c: one labelled
 * statement per classic instruction, explicit bounds checks that return 0 (no
 * match). The output is a complete translation unit that compiles with
 * clang -target bpf and defines
 *   static __always_inline __u32 ebpfcap_filter(const __u8 *pkt, const __u8 *end, __u32 len)
 * plus a SEC("tc") wrapper, so it can be loaded and compared.
 */
int ebc_xlate_dump__c(FILE *out, const struct ebc_cbpf_prog *prog, char *errbuf, size_t len);

#endif /* EBPFCAP_XLATE_DUMP_H */
