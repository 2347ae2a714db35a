// SPDX-License-Identifier: GPL-2.0-only
/*
 * The cbpf2c test corpus, shared by the unit test (interpreter), the kernel
 * test (BPF_PROG_TEST_RUN) and the fuzzer: generated packets, filter
 * expressions, hand-written classic programs.
 */
#include <endian.h>
#include <stdio.h>
#include <string.h>
#include <linux/filter.h>

#include "corpus.h"

/* ---- corpus: packets ----------------------------------------------------- */

struct pb {
	uint8_t *p;
	uint32_t n;
};

static void put(struct pb *b, const void *d, uint32_t n)
{
	memcpy(b->p + b->n, d, n);
	b->n += n;
}

static void put8(struct pb *b, uint8_t v) { put(b, &v, 1); }
static void put16(struct pb *b, uint16_t v) { v = htobe16(v); put(b, &v, 2); }
static void put32(struct pb *b, uint32_t v) { v = htobe32(v); put(b, &v, 4); }

static void fill(struct pb *b, uint32_t n, uint8_t seed)
{
	while (n--)
		put8(b, seed++);
}

static const uint8_t mac_a[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
static const uint8_t mac_b[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };
static const uint8_t mac_bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t mac_mcast[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb };

static void eth(struct pb *b, const uint8_t *dst, const uint8_t *src, uint16_t type)
{
	put(b, dst, 6);
	put(b, src, 6);
	put16(b, type);
}

static void vlan(struct pb *b, uint16_t vid, uint16_t type)
{
	put16(b, vid);
	put16(b, type);
}

#define IP(a, b, c, d) (((uint32_t)(a) << 24) | ((b) << 16) | ((c) << 8) | (d))
#define IP_MF 0x2000

/* plen: bytes after the IPv4 header (and its options). */
static void ipv4(struct pb *b, uint32_t src, uint32_t dst, uint8_t proto, uint32_t plen,
		 uint16_t frag, int optwords)
{
	put8(b, 0x45 + optwords);
	put8(b, 0);
	put16(b, (uint16_t)(20 + 4 * optwords + plen));
	put16(b, 0x1234);
	put16(b, frag);
	put8(b, 64);
	put8(b, proto);
	put16(b, 0);
	put32(b, src);
	put32(b, dst);
	while (optwords--)
		put32(b, 0x01010101);	/* NOPs */
}

static void ipv6(struct pb *b, uint32_t src_tail, uint32_t dst_tail, uint32_t prefix_src,
		 uint32_t prefix_dst, uint8_t nh, uint32_t plen)
{
	put32(b, 0x60000000);
	put16(b, (uint16_t)plen);
	put8(b, nh);
	put8(b, 64);
	put32(b, prefix_src); put32(b, 0); put32(b, 0); put32(b, src_tail);
	put32(b, prefix_dst); put32(b, 0); put32(b, 0); put32(b, dst_tail);
}

static void tcp(struct pb *b, uint16_t sport, uint16_t dport, uint8_t flags, int optwords)
{
	put16(b, sport);
	put16(b, dport);
	put32(b, 1000);
	put32(b, 2000);
	put8(b, (uint8_t)((5 + optwords) << 4));
	put8(b, flags);
	put16(b, 65535);
	put32(b, 0);
	while (optwords--)
		put32(b, 0x01010101);
}

static void udp(struct pb *b, uint16_t sport, uint16_t dport, uint32_t plen)
{
	put16(b, sport);
	put16(b, dport);
	put16(b, (uint16_t)(8 + plen));
	put16(b, 0);
}

static void arp(struct pb *b, uint16_t op, uint32_t spa, uint32_t tpa)
{
	put16(b, 1);
	put16(b, 0x0800);
	put8(b, 6);
	put8(b, 4);
	put16(b, op);
	put(b, mac_a, 6);
	put32(b, spa);
	put(b, mac_b, 6);
	put32(b, tpa);
}

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PSH 0x08
#define TH_ACK 0x10

static const char http_get[] = "GET / HTTP/1.1\r\nHost: example\r\n\r\n";

/* IPv4 TCP over Ethernet, optionally VLAN-tagged. */
static void v4_tcp(struct pb *b, uint16_t vid, uint32_t s, uint32_t d, uint16_t sp, uint16_t dp,
		   uint8_t flags, uint32_t payload)
{
	eth(b, mac_b, mac_a, vid ? 0x8100 : 0x0800);
	if (vid)
		vlan(b, vid, 0x0800);
	ipv4(b, s, d, 6, 20 + payload, 0, 0);
	tcp(b, sp, dp, flags, 0);
	fill(b, payload, 0x30);
}

static void v4_udp(struct pb *b, const uint8_t *dmac, uint32_t s, uint32_t d, uint16_t sp,
		   uint16_t dp, uint32_t payload)
{
	eth(b, dmac, mac_a, 0x0800);
	ipv4(b, s, d, 17, 8 + payload, 0, 0);
	udp(b, sp, dp, payload);
	fill(b, payload, 0x40);
}

static void v4_icmp(struct pb *b, uint32_t s, uint32_t d, uint8_t type, uint32_t payload)
{
	eth(b, mac_b, mac_a, 0x0800);
	ipv4(b, s, d, 1, 8 + payload, 0, 0);
	put8(b, type);
	put8(b, 0);
	put16(b, 0);
	put32(b, 0x00010001);
	fill(b, payload, 0x50);
}

static void build_v4(struct corpus_pkt *p, size_t *n)
{
	struct pb b;

#define NEXT(nm) (b = (struct pb){ p[*n].data, 0 }, p[*n].name = (nm), p[*n].l3 = 14)
#define DONE() (p[(*n)++].len = b.n)
	NEXT("v4 tcp syn 10.0.0.1:1234 > 10.0.0.2:80");
	v4_tcp(&b, 0, IP(10, 0, 0, 1), IP(10, 0, 0, 2), 1234, 80, TH_SYN, 0); DONE();
	NEXT("v4 tcp syn-ack 10.0.0.2:80 > 10.0.0.1:1234");
	v4_tcp(&b, 0, IP(10, 0, 0, 2), IP(10, 0, 0, 1), 80, 1234, TH_SYN | TH_ACK, 0); DONE();
	NEXT("v4 tcp ack 192.168.1.10:40000 > 10.0.0.2:443 +100");
	v4_tcp(&b, 0, IP(192, 168, 1, 10), IP(10, 0, 0, 2), 40000, 443, TH_ACK, 100); DONE();
	NEXT("v4 tcp http get 10.0.0.1:5555 > 10.0.0.2:80");
	v4_tcp(&b, 0, IP(10, 0, 0, 1), IP(10, 0, 0, 2), 5555, 80, TH_PSH | TH_ACK, 0);
	put(&b, http_get, sizeof(http_get) - 1);
	/* fix the IP total length for the payload */
	p[*n].data[16] = 0; p[*n].data[17] = (uint8_t)(40 + sizeof(http_get) - 1); DONE();
	NEXT("v4 tcp rst 172.16.0.1:22 > 10.0.0.5:1500");
	v4_tcp(&b, 0, IP(172, 16, 0, 1), IP(10, 0, 0, 5), 22, 1500, TH_RST, 0); DONE();
	NEXT("v4 tcp fin 200.1.2.3:8080 > 192.168.0.1:1999 +1400");
	v4_tcp(&b, 0, IP(200, 1, 2, 3), IP(192, 168, 0, 1), 8080, 1999, TH_FIN | TH_ACK, 1400); DONE();
	NEXT("v4 ip options tcp 10.0.0.1:8000 > 10.0.0.2:8080");
	eth(&b, mac_b, mac_a, 0x0800);
	ipv4(&b, IP(10, 0, 0, 1), IP(10, 0, 0, 2), 6, 32, 0, 1);
	tcp(&b, 8000, 8080, TH_SYN, 3); DONE();
	NEXT("v4 udp mdns 10.0.0.1:5353 > 224.0.0.251:5353");
	v4_udp(&b, mac_mcast, IP(10, 0, 0, 1), IP(224, 0, 0, 251), 5353, 5353, 30); DONE();
	NEXT("v4 udp dns 192.168.1.1:53 > 10.0.0.1:33333");
	v4_udp(&b, mac_b, IP(192, 168, 1, 1), IP(10, 0, 0, 1), 53, 33333, 60); DONE();
	NEXT("v4 udp 10.0.0.1:1500 > 10.0.0.2:1999");
	v4_udp(&b, mac_b, IP(10, 0, 0, 1), IP(10, 0, 0, 2), 1500, 1999, 4); DONE();
	NEXT("v4 udp broadcast 10.0.0.9:68 > 255.255.255.255:67");
	v4_udp(&b, mac_bcast, IP(10, 0, 0, 9), IP(255, 255, 255, 255), 68, 67, 20); DONE();
	NEXT("v4 icmp echo 10.0.0.1 > 8.8.8.8");
	v4_icmp(&b, IP(10, 0, 0, 1), IP(8, 8, 8, 8), 8, 16); DONE();
	NEXT("v4 icmp echo reply 8.8.8.8 > 10.0.0.1");
	v4_icmp(&b, IP(8, 8, 8, 8), IP(10, 0, 0, 1), 0, 16); DONE();
	NEXT("v4 icmp unreachable 10.0.0.254 > 10.0.0.1 +200");
	v4_icmp(&b, IP(10, 0, 0, 254), IP(10, 0, 0, 1), 3, 200); DONE();
	NEXT("v4 first fragment udp 10.0.0.1:1000 > 10.0.0.2:53");
	eth(&b, mac_b, mac_a, 0x0800);
	ipv4(&b, IP(10, 0, 0, 1), IP(10, 0, 0, 2), 17, 48, IP_MF, 0);
	udp(&b, 1000, 53, 40);
	fill(&b, 40, 0x60); DONE();
	NEXT("v4 later fragment udp 10.0.0.1 > 10.0.0.2");
	eth(&b, mac_b, mac_a, 0x0800);
	ipv4(&b, IP(10, 0, 0, 1), IP(10, 0, 0, 2), 17, 40, 185, 0);
	put16(&b, 80); put16(&b, 80);	/* looks like ports, is payload */
	fill(&b, 36, 0x70); DONE();
	NEXT("v4 gre 10.1.1.1 > 10.2.2.2");
	eth(&b, mac_b, mac_a, 0x0800);
	ipv4(&b, IP(10, 1, 1, 1), IP(10, 2, 2, 2), 47, 4, 0, 0);
	put32(&b, 0x00000800); DONE();
	NEXT("v4 header only, no transport");
	eth(&b, mac_b, mac_a, 0x0800);
	ipv4(&b, IP(10, 0, 0, 1), IP(10, 0, 0, 2), 6, 0, 0, 0); DONE();
	NEXT("v4 vlan 100 tcp 10.0.0.1:1234 > 10.0.0.2:80");
	v4_tcp(&b, 100, IP(10, 0, 0, 1), IP(10, 0, 0, 2), 1234, 80, TH_SYN, 10);
	p[*n].l3 = 0; DONE();
#undef NEXT
#undef DONE
}

static void build_other(struct corpus_pkt *p, size_t *n)
{
	struct pb b;

#define NEXT(nm) (b = (struct pb){ p[*n].data, 0 }, p[*n].name = (nm), p[*n].l3 = 14)
#define DONE() (p[(*n)++].len = b.n)
	NEXT("v6 tcp syn 2001:db8::1:1234 > 2001:db8::2:443");
	eth(&b, mac_b, mac_a, 0x86dd);
	ipv6(&b, 1, 2, 0x20010db8, 0x20010db8, 6, 20);
	tcp(&b, 1234, 443, TH_SYN, 0); DONE();
	NEXT("v6 udp fe80::1:53 > ff02::1:53");
	eth(&b, mac_mcast, mac_a, 0x86dd);
	ipv6(&b, 1, 1, 0xfe800000, 0xff020000, 17, 8 + 12);
	udp(&b, 53, 53, 12);
	fill(&b, 12, 0x11); DONE();
	NEXT("v6 icmp6 echo 2001:db8::1 > 2001:db8::2");
	eth(&b, mac_b, mac_a, 0x86dd);
	ipv6(&b, 1, 2, 0x20010db8, 0x20010db8, 58, 8);
	put8(&b, 128); put8(&b, 0); put16(&b, 0); put32(&b, 1); DONE();
	NEXT("v6 hop-by-hop then tcp :80");
	eth(&b, mac_b, mac_a, 0x86dd);
	ipv6(&b, 3, 4, 0x20010db8, 0x20010db8, 0, 8 + 20);
	put8(&b, 6); put8(&b, 0); put16(&b, 0x0104); put32(&b, 0);	/* HBH, PadN */
	tcp(&b, 3333, 80, TH_SYN, 0); DONE();
	NEXT("v6 fragment header then udp");
	eth(&b, mac_b, mac_a, 0x86dd);
	ipv6(&b, 5, 6, 0x20010db8, 0x20010db8, 44, 8 + 8);
	put8(&b, 17); put8(&b, 0); put16(&b, 0x0001); put32(&b, 0xabcd);
	udp(&b, 4000, 53, 0); DONE();
	NEXT("arp request 10.0.0.1 who-has 10.0.0.2");
	eth(&b, mac_bcast, mac_a, 0x0806);
	arp(&b, 1, IP(10, 0, 0, 1), IP(10, 0, 0, 2));
	p[*n].l3 = 0; DONE();
	NEXT("arp reply 10.0.0.2 is-at");
	eth(&b, mac_a, mac_b, 0x0806);
	arp(&b, 2, IP(10, 0, 0, 2), IP(10, 0, 0, 1));
	fill(&b, 18, 0); p[*n].l3 = 0; DONE();
	NEXT("vlan 200 v6 udp :53");
	eth(&b, mac_b, mac_a, 0x8100);
	vlan(&b, 200, 0x86dd);
	ipv6(&b, 1, 2, 0x20010db8, 0x20010db8, 17, 8);
	udp(&b, 5000, 53, 0); p[*n].l3 = 0; DONE();
	NEXT("qinq 100/200 v4 udp");
	eth(&b, mac_b, mac_a, 0x88a8);
	vlan(&b, 100, 0x8100);
	vlan(&b, 200, 0x0800);
	ipv4(&b, IP(10, 0, 0, 1), IP(10, 0, 0, 2), 17, 8, 0, 0);
	udp(&b, 1111, 2222, 0); p[*n].l3 = 0; DONE();
	NEXT("vlan 100 arp");
	eth(&b, mac_bcast, mac_a, 0x8100);
	vlan(&b, 100, 0x0806);
	arp(&b, 1, IP(10, 0, 0, 1), IP(10, 0, 0, 3)); p[*n].l3 = 0; DONE();
	NEXT("lldp");
	eth(&b, mac_mcast, mac_a, 0x88cc);
	fill(&b, 46, 0x20); p[*n].l3 = 0; DONE();
	NEXT("802.3 llc");
	eth(&b, mac_b, mac_a, 0x0026);
	put8(&b, 0x42); put8(&b, 0x42); put8(&b, 0x03);
	fill(&b, 35, 0); p[*n].l3 = 0; DONE();
#undef NEXT
#undef DONE
}

/* IPv6 extension headers: the next header, then 8 * (1 + len8) bytes in all. */
#define NH_HBH	0
#define NH_TCP	6
#define NH_UDP	17
#define NH_RT	43
#define NH_FRAG	44
#define NH_ESP	50
#define NH_AH	51
#define NH_ICMP6 58
#define NH_NONE	59
#define NH_DST	60
#define NH_SCTP	132

static void ext_opts(struct pb *b, uint8_t nh, uint8_t len8)
{
	put8(b, nh);
	put8(b, len8);
	put8(b, 1);			/* PadN over the rest */
	put8(b, (uint8_t)(8 * (1 + len8) - 4));
	fill(b, 8 * (1 + len8) - 4, 0);
}

static void ext_rt(struct pb *b, uint8_t nh)
{
	put8(b, nh);
	put8(b, 2);			/* one address */
	put8(b, 0);			/* type 0 */
	put8(b, 1);			/* segments left */
	put32(b, 0);
	put32(b, 0x20010db8); put32(b, 0); put32(b, 0); put32(b, 9);
}

static void ext_frag(struct pb *b, uint8_t nh, uint16_t off8, int more)
{
	put8(b, nh);
	put8(b, 0);
	put16(b, (uint16_t)(off8 << 3 | (more ? 1 : 0)));
	put32(b, 0x1234abcd);
}

/* AH: payload length in 4-byte units minus 2; 12 bytes of header, 12 of ICV. */
static void ext_ah(struct pb *b, uint8_t nh)
{
	put8(b, nh);
	put8(b, 4);
	put16(b, 0);
	put32(b, 0x100);		/* SPI */
	put32(b, 1);			/* sequence */
	fill(b, 12, 0xa0);
}

static void sctp(struct pb *b, uint16_t sport, uint16_t dport)
{
	put16(b, sport);
	put16(b, dport);
	put32(b, 0x01020304);		/* verification tag */
	put32(b, 0);			/* checksum */
	put8(b, 1);			/* INIT chunk */
	put8(b, 0);
	put16(b, 20);
	fill(b, 16, 0x33);
}

/* MPLS label stack entry: label, bottom of stack, TTL 64. */
static void mpls(struct pb *b, uint32_t label, int bos)
{
	put32(b, label << 12 | (bos ? 0x100 : 0) | 64);
}

static void pppoe_sess(struct pb *b, uint16_t sid, uint16_t ppp_proto, uint16_t plen)
{
	put8(b, 0x11);
	put8(b, 0);
	put16(b, sid);
	put16(b, (uint16_t)(plen + 2));
	put16(b, ppp_proto);
}

static const uint8_t mac_v6mc[6] = { 0x33, 0x33, 0xff, 0x00, 0x00, 0x02 };
static const uint8_t mac_stp[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x00 };

/* IPv6 over Ethernet with extension header chains, 0 to 12 headers long. */
static void build_v6_chains(struct corpus_pkt *p, size_t *n)
{
	struct pb b;
	int i;

#define NEXT(nm) (b = (struct pb){ p[*n].data, 0 }, p[*n].name = (nm), p[*n].l3 = 14)
#define DONE() (p[(*n)++].len = b.n)
#define V6(first, plen) (eth(&b, mac_b, mac_a, 0x86dd), \
			 ipv6(&b, 1, 2, 0x20010db8, 0x20010db8, (first), (plen)))
	NEXT("v6 hbh dst tcp :80");
	V6(NH_HBH, 8 + 16 + 20);
	ext_opts(&b, NH_DST, 0); ext_opts(&b, NH_TCP, 1);
	tcp(&b, 1234, 80, TH_SYN, 0); DONE();
	NEXT("v6 routing udp :53");
	V6(NH_RT, 24 + 8);
	ext_rt(&b, NH_UDP); udp(&b, 5000, 53, 0); DONE();
	NEXT("v6 hbh rt frag(first) dst udp :53");
	V6(NH_HBH, 8 + 24 + 8 + 8 + 8 + 4);
	ext_opts(&b, NH_RT, 0); ext_rt(&b, NH_FRAG); ext_frag(&b, NH_DST, 0, 1);
	ext_opts(&b, NH_UDP, 0); udp(&b, 5001, 53, 4); fill(&b, 4, 0); DONE();
	NEXT("v6 ah tcp :443");
	V6(NH_AH, 24 + 20);
	ext_ah(&b, NH_TCP); tcp(&b, 1111, 443, TH_ACK, 0); DONE();
	NEXT("v6 dst ah icmp6 echo");
	V6(NH_DST, 8 + 24 + 8);
	ext_opts(&b, NH_AH, 0); ext_ah(&b, NH_ICMP6);
	put8(&b, 128); put8(&b, 0); put16(&b, 0); put32(&b, 7); DONE();
	NEXT("v6 hbh dst rt dst frag ah tcp :80");
	V6(NH_HBH, 8 + 8 + 24 + 8 + 8 + 24 + 20);
	ext_opts(&b, NH_DST, 0); ext_opts(&b, NH_RT, 0); ext_rt(&b, NH_DST);
	ext_opts(&b, NH_FRAG, 0); ext_frag(&b, NH_AH, 0, 0); ext_ah(&b, NH_TCP);
	tcp(&b, 2222, 80, TH_SYN, 0); DONE();
	NEXT("v6 later fragment udp");
	V6(NH_FRAG, 8 + 16);
	ext_frag(&b, NH_UDP, 100, 0); put16(&b, 53); put16(&b, 53); fill(&b, 12, 0); DONE();
	NEXT("v6 dst no-next-header");
	V6(NH_DST, 8);
	ext_opts(&b, NH_NONE, 0); DONE();
	NEXT("v6 sctp :2905");
	V6(NH_SCTP, 32);
	sctp(&b, 2905, 2905); DONE();
	NEXT("v6 esp");
	V6(NH_ESP, 16);
	put32(&b, 0x200); put32(&b, 1); fill(&b, 8, 0); DONE();
	NEXT("v6 12 destination options then tcp :80");
	V6(NH_DST, 12 * 8 + 20);
	for (i = 0; i < 12; i++)
		ext_opts(&b, i < 11 ? NH_DST : NH_TCP, 0);
	tcp(&b, 3333, 80, TH_SYN, 0); DONE();
	NEXT("v6 icmp6 neighbour solicitation to ff02::1:ff00:2");
	eth(&b, mac_v6mc, mac_a, 0x86dd);
	ipv6(&b, 1, 0xff000002, 0xfe800000, 0xff020000, NH_ICMP6, 24);
	put8(&b, 135); put8(&b, 0); put16(&b, 0); put32(&b, 0);
	put32(&b, 0x20010db8); put32(&b, 0); put32(&b, 0); put32(&b, 2); DONE();
	NEXT("vlan 300 v6 hbh tcp :80");
	eth(&b, mac_b, mac_a, 0x8100);
	vlan(&b, 300, 0x86dd);
	ipv6(&b, 1, 2, 0x20010db8, 0x20010db8, NH_HBH, 8 + 20);
	ext_opts(&b, NH_TCP, 0); tcp(&b, 4444, 80, TH_SYN, 0); p[*n].l3 = 0; DONE();
#undef V6
#undef NEXT
#undef DONE
}

/* More IPv4 protocols and header shapes. */
static void build_v4_more(struct corpus_pkt *p, size_t *n)
{
	struct pb b;

#define NEXT(nm) (b = (struct pb){ p[*n].data, 0 }, p[*n].name = (nm), p[*n].l3 = 14)
#define DONE() (p[(*n)++].len = b.n)
	NEXT("v4 igmp v2 report 224.0.0.22, router alert option");
	eth(&b, mac_mcast, mac_a, 0x0800);
	ipv4(&b, IP(10, 0, 0, 1), IP(224, 0, 0, 22), 2, 8, 0, 1);
	b.p[b.n - 4] = 0x94; b.p[b.n - 3] = 0x04; b.p[b.n - 2] = 0; b.p[b.n - 1] = 0;
	put8(&b, 0x16); put8(&b, 0); put16(&b, 0); put32(&b, IP(239, 1, 1, 1)); DONE();
	NEXT("v4 igmp query 224.0.0.1");
	eth(&b, mac_mcast, mac_a, 0x0800);
	ipv4(&b, IP(10, 0, 0, 254), IP(224, 0, 0, 1), 2, 8, 0, 0);
	put8(&b, 0x11); put8(&b, 100); put16(&b, 0); put32(&b, 0); DONE();
	NEXT("v4 pim hello 224.0.0.13");
	eth(&b, mac_mcast, mac_a, 0x0800);
	ipv4(&b, IP(10, 0, 0, 1), IP(224, 0, 0, 13), 103, 12, 0, 0);
	put8(&b, 0x20); put8(&b, 0); put16(&b, 0); fill(&b, 8, 0); DONE();
	NEXT("v4 vrrp 224.0.0.18 ttl 255");
	eth(&b, mac_mcast, mac_a, 0x0800);
	ipv4(&b, IP(10, 0, 0, 2), IP(224, 0, 0, 18), 112, 12, 0, 0);
	b.p[b.n - 12] = 255;
	put8(&b, 0x21); put8(&b, 7); put8(&b, 100); put8(&b, 1); put32(&b, 0);
	put32(&b, IP(10, 0, 0, 100)); DONE();
	NEXT("v4 sctp 10.0.0.1:2905 > 10.0.0.2:2905");
	eth(&b, mac_b, mac_a, 0x0800);
	ipv4(&b, IP(10, 0, 0, 1), IP(10, 0, 0, 2), 132, 32, 0, 0);
	sctp(&b, 2905, 2905); DONE();
	NEXT("v4 esp");
	eth(&b, mac_b, mac_a, 0x0800);
	ipv4(&b, IP(10, 0, 0, 1), IP(10, 0, 0, 2), 50, 16, 0, 0);
	put32(&b, 0x200); put32(&b, 1); fill(&b, 8, 0); DONE();
	NEXT("v4 ah tcp");
	eth(&b, mac_b, mac_a, 0x0800);
	ipv4(&b, IP(10, 0, 0, 1), IP(10, 0, 0, 2), 51, 24 + 20, 0, 0);
	ext_ah(&b, 6); tcp(&b, 1234, 80, TH_ACK, 0); DONE();
	NEXT("v4 10 option words, tcp with options :8080");
	eth(&b, mac_b, mac_a, 0x0800);
	ipv4(&b, IP(10, 0, 0, 1), IP(10, 0, 0, 2), 6, 32, 0, 10);
	tcp(&b, 1234, 8080, TH_SYN, 3); DONE();
	NEXT("v4 tcp urg/ece/cwr 10.0.0.1:1023 > 10.0.0.1:1024");
	v4_tcp(&b, 0, IP(10, 0, 0, 1), IP(10, 0, 0, 1), 1023, 1024, 0xe0, 4); DONE();
	NEXT("v4 tcp no flags, tos 0xb8 df 172.16.5.5:7 > 10.0.0.2:9");
	v4_tcp(&b, 0, IP(172, 16, 5, 5), IP(10, 0, 0, 2), 7, 9, 0, 0);
	b.p[15] = 0xb8; b.p[20] = 0x40; DONE();
	NEXT("v4 udp ttl 1 to 10.2.2.2:50");
	v4_udp(&b, mac_b, IP(10, 0, 0, 3), IP(10, 2, 2, 2), 60000, 50, 8);
	b.p[22] = 1; DONE();
	NEXT("v4 tcp 128.1.1.1:443 > 255.255.255.255:65535");
	v4_tcp(&b, 0, IP(128, 1, 1, 1), IP(255, 255, 255, 255), 443, 65535, TH_ACK, 0); DONE();
#undef NEXT
#undef DONE
}

/* Link-layer stacks: RARP, MPLS, PPPoE, QinQ, 802.3 LLC/IPX/ISO, others. */
static void build_l2(struct corpus_pkt *p, size_t *n)
{
	struct pb b;

#define NEXT(nm) (b = (struct pb){ p[*n].data, 0 }, p[*n].name = (nm), p[*n].l3 = 0)
#define DONE() (p[(*n)++].len = b.n)
	NEXT("rarp request");
	eth(&b, mac_bcast, mac_a, 0x8035);
	arp(&b, 3, 0, 0); DONE();
	NEXT("rarp reply 10.0.0.7");
	eth(&b, mac_a, mac_b, 0x8035);
	arp(&b, 4, IP(10, 0, 0, 7), IP(10, 0, 0, 7)); DONE();
	NEXT("mpls 100 v4 udp 10.0.0.1:1500 > 10.0.0.2:53");
	eth(&b, mac_b, mac_a, 0x8847);
	mpls(&b, 100, 1);
	ipv4(&b, IP(10, 0, 0, 1), IP(10, 0, 0, 2), 17, 8, 0, 0);
	udp(&b, 1500, 53, 0); DONE();
	NEXT("mpls 100/200 v6 tcp :80");
	eth(&b, mac_b, mac_a, 0x8847);
	mpls(&b, 100, 0); mpls(&b, 200, 1);
	ipv6(&b, 1, 2, 0x20010db8, 0x20010db8, 6, 20);
	tcp(&b, 1234, 80, TH_SYN, 0); DONE();
	NEXT("mpls 16 v4 tcp 10.0.0.1 > 10.0.0.2:80");
	eth(&b, mac_b, mac_a, 0x8847);
	mpls(&b, 16, 1);
	ipv4(&b, IP(10, 0, 0, 1), IP(10, 0, 0, 2), 6, 20, 0, 0);
	tcp(&b, 2000, 80, TH_SYN, 0); DONE();
	NEXT("vlan 100 mpls 200 v4 udp");
	eth(&b, mac_b, mac_a, 0x8100);
	vlan(&b, 100, 0x8847);
	mpls(&b, 200, 1);
	ipv4(&b, IP(10, 0, 0, 1), IP(10, 0, 0, 2), 17, 8, 0, 0);
	udp(&b, 1, 2, 0); DONE();
	NEXT("pppoe session 0x1234 v4 tcp 10.0.0.1:1234 > 10.0.0.2:80");
	eth(&b, mac_b, mac_a, 0x8864);
	pppoe_sess(&b, 0x1234, 0x0021, 40);
	ipv4(&b, IP(10, 0, 0, 1), IP(10, 0, 0, 2), 6, 20, 0, 0);
	tcp(&b, 1234, 80, TH_SYN, 0); DONE();
	NEXT("pppoe session 7 v6 icmp6");
	eth(&b, mac_b, mac_a, 0x8864);
	pppoe_sess(&b, 7, 0x0057, 48);
	ipv6(&b, 1, 2, 0x20010db8, 0x20010db8, 58, 8);
	put8(&b, 128); put8(&b, 0); put16(&b, 0); put32(&b, 1); DONE();
	NEXT("pppoe session 7 v4 udp :53");
	eth(&b, mac_b, mac_a, 0x8864);
	pppoe_sess(&b, 7, 0x0021, 28);
	ipv4(&b, IP(10, 0, 0, 9), IP(10, 0, 0, 1), 17, 8, 0, 0);
	udp(&b, 53, 4000, 0); DONE();
	NEXT("pppoe discovery padi");
	eth(&b, mac_bcast, mac_a, 0x8863);
	put8(&b, 0x11); put8(&b, 0x09); put16(&b, 0); put16(&b, 4); put32(&b, 0x01010000); DONE();
	NEXT("qinq 8100/8100 100/200 v4 tcp :80");
	eth(&b, mac_b, mac_a, 0x8100);
	vlan(&b, 100, 0x8100);
	vlan(&b, 200, 0x0800);
	ipv4(&b, IP(10, 0, 0, 1), IP(10, 0, 0, 2), 6, 20, 0, 0);
	tcp(&b, 1234, 80, TH_SYN, 0); DONE();
	NEXT("802.3 stp bpdu");
	eth(&b, mac_stp, mac_a, 0x0027);
	put8(&b, 0x42); put8(&b, 0x42); put8(&b, 0x03);
	fill(&b, 36, 0); DONE();
	NEXT("802.3 raw ipx");
	eth(&b, mac_b, mac_a, 0x0040);
	put16(&b, 0xffff); fill(&b, 46, 0); DONE();
	NEXT("802.3 iso clnp");
	eth(&b, mac_b, mac_a, 0x0030);
	put8(&b, 0xfe); put8(&b, 0xfe); put8(&b, 0x03); put8(&b, 0x81);
	fill(&b, 44, 0); DONE();
	NEXT("802.3 llc netbios");
	eth(&b, mac_b, mac_a, 0x0030);
	put8(&b, 0xf0); put8(&b, 0xf0); put8(&b, 0x03); fill(&b, 45, 0); DONE();
	NEXT("802.3 llc s-frame");
	eth(&b, mac_b, mac_a, 0x0030);
	put8(&b, 0x42); put8(&b, 0x42); put8(&b, 0x01); put8(&b, 0x02); fill(&b, 44, 0); DONE();
	NEXT("decnet");
	eth(&b, mac_b, mac_a, 0x6003);
	fill(&b, 46, 0x10); DONE();
	NEXT("appletalk");
	eth(&b, mac_b, mac_a, 0x809b);
	fill(&b, 46, 0x10); DONE();
	NEXT("ethernet header only, type ip");
	eth(&b, mac_b, mac_a, 0x0800); DONE();
#undef NEXT
#undef DONE
}

size_t corpus_build(struct corpus_pkt *pkts, size_t max)
{
	size_t n = 0;

	if (max < CORPUS_MAX_PKTS)
		return 0;
	memset(pkts, 0, max * sizeof(*pkts));
	build_v4(pkts, &n);
	build_other(pkts, &n);
	build_v6_chains(pkts, &n);
	build_v4_more(pkts, &n);
	build_l2(pkts, &n);
	return n;
}

void corpus_v6_chain(struct corpus_pkt *p, int nhdrs)
{
	struct pb b = { p->data, 0 };
	int i;

	memset(p, 0, sizeof(*p));
	p->name = "v6 destination options chain then tcp :80";
	p->l3 = 14;
	eth(&b, mac_b, mac_a, 0x86dd);
	ipv6(&b, 1, 2, 0x20010db8, 0x20010db8, nhdrs ? NH_DST : NH_TCP, 8 * (uint32_t)nhdrs + 20);
	for (i = 0; i < nhdrs; i++)
		ext_opts(&b, i < nhdrs - 1 ? NH_DST : NH_TCP, 0);
	tcp(&b, 3333, 80, TH_SYN, 0);
	p->len = b.n;
}

/* ---- corpus: filter expressions ------------------------------------------ */

#define EN  CORPUS_EN10MB
#define RAW CORPUS_RAW
#define ALL (CORPUS_EN10MB | CORPUS_RAW)

/*
 * Every pcap-filter(7) primitive and qualifier reachable on Ethernet and raw
 * IP, with and/or/not, byte and arithmetic expressions, vlan/mpls/pppoes
 * stacks, IPv6 extension headers and protochain. The flags say which link
 * types libpcap compiles the expression for.
 */
const struct corpus_expr corpus_exprs[] = {
	{ "", ALL },
	{ "ip", ALL },
	{ "ip6", ALL },
	{ "arp", EN },
	{ "rarp", EN },
	{ "tcp", ALL },
	{ "udp", ALL },
	{ "icmp", ALL },
	{ "icmp6", ALL },
	{ "sctp", ALL },
	{ "igmp", ALL },
	{ "pim", ALL },
	{ "vrrp", ALL },
	{ "ah", ALL },
	{ "esp", ALL },
	{ "carp", ALL },
	{ "igrp", ALL },
	{ "not ip", ALL },
	{ "not ip6", ALL },
	{ "not tcp", ALL },
	{ "ip or ip6", ALL },
	{ "arp or rarp", EN },
	{ "ip and tcp", ALL },
	{ "ip6 and tcp", ALL },
	{ "ip and udp", ALL },
	{ "ip6 and udp", ALL },
	{ "ip and icmp", ALL },
	{ "ip6 and icmp6", ALL },
	{ "ip and sctp", ALL },
	{ "ip6 and sctp", ALL },
	{ "ip6 and not icmp6", ALL },
	{ "ether proto \\ip", ALL },
	{ "ether proto \\ip6", ALL },
	{ "ether proto \\arp", EN },
	{ "ether proto \\rarp", EN },
	{ "ip proto \\tcp", ALL },
	{ "ip proto \\udp", ALL },
	{ "ip proto \\icmp", ALL },
	{ "ip6 proto \\tcp", ALL },
	{ "ip6 proto \\udp", ALL },
	{ "ip proto \\sctp", ALL },
	{ "ip6 proto \\sctp", ALL },
	{ "ip proto \\igmp", ALL },
	{ "ip proto \\pim", ALL },
	{ "ip6 proto \\pim", ALL },
	{ "ip proto \\vrrp", ALL },
	{ "ip proto \\ah", ALL },
	{ "ip proto \\esp", ALL },
	{ "ip6 proto \\ah", ALL },
	{ "ip6 proto \\esp", ALL },
	{ "proto 1", ALL },
	{ "ip proto 1", ALL },
	{ "ip6 proto 1", ALL },
	{ "proto 2", ALL },
	{ "ip proto 2", ALL },
	{ "ip6 proto 2", ALL },
	{ "proto 6", ALL },
	{ "ip proto 6", ALL },
	{ "ip6 proto 6", ALL },
	{ "proto 17", ALL },
	{ "ip proto 17", ALL },
	{ "ip6 proto 17", ALL },
	{ "proto 47", ALL },
	{ "ip proto 47", ALL },
	{ "ip6 proto 47", ALL },
	{ "proto 50", ALL },
	{ "ip proto 50", ALL },
	{ "ip6 proto 50", ALL },
	{ "proto 51", ALL },
	{ "ip proto 51", ALL },
	{ "ip6 proto 51", ALL },
	{ "proto 58", ALL },
	{ "ip proto 58", ALL },
	{ "ip6 proto 58", ALL },
	{ "proto 103", ALL },
	{ "ip proto 103", ALL },
	{ "ip6 proto 103", ALL },
	{ "proto 112", ALL },
	{ "ip proto 112", ALL },
	{ "ip6 proto 112", ALL },
	{ "proto 132", ALL },
	{ "ip proto 132", ALL },
	{ "ip6 proto 132", ALL },
	{ "proto 255", ALL },
	{ "ip proto 255", ALL },
	{ "ip6 proto 255", ALL },
	{ "host 10.0.0.1", ALL },
	{ "host 10.0.0.2", ALL },
	{ "host 192.168.1.10", ALL },
	{ "ip host 10.0.0.1", ALL },
	{ "net 10.0.0.0/8", ALL },
	{ "net 10.0.0.0/24", ALL },
	{ "net 192.168.0.0 mask 255.255.0.0", ALL },
	{ "net 172.16", ALL },
	{ "net 224.0.0.0/4", ALL },
	{ "host 2001:db8::1", ALL },
	{ "net 2001:db8::/32", ALL },
	{ "net fe80::/10", ALL },
	{ "ip6 host 2001:db8::2", ALL },
	{ "net ff00::/8", ALL },
	{ "src host 10.0.0.1", ALL },
	{ "src host 10.0.0.2", ALL },
	{ "src host 192.168.1.10", ALL },
	{ "ip src host 10.0.0.1", ALL },
	{ "src net 10.0.0.0/8", ALL },
	{ "src net 10.0.0.0/24", ALL },
	{ "src net 192.168.0.0 mask 255.255.0.0", ALL },
	{ "src net 172.16", ALL },
	{ "src net 224.0.0.0/4", ALL },
	{ "src host 2001:db8::1", ALL },
	{ "src net 2001:db8::/32", ALL },
	{ "src net fe80::/10", ALL },
	{ "ip6 src host 2001:db8::2", ALL },
	{ "src net ff00::/8", ALL },
	{ "dst host 10.0.0.1", ALL },
	{ "dst host 10.0.0.2", ALL },
	{ "dst host 192.168.1.10", ALL },
	{ "ip dst host 10.0.0.1", ALL },
	{ "dst net 10.0.0.0/8", ALL },
	{ "dst net 10.0.0.0/24", ALL },
	{ "dst net 192.168.0.0 mask 255.255.0.0", ALL },
	{ "dst net 172.16", ALL },
	{ "dst net 224.0.0.0/4", ALL },
	{ "dst host 2001:db8::1", ALL },
	{ "dst net 2001:db8::/32", ALL },
	{ "dst net fe80::/10", ALL },
	{ "ip6 dst host 2001:db8::2", ALL },
	{ "dst net ff00::/8", ALL },
	{ "src or dst host 10.0.0.1", ALL },
	{ "src or dst host 10.0.0.2", ALL },
	{ "src or dst host 192.168.1.10", ALL },
	{ "ip src or dst host 10.0.0.1", ALL },
	{ "src or dst net 10.0.0.0/8", ALL },
	{ "src or dst net 10.0.0.0/24", ALL },
	{ "src or dst net 192.168.0.0 mask 255.255.0.0", ALL },
	{ "src or dst net 172.16", ALL },
	{ "src or dst net 224.0.0.0/4", ALL },
	{ "src or dst host 2001:db8::1", ALL },
	{ "src or dst net 2001:db8::/32", ALL },
	{ "src or dst net fe80::/10", ALL },
	{ "ip6 src or dst host 2001:db8::2", ALL },
	{ "src or dst net ff00::/8", ALL },
	{ "src and dst host 10.0.0.1", ALL },
	{ "src and dst host 10.0.0.2", ALL },
	{ "src and dst host 192.168.1.10", ALL },
	{ "ip src and dst host 10.0.0.1", ALL },
	{ "src and dst net 10.0.0.0/8", ALL },
	{ "src and dst net 10.0.0.0/24", ALL },
	{ "src and dst net 192.168.0.0 mask 255.255.0.0", ALL },
	{ "src and dst net 172.16", ALL },
	{ "src and dst net 224.0.0.0/4", ALL },
	{ "src and dst host 2001:db8::1", ALL },
	{ "src and dst net 2001:db8::/32", ALL },
	{ "src and dst net fe80::/10", ALL },
	{ "ip6 src and dst host 2001:db8::2", ALL },
	{ "src and dst net ff00::/8", ALL },
	{ "host 10.0.0.1 and host 10.0.0.2", ALL },
	{ "src host 10.0.0.1 and dst host 10.0.0.2", ALL },
	{ "host 10.0.0.1 or host 8.8.8.8", ALL },
	{ "not host 10.0.0.1", ALL },
	{ "net 10.0.0.0/31", ALL },
	{ "net 10.0.0.0/32", ALL },
	{ "net 10.0.0.1/32", ALL },
	{ "net 0.0.0.0/0", ALL },
	{ "net 128.0.0.0/1", ALL },
	{ "net 255.255.255.255/32", ALL },
	{ "dst net 255.255.255.255", ALL },
	{ "net 10.0.0.0 mask 255.0.0.0", ALL },
	{ "net 10.0.0 mask 255.255.255.0", ALL },
	{ "dst net 10.2.2.0/24", ALL },
	{ "net ::/0", ALL },
	{ "net 2001:db8::/127", ALL },
	{ "net 2001:db8::1/128", ALL },
	{ "net ::ffff:0:0/96", ALL },
	{ "src net 2001:db8:0:0::/64", ALL },
	{ "host ::1", ALL },
	{ "dst host ff02::1", ALL },
	{ "arp src host 10.0.0.1", EN },
	{ "arp dst host 10.0.0.2", EN },
	{ "arp net 10.0.0.0/24", EN },
	{ "rarp host 10.0.0.7", EN },
	{ "rarp src host 10.0.0.7", EN },
	{ "arp host 10.0.0.1", EN },
	{ "arp and host 10.0.0.2", EN },
	{ "ip host 10.0.0.1 and not arp", ALL },
	{ "ip src 10.0.0.1", ALL },
	{ "ip dst 10.0.0.2", ALL },
	{ "ip6 src 2001:db8::1", ALL },
	{ "ip6 dst 2001:db8::2", ALL },
	{ "ip net 10.0.0.0/8", ALL },
	{ "ip6 net 2001:db8::/32", ALL },
	{ "port 80", ALL },
	{ "tcp port 80", ALL },
	{ "udp port 80", ALL },
	{ "sctp port 80", ALL },
	{ "ip and port 53", ALL },
	{ "ip6 and port 53", ALL },
	{ "portrange 1000-2000", ALL },
	{ "tcp portrange 8000-9000", ALL },
	{ "udp portrange 50-60", ALL },
	{ "port 53", ALL },
	{ "port 1234", ALL },
	{ "port 5353", ALL },
	{ "sctp portrange 2900-3000", ALL },
	{ "src port 80", ALL },
	{ "tcp src port 80", ALL },
	{ "udp src port 80", ALL },
	{ "sctp src port 80", ALL },
	{ "ip and src port 53", ALL },
	{ "ip6 and src port 53", ALL },
	{ "src portrange 1000-2000", ALL },
	{ "tcp src portrange 8000-9000", ALL },
	{ "udp src portrange 50-60", ALL },
	{ "src port 53", ALL },
	{ "src port 1234", ALL },
	{ "src port 5353", ALL },
	{ "sctp src portrange 2900-3000", ALL },
	{ "dst port 80", ALL },
	{ "tcp dst port 80", ALL },
	{ "udp dst port 80", ALL },
	{ "sctp dst port 80", ALL },
	{ "ip and dst port 53", ALL },
	{ "ip6 and dst port 53", ALL },
	{ "dst portrange 1000-2000", ALL },
	{ "tcp dst portrange 8000-9000", ALL },
	{ "udp dst portrange 50-60", ALL },
	{ "dst port 53", ALL },
	{ "dst port 1234", ALL },
	{ "dst port 5353", ALL },
	{ "sctp dst portrange 2900-3000", ALL },
	{ "src or dst port 80", ALL },
	{ "tcp src or dst port 80", ALL },
	{ "udp src or dst port 80", ALL },
	{ "sctp src or dst port 80", ALL },
	{ "ip and src or dst port 53", ALL },
	{ "ip6 and src or dst port 53", ALL },
	{ "src or dst portrange 1000-2000", ALL },
	{ "tcp src or dst portrange 8000-9000", ALL },
	{ "udp src or dst portrange 50-60", ALL },
	{ "src or dst port 53", ALL },
	{ "src or dst port 1234", ALL },
	{ "src or dst port 5353", ALL },
	{ "sctp src or dst portrange 2900-3000", ALL },
	{ "src and dst port 80", ALL },
	{ "tcp src and dst port 80", ALL },
	{ "udp src and dst port 80", ALL },
	{ "sctp src and dst port 80", ALL },
	{ "ip and src and dst port 53", ALL },
	{ "ip6 and src and dst port 53", ALL },
	{ "src and dst portrange 1000-2000", ALL },
	{ "tcp src and dst portrange 8000-9000", ALL },
	{ "udp src and dst portrange 50-60", ALL },
	{ "src and dst port 53", ALL },
	{ "src and dst port 1234", ALL },
	{ "src and dst port 5353", ALL },
	{ "sctp src and dst portrange 2900-3000", ALL },
	{ "port http", ALL },
	{ "port domain", ALL },
	{ "tcp port ssh", ALL },
	{ "udp port 67 or udp port 68", ALL },
	{ "port 0", ALL },
	{ "port 65535", ALL },
	{ "portrange 0-65535", ALL },
	{ "portrange 80-80", ALL },
	{ "portrange 1-1023", ALL },
	{ "not portrange 1-1023", ALL },
	{ "tcp dst portrange 400-500", ALL },
	{ "udp src portrange 60000-65535", ALL },
	{ "port 80 or port 443 or port 8080", ALL },
	{ "tcp and not port 80", ALL },
	{ "ip6 and tcp port 443", ALL },
	{ "ip6 and udp port 53", ALL },
	{ "ip and udp port 53", ALL },
	{ "sctp port 2905", ALL },
	{ "tcp port 80 and host 10.0.0.1", ALL },
	{ "(tcp or udp) and port 53", ALL },
	{ "tcp src port 1234 and tcp dst port 80", ALL },
	{ "udp port 4000", ALL },
	{ "dst port 2222", ALL },
	{ "ether host 00:11:22:33:44:55", EN },
	{ "ether src 00:11:22:33:44:55", EN },
	{ "ether dst 00:11:22:33:44:55", EN },
	{ "ether dst 02:00:00:00:00:02", EN },
	{ "ether src host 02:00:00:00:00:02", EN },
	{ "ether host ff:ff:ff:ff:ff:ff", EN },
	{ "ether broadcast", EN },
	{ "ether multicast", EN },
	{ "broadcast", EN },
	{ "multicast", EN },
	{ "not ether broadcast", EN },
	{ "ether multicast and not ether broadcast", EN },
	{ "ether src 00:11:22:33:44:55 and ether dst ff:ff:ff:ff:ff:ff", EN },
	{ "ether src or dst 00:11:22:33:44:55", EN },
	{ "ether src and dst 00:11:22:33:44:55", EN },
	{ "ether proto 0x0806", EN },
	{ "ether proto 0x0800", ALL },
	{ "ether proto 0x86dd", ALL },
	{ "ether proto 0x8035", EN },
	{ "ether proto 0x88cc", EN },
	{ "ether proto 0x8100", EN },
	{ "ether proto 0x88a8", EN },
	{ "ether proto 0x8847", EN },
	{ "ether proto 0x8864", EN },
	{ "ether proto 0x8863", EN },
	{ "ether proto 1500", EN },
	{ "ether proto 0x42", EN },
	{ "ether[0] & 1 = 0", ALL },
	{ "ether[0] & 1 != 0", ALL },
	{ "ether[12:2] = 0x0800", ALL },
	{ "ether[12:2] > 1500", ALL },
	{ "ether[6:4] = 0x00112233", ALL },
	{ "ether[0:4] = 0xffffffff", ALL },
	{ "ether[14] = 0x45", ALL },
	{ "ip multicast", ALL },
	{ "ip6 multicast", ALL },
	{ "not ip multicast", ALL },
	{ "ip and broadcast", EN },
	{ "stp", EN },
	{ "llc", EN },
	{ "ipx", EN },
	{ "iso", EN },
	{ "netbeui", EN },
	{ "decnet", EN },
	{ "atalk", EN },
	{ "aarp", EN },
	{ "lat", EN },
	{ "sca", EN },
	{ "moprc", EN },
	{ "mopdl", EN },
	{ "llc i", EN },
	{ "llc s", EN },
	{ "llc u", EN },
	{ "llc ui", EN },
	{ "ether proto \\stp", EN },
	{ "iso proto \\esis", EN },
	{ "iso proto \\isis", EN },
	{ "iso proto \\clnp", EN },
	{ "ip6 protochain 0", ALL },
	{ "ip6 proto 0", ALL },
	{ "ip6 protochain 6", ALL },
	{ "ip6 protochain 17", ALL },
	{ "ip6 protochain 43", ALL },
	{ "ip6 proto 43", ALL },
	{ "ip6 protochain 44", ALL },
	{ "ip6 proto 44", ALL },
	{ "ip6 protochain 50", ALL },
	{ "ip6 protochain 51", ALL },
	{ "ip6 protochain 58", ALL },
	{ "ip6 protochain 59", ALL },
	{ "ip6 proto 59", ALL },
	{ "ip6 protochain 60", ALL },
	{ "ip6 proto 60", ALL },
	{ "ip6 protochain 132", ALL },
	{ "ip protochain 1", ALL },
	{ "protochain 1", ALL },
	{ "ip protochain 6", ALL },
	{ "protochain 6", ALL },
	{ "ip protochain 17", ALL },
	{ "protochain 17", ALL },
	{ "ip protochain 132", ALL },
	{ "protochain 132", ALL },
	{ "ip6 protochain 6 or ip6 protochain 17", ALL },
	{ "protochain 6 and port 80", ALL },
	{ "ip6 protochain 17 and udp port 53", ALL },
	{ "not ip6 protochain 58", ALL },
	{ "ip6 protochain \\tcp", ALL },
	{ "ip6 protochain \\udp", ALL },
	{ "protochain 6 or protochain 17 or protochain 58", ALL },
	{ "ip6 and ip6[6] = 0", ALL },
	{ "ip6 and ip6[6] = 43", ALL },
	{ "ip6 and ip6[6] = 44", ALL },
	{ "ip6 and ip6[6] = 60", ALL },
	{ "ip6 and ip6[6] = 51", ALL },
	{ "ip6[40] = 6", ALL },
	{ "ip6[0] & 0xf0 = 0x60", ALL },
	{ "ip6[4:2] > 20", ALL },
	{ "ip6[7] = 64", ALL },
	{ "ip6[24:4] = 0xff020000", ALL },
	{ "icmp6[icmp6type] = icmp6-echo", ALL },
	{ "icmp6[0] = 135", ALL },
	{ "icmp6[icmp6type] = icmp6-neighborsolicit", ALL },
	{ "icmp6[icmp6type] = icmp6-echoreply", ALL },
	{ "ip6[6] = 58 and ip6[40] = 128", ALL },
	{ "tcp[tcpflags] & tcp-fin != 0", ALL },
	{ "tcp[tcpflags] & tcp-syn != 0", ALL },
	{ "tcp[tcpflags] & tcp-rst != 0", ALL },
	{ "tcp[tcpflags] & tcp-push != 0", ALL },
	{ "tcp[tcpflags] & tcp-ack != 0", ALL },
	{ "tcp[tcpflags] & tcp-urg != 0", ALL },
	{ "tcp[tcpflags] & tcp-ece != 0", ALL },
	{ "tcp[tcpflags] & tcp-cwr != 0", ALL },
	{ "tcp[tcpflags] & (tcp-syn|tcp-fin) != 0", ALL },
	{ "tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn", ALL },
	{ "tcp[tcpflags] & (tcp-syn|tcp-ack) == (tcp-syn|tcp-ack)", ALL },
	{ "tcp[tcpflags] == tcp-ack", ALL },
	{ "tcp[tcpflags] & (tcp-rst|tcp-fin) != 0", ALL },
	{ "tcp[tcpflags] = 0", ALL },
	{ "tcp[13] & 2 != 0", ALL },
	{ "tcp[13] = 0x18", ALL },
	{ "tcp[13] & 0xc0 != 0", ALL },
	{ "tcp[12] & 0xf0 > 0x50", ALL },
	{ "tcp[0:2] = 1234", ALL },
	{ "tcp[2:2] = 80", ALL },
	{ "tcp[4:4] = 1000", ALL },
	{ "tcp[8:4] > 1000", ALL },
	{ "tcp[14:2] = 65535", ALL },
	{ "tcp[20] = 1", ALL },
	{ "tcp dst port 80 and (tcp[tcpflags] & tcp-syn) != 0", ALL },
	{ "tcp[((tcp[12:1] & 0xf0) >> 2):4] = 0x47455420", ALL },
	{ "udp[8:2] == 0x4142", ALL },
	{ "udp[4:2] > 20", ALL },
	{ "udp[0:2] = 53 or udp[2:2] = 53", ALL },
	{ "udp[6:2] = 0", ALL },
	{ "udp and (udp[0:2] = 53 or udp[2:2] = 53)", ALL },
	{ "icmp[icmptype] == icmp-echo", ALL },
	{ "icmp[icmptype] = icmp-echoreply", ALL },
	{ "icmp[icmptype] = icmp-unreach", ALL },
	{ "icmp[icmpcode] = 0", ALL },
	{ "icmp[0] == 8 or icmp[0] == 0", ALL },
	{ "icmp[icmptype] != icmp-echo and icmp[icmptype] != icmp-echoreply", ALL },
	{ "icmp[4:2] = 1", ALL },
	{ "igmp[0] = 0x11", ALL },
	{ "igmp[0] = 0x16", ALL },
	{ "sctp[0:2] = 2905", ALL },
	{ "sctp[12] = 1", ALL },
	{ "pim[0] & 0xf = 0", ALL },
	{ "vrrp[0] = 0x21", ALL },
	{ "vrrp[1] = 7", ALL },
	{ "ip[9] = 112 and ip[8] = 255", ALL },
	{ "ip[6:2] & 0x1fff != 0", ALL },
	{ "ip[6:2] & 0x1fff = 0", ALL },
	{ "ip[6:2] & 0x3fff != 0", ALL },
	{ "ip[6] & 0x20 != 0", ALL },
	{ "ip[6:2] & 0x2000 != 0 and ip[6:2] & 0x1fff = 0", ALL },
	{ "ip[6] & 0x40 != 0", ALL },
	{ "ip[0] & 0xf != 5", ALL },
	{ "ip[0] & 0xf > 5", ALL },
	{ "ip[0] & 0xf = 5", ALL },
	{ "ip[0] >> 4 = 4", ALL },
	{ "ip[1] = 0", ALL },
	{ "ip[1] & 0xfc = 0xb8", ALL },
	{ "ip[2:2] > 576", ALL },
	{ "ip[2:2] > 100", ALL },
	{ "ip[2:2] < 40", ALL },
	{ "ip[2:2] = 20", ALL },
	{ "ip[8] < 65 and ip[1] & 0xfc == 0", ALL },
	{ "ip[8] = 64", ALL },
	{ "ip[8] = 1", ALL },
	{ "ip[9] = 6", ALL },
	{ "ip[9] = 17", ALL },
	{ "ip[12:4] > 0x80000000", ALL },
	{ "ip[12:4] >= 0xc8010203", ALL },
	{ "ip[12:4] = 0x0a000001", ALL },
	{ "ip[16:4] & 0x80000000 != 0", ALL },
	{ "ip[16:4] & 0xf0000000 = 0xe0000000", ALL },
	{ "ip[16:4] = 0xffffffff", ALL },
	{ "ip[12:4] - ip[16:4] != 0", ALL },
	{ "ip[12:4] > ip[16:4]", ALL },
	{ "ip[12:2] = ip[16:2]", ALL },
	{ "ip[20] = 0x01", ALL },
	{ "ip[4:2] = 0x1234", ALL },
	{ "ip[10:2] = 0", ALL },
	{ "ip[22:2] = 8080", ALL },
	{ "ip[100] = 0", ALL },
	{ "ip[60:4] != 0", ALL },
	{ "ip[2:2] - ((ip[0] & 0xf) << 2) > 40", ALL },
	{ "ip[2:2] - 4 * (ip[0] & 0xf) - 4 * (tcp[12] >> 4) > 0", ALL },
	{ "ip[9] * 2 = 12", ALL },
	{ "ip[9] / 2 = 3", ALL },
	{ "ip[9] % 4 = 2", ALL },
	{ "ip[9] ^ 0xff = 0xf9", ALL },
	{ "ip[9] << 1 = 12 or ip[9] >> 1 = 8", ALL },
	{ "ip[9] | 1 = 7 and ip[9] & 6 = 6", ALL },
	{ "ip[9] + 1 = 7", ALL },
	{ "ip[9] - 1 = 5", ALL },
	{ "ip[9] - 7 > 0", ALL },
	{ "ip[8] * ip[9] = 384", ALL },
	{ "ip[8] / ip[9] = 10", ALL },
	{ "ip[8] % ip[9] = 4", ALL },
	{ "ip[8] & ip[9] = 0", ALL },
	{ "ip[8] | ip[9] = 70", ALL },
	{ "ip[8] ^ ip[9] = 70", ALL },
	{ "ip[8] << ip[9] = 4096", ALL },
	{ "ip[8] >> ip[9] = 1", ALL },
	{ "1 << ip[9] = 64", ALL },
	{ "ip[8] - ip[9] = 58", ALL },
	{ "ip[8] + ip[9] = 70", ALL },
	{ "ip[9] / ip[1] = 0", ALL },
	{ "ip[9] % ip[1] = 0", ALL },
	{ "len * 0x80000001 > 5", ALL },
	{ "len - 100 > 0x80000000", ALL },
	{ "len / 3 = 20", ALL },
	{ "len % 7 = 3", ALL },
	{ "len & 0x3f = 0x3e", ALL },
	{ "len | 1 = 61", ALL },
	{ "len ^ 0xffffffff > 0", ALL },
	{ "len << 2 > 400", ALL },
	{ "len >> 2 < 20", ALL },
	{ "-len < 0", ALL },
	{ "0 - len > 0x7fffffff", ALL },
	{ "len + len > 200", ALL },
	{ "len * 2 = 120", ALL },
	{ "ether[0] + ether[1] > 0x100", ALL },
	{ "tcp[0:2] + tcp[2:2] = 1314", ALL },
	{ "udp[0:2] * udp[2:2] > 100000", ALL },
	{ "(ip[0] & 0xf) * 4 = 24", ALL },
	{ "ip[2:2] / 4 > 10", ALL },
	{ "ip[2:2] % 100 = 40", ALL },
	{ "ether[12:2] ^ 0x0800 = 0", ALL },
	{ "ether[12:2] >> 8 = 0x86", ALL },
	{ "-ip[9] = 0xfffffffa", ALL },
	{ "0xffffffff = 0xffffffff", ALL },
	{ "0x80000000 > 0x7fffffff", ALL },
	{ "1 = 1", ALL },
	{ "ip[9] = 6 + 0", ALL },
	{ "ip[9] != 6", ALL },
	{ "ip[9] >= 17", ALL },
	{ "ip[9] <= 6", ALL },
	{ "ip[9] > 16 and ip[9] < 18", ALL },
	{ "len > 100", ALL },
	{ "len <= 64", ALL },
	{ "len >= 60", ALL },
	{ "len < 60", ALL },
	{ "len = 60", ALL },
	{ "len != 60", ALL },
	{ "len > 1000", ALL },
	{ "greater 200", ALL },
	{ "greater 60", ALL },
	{ "greater 0", ALL },
	{ "less 100", ALL },
	{ "less 60", ALL },
	{ "less 14", ALL },
	{ "greater 1500", ALL },
	{ "ip and len >= 60 and not icmp", ALL },
	{ "len > 64 and len < 1500", ALL },
	{ "vlan", EN },
	{ "vlan 100", EN },
	{ "vlan 200", EN },
	{ "vlan 300", EN },
	{ "vlan and tcp", EN },
	{ "vlan 100 and host 10.0.0.1", EN },
	{ "vlan and vlan 200", EN },
	{ "vlan 100 and vlan 200", EN },
	{ "vlan and vlan", EN },
	{ "vlan and vlan and udp", EN },
	{ "vlan and ip6 and udp port 53", EN },
	{ "vlan and arp", EN },
	{ "vlan 100 and arp", EN },
	{ "not vlan", EN },
	{ "vlan and ip", EN },
	{ "vlan 100 or vlan 200", EN },
	{ "vlan and not ip", EN },
	{ "vlan 100 and tcp port 80", EN },
	{ "vlan and ether proto 0x0806", EN },
	{ "vlan and vlan 200 and host 10.0.0.1", EN },
	{ "vlan 100 and ip6", EN },
	{ "vlan and mpls", EN },
	{ "mpls", EN },
	{ "mpls 100", EN },
	{ "mpls 200", EN },
	{ "mpls and ip", EN },
	{ "mpls and ip6", EN },
	{ "mpls 100 and mpls 200", EN },
	{ "mpls and mpls", EN },
	{ "mpls 100 and host 10.0.0.1", EN },
	{ "mpls and udp", EN },
	{ "mpls and tcp port 80", EN },
	{ "not mpls", EN },
	{ "mpls 16", EN },
	{ "mpls and mpls and ip6", EN },
	{ "pppoed", EN },
	{ "pppoes", EN },
	{ "pppoes 0x1234", EN },
	{ "pppoes 7", EN },
	{ "pppoes and ip", EN },
	{ "pppoes and ip6", EN },
	{ "pppoes and tcp", EN },
	{ "pppoes and udp port 53", EN },
	{ "pppoes 0x1234 and host 10.0.0.1", EN },
	{ "not pppoes", ALL },
	{ "pppoes and ip6 and icmp6", EN },
	{ "ip and not tcp", ALL },
	{ "tcp or udp", ALL },
	{ "not port 22", ALL },
	{ "host 10.0.0.1 and (port 80 or port 443)", ALL },
	{ "(tcp[2:2] > 1000) and (tcp[2:2] < 2000)", ALL },
	{ "not (tcp or udp)", ALL },
	{ "not (host 10.0.0.1 or host 10.0.0.2)", ALL },
	{ "(ip or ip6) and (tcp or udp) and not port 53", ALL },
	{ "icmp or icmp6 or arp", ALL },
	{ "tcp and (ip[2:2] > 50 or len < 80)", ALL },
	{ "udp and not (port 53 or port 5353)", ALL },
	{ "not not ip", ALL },
	{ "!ip", ALL },
	{ "ip && tcp", ALL },
	{ "tcp || udp", ALL },
	{ "ip and (ip[6:2] & 0x1fff = 0) and udp", ALL },
	{ "(vlan and udp) or (not vlan and tcp)", EN },
	{ "ether broadcast or (ip and ip[16] = 224)", EN },
	{ "ip6 and (tcp or udp) and net 2001:db8::/32", ALL },
	{ "host 10.0.0.1 and not port 80 and not icmp", ALL },
	{ "(src net 10.0.0.0/8 and dst net 10.0.0.0/8) or arp", ALL },
	{ "tcp and tcp[13] & 0x12 = 0x12 or udp and udp[4:2] > 30", ALL },
	{ "ip[9] = 6 or ip[9] = 17 or ip6[6] = 6", ALL },
};

const size_t corpus_nexprs = sizeof(corpus_exprs) / sizeof(corpus_exprs[0]);

void corpus_large_expr(char *buf, size_t len)
{
	size_t used;
	int i;

	used = (size_t)snprintf(buf, len, "(tcp[tcpflags] & tcp-syn != 0 or udp) and (");
	for (i = 0; i < 120 && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%shost 10.0.%d.%d",
					 i ? " or " : "", i / 50, i % 50 + 1);
	if (used < len)
		snprintf(buf + used, len - used, ") and not (port 22 or portrange 6000-6010)");
}

/* ---- corpus: hand-written classic programs ------------------------------- */

#define S(code, k)		{ (uint16_t)(code), 0, 0, (uint32_t)(k) }
#define J(code, k, jt, jf)	{ (uint16_t)(code), (jt), (jf), (uint32_t)(k) }
#define RET_A			S(BPF_RET | BPF_A, 0)
#define LD_K(k)			S(BPF_LD | BPF_IMM, k)
#define LDX_K(k)		S(BPF_LDX | BPF_IMM, k)
#define ALU_K(op, k)		S(BPF_ALU | (op) | BPF_K, k)
#define ALU_X(op)		S(BPF_ALU | (op) | BPF_X, 0)
#define CASE2(nm, a, b, exp)		{ nm, { a, b, RET_A }, 3, exp, 0 }
#define CASE3(nm, a, b, c, exp)	{ nm, { a, b, c, RET_A }, 4, exp, 0 }
/*
 * M[0] = 0; X = n; do { M[0] += 10; X -= 1; } while (X != 0); return M[0]:
 * n - 1 backward jumps to one loop head.
 */
#define LOOP_CASE(nm, n, exp, nolib) \
	{ nm, { LDX_K(n), S(BPF_ST, 0), S(BPF_LD | BPF_MEM, 0), ALU_K(BPF_ADD, 10), S(BPF_ST, 0), \
		S(BPF_MISC | BPF_TXA, 0), ALU_K(BPF_SUB, 1), S(BPF_MISC | BPF_TAX, 0), \
		J(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0), S(BPF_JMP | BPF_JA, 0xfffffff8), \
		S(BPF_LD | BPF_MEM, 0), RET_A }, 12, exp, nolib }
/* if cond: ret 1 else ret 2 */
#define JCASE(nm, a, b, jmp, exp) \
	{ nm, { a, b, jmp, S(BPF_RET | BPF_K, 1), S(BPF_RET | BPF_K, 2) }, 5, exp, 0 }

const struct corpus_case corpus_cases[] = {
	CASE2("add k", LD_K(5), ALU_K(BPF_ADD, 7), 12),
	CASE3("add x", LD_K(5), LDX_K(7), ALU_X(BPF_ADD), 12),
	CASE2("sub k wraps", LD_K(5), ALU_K(BPF_SUB, 7), 0xfffffffe),
	CASE3("sub x wraps", LD_K(5), LDX_K(7), ALU_X(BPF_SUB), 0xfffffffe),
	CASE2("mul k wraps", LD_K(0x10001), ALU_K(BPF_MUL, 0x10001), 0x20001),
	CASE3("mul x wraps", LD_K(0x10001), LDX_K(0x10001), ALU_X(BPF_MUL), 0x20001),
	CASE2("div k", LD_K(100), ALU_K(BPF_DIV, 7), 14),
	CASE2("div k unsigned 0x80000000", LD_K(0xffffffff), ALU_K(BPF_DIV, 0x80000000), 1),
	CASE3("div x", LD_K(100), LDX_K(7), ALU_X(BPF_DIV), 14),
	CASE3("div x unsigned", LD_K(0xfffffffe), LDX_K(0xffffffff), ALU_X(BPF_DIV), 0),
	{ "div x by zero", { LD_K(100), LDX_K(0), ALU_X(BPF_DIV), S(BPF_RET | BPF_K, 99) }, 4, 0, 0 },
	CASE2("mod k", LD_K(100), ALU_K(BPF_MOD, 7), 2),
	CASE2("mod k 0xfffffff0", LD_K(0xfffffff5), ALU_K(BPF_MOD, 0xfffffff0), 5),
	CASE3("mod x", LD_K(100), LDX_K(7), ALU_X(BPF_MOD), 2),
	{ "mod x by zero", { LD_K(100), LDX_K(0), ALU_X(BPF_MOD), S(BPF_RET | BPF_K, 99) }, 4, 0, 0 },
	CASE2("and k", LD_K(0xff00ff00), ALU_K(BPF_AND, 0x0ff00ff0), 0x0f000f00),
	CASE3("and x", LD_K(0xff00ff00), LDX_K(0x0ff00ff0), ALU_X(BPF_AND), 0x0f000f00),
	CASE2("or k", LD_K(0xff000000), ALU_K(BPF_OR, 0x80000001), 0xff000001),
	CASE3("or x", LD_K(0xff000000), LDX_K(0x80000001), ALU_X(BPF_OR), 0xff000001),
	CASE2("xor k", LD_K(0xffff0000), ALU_K(BPF_XOR, 0x8000ffff), 0x7fffffff),
	CASE3("xor x", LD_K(0xffff0000), LDX_K(0x8000ffff), ALU_X(BPF_XOR), 0x7fffffff),
	CASE2("lsh k", LD_K(0x80000003), ALU_K(BPF_LSH, 4), 0x30),
	CASE3("lsh x", LD_K(0x80000003), LDX_K(4), ALU_X(BPF_LSH), 0x30),
	CASE3("lsh x 33 is 0", LD_K(5), LDX_K(33), ALU_X(BPF_LSH), 0),
	CASE2("rsh k logical", LD_K(0x80000000), ALU_K(BPF_RSH, 31), 1),
	CASE3("rsh x logical", LD_K(0x80000000), LDX_K(31), ALU_X(BPF_RSH), 1),
	CASE3("rsh x 32 is 0", LD_K(0xffffffff), LDX_K(32), ALU_X(BPF_RSH), 0),
	CASE2("neg", LD_K(5), S(BPF_ALU | BPF_NEG, 0), 0xfffffffb),
	CASE2("ld imm 0x80000000", LD_K(0x80000000), S(BPF_MISC | BPF_TAX, 0), 0x80000000),
	JCASE("jeq k taken", LD_K(7), LDX_K(0), J(BPF_JMP | BPF_JEQ | BPF_K, 7, 0, 1), 1),
	JCASE("jeq k 0xffffffff", LD_K(0xffffffff), LDX_K(0), J(BPF_JMP | BPF_JEQ | BPF_K, 0xffffffff, 0, 1), 1),
	JCASE("jgt k 0x80000000 taken", LD_K(0x90000000), LDX_K(0), J(BPF_JMP | BPF_JGT | BPF_K, 0x80000000, 0, 1), 1),
	JCASE("jgt k 0x80000000 not taken", LD_K(5), LDX_K(0), J(BPF_JMP | BPF_JGT | BPF_K, 0x80000000, 0, 1), 2),
	JCASE("jge k 0xffffffff", LD_K(0xffffffff), LDX_K(0), J(BPF_JMP | BPF_JGE | BPF_K, 0xffffffff, 0, 1), 1),
	JCASE("jge k 0x80000000 not taken", LD_K(0x7fffffff), LDX_K(0), J(BPF_JMP | BPF_JGE | BPF_K, 0x80000000, 0, 1), 2),
	JCASE("jset k 0x80000000", LD_K(0x80000000), LDX_K(0), J(BPF_JMP | BPF_JSET | BPF_K, 0x80000000, 0, 1), 1),
	JCASE("jset k not taken", LD_K(0x7fffffff), LDX_K(0), J(BPF_JMP | BPF_JSET | BPF_K, 0x80000000, 0, 1), 2),
	JCASE("jeq x", LD_K(9), LDX_K(9), J(BPF_JMP | BPF_JEQ | BPF_X, 0, 0, 1), 1),
	JCASE("jgt x unsigned", LD_K(0x80000000), LDX_K(1), J(BPF_JMP | BPF_JGT | BPF_X, 0, 0, 1), 1),
	JCASE("jge x equal", LD_K(0xfffffff0), LDX_K(0xfffffff0), J(BPF_JMP | BPF_JGE | BPF_X, 0, 0, 1), 1),
	JCASE("jset x not taken", LD_K(0xf0), LDX_K(0x0f), J(BPF_JMP | BPF_JSET | BPF_X, 0, 0, 1), 2),
	JCASE("jset jt=0 jf=1", LD_K(1), LDX_K(0), J(BPF_JMP | BPF_JSET | BPF_K, 1, 0, 1), 1),
	JCASE("jgt jt=1 jf=0", LD_K(3), LDX_K(0), J(BPF_JMP | BPF_JGT | BPF_K, 2, 1, 0), 2),
	JCASE("jeq jt=jf", LD_K(3), LDX_K(0), J(BPF_JMP | BPF_JEQ | BPF_K, 3, 1, 1), 2),
	JCASE("ja", LD_K(3), LDX_K(0), S(BPF_JMP | BPF_JA, 1), 2),
	CASE2("ld w abs", S(BPF_LD | BPF_W | BPF_ABS, 2), S(BPF_MISC | BPF_TAX, 0), 0x82838485),
	CASE2("ld h abs", S(BPF_LD | BPF_H | BPF_ABS, 62), S(BPF_MISC | BPF_TAX, 0), 0xbebf),
	CASE2("ld b abs", S(BPF_LD | BPF_B | BPF_ABS, 63), S(BPF_MISC | BPF_TAX, 0), 0xbf),
	{ "ld w abs past caplen", { S(BPF_LD | BPF_W | BPF_ABS, 61), S(BPF_RET | BPF_K, 9) }, 2, 0, 0 },
	{ "ld b abs past wire len", { S(BPF_LD | BPF_B | BPF_ABS, 100), S(BPF_RET | BPF_K, 9) }, 2, 0, 0 },
	{ "ld h abs at 0x8000", { S(BPF_LD | BPF_H | BPF_ABS, 0x8000), S(BPF_RET | BPF_K, 9) }, 2, 0, 0 },
	{ "ld b abs at 0x10000 then dead code",
	  { S(BPF_LD | BPF_B | BPF_ABS, 0x10000), J(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 1),
	    S(BPF_RET | BPF_K, 9), S(BPF_RET | BPF_K, 8) }, 4, 0, 0 },
	CASE3("ld w ind", LDX_K(2), S(BPF_LD | BPF_W | BPF_IND, 10), S(BPF_MISC | BPF_TAX, 0), 0x8c8d458f),
	CASE3("ld h ind", LDX_K(60), S(BPF_LD | BPF_H | BPF_IND, 2), S(BPF_MISC | BPF_TAX, 0), 0xbebf),
	CASE3("ld b ind", LDX_K(0), S(BPF_LD | BPF_B | BPF_IND, 14), S(BPF_MISC | BPF_TAX, 0), 0x45),
	{ "ld w ind past caplen", { LDX_K(58), S(BPF_LD | BPF_W | BPF_IND, 3), S(BPF_RET | BPF_K, 9) }, 3, 0, 0 },
	{ "ld b ind huge x", { LDX_K(0xffffff00), S(BPF_LD | BPF_B | BPF_IND, 0x100), S(BPF_RET | BPF_K, 9) }, 3, 0, 0 },
	{ "ld b ind x at 0xffff", { LDX_K(0xffff), S(BPF_LD | BPF_B | BPF_IND, 0), S(BPF_RET | BPF_K, 9) }, 3, 0, 0 },
	CASE2("msh", S(BPF_LDX | BPF_B | BPF_MSH, 14), S(BPF_MISC | BPF_TXA, 0), 20),
	{ "msh past caplen", { S(BPF_LDX | BPF_B | BPF_MSH, 64), S(BPF_RET | BPF_K, 9) }, 2, 0, 0 },
	CASE2("ld len is wire length", S(BPF_LD | BPF_W | BPF_LEN, 0), S(BPF_MISC | BPF_TAX, 0), 100),
	CASE2("ldx len", S(BPF_LDX | BPF_W | BPF_LEN, 0), S(BPF_MISC | BPF_TXA, 0), 100),
	{ "scratch st/ldx", { LD_K(42), S(BPF_ST, 3), LD_K(0), S(BPF_LDX | BPF_MEM, 3),
	  S(BPF_MISC | BPF_TXA, 0), RET_A }, 6, 42, 0 },
	{ "scratch stx/ld", { LDX_K(0x87654321), S(BPF_STX, 15), S(BPF_LD | BPF_MEM, 15), RET_A }, 4, 0x87654321, 0 },
	{ "scratch unwritten reads 0", { LD_K(7), S(BPF_LD | BPF_MEM, 5), RET_A }, 3, 0, 1 },
	CASE2("tax/txa", LD_K(77), S(BPF_MISC | BPF_TAX, 0), 77),
	{ "txa", { LDX_K(66), S(BPF_MISC | BPF_TXA, 0), RET_A }, 3, 66, 0 },
	{ "a and x start at 0", { S(BPF_ALU | BPF_ADD | BPF_X, 0), RET_A }, 2, 0, 0 },
	{ "ret k 0xffffffff", { S(BPF_RET | BPF_K, 0xffffffff) }, 1, 0xffffffff, 0 },
	{ "ret k then dead code", { S(BPF_RET | BPF_K, 1), S(BPF_RET | BPF_K, 2) }, 2, 1, 0 },
	CASE2("add k 0x80000000", LD_K(0x80000001), ALU_K(BPF_ADD, 0x80000000), 1),
	CASE2("sub k 0xffffffff", LD_K(1), ALU_K(BPF_SUB, 0xffffffff), 2),
	CASE2("mul k 0xffffffff", LD_K(3), ALU_K(BPF_MUL, 0xffffffff), 0xfffffffd),
	CASE2("and k 0x80000000", LD_K(0xffffffff), ALU_K(BPF_AND, 0x80000000), 0x80000000),
	CASE2("xor k 0xffffffff", LD_K(0x0f0f0f0f), ALU_K(BPF_XOR, 0xffffffff), 0xf0f0f0f0),
	CASE2("lsh k 31", LD_K(3), ALU_K(BPF_LSH, 31), 0x80000000),
	CASE2("rsh k 0", LD_K(0x80000001), ALU_K(BPF_RSH, 0), 0x80000001),
	CASE2("div k 0xffffffff", LD_K(0xffffffff), ALU_K(BPF_DIV, 0xffffffff), 1),
	CASE2("mod k 0x80000000", LD_K(0xffffffff), ALU_K(BPF_MOD, 0x80000000), 0x7fffffff),
	CASE2("neg 0x80000000", LD_K(0x80000000), S(BPF_ALU | BPF_NEG, 0), 0x80000000),
	CASE2("neg 0", LD_K(0), S(BPF_ALU | BPF_NEG, 0), 0),
	CASE3("sub x 0x80000000", LD_K(0), LDX_K(0x80000000), ALU_X(BPF_SUB), 0x80000000),
	CASE3("mul x 0xffffffff", LD_K(0xffffffff), LDX_K(0xffffffff), ALU_X(BPF_MUL), 1),
	CASE3("mod x unsigned", LD_K(0xffffffff), LDX_K(0x80000000), ALU_X(BPF_MOD), 0x7fffffff),
	CASE3("lsh x 31", LD_K(1), LDX_K(31), ALU_X(BPF_LSH), 0x80000000),
	CASE3("lsh x 0xffffffff is 0", LD_K(1), LDX_K(0xffffffff), ALU_X(BPF_LSH), 0),
	CASE3("rsh x 0x80000000 is 0", LD_K(0xffffffff), LDX_K(0x80000000), ALU_X(BPF_RSH), 0),
	CASE2("ldx imm 0xffffffff", LDX_K(0xffffffff), S(BPF_MISC | BPF_TXA, 0), 0xffffffff),
	JCASE("jeq k 0x80000000 not taken", LD_K(0), LDX_K(0), J(BPF_JMP | BPF_JEQ | BPF_K, 0x80000000, 0, 1), 2),
	JCASE("jgt k 0xffffffff never", LD_K(0xffffffff), LDX_K(0), J(BPF_JMP | BPF_JGT | BPF_K, 0xffffffff, 0, 1), 2),
	JCASE("jge k 0 always", LD_K(0), LDX_K(0), J(BPF_JMP | BPF_JGE | BPF_K, 0, 0, 1), 1),
	JCASE("jeq x not taken", LD_K(9), LDX_K(0x80000009), J(BPF_JMP | BPF_JEQ | BPF_X, 0, 0, 1), 2),
	JCASE("jgt x not taken", LD_K(1), LDX_K(0x80000000), J(BPF_JMP | BPF_JGT | BPF_X, 0, 0, 1), 2),
	JCASE("jge x unsigned", LD_K(0x80000000), LDX_K(0x7fffffff), J(BPF_JMP | BPF_JGE | BPF_X, 0, 0, 1), 1),
	JCASE("jset x 0x80000000", LD_K(0x80000001), LDX_K(0x80000000), J(BPF_JMP | BPF_JSET | BPF_X, 0, 0, 1), 1),
	{ "ret k 0x80000000", { S(BPF_RET | BPF_K, 0x80000000) }, 1, 0x80000000, 0 },
	{ "ret a after ld len", { S(BPF_LD | BPF_W | BPF_LEN, 0), RET_A }, 2, 100, 0 },
	{ "ld mem after st", { LD_K(0x80000000), S(BPF_ST, 0), LD_K(1), S(BPF_LD | BPF_MEM, 0), RET_A }, 5,
	  0x80000000, 0 },
	{ "ldx mem after stx", { LDX_K(0xdeadbeef), S(BPF_STX, 7), LDX_K(0), S(BPF_LDX | BPF_MEM, 7),
	  S(BPF_MISC | BPF_TXA, 0), RET_A }, 6, 0xdeadbeef, 0 },
	{ "ld h ind x past 0x8000", { LDX_K(0x8000), S(BPF_LD | BPF_H | BPF_IND, 0), S(BPF_RET | BPF_K, 9) },
	  3, 0, 0 },
	{ "ld b ind wraps in 32 bits", { LDX_K(0xffffffff), S(BPF_LD | BPF_B | BPF_IND, 15), RET_A },
	  3, 0, 0 },
	LOOP_CASE("loop 5 times", 5, 50, 0),
	LOOP_CASE("loop 17 times: 16 backward jumps, the bound", 17, 170, 0),
	LOOP_CASE("loop 18 times: past the bound, no match", 18, 0, 1),
	/* M[0] is never stored before the first read: bpf_filter() reads garbage */
	{ "loop head at 0", { S(BPF_LD | BPF_MEM, 0), ALU_K(BPF_ADD, 1), S(BPF_ST, 0),
	  J(BPF_JMP | BPF_JGE | BPF_K, 5, 1, 0), S(BPF_JMP | BPF_JA, 0xfffffffb), RET_A }, 6, 5, 1 },
	/* 10 and 14 backward jumps: each head has its own bound */
	{ "two loops, a bound each", { LDX_K(11),
	  S(BPF_MISC | BPF_TXA, 0), ALU_K(BPF_SUB, 1), S(BPF_MISC | BPF_TAX, 0),
	  J(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0), S(BPF_JMP | BPF_JA, 0xfffffffb), LDX_K(20),
	  S(BPF_MISC | BPF_TXA, 0), ALU_K(BPF_SUB, 1), S(BPF_MISC | BPF_TAX, 0),
	  J(BPF_JMP | BPF_JGT | BPF_K, 5, 0, 1), S(BPF_JMP | BPF_JA, 0xfffffffb),
	  S(BPF_MISC | BPF_TXA, 0), ALU_K(BPF_ADD, 100), RET_A }, 15, 105, 0 },
	/* two backward jumps to one head share its bound, as protochain's do */
	{ "two jumps, one head", { LDX_K(12),
	  S(BPF_MISC | BPF_TXA, 0), ALU_K(BPF_SUB, 1), S(BPF_MISC | BPF_TAX, 0),
	  J(BPF_JMP | BPF_JEQ | BPF_K, 0, 3, 0), J(BPF_JSET | BPF_JMP | BPF_K, 1, 1, 0),
	  S(BPF_JMP | BPF_JA, 0xfffffffa), S(BPF_JMP | BPF_JA, 0xfffffff9),
	  S(BPF_MISC | BPF_TXA, 0), ALU_K(BPF_ADD, 100), RET_A }, 11, 100, 0 },
	{ "blocks share no check", { S(BPF_LD | BPF_B | BPF_ABS, 14),
	  J(BPF_JMP | BPF_JEQ | BPF_K, 0x45, 0, 2), S(BPF_LD | BPF_W | BPF_ABS, 60), RET_A,
	  S(BPF_RET | BPF_K, 3) }, 5, 0xbcbdbebf, 0 },
};

const size_t corpus_ncases = sizeof(corpus_cases) / sizeof(corpus_cases[0]);

void corpus_max_prog(struct ebc_cbpf_insn *insns, size_t n)
{
	static const struct ebc_cbpf_insn tail[] = {
		S(BPF_MISC | BPF_TXA, 0), ALU_K(BPF_AND, 0xffff), ALU_K(BPF_ADD, 1), RET_A,
	};
	size_t i;

	for (i = 0; i + 4 < n; i += 4) {
		insns[i] = (struct ebc_cbpf_insn)S(BPF_LD | BPF_B | BPF_ABS, 14 + (i / 4) % 40);
		insns[i + 1] = (struct ebc_cbpf_insn)J(BPF_JMP | BPF_JGT | BPF_K, 0x80, 1, 0);
		insns[i + 2] = (struct ebc_cbpf_insn)ALU_X(BPF_ADD);
		insns[i + 3] = (struct ebc_cbpf_insn)S(BPF_MISC | BPF_TAX, 0);
	}
	memcpy(insns + i, tail, sizeof(tail));
}

const uint8_t *corpus_case_pkt(void)
{
	static uint8_t pkt[CORPUS_CASE_CAPLEN];
	int i;

	for (i = 0; i < CORPUS_CASE_CAPLEN; i++)
		pkt[i] = (uint8_t)(0x80 + i);
	pkt[14] = 0x45;
	return pkt;
}

int corpus_each_case(int (*fn)(const char *name, const struct ebc_cbpf_prog *prog, void *arg),
		     void *arg)
{
	char name[160];
	int ret;

	for (size_t i = 0; i < corpus_ncases; i++) {
		struct ebc_cbpf_prog c = {
			(struct ebc_cbpf_insn *)corpus_cases[i].prog, corpus_cases[i].len,
		};

		/* bpf_filter reads unwritten M[] as garbage: nothing to compare with */
		if (corpus_cases[i].no_libpcap)
			continue;
		snprintf(name, sizeof(name), "case %s", corpus_cases[i].name);
		ret = fn(name, &c, arg);
		if (ret)
			return ret;
	}
	return 0;
}
