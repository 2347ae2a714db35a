// SPDX-License-Identifier: GPL-2.0-only
/*
 * XDP verdicts through a hook map (xdpcap's convention, bpf/ebpfcap_xdp_hook.h):
 * an XDP program tail-calls the slot of its action in a pinned prog array on
 * exit. We fill the slots with capture programs, each of which records the
 * packet with that verdict and returns the action, so the program's behaviour
 * does not change; on exit we empty them again.
 *
 * A prog array keeps its programs as long as the pin exists, so a killed
 * ebpfcap would leave its programs in the slots. A reaper process, forked once
 * the slots are filled, waits for the end of a pipe only we hold: when we die,
 * however we die, it empties the slots that still hold our programs.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <limits.h>
#include <linux/magic.h>
#include <sys/prctl.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "hook.h"
#include "hook_priv.h"
#include "log.h"
#include "privs.h"
#include "record.h"
#include "stale.h"
#include "xdp.skel.h"

#define HOOK_SLOTS 5	/* XDP_ABORTED .. XDP_REDIRECT */

struct hook_priv {
	struct xdp_bpf *skel;
	int map_fd;
	unsigned int nslots;
	unsigned int filled;		/* 1 << slot we put a program in */
	__u32 ids[HOOK_SLOTS];		/* its id there */
	int reaper_fd;			/* our end of the reaper's pipe, or -1 */
	pid_t reaper;
	bool frags;
	bool no_attach_type;	/* loaded with expected attach type 0, as some loaders do */
	struct ebc_stale rec;	/* for the next start, should the reaper be killed too */
};

static struct bpf_program *slot_prog(struct xdp_bpf *skel, unsigned int slot)
{
	struct bpf_program *progs[HOOK_SLOTS] = {
		skel->progs.ebc_xdp_hook_aborted, skel->progs.ebc_xdp_hook_drop,
		skel->progs.ebc_xdp_hook_pass, skel->progs.ebc_xdp_hook_tx,
		skel->progs.ebc_xdp_hook_redirect,
	};

	return progs[slot];
}

static bool slot_wanted(const struct ebc_tap *tap, const struct hook_priv *p, unsigned int slot)
{
	return slot < p->nslots && (!tap->verdicts || (tap->verdicts & (1u << slot)));
}

/* Empty the slots that still hold our programs (someone may have replaced them). */
static void empty_slots(int map_fd, unsigned int filled, const __u32 *ids)
{
	for (__u32 slot = 0; slot < HOOK_SLOTS; slot++) {
		__u32 id = 0;

		if (!(filled & (1u << slot)))
			continue;
		if (bpf_map_lookup_elem(map_fd, &slot, &id) || id != ids[slot])
			continue;
		bpf_map_delete_elem(map_fd, &slot);
	}
}

/*
 * The reaper: only the map and its pipe end open, deaf to the signals that
 * stop a capture, it waits for the pipe to close (our exit, or our death),
 * empties what is still ours and exits.
 */
static void reaper_main(int map_fd, int pipe_fd, unsigned int filled, const __u32 *ids,
			const char *record)
{
	int null = open("/dev/null", O_RDWR);
	char c;

	/* out of our process group: a kill of the group (a terminal, a supervisor) spares it */
	setsid();
	prctl(PR_SET_NAME, "ebpfcap-reaper");
	/* Emptying slots through the map fd needs no capability. */
	ebc_privs__drop_all();
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	for (int fd = 0; fd < 3 && null >= 0; fd++)
		dup2(null, fd);
	for (int fd = 3; fd < 1024; fd++)
		if (fd != map_fd && fd != pipe_fd)
			close(fd);
	while (read(pipe_fd, &c, 1) > 0 || errno == EINTR)
		;
	empty_slots(map_fd, filled, ids);
	if (record[0])
		unlink(record);
	_exit(0);
}

static int start_reaper(struct hook_priv *p, char *errbuf, size_t len)
{
	int fds[2];
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC)) {
		ebc_errbuf(errbuf, len, "cannot start the hook reaper: %s", ebc_strerror(-errno));
		return -errno;
	}
	pid = fork();
	if (pid < 0) {
		ebc_errbuf(errbuf, len, "cannot start the hook reaper: %s", ebc_strerror(-errno));
		close(fds[0]);
		close(fds[1]);
		return -errno;
	}
	if (!pid) {
		close(fds[1]);
		reaper_main(p->map_fd, fds[0], p->filled, p->ids, p->rec.path);
	}
	close(fds[0]);
	p->reaper_fd = fds[1];
	p->reaper = pid;
	p->rec.reaper = pid;
	if (p->rec.path[0])
		ebc_stale__save(&p->rec);
	return 0;
}

static void hook_close(struct ebc_tap *tap)
{
	struct hook_priv *p = tap->priv;

	if (!p)
		return;
	if (p->map_fd >= 0)
		empty_slots(p->map_fd, p->filled, p->ids);
	if (p->reaper_fd >= 0) {
		close(p->reaper_fd);
		waitpid(p->reaper, NULL, 0);
	}
	ebc_stale__drop(&p->rec);
	if (p->map_fd >= 0)
		close(p->map_fd);
	xdp_bpf__destroy(p->skel);
	free(p);
	tap->priv = NULL;
}

/* What a pinned object is: "bpf-map", "bpf-prog", ... from its anon inode's name. */
static void obj_kind(int fd, char *kind, size_t len)
{
	char link[64], target[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	target[n > 0 ? n : 0] = '\0';
	snprintf(kind, len, "%s", strncmp(target, "anon_inode:", 11) ? target : target + 11);
}

/* Whether a program already uses the map (its fdinfo names the owner's type). */
static bool map_owned(int fd)
{
	char path[64], line[128];
	bool owned = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		owned |= !strncmp(line, "owner_prog_type:", 16);
	if (f)
		fclose(f);
	return owned;
}

/* Whether the nearest existing directory above path is on a BPF filesystem. */
static bool on_bpffs(const char *path)
{
	char dir[PATH_MAX];
	struct statfs st;
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	while ((slash = strrchr(dir, '/'))) {
		slash[slash == dir] = '\0';
		if (!statfs(dir, &st))
			return st.f_type == BPF_FS_MAGIC;
		if (slash == dir)
			break;
	}
	return false;
}

/* The pinned map, checked to be a hook map: a prog array with 4-byte keys. */
static int open_map(const struct ebc_tap *tap, struct hook_priv *p, char *errbuf, size_t len)
{
	struct bpf_map_info info = { 0 };
	__u32 n = sizeof(info);
	char kind[64];
	int err;

	p->map_fd = bpf_obj_get(tap->hook_path);
	if (p->map_fd < 0) {
		err = -errno;
		/* Not on bpffs: ENOENT if the path is missing, EACCES if it is another file. */
		if ((err == -ENOENT || err == -EACCES || err == -EINVAL) && !on_bpffs(tap->hook_path))
			ebc_errbuf(errbuf, len, "cannot open the hook map %s: no BPF filesystem is "
				   "mounted there (mount one: mount -t bpf bpf /sys/fs/bpf)",
				   tap->hook_path);
		else if (err == -ENOENT)
			ebc_errbuf(errbuf, len, "no pinned hook map at %s (pin the XDP program's hook "
				   "map there: see ebpfcap_xdp_hook.h)", tap->hook_path);
		else if (err == -EACCES && getuid())
			ebc_errbuf(errbuf, len, "cannot open the hook map %s: %s (give your group read "
				   "and write access to it and search access to its directories: see "
				   "README \"Running without root\")", tap->hook_path, ebc_strerror(err));
		else
			ebc_errbuf(errbuf, len, "cannot open the hook map %s: %s (%s)", tap->hook_path,
				   ebc_strerror(err), ebc_hook__hint(err));
		return err;
	}
	obj_kind(p->map_fd, kind, sizeof(kind));
	if (strcmp(kind, "bpf-map")) {
		ebc_errbuf(errbuf, len, "%s is a pinned %s, not a hook map (give the path of the "
			   "prog array the XDP program tail-calls)",
			   tap->hook_path, !strcmp(kind, "bpf-prog") ? "program" : kind);
		return -EINVAL;
	}
	err = bpf_obj_get_info_by_fd(p->map_fd, &info, &n);
	if (err) {
		ebc_errbuf(errbuf, len, "cannot read what %s is: %s", tap->hook_path,
			   ebc_strerror(err));
		return err;
	}
	if (info.type != BPF_MAP_TYPE_PROG_ARRAY || info.key_size != 4) {
		ebc_errbuf(errbuf, len, "%s is not a hook map: a prog array indexed by XDP action "
			   "is (map type %u, key size %u)", tap->hook_path, info.type, info.key_size);
		return -EINVAL;
	}
	/*
	 * The first program put into a prog array decides which programs it takes
	 * from then on: filling one no XDP program uses yet would lock out the
	 * user's program if it is of the other kind (frags).
	 */
	if (!map_owned(p->map_fd)) {
		ebc_errbuf(errbuf, len, "no XDP program uses %s yet: load the program that "
			   "tail-calls it first", tap->hook_path);
		return -EINVAL;
	}
	p->nslots = info.max_entries < HOOK_SLOTS ? info.max_entries : HOOK_SLOTS;
	return 0;
}

/* A slot already taken means another capture runs there: refuse rather than steal it. */
static int check_slots(const struct ebc_tap *tap, const struct hook_priv *p, char *errbuf,
		       size_t len)
{
	for (__u32 slot = 0; slot < p->nslots; slot++) {
		__u32 id = 0;

		if (!slot_wanted(tap, p, slot) || bpf_map_lookup_elem(p->map_fd, &slot, &id))
			continue;
		ebc_errbuf(errbuf, len, "slot %u (%s) of %s already holds program id %u: another "
			   "capture is running (or remove it: bpftool map delete pinned %s key %u 0 0 0)",
			   slot, ebc_record__xdp_action((int)slot), tap->hook_path, id,
			   tap->hook_path, slot);
		return -EBUSY;
	}
	return 0;
}

static int load_progs(struct ebc_tap *tap, struct hook_priv *p, const struct ebc_tap_load *ld,
		      char *errbuf, size_t len)
{
	p->skel = xdp_bpf__open();
	if (!p->skel) {
		ebc_errbuf(errbuf, len, "cannot open the XDP capture program: %s",
			   ebc_strerror(-errno));
		return -errno;
	}
	bpf_program__set_autoload(p->skel->progs.ebc_xdp, false);
	for (unsigned int slot = 0; slot < HOOK_SLOTS; slot++) {
		struct bpf_program *prog = slot_prog(p->skel, slot);

		bpf_program__set_autoload(prog, slot_wanted(tap, p, slot));
		if (p->frags)
			bpf_program__set_flags(prog, bpf_program__flags(prog) | BPF_F_XDP_HAS_FRAGS);
		if (p->no_attach_type)
			bpf_program__set_expected_attach_type(prog, 0);
	}
	p->skel->rodata->ebc_snaplen = ld->snaplen;
	p->skel->rodata->ebc_tap = tap->id;
	p->skel->rodata->ebc_need_anc = ld->anc_mask != 0;
	p->skel->rodata->ebc_want_owner = ld->owners_fd >= 0;
	p->skel->rodata->ebc_netns_cookie = ld->netns_cookie;
	EBC_SET_SELECT(p->skel->rodata, &ld->sel);
	return ebc_hook__load(p->skel->obj, tap, ld, errbuf, len);
}

/* The record of the slots we are about to fill: the map's id and our programs' ids. */
static void save_record(const struct ebc_tap *tap, struct hook_priv *p)
{
	struct bpf_map_info minfo = { 0 };
	__u32 n = sizeof(minfo);

	snprintf(p->rec.kind, sizeof(p->rec.kind), "xdphook");
	if (bpf_obj_get_info_by_fd(p->map_fd, &minfo, &n))
		return;
	p->rec.map_id = minfo.id;
	snprintf(p->rec.map_path, sizeof(p->rec.map_path), "%s", tap->hook_path);
	for (__u32 slot = 0; slot < HOOK_SLOTS; slot++) {
		struct bpf_prog_info info = { 0 };

		n = sizeof(info);
		p->rec.prog_id[slot] = 0;
		if (slot_wanted(tap, p, slot) &&
		    !bpf_obj_get_info_by_fd(bpf_program__fd(slot_prog(p->skel, slot)), &info, &n))
			p->rec.prog_id[slot] = info.id;
	}
	ebc_stale__save(&p->rec);
}

/* Our programs into their slots. -EINVAL: the owner program is not compatible (frags). */
static int fill_slots(struct ebc_tap *tap, struct hook_priv *p)
{
	save_record(tap, p);
	for (__u32 slot = 0; slot < HOOK_SLOTS; slot++) {
		struct bpf_prog_info info = { 0 };
		__u32 n = sizeof(info);
		int fd, err;

		if (!slot_wanted(tap, p, slot))
			continue;
		fd = bpf_program__fd(slot_prog(p->skel, slot));
		/* prog arrays take BPF_ANY only; check_slots saw the slot empty */
		err = bpf_map_update_elem(p->map_fd, &slot, &fd, BPF_ANY);
		if (err) {
			ebc_debug("slot %u of %s refused program fd %d: %s", slot, tap->hook_path, fd,
				  ebc_strerror(err));
			return err;
		}
		p->filled |= 1u << slot;
		if (!bpf_obj_get_info_by_fd(fd, &info, &n))
			p->ids[slot] = info.id;
	}
	return 0;
}

/*
 * A prog array takes only programs like the one that first used it: same
 * expected attach type and the same BPF_F_XDP_HAS_FRAGS, or the update fails
 * with EINVAL; nothing readable says which it wants. Try the combinations,
 * most common first.
 */
static int fill_compatible(struct ebc_tap *tap, struct hook_priv *p,
			   const struct ebc_tap_load *ld, char *errbuf, size_t len)
{
	static const struct { bool frags, no_attach_type; } tries[] = {
		{ false, false }, { true, false }, { false, true }, { true, true },
	};
	int err = -EINVAL;

	for (size_t i = 0; i < sizeof(tries) / sizeof(tries[0]) && err == -EINVAL; i++) {
		if (p->skel) {
			empty_slots(p->map_fd, p->filled, p->ids);
			p->filled = 0;
			xdp_bpf__destroy(p->skel);
			p->skel = NULL;
		}
		p->frags = tries[i].frags;
		p->no_attach_type = tries[i].no_attach_type;
		err = load_progs(tap, p, ld, errbuf, len);
		if (!err)
			err = fill_slots(tap, p);
		if (err == -EINVAL)
			ebc_debug("%s refused programs%s%s", tap->hook_path,
				  p->frags ? " with frags" : "",
				  p->no_attach_type ? " without attach type" : "");
	}
	return err;
}

static int hook_open(struct ebc_tap *tap, const struct ebc_tap_load *ld, char *errbuf,
		     size_t len)
{
	struct hook_priv *p = calloc(1, sizeof(*p));
	int err;

	if (!p)
		return -ENOMEM;
	p->map_fd = p->reaper_fd = -1;
	if (len)
		errbuf[0] = '\0';
	tap->priv = p;
	ebc_stale__sweep();
	err = open_map(tap, p, errbuf, len);
	if (!err)
		err = check_slots(tap, p, errbuf, len);
	if (!err)
		err = fill_compatible(tap, p, ld, errbuf, len);
	if (err == -EINVAL && !*errbuf)
		ebc_errbuf(errbuf, len, "the XDP program using %s takes no program ebpfcap can "
			   "load (attach type or frags differ): %s", tap->hook_path, ebc_strerror(err));
	else if (err && !*errbuf)
		ebc_errbuf(errbuf, len, "cannot put the capture programs into %s: %s (%s)",
			   tap->hook_path, ebc_strerror(err), ebc_hook__hint(err));
	if (!err)
		err = start_reaper(p, errbuf, len);
	if (err) {
		hook_close(tap);
		return err;
	}
	tap->mech = p->frags ? "hook map, frags" : "hook map";
	return 0;
}

static int hook_load(struct ebc_tap *tap, const struct ebc_tap_load *ld, char *errbuf,
		     size_t len)
{
	ebc_errbuf(errbuf, len, "a hook map is not replayed: use -r FILE --hook xdp");
	return -EOPNOTSUPP;
}

static int hook_prog_fd(const struct ebc_tap *tap)
{
	return -ENOENT;
}

const struct ebc_hook_ops ebc_hook_xdphook_ops = {
	.name = "xdphook",
	.open = hook_open,
	.load = hook_load,
	.prog_fd = hook_prog_fd,
	.close = hook_close,
};
