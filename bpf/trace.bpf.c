// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tracing taps: an sk_buff seen by a tracepoint or at a kernel function's
 * entry or exit. One body, loaded as whichever program type this kernel
 * allows (user space sets the type and attach target before load): tp_btf or
 * raw_tp for tracepoints, fentry/fexit or kprobe/kretprobe for functions.
 *
 * The packet is copied into a per-CPU buffer (from the MAC header when the
 * skb has one, else from the network header), filtered there by the
 * translated expression for that link layer, and emitted from the copy.
 * Everything read from the kernel goes through CO-RE reads, which work for
 * every program type here; the BTF-typed programs also read paged data.
 */
#include "common.bpf.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>
#include "owners.bpf.h"

/* Which argument holds what, per tracepoint or function; -1: none. */
const volatile __s32 ebc_skb_arg = 0;
const volatile __s32 ebc_reason_arg = -1;
const volatile __s32 ebc_location_arg = -1;
/* The BTF-typed program may read paged fragments through an skb dynptr. */
const volatile bool ebc_use_dynptr = false;
/* Only packets of this network namespace (inode); 0: all. */
const volatile __u32 ebc_netns = 0;
/* Bytes copied for the filter when the snap length asks for fewer. */
const volatile __u32 ebc_filter_min = 2048;

/* How far before skb->data a MAC header may start for us to copy it. */
#define TRACE_PRE_MAX 1024
/* Room for the bytes before skb->data and a whole snap length after them (GSO skbs pass 64 KiB). */
#define TRACE_BUF_LEN (EBC_SNAPLEN_MAX + TRACE_PRE_MAX)
#define MAC_UNSET 0xffff
#define ARPHRD_ETHER 1
#define ARPHRD_LOOPBACK 772
#define PF_KTHREAD 0x00200000

extern int bpf_dynptr_from_skb(struct __sk_buff *skb, __u64 flags,
			       struct bpf_dynptr *ptr) __ksym __weak;

struct trace_buf {
	__u8 data[TRACE_BUF_LEN];
};
/* One per CPU (max_entries set to the CPU count before load): too big for a per-CPU map. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct trace_buf);
} ebc_tbuf SEC(".maps");

/* kretprobe: the sk_buff the entry saw, per thread. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, __u64);
} ebc_kret_skb SEC(".maps");

/* Where the packet starts in the skb and what the copy holds. */
struct trace_pkt {
	struct sk_buff *skb;
	unsigned char *head;
	__u32 start;		/* offset from head of the first byte we report */
	__u32 data_off;		/* skb->data - skb->head */
	__u32 len;		/* length from start on the wire */
	__u32 copied;		/* bytes in the buffer */
	bool l3;
};

/*
 * A tracing program's context is the argument array; the verifier wants each
 * read at a constant offset, and prunes the cases a constant index rules out.
 */
#define CTX_LOAD(i)							\
	case i:								\
		asm volatile("%[v] = *(u64 *)(%[c] + %[o])"		\
			     : [v] "=r"(v) : [c] "r"(ctx), [o] "i"((i) * 8)); \
		return v;

/* clang would merge plain loads into one through a computed pointer, which the verifier refuses. */
static __always_inline __u64 ctx_arg(__u64 *ctx, __s32 i)
{
	__u64 v;

	switch (i) {
	CTX_LOAD(0) CTX_LOAD(1) CTX_LOAD(2) CTX_LOAD(3) CTX_LOAD(4) CTX_LOAD(5)
	CTX_LOAD(6) CTX_LOAD(7) CTX_LOAD(8) CTX_LOAD(9) CTX_LOAD(10) CTX_LOAD(11)
	}
	return 0;
}

static __always_inline __u64 regs_arg(struct pt_regs *regs, __s32 i)
{
	switch (i) {
	case 0: return PT_REGS_PARM1_CORE(regs);
	case 1: return PT_REGS_PARM2_CORE(regs);
	case 2: return PT_REGS_PARM3_CORE(regs);
	case 3: return PT_REGS_PARM4_CORE(regs);
	case 4: return PT_REGS_PARM5_CORE(regs);
	}
	return 0;
}

static __always_inline __u32 skb_netns(struct sk_buff *skb, struct net_device *dev)
{
	struct sock *sk;

	if (dev)
		return BPF_CORE_READ(dev, nd_net.net, ns.inum);
	sk = BPF_CORE_READ(skb, sk);
	if (sk)
		return BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
	return 0;
}

/*
 * Where to report from: the MAC header of an Ethernet-like device when it is
 * set and not after data (a received or transmitted frame), otherwise the IP
 * header (locally generated packets before the link layer, devices without
 * one): the raw-IP interface.
 */
static __always_inline void trace_locate(struct trace_pkt *p, struct net_device *dev)
{
	struct sk_buff *skb = p->skb;
	__u16 mac = BPF_CORE_READ(skb, mac_header);
	__u16 nh = BPF_CORE_READ(skb, network_header);
	__u32 len = BPF_CORE_READ(skb, len);
	unsigned short type = dev ? BPF_CORE_READ(dev, type) : 0;

	p->head = BPF_CORE_READ(skb, head);
	p->data_off = (unsigned char *)BPF_CORE_READ(skb, data) - p->head;
	p->l3 = mac == MAC_UNSET || mac > p->data_off || p->data_off - mac > TRACE_PRE_MAX ||
		(type != ARPHRD_ETHER && type != ARPHRD_LOOPBACK);
	if (!p->l3)
		p->start = mac;
	else if (nh && nh < p->data_off && p->data_off - nh <= TRACE_PRE_MAX)
		p->start = nh;
	else
		p->start = p->data_off;
	p->len = len + (p->data_off - p->start);
}

/*
 * Copy what the filter and the snap length need: the bytes before data
 * (linear), then from data on, through the skb dynptr (paged fragments too)
 * where the program type allows it, else the linear part only.
 */
static __always_inline int trace_copy(struct trace_pkt *p, struct trace_buf *buf)
{
	struct sk_buff *skb = p->skb;
	__u32 pre = p->data_off - p->start, want, n;
	__u32 linear = BPF_CORE_READ(skb, len) - BPF_CORE_READ(skb, data_len);

	want = ebc_snaplen > ebc_filter_min ? ebc_snaplen : ebc_filter_min;
	pre = ebc_clamp(pre, TRACE_PRE_MAX);
	if (p->data_off == p->start)
		pre = 0;
	else if (bpf_probe_read_kernel(buf->data, pre, p->head + p->start))
		return -1;
	n = p->len - pre;
	if (n > want)
		n = want;
	if (!ebc_use_dynptr && n > linear)
		n = linear;
	if (!n) {
		p->copied = pre;
		return 0;
	}
	n = ebc_clamp(n, EBC_SNAPLEN_MAX);
	if (ebc_use_dynptr) {
		struct bpf_dynptr dp;

		if (bpf_dynptr_from_skb((struct __sk_buff *)skb, 0, &dp) ||
		    bpf_dynptr_read(&buf->data[pre], n, &dp, 0, 0))
			return -1;
		/*
		 * The verifier keeps the slot typed as a dynptr; overwrite it, or
		 * clang's reuse of the slot for a later helper's output is refused.
		 */
		__builtin_memset(&dp, 0, sizeof(dp));
		asm volatile("" : : "r"(&dp) : "memory");
	} else if (bpf_probe_read_kernel(&buf->data[pre], n, p->head + p->data_off)) {
		return -1;
	}
	p->copied = pre + n;
	return 0;
}

static __always_inline void trace_anc(struct trace_pkt *p, struct net_device *dev,
				      struct ebc_anc *anc)
{
	struct sk_buff *skb = p->skb;

	__builtin_memset(anc, 0, sizeof(*anc));
	anc->protocol = bpf_ntohs(BPF_CORE_READ(skb, protocol));
	anc->pkttype = BPF_CORE_READ_BITFIELD_PROBED(skb, pkt_type);
	anc->ifindex = dev ? BPF_CORE_READ(dev, ifindex) : 0;
	anc->mark = BPF_CORE_READ(skb, mark);
	anc->queue = BPF_CORE_READ(skb, queue_mapping);
	anc->hatype = dev ? BPF_CORE_READ(dev, type) : 0;
	anc->rxhash = BPF_CORE_READ(skb, hash);
	anc->cpu = bpf_get_smp_processor_id();
	anc->vlan_tci = BPF_CORE_READ(skb, vlan_tci);
	anc->vlan_tpid = bpf_ntohs(BPF_CORE_READ(skb, vlan_proto));
	anc->vlan_present = anc->vlan_tci || anc->vlan_tpid;
	anc->random = bpf_get_prandom_u32();
}

/*
 * The task is "current" only in process context. Softirqs run the networking
 * stack in whatever task they interrupted (or in ksoftirqd), and the kernel's
 * preempt count, which would say so, is a per-CPU variable a BPF program
 * cannot always address. The call stack can tell: softirq processing always
 * goes through the functions whose ranges user space put in ebc_irq_funcs.
 * Without them, no process is named: left out, never wrong.
 */
#define TRACE_STACK_DEPTH 32
#define TRACE_IRQ_FUNCS 4
const volatile __u64 ebc_irq_funcs[TRACE_IRQ_FUNCS][2] = {};

struct trace_stack {
	__u64 ips[TRACE_STACK_DEPTH];
};
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct trace_stack);
} ebc_tstack SEC(".maps");

static __always_inline bool in_process_context(void *pctx)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	struct trace_stack *st;
	__u32 key = 0;
	long n;

	if (!ebc_irq_funcs[0][0] || (BPF_CORE_READ(task, flags) & PF_KTHREAD))
		return false;
	st = bpf_map_lookup_elem(&ebc_tstack, &key);
	if (!st)
		return false;
	n = bpf_get_stack(pctx, st->ips, sizeof(st->ips), 0);
	if (n <= 0)
		return false;
	for (int i = 0; i < TRACE_STACK_DEPTH; i++) {
		__u64 ip = st->ips[i];

		if (i * 8 >= n)
			break;
		for (int f = 0; f < TRACE_IRQ_FUNCS; f++)
			if (ip >= ebc_irq_funcs[f][0] && ip < ebc_irq_funcs[f][1])
				return false;
	}
	return true;
}

static __always_inline void trace_meta(struct ebc_rec *rec, struct trace_pkt *p,
				       struct net_device *dev, __u32 netns, __u64 *ctx,
				       const struct ebc_owner *cur, bool known)
{

	rec->hook = EBC_HOOK_TRACE;
	if (p->l3)
		rec->flags |= EBC_REC_F_L3;
	if (netns) {
		rec->trace.netns = netns;
		rec->flags |= EBC_REC_F_NETNS;
	}
	rec->trace.location = 0;
	rec->trace.reason = 0;
	__builtin_memset(rec->trace.ifname, 0, sizeof(rec->trace.ifname));
	if (dev)
		bpf_core_read_str(rec->trace.ifname, sizeof(rec->trace.ifname), &dev->name);
	if (ctx && ebc_reason_arg >= 0) {
		rec->trace.reason = ctx_arg(ctx, ebc_reason_arg);
		rec->flags |= EBC_REC_F_REASON;
	}
	if (ctx && ebc_location_arg >= 0)
		rec->trace.location = ctx_arg(ctx, ebc_location_arg);
	if (known) {
		rec->pid = cur->pid;
		rec->tid = cur->tid;
		__builtin_memcpy(rec->comm, cur->comm, sizeof(rec->comm));
		rec->flags |= EBC_REC_F_PID;
	}
}

/* --cgroup: the ancestor at this level (0: the process's own cgroup). */
const volatile __u32 ebc_sel_cgroup_level = 0;

/*
 * Outside process context, the process behind the packet's addresses, as
 * XDP finds it (see owners.bpf.h): as a received packet (local = destination),
 * else as a sent one. The device's namespace, else the socket's, keys it.
 */
static __always_inline bool addr_owner(struct trace_buf *buf, __u32 copied, bool l3,
				       struct net_device *dev, struct sk_buff *skb,
				       struct ebc_owner *o)
{
	struct ebc_owner_key k = {}, rev = {};
	void *end = buf->data + copied;
	__u16 type;
	bool ok;

	if (!ebc_want_owner || copied < 1)
		return false;
	if (l3) {
		type = (buf->data[0] >> 4) == 6 ? ETH_P_IPV6_BE : ETH_P_IPV4_BE;
		ok = ip_key(buf->data, end, type, &k);
	} else {
		ok = packet_key(buf->data, end, &k);
	}
	if (!ok)
		return false;
	k.netns = dev ? BPF_CORE_READ(dev, nd_net.net, net_cookie) :
			BPF_CORE_READ(skb, sk, __sk_common.skc_net.net, net_cookie);
	rev.netns = k.netns;
	rev.proto = k.proto;
	rev.lport = k.rport;
	rev.rport = k.lport;
	__builtin_memcpy(rev.laddr, k.raddr, sizeof(rev.laddr));
	__builtin_memcpy(rev.raddr, k.laddr, sizeof(rev.raddr));
	return owner_by_key(&k, o) || owner_by_key(&rev, o);
}

/* The running process, when the hook runs in its context. */
static __always_inline bool current_owner(void *pctx, struct ebc_owner *o)
{
	__u64 id;

	if (!in_process_context(pctx))
		return false;
	id = bpf_get_current_pid_tgid();
	o->pid = id >> 32;
	o->tid = (__u32)id;
	bpf_get_current_comm(o->comm, sizeof(o->comm));
	o->cgroup = ebc_sel_cgroup_level ?
		    bpf_get_current_ancestor_cgroup_id(ebc_sel_cgroup_level) :
		    bpf_get_current_cgroup_id();
	return true;
}

static __always_inline struct ebc_rec *
trace_emit(struct trace_buf *buf, struct ebc_tap_stats *st, __u32 ifindex, __u32 len,
	   __u32 caplen)
{
	__u16 hook = EBC_HOOK_TRACE;
	struct ebc_rec *rec;

#define TRACE_COPY(dst, n) bpf_probe_read_kernel(dst, n, buf->data)
	EBC_EMIT_ALL(TRACE_COPY)
#undef TRACE_COPY
}

/*
 * The tap's counters (packets without a MAC header count on the raw-IP
 * interface) and this CPU's buffer.
 */
static __always_inline int trace_slots(bool l3, struct ebc_tap_stats **st, struct trace_buf **buf)
{
	__u32 key = ebc_tap + l3;

	*st = bpf_map_lookup_elem(&ebc_stats, &key);
	key = bpf_get_smp_processor_id();
	*buf = bpf_map_lookup_elem(&ebc_tbuf, &key);
	return *st && *buf ? 0 : -1;
}

/* Filter the copy with its link layer's translation: the bytes to keep, 0 for no match. */
static __always_inline __u32 trace_match(struct ebc_tap_stats *st, struct trace_buf *buf,
					 __u32 copied, __u32 len, bool l3, struct ebc_anc *anc)
{
	__u32 caplen;

	if (l3)
		caplen = ebc_filter_l3(buf->data, buf->data + copied, len, anc);
	else
		caplen = ebc_filter(buf->data, buf->data + copied, len, anc);
	if (!caplen)
		return 0;
	if (caplen > copied)
		caplen = copied;
	if (caplen > ebc_snaplen)
		caplen = ebc_snaplen;
	return caplen;
}

/*
 * ctx: the argument array (NULL for kprobes, whose arguments are registers);
 * pctx: the program's context, for helpers that want it.
 */
static __always_inline int trace_capture(struct sk_buff *skb, __u64 *ctx, void *pctx)
{
	struct trace_pkt p = { .skb = skb };
	struct ebc_owner cur = {};
	bool known;
	struct net_device *dev;
	struct ebc_tap_stats *st;
	struct trace_buf *buf;
	struct ebc_anc anc;
	__u32 netns, caplen;
	struct ebc_rec *rec;

	if (!skb)
		return 0;
	dev = BPF_CORE_READ(skb, dev);
	netns = skb_netns(skb, dev);
	if (ebc_netns && netns != ebc_netns)
		return 0;
	trace_locate(&p, dev);
	if (trace_slots(p.l3, &st, &buf))
		return 0;
	st->seen++;
	if (trace_copy(&p, buf))
		return 0;
	if (ebc_need_anc)
		trace_anc(&p, dev, &anc);
	caplen = trace_match(st, buf, p.copied, p.len, p.l3, &anc);
	if (!caplen)
		return 0;
	known = current_owner(pctx, &cur) || addr_owner(buf, p.copied, p.l3, dev, skb, &cur);
	if (!ebc_accept(st, &cur, known))
		return 0;
	rec = trace_emit(buf, st, dev ? BPF_CORE_READ(dev, ifindex) : 0, p.len, caplen);
	if (!rec)
		return 0;
	if (p.l3)
		rec->tap = ebc_tap + 1;
	/* cur by address always: a pointer chosen at run time gets arithmetic the verifier refuses */
	trace_meta(rec, &p, dev, netns, ctx, &cur, known);
	ebc_submit(rec, st);
	return 0;
}

/* tp_btf, raw_tp, fentry and fexit: the type is chosen before load. */
SEC("ebpfcap/trace")
int ebc_trace(__u64 *ctx)
{
	return trace_capture((struct sk_buff *)ctx_arg(ctx, ebc_skb_arg), ctx, ctx);
}

SEC("ebpfcap/kprobe")
int ebc_kprobe(struct pt_regs *regs)
{
	return trace_capture((struct sk_buff *)regs_arg(regs, ebc_skb_arg), NULL, regs);
}

/* kretprobe: the entry remembers the sk_buff, the return captures it. */
SEC("ebpfcap/kprobe")
int ebc_kret_entry(struct pt_regs *regs)
{
	__u64 tid = bpf_get_current_pid_tgid(), skb = regs_arg(regs, ebc_skb_arg);

	bpf_map_update_elem(&ebc_kret_skb, &tid, &skb, BPF_ANY);
	return 0;
}

SEC("ebpfcap/kprobe")
int ebc_kret_exit(struct pt_regs *regs)
{
	__u64 tid = bpf_get_current_pid_tgid(), *skb = bpf_map_lookup_elem(&ebc_kret_skb, &tid);
	struct sk_buff *p;

	if (!skb)
		return 0;
	p = (struct sk_buff *)*skb;
	bpf_map_delete_elem(&ebc_kret_skb, &tid);
	return trace_capture(p, NULL, regs);
}

/*
 * Offline replay (-r --hook trace): the packet comes from user space in a map
 * instead of an sk_buff, and goes the same way as a traced one: copied with
 * bpf_probe_read_kernel into the per-CPU buffer, filtered there by the L2 or
 * L3 translation, emitted. Run with BPF_PROG_TEST_RUN as a raw_tp program.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ebc_replay_pkt);
} ebc_replay_pkt SEC(".maps");

SEC("ebpfcap/trace")
int ebc_trace_replay(void *ctx)
{
	struct ebc_replay_pkt *in;
	struct ebc_tap_stats *st;
	struct trace_buf *buf;
	struct ebc_anc anc;
	__u32 key = 0, n, caplen;
	struct ebc_rec *rec;
	bool l3;

	in = bpf_map_lookup_elem(&ebc_replay_pkt, &key);
	if (!in)
		return 0;
	l3 = in->l3;
	if (trace_slots(l3, &st, &buf))
		return 0;
	st->seen++;
	n = in->caplen;
	if (!n)
		return 0;
	n = ebc_clamp(n, EBC_SCRATCH_LEN);	/* the input map holds no more */
	if (bpf_probe_read_kernel(buf->data, n, in->data))
		return 0;
	if (ebc_need_anc) {
		__builtin_memset(&anc, 0, sizeof(anc));
		anc.cpu = bpf_get_smp_processor_id();
		anc.random = bpf_get_prandom_u32();
		/* skb->protocol as the stack would have set it */
		if (!l3 && n >= 14)
			anc.protocol = (__u32)buf->data[12] << 8 | buf->data[13];
		else if (l3)
			anc.protocol = (buf->data[0] >> 4) == 6 ? 0x86dd : 0x0800;
	}
	caplen = trace_match(st, buf, n, in->len, l3, &anc);
	if (!caplen)
		return 0;
	st->accepted++;
	rec = trace_emit(buf, st, 0, in->len, caplen);
	if (!rec)
		return 0;
	rec->hook = EBC_HOOK_TRACE;
	if (l3) {
		rec->tap = ebc_tap + 1;
		rec->flags |= EBC_REC_F_L3;
	}
	__builtin_memset(&rec->trace, 0, sizeof(rec->trace));
	ebc_submit(rec, st);
	return 0;
}

/*
 * fentry/fexit on an XDP program already attached to a device (xdpdump's
 * approach): the packet as the program gets it and as it leaves it, with its
 * verdict. Both copies of one packet carry the same packet id: the entry
 * makes it, the exit (same CPU, no preemption in between) reads it back.
 */
const volatile __u32 ebc_verdicts = 0;	/* exit: 1 << action to keep; 0: all */
const volatile bool ebc_xdp_has_entry = true;	/* entry copies are taken (they count the packets) */

#define XDP_FLAGS_HAS_FRAGS_BIT 1
#define SMP_CACHE_BYTES 64

struct xdp_cur {
	__u64 next;		/* ids handed out on this CPU */
	__u64 id;		/* the packet the program is running on */
};
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdp_cur);
} ebc_xdp_cur SEC(".maps");

/* The length on the wire: the first buffer, plus the fragments of a multi-buffer frame. */
static __always_inline __u32 xdp_wire_len(struct xdp_buff *xdp, __u32 head_len)
{
	unsigned char *hard = BPF_CORE_READ(xdp, data_hard_start);
	struct skb_shared_info *sh;
	__u32 frame_sz, shinfo_sz;

	if (!bpf_core_field_exists(xdp->flags) ||
	    !(BPF_CORE_READ(xdp, flags) & XDP_FLAGS_HAS_FRAGS_BIT))
		return head_len;
	frame_sz = BPF_CORE_READ(xdp, frame_sz);
	shinfo_sz = (bpf_core_type_size(struct skb_shared_info) + SMP_CACHE_BYTES - 1) &
		    ~(SMP_CACHE_BYTES - 1);
	sh = (void *)(hard + frame_sz - shinfo_sz);
	return head_len + BPF_CORE_READ(sh, xdp_frags_size);
}

/* The packet id of this run: made at entry, read back at exit. */
static __always_inline __u64 xdp_packet_id(bool exit)
{
	__u32 key = 0;
	struct xdp_cur *cur = bpf_map_lookup_elem(&ebc_xdp_cur, &key);

	if (!cur)
		return 0;
	if (!exit || !ebc_xdp_has_entry)
		cur->id = ((__u64)bpf_get_smp_processor_id() << 56) | ++cur->next;
	return cur->id;
}

static __always_inline int xdp_prog_capture(struct xdp_buff *xdp, bool exit, int action)
{
	unsigned char *data = BPF_CORE_READ(xdp, data), *end = BPF_CORE_READ(xdp, data_end);
	struct net_device *dev = BPF_CORE_READ(xdp, rxq, dev);
	__u32 head = end - data, len, n, caplen, want;
	__u64 id = xdp_packet_id(exit);
	struct ebc_tap_stats *st;
	struct trace_buf *buf;
	struct ebc_anc anc;
	struct ebc_rec *rec;

	if (exit && ebc_verdicts && !(ebc_verdicts & (1U << (action & 31))))
		return 0;
	if (trace_slots(false, &st, &buf))
		return 0;
	if (!exit || !ebc_xdp_has_entry)
		st->seen++;
	len = xdp_wire_len(xdp, head);
	want = ebc_snaplen > ebc_filter_min ? ebc_snaplen : ebc_filter_min;
	n = head < want ? head : want;
	if (!n)
		return 0;
	n = ebc_clamp(n, TRACE_BUF_LEN);
	if (bpf_probe_read_kernel(buf->data, n, data))
		return 0;
	if (ebc_need_anc) {
		__builtin_memset(&anc, 0, sizeof(anc));
		anc.ifindex = dev ? BPF_CORE_READ(dev, ifindex) : 0;
		anc.cpu = bpf_get_smp_processor_id();
		anc.random = bpf_get_prandom_u32();
	}
	caplen = ebc_filter(buf->data, buf->data + n, len, &anc);
	if (!caplen)
		return 0;
	if (!exit || !ebc_xdp_has_entry)
		st->accepted++;
	if (caplen > n)
		caplen = n;
	if (caplen > ebc_snaplen)
		caplen = ebc_snaplen;
	rec = trace_emit(buf, st, dev ? BPF_CORE_READ(dev, ifindex) : 0, len, caplen);
	if (!rec)
		return 0;
	rec->hook = exit ? EBC_HOOK_XDP_EXIT : EBC_HOOK_XDP_ENTRY;
	__builtin_memset(&rec->trace, 0, sizeof(rec->trace));
	if (dev)
		bpf_core_read_str(rec->trace.ifname, sizeof(rec->trace.ifname), &dev->name);
	rec->trace.packet_id = id;
	rec->flags |= EBC_REC_F_PKTID;
	if (exit) {
		rec->flags |= EBC_REC_F_VERDICT;
		rec->verdict = action;
	}
	ebc_submit(rec, st);
	return 0;
}

SEC("ebpfcap/trace")
int ebc_xdp_fentry(__u64 *ctx)
{
	return xdp_prog_capture((struct xdp_buff *)ctx_arg(ctx, 0), false, 0);
}

SEC("ebpfcap/trace")
int ebc_xdp_fexit(__u64 *ctx)
{
	return xdp_prog_capture((struct xdp_buff *)ctx_arg(ctx, 0), true, (int)ctx_arg(ctx, 1));
}
