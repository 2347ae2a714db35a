// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for the pcapng writer (src/pcapng.c): the input is a
 * script of writer calls (interfaces, packets of lengths 0 to 1 MiB with
 * options and comments, statistics blocks, flushes) on a small, fuzzer-chosen
 * buffer. A model predicts which calls must succeed and which must be refused
 * with -EINVAL; afterwards the bytes written to a memfd are walked by a block
 * reader written here from the pcapng draft (literal block and option codes,
 * not the header's constants): every block's leading and trailing lengths
 * agree, blocks and options are 32-bit aligned, option lists end exactly at
 * the trailing length, and the blocks are the ones the successful calls asked
 * for, packet bytes included. Any difference aborts.
 *
 * Build and run (tests/fuzz/test_fuzz_pcapng.sh does this):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc \
 *     tests/fuzz/fuzz_pcapng.c src/pcapng.c -o fuzz_pcapng
 *   ./fuzz_pcapng -max_total_time=30 -max_len=4096
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* memfd_create */
#endif
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pcapng.h"
#include "fuzz_input.h"

#define MAX_OPS		64
#define MAX_IFS		8
#define DATA_MAX	(1u << 20)	/* the largest packet the script asks for */
#define STR_MAX		(0xffffu + 2)	/* a comment just past the 16-bit option length */

#define FAIL(...) do { fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); abort(); } while (0)

/* Lengths that matter: empty, alignment edges, the buffer's size, the 16-bit option limit. */
static uint32_t take_len(struct input *in, uint32_t cap, uint32_t max)
{
	static const uint32_t edges[] = { 0, 1, 2, 3, 4, 5, 7, 8, 63, 64, 65, 1500, 65532, 65534,
					  65535, 65536, 65537, 262144, DATA_MAX };
	uint8_t sel = take8(in);
	uint32_t v;

	switch (sel & 3) {
	case 0: v = sel >> 2; break;
	case 1: v = edges[(sel >> 2) % (sizeof(edges) / sizeof(edges[0]))]; break;
	case 2: v = cap + (sel >> 2) - 32; break;	/* around the buffer's size */
	default: v = take32(in); break;
	}
	return v > max ? v % (max + 1) : v;
}

/*
 * A string option: absent (NULL), a short string from the input, or a long
 * run of one character whose length is chosen near the 16-bit limit.
 * bufs holds STR_MAX + 1 bytes.
 */
static const char *take_str(struct input *in, char *buf, uint32_t cap)
{
	uint8_t sel = take8(in);
	size_t n;

	switch (sel & 3) {
	case 0:
		return NULL;
	case 1:
		n = 0;
		for (uint8_t want = take8(in) % 48; n < want && in->n; n++) {
			buf[n] = (char)take8(in);
			if (!buf[n])
				break;
		}
		buf[n] = '\0';
		return buf;
	default:
		n = take_len(in, cap, STR_MAX);
		memset(buf, 'a' + (sel >> 2) % 26, n);
		buf[n] = '\0';
		return buf;
	}
}

/* ---- what the successful calls asked for -------------------------------- */

enum { W_IDB, W_EPB, W_ISB };

struct want {
	int type;
	uint32_t if_id, caplen, len;
	uint16_t linktype;
	uint32_t snaplen;
	size_t comment_len;
	char fill;		/* packet bytes are (fill + i) */
};

static struct want wants[MAX_OPS];
static size_t nwants;
static uint8_t *data;		/* DATA_MAX bytes: data[i] = i */

static int str_too_long(const char *s, size_t extra)
{
	return s && strlen(s) + extra > 0xffff;
}

static void op_idb(struct ebc_pcapng *w, struct input *in, uint32_t cap, uint32_t *n_ifs)
{
	static char name[STR_MAX + 1], desc[STR_MAX + 1], filter[STR_MAX + 1];
	struct ebc_pcapng_if ifc = { 0 };
	int ret, bad;

	if (*n_ifs >= MAX_IFS)
		return;
	ifc.linktype = (take8(in) & 1) ? 1 : 101;
	ifc.snaplen = take32(in);
	ifc.name = take_str(in, name, cap);
	ifc.description = take_str(in, desc, cap);
	ifc.filter = take_str(in, filter, cap);
	ifc.tsresol = take8(in) & 1 ? 6 : 0;
	bad = str_too_long(ifc.name, 0) || str_too_long(ifc.description, 0) ||
	      str_too_long(ifc.filter, 1);
	ret = ebc_pcapng__add_interface(w, &ifc);
	if (bad ? ret != -EINVAL : ret != (int)*n_ifs)
		FAIL("add_interface returned %d, want %d", ret, bad ? -EINVAL : (int)*n_ifs);
	if (bad)
		return;
	wants[nwants++] = (struct want){ .type = W_IDB, .linktype = ifc.linktype,
					 .snaplen = ifc.snaplen };
	(*n_ifs)++;
}

static void op_epb(struct ebc_pcapng *w, struct input *in, uint32_t cap, uint32_t n_ifs)
{
	static char comment[STR_MAX + 1];
	struct ebc_pcapng_pkt p = { 0 };
	uint8_t sel = take8(in);
	int ret, bad;

	p.if_id = sel & 0x80 ? take32(in) : take8(in) % (n_ifs + 1);
	p.ts = take64(in);
	p.caplen = take_len(in, cap, DATA_MAX);
	p.len = sel & 1 ? take32(in) : p.caplen + (sel & 2);
	p.data = p.caplen || (sel & 4) ? data + (sel >> 3) : NULL;
	if (p.caplen > DATA_MAX - (sel >> 3))
		p.caplen = DATA_MAX - (sel >> 3);
	p.flags = take8(in) & 1 ? take32(in) : 0;
	p.has_dropcount = take8(in) & 1;
	p.dropcount = take64(in);
	p.has_packetid = take8(in) & 1;
	p.packetid = take64(in);
	p.verdict_type = (int)(take8(in) % 5) - 1;	/* -1 none, 0 hardware (refused), 1 tc, 2 xdp, 3 bad */
	p.verdict = take64(in);
	p.has_pid = take8(in) & 1;
	p.pid = take32(in);
	p.tid = take32(in);
	p.comment = take_str(in, comment, cap);
	bad = p.if_id >= n_ifs || p.caplen > p.len || (p.verdict_type != -1 && p.verdict_type != 1 &&
	      p.verdict_type != 2) || str_too_long(p.comment, 0);
	ret = ebc_pcapng__write_epb(w, &p);
	if (bad ? ret != -EINVAL : ret != 0)
		FAIL("write_epb (if %u, caplen %u, len %u, verdict %d) returned %d, want %d", p.if_id,
		     p.caplen, p.len, p.verdict_type, ret, bad ? -EINVAL : 0);
	if (bad)
		return;
	wants[nwants++] = (struct want){ .type = W_EPB, .if_id = p.if_id, .caplen = p.caplen,
					 .len = p.len, .fill = (char)(sel >> 3),
					 .comment_len = p.comment ? strlen(p.comment) : 0 };
}

static void op_isb(struct ebc_pcapng *w, struct input *in, uint32_t n_ifs)
{
	struct ebc_pcapng_isb s = { 0 };
	int ret, bad;

	s.if_id = take8(in) % (n_ifs + 1);
	s.ts = take64(in);
	s.starttime = take64(in);
	s.endtime = take64(in);
	s.ifrecv = take64(in);
	s.ifdrop = take32(in);
	bad = s.if_id >= n_ifs;
	ret = ebc_pcapng__write_isb(w, &s);
	if (bad ? ret != -EINVAL : ret != 0)
		FAIL("write_isb (if %u) returned %d, want %d", s.if_id, ret, bad ? -EINVAL : 0);
	if (!bad)
		wants[nwants++] = (struct want){ .type = W_ISB, .if_id = s.if_id };
}

/* ---- an independent reader ---------------------------------------------- */

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint16_t get16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

/*
 * Options from body to end (the trailing length): each one padded to 4
 * bytes, the list ending with opt_endofopt (0, length 0) exactly at end, or
 * no options at all. Returns the length of option code's value (-1 when the
 * code is absent).
 */
static long walk_opts(const uint8_t *p, size_t off, size_t end, uint16_t code, size_t blk)
{
	long found = -1;

	if (off == end)
		return -1;
	for (;;) {
		uint16_t c, l;

		if (off + 4 > end)
			FAIL("block at %zu: option header at %zu runs past the block end %zu", blk, off, end);
		c = get16(p + off);
		l = get16(p + off + 2);
		if (c == 0) {
			if (l || off + 4 != end)
				FAIL("block at %zu: opt_endofopt (length %u) at %zu, block options end at %zu",
				     blk, l, off, end);
			return found;
		}
		if (off + 4 + ((l + 3u) & ~3u) > end)
			FAIL("block at %zu: option %u of %u bytes runs past %zu", blk, c, l, end);
		if (c == code)
			found = l;
		off += 4 + ((l + 3u) & ~3u);
	}
}

static void check_epb(const uint8_t *p, size_t off, uint32_t tot, const struct want *wt)
{
	uint32_t caplen = get32(p + off + 20), len = get32(p + off + 24);
	size_t padded = (caplen + 3u) & ~(size_t)3;
	long comment;

	if (get32(p + off + 8) != wt->if_id || caplen != wt->caplen || len != wt->len)
		FAIL("EPB at %zu: if %u caplen %u len %u, want if %u caplen %u len %u", off,
		     get32(p + off + 8), caplen, len, wt->if_id, wt->caplen, wt->len);
	if (28 + padded + 4 > tot)
		FAIL("EPB at %zu: %u captured bytes do not fit in %u", off, caplen, tot);
	for (uint32_t i = 0; i < caplen; i++)
		if (p[off + 28 + i] != (uint8_t)(wt->fill + i))
			FAIL("EPB at %zu: packet byte %u is %u, want %u", off, i, p[off + 28 + i],
			     (uint8_t)(wt->fill + i));
	for (size_t i = caplen; i < padded; i++)
		if (p[off + 28 + i])
			FAIL("EPB at %zu: padding byte %zu is not zero", off, i);
	comment = walk_opts(p, off + 28 + padded, off + tot - 4, 1, off);
	if ((size_t)(comment < 0 ? 0 : comment) != wt->comment_len)
		FAIL("EPB at %zu: comment of %ld bytes, want %zu", off, comment, wt->comment_len);
}

static void walk(const uint8_t *p, size_t size)
{
	size_t off = 0, i = 0;
	uint32_t ifs = 0;

	if (size < 28 || get32(p) != 0x0A0D0D0A || get32(p + 8) != 0x1A2B3C4D)
		FAIL("no section header block at the start (%zu bytes)", size);
	while (off < size) {
		uint32_t type, tot;
		size_t hdr;

		if (size - off < 12)
			FAIL("%zu bytes left at %zu: not a block", size - off, off);
		type = get32(p + off);
		tot = get32(p + off + 4);
		if (tot < 12 || tot % 4 || tot > size - off)
			FAIL("block at %zu: length %u (%zu bytes left)", off, tot, size - off);
		if (get32(p + off + tot - 4) != tot)
			FAIL("block at %zu: trailing length %u, leading %u", off, get32(p + off + tot - 4), tot);
		hdr = type == 0x0A0D0D0A ? 24 : type == 1 ? 16 : type == 5 ? 20 : 28;
		if (tot < hdr + 4)
			FAIL("block at %zu (type %u): %u bytes, shorter than its header", off, type, tot);
		if (off == 0) {
			if (type != 0x0A0D0D0A)
				FAIL("first block has type %#x", type);
			walk_opts(p, off + hdr, off + tot - 4, 0xffff, off);
			off += tot;
			continue;
		}
		if (i >= nwants)
			FAIL("block at %zu (type %u): more blocks than successful calls (%zu)", off, type, nwants);
		switch (wants[i].type) {
		case W_IDB:
			if (type != 1 || get16(p + off + 8) != wants[i].linktype ||
			    get32(p + off + 12) != wants[i].snaplen)
				FAIL("block at %zu: type %u, want interface %u", off, type, ifs);
			if (walk_opts(p, off + hdr, off + tot - 4, 9, off) != 1)
				FAIL("IDB at %zu: no 1-byte if_tsresol", off);
			ifs++;
			break;
		case W_EPB:
			if (type != 6)
				FAIL("block at %zu: type %u, want an EPB", off, type);
			if (get32(p + off + 8) >= ifs)
				FAIL("EPB at %zu: interface %u of %u", off, get32(p + off + 8), ifs);
			check_epb(p, off, tot, &wants[i]);
			break;
		default:
			if (type != 5 || get32(p + off + 8) != wants[i].if_id)
				FAIL("block at %zu: type %u, want an ISB", off, type);
			walk_opts(p, off + hdr, off + tot - 4, 0xffff, off);
			break;
		}
		i++;
		off += tot;
	}
	if (i != nwants)
		FAIL("%zu blocks after the section header, %zu successful calls", i, nwants);
}

int LLVMFuzzerTestOneInput(const uint8_t *input, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *input, size_t size)
{
	static int fd = -1;
	struct input in = { input, size };
	struct ebc_pcapng_opts opts = { "fuzz_pcapng", "Linux", NULL, 0 };
	struct ebc_pcapng *w;
	uint32_t n_ifs = 0, cap;
	uint8_t *out;
	off_t end;
	int ret;

	if (fd < 0) {
		fd = memfd_create("fuzz_pcapng", 0);
		data = malloc(DATA_MAX);
		if (fd < 0 || !data)
			FAIL("memfd_create or malloc failed");
		for (uint32_t i = 0; i < DATA_MAX; i++)
			data[i] = (uint8_t)i;
	}
	if (ftruncate(fd, 0) || lseek(fd, 0, SEEK_SET))
		FAIL("cannot reset the memfd");
	nwants = 0;
	/* a small buffer makes most blocks "large" ones, written around it */
	cap = 16 + take8(&in) * 16;
	opts.bufsize = cap;
	w = ebc_pcapng__open(fd, &opts);
	if (!w)
		FAIL("open with a %u-byte buffer failed: %s", cap, strerror(errno));
	for (int n = 0; n < MAX_OPS && in.n; n++) {
		switch (take8(&in) % 5) {
		case 0: op_idb(w, &in, cap, &n_ifs); break;
		case 1: case 2: op_epb(w, &in, cap, n_ifs); break;
		case 3: op_isb(w, &in, n_ifs); break;
		default:
			ret = ebc_pcapng__flush(w);
			if (ret || ebc_pcapng__pending(w))
				FAIL("flush returned %d, %zu bytes pending", ret, ebc_pcapng__pending(w));
		}
	}
	ret = ebc_pcapng__close(w);
	if (ret)
		FAIL("close returned %d", ret);
	end = lseek(fd, 0, SEEK_END);
	if (end < 0)
		FAIL("lseek failed");
	out = malloc(end ? (size_t)end : 1);
	if (!out || pread(fd, out, (size_t)end, 0) != end)
		FAIL("cannot read back %lld bytes", (long long)end);
	walk(out, (size_t)end);
	free(out);
	return 0;
}
