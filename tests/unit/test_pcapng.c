// SPDX-License-Identifier: GPL-2.0-only
/*
 * pcapng writer tests. Files are read back three independent ways: libpcap,
 * tshark/capinfos (when installed) and a block walker written here from the
 * pcapng draft, which uses literal codes rather than the header's constants
 * so that a wrong constant cannot check itself. No root needed.
 */
#ifndef _GNU_SOURCE
/* F_SETPIPE_SZ */
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pcap/pcap.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pcapng.h"
#include "tap.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define NO_VERDICT .verdict_type = -1

static char tmpdir[64];

/*
 * How many times slower than normal the code runs: EBC_TEST_SLOW, set by
 * tests/tooling (100 under valgrind, 5 with sanitizers). Scales the timings.
 */
static long slowdown(void)
{
	const char *s = getenv("EBC_TEST_SLOW");
	long v = s ? strtol(s, NULL, 10) : 1;

	return v > 0 && v <= 1000 ? v : 1;
}

static void tmp_path(char *buf, size_t sz, const char *name)
{
	snprintf(buf, sz, "%s/%s", tmpdir, name);
}

/* Deterministic packet bytes so any reader can check them. */
static void fill(uint8_t *buf, size_t n, uint32_t seed)
{
	uint32_t x = seed * 2654435761u + 1;

	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = (uint8_t)(x >> 16);
	}
}

static uint8_t *slurp(const char *path, size_t *len)
{
	uint8_t *buf = NULL;
	struct stat st;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0) {
		buf = malloc(st.st_size ? st.st_size : 1);
		if (buf && read(fd, buf, st.st_size) != st.st_size) {
			free(buf);
			buf = NULL;
		}
		*len = st.st_size;
	}
	close(fd);
	return buf;
}

static bool same_files(const char *a, const char *b)
{
	size_t la = 0, lb = 0;
	uint8_t *ba = slurp(a, &la), *bb = slurp(b, &lb);
	bool same = ba && bb && la == lb && !memcmp(ba, bb, la);

	if (!same)
		tap_diag("%s (%zu bytes) differs from %s (%zu bytes)", a, la, b, lb);
	free(ba);
	free(bb);
	return same;
}

static int create(const char *path)
{
	return open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
}

/* ---- the option codes, against the pcapng draft ---- */

static void test_constants(void)
{
	static const struct { const char *name; uint32_t got, want; } tab[] = {
		{ "SHB", EBC_PCAPNG_BT_SHB, 0x0A0D0D0A },
		{ "IDB", EBC_PCAPNG_BT_IDB, 1 },
		{ "EPB", EBC_PCAPNG_BT_EPB, 6 },
		{ "ISB", EBC_PCAPNG_BT_ISB, 5 },
		{ "magic", EBC_PCAPNG_BYTE_ORDER_MAGIC, 0x1A2B3C4D },
		{ "opt_endofopt", EBC_PCAPNG_OPT_ENDOFOPT, 0 },
		{ "opt_comment", EBC_PCAPNG_OPT_COMMENT, 1 },
		{ "shb_hardware", EBC_PCAPNG_SHB_HARDWARE, 2 },
		{ "shb_os", EBC_PCAPNG_SHB_OS, 3 },
		{ "shb_userappl", EBC_PCAPNG_SHB_USERAPPL, 4 },
		{ "if_name", EBC_PCAPNG_IF_NAME, 2 },
		{ "if_description", EBC_PCAPNG_IF_DESCRIPTION, 3 },
		{ "if_tsresol", EBC_PCAPNG_IF_TSRESOL, 9 },
		{ "if_filter", EBC_PCAPNG_IF_FILTER, 11 },
		{ "if_os", EBC_PCAPNG_IF_OS, 12 },
		{ "epb_flags", EBC_PCAPNG_EPB_FLAGS, 2 },
		{ "epb_dropcount", EBC_PCAPNG_EPB_DROPCOUNT, 4 },
		{ "epb_packetid", EBC_PCAPNG_EPB_PACKETID, 5 },
		{ "epb_queue", EBC_PCAPNG_EPB_QUEUE, 6 },
		{ "epb_verdict", EBC_PCAPNG_EPB_VERDICT, 7 },
		{ "epb_processid_threadid", EBC_PCAPNG_EPB_PID_TID, 8 },
		{ "isb_starttime", EBC_PCAPNG_ISB_STARTTIME, 2 },
		{ "isb_endtime", EBC_PCAPNG_ISB_ENDTIME, 3 },
		{ "isb_ifrecv", EBC_PCAPNG_ISB_IFRECV, 4 },
		{ "isb_ifdrop", EBC_PCAPNG_ISB_IFDROP, 5 },
		{ "isb_filteraccept", EBC_PCAPNG_ISB_FILTERACCEPT, 6 },
		{ "isb_osdrop", EBC_PCAPNG_ISB_OSDROP, 7 },
		{ "isb_usrdeliv", EBC_PCAPNG_ISB_USRDELIV, 8 },
		{ "inbound", EBC_PCAPNG_DIR_INBOUND, 1 },
		{ "outbound", EBC_PCAPNG_DIR_OUTBOUND, 2 },
		{ "verdict hw", EBC_PCAPNG_VERDICT_HW, 0 },
		{ "verdict tc", EBC_PCAPNG_VERDICT_TC, 1 },
		{ "verdict xdp", EBC_PCAPNG_VERDICT_XDP, 2 },
	};
	bool ok = true;

	for (size_t i = 0; i < ARRAY_SIZE(tab); i++) {
		if (tab[i].got != tab[i].want) {
			tap_diag("%s is %u, the draft says %u", tab[i].name, tab[i].got, tab[i].want);
			ok = false;
		}
	}
	tap_ok(ok, "%zu block types and option codes match the pcapng draft", ARRAY_SIZE(tab));
}

/* ---- an independent block walker ---- */

#define WALK_MAX 64

struct wopt {
	bool has;
	uint64_t v;
};

struct wepb {
	uint32_t if_id, caplen, len;
	uint64_t ts;
	const uint8_t *data;
	struct wopt flags, drop, pidtid, pktid;
	int vtype;
	uint64_t verdict;
	char comment[128];
};

struct wisb {
	uint32_t if_id;
	uint64_t ts;
	struct wopt v[9];	/* indexed by option code 2..8 */
};

struct walk {
	unsigned n_shb, n_idb, n_epb, n_isb;
	uint16_t linktype[WALK_MAX];
	uint8_t tsresol[WALK_MAX];
	char if_name[WALK_MAX][32];
	char filter[64];
	char shb_userappl[64];
	struct wepb epb[WALK_MAX];
	struct wisb isb[WALK_MAX];
	char err[160];
};

static uint16_t rd16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static uint64_t rdts(const uint8_t *p)
{
	return (uint64_t)rd32(p) << 32 | rd32(p + 4);
}

static void copy_str(char *dst, size_t sz, const uint8_t *src, size_t n)
{
	if (n >= sz)
		n = sz - 1;
	memcpy(dst, src, n);
	dst[n] = 0;
}

/* Per block type: which option codes may appear and their fixed length (-1: any). */
struct optrule {
	uint16_t code;
	int len;
};

static const struct optrule shb_rules[] = { { 1, -1 }, { 2, -1 }, { 3, -1 }, { 4, -1 } };
static const struct optrule idb_rules[] = {
	{ 1, -1 }, { 2, -1 }, { 3, -1 }, { 9, 1 }, { 11, -1 }, { 12, -1 },
};
static const struct optrule epb_rules[] = { { 1, -1 }, { 2, 4 }, { 4, 8 }, { 5, 8 }, { 7, 9 }, { 8, 8 } };
static const struct optrule isb_rules[] = {
	{ 1, -1 }, { 2, 8 }, { 3, 8 }, { 4, 8 }, { 5, 8 }, { 6, 8 }, { 7, 8 }, { 8, 8 },
};

static bool opt_allowed(const struct optrule *r, size_t n, uint16_t code, uint16_t len)
{
	for (size_t i = 0; i < n; i++)
		if (r[i].code == code)
			return r[i].len < 0 || r[i].len == len;
	return false;
}

typedef void (*opt_cb)(struct walk *wk, uint16_t code, const uint8_t *v, uint16_t len);

/* Options from p to end (the trailing length excluded). */
static bool walk_opts(struct walk *wk, const uint8_t *p, const uint8_t *end,
		      const struct optrule *rules, size_t n_rules, opt_cb cb)
{
	if (p == end)
		return true;
	while (end - p >= 4) {
		uint16_t code = rd16(p), len = rd16(p + 2);
		size_t padded = (len + 3u) & ~3u;

		if (code == 0) {
			if (len != 0 || p + 4 != end) {
				snprintf(wk->err, sizeof(wk->err), "opt_endofopt misplaced");
				return false;
			}
			return true;
		}
		if (!opt_allowed(rules, n_rules, code, len)) {
			snprintf(wk->err, sizeof(wk->err), "option %u length %u not allowed", code, len);
			return false;
		}
		if ((size_t)(end - p - 4) < padded) {
			snprintf(wk->err, sizeof(wk->err), "option %u overruns its block", code);
			return false;
		}
		for (size_t i = len; i < padded; i++) {
			if (p[4 + i]) {
				snprintf(wk->err, sizeof(wk->err), "option %u padding not zero", code);
				return false;
			}
		}
		if (cb)
			cb(wk, code, p + 4, len);
		p += 4 + padded;
	}
	snprintf(wk->err, sizeof(wk->err), "options not terminated by opt_endofopt");
	return false;
}

static void shb_opt(struct walk *wk, uint16_t code, const uint8_t *v, uint16_t len)
{
	if (code == 4)
		copy_str(wk->shb_userappl, sizeof(wk->shb_userappl), v, len);
}

static void idb_opt(struct walk *wk, uint16_t code, const uint8_t *v, uint16_t len)
{
	unsigned i = wk->n_idb;

	if (i >= WALK_MAX)
		return;
	if (code == 2)
		copy_str(wk->if_name[i], sizeof(wk->if_name[i]), v, len);
	if (code == 9)
		wk->tsresol[i] = v[0];
	/* if_filter: the first byte says 0 = libpcap string */
	if (code == 11 && i == 0 && v[0] == 0)
		copy_str(wk->filter, sizeof(wk->filter), v + 1, len - 1);
	if (code == 11 && v[0] != 0)
		snprintf(wk->err, sizeof(wk->err), "if_filter type %u", v[0]);
}

static void epb_opt(struct walk *wk, uint16_t code, const uint8_t *v, uint16_t len)
{
	struct wepb *e;

	if (wk->n_epb >= WALK_MAX)
		return;
	e = &wk->epb[wk->n_epb];
	if (code == 1)
		copy_str(e->comment, sizeof(e->comment), v, len);
	if (code == 2)
		e->flags = (struct wopt){ true, rd32(v) };
	if (code == 4)
		e->drop = (struct wopt){ true, rd64(v) };
	if (code == 7) {
		e->vtype = v[0];
		e->verdict = rd64(v + 1);
	}
	if (code == 8)
		e->pidtid = (struct wopt){ true, (uint64_t)rd32(v) << 32 | rd32(v + 4) };
	if (code == 5)
		e->pktid = (struct wopt){ true, rd64(v) };
}

static void isb_opt(struct walk *wk, uint16_t code, const uint8_t *v, uint16_t len)
{
	struct wisb *s;

	if (wk->n_isb >= WALK_MAX || code < 2 || code > 8)
		return;
	s = &wk->isb[wk->n_isb];
	/* times are two u32 words high first; counters are native u64 */
	s->v[code] = (struct wopt){ true, code <= 3 ? rdts(v) : rd64(v) };
}

static bool walk_shb(struct walk *wk, const uint8_t *b, uint32_t tot)
{
	if (tot < 28 || rd32(b + 8) != 0x1A2B3C4D || rd16(b + 12) != 1 || rd16(b + 14) != 0 ||
	    rd64(b + 16) != UINT64_MAX) {
		snprintf(wk->err, sizeof(wk->err), "bad section header");
		return false;
	}
	wk->n_shb++;
	return walk_opts(wk, b + 24, b + tot - 4, shb_rules, ARRAY_SIZE(shb_rules), shb_opt);
}

static bool walk_idb(struct walk *wk, const uint8_t *b, uint32_t tot)
{
	if (tot < 20 || rd16(b + 10) != 0) {
		snprintf(wk->err, sizeof(wk->err), "bad interface description");
		return false;
	}
	if (wk->n_idb < WALK_MAX)
		wk->linktype[wk->n_idb] = rd16(b + 8);
	if (!walk_opts(wk, b + 16, b + tot - 4, idb_rules, ARRAY_SIZE(idb_rules), idb_opt))
		return false;
	wk->n_idb++;
	return true;
}

static bool walk_epb(struct walk *wk, const uint8_t *b, uint32_t tot)
{
	uint32_t caplen = tot >= 32 ? rd32(b + 20) : 0;
	uint32_t padded = (caplen + 3u) & ~3u;
	struct wepb tmp, *e = wk->n_epb < WALK_MAX ? &wk->epb[wk->n_epb] : &tmp;

	if (tot < 32 || padded > tot - 32 || rd32(b + 8) >= wk->n_idb || caplen > rd32(b + 24)) {
		snprintf(wk->err, sizeof(wk->err), "bad enhanced packet block");
		return false;
	}
	*e = (struct wepb){ .if_id = rd32(b + 8), .ts = rdts(b + 12), .caplen = caplen,
			    .len = rd32(b + 24), .data = b + 28, .vtype = -1 };
	for (uint32_t i = caplen; i < padded; i++) {
		if (b[28 + i]) {
			snprintf(wk->err, sizeof(wk->err), "packet padding not zero");
			return false;
		}
	}
	if (!walk_opts(wk, b + 28 + padded, b + tot - 4, epb_rules, ARRAY_SIZE(epb_rules), epb_opt))
		return false;
	if (e->vtype != -1 && e->vtype != 1 && e->vtype != 2) {
		snprintf(wk->err, sizeof(wk->err), "verdict type %d", e->vtype);
		return false;
	}
	wk->n_epb++;
	return true;
}

static bool walk_isb(struct walk *wk, const uint8_t *b, uint32_t tot)
{
	struct wisb tmp, *s = wk->n_isb < WALK_MAX ? &wk->isb[wk->n_isb] : &tmp;

	if (tot < 24 || rd32(b + 8) >= wk->n_idb) {
		snprintf(wk->err, sizeof(wk->err), "bad interface statistics block");
		return false;
	}
	*s = (struct wisb){ .if_id = rd32(b + 8), .ts = rdts(b + 12) };
	if (!walk_opts(wk, b + 20, b + tot - 4, isb_rules, ARRAY_SIZE(isb_rules), isb_opt))
		return false;
	wk->n_isb++;
	return true;
}

static bool walk_block(struct walk *wk, const uint8_t *b, uint32_t tot)
{
	switch (rd32(b)) {
	case 0x0A0D0D0A:
		return walk_shb(wk, b, tot);
	case 1:
		return walk_idb(wk, b, tot);
	case 6:
		return walk_epb(wk, b, tot);
	case 5:
		return walk_isb(wk, b, tot);
	}
	snprintf(wk->err, sizeof(wk->err), "unexpected block type 0x%08x", rd32(b));
	return false;
}

/* Every block: sane total length, equal at both ends, 4-aligned, known type. */
static bool walk(struct walk *wk, const uint8_t *buf, size_t len)
{
	size_t pos = 0;

	memset(wk, 0, sizeof(*wk));
	if (len < 4 || rd32(buf) != 0x0A0D0D0A) {
		snprintf(wk->err, sizeof(wk->err), "file does not start with a section header");
		return false;
	}
	while (pos < len) {
		uint32_t tot = len - pos >= 8 ? rd32(buf + pos + 4) : 0;

		if (tot < 12 || tot % 4 || tot > len - pos || rd32(buf + pos + tot - 4) != tot) {
			snprintf(wk->err, sizeof(wk->err), "block at %zu: bad total length %u", pos, tot);
			return false;
		}
		if (!walk_block(wk, buf + pos, tot)) {
			size_t n = strlen(wk->err);

			snprintf(wk->err + n, sizeof(wk->err) - n, " (block at %zu)", pos);
			return false;
		}
		pos += tot;
	}
	return true;
}

static bool walk_file(struct walk *wk, const char *path)
{
	size_t len = 0;
	uint8_t *buf = slurp(path, &len);
	bool ok = buf && walk(wk, buf, len);

	if (!buf)
		snprintf(wk->err, sizeof(wk->err), "cannot read %s", path);
	if (!ok)
		tap_diag("walker: %s", wk->err);
	/* data pointers must not outlive buf */
	for (unsigned i = 0; i < WALK_MAX; i++)
		wk->epb[i].data = NULL;
	free(buf);
	return ok;
}

/* ---- the fixtures: several interfaces, every option ---- */

struct fixture {
	const char *name;
	const struct ebc_pcapng_if *ifs;
	size_t n_ifs;
	const struct ebc_pcapng_pkt *pkts;
	size_t n_pkts;
	const struct ebc_pcapng_isb *isbs;
	size_t n_isbs;
};

static const struct ebc_pcapng_opts fx_opts = {
	.userappl = "ebpfcap test_pcapng", .os = "Linux 6.18.44", .hardware = "x86_64",
};

/* Both Ethernet: libpcap refuses a section whose interfaces differ in link type. */
static const struct ebc_pcapng_if eth_ifs[] = {
	{ .linktype = 1, .snaplen = 65535, .name = "tc:eth0", .description = "tc ingress+egress on eth0",
	  .filter = "tcp port 80", .os = "Linux 6.18.44" },
	{ .linktype = 1, .snaplen = 65535, .name = "xdp:veth1", .description = "xdp on veth1",
	  .tsresol = 6 },
};

static const struct ebc_pcapng_if mixed_ifs[] = {
	{ .linktype = 1, .snaplen = 262144, .name = "tc:eth0", .description = "tc on eth0",
	  .filter = "ip or ip6", .os = "Linux" },
	{ .linktype = 101, .snaplen = 1500, .name = "trace:ip",
	  .description = "raw IP from a tracepoint" },
	{ .linktype = 1, .snaplen = 65535, .name = "xdp:lo", .description = "xdp on lo", .tsresol = 6 },
};

#define T0 1700000000123456789ull
#define T0_US 1700000000123456ull

static const struct ebc_pcapng_pkt eth_pkts[] = {
	{ .if_id = 0, .ts = T0, .caplen = 60, .len = 60, NO_VERDICT },
	{ .if_id = 0, .ts = T0 + 1, .caplen = 64, .len = 1514, .flags = EBC_PCAPNG_DIR_INBOUND,
	  .has_dropcount = true, .dropcount = 7, .verdict_type = EBC_PCAPNG_VERDICT_TC, .verdict = 2,
	  .has_pid = true, .pid = 4242, .tid = 4243, .has_packetid = true,
	  .packetid = 0x0100000000000007ull, .comment = "every option, inbound" },
	{ .if_id = 1, .ts = T0_US + 5, .caplen = 61, .len = 61, .flags = EBC_PCAPNG_DIR_OUTBOUND,
	  .verdict_type = EBC_PCAPNG_VERDICT_XDP, .verdict = 3, .comment = "xdp tx, microseconds" },
	{ .if_id = 0, .ts = T0 + 1000000000ull, .caplen = 62, .len = 100,
	  .verdict_type = EBC_PCAPNG_VERDICT_TC, .verdict = UINT64_MAX, .comment = "tc verdict -1" },
	{ .if_id = 1, .ts = T0_US + 999999, .caplen = 63, .len = 9000, .has_dropcount = true,
	  .dropcount = 0, NO_VERDICT, .has_pid = true, .pid = 1, .tid = UINT32_MAX },
	/* reception type 1 (unicast) in bits 2-4 */
	{ .if_id = 0, .ts = T0 + 2, .caplen = 1514, .len = 1514, .flags = EBC_PCAPNG_DIR_INBOUND | 1u << 2,
	  .has_dropcount = true, .dropcount = 123456789012ull, NO_VERDICT, .comment = "a, comma" },
};

static const struct ebc_pcapng_pkt mixed_pkts[] = {
	{ .if_id = 0, .ts = T0, .caplen = 42, .len = 42, .flags = EBC_PCAPNG_DIR_OUTBOUND,
	  .verdict_type = EBC_PCAPNG_VERDICT_TC, .verdict = 0, .comment = "eth out" },
	{ .if_id = 1, .ts = T0 + 3, .caplen = 20, .len = 40, .has_dropcount = true, .dropcount = 1,
	  NO_VERDICT, .has_pid = true, .pid = 7, .tid = 8, .comment = "raw ip" },
	{ .if_id = 2, .ts = T0_US + 7, .caplen = 1, .len = 1, .flags = EBC_PCAPNG_DIR_INBOUND,
	  .verdict_type = EBC_PCAPNG_VERDICT_XDP, .verdict = 1 },
	{ .if_id = 1, .ts = T0 + 4, .caplen = 0, .len = 0, NO_VERDICT },
	{ .if_id = 0, .ts = T0 + 5, .caplen = 3, .len = 65535, .flags = EBC_PCAPNG_DIR_INBOUND,
	  .has_dropcount = true, .dropcount = UINT64_MAX, .verdict_type = EBC_PCAPNG_VERDICT_TC,
	  .verdict = 0x7fffffffffffffffull, .has_pid = true, .pid = 0, .tid = 0,
	  .comment = "max counters" },
};

static const struct ebc_pcapng_isb eth_isbs[] = {
	{ .if_id = 0, .ts = T0 + 3000000000ull, .starttime = T0 - 1, .endtime = T0 + 3000000000ull,
	  .ifrecv = 1000, .ifdrop = 3, .filteraccept = 4, .osdrop = 5 },
	{ .if_id = 1, .ts = T0_US + 3000000, .starttime = T0_US - 1, .endtime = T0_US + 3000000,
	  .ifrecv = 0x100000000ull, .ifdrop = 0, .filteraccept = 2, .osdrop = UINT64_MAX },
	{ .if_id = 0, .ts = T0 + 4000000000ull, .starttime = T0 - 1, .endtime = T0 + 4000000000ull,
	  .ifrecv = 2000, .ifdrop = 6, .filteraccept = 7, .osdrop = 8 },
};

static const struct ebc_pcapng_isb mixed_isbs[] = {
	{ .if_id = 2, .ts = T0_US + 10, .starttime = T0_US, .endtime = T0_US + 10, .ifrecv = 9,
	  .ifdrop = 8, .filteraccept = 7, .osdrop = 6, .has_usrdeliv = true, .usrdeliv = 1 },
};

static const struct fixture fixtures[] = {
	{ "ethernet", eth_ifs, ARRAY_SIZE(eth_ifs), eth_pkts, ARRAY_SIZE(eth_pkts),
	  eth_isbs, ARRAY_SIZE(eth_isbs) },
	{ "mixed", mixed_ifs, ARRAY_SIZE(mixed_ifs), mixed_pkts, ARRAY_SIZE(mixed_pkts),
	  mixed_isbs, ARRAY_SIZE(mixed_isbs) },
};

static uint8_t fx_data[WALK_MAX][2048];

static const uint8_t *fx_bytes(size_t i, uint32_t caplen)
{
	fill(fx_data[i], caplen, (uint32_t)i + 1);
	return fx_data[i];
}

static uint8_t fx_tsresol(const struct fixture *fx, uint32_t if_id)
{
	return fx->ifs[if_id].tsresol ? fx->ifs[if_id].tsresol : 9;
}

/* Interfaces first, packets, then the statistics, as a capture would. */
static int write_fixture(const struct fixture *fx, int fd)
{
	struct ebc_pcapng *w = ebc_pcapng__open(fd, &fx_opts);
	int err = 0, id;

	if (!w)
		return -errno;
	for (size_t i = 0; i < fx->n_ifs && !err; i++) {
		id = ebc_pcapng__add_interface(w, &fx->ifs[i]);
		if (id != (int)i)
			err = id < 0 ? id : -ERANGE;
	}
	for (size_t i = 0; i < fx->n_pkts && !err; i++) {
		struct ebc_pcapng_pkt p = fx->pkts[i];

		p.data = fx_bytes(i, p.caplen);
		err = ebc_pcapng__write_epb(w, &p);
	}
	for (size_t i = 0; i < fx->n_isbs && !err; i++)
		err = ebc_pcapng__write_isb(w, &fx->isbs[i]);
	id = ebc_pcapng__close(w);
	return err ? err : id;
}

static bool check_walk_epb(const struct fixture *fx, size_t i, const struct wepb *e)
{
	const struct ebc_pcapng_pkt *p = &fx->pkts[i];
	bool ok = e->if_id == p->if_id && e->ts == p->ts && e->caplen == p->caplen && e->len == p->len &&
		  e->flags.has == !!p->flags && e->flags.v == p->flags &&
		  e->drop.has == p->has_dropcount && e->drop.v == (p->has_dropcount ? p->dropcount : 0) &&
		  e->vtype == p->verdict_type && e->verdict == (p->verdict_type >= 0 ? p->verdict : 0) &&
		  e->pidtid.has == p->has_pid &&
		  e->pidtid.v == (p->has_pid ? (uint64_t)p->pid << 32 | p->tid : 0) &&
		  e->pktid.has == p->has_packetid &&
		  e->pktid.v == (p->has_packetid ? p->packetid : 0) &&
		  !strcmp(e->comment, p->comment ? p->comment : "");

	if (!ok)
		tap_diag("walker: packet %zu differs from what was written", i);
	return ok;
}

static bool check_walk_isb(const struct fixture *fx, size_t i, const struct wisb *s)
{
	const struct ebc_pcapng_isb *x = &fx->isbs[i];
	const uint64_t want[9] = { 0, 0, x->starttime, x->endtime, x->ifrecv, x->ifdrop,
				   x->filteraccept, x->osdrop, x->usrdeliv };
	bool ok = s->if_id == x->if_id && s->ts == x->ts;

	if (s->v[8].has != x->has_usrdeliv) {
		tap_diag("walker: isb %zu isb_usrdeliv is %s", i, s->v[8].has ? "there" : "missing");
		ok = false;
	}
	for (int c = 2; c <= (x->has_usrdeliv ? 8 : 7); c++) {
		if (!s->v[c].has || s->v[c].v != want[c]) {
			tap_diag("walker: isb %zu option %d is %s%" PRIu64 ", want %" PRIu64, i, c,
				 s->v[c].has ? "" : "missing ", s->v[c].v, want[c]);
			ok = false;
		}
	}
	return ok;
}

static void check_walk(const struct fixture *fx, const char *path)
{
	struct walk *wk = calloc(1, sizeof(*wk));
	bool ok = walk_file(wk, path);
	bool pk = ok, st = ok, ifs = ok;

	tap_ok(ok, "%s: walker: every block well-formed (lengths, alignment, option codes)", fx->name);
	tap_ok(ok && wk->n_shb == 1 && wk->n_idb == fx->n_ifs && wk->n_epb == fx->n_pkts &&
	       wk->n_isb == fx->n_isbs, "%s: walker: 1 SHB, %zu IDB, %zu EPB, %zu ISB (got %u %u %u %u)",
	       fx->name, fx->n_ifs, fx->n_pkts, fx->n_isbs, wk->n_shb, wk->n_idb, wk->n_epb, wk->n_isb);
	for (size_t i = 0; ifs && i < fx->n_ifs; i++)
		ifs = wk->linktype[i] == fx->ifs[i].linktype && wk->tsresol[i] == fx_tsresol(fx, i) &&
		      !strcmp(wk->if_name[i], fx->ifs[i].name);
	tap_ok(ifs && !strcmp(wk->filter, fx->ifs[0].filter) &&
	       !strcmp(wk->shb_userappl, fx_opts.userappl),
	       "%s: walker: link types, if_tsresol, if_name, if_filter, shb_userappl", fx->name);
	for (size_t i = 0; pk && i < fx->n_pkts; i++)
		pk = check_walk_epb(fx, i, &wk->epb[i]);
	tap_ok(pk, "%s: walker: every EPB option value, including process/thread id", fx->name);
	for (size_t i = 0; st && i < fx->n_isbs; i++)
		st = check_walk_isb(fx, i, &wk->isb[i]);
	tap_ok(st, "%s: walker: ISB start/end times and the four counters", fx->name);
	free(wk);
}

/* ---- libpcap ---- */

static bool check_pcap_pkt(const struct fixture *fx, size_t i, const struct pcap_pkthdr *h,
			   const uint8_t *data)
{
	const struct ebc_pcapng_pkt *p = &fx->pkts[i];
	uint64_t ns = fx_tsresol(fx, p->if_id) == 6 ? p->ts * 1000 : p->ts;
	uint8_t want[2048];

	fill(want, p->caplen, (uint32_t)i + 1);
	if (h->caplen != p->caplen || h->len != p->len || memcmp(data, want, p->caplen) ||
	    (uint64_t)h->ts.tv_sec != ns / 1000000000 || (uint64_t)h->ts.tv_usec != ns % 1000000000) {
		tap_diag("libpcap: packet %zu: caplen %u len %u ts %ld.%09ld", i, h->caplen, h->len,
			 (long)h->ts.tv_sec, (long)h->ts.tv_usec);
		return false;
	}
	return true;
}

static void check_libpcap(const struct fixture *fx, const char *path)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	size_t n = 0;
	bool ok = true;
	pcap_t *p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, errbuf);
	int rc = 0;

	if (!tap_ok(p != NULL, "%s: libpcap opens the file", fx->name)) {
		tap_diag("%s", errbuf);
		return;
	}
	tap_ok(pcap_datalink(p) == DLT_EN10MB && pcap_snapshot(p) == (int)fx->ifs[0].snaplen,
	       "%s: libpcap: datalink %d, snaplen %d of the first interface", fx->name,
	       pcap_datalink(p), pcap_snapshot(p));
	while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
		if (n < fx->n_pkts && ok)
			ok = check_pcap_pkt(fx, n, h, data);
		n++;
	}
	if (rc != PCAP_ERROR_BREAK)
		tap_diag("libpcap: %s", pcap_geterr(p));
	tap_ok(rc == PCAP_ERROR_BREAK && n == fx->n_pkts, "%s: libpcap reads %zu packets to the end",
	       fx->name, n);
	tap_ok(ok, "%s: libpcap: caplen, len, bytes and nanosecond timestamps", fx->name);
	pcap_close(p);
}

/* ---- tshark and capinfos ---- */

static bool have_prog(const char *name)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", name);
	return system(cmd) == 0;
}

static void tshark_expect(const struct fixture *fx, size_t i, char *buf, size_t sz)
{
	const struct ebc_pcapng_pkt *p = &fx->pkts[i];
	const struct ebc_pcapng_if *ifc = &fx->ifs[p->if_id];
	uint64_t ns = fx_tsresol(fx, p->if_id) == 6 ? p->ts * 1000 : p->ts;
	char flags[16] = "", dir[16] = "", drop[24] = "", tc[24] = "", xdp[24] = "";

	if (p->flags) {
		snprintf(flags, sizeof(flags), "0x%08x", p->flags);
		snprintf(dir, sizeof(dir), "0x%08x", p->flags & 3);
	}
	if (p->has_dropcount)
		snprintf(drop, sizeof(drop), "%" PRIu64, p->dropcount);
	/* tshark shows verdicts as signed 64-bit numbers */
	if (p->verdict_type == EBC_PCAPNG_VERDICT_TC)
		snprintf(tc, sizeof(tc), "%" PRId64, (int64_t)p->verdict);
	if (p->verdict_type == EBC_PCAPNG_VERDICT_XDP)
		snprintf(xdp, sizeof(xdp), "%" PRId64, (int64_t)p->verdict);
	snprintf(buf, sz, "%u\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%u\t%u\t%" PRIu64 ".%09" PRIu64 "\n",
		 p->if_id, ifc->name, ifc->description, flags, dir, p->comment ? p->comment : "", drop,
		 tc, xdp, p->caplen, p->len, ns / 1000000000, ns % 1000000000);
}

static void check_tshark(const struct fixture *fx, const char *path)
{
	char cmd[1024], line[512], want[512];
	size_t n = 0;
	bool ok = true;
	FILE *f;

	if (!have_prog("tshark")) {
		tap_skip("tshark not installed", "%s: tshark reads every field back", fx->name);
		return;
	}
	snprintf(cmd, sizeof(cmd),
		 "tshark -r '%s' -T fields -e frame.interface_id -e frame.interface_name "
		 "-e frame.interface_description -e frame.packet_flags -e frame.packet_flags_direction "
		 "-e frame.comment -e frame.drop_count -e frame.verdict.ebpf_tc -e frame.verdict.ebpf_xdp "
		 "-e frame.cap_len -e frame.len -e frame.time_epoch 2>/dev/null", path);
	f = popen(cmd, "r");
	while (f && fgets(line, sizeof(line), f)) {
		if (n < fx->n_pkts) {
			tshark_expect(fx, n, want, sizeof(want));
			if (strcmp(line, want)) {
				tap_diag("tshark packet %zu: got  %s", n, line);
				tap_diag("tshark packet %zu: want %s", n, want);
				ok = false;
			}
		}
		n++;
	}
	ok = ok && f && pclose(f) == 0 && n == fx->n_pkts;
	tap_ok(ok, "%s: tshark reads %zu packets with every field as written", fx->name, n);
}

/* capinfos shows how many ISBs each interface has, though not their values. */
static void check_capinfos(const struct fixture *fx, const char *path)
{
	char cmd[512], line[512];
	unsigned got[8] = { 0 }, want[8] = { 0 }, n_if = 0, v;
	bool ok;
	FILE *f;

	if (!have_prog("capinfos")) {
		tap_skip("capinfos not installed", "%s: capinfos counts the ISBs", fx->name);
		return;
	}
	for (size_t i = 0; i < fx->n_isbs; i++)
		want[fx->isbs[i].if_id]++;
	snprintf(cmd, sizeof(cmd), "capinfos '%s' 2>/dev/null", path);
	f = popen(cmd, "r");
	while (f && fgets(line, sizeof(line), f)) {
		if (strstr(line, "Interface #") && sscanf(strstr(line, "#"), "#%u", &v) == 1 && v < 8)
			n_if = v;
		if (strstr(line, "Number of stat entries =") &&
		    sscanf(strstr(line, "=") + 1, "%u", &v) == 1)
			got[n_if] = v;
	}
	ok = f && pclose(f) == 0 && !memcmp(got, want, sizeof(got));
	tap_ok(ok, "%s: capinfos: stat entries per interface match the ISBs written", fx->name);
}

static void test_fixture(const struct fixture *fx)
{
	char path[128];
	int fd, err;

	snprintf(path, sizeof(path), "%s/%s.pcapng", tmpdir, fx->name);
	fd = create(path);
	err = write_fixture(fx, fd);
	close(fd);
	if (!tap_ok(err == 0, "%s: write %zu interfaces, %zu packets, %zu ISBs (%d)", fx->name,
		    fx->n_ifs, fx->n_pkts, fx->n_isbs, err))
		return;
	check_walk(fx, path);
	if (fx->ifs == eth_ifs)
		check_libpcap(fx, path);
	check_tshark(fx, path);
	check_capinfos(fx, path);
}

/* ---- a long deterministic stream, for comparing write paths byte for byte ---- */

struct stream {
	unsigned n_pkts;
	uint32_t max_caplen;
	/* every 'big_every' packets, one of 'big' bytes (0: never) */
	unsigned big_every;
	uint32_t big;
	size_t bufsize;
	/* a pipe's size, set once the writer has opened it (which raises it); 0: leave it */
	int pipe_size;
	size_t max_pending;	/* out: the most ever left in the buffer */
};

static int write_stream(int fd, struct stream *s)
{
	struct ebc_pcapng_opts o = fx_opts;
	struct ebc_pcapng *w;
	uint8_t *data;
	uint32_t maxlen = s->big > s->max_caplen ? s->big : s->max_caplen;
	int err = 0, cerr;

	o.bufsize = s->bufsize;
	w = ebc_pcapng__open(fd, &o);
	if (w && s->pipe_size)
		fcntl(fd, F_SETPIPE_SZ, s->pipe_size);
	data = malloc(maxlen + 1);
	if (!w || !data) {
		free(data);
		return w ? (ebc_pcapng__close(w), -ENOMEM) : -errno;
	}
	fill(data, maxlen + 1, 99);
	s->max_pending = 0;
	for (size_t i = 0; i < ARRAY_SIZE(mixed_ifs) && err >= 0; i++)
		err = ebc_pcapng__add_interface(w, &mixed_ifs[i]);
	for (unsigned i = 0; i < s->n_pkts && err >= 0; i++) {
		struct ebc_pcapng_pkt p = mixed_pkts[i % ARRAY_SIZE(mixed_pkts)];
		bool big = s->big_every && i % s->big_every == s->big_every - 1;

		p.caplen = big ? s->big : (i * 7919u) % (s->max_caplen + 1);
		p.len = p.caplen + i % 3;
		p.ts += i;
		p.data = data + i % 2;
		err = ebc_pcapng__write_epb(w, &p);
		if (ebc_pcapng__pending(w) > s->max_pending)
			s->max_pending = ebc_pcapng__pending(w);
		if (err == 0 && i % 1000 == 999)
			err = ebc_pcapng__write_isb(w, &mixed_isbs[0]);
	}
	cerr = ebc_pcapng__close(w);
	free(data);
	return err < 0 ? err : cerr;
}

static const char *expected_stream(const char *name, struct stream s)
{
	static char path[128];
	int fd;

	tmp_path(path, sizeof(path), name);
	fd = create(path);
	s.bufsize = 0;
	if (write_stream(fd, &s))
		tap_diag("cannot write the reference stream %s", path);
	close(fd);
	return path;
}

static void test_small_buffers(void)
{
	struct stream s = { .n_pkts = 300, .max_caplen = 200, .bufsize = 64 };
	struct stream b = { .n_pkts = 100, .max_caplen = 1500, .big_every = 7, .big = 70000,
			    .bufsize = 4096 };
	char path[128];
	const char *ref;
	struct walk *wk = calloc(1, sizeof(*wk));
	int fd, err;
	bool ok;

	ref = expected_stream("tiny.ref", s);
	tmp_path(path, sizeof(path), "tiny.pcapng");
	fd = create(path);
	err = write_stream(fd, &s);
	close(fd);
	tap_ok(err == 0 && same_files(path, ref), "bufsize 64: every block flushed, file identical");
	tap_ok(s.max_pending <= 64, "bufsize 64: never more than 64 bytes pending (%zu)", s.max_pending);
	ok = walk_file(wk, path);
	tap_ok(ok && wk->n_epb == s.n_pkts, "bufsize 64: walker finds %u packets", wk->n_epb);

	ref = expected_stream("big.ref", b);
	tmp_path(path, sizeof(path), "big.pcapng");
	fd = create(path);
	err = write_stream(fd, &b);
	close(fd);
	tap_ok(err == 0 && same_files(path, ref),
	       "70000-byte blocks through a 4096-byte buffer: order kept, file identical");
	ok = walk_file(wk, path);
	tap_ok(ok && wk->n_epb == b.n_pkts, "big blocks: walker finds %u packets", wk->n_epb);
	free(wk);
}

/* ---- pipes: a slow reader, a reader that leaves, signals ---- */

struct drain {
	unsigned chunk;
	unsigned delay_us;
	/* stop reading after this many bytes (0: read to the end) */
	size_t quit_after;
};

static void drain_child(int rfd, const char *out, const struct drain *d)
{
	char *buf = malloc(d->chunk);
	int ofd = create(out);
	size_t total = 0;
	ssize_t n;

	for (;;) {
		n = read(rfd, buf, d->chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (write(ofd, buf, n) != n)
			n = -2;
		else
			total += n;
		if (n < 0 || (d->quit_after && total >= d->quit_after))
			break;
		if (d->delay_us)
			usleep(d->delay_us);
	}
	/* freed: valgrind checks a forked child's leaks when it exits */
	free(buf);
	_exit(n == -2 ? 2 : n < 0 ? 1 : 0);
}

/* Forks a reader for a new pipe; returns the write end, or -1. */
static int spawn_drain(const char *out, const struct drain *d, pid_t *pid)
{
	int p[2];

	if (pipe(p))
		return -1;
	*pid = fork();
	if (*pid < 0)
		return -1;
	if (*pid == 0) {
		close(p[1]);
		drain_child(p[0], out, d);
	}
	close(p[0]);
	return p[1];
}

static int reap(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void test_slow_pipe(void)
{
	/* a small pipe: short writes and EAGAIN all the way */
	struct stream s = { .n_pkts = 600, .max_caplen = 1500, .big_every = 100, .big = 100000,
			    .pipe_size = 4096 };
	struct drain d = { .chunk = 1000, .delay_us = 100 };
	char path[128];
	const char *ref = expected_stream("slow.ref", s);
	pid_t pid;
	int fd, err;

	tmp_path(path, sizeof(path), "slow.pcapng");
	fd = spawn_drain(path, &d, &pid);
	if (!tap_ok(fd >= 0, "slow pipe: reader started"))
		return;
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	err = write_stream(fd, &s);
	close(fd);
	tap_ok(reap(pid) == 0 && err == 0 && same_files(path, ref),
	       "non-blocking pipe read slowly: short writes and EAGAIN completed, identical (%d)", err);
}

static void test_reader_gone(void)
{
	struct ebc_pcapng_pkt p = { .caplen = 4, .len = 4, .data = "abcd", NO_VERDICT };
	struct stream s = { .n_pkts = 5000, .max_caplen = 1500 };
	struct drain d = { .chunk = 4096, .quit_after = 100000 };
	struct ebc_pcapng *w;
	char path[128];
	int fds[2], err;
	pid_t pid;

	if (!tap_ok(pipe(fds) == 0, "closed pipe: pipe created"))
		return;
	close(fds[0]);
	w = ebc_pcapng__open(fds[1], &fx_opts);
	tap_ok(w && ebc_pcapng__add_interface(w, &eth_ifs[0]) == 0, "closed pipe: blocks are buffered");
	tap_ok(ebc_pcapng__flush(w) == -EPIPE, "closed pipe: flush returns -EPIPE");
	tap_ok(ebc_pcapng__write_epb(w, &p) == -EPIPE && ebc_pcapng__add_interface(w, &eth_ifs[0]) ==
	       -EPIPE && ebc_pcapng__flush(w) == -EPIPE, "closed pipe: later calls return -EPIPE");
	tap_ok(ebc_pcapng__close(w) == -EPIPE, "closed pipe: close returns -EPIPE");
	close(fds[1]);

	tmp_path(path, sizeof(path), "gone.pcapng");
	err = spawn_drain(path, &d, &pid);
	if (!tap_ok(err >= 0, "reader leaves mid-stream: reader started"))
		return;
	fds[1] = err;
	err = write_stream(fds[1], &s);
	close(fds[1]);
	tap_ok(reap(pid) == 0 && err == -EPIPE, "reader leaves mid-stream: -EPIPE (%d)", err);
}

/* Bounded wait (10 s) until the file at path holds at least min bytes. */
static void wait_file_size(const char *path, off_t min)
{
	struct stat st;

	for (int i = 0; i < 10000; i++) {
		if (stat(path, &st) == 0 && st.st_size >= min)
			return;
		usleep(1000);
	}
}

/*
 * SIGKILL mid-stream into a pipe: what the reader got ends on a block
 * boundary. A pipe takes a write whole when it has room for it (the writer
 * is stopped only while waiting) or when it is PIPE_BUF bytes or less; the
 * writer sizes its writes so. Killed at a different moment each round: with
 * a slow reader mostly while blocked in a write of PIPE_BUF bytes, with a
 * fast one during large writes into the pipe's free room.
 */
static void test_killed_writer(const char *what, const struct drain *d)
{
	struct stream s = { .n_pkts = 1000000, .max_caplen = 1500 };
	struct walk *wk = calloc(1, sizeof(*wk));
	unsigned rounds = 20, whole = 0, killed = 0;
	char path[128];
	pid_t reader, writer;
	int fd, status;

	tmp_path(path, sizeof(path), "killed.pcapng");
	for (unsigned i = 0; wk && i < rounds; i++) {
		unlink(path);	/* wait_file_size must not see the last round's file */
		fd = spawn_drain(path, d, &reader);
		if (fd < 0)
			break;
		fflush(stdout);
		writer = fork();
		if (writer == 0)
			_exit(write_stream(fd, &s) ? 1 : 0);
		close(fd);
		/* synchronise on the reader having received data, then vary the moment */
		wait_file_size(path, 4096);
		usleep(500 * i);
		kill(writer, SIGKILL);
		waitpid(writer, &status, 0);
		killed += WIFSIGNALED(status);
		reap(reader);
		whole += walk_file(wk, path) && wk->n_epb > 0;
	}
	free(wk);
	tap_ok(killed == rounds, "SIGKILL, %s: the writer was killed mid-stream in %u of %u rounds",
	       what, killed, rounds);
	tap_ok(whole == rounds, "SIGKILL while writing into a pipe, %s: the reader got whole blocks "
	       "in %u of %u rounds", what, whole, rounds);
}

/* The writer raises a pipe to 1 MiB: the reader may stall for a moment. */
static void test_pipe_size(void)
{
	struct ebc_pcapng *w;
	int fds[2], size;

	if (!tap_ok(pipe(fds) == 0, "pipe size: pipe created"))
		return;
	w = ebc_pcapng__open(fds[1], &fx_opts);
	size = fcntl(fds[1], F_GETPIPE_SZ);
	tap_ok(w && size >= 1024 * 1024, "pipe size: raised to 1 MiB at open (%d)", size);
	ebc_pcapng__close(w);
	close(fds[0]);
	close(fds[1]);
}

/* After a write error nothing more reaches the fd, even once it would work. */
static void test_sticky_error(void)
{
	struct ebc_pcapng_pkt p = { .caplen = 4, .len = 4, .data = "abcd", NO_VERDICT };
	struct ebc_pcapng *w;
	char path[128];
	struct stat st;
	int fd = open("/dev/full", O_WRONLY | O_CLOEXEC), file;

	if (fd < 0) {
		tap_skip("no /dev/full", "a failed writer writes nothing more");
		return;
	}
	w = ebc_pcapng__open(fd, &fx_opts);
	tap_ok(w && ebc_pcapng__add_interface(w, &eth_ifs[0]) == 0 && ebc_pcapng__flush(w) == -ENOSPC,
	       "/dev/full: flush returns -ENOSPC");
	tmp_path(path, sizeof(path), "sticky.pcapng");
	file = create(path);
	dup2(file, fd);
	tap_ok(ebc_pcapng__write_epb(w, &p) == -ENOSPC && ebc_pcapng__flush(w) == -ENOSPC &&
	       ebc_pcapng__close(w) == -ENOSPC, "failed writer: later calls return the same error");
	tap_ok(fstat(file, &st) == 0 && st.st_size == 0, "failed writer: nothing written afterwards");
	close(file);
	close(fd);
}

static volatile sig_atomic_t n_alarms;

static void on_alarm(int sig)
{
	n_alarms++;
}

static void set_timer(long usec)
{
	struct itimerval it = { .it_interval = { 0, usec }, .it_value = { 0, usec } };

	setitimer(ITIMER_REAL, &it, NULL);
}

static void test_eintr(void)
{
	struct stream s = { .n_pkts = 5000, .max_caplen = 9000, .big_every = 500, .big = 300000 };
	struct drain d = { .chunk = 65536 };
	struct sigaction sa = { .sa_handler = on_alarm }, old;
	char path[128];
	const char *ref = expected_stream("eintr.ref", s);
	/* valgrind cannot keep up with a signal every 100 us; 10 ms still interrupts */
	long period = 100 * slowdown();
	pid_t pid;
	int fd, err;

	tmp_path(path, sizeof(path), "eintr.pcapng");
	fd = spawn_drain(path, &d, &pid);
	if (!tap_ok(fd >= 0, "eintr: reader started"))
		return;
	/* no SA_RESTART: blocked writes return EINTR or a short count */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, &old);
	n_alarms = 0;
	set_timer(period);
	err = write_stream(fd, &s);
	set_timer(0);
	/*
	 * A signal still pending (valgrind delivers them late) would meet the
	 * default action and kill the test: ignoring it discards it first.
	 */
	signal(SIGALRM, SIG_IGN);
	sigaction(SIGALRM, &old, NULL);
	close(fd);
	tap_ok(reap(pid) == 0 && err == 0 && same_files(path, ref),
	       "SIGALRM every %ld us while writing %u packets into a pipe: identical (%d)", period,
	       s.n_pkts, err);
	tap_ok(n_alarms > 10, "the timer did interrupt the writer (%d signals)", (int)n_alarms);
}

/* ---- a full disk: the file is cut back to its last whole block ---- */

struct trunc_case {
	const char *what;
	rlim_t limit;		/* RLIMIT_FSIZE: writes past it fail with EFBIG */
	size_t bufsize;
	uint32_t first_big;	/* the packet that crosses the limit is this big (0: small ones) */
	bool isb_fits;		/* the cut frees room for the statistics for sure */
};

/*
 * In a child, under the file size limit: packets until a write fails, then
 * recover and one statistics block. Exit 0: the write failed with EFBIG, the
 * writer recovered, and the packets it took less those it says it lost are
 * the packets in the file; 1: no EFBIG; 2: no recovery; 4: miscounted.
 */
static int fill_until_full(int fd, const struct trunc_case *tc)
{
	struct ebc_pcapng_opts o = fx_opts;
	struct rlimit rl = { tc->limit, tc->limit };
	static uint8_t data[300000];
	struct ebc_pcapng *w;
	uint64_t taken = 0, lost = 0;
	struct walk *wk;
	char path[128];
	int err = 0;

	signal(SIGXFSZ, SIG_IGN);
	if (setrlimit(RLIMIT_FSIZE, &rl))
		return 3;
	o.bufsize = tc->bufsize;
	w = ebc_pcapng__open(fd, &o);
	for (size_t i = 0; w && i < ARRAY_SIZE(mixed_ifs) && err >= 0; i++)
		err = ebc_pcapng__add_interface(w, &mixed_ifs[i]);
	for (unsigned i = 0; w && err >= 0 && i < 100000; i++) {
		struct ebc_pcapng_pkt p = mixed_pkts[0];

		p.caplen = tc->first_big && i == 10 ? tc->first_big : 1 + (i * 7919u) % 1500;
		p.len = p.caplen;
		p.data = data;
		err = ebc_pcapng__write_epb(w, &p);
		taken += !err;
	}
	if (err != -EFBIG)
		return 1;
	if (ebc_pcapng__recover(w) || ebc_pcapng__write_isb(w, &mixed_isbs[0]) < 0)
		return 2;
	ebc_pcapng__flush(w);
	for (uint32_t i = 0; i < ARRAY_SIZE(mixed_ifs); i++)
		lost += ebc_pcapng__lost(w, i);
	ebc_pcapng__close(w);
	wk = calloc(1, sizeof(*wk));
	tmp_path(path, sizeof(path), "full.pcapng");
	if (!wk || !walk_file(wk, path) || wk->n_epb + lost != taken) {
		tap_diag("took %" PRIu64 " packets, lost %" PRIu64 ", file has %u", taken, lost,
			 wk ? wk->n_epb : 0);
		free(wk);
		return 4;
	}
	free(wk);
	return 0;
}

static void test_truncation(void)
{
	static const struct trunc_case cases[] = {
		{ "4 KiB buffer, limit 10000", 10000, 4096, 0, false },
		{ "default buffer, limit 100000", 100000, 0, 0, false },
		{ "odd limit 77777 inside a block", 77777, 1024, 0, false },
		{ "a block larger than the buffer", 100000, 4096, 300000, true },
	};
	struct walk *wk = calloc(1, sizeof(*wk));
	char path[128];
	struct stat st;
	bool walked;
	pid_t pid;
	int fd, status;

	for (size_t i = 0; wk && i < ARRAY_SIZE(cases); i++) {
		const struct trunc_case *tc = &cases[i];

		tmp_path(path, sizeof(path), "full.pcapng");
		fd = create(path);
		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			status = fill_until_full(fd, tc);
			free(wk);	/* valgrind checks the child's leaks too */
			_exit(status);
		}
		close(fd);
		status = -1;
		waitpid(pid, &status, 0);
		tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		       "%s: -EFBIG, the writer recovers, packets taken - lost = packets in the "
		       "file (status 0x%x)", tc->what, status);
		if (stat(path, &st))
			st.st_size = -1;
		tap_ok((rlim_t)st.st_size <= tc->limit && st.st_size > 0,
		       "%s: the file stays under the limit (%lld bytes)", tc->what,
		       (long long)st.st_size);
		walked = walk_file(wk, path);
		tap_ok(walked && wk->n_idb == ARRAY_SIZE(mixed_ifs) && wk->n_epb > 0,
		       "%s: whole blocks only (%u packets, %u statistics)", tc->what, wk->n_epb,
		       wk->n_isb);
		if (tc->isb_fits)
			tap_ok(wk->n_isb == 1, "%s: the statistics block fits in the room freed",
			       tc->what);
	}
	free(wk);

	fd = open("/dev/full", O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		tap_skip("no /dev/full", "a writer that failed on a device stays failed");
		return;
	}
	{
		struct ebc_pcapng *w = ebc_pcapng__open(fd, NULL);

		tap_ok(w && ebc_pcapng__recover(w) == 0, "recover without an error: 0");
		tap_ok(w && ebc_pcapng__add_interface(w, &eth_ifs[0]) == 0 &&
		       ebc_pcapng__flush(w) == -ENOSPC && ebc_pcapng__recover(w) == -ENOSPC &&
		       ebc_pcapng__flush(w) == -ENOSPC,
		       "/dev/full cannot be cut back: recover returns -ENOSPC and the error stays");
		ebc_pcapng__close(w);
	}
	close(fd);
}

/* ---- argument checks ---- */

static void test_invalid(void)
{
	static const struct { const char *what; struct ebc_pcapng_pkt p; } bad[] = {
		{ "unknown if_id", { .if_id = 2, .caplen = 4, .len = 4, .data = "abcd", NO_VERDICT } },
		{ "caplen > len", { .caplen = 5, .len = 4, .data = "abcde", NO_VERDICT } },
		{ "NULL data", { .caplen = 4, .len = 4, NO_VERDICT } },
		{ "hardware verdict", { .caplen = 4, .len = 4, .data = "abcd" } },
		{ "verdict type 3", { .caplen = 4, .len = 4, .data = "abcd", .verdict_type = 3 } },
	};
	struct ebc_pcapng_pkt ok = { .if_id = 1, .caplen = 0, .len = 60, NO_VERDICT };
	struct ebc_pcapng_isb isb = { .if_id = 2 };
	char *huge = malloc(70000);
	struct ebc_pcapng *w;
	char path[128];
	size_t pend;
	int fd;

	tmp_path(path, sizeof(path), "invalid.pcapng");
	fd = create(path);
	w = ebc_pcapng__open(fd, NULL);
	tap_ok(w != NULL, "open with NULL options");
	tap_ok(ebc_pcapng__add_interface(w, &eth_ifs[0]) == 0 &&
	       ebc_pcapng__add_interface(w, &mixed_ifs[1]) == 1, "interface ids are 0, 1 in add order");
	pend = ebc_pcapng__pending(w);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		tap_ok(ebc_pcapng__write_epb(w, &bad[i].p) == -EINVAL, "%s: -EINVAL", bad[i].what);
	memset(huge, 'x', 69999);
	huge[69999] = 0;
	ok.comment = huge;
	tap_ok(ebc_pcapng__write_epb(w, &ok) == -EINVAL, "comment longer than 65535: -EINVAL");
	tap_ok(ebc_pcapng__write_isb(w, &isb) == -EINVAL, "isb with unknown if_id: -EINVAL");
	tap_ok(ebc_pcapng__pending(w) == pend, "rejected blocks leave the buffer alone");
	ok.comment = NULL;
	tap_ok(ebc_pcapng__write_epb(w, &ok) == 0, "the writer still works after -EINVAL");
	tap_ok(ebc_pcapng__close(w) == 0, "close flushes");
	tap_ok(ebc_pcapng__close(NULL) == 0 && ebc_pcapng__pending(NULL) == 0, "close(NULL) is a no-op");
	tap_ok(fcntl(fd, F_GETFD) >= 0, "close leaves the fd open");
	close(fd);
	free(huge);
}

static void cleanup_tmpdir(void)
{
	char cmd[128];

	if (getenv("KEEP_TMP")) {
		printf("# files kept in %s\n", tmpdir);
		return;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd))
		printf("# cannot remove %s\n", tmpdir);
}

int main(void)
{
	const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";

	/* as in ebpfcap itself: a vanished reader shows up as EPIPE */
	signal(SIGPIPE, SIG_IGN);
	snprintf(tmpdir, sizeof(tmpdir), "%s/test_pcapng.XXXXXX", base);
	if (!mkdtemp(tmpdir)) {
		tap_ok(0, "cannot create a directory in %s: %s", base, strerror(errno));
		return tap_done();
	}
	test_constants();
	for (size_t i = 0; i < ARRAY_SIZE(fixtures); i++)
		test_fixture(&fixtures[i]);
	test_invalid();
	test_small_buffers();
	test_slow_pipe();
	test_reader_gone();
	test_sticky_error();
	test_pipe_size();
	test_killed_writer("slow reader", &(struct drain){ .chunk = 1000, .delay_us = 20 });
	test_killed_writer("fast reader", &(struct drain){ .chunk = 1 << 20 });
	test_truncation();
	test_eintr();
	cleanup_tmpdir();
	return tap_done();
}
