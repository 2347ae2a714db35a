// SPDX-License-Identifier: GPL-2.0-only
/* Levels, a file sink and the libbpf bridge. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <bpf/libbpf.h>
#include "log.h"

static FILE *log_fp;
static int log_level = EBC_LOG_WARN;
static int log_to_stderr = 1;

static const char *const level_names[] = {
	[EBC_LOG_ERROR] = "error",
	[EBC_LOG_WARN] = "warning",
	[EBC_LOG_INFO] = "info",
	[EBC_LOG_DEBUG] = "debug",
	[EBC_LOG_LIBBPF] = "libbpf",
};

int ebc_log__init(const char *path, int level, int stderr_allowed)
{
	log_level = level;
	log_to_stderr = stderr_allowed;
	if (!path)
		return 0;
	log_fp = fopen(path, "a");
	if (!log_fp)
		return -errno;
	setvbuf(log_fp, NULL, _IOLBF, 0);
	return 0;
}

void ebc_log__close(void)
{
	if (log_fp)
		fclose(log_fp);
	log_fp = NULL;
}

/* Wireshark's level names plus our own; -1 when unknown. */
int ebc_log__level_from_name(const char *name)
{
	static const struct { const char *name; int level; } map[] = {
		{ "error", EBC_LOG_ERROR }, { "critical", EBC_LOG_ERROR },
		{ "warning", EBC_LOG_WARN }, { "message", EBC_LOG_INFO },
		{ "info", EBC_LOG_INFO }, { "debug", EBC_LOG_DEBUG },
		{ "noisy", EBC_LOG_LIBBPF },
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcasecmp(name, map[i].name))
			return map[i].level;
	return -1;
}

static FILE *log_sink(void)
{
	if (log_fp)
		return log_fp;
	return log_to_stderr ? stderr : NULL;
}

static void log_v(int level, const char *fmt, va_list ap)
{
	FILE *fp = log_sink();
	struct timespec ts;

	if (!fp || level > log_level)
		return;
	if (fp == log_fp) {
		clock_gettime(CLOCK_REALTIME, &ts);
		fprintf(fp, "%lld.%06ld %s: ", (long long)ts.tv_sec, ts.tv_nsec / 1000,
			level_names[level]);
	} else {
		fputs("ebpfcap: ", fp);
	}
	vfprintf(fp, fmt, ap);
	fputc('\n', fp);
}

void ebc_log(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_v(level, fmt, ap);
	va_end(ap);
}

void ebc_err(const char *fmt, ...)
{
	va_list ap;

	if (log_fp) {
		va_start(ap, fmt);
		log_v(EBC_LOG_ERROR, fmt, ap);
		va_end(ap);
	}
	va_start(ap, fmt);
	fputs("ebpfcap: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static int libbpf_print(enum libbpf_print_level lvl, const char *fmt, va_list ap)
{
	/* libbpf's warnings are our debug, its info and debug our noisiest level. */
	int level = lvl == LIBBPF_WARN ? EBC_LOG_DEBUG : EBC_LOG_LIBBPF;
	char *msg, *line, *save = NULL;

	if (!log_sink() || level > log_level)
		return 0;
	/* A verifier log arrives as one message of many lines: log each line. */
	if (vasprintf(&msg, fmt, ap) < 0)
		return 0;
	for (line = strtok_r(msg, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		ebc_log(level, "libbpf: %s", line);
	free(msg);
	return 0;
}

void ebc_log__bridge_libbpf(void)
{
	libbpf_set_print(libbpf_print);
}

void ebc_errbuf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!buf || !len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

const char *ebc_strerror(int err)
{
	static __thread char buf[128];

	if (err < 0)
		err = -err;
	/* GNU strerror_r may return a static string instead of filling buf. */
	return strerror_r(err, buf, sizeof(buf));
}
