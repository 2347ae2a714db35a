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

/* Fill cfg with defaults, then parse argv. 0, or -EINVAL with one line in errbuf. */
int ebc_options__parse(int argc, char **argv, struct ebc_config *cfg, char *errbuf, size_t errlen);
void ebc_options__print_help(FILE *out);

/* Extcap protocol output (stdout). devices: the network devices to offer. */
int ebc_extcap__print_interfaces(FILE *out);
int ebc_extcap__print_dlts(FILE *out, const char *interface);
int ebc_extcap__print_config(FILE *out, const char *interface, const char *reload_option,
			     const char *const *devices, size_t ndevices);

#endif /* EBPFCAP_OPTIONS_H */
