/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_SERVER_H
#define RV_SERVER_H

/*
 * The multi-client server over UDP or TCP (--mode server; wire facts 3.1,
 * 3.2, 3.5, 8, 11). Each client is a struct rv_peer (its data path: address, timers,
 * counters) whose keys come from the client's own TLS session (session.c),
 * plus what the server agreed with it: peer-id, virtual address, cipher,
 * pushed options.
 *
 * Lookups, each O(1):
 *   by source address     (table.c)  control packets, P_DATA_V1
 *   by peer-id            (array)    P_DATA_V2
 *   by session id         (table.c)  the client's control-channel session
 *   by virtual address    (table.c)  device packets to their client, IPv4
 *                                    and IPv6 (one lookup per iroute prefix
 *                                    length in use when no address matches)
 *
 * Admission over UDP: nothing is kept for a client until its second packet echoes
 * the stateless cookie of our reset (cookie.c), so a flood of forged resets
 * costs no memory; resets are answered at most 100 per 10 s, and new
 * clients are admitted at most --connect-freq N per SECS.
 *
 * Over TCP (srvtcp.c) each accepted connection is a client at once, as in
 * openvpn's mtcp.c: the TCP handshake proved the address, so no cookie;
 * --connect-freq and --max-clients limit the accepts, and the client's
 * packets all go out on its own connection. Its end removes the client.
 *
 * A client goes away when its session fails, --ping-restart runs out, it
 * says EXIT (or sends OCC_EXIT), a newer connection takes its common name
 * (without --duplicate-cn) or its address, or the server stops. Its
 * address returns to the pool at once; the memory is freed from a timer
 * (never inside the callbacks of its own session).
 */

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <netinet/in.h>

#include "addr.h"
#include "ccd.h"
#include "crypto.h"
#include "peer.h"
#include "pkt.h"

struct rv_daemon;
struct rv_server;

/* Sets up the server for d (TLS context, pool, tables, cookie key).
 * Returns 0 or an RV_ERR_* after logging why. */
int rv_server_new(struct rv_server **out, struct rv_daemon *d);

/* Frees every client (their --client-disconnect scripts run) and the
 * server. */
void rv_server_free(struct rv_server *s);

/* A packet from the link. RV_RX_DELIVER: pkt->buf holds a packet for the
 * device. */
enum rv_rx rv_server_receive(struct rv_server *s, struct rv_pkt *pkt);

/* A packet from the device: finds the client by the inner destination
 * address and seals the packet for it; pkt->addr becomes the client's
 * address. Returns 0 (send pkt on the UDP link), 1 (a TCP client's: queued
 * on its own connection already), or a negative value after counting the
 * drop. */
int rv_server_seal(struct rv_server *s, struct rv_pkt *pkt);

/* --proto tcp-server: the listener is readable; accepts the waiting
 * connections, each a new client (srvtcp.c). */
void rv_server_accept(struct rv_server *s);

/* The server is about to exit (--explicit-exit-notify): tells every client
 * to reconnect (RESTART). Returns the number of clients told. */
unsigned rv_server_exit_notify(struct rv_server *s);

/* Logs the server's part of the statistics block. */
void rv_server_print_stats(const struct rv_server *s);

/* --- for status and management ------------------------------------------- */

enum { RV_SERVER_NAME_MAX = 128 };

/* One connected client, as status and management list it. */
struct rv_server_client_info {
	char common_name[RV_SERVER_NAME_MAX];  /* "UNDEF" before authentication */
	char username[RV_SERVER_NAME_MAX];     /* "" if none */
	struct rv_sockaddr real;               /* where its packets come from */
	bool tcp;                              /* real is its TCP connection's peer */
	bool has_vaddr;
	struct in_addr vaddr;
	bool has_vaddr6;
	struct in6_addr vaddr6;
	/* Its iroutes once established (the client's own lists: valid while
	 * the callback runs and until the event loop goes on). */
	const struct rv_ccd_iroute *iroutes;
	size_t niroutes;
	const struct rv_ccd_iroute6 *iroutes6;
	size_t niroutes6;
	uint64_t bytes_in, bytes_out;          /* data channel, after decryption */
	time_t connected_since;                /* wall clock */
	uint32_t peer_id;
	unsigned long cid;                     /* the management client id */
	char cipher[RV_CRYPTO_NAME_MAX];       /* "" before negotiation */
	bool established;                      /* keys made, address assigned */
};

typedef void rv_server_client_fn(void *arg, const struct rv_server_client_info *ci);

/* Calls fn for every client, in connection order (not those that said
 * EXIT and linger for their late packets). */
void rv_server_foreach_client(struct rv_server *s, rv_server_client_fn *fn, void *arg);

/* Disconnects the clients whose common name is name, or (addr != NULL)
 * whose real address is addr; with restart, tells them RESTART first.
 * Returns how many. */
unsigned rv_server_kill(struct rv_server *s, const char *name, const struct rv_sockaddr *addr,
    bool restart);

/* Disconnects client cid after sending it msg (NULL: "RESTART"). Returns
 * false if there is no such client. */
bool rv_server_kill_cid(struct rv_server *s, unsigned long cid, const char *msg);

/* Number of clients (established or not). */
unsigned rv_server_clients(const struct rv_server *s);

struct rv_status_roam;

/* The mobility counters over every client, departed ones included. */
void rv_server_roam_stats(const struct rv_server *s, struct rv_status_roam *out);

#endif
