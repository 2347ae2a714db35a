#!/usr/bin/env bash
# The pcapng writer's libFuzzer target for a bounded time (FUZZ_SECONDS,
# default 20): scripts of writer calls on a small buffer, checked against a
# model of which calls must succeed and re-read by an independent block walker;
# any difference, crash, leak or sanitizer report aborts.
. "$(dirname "$0")/fuzz_lib.sh"

fuzz_build fuzz_pcapng -I"$top_srcdir/src" "$top_srcdir/tests/fuzz/fuzz_pcapng.c" "$top_srcdir/src/pcapng.c"
fuzz_run fuzz_pcapng "model mismatch, malformed block, crash or sanitizer report" -max_len=4096
done_testing
