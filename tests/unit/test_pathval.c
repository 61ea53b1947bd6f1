/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for pathval.c, a server's validation of a roaming client's new
 * address: a candidate until it echoes the challenge; at most 3x what it
 * sent goes to it meanwhile; a wrong echo or one from another address does
 * not validate; a newer move restarts with a new challenge; the deadline
 * ends the validation; home is where the client was last validated.
 */
#include "pathval.h"

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "err.h"

static void
v4(struct rv_sockaddr *a, const char *ip, uint16_t port)
{
	memset(a, 0, sizeof(*a));
	a->u.in4.sin_family = AF_INET;
	a->u.in4.sin_port = htons(port);
	inet_pton(AF_INET, ip, &a->u.in4.sin_addr);
	a->len = sizeof(a->u.in4);
}

enum { MS = 1000000 };

static void
test_validate(void **state)
{
	struct rv_pathval pv;
	struct rv_sockaddr home, cand;
	uint8_t echo[RV_ROAM_NONCE_LEN];

	(void)state;
	v4(&home, "198.18.1.4", 40000);
	v4(&cand, "198.18.2.5", 40000);
	rv_pathval_init(&pv, &home);
	assert_true(rv_pathval_is_home(&pv, &home));
	assert_false(rv_pathval_is_home(&pv, &cand));
	assert_true(rv_pathval_may_send(&pv, 100000));   /* not validating: no limit */

	assert_int_equal(rv_pathval_begin(&pv, &cand, 1200, 10 * MS, 3000ull * MS), 0);
	assert_true(pv.validating);
	assert_false(rv_pathval_is_home(&pv, &cand));
	memcpy(echo, pv.challenge, sizeof(echo));
	/* a wrong echo, or the right one from elsewhere, validates nothing */
	echo[0] ^= 1;
	assert_false(rv_pathval_answered(&pv, &cand, echo, 20 * MS));
	echo[0] ^= 1;
	assert_false(rv_pathval_answered(&pv, &home, echo, 20 * MS));
	assert_true(pv.validating);
	assert_true(rv_pathval_answered(&pv, &cand, echo, 21 * MS));
	assert_false(pv.validating);
	assert_true(rv_pathval_is_home(&pv, &cand));
	assert_int_equal(pv.validated, 1);
	assert_int_equal(pv.last_delay_ns, 11 * MS);
	/* answered twice: nothing more */
	assert_false(rv_pathval_answered(&pv, &cand, echo, 22 * MS));
	assert_int_equal(pv.moves, 1);
}

static void
test_amplification(void **state)
{
	struct rv_pathval pv;
	struct rv_sockaddr home, cand, other;

	(void)state;
	v4(&home, "198.18.1.4", 40000);
	v4(&cand, "198.18.2.5", 40000);
	v4(&other, "203.0.113.9", 40000);
	rv_pathval_init(&pv, &home);
	assert_int_equal(rv_pathval_begin(&pv, &cand, 100, 0, 3000ull * MS), 0);
	/* 3 x 100 bytes, then nothing */
	assert_true(rv_pathval_may_send(&pv, 150));
	assert_true(rv_pathval_may_send(&pv, 150));
	assert_false(rv_pathval_may_send(&pv, 1));
	assert_int_equal(pv.limited, 1);
	/* bytes from elsewhere give no budget; from the candidate they do */
	rv_pathval_received(&pv, &other, 1000);
	assert_false(rv_pathval_may_send(&pv, 1));
	rv_pathval_received(&pv, &cand, 50);
	assert_true(rv_pathval_may_send(&pv, 150));
	assert_false(rv_pathval_may_send(&pv, 1));
	assert_int_equal(pv.tx, 450);
	assert_int_equal(pv.limited, 3);
}

static void
test_expiry_and_restart(void **state)
{
	struct rv_pathval pv;
	struct rv_sockaddr home, cand, cand2;
	uint8_t first[RV_ROAM_NONCE_LEN];

	(void)state;
	v4(&home, "198.18.1.4", 40000);
	v4(&cand, "198.18.2.5", 40000);
	v4(&cand2, "198.18.2.5", 40001);
	rv_pathval_init(&pv, &home);
	assert_int_equal(rv_pathval_begin(&pv, &cand, 1200, 0, 3000ull * MS), 0);
	memcpy(first, pv.challenge, sizeof(first));
	assert_false(rv_pathval_expired(&pv, 2999ull * MS));
	/* a newer move (NAT rebinding) restarts with a new challenge: the old
	 * one no longer validates */
	assert_int_equal(rv_pathval_begin(&pv, &cand2, 1200, 100 * MS, 3000ull * MS), 0);
	assert_memory_not_equal(first, pv.challenge, sizeof(first));
	assert_false(rv_pathval_answered(&pv, &cand2, first, 101 * MS));
	assert_false(rv_pathval_expired(&pv, 3000ull * MS));
	assert_true(rv_pathval_expired(&pv, 3100ull * MS));
	assert_false(pv.validating);
	assert_int_equal(pv.failed, 1);
	/* home stays where the client was last validated */
	assert_true(rv_pathval_is_home(&pv, &home));
	assert_false(rv_pathval_expired(&pv, 9000ull * MS));
	/* settling (a client without validation, or back home) ends it too */
	assert_int_equal(rv_pathval_begin(&pv, &cand, 10, 0, 3000ull * MS), 0);
	rv_pathval_settle(&pv, &cand);
	assert_false(pv.validating);
	assert_true(rv_pathval_is_home(&pv, &cand));
	assert_true(rv_pathval_may_send(&pv, 100000));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_validate),
		cmocka_unit_test(test_amplification),
		cmocka_unit_test(test_expiry_and_restart),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
