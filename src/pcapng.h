/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pcapng writer over a file descriptor (file, FIFO or pipe). Blocks are
 * assembled in a user-space buffer and written in large chunks; writes are
 * completed across EINTR and short writes. EPIPE is returned as -EPIPE so the
 * caller can stop quietly when the reader went away. A pipe or FIFO is raised
 * to 1 MiB and written in groups of whole blocks it takes without waiting (or
 * of PIPE_BUF bytes at most): its reader gets whole blocks even from a writer
 * killed meanwhile. A regular file is cut back to its last whole block when a
 * write fails (disk full), and written in groups that end at the last block
 * boundary before a page boundary (a killed write stops between pages), so a
 * kill -9 leaves whole blocks.
 */
#ifndef EBPFCAP_PCAPNG_H
#define EBPFCAP_PCAPNG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Block types and option codes (pcapng draft, sections 4 and 4.x). */
#define EBC_PCAPNG_BT_SHB 0x0A0D0D0Au
#define EBC_PCAPNG_BT_IDB 0x00000001u
#define EBC_PCAPNG_BT_EPB 0x00000006u
#define EBC_PCAPNG_BT_ISB 0x00000005u
#define EBC_PCAPNG_BYTE_ORDER_MAGIC 0x1A2B3C4Du

#define EBC_PCAPNG_OPT_ENDOFOPT 0
#define EBC_PCAPNG_OPT_COMMENT 1
#define EBC_PCAPNG_SHB_HARDWARE 2
#define EBC_PCAPNG_SHB_OS 3
#define EBC_PCAPNG_SHB_USERAPPL 4
#define EBC_PCAPNG_IF_NAME 2
#define EBC_PCAPNG_IF_DESCRIPTION 3
#define EBC_PCAPNG_IF_TSRESOL 9
#define EBC_PCAPNG_IF_FILTER 11
#define EBC_PCAPNG_IF_OS 12
#define EBC_PCAPNG_EPB_FLAGS 2
#define EBC_PCAPNG_EPB_DROPCOUNT 4
#define EBC_PCAPNG_EPB_PACKETID 5
#define EBC_PCAPNG_EPB_QUEUE 6
#define EBC_PCAPNG_EPB_VERDICT 7
#define EBC_PCAPNG_EPB_PID_TID 8
#define EBC_PCAPNG_ISB_STARTTIME 2
#define EBC_PCAPNG_ISB_ENDTIME 3
#define EBC_PCAPNG_ISB_IFRECV 4
#define EBC_PCAPNG_ISB_IFDROP 5
#define EBC_PCAPNG_ISB_FILTERACCEPT 6
#define EBC_PCAPNG_ISB_OSDROP 7
#define EBC_PCAPNG_ISB_USRDELIV 8

/* epb_flags direction bits (bits 0-1). */
#define EBC_PCAPNG_DIR_INBOUND 1u
#define EBC_PCAPNG_DIR_OUTBOUND 2u

/* epb_verdict types. */
#define EBC_PCAPNG_VERDICT_HW 0
#define EBC_PCAPNG_VERDICT_TC 1
#define EBC_PCAPNG_VERDICT_XDP 2

struct ebc_pcapng;

struct ebc_pcapng_opts {
	const char *userappl;	/* shb_userappl, e.g. "ebpfcap 0.1.0" */
	const char *os;		/* shb_os, e.g. "Linux 6.18.44" */
	const char *hardware;	/* shb_hardware, e.g. "x86_64" */
	size_t bufsize;		/* write buffer; 0 = default (256 KiB) */
};

struct ebc_pcapng_if {
	uint16_t linktype;	/* LINKTYPE_* (1 Ethernet, 101 raw IP) */
	uint32_t snaplen;
	const char *name;	/* if_name, e.g. "tc:eth0" */
	const char *description;/* if_description, e.g. "tc ingress+egress on eth0" */
	const char *filter;	/* if_filter (type 0: libpcap string), NULL = none */
	const char *os;		/* if_os, NULL = none */
	uint8_t tsresol;	/* if_tsresol; 9 = nanoseconds (0 means 9) */
};

struct ebc_pcapng_pkt {
	uint32_t if_id;		/* as returned by ebc_pcapng__add_interface */
	uint64_t ts;		/* wall-clock time in the interface's tsresol units */
	uint32_t caplen;
	uint32_t len;
	const void *data;
	uint32_t flags;		/* epb_flags; 0 = option left out */
	bool has_dropcount;
	uint64_t dropcount;
	int verdict_type;	/* EBC_PCAPNG_VERDICT_*; -1 = no verdict option */
	uint64_t verdict;	/* 8-byte value for TC and XDP verdicts */
	bool has_pid;
	uint32_t pid, tid;	/* epb option 8 */
	bool has_packetid;
	uint64_t packetid;	/* epb_packetid (5): copies of one packet share it */
	const char *comment;	/* opt_comment; NULL = none */
};

struct ebc_pcapng_isb {
	uint32_t if_id;
	uint64_t ts;		/* block timestamp, tsresol units */
	uint64_t starttime, endtime;	/* isb_starttime/isb_endtime */
	uint64_t ifrecv, ifdrop, filteraccept, osdrop;
	bool has_usrdeliv;
	uint64_t usrdeliv;	/* isb_usrdeliv: packets written for the interface */
};

/* Takes no ownership of fd. Writes the section header block. NULL + errno on error. */
struct ebc_pcapng *ebc_pcapng__open(int fd, const struct ebc_pcapng_opts *opts);
/* Returns the new interface id (>= 0) or -errno. */
int ebc_pcapng__add_interface(struct ebc_pcapng *w, const struct ebc_pcapng_if *ifc);
int ebc_pcapng__write_epb(struct ebc_pcapng *w, const struct ebc_pcapng_pkt *pkt);
int ebc_pcapng__write_isb(struct ebc_pcapng *w, const struct ebc_pcapng_isb *isb);
/*
 * Write out everything buffered. 0 or -errno (-EPIPE when the reader is gone).
 * A write that fails on a regular file (-ENOSPC, -EFBIG) cuts the file back
 * to its last whole block: the file stays valid, and what was buffered is lost.
 */
int ebc_pcapng__flush(struct ebc_pcapng *w);
/*
 * After a write error: 0 when the output is a regular file that was cut back
 * to a whole block, and the writer takes blocks again (e.g. the statistics,
 * in the room the cut freed); otherwise the error. 0 when there was none.
 */
int ebc_pcapng__recover(struct ebc_pcapng *w);
/*
 * Packets of interface if_id given to the writer that never reached the
 * reader: buffered when a write failed, or in a block it cut.
 */
uint64_t ebc_pcapng__lost(const struct ebc_pcapng *w, uint32_t if_id);
/* Bytes waiting in the buffer. */
size_t ebc_pcapng__pending(const struct ebc_pcapng *w);
/* Flushes (result returned) and frees; accepts NULL. The fd stays open. */
int ebc_pcapng__close(struct ebc_pcapng *w);

#endif /* EBPFCAP_PCAPNG_H */
