// SPDX-License-Identifier: GPL-2.0-only
/*
 * The user-space half of a capture, alone: synthetic ring records (XDP hook,
 * XDP_PASS, cpu 1) through ebc_record__to_pkt() and ebc_pcapng__write_epb()
 * into a file on tmpfs, a pipe drained by a child, and /dev/null. No root.
 *   bench/writer [-n PACKETS] [-r ROUNDS] [-d DIR] [-b BUFFER_KIB]
 * The reference column writes the same number of bytes with plain 64 KiB
 * write()s: the ceiling of that target. Each line: median [min-max] over the
 * rounds, which are interleaved so that drift hits every case alike.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include "bench_util.h"
#include "pcapng.h"
#include "record.h"

#define RAW_CHUNK (64 * 1024)
#define MAX_ROUNDS 64

/* The writer's buffer; 0: its default. */
static size_t bufsize;

enum target { T_FILE, T_PIPE, T_NULL, T_COUNT };
static const char *const target_names[] = { "tmpfs file", "pipe", "/dev/null" };

struct out {
	int fd;
	pid_t reader;	/* the pipe's draining child, or 0 */
};

struct result {
	double ns[MAX_ROUNDS];	/* per packet */
	double mbs[MAX_ROUNDS];
};

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void drain(int fd)
{
	static char buf[1 << 20];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
	_exit(0);
}

static int out_open(struct out *o, enum target t, const char *path)
{
	int p[2];

	o->reader = 0;
	if (t == T_FILE)
		o->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	else if (t == T_NULL)
		o->fd = open("/dev/null", O_WRONLY);
	else {
		if (pipe(p))
			return -errno;
		o->reader = fork();
		if (o->reader < 0)
			return -errno;
		if (o->reader == 0) {
			close(p[1]);
			drain(p[0]);
		}
		close(p[0]);
		o->fd = p[1];
	}
	return o->fd < 0 ? -errno : 0;
}

/* Closes, waits for the reader to see the end, and frees the file's pages. */
static void out_close(struct out *o, enum target t, const char *path)
{
	close(o->fd);
	if (o->reader)
		waitpid(o->reader, NULL, 0);
	if (t == T_FILE)
		unlink(path);
}

/* One record as the ring holds it: the header, then the frame. */
static struct ebc_rec *make_rec(unsigned int len)
{
	struct ebc_rec *rec = calloc(1, sizeof(*rec) + len);
	uint8_t *frame;

	if (!rec)
		return NULL;
	*rec = (struct ebc_rec){ .ts_ns = 1000000000ull, .tap = 0, .ifindex = 5, .len = len,
				 .caplen = len, .hook = EBC_HOOK_XDP, .cpu = 1,
				 .flags = EBC_REC_F_VERDICT, .verdict = 2 /* XDP_PASS */ };
	frame = (uint8_t *)(rec + 1);
	for (unsigned int i = 0; i < len; i++)
		frame[i] = (uint8_t)i;
	return rec;
}

/* The capture's writer: returns the bytes written, or -errno. */
static long long run_writer(int fd, struct ebc_rec *rec, long n)
{
	struct ebc_rec_names names = { 0 };
	struct ebc_pcapng_pkt pkt;
	char comment[EBC_COMMENT_MAX];
	struct ebc_pcapng *w;
	long long bytes = 0;
	int err = 0;

	w = ebc_pcapng__open(fd, &(struct ebc_pcapng_opts){ .userappl = "bench/writer",
							      .bufsize = bufsize });
	if (!w)
		return -errno;
	ebc_record__names(&names, "veth0", 5, true);
	err = ebc_pcapng__add_interface(w, &(struct ebc_pcapng_if){
		.linktype = 1, .snaplen = EBC_SNAPLEN_MAX, .name = "xdp:veth0", .tsresol = 9 });
	for (long i = 0; i < n && err >= 0; i++) {
		rec->ts_ns += 1000;
		ebc_record__to_pkt(&pkt, comment, sizeof(comment), &names, rec, rec + 1, 0);
		err = ebc_pcapng__write_epb(w, &pkt);
	}
	if (err >= 0)
		err = ebc_pcapng__flush(w);
	/* a pipe has no offset (-1): its size comes from the file case */
	bytes = lseek(fd, 0, SEEK_CUR);
	ebc_pcapng__close(w);
	bytes = bytes < 0 ? 0 : bytes;
	return err < 0 ? err : bytes;
}

static int run_raw(int fd, long long bytes)
{
	static char chunk[RAW_CHUNK];
	ssize_t n;

	while (bytes > 0) {
		n = write(fd, chunk, bytes < RAW_CHUNK ? (size_t)bytes : RAW_CHUNK);
		if (n < 0 && errno != EINTR)
			return -errno;
		if (n > 0)
			bytes -= n;
	}
	return 0;
}

/*
 * One round of one case: the writer, then the raw reference with as many
 * bytes (bytes_io: in, the size known from an earlier file round; out, this
 * round's). Both timed from open to the reader's end.
 */
static int round_case(enum target t, const char *path, struct ebc_rec *rec, long n, int r,
		      long long *bytes_io, struct result *ours, struct result *raw)
{
	struct out o;
	long long got;
	double t0, dt;
	int err;

	t0 = now_ns();
	err = out_open(&o, t, path);
	if (err)
		return err;
	got = run_writer(o.fd, rec, n);
	out_close(&o, t, path);
	dt = now_ns() - t0;
	if (got < 0)
		return (int)got;
	if (t == T_FILE)
		*bytes_io = got;
	ours->ns[r] = dt / n;
	ours->mbs[r] = *bytes_io / dt * 1e3;

	t0 = now_ns();
	err = out_open(&o, t, path);
	if (err)
		return err;
	err = run_raw(o.fd, *bytes_io);
	out_close(&o, t, path);
	dt = now_ns() - t0;
	raw->ns[r] = dt / n;
	raw->mbs[r] = *bytes_io / dt * 1e3;
	return err;
}

static void spread(double *v, int n, double *med, double *lo, double *hi)
{
	*med = bench_median(v, n);	/* sorts */
	*lo = v[0];
	*hi = v[n - 1];
}

static void print_case(unsigned int len, enum target t, struct result *ours, struct result *raw,
		       int rounds)
{
	double m[4], lo[4], hi[4];

	spread(ours->ns, rounds, &m[0], &lo[0], &hi[0]);
	spread(ours->mbs, rounds, &m[1], &lo[1], &hi[1]);
	spread(raw->ns, rounds, &m[2], &lo[2], &hi[2]);
	spread(raw->mbs, rounds, &m[3], &lo[3], &hi[3]);
	printf("%5u  %-10s  %6.1f [%5.1f-%5.1f]  %6.0f [%4.0f-%4.0f]   %6.1f [%5.1f-%5.1f]  %6.0f [%4.0f-%4.0f]  %.2f\n",
	       len, target_names[t], m[0], lo[0], hi[0], m[1], lo[1], hi[1], m[2], lo[2], hi[2],
	       m[3], lo[3], hi[3], m[1] / m[3]);
}

static int bench_size(unsigned int len, long n, int rounds, const char *path)
{
	static struct result ours[T_COUNT], raw[T_COUNT];
	struct ebc_rec *rec = make_rec(len);
	long long bytes = 0;
	int err = 0;

	if (!rec)
		return -ENOMEM;
	for (int r = 0; r < rounds && !err; r++)
		for (int t = 0; t < T_COUNT && !err; t++)
			err = round_case(t, path, rec, n, r, &bytes, &ours[t], &raw[t]);
	free(rec);
	if (err)
		return err;
	for (int t = 0; t < T_COUNT; t++)
		print_case(len, t, &ours[t], &raw[t], rounds);
	return 0;
}

int main(int argc, char **argv)
{
	static const unsigned int sizes[] = { 64, 1518 };
	long n = 0;
	int rounds = 5, opt, err = 0;
	const char *dir = "/dev/shm";
	char path[4096];

	while ((opt = getopt(argc, argv, "n:r:d:b:")) != -1) {
		if (opt == 'n')
			n = strtol(optarg, NULL, 10);
		else if (opt == 'r')
			rounds = atoi(optarg);
		else if (opt == 'd')
			dir = optarg;
		else if (opt == 'b')
			bufsize = strtoul(optarg, NULL, 10) * 1024;
		else {
			fprintf(stderr, "usage: %s [-n PACKETS] [-r ROUNDS] [-d DIR] [-b BUFFER_KIB]\n", argv[0]);
			return 2;
		}
	}
	if (n < 0 || rounds < 1 || rounds > MAX_ROUNDS) {
		fprintf(stderr, "writer: -n must be > 0, -r 1..%d\n", MAX_ROUNDS);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	snprintf(path, sizeof(path), "%s/ebpfcap-bench-writer.%d.pcapng", dir, (int)getpid());
	printf("# %d rounds, median [min-max]; writer buffer %zu KiB (0: default); "
	       "raw: 64 KiB write()s of the same bytes\n", rounds, bufsize / 1024);
	printf("%5s  %-10s  %-22s  %-20s   %-22s  %-20s  %s\n", "bytes", "target", "ns/pkt",
	       "MB/s", "raw ns/pkt", "raw MB/s", "ratio");
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]) && !err; i++)
		/* about 200 MB of pcapng per round whatever the size */
		err = bench_size(sizes[i], n ? n : sizes[i] < 512 ? 1000000 : 120000, rounds, path);
	if (err) {
		fprintf(stderr, "writer: %s\n", strerror(-err));
		return 1;
	}
	return 0;
}
