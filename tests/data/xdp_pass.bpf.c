// SPDX-License-Identifier: GPL-2.0-only
/* Someone else's XDP program, for the test that ebpfcap refuses to replace it. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("xdp")
int foreign_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}
