/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_NETWATCH_H
#define RV_NETWATCH_H

/*
 * netwatch: a client's path to its server, kept current from netlink
 * (libnl-route-3) inside the event loop. Link, address and route changes
 * arrive as multicast notifications. Each batch of them read from the socket
 * makes one lookup of the kernel's route to the server (RTM_GETROUTE) at
 * once, and a burst (a Wi-Fi handover sends several) one more lookup
 * RV_NETWATCH_SETTLE_NS after it started, for state its notifications
 * announced only in part. The owner hears about it only when that route's
 * output interface or source address changed, or the route appeared or
 * vanished.
 *
 * One netlink socket for the notifications, one for the lookups; nothing is
 * allocated per notification. If the kernel drops notifications (the socket
 * overflowed), the path is looked up anyway.
 */

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"
#include "event.h"

enum { RV_NETWATCH_SETTLE_NS = 10 * 1000 * 1000, RV_NETWATCH_ERRLEN = 256 };

/* Where packets to the server leave from. */
struct rv_path {
	bool has_route;
	int ifindex;                 /* output interface */
	struct rv_sockaddr src;      /* source address the kernel picks (port 0) */
};

struct rv_netwatch;

/* The path changed from old to now; at is the monotonic time (ns) of the
 * first notification of the burst, for measuring how fast a move is handled. */
typedef void rv_netwatch_fn(void *arg, const struct rv_path *old, const struct rv_path *now,
    uint64_t at);

/* Watches the path to server (its port is ignored). The initial path is
 * looked up at once (rv_netwatch_path()); fn is called on changes only.
 * Returns 0, RV_ERR_NOMEM or RV_ERR_SYSTEM with err filled. */
int rv_netwatch_open(struct rv_netwatch **out, struct rv_event *ev,
    const struct rv_sockaddr *server, rv_netwatch_fn *fn, void *arg,
    char err[static RV_NETWATCH_ERRLEN]);
void rv_netwatch_close(struct rv_netwatch *w);

/* Follows another server address (a new --remote); looks the path up now
 * without calling fn. */
void rv_netwatch_set_server(struct rv_netwatch *w, const struct rv_sockaddr *server);

/* The path as last looked up. */
const struct rv_path *rv_netwatch_path(const struct rv_netwatch *w);

/* Asks the kernel for the route to server now. Returns 0 (out filled; no
 * route is not an error) or RV_ERR_SYSTEM. */
int rv_netwatch_lookup(struct rv_netwatch *w, const struct rv_sockaddr *server,
    struct rv_path *out);

/* True if a and b name the same interface and source address (or both no
 * route). */
bool rv_path_equal(const struct rv_path *a, const struct rv_path *b);

/* "wlan0 192.168.10.2" or "no route", for log lines. */
const char *rv_path_fmt(const struct rv_path *p, char buf[static RV_ADDRSTRLEN + 24]);

#endif
