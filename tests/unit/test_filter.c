// SPDX-License-Identifier: GPL-2.0-only
/*
 * The capture filter compiler: common expressions compile for Ethernet and raw
 * IP, listings match tcpdump -d, bad filters are named in the error, and an
 * empty filter accepts everything with snaplen bytes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pcap/dlt.h>

#include "filter.h"
#include "../lib/tap.h"

#define SNAPLEN 262144
#define RET_K 0x06	/* BPF_RET | BPF_K */

#define EN  0x1
#define RAW 0x2

static const struct {
	const char *expr;
	unsigned int dlts;
} good[] = {
	{ "host 10.0.0.1", EN | RAW },
	{ "src host 192.168.1.1 or dst host 10.1.2.3", EN | RAW },
	{ "net 10.0.0.0/8", EN | RAW },
	{ "net 192.168.0.0 mask 255.255.0.0", EN | RAW },
	{ "port 80", EN | RAW },
	{ "tcp dst port 443", EN | RAW },
	{ "udp src port 53", EN | RAW },
	{ "portrange 1000-2000", EN | RAW },
	{ "ip proto 47", EN | RAW },
	{ "proto \\icmp", EN | RAW },
	{ "ip6 proto 58", EN | RAW },
	{ "tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn", EN | RAW },
	{ "tcp[((tcp[12:1] & 0xf0) >> 2):4] = 0x47455420", EN | RAW },
	{ "icmp[icmptype] == icmp-echo", EN | RAW },
	{ "vlan", EN },
	{ "vlan 100 and tcp", EN },
	{ "ip6", EN | RAW },
	{ "ip6 host 2001:db8::1", EN | RAW },
	{ "ip6 net fe80::/10", EN | RAW },
	{ "len > 100", EN | RAW },
	{ "greater 200", EN | RAW },
	{ "less 64", EN | RAW },
	{ "tcp and not port 22", EN | RAW },
	{ "(tcp or udp) and not (host 10.0.0.1 or net 172.16.0.0/12)", EN | RAW },
	{ "ether host 00:11:22:33:44:55", EN },
	{ "ether broadcast or ether multicast", EN },
	{ "arp", EN },
	{ "ip[6:2] & 0x1fff != 0", EN | RAW },
};

static int rets_ok(const struct ebc_cbpf_prog *p, unsigned int snaplen)
{
	size_t i;

	if (!p->len || p->insns[p->len - 1].code != RET_K)
		return 0;
	for (i = 0; i < p->len; i++)
		if (p->insns[i].code == RET_K && p->insns[i].k && p->insns[i].k != snaplen)
			return 0;
	return 1;
}

static void test_good(void)
{
	struct ebc_cbpf_prog p;
	char err[256];
	size_t i;
	int d, ret;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		for (d = 0; d < 2; d++) {
			int dlt = d ? DLT_RAW : DLT_EN10MB;

			if (!(good[i].dlts & (d ? RAW : EN)))
				continue;
			err[0] = '\0';
			ret = ebc_filter__compile(good[i].expr, dlt, SNAPLEN, &p, err, sizeof(err));
			tap_ok(ret == 0 && rets_ok(&p, SNAPLEN), "%s \"%s\" compiles to %zu insns %s",
			       d ? "raw" : "en10mb", good[i].expr, p.len, err);
			ebc_cbpf_prog__free(&p);
		}
	}
}

static const struct {
	const char *expr;
	int dlt;
	const char *why;	/* libpcap's message must contain this */
} bad[] = {
	{ "tcp port", DLT_EN10MB, "syntax error" },
	{ "foo bar", DLT_EN10MB, "syntax error" },
	{ "port 99999", DLT_EN10MB, "99999" },
	{ "ip6 host 10.0.0.1", DLT_EN10MB, "ip6" },
	{ "len / 0 > 1", DLT_EN10MB, "division by zero" },
	{ "vlan", DLT_RAW, "VLAN" },
	{ "ether host 00:11:22:33:44:55", DLT_RAW, "ethernet" },
};

static void test_bad(void)
{
	struct ebc_cbpf_prog p;
	char err[256], want[128];
	size_t i;
	int ret;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(want, sizeof(want), "invalid capture filter \"%s\": ", bad[i].expr);
		err[0] = '\0';
		ret = ebc_filter__compile(bad[i].expr, bad[i].dlt, SNAPLEN, &p, err, sizeof(err));
		tap_ok(ret == -EINVAL && !strncmp(err, want, strlen(want)) &&
		       strstr(err + strlen(want), bad[i].why) && !p.insns && !p.len,
		       "rejects \"%s\": %s", bad[i].expr, err);
	}
}

static void test_empty(void)
{
	static const unsigned int snaplens[] = { 65535, SNAPLEN };
	struct ebc_cbpf_prog p;
	char err[256] = "";
	size_t i;
	int ret;

	for (i = 0; i < 2; i++) {
		ret = ebc_filter__compile(i ? "" : NULL, DLT_EN10MB, snaplens[i], &p, err, sizeof(err));
		tap_ok(ret == 0 && p.len == 1 && p.insns[0].code == RET_K &&
		       p.insns[0].k == snaplens[i], "%s filter is ret #%u",
		       i ? "empty" : "NULL", snaplens[i]);
		ebc_cbpf_prog__free(&p);
	}
}

/* Expression → listing, as tcpdump -d prints it. */
static const struct {
	const char *expr;
	int dlt;
	const char *listing;
} listings[] = {
	{ "", DLT_EN10MB, "(000) ret      #262144\n" },
	{ "ip", DLT_EN10MB,
	  "(000) ldh      [12]\n"
	  "(001) jeq      #0x800           jt 2\tjf 3\n"
	  "(002) ret      #262144\n"
	  "(003) ret      #0\n" },
	{ "ip", DLT_RAW,
	  "(000) ldb      [0]\n"
	  "(001) and      #0xf0\n"
	  "(002) jeq      #0x40            jt 3\tjf 4\n"
	  "(003) ret      #262144\n"
	  "(004) ret      #0\n" },
	{ "len > 100", DLT_EN10MB,
	  "(000) ld       #pktlen\n"
	  "(001) jgt      #0x64            jt 2\tjf 3\n"
	  "(002) ret      #262144\n"
	  "(003) ret      #0\n" },
	{ "vlan", DLT_EN10MB,
	  "(000) ldh      [12]\n"
	  "(001) jeq      #0x8100          jt 4\tjf 2\n"
	  "(002) jeq      #0x88a8          jt 4\tjf 3\n"
	  "(003) jeq      #0x9100          jt 4\tjf 5\n"
	  "(004) ret      #262144\n"
	  "(005) ret      #0\n" },
};

static void test_listings(void)
{
	struct ebc_cbpf_prog p;
	char err[256], buf[1024];
	size_t i;
	int n;

	for (i = 0; i < sizeof(listings) / sizeof(listings[0]); i++) {
		n = -1;
		buf[0] = '\0';
		if (!ebc_filter__compile(listings[i].expr, listings[i].dlt, SNAPLEN, &p, err, sizeof(err)))
			n = ebc_filter__dump(&p, buf, sizeof(buf));
		tap_ok(n == (int)strlen(listings[i].listing) && !strcmp(buf, listings[i].listing),
		       "listing of \"%s\" (dlt %d)", listings[i].expr, listings[i].dlt);
		if (strcmp(buf, listings[i].listing))
			tap_diag("got:\n%s", buf);
		ebc_cbpf_prog__free(&p);
	}
}

/* Like snprintf: a short buffer is truncated and terminated, the full length returned. */
static void test_dump_short(void)
{
	struct ebc_cbpf_prog p;
	char err[256], buf[10];
	int full, n;

	ebc_filter__compile("ip", DLT_EN10MB, SNAPLEN, &p, err, sizeof(err));
	full = ebc_filter__dump(&p, NULL, 0);
	memset(buf, 'x', sizeof(buf));
	n = ebc_filter__dump(&p, buf, sizeof(buf));
	tap_ok(full > 10 && n == full && buf[9] == '\0' && !strncmp(buf, "(000) ldh", 9),
	       "dump into a short buffer truncates and returns %d", n);
	ebc_cbpf_prog__free(&p);
	ebc_cbpf_prog__free(&p);
	ebc_cbpf_prog__free(NULL);
	tap_ok(!p.insns && !p.len, "free is idempotent and accepts NULL");
}

static void test_dlts_differ(void)
{
	struct ebc_cbpf_prog en, raw;
	char err[256];

	ebc_filter__compile("tcp port 80", DLT_EN10MB, SNAPLEN, &en, err, sizeof(err));
	ebc_filter__compile("tcp port 80", DLT_RAW, SNAPLEN, &raw, err, sizeof(err));
	tap_ok(en.len && raw.len && en.insns[0].k != raw.insns[0].k,
	       "link type changes the code: en10mb loads [%u], raw loads [%u]",
	       en.insns[0].k, raw.insns[0].k);
	ebc_cbpf_prog__free(&en);
	ebc_cbpf_prog__free(&raw);
}

/* --cbpf files: tcpdump -ddd format, newlines or commas, decimal or hex; errors name the file. */
static const struct {
	const char *text;
	int err;
	size_t len;		/* instructions read */
	uint32_t last_k;	/* k of the last instruction */
	const char *msg;	/* what the error says (a substring) */
} cbpf_files[] = {
	{ "4\n40 0 0 12\n21 0 1 2048\n6 0 0 262144\n6 0 0 0\n", 0, 4, 0, NULL },
	{ "4,40 0 0 12,21 0 1 2048,6 0 0 262144,6 0 0 0", 0, 4, 0, NULL },
	{ "2\r\n0x20 0 0 0xfffff02c\r\n6 0 0 65535\r\n", 0, 2, 65535, NULL },
	{ "1\n6 0 0 4294967295", 0, 1, 0xffffffff, NULL },
	{ "", -EINVAL, 0, 0, "does not start with an instruction count" },
	{ "0\n", -EINVAL, 0, 0, "does not start with an instruction count" },
	{ "4097\n", -EINVAL, 0, 0, "from 1 to 4096" },
	{ "3\n6 0 0 0\n", -EINVAL, 0, 0, "ends after 1 complete instructions, not the 3" },
	{ "1\n6 0 0 0\n6 0 0 0\n", -EINVAL, 0, 0, "holds more than the 1 instructions" },
	{ "1\n6 0 256 0\n", -EINVAL, 0, 0, "instruction 0: expected \"code jt jf k\"" },
	{ "1\n6 0 0 4294967296\n", -EINVAL, 0, 0, "instruction 0" },
	{ "1\nret 0 0 0\n", -EINVAL, 0, 0, "instruction 0" },
	{ "1\n6 0 0 -1\n", -EINVAL, 0, 0, "instruction 0" },
};

static void test_read_cbpf(void)
{
	char path[] = "/tmp/ebc-test-cbpf.XXXXXX", err[256];
	int fd = mkstemp(path);

	if (fd < 0) {
		tap_skip("no temporary file", "--cbpf files");
		return;
	}
	close(fd);
	for (size_t i = 0; i < sizeof(cbpf_files) / sizeof(cbpf_files[0]); i++) {
		struct ebc_cbpf_prog prog = { 0 };
		FILE *f = fopen(path, "w");
		int ret;

		fputs(cbpf_files[i].text, f);
		fclose(f);
		err[0] = '\0';
		ret = ebc_filter__read(path, &prog, err, sizeof(err));
		if (!cbpf_files[i].err)
			tap_ok(!ret && prog.len == cbpf_files[i].len &&
			       prog.insns[prog.len - 1].k == cbpf_files[i].last_k,
			       "--cbpf file %zu: %zu instructions read", i, cbpf_files[i].len);
		else
			tap_ok(ret == cbpf_files[i].err && strstr(err, cbpf_files[i].msg) &&
			       strstr(err, path) && !prog.insns,
			       "--cbpf file %zu refused: %s", i, err);
		ebc_cbpf_prog__free(&prog);
	}
	unlink(path);
	tap_ok(ebc_filter__read("/nonexistent/x.bpf", &(struct ebc_cbpf_prog){ 0 }, err,
				sizeof(err)) == -ENOENT && strstr(err, "cannot read /nonexistent/x.bpf"),
	       "--cbpf: a missing file is named");
}

int main(void)
{
	test_read_cbpf();
	test_good();
	test_bad();
	test_empty();
	test_listings();
	test_dump_short();
	test_dlts_differ();
	return tap_done();
}
