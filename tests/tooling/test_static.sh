#!/usr/bin/env bash
# timeout: 1200
# Static analysis of the user-space C (src/, extcap/), with the build's own
# compile flags: cppcheck (warning, performance and portability checks) and
# clang-tidy (the checks .clang-tidy chooses, each exclusion explained there).
# Both must find nothing; a false positive is suppressed on its line with a
# reason (NOLINT(check) or cppcheck-suppress), never here.
. "$(dirname "$0")/../lib/common.sh"
[ -f "$top_builddir/Makefile" ] || skip_all "$top_builddir is not configured"
TEST_TMP=$(mktemp -d /tmp/ebpfcap-static.XXXXXX)
trap 'rm -rf "$TEST_TMP"' EXIT
sources=("$top_srcdir"/src/*.c "$top_srcdir"/extcap/*.c)

# The flags the Makefile compiles libebpfcap with, one per line (the shell
# running the recipe removes the quoting of -DEBPFCAP_VERSION='"..."').
printf 'ebc-print-flags:\n\t@for a in $(DEFS) $(DEFAULT_INCLUDES) $(AM_CPPFLAGS) $(CPPFLAGS) $(AM_CFLAGS) $(LIBPCAP_CFLAGS); do printf "%%s\\n" "$$a"; done\n' |
	make -s -C "$top_builddir" -f Makefile -f - ebc-print-flags >"$TEST_TMP/flags" 2>&1
ok $? "the compile flags from $top_builddir/Makefile"
# The build's bpf/ holds generated code (vmlinux.h, bpftool's skeletons): a
# system directory for the analysers, so its findings are not ours.
flags=()
while IFS= read -r f; do
	case $f in -I./bpf|-I"$top_builddir"/bpf) flags+=(-isystem "$top_builddir/bpf") ;;
	-I.) flags+=(-I"$top_builddir") ;;
	-include) flags+=("$f") ;;
	./*) flags+=("$top_builddir/${f#./}") ;;
	*) flags+=("$f") ;;
	esac
done <"$TEST_TMP/flags"

# ---- cppcheck
# It does not read system headers (nor need to): missingIncludeSystem is its
# note that it did not, not a finding. libbpf.cfg tells it libbpf's macros
# (LIBBPF_OPTS, bpf_object__for_each_program), which it would otherwise
# stop at. readdirCalled: it recommends readdir_r, which glibc deprecates;
# readdir is safe on a DIR only one thread uses.
if command -v cppcheck >/dev/null; then
	cpp_defs=()
	for f in "${flags[@]}"; do
		# our directories only: reading glib's headers would take minutes and find nothing of ours
		case $f in -D*|-I"$top_srcdir"*|-I"$top_builddir"*) cpp_defs+=("$f") ;; esac
	done
	cppcheck -q --std=c11 --enable=warning,performance,portability --inline-suppr \
		--error-exitcode=1 -j"$(nproc)" --library=posix --library=gnu \
		--library="$top_srcdir/tests/tooling/libbpf.cfg" \
		--suppress=missingIncludeSystem --suppress=readdirCalled \
		--include="$top_builddir/autoconfig.h" -D__linux__ -D__x86_64__ "${cpp_defs[@]}" \
		--template='{file}:{line}: {severity}: {message} [{id}]' \
		"${sources[@]}" >"$TEST_TMP/cppcheck.log" 2>&1
	status=$?
	findings=$(grep -cE '^[^ ]+:[0-9]+: ' "$TEST_TMP/cppcheck.log")
	[ "$status" -eq 0 ] && [ "$findings" -eq 0 ]
	ok $? "cppcheck: no finding in ${#sources[@]} files (status $status, $findings findings)"
	head -30 "$TEST_TMP/cppcheck.log" | sed 's/^/#   /'
else
	skip_case "needs cppcheck (apt-get install cppcheck)" "cppcheck: no finding"
fi

# ---- clang-tidy, one case per file, files in parallel
if command -v clang-tidy >/dev/null; then
	ok "$([ -f "$top_srcdir/.clang-tidy" ]; echo $?)" "clang-tidy: $top_srcdir/.clang-tidy chooses the checks"
	run_tidy() {
		clang-tidy --quiet "$1" -- "${flags[@]}" >"$TEST_TMP/tidy.$(basename "$1").log" 2>&1
		echo $? >"$TEST_TMP/tidy.$(basename "$1").status"
	}
	for f in "${sources[@]}"; do
		while [ "$(jobs -rp | wc -l)" -ge "$(nproc)" ]; do wait -n; done
		run_tidy "$f" &
	done
	wait
	for f in "${sources[@]}"; do
		name=${f#"$top_srcdir"/}
		log=$TEST_TMP/tidy.$(basename "$f").log
		status=$(cat "$TEST_TMP/tidy.$(basename "$f").status" 2>/dev/null || echo missing)
		# Findings in our files; bpftool's generated skeletons report a leak
		# the analyser cannot see freed (bpf_object__destroy_skeleton).
		findings=$(grep -E '^[^ ]+:[0-9]+:[0-9]+: (warning|error): ' "$log" | grep -vE '/bpf/[a-z_]+\.skel\.h:|^\./bpf/[a-z_]+\.skel\.h:')
		n=$(printf '%s' "$findings" | grep -c .)
		other=$(grep -E '^[^ ]+:[0-9]+:[0-9]+: (warning|error): ' "$log" | grep -c .)
		if [ "$status" != 0 ] && [ "$other" -eq 0 ]; then
			ok 1 "clang-tidy: $name (exit $status without a finding)"
			tail -5 "$log" | sed 's/^/#   /'
			continue
		fi
		is "$n" 0 "clang-tidy: no finding in $name"
		printf '%s\n' "$findings" | grep . | head -20 | sed 's/^/#   /'
	done
else
	skip_case "needs clang-tidy (apt-get install clang-tidy)" "clang-tidy: no finding"
fi
done_testing
