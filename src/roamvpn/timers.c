/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * timers: keepalive, watchdog, inactivity and OCC timers of a peer (the
 * list is in timers.h). OpenVPN's semantics: ping after N s of sending
 * nothing, ping-restart after N s without an authenticated packet.
 */
#include "timers.h"

#include "clock.h"
#include "daemon.h"
#include "log.h"
#include "peer.h"
#include "ping.h"

static uint64_t
now(const struct rv_peer *p)
{
	return rv_event_now(p->d->ev);
}

static void
arm(struct rv_peer *p, struct rv_timer *t, uint64_t when)
{
	if (rv_timer_arm(p->d->ev, t, when) != 0)
		rv_log(RV_LOG_ERR, "cannot arm a timer: out of memory");
}

static void
on_ping(void *arg)
{
	struct rv_peer *p = arg;
	uint64_t due = p->timers.last_tx + rv_sec((uint64_t)p->ping);

	if (p->ping <= 0)
		return;
	if (now(p) >= due) {
		rv_peer_send_ping(p);
		/* If the ping could not go, try again in a full interval. */
		due = now(p) + rv_sec((uint64_t)p->ping);
	}
	arm(p, &p->timers.ping, due);
}

static void
on_watchdog(void *arg)
{
	struct rv_peer *p = arg;
	const struct rv_options *o = p->d->o;
	int secs = p->ping_restart > 0 ? p->ping_restart : o->ping_exit;
	uint64_t due = p->timers.last_rx + rv_sec((uint64_t)secs);

	if (secs <= 0)
		return;
	/* --ping-timer-rem: nobody to hear from yet, nothing to time out. */
	if (o->ping_timer_rem && !rv_addr_is_set(&p->remote)) {
		p->timers.last_rx = now(p);
		arm(p, &p->timers.watchdog, now(p) + rv_sec((uint64_t)secs));
		return;
	}
	if (now(p) < due) {
		arm(p, &p->timers.watchdog, due);
		return;
	}
	/* No route to the peer at all: --roam-hold keeps the session. */
	if (rv_roam_holds(&p->d->roam, now(p))) {
		arm(p, &p->timers.watchdog, now(p) + rv_sec(1));
		return;
	}
	if (p->owner != NULL && p->owner->expired != NULL && p->ping_restart > 0) {
		p->owner->expired(p->owner_ctx, "ping-restart");
		return;
	}
	rv_log(RV_LOG_INFO, "Inactivity timeout (--%s), %s", p->ping_restart > 0 ?
	    "ping-restart" : "ping-exit", p->ping_restart > 0 ? "restarting" : "exiting");
	rv_daemon_signal(p->d, p->ping_restart > 0 ? RV_SIG_RESTART : RV_SIG_EXIT,
	    p->ping_restart > 0 ? "ping-restart" : "ping-exit");
}

static uint64_t
tun_bytes(const struct rv_peer *p)
{
	return p->d->tun.rx_bytes + p->d->tun.tx_bytes;
}

static void
on_inactive(void *arg)
{
	struct rv_peer *p = arg;
	const struct rv_options *o = p->d->o;
	uint64_t period = rv_sec((uint64_t)o->inactive);

	if (o->inactive_bytes == 0) {
		uint64_t due = p->timers.last_tun + period;

		if (now(p) < due) {
			arm(p, &p->timers.inactive, due);
			return;
		}
	} else if (tun_bytes(p) - p->timers.window_bytes >= o->inactive_bytes) {
		p->timers.window_bytes = tun_bytes(p);
		arm(p, &p->timers.inactive, now(p) + period);
		return;
	}
	rv_log(RV_LOG_INFO, "Inactivity timeout (--inactive), exiting");
	rv_daemon_signal(p->d, RV_SIG_EXIT, "inactive");
}

static void
on_occ(void *arg)
{
	struct rv_peer *p = arg;

	if (p->timers.occ_tries >= RV_OCC_TRIES) {
		rv_log(RV_LOG_NOTICE, "NOTE: the peer never answered the options consistency "
		    "check (OCC)");
		return;
	}
	if (rv_addr_is_set(&p->remote)) {
		p->timers.occ_tries++;
		rv_peer_send_occ(p, RV_OCC_REQUEST);
	}
	arm(p, &p->timers.occ, now(p) + rv_sec(RV_OCC_INTERVAL_SECS));
}

void
rv_timers_init(struct rv_peer *p)
{
	struct rv_timers *t = &p->timers;

	rv_timer_init(&t->ping, on_ping, p);
	rv_timer_init(&t->watchdog, on_watchdog, p);
	rv_timer_init(&t->inactive, on_inactive, p);
	rv_timer_init(&t->occ, on_occ, p);
	t->last_tx = t->last_rx = t->last_tun = 0;
	t->window_bytes = 0;
	t->occ_tries = 0;
}

void
rv_timers_start(struct rv_peer *p)
{
	const struct rv_options *o = p->d->o;
	struct rv_timers *t = &p->timers;
	uint64_t n = now(p);

	t->last_tx = t->last_rx = t->last_tun = n;
	t->window_bytes = tun_bytes(p);
	rv_timers_keepalive_changed(p);
	/* --inactive watches the whole device, not one client of a server. */
	if (o->inactive > 0 && (p->owner == NULL || p->owner->expired == NULL))
		arm(p, &t->inactive, n + rv_sec((uint64_t)o->inactive));
	/* Static-key mode checks options with the peer; the first request goes
	 * out after a second so the peer has a chance to be up. */
	if (p->encrypted)
		arm(p, &t->occ, n + rv_sec(1));
}

void
rv_timers_keepalive_changed(struct rv_peer *p)
{
	struct rv_timers *t = &p->timers;
	int secs = p->ping_restart > 0 ? p->ping_restart : p->d->o->ping_exit;

	if (p->ping > 0)
		arm(p, &t->ping, t->last_tx + rv_sec((uint64_t)p->ping));
	else
		rv_timer_disarm(p->d->ev, &t->ping);
	if (secs > 0)
		arm(p, &t->watchdog, t->last_rx + rv_sec((uint64_t)secs));
	else
		rv_timer_disarm(p->d->ev, &t->watchdog);
}

void
rv_timers_stop(struct rv_peer *p)
{
	struct rv_timers *t = &p->timers;

	rv_timer_disarm(p->d->ev, &t->ping);
	rv_timer_disarm(p->d->ev, &t->watchdog);
	rv_timer_disarm(p->d->ev, &t->inactive);
	rv_timer_disarm(p->d->ev, &t->occ);
}

void
rv_timers_data_sent(struct rv_peer *p)
{
	p->timers.last_tx = now(p);
}

void
rv_timers_data_received(struct rv_peer *p)
{
	p->timers.last_rx = now(p);
}

void
rv_timers_restart_watchdog(struct rv_peer *p)
{
	p->timers.last_rx = now(p);
}

void
rv_timers_tun_activity(struct rv_peer *p)
{
	p->timers.last_tun = now(p);
}

void
rv_timers_occ_reply_received(struct rv_peer *p)
{
	rv_timer_disarm(p->d->ev, &p->timers.occ);
}
