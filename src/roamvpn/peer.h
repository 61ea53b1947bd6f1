/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_PEER_H
#define RV_PEER_H

/*
 * One remote endpoint: where it is, the keys and replay window of its data
 * channel, its counters and timers. In static-key mode the daemon has exactly
 * one.
 *
 * The peer's address changes only in rv_peer_set_remote(), called from
 * rv_peer_receive() after a packet was authenticated, passed the replay
 * window, carried a payload and was newer than every packet before it
 * (OpenVPN's --float rule decides who may move: --float or no --remote, or
 * back to a --remote address; a server's clients move by peer-id), and from
 * the path validation timer of a server's client that negotiated the
 * mobility extension (back to its last validated address, see pathval.h).
 */

#include <stdbool.h>
#include <stdint.h>

#include "roamvpn/stats.h"

#include "addr.h"
#include "comp.h"
#include "crypto.h"
#include "log.h"
#include "pathval.h"
#include "pkt.h"
#include "replay.h"
#include "timers.h"
#include "wire.h"

struct rv_daemon;
struct rv_keystate;

/* TLS mode: whoever holds the peer's sessions (client.c for the one peer of
 * p2p or a pulling client, server.c for each client of a server). The data
 * path asks it for keys; it decides what a timeout or an exit means. */
struct rv_peer_owner {
	struct rv_keystate *(*recv_key)(void *ctx, uint8_t key_id);
	struct rv_keystate *(*send_key)(void *ctx);
	bool (*data_v2)(void *ctx, uint32_t *peer_id);
	void (*renegotiate)(void *ctx, const char *why);
	void (*control)(void *ctx, struct rv_pkt *pkt);
	/* --ping-restart ran out / the peer sent OCC_EXIT. NULL: the daemon
	 * restarts (the only peer of the run). */
	void (*expired)(void *ctx, const char *why);
	/* May the peer move to to? (A server refuses an address another live
	 * client holds.) NULL: yes. */
	bool (*may_move)(void *ctx, const struct rv_sockaddr *to);
	/* The peer's address changed (a move, or back after a failed
	 * validation). NULL: nothing to do. */
	void (*moved)(void *ctx, const struct rv_sockaddr *from);
	/* Sends a sealed keepalive or OCC message (0 or an RV_ERR_*, the drop
	 * counted). NULL: on the daemon's link, to remote. */
	int (*send)(void *ctx, const struct rv_buf *b);
};

struct rv_peer {
	struct rv_daemon *d;
	struct rv_sockaddr remote;            /* where packets go; unset until known */
	struct rv_sockaddr allowed[RV_ADDR_RESOLVE_MAX];  /* addresses of --remote */
	size_t nallowed;
	bool float_ok;                        /* --float */
	bool float_by_peer_id;                /* a server's client: P_DATA_V2 may move it */
	bool connected;                       /* an authenticated packet has arrived */
	bool encrypted;                       /* static key configured */
	bool tls;                             /* TLS mode: keys held by owner */
	const struct rv_peer_owner *owner;    /* TLS mode */
	void *owner_ctx;
	int ping, ping_restart;               /* in effect: configured or pushed */
	struct rv_crypto crypto;
	struct rv_replay replay;
	struct rv_timers timers;
	uint16_t mss4, mss6;                  /* --mssfix limits, 0 = off */
	struct rv_comp comp;                  /* compression framing */
	/* mobility extension (include/roamvpn/roam.h) */
	bool roam_ext;                        /* negotiated with this peer */
	const char *name;                     /* for logs (a server's client: its CN), or NULL */
	uint64_t validate_ns;                 /* a server's client: --roam-validate, 0 = off */
	struct rv_pathval pv;                 /* a server's client: its addresses */
	struct rv_timer pv_timer;             /* challenge retransmits, validation timeout */
	uint64_t roam_refused;                /* moves refused (stale, empty, taken address) */
	uint64_t roam_probes_rx, roam_msgs_tx;
	/* OCC */
	char occ_local[RV_WIRE_OCC_STRING_MAX];
	char occ_remote[RV_WIRE_OCC_STRING_MAX];
	bool occ_checked;
	/* scratch slot for pings and OCC messages */
	struct rv_pktpool scratch;
	/* counters (owner: peer.c) */
	uint64_t drops[RV_DROP__MAX];
	uint64_t auth_rx_bytes;
	uint64_t pings_rx, pings_tx;
	struct rv_ratelimit drop_rl;
};

/* Sets p up from the daemon's options; allowed holds the resolved --remote
 * addresses (the first is where packets go). Returns 0 or an RV_ERR_*. */
int rv_peer_init(struct rv_peer *p, struct rv_daemon *d, const struct rv_sockaddr *allowed,
    size_t nallowed);
void rv_peer_clear(struct rv_peer *p);

/* Seals the device packet in b for the peer (MSS clamp, encrypt). Returns 0,
 * or a negative value after counting the drop. */
int rv_peer_seal(struct rv_peer *p, struct rv_buf *b);

/* Outcome of rv_peer_receive(). */
enum rv_rx { RV_RX_DROP, RV_RX_CONSUMED, RV_RX_DELIVER };

/* Checks, opens and accounts a packet from the link. RV_RX_DELIVER: pkt->buf
 * now holds a packet for the device. */
enum rv_rx rv_peer_receive(struct rv_peer *p, struct rv_pkt *pkt);

/* The one place a peer's address changes; see above. */
void rv_peer_set_remote(struct rv_peer *p, const struct rv_sockaddr *to);

/* The mobility extension was negotiated with p (a server's client:
 * validate_ns is --roam-validate in ns, 0 = move without validating). */
void rv_peer_roam_enable(struct rv_peer *p, uint64_t validate_ns);

/* May len bytes go to p's address now? False while p's new address is
 * being validated and has used up its budget (the packet is counted as
 * dropped). Every sender to a server's client over UDP asks once (in
 * rv_srv_send() and rv_server_seal()): each call counts the bytes. */
bool rv_peer_may_send(struct rv_peer *p, size_t len);

/* Sends a roam message of type (PROBE padded to RV_ROAM_PROBE_LEN) with
 * nonce and echo (NULL: zero). */
void rv_peer_send_roam(struct rv_peer *p, uint8_t type, const uint8_t *nonce,
    const uint8_t *echo);

/* True if packets from addr may be accepted (OpenVPN's --float rule:
 * --float, no --remote, or a --remote address). */
bool rv_peer_allows(const struct rv_peer *p, const struct rv_sockaddr *addr);

/* The peer is authenticated: logs "Peer Connection Initiated" once. */
void rv_peer_connected(struct rv_peer *p);

/* The data keys changed (TLS mode): recomputes the --mssfix limits. */
void rv_peer_keys_changed(struct rv_peer *p);

/* Pushed comp-lzo / compress. Returns 0, or RV_ERR_UNSUPPORTED when the
 * configuration does not allow that compression (see comp.h). */
int rv_peer_apply_comp(struct rv_peer *p, enum rv_comp_alg alg, bool adaptive);

/* Pushed keepalive (ping, ping-restart; -1 = keep what is set). */
void rv_peer_apply_keepalive(struct rv_peer *p, int ping, int ping_restart);

/* Sends a keepalive / an OCC message of type. */
void rv_peer_send_ping(struct rv_peer *p);
void rv_peer_send_occ(struct rv_peer *p, uint8_t type);

/* Counts (and at --verb 4 logs, rate-limited) a dropped packet. */
void rv_peer_drop(struct rv_peer *p, enum rv_drop why, const struct rv_sockaddr *from,
    const char *detail);

/* Name of a drop reason, as in the statistics block. */
const char *rv_peer_drop_name(enum rv_drop why);

#endif
