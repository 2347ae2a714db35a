/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Logging. Messages go to the log file (--log-file) when one is set, otherwise
 * to stderr in standalone mode and nowhere in extcap mode: there, stderr is
 * the channel Wireshark shows as an error, and stdout carries the protocol.
 * The one error a run ends with is printed by ebc_die-style callers with
 * ebc_err(), which always reaches stderr.
 */
#ifndef EBPFCAP_LOG_H
#define EBPFCAP_LOG_H

#include <stdarg.h>
#include <stddef.h>

enum ebc_log_level {
	EBC_LOG_ERROR = 0,
	EBC_LOG_WARN,
	EBC_LOG_INFO,
	EBC_LOG_DEBUG,
	EBC_LOG_LIBBPF,		/* libbpf's own debug output, one level below ours */
};

int ebc_log__init(const char *path, int level, int stderr_allowed);
void ebc_log__close(void);
int ebc_log__level_from_name(const char *name);
void ebc_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The final error: one line on stderr (and in the log), prefixed "ebpfcap: ". */
void ebc_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Route libbpf's messages into our log, one level lower than their own. */
void ebc_log__bridge_libbpf(void);

#define ebc_warn(...)  ebc_log(EBC_LOG_WARN, __VA_ARGS__)
#define ebc_info(...)  ebc_log(EBC_LOG_INFO, __VA_ARGS__)
#define ebc_debug(...) ebc_log(EBC_LOG_DEBUG, __VA_ARGS__)

/* Format an error into a caller's buffer; the layer that decides prints it once. */
void ebc_errbuf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* strerror for a negative or positive errno, thread-safe. */
const char *ebc_strerror(int err);

#endif /* EBPFCAP_LOG_H */
