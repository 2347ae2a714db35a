// SPDX-License-Identifier: GPL-2.0-only
/*
 * A packet generator for the benchmarks: one Ethernet/IPv4/UDP frame sent
 * over and over out of DEV by BPF_PROG_RUN in live-frames mode (an XDP
 * program returning XDP_TX, which the kernel turns into a redirect out of the
 * context's ingress device). Root; DEV is in the current network namespace.
 *   bench/trafficgen -i DEV --src-mac M --dst-mac M --src-ip A --dst-ip A
 *       [--size BYTES] [--count N] [--seconds S] [--cpu N] [--batch N]
 * Prints "sent=N ns=T" (frames offered, wall time) at the end. On a veth the
 * frames reach the peer only when it runs NAPI (GRO on, or XDP attached).
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
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "tool.h"
#include "trafficgen.skel.h"

#define PROG		"trafficgen"
/* Frame sizes count the FCS, as RFC 2544 does: what is sent is 4 bytes shorter. */
#define FRAME_MIN	64
#define FRAME_MAX	1518
#define FCS_LEN		4
#define HDRS_LEN	(14 + 20 + 8)
#define COUNT_MAX	1000000000ULL
#define SECONDS_MAX	600.0
#define BATCH_MAX	256	/* the kernel's limit for live frames */
#define CHUNK		65536	/* frames per BPF_PROG_RUN: a signal is seen between chunks */
#define UDP_PORT	9	/* discard */

struct tg_opts {
	const char *dev;
	unsigned int ifindex;
	uint8_t src_mac[6], dst_mac[6];
	struct in_addr src_ip, dst_ip;
	unsigned int size;	/* bytes sent: without the FCS */
	uint64_t count;		/* 0: no limit */
	double seconds;		/* 0: no limit */
	int cpu;		/* -1: not pinned */
	unsigned int batch;
	unsigned int given;	/* bits: --src-mac, --dst-mac, --src-ip, --dst-ip */
};

static void usage(FILE *f)
{
	fprintf(f, "usage: %s -i DEV --src-mac M --dst-mac M --src-ip A --dst-ip A\n"
		   "       [--size BYTES (%d-%d with the FCS, default %d)] [--count N (<= %llu)] [--seconds S (<= %.0f)]\n"
		   "       [--cpu N] [--batch N (1-%d, default 64)] [--verbose]\n"
		   "at least one of --count and --seconds; addresses in 198.18.0.0/15 only\n",
		PROG, FRAME_MIN, FRAME_MAX, FRAME_MIN, COUNT_MAX, SECONDS_MAX, BATCH_MAX);
}

static int parse_mac(const char *name, const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	char tail;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
		   &tail) != 6)
		return tool_fail("invalid %s '%s': expected xx:xx:xx:xx:xx:xx", name, s);
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}

/* Benchmark traffic stays in 198.18.0.0/15 (RFC 2544), so it can never leave by mistake. */
static int parse_ip(const char *name, const char *s, struct in_addr *ip)
{
	if (inet_pton(AF_INET, s, ip) != 1)
		return tool_fail("invalid %s '%s': expected an IPv4 address", name, s);
	if ((ntohl(ip->s_addr) & 0xfffe0000) != 0xc6120000)
		return tool_fail("%s %s is outside 198.18.0.0/15 (benchmark addresses only)", name, s);
	return 0;
}

enum { OPT_SRC_MAC = 256, OPT_DST_MAC, OPT_SRC_IP, OPT_DST_IP, OPT_SIZE, OPT_COUNT,
       OPT_SECONDS, OPT_CPU, OPT_BATCH, OPT_VERBOSE, OPT_HELP };

static const struct option long_opts[] = {
	{ "interface", required_argument, NULL, 'i' },
	{ "src-mac", required_argument, NULL, OPT_SRC_MAC },
	{ "dst-mac", required_argument, NULL, OPT_DST_MAC },
	{ "src-ip", required_argument, NULL, OPT_SRC_IP },
	{ "dst-ip", required_argument, NULL, OPT_DST_IP },
	{ "size", required_argument, NULL, OPT_SIZE },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "seconds", required_argument, NULL, OPT_SECONDS },
	{ "cpu", required_argument, NULL, OPT_CPU },
	{ "batch", required_argument, NULL, OPT_BATCH },
	{ "verbose", no_argument, NULL, OPT_VERBOSE },
	{ "help", no_argument, NULL, OPT_HELP },
	{ 0 },
};

static bool verbose;

/* One option; 0, -1 on a bad value. */
static int parse_opt(int c, const char *arg, void *ctx)
{
	struct tg_opts *o = ctx;
	uint64_t v;
	int err = 0;

	switch (c) {
	case 'i':
		o->dev = arg;
		return 0;
	case OPT_SRC_MAC:
		o->given |= 1;
		return parse_mac("--src-mac", arg, o->src_mac);
	case OPT_DST_MAC:
		o->given |= 2;
		return parse_mac("--dst-mac", arg, o->dst_mac);
	case OPT_SRC_IP:
		o->given |= 4;
		return parse_ip("--src-ip", arg, &o->src_ip);
	case OPT_DST_IP:
		o->given |= 8;
		return parse_ip("--dst-ip", arg, &o->dst_ip);
	case OPT_SIZE:
		err = tool_parse_u64("--size", arg, FRAME_MIN, FRAME_MAX, &v);
		o->size = (unsigned int)v - FCS_LEN;
		return err;
	case OPT_COUNT:
		return tool_parse_u64("--count", arg, 1, COUNT_MAX, &o->count);
	case OPT_SECONDS:
		return tool_parse_seconds(arg, SECONDS_MAX, &o->seconds);
	case OPT_CPU:
		err = tool_parse_u64("--cpu", arg, 0, CPU_SETSIZE - 1, &v);
		o->cpu = (int)v;
		return err;
	case OPT_BATCH:
		err = tool_parse_u64("--batch", arg, 1, BATCH_MAX, &v);
		o->batch = (unsigned int)v;
		return err;
	case OPT_VERBOSE:
		verbose = true;
		return 0;
	}
	return tool_fail("unknown option or missing value (see --help)");
}

/* 0, 1 for --help, -1 on an error (reported). */
static int parse_args(int argc, char **argv, struct tg_opts *o)
{
	int ret;

	*o = (struct tg_opts){ .size = FRAME_MIN - FCS_LEN, .cpu = -1, .batch = 64 };
	ret = tool_parse_args(argc, argv, long_opts, OPT_HELP, usage, parse_opt, o);
	if (ret)
		return ret;
	if (!o->dev || o->given != 15)
		return tool_fail("-i, --src-mac, --dst-mac, --src-ip and --dst-ip are required (see --help)");
	if (!o->count && !o->seconds)
		return tool_fail("give --count or --seconds (or both): the run must be bounded");
	o->ifindex = tool_ifindex(o->dev);
	return o->ifindex ? 0 : -1;
}

static uint8_t *put16(uint8_t *p, uint16_t v)
{
	*p++ = v >> 8;
	*p++ = v & 0xff;
	return p;
}

static uint16_t ip_checksum(const uint8_t *h, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i < len; i += 2)
		sum += (uint32_t)h[i] << 8 | h[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Ethernet, IPv4 (DF, TTL 64, valid checksum), UDP 9 -> 9 without checksum, zeros: o->size bytes. */
static void build_frame(const struct tg_opts *o, uint8_t *f)
{
	uint8_t *ip = f + 14, *p;

	memset(f, 0, o->size);
	memcpy(f, o->dst_mac, 6);
	memcpy(f + 6, o->src_mac, 6);
	put16(f + 12, 0x0800);
	p = put16(ip, 0x4500);
	p = put16(p, o->size - 14);
	p = put16(p, 0);		/* id */
	p = put16(p, 0x4000);		/* DF */
	*p++ = 64;
	*p++ = 17;
	p += 2;				/* checksum, below */
	memcpy(p, &o->src_ip, 4);
	memcpy(p + 4, &o->dst_ip, 4);
	put16(ip + 10, ip_checksum(ip, 20));
	p = put16(ip + 20, UDP_PORT);
	p = put16(p, UDP_PORT);
	put16(p, o->size - 14 - 20);	/* UDP length; checksum 0: none */
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/*
 * SIGINT and SIGTERM stay blocked: a signal would cut a run short with EINTR
 * and leave its frame count unknown. They are looked for between chunks.
 */
static int block_stop_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	if (sigprocmask(SIG_BLOCK, set, NULL))
		return tool_fail("cannot block signals: %s", strerror(errno));
	return 0;
}

static bool stop_requested(const sigset_t *stop)
{
	sigset_t pending;

	if (sigpending(&pending))
		return false;
	return sigismember(&pending, SIGINT) || sigismember(&pending, SIGTERM);
}

static int send_chunk(int prog_fd, const struct tg_opts *o, const uint8_t *frame, int repeat)
{
	struct xdp_md ctx = { .data_end = o->size, .ingress_ifindex = o->ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, run, .data_in = frame, .data_size_in = o->size,
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = repeat,
		    .flags = BPF_F_TEST_XDP_LIVE_FRAMES, .batch_size = o->batch);

	if (bpf_prog_test_run_opts(prog_fd, &run))
		return tool_fail("cannot send on %s: BPF_PROG_RUN with live frames: %s", o->dev,
				 strerror(errno));
	return 0;
}

/*
 * Frames for the next run: what --count leaves, and near the deadline what
 * the rate so far fills in the time left (so --seconds is not overshot by up
 * to a whole chunk); 0 when done.
 */
static int next_chunk(const struct tg_opts *o, uint64_t sent, uint64_t start, uint64_t t,
		      uint64_t deadline)
{
	uint64_t left = o->count ? o->count - sent : CHUNK;

	if (deadline) {
		if (t >= deadline)
			return 0;
		if (sent && t > start) {
			uint64_t fit = (uint64_t)((double)sent * (deadline - t) / (t - start)) + 1;

			left = fit < left ? fit : left;
		}
	}
	return left < CHUNK ? (int)left : CHUNK;
}

/* Chunks until --count frames, --seconds or a stop signal; prints the result line. */
static int generate(int prog_fd, const struct tg_opts *o, const uint8_t *frame,
		    const sigset_t *stop)
{
	uint64_t sent = 0, start = now_ns(), deadline = 0, t = start;

	if (o->seconds)
		deadline = start + (uint64_t)(o->seconds * 1e9);
	while (!stop_requested(stop)) {
		int repeat = next_chunk(o, sent, start, t, deadline);

		if (!repeat)
			break;
		if (send_chunk(prog_fd, o, frame, repeat))
			return -1;
		sent += repeat;
		t = now_ns();
	}
	printf("sent=%llu ns=%llu\n", (unsigned long long)sent, (unsigned long long)(t - start));
	return fflush(stdout) ? tool_fail("cannot write the result: %s", strerror(errno)) : 0;
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return verbose && level != LIBBPF_DEBUG ? vfprintf(stderr, fmt, ap) : 0;
}

int main(int argc, char **argv)
{
	static uint8_t frame[FRAME_MAX];
	struct trafficgen_bpf *skel;
	struct tg_opts o;
	sigset_t stop;
	int ret;

	tool_name = PROG;
	ret = parse_args(argc, argv, &o);
	if (ret)
		return ret > 0 ? 0 : 2;
	libbpf_set_print(libbpf_print);
	if (tool_pin_cpu(o.cpu) || block_stop_signals(&stop))
		return 1;
	build_frame(&o, frame);
	skel = trafficgen_bpf__open_and_load();
	if (!skel) {
		tool_fail("cannot load the XDP program: %s (root needed; --verbose says more)",
			  strerror(errno));
		return 1;
	}
	ret = generate(bpf_program__fd(skel->progs.tg_tx), &o, frame, &stop) ? 1 : 0;
	trafficgen_bpf__destroy(skel);
	return ret;
}
