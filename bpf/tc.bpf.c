// SPDX-License-Identifier: GPL-2.0-only
/* tc tap: one program per direction, attached through tcx links or clsact. */
#include "common.bpf.h"

#define TC_ACT_UNSPEC (-1)	/* tcx: TCX_NEXT; cls_bpf: continue with the next filter */

/* Shared with the socket-owner hooks (bpf/sock.bpf.c) when they are attached. */
#include "owners.bpf.h"

const volatile bool ebc_want_owner = false;

/* The process behind the packet's socket, where a hook saw it in process context. */
static __always_inline void tc_owner(struct __sk_buff *skb, struct ebc_rec *rec)
{
	struct ebc_owner *o;
	__u64 cookie;

	if (!ebc_want_owner)
		return;
	cookie = bpf_get_socket_cookie(skb);
	if (!cookie)
		return;
	o = bpf_map_lookup_elem(&ebc_owners, &cookie);
	if (!o)
		return;
	rec->pid = o->pid;
	rec->tid = o->tid;
	__builtin_memcpy(rec->comm, o->comm, sizeof(rec->comm));
	rec->flags |= EBC_REC_F_PID;
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
	struct ebc_rec *rec;
	__u32 caplen;

	if (!st)
		return TC_ACT_UNSPEC;
	caplen = ebc_match(st, data, data_end, skb->len);
	if (!caplen)
		return TC_ACT_UNSPEC;
	rec = tc_emit(skb, st, caplen, hook);
	if (!rec)
		return TC_ACT_UNSPEC;
	rec->flags |= EBC_REC_F_VERDICT;
	rec->verdict = TC_ACT_UNSPEC;
	tc_owner(skb, rec);
	bpf_ringbuf_submit(rec, 0);
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
