// SPDX-License-Identifier: GPL-2.0-only
/*
 * pcapng writer. A block is appended to the buffer whole or not at all. The
 * rare blocks (section, interface, statistics) are built twice by the same
 * function: once with no destination to measure them, once into their place,
 * so that size and content cannot disagree. An enhanced packet block, one per
 * packet, is measured by epb_size() and built once; its builder asserts that
 * both agree (tests/unit/test_pcapng covers every option).
 */
/* F_SETPIPE_SZ; the build defines it, a fuzzer's single-file build may not */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "pcapng.h"

#define PCAPNG_DEFAULT_BUFSIZE ((size_t)256 * 1024)
/* What a pipe or FIFO is raised to: a reader that stalls for a moment costs no write. */
#define PCAPNG_PIPE_SIZE (1024 * 1024)
#define PCAPNG_TSRESOL_NS 9
/* An option's length field is 16 bits. */
#define PCAPNG_OPT_MAX 0xffffu

struct ebc_pcapng {
	int fd;
	/* 0, or the -errno of the write that failed; sticky */
	int err;
	/* after err: a regular file cut back to its last whole block */
	bool trimmed;
	/* a pipe or FIFO: written in groups it takes without waiting (pipe_room) */
	bool pipe;
	/* a regular file: the page size, which writes are aligned to; else 0 */
	size_t page;
	uint32_t n_ifs;
	/* per interface: packets a failed write kept from the reader */
	uint64_t *lost;
	size_t cap;
	size_t len;
	uint8_t *buf;
};

/* A block under construction; base NULL means "only measure". */
struct blk {
	uint8_t *base;
	uint64_t off;
};

static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

static void blk_put(struct blk *b, const void *src, size_t n)
{
	if (b->base && n)
		memcpy(b->base + b->off, src, n);
	b->off += n;
}

static void blk_zero(struct blk *b, size_t n)
{
	if (b->base && n)
		memset(b->base + b->off, 0, n);
	b->off += n;
}

static void blk_u16(struct blk *b, uint16_t v)
{
	blk_put(b, &v, sizeof(v));
}

static void blk_u32(struct blk *b, uint32_t v)
{
	blk_put(b, &v, sizeof(v));
}

/* pcapng timestamps are two u32 words, high first, not a native u64. */
static void blk_ts(struct blk *b, uint64_t ts)
{
	blk_u32(b, (uint32_t)(ts >> 32));
	blk_u32(b, (uint32_t)ts);
}

static void blk_opt(struct blk *b, uint16_t code, const void *val, size_t len)
{
	blk_u16(b, code);
	blk_u16(b, (uint16_t)len);
	blk_put(b, val, len);
	blk_zero(b, pad4(len) - len);
}

static void blk_opt_str(struct blk *b, uint16_t code, const char *s)
{
	if (s && *s)
		blk_opt(b, code, s, strlen(s));
}

static void blk_opt_u64(struct blk *b, uint16_t code, uint64_t v)
{
	blk_opt(b, code, &v, sizeof(v));
}

static void blk_opt_ts(struct blk *b, uint16_t code, uint64_t ts)
{
	uint32_t v[2] = { (uint32_t)(ts >> 32), (uint32_t)ts };

	blk_opt(b, code, v, sizeof(v));
}

/* Options end with opt_endofopt; a block without options has neither. */
static void blk_end(struct blk *b, uint64_t opts_start, uint32_t total)
{
	if (b->off != opts_start)
		blk_u32(b, EBC_PCAPNG_OPT_ENDOFOPT);
	blk_u32(b, total);
}

static int str_opt_ok(const char *s, size_t extra)
{
	return !s || strlen(s) + extra <= PCAPNG_OPT_MAX;
}

static void build_shb(struct blk *b, const void *arg, uint32_t total)
{
	const struct ebc_pcapng_opts *o = arg;
	/* -1: section length not specified, so the section can be streamed */
	uint64_t section_len = UINT64_MAX;
	uint64_t opts;

	blk_u32(b, EBC_PCAPNG_BT_SHB);
	blk_u32(b, total);
	blk_u32(b, EBC_PCAPNG_BYTE_ORDER_MAGIC);
	blk_u16(b, 1);
	blk_u16(b, 0);
	blk_put(b, &section_len, sizeof(section_len));
	opts = b->off;
	if (o) {
		blk_opt_str(b, EBC_PCAPNG_SHB_HARDWARE, o->hardware);
		blk_opt_str(b, EBC_PCAPNG_SHB_OS, o->os);
		blk_opt_str(b, EBC_PCAPNG_SHB_USERAPPL, o->userappl);
	}
	blk_end(b, opts, total);
}

static void blk_opt_filter(struct blk *b, const char *filter)
{
	/* if_filter: one type byte (0 = libpcap filter string), then the string */
	uint8_t type = 0;
	size_t len;

	if (!filter || !*filter)
		return;
	len = 1 + strlen(filter);
	blk_u16(b, EBC_PCAPNG_IF_FILTER);
	blk_u16(b, (uint16_t)len);
	blk_put(b, &type, 1);
	blk_put(b, filter, len - 1);
	blk_zero(b, pad4(len) - len);
}

static void build_idb(struct blk *b, const void *arg, uint32_t total)
{
	const struct ebc_pcapng_if *ifc = arg;
	uint8_t tsresol = ifc->tsresol ? ifc->tsresol : PCAPNG_TSRESOL_NS;
	uint64_t opts;

	blk_u32(b, EBC_PCAPNG_BT_IDB);
	blk_u32(b, total);
	blk_u16(b, ifc->linktype);
	blk_u16(b, 0);
	blk_u32(b, ifc->snaplen);
	opts = b->off;
	blk_opt_str(b, EBC_PCAPNG_IF_NAME, ifc->name);
	blk_opt_str(b, EBC_PCAPNG_IF_DESCRIPTION, ifc->description);
	/* always written: a missing if_tsresol means microseconds */
	blk_opt(b, EBC_PCAPNG_IF_TSRESOL, &tsresol, 1);
	blk_opt_filter(b, ifc->filter);
	blk_opt_str(b, EBC_PCAPNG_IF_OS, ifc->os);
	blk_end(b, opts, total);
}

/* A packet and its comment's length, counted once. */
struct epb {
	const struct ebc_pcapng_pkt *p;
	size_t comment_len;
};

static size_t opt_size(size_t len)
{
	return 4 + pad4(len);
}

/* What build_epb() writes, counted without building it. */
static uint64_t epb_size(const struct epb *e)
{
	const struct ebc_pcapng_pkt *p = e->p;
	uint64_t opts = 0;

	if (p->flags)
		opts += opt_size(sizeof(p->flags));
	if (p->has_dropcount)
		opts += opt_size(sizeof(p->dropcount));
	if (p->has_packetid)
		opts += opt_size(sizeof(p->packetid));
	if (p->verdict_type >= 0)
		opts += opt_size(1 + sizeof(p->verdict));
	if (p->has_pid)
		opts += opt_size(2 * sizeof(uint32_t));
	if (e->comment_len)
		opts += opt_size(e->comment_len);
	if (opts)
		opts += 4;	/* opt_endofopt */
	/* type, length, interface, timestamp, caplen, len; data; length again */
	return 28 + (uint64_t)pad4(p->caplen) + opts + 4;
}

/*
 * The packet block is written straight into place, without the bounds of a
 * struct blk: it runs once per packet, into room epb_size() reserved.
 */
static uint8_t *put_u32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
	return p + sizeof(v);
}

/* len bytes, then zeros to the next multiple of 4. */
static uint8_t *put_padded(uint8_t *p, const void *src, size_t len)
{
	/* the padding's word first, the bytes over it: no memset of 1-3 bytes */
	if (len & 3)
		memset(p + (len & ~(size_t)3), 0, 4);
	if (len)
		memcpy(p, src, len);
	return p + pad4(len);
}

static uint8_t *put_opt(uint8_t *p, uint16_t code, const void *val, size_t len)
{
	uint16_t hdr[2] = { code, (uint16_t)len };

	memcpy(p, hdr, sizeof(hdr));
	return put_padded(p + sizeof(hdr), val, len);
}

static void build_epb(struct blk *b, const void *arg, uint32_t total)
{
	const struct epb *e = arg;
	const struct ebc_pcapng_pkt *p = e->p;
	uint8_t *start = b->base + b->off, *q, *opts;

	q = put_u32(start, EBC_PCAPNG_BT_EPB);
	q = put_u32(q, total);
	q = put_u32(q, p->if_id);
	q = put_u32(q, (uint32_t)(p->ts >> 32));
	q = put_u32(q, (uint32_t)p->ts);
	q = put_u32(q, p->caplen);
	q = put_u32(q, p->len);
	q = put_padded(q, p->data, p->caplen);
	opts = q;
	if (p->flags)
		q = put_opt(q, EBC_PCAPNG_EPB_FLAGS, &p->flags, sizeof(p->flags));
	if (p->has_dropcount)
		q = put_opt(q, EBC_PCAPNG_EPB_DROPCOUNT, &p->dropcount, sizeof(p->dropcount));
	if (p->has_packetid)
		q = put_opt(q, EBC_PCAPNG_EPB_PACKETID, &p->packetid, sizeof(p->packetid));
	if (p->verdict_type >= 0) {
		uint8_t v[1 + sizeof(p->verdict)] = { (uint8_t)p->verdict_type };

		memcpy(v + 1, &p->verdict, sizeof(p->verdict));
		q = put_opt(q, EBC_PCAPNG_EPB_VERDICT, v, sizeof(v));
	}
	if (p->has_pid) {
		uint32_t v[2] = { p->pid, p->tid };

		q = put_opt(q, EBC_PCAPNG_EPB_PID_TID, v, sizeof(v));
	}
	if (e->comment_len)
		q = put_opt(q, EBC_PCAPNG_OPT_COMMENT, p->comment, e->comment_len);
	/* options end with opt_endofopt; a block without options has neither */
	if (q != opts)
		q = put_u32(q, EBC_PCAPNG_OPT_ENDOFOPT);
	q = put_u32(q, total);
	assert((size_t)(q - start) == total);
	b->off += total;
}

static void build_isb(struct blk *b, const void *arg, uint32_t total)
{
	const struct ebc_pcapng_isb *s = arg;
	uint64_t opts;

	blk_u32(b, EBC_PCAPNG_BT_ISB);
	blk_u32(b, total);
	blk_u32(b, s->if_id);
	blk_ts(b, s->ts);
	opts = b->off;
	blk_opt_ts(b, EBC_PCAPNG_ISB_STARTTIME, s->starttime);
	blk_opt_ts(b, EBC_PCAPNG_ISB_ENDTIME, s->endtime);
	blk_opt_u64(b, EBC_PCAPNG_ISB_IFRECV, s->ifrecv);
	blk_opt_u64(b, EBC_PCAPNG_ISB_IFDROP, s->ifdrop);
	blk_opt_u64(b, EBC_PCAPNG_ISB_FILTERACCEPT, s->filteraccept);
	blk_opt_u64(b, EBC_PCAPNG_ISB_OSDROP, s->osdrop);
	if (s->has_usrdeliv)
		blk_opt_u64(b, EBC_PCAPNG_ISB_USRDELIV, s->usrdeliv);
	blk_end(b, opts, total);
}

static int wait_writable(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	int n;

	do {
		n = poll(&pfd, 1, -1);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (pfd.revents & POLLNVAL)
		return -EBADF;
	/* POLLERR/POLLHUP: the next write reports the real error (EPIPE) */
	return 0;
}

static void iov_advance(struct iovec **iov, int *cnt, size_t n)
{
	while (*cnt > 0 && n >= (*iov)->iov_len) {
		n -= (*iov)->iov_len;
		(*iov)++;
		(*cnt)--;
	}
	if (*cnt > 0) {
		(*iov)->iov_base = (uint8_t *)(*iov)->iov_base + n;
		(*iov)->iov_len -= n;
	}
}

/*
 * Write everything or fail: a FIFO reader that is slow, a signal or a
 * non-blocking fd are normal conditions, not errors.
 */
static int write_iov_full(int fd, struct iovec *iov, int cnt, size_t *done)
{
	ssize_t n;
	int err;

	*done = 0;
	iov_advance(&iov, &cnt, 0);
	while (cnt > 0) {
		n = writev(fd, iov, cnt);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				err = wait_writable(fd);
				if (err)
					return err;
				continue;
			}
			return -errno;
		}
		/* no progress on a non-empty write would loop forever */
		if (n == 0)
			return -EIO;
		*done += (size_t)n;
		iov_advance(&iov, &cnt, (size_t)n);
	}
	return 0;
}

/* A block's total length, from its second word. */
static uint32_t block_len(const uint8_t *b)
{
	uint32_t tot;

	memcpy(&tot, b + 4, sizeof(tot));
	return tot;
}

/*
 * Of the first done bytes of buf (whole blocks) followed by one block of
 * extra_len bytes, how many end on a block boundary.
 */
static size_t whole_blocks(const uint8_t *buf, size_t len, size_t extra_len, size_t done)
{
	size_t off = 0;
	uint32_t tot;

	while (off + 8 <= len) {
		tot = block_len(buf + off);
		if (tot < 12 || tot > len - off || off + tot > done)
			return off;
		off += tot;
	}
	return off + extra_len <= done ? off + extra_len : off;
}

/*
 * A failed write to a regular file (disk full, file size limit) may have
 * left part of a block at its end: cut the file back to the last whole
 * block, so that what was written stays a valid capture. Pipes and FIFOs
 * cannot be cut; their reader sees the stream end where it ends.
 */
static bool trim_partial(struct ebc_pcapng *w, size_t done, size_t keep)
{
	struct stat st;
	off_t end;

	if (fstat(w->fd, &st) || !S_ISREG(st.st_mode))
		return false;
	end = lseek(w->fd, 0, SEEK_CUR);
	if (end < 0 || (uint64_t)end < done - keep)
		return false;
	end -= (off_t)(done - keep);
	return !ftruncate(w->fd, end) && lseek(w->fd, end, SEEK_SET) == end;
}

/*
 * What a pipe surely takes now without waiting. A pipe writer is stopped by
 * a kill only while it waits for room, so a write no larger than that
 * arrives whole even from a writer killed meanwhile; so does one of PIPE_BUF
 * bytes or less, whatever the room. A pipe holds pages, and a write that does
 * not fit in the last one starts a new page: any two neighbours hold more
 * than a page, so the unread bytes take at most twice their size, plus the
 * two pages at the ends; a write takes one page more than its size. Only the
 * reader changes this meanwhile, and only to make room.
 */
static size_t pipe_room(const struct ebc_pcapng *w)
{
	long page = sysconf(_SC_PAGESIZE);
	int size = fcntl(w->fd, F_GETPIPE_SZ), unread;
	size_t used;

	if (size <= 0 || page <= 0 || ioctl(w->fd, FIONREAD, &unread) < 0 || unread < 0)
		return PIPE_BUF;
	used = 2 * (size_t)unread + 4 * (size_t)page;
	return used + PIPE_BUF < (size_t)size ? (size_t)size - used : PIPE_BUF;
}

/*
 * Where a group of whole blocks that starts at buf[start] with a block of
 * first bytes may end. A pipe: at most what it takes without waiting
 * (pipe_room). A regular file's write stops only between pages when the
 * writer is killed: a group that ends at the last block boundary before a
 * page boundary leaves half a block only if the kill lands while the one
 * block that crosses the page boundary is copied.
 */
static size_t group_end(const struct ebc_pcapng *w, uint64_t pos, size_t start, uint32_t first)
{
	uint64_t end = pos + start + first;

	if (w->pipe)
		return start + pipe_room(w);
	return (size_t)((end + w->page - 1) / w->page * w->page - pos);
}

/* The buffer, then extra, in groups of whole blocks (group_end); pos: the file offset. */
static int write_groups(struct ebc_pcapng *w, uint64_t pos, const void *extra, size_t extra_len,
			size_t *done)
{
	size_t start = 0, off = 0, lim = 0, n;
	struct iovec iov[2];
	int err;

	*done = 0;
	while (off < w->len) {
		uint32_t tot = block_len(w->buf + off);

		if (off > start && off + tot > lim) {
			iov[0] = (struct iovec){ .iov_base = w->buf + start, .iov_len = off - start };
			err = write_iov_full(w->fd, iov, 1, &n);
			*done += n;
			if (err)
				return err;
			start = off;
		}
		if (off == start)
			lim = group_end(w, pos, start, tot);
		off += tot;
	}
	iov[0] = (struct iovec){ .iov_base = w->buf + start, .iov_len = w->len - start };
	iov[1] = (struct iovec){ .iov_base = (void *)extra, .iov_len = extra_len };
	if (extra_len && w->len > start && w->len + extra_len > lim) {
		err = write_iov_full(w->fd, iov, 1, &n);
		*done += n;
		if (err)
			return err;
		iov[0] = iov[1];
		iov[1].iov_len = 0;
	}
	err = write_iov_full(w->fd, iov, 2, &n);
	*done += n;
	return err;
}

static void lost_block(struct ebc_pcapng *w, const uint8_t *b)
{
	uint32_t type, if_id;

	memcpy(&type, b, sizeof(type));
	memcpy(&if_id, b + 8, sizeof(if_id));
	if (type == EBC_PCAPNG_BT_EPB && if_id < w->n_ifs)
		w->lost[if_id]++;
}

/*
 * The packets buffered from byte keep on never reach the reader. (A block
 * sent with the buffer belongs to the call that fails: not counted.)
 */
static void count_lost(struct ebc_pcapng *w, size_t keep)
{
	for (size_t off = 0; off < w->len; off += block_len(w->buf + off))
		if (off >= keep)
			lost_block(w, w->buf + off);
}

/*
 * How a flush writes. A pipe gets groups it takes whole (group_end): one
 * write() while the reader keeps up, smaller ones when it lags. A file gets
 * page-bounded groups, so that a kill -9 leaves whole blocks: a write() per
 * page. (Writing a full buffer in one go was tried: it gains little where
 * the kernel's page-cache copy is the limit, and a kill -9 landing in that
 * write cut the last block in one run of tests/system/test_output.sh.)
 */
/* Sends the buffer, then extra (may be NULL); marks the writer failed on error. */
static int send_out(struct ebc_pcapng *w, const void *extra, size_t extra_len)
{
	struct iovec iov[2] = {
		{ .iov_base = w->buf, .iov_len = w->len },
		{ .iov_base = (void *)extra, .iov_len = extra_len },
	};
	bool grouped = w->pipe || w->page;
	off_t pos = grouped && !w->pipe ? lseek(w->fd, 0, SEEK_CUR) : 0;
	size_t done;
	int err;

	/* Where the offset is unknown (a socket, a terminal), in one go. */
	if (grouped && pos >= 0)
		err = write_groups(w, (uint64_t)pos, extra, extra_len, &done);
	else
		err = write_iov_full(w->fd, iov, extra_len ? 2 : 1, &done);
	if (err) {
		size_t keep = whole_blocks(w->buf, w->len, extra_len, done);

		w->err = err;
		count_lost(w, keep);
		w->trimmed = trim_partial(w, done, keep);
		w->len = 0;
		return err;
	}
	w->len = 0;
	return 0;
}

typedef void (*build_fn)(struct blk *b, const void *arg, uint32_t total);

/* Blocks larger than the buffer are built aside and written with the buffer. */
static int emit_large(struct ebc_pcapng *w, build_fn build, const void *arg, uint32_t size)
{
	struct blk b = { .base = malloc(size) };
	int err;

	if (!b.base)
		return -ENOMEM;
	build(&b, arg, size);
	err = send_out(w, b.base, size);
	free(b.base);
	return err;
}

/* Appends a block of size bytes (measured by the caller), sending the buffer when full. */
static int emit_sized(struct ebc_pcapng *w, build_fn build, const void *arg, uint64_t size)
{
	struct blk b;
	int err;

	if (size > UINT32_MAX)
		return -EINVAL;
	if (size > w->cap)
		return emit_large(w, build, arg, (uint32_t)size);
	if (size > w->cap - w->len) {
		err = send_out(w, NULL, 0);
		if (err)
			return err;
	}
	b = (struct blk){ .base = w->buf + w->len };
	build(&b, arg, (uint32_t)size);
	w->len += size;
	return 0;
}

static int emit(struct ebc_pcapng *w, build_fn build, const void *arg)
{
	struct blk b = { 0 };

	build(&b, arg, 0);
	return emit_sized(w, build, arg, b.off);
}

/*
 * A bigger pipe lets the writer run on while the reader catches up, and take
 * larger groups (pipe_room); best effort.
 */
static void grow_pipe(int fd)
{
	int size = fcntl(fd, F_GETPIPE_SZ);

	if (size >= 0 && size < PCAPNG_PIPE_SIZE)
		(void)fcntl(fd, F_SETPIPE_SZ, PCAPNG_PIPE_SIZE);
}

struct ebc_pcapng *ebc_pcapng__open(int fd, const struct ebc_pcapng_opts *opts)
{
	struct ebc_pcapng *w;
	struct stat st;
	int err;

	if (fd < 0 || (opts && (!str_opt_ok(opts->userappl, 0) || !str_opt_ok(opts->os, 0) ||
				!str_opt_ok(opts->hardware, 0)))) {
		errno = EINVAL;
		return NULL;
	}
	w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->fd = fd;
	if (!fstat(fd, &st)) {
		w->pipe = S_ISFIFO(st.st_mode);
		w->page = S_ISREG(st.st_mode) && sysconf(_SC_PAGESIZE) > 0 ?
			  (size_t)sysconf(_SC_PAGESIZE) : 0;
	}
	if (w->pipe)
		grow_pipe(fd);
	w->cap = opts && opts->bufsize ? opts->bufsize : PCAPNG_DEFAULT_BUFSIZE;
	w->buf = malloc(w->cap);
	if (!w->buf) {
		free(w);
		errno = ENOMEM;
		return NULL;
	}
	err = emit(w, build_shb, opts);
	if (err) {
		free(w->buf);
		free(w);
		errno = -err;
		return NULL;
	}
	return w;
}

int ebc_pcapng__add_interface(struct ebc_pcapng *w, const struct ebc_pcapng_if *ifc)
{
	uint64_t *lost;
	int err;

	if (!w || !ifc)
		return -EINVAL;
	if (w->err)
		return w->err;
	if (!str_opt_ok(ifc->name, 0) || !str_opt_ok(ifc->description, 0) ||
	    !str_opt_ok(ifc->filter, 1) || !str_opt_ok(ifc->os, 0))
		return -EINVAL;
	/* ids are returned as a non-negative int */
	if (w->n_ifs >= INT32_MAX)
		return -ENOSPC;
	lost = realloc(w->lost, (w->n_ifs + 1) * sizeof(*lost));
	if (!lost)
		return -ENOMEM;
	w->lost = lost;
	lost[w->n_ifs] = 0;
	err = emit(w, build_idb, ifc);
	if (err)
		return err;
	return (int)w->n_ifs++;
}

/* Also counts the comment, once. */
static int check_pkt(const struct ebc_pcapng *w, const struct ebc_pcapng_pkt *p,
		     size_t *comment_len)
{
	if (p->if_id >= w->n_ifs || p->caplen > p->len || (p->caplen && !p->data))
		return -EINVAL;
	if (p->verdict_type != -1 && p->verdict_type != EBC_PCAPNG_VERDICT_TC &&
	    p->verdict_type != EBC_PCAPNG_VERDICT_XDP)
		return -EINVAL;
	*comment_len = p->comment ? strlen(p->comment) : 0;
	if (*comment_len > PCAPNG_OPT_MAX)
		return -EINVAL;
	return 0;
}

int ebc_pcapng__write_epb(struct ebc_pcapng *w, const struct ebc_pcapng_pkt *pkt)
{
	struct epb e = { .p = pkt };
	int err;

	if (!w || !pkt)
		return -EINVAL;
	if (w->err)
		return w->err;
	err = check_pkt(w, pkt, &e.comment_len);
	if (err)
		return err;
	return emit_sized(w, build_epb, &e, epb_size(&e));
}

int ebc_pcapng__write_isb(struct ebc_pcapng *w, const struct ebc_pcapng_isb *isb)
{
	if (!w || !isb)
		return -EINVAL;
	if (w->err)
		return w->err;
	if (isb->if_id >= w->n_ifs)
		return -EINVAL;
	return emit(w, build_isb, isb);
}

int ebc_pcapng__flush(struct ebc_pcapng *w)
{
	if (!w)
		return -EINVAL;
	if (w->err)
		return w->err;
	if (!w->len)
		return 0;
	return send_out(w, NULL, 0);
}

uint64_t ebc_pcapng__lost(const struct ebc_pcapng *w, uint32_t if_id)
{
	return w && if_id < w->n_ifs ? w->lost[if_id] : 0;
}

int ebc_pcapng__recover(struct ebc_pcapng *w)
{
	if (!w)
		return -EINVAL;
	if (w->err && !w->trimmed)
		return w->err;
	w->err = 0;
	w->trimmed = false;
	return 0;
}

size_t ebc_pcapng__pending(const struct ebc_pcapng *w)
{
	return w ? w->len : 0;
}

int ebc_pcapng__close(struct ebc_pcapng *w)
{
	int err;

	if (!w)
		return 0;
	err = ebc_pcapng__flush(w);
	free(w->lost);
	free(w->buf);
	free(w);
	return err;
}
