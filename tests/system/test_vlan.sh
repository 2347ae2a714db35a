#!/usr/bin/env bash
# VLAN tags the kernel keeps in skb metadata (always at tc ingress): the filter
# sees the frame as it was on the wire, and the capture holds the tag again.
# Tags are added by a fixture at A's tc egress (bpf_skb_vlan_push), since a
# kernel without 802.1Q devices must be testable too.
. "$(dirname "$0")/../lib/common.sh"
need_root
mount_fs
FIXTURE=$top_builddir/tests/data/vlan_push.bpf.o
[ -f "$FIXTURE" ] || skip_all "fixture $FIXTURE not built (make check)"
setup_pair || skip_all "cannot create network namespaces"
in_a tc qdisc add dev va clsact
fixture_in "$NS_A" tc filter add dev va egress bpf da obj "$FIXTURE" sec tc 2>/dev/null ||
	skip_all "cannot load the VLAN fixture with tc (iproute2 without libbpf?)"
out=$TEST_TMP/v.pcapng

# capture WANT ARGS...: at B's tc ingress, 3 tagged pings and 2 untagged UDP datagrams.
capture() {
	local want=$1; shift
	bg_b "$EBPFCAP" -q -i tc:vb -Q in -w "$out" "$@" 2>/dev/null
	local pid=$BG_PID
	wait_links 1
	in_a ping -q -c 3 -i 0.01 -W 0.2 198.18.0.2 >/dev/null	# no reply: B drops the tagged frames
	send_udp4 53 2
	[ "$want" -gt 0 ] && wait_packets "$out" "$want"
	kill -TERM $pid; wait $pid
}

capture 5
is "$(count_packets "$out")" 5 "no filter: 5 packets"
is "$(fields "$out" -Y vlan -e frame.len -e frame.cap_len -e vlan.id -e vlan.etype | sort -u | tr '\t' / | xargs)" \
	"102/102/100/0x0800" "tagged pings: tag back in place (len 98 + 4, VLAN 100, IPv4 inside)"
is "$(fields "$out" -Y 'not vlan' -e frame.len | xargs)" "50 50" "untagged UDP unchanged"
is "$(fields "$out" -Y vlan -e icmp.type | xargs)" "8 8 8" "the tagged frames dissect as ICMP echo requests"

for row in "vlan:3" "vlan 100:3" "vlan 200:0" "not vlan:2" "vlan and icmp:3" "vlan 100 and udp:0" \
	"udp:2" "icmp:0" "ether[12:2] = 0x8100:3" "ether[14:2] & 0xfff = 100:3"; do
	f=${row%:*} want=${row##*:}
	capture "$want" "$f"
	is "$(count_packets "$out")" "$want" "filter '$f': $want packets"
done

capture 3 -s 60 vlan
is "$(fields "$out" -e frame.cap_len -e frame.len | sort -u | tr '\t' / | xargs)" "60/102" \
	"-s 60: 60 bytes of the tagged frame kept, len 102"
capture 3 -s 14 vlan
is "$(fields "$out" -e frame.cap_len -e frame.len | sort -u | tr '\t' / | xargs)" "14/102" \
	"-s 14: MAC addresses and half the tag"
is "$(fields "$out" -e eth.type | sort -u)" "0x8100" "-s 14: the TPID is bytes 12-13"
nothing_attached "$NS_B" vb; ok $? "nothing attached on vb"
done_testing
