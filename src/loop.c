// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <time.h>
#include <linux/types.h>
#include "capture.h"
#include "loop.h"

#define STATS_PERIOD_NS 1000000000ull
/* With nothing to read, wait this long: statistics still go out every second. */
#define IDLE_MS 100
/*
 * While records keep coming, the output is written when the writer's buffer
 * fills or this long after the last write, whichever is first, and at once
 * when the ring runs dry: live readers see packets within this delay, and a
 * busy capture makes large writes.
 */
#define FLUSH_PERIOD_NS 10000000ull

uint64_t ebc_loop__clock_ns(int clock_id)
{
	struct timespec ts;

	clock_gettime(clock_id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* A signal ends the sleep early: the loop then looks at its stop flag. */
static void sleep_until(uint64_t mono_ns)
{
	struct timespec ts = { .tv_sec = mono_ns / 1000000000ull, .tv_nsec = mono_ns % 1000000000ull };

	clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
}

/*
 * Records arrive without waking the reader (EBC_WAKEUP_NS): after a drain
 * that found some, the next one comes a period after it began, without
 * waiting on the ring; after one that found none, wait for a wake-up.
 */
static int drain(const struct ebc_loop *l, bool busy, uint64_t *started)
{
	if (busy)
		sleep_until(*started + EBC_READER_PERIOD_NS);
	*started = ebc_loop__clock_ns(CLOCK_MONOTONIC);
	return l->poll(l->ctx, busy ? 0 : IDLE_MS);
}

int ebc_loop__run(const struct ebc_loop *l, volatile sig_atomic_t *stop)
{
	uint64_t now = ebc_loop__clock_ns(CLOCK_MONOTONIC), started = now;
	uint64_t next_stats = now + STATS_PERIOD_NS, last_flush = now;
	bool busy = false;
	int n, err = 0;

	while (!*stop && !*l->count_reached) {
		n = drain(l, busy, &started);
		err = *l->write_err;
		if (err)
			return err;
		if (n < 0 && n != -EINTR && n != EBC_LOOP_STOP_COUNT)
			return n;
		busy = n > 0;
		now = ebc_loop__clock_ns(CLOCK_MONOTONIC);
		if (now >= next_stats) {
			err = l->stats(l->ctx);
			next_stats += STATS_PERIOD_NS;
		}
		if (!err && ebc_pcapng__pending(l->out) &&
		    (!busy || now - last_flush >= FLUSH_PERIOD_NS)) {
			err = ebc_pcapng__flush(l->out);
			last_flush = now;
		}
		if (err)
			return err;
	}
	return 0;
}
