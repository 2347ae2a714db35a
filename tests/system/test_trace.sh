#!/usr/bin/env bash
# Trace taps: the packets the kernel drops (skb:kfree_skb) with the reason and
# the function that dropped them, and other tracepoints that carry an sk_buff,
# in the network namespace ebpfcap runs in or (--all-netns) in all of them.
# Packets without a MAC header go to the tap's raw IP interface. Kernel
# functions are refused in one line where neither kprobes nor fentry work.
# Each scenario is also checked against the kernel's own tracepoints, read
# through a private tracefs instance, as well as against exact counts.
. "$(dirname "$0")/../lib/common.sh"
need_root
[ -e /sys/kernel/btf/vmlinux ] || skip_all "needs kernel BTF (/sys/kernel/btf/vmlinux)"
mount_fs
setup_pair || skip_all "cannot create network namespaces"
exact_icmp_errors
HAVE_NFT=$(command -v nft)
NETNS_A=$(netns_inode "$NS_A") NETNS_B=$(netns_inode "$NS_B")
IFX_A=$(ifindex_in "$NS_A" va) IFX_B=$(ifindex_in "$NS_B" vb)
# 198.19.0.0/24 lies behind B, which has no route to it.
in_a ip route add 198.19.0.0/24 via 198.18.0.2

# The kernel's own view of the same tracepoints, in a tracefs instance of our
# own so that no other tracer is disturbed. Without one (no tracefs), the
# checks against it are skipped and locations are checked by their form only.
KTRACE=/sys/kernel/tracing/instances/ebc-trace-$$
if ! { mkdir "$KTRACE" && [ -d "$KTRACE/events/skb/kfree_skb" ]; } 2>/dev/null; then
	rmdir "$KTRACE" 2>/dev/null
	KTRACE=""
fi
ktrace_remove() {
	[ -n "$KTRACE" ] || return 0
	echo 0 >"$KTRACE/tracing_on"
	echo 0 >"$KTRACE/events/enable"
	rmdir "$KTRACE"
}
trap 'ktrace_remove; cleanup_ns' EXIT
# ktrace_start [REASON...]: record skb:kfree_skb (only drops with these
# reasons; none without), net:netif_receive_skb and net:net_dev_queue (only
# on devices named va or vb). The filters keep other traffic on the machine
# from filling the buffer.
ktrace_start() {
	[ -n "$KTRACE" ] || return 0
	local ev=$KTRACE/events r n filter=""
	echo 0 >"$KTRACE/tracing_on"
	: >"$KTRACE/trace"
	for r in "$@"; do
		n=$(grep -oE "\{ [0-9]+, \"$r\" \}" "$ev/skb/kfree_skb/format" | grep -oE '[0-9]+')
		[ -n "$n" ] && filter="${filter:+$filter || }reason == $n"
	done
	if [ -n "$filter" ]; then
		echo "$filter" >"$ev/skb/kfree_skb/filter"
		echo 1 >"$ev/skb/kfree_skb/enable"
	fi
	for r in net/netif_receive_skb net/net_dev_queue; do
		echo 'name == "va" || name == "vb"' >"$ev/$r/filter"
		echo 1 >"$ev/$r/enable"
	done
	echo 1 >"$KTRACE/tracing_on"
}
ktrace_stop() {
	[ -n "$KTRACE" ] || return 0
	echo 0 >"$KTRACE/tracing_on"
	echo 0 >"$KTRACE/events/enable"
	cp "$KTRACE/trace" "$TEST_TMP/ktrace.txt"
}
# Drops with REASON the kernel reported since ktrace_start, machine-wide.
kcount() { grep -c " reason: $1\$" "$TEST_TMP/ktrace.txt"; }
# Events EVENT on device DEV with skb->len LEN the kernel reported.
kevents() { grep -cE " $1: dev=$2 skbaddr=[0-9a-f]+ len=$3\$" "$TEST_TMP/ktrace.txt"; }
# The location= of FILE's packets when the kernel's tracepoint dropped at least
# N packets with REASON there (it prints sym+0xoff/0xsize), else the kernel's
# locations for REASON: what ebpfcap's location= must say. Without tracefs,
# SYM+OFF, which comments then puts for any well-formed location.
kloc() {	# kloc REASON N FILE
	local got kernel
	[ -n "$KTRACE" ] || { echo "SYM+OFF"; return; }
	got=$(fields "$3" -e frame.comment | sed -nE 's/.* location=([^ ]+).*/\1/p' | sort -u | head -1)
	kernel=$(sed -nE "s/.* location=([^ /]+)(\/0x[0-9a-f]+)? reason: $1\$/\1/p" "$TEST_TMP/ktrace.txt" |
		sort | uniq -c | awk -v n="$2" '$1 >= n { print $2 }')
	if [ -n "$got" ] && grep -qxF "$got" <<<"$kernel"; then
		echo "$got"
	else
		echo "(the kernel's: ${kernel:-none})" | xargs
	fi
}

# The packet comments of FILE, cpu= masked, as "COUNT COMMENT" joined by "; ".
comments() {
	fields "$1" -e frame.comment | sed -E 's/ cpu=[0-9]+/ cpu=N/' |
		if [ -n "$KTRACE" ]; then cat; else
			sed -E 's/ location=[A-Za-z0-9_.]+\+0x[0-9a-f]+( |$)/ location=SYM+OFF\1/'
		fi | sort | uniq -c | sed -E 's/^ +//' | paste -sd';' | sed 's/;/; /g'
}

# Interface name, encapsulation (1 Ethernet, 7 raw IP), caplen and length of
# the packets in FILE, one line per distinct combination.
shapes() {
	fields "$1" -e frame.interface_name -e frame.encap_type -e frame.cap_len -e frame.len |
		sort -u | tr '\t' ' ' | paste -sd';'
}

# capture a|b OUT WANT SEND ARGS...: ebpfcap -q -w OUT ARGS in A or B. Once its
# trace link is live, record the kernel's tracepoints (drops with the reasons
# in KREASONS) while SEND, a command line, runs; stop ebpfcap when OUT holds
# WANT packets. Returns its exit status; LINKS says how it attached.
capture() {
	local ns=$1 out=$2 want=$3 send=$4 pid; shift 4
	rm -f "$out"
	"bg_$ns" "$EBPFCAP" -q -w "$out" "$@" 2>"$out.err"
	pid=$BG_PID
	LINKS=""
	if ! wait_trace_link "$pid"; then
		sed 's/^/# ebpfcap: /' "$out.err"
		kill -KILL "$pid" 2>/dev/null
		wait "$pid"
		: >"$TEST_TMP/ktrace.txt"
		return 1
	fi
	LINKS=$(trace_attach "$pid" | sort -u | xargs)
	ktrace_start "${KREASONS:-}"
	eval "$send"
	[ "$want" -gt 0 ] && wait_packets "$out" "$want"
	ktrace_stop
	kill -TERM "$pid"
	wait "$pid"
}

# send_from a|b DST4 DST6 PORT N4 N6 PIDFILE: N4 datagrams to DST4, then N6 to
# DST6, all written by one bash process itself (/dev/udp); its pid goes to PIDFILE.
send_from() {
	"in_$1" bash -c "echo \$\$ >$7
		for i in \$(seq $5); do echo -n payload\$i >/dev/udp/$2/$4; done
		for i in \$(seq $6); do echo -n payload\$i >/dev/udp/$3/$4; done" 2>/dev/null
	true
}

# nft_drop a|b HOOK PORT: drop UDP to PORT in the inet filter hook HOOK; nft_clear undoes it.
nft_drop() {
	"in_$1" nft -f - <<-EOF
	table inet ebc_test {
		chain c { type filter hook $2 priority 0; policy accept; udp dport $3 drop; }
	}
	EOF
}
nft_clear() { "in_$1" nft delete table inet ebc_test; }

# Trace mode options: auto is the default, so it passes none.
mode_args() { MODE_ARGS=(); [ "$1" = auto ] || MODE_ARGS=(--trace-mode "$1"); }
link_check() {	# link_check MODE NAME: raw attaches through raw_tp, btf through tp_btf
	case $1 in
	raw) is "$LINKS" raw_tracepoint:raw_tracepoint "$2: attached through raw_tp" ;;
	btf) is "$LINKS" raw_tracepoint:tracing "$2: attached through tp_btf" ;;
	esac
}

# Drops in B that A's traffic causes, with the reason the kernel gives on 6.18
# (checked against its own tracepoint). 5 datagrams each; -f "udp port PORT"
# leaves out the ICMP errors B answers with.
# description | reason | port | setup | send | teardown | ebpfcap args | caplen len
DROPS=(
	"UDP to a closed port|NO_SOCKET|40001|:|send_udp4 40001 5|:|-i drops|50 50"
	"UDP6 to a closed port|NO_SOCKET|40001|:|send_udp6 40001 5|:|-i tp:skb:kfree_skb|70 70"
	"nft drop in B's input hook|NETFILTER_DROP|40003|nft_drop b input 40003|send_udp4 40003 5|nft_clear b|-i drops -s 34|34 50"
	"no route in B, which forwards|IP_INNOROUTES|40004|in_b sysctl -qw net.ipv4.ip_forward=1|send_from a 198.19.0.5 - 40004 5 0 /dev/null|in_b sysctl -qw net.ipv4.ip_forward=0|-i drops|50 50"
	"not for B, which does not forward|IP_INADDRERRORS|40004|in_b sysctl -qw net.ipv4.ip_forward=0|send_from a 198.19.0.5 - 40004 5 0 /dev/null|:|-i drops|50 50"
)

drop_case() {	# drop_case MODE ROW
	local mode=$1 desc reason port setup send teardown args lens status
	IFS='|' read -r desc reason port setup send teardown args lens <<<"$2"
	local -a argv
	read -ra argv <<<"$args"
	local name="$mode: $desc" out=$TEST_TMP/drop.pcapng
	if [[ "$setup" == nft* ]] && [ -z "$HAVE_NFT" ]; then
		skip_case "nft is not installed" "$name"
		return
	fi
	mode_args "$mode"
	eval "$setup"
	KREASONS=$reason capture b "$out" 5 "$send" "${MODE_ARGS[@]}" "${argv[@]}" -f "udp port $port"
	status=$?
	eval "$teardown"
	is "$status $(cat "$out.err")" "0 " "$name: capture ran, exit 0, nothing on stderr"
	is "$(count_packets "$out")" 5 "$name: 5 drops"
	if [ -n "$KTRACE" ]; then
		ok "$([ "$(kcount "$reason")" -ge 5 ]; echo $?)" "$name: the kernel's tracepoint saw 5 drops with $reason"
	else
		skip_case "no tracefs instance" "$name: the kernel's tracepoint"
	fi
	# Dropped in softirq (A's transmit runs B's receive): no process.
	is "$(comments "$out")" \
		"5 hook=tp:skb:kfree_skb if=vb ifindex=$IFX_B netns=$NETNS_B cpu=N reason=$reason location=$(kloc "$reason" 5 "$out")" \
		"$name: comment names vb, B's netns, $reason and the kernel's location, no process"
	is "$(shapes "$out")" "tp:skb:kfree_skb 1 $lens" "$name: Ethernet frames on tp:skb:kfree_skb, caplen and len $lens"
	is "$(fields "$out" -e eth.src | sort -u)" "$MAC_A" "$name: the frame as A sent it"
	is "$(idbs "$out" | paste -sd';')" "tp:skb:kfree_skb 1 5 stats;tp:skb:kfree_skb:ip 7 0 stats" \
		"$name: interfaces tp:skb:kfree_skb (Ethernet) and tp:skb:kfree_skb:ip (raw IP), with statistics"
	link_check "$mode" "$name"
	wait_nothing_attached "$NS_B" vb; ok $? "$name: nothing attached afterwards"
}

# Locally generated packets that B's output hook drops have no MAC header yet,
# no device, and the sender's process context: the raw IP interface, if=-,
# the netns from the socket, and the sender named.
l3_case() {	# l3_case MODE
	local mode=$1 name="$1: nft drop in B's output hook" out=$TEST_TMP/l3.pcapng status s
	[ -n "$HAVE_NFT" ] || { skip_case "nft is not installed" "$name"; return; }
	mode_args "$mode"
	nft_drop b output 40005
	KREASONS=NETFILTER_DROP capture b "$out" 8 "send_from b 198.18.0.1 2001:2::1 40005 5 3 $TEST_TMP/sender" \
		"${MODE_ARGS[@]}" -i drops -f "udp port 40005"
	status=$?
	nft_clear b
	s=$(cat "$TEST_TMP/sender")
	is "$status $(cat "$out.err")" "0 " "$name: capture ran, exit 0, nothing on stderr"
	is "$(count_packets "$out")" 8 "$name: 8 drops (5 IPv4, 3 IPv6)"
	if [ -n "$KTRACE" ]; then
		ok "$([ "$(kcount NETFILTER_DROP)" -ge 8 ]; echo $?)" "$name: the kernel's tracepoint saw 8 drops with NETFILTER_DROP"
	else
		skip_case "no tracefs instance" "$name: the kernel's tracepoint"
	fi
	is "$(comments "$out")" \
		"8 hook=tp:skb:kfree_skb if=- ifindex=0 netns=$NETNS_B cpu=N reason=NETFILTER_DROP location=$(kloc NETFILTER_DROP 8 "$out") pid=$s tid=$s comm=bash" \
		"$name: comment with no device, B's netns, NETFILTER_DROP, and the sending bash"
	is "$(shapes "$out")" "tp:skb:kfree_skb:ip 7 36 36;tp:skb:kfree_skb:ip 7 56 56" \
		"$name: raw IP packets on tp:skb:kfree_skb:ip, 36 (IPv4) and 56 bytes (IPv6)"
	is "$(fields "$out" -e ip.dst -e ipv6.dst -e udp.dstport | awk -F'\t' '{ print $1 $2, $3 }' |
		sort | uniq -c | sed -E 's/^ +//' | paste -sd';')" "5 198.18.0.1 40005;3 2001:2::1 40005" \
		"$name: the IP packets B's bash sent, to A"
	is "$(fields "$out" -e udp.payload | head -1)" "$(printf payload1 | od -An -tx1 | tr -d ' \n')" \
		"$name: the first one intact"
	is "$(idbs "$out" | paste -sd';')" "tp:skb:kfree_skb 1 0 stats;tp:skb:kfree_skb:ip 7 8 stats" \
		"$name: both interfaces, the packets on the raw IP one"
	link_check "$mode" "$name"
	wait_nothing_attached "$NS_B" vb; ok $? "$name: nothing attached afterwards"
}

# B's receive path: softirq, so no process.
rx_case() {	# rx_case MODE
	local mode=$1 name="$1: tp:net:netif_receive_skb in B" out=$TEST_TMP/rx.pcapng status
	mode_args "$mode"
	capture b "$out" 5 "send_udp4 40002 5" "${MODE_ARGS[@]}" -i tp:net:netif_receive_skb -f "udp port 40002"
	status=$?
	is "$status $(cat "$out.err")" "0 " "$name: capture ran, exit 0, nothing on stderr"
	is "$(count_packets "$out")" 5 "$name: the 5 datagrams A sent"
	if [ -n "$KTRACE" ]; then
		ok "$([ "$(kevents netif_receive_skb vb 36)" -ge 5 ]; echo $?)" "$name: the kernel's tracepoint saw them on vb"
	else
		skip_case "no tracefs instance" "$name: the kernel's tracepoint"
	fi
	is "$(comments "$out")" "5 hook=tp:net:netif_receive_skb if=vb ifindex=$IFX_B netns=$NETNS_B cpu=N" \
		"$name: comment names vb and B's netns, no reason, no location, no process (softirq)"
	is "$(shapes "$out")" "tp:net:netif_receive_skb 1 50 50" "$name: whole Ethernet frames on tp:net:netif_receive_skb"
	is "$(fields "$out" -e eth.src -e udp.payload | head -1 | tr '\t' ' ')" \
		"$MAC_A $(printf payload1 | od -An -tx1 | tr -d ' \n')" "$name: the first frame intact"
	is "$(idbs "$out" | paste -sd';')" "tp:net:netif_receive_skb 1 5 stats;tp:net:netif_receive_skb:ip 7 0 stats" \
		"$name: interfaces tp:net:netif_receive_skb and tp:net:netif_receive_skb:ip, with statistics"
	link_check "$mode" "$name"
	wait_nothing_attached "$NS_B" vb; ok $? "$name: nothing attached afterwards"
}

# A's transmit path: queued in the sender's process context, so the sender is
# named. B's ICMP errors are queued on vb, in B: not in A's capture.
tx_case() {	# tx_case MODE
	local mode=$1 name="$1: tp:net:net_dev_queue in A" out=$TEST_TMP/tx.pcapng status s
	mode_args "$mode"
	capture a "$out" 5 "send_from a 198.18.0.2 - 40002 5 0 $TEST_TMP/sender" \
		"${MODE_ARGS[@]}" -i tp:net:net_dev_queue -f "udp port 40002 or icmp"
	status=$?
	s=$(cat "$TEST_TMP/sender")
	is "$status $(cat "$out.err")" "0 " "$name: capture ran, exit 0, nothing on stderr"
	is "$(count_packets "$out")" 5 "$name: the 5 datagrams, not B's ICMP errors (queued in B)"
	if [ -n "$KTRACE" ]; then
		ok "$([ "$(kevents net_dev_queue va 50)" -ge 5 ]; echo $?)" "$name: the kernel's tracepoint saw them on va"
	else
		skip_case "no tracefs instance" "$name: the kernel's tracepoint"
	fi
	is "$(comments "$out")" \
		"5 hook=tp:net:net_dev_queue if=va ifindex=$IFX_A netns=$NETNS_A cpu=N pid=$s tid=$s comm=bash" \
		"$name: comment names va, A's netns and the sending bash ($s)"
	is "$(shapes "$out")" "tp:net:net_dev_queue 1 50 50" "$name: whole Ethernet frames on tp:net:net_dev_queue"
	is "$(fields "$out" -e eth.src -e eth.dst | sort -u | tr '\t' ' ')" "$MAC_A $MAC_B" "$name: A's frames to B"
	link_check "$mode" "$name"
	wait_nothing_attached "$NS_A" va; ok $? "$name: nothing attached afterwards"
}

for mode in auto raw; do
	for row in "${DROPS[@]}"; do drop_case "$mode" "$row"; done
	l3_case "$mode"
	rx_case "$mode"
	tx_case "$mode"
done

# Paged data. TCP keeps a data segment's payload in page fragments and only
# its headers in the linear part, and veth's TSO lets the data reach
# net_dev_queue as one GSO skb longer than the MTU (3000 bytes: one skb of
# 3066; 30000: several, as the ACKs clock them out). tp_btf reads the
# fragments through an skb dynptr, so caplen = min(snaplen, len); raw_tp reads
# the linear part only, so caplen = the headers (14 + IP + TCP header). len is
# the whole skb either way. The filter keeps the segments that carry data.
# description | mode | payload bytes | ebpfcap args | caplen: len, N (min(N, len)) or hdrs
PAGED=(
	"3000 bytes in one write|auto|3000||len"
	"3000 bytes, -s 100|auto|3000|-s 100|100"
	"3000 bytes in one write|raw|3000||hdrs"
	"30000 bytes in one write|auto|30000||len"
	"30000 bytes in one write|raw|30000||hdrs"
)
PAGED_FILTER="tcp dst port 40010 and ip[2:2] - ((ip[0] & 0xf) << 2) - ((tcp[12] & 0xf0) >> 2) != 0"
HAVE_NC=$(nc -h 2>&1 | grep -q OpenBSD && echo yes)
# A retransmission (a tail loss probe on a busy machine) would count its bytes twice.
NO_RETX='!tcp.analysis.retransmission'

# The packets of FILE whose caplen breaks RULE (len, N or hdrs) or whose len
# is not the whole IP packet on Ethernet, one line each (none when all are right).
paged_bad_lens() {	# paged_bad_lens FILE RULE
	fields "$1" -e frame.number -e frame.cap_len -e frame.len -e ip.len -e ip.hdr_len -e tcp.hdr_len |
		awk -F'\t' -v rule="$2" '{
			want = rule == "len" ? $3 : rule == "hdrs" ? 14 + $5 + $6 : ($3 < rule + 0 ? $3 : rule + 0)
			if ($2 != want || $3 != 14 + $4 || (rule == "hdrs" && $2 >= $3))
				print "frame " $1 ": caplen " $2 " len " $3 " ip.len " $4 " ip.hdr_len " $5 " tcp.hdr_len " $6 " (caplen should be " want ")"
		}'
}

# The frames of FILE whose captured TCP payload is not the sent bytes at that
# segment's (relative: the capture starts at the first data) sequence number;
# PAYLOAD is the sent bytes in hex.
paged_bad_bytes() {	# paged_bad_bytes FILE PAYLOAD
	fields "$1" -e frame.number -e tcp.seq -e tcp.payload |
		awk -F'\t' -v sent="$2" '
			substr(sent, 2 * ($2 - 1) + 1, length($3)) != $3 { print "frame " $1 " (seq " $2 ")" }'
}

paged_case() {	# paged_case ROW
	local desc mode bytes args rule status want what
	IFS='|' read -r desc mode bytes args rule <<<"$1"
	local name="$mode: paged data, $desc" out=$TEST_TMP/paged.pcapng payload=$TEST_TMP/payload hex lens
	local -a argv
	read -ra argv <<<"$args"
	[ -n "$HAVE_NC" ] || { skip_case "needs OpenBSD netcat (nc) to listen in B" "$name"; return; }
	printf 'ebpfcap-paged-%.0s' $(seq $((bytes / 14 + 1))) | head -c "$bytes" >"$payload"
	hex=$(od -An -v -tx1 "$payload" | tr -d ' \n')
	mode_args "$mode"
	capture a "$out" 0 "tcp_send4 40010 $payload; wait_tcp_bytes $out $bytes" "${MODE_ARGS[@]}" \
		--log-file "$out.log" --log-level info -i tp:net:net_dev_queue "${argv[@]}" -f "$PAGED_FILTER"
	status=$?
	lens=$(fields "$out" -e frame.cap_len -e frame.len | tr '\t' / | xargs)
	echo "# $name: caplen/len per skb: $lens"
	is "$status $(cat "$out.err")" "0 " "$name: capture ran, exit 0, nothing on stderr"
	cmp -s "$payload" "$payload.rcvd"; ok $? "$name: B received the $bytes bytes"
	is "$(tcp_bytes "$out")" "$bytes" "$name: the data segments carry all $bytes bytes, once"
	# Without the dynptr (a kernel whose tp_btf may not read one), auto reads the linear part only.
	if [ "$mode" = auto ] && [ "$rule" != hdrs ] && ! grep -q 'through an skb dynptr' "$out.log"; then
		skip_case "tp_btf cannot read an skb dynptr on this kernel" "$name: caplen $rule"
		skip_case "tp_btf cannot read an skb dynptr on this kernel" "$name: the payload bytes"
	else
		is "$(paged_bad_lens "$out" "$rule")" "" "$name: every data segment's caplen is $rule, its len the whole skb"
		case $rule in
		len) want=$bytes what="all $bytes" ;;
		hdrs) want=0 what="none (the linear part holds only the headers)" ;;
		*) want=$(fields "$out" -Y "$NO_RETX" -e frame.cap_len -e ip.hdr_len -e tcp.hdr_len |
			awk '{ n += $1 - 14 - $2 - $3 } END { print n + 0 }')
			what="each segment's first, up to the snap length" ;;
		esac
		is "$(fields "$out" -Y "$NO_RETX" -e tcp.payload | awk '{ n += length($1) / 2 } END { print n + 0 }')" \
			"$want" "$name: payload bytes captured: $what"
		[ "$rule" = hdrs ] ||
			is "$(paged_bad_bytes "$out" "$hex")" "" "$name: the captured payload is the bytes sent, at each segment's sequence number"
	fi
	if [ -n "$KTRACE" ]; then
		is "$(fields "$out" -e frame.len | sort | uniq -c | while read -r n len; do
			[ "$(kevents net_dev_queue va "$len")" -ge "$n" ] || echo "len=$len"; done)" "" \
			"$name: the kernel's tracepoint saw skbs of these lengths on va"
	else
		skip_case "no tracefs instance" "$name: the kernel's tracepoint"
	fi
	link_check "$mode" "$name"
	wait_nothing_attached "$NS_A" va; ok $? "$name: nothing attached afterwards"
}
for row in "${PAGED[@]}"; do paged_case "$row"; done

# --trace-mode btf: tp_btf only.
out=$TEST_TMP/btf.pcapng
capture b "$out" 5 "send_udp4 40001 5" --trace-mode btf -i drops -f "udp port 40001"
status=$?
is "$status $(cat "$out.err")" "0 " "btf: capture ran, exit 0, nothing on stderr"
is "$(count_packets "$out")" 5 "btf: 5 drops"
link_check btf btf

# A tracepoint named without its group: the interfaces carry the full name.
out=$TEST_TMP/short.pcapng
capture b "$out" 5 "send_udp4 40002 5" -i tp:netif_receive_skb -f "udp port 40002"
status=$?
is "$status $(cat "$out.err")" "0 " "tp:netif_receive_skb: capture ran, exit 0, nothing on stderr"
is "$(idbs "$out" | paste -sd';')" "tp:net:netif_receive_skb 1 5 stats;tp:net:netif_receive_skb:ip 7 0 stats" \
	"tp:netif_receive_skb: the tap is named tp:net:netif_receive_skb"

# -c stops by itself.
out=$TEST_TMP/count.pcapng
bg_b "$EBPFCAP" -q -i drops -c 3 -w "$out" -f "udp port 40001" 2>"$out.err"
pid=$BG_PID
if wait_trace_link "$pid"; then
	send_udp4 40001 5
	wait_gone "$pid"
	ok $? "-c 3: ebpfcap stopped by itself"
else
	kill -KILL "$pid" 2>/dev/null
	ok 1 "-c 3: ebpfcap stopped by itself"
fi
wait "$pid"
status=$?
is "$status $(cat "$out.err")" "0 " "-c 3: exit 0, nothing on stderr"
is "$(count_packets "$out")" 3 "-c 3: 3 packets"

# The netns filter. Three captures in A at once while B drops: the default
# one sees none of B's drops; --all-netns sees them with B's netns, and on
# net_dev_queue both A's datagrams (with the sender) and B's ICMP errors
# (queued in softirq: no process), each with its own netns.
own=$TEST_TMP/ns-own.pcapng all=$TEST_TMP/ns-all.pcapng alltx=$TEST_TMP/ns-alltx.pcapng
bg_a "$EBPFCAP" -q -w "$own" -i drops -f "udp port 40001" 2>"$own.err"; p_own=$BG_PID
bg_a "$EBPFCAP" -q -w "$all" --all-netns -i drops -f "udp port 40001" 2>"$all.err"; p_all=$BG_PID
bg_a "$EBPFCAP" -q -w "$alltx" --all-netns -i tp:net:net_dev_queue \
	-f "udp port 40002 or (icmp and host 198.18.0.1)" 2>"$alltx.err"; p_alltx=$BG_PID
live=0
wait_trace_link $p_own && wait_trace_link $p_all && wait_trace_link $p_alltx && live=1
if [ $live = 1 ]; then
	ktrace_start NO_SOCKET
	send_udp4 40001 5			# 5 NO_SOCKET drops in B, 5 ICMP errors back
	send_from a 198.18.0.2 - 40002 5 0 "$TEST_TMP/sender"	# 5 more of each
	wait_packets "$all" 5
	wait_packets "$alltx" 15
	ktrace_stop
fi
kill -TERM $p_own $p_all $p_alltx 2>/dev/null
status=0
for p in $p_own $p_all $p_alltx; do wait "$p" || status=$?; done
s=$(cat "$TEST_TMP/sender" 2>/dev/null)
ok $((1 - live)) "netns: three captures attached in A"
is "$status $(cat "$own.err" "$all.err" "$alltx.err")" "0 " "netns: all three exit 0, nothing on stderr"
is "$(count_packets "$own")" 0 "netns: a capture in A sees none of B's drops"
is "$(comments "$all")" \
	"5 hook=tp:skb:kfree_skb if=vb ifindex=$IFX_B netns=$NETNS_B cpu=N reason=NO_SOCKET location=$(kloc NO_SOCKET 5 "$all")" \
	"netns: with --all-netns, B's 5 drops with B's netns"
is "$(comments "$alltx")" \
	"5 hook=tp:net:net_dev_queue if=va ifindex=$IFX_A netns=$NETNS_A cpu=N pid=$s tid=$s comm=bash; 10 hook=tp:net:net_dev_queue if=vb ifindex=$IFX_B netns=$NETNS_B cpu=N" \
	"netns: with --all-netns, A's 5 datagrams (sender named) and B's 10 ICMP errors (none)"
wait_nothing_attached "$NS_A" va; ok $? "netns: nothing attached afterwards"

# Refusals: a non-zero exit (not a crash or a timeout), one line on stderr
# that says why, nothing on stdout, nothing attached.
refused() {	# refused DESC ERE ARGS...: ERE (grep -Ei) what the line must say
	local desc=$1 ere=$2 status; shift 2
	in_b timeout 20 "$EBPFCAP" -w "$TEST_TMP/refused.pcapng" "$@" >"$TEST_TMP/stdout" 2>"$TEST_TMP/stderr" </dev/null
	status=$?
	sed 's/^/# stderr: /' "$TEST_TMP/stderr"
	ok "$([ "$status" -ge 1 ] && [ "$status" -le 123 ]; echo $?)" "$desc: exit status non-zero ($status)"
	is "$(grep -c '' "$TEST_TMP/stderr")" 1 "$desc: one line on stderr"
	grep -Eqi "$ere" "$TEST_TMP/stderr"; ok $? "$desc: the line says /$ere/"
	is "$(wc -c <"$TEST_TMP/stdout")" 0 "$desc: nothing on stdout"
	wait_nothing_attached "$NS_B" vb; ok $? "$desc: nothing attached"
}
refused "kfunc:no_such_function_xyz" "no_such_function_xyz" -i kfunc:no_such_function_xyz
refused "tp:sched:sched_switch (no sk_buff)" "sched_switch" -i tp:sched:sched_switch
refused "tp:nope" "nope" -i tp:nope
refused "--trace-mode bogus" "bogus" --trace-mode bogus -i drops

# Kernel functions: attached through fentry or a kprobe where either works
# (then they must capture); otherwise, as on a kernel without kprobes whose
# fentry is refused (EPERM), one line that names both ways (fexit for kretfunc).
for tap in kfunc:ip_rcv kretfunc:ip_rcv:arg1; do
	entry=fentry; [[ $tap == kretfunc:* ]] && entry=fexit
	out=$TEST_TMP/kfunc.pcapng
	bg_b "$EBPFCAP" -q -i "$tap" -w "$out" -f "udp port 40006" >"$TEST_TMP/stdout" 2>"$TEST_TMP/stderr"
	pid=$BG_PID
	if wait_trace_link "$pid" >/dev/null; then
		send_udp4 40006 5
		wait_packets "$out" 5
		kill -TERM "$pid"; wait "$pid"
		is "$?" 0 "$tap: attached where functions can be traced, exit 0"
		is "$(count_packets "$out")" 5 "$tap: the 5 datagrams ip_rcv got"
	else
		kill -KILL "$pid" 2>/dev/null
		wait "$pid"
		status=$?
		sed 's/^/# stderr: /' "$TEST_TMP/stderr"
		ok "$([ ! -e /sys/kernel/tracing/kprobe_events ]; echo $?)" "$tap: refused only on a kernel without kprobes"
		ok "$([ "$status" -ge 1 ] && [ "$status" -le 123 ]; echo $?)" "$tap: exit status non-zero ($status)"
		is "$(grep -c '' "$TEST_TMP/stderr")" 1 "$tap: one line on stderr"
		grep -Eqi "kprobe.*$entry|$entry.*kprobe" "$TEST_TMP/stderr"
		ok $? "$tap: the line names both kprobes and $entry"
		is "$(wc -c <"$TEST_TMP/stdout")" 0 "$tap: nothing on stdout"
	fi
	wait_nothing_attached "$NS_B" vb; ok $? "$tap: nothing attached"
done

is "$(our_pids | xargs)" "" "no ebpfcap left running in our namespaces"
is "$(leaked_progs | xargs)" "" "no ebc_ program left loaded"
done_testing
