/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_NCP_H
#define RV_NCP_H

/*
 * Negotiation of the data channel (wire facts 4.3-4.4, 8.4-8.5): what this
 * side announces (options string, peer-info and its IV_PROTO bits) and what
 * both ends end up using (cipher, key derivation, P_DATA_V2 and peer-id,
 * exit notification, dynamic tls-crypt).
 *
 * IV_PROTO announces exactly what roamvpn implements:
 *   pulling client: DATA_V2, REQUEST_PUSH, TLS_KEY_EXPORT, AUTH_PENDING_KW,
 *                   CC_EXIT_NOTIFY, AUTH_FAIL_TEMP, DYN_TLS_CRYPT  (926)
 *   p2p:            DATA_V2, TLS_KEY_EXPORT, NCP_P2P, CC_EXIT_NOTIFY,
 *                   DYN_TLS_CRYPT  (682)
 * (openvpn 2.6 also sets DNS_OPTION; roamvpn does not apply pushed DNS.)
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto.h"
#include "keyex.h"
#include "options.h"
#include "push.h"
#include "wire.h"

struct rv_ncp {
	char cipher[RV_CRYPTO_NAME_MAX];
	bool ekm;                   /* keys from the TLS exporter */
	bool data_v2;               /* send P_DATA_V2 with peer_id */
	uint32_t peer_id;
	bool p2p_peer_id_ekm;       /* p2p: peer_id from the exporter (caller fills it) */
	bool cc_exit;               /* EXIT control message */
	bool dyn_tls_crypt;
	bool roam;                  /* the mobility extension (include/roamvpn/roam.h) */
};

enum { RV_NCP_ERRLEN = 256 };

unsigned rv_ncp_iv_proto(const struct rv_options *o);

/* Our peer-info text (NAME=value lines). */
void rv_ncp_peer_info(const struct rv_options *o, char *out, size_t len);

/* Our options string (local) and the one we expect from the peer (remote).
 * static_crypto: the static-key context, NULL in TLS mode. */
void rv_ncp_options_string(const struct rv_options *o, const struct rv_crypto *static_crypto,
    char local[static RV_WIRE_OCC_STRING_MAX], char remote[static RV_WIRE_OCC_STRING_MAX]);

/* True if cipher is in the colon-separated list (case-insensitive). */
bool rv_ncp_listed(const char *list, const char *cipher);

/* p2p: from our options and the peer's key method 2 message. Returns 0 or
 * RV_ERR_NOTFOUND ("no shared cipher") with err filled. */
int rv_ncp_p2p(const struct rv_options *o, const struct rv_km2 *remote, struct rv_ncp *out,
    char err[static RV_NCP_ERRLEN]);

/* Pulling client: from the push and the server's options string (from its
 * key method 2 message). Returns 0 or RV_ERR_NOTFOUND with err filled. */
int rv_ncp_pull(const struct rv_options *o, const struct rv_push *p, const char *server_options,
    struct rv_ncp *out, char err[static RV_NCP_ERRLEN]);

#endif
