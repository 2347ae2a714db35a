#!/usr/bin/env bash
# A real capture through Wireshark's own tshark and the installed ebpfcap extcap:
# two network namespaces joined by veth (198.18.0.0/15 only), a few pings and UDP
# datagrams, captured at tc on one end with a filter running in the kernel.
# Everything is removed at exit. Run as root after "make install".
set -eu
ns_a=ebpfcap-demo-a ns_b=ebpfcap-demo-b
cleanup() {
	ip netns pids $ns_a 2>/dev/null | xargs -r kill 2>/dev/null || true
	ip netns del $ns_a 2>/dev/null || true
	ip netns del $ns_b 2>/dev/null || true
	rm -f "${out:-}"
}
trap cleanup EXIT
in_a() { nsenter --net=/run/netns/$ns_a "$@"; }
in_b() { nsenter --net=/run/netns/$ns_b "$@"; }

ip netns add $ns_a
ip netns add $ns_b
ip link add va netns $ns_a type veth peer name vb netns $ns_b
in_a ip addr add 198.18.0.1/24 dev va
in_b ip addr add 198.18.0.2/24 dev vb
in_a ip link set va up
in_b ip link set vb up
in_a ip neigh replace 198.18.0.2 lladdr "$(in_b ip -br link show vb | awk '{print $3}')" dev va nud permanent
in_b ip neigh replace 198.18.0.1 lladdr "$(in_a ip -br link show va | awk '{print $3}')" dev vb nud permanent

echo "== tshark -D (the ebpfcap interfaces Wireshark sees)"
tshark -D 2>/dev/null | grep ebpfcap
out=$(mktemp /tmp/ebpfcap-demo.XXXXXX.pcapng)
echo "== tshark -i ebpfcap-tc -o extcap.ebpfcap_tc.device:va -f 'icmp or udp port 7' -c 8"
in_a tshark -q -i ebpfcap-tc -o extcap.ebpfcap_tc.device:va -f "icmp or udp port 7" -c 8 -w "$out" 2>/dev/null &
tshark_pid=$!
# Wait (bounded) for the capture programs to be attached.
for _ in $(seq 100); do
	bpftool prog show 2>/dev/null | grep -q ' name ebc_tc_egress' && break
	sleep 0.1
done
in_a ping -q -c 3 -i 0.2 198.18.0.2 >/dev/null
in_a bash -c 'for i in 1 2; do echo -n hello$i > /dev/udp/198.18.0.2/7; done'
in_a bash -c 'echo -n ignored > /dev/udp/198.18.0.2/5000'	# filtered out in the kernel
wait $tshark_pid
echo "== tshark -r: interface, direction (1 in, 2 out), summary and ebpfcap's comment"
tshark -r "$out" -T fields -E separator=' | ' -e frame.number -e frame.interface_name \
	-e frame.packet_flags_direction -e _ws.col.Protocol -e _ws.col.Info -e frame.comment 2>/dev/null

echo "== tshark -i ebpfcap-drops -f udp -c 3 (in B): what the kernel drops, and why"
out2=$(mktemp /tmp/ebpfcap-demo.XXXXXX.pcapng)
in_b tshark -q -i ebpfcap-drops -f udp -c 3 -a duration:20 -w "$out2" 2>/dev/null &
tshark_pid=$!
for _ in $(seq 100); do
	bpftool prog show 2>/dev/null | grep -q ' name ebc_trace' && break
	sleep 0.1
done
# Nothing listens on UDP port 9 in B: each datagram is dropped with NO_SOCKET.
in_a bash -c 'for i in 1 2 3; do echo -n nobody$i > /dev/udp/198.18.0.2/9; done'
wait $tshark_pid
tshark -r "$out2" -T fields -E separator=' | ' -e frame.number -e frame.interface_name \
	-e _ws.col.Info -e frame.comment 2>/dev/null
rm -f "$out2"
