/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Network devices of the current network namespace, read through netlink
 * (getifaddrs), never /sys: a process entered with nsenter --net still sees
 * the sysfs of the namespace that mounted it.
 */
#ifndef EBPFCAP_IFACES_H
#define EBPFCAP_IFACES_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ebc_iface {
	char name[IF_NAMESIZE];
	unsigned int ifindex;
	unsigned short arphrd;	/* ARPHRD_* */
	bool up;
	int dlt;		/* libpcap DLT to compile the filter for; -1: not capturable */
	uint16_t linktype;	/* pcapng LINKTYPE_* of the captured bytes */
	uint64_t rx_dropped, tx_dropped;	/* the device's own counters */
};

/* All devices, sorted by ifindex. Caller frees *out. */
int ebc_ifaces__list(struct ebc_iface **out, size_t *n);
/* One device by name: 0, or -ENODEV. */
int ebc_ifaces__find(const char *name, struct ebc_iface *out);
/* The device with ifindex in a list from ebc_ifaces__list(), or NULL. */
const struct ebc_iface *ebc_ifaces__by_index(const struct ebc_iface *list, size_t n,
					     unsigned int ifindex);

#endif /* EBPFCAP_IFACES_H */
