/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for event.c: the timer min-heap and the epoll loop.
 *
 * Time comes from tests/unit/mock_clock.c. The loop fires every timer that is
 * due by rv_clock_now() before it waits in epoll, so timer tests arm timers in
 * the past and end with a due timer that calls rv_event_stop(). Tests that
 * need a timer in the future let an always-readable eventfd move the mock
 * clock forward. An alarm guards against a loop that never stops.
 */
#include "event.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cmocka.h>

#include "clock.h"
#include "err.h"
#include "mock_clock.h"

enum { MAX_TIMERS = 256, BASE = 1000 };   /* BASE: mock clock start, seconds */

struct loop {
	struct rv_event *ev;
	int log[MAX_TIMERS * 2];   /* ids of fired timers, in order */
	int nlog;
};

struct tmr {
	struct rv_timer t;
	struct loop *loop;
	int id;
	bool stop;                 /* stop the loop when this fires */
	bool was_armed;            /* rv_timer_armed() inside the callback */
};

static void
on_timer(void *arg)
{
	struct tmr *m = arg;

	assert_true(m->loop->nlog < MAX_TIMERS * 2);
	m->loop->log[m->loop->nlog++] = m->id;
	m->was_armed = rv_timer_armed(&m->t);
	if (m->stop)
		rv_event_stop(m->loop->ev);
}

static int
setup(void **state)
{
	static struct loop loop;

	memset(&loop, 0, sizeof(loop));
	mock_clock_set(rv_sec(BASE), 1700000000);
	if (rv_event_new(&loop.ev) != 0)
		return -1;
	*state = &loop;
	return 0;
}

static int
teardown(void **state)
{
	struct loop *loop = *state;

	rv_event_free(loop->ev);
	return 0;
}

static void
tmr_init(struct tmr *m, struct loop *loop, int id)
{
	memset(m, 0, sizeof(*m));
	m->loop = loop;
	m->id = id;
	rv_timer_init(&m->t, on_timer, m);
}

/* Arms a timer that stops the loop, due after everything else (but not in the
 * future), and runs the loop. */
static void
run_until_stop(struct loop *loop, struct tmr *stopper, uint64_t when)
{
	tmr_init(stopper, loop, -1);
	stopper->stop = true;
	assert_int_equal(rv_timer_arm(loop->ev, &stopper->t, when), 0);
	assert_int_equal(rv_event_run(loop->ev), 0);
}

/* --- clock ---------------------------------------------------------------- */

static void
test_now_and_refresh(void **state)
{
	struct loop *loop = *state;

	assert_true(rv_event_now(loop->ev) == rv_sec(BASE));
	mock_clock_advance(rv_msec(250));
	/* now is the last reading until refreshed. */
	assert_true(rv_event_now(loop->ev) == rv_sec(BASE));
	assert_true(rv_event_refresh(loop->ev) == rv_sec(BASE) + rv_msec(250));
	assert_true(rv_event_now(loop->ev) == rv_sec(BASE) + rv_msec(250));
}

/* --- the heap -------------------------------------------------------------- */

static void
test_timer_init_state(void **state)
{
	struct loop *loop = *state;
	struct tmr m;

	tmr_init(&m, loop, 1);
	assert_false(rv_timer_armed(&m.t));
	assert_int_equal(rv_timer_arm(loop->ev, &m.t, rv_sec(5)), 0);
	assert_true(rv_timer_armed(&m.t));
	assert_true(rv_timer_when(&m.t) == rv_sec(5));
	rv_timer_disarm(loop->ev, &m.t);
	assert_false(rv_timer_armed(&m.t));
	/* Disarming twice is harmless. */
	rv_timer_disarm(loop->ev, &m.t);
	assert_false(rv_timer_armed(&m.t));
}

/* Timers fire in order of when, whatever the order of arming; more timers
 * than the heap's first allocation. */
static void
test_heap_order(void **state)
{
	enum { N = 40 };
	struct loop *loop = *state;
	struct tmr m[N], stopper;

	for (int i = 0; i < N; i++) {
		/* 37 is coprime to N: each when is distinct, arming order scrambled. */
		int rank = (i * 37) % N;

		tmr_init(&m[i], loop, rank);
		assert_int_equal(rv_timer_arm(loop->ev, &m[i].t, rv_sec(10) + rv_msec(rank)), 0);
	}
	run_until_stop(loop, &stopper, rv_sec(11));
	assert_int_equal(loop->nlog, N + 1);
	for (int i = 0; i < N; i++)
		assert_int_equal(loop->log[i], i);
	assert_int_equal(loop->log[N], -1);
	/* A fired timer is disarmed before its callback runs. */
	for (int i = 0; i < N; i++) {
		assert_false(m[i].was_armed);
		assert_false(rv_timer_armed(&m[i].t));
	}
}

static void
test_heap_disarm(void **state)
{
	enum { N = 20 };
	struct loop *loop = *state;
	struct tmr m[N], stopper;
	int want = 0;

	/* Armed in reverse so the earliest is the last one added. */
	for (int i = N - 1; i >= 0; i--) {
		tmr_init(&m[i], loop, i);
		assert_int_equal(rv_timer_arm(loop->ev, &m[i].t, rv_sec(100 + i)), 0);
	}
	/* Every third timer, including the earliest (the heap root), the latest
	 * and the last one added. */
	for (int i = 0; i < N; i += 3)
		rv_timer_disarm(loop->ev, &m[i].t);
	rv_timer_disarm(loop->ev, &m[N - 1].t);
	run_until_stop(loop, &stopper, rv_sec(200));
	for (int i = 0; i < N; i++) {
		if (i % 3 == 0 || i == N - 1)
			continue;
		assert_true(want < loop->nlog);
		assert_int_equal(loop->log[want++], i);
	}
	assert_int_equal(loop->nlog, want + 1);
}

/* Re-arming an armed timer moves it in both directions. */
static void
test_heap_rearm(void **state)
{
	struct loop *loop = *state;
	struct tmr a, b, c, d, stopper;

	tmr_init(&a, loop, 'a');
	tmr_init(&b, loop, 'b');
	tmr_init(&c, loop, 'c');
	tmr_init(&d, loop, 'd');
	assert_int_equal(rv_timer_arm(loop->ev, &a.t, rv_sec(10)), 0);
	assert_int_equal(rv_timer_arm(loop->ev, &b.t, rv_sec(20)), 0);
	assert_int_equal(rv_timer_arm(loop->ev, &c.t, rv_sec(30)), 0);
	assert_int_equal(rv_timer_arm(loop->ev, &d.t, rv_sec(40)), 0);
	assert_int_equal(rv_timer_arm(loop->ev, &c.t, rv_sec(5)), 0);     /* earlier */
	assert_int_equal(rv_timer_arm(loop->ev, &a.t, rv_sec(50)), 0);    /* later */
	assert_int_equal(rv_timer_arm(loop->ev, &d.t, rv_sec(40)), 0);    /* same */
	assert_true(rv_timer_when(&c.t) == rv_sec(5));
	assert_true(rv_timer_when(&a.t) == rv_sec(50));
	run_until_stop(loop, &stopper, rv_sec(60));
	assert_int_equal(loop->nlog, 5);
	assert_int_equal(loop->log[0], 'c');
	assert_int_equal(loop->log[1], 'b');
	assert_int_equal(loop->log[2], 'd');
	assert_int_equal(loop->log[3], 'a');
}

/* Random arm/re-arm/disarm against a simple model; the loop then fires exactly
 * the armed timers, in order. */
static void
test_heap_random(void **state)
{
	enum { N = 200, OPS = 3000 };
	struct loop *loop = *state;
	static struct tmr m[N];
	struct tmr stopper;
	uint64_t model[N];        /* 0 = disarmed */
	uint32_t seed = 12345;
	uint64_t last = 0;
	int armed = 0;

	memset(model, 0, sizeof(model));
	for (int i = 0; i < N; i++)
		tmr_init(&m[i], loop, i);
	for (int op = 0; op < OPS; op++) {
		int i;

		seed = seed * 1103515245 + 12345;
		i = (int)((seed >> 8) % N);
		if ((seed >> 4) % 4 == 0) {
			rv_timer_disarm(loop->ev, &m[i].t);
			model[i] = 0;
		} else {
			/* Distinct whens: a random part, then the index. */
			uint64_t when = (1 + (seed >> 12) % 1000000) * (uint64_t)N + (uint64_t)i;

			assert_int_equal(rv_timer_arm(loop->ev, &m[i].t, when), 0);
			model[i] = when;
		}
		assert_int_equal(rv_timer_armed(&m[i].t), model[i] != 0);
	}
	for (int i = 0; i < N; i++)
		armed += model[i] != 0;
	assert_true(armed > N / 2);
	run_until_stop(loop, &stopper, rv_sec(BASE));
	assert_int_equal(loop->nlog, armed + 1);
	for (int k = 0; k < armed; k++) {
		int i = loop->log[k];

		assert_true(model[i] != 0);
		assert_true(model[i] > last);
		last = model[i];
		model[i] = 0;
	}
}

/* Freeing the loop leaves its timers disarmed, so owners can re-arm them on a
 * new loop. */
static void
test_free_disarms(void **state)
{
	struct rv_event *ev;
	struct tmr a, b;

	assert_int_equal(rv_event_new(&ev), 0);
	tmr_init(&a, NULL, 1);
	tmr_init(&b, NULL, 2);
	assert_int_equal(rv_timer_arm(ev, &a.t, 1), 0);
	assert_int_equal(rv_timer_arm(ev, &b.t, 2), 0);
	rv_event_free(ev);
	assert_false(rv_timer_armed(&a.t));
	assert_false(rv_timer_armed(&b.t));
	rv_event_free(NULL);
}

/* --- timers in the loop ---------------------------------------------------- */

/* A timer at exactly now is due. */
static void
test_timer_due_at_now(void **state)
{
	struct loop *loop = *state;
	struct tmr m;

	tmr_init(&m, loop, 7);
	m.stop = true;
	assert_int_equal(rv_timer_arm(loop->ev, &m.t, rv_clock_now()), 0);
	assert_int_equal(rv_event_run(loop->ev), 0);
	assert_int_equal(loop->nlog, 1);
	assert_int_equal(loop->log[0], 7);
}

/* A callback that re-arms its own timer: a periodic timer. */
struct periodic {
	struct rv_timer t;
	struct rv_event *ev;
	int fired;
	uint64_t seen_now[4];
};

static void
on_periodic(void *arg)
{
	struct periodic *p = arg;

	assert_false(rv_timer_armed(&p->t));
	p->seen_now[p->fired++] = rv_event_now(p->ev);
	if (p->fired == 3) {
		rv_event_stop(p->ev);
		return;
	}
	assert_int_equal(rv_timer_arm(p->ev, &p->t, rv_event_now(p->ev) + rv_sec(1)), 0);
	mock_clock_advance(rv_sec(1));
}

static void
test_timer_rearm_from_callback(void **state)
{
	struct loop *loop = *state;
	struct periodic p = { .ev = loop->ev };

	rv_timer_init(&p.t, on_periodic, &p);
	assert_int_equal(rv_timer_arm(loop->ev, &p.t, rv_sec(BASE)), 0);
	assert_int_equal(rv_event_run(loop->ev), 0);
	assert_int_equal(p.fired, 3);
	/* The loop's now is fresh in each callback. */
	assert_true(p.seen_now[0] == rv_sec(BASE));
	assert_true(p.seen_now[1] == rv_sec(BASE + 1));
	assert_true(p.seen_now[2] == rv_sec(BASE + 2));
	assert_false(rv_timer_armed(&p.t));
}

/* A stop from a timer leaves later due timers armed for the next run. */
static void
test_stop_keeps_due_timers(void **state)
{
	struct loop *loop = *state;
	struct tmr a, b;

	tmr_init(&a, loop, 1);
	tmr_init(&b, loop, 2);
	a.stop = true;
	b.stop = true;
	assert_int_equal(rv_timer_arm(loop->ev, &a.t, rv_sec(1)), 0);
	assert_int_equal(rv_timer_arm(loop->ev, &b.t, rv_sec(2)), 0);
	assert_int_equal(rv_event_run(loop->ev), 0);
	assert_int_equal(loop->nlog, 1);
	assert_true(rv_timer_armed(&b.t));
	/* run() clears the stop request when it starts. */
	assert_int_equal(rv_event_run(loop->ev), 0);
	assert_int_equal(loop->nlog, 2);
	assert_int_equal(loop->log[1], 2);
}

/* An io handler that moves the mock clock forward each time it runs. */
struct ticker {
	struct rv_io io;
	int fd;
	int calls;
	uint64_t step;
};

static void
on_tick(void *arg, uint32_t events)
{
	struct ticker *tk = arg;

	assert_true(events & EPOLLIN);
	tk->calls++;
	mock_clock_advance(tk->step);
}

/* A timer in the future does not fire before the clock reaches it. */
static void
test_timer_waits_for_clock(void **state)
{
	struct loop *loop = *state;
	struct ticker tk = { .step = rv_msec(1) };
	struct tmr m;

	tk.fd = eventfd(1, EFD_CLOEXEC | EFD_NONBLOCK);    /* stays readable */
	assert_true(tk.fd >= 0);
	assert_int_equal(rv_event_add(loop->ev, &tk.io, tk.fd, EPOLLIN, on_tick, &tk), 0);
	tmr_init(&m, loop, 1);
	m.stop = true;
	assert_int_equal(rv_timer_arm(loop->ev, &m.t, rv_clock_now() + rv_msec(5)), 0);
	assert_int_equal(rv_event_run(loop->ev), 0);
	assert_int_equal(tk.calls, 5);
	assert_int_equal(loop->nlog, 1);
	assert_true(rv_event_now(loop->ev) == rv_sec(BASE) + rv_msec(5));
	rv_event_del(loop->ev, &tk.io);
	close(tk.fd);
}

/* --- descriptors ----------------------------------------------------------- */

struct reader {
	struct rv_io io;
	struct rv_io *other;      /* deleted from inside the callback */
	struct rv_event *ev;
	int fd;
	int calls;
	uint32_t events;
	char got;
	bool stop, del_self, stop_by_timer;
	struct rv_timer stopper;
};

static void
stop_loop(void *arg)
{
	rv_event_stop(arg);
}

static void
on_read(void *arg, uint32_t events)
{
	struct reader *rd = arg;

	rd->calls++;
	rd->events = events;
	if (events & EPOLLIN)
		assert_int_equal(read(rd->fd, &rd->got, 1), 1);
	if (rd->other != NULL)
		rv_event_del(rd->ev, rd->other);
	if (rd->del_self)
		rv_event_del(rd->ev, &rd->io);
	if (rd->stop)
		rv_event_stop(rd->ev);
	/* Stop on the next pass instead, after the rest of this round. */
	if (rd->stop_by_timer)
		assert_int_equal(rv_timer_arm(rd->ev, &rd->stopper, rv_event_now(rd->ev)), 0);
}

static void
reader_init(struct reader *rd, struct rv_event *ev, int fd)
{
	memset(rd, 0, sizeof(*rd));
	rd->ev = ev;
	rd->fd = fd;
	rv_timer_init(&rd->stopper, stop_loop, ev);
}

/* Runs the loop for one epoll round: a readable pipe whose handler stops the
 * loop on the next pass, so every descriptor ready now gets its turn first. */
static void
run_one_round(struct loop *loop)
{
	struct reader s;
	int p[2];

	assert_int_equal(pipe(p), 0);
	reader_init(&s, loop->ev, p[0]);
	s.stop_by_timer = true;
	assert_int_equal(rv_event_add(loop->ev, &s.io, p[0], EPOLLIN, on_read, &s), 0);
	assert_int_equal(write(p[1], "s", 1), 1);
	assert_int_equal(rv_event_run(loop->ev), 0);
	assert_int_equal(s.calls, 1);
	rv_event_del(loop->ev, &s.io);
	close(p[0]);
	close(p[1]);
}

static void
test_io_readable(void **state)
{
	struct loop *loop = *state;
	struct reader rd;
	int p[2];

	assert_int_equal(pipe(p), 0);
	reader_init(&rd, loop->ev, p[0]);
	rd.stop = true;
	assert_int_equal(rv_event_add(loop->ev, &rd.io, p[0], EPOLLIN, on_read, &rd), 0);
	assert_int_equal(write(p[1], "x", 1), 1);
	assert_int_equal(rv_event_run(loop->ev), 0);
	assert_int_equal(rd.calls, 1);
	assert_true(rd.events & EPOLLIN);
	assert_int_equal(rd.got, 'x');
	rv_event_del(loop->ev, &rd.io);
	close(p[0]);
	close(p[1]);
}

/*
 * Two descriptors ready in the same round. Whichever runs first deletes both;
 * the other's event, already fetched by epoll_wait, must then be skipped.
 */
static void
test_io_del_from_callback(void **state)
{
	struct loop *loop = *state;
	struct reader a, b;
	int pa[2], pb[2];

	assert_int_equal(pipe(pa), 0);
	assert_int_equal(pipe(pb), 0);
	reader_init(&a, loop->ev, pa[0]);
	reader_init(&b, loop->ev, pb[0]);
	a.other = &b.io;
	b.other = &a.io;
	a.del_self = b.del_self = true;
	a.stop_by_timer = b.stop_by_timer = true;
	assert_int_equal(rv_event_add(loop->ev, &a.io, pa[0], EPOLLIN, on_read, &a), 0);
	assert_int_equal(rv_event_add(loop->ev, &b.io, pb[0], EPOLLIN, on_read, &b), 0);
	assert_int_equal(write(pa[1], "a", 1), 1);
	assert_int_equal(write(pb[1], "b", 1), 1);
	assert_int_equal(rv_event_run(loop->ev), 0);
	assert_int_equal(a.calls + b.calls, 1);
	/* Deleting again is a no-op. */
	rv_event_del(loop->ev, &a.io);
	rv_event_del(loop->ev, &b.io);

	/* Both are gone from epoll too: still readable, never called again. */
	assert_int_equal(write(pa[1], "a", 1), 1);
	assert_int_equal(write(pb[1], "b", 1), 1);
	run_one_round(loop);
	assert_int_equal(a.calls + b.calls, 1);
	close(pa[0]);
	close(pa[1]);
	close(pb[0]);
	close(pb[1]);
}

/* A stop from an io callback ends the round: other ready descriptors wait. */
static void
test_io_stop_ends_round(void **state)
{
	struct loop *loop = *state;
	struct reader a, b;
	int pa[2], pb[2];

	assert_int_equal(pipe(pa), 0);
	assert_int_equal(pipe(pb), 0);
	reader_init(&a, loop->ev, pa[0]);
	reader_init(&b, loop->ev, pb[0]);
	a.stop = b.stop = true;
	assert_int_equal(rv_event_add(loop->ev, &a.io, pa[0], EPOLLIN, on_read, &a), 0);
	assert_int_equal(rv_event_add(loop->ev, &b.io, pb[0], EPOLLIN, on_read, &b), 0);
	assert_int_equal(write(pa[1], "a", 1), 1);
	assert_int_equal(write(pb[1], "b", 1), 1);
	assert_int_equal(rv_event_run(loop->ev), 0);
	assert_int_equal(a.calls + b.calls, 1);
	/* The other one is served by the next run. */
	assert_int_equal(rv_event_run(loop->ev), 0);
	assert_int_equal(a.calls, 1);
	assert_int_equal(b.calls, 1);
	rv_event_del(loop->ev, &a.io);
	rv_event_del(loop->ev, &b.io);
	close(pa[0]);
	close(pa[1]);
	close(pb[0]);
	close(pb[1]);
}

/* Switching a pipe's write end from EPOLLIN (never ready) to EPOLLOUT. */
static void
test_io_modify(void **state)
{
	struct loop *loop = *state;
	struct reader w;
	int p[2];

	assert_int_equal(pipe(p), 0);
	reader_init(&w, loop->ev, p[1]);
	w.stop = true;
	assert_int_equal(rv_event_add(loop->ev, &w.io, p[1], EPOLLIN, on_read, &w), 0);
	/* A write end never becomes readable. */
	run_one_round(loop);
	assert_int_equal(w.calls, 0);

	assert_int_equal(rv_event_modify(loop->ev, &w.io, EPOLLIN), 0);
	assert_int_equal(rv_event_modify(loop->ev, &w.io, EPOLLOUT), 0);
	assert_int_equal(rv_event_run(loop->ev), 0);
	assert_int_equal(w.calls, 1);
	assert_true(w.events & EPOLLOUT);
	assert_false(w.events & EPOLLIN);
	rv_event_del(loop->ev, &w.io);
	/* Modifying a deleted io is refused. */
	assert_int_equal(rv_event_modify(loop->ev, &w.io, EPOLLIN), RV_ERR_INTERNAL);
	close(p[0]);
	close(p[1]);
}

static void
test_io_add_errors(void **state)
{
	struct loop *loop = *state;
	struct rv_io io, twice, never = { 0 };
	int p[2];

	assert_int_equal(rv_event_add(loop->ev, &io, -1, EPOLLIN, on_tick, NULL),
	    RV_ERR_SYSTEM);
	/* A failed add leaves io unregistered: modify refuses, del is a no-op. */
	assert_int_equal(rv_event_modify(loop->ev, &io, EPOLLOUT), RV_ERR_INTERNAL);
	rv_event_del(loop->ev, &io);
	rv_event_del(loop->ev, &never);

	assert_int_equal(pipe(p), 0);
	assert_int_equal(rv_event_add(loop->ev, &io, p[0], EPOLLIN, on_tick, NULL), 0);
	/* The same descriptor twice. */
	assert_int_equal(rv_event_add(loop->ev, &twice, p[0], EPOLLIN, on_tick, NULL),
	    RV_ERR_SYSTEM);
	rv_event_del(loop->ev, &io);
	close(p[0]);
	close(p[1]);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_now_and_refresh),
		T(test_timer_init_state),
		T(test_heap_order),
		T(test_heap_disarm),
		T(test_heap_rearm),
		T(test_heap_random),
		cmocka_unit_test(test_free_disarms),
		T(test_timer_due_at_now),
		T(test_timer_rearm_from_callback),
		T(test_stop_keeps_due_timers),
		T(test_timer_waits_for_clock),
		T(test_io_readable),
		T(test_io_del_from_callback),
		T(test_io_stop_ends_round),
		T(test_io_modify),
		T(test_io_add_errors),
	};

	/* A broken loop would wait in epoll forever; fail the run instead. */
	alarm(60);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
