/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_WRAP_H
#define RV_WRAP_H

/*
 * Control-channel wrapping (wire facts 2.2, 2.3, 2.5): how a control packet's
 * body is protected and where its head goes.
 *
 *   none:      [op|kid] [sid] body
 *   tls-auth:  [op|kid] [sid] [H] HMAC [4] replay counter [4] time, body
 *              HMAC = HMAC(--auth, counter || time || op|kid || sid || body)
 *   tls-crypt: [op|kid] [sid] [4] counter [4] time [32] tag, AES-256-CTR(body)
 *              tag = HMAC-SHA256(Ka, op|kid || sid || counter || time || body),
 *              IV = tag[0..15]
 *
 * The replay counter starts at 1 per context and increases with every packet
 * sealed, retransmissions included. Received counters go through a replay
 * window (64 packets, 15 s: --replay-window) after the packet verified.
 *
 * Keys: tls-auth takes the HMAC halves of a static key by --key-direction
 * (send keys[0]/receive keys[1] for direction 0, the reverse for 1, keys[0]
 * both ways without one). tls-crypt, and the dynamic tls-crypt key used for
 * renegotiations, use fixed roles: the TLS server sends with keys[0]
 * (Ke = cipher slot bytes 0..31, Ka = HMAC slot bytes 0..31) and receives with
 * keys[1]; the TLS client the opposite.
 *
 * rv_wrap_open() checks before anything else is read; a packet that fails
 * changes nothing in the context except a failure counter.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "buf.h"
#include "keyfile.h"
#include "replay.h"
#include "wire.h"

enum rv_wrap_mode { RV_WRAP_NONE, RV_WRAP_AUTH, RV_WRAP_CRYPT };

struct rv_wrap {
	enum rv_wrap_mode mode;
	size_t hmac_len;                  /* tls-auth: digest size of --auth */
	EVP_MAC_CTX *send_mac, *recv_mac; /* tls-auth HMAC, tls-crypt Ka */
	EVP_CIPHER_CTX *send_ctr, *recv_ctr; /* tls-crypt Ke, AES-256-CTR */
	uint32_t send_counter;            /* replay counter of the last packet sealed */
	uint32_t send_time;               /* time of the counter sequence */
	struct rv_replay replay;
	uint64_t failed;                  /* packets that did not verify */
};

/* A context that only places the head. Always succeeds. */
void rv_wrap_init_none(struct rv_wrap *w);

/* tls-auth with digest (an --auth name) and key k in direction dir
 * (RV_KEYDIR_*). window/time configure the replay window. Returns 0,
 * RV_ERR_UNSUPPORTED (unknown digest, digest none), RV_ERR_FORMAT (direction
 * needs two keys) or RV_ERR_CRYPTO. */
int rv_wrap_init_auth(struct rv_wrap *w, const char *digest, const struct rv_key2 *k,
    int dir, uint32_t window, uint32_t time);

/* tls-crypt with key k for the TLS server (tls_server) or client role. k must
 * hold two keys. Returns 0, RV_ERR_FORMAT or RV_ERR_CRYPTO. */
int rv_wrap_init_crypt(struct rv_wrap *w, const struct rv_key2 *k, bool tls_server,
    uint32_t window, uint32_t time);

/* Frees and wipes w. */
void rv_wrap_clear(struct rv_wrap *w);

/* Bytes the wrap adds to a packet on top of head and body. */
size_t rv_wrap_overhead(const struct rv_wrap *w);

/* b holds a packet's body (ack block, message id, payload) with headroom.
 * Protects it and prepends the head (first byte, our session id) and the
 * wrap fields. The replay time is the wall clock when the context sends its
 * first packet. Returns 0, RV_ERR_NOSPACE, RV_ERR_LIMIT (counter exhausted)
 * or RV_ERR_CRYPTO. */
int rv_wrap_seal(struct rv_wrap *w, struct rv_buf *b, uint8_t first,
    const uint8_t sid[static RV_WIRE_SID_LEN]);

/* b holds a whole received control packet (writable: tls-crypt decrypts in
 * place). Verifies it and, on success, reads the head into *first and sid and
 * leaves only the plain body in b. now is monotonic seconds, for the replay
 * window. Returns 0, RV_ERR_SHORT, RV_ERR_AUTH (HMAC or tag), RV_ERR_REPLAY or
 * RV_ERR_CRYPTO. On failure the replay window is unchanged and the packet
 * must be dropped (tls-crypt may have decrypted it in place). */
int rv_wrap_open(struct rv_wrap *w, struct rv_buf *b, uint8_t *first,
    uint8_t sid[static RV_WIRE_SID_LEN], uint64_t now);

/* Reads only the head (first byte and sender session id) of a received packet
 * without consuming or checking anything, for routing a packet to its
 * session before opening it. Returns 0 or RV_ERR_SHORT. */
int rv_wrap_peek_head(const struct rv_buf *b, uint8_t *first,
    uint8_t sid[static RV_WIRE_SID_LEN]);

#endif
