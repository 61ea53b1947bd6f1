/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_SRVPUSH_H
#define RV_SRVPUSH_H

/*
 * What a server agrees with one client and pushes to it (wire facts 8.2,
 * 8.3, 8.5), as pure functions of the options and the client's key method
 * 2 message, so they can be tested alone.
 *
 * Negotiation: the first cipher of our --data-ciphers that the client lists
 * in IV_CIPHERS; without IV_CIPHERS, IV_NCP=2 stands for
 * AES-256-GCM:AES-128-GCM; else the cipher of the client's options string
 * if we list it; else --data-ciphers-fallback. IV_PROTO decides P_DATA_V2
 * (bit 1), keys from the TLS exporter (bit 3), EXIT messages (bit 7) and
 * dynamic tls-crypt (bit 9, only together with bit 7, which carries it).
 *
 * PUSH_REPLY, in openvpn 2.6's order: the --push list (configured, then
 * what --server and --keepalive added), the client's own pushes
 * (client-config-dir), then ifconfig-ipv6, ifconfig, peer-id, cipher (if the client
 * negotiates), protocol-flags or key-derivation, tun-mtu (if the client sent
 * IV_MTU). Messages are at most 1024 bytes; longer replies are split with
 * push-continuation 2 / 1.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <netinet/in.h>

#include "ncp.h"
#include "options.h"

enum { RV_SRVPUSH_MSG_MAX = 1024, RV_SRVPUSH_MSGS_MAX = 8 };

/* Negotiates with a client from its peer-info and options string. Returns
 * 0, or RV_ERR_NOTFOUND with err filled (no shared cipher). */
int rv_srvpush_ncp(const struct rv_options *o, const char *peer_info,
    const char *client_options, struct rv_ncp *out, char err[static RV_NCP_ERRLEN]);

struct rv_srvpush {
	const struct rv_options *o;
	const char *peer_info;
	const struct rv_ncp *ncp;
	bool has_ifconfig;
	struct in_addr local, remote;     /* client address; peer or netmask */
	bool has_ifconfig6;
	struct in6_addr local6, remote6;  /* client address; the server's */
	int bits6;
	char *const *extra;               /* per-client pushes */
	size_t nextra;
	bool push_reset;                  /* per-client push-reset: no --push list */
};

/* Builds the PUSH_REPLY messages into msgs; returns how many (0 if the
 * options do not fit RV_SRVPUSH_MSGS_MAX messages). */
size_t rv_srvpush_build(const struct rv_srvpush *in,
    char msgs[][RV_SRVPUSH_MSG_MAX], size_t max);

#endif
