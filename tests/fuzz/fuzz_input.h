/* SPDX-License-Identifier: GPL-2.0-only */
/* The fuzz targets' input, read as a stream of big-endian integers; zeros once it runs out. */
#ifndef EBPFCAP_FUZZ_INPUT_H
#define EBPFCAP_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>

struct input {
	const uint8_t *p;
	size_t n;
};

static inline uint8_t take8(struct input *in)
{
	uint8_t v = 0;

	if (in->n) {
		v = *in->p++;
		in->n--;
	}
	return v;
}

static inline uint32_t take32(struct input *in)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++)
		v = v << 8 | take8(in);
	return v;
}

static inline uint64_t take64(struct input *in)
{
	uint64_t hi = take32(in);	/* sequenced: the high word comes first */

	return hi << 32 | take32(in);
}

#endif /* EBPFCAP_FUZZ_INPUT_H */
