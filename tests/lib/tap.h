/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Minimal TAP output for unit tests: one "ok N - name" or "not ok N - name"
 * line per case, "# SKIP" for skipped cases, and a plan at the end. The test
 * runner (tests/run) counts these lines; a binary's exit status is 1 when any
 * case failed.
 */
#ifndef EBPFCAP_TAP_H
#define EBPFCAP_TAP_H

#include <stdarg.h>
#include <stdio.h>

static int tap_n, tap_failed;

static inline int tap_ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline int tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!cond)
		tap_failed++;
	return cond;
}

static inline void tap_skip(const char *why, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline void tap_skip(const char *why, const char *fmt, ...)
{
	va_list ap;

	printf("ok %d - ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" # SKIP %s\n", why);
	fflush(stdout);
}

/* Diagnostics go to stdout behind "# " so they stay attached to the case. */
#define tap_diag(...) do { printf("# "); printf(__VA_ARGS__); printf("\n"); } while (0)

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif /* EBPFCAP_TAP_H */
