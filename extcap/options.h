/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One table declares every option (name, type, default, range, help, extcap
 * display); getopt_long, --help and --extcap-config are derived from it.
 */
#ifndef EBPFCAP_OPTIONS_H
#define EBPFCAP_OPTIONS_H

#include <stddef.h>
#include <stdio.h>
#include "config.h"

/* The extcap interfaces ebpfcap offers, in --extcap-interfaces order. */
#define EBC_IFACE_ANY "ebpfcap"
#define EBC_IFACE_TC "ebpfcap-tc"
#define EBC_IFACE_XDP "ebpfcap-xdp"
#define EBC_IFACE_DROPS "ebpfcap-drops"
#define EBC_IFACE_TRACEPOINT "ebpfcap-tracepoint"
#define EBC_IFACE_KFUNC "ebpfcap-kfunc"
#define EBC_IFACE_SOCKETS "ebpfcap-sockets"

/* What -i drops and ebpfcap-drops trace. */
#define EBC_DROPS_TRACEPOINT "skb:kfree_skb"

/* Fill cfg with defaults, then parse argv. 0, or -EINVAL with one line in errbuf. */
int ebc_options__parse(int argc, char **argv, struct ebc_config *cfg, char *errbuf, size_t errlen);
void ebc_options__print_help(FILE *out);

/* A kernel function ebpfcap-kfunc offers, and where its sk_buff is. */
struct ebc_extcap_func {
	const char *name;
	unsigned int skb_args;		/* bit i set: parameter i + 1 is a struct sk_buff * */
};

/* The values --extcap-config offers that only the running system knows. */
struct ebc_extcap_values {
	const char *const *devices;	/* network devices, for --device */
	size_t ndevices;
	const char *const *tracepoints;	/* "group:name" (or "name") with an sk_buff, for --tracepoint */
	size_t ntracepoints;
	const struct ebc_extcap_func *functions;	/* for --function, in the order offered */
	size_t nfunctions;
};

/* Extcap protocol output (stdout). values may be NULL: no devices, tracepoints or functions. */
int ebc_extcap__print_interfaces(FILE *out);
int ebc_extcap__print_dlts(FILE *out, const char *interface);
int ebc_extcap__print_config(FILE *out, const char *interface, const char *reload_option,
			     const struct ebc_extcap_values *values);

#endif /* EBPFCAP_OPTIONS_H */
