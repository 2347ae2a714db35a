// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <mntent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "log.h"
#include "owners.h"
#include "sock.skel.h"

struct ebc_owners {
	struct sock_bpf *skel;
	struct bpf_link *links[16];
	size_t nlinks;
};

/* Where cgroup v2 is mounted: its root sees every process on the machine. */
int ebc_owners__cgroup_root(char *path, size_t len)
{
	FILE *f = setmntent("/proc/self/mounts", "r");
	struct mntent *m;
	int err = -ENOENT;

	if (!f)
		return -errno;
	while ((m = getmntent(f))) {
		if (!strcmp(m->mnt_type, "cgroup2")) {
			snprintf(path, len, "%s", m->mnt_dir);
			err = 0;
			break;
		}
	}
	endmntent(f);
	return err;
}

static int attach_all(struct ebc_owners *o, int cgfd, char *errbuf, size_t len)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, o->skel->obj) {
		struct bpf_link *link = bpf_program__attach_cgroup(prog, cgfd);

		if (!link) {
			int err = -errno;

			ebc_errbuf(errbuf, len, "cannot attach %s to the cgroup root: %s",
				   bpf_program__name(prog), ebc_strerror(err));
			return err;
		}
		o->links[o->nlinks++] = link;
	}
	return 0;
}

int ebc_owners__open(struct ebc_owners **out, unsigned int cgroup_level, char *errbuf, size_t len)
{
	struct ebc_owners *o = calloc(1, sizeof(*o));
	char root[4096];
	int cgfd = -1, err;

	if (!o)
		return -ENOMEM;
	err = ebc_owners__cgroup_root(root, sizeof(root));
	if (err) {
		ebc_errbuf(errbuf, len, "no cgroup v2 hierarchy is mounted");
		goto fail;
	}
	cgfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cgfd < 0) {
		err = -errno;
		ebc_errbuf(errbuf, len, "cannot open %s: %s", root, ebc_strerror(err));
		goto fail;
	}
	o->skel = sock_bpf__open();
	if (o->skel) {
		o->skel->rodata->ebc_cgroup_level = cgroup_level;
		if (sock_bpf__load(o->skel)) {
			sock_bpf__destroy(o->skel);
			o->skel = NULL;
		}
	}
	if (!o->skel) {
		err = -errno;
		ebc_errbuf(errbuf, len, "cannot load the socket hooks: %s", ebc_strerror(err));
		goto fail;
	}
	err = attach_all(o, cgfd, errbuf, len);
	if (err)
		goto fail;
	close(cgfd);
	*out = o;
	return 0;
fail:
	if (cgfd >= 0)
		close(cgfd);
	ebc_owners__close(o);
	return err;
}

int ebc_owners__map_fd(const struct ebc_owners *o)
{
	return bpf_map__fd(o->skel->maps.ebc_owners);
}

int ebc_owners__addr_map_fd(const struct ebc_owners *o)
{
	return bpf_map__fd(o->skel->maps.ebc_addr_owners);
}

int ebc_owners__ports_map_fd(const struct ebc_owners *o)
{
	return bpf_map__fd(o->skel->maps.ebc_owner_ports);
}

void ebc_owners__close(struct ebc_owners *o)
{
	if (!o)
		return;
	for (size_t i = 0; i < o->nlinks; i++)
		bpf_link__destroy(o->links[i]);
	sock_bpf__destroy(o->skel);
	free(o);
}
