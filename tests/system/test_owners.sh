#!/usr/bin/env bash
# The process behind every packet at tc, in both directions: an HTTP server in
# B and curl in A, both started after the capture so the cgroup hooks see
# their sockets. Packets leaving a socket name its owner; packets arriving at
# tc ingress name the process whose socket will receive them (found as the
# stack finds it). --pid and --comm keep one process's packets, in the kernel.
. "$(dirname "$0")/../lib/common.sh"
need_root
mount_fs
PY=$(command -v python3) || skip_all "needs python3 (the HTTP server)"
command -v curl >/dev/null || skip_all "needs curl"
setup_pair || skip_all "cannot create network namespaces"
mkdir -p "$TEST_TMP/www" && echo "owners-$$" >"$TEST_TMP/www/index.html"
PORT=40600

# capture NS DEV OUT ARGS...: ebpfcap at tc of DEV in NS; CAP_PID; waits for its links.
capture() {
	local ns=$1 dev=$2 out=$3; shift 3
	"bg_$ns" "$EBPFCAP" -q -i "tc:$dev" -f "tcp port $PORT" -w "$out" "$@" 2>"$out.err"
	CAP_PID=$BG_PID
	wait_links 2 || { kill "$CAP_PID"; return 1; }
}
stop() { kill -TERM "$CAP_PID"; wait "$CAP_PID"; }

# The server, then one request from curl; SERVER_PID, CURL_PID known.
serve_and_fetch() {
	local i
	bg_b "$PY" -m http.server --bind 198.18.0.2 --directory "$TEST_TMP/www" $PORT >/dev/null 2>&1
	SERVER_PID=$BG_PID
	for i in $(seq 200); do
		[ -n "$(in_b ss -Hltn "sport = :$PORT")" ] && break
		sleep 0.05
	done
	bg_a curl -s -o "$TEST_TMP/got" --max-time 5 "http://198.18.0.2:$PORT/index.html"
	CURL_PID=$BG_PID
	wait "$CURL_PID"
	kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null
}

# "DIRECTION PID" per packet: 1 in, 2 out; "-" when no process is named.
owners() {
	fields "$1" -e frame.packet_flags_direction -e frame.comment |
		awk -F'\t' '{ p = "-"; if (match($2, / pid=[0-9]+/)) p = substr($2, RSTART + 5, RLENGTH - 5)
			print ($1 == "0x00000001" ? "in" : "out"), p }' | sort | uniq -c | awk '{ print $2 ":" $3 "=" $1 }' | xargs
}

out_b=$TEST_TMP/b.pcapng out_a=$TEST_TMP/a.pcapng
capture b vb "$out_b" && capture_b=$CAP_PID
capture a va "$out_a"
capture_a=$CAP_PID
serve_and_fetch
is "$(cat "$TEST_TMP/got" 2>/dev/null)" "owners-$$" "curl fetched the page"
wait_packets "$out_b" 6; wait_packets "$out_a" 6
CAP_PID=$capture_a; stop
CAP_PID=$capture_b; stop
n_b=$(count_packets "$out_b") n_a=$(count_packets "$out_a")
ok $((n_b < 6)) "B's tc saw the connection ($n_b packets)"
# B: everything in and out of port 40600 belongs to the server (the listener's
# owner passes to the socket it accepts); A: to curl.
# Packets after a socket closed (TIME_WAIT, a last ACK) belong to no process:
# left out, never wrong. Everything else is the one process.
is "$(owners "$out_b" | tr ' ' '\n' | grep -v ":-=" | grep -cv ":$SERVER_PID=")" 0 \
	"B: no packet names another process than the server (pid $SERVER_PID): $(owners "$out_b")"
is "$(owners "$out_a" | tr ' ' '\n' | grep -v ":-=" | grep -cv ":$CURL_PID=")" 0 \
	"A: no packet names another process than curl (pid $CURL_PID): $(owners "$out_a")"
unnamed=$(fields "$out_b" -e frame.comment | grep -cv " pid=")
ok $((unnamed > 4)) "B: at most 4 packets (the close's last ones) name no process ($unnamed)"
[[ " $(owners "$out_b") " == *" in:$SERVER_PID="* ]]
ok $? "B: tc-ingress packets name the receiving process"
[[ " $(owners "$out_a") " == *" in:$CURL_PID="* ]]
ok $? "A: the server's replies at A's tc ingress name curl, which receives them"
fields "$out_b" -e frame.comment | grep -q "comm=python3"
ok $? "B: comm is the server's (python3)"

# --pid: exactly one process's packets, selected in the kernel.
capture a va "$out_a" --comm curl
serve_and_fetch
wait_packets "$out_a" 6
stop
# Two connections need not have the same number of segments (an ACK more or
# less): what counts is that the whole exchange is there and only curl's.
n=$(count_packets "$out_a")
ok $((n < 6)) "--comm curl at A: the connection is captured ($n packets)"
is "$(fields "$out_a" -e frame.comment | grep -vc 'comm=curl')" 0 "--comm curl at A: every packet is curl's"
capture b vb "$out_b" --pid 1
serve_and_fetch
stop
is "$(count_packets "$out_b")" 0 "--pid 1 at B: none of the server's packets"
capture b vb "$out_b" --comm curl
serve_and_fetch
stop
is "$(count_packets "$out_b")" 0 "--comm curl at B: the server's side has no curl packets"
grep -q . "$out_b.err"; ok $(( ! $? )) "no errors on stderr"

# --cgroup: curl run inside a cgroup of ours is kept, one outside is not.
CG_ROOT=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
if [ -n "$CG_ROOT" ] && mkdir "$CG_ROOT/ebc-test-$$" 2>/dev/null; then
	CG=$CG_ROOT/ebc-test-$$
	trap 'cleanup_ns; rmdir "$CG" 2>/dev/null' EXIT
	bg_b "$PY" -m http.server --bind 198.18.0.2 --directory "$TEST_TMP/www" $PORT >/dev/null 2>&1
	SERVER_PID=$BG_PID
	for i in $(seq 200); do [ -n "$(in_b ss -Hltn "sport = :$PORT")" ] && break; sleep 0.05; done
	# One capture sees only a curl outside the cgroup, another only one inside it.
	capture a va "$out_a" --cgroup "$CG"
	in_a curl -s -o /dev/null --max-time 5 "http://198.18.0.2:$PORT/index.html"
	stop
	is "$(count_packets "$out_a")" 0 "--cgroup: a curl outside the cgroup is not captured"
	capture a va "$out_a" --cgroup "$CG"
	in_a bash -c "echo \$\$ > '$CG/cgroup.procs' && exec curl -s -o /dev/null --max-time 5 http://198.18.0.2:$PORT/index.html"
	wait_packets "$out_a" 4
	stop
	kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null
	inside=$(count_packets "$out_a")
	ok $((inside < 4)) "--cgroup: the curl inside the cgroup is captured ($inside packets)"
	is "$(fields "$out_a" -e frame.comment | grep -cv 'comm=curl')" 0 "--cgroup: every packet is curl's"
	rmdir "$CG"
else
	skip_case "no cgroup v2 hierarchy to make a cgroup in" "--cgroup keeps one cgroup's packets"
fi

# XDP runs before any socket and cannot read socket storage: owners by address
# (sock_ops for established TCP, post_bind for UDP). The SYN comes before the
# connection exists and names no one; the rest of the client's packets name
# the server.
out_x=$TEST_TMP/x.pcapng
bg_b "$EBPFCAP" -q -i xdp:vb -f "tcp port $PORT" -w "$out_x" 2>"$out_x.err"
CAP_PID=$BG_PID
wait_links 1
serve_and_fetch
wait_packets "$out_x" 4
stop
named=$(fields "$out_x" -e frame.comment | grep -c " pid=$SERVER_PID ")
others=$(fields "$out_x" -e frame.comment | grep " pid=" | grep -vc " pid=$SERVER_PID ")
ok $((named < 3)) "XDP: the client's packets after the handshake name the server ($named of $(count_packets "$out_x"))"
is "$others" 0 "XDP: no packet names another process"
bg_b "$EBPFCAP" -q -i xdp:vb -f "tcp port $PORT" --comm python3 -w "$out_x" 2>"$out_x.err"
CAP_PID=$BG_PID
wait_links 1
serve_and_fetch
wait_packets "$out_x" "$named"
stop
is "$(fields "$out_x" -e frame.comment | grep -vc 'comm=python3')" 0 "XDP --comm python3: only the server's packets"
ok $(( $(count_packets "$out_x") < 3 )) "XDP --comm python3: they are there ($(count_packets "$out_x"))"
# A tracepoint in softirq (netif_receive_skb in B): no running process to
# name, so the packet's addresses lead to its reader, the server; never to
# curl, the sender in A, whose socket the skb may still carry over veth.
out_t=$TEST_TMP/t.pcapng
bg_b "$EBPFCAP" -q -i tp:net:netif_receive_skb -f "tcp port $PORT" -w "$out_t" 2>"$out_t.err"
CAP_PID=$BG_PID
wait_trace_link "$CAP_PID"
serve_and_fetch
wait_packets "$out_t" 4
stop
named=$(fields "$out_t" -e frame.comment | grep -c " pid=$SERVER_PID ")
ok $((named < 3)) "netif_receive_skb in B: the client's packets name the server ($named of $(count_packets "$out_t"))"
is "$(fields "$out_t" -e frame.comment | grep " pid=" | grep -vc " pid=$SERVER_PID ")" 0 \
	"netif_receive_skb in B: no packet names another process (not the sender)"

wait_nothing_attached "$NS_A" va; ok $? "nothing attached on va"
wait_nothing_attached "$NS_B" vb; ok $? "nothing attached on vb"
done_testing
