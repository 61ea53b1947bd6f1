/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * reliable: the control channel's reliability layer (wire facts 2.6; draft
 * "Reliable control channel"; OpenVPN reliable.c and ssl.c tls_pre_decrypt
 * define the behaviour reproduced here).
 *
 * Send side: out[] holds the messages in flight. The window rule (next_id
 * minus the oldest unacknowledged id stays below the window size) leaves a
 * free slot whenever a message may be queued. A message with timeout 0 owes
 * a send at once: it was never sent, or a burst asked for it again. Each
 * send sets the next interval: the initial timeout after the first send or a
 * burst (OpenVPN's reliable_schedule_now also restarts the backoff), twice
 * the previous one otherwise.
 *
 * Receive side: in[] holds messages that arrived ahead of delivery. Only ids
 * in [next_expected, next_expected + window) are stored, and no id twice, so
 * a free slot exists for every new one.
 *
 * Slots are found by search, not by id modulo the window: 2^32 is not a
 * multiple of 6 or 12, so that mapping would collide where ids wrap.
 *
 * Acks: pending[] is in arrival order. rv_rel_take_acks() hands out the
 * oldest pending ones, newest first, and moves them to the front of mru[],
 * which then fills up the rest of the list.
 *
 * Ids are compared as serial numbers (RFC 1982 style, unsigned arithmetic
 * only): they start at 0 per key exchange and never get near 2^32 in
 * practice, but a wrap must not turn into undefined behaviour or a stall.
 */
#include "reliable.h"

#include <string.h>

#include "err.h"

enum {
	SEND_WIN = RV_WIRE_REL_SEND_WINDOW,
	RECV_WIN = RV_WIRE_REL_RECV_WINDOW,
	FAST_RETRANSMIT_ACKS = 3,   /* OpenVPN's N_ACK_RETRANSMIT */
	/* rv_rel_next_timeout() for a message due at once: 0 already means
	 * "nothing queued", and any monotonic now is at or past 1. */
	DUE_NOW = 1,
};

/* --- ids ------------------------------------------------------------------ */

/* True if a comes before b in serial-number order: b - a in [1, 2^31]. */
static bool
id_before(uint32_t a, uint32_t b)
{
	return (uint32_t)(b - a - 1u) < 0x80000000u;
}

/* --- helpers -------------------------------------------------------------- */

static bool
out_unacked(const struct rv_rel_out *o)
{
	return o->used && !o->acked;
}

/* The slot of the unacked message with this id, or -1. */
static int
out_slot(const struct rv_reliable *r, uint32_t id)
{
	for (int i = 0; i < SEND_WIN; i++) {
		if (out_unacked(&r->out[i]) && r->out[i].id == id)
			return i;
	}
	return -1;
}

/* The slot holding pointer msg, or -1 if it is not one of ours. */
static int
out_index(const struct rv_reliable *r, const struct rv_rel_out *msg)
{
	for (int i = 0; i < SEND_WIN; i++) {
		if (&r->out[i] == msg)
			return i;
	}
	return -1;
}

/* The stored message with this id, or NULL. */
static struct rv_rel_in *
in_find(struct rv_reliable *r, uint32_t id)
{
	for (unsigned i = 0; i < RECV_WIN; i++) {
		if (r->in[i].used && r->in[i].id == id)
			return &r->in[i];
	}
	return NULL;
}

/* How far the oldest unacked id lies below next_id; 0 if none is unacked. */
static uint32_t
send_span(const struct rv_reliable *r)
{
	uint32_t span = 0;

	for (unsigned i = 0; i < SEND_WIN; i++) {
		const struct rv_rel_out *o = &r->out[i];

		if (out_unacked(o) && r->next_id - o->id > span)
			span = r->next_id - o->id;
	}
	return span;
}

static bool
out_due(const struct rv_rel_out *o, uint64_t now)
{
	return o->timeout == 0 || now >= o->next_send ||
	    o->later_acks >= FAST_RETRANSMIT_ACKS;
}

/* The burst is over once no unacked message still owes its send. Only ever
 * clears the flag: a message queued later is due anyway. */
static void
burst_update(struct rv_reliable *r)
{
	for (unsigned i = 0; i < SEND_WIN; i++) {
		if (out_unacked(&r->out[i]) && r->out[i].timeout == 0)
			return;
	}
	r->burst = false;
}

/* Doubling and adding saturate: without a cap, a message retried long
 * enough would otherwise wrap around to "due long ago". */
static uint64_t
sat_double(uint64_t t)
{
	return t > UINT64_MAX / 2 ? UINT64_MAX : 2 * t;
}

static uint64_t
sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* --- init ----------------------------------------------------------------- */

void
rv_rel_init(struct rv_reliable *r, uint64_t initial_timeout)
{
	memset(r, 0, sizeof(*r));
	/* A zero interval would make a sent message due again at the same
	 * instant, and the caller's send loop would never end. */
	r->initial_timeout = initial_timeout > 0 ? initial_timeout : 1;
}

/* --- sending -------------------------------------------------------------- */

bool
rv_rel_can_queue(const struct rv_reliable *r)
{
	return send_span(r) < SEND_WIN;
}

int
rv_rel_queue(struct rv_reliable *r, uint8_t op, const void *data, size_t len,
    uint32_t *id)
{
	struct rv_rel_out *o = NULL;

	if (len > RV_REL_PAYLOAD_MAX)
		return RV_ERR_RANGE;
	if (!rv_rel_can_queue(r))
		return RV_ERR_LIMIT;
	for (unsigned i = 0; i < SEND_WIN && o == NULL; i++) {
		if (!out_unacked(&r->out[i]))
			o = &r->out[i];
	}
	/* Fewer than SEND_WIN unacked ids: the window rule leaves one. */
	if (o == NULL)
		return RV_ERR_INTERNAL;
	memset(o, 0, offsetof(struct rv_rel_out, data));
	o->used = true;
	o->op = op;
	o->id = r->next_id;
	o->len = len;
	if (len > 0)
		memcpy(o->data, data, len);
	*id = r->next_id++;
	return 0;
}

const struct rv_rel_out *
rv_rel_next_due(const struct rv_reliable *r, uint64_t now)
{
	const struct rv_rel_out *best = NULL;

	for (unsigned i = 0; i < SEND_WIN; i++) {
		const struct rv_rel_out *o = &r->out[i];

		if (!out_unacked(o) || !out_due(o, now))
			continue;
		if (best == NULL || id_before(o->id, best->id))
			best = o;
	}
	return best;
}

void
rv_rel_sent(struct rv_reliable *r, const struct rv_rel_out *msg, uint64_t now)
{
	/* Look the pointer up rather than cast away const: it may be stale
	 * (acked and freed since rv_rel_next_due), or not ours at all. */
	int i = out_index(r, msg);
	struct rv_rel_out *o = i >= 0 ? &r->out[i] : NULL;

	if (o == NULL || !out_unacked(o))
		return;
	if (o->sends > 0)
		r->retransmits++;
	o->timeout = o->timeout == 0 ? r->initial_timeout : sat_double(o->timeout);
	o->next_send = sat_add(now, o->timeout);
	o->sends++;
	o->later_acks = 0;
	burst_update(r);
}

/* An ack for id is evidence that every unacked message below it was lost or
 * is late; FAST_RETRANSMIT_ACKS of them resend it early. */
static void
count_later_ack(struct rv_reliable *r, uint32_t id)
{
	for (unsigned i = 0; i < SEND_WIN; i++) {
		struct rv_rel_out *o = &r->out[i];

		if (out_unacked(o) && id_before(o->id, id))
			o->later_acks++;
	}
}

void
rv_rel_acked(struct rv_reliable *r, const uint32_t *ids, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		int k;

		/* Never queued: a confused or hostile peer; it proves nothing. */
		if (!id_before(ids[i], r->next_id))
			continue;
		k = out_slot(r, ids[i]);
		if (k >= 0) {
			/* acked stays set so a stale pointer reads as acked. */
			r->out[k].acked = true;
			r->out[k].used = false;
		}
		/* Repeats of an already acked id count too, as in OpenVPN:
		 * the peer re-acks from its MRU list, and each repeat
		 * still shows that it got the later message. */
		count_later_ack(r, ids[i]);
	}
	burst_update(r);
}

void
rv_rel_burst(struct rv_reliable *r)
{
	r->burst = false;
	for (unsigned i = 0; i < SEND_WIN; i++) {
		struct rv_rel_out *o = &r->out[i];

		if (!out_unacked(o))
			continue;
		o->timeout = 0;
		r->burst = true;
	}
}

bool
rv_rel_all_acked(const struct rv_reliable *r)
{
	return send_span(r) == 0;
}

bool
rv_rel_is_acked(const struct rv_reliable *r, uint32_t id)
{
	return id_before(id, r->next_id) && out_slot(r, id) < 0;
}

/* --- receiving ------------------------------------------------------------ */

/* Queues an ack for id unless it is already pending. A full list drops it:
 * the peer resends the message and it is acked then (OpenVPN does the same
 * with its 8 entries). */
static void
ack_add(struct rv_reliable *r, uint32_t id)
{
	for (unsigned i = 0; i < r->npending; i++) {
		if (r->pending[i] == id)
			return;
	}
	if (r->npending < RV_REL_PENDING_ACKS)
		r->pending[r->npending++] = id;
}

/* Keeps the first copy of id. A free slot exists for a new one: at most
 * RECV_WIN ids fit the window, and this one is not among those stored. */
static void
in_store(struct rv_reliable *r, uint32_t id, const void *data, size_t len)
{
	struct rv_rel_in *s = NULL;

	if (in_find(r, id) != NULL)
		return;
	for (unsigned i = 0; i < RECV_WIN && s == NULL; i++) {
		if (!r->in[i].used)
			s = &r->in[i];
	}
	if (s == NULL)
		return;
	s->used = true;
	s->id = id;
	s->len = len;
	if (len > 0)
		memcpy(s->data, data, len);
}

bool
rv_rel_received(struct rv_reliable *r, uint32_t id, const void *data, size_t len)
{
	if (len > RV_REL_PAYLOAD_MAX || (len > 0 && data == NULL)) {
		r->dropped_ahead++;
		return false;
	}
	if (id_before(id, r->next_expected)) {
		/* Delivered already: our ack was lost, repeat it. */
		ack_add(r, id);
		return true;
	}
	if (id - r->next_expected >= RECV_WIN) {
		/* Acking it would let the peer forget a message we could not
		 * store. */
		r->dropped_ahead++;
		return false;
	}
	in_store(r, id, data, len);
	ack_add(r, id);
	return true;
}

int
rv_rel_next_in_order(struct rv_reliable *r, void *out, size_t outlen, size_t *len)
{
	struct rv_rel_in *s = in_find(r, r->next_expected);

	if (s == NULL)
		return RV_ERR_AGAIN;
	if (s->len > outlen)
		return RV_ERR_NOSPACE;
	if (s->len > 0)
		memcpy(out, s->data, s->len);
	*len = s->len;
	s->used = false;
	r->next_expected++;
	return 0;
}

/* --- acks to send --------------------------------------------------------- */

bool
rv_rel_has_pending_acks(const struct rv_reliable *r)
{
	return r->npending > 0;
}

/* Puts id at the front of the MRU list, removing an older copy, dropping
 * the least recent entry if the list is full. */
static void
mru_push(struct rv_reliable *r, uint32_t id)
{
	unsigned end = r->nmru < RV_REL_MRU_ACKS ? r->nmru : RV_REL_MRU_ACKS - 1;

	for (unsigned i = 0; i < r->nmru; i++) {
		if (r->mru[i] == id) {
			end = i;
			break;
		}
	}
	if (end == r->nmru)
		r->nmru++;
	memmove(&r->mru[1], &r->mru[0], end * sizeof(r->mru[0]));
	r->mru[0] = id;
}

static bool
ids_contain(const uint32_t *ids, unsigned n, uint32_t id)
{
	for (unsigned i = 0; i < n; i++) {
		if (ids[i] == id)
			return true;
	}
	return false;
}

unsigned
rv_rel_take_acks(struct rv_reliable *r, uint32_t *ids, unsigned max)
{
	unsigned n = r->npending < max ? r->npending : max;
	unsigned count = n;

	/* The oldest pending ones go first: withholding them while acking
	 * later ids would make the peer fast-retransmit for nothing. Within
	 * the list, newest first, as OpenVPN's MRU order puts them. */
	for (unsigned i = 0; i < n; i++) {
		ids[n - 1 - i] = r->pending[i];
		mru_push(r, r->pending[i]);
	}
	r->npending -= n;
	memmove(&r->pending[0], &r->pending[n], r->npending * sizeof(r->pending[0]));
	for (unsigned i = 0; i < r->nmru && count < max; i++) {
		if (!ids_contain(ids, n, r->mru[i]))
			ids[count++] = r->mru[i];
	}
	return count;
}

uint64_t
rv_rel_next_timeout(const struct rv_reliable *r)
{
	uint64_t next = 0;

	for (unsigned i = 0; i < SEND_WIN; i++) {
		const struct rv_rel_out *o = &r->out[i];

		if (!out_unacked(o))
			continue;
		if (o->timeout == 0 || o->later_acks >= FAST_RETRANSMIT_ACKS)
			return DUE_NOW;
		if (next == 0 || o->next_send < next)
			next = o->next_send;
	}
	return next;
}
