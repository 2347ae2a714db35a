/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Splicing the translated capture filter into the capture programs at load
 * time: a libbpf section handler for "ebpfcap/..." programs whose prepare-load
 * callback, after relocation, inlines the filter at every call to the stub
 * (see bpf/capture.h), so no packet pays for a BPF-to-BPF call.
 */
#ifndef EBPFCAP_INJECT_H
#define EBPFCAP_INJECT_H

#include <stddef.h>
#include <linux/bpf.h>

/* Register the handlers once per process, before the first bpf_object is opened. */
int ebc_inject__init(void);
void ebc_inject__fini(void);
/*
 * The filter body used for the programs loaded next (libbpf's callbacks carry
 * no per-object state; loads are single-threaded). NULL clears it, and a load
 * with no filter set fails rather than capturing with the stub.
 */
void ebc_inject__set_filter(const struct bpf_insn *insns, size_t len);
/*
 * Splice filter into insns[0..len) in place of every call to the stub, and drop
 * the stub. 0, -ENOENT (no stub), -EINVAL (unexpected layout) or -E2BIG (no
 * stack left for the filter's scratch). Pure, for unit tests.
 */
int ebc_inject__splice(const struct bpf_insn *insns, size_t len, const struct bpf_insn *filter,
		       size_t filter_len, struct bpf_insn **out, size_t *out_len);

#endif /* EBPFCAP_INJECT_H */
