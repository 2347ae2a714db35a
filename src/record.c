// SPDX-License-Identifier: GPL-2.0-only
#include <stdio.h>
#include <string.h>
#include <net/if.h>
#include "kbtf.h"
#include "record.h"

/*
 * The tag the kernel kept in metadata goes back after the MAC addresses, as
 * libpcap does with PACKET_AUXDATA. One frame at a time: single-threaded.
 */
static uint8_t vlan_frame[EBC_SNAPLEN_MAX + 4];

static void insert_vlan(struct ebc_pcapng_pkt *pkt, const struct ebc_rec *rec, const uint8_t *data)
{
	size_t head = rec->caplen < 12 ? rec->caplen : 12;
	uint8_t tag[4] = { 0, 0, rec->vlan_tci >> 8, rec->vlan_tci & 0xff };
	size_t n = rec->vlan_caplen < sizeof(vlan_frame) ? rec->vlan_caplen : sizeof(vlan_frame);

	memcpy(tag, &rec->vlan_proto, 2);	/* already in network order */
	memcpy(vlan_frame, data, head);
	memcpy(vlan_frame + head, tag, sizeof(tag));
	memcpy(vlan_frame + head + sizeof(tag), data + head, rec->caplen - head);
	pkt->data = vlan_frame;
	pkt->caplen = n < rec->caplen + 4 ? n : rec->caplen + 4;
	pkt->len = rec->len + 4;
}

const char *ebc_record__hook_name(int hook)
{
	switch (hook) {
	case EBC_HOOK_TC_INGRESS:
		return "tc-ingress";
	case EBC_HOOK_TC_EGRESS:
		return "tc-egress";
	case EBC_HOOK_XDP:
		return "xdp";
	case EBC_HOOK_TRACE:
		return "trace";
	case EBC_HOOK_XDP_ENTRY:
		return "xdp-entry";
	case EBC_HOOK_XDP_EXIT:
		return "xdp-exit";
	}
	return "unknown";
}

const char *ebc_record__xdp_action(int action)
{
	static const char *const names[] = { "XDP_ABORTED", "XDP_DROP", "XDP_PASS", "XDP_TX",
					     "XDP_REDIRECT" };

	return action >= 0 && action < 5 ? names[action] : "XDP_UNKNOWN";
}

void ebc_record__names(struct ebc_rec_names *names, const char *ifname, unsigned int ifindex,
		       bool xdp)
{
	int hooks[2] = { EBC_HOOK_TC_INGRESS, EBC_HOOK_TC_EGRESS };

	if (xdp)
		hooks[0] = hooks[1] = EBC_HOOK_XDP;
	for (int i = 0; i < 2; i++)
		snprintf(names->prefix[i], sizeof(names->prefix[i]), "hook=%s if=%s ifindex=%u",
			 ebc_record__hook_name(hooks[i]), ifname, ifindex);
}

void ebc_record__trace_names(struct ebc_rec_names *names, const char *tap, struct ebc_kbtf *kbtf,
			     const struct ebc_ksyms *ksyms)
{
	memset(names, 0, sizeof(*names));
	snprintf(names->prefix[0], sizeof(names->prefix[0]), "hook=%s", tap);
	names->trace = true;
	names->kbtf = kbtf;
	names->ksyms = ksyms;
}

void ebc_record__hook_names(struct ebc_rec_names *names)
{
	memset(names, 0, sizeof(*names));
	snprintf(names->prefix[0], sizeof(names->prefix[0]), "hook=%s",
		 ebc_record__hook_name(EBC_HOOK_XDP));
	names->by_ifindex = true;
}

/* The device's name, from a small cache; the kernel is asked once per device. */
static const char *dev_name(struct ebc_rec_names *names, unsigned int ifindex)
{
	size_t n = sizeof(names->devs) / sizeof(names->devs[0]), i;
	char buf[IF_NAMESIZE];

	for (i = 0; i < n && names->devs[i].ifindex; i++)
		if (names->devs[i].ifindex == ifindex)
			return names->devs[i].name;
	if (!if_indextoname(ifindex, buf))
		return "-";
	if (i == n)
		i = ifindex % n;	/* full: replace one */
	names->devs[i].ifindex = ifindex;
	snprintf(names->devs[i].name, sizeof(names->devs[i].name), "%s", buf);
	return names->devs[i].name;
}

/* Where a trace tap saw the packet: device, namespace, CPU, drop reason and place. */
static int format_trace(char *buf, size_t len, const struct ebc_rec_names *names,
			const struct ebc_rec *rec)
{
	const struct ebc_rec_trace *t = &rec->trace;
	char ifname[sizeof(t->ifname) + 1], loc[128];
	const char *reason;
	int n;

	memcpy(ifname, t->ifname, sizeof(t->ifname));
	ifname[sizeof(t->ifname)] = '\0';
	n = snprintf(buf, len, "%s if=%s ifindex=%u", names->prefix[0], ifname[0] ? ifname : "-",
		     rec->ifindex);
	if (n > 0 && (size_t)n < len && (rec->flags & EBC_REC_F_NETNS))
		n += snprintf(buf + n, len - n, " netns=%u", t->netns);
	if (n > 0 && (size_t)n < len)
		n += snprintf(buf + n, len - n, " cpu=%u", rec->cpu);
	if (n > 0 && (size_t)n < len && (rec->flags & EBC_REC_F_REASON)) {
		reason = names->kbtf ? ebc_kbtf__drop_reason(names->kbtf, t->reason) : NULL;
		n += reason ? snprintf(buf + n, len - n, " reason=%s", reason) :
			      snprintf(buf + n, len - n, " reason=%u", t->reason);
	}
	if (n > 0 && (size_t)n < len && t->location) {
		if (names->ksyms)
			ebc_ksyms__format(names->ksyms, t->location, loc, sizeof(loc));
		else
			snprintf(loc, sizeof(loc), "0x%llx", (unsigned long long)t->location);
		n += snprintf(buf + n, len - n, " location=%s", loc);
	}
	return n;
}

static bool is_xdp(int hook)
{
	return hook == EBC_HOOK_XDP || hook == EBC_HOOK_XDP_ENTRY || hook == EBC_HOOK_XDP_EXIT;
}

static void format_comment(char *buf, size_t len, struct ebc_rec_names *names,
			   const struct ebc_rec *rec)
{
	int n;

	if (names->trace)
		n = format_trace(buf, len, names, rec);
	else if (names->by_ifindex)
		n = snprintf(buf, len, "%s if=%s ifindex=%u cpu=%u", names->prefix[0],
			     dev_name(names, rec->ifindex), rec->ifindex, rec->cpu);
	else
		n = snprintf(buf, len, "%s cpu=%u",
			     names->prefix[rec->hook == EBC_HOOK_TC_EGRESS ||
					   rec->hook == EBC_HOOK_XDP_EXIT],
			     rec->cpu);

	if (n > 0 && (size_t)n < len && is_xdp(rec->hook) && (rec->flags & EBC_REC_F_VERDICT))
		n += snprintf(buf + n, len - n, " xdp=%s", ebc_record__xdp_action(rec->verdict));
	if (n > 0 && (size_t)n < len && names->suffix[0])
		n += snprintf(buf + n, len - n, " %s", names->suffix);
	if (n > 0 && (size_t)n < len && (rec->flags & EBC_REC_F_PID))
		snprintf(buf + n, len - n, " pid=%u tid=%u comm=%.*s", rec->pid, rec->tid,
			 EBC_COMM_LEN, rec->comm);
}

void ebc_record__to_pkt(struct ebc_pcapng_pkt *pkt, char *comment, size_t comment_len,
			struct ebc_rec_names *names, const struct ebc_rec *rec,
			const void *data, uint64_t mono_to_real)
{
	*pkt = (struct ebc_pcapng_pkt){
		.if_id = rec->tap,
		.ts = rec->ts_ns + mono_to_real,
		.caplen = rec->caplen,
		.len = rec->len,
		.data = data,
		.flags = rec->hook == EBC_HOOK_TC_EGRESS ? EBC_PCAPNG_DIR_OUTBOUND :
			 rec->hook == EBC_HOOK_TRACE	   ? 0 :
							     EBC_PCAPNG_DIR_INBOUND,
		.has_dropcount = true,
		.dropcount = rec->drops,
		.verdict_type = -1,
		.comment = comment,
	};
	if (rec->flags & EBC_REC_F_VERDICT) {
		pkt->verdict_type = is_xdp(rec->hook) ? EBC_PCAPNG_VERDICT_XDP : EBC_PCAPNG_VERDICT_TC;
		pkt->verdict = (uint64_t)(int64_t)rec->verdict;
	}
	if (rec->flags & EBC_REC_F_PKTID) {
		pkt->has_packetid = true;
		pkt->packetid = rec->trace.packet_id;
	}
	if (rec->flags & EBC_REC_F_VLAN)
		insert_vlan(pkt, rec, data);
	if (rec->flags & EBC_REC_F_PID) {
		pkt->has_pid = true;
		pkt->pid = rec->pid;
		pkt->tid = rec->tid;
	}
	format_comment(comment, comment_len, names, rec);
}

void ebc_record__xdpprog_names(struct ebc_rec_names *names, const char *ifname,
			       unsigned int ifindex, const char *prog, unsigned int prog_id)
{
	memset(names, 0, sizeof(*names));
	snprintf(names->prefix[0], sizeof(names->prefix[0]), "hook=%s if=%s ifindex=%u",
		 ebc_record__hook_name(EBC_HOOK_XDP_ENTRY), ifname, ifindex);
	snprintf(names->prefix[1], sizeof(names->prefix[1]), "hook=%s if=%s ifindex=%u",
		 ebc_record__hook_name(EBC_HOOK_XDP_EXIT), ifname, ifindex);
	snprintf(names->suffix, sizeof(names->suffix), "prog=%s id=%u", prog, prog_id);
}
