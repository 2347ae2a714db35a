# Shared by the system tests: TAP output, a private namespace pair joined by
# veth (198.18.0.0/15 and the IPv6 benchmarking prefix 2001:2::/48 only),
# bounded traffic, and a check that nothing stays attached. Source it.
# shellcheck shell=bash

top_srcdir=${top_srcdir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
EBPFCAP=${EBPFCAP:-$top_builddir/extcap/ebpfcap}
TAP_N=0
TAP_FAILED=0

ok() {	# ok COND_STATUS DESCRIPTION: "ok" when the status is 0
	local status=$1; shift
	TAP_N=$((TAP_N + 1))
	if [ "$status" -eq 0 ]; then
		echo "ok $TAP_N - $*"
	else
		echo "not ok $TAP_N - $*"
		TAP_FAILED=$((TAP_FAILED + 1))
	fi
}

is() {	# is GOT WANT DESCRIPTION
	local got=$1 want=$2; shift 2
	[ "$got" = "$want" ]
	ok $? "$*"
	[ "$got" = "$want" ] || printf '#   got:  %s\n#   want: %s\n' "$got" "$want"
}

skip_case() {	# skip_case WHY DESCRIPTION
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N - $2 # SKIP $1"
}

skip_all() {
	echo "1..0 # SKIP $*"
	exit 77
}

done_testing() {
	echo "1..$TAP_N"
	[ "$TAP_FAILED" -eq 0 ]
}

need_root() {
	[ "$(id -u)" -eq 0 ] || skip_all "needs root"
	command -v tshark >/dev/null || skip_all "needs tshark"
	[ -x "$EBPFCAP" ] || skip_all "ebpfcap not built at $EBPFCAP"
}

# bpffs and tracefs where the loader expects them.
mount_fs() {
	# By type: /sys/fs/bpf may be a mount point of sysfs itself, with no bpffs on it.
	[ "$(stat -f -c %T /sys/fs/bpf 2>/dev/null)" = bpf_fs ] || mount -t bpf bpf /sys/fs/bpf
	mountpoint -q /sys/kernel/tracing || mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null || true
}

NS_A=""; NS_B=""
in_a() { nsenter --net="/run/netns/$NS_A" "$@"; }
in_b() { nsenter --net="/run/netns/$NS_B" "$@"; }
# Load a test fixture with iproute2 (ip/tc ... obj FILE) in namespace NS: in a
# private mount namespace with its own bpffs, because iproute2 creates
# /sys/fs/bpf/tc/globals and links beside it, which must not outlive the test.
fixture_in() {	# fixture_in NS COMMAND...
	local ns=$1; shift
	unshare -m sh -c 'mount -t bpf bpf /sys/fs/bpf && exec nsenter --net="/run/netns/$0" "$@"' \
		"$ns" "$@"
}

# Start a command in the background in A or B; BG_PID is the command itself
# (nsenter execs it), so signals reach it and not a subshell.
bg_a() { nsenter --net="/run/netns/$NS_A" "$@" & BG_PID=$!; }
bg_b() { nsenter --net="/run/netns/$NS_B" "$@" & BG_PID=$!; }

cleanup_ns() {
	local p ns
	for p in $(jobs -p); do kill "$p" 2>/dev/null; done
	# Whatever still runs inside our namespaces (a capture a failed case left).
	for ns in $NS_A $NS_B; do ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null; done
	wait 2>/dev/null
	[ -n "$NS_A" ] && ip netns del "$NS_A" 2>/dev/null
	[ -n "$NS_B" ] && ip netns del "$NS_B" 2>/dev/null
	[ -n "${TEST_TMP:-}" ] && rm -rf "$TEST_TMP"
	NS_A=""; NS_B=""
}

# Two namespaces joined by veth va (in A, 198.18.0.1, 2001:2::1) <-> vb (in B,
# 198.18.0.2, 2001:2::2). Static neighbours and NOARP without link-local
# addresses: no ARP, ND, MLD or router solicitations, so counts are exact.
setup_pair() {
	NS_A="ebc-$$-a"; NS_B="ebc-$$-b"
	BPFFS_BEFORE=$(bpffs_entries)
	TEST_TMP=$(mktemp -d /tmp/ebpfcap-test.XXXXXX)
	trap cleanup_ns EXIT
	ip netns add "$NS_A" && ip netns add "$NS_B" || return 1
	ip link add va netns "$NS_A" type veth peer name vb netns "$NS_B" || return 1
	local ns dev
	for ns in A B; do
		dev=v$(echo $ns | tr AB ab)
		"in_$(echo $ns | tr AB ab)" sh -c "
			ip link set $dev addrgenmode none arp off &&
			ip link set lo up &&
			ip link set $dev up" || return 1
	done
	in_a ip addr add 198.18.0.1/24 dev va
	in_b ip addr add 198.18.0.2/24 dev vb
	in_a ip -6 addr add 2001:2::1/64 dev va nodad
	in_b ip -6 addr add 2001:2::2/64 dev vb nodad
	MAC_A=$(in_a cat /sys/class/net/va/address 2>/dev/null)
	MAC_A=$(in_a ip -br link show va | awk '{print $3}')
	MAC_B=$(in_b ip -br link show vb | awk '{print $3}')
	in_a ip neigh replace 198.18.0.2 lladdr "$MAC_B" dev va nud permanent
	in_b ip neigh replace 198.18.0.1 lladdr "$MAC_A" dev vb nud permanent
	in_a ip -6 neigh replace 2001:2::2 lladdr "$MAC_B" dev va nud permanent
	in_b ip -6 neigh replace 2001:2::1 lladdr "$MAC_A" dev vb nud permanent
}

# Bounded traffic from A to B. Each call sends exactly what it says.
send_udp4() { in_a bash -c "for i in \$(seq $2); do echo -n payload\$i > /dev/udp/198.18.0.2/$1; done"; }
send_udp6() { in_a bash -c "for i in \$(seq $2); do echo -n payload\$i > /dev/udp/2001:2::2/$1; done"; }
ping4() { in_a ping -q -c "$1" -i 0.01 -W 1 198.18.0.2 >/dev/null; }
ping6() { in_a ping -6 -q -c "$1" -i 0.01 -W 1 2001:2::2 >/dev/null; }
# One connection attempt to a closed TCP port: a SYN out, a RST back.
tcp_syn4() { in_a timeout 2 bash -c "exec 3<>/dev/tcp/198.18.0.2/$1" 2>/dev/null; true; }
tcp_syn6() { in_a timeout 2 bash -c "exec 3<>/dev/tcp/2001:2::2/$1" 2>/dev/null; true; }

# ebpfcap processes running in our namespaces (an extcap under tshark included).
our_pids() {
	local ns pid
	for ns in $NS_A $NS_B; do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			[ "$(cat /proc/$pid/comm 2>/dev/null)" = ebpfcap ] && echo "$pid"
		done
	done
}

# Tap links (tcx, XDP) those processes hold, from /proc/PID/fdinfo: attached
# taps. The cgroup links of the socket-owner hooks do not count.
our_links() {
	local pid n=0
	for pid in $(our_pids); do
		n=$((n + $(grep -lE '^link_type:\s*(tcx|xdp)$' /proc/"$pid"/fdinfo/* 2>/dev/null | wc -l)))
	done
	echo $n
}

# Wait (bounded) until at least N of our links exist: the capture is attached.
wait_links() {
	local want=$1 i
	for i in $(seq 200); do
		[ "$(our_links)" -ge "$want" ] && return 0
		sleep 0.05
	done
	echo "# timed out waiting for $want attached link(s)"
	return 1
}

# Wait (bounded, 10 s or $2 tenths of a second) until a process has exited.
wait_gone() {
	local pid=$1 i
	for i in $(seq $(( ${2:-100} * 2 ))); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.05
	done
	return 1
}

# What is pinned in bpffs (nothing of ours may stay there).
bpffs_entries() { find /sys/fs/bpf -mindepth 1 2>/dev/null | sort | xargs; }

# Loaded ebc_* programs that no running ebpfcap holds: kept alive by a link or
# a pin that outlived its process, i.e. leaked. Precise even while other
# captures run on the machine.
leaked_progs() {
	local live pid
	live=" $(for pid in $(pgrep -x ebpfcap); do
		grep -h '^prog_id:' /proc/"$pid"/fdinfo/* 2>/dev/null; done | awk '{print $2}' | xargs) "
	bpftool prog show 2>/dev/null | awk -v live="$live" '
		/ name ebc_/ { id = $1; sub(":", "", id); if (!index(live, " " id " ")) print id }'
}

# Nothing of ours attached in NS: no ebpfcap process left (links die with
# it), no XDP program, no tc filter and no clsact qdisc on DEV. Diagnostics on stderr.
nothing_attached() {	# nothing_attached NS DEV
	local ns=$1 dev=$2 pid
	for pid in $(ip netns pids "$ns" 2>/dev/null); do
		[ "$(cat /proc/$pid/comm 2>/dev/null)" = ebpfcap ] && { echo "# ebpfcap $pid still runs" >&2; return 1; }
	done
	nsenter --net="/run/netns/$ns" ip link show "$dev" | grep -q ' xdp' && { echo "# xdp left on $dev" >&2; return 1; }
	nsenter --net="/run/netns/$ns" tc qdisc show dev "$dev" | grep -q clsact && { echo "# clsact left on $dev" >&2; return 1; }
	[ -z "$(nsenter --net="/run/netns/$ns" tc filter show dev "$dev" ingress 2>/dev/null)" ] || { echo "# tc filter left on $dev" >&2; return 1; }
	[ -z "$(leaked_progs)" ] || { echo "# leaked programs: $(leaked_progs | xargs)" >&2; return 1; }
	[ "$(bpffs_entries)" = "${BPFFS_BEFORE-$(bpffs_entries)}" ] ||
		{ echo "# new in bpffs: $(bpffs_entries)" >&2; return 1; }
	return 0
}

# Wait (bounded) until nothing is attached: an extcap stops after tshark does.
wait_nothing_attached() {
	local i
	for i in $(seq 100); do
		nothing_attached "$@" 2>/dev/null && return 0
		sleep 0.05
	done
	nothing_attached "$@"
}

# tshark -r fields, one line per packet, tab-separated.
fields() { local f=$1; shift; tshark -r "$f" -T fields "$@" 2>/dev/null; }
count_packets() { tshark -r "$1" -T fields -e frame.number 2>/dev/null | wc -l; }

# A private Wireshark configuration whose extcap directory holds our binary.
wireshark_conf() {
	export WIRESHARK_CONFIG_DIR="$TEST_TMP/wireshark"
	mkdir -p "$WIRESHARK_CONFIG_DIR/extcap"
	ln -sf "$(readlink -f "$EBPFCAP")" "$WIRESHARK_CONFIG_DIR/extcap/ebpfcap"
}

# No rate limit on ICMP errors in B, so every UDP datagram to a closed port gets
# exactly one "port unreachable" back.
exact_icmp_errors() {
	in_b sysctl -qw net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0
}

# The known mix, A to B, and what each filter must count at tc on va (both ways).
send_mix() {
	send_udp4 53 5		# 5 UDP out, 5 ICMP port unreachable back
	send_udp6 5353 4	# 4 UDP out, 4 ICMPv6 port unreachable back
	ping4 3			# 3 echo requests, 3 replies
	ping6 2			# 2 echo requests, 2 replies
	tcp_syn4 80; tcp_syn4 81	# 2 SYN out, 2 RST back
	tcp_syn6 80		# 1 SYN out, 1 RST back
}
MIX_TOTAL=34 MIX_EGRESS=17 MIX_INGRESS=17

# Wait (bounded) until FILE holds at least N packets.
wait_packets() {
	local file=$1 want=$2 i
	for i in $(seq 100); do
		[ "$(count_packets "$file")" -ge "$want" ] && return 0
		sleep 0.05
	done
	echo "# timed out waiting for $want packets in $file (have $(count_packets "$file"))"
	return 1
}

# The inode of network namespace NS (what a trace tap's netns= names).
netns_inode() { stat -L -c %i "/run/netns/$1"; }

# The ifindex of DEV in namespace NS (sysfs shows the host's devices, not NS's).
ifindex_in() {	# ifindex_in NS DEV
	nsenter --net="/run/netns/$1" ip -o link show "$2" | cut -d: -f1
}

# Trace links PID holds, one link_type per line: tracing (tp_btf, fentry,
# fexit), raw_tracepoint (raw_tp), perf_event or kprobe_multi (kprobes).
trace_links() {
	grep -hE '^link_type:\s*(tracing|raw_tracepoint|perf|perf_event|kprobe_multi)$' \
		/proc/"$1"/fdinfo/* 2>/dev/null | awk '{print $2}'
}

# How PID's trace links attach, one LINK_TYPE:PROG_TYPE per line (bpftool's
# names): tp_btf is raw_tracepoint:tracing, raw_tp raw_tracepoint:raw_tracepoint,
# fentry/fexit tracing:tracing, a kprobe perf_event:kprobe or kprobe_multi:kprobe.
trace_attach() {	# trace_attach PID
	local f link prog
	for f in /proc/"$1"/fdinfo/*; do
		link=$(awk '$1 == "link_type:" { print $2 }' "$f" 2>/dev/null)
		case $link in tracing|raw_tracepoint|perf|perf_event|kprobe_multi) ;; *) continue ;; esac
		prog=$(awk '$1 == "prog_id:" { print $2 }' "$f")
		echo "$link:$(bpftool prog show id "$prog" 2>/dev/null | awk 'NR == 1 { print $2 }')"
	done
}

# Wait (bounded, 10 s) until PID holds a trace link: the capture is live.
# Fails at once when PID has exited (a capture that could not start).
wait_trace_link() {	# wait_trace_link PID
	local pid=$1 i
	for i in $(seq 200); do
		[ -n "$(trace_links "$pid")" ] && return 0
		kill -0 "$pid" 2>/dev/null || { echo "# ebpfcap $pid exited before attaching"; return 1; }
		sleep 0.05
	done
	echo "# timed out waiting for a trace link of $pid"
	return 1
}

# One line per interface block of a capture file, in order:
# NAME ENCAP PACKETS STATS, where ENCAP is Wireshark's number (1 Ethernet,
# 7 raw IP) and STATS is "stats" when statistics blocks exist for it, else "nostats".
idbs() {	# idbs FILE
	capinfos "$1" 2>/dev/null | awk -F' = ' '
		function out() { if (n != "") print n, e, p + 0, (s > 0 ? "stats" : "nostats") }
		/^Interface #[0-9]+ info:/ { out(); n = ""; e = ""; p = 0; s = 0 }
		$1 ~ /^ +Name$/ { n = $2 }
		$1 ~ /^ +Encapsulation$/ { e = $2; sub(/^[^(]*\(/, "", e); sub(/ .*/, "", e) }
		$1 ~ /^ +Number of stat entries$/ { s = $2 }
		$1 ~ /^ +Number of packets$/ { p = $2 }
		END { out() }'
}

# One TCP connection from A to B that carries FILE in a single write, then
# closes: nc listens in B (what it receives goes to FILE.rcvd), bash's
# /dev/tcp connects from A and cat writes FILE. Bounded (nc 10 s, the sender
# 5 s); fails when the listener never listens or does not end by itself.
tcp_send4() {	# tcp_send4 PORT FILE
	local port=$1 file=$2 pid i
	bg_b timeout 10 nc -d -l 198.18.0.2 "$port" >"$file.rcvd" 2>/dev/null
	pid=$BG_PID
	for i in $(seq 200); do
		[ -n "$(in_b ss -Hltn "sport = :$port")" ] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	in_a timeout 5 bash -c "exec 3<>/dev/tcp/198.18.0.2/$port && cat '$file' >&3" 2>/dev/null
	wait "$pid"
}

# Wait (bounded, 5 s) until FILE's TCP segments carry at least N payload bytes
# in all (tcp.len, from the IP header: right even when the capture is cut;
# retransmissions left out).
wait_tcp_bytes() {	# wait_tcp_bytes FILE N
	local file=$1 want=$2 i
	for i in $(seq 100); do
		[ "$(tcp_bytes "$file")" -ge "$want" ] && return 0
		sleep 0.05
	done
	echo "# timed out waiting for $want TCP payload bytes in $file (have $(tcp_bytes "$file"))"
	return 1
}
tcp_bytes() { fields "$1" -Y '!tcp.analysis.retransmission' -e tcp.len | awk '{ n += $1 } END { print n + 0 }'; }

# Load every program of the BPF object OBJ with bpftool, pinned at
# DIR/progs/NAME, and its LIBBPF_PIN_BY_NAME maps at DIR/NAME. libbpf pins
# those under its pin root, /sys/fs/bpf, which bpftool 7.1 cannot change (and
# its `pinmaps DIR` then fails: "already has pin path"), so DIR, a directory of
# the real bpffs, takes /sys/fs/bpf's place for bpftool alone (a bind mount in
# a private mount namespace). The pins are visible to every process; the
# caller removes DIR when done.
bpffs_loadall() {	# bpffs_loadall DIR OBJ
	mkdir -p "$1" &&
	unshare -m --propagation private sh -c \
		'mount --bind "$0" /sys/fs/bpf && exec bpftool prog loadall "$1" /sys/fs/bpf/progs' "$1" "$2"
}

# The filled slots of the prog array pinned at PATH (an XDP program's hook),
# as keys in ascending order on one line; "none" when it cannot be read.
# Slots are XDP actions (0 aborted .. 4 redirect): the first key byte, in hex,
# reads the same in decimal.
hook_keys() {	# hook_keys PATH
	bpftool map dump pinned "$1" 2>/dev/null | awk '
		/^key:/ { k = k " " ($2 + 0); next }
		/^Found [0-9]+ element/ { ok = 1 }
		END { if (ok) print (k == "" ? "" : substr(k, 2)); else print "none" }'
}
hook_entries() {	# hook_entries PATH: how many slots are filled, -1 when unreadable
	bpftool map dump pinned "$1" 2>/dev/null | awk '/^Found [0-9]+ element/ { n = $2 } END { print (n == "" ? -1 : n) }'
}

# Wait (bounded, 10 s) until the hook at PATH has at least N filled slots: a
# capture on it is live. With PID, fails at once when PID has exited (a
# capture that could not start).
wait_hook_filled() {	# wait_hook_filled PATH N [PID]
	local path=$1 want=$2 pid=${3:-} i
	for i in $(seq 200); do
		[ "$(hook_entries "$path")" -ge "$want" ] && return 0
		[ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null && { echo "# ebpfcap $pid exited before filling $path"; return 1; }
		sleep 0.05
	done
	echo "# timed out waiting for $want filled slot(s) in $path (have $(hook_entries "$path"))"
	return 1
}

# Wait (bounded, 10 s or $2 tenths of a second) until the hook at PATH is empty.
wait_hook_empty() {	# wait_hook_empty PATH [TENTHS]
	local path=$1 i
	for i in $(seq $(( ${2:-100} * 2 ))); do
		[ "$(hook_entries "$path")" -eq 0 ] && return 0
		sleep 0.05
	done
	echo "# $path still has $(hook_entries "$path") filled slot(s): $(hook_keys "$path")"
	return 1
}
