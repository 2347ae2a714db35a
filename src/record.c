// SPDX-License-Identifier: GPL-2.0-only
#include <stdio.h>
#include <string.h>
#include <net/if.h>
#include "kbtf.h"
#include "record.h"

/*
 * A comment under construction, built without printf: this runs once per
 * packet. Text that does not fit is cut, and what follows it dropped, which
 * gives the same bytes as snprintf calls that stop once one was cut.
 */
struct text {
	char *p;
	size_t len;	/* bytes written, NUL excluded */
	size_t room;	/* bytes available, NUL excluded */
};

static void text_put(struct text *t, const char *s, size_t n)
{
	if (n > t->room - t->len)
		n = t->room - t->len;
	memcpy(t->p + t->len, s, n);
	t->len += n;
}

static void text_str(struct text *t, const char *s)
{
	text_put(t, s, strlen(s));
}

static void text_u32(struct text *t, uint32_t v)
{
	char d[10];
	size_t i = sizeof(d);

	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	text_put(t, d + i, sizeof(d) - i);
}

/* " key=" then a decimal: one call per field of the comment. */
static void text_field_u32(struct text *t, const char *key, size_t key_len, uint32_t v)
{
	text_put(t, key, key_len);
	text_u32(t, v);
}

#define TEXT_KEY(k) k, sizeof(k) - 1

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

/* The fixed parts' lengths, so that no packet has to count them. */
static void measure(struct ebc_rec_names *names)
{
	for (int i = 0; i < 2; i++)
		names->prefix_len[i] = strlen(names->prefix[i]);
	names->suffix_len = strlen(names->suffix);
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
	measure(names);
}

void ebc_record__trace_names(struct ebc_rec_names *names, const char *tap, struct ebc_kbtf *kbtf,
			     const struct ebc_ksyms *ksyms)
{
	memset(names, 0, sizeof(*names));
	snprintf(names->prefix[0], sizeof(names->prefix[0]), "hook=%s", tap);
	names->trace = true;
	names->kbtf = kbtf;
	names->ksyms = ksyms;
	measure(names);
}

void ebc_record__hook_names(struct ebc_rec_names *names)
{
	memset(names, 0, sizeof(*names));
	snprintf(names->prefix[0], sizeof(names->prefix[0]), "hook=%s",
		 ebc_record__hook_name(EBC_HOOK_XDP));
	names->by_ifindex = true;
	measure(names);
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
static void format_trace(struct text *out, const struct ebc_rec_names *names,
			 const struct ebc_rec *rec)
{
	const struct ebc_rec_trace *t = &rec->trace;
	char loc[128];
	const char *reason;
	size_t n;

	text_put(out, names->prefix[0], names->prefix_len[0]);
	n = strnlen(t->ifname, sizeof(t->ifname));
	text_put(out, TEXT_KEY(" if="));
	if (n)
		text_put(out, t->ifname, n);
	else
		text_put(out, TEXT_KEY("-"));
	text_field_u32(out, TEXT_KEY(" ifindex="), rec->ifindex);
	if (rec->flags & EBC_REC_F_NETNS)
		text_field_u32(out, TEXT_KEY(" netns="), t->netns);
	text_field_u32(out, TEXT_KEY(" cpu="), rec->cpu);
	if (rec->flags & EBC_REC_F_REASON) {
		reason = names->kbtf ? ebc_kbtf__drop_reason(names->kbtf, t->reason) : NULL;
		if (reason) {
			text_put(out, TEXT_KEY(" reason="));
			text_str(out, reason);
		} else {
			text_field_u32(out, TEXT_KEY(" reason="), t->reason);
		}
	}
	if (t->location) {
		if (names->ksyms)
			ebc_ksyms__format(names->ksyms, t->location, loc, sizeof(loc));
		else
			snprintf(loc, sizeof(loc), "0x%llx", (unsigned long long)t->location);
		text_put(out, TEXT_KEY(" location="));
		text_str(out, loc);
	}
}

static bool is_xdp(int hook)
{
	return hook == EBC_HOOK_XDP || hook == EBC_HOOK_XDP_ENTRY || hook == EBC_HOOK_XDP_EXIT;
}

static void format_comment(char *buf, size_t buf_len, struct ebc_rec_names *names,
			   const struct ebc_rec *rec)
{
	struct text t = { .p = buf, .room = buf_len ? buf_len - 1 : 0 };
	int dir = rec->hook == EBC_HOOK_TC_EGRESS || rec->hook == EBC_HOOK_XDP_EXIT;

	if (!buf_len)
		return;
	if (names->trace) {
		format_trace(&t, names, rec);
	} else if (names->by_ifindex) {
		text_put(&t, names->prefix[0], names->prefix_len[0]);
		text_put(&t, TEXT_KEY(" if="));
		text_str(&t, dev_name(names, rec->ifindex));
		text_field_u32(&t, TEXT_KEY(" ifindex="), rec->ifindex);
		text_field_u32(&t, TEXT_KEY(" cpu="), rec->cpu);
	} else {
		text_put(&t, names->prefix[dir], names->prefix_len[dir]);
		text_field_u32(&t, TEXT_KEY(" cpu="), rec->cpu);
	}
	if (is_xdp(rec->hook) && (rec->flags & EBC_REC_F_VERDICT)) {
		text_put(&t, TEXT_KEY(" xdp="));
		text_str(&t, ebc_record__xdp_action(rec->verdict));
	}
	if (names->suffix_len) {
		text_put(&t, TEXT_KEY(" "));
		text_put(&t, names->suffix, names->suffix_len);
	}
	if (rec->flags & EBC_REC_F_PID) {
		text_field_u32(&t, TEXT_KEY(" pid="), rec->pid);
		text_field_u32(&t, TEXT_KEY(" tid="), rec->tid);
		text_put(&t, TEXT_KEY(" comm="));
		text_put(&t, rec->comm, strnlen(rec->comm, EBC_COMM_LEN));
	}
	buf[t.len] = '\0';
}

void ebc_record__to_pkt(struct ebc_pcapng_pkt *pkt, char *comment, size_t comment_len,
			struct ebc_rec_names *names, const struct ebc_rec *rec,
			const void *data, uint64_t mono_to_real)
{
	bool verdict = rec->flags & EBC_REC_F_VERDICT, pid = rec->flags & EBC_REC_F_PID;

	/*
	 * Field by field: a compound literal here compiles to a "rep stos"
	 * whose start-up cost shows at a million packets a second. Every field
	 * is set; the assertion asks whoever adds one to set it here too.
	 */
	_Static_assert(sizeof(*pkt) == 96, "ebc_pcapng_pkt changed: set its new fields here");
	pkt->if_id = rec->tap;
	pkt->ts = rec->ts_ns + mono_to_real;
	pkt->caplen = rec->caplen;
	pkt->len = rec->len;
	pkt->data = data;
	pkt->flags = rec->hook == EBC_HOOK_TC_EGRESS ? EBC_PCAPNG_DIR_OUTBOUND :
		     rec->hook == EBC_HOOK_TRACE     ? 0 :
						       EBC_PCAPNG_DIR_INBOUND;
	pkt->has_dropcount = true;
	pkt->dropcount = rec->drops;
	pkt->verdict_type = !verdict	       ? -1 :
			    is_xdp(rec->hook) ? EBC_PCAPNG_VERDICT_XDP :
						EBC_PCAPNG_VERDICT_TC;
	pkt->verdict = verdict ? (uint64_t)(int64_t)rec->verdict : 0;
	pkt->has_pid = pid;
	pkt->pid = pid ? rec->pid : 0;
	pkt->tid = pid ? rec->tid : 0;
	pkt->has_packetid = rec->flags & EBC_REC_F_PKTID;
	pkt->packetid = pkt->has_packetid ? rec->trace.packet_id : 0;
	pkt->comment = comment;
	if (rec->flags & EBC_REC_F_VLAN)
		insert_vlan(pkt, rec, data);
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
	measure(names);
}
