/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_SERVER_INT_H
#define RV_SERVER_INT_H

/*
 * Inside the server: the state server.c (admission, lookups, routing,
 * removal) and srvclient.c (one client's sessions, authentication,
 * negotiation, push, scripts) share. Not for other files: they use
 * server.h.
 */

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "ccd.h"
#include "cookie.h"
#include "ncp.h"
#include "peer.h"
#include "pool.h"
#include "server.h"
#include "session.h"
#include "status.h"
#include "table.h"
#include "wire.h"
#include "wrap.h"

enum {
	RV_SRV_WHO_MAX = RV_SERVER_NAME_MAX + RV_ADDRSTRLEN,
	RV_SRV_SCRATCH = 2048,
	RV_SRV_HEADROOM = 128,               /* in front of a packet the server builds */
};

/* Drops that belong to no client (or to the admission). */
#define SRV_DROPS(X) \
	X(NO_CLIENT, "no-client")             /* data or control from an unknown address */ \
	X(BAD_RESET, "bad-reset")             /* a reset that failed the wrap or framing */ \
	X(BAD_COOKIE, "bad-cookie")           /* second packet without our cookie */ \
	X(RATE, "connect-rate")               /* over --connect-freq or the reset limit */ \
	X(FULL, "max-clients")                /* --max-clients reached */ \
	X(SOURCE, "bad-source-address")       /* inner source is not the client's */ \
	X(NO_ROUTE, "no-route")               /* device packet for no client */

#define SRV_DROP_ENUM_(id, name) SD_##id,
enum rv_srv_drop { SRV_DROPS(SRV_DROP_ENUM_) SD__MAX };
#undef SRV_DROP_ENUM_


struct rv_srvclient;
struct rv_srvtcp;                       /* srvtcp.c: one client's TCP connection */

/* An iroute or iroute-ipv6 of a client, in the server's by_iroute table. */
struct rv_srv_iroute {
	struct rv_tnode node;
	struct rv_srvclient *c;
};

struct rv_srvclient {
	struct rv_server *srv;
	struct rv_peer peer;                /* data path */
	struct rv_session *session;
	struct rv_tnode by_addr, by_sid, by_vaddr, by_vaddr6;
	struct rv_srvclient *next, *prev;      /* clients, or the dead list */
	uint32_t peer_id;
	unsigned long cid;                  /* management client id, from 0 */
	bool dead;
	bool negotiated;                    /* keys made, address assigned */
	bool has_pool;
	size_t pool_idx;
	bool has_vaddr;
	struct in_addr vaddr, vpeer;        /* pushed ifconfig: address, peer or netmask */
	bool has_vaddr6;
	struct in6_addr vaddr6, vpeer6;     /* pushed ifconfig-ipv6: address, the server's */
	int vbits6;
	struct rv_ncp ncp;
	char cn[RV_SERVER_NAME_MAX];
	char username[RV_SERVER_NAME_MAX];
	char peer_info[1024];
	time_t since;
	uint64_t bytes_out;
	uint64_t last_push;                 /* monotonic ns, 0 = never */
	bool push_pending;                  /* push unasked once our key method 2 is acked */
	struct rv_timer linger;             /* AUTH_FAILED or EXIT: remove a little later */
	const char *linger_why;
	bool closing;                       /* said EXIT: address freed, late packets absorbed */
	struct rv_ccd ccd;                  /* per-client options (client-config-dir, client-connect) */
	struct rv_srv_iroute *iroute_nodes; /* one per ccd.iroutes, then ccd.iroutes6 */
	bool connected;                     /* --client-connect ran: disconnect runs too */
	struct rv_srvtcp *tcp;              /* its connection (tcp-server), NULL on UDP */
};

/* The TCP side of the server (srvtcp.c): accepting and its counters. */
struct rv_srvtcp_all {
	struct rv_srvtcp *dirty;            /* connections with bytes queued to write */
	struct rv_timer flush_timer;        /* writes them after the current event */
	struct rv_timer accept_pause;       /* accept failed (EMFILE ...): listener off a while */
	uint64_t accepted, refused_full, refused_rate, bad_frames, hand_timeouts;
	uint64_t queue_full;                /* device packets dropped (of clients that left) */
	/* sessions resumed on a new connection (mobility extension) */
	struct rv_srvtcp *resuming;         /* the connection whose packet is being opened */
	uint64_t resumed, resume_refused;
};

struct rv_server {
	struct rv_daemon *d;
	const struct rv_options *o;
	struct rv_tls_ctx *tls;
	struct rv_session_config cfg;
	struct rv_wrap wrap;                /* stateless: resets and cookie checks */
	struct rv_cookie cookie;
	struct rv_rate reset_rate, connect_rate;
	struct rv_table by_addr, by_sid;
	struct rv_table by_vaddr;           /* IPv4 (4-byte keys) and IPv6 (16) addresses */
	struct rv_table by_iroute;          /* iroute network and prefix length (5, 17) */
	uint64_t iroute_bits;               /* IPv4 prefix lengths (bit n: /n) in by_iroute */
	uint64_t iroute6_bits[3];           /* IPv6 prefix lengths 0 .. 128 */
	struct rv_srvclient **by_id;           /* peer-id -> client */
	uint32_t max_clients, next_id;
	unsigned long next_cid;
	struct rv_srvclient *clients, *last;   /* in connection order */
	unsigned nclients;
	struct rv_srvclient *dead;             /* freed by reap_timer */
	struct rv_timer reap_timer;
	struct rv_pool pool;
	bool has_pool;
	bool subnet;                        /* topology subnet (ifconfig carries a netmask) */
	char occ_local[RV_WIRE_OCC_STRING_MAX], occ_remote[RV_WIRE_OCC_STRING_MAX];
	struct rv_pktpool fwd;              /* client-to-client */
	uint8_t scratch[RV_SRV_SCRATCH];
	uint64_t drops[SD__MAX];
	uint64_t gone_drops[RV_DROP__MAX];  /* of clients that left */
	uint64_t gone_comp[4];              /* their compression counters (comp_add) */
	uint64_t admitted, resets_answered;
	uint64_t late;                      /* packets of clients that said EXIT */
	uint64_t ignored;                   /* broadcast, multicast, IPv6 link-local */
	uint64_t moves_refused;             /* moves onto another live client's address */
	struct rv_status_roam roam_gone;    /* mobility counters of clients that left */
	struct rv_ratelimit rl;
	struct rv_timer persist_timer;
	bool tcp;                           /* --proto tcp-server: a connection per client */
	struct rv_srvtcp_all tcpall;
};

/* --- server.c ---------------------------------------------------------------- */

uint64_t rv_srv_now(const struct rv_server *s);

/* "cn/address" of a client, for logs. */
const char *rv_srv_who(const struct rv_srvclient *c, char buf[static RV_SRV_WHO_MAX]);

/* Removes c: out of every table, its address back to the pool, its
 * --client-disconnect script run; the memory goes later (c may be inside
 * its own session's callback). */
void rv_srv_kill(struct rv_srvclient *c, const char *why);

/* c said it exits (EXIT, OCC_EXIT): its address and routes go at once,
 * --client-disconnect runs; its late packets are absorbed for 5 s (as
 * openvpn does, so they do not look like a new client), then it goes. */
void rv_srv_close(struct rv_srvclient *c, const char *why);

/* Counts (and logs, rate-limited) a packet dropped for no client. */
void rv_srv_drop(struct rv_server *s, enum rv_srv_drop why, const struct rv_sockaddr *from,
    const char *detail);

/* May c move to the address to? Not onto the address of another client
 * heard from lately (a stale one loses the address instead). */
bool rv_srv_may_move(struct rv_srvclient *c, const struct rv_sockaddr *to);

/* c's address changed (from is the old one): the address table follows. */
void rv_srv_moved(struct rv_srvclient *c, const struct rv_sockaddr *from);

/* A new client at from, in every list. With cookie (UDP) its session is
 * the one our stateless answer began (cookie, the client's csid); without
 * (TCP) a fresh one that answers the client's reset itself. NULL when out
 * of peer-ids or memory. */
struct rv_srvclient *rv_srv_new_client(struct rv_server *s, const struct rv_sockaddr *from,
    const uint8_t *cookie, const uint8_t *csid);

/* A packet from client c, known by its connection (TCP): control to its
 * session, data to its peer. RV_RX_DELIVER: pkt->buf is for the device. */
enum rv_rx rv_srv_client_receive(struct rv_srvclient *c, struct rv_pkt *pkt);

/* --- srvroute.c ---------------------------------------------------------------- */

/* c's virtual addresses and iroutes start routing to it. */
void rv_srv_learn(struct rv_srvclient *c);

/* ... and no longer do. */
void rv_srv_unlearn(struct rv_server *s, struct rv_srvclient *c);

/* A packet from client c, opened, for the device: checks its source
 * address, forwards it to another client with --client-to-client.
 * RV_RX_DELIVER: for the device. */
enum rv_rx rv_srv_route_in(struct rv_server *s, struct rv_srvclient *c, struct rv_pkt *pkt);

/* --- srvtcp.c ------------------------------------------------------------------ */

/* Sends b to c on its transport: its own TCP connection, else the UDP
 * socket. control: may use the connection's control reserve, and goes out
 * at once. Returns 0, or a negative value after counting the drop. */
int rv_srv_send(struct rv_srvclient *c, const struct rv_buf *b, bool control);

void rv_srvtcp_init(struct rv_server *s);
/* A TCP client moves only onto the connection that is resuming its session
 * (its first packet, being opened now). */
bool rv_srvtcp_may_move(struct rv_srvclient *c, const struct rv_sockaddr *to);
/* ... and did: c takes that connection; the one it leaves closes. */
void rv_srvtcp_moved(struct rv_srvclient *c);
/* c is removed: its connection closes now (the memory goes in reap). */
void rv_srvtcp_close(struct rv_srvclient *c);
void rv_srvtcp_free(struct rv_srvclient *c);
void rv_srvtcp_print_stats(const struct rv_server *s);

/* --- srvclient.c -------------------------------------------------------------- */

extern const struct rv_session_ops rv_srvclient_session_ops;
extern const struct rv_peer_owner rv_srvclient_peer_owner;

/* Timer callback of c->linger: removes a refused or exited client. */
void rv_srvclient_linger(void *arg);

/* Sends the unasked PUSH_REPLY once the client has our key method 2. */
void rv_srvclient_push_if_due(struct rv_srvclient *c);

/* Runs --client-disconnect for a client that was connected. */
void rv_srvclient_disconnected(struct rv_srvclient *c);

#endif
