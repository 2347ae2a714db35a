// SPDX-License-Identifier: GPL-2.0-only
/*
 * The socket-syscall tap: load bpf/sockets.bpf.c, attach it to the syscall
 * tracepoints, and turn its records into synthesised frames (src/synth.c)
 * written as pcapng on one Ethernet interface, "sockets". The capture
 * filter runs here, in user space, on those frames: the kernel sees
 * syscalls, not packets.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <netinet/in.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/capability.h>
#include <linux/types.h>
#include "capture.h"
#include "hook.h"
#include "log.h"
#include "loop.h"
#include "pcapng.h"
#include "privs.h"
#include "rbuf.h"
#include "record.h"
#include "sockets.h"
#include "synth.h"
#include "sockets.skel.h"

#define MAX_LINKS 32
#define STOP_COUNT EBC_LOOP_STOP_COUNT	/* the packet count is reached */

static const char *const syscall_names[EBC_SYS_COUNT] = {
	[EBC_SYS_ACCEPT] = "accept", [EBC_SYS_ACCEPT4] = "accept4",
	[EBC_SYS_CONNECT] = "connect", [EBC_SYS_READ] = "read", [EBC_SYS_WRITE] = "write",
	[EBC_SYS_READV] = "readv", [EBC_SYS_WRITEV] = "writev",
	[EBC_SYS_RECVFROM] = "recvfrom", [EBC_SYS_SENDTO] = "sendto",
	[EBC_SYS_RECVMSG] = "recvmsg", [EBC_SYS_SENDMSG] = "sendmsg", [EBC_SYS_CLOSE] = "close",
};

struct ebc_sockets {
	const struct ebc_config *cfg;
	struct sockets_bpf *skel;
	struct bpf_link *links[MAX_LINKS];
	size_t nlinks;
	struct ebc_rbuf *rb;
	struct ebc_synth *synth;
	struct ebc_synth_filter *filter;	/* NULL: none */
	struct ebc_pcapng *out;
	const struct ebc_sock_rec *cur;	/* the record being turned into frames */
	uint64_t pending_drops;		/* reported with the next frame written */
	uint64_t mono_to_real;
	uint64_t start_real;
	uint64_t written;
	bool count_reached;
	int write_err;
};

static void detach(struct ebc_sockets *s)
{
	for (size_t i = 0; i < s->nlinks; i++)
		bpf_link__destroy(s->links[i]);
	s->nlinks = 0;
}

void ebc_sockets__close(struct ebc_sockets *s)
{
	if (!s)
		return;
	detach(s);
	ebc_rbuf__close(s->rb);
	sockets_bpf__destroy(s->skel);
	ebc_synth__free(s->synth);
	ebc_synth__filter_free(s->filter);
	ebc_pcapng__close(s->out);
	free(s);
}

/* The capture filter, compiled for the Ethernet frames we make. */
static int compile_filter(struct ebc_sockets *s, char *errbuf, size_t len)
{
	const char *expr = s->cfg->filter;

	if (!expr || !expr[strspn(expr, " \t\n")])
		return 0;
	s->filter = ebc_synth__filter_new(expr, s->cfg->snaplen ? s->cfg->snaplen :
					  EBC_SNAPLEN_MAX, errbuf, len);
	if (!s->filter)
		return -EINVAL;
	ebc_info("capture filter \"%s\" applies in user space to the synthesised frames", expr);
	return 0;
}

static int configure(struct ebc_sockets *s, char *errbuf, size_t len)
{
	const struct ebc_config *cfg = s->cfg;
	int ncpus = libbpf_num_possible_cpus(), err;
	unsigned int ring_mb = cfg->ring_mb ? cfg->ring_mb : EBC_DEFAULT_RING_MB;
	struct stat st;

	if (ncpus < 0)
		return ncpus;
	s->skel->rodata->ebc_snaplen = cfg->snaplen ? cfg->snaplen : EBC_SNAPLEN_MAX;
	s->skel->rodata->ebc_pid = cfg->pid;
	if (cfg->comm)
		strncpy((char *)s->skel->rodata->ebc_comm, cfg->comm, EBC_COMM_LEN - 1);
	if (cfg->netns) {
		if (stat(cfg->netns, &st)) {
			err = -errno;
			ebc_errbuf(errbuf, len, "cannot use network namespace %s: %s", cfg->netns,
				   ebc_strerror(err));
			return err;
		}
		s->skel->rodata->ebc_netns = st.st_ino;
	}
	err = bpf_map__set_max_entries(s->skel->maps.ebc_sk_buf, ncpus);
	if (!err)
		err = bpf_map__set_max_entries(s->skel->maps.ebc_ring, ring_mb << 20);
	if (err)
		ebc_errbuf(errbuf, len, "cannot size the sockets tap's maps: %s", ebc_strerror(err));
	return err;
}

/* Each program on its tracepoint, so that a missing one is named. */
static int attach_all(struct ebc_sockets *s, char *errbuf, size_t len)
{
	struct bpf_program *prog;
	int err;

	bpf_object__for_each_program(prog, s->skel->obj) {
		const char *tp = bpf_program__section_name(prog) + strlen("tracepoint/");
		struct bpf_link *link;
		bool raised;

		if (s->nlinks >= MAX_LINKS)
			return -E2BIG;
		/* libbpf reads the tracepoint's id from tracefs, which is root's only. */
		raised = ebc_privs__raise(CAP_DAC_READ_SEARCH);
		link = bpf_program__attach(prog);
		ebc_privs__restore(CAP_DAC_READ_SEARCH, raised);
		if (!link) {
			err = -errno;
			if (err == -ENOENT)
				ebc_errbuf(errbuf, len, "cannot attach to tracepoint %s: this kernel "
					   "has no syscall tracepoints (CONFIG_FTRACE_SYSCALLS)", tp);
			else if (err == -EACCES && getuid())
				ebc_errbuf(errbuf, len, "cannot attach to tracepoint %s: %s (tracefs "
					   "is readable by root only: grant CAP_DAC_READ_SEARCH, see "
					   "README \"Running without root\")", tp, ebc_strerror(err));
			else
				ebc_errbuf(errbuf, len, "cannot attach to tracepoint %s: %s (%s)", tp,
					   ebc_strerror(err), ebc_hook__hint(err));
			return err;
		}
		s->links[s->nlinks++] = link;
	}
	ebc_info("sockets tap attached to %zu syscall tracepoints", s->nlinks);
	return 0;
}

static int on_sample(void *ctx, const void *data, size_t size);

int ebc_sockets__open(struct ebc_sockets **out, const struct ebc_config *cfg, char *errbuf,
		      size_t len)
{
	struct ebc_sockets *s = calloc(1, sizeof(*s));
	int err;

	*out = NULL;
	if (!s)
		return -ENOMEM;
	s->cfg = cfg;
	err = compile_filter(s, errbuf, len);
	if (err)
		goto fail;
	s->skel = sockets_bpf__open();
	if (!s->skel) {
		err = -errno;
		ebc_errbuf(errbuf, len, "cannot open the sockets program: %s", ebc_strerror(err));
		goto fail;
	}
	err = configure(s, errbuf, len);
	if (err)
		goto fail;
	err = sockets_bpf__load(s->skel);
	if (err) {
		ebc_errbuf(errbuf, len, "cannot load the sockets program: %s (%s)",
			   ebc_strerror(err), ebc_hook__hint(err));
		goto fail;
	}
	s->rb = ebc_rbuf__open(bpf_map__fd(s->skel->maps.ebc_ring), on_sample, s);
	if (!s->rb) {
		err = -errno;
		ebc_errbuf(errbuf, len, "cannot map the BPF ring buffer: %s", ebc_strerror(err));
		goto fail;
	}
	s->synth = ebc_synth__new(NULL, NULL);
	if (!s->synth) {
		err = -ENOMEM;
		ebc_errbuf(errbuf, len, "cannot track connections: %s", ebc_strerror(err));
		goto fail;
	}
	err = attach_all(s, errbuf, len);
	if (err)
		goto fail;
	*out = s;
	return 0;
fail:
	ebc_sockets__close(s);
	return err;
}

/* One synthesised frame: snap length, capture filter, then pcapng. */
static int emit_frame(void *ctx, const uint8_t *frame, size_t caplen, size_t len, bool out)
{
	struct ebc_sockets *s = ctx;
	const struct ebc_sock_rec *r = s->cur;
	unsigned int snaplen = s->cfg->snaplen ? s->cfg->snaplen : EBC_SNAPLEN_MAX;
	char comment[EBC_COMMENT_MAX];
	const char *name = r->syscall < EBC_SYS_COUNT ? syscall_names[r->syscall] : "?";
	int err;

	if (s->count_reached)
		return STOP_COUNT;
	if (caplen > snaplen)
		caplen = snaplen;
	if (s->filter && !ebc_synth__filter_match(s->filter, frame, caplen, len))
		return 0;
	snprintf(comment, sizeof(comment), "hook=sockets pid=%u tid=%u comm=%.16s fd=%d syscall=%s",
		 r->pid, r->tid, r->comm, r->fd, name);
	err = ebc_pcapng__write_epb(s->out, &(struct ebc_pcapng_pkt){
		.if_id = 0, .ts = r->ts_ns + s->mono_to_real, .caplen = caplen, .len = len,
		.data = frame,
		.flags = out ? EBC_PCAPNG_DIR_OUTBOUND : EBC_PCAPNG_DIR_INBOUND,
		.has_dropcount = s->pending_drops != 0, .dropcount = s->pending_drops,
		.verdict_type = -1, .has_pid = true, .pid = r->pid, .tid = r->tid,
		.comment = comment });
	if (err) {
		s->write_err = err;
		return err;
	}
	s->pending_drops = 0;
	if (s->cfg->count && ++s->written >= s->cfg->count) {
		s->count_reached = true;
		return STOP_COUNT;
	}
	if (!s->cfg->count)
		s->written++;
	return 0;
}

static void rec_flow(const struct ebc_sock_rec *r, struct ebc_synth_flow *f)
{
	memset(f, 0, sizeof(*f));
	f->family = r->family;
	f->proto = r->proto;
	memcpy(f->laddr, r->laddr, 16);
	memcpy(f->raddr, r->raddr, 16);
	f->lport = r->lport;
	f->rport = r->rport;
}

static int on_sample(void *ctx, const void *data, size_t size)
{
	struct ebc_sockets *s = ctx;
	const struct ebc_sock_rec *r = data;
	struct ebc_synth_flow f;
	int n;

	if (size < sizeof(*r) || r->caplen > size - sizeof(*r)) {
		ebc_warn("malformed sockets record of %zu bytes ignored", size);
		return 0;
	}
	if (s->count_reached)
		return STOP_COUNT;
	s->cur = r;
	s->pending_drops += r->drops;
	rec_flow(r, &f);
	switch (r->event) {
	case EBC_SOCK_EV_CONNECT:
	case EBC_SOCK_EV_ACCEPT:
		n = ebc_synth__open(s->synth, r->key, &f, r->event == EBC_SOCK_EV_CONNECT);
		break;
	case EBC_SOCK_EV_CLOSE:
		n = ebc_synth__close(s->synth, r->key, &f);
		break;
	case EBC_SOCK_EV_DATA:
		if (!r->len && r->dir == EBC_SOCK_DIR_IN)
			n = ebc_synth__eof(s->synth, r->key, &f);
		else
			n = ebc_synth__data(s->synth, r->key, &f, r->dir == EBC_SOCK_DIR_OUT, r + 1,
					    r->caplen, r->len);
		break;
	default:
		n = 0;
	}
	s->cur = NULL;
	return n < 0 ? n : 0;
}

static int write_headers(struct ebc_sockets *s, int fd)
{
	struct utsname un;
	char os[160];
	int err;

	uname(&un);
	snprintf(os, sizeof(os), "%s %s", un.sysname, un.release);
	s->out = ebc_pcapng__open(fd, &(struct ebc_pcapng_opts){
		.userappl = "ebpfcap " EBPFCAP_VERSION, .os = os, .hardware = un.machine });
	if (!s->out)
		return -errno;
	err = ebc_pcapng__add_interface(s->out, &(struct ebc_pcapng_if){
		.linktype = 1, .snaplen = s->cfg->snaplen ? s->cfg->snaplen : EBC_SNAPLEN_MAX,
		.name = "sockets",
		.description = "TCP and UDP data read and written by processes, taken at the "
			       "socket syscalls; frames synthesised around it (addresses, ports "
			       "and payload are real; MAC addresses, TCP sequence numbers, "
			       "handshakes and FINs are made up)",
		.filter = s->cfg->filter, .tsresol = 9 });
	if (err >= 0)
		err = ebc_pcapng__flush(s->out);
	return err < 0 ? err : 0;
}

static int tap_stats(struct ebc_sockets *s, struct ebc_tap_stats *sum)
{
	int ncpus = libbpf_num_possible_cpus(), err;
	struct ebc_tap_stats *percpu;
	__u32 key = 0;

	*sum = (struct ebc_tap_stats){ 0 };
	if (ncpus < 0)
		return ncpus;
	percpu = calloc(ncpus, sizeof(*percpu));
	if (!percpu)
		return -ENOMEM;
	err = bpf_map_lookup_elem(bpf_map__fd(s->skel->maps.ebc_stats), &key, percpu);
	for (int i = 0; !err && i < ncpus; i++) {
		sum->seen += percpu[i].seen;
		sum->accepted += percpu[i].accepted;
		sum->ring_drops += percpu[i].ring_drops;
	}
	free(percpu);
	return err ? -errno : 0;
}

static int write_statistics(struct ebc_sockets *s, struct ebc_session_result *res)
{
	uint64_t now = ebc_loop__clock_ns(CLOCK_REALTIME);
	struct ebc_tap_stats st;

	if (tap_stats(s, &st))
		ebc_warn("cannot read the sockets tap's statistics");
	if (res) {
		res->seen = st.seen;
		res->dropped = st.ring_drops;
	}
	return ebc_pcapng__write_isb(s->out, &(struct ebc_pcapng_isb){
		.if_id = 0, .ts = now, .starttime = s->start_real, .endtime = now,
		.ifrecv = st.seen, .filteraccept = s->written, .osdrop = st.ring_drops });
}

static int poll_ring(void *ctx, int timeout_ms)
{
	return ebc_rbuf__poll(((struct ebc_sockets *)ctx)->rb, timeout_ms);
}

static int periodic_stats(void *ctx)
{
	return write_statistics(ctx, NULL);
}

static int capture_loop(struct ebc_sockets *s, volatile sig_atomic_t *stop)
{
	const struct ebc_loop loop = {
		.poll = poll_ring, .stats = periodic_stats, .ctx = s, .out = s->out,
		.count_reached = &s->count_reached, .write_err = &s->write_err,
	};

	return ebc_loop__run(&loop, stop);
}

int ebc_sockets__run(struct ebc_sockets *s, int fd, volatile sig_atomic_t *stop,
		     struct ebc_session_result *res, char *errbuf, size_t len)
{
	int err, n;

	*res = (struct ebc_session_result){ 0 };
	s->start_real = ebc_loop__clock_ns(CLOCK_REALTIME);
	s->mono_to_real = s->start_real - ebc_loop__clock_ns(CLOCK_MONOTONIC);
	ebc_synth__free(s->synth);
	s->synth = ebc_synth__new(emit_frame, s);
	if (!s->synth) {
		ebc_errbuf(errbuf, len, "cannot track connections: %s", ebc_strerror(-ENOMEM));
		return -ENOMEM;
	}
	err = write_headers(s, fd);
	if (!err)
		err = capture_loop(s, stop);
	/* Detach first, so that what the ring holds now is all there will be. */
	detach(s);
	if (!err && !s->count_reached) {
		n = ebc_rbuf__drain(s->rb);
		if (n < 0 && n != STOP_COUNT)
			err = s->write_err ? s->write_err : n;
	}
	if (!err)
		err = write_statistics(s, res);
	res->captured = s->written;
	if (!err)
		err = ebc_pcapng__close(s->out);
	else
		ebc_pcapng__close(s->out);
	s->out = NULL;
	if (err == -EPIPE) {
		ebc_info("the reader closed the output: capture stopped");
		return 0;
	}
	if (err)
		ebc_errbuf(errbuf, len, "cannot write the capture: %s", ebc_strerror(err));
	return err;
}
