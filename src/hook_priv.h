/* SPDX-License-Identifier: GPL-2.0-only */
/* Between the back ends only. */
#ifndef EBPFCAP_HOOK_PRIV_H
#define EBPFCAP_HOOK_PRIV_H

#include <string.h>
#include <bpf/libbpf.h>
#include "hook.h"

/* Point obj's ring and stats maps at the run's, splice the filter, load. */
int ebc_hook__load(struct bpf_object *obj, const struct ebc_tap *tap, const struct ebc_tap_load *ld,
		   char *errbuf, size_t len);

/* Every capture program has the selection variables of bpf/common.bpf.h. */
#define EBC_SET_SELECT(rodata, sel)							\
	do {										\
		(rodata)->ebc_sel_pid = (sel)->pid;					\
		memcpy((void *)(rodata)->ebc_sel_comm, (sel)->comm, sizeof((sel)->comm));	\
		(rodata)->ebc_sel_cgroup = (sel)->cgroup;				\
		(rodata)->ebc_sel_on = (sel)->on;					\
	} while (0)

#endif /* EBPFCAP_HOOK_PRIV_H */
