/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for keyex.c: the key method 2 message (wire facts 4), the
 * legacy PRF key block (5.3) and the peer-info helpers (4.4).
 *
 * The PRF known answers come from two real openvpn 2.6.14 handshakes that
 * used the legacy PRF on both sides (tests/unit/vectors/README.md, "Key
 * method 2 and the legacy PRF"): openvpn at --verb 9 logged both key
 * sources, the session ids, and the data-channel keys it cut from key2. The
 * message sizes in test_km2_openvpn_sizes are openvpn's logged plaintext
 * sizes of the same handshake.
 */
#include "keyex.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "err.h"

/* Decodes hex as openvpn logs it ("5310acdf 5eb2f114 ..."), spaces ignored. */
static void
unhex(const char *hex, uint8_t *out, size_t len)
{
	size_t n = 0;

	for (; *hex != '\0'; hex++) {
		unsigned v;

		if (*hex == ' ')
			continue;
		assert_true(n < 2 * len);
		assert_int_equal(sscanf(hex, "%1x", &v), 1);
		if (n % 2 == 0)
			out[n / 2] = (uint8_t)(v << 4);
		else
			out[n / 2] |= (uint8_t)v;
		n++;
	}
	assert_int_equal(n, 2 * len);
}

static void
assert_hex(const uint8_t *got, const char *hex, size_t len)
{
	uint8_t want[128];

	assert_true(len <= sizeof(want));
	unhex(hex, want, len);
	assert_memory_equal(got, want, len);
}

/* --- PRF known answers ---------------------------------------------------- */

struct prf_vector {
	const char *what;
	const char *pre_master, *c_random1, *c_random2, *s_random1, *s_random2;
	const char *client_sid, *server_sid;
	/* Slices of key2 openvpn logged: offset, length, bytes. */
	struct { size_t at, len; const char *hex; } slice[4];
};

static const struct prf_vector prf_vectors[] = {
	{
		/* AES-256-GCM: openvpn logs the two cipher keys (slots 0 and
		 * 2); the implicit IVs are not logged. */
		.what = "AES-256-GCM",
		.pre_master = "5310acdf 5eb2f114 f6cd1b41 4589ec93 2827501e 14e20350 "
		    "f1765b40 4d8b9adf f8c5e70f 6a946d6a c9206acf 6d882441",
		.c_random1 = "82bbd5cd 38f1f6f3 d53dde12 06d720cd 9e1153da b2fa9110 a0cfb0cd f2eae049",
		.c_random2 = "20eef444 315bed8b ab57658f d53c8bfa 1efa0a9c 74a8c5d0 70497321 6839c2db",
		.s_random1 = "adc1c2f3 d342da9f 8b5a68b5 80b6d3be 5a24c357 fedec2ab 4ae3108a c6ca3cb5",
		.s_random2 = "f12d538c 09b8a874 c33eda21 4c6f513d 378312df 8a492a26 decc2005 ee4a0f14",
		.client_sid = "c86e8ca3 503ceac3",
		.server_sid = "cd8e78bb 1ed40cdc",
		.slice = {
			{ 0, 32, "f4452439 f015a93e d492b4ab 67ac5dcd d94161ee 75985229 c871286a 59dd34b0" },
			{ 128, 32, "5f414744 1cf31a70 908a5fa3 c070187c f5db936c 6183f2e0 7205a683 a12e95ab" },
		},
	},
	{
		/* AES-256-CBC + SHA512: 32-byte cipher keys and 64-byte HMAC
		 * keys, 192 of the 256 bytes. */
		.what = "AES-256-CBC/SHA512",
		.pre_master = "35c2b60f 704cd624 1a7c3c33 1f9be666 8ce3bc02 9d47aacd "
		    "bedbb927 fea59cb5 d67fefdd 6cb3d7df 46f2ceac 65ccd0ca",
		.c_random1 = "28ba0dde 83362f9e e79a0488 ef289e59 d1886fdc 57cbfd28 05b88c3a cb62c742",
		.c_random2 = "4c344b34 662cb3a3 629ea048 a96284bf 7be5b724 223090f9 e922015f b9c10b17",
		.s_random1 = "628dd2ba e0c60857 8cca3a21 e3ea49d0 2bb662b6 f874fbfa 996c6899 5bffc876",
		.s_random2 = "5d834e7b e2309a25 59fda11e 8a94b709 82f98f90 dc9fff82 15236f52 39d8853a",
		.client_sid = "ea96c52c bd77fcf5",
		.server_sid = "3b8b63d3 849f6c5c",
		.slice = {
			{ 0, 32, "82633935 134198a8 2272afdd 07217c5d 6b7f6284 52fa7b3d e8d65f77 7e65160a" },
			{ 64, 64, "6db89f88 e1ded5f6 fb0b3b28 a2b8d011 e8eea399 ef757fc5 4354e6c3 56dbb647 "
			    "fc036599 ae489f95 4b406b5a 5f8d8705 666c23d1 acfe4dc1 119a956e 1dbe3649" },
			{ 128, 32, "69b01a03 1a6e5bd6 3104e3d4 a0ef18c8 4e630e0f a4cc6288 c09ab49e 5622e3fb" },
			{ 192, 64, "3bc203d1 db19eecc 537b0881 5b4a0a43 35c47b5a 6076b7ab d978a6e9 e9a64568 "
			    "97d8cabb fb3362d5 5d998e76 104c435d d690896f 3ccb810c 7575c638 71e0e8f0" },
		},
	},
};

static void
load_vector(const struct prf_vector *v, struct rv_km2 *c, struct rv_km2 *s,
    uint8_t csid[RV_WIRE_SID_LEN], uint8_t ssid[RV_WIRE_SID_LEN])
{
	memset(c, 0, sizeof(*c));
	memset(s, 0, sizeof(*s));
	c->has_pre_master = true;
	unhex(v->pre_master, c->pre_master, sizeof(c->pre_master));
	unhex(v->c_random1, c->random1, sizeof(c->random1));
	unhex(v->c_random2, c->random2, sizeof(c->random2));
	unhex(v->s_random1, s->random1, sizeof(s->random1));
	unhex(v->s_random2, s->random2, sizeof(s->random2));
	unhex(v->client_sid, csid, RV_WIRE_SID_LEN);
	unhex(v->server_sid, ssid, RV_WIRE_SID_LEN);
}

static void
test_prf_openvpn(void **state)
{
	static struct rv_km2 c, s;

	(void)state;
	for (size_t i = 0; i < sizeof(prf_vectors) / sizeof(prf_vectors[0]); i++) {
		const struct prf_vector *v = &prf_vectors[i];
		uint8_t csid[RV_WIRE_SID_LEN], ssid[RV_WIRE_SID_LEN], key2[RV_WIRE_KEY2_LEN];

		print_message("%s\n", v->what);
		load_vector(v, &c, &s, csid, ssid);
		assert_int_equal(rv_keyex_prf(&c, &s, csid, ssid, key2), 0);
		for (size_t k = 0; k < 4 && v->slice[k].hex != NULL; k++)
			assert_hex(&key2[v->slice[k].at], v->slice[k].hex, v->slice[k].len);
	}
}

/* Every input matters: swapping the session ids, the randoms' roles or
 * flipping one pre_master bit changes the block. */
static void
test_prf_inputs_matter(void **state)
{
	static struct rv_km2 c, s;
	uint8_t csid[RV_WIRE_SID_LEN], ssid[RV_WIRE_SID_LEN];
	uint8_t ref[RV_WIRE_KEY2_LEN], k[RV_WIRE_KEY2_LEN];

	(void)state;
	load_vector(&prf_vectors[0], &c, &s, csid, ssid);
	assert_int_equal(rv_keyex_prf(&c, &s, csid, ssid, ref), 0);
	assert_int_equal(rv_keyex_prf(&c, &s, ssid, csid, k), 0);
	assert_memory_not_equal(ref, k, sizeof(k));
	/* The server's pre_master is not used: the server sends none. */
	memset(s.pre_master, 0xaa, sizeof(s.pre_master));
	assert_int_equal(rv_keyex_prf(&c, &s, csid, ssid, k), 0);
	assert_memory_equal(ref, k, sizeof(k));
	c.pre_master[47] ^= 1;
	assert_int_equal(rv_keyex_prf(&c, &s, csid, ssid, k), 0);
	assert_memory_not_equal(ref, k, sizeof(k));
	c.pre_master[47] ^= 1;
	s.random2[0] ^= 1;
	assert_int_equal(rv_keyex_prf(&c, &s, csid, ssid, k), 0);
	assert_memory_not_equal(ref, k, sizeof(k));
}

/* --- building ------------------------------------------------------------------ */

static void
fill(struct rv_km2 *m, bool client)
{
	memset(m, 0, sizeof(*m));
	m->has_pre_master = client;
	for (size_t i = 0; i < sizeof(m->pre_master); i++)
		m->pre_master[i] = client ? (uint8_t)(0x10 + i) : 0;
	for (size_t i = 0; i < sizeof(m->random1); i++) {
		m->random1[i] = (uint8_t)(0x80 + i);
		m->random2[i] = (uint8_t)(0xc0 + i);
	}
}

/* The layout of wire facts 4.1/4.2, byte by byte. */
static void
test_build_layout(void **state)
{
	static struct rv_km2 m;
	uint8_t mem[512];
	struct rv_buf b;
	const uint8_t *d;
	size_t at = 0;

	(void)state;
	fill(&m, true);
	strcpy(m.options, "V4,x");
	strcpy(m.peer_info, "IV_PROTO=990\n");
	rv_buf_init(&b, mem, sizeof(mem), 0);
	assert_int_equal(rv_km2_build(&b, &m), 0);
	d = rv_buf_data(&b);
	assert_int_equal(rv_buf_len(&b), 4 + 1 + 48 + 32 + 32 + (2 + 5) + 2 + 2 + (2 + 14));
	assert_memory_equal(d, "\0\0\0\0\x02", 5);                        /* zero, method */
	at = 5;
	assert_memory_equal(&d[at], m.pre_master, 48);
	at += 48;
	assert_memory_equal(&d[at], m.random1, 32);
	at += 32;
	assert_memory_equal(&d[at], m.random2, 32);
	at += 32;
	assert_memory_equal(&d[at], "\x00\x05V4,x\0", 7);                   /* options + NUL */
	at += 7;
	assert_memory_equal(&d[at], "\x00\x00\x00\x00", 4);                /* empty user, pass */
	at += 4;
	assert_memory_equal(&d[at], "\x00\x0eIV_PROTO=990\n\0", 16);       /* peer-info */

	/* Server: no pre_master; empty peer-info is a bare 00 00. */
	fill(&m, false);
	strcpy(m.options, "V4");
	rv_buf_reset(&b, 0);
	assert_int_equal(rv_km2_build(&b, &m), 0);
	d = rv_buf_data(&b);
	assert_int_equal(rv_buf_len(&b), 5 + 64 + 5 + 2 + 2 + 2);
	assert_memory_equal(&d[5], m.random1, 32);
	assert_memory_equal(&d[69], "\x00\x03V4\0\x00\x00\x00\x00\x00\x00", 11);
}

/*
 * Sizes openvpn logged for the messages of the AES-256-CBC handshake
 * ("BIO write tls_write_plaintext 362 bytes" on the client, 265 on the
 * server), with the options strings and peer-info it logged there.
 */
static void
test_km2_openvpn_sizes(void **state)
{
	static struct rv_km2 m, back;
	uint8_t mem[1024];
	struct rv_buf b;

	(void)state;
	fill(&m, true);
	strcpy(m.options, "V4,dev-type tun,link-mtu 1585,tun-mtu 1500,proto UDPv4,auth SHA512,"
	    "keysize 128,key-method 2,tls-client");
	strcpy(m.peer_info, "IV_VER=2.6.14\nIV_PLAT=linux\nIV_TCPNL=1\nIV_MTU=1600\n"
	    "IV_CIPHERS=AES-256-CBC\nIV_PROTO=990\nIV_LZO_STUB=1\nIV_COMP_STUB=1\n"
	    "IV_COMP_STUBv2=1\n");
	rv_buf_init(&b, mem, sizeof(mem), 0);
	assert_int_equal(rv_km2_build(&b, &m), 0);
	assert_int_equal(rv_buf_len(&b), 362);
	assert_int_equal(rv_km2_parse(&b, true, &back), 0);
	assert_int_equal(rv_buf_len(&b), 0);
	assert_string_equal(back.peer_info, m.peer_info);
	assert_int_equal(rv_peer_info_proto(back.peer_info), 990);

	fill(&m, false);
	strcpy(m.options, "V4,dev-type tun,link-mtu 1601,tun-mtu 1500,proto UDPv4,"
	    "ifconfig 10.66.0.2 10.66.0.1,cipher AES-256-CBC,auth SHA512,keysize 256,"
	    "key-method 2,tls-server");
	strcpy(m.peer_info, "IV_CIPHERS=AES-256-CBC\nIV_PROTO=746\n");
	rv_buf_reset(&b, 0);
	assert_int_equal(rv_km2_build(&b, &m), 0);
	assert_int_equal(rv_buf_len(&b), 265);
	assert_int_equal(rv_km2_parse(&b, false, &back), 0);
	assert_false(back.has_pre_master);
	assert_int_equal(rv_peer_info_proto(back.peer_info), 746);
}

static void
test_round_trip(void **state)
{
	static struct rv_km2 m, back;
	static uint8_t mem[16384];
	struct rv_buf b;

	(void)state;
	for (int client = 0; client < 2; client++) {
		fill(&m, client);
		memset(m.options, 'o', 511);
		memset(m.username, 'u', 4095);
		memset(m.password, 'p', 4095);
		memset(m.peer_info, 'i', 4095);
		rv_buf_init(&b, mem, sizeof(mem), 0);
		assert_int_equal(rv_km2_build(&b, &m), 0);
		assert_int_equal(rv_km2_parse(&b, client, &back), 0);
		assert_int_equal(rv_buf_len(&b), 0);
		assert_int_equal(back.has_pre_master, client);
		assert_memory_equal(back.pre_master, m.pre_master, sizeof(m.pre_master));
		assert_memory_equal(back.random1, m.random1, sizeof(m.random1));
		assert_memory_equal(back.random2, m.random2, sizeof(m.random2));
		assert_string_equal(back.options, m.options);
		assert_string_equal(back.username, m.username);
		assert_string_equal(back.password, m.password);
		assert_string_equal(back.peer_info, m.peer_info);
	}
}

static void
test_build_errors(void **state)
{
	static struct rv_km2 m;
	uint8_t mem[256];
	struct rv_buf b;

	(void)state;
	fill(&m, true);
	/* 512 characters: 513 bytes with the NUL, which openvpn refuses. */
	memset(m.options, 'o', 511);
	m.options[511] = 'o';
	rv_buf_init(&b, mem, sizeof(mem), 0);
	assert_int_equal(rv_km2_build(&b, &m), RV_ERR_RANGE);
	m.options[511] = '\0';
	/* A field without its NUL is refused too. */
	m.options[0] = '\0';
	memset(m.username, 'u', sizeof(m.username));
	assert_int_equal(rv_km2_build(&b, &m), RV_ERR_RANGE);
	m.username[0] = '\0';
	memset(m.peer_info, 'i', sizeof(m.peer_info));
	assert_int_equal(rv_km2_build(&b, &m), RV_ERR_RANGE);
	/* No room: the buffer is left as it was. */
	memset(m.peer_info, 0, sizeof(m.peer_info));
	strcpy(m.options, "V4");
	rv_buf_init(&b, mem, 4 + 1 + 48 + 64 + 5 + 6 - 1, 0);
	assert_int_equal(rv_km2_build(&b, &m), RV_ERR_NOSPACE);
	assert_int_equal(rv_buf_len(&b), 0);
	rv_buf_init(&b, mem, 4 + 1 + 48 + 64 + 5 + 6, 0);
	assert_int_equal(rv_km2_build(&b, &m), 0);
	assert_int_equal(rv_buf_tailroom(&b), 0);
}

static void
test_randomize_and_wipe(void **state)
{
	static struct rv_km2 a, b;
	static const uint8_t zero[RV_WIRE_KM2_PRE_MASTER];

	(void)state;
	memset(&a, 0, sizeof(a));
	assert_int_equal(rv_km2_randomize(&a, true), 0);
	assert_true(a.has_pre_master);
	assert_memory_not_equal(a.pre_master, zero, sizeof(zero));
	assert_memory_not_equal(a.random1, zero, sizeof(a.random1));
	assert_int_equal(rv_km2_randomize(&b, true), 0);
	assert_memory_not_equal(a.pre_master, b.pre_master, sizeof(zero));
	assert_memory_not_equal(a.random2, b.random2, sizeof(a.random2));
	assert_int_equal(rv_km2_randomize(&a, false), 0);
	assert_false(a.has_pre_master);
	assert_memory_equal(a.pre_master, zero, sizeof(zero));

	strcpy(b.password, "secret");
	strcpy(b.username, "user");
	rv_km2_wipe(&b);
	assert_memory_equal(b.pre_master, zero, sizeof(zero));
	assert_memory_equal(b.random1, zero, sizeof(b.random1));
	assert_memory_equal(b.random2, zero, sizeof(b.random2));
	assert_int_equal(b.password[0], '\0');
	assert_string_equal(b.username, "user");
}

/* --- parsing: malformed inputs ------------------------------------------------- */

/* Builds a message from parts: head is the 5-byte zero+method, then the
 * key source (48+64 or 64 bytes of 0x11), then the raw tail. */
static size_t
msg(uint8_t *out, uint8_t method, bool client, const void *tail, size_t tail_len)
{
	size_t n = 0, ks = client ? 48 + 64 : 64;

	memset(out, 0, 4);
	out[4] = method;
	n = 5;
	memset(&out[n], 0x11, ks);
	n += ks;
	memcpy(&out[n], tail, tail_len);
	return n + tail_len;
}

/* A string field of len bytes declared, filled with c, ending with a NUL. */
static size_t
str_field(uint8_t *out, size_t declared, size_t present, uint8_t c)
{
	out[0] = (uint8_t)(declared >> 8);
	out[1] = (uint8_t)declared;
	memset(&out[2], c, present);
	if (present > 0 && present == declared)
		out[2 + present - 1] = '\0';
	return 2 + present;
}

struct parse_case {
	const char *what;
	bool client;
	int want;
};

/* Builds case i into out; returns its length. */
static size_t
build_case(int i, uint8_t *out, struct parse_case *pc)
{
	static uint8_t t[16384];
	size_t n = 0;

	memset(t, 0, sizeof(t));
	*pc = (struct parse_case){ "", true, 0 };
	switch (i) {
	case 0: *pc = (struct parse_case){ "empty", true, RV_ERR_SHORT }; return 0;
	case 1: *pc = (struct parse_case){ "3 bytes", true, RV_ERR_SHORT }; return 3;
	case 2: *pc = (struct parse_case){ "no method byte", true, RV_ERR_SHORT }; memset(out, 0, 4); return 4;
	case 3: *pc = (struct parse_case){ "method 1", true, RV_ERR_FORMAT };
		n = str_field(t, 3, 3, 'o'); n += 6; return msg(out, 1, true, t, n);
	case 4: *pc = (struct parse_case){ "method 3", true, RV_ERR_FORMAT };
		n = str_field(t, 3, 3, 'o'); n += 6; return msg(out, 3, true, t, n);
	case 5: *pc = (struct parse_case){ "method 0x12 (flags in the high bits)", true, 0 };
		n = str_field(t, 3, 3, 'o'); n += 6; return msg(out, 0x12, true, t, n);
	case 6: *pc = (struct parse_case){ "pre_master cut", true, RV_ERR_SHORT };
		msg(out, 2, true, "", 0); return 5 + 30;
	case 7: *pc = (struct parse_case){ "random2 missing (client)", true, RV_ERR_SHORT };
		msg(out, 2, true, "", 0); return 5 + 48 + 32;
	case 8: *pc = (struct parse_case){ "random2 cut (server)", false, RV_ERR_SHORT };
		msg(out, 2, false, "", 0); return 5 + 63;
	case 9: *pc = (struct parse_case){ "no options length", true, RV_ERR_SHORT };
		return msg(out, 2, true, "\x00", 1);
	case 10: *pc = (struct parse_case){ "options cut", true, RV_ERR_SHORT };
		n = str_field(t, 10, 5, 'o'); return msg(out, 2, true, t, n);
	case 11: *pc = (struct parse_case){ "options 513 bytes", true, RV_ERR_FORMAT };
		n = str_field(t, 513, 513, 'o'); n += 6; return msg(out, 2, true, t, n);
	case 12: *pc = (struct parse_case){ "options 512 bytes", true, 0 };
		n = str_field(t, 512, 512, 'o'); n += 6; return msg(out, 2, true, t, n);
	case 13: *pc = (struct parse_case){ "options without NUL", true, RV_ERR_FORMAT };
		n = str_field(t, 4, 4, 'o'); t[5] = 'x'; n += 6; return msg(out, 2, true, t, n);
	case 14: *pc = (struct parse_case){ "options with NUL inside", true, RV_ERR_FORMAT };
		n = str_field(t, 4, 4, 'o'); t[3] = '\0'; n += 6; return msg(out, 2, true, t, n);
	case 15: *pc = (struct parse_case){ "options empty (length 0)", true, 0 };
		return msg(out, 2, true, t, 8);
	case 16: *pc = (struct parse_case){ "no username", true, RV_ERR_SHORT };
		n = str_field(t, 3, 3, 'o'); return msg(out, 2, true, t, n);
	case 17: *pc = (struct parse_case){ "username 4097 bytes", true, RV_ERR_FORMAT };
		n = str_field(t, 3, 3, 'o'); n += str_field(&t[n], 4097, 4097, 'u'); n += 4;
		return msg(out, 2, true, t, n);
	case 18: *pc = (struct parse_case){ "username 4096 bytes", true, 0 };
		n = str_field(t, 3, 3, 'o'); n += str_field(&t[n], 4096, 4096, 'u'); n += 4;
		return msg(out, 2, true, t, n);
	case 19: *pc = (struct parse_case){ "password 4097 bytes", true, RV_ERR_FORMAT };
		n = str_field(t, 3, 3, 'o'); n += 2; n += str_field(&t[n], 4097, 4097, 'p'); n += 2;
		return msg(out, 2, true, t, n);
	case 20: *pc = (struct parse_case){ "no password", true, RV_ERR_SHORT };
		n = str_field(t, 3, 3, 'o'); n += 2; return msg(out, 2, true, t, n);
	case 21: *pc = (struct parse_case){ "peer-info absent", true, 0 };
		n = str_field(t, 3, 3, 'o'); n += 4; return msg(out, 2, true, t, n);
	case 22: *pc = (struct parse_case){ "peer-info one stray byte", true, RV_ERR_SHORT };
		n = str_field(t, 3, 3, 'o'); n += 5; return msg(out, 2, true, t, n);
	case 23: *pc = (struct parse_case){ "peer-info cut", true, RV_ERR_SHORT };
		n = str_field(t, 3, 3, 'o'); n += 4; n += str_field(&t[n], 20, 10, 'i');
		return msg(out, 2, true, t, n);
	case 24: *pc = (struct parse_case){ "peer-info 4097 bytes", true, RV_ERR_FORMAT };
		n = str_field(t, 3, 3, 'o'); n += 4; n += str_field(&t[n], 4097, 4097, 'i');
		return msg(out, 2, true, t, n);
	case 25: *pc = (struct parse_case){ "peer-info without NUL", true, RV_ERR_FORMAT };
		n = str_field(t, 3, 3, 'o'); n += 4; n += str_field(&t[n], 5, 5, 'i'); t[n - 1] = '\n';
		return msg(out, 2, true, t, n);
	case 26: *pc = (struct parse_case){ "garbage after peer-info", true, RV_ERR_FORMAT };
		n = str_field(t, 3, 3, 'o'); n += 4; n += str_field(&t[n], 5, 5, 'i'); t[n++] = 'x';
		return msg(out, 2, true, t, n);
	case 27: *pc = (struct parse_case){ "garbage after empty peer-info", true, RV_ERR_FORMAT };
		n = str_field(t, 3, 3, 'o'); n += 6; t[n++] = 0;
		return msg(out, 2, true, t, n);
	case 28: *pc = (struct parse_case){ "server message read as a client's", true, RV_ERR_SHORT };
		n = str_field(t, 3, 3, 'o'); n += 6; return msg(out, 2, false, t, n);
	case 29: *pc = (struct parse_case){ "server message", false, 0 };
		n = str_field(t, 3, 3, 'o'); n += 6; return msg(out, 2, false, t, n);
	case 30: *pc = (struct parse_case){ "password with NUL inside", true, RV_ERR_FORMAT };
		n = str_field(t, 3, 3, 'o'); n += 2; n += str_field(&t[n], 6, 6, 'p'); t[n - 4] = '\0';
		n += 2; return msg(out, 2, true, t, n);
	default: return SIZE_MAX;
	}
}

static void
test_parse_malformed(void **state)
{
	static uint8_t in[16384];
	static struct rv_km2 out;

	(void)state;
	for (int i = 0;; i++) {
		struct parse_case pc;
		struct rv_buf b;
		size_t n;

		memset(in, 0, sizeof(in));
		if ((n = build_case(i, in, &pc)) == SIZE_MAX)
			break;
		print_message("case %d: %s\n", i, pc.what);
		memset(&out, 0x5a, sizeof(out));
		rv_buf_init_ro(&b, in, n);
		assert_int_equal(rv_km2_parse(&b, pc.client, &out), pc.want);
		if (pc.want != 0) {
			/* A failed parse consumes nothing and leaves no secrets. */
			assert_int_equal(rv_buf_len(&b), n);
			assert_int_equal(out.pre_master[0], 0);
			assert_int_equal(out.random1[0], 0);
		} else {
			assert_int_equal(rv_buf_len(&b), 0);
			assert_int_equal(out.has_pre_master, pc.client);
		}
	}
}

/* --- peer-info ---------------------------------------------------------------- */

/* What a 2.6.14 pull client sent (wire facts 4.4, observed). */
static const char openvpn_peer_info[] =
	"IV_VER=2.6.14\nIV_PLAT=linux\nIV_TCPNL=1\nIV_MTU=1600\nIV_NCP=2\n"
	"IV_CIPHERS=AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305\nIV_PROTO=990\n"
	"IV_LZO_STUB=1\nIV_COMP_STUB=1\nIV_COMP_STUBv2=1\n";

static void
test_peer_info_openvpn(void **state)
{
	char v[64];

	(void)state;
	assert_true(rv_peer_info_get(openvpn_peer_info, "IV_VER", v, sizeof(v)));
	assert_string_equal(v, "2.6.14");
	assert_true(rv_peer_info_get(openvpn_peer_info, "IV_PLAT", v, sizeof(v)));
	assert_string_equal(v, "linux");
	assert_true(rv_peer_info_get(openvpn_peer_info, "IV_CIPHERS", v, sizeof(v)));
	assert_string_equal(v, "AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305");
	assert_true(rv_peer_info_get(openvpn_peer_info, "IV_COMP_STUBv2", v, sizeof(v)));
	assert_string_equal(v, "1");
	/* IV_COMP_STUB must not match IV_COMP_STUBv2's line, nor the reverse. */
	assert_true(rv_peer_info_get(openvpn_peer_info, "IV_COMP_STUB", v, sizeof(v)));
	assert_string_equal(v, "1");
	assert_false(rv_peer_info_get(openvpn_peer_info, "IV_COMP", v, sizeof(v)));
	assert_false(rv_peer_info_get(openvpn_peer_info, "IV_HWADDR", v, sizeof(v)));
	assert_string_equal(v, "");
	assert_int_equal(rv_peer_info_proto(openvpn_peer_info), 990);
	assert_int_equal(rv_peer_info_proto(openvpn_peer_info) & RV_IV_PROTO_TLS_KEY_EXPORT,
	    RV_IV_PROTO_TLS_KEY_EXPORT);
	/* p2p peers send two lines; a 2.6 server none. */
	assert_int_equal(rv_peer_info_proto("IV_CIPHERS=AES-256-GCM\nIV_PROTO=746\n"), 746);
	assert_int_equal(rv_peer_info_proto(""), 0);
	assert_int_equal(rv_peer_info_proto(NULL), 0);
}

static void
test_peer_info_edges(void **state)
{
	char v[8];

	(void)state;
	/* The name must start a line. */
	assert_int_equal(rv_peer_info_proto("UV_IV_PROTO=4\nIV_PROTO=2\n"), 2);
	assert_int_equal(rv_peer_info_proto("UV_IV_PROTO=4\n"), 0);
	/* Last line without newline, CR before LF, empty value. */
	assert_true(rv_peer_info_get("A=1\nB=22", "B", v, sizeof(v)));
	assert_string_equal(v, "22");
	assert_true(rv_peer_info_get("A=1\r\nB=2\r\n", "A", v, sizeof(v)));
	assert_string_equal(v, "1");
	assert_true(rv_peer_info_get("A=\n", "A", v, sizeof(v)));
	assert_string_equal(v, "");
	assert_false(rv_peer_info_get("A\nA1=3\n", "A", v, sizeof(v)));
	/* First occurrence wins, as in openvpn. */
	assert_true(rv_peer_info_get("A=1\nA=2\n", "A", v, sizeof(v)));
	assert_string_equal(v, "1");
	/* A value that does not fit is not returned cut short. */
	assert_true(rv_peer_info_get("A=1234567\n", "A", v, sizeof(v)));
	assert_false(rv_peer_info_get("A=12345678\n", "A", v, sizeof(v)));
	assert_string_equal(v, "");
	assert_false(rv_peer_info_get("A=1\n", "A", v, 0));
	/* Malformed IV_PROTO values are 0. */
	static const char *const bad[] = {
		"IV_PROTO=\n", "IV_PROTO=99x\n", "IV_PROTO=-1\n", "IV_PROTO= 2\n",
		"IV_PROTO=0x10\n", "IV_PROTO=4294967296\n", "IV_PROTO=99999999999999\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(rv_peer_info_proto(bad[i]), 0);
	assert_int_equal(rv_peer_info_proto("IV_PROTO=4294967295\n"), 4294967295u);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prf_openvpn),
		cmocka_unit_test(test_prf_inputs_matter),
		cmocka_unit_test(test_build_layout),
		cmocka_unit_test(test_km2_openvpn_sizes),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_build_errors),
		cmocka_unit_test(test_randomize_and_wipe),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_peer_info_openvpn),
		cmocka_unit_test(test_peer_info_edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
