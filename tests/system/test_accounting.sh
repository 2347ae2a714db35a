#!/usr/bin/env bash
# A ring that overflows, on every kind of tap: what each hook saw is exactly
# what was written plus what was dropped, and the drops are reported in the
# summary, in-band (epb_dropcount) and in the interface statistics blocks
# (read by tests/lib/pcapng_isb.py: tshark cannot print them).
. "$(dirname "$0")/../lib/common.sh"
need_root
command -v python3 >/dev/null || skip_all "needs python3"
mount_fs
setup_pair || skip_all "cannot create network namespaces"
ISB="python3 $top_srcdir/tests/lib/pcapng_isb.py"
SENT=3000

# overload NAME WAIT IFACES... -- ARGS...: capture ICMP in A with a 1 MiB
# ring and ARGS; WAIT is "links N" or "trace" (how to know it is attached).
# IFACES are "IF_NAME=SEEN", what each interface's hook must see: the
# consumer is stopped while ping floods, so most packets must be dropped.
# A 1 MiB ring holds about 490 records of 1442-byte packets.
overload() {
	local name=$1 wait=$2; shift 2
	local want=() ifc
	while [ "$1" != -- ]; do want+=("$1"); shift; done
	shift
	bg_a "$EBPFCAP" --ring-size 1 -w "$out" "$@" icmp 2>"$TEST_TMP/stderr"
	local pid=$BG_PID
	case $wait in
	trace) wait_trace_link "$pid" ;;
	*) wait_links "${wait#links }" ;;
	esac || { kill -KILL "$pid"; wait "$pid"; ok 1 "$name: capture started"; return; }
	kill -STOP "$pid"
	# Pinned to one CPU: drops are counted per CPU, and the next packet seen
	# on that CPU after the overflow carries them in its epb_dropcount.
	in_a taskset -c 0 ping -q -f -c $SENT -s 1400 198.18.0.2 >"$TEST_TMP/ping"
	kill -CONT "$pid"
	in_a taskset -c 0 ping -q -c 1 198.18.0.2 >/dev/null
	kill -TERM "$pid"
	wait "$pid"
	is "$?" 0 "$name: exit status 0 after an overflow"
	grep -q ' 0% packet loss' "$TEST_TMP/ping"
	ok $? "$name: every echo request was answered"

	local summary captured dropped sum=0
	summary=$(cat "$TEST_TMP/stderr")
	captured=$(echo "$summary" | sed -nE 's/^([0-9]+) packets captured, ([0-9]+) dropped$/\1/p')
	dropped=$(echo "$summary" | sed -nE 's/^([0-9]+) packets captured, ([0-9]+) dropped$/\2/p')
	ok "$([ -n "$captured" ] && [ -n "$dropped" ]; echo $?)" "$name: summary line: $summary"
	for ifc in "${want[@]}"; do sum=$((sum + ${ifc#*=})); done
	is "$((captured + dropped))" "$sum" "$name: captured + dropped = every packet the hooks saw ($sum)"
	ok "$([ "${dropped:-0}" -gt 0 ]; echo $?)" "$name: the overflow dropped packets ($dropped)"
	is "$(count_packets "$out")" "$captured" "$name: the file holds every captured packet"
	local inband
	inband=$(fields "$out" -e frame.drop_count | awk '{ s += $1 } END { print s + 0 }')
	is "$inband" "$dropped" "$name: epb_dropcount reports every drop in-band"

	# Per interface, from the last statistics block: the hook saw ifrecv, the
	# filter (icmp: everything here) accepted all of it, usrdeliv reached
	# the file, osdrop was lost, and the two add up.
	local got expect="" seen
	got=$($ISB "$out")
	ok $? "$name: the file is whole blocks only"
	for ifc in "${want[@]}"; do
		seen=${ifc#*=}
		expect+="${ifc%%=*} seen=$seen accepted=$seen usrdeliv+osdrop=$seen file=usrdeliv epb_dropcount=osdrop"$'\n'
	done
	is "$(echo "$got" | awk '{
		for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		printf "%s seen=%s accepted=%s usrdeliv+osdrop=%d file=%s epb_dropcount=%s\n", $1,
			v["ifrecv"], v["filteraccept"], v["usrdeliv"] + v["osdrop"],
			v["packets"] == v["usrdeliv"] ? "usrdeliv" : v["packets"] " vs " v["usrdeliv"],
			v["dropcount"] == v["osdrop"] ? "osdrop" : v["dropcount"] " vs " v["osdrop"] }')" \
		"${expect%$'\n'}" "$name: statistics blocks: seen = accepted = written + dropped, per interface"
	is "$(echo "$got" | awk '{ for (i = 2; i <= NF; i++) { split($i, kv, "=");
			if (kv[1] == "usrdeliv") u += kv[2]; if (kv[1] == "osdrop") o += kv[2] } }
		END { print u + 0, o + 0 }')" "$captured $dropped" \
		"$name: statistics blocks add up to the summary line"
	nothing_attached "$NS_A" va; ok $? "$name: nothing attached"
}

out=$TEST_TMP/out.pcapng
overload "tc egress" "links 1" "tc:va=$((SENT + 1))" -- -i tc:va -Q out
overload "tc both ways" "links 1" "tc:va=$((2 * (SENT + 1)))" -- -i tc:va
overload "xdp" "links 1" "xdp:va=$((SENT + 1))" -- -i xdp:va
# Every echo request A sends passes net_dev_queue on va, with its MAC header.
if [ -e /sys/kernel/btf/vmlinux ]; then
	overload "tracepoint" trace "tp:net:net_dev_queue=$((SENT + 1))" "tp:net:net_dev_queue:ip=0" -- \
		-i tp:net:net_dev_queue
else
	skip_case "no kernel BTF (/sys/kernel/btf/vmlinux): no trace taps" "tracepoint: overload accounting"
fi
done_testing
