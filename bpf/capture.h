/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel/user contract: record layout, hook kinds, per-tap statistics and
 * the filter stub's calling convention. Included by the BPF programs (after
 * vmlinux.h) and by user space (after <linux/types.h>).
 */
#ifndef EBPFCAP_CAPTURE_H
#define EBPFCAP_CAPTURE_H

/* Where a record was taken. Values are stable: they appear in comments and tests. */
enum ebc_hook {
	EBC_HOOK_TC_INGRESS = 1,
	EBC_HOOK_TC_EGRESS = 2,
	EBC_HOOK_XDP = 3,
};

/* Record flags. */
#define EBC_REC_F_PID      (1U << 0)	/* pid, tid and comm are valid */
#define EBC_REC_F_VERDICT  (1U << 1)	/* verdict is valid */
#define EBC_REC_F_VLAN     (1U << 2)	/* the tag was in skb metadata: see vlan_* */

#define EBC_COMM_LEN 16
#define EBC_MAX_TAPS 256
#define EBC_SNAPLEN_MAX 262144
/* The copy a VLAN-offloaded packet is filtered on: every filter load ends below 64 KiB. */
#define EBC_SCRATCH_LEN 65536

/*
 * One captured packet in the ring buffer: this header, then caplen bytes.
 * drops counts the packets this tap lost on this CPU (ring full) since the
 * previous record of the same tap on the same CPU: the sum over all records
 * plus the final per-tap counter is the total, which is what epb_dropcount
 * and isb_osdrop report.
 */
struct ebc_rec {
	__u64 ts_ns;		/* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__u32 tap;		/* index into the taps configured by user space */
	__u32 ifindex;
	__u32 len;		/* length on the wire */
	__u32 caplen;		/* bytes that follow */
	__u32 drops;
	__u16 hook;		/* enum ebc_hook */
	__u16 cpu;
	__u32 flags;		/* EBC_REC_F_* */
	__s32 verdict;		/* the hook's return code for this packet */
	__u32 pid;		/* tgid */
	__u32 tid;
	char comm[EBC_COMM_LEN];
	/*
	 * With EBC_REC_F_VLAN: the data lacks the outer 802.1Q/802.1ad tag that
	 * the kernel keeps in skb metadata (always at tc ingress, with VLAN
	 * offload at egress). User space re-inserts it after the MAC addresses,
	 * as libpcap does from PACKET_AUXDATA; the frame is then len + 4 bytes
	 * long on the wire and vlan_caplen bytes are kept (the filter saw the
	 * tagged frame). caplen counts the untagged bytes that follow.
	 */
	__u16 vlan_proto;	/* TPID, network byte order */
	__u16 vlan_tci;		/* host byte order */
	__u32 vlan_caplen;
};

/*
 * The process behind a socket, keyed by socket cookie: filled in process
 * context by the cgroup socket hooks (socket(), connect(), sendmsg()), read by
 * the taps for packets that carry a socket. Never guessed from "current",
 * which in softirq context is whatever task was interrupted.
 */
struct ebc_owner {
	__u32 pid;		/* tgid */
	__u32 tid;
	char comm[EBC_COMM_LEN];
};
#define EBC_MAX_OWNERS 65536

/* Per tap, per CPU: what the hook saw, what the filter accepted, what the ring lost. */
struct ebc_tap_stats {
	__u64 seen;
	__u64 accepted;
	__u64 ring_drops;
	__u64 pending_drops;	/* ring_drops not yet reported in a record */
};

/*
 * The filter stub. Called with r1 = first packet byte, r2 = end of the bytes
 * the filter may read (direct packet access), r3 = packet length on the wire.
 * Returns in r0 the number of bytes to capture (0: no match). The loader finds
 * the stub by its marker instruction (r0 = EBC_FILTER_MARKER as the stub's
 * first instruction), puts the translated capture filter in place of every
 * call to it, and drops the stub (src/inject.c).
 */
#define EBC_FILTER_MARKER 0x7ebcf17

#endif /* EBPFCAP_CAPTURE_H */
