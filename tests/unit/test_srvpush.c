/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for srvpush.c: the server's negotiation with a client and the
 * PUSH_REPLY it sends, compared with what openvpn 2.6.14 pushes to the same
 * client (wire facts 8.2, observed), and the continuation of long replies.
 */
#include "srvpush.h"

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "err.h"

/* The peer-info of a 2.6.14 client with the default configuration. */
static const char client26[] =
    "IV_VER=2.6.14\nIV_PLAT=linux\nIV_TCPNL=1\nIV_MTU=1600\nIV_NCP=2\n"
    "IV_CIPHERS=AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305\nIV_PROTO=990\n"
    "IV_LZO_STUB=1\nIV_COMP_STUB=1\nIV_COMP_STUBv2=1\n";

static char *pushes_subnet[] = { "route-gateway 10.8.0.1", "topology subnet", "ping 10",
    "ping-restart 120" };
static char *pushes_net30[] = { "route 10.8.0.1", "topology net30", "ping 10",
    "ping-restart 120" };

static void
opts(struct rv_options *o, char **push, size_t n)
{
	memset(o, 0, sizeof(*o));
	o->data_ciphers = (char *)"AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305";
	o->tun_mtu = 1500;
	o->srv.push = push;
	o->srv.npush = n;
}

static struct in_addr
ip(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a;
}

static void
test_subnet_26(void **state)
{
	struct rv_options o;
	struct rv_ncp ncp;
	char err[RV_NCP_ERRLEN], msgs[RV_SRVPUSH_MSGS_MAX][RV_SRVPUSH_MSG_MAX];
	struct rv_srvpush in = { .o = &o, .peer_info = client26, .ncp = &ncp,
	    .has_ifconfig = true };

	(void)state;
	opts(&o, pushes_subnet, 4);
	assert_int_equal(rv_srvpush_ncp(&o, client26, "V4,dev-type tun", &ncp, err), 0);
	assert_string_equal(ncp.cipher, "AES-256-GCM");
	assert_true(ncp.data_v2 && ncp.ekm && ncp.cc_exit && ncp.dyn_tls_crypt);
	ncp.peer_id = 0;
	in.local = ip("10.8.0.2");
	in.remote = ip("255.255.255.0");
	assert_int_equal(rv_srvpush_build(&in, msgs, RV_SRVPUSH_MSGS_MAX), 1);
	assert_string_equal(msgs[0], "PUSH_REPLY,route-gateway 10.8.0.1,topology subnet,"
	    "ping 10,ping-restart 120,ifconfig 10.8.0.2 255.255.255.0,peer-id 0,"
	    "cipher AES-256-GCM,protocol-flags cc-exit tls-ekm dyn-tls-crypt,tun-mtu 1500");
}

static void
test_net30_26(void **state)
{
	struct rv_options o;
	struct rv_ncp ncp;
	char err[RV_NCP_ERRLEN], msgs[RV_SRVPUSH_MSGS_MAX][RV_SRVPUSH_MSG_MAX];
	struct rv_srvpush in = { .o = &o, .peer_info = client26, .ncp = &ncp,
	    .has_ifconfig = true };

	(void)state;
	opts(&o, pushes_net30, 4);
	assert_int_equal(rv_srvpush_ncp(&o, client26, "", &ncp, err), 0);
	ncp.peer_id = 0;
	in.local = ip("10.8.0.6");
	in.remote = ip("10.8.0.5");
	assert_int_equal(rv_srvpush_build(&in, msgs, RV_SRVPUSH_MSGS_MAX), 1);
	assert_string_equal(msgs[0], "PUSH_REPLY,route 10.8.0.1,topology net30,ping 10,"
	    "ping-restart 120,ifconfig 10.8.0.6 10.8.0.5,peer-id 0,cipher AES-256-GCM,"
	    "protocol-flags cc-exit tls-ekm dyn-tls-crypt,tun-mtu 1500");
}

/* --server-ipv6 fd00:6::/64 with --server subnet, as 2.6.14 pushed it to
 * its first client: tun-ipv6 first, ifconfig-ipv6 before ifconfig. */
static void
test_ipv6_26(void **state)
{
	static char *pushes[] = { "tun-ipv6", "route-gateway 10.8.0.1", "topology subnet",
	    "ping 10", "ping-restart 60" };
	struct rv_options o;
	struct rv_ncp ncp;
	char err[RV_NCP_ERRLEN], msgs[RV_SRVPUSH_MSGS_MAX][RV_SRVPUSH_MSG_MAX];
	struct rv_srvpush in = { .o = &o, .peer_info = client26, .ncp = &ncp,
	    .has_ifconfig = true, .has_ifconfig6 = true, .bits6 = 64 };

	(void)state;
	opts(&o, pushes, 5);
	assert_int_equal(rv_srvpush_ncp(&o, client26, "", &ncp, err), 0);
	ncp.peer_id = 0;
	in.local = ip("10.8.0.2");
	in.remote = ip("255.255.255.0");
	inet_pton(AF_INET6, "fd00:6::1000", &in.local6);
	inet_pton(AF_INET6, "fd00:6::1", &in.remote6);
	assert_int_equal(rv_srvpush_build(&in, msgs, RV_SRVPUSH_MSGS_MAX), 1);
	assert_string_equal(msgs[0], "PUSH_REPLY,tun-ipv6,route-gateway 10.8.0.1,topology subnet,"
	    "ping 10,ping-restart 60,ifconfig-ipv6 fd00:6::1000/64 fd00:6::1,"
	    "ifconfig 10.8.0.2 255.255.255.0,peer-id 0,cipher AES-256-GCM,"
	    "protocol-flags cc-exit tls-ekm dyn-tls-crypt,tun-mtu 1500");
}

/* Our order decides; a client without IV_CIPHERS but IV_NCP=2 has the two
 * GCM ciphers; one with neither names its cipher in its options string. */
static void
test_ncp(void **state)
{
	struct rv_options o;
	struct rv_ncp ncp;
	char err[RV_NCP_ERRLEN];

	(void)state;
	opts(&o, NULL, 0);
	o.data_ciphers = (char *)"CHACHA20-POLY1305:AES-256-GCM";
	assert_int_equal(rv_srvpush_ncp(&o, client26, "", &ncp, err), 0);
	assert_string_equal(ncp.cipher, "CHACHA20-POLY1305");
	assert_int_equal(rv_srvpush_ncp(&o, "IV_NCP=2\nIV_PROTO=2\n", "", &ncp, err), 0);
	assert_string_equal(ncp.cipher, "AES-256-GCM");
	assert_true(ncp.data_v2 && !ncp.ekm && !ncp.cc_exit && !ncp.dyn_tls_crypt);
	assert_int_equal(rv_srvpush_ncp(&o, "", "V4,cipher AES-256-GCM,auth SHA1", &ncp, err),
	    0);
	assert_string_equal(ncp.cipher, "AES-256-GCM");
	assert_int_equal(rv_srvpush_ncp(&o, "", "V4,cipher AES-128-CBC,auth SHA1", &ncp, err),
	    RV_ERR_NOTFOUND);
	assert_int_equal(rv_srvpush_ncp(&o, "IV_CIPHERS=AES-128-GCM\n", "", &ncp, err),
	    RV_ERR_NOTFOUND);
	o.data_ciphers_fallback = (char *)"AES-128-CBC";
	assert_int_equal(rv_srvpush_ncp(&o, "", "V4,auth SHA1", &ncp, err), 0);
	assert_string_equal(ncp.cipher, "AES-128-CBC");
}

/* A client whose IV_CIPHERS holds one cipher, without IV_NCP: the cipher is
 * pushed all the same (a long list used to be looked up in a short buffer). */
static void
test_single_cipher(void **state)
{
	struct rv_options o;
	struct rv_ncp ncp;
	const char *pi = "IV_CIPHERS=CHACHA20-POLY1305\nIV_PROTO=990\n";
	char err[RV_NCP_ERRLEN], msgs[RV_SRVPUSH_MSGS_MAX][RV_SRVPUSH_MSG_MAX];
	struct rv_srvpush in = { .o = &o, .peer_info = pi, .ncp = &ncp };

	(void)state;
	opts(&o, NULL, 0);
	o.data_ciphers = (char *)"AES-256-GCM:CHACHA20-POLY1305";
	assert_int_equal(rv_srvpush_ncp(&o, pi, "", &ncp, err), 0);
	assert_int_equal(rv_srvpush_build(&in, msgs, RV_SRVPUSH_MSGS_MAX), 1);
	assert_string_equal(msgs[0], "PUSH_REPLY,peer-id 0,cipher CHACHA20-POLY1305,"
	    "protocol-flags cc-exit tls-ekm dyn-tls-crypt");
}

/* Without cc-exit but with EKM: key-derivation; no cipher push for a
 * client that did not negotiate; no peer-id without DATA_V2. */
static void
test_old_client(void **state)
{
	struct rv_options o;
	struct rv_ncp ncp;
	char err[RV_NCP_ERRLEN], msgs[RV_SRVPUSH_MSGS_MAX][RV_SRVPUSH_MSG_MAX];
	const char *pi = "IV_PROTO=8\n";
	struct rv_srvpush in = { .o = &o, .peer_info = pi, .ncp = &ncp };

	(void)state;
	opts(&o, NULL, 0);
	assert_int_equal(rv_srvpush_ncp(&o, pi, "V4,cipher AES-256-GCM", &ncp, err), 0);
	assert_int_equal(rv_srvpush_build(&in, msgs, RV_SRVPUSH_MSGS_MAX), 1);
	assert_string_equal(msgs[0], "PUSH_REPLY,key-derivation tls-ekm");
}

/* More than 1024 bytes: parts with push-continuation 2, the last with 1. */
static void
test_continuation(void **state)
{
	static char routes[60][32], *push[60];
	struct rv_options o;
	struct rv_ncp ncp;
	char err[RV_NCP_ERRLEN], msgs[RV_SRVPUSH_MSGS_MAX][RV_SRVPUSH_MSG_MAX];
	struct rv_srvpush in = { .o = &o, .peer_info = client26, .ncp = &ncp };
	size_t n, total = 0;

	(void)state;
	for (int i = 0; i < 60; i++) {
		snprintf(routes[i], sizeof(routes[i]), "route 10.%d.0.0 255.255.0.0", 100 + i);
		push[i] = routes[i];
	}
	opts(&o, push, 60);
	assert_int_equal(rv_srvpush_ncp(&o, client26, "", &ncp, err), 0);
	n = rv_srvpush_build(&in, msgs, RV_SRVPUSH_MSGS_MAX);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++) {
		assert_true(strlen(msgs[i]) < RV_SRVPUSH_MSG_MAX);
		assert_true(strncmp(msgs[i], "PUSH_REPLY,", 11) == 0);
		total += strlen(msgs[i]);
	}
	assert_non_null(strstr(msgs[0], ",push-continuation 2"));
	assert_non_null(strstr(msgs[1], ",push-continuation 1"));
	assert_non_null(strstr(msgs[1], "route 10.159.0.0 255.255.0.0"));
	assert_true(total > 1024);
	/* One message too few: refused, not cut. */
	assert_int_equal(rv_srvpush_build(&in, msgs, 1), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_subnet_26),
		cmocka_unit_test(test_net30_26),
		cmocka_unit_test(test_ipv6_26),
		cmocka_unit_test(test_ncp),
		cmocka_unit_test(test_single_cipher),
		cmocka_unit_test(test_old_client),
		cmocka_unit_test(test_continuation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
