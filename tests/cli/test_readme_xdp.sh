#!/usr/bin/env bash
# The README's complete XDP hook-map program compiles as printed, against the
# header ebpfcap installs (bpf/ebpfcap_xdp_hook.h as <ebpfcap/ebpfcap_xdp_hook.h>).
. "$(dirname "$0")/../lib/common.sh"
command -v "${CLANG:-clang}" >/dev/null || skip_all "needs clang"
TEST_TMP=$(mktemp -d /tmp/ebpfcap-test.XXXXXX)
trap 'rm -rf "$TEST_TMP"' EXIT
mkdir -p "$TEST_TMP/inc/ebpfcap"
cp "$top_srcdir/bpf/ebpfcap_xdp_hook.h" "$TEST_TMP/inc/ebpfcap/"
awk '/^  #include <linux\/bpf.h>/,/^  char LICENSE/' "$top_srcdir/README.md" | sed 's/^  //' \
	>"$TEST_TMP/drop_ipv6.c"
grep -q 'ebpfcap_xdp_exit(ctx, &xdp_hook, XDP_DROP)' "$TEST_TMP/drop_ipv6.c"
ok $? "the README holds the hook-map example"
multiarch=$(gcc -print-multiarch 2>/dev/null || true)
"${CLANG:-clang}" -O2 -g -Wall -Werror -target bpf -I"$TEST_TMP/inc" \
	${multiarch:+-I/usr/include/$multiarch} -c "$TEST_TMP/drop_ipv6.c" -o "$TEST_TMP/drop_ipv6.o" \
	2>"$TEST_TMP/err"
ok $? "the README's hook-map example compiles with clang -target bpf -Wall -Werror"
sed 's/^/#   /' "$TEST_TMP/err" | head -10
llvm-objdump -h "$TEST_TMP/drop_ipv6.o" 2>/dev/null | grep -q '\.maps'
ok $? "the example declares its hook map in .maps (libbpf pins it by name)"
done_testing
