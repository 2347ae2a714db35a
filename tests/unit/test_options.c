// SPDX-License-Identifier: GPL-2.0-only
/*
 * Option parsing (argv -> config or one exact error line) and the grammar of
 * every extcap sentence, checked the way Wireshark 4.0's parser reads them.
 */
#include <errno.h>
#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "tap.h"

#ifndef EBPFCAP_VERSION
#define EBPFCAP_VERSION "0.1.0"
#endif

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MAXARGS 16

struct row {
	const char *argv[MAXARGS];	/* after "ebpfcap", NULL-terminated */
	const char *expect;		/* "key=value;key=value" fields of the config, or NULL */
	const char *err;		/* the exact error line, or NULL */
};

#define CAP_TC "--capture", "--extcap-interface", "ebpfcap-tc", "--fifo", "/tmp/f"
#define CAP_XDP "--capture", "--extcap-interface", "ebpfcap-xdp", "--fifo", "/tmp/f"
#define CAP_ANY "--capture", "--extcap-interface", "ebpfcap", "--fifo", "/tmp/f"
#define CAP_DROPS "--capture", "--extcap-interface", "ebpfcap-drops", "--fifo", "/tmp/f"
#define CAP_TP "--capture", "--extcap-interface", "ebpfcap-tracepoint", "--fifo", "/tmp/f"
#define CAP_KFUNC "--capture", "--extcap-interface", "ebpfcap-kfunc", "--fifo", "/tmp/f"
#define CAP_SOCKETS "--capture", "--extcap-interface", "ebpfcap-sockets", "--fifo", "/tmp/f"

#define ALL_IFACES "ebpfcap, ebpfcap-tc, ebpfcap-xdp, ebpfcap-drops, ebpfcap-tracepoint, " \
	"ebpfcap-kfunc or ebpfcap-sockets"
#define UNKNOWN_TAP(t) "unknown tap \"" t "\" (expected any, tc:DEV, xdp:DEV, xdphook:PATH, DEV, " \
	"drops, sockets, tp:[GROUP:]NAME, kfunc:FUNC or kretfunc:FUNC)"
/* Names at and past the limits: 63 per tracepoint part, 127 per function. */
#define F63 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde"
#define F64 F63 "f"
#define F127 F64 F63
#define F128 F64 F64
#define TRACE_ONLY_CLI "or capture with -i drops, tp:NAME, kfunc:FUNC or kretfunc:FUNC"
#define TRACE_ONLY_EXT "or capture with ebpfcap-drops, ebpfcap-tracepoint or ebpfcap-kfunc"
#define HOOK "/sys/fs/bpf/xdp_hook"
#define VERDICT_WORDS "aborted, drop, pass, tx or redirect"
#define HOOK_ONLY_CLI(v) "--verdicts applies to XDP taps only; drop --verdicts " v \
	" or capture with -i xdp:DEV or -i xdphook:PATH"
#define HOOK_ONLY_EXT(v) "--verdicts applies to XDP taps only; drop --verdicts " v \
	" or capture with ebpfcap-xdp"
#define NETNS_DEV "--netns applies to trace and sockets taps; a device tap captures in the " \
	"namespace ebpfcap runs in"
#define PID_RANGE(v) "pid " v " out of range (1 to 4194304)"
#define NS "/run/netns/b"
#define CG "/sys/fs/cgroup/system.slice/nginx.service"

static const struct row rows[] = {
	/* standalone: modes and taps */
	{ { NULL }, "mode=capture;extcap=0;kind=any;device=(null);output=-;snaplen=262144;"
		    "ring=8;dir=both;xdp=auto;count=0;filter=(null);log=1;quiet=0", NULL },
	{ { "-D" }, "mode=list;extcap=0", NULL },
	{ { "--list-taps" }, "mode=list", NULL },
	{ { "-h" }, "mode=help", NULL },
	{ { "--help" }, "mode=help", NULL },
	{ { "--version" }, "mode=version", NULL },
	{ { "-i", "any" }, "mode=capture;kind=any;device=(null)", NULL },
	{ { "-i", "tc:eth0" }, "kind=tc;device=eth0;dir=both", NULL },
	{ { "-i", "xdp:eth0" }, "kind=xdp;device=eth0;dir=in", NULL },
	{ { "-i", "eth0" }, "kind=tc;device=eth0", NULL },
	{ { "--interface=veth-a.1" }, "kind=tc;device=veth-a.1", NULL },
	{ { "-i", "tc:" }, NULL, "-i tc: names no device (e.g. -i tc:eth0)" },
	{ { "-i", "xdp" }, NULL, "-i xdp names no device (e.g. -i xdp:eth0)" },
	{ { "-i", "tc" }, NULL, "-i tc names no device (e.g. -i tc:eth0)" },
	{ { "-i", "foo:eth0" }, NULL, UNKNOWN_TAP("foo:eth0") },
	{ { "-i", "" }, NULL, UNKNOWN_TAP("") },
	{ { "-i", "drops:x" }, NULL, UNKNOWN_TAP("drops:x") },
	{ { "-i", "tc:averyveryverylongname" }, NULL,
	  "device name \"averyveryverylongname\" is too long (at most 15 characters)" },
	{ { "-i", "tc:a/b" }, NULL, "invalid device name \"a/b\" (no '/' or blanks)" },
	/* trace taps */
	{ { "-i", "drops" }, "kind=trace;trace=tp;target=skb:kfree_skb;targ=0;device=(null);"
			     "tmode=auto;allns=0", NULL },
	{ { "-i", "tp:net:netif_receive_skb" }, "kind=trace;trace=tp;target=net:netif_receive_skb", NULL },
	{ { "-i", "tp:kfree_skb" }, "kind=trace;trace=tp;target=kfree_skb", NULL },
	{ { "-i", "tp:Net_2:x_Y9" }, "trace=tp;target=Net_2:x_Y9", NULL },
	{ { "-i", "tp:" }, NULL, "-i tp: names no tracepoint (expected -i tp:GROUP:NAME or -i tp:NAME)" },
	{ { "-i", "tp:net:" }, NULL,
	  "-i tp:net: names no tracepoint (expected -i tp:GROUP:NAME or -i tp:NAME)" },
	{ { "-i", "tp::kfree_skb" }, NULL,
	  "-i tp::kfree_skb names no tracepoint (expected -i tp:GROUP:NAME or -i tp:NAME)" },
	{ { "-i", "tp" }, NULL, "-i tp names no tracepoint (e.g. -i tp:skb:kfree_skb)" },
	{ { "-i", "tp:net:foo-bar" }, NULL,
	  "invalid tracepoint \"net:foo-bar\" (expected -i tp:GROUP:NAME of letters, digits and '_')" },
	{ { "-i", "tp:a:b:c" }, NULL,
	  "invalid tracepoint \"a:b:c\" (expected -i tp:GROUP:NAME of letters, digits and '_')" },
	{ { "-i", "tp:net:foo.bar" }, NULL,
	  "invalid tracepoint \"net:foo.bar\" (expected -i tp:GROUP:NAME of letters, digits and '_')" },
	{ { "-i", "tp:" F64 }, NULL,
	  "tracepoint \"" F64 "\" is too long (at most 63 characters for group and for name)" },
	{ { "-i", "tp:" F64 ":x" }, NULL,
	  "tracepoint \"" F64 ":x\" is too long (at most 63 characters for group and for name)" },
	{ { "-i", "tp:" F63 ":" F63 }, "trace=tp;target=" F63 ":" F63, NULL },
	{ { "-i", "kfunc:ip_rcv" }, "kind=trace;trace=kfunc;target=ip_rcv;targ=0", NULL },
	{ { "-i", "kfunc:ip_rcv:arg1" }, "trace=kfunc;target=ip_rcv;targ=1", NULL },
	{ { "-i", "kretfunc:tcp_v4_rcv:arg12" }, "kind=trace;trace=kretfunc;target=tcp_v4_rcv;targ=12", NULL },
	{ { "-i", "kfunc:foo.constprop.0" }, "trace=kfunc;target=foo.constprop.0", NULL },
	{ { "-i", "kretfunc:foo.isra.0:arg3" }, "trace=kretfunc;target=foo.isra.0;targ=3", NULL },
	{ { "-i", "kfunc:ip_rcv:arg0" }, NULL,
	  "-i kfunc:ip_rcv:arg0: arguments count from 1 (arg1 is the first parameter)" },
	{ { "-i", "kfunc:ip_rcv:arg13" }, NULL,
	  "invalid argument \"arg13\" in -i kfunc:ip_rcv:arg13 (expected arg1 to arg12)" },
	{ { "-i", "kfunc:ip_rcv:arg01" }, NULL,
	  "invalid argument \"arg01\" in -i kfunc:ip_rcv:arg01 (expected arg1 to arg12)" },
	{ { "-i", "kfunc:ip_rcv:1" }, NULL,
	  "invalid argument \"1\" in -i kfunc:ip_rcv:1 (expected arg1 to arg12)" },
	{ { "-i", "kfunc:ip_rcv:arg" }, NULL,
	  "invalid argument \"arg\" in -i kfunc:ip_rcv:arg (expected arg1 to arg12)" },
	{ { "-i", "kfunc:ip_rcv:arg+1" }, NULL,
	  "invalid argument \"arg+1\" in -i kfunc:ip_rcv:arg+1 (expected arg1 to arg12)" },
	{ { "-i", "kfunc:ip_rcv:" }, NULL,
	  "invalid argument \"\" in -i kfunc:ip_rcv: (expected arg1 to arg12)" },
	{ { "-i", "kfunc:" }, NULL, "-i kfunc: names no function (e.g. -i kfunc:ip_rcv)" },
	{ { "-i", "kretfunc::arg1" }, NULL, "-i kretfunc::arg1 names no function (e.g. -i kretfunc:ip_rcv)" },
	{ { "-i", "kfunc" }, NULL, "-i kfunc names no function (e.g. -i kfunc:ip_rcv)" },
	{ { "-i", "kfunc:ip-rcv" }, NULL,
	  "invalid function name \"ip-rcv\" (expected letters, digits, '_' and '.')" },
	{ { "-i", "kfunc:ip rcv:arg1" }, NULL,
	  "invalid function name \"ip rcv\" (expected letters, digits, '_' and '.')" },
	{ { "-i", "kfunc:" F128 }, NULL,
	  "function name \"" F128 "\" is too long (at most 127 characters)" },
	{ { "-i", "kretfunc:" F127 ":arg2" }, "trace=kretfunc;target=" F127 ";targ=2", NULL },
	{ { "-i", "drops", "--trace-mode", "btf" }, "tmode=btf", NULL },
	{ { "-i", "tp:kfree_skb", "--trace-mode", "RAW" }, "tmode=raw", NULL },
	{ { "-i", "drops", "--trace-mode", "bogus" }, NULL,
	  "invalid value \"bogus\" for --trace-mode: expected auto|btf|raw" },
	{ { "-i", "drops", "--all-netns" }, "allns=1;kind=trace", NULL },
	{ { "-i", "drops", "udp", "port", "53" }, "kind=trace;filter=udp port 53", NULL },
	{ { "-i", "drops", "-Q", "in" }, NULL, "trace taps have no direction; drop -Q in" },
	{ { "-i", "kfunc:ip_rcv", "--direction", "inout" }, NULL,
	  "trace taps have no direction; drop --direction inout" },
	{ { "-i", "drops", "--device", "eth0" }, NULL,
	  "--device applies to tc and xdp taps only; drop --device eth0" },
	{ { "-i", "drops", "--xdp-mode", "native" }, NULL,
	  "--xdp-mode applies to xdp taps only; drop --xdp-mode native or capture with -i xdp:DEV" },
	{ { "-i", "drops", "--tc-mode", "tcx" }, NULL,
	  "--tc-mode applies to tc taps only; drop --tc-mode tcx" },
	{ { "-i", "tc:eth0", "--all-netns" }, NULL,
	  "--all-netns applies to trace taps only; drop --all-netns " TRACE_ONLY_CLI },
	{ { "--all-netns" }, NULL,
	  "--all-netns applies to trace taps only; drop --all-netns " TRACE_ONLY_CLI },
	{ { "-i", "xdp:eth0", "--trace-mode", "btf" }, NULL,
	  "--trace-mode applies to trace taps only; drop --trace-mode btf " TRACE_ONLY_CLI },
	{ { "--tracepoint", "skb:kfree_skb" }, NULL,
	  "--tracepoint goes with --extcap-interface ebpfcap-tracepoint; standalone, use -i tp:GROUP:NAME" },
	{ { "-i", "kfunc:ip_rcv", "--function", "ip_rcv" }, NULL,
	  "--function goes with --extcap-interface ebpfcap-kfunc; standalone, use -i kfunc:FUNC" },
	{ { "-i", "kfunc:ip_rcv", "--on", "exit" }, NULL,
	  "--on goes with --extcap-interface ebpfcap-kfunc; standalone, use -i kfunc:FUNC or -i kretfunc:FUNC" },
	{ { "-i", "kfunc:ip_rcv", "--arg", "1" }, NULL,
	  "--arg goes with --extcap-interface ebpfcap-kfunc; standalone, use -i kfunc:FUNC:argN" },
	{ { "-i", "tc:drops" }, "kind=tc;device=drops", NULL },
	/* XDP verdicts through a hook map (xdpcap's convention) */
	{ { "-i", "xdphook:" HOOK }, "mode=capture;kind=xdphook;hook=" HOOK ";verdicts=0x1f;"
				      "device=(null);dir=in;xdp=auto", NULL },
	{ { "-i", "xdphook:/a:b" }, "kind=xdphook;hook=/a:b", NULL },
	{ { "-i", "xdphook:" HOOK, "-Q", "in" }, "kind=xdphook;dir=in", NULL },
	{ { "-i", "xdphook:" HOOK, "udp" }, "kind=xdphook;filter=udp", NULL },
	{ { "-i", "xdphookx" }, "kind=tc;device=xdphookx;hook=(null)", NULL },
	{ { "-i", "xdphook:" }, NULL,
	  "-i xdphook: needs the path of a pinned hook map, e.g. -i xdphook:/sys/fs/bpf/xdp_hook" },
	{ { "-i", "xdphook" }, NULL,
	  "-i xdphook needs the path of a pinned hook map, e.g. -i xdphook:/sys/fs/bpf/xdp_hook" },
	{ { "-i", "xdphook:xdp_hook" }, NULL,
	  "invalid hook map path \"xdp_hook\" (expected an absolute path, e.g. -i xdphook:/sys/fs/bpf/xdp_hook)" },
	{ { "-i", "xdphook:./xdp_hook" }, NULL,
	  "invalid hook map path \"./xdp_hook\" (expected an absolute path, e.g. -i xdphook:/sys/fs/bpf/xdp_hook)" },
	{ { "-i", "xdphook:" HOOK, "--verdicts", "drop" }, "kind=xdphook;verdicts=0x2", NULL },
	{ { "-i", "xdphook:" HOOK, "--verdicts", "aborted" }, "verdicts=0x1", NULL },
	{ { "-i", "xdphook:" HOOK, "--verdicts", "pass" }, "verdicts=0x4", NULL },
	{ { "-i", "xdphook:" HOOK, "--verdicts", "tx" }, "verdicts=0x8", NULL },
	{ { "-i", "xdphook:" HOOK, "--verdicts", "redirect" }, "verdicts=0x10", NULL },
	{ { "-i", "xdphook:" HOOK, "--verdicts", "aborted,drop,pass,tx,redirect" }, "verdicts=0x1f", NULL },
	{ { "-i", "xdphook:" HOOK, "--verdicts=DROP,Pass" }, "verdicts=0x6", NULL },
	{ { "-i", "xdphook:" HOOK, "--verdicts", "XDP_DROP,xdp_tx,XDP_Redirect" }, "verdicts=0x1a", NULL },
	{ { "-i", "xdphook:" HOOK, "--verdicts", " drop , tx " }, "verdicts=0xa", NULL },
	{ { "-i", "xdphook:" HOOK, "--verdicts", "drop,,pass," }, "verdicts=0x6", NULL },
	{ { "-i", "xdphook:" HOOK, "--verdicts", "drop,drop" }, "verdicts=0x2", NULL },
	{ { "-i", "xdphook:" HOOK, "--verdicts", "drop,dorp" }, NULL,
	  "invalid verdict \"dorp\" for --verdicts: expected " VERDICT_WORDS },
	{ { "-i", "xdphook:" HOOK, "--verdicts", "XDP_FOO" }, NULL,
	  "invalid verdict \"XDP_FOO\" for --verdicts: expected " VERDICT_WORDS },
	{ { "-i", "xdphook:" HOOK, "--verdicts", "drop pass" }, NULL,
	  "invalid verdict \"drop pass\" for --verdicts: expected " VERDICT_WORDS },
	{ { "-i", "xdphook:" HOOK, "--verdicts", "xdp_" }, NULL,
	  "invalid verdict \"xdp_\" for --verdicts: expected " VERDICT_WORDS },
	{ { "-i", "xdphook:" HOOK, "--verdicts", "" }, NULL,
	  "--verdicts names no verdict (expected " VERDICT_WORDS ", comma-separated)" },
	{ { "-i", "xdphook:" HOOK, "--verdicts", " , " }, NULL,
	  "--verdicts names no verdict (expected " VERDICT_WORDS ", comma-separated)" },
	{ { "-i", "xdphook:" HOOK, "--verdicts" }, NULL, "missing value for --verdicts" },
	{ { "-i", "xdphook:" HOOK, "--device", "eth0" }, NULL,
	  "a hook map captures on the devices its XDP program runs on; drop --device eth0" },
	{ { "-i", "xdphook:" HOOK, "--xdp-mode", "native" }, NULL,
	  "a hook map's XDP program is attached by its owner; drop --xdp-mode native" },
	{ { "-i", "xdphook:" HOOK, "-Q", "out" }, NULL, "xdp captures ingress only; drop -Q out" },
	{ { "-i", "xdphook:" HOOK, "--direction", "bidirectional" }, NULL,
	  "xdp captures ingress only; drop --direction bidirectional" },
	{ { "-i", "xdphook:" HOOK, "--tc-mode", "tcx" }, NULL,
	  "--tc-mode applies to tc taps only; drop --tc-mode tcx" },
	{ { "-i", "xdphook:" HOOK, "--trace-mode", "btf" }, NULL,
	  "--trace-mode applies to trace taps only; drop --trace-mode btf " TRACE_ONLY_CLI },
	{ { "-i", "xdphook:" HOOK, "--all-netns" }, NULL,
	  "--all-netns applies to trace taps only; drop --all-netns " TRACE_ONLY_CLI },
	{ { "-i", "xdp:eth0", "--verdicts", "drop" }, "kind=xdp;device=eth0;hook=(null)", NULL },
	{ { "--verdicts", "aborted,drop,pass,tx,redirect" }, NULL,
	  HOOK_ONLY_CLI("aborted,drop,pass,tx,redirect") },
	{ { "-i", "drops", "--verdicts", "pass" }, NULL, HOOK_ONLY_CLI("pass") },
	{ { "--xdp-hook", HOOK }, NULL,
	  "--xdp-hook goes with --extcap-interface ebpfcap-xdp; standalone, use -i xdphook:PATH" },
	{ { "-i", "xdphook:" HOOK, "--xdp-hook", HOOK }, NULL,
	  "--xdp-hook goes with --extcap-interface ebpfcap-xdp; standalone, use -i xdphook:PATH" },
	/* the sockets tap: what processes read and write, from the syscalls */
	{ { "-i", "sockets" }, "mode=capture;kind=sockets;device=(null);dir=both;pid=0;comm=(null);"
			       "cgroup=(null);netns=(null);allns=0", NULL },
	{ { "-i", "sockets", "-c", "5", "-s", "128", "udp", "port", "53" },
	  "kind=sockets;count=5;snaplen=128;filter=udp port 53", NULL },
	{ { "-i", "tc:sockets" }, "kind=tc;device=sockets", NULL },
	{ { "-i", "sockets:x" }, NULL, UNKNOWN_TAP("sockets:x") },
	{ { "-i", "sockets", "--device", "eth0" }, NULL,
	  "--device applies to tc and xdp taps only; drop --device eth0" },
	{ { "-i", "sockets", "-Q", "in" }, NULL, "the sockets tap has no direction; drop -Q in" },
	{ { "-i", "sockets", "--direction", "bidirectional" }, NULL,
	  "the sockets tap has no direction; drop --direction bidirectional" },
	{ { "-i", "sockets", "--xdp-mode", "native" }, NULL,
	  "--xdp-mode applies to xdp taps only; drop --xdp-mode native or capture with -i xdp:DEV" },
	{ { "-i", "sockets", "--tc-mode", "tcx" }, NULL,
	  "--tc-mode applies to tc taps only; drop --tc-mode tcx" },
	{ { "-i", "sockets", "--trace-mode", "btf" }, NULL,
	  "--trace-mode applies to trace taps only; drop --trace-mode btf " TRACE_ONLY_CLI },
	{ { "-i", "sockets", "--all-netns" }, NULL,
	  "--all-netns applies to trace taps only; drop --all-netns " TRACE_ONLY_CLI },
	{ { "-i", "sockets", "--verdicts", "drop" }, NULL, HOOK_ONLY_CLI("drop") },
	{ { "-i", "sockets", "--xdp-hook", HOOK }, NULL,
	  "--xdp-hook goes with --extcap-interface ebpfcap-xdp; standalone, use -i xdphook:PATH" },
	{ { "-i", "sockets", "--xdp-capture", "exit" }, NULL,
	  "--xdp-capture applies to xdp:DEV taps only; drop --xdp-capture exit" },
	{ { "-i", "sockets", "--xdp-prog", "foo" }, NULL,
	  "--xdp-prog applies to xdp:DEV taps only; drop --xdp-prog foo" },
	/* selection by process, on every tap; --netns on trace and sockets taps */
	{ { "--pid", "42" }, "kind=any;pid=42;comm=(null);cgroup=(null);netns=(null)", NULL },
	{ { "-i", "tc:eth0", "--pid", "1" }, "kind=tc;pid=1", NULL },
	{ { "-i", "xdp:eth0", "--pid=4194304" }, "kind=xdp;pid=4194304", NULL },
	{ { "-i", "xdphook:" HOOK, "--comm", "nginx" }, "kind=xdphook;comm=nginx", NULL },
	{ { "-i", "drops", "--pid", "42", "--comm", "curl", "--cgroup", CG, "--netns", NS },
	  "kind=trace;pid=42;comm=curl;cgroup=" CG ";netns=" NS ";allns=0", NULL },
	{ { "-i", "sockets", "--pid=42", "--comm=curl", "--cgroup=" CG, "--netns=" NS },
	  "kind=sockets;pid=42;comm=curl;cgroup=" CG ";netns=" NS, NULL },
	{ { "-i", "kretfunc:ip_rcv", "--netns", "/proc/1/ns/net" }, "trace=kretfunc;netns=/proc/1/ns/net", NULL },
	{ { "-i", "tp:net:netif_receive_skb", "--cgroup", "/" }, "trace=tp;cgroup=/", NULL },
	{ { "--pid", "42", "--pid", "43" }, "pid=43", NULL },
	{ { "--pid", "0" }, NULL, PID_RANGE("0") },
	{ { "--pid", "4194305" }, NULL, PID_RANGE("4194305") },
	{ { "--pid", "99999999999999999999999" }, NULL, PID_RANGE("99999999999999999999999") },
	{ { "--pid", "" }, NULL, "invalid value \"\" for --pid: expected a number from 1 to 4194304" },
	{ { "--pid", "42x" }, NULL, "invalid value \"42x\" for --pid: expected a number from 1 to 4194304" },
	{ { "--pid", "-1" }, NULL, "invalid value \"-1\" for --pid: expected a number from 1 to 4194304" },
	{ { "--pid", " 42" }, NULL, "invalid value \" 42\" for --pid: expected a number from 1 to 4194304" },
	{ { "--pid", "0x2a" }, NULL, "invalid value \"0x2a\" for --pid: expected a number from 1 to 4194304" },
	{ { "--pid" }, NULL, "missing value for --pid" },
	{ { "--comm", "0123456789abcde" }, "comm=0123456789abcde", NULL },
	{ { "--comm", "kworker/0:1H" }, "comm=kworker/0:1H", NULL },
	{ { "--comm", "0123456789abcdef" }, NULL,
	  "--comm \"0123456789abcdef\" is too long: the kernel keeps 15 characters of a command name "
	  "(try --comm 0123456789abcde)" },
	{ { "--comm", "" }, NULL, "--comm needs a command name (1 to 15 characters)" },
	{ { "--comm" }, NULL, "missing value for --comm" },
	{ { "--cgroup", "" }, NULL,
	  "--cgroup needs a path, e.g. --cgroup /sys/fs/cgroup/system.slice/NAME.service" },
	{ { "--cgroup", "system.slice/nginx.service" }, NULL,
	  "invalid cgroup path \"system.slice/nginx.service\" (expected an absolute path, e.g. "
	  "--cgroup " CG ")" },
	{ { "--cgroup", "./user.slice" }, NULL,
	  "invalid cgroup path \"./user.slice\" (expected an absolute path, e.g. "
	  "--cgroup /sys/fs/cgroup/user.slice)" },
	{ { "-i", "drops", "--netns", "" }, NULL,
	  "--netns needs a path, e.g. --netns /run/netns/NAME or --netns /proc/PID/ns/net" },
	{ { "-i", "sockets", "--netns", "b" }, NULL,
	  "invalid network namespace path \"b\" (expected an absolute path, e.g. --netns /run/netns/b)" },
	{ { "-i", "drops", "--netns", "proc/1/ns/net" }, NULL,
	  "invalid network namespace path \"proc/1/ns/net\" (expected an absolute path, e.g. "
	  "--netns /proc/1/ns/net)" },
	{ { "--netns", NS }, NULL, NETNS_DEV },
	{ { "-i", "tc:eth0", "--netns", NS }, NULL, NETNS_DEV },
	{ { "-i", "xdp:eth0", "--netns", NS }, NULL, NETNS_DEV },
	{ { "-i", "xdphook:" HOOK, "--netns", NS }, NULL, NETNS_DEV },
	{ { "-i", "drops", "--netns", NS, "--all-netns" }, NULL,
	  "--netns " NS " and --all-netns contradict each other; keep one" },
	{ { "-i", "sockets", "--netns", NS, "--all-netns" }, NULL,
	  "--all-netns applies to trace taps only; drop --all-netns " TRACE_ONLY_CLI },
	{ { "-r", "in.pcap", "--pid", "42" }, NULL,
	  "-r replays a file's packets, which belong to no process or namespace here; drop --pid 42" },
	{ { "-r", "in.pcap", "--hook", "trace", "--netns", NS }, NULL,
	  "-r replays a file's packets, which belong to no process or namespace here; drop --netns " NS },
	/* filters */
	{ { "-i", "tc:eth0", "udp", "port", "53" }, "filter=udp port 53;kind=tc", NULL },
	{ { "udp", "port", "53", "-c", "5" }, "filter=udp port 53;count=5", NULL },
	{ { "-f", "udp port 53", "-i", "eth0" }, "filter=udp port 53;device=eth0", NULL },
	{ { "-f", "" }, "filter=(null)", NULL },
	{ { "-f", "tcp", "udp" }, NULL,
	  "filter given twice: with -f and as trailing words (\"udp\"); keep one" },
	/* numbers */
	{ { "-s", "0" }, NULL, "snaplen 0 out of range (1 to 262144)" },
	{ { "-s", "262145" }, NULL, "snaplen 262145 out of range (1 to 262144)" },
	{ { "-s", "262144" }, "snaplen=262144", NULL },
	{ { "-s", "1" }, "snaplen=1", NULL },
	{ { "--snaplen=96" }, "snaplen=96", NULL },
	{ { "-s", "10x" }, NULL, "invalid value \"10x\" for --snaplen: expected a number from 1 to 262144" },
	{ { "--snaplen", "-1" }, NULL, "invalid value \"-1\" for --snaplen: expected a number from 1 to 262144" },
	{ { "-s", "" }, NULL, "invalid value \"\" for --snaplen: expected a number from 1 to 262144" },
	{ { "-s", " 10" }, NULL, "invalid value \" 10\" for --snaplen: expected a number from 1 to 262144" },
	{ { "-s", "0x10" }, NULL, "invalid value \"0x10\" for --snaplen: expected a number from 1 to 262144" },
	{ { "-s", "99999999999999999999999" }, NULL,
	  "snaplen 99999999999999999999999 out of range (1 to 262144)" },
	{ { "-c", "0" }, NULL, "count 0 out of range (at least 1)" },
	{ { "-c", "99999999999999999999999" }, NULL,
	  "count 99999999999999999999999 out of range (at least 1)" },
	{ { "-c", "18446744073709551615" }, "count=18446744073709551615", NULL },
	{ { "-c", "5" }, "count=5", NULL },
	{ { "--ring-size", "3" }, NULL, "ring size 3 is not a power of two (try 2 or 4)" },
	{ { "--ring-size", "100" }, NULL, "ring size 100 is not a power of two (try 64 or 128)" },
	{ { "--ring-size", "0" }, NULL, "ring size 0 out of range (1 to 1024)" },
	{ { "--ring-size", "2048" }, NULL, "ring size 2048 out of range (1 to 1024)" },
	{ { "--ring-size", "1" }, "ring=1", NULL },
	{ { "--ring-size=1024" }, "ring=1024", NULL },
	/* output */
	{ { "-w", "out.pcapng" }, "output=out.pcapng", NULL },
	{ { "-w", "-" }, "output=-", NULL },
	{ { "-w", "" }, NULL, "-w needs a file name, or - for standard output" },
	{ { "-d", "-w", "out.pcapng", "ip" }, NULL,
	  "-d prints the filter on standard output; drop -w out.pcapng" },
	{ { "--dump-c", "--write=out.pcapng", "ip" }, NULL,
	  "--dump-c prints the filter on standard output; drop --write out.pcapng" },
	{ { "--ring-size", "8M" }, NULL,
	  "invalid value \"8M\" for --ring-size: expected a power of two from 1 to 1024" },
	{ { "-c", "10x" }, NULL, "invalid value \"10x\" for --count: expected a number of at least 1" },
	/* direction and contradictions */
	{ { "-Q", "in" }, "dir=in", NULL },
	{ { "-Q", "out" }, "dir=out", NULL },
	{ { "-Q", "inout" }, "dir=both", NULL },
	{ { "--direction", "ingress" }, "dir=in", NULL },
	{ { "--direction=egress" }, "dir=out", NULL },
	{ { "--direction", "bidirectional", "-Q", "out" }, "dir=out", NULL },
	{ { "-Q", "sideways" }, NULL,
	  "invalid value \"sideways\" for --direction: expected bidirectional|ingress|egress|inout|in|out" },
	{ { "-i", "xdp:eth0", "-Q", "out" }, NULL, "xdp captures ingress only; drop -Q out" },
	{ { "-i", "xdp:eth0", "-Q", "inout" }, NULL, "xdp captures ingress only; drop -Q inout" },
	{ { "-i", "xdp:eth0", "--direction", "egress" }, NULL,
	  "xdp captures ingress only; drop --direction egress" },
	{ { "-i", "xdp:eth0", "-Q", "in" }, "dir=in;kind=xdp", NULL },
	{ { "-i", "xdp:eth0", "--xdp-mode", "native" }, "xdp=native", NULL },
	{ { "-i", "xdp:eth0", "--xdp-mode", "skb" }, "xdp=generic", NULL },
	{ { "-i", "xdp:eth0", "--xdp-mode", "GENERIC" }, "xdp=generic", NULL },
	{ { "-i", "xdp:eth0", "--xdp-mode", "fast" }, NULL,
	  "invalid value \"fast\" for --xdp-mode: expected auto|native|generic|drv|skb" },
	{ { "-i", "xdp:eth0", "--tc-mode", "clsact" }, NULL,
	  "--tc-mode applies to tc taps only; drop --tc-mode clsact" },
	{ { "-i", "tc:eth0", "--tc-mode", "bogus" }, NULL,
	  "invalid value \"bogus\" for --tc-mode: expected auto|tcx|clsact" },
	{ { "-i", "tc:eth0", "--xdp-mode", "native" }, NULL,
	  "--xdp-mode applies to xdp taps only; drop --xdp-mode native or capture with -i xdp:DEV" },
	/* devices */
	{ { "--device", "eth1" }, "kind=any;device=eth1", NULL },
	{ { "-i", "tc:eth0", "--device", "eth1" }, NULL,
	  "-i tc:eth0 and --device eth1 name different devices; keep one" },
	{ { "-i", "tc:eth0", "--device", "eth0" }, "kind=tc;device=eth0", NULL },
	{ { "-i", "xdp:eth0", "--device", "eth0" }, "kind=xdp;device=eth0", NULL },
	{ { "--device", "averyveryverylongname" }, NULL,
	  "device name \"averyveryverylongname\" is too long (at most 15 characters)" },
	/* logging */
	{ { "-v" }, "log=2", NULL },
	{ { "-vv" }, "log=3", NULL },
	{ { "-vvvvv" }, "log=4", NULL },
	{ { "-v", "--log-level", "debug" }, "log=4", NULL },
	{ { "--log-level", "error" }, "log=0", NULL },
	{ { "--log-level", "CRITICAL" }, "log=0", NULL },
	{ { "--log-level", "noisy" }, "log=4", NULL },
	{ { "--log-level", "loud" }, NULL,
	  "invalid value \"loud\" for --log-level: expected error|critical|warning|message|info|debug|noisy" },
	{ { "-q" }, "quiet=1", NULL },
	/* getopt errors */
	{ { "-x" }, NULL, "unknown option -x (see ebpfcap --help)" },
	{ { "--bogus" }, NULL, "unknown option --bogus (see ebpfcap --help)" },
	{ { "--bogus=1" }, NULL, "unknown option --bogus (see ebpfcap --help)" },
	{ { "--extcap-int", "ebpfcap" }, NULL, "unknown option --extcap-int (see ebpfcap --help)" },
	{ { "-s" }, NULL, "missing value for -s" },
	{ { "--snaplen" }, NULL, "missing value for --snaplen" },
	/* extcap queries */
	{ { "--extcap-interfaces" }, "mode=interfaces;extcap=1;output=(null)", NULL },
	{ { "--extcap-interfaces", "--extcap-version=4.0" }, "mode=interfaces;version=4.0", NULL },
	{ { "--extcap-version=4.0", "--extcap-interfaces" }, "mode=interfaces;version=4.0", NULL },
	{ { "--extcap-dlts", "--extcap-interface", "ebpfcap-tc" }, "mode=dlts;kind=tc", NULL },
	{ { "--extcap-config", "--extcap-interface", "ebpfcap-xdp" }, "mode=config;kind=xdp", NULL },
	{ { "--extcap-config", "--extcap-interface", "ebpfcap" }, "mode=config;kind=any;reload=(null)", NULL },
	{ { "--extcap-config", "--extcap-interface", "ebpfcap", "--extcap-reload-option", "device", NULL },
	  "mode=config;reload=device;output=(null)", NULL },
	{ { "--extcap-config", "--extcap-interface", "ebpfcap", "--extcap-reload-option", "snaplen", NULL },
	  NULL, "cannot reload option \"snaplen\" (only device is reloadable)" },
	{ { "--extcap-dlts", "--extcap-interface", "ebpfcap", "--extcap-reload-option", "device", NULL },
	  NULL, "--extcap-reload-option needs --extcap-config" },
	{ { "--extcap-dlts" }, NULL, "--extcap-dlts needs --extcap-interface (" ALL_IFACES ")" },
	{ { "--extcap-config" }, NULL, "--extcap-config needs --extcap-interface (" ALL_IFACES ")" },
	{ { "--extcap-config", "--extcap-interface", "bogus" }, NULL,
	  "unknown interface bogus (expected " ALL_IFACES ")" },
	{ { "--extcap-config", "--extcap-interface", "ebpfcap-drops" }, "mode=config;kind=trace", NULL },
	{ { "--extcap-dlts", "--extcap-interface", "ebpfcap-kfunc" }, "mode=dlts;kind=trace", NULL },
	{ { "--extcap-interfaces", "--capture" }, NULL,
	  "--extcap-interfaces and --capture cannot be combined; give one" },
	{ { "--extcap-version=4.0" }, NULL,
	  "nothing to do: give --extcap-interfaces, --extcap-dlts, --extcap-config or --capture" },
	{ { "--extcap-interfaces", "--help" }, "mode=help", NULL },
	/* extcap capture */
	{ { "--capture", "--extcap-interface", "ebpfcap" }, NULL,
	  "--capture needs --fifo PATH (outside wireshark, use -w FILE instead of --capture)" },
	{ { "--capture", "--fifo", "/tmp/f" }, NULL, "--capture needs --extcap-interface (" ALL_IFACES ")" },
	{ { "--capture", "--extcap-interface", "wlan0", "--fifo", "/tmp/f" }, NULL,
	  "unknown interface wlan0 (expected " ALL_IFACES ")" },
	{ { CAP_ANY }, "mode=capture;extcap=1;kind=any;device=(null);fifo=/tmp/f;output=(null);"
		       "snaplen=262144;ring=8;dir=both", NULL },
	{ { CAP_TC, "--device", "eth0", "--direction", "egress", "--snaplen", "128",
	    "--ring-size", "16" }, "kind=tc;device=eth0;dir=out;snaplen=128;ring=16", NULL },
	{ { CAP_TC, "--direction", "out" }, "dir=out", NULL },
	{ { CAP_XDP, "--device", "eth0", "--xdp-mode", "generic" }, "kind=xdp;xdp=generic;dir=in", NULL },
	{ { CAP_XDP, "--direction", "egress" }, NULL,
	  "xdp captures ingress only; drop --direction egress" },
	/* ebpfcap-xdp with a hook map; Wireshark passes the interface's --device and --xdp-mode too */
	{ { CAP_XDP, "--device", "eth0", "--xdp-hook", "/sys/fs/bpf/x", "--verdicts", "drop" },
	  "mode=capture;kind=xdphook;hook=/sys/fs/bpf/x;verdicts=0x2;device=(null);dir=in", NULL },
	{ { CAP_XDP, "--device", "eth0", "--xdp-mode", "native", "--xdp-hook", HOOK,
	    "--verdicts", "aborted,drop,pass,tx,redirect", "--snaplen", "128" },
	  "kind=xdphook;hook=" HOOK ";verdicts=0x1f;device=(null);xdp=auto;snaplen=128", NULL },
	{ { CAP_XDP, "--xdp-hook", HOOK }, "kind=xdphook;verdicts=0x1f", NULL },
	{ { CAP_XDP, "--device", "eth0", "--xdp-hook", "" }, "kind=xdp;hook=(null);device=eth0", NULL },
	{ { CAP_XDP, "--device", "eth0", "--verdicts", "aborted,drop,pass,tx,redirect" },
	  "kind=xdp;device=eth0;hook=(null)", NULL },
	{ { CAP_XDP, "--device", "eth0", "--verdicts", "drop" }, "kind=xdp;device=eth0;hook=(null)",
	  NULL },
	{ { CAP_TC, "--verdicts", "aborted,drop,pass,tx,redirect" }, NULL,
	  HOOK_ONLY_EXT("aborted,drop,pass,tx,redirect") },
	{ { CAP_XDP, "--xdp-hook", "xdp_hook" }, NULL,
	  "invalid hook map path \"xdp_hook\" (expected an absolute path, e.g. --xdp-hook /sys/fs/bpf/xdp_hook)" },
	{ { CAP_XDP, "--xdp-hook", HOOK, "--verdicts", "bogus" }, NULL,
	  "invalid verdict \"bogus\" for --verdicts: expected " VERDICT_WORDS },
	{ { CAP_XDP, "--xdp-hook", HOOK, "--direction", "egress" }, NULL,
	  "xdp captures ingress only; drop --direction egress" },
	{ { CAP_XDP, "--xdp-hook", HOOK, "--all-netns" }, NULL,
	  "--all-netns applies to trace taps only; drop --all-netns " TRACE_ONLY_EXT },
	{ { CAP_TC, "--xdp-hook", HOOK }, NULL,
	  "--xdp-hook applies to ebpfcap-xdp only; drop --xdp-hook " HOOK },
	{ { CAP_DROPS, "--xdp-hook", HOOK }, NULL,
	  "--xdp-hook applies to ebpfcap-xdp only; drop --xdp-hook " HOOK },
	{ { "--extcap-config", "--extcap-interface", "ebpfcap-xdp", "--xdp-hook", HOOK },
	  "mode=config;kind=xdphook;hook=" HOOK, NULL },
	{ { CAP_TC, "--xdp-mode", "native" }, NULL,
	  "--xdp-mode applies to xdp taps only; drop --xdp-mode native or capture with ebpfcap-xdp" },
	{ { CAP_ANY, "--device", "" }, "device=(null)", NULL },
	{ { CAP_ANY, "--device", "a\\x7bb\\x7d" }, "device=a{b}", NULL },
	{ { CAP_TC, "--extcap-capture-filter", "udp port 53" }, "mode=capture;filter=udp port 53", NULL },
	{ { CAP_TC, "--extcap-capture-filter", "" }, "mode=capture;filter=(null)", NULL },
	{ { CAP_TC, "--snaplen", "0" }, NULL, "snaplen 0 out of range (1 to 262144)" },
	{ { CAP_TC, "-c", "3" }, "count=3", NULL },
	{ { CAP_TC, "-i", "eth0" }, NULL,
	  "-i belongs to the standalone command line; drop it or the --extcap-* options" },
	{ { CAP_TC, "-w", "x.pcapng" }, NULL,
	  "-w belongs to the standalone command line; drop it or the --extcap-* options" },
	{ { CAP_TC, "udp" }, NULL,
	  "unexpected argument \"udp\" in extcap mode (pass a filter with --extcap-capture-filter)" },
	{ { CAP_TC, "--extcap-capture-filter", "udp", "-f", "tcp" }, NULL,
	  "-f belongs to the standalone command line; drop it or the --extcap-* options" },
	{ { "--extcap-capture-filter", "udp", "-f", "tcp" }, NULL,
	  "-f belongs to the standalone command line; drop it or the --extcap-* options" },
	/* extcap trace interfaces */
	{ { CAP_DROPS }, "mode=capture;kind=trace;trace=tp;target=skb:kfree_skb;targ=0;tmode=auto;allns=0;"
			 "device=(null);dir=both", NULL },
	{ { CAP_DROPS, "--trace-mode", "raw", "--all-netns", "--snaplen", "96" },
	  "kind=trace;tmode=raw;allns=1;snaplen=96", NULL },
	{ { CAP_TP }, "kind=trace;trace=tp;target=net:netif_receive_skb", NULL },
	{ { CAP_TP, "--tracepoint", "skb:consume_skb" }, "trace=tp;target=skb:consume_skb", NULL },
	{ { CAP_TP, "--tracepoint", "kfree_skb" }, "trace=tp;target=kfree_skb", NULL },
	{ { CAP_TP, "--tracepoint", "" }, NULL,
	  "--tracepoint names no tracepoint (expected --tracepoint GROUP:NAME or --tracepoint NAME)" },
	{ { CAP_TP, "--tracepoint", "skb:kfree-skb" }, NULL,
	  "invalid tracepoint \"skb:kfree-skb\" (expected --tracepoint GROUP:NAME of letters, digits and '_')" },
	{ { CAP_KFUNC }, "kind=trace;trace=kfunc;target=ip_rcv;targ=0", NULL },
	{ { CAP_KFUNC, "--function", "ip_rcv", "--on", "exit", "--arg", "1" },
	  "kind=trace;trace=kretfunc;target=ip_rcv;targ=1", NULL },
	{ { CAP_KFUNC, "--function", "tcp_v4_rcv", "--on", "entry", "--arg", "0" },
	  "trace=kfunc;target=tcp_v4_rcv;targ=0", NULL },
	{ { CAP_KFUNC, "--function", "foo.constprop.0" }, "target=foo.constprop.0", NULL },
	{ { CAP_KFUNC, "--arg", "13" }, NULL, "argument 13 out of range (0 to 12)" },
	{ { CAP_KFUNC, "--on", "return" }, NULL, "invalid value \"return\" for --on: expected entry|exit" },
	{ { CAP_KFUNC, "--function", "" }, NULL, "--function names no function (e.g. --function ip_rcv)" },
	{ { CAP_KFUNC, "--function", "ip_rcv:arg1" }, NULL,
	  "invalid function name \"ip_rcv:arg1\" (expected letters, digits, '_' and '.')" },
	{ { CAP_KFUNC, "--direction", "egress" }, NULL,
	  "trace taps have no direction; drop --direction egress" },
	{ { CAP_KFUNC, "--device", "eth0" }, NULL,
	  "--device applies to tc and xdp taps only; drop --device eth0" },
	{ { CAP_DROPS, "--xdp-mode", "native" }, NULL,
	  "--xdp-mode applies to xdp taps only; drop --xdp-mode native or capture with ebpfcap-xdp" },
	{ { CAP_TC, "--all-netns" }, NULL,
	  "--all-netns applies to trace taps only; drop --all-netns " TRACE_ONLY_EXT },
	{ { CAP_ANY, "--trace-mode", "btf" }, NULL,
	  "--trace-mode applies to trace taps only; drop --trace-mode btf " TRACE_ONLY_EXT },
	{ { CAP_DROPS, "--tracepoint", "net:netif_receive_skb" }, NULL,
	  "--tracepoint applies to ebpfcap-tracepoint only; drop --tracepoint net:netif_receive_skb" },
	{ { CAP_TP, "--function", "ip_rcv" }, NULL,
	  "--function applies to ebpfcap-kfunc only; drop --function ip_rcv" },
	{ { CAP_TC, "--on", "exit" }, NULL, "--on applies to ebpfcap-kfunc only; drop --on exit" },
	{ { "--extcap-interfaces", "--arg", "1" }, NULL,
	  "--arg applies to ebpfcap-kfunc only; drop --arg 1" },
	/* extcap: the sockets interface, and selection; 0 and empty are Wireshark's "none" */
	{ { CAP_SOCKETS }, "mode=capture;extcap=1;kind=sockets;device=(null);dir=both;pid=0;"
			   "comm=(null);cgroup=(null);netns=(null)", NULL },
	{ { CAP_SOCKETS, "--pid", "0", "--comm", "", "--cgroup", "", "--netns", "" },
	  "kind=sockets;pid=0;comm=(null);cgroup=(null);netns=(null)", NULL },
	{ { CAP_SOCKETS, "--pid", "" }, "pid=0", NULL },
	{ { CAP_SOCKETS, "--pid", "42", "--comm", "curl", "--cgroup", CG, "--netns", NS, "--snaplen", "96" },
	  "kind=sockets;pid=42;comm=curl;cgroup=" CG ";netns=" NS ";snaplen=96", NULL },
	{ { CAP_TC, "--device", "eth0", "--pid", "0", "--comm", "", "--cgroup", "" },
	  "kind=tc;device=eth0;pid=0;comm=(null);cgroup=(null)", NULL },
	{ { CAP_ANY, "--pid", "42", "--comm", "nginx", "--cgroup", CG }, "kind=any;pid=42;comm=nginx;cgroup=" CG,
	  NULL },
	{ { CAP_XDP, "--device", "eth0", "--xdp-hook", HOOK, "--pid", "7" }, "kind=xdphook;pid=7", NULL },
	{ { CAP_DROPS, "--netns", NS }, "kind=trace;netns=" NS ";allns=0", NULL },
	{ { CAP_KFUNC, "--netns", "", "--all-netns" }, "netns=(null);allns=1", NULL },
	{ { CAP_DROPS, "--netns", NS, "--all-netns" }, NULL,
	  "--netns " NS " and --all-netns contradict each other; keep one" },
	{ { CAP_ANY, "--netns", "" }, "netns=(null)", NULL },
	{ { CAP_TC, "--netns", NS }, NULL, NETNS_DEV },
	{ { CAP_XDP, "--device", "eth0", "--netns", NS }, NULL, NETNS_DEV },
	{ { CAP_TC, "--pid", "4194305" }, NULL, PID_RANGE("4194305") },
	{ { CAP_TC, "--pid", "abc" }, NULL, "invalid value \"abc\" for --pid: expected a number from 1 to 4194304" },
	{ { CAP_SOCKETS, "--comm", "0123456789abcdef" }, NULL,
	  "--comm \"0123456789abcdef\" is too long: the kernel keeps 15 characters of a command name "
	  "(try --comm 0123456789abcde)" },
	{ { CAP_SOCKETS, "--cgroup", "user.slice" }, NULL,
	  "invalid cgroup path \"user.slice\" (expected an absolute path, e.g. "
	  "--cgroup /sys/fs/cgroup/user.slice)" },
	{ { CAP_SOCKETS, "--netns", "b" }, NULL,
	  "invalid network namespace path \"b\" (expected an absolute path, e.g. --netns /run/netns/b)" },
	{ { CAP_SOCKETS, "--device", "eth0" }, NULL,
	  "--device applies to tc and xdp taps only; drop --device eth0" },
	{ { CAP_SOCKETS, "--direction", "egress" }, NULL,
	  "the sockets tap has no direction; drop --direction egress" },
	{ { CAP_SOCKETS, "--trace-mode", "raw" }, NULL,
	  "--trace-mode applies to trace taps only; drop --trace-mode raw " TRACE_ONLY_EXT },
	{ { CAP_SOCKETS, "--all-netns" }, NULL,
	  "--all-netns applies to trace taps only; drop --all-netns " TRACE_ONLY_EXT },
	{ { CAP_SOCKETS, "--xdp-mode", "native" }, NULL,
	  "--xdp-mode applies to xdp taps only; drop --xdp-mode native or capture with ebpfcap-xdp" },
	{ { CAP_SOCKETS, "--tc-mode", "tcx" }, NULL,
	  "--tc-mode applies to tc taps only; drop --tc-mode tcx" },
	{ { CAP_SOCKETS, "--verdicts", "drop" }, NULL, HOOK_ONLY_EXT("drop") },
	{ { CAP_SOCKETS, "--xdp-hook", HOOK }, NULL,
	  "--xdp-hook applies to ebpfcap-xdp only; drop --xdp-hook " HOOK },
	{ { CAP_SOCKETS, "--function", "ip_rcv" }, NULL,
	  "--function applies to ebpfcap-kfunc only; drop --function ip_rcv" },
	{ { "--extcap-config", "--extcap-interface", "ebpfcap-sockets" }, "mode=config;kind=sockets", NULL },
	{ { "--extcap-dlts", "--extcap-interface", "ebpfcap-sockets" }, "mode=dlts;kind=sockets", NULL },
	{ { "--extcap-interface", "ebpfcap-sockets", "--extcap-capture-filter", "tcp", NULL },
	  "mode=filter_check;kind=sockets;filter=tcp", NULL },
	/* capture filter validation (the GUI's call) */
	{ { "--extcap-interface", "ebpfcap", "--extcap-capture-filter", "udp", NULL },
	  "mode=filter_check;filter=udp;kind=any", NULL },
	{ { "--extcap-capture-filter", "tcp port 80" }, "mode=filter_check;filter=tcp port 80", NULL },
	{ { "--extcap-interface", "ebpfcap", "--extcap-capture-filter", "", NULL },
	  "mode=filter_check;filter=(null)", NULL },
	{ { "--extcap-config", "--extcap-interface", "ebpfcap", "--extcap-capture-filter", "udp", NULL },
	  "mode=config", NULL },
	/* Wireshark's logging options */
	{ { "--extcap-interfaces", "--log-level", "message", "--log-file", "/tmp/ebpfcap.log", NULL },
	  "log=2;logfile=/tmp/ebpfcap.log", NULL },
	{ { CAP_TC, "--log-level", "debug" }, "log=3", NULL },
};

static const char *mode_name(enum ebc_mode m)
{
	static const char *const names[] = {
		[EBC_MODE_NONE] = "none", [EBC_MODE_EXTCAP_INTERFACES] = "interfaces",
		[EBC_MODE_EXTCAP_DLTS] = "dlts", [EBC_MODE_EXTCAP_CONFIG] = "config",
		[EBC_MODE_EXTCAP_FILTER_CHECK] = "filter_check", [EBC_MODE_CAPTURE] = "capture",
		[EBC_MODE_LIST_TAPS] = "list", [EBC_MODE_HELP] = "help",
		[EBC_MODE_VERSION] = "version",
	};
	return (unsigned)m < ARRAY_SIZE(names) ? names[m] : "?";
}

/* The config field called key, as text. */
static bool field(const struct ebc_config *c, const char *key, char *buf, size_t len)
{
	static const char *const kinds[] = {
		[EBC_TAP_ANY] = "any", [EBC_TAP_TC] = "tc", [EBC_TAP_XDP] = "xdp",
		[EBC_TAP_TRACE] = "trace", [EBC_TAP_XDPPROG] = "xdpprog",
		[EBC_TAP_SOCKETS] = "sockets", [EBC_TAP_XDPHOOK] = "xdphook",
	};
	static const char *const traces[] = { "tp", "kfunc", "kretfunc" };
	static const char *const tmodes[] = { "auto", "btf", "raw" };
	static const char *const dirs[] = { "both", "in", "out" };
	static const char *const xdps[] = { "auto", "native", "generic" };
#define S(s) snprintf(buf, len, "%s", (s) ? (s) : "(null)")
	if (!strcmp(key, "mode")) S(mode_name(c->mode));
	else if (!strcmp(key, "extcap")) snprintf(buf, len, "%d", c->extcap);
	else if (!strcmp(key, "interface")) S(c->extcap_interface);
	else if (!strcmp(key, "version")) S(c->extcap_version);
	else if (!strcmp(key, "reload")) S(c->reload_option);
	else if (!strcmp(key, "fifo")) S(c->fifo);
	else if (!strcmp(key, "output")) S(c->output);
	else if (!strcmp(key, "filter")) S(c->filter);
	else if (!strcmp(key, "kind")) S(kinds[c->kind]);
	else if (!strcmp(key, "device")) S(c->device);
	else if (!strcmp(key, "dir")) S(dirs[c->direction]);
	else if (!strcmp(key, "xdp")) S(xdps[c->xdp_mode]);
	else if (!strcmp(key, "trace")) S(traces[c->trace_kind]);
	else if (!strcmp(key, "target")) S(c->trace_target);
	else if (!strcmp(key, "targ")) snprintf(buf, len, "%u", c->trace_arg);
	else if (!strcmp(key, "tmode")) S(tmodes[c->trace_mode]);
	else if (!strcmp(key, "allns")) snprintf(buf, len, "%d", c->all_netns);
	else if (!strcmp(key, "pid")) snprintf(buf, len, "%u", c->pid);
	else if (!strcmp(key, "comm")) S(c->comm);
	else if (!strcmp(key, "cgroup")) S(c->cgroup);
	else if (!strcmp(key, "netns")) S(c->netns);
	else if (!strcmp(key, "hook")) S(c->xdp_hook);
	else if (!strcmp(key, "verdicts")) snprintf(buf, len, "%#x", c->verdicts);
	else if (!strcmp(key, "snaplen")) snprintf(buf, len, "%u", c->snaplen);
	else if (!strcmp(key, "count")) snprintf(buf, len, "%llu", c->count);
	else if (!strcmp(key, "ring")) snprintf(buf, len, "%u", c->ring_mb);
	else if (!strcmp(key, "logfile")) S(c->log_file);
	else if (!strcmp(key, "log")) snprintf(buf, len, "%d", c->log_level);
	else if (!strcmp(key, "quiet")) snprintf(buf, len, "%d", c->quiet);
	else return false;
#undef S
	return true;
}

static void describe(const struct row *r, char *buf, size_t len)
{
	size_t n = snprintf(buf, len, "ebpfcap");

	for (int i = 0; r->argv[i] && n < len; i++)
		n += snprintf(buf + n, len - n, " '%s'", r->argv[i]);
}

static int parse_argv(const char *const *args, struct ebc_config *cfg, char *err, size_t len)
{
	char *argv[MAXARGS + 2];
	int argc = 0;

	argv[argc++] = "ebpfcap";
	for (int i = 0; args[i]; i++)
		argv[argc++] = (char *)args[i];
	argv[argc] = NULL;
	return ebc_options__parse(argc, argv, cfg, err, len);
}

static void check_row(const struct row *r)
{
	struct ebc_config cfg;
	char err[256], name[512], want[512], got[256];
	int rc;

	describe(r, name, sizeof(name));
	rc = parse_argv(r->argv, &cfg, err, sizeof(err));
	if (r->err) {
		if (!tap_ok(rc == -EINVAL && !strcmp(err, r->err), "%s: error", name))
			tap_diag("rc %d, error \"%s\", expected \"%s\"", rc, rc ? err : "", r->err);
		return;
	}
	if (!tap_ok(rc == 0, "%s: accepted", name)) {
		tap_diag("rc %d: %s", rc, err);
		return;
	}
	snprintf(want, sizeof(want), "%s", r->expect);
	for (char *save, *kv = strtok_r(want, ";", &save); kv; kv = strtok_r(NULL, ";", &save)) {
		char *eq = strchr(kv, '=');

		*eq = '\0';
		if (!field(&cfg, kv, got, sizeof(got)) || strcmp(got, eq + 1)) {
			tap_ok(0, "%s: %s", name, kv);
			tap_diag("%s is \"%s\", expected \"%s\"", kv, got, eq + 1);
			return;
		}
	}
}

/* The extcap sentences. */

static regex_t line_re, name_re;

/* Run a printer into a memory stream; the caller frees the text. */
#define CAPTURE(text, rc, call) do {					\
		size_t size_;						\
		FILE *out = open_memstream(&(text), &size_);		\
		rc = (call);						\
		fclose(out);						\
	} while (0)

/* The value of {key=...} in one line, unescaped, or NULL. */
static bool get_field(const char *line, const char *key, char *buf, size_t len)
{
	char pat[32];
	const char *p, *end;

	snprintf(pat, sizeof(pat), "{%s=", key);
	p = strstr(line, pat);
	if (!p)
		return false;
	p += strlen(pat);
	end = strchr(p, '}');
	snprintf(buf, len, "%.*s", (int)(end - p), p);
	return true;
}

/* Every line matches the sentence grammar; returns the number of lines. */
static int check_grammar(const char *what, char *text)
{
	int n = 0, bad = 0;

	for (char *save, *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		n++;
		if (regexec(&line_re, l, 0, NULL, 0)) {
			bad++;
			tap_diag("%s: bad line: %s", what, l);
		}
	}
	tap_ok(n > 0 && !bad, "%s: %d lines match the extcap grammar", what, n);
	return n;
}

static void test_interfaces(void)
{
	char *text = NULL, *copy, value[64], version[64], display[128];
	static const char *const want[] = {
		EBC_IFACE_ANY, EBC_IFACE_TC, EBC_IFACE_XDP, EBC_IFACE_DROPS, EBC_IFACE_TRACEPOINT,
		EBC_IFACE_KFUNC, EBC_IFACE_SOCKETS,
	};
	static const char *const displays[] = {
		"eBPF capture: packets the kernel drops (skb:kfree_skb)",
		"eBPF capture: a tracepoint carrying an sk_buff",
		"eBPF capture: entry or exit of a kernel function taking an sk_buff",
		"eBPF capture: what processes read and write on their sockets (syscalls)",
	};
	const char *seen[8];
	int ndisplays = 0, inorder;
	int rc, nseen = 0, dup = 0, badname = 0, first = 1, has_version = 0;

	CAPTURE(text, rc, ebc_extcap__print_interfaces(out));
	tap_ok(rc == 0, "--extcap-interfaces prints");
	copy = strdup(text);
	check_grammar("--extcap-interfaces", copy);
	free(copy);
	for (char *save, *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (first) {
			first = 0;
			has_version = !strncmp(l, "extcap ", 7) &&
				      get_field(l, "version", version, sizeof(version)) &&
				      !strcmp(version, EBPFCAP_VERSION) &&
				      get_field(l, "help", value, sizeof(value));
			continue;
		}
		if (strncmp(l, "interface ", 10) || !get_field(l, "value", value, sizeof(value)))
			continue;
		for (size_t i = 0; i < ARRAY_SIZE(displays); i++)
			ndisplays += get_field(l, "display", display, sizeof(display)) &&
				     !strcmp(display, displays[i]) && !strcmp(value, want[3 + i]);
		if (regexec(&name_re, value, 0, NULL, 0))
			badname++;
		for (int i = 0; i < nseen; i++)
			dup += !strcmp(seen[i], value);
		if (nseen < (int)ARRAY_SIZE(seen))
			seen[nseen++] = strdup(value);
	}
	tap_ok(has_version, "--extcap-interfaces starts with extcap {version=%s}{help=...}",
	       EBPFCAP_VERSION);
	inorder = nseen == (int)ARRAY_SIZE(want);
	for (int i = 0; inorder && i < nseen; i++)
		inorder = !strcmp(seen[i], want[i]);
	tap_ok(inorder, "interfaces are ebpfcap, ebpfcap-tc, ebpfcap-xdp, ebpfcap-drops, "
	       "ebpfcap-tracepoint, ebpfcap-kfunc, ebpfcap-sockets, in that order");
	tap_ok(ndisplays == (int)ARRAY_SIZE(displays), "the trace and sockets interfaces' display strings");
	tap_ok(!dup && !badname, "interface names unique and match ^[A-Za-z0-9][A-Za-z0-9_.-]*$");
	for (int i = 0; i < nseen; i++)
		free((char *)seen[i]);
	free(text);
}

static void test_dlts(const char *iface)
{
	char *text = NULL;
	int rc;

	CAPTURE(text, rc, ebc_extcap__print_dlts(out, iface));
	tap_ok(rc == 0 && !strcmp(text, "dlt {number=1}{name=EN10MB}{display=Ethernet}\n"),
	       "--extcap-dlts %s: one Ethernet dlt", iface);
	check_grammar("--extcap-dlts", text);
	free(text);
}

#define MAXCFG 16

struct cfg_arg {
	int number;
	char call[64], type[32], def[64], range[32], required[16], display[128], tooltip[256];
	char group[32];
	int nvalues, ndefaults;
	char values[8][128], displays[8][192];
	char defval[64];		/* the value marked {default=true} */
};

static const char *const devices[] = { "eth0", "lo", "we{ird}\\", "veth-a.1" };
static const char *const tracepoints[] = {
	"net:napi_gro_receive_entry", "net:netif_receive_skb", "skb:kfree_skb",
};
/* skb_args: bit i set means parameter i + 1 is a struct sk_buff *. */
static const struct ebc_extcap_func functions[] = {
	{ "__dev_queue_xmit", 1u << 0 }, { "ip_output", 1u << 2 }, { "ip_rcv", 1u << 0 },
	{ "skb_copy_two", (1u << 0) | (1u << 2) }, { "twelve", 1u << 11 },
};
static const struct ebc_extcap_values values = {
	devices, ARRAY_SIZE(devices), tracepoints, ARRAY_SIZE(tracepoints),
	functions, ARRAY_SIZE(functions),
};

/* Parse --extcap-config output; checks numbering and value references. */
static int read_config(const char *iface, char *text, struct cfg_arg *args, int *nargs)
{
	char buf[128];
	int bad = 0;

	*nargs = 0;
	for (char *save, *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(l, "arg ", 4)) {
			struct cfg_arg *a = &args[*nargs];

			memset(a, 0, sizeof(*a));
			get_field(l, "number", buf, sizeof(buf));
			a->number = atoi(buf);
			if (a->number != *nargs) {
				tap_diag("%s: arg %d numbered %d", iface, *nargs, a->number);
				bad++;
			}
			if (!get_field(l, "call", a->call, sizeof(a->call)) ||
			    !get_field(l, "display", a->display, sizeof(a->display)) ||
			    !get_field(l, "type", a->type, sizeof(a->type))) {
				tap_diag("%s: arg lacks call, display or type: %s", iface, l);
				bad++;
			}
			get_field(l, "default", a->def, sizeof(a->def));
			get_field(l, "range", a->range, sizeof(a->range));
			get_field(l, "required", a->required, sizeof(a->required));
			get_field(l, "tooltip", a->tooltip, sizeof(a->tooltip));
			get_field(l, "group", a->group, sizeof(a->group));
			if (++*nargs == MAXCFG)
				break;
		} else if (!strncmp(l, "value ", 6)) {
			int n;

			get_field(l, "arg", buf, sizeof(buf));
			n = atoi(buf);
			if (n < 0 || n >= *nargs || (strcmp(args[n].type, "selector") &&
						     strcmp(args[n].type, "radio"))) {
				tap_diag("%s: value refers to no selector or radio: %s", iface, l);
				bad++;
				continue;
			}
			if (!get_field(l, "display", buf, sizeof(buf)))
				bad++;
			if (args[n].nvalues < 8) {
				get_field(l, "display", args[n].displays[args[n].nvalues],
					  sizeof(args[n].displays[0]));
				get_field(l, "value", args[n].values[args[n].nvalues++],
					  sizeof(args[n].values[0]));
			}
			if (get_field(l, "default", buf, sizeof(buf))) {
				args[n].ndefaults++;
				get_field(l, "value", args[n].defval, sizeof(args[n].defval));
			}
		} else {
			tap_diag("%s: unexpected sentence: %s", iface, l);
			bad++;
		}
	}
	return bad;
}

static struct cfg_arg *find_arg(struct cfg_arg *args, int nargs, const char *call)
{
	for (int i = 0; i < nargs; i++)
		if (!strcmp(args[i].call, call))
			return &args[i];
	return NULL;
}

/* Decode the \xHH escapes the printer uses, as Wireshark would pass them back verbatim. */
static void pass_back(const char *iface, const struct cfg_arg *a, const char *value)
{
	const char *args[MAXARGS] = { "--capture", "--extcap-interface", iface, "--fifo", "/tmp/f",
				      a->call, value, NULL };
	struct ebc_config cfg;
	char err[256];
	int rc = parse_argv(args, &cfg, err, sizeof(err));

	if (!tap_ok(rc == 0, "%s: Wireshark's %s '%s' is accepted", iface, a->call, value))
		tap_diag("%s", err);
}

/* The arguments only trace interfaces have, and the device ones they must not have. */
static void check_trace_args(const char *iface, struct cfg_arg *args, int nargs)
{
	bool tp = !strcmp(iface, EBC_IFACE_TRACEPOINT), kf = !strcmp(iface, EBC_IFACE_KFUNC);
	static const char *const absent[] = { "--device", "--direction", "--xdp-mode", "--tc-mode" };
	struct cfg_arg *a;

	for (size_t i = 0; i < ARRAY_SIZE(absent); i++)
		tap_ok(!find_arg(args, nargs, absent[i]), "%s: no %s arg", iface, absent[i]);
	a = find_arg(args, nargs, "--trace-mode");
	tap_ok(a && !strcmp(a->type, "selector") && a->nvalues == 3 && a->ndefaults == 1 &&
	       !strcmp(a->defval, "auto") && !a->def[0],
	       "%s: trace-mode selector auto|btf|raw, auto the default value", iface);
	a = find_arg(args, nargs, "--all-netns");
	tap_ok(a && !strcmp(a->type, "boolflag") && !a->def[0] && !a->nvalues,
	       "%s: all-netns boolflag, off unless set", iface);

	a = find_arg(args, nargs, "--tracepoint");
	if (tp) {
		tap_ok(a && !strcmp(a->type, "selector") && a->nvalues == (int)ARRAY_SIZE(tracepoints) &&
		       !strcmp(a->values[0], tracepoints[0]) && !strcmp(a->values[2], tracepoints[2]),
		       "%s: tracepoint selector lists the tracepoints given, in order", iface);
		tap_ok(a && a->ndefaults == 1 && !strcmp(a->defval, "net:netif_receive_skb"),
		       "%s: net:netif_receive_skb is the default tracepoint", iface);
	} else {
		tap_ok(!a, "%s: no --tracepoint arg", iface);
	}

	a = find_arg(args, nargs, "--function");
	if (kf) {
		bool listed = a && a->nvalues == (int)ARRAY_SIZE(functions);

		/* Wireshark 4.0 has no editselector; a selector's default is its value's, not the arg's. */
		tap_ok(a && !strcmp(a->type, "selector") && !a->def[0] && !strcmp(a->required, "true"),
		       "%s: function selector, required, no arg-line default", iface);
		for (size_t i = 0; listed && i < ARRAY_SIZE(functions); i++)
			listed = !strcmp(a->values[i], functions[i].name);
		tap_ok(listed, "%s: function selector lists the functions given, in order", iface);
		tap_ok(listed && !strcmp(a->displays[0], "__dev_queue_xmit (skb: arg1)") &&
		       !strcmp(a->displays[1], "ip_output (skb: arg3)") &&
		       !strcmp(a->displays[2], "ip_rcv (skb: arg1)") &&
		       !strcmp(a->displays[3], "skb_copy_two (skb: arg1, arg3)") &&
		       !strcmp(a->displays[4], "twelve (skb: arg12)"),
		       "%s: each function shows its sk_buff parameters, counted from 1", iface);
		tap_ok(a && a->ndefaults == 1 && !strcmp(a->defval, "ip_rcv"),
		       "%s: ip_rcv is the default function", iface);
		a = find_arg(args, nargs, "--arg");
		tap_ok(a && !strcmp(a->type, "integer") && !strcmp(a->def, "0") &&
		       !strcmp(a->range, "0,12"), "%s: arg integer 0..12, default 0", iface);
		tap_ok(a && strstr(a->display, "from 1") && strstr(a->display, "0: the first sk_buff") &&
		       strstr(a->tooltip, "counted from 1") && strstr(a->tooltip, "0 picks"),
		       "%s: arg says it counts from 1 and that 0 means the first sk_buff", iface);
		a = find_arg(args, nargs, "--on");
		tap_ok(a && !strcmp(a->type, "radio") && a->nvalues == 2 && !strcmp(a->values[0], "entry") &&
		       !strcmp(a->values[1], "exit") && a->ndefaults == 1 && !strcmp(a->defval, "entry"),
		       "%s: on radio entry|exit, entry the default", iface);
	} else {
		tap_ok(!a && !find_arg(args, nargs, "--arg") && !find_arg(args, nargs, "--on"),
		       "%s: no --function, --arg or --on arg", iface);
	}
}

/* The sockets interface: none of the device or trace interfaces' own args. */
static void check_sockets_args(const char *iface, struct cfg_arg *args, int nargs)
{
	static const char *const absent[] = {
		"--device", "--direction", "--xdp-mode", "--xdp-hook", "--verdicts", "--xdp-capture",
		"--xdp-prog", "--tc-mode", "--trace-mode", "--all-netns", "--tracepoint", "--function",
		"--on", "--arg",
	};
	int n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(absent); i++) {
		if (find_arg(args, nargs, absent[i])) {
			tap_diag("%s: has %s", iface, absent[i]);
			n++;
		}
	}
	tap_ok(!n, "%s: no device, direction, XDP, tc or trace args", iface);
}

/*
 * --pid, --comm, --cgroup on every interface, --netns on the trace and sockets
 * ones, in group Selection; their defaults (and an empty field) mean "none".
 */
static void check_selection_args(const char *iface, struct cfg_arg *args, int nargs, bool netns)
{
	static const char *const strs[] = { "--comm", "--cgroup", "--netns" };
	struct cfg_arg *a = find_arg(args, nargs, "--pid"), *ring = find_arg(args, nargs, "--ring-size");
	bool ordered = a && ring && a->number < ring->number;

	tap_ok(a && !strcmp(a->type, "unsigned") && !strcmp(a->def, "0") && !strcmp(a->range, "0,4194304") &&
	       !strcmp(a->display, "Process ID (0: any)") && !strcmp(a->group, "Selection") &&
	       strstr(a->tooltip, "0: any process"),
	       "%s: pid unsigned 0..4194304, default 0 (any), group Selection", iface);
	for (size_t i = 0; i < ARRAY_SIZE(strs); i++) {
		bool want = i < 2 || netns;

		a = find_arg(args, nargs, strs[i]);
		tap_ok(want ? a && !strcmp(a->type, "string") && !a->def[0] && !strcmp(a->group, "Selection") &&
			      a->tooltip[0] : !a,
		       "%s: %s %s", iface, strs[i], want ? "string, no default, group Selection" : "absent");
		ordered = ordered && (!a || a->number < ring->number);
		if (a)
			pass_back(iface, a, "");
	}
	tap_ok(ordered, "%s: the Selection args come before ring-size", iface);
}

static void test_config(const char *iface)
{
	struct cfg_arg args[MAXCFG], *a;
	char *text = NULL, *copy;
	int rc, nargs, bad;
	bool tc = !strcmp(iface, EBC_IFACE_TC), xdp = !strcmp(iface, EBC_IFACE_XDP);
	bool sockets = !strcmp(iface, EBC_IFACE_SOCKETS);
	bool trace = !tc && !xdp && !sockets && strcmp(iface, EBC_IFACE_ANY);

	CAPTURE(text, rc, ebc_extcap__print_config(out, iface, NULL, &values));
	tap_ok(rc == 0, "--extcap-config %s prints", iface);
	copy = strdup(text);
	check_grammar(iface, copy);
	free(copy);
	bad = read_config(iface, text, args, &nargs);
	tap_ok(!bad && nargs > 0, "%s: %d args numbered 0..%d, every value refers to a selector or radio",
	       iface, nargs, nargs - 1);

	a = find_arg(args, nargs, "--device");
	if (trace)
		check_trace_args(iface, args, nargs);
	else if (sockets)
		check_sockets_args(iface, args, nargs);
	else
		tap_ok(a && !strcmp(a->type, "selector") && a->nvalues == (int)ARRAY_SIZE(devices) + !(tc || xdp) &&
		       a->ndefaults == 1, "%s: device selector lists %s the devices, one default", iface,
		       tc || xdp ? "" : "'all' and");
	if (a && !tc && !xdp)
		tap_ok(!strcmp(a->values[0], ""), "%s: the default device entry is empty (no --device)", iface);
	if (a && (tc || xdp))
		tap_ok(!strcmp(a->values[0], "eth0"), "%s: the first device is the default", iface);
	if (a)
		tap_ok(!strcmp(a->values[ARRAY_SIZE(devices) - 2 + !(tc || xdp)], "we\\x7bird\\x7d\\x5c"),
		       "%s: braces and backslashes in a device name are escaped", iface);
	for (int i = 0; a && i < a->nvalues; i++)
		pass_back(iface, a, a->values[i]);

	a = find_arg(args, nargs, "--snaplen");
	tap_ok(a && !strcmp(a->type, "integer") && !strcmp(a->def, "262144"),
	       "%s: snaplen integer, default 262144", iface);
	a = find_arg(args, nargs, "--ring-size");
	tap_ok(a && !strcmp(a->type, "integer") && !strcmp(a->def, "8"),
	       "%s: ring-size integer, default 8", iface);
	a = find_arg(args, nargs, "--direction");
	tap_ok(tc ? a && !strcmp(a->type, "radio") && a->nvalues == 3 && a->ndefaults == 1 : !a,
	       "%s: direction radio %s", iface, tc ? "present" : "absent");
	a = find_arg(args, nargs, "--xdp-mode");
	tap_ok(xdp ? a && !strcmp(a->type, "radio") && a->nvalues == 3 && a->ndefaults == 1 : !a,
	       "%s: xdp-mode radio %s", iface, xdp ? "present" : "absent");
	a = find_arg(args, nargs, "--xdp-hook");
	tap_ok(xdp ? a && !strcmp(a->type, "string") && !a->def[0] &&
		     !strcmp(a->display, "Hook map (xdpcap convention)") &&
		     !strcmp(a->tooltip, "Path of a pinned prog array an XDP program tail-calls on exit "
			     "(see README): capture its verdicts instead of attaching an XDP program") : !a,
	       "%s: xdp-hook string, empty by default, %s", iface, xdp ? "present" : "absent");
	a = find_arg(args, nargs, "--verdicts");
	tap_ok(xdp ? a && !strcmp(a->type, "string") && !strcmp(a->def, "aborted,drop,pass,tx,redirect") &&
		     !strcmp(a->display, "Verdicts to capture (hook map)") : !a,
	       "%s: verdicts string, every verdict by default, %s", iface, xdp ? "present" : "absent");
	tap_ok(!find_arg(args, nargs, "--count"), "%s: count is not an extcap arg", iface);
	check_selection_args(iface, args, nargs, trace || sockets);
	if (!trace)
		tap_ok(!find_arg(args, nargs, "--trace-mode") && !find_arg(args, nargs, "--all-netns"),
		       "%s: no trace-mode or all-netns arg", iface);

	/* Every arg's default and every value goes back through the parser. */
	for (int i = 0; i < nargs; i++) {
		if (args[i].def[0])
			pass_back(iface, &args[i], args[i].def);
		if (strcmp(args[i].call, "--device"))
			for (int v = 0; v < args[i].nvalues; v++)
				pass_back(iface, &args[i], args[i].values[v]);
	}
	free(text);
}

/* The default tracepoint when net:netif_receive_skb is missing, or the list has no groups. */
static void test_tracepoint_defaults(void)
{
	static const char *const other[] = { "skb:consume_skb", "skb:kfree_skb" };
	static const char *const bare[] = { "kfree_skb", "netif_receive_skb" };
	const struct ebc_extcap_values v1 = { NULL, 0, other, ARRAY_SIZE(other) };
	const struct ebc_extcap_values v2 = { NULL, 0, bare, ARRAY_SIZE(bare) };
	struct cfg_arg args[MAXCFG], *a;
	char *text = NULL;
	int rc, nargs;

	CAPTURE(text, rc, ebc_extcap__print_config(out, EBC_IFACE_TRACEPOINT, NULL, &v1));
	read_config("other tracepoints", text, args, &nargs);
	a = find_arg(args, nargs, "--tracepoint");
	tap_ok(rc == 0 && a && a->ndefaults == 1 && !strcmp(a->defval, "skb:consume_skb"),
	       "without net:netif_receive_skb, the first tracepoint is the default");
	free(text);
	CAPTURE(text, rc, ebc_extcap__print_config(out, EBC_IFACE_TRACEPOINT, NULL, &v2));
	read_config("bare tracepoints", text, args, &nargs);
	a = find_arg(args, nargs, "--tracepoint");
	tap_ok(rc == 0 && a && a->ndefaults == 1 && !strcmp(a->defval, "netif_receive_skb"),
	       "tracepoints without groups: netif_receive_skb is the default");
	free(text);
	CAPTURE(text, rc, ebc_extcap__print_config(out, EBC_IFACE_TRACEPOINT, NULL, NULL));
	tap_ok(rc == 0 && strstr(text, "arg {number=0}{call=--tracepoint}") && !strstr(text, "value {arg=0}"),
	       "no tracepoints given: a tracepoint selector without values");
	free(text);
}

/* The default function when ip_rcv is missing; no functions at all. */
static void test_function_defaults(void)
{
	static const struct ebc_extcap_func other[] = {
		{ "tcp_v4_rcv", 1u << 0 }, { F127, (1u << 0) | (1u << 1) | (1u << 11) },
	};
	const struct ebc_extcap_values v1 = { .functions = other, .nfunctions = ARRAY_SIZE(other) };
	struct cfg_arg args[MAXCFG], *a;
	char *text = NULL;
	int rc, nargs;

	CAPTURE(text, rc, ebc_extcap__print_config(out, EBC_IFACE_KFUNC, NULL, &v1));
	read_config("other functions", text, args, &nargs);
	a = find_arg(args, nargs, "--function");
	tap_ok(rc == 0 && a && a->ndefaults == 1 && !strcmp(a->defval, "tcp_v4_rcv"),
	       "without ip_rcv, the first function is the default");
	tap_ok(a && a->nvalues == 2 && !strcmp(a->values[1], F127) &&
	       !strcmp(a->displays[1], F127 " (skb: arg1, arg2, arg12)"),
	       "a 127-character function with three sk_buffs: the whole display");
	free(text);
	CAPTURE(text, rc, ebc_extcap__print_config(out, EBC_IFACE_KFUNC, NULL, NULL));
	tap_ok(rc == 0 && strstr(text, "arg {number=0}{call=--function}{display=Function}{type=selector}") &&
	       !strstr(text, "value {arg=0}"),
	       "no functions given: a function selector without values");
	free(text);
}

static void test_reload(const char *iface)
{
	const struct ebc_extcap_values one = { devices, 1, tracepoints, 1 };
	char *text = NULL, *copy, buf[64], want[16];
	int rc, n = 0, other = 0, devno = -1;

	/* The device arg's number in the full config. */
	CAPTURE(text, rc, ebc_extcap__print_config(out, iface, NULL, &one));
	for (char *save, *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		if (get_field(l, "call", buf, sizeof(buf)) && !strcmp(buf, "--device") &&
		    get_field(l, "number", buf, sizeof(buf)))
			devno = atoi(buf);
	free(text);
	snprintf(want, sizeof(want), "%d", devno);

	CAPTURE(text, rc, ebc_extcap__print_config(out, iface, "device", &values));
	copy = strdup(text);
	check_grammar("--extcap-reload-option device", copy);
	free(copy);
	for (char *save, *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(l, "value ", 6) && get_field(l, "arg", buf, sizeof(buf)) && !strcmp(buf, want))
			n++;
		else
			other++;
	}
	tap_ok(rc == 0 && devno >= 0 && !other && n == (int)ARRAY_SIZE(devices) + !strcmp(iface, EBC_IFACE_ANY),
	       "%s --extcap-reload-option device: only the device's %d value lines", iface, n);
	free(text);
	CAPTURE(text, rc, ebc_extcap__print_config(out, iface, "snaplen", &values));
	tap_ok(rc == -EINVAL && !*text, "%s: reloading snaplen is refused, nothing printed", iface);
	free(text);
}

/* Trace interfaces have nothing to reload. */
static void test_no_reload(const char *iface)
{
	char *text = NULL;
	int rc;

	CAPTURE(text, rc, ebc_extcap__print_config(out, iface, "device", &values));
	tap_ok(rc == -EINVAL && !*text, "%s: reloading device is refused, nothing printed", iface);
	free(text);
}

static void test_unknown_interface(void)
{
	char *text = NULL;
	int rc;

	CAPTURE(text, rc, ebc_extcap__print_config(out, "eth0", NULL, &values));
	tap_ok(rc == -EINVAL && !*text, "--extcap-config for an unknown interface: -EINVAL, no output");
	free(text);
	CAPTURE(text, rc, ebc_extcap__print_dlts(out, "eth0"));
	tap_ok(rc == -EINVAL && !*text, "--extcap-dlts for an unknown interface: -EINVAL, no output");
	free(text);
}

static void test_no_devices(void)
{
	char *text = NULL, *copy;
	int rc;

	CAPTURE(text, rc, ebc_extcap__print_config(out, EBC_IFACE_TC, NULL, NULL));
	copy = strdup(text);
	tap_ok(rc == 0, "--extcap-config with no devices prints");
	check_grammar("--extcap-config, no devices", copy);
	free(copy);
	free(text);
}

static void test_help(void)
{
	static const char *const words[] = {
		("Usage: ebpfcap [-D] [-i TAP] [-f FILTER] [-s SNAPLEN] [-c COUNT] [-w FILE|-] "
		 "[-Q in|out|inout] [FILTER...]\n"),
		"--snaplen", "--count", "--write", "--direction", "--device", "--xdp-mode",
		"--ring-size", "--verbose", "--quiet", "--version", "--extcap-interfaces",
		"--extcap-interface", "--extcap-dlts", "--extcap-config", "--extcap-reload-option",
		"--capture", "--fifo", "--extcap-capture-filter", "--extcap-version", "--log-level",
		"--log-file", "default 262144", "1 to 262144", "extcap.<interface>.<option>",
		" snaplen", " device", " direction", " xdpmode", " ringsize",
		"--trace-mode", "--all-netns", "--tracepoint", "--function", "--arg", "--on",
		" drops ", "tp:[GROUP:]NAME", "kfunc:FUNC[:argN]", "kretfunc:FUNC[:argN]",
		"how trace taps attach: btf (tp_btf,",
		"standalone: -i tp:GROUP:NAME", " tracemode", " allnetns", " tracepoint", " function",
		" ebpfcap_drops:", " ebpfcap_tracepoint:", " ebpfcap_kfunc: function on arg",
		"xdphook:PATH", "--verdicts LIST", "--xdp-hook PATH", "standalone: -i xdphook:PATH",
		"aborted, drop, pass, tx or", " ebpfcap_xdp: device snaplen xdpmode xdphook verdicts",
		" sockets (what processes read", "--pid PID", "--comm NAME", "--cgroup PATH",
		"--netns PATH", "1 to 4194304", " ebpfcap_sockets: snaplen pid comm cgroup netns ringsize",
		" ebpfcap_drops: snaplen tracemode allnetns pid comm cgroup netns ringsize",
		/* the end of the longest help, -i's: nothing cut off */
		"default any)",
	};
	char *text = NULL;
	int rc, missing = 0, wide = 0;

	CAPTURE(text, rc, (ebc_options__print_help(out), 0));
	(void)rc;
	tap_ok(!strncmp(text, words[0], strlen(words[0])), "--help starts with the standalone synopsis");
	for (size_t i = 1; i < ARRAY_SIZE(words); i++) {
		if (!strstr(text, words[i])) {
			tap_diag("--help lacks %s", words[i]);
			missing++;
		}
	}
	tap_ok(!missing, "--help lists every option, range and default");
	tap_ok(strstr(text, "\nExtcap options") > strstr(text, "--ring-size"),
	       "--help lists the extcap options after the standalone ones");
	tap_ok(strstr(text, "      --function FUNC") > strstr(text, "\nExtcap options"),
	       "--help lists the extcap interfaces' own options with the extcap ones");
	/* Every line after the synopsis fits in 79 columns. */
	for (char *save, *l = strtok_r(strstr(text, "\n\n"), "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (strlen(l) > 79) {
			tap_diag("--help line of %zu columns: %s", strlen(l), l);
			wide++;
		}
	}
	tap_ok(!wide, "--help lines fit in 79 columns");
	free(text);
}

static void test_reparse(void)
{
	const char *a1[] = { "-i", "tc:eth0", "udp", "port", "53", NULL };
	const char *a2[] = { "-s", "100", NULL };
	struct ebc_config cfg;
	char err[256];

	parse_argv(a1, &cfg, err, sizeof(err));
	parse_argv(a2, &cfg, err, sizeof(err));
	tap_ok(cfg.filter == NULL && cfg.device == NULL && cfg.snaplen == 100,
	       "a second parse starts from defaults");
}

int main(void)
{
	static const char *const all[] = { EBC_IFACE_ANY, EBC_IFACE_TC, EBC_IFACE_XDP };
	/* Nothing to reload: no device to pick. */
	static const char *const trace[] = {
		EBC_IFACE_DROPS, EBC_IFACE_TRACEPOINT, EBC_IFACE_KFUNC, EBC_IFACE_SOCKETS,
	};

	/* Wireshark's sentence and {key=value} regexes, narrowed to what we must emit. */
	regcomp(&line_re, "^(extcap|interface|dlt|arg|value) ([{][a-z]+=[^{}]*[}])+$",
		REG_EXTENDED | REG_NOSUB);
	regcomp(&name_re, "^[A-Za-z0-9][A-Za-z0-9_.-]*$", REG_EXTENDED | REG_NOSUB);

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++)
		check_row(&rows[i]);
	test_reparse();

	test_interfaces();
	for (size_t i = 0; i < ARRAY_SIZE(all); i++) {
		test_dlts(all[i]);
		test_config(all[i]);
		test_reload(all[i]);
	}
	for (size_t i = 0; i < ARRAY_SIZE(trace); i++) {
		test_dlts(trace[i]);
		test_config(trace[i]);
		test_no_reload(trace[i]);
	}
	test_tracepoint_defaults();
	test_function_defaults();
	test_unknown_interface();
	test_no_devices();
	test_help();

	regfree(&line_re);
	regfree(&name_re);
	return tap_done();
}
