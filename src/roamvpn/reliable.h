/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_RELIABLE_H
#define RV_RELIABLE_H

/*
 * The control channel's reliability layer (wire facts 2.6; draft "Reliable
 * control channel"): message ids, a send window with retransmission and a
 * receive window with in-order delivery, and the acknowledgements both ways.
 * One instance per key exchange (key id); pure data structure, no I/O: the
 * session asks it what to send and tells it what arrived.
 *
 * Send side: messages get ids 0, 1, 2 ... without gaps. At most
 * RV_WIRE_REL_SEND_WINDOW ids lie between the oldest unacknowledged message
 * and the next id. A message is resent after its timeout (--tls-timeout,
 * 2 s by default, doubled after each resend), or at once when acks for three
 * later ids have arrived (fast retransmit). Right after the peer's first
 * message (its reset) has arrived, everything queued is sent at once
 * ("burst"), whatever its timer says.
 *
 * Receive side: a message with id in [next, next + RV_WIRE_REL_RECV_WINDOW) is
 * stored (a duplicate is not stored again) and must be acknowledged; an id
 * below next (already delivered) must be acknowledged again; an id beyond the
 * window is neither stored nor acknowledged. Payloads come out strictly in id
 * order.
 *
 * Acks to send: first the pending ones (received since the last ack went
 * out), then, to fill space, recently acknowledged ids from a list of the 8
 * most recent (as openvpn does, so a lost ack gets repeated).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire.h"

enum {
	RV_REL_PAYLOAD_MAX = RV_WIRE_CTL_PAYLOAD_MAX,
	RV_REL_PENDING_ACKS = 2 * RV_WIRE_REL_RECV_WINDOW,
	RV_REL_MRU_ACKS = 8,
};

struct rv_rel_out {
	bool used;
	bool acked;
	uint8_t op;                 /* opcode to send it with */
	uint32_t id;
	uint64_t next_send;         /* monotonic ns; 0 = never sent */
	uint64_t timeout;           /* current retransmission interval, ns */
	unsigned sends;
	unsigned later_acks;        /* acks seen for higher ids since the last send */
	size_t len;
	uint8_t data[RV_REL_PAYLOAD_MAX];
};

struct rv_rel_in {
	bool used;
	uint32_t id;
	size_t len;
	uint8_t data[RV_REL_PAYLOAD_MAX];
};

struct rv_reliable {
	uint64_t initial_timeout;   /* ns, --tls-timeout */
	/* send */
	uint32_t next_id;           /* id of the next message queued */
	struct rv_rel_out out[RV_WIRE_REL_SEND_WINDOW];
	bool burst;                 /* send everything unacked now */
	/* receive */
	uint32_t next_expected;     /* next id to deliver */
	struct rv_rel_in in[RV_WIRE_REL_RECV_WINDOW];
	/* acks */
	uint32_t pending[RV_REL_PENDING_ACKS];
	unsigned npending;
	uint32_t mru[RV_REL_MRU_ACKS];  /* most recent first */
	unsigned nmru;
	/* statistics */
	uint64_t retransmits;
	uint64_t dropped_ahead;     /* ids beyond the receive window */
};

/* An empty window; message ids start at 0. initial_timeout in ns. */
void rv_rel_init(struct rv_reliable *r, uint64_t initial_timeout);

/* --- sending ------------------------------------------------------------- */

/* True if a new message may be queued (window not full). */
bool rv_rel_can_queue(const struct rv_reliable *r);

/* Queues a message of len bytes (<= RV_REL_PAYLOAD_MAX) to go out with opcode
 * op; *id gets its message id. Returns 0, RV_ERR_LIMIT (window full) or
 * RV_ERR_RANGE (too long). */
int rv_rel_queue(struct rv_reliable *r, uint8_t op, const void *data, size_t len,
    uint32_t *id);

/* The next message due at now (never sent, past its timeout, fast
 * retransmit, or burst), or NULL. The caller sends it, then calls
 * rv_rel_sent(). Oldest id first. */
const struct rv_rel_out *rv_rel_next_due(const struct rv_reliable *r, uint64_t now);

/* Records that msg went out at now: its next timeout is set (doubling after
 * each resend). */
void rv_rel_sent(struct rv_reliable *r, const struct rv_rel_out *msg, uint64_t now);

/* Processes acks received for our messages: frees their slots; counts toward
 * fast retransmit for lower unacked ids. Unknown ids are ignored. */
void rv_rel_acked(struct rv_reliable *r, const uint32_t *ids, unsigned n);

/* Asks for every unacknowledged message to be sent at the next
 * rv_rel_next_due() (the peer's reset just arrived). */
void rv_rel_burst(struct rv_reliable *r);

/* True if every queued message has been acknowledged. */
bool rv_rel_all_acked(const struct rv_reliable *r);

/* True if message id has been acknowledged (or was never queued: id below
 * every queued one). */
bool rv_rel_is_acked(const struct rv_reliable *r, uint32_t id);

/* --- receiving ----------------------------------------------------------- */

/* A message with id arrived. Returns true if it must be acknowledged (stored
 * now, a duplicate of one stored, or already delivered), false if it is
 * beyond the window (dropped unacknowledged). A stored copy keeps the first
 * arrival's bytes. len > RV_REL_PAYLOAD_MAX is treated as beyond the window. */
bool rv_rel_received(struct rv_reliable *r, uint32_t id, const void *data, size_t len);

/* The next message in id order if it has arrived: copies it into
 * out[outlen], sets *len and advances. Returns 0, RV_ERR_AGAIN (next not
 * here yet) or RV_ERR_NOSPACE (outlen too small; nothing consumed). */
int rv_rel_next_in_order(struct rv_reliable *r, void *out, size_t outlen, size_t *len);

/* --- acks to send -------------------------------------------------------- */

/* True if acks are pending (an ack-only packet should go out soon). */
bool rv_rel_has_pending_acks(const struct rv_reliable *r);

/* Fills ids[max] with acks to send (pending first, then recent ones to fill
 * up, without duplicates) and returns how many. Pending acks handed out are
 * no longer pending and become the most recent. */
unsigned rv_rel_take_acks(struct rv_reliable *r, uint32_t *ids, unsigned max);

/* When something is next due (monotonic ns), 0 if nothing is queued. */
uint64_t rv_rel_next_timeout(const struct rv_reliable *r);

#endif
