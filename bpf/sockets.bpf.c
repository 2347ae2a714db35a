// SPDX-License-Identifier: GPL-2.0-only
/*
 * The socket-syscall tap: what processes read from and write to their TCP and
 * UDP sockets, taken at the syscall tracepoints. The entry of each syscall
 * stashes its arguments per thread; the exit, once the return value says how
 * many bytes moved, checks that the fd is an IPv4/IPv6 TCP or UDP socket,
 * copies those bytes from the process's buffers into a per-CPU record and
 * sends it with the socket's addresses (src/synth.c builds frames of them).
 * connect() and accept() report new connections, close() the end of one.
 *
 * Everything read from the kernel goes through CO-RE reads; the process and
 * command-name selection is done before any of that.
 */
#include "common.bpf.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>

#define AF_INET 2
#define AF_INET6 10
#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define S_IFMT 00170000
#define S_IFSOCK 0140000
#define EINPROGRESS 115
/* iovec segments walked per readv/writev/recvmsg/sendmsg */
#define SOCK_IOV_MAX 8

/* Set by user space before load: 0 / "" means any. */
const volatile __u32 ebc_pid = 0;
const volatile char ebc_comm[EBC_COMM_LEN] = {};
/* Only sockets of this network namespace (inode); 0: all. */
const volatile __u32 ebc_netns = 0;

/* A syscall's arguments, from its entry to its exit. */
struct sock_args {
	__u64 buf;		/* buffer, iovec array or user_msghdr */
	__u64 addr;		/* sockaddr (sendto, recvfrom) */
	__u64 count;		/* bytes asked for, or iovec count */
	__s32 fd;
	__u32 nr;		/* enum ebc_sock_syscall */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct sock_args);
} ebc_sk_args SEC(".maps");

/*
 * The record is built in a per-CPU buffer (max_entries set to the CPU count
 * before load; too big for a per-CPU map) and sent with bpf_ringbuf_output,
 * which takes a variable size. Twice the snap length: each iovec segment is
 * copied at an offset and with a size the verifier bounds separately.
 */
struct sock_buf {
	struct ebc_sock_rec rec;
	__u8 data[2 * EBC_SNAPLEN_MAX];
};
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sock_buf);
} ebc_sk_buf SEC(".maps");

/* The UAPI layouts read from user memory. */
struct u_iovec {
	__u64 base;
	__u64 len;
};
struct u_msghdr {
	__u64 name;
	__s32 namelen;
	__u32 pad;
	__u64 iov;
	__u64 iovlen;
};
struct u_sockaddr {
	__u16 family;
	__u16 port;		/* network order */
	__u32 addr4;		/* sockaddr_in; sockaddr_in6: flowinfo */
	__u8 addr6[16];
};

/* Kernels before 6.13 count file references in f_count. */
struct file___old {
	atomic_long_t f_count;
} __attribute__((preserve_access_index));

/* Clamp v into [0, max] with a check the verifier sees on the register itself. */
static __always_inline __u32 bound0(__u32 v, const __u32 max)
{
	asm volatile("if %[v] <= %[max] goto +1\n\t"
		     "%[v] = %[max]\n\t"
		     : [v] "+r"(v)
		     : [max] "i"(max));
	return v;
}

static __always_inline bool task_wanted(void)
{
	char comm[EBC_COMM_LEN];

	if (ebc_pid && (bpf_get_current_pid_tgid() >> 32) != ebc_pid)
		return false;
	if (!ebc_comm[0])
		return true;
	bpf_get_current_comm(comm, sizeof(comm));
	for (int i = 0; i < EBC_COMM_LEN; i++) {
		if (comm[i] != ebc_comm[i])
			return false;
		if (!comm[i])
			break;
	}
	return true;
}

static __always_inline struct file *fd_file(__s32 fd)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds;
	struct file *f = NULL;

	if (!fdt || fd < 0 || (__u32)fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	fds = BPF_CORE_READ(fdt, fd);
	if (bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]))
		return NULL;
	return f;
}

/* The fd's struct sock when it is an IPv4/IPv6 TCP or UDP socket, else NULL. */
static __always_inline struct sock *file_sock(struct file *f, __u16 *family, __u8 *proto)
{
	struct socket *sock;
	struct sock *sk;
	__u16 type, protocol;

	if (!f || (BPF_CORE_READ(f, f_inode, i_mode) & S_IFMT) != S_IFSOCK)
		return NULL;
	sock = BPF_CORE_READ(f, private_data);
	sk = sock ? BPF_CORE_READ(sock, sk) : NULL;
	if (!sk)
		return NULL;
	*family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (*family != AF_INET && *family != AF_INET6)
		return NULL;
	if (ebc_netns && BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum) != ebc_netns)
		return NULL;
	type = BPF_CORE_READ(sk, sk_type);
	protocol = BPF_CORE_READ(sk, sk_protocol);
	if (type == SOCK_STREAM && protocol == IPPROTO_TCP)
		*proto = IPPROTO_TCP;
	else if (type == SOCK_DGRAM && protocol == IPPROTO_UDP)
		*proto = IPPROTO_UDP;
	else
		return NULL;
	return sk;
}

static __always_inline struct sock_buf *sock_buf_get(void)
{
	__u32 key = bpf_get_smp_processor_id();

	return bpf_map_lookup_elem(&ebc_sk_buf, &key);
}

/* The header of a record about sk, without payload. */
static __always_inline void rec_fill(struct ebc_sock_rec *r, struct sock *sk, __u16 family,
				     __u8 proto, __s32 fd, __u8 event, __u32 nr)
{
	__u64 id = bpf_get_current_pid_tgid();

	__builtin_memset(r, 0, sizeof(*r));
	r->ts_ns = bpf_ktime_get_ns();
	r->key = (__u64)sk;
	r->pid = id >> 32;
	r->tid = (__u32)id;
	bpf_get_current_comm(r->comm, sizeof(r->comm));
	r->fd = fd;
	r->family = family;
	r->proto = proto;
	r->event = event;
	r->syscall = nr;
	r->lport = BPF_CORE_READ(sk, __sk_common.skc_num);
	r->rport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (family == AF_INET) {
		BPF_CORE_READ_INTO((__u32 *)r->laddr, sk, __sk_common.skc_rcv_saddr);
		BPF_CORE_READ_INTO((__u32 *)r->raddr, sk, __sk_common.skc_daddr);
	} else {
		BPF_CORE_READ_INTO(r->laddr, sk, __sk_common.skc_v6_rcv_saddr);
		BPF_CORE_READ_INTO(r->raddr, sk, __sk_common.skc_v6_daddr);
	}
}

/* An unconnected UDP socket's peer: the address the syscall named or filled in. */
static __always_inline void rec_peer(struct ebc_sock_rec *r, __u64 uaddr)
{
	struct u_sockaddr sa;

	if (r->rport || !uaddr || bpf_probe_read_user(&sa, sizeof(sa), (void *)uaddr))
		return;
	if (sa.family == AF_INET && r->family == AF_INET) {
		__builtin_memcpy(r->raddr, &sa.addr4, 4);
	} else if (sa.family == AF_INET6 && r->family == AF_INET6) {
		__builtin_memcpy(r->raddr, sa.addr6, 16);
	} else {
		return;
	}
	r->rport = bpf_ntohs(sa.port);
}

/* Send the record and caplen bytes of b->data; a full ring counts a drop. */
static __always_inline void rec_send(struct sock_buf *b, __u32 caplen)
{
	struct ebc_tap_stats *st = ebc_stats_get();
	long err;

	if (!st)
		return;
	st->seen++;
	b->rec.caplen = caplen;
	b->rec.drops = st->pending_drops;
	caplen = bound0(caplen, EBC_SNAPLEN_MAX);
	err = bpf_ringbuf_output(&ebc_ring, b, sizeof(b->rec) + caplen,
				 ebc_wakeup(st, b->rec.ts_ns));
	if (err) {
		ebc_lost(st);
		return;
	}
	st->accepted++;
	st->pending_drops = 0;
}

/* Copy n bytes of user memory to b->data + off; the bytes now held, or off on a fault. */
static __always_inline __u32 copy_seg(struct sock_buf *b, __u32 off, __u64 src, __u64 n)
{
	__u32 o = bound0(off, EBC_SNAPLEN_MAX), len;

	if (!n)
		return off;
	len = ebc_clamp(n, EBC_SNAPLEN_MAX);
	if (bpf_probe_read_user(&b->data[o], len, (void *)src))
		return off;
	return off + len;
}

/* Walk up to SOCK_IOV_MAX iovec segments, copying until want bytes are held. */
static __always_inline __u32 copy_iov(struct sock_buf *b, __u64 uiov, __u64 cnt, __u32 want)
{
	__u32 off = 0;

	for (int i = 0; i < SOCK_IOV_MAX; i++) {
		struct u_iovec v;
		__u64 n;

		if (i >= cnt || off >= want)
			break;
		if (bpf_probe_read_user(&v, sizeof(v), (void *)(uiov + i * sizeof(v))))
			break;
		n = v.len < want - off ? v.len : want - off;
		off = copy_seg(b, off, v.base, n);
	}
	return off;
}

static __always_inline int on_enter(struct trace_event_raw_sys_enter *ctx, __u32 nr)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct sock_args a = {};

	if (!task_wanted())
		return 0;
	a.nr = nr;
	a.fd = (__s32)ctx->args[0];
	a.buf = ctx->args[1];
	a.count = ctx->args[2];
	if (nr == EBC_SYS_SENDTO || nr == EBC_SYS_RECVFROM)
		a.addr = ctx->args[4];
	bpf_map_update_elem(&ebc_sk_args, &id, &a, BPF_ANY);
	return 0;
}

/* connect() and accept(): the connection with its addresses, no payload. */
static __always_inline void conn_event(struct sock_args *a, long ret)
{
	bool acc = a->nr != EBC_SYS_CONNECT;
	__s32 fd = acc ? (__s32)ret : a->fd;
	struct sock_buf *b;
	struct sock *sk;
	__u16 family;
	__u8 proto;

	if (acc ? ret < 0 : (ret != 0 && ret != -EINPROGRESS))
		return;
	sk = file_sock(fd_file(fd), &family, &proto);
	b = sk ? sock_buf_get() : NULL;
	if (!b)
		return;
	rec_fill(&b->rec, sk, family, proto, fd,
		 acc ? EBC_SOCK_EV_ACCEPT : EBC_SOCK_EV_CONNECT, a->nr);
	rec_send(b, 0);
}

static __always_inline bool is_read(__u32 nr)
{
	return nr == EBC_SYS_READ || nr == EBC_SYS_READV || nr == EBC_SYS_RECVFROM ||
	       nr == EBC_SYS_RECVMSG;
}

/* Bytes read or written: copied from the buffers the syscall named. */
static __always_inline void data_event(struct sock_args *a, long ret)
{
	struct u_msghdr msg = {};
	__u64 uaddr = a->addr, iov = a->buf, cnt = a->count;
	bool rd = is_read(a->nr), vec = false;
	struct sock_buf *b;
	struct sock *sk;
	__u32 want, got;
	__u16 family;
	__u8 proto;

	if (ret < 0)
		return;
	sk = file_sock(fd_file(a->fd), &family, &proto);
	if (!sk)
		return;
	/* A read of 0 bytes on a stream is the peer's end of it; empty datagrams are left out. */
	if (!ret && (!rd || proto != IPPROTO_TCP ||
		     ((a->nr == EBC_SYS_READ || a->nr == EBC_SYS_RECVFROM) && !a->count)))
		return;
	b = sock_buf_get();
	if (!b)
		return;
	rec_fill(&b->rec, sk, family, proto, a->fd, EBC_SOCK_EV_DATA, a->nr);
	b->rec.dir = rd ? EBC_SOCK_DIR_IN : EBC_SOCK_DIR_OUT;
	b->rec.len = ret;
	if (a->nr == EBC_SYS_SENDMSG || a->nr == EBC_SYS_RECVMSG) {
		if (bpf_probe_read_user(&msg, sizeof(msg), (void *)a->buf))
			return;
		iov = msg.iov;
		cnt = msg.iovlen;
		uaddr = msg.name;
		vec = true;
	} else if (a->nr == EBC_SYS_READV || a->nr == EBC_SYS_WRITEV) {
		vec = true;
	}
	if (proto == IPPROTO_UDP)
		rec_peer(&b->rec, uaddr);
	want = ret < ebc_snaplen ? ret : ebc_snaplen;
	if (vec)
		got = copy_iov(b, iov, cnt, want);
	else
		got = copy_seg(b, 0, a->buf, want);
	rec_send(b, got);
}

static __always_inline int on_exit(struct trace_event_raw_sys_exit *ctx, __u32 nr)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct sock_args *p = bpf_map_lookup_elem(&ebc_sk_args, &id), a;

	if (!p)
		return 0;
	a = *p;
	bpf_map_delete_elem(&ebc_sk_args, &id);
	if (a.nr != nr)
		return 0;
	if (nr == EBC_SYS_CONNECT || nr == EBC_SYS_ACCEPT || nr == EBC_SYS_ACCEPT4)
		conn_event(&a, ctx->ret);
	else
		data_event(&a, ctx->ret);
	return 0;
}

/* The last reference to the file: other holders (dup, fork) keep the connection open. */
static __always_inline bool last_ref(struct file *f)
{
	struct file___old *old = (void *)f;

	if (bpf_core_field_exists(old->f_count))
		return BPF_CORE_READ(old, f_count.counter) == 1;
	/* file_ref_t: the count minus one */
	return BPF_CORE_READ(f, f_ref.refcnt.counter) == 0;
}

/* close() is reported at its entry: at its exit the fd no longer names the socket. */
SEC("tracepoint/syscalls/sys_enter_close")
int ebc_enter_close(struct trace_event_raw_sys_enter *ctx)
{
	__s32 fd = (__s32)ctx->args[0];
	struct sock_buf *b;
	struct file *f;
	struct sock *sk;
	__u16 family;
	__u8 proto;

	if (!task_wanted())
		return 0;
	f = fd_file(fd);
	sk = file_sock(f, &family, &proto);
	if (!sk || !last_ref(f))
		return 0;
	b = sock_buf_get();
	if (!b)
		return 0;
	rec_fill(&b->rec, sk, family, proto, fd, EBC_SOCK_EV_CLOSE, EBC_SYS_CLOSE);
	rec_send(b, 0);
	return 0;
}

#define SOCK_SYSCALL(NAME, NR)							\
	SEC("tracepoint/syscalls/sys_enter_" #NAME)				\
	int ebc_enter_##NAME(struct trace_event_raw_sys_enter *ctx)		\
	{									\
		return on_enter(ctx, NR);					\
	}									\
	SEC("tracepoint/syscalls/sys_exit_" #NAME)				\
	int ebc_exit_##NAME(struct trace_event_raw_sys_exit *ctx)		\
	{									\
		return on_exit(ctx, NR);					\
	}

SOCK_SYSCALL(accept, EBC_SYS_ACCEPT)
SOCK_SYSCALL(accept4, EBC_SYS_ACCEPT4)
SOCK_SYSCALL(connect, EBC_SYS_CONNECT)
SOCK_SYSCALL(read, EBC_SYS_READ)
SOCK_SYSCALL(write, EBC_SYS_WRITE)
SOCK_SYSCALL(readv, EBC_SYS_READV)
SOCK_SYSCALL(writev, EBC_SYS_WRITEV)
SOCK_SYSCALL(recvfrom, EBC_SYS_RECVFROM)
SOCK_SYSCALL(sendto, EBC_SYS_SENDTO)
SOCK_SYSCALL(recvmsg, EBC_SYS_RECVMSG)
SOCK_SYSCALL(sendmsg, EBC_SYS_SENDMSG)
