/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Frames synthesised around what a process read from or wrote to a socket:
 * Ethernet + IPv4/IPv6 + TCP/UDP with the socket's real addresses and ports
 * and correct checksums, and, per TCP connection, sequence and
 * acknowledgement numbers that advance with the bytes each way, a handshake
 * when it opens and a FIN when either side ends it, so that Wireshark's TCP
 * analysis, Follow TCP Stream and the application dissectors reassemble the
 * stream. Pure functions and a table: no kernel, no root.
 *
 * The local host is 02:00:00:00:00:01, the peer 02:00:00:00:00:02. A write is
 * data from the local address to the remote one; a read, remote to local.
 */
#ifndef EBPFCAP_SYNTH_H
#define EBPFCAP_SYNTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Payload bytes per TCP segment: a larger read or write becomes several frames. */
#define EBC_SYNTH_SEG_MAX 65000
/* The largest UDP payload an IPv4 datagram holds (65535 - 20 - 8). */
#define EBC_SYNTH_UDP_MAX 65507
/* Ethernet + IPv6 + TCP (no options): the most header bytes a frame has. */
#define EBC_SYNTH_HDR_MAX (14 + 40 + 20)

#define EBC_TCP_FIN 0x01
#define EBC_TCP_SYN 0x02
#define EBC_TCP_RST 0x04
#define EBC_TCP_PSH 0x08
#define EBC_TCP_ACK 0x10

struct ebc_synth_flow {
	int family;		/* AF_INET or AF_INET6 */
	int proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	uint8_t laddr[16];	/* network order; IPv4 in the first four bytes */
	uint8_t raddr[16];
	uint16_t lport;		/* host order */
	uint16_t rport;
};

/*
 * An IPv6 socket whose addresses are IPv4-mapped (::ffff:a.b.c.d, or :: and
 * a mapped peer) carries IPv4: make the flow IPv4 so the frames are.
 */
void ebc_synth__unmap(struct ebc_synth_flow *f);

/*
 * Build one frame into buf (room for EBC_SYNTH_HDR_MAX + caplen bytes): out
 * says local to remote, flags and seq/ack are TCP's (ignored for UDP), and
 * caplen of the len payload bytes are at payload. Returns the header length:
 * the frame is header + len bytes long, header + caplen of them in buf.
 * Checksums cover what is in buf: right when caplen == len.
 */
size_t ebc_synth__frame(uint8_t *buf, const struct ebc_synth_flow *f, bool out, uint8_t flags,
			uint32_t seq, uint32_t ack, const void *payload, size_t caplen, size_t len);

/* The Internet checksum of n bytes, starting from a partial sum (0 to start). */
uint16_t ebc_synth__csum(const void *data, size_t n, uint32_t sum);

/* Called with each frame built: caplen bytes of a len-byte frame. 0, or -errno: stops, is returned. */
typedef int (*ebc_synth_emit_fn)(void *ctx, const uint8_t *frame, size_t caplen, size_t len,
				 bool out);

struct ebc_synth;

/* NULL on allocation failure. */
struct ebc_synth *ebc_synth__new(ebc_synth_emit_fn emit, void *ctx);
void ebc_synth__free(struct ebc_synth *s);

/*
 * A connection opened: active (connect) or passive (accept). TCP gets a
 * handshake, SYN from the side that connected; the state for key starts over.
 * UDP: nothing to emit. Each of these returns the frames emitted, or -errno
 * (the emit callback's, or -ENOMEM).
 */
int ebc_synth__open(struct ebc_synth *s, uint64_t key, const struct ebc_synth_flow *f,
		    bool active);
/*
 * Bytes read (out = false) or written: TCP segments of at most
 * EBC_SYNTH_SEG_MAX advancing that direction's sequence number by len, or
 * one UDP datagram. A TCP connection not seen opening (or whose key now has
 * other addresses) gets a handshake first, the side with the higher port
 * taken as the one that connected. A read on a connection whose other end is
 * traced too (the mirrored flow has, or had, a connection) emits nothing: the
 * other end's write showed those bytes; the read only advances the sequence.
 */
int ebc_synth__data(struct ebc_synth *s, uint64_t key, const struct ebc_synth_flow *f, bool out,
		    const void *payload, size_t caplen, size_t len);
/* The peer ended its stream (a read returned 0): its FIN, once. */
int ebc_synth__eof(struct ebc_synth *s, uint64_t key, const struct ebc_synth_flow *f);
/* The process closed the socket: the local FIN; the state for key is dropped. */
int ebc_synth__close(struct ebc_synth *s, uint64_t key, const struct ebc_synth_flow *f);
/* Connections tracked now. */
size_t ebc_synth__count(const struct ebc_synth *s);

/*
 * A capture filter for these frames: a libpcap expression compiled for
 * Ethernet, run in user space (the kernel side sees syscalls, not packets).
 */
struct ebc_synth_filter;

/* NULL with errbuf set ("invalid capture filter ...") when expr does not compile. */
struct ebc_synth_filter *ebc_synth__filter_new(const char *expr, unsigned int snaplen,
					       char *errbuf, size_t len);
bool ebc_synth__filter_match(const struct ebc_synth_filter *flt, const uint8_t *frame,
			     size_t caplen, size_t len);
void ebc_synth__filter_free(struct ebc_synth_filter *flt);

#endif /* EBPFCAP_SYNTH_H */
