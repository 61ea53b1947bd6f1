/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ROAMVPN_STATS_H
#define ROAMVPN_STATS_H

/*
 * Why roamvpn dropped a packet. Each reason is counted per peer and printed
 * in the statistics block (SIGUSR2 and at exit) as "dropped <name>,<count>";
 * the names are stable so monitoring can rely on them.
 */

#define RV_DROP_REASONS(X)                                                   \
	X(SOURCE, "source-not-allowed")  /* not from --remote and no --float */ \
	X(MALFORMED, "malformed")        /* too short or badly framed */         \
	X(AUTH, "hmac-failed")           /* HMAC or tag did not verify */       \
	X(DECRYPT, "decrypt-failed")     /* cipher or padding error */          \
	X(REPLAY, "replay")              /* packet id replayed or too old */    \
	X(OVERSIZE, "oversize")          /* larger than the receive buffer */   \
	X(NO_REMOTE, "no-peer-address")  /* nowhere to send yet */              \
	X(TUN_WRITE, "tun-write-failed")                                        \
	X(LINK_SEND, "link-send-failed")                                        \
	X(SEAL, "seal-failed")           /* packet ids exhausted, no room */    \
	X(BAD_OCC, "bad-occ")            /* malformed OCC message */            \
	X(NO_KEYS, "no-data-keys")       /* data for a key id we have no keys for */ \
	X(UNKNOWN_SESSION, "unknown-session") /* control packet of no session */ \
	X(UNSUPPORTED, "unsupported")    /* tls-crypt-v2, key method 1 */      \
	X(DECOMPRESS, "decompress-failed") /* bad compression framing or data */ \
	X(ROAM_MSG, "bad-roam-message")  /* malformed or unexpected roam message */ \
	X(UNVALIDATED, "unvalidated-path-limit") /* over 3x to a new address */

#define RV_DROP_ENUM_(id, name) RV_DROP_##id,
enum rv_drop {
	RV_DROP_REASONS(RV_DROP_ENUM_)
	RV_DROP__MAX
};
#undef RV_DROP_ENUM_

#endif
