/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * netwatch: netlink notifications, coalesced, then one route lookup toward
 * the server (see netwatch.h).
 */
#include "netwatch.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/route.h>

#include "clock.h"
#include "err.h"
#include "log.h"

struct rv_netwatch {
	struct rv_event *ev;
	struct nl_sock *notify;        /* multicast: links, addresses, routes */
	struct nl_sock *lookup;        /* RTM_GETROUTE requests */
	struct rv_io io;
	struct rv_timer settle;
	bool pending;                  /* notifications read in this batch */
	uint64_t first_at;             /* first notification of the current burst */
	struct rv_sockaddr server;
	struct rv_path path;
	rv_netwatch_fn *fn;
	void *arg;
};

/* What a route lookup found. */
struct lookup_result {
	bool found;
	int ifindex;
	bool has_src;
	struct rv_sockaddr src;
};

static int
fail(char *err, int nlerr, const char *what)
{
	snprintf(err, RV_NETWATCH_ERRLEN, "netwatch: %s: %s", what, nl_geterror(nlerr));
	return RV_ERR_SYSTEM;
}

/* --- lookups ------------------------------------------------------------------- */

static void
set_addr(struct rv_sockaddr *a, int family, const void *bytes)
{
	memset(a, 0, sizeof(*a));
	if (family == AF_INET) {
		a->u.in4.sin_family = AF_INET;
		memcpy(&a->u.in4.sin_addr, bytes, 4);
		a->len = sizeof(a->u.in4);
	} else {
		a->u.in6.sin6_family = AF_INET6;
		memcpy(&a->u.in6.sin6_addr, bytes, 16);
		a->len = sizeof(a->u.in6);
	}
}

static int
on_route(struct nl_msg *msg, void *arg)
{
	struct lookup_result *res = arg;
	struct rtnl_route *rt = NULL;
	struct rtnl_nexthop *nh;
	struct nl_addr *src;

	if (rtnl_route_parse(nlmsg_hdr(msg), &rt) < 0 || rt == NULL)
		return NL_SKIP;
	res->found = true;
	if ((nh = rtnl_route_nexthop_n(rt, 0)) != NULL)
		res->ifindex = rtnl_route_nh_get_ifindex(nh);
	src = rtnl_route_get_pref_src(rt);
	if (src != NULL && (nl_addr_get_family(src) == AF_INET ||
	    nl_addr_get_family(src) == AF_INET6)) {
		set_addr(&res->src, nl_addr_get_family(src), nl_addr_get_binary_addr(src));
		res->has_src = true;
	}
	rtnl_route_put(rt);
	return NL_OK;
}

/* The source address a UDP socket connected to server gets: for routes whose
 * answer names no preferred source. */
static bool
connected_source(const struct rv_sockaddr *server, struct rv_sockaddr *src)
{
	struct rv_sockaddr to = *server;
	socklen_t len = sizeof(src->u.ss);
	int fd = socket(rv_addr_family(server), SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool ok;

	if (fd < 0)
		return false;
	if (rv_addr_family(&to) == AF_INET)
		to.u.in4.sin_port = htons(9);
	else
		to.u.in6.sin6_port = htons(9);
	ok = connect(fd, &to.u.sa, to.len) == 0 && getsockname(fd, &src->u.sa, &len) == 0;
	close(fd);
	if (!ok)
		return false;
	src->len = len;
	if (rv_addr_family(src) == AF_INET)
		src->u.in4.sin_port = 0;
	else
		src->u.in6.sin6_port = 0;
	return true;
}

int
rv_netwatch_lookup(struct rv_netwatch *w, const struct rv_sockaddr *server, struct rv_path *out)
{
	int family = rv_addr_family(server);
	struct rtmsg rtm = { .rtm_family = (unsigned char)family };
	struct lookup_result res = { 0 };
	struct nl_msg *m;
	const void *dst;
	int r;

	memset(out, 0, sizeof(*out));
	if (family == AF_INET) {
		dst = &server->u.in4.sin_addr;
		rtm.rtm_dst_len = 32;
	} else if (family == AF_INET6) {
		dst = &server->u.in6.sin6_addr;
		rtm.rtm_dst_len = 128;
	} else {
		return 0;
	}
	if ((m = nlmsg_alloc_simple(RTM_GETROUTE, 0)) == NULL)
		return RV_ERR_NOMEM;
	if (nlmsg_append(m, &rtm, sizeof(rtm), NLMSG_ALIGNTO) < 0 ||
	    nla_put(m, RTA_DST, family == AF_INET ? 4 : 16, dst) < 0) {
		nlmsg_free(m);
		return RV_ERR_NOMEM;
	}
	nl_socket_modify_cb(w->lookup, NL_CB_VALID, NL_CB_CUSTOM, on_route, &res);
	r = nl_send_auto(w->lookup, m);
	nlmsg_free(m);
	if (r < 0)
		return RV_ERR_SYSTEM;
	/* No route is an error answer (ENETUNREACH): not ours. */
	(void)nl_recvmsgs_default(w->lookup);
	if (!res.found)
		return 0;
	out->has_route = true;
	out->ifindex = res.ifindex;
	if (res.has_src)
		out->src = res.src;
	else if (!connected_source(server, &out->src))
		out->has_route = false;
	return 0;
}

/* --- notifications --------------------------------------------------------------- */

/* Asks the kernel for the path and tells the owner if it changed. */
static void
look(struct rv_netwatch *w)
{
	struct rv_path old = w->path, now;

	if (rv_netwatch_lookup(w, &w->server, &now) != 0)
		return;
	w->path = now;
	if (!rv_path_equal(&old, &now))
		w->fn(w->arg, &old, &now, w->first_at);
}

/* The burst has settled: one last look, for a state that its
 * notifications announced only in part. */
static void
settle(void *arg)
{
	look(arg);
}

/* A notification: the first of a burst starts its settle window. */
static void
changed(struct rv_netwatch *w)
{
	w->pending = true;
	if (rv_timer_armed(&w->settle))
		return;
	w->first_at = rv_clock_now();
	rv_timer_arm(w->ev, &w->settle, w->first_at + RV_NETWATCH_SETTLE_NS);
}

static int
on_notification(struct nl_msg *msg, void *arg)
{
	(void)msg;
	changed(arg);
	return NL_OK;
}

/* Every notification waiting is read first; then one look at once (a
 * handover must not wait for its burst to end), and one more when the
 * burst has settled. */
static void
on_readable(void *arg, uint32_t events)
{
	struct rv_netwatch *w = arg;
	int r;

	(void)events;
	w->pending = false;
	r = nl_recvmsgs_default(w->notify);
	/* Lost notifications (the socket overflowed): something changed. */
	if (r == -NLE_NOMEM || r == -NLE_MSG_OVERFLOW)
		changed(w);
	if (w->pending)
		look(w);
}

int
rv_netwatch_open(struct rv_netwatch **out, struct rv_event *ev,
    const struct rv_sockaddr *server, rv_netwatch_fn *fn, void *arg,
    char err[static RV_NETWATCH_ERRLEN])
{
	struct rv_netwatch *w = calloc(1, sizeof(*w));
	int r;

	if (w == NULL)
		return RV_ERR_NOMEM;
	w->ev = ev;
	w->fn = fn;
	w->arg = arg;
	w->server = *server;
	rv_timer_init(&w->settle, settle, w);
	if ((w->notify = nl_socket_alloc()) == NULL || (w->lookup = nl_socket_alloc()) == NULL) {
		rv_netwatch_close(w);
		return RV_ERR_NOMEM;
	}
	nl_socket_disable_seq_check(w->notify);
	/* One answer per lookup: the route, or an error (no route). With an
	 * extra ACK the next lookup would read this one's. */
	nl_socket_disable_auto_ack(w->lookup);
	nl_socket_modify_cb(w->notify, NL_CB_VALID, NL_CB_CUSTOM, on_notification, w);
	if ((r = nl_connect(w->notify, NETLINK_ROUTE)) < 0 ||
	    (r = nl_socket_add_memberships(w->notify, RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR,
	    RTNLGRP_IPV6_IFADDR, RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE, 0)) < 0 ||
	    (r = nl_socket_set_nonblocking(w->notify)) < 0 ||
	    (r = nl_socket_set_buffer_size(w->notify, 1 << 20, 0)) < 0 ||
	    (r = nl_connect(w->lookup, NETLINK_ROUTE)) < 0) {
		rv_netwatch_close(w);
		return fail(err, r, "cannot open netlink sockets");
	}
	if (rv_event_add(ev, &w->io, nl_socket_get_fd(w->notify), EPOLLIN, on_readable, w) != 0) {
		snprintf(err, RV_NETWATCH_ERRLEN, "netwatch: cannot watch netlink: %s",
		    strerror(errno));
		rv_netwatch_close(w);
		return RV_ERR_SYSTEM;
	}
	rv_netwatch_set_server(w, server);
	*out = w;
	return 0;
}

void
rv_netwatch_close(struct rv_netwatch *w)
{
	if (w == NULL)
		return;
	rv_timer_disarm(w->ev, &w->settle);
	rv_event_del(w->ev, &w->io);
	nl_socket_free(w->notify);
	nl_socket_free(w->lookup);
	free(w);
}

void
rv_netwatch_set_server(struct rv_netwatch *w, const struct rv_sockaddr *server)
{
	struct rv_path now;

	w->server = *server;
	if (rv_netwatch_lookup(w, server, &now) == 0)
		w->path = now;
}

const struct rv_path *
rv_netwatch_path(const struct rv_netwatch *w)
{
	return &w->path;
}

bool
rv_path_equal(const struct rv_path *a, const struct rv_path *b)
{
	if (a->has_route != b->has_route)
		return false;
	return !a->has_route || (a->ifindex == b->ifindex && rv_addr_equal_host(&a->src, &b->src));
}

const char *
rv_path_fmt(const struct rv_path *p, char buf[static RV_ADDRSTRLEN + 24])
{
	char name[IF_NAMESIZE] = "?", a[INET6_ADDRSTRLEN] = "?";
	int family = rv_addr_family(&p->src);

	if (!p->has_route) {
		snprintf(buf, RV_ADDRSTRLEN + 24, "no route");
		return buf;
	}
	if_indextoname((unsigned)p->ifindex, name);
	if (family == AF_INET)
		inet_ntop(AF_INET, &p->src.u.in4.sin_addr, a, sizeof(a));
	else if (family == AF_INET6)
		inet_ntop(AF_INET6, &p->src.u.in6.sin6_addr, a, sizeof(a));
	snprintf(buf, RV_ADDRSTRLEN + 24, "%s %s", name, a);
	return buf;
}
