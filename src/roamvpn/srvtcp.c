/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * srvtcp: the server's transport seam, and its TCP side (wire facts 1, 3.5;
 * openvpn's mtcp.c does this job there). Over TCP every accepted connection
 * is a client at once, with a fresh session that answers the client's reset
 * itself (random session id, no cookie: the TCP handshake proved the
 * address, as in openvpn 2.6). The connection belongs to its client: every
 * packet for that client (control, data, keepalives, pushes) is queued on it
 * and nowhere else, and its end removes the client.
 *
 * Bounds: the connection's buffers are allocated once at accept; accepts
 * count against --max-clients and --connect-freq; a connection that has not
 * finished its key exchange within --hand-window is closed; bad framing
 * closes only that connection. A full send queue drops that client's device
 * packets (counted for it), so a slow client never stalls the device reads
 * or the others. Device packets are queued during a batch and written by
 * one flush per connection from a zero-delay timer: one write per
 * connection and batch, not per packet.
 *
 * Resuming (the mobility extension, include/roamvpn/roam.h): a client that
 * moved opens a new connection whose first packet is a data packet of its
 * session (P_DATA_V2, normally its PROBE). The peer-id names the session;
 * if the packet opens with that session's keys, passes its replay window
 * and may move it (peer.c: newer than all, not empty), the session takes
 * the new connection and the old one closes: no handshake. A data packet
 * that resumes nothing closes the new connection at once, so the client
 * starts a new session without waiting. A failed attempt never touches the
 * session it named (it is not that session's stream that broke). Until it
 * is handed over, a resuming connection is an accept like any other: it
 * counts against --max-clients and --connect-freq and has --hand-window.
 */
#include "server_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "clock.h"
#include "ctlpkt.h"
#include "daemon.h"
#include "err.h"
#include "log.h"
#include "tcp.h"

enum { ACCEPT_PAUSE_MS = 250 };

struct rv_srvtcp {
	struct rv_tcp_conn conn;
	struct rv_srvclient *c;
	struct rv_timer hand;           /* --hand-window: keys by then, or closed */
	struct rv_srvtcp *next_dirty;
	bool dirty, out_armed;
	bool fresh;                     /* nothing but data packets yet: may resume a session */
};

static uint64_t
now(const struct rv_server *s)
{
	return rv_srv_now(s);
}

/* --- writing ------------------------------------------------------------------ */

static void
set_out(struct rv_srvtcp *t, bool out)
{
	struct rv_event *ev = t->c->srv->d->ev;

	if (out == t->out_armed || !rv_tcp_is_open(&t->conn))
		return;
	if (rv_event_modify(ev, &t->conn.io, EPOLLIN | (out ? EPOLLOUT : 0)) == 0)
		t->out_armed = out;
}

/* Marks t for the flush after this event (also to notice a lost one). */
static void
mark_dirty(struct rv_srvtcp *t)
{
	struct rv_server *s = t->c->srv;

	if (t->dirty)
		return;
	t->dirty = true;
	t->next_dirty = s->tcpall.dirty;
	s->tcpall.dirty = t;
	if (!rv_timer_armed(&s->tcpall.flush_timer))
		rv_timer_arm(s->d->ev, &s->tcpall.flush_timer, now(s));
}

static void
unmark_dirty(struct rv_srvtcp *t)
{
	struct rv_srvtcp **pp = &t->c->srv->tcpall.dirty;

	if (!t->dirty)
		return;
	for (; *pp != NULL; pp = &(*pp)->next_dirty)
		if (*pp == t) {
			*pp = t->next_dirty;
			break;
		}
	t->dirty = false;
}

/* The connection ended (by the peer, an error, bad framing): so does its
 * client. */
static void
lost(struct rv_srvtcp *t)
{
	struct rv_srvclient *c = t->c;
	char w[RV_SRV_WHO_MAX];

	if (c->dead)
		return;
	if (t->conn.why == RV_TCP_WHY_BAD_LENGTH) {
		c->srv->tcpall.bad_frames++;
		rv_log(RV_LOG_WARN, "%s bad packet length on the TCP connection (zero or above "
		    "%zu bytes): the stream is garbled or not OpenVPN; closing it",
		    rv_srv_who(c, w), t->conn.frame_max);
	}
	rv_srv_kill(c, t->conn.why == RV_TCP_WHY_EOF ? "connection closed by the client" :
	    rv_tcp_why_name(t->conn.why));
}

static void
flush_one(struct rv_srvtcp *t)
{
	int r;

	if (!rv_tcp_is_open(&t->conn))
		return lost(t);
	r = rv_tcp_flush(&t->conn);
	if (r == RV_ERR_SYSTEM)
		return lost(t);
	set_out(t, r == RV_ERR_AGAIN);
}

static void
on_flush(void *arg)
{
	struct rv_server *s = arg;

	while (s->tcpall.dirty != NULL) {
		struct rv_srvtcp *t = s->tcpall.dirty;

		s->tcpall.dirty = t->next_dirty;
		t->dirty = false;
		flush_one(t);
	}
}

int
rv_srv_send(struct rv_srvclient *c, const struct rv_buf *b, bool control)
{
	struct rv_srvtcp *t = c->tcp;
	int r;

	if (t == NULL) {
		/* A new address not validated yet gets 3x what it sent. */
		if (!rv_peer_may_send(&c->peer, rv_buf_len(b)))
			return RV_ERR_LIMIT;
		if (rv_link_send_buf(&c->srv->d->link, b, &c->peer.remote) == 0)
			return 0;
		rv_peer_drop(&c->peer, RV_DROP_LINK_SEND, &c->peer.remote,
		    control ? "control packet" : NULL);
		return RV_ERR_SYSTEM;
	}
	if (c->dead)
		return RV_ERR_SYSTEM;
	/* Control packets go out at once; data waits for the batch's flush. */
	r = control ? rv_tcp_send(&t->conn, rv_buf_data(b), rv_buf_len(b), true) :
	    rv_tcp_queue(&t->conn, rv_buf_data(b), rv_buf_len(b), false);
	if (r == RV_ERR_SYSTEM && !rv_tcp_is_open(&t->conn))
		/* Unwatched now, before an accept can reuse the descriptor's
		 * number; the client goes from the flush (not inside the
		 * caller's callback). */
		rv_event_del(c->srv->d->ev, &t->conn.io);
	if (r == 0)
		rv_link_count(&c->srv->d->link, false, rv_buf_len(b) + RV_TCP_LEN_SIZE);
	if (r == 0 || r == RV_ERR_SYSTEM) {
		mark_dirty(t);
		return r;
	}
	rv_peer_drop(&c->peer, RV_DROP_LINK_SEND, &c->peer.remote, r == RV_ERR_AGAIN ?
	    "the client's TCP send queue is full" : "bad length");
	return r;
}

/* --- resuming ------------------------------------------------------------------- */

bool
rv_srvtcp_may_move(struct rv_srvclient *c, const struct rv_sockaddr *to)
{
	const struct rv_srvtcp *t = c->srv->tcpall.resuming;

	return t != NULL && t->c != c && rv_addr_equal(to, &t->conn.peer);
}

void
rv_srvtcp_moved(struct rv_srvclient *c)
{
	struct rv_server *s = c->srv;
	struct rv_srvtcp *t = s->tcpall.resuming, *old = c->tcp;
	struct rv_srvclient *stub;
	char w[RV_SRV_WHO_MAX + 32];

	if (t == NULL || t == old)
		return;
	/* The connections change hands: the session takes the new one; the
	 * client the new connection was accepted for (nothing but a peer-id
	 * and buffers) takes the old one and goes with it. */
	stub = t->c;
	c->tcp = t;
	t->c = c;
	stub->tcp = old;
	old->c = stub;
	t->fresh = false;
	rv_timer_disarm(s->d->ev, &t->hand);
	s->tcpall.resumed++;
	snprintf(w, sizeof(w), "its connection went to %s", c->cn[0] != '\0' ? c->cn : "a session");
	rv_srv_kill(stub, w);
}

/* A data packet opens a new connection: it may resume the session its
 * peer-id names (see the top of this file). */
static enum rv_rx
resume(struct rv_srvtcp *t, struct rv_pkt *pkt)
{
	struct rv_srvclient *stub = t->c, *c = NULL;
	struct rv_server *s = stub->srv;
	char a[RV_ADDRSTRLEN];
	uint32_t hdr, id;
	enum rv_rx rx;

	if (rv_buf_peek(&pkt->buf, 0, &hdr, sizeof(hdr)) == 0 &&
	    (id = ntohl(hdr) & RV_WIRE_PEER_ID_NONE) < s->max_clients)
		c = s->by_id[id];
	if (c == NULL || c == stub || c->dead || c->closing || !c->negotiated ||
	    c->tcp == NULL || !c->peer.roam_ext) {
		s->tcpall.resume_refused++;
		rv_log_rl(&s->rl, RV_LOG_WARN, "TCP connection from %s closed: its first packet is "
		    "data of no session it may resume", rv_addr_fmt(&t->conn.peer, a));
		rv_srv_kill(stub, "data packet of no session");
		return RV_RX_DROP;
	}
	s->tcpall.resuming = t;
	rx = rv_peer_receive(&c->peer, pkt);
	s->tcpall.resuming = NULL;
	if (c->tcp != t) {
		/* Not opened, a replay, an older or an empty packet (counted by
		 * the session's peer): the payload is not taken either. */
		s->tcpall.resume_refused++;
		rv_log_rl(&s->rl, RV_LOG_WARN, "TCP connection from %s closed: its packet did not "
		    "resume the session of peer-id %u", rv_addr_fmt(&t->conn.peer, a), c->peer_id);
		rv_srv_kill(stub, "data packet that resumes no session");
		return RV_RX_DROP;
	}
	return rx == RV_RX_DELIVER && !c->dead ? rv_srv_route_in(s, c, pkt) : rx;
}

/* --- reading ------------------------------------------------------------------ */

static enum rv_rx
receive(struct rv_srvtcp *t, struct rv_pkt *pkt)
{
	uint8_t first;

	if (t->fresh && !pkt->truncated && rv_buf_peek_u8(&pkt->buf, 0, &first) == 0) {
		if (rv_ctlpkt_opcode(first) == RV_OP_DATA_V2)
			return resume(t, pkt);
		t->fresh = false;     /* a new session on this connection */
	}
	return rv_srv_client_receive(t->c, pkt);
}

static void
on_conn(void *arg, uint32_t events)
{
	struct rv_srvtcp *t = arg;
	struct rv_daemon *d = t->c->srv->d;
	unsigned got;
	int r;

	if (events & EPOLLOUT)
		flush_one(t);
	if (t->c->dead || !(events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		return;
	/* Frames already buffered do not wake epoll again: read until the
	 * socket has nothing more (fewer frames than slots). The connection's
	 * client may change on the way (resuming): t->c each time. */
	do {
		for (unsigned i = 0; i < d->rx.n; i++)
			rv_pkt_reset(&d->rx.pkts[i], 0);
		r = rv_tcp_recv(&t->conn, d->rx.pkts, d->rx.n, &got);
		for (unsigned i = 0; i < got && !t->c->dead; i++) {
			struct rv_pkt *pkt = &d->rx.pkts[i];

			rv_link_count(&d->link, true, rv_buf_len(&pkt->buf) + RV_TCP_LEN_SIZE);
			if (receive(t, pkt) == RV_RX_DELIVER && rv_tun_write(&d->tun, &pkt->buf) != 0)
				rv_peer_drop(&t->c->peer, RV_DROP_TUN_WRITE, NULL, strerror(errno));
		}
	} while (r == 0 && got == d->rx.n && !t->c->dead);
	if (r == RV_ERR_SYSTEM)
		lost(t);
}

/* --- connections ---------------------------------------------------------------- */

static void
on_hand_window(void *arg)
{
	struct rv_srvtcp *t = arg;

	if (t->c->negotiated || t->c->dead || t->c->closing)
		return;
	t->c->srv->tcpall.hand_timeouts++;
	rv_srv_kill(t->c, "no key exchange within --hand-window");
}

/* Makes client and connection for an accepted socket; closes fd on failure. */
static void
admit(struct rv_server *s, int fd, const struct rv_sockaddr *from)
{
	const struct rv_options *o = s->o;
	size_t frame = s->d->rx.pkts[0].cap;
	struct rv_srvtcp *t = calloc(1, sizeof(*t));
	struct rv_srvclient *c;
	char a[RV_ADDRSTRLEN];

	if (t == NULL || rv_tcp_init(&t->conn, frame, (size_t)o->tcp_queue_limit *
	    (frame + RV_TCP_LEN_SIZE) + RV_TCP_CTL_RESERVE) != 0 ||
	    (c = rv_srv_new_client(s, from, NULL, NULL)) == NULL) {
		if (t != NULL)
			rv_tcp_clear(&t->conn);
		free(t);
		close(fd);
		s->drops[SD_FULL]++;
		rv_log_rl(&s->rl, RV_LOG_WARN, "TCP connection from %s refused: out of memory "
		    "or peer-ids", rv_addr_fmt(from, a));
		return;
	}
	t->c = c;
	t->fresh = true;
	c->tcp = t;
	rv_tcp_attach(&t->conn, fd, from);
	rv_timer_init(&t->hand, on_hand_window, t);
	rv_timer_arm(s->d->ev, &t->hand, now(s) + rv_sec((uint64_t)o->hand_window));
	if (rv_event_add(s->d->ev, &t->conn.io, fd, EPOLLIN, on_conn, t) != 0) {
		rv_srv_kill(c, "cannot watch its connection");
		return;
	}
	s->tcpall.accepted++;
	rv_log(RV_LOG_NOTICE, "TCP connection established with %s", rv_addr_fmt(from, a));
}

void
rv_server_accept(struct rv_server *s)
{
	struct rv_sockaddr from;
	char a[RV_ADDRSTRLEN];
	int fd, r;

	while ((r = rv_tcp_accept(&s->d->link.listener, &fd, &from)) != RV_ERR_AGAIN) {
		if (r != 0) {
			/* EMFILE and friends: the connection waits in the backlog,
			 * and the listener is not watched for a while (it would be
			 * readable again at once: a busy loop). */
			rv_log_rl(&s->rl, RV_LOG_WARN, "TCP accept failed: %s; not accepting for "
			    "%d ms", strerror(errno), ACCEPT_PAUSE_MS);
			if (rv_event_modify(s->d->ev, &s->d->link.listener.io, 0) == 0)
				rv_timer_arm(s->d->ev, &s->tcpall.accept_pause,
				    now(s) + rv_msec(ACCEPT_PAUSE_MS));
			return;
		}
		if (s->nclients >= s->max_clients) {
			s->tcpall.refused_full++;
			s->drops[SD_FULL]++;
			rv_log_rl(&s->rl, RV_LOG_WARN, "TCP connection from %s refused: "
			    "--max-clients %u reached", rv_addr_fmt(&from, a), s->max_clients);
			close(fd);
			continue;
		}
		if (!rv_rate_allow(&s->connect_rate, now(s))) {
			s->tcpall.refused_rate++;
			s->drops[SD_RATE]++;
			rv_log_rl(&s->rl, RV_LOG_WARN, "TCP connection from %s refused: "
			    "over --connect-freq", rv_addr_fmt(&from, a));
			close(fd);
			continue;
		}
		admit(s, fd, &from);
	}
}

/* The accept pause is over: the listener is watched again. */
static void
on_accept_pause(void *arg)
{
	struct rv_server *s = arg;

	if (rv_event_modify(s->d->ev, &s->d->link.listener.io, EPOLLIN) != 0)
		rv_log(RV_LOG_ERR, "cannot watch the TCP listener again: %s", strerror(errno));
}

void
rv_srvtcp_init(struct rv_server *s)
{
	rv_timer_init(&s->tcpall.flush_timer, on_flush, s);
	rv_timer_init(&s->tcpall.accept_pause, on_accept_pause, s);
}

void
rv_srvtcp_close(struct rv_srvclient *c)
{
	struct rv_srvtcp *t = c->tcp;
	struct rv_event *ev = c->srv->d->ev;

	if (t == NULL)
		return;
	unmark_dirty(t);
	rv_timer_disarm(ev, &t->hand);
	/* What is queued (an AUTH_FAILED, a RESTART) gets one last try. */
	if (rv_tcp_is_open(&t->conn))
		rv_tcp_flush(&t->conn);
	rv_event_del(ev, &t->conn.io);
	rv_tcp_close(&t->conn);
}

void
rv_srvtcp_free(struct rv_srvclient *c)
{
	struct rv_srvtcp *t = c->tcp;

	if (t == NULL)
		return;
	rv_srvtcp_close(c);
	c->srv->tcpall.queue_full += t->conn.queue_full;
	rv_tcp_clear(&t->conn);
	free(t);
	c->tcp = NULL;
}

void
rv_srvtcp_print_stats(const struct rv_server *s)
{
	uint64_t full = s->tcpall.queue_full;

	for (const struct rv_srvclient *c = s->clients; c != NULL; c = c->next)
		if (c->tcp != NULL)
			full += c->tcp->conn.queue_full;
	rv_log(RV_LOG_INFO, "TCP connections accepted,%llu",
	    (unsigned long long)s->tcpall.accepted);
	rv_log(RV_LOG_INFO, "TCP connections refused (max-clients),%llu",
	    (unsigned long long)s->tcpall.refused_full);
	rv_log(RV_LOG_INFO, "TCP connections refused (connect-freq),%llu",
	    (unsigned long long)s->tcpall.refused_rate);
	rv_log(RV_LOG_INFO, "TCP bad frame lengths,%llu", (unsigned long long)s->tcpall.bad_frames);
	rv_log(RV_LOG_INFO, "TCP hand-window timeouts,%llu",
	    (unsigned long long)s->tcpall.hand_timeouts);
	rv_log(RV_LOG_INFO, "TCP send queue full,%llu", (unsigned long long)full);
	rv_log(RV_LOG_INFO, "TCP sessions resumed on a new connection,%llu",
	    (unsigned long long)s->tcpall.resumed);
	rv_log(RV_LOG_INFO, "TCP connections refused a resume,%llu",
	    (unsigned long long)s->tcpall.resume_refused);
}
