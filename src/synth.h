/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef EBPFCAP_SYNTH_H
#define EBPFCAP_SYNTH_H
#endif
