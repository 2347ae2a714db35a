// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kernel introspection (src/kbtf.c). First on a hand-built BTF, module BTF,
 * tracefs tree and kallsyms file, where every expected answer is known; then
 * on the running kernel, whose facts (kfree_skb's argument order, drop reason
 * values, symbol addresses) the test reads from the kernel itself rather
 * than hard-coding. Needs kernel BTF; the kallsyms and tracefs cases need root.
 */
#ifndef _GNU_SOURCE
/* nftw's FTW_DEPTH */
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <bpf/btf.h>

#include "kbtf.h"
#include "tap.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_PARAMS 16

static char tmpdir[64];

static void tmp_path(char *buf, size_t sz, const char *name)
{
	snprintf(buf, sz, "%s/%s", tmpdir, name);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static int write_file(const char *path, const void *data, size_t len)
{
	FILE *fp = fopen(path, "w");
	int ok = fp && fwrite(data, 1, len, fp) == len;

	if (fp && fclose(fp))
		ok = 0;
	return ok ? 0 : -1;
}

static int write_btf(const struct btf *btf, const char *name)
{
	char path[128];
	__u32 size;
	const void *data = btf__raw_data(btf, &size);

	tmp_path(path, sizeof(path), name);
	return data ? write_file(path, data, size) : -1;
}

static double ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1e3 + (t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* ---- a hand-built kernel ---- */

/* Type ids of the synthetic BTF. */
static int t_int, t_skb_p, t_cskb_p, t_void_p, t_reason;

struct enum_val {
	const char *name;
	long long val;
};

static void add_enum(struct btf *b, const char *name, const struct enum_val *v, size_t n)
{
	int id = btf__add_enum(b, name, 4);

	for (size_t i = 0; id > 0 && i < n; i++)
		btf__add_enum_value(b, v[i].name, v[i].val);
}

/* A func proto; a type of -1 ends the list, and a final 0 means "...". */
static int add_proto(struct btf *b, int ret, const int *types, const char *const *names)
{
	int id = btf__add_func_proto(b, ret);

	for (int i = 0; types[i] >= 0; i++)
		btf__add_func_param(b, names ? names[i] : NULL, types[i]);
	return id;
}

static void add_func(struct btf *b, const char *name, int ret, const int *types)
{
	btf__add_func(b, name, BTF_FUNC_GLOBAL, add_proto(b, ret, types, NULL));
}

/* typedef btf_trace_<name>, and __bpf_trace_<name> when names (of proto2) are given. */
static void add_tp(struct btf *b, const char *name, const int *types, const int *types2,
		   const char *const *names)
{
	char tname[96];
	int proto = add_proto(b, 0, types, NULL);
	int ptr = btf__add_ptr(b, proto);

	snprintf(tname, sizeof(tname), "btf_trace_%s", name);
	btf__add_typedef(b, tname, ptr);
	if (!names)
		return;
	snprintf(tname, sizeof(tname), "__bpf_trace_%s", name);
	btf__add_func(b, tname, BTF_FUNC_STATIC, add_proto(b, 0, types2 ?: types, names));
}

static void add_base_types(struct btf *b)
{
	static const struct enum_val reasons[] = {
		{ "SKB_NOT_DROPPED_YET", 0 }, { "SKB_CONSUMED", 1 },
		{ "SKB_DROP_REASON_NOT_SPECIFIED", 2 }, { "SKB_DROP_REASON_NO_SOCKET", 3 },
		{ "SKB_DROP_REASON_MAX", 5 }, { "SKB_DROP_REASON_SUBSYS_MASK", 0xffff0000LL },
	};
	static const struct enum_val subsys[] = {
		{ "SKB_DROP_REASON_SUBSYS_CORE", 0 }, { "SKB_DROP_REASON_SUBSYS_FOO_BAR", 1 },
		{ "SKB_DROP_REASON_SUBSYS_NUM", 2 },
	};
	/* A subsystem built into vmlinux; its low value is not a drop reason. */
	static const struct enum_val zed[] = { { "ZED_DROP_A", 0x20001 }, { "ZED_LOW", 7 } };
	int skb;

	t_int = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	skb = btf__add_struct(b, "sk_buff", 4);
	btf__add_field(b, "len", t_int, 0, 0);
	t_skb_p = btf__add_ptr(b, skb);
	t_cskb_p = btf__add_ptr(b, btf__add_const(b, skb));
	t_void_p = btf__add_ptr(b, 0);
	t_reason = btf__add_enum(b, "skb_drop_reason", 4);
	for (size_t i = 0; i < ARRAY_SIZE(reasons); i++)
		btf__add_enum_value(b, reasons[i].name, reasons[i].val);
	add_enum(b, "skb_drop_reason_subsys", subsys, ARRAY_SIZE(subsys));
	add_enum(b, "zed_drop_reason", zed, ARRAY_SIZE(zed));
}

static void add_tracepoints(struct btf *b)
{
	/* Every raw tracepoint proto starts with 'void *__data'. */
	const int named[] = { t_void_p, t_int, t_skb_p, t_void_p, t_void_p, t_reason, -1 };
	const char *const names[] = { "__data", "x", "skb", "from", "location", "reason" };
	const int cnst[] = { t_void_p, t_cskb_p, t_int, -1 };
	const int heur[] = { t_void_p, t_skb_p, t_int, t_void_p, t_void_p, -1 };
	const int before[] = { t_void_p, t_void_p, t_skb_p, -1 };
	const int noskb[] = { t_void_p, t_int, -1 };
	const int xmit[] = { t_void_p, t_skb_p, t_int, -1 };
	const int mism[] = { t_void_p, t_skb_p, t_void_p, -1 };
	/* Same arity, other types: its names must not be trusted. */
	const int mism2[] = { t_void_p, t_skb_p, t_int, -1 };
	const char *const mism_names[] = { "__data", "skb", "location" };

	add_tp(b, "tp_named", named, NULL, names);
	add_tp(b, "tp_const", cnst, NULL, NULL);
	add_tp(b, "tp_heur", heur, NULL, NULL);
	add_tp(b, "tp_before", before, NULL, NULL);
	add_tp(b, "tp_noskb", noskb, NULL, NULL);
	add_tp(b, "net_dev_xmit", xmit, NULL, NULL);
	add_tp(b, "tp_mismatch", mism, mism2, mism_names);
}

static void add_functions(struct btf *b)
{
	const int two[] = { t_int, t_skb_p, -1 }, cskb[] = { t_cskb_p, -1 };
	const int just_int[] = { t_int, -1 }, just_skb[] = { t_skb_p, -1 };
	const int var[] = { t_skb_p, 0, -1 };
	int many[14], twelve[13];

	for (int i = 0; i < 13; i++)
		many[i] = twelve[i] = t_int;
	many[0] = t_skb_p;
	many[13] = -1;
	twelve[11] = t_skb_p;
	twelve[12] = -1;
	add_func(b, "f_two", t_int, two);
	add_func(b, "f_void", 0, cskb);
	add_func(b, "f_none", t_int, just_int);
	/* Two static functions of one name: the first one counts. */
	add_func(b, "dup", t_int, just_int);
	add_func(b, "dup", t_int, just_skb);
	add_func(b, "dup2", t_int, just_skb);
	add_func(b, "dup2", t_int, just_int);
	add_func(b, "f_var", t_int, var);
	add_func(b, "f_many", t_int, many);
	add_func(b, "f_12", t_int, twelve);
}

/* A module BTF "foo" on top of the base, for subsystem FOO_BAR. */
static int write_module(struct btf *base)
{
	static const struct enum_val foo[] = {
		{ "FOO_DROP_FIRST", 0x10000 }, { "FOO_DROP_SECOND", 0x10001 },
	};
	struct btf *m = btf__new_empty_split(base);
	char dir[96];
	int err;

	if (!m)
		return -1;
	add_enum(m, "foo_drop_reason", foo, ARRAY_SIZE(foo));
	tmp_path(dir, sizeof(dir), "modules");
	err = mkdir(dir, 0755) ? -1 : write_btf(m, "modules/foo");
	btf__free(m);
	return err;
}

static int write_synthetic_btf(void)
{
	struct btf *b = btf__new_empty();
	int err;

	if (!b)
		return -1;
	add_base_types(b);
	add_tracepoints(b);
	add_functions(b);
	err = write_btf(b, "vmlinux");
	if (!err)
		err = write_module(b);
	btf__free(b);
	return err;
}

/* events/<group>/<name> dirs; kprobes is a user's group and does not count. */
static int write_tracefs(void)
{
	static const char *const dirs[] = {
		"tracefs", "tracefs/events", "tracefs/events/grpa", "tracefs/events/grpa/tp_named",
		"tracefs/events/grpa/tp_noskb", "tracefs/events/grpb", "tracefs/events/grpb/tp_const",
		"tracefs/events/net", "tracefs/events/net/net_dev_xmit",
		"tracefs/events/kprobes", "tracefs/events/kprobes/tp_heur",
	};
	char path[128];

	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		tmp_path(path, sizeof(path), dirs[i]);
		if (mkdir(path, 0755))
			return -1;
	}
	/* Files beside the event dirs, as in the real tracefs. */
	tmp_path(path, sizeof(path), "tracefs/events/grpa/enable");
	if (write_file(path, "0\n", 2))
		return -1;
	tmp_path(path, sizeof(path), "tracefs/events/enable");
	return write_file(path, "0\n", 2);
}

static int open_synthetic(struct ebc_kbtf **k, bool modules)
{
	char btf[96], mods[96], tracefs[96];
	struct ebc_kbtf_opts opts = { .btf_path = btf, .tracefs = tracefs };

	tmp_path(btf, sizeof(btf), "vmlinux");
	tmp_path(mods, sizeof(mods), "modules");
	tmp_path(tracefs, sizeof(tracefs), "tracefs");
	if (modules)
		opts.module_dir = mods;
	return ebc_kbtf__open_opts(&opts, k);
}

static bool same_tp(const struct ebc_tp_info *got, const struct ebc_tp_info *want)
{
	bool same = !strcmp(got->group, want->group) && !strcmp(got->name, want->name) &&
		    got->skb_arg == want->skb_arg && got->nargs == want->nargs &&
		    got->reason_arg == want->reason_arg && got->location_arg == want->location_arg;

	if (!same)
		tap_diag("%s:%s skb %d nargs %d reason %d location %d, want %s:%s %d %d %d %d",
			 got->group, got->name, got->skb_arg, got->nargs, got->reason_arg,
			 got->location_arg, want->group, want->name, want->skb_arg, want->nargs,
			 want->reason_arg, want->location_arg);
	return same;
}

/* The whole list, in order: groupless first. */
static const struct ebc_tp_info synth_tps[] = {
	{ "", "tp_before", 1, 2, -1, -1 },
	{ "", "tp_heur", 0, 4, -1, 2 },
	{ "", "tp_mismatch", 0, 2, -1, 1 },
	{ "grpa", "tp_named", 1, 5, 4, 3 },
	{ "grpb", "tp_const", 0, 2, -1, -1 },
};

static void test_synth_tracepoint_list(struct ebc_kbtf *k)
{
	struct ebc_tp_info *list = NULL;
	size_t n = 0;
	bool ok;
	int err = ebc_kbtf__skb_tracepoints(k, &list, &n);

	ok = tap_ok(!err && n == ARRAY_SIZE(synth_tps),
		    "synthetic: %zu skb tracepoints, no tp_noskb, no net_dev_xmit (err %d)", n, err);
	for (size_t i = 0; ok && i < n; i++)
		ok = same_tp(&list[i], &synth_tps[i]);
	tap_ok(ok, "synthetic: sorted by group, then name; arguments as built");
	free(list);
}

static void test_synth_tracepoint_lookup(struct ebc_kbtf *k)
{
	static const struct {
		const char *spec;
		int err;
		int want;	/* index into synth_tps */
	} tab[] = {
		{ "grpa:tp_named", 0, 3 }, { "tp_named", 0, 3 }, { ":tp_named", 0, 3 },
		{ "grpb:tp_named", -ENOENT, 0 }, { "tp_const", 0, 4 }, { "tp_heur", 0, 1 },
		{ "kprobes:tp_heur", -ENOENT, 0 }, { "tp_nothere", -ENOENT, 0 },
		{ "grpa:tp_noskb", -EINVAL, 0 }, { "net:net_dev_xmit", -EOPNOTSUPP, 0 },
		{ "net_dev_xmit", -EOPNOTSUPP, 0 }, { "", -ENOENT, 0 },
		{ "grpa:an_event_name_that_is_much_longer_than_sixty_four_characters_x", -ENOENT, 0 },
	};
	struct ebc_tp_info tp;

	for (size_t i = 0; i < ARRAY_SIZE(tab); i++) {
		int err = ebc_kbtf__tracepoint(k, tab[i].spec, &tp);

		if (!tap_ok(err == tab[i].err, "synthetic: tracepoint \"%s\" gives %d (got %d)",
			    tab[i].spec, tab[i].err, err) || err)
			continue;
		tap_ok(same_tp(&tp, &synth_tps[tab[i].want]), "synthetic: \"%s\" as listed",
		       tab[i].spec);
	}
}

static bool same_kfunc(const struct ebc_kfunc_info *got, const struct ebc_kfunc_info *want)
{
	bool same = !strcmp(got->name, want->name) && got->nargs == want->nargs &&
		    got->skb_args == want->skb_args && got->returns_void == want->returns_void &&
		    got->variadic == want->variadic;

	if (!same)
		tap_diag("%s: %d args, skb 0x%x, void %d, variadic %d; want %s: %d, 0x%x, %d, %d",
			 got->name, got->nargs, got->skb_args, got->returns_void, got->variadic,
			 want->name, want->nargs, want->skb_args, want->returns_void, want->variadic);
	return same;
}

static void test_synth_functions(struct ebc_kbtf *k)
{
	static const struct ebc_kfunc_info want[] = {
		{ "dup2", 1, 0x1, false, false },
		{ "f_12", 12, 1u << 11, false, false },
		{ "f_two", 2, 0x2, false, false },
		{ "f_void", 1, 0x1, true, false },
	};
	static const struct ebc_kfunc_info one[] = {
		{ "dup", 1, 0, false, false },
		{ "f_none", 1, 0, false, false },
		{ "f_var", 1, 0x1, false, true },
		{ "f_many", 13, 0x1, false, false },
		{ "f_void", 1, 0x1, true, false },
		{ "__bpf_trace_tp_named", 6, 0x4, true, false },
	};
	struct ebc_kfunc_info *list = NULL, fi;
	size_t n = 0;
	bool ok;
	int err = ebc_kbtf__skb_functions(k, &list, &n);

	ok = tap_ok(!err && n == ARRAY_SIZE(want), "synthetic: %zu skb functions (err %d)", n, err);
	for (size_t i = 0; ok && i < n; i++)
		ok = same_kfunc(&list[i], &want[i]);
	tap_ok(ok, "synthetic: sorted, first of a name wins, no variadic, none over 12 params, "
		   "no __bpf_trace_");
	free(list);
	for (size_t i = 0; i < ARRAY_SIZE(one); i++) {
		err = ebc_kbtf__function(k, one[i].name, &fi);
		tap_ok(!err && same_kfunc(&fi, &one[i]), "synthetic: function %s (err %d)",
		       one[i].name, err);
	}
	tap_ok(ebc_kbtf__function(k, "f_nothere", &fi) == -ENOENT, "synthetic: unknown function");
}

static void test_synth_drop_reasons(struct ebc_kbtf *k, struct ebc_kbtf *nomod)
{
	static const struct {
		unsigned int value;
		const char *name;	/* NULL: unknown */
		const char *nomod;	/* without module BTF */
	} tab[] = {
		{ 0, "NOT_DROPPED_YET", "NOT_DROPPED_YET" }, { 1, "CONSUMED", "CONSUMED" },
		{ 2, "NOT_SPECIFIED", "NOT_SPECIFIED" }, { 3, "NO_SOCKET", "NO_SOCKET" },
		{ 4, NULL, NULL }, { 5, "MAX", "MAX" }, { 7, NULL, NULL }, { 0xffff, NULL, NULL },
		{ 0x10000, "FOO_DROP_FIRST", NULL }, { 0x10001, "FOO_DROP_SECOND", NULL },
		{ 0x10002, NULL, NULL }, { 0x20001, "ZED_DROP_A", "ZED_DROP_A" },
		{ 0xffff0000, NULL, NULL },
	};

	for (size_t i = 0; i < ARRAY_SIZE(tab); i++) {
		const char *got = ebc_kbtf__drop_reason(k, tab[i].value);
		const char *got2 = ebc_kbtf__drop_reason(nomod, tab[i].value);

		tap_ok((got && tab[i].name ? !strcmp(got, tab[i].name) : got == tab[i].name) &&
		       (got2 && tab[i].nomod ? !strcmp(got2, tab[i].nomod) : got2 == tab[i].nomod),
		       "synthetic: drop reason 0x%x is %s, %s without modules (got %s, %s)",
		       tab[i].value, tab[i].name ?: "unknown", tab[i].nomod ?: "unknown",
		       got ?: "NULL", got2 ?: "NULL");
	}
}

static void test_synthetic(void)
{
	struct ebc_kbtf *k = NULL, *nomod = NULL;
	char path[96];
	int err;

	if (write_synthetic_btf() || write_tracefs()) {
		tap_ok(0, "synthetic: write BTF and tracefs tree in %s", tmpdir);
		return;
	}
	err = open_synthetic(&k, true);
	if (!err)
		err = open_synthetic(&nomod, false);
	if (tap_ok(!err, "synthetic: open (err %d)", err)) {
		test_synth_tracepoint_list(k);
		test_synth_tracepoint_lookup(k);
		test_synth_functions(k);
		test_synth_drop_reasons(k, nomod);
	}
	ebc_kbtf__close(k);
	ebc_kbtf__close(nomod);
	tmp_path(path, sizeof(path), "no-such-btf");
	err = ebc_kbtf__open_opts(&(struct ebc_kbtf_opts){ .btf_path = path }, &k);
	tap_ok(err == -ENOENT && !k, "open of a missing BTF file gives -ENOENT (got %d)", err);
}

/* ---- kallsyms ---- */

static void test_ksyms_file(void)
{
	static const char syms[] =
		"0000000000001000 T _stext\n"
		"0000000000001000 t alias_of_stext\n"
		"0000000000001100 T func_b\n"
		"0000000000001200 D data_c\n"
		"0000000000002000 t modfn\t[mymod]\n"
		"0000000000002100 t modfn2\t[mymod]\n";
	static const struct {
		unsigned long long addr;
		const char *want;
	} tab[] = {
		{ 0x1000, "_stext+0x0" }, { 0x1010, "_stext+0x10" }, { 0x1110, "func_b+0x10" },
		{ 0x1210, "func_b+0x110" }, { 0x2010, "modfn+0x10 [mymod]" },
		{ 0x2110, "modfn2+0x10 [mymod]" }, { 0xfff, "0xfff" }, { 0x102100, "0x102100" },
	};
	struct ebc_ksyms *s = NULL;
	char path[96], buf[64];
	int err;

	tmp_path(path, sizeof(path), "kallsyms");
	err = write_file(path, syms, sizeof(syms) - 1) ? -EIO : ebc_ksyms__load_file(path, &s);
	if (!tap_ok(!err, "kallsyms file: load (err %d)", err))
		return;
	for (size_t i = 0; i < ARRAY_SIZE(tab); i++) {
		ebc_ksyms__format(s, tab[i].addr, buf, sizeof(buf));
		tap_ok(!strcmp(buf, tab[i].want), "kallsyms file: 0x%llx is %s (got %s)", tab[i].addr,
		       tab[i].want, buf);
	}
	ebc_ksyms__free(s);
	ebc_ksyms__format(NULL, 0x1234, buf, sizeof(buf));
	tap_ok(!strcmp(buf, "0x1234"), "kallsyms: no symbols, plain hex (got %s)", buf);

	tmp_path(path, sizeof(path), "kallsyms-hidden");
	err = write_file(path, "0000000000000000 T a\n0000000000000000 t b\n", 42) ? -EIO
		: ebc_ksyms__load_file(path, &s);
	tap_ok(err == -EPERM && !s, "kallsyms file: all addresses zero gives -EPERM (got %d)", err);
}

/* The address of a text symbol no other text symbol shares or follows within 0x10. */
static unsigned long long find_lone_symbol(const char *want)
{
	unsigned long long addr = 0, a;
	char line[512], name[256], type;
	FILE *fp = fopen("/proc/kallsyms", "r");

	for (int pass = 0; fp && pass < 2; pass++) {
		rewind(fp);
		while (fgets(line, sizeof(line), fp)) {
			if (sscanf(line, "%llx %c %255s", &a, &type, name) != 3 ||
			    (type != 't' && type != 'T'))
				continue;
			if (pass == 0 && !addr && !strcmp(name, want) && !strchr(line, '['))
				addr = a;
			else if (pass == 1 && addr && a >= addr && a <= addr + 0x10 &&
				 strcmp(name, want))
				addr = 0;
		}
	}
	if (fp)
		fclose(fp);
	return addr;
}

static void test_ksyms_kernel(void)
{
	static const char *const candidates[] = { "ip_rcv", "__dev_queue_xmit", "ip_output" };
	struct ebc_ksyms *s = NULL;
	unsigned long long addr = 0;
	const char *sym = NULL;
	char buf[128], want[128];
	int err;

	if (geteuid() != 0) {
		tap_skip("not root: kallsyms shows no addresses", "kallsyms: load");
		tap_skip("not root: kallsyms shows no addresses", "kallsyms: format");
		return;
	}
	err = ebc_ksyms__load(&s);
	if (!tap_ok(!err, "kallsyms: load /proc/kallsyms (err %d)", err))
		return;
	for (size_t i = 0; i < ARRAY_SIZE(candidates) && !addr; i++)
		addr = find_lone_symbol(sym = candidates[i]);
	if (!addr) {
		tap_skip("none of ip_rcv, __dev_queue_xmit, ip_output stands alone", "kallsyms: format");
	} else {
		snprintf(want, sizeof(want), "%s+0x10", sym);
		ebc_ksyms__format(s, addr + 0x10, buf, sizeof(buf));
		tap_ok(!strcmp(buf, want), "kallsyms: %s + 0x10 is %s (got %s)", sym, want, buf);
	}
	ebc_ksyms__free(s);
}

/* ---- the running kernel ---- */

static const struct ebc_tp_info *find_tp(const struct ebc_tp_info *l, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(l[i].name, name))
			return &l[i];
	return NULL;
}

static bool tps_sorted(const struct ebc_tp_info *l, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		int c = strcmp(l[i - 1].group, l[i].group);

		if (c > 0 || (!c && strcmp(l[i - 1].name, l[i].name) >= 0))
			return false;
	}
	return true;
}

static void test_kernel_tracepoints(struct ebc_kbtf *k, bool have_tracefs)
{
	/* On 6.18, raw kfree_skb is (skb, location, reason, rx_sk). */
	const struct ebc_tp_info kfree = { "skb", "kfree_skb", 0, 4, 2, 1 };
	const char *const present[] = { "netif_receive_skb", "net_dev_queue" };
	const struct ebc_tp_info *tp;
	struct ebc_tp_info *list = NULL, one;
	struct timespec t0;
	size_t n = 0;
	int err;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = ebc_kbtf__skb_tracepoints(k, &list, &n);
	tap_diag("%zu skb tracepoints in %.1f ms", n, ms_since(&t0));
	if (!tap_ok(!err && n > 0, "kernel: skb tracepoints listed (err %d)", err))
		return;
	tap_ok(tps_sorted(list, n), "kernel: sorted by group then name, no duplicates");
	tp = find_tp(list, n, "kfree_skb");
	tap_ok(tp && tp->skb_arg == 0 && tp->reason_arg == 2 && tp->location_arg == 1 &&
	       tp->nargs == 4, "kernel: kfree_skb has skb 0, location 1, reason 2 of 4");
	if (have_tracefs)
		tap_ok(tp && same_tp(tp, &kfree), "kernel: kfree_skb is in group skb");
	else
		tap_skip("no readable tracefs", "kernel: kfree_skb is in group skb");
	for (size_t i = 0; i < ARRAY_SIZE(present); i++) {
		tp = find_tp(list, n, present[i]);
		tap_ok(tp && (!have_tracefs || !strcmp(tp->group, "net")),
		       "kernel: net:%s is listed", present[i]);
	}
	tap_ok(!find_tp(list, n, "net_dev_xmit"), "kernel: net_dev_xmit is not listed");
	free(list);

	err = ebc_kbtf__tracepoint(k, have_tracefs ? "skb:kfree_skb" : "kfree_skb", &one);
	tap_ok(!err && one.skb_arg == 0 && one.reason_arg == 2 && one.location_arg == 1,
	       "kernel: kfree_skb looked up by itself (err %d)", err);
	err = ebc_kbtf__tracepoint(k, "sched:sched_switch", &one);
	tap_ok(err == -EINVAL, "kernel: sched:sched_switch carries no skb (got %d)", err);
	err = ebc_kbtf__tracepoint(k, "nope:nope", &one);
	tap_ok(err == -ENOENT, "kernel: nope:nope does not exist (got %d)", err);
	if (have_tracefs) {
		err = ebc_kbtf__tracepoint(k, "net:kfree_skb", &one);
		tap_ok(err == -ENOENT, "kernel: net:kfree_skb is in the wrong group (got %d)", err);
	} else {
		tap_skip("no readable tracefs", "kernel: net:kfree_skb is in the wrong group");
	}
}

static void test_kernel_functions(struct ebc_kbtf *k)
{
	static const char *const skb_first[] = { "ip_rcv", "__dev_queue_xmit" };
	struct ebc_kfunc_info *list = NULL, fi;
	struct timespec t0;
	size_t n = 0;
	bool ok = true;
	int err;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = ebc_kbtf__skb_functions(k, &list, &n);
	tap_diag("%zu skb functions in %.1f ms", n, ms_since(&t0));
	for (size_t i = 0; !err && i < n && ok; i++)
		ok = list[i].skb_args && list[i].nargs <= 12 &&
		     (!i || strcmp(list[i - 1].name, list[i].name) < 0);
	tap_ok(!err && n > 100 && ok, "kernel: skb functions sorted, unique, all with an skb");
	free(list);
	for (size_t i = 0; i < ARRAY_SIZE(skb_first); i++) {
		err = ebc_kbtf__function(k, skb_first[i], &fi);
		tap_ok(!err && (fi.skb_args & 1), "kernel: %s takes an skb first (err %d, 0x%x)",
		       skb_first[i], err, err ? 0 : fi.skb_args);
	}
	err = ebc_kbtf__function(k, "ebpfcap_no_such_function", &fi);
	tap_ok(err == -ENOENT, "kernel: a made-up function gives -ENOENT (got %d)", err);
}

/* Every SKB_DROP_REASON_* value of the kernel's own enum maps back to its name. */
static void test_kernel_drop_reasons(struct ebc_kbtf *k)
{
	struct btf *btf = btf__load_vmlinux_btf();
	__s32 id = btf ? btf__find_by_name_kind(btf, "skb_drop_reason", BTF_KIND_ENUM) : -1;
	const struct btf_type *t = id > 0 ? btf__type_by_id(btf, id) : NULL;
	int found = 0, bad = 0;

	for (int i = 0; t && i < btf_vlen(t); i++) {
		const char *name = btf__name_by_offset(btf, btf_enum(t)[i].name_off);
		unsigned int v = btf_enum(t)[i].val;
		const char *got = ebc_kbtf__drop_reason(k, v);

		if (strncmp(name, "SKB_DROP_REASON_", 16) || v >> 16)
			continue;
		if (!strcmp(name, "SKB_DROP_REASON_NO_SOCKET") ||
		    !strcmp(name, "SKB_DROP_REASON_NOT_SPECIFIED"))
			found++;
		if (!got || strcmp(got, name + 16)) {
			tap_diag("%s = %u maps to %s", name, v, got ?: "NULL");
			bad++;
		}
	}
	tap_ok(t && found == 2 && !bad, "kernel: every drop reason maps to its name, "
	       "NO_SOCKET and NOT_SPECIFIED among them");
	tap_ok(!ebc_kbtf__drop_reason(k, 0xfffe), "kernel: 0xfffe is no drop reason");
	btf__free(btf);
}

static void test_kernel(void)
{
	struct ebc_kbtf *k = NULL;
	struct timespec t0;
	char tracefs[256], events[300];
	bool have_tracefs = !ebc_kbtf__tracefs(tracefs, sizeof(tracefs));
	int err;

	/* Mounted is not enough: tracefs is root's alone by default. */
	snprintf(events, sizeof(events), "%s/events", tracefs);
	have_tracefs = have_tracefs && !access(events, R_OK | X_OK);

	if (!have_tracefs)
		tap_diag("no readable tracefs: group checks are skipped");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = ebc_kbtf__open(&k);
	tap_diag("open in %.1f ms", ms_since(&t0));
	if (!tap_ok(!err, "kernel: open the running kernel's BTF (err %d)", err))
		return;
	test_kernel_tracepoints(k, have_tracefs);
	test_kernel_functions(k);
	test_kernel_drop_reasons(k);
	ebc_kbtf__close(k);
	ebc_kbtf__close(NULL);
}

int main(void)
{
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		printf("1..0 # SKIP no kernel BTF\n");
		return 77;
	}
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/ebc-kbtf-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	test_synthetic();
	test_ksyms_file();
	test_ksyms_kernel();
	test_kernel();
	nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return tap_done();
}
