// SPDX-License-Identifier: GPL-2.0-only
/* Placeholder until the socket-syscall tap lands: says so instead of capturing. */
#include <errno.h>
#include "log.h"
#include "sockets.h"

int ebc_sockets__open(struct ebc_sockets **out, const struct ebc_config *cfg, char *errbuf,
		      size_t len)
{
	*out = NULL;
	ebc_errbuf(errbuf, len, "the sockets tap is not built yet");
	return -EOPNOTSUPP;
}

int ebc_sockets__run(struct ebc_sockets *s, int fd, volatile sig_atomic_t *stop,
		     struct ebc_session_result *res, char *errbuf, size_t len)
{
	return -EOPNOTSUPP;
}

void ebc_sockets__close(struct ebc_sockets *s)
{
}
