/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_PATHVAL_H
#define RV_PATHVAL_H

/*
 * pathval: a server's validation of a client's new address, after RFC 9000
 * section 9 (QUIC connection migration), for clients that negotiated the
 * mobility extension.
 *
 * A verified, fresh packet from a new address moves the client there at
 * once (traffic must not wait), but the address is only a candidate until
 * the client answers a challenge sent to it (an authenticated RESPONSE
 * echoing a random nonce). Until then the server sends the candidate at most
 * RV_ROAM_AMPLIFICATION times the bytes it received from it, so a forged or
 * raced source address cannot turn the server into an amplifier; and the
 * last validated address ("home") is kept: a fresh packet from home moves
 * the client back at once without a challenge, and a validation that times
 * out moves it back there.
 *
 * Pure bookkeeping with the time passed in; peer.c sends the challenges,
 * runs the timer and moves the address (rv_peer_set_remote()).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "roamvpn/roam.h"

#include "addr.h"

struct rv_pathval {
	bool has_home;
	struct rv_sockaddr home;              /* last validated address */
	bool validating;
	struct rv_sockaddr cand;              /* the address being validated */
	uint8_t challenge[RV_ROAM_NONCE_LEN];
	uint64_t rx, tx;                      /* bytes from / to cand since the move */
	uint64_t since;                       /* monotonic ns of the move */
	uint64_t deadline;                    /* ... when it fails */
	/* counters (status, management, statistics) */
	uint64_t moves;                       /* moves done (validated or not) */
	uint64_t validated, failed;           /* validations that succeeded / timed out */
	uint64_t limited;                     /* packets held back by the 3x limit */
	uint64_t last_delay_ns;               /* move to validation of the last move */
	uint64_t last_at;                     /* monotonic ns of that validation, 0 = none */
};

/* home: the address the client was admitted from (validated by the
 * handshake). */
void rv_pathval_init(struct rv_pathval *pv, const struct rv_sockaddr *home);

/* True if a is the last validated address. */
bool rv_pathval_is_home(const struct rv_pathval *pv, const struct rv_sockaddr *a);

/* The client moved to its validated home address (or validation is not
 * used): any validation ends, a becomes home. */
void rv_pathval_settle(struct rv_pathval *pv, const struct rv_sockaddr *a);

/* The client moved to cand, not validated: starts (or restarts) validating
 * it with a fresh challenge, counting rx bytes received from it. Returns 0
 * or RV_ERR_CRYPTO (no randomness: the caller settles instead). */
int rv_pathval_begin(struct rv_pathval *pv, const struct rv_sockaddr *cand, size_t rx,
    uint64_t now, uint64_t timeout_ns);

/* An authenticated packet of len bytes came from a. */
void rv_pathval_received(struct rv_pathval *pv, const struct rv_sockaddr *a, size_t len);

/* May len more bytes go to the candidate? Counts them if so, and counts a
 * held-back packet if not. Always true when not validating. */
bool rv_pathval_may_send(struct rv_pathval *pv, size_t len);

/* A RESPONSE echoing echo came from a: true if it validates the candidate
 * (which becomes home). */
bool rv_pathval_answered(struct rv_pathval *pv, const struct rv_sockaddr *a,
    const uint8_t echo[static RV_ROAM_NONCE_LEN], uint64_t now);

/* True if validation is under way and its deadline has passed: it ends
 * (counted as failed) and the caller moves the client back home. */
bool rv_pathval_expired(struct rv_pathval *pv, uint64_t now);

#endif
