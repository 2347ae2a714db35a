// SPDX-License-Identifier: GPL-2.0-only
/*
 * The option table and what is derived from it: getopt_long's arrays, the
 * checks that turn argv into a struct ebc_config, --help, and the extcap
 * sentences Wireshark reads (--extcap-interfaces, --extcap-dlts,
 * --extcap-config). Nothing here calls into other modules, so the unit test
 * links this file alone.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <linux/bpf.h>

#include "log.h"
#include "options.h"

#ifndef EBPFCAP_VERSION
#define EBPFCAP_VERSION "0.1.0"
#endif
/* Opened by Wireshark's "Help" button in the interface options dialog. */
#ifndef EBPFCAP_HELP_URL
#define EBPFCAP_HELP_URL "file:///usr/share/doc/ebpfcap/README.md"
#endif

#define STR_(x) #x
#define STR(x) STR_(x)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define EBC_SNAPLEN_MAX 262144
#define EBC_RING_MB_MAX 1024
/* IFNAMSIZ, without pulling in <net/if.h>: 15 characters and a NUL. */
#define EBC_IFNAME_MAX 15
/* Kernel names: a tracepoint's group and name (as in struct ebc_tp_info), a function. */
#define EBC_TP_PART_MAX 63
#define EBC_FUNC_MAX 127
/* PID_MAX_LIMIT on 64-bit kernels, and a task's comm without its NUL (TASK_COMM_LEN - 1). */
#define EBC_PID_MAX 4194304
#define EBC_COMM_MAX 15

/* The extcap interfaces, in --extcap-interfaces order. */
enum iface_id {
	IFX_ANY, IFX_TC, IFX_XDP, IFX_DROPS, IFX_TRACEPOINT, IFX_KFUNC, IFX_SOCKETS, IFX__MAX,
};

#define IF_ANY (1u << IFX_ANY)
#define IF_TC (1u << IFX_TC)
#define IF_XDP (1u << IFX_XDP)
#define IF_DROPS (1u << IFX_DROPS)
#define IF_TRACEPOINT (1u << IFX_TRACEPOINT)
#define IF_KFUNC (1u << IFX_KFUNC)
#define IF_SOCKETS (1u << IFX_SOCKETS)
#define IF_DEV (IF_ANY | IF_TC | IF_XDP)
#define IF_TRACE (IF_DROPS | IF_TRACEPOINT | IF_KFUNC)
#define IF_ALL (IF_DEV | IF_TRACE | IF_SOCKETS)

/* A word an enum option accepts; display NULL marks an alias Wireshark is not offered. */
struct ebc_word {
	const char *word;
	int value;
	const char *display;
};

static const struct ebc_word direction_words[] = {
	{ "bidirectional", EBC_DIR_BOTH, "Both ways (ingress and egress)" },
	{ "ingress", EBC_DIR_IN, "Ingress (received by the device)" },
	{ "egress", EBC_DIR_OUT, "Egress (sent by the device)" },
	{ "inout", EBC_DIR_BOTH, NULL },
	{ "in", EBC_DIR_IN, NULL },
	{ "out", EBC_DIR_OUT, NULL },
	{ NULL, 0, NULL },
};

static const struct ebc_word xdp_mode_words[] = {
	{ "auto", EBC_XDP_AUTO, "Automatic (native, else generic)" },
	{ "native", EBC_XDP_NATIVE, "Native (in the driver)" },
	{ "generic", EBC_XDP_GENERIC, "Generic (skb mode, any driver)" },
	{ "drv", EBC_XDP_NATIVE, NULL },
	{ "skb", EBC_XDP_GENERIC, NULL },
	{ NULL, 0, NULL },
};

static const struct ebc_word tc_mode_words[] = {
	{ "auto", EBC_TC_AUTO, "Automatic (tcx link, else clsact)" },
	{ "tcx", EBC_TC_TCX, "tcx link (kernel 6.6 and later)" },
	{ "clsact", EBC_TC_CLSACT, "clsact qdisc and filter" },
	{ NULL, 0, NULL },
};

static const struct ebc_word xdp_capture_words[] = {
	{ "both", EBC_XDP_CAPTURE_BOTH, "Entry and exit" },
	{ "entry", EBC_XDP_CAPTURE_ENTRY, "Entry (the packet it gets)" },
	{ "exit", EBC_XDP_CAPTURE_EXIT, "Exit (the packet it leaves, and its verdict)" },
	{ NULL, 0, NULL },
};

static const struct ebc_word trace_mode_words[] = {
	{ "auto", EBC_TRACE_AUTO, "Automatic (BTF-typed, else raw)" },
	{ "btf", EBC_TRACE_BTF, "BTF-typed (tp_btf, fentry/fexit)" },
	{ "raw", EBC_TRACE_RAW, "Raw (raw_tp, kprobes)" },
	{ NULL, 0, NULL },
};

/* Where ebpfcap-kfunc taps its function. */
static const struct ebc_word on_words[] = {
	{ "entry", EBC_TRACE_KFUNC, "Entry (as it is called)" },
	{ "exit", EBC_TRACE_KRETFUNC, "Exit (as it returns)" },
	{ NULL, 0, NULL },
};

/*
 * The XDP actions --verdicts keeps, as bit numbers, also spelled as in
 * <linux/bpf.h> (XDP_DROP). Errors and --help list the words with a display.
 */
static const struct ebc_word verdict_words[] = {
	{ "aborted", XDP_ABORTED, "aborted" },
	{ "drop", XDP_DROP, "drop" },
	{ "pass", XDP_PASS, "pass" },
	{ "tx", XDP_TX, "tx" },
	{ "redirect", XDP_REDIRECT, "redirect" },
	{ "xdp_aborted", XDP_ABORTED, NULL },
	{ "xdp_drop", XDP_DROP, NULL },
	{ "xdp_pass", XDP_PASS, NULL },
	{ "xdp_tx", XDP_TX, NULL },
	{ "xdp_redirect", XDP_REDIRECT, NULL },
	{ NULL, 0, NULL },
};
#define ALL_VERDICTS ((2u << XDP_REDIRECT) - 1)

static const struct ebc_word hook_words[] = {
	{ "tc", EBC_REPLAY_TC, NULL },
	{ "xdp", EBC_REPLAY_XDP, NULL },
	{ "trace", EBC_REPLAY_TRACE, NULL },
	{ NULL, 0, NULL },
};

/* Wireshark's --log-level names mapped onto ours. */
static const struct ebc_word log_level_words[] = {
	{ "error", EBC_LOG_ERROR, NULL },
	{ "critical", EBC_LOG_ERROR, NULL },
	{ "warning", EBC_LOG_WARN, NULL },
	{ "message", EBC_LOG_INFO, NULL },
	{ "info", EBC_LOG_INFO, NULL },
	{ "debug", EBC_LOG_DEBUG, NULL },
	{ "noisy", EBC_LOG_LIBBPF, NULL },
	{ NULL, 0, NULL },
};

/* ARG_SET: comma-separated words, stored as the mask of 1 << each word's value. */
enum opt_arg { ARG_NONE, ARG_STRING, ARG_UINT, ARG_ENUM, ARG_SET };

/* Where a parsed value lands in struct ebc_config. */
enum opt_store { ST_NONE, ST_STR, ST_UINT, ST_ULLONG, ST_INT };

enum ext_type {
	EXT_NONE, EXT_STRING, EXT_INTEGER, EXT_UNSIGNED, EXT_SELECTOR, EXT_RADIO,
	EXT_BOOLFLAG, EXT_FILESELECT,
};

static const char *const ext_type_names[] = {
	[EXT_STRING] = "string", [EXT_INTEGER] = "integer", [EXT_UNSIGNED] = "unsigned",
	[EXT_SELECTOR] = "selector", [EXT_RADIO] = "radio", [EXT_BOOLFLAG] = "boolflag",
	[EXT_FILESELECT] = "fileselect",
};

#define F_EXTCAP	0x01	/* Wireshark's protocol option: its presence means extcap mode */
#define F_STANDALONE	0x02	/* standalone command line only */
#define F_SYNOPSIS	0x04	/* shown in the usage line */
#define F_POW2		0x08	/* a number that must be a power of two */
#define F_RELOAD	0x10	/* extcap selector Wireshark may reload */
#define F_IFACE_ARG	0x20	/* an argument of the extcap interfaces in ext_ifaces only */
#define F_REQUIRED	0x40	/* extcap: Wireshark insists on a value */
/*
 * Selection by process: absent means no condition. Wireshark passes an arg's
 * default (0 or empty) when the user sets none, so in extcap mode those mean
 * none too; standalone they are refused.
 */
#define F_SELECT	0x80

struct ebc_opt {
	const char *name;		/* long name, without "--" */
	char letter;			/* short option, 0 for none */
	enum opt_arg arg;
	const char *metavar;		/* the value's name in --help */
	const char *def;		/* default, parsed like the command line before argv */
	unsigned long long min, max;	/* ARG_UINT range */
	const struct ebc_word *words;	/* ARG_ENUM, ARG_SET */
	enum opt_store store;
	size_t off;			/* offsetof(struct ebc_config, ...) */
	unsigned int flags;
	const char *noun;		/* for errors: "snaplen 0 out of range", "invalid verdict" */
	const char *alt;		/* F_IFACE_ARG: its standalone spelling */
	const char *help;
	/* As an extcap argument (ext != EXT_NONE). */
	enum ext_type ext;
	const char *ext_display;
	const char *ext_tooltip;
	const char *ext_group;
	unsigned int ext_ifaces;	/* IF_* bits: the interfaces that offer it */
};

enum opt_id {
	O_LIST, O_INTERFACE, O_DEVICE, O_TRACEPOINT, O_FUNCTION, O_ON, O_ARG, O_FILTER, O_SNAPLEN,
	O_COUNT, O_WRITE, O_DIRECTION, O_XDP_MODE, O_XDP_HOOK, O_VERDICTS, O_XDP_CAPTURE, O_XDP_PROG, O_TC_MODE, O_TRACE_MODE,
	O_ALL_NETNS, O_PID, O_COMM, O_CGROUP, O_NETNS,
	O_RING_SIZE, O_VERBOSE, O_QUIET, O_HELP, O_VERSION,
	O_EXTCAP_INTERFACES, O_EXTCAP_INTERFACE, O_EXTCAP_DLTS, O_EXTCAP_CONFIG,
	O_EXTCAP_RELOAD, O_CAPTURE, O_FIFO, O_EXTCAP_FILTER, O_EXTCAP_VERSION,
	O_LOG_LEVEL, O_LOG_FILE, O_DUMP, O_DUMP_C, O_READ, O_HOOK, O_CBPF,
	O__MAX,
};

/*
 * An extcap interface and the tap it captures with. Trace interfaces name
 * their target here (drops) or take it from an option of theirs.
 */
struct ebc_iface {
	const char *name;
	const char *display;
	enum ebc_tap_kind kind;
	enum ebc_trace_kind trace_kind;	/* EBC_TAP_TRACE; --on may turn KFUNC into KRETFUNC */
	const char *trace_target;	/* EBC_TAP_TRACE: fixed, or NULL for target_opt's value */
	enum opt_id target_opt;
};

static const struct ebc_iface ifaces[IFX__MAX] = {
	[IFX_ANY] = { EBC_IFACE_ANY, "eBPF capture: tc on all devices (like -i any)", EBC_TAP_ANY },
	[IFX_TC] = { EBC_IFACE_TC, "eBPF capture: tc ingress/egress of one device", EBC_TAP_TC },
	[IFX_XDP] = { EBC_IFACE_XDP, "eBPF capture: XDP hook of one device", EBC_TAP_XDP },
	[IFX_DROPS] = {
		EBC_IFACE_DROPS, "eBPF capture: packets the kernel drops (" EBC_DROPS_TRACEPOINT ")",
		EBC_TAP_TRACE, EBC_TRACE_TP, EBC_DROPS_TRACEPOINT,
	},
	[IFX_TRACEPOINT] = {
		EBC_IFACE_TRACEPOINT, "eBPF capture: a tracepoint carrying an sk_buff",
		EBC_TAP_TRACE, EBC_TRACE_TP, NULL, O_TRACEPOINT,
	},
	[IFX_KFUNC] = {
		EBC_IFACE_KFUNC, "eBPF capture: entry or exit of a kernel function taking an sk_buff",
		EBC_TAP_TRACE, EBC_TRACE_KFUNC, NULL, O_FUNCTION,
	},
	[IFX_SOCKETS] = {
		EBC_IFACE_SOCKETS, "eBPF capture: what processes read and write on their sockets (syscalls)",
		EBC_TAP_SOCKETS,
	},
};

/* The index in ifaces[] of an extcap interface name, or -1. */
static int iface_index(const char *interface)
{
	if (!interface)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(ifaces); i++)
		if (!strcmp(interface, ifaces[i].name))
			return (int)i;
	return -1;
}

/* "a, b or c": the names of the interfaces in an IF_* mask. */
static const char *iface_names(unsigned int mask, char *buf, size_t len)
{
	size_t n = 0, total = 0, seen = 0;

	for (size_t i = 0; i < ARRAY_SIZE(ifaces); i++)
		total += (mask >> i) & 1;
	buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(ifaces) && n < len; i++) {
		if (!((mask >> i) & 1))
			continue;
		seen++;
		n += snprintf(buf + n, len - n, "%s%s", seen == 1 ? "" : seen == total ? " or " : ", ",
			      ifaces[i].name);
	}
	return buf;
}

#define CFG(field) offsetof(struct ebc_config, field)

static const struct ebc_opt opts[O__MAX] = {
	[O_DUMP] = {
		.name = "dump", .letter = 'd', .flags = F_STANDALONE,
		.help = "print the filter's classic BPF program and its eBPF translation, "
			"like tcpdump -d, and exit",
	},
	[O_DUMP_C] = {
		.name = "dump-c", .flags = F_STANDALONE,
		.help = "print the filter's translation as C for clang -target bpf, and exit",
	},
	[O_CBPF] = {
		.name = "cbpf", .arg = ARG_STRING, .metavar = "FILE",
		.store = ST_STR, .off = CFG(cbpf_file), .flags = F_STANDALONE,
		.help = "a classic BPF program (tcpdump -ddd format, as bpf_asm writes it) instead "
			"of a filter expression; Linux ancillary loads are answered where the hook "
			"has the data",
	},
	[O_READ] = {
		.name = "read", .letter = 'r', .arg = ARG_STRING, .metavar = "FILE",
		.store = ST_STR, .off = CFG(input), .flags = F_STANDALONE,
		.help = "run the packets of a pcap or pcapng file through the datapath program "
			"in the kernel and write those the filter keeps",
	},
	[O_HOOK] = {
		.name = "hook", .arg = ARG_ENUM, .metavar = "tc|xdp|trace", .def = "tc",
		.words = hook_words, .store = ST_INT, .off = CFG(hook), .flags = F_STANDALONE,
		.help = "with -r: the datapath program the packets run through",
	},
	[O_LIST] = {
		.name = "list-taps", .letter = 'D', .flags = F_STANDALONE | F_SYNOPSIS,
		.help = "list the taps -i accepts, with the devices they can use, and exit",
	},
	[O_INTERFACE] = {
		.name = "interface", .letter = 'i', .arg = ARG_STRING, .metavar = "TAP",
		.def = "any", .flags = F_STANDALONE | F_SYNOPSIS,
		.help = "any (tc on every up device), tc:DEV, xdp:DEV, DEV meaning tc:DEV, "
			"xdphook:PATH (the verdicts of XDP programs that tail-call the pinned hook "
			"map PATH, xdpcap's convention); "
			"drops (packets the kernel drops, at tracepoint " EBC_DROPS_TRACEPOINT "), "
			"sockets (what processes read and write on TCP and UDP sockets, from the "
			"syscalls, as synthesised frames), "
			"tp:[GROUP:]NAME (a tracepoint carrying an sk_buff), "
			"kfunc:FUNC[:argN] or kretfunc:FUNC[:argN] (entry or exit of a kernel "
			"function whose Nth parameter, from arg1, else its first sk_buff one, "
			"is the packet)",
	},
	[O_DEVICE] = {
		.name = "device", .arg = ARG_STRING, .metavar = "DEV",
		.store = ST_STR, .off = CFG(device), .flags = F_RELOAD,
		.help = "capture on DEV only (default: every up device for -i any)",
		.ext = EXT_SELECTOR, .ext_display = "Device",
		.ext_tooltip = "The network device whose hook is tapped",
		.ext_group = "Capture", .ext_ifaces = IF_DEV,
	},
	[O_TRACEPOINT] = {
		.name = "tracepoint", .arg = ARG_STRING, .metavar = "GROUP:NAME",
		.def = "net:netif_receive_skb", .flags = F_IFACE_ARG, .alt = "-i tp:GROUP:NAME",
		.help = "with " EBC_IFACE_TRACEPOINT ": the tracepoint to capture at",
		.ext = EXT_SELECTOR, .ext_display = "Tracepoint",
		.ext_tooltip = "A tracepoint of this kernel that carries an sk_buff",
		.ext_group = "Capture", .ext_ifaces = IF_TRACEPOINT,
	},
	[O_FUNCTION] = {
		.name = "function", .arg = ARG_STRING, .metavar = "FUNC", .def = "ip_rcv",
		.flags = F_IFACE_ARG | F_REQUIRED, .alt = "-i kfunc:FUNC",
		.help = "with " EBC_IFACE_KFUNC ": the kernel function to capture at",
		/*
		 * Not an editselector: Wireshark 4.0's parser drops that arg and prints
		 * "invalid type" on tshark's stdout. tshark 4.0 reads a selector of a
		 * kernel's ~2400 functions in no measurable time, and -o can still
		 * name a function the list lacks.
		 */
		.ext = EXT_SELECTOR, .ext_display = "Function",
		.ext_tooltip = "A kernel function with a struct sk_buff * parameter, from the kernel's "
			"BTF; argN says which parameters are sk_buffs, counted from 1",
		.ext_group = "Capture", .ext_ifaces = IF_KFUNC,
	},
	[O_ON] = {
		.name = "on", .arg = ARG_ENUM, .metavar = "entry|exit", .def = "entry",
		.words = on_words, .flags = F_IFACE_ARG, .alt = "-i kfunc:FUNC or -i kretfunc:FUNC",
		.help = "with " EBC_IFACE_KFUNC ": capture at the function's entry or exit",
		.ext = EXT_RADIO, .ext_display = "Capture at",
		.ext_tooltip = "Capture as the function is called, or as it returns",
		.ext_group = "Capture", .ext_ifaces = IF_KFUNC,
	},
	[O_ARG] = {
		.name = "arg", .arg = ARG_UINT, .metavar = "N", .def = "0", .min = 0, .max = 12,
		.store = ST_UINT, .off = CFG(trace_arg), .flags = F_IFACE_ARG, .noun = "argument",
		.alt = "-i kfunc:FUNC:argN",
		.help = "with " EBC_IFACE_KFUNC ": the function's sk_buff parameter, counted from 1; "
			"0: the first sk_buff parameter",
		.ext = EXT_INTEGER, .ext_display = "sk_buff parameter (from 1; 0: the first sk_buff)",
		.ext_tooltip = "The parameter holding the sk_buff, counted from 1 as in the function "
			"list (1 is the first parameter); 0 picks the function's first struct sk_buff * "
			"parameter",
		.ext_group = "Capture", .ext_ifaces = IF_KFUNC,
	},
	[O_FILTER] = {
		.name = "filter", .letter = 'f', .arg = ARG_STRING, .metavar = "FILTER",
		.flags = F_STANDALONE | F_SYNOPSIS,
		.help = "capture filter in pcap-filter(7) syntax, run in the kernel; "
			"may also follow the options as words, like tcpdump",
	},
	[O_SNAPLEN] = {
		.name = "snaplen", .letter = 's', .arg = ARG_UINT, .metavar = "SNAPLEN",
		.def = STR(EBC_DEFAULT_SNAPLEN), .min = 1, .max = EBC_SNAPLEN_MAX,
		.store = ST_UINT, .off = CFG(snaplen), .flags = F_SYNOPSIS, .noun = "snaplen",
		.help = "bytes kept of each packet, cut in the kernel",
		.ext = EXT_INTEGER, .ext_display = "Snapshot length",
		.ext_tooltip = "Bytes kept of each packet (1 to 262144), cut in the kernel",
		.ext_group = "Capture", .ext_ifaces = IF_ALL,
	},
	[O_COUNT] = {
		.name = "count", .letter = 'c', .arg = ARG_UINT, .metavar = "COUNT",
		.min = 1, .max = ULLONG_MAX, .store = ST_ULLONG, .off = CFG(count),
		.flags = F_SYNOPSIS, .noun = "count",
		.help = "stop after COUNT packets (default: until interrupted)",
	},
	[O_WRITE] = {
		.name = "write", .letter = 'w', .arg = ARG_STRING, .metavar = "FILE|-",
		.def = "-", .store = ST_STR, .off = CFG(output),
		.flags = F_STANDALONE | F_SYNOPSIS,
		.help = "write pcapng to FILE, or to standard output with -",
	},
	[O_DIRECTION] = {
		.name = "direction", .letter = 'Q', .arg = ARG_ENUM, .metavar = "in|out|inout",
		.def = "bidirectional", .words = direction_words, .store = ST_INT,
		.off = CFG(direction), .flags = F_SYNOPSIS,
		.help = "tc packets received, sent or both",
		.ext = EXT_RADIO, .ext_display = "Direction",
		.ext_tooltip = "Capture packets the device receives, sends, or both",
		.ext_group = "Capture", .ext_ifaces = IF_TC,
	},
	[O_XDP_MODE] = {
		.name = "xdp-mode", .arg = ARG_ENUM, .metavar = "MODE", .def = "auto",
		.words = xdp_mode_words, .store = ST_INT, .off = CFG(xdp_mode),
		.help = "how the XDP program is attached, for xdp taps",
		.ext = EXT_RADIO, .ext_display = "XDP mode",
		.ext_tooltip = "Native runs in the driver; generic works on any device but later in the stack",
		.ext_group = "Capture", .ext_ifaces = IF_XDP,
	},
	[O_XDP_HOOK] = {
		.name = "xdp-hook", .arg = ARG_STRING, .metavar = "PATH", .flags = F_IFACE_ARG,
		.alt = "-i xdphook:PATH",
		.help = "with " EBC_IFACE_XDP ": capture the verdicts of the XDP programs that "
			"tail-call the pinned hook map PATH instead of attaching an XDP program",
		/*
		 * Not a fileselect: Wireshark's is a read-only box filled from a file
		 * dialog, which cannot look into /sys/fs/bpf (mode 700) unless
		 * Wireshark runs as root.
		 */
		.ext = EXT_STRING, .ext_display = "Hook map (xdpcap convention)",
		.ext_tooltip = "Path of a pinned prog array an XDP program tail-calls on exit (see "
			"README): capture its verdicts instead of attaching an XDP program",
		.ext_group = "Capture", .ext_ifaces = IF_XDP,
	},
	[O_VERDICTS] = {
		.name = "verdicts", .arg = ARG_SET, .metavar = "LIST",
		.def = "aborted,drop,pass,tx,redirect", .words = verdict_words, .store = ST_UINT,
		.off = CFG(verdicts), .noun = "verdict",
		.help = "with -i xdphook:PATH, or xdp:DEV running a program: the XDP actions whose "
			"packets are captured, comma-separated, also as XDP_DROP and so on",
		.ext = EXT_STRING, .ext_display = "Verdicts to capture (hook map)",
		.ext_tooltip = "The XDP actions whose packets are captured, comma-separated: aborted, "
			"drop, pass, tx, redirect; with a hook map only",
		.ext_group = "Capture", .ext_ifaces = IF_XDP,
	},
	[O_XDP_CAPTURE] = {
		.name = "xdp-capture", .arg = ARG_ENUM, .metavar = "WHERE", .def = "both",
		.words = xdp_capture_words, .store = ST_INT, .off = CFG(xdp_capture),
		.help = "xdp:DEV with an XDP program attached: trace its entry, exit (the verdict) "
			"or both, linked by packet id",
		.ext = EXT_RADIO, .ext_display = "Attached program: capture at",
		.ext_tooltip = "When the device already runs an XDP program, ebpfcap traces it "
			"(fentry/fexit): the packet it gets, the packet it leaves with its verdict, or both",
		.ext_group = "Capture", .ext_ifaces = IF_XDP,
	},
	[O_XDP_PROG] = {
		.name = "xdp-prog", .arg = ARG_STRING, .metavar = "NAME|ID", .store = ST_STR,
		.off = CFG(xdp_prog),
		.help = "xdp:DEV with a libxdp dispatcher: which of its programs to trace (default: all)",
		.ext = EXT_STRING, .ext_display = "Attached program (name or id)",
		.ext_tooltip = "With several XDP programs on the device (libxdp), the one to trace; "
			"empty: all",
		.ext_group = "Capture", .ext_ifaces = IF_XDP,
	},
	[O_TC_MODE] = {
		.name = "tc-mode", .arg = ARG_ENUM, .metavar = "MODE", .def = "auto",
		.words = tc_mode_words, .store = ST_INT, .off = CFG(tc_mode),
		.help = "how the tc programs are attached, for tc taps",
		.ext = EXT_RADIO, .ext_display = "tc attach mode",
		.ext_tooltip = "tcx links vanish with ebpfcap; clsact filters are removed on exit",
		.ext_group = "Capture", .ext_ifaces = IF_ANY | IF_TC,
	},
	[O_TRACE_MODE] = {
		.name = "trace-mode", .arg = ARG_ENUM, .metavar = "MODE", .def = "auto",
		.words = trace_mode_words, .store = ST_INT, .off = CFG(trace_mode),
		.help = "how trace taps attach: btf (tp_btf, fentry/fexit), raw (raw_tp, kprobes), "
			"auto (btf, else raw)",
		.ext = EXT_SELECTOR, .ext_display = "Trace attach mode",
		.ext_tooltip = "BTF-typed programs need a kernel with BTF; raw ones also work without",
		.ext_group = "Capture", .ext_ifaces = IF_TRACE,
	},
	[O_ALL_NETNS] = {
		.name = "all-netns",
		.help = "trace taps capture every network namespace, not only the one ebpfcap runs in",
		.ext = EXT_BOOLFLAG, .ext_display = "All network namespaces",
		.ext_tooltip = "Capture the packets of every network namespace, not only ebpfcap's own",
		.ext_group = "Capture", .ext_ifaces = IF_TRACE,
	},
	[O_PID] = {
		.name = "pid", .arg = ARG_UINT, .metavar = "PID", .def = "0", .min = 1,
		.max = EBC_PID_MAX, .store = ST_UINT, .off = CFG(pid), .flags = F_SELECT,
		.noun = "pid",
		.help = "only packets of this process (its sockets' packets at tc/XDP; the current "
			"process at tracepoints; its syscalls for sockets)",
		.ext = EXT_UNSIGNED, .ext_display = "Process ID (0: any)",
		.ext_tooltip = "Only packets of this process (thread group id): its sockets' packets "
			"at tc and XDP, the current process at tracepoints, its syscalls for sockets; "
			"0: any process",
		.ext_group = "Selection", .ext_ifaces = IF_ALL,
	},
	[O_COMM] = {
		.name = "comm", .arg = ARG_STRING, .metavar = "NAME", .store = ST_STR,
		.off = CFG(comm), .flags = F_SELECT,
		.help = "only packets of processes with this command name",
		.ext = EXT_STRING, .ext_display = "Command name",
		.ext_tooltip = "Only packets of processes with this command name (at most 15 "
			"characters, as ps -o comm shows it); empty: any",
		.ext_group = "Selection", .ext_ifaces = IF_ALL,
	},
	[O_CGROUP] = {
		.name = "cgroup", .arg = ARG_STRING, .metavar = "PATH", .store = ST_STR,
		.off = CFG(cgroup), .flags = F_SELECT,
		.help = "only packets of processes in this cgroup v2 (or below it)",
		.ext = EXT_STRING, .ext_display = "Cgroup (v2 path)",
		.ext_tooltip = "Only packets of processes in this cgroup v2 or below it, e.g. "
			"/sys/fs/cgroup/system.slice/nginx.service; empty: any",
		.ext_group = "Selection", .ext_ifaces = IF_ALL,
	},
	[O_NETNS] = {
		.name = "netns", .arg = ARG_STRING, .metavar = "PATH", .store = ST_STR,
		.off = CFG(netns), .flags = F_SELECT,
		.help = "for trace and sockets taps: only packets of this network namespace "
			"(trace taps default to the one ebpfcap runs in)",
		.ext = EXT_STRING, .ext_display = "Network namespace (path)",
		.ext_tooltip = "Only packets of this network namespace, e.g. /run/netns/NAME or "
			"/proc/PID/ns/net; empty: ebpfcap's own for trace taps, any for sockets",
		.ext_group = "Selection", .ext_ifaces = IF_TRACE | IF_SOCKETS,
	},
	[O_RING_SIZE] = {
		.name = "ring-size", .arg = ARG_UINT, .metavar = "MIB",
		.def = STR(EBC_DEFAULT_RING_MB), .min = 1, .max = EBC_RING_MB_MAX,
		.store = ST_UINT, .off = CFG(ring_mb), .flags = F_POW2, .noun = "ring size",
		.help = "kernel-to-user ring buffer in MiB, a power of two",
		.ext = EXT_INTEGER, .ext_display = "Ring buffer (MiB)",
		.ext_tooltip = "Kernel-to-user ring buffer size in MiB, a power of two (1 to 1024); "
			"raise it if packets are lost",
		.ext_group = "Performance", .ext_ifaces = IF_ALL,
	},
	[O_VERBOSE] = {
		.name = "verbose", .letter = 'v',
		.help = "log more on standard error: -v info, -vv debug, -vvv libbpf too",
	},
	[O_QUIET] = {
		.name = "quiet", .letter = 'q', .store = ST_NONE,
		.help = "print no capture summary on standard error",
	},
	[O_HELP] = { .name = "help", .letter = 'h', .help = "show this help and exit" },
	[O_VERSION] = { .name = "version", .help = "show the version and exit" },
	[O_EXTCAP_INTERFACES] = {
		.name = "extcap-interfaces", .flags = F_EXTCAP,
		.help = "list the extcap interfaces",
	},
	[O_EXTCAP_INTERFACE] = {
		.name = "extcap-interface", .arg = ARG_STRING, .metavar = "IF",
		.store = ST_STR, .off = CFG(extcap_interface), .flags = F_EXTCAP,
		.help = "the interface: " EBC_IFACE_ANY ", " EBC_IFACE_TC ", " EBC_IFACE_XDP ", "
			EBC_IFACE_DROPS ", " EBC_IFACE_TRACEPOINT ", " EBC_IFACE_KFUNC " or "
			EBC_IFACE_SOCKETS,
	},
	[O_EXTCAP_DLTS] = {
		.name = "extcap-dlts", .flags = F_EXTCAP,
		.help = "list the link types of --extcap-interface",
	},
	[O_EXTCAP_CONFIG] = {
		.name = "extcap-config", .flags = F_EXTCAP,
		.help = "list the options of --extcap-interface",
	},
	[O_EXTCAP_RELOAD] = {
		.name = "extcap-reload-option", .arg = ARG_STRING, .metavar = "OPTION",
		.store = ST_STR, .off = CFG(reload_option), .flags = F_EXTCAP,
		.help = "with --extcap-config: list only the values of OPTION (device)",
	},
	[O_CAPTURE] = {
		.name = "capture", .flags = F_EXTCAP,
		.help = "capture on --extcap-interface into --fifo",
	},
	[O_FIFO] = {
		.name = "fifo", .arg = ARG_STRING, .metavar = "PATH", .store = ST_STR,
		.off = CFG(fifo), .flags = F_EXTCAP,
		.help = "the pipe Wireshark reads pcapng from",
	},
	[O_EXTCAP_FILTER] = {
		.name = "extcap-capture-filter", .arg = ARG_STRING, .metavar = "FILTER",
		.flags = F_EXTCAP,
		.help = "capture filter; without --capture, only check it (one line if invalid)",
	},
	[O_EXTCAP_VERSION] = {
		.name = "extcap-version", .arg = ARG_STRING, .metavar = "VER",
		.store = ST_STR, .off = CFG(extcap_version), .flags = F_EXTCAP,
		.help = "the calling Wireshark's version",
	},
	[O_LOG_LEVEL] = {
		.name = "log-level", .arg = ARG_ENUM, .metavar = "LEVEL", .def = "warning",
		.words = log_level_words, .store = ST_INT, .off = CFG(log_level),
		.help = "log messages up to LEVEL, named as in Wireshark",
	},
	[O_LOG_FILE] = {
		.name = "log-file", .arg = ARG_STRING, .metavar = "PATH", .store = ST_STR,
		.off = CFG(log_file),
		.help = "log to PATH instead of standard error (in extcap mode: instead of nowhere)",
	},
};

/* What one parse saw, beyond what lands in the config. */
struct parse_state {
	int seen[O__MAX];
	const char *raw[O__MAX];		/* the last value given */
	bool used_long[O__MAX];			/* last given as --name (else -x) */
};

/* Storage for strings the parser builds: trailing filter words, a decoded device. */
static char *joined_filter;
static char device_buf[4 * EBC_IFNAME_MAX + 1];
static char target_buf[EBC_FUNC_MAX + 1];

static int fail(char *errbuf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *errbuf, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!errbuf || !len)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(errbuf, len, fmt, ap);
	va_end(ap);
	/* One line, whatever the user typed into the values we quote. */
	for (char *p = errbuf; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return -EINVAL;
}

/* "-Q" or "--direction", as the user last spelled the option. */
static const char *spelling(const struct parse_state *st, enum opt_id id, char *buf, size_t len)
{
	if (opts[id].letter && !st->used_long[id])
		snprintf(buf, len, "-%c", opts[id].letter);
	else
		snprintf(buf, len, "--%s", opts[id].name);
	return buf;
}

static void join_words(char *buf, size_t len, const struct ebc_word *w, const char *sep)
{
	size_t n = 0;

	buf[0] = '\0';
	for (; w->word && n < len; w++)
		n += snprintf(buf + n, len - n, "%s%s", n ? sep : "", w->word);
}

/* "a, b or c": the words of a list that have a display (no aliases). */
static const char *list_words(char *buf, size_t len, const struct ebc_word *words)
{
	size_t n = 0, total = 0, seen = 0;

	for (const struct ebc_word *w = words; w->word; w++)
		total += w->display != NULL;
	buf[0] = '\0';
	for (const struct ebc_word *w = words; w->word && n < len; w++) {
		if (!w->display)
			continue;
		seen++;
		n += snprintf(buf + n, len - n, "%s%s", seen == 1 ? "" : seen == total ? " or " : ", ",
			      w->word);
	}
	return buf;
}

/* Blanks, signs, a base or a unit: say what the option takes, with its range. */
static int not_a_number(enum opt_id id, const char *s, char *errbuf, size_t len)
{
	const struct ebc_opt *o = &opts[id];

	if (o->max == ULLONG_MAX)
		return fail(errbuf, len, "invalid value \"%s\" for --%s: expected a number of at least %llu",
			    s, o->name, o->min);
	return fail(errbuf, len, "invalid value \"%s\" for --%s: expected a %s from %llu to %llu",
		    s, o->name, (o->flags & F_POW2) ? "power of two" : "number", o->min, o->max);
}

static int out_of_range(enum opt_id id, const char *s, char *errbuf, size_t len)
{
	const struct ebc_opt *o = &opts[id];

	if (o->max == ULLONG_MAX)
		return fail(errbuf, len, "%s %s out of range (at least %llu)", o->noun, s, o->min);
	return fail(errbuf, len, "%s %s out of range (%llu to %llu)", o->noun, s, o->min, o->max);
}

static int parse_uint(enum opt_id id, const char *s, unsigned long long *out, char *errbuf,
		      size_t len)
{
	const struct ebc_opt *o = &opts[id];
	unsigned long long v;
	char *end;

	/* Extcap's "none" (0, or an empty field); check_selection() refuses it standalone. */
	if ((o->flags & F_SELECT) && !*s) {
		*out = 0;
		return 0;
	}
	/* strtoull takes signs and blanks; a count or size never has either. */
	if (!isdigit((unsigned char)s[0]))
		return not_a_number(id, s, errbuf, len);
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end)
		return not_a_number(id, s, errbuf, len);
	if (errno == ERANGE || (v < o->min && !(v == 0 && (o->flags & F_SELECT))) || v > o->max)
		return out_of_range(id, s, errbuf, len);
	if ((o->flags & F_POW2) && (v & (v - 1))) {
		unsigned long long lo = 1;

		while (lo * 2 < v)
			lo *= 2;
		return fail(errbuf, len, "%s %s is not a power of two (try %llu or %llu)", o->noun, s,
			    lo, lo * 2);
	}
	*out = v;
	return 0;
}

static int parse_enum(enum opt_id id, const char *s, unsigned long long *out, char *errbuf,
		      size_t len)
{
	const struct ebc_opt *o = &opts[id];
	char words[160];

	for (const struct ebc_word *w = o->words; w->word; w++) {
		if (!strcasecmp(s, w->word)) {
			*out = (unsigned long long)w->value;
			return 0;
		}
	}
	join_words(words, sizeof(words), o->words, "|");
	return fail(errbuf, len, "invalid value \"%s\" for --%s: expected %s", s, o->name, words);
}

/*
 * Comma-separated words, blanks around each allowed; empty items are skipped,
 * an empty list is not.
 */
static int parse_set(enum opt_id id, const char *s, unsigned long long *out, char *errbuf,
		     size_t len)
{
	const struct ebc_opt *o = &opts[id];
	unsigned long long mask = 0;
	char words[160];

	for (const char *p = s;;) {
		const struct ebc_word *w;
		size_t n, m;

		p += strspn(p, " \t,");
		n = strcspn(p, ",");
		if (!n)
			break;
		for (m = n; m && (p[m - 1] == ' ' || p[m - 1] == '\t'); m--)
			;
		for (w = o->words; w->word; w++)
			if (strlen(w->word) == m && !strncasecmp(p, w->word, m))
				break;
		if (!w->word)
			return fail(errbuf, len, "invalid %s \"%.*s\" for --%s: expected %s", o->noun,
				    (int)m, p, o->name, list_words(words, sizeof(words), o->words));
		mask |= 1ull << w->value;
		p += n;
	}
	if (!mask)
		return fail(errbuf, len, "--%s names no %s (expected %s, comma-separated)", o->name,
			    o->noun, list_words(words, sizeof(words), o->words));
	*out = mask;
	return 0;
}

/* Parse one value and store it where the table says. */
static int apply(enum opt_id id, const char *val, struct ebc_config *cfg,
		 struct parse_state *st, char *errbuf, size_t len)
{
	const struct ebc_opt *o = &opts[id];
	char *field = (char *)cfg + o->off;
	unsigned long long v = 0;
	int err = 0;

	if (o->arg == ARG_UINT)
		err = parse_uint(id, val, &v, errbuf, len);
	else if (o->arg == ARG_ENUM)
		err = parse_enum(id, val, &v, errbuf, len);
	else if (o->arg == ARG_SET)
		err = parse_set(id, val, &v, errbuf, len);
	if (err)
		return err;
	st->raw[id] = val;
	switch (o->store) {
	case ST_NONE:
		break;
	case ST_STR:
		*(const char **)field = val;
		break;
	case ST_UINT:
		*(unsigned int *)field = (unsigned int)v;
		break;
	case ST_ULLONG:
		*(unsigned long long *)field = v;
		break;
	case ST_INT:
		*(int *)field = (int)v;
		break;
	}
	return 0;
}

static void set_defaults(struct ebc_config *cfg)
{
	struct parse_state scratch;
	char errbuf[8];

	memset(cfg, 0, sizeof(*cfg));
	memset(&scratch, 0, sizeof(scratch));
	for (int id = 0; id < O__MAX; id++)
		if (opts[id].def)
			apply(id, opts[id].def, cfg, &scratch, errbuf, sizeof(errbuf));
}

/* getopt_long's arrays, from the table. Options without a letter return 256 + id. */
static void build_getopt(struct option *longopts, char *shortopts)
{
	char *s = shortopts;

	/* ':' first: a missing value is reported as ':' rather than '?'. */
	*s++ = ':';
	for (int id = 0; id < O__MAX; id++) {
		longopts[id] = (struct option){
			.name = opts[id].name,
			.has_arg = opts[id].arg == ARG_NONE ? no_argument : required_argument,
			.flag = NULL,
			.val = opts[id].letter ? opts[id].letter : 256 + id,
		};
		if (opts[id].letter) {
			*s++ = opts[id].letter;
			if (opts[id].arg != ARG_NONE)
				*s++ = ':';
		}
	}
	*s = '\0';
	longopts[O__MAX] = (struct option){ 0 };
}

static int id_of_val(int val)
{
	if (val >= 256 && val < 256 + O__MAX)
		return val - 256;
	for (int id = 0; id < O__MAX; id++)
		if (opts[id].letter && opts[id].letter == val)
			return id;
	return -1;
}

static int getopt_error(int c, char **argv, char *errbuf, size_t len)
{
	int id = id_of_val(optopt);
	const char *arg = argv[optind - 1];
	size_t n;

	if (c == ':' && id >= 0) {
		if (arg && arg[0] == '-' && arg[1] == '-')
			return fail(errbuf, len, "missing value for --%s", opts[id].name);
		return fail(errbuf, len, "missing value for -%c", opts[id].letter);
	}
	if (optopt && optopt < 256)
		return fail(errbuf, len, "unknown option -%c (see ebpfcap --help)", optopt);
	/* An unknown or ambiguous long option; quote it without its =value. */
	n = arg ? strcspn(arg, "=") : 0;
	return fail(errbuf, len, "unknown option %.*s (see ebpfcap --help)", (int)n, arg ? arg : "");
}

/* Tcpdump-style filter words after the options, joined by spaces. */
static int join_trailing(int argc, char **argv, int first, const char **out)
{
	size_t n = 0;
	char *p;

	for (int i = first; i < argc; i++)
		n += strlen(argv[i]) + 1;
	joined_filter = malloc(n ? n : 1);
	if (!joined_filter)
		return -ENOMEM;
	p = joined_filter;
	for (int i = first; i < argc; i++) {
		if (i > first)
			*p++ = ' ';
		p = stpcpy(p, argv[i]);
	}
	*p = '\0';
	*out = joined_filter;
	return 0;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/*
 * Undo the \xHH escapes --extcap-config puts into device names Wireshark's
 * parser cannot carry ({, }, \ and non-printable bytes).
 */
static const char *unescape_device(const char *s)
{
	size_t n = 0;

	if (!strchr(s, '\\') || strlen(s) >= sizeof(device_buf))
		return s;
	while (*s && n + 1 < sizeof(device_buf)) {
		if (s[0] == '\\' && s[1] == 'x' && hexval(s[2]) >= 0 && hexval(s[3]) >= 0) {
			device_buf[n++] = (char)(hexval(s[2]) * 16 + hexval(s[3]));
			s += 4;
		} else {
			device_buf[n++] = *s++;
		}
	}
	device_buf[n] = '\0';
	return device_buf;
}

static int check_device(const char *dev, char *errbuf, size_t len)
{
	if (strlen(dev) > EBC_IFNAME_MAX)
		return fail(errbuf, len, "device name \"%s\" is too long (at most %d characters)", dev,
			    EBC_IFNAME_MAX);
	if (strchr(dev, '/') || strpbrk(dev, " \t"))
		return fail(errbuf, len, "invalid device name \"%s\" (no '/' or blanks)", dev);
	return 0;
}

/* Decimal digits only, no sign, no leading zero, min..max. */
static bool small_number(const char *s, unsigned int min, unsigned int max, unsigned int *out)
{
	unsigned int v = 0;

	if (!isdigit((unsigned char)*s) || (s[0] == '0' && s[1]))
		return false;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return false;
		v = v * 10 + (unsigned int)(*s - '0');
		if (v > max)
			return false;
	}
	if (v < min)
		return false;
	*out = v;
	return true;
}

static bool name_chars(const char *s, size_t n, bool dots)
{
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && !(dots && s[i] == '.'))
			return false;
	return true;
}

/*
 * A tracepoint, [GROUP:]NAME. subject and form name where it came from in
 * the errors: "-i tp:net:" and "-i tp:", or "--tracepoint" and "--tracepoint ".
 */
static int check_tracepoint(const char *spec, const char *subject, const char *form,
			    char *errbuf, size_t len)
{
	const char *colon = strchr(spec, ':');
	const char *name = colon ? colon + 1 : spec;
	size_t glen = colon ? (size_t)(colon - spec) : 0;

	if (!*name || (colon && !glen))
		return fail(errbuf, len, "%s names no tracepoint (expected %sGROUP:NAME or %sNAME)",
			    subject, form, form);
	if (!name_chars(spec, glen, false) || !name_chars(name, strlen(name), false))
		return fail(errbuf, len,
			    "invalid tracepoint \"%s\" (expected %sGROUP:NAME of letters, digits and '_')",
			    spec, form);
	if (glen > EBC_TP_PART_MAX || strlen(name) > EBC_TP_PART_MAX)
		return fail(errbuf, len,
			    "tracepoint \"%s\" is too long (at most %d characters for group and for name)",
			    spec, EBC_TP_PART_MAX);
	return 0;
}

/* A kernel function's name; example is how to spell one, e.g. "-i kfunc:ip_rcv". */
static int check_function(const char *func, size_t n, const char *subject, const char *example,
			  char *errbuf, size_t len)
{
	if (!n)
		return fail(errbuf, len, "%s names no function (e.g. %s)", subject, example);
	if (!name_chars(func, n, true))
		return fail(errbuf, len,
			    "invalid function name \"%.*s\" (expected letters, digits, '_' and '.')",
			    (int)n, func);
	if (n > EBC_FUNC_MAX)
		return fail(errbuf, len, "function name \"%.*s\" is too long (at most %d characters)",
			    (int)n, func, EBC_FUNC_MAX);
	return 0;
}

/* The target of -i tp:[GROUP:]NAME, kfunc:FUNC[:argN] or kretfunc:FUNC[:argN]. */
static int parse_trace_tap(const char *tap, const char *rest, enum ebc_trace_kind trace_kind,
			   struct ebc_config *cfg, char *errbuf, size_t len)
{
	char subject[96], example[32];
	const char *arg;
	size_t n;
	int err;

	cfg->kind = EBC_TAP_TRACE;
	cfg->trace_kind = trace_kind;
	cfg->trace_target = rest;
	snprintf(subject, sizeof(subject), "-i %.88s", tap);
	if (trace_kind == EBC_TRACE_TP) {
		snprintf(example, sizeof(example), "-i %.*s", (int)(rest - tap), tap);
		return check_tracepoint(rest, subject, example, errbuf, len);
	}
	arg = strchr(rest, ':');
	n = arg ? (size_t)(arg - rest) : strlen(rest);
	snprintf(example, sizeof(example), "-i %.*sip_rcv", (int)(rest - tap), tap);
	err = check_function(rest, n, subject, example, errbuf, len);
	if (err || !arg)
		return err;
	/* FUNC:argN: the function's Nth parameter, counted from 1 (0 would mean "the first skb"). */
	arg++;
	if (!strcmp(arg, "arg0"))
		return fail(errbuf, len, "-i %s: arguments count from 1 (arg1 is the first parameter)",
			    tap);
	if (strncmp(arg, "arg", 3) || !small_number(arg + 3, 1, 12, &cfg->trace_arg))
		return fail(errbuf, len, "invalid argument \"%s\" in -i %s (expected arg1 to arg12)",
			    arg, tap);
	memcpy(target_buf, rest, n);
	target_buf[n] = '\0';
	cfg->trace_target = target_buf;
	return 0;
}

/*
 * A hook map's path; Wireshark starts extcaps in a directory of its choosing,
 * so a relative one would name a different file there. example shows the
 * form: "-i xdphook:" or "--xdp-hook ".
 */
static int check_hook_path(const char *path, const char *example, char *errbuf, size_t len)
{
	if (path[0] != '/')
		return fail(errbuf, len,
			    "invalid hook map path \"%s\" (expected an absolute path, e.g. %s/sys/fs/bpf/xdp_hook)",
			    path, example);
	return 0;
}

/*
 * -i any | tc:DEV | xdp:DEV | xdphook:PATH | DEV | drops | sockets | tp:[GROUP:]NAME
 *    | kfunc:FUNC[:argN] | kretfunc:FUNC[:argN]
 */
static int parse_tap(const char *tap, struct ebc_config *cfg, char *errbuf, size_t len)
{
	static const struct {
		const char *prefix;
		enum ebc_tap_kind kind;
		enum ebc_trace_kind trace_kind;
		const char *what;	/* "-i tc names no device" */
	} forms[] = {
		{ "tc:", EBC_TAP_TC, 0, "device" },
		{ "xdp:", EBC_TAP_XDP, 0, "device" },
		{ "tp:", EBC_TAP_TRACE, EBC_TRACE_TP, "tracepoint" },
		{ "kfunc:", EBC_TAP_TRACE, EBC_TRACE_KFUNC, "function" },
		{ "kretfunc:", EBC_TAP_TRACE, EBC_TRACE_KRETFUNC, "function" },
	};
	const char *dev = NULL;

	if (!strcmp(tap, "any")) {
		cfg->kind = EBC_TAP_ANY;
		return 0;
	}
	if (!strcmp(tap, "drops")) {
		cfg->kind = EBC_TAP_TRACE;
		cfg->trace_kind = EBC_TRACE_TP;
		cfg->trace_target = EBC_DROPS_TRACEPOINT;
		return 0;
	}
	if (!strcmp(tap, "sockets")) {
		cfg->kind = EBC_TAP_SOCKETS;
		return 0;
	}
	if (!strncmp(tap, "xdphook", 7) && (tap[7] == ':' || !tap[7])) {
		if (!tap[7] || !tap[8])
			return fail(errbuf, len,
				    "-i %s needs the path of a pinned hook map, e.g. -i xdphook:/sys/fs/bpf/xdp_hook",
				    tap);
		cfg->kind = EBC_TAP_XDPHOOK;
		cfg->xdp_hook = tap + 8;
		return check_hook_path(cfg->xdp_hook, "-i xdphook:", errbuf, len);
	}
	for (size_t i = 0; i < ARRAY_SIZE(forms); i++) {
		size_t n = strlen(forms[i].prefix);

		if (!strncmp(tap, forms[i].prefix, n)) {
			if (forms[i].kind == EBC_TAP_TRACE)
				return parse_trace_tap(tap, tap + n, forms[i].trace_kind, cfg, errbuf,
						       len);
			cfg->kind = forms[i].kind;
			dev = tap + n;
			break;
		}
		if (!strncmp(tap, forms[i].prefix, n - 1) && tap[n - 1] == '\0')
			return fail(errbuf, len, "-i %s names no %s (e.g. -i %s%s)", tap, forms[i].what,
				    forms[i].prefix,
				    forms[i].kind != EBC_TAP_TRACE ? "eth0" :
				    forms[i].trace_kind == EBC_TRACE_TP ? "skb:kfree_skb" : "ip_rcv");
	}
	if (!dev) {
		if (strchr(tap, ':') || !*tap)
			return fail(errbuf, len,
				    "unknown tap \"%s\" (expected any, tc:DEV, xdp:DEV, xdphook:PATH, DEV, "
				    "drops, sockets, tp:[GROUP:]NAME, kfunc:FUNC or kretfunc:FUNC)", tap);
		cfg->kind = EBC_TAP_TC;
		dev = tap;
	}
	if (!*dev)
		return fail(errbuf, len, "-i %s names no device (e.g. -i %seth0)", tap,
			    cfg->kind == EBC_TAP_XDP ? "xdp:" : "tc:");
	cfg->device = dev;
	return 0;
}

/* The tap an extcap interface captures with; a trace target from the interface or its options. */
static int apply_iface(const struct ebc_iface *ifc, struct ebc_config *cfg,
		       const struct parse_state *st, char *errbuf, size_t len)
{
	enum opt_id id = ifc->target_opt;
	unsigned long long on;
	const char *target;
	int err;

	cfg->kind = ifc->kind;
	/* ebpfcap-xdp with a hook map: Wireshark still passes --device, which a hook map ignores. */
	if (ifc->kind == EBC_TAP_XDP && st->raw[O_XDP_HOOK] && *st->raw[O_XDP_HOOK]) {
		cfg->kind = EBC_TAP_XDPHOOK;
		cfg->xdp_hook = st->raw[O_XDP_HOOK];
		cfg->device = NULL;
		return check_hook_path(cfg->xdp_hook, "--xdp-hook ", errbuf, len);
	}
	if (ifc->kind != EBC_TAP_TRACE)
		return 0;
	cfg->trace_kind = ifc->trace_kind;
	if (st->raw[O_ON]) {
		err = parse_enum(O_ON, st->raw[O_ON], &on, errbuf, len);
		if (err)
			return err;
		cfg->trace_kind = (enum ebc_trace_kind)on;
	}
	if (ifc->trace_target) {
		cfg->trace_target = ifc->trace_target;
		return 0;
	}
	/* tshark passes what has an arg-line default; a selector's default comes from the table. */
	target = st->raw[id] ? st->raw[id] : opts[id].def;
	if (id == O_TRACEPOINT)
		err = check_tracepoint(target, "--tracepoint", "--tracepoint ", errbuf, len);
	else
		err = check_function(target, strlen(target), "--function", "--function ip_rcv", errbuf,
				     len);
	if (!err)
		cfg->trace_target = target;
	return err;
}

static int check_extcap(int argc, char **argv, struct ebc_config *cfg,
			const struct parse_state *st, char *errbuf, size_t len)
{
	static const enum opt_id queries[] = {
		O_EXTCAP_INTERFACES, O_EXTCAP_DLTS, O_EXTCAP_CONFIG, O_CAPTURE,
	};
	static const enum ebc_mode modes[] = {
		EBC_MODE_EXTCAP_INTERFACES, EBC_MODE_EXTCAP_DLTS, EBC_MODE_EXTCAP_CONFIG,
		EBC_MODE_CAPTURE,
	};
	int query = -1, ifx, err;
	char sp[32], names[160];

	/* In extcap mode the capture goes to --fifo; there is no -w. */
	cfg->output = NULL;
	for (int id = 0; id < O__MAX; id++)
		if (st->seen[id] && (opts[id].flags & F_STANDALONE))
			return fail(errbuf, len,
				    "%s belongs to the standalone command line; drop it or the --extcap-* options",
				    spelling(st, id, sp, sizeof(sp)));
	if (optind < argc)
		return fail(errbuf, len,
			    "unexpected argument \"%s\" in extcap mode (pass a filter with --extcap-capture-filter)",
			    argv[optind]);
	for (size_t i = 0; i < ARRAY_SIZE(queries); i++) {
		if (!st->seen[queries[i]])
			continue;
		if (query >= 0)
			return fail(errbuf, len, "--%s and --%s cannot be combined; give one",
				    opts[queries[query]].name, opts[queries[i]].name);
		query = (int)i;
	}

	ifx = iface_index(cfg->extcap_interface);
	if (cfg->extcap_interface && ifx < 0)
		return fail(errbuf, len, "unknown interface %s (expected %s)", cfg->extcap_interface,
			    iface_names(IF_ALL, names, sizeof(names)));
	for (int id = 0; id < O__MAX; id++)
		if (st->seen[id] && (opts[id].flags & F_IFACE_ARG) &&
		    (ifx < 0 || !(opts[id].ext_ifaces & (1u << ifx))))
			return fail(errbuf, len, "--%s applies to %s only; drop --%s %s", opts[id].name,
				    iface_names(opts[id].ext_ifaces, names, sizeof(names)),
				    opts[id].name, st->raw[id]);
	if (ifx >= 0) {
		err = apply_iface(&ifaces[ifx], cfg, st, errbuf, len);
		if (err)
			return err;
	}

	if (query < 0) {
		if (!st->seen[O_EXTCAP_FILTER])
			return fail(errbuf, len,
				    "nothing to do: give --extcap-interfaces, --extcap-dlts, --extcap-config or --capture");
		cfg->mode = EBC_MODE_EXTCAP_FILTER_CHECK;
	} else {
		cfg->mode = modes[query];
	}
	if (cfg->mode != EBC_MODE_EXTCAP_INTERFACES && cfg->mode != EBC_MODE_EXTCAP_FILTER_CHECK &&
	    !cfg->extcap_interface)
		return fail(errbuf, len, "--%s needs --extcap-interface (%s)", opts[queries[query]].name,
			    iface_names(IF_ALL, names, sizeof(names)));
	if (cfg->mode == EBC_MODE_CAPTURE && !cfg->fifo)
		return fail(errbuf, len,
			    "--capture needs --fifo PATH (outside wireshark, use -w FILE instead of --capture)");
	if (cfg->reload_option) {
		if (cfg->mode != EBC_MODE_EXTCAP_CONFIG)
			return fail(errbuf, len, "--extcap-reload-option needs --extcap-config");
		for (int id = 0; id < O__MAX; id++)
			if ((opts[id].flags & F_RELOAD) && !strcmp(opts[id].name, cfg->reload_option))
				return 0;
		return fail(errbuf, len, "cannot reload option \"%s\" (only device is reloadable)",
			    cfg->reload_option);
	}
	return 0;
}

static int check_standalone(int argc, char **argv, struct ebc_config *cfg,
			    const struct parse_state *st, char *errbuf, size_t len)
{
	const char *dev = cfg->device;
	char names[160], sp[32], sp2[32];
	int err;

	for (int id = 0; id < O__MAX; id++)
		if (st->seen[id] && (opts[id].flags & F_IFACE_ARG))
			return fail(errbuf, len, "--%s goes with --extcap-interface %s; standalone, use %s",
				    opts[id].name, iface_names(opts[id].ext_ifaces, names, sizeof(names)),
				    opts[id].alt);
	if (st->seen[O_LIST]) {
		cfg->mode = EBC_MODE_LIST_TAPS;
		return 0;
	}
	cfg->mode = st->seen[O_DUMP] ? EBC_MODE_DUMP : st->seen[O_DUMP_C] ? EBC_MODE_DUMP_C :
		    st->seen[O_READ] ? EBC_MODE_REPLAY : EBC_MODE_CAPTURE;
	if (st->seen[O_DUMP] + st->seen[O_DUMP_C] + st->seen[O_READ] > 1)
		return fail(errbuf, len, "-d, --dump-c and -r do different things; keep one");
	/* A listing goes to standard output: a -w FILE would silently stay empty. */
	if (st->seen[O_WRITE] && (cfg->mode == EBC_MODE_DUMP || cfg->mode == EBC_MODE_DUMP_C))
		return fail(errbuf, len, "%s prints the filter on standard output; drop %s %s",
			    spelling(st, cfg->mode == EBC_MODE_DUMP ? O_DUMP : O_DUMP_C, sp, sizeof(sp)),
			    spelling(st, O_WRITE, sp2, sizeof(sp2)), st->raw[O_WRITE]);
	if (st->seen[O_HOOK] && cfg->mode != EBC_MODE_REPLAY)
		return fail(errbuf, len, "--hook goes with -r FILE; drop --hook %s", st->raw[O_HOOK]);
	if (cfg->mode == EBC_MODE_REPLAY && st->raw[O_INTERFACE])
		return fail(errbuf, len, "-r reads packets from %s, not from -i %s; keep one",
			    cfg->input, st->raw[O_INTERFACE]);
	if (optind < argc) {
		if (st->seen[O_FILTER])
			return fail(errbuf, len,
				    "filter given twice: with -f and as trailing words (\"%s\"); keep one",
				    argv[optind]);
		err = join_trailing(argc, argv, optind, &cfg->filter);
		if (err)
			return fail(errbuf, len, "cannot join the filter words: out of memory");
	}
	cfg->device = NULL;
	err = parse_tap(st->raw[O_INTERFACE] ? st->raw[O_INTERFACE] : "any", cfg, errbuf, len);
	if (err)
		return err;
	if (dev && cfg->device && strcmp(dev, cfg->device))
		return fail(errbuf, len, "-i %s and --device %s name different devices; keep one",
			    st->raw[O_INTERFACE], dev);
	if (!cfg->device)
		cfg->device = dev;
	if (!*cfg->output)
		return fail(errbuf, len, "-w needs a file name, or - for standard output");
	if (cfg->mode == EBC_MODE_REPLAY && !*cfg->input)
		return fail(errbuf, len, "-r needs a file name");
	return 0;
}

/*
 * A path Wireshark or the shell passes on; a relative one would name a file
 * in whatever directory Wireshark started us in. The example guesses what a
 * relative path meant: "b" -> /run/netns/b, "system.slice" -> /sys/fs/cgroup/system.slice.
 */
static int check_abs_path(enum opt_id id, const char *path, const char *what, const char *example,
			  char *errbuf, size_t len)
{
	const char *root = id == O_CGROUP ? "/sys/fs/cgroup/" : strchr(path, '/') ? "/" : "/run/netns/";
	const char *rel = path;

	if (!*path)
		return fail(errbuf, len, "--%s needs a path, e.g. --%s %s", opts[id].name,
			    opts[id].name, example);
	if (path[0] == '/')
		return 0;
	while (!strncmp(rel, "./", 2))
		rel += 2;
	return fail(errbuf, len, "invalid %s path \"%s\" (expected an absolute path, e.g. --%s %s%s)",
		    what, path, opts[id].name, root, rel);
}

static int check_comm(const char *comm, char *errbuf, size_t len)
{
	if (!*comm)
		return fail(errbuf, len, "--comm needs a command name (1 to %d characters)",
			    EBC_COMM_MAX);
	if (strlen(comm) > EBC_COMM_MAX)
		return fail(errbuf, len,
			    "--comm \"%s\" is too long: the kernel keeps %d characters of a command name "
			    "(try --comm %.*s)", comm, EBC_COMM_MAX, EBC_COMM_MAX, comm);
	return 0;
}

/*
 * --pid, --comm, --cgroup, --netns, whatever the tap (check_capture() knows
 * which taps take --netns). In extcap mode 0 and empty mean no condition.
 */
static int check_selection(struct ebc_config *cfg, const struct parse_state *st, char *errbuf,
			   size_t len)
{
	const char **strs[] = { &cfg->comm, &cfg->cgroup, &cfg->netns };
	int err;

	for (int id = 0; id < O__MAX; id++)
		if (st->seen[id] && (opts[id].flags & F_SELECT) && cfg->mode == EBC_MODE_REPLAY)
			return fail(errbuf, len,
				    "-r replays a file's packets, which belong to no process or namespace "
				    "here; drop --%s %s", opts[id].name, st->raw[id]);
	if (cfg->extcap) {
		for (size_t i = 0; i < ARRAY_SIZE(strs); i++)
			if (*strs[i] && !**strs[i])
				*strs[i] = NULL;
	} else if (st->seen[O_PID] && !cfg->pid) {
		return *st->raw[O_PID] ? out_of_range(O_PID, st->raw[O_PID], errbuf, len) :
		       not_a_number(O_PID, st->raw[O_PID], errbuf, len);
	}
	if (cfg->comm) {
		err = check_comm(cfg->comm, errbuf, len);
		if (err)
			return err;
	}
	if (cfg->cgroup) {
		err = check_abs_path(O_CGROUP, cfg->cgroup, "cgroup",
				     "/sys/fs/cgroup/system.slice/NAME.service", errbuf, len);
		if (err)
			return err;
	}
	if (cfg->netns)
		return check_abs_path(O_NETNS, cfg->netns, "network namespace",
				      "/run/netns/NAME or --netns /proc/PID/ns/net", errbuf, len);
	return 0;
}

/* "--all-netns applies to trace taps only; ...", for an option a non-trace tap was given. */
static int trace_only(const struct ebc_config *cfg, const struct parse_state *st, enum opt_id id,
		      char *errbuf, size_t len)
{
	char names[160];

	return fail(errbuf, len, "--%s applies to trace taps only; drop --%s%s%s or capture with %s",
		    opts[id].name, opts[id].name, st->raw[id] ? " " : "", st->raw[id] ? st->raw[id] : "",
		    cfg->extcap ? iface_names(IF_TRACE, names, sizeof(names)) :
		    "-i drops, tp:NAME, kfunc:FUNC or kretfunc:FUNC");
}

/*
 * Trace taps see every device, and each packet at one point of its way
 * through the stack; the sockets tap sees what processes read and write,
 * before any device.
 */
static int check_trace(const struct ebc_config *cfg, const struct parse_state *st, char *errbuf,
		       size_t len)
{
	char sp[32];

	if (cfg->device)
		return fail(errbuf, len, "--device applies to tc and xdp taps only; drop --device %s",
			    cfg->device);
	if (st->seen[O_DIRECTION])
		return fail(errbuf, len, "%s no direction; drop %s %s",
			    cfg->kind == EBC_TAP_SOCKETS ? "the sockets tap has" : "trace taps have",
			    spelling(st, O_DIRECTION, sp, sizeof(sp)), st->raw[O_DIRECTION]);
	return 0;
}

/*
 * A device tap is in the namespace ebpfcap runs in; trace taps keep to that
 * one unless told otherwise, so --netns and --all-netns say different things.
 */
static int check_netns(const struct ebc_config *cfg, const struct parse_state *st, char *errbuf,
		       size_t len)
{
	if (!cfg->netns)
		return 0;
	if (cfg->kind != EBC_TAP_TRACE && cfg->kind != EBC_TAP_SOCKETS)
		return fail(errbuf, len,
			    "--netns applies to trace and sockets taps; a device tap captures in the "
			    "namespace ebpfcap runs in");
	if (st->seen[O_ALL_NETNS])
		return fail(errbuf, len, "--netns %s and --all-netns contradict each other; keep one",
			    cfg->netns);
	return 0;
}

/*
 * A hook map captures on whatever devices its XDP program is attached to, in
 * the mode its owner chose. In extcap mode Wireshark passes ebpfcap-xdp's
 * --xdp-mode whatever the hook, so it is ignored there.
 */
static int check_xdphook(struct ebc_config *cfg, const struct parse_state *st, char *errbuf,
			 size_t len)
{
	if (cfg->device)
		return fail(errbuf, len,
			    "a hook map captures on the devices its XDP program runs on; drop --device %s",
			    cfg->device);
	if (st->seen[O_XDP_MODE] && !cfg->extcap)
		return fail(errbuf, len,
			    "a hook map's XDP program is attached by its owner; drop --xdp-mode %s",
			    st->raw[O_XDP_MODE]);
	cfg->xdp_mode = EBC_XDP_AUTO;
	return 0;
}

/*
 * --verdicts on another tap. Wireshark passes ebpfcap-xdp's default (every
 * verdict) without a hook map too: that alone is no contradiction.
 */
static int check_verdicts(const struct ebc_config *cfg, const struct parse_state *st,
			  char *errbuf, size_t len)
{
	for (int id = O_XDP_CAPTURE; id <= O_XDP_PROG; id++)
		if (st->seen[id] && cfg->kind != EBC_TAP_XDP && !cfg->extcap)
			return fail(errbuf, len, "--%s applies to xdp:DEV taps only; drop --%s %s",
				    opts[id].name, opts[id].name, st->raw[id]);
	/* xdp:DEV traces the program it finds attached there: its verdicts count. */
	if (!st->seen[O_VERDICTS] || cfg->kind == EBC_TAP_XDP)
		return 0;
	return fail(errbuf, len, "--verdicts applies to XDP taps only; drop --verdicts %s or %s",
		    st->raw[O_VERDICTS], cfg->extcap ? "capture with " EBC_IFACE_XDP :
		    "capture with -i xdp:DEV or -i xdphook:PATH");
}

/* Checks that need the whole command line: a capture that cannot work as asked. */
static int check_capture(struct ebc_config *cfg, const struct parse_state *st, char *errbuf,
			 size_t len)
{
	char sp[32];
	int err;

	if (cfg->kind == EBC_TAP_TRACE || cfg->kind == EBC_TAP_SOCKETS) {
		err = check_trace(cfg, st, errbuf, len);
		if (err)
			return err;
	}
	if (cfg->kind != EBC_TAP_TRACE && (st->seen[O_TRACE_MODE] || st->seen[O_ALL_NETNS]))
		return trace_only(cfg, st, st->seen[O_TRACE_MODE] ? O_TRACE_MODE : O_ALL_NETNS, errbuf,
				  len);
	err = check_netns(cfg, st, errbuf, len);
	if (err)
		return err;
	err = cfg->kind == EBC_TAP_XDPHOOK ? check_xdphook(cfg, st, errbuf, len) :
	      check_verdicts(cfg, st, errbuf, len);
	if (err)
		return err;
	if (cfg->device) {
		err = check_device(cfg->device, errbuf, len);
		if (err)
			return err;
	}
	if (cfg->kind == EBC_TAP_XDP || cfg->kind == EBC_TAP_XDPHOOK) {
		if (st->seen[O_DIRECTION] && cfg->direction != EBC_DIR_IN)
			return fail(errbuf, len, "xdp captures ingress only; drop %s %s",
				    spelling(st, O_DIRECTION, sp, sizeof(sp)), st->raw[O_DIRECTION]);
		cfg->direction = EBC_DIR_IN;
	} else if (st->seen[O_XDP_MODE]) {
		return fail(errbuf, len,
			    "--xdp-mode applies to xdp taps only; drop --xdp-mode %s or capture with %s",
			    st->raw[O_XDP_MODE], cfg->extcap ? EBC_IFACE_XDP : "-i xdp:DEV");
	}
	if (st->seen[O_TC_MODE] && cfg->kind != EBC_TAP_ANY && cfg->kind != EBC_TAP_TC)
		return fail(errbuf, len, "--tc-mode applies to tc taps only; drop --tc-mode %s",
			    st->raw[O_TC_MODE]);
	return 0;
}

int ebc_options__parse(int argc, char **argv, struct ebc_config *cfg, char *errbuf, size_t errlen)
{
	struct option longopts[O__MAX + 1];
	char shortopts[2 + 2 * O__MAX];
	struct parse_state st;
	int c, longindex, err;

	set_defaults(cfg);
	memset(&st, 0, sizeof(st));
	free(joined_filter);
	joined_filter = NULL;
	if (errbuf && errlen)
		errbuf[0] = '\0';
	build_getopt(longopts, shortopts);

	/* optind = 0 makes glibc start over, so a second parse (tests) sees a fresh argv. */
	optind = 0;
	opterr = 0;
	for (;;) {
		int id;

		longindex = -1;
		c = getopt_long(argc, argv, shortopts, longopts, &longindex);
		if (c == -1)
			break;
		if (c == '?' || c == ':')
			return getopt_error(c, argv, errbuf, errlen);
		id = id_of_val(c);
		if (id < 0)
			return fail(errbuf, errlen, "internal error: option %d not in the table", c);
		st.seen[id]++;
		st.used_long[id] = longindex >= 0;
		err = apply(id, optarg, cfg, &st, errbuf, errlen);
		if (err)
			return err;
	}

	if (st.seen[O_HELP]) {
		cfg->mode = EBC_MODE_HELP;
		return 0;
	}
	if (st.seen[O_VERSION]) {
		cfg->mode = EBC_MODE_VERSION;
		return 0;
	}
	for (int id = 0; id < O__MAX; id++)
		if (st.seen[id] && (opts[id].flags & F_EXTCAP))
			cfg->extcap = true;
	cfg->all_netns = st.seen[O_ALL_NETNS] > 0;

	/* The filter has three spellings (-f is standalone only); an empty one means none. */
	cfg->filter = st.raw[O_EXTCAP_FILTER] ? st.raw[O_EXTCAP_FILTER] : st.raw[O_FILTER];

	if (cfg->device && cfg->extcap)
		cfg->device = unescape_device(cfg->device);
	/* Wireshark's "all devices" entry passes an empty --device. */
	if (cfg->device && !*cfg->device)
		cfg->device = NULL;

	if (cfg->extcap)
		err = check_extcap(argc, argv, cfg, &st, errbuf, errlen);
	else
		err = check_standalone(argc, argv, cfg, &st, errbuf, errlen);
	if (err)
		return err;
	err = check_selection(cfg, &st, errbuf, errlen);
	if (err)
		return err;
	if (cfg->filter && !*cfg->filter)
		cfg->filter = NULL;
	if (cfg->cbpf_file && cfg->filter)
		return fail(errbuf, errlen, "--cbpf %s replaces the filter expression \"%s\"; keep one",
			    cfg->cbpf_file, cfg->filter);
	if (cfg->cbpf_file && !*cfg->cbpf_file)
		return fail(errbuf, errlen, "--cbpf needs a file name");
	if (cfg->mode == EBC_MODE_CAPTURE) {
		err = check_capture(cfg, &st, errbuf, errlen);
		if (err)
			return err;
	}

	cfg->quiet = st.seen[O_QUIET] > 0;
	cfg->log_level += st.seen[O_VERBOSE];
	if (cfg->log_level > EBC_LOG_LIBBPF)
		cfg->log_level = EBC_LOG_LIBBPF;
	return 0;
}

/* --help, from the table. */

#define HELP_INDENT 32
#define HELP_WIDTH 79
/* A space help_wrap() does not break at. */
#define NBSP "\a"

/* "  -s, --snaplen SNAPLEN" then the text, wrapped at word boundaries under column 32. */
static void help_wrap(FILE *out, const char *left, const char *text)
{
	int col;

	if (strlen(left) >= HELP_INDENT - 1) {
		fprintf(out, "%s\n%*s", left, HELP_INDENT, "");
	} else {
		fprintf(out, "%-*s", HELP_INDENT, left);
	}
	col = HELP_INDENT;
	while (*text) {
		int n = (int)strcspn(text, " ");

		if (col > HELP_INDENT && col + 1 + n > HELP_WIDTH) {
			fprintf(out, "\n%*s", HELP_INDENT, "");
			col = HELP_INDENT;
		} else if (col > HELP_INDENT) {
			fputc(' ', out);
			col++;
		}
		for (int i = 0; i < n; i++)
			fputc(text[i] == NBSP[0] ? ' ' : text[i], out);
		col += n;
		text += n;
		while (*text == ' ')
			text++;
	}
	fputc('\n', out);
}

static void help_option(FILE *out, enum opt_id id)
{
	const struct ebc_opt *o = &opts[id];
	char left[64], extra[192];
	int n;

	if (o->letter)
		n = snprintf(left, sizeof(left), "  -%c, --%s", o->letter, o->name);
	else
		n = snprintf(left, sizeof(left), "      --%s", o->name);
	if (o->metavar && n > 0 && (size_t)n < sizeof(left))
		snprintf(left + n, sizeof(left) - n, " %s", o->metavar);

	extra[0] = '\0';
	if (o->alt)
		snprintf(extra, sizeof(extra), "standalone: %s", o->alt);
	else if (o->arg == ARG_UINT && o->max != ULLONG_MAX)
		snprintf(extra, sizeof(extra), "%llu" NBSP "to" NBSP "%llu", o->min, o->max);
	else if (o->arg == ARG_ENUM)
		join_words(extra, sizeof(extra), o->words, ", ");
	else if (o->arg == ARG_SET)
		list_words(extra, sizeof(extra), o->words);
	if (o->def && !(o->flags & F_SELECT)) {
		n = (int)strlen(extra);
		snprintf(extra + n, sizeof(extra) - n, "%sdefault" NBSP "%s", n ? "; " : "", o->def);
	}
	if (extra[0]) {
		char text[1024];

		snprintf(text, sizeof(text), "%s (%s)", o->help, extra);
		help_wrap(out, left, text);
	} else {
		help_wrap(out, left, o->help);
	}
}

static void help_synopsis(FILE *out)
{
	fputs("Usage: ebpfcap", out);
	for (int id = 0; id < O__MAX; id++) {
		if (!(opts[id].flags & F_SYNOPSIS))
			continue;
		if (opts[id].metavar)
			fprintf(out, " [-%c %s]", opts[id].letter, opts[id].metavar);
		else
			fprintf(out, " [-%c]", opts[id].letter);
	}
	fputs(" [FILTER...]\n", out);
	fputs("       ebpfcap --extcap-interfaces | --extcap-interface IF "
	      "{--extcap-dlts | --extcap-config | --capture --fifo PATH}\n", out);
}

void ebc_options__print_help(FILE *out)
{
	help_synopsis(out);
	fputs("\nCapture packets with eBPF programs on tc and XDP hooks, tracepoints, kernel\n"
	      "functions and socket syscalls, filter them in the kernel, and write pcapng; as\n"
	      "a Wireshark extcap or as a tcpdump-like command.\n"
	      "\nOptions:\n", out);
	for (int id = 0; id < O__MAX; id++)
		if (!(opts[id].flags & (F_EXTCAP | F_IFACE_ARG)))
			help_option(out, id);
	fputs("\nExtcap options (Wireshark passes these):\n", out);
	for (int id = 0; id < O__MAX; id++)
		if (opts[id].flags & (F_EXTCAP | F_IFACE_ARG))
			help_option(out, id);
	/*
	 * tshark 4.0 names the preference after the interface (lowercased, other
	 * characters as '_') and the option without its dashes: ring-size -> ringsize.
	 */
	fputs("\nIn Wireshark and tshark, set a capture option per interface with\n"
	      "  -o extcap.<interface>.<option>:<value>\n"
	      "e.g. tshark -i " EBC_IFACE_TC " -o extcap.ebpfcap_tc.snaplen:128, where <interface>\n"
	      "and <option> are one of:\n", out);
	for (size_t i = 0; i < ARRAY_SIZE(ifaces); i++) {
		size_t col = 3 + strlen(ifaces[i].name);

		fputs("  ", out);
		for (const char *p = ifaces[i].name; *p; p++)
			fputc(isalnum((unsigned char)*p) ? tolower((unsigned char)*p) : '_', out);
		fputc(':', out);
		for (int id = 0; id < O__MAX; id++) {
			if (!(opts[id].ext_ifaces & (1u << i)))
				continue;
			/* continuation lines stay within 79 columns too */
			if (col + 1 + strlen(opts[id].name) > 79) {
				fputs("\n   ", out);
				col = 3;
			}
			fputc(' ', out);
			col++;
			for (const char *p = opts[id].name; *p; p++)
				if (isalnum((unsigned char)*p))
					fputc(*p, out), col++;
		}
		fputc('\n', out);
	}
}

/* The extcap sentences, from the table. */

/*
 * One {key=value} field. Wireshark's parser has no escapes: a value ends at
 * the first "}" followed by "{", a blank or the line's end, and a line that
 * is not UTF-8 is dropped. So {, }, \ and every byte outside printable ASCII
 * become \xHH, which --device decodes again.
 */
static void put_field(FILE *out, const char *key, const char *val)
{
	fprintf(out, "{%s=", key);
	for (const unsigned char *p = (const unsigned char *)val; *p; p++) {
		if (*p < 0x20 || *p > 0x7e || *p == '{' || *p == '}' || *p == '\\')
			fprintf(out, "\\x%02x", *p);
		else
			fputc(*p, out);
	}
	fputc('}', out);
}

static int finish(FILE *out)
{
	if (fflush(out) || ferror(out))
		return -EIO;
	return 0;
}

int ebc_extcap__print_interfaces(FILE *out)
{
	fputs("extcap ", out);
	put_field(out, "version", EBPFCAP_VERSION);
	put_field(out, "help", EBPFCAP_HELP_URL);
	fputc('\n', out);
	for (size_t k = 0; k < ARRAY_SIZE(ifaces); k++) {
		fputs("interface ", out);
		put_field(out, "value", ifaces[k].name);
		put_field(out, "display", ifaces[k].display);
		fputc('\n', out);
	}
	return finish(out);
}

int ebc_extcap__print_dlts(FILE *out, const char *interface)
{
	if (iface_index(interface) < 0)
		return -EINVAL;
	/*
	 * The pcapng on the FIFO carries each device's own link type in its IDB;
	 * trace taps add a raw-IP interface for packets that have no MAC header yet.
	 */
	fputs("dlt {number=1}{name=EN10MB}{display=Ethernet}\n", out);
	return finish(out);
}

static void print_arg(FILE *out, int number, enum opt_id id)
{
	const struct ebc_opt *o = &opts[id];
	char buf[64];

	fprintf(out, "arg {number=%d}", number);
	snprintf(buf, sizeof(buf), "--%s", o->name);
	put_field(out, "call", buf);
	put_field(out, "display", o->ext_display);
	put_field(out, "type", ext_type_names[o->ext]);
	if (o->arg == ARG_UINT && o->max != ULLONG_MAX) {
		snprintf(buf, sizeof(buf), "%llu,%llu", (o->flags & F_SELECT) ? 0 : o->min, o->max);
		put_field(out, "range", buf);
	}
	/* Only these reach tshark: it passes --NAME VALUE for args with an arg-line default. */
	if (o->def && (o->ext == EXT_INTEGER || o->ext == EXT_UNSIGNED || o->ext == EXT_STRING))
		put_field(out, "default", o->def);
	if (o->flags & F_REQUIRED)
		put_field(out, "required", "true");
	if (o->ext_tooltip)
		put_field(out, "tooltip", o->ext_tooltip);
	if (o->ext_group)
		put_field(out, "group", o->ext_group);
	if (o->flags & F_RELOAD) {
		put_field(out, "reload", "true");
		put_field(out, "placeholder", "Reload devices");
	}
	fputc('\n', out);
}

static void print_value(FILE *out, int number, const char *value, const char *display, bool def)
{
	fprintf(out, "value {arg=%d}", number);
	put_field(out, "value", value);
	put_field(out, "display", display);
	if (def)
		put_field(out, "default", "true");
	fputc('\n', out);
}

/* A selector's default entry: want, else want's NAME (a list without groups), else the first. */
static size_t default_index(const char *const *list, size_t n, const char *want)
{
	const char *colon = strchr(want, ':');

	for (size_t i = 0; i < n; i++)
		if (!strcmp(list[i], want))
			return i;
	for (size_t i = 0; colon && i < n; i++)
		if (!strcmp(list[i], colon + 1))
			return i;
	return 0;
}

/* "ip_rcv (skb: arg1)", "f (skb: arg1, arg3)": a function and its sk_buff parameters, from 1. */
static const char *func_display(const struct ebc_extcap_func *f, char *buf, size_t len)
{
	const char *sep = " (skb: ";
	size_t n = (size_t)snprintf(buf, len, "%s", f->name);

	for (unsigned int i = 0; i < sizeof(f->skb_args) * CHAR_BIT && n < len; i++) {
		if (!((f->skb_args >> i) & 1u))
			continue;
		n += (size_t)snprintf(buf + n, len - n, "%sarg%u", sep, i + 1);
		sep = ", ";
	}
	if (f->skb_args && n < len)
		snprintf(buf + n, len - n, ")");
	return buf;
}

/* The values of --function: the default is ip_rcv when offered, else the first function. */
static void print_functions(FILE *out, int number, const struct ebc_extcap_values *v)
{
	const char *want = opts[O_FUNCTION].def;
	char display[512];
	size_t def = 0;

	for (size_t i = 0; i < v->nfunctions; i++) {
		if (!strcmp(v->functions[i].name, want)) {
			def = i;
			break;
		}
	}
	for (size_t i = 0; i < v->nfunctions; i++)
		print_value(out, number, v->functions[i].name,
			    func_display(&v->functions[i], display, sizeof(display)), i == def);
}

static void print_values(FILE *out, int number, enum opt_id id, enum iface_id ifx,
			 const struct ebc_extcap_values *v)
{
	const struct ebc_opt *o = &opts[id];

	if (id == O_DEVICE) {
		/* On "ebpfcap" the device is optional: the empty value means every up device. */
		if (ifx == IFX_ANY)
			print_value(out, number, "", "All up devices", true);
		for (size_t i = 0; i < v->ndevices; i++)
			print_value(out, number, v->devices[i], v->devices[i], ifx != IFX_ANY && i == 0);
		return;
	}
	if (id == O_TRACEPOINT) {
		size_t def = default_index(v->tracepoints, v->ntracepoints, o->def);

		for (size_t i = 0; i < v->ntracepoints; i++)
			print_value(out, number, v->tracepoints[i], v->tracepoints[i], i == def);
		return;
	}
	if (id == O_FUNCTION) {
		print_functions(out, number, v);
		return;
	}
	if (o->arg != ARG_ENUM)
		return;
	for (const struct ebc_word *w = o->words; w->word; w++)
		if (w->display)
			print_value(out, number, w->word, w->display, !strcmp(w->word, o->def));
}

int ebc_extcap__print_config(FILE *out, const char *interface, const char *reload_option,
			     const struct ebc_extcap_values *values)
{
	static const struct ebc_extcap_values none;
	const struct ebc_extcap_values *v = values ? values : &none;
	int ifx = iface_index(interface);
	int number = 0;

	if (ifx < 0)
		return -EINVAL;
	if (reload_option) {
		for (int id = 0; id < O__MAX; id++) {
			if (!(opts[id].ext_ifaces & (1u << ifx)))
				continue;
			if ((opts[id].flags & F_RELOAD) && !strcmp(opts[id].name, reload_option)) {
				print_values(out, number, id, ifx, v);
				return finish(out);
			}
			number++;
		}
		return -EINVAL;
	}
	for (int id = 0; id < O__MAX; id++)
		if (opts[id].ext_ifaces & (1u << ifx))
			print_arg(out, number++, id);
	number = 0;
	for (int id = 0; id < O__MAX; id++)
		if (opts[id].ext_ifaces & (1u << ifx))
			print_values(out, number++, id, ifx, v);
	return finish(out);
}
