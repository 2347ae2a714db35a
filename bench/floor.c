// SPDX-License-Identifier: GPL-2.0-only
/*
 * The eBPF floor for the benchmarks: the minimal capture a real one is
 * measured against. An XDP program on DEV copies every packet (up to snaplen)
 * into a ring buffer without wake-ups; this process, pinned to one CPU, drains
 * the ring every millisecond and only counts. Root; DEV in the current netns.
 *   bench/floor -i DEV [--snaplen N] [--ring-mb N] [--cpu N] [--seconds S]
 * Prints "ready" once attached, then, at SIGINT/SIGTERM or after --seconds,
 * "packets=N bytes=N lost=N" (bytes: captured bytes; lost: reserve failures).
 * The program is attached by a link: it goes when the process does.
 */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/types.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "tool.h"
#include "floor.h"
#include "floor.skel.h"

#define PROG		"floor"
#define RING_MB_MAX	1024
#define SECONDS_MAX	600.0
#define DRAIN_NS	1000000L

struct floor_opts {
	const char *dev;
	unsigned int ifindex;
	unsigned int snaplen;
	unsigned int ring_mb;
	int cpu;		/* -1: not pinned */
	double seconds;		/* 0: until a signal */
};

struct floor_counts {
	uint64_t packets;
	uint64_t bytes;
};

static volatile sig_atomic_t stop;
static bool verbose;

static void usage(FILE *f)
{
	fprintf(f, "usage: %s -i DEV [--snaplen N (1-%d, default %d)] [--ring-mb N (power of 2, <= %d, default 8, ebpfcap's)]\n"
		   "       [--cpu N] [--seconds S (<= %.0f)] [--verbose]\n",
		PROG, FLOOR_SNAPLEN_MAX, FLOOR_SNAPLEN_MAX, RING_MB_MAX, SECONDS_MAX);
}

enum { OPT_SNAPLEN = 256, OPT_RING_MB, OPT_CPU, OPT_SECONDS, OPT_VERBOSE, OPT_HELP };

static const struct option long_opts[] = {
	{ "interface", required_argument, NULL, 'i' },
	{ "snaplen", required_argument, NULL, OPT_SNAPLEN },
	{ "ring-mb", required_argument, NULL, OPT_RING_MB },
	{ "cpu", required_argument, NULL, OPT_CPU },
	{ "seconds", required_argument, NULL, OPT_SECONDS },
	{ "verbose", no_argument, NULL, OPT_VERBOSE },
	{ "help", no_argument, NULL, OPT_HELP },
	{ 0 },
};

static int parse_opt(int c, const char *arg, void *ctx)
{
	struct floor_opts *o = ctx;
	uint64_t v;
	int err;

	switch (c) {
	case 'i':
		o->dev = arg;
		return 0;
	case OPT_SNAPLEN:
		err = tool_parse_u64("--snaplen", arg, 1, FLOOR_SNAPLEN_MAX, &v);
		o->snaplen = v;
		return err;
	case OPT_RING_MB:
		err = tool_parse_u64("--ring-mb", arg, 1, RING_MB_MAX, &v);
		/* A ring buffer is a power-of-2 number of pages. */
		if (!err && (v & (v - 1)))
			err = tool_fail("invalid --ring-mb '%s': must be a power of 2", arg);
		o->ring_mb = v;
		return err;
	case OPT_CPU:
		err = tool_parse_u64("--cpu", arg, 0, CPU_SETSIZE - 1, &v);
		o->cpu = (int)v;
		return err;
	case OPT_SECONDS:
		return tool_parse_seconds(arg, SECONDS_MAX, &o->seconds);
	case OPT_VERBOSE:
		verbose = true;
		return 0;
	}
	return tool_fail("unknown option (see --help)");
}

/* 0, 1 for --help, -1 on an error (reported). */
static int parse_args(int argc, char **argv, struct floor_opts *o)
{
	int ret;

	*o = (struct floor_opts){ .snaplen = FLOOR_SNAPLEN_MAX, .ring_mb = 8, .cpu = -1 };
	ret = tool_parse_args(argc, argv, long_opts, OPT_HELP, usage, parse_opt, o);
	if (ret)
		return ret;
	if (!o->dev)
		return tool_fail("-i DEV is required (see --help)");
	o->ifindex = tool_ifindex(o->dev);
	return o->ifindex ? 0 : -1;
}

static void on_signal(int sig)
{
	stop = 1;
}

static int catch_stop_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL))
		return tool_fail("cannot catch signals: %s", strerror(errno));
	return 0;
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return verbose && level != LIBBPF_DEBUG ? vfprintf(stderr, fmt, ap) : 0;
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct floor_counts *c = ctx;
	const struct floor_rec *rec = data;

	c->packets++;
	c->bytes += rec->caplen;
	return 0;
}

static struct floor_bpf *load(const struct floor_opts *o)
{
	struct floor_bpf *skel = floor_bpf__open();
	int err;

	if (!skel) {
		tool_fail("cannot open the BPF object: %s", strerror(errno));
		return NULL;
	}
	skel->rodata->floor_snaplen = o->snaplen;
	err = bpf_map__set_max_entries(skel->maps.floor_ring, o->ring_mb << 20);
	if (!err)
		err = floor_bpf__load(skel);
	if (err) {
		tool_fail("cannot load the XDP program: %s (root needed; --verbose says more)",
			  strerror(-err));
		floor_bpf__destroy(skel);
		return NULL;
	}
	return skel;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Drain every millisecond until a signal or the deadline (0: none). */
static int drain(struct ring_buffer *rb, double seconds)
{
	const struct timespec pause = { .tv_nsec = DRAIN_NS };
	uint64_t deadline = seconds ? now_ns() + (uint64_t)(seconds * 1e9) : 0;

	while (!stop && (!deadline || now_ns() < deadline)) {
		int n = ring_buffer__consume(rb);

		if (n < 0)
			return tool_fail("cannot read the ring buffer: %s", strerror(-n));
		nanosleep(&pause, NULL);
	}
	return 0;
}

static uint64_t sum_lost(struct floor_bpf *skel)
{
	int ncpu = libbpf_num_possible_cpus(), key = 0;
	uint64_t *v, sum = 0;

	if (ncpu <= 0)
		return 0;
	v = calloc(ncpu, sizeof(*v));
	if (v && !bpf_map_lookup_elem(bpf_map__fd(skel->maps.floor_lost), &key, v)) {
		for (int i = 0; i < ncpu; i++)
			sum += v[i];
	}
	free(v);
	return sum;
}

/* Attach, report ready, drain; the program goes before the last drain so nothing is left. */
static int capture(struct floor_bpf *skel, const struct floor_opts *o)
{
	struct floor_counts c = { 0 };
	struct ring_buffer *rb;
	struct bpf_link *link;
	int err;

	rb = ring_buffer__new(bpf_map__fd(skel->maps.floor_ring), on_record, &c, NULL);
	if (!rb)
		return tool_fail("cannot set up the ring buffer: %s", strerror(errno));
	link = bpf_program__attach_xdp(skel->progs.floor_xdp, o->ifindex);
	if (!link) {
		err = -errno;
		ring_buffer__free(rb);
		return tool_fail("cannot attach XDP program to %s: %s%s", o->dev, strerror(-err),
				 err == -EBUSY || err == -EEXIST ? " (another XDP program is attached)" : "");
	}
	printf("ready\n");
	fflush(stdout);
	err = drain(rb, o->seconds);
	bpf_link__destroy(link);
	if (!err && ring_buffer__consume(rb) < 0)
		err = tool_fail("cannot read the ring buffer: %s", strerror(errno));
	ring_buffer__free(rb);
	if (err)
		return err;
	printf("packets=%llu bytes=%llu lost=%llu\n", (unsigned long long)c.packets,
	       (unsigned long long)c.bytes, (unsigned long long)sum_lost(skel));
	return fflush(stdout) ? tool_fail("cannot write the result: %s", strerror(errno)) : 0;
}

int main(int argc, char **argv)
{
	struct floor_opts o;
	struct floor_bpf *skel;
	int ret;

	tool_name = PROG;
	ret = parse_args(argc, argv, &o);
	if (ret)
		return ret > 0 ? 0 : 2;
	libbpf_set_print(libbpf_print);
	if (tool_pin_cpu(o.cpu) || catch_stop_signals())
		return 1;
	skel = load(&o);
	if (!skel)
		return 1;
	ret = capture(skel, &o) ? 1 : 0;
	floor_bpf__destroy(skel);
	return ret;
}
