/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared by the standalone benchmark tools (trafficgen, floor): messages, numbers, CPU pinning. */
#ifndef EBPFCAP_BENCH_TOOL_H
#define EBPFCAP_BENCH_TOOL_H

#include <stdint.h>
#include <stdio.h>
#include <getopt.h>

/* The program's name, prefixed to its messages; set by main(). */
extern const char *tool_name;

/* One line "NAME: message" on stderr; returns -1. */
int tool_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A decimal from min to max for option name, else a message. */
int tool_parse_u64(const char *name, const char *s, uint64_t min, uint64_t max, uint64_t *out);
/* --seconds: a number in (0, max]. */
int tool_parse_seconds(const char *s, double max, double *out);
/* One option (getopt_long's code and argument) into ctx: 0, or -1 (reported). */
typedef int (*tool_opt_fn)(int c, const char *arg, void *ctx);
/*
 * The command line: -i and the long options, each handed to parse_opt; the
 * option whose code is help prints usage. 0, 1 after --help, -1 on an error
 * (reported).
 */
int tool_parse_args(int argc, char **argv, const struct option *opts, int help,
		    void (*usage)(FILE *f), tool_opt_fn parse_opt, void *ctx);
/* dev's ifindex in this network namespace; 0 when there is none (reported). */
unsigned int tool_ifindex(const char *dev);
/* Run on CPU cpu only; cpu < 0: anywhere. */
int tool_pin_cpu(int cpu);

#endif /* EBPFCAP_BENCH_TOOL_H */
