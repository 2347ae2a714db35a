// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include "log.h"
#include "replay.h"

int ebc_replay__run(const struct ebc_config *cfg, int out_fd, struct ebc_replay_result *res,
		    char *errbuf, size_t len)
{
	ebc_errbuf(errbuf, len, "-r is not implemented yet");
	return -ENOSYS;
}
