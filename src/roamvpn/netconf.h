/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_NETCONF_H
#define RV_NETCONF_H

/*
 * Network configuration through libnl-route-3: link state and MTU,
 * addresses and routes. The narrow interface every privileged network change
 * goes through (never by running ip(8)), so a privilege split stays possible.
 */

#include <stdbool.h>
#include <stddef.h>
#include <netinet/in.h>

struct rv_netconf;

/* An IPv4 route, as the options give it or a server pushes it. */
struct rv_netroute {
	struct in_addr net, mask, gw;
	bool has_gw;
	int metric;                 /* -1 = none */
};

/* An IPv6 route. */
struct rv_netroute6 {
	struct in6_addr net, gw;
	int bits;
	bool has_gw;
	int metric;                 /* -1 = none */
};

enum { RV_NETCONF_ERRLEN = 256 };

/* Returns 0, RV_ERR_NOMEM or RV_ERR_SYSTEM (err filled). */
int rv_netconf_open(struct rv_netconf **out, char err[static RV_NETCONF_ERRLEN]);
void rv_netconf_close(struct rv_netconf *nc);

/* Sets MTU (0 = leave), transmit queue length (0 = leave) and brings the link
 * up. Returns 0 or RV_ERR_SYSTEM (err filled). */
int rv_netconf_link_up(struct rv_netconf *nc, int ifindex, int mtu, int txqueuelen,
    char err[static RV_NETCONF_ERRLEN]);

/* Adds local/prefixlen to ifindex, with a point-to-point peer unless peer is
 * NULL. An address that is already there is fine. Returns 0 or RV_ERR_SYSTEM. */
int rv_netconf_addr4_add(struct rv_netconf *nc, int ifindex, struct in_addr local,
    int prefixlen, const struct in_addr *peer, char err[static RV_NETCONF_ERRLEN]);

/* Adds dst/prefixlen through ifindex, via gw unless NULL, with metric unless
 * negative. A route that is already there is fine. Returns 0 or RV_ERR_SYSTEM. */
int rv_netconf_route4_add(struct rv_netconf *nc, int ifindex, struct in_addr dst,
    int prefixlen, const struct in_addr *gw, int metric, char err[static RV_NETCONF_ERRLEN]);

/* The same for IPv6 (no duplicate address detection: usable at once). */
int rv_netconf_addr6_add(struct rv_netconf *nc, int ifindex, const struct in6_addr *local,
    int prefixlen, char err[static RV_NETCONF_ERRLEN]);
int rv_netconf_route6_add(struct rv_netconf *nc, int ifindex, const struct rv_netroute6 *rt,
    char err[static RV_NETCONF_ERRLEN]);

/* Prefix length of a contiguous netmask. */
int rv_netconf_prefixlen(struct in_addr mask);

#endif
