/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_DAEMON_H
#define RV_DAEMON_H

/*
 * One run of the daemon: from options to a working tunnel and back. Owns the
 * event loop, the device, the socket, the peer and the packet pools, and
 * moves packets between them. main.c repeats runs for soft restarts
 * (SIGUSR1, --ping-restart) and reloads (SIGHUP).
 */

#include <stdbool.h>
#include <stddef.h>
#include <netinet/in.h>

#include "event.h"
#include "link.h"
#include "netconf.h"
#include "options.h"
#include "peer.h"
#include "pkt.h"
#include "plat.h"
#include "roam.h"
#include "tun.h"

enum rv_sig {
	RV_SIG_NONE,
	RV_SIG_EXIT,       /* SIGTERM, SIGINT, --ping-exit, --inactive */
	RV_SIG_RESTART,    /* SIGUSR1, --ping-restart, peer's OCC_EXIT: reconnect */
	RV_SIG_RELOAD,     /* SIGHUP: re-read the configuration and restart */
};

/* A device configuration: from the options, or pushed by a server. */
struct rv_tunconf {
	int mtu;
	bool has_ifconfig;
	bool is_mask;               /* remote is a netmask (tap, topology subnet) */
	struct in_addr local, remote;
	const struct rv_netroute *routes;
	size_t nroutes;
	bool has_ifconfig6;
	struct in6_addr local6;
	int bits6;
	const struct rv_netroute6 *routes6;
	size_t nroutes6;
};

struct rv_client;
struct rv_tls_ctx;
struct rv_mgmt;
struct rv_status_file;
struct rv_server;

/* What survives from one run to the next. */
struct rv_carry {
	int sigfd;                  /* signals, for the whole process */
	struct rv_tun tun;          /* device kept by --persist-tun */
	bool have_tun;
	size_t remote_index;        /* --remote entry to use next */
	/* Our packet-id sequence, continued across soft restarts: a new run
	 * starting in the same second as the last one would otherwise reuse
	 * (id, time) pairs the peer has seen and be refused as replays. */
	uint32_t send_id, send_time;
	unsigned failures;          /* TLS client: failed attempts in a row */
	uint64_t tun_digest;        /* of the configuration on the kept device */
	struct rv_tls_ctx *tls_ctx; /* --persist-key: certificates and keys, read once */
	struct rv_privs privs;      /* --user, --group, --chroot */
	bool privs_ready;           /* start-up done (pid file written): may drop */
	bool privs_dropped;
	bool fatal;                 /* the run ended on an error: exit status 1 */
	struct rv_mgmt *mgmt;       /* --management, NULL without */
	struct rv_status_file *status; /* --status, NULL without */
	uint64_t tcp_resets;        /* TCP connections lost */
	uint64_t tcp_bad_frames;    /* ... of them for a zero or oversized frame length */
	unsigned tcp_addr_index;    /* tcp-client: which address of the remote to connect to */
	bool restart_now;           /* the run ended for a path change, not a failure: the
	                             * next starts at once, with the same remote (roam.c) */
};

struct rv_daemon {
	const struct rv_options *o;
	struct rv_event *ev;
	struct rv_tun tun;
	bool tun_configured;        /* addresses and routes are on the device */
	uint64_t tun_digest;        /* of the configuration applied to it */
	struct in_addr vpn_ip;      /* the device's IPv4 address, for >STATE */
	struct rv_link link;
	enum rv_proto proto;        /* of this run: --proto or the --remote entry's */
	struct rv_timer connect_timer;  /* tcp-client: --connect-timeout */
	struct rv_sockaddr tcp_allowed[RV_ADDR_RESOLVE_MAX];  /* tcp-server: --remote filter */
	size_t tcp_nallowed;
	struct rv_netconf *nc;
	struct rv_peer peer;
	struct rv_client *client;   /* TLS mode: the peer's sessions */
	struct rv_roam roam;        /* --roam: following the path to the peer */
	struct rv_server *server;   /* --mode server: the clients (peer unused) */
	struct rv_pktpool rx, tx;
	size_t headroom;            /* bytes kept in front of a device packet */
	unsigned tx_queued, tx_done;/* tx slots waiting for the socket */
	struct rv_carry *carry;
	struct rv_io sigio;
	enum rv_sig sig;
	const char *sig_reason;
	int exit_notify_left;       /* --explicit-exit-notify countdown */
	bool exit_via_control;      /* the EXIT control message went out instead */
	bool up;                    /* "Initialization Sequence Completed" logged */
	struct rv_timer exit_timer;
	size_t tun_read_max;        /* largest device packet read */
	struct rv_ratelimit io_rl;
};

/* Brings the tunnel up for options o, taking over carry's device if it has
 * one. Returns 0, RV_ERR_AGAIN (the remote cannot be resolved now: retry
 * later) or another RV_ERR_* (give up), after logging why. */
int rv_daemon_start(struct rv_daemon *d, const struct rv_options *o, struct rv_carry *carry);

/* After fork(): watch the signal descriptor again from this process (epoll
 * reports a signalfd only for the process that registered it). */
int rv_daemon_after_fork(struct rv_daemon *d);

/* Runs until a signal or timer ends the run; returns why. */
enum rv_sig rv_daemon_run(struct rv_daemon *d);

/* Tears the run down. With keep_tun the device goes back into the carry
 * instead of being closed. */
void rv_daemon_stop(struct rv_daemon *d, bool keep_tun);

/* Opens (unless --persist-tun kept one) and configures the device. Returns
 * 0 or an RV_ERR_* after logging why. */
int rv_daemon_tun_up(struct rv_daemon *d, const struct rv_tunconf *tc);

/* Logs "Initialization Sequence Completed" (once per run) and notes the
 * success for the TLS client's retry back-off. */
void rv_daemon_up(struct rv_daemon *d);

/* Once per process, when the tunnel is up and main allows it (privs_ready):
 * gives up the privileges of --chroot, --group and --user. Returns 0, or
 * RV_ERR_SYSTEM after logging why (the process must exit). */
int rv_daemon_drop_privileges(struct rv_daemon *d);

/* Ends the current run with s (first reason wins, except that an exit
 * overrides a restart). */
void rv_daemon_signal(struct rv_daemon *d, enum rv_sig s, const char *why);

/* Acts on signal signo (SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2) as when
 * the process receives it; the management "signal" command comes here. */
void rv_daemon_raise(struct rv_daemon *d, int signo);
/* Sends what is queued in the tx pool; when the link is full, stops reading
 * the device until it drains. */
void rv_daemon_flush_tx(struct rv_daemon *d);

/* Receives one batch from the link and delivers it; returns its size. */
unsigned rv_daemon_receive_batch(struct rv_daemon *d);

/* Logs the statistics block (SIGUSR2, exit). */
void rv_daemon_print_stats(const struct rv_daemon *d);

#endif
