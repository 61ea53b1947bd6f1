/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_CRYPTO_H
#define RV_CRYPTO_H

/*
 * The data channel's cryptography, through OpenSSL 3's EVP API.
 *
 * Static-key mode (wire facts 6.6; draft "Data channel packets, static key"):
 *   [HMAC] [IV] CBC( packet id [4] || time [4] || payload )
 * HMAC covers IV || ciphertext. With cipher none the packet is
 * [HMAC] [packet id] [time] [payload]; with auth none there is no HMAC.
 *
 * Sealing and opening work in place on a struct rv_buf: the header goes into
 * the headroom, padding into the tailroom, the payload is never copied.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/evp.h>

#include "buf.h"
#include "keyfile.h"
#include "replay.h"
#include "wire.h"

enum {
	RV_CRYPTO_HMAC_MAX = 64,
	RV_CRYPTO_IV_MAX = 16,
	RV_CRYPTO_NAME_MAX = 48,
	RV_CRYPTO_ERRLEN = 256,
};

/* One direction's contexts, keyed once at init. */
struct rv_crypto_dir {
	EVP_CIPHER_CTX *cipher;   /* NULL with cipher none */
	EVP_MAC_CTX *hmac;        /* NULL with auth none */
	uint8_t implicit_iv[RV_WIRE_AEAD_IMPLICIT_IV];   /* AEAD: nonce tail */
};

struct rv_crypto {
	bool tls_mode;           /* short packet ids, opcode header (TLS mode) */
	bool aead;               /* AEAD cipher (TLS mode only) */
	char cipher_name[RV_CRYPTO_NAME_MAX];   /* OpenSSL's canonical name, or "none" */
	char auth_name[RV_CRYPTO_NAME_MAX];
	size_t key_len;          /* cipher key bytes */
	size_t iv_len;
	size_t block_len;        /* 1 for stream modes */
	size_t hmac_len;         /* 0 with auth none */
	struct rv_crypto_dir enc, dec;
	bool with_pid;           /* packets carry a packet id (not with --no-replay) */
	/* packet id of the last packet sealed (0: none yet), and its time */
	uint32_t send_id;
	uint32_t send_time;
};

/*
 * TLS mode (wire facts 6.1-6.5; draft "Data channel packets"):
 *   AEAD:      [hdr] [4] packet id [16] tag [n] ciphertext
 *              nonce = packet id || implicit IV (first 8 bytes of the
 *              direction's HMAC slot), AAD = hdr || packet id for P_DATA_V2,
 *              the packet id alone for P_DATA_V1
 *   CBC+HMAC:  [hdr] [H] HMAC [IV] CBC(packet id || payload), HMAC over
 *              IV || ciphertext (never the header)
 *   none:      [hdr] [H] HMAC [4] packet id, payload
 *   hdr:       P_DATA_V1: [1] 6 << 3 | key_id;
 *              P_DATA_V2: [4] (9 << 3 | key_id) << 24 | peer_id
 * Packet ids are the short form: 1, 2, 3 ..., time 0, never wrapping. The
 * 256-byte key block: client-to-server cipher key at 0, HMAC/implicit IV at
 * 64, server-to-client at 128 and 192; the TLS server seals with the second
 * half.
 */

/* Checks that cipher (AEAD, CBC or none) and auth can be a TLS-mode data
 * channel. On failure returns RV_ERR_UNSUPPORTED, *which and err as for
 * rv_crypto_check_static(). */
int rv_crypto_check_tls(const char *cipher, const char *auth, const char **which,
    char err[static RV_CRYPTO_ERRLEN]);

/* True if name is an AEAD cipher OpenSSL has (AES-*-GCM, CHACHA20-POLY1305). */
bool rv_crypto_is_aead_name(const char *name);

/* Keys c for TLS mode from the 256-byte key block. auth is ignored for AEAD
 * ciphers. Returns 0, RV_ERR_UNSUPPORTED, RV_ERR_FORMAT (all-zero cipher key,
 * which openvpn refuses too) or RV_ERR_CRYPTO. */
int rv_crypto_init_tls(struct rv_crypto *c, const char *cipher, const char *auth,
    const uint8_t key2[static 256], bool tls_server);

/* Seals the payload in b as a TLS-mode data packet with key_id, as P_DATA_V2
 * with peer_id when v2, else P_DATA_V1; the header is prepended. Needs
 * rv_crypto_overhead() + 4 bytes of headroom and a block of tailroom.
 * Returns 0, RV_ERR_NOSPACE, RV_ERR_LIMIT (packet ids exhausted) or
 * RV_ERR_CRYPTO. */
int rv_crypto_seal_data(struct rv_crypto *c, struct rv_buf *b, uint8_t key_id, bool v2,
    uint32_t peer_id);

/* Opens a TLS-mode data packet: b holds it from its first byte (P_DATA_V1 or
 * P_DATA_V2 header included, checked and consumed). On success b holds the
 * payload and pid its packet id. Returns 0, RV_ERR_SHORT, RV_ERR_FORMAT (not
 * a data opcode), RV_ERR_AUTH, RV_ERR_DECRYPT or RV_ERR_CRYPTO. */
int rv_crypto_open_data(struct rv_crypto *c, struct rv_buf *b, struct rv_pid *pid);

/* The next send packet id (to trigger renegotiation near the end). */
uint32_t rv_crypto_send_id(const struct rv_crypto *c);

/* Loads an OpenSSL provider (--providers) for the life of the process.
 * Returns 0 or RV_ERR_NOTFOUND. */
int rv_crypto_load_provider(const char *name);

/* Checks that cipher and auth name algorithms OpenSSL has and that static-key
 * mode can use. On failure returns RV_ERR_UNSUPPORTED, sets *which to
 * "cipher" or "auth" and writes why to err. */
int rv_crypto_check_static(const char *cipher, const char *auth, const char **which,
    char err[static RV_CRYPTO_ERRLEN]);

/* Keys c for static-key mode: seal with send, open with recv. Returns 0,
 * RV_ERR_UNSUPPORTED (unknown algorithm) or RV_ERR_CRYPTO. */
int rv_crypto_init_static(struct rv_crypto *c, const char *cipher, const char *auth,
    const struct rv_key *send, const struct rv_key *recv);

/* Packets carry the long-form packet id unless replay protection is off:
 * openvpn 2.6 leaves it out entirely with --no-replay (init.c
 * do_init_crypto_static). On by default. */
void rv_crypto_set_packet_id(struct rv_crypto *c, bool on);

/* Continues a packet-id sequence (id last used, its time) instead of
 * starting a new one; 0, 0 leaves c as it is. */
void rv_crypto_resume_pid(struct rv_crypto *c, uint32_t id, uint32_t time);

/* Frees the contexts and wipes c. */
void rv_crypto_clear(struct rv_crypto *c);

/* Largest number of bytes sealing adds to a payload. */
size_t rv_crypto_overhead(const struct rv_crypto *c);

/* Seals the payload in b in place; needs rv_crypto_overhead() bytes of
 * headroom plus tailroom of one cipher block. The packet-id time is the wall
 * clock at the first packet. Returns 0, RV_ERR_NOSPACE, RV_ERR_LIMIT (packet
 * ids exhausted) or RV_ERR_CRYPTO. */
int rv_crypto_seal(struct rv_crypto *c, struct rv_buf *b);

/* Authenticates and decrypts b in place; on success b holds the payload and
 * pid its packet id, which the caller must run through the replay window.
 * Returns 0, RV_ERR_SHORT, RV_ERR_AUTH, RV_ERR_DECRYPT or RV_ERR_CRYPTO. */
int rv_crypto_open(struct rv_crypto *c, struct rv_buf *b, struct rv_pid *pid);

#endif
