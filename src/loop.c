// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <time.h>
#include "loop.h"

#define STATS_PERIOD_NS 1000000000ull

uint64_t ebc_loop__clock_ns(int clock_id)
{
	struct timespec ts;

	clock_gettime(clock_id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

int ebc_loop__run(const struct ebc_loop *l, volatile sig_atomic_t *stop)
{
	uint64_t next_stats = ebc_loop__clock_ns(CLOCK_MONOTONIC) + STATS_PERIOD_NS;
	int n, err = 0;

	while (!*stop && !*l->count_reached) {
		n = l->poll(l->ctx, 100);
		err = *l->write_err;
		if (err)
			return err;
		if (n < 0 && n != -EINTR && n != EBC_LOOP_STOP_COUNT)
			return n;
		if (ebc_loop__clock_ns(CLOCK_MONOTONIC) >= next_stats) {
			err = l->stats(l->ctx);
			next_stats += STATS_PERIOD_NS;
		}
		if (!err && ebc_pcapng__pending(l->out))
			err = ebc_pcapng__flush(l->out);
		if (err)
			return err;
	}
	return 0;
}
