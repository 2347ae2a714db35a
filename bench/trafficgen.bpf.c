// SPDX-License-Identifier: GPL-2.0-only
/*
 * The traffic generator's program. Run by BPF_PROG_RUN with
 * BPF_F_TEST_XDP_LIVE_FRAMES, the kernel turns XDP_TX into a redirect out of
 * the context's ingress device, so every run sends the frame once.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("xdp")
int tg_tx(struct xdp_md *ctx)
{
	return XDP_TX;
}
