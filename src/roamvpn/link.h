/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_LINK_H
#define RV_LINK_H

/*
 * The transport of a daemon with one peer: a non-blocking UDP socket with
 * batched receive and send (recvmmsg/sendmmsg), one OpenVPN packet per
 * datagram (wire facts 1); or one TCP connection (tcp.h: framing, bounded
 * queues), made by connecting (tcp-client) or by accepting one from a
 * listener (p2p tcp-server). The same calls move packets either way; on
 * TCP the destination address is the connection's and received packets
 * carry the connection's peer address.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "event.h"
#include "pkt.h"
#include "tcp.h"

enum { RV_LINK_BATCH = 32 };

struct rv_link {
	int fd;                    /* -1 when closed */
	int family;                /* of the socket */
	bool dualstack;            /* AF_INET6 socket carrying IPv4 as mapped addresses */
	struct rv_sockaddr local;  /* bound address */
	struct rv_sockaddr bind_to;/* tcp-client: the address asked for (unset: none) */
	int sndbuf, rcvbuf;        /* UDP: asked for at open (0: the system's) */
	struct rv_io io;
	/* TCP */
	bool tcp;
	struct rv_tcp_conn conn;   /* the connection (closed while listening) */
	struct rv_tcp_listener listener;  /* tcp-server: fd -1 once accepted */
	struct rv_event *ev;       /* where io is watched (rv_link_watch) */
	rv_io_fn *fn;
	void *arg;
	bool out_armed;            /* io has EPOLLOUT */
	struct rv_timer lost_timer;/* reports a connection that broke while sending */
	/* counters (owner: this file) */
	uint64_t rx_packets, rx_bytes, tx_packets, tx_bytes;
	uint64_t tx_errors;
};

/* Opens a UDP socket of family; binds it to bind_to unless NULL. v6only
 * applies to AF_INET6. Returns 0 or RV_ERR_SYSTEM with err filled. */
int rv_link_open(struct rv_link *l, int family, bool v6only,
    const struct rv_sockaddr *bind_to, int sndbuf, int rcvbuf, char *err, size_t errlen);
void rv_link_close(struct rv_link *l);

/* UDP bound to a specific address that is no longer the source of the
 * path to the peer (src: the source the kernel picks now; the address moved
 * or the route left through another interface): a new socket on the same
 * port of the wildcard address replaces the old one (in the event loop
 * too). Sets *rebound; returns 0 (also when there was nothing to do) or
 * RV_ERR_SYSTEM with err filled (the old socket stays). */
int rv_link_follow_source(struct rv_link *l, const struct rv_sockaddr *src, bool *rebound,
    char *err, size_t errlen);

/* Receives up to max datagrams into pkts[] (each reset by the caller). Sets
 * *got; returns 0, RV_ERR_AGAIN (nothing waiting) or RV_ERR_SYSTEM. A datagram
 * larger than its slot is flagged truncated. */
int rv_link_recv(struct rv_link *l, struct rv_pkt *pkts, unsigned max, unsigned *got);

/* Sends n packets to to (to == NULL: each to its pkts[i].addr). Sets *sent to how many left; returns 0,
 * RV_ERR_AGAIN (the socket is full: retry the rest when writable) or
 * RV_ERR_SYSTEM (the failed packet is counted and skipped). */
int rv_link_send(struct rv_link *l, struct rv_pkt *pkts, unsigned n,
    const struct rv_sockaddr *to, unsigned *sent);

/* Sends one buffer; returns 0, RV_ERR_AGAIN or RV_ERR_SYSTEM. */
int rv_link_send_buf(struct rv_link *l, const struct rv_buf *b, const struct rv_sockaddr *to);

/* Opens the TCP transport: with remote a connection to it (bound to bind_to
 * unless NULL), else a listener on bind_to of family (dual-stack unless
 * v6only) that waits for one connection. Frames up to frame_max bytes; the
 * send queue holds queue_packets of them.
 * Returns 0 or RV_ERR_SYSTEM / RV_ERR_NOMEM with err filled. */
int rv_link_open_tcp(struct rv_link *l, const struct rv_sockaddr *remote, int family,
    bool v6only, const struct rv_sockaddr *bind_to, size_t frame_max, unsigned queue_packets,
    char *err, size_t errlen);

/* tcp-client: drops the connection and connects to the same peer again,
 * bound as the first time, but to the same port on the wildcard address if
 * the address asked for is not src (the source of the path to the peer now;
 * NULL: unknown) or cannot be bound any more (it moved); watches the new
 * connection. Packets may be queued at once. Returns 0 (connecting or open)
 * or RV_ERR_SYSTEM with err filled (the link is then broken). */
int rv_link_reconnect(struct rv_link *l, const struct rv_sockaddr *src, char *err,
    size_t errlen);

/* Watches the link's descriptor in ev, calling fn(arg, events). On TCP the
 * link itself arms EPOLLOUT while bytes wait in the send queue, and when the
 * connection breaks while sending (its descriptor is closed, so epoll has
 * nothing more to say) it calls fn(arg, EPOLLHUP) from a timer at once.
 * Returns 0 or RV_ERR_SYSTEM. */
int rv_link_watch(struct rv_link *l, struct rv_event *ev, rv_io_fn *fn, void *arg);

/* EPOLLIN always; EPOLLOUT if want_out (or TCP bytes are waiting). */
void rv_link_set_events(struct rv_link *l, bool want_out);

/* TCP states. */
bool rv_link_listening(const struct rv_link *l);
bool rv_link_connecting(const struct rv_link *l);
/* The TCP connection is gone (peer closed, error, bad framing). */
bool rv_link_broken(const struct rv_link *l);

/* tcp-server: accepts one waiting connection and watches it instead of the
 * listener (closed: one connection at a time). *peer is its address. With
 * nallowed > 0 only a peer at one of the addresses allowed[] (any port) is
 * taken; another is closed at once (RV_ERR_AUTH) and the listener stays.
 * Returns 0, RV_ERR_AGAIN, RV_ERR_AUTH or RV_ERR_SYSTEM. */
int rv_link_accept(struct rv_link *l, const struct rv_sockaddr *allowed, size_t nallowed,
    struct rv_sockaddr *peer);

/* tcp-client: the socket became writable; finishes the connect. Returns 0,
 * RV_ERR_AGAIN (not yet) or RV_ERR_SYSTEM (failed, errno set). */
int rv_link_connect_done(struct rv_link *l);

/* Writes what the TCP send queue holds. Returns 0 (empty or UDP),
 * RV_ERR_AGAIN (bytes left) or RV_ERR_SYSTEM (connection closed). */
int rv_link_flush(struct rv_link *l);

/* Counts one packet of bytes (length prefix included) moved outside the
 * link, on a server's own TCP connection (srvtcp.c), so the statistics
 * block's link totals cover them. */
void rv_link_count(struct rv_link *l, bool rx, size_t bytes);

/* The per-packet bytes of the outer headers, for --mssfix and the control
 * channel's packet size: IP+UDP (28/48) or IP+TCP and the 2-byte length
 * (42/62), for an outer address of family. */
size_t rv_link_overhead(const struct rv_link *l, int family);

#endif
