#!/usr/bin/env bash
# timeout: 1500
# Every unit test under valgrind's memcheck: invalid reads and writes, uses of
# uninitialised values, bad frees and definite leaks make valgrind exit 99.
# One case per test binary: it passes when valgrind and the test both do.
# Each binary gets VALGRIND_TIMEOUT seconds (default 600). EBC_TEST_SLOW=100 is
# set for the tests (valgrind runs code ~100 times slower), so one that times
# things scales them (test_pcapng: its SIGALRM timer and kill moments).
. "$(dirname "$0")/../lib/common.sh"
command -v valgrind >/dev/null || skip_all "needs valgrind (apt-get install valgrind)"
grep -q -- '-fsanitize=' "$top_builddir/Makefile" 2>/dev/null &&
	skip_all "$top_builddir is a sanitizer build; valgrind cannot run ASan binaries"
TEST_TMP=$(mktemp -d /tmp/ebpfcap-valgrind.XXXXXX)
trap 'rm -rf "$TEST_TMP"' EXIT
limit=${VALGRIND_TIMEOUT:-600}
export EBC_TEST_SLOW=100

n=0
for t in "$top_builddir"/tests/unit/test_*; do
	case $t in *.o|*.c|*.log) continue ;; esac
	[ -x "$t" ] || continue
	name=$(basename "$t")
	log=$TEST_TMP/$name.log
	n=$((n + 1))
	start=$(date +%s)
	timeout -k 10 "$limit" valgrind -q --error-exitcode=99 --leak-check=full \
		--errors-for-leak-kinds=definite --show-leak-kinds=definite "$t" >"$log" 2>&1 </dev/null
	status=$?
	secs=$(( $(date +%s) - start ))
	failed=$(grep -cE '^not ok [0-9]+' "$log")
	passed=$(grep -cE '^ok [0-9]+' "$log")
	case $status in
	0) why="" ;;
	77) skip_case "$(grep -m1 -oE '# SKIP .*' "$log" | cut -c8-)" "$name under valgrind"; continue ;;
	99) why=", valgrind found errors" ;;
	124|137) why=", timed out after ${limit}s" ;;
	*) why=", exit $status" ;;
	esac
	[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
	ok $? "$name under valgrind: $passed passed, $failed failed$why (${secs}s)"
	if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ]; then
		grep -E '^not ok' "$log" | head -5 | sed 's/^/#   /'
		grep -E '^==[0-9]+== ' "$log" | head -30 | sed 's/^/#   /'
	fi
done
ok "$([ "$n" -gt 0 ]; echo $?)" "found $n unit test binaries in $top_builddir/tests/unit"
done_testing
