/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for pool.c, the server's address pool (wire facts 12): net30
 * blocks and single addresses, preference for a common name's last
 * address, exhaustion, the IPv6 side (openvpn's sizes and start), and the
 * "CN,IPv4,IPv6" persistence file.
 */
#include "pool.h"

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "err.h"

static struct in_addr
ip(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static const char *
str(struct in_addr a, char buf[static INET_ADDRSTRLEN])
{
	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

/* server 10.8.0.0/24, topology subnet: 10.8.0.2 .. 10.8.0.254. */
static void
test_subnet(void **state)
{
	struct rv_pool p;
	char b[INET_ADDRSTRLEN];
	size_t i, j;

	(void)state;
	assert_int_equal(rv_pool_init(&p, ip("10.8.0.2"), ip("10.8.0.254"), false), 0);
	assert_int_equal(p.n, 253);
	assert_int_equal(rv_pool_acquire(&p, "alice", true, &i), 0);
	assert_string_equal(str(rv_pool_addr(&p, i), b), "10.8.0.2");
	assert_int_equal(rv_pool_acquire(&p, "bob", true, &j), 0);
	assert_string_equal(str(rv_pool_addr(&p, j), b), "10.8.0.3");
	assert_int_equal(rv_pool_used(&p), 2);
	/* alice leaves and comes back: her address again, even after bob's
	 * next connection took a fresh one. */
	rv_pool_release(&p, i);
	assert_int_equal(rv_pool_acquire(&p, "carol", true, &j), 0);
	assert_string_equal(str(rv_pool_addr(&p, j), b), "10.8.0.4");
	assert_int_equal(rv_pool_acquire(&p, "alice", true, &i), 0);
	assert_string_equal(str(rv_pool_addr(&p, i), b), "10.8.0.2");
	rv_pool_clear(&p);
}

/* server 10.8.0.0/24, net30: blocks from 10.8.0.4, client .6, peer .5. */
static void
test_net30(void **state)
{
	struct rv_pool p;
	char b[INET_ADDRSTRLEN];
	size_t i;

	(void)state;
	assert_int_equal(rv_pool_init(&p, ip("10.8.0.4"), ip("10.8.0.251"), true), 0);
	assert_int_equal(p.n, 62);
	assert_int_equal(rv_pool_acquire(&p, "a", true, &i), 0);
	assert_string_equal(str(rv_pool_addr(&p, i), b), "10.8.0.6");
	assert_string_equal(str(rv_pool_peer(&p, i), b), "10.8.0.5");
	assert_int_equal(rv_pool_acquire(&p, "b", true, &i), 0);
	assert_string_equal(str(rv_pool_addr(&p, i), b), "10.8.0.10");
	assert_string_equal(str(rv_pool_peer(&p, i), b), "10.8.0.9");
	/* Only a block's client address names it. */
	assert_int_equal(rv_pool_acquire_addr(&p, ip("10.8.0.13"), "c", &i), RV_ERR_NOTFOUND);
	assert_int_equal(rv_pool_acquire_addr(&p, ip("10.8.0.14"), "c", &i), 0);
	assert_int_equal(i, 2);
	assert_int_equal(rv_pool_acquire_addr(&p, ip("10.8.0.14"), "d", &i), RV_ERR_LIMIT);
	rv_pool_clear(&p);
}

static void
test_exhausted(void **state)
{
	struct rv_pool p;
	size_t i;

	(void)state;
	assert_int_equal(rv_pool_init(&p, ip("10.8.0.2"), ip("10.8.0.3"), false), 0);
	assert_int_equal(rv_pool_acquire(&p, "a", false, &i), 0);
	assert_int_equal(rv_pool_acquire(&p, "a", false, &i), 0);
	assert_int_equal(rv_pool_acquire(&p, "a", false, &i), RV_ERR_LIMIT);
	rv_pool_release(&p, 0);
	assert_int_equal(rv_pool_acquire(&p, "z", false, &i), 0);
	assert_int_equal(i, 0);
	rv_pool_clear(&p);
	/* Empty ranges are refused. */
	assert_int_equal(rv_pool_init(&p, ip("10.8.0.3"), ip("10.8.0.2"), false), RV_ERR_RANGE);
	assert_int_equal(rv_pool_init(&p, ip("10.8.0.4"), ip("10.8.0.6"), true), RV_ERR_RANGE);
}

static void
test_persist(void **state)
{
	char path[] = "/tmp/test_pool_XXXXXX", b[INET_ADDRSTRLEN], line[128];
	struct rv_pool p, q;
	size_t i;
	FILE *f;
	int fd;

	(void)state;
	assert_true((fd = mkstemp(path)) >= 0);
	close(fd);
	assert_int_equal(rv_pool_init(&p, ip("10.8.0.2"), ip("10.8.0.254"), false), 0);
	assert_int_equal(rv_pool_acquire(&p, "client1", true, &i), 0);
	assert_int_equal(rv_pool_acquire(&p, "client2", true, &i), 0);
	assert_int_equal(rv_pool_save(&p, path), 0);
	assert_non_null(f = fopen(path, "r"));
	assert_non_null(fgets(line, sizeof(line), f));
	assert_string_equal(line, "client1,10.8.0.2,\n");
	assert_non_null(fgets(line, sizeof(line), f));
	assert_string_equal(line, "client2,10.8.0.3,\n");
	fclose(f);
	/* openvpn's own lines (with an IPv6 field), junk, and addresses
	 * outside the pool. */
	assert_non_null(f = fopen(path, "a"));
	fputs("client9,10.8.0.77,fd00::1000\nno-comma\n,10.8.0.5,\nfar,192.0.2.1,\n", f);
	fclose(f);
	assert_int_equal(rv_pool_init(&q, ip("10.8.0.2"), ip("10.8.0.254"), false), 0);
	assert_int_equal(rv_pool_load(&q, path), 0);
	assert_int_equal(rv_pool_acquire(&q, "client2", true, &i), 0);
	assert_string_equal(str(rv_pool_addr(&q, i), b), "10.8.0.3");
	assert_int_equal(rv_pool_acquire(&q, "client9", true, &i), 0);
	assert_string_equal(str(rv_pool_addr(&q, i), b), "10.8.0.77");
	/* A new name takes a never-used address, not client1's. */
	assert_int_equal(rv_pool_acquire(&q, "new", true, &i), 0);
	assert_string_equal(str(rv_pool_addr(&q, i), b), "10.8.0.4");
	unlink(path);
	/* A missing file is no error. */
	assert_int_equal(rv_pool_load(&q, path), 0);
	rv_pool_clear(&p);
	rv_pool_clear(&q);
}

static struct in6_addr
ip6(const char *s)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

static const char *
str6(struct in6_addr a, char buf[static INET6_ADDRSTRLEN])
{
	return inet_ntop(AF_INET6, &a, buf, INET6_ADDRSTRLEN);
}

/* --server 10.8.0.0/24 subnet and --server-ipv6 fd00:6::/64: entry i is
 * 10.8.0.2+i and fd00:6::1000+i; the IPv4 side (253) sets the size. */
static void
test_dual(void **state)
{
	struct in6_addr base = ip6("fd00:6::1000");
	char b[INET6_ADDRSTRLEN];
	struct rv_pool p;
	size_t i;

	(void)state;
	assert_int_equal(rv_pool_init(&p, ip("10.8.0.2"), ip("10.8.0.254"), false), 0);
	assert_int_equal(rv_pool_init6(&p, &base, 64), 0);
	assert_int_equal(p.n, 253);
	assert_int_equal(rv_pool_acquire(&p, "a", true, &i), 0);
	assert_int_equal(rv_pool_acquire(&p, "b", true, &i), 0);
	assert_string_equal(str(rv_pool_addr(&p, i), b), "10.8.0.3");
	assert_string_equal(str6(rv_pool_addr6(&p, i), b), "fd00:6::1001");
	rv_pool_clear(&p);
	/* A /120 IPv6 side from ::2 has 254 addresses: it limits a /16. */
	base = ip6("fd00:6::2");
	assert_int_equal(rv_pool_init(&p, ip("10.8.0.2"), ip("10.8.255.254"), false), 0);
	assert_int_equal(rv_pool_init6(&p, &base, 120), 0);
	assert_int_equal(p.n, 254);
	rv_pool_clear(&p);
}

/* IPv6 only: 65536 entries below /112; a base of all-zero host bits
 * starts at ::1; too small is refused. */
static void
test_v6_only(void **state)
{
	struct in6_addr base = ip6("2001:db8:1::");
	char b[INET6_ADDRSTRLEN];
	struct rv_pool p;
	size_t i;

	(void)state;
	memset(&p, 0, sizeof(p));
	assert_int_equal(rv_pool_init6(&p, &base, 64), 0);
	assert_int_equal(p.n, 65536);
	assert_int_equal(rv_pool_acquire(&p, "a", true, &i), 0);
	assert_string_equal(str6(rv_pool_addr6(&p, i), b), "2001:db8:1::1");
	rv_pool_clear(&p);
	base = ip6("2001:db8:1::ff00");
	assert_int_equal(rv_pool_init6(&p, &base, 120), 0);
	assert_int_equal(p.n, 255);
	assert_int_equal(rv_pool_acquire(&p, "a", true, &i), 0);
	assert_string_equal(str6(rv_pool_addr6(&p, i), b), "2001:db8:1::ff01");
	rv_pool_clear(&p);
	base = ip6("2001:db8:1::f");
	assert_int_equal(rv_pool_init6(&p, &base, 124), RV_ERR_RANGE);
	rv_pool_clear(&p);
}

/* "CN,IPv4,IPv6" lines; an IPv6-only pool finds entries by the IPv6
 * address ("CN,,IPv6"). */
static void
test_persist6(void **state)
{
	char path[] = "/tmp/test_pool6_XXXXXX", b[INET6_ADDRSTRLEN], line[128];
	struct in6_addr base = ip6("fd00:6::1000");
	struct rv_pool p, q;
	size_t i;
	FILE *f;
	int fd;

	(void)state;
	assert_true((fd = mkstemp(path)) >= 0);
	close(fd);
	assert_int_equal(rv_pool_init(&p, ip("10.8.0.2"), ip("10.8.0.254"), false), 0);
	assert_int_equal(rv_pool_init6(&p, &base, 64), 0);
	assert_int_equal(rv_pool_acquire(&p, "Test-Client", true, &i), 0);
	assert_int_equal(rv_pool_save(&p, path), 0);
	assert_non_null(f = fopen(path, "r"));
	assert_non_null(fgets(line, sizeof(line), f));
	assert_string_equal(line, "Test-Client,10.8.0.2,fd00:6::1000\n");
	fclose(f);
	assert_non_null(f = fopen(path, "w"));
	fputs("v6,,fd00:6::1004\nbad6,,fd00:7::1005\n", f);
	fclose(f);
	memset(&q, 0, sizeof(q));
	assert_int_equal(rv_pool_init6(&q, &base, 64), 0);
	assert_int_equal(rv_pool_load(&q, path), 0);
	assert_int_equal(rv_pool_acquire(&q, "v6", true, &i), 0);
	assert_string_equal(str6(rv_pool_addr6(&q, i), b), "fd00:6::1004");
	assert_int_equal(rv_pool_acquire(&q, "bad6", true, &i), 0);
	assert_int_equal(i, 0);
	assert_int_equal(rv_pool_save(&q, path), 0);
	assert_non_null(f = fopen(path, "r"));
	assert_non_null(fgets(line, sizeof(line), f));
	assert_string_equal(line, "bad6,,fd00:6::1000\n");
	fclose(f);
	unlink(path);
	rv_pool_clear(&p);
	rv_pool_clear(&q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_subnet),
		cmocka_unit_test(test_net30),
		cmocka_unit_test(test_exhausted),
		cmocka_unit_test(test_persist),
		cmocka_unit_test(test_dual),
		cmocka_unit_test(test_v6_only),
		cmocka_unit_test(test_persist6),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
