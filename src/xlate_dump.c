// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include "xlate_dump.h"

int ebc_xlate_dump__ebpf(FILE *out, const struct ebc_ebpf_prog *prog)
{
	return -ENOSYS;
}

int ebc_xlate_dump__c(FILE *out, const struct ebc_cbpf_prog *prog, char *errbuf, size_t len)
{
	return -ENOSYS;
}
