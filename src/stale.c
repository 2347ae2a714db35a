// SPDX-License-Identifier: GPL-2.0-only
/*
 * State records of legacy attachments, and the sweep that removes what a
 * killed ebpfcap left (see stale.h). A record is a few "key=value" lines in
 * EBC_RUNDIR/KIND-PID-N. Only records owned by root or by our effective user
 * are read, and only objects whose program id a record names are removed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <linux/netlink.h>
#include <linux/pkt_cls.h>
#include <linux/rtnetlink.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "log.h"
#include "stale.h"

#define MAX_FILTERS 64

struct tc_filt {
	__u32 prio;
	__u32 handle;
	__u32 prog_id;
};

/* Field 22 of /proc/PID/stat, the start time; -ENOENT for a zombie or no process. */
static int proc_start(pid_t pid, unsigned long long *start)
{
	char path[64], buf[512], state;
	const char *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -ENOENT;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	/* after the name: state, then 18 fields, then the start time */
	if (!p || sscanf(p + 1, " %c %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s "
			 "%*s %*s %*s %*s %llu", &state, start) != 2)
		return -EINVAL;
	return state == 'Z' || state == 'X' ? -ENOENT : 0;
}

bool ebc_stale__alive(pid_t pid, unsigned long long start)
{
	unsigned long long now = 0;

	if (pid <= 0)
		return false;
	if (proc_start(pid, &now))
		return false;
	return now == start;
}

static unsigned long long netns_ino(const char *path)
{
	struct stat st;

	return stat(path, &st) ? 0 : (unsigned long long)st.st_ino;
}

int ebc_stale__format(const struct ebc_stale *r, char *buf, size_t len)
{
	int n = snprintf(buf, len,
			 "kind=%s\npid=%d\nstart=%llu\nreaper=%d\nreaper_start=%llu\nnetns=%llu\n"
			 "ifindex=%d\nifname=%s\nqdisc_created=%d\nmap_id=%u\nmap_path=%s\n"
			 "progs=%u %u %u %u %u\n",
			 r->kind, (int)r->pid, r->start, (int)r->reaper, r->reaper_start, r->netns,
			 r->ifindex, r->ifname, r->qdisc_created, r->map_id, r->map_path, r->prog_id[0],
			 r->prog_id[1], r->prog_id[2], r->prog_id[3], r->prog_id[4]);

	return n < 0 || (size_t)n >= len ? -ENOSPC : n;
}

/* A text value: the rest of the line, cut to the field's size. */
static bool text_value(const char *line, const char *key, char *dst, size_t size)
{
	size_t n = strlen(key);

	if (strncmp(line, key, n))
		return false;
	snprintf(dst, size, "%.*s", (int)(size - 1), line + n);
	return true;
}

static int parse_line(const char *line, struct ebc_stale *r)
{
	int pid;

	if (sscanf(line, "kind=%15[a-z]", r->kind) == 1 ||
	    text_value(line, "ifname=", r->ifname, sizeof(r->ifname)) ||
	    text_value(line, "map_path=", r->map_path, sizeof(r->map_path)))
		return 0;
	if (sscanf(line, "pid=%d", &pid) == 1) {
		r->pid = pid;
		return 0;
	}
	if (sscanf(line, "reaper=%d", &pid) == 1) {
		r->reaper = pid;
		return 0;
	}
	if (sscanf(line, "start=%llu", &r->start) == 1 ||
	    sscanf(line, "reaper_start=%llu", &r->reaper_start) == 1 ||
	    sscanf(line, "netns=%llu", &r->netns) == 1 ||
	    sscanf(line, "ifindex=%d", &r->ifindex) == 1 ||
	    sscanf(line, "qdisc_created=%d", &r->qdisc_created) == 1 ||
	    sscanf(line, "map_id=%u", &r->map_id) == 1)
		return 0;
	if (sscanf(line, "progs=%u %u %u %u %u", &r->prog_id[0], &r->prog_id[1], &r->prog_id[2],
		   &r->prog_id[3], &r->prog_id[4]) == EBC_STALE_PROGS)
		return 0;
	return -EINVAL;
}

int ebc_stale__parse(const char *text, struct ebc_stale *r)
{
	char line[320];
	const char *p = text;

	memset(r, 0, sizeof(*r));
	while (*p) {
		size_t n = strcspn(p, "\n");

		if (n >= sizeof(line))
			return -EINVAL;
		memcpy(line, p, n);
		line[n] = '\0';
		if (n && parse_line(line, r))
			return -EINVAL;
		p += n + (p[n] == '\n');
	}
	return r->kind[0] && r->pid > 0 ? 0 : -EINVAL;
}

static int rundir(void)
{
	if (mkdir(EBC_RUNDIR, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

int ebc_stale__lock(void)
{
	int fd;

	if (rundir())
		return -1;
	fd = open(EBC_RUNDIR "/lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -1;
	while (flock(fd, LOCK_EX) && errno == EINTR)
		;
	return fd;
}

void ebc_stale__unlock(int fd)
{
	if (fd >= 0)
		close(fd);	/* releases the lock */
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Write to PATH.tmp and rename: a record is whole or absent, even when we die writing it. */
static int write_record(const struct ebc_stale *r)
{
	char text[1024], tmp[sizeof(r->path) + 8];
	int fd, n, err;

	n = ebc_stale__format(r, text, sizeof(text));
	if (n < 0)
		return n;
	snprintf(tmp, sizeof(tmp), "%s.tmp", r->path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -errno;
	err = write_all(fd, text, (size_t)n);
	if (close(fd) && !err)
		err = -errno;
	if (!err && rename(tmp, r->path))
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

int ebc_stale__save(struct ebc_stale *r)
{
	static unsigned int seq;
	int err;

	r->pid = getpid();
	if (proc_start(r->pid, &r->start))
		return -ESRCH;
	if (!r->netns)
		r->netns = netns_ino("/proc/self/ns/net");
	if (r->reaper && proc_start(r->reaper, &r->reaper_start))
		r->reaper_start = 0;
	err = rundir();
	if (!err && !r->path[0])
		snprintf(r->path, sizeof(r->path), EBC_RUNDIR "/%s-%d-%u", r->kind, (int)r->pid,
			 seq++);
	if (!err)
		err = write_record(r);
	if (err) {
		ebc_debug("cannot write %s: %s (a kill would leave the %s attachment behind)",
			  r->path[0] ? r->path : EBC_RUNDIR, ebc_strerror(err), r->kind);
		r->path[0] = '\0';
	}
	return err;
}

void ebc_stale__drop(struct ebc_stale *r)
{
	if (r && r->path[0])
		unlink(r->path);
	if (r)
		r->path[0] = '\0';
}

static void parse_filter(struct nlmsghdr *nh, struct tc_filt *f)
{
	struct tcmsg *t = NLMSG_DATA(nh);
	int alen = (int)nh->nlmsg_len - NLMSG_LENGTH(sizeof(*t));

	f->prio = t->tcm_info >> 16;
	f->handle = t->tcm_handle;
	f->prog_id = 0;
	for (struct rtattr *a = TCA_RTA(t); RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
		int olen = (int)RTA_PAYLOAD(a);

		if (a->rta_type != TCA_OPTIONS)
			continue;
		for (struct rtattr *o = RTA_DATA(a); RTA_OK(o, olen); o = RTA_NEXT(o, olen))
			if (o->rta_type == TCA_BPF_ID && RTA_PAYLOAD(o) >= sizeof(__u32))
				memcpy(&f->prog_id, RTA_DATA(o), sizeof(__u32));
	}
}

/* Read one dump's answers; the number of filters or -errno. */
static int read_dump(int fd, char *buf, size_t size, struct tc_filt *f, int max)
{
	int n = 0;

	for (;;) {
		ssize_t got = recv(fd, buf, size, 0);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return got < 0 ? -errno : -EIO;
		for (struct nlmsghdr *nh = (void *)buf; NLMSG_OK(nh, got); nh = NLMSG_NEXT(nh, got)) {
			if (nh->nlmsg_type == NLMSG_DONE)
				return n;
			if (nh->nlmsg_type == NLMSG_ERROR) {
				int err = ((struct nlmsgerr *)NLMSG_DATA(nh))->error;

				/* an error, or an acknowledgement (0) that ends the answer */
				return err < 0 ? err : n;
			}
			if (nh->nlmsg_type != RTM_NEWTFILTER)
				continue;
			if (n < max)
				parse_filter(nh, &f[n]);
			n++;
		}
	}
}

/* The filters (and filter chains' heads) on one clsact hook of IFINDEX; their number or -errno. */
static int tc_filters(int ifindex, enum bpf_tc_attach_point point, struct tc_filt *f, int max)
{
	struct {
		struct nlmsghdr nh;
		struct tcmsg t;
	} req = {
		.nh = { .nlmsg_len = sizeof(req), .nlmsg_type = RTM_GETTFILTER,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP, .nlmsg_seq = 1 },
		.t = { .tcm_family = AF_UNSPEC, .tcm_ifindex = ifindex,
		       .tcm_parent = TC_H_MAKE(TC_H_CLSACT, point == BPF_TC_INGRESS ?
					       TC_H_MIN_INGRESS : TC_H_MIN_EGRESS) },
	};
	size_t size = 65536;
	char *buf = malloc(size);
	int fd, n;

	if (!buf)
		return -ENOMEM;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0 || send(fd, &req, sizeof(req), 0) < 0)
		n = -errno;
	else
		n = read_dump(fd, buf, size, f, max);
	if (fd >= 0)
		close(fd);
	free(buf);
	return n;
}

static const char *point_name(enum bpf_tc_attach_point point)
{
	return point == BPF_TC_INGRESS ? "ingress" : "egress";
}

/* Remove the filters on one hook that run program ID; how many were removed. */
static int remove_filters(const struct ebc_stale *r, const char *ifname,
			  enum bpf_tc_attach_point point, __u32 id)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = r->ifindex, .attach_point = point);
	struct tc_filt f[MAX_FILTERS] = { 0 };	/* nothing undefined whatever tc_filters returns */
	int n = tc_filters(r->ifindex, point, f, MAX_FILTERS), removed = 0;

	for (int i = 0; i < n && i < MAX_FILTERS; i++) {
		LIBBPF_OPTS(bpf_tc_opts, opts, .handle = f[i].handle, .priority = f[i].prio);
		int err;

		if (!id || f[i].prog_id != id || !f[i].handle)
			continue;
		err = bpf_tc_detach(&hook, &opts);
		if (err) {
			ebc_warn("cannot remove the stale tc filter of ebpfcap %d from %s %s: %s",
				 (int)r->pid, ifname, point_name(point), ebc_strerror(err));
			continue;
		}
		ebc_info("removed a stale tc filter of ebpfcap %d, no longer running, from %s %s "
			 "(pref %u handle 0x%x, program %u)", (int)r->pid, ifname, point_name(point),
			 f[i].prio, f[i].handle, id);
		removed++;
	}
	return removed;
}

/* Whether some process or /run/netns still holds the network namespace INO. */
static bool netns_exists(unsigned long long ino)
{
	const char *dirs[] = { "/run/netns", "/proc" };
	bool found = false;

	for (size_t d = 0; d < 2 && !found; d++) {
		DIR *dir = opendir(dirs[d]);
		struct dirent *e;
		char path[PATH_MAX];

		while (dir && !found && (e = readdir(dir))) {
			if (e->d_name[0] == '.' || (d == 1 && (e->d_name[0] < '0' || e->d_name[0] > '9')))
				continue;
			snprintf(path, sizeof(path), d ? "/proc/%s/ns/net" : "/run/netns/%s",
				 e->d_name);
			found = netns_ino(path) == ino;
		}
		if (dir)
			closedir(dir);
	}
	return found;
}

/* 0: done with the record. */
static int sweep_tc(const struct ebc_stale *r)
{
	enum bpf_tc_attach_point points[2] = { BPF_TC_INGRESS, BPF_TC_EGRESS };
	struct tc_filt f[1];
	char name[IF_NAMESIZE];
	const char *ifname = if_indextoname((unsigned int)r->ifindex, name) ? name : r->ifname;
	int removed = 0, left = 0;

	if (r->netns != netns_ino("/proc/self/ns/net")) {
		ebc_debug("dropping %s: its network namespace is gone, and its filters with it",
			  r->path);
		return 0;
	}
	for (int i = 0; i < 2; i++)
		removed += remove_filters(r, ifname, points[i], r->prog_id[i]);
	/* The qdisc is still the one it created only if its filters were still there. */
	if (!r->qdisc_created || !removed)
		return 0;
	for (int i = 0; i < 2; i++)
		left += tc_filters(r->ifindex, points[i], f, 1) != 0;
	if (!left) {
		LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = r->ifindex,
			    .attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS);

		if (!bpf_tc_hook_destroy(&hook))
			ebc_info("removed the clsact qdisc that ebpfcap %d, no longer running, "
				 "created on %s", (int)r->pid, ifname);
	}
	return 0;
}

/* The hook map by id (CAP_SYS_ADMIN), else by its pin if that is still it; -ENOENT: gone. */
static int open_hook_map(const struct ebc_stale *r)
{
	struct bpf_map_info info = { 0 };
	__u32 n = sizeof(info);
	int fd = bpf_map_get_fd_by_id(r->map_id);

	if (fd >= 0 || errno == ENOENT)
		return fd >= 0 ? fd : -ENOENT;
	fd = r->map_path[0] ? bpf_obj_get(r->map_path) : -1;
	if (fd >= 0 && (bpf_obj_get_info_by_fd(fd, &info, &n) || info.id != r->map_id)) {
		close(fd);
		fd = -1;
	}
	return fd >= 0 ? fd : -EAGAIN;
}

/* Empty the hook map's slots that still hold the dead owner's programs. */
static int sweep_xdphook(const struct ebc_stale *r)
{
	int fd = open_hook_map(r);

	if (fd < 0)	/* gone, and our programs with it; or out of our reach for now */
		return fd == -ENOENT ? 0 : fd;
	for (__u32 slot = 0; slot < EBC_STALE_PROGS; slot++) {
		__u32 id = 0;

		if (!r->prog_id[slot] || bpf_map_lookup_elem(fd, &slot, &id) || id != r->prog_id[slot])
			continue;
		if (bpf_map_delete_elem(fd, &slot))
			ebc_warn("cannot empty slot %u of hook map %u: %s", slot, r->map_id,
				 ebc_strerror(-errno));
		else
			ebc_info("emptied slot %u of hook map %u, filled by ebpfcap %d, no longer "
				 "running", slot, r->map_id, (int)r->pid);
	}
	close(fd);
	return 0;
}

/* Read a record we may trust: a regular file of root's or ours. */
static int load_record(int dfd, const char *name, struct ebc_stale *r)
{
	char text[1024];
	struct stat st;
	ssize_t n;
	int fd;

	fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || (st.st_uid && st.st_uid != geteuid())) {
		close(fd);
		return -EPERM;
	}
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n < 0)
		return -errno;
	text[n] = '\0';
	return ebc_stale__parse(text, r);
}

static void sweep_one(int dfd, const char *name)
{
	struct ebc_stale r;
	size_t len = strlen(name);
	int err;

	if (len > 4 && !strcmp(name + len - 4, ".tmp")) {
		unsigned long long start;
		int pid;

		/* half written by one that died: KIND-PID-N.tmp */
		if (sscanf(name, "%*[a-z]-%d-", &pid) == 1 && proc_start(pid, &start))
			unlinkat(dfd, name, 0);
		return;
	}
	if (load_record(dfd, name, &r))
		return;
	snprintf(r.path, sizeof(r.path), EBC_RUNDIR "/%s", name);
	if (ebc_stale__alive(r.pid, r.start) || ebc_stale__alive(r.reaper, r.reaper_start))
		return;
	/*
	 * What a capture left in another live network namespace is for the next
	 * start there (we could not reach its devices, and captures in separate
	 * namespaces stay out of each other's way); what one in a namespace that
	 * is gone left, anyone removes (a hook map may outlive the namespace).
	 */
	if (r.netns != netns_ino("/proc/self/ns/net") && netns_exists(r.netns))
		return;
	if (!strcmp(r.kind, "tc"))
		err = sweep_tc(&r);
	else if (!strcmp(r.kind, "xdphook"))
		err = sweep_xdphook(&r);
	else
		return;
	if (!err)
		unlinkat(dfd, name, 0);
}

void ebc_stale__sweep(void)
{
	static bool done;
	struct dirent *e;
	DIR *dir;
	int lock;

	if (done)
		return;
	done = true;
	dir = opendir(EBC_RUNDIR);
	if (!dir)
		return;
	lock = ebc_stale__lock();
	while ((e = readdir(dir)))
		if (e->d_name[0] != '.' && strcmp(e->d_name, "lock"))
			sweep_one(dirfd(dir), e->d_name);
	ebc_stale__unlock(lock);
	closedir(dir);
}
