/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * netconf: links, addresses and routes through libnl-route-3.
 */
#include "netconf.h"

#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>

#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>

#include "err.h"

struct rv_netconf {
	struct nl_sock *sk;
};

/* Fills err with "what subject: libnl's reason". */
static int
nl_fail(char *err, int nlerr, const char *what, const char *subject)
{
	snprintf(err, RV_NETCONF_ERRLEN, "%s%s%s: %s", what, subject[0] != '\0' ? " " : "",
	    subject, nl_geterror(nlerr));
	return RV_ERR_SYSTEM;
}

int
rv_netconf_open(struct rv_netconf **out, char err[static RV_NETCONF_ERRLEN])
{
	struct rv_netconf *nc = calloc(1, sizeof(*nc));
	int r;

	if (nc == NULL)
		return RV_ERR_NOMEM;
	nc->sk = nl_socket_alloc();
	if (nc->sk == NULL) {
		free(nc);
		return RV_ERR_NOMEM;
	}
	if ((r = nl_connect(nc->sk, NETLINK_ROUTE)) < 0) {
		nl_socket_free(nc->sk);
		free(nc);
		return nl_fail(err, r, "cannot open a netlink socket", "");
	}
	*out = nc;
	return 0;
}

void
rv_netconf_close(struct rv_netconf *nc)
{
	if (nc == NULL)
		return;
	nl_socket_free(nc->sk);
	free(nc);
}

int
rv_netconf_link_up(struct rv_netconf *nc, int ifindex, int mtu, int txqueuelen,
    char err[static RV_NETCONF_ERRLEN])
{
	struct rtnl_link *orig = NULL, *change = NULL;
	char name[IF_NAMESIZE] = "?";
	int r, ret = RV_ERR_SYSTEM;

	if_indextoname((unsigned)ifindex, name);
	if ((r = rtnl_link_get_kernel(nc->sk, ifindex, NULL, &orig)) < 0) {
		nl_fail(err, r, "cannot find device", name);
		goto out;
	}
	if ((change = rtnl_link_alloc()) == NULL) {
		ret = RV_ERR_NOMEM;
		goto out;
	}
	if (mtu > 0)
		rtnl_link_set_mtu(change, (unsigned)mtu);
	if (txqueuelen > 0)
		rtnl_link_set_txqlen(change, (unsigned)txqueuelen);
	rtnl_link_set_flags(change, IFF_UP);
	if ((r = rtnl_link_change(nc->sk, orig, change, 0)) < 0) {
		nl_fail(err, r, "cannot bring up device", name);
		goto out;
	}
	ret = 0;
out:
	rtnl_link_put(change);
	rtnl_link_put(orig);
	return ret;
}

static struct nl_addr *
build(int family, const void *a, int prefixlen)
{
	struct nl_addr *na = nl_addr_build(family, a, family == AF_INET ?
	    sizeof(struct in_addr) : sizeof(struct in6_addr));

	if (na != NULL)
		nl_addr_set_prefixlen(na, prefixlen);
	return na;
}

static int
addr_add(struct rv_netconf *nc, int ifindex, int family, const void *local, int prefixlen,
    const void *peer, char err[static RV_NETCONF_ERRLEN])
{
	struct rtnl_addr *addr = rtnl_addr_alloc();
	struct nl_addr *l = build(family, local, prefixlen), *p = NULL;
	char text[INET6_ADDRSTRLEN];
	int r, ret = RV_ERR_NOMEM;

	if (addr == NULL || l == NULL)
		goto out;
	rtnl_addr_set_ifindex(addr, ifindex);
	rtnl_addr_set_family(addr, family);
	rtnl_addr_set_local(addr, l);
	if (family == AF_INET6)
		rtnl_addr_set_flags(addr, IFA_F_NODAD);
	if (peer != NULL) {
		if ((p = build(family, peer, family == AF_INET ? 32 : 128)) == NULL)
			goto out;
		rtnl_addr_set_peer(addr, p);
	}
	r = rtnl_addr_add(nc->sk, addr, 0);
	if (r < 0 && r != -NLE_EXIST) {
		inet_ntop(family, local, text, sizeof(text));
		ret = nl_fail(err, r, "cannot add address", text);
		goto out;
	}
	ret = 0;
out:
	nl_addr_put(l);
	nl_addr_put(p);
	rtnl_addr_put(addr);
	return ret;
}

int
rv_netconf_addr4_add(struct rv_netconf *nc, int ifindex, struct in_addr local, int prefixlen,
    const struct in_addr *peer, char err[static RV_NETCONF_ERRLEN])
{
	return addr_add(nc, ifindex, AF_INET, &local, prefixlen, peer, err);
}

int
rv_netconf_addr6_add(struct rv_netconf *nc, int ifindex, const struct in6_addr *local,
    int prefixlen, char err[static RV_NETCONF_ERRLEN])
{
	return addr_add(nc, ifindex, AF_INET6, local, prefixlen, NULL, err);
}

/* A route to dst/prefixlen through ifindex, via gw unless NULL. */
static int
route_add(struct rv_netconf *nc, int ifindex, int family, const void *dst, int prefixlen,
    const void *gw, int metric, char err[static RV_NETCONF_ERRLEN])
{
	struct rtnl_route *rt = rtnl_route_alloc();
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	struct nl_addr *d = build(family, dst, prefixlen);
	struct nl_addr *g = gw != NULL ? build(family, gw, family == AF_INET ? 32 : 128) : NULL;
	char a[INET6_ADDRSTRLEN], text[INET6_ADDRSTRLEN + 8];
	int r, ret = RV_ERR_NOMEM;

	if (rt == NULL || nh == NULL || d == NULL || (gw != NULL && g == NULL)) {
		rtnl_route_nh_free(nh);
		goto out;
	}
	rtnl_route_set_family(rt, (uint8_t)family);
	rtnl_route_set_table(rt, RT_TABLE_MAIN);
	rtnl_route_set_protocol(rt, RTPROT_STATIC);
	/* IPv6 routes have no scope; an IPv4 route without gateway is on-link. */
	rtnl_route_set_scope(rt, gw != NULL || family == AF_INET6 ? RT_SCOPE_UNIVERSE :
	    RT_SCOPE_LINK);
	rtnl_route_set_type(rt, RTN_UNICAST);
	rtnl_route_set_dst(rt, d);
	if (metric >= 0)
		rtnl_route_set_priority(rt, (uint32_t)metric);
	rtnl_route_nh_set_ifindex(nh, ifindex);
	if (g != NULL)
		rtnl_route_nh_set_gateway(nh, g);
	rtnl_route_add_nexthop(rt, nh);
	r = rtnl_route_add(nc->sk, rt, NLM_F_CREATE);
	if (r < 0 && r != -NLE_EXIST) {
		inet_ntop(family, dst, a, sizeof(a));
		snprintf(text, sizeof(text), "%s/%d", a, prefixlen);
		ret = nl_fail(err, r, "cannot add route", text);
		goto out;
	}
	ret = 0;
out:
	nl_addr_put(d);
	nl_addr_put(g);
	rtnl_route_put(rt);
	return ret;
}

int
rv_netconf_route4_add(struct rv_netconf *nc, int ifindex, struct in_addr dst, int prefixlen,
    const struct in_addr *gw, int metric, char err[static RV_NETCONF_ERRLEN])
{
	return route_add(nc, ifindex, AF_INET, &dst, prefixlen, gw, metric, err);
}

int
rv_netconf_route6_add(struct rv_netconf *nc, int ifindex, const struct rv_netroute6 *rt,
    char err[static RV_NETCONF_ERRLEN])
{
	return route_add(nc, ifindex, AF_INET6, &rt->net, rt->bits, rt->has_gw ? &rt->gw : NULL,
	    rt->metric, err);
}

int
rv_netconf_prefixlen(struct in_addr mask)
{
	return __builtin_popcount(ntohl(mask.s_addr));
}
