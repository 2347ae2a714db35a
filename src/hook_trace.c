// SPDX-License-Identifier: GPL-2.0-only
/*
 * Trace taps: a tracepoint or a kernel function's entry or exit. The same
 * program (bpf/trace.bpf.c) is tried as each mechanism this kernel may allow,
 * BTF-typed first (tp_btf, fentry/fexit: paged data too), then the legacy ones
 * (raw_tp, kprobe/kretprobe); the first that loads and attaches is used and
 * named. When none does, one line says what the kernel lacks.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include "hook.h"
#include "hook_priv.h"
#include "log.h"
#include "trace.skel.h"

/* One way of attaching. */
struct mech {
	const char *name;
	enum bpf_prog_type type;
	enum bpf_attach_type attach;
	bool btf;		/* BTF-typed: --trace-mode btf */
	bool dynptr;		/* read paged data through an skb dynptr */
};

static const struct mech tp_mechs[] = {
	{ "tp_btf", BPF_PROG_TYPE_TRACING, BPF_TRACE_RAW_TP, true, true },
	{ "tp_btf", BPF_PROG_TYPE_TRACING, BPF_TRACE_RAW_TP, true, false },
	{ "raw_tp", BPF_PROG_TYPE_RAW_TRACEPOINT, 0, false, false },
	{ NULL },
};

static const struct mech entry_mechs[] = {
	{ "fentry", BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, true, true },
	{ "fentry", BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, true, false },
	{ "kprobe", BPF_PROG_TYPE_KPROBE, 0, false, false },
	{ NULL },
};

static const struct mech exit_mechs[] = {
	{ "fexit", BPF_PROG_TYPE_TRACING, BPF_TRACE_FEXIT, true, true },
	{ "fexit", BPF_PROG_TYPE_TRACING, BPF_TRACE_FEXIT, true, false },
	{ "kretprobe", BPF_PROG_TYPE_KPROBE, 0, false, false },
	{ NULL },
};

struct trace_priv {
	struct trace_bpf *skel;
	struct bpf_link *links[2];
};

/* Why each mechanism failed, for the one line the user gets. */
struct failures {
	int btf_err;
	int raw_err;
	char btf_why[160];
	char raw_why[160];
};

static const struct mech *mechs_for(enum ebc_trace_kind kind)
{
	return kind == EBC_TRACE_TP ? tp_mechs : kind == EBC_TRACE_KFUNC ? entry_mechs : exit_mechs;
}

static bool mech_allowed(const struct mech *m, enum ebc_trace_mode mode)
{
	return mode == EBC_TRACE_AUTO || (mode == EBC_TRACE_BTF) == m->btf;
}

static void trace_close(struct ebc_tap *tap)
{
	struct trace_priv *p = tap->priv;

	if (!p)
		return;
	for (int i = 0; i < 2; i++)
		bpf_link__destroy(p->links[i]);
	trace_bpf__destroy(p->skel);
	free(p);
	tap->priv = NULL;
}

/* The programs a mechanism uses: [0] captures, [1] is kretprobe's entry half. */
static void pick_progs(struct trace_bpf *skel, const struct mech *m, enum ebc_trace_kind kind,
		       struct bpf_program **progs)
{
	struct bpf_program *prog;

	progs[0] = progs[1] = NULL;
	if (!m)
		progs[0] = skel->progs.ebc_trace_replay;
	else if (m->type != BPF_PROG_TYPE_KPROBE)
		progs[0] = skel->progs.ebc_trace;
	else if (kind == EBC_TRACE_KRETFUNC)
		progs[0] = skel->progs.ebc_kret_exit, progs[1] = skel->progs.ebc_kret_entry;
	else
		progs[0] = skel->progs.ebc_kprobe;
	bpf_object__for_each_program(prog, skel->obj)
		bpf_program__set_autoload(prog, prog == progs[0] || prog == progs[1]);
}

/* m: the mechanism to load as; NULL: the replay entry. */
static int configure(struct trace_bpf *skel, const struct ebc_tap *tap, const struct mech *m,
		     const struct ebc_tap_load *ld, struct bpf_program **progs)
{
	const struct ebc_trace_target *t = &tap->trace;
	int ncpus = libbpf_num_possible_cpus(), err;

	if (ncpus < 0)
		return ncpus;
	skel->rodata->ebc_snaplen = ld->snaplen;
	skel->rodata->ebc_tap = tap->id;
	skel->rodata->ebc_need_anc = ld->anc_mask != 0;
	EBC_SET_SELECT(skel->rodata, &ld->sel);
	skel->rodata->ebc_sel_cgroup_level = ld->sel.level;
	skel->rodata->ebc_skb_arg = t->skb_arg;
	skel->rodata->ebc_reason_arg = t->reason_arg;
	skel->rodata->ebc_location_arg = t->location_arg;
	skel->rodata->ebc_use_dynptr = m && m->dynptr;
	skel->rodata->ebc_want_owner = ld->owners_fd >= 0;
	skel->rodata->ebc_netns = t->netns;
	memcpy((void *)skel->rodata->ebc_irq_funcs, t->irq_funcs, sizeof(t->irq_funcs));
	err = bpf_map__set_max_entries(skel->maps.ebc_tbuf, ncpus);
	if (err)
		return err;
	pick_progs(skel, m, t->kind, progs);
	if (!m)	/* replay: a raw_tp entry, run by BPF_PROG_TEST_RUN */
		return bpf_program__set_type(progs[0], BPF_PROG_TYPE_RAW_TRACEPOINT);
	if (m->type == BPF_PROG_TYPE_KPROBE)
		return 0;
	err = bpf_program__set_type(progs[0], m->type);
	if (!err)
		err = bpf_program__set_expected_attach_type(progs[0], m->attach);
	if (!err && m->type == BPF_PROG_TYPE_TRACING)
		err = bpf_program__set_attach_target(progs[0], 0, t->target);
	return err;
}

static struct bpf_link *attach_one(struct bpf_program *prog, const struct mech *m,
				   const char *target, bool ret)
{
	if (m->type == BPF_PROG_TYPE_TRACING)
		return bpf_program__attach_trace(prog);
	if (m->type == BPF_PROG_TYPE_RAW_TRACEPOINT)
		return bpf_program__attach_raw_tracepoint(prog, target);
	return bpf_program__attach_kprobe(prog, ret, target);
}

/* A fresh object for one attempt, in tap->priv: a failed load leaves a libbpf object unusable. */
static struct trace_priv *open_priv(struct ebc_tap *tap, char *why, size_t len)
{
	struct trace_priv *p = calloc(1, sizeof(*p));

	if (!p) {
		ebc_errbuf(why, len, "cannot open the trace program: %s", ebc_strerror(-ENOMEM));
		return NULL;
	}
	tap->priv = p;
	p->skel = trace_bpf__open();
	if (!p->skel) {
		ebc_errbuf(why, len, "cannot open the trace program: %s", ebc_strerror(-errno));
		trace_close(tap);
		return NULL;
	}
	return p;
}

/* One mechanism: open, load, attach. 0, or -errno with the reason in why. */
static int try_mech(struct ebc_tap *tap, const struct mech *m, const struct ebc_tap_load *ld,
		    char *why, size_t len)
{
	struct trace_priv *p = open_priv(tap, why, len);
	struct bpf_program *progs[2];
	int err;

	if (!p)
		return -ENOMEM;
	err = configure(p->skel, tap, m, ld, progs);
	if (err) {
		ebc_errbuf(why, len, "%s: %s", m->name, ebc_strerror(err));
		goto fail;
	}
	err = ebc_hook__load(p->skel->obj, tap, ld, why, len);
	if (err)
		goto fail;
	/* kretprobe: the entry half first, so the exit half finds what it saw. */
	for (int i = 1; i >= 0; i--) {
		if (!progs[i])
			continue;
		p->links[i] = attach_one(progs[i], m, tap->trace.target,
					 m->type == BPF_PROG_TYPE_KPROBE && i == 0 &&
					 tap->trace.kind == EBC_TRACE_KRETFUNC);
		if (!p->links[i]) {
			err = -errno;
			ebc_errbuf(why, len, "cannot attach %s to %s: %s", m->name,
				   tap->trace.target, ebc_strerror(err));
			goto fail;
		}
	}
	return 0;
fail:
	trace_close(tap);
	return err ? err : -EINVAL;
}

static bool have_kprobes(void)
{
	return !access("/sys/bus/event_source/devices/kprobe", F_OK) ||
	       !access("/sys/kernel/tracing/kprobe_events", F_OK) ||
	       !access("/sys/kernel/debug/tracing/kprobe_events", F_OK);
}

/* The one line when nothing attached: what this kernel lacks, by mechanism. */
static void report(const struct ebc_tap *tap, const struct failures *f, char *errbuf, size_t len)
{
	const char *what = tap->trace.kind == EBC_TRACE_TP ? "tracepoint" : "function";
	bool fn = tap->trace.kind != EBC_TRACE_TP;

	if (fn && f->btf_err && f->raw_err && !have_kprobes())
		ebc_errbuf(errbuf, len, "cannot trace %s %s: this kernel has no kprobes "
			   "(CONFIG_KPROBES) and does not permit %s (%s); try a tracepoint such as "
			   "-i tp:net:netif_receive_skb", what, tap->trace.target,
			   tap->trace.kind == EBC_TRACE_KFUNC ? "fentry" : "fexit",
			   ebc_strerror(f->btf_err));
	else if (fn && f->raw_err && !have_kprobes())
		ebc_errbuf(errbuf, len, "cannot trace %s %s: this kernel has no kprobes "
			   "(CONFIG_KPROBES); try --trace-mode btf (fentry/fexit)", what,
			   tap->trace.target);
	else if (f->btf_err && f->raw_err)
		ebc_errbuf(errbuf, len, "cannot trace %s %s: %s; the legacy way failed too: %s", what,
			   tap->trace.target, f->btf_why, ebc_strerror(f->raw_err));
	else if (f->btf_err)
		ebc_errbuf(errbuf, len, "cannot trace %s %s: %s (%s; or try --trace-mode raw)", what,
			   tap->trace.target, f->btf_why, ebc_hook__hint(f->btf_err));
	else
		ebc_errbuf(errbuf, len, "cannot trace %s %s: %s (%s; or try --trace-mode btf)", what,
			   tap->trace.target, f->raw_why, ebc_hook__hint(f->raw_err));
}

static int trace_open(struct ebc_tap *tap, const struct ebc_tap_load *ld, char *errbuf,
		      size_t len)
{
	struct failures f = { 0 };
	char why[160];
	int err;

	for (const struct mech *m = mechs_for(tap->trace.kind); m->name; m++) {
		if (!mech_allowed(m, tap->trace.mode))
			continue;
		err = try_mech(tap, m, ld, why, sizeof(why));
		if (!err) {
			tap->mech = m->name;
			ebc_info("%s attached as %s%s", tap->trace.name, m->name,
				 m->dynptr ? " (paged data through an skb dynptr)" : "");
			return 0;
		}
		ebc_debug("%s: %s did not work: %s", tap->trace.name, m->name, why);
		if (m->btf && !f.btf_err) {
			f.btf_err = err;
			snprintf(f.btf_why, sizeof(f.btf_why), "%s", why);
		} else if (!m->btf) {
			f.raw_err = err;
			snprintf(f.raw_why, sizeof(f.raw_why), "%s", why);
		}
	}
	report(tap, &f, errbuf, len);
	return f.btf_err ? f.btf_err : f.raw_err ? f.raw_err : -EOPNOTSUPP;
}

/*
 * Offline replay: the replay entry alone, as a raw_tp program that
 * BPF_PROG_TEST_RUN can run; its packets come through input_fd's map.
 */
static int trace_load(struct ebc_tap *tap, const struct ebc_tap_load *ld, char *errbuf,
		      size_t len)
{
	struct trace_priv *p = open_priv(tap, errbuf, len);
	struct bpf_program *progs[2];
	int err;

	if (!p)
		return -ENOMEM;
	err = configure(p->skel, tap, NULL, ld, progs);
	if (err) {
		ebc_errbuf(errbuf, len, "cannot set up the trace program: %s", ebc_strerror(err));
		goto fail;
	}
	err = ebc_hook__load(p->skel->obj, tap, ld, errbuf, len);
	if (!err)
		return 0;
fail:
	trace_close(tap);
	return err;
}

static int trace_prog_fd(const struct ebc_tap *tap)
{
	const struct trace_priv *p = tap->priv;

	if (!p)
		return -ENOENT;
	if (bpf_program__fd(p->skel->progs.ebc_trace_replay) >= 0)
		return bpf_program__fd(p->skel->progs.ebc_trace_replay);
	return bpf_program__fd(p->skel->progs.ebc_trace);
}

static int trace_input_fd(const struct ebc_tap *tap)
{
	const struct trace_priv *p = tap->priv;

	return p ? bpf_map__fd(p->skel->maps.ebc_replay_pkt) : -ENOENT;
}

const struct ebc_hook_ops ebc_hook_trace_ops = {
	.name = "trace",
	.open = trace_open,
	.load = trace_load,
	.prog_fd = trace_prog_fd,
	.input_fd = trace_input_fd,
	.close = trace_close,
};
