// SPDX-License-Identifier: GPL-2.0-only
/*
 * Synthesised frames (src/synth.c): checksums recomputed here, sequence and
 * acknowledgement numbers across writes and reads, handshakes and FINs,
 * splitting of large payloads, IPv4-mapped addresses, the user-space filter.
 */
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include "synth.h"
#include "tap.h"

#define MAX_FRAMES 16
#define KEEP 256	/* bytes of each frame kept for inspection */

struct frame {
	uint8_t data[KEEP];
	size_t caplen, len;
	bool out;
};

struct sink {
	struct frame f[MAX_FRAMES];
	size_t n;
	int fail_at;	/* emit fails (-EPIPE) on this frame number (1-based); 0 never */
};

static int collect(void *ctx, const uint8_t *frame, size_t caplen, size_t len, bool out)
{
	struct sink *s = ctx;
	struct frame *f;

	if (s->fail_at && (int)s->n + 1 == s->fail_at)
		return -32;
	if (s->n >= MAX_FRAMES)
		return -28;
	f = &s->f[s->n++];
	memcpy(f->data, frame, caplen < KEEP ? caplen : KEEP);
	f->caplen = caplen;
	f->len = len;
	f->out = out;
	return 0;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

/* The frame's layers. */
struct parsed {
	bool v6;
	const uint8_t *ip, *l4;
	int proto;
	size_t l4len;		/* from the IP header */
};

static struct parsed parse(const uint8_t *fr)
{
	struct parsed p = { .v6 = get16(fr + 12) == 0x86dd, .ip = fr + 14 };

	if (p.v6) {
		p.l4 = p.ip + 40;
		p.proto = p.ip[6];
		p.l4len = get16(p.ip + 4);
	} else {
		p.l4 = p.ip + (p.ip[0] & 15) * 4;
		p.proto = p.ip[9];
		p.l4len = get16(p.ip + 2) - (p.ip[0] & 15) * 4;
	}
	return p;
}

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t sum)
{
	for (; n > 1; p += 2, n -= 2)
		sum += get16(p);
	if (n)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Recompute: the IPv4 header and the L4 checksum (with its pseudo-header) both verify to 0. */
static bool checksums_ok(const uint8_t *fr)
{
	struct parsed p = parse(fr);
	uint32_t sum;

	if (!p.v6 && fold(sum16(p.ip, 20, 0)))
		return false;
	sum = p.v6 ? sum16(p.ip + 8, 32, 0) : sum16(p.ip + 12, 8, 0);
	sum += p.proto + (uint32_t)p.l4len;
	return fold(sum16(p.l4, p.l4len, sum)) == 0;
}

static uint32_t seq(const struct frame *f) { return get32(parse(f->data).l4 + 4); }
static uint32_t ack(const struct frame *f) { return get32(parse(f->data).l4 + 8); }
static uint8_t flags(const struct frame *f) { return parse(f->data).l4[13]; }
static uint16_t sport(const struct frame *f) { return get16(parse(f->data).l4); }

static struct ebc_synth_flow flow4(int proto)
{
	struct ebc_synth_flow f = { .family = AF_INET, .proto = proto, .lport = 40000,
				    .rport = 80 };

	inet_pton(AF_INET, "198.18.0.1", f.laddr);
	inet_pton(AF_INET, "198.18.0.2", f.raddr);
	return f;
}

static struct ebc_synth_flow flow6(int proto)
{
	struct ebc_synth_flow f = { .family = AF_INET6, .proto = proto, .lport = 8080,
				    .rport = 51000 };

	inet_pton(AF_INET6, "2001:2::2", f.laddr);
	inet_pton(AF_INET6, "2001:2::1", f.raddr);
	return f;
}

/* Table: one frame per family and protocol, both directions, odd and even payloads. */
static void test_checksums(void)
{
	static const struct {
		const char *name;
		bool v6;
		int proto;
		bool out;
		size_t len;
	} rows[] = {
		{ "tcp4 out", false, IPPROTO_TCP, true, 13 },
		{ "tcp4 in", false, IPPROTO_TCP, false, 64 },
		{ "tcp6 out", true, IPPROTO_TCP, true, 1 },
		{ "tcp6 in", true, IPPROTO_TCP, false, 0 },
		{ "udp4 out", false, IPPROTO_UDP, true, 7 },
		{ "udp4 in", false, IPPROTO_UDP, false, 100 },
		{ "udp6 out", true, IPPROTO_UDP, true, 31 },
		{ "udp6 in", true, IPPROTO_UDP, false, 2 },
	};
	uint8_t buf[EBC_SYNTH_HDR_MAX + 128], payload[128];

	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 37 + 11);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct ebc_synth_flow f = rows[i].v6 ? flow6(rows[i].proto) : flow4(rows[i].proto);
		size_t hdr = ebc_synth__frame(buf, &f, rows[i].out, EBC_TCP_ACK | EBC_TCP_PSH,
					      1000, 2000, payload, rows[i].len, rows[i].len);
		size_t want = 14 + (rows[i].v6 ? 40 : 20) + (rows[i].proto == IPPROTO_TCP ? 20 : 8);
		struct parsed p = parse(buf);
		uint16_t sp = get16(p.l4), dp = get16(p.l4 + 2);

		tap_ok(hdr == want, "%s: header is %zu bytes", rows[i].name, want);
		tap_ok(checksums_ok(buf), "%s: checksums verify", rows[i].name);
		tap_ok(p.proto == rows[i].proto && p.l4len == hdr - 14 - (p.ip - buf - 14) -
		       (rows[i].v6 ? 40 : 20) + rows[i].len, "%s: lengths", rows[i].name);
		tap_ok(rows[i].out ? sp == f.lport && dp == f.rport : sp == f.rport && dp == f.lport,
		       "%s: ports by direction", rows[i].name);
		tap_ok(buf[5] == (rows[i].out ? 2 : 1) && buf[11] == (rows[i].out ? 1 : 2),
		       "%s: MAC addresses by direction", rows[i].name);
		tap_ok(!memcmp(buf + hdr, payload, rows[i].len), "%s: payload", rows[i].name);
	}
}

static void test_handshake_and_data(void)
{
	struct sink k = { 0 };
	struct ebc_synth *s = ebc_synth__new(collect, &k);
	struct ebc_synth_flow f = flow4(IPPROTO_TCP);
	uint32_t c, r;
	int n;

	n = ebc_synth__open(s, 1, &f, true);
	tap_ok(n == 3 && k.n == 3, "connect: three frames");
	tap_ok(flags(&k.f[0]) == EBC_TCP_SYN && k.f[0].out, "connect: SYN goes out");
	tap_ok(flags(&k.f[1]) == (EBC_TCP_SYN | EBC_TCP_ACK) && !k.f[1].out &&
	       ack(&k.f[1]) == seq(&k.f[0]) + 1, "connect: SYN-ACK comes back acknowledging it");
	tap_ok(flags(&k.f[2]) == EBC_TCP_ACK && k.f[2].out && seq(&k.f[2]) == seq(&k.f[0]) + 1 &&
	       ack(&k.f[2]) == seq(&k.f[1]) + 1, "connect: ACK completes it");
	c = seq(&k.f[2]);
	r = ack(&k.f[2]);
	k.n = 0;
	n = ebc_synth__data(s, 1, &f, true, "GET / HTTP/1.0\r\n\r\n", 18, 18);
	n += ebc_synth__data(s, 1, &f, false, "HTTP/1.0 200 OK\r\n", 17, 17);
	n += ebc_synth__data(s, 1, &f, false, "\r\nhello", 7, 7);
	n += ebc_synth__data(s, 1, &f, true, "x", 1, 1);
	tap_ok(n == 4 && k.n == 4, "data: one frame per read or write");
	tap_ok(seq(&k.f[0]) == c && ack(&k.f[0]) == r && k.f[0].out, "write 1: seq/ack");
	tap_ok(seq(&k.f[1]) == r && ack(&k.f[1]) == c + 18 && !k.f[1].out, "read 1: seq/ack");
	tap_ok(seq(&k.f[2]) == r + 17 && ack(&k.f[2]) == c + 18, "read 2: seq/ack");
	tap_ok(seq(&k.f[3]) == c + 18 && ack(&k.f[3]) == r + 24, "write 2: seq/ack");
	tap_ok(flags(&k.f[3]) == (EBC_TCP_ACK | EBC_TCP_PSH) && checksums_ok(k.f[3].data),
	       "data: PSH|ACK, checksums verify");
	k.n = 0;
	n = ebc_synth__eof(s, 1, &f);
	tap_ok(n == 1 && flags(&k.f[0]) == (EBC_TCP_FIN | EBC_TCP_ACK) && !k.f[0].out &&
	       seq(&k.f[0]) == r + 24, "end of stream: the peer's FIN");
	tap_ok(ebc_synth__eof(s, 1, &f) == 0 && k.n == 1, "end of stream: its FIN once");
	n = ebc_synth__close(s, 1, &f);
	tap_ok(n == 2 && flags(&k.f[1]) == (EBC_TCP_FIN | EBC_TCP_ACK) && k.f[1].out &&
	       seq(&k.f[1]) == c + 19 && ack(&k.f[1]) == r + 25, "close: our FIN after its FIN");
	tap_ok(flags(&k.f[2]) == EBC_TCP_ACK && !k.f[2].out && ack(&k.f[2]) == c + 20,
	       "close: the peer acknowledges our FIN");
	tap_ok(ebc_synth__count(s) == 0, "close: the connection is forgotten");
	tap_ok(ebc_synth__close(s, 1, &f) == 0, "close: of an unknown connection emits nothing");
	ebc_synth__free(s);
}

static void test_accept_and_implicit(void)
{
	struct sink k = { 0 };
	struct ebc_synth *s = ebc_synth__new(collect, &k);
	struct ebc_synth_flow f = flow6(IPPROTO_TCP), g = flow4(IPPROTO_TCP);
	int n;

	n = ebc_synth__open(s, 7, &f, false);
	tap_ok(n == 3 && !k.f[0].out && k.f[1].out && !k.f[2].out,
	       "accept: SYN comes in, SYN-ACK goes out");
	tap_ok(checksums_ok(k.f[0].data) && parse(k.f[0].data).v6, "accept: IPv6 frames verify");
	k.n = 0;
	/* lport 40000 > rport 80: taken as the side that connected */
	n = ebc_synth__data(s, 9, &g, true, "abc", 3, 3);
	tap_ok(n == 4 && k.n == 4, "data on an unseen connection: handshake, then data");
	tap_ok(flags(&k.f[0]) == EBC_TCP_SYN && k.f[0].out && seq(&k.f[3]) == seq(&k.f[0]) + 1,
	       "unseen connection: the higher port connected");
	k.n = 0;
	g.rport = 81;
	n = ebc_synth__data(s, 9, &g, true, "abc", 3, 3);
	tap_ok(n == 4, "a key with other addresses: a new connection");
	tap_ok(ebc_synth__count(s) == 2, "two connections tracked");
	ebc_synth__free(s);
}

static void test_split(void)
{
	struct sink k = { 0 };
	struct ebc_synth *s = ebc_synth__new(collect, &k);
	struct ebc_synth_flow f = flow4(IPPROTO_TCP);
	size_t len = 2 * EBC_SYNTH_SEG_MAX + 20000, caplen = EBC_SYNTH_SEG_MAX + 5000;
	uint8_t *p = malloc(len);
	uint32_t c;
	int n;

	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)i;
	ebc_synth__open(s, 3, &f, true);
	c = seq(&k.f[2]);
	k.n = 0;
	n = ebc_synth__data(s, 3, &f, true, p, caplen, len);
	tap_ok(n == 3 && k.n == 3, "a %zu-byte write: three segments", len);
	tap_ok(k.f[0].len == 54 + EBC_SYNTH_SEG_MAX && k.f[1].len == 54 + EBC_SYNTH_SEG_MAX &&
	       k.f[2].len == 54 + 20000, "segments: %d, %d, 20000 bytes", EBC_SYNTH_SEG_MAX,
	       EBC_SYNTH_SEG_MAX);
	tap_ok(seq(&k.f[0]) == c && seq(&k.f[1]) == c + EBC_SYNTH_SEG_MAX &&
	       seq(&k.f[2]) == c + 2 * EBC_SYNTH_SEG_MAX, "segments: sequence numbers advance");
	tap_ok(flags(&k.f[0]) == EBC_TCP_ACK && flags(&k.f[2]) == (EBC_TCP_ACK | EBC_TCP_PSH),
	       "segments: PSH on the last only");
	tap_ok(k.f[0].caplen == k.f[0].len && k.f[1].caplen == 54 + 5000 && k.f[2].caplen == 54,
	       "segments: captured bytes follow the snap length");
	k.n = 0;
	n = ebc_synth__data(s, 3, &f, true, "z", 1, 1);
	tap_ok(n == 1 && seq(&k.f[0]) == c + len, "after the split: seq advanced by %zu", len);
	free(p);
	ebc_synth__free(s);
}

static void test_udp_unmap_views(void)
{
	struct sink k = { 0 };
	struct ebc_synth *s = ebc_synth__new(collect, &k);
	struct ebc_synth_flow u = flow6(IPPROTO_UDP), m = { .family = AF_INET6,
		.proto = IPPROTO_TCP, .lport = 40000, .rport = 80 }, client, server;
	int n;

	n = ebc_synth__data(s, 5, &u, false, "dns?", 4, 4);
	tap_ok(n == 1 && ebc_synth__count(s) == 0 && parse(k.f[0].data).proto == IPPROTO_UDP &&
	       sport(&k.f[0]) == u.rport && checksums_ok(k.f[0].data),
	       "UDP: one datagram, no connection state");
	tap_ok(ebc_synth__open(s, 5, &u, true) == 0, "UDP connect: no frames");
	inet_pton(AF_INET6, "::ffff:198.18.0.1", m.laddr);
	inet_pton(AF_INET6, "::ffff:198.18.0.2", m.raddr);
	k.n = 0;
	ebc_synth__data(s, 6, &m, true, "hi", 2, 2);
	tap_ok(!parse(k.f[3].data).v6 && !memcmp(parse(k.f[3].data).ip + 12, "\xc6\x12\x00\x01", 4)
	       && checksums_ok(k.f[3].data), "IPv4-mapped IPv6 addresses: IPv4 frames");
	/* The same connection seen by its client and its server: the same numbers. */
	client = flow4(IPPROTO_TCP);
	server = client;
	memcpy(server.laddr, client.raddr, 16);
	memcpy(server.raddr, client.laddr, 16);
	server.lport = client.rport;
	server.rport = client.lport;
	k.n = 0;
	ebc_synth__open(s, 10, &client, true);
	ebc_synth__data(s, 10, &client, true, "req", 3, 3);
	ebc_synth__open(s, 11, &server, false);
	tap_ok(k.n == 7 && !memcmp(k.f[1].data + 14, k.f[5].data + 14, 40),
	       "client and server views of a connection: identical handshake packets");
	/* Both ends traced: the client's write showed the bytes the server reads. */
	tap_ok(ebc_synth__data(s, 11, &server, false, "req", 3, 3) == 0 && k.n == 7,
	       "both ends traced: a read emits nothing");
	ebc_synth__data(s, 11, &server, true, "200", 3, 3);
	tap_ok(k.n == 8 && k.f[7].out && seq(&k.f[7]) == ack(&k.f[3]) &&
	       ack(&k.f[7]) == seq(&k.f[3]) + 3, "both ends traced: the read still moves the sequence on");
	ebc_synth__data(s, 10, &client, false, "20", 2, 2);
	tap_ok(k.n == 8, "both ends traced: the client's read emits nothing either");
	ebc_synth__close(s, 11, &server);
	ebc_synth__data(s, 10, &client, false, "0", 1, 1);
	tap_ok(k.n == 9, "the other end closed (its FIN): its writes still stand for the reads");
	ebc_synth__free(s);
}

static void test_emit_error(void)
{
	struct sink k = { .fail_at = 2 };
	struct ebc_synth *s = ebc_synth__new(collect, &k);
	struct ebc_synth_flow f = flow4(IPPROTO_TCP);

	tap_ok(ebc_synth__open(s, 1, &f, true) == -32, "an emit error stops and is returned");
	ebc_synth__free(s);
}

static void test_filter(void)
{
	static const struct {
		const char *expr;
		bool v6, udp, match;
	} rows[] = {
		{ "tcp port 80", false, false, true },
		{ "tcp port 81", false, false, false },
		{ "udp", false, false, false },
		{ "ip6 and udp port 8080", true, true, true },
		{ "host 198.18.0.2 and tcp[tcpflags] & tcp-push != 0", false, false, true },
	};
	uint8_t buf[EBC_SYNTH_HDR_MAX + 8];
	char err[256];

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int proto = rows[i].udp ? IPPROTO_UDP : IPPROTO_TCP;
		struct ebc_synth_flow f = rows[i].v6 ? flow6(proto) : flow4(proto);
		size_t hdr = ebc_synth__frame(buf, &f, true, EBC_TCP_ACK | EBC_TCP_PSH, 1, 1,
					      "abcd", 4, 4);
		struct ebc_synth_filter *flt = ebc_synth__filter_new(rows[i].expr, 262144, err,
								     sizeof(err));

		tap_ok(flt && ebc_synth__filter_match(flt, buf, hdr + 4, hdr + 4) == rows[i].match,
		       "filter \"%s\": %s", rows[i].expr, rows[i].match ? "matches" : "does not");
		ebc_synth__filter_free(flt);
	}
	tap_ok(!ebc_synth__filter_new("tcp port", 262144, err, sizeof(err)) &&
	       !strncmp(err, "invalid capture filter \"tcp port\": ", 35),
	       "an invalid filter is refused: %s", err);
}

int main(void)
{
	test_checksums();
	test_handshake_and_data();
	test_accept_and_implicit();
	test_split();
	test_udp_unmap_views();
	test_emit_error();
	test_filter();
	return tap_done();
}
