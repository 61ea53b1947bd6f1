/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * replay: the packet-id replay window (wire facts 6.7; OpenVPN packet_id.c
 * packet_id_test/packet_id_add/packet_id_reap define the accepted set this
 * reproduces).
 */
#include "replay.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"

int
rv_replay_init(struct rv_replay *r, uint32_t window, uint32_t time_backtrack, bool disabled)
{
	memset(r, 0, sizeof(*r));
	if (window > RV_REPLAY_WINDOW_MAX)
		return RV_ERR_RANGE;
	r->window = window;
	r->time_backtrack = time_backtrack;
	r->disabled = disabled;
	if (window == 0)
		return 0;
	r->seen = calloc(window, sizeof(*r->seen));
	r->since = calloc(window, sizeof(*r->since));
	if (r->seen == NULL || r->since == NULL) {
		rv_replay_clear(r);
		return RV_ERR_NOMEM;
	}
	return 0;
}

void
rv_replay_clear(struct rv_replay *r)
{
	free(r->seen);
	free(r->since);
	memset(r, 0, sizeof(*r));
}

void
rv_replay_reset(struct rv_replay *r)
{
	r->started = false;
	r->time = 0;
	r->top = 0;
	if (r->window > 0) {
		memset(r->seen, 0, r->window * sizeof(*r->seen));
		memset(r->since, 0, r->window * sizeof(*r->since));
	}
}

/* Starts a new sequence at pid: the ids below it are gaps dated now, so
 * first packets arriving out of order are still accepted. */
static void
restart(struct rv_replay *r, const struct rv_pid *pid, uint32_t now)
{
	rv_replay_reset(r);
	r->started = true;
	r->time = pid->time;
	r->top = pid->id;
	for (uint32_t i = 0; i < r->window; i++)
		r->since[i] = now;
	r->seen[pid->id % r->window] = 1;
}

/* Moves the top to id > r->top; the ids skipped become gaps dated now. */
static void
advance(struct rv_replay *r, uint32_t id, uint32_t now)
{
	uint64_t gap = (uint64_t)id - r->top;

	if (gap >= r->window) {
		memset(r->seen, 0, r->window * sizeof(*r->seen));
		for (uint32_t i = 0; i < r->window; i++)
			r->since[i] = now;
	} else {
		for (uint32_t x = r->top + 1; x != id; x++) {
			r->seen[x % r->window] = 0;
			r->since[x % r->window] = now;
		}
	}
	r->top = id;
	r->seen[id % r->window] = 1;
	r->since[id % r->window] = now;
}

/* Strict mode (window 0): ids follow each other without gaps; a new sender
 * time must start at id 1 (as OpenVPN's packet_id_test; before any packet
 * the time is 0, so a short-form sequence may start anywhere). */
static int
accept_linear(struct rv_replay *r, const struct rv_pid *pid)
{
	bool ok;

	if (pid->time == r->time)
		ok = r->top == 0 || pid->id == r->top + 1;
	else
		ok = pid->time > r->time && pid->id == 1;
	if (!ok)
		return RV_ERR_REPLAY;
	r->started = true;
	r->time = pid->time;
	r->top = pid->id;
	return 0;
}

static int
check_window(struct rv_replay *r, const struct rv_pid *pid, uint32_t now, bool *newest)
{
	uint32_t slot, diff;

	if (!r->started || pid->time > r->time) {
		restart(r, pid, now);
		*newest = true;
		return 0;
	}
	if (pid->time < r->time)
		return RV_ERR_REPLAY;
	if (pid->id > r->top) {
		advance(r, pid->id, now);
		*newest = true;
		return 0;
	}
	diff = r->top - pid->id;
	if (diff >= r->window)
		return RV_ERR_REPLAY;                 /* too old */
	slot = pid->id % r->window;
	if (diff == 0 || r->seen[slot])
		return RV_ERR_REPLAY;                 /* duplicate */
	if (r->time_backtrack > 0 && now - r->since[slot] > r->time_backtrack)
		return RV_ERR_REPLAY;                 /* gap expired */
	r->seen[slot] = 1;
	return 0;
}

int
rv_replay_accept(struct rv_replay *r, const struct rv_pid *pid, uint64_t now, bool *newest)
{
	bool top = false;
	int ret;

	if (r->disabled) {
		if (newest != NULL)
			*newest = true;
		r->accepted++;
		return 0;
	}
	if (pid->id == 0)
		ret = RV_ERR_REPLAY;
	else if (r->window == 0) {
		ret = accept_linear(r, pid);
		top = ret == 0;
	} else
		ret = check_window(r, pid, (uint32_t)now, &top);
	if (newest != NULL)
		*newest = top;
	if (ret == 0)
		r->accepted++;
	else
		r->refused++;
	return ret;
}
