// SPDX-License-Identifier: GPL-2.0-only
/*
 * ebpfcap: a Wireshark extcap and a tcpdump-like command on one code path.
 * Order, as Wireshark's extcaps have it: parse, log, answer the extcap queries,
 * then signals, output, taps, capture; one exit path. In extcap mode stdout
 * carries the protocol and stderr only the one final error.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "session.h"
#include "sockets.h"
#include "config.h"
#include "filter.h"
#include "hook.h"
#include "ifaces.h"
#include "kbtf.h"
#include "log.h"
#include "options.h"
#include "privs.h"
#include "replay.h"
#include "xlate.h"
#include "xlate_dump.h"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	stop_requested = 1;
}

static void install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };	/* no SA_RESTART: poll wakes up */

	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* A reader that goes away shows up as EPIPE from write(). */
	signal(SIGPIPE, SIG_IGN);
	/* A file at ulimit -f is a write error (EFBIG) to report, not a reason to die. */
	signal(SIGXFSZ, SIG_IGN);
}

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* What ebpfcap-tracepoint offers when the kernel's BTF cannot say. */
static const char *const usual_tracepoints[] = {
	"skb:kfree_skb", "net:netif_receive_skb", "net:net_dev_queue",
};

/*
 * The tracepoints this kernel has that carry an sk_buff, as "group:name"
 * ("name" when tracefs, which says the group, is out of reach). *names points
 * into *storage or at usual_tracepoints; the caller frees both.
 */
static int list_tracepoints(const char ***names, size_t *n, char **storage)
{
	struct ebc_kbtf *k = NULL;
	struct ebc_tp_info *tps = NULL;
	const size_t width = sizeof(tps->group) + sizeof(tps->name);
	size_t ntps = 0;
	int err;

	*storage = NULL;
	err = ebc_kbtf__open(&k);
	if (!err)
		err = ebc_kbtf__skb_tracepoints(k, &tps, &ntps);
	ebc_kbtf__close(k);
	if (!err && ntps)
		*storage = malloc(ntps * width);
	*names = calloc(*storage ? ntps : ARRAY_SIZE(usual_tracepoints), sizeof(**names));
	if (!*names) {
		free(*storage);
		*storage = NULL;	/* the caller frees it too */
		free(tps);
		return -ENOMEM;
	}
	if (!*storage) {
		if (err)
			ebc_info("cannot list the tracepoints: %s; offering the usual ones",
				 ebc_strerror(err));
		for (size_t i = 0; i < ARRAY_SIZE(usual_tracepoints); i++)
			(*names)[i] = usual_tracepoints[i];
		*n = ARRAY_SIZE(usual_tracepoints);
		free(tps);
		return 0;
	}
	for (size_t i = 0; i < ntps; i++) {
		char *s = *storage + i * width;

		snprintf(s, width, "%s%s%s", tps[i].group, tps[i].group[0] ? ":" : "", tps[i].name);
		(*names)[i] = s;
	}
	*n = ntps;
	free(tps);
	return 0;
}

/* What ebpfcap-kfunc offers when the kernel's BTF cannot say; where their sk_buff has long been. */
static const struct ebc_extcap_func usual_functions[] = {
	{ "__dev_queue_xmit", 1u << 0 }, { "ip_local_deliver", 1u << 0 }, { "ip_output", 1u << 2 },
	{ "ip_rcv", 1u << 0 }, { "netif_receive_skb", 1u << 0 }, { "tcp_v4_rcv", 1u << 0 },
	{ "udp_rcv", 1u << 0 },
};

/*
 * The functions this kernel's BTF says take an sk_buff, sorted by name.
 * (*funcs)[i].name points into *storage or at usual_functions; the caller
 * frees *funcs and *storage.
 */
static int list_functions(struct ebc_extcap_func **funcs, size_t *n,
			  struct ebc_kfunc_info **storage)
{
	struct ebc_kbtf *k = NULL;
	size_t nk = 0;
	int err;

	*storage = NULL;
	err = ebc_kbtf__open(&k);
	if (!err)
		err = ebc_kbtf__skb_functions(k, storage, &nk);
	ebc_kbtf__close(k);
	if (err || !nk) {
		ebc_info("cannot list the kernel functions: %s; offering the usual ones",
			 err ? ebc_strerror(err) : "none in BTF");
		free(*storage);
		*storage = NULL;
		nk = ARRAY_SIZE(usual_functions);
	}
	*funcs = calloc(nk, sizeof(**funcs));
	if (!*funcs) {
		free(*storage);
		*storage = NULL;
		return -ENOMEM;
	}
	for (size_t i = 0; i < nk; i++) {
		if (*storage)
			(*funcs)[i] = (struct ebc_extcap_func){ (*storage)[i].name, (*storage)[i].skb_args };
		else
			(*funcs)[i] = usual_functions[i];
	}
	*n = nk;
	return 0;
}

static int print_config(const struct ebc_config *cfg)
{
	struct ebc_extcap_values v = { 0 };
	struct ebc_iface *list = NULL;
	const char **names, **tps = NULL;
	char *tp_storage = NULL;
	struct ebc_extcap_func *funcs = NULL;
	struct ebc_kfunc_info *fn_storage = NULL;
	size_t n = 0, k = 0;
	int err;

	err = ebc_ifaces__list(&list, &n);
	if (err)
		n = 0;
	names = calloc(n + 1, sizeof(*names));
	if (!names) {
		free(list);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		if (list[i].dlt >= 0)
			names[k++] = list[i].name;
	v.devices = names;
	v.ndevices = k;
	/* Reading the kernel's BTF takes a moment; only ebpfcap-tracepoint and ebpfcap-kfunc need it. */
	if (!strcmp(cfg->extcap_interface, EBC_IFACE_TRACEPOINT)) {
		err = list_tracepoints(&tps, &v.ntracepoints, &tp_storage);
		if (err)
			goto out;
		v.tracepoints = tps;
	}
	if (!strcmp(cfg->extcap_interface, EBC_IFACE_KFUNC)) {
		err = list_functions(&funcs, &v.nfunctions, &fn_storage);
		if (err)
			goto out;
		v.functions = funcs;
	}
	err = ebc_extcap__print_config(stdout, cfg->extcap_interface, cfg->reload_option, &v);
out:
	free(funcs);
	free(fn_storage);
	free(tps);
	free(tp_storage);
	free(names);
	free(list);
	return err;
}

/*
 * The GUI's validation call: exit 0, and one line on stdout when the filter is
 * invalid. Checked as the capture would run it: at the interface's hook (XDP
 * has no packet type, tc has), in user space only for the sockets tap.
 */
static int check_filter(const struct ebc_config *cfg)
{
	struct ebc_cbpf_prog cbpf = { 0 };
	struct ebc_ebpf_prog prog = { 0 };
	struct ebc_xlate_opts xo;
	char err[512] = "";
	int ret;

	ebc_hook__xlate_opts(cfg->kind, &xo);
	ret = ebc_filter__compile(cfg->filter, 1 /* DLT_EN10MB */, cfg->snaplen, &cbpf, err,
				  sizeof(err));
	if (!ret && cfg->kind != EBC_TAP_SOCKETS)
		ret = ebc_xlate(&cbpf, &xo, &prog, err, sizeof(err));
	if (ret)
		printf("%s\n", err[0] ? err : ebc_strerror(ret));
	ebc_cbpf_prog__free(&cbpf);
	ebc_ebpf_prog__free(&prog);
	return 0;
}

static int open_output(const struct ebc_config *cfg, char *errbuf, size_t len);

/* -d and --dump-c: the filter compiled for Ethernet, then translated. */
static int dump_filter(const struct ebc_config *cfg)
{
	struct ebc_cbpf_prog cbpf = { 0 };
	struct ebc_ebpf_prog prog = { 0 };
	struct ebc_xlate_opts xo;
	char err[512] = "", *listing = NULL;
	int ret, n;

	/* As the tc tap would run it: the hook that answers most ancillary loads. */
	ebc_hook__xlate_opts(EBC_TAP_TC, &xo);
	if (cfg->cbpf_file)
		ret = ebc_filter__read(cfg->cbpf_file, &cbpf, err, sizeof(err));
	else
		ret = ebc_filter__compile(cfg->filter, 1 /* DLT_EN10MB */, cfg->snaplen, &cbpf, err,
					  sizeof(err));
	if (!ret && cfg->mode == EBC_MODE_DUMP_C) {
		ret = ebc_xlate_dump__c(stdout, &cbpf, err, sizeof(err));
		goto out;
	}
	if (!ret)
		ret = ebc_xlate(&cbpf, &xo, &prog, err, sizeof(err));
	if (ret)
		goto out;
	n = ebc_filter__dump(&cbpf, NULL, 0);
	listing = n > 0 ? malloc(n + 1) : NULL;
	if (listing && ebc_filter__dump(&cbpf, listing, n + 1) >= 0)
		printf("; classic BPF (%zu instructions)\n%s", cbpf.len, listing);
	printf("; eBPF (%zu instructions)\n", prog.len);
	ret = ebc_xlate_dump__ebpf(stdout, &prog);
out:
	if (ret && !err[0])
		snprintf(err, sizeof(err), "cannot print the filter: %s", ebc_strerror(ret));
	if (ret)
		ebc_err("%s", err);
	free(listing);
	ebc_cbpf_prog__free(&cbpf);
	ebc_ebpf_prog__free(&prog);
	return ret;
}

/* -r: a capture file through the datapath program, output as for a capture. */
static int run_replay(const struct ebc_config *cfg)
{
	struct ebc_replay_result res = { 0 };
	char err[512] = "";
	int fd, ret;

	signal(SIGPIPE, SIG_IGN);
	/* An unreadable input must not leave an empty output file behind. */
	if (access(cfg->input, R_OK)) {
		ebc_err("cannot read %s: %s", cfg->input, ebc_strerror(-errno));
		return -errno;
	}
	fd = ret = open_output(cfg, err, sizeof(err));
	if (fd >= 0) {
		ret = ebc_replay__run(cfg, fd, &res, err, sizeof(err));
		close(fd);
		/* A failed replay (bad filter, link type, privileges) leaves no file. */
		if (ret && strcmp(cfg->output, "-"))
			unlink(cfg->output);
	}
	if (ret) {
		ebc_err("%s", err);
		return ret;
	}
	if (!cfg->quiet)
		fprintf(stderr, "%llu packets read, %llu matched, %llu skipped\n",
			(unsigned long long)res.read, (unsigned long long)res.matched,
			(unsigned long long)res.skipped);
	return 0;
}

static int list_taps(void)
{
	char **names;
	size_t n;
	int err;

	err = ebc_session__list_taps(&names, &n);
	if (err) {
		ebc_err("cannot list network devices: %s", ebc_strerror(err));
		return err;
	}
	for (size_t i = 0; i < n; i++) {
		printf("%zu.%s\n", i + 1, names[i]);
		free(names[i]);
	}
	free(names);
	return 0;
}

/* What to do about an output that cannot be opened; fifo: Wireshark's --fifo. */
static const char *output_hint(int err, bool fifo)
{
	switch (err) {
	case -ENOENT:
		return fifo ? " (check --fifo: Wireshark creates the FIFO before it starts ebpfcap)" :
		       " (create the directory first)";
	case -EACCES:
	case -EPERM:
	case -EROFS:
		return " (write into a directory you can write to)";
	case -EISDIR:
		return " (give a file name, not a directory)";
	default:
		return "";
	}
}

static int open_output(const struct ebc_config *cfg, char *errbuf, size_t len)
{
	const char *path = cfg->extcap ? cfg->fifo : cfg->output;
	int fd;

	if (!path || !strcmp(path, "-")) {
		if (isatty(STDOUT_FILENO)) {
			ebc_errbuf(errbuf, len, "refusing to write pcapng to a terminal (use -w FILE, "
				   "or pipe into tshark -r -)");
			return -ENOTTY;
		}
		return dup(STDOUT_FILENO);
	}
	/* A FIFO is opened as it is; a file is created or truncated. */
	fd = open(path, cfg->extcap ? O_WRONLY | O_CLOEXEC :
		  O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		fd = -errno;
		ebc_errbuf(errbuf, len, "cannot open %s for writing: %s%s", path, ebc_strerror(fd),
			   output_hint(fd, cfg->extcap));
	}
	return fd;
}

static int run_capture(const struct ebc_config *cfg)
{
	struct ebc_session_result res;
	struct ebc_session *cap = NULL;
	struct ebc_sockets *socks = NULL;
	char err[512] = "";
	int fd = -1, ret;

	install_signals();
	/*
	 * tshark 4.0 hangs if an extcap exits without opening its FIFO: open it
	 * first. A file is opened last, so that bad input leaves no empty file.
	 */
	if (cfg->extcap) {
		fd = ret = open_output(cfg, err, sizeof(err));
		if (ret < 0)
			goto out;
	}
	if (cfg->kind == EBC_TAP_SOCKETS)
		ret = ebc_sockets__open(&socks, cfg, err, sizeof(err));
	else
		ret = ebc_session__open(&cap, cfg, err, sizeof(err));
	if (ret)
		goto out;
	if (fd < 0) {
		fd = ret = open_output(cfg, err, sizeof(err));
		if (ret < 0)
			goto out;
	}
	if (socks)
		ret = ebc_sockets__run(socks, fd, &stop_requested, &res, err, sizeof(err));
	else
		ret = ebc_session__run(cap, fd, &stop_requested, &res, err, sizeof(err));
	if (ret)
		goto out;
	if (cfg->extcap || cfg->quiet)
		ebc_info("%llu packets captured, %llu dropped", (unsigned long long)res.captured,
			 (unsigned long long)res.dropped);
	else
		fprintf(stderr, "%llu packets captured, %llu dropped\n",
			(unsigned long long)res.captured, (unsigned long long)res.dropped);
out:
	ebc_session__close(cap);
	ebc_sockets__close(socks);
	if (fd >= 0)
		close(fd);
	if (ret && err[0])
		ebc_err("%s", err);
	return ret;
}

/*
 * A parse error during an extcap capture still owes tshark an opened FIFO.
 * The error may come before --fifo was parsed, so look for it in argv.
 * Blocking, as for a capture: Wireshark's capture child opens the read end.
 */
static void release_fifo(int argc, char **argv)
{
	const char *fifo = NULL;
	int fd;

	for (int i = 1; i < argc && !fifo; i++) {
		/* NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker): argv[i] is set for i < argc */
		if (!strcmp(argv[i], "--fifo") && i + 1 < argc)
			fifo = argv[i + 1];
		else if (!strncmp(argv[i], "--fifo=", 7))
			fifo = argv[i] + 7;
	}
	if (!fifo)
		return;
	fd = open(fifo, O_WRONLY | O_CLOEXEC);
	if (fd >= 0)
		close(fd);
}

int main(int argc, char **argv)
{
	struct ebc_config cfg;
	char err[512] = "";
	int ret;

	if (ebc_privs__init())
		return 1;
	ret = ebc_options__parse(argc, argv, &cfg, err, sizeof(err));
	if (ret) {
		release_fifo(argc, argv);
		ebc_err("%s", err);
		return 1;
	}
	if (ebc_log__init(cfg.log_file, cfg.log_level, !cfg.extcap)) {
		ret = -errno;
		if (cfg.extcap && cfg.mode == EBC_MODE_CAPTURE)
			release_fifo(argc, argv);
		ebc_err("cannot open log file %s: %s (check --log-file)", cfg.log_file,
			ebc_strerror(ret));
		return 1;
	}
	ebc_log__bridge_libbpf();

	switch (cfg.mode) {
	case EBC_MODE_EXTCAP_INTERFACES:
		ret = ebc_extcap__print_interfaces(stdout);
		break;
	case EBC_MODE_EXTCAP_DLTS:
		ret = ebc_extcap__print_dlts(stdout, cfg.extcap_interface);
		break;
	case EBC_MODE_EXTCAP_CONFIG:
		ret = print_config(&cfg);
		break;
	case EBC_MODE_EXTCAP_FILTER_CHECK:
		ret = check_filter(&cfg);
		break;
	case EBC_MODE_LIST_TAPS:
		ret = list_taps();
		break;
	case EBC_MODE_HELP:
		ebc_options__print_help(stdout);
		ret = 0;
		break;
	case EBC_MODE_VERSION:
		printf("ebpfcap %s\n", EBPFCAP_VERSION);
		ret = 0;
		break;
	case EBC_MODE_DUMP:
	case EBC_MODE_DUMP_C:
		ret = dump_filter(&cfg);
		break;
	case EBC_MODE_REPLAY:
		ret = run_replay(&cfg);
		break;
	case EBC_MODE_CAPTURE:
		ret = run_capture(&cfg);
		break;
	default:
		/* Never capture by accident: a mode main does not know is a bug. */
		ebc_err("internal error: unknown mode %d", cfg.mode);
		ret = -EINVAL;
		break;
	}
	fflush(stdout);
	ebc_log__close();
	return ret ? 1 : 0;
}
