/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for push.c: the PUSH_REPLY option lists a 2.6 server sends
 * (wire facts 8.2, verified live there and again for the vectors README),
 * multi-part replies (8.3), the error for each malformed applied option
 * with a message naming it, the skipped options and their one log line
 * each, and the refusal of pushed compression (7.4).
 */
#include "push.h"

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
#include "log.h"

static struct rv_push p;
static char err[RV_PUSH_ERRLEN];

static void
assert_ip(struct in_addr a, const char *want)
{
	char s[INET_ADDRSTRLEN];

	assert_non_null(inet_ntop(AF_INET, &a, s, sizeof(s)));
	assert_string_equal(s, want);
}

static void
test_init(void **state)
{
	(void)state;
	memset(&p, 0x5a, sizeof(p));
	rv_push_init(&p);
	assert_false(p.has_ifconfig);
	assert_false(p.has_topology);
	assert_int_equal(p.topology, RV_TOPO_UNSET);
	assert_false(p.has_route_gateway);
	assert_int_equal(p.nroutes, 0);
	assert_int_equal(p.ping, -1);
	assert_int_equal(p.ping_restart, -1);
	assert_false(p.has_peer_id);
	assert_string_equal(p.cipher, "");
	assert_int_equal(p.flags, 0);
	assert_int_equal(p.tun_mtu, 0);
	assert_false(p.more);
	assert_int_equal(p.ignored, 0);
	/* "PUSH_REPLY" alone: nothing pushed. */
	assert_int_equal(rv_push_parse(&p, "", err), 0);
	assert_string_equal(err, "");
	assert_int_equal(p.nroutes, 0);
	assert_int_equal(p.ignored, 0);
}

/* `server 10.8.0.0 255.255.255.0` + `keepalive 10 120`, topology subnet. */
static void
test_openvpn_subnet(void **state)
{
	(void)state;
	rv_push_init(&p);
	assert_int_equal(rv_push_parse(&p, "route-gateway 10.8.0.1,topology subnet,ping 10,"
	    "ping-restart 120,ifconfig 10.8.0.2 255.255.255.0,peer-id 0,cipher AES-256-GCM,"
	    "protocol-flags cc-exit tls-ekm dyn-tls-crypt,tun-mtu 1500", err), 0);
	assert_true(p.has_route_gateway);
	assert_ip(p.route_gateway, "10.8.0.1");
	assert_true(p.has_topology);
	assert_int_equal(p.topology, RV_TOPO_SUBNET);
	assert_int_equal(p.ping, 10);
	assert_int_equal(p.ping_restart, 120);
	assert_true(p.has_ifconfig);
	assert_ip(p.ifc_local, "10.8.0.2");
	assert_ip(p.ifc_remote, "255.255.255.0");
	assert_true(p.has_peer_id);
	assert_int_equal(p.peer_id, 0);
	assert_string_equal(p.cipher, "AES-256-GCM");
	assert_int_equal(p.flags, RV_PUSH_FLAG_CC_EXIT | RV_PUSH_FLAG_TLS_EKM |
	    RV_PUSH_FLAG_DYN_TLS_CRYPT);
	assert_int_equal(p.tun_mtu, 1500);
	assert_int_equal(p.nroutes, 0);
	assert_false(p.more);
	assert_int_equal(p.ignored, 0);
}

/* The same server with topology net30. */
static void
test_openvpn_net30(void **state)
{
	(void)state;
	rv_push_init(&p);
	assert_int_equal(rv_push_parse(&p, "route 10.8.0.1,topology net30,ping 10,"
	    "ping-restart 120,ifconfig 10.8.0.6 10.8.0.5,peer-id 0,cipher AES-256-GCM,"
	    "protocol-flags cc-exit tls-ekm dyn-tls-crypt,tun-mtu 1500", err), 0);
	assert_int_equal(p.nroutes, 1);
	assert_ip(p.routes[0].net, "10.8.0.1");
	assert_ip(p.routes[0].mask, "255.255.255.255");
	assert_false(p.routes[0].has_gw);
	assert_int_equal(p.routes[0].metric, -1);
	assert_int_equal(p.topology, RV_TOPO_NET30);
	assert_ip(p.ifc_local, "10.8.0.6");
	assert_ip(p.ifc_remote, "10.8.0.5");
	assert_false(p.has_route_gateway);
	assert_int_equal(p.ignored, 0);

	/* A p2p-mode 2.6 server answering a --pull client (vectors README). */
	rv_push_init(&p);
	assert_int_equal(rv_push_parse(&p, "ping 10,cipher AES-256-GCM,tun-mtu 1500", err), 0);
	assert_false(p.has_ifconfig);
	assert_false(p.has_peer_id);
	assert_int_equal(p.flags, 0);
	assert_int_equal(p.ping_restart, -1);
}

/* ifconfig comes before topology here: both values are kept raw. */
static void
test_topology_later(void **state)
{
	(void)state;
	rv_push_init(&p);
	assert_int_equal(rv_push_parse(&p, "ifconfig 10.8.0.10 10.8.0.1,topology p2p", err), 0);
	assert_ip(p.ifc_remote, "10.8.0.1");
	assert_int_equal(p.topology, RV_TOPO_P2P);
	/* A later ifconfig replaces the earlier one, as in openvpn. */
	assert_int_equal(rv_push_parse(&p, "ifconfig 10.8.0.11 255.255.255.0", err), 0);
	assert_ip(p.ifc_local, "10.8.0.11");
	assert_int_equal(p.topology, RV_TOPO_P2P);
}

static void
test_continuation(void **state)
{
	(void)state;
	rv_push_init(&p);
	assert_int_equal(rv_push_parse(&p, "route 10.1.0.0 255.255.0.0,topology subnet,"
	    "push-continuation 2", err), 0);
	assert_true(p.more);
	assert_int_equal(p.nroutes, 1);
	assert_int_equal(rv_push_parse(&p, "route 10.2.0.0 255.255.0.0 vpn_gateway 5,"
	    "ifconfig 10.8.0.2 255.255.255.0,push-continuation 1", err), 0);
	assert_false(p.more);
	assert_int_equal(p.nroutes, 2);
	assert_ip(p.routes[1].net, "10.2.0.0");
	assert_int_equal(p.routes[1].metric, 5);
	assert_int_equal(p.topology, RV_TOPO_SUBNET);
	assert_true(p.has_ifconfig);

	/* A part without push-continuation is the last one. */
	assert_int_equal(rv_push_parse(&p, "push-continuation 2", err), 0);
	assert_true(p.more);
	assert_int_equal(rv_push_parse(&p, "ping 5", err), 0);
	assert_false(p.more);
}

static void
test_routes(void **state)
{
	(void)state;
	rv_push_init(&p);
	assert_int_equal(rv_push_parse(&p, "route 192.168.10.0 255.255.255.0 10.8.0.9 7,"
	    "route 172.16.0.0 255.240.0.0 default default,route 10.9.9.9 default,"
	    "route 192.168.20.77 255.255.255.0,route 0.0.0.0 0.0.0.0", err), 0);
	assert_int_equal(p.nroutes, 5);
	assert_ip(p.routes[0].net, "192.168.10.0");
	assert_ip(p.routes[0].mask, "255.255.255.0");
	assert_true(p.routes[0].has_gw);
	assert_ip(p.routes[0].gw, "10.8.0.9");
	assert_int_equal(p.routes[0].metric, 7);
	assert_ip(p.routes[1].mask, "255.240.0.0");
	assert_false(p.routes[1].has_gw);
	assert_int_equal(p.routes[1].metric, -1);
	assert_ip(p.routes[2].mask, "255.255.255.255");
	/* Host bits are cleared: the kernel refuses them. */
	assert_ip(p.routes[3].net, "192.168.20.0");
	assert_ip(p.routes[4].mask, "0.0.0.0");
	assert_int_equal(p.ignored, 0);

	/* net_gateway / remote_host routes go outside the tunnel: skipped. */
	assert_int_equal(rv_push_parse(&p, "route remote_host 255.255.255.255 net_gateway,"
	    "route 10.0.0.0 255.0.0.0 net_gateway,route-gateway dhcp", err), 0);
	assert_int_equal(p.nroutes, 5);
	assert_int_equal(p.ignored, 3);
	assert_false(p.has_route_gateway);
}

static void
test_route_limit(void **state)
{
	char item[64];

	(void)state;
	rv_push_init(&p);
	for (int i = 0; i < RV_PUSH_ROUTES_MAX; i++) {
		snprintf(item, sizeof(item), "route 10.%d.%d.0 255.255.255.0", i / 256, i % 256);
		assert_int_equal(rv_push_parse(&p, item, err), 0);
	}
	assert_int_equal(p.nroutes, RV_PUSH_ROUTES_MAX);
	assert_int_equal(rv_push_parse(&p, "route 10.200.0.0 255.255.0.0", err), RV_ERR_FORMAT);
	assert_string_equal(err, "route: more than 256 routes pushed");
	assert_int_equal(p.nroutes, RV_PUSH_ROUTES_MAX);
}

static void
test_flags(void **state)
{
	(void)state;
	rv_push_init(&p);
	/* A 2.6 server's answer to a client without cc-exit (wire facts 5.2). */
	assert_int_equal(rv_push_parse(&p, "key-derivation tls-ekm", err), 0);
	assert_int_equal(p.flags, RV_PUSH_FLAG_TLS_EKM);
	/* Words of newer servers (master's aead-epoch) are ignored. */
	rv_push_init(&p);
	assert_int_equal(rv_push_parse(&p, "protocol-flags cc-exit aead-epoch", err), 0);
	assert_int_equal(p.flags, RV_PUSH_FLAG_CC_EXIT);
	assert_int_equal(rv_push_parse(&p, "protocol-flags dyn-tls-crypt", err), 0);
	assert_int_equal(p.flags, RV_PUSH_FLAG_CC_EXIT | RV_PUSH_FLAG_DYN_TLS_CRYPT);
	/* Quoting and white space follow the config syntax. */
	rv_push_init(&p);
	assert_int_equal(rv_push_parse(&p, " ping  \"15\" , cipher 'CHACHA20-POLY1305',,", err), 0);
	assert_int_equal(p.ping, 15);
	assert_string_equal(p.cipher, "CHACHA20-POLY1305");
	assert_int_equal(p.ignored, 0);
	/* Range ends. */
	assert_int_equal(rv_push_parse(&p, "peer-id 16777215,tun-mtu 68,ping 0", err), 0);
	assert_int_equal(p.peer_id, 0xffffff);
	assert_int_equal(p.tun_mtu, 68);
	assert_int_equal(p.ping, 0);
}

struct bad_case {
	const char *options;
	const char *err;        /* exact message */
};

static const struct bad_case bad_cases[] = {
	{ "ifconfig 10.8.0.x 255.255.255.0", "ifconfig: `10.8.0.x' is not an IPv4 address" },
	{ "ifconfig 10.8.0.2 255.255.255.256", "ifconfig: `255.255.255.256' is not an IPv4 address" },
	{ "ifconfig vpn.example 10.8.0.1", "ifconfig: `vpn.example' is not an IPv4 address" },
	{ "ifconfig 10.8.0.2", "ifconfig: expects 2 arguments, got 1" },
	{ "ifconfig 10.8.0.2 10.8.0.1 extra", "ifconfig: expects 2 arguments, got 3" },
	{ "ifconfig \"10.8.0.2 10.8.0.1", "ifconfig: PUSH_REPLY:1: no closing double quotation mark" },
	{ "route", "route: expects 1 to 4 arguments, got 0" },
	{ "route 10.0.0.0 255.0.0.0 10.8.0.1 1 2", "route: expects 1 to 4 arguments, got 5" },
	{ "route 10.0.0.0/8", "route: `10.0.0.0/8' is not an IPv4 address" },
	{ "route 10.0.0.0 255.0.255.0", "route: `255.0.255.0' is not a netmask" },
	{ "route 10.0.0.0 255.0.0.0 gw.example", "route: `gw.example' is not an IPv4 address" },
	{ "route 10.0.0.0 255.0.0.0 vpn_gateway -1", "route: `-1' is not a number" },
	{ "route 10.0.0.0 255.0.0.0 vpn_gateway 2147483648",
	  "route: 2147483648 is out of range (0 to 2147483647)" },
	{ "route-gateway 300.1.1.1", "route-gateway: `300.1.1.1' is not an IPv4 address" },
	{ "route-gateway", "route-gateway: expects 1 argument, got 0" },
	{ "topology star", "topology: expects net30, p2p or subnet, got `star'" },
	{ "ping ten", "ping: `ten' is not a number" },
	{ "ping 1e3", "ping: `1e3' is not a number" },
	{ "ping 10s", "ping: `10s' is not a number" },
	{ "ping 0x10", "ping: `0x10' is not a number" },
	{ "ping 99999999999999999999", "ping: 99999999999999999999 is out of range (0 to 1000000000)" },
	{ "ping-restart -5", "ping-restart: `-5' is not a number" },
	{ "ping-restart \"\"", "ping-restart: `' is not a number" },
	{ "peer-id 16777216", "peer-id: 16777216 is out of range (0 to 16777215)" },
	{ "peer-id 0x10", "peer-id: `0x10' is not a number" },
	{ "cipher AES-256-GCM-WITH-A-NAME-LONGER-THAN-FORTY-SEVEN-BYTES",
	  "cipher: `AES-256-GCM-WITH-A-NAME-LONGER-THAN-FORTY-SEVEN-BYTES' is not a cipher name" },
	{ "cipher ''", "cipher: `' is not a cipher name" },
	{ "key-derivation prf", "key-derivation: unknown method `prf' (only tls-ekm)" },
	{ "protocol-flags", "protocol-flags: expects 1 to 15 arguments, got 0" },
	{ "tun-mtu 67", "tun-mtu: 67 is out of range (68 to 65535)" },
	{ "tun-mtu 70000", "tun-mtu: 70000 is out of range (68 to 65535)" },
	{ "tun-mtu abc", "tun-mtu: `abc' is not a number" },
	{ "push-continuation 3", "push-continuation: expects 1 or 2, got `3'" },
	{ "push-continuation", "push-continuation: expects 1 argument, got 0" },
	{ "ping 10\n", "PUSH_REPLY: the options contain a control character" },
	{ "ping\t10", "PUSH_REPLY: the options contain a control character" },
};

static void
test_malformed(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		print_message("%s\n", bad_cases[i].options);
		rv_push_init(&p);
		memset(err, 'x', sizeof(err));
		assert_int_equal(rv_push_parse(&p, bad_cases[i].options, err), RV_ERR_FORMAT);
		assert_string_equal(err, bad_cases[i].err);
	}
	/* The error comes from the bad option even after good ones. */
	rv_push_init(&p);
	assert_int_equal(rv_push_parse(&p, "ping 10,dhcp-option DNS 1.1.1.1,tun-mtu 9,ping 5", err),
	    RV_ERR_FORMAT);
	assert_string_equal(err, "tun-mtu: 9 is out of range (68 to 65535)");
}

/* Pushed compression is parsed (whether the configuration allows it is
 * comp.c's decision when the push is applied); lz4 and junk fail the push. */
static void
test_compression(void **state)
{
	static const struct {
		const char *item;
		enum rv_comp_alg alg;
		bool adaptive;
	} ok[] = {
		{ "comp-lzo", RV_COMP_LZO, true },
		{ "comp-lzo yes", RV_COMP_LZO, false },
		{ "comp-lzo adaptive", RV_COMP_LZO, true },
		{ "comp-lzo no", RV_COMP_LZO_STUB, false },
		{ "compress", RV_COMP_STUB, false },
		{ "compress stub", RV_COMP_STUB, false },
		{ "compress stub-v2", RV_COMP_STUB_V2, false },
		{ "compress lzo", RV_COMP_LZO, false },
	};
	static const char *const bad[] = {
		"comp-lzo maybe", "compress lz4", "compress lz4-v2", "compress migrate", "compress x",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		print_message("%s\n", ok[i].item);
		rv_push_init(&p);
		assert_false(p.has_comp);
		assert_int_equal(rv_push_parse(&p, ok[i].item, err), 0);
		assert_true(p.has_comp);
		assert_int_equal(p.comp_alg, ok[i].alg);
		assert_int_equal(p.comp_adaptive, ok[i].adaptive);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *name = strncmp(bad[i], "comp-lzo", 8) == 0 ? "comp-lzo: " : "compress: ";

		print_message("%s\n", bad[i]);
		rv_push_init(&p);
		assert_int_equal(rv_push_parse(&p, bad[i], err), RV_ERR_FORMAT);
		assert_memory_equal(err, name, strlen(name));
	}
	rv_push_init(&p);
	assert_int_equal(rv_push_parse(&p, "compress lz4", err), RV_ERR_FORMAT);
	assert_string_equal(err, "compress: `lz4': roamvpn is built without LZ4 support; requested "
	    "compression cannot be enabled (use lzo, stub or stub-v2)");
}

/* Counts the lines of a file and whether it contains needle. */
static int
count_lines(const char *path, const char *needle, bool *found)
{
	char line[512];
	int n = 0;
	FILE *f = fopen(path, "r");

	assert_non_null(f);
	*found = false;
	while (fgets(line, sizeof(line), f) != NULL) {
		n++;
		if (strstr(line, needle) != NULL)
			*found = true;
	}
	fclose(f);
	return n;
}

static void
test_skipped(void **state)
{
	char path[] = "/tmp/test_push.XXXXXX";
	struct rv_log_config lc = { .verb = 1 };
	bool found;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	lc.file = path;
	assert_int_equal(rv_log_open(&lc), 0);
	rv_push_init(&p);
	assert_int_equal(rv_push_parse(&p, "dhcp-option DNS 10.8.0.1,redirect-gateway def1 bypass-dhcp,"
	    "route-ipv6 2000::/3,ifconfig-ipv6 fd00::2/64 fd00::1,dns server 1 address 10.8.0.1,"
	    "block-outside-dns,register-dns,explicit-exit-notify 1,auth-token SESS_ID_AT_c2VjcmV0,"
	    "auth-token-user dXNlcg==,echo hello,setenv FOO bar,inactive 3600,route-delay 2,"
	    "tun-ipv6,socket-flags TCP_NODELAY,frobnicate 1,\"unclosed,<ca>,ping 10", err), 0);
	rv_log_close();
	/* All but route-ipv6, ifconfig-ipv6 and ping are skipped. */
	assert_int_equal(p.ignored, 17);
	assert_int_equal(p.ping, 10);
	assert_true(p.has_ifconfig6);
	assert_int_equal(p.nroutes6, 1);
	/* One line each, and never an option's arguments. */
	assert_int_equal(count_lines(path, "SESS_ID", &found), 17);
	assert_false(found);
	count_lines(path, "pushed option `frobnicate' ignored: unknown option", &found);
	assert_true(found);
	count_lines(path, "pushed option `redirect-gateway' ignored", &found);
	assert_true(found);
	unlink(path);
}

/* ifconfig-ipv6 and route-ipv6 as a 2.6 server with --server-ipv6 pushes
 * them, and the malformed forms. */
static void
test_ipv6(void **state)
{
	char a[INET6_ADDRSTRLEN];

	(void)state;
	rv_push_init(&p);
	assert_int_equal(rv_push_parse(&p, "route-ipv6 fd00:8::/64,tun-ipv6,"
	    "route-ipv6 2001:db8:1:2::5/62 fd00:8::1 7,ifconfig-ipv6 fd00:8::1000/64 fd00:8::1",
	    err), 0);
	assert_true(p.has_ifconfig6);
	assert_int_equal(p.ifc6_bits, 64);
	assert_string_equal(inet_ntop(AF_INET6, &p.ifc6_local, a, sizeof(a)), "fd00:8::1000");
	assert_string_equal(inet_ntop(AF_INET6, &p.ifc6_remote, a, sizeof(a)), "fd00:8::1");
	assert_int_equal(p.nroutes6, 2);
	assert_string_equal(inet_ntop(AF_INET6, &p.routes6[0].net, a, sizeof(a)), "fd00:8::");
	assert_int_equal(p.routes6[0].bits, 64);
	assert_false(p.routes6[0].has_gw);
	assert_int_equal(p.routes6[0].metric, -1);
	/* host bits cleared, gateway and metric kept */
	assert_string_equal(inet_ntop(AF_INET6, &p.routes6[1].net, a, sizeof(a)), "2001:db8:1::");
	assert_int_equal(p.routes6[1].bits, 62);
	assert_true(p.routes6[1].has_gw);
	assert_string_equal(inet_ntop(AF_INET6, &p.routes6[1].gw, a, sizeof(a)), "fd00:8::1");
	assert_int_equal(p.routes6[1].metric, 7);

	static const struct { const char *in, *msg; } bad[] = {
		{ "ifconfig-ipv6 10.8.0.2/64 fd00::1",
		  "ifconfig-ipv6: `10.8.0.2/64' is not an IPv6 address (with an optional /BITS)" },
		{ "ifconfig-ipv6 fd00::2/129 fd00::1",
		  "ifconfig-ipv6: `fd00::2/129' is not an IPv6 address (with an optional /BITS)" },
		{ "ifconfig-ipv6 fd00::2/64 fd00::1/64",
		  "ifconfig-ipv6: `fd00::1/64' is not an IPv6 address" },
		{ "route-ipv6 fd00::/x", "route-ipv6: `fd00::/x' is not an IPv6 address "
		  "(with an optional /BITS)" },
		{ "route-ipv6 fd00::/64 fd00::1 -1", "route-ipv6: `-1' is not a number" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		rv_push_init(&p);
		assert_int_equal(rv_push_parse(&p, bad[i].in, err), RV_ERR_FORMAT);
		assert_string_equal(err, bad[i].msg);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_openvpn_subnet),
		cmocka_unit_test(test_openvpn_net30),
		cmocka_unit_test(test_topology_later),
		cmocka_unit_test(test_continuation),
		cmocka_unit_test(test_routes),
		cmocka_unit_test(test_route_limit),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_compression),
		cmocka_unit_test(test_skipped),
		cmocka_unit_test(test_ipv6),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
