#!/usr/bin/env bash
# The socket-syscall tap (-i sockets): an HTTP server in namespace B, curl in
# A, over IPv4 and IPv6. What the processes read and write comes out as
# synthesised frames that Wireshark dissects as HTTP and follows as one TCP
# stream; comments name each process; --pid keeps one process's frames; the
# capture filter runs on the synthesised frames. The tap is process-based,
# not namespace-based: the captures here keep to our servers' ports (or pid),
# since every process on the machine does socket I/O.
. "$(dirname "$0")/../lib/common.sh"
need_root
PY=$(command -v python3) || skip_all "needs python3 (the HTTP server)"
command -v curl >/dev/null || skip_all "needs curl"
mount_fs
[ -d /sys/kernel/tracing/events/syscalls/sys_enter_read ] ||
	skip_all "needs syscall tracepoints (CONFIG_FTRACE_SYSCALLS)"
setup_pair || skip_all "cannot create network namespaces"
NPROGS=23	# tracepoints the tap attaches to

BODY="ebpfcap-sockets-test-body-$$"
mkdir -p "$TEST_TMP/www"
echo "$BODY" >"$TEST_TMP/www/index.html"

# serve ADDR PORT: an HTTP server in B; SERVER_PID is its pid. Waits (bounded) until it listens.
serve() {
	local i
	bg_b "$PY" -m http.server --bind "$1" --directory "$TEST_TMP/www" "$2" >/dev/null 2>&1
	SERVER_PID=$BG_PID
	for i in $(seq 200); do
		[ -n "$(in_b ss -Hltn "sport = :$2")" ] && return 0
		kill -0 "$SERVER_PID" 2>/dev/null || break
		sleep 0.05
	done
	echo "# the HTTP server on $1 port $2 did not start"
	return 1
}

# Tracepoint links PID holds (fdinfo says "perf" on 6.x kernels, "perf_event" on some).
tp_links() { grep -hE '^link_type:\s*(perf|perf_event)$' /proc/"$1"/fdinfo/* 2>/dev/null | wc -l; }

# start_capture OUT ARGS...: ebpfcap -i sockets in B; CAP_PID. Waits (bounded) until all its
# tracepoints are attached; fails at once when it exits.
start_capture() {
	local out=$1 i; shift
	bg_b "$EBPFCAP" -i sockets -q -w "$out" "$@" 2>"$out.err"
	CAP_PID=$BG_PID
	for i in $(seq 200); do
		[ "$(tp_links "$CAP_PID")" -ge "$NPROGS" ] && return 0
		kill -0 "$CAP_PID" 2>/dev/null || { sed 's/^/# ebpfcap: /' "$out.err"; return 1; }
		sleep 0.05
	done
	echo "# timed out waiting for ebpfcap $CAP_PID to attach"
	return 1
}

# wait_frames FILE DISPLAY_FILTER N: until FILE holds N frames matching (bounded, 10 s).
wait_frames() {
	local i
	for i in $(seq 200); do
		[ "$(fields "$1" -Y "$2" -e frame.number | wc -l)" -ge "$3" ] && return 0
		sleep 0.05
	done
	echo "# timed out waiting for $3 frames matching $2 in $1"
	return 1
}

stop_capture() {	# stop_capture PID
	kill -TERM "$1" 2>/dev/null
	wait_gone "$1" || kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

serve 198.18.0.2 8080 || skip_all "cannot start python3 -m http.server in a namespace"
SRV4=$SERVER_PID
serve 2001:2::2 8086 || skip_all "cannot start python3 -m http.server on IPv6"
SRV6=$SERVER_PID

ALL=$TEST_TMP/all.pcapng ONE=$TEST_TMP/one.pcapng
start_capture "$ALL" -f "tcp port 8080 or tcp port 8086"
ok $? "a capture of both ends, filtered in user space, attaches to $NPROGS tracepoints"
ALL_PID=$CAP_PID
start_capture "$ONE" --pid "$SRV4"
ok $? "a capture of one process (--pid) attaches"
ONE_PID=$CAP_PID

bg_a curl -s -o "$TEST_TMP/got4" --max-time 5 http://198.18.0.2:8080/index.html
CURL4=$BG_PID
wait "$CURL4"
ok $? "curl fetches over IPv4"
bg_a curl -s -g -o "$TEST_TMP/got6" --max-time 5 "http://[2001:2::2]:8086/index.html"
CURL6=$BG_PID
wait "$CURL6"
ok $? "curl fetches over IPv6"
is "$(cat "$TEST_TMP/got4" "$TEST_TMP/got6" 2>/dev/null | sort -u)" "$BODY" "both fetches got the body"

wait_frames "$ALL" "http.response.code == 200 && ip" 1 && wait_frames "$ALL" "http.response.code == 200 && ipv6" 1
wait_frames "$ONE" "http.response.code == 200" 1
stop_capture "$ALL_PID"
stop_capture "$ONE_PID"

# ---- both ends -------------------------------------------------------------
is "$(idbs "$ALL")" "sockets 1 $(count_packets "$ALL") stats" "one Ethernet interface, sockets, with statistics"
is "$(fields "$ALL" -Y 'http.request' -e ip.version -e http.request.method -e http.request.uri |
	tr '\t' ' ' | sed 's/  */ /g' | sort -u | paste -sd';')" "4 GET /index.html;6 GET /index.html" \
	"HTTP requests over IPv4 and IPv6"
is "$(fields "$ALL" -Y 'http.response' -e http.response.code | sort | uniq -c | xargs)" "2 200" \
	"HTTP responses: 200, once each way"
is "$(fields "$ALL" -Y '_ws.expert.severity >= error || _ws.malformed' -e frame.number | wc -l)" 0 \
	"no malformed frames or error-level expert infos"
is "$(fields "$ALL" -Y 'tcp.checksum.status == 0 || ip.checksum.status == 0' -o tcp.check_checksum:TRUE \
	-o ip.check_checksum:TRUE -e frame.number | wc -l)" 0 "IP and TCP checksums verify"
BAD=$(fields "$ALL" -e frame.comment | grep -cvE '^hook=sockets pid=[0-9]+ tid=[0-9]+ comm=[^ ]+ fd=[0-9]+ syscall=(accept|accept4|connect|read|write|readv|writev|recvfrom|sendto|recvmsg|sendmsg|close)$')
is "$BAD" 0 "every comment is hook=sockets pid= tid= comm= fd= syscall="
PIDS=$(fields "$ALL" -e frame.comment | sed -nE 's/^hook=sockets pid=([0-9]+) .*/\1/p' | sort -un | xargs)
is "$PIDS" "$(printf '%s\n' "$SRV4" "$SRV6" "$CURL4" "$CURL6" | sort -n | xargs)" \
	"comments name the two servers and the two curls"
is "$(fields "$ALL" -Y "tcp.flags.syn == 1 && tcp.flags.ack == 0 && tcp.dstport == 8080" -e frame.comment |
	sed -E 's/ pid=[0-9]+ tid=[0-9]+ / /; s/ fd=[0-9]+ / /' | sort | paste -sd';')" \
	"hook=sockets comm=curl syscall=connect;hook=sockets comm=python3 syscall=accept4" \
	"a handshake from curl's connect and from the server's accept4"
is "$(fields "$ALL" -Y "tcp.stream == 0" -e tcp.stream | wc -l)" \
	"$(fields "$ALL" -Y "tcp.port == 8080" -e tcp.stream | wc -l)" \
	"both ends' views of the IPv4 connection are one TCP stream"

# ---- one process --------------------------------------------------------------
is "$(fields "$ONE" -e frame.comment | sed -nE 's/^hook=sockets pid=([0-9]+) .*/\1/p' | sort -u | xargs)" \
	"$SRV4" "--pid keeps exactly the server's frames"
is "$(fields "$ONE" -Y http.request -e http.request.method):$(fields "$ONE" -Y http.response -e http.response.code)" \
	"GET:200" "the server's view alone dissects as HTTP"
is "$(fields "$ONE" -Y 'tcp.analysis.flags' -e frame.number | wc -l)" 0 \
	"the server's view: no TCP analysis warnings (sequence numbers consistent)"
FOLLOW=$(tshark -r "$ONE" -q -z follow,tcp,ascii,0 2>/dev/null)
grep -q "^GET /index.html HTTP/1.1" <<<"$FOLLOW" && grep -q "HTTP/1.0 200 OK" <<<"$FOLLOW" &&
	grep -qF "$BODY" <<<"$FOLLOW"
ok $? "Follow TCP Stream shows the request, the response and the body"
is "$(fields "$ONE" -Y 'tcp.flags.fin == 1' -e tcp.srcport | xargs)" "8080" "the server's close: its FIN"

# ---- every syscall: UDP and TCP, vectors and messages --------------------------
# A python under its own command name (comm comes from the path it runs as), so
# that --comm selects it alone.
ln -s "$("$PY" -c "import os, sys; print(os.path.realpath(sys.executable))")" "$TEST_TMP/ebc-sockpy"
cat >"$TEST_TMP/syscalls.py" <<'PY'
import os, socket, subprocess, sys
a = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); a.bind(("2001:2::1", 0))
b = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); b.bind(("2001:2::1", 0))
b.sendto(b"sendto-datagram", a.getsockname()); a.recvfrom(100)
b.sendmsg([b"seg1-", b"seg2"], [], 0, a.getsockname()); a.recvmsg(100)
# TCP with a peer in another process (python by its own name, not selected):
# both ends traced would show each byte once, from the write.
PEER = r"""
import socket, sys
l = socket.socket(); l.bind(("198.18.0.1", 0)); l.listen()
print(l.getsockname()[1], flush=True)
port = int(sys.stdin.readline())
a, _ = l.accept(); got = b""
while len(got) < 26: got += a.recv(100)
a.sendall(b"reply"); a.recv(10); a.close()
k = socket.create_connection(("198.18.0.1", port)); k.sendall(b"to-readv"); got = b""
while len(got) < 11: got += k.recv(100)
k.sendall(b"to-recvmsg"); k.close()
"""
peer = subprocess.Popen([os.path.realpath(sys.executable), "-c", PEER], stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE)
port = int(peer.stdout.readline())
l = socket.socket(); l.bind(("198.18.0.1", 0)); l.listen()
peer.stdin.write(b"%d\n" % l.getsockname()[1]); peer.stdin.flush()
c = socket.create_connection(("198.18.0.1", port))
os.writev(c.fileno(), [b"vec-a ", b"vec-b ", b"vec-c"]); c.sendmsg([b"msg1 ", b"msg2"])
os.read(c.fileno(), 100); c.close()
s, _ = l.accept()
os.readv(s.fileno(), [bytearray(64)]); os.write(s.fileno(), b"plain write")
s.recvmsg(100); s.recv(10); s.close(); peer.wait()
PY
SYS=$TEST_TMP/syscalls.pcapng
start_capture "$SYS" --comm ebc-sockpy
ok $? "a capture of one command name (--comm) attaches"
SYS_PID=$CAP_PID
in_a timeout 10 "$TEST_TMP/ebc-sockpy" "$TEST_TMP/syscalls.py"
ok $? "the syscall script runs"
wait_frames "$SYS" "tcp.flags.fin == 1" 3
stop_capture "$SYS_PID"
is "$(fields "$SYS" -e frame.comment | sed -nE 's/.* syscall=//p' | sort -u | xargs)" \
	"accept4 close connect read readv recvfrom recvmsg sendmsg sendto write writev" \
	"frames from every syscall the script made"
is "$(fields "$SYS" -Y 'udp && ipv6.src == 2001:2::1' -o data.show_as_text:TRUE -e data.text | sort -u | xargs)" \
	"seg1-seg2 sendto-datagram" "UDP over IPv6: sendto/recvfrom and sendmsg/recvmsg payloads, peer addresses"
is "$(fields "$SYS" -Y 'tcp.len > 0 && !tcp.analysis.retransmission' -o data.show_as_text:TRUE -e data.text | xargs)" \
	"vec-a vec-b vec-c msg1 msg2 reply to-readv plain write to-recvmsg" \
	"TCP: writev and sendmsg payloads gathered from their iovecs, reads with an untraced peer"
is "$(fields "$SYS" -e frame.comment | sed -nE 's/.* comm=([^ ]+) .*/\1/p' | sort -u)" "ebc-sockpy" \
	"--comm keeps that command's frames only"

# ---- errors and cleanup ---------------------------------------------------------
out=$(in_b "$EBPFCAP" -i sockets -f "tcp port" -w "$TEST_TMP/bad.pcapng" 2>&1)
st=$?
ok $((st == 0)) "an invalid filter fails"
is "$(wc -l <<<"$out")" 1 "with one line: $out"
[ ! -e "$TEST_TMP/bad.pcapng" ]
ok $? "and no file"
nothing_attached "$NS_B" vb
ok $? "nothing attached afterwards"
kill "$SRV4" "$SRV6" 2>/dev/null
done_testing
