#!/usr/bin/env bash
# The extcap path through real tshark: tshark -D, captures started by tshark
# with -f, -c and -o extcap.IF.ARG:VALUE, the tc, XDP and "any" interfaces,
# SIGTERM, filter errors, and the GUI's filter validation call. tshark runs in
# namespace A or B because the extcap inherits its network namespace.
. "$(dirname "$0")/../lib/common.sh"
need_root
mount_fs
command -v capinfos >/dev/null || skip_all "needs capinfos"
setup_pair || skip_all "cannot create network namespaces"
exact_icmp_errors
wireshark_conf

NFILE=0
# A fresh output file per capture, so a wait never counts an earlier file.
new_file() { NFILE=$((NFILE + 1)); F=$TEST_TMP/t$NFILE.pcapng; }

# The ebpfcap that tshark PID started, and its command line.
extcap_of() { pgrep -P "$1" -f -- '--capture --extcap-interface' | head -1; }
extcap_args() { tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null; }

# wait_capture PID N: N tap links attached (wait_links); EXTCAP_PID is the
# ebpfcap under tshark PID.
wait_capture() {
	wait_links "$2"
	local rc=$?
	EXTCAP_PID=$(extcap_of "$1")
	[ -n "$EXTCAP_PID" ] || { echo "# tshark $1 runs no ebpfcap"; return 1; }
	return $rc
}

# start_tshark a|b ARGS...: tshark -q ARGS -w F in the background; TS_PID.
start_tshark() {
	local ns=$1; shift
	new_file
	"bg_$ns" tshark -q "$@" -w "$F" 2>"$F.err"
	TS_PID=$BG_PID
}
# stop_tshark: SIGTERM as the GUI's stop button does; TS_RC is tshark's
# status. Bounded: a SIGTERM that tshark 4.0 receives while dumpcap is still
# starting is lost, so a tshark still there after 10 s is killed (status 137).
stop_tshark() {
	kill -TERM "$TS_PID"
	wait_gone "$TS_PID" || { echo "# tshark $TS_PID ignored SIGTERM: killed"; kill -KILL "$TS_PID"; }
	wait "$TS_PID"
	TS_RC=$?
}
# capture NS WANT LINKS TRAFFIC ARGS...: start, wait for the links, run
# TRAFFIC, wait for WANT packets in F, stop.
capture() {
	local ns=$1 want=$2 links=$3 traffic=$4; shift 4
	start_tshark "$ns" "$@"
	wait_capture "$TS_PID" "$links" || { stop_tshark; return 1; }
	$traffic
	wait_packets "$F" "$want"
	stop_tshark
	return $TS_RC
}
# tshark's summary line on stderr ("N packets captured").
captured() { grep -E '^[0-9]+ packets? captured$' "$F.err" | awk '{print $1}'; }
directions() { fields "$F" -e frame.packet_flags_direction | sort | uniq -c | awk '{print $2 "=" $1}' | xargs; }

TC=(-i ebpfcap-tc -o extcap.ebpfcap_tc.device:va)
XDP=(-i ebpfcap-xdp -o extcap.ebpfcap_xdp.device:vb)
ping3() { ping4 3; }

# 1. tshark -D lists the seven interfaces (tshark sorts them) with their display names.
is "$(in_a tshark -D 2>/dev/null | sed -n 's/^[0-9]*\. \(ebpfcap.*\)/\1/p')" \
"ebpfcap (eBPF capture: tc on all devices (like -i any))
ebpfcap-drops (eBPF capture: packets the kernel drops (skb:kfree_skb))
ebpfcap-kfunc (eBPF capture: entry or exit of a kernel function taking an sk_buff)
ebpfcap-sockets (eBPF capture: what processes read and write on their sockets (syscalls))
ebpfcap-tc (eBPF capture: tc ingress/egress of one device)
ebpfcap-tracepoint (eBPF capture: a tracepoint carrying an sk_buff)
ebpfcap-xdp (eBPF capture: XDP hook of one device)" "tshark -D: exactly the seven ebpfcap interfaces with display names"

# 2. ebpfcap-tc on va, no filter: the whole mix, both directions.
capture a $MIX_TOTAL 2 send_mix "${TC[@]}"
ok $? "ebpfcap-tc: tshark exits 0 after SIGTERM"
wait_gone "$EXTCAP_PID"
ok $? "ebpfcap-tc: the extcap has exited"
is "$(count_packets "$F")" $MIX_TOTAL "ebpfcap-tc: $MIX_TOTAL packets"
is "$(captured)" $MIX_TOTAL "ebpfcap-tc: tshark reports $MIX_TOTAL packets captured"
is "$(fields "$F" -e frame.interface_name | sort -u | xargs)" "tc:va" "ebpfcap-tc: if_name tc:va"
is "$(directions)" "0x00000001=$MIX_INGRESS 0x00000002=$MIX_EGRESS" \
	"ebpfcap-tc: $MIX_INGRESS inbound, $MIX_EGRESS outbound"
bad=$(fields "$F" -e frame.packet_flags_direction -e frame.comment | awk -F'\t' '
	!($2 ~ /^hook=tc-(ingress|egress) if=va ifindex=[0-9]+ cpu=[0-9]+( pid=[0-9]+ tid=[0-9]+ comm=[^ ]+)?$/) { bad++ }
	$1 == "0x00000001" && $2 !~ /^hook=tc-ingress / { bad++ }
	$1 == "0x00000002" && $2 !~ /^hook=tc-egress / { bad++ }
	END { print bad + 0 }')
is "$bad" 0 "ebpfcap-tc: every comment has the documented format and matches the direction"
[ "$bad" -eq 0 ] || fields "$F" -e frame.comment | head -3 | sed 's/^/#   /'

# 3. Capture filters given to tshark -f run in ebpfcap.
declare -A WANT=(["udp"]=9 ["icmp6"]=8 ["udp port 53"]=5)
for f in "udp" "icmp6" "udp port 53"; do
	capture a "${WANT[$f]}" 2 send_mix "${TC[@]}" -f "$f"
	ok $? "-f '$f': tshark exits 0"
	is "$(count_packets "$F")" "${WANT[$f]}" "-f '$f': ${WANT[$f]} packets"
	is "$(fields "$F" -e frame.interface_name | sort -u)" "tc:va" "-f '$f': packets on tc:va"
	[ "$f" = udp ] && UDPFILE=$F
done

# 4. -c: tshark stops by itself after N packets.
start_tshark a "${TC[@]}" -f icmp -c 4
wait_capture "$TS_PID" 2
ping4 3
wait_gone "$TS_PID"
ok $? "-c 4: tshark stopped by itself"
wait "$TS_PID"
is $? 0 "-c 4: tshark exit status 0"
is "$(count_packets "$F")" 4 "-c 4: exactly 4 packets"
wait_gone "$EXTCAP_PID"
ok $? "-c 4: the extcap has exited too"

# 5. -o extcap.ebpfcap_tc.*: snaplen, direction, ringsize reach ebpfcap.
capture a 6 2 ping3 "${TC[@]}" -o extcap.ebpfcap_tc.snaplen:64 -f "icmp and not icmp[icmptype] = icmp-unreach"
ok $? "snaplen:64: tshark exits 0"
is "$(count_packets "$F")" 6 "snaplen:64: 6 echo packets"
is "$(fields "$F" -e frame.cap_len -e frame.len | sort -u | tr '\t' / | xargs)" "64/98" \
	"snaplen:64: caplen 64, len 98 for every packet"

for d in egress ingress; do
	want=$MIX_EGRESS flag=0x00000002
	[ $d = ingress ] && want=$MIX_INGRESS flag=0x00000001
	capture a $want 1 send_mix "${TC[@]}" -o extcap.ebpfcap_tc.direction:$d
	ok $? "direction:$d: tshark exits 0"
	is "$(directions)" "$flag=$want" "direction:$d: $want packets, all $flag"
	desc=$(fields "$F" -e frame.interface_description | sort -u)
	[[ $desc =~ ^tc\ $d\ of\ va\ \((tcx|clsact)\)$ ]]
	ok $? "direction:$d: interface description '$desc' says '$d of va'"
done

capture a $MIX_TOTAL 2 send_mix "${TC[@]}" -o extcap.ebpfcap_tc.ringsize:16
ok $? "ringsize:16: tshark exits 0"
is "$(count_packets "$F")" $MIX_TOTAL "ringsize:16: $MIX_TOTAL packets"
is "$(directions)" "0x00000001=$MIX_INGRESS 0x00000002=$MIX_EGRESS" "ringsize:16: both directions"

# The -o values appear on the extcap's command line (seen while it ran).
start_tshark a "${TC[@]}" -o extcap.ebpfcap_tc.snaplen:200 -o extcap.ebpfcap_tc.direction:egress \
	-o extcap.ebpfcap_tc.ringsize:32 -f "udp port 9"
wait_capture "$TS_PID" 1
args=$(extcap_args "$EXTCAP_PID")
exe=$(readlink -f "/proc/$EXTCAP_PID/exe")
stop_tshark
is "$exe" "$(readlink -f "$EBPFCAP")" "tshark runs the build tree's ebpfcap (wireshark_conf)"
echo "# extcap command line: $args"
n=0
for a in "--device va" "--snaplen 200" "--direction egress" "--ring-size 32" \
	"--extcap-capture-filter udp port 9" "--capture --extcap-interface ebpfcap-tc"; do
	[[ " $args " == *" $a "* ]] || { echo "# missing: $a"; n=$((n + 1)); }
done
is $n 0 "-o device, snaplen, direction, ringsize and -f reach the extcap's command line"

# 6. ebpfcap-xdp on vb in B: what A sends arrives, all XDP_PASS.
capture b $MIX_EGRESS 1 send_mix "${XDP[@]}"
ok $? "ebpfcap-xdp: tshark exits 0"
is "$(count_packets "$F")" $MIX_EGRESS "ebpfcap-xdp: $MIX_EGRESS packets"
bad=$(fields "$F" -e frame.interface_name -e frame.packet_flags_direction -e frame.verdict.ebpf_xdp -e frame.comment |
	awk -F'\t' '!($1 == "xdp:vb" && $2 == "0x00000001" && $3 == "2" &&
		$4 ~ /^hook=xdp if=vb ifindex=[0-9]+ cpu=[0-9]+ xdp=XDP_PASS$/) { bad++ } END { print bad + 0 }')
is "$bad" 0 "ebpfcap-xdp: every packet xdp:vb, inbound, verdict XDP_PASS (2), comment ends xdp=XDP_PASS"
desc=$(fields "$F" -e frame.interface_description | sort -u)
[[ $desc =~ ^XDP\ hook\ of\ vb\ \((native|generic)\ mode\)$ ]]
ok $? "ebpfcap-xdp: interface description '$desc'"

capture b $MIX_EGRESS 1 send_mix "${XDP[@]}" -o extcap.ebpfcap_xdp.xdpmode:generic
ok $? "xdpmode:generic: tshark exits 0"
is "$(count_packets "$F")" $MIX_EGRESS "xdpmode:generic: $MIX_EGRESS packets"
is "$(fields "$F" -e frame.interface_description | sort -u)" "XDP hook of vb (generic mode)" \
	"xdpmode:generic: interface description says generic mode"

# 7. ebpfcap (any): lo and va are up in A; one interface block each.
capture a 6 4 ping3 -i ebpfcap -f icmp
ok $? "ebpfcap (any): tshark exits 0"
is "$(count_packets "$F")" 6 "ebpfcap (any): 6 ICMP packets"
is "$(fields "$F" -e frame.interface_name | sort | uniq -c | awk '{print $2 "=" $1}' | xargs)" "tc:va=6" \
	"ebpfcap (any): all 6 on tc:va"
is "$(capinfos -M "$F" | sed -n 's/^ *Name = //p' | sort | xargs)" "tc:lo tc:va" \
	"ebpfcap (any): two interface blocks, tc:lo and tc:va"

# 8. SIGTERM while packets flow: a valid file, and everything detached.
start_tshark a "${TC[@]}"
wait_capture "$TS_PID" 2
bg_a ping -q -c 400 -i 0.005 -W 1 198.18.0.2 >/dev/null
PING_PID=$BG_PID
wait_packets "$F" 20
ok "$(kill -0 "$EXTCAP_PID" 2>/dev/null; echo $?)" "SIGTERM: ebpfcap still capturing when tshark is stopped"
stop_tshark
is $TS_RC 0 "SIGTERM mid-capture: tshark exits 0"
kill "$PING_PID" 2>/dev/null; wait "$PING_PID" 2>/dev/null
capinfos "$F" >/dev/null 2>&1
ok $? "SIGTERM mid-capture: capinfos reads the file"
tshark -r "$F" >/dev/null 2>&1
ok $? "SIGTERM mid-capture: tshark -r reads the file"
wait_gone "$EXTCAP_PID"
ok $? "SIGTERM mid-capture: the extcap exits"
wait_nothing_attached "$NS_A" va
ok $? "SIGTERM mid-capture: nothing attached on va within 5 s"

# 9. Interface statistics. tshark stops dumpcap first and only then sends
# SIGTERM to the extcap, so ebpfcap's final ISB finds the FIFO closed.
echo "# ISBs in the udp capture through tshark: $(capinfos -M "$UDPFILE" | sed -n 's/^ *Number of stat entries = //p')"
is "$(fields "$UDPFILE" -e frame.drop_count | sort -u | xargs)" "0" "epb_dropcount 0 on every packet through dumpcap"
# ebpfcap writes statistics blocks every second during the capture, so the
# file gets them anyway: capture until one has arrived (bounded), then stop.
F=$TEST_TMP/isb.pcapng
bg_a tshark -q -i ebpfcap-tc -o extcap.ebpfcap_tc.device:va -f icmp -w "$F" 2>/dev/null
ISB_PID=$BG_PID
wait_links 2
ping4 2
for _ in $(seq 100); do
	capinfos -M "$F" 2>/dev/null | grep -qE 'Number of stat entries = [1-9]' && break
	sleep 0.05
done
kill -TERM $ISB_PID; wait $ISB_PID
capinfos -M "$F" 2>/dev/null | grep -qE 'Number of stat entries = [1-9]'
ok $? "interface statistics blocks reach tshark's file (written every second)"
is "$(count_packets "$F")" 4 "the statistics capture holds its 4 packets"
wait_nothing_attached "$NS_A" va

# 10. An invalid capture filter: tshark does not compile it for an extcap;
# ebpfcap refuses it and tshark shows its message.
new_file
in_a timeout 20 tshark -q "${TC[@]}" -f "udp port nosuch" -c 1 -w "$F" 2>"$F.err"
is $? 1 "invalid filter: tshark exits 1 (not killed by the 20 s timeout)"
grep -Fxq "tshark: Error by extcap pipe: ebpfcap: invalid capture filter \"udp port nosuch\": unknown port 'nosuch'" "$F.err"
ok $? "invalid filter: tshark shows ebpfcap's 'invalid capture filter' message" || sed 's/^/#   /' "$F.err"
is "$(captured)" 0 "invalid filter: 0 packets captured"
nothing_attached "$NS_A" va
ok $? "invalid filter: nothing attached on va"

# 11. The GUI's filter validation call.
out=$("$EBPFCAP" --extcap-interface ebpfcap-tc --extcap-capture-filter "udp port 53" 2>/dev/null)
is "$?:$out" "0:" "validation of 'udp port 53': exit 0, no output"
out=$("$EBPFCAP" --extcap-interface ebpfcap-tc --extcap-capture-filter "udp port" 2>/dev/null)
rc=$?
is "$rc:$(printf '%s\n' "$out" | wc -l)" "0:1" "validation of 'udp port': exit 0, one line"
[[ $out == *"invalid capture filter"* ]]
ok $? "validation of 'udp port': the line says 'invalid capture filter' ($out)"

# 12. The trace interfaces through tshark, run in B: B's drops of UDP to a
# closed port, in the kernel's words; a tracepoint chosen with -o; a kernel
# function this machine cannot trace, refused in one line.
wait_trace_capture() {	# wait_trace_capture TSHARK_PID: EXTCAP_PID attached
	local i
	EXTCAP_PID=""
	for i in $(seq 200); do
		EXTCAP_PID=$(extcap_of "$1")
		[ -n "$EXTCAP_PID" ] && break
		kill -0 "$1" 2>/dev/null || break
		sleep 0.05
	done
	[ -n "$EXTCAP_PID" ] && wait_trace_link "$EXTCAP_PID"
}
start_tshark b -i ebpfcap-drops -f "udp port 40011"
wait_trace_capture "$TS_PID"
ok $? "ebpfcap-drops: the extcap attached to skb:kfree_skb"
send_udp4 40011 5
wait_packets "$F" 5
stop_tshark
is "$TS_RC" 0 "ebpfcap-drops: tshark exits 0"
is "$(count_packets "$F")" 5 "ebpfcap-drops: the 5 datagrams to a closed port"
is "$(fields "$F" -e frame.interface_name | sort -u)" "tp:skb:kfree_skb" \
	"ebpfcap-drops: interface tp:skb:kfree_skb"
is "$(fields "$F" -e frame.comment | grep -c "^hook=tp:skb:kfree_skb if=vb ifindex=[0-9]* netns=$(netns_inode "$NS_B") cpu=[0-9]* reason=NO_SOCKET location=__udp4_lib_rcv+0x[0-9a-f]*$")" 5 \
	"ebpfcap-drops: every comment names vb, B's namespace, NO_SOCKET and __udp4_lib_rcv"

start_tshark b -i ebpfcap-tracepoint -o extcap.ebpfcap_tracepoint.tracepoint:net:netif_receive_skb \
	-f "udp port 40012"
wait_trace_capture "$TS_PID"
ok $? "ebpfcap-tracepoint: the extcap attached"
send_udp4 40012 4
wait_packets "$F" 4
stop_tshark
is "$(count_packets "$F")" 4 "ebpfcap-tracepoint net:netif_receive_skb: the 4 datagrams B received"
is "$(fields "$F" -e frame.interface_name | sort -u)" "tp:net:netif_receive_skb" \
	"ebpfcap-tracepoint: interface tp:net:netif_receive_skb"

new_file
in_b timeout 60 tshark -q -i ebpfcap-kfunc -o extcap.ebpfcap_kfunc.function:ip_rcv -a duration:5 \
	-w "$F" >"$F.out" 2>"$F.err"
rc=$?
if [ -e /sys/bus/event_source/devices/kprobe ] || [ -e /sys/kernel/tracing/kprobe_events ]; then
	skip_case "this kernel has kprobes" "ebpfcap-kfunc ip_rcv: refused through tshark"
else
	ok $((rc == 0)) "ebpfcap-kfunc ip_rcv without kprobes or fentry: tshark fails ($rc)"
	grep -q "this kernel has no kprobes (CONFIG_KPROBES) and does not permit fentry" "$F.err"
	ok $? "ebpfcap-kfunc: tshark shows ebpfcap's one line naming kprobes and fentry"
	[ $rc -eq 0 ] || sed 's/^/#   /' "$F.err" | head -3
fi

wait_nothing_attached "$NS_A" va
ok $? "nothing attached on va at the end"
nothing_attached "$NS_B" vb
ok $? "nothing attached on vb at the end"
done_testing
