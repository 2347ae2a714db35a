/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Test support for cbpf2c: a small eBPF interpreter for the subset the
 * translator emits, and libpcap's bpf_filter() to compare it with.
 */
#ifndef EBPFCAP_TEST_EBPF_INTERP_H
#define EBPFCAP_TEST_EBPF_INTERP_H

#include <stddef.h>
#include <stdint.h>
#include <linux/bpf.h>

#include "cbpf.h"

/*
 * Run a translated filter body with r1 = pkt, r2 = pkt + caplen, r3 = wirelen.
 * Packet pointers are tracked as such: a read outside [pkt, pkt + caplen), a
 * read of an unwritten register or stack slot, arithmetic on pointers beyond
 * add/move, a jump before the start, more than EBPF_INTERP_MAX_STEPS steps
 * (-ELOOP: a loop the translation failed to bound), or an instruction outside
 * the subset is an error (-EFAULT, -EINVAL, reason in errbuf), not a result.
 */
#define EBPF_INTERP_MAX_STEPS 1000000

int ebpf_interp_run(const struct bpf_insn *insns, size_t len, const uint8_t *pkt,
		    uint32_t caplen, uint32_t wirelen, uint32_t *ret,
		    char *errbuf, size_t errlen);

/*
 * libpcap's classic interpreter, declared here against our own instruction
 * layout: <pcap/bpf.h> cannot be included next to <linux/bpf.h> (both define
 * struct bpf_insn), and struct ebc_cbpf_insn is laid out like libpcap's.
 */
unsigned int bpf_filter(const struct ebc_cbpf_insn *pc, const unsigned char *pkt,
			unsigned int wirelen, unsigned int buflen);

#endif /* EBPFCAP_TEST_EBPF_INTERP_H */
