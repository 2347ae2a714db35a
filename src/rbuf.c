// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include "rbuf.h"

/*
 * The map's layout (kernel/bpf/ringbuf.c): a page holding the consumer
 * position, which the reader writes; a page holding the producer position;
 * then the data pages, mapped twice in a row so that a record that wraps
 * reads as one piece. Each record starts with an 8-byte header: its length,
 * with a busy bit while it is being written and a discard bit, and the page
 * offset the kernel uses.
 */
struct ebc_rbuf {
	int fd;
	size_t page;
	uint64_t mask;			/* data size - 1 */
	unsigned long *consumer_pos;	/* RW page */
	unsigned long *producer_pos;	/* RO: this page, then the data twice */
	const uint8_t *data;
	size_t ro_len;
	ebc_rbuf_cb cb;
	void *ctx;
};

struct ebc_rbuf *ebc_rbuf__open(int map_fd, ebc_rbuf_cb cb, void *ctx)
{
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);
	struct ebc_rbuf *rb;
	void *p;

	if (bpf_obj_get_info_by_fd(map_fd, &info, &len))
		return NULL;
	if (info.type != BPF_MAP_TYPE_RINGBUF || !info.max_entries ||
	    (info.max_entries & (info.max_entries - 1))) {
		errno = EINVAL;
		return NULL;
	}
	rb = calloc(1, sizeof(*rb));
	if (!rb)
		return NULL;
	rb->fd = map_fd;
	rb->cb = cb;
	rb->ctx = ctx;
	rb->page = (size_t)sysconf(_SC_PAGESIZE);
	rb->mask = info.max_entries - 1;
	p = mmap(NULL, rb->page, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
	if (p == MAP_FAILED)
		goto fail;
	rb->consumer_pos = p;
	rb->ro_len = rb->page + 2 * (size_t)info.max_entries;
	p = mmap(NULL, rb->ro_len, PROT_READ, MAP_SHARED, map_fd, (off_t)rb->page);
	if (p == MAP_FAILED)
		goto fail;
	rb->producer_pos = p;
	rb->data = (const uint8_t *)p + rb->page;
	return rb;
fail:
	ebc_rbuf__close(rb);
	return NULL;
}

int ebc_rbuf__wait(struct ebc_rbuf *rb, int timeout_ms)
{
	struct pollfd pfd = { .fd = rb->fd, .events = POLLIN };
	int n = poll(&pfd, 1, timeout_ms);

	if (n < 0)
		return -errno;
	return n > 0 && (pfd.revents & POLLIN);
}

static uint32_t round8(uint32_t n)
{
	return (n + 7) & ~7u;
}

int ebc_rbuf__drain(struct ebc_rbuf *rb)
{
	unsigned long cons = __atomic_load_n(rb->consumer_pos, __ATOMIC_RELAXED);
	unsigned long prod = __atomic_load_n(rb->producer_pos, __ATOMIC_ACQUIRE);
	unsigned int held = 0;
	uint32_t hdr, len;
	int n = 0, err = 0;

	while (cons < prod) {
		const uint8_t *rec = rb->data + (cons & rb->mask);

		hdr = __atomic_load_n((const uint32_t *)rec, __ATOMIC_ACQUIRE);
		/* still being written: later records wait for it, in order */
		if (hdr & BPF_RINGBUF_BUSY_BIT)
			break;
		len = hdr & ~(uint32_t)BPF_RINGBUF_DISCARD_BIT;
		cons += round8(len + BPF_RINGBUF_HDR_SZ);
		if (!(hdr & BPF_RINGBUF_DISCARD_BIT)) {
			err = rb->cb(rb->ctx, rec + BPF_RINGBUF_HDR_SZ, len);
			if (err < 0)
				break;
			n++;
		}
		if (++held == EBC_RBUF_RELEASE_EVERY) {
			__atomic_store_n(rb->consumer_pos, cons, __ATOMIC_RELEASE);
			held = 0;
		}
	}
	__atomic_store_n(rb->consumer_pos, cons, __ATOMIC_RELEASE);
	return err < 0 ? err : n;
}

int ebc_rbuf__poll(struct ebc_rbuf *rb, int timeout_ms)
{
	int n = ebc_rbuf__wait(rb, timeout_ms);

	return n < 0 ? n : ebc_rbuf__drain(rb);
}

void ebc_rbuf__close(struct ebc_rbuf *rb)
{
	int saved = errno;

	if (!rb)
		return;
	if (rb->producer_pos)
		munmap(rb->producer_pos, rb->ro_len);
	if (rb->consumer_pos)
		munmap(rb->consumer_pos, rb->page);
	free(rb);
	errno = saved;
}
