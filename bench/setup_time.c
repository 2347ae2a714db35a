// SPDX-License-Identifier: GPL-2.0-only
/*
 * Set-up time, expression to loaded program: ebpfcap's pipeline (pcap_compile,
 * cbpf2c to eBPF instructions, load) against polycube's (pcap_compile, emit C,
 * clang -O2 -target bpf, load the object), measured side by side on the same
 * expressions. Prints medians and the ratio. Root (it loads programs).
 *   bench/setup_time [ROUNDS]
 */
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "bench_util.h"
#include "filter.h"
#include "xlate.h"
#include "xlate_dump.h"

extern char **environ;

static const char *const exprs[] = {
	"", "udp", "tcp port 80", "host 198.18.0.1 and udp port 53", "icmp or icmp6",
	"tcp[tcpflags] & (tcp-syn|tcp-fin) != 0", "ip[2:2] > 576", "vlan 100 and ip6",
	"net 198.18.0.0/15 and not port 22", "portrange 1000-2000 or greater 1000",
};
#define NEXPR (sizeof(exprs) / sizeof(exprs[0]))

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* ebpfcap's pipeline: compile, translate, load behind the datapath's call. */
static int load_ours(const char *expr)
{
	struct ebc_cbpf_prog cbpf = { 0 };
	char err[256];
	int fd;

	if (ebc_filter__compile(expr, 1, 262144, &cbpf, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	fd = bench_load_ours(&cbpf, BENCH_CALL, err, sizeof(err));
	if (fd < 0)
		fprintf(stderr, "%s\n", err);
	ebc_cbpf_prog__free(&cbpf);
	return fd;
}

static int run_clang(const char *src, const char *obj, const char *multiarch_inc)
{
	char *const argv[] = { "clang", "-O2", "-g0", "-target", "bpf", (char *)multiarch_inc,
			       "-c", (char *)src, "-o", (char *)obj, NULL };
	int status;
	pid_t pid;

	if (posix_spawnp(&pid, "clang", NULL, NULL, argv, environ))
		return -1;
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		return -1;
	return 0;
}

/* polycube's way: the same classic program as C, compiled by clang at set-up time. */
static struct bpf_object *load_clang(const char *expr, const char *dir, const char *inc)
{
	struct ebc_cbpf_prog cbpf = { 0 };
	struct bpf_object *obj = NULL;
	char src[512], objpath[512], err[256];
	FILE *f;

	snprintf(src, sizeof(src), "%s/f.c", dir);
	snprintf(objpath, sizeof(objpath), "%s/f.o", dir);
	if (ebc_filter__compile(expr, 1, 262144, &cbpf, err, sizeof(err)))
		return NULL;
	f = fopen(src, "w");
	if (f && !ebc_xlate_dump__c(f, &cbpf, err, sizeof(err)) && !fclose(f) &&
	    !run_clang(src, objpath, inc)) {
		obj = bpf_object__open_file(objpath, NULL);
		if (obj && bpf_object__load(obj)) {
			bpf_object__close(obj);
			obj = NULL;
		}
	}
	ebc_cbpf_prog__free(&cbpf);
	return obj;
}

static void remove_dir(const char *dir)
{
	char path[600];

	snprintf(path, sizeof(path), "%s/f.c", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/f.o", dir);
	unlink(path);
	rmdir(dir);
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 7;
	char dir[] = "/tmp/ebpfcap-bench.XXXXXX", inc[300];
	double ours[64], theirs[64], tot_ours = 0, tot_theirs = 0;
	FILE *p;

	if (rounds < 1 || rounds > 64 || !mkdtemp(dir))
		return 2;
	p = popen("gcc -print-multiarch", "r");
	snprintf(inc, sizeof(inc), "-I/usr/include/");
	if (p && fgets(inc + strlen(inc), sizeof(inc) - strlen(inc), p))
		inc[strcspn(inc, "\n")] = '\0';
	if (p)
		pclose(p);
	printf("set-up time, expression to loaded program: median of %d rounds\n", rounds);
	printf("%-42s %12s %14s %8s\n", "expression", "ebpfcap ms", "C+clang ms", "ratio");
	for (size_t e = 0; e < NEXPR; e++) {
		for (int r = 0; r < rounds; r++) {
			double t0 = now_ms();
			int fd = load_ours(exprs[e]);
			double t1 = now_ms();
			struct bpf_object *obj = load_clang(exprs[e], dir, inc);
			double t2 = now_ms();

			if (fd < 0 || !obj) {
				fprintf(stderr, "\"%s\": %s failed to load\n", exprs[e],
					fd < 0 ? "ebpfcap's program" : "the clang-built program");
				return 1;
			}
			close(fd);
			bpf_object__close(obj);
			ours[r] = t1 - t0;
			theirs[r] = t2 - t1;
		}
		double mo = bench_median(ours, rounds), mt = bench_median(theirs, rounds);

		tot_ours += mo;
		tot_theirs += mt;
		printf("%-42.42s %12.2f %14.2f %7.0fx\n", *exprs[e] ? exprs[e] : "(none)", mo, mt,
		       mt / mo);
	}
	printf("%-42s %12.2f %14.2f %7.0fx\n", "all (sum of medians)", tot_ours, tot_theirs,
	       tot_theirs / tot_ours);
	printf("targets: ebpfcap under 20 ms per expression and at least 20x faster than C+clang\n");
	remove_dir(dir);
	return 0;
}
