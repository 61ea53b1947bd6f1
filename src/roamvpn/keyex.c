/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * keyex: the key method 2 message each side sends first inside TLS, and the
 * legacy (TLS 1.0 PRF) derivation of the 256-byte data-channel key block
 * from the two messages (wire facts 4.1, 4.2, 4.4, 5.3; draft "Key method
 * 2", with the corrections of wire facts 14: the server's message has no
 * pre_master, empty strings are a bare 0x0000 length, and the key expansion
 * label has no trailing space and its seed ends with both session ids).
 *
 * Also the two peer-info look-ups the session needs (wire facts 4.4).
 */
#include "keyex.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "err.h"

enum {
	KM2_LITERAL_ZERO = 4,      /* [4] 00 00 00 00, ignored by the receiver */
	KM2_METHOD = 2,
	KM2_METHOD_MASK = 0x0f,    /* the high bits of the method byte are flags */
	KM2_MASTER_LEN = 48,
	KM2_STR_LEN_FIELD = 2,
};

/* The PRF labels: no trailing space and no NUL (wire facts 5.3, 14). */
static const char label_master[] = "OpenVPN master secret";
static const char label_expansion[] = "OpenVPN key expansion";

/* --- building ---------------------------------------------------------------- */

int
rv_km2_randomize(struct rv_km2 *m, bool client)
{
	int r = RV_ERR_CRYPTO;

	m->has_pre_master = client;
	OPENSSL_cleanse(m->pre_master, sizeof(m->pre_master));
	if (client && RAND_bytes(m->pre_master, sizeof(m->pre_master)) != 1)
		goto out;
	if (RAND_bytes(m->random1, sizeof(m->random1)) != 1 ||
	    RAND_bytes(m->random2, sizeof(m->random2)) != 1)
		goto out;
	r = 0;
out:
	return r;
}

/*
 * Bytes a string field takes on the wire, or 0 if s[cap] holds no NUL or
 * is longer than max characters. An empty string is the bare length 0x0000
 * (wire facts 4.2): openvpn writes "00 01 00" only for strings it has, and
 * both forms read back as "not provided".
 */
static size_t
str_wire_len(const char *s, size_t cap, size_t max)
{
	size_t n = strnlen(s, cap);

	if (n == cap || n > max)
		return 0;
	return n == 0 ? KM2_STR_LEN_FIELD : KM2_STR_LEN_FIELD + n + 1;
}

static int
put_str(struct rv_buf *b, const char *s)
{
	size_t n = strlen(s);
	int r;

	if (n == 0)
		return rv_buf_put_u16(b, 0);
	/* Length counts the NUL, which is sent too (wire facts 4.2). */
	if ((r = rv_buf_put_u16(b, (uint16_t)(n + 1))) != 0 ||
	    (r = rv_buf_put(b, s, n + 1)) != 0)
		return r;
	return 0;
}

int
rv_km2_build(struct rv_buf *b, const struct rv_km2 *m)
{
	size_t opt = str_wire_len(m->options, sizeof(m->options), RV_WIRE_KM2_OPTIONS_MAX - 1);
	size_t user = str_wire_len(m->username, sizeof(m->username), sizeof(m->username) - 1);
	size_t pass = str_wire_len(m->password, sizeof(m->password), sizeof(m->password) - 1);
	size_t info = str_wire_len(m->peer_info, sizeof(m->peer_info), sizeof(m->peer_info) - 1);
	size_t need = KM2_LITERAL_ZERO + 1 + sizeof(m->random1) + sizeof(m->random2);
	int r = RV_ERR_RANGE;

	/* A 2.6 peer refuses an options string of 512 bytes or more with its
	 * NUL (TLS_OPTIONS_LEN), so it is never sent (wire facts 4.1). */
	if (opt == 0 || user == 0 || pass == 0 || info == 0)
		goto out;
	need += opt + user + pass + info;
	if (m->has_pre_master)
		need += sizeof(m->pre_master);
	/* Checked up front so a full buffer is left as it was. */
	r = RV_ERR_NOSPACE;
	if (need > rv_buf_tailroom(b))
		goto out;
	if ((r = rv_buf_put_u32(b, 0)) != 0 ||
	    (r = rv_buf_put_u8(b, KM2_METHOD)) != 0 ||
	    (m->has_pre_master && (r = rv_buf_put(b, m->pre_master, sizeof(m->pre_master))) != 0) ||
	    (r = rv_buf_put(b, m->random1, sizeof(m->random1))) != 0 ||
	    (r = rv_buf_put(b, m->random2, sizeof(m->random2))) != 0 ||
	    (r = put_str(b, m->options)) != 0 ||
	    (r = put_str(b, m->username)) != 0 ||
	    (r = put_str(b, m->password)) != 0 ||
	    (r = put_str(b, m->peer_info)) != 0)
		goto out;
	r = 0;
out:
	return r;
}

/* --- parsing ----------------------------------------------------------------- */

/*
 * Reads one string field into out[cap]. Length 0 is the empty string. The
 * declared length counts the NUL, so it may be at most cap; the last byte
 * must be that NUL and no other byte may be one. openvpn itself only
 * overwrites the last byte with a NUL; the stricter check keeps a peer from
 * hiding bytes behind an early NUL.
 */
static int
get_str(struct rv_buf *b, char *out, size_t cap)
{
	struct rv_buf v;
	uint16_t len;
	size_t nul;
	int r;

	if ((r = rv_buf_get_u16(b, &len)) != 0)
		return r;
	out[0] = '\0';
	if (len == 0)
		return 0;
	if (len > cap)
		return RV_ERR_FORMAT;
	if ((r = rv_buf_get_view(b, len, &v)) != 0)
		return r;
	if (rv_buf_find(&v, '\0', &nul) != 0 || nul != (size_t)len - 1)
		return RV_ERR_FORMAT;
	return rv_buf_get(&v, out, len);
}

static int
get_key_source(struct rv_buf *b, bool from_client, struct rv_km2 *out)
{
	uint8_t method;
	int r;

	/* The literal zero is skipped without looking, as openvpn does. */
	if ((r = rv_buf_skip(b, KM2_LITERAL_ZERO)) != 0 ||
	    (r = rv_buf_get_u8(b, &method)) != 0)
		return r;
	if ((method & KM2_METHOD_MASK) != KM2_METHOD)
		return RV_ERR_FORMAT;
	out->has_pre_master = from_client;
	if (from_client && (r = rv_buf_get(b, out->pre_master, sizeof(out->pre_master))) != 0)
		return r;
	if ((r = rv_buf_get(b, out->random1, sizeof(out->random1))) != 0 ||
	    (r = rv_buf_get(b, out->random2, sizeof(out->random2))) != 0)
		return r;
	return 0;
}

int
rv_km2_parse(struct rv_buf *b, bool from_client, struct rv_km2 *out)
{
	struct rv_buf v = *b;   /* consumed only on success */
	int r = RV_ERR_INTERNAL;

	memset(out, 0, sizeof(*out));
	if ((r = get_key_source(&v, from_client, out)) != 0 ||
	    (r = get_str(&v, out->options, sizeof(out->options))) != 0 ||
	    /* User and password are always read, even when unused, because
	     * peer-info follows them (wire facts 4.1). */
	    (r = get_str(&v, out->username, sizeof(out->username))) != 0 ||
	    (r = get_str(&v, out->password, sizeof(out->password))) != 0)
		goto out;
	/* Peer-info may be missing altogether (a 2.6 server sends 00 00, older
	 * peers nothing). */
	if (rv_buf_len(&v) > 0 && (r = get_str(&v, out->peer_info, sizeof(out->peer_info))) != 0)
		goto out;
	/* openvpn ignores what follows; nothing legitimate does, so refuse. */
	r = RV_ERR_FORMAT;
	if (rv_buf_len(&v) != 0)
		goto out;
	*b = v;
	r = 0;
out:
	if (r != 0)
		rv_km2_wipe(out);
	return r;
}

void
rv_km2_wipe(struct rv_km2 *m)
{
	OPENSSL_cleanse(m->pre_master, sizeof(m->pre_master));
	OPENSSL_cleanse(m->random1, sizeof(m->random1));
	OPENSSL_cleanse(m->random2, sizeof(m->random2));
	/* The password field also carries auth-tokens. */
	OPENSSL_cleanse(m->password, sizeof(m->password));
}

/* --- legacy PRF (wire facts 5.3) ---------------------------------------------- */

/*
 * One TLS 1.0/1.1 PRF run: P_MD5 over the first half of the secret XOR
 * P_SHA1 over the second half, which is OpenSSL's TLS1-PRF with the
 * MD5-SHA1 digest. The seed already starts with the label.
 */
static int
tls1_prf(const uint8_t *secret, size_t secret_len, const struct rv_buf *seed,
    uint8_t *out, size_t out_len)
{
	char digest[] = "MD5-SHA1";
	EVP_KDF *kdf = EVP_KDF_fetch(NULL, "TLS1-PRF", NULL);
	EVP_KDF_CTX *ctx = kdf != NULL ? EVP_KDF_CTX_new(kdf) : NULL;
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
		OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SECRET,
		    (void *)(uintptr_t)secret, secret_len),
		OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED,
		    (void *)(uintptr_t)rv_buf_data(seed), rv_buf_len(seed)),
		OSSL_PARAM_construct_end(),
	};
	int r = RV_ERR_CRYPTO;

	if (ctx != NULL && EVP_KDF_derive(ctx, out, out_len, params) == 1)
		r = 0;
	EVP_KDF_CTX_free(ctx);
	EVP_KDF_free(kdf);
	return r;
}

int
rv_keyex_prf(const struct rv_km2 *client, const struct rv_km2 *server,
    const uint8_t client_sid[static RV_WIRE_SID_LEN],
    const uint8_t server_sid[static RV_WIRE_SID_LEN],
    uint8_t key2[static RV_WIRE_KEY2_LEN])
{
	/* label || c.random2 || s.random2 || client sid || server sid */
	uint8_t seed_mem[sizeof(label_expansion) + 2 * RV_WIRE_KM2_RANDOM + 2 * RV_WIRE_SID_LEN];
	uint8_t master[KM2_MASTER_LEN];
	struct rv_buf seed;
	int r = RV_ERR_CRYPTO;

	/* master = PRF(client.pre_master, "OpenVPN master secret" ||
	 *              c.random1 || s.random1) */
	rv_buf_init(&seed, seed_mem, sizeof(seed_mem), 0);
	if (rv_buf_put_str(&seed, label_master) != 0 ||
	    rv_buf_put(&seed, client->random1, sizeof(client->random1)) != 0 ||
	    rv_buf_put(&seed, server->random1, sizeof(server->random1)) != 0 ||
	    tls1_prf(client->pre_master, sizeof(client->pre_master), &seed,
	    master, sizeof(master)) != 0)
		goto out;
	/* key2 = PRF(master, "OpenVPN key expansion" || c.random2 ||
	 *            s.random2 || client_sid || server_sid) */
	rv_buf_reset(&seed, 0);
	if (rv_buf_put_str(&seed, label_expansion) != 0 ||
	    rv_buf_put(&seed, client->random2, sizeof(client->random2)) != 0 ||
	    rv_buf_put(&seed, server->random2, sizeof(server->random2)) != 0 ||
	    rv_buf_put(&seed, client_sid, RV_WIRE_SID_LEN) != 0 ||
	    rv_buf_put(&seed, server_sid, RV_WIRE_SID_LEN) != 0 ||
	    tls1_prf(master, sizeof(master), &seed, key2, RV_WIRE_KEY2_LEN) != 0)
		goto out;
	r = 0;
out:
	if (r != 0)
		OPENSSL_cleanse(key2, RV_WIRE_KEY2_LEN);
	OPENSSL_cleanse(master, sizeof(master));
	OPENSSL_cleanse(seed_mem, sizeof(seed_mem));
	return r;
}

/* --- peer-info (wire facts 4.4) ------------------------------------------------ */

/*
 * Lines are "NAME=value\n". The name must start a line: openvpn searches
 * with strstr(), which would also find "IV_PROTO=" inside "UV_IV_PROTO=";
 * its own order (IV_PROTO before any UV_ line) hides that, ours need not
 * rely on it. A value that does not fit in out is not returned cut short
 * (a truncated IV_PROTO or IV_CIPHERS would mean something else).
 */
bool
rv_peer_info_get(const char *peer_info, const char *name, char *out, size_t len)
{
	size_t name_len = strlen(name);
	struct rv_buf text, line;
	bool found = false;
	uint8_t c;

	if (len == 0)
		return false;
	out[0] = '\0';
	if (peer_info == NULL)
		return false;
	rv_buf_init_ro(&text, peer_info, strlen(peer_info));
	while (!found && rv_buf_get_line(&text, &line) == 0) {
		if (!rv_buf_has_prefix(&line, name, name_len) ||
		    rv_buf_peek_u8(&line, name_len, &c) != 0 || c != '=')
			continue;
		rv_buf_skip(&line, name_len + 1);
		if (rv_buf_len(&line) >= len)
			break;
		found = true;
		out[rv_buf_len(&line)] = '\0';
		rv_buf_get(&line, out, rv_buf_len(&line));
	}
	return found;
}

unsigned
rv_peer_info_proto(const char *peer_info)
{
	/* Up to 10 digits: every value of an unsigned int, and no more. */
	char value[16];
	unsigned long long v = 0;

	if (!rv_peer_info_get(peer_info, "IV_PROTO", value, sizeof(value)) ||
	    value[0] == '\0' || strlen(value) > 10 ||
	    strspn(value, "0123456789") != strlen(value))
		return 0;
	v = strtoull(value, NULL, 10);
	return v > UINT_MAX ? 0 : (unsigned)v;
}
