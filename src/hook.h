/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Capture back ends, one per hook family, behind one ops table (as libpcap
 * has one back end per platform). A tap is one device at one hook family; its
 * id is both its pcapng interface id and its index in the statistics map.
 */
#ifndef EBPFCAP_HOOK_H
#define EBPFCAP_HOOK_H

#include <stddef.h>
#include <linux/bpf.h>
#include "config.h"
#include "ifaces.h"
#include "xlate.h"

/*
 * What a trace tap hooks, resolved against this kernel. Its packets with a
 * MAC header go to interface id, those without one to id + 1 (raw IP).
 */
struct ebc_trace_target {
	enum ebc_trace_kind kind;
	enum ebc_trace_mode mode;
	char name[160];		/* as the user names it: "tp:skb:kfree_skb", "kfunc:ip_rcv:arg1" */
	char target[128];	/* the tracepoint or function to attach to */
	int skb_arg;		/* 0-based argument positions; -1: none */
	int reason_arg;
	int location_arg;
	unsigned int netns;	/* only this network namespace (inode); 0: all */
	/* [start, end) of the kernel functions that run softirqs: no process is named under them */
	unsigned long long irq_funcs[4][2];
};

struct ebc_tap {
	unsigned int id;
	enum ebc_tap_kind kind;
	struct ebc_iface ifc;
	enum ebc_direction dir;
	enum ebc_xdp_mode xdp_mode;
	enum ebc_tc_mode tc_mode;
	const char *mech;	/* how it is attached: "tcx", "clsact", "xdp native", ... */
	struct ebc_trace_target trace;	/* EBC_TAP_TRACE */
	const char *hook_path;	/* EBC_TAP_XDPHOOK: the pinned hook map */
	unsigned int verdicts;	/* XDPHOOK, XDPPROG: 1 << action to capture; 0: all */
	unsigned int xdp_prog_id;	/* EBC_TAP_XDPPROG: the traced program */
	char xdp_prog_name[64];
	const char *xdp_attach;	/* how that program is attached: native, generic, ... */
	enum ebc_xdp_capture xdp_capture;
	void *priv;		/* the back end's state */
};

/* What every back end needs to load its programs. */
/* --pid, --comm, --cgroup, as the programs compare them. */
struct ebc_select {
	unsigned int pid;
	char comm[16];
	unsigned long long cgroup;	/* cgroup v2 id */
	unsigned int level;		/* its depth: processes' ancestors there are compared */
	bool on;			/* any of them is set */
};

struct ebc_tap_load {
	int ring_fd;
	int stats_fd;
	int scratch_fd;		/* per-CPU filter copy (see bpf/tc.bpf.c) */
	int owners_fd;		/* socket-owner map, or -1 when owners are not tracked */
	int addr_owners_fd;	/* the owners by address, with owners_fd */
	int owner_ports_fd;	/* the ports those have, with owners_fd */
	unsigned long long netns_cookie;	/* of the namespace the taps run in */
	unsigned int snaplen;
	const struct bpf_insn *filter;	/* for the link layer of the device */
	size_t filter_len;
	const struct bpf_insn *filter_l3;	/* trace taps: the same expression for raw IP */
	size_t filter_l3_len;
	unsigned int anc_mask;	/* EBC_ANC_BIT()s the filters read: fill struct ebc_anc */
	struct ebc_select sel;
};

struct ebc_hook_ops {
	const char *name;
	/* Load and attach; on error nothing stays attached and errbuf says why. */
	int (*open)(struct ebc_tap *tap, const struct ebc_tap_load *ld, char *errbuf, size_t len);
	/* Load only, attach nothing (offline replay with BPF_PROG_TEST_RUN); close frees it. */
	int (*load)(struct ebc_tap *tap, const struct ebc_tap_load *ld, char *errbuf, size_t len);
	/* The loaded program's fd (tc: the first direction the tap wants), or -ENOENT. */
	int (*prog_fd)(const struct ebc_tap *tap);
	/* Replay: the map a packet goes into before each run (trace taps), or NULL. */
	int (*input_fd)(const struct ebc_tap *tap);
	/* Detach and free; accepts a tap whose open failed or never ran. */
	void (*close)(struct ebc_tap *tap);
};

extern const struct ebc_hook_ops ebc_hook_tc_ops;
extern const struct ebc_hook_ops ebc_hook_xdp_ops;
extern const struct ebc_hook_ops ebc_hook_trace_ops;
extern const struct ebc_hook_ops ebc_hook_xdphook_ops;
extern const struct ebc_hook_ops ebc_hook_xdpprog_ops;

/* How the filter is translated for a hook family: the ancillary data it can answer. */
void ebc_hook__xlate_opts(enum ebc_tap_kind kind, struct ebc_xlate_opts *opts);

/*
 * A filter libpcap compiles that the hook of opts cannot run (XDP has no
 * packet type, mark or hash yet): errbuf holds the translator's reason; it
 * becomes a sentence naming the filter and the hook, with tc_fix (e.g.
 * "capture with -i tc:DEV") when the tc hook can run it.
 */
void ebc_hook__filter_error(const struct ebc_config *cfg, int dlt,
			    const struct ebc_xlate_opts *opts, const char *tc_fix, char *errbuf,
			    size_t len);

/* The fix to suggest when the kernel refuses us: privileges or a missing feature. */
const char *ebc_hook__hint(int err);

#endif /* EBPFCAP_HOOK_H */
