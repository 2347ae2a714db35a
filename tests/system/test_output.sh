#!/usr/bin/env bash
# Valid output whatever happens: ebpfcap killed (SIGTERM, SIGKILL) in the
# middle of a flood, writing to a file, to stdout redirected to a file and to
# a pipe; tshark and its dumpcap killed while they run ebpfcap as an extcap;
# a full disk; a FIFO reader that goes away. Every file must read with
# capinfos and tshark -r without a word, and consist of whole blocks
# (tests/lib/pcapng_isb.py); ebpfcap must end by itself with nothing attached.
. "$(dirname "$0")/../lib/common.sh"
need_root
command -v capinfos >/dev/null || skip_all "needs capinfos"
command -v python3 >/dev/null || skip_all "needs python3"
mount_fs
setup_pair || skip_all "cannot create network namespaces"
ISB="python3 $top_srcdir/tests/lib/pcapng_isb.py"
FULL=$TEST_TMP/full
trap 'mountpoint -q "$FULL" && umount "$FULL"; cleanup_ns' EXIT
out=$TEST_TMP/out.pcapng

# Continuous traffic, B to A, bounded: 1028-byte echo requests as fast as
# the replies come, for at most 30 s.
flood_start() { bg_b timeout 30 ping -q -f -c 1000000 -s 1000 198.18.0.1 >/dev/null; FLOOD=$BG_PID; }
flood_stop() { kill -INT "$FLOOD" 2>/dev/null; wait "$FLOOD" 2>/dev/null; }

# Wait (bounded, 10 s) until FILE holds at least BYTES.
wait_size() {	# wait_size FILE BYTES
	local i
	for i in $(seq 200); do
		[ "$(stat -c %s "$1" 2>/dev/null || echo 0)" -ge "$2" ] && return 0
		sleep 0.05
	done
	echo "# timed out waiting for $2 bytes in $1 (have $(stat -c %s "$1" 2>/dev/null))"
	return 1
}

# readable NAME FILE: capinfos and tshark -r read all of FILE without an
# error, and FILE is whole pcapng blocks; ISB_OUT is the statistics per
# interface. tshark's warning about running as root is not an error.
readable() {
	local name=$1 file=$2 rc
	capinfos "$file" >/dev/null 2>"$TEST_TMP/capinfos.err"
	rc=$?
	is "$rc $(cat "$TEST_TMP/capinfos.err")" "0 " "$name: capinfos reads the whole file"
	tshark -r "$file" >/dev/null 2>"$TEST_TMP/tshark.err"
	rc=$?
	is "$rc $(grep -v '^Running as user "root"' "$TEST_TMP/tshark.err")" "0 " \
		"$name: tshark -r reads the whole file"
	ISB_OUT=$($ISB "$file" 2>&1)
	ok $? "$name: whole blocks only${ISB_OUT:+ ($(echo "$ISB_OUT" | head -1))}"
}
# A field of the first interface's line in ISB_OUT (packets, isbs, usrdeliv...).
isb_field() { echo "$ISB_OUT" | head -1 | tr ' ' '\n' | sed -n "s/^$1=//p"; }

# kill_capture SIG TARGET: ebpfcap captures ICMP at tc:va while B floods and
# is killed with SIG once 300 KB are out. TARGET: file (-w FILE), stdout
# (-w - >FILE) or pipe (-w - into a pipe that cat copies to FILE). RC is
# ebpfcap's exit status.
kill_capture() {
	local sig=$1 target=$2 pid reader=""
	rm -f "$out" "$TEST_TMP/pipe"
	case $target in
	file) bg_a "$EBPFCAP" -q -i tc:va -w "$out" icmp 2>"$TEST_TMP/stderr" ;;
	stdout) bg_a "$EBPFCAP" -q -i tc:va -w - icmp >"$out" 2>"$TEST_TMP/stderr" ;;
	pipe)
		mkfifo "$TEST_TMP/pipe"
		cat "$TEST_TMP/pipe" >"$out" &
		reader=$!
		bg_a "$EBPFCAP" -q -i tc:va -w - icmp >"$TEST_TMP/pipe" 2>"$TEST_TMP/stderr" ;;
	esac
	pid=$BG_PID
	wait_links 1
	flood_start
	wait_size "$out" 300000
	kill "-$sig" "$pid"
	wait "$pid"
	RC=$?
	flood_stop
	[ -z "$reader" ] || wait "$reader"
}

for target in file stdout pipe; do
	name="SIGTERM, $target"
	kill_capture TERM $target
	is "$RC" 0 "$name: exit status 0"
	is "$(cat "$TEST_TMP/stderr")" "" "$name: nothing on stderr"
	readable "$name" "$out"
	is "$(isb_field isbs)" 1 "$name: the final statistics block is there"
	is "$(isb_field packets)" "$(isb_field usrdeliv)" "$name: every packet counted as written is in the file"
	nothing_attached "$NS_A" va; ok $? "$name: nothing attached"
	# SIGKILL lands at a different moment of the writes each round.
	for round in 1 2 3; do
		name="SIGKILL $round, $target"
		kill_capture KILL $target
		is "$RC" 137 "$name: killed"
		readable "$name" "$out"
		ok "$([ "$(isb_field packets)" -gt 0 ]; echo $?)" "$name: packets flushed before the kill ($(isb_field packets))"
		nothing_attached "$NS_A" va; ok $? "$name: nothing attached"
	done
done

# tshark runs ebpfcap as an extcap; its dumpcap reads the FIFO and writes -w.
wireshark_conf
# extcap_kill WHO SIG: tshark captures ICMP with ebpfcap-tc on va while B
# floods; WHO (tshark or dumpcap) gets SIG once 300 KB are in the file.
extcap_kill() {
	local who=$1 sig=$2 ts ext dc victim name="SIG$2 of $1"
	F=$TEST_TMP/ts-$who-$sig.pcapng
	bg_a tshark -q -i ebpfcap-tc -o extcap.ebpfcap_tc.device:va -f icmp -w "$F" 2>"$F.err"
	ts=$BG_PID
	wait_links 1
	ext=$(pgrep -P "$ts" -f -- '--capture --extcap-interface' | head -1)
	dc=$(pgrep -P "$ts" -x dumpcap | head -1)
	ok "$([ -n "$ext" ] && [ -n "$dc" ]; echo $?)" "$name: tshark runs ebpfcap ($ext) and dumpcap ($dc)"
	flood_start
	wait_size "$F" 300000
	victim=$ts; [ "$who" = dumpcap ] && victim=$dc
	kill "-$sig" "$victim"
	wait_gone "$ext"
	ok $? "$name: ebpfcap ends by itself"
	wait_nothing_attached "$NS_A" va; ok $? "$name: nothing attached"
	wait_gone "$ts" || { echo "# tshark $ts still runs: killed"; kill -KILL "$ts"; }
	wait "$ts"
	wait_gone "$dc"
	ok $? "$name: dumpcap ends"
	flood_stop
	if [ "$who/$sig" = dumpcap/KILL ] && ! $ISB "$F" >/dev/null 2>&1; then
		skip_case "dumpcap writes its file through a stdio buffer, and SIGKILL leaves a partial last block there: $($ISB "$F" 2>&1)" \
			"$name: Wireshark's own file after SIGKILL of dumpcap"
		return
	fi
	readable "$name: tshark -w" "$F"
	ok "$([ "$(isb_field packets)" -gt 0 ]; echo $?)" "$name: packets in tshark's file ($(isb_field packets))"
}
for who in tshark dumpcap; do
	for sig in TERM KILL; do
		extcap_kill $who $sig
	done
done

# The reader of the extcap FIFO goes away mid-capture (dumpcap stopped):
# ebpfcap stops quietly, exit 0, nothing on stdout or stderr.
mkfifo "$TEST_TMP/xfifo"
head -c 200000 "$TEST_TMP/xfifo" >/dev/null &
reader=$!
bg_a "$EBPFCAP" --capture --extcap-interface ebpfcap-tc --device va --fifo "$TEST_TMP/xfifo" \
	--extcap-capture-filter icmp >"$TEST_TMP/stdout" 2>"$TEST_TMP/stderr"
pid=$BG_PID
wait_links 1
flood_start
wait_gone "$reader"
ok $? "extcap FIFO closed: the reader left after 200000 bytes"
wait_gone "$pid"
ok $? "extcap FIFO closed: ebpfcap stopped by itself"
wait "$pid"
is "$?" 0 "extcap FIFO closed: exit status 0"
flood_stop
is "$(cat "$TEST_TMP/stderr")" "" "extcap FIFO closed: nothing on stderr"
is "$(wc -c <"$TEST_TMP/stdout")" 0 "extcap FIFO closed: nothing on stdout"
nothing_attached "$NS_A" va; ok $? "extcap FIFO closed: nothing attached"

# A full disk: a 256 KiB tmpfs as the output. One line, exit 1, nothing
# attached, and the file cut back to its last whole block.
mkdir -p "$FULL"
mount -t tmpfs -o size=256k ebpfcap-test "$FULL" || skip_all "cannot mount a tmpfs"
# full_disk NAME WANT TARGET: capture into the tmpfs while B floods, with
# -w FILE (TARGET file) or -w - >FILE (stdout), until the disk is full.
full_disk() {
	local name=$1 want=$2 target=$3 pid
	rm -f "$FULL"/*
	if [ "$target" = file ]; then
		bg_a "$EBPFCAP" -q -i tc:va -w "$FULL/out.pcapng" icmp 2>"$TEST_TMP/stderr"
	else
		bg_a "$EBPFCAP" -q -i tc:va -w - icmp >"$FULL/out.pcapng" 2>"$TEST_TMP/stderr"
	fi
	pid=$BG_PID
	wait_links 1
	flood_start
	wait_gone "$pid"
	ok $? "$name: ebpfcap stopped by itself"
	wait "$pid"
	is "$?" 1 "$name: exit status 1"
	flood_stop
	is "$(cat "$TEST_TMP/stderr")" "$want" "$name: one line on stderr"
	nothing_attached "$NS_A" va; ok $? "$name: nothing attached"
	readable "$name" "$FULL/out.pcapng"
	ok "$([ "$(isb_field packets)" -gt 0 ]; echo $?)" "$name: the packets that fitted are there ($(isb_field packets))"
	# The statistics go in the room the cut back freed, when there is enough;
	# they count what the file holds.
	if [ "$(isb_field isbs)" = 0 ]; then
		skip_case "no room was left for the statistics block" "$name: the statistics count the packets in the file"
	else
		is "$(isb_field usrdeliv)" "$(isb_field packets)" "$name: the statistics count the packets in the file"
	fi
}
full_disk "full disk, -w FILE" \
	"ebpfcap: cannot write $FULL/out.pcapng: No space left on device (free some space or write elsewhere)" \
	file
full_disk "full disk, stdout" \
	"ebpfcap: cannot write the standard output: No space left on device (free some space or write elsewhere)" \
	stdout
umount "$FULL"
done_testing
