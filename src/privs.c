// SPDX-License-Identifier: GPL-2.0-only
/* Least privilege: see privs.h and README "Running without root". */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <linux/capability.h>
#include "privs.h"

/* Debian 12's 6.1 headers have both; older ones may not. */
#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

/* What every tap needs: loading programs, perf/tracing access, attaching to devices. */
static const int base_caps[] = { CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN };

struct caps {
	struct __user_cap_header_struct hdr;
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
};

static int caps_get(struct caps *c)
{
	*c = (struct caps){ 0 };
	c->hdr.version = _LINUX_CAPABILITY_VERSION_3;
	return syscall(SYS_capget, &c->hdr, c->data) ? -errno : 0;
}

static int caps_set(struct caps *c)
{
	c->hdr.version = _LINUX_CAPABILITY_VERSION_3;
	c->hdr.pid = 0;
	return syscall(SYS_capset, &c->hdr, c->data) ? -errno : 0;
}

static void set_effective(struct caps *c, int cap, bool on)
{
	if (on)
		c->data[cap / 32].effective |= 1u << (cap % 32);
	else
		c->data[cap / 32].effective &= ~(1u << (cap % 32));
}

static bool cap_permitted(const struct caps *c, int cap)
{
	return c->data[cap / 32].permitted & (1u << (cap % 32));
}

static bool cap_effective(const struct caps *c, int cap)
{
	return c->data[cap / 32].effective & (1u << (cap % 32));
}

int ebc_privs__init(void)
{
	struct caps c;

	/*
	 * A set-uid root binary runs everything (libbpf, libpcap, glib) as root
	 * for anyone who can execute it: refuse before touching any input.
	 */
	if (getuid() != 0 && geteuid() == 0) {
		fputs("ebpfcap: refusing to run set-uid root (install with file capabilities: "
		      "see README \"Running without root\")\n", stderr);
		return -EPERM;
	}
	/* Nothing we exec or fork may inherit a capability by these routes. */
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (caps_get(&c))
		return 0;
	for (int i = 0; i < _LINUX_CAPABILITY_U32S_3; i++)
		c.data[i].inheritable = 0;
	for (size_t i = 0; i < sizeof(base_caps) / sizeof(base_caps[0]); i++)
		if (cap_permitted(&c, base_caps[i]))
			set_effective(&c, base_caps[i], true);
	/* Failing leaves the caller with less, never more: the first BPF call then says so. */
	caps_set(&c);
	return 0;
}

/* Both keep errno: callers put them around a call whose errno they report. */
bool ebc_privs__raise(int cap)
{
	int saved = errno;
	bool raised = false;
	struct caps c;

	if (!caps_get(&c) && !cap_effective(&c, cap) && cap_permitted(&c, cap)) {
		set_effective(&c, cap, true);
		raised = !caps_set(&c);
	}
	errno = saved;
	return raised;
}

void ebc_privs__restore(int cap, bool raised)
{
	int saved = errno;
	struct caps c;

	if (raised && !caps_get(&c)) {
		set_effective(&c, cap, false);
		caps_set(&c);
	}
	errno = saved;
}

void ebc_privs__drop_all(void)
{
	struct caps c = { 0 };

	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	/* Root keeps its uid (and so file access); only the capabilities go. */
	caps_set(&c);
}
