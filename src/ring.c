// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "hook.h"
#include "log.h"
#include "rbuf.h"
#include "ring.h"

struct ebc_ring {
	int ring_fd;
	int stats_fd;
	int scratch_fd;
	int ncpus;
	struct ebc_rbuf *rb;
	ebc_ring_cb cb;
	void *ctx;
};

static int on_sample(void *ctx, const void *data, size_t size)
{
	struct ebc_ring *r = ctx;
	const struct ebc_rec *rec = data;

	if (size < sizeof(*rec) || rec->caplen > size - sizeof(*rec)) {
		ebc_warn("malformed ring record of %zu bytes ignored", size);
		return 0;
	}
	return r->cb(r->ctx, rec, rec + 1);
}

static int create_maps(struct ebc_ring *r, size_t bytes, char *errbuf, size_t len)
{
	r->ring_fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "ebc_ring", 0, 0, bytes, NULL);
	if (r->ring_fd < 0) {
		ebc_errbuf(errbuf, len, "cannot create a %zu KiB BPF ring buffer: %s (%s)",
			   bytes >> 10, ebc_strerror(r->ring_fd), ebc_hook__hint(r->ring_fd));
		return r->ring_fd;
	}
	r->stats_fd = bpf_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, "ebc_stats", sizeof(__u32),
				     sizeof(struct ebc_tap_stats), EBC_MAX_TAPS, NULL);
	if (r->stats_fd < 0) {
		ebc_errbuf(errbuf, len, "cannot create the statistics map: %s (%s)",
			   ebc_strerror(r->stats_fd), ebc_hook__hint(r->stats_fd));
		return r->stats_fd;
	}
	/*
	 * One filter copy per CPU for all taps: a program runs to its end before
	 * another can run on the same CPU, so they never share it at once.
	 */
	r->scratch_fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "ebc_scratch", sizeof(__u32),
				       EBC_SCRATCH_LEN, r->ncpus, NULL);
	if (r->scratch_fd < 0) {
		ebc_errbuf(errbuf, len, "cannot create the %d KiB per-CPU scratch map: %s (%s)",
			   EBC_SCRATCH_LEN >> 10, ebc_strerror(r->scratch_fd),
			   ebc_hook__hint(r->scratch_fd));
		return r->scratch_fd;
	}
	return 0;
}

struct ebc_ring *ebc_ring__new(size_t bytes, ebc_ring_cb cb, void *ctx, char *errbuf, size_t len)
{
	struct ebc_ring *r = calloc(1, sizeof(*r));
	int err;

	if (!r)
		return NULL;
	r->ring_fd = r->stats_fd = r->scratch_fd = -1;
	r->cb = cb;
	r->ctx = ctx;
	r->ncpus = libbpf_num_possible_cpus();
	err = r->ncpus < 0 ? r->ncpus : create_maps(r, bytes, errbuf, len);
	if (err)
		goto fail;
	r->rb = ebc_rbuf__open(r->ring_fd, on_sample, r);
	if (!r->rb) {
		err = -errno;
		ebc_errbuf(errbuf, len, "cannot map the BPF ring buffer: %s", ebc_strerror(err));
		goto fail;
	}
	return r;
fail:
	ebc_ring__free(r);
	errno = -err;
	return NULL;
}

int ebc_ring__fd(const struct ebc_ring *r)
{
	return r->ring_fd;
}

int ebc_ring__stats_fd(const struct ebc_ring *r)
{
	return r->stats_fd;
}

int ebc_ring__scratch_fd(const struct ebc_ring *r)
{
	return r->scratch_fd;
}

int ebc_ring__poll(struct ebc_ring *r, int timeout_ms)
{
	return ebc_rbuf__poll(r->rb, timeout_ms);
}

int ebc_ring__consume(struct ebc_ring *r)
{
	return ebc_rbuf__drain(r->rb);
}

int ebc_ring__tap_stats(const struct ebc_ring *r, unsigned int tap, struct ebc_tap_stats *sum)
{
	struct ebc_tap_stats *percpu = calloc(r->ncpus, sizeof(*percpu));
	int err;

	if (!percpu)
		return -ENOMEM;
	err = bpf_map_lookup_elem(r->stats_fd, &tap, percpu);
	if (err) {
		free(percpu);
		return -errno;
	}
	*sum = (struct ebc_tap_stats){ 0 };
	for (int i = 0; i < r->ncpus; i++) {
		sum->seen += percpu[i].seen;
		sum->accepted += percpu[i].accepted;
		sum->ring_drops += percpu[i].ring_drops;
		sum->pending_drops += percpu[i].pending_drops;
	}
	free(percpu);
	return 0;
}

void ebc_ring__free(struct ebc_ring *r)
{
	if (!r)
		return;
	ebc_rbuf__close(r->rb);
	if (r->stats_fd >= 0)
		close(r->stats_fd);
	if (r->scratch_fd >= 0)
		close(r->scratch_fd);
	if (r->ring_fd >= 0)
		close(r->ring_fd);
	free(r);
}
