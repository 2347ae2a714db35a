/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The socket-owner storage: a struct ebc_owner attached to each socket the
 * cgroup hooks of bpf/sock.bpf.c see a process use, read by the taps through
 * the packet's socket (or the one a received packet is for). BPF_F_CLONE
 * hands a listener's owner to the sockets it accepts. One map, shared by fd.
 */
#ifndef EBPFCAP_OWNERS_BPF_H
#define EBPFCAP_OWNERS_BPF_H

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC | BPF_F_CLONE);
	__type(key, int);
	__type(value, struct ebc_owner);
} ebc_owners SEC(".maps");


/* The owners by address, for XDP (see struct ebc_owner_key). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, EBC_MAX_OWNERS);
	__type(key, struct ebc_owner_key);
	__type(value, struct ebc_owner);
} ebc_addr_owners SEC(".maps");

/*
 * The local ports, per protocol, that have an entry in ebc_addr_owners: one
 * bit each, set with the entry and never cleared. XDP looks a packet's owner
 * up only when the bit of its port is set, so that packets for no local
 * socket (forwarded, to a closed port) cost no hash lookups.
 */
#define EBC_PORT_WORDS (65536 / 64)
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2 * EBC_PORT_WORDS);
	__type(key, __u32);
	__type(value, __u64);
} ebc_owner_ports SEC(".maps");

/* The word of ebc_owner_ports holding (proto, lport in network order), and its bit. */
static __always_inline __u32 port_word(__u32 proto, __u16 lport, __u64 *bit)
{
	__u16 port = __builtin_bswap16(lport);

	*bit = 1ull << (port & 63);
	return (proto == IPPROTO_UDP ? EBC_PORT_WORDS : 0) + (port >> 6);
}

static __always_inline bool port_owned(__u32 proto, __u16 lport)
{
	__u64 bit;
	__u32 key = port_word(proto, lport, &bit);
	__u64 *w = bpf_map_lookup_elem(&ebc_owner_ports, &key);

	return w && (*w & bit);
}

static __always_inline void port_mark(__u32 proto, __u16 lport)
{
	__u64 bit;
	__u32 key = port_word(proto, lport, &bit);
	__u64 *w = bpf_map_lookup_elem(&ebc_owner_ports, &key);

	if (w && !(*w & bit))
		__sync_fetch_and_or(w, bit);
}

/* Whether user space shared the owners' storage (the cgroup hooks run). */
const volatile bool ebc_want_owner = false;

#define ETH_P_IPV4_BE 0x0008	/* htons(0x0800) */
#define ETH_P_IPV6_BE 0xdd86	/* htons(0x86dd) */

/* The owner of a socket the program holds, copied out; false if it has none. */
static __always_inline bool owner_of_sock(struct bpf_sock *sk, struct ebc_owner *out)
{
	struct ebc_owner *o;

	sk = sk ? bpf_sk_fullsock(sk) : NULL;
	if (!sk)
		return false;
	o = bpf_sk_storage_get(&ebc_owners, sk, 0, 0);
	if (!o)
		return false;
	*out = *o;
	return true;
}

/*
 * A packet's addresses as an owner key, from its IP header at ip (ethertype
 * in network order): local = destination, remote = source. IPv4 and IPv6
 * without extension headers, TCP and UDP; false for anything else. The
 * caller sets k->netns.
 */
static __always_inline bool ip_key(void *ip, void *data_end, __u16 ethertype,
				   struct ebc_owner_key *k)
{
	void *l4;

	if (ethertype == ETH_P_IPV4_BE) {
		struct iphdr *ip4 = ip;

		if ((void *)(ip4 + 1) > data_end || ip4->ihl < 5)
			return false;
		k->proto = ip4->protocol;
		l4 = (void *)ip4 + ((ip4->ihl & 0xf) << 2);
		k->raddr[0] = ip4->saddr;
		k->laddr[0] = ip4->daddr;
	} else if (ethertype == ETH_P_IPV6_BE) {
		struct ipv6hdr *ip6 = ip;

		if ((void *)(ip6 + 1) > data_end)
			return false;
		k->proto = ip6->nexthdr;
		l4 = ip6 + 1;
		__builtin_memcpy(k->raddr, &ip6->saddr, 16);
		__builtin_memcpy(k->laddr, &ip6->daddr, 16);
	} else {
		return false;
	}
	if (l4 + 4 > data_end || (k->proto != IPPROTO_TCP && k->proto != IPPROTO_UDP))
		return false;
	k->rport = *(__be16 *)l4;
	k->lport = *(__be16 *)(l4 + 2);
	return true;
}

/* The same from an Ethernet frame. */
static __always_inline bool packet_key(void *data, void *data_end, struct ebc_owner_key *k)
{
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > data_end)
		return false;
	return ip_key(eth + 1, data_end, eth->h_proto, k);
}

/* The owner recorded for a key (TCP connection, else UDP bound to the address or to any). */
static __always_inline bool owner_by_key(struct ebc_owner_key *k, struct ebc_owner *out)
{
	struct ebc_owner *o;

	if (k->proto == IPPROTO_UDP) {
		__builtin_memset(k->raddr, 0, sizeof(k->raddr));
		k->rport = 0;
	}
	o = bpf_map_lookup_elem(&ebc_addr_owners, k);
	if (!o && k->proto == IPPROTO_UDP) {
		__builtin_memset(k->laddr, 0, sizeof(k->laddr));
		o = bpf_map_lookup_elem(&ebc_addr_owners, k);
	}
	if (!o)
		return false;
	*out = *o;
	return true;
}

/*
 * The local socket a received packet is for, found as the stack will find it
 * (TCP: established, else listening; UDP: bound), and its owner.
 */
static __always_inline bool owner_of_packet(void *ctx, void *data, void *data_end,
					    struct ebc_owner *out)
{
	struct ebc_owner_key k = {};
	struct bpf_sock_tuple t = {};
	struct bpf_sock *sk;
	__u32 tlen;
	bool found;

	if (!packet_key(data, data_end, &k))
		return false;
	if (((struct ethhdr *)data)->h_proto == ETH_P_IPV4_BE) {
		t.ipv4.saddr = k.raddr[0];
		t.ipv4.daddr = k.laddr[0];
		t.ipv4.sport = k.rport;
		t.ipv4.dport = k.lport;
		tlen = sizeof(t.ipv4);
	} else {
		__builtin_memcpy(t.ipv6.saddr, k.raddr, 16);
		__builtin_memcpy(t.ipv6.daddr, k.laddr, 16);
		t.ipv6.sport = k.rport;
		t.ipv6.dport = k.lport;
		tlen = sizeof(t.ipv6);
	}
	if (k.proto == IPPROTO_TCP)
		sk = bpf_skc_lookup_tcp(ctx, &t, tlen, BPF_F_CURRENT_NETNS, 0);
	else
		sk = bpf_sk_lookup_udp(ctx, &t, tlen, BPF_F_CURRENT_NETNS, 0);
	if (!sk)
		return false;
	found = owner_of_sock(sk, out);
	bpf_sk_release(sk);
	return found;
}

/* The netns cookie of the namespace the XDP tap runs in (set by user space). */
const volatile __u64 ebc_netns_cookie = 0;

/*
 * XDP: the owner by address, from what sock_ops and post_bind recorded:
 * an established TCP connection, else a UDP socket bound to the address or
 * to any address.
 */
static __always_inline bool owner_by_addr(void *data, void *data_end, struct ebc_owner *out)
{
	struct ebc_owner_key k = {};

	if (!packet_key(data, data_end, &k) || !port_owned(k.proto, k.lport))
		return false;
	k.netns = ebc_netns_cookie;
	return owner_by_key(&k, out);
}

static __always_inline void rec_owner(struct ebc_rec *rec, const struct ebc_owner *o)
{
	rec->pid = o->pid;
	rec->tid = o->tid;
	__builtin_memcpy(rec->comm, o->comm, sizeof(rec->comm));
	rec->flags |= EBC_REC_F_PID;
}

#endif /* EBPFCAP_OWNERS_BPF_H */
