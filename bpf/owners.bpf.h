/* SPDX-License-Identifier: GPL-2.0-only */
/* The socket-owner map: filled by bpf/sock.bpf.c, read by the tc tap (one map, shared by fd). */
#ifndef EBPFCAP_OWNERS_BPF_H
#define EBPFCAP_OWNERS_BPF_H

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, EBC_MAX_OWNERS);
	__type(key, __u64);
	__type(value, struct ebc_owner);
} ebc_owners SEC(".maps");

#endif /* EBPFCAP_OWNERS_BPF_H */
