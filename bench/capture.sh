#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Capture throughput, side by side: ebpfcap against tcpdump, dumpcap, tshark,
# the eBPF floor (bench/floor: XDP -> ring buffer -> a counting consumer) and
# the no-capture ceiling, on the same veth pair in the same run.
#
#   bench/capture.sh [--rounds N] [--seconds S] [--sizes "64 1518"]
#                    [--cases "ceiling floor ..."] [--filters "all none"]
#                    [--builddir DIR] [--tsv FILE]
#
# Root. Two private namespaces joined by a veth pair, addresses from
# 198.18.0.0/15 only, static neighbours, everything removed on exit.
# bench/trafficgen, pinned to CPU 0, sends UDP frames from the generator side
# with BPF_PROG_RUN live frames (XDP_TX) for S seconds. The receiving device
# drops them in routing (a blackhole route), so its CPU cost is the same for
# every case; the capture runs pinned to CPU 1. Since the receive path runs in
# the generator's softirq on CPU 0, what a capture adds in the kernel slows
# the generator down: the rate at the receiver, against the ceiling's rate,
# is the kernel cost; written/offered is what user space kept up with.
#
# Per case it prints medians over the rounds with [min-max]:
#   Mpps      frames the receiving device got per second (offered to the capture)
#   x ceil    that rate over the no-capture rate of the same run
#   x tcpd    that rate over tcpdump's, and written packets over tcpdump's
#   written   packets in the capture file over packets offered
#   +ns/pkt   kernel time per packet added (1/rate - 1/ceiling rate)
#   cpu ns    user+system CPU of the capture processes per packet written
#   RSS       peak resident memory of the capturing process (ebpfcap, tcpdump,
#             dumpcap or floor), MiB
# Rounds interleave the cases, so that drift hits them all alike.
set -u

ROUNDS=3
SECONDS_PER_RUN=2
SIZES="64 1518"
FILTERS="all none"
CASES="ceiling floor tcpdump dumpcap tshark ebpfcap-xdp ebpfcap-tc ebpfcap-tshark"
BUILDDIR=.
TSV=
NOTHING="tcp port 4242"		# the generator sends UDP 9 -> 9 only
WARM_MB=6144
RING_MB=8			# the floor's ring: ebpfcap's default (EBC_DEFAULT_RING_MB)

die() { echo "capture.sh: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
	case $1 in
	--rounds) ROUNDS=$2; shift ;;
	--seconds) SECONDS_PER_RUN=$2; shift ;;
	--sizes) SIZES=$2; shift ;;
	--cases) CASES=$2; shift ;;
	--filters) FILTERS=$2; shift ;;
	--builddir) BUILDDIR=$2; shift ;;
	--tsv) TSV=$2; shift ;;
	-h|--help) sed -n '3,/^set -u/p' "$0" | sed -n 's/^# \{0,1\}//p'; exit 0 ;;
	*) die "unknown argument $1 (see --help)" ;;
	esac
	shift
done
[[ $ROUNDS =~ ^[1-9][0-9]?$ ]] || die "--rounds: expected 1 to 99"
[[ $SECONDS_PER_RUN =~ ^[1-9][0-9]?$ ]] || die "--seconds: expected 1 to 99"
[ "$(id -u)" = 0 ] || die "needs root (namespaces, XDP, packet sockets): run it with sudo"
[ "$(nproc)" -ge 2 ] || die "needs two CPUs: the generator on CPU 0, the capture on CPU 1"

EBPFCAP=$(readlink -f "$BUILDDIR/extcap/ebpfcap")
TRAFFICGEN=$(readlink -f "$BUILDDIR/bench/trafficgen")
FLOOR=$(readlink -f "$BUILDDIR/bench/floor")
for f in "$EBPFCAP" "$TRAFFICGEN" "$FLOOR"; do
	[ -x "$f" ] || die "$f is missing: run make bench-capture from the build directory"
done
for t in tcpdump dumpcap tshark capinfos ethtool; do
	command -v $t >/dev/null || die "$t is missing: packaging/install-deps.sh installs it"
done

TAG=ebcb$$
NS_G=$TAG-g
NS_R=$TAG-r
WORK=$(mktemp -d /tmp/ebpfcap-bench.XXXXXX)
RES=$WORK/results.tsv
CAP_PID=

cleanup() {
	[ -n "$CAP_PID" ] && kill -KILL -- "-$CAP_PID" 2>/dev/null
	ip netns del "$NS_G" 2>/dev/null
	ip netns del "$NS_R" 2>/dev/null
	umount "$WORK/out" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

in_g() { nsenter --net="/run/netns/$NS_G" "$@"; }
in_r() { nsenter --net="/run/netns/$NS_R" "$@"; }

setup() {
	ip netns add "$NS_G" && ip netns add "$NS_R" || die "cannot create namespaces"
	ip link add g0 netns "$NS_G" type veth peer name r0 netns "$NS_R" || die "cannot create veth"
	in_g ip addr add 198.18.90.1/24 dev g0
	in_r ip addr add 198.18.90.2/24 dev r0
	in_g ip link set g0 up
	in_r ip link set r0 up
	in_g ip link set lo up
	in_r ip link set lo up
	GMAC=$(in_g ip -br link show g0 | awk '{ print $3 }')
	RMAC=$(in_r ip -br link show r0 | awk '{ print $3 }')
	in_g ip neigh replace 198.18.90.2 lladdr "$RMAC" dev g0 nud permanent
	in_r ip neigh replace 198.18.90.1 lladdr "$GMAC" dev r0 nud permanent
	# NAPI on the receiving veth (frames from ndo_xdp_xmit need it), and
	# the frames, to 198.18.91.1, dropped by routing without an ICMP reply.
	in_r ethtool -K r0 gro on >/dev/null
	in_r sysctl -qw net.ipv4.ip_forward=1
	in_r ip route add blackhole 198.18.91.0/24
	mkdir -p "$WORK/out" "$WORK/wireshark/extcap"
	mount -t tmpfs -o size=16g,mode=0700 ebpfcap-bench "$WORK/out" || die "cannot mount a tmpfs"
	# In a VM, the first write to a guest page costs the host a fault: touch
	# the memory the captures will write once, so that no case pays for it.
	dd if=/dev/zero of="$WORK/out/warm" bs=1M count=$((WARM_MB)) status=none
	rm -f "$WORK/out/warm"
	ln -s "$EBPFCAP" "$WORK/wireshark/extcap/ebpfcap"
}

# nsenter keeps the host's /sys: the namespace's counters are in /proc/net/dev.
rx_packets() { in_r awk '$1 == "r0:" { print $3 }' /proc/net/dev; }

# The capture command of CASE with FILTER (all|none), writing OUT.
capture_cmd() {
	local c=$1 filter=$2 out=$3 f=()
	[ "$filter" = none ] && f=(-f "$NOTHING")
	case $c in
	floor) echo "$FLOOR -i r0 --cpu 1 --ring-mb $RING_MB" ;;
	tcpdump) printf '%q ' tcpdump -q -n -i r0 -w "$out" ${f[1]:+"${f[1]}"} ;;
	dumpcap) printf '%q ' dumpcap -q -i r0 -w "$out" "${f[@]}" ;;
	tshark) printf '%q ' tshark -q -i r0 -w "$out" "${f[@]}" ;;
	ebpfcap-xdp) printf '%q ' "$EBPFCAP" -q -i xdp:r0 -w "$out" "${f[@]}" ;;
	ebpfcap-tc) printf '%q ' "$EBPFCAP" -q -i tc:r0 -w "$out" "${f[@]}" ;;
	ebpfcap-tshark)
		printf '%q ' env WIRESHARK_CONFIG_DIR="$WORK/wireshark" tshark -q -i ebpfcap-xdp \
			-o extcap.ebpfcap_xdp.device:r0 -w "$out" "${f[@]}" ;;
	*) die "unknown case $c" ;;
	esac
}

# Bounded waits, polled: the benchmark has no event to wait on.
wait_for() {
	local i
	for ((i = 0; i < 200; i++)); do
		"$@" && return 0
		sleep 0.05
	done
	return 1
}
# The capture is attached: ebpfcap writes its headers once it is; tcpdump,
# dumpcap and tshark create their file once the socket is open, and dumpcap
# under tshark once the extcap's headers came through the FIFO.
ready() {
	case $1 in
	floor) grep -q '^ready' "$3" ;;
	ebpfcap-xdp|ebpfcap-tc|ebpfcap-tshark) [ -s "$2" ] ;;
	*) [ -e "$2" ] && grep -q -e 'listening on' -e 'Capturing on' "$3" ;;
	esac
}
# The output stops growing: the capture has written what it will.
wait_quiet() {
	local f=$1 prev=-1 now i
	for ((i = 0; i < 150; i++)); do
		now=$(stat -c %s "$f" 2>/dev/null || echo 0)
		[ "$now" = "$prev" ] && return 0
		prev=$now
		sleep 0.2
	done
}

# The processes of session SID, as "pid utime+stime" lines (clock ticks).
session_procs() {
	cat /proc/[0-9]*/stat 2>/dev/null |
		awk -v sid="$1" '{ pid = $1; sub(/^.*\) /, ""); if ($4 == sid) print pid, $12 + $13 }'
}
session_cpu() { session_procs "$1" | awk '{ t += $2 } END { print t + 0 }'; }
# Peak RSS (KiB) of the capturer: ebpfcap (also under tshark), else the largest
# of tcpdump, dumpcap and floor.
session_rss() {
	local pid cpu comm hwm best=0
	while read -r pid cpu; do
		comm=$(cat "/proc/$pid/comm" 2>/dev/null)
		case $comm in ebpfcap|tcpdump|dumpcap|floor) ;; *) continue ;; esac
		hwm=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$pid/status" 2>/dev/null)
		[ "$comm" = ebpfcap ] && { echo "${hwm:-0}"; return; }
		[ "${hwm:-0}" -gt "$best" ] && best=$hwm
	done < <(session_procs "$1")
	echo "$best"
}

count_packets() {
	capinfos -c -M "$1" 2>/dev/null | sed -n 's/^Number of packets:[[:space:]]*//p'
}

# run_case CASE SIZE FILTER ROUND: one measurement, one line in RES.
run_case() {
	local c=$1 size=$2 filter=$3 round=$4 out=$WORK/out/cap log=$WORK/cap.log
	local rx0 rx1 gen sent ns cpu=0 cpu0=0 rss=0 written=0 sig=TERM
	rm -f "$out" "$log"
	if [ "$c" != ceiling ]; then
		# nsenter, taskset, setsid and bash all exec: CAP_PID is the
		# capture's own pid, and its session holds all its processes.
		: >"$log"
		nsenter --net="/run/netns/$NS_R" taskset -c 1 setsid \
			bash -c "exec $(capture_cmd "$c" "$filter" "$out")" >"$log" 2>&1 </dev/null &
		CAP_PID=$!
		wait_for ready "$c" "$out" "$log" ||
			{ echo "# $c did not start: $(head -c 300 "$log")" >&2; stop_capture KILL; return; }
	fi
	[ -n "$CAP_PID" ] && cpu0=$(session_cpu "$CAP_PID")
	rx0=$(rx_packets)
	gen=$(in_g "$TRAFFICGEN" -i g0 --src-mac "$GMAC" --dst-mac "$RMAC" --src-ip 198.18.90.1 \
		--dst-ip 198.18.91.1 --size "$size" --seconds "$SECONDS_PER_RUN" --cpu 0) ||
		die "trafficgen failed"
	rx1=$(rx_packets)
	sent=$(sed -n 's/.*sent=\([0-9]*\).*/\1/p' <<<"$gen")
	ns=$(sed -n 's/.*ns=\([0-9]*\).*/\1/p' <<<"$gen")
	if [ -n "$CAP_PID" ]; then
		[ "$c" = floor ] || wait_quiet "$out"
		# CPU from the generator's start until the output is quiet: not
		# tshark's start-up, nor the extcap's
		cpu=$(($(session_cpu "$CAP_PID") - cpu0))
		rss=$(session_rss "$CAP_PID")
		case $c in tcpdump|dumpcap|tshark|ebpfcap-tshark) sig=INT ;; esac
		stop_capture $sig
		if [ "$c" = floor ]; then
			written=$(sed -n 's/.*packets=\([0-9]*\).*/\1/p' "$log")
		else
			written=$(count_packets "$out")
		fi
	fi
	[ "$c" = ceiling ] && written=0
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$c" "$size" "$filter" "$round" \
		"$((rx1 - rx0))" "$ns" "${written:-0}" "$sent" "$cpu" "$rss" >>"$RES"
	rm -f "$out"
}

stop_capture() {
	local i
	kill -"$1" "$CAP_PID" 2>/dev/null
	for ((i = 0; i < 300; i++)); do
		kill -0 "$CAP_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL -- "-$CAP_PID" 2>/dev/null
	wait "$CAP_PID" 2>/dev/null
	CAP_PID=
}

# The runs of one round: every case, size and filter, in an order rotated by round.
plan() {
	local round=$1 c s f list=()
	for s in $SIZES; do
		for c in $CASES; do
			case $c in
			ceiling|floor) list+=("$c $s all") ;;
			*) for f in $FILTERS; do list+=("$c $s $f"); done ;;
			esac
		done
	done
	local n=${#list[@]} i
	for ((i = 0; i < n; i++)); do echo "${list[$(((i + round) % n))]}"; done
}

# Wireshark runs every extcap with --extcap-interfaces at each start.
extcap_interfaces_ms() {
	local i t0 t1 v=()
	for ((i = 0; i < 21; i++)); do
		t0=$(date +%s%N)
		"$EBPFCAP" --extcap-interfaces >/dev/null 2>&1
		t1=$(date +%s%N)
		v+=($(((t1 - t0) / 1000)))
	done
	printf '%s\n' "${v[@]}" | sort -n |
		awk '{ v[NR] = $1 } END { printf "%.1f ms [%.1f-%.1f] over %d runs\n", v[int((NR + 1) / 2)] / 1000, v[1] / 1000, v[NR] / 1000, NR }'
}

setup
: >"$RES"
echo "# ebpfcap capture benchmark: $ROUNDS rounds of ${SECONDS_PER_RUN} s, frames of $SIZES bytes;" \
	"generator on CPU 0, capture on CPU 1; kernel $(uname -r), $(nproc) CPUs"
for ((r = 1; r <= ROUNDS; r++)); do
	while read -r c s f; do
		run_case "$c" "$s" "$f" "$r"
	done < <(plan "$r")
	echo "# round $r of $ROUNDS done" >&2
done
[ -n "$TSV" ] && cp "$RES" "$TSV"
awk -v clk="$(getconf CLK_TCK)" -v cases="$CASES" -f "$(dirname "$0")/capture_report.awk" "$RES"
echo
echo "ebpfcap --extcap-interfaces: $(extcap_interfaces_ms)"
