/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for ping.c: the keepalive magic, OCC message headers, the
 * options string and its validation and comparison (wire facts 4.3, 7.1,
 * 7.2).
 *
 * The expected options strings are the "Local Options String" and "Expected
 * Remote Options String" lines openvpn 2.6.14 logged (--verb 7) for the same
 * configuration in static-key mode; the comment above each case gives its
 * command line.
 */
#include "ping.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "err.h"
#include "keyfile.h"

enum { BUF_MAX = 1024 };

static const uint8_t ping_magic[16] = {
	0x2a, 0x18, 0x7b, 0xf3, 0x64, 0x1e, 0xb4, 0xcb,
	0x07, 0xed, 0x2d, 0x0a, 0x98, 0x1f, 0xc7, 0x48,
};

static const uint8_t occ_magic[16] = {
	0x28, 0x7f, 0x34, 0x6b, 0xd4, 0xef, 0x7a, 0x81,
	0x2d, 0x56, 0xb8, 0xd3, 0xaf, 0xc5, 0x45, 0x9c,
};

/* --- keepalive ------------------------------------------------------------------ */

static void
test_keepalive_exact(void **state)
{
	uint8_t p[32];
	struct rv_buf b;

	(void)state;
	rv_buf_init_ro(&b, ping_magic, sizeof(ping_magic));
	assert_true(rv_ping_is_keepalive(&b));

	/* one byte more or less */
	memcpy(p, ping_magic, 16);
	p[16] = 0;
	rv_buf_init_ro(&b, p, 17);
	assert_false(rv_ping_is_keepalive(&b));
	rv_buf_init_ro(&b, p, 15);
	assert_false(rv_ping_is_keepalive(&b));
	rv_buf_init_ro(&b, p + 1, 16);
	assert_false(rv_ping_is_keepalive(&b));
	rv_buf_init_ro(&b, p, 0);
	assert_false(rv_ping_is_keepalive(&b));

	/* any single bit different */
	for (size_t bit = 0; bit < 128; bit++) {
		memcpy(p, ping_magic, 16);
		p[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		rv_buf_init_ro(&b, p, 16);
		assert_false(rv_ping_is_keepalive(&b));
	}

	/* the OCC magic is not a keepalive */
	rv_buf_init_ro(&b, occ_magic, 16);
	assert_false(rv_ping_is_keepalive(&b));
}

static void
test_keepalive_put(void **state)
{
	uint8_t mem[BUF_MAX];
	struct rv_buf b;

	(void)state;
	rv_buf_init(&b, mem, sizeof(mem), 8);
	assert_int_equal(rv_ping_put_keepalive(&b), 0);
	assert_int_equal(rv_buf_len(&b), 16);
	assert_memory_equal(rv_buf_data(&b), ping_magic, 16);
	assert_true(rv_ping_is_keepalive(&b));

	/* no room: nothing written */
	rv_buf_init(&b, mem, 15, 0);
	assert_int_equal(rv_ping_put_keepalive(&b), RV_ERR_NOSPACE);
	assert_int_equal(rv_buf_len(&b), 0);
}

/* --- OCC headers ----------------------------------------------------------------- */

/* Every type survives put and parse; the body follows the type byte. */
static void
test_occ_round_trip(void **state)
{
	(void)state;
	for (uint8_t type = 0; type < RV_OCC_TYPE_MAX; type++) {
		uint8_t mem[BUF_MAX], got = 0xff, tail[2];
		struct rv_buf b;

		rv_buf_init(&b, mem, sizeof(mem), 0);
		assert_int_equal(rv_occ_put(&b, type), 0);
		assert_int_equal(rv_buf_len(&b), 17);
		assert_memory_equal(rv_buf_data(&b), occ_magic, 16);
		assert_int_equal(rv_buf_data(&b)[16], type);
		assert_int_equal(rv_buf_put_u16(&b, 0x1234), 0);
		assert_true(rv_occ_is_occ(&b));
		assert_false(rv_ping_is_keepalive(&b));
		assert_int_equal(rv_occ_parse(&b, &got), 0);
		assert_int_equal(got, type);
		assert_int_equal(rv_buf_len(&b), 2);
		assert_int_equal(rv_buf_get(&b, tail, 2), 0);
		assert_int_equal(tail[0], 0x12);
		assert_int_equal(tail[1], 0x34);
	}
}

/* The type numbers are OpenVPN's (occ.h). */
static void
test_occ_type_values(void **state)
{
	(void)state;
	assert_int_equal(RV_OCC_REQUEST, 0);
	assert_int_equal(RV_OCC_REPLY, 1);
	assert_int_equal(RV_OCC_MTU_LOAD_REQUEST, 2);
	assert_int_equal(RV_OCC_MTU_LOAD, 3);
	assert_int_equal(RV_OCC_MTU_REQUEST, 4);
	assert_int_equal(RV_OCC_MTU_REPLY, 5);
	assert_int_equal(RV_OCC_EXIT, 6);
}

/* Unknown type, missing type byte, wrong magic: the exact error, and the
 * payload is left as it was. */
static void
test_occ_parse_errors(void **state)
{
	static const struct {
		size_t len;         /* bytes of the message below */
		uint8_t type;       /* byte 16 */
		bool bad_magic;
		int want;
	} cases[] = {
		{ 17, 7, false, RV_ERR_FORMAT },
		{ 17, 0x80, false, RV_ERR_FORMAT },
		{ 17, 0xff, false, RV_ERR_FORMAT },
		{ 20, 7, false, RV_ERR_FORMAT },
		{ 16, 0, false, RV_ERR_SHORT },    /* magic only */
		{ 15, 0, false, RV_ERR_FORMAT },   /* not even the magic */
		{ 0, 0, false, RV_ERR_FORMAT },
		{ 17, 0, true, RV_ERR_FORMAT },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t msg[32] = { 0 }, type = 0xee;
		struct rv_buf b;

		memcpy(msg, occ_magic, 16);
		msg[16] = cases[i].type;
		if (cases[i].bad_magic)
			msg[15] ^= 1;
		rv_buf_init_ro(&b, msg, cases[i].len);
		print_message("case %zu\n", i);
		assert_int_equal(rv_occ_parse(&b, &type), cases[i].want);
		assert_int_equal(rv_buf_len(&b), cases[i].len);
		assert_int_equal(type, 0xee);
	}
}

static void
test_occ_is_occ(void **state)
{
	uint8_t p[17];
	struct rv_buf b;

	(void)state;
	memcpy(p, occ_magic, 16);
	p[16] = RV_OCC_REQUEST;
	rv_buf_init_ro(&b, p, 17);
	assert_true(rv_occ_is_occ(&b));
	rv_buf_init_ro(&b, p, 16);
	assert_true(rv_occ_is_occ(&b));
	rv_buf_init_ro(&b, p, 15);
	assert_false(rv_occ_is_occ(&b));
	p[0] ^= 0x80;
	rv_buf_init_ro(&b, p, 17);
	assert_false(rv_occ_is_occ(&b));
}

/* An OCC_REPLY as a peer builds it: header, string, NUL. */
static void
test_occ_reply(void **state)
{
	static const char opts[] = "V4,dev-type tun,link-mtu 1572,tun-mtu 1500,proto UDPv4";
	char out[RV_WIRE_OCC_STRING_MAX];
	uint8_t mem[BUF_MAX], type;
	struct rv_buf b;

	(void)state;
	rv_buf_init(&b, mem, sizeof(mem), 0);
	assert_int_equal(rv_occ_put(&b, RV_OCC_REPLY), 0);
	assert_int_equal(rv_buf_put(&b, opts, sizeof(opts)), 0);
	assert_int_equal(rv_occ_parse(&b, &type), 0);
	assert_int_equal(type, RV_OCC_REPLY);
	assert_int_equal(rv_occ_get_string(&b, out), 0);
	assert_string_equal(out, opts);
}

/* --- the options string ---------------------------------------------------------------- */

struct occ_case {
	const char *cmdline;
	struct rv_occ_params p;
	const char *local;
	const char *remote;
};

static const struct occ_case occ_cases[] = {
	{
		"--dev tun --secret k 0 --cipher AES-256-CBC --auth SHA256 "
		"--ifconfig 10.9.0.1 10.9.0.2",
		{ .link_mtu = 1572, .tun_mtu = 1500, .ifconfig = true, .ifconfig_local = "10.9.0.1",
		  .ifconfig_remote = "10.9.0.2", .keydir = RV_KEYDIR_NORMAL,
		  .cipher = "AES-256-CBC", .auth = "SHA256", .keysize = 256, .secret = true },
		"V4,dev-type tun,link-mtu 1572,tun-mtu 1500,proto UDPv4,ifconfig 10.9.0.2 10.9.0.1,"
		"keydir 0,cipher AES-256-CBC,auth SHA256,keysize 256,secret",
		"V4,dev-type tun,link-mtu 1572,tun-mtu 1500,proto UDPv4,ifconfig 10.9.0.1 10.9.0.2,"
		"keydir 1,cipher AES-256-CBC,auth SHA256,keysize 256,secret",
	},
	{
		"--dev tun --secret k --cipher AES-128-CBC --auth SHA1 "
		"--ifconfig 10.9.0.1 10.9.0.2",
		{ .link_mtu = 1560, .tun_mtu = 1500, .ifconfig = true, .ifconfig_local = "10.9.0.1",
		  .ifconfig_remote = "10.9.0.2", .keydir = RV_KEYDIR_BIDI, .cipher = "AES-128-CBC",
		  .auth = "SHA1", .keysize = 128, .secret = true },
		"V4,dev-type tun,link-mtu 1560,tun-mtu 1500,proto UDPv4,ifconfig 10.9.0.2 10.9.0.1,"
		"cipher AES-128-CBC,auth SHA1,keysize 128,secret",
		"V4,dev-type tun,link-mtu 1560,tun-mtu 1500,proto UDPv4,ifconfig 10.9.0.1 10.9.0.2,"
		"cipher AES-128-CBC,auth SHA1,keysize 128,secret",
	},
	{
		"--dev tun --secret k 1 --cipher AES-128-CBC --auth SHA256 --tun-mtu 1400 "
		"--ifconfig 10.9.0.2 10.9.0.1",
		{ .link_mtu = 1472, .tun_mtu = 1400, .ifconfig = true, .ifconfig_local = "10.9.0.2",
		  .ifconfig_remote = "10.9.0.1", .keydir = RV_KEYDIR_INVERSE,
		  .cipher = "AES-128-CBC", .auth = "SHA256", .keysize = 128, .secret = true },
		"V4,dev-type tun,link-mtu 1472,tun-mtu 1400,proto UDPv4,ifconfig 10.9.0.1 10.9.0.2,"
		"keydir 1,cipher AES-128-CBC,auth SHA256,keysize 128,secret",
		"V4,dev-type tun,link-mtu 1472,tun-mtu 1400,proto UDPv4,ifconfig 10.9.0.2 10.9.0.1,"
		"keydir 0,cipher AES-128-CBC,auth SHA256,keysize 128,secret",
	},
	{
		"--dev tap --secret k 0 --cipher AES-128-CBC --auth SHA1 --tun-mtu 1400",
		{ .tap = true, .link_mtu = 1492, .tun_mtu = 1400, .keydir = RV_KEYDIR_NORMAL,
		  .cipher = "AES-128-CBC", .auth = "SHA1", .keysize = 128, .secret = true },
		"V4,dev-type tap,link-mtu 1492,tun-mtu 1400,proto UDPv4,keydir 0,"
		"cipher AES-128-CBC,auth SHA1,keysize 128,secret",
		"V4,dev-type tap,link-mtu 1492,tun-mtu 1400,proto UDPv4,keydir 1,"
		"cipher AES-128-CBC,auth SHA1,keysize 128,secret",
	},
	{
		"--dev tun --secret k 1 --cipher AES-256-CBC --auth none "
		"--ifconfig 192.168.200.5 192.168.200.6",
		{ .link_mtu = 1540, .tun_mtu = 1500, .ifconfig = true,
		  .ifconfig_local = "192.168.200.5", .ifconfig_remote = "192.168.200.6",
		  .keydir = RV_KEYDIR_INVERSE, .cipher = "AES-256-CBC", .auth = "none",
		  .keysize = 256, .secret = true },
		"V4,dev-type tun,link-mtu 1540,tun-mtu 1500,proto UDPv4,"
		"ifconfig 192.168.200.6 192.168.200.5,keydir 1,cipher AES-256-CBC,"
		"auth [null-digest],keysize 256,secret",
		"V4,dev-type tun,link-mtu 1540,tun-mtu 1500,proto UDPv4,"
		"ifconfig 192.168.200.5 192.168.200.6,keydir 0,cipher AES-256-CBC,"
		"auth [null-digest],keysize 256,secret",
	},
	{
		"--dev tap --secret k 1 --cipher AES-256-CBC --auth SHA512 "
		"--ifconfig 10.9.0.1 255.255.255.0",
		{ .tap = true, .link_mtu = 1636, .tun_mtu = 1500, .ifconfig = true,
		  .ifconfig_subnet = true, .ifconfig_local = "10.9.0.0",
		  .ifconfig_remote = "255.255.255.0", .keydir = RV_KEYDIR_INVERSE,
		  .cipher = "AES-256-CBC", .auth = "SHA512", .keysize = 256, .secret = true },
		"V4,dev-type tap,link-mtu 1636,tun-mtu 1500,proto UDPv4,"
		"ifconfig 10.9.0.0 255.255.255.0,keydir 1,cipher AES-256-CBC,auth SHA512,"
		"keysize 256,secret",
		"V4,dev-type tap,link-mtu 1636,tun-mtu 1500,proto UDPv4,"
		"ifconfig 10.9.0.0 255.255.255.0,keydir 0,cipher AES-256-CBC,auth SHA512,"
		"keysize 256,secret",
	},
	{
		"--dev tun --secret k --cipher AES-256-CBC --auth SHA256 --topology subnet "
		"--ifconfig 10.9.0.1 255.255.255.0",
		{ .link_mtu = 1572, .tun_mtu = 1500, .ifconfig = true, .ifconfig_subnet = true,
		  .ifconfig_local = "10.9.0.0", .ifconfig_remote = "255.255.255.0",
		  .keydir = RV_KEYDIR_BIDI, .cipher = "AES-256-CBC", .auth = "SHA256",
		  .keysize = 256, .secret = true },
		"V4,dev-type tun,link-mtu 1572,tun-mtu 1500,proto UDPv4,"
		"ifconfig 10.9.0.0 255.255.255.0,cipher AES-256-CBC,auth SHA256,keysize 256,secret",
		"V4,dev-type tun,link-mtu 1572,tun-mtu 1500,proto UDPv4,"
		"ifconfig 10.9.0.0 255.255.255.0,cipher AES-256-CBC,auth SHA256,keysize 256,secret",
	},
	{
		"--dev null --secret k --cipher AES-256-CBC --auth SHA256",
		{ .null_dev = true, .link_mtu = 1572, .tun_mtu = 1500, .keydir = RV_KEYDIR_BIDI,
		  .cipher = "AES-256-CBC", .auth = "SHA256", .keysize = 256, .secret = true },
		"V4,dev-type null,link-mtu 1572,tun-mtu 1500,proto UDPv4,cipher AES-256-CBC,"
		"auth SHA256,keysize 256,secret",
		"V4,dev-type null,link-mtu 1572,tun-mtu 1500,proto UDPv4,cipher AES-256-CBC,"
		"auth SHA256,keysize 256,secret",
	},
	/* TCP: measured with openvpn 2.6.14 --verb 4 (the same for tcp6-*). */
	{
		"--dev null --secret k 0 --cipher AES-256-CBC --proto tcp-server",
		{ .null_dev = true, .link_mtu = 1562, .tun_mtu = 1500, .keydir = RV_KEYDIR_NORMAL,
		  .cipher = "AES-256-CBC", .auth = "SHA1", .keysize = 256, .secret = true,
		  .tcp = 1 },
		"V4,dev-type null,link-mtu 1562,tun-mtu 1500,proto TCPv4_SERVER,keydir 0,"
		"cipher AES-256-CBC,auth SHA1,keysize 256,secret",
		"V4,dev-type null,link-mtu 1562,tun-mtu 1500,proto TCPv4_CLIENT,keydir 1,"
		"cipher AES-256-CBC,auth SHA1,keysize 256,secret",
	},
	{
		"--client --dev null --proto tcp-client --tls-crypt k",
		{ .null_dev = true, .link_mtu = 1543, .tun_mtu = 1500, .keydir = RV_KEYDIR_BIDI,
		  .cipher = "BF-CBC", .auth = "SHA1", .keysize = 128, .hide_cipher = true,
		  .tls_role = "tls-client", .tcp = 2 },
		"V4,dev-type null,link-mtu 1543,tun-mtu 1500,proto TCPv4_CLIENT,auth SHA1,"
		"keysize 128,key-method 2,tls-client",
		"V4,dev-type null,link-mtu 1543,tun-mtu 1500,proto TCPv4_SERVER,auth SHA1,"
		"keysize 128,key-method 2,tls-server",
	},
	{
		/* openvpn 2.6.14 --verb 7, side with key direction 1 */
		"--dev tun --secret k 1 --cipher AES-256-CBC --auth SHA256 "
		"--ifconfig 10.241.0.2 10.241.0.1 --comp-lzo yes",
		{ .link_mtu = 1573, .tun_mtu = 1500, .ifconfig = true, .ifconfig_local = "10.241.0.2",
		  .ifconfig_remote = "10.241.0.1", .comp_lzo = true, .keydir = RV_KEYDIR_INVERSE,
		  .cipher = "AES-256-CBC", .auth = "SHA256", .keysize = 256, .secret = true },
		"V4,dev-type tun,link-mtu 1573,tun-mtu 1500,proto UDPv4,ifconfig 10.241.0.1 10.241.0.2,"
		"comp-lzo,keydir 1,cipher AES-256-CBC,auth SHA256,keysize 256,secret",
		"V4,dev-type tun,link-mtu 1573,tun-mtu 1500,proto UDPv4,ifconfig 10.241.0.2 10.241.0.1,"
		"comp-lzo,keydir 0,cipher AES-256-CBC,auth SHA256,keysize 256,secret",
	},
	{
		"--dev tun --secret k --cipher none --auth none --no-replay",
		{ .link_mtu = 1500, .tun_mtu = 1500, .keydir = RV_KEYDIR_BIDI, .cipher = "none",
		  .auth = "none", .keysize = 0, .no_replay = true, .secret = true },
		"V4,dev-type tun,link-mtu 1500,tun-mtu 1500,proto UDPv4,cipher [null-cipher],"
		"auth [null-digest],keysize 0,secret,no-replay",
		"V4,dev-type tun,link-mtu 1500,tun-mtu 1500,proto UDPv4,cipher [null-cipher],"
		"auth [null-digest],keysize 0,secret,no-replay",
	},
};

static void
test_options_string_openvpn(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(occ_cases) / sizeof(occ_cases[0]); i++) {
		const struct occ_case *c = &occ_cases[i];
		char out[RV_WIRE_OCC_STRING_MAX];

		print_message("%s\n", c->cmdline);
		memset(out, 'x', sizeof(out));
		rv_occ_options_string(&c->p, false, out);
		assert_string_equal(out, c->local);
		memset(out, 'x', sizeof(out));
		rv_occ_options_string(&c->p, true, out);
		assert_string_equal(out, c->remote);
	}
}

/* Each end's expected string is the other end's local one, so two
 * consistent peers compare equal both ways. */
static void
test_options_string_peers_agree(void **state)
{
	const struct occ_case *c = &occ_cases[0];
	struct rv_occ_params peer = c->p;
	char a_local[RV_WIRE_OCC_STRING_MAX], a_remote[RV_WIRE_OCC_STRING_MAX];
	char b_local[RV_WIRE_OCC_STRING_MAX], b_remote[RV_WIRE_OCC_STRING_MAX];

	(void)state;
	peer.ifconfig_local = c->p.ifconfig_remote;
	peer.ifconfig_remote = c->p.ifconfig_local;
	peer.keydir = !c->p.keydir;
	rv_occ_options_string(&c->p, false, a_local);
	rv_occ_options_string(&c->p, true, a_remote);
	rv_occ_options_string(&peer, false, b_local);
	rv_occ_options_string(&peer, true, b_remote);
	assert_string_equal(a_remote, b_local);
	assert_string_equal(b_remote, a_local);
}

/* Whatever goes in, the string fits OpenVPN's 256-byte line, NUL included. */
static void
test_options_string_bounded(void **state)
{
	char name[400], out[RV_WIRE_OCC_STRING_MAX + 8];
	struct rv_occ_params p = occ_cases[0].p;

	(void)state;
	memset(name, 'A', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	p.cipher = name;
	memset(out, 'x', sizeof(out));
	rv_occ_options_string(&p, false, out);
	assert_true(strlen(out) < RV_WIRE_OCC_STRING_MAX);
	assert_int_equal(out[RV_WIRE_OCC_STRING_MAX], 'x');   /* nothing past the end */
	assert_true(strncmp(out, "V4,dev-type tun,", 16) == 0);
}

/* --- validating a received string --------------------------------------------------------- */

static int
get_string(const void *body, size_t len, char out[static RV_WIRE_OCC_STRING_MAX])
{
	struct rv_buf b;

	rv_buf_init_ro(&b, body, len);
	return rv_occ_get_string(&b, out);
}

static void
test_get_string(void **state)
{
	char out[RV_WIRE_OCC_STRING_MAX], in[RV_WIRE_OCC_STRING_MAX + 8];

	(void)state;
	assert_int_equal(get_string("V4,dev-type tun", 16, out), 0);
	assert_string_equal(out, "V4,dev-type tun");
	/* empty is tolerated, as in OpenVPN */
	assert_int_equal(get_string("", 1, out), 0);
	assert_string_equal(out, "");
	/* what follows the NUL is not part of the string */
	assert_int_equal(get_string("V4\0\x01\x02", 5, out), 0);
	assert_string_equal(out, "V4");
	/* the longest that fits: 255 characters and the NUL */
	memset(in, 'a', sizeof(in));
	in[255] = '\0';
	assert_int_equal(get_string(in, 256, out), 0);
	assert_int_equal(strlen(out), 255);
}

static void
test_get_string_errors(void **state)
{
	static const struct {
		const char *what;
		const char *body;
		size_t len;
	} cases[] = {
		{ "no NUL", "V4,dev-type tun", 15 },
		{ "nothing", "", 0 },
		{ "control character", "V4,\x01tun", 8 },
		{ "newline", "V4,\ntun", 8 },
		{ "tab", "V4,\ttun", 8 },
		{ "DEL", "V4,\x7ftun", 8 },
		{ "high bit", "V4,\xc3\xa9tun", 9 },
	};
	char out[RV_WIRE_OCC_STRING_MAX], in[RV_WIRE_OCC_STRING_MAX + 8];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		print_message("%s\n", cases[i].what);
		assert_int_equal(get_string(cases[i].body, cases[i].len, out), RV_ERR_FORMAT);
	}
	/* too long: 256 characters before the NUL, or none at all in 264 */
	memset(in, 'a', sizeof(in));
	in[256] = '\0';
	assert_int_equal(get_string(in, 257, out), RV_ERR_FORMAT);
	assert_int_equal(get_string(in, 256, out), RV_ERR_FORMAT);
	in[256] = 'a';
	assert_int_equal(get_string(in, sizeof(in), out), RV_ERR_FORMAT);
}

/* --- comparing ----------------------------------------------------------------------------- */

enum { DIFF_MAX = 16 };

struct diffs {
	int n;
	char key[DIFF_MAX][RV_WIRE_OCC_STRING_MAX];
	char local[DIFF_MAX][RV_WIRE_OCC_STRING_MAX];    /* "-" for NULL */
	char remote[DIFF_MAX][RV_WIRE_OCC_STRING_MAX];
};

static void
record(void *arg, const char *key, const char *local, const char *remote)
{
	struct diffs *d = arg;

	assert_true(d->n < DIFF_MAX);
	assert_non_null(key);
	/* a missing value on one side only, never on both */
	assert_true(local != NULL || remote != NULL);
	snprintf(d->key[d->n], sizeof(d->key[0]), "%s", key);
	snprintf(d->local[d->n], sizeof(d->local[0]), "%s", local != NULL ? local : "-");
	snprintf(d->remote[d->n], sizeof(d->remote[0]), "%s", remote != NULL ? remote : "-");
	d->n++;
}

/* Compares and checks the differences reported are exactly want[], each
 * once, as "key|local|remote" in any order. */
static void
assert_compare(const char *expected, const char *got, const char *const *want, int nwant)
{
	struct diffs d;
	int n;

	memset(&d, 0, sizeof(d));
	n = rv_occ_compare(expected, got, record, &d);
	assert_int_equal(n, d.n);
	assert_int_equal(n, nwant);
	for (int i = 0; i < nwant; i++) {
		int found = 0;

		for (int j = 0; j < d.n; j++) {
			char line[3 * RV_WIRE_OCC_STRING_MAX];

			snprintf(line, sizeof(line), "%s|%s|%s", d.key[j], d.local[j], d.remote[j]);
			found += strcmp(line, want[i]) == 0;
		}
		if (found != 1)
			fail_msg("\"%s\" reported %d times", want[i], found);
	}
}

#define OVPN_A "V4,dev-type tun,link-mtu 1572,tun-mtu 1500,proto UDPv4," \
	"ifconfig 10.9.0.1 10.9.0.2,keydir 1,cipher AES-256-CBC,auth SHA256,keysize 256,secret"

static void
test_compare_equal(void **state)
{
	(void)state;
	assert_compare(OVPN_A, OVPN_A, NULL, 0);
	/* the string openvpn expects from us is the one we build */
	assert_compare(occ_cases[0].remote, OVPN_A, NULL, 0);
	/* order does not matter */
	assert_compare("V4,a 1,b 2,c", "V4,c,b 2,a 1", NULL, 0);
	assert_compare("", "", NULL, 0);
}

static void
test_compare_differs(void **state)
{
	static const char *const one[] = { "cipher|cipher AES-256-CBC|cipher AES-128-CBC" };
	static const char *const many[] = {
		"link-mtu|link-mtu 1572|link-mtu 1560",
		"keydir|keydir 1|keydir 0",
		"auth|auth SHA256|auth SHA1",
		"keysize|keysize 256|keysize 128",
	};
	static const char *const flag[] = { "secret|secret|secret 1" };

	(void)state;
	assert_compare(OVPN_A, "V4,dev-type tun,link-mtu 1572,tun-mtu 1500,proto UDPv4,"
	    "ifconfig 10.9.0.1 10.9.0.2,keydir 1,cipher AES-128-CBC,auth SHA256,keysize 256,"
	    "secret", one, 1);
	assert_compare(OVPN_A, "V4,dev-type tun,link-mtu 1560,tun-mtu 1500,proto UDPv4,"
	    "ifconfig 10.9.0.1 10.9.0.2,keydir 0,cipher AES-256-CBC,auth SHA1,keysize 128,"
	    "secret", many, 4);
	assert_compare("V4,secret", "V4,secret 1", flag, 1);
}

static void
test_compare_missing_and_extra(void **state)
{
	static const char *const missing[] = { "keydir|keydir 1|-" };
	static const char *const extra[] = { "no-replay|-|no-replay" };
	static const char *const both[] = {
		"keydir|keydir 1|-", "tun-ipv6|-|tun-ipv6", "comp-lzo|-|comp-lzo",
	};
	static const char *const version[] = { "V4|V4|-", "V3|-|V3" };

	(void)state;
	assert_compare(OVPN_A, "V4,dev-type tun,link-mtu 1572,tun-mtu 1500,proto UDPv4,"
	    "ifconfig 10.9.0.1 10.9.0.2,cipher AES-256-CBC,auth SHA256,keysize 256,secret",
	    missing, 1);
	assert_compare(OVPN_A, OVPN_A ",no-replay", extra, 1);
	assert_compare(OVPN_A, "V4,dev-type tun,link-mtu 1572,tun-mtu 1500,proto UDPv4,"
	    "tun-ipv6,ifconfig 10.9.0.1 10.9.0.2,comp-lzo,cipher AES-256-CBC,auth SHA256,"
	    "keysize 256,secret", both, 3);
	assert_compare("V4,dev-type tun", "V3,dev-type tun", version, 2);
}

/* A key that is a prefix of another key is a different field. */
static void
test_compare_key_prefix(void **state)
{
	static const char *const extra[] = { "tun-mtu-extra|-|tun-mtu-extra 32" };
	static const char *const swapped[] = {
		"tun-mtu|tun-mtu 1500|-", "tun-mtu-extra|-|tun-mtu-extra 1500",
	};

	(void)state;
	assert_compare("V4,tun-mtu 1500", "V4,tun-mtu-extra 32,tun-mtu 1500", extra, 1);
	assert_compare("V4,tun-mtu 1500", "V4,tun-mtu-extra 1500", swapped, 2);
}

/* A field with a long name is still a field: a peer that sends one we do not
 * know about is reported, like any other extra field. */
#define LONG_KEY "an-option-name-much-longer-than-the-sixty-four-characters-of-a-key-buffer"

static void
test_compare_long_key(void **state)
{
	static const char *const extra[] = { LONG_KEY "|-|" LONG_KEY };
	static const char *const missing[] = { LONG_KEY "|" LONG_KEY "|-" };

	(void)state;
	assert_true(strlen(LONG_KEY) > 64);
	assert_compare("V4", "V4," LONG_KEY, extra, 1);
	assert_compare("V4," LONG_KEY, "V4", missing, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keepalive_exact),
		cmocka_unit_test(test_keepalive_put),
		cmocka_unit_test(test_occ_round_trip),
		cmocka_unit_test(test_occ_type_values),
		cmocka_unit_test(test_occ_parse_errors),
		cmocka_unit_test(test_occ_is_occ),
		cmocka_unit_test(test_occ_reply),
		cmocka_unit_test(test_options_string_openvpn),
		cmocka_unit_test(test_options_string_peers_agree),
		cmocka_unit_test(test_options_string_bounded),
		cmocka_unit_test(test_get_string),
		cmocka_unit_test(test_get_string_errors),
		cmocka_unit_test(test_compare_equal),
		cmocka_unit_test(test_compare_differs),
		cmocka_unit_test(test_compare_missing_and_extra),
		cmocka_unit_test(test_compare_key_prefix),
		cmocka_unit_test(test_compare_long_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
