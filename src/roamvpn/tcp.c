/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tcp: the stream transport. Packet framing on a TCP connection: a 16-bit
 * big-endian length (excluding itself), then the packet, back to back
 * (wire facts 1, "TCP"; OpenVPN's socket.c stream_buf_* does the same job).
 * A connection object with a bounded reassembly buffer and a bounded send
 * ring; a listener that hands out accepted sockets. See tcp.h.
 */
#include "tcp.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "err.h"

enum { LISTEN_BACKLOG = 64 };

static const char *const why_names[RV_TCP_WHY_MAX] = {
	[RV_TCP_WHY_NONE] = "open",
	[RV_TCP_WHY_EOF] = "closed by the peer",
	[RV_TCP_WHY_ERROR] = "socket error",
	[RV_TCP_WHY_BAD_LENGTH] = "bad frame length",
	[RV_TCP_WHY_LOCAL] = "closed locally",
};

const char *
rv_tcp_why_name(enum rv_tcp_why why)
{
	return why < RV_TCP_WHY_MAX ? why_names[why] : "?";
}

int
rv_tcp_init(struct rv_tcp_conn *c, size_t frame_max, size_t queue_bytes)
{
	size_t frame = frame_max + RV_TCP_LEN_SIZE;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->frame_max = frame_max > UINT16_MAX ? UINT16_MAX : frame_max;
	/* At least two largest frames beside the control reserve. */
	if (queue_bytes < 2 * frame + RV_TCP_CTL_RESERVE)
		queue_bytes = 2 * frame + RV_TCP_CTL_RESERVE;
	c->rx_cap = RV_TCP_RX_FRAMES * frame;
	c->tx_cap = queue_bytes;
	c->rx = malloc(c->rx_cap);
	c->tx = malloc(c->tx_cap);
	if (c->rx == NULL || c->tx == NULL) {
		rv_tcp_clear(c);
		return RV_ERR_NOMEM;
	}
	return 0;
}

void
rv_tcp_clear(struct rv_tcp_conn *c)
{
	rv_tcp_close(c);
	free(c->rx);
	free(c->tx);
	c->rx = c->tx = NULL;
	c->rx_cap = c->tx_cap = 0;
}

static void
empty(struct rv_tcp_conn *c)
{
	c->rx_off = c->rx_len = 0;
	c->tx_head = c->tx_len = 0;
	c->why = RV_TCP_WHY_NONE;
	c->err = 0;
}

void
rv_tcp_attach(struct rv_tcp_conn *c, int fd, const struct rv_sockaddr *peer)
{
	int one = 1, fl;

	rv_tcp_close(c);
	empty(c);
	if ((fl = fcntl(fd, F_GETFL)) >= 0)
		fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	/* Packets are whole when queued and written in batches: no need for
	 * Nagle's delay on top. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->fd = fd;
	c->peer = *peer;
	rv_addr_unmap(&c->peer);
	c->state = RV_TCP_OPEN;
}

/* Closes for reason why (the first reason sticks). */
static void
shut(struct rv_tcp_conn *c, enum rv_tcp_why why, int err)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->state = RV_TCP_CLOSED;
	if (c->why == RV_TCP_WHY_NONE) {
		c->why = why;
		c->err = err;
	}
}

void
rv_tcp_close(struct rv_tcp_conn *c)
{
	if (c->fd >= 0 || c->state != RV_TCP_CLOSED)
		shut(c, RV_TCP_WHY_LOCAL, 0);
}

bool
rv_tcp_is_open(const struct rv_tcp_conn *c)
{
	return c->state == RV_TCP_OPEN;
}

int
rv_tcp_connect(struct rv_tcp_conn *c, const struct rv_sockaddr *peer,
    const struct rv_sockaddr *bind_to, char *err, size_t errlen)
{
	char a[RV_ADDRSTRLEN];
	int fd, one = 1;

	rv_tcp_close(c);
	empty(c);
	fd = socket(rv_addr_family(peer), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
	if (fd < 0) {
		snprintf(err, errlen, "cannot create a TCP socket: %s", strerror(errno));
		return RV_ERR_SYSTEM;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (bind_to != NULL && bind(fd, &bind_to->u.sa, bind_to->len) != 0) {
		snprintf(err, errlen, "cannot bind TCP socket to %s: %s",
		    rv_addr_fmt(bind_to, a), strerror(errno));
		close(fd);
		return RV_ERR_SYSTEM;
	}
	c->fd = fd;
	c->peer = *peer;
	if (connect(fd, &peer->u.sa, peer->len) == 0) {
		c->state = RV_TCP_OPEN;
		return 0;
	}
	if (errno == EINPROGRESS) {
		c->state = RV_TCP_CONNECTING;
		return 0;
	}
	snprintf(err, errlen, "TCP: connect to %s failed: %s", rv_addr_fmt(peer, a),
	    strerror(errno));
	shut(c, RV_TCP_WHY_ERROR, errno);
	return RV_ERR_SYSTEM;
}

int
rv_tcp_connect_done(struct rv_tcp_conn *c)
{
	int e = 0;
	socklen_t len = sizeof(e);

	if (c->state != RV_TCP_CONNECTING)
		return c->state == RV_TCP_OPEN ? 0 : RV_ERR_SYSTEM;
	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e, &len) != 0)
		e = errno;
	if (e == EINPROGRESS || e == EALREADY)
		return RV_ERR_AGAIN;
	if (e == 0) {
		/* No error yet is not success: a wake-up meant for an earlier
		 * descriptor of the same number, or a spurious one, finds the
		 * connect still under way. */
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);

		if (getpeername(c->fd, (struct sockaddr *)&ss, &sl) != 0 && errno == ENOTCONN)
			return RV_ERR_AGAIN;
	}
	if (e != 0) {
		shut(c, RV_TCP_WHY_ERROR, e);
		errno = e;
		return RV_ERR_SYSTEM;
	}
	c->state = RV_TCP_OPEN;
	return 0;
}

/* --- receiving ------------------------------------------------------------------ */

/* Cuts the next complete frame out of the receive buffer into pkt.
 * Returns 1 (a frame), 0 (incomplete) or RV_ERR_FORMAT (bad length). */
static int
next_frame(struct rv_tcp_conn *c, struct rv_pkt *pkt)
{
	struct rv_buf in, frame;
	uint16_t len;
	size_t room;
	uint8_t *to;

	rv_buf_init_ro(&in, c->rx + c->rx_off, c->rx_len);
	if (rv_buf_get_u16(&in, &len) != 0)
		return 0;
	if (len == 0 || len > c->frame_max)
		return RV_ERR_FORMAT;
	if (rv_buf_get_view(&in, len, &frame) != 0)
		return 0;
	to = rv_buf_tail(&pkt->buf, &room);
	pkt->truncated = len > room;
	if (!pkt->truncated) {
		memcpy(to, rv_buf_data(&frame), len);
		rv_buf_commit(&pkt->buf, len);
	}
	pkt->addr = c->peer;
	c->rx_off += RV_TCP_LEN_SIZE + (size_t)len;
	c->rx_len -= RV_TCP_LEN_SIZE + (size_t)len;
	if (c->rx_len == 0)
		c->rx_off = 0;
	c->rx_frames++;
	return 1;
}

/* Reads more bytes behind what is buffered. Returns 0 (read some),
 * RV_ERR_AGAIN (nothing now) or RV_ERR_SYSTEM (closed). */
static int
fill(struct rv_tcp_conn *c)
{
	ssize_t n;

	if (c->rx_off > 0) {
		/* Only the start of one frame is left: a short move. */
		memmove(c->rx, c->rx + c->rx_off, c->rx_len);
		c->rx_off = 0;
	}
	do
		n = recv(c->fd, c->rx + c->rx_len, c->rx_cap - c->rx_len, MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n > 0) {
		c->rx_len += (size_t)n;
		c->rx_bytes += (uint64_t)n;
		return 0;
	}
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return RV_ERR_AGAIN;
	shut(c, n == 0 ? RV_TCP_WHY_EOF : RV_TCP_WHY_ERROR, n == 0 ? 0 : errno);
	return RV_ERR_SYSTEM;
}

int
rv_tcp_recv(struct rv_tcp_conn *c, struct rv_pkt *pkts, unsigned max, unsigned *got)
{
	int r = 0;

	*got = 0;
	if (c->state != RV_TCP_OPEN)
		return c->state == RV_TCP_CONNECTING ? 0 : RV_ERR_SYSTEM;
	for (;;) {
		while (*got < max && (r = next_frame(c, &pkts[*got])) == 1)
			(*got)++;
		if (*got == max)
			return 0;
		if (r == RV_ERR_FORMAT) {
			c->bad_frames++;
			shut(c, RV_TCP_WHY_BAD_LENGTH, 0);
			return RV_ERR_SYSTEM;
		}
		if ((r = fill(c)) != 0)
			return r == RV_ERR_AGAIN ? 0 : r;
	}
}

/* --- sending ---------------------------------------------------------------------- */

size_t
rv_tcp_queued(const struct rv_tcp_conn *c)
{
	return c->tx_len;
}

size_t
rv_tcp_room(const struct rv_tcp_conn *c)
{
	size_t free_bytes = c->tx_cap - c->tx_len;

	return free_bytes > RV_TCP_CTL_RESERVE ? free_bytes - RV_TCP_CTL_RESERVE : 0;
}

/* Appends n bytes to the ring (room checked by the caller). */
static void
ring_put(struct rv_tcp_conn *c, const uint8_t *data, size_t n)
{
	size_t at = (c->tx_head + c->tx_len) % c->tx_cap;
	size_t first = c->tx_cap - at < n ? c->tx_cap - at : n;

	memcpy(c->tx + at, data, first);
	memcpy(c->tx, data + first, n - first);
	c->tx_len += n;
}

int
rv_tcp_flush(struct rv_tcp_conn *c)
{
	while (c->tx_len > 0 && c->state == RV_TCP_OPEN) {
		size_t first = c->tx_cap - c->tx_head < c->tx_len ? c->tx_cap - c->tx_head :
		    c->tx_len;
		struct iovec iov[2] = {
			{ c->tx + c->tx_head, first },
			{ c->tx, c->tx_len - first },
		};
		struct msghdr m = { .msg_iov = iov, .msg_iovlen = c->tx_len > first ? 2 : 1 };
		ssize_t n = sendmsg(c->fd, &m, MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS))
			return RV_ERR_AGAIN;
		if (n < 0) {
			shut(c, RV_TCP_WHY_ERROR, errno);
			return RV_ERR_SYSTEM;
		}
		c->tx_bytes += (uint64_t)n;
		c->tx_head = (c->tx_head + (size_t)n) % c->tx_cap;
		c->tx_len -= (size_t)n;
	}
	if (c->tx_len == 0)
		c->tx_head = 0;
	if (c->state == RV_TCP_CLOSED)
		return RV_ERR_SYSTEM;
	return c->tx_len > 0 ? RV_ERR_AGAIN : 0;
}

int
rv_tcp_queue(struct rv_tcp_conn *c, const uint8_t *data, size_t len, bool control)
{
	uint8_t hdr[RV_TCP_LEN_SIZE];
	size_t room = control ? c->tx_cap - c->tx_len : rv_tcp_room(c);

	if (c->state == RV_TCP_CLOSED)
		return RV_ERR_SYSTEM;
	if (len == 0 || len > c->frame_max)
		return RV_ERR_RANGE;
	if (room < len + RV_TCP_LEN_SIZE) {
		c->queue_full++;
		return RV_ERR_AGAIN;
	}
	hdr[0] = (uint8_t)(len >> 8);
	hdr[1] = (uint8_t)len;
	ring_put(c, hdr, sizeof(hdr));
	ring_put(c, data, len);
	c->tx_frames++;
	return 0;
}

int
rv_tcp_send(struct rv_tcp_conn *c, const uint8_t *data, size_t len, bool control)
{
	int r;

	if ((r = rv_tcp_queue(c, data, len, control)) != 0)
		return r;
	r = rv_tcp_flush(c);
	return r == RV_ERR_AGAIN ? 0 : r;
}

int
rv_tcp_send_batch(struct rv_tcp_conn *c, struct rv_pkt *pkts, unsigned n, unsigned *queued)
{
	int r = 0;

	for (*queued = 0; *queued < n; (*queued)++) {
		r = rv_tcp_queue(c, rv_buf_data(&pkts[*queued].buf), rv_buf_len(&pkts[*queued].buf), false);
		if (r != 0 && r != RV_ERR_RANGE)
			break;   /* a bad length is skipped: it can never go */
	}
	if (r == RV_ERR_SYSTEM)
		return r;
	if (rv_tcp_flush(c) == RV_ERR_SYSTEM)
		return RV_ERR_SYSTEM;
	return *queued < n ? RV_ERR_AGAIN : 0;
}

/* --- listener ------------------------------------------------------------------------ */

int
rv_tcp_listen(struct rv_tcp_listener *l, int family, bool v6only,
    const struct rv_sockaddr *bind_to, char *err, size_t errlen)
{
	char a[RV_ADDRSTRLEN];
	struct rv_sockaddr b = *bind_to;
	int one = 1, off = 0;

	memset(l, 0, sizeof(*l));
	l->fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
	if (l->fd < 0) {
		snprintf(err, errlen, "cannot create a TCP socket: %s", strerror(errno));
		return RV_ERR_SYSTEM;
	}
	setsockopt(l->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET6) {
		setsockopt(l->fd, IPPROTO_IPV6, IPV6_V6ONLY, v6only ? &one : &off, sizeof(int));
		l->dualstack = !v6only;
		if (l->dualstack)
			rv_addr_map6(bind_to, &b);
	}
	if (bind(l->fd, &b.u.sa, b.len) != 0 || listen(l->fd, LISTEN_BACKLOG) != 0) {
		snprintf(err, errlen, "cannot listen on TCP %s: %s", rv_addr_fmt(bind_to, a),
		    strerror(errno));
		rv_tcp_listener_close(l);
		return RV_ERR_SYSTEM;
	}
	rv_addr_of_socket(l->fd, &l->local);
	return 0;
}

int
rv_tcp_accept(struct rv_tcp_listener *l, int *fd, struct rv_sockaddr *peer)
{
	memset(peer, 0, sizeof(*peer));
	peer->len = sizeof(peer->u);
	do
		*fd = accept4(l->fd, &peer->u.sa, &peer->len, SOCK_NONBLOCK | SOCK_CLOEXEC);
	while (*fd < 0 && errno == EINTR);
	if (*fd < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? RV_ERR_AGAIN : RV_ERR_SYSTEM;
	rv_addr_unmap(peer);
	return 0;
}

void
rv_tcp_listener_close(struct rv_tcp_listener *l)
{
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
}
