#!/usr/bin/env bash
# The command line and the extcap handshake as Wireshark runs them; no root,
# no capture. Also the per-user install that Wireshark 4.0 finds.
. "$(dirname "$0")/../lib/common.sh"
[ -x "$EBPFCAP" ] || skip_all "ebpfcap not built at $EBPFCAP"
TEST_TMP=$(mktemp -d /tmp/ebpfcap-cli.XXXXXX)
trap 'rm -rf "$TEST_TMP"' EXIT

version=$(sed -n 's/^AC_INIT(\[ebpfcap\], \[\([^]]*\)\].*/\1/p' "$top_srcdir/configure.ac")
is "$("$EBPFCAP" --version)" "ebpfcap $version" "--version prints the configured version"
"$EBPFCAP" --help | grep -q '^Usage: ebpfcap '
ok $? "--help starts with the usage line"
"$EBPFCAP" --help >"$TEST_TMP/help"
grep -q 'xdphook:PATH' "$TEST_TMP/help" && grep -q -- '--verdicts LIST' "$TEST_TMP/help" &&
	grep -q -- '--xdp-hook PATH' "$TEST_TMP/help"
ok $? "--help lists -i xdphook:PATH, --verdicts and --xdp-hook"
grep -q ' sockets (what processes read' "$TEST_TMP/help" && grep -q -- '--pid PID' "$TEST_TMP/help" &&
	grep -q -- '--comm NAME' "$TEST_TMP/help" && grep -q -- '--cgroup PATH' "$TEST_TMP/help" &&
	grep -q -- '--netns PATH' "$TEST_TMP/help"
ok $? "--help lists -i sockets, --pid, --comm, --cgroup and --netns"

# tshark first asks with --extcap-version=4.0, and again without it if that fails.
with=$("$EBPFCAP" --extcap-interfaces --extcap-version=4.0)
ok $? "--extcap-interfaces --extcap-version=4.0 exits 0"
without=$("$EBPFCAP" --extcap-interfaces)
is "$with" "$without" "the interface list does not depend on --extcap-version"
[[ "$(echo "$with" | head -1)" =~ ^extcap\ \{version=$version\}\{help=file:///.*/doc/ebpfcap/README.md\}$ ]]
ok $? "first line: extcap version and help (the installed README)"
ifaces="ebpfcap ebpfcap-tc ebpfcap-xdp ebpfcap-drops ebpfcap-tracepoint ebpfcap-kfunc ebpfcap-sockets"
is "$(echo "$with" | sed -n 's/^interface {value=\([^}]*\)}.*/\1/p' | xargs)" "$ifaces" \
	"seven interfaces, in order"
echo "$with" | grep -qxF 'interface {value=ebpfcap-sockets}{display=eBPF capture: what processes read and write on their sockets (syscalls)}'
ok $? "ebpfcap-sockets: its display string"
for ifc in $ifaces; do
	is "$("$EBPFCAP" --extcap-dlts --extcap-interface $ifc)" "dlt {number=1}{name=EN10MB}{display=Ethernet}" \
		"--extcap-dlts for $ifc"
	"$EBPFCAP" --extcap-config --extcap-interface $ifc >"$TEST_TMP/config" 2>"$TEST_TMP/err"
	ok $? "--extcap-config for $ifc exits 0"
	is "$(wc -c <"$TEST_TMP/err")" 0 "--extcap-config for $ifc: nothing on stderr"
	cp "$TEST_TMP/config" "$TEST_TMP/config.$ifc"
done

# Selection by process on every interface; a network namespace on the trace and sockets ones.
for ifc in $ifaces; do
	grep -qE '^arg \{number=[0-9]+\}\{call=--pid\}\{display=[^}]*\}\{type=unsigned\}\{range=0,4194304\}\{default=0\}.*\{group=Selection\}$' \
		"$TEST_TMP/config.$ifc" &&
		grep -qE '^arg \{number=[0-9]+\}\{call=--comm\}\{display=[^}]*\}\{type=string\}.*\{group=Selection\}$' \
			"$TEST_TMP/config.$ifc" &&
		grep -qE '^arg \{number=[0-9]+\}\{call=--cgroup\}\{display=[^}]*\}\{type=string\}.*\{group=Selection\}$' \
			"$TEST_TMP/config.$ifc"
	ok $? "--extcap-config for $ifc: pid (unsigned, default 0), comm and cgroup (strings) in Selection"
	case $ifc in ebpfcap|ebpfcap-tc|ebpfcap-xdp) want=0 ;; *) want=1 ;; esac
	is "$(grep -cE '^arg \{number=[0-9]+\}\{call=--netns\}\{display=[^}]*\}\{type=string\}' "$TEST_TMP/config.$ifc")" $want \
		"--extcap-config for $ifc: $([ $want = 1 ] && echo "a netns string" || echo "no netns")"
done
# What tshark passes when nothing is set: the defaults, 0 for --pid; an empty field means none too.
"$EBPFCAP" --extcap-config --extcap-interface ebpfcap-sockets --pid 0 --comm '' --cgroup '' --netns '' \
	>/dev/null 2>"$TEST_TMP/err"
is "$?/$(cat "$TEST_TMP/err")" "0/" "ebpfcap-sockets takes Wireshark's --pid 0 and empty --comm, --cgroup, --netns"
timeout 10 "$EBPFCAP" -i sockets --pid 0 -c 1 >/dev/null 2>"$TEST_TMP/err"
is "$?/$(cat "$TEST_TMP/err")" "1/ebpfcap: pid 0 out of range (1 to 4194304)" \
	"-i sockets --pid 0: exit 1 and one line"
timeout 10 "$EBPFCAP" -i tc:lo --netns /run/netns/b -c 1 >/dev/null 2>"$TEST_TMP/err"
is "$?/$(cat "$TEST_TMP/err")" \
	"1/ebpfcap: --netns applies to trace and sockets taps; a device tap captures in the namespace ebpfcap runs in" \
	"--netns on a device tap: exit 1 and one line"
timeout 10 "$EBPFCAP" -i sockets -Q in -c 1 >/dev/null 2>"$TEST_TMP/err"
is "$?/$(cat "$TEST_TMP/err")" "1/ebpfcap: the sockets tap has no direction; drop -Q in" \
	"-i sockets -Q in: exit 1 and one line"

# The sockets interface: no device, direction, XDP, tc or trace options.
is "$(grep -cE '\{call=--(device|direction|xdp-mode|xdp-hook|verdicts|xdp-capture|xdp-prog|tc-mode|trace-mode|all-netns)\}' \
	"$TEST_TMP/config.ebpfcap-sockets")" 0 \
	"--extcap-config for ebpfcap-sockets: no device, direction, XDP, tc or trace options"

# Trace interfaces: no device to pick; the tracepoints come from the kernel's BTF, with
# their groups when tracefs is readable (else bare names, which -i tp:NAME also takes).
for ifc in ebpfcap-drops ebpfcap-tracepoint ebpfcap-kfunc; do
	is "$(grep -cE '\{call=--(device|direction|xdp-mode|xdp-hook|verdicts|tc-mode)\}' "$TEST_TMP/config.$ifc")" 0 \
		"--extcap-config for $ifc: no device, direction, xdp-mode, xdp-hook, verdicts or tc-mode"
	grep -q '^arg {number=[0-9]*}{call=--trace-mode}{display=[^}]*}{type=selector}' "$TEST_TMP/config.$ifc" &&
		grep -q '{call=--all-netns}{display=[^}]*}{type=boolflag}' "$TEST_TMP/config.$ifc"
	ok $? "--extcap-config for $ifc: trace-mode selector and all-netns boolflag"
done
tpno=$(sed -n 's/^arg {number=\([0-9]*\)}{call=--tracepoint}{display=[^}]*}{type=selector}.*/\1/p' \
	"$TEST_TMP/config.ebpfcap-tracepoint")
tps=$(sed -n "s/^value {arg=$tpno}{value=\([^}]*\)}.*/\1/p" "$TEST_TMP/config.ebpfcap-tracepoint")
printf '# tracepoints offered: %s\n' "$(echo "$tps" | wc -l)"
echo "$tps" | grep -qxE '(skb:)?kfree_skb' && echo "$tps" | grep -qxE '(net:)?netif_receive_skb'
ok $? "ebpfcap-tracepoint offers skb:kfree_skb and net:netif_receive_skb"
if [ -d /sys/kernel/tracing/events/skb ] || [ -d /sys/kernel/debug/tracing/events/skb ]; then
	echo "$tps" | grep -qx 'skb:kfree_skb' && echo "$tps" | grep -qx 'net:netif_receive_skb'
	ok $? "with tracefs readable, the tracepoints carry their groups"
else
	skip_case "tracefs not readable" "the tracepoints carry their groups"
fi
grep -qE "^value \{arg=$tpno\}\{value=(net:)?netif_receive_skb\}\{display=[^}]*\}\{default=true\}$" \
	"$TEST_TMP/config.ebpfcap-tracepoint"
ok $? "net:netif_receive_skb is the default tracepoint"
# ebpfcap-kfunc: a selector (Wireshark 4.0 has no editselector) of the functions the kernel's
# BTF says take an sk_buff, each shown with its sk_buff parameters counted from 1.
fnno=$(sed -n 's/^arg {number=\([0-9]*\)}{call=--function}{display=[^}]*}{type=selector}{required=true}.*/\1/p' \
	"$TEST_TMP/config.ebpfcap-kfunc")
[ -n "$fnno" ]
ok $? "ebpfcap-kfunc: --function selector, required"
grep -qxF "value {arg=$fnno}{value=ip_rcv}{display=ip_rcv (skb: arg1)}{default=true}" \
	"$TEST_TMP/config.ebpfcap-kfunc" &&
	grep -qxF "value {arg=$fnno}{value=__dev_queue_xmit}{display=__dev_queue_xmit (skb: arg1)}" \
		"$TEST_TMP/config.ebpfcap-kfunc"
ok $? "ebpfcap-kfunc offers ip_rcv (the default) and __dev_queue_xmit, skb in arg1"
nfuncs=$(grep -c "^value {arg=$fnno}" "$TEST_TMP/config.ebpfcap-kfunc")
printf '# functions offered: %s\n' "$nfuncs"
if [ -e /sys/kernel/btf/vmlinux ]; then
	[ "$nfuncs" -ge 1000 ]
	ok $? "with kernel BTF, ebpfcap-kfunc offers at least 1000 functions ($nfuncs)"
else
	skip_case "no /sys/kernel/btf/vmlinux" "with kernel BTF, ebpfcap-kfunc offers at least 1000 functions"
fi
# Wireshark and tshark ask every interface's config at start-up: keep it quick (best of 3).
best=
for _ in 1 2 3; do
	t0=$(date +%s%N)
	"$EBPFCAP" --extcap-config --extcap-interface ebpfcap-kfunc >/dev/null
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	[ -z "$best" ] || [ "$ms" -lt "$best" ] && best=$ms
done
# EBC_TEST_SLOW: how many times slower the build runs (5 with sanitizers, see tests/tooling).
limit=$((200 * ${EBC_TEST_SLOW:-1}))
[ "$best" -lt "$limit" ]
ok $? "--extcap-config for ebpfcap-kfunc takes under $limit ms (${best} ms)"
# Without BTF, a short list whose sk_buff positions must agree with this kernel's BTF.
if [ "$(id -u)" = 0 ] && [ -e /sys/kernel/btf/vmlinux ] && command -v unshare >/dev/null; then
	unshare -m sh -c 'mount -t tmpfs none /sys/kernel/btf &&
		exec "$0" --extcap-config --extcap-interface ebpfcap-kfunc' \
		"$EBPFCAP" >"$TEST_TMP/config.nobtf" 2>"$TEST_TMP/err"
	is "$?/$(cat "$TEST_TMP/err")/$(grep -c "^value {arg=$fnno}" "$TEST_TMP/config.nobtf")" "0//7" \
		"without kernel BTF, ebpfcap-kfunc offers 7 usual functions, nothing on stderr"
	grep -qxF "value {arg=$fnno}{value=ip_rcv}{display=ip_rcv (skb: arg1)}{default=true}" "$TEST_TMP/config.nobtf"
	ok $? "without kernel BTF, ip_rcv is still the default function"
	values() { grep "^value {arg=$fnno}" "$1" | sed 's/{default=true}$//'; }
	is "$(values "$TEST_TMP/config.nobtf" | grep -vxF -f <(values "$TEST_TMP/config.ebpfcap-kfunc"))" "" \
		"the usual functions show the sk_buff positions this kernel's BTF gives"
else
	skip_case "needs root, unshare and kernel BTF" "without kernel BTF, ebpfcap-kfunc offers the usual functions"
fi
"$EBPFCAP" --extcap-config --extcap-interface ebpfcap-kfunc --function ip_rcv --on exit --arg 1 \
	>/dev/null 2>"$TEST_TMP/err"
is "$?/$(cat "$TEST_TMP/err")" "0/" "ebpfcap-kfunc takes Wireshark's --function, --on and --arg"
timeout 10 "$EBPFCAP" -i kfunc:ip_rcv:arg0 -c 1 >/dev/null 2>"$TEST_TMP/err"
is "$?/$(cat "$TEST_TMP/err")" "1/ebpfcap: -i kfunc:ip_rcv:arg0: arguments count from 1 (arg1 is the first parameter)" \
	"-i kfunc:FUNC:arg0: exit 1 and one line"
# ebpfcap-xdp: a hook map (xdpcap's convention) instead of a device, and the verdicts to keep.
grep -qE '^arg \{number=[0-9]+\}\{call=--xdp-hook\}\{display=Hook map \(xdpcap convention\)\}\{type=string\}\{tooltip=' \
	"$TEST_TMP/config.ebpfcap-xdp" &&
	grep -qE '^arg \{number=[0-9]+\}\{call=--verdicts\}\{display=Verdicts to capture \(hook map\)\}\{type=string\}\{default=aborted,drop,pass,tx,redirect\}' \
		"$TEST_TMP/config.ebpfcap-xdp"
ok $? "--extcap-config for ebpfcap-xdp: xdp-hook string, verdicts string with every verdict"
! grep -q '{call=--xdp-hook}.*{default=' "$TEST_TMP/config.ebpfcap-xdp"
ok $? "--extcap-config for ebpfcap-xdp: no default hook map (tshark passes none)"
timeout 10 "$EBPFCAP" -i xdphook: -c 1 >/dev/null 2>"$TEST_TMP/err"
is "$?/$(cat "$TEST_TMP/err")" \
	"1/ebpfcap: -i xdphook: needs the path of a pinned hook map, e.g. -i xdphook:/sys/fs/bpf/xdp_hook" \
	"-i xdphook: without a path: exit 1 and one line"
timeout 10 "$EBPFCAP" -i xdphook:/sys/fs/bpf/xdp_hook --verdicts drop,dorp -c 1 >/dev/null 2>"$TEST_TMP/err"
is "$?/$(cat "$TEST_TMP/err")" \
	"1/ebpfcap: invalid verdict \"dorp\" for --verdicts: expected aborted, drop, pass, tx or redirect" \
	"--verdicts with an unknown word: exit 1 and one line naming it"
"$EBPFCAP" --extcap-config --extcap-interface ebpfcap-tc --extcap-reload-option device >"$TEST_TMP/reload"
is "$(grep -vc '^value {arg=0}' "$TEST_TMP/reload")" 0 "--extcap-reload-option device: only the device values"
"$EBPFCAP" --extcap-interfaces --nosuch >/dev/null 2>"$TEST_TMP/err"
is "$?/$(cat "$TEST_TMP/err")" "1/ebpfcap: unknown option --nosuch (see ebpfcap --help)" \
	"an unknown option: exit 1 and one line" 

# make install-user: into $WIRESHARK_CONFIG_DIR/extcap, where tshark finds it.
if [ -f "$top_builddir/Makefile" ] && command -v tshark >/dev/null; then
	export WIRESHARK_CONFIG_DIR=$TEST_TMP/wsconf
	make -s -C "$top_builddir" install-user >/dev/null
	ok $? "make install-user succeeds"
	ok "$([ -x "$WIRESHARK_CONFIG_DIR/extcap/ebpfcap" ]; echo $?)" "installed in \$WIRESHARK_CONFIG_DIR/extcap"
	tshark -D 2>/dev/null >"$TEST_TMP/tshark-D"
	grep -q '\. ebpfcap-xdp (eBPF capture: XDP hook of one device)$' "$TEST_TMP/tshark-D"
	ok $? "tshark -D lists the per-user install"
	grep -q '\. ebpfcap-drops (eBPF capture: packets the kernel drops (skb:kfree_skb))$' "$TEST_TMP/tshark-D" &&
		grep -q '\. ebpfcap-kfunc (eBPF capture: entry or exit of a kernel function taking an sk_buff)$' \
			"$TEST_TMP/tshark-D"
	ok $? "tshark -D lists the trace interfaces"
	grep -q '\. ebpfcap-sockets (eBPF capture: what processes read and write on their sockets (syscalls))$' \
		"$TEST_TMP/tshark-D"
	ok $? "tshark -D lists the sockets interface"
else
	skip_case "not configured, or no tshark" "make install-user"
fi
done_testing
