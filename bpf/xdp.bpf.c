// SPDX-License-Identifier: GPL-2.0-only
/* XDP tap: our own program at the device's XDP hook; every packet passes. */
#include "common.bpf.h"
#include "owners.bpf.h"

static __always_inline struct ebc_rec *
xdp_emit(struct xdp_md *ctx, struct ebc_tap_stats *st, __u32 len, __u32 caplen)
{
	__u32 ifindex = ctx->ingress_ifindex;
	__u16 hook = EBC_HOOK_XDP;
	struct ebc_rec *rec;

#define XDP_COPY(dst, n) bpf_xdp_load_bytes(ctx, 0, dst, n)
	EBC_EMIT_ALL(XDP_COPY)
#undef XDP_COPY
}

/*
 * Ancillary data an XDP program can give: no skb yet, so no protocol, packet
 * type, mark or hash; a VLAN tag is still in the data, so none is in metadata.
 */
static __always_inline void xdp_fill_anc(struct xdp_md *ctx, struct ebc_anc *anc)
{
	__builtin_memset(anc, 0, sizeof(*anc));
	anc->ifindex = ctx->ingress_ifindex;
	anc->queue = ctx->rx_queue_index;
	anc->hatype = ebc_hatype;
	anc->cpu = bpf_get_smp_processor_id();
	anc->random = bpf_get_prandom_u32();
}

/*
 * Record the packet with verdict action, and return it. Our own program at
 * the hook passes everything; in the hook-map mode (xdpcap's convention,
 * bpf/ebpfcap_xdp_hook.h) an XDP program tail-calls the slot of its action in
 * a pinned prog array on exit, and the capture program in that slot records
 * the packet as the program leaves it and returns the action unchanged.
 */
static __always_inline int xdp_capture(struct xdp_md *ctx, int action)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ebc_tap_stats *st = ebc_stats_get();
	struct ebc_anc anc;
	struct ebc_rec *rec;
	__u32 len, caplen;
	struct ebc_owner own = {};
	bool known;

	if (!st)
		return action;
	if (ebc_need_anc)
		xdp_fill_anc(ctx, &anc);
	/* With multi-buffer frames the length on the wire includes the fragments. */
	len = bpf_xdp_get_buff_len(ctx);
	caplen = ebc_match(st, data, data_end, len, &anc);
	if (!caplen)
		return action;
	known = ebc_want_owner && owner_by_addr(data, data_end, &own);
	if (!ebc_accept(st, &own, known))
		return action;
	rec = xdp_emit(ctx, st, len, caplen);
	if (!rec)
		return action;
	rec->flags |= EBC_REC_F_VERDICT;
	rec->verdict = action;
	if (known)
		rec_owner(rec, &own);
	ebc_submit(rec, st);
	return action;
}

SEC("ebpfcap/xdp")
int ebc_xdp(struct xdp_md *ctx)
{
	return xdp_capture(ctx, XDP_PASS);
}

SEC("ebpfcap/xdp")
int ebc_xdp_hook_aborted(struct xdp_md *ctx)
{
	return xdp_capture(ctx, XDP_ABORTED);
}

SEC("ebpfcap/xdp")
int ebc_xdp_hook_drop(struct xdp_md *ctx)
{
	return xdp_capture(ctx, XDP_DROP);
}

SEC("ebpfcap/xdp")
int ebc_xdp_hook_pass(struct xdp_md *ctx)
{
	return xdp_capture(ctx, XDP_PASS);
}

SEC("ebpfcap/xdp")
int ebc_xdp_hook_tx(struct xdp_md *ctx)
{
	return xdp_capture(ctx, XDP_TX);
}

SEC("ebpfcap/xdp")
int ebc_xdp_hook_redirect(struct xdp_md *ctx)
{
	return xdp_capture(ctx, XDP_REDIRECT);
}
