#!/usr/bin/env bash
# The pcapng writer's libFuzzer target for a bounded time (FUZZ_SECONDS,
# default 20): scripts of writer calls on a small buffer, checked against a
# model of which calls must succeed and re-read by an independent block walker;
# any difference, crash, leak or sanitizer report aborts.
. "$(dirname "$0")/../lib/common.sh"
CLANG=${CLANG:-clang}
command -v "$CLANG" >/dev/null || skip_all "needs clang"
TEST_TMP=$(mktemp -d /tmp/ebpfcap-fuzz.XXXXXX)
trap 'rm -rf "$TEST_TMP"' EXIT
seconds=${FUZZ_SECONDS:-20}

"$CLANG" -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-I"$top_srcdir/src" "$top_srcdir/tests/fuzz/fuzz_pcapng.c" "$top_srcdir/src/pcapng.c" \
	-o "$TEST_TMP/fuzz_pcapng" >"$TEST_TMP/build.log" 2>&1 ||
	{ grep -q 'fuzzer' "$TEST_TMP/build.log" && skip_all "clang has no libFuzzer runtime (apt-get install libclang-rt-dev)"; cat "$TEST_TMP/build.log"; ok 1 "fuzzer builds"; done_testing; exit 1; }
ok 0 "the fuzz target builds with ASan and UBSan"
mkdir -p "$TEST_TMP/corpus"
"$TEST_TMP/fuzz_pcapng" -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 \
	"$TEST_TMP/corpus" >"$TEST_TMP/run.log" 2>&1
status=$?
runs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+)/\1/p' "$TEST_TMP/run.log")
is "$status" 0 "no model mismatch, malformed block, crash or sanitizer report in ${seconds}s (${runs:-?} runs)"
[ "$status" -eq 0 ] || tail -30 "$TEST_TMP/run.log" | sed 's/^/# /'
ok "$([ "${runs:-0}" -gt 1000 ]; echo $?)" "the fuzzer ran more than 1000 inputs"
done_testing
