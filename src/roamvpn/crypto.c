/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * crypto: data-channel sealing and opening through OpenSSL EVP.
 * Static-key framing: wire facts 6.6, draft section "Data channel packets"
 * (fields hmac, iv, packet_id, time, payload).
 * TLS-mode framing: wire facts 6.1-6.5 and 6.8 (fields opcode, key_id,
 * peer_id, packet_id, tag / hmac, iv, payload), the key block of 5.1.
 *
 * Every context is keyed once at init; a packet only sets its IV or nonce.
 */
#include "crypto.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/params.h>
#include <openssl/provider.h>
#include <openssl/rand.h>

#include "clock.h"
#include "err.h"
#include "wire.h"

enum {
	/* AEAD nonce: packet id || implicit IV (wire facts 6.2) */
	AEAD_NONCE_LEN = RV_WIRE_PID_LEN + RV_WIRE_AEAD_IMPLICIT_IV,
	/* AEAD additional data: P_DATA_V2 header || packet id at most */
	AEAD_AAD_MAX = 4 + RV_WIRE_PID_LEN,
	DATA_V1_HDR_LEN = 1,
	DATA_V2_HDR_LEN = 4,
};

/* Ciphers OpenSSL 3 moved to its legacy provider: named in the error. */
static const char *const legacy_ciphers[] = {
	"BF-CBC", "CAST5-CBC", "DES-CBC", "DESX-CBC", "RC2-CBC", "SEED-CBC", "IDEA-CBC", NULL,
};

static bool
is_none(const char *name)
{
	return strcmp(name, "none") == 0 || strcmp(name, "[null-cipher]") == 0 ||
	    strcmp(name, "[null-digest]") == 0;
}

static bool
is_legacy(const char *name)
{
	for (size_t i = 0; legacy_ciphers[i] != NULL; i++)
		if (strcasecmp(name, legacy_ciphers[i]) == 0)
			return true;
	return false;
}

static void
upcase(char *dst, const char *src, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len && src[i] != '\0'; i++)
		dst[i] = (char)toupper((unsigned char)src[i]);
	dst[i] = '\0';
}

/* The AEAD ciphers openvpn 2.6 accepts: GCM mode or ChaCha20-Poly1305
 * (crypto_openssl.c cipher_kt_mode_aead). */
static bool
is_aead(const EVP_CIPHER *c)
{
	return EVP_CIPHER_get_mode(c) == EVP_CIPH_GCM_MODE ||
	    EVP_CIPHER_is_a(c, "ChaCha20-Poly1305");
}

/* Checks the cipher for static-key mode, or for TLS mode when tls. */
static int
check_cipher(const char *name, bool tls, char err[static RV_CRYPTO_ERRLEN])
{
	EVP_CIPHER *c;
	int mode, r = RV_ERR_UNSUPPORTED;

	if (is_none(name))
		return 0;
	c = EVP_CIPHER_fetch(NULL, name, NULL);
	if (c == NULL) {
		if (is_legacy(name))
			snprintf(err, RV_CRYPTO_ERRLEN, "cipher %s is not available: OpenSSL 3 "
			    "keeps it in its legacy provider. Use --cipher AES-256-CBC on both "
			    "peers, or load it with --providers legacy default", name);
		else
			snprintf(err, RV_CRYPTO_ERRLEN, "OpenSSL does not know the cipher `%s' "
			    "(see openssl list -cipher-algorithms)", name);
		return r;
	}
	mode = EVP_CIPHER_get_mode(c);
	if (tls && is_aead(c)) {
		/* the nonce is the 4-byte packet id and the 8-byte implicit IV */
		if (EVP_CIPHER_get_iv_length(c) != AEAD_NONCE_LEN ||
		    EVP_CIPHER_get_key_length(c) > RV_KEY_SLOT_LEN)
			snprintf(err, RV_CRYPTO_ERRLEN, "%s has a key or nonce size OpenVPN's "
			    "data channel cannot use", name);
		else
			r = 0;
	} else if (mode == EVP_CIPH_GCM_MODE || mode == EVP_CIPH_CCM_MODE ||
	    (EVP_CIPHER_get_flags(c) & EVP_CIPH_FLAG_AEAD_CIPHER))
		snprintf(err, RV_CRYPTO_ERRLEN, tls ? "%s is an AEAD cipher OpenVPN 2.6 does not "
		    "support; use AES-256-GCM, AES-128-GCM or CHACHA20-POLY1305" :
		    "%s is an AEAD cipher, which needs TLS mode; "
		    "static-key mode uses a CBC cipher such as AES-256-CBC", name);
	else if (mode != EVP_CIPH_CBC_MODE)
		snprintf(err, RV_CRYPTO_ERRLEN, tls ? "%s is neither a CBC nor a supported AEAD "
		    "cipher; use AES-256-GCM, AES-128-GCM, CHACHA20-POLY1305 or a CBC cipher "
		    "such as AES-256-CBC" : "%s is not a CBC cipher; static-key mode "
		    "supports CBC ciphers such as AES-256-CBC", name);
	else if (EVP_CIPHER_get_iv_length(c) > RV_CRYPTO_IV_MAX ||
	    EVP_CIPHER_get_key_length(c) > RV_KEY_SLOT_LEN)
		snprintf(err, RV_CRYPTO_ERRLEN, "%s has a key or IV too large for OpenVPN's "
		    "key format", name);
	else
		r = 0;
	EVP_CIPHER_free(c);
	return r;
}

static int
check_auth(const char *name, char err[static RV_CRYPTO_ERRLEN])
{
	EVP_MD *md;
	int r = 0;

	if (is_none(name))
		return 0;
	md = EVP_MD_fetch(NULL, name, NULL);
	if (md == NULL) {
		snprintf(err, RV_CRYPTO_ERRLEN, "OpenSSL does not know the digest `%s' (use "
		    "SHA1, SHA256, SHA512 or none)", name);
		return RV_ERR_UNSUPPORTED;
	}
	if (EVP_MD_get_size(md) > RV_CRYPTO_HMAC_MAX) {
		snprintf(err, RV_CRYPTO_ERRLEN, "digest %s is larger than 64 bytes", name);
		r = RV_ERR_UNSUPPORTED;
	}
	EVP_MD_free(md);
	return r;
}

int
rv_crypto_load_provider(const char *name)
{
	/* Kept loaded until exit: the pointer is deliberately not stored. */
	return OSSL_PROVIDER_load(NULL, name) != NULL ? 0 : RV_ERR_NOTFOUND;
}

int
rv_crypto_check_static(const char *cipher, const char *auth, const char **which,
    char err[static RV_CRYPTO_ERRLEN])
{
	int r;

	*which = "cipher";
	if ((r = check_cipher(cipher, false, err)) != 0)
		return r;
	*which = "auth";
	return check_auth(auth, err);
}

int
rv_crypto_check_tls(const char *cipher, const char *auth, const char **which,
    char err[static RV_CRYPTO_ERRLEN])
{
	int r;

	*which = "cipher";
	if ((r = check_cipher(cipher, true, err)) != 0)
		return r;
	*which = "auth";
	/* openvpn ignores --auth with an AEAD cipher (crypto.c init_key_type) */
	if (rv_crypto_is_aead_name(cipher))
		return 0;
	return check_auth(auth, err);
}

bool
rv_crypto_is_aead_name(const char *name)
{
	EVP_CIPHER *c;
	bool aead;

	if (is_none(name) || (c = EVP_CIPHER_fetch(NULL, name, NULL)) == NULL)
		return false;
	aead = is_aead(c);
	EVP_CIPHER_free(c);
	return aead;
}

static int
init_dir(struct rv_crypto *c, struct rv_crypto_dir *d, const EVP_CIPHER *cipher,
    EVP_MAC *mac, const struct rv_key *key, bool enc)
{
	OSSL_PARAM params[2];

	if (cipher != NULL) {
		if ((d->cipher = EVP_CIPHER_CTX_new()) == NULL)
			return RV_ERR_CRYPTO;
		/* AEAD: the implicit IV is the first 8 bytes of the HMAC slot */
		if (c->aead)
			memcpy(d->implicit_iv, key->hmac, RV_WIRE_AEAD_IMPLICIT_IV);
		if (!EVP_CipherInit_ex2(d->cipher, cipher, key->cipher, NULL, enc, NULL))
			return RV_ERR_CRYPTO;
	}
	if (mac != NULL) {
		params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
		    c->auth_name, 0);
		params[1] = OSSL_PARAM_construct_end();
		d->hmac = EVP_MAC_CTX_new(mac);
		if (d->hmac == NULL || !EVP_MAC_init(d->hmac, key->hmac, c->hmac_len, params))
			return RV_ERR_CRYPTO;
	}
	return 0;
}

/* Fetches the algorithms, fills in c's names and sizes. With an AEAD cipher
 * in TLS mode the auth is ignored, as openvpn does. */
static int
load_algs(struct rv_crypto *c, const char *cipher, const char *auth, EVP_CIPHER **ciph,
    EVP_MAC **mac)
{
	EVP_MD *md = NULL;
	int r = RV_ERR_UNSUPPORTED;

	upcase(c->cipher_name, cipher, sizeof(c->cipher_name));
	upcase(c->auth_name, auth, sizeof(c->auth_name));
	if (is_none(cipher))
		strcpy(c->cipher_name, "none");
	if (is_none(auth))
		strcpy(c->auth_name, "none");
	c->block_len = 1;
	if (!is_none(cipher)) {
		if ((*ciph = EVP_CIPHER_fetch(NULL, cipher, NULL)) == NULL)
			goto out;
		c->key_len = (size_t)EVP_CIPHER_get_key_length(*ciph);
		c->iv_len = (size_t)EVP_CIPHER_get_iv_length(*ciph);
		c->block_len = (size_t)EVP_CIPHER_get_block_size(*ciph);
		c->aead = c->tls_mode && is_aead(*ciph);
		if (c->key_len > RV_KEY_SLOT_LEN || c->iv_len > RV_CRYPTO_IV_MAX ||
		    (c->aead && c->iv_len != AEAD_NONCE_LEN))
			goto out;
	}
	if (c->aead) {
		strcpy(c->auth_name, "none");
	} else if (!is_none(auth)) {
		if ((md = EVP_MD_fetch(NULL, auth, NULL)) == NULL ||
		    (*mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL)
			goto out;
		c->hmac_len = (size_t)EVP_MD_get_size(md);
		if (c->hmac_len > RV_CRYPTO_HMAC_MAX)
			goto out;
	}
	r = 0;
out:
	EVP_MD_free(md);
	return r;
}

/* True if the first len bytes of key are all zero. */
static bool
is_zero_key(const uint8_t *key, size_t len)
{
	uint8_t acc = 0;

	for (size_t i = 0; i < len; i++)
		acc |= key[i];
	return acc == 0;
}

/* Keys c: seal with send, open with recv. */
static int
setup(struct rv_crypto *c, bool tls, const char *cipher, const char *auth,
    const struct rv_key *send, const struct rv_key *recv)
{
	EVP_CIPHER *ciph = NULL;
	EVP_MAC *mac = NULL;
	int r;

	memset(c, 0, sizeof(*c));
	c->with_pid = true;
	c->tls_mode = tls;
	if ((r = load_algs(c, cipher, auth, &ciph, &mac)) != 0)
		goto out;
	/* openvpn refuses generated keys whose cipher part is zero
	 * (crypto.c check_key, ssl.c generate_key_expansion) */
	if (tls && ciph != NULL && (is_zero_key(send->cipher, c->key_len) ||
	    is_zero_key(recv->cipher, c->key_len))) {
		r = RV_ERR_FORMAT;
		goto out;
	}
	if ((r = init_dir(c, &c->enc, ciph, mac, send, true)) != 0 ||
	    (r = init_dir(c, &c->dec, ciph, mac, recv, false)) != 0)
		goto out;
	r = 0;
out:
	EVP_CIPHER_free(ciph);
	EVP_MAC_free(mac);
	if (r != 0)
		rv_crypto_clear(c);
	return r;
}

int
rv_crypto_init_static(struct rv_crypto *c, const char *cipher, const char *auth,
    const struct rv_key *send, const struct rv_key *recv)
{
	return setup(c, false, cipher, auth, send, recv);
}

int
rv_crypto_init_tls(struct rv_crypto *c, const char *cipher, const char *auth,
    const uint8_t key2[static RV_WIRE_KEY2_LEN], bool tls_server)
{
	/* [0] client to server, [1] server to client (wire facts 5.1) */
	struct rv_key keys[2];
	struct rv_buf kb;
	int r = RV_ERR_INTERNAL;

	rv_buf_init_ro(&kb, key2, RV_WIRE_KEY2_LEN);
	for (size_t i = 0; i < 2; i++)
		if (rv_buf_get(&kb, keys[i].cipher, RV_KEY_SLOT_LEN) != 0 ||
		    rv_buf_get(&kb, keys[i].hmac, RV_KEY_SLOT_LEN) != 0)
			goto out;
	/* the client seals with C2S and opens S2C; the server the reverse */
	r = setup(c, true, cipher, auth, &keys[tls_server ? 1 : 0], &keys[tls_server ? 0 : 1]);
out:
	OPENSSL_cleanse(keys, sizeof(keys));
	return r;
}

static void
clear_dir(struct rv_crypto_dir *d)
{
	EVP_CIPHER_CTX_free(d->cipher);
	EVP_MAC_CTX_free(d->hmac);
	d->cipher = NULL;
	d->hmac = NULL;
}

void
rv_crypto_clear(struct rv_crypto *c)
{
	clear_dir(&c->enc);
	clear_dir(&c->dec);
	OPENSSL_cleanse(c, sizeof(*c));
}

void
rv_crypto_set_packet_id(struct rv_crypto *c, bool on)
{
	c->with_pid = on;
}

void
rv_crypto_resume_pid(struct rv_crypto *c, uint32_t id, uint32_t time)
{
	if (time == 0)
		return;
	c->send_id = id;
	c->send_time = time;
}

/* Bytes of packet id in each packet: the short form in TLS mode, where
 * openvpn 2.6 always sends one (ssl.c key_state_init); the long form in
 * static-key mode, or none there with --no-replay. */
static size_t
pid_len(const struct rv_crypto *c)
{
	if (c->tls_mode)
		return RV_WIRE_PID_LEN;
	return c->with_pid ? RV_WIRE_PID_LONG_LEN : 0;
}

size_t
rv_crypto_overhead(const struct rv_crypto *c)
{
	if (c->aead)
		return RV_WIRE_PID_LEN + RV_WIRE_AEAD_TAG;
	/* HMAC, IV, packet id, and up to a full block of CBC padding. */
	return c->hmac_len + c->iv_len + pid_len(c) + (c->block_len > 1 ? c->block_len : 0);
}

/* HMAC of the whole of b into out[c->hmac_len]. */
static int
compute_hmac(const struct rv_crypto *c, EVP_MAC_CTX *mctx, const struct rv_buf *b,
    uint8_t out[static RV_CRYPTO_HMAC_MAX])
{
	size_t outl;

	if (!EVP_MAC_init(mctx, NULL, 0, NULL) ||
	    !EVP_MAC_update(mctx, rv_buf_data(b), rv_buf_len(b)) ||
	    !EVP_MAC_final(mctx, out, &outl, RV_CRYPTO_HMAC_MAX) || outl != c->hmac_len)
		return RV_ERR_CRYPTO;
	return 0;
}

/* CBC-encrypts b in place with iv, growing it by the padding. */
static int
encrypt_cbc(struct rv_crypto *c, struct rv_buf *b, const uint8_t *iv)
{
	uint8_t *data = rv_buf_mutable_data(b), *tail;
	int outl, finl;

	if (!EVP_EncryptInit_ex2(c->enc.cipher, NULL, NULL, iv, NULL) ||
	    !EVP_EncryptUpdate(c->enc.cipher, data, &outl, data, (int)rv_buf_len(b)))
		return RV_ERR_CRYPTO;
	/* The partial last block is inside the context now; its bytes in b are
	 * rewritten by the final block. */
	if (rv_buf_truncate(b, (size_t)outl) != 0 ||
	    rv_buf_reserve(b, c->block_len, &tail) != 0 ||
	    !EVP_EncryptFinal_ex(c->enc.cipher, tail, &finl))
		return RV_ERR_CRYPTO;
	return rv_buf_truncate(b, (size_t)outl + (size_t)finl);
}

/* Prepends the next packet id: in TLS mode the short form, which never
 * wraps (wire facts 6.8); else the long form (id, then the sender's start
 * time). */
static int
put_pid(struct rv_crypto *c, struct rv_buf *b)
{
	int r;

	if (c->tls_mode) {
		if (c->send_id == UINT32_MAX)
			return RV_ERR_LIMIT;
		if ((r = rv_buf_prepend_u32(b, c->send_id + 1)) != 0)
			return r;
		c->send_id++;
		return 0;
	}
	if (c->send_id == UINT32_MAX) {
		/* The long form may wrap only once the time has moved on. */
		uint32_t now = (uint32_t)rv_clock_wall();

		if (now <= c->send_time)
			return RV_ERR_LIMIT;
		c->send_time = now;
		c->send_id = 0;
	}
	if (c->send_time == 0)
		c->send_time = (uint32_t)rv_clock_wall();
	if ((r = rv_buf_prepend_u32(b, c->send_time)) != 0 ||
	    (r = rv_buf_prepend_u32(b, c->send_id + 1)) != 0)
		return r;
	c->send_id++;
	return 0;
}

/* Seals b with the given IV (random in production; fixed in known-answer
 * tests). */
static int
seal_iv(struct rv_crypto *c, struct rv_buf *b, const uint8_t iv[static RV_CRYPTO_IV_MAX])
{
	uint8_t mac[RV_CRYPTO_HMAC_MAX];
	int r;

	/* Padding never grows the data by more than one block. */
	if (rv_buf_headroom(b) < c->hmac_len + c->iv_len + pid_len(c) ||
	    (c->enc.cipher != NULL && rv_buf_tailroom(b) < c->block_len))
		return RV_ERR_NOSPACE;
	if (pid_len(c) > 0 && (r = put_pid(c, b)) != 0)
		return r;
	if (c->enc.cipher != NULL &&
	    ((r = encrypt_cbc(c, b, iv)) != 0 || (r = rv_buf_prepend_data(b, iv, c->iv_len)) != 0))
		return r;
	if (c->enc.hmac != NULL) {
		if ((r = compute_hmac(c, c->enc.hmac, b, mac)) != 0)
			return r;
		return rv_buf_prepend_data(b, mac, c->hmac_len);
	}
	return 0;
}

int
rv_crypto_seal(struct rv_crypto *c, struct rv_buf *b)
{
	uint8_t iv[RV_CRYPTO_IV_MAX] = { 0 };

	if (c->aead)
		return RV_ERR_INTERNAL;   /* AEAD only through rv_crypto_seal_data() */
	if (c->enc.cipher != NULL && RAND_bytes(iv, (int)c->iv_len) != 1)
		return RV_ERR_CRYPTO;
	return seal_iv(c, b, iv);
}

/* CBC-decrypts b in place with iv, dropping the padding. */
static int
decrypt_cbc(struct rv_crypto *c, struct rv_buf *b, const uint8_t *iv)
{
	uint8_t *data = rv_buf_mutable_data(b), *tail;
	size_t len = rv_buf_len(b), room;
	int outl, finl;

	if (data == NULL)
		return RV_ERR_READONLY;
	if (len == 0 || len % c->block_len != 0)
		return RV_ERR_DECRYPT;
	if (!EVP_DecryptInit_ex2(c->dec.cipher, NULL, NULL, iv, NULL) ||
	    !EVP_DecryptUpdate(c->dec.cipher, data, &outl, data, (int)len))
		return RV_ERR_CRYPTO;
	/* The last block is held back by the context; the final call writes
	 * what is left of it after removing the padding. */
	if (rv_buf_truncate(b, (size_t)outl) != 0)
		return RV_ERR_CRYPTO;
	tail = rv_buf_tail(b, &room);
	if (tail == NULL || room < c->block_len)
		return RV_ERR_CRYPTO;
	if (!EVP_DecryptFinal_ex(c->dec.cipher, tail, &finl))
		return RV_ERR_DECRYPT;
	return rv_buf_commit(b, (size_t)finl);
}

int
rv_crypto_open(struct rv_crypto *c, struct rv_buf *b, struct rv_pid *pid)
{
	uint8_t iv[RV_CRYPTO_IV_MAX], mac[RV_CRYPTO_HMAC_MAX];
	struct rv_buf tag;
	int r;

	if (c->aead)
		return RV_ERR_INTERNAL;   /* AEAD only through rv_crypto_open_data() */
	if (c->dec.hmac != NULL) {
		if ((r = rv_buf_get_view(b, c->hmac_len, &tag)) != 0)
			return r;
		if ((r = compute_hmac(c, c->dec.hmac, b, mac)) != 0)
			return r;
		if (!rv_buf_equal(&tag, mac, c->hmac_len))
			return RV_ERR_AUTH;
	}
	if (c->dec.cipher != NULL) {
		if ((r = rv_buf_get(b, iv, c->iv_len)) != 0)
			return r;
		if ((r = decrypt_cbc(c, b, iv)) != 0)
			return r;
	}
	pid->id = pid->time = 0;
	if (pid_len(c) >= RV_WIRE_PID_LEN && (r = rv_buf_get_u32(b, &pid->id)) != 0)
		return r;
	if (pid_len(c) == RV_WIRE_PID_LONG_LEN && (r = rv_buf_get_u32(b, &pid->time)) != 0)
		return r;
	return 0;
}

/* --- TLS mode: P_DATA_V1 / P_DATA_V2 packets (wire facts 6.1-6.3) -------- */

uint32_t
rv_crypto_send_id(const struct rv_crypto *c)
{
	/* After 0xffffffff there is no next id: sealing fails with RV_ERR_LIMIT. */
	return c->send_id == UINT32_MAX ? UINT32_MAX : c->send_id + 1;
}

/* The AEAD nonce of packet id: id || the direction's implicit IV. */
static int
make_nonce(const struct rv_crypto_dir *d, uint32_t id, uint8_t nonce[static AEAD_NONCE_LEN])
{
	struct rv_buf nb;
	int r;

	rv_buf_init(&nb, nonce, AEAD_NONCE_LEN, 0);
	if ((r = rv_buf_put_u32(&nb, id)) != 0 ||
	    (r = rv_buf_put(&nb, d->implicit_iv, RV_WIRE_AEAD_IMPLICIT_IV)) != 0)
		return r;
	return 0;
}

/* The additional data: the 4-byte header and the packet id for P_DATA_V2,
 * the packet id alone for P_DATA_V1 (the opcode byte is not authenticated). */
static int
make_aad(bool v2, uint32_t hdr, uint32_t id, uint8_t aad[static AEAD_AAD_MAX],
    struct rv_buf *ab)
{
	int r;

	rv_buf_init(ab, aad, AEAD_AAD_MAX, 0);
	if ((v2 && (r = rv_buf_put_u32(ab, hdr)) != 0) || (r = rv_buf_put_u32(ab, id)) != 0)
		return r;
	return 0;
}

/* Encrypts b in place and prepends [packet id] [tag] (wire facts 6.2). The
 * caller has checked the headroom. */
static int
seal_aead(struct rv_crypto *c, struct rv_buf *b, bool v2, uint32_t hdr)
{
	uint8_t nonce[AEAD_NONCE_LEN], aad[AEAD_AAD_MAX], tag[RV_WIRE_AEAD_TAG];
	uint8_t *data = rv_buf_mutable_data(b);
	EVP_CIPHER_CTX *ctx = c->enc.cipher;
	size_t len = rv_buf_len(b);
	struct rv_buf ab;
	uint32_t id;
	int outl, r;

	if (data == NULL)
		return RV_ERR_READONLY;
	if (c->send_id == UINT32_MAX)
		return RV_ERR_LIMIT;
	id = c->send_id + 1;
	if ((r = make_nonce(&c->enc, id, nonce)) != 0 || (r = make_aad(v2, hdr, id, aad, &ab)) != 0)
		return r;
	if (!EVP_EncryptInit_ex2(ctx, NULL, NULL, nonce, NULL) ||
	    !EVP_EncryptUpdate(ctx, NULL, &outl, rv_buf_data(&ab), (int)rv_buf_len(&ab)) ||
	    !EVP_EncryptUpdate(ctx, data, &outl, data, (int)len) || (size_t)outl != len ||
	    !EVP_EncryptFinal_ex(ctx, tag, &outl) || outl != 0 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, RV_WIRE_AEAD_TAG, tag) != 1)
		return RV_ERR_CRYPTO;
	if ((r = rv_buf_prepend_data(b, tag, RV_WIRE_AEAD_TAG)) != 0 ||
	    (r = rv_buf_prepend_u32(b, id)) != 0)
		return r;
	c->send_id = id;
	return 0;
}

/* Seals b as a data packet; iv is the CBC IV (random in production, fixed in
 * known-answer tests), unused with AEAD and cipher none. */
static int
seal_data_iv(struct rv_crypto *c, struct rv_buf *b, uint8_t key_id, bool v2,
    uint32_t peer_id, const uint8_t iv[static RV_CRYPTO_IV_MAX])
{
	size_t hlen = v2 ? DATA_V2_HDR_LEN : DATA_V1_HDR_LEN;
	size_t head = c->aead ? RV_WIRE_PID_LEN + RV_WIRE_AEAD_TAG :
	    c->hmac_len + c->iv_len + pid_len(c);
	uint32_t hdr;
	int r;

	if (!c->tls_mode)
		return RV_ERR_INTERNAL;
	if (key_id > RV_WIRE_KEY_ID_MASK || peer_id > RV_WIRE_PEER_ID_NONE)
		return RV_ERR_RANGE;
	hdr = v2 ? (uint32_t)(RV_OP_DATA_V2 << RV_WIRE_OPCODE_SHIFT | key_id) << 24 | peer_id :
	    (uint32_t)(RV_OP_DATA_V1 << RV_WIRE_OPCODE_SHIFT | key_id);
	/* All room is checked first, so a failure uses up no packet id. */
	if (rv_buf_headroom(b) < hlen + head ||
	    (!c->aead && c->enc.cipher != NULL && rv_buf_tailroom(b) < c->block_len))
		return RV_ERR_NOSPACE;
	if ((r = c->aead ? seal_aead(c, b, v2, hdr) : seal_iv(c, b, iv)) != 0)
		return r;
	return v2 ? rv_buf_prepend_u32(b, hdr) : rv_buf_prepend_u8(b, (uint8_t)hdr);
}

int
rv_crypto_seal_data(struct rv_crypto *c, struct rv_buf *b, uint8_t key_id, bool v2,
    uint32_t peer_id)
{
	uint8_t iv[RV_CRYPTO_IV_MAX] = { 0 };

	if (!c->aead && c->enc.cipher != NULL && RAND_bytes(iv, (int)c->iv_len) != 1)
		return RV_ERR_CRYPTO;
	return seal_data_iv(c, b, key_id, v2, peer_id, iv);
}

/* Opens [packet id] [tag] ciphertext in place (wire facts 6.2). */
static int
open_aead(struct rv_crypto *c, struct rv_buf *b, bool v2, uint32_t hdr, struct rv_pid *pid)
{
	uint8_t nonce[AEAD_NONCE_LEN], aad[AEAD_AAD_MAX], tag[RV_WIRE_AEAD_TAG], *data;
	EVP_CIPHER_CTX *ctx = c->dec.cipher;
	struct rv_buf ab;
	uint32_t id;
	size_t len;
	int outl, r;

	if ((r = rv_buf_get_u32(b, &id)) != 0 || (r = rv_buf_get(b, tag, sizeof(tag))) != 0)
		return r;
	/* openvpn never sends an empty AEAD payload and drops one ("missing
	 * payload", crypto.c openvpn_decrypt_aead) */
	if ((len = rv_buf_len(b)) == 0)
		return RV_ERR_SHORT;
	if ((data = rv_buf_mutable_data(b)) == NULL)
		return RV_ERR_READONLY;
	if ((r = make_nonce(&c->dec, id, nonce)) != 0 || (r = make_aad(v2, hdr, id, aad, &ab)) != 0)
		return r;
	if (!EVP_DecryptInit_ex2(ctx, NULL, NULL, nonce, NULL) ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, RV_WIRE_AEAD_TAG, tag) != 1 ||
	    !EVP_DecryptUpdate(ctx, NULL, &outl, rv_buf_data(&ab), (int)rv_buf_len(&ab)) ||
	    !EVP_DecryptUpdate(ctx, data, &outl, data, (int)len) || (size_t)outl != len)
		return RV_ERR_CRYPTO;
	if (!EVP_DecryptFinal_ex(ctx, tag, &outl)) {
		/* leave no unauthenticated plaintext behind */
		OPENSSL_cleanse(data, len);
		ERR_clear_error();
		return RV_ERR_AUTH;
	}
	pid->id = id;
	pid->time = 0;
	return 0;
}

int
rv_crypto_open_data(struct rv_crypto *c, struct rv_buf *b, struct rv_pid *pid)
{
	uint32_t hdr = 0;
	uint8_t op;
	bool v2;
	int r;

	if (!c->tls_mode)
		return RV_ERR_INTERNAL;
	if ((r = rv_buf_peek_u8(b, 0, &op)) != 0)
		return r;
	op >>= RV_WIRE_OPCODE_SHIFT;
	if (op != RV_OP_DATA_V1 && op != RV_OP_DATA_V2)
		return RV_ERR_FORMAT;
	v2 = op == RV_OP_DATA_V2;
	/* The key id picked c; the peer-id is the caller's (wire facts 6.1). */
	if ((r = v2 ? rv_buf_get_u32(b, &hdr) : rv_buf_skip(b, DATA_V1_HDR_LEN)) != 0)
		return r;
	if (c->aead)
		return open_aead(c, b, v2, hdr, pid);
	/* CBC or none: the header is outside the HMAC (wire facts 6.3) */
	return rv_crypto_open(c, b, pid);
}
