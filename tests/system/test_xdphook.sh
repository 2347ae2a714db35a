#!/usr/bin/env bash
# XDP verdict capture through a hook map (xdpcap's convention): ebpfcap fills
# the pinned prog array of someone else's XDP program with capture programs,
# one per action, and empties it on exit, even after kill -9. The fixture
# (tests/data/xdp_rule.bpf.c) decides by UDP port: 40100 drop, 40101 tx,
# 40102 aborted, anything else pass; so each packet's verdict is known.
. "$(dirname "$0")/../lib/common.sh"
need_root
command -v bpftool >/dev/null || skip_all "needs bpftool"
mount_fs
FIXTURE=$top_builddir/tests/data/xdp_rule.bpf.o
[ -f "$FIXTURE" ] || skip_all "fixture $FIXTURE not built (make check)"
setup_pair || skip_all "cannot create network namespaces"
# Our pins: taken after setup_pair's bpffs snapshot, removed before the last check.
PIN=/sys/fs/bpf/ebc-test-$$
trap 'cleanup_ns; rm -rf "$PIN"' EXIT
bpffs_loadall "$PIN" "$FIXTURE" || skip_all "cannot load $FIXTURE with bpftool"
HOOK=$PIN/xdp_hook HOOK_FRAGS=$PIN/xdp_hook_frags
IFX=$(ifindex_in "$NS_B" vb)
out=$TEST_TMP/h.pcapng

# attach PROG MODE: the fixture's program PROG on vb, MODE xdpdrv or xdpgeneric.
attach() {
	in_b bpftool net detach xdpdrv dev vb 2>/dev/null
	in_b bpftool net detach xdpgeneric dev vb 2>/dev/null
	in_b bpftool net attach "$2" pinned "$PIN/progs/$1" dev vb
}
attached_id() { in_b bpftool net show dev vb | awk '$1 ~ /^vb\(/ { print $2, $4 }'; }

# UDP datagrams B's stack saw for closed ports: what the program passed.
udp_noports() { in_b awk '$1 == "Udp:" && $2 ~ /^[0-9]+$/ { print $3 }' /proc/net/snmp; }

# The known mix, A to B, and what reaches vb's XDP hook per verdict.
send_rule_mix() {
	send_udp4 40100 3	# drop
	send_udp4 40101 2	# tx
	send_udp4 40102 1	# aborted
	send_udp4 40103 4	# pass, then "port unreachable" back (not through vb's hook)
	ping4 2			# pass: 2 echo requests (the replies leave B)
}
RULE_TOTAL=12 RULE_VERDICTS="0=1 1=3 2=6 3=2"

# capture WANT HOOK SLOTS ARGS...: ebpfcap on HOOK in B until SLOTS slots are
# filled, the mix, stopped with SIGTERM once WANT packets arrived. Its exit
# status; LIVE_KEYS holds the slots filled while it ran.
capture() {
	local want=$1 hook=$2 slots=$3 pid status; shift 3
	LIVE_KEYS=""
	bg_b "$EBPFCAP" -q -i "xdphook:$hook" -w "$out" "$@" 2>"$out.err"
	pid=$BG_PID
	if ! wait_hook_filled "$hook" "$slots" "$pid"; then
		kill -KILL "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
		return 1
	fi
	LIVE_KEYS=$(hook_keys "$hook")
	send_rule_mix
	[ "$want" -gt 0 ] && wait_packets "$out" "$want"
	stop "$pid"; status=$?
	[ -s "$out.err" ] && sed 's/^/# stderr: /' "$out.err"
	return $status
}

# stop PID: SIGTERM, SIGKILL after 5 s; PID's exit status.
stop() {
	kill -TERM "$1" 2>/dev/null
	wait_gone "$1" 50 || { echo "# ebpfcap $1 ignored SIGTERM"; kill -KILL "$1" 2>/dev/null; }
	wait "$1" 2>/dev/null
}

verdicts() { fields "$1" -e frame.verdict.ebpf_xdp | sort | uniq -c | awk '{ print $2 "=" $1 }' | xargs; }

# Packets whose verdict, direction or comment disagree with the rule (listed on stderr).
bad_packets() {	# bad_packets FILE
	fields "$1" -e udp.dstport -e frame.verdict.ebpf_xdp -e frame.packet_flags_direction -e frame.comment |
	awk -F'\t' -v ifx="$IFX" '
		BEGIN { v[40100] = 1; v[40101] = 3; v[40102] = 0
			split("XDP_ABORTED XDP_DROP XDP_PASS XDP_TX XDP_REDIRECT", name, " ") }
		{ want = ($1 in v) ? v[$1] : 2 }
		$2 != want || $3 != "0x00000001" ||
		$4 !~ ("^hook=xdp if=vb ifindex=" ifx " cpu=[0-9]+ xdp=" name[want + 1] "$") {
			if (bad++ < 5) print "#   " $0 > "/dev/stderr" }
		END { print bad + 0 }'
}

# The fixture on its own: the rule holds with an empty hook.
attach xdp_rule xdpdrv
ok $? "fixture attached natively to vb"
PROG_ID=$(attached_id)
is "$(hook_entries "$HOOK")/$(hook_entries "$HOOK_FRAGS")" "0/0" "both hook maps pinned and empty"
before=$(udp_noports)
send_rule_mix
ok $? "pings pass the fixture"
is "$(( $(udp_noports) - before ))" 4 "only the 4 datagrams to 40103 reach B's UDP layer"

# The mix, every verdict.
capture $RULE_TOTAL "$HOOK" 5
ok $? "xdphook: capture ran and exited 0 after SIGTERM"
is "$LIVE_KEYS" "0 1 2 3 4" "while live, one slot per action (aborted .. redirect)"
is "$(count_packets "$out")" $RULE_TOTAL "$RULE_TOTAL packets reached the hook"
is "$(verdicts "$out")" "$RULE_VERDICTS" "per verdict: 1 aborted, 3 drop, 6 pass, 2 tx"
is "$(bad_packets "$out")" 0 "every packet: verdict by its port, inbound, comment with ifindex $IFX and xdp=<action>"
is "$(idbs "$out" | awk '{ print $1, $2 }')" "xdphook:$HOOK 1" "one interface block xdphook:PATH, Ethernet"
is "$(wc -l <"$out.err")" 0 "nothing on stderr with -q"

# After the capture: the hook empty, the same program attached, its rule intact.
wait_hook_empty "$HOOK"
ok $? "after exit the hook is empty"
is "$(attached_id)" "$PROG_ID" "the fixture is still the attached program"
before=$(udp_noports)
send_udp4 40100 3; send_udp4 40101 2; send_udp4 40103 1
is "$(( $(udp_noports) - before ))" 1 "the fixture still drops 40100 and bounces 40101: only 40103 reaches B"

# Filter and snaplen in the kernel.
capture 3 "$HOOK" 5 -f "udp port 40100"
ok $? "-f 'udp port 40100': capture ran"
is "$(verdicts "$out")" "1=3" "-f 'udp port 40100': the 3 drops only"
capture $RULE_TOTAL "$HOOK" 5 -s 60
ok $? "-s 60: capture ran"
is "$(fields "$out" -e frame.cap_len -e frame.len | sort -u | tr '\t' / | xargs)" "50/50 60/98" \
	"-s 60: UDP (50 bytes) whole, echo requests cut to 60 of 98"

# Only some verdicts: the other slots stay empty, and their packets go on as before.
LIVE_KEYS="" live=0
bg_b "$EBPFCAP" -q -i "xdphook:$HOOK" --verdicts drop,aborted -w "$out" 2>"$out.err"
pid=$BG_PID
wait_hook_filled "$HOOK" 2 "$pid" && LIVE_KEYS=$(hook_keys "$HOOK") live=1
is "$LIVE_KEYS" "0 1" "--verdicts drop,aborted: slots 0 and 1 only"
send_rule_mix
ok $? "--verdicts drop,aborted: pings still pass through the empty slot"
[ $live = 1 ] && wait_packets "$out" 4
stop "$pid"
is "$(verdicts "$out")" "0=1 1=3" "--verdicts drop,aborted: 1 aborted, 3 drops, nothing else"
wait_hook_empty "$HOOK"; ok $? "--verdicts: the hook is empty afterwards"

# kill -9: no signal handler runs; the reaper empties the hook.
bg_b "$EBPFCAP" -q -i "xdphook:$HOOK" -w "$out" 2>/dev/null
pid=$BG_PID
wait_hook_filled "$HOOK" 5 "$pid"
ok $? "kill -9: the capture was live"
kill -KILL "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
wait_hook_empty "$HOOK"
ok $? "kill -9: the hook is emptied within 10 s"
for _ in $(seq 200); do [ -z "$(our_pids)" ] && break; sleep 0.05; done
is "$(our_pids | xargs)" "" "kill -9: no ebpfcap process is left (the reaper ends too)"
is "$(leaked_progs | xargs)" "" "kill -9: no capture program left loaded"
before=$(udp_noports)
send_udp4 40100 2; send_udp4 40103 1
is "$(( $(udp_noports) - before ))" 1 "kill -9: the fixture still drops 40100"

# Generic mode: the same verdicts (XDP_TX goes out through the stack here).
attach xdp_rule xdpgeneric
ok $? "fixture attached in generic mode"
capture $RULE_TOTAL "$HOOK" 5
ok $? "generic: capture ran"
is "$(verdicts "$out")" "$RULE_VERDICTS" "generic: per verdict as in native mode"
is "$(bad_packets "$out")" 0 "generic: every packet's verdict and comment"

# A program loaded with BPF_F_XDP_HAS_FRAGS: its prog array takes only
# programs loaded with the flag, so ebpfcap must load its own with it.
attach xdp_rule_frags xdpdrv
ok $? "xdp.frags fixture attached natively"
capture $RULE_TOTAL "$HOOK_FRAGS" 5
ok $? "xdp.frags: capture ran (capture programs loaded with BPF_F_XDP_HAS_FRAGS)"
is "$LIVE_KEYS" "0 1 2 3 4" "xdp.frags: every slot filled"
is "$(verdicts "$out")" "$RULE_VERDICTS" "xdp.frags: per verdict"
is "$(bad_packets "$out")" 0 "xdp.frags: every packet's verdict and comment"
is "$(idbs "$out" | awk '{ print $1 }')" "xdphook:$HOOK_FRAGS" "xdp.frags: interface block named after its hook"
wait_hook_empty "$HOOK_FRAGS"; ok $? "xdp.frags: the hook is empty afterwards"

# Through tshark: ebpfcap-xdp with the hook map set as an extcap option, and
# only the drops kept (the GUI's "Hook map" and "Verdicts" fields).
wireshark_conf
tsout=$TEST_TMP/ts.pcapng
bg_b tshark -q -i ebpfcap-xdp -o "extcap.ebpfcap_xdp.xdphook:$HOOK_FRAGS" \
	-o extcap.ebpfcap_xdp.verdicts:drop -f udp -w "$tsout" 2>"$tsout.err"
ts_pid=$BG_PID
wait_hook_filled "$HOOK_FRAGS" 1 "$ts_pid"
ok $? "tshark -i ebpfcap-xdp with xdphook: the drop slot is filled"
is "$(hook_keys "$HOOK_FRAGS")" "1" "tshark: only the XDP_DROP slot"
send_rule_mix
wait_packets "$tsout" 3
kill -TERM "$ts_pid"
wait_gone "$ts_pid" || kill -KILL "$ts_pid"
wait "$ts_pid"
is "$(verdicts "$tsout")" "1=3" "tshark: the 3 drops, verdict 1 each"
is "$(idbs "$tsout" | awk '{ print $1 }')" "xdphook:$HOOK_FRAGS" "tshark: interface named after the hook"
wait_hook_empty "$HOOK_FRAGS"; ok $? "tshark: the hook is empty after tshark stops"

# Errors: one line naming the path, a non-zero exit, nothing changed.
bpftool map create "$PIN/not_hook" type array key 4 value 4 entries 5 name not_hook
bpftool map update pinned "$PIN/not_hook" key 1 0 0 0 value 7 0 0 0
dump_before=$(bpftool map dump pinned "$PIN/not_hook")
frags_id=$(attached_id)
for path in "$PIN/nope" "$PIN/not_hook" "$PIN/progs/xdp_rule"; do
	in_b timeout 5 "$EBPFCAP" -q -i "xdphook:$path" -w "$out" 2>"$out.err"
	status=$?
	[ "$status" -ne 0 ] && [ "$status" -ne 124 ]
	ok $? "$path: exits non-zero (status $status)"
	is "$(wc -l <"$out.err")" 1 "$path: one line on stderr"
	grep -qF "$path" "$out.err"; ok $? "$path: the line names it: $(head -1 "$out.err")"
done
# The last one: bpf_obj_get opens a pinned program too; its info is no map's.
grep -qw program "$out.err"; ok $? "a pinned program is called a program"
is "$(bpftool map dump pinned "$PIN/not_hook")" "$dump_before" "the pinned array is unchanged"
is "$(attached_id)" "$frags_id" "the attached program is unchanged"
is "$(hook_entries "$HOOK")/$(hook_entries "$HOOK_FRAGS")" "0/0" "both hooks still empty"

# Ours removed, nothing of ebpfcap's may remain.
in_b bpftool net detach xdpdrv dev vb
rm -rf "$PIN"
nothing_attached "$NS_B" vb; ok $? "nothing attached on vb, nothing left in bpffs"
done_testing
