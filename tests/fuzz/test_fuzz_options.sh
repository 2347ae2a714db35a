#!/usr/bin/env bash
# The option parser's libFuzzer target for a bounded time (FUZZ_SECONDS,
# default 20): argv vectors, alone or after a real extcap or standalone command
# line, with a dictionary of the option table's names; parsing must return 0 or
# -EINVAL with one error line, and never crash, print, exit or leak.
. "$(dirname "$0")/fuzz_lib.sh"

fuzz_build fuzz_options -include "$top_builddir/autoconfig.h" -I"$top_srcdir/src" -I"$top_srcdir/extcap" \
	-I"$top_srcdir/bpf" "$top_srcdir/tests/fuzz/fuzz_options.c" "$top_srcdir/extcap/options.c" \
	"$top_srcdir/src/log.c" -lbpf
# A dictionary from the option table: every long option, enum word and tap prefix.
{
	grep -oE '\.name = "[a-z0-9-]+"' "$top_srcdir/extcap/options.c" | sed -E 's/.*"(.*)"/"--\1"/'
	grep -oE '\{ "[a-z]+", EBC_[A-Z_]+' "$top_srcdir/extcap/options.c" | sed -E 's/\{ ("[a-z]+").*/\1/'
	printf '"%s"\n' tc: xdp: xdphook: tp: kfunc: kretfunc: drops sockets any ebpfcap-tc ebpfcap-xdp \
		ebpfcap-kfunc '\x00'
} | sort -u >"$TEST_TMP/options.dict"
ok "$([ "$(wc -l <"$TEST_TMP/options.dict")" -gt 40 ]; echo $?)" "the dictionary has more than 40 words from the option table"
fuzz_run fuzz_options "bad result, crash, leak or sanitizer report" -dict="$TEST_TMP/options.dict" \
	-max_len=512
done_testing
