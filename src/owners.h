/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Socket owners: the cgroup socket hooks (bpf/sock.bpf.c) attached to the
 * cgroup v2 root through links, and the per-socket owner storage they fill,
 * which the taps read to name the process behind a packet (cgroup_level: the
 * ancestor cgroup recorded for --cgroup, 0 for the process's own).
 */
#ifndef EBPFCAP_OWNERS_H
#define EBPFCAP_OWNERS_H

#include <stddef.h>

struct ebc_owners;

/* Load and attach; -errno with errbuf set when this kernel or system cannot. */
int ebc_owners__open(struct ebc_owners **out, unsigned int cgroup_level, char *errbuf, size_t len);
int ebc_owners__map_fd(const struct ebc_owners *o);
/* The same owners by address (XDP cannot read socket storage). */
int ebc_owners__addr_map_fd(const struct ebc_owners *o);
/* The ports those have (bpf/owners.bpf.h ebc_owner_ports). */
int ebc_owners__ports_map_fd(const struct ebc_owners *o);
/* Where cgroup v2 is mounted (path), for --cgroup. */
int ebc_owners__cgroup_root(char *path, size_t len);
/* Detach and free; accepts NULL. */
void ebc_owners__close(struct ebc_owners *o);

#endif /* EBPFCAP_OWNERS_H */
