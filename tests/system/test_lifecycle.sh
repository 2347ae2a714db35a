#!/usr/bin/env bash
# Bad input and the end of a capture: one clear line, a non-zero exit and
# nothing left attached; signals leave a valid file; what we do not own
# (another XDP program, someone's clsact qdisc) is left alone.
. "$(dirname "$0")/../lib/common.sh"
need_root
mount_fs
setup_pair || skip_all "cannot create network namespaces"
XDP_PASS_OBJ=$top_builddir/tests/data/xdp_pass.bpf.o

# expect_fail WANT DESC ARGS...: in A, exit 1, stderr exactly WANT (one line), nothing attached.
# AS: a command prefix (e.g. to drop privileges).
AS=()
expect_fail() {
	local want=$1 desc=$2; shift 2
	in_a "${AS[@]}" "$EBPFCAP" "$@" >"$TEST_TMP/stdout" 2>"$TEST_TMP/stderr" </dev/null
	local status=$?
	is "$status" 1 "$desc: exit status 1"
	is "$(cat "$TEST_TMP/stderr")" "$want" "$desc: one line on stderr"
	is "$(wc -c <"$TEST_TMP/stdout")" 0 "$desc: nothing on stdout"
	[ -n "${FOREIGN_XDP:-}" ] || { nothing_attached "$NS_A" va; ok $? "$desc: nothing attached"; }
}

out=$TEST_TMP/out.pcapng
expect_fail "ebpfcap: no such device nosuch0 in this network namespace (list them with ebpfcap -D)" \
	"unknown tc device" -i tc:nosuch0 -w "$out"
expect_fail "ebpfcap: no such device nosuch0 in this network namespace (list them with ebpfcap -D)" \
	"unknown xdp device" -i xdp:nosuch0 -w "$out"
expect_fail "ebpfcap: invalid capture filter \"udp port nosuch\": unknown port 'nosuch'" \
	"invalid filter" -i tc:va -f "udp port nosuch" -w "$out"
expect_fail "ebpfcap: invalid capture filter \"ip and (\": can't parse filter expression: syntax error" \
	"filter syntax error" -i tc:va -w "$out" "ip and ("
ok "$([ ! -e "$out" ]; echo $?)" "bad input leaves no output file"
expect_fail "ebpfcap: snaplen 0 out of range (1 to 262144)" "snaplen 0" -i tc:va -s 0 -w "$out"
expect_fail "ebpfcap: snaplen 262145 out of range (1 to 262144)" "snaplen 262145" -i tc:va -s 262145 -w "$out"
expect_fail "ebpfcap: invalid value \"10x\" for --count: expected a number of at least 1" "junk after a number" -i tc:va -c 10x
expect_fail "ebpfcap: xdp captures ingress only; drop -Q out" "contradictory options" -i xdp:va -Q out
expect_fail "ebpfcap: cannot open /nonexistent/x.pcapng for writing: No such file or directory (create the directory first)" \
	"unwritable output" -i tc:va -w /nonexistent/x.pcapng

# Without privileges: the first BPF call fails, and the message names the fix.
chmod 0777 "$TEST_TMP"
AS=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all)
expect_fail "ebpfcap: cannot create a 8192 KiB BPF ring buffer: Operation not permitted (run as root, or grant CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN)" \
	"unprivileged user" -i tc:va -w "$TEST_TMP/unpriv.pcapng"
AS=()

# Someone else's XDP program stays: ebpfcap traces it (fentry/fexit) instead of
# replacing it; where the kernel does not permit fentry, one line says so and
# points at the hook map.
fixture_in "$NS_A" ip link set dev va xdpgeneric obj "$XDP_PASS_OBJ" sec xdp
foreign=$(in_a ip -d link show va | grep -oE 'prog/xdp id [0-9]+' | awk '{print $3}')
fname=$(bpftool prog show id "$foreign" 2>/dev/null | awk 'NR == 1 { print $4 }')
FOREIGN_XDP=1
if [ -e /sys/bus/event_source/devices/kprobe ] || [ -e /sys/kernel/tracing/kprobe_events ]; then
	skip_case "this kernel may permit fentry (tested by the kernel matrix)" \
		"xdp on a device with a program: refused without fentry"
else
	expect_fail "ebpfcap: cannot trace XDP program $fname (id $foreign) on va: this kernel does not permit fentry/fexit (Operation not permitted); instrument the program with a hook map and capture with -i xdphook:PATH (see ebpfcap_xdp_hook.h)" \
		"xdp on a device with a program, without fentry" -i xdp:va -w "$out" 2>/dev/null
fi
is "$(in_a ip -d link show va | grep -oE 'prog/xdp id [0-9]+' | awk '{print $3}')" "$foreign" \
	"the foreign XDP program is still attached"
in_a ip link set dev va xdpgeneric off
FOREIGN_XDP=

# A capture that ends well: start, traffic, stop; then nothing is left.
# run_and_stop SIGNAL WANT ARGS...: capture ICMP in A, stop with SIGNAL once
# the WANT packets 3 pings make at that tap are written.
run_and_stop() {
	local sig=$1 want=$2; shift 2
	bg_a "$EBPFCAP" -q -w "$out" "$@" icmp 2>"$TEST_TMP/stderr"
	local pid=$BG_PID
	wait_links 1 || return 1
	ping4 3
	wait_packets "$out" "$want" || { kill -KILL "$pid"; return 1; }
	kill "-$sig" "$pid"
	[ "$sig" = KILL ] || { wait_gone "$pid" 10; ok $? "SIG$sig: ebpfcap stopped within one second"; }
	wait "$pid"
}
for sig in TERM INT HUP; do
	run_and_stop $sig 6 -i tc:va
	is "$?" 0 "SIG$sig: exit status 0"
	capinfos "$out" >/dev/null 2>&1
	ok $? "SIG$sig: capinfos reads the file"
	is "$(count_packets "$out")" 6 "SIG$sig: all 6 packets written"
	capinfos "$out" 2>/dev/null | grep -qE 'Number of stat entries = [1-9]'
	ok $? "SIG$sig: interface statistics blocks present"
	nothing_attached "$NS_A" va; ok $? "SIG$sig: nothing attached"
done

# kill -9: the kernel drops our links with the process.
for tap in tc:va xdp:va; do
	want=6; [ $tap = xdp:va ] && want=3	# XDP sees only the replies arriving at va
	run_and_stop KILL $want -i $tap
	nothing_attached "$NS_A" va; ok $? "SIGKILL on $tap: nothing attached"
	is "$(count_packets "$out")" $want \
		"SIGKILL on $tap: packets flushed before the kill are readable"
done

# The reader goes away: ebpfcap stops quietly (EPIPE), exit 0, nothing attached.
# The section header is written once attached, so head has gone before the
# pings: the first packet's write meets EPIPE.
in_a "$EBPFCAP" -q -i tc:va -w - icmp 2>"$TEST_TMP/stderr" | head -c 1 >/dev/null &
pid=$!
wait_links 1
wait_gone $pid
ok $? "reader closed: the reader is gone"
ping4 2
wait_nothing_attached "$NS_A" va; ok $? "reader closed: ebpfcap stopped, nothing attached"
is "$(cat "$TEST_TMP/stderr")" "" "reader closed: no error printed"

# A clsact qdisc that someone else created survives our capture.
in_a tc qdisc add dev va clsact
run_and_stop TERM 6 -i tc:va
is "$(in_a tc qdisc show dev va | grep -c clsact)" 1 "someone else's clsact qdisc is kept"
in_a tc qdisc del dev va clsact

# The clsact fallback (--tc-mode clsact, what kernels before 6.6 get): our
# filters and the qdisc we created go when we stop; a qdisc we found stays.
tc_filters() { in_a tc filter show dev va "$1" | grep -c 'ebc_tc_'; }
clsact_capture() {
	bg_a "$EBPFCAP" -q -i tc:va --tc-mode clsact -w "$out" icmp 2>"$TEST_TMP/stderr"
	local pid=$BG_PID i
	for i in $(seq 100); do
		[ "$(tc_filters ingress)" -ge 1 ] && [ "$(tc_filters egress)" -ge 1 ] && break
		sleep 0.05
	done
	is "$(tc_filters ingress)/$(tc_filters egress)" 1/1 "clsact: one filter each way while capturing"
	ping4 3
	wait_packets "$out" 6
	kill -TERM $pid; wait $pid
	is "$?" 0 "clsact: exit status 0"
	is "$(count_packets "$out")" 6 "clsact: 6 packets"
	is "$(fields "$out" -e frame.interface_description | sort -u)" "tc ingress and egress of va (clsact)" \
		"clsact: the interface description names the mechanism"
	is "$(tc_filters ingress)/$(tc_filters egress)" 0/0 "clsact: our filters are removed"
}
clsact_capture
nothing_attached "$NS_A" va; ok $? "clsact: the qdisc we created is deleted"
in_a tc qdisc add dev va clsact
clsact_capture
is "$(in_a tc qdisc show dev va | grep -c clsact)" 1 "clsact: a qdisc we found is kept"
in_a tc qdisc del dev va clsact

# Neither tap needs bpffs or kernel BTF: hide both in a private mount namespace.
hidden() {
	exec unshare -m bash -c '
		umount /sys/fs/bpf 2>/dev/null
		mount -t tmpfs none /sys/kernel/btf
		! [ -e /sys/kernel/btf/vmlinux ] || exit 3
		exec "$@"' hidden "$@"
}
hidden nsenter --net="/run/netns/$NS_A" "$EBPFCAP" -q -i tc:va -w "$out" icmp 2>"$TEST_TMP/stderr" &
pid=$!
wait_links 1
ping4 3
wait_packets "$out" 6
kill -TERM $pid 2>/dev/null; wait $pid
is "$?" 0 "without bpffs and BTF: capture works"
is "$(count_packets "$out")" 6 "without bpffs and BTF: 6 packets"

# Extcap: an error during --capture still opens the FIFO first (tshark 4.0 hangs otherwise).
mkfifo "$TEST_TMP/fifo"
cat "$TEST_TMP/fifo" >"$TEST_TMP/fifo.out" &
reader=$!
in_a "$EBPFCAP" --capture --extcap-interface ebpfcap-tc --device va --fifo "$TEST_TMP/fifo" \
	--extcap-capture-filter "udp port nosuch" >"$TEST_TMP/stdout" 2>"$TEST_TMP/stderr"
is "$?" 1 "extcap capture with a bad filter: exit 1"
is "$(cat "$TEST_TMP/stderr")" "ebpfcap: invalid capture filter \"udp port nosuch\": unknown port 'nosuch'" \
	"extcap capture with a bad filter: the error on stderr"
wait_gone $reader
ok $? "extcap capture with a bad filter: the FIFO was opened and closed"
cat "$TEST_TMP/fifo" >/dev/null &
reader=$!
in_a "$EBPFCAP" --capture --extcap-interface ebpfcap-tc --device va --fifo "$TEST_TMP/fifo" \
	--snaplen 0 >/dev/null 2>"$TEST_TMP/stderr"
is "$?" 1 "extcap capture with a bad option: exit 1"
wait_gone $reader
ok $? "extcap capture with a bad option: the FIFO was opened and closed"
nothing_attached "$NS_A" va; ok $? "extcap errors: nothing attached"
done_testing
