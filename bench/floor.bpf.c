// SPDX-License-Identifier: GPL-2.0-only
/*
 * The eBPF floor: the least a capture can do per packet. Reserve a record in
 * a ring buffer, copy the packet into it, submit it without a wake-up, pass
 * the packet. No filter, no statistics beyond reserve failures.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "floor.h"

char LICENSE[] SEC("license") = "GPL";

/* Resized by user space (--ring-mb) before load. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} floor_ring SEC(".maps");

/* Reserve failures: the ring was full. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} floor_lost SEC(".maps");

const volatile __u32 floor_snaplen = FLOOR_SNAPLEN_MAX;

/* n clamped to [1, max] in the register the helper gets: the verifier needs the bound there. */
static __always_inline __u32 bound(__u32 n, const __u32 max)
{
	asm volatile("if %[n] <= %[max] goto +1\n\t"
		     "%[n] = %[max]\n\t"
		     "if %[n] > 0 goto +1\n\t"
		     "%[n] = 1\n\t"
		     : [n] "+r"(n)
		     : [max] "i"(max));
	return n;
}

static __always_inline void count_lost(void)
{
	__u32 key = 0;
	__u64 *n = bpf_map_lookup_elem(&floor_lost, &key);

	if (n)
		(*n)++;
}

/* bpf_ringbuf_reserve() wants a constant size: take the smallest class that holds caplen. */
#define FLOOR_CLASS(SZ)								\
	if (caplen <= (SZ)) {								\
		rec = bpf_ringbuf_reserve(&floor_ring, sizeof(*rec) + (SZ), 0);	\
		if (!rec)								\
			goto lost;							\
		rec->ts_ns = bpf_ktime_get_ns();					\
		rec->len = len;								\
		rec->caplen = caplen;							\
		if (bpf_xdp_load_bytes(ctx, 0, rec + 1, bound(caplen, SZ))) {		\
			bpf_ringbuf_discard(rec, BPF_RB_NO_WAKEUP);			\
			return XDP_PASS;						\
		}									\
		bpf_ringbuf_submit(rec, BPF_RB_NO_WAKEUP);				\
		return XDP_PASS;							\
	}

SEC("xdp")
int floor_xdp(struct xdp_md *ctx)
{
	__u32 len = bpf_xdp_get_buff_len(ctx);
	__u32 caplen = len < floor_snaplen ? len : floor_snaplen;
	struct floor_rec *rec;

	FLOOR_CLASS(128)
	FLOOR_CLASS(512)
	FLOOR_CLASS(2048)
	FLOOR_CLASS(8192)
	FLOOR_CLASS(65536)
	FLOOR_CLASS(FLOOR_SNAPLEN_MAX)
	return XDP_PASS;
lost:
	count_lost();
	return XDP_PASS;
}
