/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for options_server.c: the --server and --keepalive expansion
 * of openvpn 2.6's helper (wire facts 10, 12; OpenVPN's helper.c comment
 * lists the same), pool ranges per topology, the push order, and the
 * checks that refuse what makes no sense.
 */
#include "options_server.h"

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "err.h"
#include "options_check.h"

static const char tls[] = "ca ca.crt\ncert s.crt\nkey s.key\ndev tun\n";

static int
load(struct rv_options *o, const char *extra, char err[static RV_OPT_ERRLEN])
{
	char text[2048];
	int r;

	snprintf(text, sizeof(text), "%s%s", tls, extra);
	assert_int_equal(rv_options_init(o), 0);
	if ((r = rv_options_parse_text(o, "t.conf", text, strlen(text), err)) != 0)
		return r;
	return rv_options_check(o, err);
}

static const char *
ip(struct in_addr a)
{
	static char b[4][INET_ADDRSTRLEN];
	static int i;

	i = (i + 1) % 4;
	return inet_ntop(AF_INET, &a, b[i], sizeof(b[i]));
}

static void
assert_pushes(const struct rv_options *o, const char *const *want, size_t n)
{
	assert_int_equal(o->srv.npush, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(o->srv.push[i], want[i]);
}

/* net30 is 2.6's default topology. */
static void
test_server_net30(void **state)
{
	struct rv_options o;
	char err[RV_OPT_ERRLEN];
	static const char *const want[] = { "route 10.8.0.1", "topology net30", "ping 10",
	    "ping-restart 120" };

	(void)state;
	assert_int_equal(load(&o, "server 10.8.0.0 255.255.255.0\nkeepalive 10 120\n", err), 0);
	assert_true(o.srv.mode_server && o.tls_server && o.srv.has_pool);
	assert_int_equal(o.topology, RV_TOPO_NET30);
	assert_string_equal(o.ifconfig_local, "10.8.0.1");
	assert_string_equal(o.ifconfig_remote, "10.8.0.2");
	assert_string_equal(ip(o.srv.pool_lo), "10.8.0.4");
	assert_string_equal(ip(o.srv.pool_hi), "10.8.0.251");
	assert_int_equal(o.nroutes, 1);
	assert_string_equal(o.routes[0].network, "10.8.0.0");
	assert_string_equal(o.routes[0].netmask, "255.255.255.0");
	assert_string_equal(ip(o.routes[0].gw), "10.8.0.2");
	assert_pushes(&o, want, 4);
	/* keepalive in server mode: twice the timeout locally. */
	assert_int_equal(o.ping, 10);
	assert_int_equal(o.ping_restart, 240);
	rv_options_clear(&o);
}

static void
test_server_subnet(void **state)
{
	struct rv_options o;
	char err[RV_OPT_ERRLEN];
	static const char *const want[] = { "dhcp-option DNS 10.8.0.1", "route-gateway 10.8.0.1",
	    "topology subnet" };

	(void)state;
	assert_int_equal(load(&o, "push \"dhcp-option DNS 10.8.0.1\"\ntopology subnet\n"
	    "server 10.8.0.0 255.255.255.0\n", err), 0);
	assert_string_equal(o.ifconfig_local, "10.8.0.1");
	assert_string_equal(o.ifconfig_remote, "255.255.255.0");
	assert_true(o.ifconfig_is_mask);
	assert_string_equal(ip(o.srv.pool_lo), "10.8.0.2");
	assert_string_equal(ip(o.srv.pool_hi), "10.8.0.254");
	assert_string_equal(ip(o.srv.pool_netmask), "255.255.255.0");
	assert_int_equal(o.nroutes, 0);
	/* --push lines first, then the helper's. */
	assert_pushes(&o, want, 3);
	rv_options_clear(&o);
}

/* client-to-client pushes the whole network; /29 keeps no reserve; p2p
 * topology pushes no route. */
static void
test_server_variants(void **state)
{
	struct rv_options o;
	char err[RV_OPT_ERRLEN];
	static const char *const c2c[] = { "route 10.8.0.0 255.255.255.0", "topology net30" };
	static const char *const p2p[] = { "topology p2p" };

	(void)state;
	assert_int_equal(load(&o, "client-to-client\nserver 10.8.0.0 255.255.255.0\n", err), 0);
	assert_pushes(&o, c2c, 2);
	rv_options_clear(&o);
	assert_int_equal(load(&o, "server 10.9.0.0 255.255.255.248\n", err), 0);
	assert_string_equal(ip(o.srv.pool_lo), "10.9.0.4");
	assert_string_equal(ip(o.srv.pool_hi), "10.9.0.7");
	rv_options_clear(&o);
	assert_int_equal(load(&o, "topology p2p\nserver 10.8.0.0 255.255.255.0\n", err), 0);
	assert_pushes(&o, p2p, 1);
	rv_options_clear(&o);
	assert_int_equal(load(&o, "server 10.8.0.0 255.255.255.0 nopool\n", err), 0);
	assert_false(o.srv.has_pool);
	rv_options_clear(&o);
}

/* A server over TCP listens: plain tcp means tcp-server, in each family. */
static void
test_server_tcp(void **state)
{
	static const struct {
		const char *proto;
		enum rv_proto want;
	} cases[] = {
		{ "tcp", RV_PROTO_TCP_SERVER },
		{ "tcp4", RV_PROTO_TCP4_SERVER },
		{ "tcp6-server", RV_PROTO_TCP6_SERVER },
	};
	struct rv_options o;
	char err[RV_OPT_ERRLEN], text[128];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), "server 10.8.0.0 255.255.255.0\nproto %s\n",
		    cases[i].proto);
		assert_int_equal(load(&o, text, err), 0);
		assert_int_equal(o.proto, cases[i].want);
		rv_options_clear(&o);
	}
}

static void
test_refusals(void **state)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "server 10.8.0.0 255.255.255.252\n", "t.conf:5: server: with --dev tun the network must be /29" },
		{ "server 10.8.0.1 255.255.255.0\n", "is not a network and netmask" },
		{ "server 10.0.0.0 255.254.0.0\n", "too large" },
		{ "server 10.8.0.0 255.255.255.0\nifconfig-pool 10.8.0.10 10.8.0.20\n", "already defines the pool" },
		{ "client\nremote x\nserver 10.8.0.0 255.255.255.0\n", "cannot be combined with --client" },
		{ "push \"route 10.1.0.0 255.255.0.0\"\n", "needs --mode server" },
		{ "push \"a,b\"\n", "cannot contain a comma" },
		{ "mode server\n", "needs --tls-server" },
		{ "server 10.8.0.0 255.255.255.0\nclient-connect /bin/true\n", "needs --script-security 2" },
		{ "server 10.8.0.0 255.255.255.0\nscript-security 2\nauth-user-pass-verify /bin/true via-env\n",
		  "needs --script-security 3" },
		{ "verify-client-cert sometimes\n", "expects none, optional or require" },
		{ "max-clients 0\n", "max-clients" },
		{ "server-ipv6 fd00:6::/48\n", "between /64 and /124 (not /48)" },
		{ "server-ipv6 fd00:6::\n", "is not an IPv6 network" },
		{ "server-ipv6 fd00:6::/64\nifconfig-ipv6-pool fd00:6::100/64\n",
		  "ifconfig-ipv6-pool: --server-ipv6 already defines the IPv6 pool" },
		{ "server 10.8.0.0 255.255.255.0\nifconfig-ipv6-pool fd00:6::100/64\n",
		  "needs --ifconfig-ipv6" },
		{ "ifconfig-ipv6-pool fd00:6::100/64\n", "needs --mode server" },
		{ "server 10.8.0.0 255.255.255.0\nproto tcp-client\n",
		  "a server cannot be a tcp-client; use tcp-server" },
	};
	struct rv_options o;
	char err[RV_OPT_ERRLEN];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r = load(&o, cases[i].text, err);

		if (r != RV_ERR_FORMAT || strstr(err, cases[i].want) == NULL)
			fail_msg("case %zu: `%s': got %d `%s', want `%s'", i, cases[i].text, r, err,
			    cases[i].want);
		rv_options_clear(&o);
	}
}

/* --server-ipv6 as openvpn 2.6 expands it (seen with 2.6.14): the server
 * is NET+1/BITS with NET+2 as peer, the pool starts at NET+0x1000 (NET+2
 * from /112 on), "tun-ipv6" is pushed after --push and before the pushes
 * of --server. */
static void
test_server_ipv6(void **state)
{
	struct rv_options o;
	char err[RV_OPT_ERRLEN], b[INET6_ADDRSTRLEN];
	static const char *const want[] = { "route-ipv6 2001:db8::/32", "tun-ipv6",
	    "route-gateway 10.8.0.1", "topology subnet" };

	(void)state;
	assert_int_equal(load(&o, "push \"route-ipv6 2001:db8::/32\"\n"
	    "server 10.8.0.0 255.255.255.0\ntopology subnet\nserver-ipv6 fd00:6::/64\n", err), 0);
	assert_true(o.srv.mode_server && o.srv.has_pool && o.srv.has_pool6);
	assert_true(o.has_ifconfig6);
	assert_string_equal(inet_ntop(AF_INET6, &o.ifc6_local, b, sizeof(b)), "fd00:6::1");
	assert_int_equal(o.ifc6_bits, 64);
	assert_string_equal(inet_ntop(AF_INET6, &o.ifc6_remote, b, sizeof(b)), "fd00:6::2");
	assert_string_equal(inet_ntop(AF_INET6, &o.srv.pool6_base, b, sizeof(b)), "fd00:6::1000");
	assert_pushes(&o, want, 4);
	rv_options_clear(&o);
	/* Alone: an IPv6-only server; a /112 pool starts at NET+2. */
	assert_int_equal(load(&o, "server-ipv6 fd00:6::ab:0/112\n", err), 0);
	assert_true(o.srv.mode_server && o.tls_server && !o.srv.has_pool && o.srv.has_pool6);
	assert_string_equal(inet_ntop(AF_INET6, &o.srv.pool6_base, b, sizeof(b)), "fd00:6::ab:2");
	rv_options_clear(&o);
	/* By hand: --ifconfig-ipv6 and --ifconfig-ipv6-pool. */
	assert_int_equal(load(&o, "mode server\ntls-server\nifconfig-ipv6 fd00:9::1/64 fd00:9::2\n"
	    "ifconfig-ipv6-pool fd00:9::8:0/64\n", err), 0);
	assert_true(o.srv.has_pool6 && !o.srv.has_pool);
	assert_string_equal(inet_ntop(AF_INET6, &o.srv.pool6_base, b, sizeof(b)), "fd00:9::8:0");
	assert_int_equal(o.srv.pool6_bits, 64);
	rv_options_clear(&o);
}

/* A hand-made server: --mode server, --tls-server, --ifconfig and a pool. */
static void
test_mode_server(void **state)
{
	struct rv_options o;
	char err[RV_OPT_ERRLEN];

	(void)state;
	assert_int_equal(load(&o, "mode server\ntls-server\ntopology subnet\n"
	    "ifconfig 10.5.0.1 255.255.255.0\nifconfig-pool 10.5.0.50 10.5.0.99\n"
	    "ifconfig-pool-persist ipp.txt 30\nmax-clients 10\nduplicate-cn\n"
	    "connect-freq 5 10\nverify-client-cert optional\nusername-as-common-name\n", err), 0);
	assert_true(o.srv.mode_server && o.srv.has_pool && o.srv.duplicate_cn);
	assert_string_equal(ip(o.srv.pool_lo), "10.5.0.50");
	assert_string_equal(ip(o.srv.pool_hi), "10.5.0.99");
	assert_string_equal(o.srv.pool_persist, "ipp.txt");
	assert_int_equal(o.srv.pool_persist_secs, 30);
	assert_int_equal(o.srv.max_clients, 10);
	assert_int_equal(o.srv.connect_freq_n, 5);
	assert_int_equal(o.srv.connect_freq_sec, 10);
	assert_int_equal(o.srv.verify_client_cert, RV_VCC_OPTIONAL);
	assert_true(o.srv.username_as_common_name);
	assert_int_equal(o.srv.npush, 0);
	rv_options_clear(&o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_server_net30),
		cmocka_unit_test(test_server_subnet),
		cmocka_unit_test(test_server_variants),
		cmocka_unit_test(test_server_tcp),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_mode_server),
		cmocka_unit_test(test_server_ipv6),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
