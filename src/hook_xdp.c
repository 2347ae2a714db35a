// SPDX-License-Identifier: GPL-2.0-only
/*
 * XDP back end: our own program at the device's XDP hook, attached through a
 * bpf_link (the kernel detaches it when we die). A device that already has an
 * XDP program is refused: replacing it would change what the device does.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "hook.h"
#include "hook_priv.h"
#include "log.h"
#include "xdp.skel.h"

struct xdp_priv {
	struct xdp_bpf *skel;
	int link_fd;
};

static int check_free(const struct ebc_tap *tap, char *errbuf, size_t len)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	__u32 id;
	int err;

	err = bpf_xdp_query(tap->ifc.ifindex, 0, &q);
	if (err) {
		ebc_errbuf(errbuf, len, "cannot query the XDP hook of %s: %s (%s)", tap->ifc.name,
			   ebc_strerror(err), ebc_hook__hint(err));
		return err;
	}
	id = q.prog_id ? q.prog_id : q.drv_prog_id ? q.drv_prog_id : q.skb_prog_id;
	if (!id)
		id = q.hw_prog_id;
	if (id) {
		ebc_errbuf(errbuf, len,
			   "%s already has an XDP program attached (id %u): ebpfcap does not replace it "
			   "(capture at tc instead: -i tc:%s)", tap->ifc.name, id, tap->ifc.name);
		return -EBUSY;
	}
	return 0;
}

static int attach_mode(struct ebc_tap *tap, struct xdp_priv *p, __u32 flags)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts, .flags = flags);
	int fd;

	fd = bpf_link_create(bpf_program__fd(p->skel->progs.ebc_xdp), tap->ifc.ifindex, BPF_XDP,
			     &opts);
	if (fd < 0)
		return fd;
	p->link_fd = fd;
	tap->mech = flags == XDP_FLAGS_SKB_MODE ? "generic" : "native";
	return 0;
}

static int xdp_attach(struct ebc_tap *tap, struct xdp_priv *p, char *errbuf, size_t len)
{
	int err;

	if (tap->xdp_mode != EBC_XDP_GENERIC) {
		err = attach_mode(tap, p, XDP_FLAGS_DRV_MODE);
		if (!err || tap->xdp_mode == EBC_XDP_NATIVE)
			goto out;
		ebc_debug("native XDP on %s failed (%s): trying generic", tap->ifc.name,
			  ebc_strerror(err));
	}
	err = attach_mode(tap, p, XDP_FLAGS_SKB_MODE);
out:
	if (err)
		ebc_errbuf(errbuf, len, "cannot attach XDP program to %s: %s (%s)", tap->ifc.name,
			   ebc_strerror(err),
			   tap->xdp_mode == EBC_XDP_NATIVE && err == -EOPNOTSUPP ?
			   "try --xdp-mode generic" : ebc_hook__hint(err));
	return err;
}

static void xdp_close(struct ebc_tap *tap)
{
	struct xdp_priv *p = tap->priv;

	if (!p)
		return;
	if (p->link_fd >= 0)
		close(p->link_fd);
	xdp_bpf__destroy(p->skel);
	free(p);
	tap->priv = NULL;
}

static int xdp_load(struct ebc_tap *tap, const struct ebc_tap_load *ld, char *errbuf, size_t len)
{
	struct xdp_priv *p = calloc(1, sizeof(*p));
	int err;

	if (!p)
		return -ENOMEM;
	p->link_fd = -1;
	tap->priv = p;
	p->skel = xdp_bpf__open();
	if (!p->skel) {
		/* never 0: the caller would go on with no program */
		err = errno > 0 ? -errno : -ENOMEM;
		ebc_errbuf(errbuf, len, "cannot open the XDP capture program: %s", ebc_strerror(err));
		goto fail;
	}
	p->skel->rodata->ebc_snaplen = ld->snaplen;
	p->skel->rodata->ebc_tap = tap->id;
	p->skel->rodata->ebc_need_anc = ld->anc_mask != 0;
	p->skel->rodata->ebc_hatype = tap->ifc.arphrd;
	EBC_SET_SELECT(p->skel->rodata, &ld->sel);
	p->skel->rodata->ebc_want_owner = ld->owners_fd >= 0;
	p->skel->rodata->ebc_netns_cookie = ld->netns_cookie;
	err = ebc_hook__load(p->skel->obj, tap, ld, errbuf, len);
	if (!err)
		return 0;
fail:
	xdp_close(tap);
	return err;
}

static int xdp_open(struct ebc_tap *tap, const struct ebc_tap_load *ld, char *errbuf, size_t len)
{
	int err;

	err = check_free(tap, errbuf, len);
	if (!err)
		err = xdp_load(tap, ld, errbuf, len);
	if (err)
		return err;
	err = xdp_attach(tap, tap->priv, errbuf, len);
	if (err)
		xdp_close(tap);
	return err;
}

static int xdp_prog_fd(const struct ebc_tap *tap)
{
	const struct xdp_priv *p = tap->priv;

	return p ? bpf_program__fd(p->skel->progs.ebc_xdp) : -ENOENT;
}

const struct ebc_hook_ops ebc_hook_xdp_ops = {
	.name = "xdp",
	.open = xdp_open,
	.load = xdp_load,
	.prog_fd = xdp_prog_fd,
	.close = xdp_close,
};
