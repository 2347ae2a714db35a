/* SPDX-License-Identifier: GPL-2.0-only */
/* Between the back ends only. */
#ifndef EBPFCAP_HOOK_PRIV_H
#define EBPFCAP_HOOK_PRIV_H

#include <bpf/libbpf.h>
#include "hook.h"

/* Point obj's ring and stats maps at the run's, splice the filter, load. */
int ebc_hook__load(struct bpf_object *obj, const struct ebc_tap *tap, const struct ebc_tap_load *ld,
		   char *errbuf, size_t len);

#endif /* EBPFCAP_HOOK_PRIV_H */
