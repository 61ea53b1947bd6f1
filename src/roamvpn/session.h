/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_SESSION_H
#define RV_SESSION_H

/*
 * One TLS session (wire facts 2, 3, 9; OpenVPN's tls_session): our session
 * id and the peer's, the control-channel wrap, and up to two key exchanges:
 * the current one and the one it replaced (the "lame duck"), which keeps
 * decrypting until --tran-window ends or it is replaced in turn.
 *
 * A key exchange (struct rv_keystate) goes
 *   RESET   our reset (hard for key id 0, soft later) queued; waiting until it
 *           is acknowledged and the peer's reset has arrived
 *   TLS     TLS handshake over CONTROL_V1 messages
 *   KEYEX   key method 2 messages both ways (the TLS client writes first)
 *   ACTIVE  both exchanged: the owner installs data keys (now, or for a
 *           pulling client after PUSH_REPLY); text messages flow
 * and FAILED on a TLS error or when --hand-window runs out. The TLS client
 * stays the TLS client in every renegotiation, whoever starts it.
 *
 * The session does no I/O and knows nothing of the daemon: it reports to its
 * owner through struct rv_session_ops. Its one timer fires at the earliest
 * of: a control retransmission, the --hand-window deadline of an unfinished
 * exchange, renegotiation (--reneg-sec, and a once-a-second look at
 * --reneg-bytes/--reneg-pkts and the packet-id limit), the end of the lame
 * duck's transition window.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "crypto.h"
#include "event.h"
#include "keyex.h"
#include "keyfile.h"
#include "reliable.h"
#include "replay.h"
#include "tls.h"
#include "wire.h"
#include "wrap.h"

enum rv_ks_state {
	RV_KS_NONE,
	RV_KS_RESET,
	RV_KS_TLS,
	RV_KS_KEYEX,
	RV_KS_ACTIVE,
	RV_KS_FAILED,
	RV_KS__MAX,
};

/* One key exchange and the data keys it produced. Fields written by
 * session.c only, except the counters, which the data path adds to. */
struct rv_keystate {
	enum rv_ks_state state;
	uint8_t key_id;
	bool peer_reset;                /* the peer's reset (message 0) arrived */
	bool km_sent, km_received, km_acked;
	struct rv_reliable *rel;
	struct rv_tls *tls;
	struct rv_km2 *km_local;        /* while exchanging, then freed */
	struct rv_km2 *km_remote;
	uint64_t started;               /* monotonic ns */
	uint64_t deadline;              /* --hand-window */
	uint64_t reneg_at;              /* --reneg-sec, 0 = never */
	uint64_t expires;               /* lame duck: end of --tran-window */
	bool keys_ready;
	struct rv_crypto crypto;        /* data keys */
	struct rv_replay replay;        /* data packets of this key */
	uint64_t bytes, packets;        /* data through this key, for --reneg-* */
};

/* What all sessions of one peer share (the owner keeps it alive). */
struct rv_session_config {
	bool tls_server;
	struct rv_tls_ctx *tls_ctx;
	int wrap_mode;                  /* enum rv_wrap_mode */
	const struct rv_key2 *wrap_key; /* --tls-auth / --tls-crypt key */
	int wrap_dir;                   /* tls-auth direction */
	const char *auth;               /* --auth: tls-auth digest */
	uint32_t replay_window, replay_time;
	int tls_timeout, hand_window, tran_window;   /* seconds */
	int reneg_sec, reneg_sec_min;
	uint64_t reneg_bytes, reneg_pkts;
	size_t outer_overhead;          /* IP + UDP of the link: 28 or 48 */
};

struct rv_session;

struct rv_session_ops {
	/* A control packet to send to the peer. */
	void (*send)(void *owner, struct rv_session *s, const struct rv_buf *pkt);
	/* Fills our key method 2 message (options string, credentials,
	 * peer-info); randoms are filled by the session. */
	void (*fill_km2)(void *owner, struct rv_session *s, struct rv_km2 *km);
	/* Both key method 2 messages exchanged: install data keys with
	 * rv_session_install_keys() now or later. remote is the peer's message. */
	void (*active)(void *owner, struct rv_session *s, struct rv_keystate *ks,
	    const struct rv_km2 *remote);
	/* A text message arrived (PUSH_REPLY, EXIT ...). */
	void (*message)(void *owner, struct rv_session *s, const char *msg);
	/* The session failed: TLS error (auth: the peer's certificate was
	 * refused) or a key exchange timed out. The owner decides (restart,
	 * exit, drop the session). */
	void (*failed)(void *owner, struct rv_session *s, const char *why, bool auth);
};

/* A new session with a random session id; arms nothing yet. Returns 0 or
 * RV_ERR_NOMEM / RV_ERR_CRYPTO. */
int rv_session_new(struct rv_session **out, const struct rv_session_config *cfg,
    const struct rv_session_ops *ops, void *owner, struct rv_event *ev);
void rv_session_free(struct rv_session *s);

/* A TLS-server session whose opening the server answered without state
 * (wire facts 3.1, 3.2): our hard reset, with session id sid (the cookie)
 * and the replay id (1, wrap_time) of its wrap, went out acknowledging the
 * peer's reset from session peer_sid; the peer's next packet echoed sid.
 * The session continues as if it had sent that reset itself: message ids
 * and the wrap's replay counter carry on from there. Returns 0 or
 * RV_ERR_NOMEM / RV_ERR_CRYPTO. */
int rv_session_new_answered(struct rv_session **out, const struct rv_session_config *cfg,
    const struct rv_session_ops *ops, void *owner, struct rv_event *ev,
    const uint8_t sid[static RV_WIRE_SID_LEN], const uint8_t peer_sid[static RV_WIRE_SID_LEN],
    uint32_t wrap_time);

/* Queues our hard reset and sends it. A session that is not started answers
 * the peer's hard reset with its own instead (the peer started it). */
int rv_session_start(struct rv_session *s);

/* Processes a control packet addressed to this session (b: the whole packet,
 * writable). Returns 0, or a negative RV_ERR_* telling why it was dropped:
 * RV_ERR_AUTH / RV_ERR_REPLAY (wrap check), RV_ERR_SHORT / RV_ERR_FORMAT
 * (malformed), RV_ERR_NOTFOUND (another session or an unknown key id). */
int rv_session_receive(struct rv_session *s, struct rv_buf *b);

/* True if sid is the peer's session id of s (or s has none yet). */
bool rv_session_matches(const struct rv_session *s, const uint8_t sid[static RV_WIRE_SID_LEN]);
bool rv_session_has_peer(const struct rv_session *s);

/* Our and the peer's session ids. */
const uint8_t *rv_session_id(const struct rv_session *s);
const uint8_t *rv_session_peer_id(const struct rv_session *s);
bool rv_session_is_tls_server(const struct rv_session *s);

/* The key data goes out with: the newest with data keys that the peer is
 * known to have too. NULL if none. */
struct rv_keystate *rv_session_send_key(struct rv_session *s);

/* The key of a received data packet's key id (data keys installed), or NULL. */
struct rv_keystate *rv_session_recv_key(struct rv_session *s, uint8_t key_id);

/* The current key exchange (key id 0 at first, the newest later). */
struct rv_keystate *rv_session_current(struct rv_session *s);

/* Makes the data keys of ks: from the TLS exporter (ekm) or the legacy PRF,
 * for cipher/auth. Returns 0 or an RV_ERR_* (logged). */
int rv_session_install_keys(struct rv_session *s, struct rv_keystate *ks, const char *cipher,
    const char *auth, bool ekm);

/* From now on, control packets of key ids above 0 use a tls-crypt key from
 * the exporter (label EXPORTER-OpenVPN-dynamic-tls-crypt) XORed with the
 * configured wrap key (wire facts 2.5). Returns 0 or an RV_ERR_*. */
int rv_session_enable_dyn_tls_crypt(struct rv_session *s);

/* Keying material from the current key's TLS session. */
int rv_session_export(struct rv_session *s, const char *label, void *out, size_t len);

/* Sends a text message (NUL included) on the current key. Returns 0,
 * RV_ERR_AGAIN (no active key yet) or RV_ERR_CRYPTO. */
int rv_session_send_text(struct rv_session *s, const char *msg);

/* True once the first key exchange has data keys (the peer is authenticated). */
bool rv_session_established(const struct rv_session *s);

/* Renegotiate now (e.g. the data path reached the packet-id limit). */
void rv_session_renegotiate(struct rv_session *s, const char *why);

#endif
