/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_STATUS_H
#define RV_STATUS_H

/*
 * The status report in OpenVPN 2.6's text layouts, for --status FILE and the
 * management interface's "status" command:
 *
 *  - a client or point-to-point daemon prints the "OpenVPN STATISTICS" block
 *    (whatever version is asked for, as openvpn does);
 *  - a server prints version 1 (CLIENT LIST / ROUTING TABLE / GLOBAL STATS),
 *    2 (comma-separated, HEADER lines) or 3 (the same, tab-separated).
 *
 * The formatters take a plain model that the caller fills (the daemon for the
 * statistics block, the server for its client list) and hand each finished
 * line, without its line ending, to an emit callback: the status file ends
 * lines with "\n", the management interface with "\r\n".
 *
 * struct rv_status_file rewrites the file every n seconds on the event loop.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "event.h"

enum {
	RV_STATUS_DEFAULT_SECS = 60,    /* --status FILE without n (openvpn 2.6) */
	RV_STATUS_LINE_MAX = 1024,      /* longest line a formatter produces */
};

/* Receives one line, without its line ending. */
typedef void rv_status_emit_fn(void *arg, const char *line);

/* The mobility extension's counters: roamvpn's own lines, after openvpn's
 * in the same block ("Roam ...,N"; GLOBAL_STATS rows on a server), so
 * tools that read openvpn's lines by name keep working. */
struct rv_status_roam {
	uint64_t moves;                      /* client: path changes followed; server: moves */
	uint64_t validated, failed;          /* server: validations done / timed out */
	uint64_t refused;                    /* server: moves refused */
	uint64_t probes;                     /* client: probes sent; server: answered */
	uint64_t limited;                    /* server: packets held back by the 3x limit */
	uint64_t last_delay_us;              /* client: change to answer; server: move to validation */
};

/* The statistics block of a client or point-to-point daemon. */
struct rv_status_link {
	uint64_t tun_read, tun_write;        /* bytes read from / written to the device */
	uint64_t link_read, link_write;      /* bytes received / sent on the socket */
	uint64_t auth_read;                  /* bytes of packets that authenticated */
	bool has_comp;                       /* compression configured: 4 more lines */
	uint64_t pre_compress, post_compress, pre_decompress, post_decompress;
	const struct rv_status_roam *roam;   /* NULL: mobility off */
};

/* One connected client of a server. Strings are printed as given; NULL
 * prints as openvpn prints a missing value (see each field). */
struct rv_status_client {
	const char *common_name;             /* NULL: "UNDEF" */
	const char *real_addr;               /* "IP:port" */
	const char *virt4, *virt6;           /* NULL or "": empty column */
	uint64_t bytes_rx, bytes_tx;         /* link bytes from / to the client */
	time_t connected_since;
	const char *username;                /* NULL: "UNDEF" */
	unsigned long client_id;             /* the management CID */
	uint32_t peer_id;                    /* UINT32_MAX when none */
	const char *cipher;                  /* data-channel cipher name */
};

/* One entry of the server's routing table (a client's address or iroute). */
struct rv_status_route {
	const char *addr;                    /* "10.8.0.2", "10.9.0.0/24", "fd00::1000" */
	bool cached;                         /* a learned host route: "C" after addr */
	const char *common_name;             /* NULL: "UNDEF" */
	const char *real_addr;
	time_t last_ref;
};

/* Everything a server's status shows. */
struct rv_status_server {
	const char *title;                   /* version 2/3 TITLE: the version string */
	time_t now;
	const struct rv_status_client *clients;
	size_t nclients;
	const struct rv_status_route *routes;
	size_t nroutes;
	bool has_bcast_queue;                /* print "Max bcast/mcast queue length" */
	int max_bcast_queue;
	bool dco;                            /* GLOBAL_STATS dco_enabled */
	const struct rv_status_roam *roam;   /* NULL: mobility off */
};

/* "2026-12-05 01:42:09" in local time, as openvpn prints times. out holds
 * at least 32 bytes. */
void rv_status_time(time_t t, char out[static 32]);

/* Emits the statistics block, "Updated" set to now. */
void rv_status_format_link(const struct rv_status_link *l, time_t now,
    rv_status_emit_fn *emit, void *arg);

/* Emits a server's status in version 1, 2 or 3 (0 means 1, as for the
 * management command without an argument). Any other version emits
 * openvpn's one "ERROR: bad status format version number" line. */
void rv_status_format_server(const struct rv_status_server *s, int version,
    rv_status_emit_fn *emit, void *arg);

/* Writes a status report in the given version through emit. Filled in by
 * whoever owns the data: the daemon for a client, the server for its
 * clients. */
struct rv_status_source {
	void (*report)(void *arg, int version, rv_status_emit_fn *emit, void *emit_arg);
	void *arg;
};

/* --status FILE [n]: the file is opened (created, truncated) once, so it can
 * still be written after privileges are dropped, and rewritten in place
 * every n seconds. Fields are private to status.c. */
struct rv_status_file {
	int fd;
	char *path;
	int secs;
	int version;
	struct rv_status_source src;
	struct rv_event *ev;
	struct rv_timer timer;
};

/* Opens path for writing. Returns 0 or RV_ERR_SYSTEM (errno set). */
int rv_status_file_open(struct rv_status_file *f, const char *path, int secs, int version);

/* Writes the file now and every secs seconds on ev, from src, until
 * rv_status_file_detach(). Returns 0 or RV_ERR_NOMEM. */
int rv_status_file_attach(struct rv_status_file *f, struct rv_event *ev,
    const struct rv_status_source *src);

/* Replaces the source of an attached file (a server run installs its own). */
void rv_status_file_set_source(struct rv_status_file *f, const struct rv_status_source *src);

/* Writes the report now. Returns 0 or RV_ERR_SYSTEM / RV_ERR_NOMEM. */
int rv_status_file_write(struct rv_status_file *f);

/* Writes the report a last time and stops the timer (the event loop of a
 * run is going away). */
void rv_status_file_detach(struct rv_status_file *f);

/* Closes the file (it stays on disk, as openvpn leaves it). */
void rv_status_file_close(struct rv_status_file *f);

#endif
