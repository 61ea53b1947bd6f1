/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * daemon: one run of the tunnel. Sets up device, socket and peer from the
 * options, moves packets in batches (device -> seal -> socket and
 * socket -> open -> device), and handles signals.
 */
#include "daemon.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "client.h"
#include "daemon_tcp.h"
#include "clock.h"
#include "daemon_mgmt.h"
#include "err.h"
#include "log.h"
#include "plat.h"
#include "server.h"
#include "srvmgmt.h"

enum {
	HEADROOM = 128,         /* >= any header sealing prepends */
	TAILROOM = 64,          /* >= one cipher block of padding */
	FRAME_EXTRA = 256,      /* Ethernet header, crypto overhead, slack */
};

/* --explicit-exit-notify: on the first SIGTERM/SIGINT tell the peer once a
 * second for N seconds, then exit (on_exit_notify). A second signal during
 * the countdown exits at once. Returns true if the countdown started. */
static bool
start_exit_notify(struct rv_daemon *d, const char *why)
{
	int n = d->o->explicit_exit_notify;

	/* On TCP the peers see their connections close (openvpn refuses the
	 * option there; we ignore it, see daemon_tcp.c). */
	if (n <= 0 || d->exit_notify_left > 0 || d->link.tcp)
		return false;
	if (d->server != NULL) {
		/* A server tells its clients RESTART and exits 2 s later. */
		if (rv_server_exit_notify(d->server) == 0)
			return false;
		d->exit_notify_left = 2;
		d->exit_via_control = true;
		rv_timer_arm(d->ev, &d->exit_timer, rv_event_now(d->ev) + rv_sec(1));
		return true;
	}
	/* On TCP the peer sees the connection close (a --remote entry's tcp). */
	if (!rv_addr_is_set(&d->peer.remote) || d->link.tcp)
		return false;
	rv_log(RV_LOG_INFO, "%s received, notifying the peer for %d s before exiting", why, n);
	d->exit_notify_left = n;
	/* With cc-exit negotiated one EXIT message on the control channel says
	 * it; otherwise an OCC_EXIT data packet every second. */
	d->exit_via_control = d->client != NULL && rv_client_send_exit(d->client);
	if (!d->exit_via_control)
		rv_peer_send_occ(&d->peer, RV_OCC_EXIT);
	rv_timer_arm(d->ev, &d->exit_timer, rv_event_now(d->ev) + rv_sec(1));
	return true;
}

void
rv_daemon_raise(struct rv_daemon *d, int sig)
{
	switch (sig) {
	case SIGTERM:
	case SIGINT:
		if (!start_exit_notify(d, sig == SIGTERM ? "SIGTERM" : "SIGINT"))
			rv_daemon_signal(d, RV_SIG_EXIT, sig == SIGTERM ? "SIGTERM" : "SIGINT");
		break;
	case SIGHUP:
		rv_daemon_signal(d, RV_SIG_RELOAD, "SIGHUP");
		break;
	case SIGUSR1:
		rv_daemon_signal(d, RV_SIG_RESTART, "SIGUSR1");
		break;
	case SIGUSR2:
		rv_daemon_print_stats(d);
		break;
	}
}

static void
on_signal(void *arg, uint32_t events)
{
	struct rv_daemon *d = arg;
	int sig;

	(void)events;
	while ((sig = rv_plat_signal_read(d->carry->sigfd)) > 0)
		rv_daemon_raise(d, sig);
}

static void
set_events(struct rv_daemon *d, bool tun_in, bool link_out)
{
	if (d->tun.fd >= 0)
		rv_event_modify(d->ev, &d->tun.io, tun_in ? EPOLLIN : 0);
	rv_link_set_events(&d->link, link_out);
}

/* Sends what is queued in the tx pool. When the socket is full, stops
 * reading the device until it drains: backpressure instead of loss. */
void
rv_daemon_flush_tx(struct rv_daemon *d)
{
	char a[RV_ADDRSTRLEN];

	while (d->tx_done < d->tx_queued) {
		unsigned sent;
		int r = rv_link_send(&d->link, &d->tx.pkts[d->tx_done], d->tx_queued - d->tx_done,
		    d->server != NULL ? NULL : &d->peer.remote, &sent);

		d->tx_done += sent;
		if (r == RV_ERR_SYSTEM && d->link.tcp) {
			/* The connection is gone; on_link ends the run. */
			d->tx_queued = d->tx_done = 0;
			break;
		}
		if (r == RV_ERR_AGAIN) {
			set_events(d, false, true);
			return;
		}
		if (r != 0) {
			d->peer.drops[RV_DROP_LINK_SEND]++;
			rv_log_rl(&d->io_rl, RV_LOG_WARN, "cannot send to %s: %s",
			    rv_addr_fmt(&d->peer.remote, a), strerror(errno));
		}
	}
	d->tx_queued = d->tx_done = 0;
	set_events(d, true, false);
}

static void
on_tun(void *arg, uint32_t events)
{
	struct rv_daemon *d = arg;
	unsigned n = 0;

	(void)events;
	if (d->tx_queued > 0)
		return;
	while (n < d->tx.n) {
		struct rv_pkt *pkt = &d->tx.pkts[n];
		int r;

		rv_pkt_reset(pkt, d->headroom);
		r = rv_tun_read(&d->tun, &pkt->buf, d->tun_read_max);
		if (r == RV_ERR_AGAIN)
			break;
		if (r != 0) {
			rv_log_rl(&d->io_rl, RV_LOG_ERR, "read from %s failed: %s", d->tun.name,
			    strerror(errno));
			break;
		}
		/* A server picks the client by the inner destination. */
		if (d->server != NULL ? rv_server_seal(d->server, pkt) == 0 :
		    rv_peer_seal(&d->peer, &pkt->buf) == 0)
			n++;
	}
	d->tx_queued = n;
	d->tx_done = 0;
	rv_daemon_flush_tx(d);
}

unsigned
rv_daemon_receive_batch(struct rv_daemon *d)
{
	unsigned got = 0;
	int r;

	for (unsigned i = 0; i < d->rx.n; i++)
		rv_pkt_reset(&d->rx.pkts[i], 0);
	r = rv_link_recv(&d->link, d->rx.pkts, d->rx.n, &got);
	if (r == RV_ERR_SYSTEM && !d->link.tcp)
		rv_log_rl(&d->io_rl, RV_LOG_WARN, "receive failed: %s", strerror(errno));
	for (unsigned i = 0; i < got; i++) {
		struct rv_pkt *pkt = &d->rx.pkts[i];

		enum rv_rx rx = d->server != NULL ? rv_server_receive(d->server, pkt) :
		    rv_peer_receive(&d->peer, pkt);

		if (rx != RV_RX_DELIVER)
			continue;
		if (rv_tun_write(&d->tun, &pkt->buf) != 0 && d->server == NULL)
			rv_peer_drop(&d->peer, RV_DROP_TUN_WRITE, NULL, strerror(errno));
	}
	return got;
}

static void
on_link(void *arg, uint32_t events)
{
	struct rv_daemon *d = arg;

	if (d->link.tcp)
		return rv_daemon_tcp_event(d, events);
	if (events & EPOLLERR) {
		int err = 0;
		socklen_t len = sizeof(err);

		getsockopt(d->link.fd, SOL_SOCKET, SO_ERROR, &err, &len);
	}
	if (events & EPOLLOUT)
		rv_daemon_flush_tx(d);
	if (events & EPOLLIN)
		rv_daemon_receive_batch(d);
}

static void
on_exit_notify(void *arg)
{
	struct rv_daemon *d = arg;

	if (--d->exit_notify_left <= 0) {
		rv_daemon_signal(d, RV_SIG_EXIT, "exit-notification");
		return;
	}
	if (!d->exit_via_control)
		rv_peer_send_occ(&d->peer, RV_OCC_EXIT);
	rv_timer_arm(d->ev, &d->exit_timer, rv_event_now(d->ev) + rv_sec(1));
}

void
rv_daemon_signal(struct rv_daemon *d, enum rv_sig s, const char *why)
{
	if (d->sig != RV_SIG_NONE && !(s == RV_SIG_EXIT && d->sig != RV_SIG_EXIT))
		return;
	rv_log(RV_LOG_INFO, "%s[%s] received, %s", why,
	    s == RV_SIG_EXIT ? "hard" : "soft", s == RV_SIG_EXIT ? "process exiting" :
	    s == RV_SIG_RELOAD ? "reloading the configuration" : "restarting");
	d->sig = s;
	d->sig_reason = why;
	rv_event_stop(d->ev);
}

void
rv_daemon_print_stats(const struct rv_daemon *d)
{
	const struct rv_peer *p = &d->peer;

	rv_log(RV_LOG_INFO, "roamvpn STATISTICS");
	rv_log(RV_LOG_INFO, "TUN/TAP read bytes,%llu", (unsigned long long)d->tun.rx_bytes);
	rv_log(RV_LOG_INFO, "TUN/TAP write bytes,%llu", (unsigned long long)d->tun.tx_bytes);
	rv_log(RV_LOG_INFO, "%s read bytes,%llu", d->link.tcp ? "TCP/UDP" : "UDP",
	    (unsigned long long)d->link.rx_bytes);
	rv_log(RV_LOG_INFO, "%s write bytes,%llu", d->link.tcp ? "TCP/UDP" : "UDP",
	    (unsigned long long)d->link.tx_bytes);
	if (d->link.tcp && d->server == NULL) {
		/* (a server counts its connections itself) */
		rv_log(RV_LOG_INFO, "TCP bad frame lengths,%llu",
		    (unsigned long long)d->carry->tcp_bad_frames);
		rv_log(RV_LOG_INFO, "TCP send queue full,%llu",
		    (unsigned long long)d->link.conn.queue_full);
		rv_log(RV_LOG_INFO, "TCP connections lost,%llu",
		    (unsigned long long)d->carry->tcp_resets);
	}
	if (d->server != NULL) {
		rv_server_print_stats(d->server);
		rv_log(RV_LOG_INFO, "END");
		return;
	}
	rv_log(RV_LOG_INFO, "Auth read bytes,%llu", (unsigned long long)p->auth_rx_bytes);
	rv_log(RV_LOG_INFO, "keepalives received,%llu", (unsigned long long)p->pings_rx);
	rv_log(RV_LOG_INFO, "keepalives sent,%llu", (unsigned long long)p->pings_tx);
	if (rv_comp_framed(&p->comp)) {
		/* openvpn's names for the same counters */
		rv_log(RV_LOG_INFO, "pre-compress bytes,%llu", (unsigned long long)p->comp.pre_compress);
		rv_log(RV_LOG_INFO, "post-compress bytes,%llu", (unsigned long long)p->comp.post_compress);
		rv_log(RV_LOG_INFO, "pre-decompress bytes,%llu",
		    (unsigned long long)p->comp.pre_decompress);
		rv_log(RV_LOG_INFO, "post-decompress bytes,%llu",
		    (unsigned long long)p->comp.post_decompress);
	}
	if (d->roam.nw != NULL) {
		rv_log(RV_LOG_INFO, "roam moves,%llu", (unsigned long long)d->roam.moves);
		rv_log(RV_LOG_INFO, "roam probes sent,%llu", (unsigned long long)d->roam.probes_total);
		rv_log(RV_LOG_INFO, "roam last move delay (us),%llu",
		    (unsigned long long)(d->roam.last_delay_ns / 1000));
	}
	for (int i = 0; i < RV_DROP__MAX; i++)
		rv_log(RV_LOG_INFO, "dropped %s,%llu", rv_peer_drop_name((enum rv_drop)i),
		    (unsigned long long)p->drops[i]);
	rv_log(RV_LOG_INFO, "END");
}

/* Resolves the --remote entry of this run into its addresses. */
static int
resolve_remote(struct rv_daemon *d, int family, struct rv_sockaddr *out, size_t *n)
{
	const struct rv_options *o = d->o;
	const struct rv_remote *rm;
	char err[256];

	*n = 0;
	if (o->nremotes == 0)
		return 0;
	rm = &o->remotes[d->carry->remote_index % o->nremotes];
	if (rv_addr_resolve(rm->host, rm->port != NULL ? rm->port : o->rport, family, false,
	    out, RV_ADDR_RESOLVE_MAX, n, err, sizeof(err)) != 0) {
		rv_log(RV_LOG_WARN, "%s", err);
		return RV_ERR_AGAIN;
	}
	return 0;
}

/* The --proto of this run: the --remote entry's own, else --proto. */
static enum rv_proto
run_proto(const struct rv_daemon *d)
{
	const struct rv_options *o = d->o;

	return rv_options_proto(o, o->nremotes == 0 ? NULL :
	    &o->remotes[d->carry->remote_index % o->nremotes]);
}

static int
proto_family(const struct rv_daemon *d)
{
	return rv_proto_family(d->proto);
}

/* Opens a socket of family, bound to --local/--lport unless --nobind (a
 * tcp-server always binds). */
static int
open_link_family(struct rv_daemon *d, int family, const struct rv_sockaddr *remote,
    char *err, size_t errlen)
{
	const struct rv_options *o = d->o;
	struct rv_sockaddr local;
	size_t n = 0;

	if ((o->local != NULL || !o->nobind || rv_proto_is_tcp_server(d->proto)) &&
	    rv_addr_resolve(o->local, o->lport, family, true, &local, 1, &n, err, errlen) != 0)
		return RV_ERR_NOTFOUND;
	if (rv_proto_is_tcp_client(d->proto))
		return rv_link_open_tcp(&d->link, remote, family, false, n > 0 ? &local : NULL,
		    d->rx.pkts[0].cap, (unsigned)o->tcp_queue_limit, err, errlen);
	if (rv_proto_is_tcp_server(d->proto))
		return n == 0 ? RV_ERR_NOTFOUND : rv_link_open_tcp(&d->link, NULL,
		    rv_addr_family(&local), o->bind_ipv6only, &local, d->rx.pkts[0].cap,
		    (unsigned)o->tcp_queue_limit, err, errlen);
	return rv_link_open(&d->link, n > 0 ? rv_addr_family(&local) : family,
	    o->bind_ipv6only, n > 0 ? &local : NULL, o->sndbuf, o->rcvbuf, err, errlen);
}

/* Opens the socket in the family of --proto udp4/udp6, else of --local, else
 * of the remote; with none of them, one dual-stack IPv6 socket (plain IPv4
 * on a host without IPv6). */
static int
open_link(struct rv_daemon *d, const struct rv_sockaddr *remote)
{
	const struct rv_options *o = d->o;
	char err[256], a[RV_ADDRSTRLEN];
	int family = proto_family(d);
	bool dual = false, tcp_server = rv_proto_is_tcp_server(d->proto);
	int r;

	if (tcp_server)
		remote = NULL;     /* --remote only filters who may connect */
	if (family == AF_UNSPEC && (o->local == NULL || rv_proto_is_tcp_client(d->proto))) {
		dual = remote == NULL;
		family = dual ? AF_INET6 : rv_addr_family(remote);
	}
	r = open_link_family(d, family, remote, err, sizeof(err));
	if (r != 0 && dual)
		r = open_link_family(d, AF_INET, remote, err, sizeof(err));
	if (r != 0) {
		rv_log(RV_LOG_ERR, "%s", err);
		/* A tcp-client tries again after --connect-retry. */
		return rv_proto_is_tcp_client(d->proto) ? RV_ERR_AGAIN : r;
	}
	if (tcp_server) {
		rv_log(RV_LOG_NOTICE, "Listening for incoming TCP connection on %s",
		    rv_addr_fmt(&d->link.local, a));
		return 0;
	}
	if (remote != NULL && d->link.tcp) {
		rv_log(RV_LOG_NOTICE, "Attempting to establish TCP connection with %s",
		    rv_addr_fmt(remote, a));
		return 0;
	}
	rv_log(RV_LOG_INFO, "UDP link local%s: %s", o->nobind && o->local == NULL ? "" :
	    " (bound)", rv_addr_fmt(&d->link.local, a));
	if (remote != NULL)
		rv_log(RV_LOG_INFO, "UDP link remote: %s", rv_addr_fmt(remote, a));
	return 0;
}

/* Gives the device its MTU, addresses and routes. */
static int
configure_tun(struct rv_daemon *d, const struct rv_tunconf *tc)
{
	const struct rv_options *o = d->o;
	char err[RV_NETCONF_ERRLEN];

	if (rv_netconf_link_up(d->nc, d->tun.ifindex, tc->mtu, o->txqueuelen, err) != 0)
		goto fail;
	if (tc->has_ifconfig && rv_netconf_addr4_add(d->nc, d->tun.ifindex, tc->local,
	    tc->is_mask ? rv_netconf_prefixlen(tc->remote) : 32,
	    tc->is_mask ? NULL : &tc->remote, err) != 0)
		goto fail;
	for (size_t i = 0; i < tc->nroutes; i++) {
		const struct rv_netroute *rt = &tc->routes[i];

		if (rv_netconf_route4_add(d->nc, d->tun.ifindex, rt->net,
		    rv_netconf_prefixlen(rt->mask), rt->has_gw ? &rt->gw : NULL, rt->metric,
		    err) != 0)
			goto fail;
	}
	if (tc->has_ifconfig6 &&
	    rv_netconf_addr6_add(d->nc, d->tun.ifindex, &tc->local6, tc->bits6, err) != 0)
		goto fail;
	for (size_t i = 0; i < tc->nroutes6; i++)
		if (rv_netconf_route6_add(d->nc, d->tun.ifindex, &tc->routes6[i], err) != 0)
			goto fail;
	return 0;
fail:
	rv_log(RV_LOG_ERR, "%s", err);
	return RV_ERR_SYSTEM;
}

/* FNV-1a over what configure_tun() applies: equal digests, same device set-up. */
static uint64_t
digest_add(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ c[i]) * 0x100000001b3ULL;
	return h;
}

static uint64_t
tunconf_digest(const struct rv_tunconf *tc)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	unsigned char flags = (unsigned char)(tc->has_ifconfig | tc->is_mask << 1);

	h = digest_add(h, &tc->mtu, sizeof(tc->mtu));
	h = digest_add(h, &flags, 1);
	h = digest_add(h, &tc->local, sizeof(tc->local));
	h = digest_add(h, &tc->remote, sizeof(tc->remote));
	for (size_t i = 0; i < tc->nroutes; i++) {
		const struct rv_netroute *rt = &tc->routes[i];
		unsigned char g = rt->has_gw;

		h = digest_add(h, &rt->net, sizeof(rt->net));
		h = digest_add(h, &rt->mask, sizeof(rt->mask));
		h = digest_add(h, &rt->gw, sizeof(rt->gw));
		h = digest_add(h, &g, 1);
		h = digest_add(h, &rt->metric, sizeof(rt->metric));
	}
	if (tc->has_ifconfig6) {
		h = digest_add(h, &tc->local6, sizeof(tc->local6));
		h = digest_add(h, &tc->bits6, sizeof(tc->bits6));
	}
	for (size_t i = 0; i < tc->nroutes6; i++) {
		const struct rv_netroute6 *rt = &tc->routes6[i];
		unsigned char g = rt->has_gw;

		h = digest_add(h, &rt->net, sizeof(rt->net));
		h = digest_add(h, &rt->bits, sizeof(rt->bits));
		h = digest_add(h, &rt->gw, sizeof(rt->gw));
		h = digest_add(h, &g, 1);
		h = digest_add(h, &rt->metric, sizeof(rt->metric));
	}
	return h | 1;   /* never 0: 0 means "nothing applied" */
}

int
rv_daemon_tun_up(struct rv_daemon *d, const struct rv_tunconf *tc)
{
	const struct rv_options *o = d->o;
	char err[RV_NETCONF_ERRLEN];
	bool fresh = !rv_tun_is_open(&d->tun);

	if (fresh) {
		if (rv_tun_open(&d->tun, o->dev, o->dev_type, o->dev_node, err,
		    sizeof(err)) != 0) {
			rv_log(RV_LOG_ERR, "%s", err);
			return RV_ERR_SYSTEM;
		}
		rv_log(RV_LOG_INFO, "%s device %s opened", o->dev_type == RV_DEV_TAP ? "TAP" :
		    o->dev_type == RV_DEV_NULL ? "null" : "TUN", d->tun.name);
	}
	if (tc->has_ifconfig) {
		d->vpn_ip = tc->local;
		rv_daemon_mgmt_state(d, RV_MGMT_ASSIGN_IP, NULL);
	}
	if (tc->nroutes > 0)
		rv_daemon_mgmt_state(d, RV_MGMT_ADD_ROUTES, NULL);
	if (!fresh && d->tun_digest == tunconf_digest(tc)) {
		/* --persist-tun, and the server pushed what the device has: touch
		 * nothing (no privileges needed). */
		rv_log(RV_LOG_INFO, "Preserving previous TUN/TAP instance: %s", d->tun.name);
	} else if (o->dev_type != RV_DEV_NULL) {
		if (d->nc == NULL && rv_netconf_open(&d->nc, err) != 0) {
			rv_log(RV_LOG_ERR, "%s", err);
			return RV_ERR_SYSTEM;
		}
		if (configure_tun(d, tc) != 0) {
			if (fresh)
				rv_tun_close(&d->tun);
			return RV_ERR_SYSTEM;
		}
	}
	d->tun_digest = tunconf_digest(tc);
	if (d->tun.fd >= 0 && d->tun.io.fn == NULL &&
	    rv_event_add(d->ev, &d->tun.io, d->tun.fd, EPOLLIN, on_tun, d) != 0) {
		rv_log(RV_LOG_ERR, "cannot watch %s: %s", d->tun.name, strerror(errno));
		return RV_ERR_SYSTEM;
	}
	return 0;
}

/* The device as the options describe it (all but a pulling client). */
static int
options_tun_up(struct rv_daemon *d)
{
	const struct rv_options *o = d->o;
	struct rv_netroute *routes = calloc(o->nroutes + 1, sizeof(*routes));
	struct rv_netroute6 *routes6 = calloc(o->nroutes6 + 1, sizeof(*routes6));
	struct rv_tunconf tc = {
		.mtu = o->tun_mtu,
		.has_ifconfig = o->has_ifconfig,
		.is_mask = o->ifconfig_is_mask,
		.local = o->ifc_local,
		.remote = o->ifc_remote,
		.routes = routes,
		.nroutes = o->nroutes,
		.has_ifconfig6 = o->has_ifconfig6,
		.local6 = o->ifc6_local,
		.bits6 = o->ifc6_bits,
		.routes6 = routes6,
		.nroutes6 = o->nroutes6,
	};
	int r;

	if (routes == NULL || routes6 == NULL) {
		free(routes);
		free(routes6);
		return RV_ERR_NOMEM;
	}
	for (size_t i = 0; i < o->nroutes6; i++)
		routes6[i] = o->routes6[i].r;
	for (size_t i = 0; i < o->nroutes; i++)
		routes[i] = (struct rv_netroute){ o->routes[i].net, o->routes[i].mask,
		    o->routes[i].gw, o->routes[i].has_gw, o->routes[i].metric };
	r = rv_daemon_tun_up(d, &tc);
	free(routes);
	free(routes6);
	return r;
}

void
rv_daemon_up(struct rv_daemon *d)
{
	/* A static-key listener learns its peer from the first authenticated
	 * packet, which logs the connection then. */
	if (rv_addr_is_set(&d->peer.remote))
		rv_peer_connected(&d->peer);
	rv_peer_keys_changed(&d->peer);
	d->carry->failures = 0;
	if (d->up)
		return;
	d->up = true;
	rv_log(RV_LOG_INFO, "Initialization Sequence Completed");
	rv_daemon_mgmt_state(d, RV_MGMT_CONNECTED, "SUCCESS");
	if (rv_daemon_drop_privileges(d) != 0) {
		d->carry->fatal = true;
		rv_daemon_signal(d, RV_SIG_EXIT, "cannot drop privileges");
	}
}

int
rv_daemon_drop_privileges(struct rv_daemon *d)
{
	struct rv_carry *c = d->carry;
	char err[256];

	if (!c->privs_ready || c->privs_dropped || !d->up)
		return 0;
	c->privs_dropped = true;
	if (!rv_plat_privs_wanted(&c->privs))
		return 0;
	if (rv_plat_privs_drop(&c->privs, err, sizeof(err)) != 0) {
		rv_log(RV_LOG_ERR, "%s", err);
		return RV_ERR_SYSTEM;
	}
	return 0;
}

static int
setup_io(struct rv_daemon *d)
{
	const struct rv_options *o = d->o;
	size_t slot = HEADROOM + (size_t)(o->tun_mtu > 1600 ? o->tun_mtu : 1600) + FRAME_EXTRA +
	    TAILROOM;
	int r;

	d->headroom = HEADROOM;
	d->tun_read_max = slot - HEADROOM - TAILROOM;
	if ((r = rv_pktpool_init(&d->rx, RV_LINK_BATCH, slot)) != 0 ||
	    (r = rv_pktpool_init(&d->tx, RV_LINK_BATCH, slot)) != 0)
		return r;
	return 0;
}

static int
watch(struct rv_daemon *d)
{
	if (rv_event_add(d->ev, &d->sigio, d->carry->sigfd, EPOLLIN, on_signal, d) != 0 ||
	    rv_link_watch(&d->link, d->ev, on_link, d) != 0) {
		rv_log(RV_LOG_ERR, "cannot watch descriptors: %s", strerror(errno));
		return RV_ERR_SYSTEM;
	}
	return 0;
}

/* TLS mode: the peer's sessions start; the tunnel is up once keys exist. */
static int
start_tls_mode(struct rv_daemon *d)
{
	int r;

	rv_daemon_mgmt_state(d, RV_MGMT_WAIT, NULL);
	if ((r = rv_client_new(&d->client, d)) != 0 || (r = rv_client_start(d->client)) != 0)
		return r;
	rv_timers_start(&d->peer);
	return 0;
}

/* --mode server: the clients come to us; the device is up already. */
static int
start_server_mode(struct rv_daemon *d)
{
	int r;

	if ((r = rv_server_new(&d->server, d)) != 0)
		return r;
	rv_srvmgmt_attach(d);
	d->carry->failures = 0;
	d->up = true;
	rv_log(RV_LOG_INFO, "Initialization Sequence Completed");
	rv_daemon_mgmt_state(d, RV_MGMT_CONNECTED, "SUCCESS");
	return 0;
}

int
rv_daemon_start(struct rv_daemon *d, const struct rv_options *o, struct rv_carry *carry)
{
	struct rv_sockaddr remotes[RV_ADDR_RESOLVE_MAX];
	size_t nremotes = 0;
	int r;

	memset(d, 0, sizeof(*d));
	d->o = o;
	d->carry = carry;
	d->link.fd = -1;
	d->tun.fd = -1;
	if ((r = rv_event_new(&d->ev)) != 0) {
		rv_log(RV_LOG_ERR, "cannot create the event loop: %s", rv_strerror(r));
		return r;
	}
	rv_timer_init(&d->exit_timer, on_exit_notify, d);
	d->proto = run_proto(d);
	if ((r = resolve_remote(d, proto_family(d), remotes, &nremotes)) != 0)
		return r;
	if (rv_proto_is_tcp_client(d->proto))
		rv_daemon_tcp_pick(d, remotes, nremotes);
	if ((r = setup_io(d)) != 0 || (r = open_link(d, nremotes > 0 ? &remotes[0] : NULL)) != 0 ||
	    (r = watch(d)) != 0 || (r = rv_daemon_mgmt_attach(d)) != 0)
		return r;
	if (d->link.tcp)
		rv_daemon_tcp_start(d, remotes, &nremotes);
	if (carry->have_tun) {
		/* --persist-tun: the device kept its addresses and routes. */
		d->tun = carry->tun;
		d->tun_digest = carry->tun_digest;
		carry->have_tun = false;
		d->tun.io.fn = NULL;
		if (d->tun.fd >= 0 &&
		    rv_event_add(d->ev, &d->tun.io, d->tun.fd, EPOLLIN, on_tun, d) != 0)
			return RV_ERR_SYSTEM;
	} else if (!o->pull && (r = options_tun_up(d)) != 0) {
		/* A pulling client brings the device up with what the server pushes. */
		return r;
	}
	if (o->srv.mode_server)
		return start_server_mode(d);
	if ((r = rv_peer_init(&d->peer, d, remotes, nremotes)) != 0) {
		rv_log(RV_LOG_ERR, "cannot set up the data channel: %s", rv_strerror(r));
		return r;
	}
	/* The end that has a --remote is the one that moves. */
	if (o->roam && nremotes > 0)
		rv_roam_start(&d->roam, &d->peer, d->ev, o->roam_hold);
	if (d->peer.tls) {
		if ((r = start_tls_mode(d)) == 0 && d->link.tcp && rv_tcp_is_open(&d->link.conn))
			rv_daemon_tcp_established(d);
		return r;
	}
	rv_crypto_resume_pid(&d->peer.crypto, carry->send_id, carry->send_time);
	if (d->peer.encrypted)
		rv_log(RV_LOG_NOTICE, "Static key: cipher %s, auth %s, key direction %s",
		    d->peer.crypto.cipher_name, d->peer.crypto.auth_name,
		    o->keydir == RV_KEYDIR_BIDI ? "bidirectional" : o->keydir == 0 ? "0" : "1");
	else
		rv_log(RV_LOG_WARN, "no --secret: the tunnel carries packets unencrypted and "
		    "unauthenticated");
	rv_log(RV_LOG_NOTICE, "Local Options String: '%s'", d->peer.occ_local);
	rv_timers_start(&d->peer);
	if (!d->link.tcp || rv_tcp_is_open(&d->link.conn))
		d->link.tcp ? rv_daemon_tcp_established(d) : rv_daemon_up(d);
	return 0;
}

int
rv_daemon_after_fork(struct rv_daemon *d)
{
	rv_event_del(d->ev, &d->sigio);
	if (rv_event_add(d->ev, &d->sigio, d->carry->sigfd, EPOLLIN, on_signal, d) != 0) {
		rv_log(RV_LOG_ERR, "cannot watch signals after daemonizing: %s", strerror(errno));
		return RV_ERR_SYSTEM;
	}
	return 0;
}

enum rv_sig
rv_daemon_run(struct rv_daemon *d)
{
	d->sig = RV_SIG_NONE;
	if (rv_event_run(d->ev) != 0) {
		rv_log(RV_LOG_ERR, "event loop failed: %s", strerror(errno));
		return RV_SIG_EXIT;
	}
	return d->sig == RV_SIG_NONE ? RV_SIG_EXIT : d->sig;
}

void
rv_daemon_stop(struct rv_daemon *d, bool keep_tun)
{
	if (d->ev != NULL) {
		rv_daemon_mgmt_detach(d);
		rv_timer_disarm(d->ev, &d->exit_timer);
		rv_roam_stop(&d->roam);
		rv_timer_disarm(d->ev, &d->connect_timer);
		rv_client_free(d->client);
		d->client = NULL;
		rv_server_free(d->server);
		d->server = NULL;
		if (d->peer.d != NULL) {
			d->carry->send_id = d->peer.crypto.send_id;
			d->carry->send_time = d->peer.crypto.send_time;
			rv_peer_clear(&d->peer);
		}
		rv_event_free(d->ev);
		d->ev = NULL;
	}
	rv_link_close(&d->link);
	rv_pktpool_clear(&d->rx);
	rv_pktpool_clear(&d->tx);
	if (keep_tun && rv_tun_is_open(&d->tun) && d->tun.type != RV_DEV_NULL) {
		d->carry->tun = d->tun;
		d->carry->tun_digest = d->tun_digest;
		d->carry->have_tun = true;
	} else {
		rv_tun_close(&d->tun);
	}
	d->tun.fd = -1;
	rv_netconf_close(d->nc);
	d->nc = NULL;
}
