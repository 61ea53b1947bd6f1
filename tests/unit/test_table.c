/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for table.c, the server's hash tables: insert, find, remove,
 * many entries, address keys (port and family matter).
 */
#include "table.h"

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

struct item {
	int value;
	struct rv_tnode node;
};

static void
test_basic(void **state)
{
	struct rv_table t;
	struct item a = { .value = 1 }, b = { .value = 2 };
	struct rv_tnode *n;

	(void)state;
	assert_int_equal(rv_table_init(&t, 4), 0);
	rv_table_insert(&t, &a.node, "sid-aaaa", 8);
	rv_table_insert(&t, &b.node, "sid-bbbb", 8);
	assert_int_equal(t.count, 2);
	assert_non_null(n = rv_table_find(&t, "sid-aaaa", 8));
	assert_int_equal(rv_container_of(n, struct item, node)->value, 1);
	assert_non_null(n = rv_table_find(&t, "sid-bbbb", 8));
	assert_int_equal(rv_container_of(n, struct item, node)->value, 2);
	assert_null(rv_table_find(&t, "sid-cccc", 8));
	assert_null(rv_table_find(&t, "sid-aaaa", 7));     /* length is part of the key */
	rv_table_remove(&t, &a.node);
	rv_table_remove(&t, &a.node);                      /* twice: no-op */
	assert_null(rv_table_find(&t, "sid-aaaa", 8));
	assert_non_null(rv_table_find(&t, "sid-bbbb", 8));
	assert_int_equal(t.count, 1);
	rv_table_clear(&t);
}

/* Many entries in few buckets: every one found, removal of every other. */
static void
test_many(void **state)
{
	enum { N = 5000 };
	static struct item items[N];
	struct rv_table t;
	uint32_t k;

	(void)state;
	assert_int_equal(rv_table_init(&t, 100), 0);
	for (int i = 0; i < N; i++) {
		items[i].value = i;
		k = htonl(0x0a080000u + (uint32_t)i);
		rv_table_insert(&t, &items[i].node, &k, sizeof(k));
	}
	for (int i = 0; i < N; i += 2)
		rv_table_remove(&t, &items[i].node);
	for (int i = 0; i < N; i++) {
		struct rv_tnode *n;

		k = htonl(0x0a080000u + (uint32_t)i);
		n = rv_table_find(&t, &k, sizeof(k));
		if (i % 2 == 0)
			assert_null(n);
		else
			assert_int_equal(rv_container_of(n, struct item, node)->value, i);
	}
	assert_int_equal(t.count, N / 2);
	rv_table_clear(&t);
}

static void
v4(struct rv_sockaddr *a, const char *ip, uint16_t port)
{
	memset(a, 0, sizeof(*a));
	a->u.in4.sin_family = AF_INET;
	a->u.in4.sin_port = htons(port);
	inet_pton(AF_INET, ip, &a->u.in4.sin_addr);
	a->len = sizeof(a->u.in4);
}

static void
test_addr_key(void **state)
{
	struct rv_sockaddr a, b, c;
	uint8_t ka[RV_TABLE_KEY_MAX], kb[RV_TABLE_KEY_MAX], kc[RV_TABLE_KEY_MAX];
	size_t la, lb, lc;

	(void)state;
	v4(&a, "192.0.2.1", 1194);
	v4(&b, "192.0.2.1", 1195);
	v4(&c, "192.0.2.1", 1194);
	la = rv_table_addr_key(&a, ka);
	lb = rv_table_addr_key(&b, kb);
	lc = rv_table_addr_key(&c, kc);
	assert_int_equal(la, 7);
	assert_true(la == lc && memcmp(ka, kc, la) == 0);
	assert_false(la == lb && memcmp(ka, kb, la) == 0);
	memset(&c, 0, sizeof(c));
	c.u.in6.sin6_family = AF_INET6;
	c.u.in6.sin6_port = htons(1194);
	c.len = sizeof(c.u.in6);
	assert_int_equal(rv_table_addr_key(&c, kc), 19);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_addr_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
