/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for reliable.c, the control channel's reliability layer (wire
 * facts 2.6). The rules checked are the ones in reliable.h; where it is
 * silent, OpenVPN's reliable.c decides (backoff restarts on a burst, repeated
 * acks of later ids count toward fast retransmit).
 *
 * Times are monotonic nanoseconds. Tests start at T0, well above 0, so that a
 * time computed from 0 by mistake shows up.
 *
 * The last tests run two endpoints against each other over a simulated lossy,
 * reordering, duplicating channel (seeded PRNG, so every run is the same) and
 * check that every message arrives exactly once and in order, and that the
 * windows hold after every step.
 */
#include "reliable.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "err.h"

#define SEC 1000000000ull
#define MS 1000000ull
#define T0 (1000 * SEC)
#define TIMEOUT (2 * SEC)             /* --tls-timeout default */

enum {
	SWIN = RV_WIRE_REL_SEND_WINDOW,
	RWIN = RV_WIRE_REL_RECV_WINDOW,
	OP = 4,                       /* P_CONTROL_V1 */
};

/* Large (about 30 KB): one static instance per test. */
static struct rv_reliable R;

static int
setup(void **state)
{
	rv_rel_init(&R, TIMEOUT);
	*state = &R;
	return 0;
}

/* Queues one message whose payload is "m<id>" and checks its id. */
static void
queue_one(struct rv_reliable *r, uint32_t want)
{
	char text[32];
	uint32_t id = UINT32_MAX - 7;
	int n = snprintf(text, sizeof(text), "m%u", (unsigned)want);

	assert_int_equal(rv_rel_queue(r, OP, text, (size_t)n, &id), 0);
	assert_int_equal(id, want);
}

static void
queue_n(struct rv_reliable *r, uint32_t first, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		queue_one(r, first + i);
}

/* Sends whatever is due at now; returns how many, their ids in ids[]. */
static unsigned
send_due(struct rv_reliable *r, uint64_t now, uint32_t *ids, unsigned max)
{
	const struct rv_rel_out *m;
	unsigned n = 0;

	while ((m = rv_rel_next_due(r, now)) != NULL) {
		assert_true(n < max);
		ids[n++] = m->id;
		rv_rel_sent(r, m, now);
	}
	return n;
}

static void
ack1(struct rv_reliable *r, uint32_t id)
{
	rv_rel_acked(r, &id, 1);
}

static bool
recv_str(struct rv_reliable *r, uint32_t id, const char *s)
{
	return rv_rel_received(r, id, s, strlen(s));
}

/* Takes the next message in order and checks it is the string want. */
static void
expect_next(struct rv_reliable *r, const char *want)
{
	char buf[RV_REL_PAYLOAD_MAX];
	size_t len = 0;

	assert_int_equal(rv_rel_next_in_order(r, buf, sizeof(buf), &len), 0);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(buf, want, len);
}

static void
expect_none(struct rv_reliable *r)
{
	char buf[16];
	size_t len = 12345;

	assert_int_equal(rv_rel_next_in_order(r, buf, sizeof(buf), &len), RV_ERR_AGAIN);
	assert_int_equal(len, 12345);
}

/* Takes up to max acks and checks them against want[n]. */
static void
expect_acks(struct rv_reliable *r, unsigned max, const uint32_t *want, unsigned n)
{
	uint32_t ids[RV_REL_PENDING_ACKS + RV_REL_MRU_ACKS];

	assert_true(max <= sizeof(ids) / sizeof(ids[0]));
	assert_int_equal(rv_rel_take_acks(r, ids, max), n);
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(ids[i], want[i]);
}

#define ACKS(r, max, ...) do { \
	const uint32_t want_[] = { __VA_ARGS__ }; \
	expect_acks((r), (max), want_, sizeof(want_) / sizeof(want_[0])); \
} while (0)

/* --- init ----------------------------------------------------------------- */

static void
test_init(void **state)
{
	struct rv_reliable *r = *state;
	uint32_t ids[8];

	assert_true(rv_rel_can_queue(r));
	assert_true(rv_rel_all_acked(r));
	assert_null(rv_rel_next_due(r, T0));
	assert_int_equal(rv_rel_next_timeout(r), 0);
	assert_false(rv_rel_has_pending_acks(r));
	assert_int_equal(rv_rel_take_acks(r, ids, 8), 0);
	assert_false(r->burst);
	expect_none(r);
	/* Id 0 has not been queued yet, so it cannot have been acked. */
	assert_false(rv_rel_is_acked(r, 0));
}

/* A zero timeout would make a sent message due again at the same instant;
 * a send loop must still end. */
static void
test_init_zero_timeout(void **state)
{
	struct rv_reliable *r = *state;
	uint32_t ids[4];

	rv_rel_init(r, 0);
	queue_one(r, 0);
	assert_int_equal(send_due(r, T0, ids, 4), 1);
	assert_null(rv_rel_next_due(r, T0));
	assert_non_null(rv_rel_next_due(r, T0 + 1));
}

/* --- queueing ------------------------------------------------------------- */

static void
test_queue(void **state)
{
	struct rv_reliable *r = *state;
	static uint8_t big[RV_REL_PAYLOAD_MAX + 1];
	const struct rv_rel_out *m;
	uint32_t id = 77;

	queue_n(r, 0, 2);
	assert_int_equal(rv_rel_queue(r, OP, big, sizeof(big), &id), RV_ERR_RANGE);
	assert_int_equal(id, 77);
	/* The refused message took no id. */
	memset(big, 0xab, sizeof(big));
	assert_int_equal(rv_rel_queue(r, 3, big, RV_REL_PAYLOAD_MAX, &id), 0);
	assert_int_equal(id, 2);
	assert_int_equal(rv_rel_queue(r, OP, NULL, 0, &id), 0);
	assert_int_equal(id, 3);

	m = rv_rel_next_due(r, T0);
	assert_non_null(m);
	assert_int_equal(m->id, 0);
	assert_int_equal(m->op, OP);
	assert_int_equal(m->len, 2);
	assert_memory_equal(m->data, "m0", 2);
	assert_int_equal(m->sends, 0);
	ack1(r, 0);
	ack1(r, 1);
	m = rv_rel_next_due(r, T0);
	assert_int_equal(m->id, 2);
	assert_int_equal(m->op, 3);
	assert_int_equal(m->len, RV_REL_PAYLOAD_MAX);
	assert_memory_equal(m->data, big, RV_REL_PAYLOAD_MAX);
	assert_false(rv_rel_all_acked(r));
}

/* --- retransmission ------------------------------------------------------- */

/* A lost message goes out again after 2, 4, 8 s; each interval counts from
 * the actual send. */
static void
test_retransmit_doubling(void **state)
{
	struct rv_reliable *r = *state;
	static const uint64_t gap[] = { 2 * SEC, 4 * SEC, 8 * SEC, 16 * SEC };
	uint64_t t = T0;
	uint32_t ids[4];

	queue_one(r, 0);
	assert_int_equal(send_due(r, t, ids, 4), 1);
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(rv_rel_next_timeout(r), t + gap[i]);
		assert_null(rv_rel_next_due(r, t + gap[i] - 1));
		/* Sent 1 s late: the next interval counts from then. */
		t += gap[i] + SEC;
		assert_int_equal(send_due(r, t, ids, 4), 1);
		assert_int_equal(ids[0], 0);
	}
	assert_int_equal(r->retransmits, 4);
	assert_int_equal(r->out[0].sends, 5);
	assert_int_equal(rv_rel_next_timeout(r), t + 32 * SEC);
}

/* Backoff has no cap, but it saturates instead of wrapping to "due". */
static void
test_retransmit_saturates(void **state)
{
	struct rv_reliable *r = *state;
	uint64_t t = T0;
	uint32_t ids[2];

	rv_rel_init(r, UINT64_MAX / 8);
	queue_one(r, 0);
	/* 1/8, 1/4, 1/2 of the range, then the end of time. */
	for (unsigned i = 0; t != UINT64_MAX; i++) {
		assert_true(i < 4);
		assert_int_equal(send_due(r, t, ids, 2), 1);
		assert_true(rv_rel_next_timeout(r) > t);
		t = rv_rel_next_timeout(r);
	}
	assert_int_equal(r->out[0].sends, 4);
	assert_null(rv_rel_next_due(r, UINT64_MAX - 1));
	assert_non_null(rv_rel_next_due(r, UINT64_MAX));
}

static void
test_oldest_first(void **state)
{
	struct rv_reliable *r = *state;
	uint32_t ids[8];

	queue_n(r, 0, 3);
	assert_int_equal(send_due(r, T0, ids, 8), 3);
	assert_int_equal(ids[0], 0);
	assert_int_equal(ids[1], 1);
	assert_int_equal(ids[2], 2);
	/* 3 goes out a second later: its timer runs a second later. */
	queue_one(r, 3);
	assert_int_equal(send_due(r, T0 + SEC, ids, 8), 1);
	assert_int_equal(ids[0], 3);
	assert_int_equal(send_due(r, T0 + TIMEOUT, ids, 8), 3);
	assert_int_equal(ids[0], 0);
	assert_int_equal(ids[2], 2);
	assert_int_equal(send_due(r, T0 + SEC + TIMEOUT, ids, 8), 1);
	assert_int_equal(ids[0], 3);
}

/* Message 1 of 3 is lost: the acks free 0 and 2, 1 is resent on its timer
 * and then everything is delivered in order. */
static void
test_loss_recovery(void **state)
{
	struct rv_reliable *a = *state;
	static struct rv_reliable b;
	const struct rv_rel_out *m;
	uint32_t acks[8];
	unsigned n;

	rv_rel_init(&b, TIMEOUT);
	queue_n(a, 0, 3);
	while ((m = rv_rel_next_due(a, T0)) != NULL) {
		if (m->id != 1)
			assert_true(rv_rel_received(&b, m->id, m->data, m->len));
		rv_rel_sent(a, m, T0);
	}
	expect_next(&b, "m0");
	expect_none(&b);
	n = rv_rel_take_acks(&b, acks, 8);
	assert_int_equal(n, 2);
	rv_rel_acked(a, acks, n);
	assert_true(rv_rel_is_acked(a, 0));
	assert_false(rv_rel_is_acked(a, 1));
	assert_true(rv_rel_is_acked(a, 2));
	/* One later ack is not enough for a fast retransmit. */
	assert_null(rv_rel_next_due(a, T0 + TIMEOUT - 1));
	m = rv_rel_next_due(a, T0 + TIMEOUT);
	assert_non_null(m);
	assert_int_equal(m->id, 1);
	assert_true(rv_rel_received(&b, m->id, m->data, m->len));
	rv_rel_sent(a, m, T0 + TIMEOUT);
	assert_null(rv_rel_next_due(a, T0 + TIMEOUT));
	expect_next(&b, "m1");
	expect_next(&b, "m2");
	expect_none(&b);
	n = rv_rel_take_acks(&b, acks, 1);
	assert_int_equal(n, 1);
	rv_rel_acked(a, acks, n);
	assert_true(rv_rel_all_acked(a));
	assert_int_equal(a->retransmits, 1);
}

/* --- fast retransmit and burst -------------------------------------------- */

static void
test_fast_retransmit(void **state)
{
	struct rv_reliable *r = *state;
	const struct rv_rel_out *m;
	uint32_t ids[8];

	queue_n(r, 0, 6);
	assert_int_equal(send_due(r, T0, ids, 8), 6);
	/* Acks of lower ids say nothing about 2. */
	ack1(r, 0);
	ack1(r, 1);
	assert_null(rv_rel_next_due(r, T0 + 1));
	ack1(r, 3);
	ack1(r, 4);
	assert_null(rv_rel_next_due(r, T0 + 1));
	ack1(r, 5);
	m = rv_rel_next_due(r, T0 + 1);
	assert_non_null(m);
	assert_int_equal(m->id, 2);
	assert_int_equal(rv_rel_next_timeout(r), 1);
	rv_rel_sent(r, m, T0 + 1);
	/* The resend starts the count again. */
	assert_int_equal(m->later_acks, 0);
	assert_null(rv_rel_next_due(r, T0 + 2));
	assert_int_equal(rv_rel_next_timeout(r), T0 + 1 + 2 * TIMEOUT);
	assert_int_equal(r->retransmits, 1);
}

/* Three later ids in one ack block count three times; repeats of an acked id
 * (the peer's MRU list) count as OpenVPN counts them. */
static void
test_fast_retransmit_one_block(void **state)
{
	struct rv_reliable *r = *state;
	const uint32_t block[] = { 3, 2, 1 };
	uint32_t ids[8];

	queue_n(r, 0, 4);
	assert_int_equal(send_due(r, T0, ids, 8), 4);
	rv_rel_acked(r, block, 3);
	assert_non_null(rv_rel_next_due(r, T0 + 1));
	assert_int_equal(send_due(r, T0 + 1, ids, 8), 1);
	assert_int_equal(ids[0], 0);
	ack1(r, 3);
	ack1(r, 2);
	assert_null(rv_rel_next_due(r, T0 + 2));
	ack1(r, 3);
	assert_int_equal(send_due(r, T0 + 2, ids, 8), 1);
	assert_int_equal(ids[0], 0);
}

/* Acks for ids never queued are ignored: no fast retransmit, no state. */
static void
test_ack_unknown(void **state)
{
	struct rv_reliable *r = *state;
	const uint32_t bogus[] = { 5, 6, 100, UINT32_MAX, 0x80000000u };
	uint32_t ids[8];

	queue_n(r, 0, 3);
	assert_int_equal(send_due(r, T0, ids, 8), 3);
	rv_rel_acked(r, bogus, 5);
	rv_rel_acked(r, bogus, 5);
	assert_null(rv_rel_next_due(r, T0 + 1));
	for (unsigned i = 0; i < SWIN; i++)
		assert_int_equal(r->out[i].later_acks, 0);
	assert_false(rv_rel_is_acked(r, 0));
	rv_rel_acked(r, NULL, 0);
	assert_false(rv_rel_all_acked(r));
}

static void
test_burst(void **state)
{
	struct rv_reliable *r = *state;
	uint32_t ids[8];

	queue_n(r, 0, 3);
	assert_int_equal(send_due(r, T0, ids, 8), 3);
	assert_int_equal(send_due(r, T0 + SEC, ids, 8), 0);
	ack1(r, 1);
	rv_rel_burst(r);
	assert_true(r->burst);
	assert_int_equal(rv_rel_next_timeout(r), 1);
	/* Every unacked message once, oldest first, then nothing. */
	assert_int_equal(send_due(r, T0 + SEC, ids, 8), 2);
	assert_int_equal(ids[0], 0);
	assert_int_equal(ids[1], 2);
	assert_false(r->burst);
	assert_int_equal(r->retransmits, 2);
	/* The burst restarted the backoff (reliable_schedule_now): 2 s, not
	 * 4 s, then doubling again. */
	assert_int_equal(rv_rel_next_timeout(r), T0 + SEC + TIMEOUT);
	assert_int_equal(send_due(r, T0 + SEC + TIMEOUT, ids, 8), 2);
	assert_int_equal(rv_rel_next_timeout(r), T0 + SEC + 3 * TIMEOUT);
}

/* The flag stays up until every message the burst asked for has gone out or
 * been acked; queued-but-unsent messages go out with it. */
static void
test_burst_flag(void **state)
{
	struct rv_reliable *r = *state;
	const struct rv_rel_out *m;
	uint32_t ids[8];

	rv_rel_burst(r);
	assert_false(r->burst);
	queue_n(r, 0, 2);
	assert_int_equal(send_due(r, T0, ids, 8), 2);
	queue_one(r, 2);
	rv_rel_burst(r);
	m = rv_rel_next_due(r, T0 + 1);
	assert_int_equal(m->id, 0);
	rv_rel_sent(r, m, T0 + 1);
	assert_true(r->burst);
	ack1(r, 1);
	assert_true(r->burst);
	ack1(r, 2);
	assert_false(r->burst);
	assert_null(rv_rel_next_due(r, T0 + 1));
}

/* A pointer from next_due may go stale when an ack frees its slot; sending
 * it then changes nothing. So does a pointer that is not ours. */
static void
test_sent_stale(void **state)
{
	struct rv_reliable *r = *state;
	static struct rv_reliable other;
	const struct rv_rel_out *m;
	uint32_t ids[2];

	queue_one(r, 0);
	assert_int_equal(send_due(r, T0, ids, 2), 1);
	m = rv_rel_next_due(r, T0 + TIMEOUT);
	assert_non_null(m);
	ack1(r, 0);
	rv_rel_sent(r, m, T0 + TIMEOUT);
	assert_int_equal(r->retransmits, 0);
	assert_int_equal(m->sends, 1);
	assert_int_equal(rv_rel_next_timeout(r), 0);

	rv_rel_init(&other, TIMEOUT);
	queue_one(r, 1);
	queue_one(&other, 0);
	rv_rel_sent(r, rv_rel_next_due(&other, T0), T0);
	assert_int_equal(rv_rel_next_due(r, T0)->id, 1);
	assert_int_equal(rv_rel_next_due(r, T0)->sends, 0);
}

/* --- send window ---------------------------------------------------------- */

static void
test_send_window_full(void **state)
{
	struct rv_reliable *r = *state;
	uint32_t id = 99;

	queue_n(r, 0, SWIN);
	assert_false(rv_rel_can_queue(r));
	assert_int_equal(rv_rel_queue(r, OP, "x", 1, &id), RV_ERR_LIMIT);
	assert_int_equal(id, 99);
	/* Acking the later ones does not help: 0 still holds the window. */
	for (uint32_t i = 1; i < SWIN; i++)
		ack1(r, i);
	assert_false(rv_rel_can_queue(r));
	assert_int_equal(rv_rel_queue(r, OP, "x", 1, &id), RV_ERR_LIMIT);
	ack1(r, 0);
	assert_true(rv_rel_all_acked(r));
	queue_n(r, SWIN, SWIN);
	assert_false(rv_rel_can_queue(r));
	/* Acking the oldest frees exactly one. */
	ack1(r, SWIN);
	assert_true(rv_rel_can_queue(r));
	queue_one(r, 2 * SWIN);
	assert_false(rv_rel_can_queue(r));
	assert_int_equal(rv_rel_next_due(r, T0)->id, SWIN + 1);
}

static void
test_is_acked(void **state)
{
	struct rv_reliable *r = *state;
	const uint32_t some[] = { 0, 2 };

	queue_n(r, 0, 3);
	for (uint32_t i = 0; i < 5; i++)
		assert_false(rv_rel_is_acked(r, i));
	ack1(r, 1);
	assert_false(rv_rel_is_acked(r, 0));
	assert_true(rv_rel_is_acked(r, 1));
	assert_false(rv_rel_is_acked(r, 2));
	rv_rel_acked(r, some, 2);
	assert_true(rv_rel_is_acked(r, 0));
	assert_true(rv_rel_is_acked(r, 2));
	/* Ids 6..8 reuse the slots of 0..2. */
	queue_n(r, 3, 6);
	assert_true(rv_rel_is_acked(r, 0));
	assert_true(rv_rel_is_acked(r, 2));
	assert_false(rv_rel_is_acked(r, 6));
	assert_false(rv_rel_is_acked(r, 8));
	assert_false(rv_rel_is_acked(r, 9));
}

static void
test_all_acked(void **state)
{
	struct rv_reliable *r = *state;

	queue_n(r, 0, 2);
	assert_false(rv_rel_all_acked(r));
	ack1(r, 1);
	assert_false(rv_rel_all_acked(r));
	ack1(r, 0);
	assert_true(rv_rel_all_acked(r));
	ack1(r, 0);
	assert_true(rv_rel_all_acked(r));
	queue_one(r, 2);
	assert_false(rv_rel_all_acked(r));
}

static void
test_next_timeout(void **state)
{
	struct rv_reliable *r = *state;
	uint32_t ids[4];

	queue_one(r, 0);
	/* Never sent: due at once, which must not read as "nothing". */
	assert_int_equal(rv_rel_next_timeout(r), 1);
	assert_int_equal(send_due(r, T0, ids, 4), 1);
	assert_int_equal(rv_rel_next_timeout(r), T0 + TIMEOUT);
	queue_one(r, 1);
	assert_int_equal(send_due(r, T0 + SEC, ids, 4), 1);
	assert_int_equal(rv_rel_next_timeout(r), T0 + TIMEOUT);
	ack1(r, 0);
	assert_int_equal(rv_rel_next_timeout(r), T0 + SEC + TIMEOUT);
	ack1(r, 1);
	assert_int_equal(rv_rel_next_timeout(r), 0);
}

/* --- receiving ------------------------------------------------------------ */

static void
test_reorder(void **state)
{
	struct rv_reliable *r = *state;

	assert_true(recv_str(r, 2, "m2"));
	expect_none(r);
	assert_true(recv_str(r, 1, "m1"));
	expect_none(r);
	assert_true(recv_str(r, 0, "m0"));
	expect_next(r, "m0");
	expect_next(r, "m1");
	expect_next(r, "m2");
	expect_none(r);
	assert_true(recv_str(r, 4, "m4"));
	expect_none(r);
	assert_true(recv_str(r, 3, "m3"));
	expect_next(r, "m3");
	expect_next(r, "m4");
	expect_none(r);
	assert_int_equal(r->next_expected, 5);
}

/* A duplicate is acked again but stored once, with the first bytes. */
static void
test_duplicate(void **state)
{
	struct rv_reliable *r = *state;

	assert_true(recv_str(r, 0, "first"));
	assert_true(recv_str(r, 0, "second"));
	ACKS(r, 8, 0);
	assert_true(recv_str(r, 2, "two"));
	assert_true(recv_str(r, 2, "again"));
	ACKS(r, 8, 2, 0);
	assert_true(recv_str(r, 1, "one"));
	expect_next(r, "first");
	expect_next(r, "one");
	expect_next(r, "two");
	expect_none(r);
}

static void
test_old_ids_acked_again(void **state)
{
	struct rv_reliable *r = *state;

	assert_true(recv_str(r, 0, "m0"));
	assert_true(recv_str(r, 1, "m1"));
	expect_next(r, "m0");
	expect_next(r, "m1");
	ACKS(r, 8, 1, 0);
	assert_false(rv_rel_has_pending_acks(r));
	/* Our ack for 0 was lost; the peer resends it. */
	assert_true(recv_str(r, 0, "late"));
	assert_true(rv_rel_has_pending_acks(r));
	expect_none(r);
	ACKS(r, 1, 0);
	assert_true(recv_str(r, 1, "m1"));
	assert_true(recv_str(r, 0, "m0"));
	ACKS(r, 8, 0, 1);
	expect_none(r);
	assert_int_equal(r->next_expected, 2);
}

/* Ids next .. next+11 are stored and acked; next+12 and beyond neither. */
static void
test_recv_window_edge(void **state)
{
	struct rv_reliable *r = *state;
	char name[8];

	assert_true(recv_str(r, RWIN - 1, "m11"));
	assert_false(recv_str(r, RWIN, "m12"));
	assert_false(recv_str(r, 0x7fffffffu, "far"));
	assert_int_equal(r->dropped_ahead, 2);
	ACKS(r, 8, RWIN - 1);
	for (uint32_t i = 0; i < RWIN - 1; i++) {
		snprintf(name, sizeof(name), "m%u", (unsigned)i);
		assert_true(recv_str(r, i, name));
	}
	for (uint32_t i = 0; i < RWIN; i++) {
		snprintf(name, sizeof(name), "m%u", (unsigned)i);
		expect_next(r, name);
	}
	expect_none(r);
	/* The window moved: 12 .. 23 now fit, 24 still does not. */
	assert_true(recv_str(r, 2 * RWIN - 1, "m23"));
	assert_false(recv_str(r, 2 * RWIN, "m24"));
	assert_true(recv_str(r, RWIN, "m12"));
	expect_next(r, "m12");
	expect_none(r);
	assert_int_equal(r->dropped_ahead, 3);
}

static void
test_recv_too_long(void **state)
{
	struct rv_reliable *r = *state;
	static uint8_t big[RV_REL_PAYLOAD_MAX + 1];
	static uint8_t out[RV_REL_PAYLOAD_MAX];
	size_t len = 0;

	assert_false(rv_rel_received(r, 0, big, sizeof(big)));
	assert_false(rv_rel_has_pending_acks(r));
	expect_none(r);
	big[RV_REL_PAYLOAD_MAX - 1] = 0x5a;
	assert_true(rv_rel_received(r, 0, big, RV_REL_PAYLOAD_MAX));
	assert_int_equal(rv_rel_next_in_order(r, out, sizeof(out), &len), 0);
	assert_int_equal(len, RV_REL_PAYLOAD_MAX);
	assert_int_equal(out[RV_REL_PAYLOAD_MAX - 1], 0x5a);
}

/* A buffer too small consumes nothing; an empty message is delivered. */
static void
test_nospace(void **state)
{
	struct rv_reliable *r = *state;
	char buf[16];
	size_t len = 999;

	assert_true(recv_str(r, 0, "0123456789"));
	assert_true(rv_rel_received(r, 1, NULL, 0));
	assert_int_equal(rv_rel_next_in_order(r, buf, 9, &len), RV_ERR_NOSPACE);
	assert_int_equal(len, 999);
	assert_int_equal(r->next_expected, 0);
	assert_int_equal(rv_rel_next_in_order(r, buf, 10, &len), 0);
	assert_int_equal(len, 10);
	assert_memory_equal(buf, "0123456789", 10);
	assert_int_equal(rv_rel_next_in_order(r, NULL, 0, &len), 0);
	assert_int_equal(len, 0);
	expect_none(r);
}

/* --- acks to send --------------------------------------------------------- */

static void
test_ack_order(void **state)
{
	struct rv_reliable *r = *state;
	uint32_t ids[4];

	for (uint32_t i = 0; i < 4; i++)
		assert_true(recv_str(r, i, "x"));
	assert_true(rv_rel_has_pending_acks(r));
	ACKS(r, 8, 3, 2, 1, 0);
	assert_false(rv_rel_has_pending_acks(r));
	/* Nothing pending: the recent ones are repeated. */
	ACKS(r, 8, 3, 2, 1, 0);
	assert_true(recv_str(r, 4, "x"));
	ACKS(r, 8, 4, 3, 2, 1, 0);
	ACKS(r, 2, 4, 3);
	assert_int_equal(rv_rel_take_acks(r, ids, 0), 0);
}

/* The MRU list holds the 8 most recent ids. */
static void
test_ack_mru_limit(void **state)
{
	struct rv_reliable *r = *state;

	for (uint32_t i = 0; i < 10; i++) {
		assert_true(recv_str(r, i, "x"));
		ACKS(r, 1, i);
		expect_next(r, "x");
	}
	assert_int_equal(r->nmru, RV_REL_MRU_ACKS);
	ACKS(r, 20, 9, 8, 7, 6, 5, 4, 3, 2);
}

/* More pending than fit: the oldest go first, the rest stay pending. */
static void
test_ack_pending_beyond_max(void **state)
{
	struct rv_reliable *r = *state;
	uint32_t ids[4];

	for (uint32_t i = 0; i < 6; i++)
		assert_true(recv_str(r, i, "x"));
	assert_int_equal(rv_rel_take_acks(r, ids, 0), 0);
	assert_int_equal(r->npending, 6);
	ACKS(r, 4, 3, 2, 1, 0);
	assert_true(rv_rel_has_pending_acks(r));
	ACKS(r, 4, 5, 4, 3, 2);
	assert_false(rv_rel_has_pending_acks(r));
	ACKS(r, 8, 5, 4, 3, 2, 1, 0);
}

/* A pending id that is also in the MRU list is sent once, and moves to the
 * front of the list. */
static void
test_ack_no_duplicates(void **state)
{
	struct rv_reliable *r = *state;

	assert_true(recv_str(r, 0, "x"));
	assert_true(recv_str(r, 1, "x"));
	assert_true(recv_str(r, 2, "x"));
	ACKS(r, 8, 2, 1, 0);
	assert_true(recv_str(r, 1, "x"));
	ACKS(r, 8, 1, 2, 0);
	assert_true(recv_str(r, 0, "x"));
	assert_true(recv_str(r, 0, "x"));
	assert_int_equal(r->npending, 1);
	ACKS(r, 8, 0, 1, 2);
	assert_int_equal(r->nmru, 3);
}

/* More than 24 distinct old ids before any ack goes out: the extra ones are
 * not remembered (the peer resends them), nothing overflows. */
static void
test_ack_pending_full(void **state)
{
	struct rv_reliable *r = *state;
	uint32_t ids[RV_REL_PENDING_ACKS + RV_REL_MRU_ACKS];

	r->next_expected = 100;
	for (uint32_t i = 0; i < 40; i++)
		assert_true(recv_str(r, i, "x"));
	assert_int_equal(r->npending, RV_REL_PENDING_ACKS);
	assert_int_equal(rv_rel_take_acks(r, ids, RV_REL_PENDING_ACKS),
	    RV_REL_PENDING_ACKS);
	assert_int_equal(ids[0], RV_REL_PENDING_ACKS - 1);
	assert_int_equal(ids[RV_REL_PENDING_ACKS - 1], 0);
	assert_int_equal(r->nmru, RV_REL_MRU_ACKS);
	assert_int_equal(r->mru[0], RV_REL_PENDING_ACKS - 1);
}

/* --- ids across 2^32 ------------------------------------------------------ */

static void
test_id_wrap_send(void **state)
{
	struct rv_reliable *r = *state;
	const uint32_t later[] = { 0, 1, 2 };
	uint32_t ids[8];

	r->next_id = UINT32_MAX - 2;
	queue_n(r, UINT32_MAX - 2, SWIN);
	assert_int_equal(r->next_id, 3);
	assert_false(rv_rel_can_queue(r));
	assert_int_equal(send_due(r, T0, ids, 8), SWIN);
	assert_int_equal(ids[0], UINT32_MAX - 2);
	assert_int_equal(ids[SWIN - 1], 2);
	rv_rel_acked(r, later, 3);
	assert_false(rv_rel_can_queue(r));
	assert_int_equal(send_due(r, T0 + 1, ids, 8), 3);
	assert_int_equal(ids[0], UINT32_MAX - 2);
	assert_int_equal(ids[2], UINT32_MAX);
	assert_true(rv_rel_is_acked(r, 1));
	assert_false(rv_rel_is_acked(r, UINT32_MAX));
	assert_false(rv_rel_is_acked(r, 3));
	ack1(r, UINT32_MAX - 2);
	assert_true(rv_rel_can_queue(r));
	queue_one(r, 3);
}

static void
test_id_wrap_recv(void **state)
{
	struct rv_reliable *r = *state;

	r->next_expected = UINT32_MAX - 1;
	assert_true(recv_str(r, 1, "c"));
	assert_true(recv_str(r, UINT32_MAX, "b"));
	assert_true(recv_str(r, 0, "x"));
	assert_true(recv_str(r, UINT32_MAX - 1, "a"));
	assert_false(recv_str(r, RWIN - 2, "far"));
	assert_true(recv_str(r, UINT32_MAX - 20, "old"));
	expect_next(r, "a");
	expect_next(r, "b");
	expect_next(r, "x");
	expect_next(r, "c");
	expect_none(r);
	ACKS(r, 8, UINT32_MAX - 20, UINT32_MAX - 1, 0, UINT32_MAX, 1);
}

/* --- simulation ----------------------------------------------------------- */

enum {
	SIM_MSGS = 300,
	SIM_PAYLOAD = 200,
	SIM_CHAN = 2048,
	SIM_PIGGYBACK = 4,         /* CONTROL_SEND_ACK_MAX */
};

struct sim_pkt {
	bool used;
	uint64_t at;               /* delivery time */
	unsigned to;
	bool has_msg;
	uint32_t id;
	size_t len;
	uint8_t data[SIM_PAYLOAD];
	unsigned nacks;
	uint32_t acks[RV_REL_MRU_ACKS];
};

struct sim_end {
	struct rv_reliable rel;
	unsigned queued;
	unsigned delivered;
	bool heard;                /* got the peer's first packet: burst done */
};

struct sim_cfg {
	uint64_t seed;
	unsigned loss, dup;        /* percent */
	uint64_t max_delay;        /* ns */
};

struct sim {
	struct sim_cfg cfg;
	uint64_t rng;
	uint64_t now;
	struct sim_end end[2];
	struct sim_pkt chan[SIM_CHAN];
	unsigned sent, lost;
	unsigned fast, burst;      /* resends by fast retransmit, by burst */
};

static uint64_t
sim_rand(struct sim *s)
{
	/* xorshift64*: fixed sequence per seed */
	s->rng ^= s->rng >> 12;
	s->rng ^= s->rng << 25;
	s->rng ^= s->rng >> 27;
	return s->rng * 2685821657736338717ull;
}

/* Message i of endpoint e: 4 bytes index, then bytes derived from both. */
static size_t
sim_payload(unsigned e, unsigned i, uint8_t *out)
{
	size_t len = 4 + (i * 37u + e * 11u) % (SIM_PAYLOAD - 4);

	memcpy(out, &i, 4);
	for (size_t j = 4; j < len; j++)
		out[j] = (uint8_t)(i * 7u + j * 13u + e);
	return len;
}

/* Puts p on the channel: maybe lost, maybe twice, with random delay. */
static void
sim_transmit(struct sim *s, const struct sim_pkt *p)
{
	unsigned copies = sim_rand(s) % 100 < s->cfg.dup ? 2 : 1;

	s->sent++;
	for (unsigned c = 0; c < copies; c++) {
		unsigned slot = 0;

		if (sim_rand(s) % 100 < s->cfg.loss) {
			s->lost++;
			continue;
		}
		while (slot < SIM_CHAN && s->chan[slot].used)
			slot++;
		assert_true(slot < SIM_CHAN);
		s->chan[slot] = *p;
		s->chan[slot].used = true;
		s->chan[slot].at = s->now + 1 + sim_rand(s) % s->cfg.max_delay;
	}
}

/* The windows hold: unacked ids at most 6 below next_id, stored ids less
 * than 12 above next_expected, the ack lists within their sizes. */
static void
sim_check_windows(const struct rv_reliable *r)
{
	for (unsigned i = 0; i < SWIN; i++) {
		const struct rv_rel_out *o = &r->out[i];

		if (!o->used || o->acked)
			continue;
		assert_true(r->next_id - o->id >= 1);
		assert_true(r->next_id - o->id <= SWIN);
	}
	for (unsigned i = 0; i < RWIN; i++) {
		const struct rv_rel_in *n = &r->in[i];

		if (!n->used)
			continue;
		assert_true(n->id - r->next_expected < RWIN);
	}
	assert_true(r->npending <= RV_REL_PENDING_ACKS);
	assert_true(r->nmru <= RV_REL_MRU_ACKS);
}

static void
sim_queue(struct sim_end *e, unsigned who)
{
	uint8_t data[SIM_PAYLOAD];
	uint32_t id;

	while (e->queued < SIM_MSGS && rv_rel_can_queue(&e->rel)) {
		size_t len = sim_payload(who, e->queued, data);

		assert_int_equal(rv_rel_queue(&e->rel, OP, data, len, &id), 0);
		assert_int_equal(id, e->queued);
		e->queued++;
	}
	assert_true(e->queued == SIM_MSGS || !rv_rel_can_queue(&e->rel));
}

/* Sends what is due, with acks piggybacked, then an ack-only packet if acks
 * are still pending. */
static void
sim_send(struct sim *s, unsigned who)
{
	struct sim_end *e = &s->end[who];
	const struct rv_rel_out *m;
	struct sim_pkt p;

	while ((m = rv_rel_next_due(&e->rel, s->now)) != NULL) {
		memset(&p, 0, sizeof(p));
		assert_true(e->rel.next_id - m->id <= SWIN);
		if (m->sends > 0 && m->timeout == 0)
			s->burst++;
		else if (m->sends > 0 && s->now < m->next_send)
			s->fast++;
		p.to = 1 - who;
		p.has_msg = true;
		p.id = m->id;
		p.len = m->len;
		memcpy(p.data, m->data, m->len);
		p.nacks = rv_rel_take_acks(&e->rel, p.acks, SIM_PIGGYBACK);
		sim_transmit(s, &p);
		rv_rel_sent(&e->rel, m, s->now);
	}
	if (rv_rel_has_pending_acks(&e->rel)) {
		memset(&p, 0, sizeof(p));
		p.to = 1 - who;
		p.nacks = rv_rel_take_acks(&e->rel, p.acks, RV_REL_MRU_ACKS);
		assert_true(p.nacks > 0);
		sim_transmit(s, &p);
	}
	assert_false(rv_rel_has_pending_acks(&e->rel));
}

/* Takes every message now in order and checks it is the next expected. */
static void
sim_drain(struct sim_end *e, unsigned from)
{
	uint8_t got[SIM_PAYLOAD], want[SIM_PAYLOAD];
	size_t len;

	while (rv_rel_next_in_order(&e->rel, got, sizeof(got), &len) == 0) {
		assert_true(e->delivered < SIM_MSGS);
		assert_int_equal(len, sim_payload(from, e->delivered, want));
		assert_memory_equal(got, want, len);
		e->delivered++;
	}
}

static void
sim_deliver(struct sim *s, struct sim_pkt *p)
{
	struct sim_end *e = &s->end[p->to];
	struct rv_reliable *r = &e->rel;

	if (!e->heard) {
		/* As the session does when the peer's reset arrives. */
		e->heard = true;
		rv_rel_burst(r);
	}
	/* Only ids the peer received, so only ids we queued. */
	for (unsigned i = 0; i < p->nacks; i++)
		assert_true(p->acks[i] < r->next_id);
	rv_rel_acked(r, p->acks, p->nacks);
	if (p->has_msg) {
		bool fits = p->id < r->next_expected + RWIN;
		unsigned npending = r->npending;

		assert_int_equal(rv_rel_received(r, p->id, p->data, p->len), fits);
		if (!fits)
			assert_int_equal(r->npending, npending);
		sim_drain(e, 1 - p->to);
	}
	p->used = false;
}

/* Delivers what is due; returns the earliest later delivery time. */
static uint64_t
sim_arrivals(struct sim *s)
{
	uint64_t next = UINT64_MAX;

	for (unsigned i = 0; i < SIM_CHAN; i++) {
		struct sim_pkt *p = &s->chan[i];

		if (p->used && p->at <= s->now)
			sim_deliver(s, p);
		else if (p->used && p->at < next)
			next = p->at;
	}
	return next;
}

static bool
sim_done(const struct sim *s)
{
	for (unsigned i = 0; i < 2; i++) {
		if (s->end[i].delivered < SIM_MSGS || !rv_rel_all_acked(&s->end[i].rel))
			return false;
	}
	return true;
}

/* Advances to the next arrival or timer, never by less than 1 ms. Pending
 * acks go out 1 ms later, as the session sends them promptly; with nothing
 * in flight and no timer, 1 ms as well: new messages may be queued. */
static void
sim_advance(struct sim *s, uint64_t next)
{
	for (unsigned i = 0; i < 2; i++) {
		uint64_t t = rv_rel_next_timeout(&s->end[i].rel);

		if (t != 0 && t < next)
			next = t;
		if (rv_rel_has_pending_acks(&s->end[i].rel))
			next = s->now;
	}
	if (next == UINT64_MAX)
		next = s->now;
	s->now = next > s->now + MS ? next : s->now + MS;
}

static const struct sim *
sim_run(const struct sim_cfg *cfg)
{
	static struct sim s;
	unsigned steps = 0;

	memset(&s, 0, sizeof(s));
	s.cfg = *cfg;
	s.rng = cfg->seed * 0x9e3779b97f4a7c15ull + 1;
	s.now = T0;
	rv_rel_init(&s.end[0].rel, TIMEOUT);
	rv_rel_init(&s.end[1].rel, TIMEOUT);
	while (!sim_done(&s)) {
		uint64_t next;

		assert_true(++steps < 1000000);
		for (unsigned i = 0; i < 2; i++) {
			sim_queue(&s.end[i], i);
			sim_send(&s, i);
			sim_check_windows(&s.end[i].rel);
		}
		next = sim_arrivals(&s);
		for (unsigned i = 0; i < 2; i++)
			sim_check_windows(&s.end[i].rel);
		sim_advance(&s, next);
	}
	for (unsigned i = 0; i < 2; i++) {
		assert_int_equal(s.end[i].queued, SIM_MSGS);
		assert_int_equal(s.end[i].rel.next_id, SIM_MSGS);
		assert_int_equal(s.end[i].rel.next_expected, SIM_MSGS);
		if (cfg->loss > 0)
			assert_true(s.end[i].rel.retransmits > 0);
	}
	if (cfg->loss > 0)
		assert_true(s.lost > 0);
	return &s;
}

static void
test_sim_clean(void **state)
{
	const struct sim_cfg cfg = { .seed = 1, .max_delay = MS };
	const struct sim *s;

	(void)state;
	s = sim_run(&cfg);
	/* Nothing lost or late: the only resends are the one burst each
	 * side does when the peer's first packet arrives. */
	assert_int_equal(s->burst, 2 * SWIN);
	assert_int_equal(s->fast, 0);
	for (unsigned i = 0; i < 2; i++)
		assert_int_equal(s->end[i].rel.retransmits, SWIN);
}

static void
test_sim_reorder(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 5; seed++) {
		const struct sim_cfg cfg = { .seed = seed, .dup = 20,
		    .max_delay = 300 * MS };

		/* Reordered acks look like loss to the sender. */
		assert_true(sim_run(&cfg)->fast > 0);
	}
}

static void
test_sim_lossy(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 20; seed++) {
		const struct sim_cfg cfg = { .seed = seed, .loss = 20, .dup = 10,
		    .max_delay = 500 * MS };
		const struct sim *s = sim_run(&cfg);

		assert_true(s->fast > 0);
		assert_true(s->burst > 0);
	}
}

/* Heavy loss, and delays beyond the retransmission timeout. */
static void
test_sim_harsh(void **state)
{
	(void)state;
	for (uint64_t seed = 100; seed < 105; seed++) {
		const struct sim_cfg cfg = { .seed = seed, .loss = 40, .dup = 30,
		    .max_delay = 5 * SEC };

		sim_run(&cfg);
	}
}

#define T(fn) cmocka_unit_test_setup(fn, setup)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_init),
		T(test_init_zero_timeout),
		T(test_queue),
		T(test_retransmit_doubling),
		T(test_retransmit_saturates),
		T(test_oldest_first),
		T(test_loss_recovery),
		T(test_fast_retransmit),
		T(test_fast_retransmit_one_block),
		T(test_ack_unknown),
		T(test_burst),
		T(test_burst_flag),
		T(test_sent_stale),
		T(test_send_window_full),
		T(test_is_acked),
		T(test_all_acked),
		T(test_next_timeout),
		T(test_reorder),
		T(test_duplicate),
		T(test_old_ids_acked_again),
		T(test_recv_window_edge),
		T(test_recv_too_long),
		T(test_nospace),
		T(test_ack_order),
		T(test_ack_mru_limit),
		T(test_ack_pending_beyond_max),
		T(test_ack_no_duplicates),
		T(test_ack_pending_full),
		T(test_id_wrap_send),
		T(test_id_wrap_recv),
		cmocka_unit_test(test_sim_clean),
		cmocka_unit_test(test_sim_reorder),
		cmocka_unit_test(test_sim_lossy),
		cmocka_unit_test(test_sim_harsh),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
