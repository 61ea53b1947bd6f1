/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for crypto.c, TLS mode (wire facts 5.1, 6.1-6.5, 6.8):
 *   AEAD:      [hdr] [packet id] [tag] [ciphertext]
 *              nonce = packet id || implicit IV, AAD = V2 hdr || packet id
 *              or, for P_DATA_V1, the packet id alone
 *   CBC+HMAC:  [hdr] [HMAC] [IV] CBC(packet id || payload)
 *   none:      [hdr] [HMAC] [packet id] [payload]
 *
 * The known-answer vectors are packets Debian's openvpn 2.6.14 sent to an
 * openvpn 2.6.14 server between network namespaces (how: "TLS-mode data
 * packets" in tests/unit/vectors/README.md). Each is the ping
 * "ping -s 24 -p 41424344" to the server's tun address 10.8.0.1, so the IP
 * packet ends in ABCDABCD. Per cipher there are two: P_DATA_V2 with peer-id 1
 * from a pulling client, and P_DATA_V1 from a tls-client that does not pull.
 * Both senders are TLS clients, so their keys sit in the client-to-server
 * half of the key block; the test writes the keys openvpn logged at --verb 9
 * ("Outgoing/Incoming Data Channel: CIPHER KEY / HMAC KEY", the implicit IV
 * from "ENCRYPT IV" and "DECRYPT IV") into a block whose other bytes are
 * 0xa5. Opening openvpn's bytes must give the IP packet and packet id, and
 * sealing the IP packet with the same packet id (and, for CBC, openvpn's IV)
 * must give openvpn's bytes.
 *
 * The test includes crypto.c to reach seal_data_iv(), so crypto.c must not
 * also be linked into this program.
 */
#include "crypto.c"

#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/hmac.h>

#include "err.h"
#include "mock_clock.h"

enum {
	HEADROOM = 128,
	PKT_MAX = 2048,
	KEY2 = RV_WIRE_KEY2_LEN,
};

/* --- vectors from openvpn 2.6.14 ------------------------------------------ */

/* Hex as openvpn logs it (spaces ignored). The sender is the TLS client, so
 * key/mac are the client-to-server keys and peer_key/peer_mac the others;
 * mac is the implicit IV with AEAD ciphers and the HMAC key with CBC. */
struct tvec {
	const char *name;
	const char *cipher;
	const char *auth;            /* as openvpn had it; ignored with AEAD */
	bool v2;
	uint32_t peer_id;
	uint32_t pid;
	const char *wire, *ip, *key, *peer_key, *mac, *peer_mac;
	const char *iv;              /* CBC: the IV openvpn logged */
};

static const struct tvec vecs[] = {
	/* AES-256-GCM, P_DATA_V2 peer-id 1 from the pulling client:
	 *   ENCRYPT IV: 00000002 97eb5983 53ec160c
	 *   ENCRYPT AD: 48000001 00000002
	 */
	{ "AES-256-GCM V2", "AES-256-GCM", "SHA256", true, 1, 2,
	  .wire = "48000001 00000002 89467339 f12250a1 4ea4dae0 e9df5d24 9ec71703 b7520449 "
	          "995bc580 b82da171 ae4c5530 78fb9af4 d5949a3a 2f2beb09 453704dc 9481d2b9 "
	          "3db3fca7 30f396ba aaf7e2d8",
	  .ip = "45000034 42ad4000 4001e408 0a080003 0a080001 0800bb14 5f700001 6592046b "
	        "00000000 5f6f0b00 00000000 41424344 41424344",
	  .key = "c24f16fb 23d03e14 3b9ba63d 8ee828a8 6c086c6e 60d4f0e9 9ccf928a 66953600",
	  .peer_key = "f26d32c6 27ed2162 32567af0 14ee009f 108a29da e642ee33 45c530bf 920decd1",
	  .mac = "97eb5983 53ec160c",
	  .peer_mac = "ee9cbb40 94493251" },
	/* AES-256-GCM, P_DATA_V1 from the tls-client that does not pull:
	 *   ENCRYPT IV: 00000001 1352943e 80423a87
	 *   ENCRYPT AD: 00000001
	 */
	{ "AES-256-GCM V1", "AES-256-GCM", "SHA256", false, 0, 1,
	  .wire = "30000000 017cf037 2deb638c 91ec82fb 53c0b0a5 e0ed3d48 385089a4 6178f845 "
	          "500fd979 146aab24 f38247b3 224fe677 15026466 37857dde 5eaa6f41 8057fd61 "
	          "676978b6 78ea2b28 ed",
	  .ip = "45000034 31114000 4001f5a5 0a080002 0a080001 0800ed00 5f710001 6592046b "
	        "00000000 2d820b00 00000000 41424344 41424344",
	  .key = "dfa9034d 44a0dde9 83ea5955 8cd21c55 a1df07f2 fbf26143 37927e9b 623b0349",
	  .peer_key = "0988edf5 a55d3700 ba541de3 2a60175a 7f44daed d1f67d66 121d5e60 6d30962b",
	  .mac = "1352943e 80423a87",
	  .peer_mac = "1fbbb61f 10cc238b" },
	/* AES-128-GCM, P_DATA_V2 peer-id 1 from the pulling client:
	 *   ENCRYPT IV: 00000002 5239252d c65759b9
	 *   ENCRYPT AD: 48000001 00000002
	 */
	{ "AES-128-GCM V2", "AES-128-GCM", "SHA256", true, 1, 2,
	  .wire = "48000001 00000002 b921ee8d 108195ef 42797049 c3878f5c 670d9751 c1dcc769 "
	          "fae6bced 7b59a54d bba2500d 817cc8f8 4add46b8 751e4c2e ed4db6f5 35e25988 "
	          "c6a7af03 e2d29760 9ef2af15",
	  .ip = "45000034 d9014000 40014db4 0a080003 0a080001 08007e92 66290001 8e92046b "
	        "00000000 73380400 00000000 41424344 41424344",
	  .key = "0e89530a f7a83f36 2974b323 871c39fa",
	  .peer_key = "c5d71476 1f0fbc67 42f0bd33 5dddfc79",
	  .mac = "5239252d c65759b9",
	  .peer_mac = "55c3e567 a8d01f14" },
	/* AES-128-GCM, P_DATA_V1 from the tls-client that does not pull:
	 *   ENCRYPT IV: 00000001 55977d2c cc7ce112
	 *   ENCRYPT AD: 00000001
	 */
	{ "AES-128-GCM V1", "AES-128-GCM", "SHA256", false, 0, 1,
	  .wire = "30000000 0153bb3b 93997659 74a84831 c7d0d03a 2ccb606f 76e59b0e 6bc83cf9 "
	          "70d992e3 934915d3 afa9aa21 911145c1 7dd19c59 1b86533e e038f155 d2f87898 "
	          "b0be4440 77c04e44 2f",
	  .ip = "45000034 38a64000 4001ee10 0a080002 0a080001 0800e882 662a0001 8e92046b "
	        "00000000 09470400 00000000 41424344 41424344",
	  .key = "332d7589 782f87d6 d19120bc 2df7a433",
	  .peer_key = "653fc98b 14074e04 29b44cf3 75e35247",
	  .mac = "55977d2c cc7ce112",
	  .peer_mac = "33f49d68 e681a32b" },
	/* CHACHA20-POLY1305, P_DATA_V2 peer-id 1 from the pulling client:
	 *   ENCRYPT IV: 00000002 907fc9fc faa48581
	 *   ENCRYPT AD: 48000001 00000002
	 */
	{ "CHACHA20-POLY1305 V2", "CHACHA20-POLY1305", "SHA256", true, 1, 2,
	  .wire = "48000001 00000002 57f84e26 9c43a660 2879988c aa8902e7 a2b7f9c4 91e9edd4 "
	          "fa8696e7 c94f762d 9872bffe e7e4c597 ad440daa 137ba7d2 9aec410b 4b4c7825 "
	          "3f3ba6b6 9634e08d 90e944ce",
	  .ip = "45000034 d8db4000 40014dda 0a080003 0a080001 0800d62a 66600001 9792046b "
	        "00000000 16690000 00000000 41424344 41424344",
	  .key = "170bd94f 76e1ec98 caf39a27 924c0771 97f95fbc 95816822 56c69894 621c718d",
	  .peer_key = "f1e34c3a a0bd21e8 f2a3f564 d7ce8b4c e32bcf9d 227f8c59 f2ae6188 1e094d54",
	  .mac = "907fc9fc faa48581",
	  .peer_mac = "cd4e5138 3ef06126" },
	/* CHACHA20-POLY1305, P_DATA_V1 from the tls-client that does not pull:
	 *   ENCRYPT IV: 00000001 f8be947e 86e54708
	 *   ENCRYPT AD: 00000001
	 */
	{ "CHACHA20-POLY1305 V1", "CHACHA20-POLY1305", "SHA256", false, 0, 1,
	  .wire = "30000000 01121d74 66ba0cc1 b72fe604 a8c9baf2 afba338d 795f77b7 a104ffb9 "
	          "214f8f7e 7fab850b a1bb7f0c 2b4f1648 3ea0bdd4 32d0bbbe c2efcae6 1d816280 "
	          "41287ec3 9e2be1cc 46",
	  .ip = "45000034 162b4000 4001108c 0a080002 0a080001 0800fc1c 66610001 9792046b "
	        "00000000 f0750000 00000000 41424344 41424344",
	  .key = "54cd01fc 7b756ff6 fcee4f3f 96f9295c 25f7e963 5a2c976c f814e685 259243e6",
	  .peer_key = "fdd6f595 397e36f3 d5e225bb 89d671f9 baa7f97d 390faf99 5963fb1f b850eba4",
	  .mac = "f8be947e 86e54708",
	  .peer_mac = "999c2bb7 1a703340" },
	/* AES-256-CBC/SHA256, P_DATA_V2 peer-id 1 from the pulling client:
	 *   ENCRYPT IV: 0d365998 04173e6a b43c634a 1b0b4ff6
	 */
	{ "AES-256-CBC/SHA256 V2", "AES-256-CBC", "SHA256", true, 1, 2,
	  .wire = "48000001 7406ab17 1afcb5bf b13d5d87 f94d71f5 d0c69c67 6f001948 20736854 "
	          "a08b8309 0d365998 04173e6a b43c634a 1b0b4ff6 c82331b4 b4d101ba 734af617 "
	          "f2c93734 05d94219 f01b2ebe c553536f 9d22eab4 c3dadd94 44acdfcd 6db8739b "
	          "a4998172 66649cb9 a97da1b4 cb639e3f 6bd4a07a",
	  .ip = "45000034 9c644000 40018a51 0a080003 0a080001 080042dd 66a60001 9f92046b "
	        "00000000 96700b00 00000000 41424344 41424344",
	  .key = "744787ab 491eb5f8 ca2dbdd4 e1678084 2edc20ab f778be18 a9030485 0c36d96e",
	  .peer_key = "3bc8a8f8 f91d9b8f f0ea277a b991b305 f2e5187f c2b9473e 41838e9e f99eaea5",
	  .mac = "d1218d67 05acce35 fb29dc22 aea5729b 95e380d4 6b453a0a 938dc3db 591bcb16",
	  .peer_mac = "e044441b aa5f6137 2b2728bf c110b396 6106a77a 2e093c3a 5e4cd82a 9fb068fe",
	  .iv = "0d365998 04173e6a b43c634a 1b0b4ff6" },
	/* AES-256-CBC/SHA256, P_DATA_V1 from the tls-client that does not pull:
	 *   ENCRYPT IV: 2bfc7996 ba80a587 9a175dfe 2ba262c3
	 */
	{ "AES-256-CBC/SHA256 V1", "AES-256-CBC", "SHA256", false, 0, 1,
	  .wire = "307aeb93 894a158f 85c0fb64 afe25be4 c61612f3 2b0e43b8 9435d401 1d1f1937 "
	          "442bfc79 96ba80a5 879a175d fe2ba262 c3c4c5b9 32d017f2 16918d53 9ccdfb8d "
	          "2f5f222b 9d601da6 43a6dbd4 4ff4edc5 ff93ea60 2d13a4b6 bdbe97a9 48c29d6c "
	          "f93b120b d1cce922 e72e743c b7517ea9 7a",
	  .ip = "45000034 30704000 4001f646 0a080002 0a080001 080092cd 66a70001 9f92046b "
	        "00000000 467f0b00 00000000 41424344 41424344",
	  .key = "ce5faba8 139da9b3 a6caddb3 7718b047 ffad340e bed5339a 7f960fff 23effd2a",
	  .peer_key = "efd441bb 48cdb165 545728a6 dfda59bd 0e9a4fa2 1670e5a2 7e9e895d fb001bde",
	  .mac = "dc0d2182 e3c2a91e 7edc7a43 a7f199b4 b73cb3cb be652545 15b3b359 84344825",
	  .peer_mac = "5701a9a5 031181a2 67e1aad9 5330813d 3e36dd59 f0ea084f d863e608 8939e45b",
	  .iv = "2bfc7996 ba80a587 9a175dfe 2ba262c3" },
};

enum {
	V_GCM256_V2, V_GCM256_V1, V_GCM128_V2, V_GCM128_V1, V_CHACHA_V2, V_CHACHA_V1,
	V_CBC256_V2, V_CBC256_V1, NVECS
};

/* --- helpers --------------------------------------------------------------- */

/* A vector decoded. */
struct kat {
	const struct tvec *v;
	bool aead;
	uint8_t wire[PKT_MAX], ip[PKT_MAX];
	uint8_t key[64], peer_key[64], mac[64], peer_mac[64], iv[RV_CRYPTO_IV_MAX];
	size_t wire_len, ip_len, key_len, mac_len;
};

/* Decodes hex (spaces ignored) into out[max]; returns the length. */
static size_t
unhex(const char *hex, uint8_t *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; hex[i] != '\0'; i++) {
		char pair[3] = { 0 };

		if (hex[i] == ' ')
			continue;
		assert_true(isxdigit((unsigned char)hex[i]) && isxdigit((unsigned char)hex[i + 1]));
		assert_true(n < max);
		pair[0] = hex[i];
		pair[1] = hex[++i];
		out[n++] = (uint8_t)strtoul(pair, NULL, 16);
	}
	return n;
}

static void
decode(size_t i, struct kat *k)
{
	const struct tvec *v = &vecs[i];

	memset(k, 0, sizeof(*k));
	k->v = v;
	k->aead = v->iv == NULL;
	k->wire_len = unhex(v->wire, k->wire, sizeof(k->wire));
	k->ip_len = unhex(v->ip, k->ip, sizeof(k->ip));
	k->key_len = unhex(v->key, k->key, sizeof(k->key));
	assert_int_equal(unhex(v->peer_key, k->peer_key, sizeof(k->peer_key)), k->key_len);
	k->mac_len = unhex(v->mac, k->mac, sizeof(k->mac));
	assert_int_equal(unhex(v->peer_mac, k->peer_mac, sizeof(k->peer_mac)), k->mac_len);
	if (v->iv != NULL)
		assert_int_equal(unhex(v->iv, k->iv, sizeof(k->iv)), 16);
	print_message("%s\n", v->name);
}

static size_t
hdr_len(bool v2)
{
	return v2 ? 4 : 1;
}

/* The key block of vector k: the sender's keys in the client-to-server half
 * (or, with swap, in the server-to-client half), its peer's in the other,
 * every byte openvpn does not use 0xa5. */
static void
kat_key2(const struct kat *k, bool swap, uint8_t key2[static KEY2])
{
	size_t own = swap ? 128 : 0, peer = swap ? 0 : 128;

	memset(key2, 0xa5, KEY2);
	memcpy(key2 + own, k->key, k->key_len);
	memcpy(key2 + own + 64, k->mac, k->mac_len);
	memcpy(key2 + peer, k->peer_key, k->key_len);
	memcpy(key2 + peer + 64, k->peer_mac, k->mac_len);
}

/* Keys c with vector k's key block, as TLS server or client. */
static void
init_kat(struct rv_crypto *c, const struct kat *k, bool server)
{
	uint8_t key2[KEY2];

	kat_key2(k, false, key2);
	assert_int_equal(rv_crypto_init_tls(c, k->v->cipher, k->v->auth, key2, server), 0);
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

/* Opens pkt[len] with c and returns the result. */
static int
open_bytes(struct rv_crypto *c, const void *pkt, size_t len, struct rv_buf *b,
    uint8_t mem[static PKT_MAX], struct rv_pid *pid)
{
	load(b, mem, pkt, len);
	return rv_crypto_open_data(c, b, pid);
}

/* A client and a server keyed with the same random block. */
static void
init_pair(struct rv_crypto *client, struct rv_crypto *server, const char *cipher,
    const char *auth)
{
	uint8_t key2[KEY2];

	assert_int_equal(RAND_bytes(key2, KEY2), 1);
	assert_int_equal(rv_crypto_init_tls(client, cipher, auth, key2, false), 0);
	assert_int_equal(rv_crypto_init_tls(server, cipher, auth, key2, true), 0);
	OPENSSL_cleanse(key2, sizeof(key2));
}

/* --- known answers --------------------------------------------------------- */

/* The server opens openvpn's packet to the IP packet and packet id; a client
 * opens with the server-to-client keys, so there it fails. */
static void
test_kat_open(void **state)
{
	(void)state;
	for (size_t i = 0; i < NVECS; i++) {
		uint8_t mem[PKT_MAX];
		struct rv_crypto c;
		struct rv_buf b;
		struct rv_pid pid = { 77, 77 };
		struct kat k;

		decode(i, &k);
		init_kat(&c, &k, true);
		assert_int_equal(open_bytes(&c, k.wire, k.wire_len, &b, mem, &pid), 0);
		assert_int_equal(pid.id, k.v->pid);
		assert_int_equal(pid.time, 0);
		assert_buf_equal(&b, k.ip, k.ip_len);
		rv_crypto_clear(&c);

		init_kat(&c, &k, false);
		assert_int_equal(open_bytes(&c, k.wire, k.wire_len, &b, mem, &pid), RV_ERR_AUTH);
		rv_crypto_clear(&c);
	}
}

/* The client seals the IP packet with openvpn's packet id (and CBC IV) to
 * openvpn's bytes; with AEAD the public function needs no seam. */
static void
test_kat_seal(void **state)
{
	(void)state;
	for (size_t i = 0; i < NVECS; i++) {
		uint8_t mem[PKT_MAX];
		struct rv_crypto c;
		struct rv_buf b;
		struct kat k;

		decode(i, &k);
		init_kat(&c, &k, false);
		c.send_id = k.v->pid - 1;
		assert_int_equal(rv_crypto_send_id(&c), k.v->pid);
		load(&b, mem, k.ip, k.ip_len);
		assert_int_equal(seal_data_iv(&c, &b, 0, k.v->v2, k.v->peer_id, k.iv), 0);
		assert_buf_equal(&b, k.wire, k.wire_len);
		assert_int_equal(c.send_id, k.v->pid);
		assert_int_equal(rv_crypto_send_id(&c), k.v->pid + 1);
		if (k.aead) {
			c.send_id = k.v->pid - 1;
			load(&b, mem, k.ip, k.ip_len);
			assert_int_equal(rv_crypto_seal_data(&c, &b, 0, k.v->v2, k.v->peer_id), 0);
			assert_buf_equal(&b, k.wire, k.wire_len);
		}
		rv_crypto_clear(&c);
	}
}

/* With the keys moved to the server-to-client half (cipher at 128, HMAC or
 * implicit IV at 192), a TLS server seals openvpn's bytes and a client opens
 * them, while the server itself cannot. */
static void
test_kat_other_half(void **state)
{
	(void)state;
	for (size_t i = 0; i < NVECS; i++) {
		uint8_t key2[KEY2], mem[PKT_MAX];
		struct rv_crypto server, client;
		struct rv_buf b;
		struct rv_pid pid;
		struct kat k;

		decode(i, &k);
		kat_key2(&k, true, key2);
		assert_int_equal(rv_crypto_init_tls(&server, k.v->cipher, k.v->auth, key2, true),
		    0);
		assert_int_equal(rv_crypto_init_tls(&client, k.v->cipher, k.v->auth, key2, false),
		    0);
		server.send_id = k.v->pid - 1;
		load(&b, mem, k.ip, k.ip_len);
		assert_int_equal(seal_data_iv(&server, &b, 0, k.v->v2, k.v->peer_id, k.iv), 0);
		assert_buf_equal(&b, k.wire, k.wire_len);
		assert_int_equal(open_bytes(&server, k.wire, k.wire_len, &b, mem, &pid),
		    RV_ERR_AUTH);
		assert_int_equal(open_bytes(&client, k.wire, k.wire_len, &b, mem, &pid), 0);
		assert_int_equal(pid.id, k.v->pid);
		assert_buf_equal(&b, k.ip, k.ip_len);
		rv_crypto_clear(&server);
		rv_crypto_clear(&client);
	}
}

/* --- round trips ------------------------------------------------------------ */

/* Seals n packets from tx to rx in both framings, every key id and a few
 * peer-ids, and checks each opens to its payload with ids counting from 1. */
static void
round_trip(struct rv_crypto *tx, struct rv_crypto *rx, uint32_t n)
{
	static const uint32_t peer_ids[] = { 0, 1, 0x76706e, 0xfffffe, 0xffffff };
	uint8_t payload[300], mem[PKT_MAX];

	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 7 + 3);
	for (uint32_t k = 0; k < n; k++) {
		size_t plen = 1 + k * 13 % sizeof(payload);
		bool v2 = k % 2 == 0;
		uint8_t key_id = (uint8_t)(k % 8), first;
		uint32_t peer_id = peer_ids[k % 5], word;
		struct rv_buf b, h;
		struct rv_pid pid;

		load(&b, mem, payload, plen);
		assert_int_equal(rv_crypto_seal_data(tx, &b, key_id, v2, peer_id), 0);
		assert_true(rv_buf_len(&b) <= plen + hdr_len(v2) + rv_crypto_overhead(tx));
		if (tx->aead)
			assert_int_equal(rv_buf_len(&b), plen + hdr_len(v2) + 20);
		rv_buf_init_ro(&h, rv_buf_data(&b), hdr_len(v2));
		if (v2) {
			assert_int_equal(rv_buf_get_u32(&h, &word), 0);
		} else {
			assert_int_equal(rv_buf_get_u8(&h, &first), 0);
			word = first;
		}
		assert_int_equal(word, v2 ? (0x48u | key_id) << 24 | peer_id : 0x30u | key_id);
		assert_int_equal(rv_crypto_open_data(rx, &b, &pid), 0);
		assert_int_equal(pid.id, k + 1);
		assert_int_equal(pid.time, 0);
		assert_buf_equal(&b, payload, plen);
	}
}

/* Client to server and server to client, for every cipher. */
static void
test_round_trip(void **state)
{
	static const char *const algs[][2] = {
		{ "AES-128-GCM", "SHA256" }, { "AES-192-GCM", "none" }, { "aes-256-gcm", "SHA1" },
		{ "CHACHA20-POLY1305", "SHA512" }, { "AES-128-CBC", "SHA1" },
		{ "AES-192-CBC", "SHA256" }, { "AES-256-CBC", "SHA512" },
		{ "AES-256-CBC", "SHA256" }, { "none", "SHA256" }, { "AES-128-CBC", "none" },
		{ "none", "none" },
	};

	(void)state;
	for (size_t a = 0; a < sizeof(algs) / sizeof(algs[0]); a++) {
		struct rv_crypto client, server;

		print_message("%s/%s\n", algs[a][0], algs[a][1]);
		init_pair(&client, &server, algs[a][0], algs[a][1]);
		assert_int_equal(rv_crypto_send_id(&client), 1);
		round_trip(&client, &server, 40);
		round_trip(&server, &client, 40);
		assert_int_equal(rv_crypto_send_id(&client), 41);
		assert_int_equal(rv_crypto_send_id(&server), 41);
		rv_crypto_clear(&client);
		rv_crypto_clear(&server);
	}
}

/* openvpn never sends an AEAD packet without payload and drops one; so does
 * crypto.c, although it can seal one. A CBC packet may carry an empty
 * payload: its plaintext is the packet id alone. */
static void
test_empty_payload(void **state)
{
	uint8_t mem[PKT_MAX];
	struct rv_crypto client, server;
	struct rv_buf b;
	struct rv_pid pid;

	(void)state;
	init_pair(&client, &server, "AES-256-GCM", "none");
	load(&b, mem, "", 0);
	assert_int_equal(rv_crypto_seal_data(&client, &b, 0, true, 1), 0);
	assert_int_equal(rv_buf_len(&b), 24);
	assert_int_equal(rv_crypto_open_data(&server, &b, &pid), RV_ERR_SHORT);
	rv_crypto_clear(&client);
	rv_crypto_clear(&server);

	init_pair(&client, &server, "AES-256-CBC", "SHA256");
	load(&b, mem, "", 0);
	assert_int_equal(rv_crypto_seal_data(&client, &b, 0, false, 0), 0);
	assert_int_equal(rv_buf_len(&b), 1 + 32 + 16 + 16);
	assert_int_equal(rv_crypto_open_data(&server, &b, &pid), 0);
	assert_int_equal(pid.id, 1);
	assert_int_equal(rv_buf_len(&b), 0);
	rv_crypto_clear(&client);
	rv_crypto_clear(&server);
}

/* Two random IVs never seal the same CBC payload to the same bytes. */
static void
test_cbc_random_iv(void **state)
{
	uint8_t m1[PKT_MAX], m2[PKT_MAX];
	struct rv_crypto c, s;
	struct rv_buf b1, b2;

	(void)state;
	init_pair(&c, &s, "AES-256-CBC", "SHA256");
	load(&b1, m1, "same", 4);
	load(&b2, m2, "same", 4);
	assert_int_equal(rv_crypto_seal_data(&c, &b1, 0, true, 1), 0);
	c.send_id = 0;
	assert_int_equal(rv_crypto_seal_data(&c, &b2, 0, true, 1), 0);
	assert_int_equal(rv_buf_len(&b1), rv_buf_len(&b2));
	assert_memory_not_equal(rv_buf_data(&b1) + 4 + 32, rv_buf_data(&b2) + 4 + 32, 16);
	rv_crypto_clear(&c);
	rv_crypto_clear(&s);
}

/* --- tampering and framing --------------------------------------------------- */

/* Flipping any one bit: in the opcode it is no data packet any more
 * (RV_ERR_FORMAT); in the key id and peer-id it fails authentication only
 * where they are additional data (AEAD with P_DATA_V2), elsewhere the packet
 * still opens, as in openvpn; after the header it fails authentication. Bytes
 * added or removed at the end fail authentication too. */
static void
test_tamper(void **state)
{
	(void)state;
	for (size_t i = 0; i < NVECS; i++) {
		uint8_t pkt[PKT_MAX], mem[PKT_MAX];
		struct rv_crypto c;
		struct rv_buf b;
		struct rv_pid pid;
		struct kat k;

		decode(i, &k);
		init_kat(&c, &k, true);
		for (size_t bit = 0; bit < k.wire_len * 8; bit++) {
			int want = RV_ERR_AUTH;

			if (bit < 5)
				want = RV_ERR_FORMAT;
			else if (bit < hdr_len(k.v->v2) * 8 && !(k.aead && k.v->v2))
				want = 0;
			memcpy(pkt, k.wire, k.wire_len);
			pkt[bit / 8] ^= (uint8_t)(0x80 >> bit % 8);
			assert_int_equal(open_bytes(&c, pkt, k.wire_len, &b, mem, &pid), want);
			if (want == 0)
				assert_buf_equal(&b, k.ip, k.ip_len);
		}
		memcpy(pkt, k.wire, k.wire_len);
		pkt[k.wire_len] = 0;
		assert_int_equal(open_bytes(&c, pkt, k.wire_len + 1, &b, mem, &pid), RV_ERR_AUTH);
		assert_int_equal(open_bytes(&c, pkt, k.wire_len - 1, &b, mem, &pid), RV_ERR_AUTH);
		assert_int_equal(open_bytes(&c, pkt, k.wire_len - 16, &b, mem, &pid), RV_ERR_AUTH);
		rv_crypto_clear(&c);
	}
}

/* AEAD: a P_DATA_V2 packet moved behind a P_DATA_V1 opcode, or the reverse,
 * fails authentication, because V2 authenticates its 4-byte header and V1
 * only the packet id. CBC: the header is outside the HMAC, so the same
 * packet opens in either framing. */
static void
test_reframe(void **state)
{
	static const struct {
		size_t vec;
		const char *hdr;
		int want;
	} cases[] = {
		{ V_GCM256_V2, "30", RV_ERR_AUTH },
		{ V_GCM256_V2, "48000000", RV_ERR_AUTH },
		{ V_GCM256_V2, "48ffffff", RV_ERR_AUTH },
		{ V_GCM256_V2, "4b000001", RV_ERR_AUTH },     /* key id 3 */
		{ V_GCM256_V2, "48000001", 0 },               /* the original */
		{ V_GCM256_V1, "48000000", RV_ERR_AUTH },
		{ V_GCM256_V1, "48000001", RV_ERR_AUTH },
		{ V_GCM256_V1, "35", 0 },                     /* V1 key id: not authenticated */
		{ V_CHACHA_V2, "30", RV_ERR_AUTH },
		{ V_CHACHA_V1, "48ffffff", RV_ERR_AUTH },
		{ V_GCM128_V2, "30", RV_ERR_AUTH },
		{ V_GCM128_V1, "48000001", RV_ERR_AUTH },
		{ V_CBC256_V2, "30", 0 },
		{ V_CBC256_V2, "48ffffff", 0 },
		{ V_CBC256_V1, "48000001", 0 },
		{ V_CBC256_V1, "35", 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t pkt[PKT_MAX], mem[PKT_MAX];
		struct rv_crypto c;
		struct rv_buf b;
		struct rv_pid pid;
		size_t hl, old;
		struct kat k;

		decode(cases[i].vec, &k);
		print_message("behind %s\n", cases[i].hdr);
		init_kat(&c, &k, true);
		old = hdr_len(k.v->v2);
		hl = unhex(cases[i].hdr, pkt, 4);
		memcpy(pkt + hl, k.wire + old, k.wire_len - old);
		assert_int_equal(open_bytes(&c, pkt, hl + k.wire_len - old, &b, mem, &pid),
		    cases[i].want);
		if (cases[i].want == 0) {
			assert_int_equal(pid.id, k.v->pid);
			assert_buf_equal(&b, k.ip, k.ip_len);
		}
		rv_crypto_clear(&c);
	}
}

/* Every opcode but P_DATA_V1 and P_DATA_V2, with any key id: RV_ERR_FORMAT,
 * before anything else is looked at. */
static void
test_not_data(void **state)
{
	struct rv_crypto c;
	struct kat k;

	(void)state;
	decode(V_GCM256_V2, &k);
	init_kat(&c, &k, true);
	for (unsigned first = 0; first < 256; first++) {
		uint8_t pkt[PKT_MAX], mem[PKT_MAX];
		struct rv_buf b;
		struct rv_pid pid;

		if (first >> 3 == 6 || first >> 3 == 9)
			continue;
		memcpy(pkt, k.wire, k.wire_len);
		pkt[0] = (uint8_t)first;
		assert_int_equal(open_bytes(&c, pkt, k.wire_len, &b, mem, &pid), RV_ERR_FORMAT);
		assert_int_equal(open_bytes(&c, pkt, 1, &b, mem, &pid), RV_ERR_FORMAT);
	}
	rv_crypto_clear(&c);
}

/* A packet that fails authentication leaves no plaintext in the buffer. */
static void
test_auth_failure_wipes(void **state)
{
	uint8_t pkt[PKT_MAX], mem[PKT_MAX], zero[PKT_MAX] = { 0 };
	struct rv_crypto c;
	struct rv_buf b;
	struct rv_pid pid;
	struct kat k;

	(void)state;
	decode(V_CHACHA_V2, &k);
	init_kat(&c, &k, true);
	memcpy(pkt, k.wire, k.wire_len);
	pkt[10] ^= 1;                                   /* in the tag */
	assert_int_equal(open_bytes(&c, pkt, k.wire_len, &b, mem, &pid), RV_ERR_AUTH);
	assert_memory_equal(mem + HEADROOM + 24, zero, k.ip_len);
	rv_crypto_clear(&c);
}

/* --- truncation ------------------------------------------------------------------ */

/* Packets cut short of the header, packet id, tag, payload or HMAC:
 * RV_ERR_SHORT; cut inside what is authenticated: RV_ERR_AUTH. */
static void
test_truncated(void **state)
{
	static const struct {
		size_t vec;
		size_t len;
		int want;
	} cases[] = {
		{ V_GCM256_V2, 0, RV_ERR_SHORT },
		{ V_GCM256_V2, 1, RV_ERR_SHORT },     /* opcode only */
		{ V_GCM256_V2, 3, RV_ERR_SHORT },     /* peer-id incomplete */
		{ V_GCM256_V2, 4, RV_ERR_SHORT },     /* no packet id */
		{ V_GCM256_V2, 7, RV_ERR_SHORT },
		{ V_GCM256_V2, 8, RV_ERR_SHORT },     /* no tag */
		{ V_GCM256_V2, 23, RV_ERR_SHORT },
		{ V_GCM256_V2, 24, RV_ERR_SHORT },    /* no payload */
		{ V_GCM256_V2, 25, RV_ERR_AUTH },
		{ V_GCM256_V1, 0, RV_ERR_SHORT },
		{ V_GCM256_V1, 1, RV_ERR_SHORT },
		{ V_GCM256_V1, 4, RV_ERR_SHORT },
		{ V_GCM256_V1, 5, RV_ERR_SHORT },
		{ V_GCM256_V1, 20, RV_ERR_SHORT },
		{ V_GCM256_V1, 21, RV_ERR_SHORT },    /* no payload */
		{ V_GCM256_V1, 22, RV_ERR_AUTH },
		{ V_CHACHA_V2, 24, RV_ERR_SHORT },
		{ V_CHACHA_V2, 25, RV_ERR_AUTH },
		{ V_CHACHA_V1, 21, RV_ERR_SHORT },
		{ V_CBC256_V2, 3, RV_ERR_SHORT },
		{ V_CBC256_V2, 4, RV_ERR_SHORT },     /* no HMAC */
		{ V_CBC256_V2, 35, RV_ERR_SHORT },    /* one byte short of the HMAC */
		{ V_CBC256_V2, 36, RV_ERR_AUTH },
		{ V_CBC256_V2, 36 + 16, RV_ERR_AUTH },
		{ V_CBC256_V1, 1, RV_ERR_SHORT },
		{ V_CBC256_V1, 32, RV_ERR_SHORT },
		{ V_CBC256_V1, 33, RV_ERR_AUTH },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t mem[PKT_MAX];
		struct rv_crypto c;
		struct rv_buf b;
		struct rv_pid pid;
		struct kat k;

		decode(cases[i].vec, &k);
		print_message("%zu bytes\n", cases[i].len);
		init_kat(&c, &k, true);
		assert_int_equal(open_bytes(&c, k.wire, cases[i].len, &b, mem, &pid),
		    cases[i].want);
		rv_crypto_clear(&c);
	}
}

/* Builds what openvpn's CBC sender of vector k would send: [hdr] [HMAC]
 * followed by iv[ivlen] and, with a whole IV, CBC(pt[ptlen]) unless pt is
 * NULL; with OpenSSL directly, so the packet may be one crypto.c never
 * seals. Returns the length. */
static size_t
forge_cbc(const struct kat *k, size_t ivlen, const uint8_t *pt, size_t ptlen,
    uint8_t out[static PKT_MAX])
{
	size_t hl = hdr_len(k->v->v2), body = hl + 32;
	unsigned int maclen;

	memcpy(out, k->wire, hl);
	memcpy(out + body, k->iv, ivlen);
	body += ivlen;
	if (ivlen == 16 && pt != NULL) {
		EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
		int l1, l2;

		assert_non_null(ctx);
		assert_int_equal(EVP_EncryptInit_ex(ctx, EVP_aes_256_cbc(), NULL, k->key, k->iv),
		    1);
		assert_int_equal(EVP_EncryptUpdate(ctx, out + body, &l1, pt, (int)ptlen), 1);
		assert_int_equal(EVP_EncryptFinal_ex(ctx, out + body + l1, &l2), 1);
		EVP_CIPHER_CTX_free(ctx);
		body += (size_t)(l1 + l2);
	}
	assert_non_null(HMAC(EVP_sha256(), k->mac, 32, out + hl + 32, body - hl - 32, out + hl,
	    &maclen));
	assert_int_equal(maclen, 32);
	return body;
}

/* Authentic CBC packets that end inside the IV (RV_ERR_SHORT), have no
 * ciphertext (RV_ERR_DECRYPT), or decrypt to less than the 4-byte packet id
 * (RV_ERR_SHORT); exactly the packet id is an empty payload. */
static void
test_truncated_authentic(void **state)
{
	(void)state;
	for (size_t i = V_CBC256_V2; i <= V_CBC256_V1; i++) {
		uint8_t pkt[PKT_MAX], mem[PKT_MAX], pt[PKT_MAX] = { 0, 0, 0, 9 };
		struct rv_crypto c;
		struct rv_buf b;
		struct rv_pid pid;
		struct kat k;
		size_t len;

		decode(i, &k);
		init_kat(&c, &k, true);
		/* the forger agrees with openvpn */
		pt[3] = (uint8_t)k.v->pid;
		memcpy(pt + 4, k.ip, k.ip_len);
		len = forge_cbc(&k, 16, pt, 4 + k.ip_len, pkt);
		assert_int_equal(len, k.wire_len);
		assert_memory_equal(pkt, k.wire, len);
		pt[3] = 9;
		for (size_t n = 0; n < 16; n++) {
			len = forge_cbc(&k, n, NULL, 0, pkt);
			assert_int_equal(open_bytes(&c, pkt, len, &b, mem, &pid), RV_ERR_SHORT);
		}
		len = forge_cbc(&k, 16, NULL, 0, pkt);
		assert_int_equal(open_bytes(&c, pkt, len, &b, mem, &pid), RV_ERR_DECRYPT);
		for (size_t n = 0; n < 4; n++) {
			len = forge_cbc(&k, 16, pt, n, pkt);
			assert_int_equal(open_bytes(&c, pkt, len, &b, mem, &pid), RV_ERR_SHORT);
		}
		len = forge_cbc(&k, 16, pt, 4, pkt);
		assert_int_equal(open_bytes(&c, pkt, len, &b, mem, &pid), 0);
		assert_int_equal(pid.id, 9);
		assert_int_equal(rv_buf_len(&b), 0);
		rv_crypto_clear(&c);
	}
}

/* --- buffer space ------------------------------------------------------------------ */

/* Exactly the room needed works; a byte less of headroom or tailroom is
 * RV_ERR_NOSPACE with nothing changed and no packet id used up. */
static void
test_nospace(void **state)
{
	static const struct {
		const char *cipher, *auth;
		bool v2;
		size_t head, tail;
		int want;
	} cases[] = {
		{ "AES-256-GCM", "none", true, 23, 0, RV_ERR_NOSPACE },
		{ "AES-256-GCM", "none", true, 24, 0, 0 },        /* 4 + 4 + 16 */
		{ "AES-256-GCM", "none", false, 20, 0, RV_ERR_NOSPACE },
		{ "AES-256-GCM", "none", false, 21, 0, 0 },
		{ "CHACHA20-POLY1305", "none", true, 23, 0, RV_ERR_NOSPACE },
		{ "CHACHA20-POLY1305", "none", true, 24, 0, 0 },
		{ "AES-256-CBC", "SHA256", true, 55, 16, RV_ERR_NOSPACE },
		{ "AES-256-CBC", "SHA256", true, 56, 15, RV_ERR_NOSPACE },
		{ "AES-256-CBC", "SHA256", true, 0, 64, RV_ERR_NOSPACE },
		{ "AES-256-CBC", "SHA256", true, 56, 16, 0 },     /* 4 + 32 + 16 + 4 */
		{ "AES-128-CBC", "SHA1", false, 40, 16, RV_ERR_NOSPACE },
		{ "AES-128-CBC", "SHA1", false, 41, 16, 0 },      /* 1 + 20 + 16 + 4 */
		{ "none", "SHA256", true, 39, 0, RV_ERR_NOSPACE },
		{ "none", "SHA256", true, 40, 0, 0 },             /* 4 + 32 + 4 */
		{ "none", "none", false, 4, 0, RV_ERR_NOSPACE },
		{ "none", "none", false, 5, 0, 0 },
	};
	static const uint8_t payload[20] = "twenty bytes of data";

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t mem[PKT_MAX];
		struct rv_crypto c, s;
		struct rv_buf b;
		struct rv_pid pid;

		print_message("%s/%s head %zu tail %zu\n", cases[i].cipher, cases[i].auth,
		    cases[i].head, cases[i].tail);
		init_pair(&c, &s, cases[i].cipher, cases[i].auth);
		c.send_id = 41;
		rv_buf_init(&b, mem, cases[i].head + sizeof(payload) + cases[i].tail,
		    cases[i].head);
		assert_int_equal(rv_buf_put(&b, payload, sizeof(payload)), 0);
		assert_int_equal(rv_crypto_seal_data(&c, &b, 3, cases[i].v2, 7), cases[i].want);
		if (cases[i].want != 0) {
			assert_buf_equal(&b, payload, sizeof(payload));
			assert_int_equal(c.send_id, 41);
		} else {
			assert_int_equal(c.send_id, 42);
			assert_int_equal(rv_buf_headroom(&b), 0);
			assert_int_equal(rv_crypto_open_data(&s, &b, &pid), 0);
			assert_int_equal(pid.id, 42);
			assert_buf_equal(&b, payload, sizeof(payload));
		}
		rv_crypto_clear(&c);
		rv_crypto_clear(&s);
	}
}

/* The overhead covers the largest growth; with AEAD it is exact. */
static void
test_overhead_is_enough(void **state)
{
	static const char *const algs[][2] = {
		{ "AES-256-GCM", "none" }, { "AES-256-CBC", "SHA256" }, { "none", "SHA1" },
	};
	uint8_t mem[PKT_MAX], payload[1500] = { 0 };

	(void)state;
	for (size_t a = 0; a < sizeof(algs) / sizeof(algs[0]); a++) {
		struct rv_crypto c, s;

		init_pair(&c, &s, algs[a][0], algs[a][1]);
		for (size_t n = 1; n <= sizeof(payload); n += 37) {
			size_t head = rv_crypto_overhead(&c) + 4;
			struct rv_buf b;

			/* exactly the headroom and tailroom the API asks for */
			rv_buf_init(&b, mem, head + n + 16, head);
			assert_int_equal(rv_buf_put(&b, payload, n), 0);
			assert_int_equal(rv_crypto_seal_data(&c, &b, 0, true, 0), 0);
			assert_true(rv_buf_len(&b) <= 4 + n + rv_crypto_overhead(&c));
			if (c.aead)
				assert_int_equal(rv_buf_len(&b), 4 + n + rv_crypto_overhead(&c));
		}
		rv_crypto_clear(&c);
		rv_crypto_clear(&s);
	}
}

/* --- packet ids ---------------------------------------------------------------------- */

/* The short form never wraps: 0xffffffff is the last id sealed, then
 * RV_ERR_LIMIT with nothing changed, however the clock moves. */
static void
test_pid_exhaustion(void **state)
{
	static const char *const algs[][2] = {
		{ "AES-256-GCM", "none" }, { "CHACHA20-POLY1305", "none" },
		{ "AES-256-CBC", "SHA256" }, { "none", "SHA1" },
	};

	(void)state;
	mock_clock_set(rv_sec(1000), 1700000000);
	for (size_t a = 0; a < sizeof(algs) / sizeof(algs[0]); a++) {
		uint8_t mem[PKT_MAX];
		struct rv_crypto c, s;
		struct rv_buf b;
		struct rv_pid pid;

		print_message("%s/%s\n", algs[a][0], algs[a][1]);
		init_pair(&c, &s, algs[a][0], algs[a][1]);
		c.send_id = UINT32_MAX - 1;
		assert_int_equal(rv_crypto_send_id(&c), UINT32_MAX);
		load(&b, mem, "last", 4);
		assert_int_equal(rv_crypto_seal_data(&c, &b, 0, true, 1), 0);
		assert_int_equal(rv_crypto_open_data(&s, &b, &pid), 0);
		assert_int_equal(pid.id, UINT32_MAX);
		assert_buf_equal(&b, "last", 4);
		assert_int_equal(rv_crypto_send_id(&c), UINT32_MAX);

		load(&b, mem, "more", 4);
		assert_int_equal(rv_crypto_seal_data(&c, &b, 0, true, 1), RV_ERR_LIMIT);
		assert_buf_equal(&b, "more", 4);
		assert_int_equal(c.send_id, UINT32_MAX);
		mock_clock_advance(rv_sec(3600));
		assert_int_equal(rv_crypto_seal_data(&c, &b, 0, false, 0), RV_ERR_LIMIT);
		assert_buf_equal(&b, "more", 4);
		assert_int_equal(c.send_id, UINT32_MAX);
		rv_crypto_clear(&c);
		rv_crypto_clear(&s);
	}
}

/* --- keys and algorithms ----------------------------------------------------------------- */

/* An all-zero cipher key in either half is refused (RV_ERR_FORMAT) and leaves
 * nothing allocated; zero bytes beyond the key length, zero HMAC slots and
 * cipher none are fine. */
static void
test_zero_key(void **state)
{
	static const struct {
		const char *cipher;
		size_t at, len;          /* the bytes set to zero */
		int want;
	} cases[] = {
		{ "AES-256-GCM", 0, 32, RV_ERR_FORMAT },
		{ "AES-256-GCM", 128, 32, RV_ERR_FORMAT },
		{ "AES-256-GCM", 0, 31, 0 },
		{ "AES-256-GCM", 64, 64, 0 },            /* zero implicit IV */
		{ "AES-128-GCM", 0, 16, RV_ERR_FORMAT },
		{ "AES-128-GCM", 128, 16, RV_ERR_FORMAT },
		{ "AES-128-GCM", 16, 48, 0 },
		{ "AES-128-GCM", 144, 48, 0 },
		{ "CHACHA20-POLY1305", 128, 32, RV_ERR_FORMAT },
		{ "AES-256-CBC", 0, 32, RV_ERR_FORMAT },
		{ "AES-256-CBC", 128, 32, RV_ERR_FORMAT },
		{ "AES-256-CBC", 192, 64, 0 },           /* zero HMAC key */
		{ "none", 0, 256, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (int server = 0; server < 2; server++) {
			uint8_t key2[KEY2];
			struct rv_crypto c;

			print_message("%s, %zu zero bytes at %zu\n", cases[i].cipher, cases[i].len,
			    cases[i].at);
			memset(key2, 0x5a, sizeof(key2));
			memset(key2 + cases[i].at, 0, cases[i].len);
			assert_int_equal(rv_crypto_init_tls(&c, cases[i].cipher, "SHA256", key2,
			    server), cases[i].want);
			if (cases[i].want != 0) {
				assert_null(c.enc.cipher);
				assert_null(c.dec.cipher);
				assert_null(c.enc.hmac);
			}
			rv_crypto_clear(&c);
		}
	}
}

/* Names, sizes and flags after init. rv_crypto_set_packet_id() is for
 * static-key mode only: TLS-mode packets always carry a packet id, as
 * openvpn 2.6's do, so the overhead stays. */
static void
test_init_fields(void **state)
{
	static const struct {
		const char *cipher, *auth;
		const char *cipher_name, *auth_name;
		bool aead;
		size_t key_len, iv_len, block_len, hmac_len, overhead;
	} cases[] = {
		{ "aes-256-gcm", "sha256", "AES-256-GCM", "none", true, 32, 12, 1, 0, 20 },
		{ "AES-128-GCM", "none", "AES-128-GCM", "none", true, 16, 12, 1, 0, 20 },
		{ "chacha20-poly1305", "SHA1", "CHACHA20-POLY1305", "none", true, 32, 12, 1, 0,
		  20 },
		{ "AES-256-CBC", "SHA256", "AES-256-CBC", "SHA256", false, 32, 16, 16, 32, 68 },
		{ "AES-128-CBC", "sha1", "AES-128-CBC", "SHA1", false, 16, 16, 16, 20, 56 },
		{ "AES-256-CBC", "SHA512", "AES-256-CBC", "SHA512", false, 32, 16, 16, 64, 100 },
		{ "AES-128-CBC", "none", "AES-128-CBC", "none", false, 16, 16, 16, 0, 36 },
		{ "none", "SHA256", "none", "SHA256", false, 0, 0, 1, 32, 36 },
		{ "[null-cipher]", "[null-digest]", "none", "none", false, 0, 0, 1, 0, 4 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rv_crypto c, s;

		print_message("%s/%s\n", cases[i].cipher, cases[i].auth);
		init_pair(&c, &s, cases[i].cipher, cases[i].auth);
		assert_true(c.tls_mode);
		assert_int_equal(c.aead, cases[i].aead);
		assert_string_equal(c.cipher_name, cases[i].cipher_name);
		assert_string_equal(c.auth_name, cases[i].auth_name);
		assert_int_equal(c.key_len, cases[i].key_len);
		assert_int_equal(c.iv_len, cases[i].iv_len);
		assert_int_equal(c.block_len, cases[i].block_len);
		assert_int_equal(c.hmac_len, cases[i].hmac_len);
		assert_int_equal(rv_crypto_overhead(&c), cases[i].overhead);
		assert_int_equal(c.send_id, 0);
		assert_int_equal(rv_crypto_send_id(&c), 1);
		if (cases[i].aead)
			assert_null(c.enc.hmac);
		rv_crypto_set_packet_id(&c, false);
		rv_crypto_set_packet_id(&s, false);
		assert_int_equal(rv_crypto_overhead(&c), cases[i].overhead);
		round_trip(&c, &s, 2);
		rv_crypto_clear(&c);
		rv_crypto_clear(&s);
	}
}

/* Unknown algorithms: RV_ERR_UNSUPPORTED and nothing allocated
 * (LeakSanitizer checks); an unknown auth is ignored with AEAD. */
static void
test_init_unknown(void **state)
{
	uint8_t key2[KEY2];
	struct rv_crypto c;

	(void)state;
	memset(key2, 0x5a, sizeof(key2));
	assert_int_equal(rv_crypto_init_tls(&c, "AES-512-GCM", "SHA256", key2, false),
	    RV_ERR_UNSUPPORTED);
	assert_null(c.enc.cipher);
	assert_int_equal(rv_crypto_init_tls(&c, "AES-256-CBC", "SHA3000", key2, true),
	    RV_ERR_UNSUPPORTED);
	assert_null(c.enc.cipher);
	assert_null(c.dec.hmac);
	assert_int_equal(rv_crypto_init_tls(&c, "AES-256-GCM", "SHA3000", key2, true), 0);
	rv_crypto_clear(&c);
}

/* A key id above 7 or a peer-id above 24 bits is RV_ERR_RANGE; static-key
 * contexts are not for the TLS-mode functions, nor AEAD contexts for the
 * static-key ones (RV_ERR_INTERNAL); opening a read-only view is
 * RV_ERR_READONLY. */
static void
test_misuse(void **state)
{
	uint8_t mem[PKT_MAX];
	struct rv_key2 key;
	struct rv_crypto c, s;
	struct rv_buf b;
	struct rv_pid pid;
	struct kat k;

	(void)state;
	init_pair(&c, &s, "AES-256-GCM", "none");
	load(&b, mem, "x", 1);
	assert_int_equal(rv_crypto_seal_data(&c, &b, 8, true, 0), RV_ERR_RANGE);
	assert_int_equal(rv_crypto_seal_data(&c, &b, 0, true, 0x1000000), RV_ERR_RANGE);
	assert_int_equal(rv_crypto_seal(&c, &b), RV_ERR_INTERNAL);
	assert_int_equal(rv_crypto_open(&c, &b, &pid), RV_ERR_INTERNAL);
	assert_buf_equal(&b, "x", 1);
	assert_int_equal(c.send_id, 0);
	rv_crypto_clear(&c);
	rv_crypto_clear(&s);

	decode(V_GCM256_V2, &k);
	memset(&key, 0x11, sizeof(key));
	assert_int_equal(rv_crypto_init_static(&c, "AES-256-CBC", "SHA256", &key.keys[0],
	    &key.keys[1]), 0);
	assert_int_equal(rv_crypto_seal_data(&c, &b, 0, true, 0), RV_ERR_INTERNAL);
	assert_int_equal(open_bytes(&c, k.wire, k.wire_len, &b, mem, &pid), RV_ERR_INTERNAL);
	rv_crypto_clear(&c);

	init_kat(&c, &k, true);
	rv_buf_init_ro(&b, k.wire, k.wire_len);
	assert_int_equal(rv_crypto_open_data(&c, &b, &pid), RV_ERR_READONLY);
	rv_crypto_clear(&c);
}

static void
test_check_tls_ok(void **state)
{
	static const char *const ok[][2] = {
		{ "AES-256-GCM", "SHA256" }, { "AES-128-GCM", "none" }, { "aes-192-gcm", "sha1" },
		{ "CHACHA20-POLY1305", "SHA512" }, { "chacha20-poly1305", "SHA3000" },
		{ "AES-256-CBC", "SHA256" }, { "AES-128-CBC", "SHA1" }, { "AES-256-CBC", "none" },
		{ "none", "SHA256" }, { "none", "none" }, { "[null-cipher]", "[null-digest]" },
	};
	char err[RV_CRYPTO_ERRLEN];
	const char *which = NULL;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		print_message("%s/%s\n", ok[i][0], ok[i][1]);
		assert_int_equal(rv_crypto_check_tls(ok[i][0], ok[i][1], &which, err), 0);
	}
}

static void
assert_check_fails(const char *cipher, const char *auth, const char *which,
    const char *msg)
{
	char err[RV_CRYPTO_ERRLEN] = "";
	const char *w = NULL;

	assert_int_equal(rv_crypto_check_tls(cipher, auth, &w, err), RV_ERR_UNSUPPORTED);
	assert_non_null(w);
	assert_string_equal(w, which);
	assert_string_equal(err, msg);
}

/* BF-CBC lives in OpenSSL 3's legacy provider, which this process does not
 * load unless the system configuration does. */
static void
test_check_tls_fails(void **state)
{
	EVP_CIPHER *bf = EVP_CIPHER_fetch(NULL, "BF-CBC", NULL);

	(void)state;
	assert_check_fails("AES-256-CFB", "SHA256", "cipher", "AES-256-CFB is neither a CBC "
	    "nor a supported AEAD cipher; use AES-256-GCM, AES-128-GCM, CHACHA20-POLY1305 or "
	    "a CBC cipher such as AES-256-CBC");
	assert_check_fails("AES-128-CTR", "SHA256", "cipher", "AES-128-CTR is neither a CBC "
	    "nor a supported AEAD cipher; use AES-256-GCM, AES-128-GCM, CHACHA20-POLY1305 or "
	    "a CBC cipher such as AES-256-CBC");
	assert_check_fails("AES-128-CCM", "SHA256", "cipher", "AES-128-CCM is an AEAD cipher "
	    "OpenVPN 2.6 does not support; use AES-256-GCM, AES-128-GCM or CHACHA20-POLY1305");
	assert_check_fails("AES-512-GCM", "SHA256", "cipher", "OpenSSL does not know the "
	    "cipher `AES-512-GCM' (see openssl list -cipher-algorithms)");
	assert_check_fails("AES-256-CBC", "SHA3000", "auth", "OpenSSL does not know the "
	    "digest `SHA3000' (use SHA1, SHA256, SHA512 or none)");
	assert_check_fails("none", "SHA3000", "auth", "OpenSSL does not know the "
	    "digest `SHA3000' (use SHA1, SHA256, SHA512 or none)");
	if (bf == NULL)
		assert_check_fails("BF-CBC", "SHA1", "cipher", "cipher BF-CBC is not available: "
		    "OpenSSL 3 keeps it in its legacy provider. Use --cipher AES-256-CBC on both "
		    "peers, or load it with --providers legacy default");
	EVP_CIPHER_free(bf);
}

static void
test_is_aead_name(void **state)
{
	static const char *const yes[] = {
		"AES-128-GCM", "AES-192-GCM", "AES-256-GCM", "aes-256-gcm", "CHACHA20-POLY1305",
		"ChaCha20-Poly1305",
	};
	static const char *const no[] = {
		"AES-256-CBC", "AES-128-CCM", "AES-256-CFB", "CHACHA20", "none", "[null-cipher]",
		"AES-512-GCM", "",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		assert_true(rv_crypto_is_aead_name(yes[i]));
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_false(rv_crypto_is_aead_name(no[i]));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kat_open),
		cmocka_unit_test(test_kat_seal),
		cmocka_unit_test(test_kat_other_half),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_empty_payload),
		cmocka_unit_test(test_cbc_random_iv),
		cmocka_unit_test(test_tamper),
		cmocka_unit_test(test_reframe),
		cmocka_unit_test(test_not_data),
		cmocka_unit_test(test_auth_failure_wipes),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_truncated_authentic),
		cmocka_unit_test(test_nospace),
		cmocka_unit_test(test_overhead_is_enough),
		cmocka_unit_test(test_pid_exhaustion),
		cmocka_unit_test(test_zero_key),
		cmocka_unit_test(test_init_fields),
		cmocka_unit_test(test_init_unknown),
		cmocka_unit_test(test_misuse),
		cmocka_unit_test(test_check_tls_ok),
		cmocka_unit_test(test_check_tls_fails),
		cmocka_unit_test(test_is_aead_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
