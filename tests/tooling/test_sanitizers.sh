#!/usr/bin/env bash
# timeout: 2700
# The whole test suite again, on a build of the user-space C with
# AddressSanitizer (leaks included) and UndefinedBehaviorSanitizer
# (configure --enable-sanitizers; the BPF objects are unchanged). One case
# per test file of the inner run, then one that no sanitizer report was
# written anywhere. tests/tooling and tests/fuzz are left out of the inner run
# (this script, and targets that are sanitized already).
#
# Reports go to files (log_path), not to the test's stderr: a report from a
# process whose stderr a test discards still counts. abort_on_error and
# halt_on_error make the process abort at the first report, so the test that
# ran it sees a failure too. Built with clang: in gcc's build UBSan is a
# runtime apart from ASan's and ignores log_path (its reports go to stderr).
# Environment: SANITIZER_CC (default clang), SANITIZER_DIR (default: a new
# directory under /tmp, removed afterwards unless KEEP_TMP is set).
. "$(dirname "$0")/../lib/common.sh"

dir=${SANITIZER_DIR:-$(mktemp -d /tmp/ebpfcap-asan.XXXXXX)}
[ -n "${SANITIZER_DIR:-}" ] || [ -n "${KEEP_TMP:-}" ] || trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/build" "$dir/reports"
# Processes a test runs as another user write their reports here too.
chmod 1777 "$dir/reports"

# Automake builds out of tree only from an unconfigured source tree; an
# in-tree build (CI) is copied and cleaned first.
src=$top_srcdir
if [ -f "$top_srcdir/config.status" ]; then
	src=$dir/src
	cp -a "$top_srcdir/." "$src" && rm -rf "$src/tests/out" &&
		make -C "$src" -s distclean >"$dir/distclean.log" 2>&1 ||
		{ ok 1 "copy and clean the configured source tree"; tail -5 "$dir/distclean.log" | sed 's/^/# /'; done_testing; exit 1; }
fi

cc=${SANITIZER_CC:-clang}
(cd "$dir/build" && "$src/configure" -q --prefix=/usr --enable-sanitizers CC="$cc") >"$dir/configure.log" 2>&1
status=$?
if [ "$status" -ne 0 ] && grep -q 'cannot build with sanitizers' "$dir/configure.log"; then
	skip_all "$cc cannot build with ASan and UBSan (clang: apt-get install libclang-rt-dev)"
fi
if [ "$status" -eq 0 ]; then
	make -C "$dir/build" -s -j"$(nproc)" >"$dir/build.log" 2>&1
	status=$?
fi
ok "$status" "configure --enable-sanitizers CC=$cc and build"
[ "$status" -eq 0 ] || { tail -20 "$dir/configure.log" "$dir/build.log" 2>/dev/null | sed 's/^/# /'; done_testing; exit 1; }
grep -q -- '-fsanitize=address,undefined' "$dir/build/Makefile"
ok $? "the build's CFLAGS and LDFLAGS carry -fsanitize=address,undefined"

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:log_path=$dir/reports/asan"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$dir/reports/ubsan"
export TEST_EXCLUDE="*/tests/tooling/* */tests/fuzz/*"
# The sanitized build runs a few times slower: tests that time things scale by this.
export EBC_TEST_SLOW=5
top_builddir=$dir/build "$src/tests/run" >"$dir/run.log" 2>&1
out=$dir/build/tests/out

# tests/run's line per test: NAME VERDICT N passed N failed N skipped Ns
n=0
while read -r name verdict passed _ failed _ skipped _ secs; do
	case $verdict in PASS|FAIL|SKIP) ;; *) continue ;; esac
	n=$((n + 1))
	if [ "$verdict" = SKIP ]; then
		skip_case "$(grep -m1 -oE '# SKIP .*' "$out/$name.log" 2>/dev/null | cut -c8-)" "$name under ASan and UBSan"
		continue
	fi
	[ "$verdict" = PASS ] && [ "$failed" -eq 0 ]
	ok $? "$name under ASan and UBSan: $passed passed, $failed failed, $skipped skipped ($secs)"
	[ "$verdict" = PASS ] || grep -E '^not ok|^#' "$out/$name.log" | head -10 | sed 's/^/#   /'
done <"$dir/run.log"
ok "$([ "$n" -gt 0 ]; echo $?)" "the inner run ran $n test files ($(tail -1 "$dir/run.log"))"
[ "$n" -gt 0 ] || tail -20 "$dir/run.log" | sed 's/^/# /'

pattern='ERROR: AddressSanitizer|runtime error:|LeakSanitizer|ERROR: UndefinedBehaviorSanitizer'
reports=$(grep -lE "$pattern" "$dir"/reports/* "$out"/*.log 2>/dev/null)
is "$(echo "$reports" | grep -c .)" 0 "no sanitizer report in any log or report file"
for f in $reports; do
	echo "# $f:"
	grep -m1 -A25 -E "$pattern" "$f" | sed 's/^/#   /'
done
done_testing
