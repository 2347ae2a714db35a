// SPDX-License-Identifier: GPL-2.0-only
/*
 * ebpfcap --dump-c against the kernel: each filter's C is written to a private
 * temporary directory, compiled with clang -O2 -target bpf (a fixed argument
 * vector with the file paths only: the filter text never meets a shell),
 * loaded with libbpf (the verifier must accept it) and run with
 * BPF_PROG_TEST_RUN on the shared packet corpus at every length from the
 * Ethernet header up; every verdict must equal libpcap's bpf_filter(). A few
 * programs with ancillary loads run with several marks in the context, their
 * verdicts compared with the classic reference given the mark and protocol
 * the kernel's test_run sets. Needs root and clang; exits 77 (skipped)
 * without them.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <pcap/dlt.h>

#include "filter.h"
#include "xlate_dump.h"
#include "../unit/corpus.h"
#include "../unit/ebpf_interp.h"	/* bpf_filter() on our layout, the classic reference */
#include "../lib/tap.h"

#define SNAPLEN 262144
#define ETH_HLEN 14

extern char **environ;

/* pcap-filter(7) primitives across the families the issue names. */
static const char *const exprs[] = {
	"",
	"ip", "ip6", "arp", "tcp", "udp", "icmp", "icmp6",
	"host 10.0.0.1", "src host 10.0.0.1", "dst host 10.0.0.2",
	"net 10.0.0.0/8", "src net 192.168.0.0/16", "dst net 224.0.0.0/4",
	"port 80", "tcp port 80", "udp port 53", "src port 1234", "dst port 443",
	"portrange 1000-2000", "tcp portrange 8000-9000",
	"ip proto 17", "ip6 proto 58", "proto 6",
	"tcp[tcpflags] & tcp-syn != 0",
	"tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn",
	"tcp[tcpflags] & (tcp-rst|tcp-fin) != 0",
	"tcp[((tcp[12:1] & 0xf0) >> 2):4] = 0x47455420",
	"icmp[icmptype] == icmp-echo", "icmp[icmptype] == icmp-echoreply or icmp[0] == 3",
	"ip[2:2] > 576", "ip[6:2] & 0x1fff != 0", "ip[12:4] > 0x80000000",
	"ip[9] * 2 = 12", "ip[9] / 2 = 3", "ip[9] % 4 = 2", "ip[9] ^ 0xff = 0xf9",
	"ip[9] << 1 = 12 or ip[9] >> 1 = 8", "ip[12:4] - ip[16:4] != 0", "len * 0x80000001 > 5",
	"ip multicast", "ip6 multicast", "ip6 host 2001:db8::1", "ip6 net 2001:db8::/32",
	"ip6 and udp port 53",
	"ether broadcast", "ether multicast", "ether host 00:11:22:33:44:55", "ether[0] & 1 = 0",
	"vlan", "vlan 100", "vlan and vlan 200", "vlan 100 and host 10.0.0.1",
	"vlan and ip6 and udp port 53",
	"len > 100", "len <= 64", "greater 200", "less 100",
	"host 10.0.0.1 and (port 80 or port 443)", "not port 22", "tcp or udp",
	"udp and (udp[0:2] = 53 or udp[2:2] = 53)",
	"ip6 protochain 6", "protochain 17", "ip6 protochain 58 or arp",
};

static struct corpus_pkt pkts[CORPUS_MAX_PKTS];
static size_t npkts;
static char tmpdir[] = "/tmp/ebpfcap-dumpc.XXXXXX";
static char cpath[64], opath[64], epath[64], incdir[300];
static char liblog[1 << 16];
static size_t liblog_len;

/* libbpf's messages, kept for the case that fails. */
static int libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	int n;

	if (liblog_len >= sizeof(liblog) - 1)
		return 0;
	n = vsnprintf(liblog + liblog_len, sizeof(liblog) - liblog_len, fmt, ap);
	if (n > 0)
		liblog_len += (size_t)n < sizeof(liblog) - liblog_len ? (size_t)n :
			      sizeof(liblog) - liblog_len - 1;
	return 0;
}

static void diag_file_or_buf(const char *path, const char *buf, int max_lines)
{
	char line[512];
	FILE *f = path ? fopen(path, "r") : fmemopen((void *)buf, strlen(buf), "r");

	while (f && max_lines-- > 0 && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		tap_diag("  %s", line);
	}
	if (f)
		fclose(f);
}

/*
 * Debian and Ubuntu keep asm/types.h under /usr/include/<multiarch>, which
 * clang does not search when it targets bpf: the host's first, else any.
 */
static void find_incdir(void)
{
	struct utsname u;
	glob_t g;

	if (!uname(&u)) {
		snprintf(incdir, sizeof(incdir), "/usr/include/%s-linux-gnu", u.machine);
		if (!access(incdir, R_OK))
			return;
	}
	incdir[0] = '\0';
	if (!glob("/usr/include/*/asm/types.h", 0, NULL, &g) && g.gl_pathc) {
		snprintf(incdir, sizeof(incdir), "%.*s", (int)(strlen(g.gl_pathv[0]) - 12),
			 g.gl_pathv[0]);
	}
	globfree(&g);
}

/* Exit status of clang, -errno if it could not run; stderr goes to epath. */
static int run_clang(const char *clang)
{
	char inc[320];
	char *argv[] = { (char *)clang, "-O2", "-Wall", "-Werror", "-target", "bpf", inc, "-c",
			 cpath, "-o", opath, NULL };
	posix_spawn_file_actions_t fa;
	int status, err;
	pid_t pid;

	/* an empty -I would swallow the next argument; repeat a harmless one instead */
	snprintf(inc, sizeof(inc), "-I%s", incdir[0] ? incdir : "/usr/include");
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 2, epath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	err = posix_spawnp(&pid, clang, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (err)
		return -err;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Context marks for programs with ancillary loads: the one field test_run lets us set that they read. */
static const uint32_t anc_marks[] = { 0, 1, 0xfffffffe, 0x80000001 };

/*
 * SKF_AD_PROTOCOL as test_run's eth_type_trans() sets skb->protocol on lo:
 * the Ethernet type, or for an 802.3 length field ETH_P_802_3 (raw IPX,
 * 0xffff first) or ETH_P_802_2.
 */
static uint32_t eth_protocol(const uint8_t *p, uint32_t n)
{
	uint32_t type = (uint32_t)p[12] << 8 | p[13];

	if (type >= 0x600)
		return type;
	return n >= ETH_HLEN + 2 && p[14] == 0xff && p[15] == 0xff ? 0x0001 : 0x0004;
}

/* The verdict to expect: libpcap's, or with ancillary loads the reference's on what tc fills. */
static uint32_t expected(const struct ebc_cbpf_prog *c, bool anc, const uint8_t *p, uint32_t n,
			 uint32_t mark)
{
	struct ebc_anc block = { .protocol = eth_protocol(p, n), .mark = mark };

	if (!anc)
		return bpf_filter(c->insns, p, n, n);
	return cbpf_ref_run(c->insns, c->len, p, n, n, &block);
}

/*
 * Mismatches over the corpus, each packet truncated at every length from
 * ETH_HLEN past its headers, then whole (with ancillary loads: once per mark);
 * -errno on failure.
 */
static long run_corpus(int fd, const struct ebc_cbpf_prog *c, bool anc, size_t *runs,
		       size_t *refused)
{
	size_t i, m, nmarks = anc ? sizeof(anc_marks) / sizeof(anc_marks[0]) : 1;
	long bad = 0;
	uint32_t n, want;

	for (i = 0; i < npkts; i++) {
		for (n = ETH_HLEN; n <= pkts[i].len; n = corpus_next_len(n, pkts[i].len)) {
			for (m = 0; m < nmarks; m++) {
				struct __sk_buff ctx = { .mark = anc_marks[m] };
				LIBBPF_OPTS(bpf_test_run_opts, topts, .data_in = pkts[i].data,
					    .data_size_in = n, .repeat = 1,
					    .ctx_in = anc ? &ctx : NULL,
					    .ctx_size_in = anc ? sizeof(ctx) : 0);

				/*
				 * test_run refuses (EINVAL) an IPv4/IPv6 frame shorter than
				 * its network header, even whole ("ethernet header only")
				 */
				if (bpf_prog_test_run_opts(fd, &topts)) {
					if (errno != EINVAL)
						return -errno;
					(*refused)++;
					continue;
				}
				want = expected(c, anc, pkts[i].data, n, anc_marks[m]);
				(*runs)++;
				if (topts.retval == want)
					continue;
				if (!bad++)
					tap_diag("%s at %u bytes, mark 0x%x: %s %u, C in the kernel %u",
						 pkts[i].name, n, anc_marks[m],
						 anc ? "reference" : "bpf_filter", want, topts.retval);
			}
		}
	}
	return bad;
}

/* 0, or -EPERM when this process may not load programs. anc: the program has ancillary loads. */
static int test_prog(const char *name, const struct ebc_cbpf_prog *c, const char *clang, bool anc)
{
	struct bpf_object *obj = NULL;
	struct bpf_program *prog;
	size_t runs = 0, refused = 0;
	char err[256] = "";
	long bad;
	FILE *f;
	int ret;

	f = fopen(cpath, "w");
	if (!f) {
		tap_ok(0, "%s: cannot create %s: %s", name, cpath, strerror(errno));
		return 0;
	}
	ret = ebc_xlate_dump__c(f, c, err, sizeof(err));
	if (fclose(f) && !ret)
		ret = -errno;
	if (ret) {
		tap_ok(0, "%s: --dump-c fails: %s", name, err[0] ? err : strerror(-ret));
		return 0;
	}
	ret = run_clang(clang);
	if (ret) {
		tap_ok(0, "%s: clang exits %d", name, ret);
		diag_file_or_buf(epath, NULL, 20);
		return 0;
	}
	liblog_len = 0;
	liblog[0] = '\0';
	obj = bpf_object__open_file(opath, NULL);
	ret = obj ? bpf_object__load(obj) : -errno;
	if (ret == -EPERM) {
		bpf_object__close(obj);
		return -EPERM;
	}
	prog = ret ? NULL : bpf_object__find_program_by_name(obj, "ebpfcap_filter_tc");
	if (!prog) {
		tap_ok(0, "%s: cannot load the compiled C: %s", name, strerror(ret ? -ret : ENOENT));
		diag_file_or_buf(NULL, liblog, 60);
		bpf_object__close(obj);
		return 0;
	}
	bad = run_corpus(bpf_program__fd(prog), c, anc, &runs, &refused);
	tap_ok(bad == 0 && runs > 0, "%s: C verified, %zu test runs (%zu short frames refused by test_run), %ld differ%s%s",
	       name, runs, refused, bad < 0 ? 0 : bad, bad < 0 ? ": " : "",
	       bad < 0 ? strerror((int)-bad) : "");
	bpf_object__close(obj);
	return 0;
}

static int test_exprs(const char *clang)
{
	char name[200], err[256];
	struct ebc_cbpf_prog c;
	size_t i;
	int ret;

	for (i = 0; i < sizeof(exprs) / sizeof(exprs[0]); i++) {
		snprintf(name, sizeof(name), "\"%s\"", exprs[i]);
		if (ebc_filter__compile(exprs[i], DLT_EN10MB, SNAPLEN, &c, err, sizeof(err))) {
			tap_ok(0, "%s: %s", name, err);
			continue;
		}
		ret = test_prog(name, &c, clang, false);
		ebc_cbpf_prog__free(&c);
		if (ret)
			return ret;
	}
	return 0;
}

/* The hand-written programs reach what libpcap's compiler never emits (X shifts, TXA, M[]). */
static int test_case(const char *name, const struct ebc_cbpf_prog *prog, void *clang)
{
	return test_prog(name, prog, clang, false);
}

static int test_cases(const char *clang)
{
	return corpus_each_case(test_case, (void *)clang);
}

#define S(code, k)		{ (uint16_t)(code), 0, 0, (uint32_t)(k) }
#define J(code, k, jt, jf)	{ (uint16_t)(code), (jt), (jf), (uint32_t)(k) }
#define AD(code, size)		S(BPF_LD | (size) | BPF_ABS, SKF_AD_OFF + (code))

/* Ancillary loads of what test_run's context has known values for: mark and protocol. */
static const struct {
	const char *name;
	struct ebc_cbpf_insn prog[12];
	size_t len;
} anc_progs[] = {
	{ "ld [mark]; ret a", { AD(SKF_AD_MARK, BPF_W), S(BPF_RET | BPF_A, 0) }, 2 },
	{ "ldb [protocol]; ret a", { AD(SKF_AD_PROTOCOL, BPF_B), S(BPF_RET | BPF_A, 0) }, 2 },
	{ "protocol is the type, odd marks, xor_x", {
	  /* 0 */ AD(SKF_AD_PROTOCOL, BPF_W), S(BPF_MISC | BPF_TAX, 0), S(BPF_LD | BPF_H | BPF_ABS, 12),
	  /* 3 */ J(BPF_JMP | BPF_JEQ | BPF_X, 0, 0, 6),
	  /* 4 */ AD(SKF_AD_MARK, BPF_H), J(BPF_JMP | BPF_JSET | BPF_K, 1, 0, 4),
	  /* 6 */ S(BPF_LD | BPF_B | BPF_ABS, 23), S(BPF_LDX | BPF_IMM, 0x5a00),
	  /* 8 */ AD(SKF_AD_ALU_XOR_X, BPF_B), S(BPF_RET | BPF_A, 0),
	  /* 10 */ S(BPF_RET | BPF_K, 0) }, 11 },
};

static int test_anc(const char *clang)
{
	size_t i;
	int ret;

	for (i = 0; i < sizeof(anc_progs) / sizeof(anc_progs[0]); i++) {
		struct ebc_cbpf_prog c = { (struct ebc_cbpf_insn *)anc_progs[i].prog, anc_progs[i].len };

		ret = test_prog(anc_progs[i].name, &c, clang, true);
		if (ret)
			return ret;
	}
	return 0;
}

static int clang_works(const char *clang)
{
	char *argv[] = { (char *)clang, "--version", NULL };
	posix_spawn_file_actions_t fa;
	int status = 1;
	pid_t pid;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	if (!posix_spawnp(&pid, clang, &fa, NULL, argv, environ))
		waitpid(pid, &status, 0);
	posix_spawn_file_actions_destroy(&fa);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int main(void)
{
	const char *clang = getenv("CLANG") && *getenv("CLANG") ? getenv("CLANG") : "clang";
	int ret;

	if (geteuid() != 0) {
		printf("1..0 # SKIP needs root\n");
		return 77;
	}
	if (!clang_works(clang)) {
		printf("1..0 # SKIP needs clang (%s not found)\n", clang);
		return 77;
	}
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(cpath, sizeof(cpath), "%s/filter.c", tmpdir);
	snprintf(opath, sizeof(opath), "%s/filter.o", tmpdir);
	snprintf(epath, sizeof(epath), "%s/clang.err", tmpdir);
	find_incdir();
	libbpf_set_print(libbpf_log);
	npkts = corpus_build(pkts, sizeof(pkts) / sizeof(pkts[0]));
	if (!npkts) {
		tap_ok(0, "the packet corpus is empty");
		return tap_done();
	}
	tap_diag("%zu expressions, %zu hand-written programs and %zu with ancillary loads, %zu packets, clang %s%s%s",
		 sizeof(exprs) / sizeof(exprs[0]), corpus_ncases,
		 sizeof(anc_progs) / sizeof(anc_progs[0]), npkts, clang, incdir[0] ? " -I" : "", incdir);
	ret = test_exprs(clang);
	if (!ret)
		ret = test_cases(clang);
	if (!ret)
		ret = test_anc(clang);
	unlink(cpath);
	unlink(opath);
	unlink(epath);
	rmdir(tmpdir);
	if (ret == -EPERM) {
		printf("1..0 # SKIP needs root (bpf: %s)\n", strerror(EPERM));
		return 77;
	}
	return tap_done();
}
