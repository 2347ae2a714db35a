#!/usr/bin/env bash
# The option parser's libFuzzer target for a bounded time (FUZZ_SECONDS,
# default 20): argv vectors, alone or after a real extcap or standalone command
# line, with a dictionary of the option table's names; parsing must return 0 or
# -EINVAL with one error line, and never crash, print, exit or leak.
. "$(dirname "$0")/../lib/common.sh"
CLANG=${CLANG:-clang}
command -v "$CLANG" >/dev/null || skip_all "needs clang"
TEST_TMP=$(mktemp -d /tmp/ebpfcap-fuzz.XXXXXX)
trap 'rm -rf "$TEST_TMP"' EXIT
seconds=${FUZZ_SECONDS:-20}

"$CLANG" -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-include "$top_builddir/autoconfig.h" -I"$top_srcdir/src" -I"$top_srcdir/extcap" -I"$top_srcdir/bpf" \
	"$top_srcdir/tests/fuzz/fuzz_options.c" "$top_srcdir/extcap/options.c" "$top_srcdir/src/log.c" -lbpf \
	-o "$TEST_TMP/fuzz_options" >"$TEST_TMP/build.log" 2>&1 ||
	{ grep -q 'fuzzer' "$TEST_TMP/build.log" && skip_all "clang has no libFuzzer runtime (apt-get install libclang-rt-dev)"; cat "$TEST_TMP/build.log"; ok 1 "fuzzer builds"; done_testing; exit 1; }
ok 0 "the fuzz target builds with ASan and UBSan"
# A dictionary from the option table: every long option, enum word and tap prefix.
{
	grep -oE '\.name = "[a-z0-9-]+"' "$top_srcdir/extcap/options.c" | sed -E 's/.*"(.*)"/"--\1"/'
	grep -oE '\{ "[a-z]+", EBC_[A-Z_]+' "$top_srcdir/extcap/options.c" | sed -E 's/\{ ("[a-z]+").*/\1/'
	printf '"%s"\n' tc: xdp: xdphook: tp: kfunc: kretfunc: drops sockets any ebpfcap-tc ebpfcap-xdp \
		ebpfcap-kfunc '\x00'
} | sort -u >"$TEST_TMP/options.dict"
ok "$([ "$(wc -l <"$TEST_TMP/options.dict")" -gt 40 ]; echo $?)" "the dictionary has more than 40 words from the option table"
mkdir -p "$TEST_TMP/corpus"
"$TEST_TMP/fuzz_options" -dict="$TEST_TMP/options.dict" -max_total_time="$seconds" -max_len=512 \
	-print_final_stats=1 "$TEST_TMP/corpus" >"$TEST_TMP/run.log" 2>&1
status=$?
runs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+)/\1/p' "$TEST_TMP/run.log")
is "$status" 0 "no bad result, crash, leak or sanitizer report in ${seconds}s (${runs:-?} runs)"
[ "$status" -eq 0 ] || tail -30 "$TEST_TMP/run.log" | sed 's/^/# /'
ok "$([ "${runs:-0}" -gt 1000 ]; echo $?)" "the fuzzer ran more than 1000 inputs"
done_testing
