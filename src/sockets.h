/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The socket-syscall tap (ebpfcap-sockets, -i sockets): what processes read
 * from and write to their TCP and UDP sockets, taken at the syscalls
 * (accept, connect, read, write, readv, writev, recvfrom, sendto, recvmsg,
 * sendmsg, close) and written as pcapng that Wireshark dissects: synthesised
 * Ethernet/IP/TCP or UDP frames with the socket's real addresses and ports,
 * sequence numbers consistent per connection, and a comment naming the
 * process, fd and syscall. The payload is what the process saw: TLS stays
 * encrypted at this layer.
 */
#ifndef EBPFCAP_SOCKETS_H
#define EBPFCAP_SOCKETS_H

#include <signal.h>
#include <stddef.h>
#include "config.h"
#include "session.h"

struct ebc_sockets;

/* Load and attach. Nothing stays attached on error; errbuf says why in one line. */
int ebc_sockets__open(struct ebc_sockets **out, const struct ebc_config *cfg, char *errbuf,
		      size_t len);
/* Write pcapng to fd until *stop, the packet count, or the reader going away. */
int ebc_sockets__run(struct ebc_sockets *s, int fd, volatile sig_atomic_t *stop,
		     struct ebc_session_result *res, char *errbuf, size_t len);
/* Detach and free; accepts NULL. */
void ebc_sockets__close(struct ebc_sockets *s);

#endif /* EBPFCAP_SOCKETS_H */
