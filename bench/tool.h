/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared by the standalone benchmark tools (trafficgen, floor): messages, numbers, CPU pinning. */
#ifndef EBPFCAP_BENCH_TOOL_H
#define EBPFCAP_BENCH_TOOL_H

#include <stdint.h>

/* The program's name, prefixed to its messages; set by main(). */
extern const char *tool_name;

/* One line "NAME: message" on stderr; returns -1. */
int tool_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A decimal from min to max for option name, else a message. */
int tool_parse_u64(const char *name, const char *s, uint64_t min, uint64_t max, uint64_t *out);
/* --seconds: a number in (0, max]. */
int tool_parse_seconds(const char *s, double max, double *out);
/* Run on CPU cpu only; cpu < 0: anywhere. */
int tool_pin_cpu(int cpu);

#endif /* EBPFCAP_BENCH_TOOL_H */
