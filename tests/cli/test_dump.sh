#!/usr/bin/env bash
# ebpfcap -d and --dump-c end to end: the classic listing then the eBPF one,
# C that clang compiles for bpf, and refusals on stderr with exit 1. No root.
. "$(dirname "$0")/../lib/common.sh"
[ -x "$EBPFCAP" ] || skip_all "ebpfcap not built at $EBPFCAP"
TEST_TMP=$(mktemp -d /tmp/ebpfcap-dump.XXXXXX)
trap 'rm -rf "$TEST_TMP"' EXIT

"$EBPFCAP" -d udp >"$TEST_TMP/d" 2>"$TEST_TMP/err"
ok $? "-d udp exits 0"
is "$(wc -c <"$TEST_TMP/err")" 0 "-d udp: nothing on stderr"
is "$(sed -n 1p "$TEST_TMP/d")" "; classic BPF (12 instructions)" "-d udp: the classic listing first"
is "$(sed -n 2p "$TEST_TMP/d")" "(000) ldh      [12]" "-d udp: in tcpdump -d's notation"
is "$(grep -c '^(0[0-9][0-9]) ' "$TEST_TMP/d")" \
	"$((12 + $(sed -n 's/^; eBPF (\([0-9]*\) instructions)$/\1/p' "$TEST_TMP/d")))" \
	"-d udp: then the eBPF listing, one line per instruction"
grep -qx '(005) r0 = \*(u16 \*)(r1 +12)' "$TEST_TMP/d" && grep -qx '(006) r0 = be16 r0' "$TEST_TMP/d" &&
	grep -qE '^\([0-9]+\) if w0 != 0x800 goto pc\+[0-9]+$' "$TEST_TMP/d" && grep -qE '^\([0-9]+\) exit$' "$TEST_TMP/d"
ok $? "-d udp: eBPF in the verifier's notation"

"$EBPFCAP" --dump-c "udp port 53" >"$TEST_TMP/f.c" 2>"$TEST_TMP/err"
ok $? "--dump-c 'udp port 53' exits 0"
is "$(wc -c <"$TEST_TMP/err")" 0 "--dump-c: nothing on stderr"
classic=$("$EBPFCAP" -d "udp port 53" | sed -n 's/^; classic BPF (\([0-9]*\) instructions)$/\1/p')
is "$(grep -cE '^L[0-9]+:$' "$TEST_TMP/f.c")" "$classic" "--dump-c: one label per classic instruction"
# Debian and Ubuntu keep asm/types.h under the multiarch directory
multiarch=$(gcc -print-multiarch 2>/dev/null || true)
compiles() {	# compiles FILE.c: clang -O2 -target bpf, warnings as errors
	[ -s "$1" ] || return 1
	"${CLANG:-clang}" -O2 -Wall -Werror -target bpf ${multiarch:+-I/usr/include/$multiarch} \
		-c "$1" -o "${1%.c}.o" 2>"$TEST_TMP/clang.err"
	local status=$?
	sed 's/^/#   /' "$TEST_TMP/clang.err" | head -20
	return $status
}
# protochain's backward jump becomes a loop bounded as in the translation
"$EBPFCAP" --dump-c "ip6 protochain 6" >"$TEST_TMP/p.c" 2>"$TEST_TMP/err"
ok $? "--dump-c 'ip6 protochain 6' exits 0"
grep -qE '^[[:space:]]__u32 loop[0-9]+ = 16;' "$TEST_TMP/p.c"
ok $? "--dump-c 'ip6 protochain 6': a bounded loop counter"
if command -v "${CLANG:-clang}" >/dev/null; then
	compiles "$TEST_TMP/f.c"
	ok $? "--dump-c 'udp port 53' compiles with clang -O2 -target bpf -Wall -Werror"
	compiles "$TEST_TMP/p.c"
	ok $? "--dump-c 'ip6 protochain 6' compiles with clang -O2 -target bpf -Wall -Werror"
else
	skip_case "no clang" "--dump-c 'udp port 53' compiles with clang"
	skip_case "no clang" "--dump-c 'ip6 protochain 6' compiles with clang"
fi

"$EBPFCAP" -d "nosuch primitive" >"$TEST_TMP/out" 2>"$TEST_TMP/err"
is "$?" 1 "-d with an invalid filter: exit 1"
grep -q 'invalid capture filter "nosuch primitive"' "$TEST_TMP/err"
ok $? "-d with an invalid filter: libpcap's message on stderr"

# --cbpf: a classic program from a file (bpf_asm's comma form), ancillary loads included
printf '4,32 0 0 4294963248,21 0 1 1,6 0 0 65535,6 0 0 0\n' >"$TEST_TMP/vlan.bpf"
"$EBPFCAP" -d --cbpf "$TEST_TMP/vlan.bpf" >"$TEST_TMP/out" 2>"$TEST_TMP/err"
ok $? "-d --cbpf FILE exits 0"
grep -q 'ld       \[vlanp\]' "$TEST_TMP/out"
ok $? "-d --cbpf FILE: the classic listing names the ancillary load"
grep -qE '^\(000\) \*\(u64 \*\)\(r10 -[0-9]+\) = r4$' "$TEST_TMP/out"
ok $? "-d --cbpf FILE: the translation saves the ancillary block pointer first"
printf '4,32 0 0 4294963220,21 0 1 0,6 0 0 65535,6 0 0 0\n' >"$TEST_TMP/mark.bpf"
# an empty Ethernet pcap (header only)
printf '\xd4\xc3\xb2\xa1\x02\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\x00\x00\x01\x00\x00\x00' >"$TEST_TMP/empty.pcap"
"$EBPFCAP" -r "$TEST_TMP/empty.pcap" --hook xdp --cbpf "$TEST_TMP/mark.bpf" -w "$TEST_TMP/o.pcapng" 2>"$TEST_TMP/err"
is "$?" 1 "--cbpf with SKF_AD_MARK at XDP: exit 1"
is "$(cat "$TEST_TMP/err")" "ebpfcap: cannot run --cbpf $TEST_TMP/mark.bpf at the xdp hook: instruction 0: ancillary load SKF_AD_MARK is not available there (replay with --hook tc, where it is available)" \
	"--cbpf with SKF_AD_MARK at XDP: one line naming the load and the hook"
"$EBPFCAP" -d --cbpf "$TEST_TMP/vlan.bpf" "udp" >"$TEST_TMP/out" 2>"$TEST_TMP/err"
is "$?" 1 "--cbpf and an expression: exit 1"
grep -q -- '--cbpf .* replaces the filter expression "udp"; keep one' "$TEST_TMP/err"
ok $? "--cbpf and an expression: the conflict is named"
done_testing
