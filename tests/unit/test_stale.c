// SPDX-License-Identifier: GPL-2.0-only
/*
 * State records of legacy attachments (src/stale.c): what is written reads
 * back the same; a record that is damaged or names no owner is refused, so a
 * sweep never acts on it; a live process is told from a dead or reused pid.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "stale.h"
#include "tap.h"

static void test_round_trip(void)
{
	struct ebc_stale in = { .kind = "tc", .pid = 4242, .start = 123456789ULL, .netns = 4026531840ULL,
				.ifindex = 7, .ifname = "va", .qdisc_created = 1,
				.prog_id = { 1001, 1002 } };
	struct ebc_stale hook = { .kind = "xdphook", .pid = 17, .start = 5, .reaper = 18,
				  .reaper_start = 6, .map_id = 99, .map_path = "/sys/fs/bpf/my hook",
				  .prog_id = { 0, 11, 12, 0, 14 } };
	struct ebc_stale out;
	char buf[1024];

	tap_ok(ebc_stale__format(&in, buf, sizeof(buf)) > 0, "tc record formats");
	tap_ok(!ebc_stale__parse(buf, &out), "tc record parses");
	tap_ok(!strcmp(out.kind, "tc") && out.pid == 4242 && out.start == 123456789ULL &&
	       out.netns == 4026531840ULL && out.ifindex == 7 && !strcmp(out.ifname, "va") &&
	       out.qdisc_created == 1 && out.prog_id[0] == 1001 && out.prog_id[1] == 1002 &&
	       !out.prog_id[2] && !out.reaper && !out.map_id && !out.map_path[0],
	       "tc record: every field back as written");
	tap_ok(ebc_stale__format(&hook, buf, sizeof(buf)) > 0 && !ebc_stale__parse(buf, &out),
	       "xdphook record formats and parses");
	tap_ok(!strcmp(out.kind, "xdphook") && out.reaper == 18 && out.reaper_start == 6 &&
	       out.map_id == 99 && !strcmp(out.map_path, "/sys/fs/bpf/my hook") && !out.ifname[0] &&
	       out.prog_id[1] == 11 && out.prog_id[4] == 14 && !out.prog_id[0],
	       "xdphook record: map, its path (with a space), reaper and slots back as written");
	tap_ok(ebc_stale__format(&in, buf, 20) == -ENOSPC, "a short buffer is -ENOSPC");
}

static void test_refused(void)
{
	static const struct { const char *text, *why; } rows[] = {
		{ "", "empty" },
		{ "kind=tc\n", "no owner" },
		{ "pid=12\nstart=3\n", "no kind" },
		{ "kind=tc\npid=0\n", "pid 0" },
		{ "kind=tc\npid=12\nbogus=1\n", "an unknown key" },
		{ "kind=tc\npid=12\nprogs=1 2\n", "a short progs line" },
		{ "kind=tc\npid=12\nifindex=x\n", "junk for a number" },
	};
	struct ebc_stale r;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		tap_ok(ebc_stale__parse(rows[i].text, &r) == -EINVAL, "refused: %s", rows[i].why);
	tap_ok(!ebc_stale__parse("kind=tc\npid=12", &r) && r.pid == 12,
	       "accepted: no newline after the last line");
}

static void test_alive(void)
{
	FILE *f = fopen("/proc/self/stat", "r");
	unsigned long long start = 0;
	char buf[512] = "";
	const char *p;

	if (f && fgets(buf, sizeof(buf), f) && (p = strrchr(buf, ')')))
		sscanf(p + 2, "%*c %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s "
		       "%*s %*s %*s %llu", &start);
	if (f)
		fclose(f);
	tap_ok(ebc_stale__alive(getpid(), start), "this process is alive");
	tap_ok(!ebc_stale__alive(getpid(), start + 1), "a pid that started at another time is not (reused)");
	tap_ok(!ebc_stale__alive(0, 0), "pid 0 is no owner");
	tap_ok(!ebc_stale__alive(-1, 0), "a negative pid is no owner");
}

int main(void)
{
	test_round_trip();
	test_refused();
	test_alive();
	return tap_done();
}
