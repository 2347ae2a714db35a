// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test fixture: an XDP program instrumented with ebpfcap's hook (xdpcap's
 * convention) with a known rule, so the test can tell each captured packet's
 * verdict from its UDP destination port:
 *	IPv4 UDP to 40100	XDP_DROP
 *	IPv4 UDP to 40101	XDP_TX (sent back as is: only the verdict matters)
 *	IPv4 UDP to 40102	XDP_ABORTED (on purpose)
 *	anything else		XDP_PASS
 * A frame too short for the headers it claims matches no rule and passes: a
 * failed bound check means "no match", never "drop".
 *
 * The same rule twice: xdp_rule for SEC("xdp") with hook map xdp_hook, and
 * xdp_rule_frags for SEC("xdp.frags") (loaded with BPF_F_XDP_HAS_FRAGS) with
 * xdp_hook_frags. A prog array takes only programs of its owner's kind, so the
 * capture programs for the second must be loaded with that flag too.
 */
#include "vmlinux.h"
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include "ebpfcap_xdp_hook.h"

char LICENSE[] SEC("license") = "GPL";

#define PORT_DROP	40100
#define PORT_TX		40101
#define PORT_ABORTED	40102
#define ETH_P_IPV4	0x0800
#define IP_MF_OFFSET	0x3fff	/* more fragments and the fragment offset */

EBPFCAP_XDP_HOOK(xdp_hook);
EBPFCAP_XDP_HOOK(xdp_hook_frags);

/* The verdict for a frame: by the UDP destination port of an unfragmented IPv4 datagram. */
static __always_inline int rule(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);
	struct udphdr *udp;

	if ((void *)(ip + 1) > end || eth->h_proto != bpf_htons(ETH_P_IPV4))
		return XDP_PASS;
	/* Only the first fragment carries the UDP header; take whole datagrams only. */
	if (ip->ihl < 5 || ip->protocol != IPPROTO_UDP || (ip->frag_off & bpf_htons(IP_MF_OFFSET)))
		return XDP_PASS;
	udp = (void *)ip + ip->ihl * 4;
	if ((void *)(udp + 1) > end)
		return XDP_PASS;
	switch (bpf_ntohs(udp->dest)) {
	case PORT_DROP:
		return XDP_DROP;
	case PORT_TX:
		return XDP_TX;
	case PORT_ABORTED:
		return XDP_ABORTED;
	default:
		return XDP_PASS;
	}
}

SEC("xdp")
int xdp_rule(struct xdp_md *ctx)
{
	return ebpfcap_xdp_exit(ctx, &xdp_hook, rule(ctx));
}

SEC("xdp.frags")
int xdp_rule_frags(struct xdp_md *ctx)
{
	return ebpfcap_xdp_exit(ctx, &xdp_hook_frags, rule(ctx));
}
