/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_DAEMON_MGMT_H
#define RV_DAEMON_MGMT_H

/*
 * What a client or point-to-point run shows the management interface and
 * the status file: the statistics block, its states, its byte counts, and
 * the signals a management client sends. (A server run fills struct
 * rv_mgmt_ops with its own functions: the client list, kill, client-kill.)
 */

#include <stddef.h>

#include "daemon.h"
#include "mgmt.h"

/* Attaches carry's management interface and status file (either may be
 * absent) to the run's event loop. Returns 0 or RV_ERR_SYSTEM. */
int rv_daemon_mgmt_attach(struct rv_daemon *d);

/* The seam for a server run: replaces what the management interface and
 * the status file act on (ops->status also feeds the status file, with
 * --status-version). Call after rv_daemon_mgmt_attach(). */
void rv_daemon_mgmt_set_ops(struct rv_daemon *d, const struct rv_mgmt_ops *ops);

/* Before the run's event loop goes away. */
void rv_daemon_mgmt_detach(struct rv_daemon *d);

/* Fills what every run offers the management interface: arg (d), the link
 * byte counts and the signals; the caller adds status (and a server its
 * kill operations). */
void rv_daemon_mgmt_base_ops(struct rv_daemon *d, struct rv_mgmt_ops *ops);

/* The version string of "version" and of the status TITLE. */
void rv_daemon_mgmt_title(char *out, size_t len);

/* Reports state s with what the run knows (tunnel address, peer address,
 * bound address); desc is the optional description field. */
void rv_daemon_mgmt_state(struct rv_daemon *d, enum rv_mgmt_state s, const char *desc);

#endif
