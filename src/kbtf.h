/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the tracing taps need to know about the running kernel, answered in
 * user space from its BTF, tracefs and /proc/kallsyms: which tracepoints and
 * functions carry a struct sk_buff * (and in which argument), the names of
 * drop reasons, and symbols for "location" addresses. No BPF programs here.
 */
#ifndef EBPFCAP_KBTF_H
#define EBPFCAP_KBTF_H

#include <stdbool.h>
#include <stddef.h>

/* The kernel's BTF, loaded once, with indexes built on first use. */
struct ebc_kbtf;

/* The running kernel's BTF; -ENOENT when the kernel has none. */
int ebc_kbtf__open(struct ebc_kbtf **out);

/* Where to look instead of the running kernel; tests use it. */
struct ebc_kbtf_opts {
	const char *btf_path;	/* raw BTF or ELF; NULL: the running kernel's */
	/* Module BTF (split on btf_path), for drop reason subsystems.
	 * NULL: /sys/kernel/btf when btf_path is NULL, else none. */
	const char *module_dir;
	/* A directory holding events/<group>/<name>; NULL: ebc_kbtf__tracefs(). */
	const char *tracefs;
};
int ebc_kbtf__open_opts(const struct ebc_kbtf_opts *opts, struct ebc_kbtf **out);
void ebc_kbtf__close(struct ebc_kbtf *k);

/*
 * The tracefs mount point ("/sys/kernel/tracing", else
 * "/sys/kernel/debug/tracing"); mounts tracefs at /sys/kernel/tracing when
 * neither is mounted and we are root. -ENOENT when there is none and we are
 * not root, the mount's -errno when mounting fails, -ENAMETOOLONG if len is
 * too small.
 */
int ebc_kbtf__tracefs(char *path, size_t len);

/* A tracepoint whose raw form carries a struct sk_buff *. Argument indexes
 * count the raw tracepoint arguments, i.e. the params of the btf_trace_<name>
 * func proto without its leading 'void *__data'. */
struct ebc_tp_info {
	char group[64];		/* from tracefs events/<group>/<name>; "" if unknown */
	char name[64];		/* "kfree_skb" */
	int skb_arg;		/* the first struct sk_buff * argument */
	int nargs;
	int reason_arg;		/* an 'enum skb_drop_reason' argument, or -1 */
	/* The argument named "location" when the kernel's BTF names this
	 * tracepoint's arguments, else the first void * after the skb; or -1. */
	int location_arg;
};

/*
 * Every tracepoint with a struct sk_buff * (const or not) argument, sorted by
 * group then name; the caller frees *list. Left out: net_dev_xmit and
 * net_dev_xmit_timeout, which run after the driver may have freed the skb.
 */
int ebc_kbtf__skb_tracepoints(struct ebc_kbtf *k, struct ebc_tp_info **list, size_t *n);

/*
 * One tracepoint by "group:name" or bare "name". -ENOENT if the kernel has no
 * such tracepoint (or it is in another group), -EINVAL if it carries no
 * sk_buff, -EOPNOTSUPP for the ones ebc_kbtf__skb_tracepoints() leaves out.
 */
int ebc_kbtf__tracepoint(struct ebc_kbtf *k, const char *spec, struct ebc_tp_info *out);

/* A kernel function, as BTF describes it. */
struct ebc_kfunc_info {
	char name[128];
	int nargs;		/* fixed parameters */
	unsigned int skb_args;	/* bit i set: parameter i (0-based) is a struct sk_buff * */
	bool returns_void;
	bool variadic;		/* the kernel refuses to attach fentry/fexit to these */
};

/*
 * Every BTF function with at least one struct sk_buff * parameter, at most 12
 * parameters and no "...", sorted by name; the caller frees *list. When BTF
 * holds several static functions of one name, the first one describes it,
 * as it does for libbpf when it attaches by name.
 */
int ebc_kbtf__skb_functions(struct ebc_kbtf *k, struct ebc_kfunc_info **list, size_t *n);

/* One function by name; -ENOENT if not in BTF. skb_args may be 0. */
int ebc_kbtf__function(struct ebc_kbtf *k, const char *name, struct ebc_kfunc_info *out);

/*
 * An enum skb_drop_reason value's name without its "SKB_DROP_REASON_" (or
 * "SKB_") prefix, e.g. "NO_SOCKET"; a value with a subsystem in its upper
 * 16 bits gets its name from that subsystem's enum (e.g. "OVS_DROP_..."),
 * when its BTF is at hand. NULL when unknown. The string lives as long as k.
 */
const char *ebc_kbtf__drop_reason(struct ebc_kbtf *k, unsigned int value);

/* The kernel's text symbols from /proc/kallsyms. */
struct ebc_ksyms;

/* -EPERM when kptr_restrict hides the addresses. */
int ebc_ksyms__load(struct ebc_ksyms **out);
/* The same from another file in kallsyms format; tests use it. */
int ebc_ksyms__load_file(const char *path, struct ebc_ksyms **out);
void ebc_ksyms__free(struct ebc_ksyms *s);

/* "sym+0xoff", "sym+0xoff [module]", or "0x<hex>" when no symbol covers addr. */
void ebc_ksyms__format(const struct ebc_ksyms *s, unsigned long long addr, char *buf, size_t len);
/* Where the vmlinux function name lies: [start, end), end being the next symbol. -ENOENT if absent. */
int ebc_ksyms__range(const struct ebc_ksyms *s, const char *name, unsigned long long *start,
		     unsigned long long *end);

#endif /* EBPFCAP_KBTF_H */
