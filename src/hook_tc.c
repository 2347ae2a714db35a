// SPDX-License-Identifier: GPL-2.0-only
/*
 * tc back end: a tcx link per direction where the kernel has tcx (detached by
 * the kernel when we die), otherwise a cls_bpf filter on clsact that we remove,
 * and a clsact qdisc that we delete only if we created it. The filter (handle
 * EBC_TC_HANDLE) outlives a killed ebpfcap, so a record of it is written
 * before attaching, and the next start removes it (stale.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "hook.h"
#include "hook_priv.h"
#include "log.h"
#include "stale.h"
#include "tc.skel.h"

/* Debian 12's uapi headers predate tcx (kernel 6.6). */
#ifndef BPF_TCX_INGRESS
#define BPF_TCX_INGRESS 46
#define BPF_TCX_EGRESS 47
#endif

struct tc_dir {
	struct bpf_program *prog;
	enum bpf_tc_attach_point point;
	int tcx_attach;
	int link_fd;		/* tcx link, or -1 */
	bool filter_attached;	/* legacy cls_bpf filter */
	struct bpf_tc_opts opts;
};

struct tc_priv {
	struct tc_bpf *skel;
	struct tc_dir dir[2];	/* ingress, egress */
	bool hook_created;	/* we created clsact, so we delete it */
	struct ebc_stale rec;	/* what a kill would leave, for the next start */
};

static bool dir_wanted(const struct ebc_tap *tap, int i)
{
	return tap->dir == EBC_DIR_BOTH || (tap->dir == EBC_DIR_IN) == (i == 0);
}

/* The record of our filters: both directions' programs, and whether clsact is ours. */
static void save_record(const struct ebc_tap *tap, struct tc_priv *p)
{
	struct ebc_stale *r = &p->rec;

	snprintf(r->kind, sizeof(r->kind), "tc");
	r->ifindex = tap->ifc.ifindex;
	snprintf(r->ifname, sizeof(r->ifname), "%s", tap->ifc.name);
	r->qdisc_created = p->hook_created;
	for (int i = 0; i < 2; i++) {
		struct bpf_prog_info info = {};
		__u32 info_len = sizeof(info);

		r->prog_id[i] = 0;
		if (dir_wanted(tap, i) &&
		    !bpf_obj_get_info_by_fd(bpf_program__fd(p->dir[i].prog), &info, &info_len))
			r->prog_id[i] = info.id;
	}
	ebc_stale__save(r);
}

static int attach_filter(struct ebc_tap *tap, struct tc_priv *p, struct tc_dir *d,
			 char *errbuf, size_t len)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = tap->ifc.ifindex, .attach_point = d->point);
	int err;

	err = bpf_tc_hook_create(&hook);
	if (err && err != -EEXIST) {
		ebc_errbuf(errbuf, len, "cannot create clsact qdisc on %s: %s (%s)", tap->ifc.name,
			   ebc_strerror(err), ebc_hook__hint(err));
		return err;
	}
	if (!err)
		p->hook_created = true;	/* destroy only what we created */
	if (!err || !p->rec.path[0])
		save_record(tap, p);	/* before the filter exists */
	d->opts = (struct bpf_tc_opts){ .sz = sizeof(d->opts), .handle = EBC_TC_HANDLE,
					.prog_fd = bpf_program__fd(d->prog) };
	err = bpf_tc_attach(&hook, &d->opts);
	if (err) {
		ebc_errbuf(errbuf, len, "cannot attach tc filter to %s: %s (%s)", tap->ifc.name,
			   ebc_strerror(err), ebc_hook__hint(err));
		return err;
	}
	d->filter_attached = true;
	tap->mech = "clsact";
	return 0;
}

/* Under the lock: no other ebpfcap's sweep removes the qdisc between create and attach. */
static int attach_legacy(struct ebc_tap *tap, struct tc_priv *p, struct tc_dir *d,
			 char *errbuf, size_t len)
{
	int lock = ebc_stale__lock();
	int err = attach_filter(tap, p, d, errbuf, len);

	ebc_stale__unlock(lock);
	return err;
}

static int attach_dir(struct ebc_tap *tap, struct tc_priv *p, struct tc_dir *d,
		      char *errbuf, size_t len)
{
	int fd;

	if (tap->tc_mode == EBC_TC_CLSACT)
		return attach_legacy(tap, p, d, errbuf, len);
	fd = bpf_link_create(bpf_program__fd(d->prog), tap->ifc.ifindex, d->tcx_attach, NULL);
	if (fd >= 0) {
		d->link_fd = fd;
		tap->mech = "tcx";
		return 0;
	}
	if (fd == -EPERM || tap->tc_mode == EBC_TC_TCX) {
		ebc_errbuf(errbuf, len, "cannot attach a tcx link to %s: %s (%s)", tap->ifc.name,
			   ebc_strerror(fd), fd == -EPERM ? ebc_hook__hint(fd) :
			   "tcx needs kernel 6.6 or later; try --tc-mode clsact");
		return fd;
	}
	ebc_debug("tcx link on %s failed (%s): falling back to clsact", tap->ifc.name,
		  ebc_strerror(fd));
	return attach_legacy(tap, p, d, errbuf, len);
}

static void detach_dir(const struct ebc_tap *tap, struct tc_dir *d)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = tap->ifc.ifindex, .attach_point = d->point);
	int err;

	if (d->link_fd >= 0)
		close(d->link_fd);
	d->link_fd = -1;
	if (!d->filter_attached)
		return;
	d->opts.prog_fd = 0;
	d->opts.prog_id = 0;
	d->opts.flags = 0;
	err = bpf_tc_detach(&hook, &d->opts);
	if (err)
		ebc_warn("cannot remove tc filter from %s: %s", tap->ifc.name, ebc_strerror(err));
	d->filter_attached = false;
}

static void tc_close(struct ebc_tap *tap)
{
	struct tc_priv *p = tap->priv;

	if (!p)
		return;
	for (int i = 0; i < 2; i++)
		detach_dir(tap, &p->dir[i]);
	if (p->hook_created) {
		LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = tap->ifc.ifindex,
			    .attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS);
		bpf_tc_hook_destroy(&hook);
	}
	ebc_stale__drop(&p->rec);
	tc_bpf__destroy(p->skel);
	free(p);
	tap->priv = NULL;
}

static int tc_load(struct ebc_tap *tap, const struct ebc_tap_load *ld, char *errbuf, size_t len)
{
	struct tc_priv *p = calloc(1, sizeof(*p));
	int err;

	if (!p)
		return -ENOMEM;
	tap->priv = p;
	p->skel = tc_bpf__open();
	if (!p->skel) {
		/* never 0: the caller would go on with no program */
		err = errno > 0 ? -errno : -ENOMEM;
		ebc_errbuf(errbuf, len, "cannot open the tc capture program: %s", ebc_strerror(err));
		goto fail;
	}
	p->dir[0] = (struct tc_dir){ p->skel->progs.ebc_tc_ingress, BPF_TC_INGRESS,
				     BPF_TCX_INGRESS, -1 };
	p->dir[1] = (struct tc_dir){ p->skel->progs.ebc_tc_egress, BPF_TC_EGRESS,
				     BPF_TCX_EGRESS, -1 };
	for (int i = 0; i < 2; i++)
		bpf_program__set_autoload(p->dir[i].prog, dir_wanted(tap, i));
	p->skel->rodata->ebc_snaplen = ld->snaplen;
	p->skel->rodata->ebc_tap = tap->id;
	p->skel->rodata->ebc_want_owner = ld->owners_fd >= 0;
	p->skel->rodata->ebc_need_anc = ld->anc_mask != 0;
	p->skel->rodata->ebc_hatype = tap->ifc.arphrd;
	EBC_SET_SELECT(p->skel->rodata, &ld->sel);
	err = ebc_hook__load(p->skel->obj, tap, ld, errbuf, len);
	if (!err)
		return 0;
fail:
	tc_close(tap);
	return err;
}

static int tc_open(struct ebc_tap *tap, const struct ebc_tap_load *ld, char *errbuf, size_t len)
{
	struct tc_priv *p;
	int err;

	err = tc_load(tap, ld, errbuf, len);
	if (err)
		return err;
	ebc_stale__sweep();
	p = tap->priv;
	for (int i = 0; i < 2; i++) {
		if (!dir_wanted(tap, i))
			continue;
		err = attach_dir(tap, p, &p->dir[i], errbuf, len);
		if (err) {
			tc_close(tap);
			return err;
		}
	}
	return 0;
}

static int tc_prog_fd(const struct ebc_tap *tap)
{
	const struct tc_priv *p = tap->priv;

	for (int i = 0; p && i < 2; i++)
		if (dir_wanted(tap, i))
			return bpf_program__fd(p->dir[i].prog);
	return -ENOENT;
}

const struct ebc_hook_ops ebc_hook_tc_ops = {
	.name = "tc",
	.open = tc_open,
	.load = tc_load,
	.prog_fd = tc_prog_fd,
	.close = tc_close,
};
