#!/usr/bin/env bash
# Least privilege. A copy of ebpfcap installed as "make install" installs it
# (packaging/setcap.sh: root:GROUP, 0750, file capabilities in the permitted
# set) captures for a member of GROUP through those capabilities alone: tc and
# XDP with exact counts and nothing left attached, the drops and sockets taps,
# a hook map made accessible to the group, tshark -D. A non-member cannot run
# it; without capabilities it says which ones it lacks; set-uid root is
# refused; names and filters from the command line or Wireshark never reach a
# shell. Root keeps working with the installed binary.
. "$(dirname "$0")/../lib/common.sh"
need_root
for c in setcap getcap setpriv useradd groupadd; do
	command -v "$c" >/dev/null || skip_all "needs $c (apt-get install libcap2-bin passwd util-linux)"
done
mount_fs
setup_pair || skip_all "cannot create network namespaces"

# A group, a member of it and a non-member, all gone at exit.
G=ebcg$$ U=ebcu$$ O=ebco$$
PIN=/sys/fs/bpf/ebc-test-$$
cleanup() {
	cleanup_ns
	rm -rf "$PIN"
	userdel "$U" 2>/dev/null
	userdel "$O" 2>/dev/null
	groupdel "$G" 2>/dev/null
}
trap cleanup EXIT
groupadd -r "$G" && useradd -r -M -U -G "$G" -d /nonexistent -s /usr/sbin/nologin "$U" &&
	useradd -r -M -U -d /nonexistent -s /usr/sbin/nologin "$O" || skip_all "cannot create users"

# Readable by everyone: the binaries; writable by U: the captures (and cwd).
chmod 0755 "$TEST_TMP"
BIN=$TEST_TMP/bin/ebpfcap OUT=$TEST_TMP/out
mkdir -p "$TEST_TMP/bin" "$OUT" && chown "$U:$U" "$OUT"
install -m 0755 "$EBPFCAP" "$BIN"
sh "$top_srcdir/packaging/setcap.sh" --group "$G" "$BIN"
findmnt -n -o OPTIONS -T "$TEST_TMP" | grep -qw nosuid && NOSUID=1 || NOSUID=

# bg_as USER NS ARGS...: ebpfcap ($AS_BIN, default the installed copy) in
# namespace NS as USER, with no capability but the file's: setpriv changes the
# uid (which clears the permitted set) and empties the inheritable one. setpriv
# itself keeps capabilities until it execs, so a shell the user runs execs
# ebpfcap, as Wireshark would. BG_PID is ebpfcap itself. run_as: the same in
# the foreground, in $OUT.
as_cmd() {
	local user=$1 ns=$2
	AS=(nsenter --net="/run/netns/$ns" --wd="$OUT" setpriv --reuid="$user" --regid="$user"
		--init-groups --inh-caps=-all sh -c 'exec "$0" "$@"')
}
bg_as() { local u=$1 ns=$2; shift 2; as_cmd "$u" "$ns"; "${AS[@]}" "${AS_BIN:-$BIN}" "$@" & BG_PID=$!; }
run_as() { local u=$1 ns=$2; shift 2; as_cmd "$u" "$ns"; "${AS[@]}" "${AS_BIN:-$BIN}" "$@"; }

# expect_fail WANT DESC USER ARGS...: as USER in A, exit 1, stderr exactly WANT, nothing attached.
expect_fail() {
	local want=$1 desc=$2 user=$3; shift 3
	run_as "$user" "$NS_A" "$@" >"$TEST_TMP/stdout" 2>"$TEST_TMP/stderr" </dev/null
	is "$?" 1 "$desc: exit status 1"
	is "$(cat "$TEST_TMP/stderr")" "$want" "$desc: one line on stderr"
	is "$(wc -c <"$TEST_TMP/stdout")" 0 "$desc: nothing on stdout"
	wait_nothing_attached "$NS_A" va; ok $? "$desc: nothing attached"
}

# stop PID: SIGTERM, then its exit status (bounded).
stop() {
	kill -TERM "$1"
	wait_gone "$1" || { kill -KILL "$1"; echo "# $1 ignored SIGTERM"; }
	wait "$1"
}

# cap_line PID FIELD: CapEff, CapPrm, ... of PID, in hex as /proc shows them.
cap_line() { awk -v f="$2:" '$1 == f { print $2 }' /proc/"$1"/status; }
# CAP_NET_ADMIN (12), CAP_PERFMON (38), CAP_BPF (39); permitted also
# CAP_DAC_READ_SEARCH (2) and CAP_SYSLOG (34), effective only around reads.
EFF=000000c000001000 PRM=000000c400001004

# ---- installed as make install does
is "$(stat -c '%U:%G %a' "$BIN")" "root:$G 750" "installed root:$G, mode 0750"
is "$(getcap "$BIN" | awk '{ print $2 }')" \
	"cap_dac_read_search,cap_net_admin,cap_syslog,cap_perfmon,cap_bpf=p" \
	"file capabilities, permitted set only"

# ---- tc as a member: exact counts, the process named (cgroup hooks attached),
# only the three capabilities effective
out=$OUT/tc.pcapng
bg_as "$U" "$NS_A" -q -i tc:va -w "$out" icmp
pid=$BG_PID
wait_links 1
is "$(cap_line "$pid" Uid | cut -f1)" "$(id -u "$U")" "tc: runs as the member"
is "$(cap_line "$pid" CapEff)" "$EFF" "tc: effective: CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN"
is "$(cap_line "$pid" CapPrm)" "$PRM" "tc: permitted: those, CAP_DAC_READ_SEARCH and CAP_SYSLOG"
is "$(cap_line "$pid" CapInh)/$(cap_line "$pid" CapAmb)" "0000000000000000/0000000000000000" \
	"tc: nothing inheritable or ambient"
ping4 3
wait_packets "$out" 6
stop "$pid"
is "$?" 0 "tc: exit status 0"
is "$(count_packets "$out")" 6 "tc: 3 echo requests and 3 replies"
is "$(fields "$out" -Y 'frame.packet_flags_direction == 2' -e frame.comment | grep -c ' comm=ping$')" 3 \
	"tc: the requests name ping (socket hooks on the cgroup root)"
wait_nothing_attached "$NS_A" va; ok $? "tc: nothing attached afterwards"

# ---- XDP as a member
out=$OUT/xdp.pcapng
bg_as "$U" "$NS_A" -q -i xdp:va -w "$out" icmp
pid=$BG_PID
wait_links 1
ping4 3
wait_packets "$out" 3
stop "$pid"
is "$?" 0 "xdp: exit status 0"
is "$(count_packets "$out")" 3 "xdp: the 3 replies"
wait_nothing_attached "$NS_A" va; ok $? "xdp: nothing attached afterwards"

# ---- drops as a member: CAP_SYSLOG names the location, tracefs the group
out=$OUT/drops.pcapng
bg_as "$U" "$NS_B" -q -i drops -c 3 -w "$out" -f "udp port 40001"
pid=$BG_PID
wait_trace_link "$pid"
send_udp4 40001 3
wait_gone "$pid"
wait "$pid"
is "$?" 0 "drops: exit status 0 after -c 3"
is "$(count_packets "$out")" 3 "drops: 3 UDP datagrams to a closed port"
is "$(fields "$out" -e frame.interface_name | sort -u)" "tp:skb:kfree_skb" \
	"drops: interface named with its tracefs group"
is "$(fields "$out" -e frame.comment | grep -cE ' reason=NO_SOCKET location=[a-z_0-9.]+\+0x[0-9a-f]+$')" 3 \
	"drops: reason and location by name (kallsyms addresses)"

# ---- sockets as a member: the syscall tracepoints' ids come from tracefs
if [ -d /sys/kernel/tracing/events/syscalls/sys_enter_write ]; then
	out=$OUT/sockets.pcapng
	bg_as "$U" "$NS_A" -q -i sockets -w "$out" -f "udp port 40002"
	pid=$BG_PID
	for i in $(seq 200); do
		[ "$(grep -lE '^link_type:\s*(perf|perf_event)$' /proc/"$pid"/fdinfo/* 2>/dev/null | wc -l)" -ge 23 ] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	send_udp4 40002 2
	wait_packets "$out" 2
	stop "$pid"
	is "$?" 0 "sockets: exit status 0"
	is "$(fields "$out" -e frame.comment | grep -c ' syscall=write$')" 2 "sockets: the 2 writes"
else
	skip_case "no syscall tracepoints (CONFIG_FTRACE_SYSCALLS)" "sockets as a member"
fi

# ---- a hook map the group may use (a bind mount: /sys/fs/bpf itself stays root's)
FIXTURE=$top_builddir/tests/data/xdp_rule.bpf.o
if [ -f "$FIXTURE" ] && bpffs_loadall "$PIN" "$FIXTURE"; then
	in_b bpftool net attach xdpgeneric pinned "$PIN/progs/xdp_rule" dev vb
	run_as "$U" "$NS_B" -i "xdphook:$PIN/xdp_hook" -w "$OUT/x.pcapng" >"$TEST_TMP/stdout" 2>"$TEST_TMP/stderr" </dev/null
	is "$?" 1 "xdphook, pin not the group's: exit status 1"
	is "$(cat "$TEST_TMP/stderr")" "ebpfcap: cannot open the hook map $PIN/xdp_hook: Permission denied (give your group read and write access to it and search access to its directories: see README \"Running without root\")" \
		"xdphook, pin not the group's: one line naming the fix"
	is "$(hook_entries "$PIN/xdp_hook")" 0 "xdphook, pin not the group's: no slot filled"
	mkdir "$TEST_TMP/bpf"
	chgrp "$G" "$PIN" "$PIN/xdp_hook" && chmod 0750 "$PIN" && chmod 0660 "$PIN/xdp_hook"
	out=$OUT/hook.pcapng
	as_cmd "$U" "$NS_B"
	unshare -m --propagation private sh -c 'mount --bind "$0" "$1" && shift && exec "$@"' \
		"$PIN" "$TEST_TMP/bpf" "${AS[@]}" "$BIN" -q -i "xdphook:$TEST_TMP/bpf/xdp_hook" \
		-w "$out" icmp &
	pid=$!
	wait_hook_filled "$PIN/xdp_hook" 5 "$pid"
	# Bounded: the reaper is forked once the slots are filled, and drops them first thing.
	for i in $(seq 200); do
		reaper=$(pgrep -P "$pid" -x ebpfcap-reaper)
		caps="$(cap_line "${reaper:-0}" CapPrm)/$(cap_line "${reaper:-0}" CapEff)"
		[ "$caps" = 0000000000000000/0000000000000000 ] && break
		sleep 0.05
	done
	is "$caps" "0000000000000000/0000000000000000" "xdphook: the reaper holds no capability"
	ping4 2
	wait_packets "$out" 2
	stop "$pid"
	is "$?" 0 "xdphook: exit status 0"
	is "$(count_packets "$out")" 2 "xdphook: the 2 echo requests vb's program passed"
	wait_hook_empty "$PIN/xdp_hook"; ok $? "xdphook: the slots are empty again"
	in_b bpftool net detach xdpgeneric dev vb
	rm -rf "$PIN"
else
	skip_case "cannot load $FIXTURE (make check)" "xdphook as a member"
fi

# ---- tshark as a member lists the interfaces; as a non-member it does not
wireshark_conf
ln -sf "$BIN" "$WIRESHARK_CONFIG_DIR/extcap/ebpfcap"
chmod -R a+rX "$WIRESHARK_CONFIG_DIR"
# With the system extcap directory hidden (a "make install" may have put one there).
SYS_EXTCAP=$(tshark -G folders 2>/dev/null | awk -F'\t' '/^Extcap path/ { print $2 }')
tshark_d() {
	as_cmd "$1" "$NS_A"
	unshare -m --propagation private sh -c \
		'[ ! -d "$0" ] || mount -t tmpfs none "$0" || exit; exec "$@"' "${SYS_EXTCAP:-/nonexistent}" \
		"${AS[@]}" env HOME="$OUT" WIRESHARK_CONFIG_DIR="$WIRESHARK_CONFIG_DIR" tshark -D 2>/dev/null |
		grep -cE '^[0-9]+\. ebpfcap-tc \('
}
is "$(tshark_d "$U")" 1 "tshark -D as a member lists ebpfcap-tc"
is "$(tshark_d "$O")" 0 "tshark -D as a non-member does not"
is "$(tshark_d root)" 1 "tshark -D as root lists ebpfcap-tc"

# A member's tshark runs the extcap; dumpcap needs no privilege to read its FIFO.
out=$OUT/tshark.pcapng
as_cmd "$U" "$NS_A"
unshare -m --propagation private sh -c \
	'[ ! -d "$0" ] || mount -t tmpfs none "$0" || exit; exec "$@"' "${SYS_EXTCAP:-/nonexistent}" \
	"${AS[@]}" env HOME="$OUT" WIRESHARK_CONFIG_DIR="$WIRESHARK_CONFIG_DIR" timeout 30 \
	tshark -q -i ebpfcap-tc -o extcap.ebpfcap_tc.device:va -f icmp -c 6 -w "$out" >/dev/null 2>&1 &
pid=$!
wait_links 1
ping4 3
wait "$pid"
is "$?" 0 "tshark -i ebpfcap-tc as a member: exit status 0"
is "$(count_packets "$out")" 6 "tshark -i ebpfcap-tc as a member: 3 echo requests and 3 replies"
wait_nothing_attached "$NS_A" va; ok $? "tshark -i ebpfcap-tc as a member: nothing attached afterwards"

# ---- a non-member cannot execute it
run_as "$O" "$NS_A" -i tc:va -w "$OUT/o.pcapng" >"$TEST_TMP/stdout" 2>"$TEST_TMP/stderr"
is "$?" 126 "non-member: cannot execute (126)"
is "$(cat "$TEST_TMP/stderr")" "$BIN: 1: exec: $BIN: Permission denied" \
	"non-member: Permission denied"

# ---- root runs the installed binary as before
out=$TEST_TMP/root.pcapng
bg_a "$BIN" -q -i tc:va -w "$out" icmp
pid=$BG_PID
wait_links 1
ping4 3
wait_packets "$out" 6
stop "$pid"
is "$?" 0 "root: exit status 0"
is "$(count_packets "$out")" 6 "root: 3 echo requests and 3 replies"
wait_nothing_attached "$NS_A" va; ok $? "root: nothing attached afterwards"

# ---- names and filters never reach a shell: as a member, every one refused
# by name, nothing created (cwd is $OUT, so a relative touch would land there)
P=$OUT/pwned
expect_fail "ebpfcap: invalid capture filter \"\$(touch $P)\": can't parse filter expression: syntax error" \
	"filter \$(touch)" "$U" -i tc:va -w "$OUT/x.pcapng" -f "\$(touch $P)"
expect_fail "ebpfcap: invalid capture filter \"\`touch $P\`\": can't parse filter expression: syntax error" \
	"filter \`touch\` as trailing words" "$U" -i tc:va -w "$OUT/x.pcapng" "\`touch $P\`"
expect_fail "ebpfcap: no such device va;id>pw in this network namespace (list them with ebpfcap -D)" \
	"device va;id>pw" "$U" -i "tc:va;id>pw" -w "$OUT/x.pcapng"
expect_fail "ebpfcap: invalid tracepoint \"\$(touch pw)\" (expected -i tp:GROUP:NAME of letters, digits and '_')" \
	"tracepoint \$(touch)" "$U" -i "tp:\$(touch pw)" -w "$OUT/x.pcapng"
expect_fail "ebpfcap: invalid function name \"ip_rcv;touch pw\" (expected letters, digits, '_' and '.')" \
	"function ;touch" "$U" -i "kfunc:ip_rcv;touch pw" -w "$OUT/x.pcapng"
expect_fail "ebpfcap: invalid hook map path \"\$(touch pw)\" (expected an absolute path, e.g. -i xdphook:/sys/fs/bpf/xdp_hook)" \
	"hook map \$(touch)" "$U" -i "xdphook:\$(touch pw)" -w "$OUT/x.pcapng"
: >"$OUT/fifo" && chown "$U" "$OUT/fifo"
expect_fail "ebpfcap: no such device \$(id>pw) in this network namespace (list them with ebpfcap -D)" \
	"extcap device \$(id>pw)" "$U" --extcap-interface ebpfcap-tc --device "\$(id>pw)" --capture \
	--fifo "$OUT/fifo"
expect_fail "ebpfcap: invalid capture filter \"\$(touch $P)\": can't parse filter expression: syntax error" \
	"extcap capture filter \$(touch)" "$U" --extcap-interface ebpfcap-tc --device va \
	--extcap-capture-filter "\$(touch $P)" --capture --fifo "$OUT/fifo"
is "$(run_as "$U" "$NS_A" --extcap-interface ebpfcap-tc --extcap-capture-filter "\$(touch $P)" 2>&1; echo "status $?")" \
	"invalid capture filter \"\$(touch $P)\": can't parse filter expression: syntax error
status 0" "extcap filter check \$(touch): invalid, one line on stdout"
is "$(ls "$OUT" | grep -c pw)" 0 "no command ran: nothing named pw* created"

# ---- without its capabilities (not installed by setcap.sh): which ones, and the fix
AS_BIN=$TEST_TMP/bin/nocaps
install -m 0750 -g "$G" "$EBPFCAP" "$AS_BIN"
expect_fail "ebpfcap: cannot create a 8192 KiB BPF ring buffer: Operation not permitted (run as root, or grant CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN)" \
	"no capabilities" "$U" -i tc:va -w "$OUT/x.pcapng"

# Only the three: the sockets tap names the fourth it needs.
setcap cap_bpf,cap_perfmon,cap_net_admin+p "$AS_BIN"
if [ -d /sys/kernel/tracing/events/syscalls/sys_enter_write ]; then
	run_as "$U" "$NS_A" -i sockets -w "$OUT/x.pcapng" >"$TEST_TMP/stdout" 2>"$TEST_TMP/stderr" </dev/null
	is "$?" 1 "sockets without CAP_DAC_READ_SEARCH: exit status 1"
	is "$(sed -E 's/sys_(enter|exit)_[a-z0-9]+/sys_X/' "$TEST_TMP/stderr")" \
		"ebpfcap: cannot attach to tracepoint syscalls/sys_X: Permission denied (tracefs is readable by root only: grant CAP_DAC_READ_SEARCH, see README \"Running without root\")" \
		"sockets without CAP_DAC_READ_SEARCH: one line naming it"
else
	skip_case "no syscall tracepoints (CONFIG_FTRACE_SYSCALLS)" "sockets without CAP_DAC_READ_SEARCH"
fi

# ---- set-uid root is refused before anything else
if [ -n "$NOSUID" ]; then
	skip_case "$TEST_TMP is on a nosuid mount" "set-uid root refused"
else
	setcap -r "$AS_BIN"
	chown root "$AS_BIN" && chmod 4750 "$AS_BIN"
	for args in "-i tc:va -w $OUT/x.pcapng" "--version" "--extcap-interfaces"; do
		# shellcheck disable=SC2086
		expect_fail "ebpfcap: refusing to run set-uid root (install with file capabilities: see README \"Running without root\")" \
			"set-uid root ($args)" "$U" $args
	done
fi
AS_BIN=
done_testing
