#!/usr/bin/env bash
# Standalone captures at tc and XDP: exact counts for a known mix, the filter
# in the kernel, comments and direction per packet, snaplen, pipes.
. "$(dirname "$0")/../lib/common.sh"
need_root
mount_fs
setup_pair || skip_all "cannot create network namespaces"
exact_icmp_errors

# capture OUT WANT ARGS...: run ebpfcap in A, send the mix, stop it once WANT packets arrived.
capture_mix() {
	local out=$1 want=$2 links=$3; shift 3
	bg_a "$EBPFCAP" -q -w "$out" "$@" 2>"$out.err"
	local pid=$BG_PID
	wait_links "$links" || { kill $pid; return 1; }
	send_mix
	[ "$want" -gt 0 ] && wait_packets "$out" "$want"
	kill -TERM $pid
	wait $pid
}

declare -A WANT=(
	[all]=$MIX_TOTAL
	["udp"]=9
	["udp port 53"]=5
	["icmp"]=11
	["icmp6"]=8
	["ip6"]=14
	["ip"]=20
	["tcp"]=6
	# tcp[] reads the IPv4 header only (pcap-filter(7)): the IPv6 SYN does not count.
	["tcp[tcpflags] & tcp-syn != 0"]=2
	["host 2001:2::2 and udp"]=4
	["src host 198.18.0.2"]=10
	["icmp[icmptype] = icmp-echoreply"]=3
	# 118-byte ICMPv6 echoes and port unreachables; the IPv4 ones are 98 and 78.
	["greater 100"]=8
	["udp port 9999"]=0
	# protochain is a bounded loop in the datapath program (cbpf2c).
	["ip6 protochain 58"]=8
	["ip6 protochain 17"]=4
)
for f in all "udp" "udp port 53" "icmp" "icmp6" "ip6" "ip" "tcp" \
	"tcp[tcpflags] & tcp-syn != 0" "host 2001:2::2 and udp" "src host 198.18.0.2" \
	"icmp[icmptype] = icmp-echoreply" "greater 100" "udp port 9999" \
	"ip6 protochain 58" "ip6 protochain 17"; do
	out=$TEST_TMP/f.pcapng
	expr=$f; [ "$f" = all ] && expr=""
	capture_mix "$out" "${WANT[$f]}" 2 -i tc:va ${expr:+-f "$expr"}
	ok $? "tc:va filter '$f': capture ran and exited 0"
	is "$(count_packets "$out")" "${WANT[$f]}" "tc:va filter '$f': ${WANT[$f]} packets"
done

out=$TEST_TMP/mix.pcapng
capture_mix "$out" $MIX_TOTAL 2 -i tc:va
is "$(fields "$out" -e frame.packet_flags_direction | sort | uniq -c | awk '{print $2 "=" $1}' | xargs)" \
	"0x00000001=$MIX_INGRESS 0x00000002=$MIX_EGRESS" "direction flags: $MIX_INGRESS in, $MIX_EGRESS out"
bad=$(fields "$out" -e frame.packet_flags_direction -e frame.comment | awk -F'\t' '
	!($2 ~ /^hook=tc-(ingress|egress) if=va ifindex=[0-9]+ cpu=[0-9]+( pid=[0-9]+ tid=[0-9]+ comm=[^ ]+)?$/) { bad++ }
	$1 == "0x00000001" && $2 !~ /hook=tc-ingress/ { bad++ }
	$1 == "0x00000002" && $2 !~ /hook=tc-egress/ { bad++ }
	END { print bad + 0 }')
is "$bad" 0 "every comment has the documented format and agrees with the direction flag"
is "$(fields "$out" -e frame.interface_name | sort -u | xargs)" "tc:va" "interface name tc:va"
is "$(fields "$out" -e frame.verdict.ebpf_tc | sort -u | xargs)" "-1" "epb_verdict TC present (TC_ACT_UNSPEC)"
is "$(fields "$out" -e frame.drop_count | sort -u | xargs)" "0" "epb_dropcount 0 without overload"
ok "$(grep -c . "$out.err")" "no output on stderr with -q"
is "$(tshark -r "$out" -Y 'udp && ip.src == 198.18.0.1' -T fields -e udp.payload 2>/dev/null | head -1)" \
	"$(printf 'payload1' | od -An -tx1 | tr -d ' \n')" "packet bytes intact (first UDP payload)"

# The process behind a packet: named from its socket, never guessed. ping's
# requests leave with its pid; the replies arrive with no socket, so none.
bg_a "$EBPFCAP" -q -i tc:va -w "$out" icmp 2>/dev/null
pid=$BG_PID
wait_links 2
bg_a ping -q -c 3 -i 0.01 -W 1 198.18.0.2 >/dev/null
ping_pid=$BG_PID
wait $ping_pid
wait_packets "$out" 6
kill -TERM $pid; wait $pid
is "$(fields "$out" -Y 'icmp.type == 8' -e frame.comment | sed 's/.* pid=/pid=/' | sort -u)" \
	"pid=$ping_pid tid=$ping_pid comm=ping" "egress echo requests name ping's pid and comm"
is "$(fields "$out" -Y 'icmp.type == 0' -e frame.comment | grep -c 'pid=')" 0 \
	"echo replies (no socket at tc ingress) name no process"

# Direction selection.
capture_mix "$out" $MIX_EGRESS 1 -i tc:va -Q out
is "$(count_packets "$out")" $MIX_EGRESS "-Q out: only egress"
is "$(fields "$out" -e frame.packet_flags_direction | sort -u | xargs)" "0x00000002" "-Q out: all outbound"
capture_mix "$out" $MIX_INGRESS 1 -i tc:va -Q in
is "$(count_packets "$out")" $MIX_INGRESS "-Q in: only ingress"

# Snaplen applied in the kernel: caplen = min(len, snaplen), len untouched.
capture_mix "$out" 6 2 -i tc:va -s 64 icmp and not icmp[icmptype] = icmp-unreach
is "$(fields "$out" -e frame.cap_len -e frame.len | sort -u | tr '\t' / | xargs)" "64/98" \
	"-s 64: caplen 64, len 98"

# XDP on B's side: only what arrives at vb.
bg_b "$EBPFCAP" -q -i xdp:vb -w "$out" 2>/dev/null
pid=$BG_PID
wait_links 1
send_mix
wait_packets "$out" $MIX_EGRESS
kill -TERM $pid; wait $pid
ok $? "xdp:vb: exit status 0 after SIGTERM"
is "$(count_packets "$out")" $MIX_EGRESS "xdp:vb: $MIX_EGRESS packets arrive at B"
bad=$(fields "$out" -e frame.packet_flags_direction -e frame.verdict.ebpf_xdp -e frame.comment | awk -F'\t' '
	!($1 == "0x00000001" && $2 == "2" && $3 ~ /^hook=xdp if=vb ifindex=[0-9]+ cpu=[0-9]+ xdp=XDP_PASS$/) { bad++ }
	END { print bad + 0 }')
is "$bad" 0 "xdp:vb: inbound, epb_verdict XDP_PASS, comment with xdp=XDP_PASS"

# -c stops by itself; -w - into tshark -r - and into dumpcap -i -.
in_b "$EBPFCAP" -q -i xdp:vb -c 3 -w - icmp 2>/dev/null | tshark -r - -T fields -e icmp.type >"$TEST_TMP/pipe.txt" 2>/dev/null &
pid=$!
wait_links 1
ping4 3
wait_gone $pid
ok $? "-c 3 -w - | tshark -r -: ebpfcap stopped by itself"
is "$(xargs <"$TEST_TMP/pipe.txt")" "8 8 8" "tshark read 3 echo requests from the pipe"

in_b "$EBPFCAP" -q -i xdp:vb -c 4 -w - udp 2>/dev/null | dumpcap -q -i - -w "$TEST_TMP/dumpcap.pcapng" 2>/dev/null &
pid=$!
wait_links 1
send_udp4 53 4
wait_gone $pid
ok $? "-w - | dumpcap -i -: both exit"
is "$(count_packets "$TEST_TMP/dumpcap.pcapng")" 4 "dumpcap wrote the 4 UDP packets"
is "$(fields "$TEST_TMP/dumpcap.pcapng" -e frame.comment | grep -c 'hook=xdp if=vb')" 4 \
	"comments survive dumpcap"

nothing_attached "$NS_A" va; ok $? "nothing attached on va afterwards"
nothing_attached "$NS_B" vb; ok $? "nothing attached on vb afterwards"
done_testing
