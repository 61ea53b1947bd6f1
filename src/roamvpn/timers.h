/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_TIMERS_H
#define RV_TIMERS_H

/*
 * Every timer of a peer, and the only place that decides when they fire.
 * The packet code only reports events (rv_timers_data_sent() ...), which
 * record a timestamp; timers re-arm themselves lazily when they fire, so the
 * data path never touches the timer heap.
 *
 *   ping      --ping N: send a keepalive after N s without sending anything.
 *   watchdog  --ping-restart/--ping-exit N: restart or exit after N s without
 *             an authenticated packet (with --ping-timer-rem only while the
 *             peer's address is known).
 *   inactive  --inactive N [BYTES]: exit after N s without device traffic, or
 *             with less than BYTES of it in an N-second window.
 *   occ       static-key mode: OCC_REQUEST every 10 s, 12 times at most,
 *             until the peer's OCC_REPLY arrives.
 */

#include <stdint.h>

#include "event.h"

struct rv_peer;

struct rv_timers {
	struct rv_timer ping;
	struct rv_timer watchdog;
	struct rv_timer inactive;
	struct rv_timer occ;
	uint64_t last_tx;           /* monotonic ns of the last packet sent to the peer */
	uint64_t last_rx;           /* ... of the last authenticated packet received */
	uint64_t last_tun;          /* ... of the last packet through the device */
	uint64_t window_bytes;      /* device bytes at the start of the --inactive window */
	int occ_tries;
};

void rv_timers_init(struct rv_peer *p);
void rv_timers_start(struct rv_peer *p);
void rv_timers_stop(struct rv_peer *p);

/* --ping / --ping-restart changed (a push): re-arm from the last events. */
void rv_timers_keepalive_changed(struct rv_peer *p);

void rv_timers_data_sent(struct rv_peer *p);
void rv_timers_data_received(struct rv_peer *p);

/* The --ping-restart window starts again now (a path to the peer came back
 * after an outage that --roam-hold bridged). */
void rv_timers_restart_watchdog(struct rv_peer *p);
void rv_timers_tun_activity(struct rv_peer *p);
void rv_timers_occ_reply_received(struct rv_peer *p);

#endif
