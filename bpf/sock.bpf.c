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
#include "capture.h"

#include "owners.bpf.h"

char LICENSE[] SEC("license") = "GPL";

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
