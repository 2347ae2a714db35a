// SPDX-License-Identifier: GPL-2.0-only
/*
 * The running kernel, as the tracing taps need to know it: tracepoints and
 * functions that carry a struct sk_buff *, drop reason names, kernel symbols.
 *
 * Everything comes from one loaded vmlinux BTF. Indexes (functions sorted by
 * name, tracefs event groups, drop reasons) are built on first use with one
 * linear pass each, so that --extcap-config stays fast on a BTF of ~130k types.
 */
#ifndef _GNU_SOURCE
/* fdopendir, openat */
#define _GNU_SOURCE
#endif
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <glib.h>
#include <bpf/btf.h>
#include "kbtf.h"
#include "log.h"
#include "privs.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* fentry/fexit take at most this many arguments (x86-64, arm64). */
#define KFUNC_MAX_ARGS 12
#define TP_TYPEDEF_PREFIX "btf_trace_"
/* The BPF entry of a tracepoint class; unlike btf_trace_<name>, it names its params. */
#define TP_CLASS_FUNC_PREFIX "__bpf_trace_"
#define DROP_REASON_PREFIX "SKB_DROP_REASON_"
#define DROP_SUBSYS_PREFIX "SKB_DROP_REASON_SUBSYS_"
/* Upper 16 bits of a drop reason: its subsystem (SKB_DROP_REASON_SUBSYS_SHIFT). */
#define DROP_SUBSYS_SHIFT 16

struct func_ix {
	const char *name;
	__u32 id;
};

struct sub_reason {
	unsigned int value;
	const char *name;
};

struct ebc_kbtf {
	struct btf *btf;
	char *module_dir;	/* NULL: no module BTF */
	char *tracefs;		/* NULL: ebc_kbtf__tracefs() */

	struct func_ix *funcs;	/* every FUNC, by name then id */
	size_t nfuncs;
	bool funcs_built;

	GHashTable *groups;	/* tracefs event name -> group */
	bool have_tracefs;	/* else groups is empty and cannot be checked */

	const char **core_reasons;	/* indexed by value, names point into btf */
	size_t ncore_reasons;
	struct sub_reason *sub_reasons;	/* by value, names in reason_strs */
	size_t nsub_reasons, sub_cap;
	GStringChunk *reason_strs;
	bool reasons_built;
};

/* Tracepoints whose skb may already be freed when they fire. */
static const char *const unsafe_tracepoints[] = { "net_dev_xmit", "net_dev_xmit_timeout" };

/* Dynamic event groups: user-made probes, not the kernel's tracepoints. */
static const char *const dynamic_groups[] = {
	"kprobes", "uprobes", "fprobes", "tracepoints", "eprobes", "synthetic",
};

static bool in_list(const char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(list[i], s))
			return true;
	return false;
}

/* Make room for one more element. */
static int grow(void **arr, size_t *cap, size_t n, size_t size)
{
	size_t c = *cap ? *cap * 2 : 64;
	void *p;

	if (n < *cap)
		return 0;
	p = realloc(*arr, c * size);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = c;
	return 0;
}

static int copy_name(char *dst, size_t len, const char *src)
{
	if (strlen(src) >= len)
		return -ENAMETOOLONG;
	strcpy(dst, src);
	return 0;
}

/* ---- types ---- */

static const char *type_name(const struct btf *btf, const struct btf_type *t)
{
	return btf__name_by_offset(btf, t->name_off) ?: "";
}

/* Past const/volatile/restrict/type tags and typedefs; void comes back as kind UNKN. */
static const struct btf_type *skip_mods(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	for (int depth = 0; t && depth < 32; depth++) {
		if (!btf_is_mod(t) && !btf_is_typedef(t))
			return t;
		t = btf__type_by_id(btf, t->type);
	}
	return NULL;
}

/* What a pointer parameter points to, modifiers skipped; NULL if not a pointer. */
static const struct btf_type *pointee(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = skip_mods(btf, id);

	return t && btf_is_ptr(t) ? skip_mods(btf, t->type) : NULL;
}

static bool is_skb_ptr(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = pointee(btf, id);

	return t && btf_is_struct(t) && !strcmp(type_name(btf, t), "sk_buff");
}

static bool is_void_ptr(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = pointee(btf, id);

	return t && btf_is_void(t);
}

static bool is_drop_reason(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = skip_mods(btf, id);

	return t && btf_is_enum(t) && !strcmp(type_name(btf, t), "skb_drop_reason");
}

/* ---- opening ---- */

static int kbtf_load(struct ebc_kbtf *k, const char *path)
{
	int err;

	k->btf = path ? btf__parse(path, NULL) : btf__load_vmlinux_btf();
	if (k->btf)
		return 0;
	err = errno ? -errno : -ENOENT;
	/* libbpf says -ESRCH when it found no kernel BTF anywhere. */
	if (!path && err == -ESRCH)
		err = -ENOENT;
	ebc_debug("cannot load BTF from %s: %s", path ?: "the running kernel", ebc_strerror(err));
	return err;
}

static int kbtf_set_paths(struct ebc_kbtf *k, const struct ebc_kbtf_opts *opts)
{
	const char *mods = opts->module_dir;

	if (!mods && !opts->btf_path)
		mods = "/sys/kernel/btf";
	if (mods && !(k->module_dir = strdup(mods)))
		return -ENOMEM;
	if (opts->tracefs && !(k->tracefs = strdup(opts->tracefs)))
		return -ENOMEM;
	return 0;
}

int ebc_kbtf__open_opts(const struct ebc_kbtf_opts *opts, struct ebc_kbtf **out)
{
	static const struct ebc_kbtf_opts defaults;
	struct ebc_kbtf *k;
	int err;

	*out = NULL;
	if (!opts)
		opts = &defaults;
	k = calloc(1, sizeof(*k));
	if (!k)
		return -ENOMEM;
	err = kbtf_load(k, opts->btf_path);
	if (!err)
		err = kbtf_set_paths(k, opts);
	if (err) {
		ebc_kbtf__close(k);
		return err;
	}
	ebc_debug("kernel BTF: %u types", btf__type_cnt(k->btf));
	*out = k;
	return 0;
}

int ebc_kbtf__open(struct ebc_kbtf **out)
{
	return ebc_kbtf__open_opts(NULL, out);
}

void ebc_kbtf__close(struct ebc_kbtf *k)
{
	if (!k)
		return;
	if (k->reason_strs)
		g_string_chunk_free(k->reason_strs);
	free(k->sub_reasons);
	free(k->core_reasons);
	if (k->groups)
		g_hash_table_destroy(k->groups);
	free(k->funcs);
	free(k->tracefs);
	free(k->module_dir);
	btf__free(k->btf);
	free(k);
}

/* ---- tracefs ---- */

static bool is_tracefs(const char *path)
{
	struct statfs st;

	return !statfs(path, &st) && st.f_type == TRACEFS_MAGIC;
}

static int mount_tracefs(const char *dir)
{
	int err;

	/* Only root may mount; anyone else just has no tracefs. */
	if (geteuid() != 0)
		return -ENOENT;
	if (mount("tracefs", dir, "tracefs", 0, NULL)) {
		err = -errno;
		ebc_debug("cannot mount tracefs on %s: %s", dir, ebc_strerror(err));
		return err;
	}
	ebc_debug("mounted tracefs on %s", dir);
	return 0;
}

int ebc_kbtf__tracefs(char *path, size_t len)
{
	static const char *const where[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	const char *found = NULL;
	int err;

	for (size_t i = 0; i < ARRAY_SIZE(where) && !found; i++)
		if (is_tracefs(where[i]))
			found = where[i];
	if (!found) {
		err = mount_tracefs(where[0]);
		if (err)
			return err;
		found = where[0];
	}
	return copy_name(path, len, found);
}

static bool is_dir_entry(int dirfd, const struct dirent *d)
{
	struct stat st;

	if (d->d_name[0] == '.')
		return false;
	if (d->d_type != DT_UNKNOWN)
		return d->d_type == DT_DIR;
	return !fstatat(dirfd, d->d_name, &st, 0) && S_ISDIR(st.st_mode);
}

/* Add every event of one group; the first group seen keeps a name. */
static void scan_group(GHashTable *groups, int events_fd, const char *group)
{
	int fd = openat(events_fd, group, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *d;

	if (!dir) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((d = readdir(dir))) {
		if (!is_dir_entry(fd, d))
			continue;
		if (g_hash_table_contains(groups, d->d_name)) {
			ebc_debug("tracepoint %s is in two groups; keeping %s, not %s", d->d_name,
				  (const char *)g_hash_table_lookup(groups, d->d_name), group);
			continue;
		}
		g_hash_table_insert(groups, g_strdup(d->d_name), g_strdup(group));
	}
	closedir(dir);
}

static int scan_events(GHashTable *groups, const char *tracefs)
{
	char path[PATH_MAX];
	struct dirent *d;
	DIR *dir;
	int err;

	snprintf(path, sizeof(path), "%s/events", tracefs);
	dir = opendir(path);
	if (!dir) {
		err = -errno;
		ebc_debug("cannot read %s: %s", path, ebc_strerror(err));
		return err;
	}
	while ((d = readdir(dir)))
		if (is_dir_entry(dirfd(dir), d) &&
		    !in_list(dynamic_groups, ARRAY_SIZE(dynamic_groups), d->d_name))
			scan_group(groups, dirfd(dir), d->d_name);
	closedir(dir);
	return 0;
}

/* The group of a tracefs event, or "" without tracefs or such an event. */
static const char *kbtf_group(struct ebc_kbtf *k, const char *name)
{
	char tracefs[PATH_MAX];
	const char *group;
	int err;

	if (!k->groups) {
		/* tracefs is root's only. */
		bool raised = ebc_privs__raise(CAP_DAC_READ_SEARCH);

		k->groups = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
		if (k->tracefs)
			k->have_tracefs = !scan_events(k->groups, k->tracefs);
		else if ((err = ebc_kbtf__tracefs(tracefs, sizeof(tracefs))))
			ebc_debug("no tracefs, tracepoint groups unknown: %s", ebc_strerror(err));
		else
			k->have_tracefs = !scan_events(k->groups, tracefs);
		ebc_privs__restore(CAP_DAC_READ_SEARCH, raised);
	}
	group = g_hash_table_lookup(k->groups, name);
	return group ?: "";
}

/* ---- the function index ---- */

static int cmp_func_ix(const void *a, const void *b)
{
	const struct func_ix *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int kbtf_index_funcs(struct ebc_kbtf *k)
{
	__u32 n = btf__type_cnt(k->btf);

	if (k->funcs_built)
		return 0;
	k->funcs = malloc(n * sizeof(*k->funcs));
	if (!k->funcs)
		return -ENOMEM;
	for (__u32 id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(k->btf, id);

		if (btf_is_func(t))
			k->funcs[k->nfuncs++] = (struct func_ix){ type_name(k->btf, t), id };
	}
	qsort(k->funcs, k->nfuncs, sizeof(*k->funcs), cmp_func_ix);
	k->funcs_built = true;
	return 0;
}

/* The first FUNC of that name, as libbpf would pick it; 0 if none. */
static __u32 kbtf_find_func(struct ebc_kbtf *k, const char *name)
{
	size_t lo = 0, hi = k->nfuncs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(k->funcs[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < k->nfuncs && !strcmp(k->funcs[lo].name, name) ? k->funcs[lo].id : 0;
}

/* ---- functions ---- */

static int fill_kfunc(const struct btf *btf, __u32 func_id, struct ebc_kfunc_info *out)
{
	const struct btf_type *f = btf__type_by_id(btf, func_id);
	const struct btf_type *proto = btf__type_by_id(btf, f->type);
	const struct btf_param *p;
	int vlen;

	memset(out, 0, sizeof(*out));
	if (!proto || !btf_is_func_proto(proto))
		return -EINVAL;
	p = btf_params(proto);
	vlen = btf_vlen(proto);
	/* BTF writes "..." as a last param of type void. */
	if (vlen && !p[vlen - 1].type) {
		out->variadic = true;
		vlen--;
	}
	out->nargs = vlen;
	out->returns_void = proto->type == 0;
	for (int i = 0; i < vlen && i < 32; i++)
		if (is_skb_ptr(btf, p[i].type))
			out->skb_args |= 1u << i;
	return copy_name(out->name, sizeof(out->name), type_name(btf, f));
}

static bool kfunc_traceable(const struct ebc_kfunc_info *fi)
{
	/* __bpf_trace_<class> functions are notrace: BPF's own tracepoint entries. */
	return fi->skb_args && !fi->variadic && fi->nargs <= KFUNC_MAX_ARGS &&
	       strncmp(fi->name, TP_CLASS_FUNC_PREFIX, strlen(TP_CLASS_FUNC_PREFIX));
}

int ebc_kbtf__function(struct ebc_kbtf *k, const char *name, struct ebc_kfunc_info *out)
{
	__u32 id;
	int err = kbtf_index_funcs(k);

	if (err)
		return err;
	id = kbtf_find_func(k, name);
	if (!id)
		return -ENOENT;
	return fill_kfunc(k->btf, id, out);
}

int ebc_kbtf__skb_functions(struct ebc_kbtf *k, struct ebc_kfunc_info **list, size_t *n)
{
	struct ebc_kfunc_info *arr = NULL, fi;
	size_t cnt = 0, cap = 0;
	int err = kbtf_index_funcs(k);

	for (size_t i = 0; !err && i < k->nfuncs; i++) {
		/* Sorted by name then id: the first of a name is the one libbpf attaches to. */
		if (i && !strcmp(k->funcs[i].name, k->funcs[i - 1].name))
			continue;
		if (fill_kfunc(k->btf, k->funcs[i].id, &fi) || !kfunc_traceable(&fi))
			continue;
		err = grow((void **)&arr, &cap, cnt, sizeof(*arr));
		if (!err)
			arr[cnt++] = fi;
	}
	if (err) {
		free(arr);
		return err;
	}
	*list = arr;
	*n = cnt;
	return 0;
}

/* ---- tracepoints ---- */

/* The func proto behind typedef btf_trace_<name>, or NULL. */
static const struct btf_type *tp_proto(const struct btf *btf, const struct btf_type *td)
{
	const struct btf_type *t = pointee(btf, td->type);

	/* Its first param is the probe's 'void *__data', not a tracepoint argument. */
	return t && btf_is_func_proto(t) && btf_vlen(t) >= 1 ? t : NULL;
}

/* The class's __bpf_trace_<name> when it exists and has the same param types. */
static const struct btf_type *tp_named_proto(struct ebc_kbtf *k, const char *name,
					     const struct btf_type *proto)
{
	char fname[128];
	const struct btf_type *f, *named;
	__u32 id;

	snprintf(fname, sizeof(fname), TP_CLASS_FUNC_PREFIX "%s", name);
	id = kbtf_find_func(k, fname);
	if (!id)
		return NULL;
	f = btf__type_by_id(k->btf, id);
	named = btf__type_by_id(k->btf, f->type);
	if (!named || !btf_is_func_proto(named) || btf_vlen(named) != btf_vlen(proto))
		return NULL;
	for (int i = 0; i < btf_vlen(proto); i++)
		if (btf_params(named)[i].type != btf_params(proto)[i].type)
			return NULL;
	return named;
}

static int tp_location_arg(struct ebc_kbtf *k, const char *name, const struct btf_type *proto,
			   int skb_arg)
{
	const struct btf_type *named = tp_named_proto(k, name, proto);
	const struct btf_param *p = btf_params(proto) + 1;
	int nargs = btf_vlen(proto) - 1;

	if (named) {
		p = btf_params(named) + 1;
		for (int i = 0; i < nargs; i++)
			if (!strcmp(btf__name_by_offset(k->btf, p[i].name_off) ?: "", "location"))
				return i;
		return -1;
	}
	for (int i = skb_arg + 1; i < nargs; i++)
		if (is_void_ptr(k->btf, p[i].type))
			return i;
	return -1;
}

/* The argument layout of one btf_trace_<name> typedef; -EINVAL without an skb. */
static int fill_tp(struct ebc_kbtf *k, const struct btf_type *td, const char *name,
		   struct ebc_tp_info *out)
{
	const struct btf_type *proto = tp_proto(k->btf, td);
	const struct btf_param *p;

	memset(out, 0, sizeof(*out));
	if (!proto)
		return -EINVAL;
	p = btf_params(proto) + 1;
	out->nargs = btf_vlen(proto) - 1;
	out->skb_arg = out->reason_arg = -1;
	for (int i = 0; i < out->nargs; i++) {
		if (out->skb_arg < 0 && is_skb_ptr(k->btf, p[i].type))
			out->skb_arg = i;
		else if (out->reason_arg < 0 && is_drop_reason(k->btf, p[i].type))
			out->reason_arg = i;
	}
	if (out->skb_arg < 0)
		return -EINVAL;
	out->location_arg = tp_location_arg(k, name, proto, out->skb_arg);
	if (copy_name(out->name, sizeof(out->name), name) ||
	    copy_name(out->group, sizeof(out->group), kbtf_group(k, name)))
		return -ENAMETOOLONG;
	return 0;
}

static int cmp_tp(const void *a, const void *b)
{
	const struct ebc_tp_info *x = a, *y = b;
	int c = strcmp(x->group, y->group);

	return c ? c : strcmp(x->name, y->name);
}

/* The tracepoint name of a btf_trace_<name> typedef, or NULL. */
static const char *tp_name(const struct btf *btf, const struct btf_type *t)
{
	const char *name;

	if (!btf_is_typedef(t))
		return NULL;
	name = type_name(btf, t);
	if (strncmp(name, TP_TYPEDEF_PREFIX, strlen(TP_TYPEDEF_PREFIX)))
		return NULL;
	return name + strlen(TP_TYPEDEF_PREFIX);
}

static int collect_tps(struct ebc_kbtf *k, struct ebc_tp_info **arr, size_t *cnt)
{
	__u32 n = btf__type_cnt(k->btf);
	size_t cap = 0;
	int err = 0;

	for (__u32 id = 1; id < n && !err; id++) {
		const struct btf_type *t = btf__type_by_id(k->btf, id);
		const char *name = tp_name(k->btf, t);
		struct ebc_tp_info tp;

		if (!name || in_list(unsafe_tracepoints, ARRAY_SIZE(unsafe_tracepoints), name))
			continue;
		if (fill_tp(k, t, name, &tp))
			continue;
		err = grow((void **)arr, &cap, *cnt, sizeof(**arr));
		if (!err)
			(*arr)[(*cnt)++] = tp;
	}
	return err;
}

int ebc_kbtf__skb_tracepoints(struct ebc_kbtf *k, struct ebc_tp_info **list, size_t *n)
{
	struct ebc_tp_info *arr = NULL;
	size_t cnt = 0;
	int err = kbtf_index_funcs(k);

	if (!err)
		err = collect_tps(k, &arr, &cnt);
	if (err) {
		free(arr);
		return err;
	}
	if (cnt)	/* qsort's base must not be NULL */
		qsort(arr, cnt, sizeof(*arr), cmp_tp);
	*list = arr;
	*n = cnt;
	return 0;
}

/* Split "group:name" (or "name") into its parts; group "" when absent. */
static int parse_tp_spec(const char *spec, char *group, size_t glen, char *name, size_t nlen)
{
	const char *colon = strchr(spec, ':');

	if (!colon) {
		group[0] = '\0';
		return copy_name(name, nlen, spec);
	}
	if ((size_t)(colon - spec) >= glen)
		return -ENAMETOOLONG;
	memcpy(group, spec, colon - spec);
	group[colon - spec] = '\0';
	return copy_name(name, nlen, colon + 1);
}

int ebc_kbtf__tracepoint(struct ebc_kbtf *k, const char *spec, struct ebc_tp_info *out)
{
	char group[64], name[64], tname[sizeof(TP_TYPEDEF_PREFIX) + 64];
	const char *known;
	__s32 id;
	int err = parse_tp_spec(spec, group, sizeof(group), name, sizeof(name));

	if (err)
		return err == -ENAMETOOLONG ? -ENOENT : err;
	snprintf(tname, sizeof(tname), TP_TYPEDEF_PREFIX "%s", name);
	id = btf__find_by_name_kind(k->btf, tname, BTF_KIND_TYPEDEF);
	if (id <= 0)
		return -ENOENT;
	known = kbtf_group(k, name);
	/* Without tracefs the group cannot be checked; trust the caller's. */
	if (group[0] && k->have_tracefs && strcmp(group, known))
		return -ENOENT;
	if (in_list(unsafe_tracepoints, ARRAY_SIZE(unsafe_tracepoints), name))
		return -EOPNOTSUPP;
	err = kbtf_index_funcs(k);
	if (err)
		return err;
	return fill_tp(k, btf__type_by_id(k->btf, id), name, out);
}

/* ---- drop reasons ---- */

static const char *strip_reason_prefix(const char *name)
{
	if (!strncmp(name, DROP_REASON_PREFIX, strlen(DROP_REASON_PREFIX)))
		return name + strlen(DROP_REASON_PREFIX);
	/* SKB_NOT_DROPPED_YET, SKB_CONSUMED: the kernel prints them without "SKB_". */
	if (!strncmp(name, "SKB_", 4))
		return name + 4;
	return name;
}

/* enum skb_drop_reason's core values (no subsystem) into a table by value. */
static int load_core_reasons(struct ebc_kbtf *k, const struct btf_type *t)
{
	const struct btf_enum *e = btf_enum(t);
	size_t max = 0;

	for (int i = 0; i < btf_vlen(t); i++)
		if ((__u32)e[i].val >> DROP_SUBSYS_SHIFT == 0 && (__u32)e[i].val + 1 > max)
			max = (__u32)e[i].val + 1;
	k->core_reasons = calloc(max ?: 1, sizeof(*k->core_reasons));
	if (!k->core_reasons)
		return -ENOMEM;
	k->ncore_reasons = max;
	for (int i = 0; i < btf_vlen(t); i++) {
		__u32 v = e[i].val;

		if (v >> DROP_SUBSYS_SHIFT == 0 && !k->core_reasons[v])
			k->core_reasons[v] = strip_reason_prefix(btf__name_by_offset(k->btf, e[i].name_off));
	}
	return 0;
}

static int add_sub_reason(struct ebc_kbtf *k, unsigned int value, const char *name)
{
	int err = grow((void **)&k->sub_reasons, &k->sub_cap, k->nsub_reasons,
		       sizeof(*k->sub_reasons));

	if (err)
		return err;
	k->sub_reasons[k->nsub_reasons++] = (struct sub_reason){
		value, g_string_chunk_insert_const(k->reason_strs, name),
	};
	return 0;
}

/* A subsystem's enum: named <something>_drop_reason, e.g. ovs_drop_reason. */
static bool is_sub_reason_enum(const struct btf *btf, const struct btf_type *t)
{
	const char *name, *suffix = "_drop_reason";
	size_t len, slen = strlen(suffix);

	if (!btf_is_enum(t))
		return false;
	name = type_name(btf, t);
	len = strlen(name);
	return len > slen && !strcmp(name + len - slen, suffix) && strcmp(name, "skb_drop_reason");
}

/* Subsystem drop reasons (upper 16 bits set) from the types [start, end) of btf. */
static int scan_sub_reasons(struct ebc_kbtf *k, const struct btf *btf, __u32 start)
{
	__u32 end = btf__type_cnt(btf);
	int err = 0;

	for (__u32 id = start; id < end && !err; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const struct btf_enum *e = btf_enum(t);

		if (!is_sub_reason_enum(btf, t))
			continue;
		for (int i = 0; i < btf_vlen(t) && !err; i++)
			if ((__u32)e[i].val >> DROP_SUBSYS_SHIFT)
				err = add_sub_reason(k, e[i].val, btf__name_by_offset(btf, e[i].name_off));
	}
	return err;
}

/*
 * A subsystem's module, guessed from its name: SKB_DROP_REASON_SUBSYS_
 * MAC80211_UNUSABLE is in mac80211, ..._OPENVSWITCH in openvswitch. Its enum
 * is only in the module's BTF while the module is loaded.
 */
static int scan_module_reasons(struct ebc_kbtf *k, const char *subsys)
{
	char mod[64], path[PATH_MAX];
	struct btf *mbtf;
	size_t i;
	int err;

	for (i = 0; subsys[i] && subsys[i] != '_' && i < sizeof(mod) - 1; i++)
		mod[i] = tolower((unsigned char)subsys[i]);
	mod[i] = '\0';
	snprintf(path, sizeof(path), "%s/%s", k->module_dir, mod);
	if (access(path, R_OK))
		return 0;
	mbtf = btf__parse_split(path, k->btf);
	if (!mbtf) {
		ebc_debug("cannot load BTF of module %s: %s", mod, ebc_strerror(errno));
		return 0;
	}
	err = scan_sub_reasons(k, mbtf, btf__type_cnt(k->btf));
	btf__free(mbtf);
	return err;
}

static int scan_modules_reasons(struct ebc_kbtf *k)
{
	__s32 id = btf__find_by_name_kind(k->btf, "skb_drop_reason_subsys", BTF_KIND_ENUM);
	const struct btf_type *t;
	int err = 0;

	if (id <= 0 || !k->module_dir)
		return 0;
	t = btf__type_by_id(k->btf, id);
	for (int i = 0; i < btf_vlen(t) && !err; i++) {
		const char *name = btf__name_by_offset(k->btf, btf_enum(t)[i].name_off);

		if (strncmp(name, DROP_SUBSYS_PREFIX, strlen(DROP_SUBSYS_PREFIX)))
			continue;
		name += strlen(DROP_SUBSYS_PREFIX);
		if (strcmp(name, "CORE") && strcmp(name, "NUM"))
			err = scan_module_reasons(k, name);
	}
	return err;
}

static int cmp_sub_reason(const void *a, const void *b)
{
	const struct sub_reason *x = a, *y = b;

	return x->value < y->value ? -1 : x->value > y->value;
}

static int build_reasons(struct ebc_kbtf *k)
{
	__s32 id = btf__find_by_name_kind(k->btf, "skb_drop_reason", BTF_KIND_ENUM);
	int err = 0;

	k->reasons_built = true;
	k->reason_strs = g_string_chunk_new(1024);
	if (id > 0)
		err = load_core_reasons(k, btf__type_by_id(k->btf, id));
	if (!err)
		err = scan_sub_reasons(k, k->btf, 1);
	if (!err)
		err = scan_modules_reasons(k);
	/* qsort's base must not be NULL, even for no elements */
	if (k->nsub_reasons)
		qsort(k->sub_reasons, k->nsub_reasons, sizeof(*k->sub_reasons), cmp_sub_reason);
	return err;
}

const char *ebc_kbtf__drop_reason(struct ebc_kbtf *k, unsigned int value)
{
	struct sub_reason key = { value, NULL }, *hit;

	if (!k->reasons_built && build_reasons(k))
		ebc_debug("drop reason names incomplete: out of memory");
	if (value < k->ncore_reasons)
		return k->core_reasons[value];
	if (!k->nsub_reasons)
		return NULL;
	hit = bsearch(&key, k->sub_reasons, k->nsub_reasons, sizeof(key), cmp_sub_reason);
	return hit ? hit->name : NULL;
}

/* ---- kernel symbols ---- */

/* kallsyms has no sizes: past this, an address is not in the symbol before it. */
#define KSYM_MAX_OFFSET (1ULL << 20)

struct ksym {
	unsigned long long addr;
	size_t name;		/* offsets into strs */
	size_t mod;		/* 0: vmlinux (strs starts with "") */
};

struct ebc_ksyms {
	struct ksym *syms;
	size_t n, cap;
	char *strs;
	size_t strs_len, strs_cap;
	size_t last_mod;	/* modules come in runs: share their string */
};

static int ksyms_add_str(struct ebc_ksyms *s, const char *str, size_t len, size_t *off)
{
	while (s->strs_len + len + 1 > s->strs_cap) {
		size_t cap = s->strs_cap ? s->strs_cap * 2 : 1 << 20;
		char *p = realloc(s->strs, cap);

		if (!p)
			return -ENOMEM;
		s->strs = p;
		s->strs_cap = cap;
	}
	memcpy(s->strs + s->strs_len, str, len);
	s->strs[s->strs_len + len] = '\0';
	*off = s->strs_len;
	s->strs_len += len + 1;
	return 0;
}

static int ksyms_add_mod(struct ebc_ksyms *s, const char *mod, size_t *off)
{
	size_t len = strcspn(mod, "]");
	int err;

	if (s->last_mod && strlen(s->strs + s->last_mod) == len &&
	    !strncmp(s->strs + s->last_mod, mod, len)) {
		*off = s->last_mod;
		return 0;
	}
	err = ksyms_add_str(s, mod, len, off);
	if (!err)
		s->last_mod = *off;
	return err;
}

/* One "addr type name [module]" line; text symbols only. */
static int ksyms_parse_line(struct ebc_ksyms *s, char *line, bool *nonzero)
{
	char *end, *name, *mod;
	unsigned long long addr = strtoull(line, &end, 16);
	struct ksym sym = { addr, 0, 0 };
	int err;

	if (end == line || end[0] != ' ' || !end[1] || end[2] != ' ')
		return 0;
	*nonzero |= addr != 0;
	if (end[1] != 't' && end[1] != 'T')
		return 0;
	name = end + 3;
	mod = strchr(name, '[');
	err = ksyms_add_str(s, name, strcspn(name, " \t\n"), &sym.name);
	if (!err && mod)
		err = ksyms_add_mod(s, mod + 1, &sym.mod);
	if (!err)
		err = grow((void **)&s->syms, &s->cap, s->n, sizeof(*s->syms));
	if (!err)
		s->syms[s->n++] = sym;
	return err;
}

static int cmp_ksym(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	/* Aliases keep file order, so that the first one is found. */
	return x->name < y->name ? -1 : x->name > y->name;
}

static int ksyms_read(struct ebc_ksyms *s, FILE *fp)
{
	char *line = NULL;
	size_t cap = 0;
	size_t empty;
	bool nonzero = false, any = false;
	/* Offset 0 is "", so that mod == 0 means vmlinux. */
	int err = ksyms_add_str(s, "", 0, &empty);

	while (!err && getline(&line, &cap, fp) > 0) {
		any = true;
		err = ksyms_parse_line(s, line, &nonzero);
	}
	free(line);
	if (!err && ferror(fp))
		err = -EIO;
	/* kptr_restrict shows every address as zero. */
	if (!err && any && !nonzero)
		err = -EPERM;
	return err;
}

int ebc_ksyms__load_file(const char *path, struct ebc_ksyms **out)
{
	struct ebc_ksyms *s;
	FILE *fp;
	int err;

	*out = NULL;
	fp = fopen(path, "re");
	if (!fp)
		return -errno;
	s = calloc(1, sizeof(*s));
	err = s ? ksyms_read(s, fp) : -ENOMEM;
	fclose(fp);
	if (err) {
		ebc_debug("cannot load kernel symbols from %s: %s", path, ebc_strerror(err));
		ebc_ksyms__free(s);
		return err;
	}
	if (s->n)	/* qsort's base must not be NULL */
		qsort(s->syms, s->n, sizeof(*s->syms), cmp_ksym);
	*out = s;
	return 0;
}

int ebc_ksyms__load(struct ebc_ksyms **out)
{
	/* With perf_event_paranoid > 1 or kptr_restrict, only CAP_SYSLOG sees the addresses. */
	bool raised = ebc_privs__raise(CAP_SYSLOG);
	int err = ebc_ksyms__load_file("/proc/kallsyms", out);

	ebc_privs__restore(CAP_SYSLOG, raised);
	return err;
}

void ebc_ksyms__free(struct ebc_ksyms *s)
{
	if (!s)
		return;
	free(s->syms);
	free(s->strs);
	free(s);
}

/* The first of the symbols at the highest address <= addr, or NULL. */
static const struct ksym *ksyms_find(const struct ebc_ksyms *s, unsigned long long addr)
{
	size_t lo = 0, hi = s->n;

	/* lo ends at the first symbol above addr. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	while (lo > 1 && s->syms[lo - 2].addr == s->syms[lo - 1].addr)
		lo--;
	return &s->syms[lo - 1];
}

void ebc_ksyms__format(const struct ebc_ksyms *s, unsigned long long addr, char *buf, size_t len)
{
	const struct ksym *sym = s ? ksyms_find(s, addr) : NULL;
	unsigned long long off;

	if (!len)
		return;
	if (!sym || addr - sym->addr >= KSYM_MAX_OFFSET) {
		snprintf(buf, len, "0x%llx", addr);
		return;
	}
	off = addr - sym->addr;
	if (sym->mod)
		snprintf(buf, len, "%s+0x%llx [%s]", s->strs + sym->name, off, s->strs + sym->mod);
	else
		snprintf(buf, len, "%s+0x%llx", s->strs + sym->name, off);
}

int ebc_ksyms__range(const struct ebc_ksyms *s, const char *name, unsigned long long *start,
		     unsigned long long *end)
{
	for (size_t i = 0; s && i < s->n; i++) {
		if (s->syms[i].mod || strcmp(s->strs + s->syms[i].name, name))
			continue;
		*start = s->syms[i].addr;
		/* Sorted by address: the function ends where the next symbol starts. */
		for (size_t j = i + 1; j < s->n; j++) {
			if (s->syms[j].addr > *start) {
				*end = s->syms[j].addr;
				return 0;
			}
		}
		*end = *start + 1;
		return 0;
	}
	return -ENOENT;
}
