// SPDX-License-Identifier: GPL-2.0-only
/*
 * Socket owners: cgroup socket hooks run in the context of the process that
 * creates, binds, connects, sends or receives on a socket, so "current" is
 * the right process there. They attach it to the socket (socket-local
 * storage) for the taps to read; accepted sockets inherit their listener's.
 * Every hook allows the operation (returns 1): we only observe.
 */
#define BPF_NO_PRESERVE_ACCESS_INDEX
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "capture.h"

#include "owners.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define AF_INET 2

/* --cgroup: record the ancestor at this level of the hierarchy (0: the process's own). */
const volatile __u32 ebc_cgroup_level = 0;

static __always_inline void remember(struct bpf_sock *sk)
{
	struct ebc_owner *o;
	__u64 id;

	if (!sk)
		return;
	o = bpf_sk_storage_get(&ebc_owners, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
	if (!o)
		return;
	id = bpf_get_current_pid_tgid();
	o->pid = id >> 32;
	o->tid = (__u32)id;
	bpf_get_current_comm(o->comm, sizeof(o->comm));
	o->cgroup = ebc_cgroup_level ? bpf_get_current_ancestor_cgroup_id(ebc_cgroup_level) :
				       bpf_get_current_cgroup_id();
}

SEC("cgroup/sock_create")
int ebc_sock_create(struct bpf_sock *sk)
{
	remember(sk);
	return 1;
}

/* Servers: the process that binds; sockets made before the capture, when used. */
#define SOCK_ADDR_HOOK(NAME, SEC_NAME)			\
	SEC(SEC_NAME)					\
	int NAME(struct bpf_sock_addr *ctx)		\
	{						\
		remember(ctx->sk);			\
		return 1;				\
	}

SOCK_ADDR_HOOK(ebc_bind4, "cgroup/bind4")
SOCK_ADDR_HOOK(ebc_bind6, "cgroup/bind6")
SOCK_ADDR_HOOK(ebc_connect4, "cgroup/connect4")
SOCK_ADDR_HOOK(ebc_connect6, "cgroup/connect6")
SOCK_ADDR_HOOK(ebc_sendmsg4, "cgroup/sendmsg4")
SOCK_ADDR_HOOK(ebc_sendmsg6, "cgroup/sendmsg6")
SOCK_ADDR_HOOK(ebc_recvmsg4, "cgroup/recvmsg4")
SOCK_ADDR_HOOK(ebc_recvmsg6, "cgroup/recvmsg6")

/* TCP, once established: the connection's addresses lead XDP to the socket's owner. */
SEC("sockops")
int ebc_sockops(struct bpf_sock_ops *ctx)
{
	struct ebc_owner_key k = {};
	struct ebc_owner *o;

	if (ctx->op != BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB &&
	    ctx->op != BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB)
		return 1;
	if (!ctx->sk)
		return 1;
	o = bpf_sk_storage_get(&ebc_owners, ctx->sk, 0, 0);
	if (!o)
		return 1;
	k.netns = bpf_get_netns_cookie(ctx);
	k.proto = IPPROTO_TCP;
	k.lport = bpf_htons((__u16)ctx->local_port);
	/* network order; older kernels also shift it into the upper half */
	k.rport = ctx->remote_port & 0xffff ? (__u16)ctx->remote_port : (__u16)(ctx->remote_port >> 16);
	if (ctx->family == AF_INET) {
		k.laddr[0] = ctx->local_ip4;
		k.raddr[0] = ctx->remote_ip4;
	} else {
		/* context fields are read a word at a time */
		for (int i = 0; i < 4; i++) {
			k.laddr[i] = ctx->local_ip6[i];
			k.raddr[i] = ctx->remote_ip6[i];
		}
	}
	bpf_map_update_elem(&ebc_addr_owners, &k, o, BPF_ANY);
	port_mark(k.proto, k.lport);
	return 1;
}

/* UDP, once bound: datagrams to that address and port are the binder's. */
static __always_inline int remember_bind(struct bpf_sock *sk, int v6)
{
	struct ebc_owner_key k = {};
	struct ebc_owner *o;

	if (sk->protocol != IPPROTO_UDP)
		return 1;
	remember(sk);
	o = bpf_sk_storage_get(&ebc_owners, sk, 0, 0);
	if (!o)
		return 1;
	k.netns = bpf_get_netns_cookie(sk);
	k.proto = IPPROTO_UDP;
	k.lport = bpf_htons((__u16)sk->src_port);
	if (v6)
		for (int i = 0; i < 4; i++)
			k.laddr[i] = sk->src_ip6[i];
	else
		k.laddr[0] = sk->src_ip4;
	bpf_map_update_elem(&ebc_addr_owners, &k, o, BPF_ANY);
	port_mark(k.proto, k.lport);
	return 1;
}

SEC("cgroup/post_bind4")
int ebc_post_bind4(struct bpf_sock *sk)
{
	return remember_bind(sk, 0);
}

SEC("cgroup/post_bind6")
int ebc_post_bind6(struct bpf_sock *sk)
{
	return remember_bind(sk, 1);
}
