// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <ifaddrs.h>
#include <net/if_arp.h>
#include <linux/if_link.h>
#include <netpacket/packet.h>
#include <stdlib.h>
#include <string.h>
#include <pcap/dlt.h>
#include "ifaces.h"

#define LINKTYPE_ETHERNET 1
#define LINKTYPE_RAW 101

/* What the bytes at the hook start with: an Ethernet header, or IP directly. */
static void iface_set_link(struct ebc_iface *ifc)
{
	switch (ifc->arphrd) {
	case ARPHRD_ETHER:
	case ARPHRD_LOOPBACK:
		ifc->dlt = DLT_EN10MB;
		ifc->linktype = LINKTYPE_ETHERNET;
		break;
	case ARPHRD_NONE:
	case ARPHRD_TUNNEL:
	case ARPHRD_TUNNEL6:
		ifc->dlt = DLT_RAW;
		ifc->linktype = LINKTYPE_RAW;
		break;
	default:
		ifc->dlt = -1;
		ifc->linktype = 0;
	}
}

static void iface_from_ifaddr(struct ebc_iface *ifc, const struct ifaddrs *ifa)
{
	const struct sockaddr_ll *sll = (const struct sockaddr_ll *)ifa->ifa_addr;
	const struct rtnl_link_stats *st = ifa->ifa_data;

	memset(ifc, 0, sizeof(*ifc));
	strncpy(ifc->name, ifa->ifa_name, sizeof(ifc->name) - 1);
	ifc->ifindex = sll->sll_ifindex;
	ifc->arphrd = sll->sll_hatype;
	ifc->up = ifa->ifa_flags & IFF_UP;
	if (st) {
		ifc->rx_dropped = st->rx_dropped;
		ifc->tx_dropped = st->tx_dropped;
	}
	iface_set_link(ifc);
}

static int cmp_ifindex(const void *a, const void *b)
{
	const struct ebc_iface *x = a, *y = b;

	return (x->ifindex > y->ifindex) - (x->ifindex < y->ifindex);
}

int ebc_ifaces__list(struct ebc_iface **out, size_t *n)
{
	struct ifaddrs *ifap, *ifa;
	struct ebc_iface *list = NULL, *tmp;
	size_t cnt = 0;

	/* defined on every path: a caller may read them after an error */
	*out = NULL;
	*n = 0;
	if (getifaddrs(&ifap))
		return -errno;
	for (ifa = ifap; ifa; ifa = ifa->ifa_next) {
		if (!ifa->ifa_addr || ifa->ifa_addr->sa_family != AF_PACKET)
			continue;
		tmp = realloc(list, (cnt + 1) * sizeof(*list));
		if (!tmp) {
			free(list);
			freeifaddrs(ifap);
			return -ENOMEM;
		}
		list = tmp;
		iface_from_ifaddr(&list[cnt++], ifa);
	}
	freeifaddrs(ifap);
	if (cnt)	/* qsort's base must not be NULL */
		qsort(list, cnt, sizeof(*list), cmp_ifindex);
	*out = list;
	*n = cnt;
	return 0;
}

int ebc_ifaces__find(const char *name, struct ebc_iface *out)
{
	struct ebc_iface *list;
	size_t n;
	int err;

	err = ebc_ifaces__list(&list, &n);
	if (err)
		return err;
	err = -ENODEV;
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(list[i].name, name)) {
			*out = list[i];
			err = 0;
			break;
		}
	}
	free(list);
	return err;
}

const struct ebc_iface *ebc_ifaces__by_index(const struct ebc_iface *list, size_t n,
					     unsigned int ifindex)
{
	for (size_t i = 0; i < n; i++)
		if (list[i].ifindex == ifindex)
			return &list[i];
	return NULL;
}
