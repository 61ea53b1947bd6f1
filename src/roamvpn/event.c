/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * event: the epoll loop and the timer heap.
 */
#include "event.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"

enum { MAX_EVENTS = 64, HEAP_MIN = 16 };

struct rv_event {
	int epfd;
	bool stop;
	uint64_t now;
	struct rv_timer **heap;  /* heap[0] fires first */
	size_t nheap;
	size_t capheap;
};

int
rv_event_new(struct rv_event **out)
{
	struct rv_event *ev = calloc(1, sizeof(*ev));

	if (ev == NULL)
		return RV_ERR_NOMEM;
	ev->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (ev->epfd < 0) {
		free(ev);
		return RV_ERR_SYSTEM;
	}
	ev->now = rv_clock_now();
	*out = ev;
	return 0;
}

void
rv_event_free(struct rv_event *ev)
{
	if (ev == NULL)
		return;
	for (size_t i = 0; i < ev->nheap; i++)
		ev->heap[i]->slot = 0;
	close(ev->epfd);
	free(ev->heap);
	free(ev);
}

int
rv_event_add(struct rv_event *ev, struct rv_io *io, int fd, uint32_t events,
    rv_io_fn *fn, void *arg)
{
	struct epoll_event e = { .events = events, .data.ptr = io };

	io->fd = fd;
	io->events = events;
	io->fn = fn;
	io->arg = arg;
	if (epoll_ctl(ev->epfd, EPOLL_CTL_ADD, fd, &e) != 0) {
		io->fn = NULL;
		return RV_ERR_SYSTEM;
	}
	return 0;
}

int
rv_event_modify(struct rv_event *ev, struct rv_io *io, uint32_t events)
{
	struct epoll_event e = { .events = events, .data.ptr = io };

	if (io->fn == NULL)
		return RV_ERR_INTERNAL;
	if (io->events == events)
		return 0;
	if (epoll_ctl(ev->epfd, EPOLL_CTL_MOD, io->fd, &e) != 0)
		return RV_ERR_SYSTEM;
	io->events = events;
	return 0;
}

void
rv_event_del(struct rv_event *ev, struct rv_io *io)
{
	if (io->fn == NULL)
		return;
	epoll_ctl(ev->epfd, EPOLL_CTL_DEL, io->fd, NULL);
	/* Events for io already fetched in this round are skipped by fn == NULL. */
	io->fn = NULL;
}

void
rv_event_forget(struct rv_io *io)
{
	io->fn = NULL;
}

/* Heap helpers: slot is the 1-based position, so heap[t->slot - 1] == t. */
static void
heap_set(struct rv_event *ev, size_t i, struct rv_timer *t)
{
	ev->heap[i] = t;
	t->slot = i + 1;
}

static void
sift_up(struct rv_event *ev, size_t i)
{
	struct rv_timer *t = ev->heap[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (ev->heap[parent]->when <= t->when)
			break;
		heap_set(ev, i, ev->heap[parent]);
		i = parent;
	}
	heap_set(ev, i, t);
}

static void
sift_down(struct rv_event *ev, size_t i)
{
	struct rv_timer *t = ev->heap[i];

	for (;;) {
		size_t child = 2 * i + 1;

		if (child >= ev->nheap)
			break;
		if (child + 1 < ev->nheap && ev->heap[child + 1]->when < ev->heap[child]->when)
			child++;
		if (t->when <= ev->heap[child]->when)
			break;
		heap_set(ev, i, ev->heap[child]);
		i = child;
	}
	heap_set(ev, i, t);
}

void
rv_timer_init(struct rv_timer *t, rv_timer_fn *fn, void *arg)
{
	memset(t, 0, sizeof(*t));
	t->fn = fn;
	t->arg = arg;
}

bool
rv_timer_armed(const struct rv_timer *t)
{
	return t->slot != 0;
}

uint64_t
rv_timer_when(const struct rv_timer *t)
{
	return t->when;
}

int
rv_timer_arm(struct rv_event *ev, struct rv_timer *t, uint64_t when)
{
	if (t->slot != 0) {
		size_t i = t->slot - 1;
		uint64_t old = t->when;

		t->when = when;
		if (when < old)
			sift_up(ev, i);
		else
			sift_down(ev, i);
		return 0;
	}
	if (ev->nheap == ev->capheap) {
		size_t cap = ev->capheap ? ev->capheap * 2 : HEAP_MIN;
		struct rv_timer **h = reallocarray(ev->heap, cap, sizeof(*h));

		if (h == NULL)
			return RV_ERR_NOMEM;
		ev->heap = h;
		ev->capheap = cap;
	}
	t->when = when;
	heap_set(ev, ev->nheap++, t);
	sift_up(ev, ev->nheap - 1);
	return 0;
}

void
rv_timer_disarm(struct rv_event *ev, struct rv_timer *t)
{
	size_t i;
	struct rv_timer *last;

	if (t->slot == 0)
		return;
	i = t->slot - 1;
	t->slot = 0;
	last = ev->heap[--ev->nheap];
	if (i == ev->nheap)
		return;
	heap_set(ev, i, last);
	if (i > 0 && ev->heap[(i - 1) / 2]->when > last->when)
		sift_up(ev, i);
	else
		sift_down(ev, i);
}

uint64_t
rv_event_now(const struct rv_event *ev)
{
	return ev->now;
}

uint64_t
rv_event_refresh(struct rv_event *ev)
{
	ev->now = rv_clock_now();
	return ev->now;
}

void
rv_event_stop(struct rv_event *ev)
{
	ev->stop = true;
}

/* Fires every due timer; returns the epoll timeout in ms until the next. */
static int
run_timers(struct rv_event *ev)
{
	while (ev->nheap > 0 && !ev->stop) {
		struct rv_timer *t = ev->heap[0];
		uint64_t now = rv_event_refresh(ev);

		if (t->when > now) {
			uint64_t ms = (t->when - now + RV_NSEC_PER_MSEC - 1) / RV_NSEC_PER_MSEC;

			return ms > 60000 ? 60000 : (int)ms;
		}
		rv_timer_disarm(ev, t);
		t->fn(t->arg);
	}
	return ev->nheap > 0 || ev->stop ? 0 : -1;
}

int
rv_event_run(struct rv_event *ev)
{
	struct epoll_event events[MAX_EVENTS];

	ev->stop = false;
	while (!ev->stop) {
		int timeout = run_timers(ev);
		int n;

		if (ev->stop)
			break;
		n = epoll_wait(ev->epfd, events, MAX_EVENTS, timeout);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return RV_ERR_SYSTEM;
		}
		rv_event_refresh(ev);
		for (int i = 0; i < n && !ev->stop; i++) {
			struct rv_io *io = events[i].data.ptr;

			if (io->fn != NULL)
				io->fn(io->arg, events[i].events);
		}
	}
	return 0;
}
