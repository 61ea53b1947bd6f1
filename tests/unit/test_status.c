/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for status.c: the formatters against status files that a real
 * openvpn 2.6.14 server (two clients, CN client1 and client2, --server-ipv6)
 * and one of its clients wrote (tests/unit/fixtures/status/, captured by
 * capture.sh there). Each model below holds the values that capture
 * shows (addresses, byte counts, times, routing-table order), so the output
 * must equal the file byte for byte. The capture ran with TZ=UTC.
 */
#include "status.h"

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

static const char title[] = "OpenVPN 2.6.14 x86_64-pc-linux-gnu [SSL (OpenSSL)] [LZO] [LZ4] "
    "[EPOLL] [PKCS11] [MH/PKTINFO] [AEAD] [DCO]";

struct out {
	char text[8192];
	size_t len;
	int lines;
};

static void
collect(void *arg, const char *line)
{
	struct out *o = arg;
	int n = snprintf(o->text + o->len, sizeof(o->text) - o->len, "%s\n", line);

	assert_true(n > 0 && (size_t)n < sizeof(o->text) - o->len);
	o->len += (size_t)n;
	o->lines++;
}

static char *
fixture(const char *name)
{
	const char *top = getenv("TOP_SRCDIR");
	char path[512];
	static char text[8192];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/tests/unit/fixtures/status/%s", top != NULL ? top : ".",
	    name);
	f = fopen(path, "r");
	if (f == NULL)
		fail_msg("cannot open fixture %s (set TOP_SRCDIR)", path);
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	return text;
}

/* server-v1.txt */
static void
test_server_v1(void **state)
{
	const struct rv_status_client clients[] = {
		{ .common_name = "client1", .real_addr = "192.168.241.2:52704", .bytes_rx = 3957,
		  .bytes_tx = 4769, .connected_since = 1796434922 },
		{ .common_name = "client2", .real_addr = "192.168.241.2:55931", .bytes_rx = 3850,
		  .bytes_tx = 4661, .connected_since = 1796434922 },
	};
	const struct rv_status_route routes[] = {
		{ "fd00:8::1001", false, "client2", "192.168.241.2:55931", 1796434922 },
		{ "10.8.0.2", false, "client1", "192.168.241.2:52704", 1796434922 },
		{ "fd00:8::1000", false, "client1", "192.168.241.2:52704", 1796434922 },
		{ "10.8.0.3", false, "client2", "192.168.241.2:55931", 1796434922 },
	};
	const struct rv_status_server s = {
		.title = title, .now = 1796434924, .clients = clients, .nclients = 2,
		.routes = routes, .nroutes = 4, .has_bcast_queue = true,
	};
	struct out o = { 0 };

	(void)state;
	rv_status_format_server(&s, 1, collect, &o);
	assert_string_equal(o.text, fixture("server-v1.txt"));
	/* No argument to the management command means version 1. */
	o = (struct out){ 0 };
	rv_status_format_server(&s, 0, collect, &o);
	assert_string_equal(o.text, fixture("server-v1.txt"));
}

/* server-v2.txt and server-v3.txt: the same model in both separators. */
static void
server_v23(int version, const char *name, time_t now, const unsigned *ports,
    const time_t *since, const uint64_t *rx, const time_t *ref, const int *order)
{
	const struct rv_status_client all[] = {
		{ .common_name = "client1", .virt4 = "10.8.0.2", .virt6 = "fd00:8::1000",
		  .bytes_rx = rx[0], .bytes_tx = 4769, .connected_since = since[0],
		  .client_id = 0, .peer_id = 0, .cipher = "AES-256-GCM" },
		{ .common_name = "client2", .virt4 = "10.8.0.3", .virt6 = "fd00:8::1001",
		  .bytes_rx = rx[1], .bytes_tx = 4661, .connected_since = since[1],
		  .client_id = 1, .peer_id = 1, .cipher = "AES-256-GCM" },
	};
	char addr[2][32];
	struct rv_status_client clients[2];
	struct rv_status_route routes[4];
	struct out o = { 0 };

	for (int i = 0; i < 2; i++) {
		snprintf(addr[i], sizeof(addr[i]), "192.168.241.2:%u", ports[i]);
		clients[i] = all[order[i]];
		clients[i].real_addr = addr[order[i]];
	}
	for (int i = 0; i < 4; i++) {
		int c = order[2 + i] & 1;
		bool v6 = order[2 + i] >= 2;

		routes[i] = (struct rv_status_route){ v6 ? all[c].virt6 : all[c].virt4, false,
		    all[c].common_name, addr[c], ref[i] };
	}
	struct rv_status_server s = {
		.title = title, .now = now, .clients = clients, .nclients = 2,
		.routes = routes, .nroutes = 4, .has_bcast_queue = true,
	};
	rv_status_format_server(&s, version, collect, &o);
	assert_string_equal(o.text, fixture(name));
}

static void
test_server_v2(void **state)
{
	/* clients in the order client2, client1; routes v6 c2, v4 c2, v6 c1, v4 c1 */
	const unsigned ports[] = { 60429, 44516 };
	const time_t since[] = { 1796434926, 1796434927 };
	const uint64_t rx[] = { 3958, 3848 };
	const time_t ref[] = { 1796434927, 1796434927, 1796434926, 1796434927 };
	const int order[] = { 1, 0, 3, 1, 2, 0 };

	(void)state;
	server_v23(2, "server-v2.txt", 1796434929, ports, since, rx, ref, order);
}

static void
test_server_v3(void **state)
{
	const unsigned ports[] = { 45151, 38280 };
	const time_t since[] = { 1796434930, 1796434931 };
	const uint64_t rx[] = { 3958, 3850 };
	const time_t ref[] = { 1796434930, 1796434931, 1796434931, 1796434931 };
	const int order[] = { 0, 1, 2, 3, 0, 1 };

	(void)state;
	server_v23(3, "server-v3.txt", 1796434933, ports, since, rx, ref, order);
}

/* Empty columns, UNDEF names, a cached iroute, no mbuf line, the version
 * error. */
static void
test_server_edges(void **state)
{
	const struct rv_status_client c = { .real_addr = "10.0.0.1:1194", .peer_id = UINT32_MAX,
	    .cipher = "CHACHA20-POLY1305", .client_id = 7, .connected_since = 0 };
	const struct rv_status_route r = { "10.9.0.0/24", true, NULL, "10.0.0.1:1194", 0 };
	struct rv_status_server s = { .title = "t", .now = 0, .clients = &c, .nclients = 1,
	    .routes = &r, .nroutes = 1, .dco = true };
	struct out o = { 0 };

	(void)state;
	rv_status_format_server(&s, 2, collect, &o);
	assert_non_null(strstr(o.text, "CLIENT_LIST,UNDEF,10.0.0.1:1194,,,0,0,1970-01-01 00:00:00,"
	    "0,UNDEF,7,4294967295,CHACHA20-POLY1305\n"));
	assert_non_null(strstr(o.text, "ROUTING_TABLE,10.9.0.0/24C,UNDEF,10.0.0.1:1194,"));
	assert_null(strstr(o.text, "Max bcast"));
	assert_non_null(strstr(o.text, "GLOBAL_STATS,dco_enabled,1\nEND\n"));
	o = (struct out){ 0 };
	rv_status_format_server(&s, 4, collect, &o);
	assert_string_equal(o.text, "ERROR: bad status format version number\n");
	assert_int_equal(o.lines, 1);
}

/* client.txt: the statistics block, without compression lines. */
static void
test_link(void **state)
{
	struct rv_status_link l = { .tun_read = 132, .tun_write = 84, .link_read = 4795,
	    .link_write = 3972, .auth_read = 84 };
	struct out o = { 0 };

	(void)state;
	rv_status_format_link(&l, 1796434933, collect, &o);
	assert_string_equal(o.text, fixture("client.txt"));
	l.has_comp = true;
	l.pre_compress = 1;
	l.post_decompress = 4;
	o = (struct out){ 0 };
	rv_status_format_link(&l, 1796434933, collect, &o);
	assert_non_null(strstr(o.text, "Auth read bytes,84\npre-compress bytes,1\n"
	    "post-compress bytes,0\npre-decompress bytes,0\npost-decompress bytes,4\nEND\n"));
}

/* The file: rewritten in place, shorter reports truncate it. */
static int nlines;

static void
report(void *arg, int version, rv_status_emit_fn *emit, void *emit_arg)
{
	(void)arg;
	(void)version;
	for (int i = 0; i < nlines; i++)
		emit(emit_arg, "line");
}

static void
test_file(void **state)
{
	char path[] = "/tmp/test_status.XXXXXX", buf[256];
	struct rv_status_file f;
	FILE *fp;
	size_t n;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(rv_status_file_open(&f, path, 0, 1), 0);
	assert_int_equal(f.secs, RV_STATUS_DEFAULT_SECS);
	f.src = (struct rv_status_source){ report, NULL };
	nlines = 3;
	assert_int_equal(rv_status_file_write(&f), 0);
	nlines = 1;
	assert_int_equal(rv_status_file_write(&f), 0);
	fp = fopen(path, "r");
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	assert_string_equal(buf, "line\n");
	rv_status_file_close(&f);
	unlink(path);
	assert_int_equal(rv_status_file_open(&f, "/nonexistent/dir/x", 5, 1), RV_ERR_SYSTEM);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_server_v1),
		cmocka_unit_test(test_server_v2),
		cmocka_unit_test(test_server_v3),
		cmocka_unit_test(test_server_edges),
		cmocka_unit_test(test_link),
		cmocka_unit_test(test_file),
	};

	setenv("TZ", "UTC", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
