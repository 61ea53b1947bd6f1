/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for replay.c, the packet-id replay window (wire facts 6.7). The
 * rules checked are the ones in the comment at the top of replay.h; where it
 * is silent, OpenVPN's packet_id_test/packet_id_add/packet_id_reap decide.
 *
 * "now" is a monotonic time in seconds. Tests start it well above the usual
 * time_backtrack so that a gap dated 0 by mistake shows up as expired.
 */
#include "replay.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "err.h"

enum {
	WIN = 64,            /* OpenVPN's default --replay-window */
	BACKTRACK = 15,      /* and its default time */
	T0 = 1600000000,     /* a sender start time */
	NOW = 5000,          /* receiver monotonic seconds */
};

struct fixture {
	struct rv_replay r;
};

static int
setup_default(void **state)
{
	static struct fixture f;

	memset(&f, 0, sizeof(f));
	if (rv_replay_init(&f.r, WIN, BACKTRACK, false) != 0)
		return -1;
	*state = &f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	rv_replay_clear(&f->r);
	return 0;
}

/* Offers (id, time) at now; returns the result and checks the newest flag is
 * only ever set on success. */
static int
offer(struct rv_replay *r, uint32_t id, uint32_t time, uint64_t now, bool *newest)
{
	struct rv_pid pid = { .id = id, .time = time };
	bool top = true;
	int ret = rv_replay_accept(r, &pid, now, &top);

	if (ret != 0)
		assert_false(top);
	if (newest != NULL)
		*newest = top;
	return ret;
}

/* Offers (id, T0) at NOW. */
static int
offer_id(struct rv_replay *r, uint32_t id)
{
	return offer(r, id, T0, NOW, NULL);
}

/* --- init ----------------------------------------------------------------- */

static void
test_init_range(void **state)
{
	struct rv_replay r;

	assert_int_equal(rv_replay_init(&r, RV_REPLAY_WINDOW_MAX + 1, 15, false), RV_ERR_RANGE);
	assert_int_equal(rv_replay_init(&r, UINT32_MAX, 15, false), RV_ERR_RANGE);
	assert_int_equal(rv_replay_init(&r, RV_REPLAY_WINDOW_MAX, 15, false), 0);
	assert_int_equal(offer_id(&r, 1), 0);
	rv_replay_clear(&r);
	assert_null(r.seen);
	assert_int_equal(rv_replay_init(&r, 0, 15, false), 0);
	assert_int_equal(offer_id(&r, 1), 0);
	rv_replay_clear(&r);
}

/* --- the window ----------------------------------------------------------- */

static void
test_in_order(void **state)
{
	struct fixture *f = *state;
	bool newest = false;

	for (uint32_t id = 1; id <= 1000; id++) {
		assert_int_equal(offer(&f->r, id, T0, NOW + id / 100, &newest), 0);
		assert_true(newest);
	}
	assert_int_equal(f->r.accepted, 1000);
	assert_int_equal(f->r.refused, 0);
}

static void
test_reordered_within_window(void **state)
{
	static const uint32_t order[] = { 1, 3, 2, 6, 5, 4, 60, 10, 7, 59, 8, 9, 61 };
	static const bool top[] = { 1, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1 };
	struct fixture *f = *state;
	bool newest;

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		print_message("id %u\n", order[i]);
		assert_int_equal(offer(&f->r, order[i], T0, NOW, &newest), 0);
		assert_int_equal(newest, top[i]);
	}
	/* Everything accepted once is refused the second time. */
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		assert_int_equal(offer_id(&f->r, order[i]), RV_ERR_REPLAY);
	/* Gaps never filled are still open. */
	assert_int_equal(offer_id(&f->r, 11), 0);
	assert_int_equal(offer_id(&f->r, 58), 0);
}

static void
test_duplicate(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(offer_id(&f->r, 1), 0);
	assert_int_equal(offer_id(&f->r, 1), RV_ERR_REPLAY);
	assert_int_equal(offer_id(&f->r, 5), 0);
	/* The highest id itself. */
	assert_int_equal(offer_id(&f->r, 5), RV_ERR_REPLAY);
	assert_int_equal(offer_id(&f->r, 3), 0);
	/* An id inside the window. */
	assert_int_equal(offer_id(&f->r, 3), RV_ERR_REPLAY);
	assert_int_equal(f->r.accepted, 3);
	assert_int_equal(f->r.refused, 3);
}

/* An id window-1 below the highest is the oldest accepted; window below is
 * too old even if it was never seen. */
static void
test_too_old(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(offer_id(&f->r, 1), 0);
	assert_int_equal(offer_id(&f->r, 200), 0);
	assert_int_equal(offer_id(&f->r, 200 - WIN), RV_ERR_REPLAY);
	assert_int_equal(offer_id(&f->r, 200 - WIN - 1), RV_ERR_REPLAY);
	assert_int_equal(offer_id(&f->r, 2), RV_ERR_REPLAY);
	assert_int_equal(offer_id(&f->r, 200 - WIN + 1), 0);
	assert_int_equal(offer_id(&f->r, 199), 0);
}

/* --- time_backtrack ------------------------------------------------------- */

/* A gap stays open for time_backtrack seconds after a higher id arrived. */
static void
test_backtrack_expires(void **state)
{
	struct fixture *f = *state;
	struct rv_replay *r = &f->r;

	assert_int_equal(offer(r, 1, T0, NOW, NULL), 0);
	assert_int_equal(offer(r, 6, T0, NOW, NULL), 0);        /* gap 2..5 dated NOW */
	assert_int_equal(offer(r, 5, T0, NOW + 1, NULL), 0);
	assert_int_equal(offer(r, 4, T0, NOW + BACKTRACK - 1, NULL), 0);
	assert_int_equal(offer(r, 3, T0, NOW + BACKTRACK + 1, NULL), RV_ERR_REPLAY);
	assert_int_equal(offer(r, 2, T0, NOW + 1000, NULL), RV_ERR_REPLAY);
	/* New ids are not affected by old gaps. */
	assert_int_equal(offer(r, 7, T0, NOW + 1000, NULL), 0);
}

/* Each gap is dated by the first id above it, not by the latest one. */
static void
test_backtrack_per_gap(void **state)
{
	struct fixture *f = *state;
	struct rv_replay *r = &f->r;

	assert_int_equal(offer(r, 1, T0, NOW, NULL), 0);
	assert_int_equal(offer(r, 3, T0, NOW, NULL), 0);        /* gap 2 dated NOW */
	assert_int_equal(offer(r, 10, T0, NOW + 10, NULL), 0);  /* gaps 4..9 dated NOW+10 */
	assert_int_equal(offer(r, 2, T0, NOW + 20, NULL), RV_ERR_REPLAY);
	assert_int_equal(offer(r, 5, T0, NOW + 20, NULL), 0);
	assert_int_equal(offer(r, 9, T0, NOW + 10 + BACKTRACK - 1, NULL), 0);
	assert_int_equal(offer(r, 4, T0, NOW + 10 + BACKTRACK + 1, NULL), RV_ERR_REPLAY);
}

/* time_backtrack 0 turns the time check off (as OpenVPN's packet_id_reap). */
static void
test_backtrack_zero(void **state)
{
	struct rv_replay r;

	assert_int_equal(rv_replay_init(&r, WIN, 0, false), 0);
	assert_int_equal(offer(&r, 1, T0, NOW, NULL), 0);
	assert_int_equal(offer(&r, 10, T0, NOW, NULL), 0);
	assert_int_equal(offer(&r, 5, T0, NOW + 100000, NULL), 0);
	assert_int_equal(offer(&r, 5, T0, NOW + 100000, NULL), RV_ERR_REPLAY);
	rv_replay_clear(&r);
}

/* --- sender time ---------------------------------------------------------- */

static void
test_newer_time_new_sequence(void **state)
{
	struct fixture *f = *state;
	struct rv_replay *r = &f->r;
	bool newest = false;

	assert_int_equal(offer(r, 500, T0, NOW, NULL), 0);
	/* The peer restarted: a low id with a newer time is fine. */
	assert_int_equal(offer(r, 1, T0 + 30, NOW, &newest), 0);
	assert_true(newest);
	assert_int_equal(offer(r, 2, T0 + 30, NOW, NULL), 0);
	/* The old sequence is over, even its higher ids. */
	assert_int_equal(offer(r, 501, T0, NOW, NULL), RV_ERR_REPLAY);
	assert_int_equal(offer(r, 1, T0 + 30, NOW, NULL), RV_ERR_REPLAY);
	assert_int_equal(offer(r, 3, T0 + 30, NOW, NULL), 0);
}

static void
test_older_time_refused(void **state)
{
	struct fixture *f = *state;
	struct rv_replay *r = &f->r;

	assert_int_equal(offer(r, 1, T0, NOW, NULL), 0);
	assert_int_equal(offer(r, 2, T0 - 1, NOW, NULL), RV_ERR_REPLAY);
	assert_int_equal(offer(r, 1000, 0, NOW, NULL), RV_ERR_REPLAY);
	/* The refusal did not disturb the current sequence. */
	assert_int_equal(offer(r, 2, T0, NOW, NULL), 0);
	assert_int_equal(f->r.refused, 2);
}

/*
 * Right after a sequence starts (the first packet, or a newer time), lower ids
 * are ordinary reordering: replay.h accepts them while the only higher id
 * arrived less than time_backtrack seconds ago. OpenVPN's packet_id_add does
 * the same: on a new sequence it pushes the ids below as unseen and dates the
 * first one with its arrival.
 */
static void
test_reordered_first_packets(void **state)
{
	struct fixture *f = *state;
	struct rv_replay *r = &f->r;

	assert_int_equal(offer(r, 3, T0, NOW, NULL), 0);
	assert_int_equal(offer(r, 1, T0, NOW, NULL), 0);
	assert_int_equal(offer(r, 1, T0, NOW, NULL), RV_ERR_REPLAY);
	/* They still expire like any gap. */
	assert_int_equal(offer(r, 2, T0, NOW + BACKTRACK + 1, NULL), RV_ERR_REPLAY);
}

static void
test_reordered_after_restart(void **state)
{
	struct fixture *f = *state;
	struct rv_replay *r = &f->r;

	assert_int_equal(offer(r, 1, T0, NOW, NULL), 0);
	assert_int_equal(offer(r, 2, T0, NOW, NULL), 0);
	/* The peer restarted and its first packets were reordered. */
	assert_int_equal(offer(r, 4, T0 + 60, NOW + 1, NULL), 0);
	assert_int_equal(offer(r, 3, T0 + 60, NOW + 2, NULL), 0);
	assert_int_equal(offer(r, 1, T0 + 60, NOW + 2, NULL), 0);
	assert_int_equal(offer(r, 2, T0 + 60, NOW + 1 + BACKTRACK + 1, NULL), RV_ERR_REPLAY);
}

/* --- special ids and modes --------------------------------------------------- */

static void
test_id_zero(void **state)
{
	struct fixture *f = *state;
	struct rv_replay strict;
	bool newest = true;

	/* Refused first, in a sequence, and with a newer time. */
	assert_int_equal(offer(&f->r, 0, T0, NOW, &newest), RV_ERR_REPLAY);
	assert_false(newest);
	assert_int_equal(offer_id(&f->r, 1), 0);
	assert_int_equal(offer_id(&f->r, 0), RV_ERR_REPLAY);
	assert_int_equal(offer(&f->r, 0, T0 + 1, NOW, NULL), RV_ERR_REPLAY);
	assert_int_equal(offer_id(&f->r, 2), 0);
	assert_int_equal(f->r.refused, 3);

	assert_int_equal(rv_replay_init(&strict, 0, BACKTRACK, false), 0);
	assert_int_equal(offer_id(&strict, 0), RV_ERR_REPLAY);
	assert_int_equal(offer_id(&strict, 1), 0);
	assert_int_equal(offer_id(&strict, 0), RV_ERR_REPLAY);
	rv_replay_clear(&strict);
}

/* --replay-window 0: ids follow each other without gaps. */
static void
test_strict_linear(void **state)
{
	struct rv_replay r;
	bool newest = false;

	assert_int_equal(rv_replay_init(&r, 0, BACKTRACK, false), 0);
	assert_null(r.seen);
	for (uint32_t id = 1; id <= 3; id++) {
		assert_int_equal(offer(&r, id, T0, NOW, &newest), 0);
		assert_true(newest);
	}
	assert_int_equal(offer(&r, 5, T0, NOW, NULL), RV_ERR_REPLAY);    /* gap */
	assert_int_equal(offer(&r, 3, T0, NOW, NULL), RV_ERR_REPLAY);    /* duplicate */
	assert_int_equal(offer(&r, 2, T0, NOW, NULL), RV_ERR_REPLAY);    /* reordered */
	assert_int_equal(offer(&r, 4, T0, NOW, NULL), 0);
	/* A newer time must start again at 1. */
	assert_int_equal(offer(&r, 5, T0 + 1, NOW, NULL), RV_ERR_REPLAY);
	assert_int_equal(offer(&r, 1, T0 + 1, NOW, NULL), 0);
	assert_int_equal(offer(&r, 2, T0 + 1, NOW, NULL), 0);
	assert_int_equal(offer(&r, 3, T0, NOW, NULL), RV_ERR_REPLAY);    /* older time */
	assert_int_equal(offer(&r, 3, T0 + 1, NOW, NULL), 0);
	assert_int_equal(r.accepted, 7);
	assert_int_equal(r.refused, 5);
	rv_replay_clear(&r);
}

/* Strict mode, first packet: with a sender time (long form) the sequence
 * must start at 1; with time 0 (short form) it may start anywhere, as in
 * OpenVPN's packet_id_test. */
static void
test_strict_first_packet(void **state)
{
	struct rv_replay r;

	assert_int_equal(rv_replay_init(&r, 0, BACKTRACK, false), 0);
	assert_int_equal(offer(&r, 5, T0, NOW, NULL), RV_ERR_REPLAY);
	assert_int_equal(offer(&r, 1, T0, NOW, NULL), 0);
	rv_replay_clear(&r);
	assert_int_equal(rv_replay_init(&r, 0, BACKTRACK, false), 0);
	assert_int_equal(offer(&r, 5, 0, NOW, NULL), 0);
	assert_int_equal(offer(&r, 6, 0, NOW, NULL), 0);
	assert_int_equal(offer(&r, 8, 0, NOW, NULL), RV_ERR_REPLAY);
	rv_replay_clear(&r);
}

/* --no-replay accepts everything, each as the newest. */
static void
test_disabled(void **state)
{
	static const struct rv_pid pids[] = {
		{ 5, T0 }, { 5, T0 }, { 0, T0 }, { 1, T0 - 100 }, { 4, T0 },
	};
	struct rv_replay r;
	bool newest;

	assert_int_equal(rv_replay_init(&r, WIN, BACKTRACK, true), 0);
	for (size_t i = 0; i < sizeof(pids) / sizeof(pids[0]); i++) {
		newest = false;
		assert_int_equal(rv_replay_accept(&r, &pids[i], NOW, &newest), 0);
		assert_true(newest);
	}
	assert_int_equal(rv_replay_accept(&r, &pids[0], NOW, NULL), 0);
	assert_int_equal(r.accepted, 6);
	assert_int_equal(r.refused, 0);
	rv_replay_clear(&r);
}

/* *newest: set only when the id becomes the highest accepted. */
static void
test_newest(void **state)
{
	struct fixture *f = *state;
	struct rv_replay *r = &f->r;
	struct rv_pid pid = { .id = 9, .time = T0 + 1 };
	bool newest;

	assert_int_equal(offer(r, 1, T0, NOW, &newest), 0);
	assert_true(newest);
	assert_int_equal(offer(r, 10, T0, NOW, &newest), 0);
	assert_true(newest);
	assert_int_equal(offer(r, 8, T0, NOW, &newest), 0);
	assert_false(newest);
	assert_int_equal(offer(r, 8, T0, NOW, &newest), RV_ERR_REPLAY);
	assert_false(newest);
	assert_int_equal(offer(r, 11, T0, NOW, &newest), 0);
	assert_true(newest);
	assert_int_equal(offer(r, 1, T0 + 1, NOW, &newest), 0);
	assert_true(newest);
	/* NULL is allowed. */
	assert_int_equal(rv_replay_accept(r, &pid, NOW, NULL), 0);
	assert_int_equal(rv_replay_accept(r, &pid, NOW, NULL), RV_ERR_REPLAY);
}

/* --- jumps ------------------------------------------------------------------ */

/* Jumps smaller than the window: slots reused by the new ids must forget the
 * old ids they held. */
static void
test_jump_within_window(void **state)
{
	struct fixture *f = *state;

	for (uint32_t id = 1; id <= WIN; id++)
		assert_int_equal(offer_id(&f->r, id), 0);
	assert_int_equal(offer_id(&f->r, WIN + 36), 0);
	/* Ids 65..99 were never seen although their slots held 1..35. */
	for (uint32_t id = WIN + 1; id < WIN + 36; id++)
		assert_int_equal(offer_id(&f->r, id), 0);
	/* 37..64 are still seen and in the window. */
	assert_int_equal(offer_id(&f->r, 37), RV_ERR_REPLAY);
	assert_int_equal(offer_id(&f->r, WIN), RV_ERR_REPLAY);
	assert_int_equal(offer_id(&f->r, 36), RV_ERR_REPLAY);      /* too old now */
}

/* A jump of the window or more clears everything. */
static void
test_jump_beyond_window(void **state)
{
	struct fixture *f = *state;
	bool newest = false;

	for (uint32_t id = 1; id <= WIN; id++)
		assert_int_equal(offer_id(&f->r, id), 0);
	assert_int_equal(offer(&f->r, 2 * WIN, T0, NOW, &newest), 0);
	assert_true(newest);
	for (uint32_t id = WIN + 1; id < 2 * WIN; id++)
		assert_int_equal(offer_id(&f->r, id), 0);
	assert_int_equal(offer_id(&f->r, WIN), RV_ERR_REPLAY);

	assert_int_equal(offer(&f->r, 1000000, T0, NOW, &newest), 0);
	assert_true(newest);
	assert_int_equal(offer_id(&f->r, 999999), 0);
	assert_int_equal(offer_id(&f->r, 1000000 - WIN + 1), 0);
	assert_int_equal(offer_id(&f->r, 1000000 - WIN), RV_ERR_REPLAY);
	assert_int_equal(offer_id(&f->r, 2 * WIN), RV_ERR_REPLAY);
	assert_int_equal(offer_id(&f->r, 1000001), 0);
}

/* The top of the id space: nothing wraps around to look new. */
static void
test_top_of_id_space(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(offer_id(&f->r, UINT32_MAX - 10), 0);
	assert_int_equal(offer_id(&f->r, UINT32_MAX), 0);
	assert_int_equal(offer_id(&f->r, UINT32_MAX - 1), 0);
	assert_int_equal(offer_id(&f->r, UINT32_MAX), RV_ERR_REPLAY);
	assert_int_equal(offer_id(&f->r, 1), RV_ERR_REPLAY);
	assert_int_equal(offer_id(&f->r, 30), RV_ERR_REPLAY);
	/* Only a newer time starts over. */
	assert_int_equal(offer(&f->r, 1, T0 + 1, NOW, NULL), 0);
}

/* The largest window works at its edge. */
static void
test_max_window(void **state)
{
	struct rv_replay r;

	assert_int_equal(rv_replay_init(&r, RV_REPLAY_WINDOW_MAX, BACKTRACK, false), 0);
	assert_int_equal(offer_id(&r, 1), 0);
	assert_int_equal(offer_id(&r, RV_REPLAY_WINDOW_MAX + 1), 0);
	assert_int_equal(offer_id(&r, 1), RV_ERR_REPLAY);
	assert_int_equal(offer_id(&r, 2), 0);
	assert_int_equal(offer_id(&r, 2), RV_ERR_REPLAY);
	assert_int_equal(offer_id(&r, 1000000), 0);
	assert_int_equal(offer_id(&r, 1000000 - RV_REPLAY_WINDOW_MAX + 1), 0);
	assert_int_equal(offer_id(&r, 1000000 - RV_REPLAY_WINDOW_MAX), RV_ERR_REPLAY);
	rv_replay_clear(&r);
}

/* --- reset ------------------------------------------------------------------ */

static void
test_reset(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(offer_id(&f->r, 7), 0);
	assert_int_equal(offer_id(&f->r, 9), 0);
	rv_replay_reset(&f->r);
	/* New keys: the same ids and even an older time are fresh again. */
	assert_int_equal(offer(&f->r, 7, T0 - 5, NOW, NULL), 0);
	assert_int_equal(offer(&f->r, 9, T0 - 5, NOW, NULL), 0);
	assert_int_equal(offer(&f->r, 9, T0 - 5, NOW, NULL), RV_ERR_REPLAY);
	/* Statistics survive a reset. */
	assert_int_equal(f->r.accepted, 4);
	assert_int_equal(f->r.refused, 1);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup_default, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_range),
		T(test_in_order),
		T(test_reordered_within_window),
		T(test_duplicate),
		T(test_too_old),
		T(test_backtrack_expires),
		T(test_backtrack_per_gap),
		cmocka_unit_test(test_backtrack_zero),
		T(test_newer_time_new_sequence),
		T(test_older_time_refused),
		T(test_reordered_first_packets),
		T(test_reordered_after_restart),
		T(test_id_zero),
		cmocka_unit_test(test_strict_linear),
		cmocka_unit_test(test_strict_first_packet),
		cmocka_unit_test(test_disabled),
		T(test_newest),
		T(test_jump_within_window),
		T(test_jump_beyond_window),
		T(test_top_of_id_space),
		cmocka_unit_test(test_max_window),
		T(test_reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
