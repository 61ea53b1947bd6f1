/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * crypto: data-channel sealing and opening through OpenSSL EVP.
 * Static-key framing: wire facts 6.6, draft section "Data channel packets"
 * (fields hmac, iv, packet_id, time, payload).
 */
#include "crypto.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/params.h>
#include <openssl/provider.h>
#include <openssl/rand.h>

#include "clock.h"
#include "err.h"

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

static int
check_cipher(const char *name, char err[static RV_CRYPTO_ERRLEN])
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
	if (mode == EVP_CIPH_GCM_MODE || mode == EVP_CIPH_CCM_MODE ||
	    (EVP_CIPHER_get_flags(c) & EVP_CIPH_FLAG_AEAD_CIPHER))
		snprintf(err, RV_CRYPTO_ERRLEN, "%s is an AEAD cipher, which needs TLS mode; "
		    "static-key mode uses a CBC cipher such as AES-256-CBC", name);
	else if (mode != EVP_CIPH_CBC_MODE)
		snprintf(err, RV_CRYPTO_ERRLEN, "%s is not a CBC cipher; static-key mode "
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
	if ((r = check_cipher(cipher, err)) != 0)
		return r;
	*which = "auth";
	return check_auth(auth, err);
}

static int
init_dir(struct rv_crypto *c, struct rv_crypto_dir *d, const EVP_CIPHER *cipher,
    EVP_MAC *mac, const struct rv_key *key, bool enc)
{
	OSSL_PARAM params[2];

	if (cipher != NULL) {
		d->cipher = EVP_CIPHER_CTX_new();
		if (d->cipher == NULL ||
		    !EVP_CipherInit_ex2(d->cipher, cipher, key->cipher, NULL, enc, NULL))
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

int
rv_crypto_init_static(struct rv_crypto *c, const char *cipher, const char *auth,
    const struct rv_key *send, const struct rv_key *recv)
{
	EVP_CIPHER *ciph = NULL;
	EVP_MAC *mac = NULL;
	EVP_MD *md = NULL;
	int r = RV_ERR_UNSUPPORTED;

	memset(c, 0, sizeof(*c));
	c->with_pid = true;
	upcase(c->cipher_name, cipher, sizeof(c->cipher_name));
	upcase(c->auth_name, auth, sizeof(c->auth_name));
	if (is_none(cipher))
		strcpy(c->cipher_name, "none");
	if (is_none(auth))
		strcpy(c->auth_name, "none");
	c->block_len = 1;
	if (!is_none(cipher)) {
		if ((ciph = EVP_CIPHER_fetch(NULL, cipher, NULL)) == NULL)
			goto out;
		c->key_len = (size_t)EVP_CIPHER_get_key_length(ciph);
		c->iv_len = (size_t)EVP_CIPHER_get_iv_length(ciph);
		c->block_len = (size_t)EVP_CIPHER_get_block_size(ciph);
	}
	if (!is_none(auth)) {
		if ((md = EVP_MD_fetch(NULL, auth, NULL)) == NULL ||
		    (mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL)
			goto out;
		c->hmac_len = (size_t)EVP_MD_get_size(md);
	}
	if ((r = init_dir(c, &c->enc, ciph, mac, send, true)) != 0 ||
	    (r = init_dir(c, &c->dec, ciph, mac, recv, false)) != 0)
		goto out;
	r = 0;
out:
	EVP_CIPHER_free(ciph);
	EVP_MAC_free(mac);
	EVP_MD_free(md);
	if (r != 0)
		rv_crypto_clear(c);
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

/* Bytes of packet id in each packet. */
static size_t
pid_len(const struct rv_crypto *c)
{
	return c->with_pid ? 8 : 0;
}

size_t
rv_crypto_overhead(const struct rv_crypto *c)
{
	/* HMAC, IV, long packet id, and up to a full block of CBC padding. */
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

/* Prepends the next long-form packet id (id, then the sender's start time). */
static int
put_pid(struct rv_crypto *c, struct rv_buf *b)
{
	int r;

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
	if (c->with_pid && (r = put_pid(c, b)) != 0)
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
	if (c->with_pid &&
	    ((r = rv_buf_get_u32(b, &pid->id)) != 0 || (r = rv_buf_get_u32(b, &pid->time)) != 0))
		return r;
	return 0;
}
