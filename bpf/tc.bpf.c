// SPDX-License-Identifier: GPL-2.0-only
/* tc tap: one program per direction, attached through tcx links or clsact. */
#include "common.bpf.h"
#include <bpf/bpf_endian.h>

#define TC_ACT_UNSPEC (-1)	/* tcx: TCX_NEXT; cls_bpf: continue with the next filter */

/* Shared with the socket-owner hooks (bpf/sock.bpf.c) when they are attached. */
#include "owners.bpf.h"

/* One copy per CPU (max_entries set to the CPU count before load). */
struct ebc_scratch_buf {
	__u8 data[EBC_SCRATCH_LEN];
};
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ebc_scratch_buf);
} ebc_scratch SEC(".maps");

/*
 * The kernel keeps the outer VLAN tag in skb metadata at tc ingress (and at
 * egress with VLAN offload), not in the packet data. Filter such a packet as it
 * was on the wire: on a per-CPU copy with the tag back after the MAC addresses
 * (the translated filter works on map memory unchanged: its loads end below
 * 64 KiB). Returns the bytes to keep of the tagged frame, 0 for no match.
 */
static __always_inline __u32 tc_match_vlan(struct __sk_buff *skb, struct ebc_tap_stats *st,
					     struct ebc_anc *anc)
{
	__u32 cpu = bpf_get_smp_processor_id(), len = skb->len, n;
	struct ebc_scratch_buf *buf = bpf_map_lookup_elem(&ebc_scratch, &cpu);

	if (!buf || len < 12 || bpf_skb_load_bytes(skb, 0, buf->data, 12)) {
		st->seen++;
		return 0;
	}
	*(__u16 *)&buf->data[12] = skb->vlan_proto;
	*(__u16 *)&buf->data[14] = bpf_htons(skb->vlan_tci);
	n = len - 12;
	if (n > EBC_SCRATCH_LEN - 16)
		n = EBC_SCRATCH_LEN - 16;
	n = ebc_clamp(n, EBC_SCRATCH_LEN - 16);
	if (bpf_skb_load_bytes(skb, 12, &buf->data[16], n)) {
		st->seen++;
		return 0;
	}
	return ebc_match(st, buf->data, &buf->data[16] + n, len + 4, anc);
}

/* What a classic program's ancillary loads read, as the kernel's socket filters see it. */
static __always_inline void tc_fill_anc(struct __sk_buff *skb, struct ebc_anc *anc)
{
	__builtin_memset(anc, 0, sizeof(*anc));
	anc->protocol = bpf_ntohs(skb->protocol);
	anc->pkttype = skb->pkt_type;
	anc->ifindex = skb->ifindex;
	anc->mark = skb->mark;
	anc->queue = skb->queue_mapping;
	anc->hatype = ebc_hatype;
	anc->rxhash = skb->hash;
	anc->cpu = bpf_get_smp_processor_id();
	anc->vlan_present = skb->vlan_present;
	anc->vlan_tci = skb->vlan_tci;
	anc->vlan_tpid = bpf_ntohs(skb->vlan_proto);
	anc->random = bpf_get_prandom_u32();
}

/* Untagged bytes needed to rebuild the first vcaplen bytes of the tagged frame. */
static __always_inline __u32 untagged_caplen(__u32 vcaplen, __u32 len)
{
	__u32 n = vcaplen <= 16 ? (vcaplen < 12 ? vcaplen : 12) : vcaplen - 4;

	return n < len ? n : len;
}

/*
 * The process behind the packet: the owner of the socket it leaves from, or
 * (ingress) of the local socket it is for, as the stack will look it up.
 * Recorded by the cgroup hooks in process context, never guessed.
 */
static __always_inline bool tc_owner(struct __sk_buff *skb, __u16 hook, struct ebc_owner *o)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct bpf_sock *sk;

	if (!ebc_want_owner)
		return false;
	if (hook == EBC_HOOK_TC_INGRESS)
		return owner_of_packet(skb, data, data_end, o);
	sk = skb->sk;
	return sk && owner_of_sock(sk, o);
}

static __always_inline struct ebc_rec *
tc_emit(struct __sk_buff *skb, struct ebc_tap_stats *st, __u32 caplen, __u16 hook)
{
	__u32 ifindex = skb->ifindex, len = skb->len;
	struct ebc_rec *rec;

#define TC_COPY(dst, n) bpf_skb_load_bytes(skb, 0, dst, n)
	EBC_EMIT_ALL(TC_COPY)
#undef TC_COPY
}

static __always_inline int tc_capture(struct __sk_buff *skb, __u16 hook)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ebc_tap_stats *st = ebc_stats_get();
	__u32 caplen, vcaplen = 0;
	struct ebc_anc anc;
	struct ebc_owner own = {};
	bool known;
	struct ebc_rec *rec;

	if (!st)
		return TC_ACT_UNSPEC;
	if (ebc_need_anc)
		tc_fill_anc(skb, &anc);
	if (skb->vlan_present && !ebc_need_anc) {
		vcaplen = tc_match_vlan(skb, st, &anc);
		caplen = untagged_caplen(vcaplen, skb->len);
	} else {
		/*
		 * A program with ancillary loads expects what a socket filter
		 * sees: the tag in metadata, not in the data. It goes back into
		 * the captured frame all the same.
		 */
		caplen = ebc_match(st, data, data_end, skb->len, &anc);
		if (caplen && skb->vlan_present)
			vcaplen = caplen + 4;
	}
	if (!caplen)
		return TC_ACT_UNSPEC;
	known = tc_owner(skb, hook, &own);
	if (!ebc_accept(st, &own, known))
		return TC_ACT_UNSPEC;
	rec = tc_emit(skb, st, caplen, hook);
	if (!rec)
		return TC_ACT_UNSPEC;
	if (vcaplen) {
		rec->flags |= EBC_REC_F_VLAN;
		rec->vlan_proto = skb->vlan_proto;
		rec->vlan_tci = skb->vlan_tci;
		rec->vlan_caplen = vcaplen;
	}
	rec->flags |= EBC_REC_F_VERDICT;
	rec->verdict = TC_ACT_UNSPEC;
	if (known)
		rec_owner(rec, &own);
	ebc_submit(rec, st);
	return TC_ACT_UNSPEC;
}

SEC("ebpfcap/tc")
int ebc_tc_ingress(struct __sk_buff *skb)
{
	return tc_capture(skb, EBC_HOOK_TC_INGRESS);
}

SEC("ebpfcap/tc")
int ebc_tc_egress(struct __sk_buff *skb)
{
	return tc_capture(skb, EBC_HOOK_TC_EGRESS);
}
