/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What every capture program shares: the ring buffer and statistics maps
 * (created by user space and reused by each object), the filter stub, and the
 * record emission. Everything here is always inlined except the stub, which
 * must stay the program's only subprogram: the loader inlines the translated
 * capture filter at each call to it and drops it.
 */
#ifndef EBPFCAP_COMMON_BPF_H
#define EBPFCAP_COMMON_BPF_H

/*
 * Context fields (__sk_buff, xdp_md) are stable UAPI: no CO-RE relocations,
 * so these taps load on kernels without BTF.
 */
#define BPF_NO_PRESERVE_ACCESS_INDEX
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "capture.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);	/* replaced: user space passes its own map */
} ebc_ring SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, EBC_MAX_TAPS);
	__type(key, __u32);
	__type(value, struct ebc_tap_stats);
} ebc_stats SEC(".maps");

/* Set by user space before load; the verifier sees them as constants. */
const volatile __u32 ebc_snaplen = EBC_SNAPLEN_MAX;
const volatile __u32 ebc_tap = 0;
/* The filter reads ancillary data (SKF_AD_*): the hook fills a struct ebc_anc for it. */
const volatile bool ebc_need_anc = false;
/* ARPHRD_* of the device (SKF_AD_HATYPE), set by user space. */
const volatile __u32 ebc_hatype = 1;

/*
 * A filter stub: its first instruction is the marker the loader looks for.
 * The asm output keeps clang from folding a constant result into the caller;
 * the inputs keep the arguments alive in r1-r4.
 */
#define EBC_FILTER_STUB(NAME, MARKER)							\
	static __noinline __u32 NAME(void *data, void *data_end, __u32 len, void *anc)	\
	{										\
		__u32 ret;								\
											\
		asm volatile("%[ret] = %[marker]"					\
			     : [ret] "=r"(ret)						\
			     : [marker] "i"(MARKER), "r"(data), "r"(data_end), "r"(len),	\
			       "r"(anc));						\
		return ret;								\
	}

EBC_FILTER_STUB(ebc_filter, EBC_FILTER_MARKER)
/* The same expression compiled for raw IP: tracing taps run it on packets without a MAC header. */
EBC_FILTER_STUB(ebc_filter_l3, EBC_FILTER_MARKER_L3)

/* Selection in the kernel (--pid, --comm, --cgroup): set by user space; 0 / "" is no condition. */
const volatile __u32 ebc_sel_pid = 0;
const volatile char ebc_sel_comm[EBC_COMM_LEN] = {};
const volatile __u64 ebc_sel_cgroup = 0;
const volatile bool ebc_sel_on = false;

/* Whether a packet of this process (known: there is one) passes --pid, --comm and --cgroup. */
static __always_inline bool owner_selected(const struct ebc_owner *o, bool known)
{
	if (!ebc_sel_on)
		return true;
	if (!known)
		return false;
	if (ebc_sel_pid && o->pid != ebc_sel_pid)
		return false;
	if (ebc_sel_cgroup && o->cgroup != ebc_sel_cgroup)
		return false;
	for (int i = 0; i < EBC_COMM_LEN && ebc_sel_comm[0]; i++) {
		if (o->comm[i] != ebc_sel_comm[i])
			return false;
		if (!o->comm[i])
			break;
	}
	return true;
}

static __always_inline struct ebc_tap_stats *ebc_stats_get(void)
{
	__u32 key = ebc_tap;

	return bpf_map_lookup_elem(&ebc_stats, &key);
}

/*
 * A packet the filter matched is accepted once it also passes --pid, --comm
 * and --cgroup (o: its process, known: there is one): counted, then captured.
 */
static __always_inline bool ebc_accept(struct ebc_tap_stats *st, const struct ebc_owner *o,
				       bool known)
{
	if (!owner_selected(o, known))
		return false;
	st->accepted++;
	return true;
}

/* Run the filter; returns the number of bytes to capture, 0 when rejected. */
static __always_inline __u32 ebc_match(struct ebc_tap_stats *st, void *data, void *data_end,
				       __u32 len, struct ebc_anc *anc)
{
	__u32 caplen;

	st->seen++;
	caplen = ebc_filter(data, data_end, len, anc);
	if (!caplen)
		return 0;
	if (caplen > len)
		caplen = len;
	if (caplen > ebc_snaplen)
		caplen = ebc_snaplen;
	return caplen;
}

static __always_inline void ebc_rec_fill(struct ebc_rec *rec, struct ebc_tap_stats *st,
					 __u32 ifindex, __u32 len, __u32 caplen, __u16 hook)
{
	rec->ts_ns = bpf_ktime_get_ns();
	rec->tap = ebc_tap;
	rec->ifindex = ifindex;
	rec->len = len;
	rec->caplen = caplen;
	rec->drops = st->pending_drops;
	st->pending_drops = 0;
	rec->hook = hook;
	rec->cpu = bpf_get_smp_processor_id();
	rec->flags = 0;
	rec->verdict = 0;
	rec->pid = 0;
	rec->tid = 0;
	rec->vlan_proto = 0;
	rec->vlan_tci = 0;
	rec->vlan_caplen = 0;
}

/*
 * Clamp v into [1, max] with checks clang cannot drop as redundant: the
 * verifier must see the bound on the very register passed as a size.
 */
static __always_inline __u32 ebc_clamp(__u32 v, const __u32 max)
{
	asm volatile("if %[v] <= %[max] goto +1\n\t"
		     "%[v] = %[max]\n\t"
		     "if %[v] > 0 goto +1\n\t"
		     "%[v] = 1\n\t"
		     : [v] "+r"(v)
		     : [max] "i"(max));
	return v;
}

/* The bpf_ringbuf_submit/output flag of a record stamped now: see EBC_WAKEUP_NS. */
static __always_inline __u64 ebc_wakeup(struct ebc_tap_stats *st, __u64 now)
{
	if (now - st->last_wakeup < EBC_WAKEUP_NS)
		return BPF_RB_NO_WAKEUP;
	st->last_wakeup = now;
	return BPF_RB_FORCE_WAKEUP;
}

static __always_inline void ebc_submit(struct ebc_rec *rec, struct ebc_tap_stats *st)
{
	bpf_ringbuf_submit(rec, ebc_wakeup(st, rec->ts_ns));
}

static __always_inline void ebc_lost(struct ebc_tap_stats *st)
{
	st->ring_drops++;
	st->pending_drops++;
}

/*
 * bpf_ringbuf_reserve() wants a constant size: reserve the smallest of a few
 * size classes that holds caplen, then copy with the hook's load helper
 * (which also reads paged data). COPY(dst, n) must return 0 on success.
 */
#define EBC_EMIT_CLASS(SZ, COPY)							\
	if (caplen <= (SZ)) {								\
		rec = bpf_ringbuf_reserve(&ebc_ring, sizeof(*rec) + (SZ), 0);		\
		if (!rec)								\
			goto lost;							\
		ebc_rec_fill(rec, st, ifindex, len, caplen, hook);			\
		if (COPY((void *)(rec + 1), ebc_clamp(caplen, SZ)))			\
			goto discard;							\
		return rec;								\
	}

#define EBC_EMIT_ALL(COPY)								\
	EBC_EMIT_CLASS(128, COPY)							\
	EBC_EMIT_CLASS(512, COPY)							\
	EBC_EMIT_CLASS(2048, COPY)							\
	EBC_EMIT_CLASS(8192, COPY)							\
	EBC_EMIT_CLASS(65536, COPY)							\
	EBC_EMIT_CLASS(EBC_SNAPLEN_MAX, COPY)						\
	return NULL;									\
discard:										\
	bpf_ringbuf_discard(rec, 0);							\
	return NULL;									\
lost:											\
	ebc_lost(st);									\
	return NULL;

#endif /* EBPFCAP_COMMON_BPF_H */
