/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cookie: the stateless HMAC session-id cookie of a UDP server and the
 * connection rate limits (wire facts 3.1, 3.2, 10; see cookie.h).
 */
#include "cookie.h"

#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "err.h"
#include "table.h"

int
rv_cookie_init(struct rv_cookie *c, int hand_window)
{
	uint8_t key[RV_COOKIE_KEY_LEN];
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0),
		OSSL_PARAM_construct_end(),
	};
	EVP_MAC *mac;
	int r = RV_ERR_CRYPTO;

	memset(c, 0, sizeof(*c));
	c->slot_secs = (uint64_t)(hand_window > 0 ? (hand_window + 1) / 2 : 30);
	if (c->slot_secs == 0)
		c->slot_secs = 1;
	if (RAND_priv_bytes(key, sizeof(key)) != 1 ||
	    (mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL)
		goto out;
	c->mac = EVP_MAC_CTX_new(mac);
	EVP_MAC_free(mac);
	if (c->mac != NULL && EVP_MAC_init(c->mac, key, sizeof(key), params) == 1)
		r = 0;
out:
	OPENSSL_cleanse(key, sizeof(key));
	return r;
}

void
rv_cookie_clear(struct rv_cookie *c)
{
	EVP_MAC_CTX_free(c->mac);
	memset(c, 0, sizeof(*c));
}

int
rv_cookie_make(const struct rv_cookie *c, const struct rv_sockaddr *from,
    const uint8_t csid[static RV_WIRE_SID_LEN], uint64_t now, int offset,
    uint8_t out[static RV_WIRE_SID_LEN])
{
	uint8_t akey[RV_TABLE_KEY_MAX], slot[8], md[EVP_MAX_MD_SIZE];
	size_t alen = rv_table_addr_key(from, akey), mdlen = 0;
	uint64_t s = now / c->slot_secs + (uint64_t)(int64_t)offset;
	EVP_MAC_CTX *m = c->mac;

	for (int i = 0; i < 8; i++)
		slot[i] = (uint8_t)(s >> (56 - 8 * i));
	/* Init without a key restarts with the key set once: no allocation
	 * per cookie, even under a flood. */
	if (EVP_MAC_init(m, NULL, 0, NULL) != 1 || EVP_MAC_update(m, slot, sizeof(slot)) != 1 ||
	    EVP_MAC_update(m, akey, alen) != 1 || EVP_MAC_update(m, csid, RV_WIRE_SID_LEN) != 1 ||
	    EVP_MAC_final(m, md, &mdlen, sizeof(md)) != 1 || mdlen < RV_WIRE_SID_LEN)
		return RV_ERR_CRYPTO;
	memcpy(out, md, RV_WIRE_SID_LEN);
	return 0;
}

bool
rv_cookie_check(const struct rv_cookie *c, const struct rv_sockaddr *from,
    const uint8_t csid[static RV_WIRE_SID_LEN], uint64_t now,
    const uint8_t sid[static RV_WIRE_SID_LEN])
{
	uint8_t want[RV_WIRE_SID_LEN];
	bool ok = false;

	for (int off = -2; off <= 1; off++)
		if (rv_cookie_make(c, from, csid, now, off, want) == 0 &&
		    CRYPTO_memcmp(want, sid, RV_WIRE_SID_LEN) == 0)
			ok = true;
	return ok;
}

void
rv_rate_init(struct rv_rate *r, unsigned n, uint64_t period)
{
	memset(r, 0, sizeof(*r));
	r->n = n;
	r->period = period;
}

bool
rv_rate_allow(struct rv_rate *r, uint64_t now)
{
	if (r->n == 0)
		return true;
	if (r->count == 0 || now - r->window_start >= r->period) {
		r->window_start = now;
		r->count = 0;
	}
	if (r->count >= r->n)
		return false;
	r->count++;
	return true;
}
