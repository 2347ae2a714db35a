// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for option parsing (extcap/options.c): the input is split
 * at NUL bytes into an argv after "ebpfcap", each argument in its own heap
 * block so that ASan sees any read past its end; some inputs start from a
 * real extcap or standalone command line so the fuzzer reaches the checks
 * behind the option loop. ebc_options__parse must return 0, or -EINVAL with
 * exactly one non-empty line in the error buffer, and never print, exit or
 * leak. The extcap printers then run for the interface the argv named.
 *
 * Build and run (tests/fuzz/test_fuzz_options.sh does this, with a dictionary):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -include autoconfig.h -Isrc \
 *     -Iextcap -Ibpf tests/fuzz/fuzz_options.c extcap/options.c src/log.c -lbpf -o fuzz_options
 *   ./fuzz_options -max_total_time=30 -max_len=512
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "options.h"

#define MAX_ARGS	48
#define ERRLEN		256

#define FAIL(...) do { fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); abort(); } while (0)

/* Command lines to start from: the fuzzer's arguments come after them. */
static const char *const prefixes[][8] = {
	{ NULL },
	{ "--capture", "--extcap-interface", "ebpfcap-tc", "--fifo", "/tmp/f", NULL },
	{ "--capture", "--extcap-interface", "ebpfcap-xdp", "--fifo", "/tmp/f", NULL },
	{ "--capture", "--extcap-interface", "ebpfcap-kfunc", "--fifo", "/tmp/f", NULL },
	{ "--capture", "--extcap-interface", "ebpfcap-tracepoint", "--fifo", "/tmp/f", NULL },
	{ "--capture", "--extcap-interface", "ebpfcap-sockets", "--fifo", "/tmp/f", NULL },
	{ "--extcap-config", "--extcap-interface", "ebpfcap", NULL },
	{ "-i", "tc:eth0", "-w", "/tmp/out.pcapng", NULL },
	{ "-i", "kfunc:ip_rcv", "-c", "10", NULL },
};
#define NPREFIXES (sizeof(prefixes) / sizeof(prefixes[0]))

static FILE *sink;
/* stdout and stderr go here during a parse, which must leave it empty */
static int quiet_fd = -1, saved_out, saved_err;

static void quiet_begin(void)
{
	if (quiet_fd < 0) {
		quiet_fd = memfd_create("fuzz_options", 0);
		saved_out = dup(1);
		saved_err = dup(2);
		if (quiet_fd < 0 || saved_out < 0 || saved_err < 0)
			FAIL("cannot set up the output check");
	}
	fflush(stdout);
	fflush(stderr);
	if (dup2(quiet_fd, 1) < 0 || dup2(quiet_fd, 2) < 0)
		FAIL("dup2 failed");
}

static void quiet_end(void)
{
	off_t printed;

	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, 1);
	dup2(saved_err, 2);
	printed = lseek(quiet_fd, 0, SEEK_CUR);
	if (printed)
		FAIL("the parse printed %lld bytes on stdout or stderr", (long long)printed);
}

static void check_result(int ret, const char *errbuf, int argc)
{
	size_t len = strnlen(errbuf, ERRLEN);

	if (len == ERRLEN)
		FAIL("error buffer not terminated");
	if (ret == 0)
		return;
	if (ret != -EINVAL)
		FAIL("parse of %d arguments returned %d, want 0 or -EINVAL", argc, ret);
	if (!len || strchr(errbuf, '\n'))
		FAIL("-EINVAL with %s error line: \"%s\"", len ? "a multi-line" : "an empty", errbuf);
}

/* The extcap printers, for the interface the command line named (or a fuzzed one). */
static void print_extcap(const char *iface)
{
	static const char *const devices[] = { "eth0", "lo" };
	static const char *const tps[] = { "skb:kfree_skb", "net:netif_receive_skb" };
	static const struct ebc_extcap_func funcs[] = { { "ip_rcv", 1 }, { "tcp_v4_rcv", 1 } };
	const struct ebc_extcap_values values = { devices, 2, tps, 2, funcs, 2 };

	ebc_extcap__print_dlts(sink, iface);
	ebc_extcap__print_config(sink, iface, NULL, &values);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[MAX_ARGS + 1] = { 0 };
	char errbuf[ERRLEN];
	struct ebc_config cfg;
	const char *iface = NULL;
	size_t off = 1, pre;
	int argc = 0, ret;

	if (!sink && !(sink = fopen("/dev/null", "w")))
		FAIL("cannot open /dev/null");
	if (!size)
		return 0;
	pre = data[0] % NPREFIXES;
	argv[argc++] = strdup("ebpfcap");
	for (int i = 0; prefixes[pre][i] && argc < MAX_ARGS; i++)
		argv[argc++] = strdup(prefixes[pre][i]);
	while (off < size && argc < MAX_ARGS) {
		const uint8_t *nul = memchr(data + off, 0, size - off);
		size_t n = nul ? (size_t)(nul - (data + off)) : size - off;

		argv[argc] = malloc(n + 1);
		if (!argv[argc])
			FAIL("out of memory");
		memcpy(argv[argc], data + off, n);
		argv[argc][n] = '\0';
		argc++;
		off += n + 1;
	}
	/* getopt_long permutes argv; keep the blocks to free apart from it */
	char *owned[MAX_ARGS + 1];
	memcpy(owned, argv, sizeof(owned));

	memset(errbuf, 'x', sizeof(errbuf));
	quiet_begin();
	ret = ebc_options__parse(argc, argv, &cfg, errbuf, sizeof(errbuf));
	quiet_end();
	check_result(ret, errbuf, argc);
	for (int i = 1; i + 1 < argc; i++)
		if (!strcmp(argv[i], "--extcap-interface"))
			iface = argv[i + 1];
	print_extcap(iface ? iface : argc > 1 ? argv[argc - 1] : "ebpfcap");

	for (int i = 0; i < argc; i++)
		free(owned[i]);
	return 0;
}
