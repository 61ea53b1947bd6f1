/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_TCP_H
#define RV_TCP_H

/*
 * The TCP transport: one connection object per TCP connection and a
 * separate listener, so one daemon can hold many connections (a server one
 * per client). Every OpenVPN packet on a stream is preceded by its length as
 * a 16-bit big-endian number that excludes itself (wire facts 1); packets
 * follow each other back to back.
 *
 * A connection owns two buffers, allocated once when it is set up:
 * - a receive buffer that reassembles frames split across reads (and holds
 *   several frames of one read); it never grows;
 * - a send queue, a ring of framed packets waiting for the socket. It is
 *   bounded: a packet that does not fit is refused with RV_ERR_AGAIN, so the
 *   caller stops reading its device (backpressure) or drops and counts.
 *   Part of it (RV_TCP_CTL_RESERVE) is kept free of data packets, so control
 *   packets and keepalives get through a full data queue.
 * A frame of length 0 or longer than the maximum closes the connection: a
 * stream cannot be resynchronised once its framing is lost.
 *
 * Nothing here knows about peers or sessions: callers read frames into
 * packet slots and queue packets; the connection reports when it is closed
 * and why.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "event.h"
#include "pkt.h"

enum {
	RV_TCP_LEN_SIZE = 2,          /* the length prefix */
	RV_TCP_RX_FRAMES = 8,         /* the receive buffer holds this many largest frames */
	RV_TCP_CTL_RESERVE = 4096,    /* send-queue bytes only control packets may use */
};

enum rv_tcp_state {
	RV_TCP_CLOSED,
	RV_TCP_CONNECTING,            /* connect() in progress */
	RV_TCP_OPEN,
	RV_TCP_STATE_MAX,
};

/* Why a connection closed. */
enum rv_tcp_why {
	RV_TCP_WHY_NONE,
	RV_TCP_WHY_EOF,               /* the peer closed it */
	RV_TCP_WHY_ERROR,             /* a socket error (errno in err) */
	RV_TCP_WHY_BAD_LENGTH,        /* a frame of length 0 or above the maximum */
	RV_TCP_WHY_LOCAL,             /* rv_tcp_close() */
	RV_TCP_WHY_MAX,
};

struct rv_tcp_conn {
	int fd;                       /* -1 when closed */
	enum rv_tcp_state state;      /* written by rv_tcp_* only */
	enum rv_tcp_why why;
	int err;                      /* errno of RV_TCP_WHY_ERROR */
	struct rv_sockaddr peer;      /* the other end (IPv4-mapped addresses unmapped) */
	struct rv_io io;              /* for the owner's event loop */
	size_t frame_max;             /* largest acceptable frame payload */
	/* receive reassembly: bytes [rx_off, rx_off + rx_len) of rx */
	uint8_t *rx;
	size_t rx_cap, rx_off, rx_len;
	/* send queue: a ring of tx_cap bytes, tx_len of them queued from tx_head */
	uint8_t *tx;
	size_t tx_cap, tx_head, tx_len;
	/* counters (owner: tcp.c) */
	uint64_t rx_frames, rx_bytes, tx_frames, tx_bytes;
	uint64_t bad_frames;          /* zero or oversized lengths seen */
	uint64_t queue_full;          /* packets refused because the queue was full */
};

struct rv_tcp_listener {
	int fd;                       /* -1 when closed */
	bool dualstack;               /* AF_INET6 socket also taking IPv4 */
	struct rv_sockaddr local;
	struct rv_io io;
};

/* Prepares c (closed, no socket) with its buffers: frames up to frame_max
 * bytes, a send queue of queue_bytes (at least a few frames plus the control
 * reserve). Returns 0 or RV_ERR_NOMEM. */
int rv_tcp_init(struct rv_tcp_conn *c, size_t frame_max, size_t queue_bytes);

/* Closes the socket (if any) and frees the buffers. */
void rv_tcp_clear(struct rv_tcp_conn *c);

/* Takes over a connected socket fd to peer (from an accept), emptying both
 * buffers. The socket is made non-blocking. */
void rv_tcp_attach(struct rv_tcp_conn *c, int fd, const struct rv_sockaddr *peer);

/* Starts a non-blocking connect to peer, bound to bind_to unless NULL.
 * Packets may be queued at once; they go out when the connection is up.
 * Returns 0 (state RV_TCP_CONNECTING or RV_TCP_OPEN) or RV_ERR_SYSTEM with
 * err filled. */
int rv_tcp_connect(struct rv_tcp_conn *c, const struct rv_sockaddr *peer,
    const struct rv_sockaddr *bind_to, char *err, size_t errlen);

/* The socket became writable while connecting: finishes the connect.
 * Returns 0 (now open) or RV_ERR_SYSTEM (closed, errno in c->err). */
int rv_tcp_connect_done(struct rv_tcp_conn *c);

/* Closes the socket (reason RV_TCP_WHY_LOCAL unless one is set); the buffers
 * stay for a later rv_tcp_attach()/rv_tcp_connect(). */
void rv_tcp_close(struct rv_tcp_conn *c);

bool rv_tcp_is_open(const struct rv_tcp_conn *c);

/* Reads whatever the socket has and cuts it into frames, one per slot of
 * pkts[max] (each reset by the caller; pkt->addr is set to the peer; a
 * frame larger than its slot is flagged truncated). Sets *got. Returns 0
 * (the socket has nothing more now, or max frames were delivered: call
 * again when readable) or RV_ERR_SYSTEM when the connection closed during
 * this call (c->why says why; frames read before are still delivered). */
int rv_tcp_recv(struct rv_tcp_conn *c, struct rv_pkt *pkts, unsigned max, unsigned *got);

/* Queues one packet (len bytes, 1..frame_max) with its length prefix and
 * tries to send. A control packet may use the reserve, a data packet not.
 * Returns 0 (queued), RV_ERR_AGAIN (no room: not queued, counted),
 * RV_ERR_RANGE (bad length) or RV_ERR_SYSTEM (connection closed). */
int rv_tcp_send(struct rv_tcp_conn *c, const uint8_t *data, size_t len, bool control);

/* Queues one packet like rv_tcp_send() without writing: a caller that
 * queues many (a server's device packets for one client) writes them with
 * one rv_tcp_flush(). Same returns, but never writes. */
int rv_tcp_queue(struct rv_tcp_conn *c, const uint8_t *data, size_t len, bool control);

/* Queues data packets pkts[n] (as many as fit, without the reserve) and
 * writes. Sets *queued to how many were taken (a packet of a bad length is
 * taken and skipped). Returns 0 (all taken), RV_ERR_AGAIN (the queue is full:
 * retry the rest when writable) or RV_ERR_SYSTEM (connection closed). */
int rv_tcp_send_batch(struct rv_tcp_conn *c, struct rv_pkt *pkts, unsigned n,
    unsigned *queued);

/* Writes queued bytes until the queue is empty or the socket is full.
 * Returns 0 (empty), RV_ERR_AGAIN (bytes left: wait for writability) or
 * RV_ERR_SYSTEM (connection closed). */
int rv_tcp_flush(struct rv_tcp_conn *c);

/* Bytes waiting in the send queue. */
size_t rv_tcp_queued(const struct rv_tcp_conn *c);

/* Free bytes of the send queue a data packet may use. */
size_t rv_tcp_room(const struct rv_tcp_conn *c);

/* Text for a close reason. */
const char *rv_tcp_why_name(enum rv_tcp_why why);

/* Opens a listening socket of family (dual-stack if AF_INET6 and !v6only),
 * bound to bind_to (required). Returns 0 or RV_ERR_SYSTEM with err filled. */
int rv_tcp_listen(struct rv_tcp_listener *l, int family, bool v6only,
    const struct rv_sockaddr *bind_to, char *err, size_t errlen);

/* Accepts one connection: its non-blocking socket in *fd and its address
 * (unmapped) in *peer. Returns 0, RV_ERR_AGAIN (none waiting) or
 * RV_ERR_SYSTEM. */
int rv_tcp_accept(struct rv_tcp_listener *l, int *fd, struct rv_sockaddr *peer);

void rv_tcp_listener_close(struct rv_tcp_listener *l);

#endif
