// SPDX-License-Identifier: GPL-2.0-only
/*
 * Socket owners: cgroup socket hooks run in the context of the process that
 * creates, connects or sends on a socket, so "current" is the right process
 * there. They record it under the socket's cookie for the taps to look up.
 * Every hook allows the operation (returns 1): we only observe.
 */
#define BPF_NO_PRESERVE_ACCESS_INDEX
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "capture.h"

#include "owners.bpf.h"

char LICENSE[] SEC("license") = "GPL";

static __always_inline void remember(__u64 cookie)
{
	struct ebc_owner o;
	__u64 id = bpf_get_current_pid_tgid();

	o.pid = id >> 32;
	o.tid = (__u32)id;
	bpf_get_current_comm(o.comm, sizeof(o.comm));
	bpf_map_update_elem(&ebc_owners, &cookie, &o, BPF_ANY);
}

SEC("cgroup/sock_create")
int ebc_sock_create(struct bpf_sock *sk)
{
	remember(bpf_get_socket_cookie(sk));
	return 1;
}

/* Sockets created before the capture started become known when used. */
SEC("cgroup/connect4")
int ebc_connect4(struct bpf_sock_addr *ctx)
{
	remember(bpf_get_socket_cookie(ctx));
	return 1;
}

SEC("cgroup/connect6")
int ebc_connect6(struct bpf_sock_addr *ctx)
{
	remember(bpf_get_socket_cookie(ctx));
	return 1;
}

SEC("cgroup/sendmsg4")
int ebc_sendmsg4(struct bpf_sock_addr *ctx)
{
	remember(bpf_get_socket_cookie(ctx));
	return 1;
}

SEC("cgroup/sendmsg6")
int ebc_sendmsg6(struct bpf_sock_addr *ctx)
{
	remember(bpf_get_socket_cookie(ctx));
	return 1;
}
