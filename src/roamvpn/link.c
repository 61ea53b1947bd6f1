/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * link: the UDP transport, batched.
 */
#include "link.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "err.h"

int
rv_link_open(struct rv_link *l, int family, bool v6only, const struct rv_sockaddr *bind_to,
    int sndbuf, int rcvbuf, char *err, size_t errlen)
{
	char a[RV_ADDRSTRLEN];
	int one = 1, off = 0;

	memset(l, 0, sizeof(*l));
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
	l->local.len = sizeof(l->local.u);
	if (getsockname(l->fd, &l->local.u.sa, &l->local.len) != 0)
		l->local.len = 0;
	rv_addr_unmap(&l->local);
	return 0;
}

void
rv_link_close(struct rv_link *l)
{
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
}

int
rv_link_recv(struct rv_link *l, struct rv_pkt *pkts, unsigned max, unsigned *got)
{
	struct mmsghdr msgs[RV_LINK_BATCH];
	struct iovec iov[RV_LINK_BATCH];
	int n;

	*got = 0;
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
