// SPDX-License-Identifier: GPL-2.0-only
/*
 * The capture filter: libpcap's compiler on a dead handle, its program copied
 * into our own layout so that nothing past this file sees <pcap/bpf.h>.
 * <linux/bpf.h> and <linux/filter.h> must not be included here: pcap/bpf.h
 * defines a struct bpf_insn of its own.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pcap/pcap.h>

#include "filter.h"
#include "log.h"

/* The program an empty filter stands for: accept everything, snaplen bytes. */
static int filter_accept_all(unsigned int snaplen, struct ebc_cbpf_prog *out,
			     char *errbuf, size_t errlen)
{
	out->insns = calloc(1, sizeof(*out->insns));
	if (!out->insns) {
		ebc_errbuf(errbuf, errlen, "cannot allocate capture filter: %s", ebc_strerror(-ENOMEM));
		return -ENOMEM;
	}
	out->insns[0].code = BPF_RET | BPF_K;
	out->insns[0].k = snaplen;
	out->len = 1;
	return 0;
}

static int filter_copy(const struct bpf_program *bp, struct ebc_cbpf_prog *out,
		       char *errbuf, size_t errlen)
{
	size_t i;

	out->insns = calloc(bp->bf_len, sizeof(*out->insns));
	if (!out->insns) {
		ebc_errbuf(errbuf, errlen, "cannot allocate capture filter: %s", ebc_strerror(-ENOMEM));
		return -ENOMEM;
	}
	for (i = 0; i < bp->bf_len; i++) {
		out->insns[i].code = bp->bf_insns[i].code;
		out->insns[i].jt = bp->bf_insns[i].jt;
		out->insns[i].jf = bp->bf_insns[i].jf;
		out->insns[i].k = bp->bf_insns[i].k;
	}
	out->len = bp->bf_len;
	return 0;
}

int ebc_filter__compile(const char *expr, int dlt, unsigned int snaplen,
			struct ebc_cbpf_prog *out, char *errbuf, size_t errlen)
{
	struct bpf_program bp;
	pcap_t *p;
	int err;

	out->insns = NULL;
	out->len = 0;
	if (!expr || !*expr)
		return filter_accept_all(snaplen, out, errbuf, errlen);

	p = pcap_open_dead(dlt, (int)snaplen);
	if (!p) {
		ebc_errbuf(errbuf, errlen, "cannot compile capture filter \"%s\": %s",
			   expr, ebc_strerror(-ENOMEM));
		return -ENOMEM;
	}
	if (pcap_compile(p, &bp, expr, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		ebc_errbuf(errbuf, errlen, "invalid capture filter \"%s\": %s",
			   expr, pcap_geterr(p));
		pcap_close(p);
		return -EINVAL;
	}
	err = filter_copy(&bp, out, errbuf, errlen);
	pcap_freecode(&bp);
	pcap_close(p);
	return err;
}

void ebc_cbpf_prog__free(struct ebc_cbpf_prog *prog)
{
	if (!prog)
		return;
	free(prog->insns);
	prog->insns = NULL;
	prog->len = 0;
}

/*
 * bpf_image() formats one instruction the way tcpdump -d does; it takes
 * libpcap's struct, so each instruction is copied back before formatting.
 * Returns the length the full listing needs, like snprintf.
 */
int ebc_filter__dump(const struct ebc_cbpf_prog *prog, char *buf, size_t len)
{
	struct bpf_insn insn;
	size_t used = 0;
	size_t i;
	int n;

	if (buf && len)
		buf[0] = '\0';
	for (i = 0; i < prog->len; i++) {
		insn.code = prog->insns[i].code;
		insn.jt = prog->insns[i].jt;
		insn.jf = prog->insns[i].jf;
		insn.k = prog->insns[i].k;
		n = snprintf(buf ? buf + (used < len ? used : len) : NULL,
			     used < len ? len - used : 0, "%s\n", bpf_image(&insn, (int)i));
		if (n < 0)
			return -EINVAL;
		used += (size_t)n;
	}
	return (int)used;
}
