/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_KEYEX_H
#define RV_KEYEX_H

/*
 * Key method 2 (wire facts 4, 5; draft "Key method 2"): the first message
 * each side sends inside TLS, and how the 256-byte data-channel key block is
 * made from the two messages (legacy TLS 1.0 PRF) or from the TLS session
 * (keying material exporter).
 *
 *   [4] 00 00 00 00   [1] 02   [48] pre_master (client only)
 *   [32] random1 [32] random2
 *   string options  string username  string password  string peer-info
 *
 * A string is [2] length including the NUL, then the bytes and the NUL;
 * length 0 (and nothing else) means empty. Peer-info may be missing
 * altogether. The receiver checks the method (low 4 bits = 2), that the
 * randoms are there, that the options string is at most 512 bytes with its
 * NUL, user and password at most 4096 bytes (Debian's openvpn limit), and that
 * every string ends with its NUL and has no NUL inside.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "wire.h"

enum {
	RV_KM2_USER_MAX = 4096,
	RV_KM2_PEER_INFO_MAX = 4096,
};

struct rv_km2 {
	bool has_pre_master;                          /* client's message */
	uint8_t pre_master[RV_WIRE_KM2_PRE_MASTER];
	uint8_t random1[RV_WIRE_KM2_RANDOM];
	uint8_t random2[RV_WIRE_KM2_RANDOM];
	char options[RV_WIRE_KM2_OPTIONS_MAX];        /* OCC string */
	char username[RV_KM2_USER_MAX];
	char password[RV_KM2_USER_MAX];
	char peer_info[RV_KM2_PEER_INFO_MAX];         /* "NAME=value\n..." */
};

/* Fills the random fields (and pre_master when client) with fresh random
 * bytes. Returns 0 or RV_ERR_CRYPTO. */
int rv_km2_randomize(struct rv_km2 *m, bool client);

/* Appends the message m to b (pre_master only if m->has_pre_master; empty
 * strings as length 0). Returns 0, RV_ERR_NOSPACE or RV_ERR_RANGE (options
 * longer than 511 characters). */
int rv_km2_build(struct rv_buf *b, const struct rv_km2 *m);

/* Parses a message from the peer; from_client says whether it carries a
 * pre_master. Returns 0, RV_ERR_SHORT or RV_ERR_FORMAT. */
int rv_km2_parse(struct rv_buf *b, bool from_client, struct rv_km2 *out);

/* Wipes the secrets of m. */
void rv_km2_wipe(struct rv_km2 *m);

/* The legacy key block (wire facts 5.3):
 *   master = PRF(client.pre_master, "OpenVPN master secret" || c.random1 || s.random1)
 *   key2   = PRF(master, "OpenVPN key expansion" || c.random2 || s.random2
 *                || client_sid || server_sid)
 * with the TLS 1.0/1.1 PRF (MD5 and SHA1). Returns 0 or RV_ERR_CRYPTO. */
int rv_keyex_prf(const struct rv_km2 *client, const struct rv_km2 *server,
    const uint8_t client_sid[static RV_WIRE_SID_LEN],
    const uint8_t server_sid[static RV_WIRE_SID_LEN],
    uint8_t key2[static RV_WIRE_KEY2_LEN]);

/* --- peer-info ------------------------------------------------------------- */

/* Finds NAME in a peer-info text and copies its value (up to the newline)
 * into out[len]. Returns true if found. */
bool rv_peer_info_get(const char *peer_info, const char *name, char *out, size_t len);

/* IV_PROTO of a peer-info text (0 if absent or malformed). */
unsigned rv_peer_info_proto(const char *peer_info);

#endif
