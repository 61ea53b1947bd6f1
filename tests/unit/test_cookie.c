/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for cookie.c (wire facts 3.2): a cookie depends on the client's
 * address, port and session id and on the time slot; it is accepted for
 * slots -2 .. +1 around now; a fresh key makes different cookies. And the
 * rate limit's fixed window.
 */
#include "cookie.h"

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "clock.h"

static void
v4(struct rv_sockaddr *a, const char *ip, uint16_t port)
{
	memset(a, 0, sizeof(*a));
	a->u.in4.sin_family = AF_INET;
	a->u.in4.sin_port = htons(port);
	inet_pton(AF_INET, ip, &a->u.in4.sin_addr);
	a->len = sizeof(a->u.in4);
}

static const uint8_t csid[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

static void
test_depends(void **state)
{
	struct rv_cookie c, other;
	struct rv_sockaddr a, port, host;
	uint8_t k[8], k2[8], sid2[8];

	(void)state;
	assert_int_equal(rv_cookie_init(&c, 60), 0);
	assert_int_equal(rv_cookie_init(&other, 60), 0);
	v4(&a, "192.0.2.1", 40000);
	v4(&port, "192.0.2.1", 40001);
	v4(&host, "192.0.2.2", 40000);
	memcpy(sid2, csid, 8);
	sid2[7] ^= 1;
	assert_int_equal(rv_cookie_make(&c, &a, csid, 1000, 0, k), 0);
	/* Same inputs, same cookie: the client's retransmitted reset gets the
	 * same answer. */
	assert_int_equal(rv_cookie_make(&c, &a, csid, 1000, 0, k2), 0);
	assert_memory_equal(k, k2, 8);
	assert_true(rv_cookie_check(&c, &a, csid, 1000, k));
	assert_false(rv_cookie_check(&c, &port, csid, 1000, k));
	assert_false(rv_cookie_check(&c, &host, csid, 1000, k));
	assert_false(rv_cookie_check(&c, &a, sid2, 1000, k));
	assert_false(rv_cookie_check(&other, &a, csid, 1000, k));
	k2[0] = k[0] ^ 0x80;
	memcpy(&k2[1], &k[1], 7);
	assert_false(rv_cookie_check(&c, &a, csid, 1000, k2));
	rv_cookie_clear(&c);
	rv_cookie_clear(&other);
}

/* hand-window 60: slots of 30 s; made in slot s, good while now is in
 * slots s-1 .. s+2. */
static void
test_slots(void **state)
{
	struct rv_cookie c;
	struct rv_sockaddr a;
	uint8_t k[8];

	(void)state;
	assert_int_equal(rv_cookie_init(&c, 60), 0);
	v4(&a, "198.51.100.7", 1194);
	assert_int_equal(rv_cookie_make(&c, &a, csid, 3000, 0, k), 0);   /* slot 100 */
	assert_true(rv_cookie_check(&c, &a, csid, 3000, k));
	assert_true(rv_cookie_check(&c, &a, csid, 3029, k));
	assert_true(rv_cookie_check(&c, &a, csid, 3089, k));              /* slot 102 */
	assert_false(rv_cookie_check(&c, &a, csid, 3090, k));             /* slot 103 */
	assert_true(rv_cookie_check(&c, &a, csid, 2970, k));              /* slot 99 */
	assert_false(rv_cookie_check(&c, &a, csid, 2969, k));             /* slot 98 */
	rv_cookie_clear(&c);
}

static void
test_rate(void **state)
{
	struct rv_rate r;
	uint64_t t = rv_sec(100);

	(void)state;
	rv_rate_init(&r, 3, rv_sec(10));
	assert_true(rv_rate_allow(&r, t));
	assert_true(rv_rate_allow(&r, t + 1));
	assert_true(rv_rate_allow(&r, t + rv_sec(9)));
	assert_false(rv_rate_allow(&r, t + rv_sec(9)));
	assert_true(rv_rate_allow(&r, t + rv_sec(10)));
	rv_rate_init(&r, 0, rv_sec(10));
	for (int i = 0; i < 1000; i++)
		assert_true(rv_rate_allow(&r, t));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_depends),
		cmocka_unit_test(test_slots),
		cmocka_unit_test(test_rate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
