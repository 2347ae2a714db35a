#!/usr/bin/env bash
# Bad input, one row per case: the arguments (and the setting they run in),
# the exact one-line message, the exit status. Every row also asserts nothing
# on stdout, exactly one line on stderr, nothing attached in namespace A and
# no output file where there was none. Filters and names that look like shell
# commands are plain syntax errors: nothing they name is ever run.
. "$(dirname "$0")/../lib/common.sh"
need_root
mount_fs
setup_pair || skip_all "cannot create network namespaces"

# Loaded ebc_* programs that no process holds (common.sh's version counts
# ebpfcap processes only): a failed start leaks by a link or pin that outlived
# it; the programs of tests running beside this one are held by their loaders.
leaked_progs() {
	local live
	live=" $(grep -h '^prog_id:' /proc/[0-9]*/fdinfo/* 2>/dev/null | awk '{print $2}' | sort -u | xargs) "
	bpftool prog show 2>/dev/null | awk -v live="$live" '
		/ name ebc_/ { id = $1; sub(":", "", id); if (!index(live, " " id " ")) print id }'
}

OUT=$TEST_TMP/out.pcapng		# no row may create it
FIFO=$TEST_TMP/fifo
PROOF=$TEST_TMP/pwned			# a filter that reached a shell would create it
KEEP=$TEST_TMP/keep			# ... or remove this
mkdir "$TEST_TMP/dir" "$TEST_TMP/ro"
touch "$KEEP"
mkfifo "$FIFO"
# An Ethernet pcap of one 60-byte frame, for -r.
PCAP=$TEST_TMP/one.pcap
{ printf '\xd4\xc3\xb2\xa1\x02\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\x00\x00\x01\x00\x00\x00'
  printf '\x00\x00\x00\x00\x00\x00\x00\x00\x3c\x00\x00\x00\x3c\x00\x00\x00'
  head -c 60 /dev/zero; } >"$PCAP"
# Classic BPF (tcpdump -ddd): "inbound" (SKF_AD_PKTTYPE, which XDP lacks),
# SKF_AD_NLATTR_NEST (no hook has it), and something that is no program.
printf '4\n48 0 0 4294963204\n21 0 1 4\n6 0 0 262144\n6 0 0 0\n' >"$TEST_TMP/pkttype.cbpf"
printf '2\n48 0 0 4294963216\n6 0 0 262144\n' >"$TEST_TMP/nlattr.cbpf"
echo junk >"$TEST_TMP/junk.cbpf"

# Settings a row runs in (a command prefix, after nsenter into A).
AS=()
UNPRIV=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all)
# No bpffs: unmounted in a private mount namespace (exit 3 if it stays).
NO_BPFFS=(unshare -m sh -c 'umount /sys/fs/bpf 2>/dev/null
	[ "$(stat -f -c %T /sys/fs/bpf)" != bpf_fs ] || exit 3; exec "$@"' no_bpffs)
# bpffs masked by a tmpfs holding a plain file where the hook map should be.
MASKED_BPFFS=(unshare -m sh -c 'mount -t tmpfs none /sys/fs/bpf && touch /sys/fs/bpf/xdp_hook &&
	exec "$@"' masked_bpffs)
# A read-only directory (root writes into a mode 555 one).
READ_ONLY=(unshare -m sh -c 'mount -t tmpfs -o ro none "$0" && exec "$@"' "$TEST_TMP/ro")
WITH_READER=		# set: a reader on $FIFO, which the row must open and close

# row DESC STATUS WANT ARGS...: ebpfcap ARGS in A (after ${AS[@]}).
row() {
	local desc=$1 want_status=$2 want=$3 reader='' status
	shift 3
	if [ -n "$WITH_READER" ]; then
		timeout 20 cat "$FIFO" >/dev/null &
		reader=$!
	fi
	# What is pinned now: tests running beside this one pin and unpin too.
	BPFFS_BEFORE=$(bpffs_entries)
	in_a timeout 20 "${AS[@]}" "$EBPFCAP" "$@" >"$TEST_TMP/stdout" 2>"$TEST_TMP/stderr" </dev/null
	status=$?
	is "$status" "$want_status" "$desc: exit status $want_status"
	is "$(cat "$TEST_TMP/stderr")" "$want" "$desc: the message"
	is "$(wc -l <"$TEST_TMP/stderr")" 1 "$desc: one line on stderr"
	is "$(wc -c <"$TEST_TMP/stdout")" 0 "$desc: nothing on stdout"
	# Polled: a leak stays, programs of tests running beside this one come and go.
	wait_nothing_attached "$NS_A" va; ok $? "$desc: nothing attached"
	[ ! -e "$OUT" ]; ok $? "$desc: no output file"
	rm -f "$OUT"
	if [ -n "$reader" ]; then
		wait_gone "$reader" 50; ok $? "$desc: the FIFO was opened and closed"
		kill "$reader" 2>/dev/null; wait "$reader" 2>/dev/null
	fi
}

W=(-w "$OUT")
CAP_TC=(--capture --extcap-interface ebpfcap-tc --device va --fifo "$FIFO")

# Filters: libpcap's own errors, quoted with the filter.
row "syntax error" 1 "ebpfcap: invalid capture filter \"ip and (\": can't parse filter expression: syntax error" \
	-i tc:va "${W[@]}" "ip and ("
row "unknown port" 1 "ebpfcap: invalid capture filter \"udp port nosuch\": unknown port 'nosuch'" \
	-i tc:va "${W[@]}" udp port nosuch
row "unknown host" 1 "ebpfcap: invalid capture filter \"host nosuch.invalid\": unknown host 'nosuch.invalid'" \
	-i tc:va "${W[@]}" host nosuch.invalid
row "unknown protocol" 1 "ebpfcap: invalid capture filter \"ip proto nosuch\": unknown ip proto 'nosuch'" \
	-i tc:va "${W[@]}" ip proto nosuch
row "port out of range" 1 "ebpfcap: invalid capture filter \"tcp port 70000\": illegal port number 70000 > 65535" \
	-i tc:va "${W[@]}" tcp port 70000
row "filter given twice" 1 "ebpfcap: filter given twice: with -f and as trailing words (\"udp\"); keep one" \
	-i tc:va "${W[@]}" -f tcp udp
# Valid in libpcap, not at this hook: XDP has no packet type yet.
row "inbound at XDP" 1 "ebpfcap: cannot run the capture filter \"inbound\" at the xdp hook: instruction 0: ancillary load SKF_AD_PKTTYPE is not available there (capture with -i tc:DEV, where it is available)" \
	-i xdp:va "${W[@]}" inbound
row "--cbpf ancillary load at XDP" 1 "ebpfcap: cannot run --cbpf $TEST_TMP/pkttype.cbpf at the xdp hook: instruction 0: ancillary load SKF_AD_PKTTYPE is not available there (capture with -i tc:DEV, where it is available)" \
	-i xdp:va "${W[@]}" --cbpf "$TEST_TMP/pkttype.cbpf"
row "inbound replayed at XDP" 1 "ebpfcap: cannot run the capture filter \"inbound\" at the xdp hook: instruction 0: ancillary load SKF_AD_PKTTYPE is not available there (replay with --hook tc, where it is available)" \
	-r "$PCAP" --hook xdp "${W[@]}" inbound
row "--cbpf ancillary load no hook has" 1 "ebpfcap: cannot run --cbpf $TEST_TMP/nlattr.cbpf at the tc hook: instruction 0: ancillary load SKF_AD_NLATTR_NEST is not available at any hook" \
	-i tc:va "${W[@]}" --cbpf "$TEST_TMP/nlattr.cbpf"
row "--cbpf missing file" 1 "ebpfcap: cannot read $TEST_TMP/nosuch.cbpf: No such file or directory" \
	-i tc:va "${W[@]}" --cbpf "$TEST_TMP/nosuch.cbpf"
row "--cbpf not a program" 1 "ebpfcap: $TEST_TMP/junk.cbpf does not start with an instruction count from 1 to 4096 (tcpdump -ddd format)" \
	-i tc:va "${W[@]}" --cbpf "$TEST_TMP/junk.cbpf"
row "--cbpf and a filter" 1 "ebpfcap: --cbpf $TEST_TMP/junk.cbpf replaces the filter expression \"ip\"; keep one" \
	-i tc:va "${W[@]}" --cbpf "$TEST_TMP/junk.cbpf" ip

# Strings that would do harm in a shell are filter syntax errors, nothing more.
row "filter \$(...)" 1 "ebpfcap: invalid capture filter \"\$(touch $PROOF)\": can't parse filter expression: syntax error" \
	-i tc:va "${W[@]}" "\$(touch $PROOF)"
row "filter ;rm" 1 "ebpfcap: invalid capture filter \";rm -rf $KEEP\": can't parse filter expression: syntax error" \
	-i tc:va "${W[@]}" ";rm -rf $KEEP"
row "filter \`...\`" 1 "ebpfcap: invalid capture filter \"\`touch $PROOF\`\": can't parse filter expression: syntax error" \
	-i tc:va "${W[@]}" "\`touch $PROOF\`"
row "filter ip; touch" 1 "ebpfcap: invalid capture filter \"ip; touch $PROOF\": can't parse filter expression: syntax error" \
	-f "ip; touch $PROOF" -i tc:va "${W[@]}"
row "tracepoint \$(...)" 1 "ebpfcap: invalid tracepoint \"net:\$(touch $PROOF)\" (expected -i tp:GROUP:NAME of letters, digits and '_')" \
	-i "tp:net:\$(touch $PROOF)" "${W[@]}"
row "function ;reboot" 1 "ebpfcap: invalid function name \"ip_rcv;reboot\" (expected letters, digits, '_' and '.')" \
	-i "kfunc:ip_rcv;reboot" "${W[@]}"
[ ! -e "$PROOF" ] && [ -e "$KEEP" ]; ok $? "no filter or name reached a shell"

# Devices and taps.
row "unknown tc device" 1 "ebpfcap: no such device nosuch0 in this network namespace (list them with ebpfcap -D)" \
	-i tc:nosuch0 "${W[@]}"
row "unknown xdp device" 1 "ebpfcap: no such device nosuch0 in this network namespace (list them with ebpfcap -D)" \
	-i xdp:nosuch0 "${W[@]}"
row "unknown bare device" 1 "ebpfcap: no such device nosuch0 in this network namespace (list them with ebpfcap -D)" \
	-i nosuch0 "${W[@]}"
row "tap without device" 1 "ebpfcap: -i tc: names no device (e.g. -i tc:eth0)" -i tc: "${W[@]}"
row "unknown tap" 1 "ebpfcap: unknown tap \"foo:bar\" (expected any, tc:DEV, xdp:DEV, xdphook:PATH, DEV, drops, sockets, tp:[GROUP:]NAME, kfunc:FUNC or kretfunc:FUNC)" \
	-i foo:bar "${W[@]}"
row "device with a blank" 1 "ebpfcap: invalid device name \"v a\" (no '/' or blanks)" -i "tc:v a" "${W[@]}"
row "device name too long" 1 "ebpfcap: device name \"abcdefghijklmnop\" is too long (at most 15 characters)" \
	-i tc:abcdefghijklmnop "${W[@]}"
row "-i and --device disagree" 1 "ebpfcap: -i tc:va and --device vb name different devices; keep one" \
	-i tc:va --device vb "${W[@]}"
row "relative hook map" 1 "ebpfcap: invalid hook map path \"hook\" (expected an absolute path, e.g. -i xdphook:/sys/fs/bpf/xdp_hook)" \
	-i xdphook:hook "${W[@]}"
row "missing hook map" 1 "ebpfcap: no pinned hook map at /sys/fs/bpf/ebpfcap-test-nosuch (pin the XDP program's hook map there: see ebpfcap_xdp_hook.h)" \
	-i xdphook:/sys/fs/bpf/ebpfcap-test-nosuch "${W[@]}"

# Kernel functions and tracepoints.
row "unknown kernel function" 1 "ebpfcap: no kernel function nosuch_fn in this kernel's BTF (check the name in /proc/kallsyms; static functions may be inlined)" \
	-i kfunc:nosuch_fn "${W[@]}"
row "function without an sk_buff" 1 "ebpfcap: kernel function jiffies_to_msecs takes no struct sk_buff * argument (give one that does, e.g. -i kfunc:ip_rcv)" \
	-i kfunc:jiffies_to_msecs "${W[@]}"
row "argN not an sk_buff" 1 "ebpfcap: argument 2 of ip_rcv is not a struct sk_buff * (use -i kretfunc:ip_rcv:arg1)" \
	-i kretfunc:ip_rcv:arg2 "${W[@]}"
row "argN past the parameters" 1 "ebpfcap: kernel function ip_rcv has no argument 5 (it takes 4; use -i kfunc:ip_rcv:arg1)" \
	-i kfunc:ip_rcv:arg5 "${W[@]}"
row "argN out of range" 1 "ebpfcap: invalid argument \"arg13\" in -i kfunc:ip_rcv:arg13 (expected arg1 to arg12)" \
	-i kfunc:ip_rcv:arg13 "${W[@]}"
row "arg0" 1 "ebpfcap: -i kfunc:ip_rcv:arg0: arguments count from 1 (arg1 is the first parameter)" \
	-i kfunc:ip_rcv:arg0 "${W[@]}"
row "kfunc without a function" 1 "ebpfcap: -i kfunc: names no function (e.g. -i kfunc:ip_rcv)" -i kfunc: "${W[@]}"
row "unknown tracepoint" 1 "ebpfcap: no tracepoint net:nosuch in this kernel (list those carrying packets with ebpfcap -D)" \
	-i tp:net:nosuch "${W[@]}"
row "tracepoint without an sk_buff" 1 "ebpfcap: tracepoint sched:sched_switch carries no sk_buff: nothing to capture there (list those carrying packets with ebpfcap -D)" \
	-i tp:sched:sched_switch "${W[@]}"
row "tracepoint without a name" 1 "ebpfcap: -i tp:net: names no tracepoint (expected -i tp:GROUP:NAME or -i tp:NAME)" \
	-i tp:net: "${W[@]}"

# Snap lengths, counts, sizes: end-pointer checks, the option and the value named.
row "snaplen 0" 1 "ebpfcap: snaplen 0 out of range (1 to 262144)" -i tc:va -s 0 "${W[@]}"
row "snaplen negative" 1 "ebpfcap: invalid value \"-1\" for --snaplen: expected a number from 1 to 262144" \
	-i tc:va -s -1 "${W[@]}"
row "snaplen too big" 1 "ebpfcap: snaplen 262145 out of range (1 to 262144)" -i tc:va -s 262145 "${W[@]}"
row "snaplen huge" 1 "ebpfcap: snaplen 99999999999999999999999 out of range (1 to 262144)" \
	-i tc:va --snaplen=99999999999999999999999 "${W[@]}"
row "snaplen 100x" 1 "ebpfcap: invalid value \"100x\" for --snaplen: expected a number from 1 to 262144" \
	-i tc:va -s 100x "${W[@]}"
row "snaplen 0x" 1 "ebpfcap: invalid value \"0x\" for --snaplen: expected a number from 1 to 262144" \
	-i tc:va -s 0x "${W[@]}"
row "snaplen empty" 1 "ebpfcap: invalid value \"\" for --snaplen: expected a number from 1 to 262144" \
	-i tc:va -s "" "${W[@]}"
row "snaplen leading blank" 1 "ebpfcap: invalid value \" 5\" for --snaplen: expected a number from 1 to 262144" \
	-i tc:va -s " 5" "${W[@]}"
row "count 10x" 1 "ebpfcap: invalid value \"10x\" for --count: expected a number of at least 1" \
	-i tc:va -c 10x "${W[@]}"
row "count 0" 1 "ebpfcap: count 0 out of range (at least 1)" -i tc:va -c 0 "${W[@]}"
row "count 2^64" 1 "ebpfcap: count 18446744073709551616 out of range (at least 1)" \
	-i tc:va -c 18446744073709551616 "${W[@]}"
row "ring size 8M" 1 "ebpfcap: invalid value \"8M\" for --ring-size: expected a power of two from 1 to 1024" \
	-i tc:va --ring-size 8M "${W[@]}"
row "ring size 3" 1 "ebpfcap: ring size 3 is not a power of two (try 2 or 4)" -i tc:va --ring-size 3 "${W[@]}"
row "ring size 2048" 1 "ebpfcap: ring size 2048 out of range (1 to 1024)" -i tc:va --ring-size 2048 "${W[@]}"
row "ring size 0" 1 "ebpfcap: ring size 0 out of range (1 to 1024)" -i tc:va --ring-size 0 "${W[@]}"
row "pid 12abc" 1 "ebpfcap: invalid value \"12abc\" for --pid: expected a number from 1 to 4194304" \
	-i tc:va --pid 12abc "${W[@]}"
row "pid too big" 1 "ebpfcap: pid 4194305 out of range (1 to 4194304)" -i tc:va --pid 4194305 "${W[@]}"
row "pid 0" 1 "ebpfcap: pid 0 out of range (1 to 4194304)" -i sockets --pid 0 "${W[@]}"

# Options unknown, incomplete or with a value they do not take.
row "unknown long option" 1 "ebpfcap: unknown option --bogus (see ebpfcap --help)" -i tc:va --bogus "${W[@]}"
row "unknown short option" 1 "ebpfcap: unknown option -Z (see ebpfcap --help)" -i tc:va -Z "${W[@]}"
row "missing value, short" 1 "ebpfcap: missing value for -s" -i tc:va "${W[@]}" -s
row "missing value, long" 1 "ebpfcap: missing value for --snaplen" -i tc:va "${W[@]}" --snaplen
row "unknown direction" 1 "ebpfcap: invalid value \"sideways\" for --direction: expected bidirectional|ingress|egress|inout|in|out" \
	-i tc:va -Q sideways "${W[@]}"
row "unknown xdp mode" 1 "ebpfcap: invalid value \"turbo\" for --xdp-mode: expected auto|native|generic|drv|skb" \
	-i xdp:va --xdp-mode turbo "${W[@]}"
row "unknown log level" 1 "ebpfcap: invalid value \"loud\" for --log-level: expected error|critical|warning|message|info|debug|noisy" \
	-i tc:va --log-level loud "${W[@]}"
row "unknown verdict" 1 "ebpfcap: invalid verdict \"nope\" for --verdicts: expected aborted, drop, pass, tx or redirect" \
	-i xdp:va --verdicts drop,nope "${W[@]}"
row "no verdict" 1 "ebpfcap: --verdicts names no verdict (expected aborted, drop, pass, tx or redirect, comma-separated)" \
	-i xdp:va --verdicts , "${W[@]}"
row "command name too long" 1 "ebpfcap: --comm \"abcdefghijklmnopq\" is too long: the kernel keeps 15 characters of a command name (try --comm abcdefghijklmno)" \
	-i sockets --comm abcdefghijklmnopq "${W[@]}"
row "relative cgroup" 1 "ebpfcap: invalid cgroup path \"system.slice\" (expected an absolute path, e.g. --cgroup /sys/fs/cgroup/system.slice)" \
	-i sockets --cgroup system.slice "${W[@]}"
row "empty netns" 1 "ebpfcap: --netns needs a path, e.g. --netns /run/netns/NAME or --netns /proc/PID/ns/net" \
	-i drops --netns "" "${W[@]}"

# Contradictions (what extcap/options.c refuses).
row "-Q on the sockets tap" 1 "ebpfcap: the sockets tap has no direction; drop -Q in" -i sockets -Q in "${W[@]}"
row "-Q out on XDP" 1 "ebpfcap: xdp captures ingress only; drop -Q out" -i xdp:va -Q out "${W[@]}"
row "--xdp-mode on tc" 1 "ebpfcap: --xdp-mode applies to xdp taps only; drop --xdp-mode native or capture with -i xdp:DEV" \
	-i tc:va --xdp-mode native "${W[@]}"
row "--tc-mode on XDP" 1 "ebpfcap: --tc-mode applies to tc taps only; drop --tc-mode tcx" \
	-i xdp:va --tc-mode tcx "${W[@]}"
row "--trace-mode on tc" 1 "ebpfcap: --trace-mode applies to trace taps only; drop --trace-mode btf or capture with -i drops, tp:NAME, kfunc:FUNC or kretfunc:FUNC" \
	-i tc:va --trace-mode btf "${W[@]}"
row "--verdicts on tc" 1 "ebpfcap: --verdicts applies to XDP taps only; drop --verdicts drop or capture with -i xdp:DEV or -i xdphook:PATH" \
	-i tc:va --verdicts drop "${W[@]}"
row "--device on a trace tap" 1 "ebpfcap: --device applies to tc and xdp taps only; drop --device va" \
	-i drops --device va "${W[@]}"
row "--xdp-mode with a hook map" 1 "ebpfcap: a hook map's XDP program is attached by its owner; drop --xdp-mode native" \
	-i xdphook:/sys/fs/bpf/xdp_hook --xdp-mode native "${W[@]}"
row "--netns and --all-netns" 1 "ebpfcap: --netns /run/netns/$NS_B and --all-netns contradict each other; keep one" \
	-i drops --netns "/run/netns/$NS_B" --all-netns "${W[@]}"
row "--netns on a device tap" 1 "ebpfcap: --netns applies to trace and sockets taps; a device tap captures in the namespace ebpfcap runs in" \
	-i tc:va --netns "/run/netns/$NS_B" "${W[@]}"
row "-r with -i" 1 "ebpfcap: -r reads packets from $PCAP, not from -i tc:va; keep one" -r "$PCAP" -i tc:va "${W[@]}"
row "-r with --pid" 1 "ebpfcap: -r replays a file's packets, which belong to no process or namespace here; drop --pid 1" \
	-r "$PCAP" --pid 1 "${W[@]}"
row "-d with -r" 1 "ebpfcap: -d, --dump-c and -r do different things; keep one" -d -r "$PCAP"
row "-d with -w" 1 "ebpfcap: -d prints the filter on standard output; drop -w $OUT" -d "${W[@]}" ip
row "--hook without -r" 1 "ebpfcap: --hook goes with -r FILE; drop --hook xdp" -i tc:va --hook xdp "${W[@]}"
row "--function standalone" 1 "ebpfcap: --function goes with --extcap-interface ebpfcap-kfunc; standalone, use -i kfunc:FUNC" \
	--function ip_rcv "${W[@]}"

# Input and output files.
row "-r unreadable" 1 "ebpfcap: cannot read $TEST_TMP/nosuch.pcap: No such file or directory" -r "$TEST_TMP/nosuch.pcap" "${W[@]}"
row "-r not a capture" 1 "ebpfcap: cannot read $TEST_TMP/junk.cbpf: unknown file format (-r reads pcap and pcapng files)" \
	-r "$TEST_TMP/junk.cbpf" "${W[@]}"
row "-w into a missing directory" 1 "ebpfcap: cannot open $TEST_TMP/nosuch/x.pcapng for writing: No such file or directory (create the directory first)" \
	-i tc:va -w "$TEST_TMP/nosuch/x.pcapng"
ok "$([ ! -e "$TEST_TMP/nosuch" ]; echo $?)" "-w into a missing directory: no directory created"
AS=("${READ_ONLY[@]}")
row "-w into a read-only directory" 1 "ebpfcap: cannot open $TEST_TMP/ro/x.pcapng for writing: Read-only file system (write into a directory you can write to)" \
	-i tc:va -w "$TEST_TMP/ro/x.pcapng"
AS=()
row "-w a directory" 1 "ebpfcap: cannot open $TEST_TMP/dir for writing: Is a directory (give a file name, not a directory)" \
	-i tc:va -w "$TEST_TMP/dir"
row "-w empty" 1 "ebpfcap: -w needs a file name, or - for standard output" -i tc:va -w ""
row "unwritable log file" 1 "ebpfcap: cannot open log file $TEST_TMP/nosuch/log: No such file or directory (check --log-file)" \
	-i tc:va --log-file "$TEST_TMP/nosuch/log" "${W[@]}"

# Extcap mode: an error during --capture still opens the FIFO (tshark 4.0 hangs otherwise).
row "--fifo in a missing directory" 1 "ebpfcap: cannot open $TEST_TMP/nosuch/fifo for writing: No such file or directory (check --fifo: Wireshark creates the FIFO before it starts ebpfcap)" \
	--capture --extcap-interface ebpfcap-tc --device va --fifo "$TEST_TMP/nosuch/fifo"
row "--capture without --fifo" 1 "ebpfcap: --capture needs --fifo PATH (outside wireshark, use -w FILE instead of --capture)" \
	--capture --extcap-interface ebpfcap-tc --device va
row "--extcap-config with --capture" 1 "ebpfcap: --extcap-config and --capture cannot be combined; give one" \
	--extcap-config --capture --extcap-interface ebpfcap-tc
row "extcap, nothing to do" 1 "ebpfcap: nothing to do: give --extcap-interfaces, --extcap-dlts, --extcap-config or --capture" \
	--extcap-interface ebpfcap-tc
row "--extcap-dlts without an interface" 1 "ebpfcap: --extcap-dlts needs --extcap-interface (ebpfcap, ebpfcap-tc, ebpfcap-xdp, ebpfcap-drops, ebpfcap-tracepoint, ebpfcap-kfunc or ebpfcap-sockets)" \
	--extcap-dlts
row "--extcap-config, unknown interface" 1 "ebpfcap: unknown interface ebpfcap-nosuch (expected ebpfcap, ebpfcap-tc, ebpfcap-xdp, ebpfcap-drops, ebpfcap-tracepoint, ebpfcap-kfunc or ebpfcap-sockets)" \
	--extcap-config --extcap-interface ebpfcap-nosuch
row "extcap, trailing words" 1 "ebpfcap: unexpected argument \"udp\" in extcap mode (pass a filter with --extcap-capture-filter)" \
	--extcap-interfaces udp
WITH_READER=1
row "--capture, bad filter" 1 "ebpfcap: invalid capture filter \"udp port nosuch\": unknown port 'nosuch'" \
	"${CAP_TC[@]}" --extcap-capture-filter "udp port nosuch"
row "--capture, \$(...) filter" 1 "ebpfcap: invalid capture filter \"\$(touch $PROOF)\": can't parse filter expression: syntax error" \
	"${CAP_TC[@]}" --extcap-capture-filter "\$(touch $PROOF)"
row "--capture, snaplen 0" 1 "ebpfcap: snaplen 0 out of range (1 to 262144)" "${CAP_TC[@]}" --snaplen 0
row "--capture, unknown interface" 1 "ebpfcap: unknown interface ebpfcap-nosuch (expected ebpfcap, ebpfcap-tc, ebpfcap-xdp, ebpfcap-drops, ebpfcap-tracepoint, ebpfcap-kfunc or ebpfcap-sockets)" \
	--capture --extcap-interface ebpfcap-nosuch --fifo "$FIFO"
row "--capture with -w" 1 "ebpfcap: -w belongs to the standalone command line; drop it or the --extcap-* options" \
	"${CAP_TC[@]}" "${W[@]}"
row "--capture, unknown device" 1 "ebpfcap: no such device nosuch0 in this network namespace (list them with ebpfcap -D)" \
	--capture --extcap-interface ebpfcap-tc --device nosuch0 --fifo "$FIFO"
row "--capture, unwritable log file" 1 "ebpfcap: cannot open log file $TEST_TMP/nosuch/log: No such file or directory (check --log-file)" \
	"${CAP_TC[@]}" --log-file "$TEST_TMP/nosuch/log"
row "--capture, inbound at XDP" 1 "ebpfcap: cannot run the capture filter \"inbound\" at the xdp hook: instruction 0: ancillary load SKF_AD_PKTTYPE is not available there (capture with ebpfcap-tc, where it is available)" \
	--capture --extcap-interface ebpfcap-xdp --device va --fifo "$FIFO" --extcap-capture-filter inbound
row "--capture, --tracepoint on ebpfcap-tc" 1 "ebpfcap: --tracepoint applies to ebpfcap-tracepoint only; drop --tracepoint net:x" \
	"${CAP_TC[@]}" --tracepoint net:x
row "--capture, bad function name" 1 "ebpfcap: invalid function name \"ip_rcv;id\" (expected letters, digits, '_' and '.')" \
	--capture --extcap-interface ebpfcap-kfunc --function "ip_rcv;id" --fifo "$FIFO"
row "--capture, function without an sk_buff" 1 "ebpfcap: kernel function jiffies_to_msecs takes no struct sk_buff * argument (give one that does, e.g. --function ip_rcv)" \
	--capture --extcap-interface ebpfcap-kfunc --function jiffies_to_msecs --fifo "$FIFO"
row "--capture, --arg not an sk_buff" 1 "ebpfcap: argument 2 of ip_rcv is not a struct sk_buff * (use --arg 1)" \
	--capture --extcap-interface ebpfcap-kfunc --function ip_rcv --arg 2 --fifo "$FIFO"
WITH_READER=
[ ! -e "$PROOF" ]; ok $? "no extcap filter reached a shell"

# The GUI's filter check: exit 0, one line on stdout when invalid; at the interface's hook.
filter_check() {	# filter_check DESC INTERFACE FILTER WANT_STDOUT
	"$EBPFCAP" --extcap-interface "$2" --extcap-capture-filter "$3" >"$TEST_TMP/stdout" 2>"$TEST_TMP/stderr"
	is "$?/$(cat "$TEST_TMP/stdout")/$(cat "$TEST_TMP/stderr")" "0/$4/" "filter check, $1"
}
filter_check "syntax error" ebpfcap-tc "ip and (" \
	"invalid capture filter \"ip and (\": can't parse filter expression: syntax error"
filter_check "inbound at XDP" ebpfcap-xdp inbound \
	"instruction 0: ancillary load SKF_AD_PKTTYPE is not available at the xdp hook"
filter_check "inbound at tc is valid" ebpfcap-tc inbound ""
filter_check "inbound on the sockets tap is valid" ebpfcap-sockets inbound ""

# No bpffs: the hook map cannot be there.
AS=("${NO_BPFFS[@]}")
row "hook map without bpffs" 1 "ebpfcap: cannot open the hook map /sys/fs/bpf/xdp_hook: no BPF filesystem is mounted there (mount one: mount -t bpf bpf /sys/fs/bpf)" \
	-i xdphook:/sys/fs/bpf/xdp_hook "${W[@]}"
WITH_READER=1
row "extcap hook map without bpffs" 1 "ebpfcap: cannot open the hook map /sys/fs/bpf/xdp_hook: no BPF filesystem is mounted there (mount one: mount -t bpf bpf /sys/fs/bpf)" \
	--capture --extcap-interface ebpfcap-xdp --xdp-hook /sys/fs/bpf/xdp_hook --fifo "$FIFO"
WITH_READER=
AS=("${MASKED_BPFFS[@]}")
row "hook map on a tmpfs" 1 "ebpfcap: cannot open the hook map /sys/fs/bpf/xdp_hook: no BPF filesystem is mounted there (mount one: mount -t bpf bpf /sys/fs/bpf)" \
	-i xdphook:/sys/fs/bpf/xdp_hook "${W[@]}"
AS=()

# The unprivileged user: the first BPF call fails and the message names the fix.
chmod 0777 "$TEST_TMP"
chmod 0666 "$FIFO"
AS=("${UNPRIV[@]}")
EPERM_FIX="Operation not permitted (run as root, or grant CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN)"
for tap in tc:va xdp:va any drops tp:net:netif_receive_skb xdphook:/sys/fs/bpf/xdp_hook; do
	row "unprivileged, -i $tap" 1 "ebpfcap: cannot create a 8192 KiB BPF ring buffer: $EPERM_FIX" \
		-i "$tap" "${W[@]}"
done
row "unprivileged, -i sockets" 1 "ebpfcap: cannot load the sockets program: $EPERM_FIX" -i sockets "${W[@]}"
row "unprivileged, -r" 1 "ebpfcap: cannot create a 8192 KiB BPF ring buffer: $EPERM_FIX" -r "$PCAP" "${W[@]}"
WITH_READER=1
row "unprivileged, extcap" 1 "ebpfcap: cannot create a 8192 KiB BPF ring buffer: $EPERM_FIX" "${CAP_TC[@]}"
WITH_READER=
AS=()

# A kernel without the hook: no kprobes, and fentry/fexit not permitted.
if [ -e /sys/bus/event_source/devices/kprobe ] || [ -e /sys/kernel/tracing/kprobe_events ]; then
	for tap in kfunc kretfunc; do
		skip_case "this kernel has kprobes (tested by the kernel matrix)" "$tap without the hook"
	done
else
	row "kfunc without the hook" 1 "ebpfcap: cannot trace function ip_rcv: this kernel has no kprobes (CONFIG_KPROBES) and does not permit fentry (Operation not permitted); try a tracepoint such as -i tp:net:netif_receive_skb" \
		-i kfunc:ip_rcv "${W[@]}"
	row "kretfunc without the hook" 1 "ebpfcap: cannot trace function ip_rcv: this kernel has no kprobes (CONFIG_KPROBES) and does not permit fexit (Operation not permitted); try a tracepoint such as -i tp:net:netif_receive_skb" \
		-i kretfunc:ip_rcv "${W[@]}"
fi
done_testing
