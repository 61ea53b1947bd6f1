/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for crypto.c, static-key mode (wire facts 6.6):
 *   [HMAC] [IV] CBC( packet id [4] || time [4] || payload )
 *
 * The known-answer vectors are packets Debian's openvpn 2.6.14 sent between
 * two network namespaces (tests/unit/vectors/README.md tells how). Each is
 * the ping "ping -s 24 -p 41424344" from 10.55.0.1 to 10.55.0.2, so the IP
 * packet ends in ABCDABCD. The key file held the bytes 00 01 02 ... ff, which
 * makes keys[0] = cipher 00..3f, HMAC 40..7f and keys[1] = cipher 80..bf,
 * HMAC c0..ff. Sealing with the IV openvpn logged ("ENCRYPT IV:") and the same
 * packet id and time must reproduce its bytes exactly, and opening them must
 * give back the IP packet it logged ("ENCRYPT FROM:"). With --no-replay
 * openvpn sends no packet id at all; one vector has that form.
 *
 * The test includes crypto.c to reach seal_iv(), so crypto.c must not also be
 * linked into this program.
 */
#include "crypto.c"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/hmac.h>

#include "err.h"
#include "keyfile.h"
#include "mock_clock.h"

enum {
	HEADROOM = 128,
	PKT_MAX = 2048,
	T0 = 1700000000,
};

/* --- vectors from openvpn 2.6.14 ------------------------------------------ */

static const uint8_t aes256_sha256_wire[] = {
	0x78, 0x64, 0x57, 0xb0, 0x02, 0xa7, 0x16, 0x31, 0x0a, 0xcb, 0x94, 0xc2,
	0x9d, 0xd4, 0x51, 0x20, 0x0d, 0x83, 0x05, 0x4e, 0xc4, 0xc4, 0x15, 0x4c,
	0xb8, 0x2b, 0x10, 0xb2, 0x4b, 0x72, 0xbc, 0x0d, 0x35, 0x32, 0xe9, 0xfa,
	0xb8, 0xc0, 0x04, 0x86, 0xd9, 0x79, 0x1b, 0xc7, 0x29, 0x50, 0xd4, 0x97,
	0x77, 0x78, 0xf7, 0xf4, 0x3c, 0x65, 0x6d, 0x68, 0x39, 0x56, 0x87, 0x4c,
	0x58, 0x27, 0x6b, 0xac, 0x8b, 0x80, 0xf4, 0x03, 0xae, 0x52, 0x9e, 0x1d,
	0x33, 0x6a, 0x08, 0x7b, 0x2a, 0xa6, 0x16, 0x91, 0xdc, 0x76, 0x65, 0x49,
	0x09, 0x03, 0xba, 0x3d, 0x62, 0x40, 0xde, 0x77, 0x15, 0x77, 0xe2, 0x7b,
	0xa2, 0xb2, 0xf7, 0xbc, 0x8a, 0xb3, 0x17, 0x49, 0xb9, 0x4b, 0xf8, 0x15,
	0x66, 0x56, 0x11, 0xd8,
};

static const uint8_t aes256_sha256_iv[] = {
	0x35, 0x32, 0xe9, 0xfa, 0xb8, 0xc0, 0x04, 0x86, 0xd9, 0x79, 0x1b, 0xc7,
	0x29, 0x50, 0xd4, 0x97,
};

static const uint8_t aes256_sha256_ip[] = {
	0x45, 0x00, 0x00, 0x34, 0x3e, 0x01, 0x40, 0x00, 0x40, 0x01, 0xe8, 0x57,
	0x0a, 0x37, 0x00, 0x01, 0x0a, 0x37, 0x00, 0x02, 0x08, 0x00, 0x8b, 0x14,
	0x3d, 0x65, 0x00, 0x01, 0xa9, 0x80, 0x04, 0x6b, 0x00, 0x00, 0x00, 0x00,
	0x73, 0x8c, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x41, 0x42, 0x43, 0x44,
	0x41, 0x42, 0x43, 0x44,
};

static const uint8_t aes128_sha1_wire[] = {
	0xf0, 0x25, 0xad, 0x87, 0x1c, 0x93, 0xd9, 0x36, 0xe3, 0x1c, 0x2a, 0xc7,
	0x2f, 0x07, 0xb0, 0x58, 0xf6, 0x90, 0xdf, 0x08, 0x33, 0xcd, 0x7e, 0xca,
	0x3a, 0x46, 0x02, 0x0b, 0x06, 0x10, 0xcf, 0xb9, 0x20, 0x91, 0x38, 0xdd,
	0xad, 0x6d, 0xee, 0x00, 0x73, 0x3b, 0x32, 0x1f, 0x0c, 0x58, 0x81, 0xac,
	0x5e, 0xed, 0xc2, 0x43, 0x69, 0x32, 0xe8, 0x5c, 0x7a, 0xd3, 0x62, 0x73,
	0x41, 0x72, 0xea, 0x0b, 0x8f, 0x5c, 0xd6, 0x35, 0xd6, 0xdb, 0xb1, 0x0a,
	0xf2, 0x82, 0xbb, 0x04, 0x1c, 0x60, 0xe9, 0x29, 0x1d, 0xec, 0x6f, 0xbb,
	0xe9, 0x10, 0xf0, 0xda, 0xb0, 0x07, 0x36, 0x7a, 0x17, 0xda, 0x37, 0xbf,
	0xbf, 0xa3, 0x0a, 0x2e,
};

static const uint8_t aes128_sha1_iv[] = {
	0x33, 0xcd, 0x7e, 0xca, 0x3a, 0x46, 0x02, 0x0b, 0x06, 0x10, 0xcf, 0xb9,
	0x20, 0x91, 0x38, 0xdd,
};

static const uint8_t aes128_sha1_ip[] = {
	0x45, 0x00, 0x00, 0x34, 0x2e, 0x0d, 0x40, 0x00, 0x40, 0x01, 0xf8, 0x4b,
	0x0a, 0x37, 0x00, 0x01, 0x0a, 0x37, 0x00, 0x02, 0x08, 0x00, 0x60, 0x7b,
	0x3d, 0xe4, 0x00, 0x01, 0xad, 0x80, 0x04, 0x6b, 0x00, 0x00, 0x00, 0x00,
	0x9b, 0xa6, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x41, 0x42, 0x43, 0x44,
	0x41, 0x42, 0x43, 0x44,
};

static const uint8_t none_sha256_wire[] = {
	0x3c, 0xc1, 0xeb, 0xf0, 0x35, 0x27, 0x13, 0xf4, 0x74, 0x72, 0xd1, 0x29,
	0x02, 0xc5, 0xb6, 0xf7, 0xcd, 0x06, 0xca, 0x1b, 0x96, 0xab, 0x70, 0x9f,
	0x03, 0xdb, 0xe9, 0xcb, 0x4c, 0xed, 0x35, 0xba, 0x00, 0x00, 0x00, 0x02,
	0x6b, 0x04, 0x80, 0xaf, 0x45, 0x00, 0x00, 0x34, 0xd1, 0x10, 0x40, 0x00,
	0x40, 0x01, 0x55, 0x48, 0x0a, 0x37, 0x00, 0x01, 0x0a, 0x37, 0x00, 0x02,
	0x08, 0x00, 0x7b, 0xd4, 0x3e, 0x5e, 0x00, 0x01, 0xb1, 0x80, 0x04, 0x6b,
	0x00, 0x00, 0x00, 0x00, 0x7d, 0xd3, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x41, 0x42, 0x43, 0x44, 0x41, 0x42, 0x43, 0x44,
};

static const uint8_t none_sha256_ip[] = {
	0x45, 0x00, 0x00, 0x34, 0xd1, 0x10, 0x40, 0x00, 0x40, 0x01, 0x55, 0x48,
	0x0a, 0x37, 0x00, 0x01, 0x0a, 0x37, 0x00, 0x02, 0x08, 0x00, 0x7b, 0xd4,
	0x3e, 0x5e, 0x00, 0x01, 0xb1, 0x80, 0x04, 0x6b, 0x00, 0x00, 0x00, 0x00,
	0x7d, 0xd3, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x41, 0x42, 0x43, 0x44,
	0x41, 0x42, 0x43, 0x44,
};

static const uint8_t aes128_none_wire[] = {
	0xb8, 0x10, 0x4d, 0xa7, 0x4c, 0x5d, 0xb9, 0x0f, 0xcb, 0xb0, 0xde, 0xb9,
	0x49, 0x8b, 0x47, 0x42, 0x52, 0xfa, 0x0c, 0x34, 0xff, 0xbd, 0x83, 0x29,
	0x19, 0x11, 0x1b, 0xfa, 0xbc, 0x77, 0x98, 0xed, 0x6a, 0x0d, 0x21, 0x11,
	0x89, 0xdc, 0x72, 0x06, 0x3f, 0xa3, 0xd4, 0x0c, 0xff, 0x29, 0x59, 0x38,
	0xb3, 0x7d, 0xe7, 0xd3, 0x6c, 0xc8, 0xc5, 0x36, 0x9a, 0x11, 0xe1, 0x72,
	0x1b, 0x62, 0xc1, 0x9e, 0xee, 0x68, 0xda, 0x8d, 0xfb, 0x64, 0x05, 0x89,
	0x50, 0xc3, 0x85, 0x61, 0x65, 0x00, 0xd9, 0xbe,
};

static const uint8_t aes128_none_iv[] = {
	0xb8, 0x10, 0x4d, 0xa7, 0x4c, 0x5d, 0xb9, 0x0f, 0xcb, 0xb0, 0xde, 0xb9,
	0x49, 0x8b, 0x47, 0x42,
};

static const uint8_t aes128_none_ip[] = {
	0x45, 0x00, 0x00, 0x34, 0xfd, 0xc8, 0x40, 0x00, 0x40, 0x01, 0x28, 0x90,
	0x0a, 0x37, 0x00, 0x01, 0x0a, 0x37, 0x00, 0x02, 0x08, 0x00, 0x6c, 0x1c,
	0x3f, 0x2e, 0x00, 0x01, 0xba, 0x80, 0x04, 0x6b, 0x00, 0x00, 0x00, 0x00,
	0x7f, 0xbb, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x41, 0x42, 0x43, 0x44,
	0x41, 0x42, 0x43, 0x44,
};

static const uint8_t aes256_sha256_nopid_wire[] = {
	0xf4, 0x61, 0x87, 0x94, 0x65, 0x5b, 0xd6, 0x55, 0x26, 0xc3, 0xa7, 0x37,
	0x13, 0xde, 0xed, 0x30, 0x46, 0xe0, 0x26, 0x40, 0xe1, 0x9b, 0xe0, 0x24,
	0x5f, 0x16, 0xee, 0x3f, 0x0b, 0x3b, 0xde, 0x35, 0x2b, 0x6a, 0xe9, 0xd7,
	0xe0, 0x0b, 0xb2, 0x5d, 0x65, 0x2b, 0x3c, 0x8e, 0x2a, 0x18, 0xd1, 0x7f,
	0xa3, 0x91, 0x35, 0x0d, 0x58, 0x44, 0x5d, 0x3b, 0x7d, 0xaa, 0x4a, 0x0a,
	0xb7, 0x6d, 0xff, 0x85, 0x0b, 0xff, 0x9d, 0xe0, 0x5f, 0xbc, 0x45, 0xd5,
	0xe0, 0x7b, 0x19, 0x48, 0x1d, 0x6d, 0x9c, 0x4f, 0x91, 0x2f, 0x10, 0x24,
	0xe1, 0xe6, 0xd9, 0x71, 0x50, 0xda, 0xaf, 0xe1, 0xdb, 0x83, 0x9a, 0x4f,
	0xbb, 0x9e, 0x64, 0x1e, 0x6a, 0xf9, 0xed, 0xab, 0x0c, 0x62, 0x2c, 0xc7,
	0x39, 0x92, 0xcd, 0x38,
};

static const uint8_t aes256_sha256_nopid_iv[] = {
	0x2b, 0x6a, 0xe9, 0xd7, 0xe0, 0x0b, 0xb2, 0x5d, 0x65, 0x2b, 0x3c, 0x8e,
	0x2a, 0x18, 0xd1, 0x7f,
};

static const uint8_t aes256_sha256_nopid_ip[] = {
	0x45, 0x00, 0x00, 0x34, 0x5a, 0x25, 0x40, 0x00, 0x40, 0x01, 0xcc, 0x33,
	0x0a, 0x37, 0x00, 0x01, 0x0a, 0x37, 0x00, 0x02, 0x08, 0x00, 0x2e, 0xe9,
	0x7e, 0x67, 0x00, 0x01, 0x7c, 0x85, 0x04, 0x6b, 0x00, 0x00, 0x00, 0x00,
	0xbf, 0xb0, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x41, 0x42, 0x43, 0x44,
	0x41, 0x42, 0x43, 0x44,
};

struct kat {
	const char *name;
	const char *cipher;
	const char *auth;
	int dir;                    /* the sender's --secret direction */
	bool pid;                   /* false: --no-replay, no packet id */
	const uint8_t *wire;
	size_t wire_len;
	const uint8_t *iv;          /* NULL with cipher none */
	uint32_t id, time;
	const uint8_t *ip;
	size_t ip_len;
};

#define V(p) p##_wire, sizeof(p##_wire)
#define IP(p) p##_ip, sizeof(p##_ip)

static const struct kat kats[] = {
	/* --secret k 0 --cipher AES-256-CBC --auth SHA256 */
	{ "AES-256-CBC/SHA256", "AES-256-CBC", "SHA256", RV_KEYDIR_NORMAL, true,
	  V(aes256_sha256), aes256_sha256_iv, 3, 0x6b0480a1, IP(aes256_sha256) },
	/* --secret k --cipher AES-128-CBC --auth SHA1 (no direction) */
	{ "AES-128-CBC/SHA1", "AES-128-CBC", "SHA1", RV_KEYDIR_BIDI, true, V(aes128_sha1),
	  aes128_sha1_iv, 2, 0x6b0480ab, IP(aes128_sha1) },
	/* --secret k 1 --cipher none --auth SHA256 */
	{ "none/SHA256", "none", "SHA256", RV_KEYDIR_INVERSE, true, V(none_sha256), NULL,
	  2, 0x6b0480af, IP(none_sha256) },
	/* --secret k 0 --cipher AES-128-CBC --auth none */
	{ "AES-128-CBC/none", "AES-128-CBC", "none", RV_KEYDIR_NORMAL, true, V(aes128_none),
	  aes128_none_iv, 3, 0x6b0480b2, IP(aes128_none) },
	/* --secret k 0 --cipher AES-256-CBC --auth SHA256 --no-replay */
	{ "AES-256-CBC/SHA256, no-replay", "AES-256-CBC", "SHA256", RV_KEYDIR_NORMAL, false,
	  V(aes256_sha256_nopid), aes256_sha256_nopid_iv, 0, 0, IP(aes256_sha256_nopid) },
};

enum {
	KAT_AES256_SHA256, KAT_AES128_SHA1, KAT_NONE_SHA256, KAT_AES128_NONE,
	KAT_AES256_SHA256_NOPID, NKATS
};

/* --- helpers --------------------------------------------------------------- */

/* The key file of the vectors: 256 bytes counting up from 0. */
static void
pattern_key(struct rv_key2 *k)
{
	uint8_t *p = (uint8_t *)k->keys;

	for (size_t i = 0; i < sizeof(k->keys); i++)
		p[i] = (uint8_t)i;
	k->n = 2;
}

/* The peer of direction dir: 0 and 1 swap, no direction stays. */
static int
peer_dir(int dir)
{
	return dir == RV_KEYDIR_BIDI ? RV_KEYDIR_BIDI : !dir;
}

/* Keys c as a peer with --secret direction dir. */
static void
init_as(struct rv_crypto *c, const char *cipher, const char *auth, int dir)
{
	struct rv_key2 k;
	const struct rv_key *send, *recv;

	pattern_key(&k);
	assert_int_equal(rv_key2_select(&k, dir, &send, &recv), 0);
	assert_int_equal(rv_crypto_init_static(c, cipher, auth, send, recv), 0);
	rv_key2_wipe(&k);
}

/* Keys c as the sender (send true) or the receiver of vector k. */
static void
init_kat(struct rv_crypto *c, const struct kat *k, bool send)
{
	init_as(c, k->cipher, k->auth, send ? k->dir : peer_dir(k->dir));
	rv_crypto_set_packet_id(c, k->pid);
}

/* A writable packet buffer holding data[len] after HEADROOM bytes. */
static void
load(struct rv_buf *b, uint8_t mem[static PKT_MAX], const void *data, size_t len)
{
	rv_buf_init(b, mem, PKT_MAX, HEADROOM);
	assert_int_equal(rv_buf_put(b, data, len), 0);
}

static void
assert_buf_equal(const struct rv_buf *b, const void *data, size_t len)
{
	assert_int_equal(rv_buf_len(b), len);
	assert_memory_equal(rv_buf_data(b), data, len);
}

/* Opens pkt[len] with c; returns the result, and on success checks nothing. */
static int
open_bytes(struct rv_crypto *c, const void *pkt, size_t len, struct rv_buf *b,
    uint8_t mem[static PKT_MAX], struct rv_pid *pid)
{
	load(b, mem, pkt, len);
	return rv_crypto_open(c, b, pid);
}

/* Builds a packet the way openvpn does, with OpenSSL directly rather than
 * through crypto.c: [HMAC] [IV] CBC(pt) with the sender keys of dir, or
 * [HMAC] [pt] for cipher none. pt is the whole plaintext, packet id included,
 * so tests can make packets crypto.c would never seal. Returns the length. */
static size_t
forge(const struct kat *k, const uint8_t *iv, const void *pt, size_t ptlen,
    uint8_t out[static PKT_MAX])
{
	const EVP_MD *md = strcmp(k->auth, "SHA256") == 0 ? EVP_sha256() :
	    strcmp(k->auth, "SHA1") == 0 ? EVP_sha1() : NULL;
	const EVP_CIPHER *ciph = strcmp(k->cipher, "AES-256-CBC") == 0 ? EVP_aes_256_cbc() :
	    strcmp(k->cipher, "AES-128-CBC") == 0 ? EVP_aes_128_cbc() : NULL;
	struct rv_key2 key;
	const struct rv_key *send, *recv;
	size_t hlen = md != NULL ? (size_t)EVP_MD_get_size(md) : 0, body = hlen;
	unsigned int maclen;

	pattern_key(&key);
	assert_int_equal(rv_key2_select(&key, k->dir, &send, &recv), 0);
	if (ciph != NULL) {
		EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
		int l1, l2;

		memcpy(out + body, iv, 16);
		body += 16;
		assert_non_null(ctx);
		assert_int_equal(EVP_EncryptInit_ex(ctx, ciph, NULL, send->cipher, iv), 1);
		assert_int_equal(EVP_EncryptUpdate(ctx, out + body, &l1, pt, (int)ptlen), 1);
		assert_int_equal(EVP_EncryptFinal_ex(ctx, out + body + l1, &l2), 1);
		EVP_CIPHER_CTX_free(ctx);
		body += (size_t)(l1 + l2);
	} else {
		memcpy(out + body, pt, ptlen);
		body += ptlen;
	}
	if (md != NULL) {
		assert_non_null(HMAC(md, send->hmac, (int)hlen, out + hlen, body - hlen, out,
		    &maclen));
		assert_int_equal(maclen, hlen);
	}
	rv_key2_wipe(&key);
	return body;
}

/* --- known answers --------------------------------------------------------- */

/* openvpn's packet opens to the IP packet and packet id it logged. */
static void
test_kat_open(void **state)
{
	(void)state;
	for (size_t i = 0; i < NKATS; i++) {
		const struct kat *k = &kats[i];
		struct rv_crypto c;
		struct rv_buf b;
		struct rv_pid pid = { 0, 0 };
		uint8_t mem[PKT_MAX];

		print_message("%s\n", k->name);
		init_kat(&c, k, false);
		if (k->iv != NULL)
			assert_memory_equal(k->wire + c.hmac_len, k->iv, c.iv_len);
		assert_int_equal(open_bytes(&c, k->wire, k->wire_len, &b, mem, &pid), 0);
		assert_int_equal(pid.id, k->id);
		assert_int_equal(pid.time, k->time);
		assert_buf_equal(&b, k->ip, k->ip_len);
		rv_crypto_clear(&c);
	}
}

/* Sealing the IP packet with openvpn's IV, packet id and time gives its bytes;
 * the time comes from the clock at the first packet. */
static void
test_kat_seal(void **state)
{
	(void)state;
	for (size_t i = 0; i < NKATS; i++) {
		const struct kat *k = &kats[i];
		uint8_t iv[RV_CRYPTO_IV_MAX] = { 0 }, mem[PKT_MAX];
		struct rv_crypto c;
		struct rv_buf b;

		print_message("%s\n", k->name);
		init_kat(&c, k, true);
		if (k->iv != NULL)
			memcpy(iv, k->iv, c.iv_len);
		if (k->pid) {
			c.send_id = k->id - 1;
			mock_clock_set(rv_sec(1000), (time_t)k->time);
		}
		load(&b, mem, k->ip, k->ip_len);
		assert_int_equal(seal_iv(&c, &b, iv), 0);
		assert_buf_equal(&b, k->wire, k->wire_len);
		assert_int_equal(c.send_id, k->id);
		assert_int_equal(c.send_time, k->time);
		rv_crypto_clear(&c);
	}
}

/* The forger agrees with openvpn, so packets it makes are what openvpn would
 * send with that plaintext. */
static void
test_forge_matches_openvpn(void **state)
{
	(void)state;
	for (size_t i = 0; i < NKATS; i++) {
		const struct kat *k = &kats[i];
		uint8_t pt[PKT_MAX], out[PKT_MAX];
		size_t n, pl = k->pid ? 8 : 0;

		print_message("%s\n", k->name);
		pt[0] = 0, pt[1] = 0, pt[2] = 0, pt[3] = (uint8_t)k->id;
		pt[4] = (uint8_t)(k->time >> 24), pt[5] = (uint8_t)(k->time >> 16);
		pt[6] = (uint8_t)(k->time >> 8), pt[7] = (uint8_t)k->time;
		memcpy(pt + pl, k->ip, k->ip_len);
		n = forge(k, k->iv, pt, pl + k->ip_len, out);
		assert_int_equal(n, k->wire_len);
		assert_memory_equal(out, k->wire, n);
	}
}

/* --- round trips ------------------------------------------------------------ */

/* Packets sealed with random IVs open at the peer; ids count up from 1 and
 * the time stays that of the first packet. */
static void
test_round_trip(void **state)
{
	static const char *const algs[][2] = {
		{ "AES-256-CBC", "SHA256" }, { "AES-128-CBC", "SHA1" }, { "aes-256-cbc", "sha512" },
		{ "none", "SHA1" }, { "AES-192-CBC", "none" }, { "none", "none" },
	};
	uint8_t payload[300], mem[PKT_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 7);
	for (size_t a = 0; a < sizeof(algs) / sizeof(algs[0]); a++) {
		struct rv_crypto tx, rx;

		print_message("%s/%s\n", algs[a][0], algs[a][1]);
		init_as(&tx, algs[a][0], algs[a][1], RV_KEYDIR_INVERSE);
		init_as(&rx, algs[a][0], algs[a][1], RV_KEYDIR_NORMAL);
		mock_clock_set(rv_sec(1000), T0);
		/* Every length from empty to beyond a few blocks. */
		for (uint32_t n = 0; n < 40; n++) {
			struct rv_buf b;
			struct rv_pid pid;
			size_t plen = n * 7 % sizeof(payload);

			load(&b, mem, payload, plen);
			assert_int_equal(rv_crypto_seal(&tx, &b), 0);
			assert_true(rv_buf_len(&b) <= plen + rv_crypto_overhead(&tx));
			assert_int_equal(rv_crypto_open(&rx, &b, &pid), 0);
			assert_int_equal(pid.id, n + 1);
			assert_int_equal(pid.time, T0);
			assert_buf_equal(&b, payload, plen);
			mock_clock_advance(rv_sec(1));
		}
		rv_crypto_clear(&tx);
		rv_crypto_clear(&rx);
	}
}

/* Two random IVs never seal the same payload to the same bytes. */
static void
test_seal_random_iv(void **state)
{
	uint8_t m1[PKT_MAX], m2[PKT_MAX];
	struct rv_crypto c1, c2;
	struct rv_buf b1, b2;

	(void)state;
	init_as(&c1, "AES-256-CBC", "SHA256", RV_KEYDIR_NORMAL);
	init_as(&c2, "AES-256-CBC", "SHA256", RV_KEYDIR_NORMAL);
	load(&b1, m1, "same", 4);
	load(&b2, m2, "same", 4);
	assert_int_equal(rv_crypto_seal(&c1, &b1), 0);
	assert_int_equal(rv_crypto_seal(&c2, &b2), 0);
	assert_int_equal(rv_buf_len(&b1), rv_buf_len(&b2));
	assert_memory_not_equal(rv_buf_data(&b1) + 32, rv_buf_data(&b2) + 32, 16);
	rv_crypto_clear(&c1);
	rv_crypto_clear(&c2);
}

/* Which receiving direction opens what: keys[0] sends for direction 0 and
 * for no direction, keys[1] for direction 1. */
static void
test_direction_pairs(void **state)
{
	static const struct {
		size_t kat;
		int dir;
		int want;
	} cases[] = {
		{ KAT_AES256_SHA256, RV_KEYDIR_INVERSE, 0 },
		{ KAT_AES256_SHA256, RV_KEYDIR_NORMAL, RV_ERR_AUTH },
		{ KAT_AES256_SHA256, RV_KEYDIR_BIDI, 0 },
		{ KAT_NONE_SHA256, RV_KEYDIR_NORMAL, 0 },
		{ KAT_NONE_SHA256, RV_KEYDIR_INVERSE, RV_ERR_AUTH },
		{ KAT_NONE_SHA256, RV_KEYDIR_BIDI, RV_ERR_AUTH },
		{ KAT_AES128_SHA1, RV_KEYDIR_BIDI, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct kat *k = &kats[cases[i].kat];
		uint8_t mem[PKT_MAX];
		struct rv_crypto c;
		struct rv_buf b;
		struct rv_pid pid;

		print_message("%s, receiver direction %d\n", k->name, cases[i].dir);
		init_as(&c, k->cipher, k->auth, cases[i].dir);
		assert_int_equal(open_bytes(&c, k->wire, k->wire_len, &b, mem, &pid),
		    cases[i].want);
		rv_crypto_clear(&c);
	}
}

/* --- tampering ----------------------------------------------------------------- */

/* Flipping any one bit of HMAC, IV, ciphertext (or, with cipher none, the
 * packet id and payload) fails authentication. */
static void
test_tamper_bit(void **state)
{
	static const size_t with_hmac[] = {
		KAT_AES256_SHA256, KAT_AES128_SHA1, KAT_NONE_SHA256, KAT_AES256_SHA256_NOPID,
	};

	(void)state;
	for (size_t i = 0; i < sizeof(with_hmac) / sizeof(with_hmac[0]); i++) {
		const struct kat *k = &kats[with_hmac[i]];
		struct rv_crypto c;

		print_message("%s\n", k->name);
		init_kat(&c, k, false);
		for (size_t at = 0; at < k->wire_len; at++) {
			uint8_t pkt[PKT_MAX], mem[PKT_MAX];
			struct rv_buf b;
			struct rv_pid pid;

			memcpy(pkt, k->wire, k->wire_len);
			pkt[at] ^= (uint8_t)(1u << (at % 8));
			assert_int_equal(open_bytes(&c, pkt, k->wire_len, &b, mem, &pid),
			    RV_ERR_AUTH);
		}
		rv_crypto_clear(&c);
	}
}

/* Bytes added or removed at either end fail authentication too. */
static void
test_tamper_length(void **state)
{
	const struct kat *k = &kats[KAT_AES256_SHA256];
	uint8_t pkt[PKT_MAX], mem[PKT_MAX];
	struct rv_crypto c;
	struct rv_buf b;
	struct rv_pid pid;

	(void)state;
	init_kat(&c, k, false);
	memcpy(pkt, k->wire, k->wire_len);
	pkt[k->wire_len] = 0;
	assert_int_equal(open_bytes(&c, pkt, k->wire_len + 1, &b, mem, &pid), RV_ERR_AUTH);
	assert_int_equal(open_bytes(&c, pkt, k->wire_len - 1, &b, mem, &pid), RV_ERR_AUTH);
	assert_int_equal(open_bytes(&c, pkt, k->wire_len - 16, &b, mem, &pid), RV_ERR_AUTH);
	assert_int_equal(open_bytes(&c, pkt, 32, &b, mem, &pid), RV_ERR_AUTH);
	rv_crypto_clear(&c);
}

/* Without HMAC, broken padding reaches the cipher and is refused there. */
static void
test_bad_padding(void **state)
{
	const struct kat *k = &kats[KAT_AES128_NONE];
	/* The last plaintext block is 12 bytes of IP packet and 04 04 04 04;
	 * XOR on the previous ciphertext block changes it at will. */
	static const struct {
		uint8_t last;       /* what the last plaintext byte becomes */
	} cases[] = { { 0x00 }, { 0x05 }, { 0x11 }, { 0xff } };
	size_t prev = k->wire_len - 16 - 1;   /* last byte of the previous block */

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t pkt[PKT_MAX], mem[PKT_MAX];
		struct rv_crypto c;
		struct rv_buf b;
		struct rv_pid pid;

		init_kat(&c, k, false);
		memcpy(pkt, k->wire, k->wire_len);
		pkt[prev] ^= 0x04 ^ cases[i].last;
		assert_int_equal(open_bytes(&c, pkt, k->wire_len, &b, mem, &pid),
		    RV_ERR_DECRYPT);
		rv_crypto_clear(&c);
	}
}

/* The flip that keeps the padding valid (last byte 01) still decrypts, so
 * the test above really exercises the padding check. */
static void
test_padding_control(void **state)
{
	const struct kat *k = &kats[KAT_AES128_NONE];
	uint8_t pkt[PKT_MAX], mem[PKT_MAX];
	struct rv_crypto c;
	struct rv_buf b;
	struct rv_pid pid;

	(void)state;
	init_kat(&c, k, false);
	memcpy(pkt, k->wire, k->wire_len);
	pkt[k->wire_len - 17] ^= 0x04 ^ 0x01;
	assert_int_equal(open_bytes(&c, pkt, k->wire_len, &b, mem, &pid), 0);
	assert_int_equal(rv_buf_len(&b), k->ip_len + 3);
	rv_crypto_clear(&c);
}

/* Without HMAC, ciphertext that is not whole blocks is a decryption error. */
static void
test_partial_block(void **state)
{
	const struct kat *k = &kats[KAT_AES128_NONE];
	uint8_t mem[PKT_MAX];
	struct rv_crypto c;
	struct rv_buf b;
	struct rv_pid pid;

	(void)state;
	init_kat(&c, k, false);
	assert_int_equal(open_bytes(&c, k->wire, k->wire_len - 1, &b, mem, &pid),
	    RV_ERR_DECRYPT);
	assert_int_equal(open_bytes(&c, k->wire, 16 + 15, &b, mem, &pid), RV_ERR_DECRYPT);
	assert_int_equal(open_bytes(&c, k->wire, 16 + 17, &b, mem, &pid), RV_ERR_DECRYPT);
	/* An IV with no ciphertext at all */
	assert_int_equal(open_bytes(&c, k->wire, 16, &b, mem, &pid), RV_ERR_DECRYPT);
	rv_crypto_clear(&c);
}

/* --- truncation ------------------------------------------------------------------ */

/* Too short for the HMAC, the IV or the packet id: RV_ERR_SHORT. */
static void
test_truncated(void **state)
{
	static const struct {
		size_t kat;
		size_t len;
	} cases[] = {
		{ KAT_AES256_SHA256, 0 },
		{ KAT_AES256_SHA256, 1 },
		{ KAT_AES256_SHA256, 31 },      /* one byte short of the HMAC */
		{ KAT_AES128_SHA1, 0 },
		{ KAT_AES128_SHA1, 19 },
		{ KAT_NONE_SHA256, 31 },
		{ KAT_AES128_NONE, 0 },
		{ KAT_AES128_NONE, 15 },        /* one byte short of the IV */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct kat *k = &kats[cases[i].kat];
		uint8_t mem[PKT_MAX];
		struct rv_crypto c;
		struct rv_buf b;
		struct rv_pid pid;

		print_message("%s, %zu bytes\n", k->name, cases[i].len);
		init_kat(&c, k, false);
		assert_int_equal(open_bytes(&c, k->wire, cases[i].len, &b, mem, &pid),
		    RV_ERR_SHORT);
		rv_crypto_clear(&c);
	}
}

/* Authentic packets whose plaintext is shorter than the 8-byte packet id, or
 * that end inside the IV: RV_ERR_SHORT, after the HMAC passed. */
static void
test_truncated_authentic(void **state)
{
	static const uint8_t pt[8] = { 0, 0, 0, 1, 0x65, 0x53, 0xf1, 0x00 };
	static const uint8_t iv[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };

	(void)state;
	for (size_t i = 0; i < NKATS; i++) {
		const struct kat *k = &kats[i];
		uint8_t pkt[PKT_MAX], mem[PKT_MAX];
		struct rv_crypto c;
		struct rv_buf b;
		struct rv_pid pid;

		if (!k->pid)
			continue;
		print_message("%s\n", k->name);
		init_kat(&c, k, false);
		for (size_t n = 0; n < 8; n++) {
			size_t len = forge(k, iv, pt, n, pkt);

			assert_int_equal(open_bytes(&c, pkt, len, &b, mem, &pid), RV_ERR_SHORT);
		}
		/* exactly the packet id: an empty payload */
		assert_int_equal(open_bytes(&c, pkt, forge(k, iv, pt, 8, pkt), &b, mem, &pid), 0);
		assert_int_equal(pid.id, 1);
		assert_int_equal(pid.time, 0x6553f100);
		assert_int_equal(rv_buf_len(&b), 0);
		rv_crypto_clear(&c);
	}
}

/* An HMAC over a packet that ends inside the IV. */
static void
test_truncated_iv_authentic(void **state)
{
	const struct kat *k = &kats[KAT_AES256_SHA256];
	uint8_t pkt[PKT_MAX], mem[PKT_MAX];
	struct rv_key2 key;
	const struct rv_key *send, *recv;
	struct rv_crypto c;
	struct rv_buf b;
	struct rv_pid pid;
	unsigned int maclen;

	(void)state;
	pattern_key(&key);
	assert_int_equal(rv_key2_select(&key, k->dir, &send, &recv), 0);
	memset(pkt + 32, 0xaa, 10);
	assert_non_null(HMAC(EVP_sha256(), send->hmac, 32, pkt + 32, 10, pkt, &maclen));
	init_kat(&c, k, false);
	assert_int_equal(open_bytes(&c, pkt, 32 + 10, &b, mem, &pid), RV_ERR_SHORT);
	rv_crypto_clear(&c);
	rv_key2_wipe(&key);
}

/* Opening decrypts in place, so a read-only view is refused. */
static void
test_open_readonly(void **state)
{
	const struct kat *k = &kats[KAT_AES256_SHA256];
	struct rv_crypto c;
	struct rv_buf b;
	struct rv_pid pid;

	(void)state;
	init_kat(&c, k, false);
	rv_buf_init_ro(&b, k->wire, k->wire_len);
	assert_int_equal(rv_crypto_open(&c, &b, &pid), RV_ERR_READONLY);
	rv_crypto_clear(&c);
}

/* --- algorithm checks -------------------------------------------------------------- */

static void
test_check_static_ok(void **state)
{
	static const char *const ok[][2] = {
		{ "AES-256-CBC", "SHA256" }, { "AES-128-CBC", "SHA1" }, { "aes-192-cbc", "sha512" },
		{ "none", "none" }, { "[null-cipher]", "[null-digest]" }, { "AES-256-CBC", "none" },
	};
	char err[RV_CRYPTO_ERRLEN];
	const char *which = NULL;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		assert_int_equal(rv_crypto_check_static(ok[i][0], ok[i][1], &which, err), 0);
}

static void
assert_check_fails(const char *cipher, const char *auth, const char *which,
    const char *msg)
{
	char err[RV_CRYPTO_ERRLEN] = "";
	const char *w = NULL;

	assert_int_equal(rv_crypto_check_static(cipher, auth, &w, err), RV_ERR_UNSUPPORTED);
	assert_non_null(w);
	assert_string_equal(w, which);
	assert_string_equal(err, msg);
}

static void
test_check_static_aead(void **state)
{
	(void)state;
	assert_check_fails("AES-256-GCM", "SHA256", "cipher", "AES-256-GCM is an AEAD cipher, "
	    "which needs TLS mode; static-key mode uses a CBC cipher such as AES-256-CBC");
	assert_check_fails("AES-128-GCM", "SHA1", "cipher", "AES-128-GCM is an AEAD cipher, "
	    "which needs TLS mode; static-key mode uses a CBC cipher such as AES-256-CBC");
	assert_check_fails("CHACHA20-POLY1305", "SHA256", "cipher", "CHACHA20-POLY1305 is an "
	    "AEAD cipher, which needs TLS mode; static-key mode uses a CBC cipher such as "
	    "AES-256-CBC");
}

static void
test_check_static_not_cbc(void **state)
{
	(void)state;
	assert_check_fails("AES-256-CFB", "SHA256", "cipher", "AES-256-CFB is not a CBC cipher; "
	    "static-key mode supports CBC ciphers such as AES-256-CBC");
	assert_check_fails("AES-128-CTR", "SHA256", "cipher", "AES-128-CTR is not a CBC cipher; "
	    "static-key mode supports CBC ciphers such as AES-256-CBC");
}

/* BF-CBC (OpenVPN's default cipher) lives in OpenSSL 3's legacy provider,
 * which this process never loads unless the system configuration does. */
static void
test_check_static_legacy(void **state)
{
	EVP_CIPHER *bf = EVP_CIPHER_fetch(NULL, "BF-CBC", NULL);

	(void)state;
	if (bf != NULL) {
		EVP_CIPHER_free(bf);
		skip();
	}
	assert_check_fails("BF-CBC", "SHA1", "cipher", "cipher BF-CBC is not available: "
	    "OpenSSL 3 keeps it in its legacy provider. Use --cipher AES-256-CBC on both "
	    "peers, or load it with --providers legacy default");
	assert_check_fails("bf-cbc", "SHA1", "cipher", "cipher bf-cbc is not available: "
	    "OpenSSL 3 keeps it in its legacy provider. Use --cipher AES-256-CBC on both "
	    "peers, or load it with --providers legacy default");
}

static void
test_check_static_unknown(void **state)
{
	(void)state;
	assert_check_fails("AES-512-CBC", "SHA256", "cipher", "OpenSSL does not know the "
	    "cipher `AES-512-CBC' (see openssl list -cipher-algorithms)");
	assert_check_fails("AES-256-CBC", "SHA3000", "auth", "OpenSSL does not know the "
	    "digest `SHA3000' (use SHA1, SHA256, SHA512 or none)");
	/* the cipher is checked first */
	assert_check_fails("nope", "nope", "cipher", "OpenSSL does not know the cipher `nope' "
	    "(see openssl list -cipher-algorithms)");
}

/* --- initialisation and sizes ----------------------------------------------------- */

static void
test_init_names(void **state)
{
	struct rv_crypto c;

	(void)state;
	init_as(&c, "aes-128-cbc", "sha1", RV_KEYDIR_BIDI);
	assert_string_equal(c.cipher_name, "AES-128-CBC");
	assert_string_equal(c.auth_name, "SHA1");
	assert_int_equal(c.key_len, 16);
	assert_int_equal(c.iv_len, 16);
	assert_int_equal(c.block_len, 16);
	assert_int_equal(c.hmac_len, 20);
	assert_int_equal(c.send_id, 0);
	assert_int_equal(c.send_time, 0);
	rv_crypto_clear(&c);
	init_as(&c, "[null-cipher]", "[null-digest]", RV_KEYDIR_BIDI);
	assert_string_equal(c.cipher_name, "none");
	assert_string_equal(c.auth_name, "none");
	assert_int_equal(c.key_len, 0);
	assert_int_equal(c.iv_len, 0);
	assert_int_equal(c.block_len, 1);
	assert_int_equal(c.hmac_len, 0);
	assert_null(c.enc.cipher);
	assert_null(c.enc.hmac);
	rv_crypto_clear(&c);
}

/* An unknown algorithm leaves nothing allocated (LeakSanitizer checks). */
static void
test_init_unknown(void **state)
{
	struct rv_key2 k;
	struct rv_crypto c;

	(void)state;
	pattern_key(&k);
	assert_int_equal(rv_crypto_init_static(&c, "AES-512-CBC", "SHA256", &k.keys[0],
	    &k.keys[1]), RV_ERR_UNSUPPORTED);
	assert_null(c.enc.cipher);
	assert_null(c.dec.hmac);
	assert_int_equal(rv_crypto_init_static(&c, "AES-256-CBC", "SHA3000", &k.keys[0],
	    &k.keys[1]), RV_ERR_UNSUPPORTED);
	assert_null(c.enc.cipher);
	assert_null(c.dec.hmac);
}

static void
test_overhead(void **state)
{
	static const struct {
		const char *cipher, *auth;
		size_t overhead;
	} cases[] = {
		{ "AES-256-CBC", "SHA256", 72 },   /* 32 + 16 + 8 + 16; link-mtu 1572 */
		{ "AES-128-CBC", "SHA1", 60 },     /* 20 + 16 + 8 + 16; link-mtu 1560 */
		{ "AES-256-CBC", "SHA512", 104 },
		{ "AES-128-CBC", "none", 40 },     /* link-mtu 1540 */
		{ "none", "SHA256", 40 },
		{ "none", "none", 8 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rv_crypto c;

		init_as(&c, cases[i].cipher, cases[i].auth, RV_KEYDIR_BIDI);
		assert_int_equal(rv_crypto_overhead(&c), cases[i].overhead);
		rv_crypto_clear(&c);
	}
}

/* The largest packet never grows by more than the overhead. */
static void
test_overhead_is_enough(void **state)
{
	uint8_t mem[PKT_MAX], payload[1500] = { 0 };
	struct rv_crypto c;

	(void)state;
	init_as(&c, "AES-256-CBC", "SHA256", RV_KEYDIR_BIDI);
	for (size_t n = 1484; n <= sizeof(payload); n++) {
		struct rv_buf b;

		/* exactly the headroom and tailroom the API asks for */
		rv_buf_init(&b, mem, 56 + n + 16, 56);
		assert_int_equal(rv_buf_put(&b, payload, n), 0);
		assert_int_equal(rv_crypto_seal(&c, &b), 0);
		assert_true(rv_buf_len(&b) <= n + rv_crypto_overhead(&c));
		assert_int_equal(rv_buf_len(&b), 48 + (n + 8) / 16 * 16 + 16);
	}
	rv_crypto_clear(&c);
}

/* --- buffer space ------------------------------------------------------------------ */

/* Too little headroom or tailroom: RV_ERR_NOSPACE, nothing changed and no
 * packet id used up. */
static void
test_nospace(void **state)
{
	static const struct {
		const char *cipher, *auth;
		size_t head, tail;
		int want;
	} cases[] = {
		{ "AES-256-CBC", "SHA256", 55, 16, RV_ERR_NOSPACE },
		{ "AES-256-CBC", "SHA256", 56, 15, RV_ERR_NOSPACE },
		{ "AES-256-CBC", "SHA256", 0, 64, RV_ERR_NOSPACE },
		{ "AES-256-CBC", "SHA256", 56, 16, 0 },
		{ "AES-128-CBC", "SHA1", 43, 16, RV_ERR_NOSPACE },
		{ "AES-128-CBC", "SHA1", 44, 16, 0 },
		{ "none", "SHA256", 39, 0, RV_ERR_NOSPACE },
		{ "none", "SHA256", 40, 0, 0 },
		{ "none", "none", 7, 0, RV_ERR_NOSPACE },
		{ "none", "none", 8, 0, 0 },
	};
	static const uint8_t payload[20] = "twenty bytes of data";

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t mem[PKT_MAX];
		struct rv_crypto c;
		struct rv_buf b;

		print_message("%s/%s head %zu tail %zu\n", cases[i].cipher, cases[i].auth,
		    cases[i].head, cases[i].tail);
		init_as(&c, cases[i].cipher, cases[i].auth, RV_KEYDIR_BIDI);
		c.send_id = 41;
		c.send_time = T0;
		rv_buf_init(&b, mem, cases[i].head + sizeof(payload) + cases[i].tail,
		    cases[i].head);
		assert_int_equal(rv_buf_put(&b, payload, sizeof(payload)), 0);
		assert_int_equal(rv_crypto_seal(&c, &b), cases[i].want);
		if (cases[i].want != 0) {
			assert_buf_equal(&b, payload, sizeof(payload));
			assert_int_equal(c.send_id, 41);
		} else {
			assert_int_equal(c.send_id, 42);
		}
		rv_crypto_clear(&c);
	}
}

/* --- packet ids ---------------------------------------------------------------------- */

/* Seals one packet with tx and opens it with rx, returning its packet id. */
static struct rv_pid
seal_open(struct rv_crypto *tx, struct rv_crypto *rx)
{
	uint8_t mem[PKT_MAX];
	struct rv_buf b;
	struct rv_pid pid = { 0, 0 };

	load(&b, mem, "x", 1);
	assert_int_equal(rv_crypto_seal(tx, &b), 0);
	assert_int_equal(rv_crypto_open(rx, &b, &pid), 0);
	assert_buf_equal(&b, "x", 1);
	return pid;
}

/* The time of the first packet stays for the whole sequence. */
static void
test_pid_time_fixed(void **state)
{
	struct rv_crypto tx, rx;
	struct rv_pid pid;

	(void)state;
	init_as(&tx, "AES-256-CBC", "SHA256", RV_KEYDIR_NORMAL);
	init_as(&rx, "AES-256-CBC", "SHA256", RV_KEYDIR_INVERSE);
	mock_clock_set(rv_sec(1000), T0);
	pid = seal_open(&tx, &rx);
	assert_int_equal(pid.id, 1);
	assert_int_equal(pid.time, T0);
	mock_clock_advance(rv_sec(3600));
	pid = seal_open(&tx, &rx);
	assert_int_equal(pid.id, 2);
	assert_int_equal(pid.time, T0);
	rv_crypto_clear(&tx);
	rv_crypto_clear(&rx);
}

/* After id 2^32-1 the long form may start again at 1 only with a later time
 * (wire facts 6.8); until the clock moves on, sealing refuses. */
static void
test_pid_wrap(void **state)
{
	uint8_t mem[PKT_MAX];
	struct rv_crypto tx, rx;
	struct rv_buf b;
	struct rv_pid pid;

	(void)state;
	init_as(&tx, "AES-128-CBC", "SHA1", RV_KEYDIR_NORMAL);
	init_as(&rx, "AES-128-CBC", "SHA1", RV_KEYDIR_INVERSE);
	mock_clock_set(rv_sec(1000), T0);
	tx.send_id = UINT32_MAX - 1;
	tx.send_time = T0;
	pid = seal_open(&tx, &rx);
	assert_int_equal(pid.id, UINT32_MAX);
	assert_int_equal(pid.time, T0);

	/* same second: refused, nothing changed */
	load(&b, mem, "x", 1);
	assert_int_equal(rv_crypto_seal(&tx, &b), RV_ERR_LIMIT);
	assert_buf_equal(&b, "x", 1);
	assert_int_equal(tx.send_id, UINT32_MAX);
	assert_int_equal(tx.send_time, T0);

	/* a clock that went backwards does not help either */
	mock_clock_set(rv_sec(1000), T0 - 5);
	assert_int_equal(rv_crypto_seal(&tx, &b), RV_ERR_LIMIT);
	assert_int_equal(tx.send_id, UINT32_MAX);

	/* one second later: a new sequence */
	mock_clock_set(rv_sec(1001), T0 + 1);
	pid = seal_open(&tx, &rx);
	assert_int_equal(pid.id, 1);
	assert_int_equal(pid.time, T0 + 1);
	pid = seal_open(&tx, &rx);
	assert_int_equal(pid.id, 2);
	assert_int_equal(pid.time, T0 + 1);
	rv_crypto_clear(&tx);
	rv_crypto_clear(&rx);
}

/* Without packet ids (--no-replay) nothing is counted and nothing limits
 * sealing; the overhead and the headroom needed shrink by 8. */
static void
test_no_pid(void **state)
{
	uint8_t payload[100], mem[PKT_MAX];
	struct rv_crypto tx, rx;
	struct rv_buf b;
	struct rv_pid pid;

	(void)state;
	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)i;
	init_as(&tx, "AES-256-CBC", "SHA256", RV_KEYDIR_NORMAL);
	init_as(&rx, "AES-256-CBC", "SHA256", RV_KEYDIR_INVERSE);
	assert_int_equal(rv_crypto_overhead(&tx), 72);
	rv_crypto_set_packet_id(&tx, false);
	rv_crypto_set_packet_id(&rx, false);
	assert_int_equal(rv_crypto_overhead(&tx), 64);
	tx.send_id = UINT32_MAX;
	for (size_t n = 0; n < sizeof(payload); n += 9) {
		load(&b, mem, payload, n);
		assert_int_equal(rv_crypto_seal(&tx, &b), 0);
		assert_int_equal(rv_buf_len(&b), 48 + (n / 16 + 1) * 16);
		pid.id = pid.time = 77;
		assert_int_equal(rv_crypto_open(&rx, &b, &pid), 0);
		assert_int_equal(pid.id, 0);
		assert_int_equal(pid.time, 0);
		assert_buf_equal(&b, payload, n);
	}
	assert_int_equal(tx.send_id, UINT32_MAX);
	assert_int_equal(tx.send_time, 0);

	/* 48 bytes of headroom are enough now, 47 are not */
	rv_buf_init(&b, mem, 47 + 4 + 16, 47);
	assert_int_equal(rv_buf_put(&b, "abcd", 4), 0);
	assert_int_equal(rv_crypto_seal(&tx, &b), RV_ERR_NOSPACE);
	rv_buf_init(&b, mem, 48 + 4 + 16, 48);
	assert_int_equal(rv_buf_put(&b, "abcd", 4), 0);
	assert_int_equal(rv_crypto_seal(&tx, &b), 0);
	rv_crypto_clear(&tx);
	rv_crypto_clear(&rx);

	/* cipher and auth none: the payload as it is */
	init_as(&tx, "none", "none", RV_KEYDIR_BIDI);
	rv_crypto_set_packet_id(&tx, false);
	assert_int_equal(rv_crypto_overhead(&tx), 0);
	rv_buf_init(&b, mem, 4, 0);
	assert_int_equal(rv_buf_put(&b, "abcd", 4), 0);
	assert_int_equal(rv_crypto_seal(&tx, &b), 0);
	assert_buf_equal(&b, "abcd", 4);
	assert_int_equal(rv_crypto_open(&tx, &b, &pid), 0);
	assert_buf_equal(&b, "abcd", 4);
	rv_crypto_clear(&tx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kat_open),
		cmocka_unit_test(test_kat_seal),
		cmocka_unit_test(test_forge_matches_openvpn),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_seal_random_iv),
		cmocka_unit_test(test_direction_pairs),
		cmocka_unit_test(test_tamper_bit),
		cmocka_unit_test(test_tamper_length),
		cmocka_unit_test(test_bad_padding),
		cmocka_unit_test(test_padding_control),
		cmocka_unit_test(test_partial_block),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_truncated_authentic),
		cmocka_unit_test(test_truncated_iv_authentic),
		cmocka_unit_test(test_open_readonly),
		cmocka_unit_test(test_check_static_ok),
		cmocka_unit_test(test_check_static_aead),
		cmocka_unit_test(test_check_static_not_cbc),
		cmocka_unit_test(test_check_static_legacy),
		cmocka_unit_test(test_check_static_unknown),
		cmocka_unit_test(test_init_names),
		cmocka_unit_test(test_init_unknown),
		cmocka_unit_test(test_overhead),
		cmocka_unit_test(test_overhead_is_enough),
		cmocka_unit_test(test_nospace),
		cmocka_unit_test(test_pid_time_fixed),
		cmocka_unit_test(test_pid_wrap),
		cmocka_unit_test(test_no_pid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
