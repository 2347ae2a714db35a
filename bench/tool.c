// SPDX-License-Identifier: GPL-2.0-only
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* sched_setaffinity */
#endif
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include "tool.h"

const char *tool_name = "bench";

int tool_fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", tool_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

int tool_parse_u64(const char *name, const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || v < min || v > max)
		return tool_fail("invalid %s '%s': expected an integer in %llu-%llu", name, s,
				 (unsigned long long)min, (unsigned long long)max);
	*out = v;
	return 0;
}

int tool_parse_seconds(const char *s, double max, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v > 0 && v <= max))
		return tool_fail("invalid --seconds '%s': expected a number in (0, %.0f]", s, max);
	*out = v;
	return 0;
}

int tool_pin_cpu(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return 0;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		return tool_fail("cannot pin to CPU %d: %s", cpu, strerror(errno));
	return 0;
}

int tool_parse_args(int argc, char **argv, const struct option *opts, int help,
		    void (*usage)(FILE *f), tool_opt_fn parse_opt, void *ctx)
{
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "i:", opts, NULL)) != -1) {
		if (c == help) {
			usage(stdout);
			return 1;
		}
		if (c == '?' || c == ':')
			return tool_fail("unknown option or missing value in '%s' (see --help)",
					 argv[optind - 1]);
		if (parse_opt(c, optarg, ctx))
			return -1;
	}
	if (optind < argc)
		return tool_fail("unexpected argument '%s' (see --help)", argv[optind]);
	return 0;
}

unsigned int tool_ifindex(const char *dev)
{
	unsigned int ifindex = if_nametoindex(dev);

	if (!ifindex)
		tool_fail("no device %s in this network namespace: %s", dev, strerror(errno));
	return ifindex;
}
