// SPDX-License-Identifier: GPL-2.0-only
/*
 * From a ring record to a pcapng packet (src/record.c): the per-packet
 * comment in its documented format for every kind of tap, cut like snprintf
 * when the buffer is short, and the packet's direction, verdict and process.
 * One row per case; a bug found later becomes a row.
 */
#include <stdio.h>
#include <string.h>
#include <net/if.h>
#include "record.h"
#include "tap.h"

enum names_kind { N_TC, N_XDP, N_HOOKMAP, N_TRACE, N_XDPPROG };

struct row {
	const char *what;
	enum names_kind names;
	struct ebc_rec rec;
	size_t buf_len;		/* 0: EBC_COMMENT_MAX */
	const char *comment;	/* NULL: built by the case (hook map: lo's ifindex) */
};

#define PID(p, t, c) .flags = EBC_REC_F_PID, .pid = p, .tid = t, .comm = c

static const struct row rows[] = {
	{ "tc ingress", N_TC, { .hook = EBC_HOOK_TC_INGRESS, .cpu = 0 }, 0,
	  "hook=tc-ingress if=va ifindex=7 cpu=0" },
	{ "tc egress, verdict, process", N_TC,
	  { .hook = EBC_HOOK_TC_EGRESS, .cpu = 65535, .flags = EBC_REC_F_PID | EBC_REC_F_VERDICT,
	    .verdict = -1, .pid = 4294967295u, .tid = 10, .comm = "ping" }, 0,
	  "hook=tc-egress if=va ifindex=7 cpu=65535 pid=4294967295 tid=10 comm=ping" },
	{ "xdp pass", N_XDP,
	  { .hook = EBC_HOOK_XDP, .cpu = 1, .flags = EBC_REC_F_VERDICT, .verdict = 2 }, 0,
	  "hook=xdp if=vb ifindex=12 cpu=1 xdp=XDP_PASS" },
	{ "xdp, unknown action", N_XDP,
	  { .hook = EBC_HOOK_XDP, .cpu = 10, .flags = EBC_REC_F_VERDICT, .verdict = 99 }, 0,
	  "hook=xdp if=vb ifindex=12 cpu=10 xdp=XDP_UNKNOWN" },
	{ "xdp without verdict, comm of 16 bytes", N_XDP,
	  { .hook = EBC_HOOK_XDP, .cpu = 3, PID(1, 2, "0123456789abcdef") }, 0,
	  "hook=xdp if=vb ifindex=12 cpu=3 pid=1 tid=2 comm=0123456789abcdef" },
	{ "xdp program entry", N_XDPPROG, { .hook = EBC_HOOK_XDP_ENTRY, .cpu = 0 }, 0,
	  "hook=xdp-entry if=vb ifindex=12 cpu=0 prog=fw id=77" },
	{ "xdp program exit, verdict", N_XDPPROG,
	  { .hook = EBC_HOOK_XDP_EXIT, .cpu = 1, .flags = EBC_REC_F_VERDICT, .verdict = 1 }, 0,
	  "hook=xdp-exit if=vb ifindex=12 cpu=1 xdp=XDP_DROP prog=fw id=77" },
	{ "trace, no device", N_TRACE, { .hook = EBC_HOOK_TRACE, .cpu = 1 }, 0,
	  "hook=tp:skb:kfree_skb if=- ifindex=0 cpu=1" },
	{ "trace, everything", N_TRACE,
	  { .hook = EBC_HOOK_TRACE, .ifindex = 3, .cpu = 0,
	    .flags = EBC_REC_F_NETNS | EBC_REC_F_REASON | EBC_REC_F_PID, .pid = 5, .tid = 6,
	    .comm = "bash",
	    .trace = { .location = 0xffffffff81000010ull, .reason = 2, .netns = 4026531840u,
		       .ifname = "veth-with-16-chr" } }, 0,
	  "hook=tp:skb:kfree_skb if=veth-with-16-chr ifindex=3 netns=4026531840 cpu=0 reason=2 "
	  "location=0xffffffff81000010 pid=5 tid=6 comm=bash" },
	{ "cut at 20 bytes", N_XDP,
	  { .hook = EBC_HOOK_XDP, .cpu = 1, .flags = EBC_REC_F_VERDICT, .verdict = 2 }, 20,
	  "hook=xdp if=vb ifin" },
	{ "cut inside a key", N_TC, { .hook = EBC_HOOK_TC_INGRESS, .cpu = 12345 }, 35,
	  "hook=tc-ingress if=va ifindex=7 cp" },
	{ "cut inside the command", N_TC, { .hook = EBC_HOOK_TC_INGRESS, .cpu = 1, PID(8, 9, "abc") },
	  54, "hook=tc-ingress if=va ifindex=7 cpu=1 pid=8 tid=9 com" },
	{ "one byte: empty", N_TC, { .hook = EBC_HOOK_TC_INGRESS }, 1, "" },
	{ "hook map, device by ifindex", N_HOOKMAP,
	  { .hook = EBC_HOOK_XDP, .cpu = 1, .flags = EBC_REC_F_VERDICT, .verdict = 3 }, 0, NULL },
};

static void make_names(struct ebc_rec_names *n, enum names_kind kind)
{
	memset(n, 0, sizeof(*n));
	switch (kind) {
	case N_TC:
		ebc_record__names(n, "va", 7, false);
		break;
	case N_XDP:
		ebc_record__names(n, "vb", 12, true);
		break;
	case N_HOOKMAP:
		ebc_record__hook_names(n);
		break;
	case N_TRACE:
		ebc_record__trace_names(n, "tp:skb:kfree_skb", NULL, NULL);
		break;
	case N_XDPPROG:
		ebc_record__xdpprog_names(n, "vb", 12, "fw", 77);
		break;
	}
}

static void test_row(const struct row *r)
{
	static const uint8_t frame[64];
	struct ebc_rec_names names;
	struct ebc_rec rec = r->rec;
	struct ebc_pcapng_pkt pkt;
	char buf[EBC_COMMENT_MAX + 1], want[EBC_COMMENT_MAX];
	size_t len = r->buf_len ? r->buf_len : EBC_COMMENT_MAX;
	unsigned int lo = if_nametoindex("lo");

	make_names(&names, r->names);
	if (r->comment)
		snprintf(want, sizeof(want), "%s", r->comment);
	else
		snprintf(want, sizeof(want), "hook=xdp if=lo ifindex=%u cpu=1 xdp=XDP_TX", lo);
	if (!r->comment)
		rec.ifindex = lo;
	rec.caplen = rec.len = sizeof(frame);
	memset(buf, 'Z', sizeof(buf));
	ebc_record__to_pkt(&pkt, buf, len, &names, &rec, frame, 0);
	if (!tap_ok(pkt.comment == buf && !strcmp(buf, want) && buf[len] == 'Z',
		    "%s: comment as documented, within its buffer", r->what))
		tap_diag("got  '%s'\n# want '%s'", buf, want);
}

static void test_pkt_fields(void)
{
	static const uint8_t frame[64];
	struct ebc_rec_names names;
	struct ebc_rec rec = { .ts_ns = 1000, .tap = 2, .len = 100, .caplen = 64, .drops = 3,
			       .hook = EBC_HOOK_TC_EGRESS, .flags = EBC_REC_F_VERDICT | EBC_REC_F_PID,
			       .verdict = -1, .pid = 5, .tid = 6 };
	struct ebc_pcapng_pkt pkt;
	char buf[EBC_COMMENT_MAX];

	make_names(&names, N_TC);
	ebc_record__to_pkt(&pkt, buf, sizeof(buf), &names, &rec, frame, 500);
	tap_ok(pkt.if_id == 2 && pkt.ts == 1500 && pkt.caplen == 64 && pkt.len == 100 &&
	       pkt.data == frame && pkt.flags == EBC_PCAPNG_DIR_OUTBOUND && pkt.has_dropcount &&
	       pkt.dropcount == 3 && pkt.verdict_type == EBC_PCAPNG_VERDICT_TC &&
	       pkt.verdict == UINT64_MAX && pkt.has_pid && pkt.pid == 5 && pkt.tid == 6 &&
	       !pkt.has_packetid, "tc egress: outbound, tc verdict -1, process, drops, time");

	make_names(&names, N_TRACE);
	rec = (struct ebc_rec){ .hook = EBC_HOOK_TRACE, .flags = EBC_REC_F_PKTID,
				.trace = { .packet_id = 0x0100000000000007ull } };
	ebc_record__to_pkt(&pkt, buf, sizeof(buf), &names, &rec, frame, 0);
	tap_ok(pkt.flags == 0 && pkt.verdict_type == -1 && !pkt.has_pid && pkt.has_packetid &&
	       pkt.packetid == 0x0100000000000007ull, "trace: no direction, no verdict, packet id");
}

int main(void)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		test_row(&rows[i]);
	test_pkt_fields();
	return tap_done();
}
