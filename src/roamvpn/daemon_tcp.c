/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * daemon_tcp: the daemon's side of a TCP link (link.h): a tcp-client's
 * connect finishing or timing out (--connect-timeout), a p2p tcp-server
 * accepting its one connection (only from a --remote address), and the end
 * of the connection, which ends the run ("connection-reset") so that the
 * next one connects or listens again, as openvpn does; but with a server of
 * the mobility extension, a tcp-client resumes its session on a new
 * connection instead (roam.c decides, rv_daemon_tcp_reconnect() connects).
 */
#include "daemon_tcp.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>

#include "clock.h"
#include "err.h"
#include "log.h"
#include "server.h"

void
rv_daemon_tcp_pick(struct rv_daemon *d, struct rv_sockaddr *remotes, size_t n)
{
	size_t i = n > 0 ? d->carry->tcp_addr_index % n : 0;
	struct rv_sockaddr first;

	if (i == 0)
		return;
	first = remotes[0];
	remotes[0] = remotes[i];
	remotes[i] = first;
}

/* A connect failed: the next run tries the remote's next address (a
 * resume tries again in its own time). */
static void
connect_failed(struct rv_daemon *d, const char *why)
{
	if (rv_roam_tcp_lost(&d->roam))
		return;
	d->carry->tcp_addr_index++;
	rv_daemon_signal(d, RV_SIG_RESTART, why);
}

void
rv_daemon_tcp_established(struct rv_daemon *d)
{
	char a[RV_ADDRSTRLEN];

	rv_timer_disarm(d->ev, &d->connect_timer);
	rv_log(RV_LOG_NOTICE, "TCP connection established with %s",
	    rv_addr_fmt(&d->link.conn.peer, a));
	rv_roam_tcp_connected(&d->roam);
	if (!d->peer.tls)
		rv_daemon_up(d);
}

/* p2p tcp-server: takes the waiting connection if --remote allows it
 * (address only: the port of a connecting peer is its own choice; --float
 * plays no part on TCP); another is closed and the listener stays. */
static void
tcp_accept(struct rv_daemon *d)
{
	char a[RV_ADDRSTRLEN];
	struct rv_sockaddr from;
	int r = rv_link_accept(&d->link, d->tcp_allowed, d->tcp_nallowed, &from);

	if (r == RV_ERR_AGAIN)
		return;
	if (r == RV_ERR_AUTH) {
		rv_log_rl(&d->io_rl, RV_LOG_WARN, "TCP connection from %s refused: not a "
		    "--remote address", rv_addr_fmt(&from, a));
		return;
	}
	if (r != 0) {
		rv_log_rl(&d->io_rl, RV_LOG_WARN, "TCP accept failed: %s", strerror(errno));
		return;
	}
	/* On TCP the connection is the peer: packets go nowhere else, and only
	 * this connection's packets are read. */
	rv_peer_set_remote(&d->peer, &from);
	rv_daemon_tcp_established(d);
}

/* The connection closed (by the peer, an error, or bad framing): the run
 * ends and the next one reconnects (client) or listens again (server). */
static void
tcp_lost(struct rv_daemon *d)
{
	const struct rv_tcp_conn *c = &d->link.conn;
	char a[RV_ADDRSTRLEN];

	if (c->why != RV_TCP_WHY_BAD_LENGTH && rv_roam_tcp_lost(&d->roam))
		return;    /* the session goes on over a new connection */
	d->carry->tcp_resets++;
	d->carry->tcp_bad_frames += c->bad_frames;
	if (c->why == RV_TCP_WHY_BAD_LENGTH)
		rv_log(RV_LOG_WARN, "bad packet length on the TCP connection with %s (zero or "
		    "above %zu bytes): the stream is garbled or not OpenVPN; closing it",
		    rv_addr_fmt(&c->peer, a), c->frame_max);
	else
		rv_log(RV_LOG_NOTICE, "Connection reset, restarting [%s%s%s]",
		    rv_tcp_why_name(c->why), c->err != 0 ? ": " : "",
		    c->err != 0 ? strerror(c->err) : "");
	rv_daemon_signal(d, RV_SIG_RESTART, "connection-reset");
}

static void
on_connect_timeout(void *arg)
{
	struct rv_daemon *d = arg;
	char a[RV_ADDRSTRLEN];

	rv_log(RV_LOG_WARN, "TCP: connect to %s timed out after %d s (--connect-timeout)",
	    rv_addr_fmt(&d->link.conn.peer, a), d->o->server_poll_timeout);
	connect_failed(d, "connection-timeout");
}

void
rv_daemon_tcp_event(struct rv_daemon *d, uint32_t events)
{
	char a[RV_ADDRSTRLEN];

	if (rv_link_listening(&d->link)) {
		/* A server keeps listening: each connection is a client. */
		if (events & EPOLLIN)
			d->server != NULL ? rv_server_accept(d->server) : tcp_accept(d);
		return;
	}
	if (rv_link_connecting(&d->link)) {
		int r = rv_link_connect_done(&d->link);

		if (r == RV_ERR_AGAIN)
			return;
		if (r != 0) {
			rv_log(RV_LOG_WARN, "TCP: connect to %s failed: %s",
			    rv_addr_fmt(&d->link.conn.peer, a), strerror(d->link.conn.err));
			return connect_failed(d, "connection-failed");
		}
		rv_daemon_tcp_established(d);
	}
	if (events & EPOLLOUT) {
		rv_link_flush(&d->link);
		rv_daemon_flush_tx(d);
	}
	/* Frames already buffered do not wake epoll again: read them all. */
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
		while (rv_daemon_receive_batch(d) == d->rx.n && d->sig == RV_SIG_NONE)
			;
	if (rv_link_broken(&d->link) && d->sig == RV_SIG_NONE)
		tcp_lost(d);
}

int
rv_daemon_tcp_reconnect(struct rv_daemon *d, const struct rv_sockaddr *src)
{
	char err[256], a[RV_ADDRSTRLEN];

	if (rv_link_reconnect(&d->link, src, err, sizeof(err)) != 0) {
		rv_log_rl(&d->io_rl, RV_LOG_WARN, "%s", err);
		return RV_ERR_SYSTEM;
	}
	rv_log(RV_LOG_NOTICE, "Attempting to establish TCP connection with %s (to resume the "
	    "session)", rv_addr_fmt(&d->link.conn.peer, a));
	if (!rv_link_connecting(&d->link))
		rv_daemon_tcp_established(d);
	return 0;
}

void
rv_daemon_tcp_start(struct rv_daemon *d, const struct rv_sockaddr *remotes, size_t *nremotes)
{
	rv_timer_init(&d->connect_timer, on_connect_timeout, d);
	if (d->o->explicit_exit_notify > 0)
		rv_log(RV_LOG_NOTICE, "NOTICE: --explicit-exit-notify ignored for --proto tcp");
	if (rv_proto_is_tcp_server(d->proto)) {
		d->tcp_nallowed = *nremotes;
		memcpy(d->tcp_allowed, remotes, *nremotes * sizeof(*remotes));
		*nremotes = 0;
	} else if (rv_link_connecting(&d->link)) {
		rv_timer_arm(d->ev, &d->connect_timer, rv_event_now(d->ev) +
		    rv_sec((uint64_t)d->o->server_poll_timeout));
	}
}
