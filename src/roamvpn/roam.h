/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_ROAM_H
#define RV_ROAM_H

/*
 * roam: the moving end of a tunnel (a client, or a p2p peer with --remote).
 * netwatch reports that the path to the server changed (another interface or
 * source address, typically a hotspot change behind another NAT); roam then
 * sends reconfiguration probes at once and with a backoff (0, 25, 50, 100,
 * 200 ms ... capped at 1 s) until the server shows that it follows. With a
 * server that pushed the mobility extension a probe is a PROBE message
 * (include/roamvpn/roam.h) with a nonce new for each path, and the REPLY
 * echoing it ends the move. Otherwise a probe is an ordinary keepalive on
 * the data channel: authenticated and replay-protected, so an openvpn 2.6
 * server floats the client to its new address on it (P_DATA_V2 with the
 * peer-id), and any authenticated packet from the server ends the move.
 *
 * Over TCP the connection is tied to the old path. With a server of the
 * extension the client keeps its session and opens a new connection whose
 * first packet is the PROBE (the server moves the session onto it when the
 * packet authenticates); a connect that does not come up is tried again
 * after 1, 2, 4, 4 ... s; the same happens when the connection breaks on
 * its own. If the server closes the new connection instead, or never spoke
 * the extension, a new session starts at once (as openvpn does, but without
 * waiting for --ping-restart).
 *
 * Without any route to the server, the session is kept for --roam-hold
 * seconds instead of ending on --ping-restart; when a route comes back, the
 * probes resume it without a new TLS handshake.
 *
 * One log line per move: the old and new path, the time from the first
 * netlink notification to the server's first packet on the new path, and the
 * probes it took.
 */

#include <stdbool.h>
#include <stdint.h>

#include "roamvpn/roam.h"

#include "event.h"
#include "netwatch.h"

struct rv_peer;

struct rv_roam {
	struct rv_peer *p;
	struct rv_event *ev;
	struct rv_netwatch *nw;
	struct rv_timer probe;
	bool probing;
	unsigned step;                /* backoff step of the next probe */
	unsigned probes;              /* sent for the current move */
	uint64_t detected;            /* first notification of the current move */
	uint64_t no_route_since;      /* 0 = there is a route */
	struct rv_path from;          /* the path before the move */
	uint8_t nonce[RV_ROAM_NONCE_LEN];  /* of this path's probes (mobility extension) */
	int hold_secs;                /* --roam-hold */
	bool tcp_open;                /* TCP: the connection of this probe is up */
	/* counters (status, management, statistics) */
	uint64_t moves, probes_total, last_delay_ns;
};

/* Starts watching the path to the peer p's address (p->remote must be
 * set). Returns 0, or an RV_ERR_* after logging why (the tunnel works on,
 * without mobility). */
int rv_roam_start(struct rv_roam *r, struct rv_peer *p, struct rv_event *ev, int hold_secs);
void rv_roam_stop(struct rv_roam *r);

/* An authenticated packet from the peer arrived: a move is complete, unless
 * the peer speaks the mobility extension (a packet may have been under way
 * before the move: only the REPLY to a probe of this path counts). */
void rv_roam_heard(struct rv_roam *r);

/* A REPLY echoing echo arrived: the move is complete if it answers a probe
 * sent on the current path. */
void rv_roam_replied(struct rv_roam *r, const uint8_t echo[static RV_ROAM_NONCE_LEN]);

/* TCP: the connection is up. */
void rv_roam_tcp_connected(struct rv_roam *r);

/* TCP: the connection broke or did not come up. Returns true if the session
 * goes on (resumed on a new connection, now or by a retry, or held while
 * there is no route); false if the run must end (no extension, or the
 * server closed a resuming connection). */
bool rv_roam_tcp_lost(struct rv_roam *r);

/* True while --ping-restart must wait: no route to the peer for less than
 * --roam-hold seconds, or probes of a move still under way. */
bool rv_roam_holds(const struct rv_roam *r, uint64_t now);

#endif
