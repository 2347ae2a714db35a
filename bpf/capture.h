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
	EBC_HOOK_TRACE = 4,	/* a tracepoint or kernel function: see ebc_rec.trace */
	EBC_HOOK_XDP_ENTRY = 5,	/* fentry on an attached XDP program: the packet it gets */
	EBC_HOOK_XDP_EXIT = 6,	/* fexit: the packet as it leaves it, and its verdict */
};

/* Record flags. */
#define EBC_REC_F_PID      (1U << 0)	/* pid, tid and comm are valid */
#define EBC_REC_F_VERDICT  (1U << 1)	/* verdict is valid */
#define EBC_REC_F_VLAN     (1U << 2)	/* the tag was in skb metadata: see vlan_* */
#define EBC_REC_F_L3       (1U << 3)	/* no MAC header: data starts at the IP header */
#define EBC_REC_F_REASON   (1U << 4)	/* trace.reason is a drop reason */
#define EBC_REC_F_NETNS    (1U << 5)	/* trace.netns is valid */
#define EBC_REC_F_PKTID    (1U << 6)	/* trace.packet_id links the entry and exit copies */

#define EBC_COMM_LEN 16
#define EBC_MAX_TAPS 256
#define EBC_SNAPLEN_MAX 262144
/* The copy a VLAN-offloaded packet is filtered on: every filter load ends below 64 KiB. */
#define EBC_SCRATCH_LEN 65536

/*
 * What a tracing tap adds: where in the kernel the packet was seen. The
 * device is named here because it may live in another network namespace
 * than the capturing process, where no ifindex lookup could find it.
 */
struct ebc_rec_trace {
	__u64 location;		/* kfree_skb: the caller that dropped it (kernel address) */
	__u32 reason;		/* with EBC_REC_F_REASON: enum skb_drop_reason */
	__u32 netns;		/* with EBC_REC_F_NETNS: the network namespace inode */
	char ifname[16];	/* "" when the skb had no device */
	__u64 packet_id;	/* with EBC_REC_F_PKTID: per CPU, CPU in the top byte */
};

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
	struct ebc_rec_trace trace;	/* EBC_HOOK_TRACE only; zero elsewhere */
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
	__u64 cgroup;		/* the process's cgroup v2 id (at the --cgroup level when one is given) */
};
#define EBC_MAX_OWNERS 65536

/*
 * XDP runs before any socket and cannot read socket storage, so the owners are
 * also kept by address: TCP connections once established (sock_ops), UDP
 * sockets once bound (post_bind). The network namespace cookie keeps two
 * namespaces' equal addresses apart. Ports and addresses in network order;
 * a UDP key has no remote side.
 */
struct ebc_owner_key {
	__u64 netns;		/* netns cookie */
	__u32 proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	__u16 lport;
	__u16 rport;
	__u32 laddr[4];		/* IPv4: laddr[0] only */
	__u32 raddr[4];
};

/* Per tap, per CPU: what the hook saw, what the filter accepted, what the ring lost. */
struct ebc_tap_stats {
	__u64 seen;
	__u64 accepted;
	__u64 ring_drops;
	__u64 pending_drops;	/* ring_drops not yet reported in a record */
	__u64 last_wakeup;	/* when this tap last woke the reader from this CPU */
};

/*
 * Records are submitted without waking the reader, except when this tap on
 * this CPU has not woken it for EBC_WAKEUP_NS: a wake-up per packet (an
 * interrupt, then an IPI to the reader's CPU) would cost more than the
 * capture itself. While records arrive, the reader drains the ring once per
 * EBC_READER_PERIOD_NS without waiting for a wake-up, which also keeps it from
 * chasing the producer record by record across CPUs; it sleeps on the ring
 * only after a drain that found nothing. The first record after that wakes
 * it: its tap's last wake-up is older than the reader's last period.
 */
#define EBC_WAKEUP_NS 500000ull
#define EBC_READER_PERIOD_NS 1000000ull

/*
 * Metadata a classic program reads with Linux's ancillary loads
 * (ld [SKF_AD_OFF + SKF_AD_*]), filled by the hook before the filter runs when
 * the translation asks for it. One __u32 per SKF_AD_* code, in code order
 * (field = code / 4), values as the kernel's classic BPF gives them.
 * A hook answers only what it knows; ebc_xlate refuses the rest by name.
 */
struct ebc_anc {
	__u32 protocol;		/* SKF_AD_PROTOCOL: ethertype, host order */
	__u32 pkttype;		/* SKF_AD_PKTTYPE: PACKET_HOST, ... */
	__u32 ifindex;		/* SKF_AD_IFINDEX */
	__u32 nlattr;		/* SKF_AD_NLATTR: never answered */
	__u32 nlattr_nest;	/* SKF_AD_NLATTR_NEST: never answered */
	__u32 mark;		/* SKF_AD_MARK */
	__u32 queue;		/* SKF_AD_QUEUE */
	__u32 hatype;		/* SKF_AD_HATYPE: ARPHRD_* */
	__u32 rxhash;		/* SKF_AD_RXHASH */
	__u32 cpu;		/* SKF_AD_CPU */
	__u32 alu_xor_x;	/* SKF_AD_ALU_XOR_X: not a load, translated inline */
	__u32 vlan_tci;		/* SKF_AD_VLAN_TAG: TCI of the tag kept in metadata */
	__u32 vlan_present;	/* SKF_AD_VLAN_TAG_PRESENT: 1 when there is one */
	__u32 pay_offset;	/* SKF_AD_PAY_OFFSET: never answered */
	__u32 random;		/* SKF_AD_RANDOM */
	__u32 vlan_tpid;	/* SKF_AD_VLAN_TPID: host order */
};
#define EBC_ANC_FIELDS 16
/* Bit (code / 4) per ancillary load a hook answers: the translator's anc_mask. */
#define EBC_ANC_BIT(code) (1U << ((code) / 4))

/*
 * The filter stubs. Called with r1 = first packet byte, r2 = end of the bytes
 * the filter may read (direct packet access, or the end of a copy in map
 * memory), r3 = packet length on the wire, r4 = struct ebc_anc * (read only
 * when the filter uses ancillary loads; may be NULL otherwise). Returns in r0
 * the number of bytes to capture (0: no match). The loader finds each stub by
 * its marker instruction (r0 = marker, the stub's first instruction), puts the
 * translated capture filter in place of every call to it, and drops the stub
 * (src/inject.c). A program has the link-layer stub, and tracing programs also
 * the L3 one: the same expression compiled for raw IP, run on packets that
 * have no MAC header.
 */
/*
 * One packet for the trace program's offline replay entry (-r --hook trace),
 * written by user space into its one-element map before each test run.
 */
struct ebc_replay_pkt {
	__u32 len;		/* on the wire */
	__u32 caplen;		/* bytes in data */
	__u32 l3;		/* 1: data starts at the IP header */
	__u32 pad;
	__u8 data[EBC_SCRATCH_LEN];
};

#define EBC_FILTER_MARKER 0x7ebcf17
#define EBC_FILTER_MARKER_L3 0x7ebcf13

/* ---- the socket-syscall tap (bpf/sockets.bpf.c, src/sockets.c) ------------ */

/* What a socket record reports. */
enum ebc_sock_event {
	EBC_SOCK_EV_DATA = 1,	/* bytes read or written (len 0 with a read: end of stream) */
	EBC_SOCK_EV_CONNECT = 2,	/* connect() succeeded or is in progress */
	EBC_SOCK_EV_ACCEPT = 3,	/* accept() returned a new connection: fd is the new one */
	EBC_SOCK_EV_CLOSE = 4,	/* close() of the socket's last file reference */
};

/* The syscalls the tap hooks. Values are stable: src/sockets.c names them. */
enum ebc_sock_syscall {
	EBC_SYS_ACCEPT = 0,
	EBC_SYS_ACCEPT4,
	EBC_SYS_CONNECT,
	EBC_SYS_READ,
	EBC_SYS_WRITE,
	EBC_SYS_READV,
	EBC_SYS_WRITEV,
	EBC_SYS_RECVFROM,
	EBC_SYS_SENDTO,
	EBC_SYS_RECVMSG,
	EBC_SYS_SENDMSG,
	EBC_SYS_CLOSE,
	EBC_SYS_COUNT,
};

#define EBC_SOCK_DIR_OUT 0	/* the process wrote: local -> remote */
#define EBC_SOCK_DIR_IN 1	/* the process read: remote -> local */

/*
 * One socket event in the sockets tap's ring buffer: this header, then caplen
 * payload bytes. Addresses are in network byte order (IPv4 in the first four
 * bytes), ports in host order. key names the connection (the struct sock
 * address): stable while the socket lives. drops counts the events this CPU
 * lost (ring full) since its previous record.
 */
struct ebc_sock_rec {
	__u64 ts_ns;		/* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__u64 key;
	__u32 pid;		/* tgid */
	__u32 tid;
	char comm[EBC_COMM_LEN];
	__s32 fd;
	__u32 len;		/* bytes the syscall transferred */
	__u32 caplen;		/* bytes that follow (snap length applied) */
	__u32 drops;
	__u16 family;		/* AF_INET or AF_INET6 */
	__u8 proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	__u8 event;		/* enum ebc_sock_event */
	__u8 syscall;		/* enum ebc_sock_syscall */
	__u8 dir;		/* EBC_SOCK_DIR_* */
	__u16 lport;
	__u16 rport;
	__u16 pad;
	__u8 laddr[16];
	__u8 raddr[16];
	__u32 reserved;		/* zero; keeps the size a multiple of 8 */
};

#endif /* EBPFCAP_CAPTURE_H */
