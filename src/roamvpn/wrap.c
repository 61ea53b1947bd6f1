/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * wrap: protection of control-channel packets with a pre-shared key
 * (wire facts 2.2 tls-auth, 2.3 tls-crypt, 2.5 dynamic tls-crypt; draft
 * "OpenVPN mixed timestamp/packet counter format", "HMAC authentication of
 * control channel packets", "Encrypting control channel packets
 * (tls-crypt)"). The body inside is ctlpkt.c's.
 *
 *   tls-auth:  [1] op|kid [8] sid [H] hmac [4] counter [4] time  body
 *              hmac = HMAC(counter || time || op|kid || sid || body)
 *   tls-crypt: [1] op|kid [8] sid [4] counter [4] time [32] tag  CTR(body)
 *              tag = HMAC-SHA256(op|kid || sid || counter || time || body)
 *
 * The replay id is the "long form": the counter comes first on the wire,
 * the time second (wire facts 15.1), and both MACs take it in a different
 * place than the wire has it. The counter starts at 1 in each context and
 * every packet sealed, retransmissions included, takes the next one; the time
 * is fixed when the context seals its first packet (OpenVPN sets
 * packet_id_send.time on first use) and changes only if the counter runs
 * out.
 *
 * Receiving follows the order 2.6 uses (tls_crypt.c tls_crypt_unwrap,
 * crypto.c openvpn_decrypt): MAC or tag first, the replay window only for a
 * packet that verified, so forged packets never move the window. The draft
 * has the replay test first; that cannot change the outcome, only which
 * error a forged replayed packet gets.
 *
 * A refused packet leaves both the context and b as they were, except for
 * the counters: w->failed for packets that are short or do not verify,
 * w->replay.refused for replays. tls-crypt decrypts in place, so on the way
 * out of a refusal the ciphertext is restored (CTR is its own inverse).
 */
#include "wrap.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/params.h>

#include "clock.h"
#include "err.h"

enum {
	HEAD_LEN = 1 + RV_WIRE_SID_LEN,          /* op|kid, sid */
	RID_LEN = RV_WIRE_TLS_AUTH_PID_LEN,      /* counter, time */
	MAC_MAX = RV_KEY_SLOT_LEN,               /* an HMAC key slot, and SHA512 */
	CRYPT_KEY_LEN = 32,                      /* Ke, Ka: first 256 bits of a slot */
	MD_NAME_MAX = 64,
};

static const char crypt_cipher[] = "AES-256-CTR";
static const char crypt_digest[] = "SHA256";

/* An HMAC context keyed with key[len], digest by name. */
static int
mac_new(EVP_MAC_CTX **out, const char *digest, const uint8_t *key, size_t len)
{
	char name[MD_NAME_MAX];
	OSSL_PARAM params[2];
	EVP_MAC *mac;
	int r = RV_ERR_CRYPTO;

	/* OSSL_PARAM wants a mutable string. */
	snprintf(name, sizeof(name), "%s", digest);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, name, 0);
	params[1] = OSSL_PARAM_construct_end();
	if ((mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL)
		goto out;
	if ((*out = EVP_MAC_CTX_new(mac)) == NULL || !EVP_MAC_init(*out, key, len, params))
		goto out;
	r = 0;
out:
	EVP_MAC_free(mac);
	return r;
}

/* An AES-256-CTR context keyed with Ke; the IV is set per packet. CTR
 * encrypts and decrypts alike, so both directions use encrypt mode. */
static int
ctr_new(EVP_CIPHER_CTX **out, const EVP_CIPHER *cipher, const uint8_t key[static CRYPT_KEY_LEN])
{
	if ((*out = EVP_CIPHER_CTX_new()) == NULL ||
	    !EVP_EncryptInit_ex2(*out, cipher, key, NULL, NULL))
		return RV_ERR_CRYPTO;
	return 0;
}

void
rv_wrap_init_none(struct rv_wrap *w)
{
	memset(w, 0, sizeof(*w));
	w->mode = RV_WRAP_NONE;
}

/* Checks an --auth name for tls-auth and returns its canonical name and
 * size. XOF digests have no fixed size, so no HMAC. */
static int
auth_digest(const char *digest, char name[static MD_NAME_MAX], size_t *len)
{
	EVP_MD *md;
	int size, r = RV_ERR_UNSUPPORTED;

	/* "none" is no digest OpenSSL knows, so the fetch refuses it too. */
	if ((md = EVP_MD_fetch(NULL, digest, NULL)) == NULL)
		goto out;
	size = EVP_MD_get_size(md);
	if (size <= 0 || size > MAC_MAX || (EVP_MD_get_flags(md) & EVP_MD_FLAG_XOF))
		goto out;
	snprintf(name, MD_NAME_MAX, "%s", EVP_MD_get0_name(md));
	*len = (size_t)size;
	r = 0;
out:
	EVP_MD_free(md);
	return r;
}

int
rv_wrap_init_auth(struct rv_wrap *w, const char *digest, const struct rv_key2 *k, int dir,
    uint32_t window, uint32_t time)
{
	const struct rv_key *send, *recv;
	char name[MD_NAME_MAX];
	int r = RV_ERR_INTERNAL;

	memset(w, 0, sizeof(*w));
	w->mode = RV_WRAP_AUTH;
	if ((r = auth_digest(digest, name, &w->hmac_len)) != 0)
		goto out;
	/* Only the HMAC halves, first H bytes (wire facts 2.2). */
	if ((r = rv_key2_select(k, dir, &send, &recv)) != 0 ||
	    (r = mac_new(&w->send_mac, name, send->hmac, w->hmac_len)) != 0 ||
	    (r = mac_new(&w->recv_mac, name, recv->hmac, w->hmac_len)) != 0 ||
	    (r = rv_replay_init(&w->replay, window, time, false)) != 0)
		goto out;
	r = 0;
out:
	if (r != 0)
		rv_wrap_clear(w);
	return r;
}

int
rv_wrap_init_crypt(struct rv_wrap *w, const struct rv_key2 *k, bool tls_server,
    uint32_t window, uint32_t time)
{
	const struct rv_key *send, *recv;
	EVP_CIPHER *cipher = NULL;
	int r = RV_ERR_FORMAT;

	memset(w, 0, sizeof(*w));
	w->mode = RV_WRAP_CRYPT;
	w->hmac_len = RV_WIRE_TLS_CRYPT_TAG;
	if (k->n < 2)
		goto out;
	/* Fixed roles, no key direction: the TLS server sends with keys[0]
	 * (wire facts 2.3; tls_crypt.c tls_crypt_init_key). */
	send = &k->keys[tls_server ? 0 : 1];
	recv = &k->keys[tls_server ? 1 : 0];
	r = RV_ERR_CRYPTO;
	if ((cipher = EVP_CIPHER_fetch(NULL, crypt_cipher, NULL)) == NULL)
		goto out;
	if ((r = ctr_new(&w->send_ctr, cipher, send->cipher)) != 0 ||
	    (r = ctr_new(&w->recv_ctr, cipher, recv->cipher)) != 0 ||
	    (r = mac_new(&w->send_mac, crypt_digest, send->hmac, CRYPT_KEY_LEN)) != 0 ||
	    (r = mac_new(&w->recv_mac, crypt_digest, recv->hmac, CRYPT_KEY_LEN)) != 0 ||
	    (r = rv_replay_init(&w->replay, window, time, false)) != 0)
		goto out;
	r = 0;
out:
	EVP_CIPHER_free(cipher);
	if (r != 0)
		rv_wrap_clear(w);
	return r;
}

void
rv_wrap_clear(struct rv_wrap *w)
{
	EVP_MAC_CTX_free(w->send_mac);
	EVP_MAC_CTX_free(w->recv_mac);
	EVP_CIPHER_CTX_free(w->send_ctr);
	EVP_CIPHER_CTX_free(w->recv_ctr);
	rv_replay_clear(&w->replay);
	OPENSSL_cleanse(w, sizeof(*w));
}

size_t
rv_wrap_overhead(const struct rv_wrap *w)
{
	switch (w->mode) {
	case RV_WRAP_AUTH:
		return w->hmac_len + RID_LEN;
	case RV_WRAP_CRYPT:
		return RV_WIRE_TLS_CRYPT_OVERHEAD;
	default:
		return 0;
	}
}

/* The head as it goes on the wire and into both MACs. */
static void
make_head(uint8_t head[static HEAD_LEN], uint8_t first,
    const uint8_t sid[static RV_WIRE_SID_LEN])
{
	struct rv_buf hb;

	rv_buf_init(&hb, head, HEAD_LEN, 0);
	(void)rv_buf_put_u8(&hb, first);
	(void)rv_buf_put(&hb, sid, RV_WIRE_SID_LEN);
}

static void
split_head(const uint8_t head[static HEAD_LEN], uint8_t *first,
    uint8_t sid[static RV_WIRE_SID_LEN])
{
	struct rv_buf hb;

	rv_buf_init_ro(&hb, head, HEAD_LEN);
	(void)rv_buf_get_u8(&hb, first);
	(void)rv_buf_get(&hb, sid, RV_WIRE_SID_LEN);
}

/* MAC over a || b || the unread bytes of body, into out[want]. */
static int
mac_compute(EVP_MAC_CTX *ctx, const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
    const struct rv_buf *body, uint8_t out[static MAC_MAX], size_t want)
{
	size_t outl;

	/* Init without a key restarts the context with the key it has. */
	if (!EVP_MAC_init(ctx, NULL, 0, NULL) || !EVP_MAC_update(ctx, a, alen) ||
	    !EVP_MAC_update(ctx, b, blen) ||
	    !EVP_MAC_update(ctx, rv_buf_data(body), rv_buf_len(body)) ||
	    !EVP_MAC_final(ctx, out, &outl, MAC_MAX) || outl != want)
		return RV_ERR_CRYPTO;
	return 0;
}

/* AES-256-CTR over the unread bytes of b, in place (EVP allows out == in),
 * with IV = tag[0..15]: EVP reads the cipher's IV length, 16, from tag. */
static int
ctr_apply(EVP_CIPHER_CTX *ctx, const uint8_t tag[static RV_WIRE_TLS_CRYPT_TAG], struct rv_buf *b)
{
	uint8_t *data = rv_buf_mutable_data(b);
	size_t len = rv_buf_len(b);
	int outl;

	if (data == NULL)
		return RV_ERR_READONLY;
	if (len > INT_MAX || !EVP_EncryptInit_ex2(ctx, NULL, NULL, tag, NULL))
		return RV_ERR_CRYPTO;
	/* A stream mode: all bytes come out of the update, none are held. */
	if (len > 0 && (!EVP_EncryptUpdate(ctx, data, &outl, data, (int)len) ||
	    (size_t)outl != len))
		return RV_ERR_CRYPTO;
	return 0;
}

static void
put_rid(uint8_t rid[static RID_LEN], uint32_t counter, uint32_t time)
{
	struct rv_buf rb;

	rv_buf_init(&rb, rid, RID_LEN, 0);
	(void)rv_buf_put_u32(&rb, counter);
	(void)rv_buf_put_u32(&rb, time);
}

static void
get_rid(const uint8_t rid[static RID_LEN], struct rv_pid *pid)
{
	struct rv_buf rb;

	rv_buf_init_ro(&rb, rid, RID_LEN);
	(void)rv_buf_get_u32(&rb, &pid->id);
	(void)rv_buf_get_u32(&rb, &pid->time);
}

/* The replay id of the next packet. After counter 2^32-1 the long form
 * starts a new sequence at 1, but only under a later time, or the receiver
 * would refuse it (packet_id.c packet_id_send_update does the same). */
static int
next_rid(const struct rv_wrap *w, uint32_t *counter, uint32_t *time)
{
	uint32_t now;

	*time = w->send_time;
	if (*time == 0 || w->send_counter == UINT32_MAX) {
		now = (uint32_t)rv_clock_wall();
		if (*time != 0 && now <= *time)
			return RV_ERR_LIMIT;
		*time = now;
	}
	*counter = w->send_counter == UINT32_MAX ? 1 : w->send_counter + 1;
	return 0;
}

/* tls-auth: [H] hmac [8] replay id in front of the body. */
static int
seal_auth(struct rv_wrap *w, struct rv_buf *b, const uint8_t head[static HEAD_LEN],
    const uint8_t rid[static RID_LEN])
{
	uint8_t mac[MAC_MAX];
	int r;

	if ((r = mac_compute(w->send_mac, rid, RID_LEN, head, HEAD_LEN, b, mac,
	    w->hmac_len)) != 0 ||
	    (r = rv_buf_prepend_data(b, rid, RID_LEN)) != 0)
		return r;
	return rv_buf_prepend_data(b, mac, w->hmac_len);
}

/* tls-crypt: tag over the plain body, then the body encrypted in place,
 * then [8] replay id [32] tag in front of it. */
static int
seal_crypt(struct rv_wrap *w, struct rv_buf *b, const uint8_t head[static HEAD_LEN],
    const uint8_t rid[static RID_LEN])
{
	uint8_t tag[MAC_MAX];
	int r;

	if ((r = mac_compute(w->send_mac, head, HEAD_LEN, rid, RID_LEN, b, tag,
	    RV_WIRE_TLS_CRYPT_TAG)) != 0 ||
	    (r = ctr_apply(w->send_ctr, tag, b)) != 0 ||
	    (r = rv_buf_prepend_data(b, tag, RV_WIRE_TLS_CRYPT_TAG)) != 0)
		return r;
	return rv_buf_prepend_data(b, rid, RID_LEN);
}

int
rv_wrap_seal(struct rv_wrap *w, struct rv_buf *b, uint8_t first,
    const uint8_t sid[static RV_WIRE_SID_LEN])
{
	uint8_t head[HEAD_LEN], rid[RID_LEN];
	uint32_t counter = 0, time = 0;
	int r = RV_ERR_INTERNAL;

	if (rv_buf_mutable_data(b) == NULL) {
		r = RV_ERR_READONLY;
		goto out;
	}
	if (rv_buf_headroom(b) < HEAD_LEN + rv_wrap_overhead(w)) {
		r = RV_ERR_NOSPACE;
		goto out;
	}
	make_head(head, first, sid);
	if (w->mode != RV_WRAP_NONE) {
		if ((r = next_rid(w, &counter, &time)) != 0)
			goto out;
		put_rid(rid, counter, time);
	}
	if (w->mode == RV_WRAP_AUTH)
		r = seal_auth(w, b, head, rid);
	else if (w->mode == RV_WRAP_CRYPT)
		r = seal_crypt(w, b, head, rid);
	else
		r = 0;
	if (r != 0 || (r = rv_buf_prepend_data(b, head, HEAD_LEN)) != 0)
		goto out;
	if (w->mode != RV_WRAP_NONE) {
		w->send_counter = counter;
		w->send_time = time;
	}
out:
	return r;
}

/* tls-auth: c starts after the head. Verifies, then checks the replay id. */
static int
open_auth(struct rv_wrap *w, struct rv_buf *c, const uint8_t head[static HEAD_LEN],
    uint64_t now)
{
	uint8_t want[MAC_MAX], got[MAC_MAX], rid[RID_LEN];
	struct rv_pid pid;
	int r;

	if ((r = rv_buf_get(c, got, w->hmac_len)) != 0 ||
	    (r = rv_buf_get(c, rid, RID_LEN)) != 0 ||
	    (r = mac_compute(w->recv_mac, rid, RID_LEN, head, HEAD_LEN, c, want,
	    w->hmac_len)) != 0)
		return r;
	if (CRYPTO_memcmp(want, got, w->hmac_len) != 0)
		return RV_ERR_AUTH;
	get_rid(rid, &pid);
	return rv_replay_accept(&w->replay, &pid, now, NULL);
}

/* tls-crypt: c starts after the head. Decrypts in place, verifies the tag,
 * checks the replay id; encrypts again if any of it fails. */
static int
open_crypt(struct rv_wrap *w, struct rv_buf *c, const uint8_t head[static HEAD_LEN],
    uint64_t now)
{
	uint8_t want[MAC_MAX], got[RV_WIRE_TLS_CRYPT_TAG], rid[RID_LEN];
	struct rv_pid pid;
	int r;

	if ((r = rv_buf_get(c, rid, RID_LEN)) != 0 ||
	    (r = rv_buf_get(c, got, RV_WIRE_TLS_CRYPT_TAG)) != 0 ||
	    (r = ctr_apply(w->recv_ctr, got, c)) != 0)
		return r;
	if ((r = mac_compute(w->recv_mac, head, HEAD_LEN, rid, RID_LEN, c, want,
	    RV_WIRE_TLS_CRYPT_TAG)) == 0 &&
	    CRYPTO_memcmp(want, got, RV_WIRE_TLS_CRYPT_TAG) != 0)
		r = RV_ERR_AUTH;
	if (r == 0) {
		get_rid(rid, &pid);
		r = rv_replay_accept(&w->replay, &pid, now, NULL);
	}
	if (r != 0 && ctr_apply(w->recv_ctr, got, c) != 0)
		r = RV_ERR_CRYPTO;
	return r;
}

int
rv_wrap_open(struct rv_wrap *w, struct rv_buf *b, uint8_t *first,
    uint8_t sid[static RV_WIRE_SID_LEN], uint64_t now)
{
	struct rv_buf c = *b;   /* b moves on only for a packet that passed */
	uint8_t head[HEAD_LEN];
	int r = RV_ERR_INTERNAL;

	if ((r = rv_buf_get(&c, head, HEAD_LEN)) != 0)
		goto out;
	if (w->mode == RV_WRAP_AUTH)
		r = open_auth(w, &c, head, now);
	else if (w->mode == RV_WRAP_CRYPT)
		r = open_crypt(w, &c, head, now);
	if (r != 0)
		goto out;
	split_head(head, first, sid);
	*b = c;
out:
	/* Replays are counted by the window. */
	if (r != 0 && r != RV_ERR_REPLAY)
		w->failed++;
	return r;
}

int
rv_wrap_peek_head(const struct rv_buf *b, uint8_t *first, uint8_t sid[static RV_WIRE_SID_LEN])
{
	uint8_t head[HEAD_LEN];
	int r;

	if ((r = rv_buf_peek(b, 0, head, HEAD_LEN)) != 0)
		return r;
	split_head(head, first, sid);
	return 0;
}
