#!/usr/bin/env bash
# A ring that overflows: what the hook saw is exactly what was written plus
# what was dropped, and the drops are reported in the summary and in-band.
. "$(dirname "$0")/../lib/common.sh"
need_root
mount_fs
setup_pair || skip_all "cannot create network namespaces"
out=$TEST_TMP/out.pcapng
SENT=3000

# A 1 MiB ring holds about 490 records of 1442-byte packets; the consumer is
# stopped while ping floods, so the rest must be counted as dropped.
bg_a "$EBPFCAP" -i tc:va -Q out --ring-size 1 -w "$out" icmp 2>"$TEST_TMP/stderr"
pid=$BG_PID
wait_links 1
kill -STOP $pid
# Pinned to one CPU: drops are counted per CPU, and the next packet sent on
# that CPU after the overflow carries them in its epb_dropcount.
in_a taskset -c 0 ping -q -f -c $SENT -s 1400 198.18.0.2 >/dev/null
kill -CONT $pid
in_a taskset -c 0 ping -q -c 1 198.18.0.2 >/dev/null
kill -TERM $pid
wait $pid
is "$?" 0 "exit status 0 after an overflow"
summary=$(cat "$TEST_TMP/stderr")
captured=$(echo "$summary" | sed -nE 's/^([0-9]+) packets captured, ([0-9]+) dropped$/\1/p')
dropped=$(echo "$summary" | sed -nE 's/^([0-9]+) packets captured, ([0-9]+) dropped$/\2/p')
ok "$([ -n "$captured" ] && [ -n "$dropped" ]; echo $?)" "summary line: $summary"
is "$((captured + dropped))" $((SENT + 1)) "captured + dropped = every echo request sent"
ok "$([ "$dropped" -gt 0 ]; echo $?)" "the overflow dropped packets ($dropped)"
is "$(count_packets "$out")" "$captured" "the file holds every captured packet"
inband=$(fields "$out" -e frame.drop_count | awk '{ s += $1 } END { print s + 0 }')
is "$inband" "$dropped" "epb_dropcount reports every drop in-band"
nothing_attached "$NS_A" va; ok $? "nothing attached"
done_testing
