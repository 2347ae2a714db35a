// SPDX-License-Identifier: GPL-2.0-only
/*
 * XDP verdicts by tracing the attached program (xdpdump's approach): fentry
 * on it sees the packet it gets, fexit the packet as it leaves it and its
 * return code. The program itself is not touched. Kernels that do not permit
 * tracing programs refuse the load with EPERM; the message then points at the
 * hook-map mode, which needs no tracing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "hook.h"
#include "hook_priv.h"
#include "log.h"
#include "trace.skel.h"

struct xdpprog_priv {
	struct trace_bpf *skel;
	struct bpf_link *links[2];	/* entry, exit */
	int target_fd;
};

static void xdpprog_close(struct ebc_tap *tap)
{
	struct xdpprog_priv *p = tap->priv;

	if (!p)
		return;
	for (int i = 0; i < 2; i++)
		bpf_link__destroy(p->links[i]);
	trace_bpf__destroy(p->skel);
	if (p->target_fd >= 0)
		close(p->target_fd);
	free(p);
	tap->priv = NULL;
}

/* The name of the program's main function in its BTF: what fentry attaches to. */
static int main_func(int prog_fd, char *name, size_t len)
{
	struct bpf_func_info fi = { 0 };
	struct bpf_prog_info info = { 0 };
	__u32 n = sizeof(info);
	const struct btf_type *t;
	struct btf *btf;
	int err;

	err = bpf_obj_get_info_by_fd(prog_fd, &info, &n);
	if (err)
		return err;
	if (!info.btf_id || !info.nr_func_info)
		return -ENODATA;
	info = (struct bpf_prog_info){ .nr_func_info = 1, .func_info_rec_size = sizeof(fi),
				       .func_info = (__u64)(unsigned long)&fi };
	n = sizeof(info);
	err = bpf_obj_get_info_by_fd(prog_fd, &info, &n);
	if (err)
		return err;
	btf = btf__load_from_kernel_by_id(info.btf_id);
	if (!btf)
		return -errno;
	t = btf__type_by_id(btf, fi.type_id);
	if (t)
		snprintf(name, len, "%s", btf__name_by_offset(btf, t->name_off));
	btf__free(btf);
	return t ? 0 : -ENOENT;
}

static int configure(struct ebc_tap *tap, struct xdpprog_priv *p, const struct ebc_tap_load *ld,
		     const char *func)
{
	struct trace_bpf *skel = p->skel;
	bool entry = tap->xdp_capture != EBC_XDP_CAPTURE_EXIT;
	bool exit = tap->xdp_capture != EBC_XDP_CAPTURE_ENTRY;
	struct bpf_program *prog;
	int ncpus = libbpf_num_possible_cpus(), err;

	if (ncpus < 0)
		return ncpus;
	skel->rodata->ebc_snaplen = ld->snaplen;
	skel->rodata->ebc_tap = tap->id;
	skel->rodata->ebc_need_anc = ld->anc_mask != 0;
	EBC_SET_SELECT(skel->rodata, &ld->sel);
	skel->rodata->ebc_verdicts = tap->verdicts;
	skel->rodata->ebc_xdp_has_entry = entry;
	err = bpf_map__set_max_entries(skel->maps.ebc_tbuf, ncpus);
	if (err)
		return err;
	bpf_object__for_each_program(prog, skel->obj)
		bpf_program__set_autoload(prog, (prog == skel->progs.ebc_xdp_fentry && entry) ||
						(prog == skel->progs.ebc_xdp_fexit && exit));
	err = bpf_program__set_expected_attach_type(skel->progs.ebc_xdp_fentry, BPF_TRACE_FENTRY);
	if (!err)
		err = bpf_program__set_expected_attach_type(skel->progs.ebc_xdp_fexit,
							    BPF_TRACE_FEXIT);
	if (!err && entry)
		err = bpf_program__set_attach_target(skel->progs.ebc_xdp_fentry, p->target_fd, func);
	if (!err && exit)
		err = bpf_program__set_attach_target(skel->progs.ebc_xdp_fexit, p->target_fd, func);
	return err;
}

static int attach(struct ebc_tap *tap, struct xdpprog_priv *p, char *errbuf, size_t len)
{
	struct bpf_program *progs[2] = { p->skel->progs.ebc_xdp_fentry, p->skel->progs.ebc_xdp_fexit };

	for (int i = 0; i < 2; i++) {
		if (!bpf_program__autoload(progs[i]))
			continue;
		p->links[i] = bpf_program__attach_trace(progs[i]);
		if (!p->links[i]) {
			int err = -errno;

			ebc_errbuf(errbuf, len, "cannot attach %s to XDP program %s (id %u) on %s: %s",
				   i ? "fexit" : "fentry", tap->xdp_prog_name, tap->xdp_prog_id,
				   tap->ifc.name, ebc_strerror(err));
			return err;
		}
	}
	return 0;
}

/* Load failures: say what the kernel refused, and what works without tracing. */
static void report(const struct ebc_tap *tap, int err, char *errbuf, size_t len)
{
	if (err == -EPERM || err == -EACCES)
		ebc_errbuf(errbuf, len, "cannot trace XDP program %s (id %u) on %s: this kernel does "
			   "not permit fentry/fexit (%s); instrument the program with a hook map "
			   "and capture with -i xdphook:PATH (see ebpfcap_xdp_hook.h)",
			   tap->xdp_prog_name, tap->xdp_prog_id, tap->ifc.name, ebc_strerror(err));
}

static int xdpprog_open(struct ebc_tap *tap, const struct ebc_tap_load *ld, char *errbuf,
			size_t len)
{
	struct xdpprog_priv *p = calloc(1, sizeof(*p));
	char func[128];
	int err;

	if (!p)
		return -ENOMEM;
	tap->priv = p;
	p->target_fd = bpf_prog_get_fd_by_id(tap->xdp_prog_id);
	if (p->target_fd < 0) {
		err = -errno;
		ebc_errbuf(errbuf, len, "cannot open XDP program id %u on %s: %s (%s)",
			   tap->xdp_prog_id, tap->ifc.name, ebc_strerror(err), ebc_hook__hint(err));
		goto fail;
	}
	err = main_func(p->target_fd, func, sizeof(func));
	if (err) {
		ebc_errbuf(errbuf, len, "XDP program %s (id %u) on %s has no BTF to attach fentry to "
			   "(%s): load it with BTF, or capture through a hook map (-i xdphook:PATH)",
			   tap->xdp_prog_name, tap->xdp_prog_id, tap->ifc.name, ebc_strerror(err));
		goto fail;
	}
	p->skel = trace_bpf__open();
	err = p->skel ? configure(tap, p, ld, func) : -errno;
	if (err) {
		ebc_errbuf(errbuf, len, "cannot set up tracing of XDP program %s: %s", func,
			   ebc_strerror(err));
		goto fail;
	}
	err = ebc_hook__load(p->skel->obj, tap, ld, errbuf, len);
	if (err) {
		report(tap, err, errbuf, len);
		goto fail;
	}
	err = attach(tap, p, errbuf, len);
	if (err)
		goto fail;
	tap->mech = tap->xdp_capture == EBC_XDP_CAPTURE_ENTRY ? "fentry" :
		    tap->xdp_capture == EBC_XDP_CAPTURE_EXIT ? "fexit" : "fentry and fexit";
	return 0;
fail:
	xdpprog_close(tap);
	return err;
}

static int xdpprog_load(struct ebc_tap *tap, const struct ebc_tap_load *ld, char *errbuf,
			size_t len)
{
	ebc_errbuf(errbuf, len, "an attached XDP program is not replayed: use -r FILE --hook xdp");
	return -EOPNOTSUPP;
}

static int xdpprog_prog_fd(const struct ebc_tap *tap)
{
	return -ENOENT;
}

const struct ebc_hook_ops ebc_hook_xdpprog_ops = {
	.name = "xdp",
	.open = xdpprog_open,
	.load = xdpprog_load,
	.prog_fd = xdpprog_prog_fd,
	.close = xdpprog_close,
};
