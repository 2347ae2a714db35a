#!/usr/bin/env bash
# The translator's libFuzzer target for a bounded time (FUZZ_SECONDS, default
# 20): random valid classic programs and packets, the translation run in the
# interpreter against libpcap's bpf_filter(); any difference aborts.
. "$(dirname "$0")/fuzz_lib.sh"

fuzz_build fuzz_xlate -include "$top_builddir/autoconfig.h" -I"$top_srcdir/src" -I"$top_srcdir/bpf" \
	-I"$top_srcdir/tests/unit" "$top_srcdir/tests/fuzz/fuzz_xlate.c" "$top_srcdir/src/xlate.c" \
	"$top_srcdir/src/filter.c" "$top_srcdir/src/log.c" "$top_srcdir/tests/unit/ebpf_interp.c" -lpcap -lbpf
fuzz_run fuzz_xlate "mismatch, crash or sanitizer report" -max_len=512
done_testing
