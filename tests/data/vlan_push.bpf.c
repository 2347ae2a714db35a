// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test fixture: tag every IPv4 ICMP packet leaving a device with VLAN 100
 * (802.1Q). The receiving side's stack moves the tag into skb metadata before
 * tc ingress, which is what ebpfcap must put back. (This machine's kernel has
 * no 802.1Q devices, so tags are made here.)
 */
#include "vmlinux.h"
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("tc")
int vlan_push(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);

	if ((void *)(ip + 1) > end || eth->h_proto != bpf_htons(0x0800) || ip->protocol != 1)
		return -1;	/* TC_ACT_UNSPEC */
	bpf_skb_vlan_push(skb, bpf_htons(0x8100), 100);
	return -1;
}
