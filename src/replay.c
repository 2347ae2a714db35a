// SPDX-License-Identifier: GPL-2.0-only
/*
 * Offline replay: each packet of a capture file goes through the tc or XDP
 * capture program with BPF_PROG_TEST_RUN, one packet at a time; the ring is
 * consumed after every run, so the records found there are that packet's and
 * take its time stamp and original length.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <bpf/bpf.h>
/*
 * <pcap/bpf.h> defines a struct bpf_insn of its own, clashing with
 * <linux/bpf.h>; pcap.h leaves it out when told a bpf.h is already there
 * (it was made for systems with their own), and no classic program is
 * handled here (filter.c does that).
 */
#define lib_pcap_bpf_h
struct bpf_program;
#include <pcap/dlt.h>
#include <pcap/pcap.h>
#include "capture.h"
#include "hook.h"
#include "inject.h"
#include "log.h"
#include "pcapng.h"
#include "record.h"
#include "replay.h"
#include "ring.h"
#include "xlate.h"

#define NS_PER_SEC 1000000000ull

struct replay {
	const struct ebc_config *cfg;
	const char *hook_name;		/* "tc", "xdp" or "trace" */
	pcap_t *in;
	struct ebc_ebpf_prog filter;
	bool l3;			/* trace: the input is raw IP */
	int input_fd;			/* trace: the map each packet goes into */
	struct ebc_replay_pkt *pkt;	/* trace: that map's value */
	struct ebc_ring *ring;
	struct ebc_tap tap;
	const struct ebc_hook_ops *ops;
	bool loaded;
	int prog_fd;
	struct ebc_pcapng *out;
	struct ebc_rec_names names;
	/* The packet being run: its records take this time stamp and length. */
	uint64_t ts;
	uint32_t orig_len;
	uint64_t first_ts, last_ts;
	uint64_t truncated;		/* input packets with caplen < len */
	struct ebc_replay_result *res;
	int write_err;
};

/* libpcap's open errors may start with the file name: do not say it twice. */
static const char *pcap_reason(const char *msg, const char *path)
{
	size_t n = strlen(path);

	return !strncmp(msg, path, n) && !strncmp(msg + n, ": ", 2) ? msg + n + 2 : msg;
}

static int open_input(struct replay *r, char *errbuf, size_t len)
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	int dlt;

	r->in = pcap_open_offline_with_tstamp_precision(r->cfg->input, PCAP_TSTAMP_PRECISION_NANO,
							 perr);
	if (!r->in) {
		const char *why = pcap_reason(perr, r->cfg->input);

		ebc_errbuf(errbuf, len, "cannot read %s: %s%s", r->cfg->input, why,
			   strcmp(why, "unknown file format") ? "" :
			   " (-r reads pcap and pcapng files)");
		return -EINVAL;
	}
	dlt = pcap_datalink(r->in);
	/* The trace program also takes packets without a MAC header. */
	if (r->cfg->hook == EBC_REPLAY_TRACE && (dlt == DLT_RAW || dlt == DLT_IPV4 || dlt == DLT_IPV6)) {
		r->l3 = true;
		return 0;
	}
	/* The tc and XDP test runs take Ethernet frames. */
	if (dlt != DLT_EN10MB) {
		const char *name = pcap_datalink_val_to_name(dlt);

		if (name)
			ebc_errbuf(errbuf, len, "cannot replay link type %s of %s: only Ethernet "
				   "captures are supported (and raw IP with --hook trace)", name,
				   r->cfg->input);
		else
			ebc_errbuf(errbuf, len, "cannot replay link type %d of %s: only Ethernet "
				   "captures are supported (and raw IP with --hook trace)", dlt,
				   r->cfg->input);
		return -EOPNOTSUPP;
	}
	return 0;
}

static int compile_filter(struct replay *r, char *errbuf, size_t len)
{
	static const enum ebc_tap_kind kinds[] = {
		[EBC_REPLAY_TC] = EBC_TAP_TC, [EBC_REPLAY_XDP] = EBC_TAP_XDP,
		[EBC_REPLAY_TRACE] = EBC_TAP_TRACE,
	};
	struct ebc_xlate_opts opts;
	int dlt = r->l3 ? DLT_RAW : DLT_EN10MB, err;

	ebc_hook__xlate_opts(kinds[r->cfg->hook], &opts);
	err = ebc_xlate__source(r->cfg->filter, r->cfg->cbpf_file, dlt, r->cfg->snaplen, &opts,
				&r->filter, errbuf, len);
	if (err == -EOPNOTSUPP)
		ebc_hook__filter_error(r->cfg, dlt, &opts, "replay with --hook tc", errbuf, len);
	return err;
}

/* The ring callback: a record of the packet just run. */
static int on_record(void *ctx, const struct ebc_rec *rec, const void *data)
{
	struct replay *r = ctx;
	struct ebc_pcapng_pkt pkt;
	char comment[EBC_COMMENT_MAX];
	int err;

	ebc_record__to_pkt(&pkt, comment, sizeof(comment), &r->names, rec, data, 0);
	pkt.ts = r->ts;
	pkt.if_id = 0;	/* one interface: the input's link type */
	/* The kernel saw only the bytes the input holds; the wire had more. */
	if (pkt.len < r->orig_len)
		pkt.len = r->orig_len;
	err = ebc_pcapng__write_epb(r->out, &pkt);
	if (err) {
		r->write_err = err;
		return err;
	}
	r->res->matched++;
	return 0;
}

/* The stub for the link layer the input does not have: nothing matches there. */
static const struct bpf_insn reject_all[] = {
	{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
	{ .code = BPF_JMP | BPF_EXIT },
};

/* The trace program has a stub per link layer: the filter goes to the input's. */
static int trace_filters(struct replay *r, struct ebc_tap_load *ld)
{
	ld->filter_l3 = reject_all;
	ld->filter_l3_len = sizeof(reject_all) / sizeof(reject_all[0]);
	if (r->l3) {
		ld->filter_l3 = ld->filter;
		ld->filter_l3_len = ld->filter_len;
		ld->filter = reject_all;
		ld->filter_len = sizeof(reject_all) / sizeof(reject_all[0]);
	}
	snprintf(r->tap.trace.name, sizeof(r->tap.trace.name), "replay:trace");
	r->tap.kind = EBC_TAP_TRACE;
	r->tap.trace.skb_arg = 0;
	r->tap.trace.reason_arg = -1;
	r->tap.trace.location_arg = -1;
	r->pkt = calloc(1, sizeof(*r->pkt));
	return r->pkt ? 0 : -ENOMEM;
}

static int load_program(struct replay *r, char *errbuf, size_t len)
{
	struct ebc_tap_load ld = {
		.ring_fd = ebc_ring__fd(r->ring),
		.stats_fd = ebc_ring__stats_fd(r->ring),
		.scratch_fd = ebc_ring__scratch_fd(r->ring),
		.owners_fd = -1,
		.snaplen = r->cfg->snaplen,
		.filter = r->filter.insns,
		.filter_len = r->filter.len,
		.anc_mask = r->filter.anc_used,
	};
	int err;

	r->tap.id = 0;
	r->tap.dir = EBC_DIR_IN;
	if (r->cfg->hook == EBC_REPLAY_TRACE && trace_filters(r, &ld))
		return -ENOMEM;
	/* Names the program in the loader's messages ("capture program for replay:tc"). */
	snprintf(r->tap.ifc.name, sizeof(r->tap.ifc.name), "replay:%s", r->hook_name);
	r->tap.ifc.dlt = DLT_EN10MB;
	r->tap.ifc.linktype = 1;
	err = ebc_inject__init();
	if (err) {
		ebc_errbuf(errbuf, len, "cannot register the filter loader with libbpf: %s",
			   ebc_strerror(err));
		return err;
	}
	err = r->ops->load(&r->tap, &ld, errbuf, len);
	if (err)
		return err;
	r->loaded = true;
	r->prog_fd = r->ops->prog_fd(&r->tap);
	if (r->cfg->hook == EBC_REPLAY_TRACE) {
		r->input_fd = r->ops->input_fd(&r->tap);
		ebc_record__trace_names(&r->names, "replay:trace", NULL, NULL);
	} else {
		ebc_record__names(&r->names, "replay", 0, r->cfg->hook == EBC_REPLAY_XDP);
	}
	return 0;
}

static int write_headers(struct replay *r, int fd)
{
	struct utsname un;
	char os[160], desc[PATH_MAX + 64], name[32];
	int err;

	uname(&un);
	snprintf(os, sizeof(os), "%s %s", un.sysname, un.release);
	r->out = ebc_pcapng__open(fd, &(struct ebc_pcapng_opts){
		.userappl = "ebpfcap " EBPFCAP_VERSION, .os = os, .hardware = un.machine });
	if (!r->out)
		return -errno;
	snprintf(name, sizeof(name), "replay:%s", r->hook_name);
	snprintf(desc, sizeof(desc), "%s through the %s program (BPF_PROG_TEST_RUN)",
		 r->cfg->input, r->hook_name);
	err = ebc_pcapng__add_interface(r->out, &(struct ebc_pcapng_if){
		.linktype = r->l3 ? 101 : 1, .snaplen = r->cfg->snaplen, .name = name,
		.description = desc,
		.filter = r->cfg->filter, .tsresol = 9 });
	return err < 0 ? err : 0;
}

/* The trace program takes its packet from a map, then runs with no data of its own. */
static int run_trace(struct replay *r, const struct pcap_pkthdr *h, const u_char *data)
{
	LIBBPF_OPTS(bpf_test_run_opts, topts);
	uint32_t key = 0, n = h->caplen < sizeof(r->pkt->data) ? h->caplen : sizeof(r->pkt->data);
	int err;

	r->pkt->len = h->len;
	r->pkt->caplen = n;
	r->pkt->l3 = r->l3;
	memcpy(r->pkt->data, data, n);
	err = bpf_map_update_elem(r->input_fd, &key, r->pkt, BPF_ANY);
	if (err)
		return err;
	return bpf_prog_test_run_opts(r->prog_fd, &topts);
}

/* Run one packet and write what it produced. 0, or -errno with errbuf set. */
static int run_packet(struct replay *r, const struct pcap_pkthdr *h, const u_char *data,
		      char *errbuf, size_t len)
{
	LIBBPF_OPTS(bpf_test_run_opts, topts, .data_in = data, .data_size_in = h->caplen,
		    .repeat = 1);
	int err;

	r->ts = (uint64_t)h->ts.tv_sec * NS_PER_SEC + (uint64_t)h->ts.tv_usec;
	r->orig_len = h->len;
	if (!r->res->read)
		r->first_ts = r->ts;
	r->last_ts = r->ts;
	r->res->read++;
	if (h->caplen < h->len)
		r->truncated++;
	err = r->pkt ? run_trace(r, h, data) : bpf_prog_test_run_opts(r->prog_fd, &topts);
	/*
	 * EINVAL: the kernel would not build this frame (shorter than an
	 * Ethernet header, an IP packet shorter than its header, larger than a
	 * page): nothing the program could have seen on a device either.
	 */
	if (err == -EINVAL) {
		ebc_debug("packet %llu of %s (%u bytes) skipped: the %s test run refuses it",
			  (unsigned long long)r->res->read, r->cfg->input, h->caplen, r->hook_name);
		r->res->skipped++;
		return 0;
	}
	if (err) {
		ebc_errbuf(errbuf, len, "cannot run packet %llu of %s through the %s program: %s (%s)",
			   (unsigned long long)r->res->read, r->cfg->input, r->hook_name,
			   ebc_strerror(err), ebc_hook__hint(err));
		return err;
	}
	err = ebc_ring__consume(r->ring);
	if (r->write_err) {
		ebc_errbuf(errbuf, len, "cannot write the output: %s", ebc_strerror(r->write_err));
		return r->write_err;
	}
	if (err < 0) {
		ebc_errbuf(errbuf, len, "cannot read the ring buffer: %s", ebc_strerror(err));
		return err;
	}
	return 0;
}

static int run_all(struct replay *r, char *errbuf, size_t len)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int n, err = 0;

	while (!err && (n = pcap_next_ex(r->in, &h, &data)) == 1)
		err = run_packet(r, h, data, errbuf, len);
	if (err)
		return err;
	if (n == PCAP_ERROR) {
		ebc_errbuf(errbuf, len, "cannot read %s: %s", r->cfg->input,
			   pcap_reason(pcap_geterr(r->in), r->cfg->input));
		return -EINVAL;
	}
	if (r->truncated)
		ebc_info("%llu packets of %s were cut short in the file: the filter saw their "
			 "captured bytes and length only", (unsigned long long)r->truncated,
			 r->cfg->input);
	return 0;
}

/* What the program saw and accepted, as a live capture reports it. */
static int write_statistics(struct replay *r)
{
	struct ebc_tap_stats st = { 0 };

	if (ebc_ring__tap_stats(r->ring, r->l3, &st))
		ebc_warn("cannot read the replay's statistics");
	return ebc_pcapng__write_isb(r->out, &(struct ebc_pcapng_isb){
		.if_id = 0, .ts = r->last_ts, .starttime = r->first_ts, .endtime = r->last_ts,
		.ifrecv = st.seen, .filteraccept = st.accepted, .osdrop = st.ring_drops });
}

int ebc_replay__run(const struct ebc_config *cfg, int out_fd, struct ebc_replay_result *res,
		    char *errbuf, size_t len)
{
	struct replay r = {
		.cfg = cfg,
		.res = res,
		.hook_name = cfg->hook == EBC_REPLAY_XDP ? "xdp" : cfg->hook == EBC_REPLAY_TRACE ? "trace" : "tc",
		.ops = cfg->hook == EBC_REPLAY_XDP ? &ebc_hook_xdp_ops :
		       cfg->hook == EBC_REPLAY_TRACE ? &ebc_hook_trace_ops : &ebc_hook_tc_ops,
	};
	int err;

	*res = (struct ebc_replay_result){ 0 };
	err = open_input(&r, errbuf, len);
	if (!err)
		err = compile_filter(&r, errbuf, len);
	if (err)
		goto cleanup;
	r.ring = ebc_ring__new((size_t)cfg->ring_mb << 20, on_record, &r, errbuf, len);
	if (!r.ring) {
		err = -errno;
		goto cleanup;
	}
	err = load_program(&r, errbuf, len);
	if (err)
		goto cleanup;
	err = write_headers(&r, out_fd);
	if (err) {
		ebc_errbuf(errbuf, len, "cannot write the output: %s", ebc_strerror(err));
		goto cleanup;
	}
	err = run_all(&r, errbuf, len);
	if (!err) {
		int close_err;

		err = write_statistics(&r);
		close_err = ebc_pcapng__close(r.out);
		r.out = NULL;
		if (!err)
			err = close_err;
		if (err && err != -EPIPE)
			ebc_errbuf(errbuf, len, "cannot write the output: %s", ebc_strerror(err));
	}
	/* A reader that went away (-w - | head) ends the replay, quietly. */
	if (err == -EPIPE)
		err = 0;
cleanup:
	ebc_pcapng__close(r.out);
	if (r.loaded)
		r.ops->close(&r.tap);
	ebc_ring__free(r.ring);
	ebc_ebpf_prog__free(&r.filter);
	free(r.pkt);
	if (r.in)
		pcap_close(r.in);
	return err;
}
