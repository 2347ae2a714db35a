/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a killed ebpfcap leaves behind. Links go with the process; two things
 * do not: a cls_bpf filter on clsact (--tc-mode clsact, kernels before 6.6)
 * with maybe the qdisc we created for it, and the slots of a pinned hook map
 * (-i xdphook:PATH) when its reaper died too. Before attaching such a thing we
 * write a record under EBC_RUNDIR naming exactly what it is (program ids are
 * never reused); a clean exit removes it. Every start of a tc or xdphook
 * capture sweeps the records of dead processes that ran in its network
 * namespace (or in one that is gone) and removes what they name, nothing else.
 */
#ifndef EBPFCAP_STALE_H
#define EBPFCAP_STALE_H

#include <stdbool.h>
#include <sys/types.h>
#include <linux/types.h>

#define EBC_RUNDIR "/run/ebpfcap"
/* The handle of our cls_bpf filters: "handle 0xebc" in tc filter show. */
#define EBC_TC_HANDLE 0xebc
#define EBC_STALE_PROGS 5

struct ebc_stale {
	char kind[16];			/* "tc" or "xdphook" */
	pid_t pid;			/* the owner, and its start time (pid reuse) */
	unsigned long long start;
	pid_t reaper;			/* xdphook: the reaper, which also cleans up */
	unsigned long long reaper_start;
	unsigned long long netns;	/* inode of the owner's network namespace */
	int ifindex;			/* tc: the device */
	char ifname[16];
	int qdisc_created;		/* tc: the owner created clsact */
	__u32 map_id;			/* xdphook: the hook map, and where it is pinned */
	char map_path[256];
	__u32 prog_id[EBC_STALE_PROGS];	/* tc: ingress, egress; xdphook: per slot; 0 none */
	char path[128];			/* the record's file, "" when none is written */
};

/* Fill in the owner (this process) and write or rewrite the record; 0 or -errno. */
int ebc_stale__save(struct ebc_stale *rec);
/* Remove the record (a clean exit); accepts one never written. */
void ebc_stale__drop(struct ebc_stale *rec);
/* Remove what the records of dead owners name (once per process). */
void ebc_stale__sweep(void);
/* Serialise attaching and sweeping between ebpfcaps: a fd to pass to unlock, or -1. */
int ebc_stale__lock(void);
void ebc_stale__unlock(int fd);

/* Parse a record's text; 0 or -EINVAL. For the unit tests. */
int ebc_stale__parse(const char *text, struct ebc_stale *rec);
/* Format a record; the length written or -ENOSPC. */
int ebc_stale__format(const struct ebc_stale *rec, char *buf, size_t len);
/* Whether PID started at START still runs (a zombie does not). */
bool ebc_stale__alive(pid_t pid, unsigned long long start);

#endif /* EBPFCAP_STALE_H */
