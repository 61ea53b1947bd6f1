/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * roam: reconfiguration probes after a path change (see roam.h).
 */
#include "roam.h"

#include <string.h>

#include "clock.h"
#include "daemon.h"
#include "daemon_tcp.h"
#include "err.h"
#include "log.h"
#include "peer.h"
#include "roammsg.h"
#include "timers.h"

/* Delays between probes, in ms: the first goes at once. */
static const unsigned backoff_ms[] = { 0, 25, 50, 100, 200, 400, 800, 1000 };
enum { BACKOFF_STEPS = sizeof(backoff_ms) / sizeof(backoff_ms[0]) };

/* Over TCP a connection is tied to its addresses: a probe goes on a new
 * connection (whose connect is retried after 1, 2, 4, 4 ... s while it
 * does not come up). */
static const unsigned tcp_backoff_ms[] = { 1000, 2000, 4000 };
enum { TCP_BACKOFF_STEPS = sizeof(tcp_backoff_ms) / sizeof(tcp_backoff_ms[0]) };

static bool
over_tcp(const struct rv_roam *r)
{
	return r->p->d->link.tcp;
}

static void
send_tcp_probe(struct rv_roam *r)
{
	unsigned step = r->step < TCP_BACKOFF_STEPS - 1 ? r->step : TCP_BACKOFF_STEPS - 1;

	r->tcp_open = false;
	/* The PROBE is the new connection's first packet: it names the session
	 * (peer-id) and proves it has the keys; the REPLY ends the move. */
	if (rv_daemon_tcp_reconnect(r->p->d, &rv_netwatch_path(r->nw)->src) == 0)
		rv_peer_send_roam(r->p, RV_ROAM_MSG_PROBE, r->nonce, NULL);
	r->probes++;
	r->probes_total++;
	r->step++;
	rv_timer_arm(r->ev, &r->probe, rv_clock_now() + tcp_backoff_ms[step] * RV_NSEC_PER_MSEC);
}

static void
send_probe(struct rv_roam *r)
{
	unsigned step = r->step < BACKOFF_STEPS - 1 ? r->step + 1 : BACKOFF_STEPS - 1;

	if (over_tcp(r))
		return send_tcp_probe(r);
	/* A roamvpn server answers a probe at once; any other server floats
	 * on a keepalive and answers with its next packet. */
	if (r->p->roam_ext)
		rv_peer_send_roam(r->p, RV_ROAM_MSG_PROBE, r->nonce, NULL);
	else
		rv_peer_send_ping(r->p);
	r->probes++;
	r->probes_total++;
	r->step = step;
	rv_timer_arm(r->ev, &r->probe, rv_clock_now() + backoff_ms[step] * RV_NSEC_PER_MSEC);
}

static void
on_probe(void *arg)
{
	struct rv_roam *r = arg;

	/* A connection that is up carries its PROBE: TCP delivers it. */
	if (r->probing && !(over_tcp(r) && r->tcp_open))
		send_probe(r);
}

/* A move begins (or begins again on another path): probes from now on. */
static void
begin(struct rv_roam *r, const struct rv_path *old, uint64_t at)
{
	if (!r->probing) {
		if (r->no_route_since == 0)
			r->from = *old;
		r->detected = at;
		r->probes = 0;
	}
	if (r->no_route_since != 0) {
		/* Back after an outage: give the probes a full --ping-restart. */
		r->no_route_since = 0;
		rv_timers_restart_watchdog(r->p);
	}
	/* A fresh nonce per path: a REPLY to a probe sent on an earlier path
	 * does not end this move. */
	if (rv_roam_nonce_new(r->nonce) != 0)
		memset(r->nonce, 0, sizeof(r->nonce));
	r->probing = true;
	r->step = 0;
	send_probe(r);
}

/* A UDP socket bound to an address that is not the new path's source (the
 * address went, or the route left through another interface) could not
 * send on it: the same port on any address instead. */
static void
follow_source(struct rv_roam *r, const struct rv_path *path)
{
	struct rv_link *l = &r->p->d->link;
	struct rv_sockaddr was = l->local;
	char err[256], a[RV_ADDRSTRLEN], b[RV_ADDRSTRLEN];
	bool rebound;

	if (rv_link_follow_source(l, &path->src, &rebound, err, sizeof(err)) != 0)
		rv_log(RV_LOG_WARN, "roam: %s", err);
	else if (rebound)
		rv_log(RV_LOG_INFO, "roam: the socket was bound to %s, not the source of the new "
		    "path: now bound to %s", rv_addr_fmt(&was, a), rv_addr_fmt(&l->local, b));
}

static void
on_path(void *arg, const struct rv_path *old, const struct rv_path *path, uint64_t at)
{
	struct rv_roam *r = arg;
	char a[RV_ADDRSTRLEN + 24], b[RV_ADDRSTRLEN + 24];

	if (!path->has_route) {
		if (r->no_route_since == 0)
			r->no_route_since = at;
		rv_log(RV_LOG_INFO, "roam: no route to the peer (was %s); the session is kept for "
		    "up to %d s (--roam-hold)", rv_path_fmt(old, a), r->hold_secs);
		if (!r->probing)
			r->from = *old;
		r->probing = false;
		rv_timer_disarm(r->ev, &r->probe);
		return;
	}
	if (over_tcp(r) && !rv_proto_is_tcp_client(r->p->d->proto))
		return;   /* a tcp-server waits for its peer to connect again */
	if (over_tcp(r) && !r->p->roam_ext) {
		/* The connection is bound to the old address, and the server
		 * cannot resume the session on another: a new session now,
		 * instead of waiting for --ping-restart. */
		rv_log(RV_LOG_INFO, "roam: path to the peer now %s (was %s): reconnecting",
		    rv_path_fmt(path, b), rv_path_fmt(old, a));
		r->p->d->carry->restart_now = true;
		rv_daemon_signal(r->p->d, RV_SIG_RESTART, "roam-path-changed");
		return;
	}
	rv_log(RV_LOG_INFO, "roam: path to the peer now %s (was %s): %s",
	    rv_path_fmt(path, b), rv_path_fmt(old, a), over_tcp(r) ?
	    "resuming the session on a new TCP connection" : "probing");
	if (!over_tcp(r))
		follow_source(r, path);
	begin(r, old, at);
}

int
rv_roam_start(struct rv_roam *r, struct rv_peer *p, struct rv_event *ev, int hold_secs)
{
	char err[RV_NETWATCH_ERRLEN], a[RV_ADDRSTRLEN + 24];
	int ret;

	*r = (struct rv_roam){ .p = p, .ev = ev, .hold_secs = hold_secs };
	rv_timer_init(&r->probe, on_probe, r);
	if ((ret = rv_netwatch_open(&r->nw, ev, &p->remote, on_path, r, err)) != 0) {
		rv_log(RV_LOG_WARN, "roam: %s; mobility is off", err);
		r->ev = NULL;
		return ret;
	}
	rv_log(RV_LOG_NOTICE, "roam: watching the path to the peer: %s",
	    rv_path_fmt(rv_netwatch_path(r->nw), a));
	return 0;
}

void
rv_roam_stop(struct rv_roam *r)
{
	if (r->ev == NULL)
		return;
	rv_timer_disarm(r->ev, &r->probe);
	rv_netwatch_close(r->nw);
	r->nw = NULL;
	r->ev = NULL;
}

static void
moved(struct rv_roam *r)
{
	char a[RV_ADDRSTRLEN + 24], b[RV_ADDRSTRLEN + 24];

	r->probing = false;
	rv_timer_disarm(r->ev, &r->probe);
	r->moves++;
	r->last_delay_ns = rv_clock_now() - r->detected;
	rv_log(RV_LOG_INFO, "roam: moved %s -> %s: the peer answered %.1f ms after the change "
	    "(%u %s%s)", rv_path_fmt(&r->from, a), rv_path_fmt(rv_netwatch_path(r->nw), b),
	    (double)r->last_delay_ns / 1e6, r->probes, over_tcp(r) ? "connection" : "probe",
	    r->probes == 1 ? "" : "s");
}

void
rv_roam_heard(struct rv_roam *r)
{
	if (r->probing && !r->p->roam_ext)
		moved(r);
}

void
rv_roam_replied(struct rv_roam *r, const uint8_t echo[static RV_ROAM_NONCE_LEN])
{
	if (r->probing && !rv_roam_nonce_none(r->nonce) &&
	    memcmp(echo, r->nonce, sizeof(r->nonce)) == 0)
		moved(r);
}

void
rv_roam_tcp_connected(struct rv_roam *r)
{
	r->tcp_open = true;
}

bool
rv_roam_tcp_lost(struct rv_roam *r)
{
	char a[RV_ADDRSTRLEN + 24];

	if (r->ev == NULL || !r->p->roam_ext || !rv_proto_is_tcp_client(r->p->d->proto))
		return false;
	/* No route: the session waits (--roam-hold) for one to come back. */
	if (r->no_route_since != 0)
		return true;
	if (r->probing) {
		if (!r->tcp_open)
			return true;    /* the connect failed: tried again (send_tcp_probe) */
		/* A server that closes the new connection knows no session to
		 * resume on it (it restarted, or dropped us): a new session. */
		rv_log(RV_LOG_WARN, "roam: the server closed the new connection without resuming "
		    "the session: starting a new one");
		r->p->d->carry->restart_now = true;
		return false;
	}
	/* Reset by a middlebox, a NAT that forgot the mapping ...: the same
	 * path may well work again. */
	rv_log(RV_LOG_INFO, "roam: the TCP connection on %s was lost (%s): resuming the "
	    "session on a new one", rv_path_fmt(rv_netwatch_path(r->nw), a),
	    rv_tcp_why_name(r->p->d->link.conn.why));
	begin(r, rv_netwatch_path(r->nw), rv_clock_now());
	return true;
}

bool
rv_roam_holds(const struct rv_roam *r, uint64_t t)
{
	return r->ev != NULL && r->no_route_since != 0 &&
	    t < r->no_route_since + rv_sec((uint64_t)r->hold_secs);
}
