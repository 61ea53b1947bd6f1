/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_CLIENT_H
#define RV_CLIENT_H

/*
 * TLS mode for the one peer of a p2p tunnel or of a client pulling its
 * configuration from a server: the peer's sessions, the negotiation of the
 * data channel, the pull (PUSH_REQUEST until PUSH_REPLY, then applying it)
 * and the control messages that end or restart a connection.
 *
 * Sessions: the current one, bound to the peer's address; in p2p also a
 * "fresh" one started by a peer that restarted (a hard reset with a new
 * session id), which replaces the current one once it is authenticated.
 * Control packets never move a session to another address.
 *
 * Timers: PUSH_REQUEST 1 s after the key exchange, then every 5 s, giving up
 * after --hand-window; --server-poll-timeout while the server has not
 * answered our reset.
 */

#include <stdbool.h>
#include <stdint.h>

#include "daemon.h"
#include "pkt.h"
#include "session.h"

struct rv_client;
struct rv_tls_config;

/* The TLS configuration the options describe (also used by the server). */
void rv_client_tls_config(const struct rv_options *o, struct rv_tls_config *t);

/* The session settings of the options (all but the outer overhead), with
 * TLS context tls: the server's sessions use them too. */
void rv_client_session_config(const struct rv_options *o, struct rv_tls_ctx *tls,
    struct rv_session_config *s);

/* Sets up TLS mode for d's peer (TLS context from the options). Returns 0
 * or an RV_ERR_* after logging why. */
int rv_client_new(struct rv_client **out, struct rv_daemon *d);
void rv_client_free(struct rv_client *c);

/* Starts the first session (sends our hard reset) if the peer's address is
 * known; a p2p peer without --remote waits for the other side's reset. */
int rv_client_start(struct rv_client *c);

/* A control packet from the link. Counts a drop if it is refused. */
void rv_client_control(struct rv_client *c, struct rv_pkt *pkt);

/* Data keys: for a received packet's key id, and to send with. NULL if none. */
struct rv_keystate *rv_client_recv_key(struct rv_client *c, uint8_t key_id);
struct rv_keystate *rv_client_send_key(struct rv_client *c);

/* How data goes out: P_DATA_V2 with *peer_id, or P_DATA_V1. */
bool rv_client_data_v2(const struct rv_client *c, uint32_t *peer_id);

/* Sends the EXIT control message if the peer understands it (cc-exit).
 * Returns true if it did. */
bool rv_client_send_exit(struct rv_client *c);

/* The data path saw the packet-id limit coming: renegotiate. */
void rv_client_renegotiate(struct rv_client *c, const char *why);

#endif
