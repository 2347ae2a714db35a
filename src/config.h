/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What one run of ebpfcap is asked to do, filled by the option parser from
 * either the extcap arguments Wireshark passes or the standalone command line.
 */
#ifndef EBPFCAP_CONFIG_H
#define EBPFCAP_CONFIG_H

#include <stdbool.h>

enum ebc_mode {
	EBC_MODE_NONE = 0,
	EBC_MODE_EXTCAP_INTERFACES,	/* --extcap-interfaces */
	EBC_MODE_EXTCAP_DLTS,		/* --extcap-dlts */
	EBC_MODE_EXTCAP_CONFIG,		/* --extcap-config [--extcap-reload-option X] */
	EBC_MODE_EXTCAP_FILTER_CHECK,	/* --extcap-capture-filter without --capture */
	EBC_MODE_CAPTURE,		/* --capture, or the standalone CLI capturing */
	EBC_MODE_LIST_TAPS,		/* -D */
	EBC_MODE_HELP,			/* -h/--help */
	EBC_MODE_VERSION,		/* --version */
	EBC_MODE_DUMP,			/* -d: the classic program and its translation */
	EBC_MODE_DUMP_C,		/* --dump-c: the translation as C */
	EBC_MODE_REPLAY,		/* -r FILE: a capture file through the datapath program */
};

/* The tap family an interface or -i argument names. */
enum ebc_tap_kind {
	EBC_TAP_ANY = 0,	/* "ebpfcap" / -i any: tc both ways on every up device */
	EBC_TAP_TC,		/* "ebpfcap-tc" / -i tc:DEV */
	EBC_TAP_XDP,		/* "ebpfcap-xdp" / -i xdp:DEV */
	EBC_TAP_TRACE,		/* "ebpfcap-drops", "ebpfcap-tracepoint", "ebpfcap-kfunc" /
				   -i drops, tp:[GROUP:]NAME, kfunc:FUNC[:argN], kretfunc:FUNC[:argN] */
	EBC_TAP_XDPPROG,	/* xdp:DEV where an XDP program is attached: fentry/fexit on it */
	EBC_TAP_SOCKETS,	/* "ebpfcap-sockets" / -i sockets: what processes read and write on
				   TCP and UDP sockets (syscall tracepoints), as synthesised frames */
	EBC_TAP_XDPHOOK,	/* "ebpfcap-xdp" with --xdp-hook / -i xdphook:PATH: the verdicts of
				   an XDP program that tail-calls a pinned hook map (xdpcap) */
};

/* What a trace tap hooks. */
enum ebc_trace_kind {
	EBC_TRACE_TP = 0,	/* a tracepoint carrying an sk_buff */
	EBC_TRACE_KFUNC,	/* entry of a kernel function with an sk_buff parameter */
	EBC_TRACE_KRETFUNC,	/* its exit */
};

/* How a trace tap may attach: BTF-typed (tp_btf, fentry/fexit), legacy (raw_tp, kprobes), or either. */
enum ebc_trace_mode {
	EBC_TRACE_AUTO = 0,
	EBC_TRACE_BTF,
	EBC_TRACE_RAW,
};

enum ebc_direction {
	EBC_DIR_BOTH = 0,	/* capture=bidirectional, -Q inout */
	EBC_DIR_IN,		/* ingress, -Q in */
	EBC_DIR_OUT,		/* egress, -Q out */
};

enum ebc_xdp_mode {
	EBC_XDP_AUTO = 0,	/* native, then generic */
	EBC_XDP_NATIVE,
	EBC_XDP_GENERIC,
};

enum ebc_tc_mode {
	EBC_TC_AUTO = 0,	/* tcx link, else clsact */
	EBC_TC_TCX,		/* tcx link only (kernel 6.6 and later) */
	EBC_TC_CLSACT,		/* cls_bpf filter on a clsact qdisc */
};

/* Where an attached XDP program is watched (fentry/fexit). */
enum ebc_xdp_capture {
	EBC_XDP_CAPTURE_BOTH = 0,	/* entry and exit, linked by packet id */
	EBC_XDP_CAPTURE_ENTRY,		/* the packet the program gets */
	EBC_XDP_CAPTURE_EXIT,		/* the packet it leaves, with its verdict */
};

/* Which datapath program -r runs the packets through (BPF_PROG_TEST_RUN). */
enum ebc_replay_hook {
	EBC_REPLAY_TC = 0,
	EBC_REPLAY_XDP,
	EBC_REPLAY_TRACE,	/* the trace program's filter path (probe-read copy) */
};

#define EBC_DEFAULT_SNAPLEN 262144
#define EBC_DEFAULT_RING_MB 8

struct ebc_config {
	enum ebc_mode mode;
	bool extcap;			/* driven by Wireshark: stdout/stderr are protocol */
	const char *extcap_interface;	/* --extcap-interface */
	const char *extcap_version;	/* --extcap-version */
	const char *reload_option;	/* --extcap-reload-option */
	const char *fifo;		/* --fifo */
	const char *output;		/* -w FILE or "-" */
	const char *input;		/* -r FILE: pcap or pcapng to replay */
	enum ebc_replay_hook hook;	/* --hook, with -r */
	const char *filter;		/* --extcap-capture-filter / -f / trailing words */
	const char *cbpf_file;		/* --cbpf: a classic program instead of an expression */
	enum ebc_tap_kind kind;
	const char *device;		/* --device / the part after "tc:" or "xdp:"; NULL = all */
	enum ebc_direction direction;
	enum ebc_xdp_mode xdp_mode;
	enum ebc_tc_mode tc_mode;
	unsigned int snaplen;		/* 1..262144 */
	unsigned long long count;	/* -c: stop after this many packets; 0 = no limit */
	unsigned int ring_mb;		/* ring buffer size in MiB, power of two */
	const char *log_file;		/* --log-file */
	int log_level;			/* --log-level / -v: enum ebc_log_level */
	bool quiet;			/* -q: no summary on stderr */
	/* EBC_TAP_TRACE */
	enum ebc_trace_kind trace_kind;
	const char *trace_target;	/* "skb:kfree_skb", "kfree_skb" or a function name */
	unsigned int trace_arg;		/* 1-based sk_buff argument; 0: the first one */
	enum ebc_trace_mode trace_mode;	/* --trace-mode */
	bool all_netns;			/* --all-netns: not only this network namespace */
	/* EBC_TAP_XDPHOOK, and xdp:DEV when a program is attached there */
	const char *xdp_hook;		/* the pinned prog array */
	unsigned int verdicts;		/* 1 << XDP action to keep; 0: all */
	/* Selection in the kernel (every tap): 0 / NULL means no condition */
	unsigned int pid;		/* --pid: packets of this process (tgid) only */
	const char *comm;		/* --comm: of processes with this command name only */
	const char *cgroup;		/* --cgroup PATH: of processes in this cgroup (v2) only */
	const char *netns;		/* --netns PATH: trace and socket taps: this namespace */
	const char *xdp_prog;		/* --xdp-prog: which attached program, by name or id; NULL: all */
	enum ebc_xdp_capture xdp_capture;	/* --xdp-capture */
};

#endif /* EBPFCAP_CONFIG_H */
