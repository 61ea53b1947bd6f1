/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_EVENT_H
#define RV_EVENT_H

/*
 * The one event loop: epoll for file descriptors, a binary min-heap of
 * timers on the monotonic clock. Single-threaded; callbacks run from
 * rv_event_run().
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rv_event;

typedef void rv_io_fn(void *arg, uint32_t events);
typedef void rv_timer_fn(void *arg);

/* A watched descriptor. The owner embeds it and keeps it alive while it is
 * registered. Fields are private to event.c. */
struct rv_io {
	int fd;
	uint32_t events;
	rv_io_fn *fn;
	void *arg;
};

/* A timer. The owner embeds it; rv_timer_init() once, then arm/disarm freely.
 * Fields are private to event.c. */
struct rv_timer {
	uint64_t when;     /* absolute, rv_clock_now() scale */
	size_t slot;       /* 1-based heap position; 0 = not armed */
	rv_timer_fn *fn;
	void *arg;
};

/* Returns 0 or RV_ERR_SYSTEM / RV_ERR_NOMEM. */
int rv_event_new(struct rv_event **out);
void rv_event_free(struct rv_event *ev);

/* Watches fd for events (EPOLLIN, EPOLLOUT ...) and calls fn(arg, revents).
 * Returns 0 or RV_ERR_SYSTEM. */
int rv_event_add(struct rv_event *ev, struct rv_io *io, int fd, uint32_t events,
    rv_io_fn *fn, void *arg);
int rv_event_modify(struct rv_event *ev, struct rv_io *io, uint32_t events);
/* Stops watching; safe to call from a callback and on an unregistered io. */
void rv_event_del(struct rv_event *ev, struct rv_io *io);
/* io's descriptor was closed already (epoll dropped it with the close):
 * forgets io without asking epoll about a number that may be reused. */
void rv_event_forget(struct rv_io *io);

void rv_timer_init(struct rv_timer *t, rv_timer_fn *fn, void *arg);
/* (Re)arms t to fire at when (absolute monotonic ns). Returns 0 or RV_ERR_NOMEM. */
int rv_timer_arm(struct rv_event *ev, struct rv_timer *t, uint64_t when);
void rv_timer_disarm(struct rv_event *ev, struct rv_timer *t);
bool rv_timer_armed(const struct rv_timer *t);
uint64_t rv_timer_when(const struct rv_timer *t);

/* Monotonic time taken at the last wakeup of the loop. */
uint64_t rv_event_now(const struct rv_event *ev);
/* Takes a fresh reading of the clock into the loop's notion of now. */
uint64_t rv_event_refresh(struct rv_event *ev);

/* Runs until rv_event_stop(). Returns 0 or RV_ERR_SYSTEM (epoll failed). */
int rv_event_run(struct rv_event *ev);
void rv_event_stop(struct rv_event *ev);

#endif
