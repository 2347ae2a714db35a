// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <glib.h>
#include <pcap/pcap.h>
#include "log.h"
#include "synth.h"

static const uint8_t mac_local[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t mac_remote[6] = { 0x02, 0, 0, 0, 0, 0x02 };
static const uint8_t v4_mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

/* One TCP connection: the next sequence number each way. */
struct conn {
	uint64_t key;
	struct ebc_synth_flow f;
	uint32_t seq_out;	/* local -> remote */
	uint32_t seq_in;	/* remote -> local */
	bool fin_in;
	bool peer_traced;	/* the other end was traced: its writes show what we read */
};

struct ebc_synth {
	GHashTable *conns;	/* &conn->key -> conn */
	GHashTable *flows;	/* &conn->f -> conn: finds the other end of a connection */
	ebc_synth_emit_fn emit;
	void *ctx;
};

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

static uint32_t csum_add(const void *data, size_t n, uint32_t sum)
{
	const uint8_t *p = data;

	for (; n > 1; p += 2, n -= 2)
		sum += (uint32_t)p[0] << 8 | p[1];
	if (n)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint16_t ebc_synth__csum(const void *data, size_t n, uint32_t sum)
{
	return csum_fold(csum_add(data, n, sum));
}

static bool all_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

void ebc_synth__unmap(struct ebc_synth_flow *f)
{
	bool l = !memcmp(f->laddr, v4_mapped, 12), r = !memcmp(f->raddr, v4_mapped, 12);

	if (f->family != AF_INET6 || !(l || all_zero(f->laddr, 16)) || !r)
		return;
	memmove(f->laddr, f->laddr + 12, 4);
	memmove(f->raddr, f->raddr + 12, 4);
	memset(f->laddr + 4, 0, 12);
	memset(f->raddr + 4, 0, 12);
	f->family = AF_INET;
}

/* The IP header; returns its length. */
static size_t put_ip(uint8_t *p, const struct ebc_synth_flow *f, bool out, size_t l4len)
{
	const uint8_t *src = out ? f->laddr : f->raddr, *dst = out ? f->raddr : f->laddr;

	if (f->family == AF_INET) {
		memset(p, 0, 20);
		p[0] = 0x45;
		put16(p + 2, l4len + 20 > 0xffff ? 0xffff : l4len + 20);
		put16(p + 6, 0x4000);	/* DF */
		p[8] = 64;
		p[9] = f->proto;
		memcpy(p + 12, src, 4);
		memcpy(p + 16, dst, 4);
		put16(p + 10, ebc_synth__csum(p, 20, 0));
		return 20;
	}
	memset(p, 0, 40);
	p[0] = 0x60;
	put16(p + 4, l4len > 0xffff ? 0xffff : l4len);
	p[6] = f->proto;
	p[7] = 64;
	memcpy(p + 8, src, 16);
	memcpy(p + 24, dst, 16);
	return 40;
}

/* The pseudo-header's sum (RFC 793, RFC 8200 8.1). */
static uint32_t pseudo_sum(const struct ebc_synth_flow *f, size_t l4len)
{
	size_t alen = f->family == AF_INET ? 4 : 16;
	uint32_t sum = csum_add(f->laddr, alen, 0);

	sum = csum_add(f->raddr, alen, sum);
	sum += f->proto;
	sum += (uint32_t)(l4len >> 16) + (uint32_t)(l4len & 0xffff);
	return sum;
}

size_t ebc_synth__frame(uint8_t *buf, const struct ebc_synth_flow *f, bool out, uint8_t flags,
			uint32_t seq, uint32_t ack, const void *payload, size_t caplen, size_t len)
{
	bool tcp = f->proto == IPPROTO_TCP;
	size_t l4hdr = tcp ? 20 : 8, iphdr, hdr;
	uint8_t *l4;
	uint16_t sum;

	if (caplen > len)
		caplen = len;
	memcpy(buf, out ? mac_remote : mac_local, 6);
	memcpy(buf + 6, out ? mac_local : mac_remote, 6);
	put16(buf + 12, f->family == AF_INET ? 0x0800 : 0x86dd);
	iphdr = put_ip(buf + 14, f, out, l4hdr + len);
	l4 = buf + 14 + iphdr;
	hdr = 14 + iphdr + l4hdr;
	memset(l4, 0, l4hdr);
	put16(l4, out ? f->lport : f->rport);
	put16(l4 + 2, out ? f->rport : f->lport);
	if (tcp) {
		put32(l4 + 4, seq);
		put32(l4 + 8, flags & EBC_TCP_ACK ? ack : 0);
		l4[12] = 5 << 4;
		l4[13] = flags;
		put16(l4 + 14, 65535);
	} else {
		put16(l4 + 4, l4hdr + len > 0xffff ? 0 : l4hdr + len);
	}
	if (caplen)
		memcpy(buf + hdr, payload, caplen);
	sum = ebc_synth__csum(l4, l4hdr + caplen, pseudo_sum(f, l4hdr + len));
	if (!tcp && !sum)
		sum = 0xffff;	/* 0 would mean "no checksum" */
	put16(l4 + (tcp ? 16 : 6), sum);
	return hdr;
}

static uint32_t isn(const struct ebc_synth_flow *f, bool out);

static guint flow_hash(gconstpointer f)
{
	return isn(f, true);
}

static gboolean flow_equal(gconstpointer a, gconstpointer b)
{
	return !memcmp(a, b, sizeof(struct ebc_synth_flow));
}

struct ebc_synth *ebc_synth__new(ebc_synth_emit_fn emit, void *ctx)
{
	struct ebc_synth *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->conns = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL, free);
	s->flows = g_hash_table_new(flow_hash, flow_equal);
	s->emit = emit;
	s->ctx = ctx;
	return s;
}

void ebc_synth__free(struct ebc_synth *s)
{
	if (!s)
		return;
	g_hash_table_destroy(s->flows);
	g_hash_table_destroy(s->conns);
	free(s);
}

size_t ebc_synth__count(const struct ebc_synth *s)
{
	return g_hash_table_size(s->conns);
}

/* One TCP segment of conn each way; advances that direction's sequence number. */
static int segment(struct ebc_synth *s, struct conn *c, bool out, uint8_t flags,
		   const void *payload, size_t caplen, size_t len)
{
	uint8_t buf[EBC_SYNTH_HDR_MAX + EBC_SYNTH_SEG_MAX];
	uint32_t *seq = out ? &c->seq_out : &c->seq_in, ack = out ? c->seq_in : c->seq_out;
	size_t hdr = ebc_synth__frame(buf, &c->f, out, flags, *seq, ack, payload, caplen, len);

	*seq += len + !!(flags & (EBC_TCP_SYN | EBC_TCP_FIN));
	return s->emit(s->ctx, buf, hdr + caplen, hdr + len, out);
}

/* FNV-1a over one direction's addresses and ports. */
static uint32_t isn(const struct ebc_synth_flow *f, bool out)
{
	size_t alen = f->family == AF_INET ? 4 : 16;
	const uint8_t *src = out ? f->laddr : f->raddr, *dst = out ? f->raddr : f->laddr;
	uint16_t ports[2] = { out ? f->lport : f->rport, out ? f->rport : f->lport };
	const uint8_t *pp = (const uint8_t *)ports;
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < alen; i++)
		h = (h ^ src[i]) * 16777619u;
	for (size_t i = 0; i < alen; i++)
		h = (h ^ dst[i]) * 16777619u;
	for (size_t i = 0; i < sizeof(ports); i++)
		h = (h ^ pp[i]) * 16777619u;
	return h;
}

/*
 * Initial sequence numbers from each direction's addresses and ports: when
 * both ends of a connection are traced (client and server on this host), the
 * two views then number the same bytes alike, and Wireshark sees one stream
 * with its segments twice (as retransmissions), not two that conflict.
 */
static void flow_forget(struct ebc_synth *s, struct conn *c)
{
	if (g_hash_table_lookup(s->flows, &c->f) == c)
		g_hash_table_remove(s->flows, &c->f);
}

static void conn_reset(struct ebc_synth *s, struct conn *c, uint64_t key,
		       const struct ebc_synth_flow *f)
{
	flow_forget(s, c);
	c->key = key;
	c->f = *f;
	g_hash_table_replace(s->flows, &c->f, c);
	c->seq_out = isn(f, true);
	c->seq_in = isn(f, false);
	c->fin_in = false;
	c->peer_traced = false;
}

static struct conn *conn_get(struct ebc_synth *s, uint64_t key)
{
	return g_hash_table_lookup(s->conns, &key);
}

static int handshake(struct ebc_synth *s, struct conn *c, bool active)
{
	int err;

	/* SYN from the side that connects, SYN-ACK back, then its ACK. */
	err = segment(s, c, active, EBC_TCP_SYN, NULL, 0, 0);
	if (!err)
		err = segment(s, c, !active, EBC_TCP_SYN | EBC_TCP_ACK, NULL, 0, 0);
	if (!err)
		err = segment(s, c, active, EBC_TCP_ACK, NULL, 0, 0);
	return err ? err : 3;
}

/* The connection for key with flow f, created (with a handshake) when new or changed. */
static int conn_open(struct ebc_synth *s, uint64_t key, const struct ebc_synth_flow *f,
		     bool active, bool always, struct conn **out)
{
	struct conn *c = conn_get(s, key);

	if (c && !always && !memcmp(&c->f, f, sizeof(*f))) {
		*out = c;
		return 0;
	}
	if (!c) {
		c = calloc(1, sizeof(*c));
		if (!c)
			return -ENOMEM;
		c->key = key;
		g_hash_table_insert(s->conns, &c->key, c);
	}
	conn_reset(s, c, key, f);
	*out = c;
	return handshake(s, c, active);
}

/* The connection of the other end of flow f, when that end is traced too; or NULL. */
static struct conn *other_end(struct ebc_synth *s, const struct ebc_synth_flow *f)
{
	struct ebc_synth_flow m = *f;

	memcpy(m.laddr, f->raddr, sizeof(m.laddr));
	memcpy(m.raddr, f->laddr, sizeof(m.raddr));
	m.lport = f->rport;
	m.rport = f->lport;
	return g_hash_table_lookup(s->flows, &m);
}

static struct ebc_synth_flow unmapped(const struct ebc_synth_flow *f)
{
	struct ebc_synth_flow u = *f;

	ebc_synth__unmap(&u);
	return u;
}

int ebc_synth__open(struct ebc_synth *s, uint64_t key, const struct ebc_synth_flow *f,
		    bool active)
{
	struct ebc_synth_flow u = unmapped(f);
	struct conn *c;

	if (u.proto != IPPROTO_TCP)
		return 0;
	return conn_open(s, key, &u, active, true, &c);
}

static int udp_data(struct ebc_synth *s, const struct ebc_synth_flow *f, bool out,
		    const void *payload, size_t caplen, size_t len)
{
	uint8_t buf[EBC_SYNTH_HDR_MAX + EBC_SYNTH_UDP_MAX];
	size_t hdr;
	int err;

	if (len > EBC_SYNTH_UDP_MAX)
		len = EBC_SYNTH_UDP_MAX;
	if (caplen > len)
		caplen = len;
	hdr = ebc_synth__frame(buf, f, out, 0, 0, 0, payload, caplen, len);
	err = s->emit(s->ctx, buf, hdr + caplen, hdr + len, out);
	return err ? err : 1;
}

int ebc_synth__data(struct ebc_synth *s, uint64_t key, const struct ebc_synth_flow *f, bool out,
		    const void *payload, size_t caplen, size_t len)
{
	struct ebc_synth_flow u = unmapped(f);
	const uint8_t *p = payload;
	struct conn *c;
	size_t off = 0;
	int n, err;

	if (u.proto != IPPROTO_TCP)
		return udp_data(s, &u, out, payload, caplen, len);
	n = conn_open(s, key, &u, u.lport > u.rport, false, &c);
	if (n < 0)
		return n;
	/*
	 * Both ends traced (client and server on this host): the sender's write
	 * already showed these bytes, with its own segment boundaries. A second
	 * copy cut differently would overlap them, which Wireshark's reassembly
	 * reports as an error; the read only moves the sequence on.
	 */
	if (!out && !c->peer_traced)
		c->peer_traced = other_end(s, &u) != NULL;
	if (!out && c->peer_traced) {
		c->seq_in += len;
		return n;
	}
	if (caplen > len)
		caplen = len;
	do {
		size_t seg = len - off > EBC_SYNTH_SEG_MAX ? EBC_SYNTH_SEG_MAX : len - off;
		size_t have = off >= caplen ? 0 : caplen - off < seg ? caplen - off : seg;
		bool last = off + seg == len;

		err = segment(s, c, out, EBC_TCP_ACK | (last ? EBC_TCP_PSH : 0), p + off, have,
			      seg);
		if (err)
			return err;
		n++;
		off += seg;
	} while (off < len);
	return n;
}

int ebc_synth__eof(struct ebc_synth *s, uint64_t key, const struct ebc_synth_flow *f)
{
	struct ebc_synth_flow u = unmapped(f);
	struct conn *c;
	int n, err;

	if (u.proto != IPPROTO_TCP)
		return 0;
	n = conn_open(s, key, &u, u.lport > u.rport, false, &c);
	if (n < 0 || c->fin_in)
		return n;
	err = segment(s, c, false, EBC_TCP_FIN | EBC_TCP_ACK, NULL, 0, 0);
	c->fin_in = true;
	return err ? err : n + 1;
}

int ebc_synth__close(struct ebc_synth *s, uint64_t key, const struct ebc_synth_flow *f)
{
	struct ebc_synth_flow u = unmapped(f);
	struct conn *c = conn_get(s, key), *peer;
	int n, err;

	/* Closing a connection never seen carrying anything: nothing to show. */
	if (u.proto != IPPROTO_TCP || !c)
		return 0;
	n = 1 + c->fin_in;
	err = segment(s, c, true, EBC_TCP_FIN | EBC_TCP_ACK, NULL, 0, 0);
	/* The peer acknowledges the FIN when it has sent its own. */
	if (!err && c->fin_in)
		err = segment(s, c, false, EBC_TCP_ACK, NULL, 0, 0);
	/* What the other end reads after this close was shown by our writes. */
	peer = other_end(s, &c->f);
	if (peer)
		peer->peer_traced = true;
	flow_forget(s, c);
	g_hash_table_remove(s->conns, &key);
	return err ? err : n;
}

struct ebc_synth_filter {
	pcap_t *dead;
	struct bpf_program prog;
};

struct ebc_synth_filter *ebc_synth__filter_new(const char *expr, unsigned int snaplen,
					       char *errbuf, size_t len)
{
	struct ebc_synth_filter *flt = calloc(1, sizeof(*flt));

	if (flt)
		flt->dead = pcap_open_dead(DLT_EN10MB, snaplen);
	if (!flt || !flt->dead) {
		ebc_errbuf(errbuf, len, "cannot compile the capture filter: %s",
			   ebc_strerror(-ENOMEM));
		free(flt);
		return NULL;
	}
	if (pcap_compile(flt->dead, &flt->prog, expr, 1, PCAP_NETMASK_UNKNOWN)) {
		ebc_errbuf(errbuf, len, "invalid capture filter \"%s\": %s", expr,
			   pcap_geterr(flt->dead));
		pcap_close(flt->dead);
		free(flt);
		return NULL;
	}
	return flt;
}

bool ebc_synth__filter_match(const struct ebc_synth_filter *flt, const uint8_t *frame,
			     size_t caplen, size_t len)
{
	struct pcap_pkthdr ph = { .caplen = caplen, .len = len };

	return pcap_offline_filter(&flt->prog, &ph, frame) != 0;
}

void ebc_synth__filter_free(struct ebc_synth_filter *flt)
{
	if (!flt)
		return;
	pcap_freecode(&flt->prog);
	pcap_close(flt->dead);
	free(flt);
}
