/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_DAEMON_TCP_H
#define RV_DAEMON_TCP_H

/*
 * The daemon's side of a TCP link: connecting, accepting, and ending the
 * run when the connection goes. The connection itself is link.h/tcp.h.
 */

#include <stddef.h>
#include <stdint.h>

#include "daemon.h"

/* tcp-client: moves the address to connect to this time to remotes[0].
 * Each failed connect moves on to the next address the remote resolved to
 * (e.g. from IPv6 to IPv4), as openvpn tries them in turn. */
void rv_daemon_tcp_pick(struct rv_daemon *d, struct rv_sockaddr *remotes, size_t n);

/* After the link opened: a tcp-server keeps the resolved --remote addresses
 * as the filter of who may connect (and the peer starts without an
 * address: the connection gives it); a tcp-client arms --connect-timeout. */
void rv_daemon_tcp_start(struct rv_daemon *d, const struct rv_sockaddr *remotes,
    size_t *nremotes);

/* The connection is up: logs it; static-key mode is ready now (TLS waits
 * for its keys). */
void rv_daemon_tcp_established(struct rv_daemon *d);

/* tcp-client: leaves the connection for a new one to the same server from
 * the path's source src (NULL: unknown; see rv_link_reconnect()), keeping
 * the session (the mobility extension resumes it: roam.c). Returns 0
 * (connecting or connected) or RV_ERR_SYSTEM after logging why. */
int rv_daemon_tcp_reconnect(struct rv_daemon *d, const struct rv_sockaddr *src);

/* Events of the TCP link's descriptor (or EPOLLHUP from link.c when the
 * connection broke while sending). */
void rv_daemon_tcp_event(struct rv_daemon *d, uint32_t events);

#endif
