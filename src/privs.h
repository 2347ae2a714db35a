/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Least privilege. Installed for a group, ebpfcap holds its capabilities as
 * file capabilities in the permitted set only (packaging/setcap.sh): the
 * three every tap needs are made effective at start, the two that read
 * root-only kernel files (tracefs, /proc/kallsyms addresses) only around
 * those reads, so that no path a user names is opened with them. Run as
 * root, nothing changes. A set-uid root binary is refused.
 */
#ifndef EBPFCAP_PRIVS_H
#define EBPFCAP_PRIVS_H

#include <stdbool.h>

/*
 * First thing in main: refuse set-uid root (one line on stderr, returns
 * -EPERM), clear the inheritable and ambient sets, raise CAP_BPF,
 * CAP_PERFMON and CAP_NET_ADMIN where permitted. 0 otherwise.
 */
int ebc_privs__init(void);

/*
 * Make CAP (a permitted one) effective for a moment; true when it was not
 * effective before, which is what ebc_privs__restore() wants to know.
 */
bool ebc_privs__raise(int cap);
void ebc_privs__restore(int cap, bool raised);

/* Give up every capability (a helper process that needs none). */
void ebc_privs__drop_all(void);

#endif /* EBPFCAP_PRIVS_H */
