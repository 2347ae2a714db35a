#!/usr/bin/env bash
# Soak: ebpfcap captures for a long time at a moderate fixed rate, and its
# memory must stay flat and nothing may be dropped. Root; not part of the tests.
#   bench/soak.sh                     an hour
#   DURATION=60 bench/soak.sh         a quick check
# Two namespaces joined by veth (198.18.0.0/15, removed on exit); A pings B
# RATE times a second (default 500) for DURATION seconds (default 3600) while
# "ebpfcap -i tc:va -s SNAPLEN -w FILE icmp" runs in A; ebpfcap's resident
# memory and open fds are sampled every INTERVAL seconds (default
# DURATION/60, at least 1). At the end: RSS and fds first/max/last, the
# packets that crossed va against those captured and dropped, and the verdict
# line "flat memory: yes|no, drops: N". Memory is flat when the last sample
# exceeds the first one after the warm-up (the first tenth) by at most
# FLAT_KB KiB (default 1024).
# Environment: DURATION, RATE, INTERVAL, SNAPLEN (default 128), FLAT_KB,
# SOAK_OUT (capture file; default a temporary one, removed), EBPFCAP.
set -u
top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/lib/common.sh"

duration=${DURATION:-3600}
rate=${RATE:-500}
interval=${INTERVAL:-$(( duration / 60 > 0 ? duration / 60 : 1 ))}
snaplen=${SNAPLEN:-128}
flat_kb=${FLAT_KB:-1024}
[ "$(id -u)" -eq 0 ] || { echo "soak: needs root" >&2; exit 77; }
[ -x "$EBPFCAP" ] || { echo "soak: ebpfcap not built at $EBPFCAP (set top_builddir)" >&2; exit 77; }
command -v capinfos >/dev/null || { echo "soak: needs capinfos (apt-get install wireshark-common)" >&2; exit 77; }

mount_fs
setup_pair || { echo "soak: cannot create the namespaces" >&2; exit 1; }
out=${SOAK_OUT:-$TEST_TMP/soak.pcapng}
err=$TEST_TMP/ebpfcap.err

bg_a "$EBPFCAP" -i tc:va -s "$snaplen" -w "$out" icmp 2>"$err"
cap=$BG_PID
wait_links 1 || { echo "soak: ebpfcap did not attach:" >&2; cat "$err" >&2; exit 1; }

ping_interval=$(awk -v r="$rate" 'BEGIN { printf "%.6f", 1 / r }')
in_a ping -q -n -i "$ping_interval" -w "$duration" 198.18.0.2 >"$TEST_TMP/ping.out" 2>&1 &
pinger=$!
echo "soak: ${duration} s, $rate echo requests/s A -> B, ebpfcap -i tc:va -s $snaplen, a sample every ${interval} s"

rss=() fds=() t0=$(date +%s)
sample() {
	local r f
	r=$(awk '/^VmRSS:/ { print $2 }' /proc/"$cap"/status 2>/dev/null)
	f=$(find /proc/"$cap"/fd -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
	[ -n "$r" ] || return 1
	rss+=("$r"); fds+=("$f")
	printf '  %6ds  rss %7d KiB  fds %3d  file %8d KiB\n' "$(( $(date +%s) - t0 ))" "$r" "$f" \
		"$(( $(stat -c %s "$out" 2>/dev/null || echo 0) / 1024 ))"
}
sample
# The benchmark's clock: a sample every interval while the traffic runs.
while kill -0 "$pinger" 2>/dev/null; do
	sleep "$interval"
	kill -0 "$pinger" 2>/dev/null || break
	sample || { echo "soak: ebpfcap exited early:" >&2; cat "$err" >&2; exit 1; }
done
wait "$pinger"
sample

kill -TERM "$cap"
wait_gone "$cap" 100 || { echo "soak: ebpfcap did not stop on SIGTERM" >&2; kill -KILL "$cap"; }
wait "$cap" 2>/dev/null
status=$?

read -r tx rx < <(sed -nE 's/^([0-9]+) packets transmitted, ([0-9]+) received.*/\1 \2/p' "$TEST_TMP/ping.out")
sent=$(( ${tx:-0} + ${rx:-0} ))
read -r captured dropped < <(sed -nE 's/^([0-9]+) packets captured, ([0-9]+) dropped$/\1 \2/p' "$err")
infile=$(capinfos -c -M "$out" 2>/dev/null | awk -F: '/Number of packets/ { gsub(/ /, "", $2); print $2 }')

stats() {	# stats VALUES...: first max last
	local first=$1 max=$1 v last
	for v in "$@"; do [ "$v" -gt "$max" ] && max=$v; last=$v; done
	echo "$first $max $last"
}
warm=$(( ${#rss[@]} / 10 ))
read -r rss_first rss_max rss_last < <(stats "${rss[@]}")
read -r fd_first fd_max fd_last < <(stats "${fds[@]}")
growth=$(( rss_last - rss[warm] ))

echo
printf '%-22s %10s %10s %10s\n' "" first max last
printf '%-22s %10d %10d %10d\n' "ebpfcap RSS (KiB)" "$rss_first" "$rss_max" "$rss_last"
printf '%-22s %10d %10d %10d\n' "ebpfcap open fds" "$fd_first" "$fd_max" "$fd_last"
echo
printf '%-22s %10s %10s %10s %10s\n' "" sent captured dropped "in file"
printf '%-22s %10d %10s %10s %10s\n' "packets on va" "$sent" "${captured:-?}" "${dropped:-?}" "${infile:-?}"
echo
echo "samples: ${#rss[@]}; RSS after warm-up (sample $((warm + 1))) ${rss[warm]} KiB, growth to the end $growth KiB (flat: <= $flat_kb)"
[ "$status" -eq 0 ] || echo "ebpfcap exited with status $status: $(tail -1 "$err")"
[ "${captured:-x}" = "$sent" ] || echo "captured ${captured:-?} of $sent packets that crossed va"
flat=no
[ "$growth" -le "$flat_kb" ] && [ "$fd_last" -le "$fd_first" ] && flat=yes
echo "flat memory: $flat, drops: ${dropped:-?}"
[ "$flat" = yes ] && [ "${dropped:-1}" -eq 0 ] && [ "${captured:-x}" = "$sent" ] && [ "$status" -eq 0 ]
