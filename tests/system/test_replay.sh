#!/usr/bin/env bash
# Offline replay (-r): a capture of real traffic through the tc and XDP programs
# with BPF_PROG_TEST_RUN, compared packet by packet with tcpdump -r on the same
# file; snaplen, time stamps, truncated and short input, pcapng input, errors,
# and nothing attached to any device while it runs.
. "$(dirname "$0")/../lib/common.sh"
need_root
command -v tcpdump >/dev/null || skip_all "needs tcpdump"
command -v editcap >/dev/null || skip_all "needs editcap"
mount_fs
setup_pair || skip_all "cannot create network namespaces"
exact_icmp_errors

IN=$TEST_TMP/in.pcap

# The input: the known mix as tcpdump sees it on va, both ways, nanosecond stamps.
bg_a timeout 20 tcpdump -i va -nn --time-stamp-precision nano -c $MIX_TOTAL -w "$IN" \
	2>"$TEST_TMP/tcpdump.err"
pid=$BG_PID
for i in $(seq 200); do
	grep -q "listening on" "$TEST_TMP/tcpdump.err" && break
	sleep 0.05
done
send_mix
wait $pid
ok $? "tcpdump wrote the input capture"
is "$(count_packets "$IN")" $MIX_TOTAL "the input holds the $MIX_TOTAL packets of the mix"

# One line per packet: time stamp, length, captured length, then the bytes.
packets() {
	fields "$1" -e frame.time_epoch -e frame.len -e frame.cap_len
	tcpdump -r "$1" -nn -xx 2>/dev/null | grep -v '^[0-9]'
}

# replay OUT ARGS...: ebpfcap -r in namespace A; its stderr goes to OUT.err.
replay() {
	local out=$1; shift
	in_a "$EBPFCAP" -w "$out" "$@" 2>"$out.err"
}

FILTERS=(
	"" "udp" "udp port 53" "icmp" "icmp6" "ip6" "ip" "tcp" "tcp[tcpflags] & tcp-syn != 0"
	"host 2001:2::2 and udp" "src host 198.18.0.2" "icmp[icmptype] = icmp-echoreply"
	"greater 100" "less 80" "udp port 9999" "ip6 and udp" "ip6 and tcp" "ip[8] = 64" "not ip"
	"tcp port 80" "tcp and (port 80 or port 81)" "tcp[13] & 4 != 0" "icmp6 and ip6[40] = 129"
	"udp[8:4] = 0x7061796c" "len = 98" "ip[2:2] > 80" "dst net 198.18.0.0/24"
	"ether proto 0x86dd" "udp portrange 5000-6000" "ip and not icmp" "ip6 dst 2001:2::1"
	"ether src $MAC_A" "arp" "vlan" "ether broadcast"
)
ref=$TEST_TMP/ref.pcap out=$TEST_TMP/out.pcapng
# trace: the trace program's probe-read path (copy into its buffer, filter there)
for hook in tc xdp trace; do
	for f in "${FILTERS[@]}"; do
		tcpdump -r "$IN" --time-stamp-precision nano -w "$ref" ${f:+"$f"} 2>/dev/null
		want=$(count_packets "$ref")
		replay "$out" -q -r "$IN" --hook $hook ${f:+-f "$f"}
		ok $? "$hook '$f': exit 0"
		is "$(count_packets "$out")" "$want" "$hook '$f': $want packets, as tcpdump -r"
		[ "$(packets "$out")" = "$(packets "$ref")" ]
		ok $? "$hook '$f': same time stamps, lengths and bytes as tcpdump -r"
	done
done

# Raw IP through the trace program (its L3 filter, as for skbs without a MAC
# header): the mix with the Ethernet header chopped off, against tcpdump -r.
editcap -C 14 -T rawip "$IN" "$TEST_TMP/rawip.pcap" >/dev/null 2>&1
for f in "" "udp" "icmp" "ip6" "ip" "tcp[tcpflags] & tcp-syn != 0" "ip6 protochain 58" \
	"host 2001:2::2 and udp" "greater 100" "ip[8] = 64" "udp[8:4] = 0x7061796c"; do
	tcpdump -r "$TEST_TMP/rawip.pcap" --time-stamp-precision nano -w "$ref" ${f:+"$f"} 2>/dev/null
	want=$(count_packets "$ref")
	replay "$out" -q -r "$TEST_TMP/rawip.pcap" --hook trace ${f:+-f "$f"}
	ok $? "trace raw IP '$f': exit 0"
	is "$(count_packets "$out")" "$want" "trace raw IP '$f': $want packets, as tcpdump -r"
	[ "$(packets "$out")" = "$(packets "$ref")" ]
	ok $? "trace raw IP '$f': same time stamps, lengths and bytes as tcpdump -r"
done
is "$(capinfos -T -E -r "$out" 2>/dev/null | cut -f2)" "rawip" "trace raw IP: link type raw IP"
replay "$out" -q -r "$IN" --hook trace -f "ether src $MAC_A" -s 60
ok "$(fields "$out" -e frame.comment | grep -cv '^hook=replay:trace if=- ifindex=0 cpu=[0-9]*$')" \
	"trace: every comment is the replayed trace record's"
is "$(count_packets "$out")" "$(tcpdump -r "$IN" "ether src $MAC_A" 2>/dev/null | wc -l)" \
	"trace: 'ether src' on Ethernet input, as tcpdump -r"

# --cbpf: a classic program with Linux ancillary loads, answered from the hook's
# context: SKF_AD_PROTOCOL (the skb's protocol) = IPv6 selects what "ip6" does.
printf '4,32 0 0 4294963200,21 0 1 34525,6 0 0 262144,6 0 0 0\n' >"$TEST_TMP/proto6.bpf"
tcpdump -r "$IN" --time-stamp-precision nano -w "$ref" ip6 2>/dev/null
for hook in tc trace; do
	replay "$out" -q -r "$IN" --hook $hook --cbpf "$TEST_TMP/proto6.bpf"
	ok $? "$hook --cbpf SKF_AD_PROTOCOL: exit 0"
	[ "$(packets "$out")" = "$(packets "$ref")" ]
	ok $? "$hook --cbpf SKF_AD_PROTOCOL = ETH_P_IPV6: the packets of 'ip6'"
done

# What the output says about itself.
replay "$out" -r "$IN" --hook tc -f udp
is "$(cat "$out.err")" "$MIX_TOTAL packets read, 9 matched, 0 skipped" "summary line on stderr"
is "$(fields "$out" -e frame.interface_name -e frame.interface_description | sort -u)" \
	"$(printf 'replay:tc\t%s through the tc program (BPF_PROG_TEST_RUN)' "$IN")" \
	"interface name and description"
is "$(capinfos -T -E -r "$out" 2>/dev/null | cut -f2)" "ether" "link type Ethernet"
ok "$(fields "$out" -e frame.comment | grep -cv '^hook=tc-ingress if=replay ifindex=0 cpu=[0-9]*$')" \
	"every comment is the tc ingress record's"
replay "$out" -q -r "$IN" --hook xdp -f udp
ok "$(fields "$out" -e frame.verdict.ebpf_xdp -e frame.comment |
	grep -cv $'^2\thook=xdp if=replay ifindex=0 cpu=[0-9]* xdp=XDP_PASS$')" \
	"xdp: verdict XDP_PASS in the epb and the comment"

# Snaplen in the kernel: caplen = min(len, 60), the original length kept, the
# bytes those of editcap -s 60.
editcap -s 60 "$IN" "$TEST_TMP/snap60.pcap" >/dev/null 2>&1
for hook in tc xdp; do
	replay "$out" -q -r "$IN" --hook $hook -s 60
	is "$(fields "$out" -e frame.len -e frame.cap_len | tr '\t' /)" \
		"$(fields "$IN" -e frame.len | awk '{ print $1 "/" ($1 < 60 ? $1 : 60) }')" \
		"$hook -s 60: caplen min(len, 60), len kept"
	[ "$(packets "$out")" = "$(packets "$TEST_TMP/snap60.pcap")" ]
	ok $? "$hook -s 60: same bytes and time stamps as editcap -s 60"
done

# Input cut short (caplen 54 < len): what is there runs, the original length stays.
editcap -s 54 "$IN" "$TEST_TMP/in54.pcap" >/dev/null 2>&1
for hook in tc xdp; do
	for f in "" "udp" "icmp" "ip6" "tcp port 80"; do
		tcpdump -r "$TEST_TMP/in54.pcap" --time-stamp-precision nano -w "$ref" ${f:+"$f"} 2>/dev/null
		replay "$out" -q -r "$TEST_TMP/in54.pcap" --hook $hook ${f:+-f "$f"}
		[ "$(packets "$out")" = "$(packets "$ref")" ]
		ok $? "$hook '$f' on input cut at 54 bytes: as tcpdump -r, original lengths kept"
	done
done

# pcapng input: our own output, replayed again.
replay "$TEST_TMP/all.pcapng" -q -r "$IN" --hook tc
tcpdump -r "$IN" --time-stamp-precision nano -w "$ref" icmp 2>/dev/null
replay "$out" -q -r "$TEST_TMP/all.pcapng" --hook tc -f icmp
[ "$(packets "$out")" = "$(packets "$ref")" ]
ok $? "pcapng input (a replay's output) replays like the pcap it came from"

# Frames the hook cannot take are skipped, not fatal: every packet cut to 10 bytes.
editcap -s 10 "$IN" "$TEST_TMP/in10.pcap" >/dev/null 2>&1
for hook in tc xdp; do
	replay "$out" -r "$TEST_TMP/in10.pcap" --hook $hook
	ok $? "$hook: 10-byte frames: exit 0"
	is "$(cat "$out.err")" "$MIX_TOTAL packets read, 0 matched, $MIX_TOTAL skipped" \
		"$hook: 10-byte frames are counted as skipped"
	is "$(count_packets "$out")" 0 "$hook: 10-byte frames: an empty capture"
done

# Errors: one line, exit 1.
rm -f "$out"
replay "$out" -r "$TEST_TMP/missing.pcap"
ok $(($? != 1)) "missing input: exit 1"
is "$(wc -l <"$out.err")" 1 "missing input: one line on stderr"
grep -q "missing.pcap" "$out.err"; ok $? "missing input: the message names the file"
[ ! -e "$out" ]; ok $? "missing input: no output file left"

# A DLT_RAW pcap holding one IPv4 header: the link type is refused.
le32() { printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24 & 255)); }
raw=$TEST_TMP/raw.pcap
{
	printf '\xd4\xc3\xb2\xa1\x02\x00\x04\x00'"$(le32 0)$(le32 0)$(le32 65535)$(le32 101)"
	printf "$(le32 1)$(le32 0)$(le32 20)$(le32 20)"
	printf '\x45\x00\x00\x14\x00\x00\x00\x00\x40\x00\x00\x00\xc6\x12\x00\x01\xc6\x12\x00\x02'
} >"$raw"
replay "$out" -r "$raw"
ok $(($? != 1)) "raw-IP input: exit 1"
is "$(cat "$out.err")" "ebpfcap: cannot replay link type RAW of $raw: only Ethernet captures are supported (and raw IP with --hook trace)" \
	"raw-IP input: one line naming the link type and the file"
[ ! -e "$out" ]; ok $? "raw-IP input: no output file left"

printf 'not a capture\n' >"$TEST_TMP/junk.pcap"
replay "$out" -r "$TEST_TMP/junk.pcap"
ok $(($? != 1)) "not a capture file: exit 1"
is "$(wc -l <"$out.err")" 1 "not a capture file: one line on stderr"

replay "$out" -r "$IN" -f "udp port"
ok $(($? != 1)) "invalid filter: exit 1"
is "$(wc -l <"$out.err")" 1 "invalid filter: one line on stderr"
[ ! -e "$out" ]; ok $? "invalid filter: no output file left"

# Without privileges: one line with the fix.
mkdir -m 0777 "$TEST_TMP/nobody" && chmod 0755 "$TEST_TMP" && chmod 0644 "$IN"
in_a setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all \
	"$EBPFCAP" -r "$IN" -w "$TEST_TMP/nobody/out.pcapng" 2>"$out.err"
ok $(($? != 1)) "unprivileged: exit 1"
is "$(wc -l <"$out.err")" 1 "unprivileged: one line on stderr"
grep -q "run as root" "$out.err"; ok $? "unprivileged: the message says how to fix it"
sed 's/^/# /' "$out.err"

# Nothing attached while it runs: a replay stalled on a full pipe has its
# program loaded and held, yet no device in A has a tc or XDP program.
merge=() ; for i in $(seq 200); do merge+=("$IN"); done
mergecap -a -w "$TEST_TMP/big.pcap" "${merge[@]}" 2>/dev/null
for hook in tc xdp; do
	in_a "$EBPFCAP" -q -r "$TEST_TMP/big.pcap" --hook $hook -w - 2>/dev/null | {
		head -c 64 >/dev/null
		pid=$(our_pids)
		progs=$(grep -h '^prog_id:' /proc/$pid/fdinfo/* 2>/dev/null | wc -l)
		net=$(in_a bpftool net show 2>/dev/null | grep -cv -e '^xdp:$' -e '^tc:$' -e '^flow_dissector:$' -e '^netfilter:$' -e '^$')
		echo "$progs $net $(our_links)" >"$TEST_TMP/during"
		cat >/dev/null
	}
	read -r progs net links <"$TEST_TMP/during"
	ok $((progs < 1)) "$hook: while replaying, ebpfcap holds its loaded program"
	is "$net/$links" "0/0" "$hook: while replaying, bpftool net lists nothing and no tcx or XDP link exists"
done
wait_nothing_attached "$NS_A" va; ok $? "nothing attached on va afterwards"
done_testing
