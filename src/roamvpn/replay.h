/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_REPLAY_H
#define RV_REPLAY_H

/*
 * Packet ids and the sliding replay window (wire facts 6.7; draft section
 * "Packet ID"). A packet id is a 32-bit counter, in the long form followed by
 * the sender's start time in seconds. The window accepts a packet once:
 *   - id 0 never;
 *   - a newer time starts a new sequence, an older time is refused;
 *   - with the same time, an id above the highest seen is accepted; one up to
 *     window-1 below it is accepted if not seen before and if every packet
 *     with a higher id arrived at most time_backtrack seconds ago.
 * With window 0 ids must follow each other without gaps (1, 2, 3 ...), and
 * a new sender time must start again at 1.
 */

#include <stdbool.h>
#include <stdint.h>

enum { RV_REPLAY_WINDOW_MAX = 65536 };

struct rv_pid {
	uint32_t id;
	uint32_t time;           /* 0 in the short form */
};

struct rv_replay {
	uint32_t window;         /* --replay-window N */
	uint32_t time_backtrack; /* --replay-window N T, seconds */
	bool disabled;           /* --no-replay */
	bool started;            /* a packet has been accepted */
	uint32_t time;           /* sender time of the current sequence */
	uint32_t top;            /* highest id accepted in it */
	/* Ring of window slots; slot for id x is x % window. For ids in
	 * (top - window, top]: seen[] marks accepted ids, since[] holds when
	 * (rv_replay seconds) the first id above x arrived. */
	uint8_t *seen;
	uint32_t *since;
	/* statistics */
	uint64_t accepted;
	uint64_t refused;
};

/* Prepares an empty window. window 0..RV_REPLAY_WINDOW_MAX. Returns 0 or
 * RV_ERR_NOMEM / RV_ERR_RANGE. */
int rv_replay_init(struct rv_replay *r, uint32_t window, uint32_t time_backtrack,
    bool disabled);
void rv_replay_clear(struct rv_replay *r);

/* Forgets every packet seen (new keys). */
void rv_replay_reset(struct rv_replay *r);

/* Checks pid against the window and, if acceptable, records it. now is a
 * monotonic time in seconds. Returns 0 or RV_ERR_REPLAY. *newest (may be
 * NULL) tells whether pid is now the highest accepted. */
int rv_replay_accept(struct rv_replay *r, const struct rv_pid *pid, uint64_t now,
    bool *newest);

#endif
