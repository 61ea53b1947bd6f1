/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_MGMT_H
#define RV_MGMT_H

/*
 * The management interface (--management IP PORT, --management PATH unix),
 * speaking OpenVPN 2.6's management protocol (version 5): a line-based text
 * protocol, one management client at a time, answers ending in "SUCCESS:",
 * "ERROR:" or "END", real-time notifications starting with ">" (>INFO,
 * >STATE, >LOG, >BYTECOUNT, >HOLD), every line ending in "\r\n".
 *
 * The object lives for the whole process (its log and state history, the
 * hold flag and the byte totals survive restarts); each run of the daemon
 * attaches it to its event loop and detaches it before the loop goes away.
 * All I/O is non-blocking; input lines are bounded (RV_MGMT_LINE_MAX) and so
 * is the output waiting for a slow reader (RV_MGMT_OUTQ_MAX: beyond it the
 * management client is disconnected), so no management client can stall or
 * exhaust the daemon.
 *
 * The daemon reports through small calls that accept m == NULL (no
 * --management): rv_mgmt_set_state(), rv_mgmt_run_bytes(); log lines arrive
 * through log.c's tap. What the management commands act on is reached
 * through struct rv_mgmt_ops, which the daemon (and later the server) fills.
 */

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

#include "addr.h"
#include "event.h"
#include "status.h"

enum {
	RV_MGMT_VERSION = 5,             /* "Management Version: 5" */
	RV_MGMT_LINE_MAX = 1024,         /* longest command line, with its newline */
	RV_MGMT_OUTQ_MAX = 4 << 20,      /* bytes queued for one management client */
	RV_MGMT_LOG_HISTORY = 250,       /* log lines kept for "log N|all" */
	RV_MGMT_STATE_HISTORY = 100,     /* states kept for "state N|all" */
	RV_MGMT_MAX_PARAMS = 16,         /* words of one command */
};

/* OpenVPN's connection states, named as on >STATE lines. */
enum rv_mgmt_state {
	RV_MGMT_CONNECTING,
	RV_MGMT_WAIT,
	RV_MGMT_AUTH,
	RV_MGMT_GET_CONFIG,
	RV_MGMT_ASSIGN_IP,
	RV_MGMT_ADD_ROUTES,
	RV_MGMT_CONNECTED,
	RV_MGMT_RECONNECTING,
	RV_MGMT_EXITING,
	RV_MGMT_RESOLVE,
	RV_MGMT_TCP_CONNECT,
	RV_MGMT_STATE__MAX
};

/* The optional fields of a >STATE line; NULL fields print empty. */
struct rv_mgmt_state_info {
	const char *desc;                /* "SUCCESS", "SIGUSR1", "ping-restart" ... */
	const struct in_addr *local_ip;  /* the tunnel's IPv4 address */
	const struct rv_sockaddr *remote;/* the peer's address and port */
	const struct rv_sockaddr *local; /* our bound address and port */
	const struct in6_addr *local_ip6;/* the tunnel's IPv6 address */
};

/*
 * What the commands act on. The daemon of a run fills it at attach time; a
 * NULL function makes its command answer openvpn's "ERROR: The 'x' command
 * is not supported by the current daemon mode".
 *
 * The server fills the kill functions (client and p2p leave them NULL):
 *  - kill_by_cn: disconnects every client with common name cn (sending it
 *    RESTART/EXIT as openvpn does); returns how many.
 *  - kill_by_addr: the client whose real address is addr:port (IPv4, host
 *    order as parsed); returns how many (0 or 1).
 *  - kill_by_cid: the client with management client id cid, telling it msg
 *    (NULL: "RESTART"); returns true if there was one.
 *  - n_clients: connected clients, for "load-stats" and "nclients".
 */
struct rv_mgmt_ops {
	void *arg;
	struct rv_status_source status;  /* "status [n]" */
	/* "signal X": SIGHUP, SIGTERM, SIGUSR1 or SIGUSR2, as if the process got it. */
	void (*signal)(void *arg, int signo);
	/* Link bytes received and sent by the current run, for >BYTECOUNT. */
	void (*bytes)(void *arg, uint64_t *in, uint64_t *out);
	int (*kill_by_cn)(void *arg, const char *cn);
	int (*kill_by_addr)(void *arg, struct in_addr addr, uint16_t port);
	bool (*kill_by_cid)(void *arg, unsigned long cid, const char *msg);
	int (*n_clients)(void *arg);
};

struct rv_mgmt_config {
	const char *addr;                /* IP or host, or the socket path */
	const char *port;                /* NULL for a unix socket */
	bool is_unix;
	bool hold;                       /* --management-hold */
	const char *title;               /* "roamvpn 0.4 x86_64-pc-linux-gnu [...]" */
};

struct rv_mgmt;

/* Creates the interface and starts listening (logging where). Returns 0 or
 * RV_ERR_SYSTEM / RV_ERR_NOTFOUND / RV_ERR_NOMEM after logging why. */
int rv_mgmt_open(struct rv_mgmt **out, const struct rv_mgmt_config *c);

/* Closes the sockets (and removes the unix socket) and frees m; NULL is fine. */
void rv_mgmt_close(struct rv_mgmt *m);

/* Serves the management client on ev with ops until rv_mgmt_detach(). The
 * byte totals of earlier runs are kept; ops->bytes adds the current run's.
 * Returns 0 or RV_ERR_SYSTEM. */
int rv_mgmt_attach(struct rv_mgmt *m, struct rv_event *ev, const struct rv_mgmt_ops *ops);

/* Replaces the ops of the attached run (a server run installs its own after
 * the daemon attached the client ones). */
void rv_mgmt_set_ops(struct rv_mgmt *m, const struct rv_mgmt_ops *ops);

/* Before ev goes away: stops watching, adds the run's bytes to the totals. */
void rv_mgmt_detach(struct rv_mgmt *m);

/* Records a new state (history) and notifies a client that asked for
 * "state on". */
void rv_mgmt_set_state(struct rv_mgmt *m, enum rv_mgmt_state s,
    const struct rv_mgmt_state_info *info);

/* Whether a start or restart has to wait for "hold release" (--management-hold
 * or "hold on", and not released since). */
bool rv_mgmt_would_hold(const struct rv_mgmt *m);

/*
 * Waits, serving the management interface from a loop of its own, until a
 * client sends "hold release" (then true) or SIGTERM/SIGINT arrives on sigfd
 * or by "signal SIGTERM" (then false: exit). holdtime is printed on the
 * >HOLD line (the pause the restart would have made). SIGUSR1 and SIGHUP are
 * ignored while holding, as openvpn does.
 */
bool rv_mgmt_hold(struct rv_mgmt *m, int sigfd, int holdtime);

/* Sends the notification now if a client is connected (flushing first what
 * is queued): for the EXITING state just before the process ends. */
void rv_mgmt_flush(struct rv_mgmt *m);

/* The name of a state ("CONNECTED"). */
const char *rv_mgmt_state_name(enum rv_mgmt_state s);

#endif
