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

/* The next number of a tcpdump -ddd listing: words separated by blanks, newlines or commas. */
static int next_number(FILE *f, unsigned long long max, unsigned long long *out)
{
	char word[32];
	size_t n = 0;
	char *end;
	int c;

	while ((c = fgetc(f)) != EOF && (c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r'))
		;
	while (c != EOF && c != ',' && c != ' ' && c != '\t' && c != '\n' && c != '\r') {
		if (n + 1 >= sizeof(word))
			return -EINVAL;
		word[n++] = (char)c;
		c = fgetc(f);
	}
	if (!n)
		return -ENODATA;
	word[n] = '\0';
	errno = 0;
	*out = strtoull(word, &end, 0);
	if (*end || errno || *out > max || word[0] == '-')
		return -EINVAL;
	return 0;
}

static int read_insns(FILE *f, struct ebc_cbpf_prog *out, const char *path, char *errbuf,
		      size_t errlen)
{
	unsigned long long v[4];
	int err;

	for (size_t i = 0; i < out->len; i++) {
		for (int j = 0; j < 4; j++) {
			static const unsigned long long max[4] = { 0xffff, 0xff, 0xff, 0xffffffff };

			err = next_number(f, max[j], &v[j]);
			if (err == -ENODATA) {
				ebc_errbuf(errbuf, errlen, "%s ends after %zu complete instructions, "
					   "not the %zu its first number announces", path, i,
					   out->len);
				return -EINVAL;
			}
			if (err) {
				ebc_errbuf(errbuf, errlen, "%s: instruction %zu: expected \"code jt jf "
					   "k\" in decimal or 0x hex (tcpdump -ddd format)", path, i);
				return -EINVAL;
			}
		}
		out->insns[i] = (struct ebc_cbpf_insn){ (uint16_t)v[0], (uint8_t)v[1], (uint8_t)v[2],
						       (uint32_t)v[3] };
	}
	return 0;
}

int ebc_filter__read(const char *path, struct ebc_cbpf_prog *out, char *errbuf, size_t errlen)
{
	unsigned long long count, extra;
	FILE *f = fopen(path, "r");
	int err;

	*out = (struct ebc_cbpf_prog){ 0 };
	if (!f) {
		err = -errno;
		ebc_errbuf(errbuf, errlen, "cannot read %s: %s", path, ebc_strerror(err));
		return err;
	}
	err = next_number(f, 4096, &count);
	if (err || !count) {
		ebc_errbuf(errbuf, errlen, "%s does not start with an instruction count from 1 to "
			   "4096 (tcpdump -ddd format)", path);
		err = -EINVAL;
		goto out;
	}
	out->len = count;
	out->insns = calloc(count, sizeof(*out->insns));
	if (!out->insns) {
		err = -ENOMEM;
		ebc_errbuf(errbuf, errlen, "cannot read %s: %s", path, ebc_strerror(err));
		goto out;
	}
	err = read_insns(f, out, path, errbuf, errlen);
	if (!err && next_number(f, ~0ull, &extra) != -ENODATA) {
		ebc_errbuf(errbuf, errlen, "%s holds more than the %zu instructions its first number "
			   "announces", path, out->len);
		err = -EINVAL;
	}
out:
	fclose(f);
	if (err)
		ebc_cbpf_prog__free(out);
	return err;
}
