/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * daemon_mgmt: the glue between one run of a client or point-to-point
 * daemon and the management interface / status file (status.h, mgmt.h):
 * the "OpenVPN STATISTICS" report, byte counts, signals and states.
 */
#include "daemon_mgmt.h"

#include <stdio.h>

#include "clock.h"
#include "err.h"
#include "status.h"

static void
report(void *arg, int version, rv_status_emit_fn *emit, void *emit_arg)
{
	const struct rv_daemon *d = arg;
	const struct rv_status_roam roam = {
		.moves = d->roam.moves,
		.probes = d->roam.probes_total,
		.last_delay_us = d->roam.last_delay_ns / 1000,
	};
	const struct rv_status_link l = {
		.tun_read = d->tun.rx_bytes,
		.tun_write = d->tun.tx_bytes,
		.link_read = d->link.rx_bytes,
		.link_write = d->link.tx_bytes,
		.auth_read = d->peer.auth_rx_bytes,
		.roam = d->roam.nw != NULL ? &roam : NULL,
	};

	/* A client prints this block whatever version is asked for, as openvpn. */
	(void)version;
	rv_status_format_link(&l, rv_clock_wall(), emit, emit_arg);
}

static void
bytes(void *arg, uint64_t *in, uint64_t *out)
{
	const struct rv_daemon *d = arg;

	*in = d->link.rx_bytes;
	*out = d->link.tx_bytes;
}

static void
signal_fn(void *arg, int signo)
{
	rv_daemon_raise(arg, signo);
}

void
rv_daemon_mgmt_base_ops(struct rv_daemon *d, struct rv_mgmt_ops *ops)
{
	*ops = (struct rv_mgmt_ops){ .arg = d, .signal = signal_fn, .bytes = bytes };
}

int
rv_daemon_mgmt_attach(struct rv_daemon *d)
{
	struct rv_mgmt_ops ops;
	int r = 0;

	rv_daemon_mgmt_base_ops(d, &ops);
	ops.status = (struct rv_status_source){ report, d };
	if (d->carry->status != NULL)
		r = rv_status_file_attach(d->carry->status, d->ev, &ops.status);
	if (r == 0)
		r = rv_mgmt_attach(d->carry->mgmt, d->ev, &ops);
	return r;
}

void
rv_daemon_mgmt_title(char *out, size_t len)
{
	snprintf(out, len, "roamvpn %s %s [SSL (OpenSSL)] [LZO] [EPOLL] [AEAD]", PACKAGE_VERSION,
	    RV_HOST);
}

void
rv_daemon_mgmt_set_ops(struct rv_daemon *d, const struct rv_mgmt_ops *ops)
{
	if (d->carry->status != NULL)
		rv_status_file_set_source(d->carry->status, &ops->status);
	rv_mgmt_set_ops(d->carry->mgmt, ops);
}

void
rv_daemon_mgmt_detach(struct rv_daemon *d)
{
	if (d->carry->status != NULL)
		rv_status_file_detach(d->carry->status);
	rv_mgmt_detach(d->carry->mgmt);
}

void
rv_daemon_mgmt_state(struct rv_daemon *d, enum rv_mgmt_state s, const char *desc)
{
	const struct rv_options *o = d->o;
	struct rv_mgmt_state_info info = { .desc = desc };

	if (d->carry->mgmt == NULL)
		return;
	if (d->vpn_ip.s_addr != 0)
		info.local_ip = &d->vpn_ip;
	if (s == RV_MGMT_CONNECTED) {
		info.remote = &d->peer.remote;
		/* openvpn shows the local end only when it is bound to an address */
		if (o->local != NULL && !o->nobind)
			info.local = &d->link.local;
	}
	rv_mgmt_set_state(d->carry->mgmt, s, &info);
}
