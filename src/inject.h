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
#include <stdint.h>
#include <linux/bpf.h>

/* A translated filter and the marker of the stub it replaces (bpf/capture.h). */
struct ebc_inject_body {
	int32_t marker;
	const struct bpf_insn *insns;
	size_t len;
};
#define EBC_INJECT_MAX_BODIES 2

/* Register the handlers once per process, before the first bpf_object is opened. */
int ebc_inject__init(void);
void ebc_inject__fini(void);
/*
 * The filter bodies used for the programs loaded next (libbpf's callbacks
 * carry no per-object state; loads are single-threaded). Each program gets
 * the bodies whose stubs it calls. n = 0 clears them, and a load with none
 * set fails rather than capturing with the stub.
 */
void ebc_inject__set_filters(const struct ebc_inject_body *bodies, size_t n);
/*
 * Splice each body into insns[0..len) in place of every call to its stub, and
 * drop the stubs. 0, -ENOENT (a stub is missing), -EINVAL (unexpected layout)
 * or -E2BIG (no stack left for the filter's scratch). Pure, for unit tests.
 */
int ebc_inject__splice_n(const struct bpf_insn *insns, size_t len,
			 const struct ebc_inject_body *bodies, size_t nbodies, struct bpf_insn **out,
			 size_t *out_len);
/* The same for one body at the link-layer stub (EBC_FILTER_MARKER). */
int ebc_inject__splice(const struct bpf_insn *insns, size_t len, const struct bpf_insn *filter,
		       size_t filter_len, struct bpf_insn **out, size_t *out_len);

#endif /* EBPFCAP_INJECT_H */
