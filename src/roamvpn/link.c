/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * link: the transport of a one-peer daemon. UDP batched; or one TCP
 * connection (tcp.c) that this file connects, or accepts from a listener,
 * and watches in the event loop.
 */
#include "link.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "err.h"

int
rv_link_open(struct rv_link *l, int family, bool v6only, const struct rv_sockaddr *bind_to,
    int sndbuf, int rcvbuf, char *err, size_t errlen)
{
	char a[RV_ADDRSTRLEN];
	int one = 1, off = 0;

	memset(l, 0, sizeof(*l));
	l->sndbuf = sndbuf;
	l->rcvbuf = rcvbuf;
	l->fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP);
	if (l->fd < 0) {
		snprintf(err, errlen, "cannot create a UDP socket: %s", strerror(errno));
		return RV_ERR_SYSTEM;
	}
	l->family = family;
	if (family == AF_INET6) {
		setsockopt(l->fd, IPPROTO_IPV6, IPV6_V6ONLY, v6only ? &one : &off, sizeof(int));
		l->dualstack = !v6only;
	}
	if (sndbuf > 0)
		setsockopt(l->fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	if (rcvbuf > 0)
		setsockopt(l->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (bind_to != NULL) {
		struct rv_sockaddr b = *bind_to;

		if (l->dualstack)
			rv_addr_map6(bind_to, &b);
		if (bind(l->fd, &b.u.sa, b.len) != 0) {
			snprintf(err, errlen, "cannot bind UDP socket to %s: %s",
			    rv_addr_fmt(bind_to, a), strerror(errno));
			rv_link_close(l);
			return RV_ERR_SYSTEM;
		}
	}
	rv_addr_of_socket(l->fd, &l->local);
	return 0;
}

void
rv_link_close(struct rv_link *l)
{
	/* The event loop may be gone already; a closed descriptor leaves it. */
	l->ev = NULL;
	if (l->tcp) {
		rv_tcp_clear(&l->conn);
		rv_tcp_listener_close(&l->listener);
	} else if (l->fd >= 0) {
		close(l->fd);
	}
	l->fd = -1;
}

/* a's port on the wildcard address of its family. */
static void
any_address(const struct rv_sockaddr *a, struct rv_sockaddr *out)
{
	*out = *a;
	if (rv_addr_family(a) == AF_INET6)
		out->u.in6.sin6_addr = in6addr_any;
	else
		out->u.in4.sin_addr.s_addr = htonl(INADDR_ANY);
}

static bool
is_wildcard(const struct rv_sockaddr *a)
{
	if (rv_addr_family(a) == AF_INET6)
		return IN6_IS_ADDR_UNSPECIFIED(&a->u.in6.sin6_addr);
	return a->u.in4.sin_addr.s_addr == htonl(INADDR_ANY);
}

int
rv_link_follow_source(struct rv_link *l, const struct rv_sockaddr *src, bool *rebound,
    char *err, size_t errlen)
{
	struct rv_sockaddr any, old = l->local;
	struct rv_link n;
	char e2[256];
	int r;

	*rebound = false;
	if (l->tcp || l->fd < 0 || !rv_addr_is_set(&l->local) || is_wildcard(&l->local) ||
	    (rv_addr_is_set(src) && rv_addr_equal_host(&l->local, src)))
		return 0;
	any_address(&l->local, &any);
	/* The port is the old socket's: it goes first. */
	if (l->ev != NULL)
		rv_event_del(l->ev, &l->io);
	close(l->fd);
	l->fd = -1;
	if ((r = rv_link_open(&n, rv_addr_family(&any), !l->dualstack, &any, l->sndbuf,
	    l->rcvbuf, err, errlen)) == 0)
		*rebound = true;
	else if (rv_link_open(&n, rv_addr_family(&old), !l->dualstack, &old, l->sndbuf,
	    l->rcvbuf, e2, sizeof(e2)) != 0)
		return r;
	l->fd = n.fd;
	l->local = n.local;
	if (l->ev != NULL && rv_event_add(l->ev, &l->io, l->fd,
	    EPOLLIN | (l->out_armed ? EPOLLOUT : 0), l->fn, l->arg) != 0) {
		snprintf(err, errlen, "cannot watch the new socket: %s", strerror(errno));
		return RV_ERR_SYSTEM;
	}
	return r;
}

/* --- TCP ------------------------------------------------------------------------ */

int
rv_link_open_tcp(struct rv_link *l, const struct rv_sockaddr *remote, int family,
    bool v6only, const struct rv_sockaddr *bind_to, size_t frame_max, unsigned queue_packets,
    char *err, size_t errlen)
{
	int r;

	memset(l, 0, sizeof(*l));
	l->fd = -1;
	l->tcp = true;
	l->listener.fd = -1;
	if ((r = rv_tcp_init(&l->conn, frame_max, queue_packets * (frame_max + RV_TCP_LEN_SIZE) +
	    RV_TCP_CTL_RESERVE)) != 0) {
		snprintf(err, errlen, "out of memory for the TCP buffers");
		return r;
	}
	if (remote != NULL) {
		if (bind_to != NULL)
			l->bind_to = *bind_to;
		if ((r = rv_tcp_connect(&l->conn, remote, bind_to, err, errlen)) != 0) {
			rv_link_close(l);
			return r;
		}
		l->fd = l->conn.fd;
		l->family = rv_addr_family(remote);
		rv_addr_of_socket(l->fd, &l->local);
		return 0;
	}
	if ((r = rv_tcp_listen(&l->listener, family, v6only, bind_to, err, errlen)) != 0) {
		rv_link_close(l);
		return r;
	}
	l->fd = l->listener.fd;
	l->family = family;
	l->dualstack = l->listener.dualstack;
	l->local = l->listener.local;
	return 0;
}

static void
on_lost(void *arg)
{
	struct rv_link *l = arg;

	if (l->fn != NULL)
		l->fn(l->arg, EPOLLHUP);
}

/* A send found the connection closed: make sure the owner hears of it. */
static void
check_lost(struct rv_link *l)
{
	if (l->ev != NULL && rv_link_broken(l) && !rv_timer_armed(&l->lost_timer))
		rv_timer_arm(l->ev, &l->lost_timer, rv_event_now(l->ev));
}

int
rv_link_watch(struct rv_link *l, struct rv_event *ev, rv_io_fn *fn, void *arg)
{
	rv_timer_init(&l->lost_timer, on_lost, l);
	l->ev = ev;
	l->fn = fn;
	l->arg = arg;
	l->out_armed = rv_link_connecting(l);
	return rv_event_add(ev, &l->io, l->fd, EPOLLIN | (l->out_armed ? EPOLLOUT : 0), fn, arg);
}

int
rv_link_reconnect(struct rv_link *l, const struct rv_sockaddr *src, char *err, size_t errlen)
{
	const struct rv_sockaddr *b = rv_addr_is_set(&l->bind_to) ? &l->bind_to : NULL;
	struct rv_sockaddr peer = l->conn.peer, any;
	int r;

	if (b != NULL && !is_wildcard(b) && src != NULL && rv_addr_is_set(src) &&
	    !rv_addr_equal_host(b, src)) {
		any_address(b, &any);   /* the address is no longer the path's source */
		b = &any;
	}
	if (l->ev != NULL) {
		rv_timer_disarm(l->ev, &l->lost_timer);
		/* A connection that broke closed its descriptor already. */
		if (l->conn.fd >= 0)
			rv_event_del(l->ev, &l->io);
		else
			rv_event_forget(&l->io);
	}
	r = rv_tcp_connect(&l->conn, &peer, b, err, errlen);
	if (r != 0 && b != NULL && l->conn.why == RV_TCP_WHY_NONE) {
		/* The bind failed (no connect was tried): the address went with
		 * the move. */
		any_address(b, &any);
		r = rv_tcp_connect(&l->conn, &peer, &any, err, errlen);
	}
	l->fd = l->conn.fd;
	if (r != 0)
		return r;
	rv_addr_of_socket(l->fd, &l->local);
	if (l->ev == NULL)
		return 0;
	l->out_armed = rv_link_connecting(l);
	if (rv_event_add(l->ev, &l->io, l->fd, EPOLLIN | (l->out_armed ? EPOLLOUT : 0),
	    l->fn, l->arg) != 0) {
		snprintf(err, errlen, "cannot watch the TCP connection: %s", strerror(errno));
		rv_tcp_close(&l->conn);
		l->fd = -1;
		return RV_ERR_SYSTEM;
	}
	return 0;
}

void
rv_link_set_events(struct rv_link *l, bool want_out)
{
	bool out = want_out || (l->tcp && (rv_link_connecting(l) || rv_tcp_queued(&l->conn) > 0));

	if (l->ev == NULL || l->fd < 0 || out == l->out_armed || rv_link_broken(l))
		return;
	if (rv_event_modify(l->ev, &l->io, EPOLLIN | (out ? EPOLLOUT : 0)) == 0)
		l->out_armed = out;
}

bool
rv_link_listening(const struct rv_link *l)
{
	return l->tcp && l->listener.fd >= 0;
}

bool
rv_link_connecting(const struct rv_link *l)
{
	return l->tcp && l->conn.state == RV_TCP_CONNECTING;
}

bool
rv_link_broken(const struct rv_link *l)
{
	return l->tcp && !rv_link_listening(l) && l->conn.state == RV_TCP_CLOSED;
}

int
rv_link_accept(struct rv_link *l, const struct rv_sockaddr *allowed, size_t nallowed,
    struct rv_sockaddr *peer)
{
	bool ok = nallowed == 0;
	int fd, r;

	if ((r = rv_tcp_accept(&l->listener, &fd, peer)) != 0)
		return r;
	for (size_t i = 0; i < nallowed && !ok; i++)
		ok = rv_addr_equal_host(&allowed[i], peer);
	if (!ok) {
		close(fd);
		return RV_ERR_AUTH;
	}
	rv_tcp_attach(&l->conn, fd, peer);
	/* One connection at a time, as openvpn's p2p tcp-server: the listener
	 * closes and a restart opens it again. */
	if (l->ev != NULL)
		rv_event_del(l->ev, &l->io);
	rv_tcp_listener_close(&l->listener);
	l->fd = fd;
	l->out_armed = false;
	if (l->ev != NULL && rv_event_add(l->ev, &l->io, fd, EPOLLIN, l->fn, l->arg) != 0) {
		rv_tcp_close(&l->conn);
		return RV_ERR_SYSTEM;
	}
	return 0;
}

int
rv_link_connect_done(struct rv_link *l)
{
	int r = rv_tcp_connect_done(&l->conn);

	if (r != RV_ERR_AGAIN) {
		if (r == 0)
			rv_tcp_flush(&l->conn);
		rv_link_set_events(l, false);
	}
	return r;
}

int
rv_link_flush(struct rv_link *l)
{
	int r;

	if (!l->tcp)
		return 0;
	r = rv_tcp_flush(&l->conn);
	rv_link_set_events(l, false);
	check_lost(l);
	return r;
}

void
rv_link_count(struct rv_link *l, bool rx, size_t bytes)
{
	if (rx) {
		l->rx_packets++;
		l->rx_bytes += bytes;
	} else {
		l->tx_packets++;
		l->tx_bytes += bytes;
	}
}

size_t
rv_link_overhead(const struct rv_link *l, int family)
{
	size_t ip = family == AF_INET6 ? 40 : 20;

	return l->tcp ? ip + 20 + RV_TCP_LEN_SIZE : ip + 8;
}

static int
tcp_recv(struct rv_link *l, struct rv_pkt *pkts, unsigned max, unsigned *got)
{
	int r = rv_tcp_recv(&l->conn, pkts, max, got);

	for (unsigned i = 0; i < *got; i++) {
		l->rx_packets++;
		l->rx_bytes += rv_buf_len(&pkts[i].buf) + RV_TCP_LEN_SIZE;
	}
	return r;
}

static int
tcp_send(struct rv_link *l, struct rv_pkt *pkts, unsigned n, unsigned *sent)
{
	int r = rv_tcp_send_batch(&l->conn, pkts, n, sent);

	for (unsigned i = 0; i < *sent; i++) {
		l->tx_packets++;
		l->tx_bytes += rv_buf_len(&pkts[i].buf) + RV_TCP_LEN_SIZE;
	}
	rv_link_set_events(l, r == RV_ERR_AGAIN);
	check_lost(l);
	return r;
}

static int
tcp_send_buf(struct rv_link *l, const struct rv_buf *b)
{
	int r = rv_tcp_send(&l->conn, rv_buf_data(b), rv_buf_len(b), true);

	if (r == 0) {
		l->tx_packets++;
		l->tx_bytes += rv_buf_len(b) + RV_TCP_LEN_SIZE;
	} else {
		l->tx_errors++;
	}
	rv_link_set_events(l, false);
	check_lost(l);
	return r;
}

int
rv_link_recv(struct rv_link *l, struct rv_pkt *pkts, unsigned max, unsigned *got)
{
	struct mmsghdr msgs[RV_LINK_BATCH];
	struct iovec iov[RV_LINK_BATCH];
	int n;

	*got = 0;
	if (l->tcp)
		return tcp_recv(l, pkts, max, got);
	if (max > RV_LINK_BATCH)
		max = RV_LINK_BATCH;
	memset(msgs, 0, max * sizeof(msgs[0]));
	for (unsigned i = 0; i < max; i++) {
		size_t room;

		iov[i].iov_base = rv_buf_tail(&pkts[i].buf, &room);
		iov[i].iov_len = room;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_name = &pkts[i].addr.u;
		msgs[i].msg_hdr.msg_namelen = sizeof(pkts[i].addr.u);
	}
	do
		n = recvmmsg(l->fd, msgs, max, MSG_DONTWAIT, NULL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? RV_ERR_AGAIN : RV_ERR_SYSTEM;
	for (int i = 0; i < n; i++) {
		struct rv_pkt *p = &pkts[i];

		p->addr.len = msgs[i].msg_hdr.msg_namelen;
		rv_addr_unmap(&p->addr);
		p->truncated = (msgs[i].msg_hdr.msg_flags & MSG_TRUNC) != 0;
		if (!p->truncated)
			rv_buf_commit(&p->buf, msgs[i].msg_len);
		l->rx_packets++;
		l->rx_bytes += msgs[i].msg_len;
	}
	*got = (unsigned)n;
	return 0;
}

/* The destination as the socket wants it. */
static void
sock_dest(const struct rv_link *l, const struct rv_sockaddr *to, struct rv_sockaddr *out)
{
	if (l->dualstack)
		rv_addr_map6(to, out);
	else
		*out = *to;
}

int
rv_link_send(struct rv_link *l, struct rv_pkt *pkts, unsigned n, const struct rv_sockaddr *to,
    unsigned *sent)
{
	struct mmsghdr msgs[RV_LINK_BATCH];
	struct iovec iov[RV_LINK_BATCH];
	struct rv_sockaddr dest[RV_LINK_BATCH];
	unsigned done = 0;

	*sent = 0;
	if (l->tcp)
		return tcp_send(l, pkts, n, sent);
	if (n > RV_LINK_BATCH)
		n = RV_LINK_BATCH;
	memset(msgs, 0, n * sizeof(msgs[0]));
	for (unsigned i = 0; i < n; i++) {
		/* One destination for all, or (to == NULL) each packet's own. */
		if (to == NULL || i == 0)
			sock_dest(l, to != NULL ? to : &pkts[i].addr, &dest[i]);
		iov[i].iov_base = rv_buf_mutable_data(&pkts[i].buf);
		iov[i].iov_len = rv_buf_len(&pkts[i].buf);
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_name = &dest[to != NULL ? 0 : i].u;
		msgs[i].msg_hdr.msg_namelen = dest[to != NULL ? 0 : i].len;
	}
	while (done < n) {
		int r = sendmmsg(l->fd, &msgs[done], n - done, MSG_DONTWAIT);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)) {
			*sent = done;
			return RV_ERR_AGAIN;
		}
		if (r < 0) {
			/* This packet cannot go (e.g. no route): count it, skip it. */
			l->tx_errors++;
			done++;
			*sent = done;
			return RV_ERR_SYSTEM;
		}
		for (int i = 0; i < r; i++) {
			l->tx_packets++;
			l->tx_bytes += iov[done + (unsigned)i].iov_len;
		}
		done += (unsigned)r;
	}
	*sent = done;
	return 0;
}

int
rv_link_send_buf(struct rv_link *l, const struct rv_buf *b, const struct rv_sockaddr *to)
{
	struct rv_sockaddr dest;
	ssize_t r;

	if (l->tcp)
		return tcp_send_buf(l, b);
	sock_dest(l, to, &dest);
	do
		r = sendto(l->fd, rv_buf_data(b), rv_buf_len(b), MSG_DONTWAIT, &dest.u.sa, dest.len);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		l->tx_errors++;
		return errno == EAGAIN || errno == EWOULDBLOCK ? RV_ERR_AGAIN : RV_ERR_SYSTEM;
	}
	l->tx_packets++;
	l->tx_bytes += (uint64_t)r;
	return 0;
}
