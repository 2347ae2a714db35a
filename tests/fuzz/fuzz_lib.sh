# Shared by the libFuzzer scripts: build a target with ASan and UBSan, run it
# for a bounded time (FUZZ_SECONDS, default 20) and report in TAP.
. "$(dirname "$0")/../lib/common.sh"
CLANG=${CLANG:-clang}
command -v "$CLANG" >/dev/null || skip_all "needs clang"
TEST_TMP=$(mktemp -d /tmp/ebpfcap-fuzz.XXXXXX)
trap 'rm -rf "$TEST_TMP"' EXIT
seconds=${FUZZ_SECONDS:-20}

# fuzz_build NAME CLANG-ARGS...: $TEST_TMP/NAME, or skip (no libFuzzer runtime) or fail.
fuzz_build() {
	local name=$1; shift
	if ! "$CLANG" -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		"$@" -o "$TEST_TMP/$name" >"$TEST_TMP/build.log" 2>&1; then
		grep -q 'fuzzer' "$TEST_TMP/build.log" &&
			skip_all "clang has no libFuzzer runtime (apt-get install libclang-rt-dev)"
		cat "$TEST_TMP/build.log"
		ok 1 "the fuzz target builds"
		done_testing
		exit 1
	fi
	ok 0 "the fuzz target builds with ASan and UBSan"
}

# fuzz_run NAME WHAT LIBFUZZER-ARGS...: runs it on an empty corpus; WHAT names
# the failures the target detects.
fuzz_run() {
	local name=$1 what=$2 status runs; shift 2
	mkdir -p "$TEST_TMP/corpus"
	"$TEST_TMP/$name" -max_total_time="$seconds" -print_final_stats=1 "$@" \
		"$TEST_TMP/corpus" >"$TEST_TMP/run.log" 2>&1
	status=$?
	runs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+)/\1/p' "$TEST_TMP/run.log")
	is "$status" 0 "no $what in ${seconds}s (${runs:-?} runs)"
	[ "$status" -eq 0 ] || tail -30 "$TEST_TMP/run.log" | sed 's/^/# /'
	ok "$([ "${runs:-0}" -gt 1000 ]; echo $?)" "the fuzzer ran more than 1000 inputs"
}
