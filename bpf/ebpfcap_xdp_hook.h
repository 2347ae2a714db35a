/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Let ebpfcap see what your XDP program does to each packet, without
 * changing what it does: xdpcap's hook convention. Declare a hook map, pin
 * it, and return through ebpfcap_xdp_exit():
 *
 *	#include <linux/bpf.h>
 *	#include <bpf/bpf_helpers.h>
 *	#include <ebpfcap/ebpfcap_xdp_hook.h>
 *
 *	EBPFCAP_XDP_HOOK(xdp_hook);
 *
 *	SEC("xdp")
 *	int prog(struct xdp_md *ctx)
 *	{
 *		...
 *		return ebpfcap_xdp_exit(ctx, &xdp_hook, XDP_DROP);
 *	}
 *
 * libbpf pins the map as /sys/fs/bpf/xdp_hook (LIBBPF_PIN_BY_NAME; the
 * directory can be changed with bpf_object_open_opts.pin_root_path); then
 *	ebpfcap -i xdphook:/sys/fs/bpf/xdp_hook -w out.pcapng
 * fills the map with capture programs, one per action, each of which records
 * the packet with that verdict and returns it. While nothing captures, the
 * map is empty, the tail call fails, and the program returns the action
 * itself: the cost is one failed tail call per packet.
 */
#ifndef EBPFCAP_XDP_HOOK_H
#define EBPFCAP_XDP_HOOK_H

/* XDP_ABORTED .. XDP_REDIRECT: one slot per action. */
#define EBPFCAP_XDP_HOOK_SLOTS 5

#define EBPFCAP_XDP_HOOK(name)						\
	struct {							\
		__uint(type, BPF_MAP_TYPE_PROG_ARRAY);			\
		__uint(max_entries, EBPFCAP_XDP_HOOK_SLOTS);		\
		__uint(key_size, sizeof(__u32));			\
		__uint(value_size, sizeof(__u32));			\
		__uint(pinning, LIBBPF_PIN_BY_NAME);			\
	} name SEC(".maps")

/* Return action, through the capture program in the hook's slot for it if there is one. */
static __always_inline int ebpfcap_xdp_exit(struct xdp_md *ctx, void *hook, int action)
{
	bpf_tail_call(ctx, hook, action);
	return action;
}

#endif /* EBPFCAP_XDP_HOOK_H */
