/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_COOKIE_H
#define RV_COOKIE_H

/*
 * Admission of new clients without state (wire facts 3.1, 3.2; openvpn 2.6's
 * HMAC session-id cookie). The server answers a client's hard reset with
 * its own whose session id is
 *   HMAC-SHA256(K, slot || client address and port || client session id)[0..8]
 * with K random per process and slot = now / ((hand-window + 1) / 2). The
 * client must echo it in the ACK block of its next packet, from the same
 * address and port; only then does the server create anything. A cookie is
 * accepted from slots -2 .. +1 around now (about 60-90 s by default).
 *
 * Rate limits (--connect-freq N SECS, and openvpn's fixed 100 stateless
 * replies per 10 s): a fixed window counting events.
 */

#include <stdbool.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "addr.h"
#include "wire.h"

enum { RV_COOKIE_KEY_LEN = 32 };

struct rv_cookie {
	EVP_MAC_CTX *mac;              /* HMAC-SHA256 keyed with K */
	uint64_t slot_secs;
};

/* A fresh random key; slots of (hand_window + 1) / 2 seconds. Returns 0 or
 * RV_ERR_CRYPTO. */
int rv_cookie_init(struct rv_cookie *c, int hand_window);
void rv_cookie_clear(struct rv_cookie *c);

/* The cookie for a client at from with session id csid, at now (seconds),
 * in slot offset (0 = now). Returns 0 or RV_ERR_CRYPTO. */
int rv_cookie_make(const struct rv_cookie *c, const struct rv_sockaddr *from,
    const uint8_t csid[static RV_WIRE_SID_LEN], uint64_t now, int offset,
    uint8_t out[static RV_WIRE_SID_LEN]);

/* True if sid is a cookie we made for from and csid within the accepted
 * slots. Compares in constant time. */
bool rv_cookie_check(const struct rv_cookie *c, const struct rv_sockaddr *from,
    const uint8_t csid[static RV_WIRE_SID_LEN], uint64_t now,
    const uint8_t sid[static RV_WIRE_SID_LEN]);

/* At most n events per period (ns); n == 0 means no limit. */
struct rv_rate {
	unsigned n;
	uint64_t period;
	uint64_t window_start;
	unsigned count;
};

void rv_rate_init(struct rv_rate *r, unsigned n, uint64_t period);

/* Counts an event at now (ns); false if it is over the limit. */
bool rv_rate_allow(struct rv_rate *r, uint64_t now);

#endif
