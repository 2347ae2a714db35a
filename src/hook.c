// SPDX-License-Identifier: GPL-2.0-only
/* What the back ends share: reusing the run's maps and splicing the filter before load. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>
#include <linux/filter.h>
#include "hook.h"

/* The kernel-internal "not supported" some helpers return. */
#ifndef ENOTSUPP
#define ENOTSUPP 524
#endif
#include "capture.h"
#include "hook_priv.h"
#include "inject.h"
#include "log.h"

const char *ebc_hook__hint(int err)
{
	switch (err) {
	case -EPERM:
		return "run as root, or grant CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN";
	case -EOPNOTSUPP:
	case -ENOTSUPP:
		return "this kernel or driver does not support it";
	default:
		return "run with --log-level debug for the kernel's reasons";
	}
}

/* The per-CPU filter copy (tc, VLAN-offloaded packets): the run's one map. */
static int share_scratch(struct bpf_object *obj, const struct ebc_tap_load *ld)
{
	struct bpf_map *scratch = bpf_object__find_map_by_name(obj, "ebc_scratch");

	return scratch ? bpf_map__reuse_fd(scratch, ld->scratch_fd) : 0;
}

/* Programs that name the process behind a packet read the owners' map; without it, a stub map. */
static int share_owners(struct bpf_object *obj, const struct ebc_tap_load *ld)
{
	struct bpf_map *owners = bpf_object__find_map_by_name(obj, "ebc_owners");
	struct bpf_map *by_addr = bpf_object__find_map_by_name(obj, "ebc_addr_owners");
	struct bpf_map *ports = bpf_object__find_map_by_name(obj, "ebc_owner_ports");
	int err;

	if (!owners)
		return 0;
	/* Without the hooks the program keeps its own, empty, socket storage. */
	err = ld->owners_fd >= 0 ? bpf_map__reuse_fd(owners, ld->owners_fd) : 0;
	if (err || !by_addr)
		return err;
	if (ld->owners_fd < 0)
		return bpf_map__set_max_entries(by_addr, 1);
	err = bpf_map__reuse_fd(by_addr, ld->addr_owners_fd);
	return err || !ports ? err : bpf_map__reuse_fd(ports, ld->owner_ports_fd);
}

int ebc_hook__load(struct bpf_object *obj, const struct ebc_tap *tap, const struct ebc_tap_load *ld,
		   char *errbuf, size_t len)
{
	struct bpf_map *ring = bpf_object__find_map_by_name(obj, "ebc_ring");
	struct bpf_map *stats = bpf_object__find_map_by_name(obj, "ebc_stats");
	int err;

	if (!ring || !stats) {
		ebc_errbuf(errbuf, len, "capture program for %s lacks its maps (broken build)",
			   tap->ifc.name);
		return -ENOENT;
	}
	err = bpf_map__reuse_fd(ring, ld->ring_fd);
	if (!err)
		err = bpf_map__reuse_fd(stats, ld->stats_fd);
	if (err) {
		ebc_errbuf(errbuf, len, "cannot share the ring buffer with the %s program: %s",
			   tap->ifc.name, ebc_strerror(err));
		return err;
	}
	err = share_scratch(obj, ld);
	if (!err)
		err = share_owners(obj, ld);
	if (err) {
		ebc_errbuf(errbuf, len, "cannot share the socket-owner map with the %s program: %s",
			   tap->ifc.name, ebc_strerror(err));
		return err;
	}
	ebc_inject__set_filters((struct ebc_inject_body[]){
		{ EBC_FILTER_MARKER, ld->filter, ld->filter_len },
		{ EBC_FILTER_MARKER_L3, ld->filter_l3, ld->filter_l3_len } }, ld->filter_l3 ? 2 : 1);
	err = bpf_object__load(obj);
	ebc_inject__set_filters(NULL, 0);
	if (err == -EPERM) {
		ebc_errbuf(errbuf, len, "cannot load the capture program for %s: %s (%s)",
			   tap->ifc.name, ebc_strerror(err), ebc_hook__hint(-EPERM));
	} else if (err) {
		ebc_errbuf(errbuf, len,
			   "the kernel verifier refused the capture program for %s: %s (%s)",
			   tap->ifc.name, ebc_strerror(err), ebc_hook__hint(err));
	}
	return err;
}

/*
 * What each hook family's context answers of the ancillary loads (see
 * struct ebc_anc and the fill functions in bpf/): tc has the whole skb; XDP
 * has no skb yet (no protocol, packet type, mark or hash, and a VLAN tag is
 * still in the data); trace taps read the skb through CO-RE.
 */
void ebc_hook__xlate_opts(enum ebc_tap_kind kind, struct ebc_xlate_opts *opts)
{
	const uint32_t common = EBC_ANC_BIT(SKF_AD_IFINDEX) | EBC_ANC_BIT(SKF_AD_QUEUE) |
				EBC_ANC_BIT(SKF_AD_HATYPE) | EBC_ANC_BIT(SKF_AD_CPU) |
				EBC_ANC_BIT(SKF_AD_RANDOM) | EBC_ANC_BIT(SKF_AD_VLAN_TAG) |
				EBC_ANC_BIT(SKF_AD_VLAN_TAG_PRESENT) | EBC_ANC_BIT(SKF_AD_VLAN_TPID);
	const uint32_t skb = EBC_ANC_BIT(SKF_AD_PROTOCOL) | EBC_ANC_BIT(SKF_AD_PKTTYPE) |
			     EBC_ANC_BIT(SKF_AD_MARK) | EBC_ANC_BIT(SKF_AD_RXHASH);
	const bool xdp = kind == EBC_TAP_XDP || kind == EBC_TAP_XDPHOOK || kind == EBC_TAP_XDPPROG;

	*opts = (struct ebc_xlate_opts){ .mode = EBC_XLATE_DIRECT };
	opts->anc_mask = xdp ? common : common | skb;
	opts->hook_name = xdp ? "xdp" : kind == EBC_TAP_TRACE ? "trace" : "tc";
}

void ebc_hook__filter_error(const struct ebc_config *cfg, int dlt,
			    const struct ebc_xlate_opts *opts, const char *tc_fix, char *errbuf,
			    size_t len)
{
	struct ebc_ebpf_prog scratch = { 0 };
	struct ebc_xlate_opts tc;
	char why[256], what[160], scratch_err[8];
	bool tc_can;

	/* "... is not available at the xdp hook" reads "... there" after our prefix. */
	snprintf(why, sizeof(why), "%s", errbuf);
	snprintf(what, sizeof(what), " at the %s hook", opts->hook_name);
	if (strlen(why) > strlen(what) && !strcmp(why + strlen(why) - strlen(what), what))
		strcpy(why + strlen(why) - strlen(what), " there");
	if (cfg->cbpf_file)
		snprintf(what, sizeof(what), "--cbpf %s", cfg->cbpf_file);
	else
		snprintf(what, sizeof(what), "the capture filter \"%s\"", cfg->filter);
	ebc_hook__xlate_opts(EBC_TAP_TC, &tc);
	tc_can = strcmp(opts->hook_name, tc.hook_name) &&
		 !ebc_xlate__source(cfg->filter, cfg->cbpf_file, dlt, cfg->snaplen, &tc, &scratch,
				    scratch_err, sizeof(scratch_err));
	ebc_ebpf_prog__free(&scratch);
	ebc_errbuf(errbuf, len, "cannot run %s at the %s hook: %s%s%s%s", what, opts->hook_name,
		   why, tc_can ? " (" : "", tc_can ? tc_fix : "", tc_can ? ", where it is available)" : "");
}
