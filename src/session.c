// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <dirent.h>
#include <limits.h>
#include <unistd.h>
#include <sys/socket.h>
#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif
#include <sys/stat.h>
#include <sys/utsname.h>
#include <pcap/dlt.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include "capture.h"
#include "session.h"
#include "hook.h"
#include "ifaces.h"
#include "inject.h"
#include "kbtf.h"
#include "log.h"
#include "loop.h"
#include "owners.h"
#include "pcapng.h"
#include "record.h"
#include "ring.h"
#include "xlate.h"

/* One translated filter per link type in use. */
struct link_filter {
	int dlt;
	enum ebc_tap_kind kind;	/* what the hook answers of ancillary loads */
	struct ebc_ebpf_prog prog;
};

struct tap_state {
	struct ebc_tap tap;
	const struct ebc_hook_ops *ops;
	bool attached;
	uint64_t drops_reported;	/* in records' drop counts */
	uint64_t written;		/* packets written for this tap */
	uint64_t dev_drops_start;
	struct ebc_rec_names names;	/* comment prefixes, computed once */
	bool companion;		/* a trace tap's raw-IP interface: opened with the tap before it */
};

struct ebc_session {
	const struct ebc_config *cfg;
	struct tap_state *taps;
	size_t ntaps;
	struct link_filter filters[8];
	size_t nfilters;
	struct ebc_ring *ring;
	struct ebc_owners *owners;	/* NULL: processes are not named */
	struct ebc_select sel;		/* --pid, --comm, --cgroup */
	unsigned int cgroup_level;
	struct ebc_kbtf *kbtf;		/* trace taps: the kernel's BTF */
	struct ebc_ksyms *ksyms;	/* trace taps: drop locations; NULL if unreadable */
	struct ebc_pcapng *out;
	uint64_t mono_to_real;	/* add to a CLOCK_MONOTONIC time to get wall-clock ns */
	uint64_t start_real;
	uint64_t written;
	bool count_reached;
	int write_err;
};

#define STOP_COUNT EBC_LOOP_STOP_COUNT	/* ring callback: the packet count is reached */

static const struct ebc_hook_ops *tap_ops(enum ebc_tap_kind kind)
{
	return kind == EBC_TAP_XDP ? &ebc_hook_xdp_ops :
	       kind == EBC_TAP_TRACE ? &ebc_hook_trace_ops :
	       kind == EBC_TAP_XDPHOOK ? &ebc_hook_xdphook_ops :
	       kind == EBC_TAP_XDPPROG ? &ebc_hook_xdpprog_ops : &ebc_hook_tc_ops;
}

static int add_tap(struct ebc_session *c, const struct ebc_iface *ifc, enum ebc_tap_kind kind)
{
	struct tap_state *t, *tmp;

	if (c->ntaps >= EBC_MAX_TAPS)
		return -E2BIG;
	tmp = realloc(c->taps, (c->ntaps + 1) * sizeof(*c->taps));
	if (!tmp)
		return -ENOMEM;
	c->taps = tmp;
	t = &c->taps[c->ntaps];
	memset(t, 0, sizeof(*t));
	t->tap.id = c->ntaps++;
	t->tap.kind = kind;
	t->tap.ifc = *ifc;
	t->tap.dir = kind == EBC_TAP_XDP ? EBC_DIR_IN : c->cfg->direction;
	t->tap.xdp_mode = c->cfg->xdp_mode;
	t->tap.tc_mode = c->cfg->tc_mode;
	t->ops = tap_ops(kind);
	return 0;
}

static int select_xdp(struct ebc_session *c, const struct ebc_iface *ifc, char *errbuf,
		      size_t len);

static int select_one(struct ebc_session *c, enum ebc_tap_kind kind, char *errbuf, size_t len)
{
	struct ebc_iface ifc;
	int err;

	err = ebc_ifaces__find(c->cfg->device, &ifc);
	if (err) {
		ebc_errbuf(errbuf, len, "no such device %s in this network namespace (list them with "
			   "ebpfcap -D)", c->cfg->device);
		return err;
	}
	if (ifc.dlt < 0) {
		ebc_errbuf(errbuf, len, "cannot capture on %s: link type %u is not supported "
			   "(Ethernet, loopback and raw-IP devices are)", ifc.name, ifc.arphrd);
		return -EOPNOTSUPP;
	}
	if (kind == EBC_TAP_XDP)
		return select_xdp(c, &ifc, errbuf, len);
	return add_tap(c, &ifc, kind == EBC_TAP_ANY ? EBC_TAP_TC : kind);
}

/* ---- XDP: our own program, or the one already attached, traced ------------ */

struct xdp_target {
	unsigned int id;
	char name[64];
};

static int prog_name(unsigned int id, char *name, size_t len)
{
	struct bpf_prog_info info = { 0 };
	__u32 n = sizeof(info);
	int fd = bpf_prog_get_fd_by_id(id), err;

	if (fd < 0)
		return -errno;
	err = bpf_obj_get_info_by_fd(fd, &info, &n);
	close(fd);
	if (!err)
		snprintf(name, len, "%s", info.name);
	return err;
}

/*
 * The programs a libxdp dispatcher runs, from the pins libxdp keeps in
 * <bpffs>/xdp/dispatch-IFINDEX-ID/progN-prog; none found: the dispatcher itself.
 */
static size_t dispatcher_progs(unsigned int ifindex, unsigned int id, struct xdp_target *out,
			       size_t max)
{
	char dir[128], path[PATH_MAX];
	struct dirent *e;
	size_t n = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "/sys/fs/bpf/xdp/dispatch-%u-%u", ifindex, id);
	d = opendir(dir);
	while (d && (e = readdir(d)) && n < max) {
		struct bpf_prog_info info = { 0 };
		__u32 len = sizeof(info);
		int fd;

		if (strncmp(e->d_name, "prog", 4) || !strstr(e->d_name, "-prog"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		fd = bpf_obj_get(path);
		if (fd < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(fd, &info, &len)) {
			out[n].id = info.id;
			snprintf(out[n].name, sizeof(out[n].name), "%s", info.name);
			n++;
		}
		close(fd);
	}
	if (d)
		closedir(d);
	return n;
}

/* Which attached programs --xdp-prog names (by name or id; NULL: all of them). */
static bool prog_wanted(const char *want, const struct xdp_target *t)
{
	char id[16];

	snprintf(id, sizeof(id), "%u", t->id);
	return !want || !strcmp(want, "all") || !strcmp(want, t->name) || !strcmp(want, id);
}

static int add_xdpprog_taps(struct ebc_session *c, const struct ebc_iface *ifc,
			    const struct xdp_target *progs, size_t n, const char *attach_mode,
			    char *errbuf, size_t len)
{
	size_t added = 0;
	int err = 0;

	for (size_t i = 0; i < n && !err; i++) {
		struct ebc_tap *tap;

		if (!prog_wanted(c->cfg->xdp_prog, &progs[i]))
			continue;
		err = add_tap(c, ifc, EBC_TAP_XDPPROG);
		if (err)
			break;
		tap = &c->taps[c->ntaps - 1].tap;
		tap->xdp_prog_id = progs[i].id;
		snprintf(tap->xdp_prog_name, sizeof(tap->xdp_prog_name), "%s", progs[i].name);
		tap->xdp_capture = c->cfg->xdp_capture;
		tap->xdp_attach = attach_mode;
		tap->verdicts = c->cfg->verdicts;
		added++;
	}
	if (!err && !added) {
		ebc_errbuf(errbuf, len, "no XDP program %s runs on %s (%s, id %u, is there)",
			   c->cfg->xdp_prog, ifc->name, progs[0].name, progs[0].id);
		err = -ENOENT;
	}
	return err;
}

/* What bpf_xdp_query() says of how the program is attached. */
static const char *xdp_attach_mode(__u8 mode)
{
	switch (mode) {
	case XDP_ATTACHED_DRV:
		return "native";
	case XDP_ATTACHED_SKB:
		return "generic";
	case XDP_ATTACHED_HW:
		return "offloaded";
	case XDP_ATTACHED_MULTI:
		return "several modes";
	}
	return "?";
}

/*
 * A device with no XDP program gets ours; one with a program keeps it, and
 * that program is traced (its verdicts are what the user wants to see).
 */
static int select_xdp(struct ebc_session *c, const struct ebc_iface *ifc, char *errbuf,
		      size_t len)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	struct xdp_target progs[16];
	size_t n = 1;

	if (bpf_xdp_query(ifc->ifindex, 0, &q) || !(q.prog_id | q.drv_prog_id | q.skb_prog_id))
		return add_tap(c, ifc, EBC_TAP_XDP);
	progs[0].id = q.prog_id ? q.prog_id : q.drv_prog_id ? q.drv_prog_id : q.skb_prog_id;
	if (prog_name(progs[0].id, progs[0].name, sizeof(progs[0].name)))
		snprintf(progs[0].name, sizeof(progs[0].name), "?");
	if (!strcmp(progs[0].name, "xdp_dispatcher")) {
		struct xdp_target d = progs[0];

		n = dispatcher_progs(ifc->ifindex, d.id, progs, sizeof(progs) / sizeof(progs[0]));
		if (!n)
			progs[0] = d, n = 1;
	}
	ebc_info("%s has XDP program %s (id %u): tracing it", ifc->name, progs[0].name,
		 progs[0].id);
	return add_xdpprog_taps(c, ifc, progs, n, xdp_attach_mode(q.attach_mode), errbuf, len);
}

/*
 * Taps on the capturable devices, in ifindex order, at most max of them:
 * -i any takes every device that is up; with no --device, the tc and XDP
 * interfaces take the first device --extcap-config offers as the default
 * (Wireshark passes no --device when the user kept the selector's default).
 */
static int select_many(struct ebc_session *c, enum ebc_tap_kind kind, bool up_only, size_t max,
		       char *errbuf, size_t len)
{
	struct ebc_iface *list;
	size_t n;
	int err;

	err = ebc_ifaces__list(&list, &n);
	if (err) {
		ebc_errbuf(errbuf, len, "cannot list network devices: %s", ebc_strerror(err));
		return err;
	}
	for (size_t i = 0; i < n && !err && c->ntaps < max; i++) {
		if (list[i].dlt < 0 || (up_only && !list[i].up)) {
			ebc_debug("skipping %s (%s)", list[i].name, list[i].up ? "link type" : "down");
			continue;
		}
		err = kind == EBC_TAP_XDP ? select_xdp(c, &list[i], errbuf, len) :
					    add_tap(c, &list[i], kind);
		ebc_info("capturing on %s", list[i].name);
	}
	free(list);
	if (!err && !c->ntaps) {
		ebc_errbuf(errbuf, len, up_only ? "no device is up in this network namespace (bring "
			   "one up with ip link set DEV up)" :
			   "no capturable device in this network namespace");
		err = -ENODEV;
	}
	return err;
}

/* ---- trace taps ---------------------------------------------------------- */

/* This network namespace's cookie (0 if the kernel cannot say): XDP keys owners by it. */
static unsigned long long netns_cookie(void)
{
	unsigned long long cookie = 0;
	socklen_t len = sizeof(cookie);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd >= 0) {
		if (getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &len))
			cookie = 0;
		close(fd);
	}
	return cookie;
}

static int netns_inode(unsigned int *ino)
{
	struct stat st;

	if (stat("/proc/self/ns/net", &st))
		return -errno;
	*ino = (unsigned int)st.st_ino;
	return 0;
}

static int resolve_tracepoint(struct ebc_session *c, struct ebc_trace_target *t, char *errbuf,
			      size_t len)
{
	struct ebc_tp_info tp;
	int err = ebc_kbtf__tracepoint(c->kbtf, c->cfg->trace_target, &tp);

	if (err == -ENOENT) {
		ebc_errbuf(errbuf, len, "no tracepoint %s in this kernel (list those carrying "
			   "packets with ebpfcap -D)", c->cfg->trace_target);
		return err;
	}
	if (err) {
		ebc_errbuf(errbuf, len, "tracepoint %s carries no sk_buff: nothing to capture "
			   "there (list those carrying packets with ebpfcap -D)", c->cfg->trace_target);
		return err;
	}
	snprintf(t->target, sizeof(t->target), "%s", tp.name);
	if (tp.group[0])
		snprintf(t->name, sizeof(t->name), "tp:%s:%s", tp.group, tp.name);
	else
		snprintf(t->name, sizeof(t->name), "tp:%s", tp.name);
	t->skb_arg = tp.skb_arg;
	t->reason_arg = tp.reason_arg;
	t->location_arg = tp.location_arg;
	return 0;
}

/* The 0-based sk_buff argument: the one asked for, or the first. */
static int pick_skb_arg(const struct ebc_kfunc_info *fn, const struct ebc_config *cfg,
			char *errbuf, size_t len)
{
	const char *tap = cfg->trace_kind == EBC_TRACE_KRETFUNC ? "kretfunc" : "kfunc";
	unsigned int arg = cfg->trace_arg, first;
	char fix[192];

	if (!fn->skb_args) {
		ebc_errbuf(errbuf, len, "kernel function %s takes no struct sk_buff * argument "
			   "(give one that does, e.g. %s%s%sip_rcv)", fn->name,
			   cfg->extcap ? "--function " : "-i ", cfg->extcap ? "" : tap,
			   cfg->extcap ? "" : ":");
		return -EINVAL;
	}
	first = (unsigned int)__builtin_ctz(fn->skb_args) + 1;
	if (!arg)
		return (int)first - 1;
	if (arg > 32 || !(fn->skb_args & (1u << (arg - 1)))) {
		if (cfg->extcap)
			snprintf(fix, sizeof(fix), "--arg %u", first);
		else
			snprintf(fix, sizeof(fix), "-i %s:%.128s:arg%u", tap, fn->name, first);
		if ((int)arg > fn->nargs)
			ebc_errbuf(errbuf, len, "kernel function %s has no argument %u (it takes %d; "
				   "use %s)", fn->name, arg, fn->nargs, fix);
		else
			ebc_errbuf(errbuf, len, "argument %u of %s is not a struct sk_buff * (use %s)",
				   arg, fn->name, fix);
		return -EINVAL;
	}
	return (int)arg - 1;
}

static int resolve_function(struct ebc_session *c, struct ebc_trace_target *t, char *errbuf,
			    size_t len)
{
	struct ebc_kfunc_info fn;
	int err = ebc_kbtf__function(c->kbtf, c->cfg->trace_target, &fn);

	if (err) {
		ebc_errbuf(errbuf, len, "no kernel function %s in this kernel's BTF (check the "
			   "name in /proc/kallsyms; static functions may be inlined)",
			   c->cfg->trace_target);
		return err;
	}
	err = pick_skb_arg(&fn, c->cfg, errbuf, len);
	if (err < 0)
		return err;
	snprintf(t->target, sizeof(t->target), "%s", fn.name);
	snprintf(t->name, sizeof(t->name), "%s:%s:arg%d",
		 t->kind == EBC_TRACE_KFUNC ? "kfunc" : "kretfunc", fn.name, err + 1);
	t->skb_arg = err;
	t->reason_arg = -1;
	t->location_arg = -1;
	return 0;
}

/* Interface id: packets with a MAC header (Ethernet); id + 1: without one (raw IP). */
static int add_trace_taps(struct ebc_session *c, const struct ebc_trace_target *t)
{
	struct ebc_iface ifc = { .ifindex = 0, .up = true, .dlt = DLT_EN10MB, .linktype = 1 };
	int err;

	snprintf(ifc.name, sizeof(ifc.name), "trace");
	err = add_tap(c, &ifc, EBC_TAP_TRACE);
	if (err)
		return err;
	c->taps[c->ntaps - 1].tap.trace = *t;
	ifc.dlt = DLT_RAW;
	ifc.linktype = 101;	/* LINKTYPE_RAW */
	err = add_tap(c, &ifc, EBC_TAP_TRACE);
	if (err)
		return err;
	c->taps[c->ntaps - 1].tap.trace = *t;
	c->taps[c->ntaps - 1].companion = true;
	return 0;
}

/*
 * The functions that run softirqs, for the program to tell process context
 * from its call stack. Without kernel symbols it names no process.
 */
static void irq_funcs(const struct ebc_ksyms *ksyms, struct ebc_trace_target *t)
{
	static const char *const names[] = { "handle_softirqs", "__do_softirq", "do_softirq",
					     "run_ksoftirqd" };
	size_t n = 0;

	for (size_t i = 0; ksyms && i < sizeof(names) / sizeof(names[0]); i++)
		if (!ebc_ksyms__range(ksyms, names[i], &t->irq_funcs[n][0], &t->irq_funcs[n][1]))
			n++;
	if (!n)
		ebc_info("no softirq functions in the kernel symbols: packets will not name a "
			 "process");
}

static int select_trace(struct ebc_session *c, char *errbuf, size_t len)
{
	struct ebc_trace_target t = { .kind = c->cfg->trace_kind, .mode = c->cfg->trace_mode };
	int err = ebc_kbtf__open(&c->kbtf);

	if (err) {
		ebc_errbuf(errbuf, len, "cannot read the kernel's BTF: %s (trace taps need a kernel "
			   "built with CONFIG_DEBUG_INFO_BTF)", ebc_strerror(err));
		return err;
	}
	err = t.kind == EBC_TRACE_TP ? resolve_tracepoint(c, &t, errbuf, len) :
				       resolve_function(c, &t, errbuf, len);
	if (err)
		return err;
	if (c->cfg->netns) {
		struct stat st;

		if (stat(c->cfg->netns, &st)) {
			ebc_errbuf(errbuf, len, "no network namespace at %s (give /run/netns/NAME or "
				   "/proc/PID/ns/net)", c->cfg->netns);
			return -ENOENT;
		}
		t.netns = (unsigned int)st.st_ino;
	} else if (!c->cfg->all_netns && netns_inode(&t.netns)) {
		ebc_warn("cannot tell this network namespace: capturing in all of them");
	}
	if (ebc_ksyms__load(&c->ksyms))
		ebc_info("kernel symbols are not readable: drop locations stay addresses");
	irq_funcs(c->ksyms, &t);
	return add_trace_taps(c, &t);
}

/* A hook map: one interface for every packet its XDP programs pass through us. */
static int select_hook(struct ebc_session *c)
{
	struct ebc_iface ifc = { .up = true, .dlt = DLT_EN10MB, .linktype = 1 };
	struct ebc_tap *tap;
	int err;

	snprintf(ifc.name, sizeof(ifc.name), "xdphook");
	err = add_tap(c, &ifc, EBC_TAP_XDPHOOK);
	if (err)
		return err;
	tap = &c->taps[c->ntaps - 1].tap;
	tap->hook_path = c->cfg->xdp_hook;
	tap->verdicts = c->cfg->verdicts;
	return 0;
}

static int select_taps(struct ebc_session *c, char *errbuf, size_t len)
{
	if (c->cfg->kind == EBC_TAP_XDPHOOK)
		return select_hook(c);
	if (c->cfg->kind == EBC_TAP_TRACE)
		return select_trace(c, errbuf, len);
	if (c->cfg->device)
		return select_one(c, c->cfg->kind, errbuf, len);
	if (c->cfg->kind != EBC_TAP_ANY)
		return select_many(c, c->cfg->kind, false, 1, errbuf, len);
	return select_many(c, EBC_TAP_TC, true, EBC_MAX_TAPS, errbuf, len);
}

static const struct ebc_ebpf_prog *filter_for(struct ebc_session *c, int dlt,
					      enum ebc_tap_kind kind, char *errbuf, size_t len)
{
	struct ebc_xlate_opts opts;
	struct link_filter *f;
	int err;

	kind = kind == EBC_TAP_ANY ? EBC_TAP_TC : kind;
	for (size_t i = 0; i < c->nfilters; i++)
		if (c->filters[i].dlt == dlt && c->filters[i].kind == kind)
			return &c->filters[i].prog;
	if (c->nfilters == sizeof(c->filters) / sizeof(c->filters[0])) {
		ebc_errbuf(errbuf, len, "too many link types to filter at once");
		return NULL;
	}
	f = &c->filters[c->nfilters];
	ebc_hook__xlate_opts(kind, &opts);
	err = ebc_xlate__source(c->cfg->filter, c->cfg->cbpf_file, dlt, c->cfg->snaplen, &opts,
				&f->prog, errbuf, len);
	if (err == -EOPNOTSUPP)
		ebc_hook__filter_error(c->cfg, dlt, &opts, c->cfg->extcap ?
				       "capture with ebpfcap-tc" : "capture with -i tc:DEV", errbuf, len);
	if (err)
		return NULL;
	f->dlt = dlt;
	f->kind = kind;
	c->nfilters++;
	ebc_debug("filter \"%s\" for DLT %d at %s: %zu eBPF instructions",
		  c->cfg->cbpf_file ? c->cfg->cbpf_file : c->cfg->filter ? c->cfg->filter : "",
		  dlt, opts.hook_name, f->prog.len);
	return &f->prog;
}

/*
 * The raw-IP filter of a trace tap: an expression about the link layer
 * ("ether host ...", "arp") has no raw-IP meaning, and then no packet without
 * a MAC header matches it, as tcpdump on a raw-IP device would have it.
 */
static const struct bpf_insn reject_all[] = {
	{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
	{ .code = BPF_JMP | BPF_EXIT },
};

static void l3_filter(struct ebc_session *c, struct ebc_tap_load *ld)
{
	char why[256];
	const struct ebc_ebpf_prog *prog = NULL;

	/* A classic program from a file was written for the device's link layer. */
	if (c->cfg->cbpf_file)
		snprintf(why, sizeof(why), "--cbpf programs filter link-layer packets only");
	else
		prog = filter_for(c, DLT_RAW, EBC_TAP_TRACE, why, sizeof(why));
	if (prog) {
		ld->anc_mask |= prog->anc_used;
		ld->filter_l3 = prog->insns;
		ld->filter_l3_len = prog->len;
		return;
	}
	ebc_info("packets without a MAC header will not match: %s", why);
	ld->filter_l3 = reject_all;
	ld->filter_l3_len = sizeof(reject_all) / sizeof(reject_all[0]);
}

static void tap_names(struct ebc_session *c, struct tap_state *t)
{
	if (t->tap.kind == EBC_TAP_TRACE)
		ebc_record__trace_names(&t->names, t->tap.trace.name, c->kbtf, c->ksyms);
	else if (t->tap.kind == EBC_TAP_XDPHOOK)
		ebc_record__hook_names(&t->names);
	else if (t->tap.kind == EBC_TAP_XDPPROG)
		ebc_record__xdpprog_names(&t->names, t->tap.ifc.name, t->tap.ifc.ifindex,
					  t->tap.xdp_prog_name, t->tap.xdp_prog_id);
	else
		ebc_record__names(&t->names, t->tap.ifc.name, t->tap.ifc.ifindex,
				  t->tap.kind == EBC_TAP_XDP);
}

static int open_taps(struct ebc_session *c, char *errbuf, size_t len)
{
	struct ebc_tap_load ld = {
		.ring_fd = ebc_ring__fd(c->ring),
		.stats_fd = ebc_ring__stats_fd(c->ring),
		.scratch_fd = ebc_ring__scratch_fd(c->ring),
		.owners_fd = c->owners ? ebc_owners__map_fd(c->owners) : -1,
		.addr_owners_fd = c->owners ? ebc_owners__addr_map_fd(c->owners) : -1,
		.owner_ports_fd = c->owners ? ebc_owners__ports_map_fd(c->owners) : -1,
		.netns_cookie = netns_cookie(),
		.snaplen = c->cfg->snaplen,
		.sel = c->sel,
	};
	int err;

	for (size_t i = 0; i < c->ntaps; i++) {
		struct tap_state *t = &c->taps[i];
		const struct ebc_ebpf_prog *prog;

		tap_names(c, t);
		if (t->companion)
			continue;
		prog = filter_for(c, t->tap.ifc.dlt, t->tap.kind, errbuf, len);
		if (!prog)
			return -EINVAL;
		ld.filter = prog->insns;
		ld.filter_len = prog->len;
		ld.anc_mask = prog->anc_used;
		ld.filter_l3 = NULL;
		ld.filter_l3_len = 0;
		if (t->tap.kind == EBC_TAP_TRACE)
			l3_filter(c, &ld);
		err = t->ops->open(&t->tap, &ld, errbuf, len);
		if (err)
			return err;
		t->attached = true;
		t->dev_drops_start = t->tap.ifc.rx_dropped + t->tap.ifc.tx_dropped;
		ebc_info("capturing on %s:%s (%s)", t->ops->name, t->tap.ifc.name, t->tap.mech);
	}
	return 0;
}

static void close_taps(struct ebc_session *c)
{
	for (size_t i = 0; i < c->ntaps; i++) {
		if (c->taps[i].attached)
			c->taps[i].ops->close(&c->taps[i].tap);
		c->taps[i].attached = false;
	}
}

static int on_record(void *ctx, const struct ebc_rec *rec, const void *data);

/*
 * tc packets name their process when the socket-owner hooks can run; a
 * capture without them is still a capture, so failing here is only logged.
 */
/*
 * --cgroup PATH: its cgroup v2 id (the directory's inode) and its depth below
 * the hierarchy's root, the level at which processes' ancestors are compared.
 */
static int resolve_cgroup(const char *path, struct ebc_select *sel, unsigned int *level,
			  char *errbuf, size_t len)
{
	char root[4096], real[PATH_MAX];
	struct stat st;
	size_t n;

	if (ebc_owners__cgroup_root(root, sizeof(root))) {
		ebc_errbuf(errbuf, len, "--cgroup needs a cgroup v2 hierarchy, and none is mounted");
		return -ENOENT;
	}
	if (!realpath(path, real) || stat(real, &st) || !S_ISDIR(st.st_mode)) {
		ebc_errbuf(errbuf, len, "no cgroup %s (give a directory under %s)", path, root);
		return -ENOENT;
	}
	n = strlen(root);
	if (strncmp(real, root, n) || (real[n] && real[n] != '/')) {
		ebc_errbuf(errbuf, len, "%s is not under the cgroup v2 hierarchy at %s", path, root);
		return -EINVAL;
	}
	*level = 0;
	for (const char *p = real + n; *p; p++)
		if (*p == '/' && p[1])
			(*level)++;
	sel->cgroup = st.st_ino;
	return 0;
}

/* --pid, --comm, --cgroup as the programs compare them. */
static int build_select(struct ebc_session *c, char *errbuf, size_t len)
{
	struct ebc_select *sel = &c->sel;

	sel->pid = c->cfg->pid;
	if (c->cfg->comm)
		strncpy(sel->comm, c->cfg->comm, sizeof(sel->comm) - 1);
	if (c->cfg->cgroup) {
		int err = resolve_cgroup(c->cfg->cgroup, sel, &c->cgroup_level, errbuf, len);

		if (err)
			return err;
	}
	sel->level = c->cgroup_level;
	sel->on = sel->pid || sel->comm[0] || sel->cgroup;
	return 0;
}

static int open_owners(struct ebc_session *c, char *errbuf, size_t len)
{
	char why[256];
	int err;

	for (size_t i = 0; i < c->ntaps; i++) {
		if (c->taps[i].tap.kind == EBC_TAP_XDPPROG && c->sel.on) {
			ebc_errbuf(errbuf, len, "--pid, --comm and --cgroup cannot select on a traced "
				   "XDP program: it runs before any socket (capture at tc instead)");
			return -EOPNOTSUPP;
		}
	}
	err = ebc_owners__open(&c->owners, c->cgroup_level, why, sizeof(why));
	if (!err)
		return 0;
	c->owners = NULL;
	/* Selecting by process without knowing processes would capture nothing. */
	if (c->sel.on) {
		ebc_errbuf(errbuf, len, "cannot select packets by process: %s", why);
		return err;
	}
	ebc_info("packets will not name their process: %s", why);
	return 0;
}

int ebc_session__open(struct ebc_session **out, const struct ebc_config *cfg, char *errbuf,
		      size_t len)
{
	struct ebc_session *c = calloc(1, sizeof(*c));
	int err;

	if (!c)
		return -ENOMEM;
	c->cfg = cfg;
	err = select_taps(c, errbuf, len);
	if (err)
		goto fail;
	err = ebc_inject__init();
	if (err) {
		ebc_errbuf(errbuf, len, "cannot register the filter loader with libbpf: %s",
			   ebc_strerror(err));
		goto fail;
	}
	c->ring = ebc_ring__new((size_t)cfg->ring_mb << 20, on_record, c, errbuf, len);
	if (!c->ring) {
		err = -errno;
		goto fail;
	}
	err = build_select(c, errbuf, len);
	if (!err)
		err = open_owners(c, errbuf, len);
	if (err)
		goto fail;
	err = open_taps(c, errbuf, len);
	if (err)
		goto fail;
	*out = c;
	return 0;
fail:
	ebc_session__close(c);
	return err;
}

void ebc_session__close(struct ebc_session *c)
{
	if (!c)
		return;
	close_taps(c);
	ebc_owners__close(c->owners);
	ebc_ksyms__free(c->ksyms);
	ebc_kbtf__close(c->kbtf);
	ebc_ring__free(c->ring);
	for (size_t i = 0; i < c->nfilters; i++)
		ebc_ebpf_prog__free(&c->filters[i].prog);
	free(c->taps);
	free(c);
}

static int on_record(void *ctx, const struct ebc_rec *rec, const void *data)
{
	struct ebc_session *c = ctx;
	struct ebc_pcapng_pkt pkt;
	struct tap_state *t;
	char comment[EBC_COMMENT_MAX];
	int err;

	if (c->count_reached)
		return STOP_COUNT;
	if (rec->tap >= c->ntaps)
		return 0;
	t = &c->taps[rec->tap];
	t->drops_reported += rec->drops;
	ebc_record__to_pkt(&pkt, comment, sizeof(comment), &t->names, rec, data, c->mono_to_real);
	err = ebc_pcapng__write_epb(c->out, &pkt);
	if (err) {
		c->write_err = err;
		return err;
	}
	t->written++;
	c->written++;
	if (c->cfg->count && c->written >= c->cfg->count) {
		c->count_reached = true;
		return STOP_COUNT;
	}
	return 0;
}

/* The interface's name and description in the capture file. */
static void describe_tap(const struct ebc_session *c, size_t i, char *name, size_t nlen,
			 char *desc, size_t dlen)
{
	static const char *const dirs[] = { "ingress and egress", "ingress", "egress" };
	const struct tap_state *t = &c->taps[i];
	const struct ebc_tap *tap = &t->tap;
	const char *what;

	if (tap->kind == EBC_TAP_TRACE) {
		/* The companion comes right after its tap, which knows the mechanism. */
		const char *mech = t->companion ? c->taps[i - 1].tap.mech : tap->mech;

		what = tap->trace.kind == EBC_TRACE_TP ? "tracepoint" :
		       tap->trace.kind == EBC_TRACE_KFUNC ? "entry of" : "exit of";
		snprintf(name, nlen, "%s%s", tap->trace.name, t->companion ? ":ip" : "");
		snprintf(desc, dlen, "%s %s (%s)%s", what, tap->trace.target, mech ? mech : "?",
			 t->companion ? ": packets without a MAC header, from the IP header" : "");
	} else if (tap->kind == EBC_TAP_XDPPROG) {
		snprintf(name, nlen, "xdp:%s:%s", tap->ifc.name, tap->xdp_prog_name);
		snprintf(desc, dlen, "XDP program %s (id %u) on %s (%s), traced with %s",
			 tap->xdp_prog_name, tap->xdp_prog_id, tap->ifc.name, tap->xdp_attach,
			 tap->mech);
	} else if (tap->kind == EBC_TAP_XDPHOOK) {
		snprintf(name, nlen, "xdphook:%s", tap->hook_path);
		snprintf(desc, dlen, "verdicts of the XDP programs that tail-call %s (%s)",
			 tap->hook_path, tap->mech);
	} else if (tap->kind == EBC_TAP_XDP) {
		snprintf(name, nlen, "xdp:%s", tap->ifc.name);
		snprintf(desc, dlen, "XDP hook of %s (%s mode)", tap->ifc.name, tap->mech);
	} else {
		snprintf(name, nlen, "tc:%s", tap->ifc.name);
		snprintf(desc, dlen, "tc %s of %s (%s)", dirs[tap->dir], tap->ifc.name, tap->mech);
	}
}

static int write_headers(struct ebc_session *c, int fd)
{
	struct utsname un;
	char os[160], desc[256], name[192];
	int err = 0;

	uname(&un);
	snprintf(os, sizeof(os), "%s %s", un.sysname, un.release);
	c->out = ebc_pcapng__open(fd, &(struct ebc_pcapng_opts){
		.userappl = "ebpfcap " EBPFCAP_VERSION, .os = os, .hardware = un.machine });
	if (!c->out)
		return -errno;
	for (size_t i = 0; i < c->ntaps && !err; i++) {
		const struct ebc_tap *tap = &c->taps[i].tap;

		describe_tap(c, i, name, sizeof(name), desc, sizeof(desc));
		err = ebc_pcapng__add_interface(c->out, &(struct ebc_pcapng_if){
			.linktype = tap->ifc.linktype, .snaplen = c->cfg->snaplen, .name = name,
			.description = desc, .filter = c->cfg->filter, .tsresol = 9 });
	}
	if (err >= 0)
		err = ebc_pcapng__flush(c->out);
	return err < 0 ? err : 0;
}

/* Packets of tap t in the output: written, less what a failed write lost. */
static uint64_t delivered(const struct ebc_session *c, const struct tap_state *t)
{
	return t->written - ebc_pcapng__lost(c->out, t->tap.id);
}

/*
 * One statistics block per interface with the counters so far; res (may be
 * NULL) gets the totals. The devices' own drop counters come from one listing
 * for the whole round.
 */
static int write_statistics(struct ebc_session *c, struct ebc_session_result *res)
{
	uint64_t now = ebc_loop__clock_ns(CLOCK_REALTIME);
	struct ebc_iface *devs = NULL;
	size_t ndevs = 0;
	int err = 0;

	if (ebc_ifaces__list(&devs, &ndevs))
		ebc_warn("cannot read the devices' drop counters");
	for (size_t i = 0; i < c->ntaps && !err; i++) {
		struct tap_state *t = &c->taps[i];
		const struct ebc_iface *dev = ebc_ifaces__by_index(devs, ndevs, t->tap.ifc.ifindex);
		struct ebc_tap_stats st = { 0 };
		uint64_t dev_drops = 0;

		if (ebc_ring__tap_stats(c->ring, t->tap.id, &st))
			ebc_warn("cannot read the statistics of %s", t->tap.ifc.name);
		if (dev)
			dev_drops = dev->rx_dropped + dev->tx_dropped - t->dev_drops_start;
		if (res) {
			res->seen += st.seen;
			res->dropped += st.ring_drops;
		}
		err = ebc_pcapng__write_isb(c->out, &(struct ebc_pcapng_isb){
			.if_id = t->tap.id, .ts = now, .starttime = c->start_real, .endtime = now,
			.ifrecv = st.seen, .ifdrop = dev_drops, .filteraccept = st.accepted,
			.osdrop = st.ring_drops, .has_usrdeliv = true, .usrdeliv = delivered(c, t) });
	}
	free(devs);
	return err;
}

static int poll_ring(void *ctx, int timeout_ms)
{
	return ebc_ring__poll(((struct ebc_session *)ctx)->ring, timeout_ms);
}

static int periodic_stats(void *ctx)
{
	return write_statistics(ctx, NULL);
}

static int capture_loop(struct ebc_session *c, volatile sig_atomic_t *stop)
{
	const struct ebc_loop loop = {
		.poll = poll_ring, .stats = periodic_stats, .ctx = c, .out = c->out,
		.count_reached = &c->count_reached, .write_err = &c->write_err,
	};

	return ebc_loop__run(&loop, stop);
}

/* The output that failed, by name, and what to do about it. */
static void write_error(const struct ebc_config *cfg, int err, char *errbuf, size_t len)
{
	const char *path = cfg->extcap ? cfg->fifo : cfg->output;
	const char *fix = err == -ENOSPC || err == -EDQUOT ? " (free some space or write elsewhere)" :
			  err == -EFBIG ? " (the file size limit is reached: write elsewhere or raise "
					  "ulimit -f)" : "";

	if (!path || !strcmp(path, "-"))
		path = "the standard output";
	ebc_errbuf(errbuf, len, "cannot write %s: %s%s", path, ebc_strerror(err), fix);
}

int ebc_session__run(struct ebc_session *c, int fd, volatile sig_atomic_t *stop,
		     struct ebc_session_result *res, char *errbuf, size_t len)
{
	int err, n;

	*res = (struct ebc_session_result){ 0 };
	c->start_real = ebc_loop__clock_ns(CLOCK_REALTIME);
	c->mono_to_real = c->start_real - ebc_loop__clock_ns(CLOCK_MONOTONIC);
	err = write_headers(c, fd);
	if (!err)
		err = capture_loop(c, stop);
	/* Detach first, so that what the ring holds now is all there will be. */
	close_taps(c);
	if (!err && !c->count_reached) {
		n = ebc_ring__consume(c->ring);
		if (n < 0 && n != STOP_COUNT)
			err = c->write_err ? c->write_err : n;
	}
	if (!err)
		err = write_statistics(c, res);
	/* A file cut back after a failed write still gets its statistics if they fit. */
	else if (err != -EPIPE && !ebc_pcapng__recover(c->out))
		(void)write_statistics(c, NULL);
	/* Flushed before counting, so that what the last write lost is known. */
	n = ebc_pcapng__flush(c->out);
	if (!err)
		err = n;
	for (size_t i = 0; i < c->ntaps; i++)
		res->captured += delivered(c, &c->taps[i]);
	ebc_pcapng__close(c->out);
	c->out = NULL;
	if (err == -EPIPE) {
		ebc_info("the reader closed the output: capture stopped");
		return 0;
	}
	if (err)
		write_error(c->cfg, err, errbuf, len);
	return err;
}

/* "drops" and the tracepoints carrying packets, when this kernel has BTF. */
static size_t list_trace_taps(char ***out, size_t cnt, size_t *cap)
{
	struct ebc_tp_info *tps = NULL;
	struct ebc_kbtf *k;
	size_t ntp = 0;
	char **tmp;

	if (ebc_kbtf__open(&k))
		return cnt;
	if (ebc_kbtf__skb_tracepoints(k, &tps, &ntp) || !ntp)
		goto done;
	tmp = realloc(*out, (*cap + ntp + 2) * sizeof(**out));
	if (!tmp)
		goto done;
	*out = tmp;
	*cap += ntp + 2;
	(*out)[cnt++] = strdup("sockets");
	(*out)[cnt++] = strdup("drops");
	for (size_t i = 0; i < ntp; i++)
		if (asprintf(&(*out)[cnt], tps[i].group[0] ? "tp:%s:%s" : "tp:%s%s", tps[i].group,
			     tps[i].name) > 0)
			cnt++;
done:
	free(tps);
	ebc_kbtf__close(k);
	return cnt;
}

int ebc_session__list_taps(char ***names, size_t *n)
{
	struct ebc_iface *list;
	size_t cnt = 0, ndev, cap;
	char **out;
	int err;

	err = ebc_ifaces__list(&list, &ndev);
	if (err)
		return err;
	cap = 2 * ndev + 1;
	out = calloc(cap, sizeof(*out));
	if (!out) {
		free(list);
		return -ENOMEM;
	}
	out[cnt++] = strdup("any");
	for (size_t i = 0; i < ndev; i++) {
		if (list[i].dlt < 0)
			continue;
		if (asprintf(&out[cnt], "tc:%s", list[i].name) > 0)
			cnt++;
		if (asprintf(&out[cnt], "xdp:%s", list[i].name) > 0)
			cnt++;
	}
	free(list);
	cnt = list_trace_taps(&out, cnt, &cap);
	*names = out;
	*n = cnt;
	return 0;
}
