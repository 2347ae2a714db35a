#!/usr/bin/env bash
# kill -9 during a capture, on every hook kind this kernel has: once the
# capture is attached and has written packets, SIGKILL, then what the kernel
# shows is what it showed before: in our namespaces bpftool net, qdiscs and tc
# filters exactly, and the hook map's slots; none of the links, programs and
# maps the capture held exists; on the machine (other tests run at the same
# time) no new ebc_ program, link or cgroup attachment that no process holds,
# and no new entry in bpffs. The two legacy attachments (a clsact filter, hook
# map slots whose reaper died too) stay after the kill, and the next start
# removes them, and only them.
. "$(dirname "$0")/../lib/common.sh"
need_root
command -v bpftool >/dev/null || skip_all "needs bpftool"
mount_fs
FIXTURE=$top_builddir/tests/data/xdp_rule.bpf.o
[ -f "$FIXTURE" ] || skip_all "fixture $FIXTURE not built (make check)"
CGROOT=$(findmnt -n -t cgroup2 -o TARGET | head -1)
[ -n "$CGROOT" ] || skip_all "needs a cgroup v2 hierarchy"
setup_pair || skip_all "cannot create network namespaces"
PIN=/sys/fs/bpf/ebc-test-$$
trap 'cleanup_ns; rm -rf "$PIN"' EXIT
bpffs_loadall "$PIN" "$FIXTURE" || skip_all "cannot load $FIXTURE with bpftool"
in_b bpftool net attach xdpgeneric pinned "$PIN/progs/xdp_rule" dev vb ||
	skip_all "cannot attach the fixture to vb"
HOOK=$PIN/xdp_hook
out=$TEST_TMP/k.pcapng

# The BPF ids (prog, link, map) live processes hold, one per line: other
# tests' captures and loaders running at the same time.
live_ids() {	# live_ids prog|link|map
	grep -h "^$1_id:" /proc/[0-9]*/fdinfo/* 2>/dev/null | awk '{ print $2 }' | sort -u
}
# What PID holds: "prog N", "link N", "map N" lines (a link's program included).
held_ids() {
	grep -hE '^(prog|link|map)_id:' /proc/"$1"/fdinfo/* 2>/dev/null |
		sed -E 's/_id:\s+/ /' | sort -u
}
map_ids() { bpftool map show 2>/dev/null | awk -F: '/^[0-9]+:/ { print $1 }'; }

# Of the machine-wide lists, what no live process holds: our leftovers and
# whatever else was there, never another capture running at the same time.
ebc_state() {
	local live progs p l
	progs=$(bpftool prog show 2>/dev/null | awk '/^[0-9]+: / && / name ebc_/ { sub(":", "", $1); print $1 }' | xargs)
	live=" $(live_ids prog | xargs) "
	echo "== ebc_ programs no process holds"
	for p in $progs; do [[ $live == *" $p "* ]] || echo "prog $p"; done
	echo "== links of those"
	bpftool link show 2>/dev/null | awk '/^[0-9]+: / { for (i = 2; i < NF; i++) if ($i == "prog") print $1, $(i + 1) }' |
		while read -r l p; do
			[[ " $progs " == *" $p "* && $live != *" $p "* ]] && echo "link $l prog $p"
		done
	echo "== cgroup $CGROOT"
	bpftool cgroup show "$CGROOT" 2>/dev/null | awk -v live="$live" 'NR > 1 && !($NF ~ /^ebc_/ && index(live, " " $1 " "))'
}

# Everything the test compares: our namespaces and the hook map in full
# (snapshot), the machine filtered (ebc_state and bpffs, snapshot_machine).
snapshot() {
	local ns dev d
	for ns in a b; do
		dev=v$ns
		echo "== bpftool net in $ns"; "in_$ns" bpftool net
		echo "== qdiscs on $dev"; "in_$ns" tc qdisc show dev "$dev"
		for d in ingress egress; do
			echo "== tc filters on $dev $d"; "in_$ns" tc filter show dev "$dev" "$d"
		done
	done
	echo "== hook map slots"; hook_keys "$HOOK"
}
snapshot_machine() {
	ebc_state
	# bpffs, less the pins of other tests running at the same time
	echo "== bpffs"; find /sys/fs/bpf -mindepth 1 2>/dev/null | sort |
		grep -vE "^/sys/fs/bpf/ebc-test-([0-9]+)(/|$)" ; find "$PIN" 2>/dev/null | sort
}

# BEFORE and BEFORE_M: the snapshots before a case.
take_before() { BEFORE=$(snapshot) BEFORE_M=$(snapshot_machine); }
# Lines of the machine's lists that were not there before: ours, left behind
# (lines that went are other tests' captures ending).
new_lines() { comm -13 <(echo "$BEFORE_M" | sort) <(snapshot_machine | sort); }
# Our namespaces and the hook map exactly as before, nothing new on the machine.
# The kernel frees a dead process's objects a little later: wait (bounded, 5 s).
same_as() {	# same_as DESCRIPTION
	local now added i
	for i in $(seq 100); do
		now=$(snapshot) added=$(new_lines)
		[ "$now" = "$BEFORE" ] && [ -z "$added" ] && break
		sleep 0.05
	done
	[ "$now" = "$BEFORE" ] && [ -z "$added" ]
	ok $? "$1"
	[ "$now" = "$BEFORE" ] || diff <(echo "$BEFORE") <(echo "$now") | sed 's/^/#   /'
	[ -z "$added" ] || echo "$added" | sed 's/^/#   new: /'
}

# Wait (bounded, 10 s) until none of the ids in HELD exists, maps that existed
# before the capture (MAPS_BEFORE: the hook map) aside.
wait_ids_gone() {	# wait_ids_gone HELD MAPS_BEFORE
	local i kind id left
	for i in $(seq 200); do
		left=""
		while read -r kind id; do
			[ -n "$id" ] || continue
			[ "$kind" = map ] && [[ " $(echo $2) " == *" $id "* ]] && continue
			bpftool "$kind" show id "$id" >/dev/null 2>&1 && left="$left $kind $id"
		done <<<"$1"
		[ -z "$left" ] && return 0
		sleep 0.05
	done
	echo "# still there:$left"
	return 1
}

# Wait (bounded, 10 s) until COND (a command) holds; fails at once when PID exited.
wait_until() {	# wait_until PID COND...
	local pid=$1 i; shift
	for i in $(seq 200); do
		"$@" && return 0
		kill -0 "$pid" 2>/dev/null || { echo "# ebpfcap $pid exited: $(head -1 "$out.err")"; return 1; }
		sleep 0.05
	done
	echo "# timed out waiting for: $*"
	return 1
}
links_of() { grep -lE "^link_type:\s*$2$" /proc/"$1"/fdinfo/* 2>/dev/null | wc -l; }
has_links() { [ "$(links_of "$1" "$2")" -ge "$3" ]; }		# has_links PID TYPE N
hook_has() { [ "$(hook_entries "$HOOK")" -ge "$1" ]; }
# The program ids in the hook map's filled slots, by slot.
hook_ids() {
	bpftool map dump pinned "$HOOK" 2>/dev/null | sed -n 's/.*value: *//p' |
		while read -r a b c d; do echo $((16#$a + 16#$b * 256 + 16#$c * 65536 + 16#$d * 16777216)); done | xargs
}
# Whether the hook's slots hold N programs, all PID's.
hook_mine() {	# hook_mine N PID
	local ids id n=0
	ids=" $(grep -h '^prog_id:' /proc/"$2"/fdinfo/* 2>/dev/null | awk '{ print $2 }' | xargs) "
	for id in $(hook_ids); do
		[[ $ids == *" $id "* ]] || return 1
		n=$((n + 1))
	done
	[ "$n" -eq "$1" ]
}
# The clsact filters on va running programs PID holds: "ingress egress" counts.
filters_of() {
	local ids d n out=""
	ids=$(grep -h '^prog_id:' /proc/"$1"/fdinfo/* 2>/dev/null | awk '{ print $2 }' | sort -u | xargs)
	for d in ingress egress; do
		n=0
		for id in $ids; do
			in_a tc filter show dev va "$d" | grep -q " id $id " && n=$((n + 1))
		done
		out="$out $n"
	done
	echo "${out# }"
}
ebc_filters() { in_a tc filter show dev va "$1" | grep -c ' handle 0xebc ebc_tc_'; }

# kill_case NAME NS "READY" "SEND" WANT ARGS...: ebpfcap ARGS in NS (a or b),
# writing to $out (stdout when STDOUT=1); once READY (a command, given the pid
# as its first argument) holds, SEND runs and WANT packets are written, kill -9.
# Then nothing it held exists and the snapshot is the one from before.
kill_case() {
	local name=$1 ns=$2 ready=$3 send=$4 want=$5 maps held pid; shift 5
	rm -f "$out"
	take_before; maps=$(map_ids)
	if [ "${STDOUT:-}" = 1 ]; then
		"bg_$ns" "$EBPFCAP" -q -w - "$@" >"$out" 2>"$out.err"
	else
		"bg_$ns" "$EBPFCAP" -q -w "$out" "$@" 2>"$out.err"
	fi
	pid=$BG_PID
	wait_until "$pid" $ready "$pid"
	ok $? "$name: attached"
	eval "$send"
	wait_packets "$out" "$want"
	ok $? "$name: $want packets written"
	held=$(held_ids "$pid")
	kill -KILL "$pid"; wait "$pid" 2>/dev/null
	wait_ids_gone "$held" "$maps"
	ok $? "$name: after kill -9, no program, link or map it held exists ($(echo "$held" | wc -l) ids)"
	same_as "$name: after kill -9, everything as before"
}

# READY conditions, given the capture's pid last.
has_links_n() { has_links "$3" "$1" "$2"; }	# has_links_n TYPE N PID
trace_ready() { [ -n "$(trace_links "$1")" ]; }
hook_has_n() { hook_has "$1"; }			# hook_has_n N PID

kill_case "tc, both directions" a "has_links_n tcx 2" "ping4 3" 6 -i tc:va icmp
kill_case "tc egress" a "has_links_n tcx 1" "ping4 3" 3 -i tc:va -Q out icmp
STDOUT=1 kill_case "tc, to stdout" a "has_links_n tcx 2" "ping4 3" 6 -i tc:va icmp
kill_case "xdp" a "has_links_n xdp 1" "ping4 3" 3 -i xdp:va icmp
kill_case "drops" b trace_ready "send_udp4 40001 5" 5 -i drops -f "udp port 40001"
kill_case "tp:net:netif_receive_skb" b trace_ready "send_udp4 40002 5" 5 \
	-i tp:net:netif_receive_skb -f "udp port 40002"
kill_case "sockets" b "has_links_n perf 20" "tcp_send4 40701 /etc/hostname" 1 \
	-i sockets -f "tcp port 40701"
# --pid: cgroup programs at the cgroup root name each packet's process. The
# pinger opens its socket once the capture runs (a FIFO lets it go).
mkfifo "$TEST_TMP/go"
bg_a bash -c 'read -r _ <"$0"; exec ping -q -c 3 -i 0.05 -W 1 198.18.0.2' "$TEST_TMP/go" >/dev/null
pinger=$BG_PID
# Ready: the cgroup links, then (attached after them) both tcx links. The 3
# echo requests leave ping's socket.
owners_ready() { has_links "$1" cgroup 1 && has_links "$1" tcx 2; }
kill_case "tc --pid (cgroup programs)" a owners_ready "echo >$TEST_TMP/go" 3 \
	-i tc:va --pid "$pinger" icmp
wait "$pinger"

# The hook map: kill -9 of ebpfcap alone, then of its whole process group
# (setsid: its own group); its reaper, in a session of its own, empties the
# slots either way.
hook_mix() { send_udp4 40100 3; }	# the fixture drops 40100
kill_case "xdphook --verdicts drop" b "hook_has_n 1" hook_mix 3 -i "xdphook:$HOOK" --verdicts drop
take_before
bg_b setsid "$EBPFCAP" -q -w "$out" -i "xdphook:$HOOK" 2>"$out.err"
pid=$BG_PID
wait_until "$pid" hook_has 5
ok $? "xdphook, process group: all 5 slots filled"
hook_mix; wait_packets "$out" 3
reaper=$(pgrep -P "$pid" -x ebpfcap-reaper)
is "$(ps -o pgid= -p "$pid" | xargs)" "$pid" "xdphook, process group: ebpfcap leads its own group"
kill -KILL -- "-$pid"; wait "$pid" 2>/dev/null
wait_hook_empty "$HOOK"
ok $? "xdphook, process group killed: the reaper ($reaper) survived and emptied the hook"
wait_gone "$reaper"; ok $? "xdphook, process group killed: the reaper ended"
same_as "xdphook, process group killed: everything as before"

# The reaper killed too: the slots stay filled (a prog array keeps what is in
# it); the next start empties exactly those, then fills them with its own.
take_before
bg_b "$EBPFCAP" -q -w "$out" -i "xdphook:$HOOK" --verdicts drop,pass 2>"$out.err"
pid=$BG_PID
wait_until "$pid" hook_has 2
ok $? "xdphook, reaper killed too: slots 1 and 2 filled"
dead_slots=$(hook_ids)
reaper=$(pgrep -P "$pid" -x ebpfcap-reaper)
kill -KILL "$pid" "$reaper"; wait "$pid" 2>/dev/null
wait_gone "$reaper"
is "$(hook_keys "$HOOK")" "1 2" "xdphook, reaper killed too: its 2 slots stay filled"
bg_b "$EBPFCAP" -q -v -w "$out" -i "xdphook:$HOOK" --verdicts drop 2>"$out.err"
pid=$BG_PID
wait_until "$pid" hook_mine 1 "$pid"
ok $? "xdphook, next start: the hook holds the new capture's program only (the stale ones were $dead_slots)"
is "$(hook_keys "$HOOK")" "1" "xdphook, next start: the stale slots emptied, its own filled"
kill -TERM "$pid"; wait "$pid"
is "$?" 0 "xdphook, next start: exit status 0"
is "$(grep -c 'emptied slot .* filled by ebpfcap .*, no longer running' "$out.err")" 2 \
	"xdphook, next start: the 2 emptied slots logged at info level"
wait_hook_empty "$HOOK"
same_as "xdphook, after the next capture: everything as before"

# The clsact fallback: the filters (handle 0xebc) and the qdisc we created
# outlive a kill; the next start removes them, and only them.
take_before
bg_a "$EBPFCAP" -q -w "$out" -i tc:va --tc-mode clsact icmp 2>"$out.err"
pid=$BG_PID
wait_until "$pid" eval '[ "$(filters_of '"$pid"')" = "1 1" ]'
ok $? "clsact: one filter each way"
ping4 3; wait_packets "$out" 6
ok $? "clsact: 6 packets written"
held=$(held_ids "$pid")
kill -KILL "$pid"; wait "$pid" 2>/dev/null
is "$(ebc_filters ingress)/$(ebc_filters egress)/$(in_a tc qdisc show dev va | grep -c clsact)" "1/1/1" \
	"clsact, after kill -9: its 2 filters and the qdisc stay (legacy)"
# Someone else's filter on the same qdisc stays: so does the qdisc then.
# (classic BPF returning 0: no match, the packet goes on)
in_a tc filter add dev va ingress pref 7 bpf bytecode '1,6 0 0 0,'
bg_a "$EBPFCAP" -q -v -w "$out" -i tc:va --tc-mode clsact icmp 2>"$out.err"
pid2=$BG_PID
wait_until "$pid2" eval '[ "$(filters_of '"$pid2"')" = "1 1" ]'
ok $? "clsact, next start: attached"
is "$(ebc_filters ingress)/$(ebc_filters egress)" "1/1" "clsact, next start: only its own filters, the stale ones removed"
wait_ids_gone "$(grep '^prog' <<<"$held")" ""
ok $? "clsact, next start: the killed capture's programs are gone"
is "$(in_a tc filter show dev va ingress | grep -c 'pref 7 bpf .* handle ')" 1 "clsact, next start: someone else's filter stays"
ping4 2; wait_packets "$out" 4
ok $? "clsact, next start: 4 packets written"
kill -TERM "$pid2"; wait "$pid2"
is "$?" 0 "clsact, next start: exit status 0"
is "$(grep -c 'removed a stale tc filter of ebpfcap '"$pid"', no longer running, from va ' "$out.err")" 2 \
	"clsact, next start: the 2 removals logged at info level"
is "$(in_a tc qdisc show dev va | grep -c clsact)/$(ebc_filters ingress)/$(ebc_filters egress)" "1/0/0" \
	"clsact, after it: the qdisc with someone else's filter stays, no filter of ours"
in_a tc filter del dev va ingress pref 7
in_a tc qdisc del dev va clsact
same_as "clsact, after removing the foreign filter: everything as before"
# Without a foreign filter the next start removes the qdisc the killed one created.
bg_a "$EBPFCAP" -q -w "$out" -i tc:va --tc-mode clsact icmp 2>"$out.err"
pid=$BG_PID
wait_until "$pid" eval '[ "$(filters_of '"$pid"')" = "1 1" ]'
kill -KILL "$pid"; wait "$pid" 2>/dev/null
# The next start is an extcap (as Wireshark runs it): the cleanup goes to the
# log file at info level, nothing to stderr (Wireshark shows stderr as an error).
mkfifo "$TEST_TMP/fifo"
cat "$TEST_TMP/fifo" >"$out" &
reader=$!
bg_a "$EBPFCAP" --capture --extcap-interface ebpfcap-tc --device va --tc-mode clsact \
	--fifo "$TEST_TMP/fifo" --log-level info --log-file "$TEST_TMP/log" >/dev/null 2>"$out.err"
pid2=$BG_PID
wait_until "$pid2" eval '[ "$(filters_of '"$pid2"')" = "1 1" ]'
is "$(ebc_filters ingress)/$(ebc_filters egress)" "1/1" "clsact, second kill: only the new capture's filters"
kill -TERM "$pid2"; wait "$pid2"
is "$?" 0 "clsact, second kill, extcap: exit status 0"
wait "$reader"
is "$(grep -c "removed the clsact qdisc that ebpfcap $pid, no longer running, created on va" "$TEST_TMP/log")/$(grep -c "removed a stale tc filter of ebpfcap $pid" "$TEST_TMP/log")" 1/2 \
	"clsact, second kill, extcap: the stale qdisc and 2 filters removed, logged to the log file"
is "$(wc -c <"$out.err")" 0 "clsact, second kill, extcap: nothing on stderr"
same_as "clsact, after the next capture: everything as before (the qdisc it created went with it)"

# A record whose owner lives is left alone: a live capture's filters survive another start.
bg_a "$EBPFCAP" -q -w "$out" -i tc:va --tc-mode clsact icmp 2>"$out.err"
pid=$BG_PID
wait_until "$pid" eval '[ "$(filters_of '"$pid"')" = "1 1" ]'
bg_a "$EBPFCAP" -q -w "$out.2" -i tc:va --tc-mode clsact icmp 2>"$out.err2"
pid2=$BG_PID
wait_until "$pid2" eval '[ "$(filters_of '"$pid2"')" = "1 1" ]'
is "$(filters_of "$pid")/$(ebc_filters ingress)" "1 1/2" "clsact: a second capture leaves the live one's filters"
kill -TERM "$pid" "$pid2"; wait "$pid" "$pid2"
same_as "clsact, two live captures stopped: everything as before"

# A start in another network namespace leaves A's stale filters to A's next start.
take_before
bg_a "$EBPFCAP" -q -w "$out" -i tc:va --tc-mode clsact icmp 2>"$out.err"
pid=$BG_PID
wait_until "$pid" eval '[ "$(filters_of '"$pid"')" = "1 1" ]'
kill -KILL "$pid"; wait "$pid" 2>/dev/null
bg_b "$EBPFCAP" -q -w "$out.b" -i tc:vb icmp 2>"$out.err2"
pid2=$BG_PID
wait_until "$pid2" has_links "$pid2" tcx 2	# swept before attaching
is "$(ebc_filters ingress)/$(ebc_filters egress)" "1/1" "clsact: a start in B leaves the stale filters in A"
kill -TERM "$pid2"; wait "$pid2"
bg_a "$EBPFCAP" -q -w "$out" -i tc:va icmp 2>"$out.err"
pid2=$BG_PID
wait_until "$pid2" has_links "$pid2" tcx 2
is "$(ebc_filters ingress)/$(ebc_filters egress)" "0/0" "clsact: a start in A (tcx) removes them"
kill -TERM "$pid2"; wait "$pid2"
same_as "clsact, stale in A, starts in B then A: everything as before"

# Kernel functions cannot be traced here: one line, nothing attached.
take_before
if [ -e /sys/kernel/tracing/kprobe_events ]; then
	skip_case "this kernel has kprobes" "kfunc: refused"
else
	in_b "$EBPFCAP" -q -w "$out" -i kfunc:ip_rcv >"$TEST_TMP/stdout" 2>"$out.err"
	is "$?" 1 "kfunc: exit status 1"
	is "$(cat "$out.err")" "ebpfcap: cannot trace function ip_rcv: this kernel has no kprobes (CONFIG_KPROBES) and does not permit fentry (Operation not permitted); try a tracepoint such as -i tp:net:netif_receive_skb" \
		"kfunc: the one-line refusal"
fi
same_as "kfunc: everything as before"

is "$(our_pids | xargs)" "" "no ebpfcap left running in our namespaces"
in_b bpftool net detach xdpgeneric dev vb
rm -rf "$PIN"
nothing_attached "$NS_B" vb; ok $? "nothing attached on vb, nothing left in bpffs"
done_testing
