/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * server: many clients over one UDP socket (wire facts 3.1, 3.2, 8, 11;
 * openvpn's mudp.c and multi.c do these jobs). The stateless admission,
 * the lookup tables, the sessions of each client and routing between the
 * device and the clients; see server.h.
 */
#include "server.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "client.h"
#include "control.h"
#include "cookie.h"
#include "ctlpkt.h"
#include "daemon.h"
#include "err.h"
#include "log.h"
#include "ncp.h"
#include "pool.h"
#include "session.h"
#include "srvpush.h"
#include "table.h"
#include "tls.h"
#include "wire.h"
#include "wrap.h"

enum {
	RESET_RATE_N = 100,             /* openvpn's --connect-freq-initial */
	RESET_RATE_SECS = 10,
	PUSH_DEDUP_SECS = 30,           /* answer PUSH_REQUEST at most so often */
	AUTH_FAILED_LINGER = 2,         /* seconds to let AUTH_FAILED reach the client */
	SCRATCH = 2048,
	FWD_HEADROOM = 128,
	NO_PEER_ID = 0xFFFFFF,
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
enum srv_drop { SRV_DROPS(SRV_DROP_ENUM_) SD__MAX };
#undef SRV_DROP_ENUM_

#define SRV_DROP_NAME_(id, name) [SD_##id] = name,
static const char *const srv_drop_names[SD__MAX] = { SRV_DROPS(SRV_DROP_NAME_) };
#undef SRV_DROP_NAME_

struct srvclient {
	struct rv_server *srv;
	struct rv_peer peer;                /* data path */
	struct rv_session *session;
	struct rv_tnode by_addr, by_sid, by_vaddr;
	struct srvclient *next, *prev;      /* clients, or the dead list */
	uint32_t peer_id;
	bool dead;
	bool negotiated;                    /* keys made, address assigned */
	bool has_pool;
	size_t pool_idx;
	bool has_vaddr;
	struct in_addr vaddr, vpeer;        /* pushed ifconfig: address, peer or netmask */
	struct rv_ncp ncp;
	char cn[RV_SERVER_NAME_MAX];
	char username[RV_SERVER_NAME_MAX];
	char peer_info[1024];
	time_t since;
	uint64_t bytes_out;
	uint64_t last_push;                 /* monotonic ns, 0 = never */
	bool push_pending;                  /* push unasked once our key method 2 is acked */
	struct rv_timer linger;             /* AUTH_FAILED: remove a little later */
};

struct rv_server {
	struct rv_daemon *d;
	const struct rv_options *o;
	struct rv_tls_ctx *tls;
	struct rv_session_config cfg;
	struct rv_wrap wrap;                /* stateless: resets and cookie checks */
	struct rv_cookie cookie;
	struct rv_rate reset_rate, connect_rate;
	struct rv_table by_addr, by_sid, by_vaddr;
	struct srvclient **by_id;           /* peer-id -> client */
	uint32_t max_clients, next_id;
	struct srvclient *clients, *last;   /* in connection order */
	unsigned nclients;
	struct srvclient *dead;             /* freed by reap_timer */
	struct rv_timer reap_timer;
	struct rv_pool pool;
	bool has_pool;
	bool subnet;                        /* topology subnet (ifconfig carries a netmask) */
	char occ_local[RV_WIRE_OCC_STRING_MAX], occ_remote[RV_WIRE_OCC_STRING_MAX];
	struct rv_pktpool fwd;              /* client-to-client */
	uint8_t scratch[SCRATCH];
	uint64_t drops[SD__MAX];
	uint64_t gone_drops[RV_DROP__MAX];  /* of clients that left */
	uint64_t admitted, resets_answered;
	uint64_t not_ipv4;                  /* IPv6 etc.: no IPv6 in the tunnel yet */
	struct rv_ratelimit rl;
	struct rv_timer persist_timer;
};

static uint64_t
now(const struct rv_server *s)
{
	return rv_event_now(s->d->ev);
}

static uint64_t
now_sec(const struct rv_server *s)
{
	return now(s) / RV_NSEC_PER_SEC;
}

static void
drop(struct rv_server *s, enum srv_drop why, const struct rv_sockaddr *from, const char *detail)
{
	char a[RV_ADDRSTRLEN];

	s->drops[why]++;
	rv_log_rl(&s->rl, RV_LOG_DROP, "dropped packet%s%s: %s%s%s",
	    from != NULL ? " from " : "", from != NULL ? rv_addr_fmt(from, a) : "",
	    srv_drop_names[why], detail != NULL ? ": " : "", detail != NULL ? detail : "");
}

/* "cn/1.2.3.4:5" for logs. */
static const char *
who(const struct srvclient *c, char buf[static RV_SERVER_NAME_MAX + RV_ADDRSTRLEN])
{
	char a[RV_ADDRSTRLEN];

	snprintf(buf, RV_SERVER_NAME_MAX + RV_ADDRSTRLEN, "%s/%s", c->cn[0] ? c->cn : "UNDEF",
	    rv_addr_fmt(&c->peer.remote, a));
	return buf;
}

/* --- removing clients ----------------------------------------------------- */

static void
reap(void *arg)
{
	struct rv_server *s = arg;

	while (s->dead != NULL) {
		struct srvclient *c = s->dead;

		s->dead = c->next;
		rv_timer_disarm(s->d->ev, &c->linger);
		rv_session_free(c->session);
		for (int i = 0; i < RV_DROP__MAX; i++)
			s->gone_drops[i] += c->peer.drops[i];
		rv_peer_clear(&c->peer);
		free(c);
	}
}

static void
unlink_client(struct rv_server *s, struct srvclient *c)
{
	rv_table_remove(&s->by_addr, &c->by_addr);
	rv_table_remove(&s->by_sid, &c->by_sid);
	rv_table_remove(&s->by_vaddr, &c->by_vaddr);
	if (c->peer_id < s->max_clients && s->by_id[c->peer_id] == c)
		s->by_id[c->peer_id] = NULL;
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		s->clients = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	else
		s->last = c->prev;
	s->nclients--;
}

/* Takes c out of every table and frees its address now; the memory goes at
 * the next reap (c may be inside its own session's callback). */
static void
kill_client(struct srvclient *c, const char *why)
{
	struct rv_server *s = c->srv;
	char w[RV_SERVER_NAME_MAX + RV_ADDRSTRLEN];

	if (c->dead)
		return;
	c->dead = true;
	rv_log(RV_LOG_INFO, "%s client removed: %s", who(c, w), why);
	unlink_client(s, c);
	if (c->has_pool)
		rv_pool_release(&s->pool, c->pool_idx);
	c->has_pool = false;
	c->has_vaddr = false;
	c->negotiated = false;
	rv_timers_stop(&c->peer);
	c->next = s->dead;
	c->prev = NULL;
	s->dead = c;
	rv_timer_arm(s->d->ev, &s->reap_timer, now(s));
}

static void
on_linger(void *arg)
{
	kill_client(arg, "authentication failed");
}

/* --- the data path's view of a client (struct rv_peer_owner) -------------- */

static struct rv_keystate *
own_recv_key(void *ctx, uint8_t key_id)
{
	struct srvclient *c = ctx;

	return rv_session_recv_key(c->session, key_id);
}

static struct rv_keystate *
own_send_key(void *ctx)
{
	struct srvclient *c = ctx;

	return c->negotiated ? rv_session_send_key(c->session) : NULL;
}

static bool
own_data_v2(void *ctx, uint32_t *peer_id)
{
	struct srvclient *c = ctx;

	*peer_id = c->peer_id;
	return c->ncp.data_v2;
}

static void
own_renegotiate(void *ctx, const char *why)
{
	struct srvclient *c = ctx;

	rv_session_renegotiate(c->session, why);
}

static void
own_control(void *ctx, struct rv_pkt *pkt)
{
	struct srvclient *c = ctx;

	/* The server hands control packets to sessions itself; this only
	 * happens for a packet the dispatcher routed as data. */
	rv_peer_drop(&c->peer, RV_DROP_MALFORMED, &pkt->addr, "control packet on the data path");
}

static void
own_expired(void *ctx, const char *why)
{
	kill_client(ctx, why);
}

static const struct rv_peer_owner peer_owner = {
	.recv_key = own_recv_key,
	.send_key = own_send_key,
	.data_v2 = own_data_v2,
	.renegotiate = own_renegotiate,
	.control = own_control,
	.expired = own_expired,
};

/* --- session callbacks ------------------------------------------------------ */

static void
cb_send(void *owner, struct rv_session *ss, const struct rv_buf *pkt)
{
	struct srvclient *c = owner;

	(void)ss;
	if (rv_link_send_buf(&c->srv->d->link, pkt, &c->peer.remote) != 0)
		rv_peer_drop(&c->peer, RV_DROP_LINK_SEND, &c->peer.remote, "control packet");
}

static void
cb_fill_km2(void *owner, struct rv_session *ss, struct rv_km2 *km)
{
	struct srvclient *c = owner;

	(void)ss;
	/* A server sends its options string and nothing else (wire facts 4.1). */
	snprintf(km->options, sizeof(km->options), "%s", c->srv->occ_local);
}

static void
send_push(struct srvclient *c)
{
	struct rv_server *s = c->srv;
	char msgs[RV_SRVPUSH_MSGS_MAX][RV_SRVPUSH_MSG_MAX];
	struct rv_srvpush in = {
		.o = s->o, .peer_info = c->peer_info, .ncp = &c->ncp,
		.has_ifconfig = c->has_vaddr, .local = c->vaddr, .remote = c->vpeer,
	};
	size_t n = rv_srvpush_build(&in, msgs, RV_SRVPUSH_MSGS_MAX);

	if (c->last_push != 0 && now(s) - c->last_push < rv_sec(PUSH_DEDUP_SECS))
		return;
	if (n == 0) {
		rv_log(RV_LOG_ERR, "the options to push do not fit %d messages",
		    RV_SRVPUSH_MSGS_MAX);
		return;
	}
	c->last_push = now(s);
	for (size_t i = 0; i < n; i++) {
		rv_log(RV_LOG_NOTICE, "SENT CONTROL [%s]: '%s'", c->cn, msgs[i]);
		rv_session_send_text(c->session, msgs[i]);
	}
}

/* Refuses a client: AUTH_FAILED, then it goes in a moment. */
static void
auth_failed(struct srvclient *c, const char *why)
{
	char w[RV_SERVER_NAME_MAX + RV_ADDRSTRLEN];

	rv_log(RV_LOG_WARN, "%s TLS Auth Error: %s", who(c, w), why);
	rv_session_send_text(c->session, "AUTH_FAILED");
	rv_timer_arm(c->srv->d->ev, &c->linger, now(c->srv) + rv_sec(AUTH_FAILED_LINGER));
}

/* Without --duplicate-cn a new connection replaces the old ones of its CN. */
static void
drop_duplicates(struct srvclient *c)
{
	struct rv_server *s = c->srv;

	if (s->o->srv.duplicate_cn || c->cn[0] == '\0')
		return;
	for (struct srvclient *o = s->clients, *next; o != NULL; o = next) {
		next = o->next;
		if (o != c && strcmp(o->cn, c->cn) == 0)
			kill_client(o, "a new connection uses the same common name");
	}
}

/* The client's virtual address from the pool. */
static int
assign_address(struct srvclient *c)
{
	struct rv_server *s = c->srv;
	const struct rv_options *o = s->o;

	if (!s->has_pool)
		return 0;
	if (rv_pool_acquire(&s->pool, c->cn, !o->srv.duplicate_cn, &c->pool_idx) != 0)
		return RV_ERR_LIMIT;
	c->has_pool = true;
	c->has_vaddr = true;
	c->vaddr = rv_pool_addr(&s->pool, c->pool_idx);
	if (s->subnet)
		c->vpeer = o->srv.pool_netmask.s_addr != 0 ? o->srv.pool_netmask : o->ifc_remote;
	else if (o->topology == RV_TOPO_P2P)
		c->vpeer = o->ifc_local;
	else
		c->vpeer = rv_pool_peer(&s->pool, c->pool_idx);
	return 0;
}

/* The first key exchange is done: who is it, what do we agree, where does
 * it live. */
static void
establish(struct srvclient *c, struct rv_session *ss, struct rv_keystate *ks,
    const struct rv_km2 *remote)
{
	struct rv_server *s = c->srv;
	const struct rv_options *o = s->o;
	char err[RV_NCP_ERRLEN], w[RV_SERVER_NAME_MAX + RV_ADDRSTRLEN], a[INET_ADDRSTRLEN];

	rv_tls_peer_common_name(ks->tls, c->cn, sizeof(c->cn));
	snprintf(c->username, sizeof(c->username), "%s", remote->username);
	snprintf(c->peer_info, sizeof(c->peer_info), "%s", remote->peer_info);
	if (o->srv.username_as_common_name && c->username[0] != '\0')
		snprintf(c->cn, sizeof(c->cn), "%s", c->username);
	if (rv_srvpush_ncp(o, remote->peer_info, remote->options, &c->ncp, err) != 0)
		return auth_failed(c, err);
	c->ncp.peer_id = c->peer_id;
	drop_duplicates(c);
	if (assign_address(c) != 0)
		return auth_failed(c, "the address pool is exhausted");
	if (rv_session_install_keys(ss, ks, c->ncp.cipher, o->auth, c->ncp.ekm) != 0 ||
	    (c->ncp.dyn_tls_crypt && rv_session_enable_dyn_tls_crypt(ss) != 0))
		return kill_client(c, "cannot make data channel keys");
	c->negotiated = true;
	if (c->has_vaddr)
		rv_table_insert(&s->by_vaddr, &c->by_vaddr, &c->vaddr, sizeof(c->vaddr));
	rv_log(RV_LOG_INFO, "%s Peer Connection Initiated, peer-id %u, cipher %s%s", who(c, w),
	    c->peer_id, c->ncp.cipher, c->ncp.ekm ? ", keys from the TLS exporter" : "");
	if (c->has_vaddr)
		rv_log(RV_LOG_INFO, "%s MULTI: Learn: %s", who(c, w),
		    inet_ntop(AF_INET, &c->vaddr, a, sizeof(a)));
	rv_peer_keys_changed(&c->peer);
	rv_timers_start(&c->peer);
	/* A client that takes an unasked push gets it once it has our key
	 * method 2 message (as openvpn: after the key exchange is complete),
	 * never in the same flight. */
	c->push_pending = rv_peer_info_proto(c->peer_info) & RV_IV_PROTO_REQUEST_PUSH;
}

static void
push_if_due(struct srvclient *c)
{
	if (!c->push_pending || c->dead || !c->negotiated ||
	    !rv_session_current(c->session)->km_acked)
		return;
	c->push_pending = false;
	send_push(c);
}

static void
cb_active(void *owner, struct rv_session *ss, struct rv_keystate *ks,
    const struct rv_km2 *remote)
{
	struct srvclient *c = owner;

	if (c->dead)
		return;
	if (ks->key_id == 0 && !c->negotiated)
		return establish(c, ss, ks, remote);
	if (c->negotiated &&
	    rv_session_install_keys(ss, ks, c->ncp.cipher, c->srv->o->auth, c->ncp.ekm) != 0)
		kill_client(c, "cannot make data channel keys");
}

static void
cb_message(void *owner, struct rv_session *ss, const char *msg)
{
	struct srvclient *c = owner;
	const char *arg;
	char w[RV_SERVER_NAME_MAX + RV_ADDRSTRLEN];

	(void)ss;
	if (c->dead)
		return;
	switch (rv_control_classify(msg, &arg)) {
	case RV_CTL_PUSH_REQUEST:
		rv_log(RV_LOG_NOTICE, "%s PUSH: Received control message: '%s'", who(c, w), msg);
		c->push_pending = false;
		if (c->negotiated)
			send_push(c);
		else if (!rv_timer_armed(&c->linger))
			rv_session_send_text(c->session, "AUTH_FAILED");
		return;
	case RV_CTL_EXIT:
		return kill_client(c, "the client exited (EXIT)");
	default:
		rv_log(RV_LOG_INFO, "%s unknown control message: '%s'", who(c, w), msg);
		return;
	}
}

static void
cb_failed(void *owner, struct rv_session *ss, const char *why, bool auth)
{
	struct srvclient *c = owner;
	char w[RV_SERVER_NAME_MAX + RV_ADDRSTRLEN];

	(void)ss;
	rv_log(RV_LOG_WARN, "%s TLS Error: %s%s", who(c, w), why,
	    auth ? " (the client's certificate was refused)" : "");
	kill_client(c, "TLS error");
}

static const struct rv_session_ops session_ops = {
	.send = cb_send,
	.fill_km2 = cb_fill_km2,
	.active = cb_active,
	.message = cb_message,
	.failed = cb_failed,
};

/* --- admission ------------------------------------------------------------- */

static int
free_peer_id(struct rv_server *s, uint32_t *id)
{
	for (uint32_t i = 0; i < s->max_clients; i++) {
		uint32_t k = (s->next_id + i) % s->max_clients;

		if (s->by_id[k] == NULL) {
			*id = k;
			s->next_id = k + 1;
			return 0;
		}
	}
	return RV_ERR_LIMIT;
}

/* A client whose second packet carried our cookie: the first state kept
 * for it. */
static struct srvclient *
new_client(struct rv_server *s, const struct rv_sockaddr *from,
    const uint8_t cookie[static RV_WIRE_SID_LEN], const uint8_t csid[static RV_WIRE_SID_LEN])
{
	struct srvclient *c = calloc(1, sizeof(*c));
	uint8_t key[RV_TABLE_KEY_MAX];

	if (c == NULL)
		return NULL;
	c->srv = s;
	rv_timer_init(&c->linger, on_linger, c);
	if (free_peer_id(s, &c->peer_id) != 0 || rv_peer_init(&c->peer, s->d, from, 1) != 0 ||
	    rv_session_new_answered(&c->session, &s->cfg, &session_ops, c, s->d->ev, cookie, csid,
	    s->wrap.send_time) != 0) {
		if (c->peer.d != NULL)
			rv_peer_clear(&c->peer);
		free(c);
		return NULL;
	}
	c->peer.owner = &peer_owner;
	c->peer.owner_ctx = c;
	c->since = rv_clock_wall();
	s->by_id[c->peer_id] = c;
	rv_table_insert(&s->by_addr, &c->by_addr, key, rv_table_addr_key(from, key));
	rv_table_insert(&s->by_sid, &c->by_sid, csid, RV_WIRE_SID_LEN);
	c->prev = s->last;
	if (s->last != NULL)
		s->last->next = c;
	else
		s->clients = c;
	s->last = c;
	s->nclients++;
	s->admitted++;
	return c;
}

/* Answers a client's hard reset with ours, its session id the cookie;
 * keeps nothing (wire facts 3.1). */
static void
answer_reset(struct rv_server *s, struct rv_pkt *pkt)
{
	uint8_t first, csid[RV_WIRE_SID_LEN], cookie[RV_WIRE_SID_LEN];
	struct rv_ctlpkt h, reply = { .op = RV_OP_HARD_RESET_SERVER_V2, .nacks = 1,
	    .has_pid = true };
	struct rv_buf b;

	if (!rv_rate_allow(&s->reset_rate, now(s)))
		return drop(s, SD_RATE, &pkt->addr, "too many resets (100 per 10 s)");
	if (rv_wrap_open(&s->wrap, &pkt->buf, &first, csid, now_sec(s)) != 0 ||
	    rv_ctlpkt_parse_body(&pkt->buf, RV_OP_HARD_RESET_CLIENT_V2, 0, &h) != 0 ||
	    !h.has_pid || h.pid != 0 || h.nacks != 0)
		return drop(s, SD_BAD_RESET, &pkt->addr, NULL);
	if (rv_cookie_make(&s->cookie, &pkt->addr, csid, now_sec(s), 0, cookie) != 0)
		return;
	reply.acks[0] = 0;
	memcpy(reply.ack_sid, csid, RV_WIRE_SID_LEN);
	rv_buf_init(&b, s->scratch, sizeof(s->scratch), FWD_HEADROOM);
	/* Every answer carries replay id (1, start time), as the session that
	 * may follow continues from there. */
	s->wrap.send_counter = 0;
	if (rv_ctlpkt_prepend_body(&b, &reply) != 0 ||
	    rv_wrap_seal(&s->wrap, &b, rv_ctlpkt_first_byte(RV_OP_HARD_RESET_SERVER_V2, 0),
	    cookie) != 0)
		return;
	s->resets_answered++;
	rv_link_send_buf(&s->d->link, &b, &pkt->addr);
}

/* A CONTROL_V1/ACK_V1 of key id 0 from an address without a client: the
 * second packet of a handshake if it echoes our cookie. */
static void
check_cookie(struct rv_server *s, struct rv_pkt *pkt, struct srvclient *old)
{
	uint8_t first, csid[RV_WIRE_SID_LEN];
	struct rv_ctlpkt h;
	struct rv_buf copy;
	struct srvclient *c;
	int r;

	/* Check a copy: tls-crypt decrypts in place, and the session must see
	 * the packet as it came. */
	rv_buf_init(&copy, s->scratch, sizeof(s->scratch), 0);
	if (rv_buf_put(&copy, rv_buf_data(&pkt->buf), rv_buf_len(&pkt->buf)) != 0 ||
	    rv_wrap_open(&s->wrap, &copy, &first, csid, now_sec(s)) != 0 ||
	    rv_ctlpkt_parse_body(&copy, rv_ctlpkt_opcode(first), 0, &h) != 0 || h.nacks == 0)
		return drop(s, old != NULL ? SD_BAD_COOKIE : SD_NO_CLIENT, &pkt->addr, NULL);
	if (!rv_cookie_check(&s->cookie, &pkt->addr, csid, now_sec(s), h.ack_sid))
		return drop(s, SD_BAD_COOKIE, &pkt->addr, NULL);
	if (!rv_rate_allow(&s->connect_rate, now(s)))
		return drop(s, SD_RATE, &pkt->addr, "--connect-freq");
	if (old != NULL)
		kill_client(old, "the client started a new session");
	if (s->nclients >= s->max_clients)
		return drop(s, SD_FULL, &pkt->addr, NULL);
	if ((c = new_client(s, &pkt->addr, h.ack_sid, csid)) == NULL)
		return drop(s, SD_FULL, &pkt->addr, "out of memory or peer-ids");
	if ((r = rv_session_receive(c->session, &pkt->buf)) != 0) {
		rv_peer_drop(&c->peer, RV_DROP_MALFORMED, &pkt->addr, rv_strerror(r));
		kill_client(c, "its first packet was refused");
	}
}

/* --- receiving -------------------------------------------------------------- */

static struct srvclient *
by_addr(struct rv_server *s, const struct rv_sockaddr *a)
{
	uint8_t key[RV_TABLE_KEY_MAX];
	struct rv_tnode *n = rv_table_find(&s->by_addr, key, rv_table_addr_key(a, key));

	return n != NULL ? rv_container_of(n, struct srvclient, by_addr) : NULL;
}

static struct srvclient *
by_vaddr(struct rv_server *s, struct in_addr a)
{
	struct rv_tnode *n = rv_table_find(&s->by_vaddr, &a, sizeof(a));

	return n != NULL ? rv_container_of(n, struct srvclient, by_vaddr) : NULL;
}

static void
control(struct rv_server *s, struct rv_pkt *pkt, uint8_t first)
{
	struct srvclient *c = by_addr(s, &pkt->addr);
	uint8_t f, sid[RV_WIRE_SID_LEN], op = rv_ctlpkt_opcode(first);
	int r;

	if (c != NULL && rv_wrap_peek_head(&pkt->buf, &f, sid) == 0 &&
	    rv_session_matches(c->session, sid)) {
		if ((r = rv_session_receive(c->session, &pkt->buf)) != 0)
			rv_peer_drop(&c->peer, r == RV_ERR_AUTH ? RV_DROP_AUTH : r == RV_ERR_REPLAY ?
			    RV_DROP_REPLAY : RV_DROP_UNKNOWN_SESSION, &pkt->addr, rv_strerror(r));
		else if (!c->dead)
			rv_timers_data_received(&c->peer);
		push_if_due(c);
		return;
	}
	if (op == RV_OP_HARD_RESET_CLIENT_V2 && rv_ctlpkt_key_id(first) == 0)
		return answer_reset(s, pkt);
	if ((op == RV_OP_CONTROL_V1 || op == RV_OP_ACK_V1) && rv_ctlpkt_key_id(first) == 0)
		return check_cookie(s, pkt, c);
	drop(s, SD_NO_CLIENT, &pkt->addr, op == RV_OP_HARD_RESET_CLIENT_V3 ?
	    "tls-crypt-v2 is not supported" : "control packet of no session");
}

static bool
is_ipv4(const struct rv_buf *b)
{
	uint8_t v;

	return rv_buf_peek_u8(b, 0, &v) == 0 && (v >> 4) == 4 && rv_buf_len(b) >= 20;
}

/* The inner IPv4 source (src) or destination address of a device packet. */
static bool
inner_addr(const struct rv_buf *b, bool src, struct in_addr *out)
{
	return is_ipv4(b) && rv_buf_peek(b, src ? 12 : 16, out, sizeof(*out)) == 0;
}

/* --client-to-client: seals a copy of the packet for the other client. */
static void
forward(struct rv_server *s, struct srvclient *to, const struct rv_buf *in)
{
	struct rv_pkt *f = &s->fwd.pkts[0];

	rv_pkt_reset(f, FWD_HEADROOM);
	if (rv_buf_put(&f->buf, rv_buf_data(in), rv_buf_len(in)) != 0 ||
	    rv_peer_seal(&to->peer, &f->buf) != 0)
		return;
	to->bytes_out += rv_buf_len(in);
	if (rv_link_send_buf(&s->d->link, &f->buf, &to->peer.remote) != 0)
		rv_peer_drop(&to->peer, RV_DROP_LINK_SEND, &to->peer.remote, NULL);
}

/* A packet from client c for the device (or, with --client-to-client, for
 * another client). */
static enum rv_rx
route_in(struct rv_server *s, struct srvclient *c, struct rv_pkt *pkt)
{
	struct in_addr src, dst;
	struct srvclient *to;

	if (!is_ipv4(&pkt->buf)) {
		s->not_ipv4++;
		return RV_RX_CONSUMED;
	}
	if (!inner_addr(&pkt->buf, true, &src) || !c->has_vaddr ||
	    src.s_addr != c->vaddr.s_addr) {
		drop(s, SD_SOURCE, &pkt->addr, "not the client's virtual address");
		return RV_RX_DROP;
	}
	if (s->o->srv.client_to_client && inner_addr(&pkt->buf, false, &dst) &&
	    (to = by_vaddr(s, dst)) != NULL && to != c) {
		forward(s, to, &pkt->buf);
		return RV_RX_CONSUMED;
	}
	return RV_RX_DELIVER;
}

enum rv_rx
rv_server_receive(struct rv_server *s, struct rv_pkt *pkt)
{
	struct srvclient *c = NULL;
	uint8_t first, op;
	uint32_t hdr;
	enum rv_rx rx;

	if (pkt->truncated || rv_buf_peek_u8(&pkt->buf, 0, &first) != 0) {
		drop(s, SD_NO_CLIENT, &pkt->addr, "empty or oversize datagram");
		return RV_RX_DROP;
	}
	op = rv_ctlpkt_opcode(first);
	if (op != RV_OP_DATA_V1 && op != RV_OP_DATA_V2) {
		control(s, pkt, first);
		return RV_RX_CONSUMED;
	}
	/* P_DATA_V2 names its client by peer-id (wire facts 11). */
	if (op == RV_OP_DATA_V2 && rv_buf_peek(&pkt->buf, 0, &hdr, sizeof(hdr)) == 0) {
		uint32_t id = ntohl(hdr) & NO_PEER_ID;

		if (id != NO_PEER_ID && id < s->max_clients)
			c = s->by_id[id];
	}
	if (c == NULL)
		c = by_addr(s, &pkt->addr);
	if (c == NULL || c->dead) {
		drop(s, SD_NO_CLIENT, &pkt->addr, "data packet of no client");
		return RV_RX_DROP;
	}
	rx = rv_peer_receive(&c->peer, pkt);
	return rx == RV_RX_DELIVER ? route_in(s, c, pkt) : rx;
}

int
rv_server_seal(struct rv_server *s, struct rv_pkt *pkt)
{
	struct in_addr dst;
	struct srvclient *c;
	size_t len = rv_buf_len(&pkt->buf);
	int r;

	if (!is_ipv4(&pkt->buf)) {
		s->not_ipv4++;
		return RV_ERR_NOTFOUND;
	}
	if (!inner_addr(&pkt->buf, false, &dst) || (c = by_vaddr(s, dst)) == NULL) {
		drop(s, SD_NO_ROUTE, NULL, "device packet for no client");
		return RV_ERR_NOTFOUND;
	}
	if ((r = rv_peer_seal(&c->peer, &pkt->buf)) != 0)
		return r;
	c->bytes_out += len;
	pkt->addr = c->peer.remote;
	return 0;
}

/* --- setup ------------------------------------------------------------------ */

static void
session_config(struct rv_server *s)
{
	const struct rv_options *o = s->o;
	struct rv_session_config *c = &s->cfg;

	c->tls_server = true;
	c->tls_ctx = s->tls;
	c->wrap_mode = o->tls_wrap;
	c->wrap_key = &o->tls_wrap_key;
	c->wrap_dir = o->tls_wrap_dir;
	c->auth = o->auth;
	c->replay_window = (uint32_t)o->replay_window;
	c->replay_time = (uint32_t)o->replay_time;
	c->tls_timeout = o->tls_timeout;
	c->hand_window = o->hand_window;
	c->tran_window = o->tran_window;
	c->reneg_sec = o->reneg_sec;
	c->reneg_sec_min = o->reneg_sec_min;
	c->reneg_bytes = o->reneg_bytes;
	c->reneg_pkts = o->reneg_pkts;
	c->outer_overhead = s->d->link.family == AF_INET6 ? RV_WIRE_UDP6_OVERHEAD :
	    RV_WIRE_UDP4_OVERHEAD;
}

/* The stateless wrap: verifies resets and cookies of any client (no
 * replay window: it is shared), seals our answers. */
static int
stateless_wrap(struct rv_server *s)
{
	const struct rv_options *o = s->o;
	int r;

	switch (o->tls_wrap) {
	case RV_WRAP_AUTH:
		r = rv_wrap_init_auth(&s->wrap, o->auth, &o->tls_wrap_key, o->tls_wrap_dir, 0, 0);
		break;
	case RV_WRAP_CRYPT:
		r = rv_wrap_init_crypt(&s->wrap, &o->tls_wrap_key, true, 0, 0);
		break;
	default:
		rv_wrap_init_none(&s->wrap);
		return 0;
	}
	if (r != 0)
		return r;
	rv_replay_clear(&s->wrap.replay);
	return rv_replay_init(&s->wrap.replay, 0, 0, true);
}

static void
on_persist(void *arg)
{
	struct rv_server *s = arg;

	if (rv_pool_save(&s->pool, s->o->srv.pool_persist) != 0)
		rv_log(RV_LOG_WARN, "cannot write --ifconfig-pool-persist %s",
		    s->o->srv.pool_persist);
	if (s->o->srv.pool_persist_secs > 0)
		rv_timer_arm(s->d->ev, &s->persist_timer,
		    now(s) + rv_sec((uint64_t)s->o->srv.pool_persist_secs));
}

static int
setup_pool(struct rv_server *s)
{
	const struct rv_options *o = s->o;
	char lo[INET_ADDRSTRLEN], hi[INET_ADDRSTRLEN];

	s->subnet = o->topology == RV_TOPO_SUBNET || o->dev_type == RV_DEV_TAP;
	if (!o->srv.has_pool)
		return 0;
	if (rv_pool_init(&s->pool, o->srv.pool_lo, o->srv.pool_hi,
	    !s->subnet && o->topology == RV_TOPO_NET30) != 0) {
		rv_log(RV_LOG_ERR, "cannot set up the address pool");
		return RV_ERR_RANGE;
	}
	s->has_pool = true;
	rv_log(RV_LOG_INFO, "IFCONFIG POOL IPv4: base=%s size=%zu",
	    inet_ntop(AF_INET, &o->srv.pool_lo, lo, sizeof(lo)), s->pool.n);
	(void)hi;
	if (o->srv.pool_persist != NULL) {
		if (rv_pool_load(&s->pool, o->srv.pool_persist) != 0)
			rv_log(RV_LOG_WARN, "cannot read --ifconfig-pool-persist %s",
			    o->srv.pool_persist);
		rv_timer_init(&s->persist_timer, on_persist, s);
		if (o->srv.pool_persist_secs > 0)
			rv_timer_arm(s->d->ev, &s->persist_timer,
			    now(s) + rv_sec((uint64_t)o->srv.pool_persist_secs));
	}
	return 0;
}

static int
setup(struct rv_server *s)
{
	const struct rv_options *o = s->o;
	struct rv_tls_config tc;
	char err[RV_TLS_ERRLEN];
	size_t expect = (size_t)s->max_clients;
	int r;

	rv_client_tls_config(o, &tc);
	tc.verify_client_cert_optional = o->srv.verify_client_cert == RV_VCC_OPTIONAL;
	tc.verify_client_cert_none = o->srv.verify_client_cert == RV_VCC_NONE;
	if ((r = rv_tls_ctx_new(&s->tls, &tc, err)) != 0) {
		rv_log(RV_LOG_ERR, "%s", err);
		return r;
	}
	session_config(s);
	if ((r = stateless_wrap(s)) != 0 || (r = rv_cookie_init(&s->cookie, o->hand_window)) != 0 ||
	    (r = rv_table_init(&s->by_addr, expect)) != 0 ||
	    (r = rv_table_init(&s->by_sid, expect)) != 0 ||
	    (r = rv_table_init(&s->by_vaddr, expect)) != 0 ||
	    (r = rv_pktpool_init(&s->fwd, 1, SCRATCH + FWD_HEADROOM)) != 0)
		return r;
	if ((s->by_id = calloc(s->max_clients, sizeof(*s->by_id))) == NULL)
		return RV_ERR_NOMEM;
	return setup_pool(s);
}

int
rv_server_new(struct rv_server **out, struct rv_daemon *d)
{
	struct rv_server *s = calloc(1, sizeof(*s));
	int r;

	if (s == NULL)
		return RV_ERR_NOMEM;
	s->d = d;
	s->o = d->o;
	s->max_clients = (uint32_t)d->o->srv.max_clients;
	rv_timer_init(&s->reap_timer, reap, s);
	rv_rate_init(&s->reset_rate, RESET_RATE_N, rv_sec(RESET_RATE_SECS));
	rv_rate_init(&s->connect_rate, (unsigned)d->o->srv.connect_freq_n,
	    rv_sec((uint64_t)d->o->srv.connect_freq_sec));
	rv_ncp_options_string(s->o, NULL, s->occ_local, s->occ_remote);
	if ((r = setup(s)) != 0) {
		rv_log(RV_LOG_ERR, "cannot set up the server: %s", rv_strerror(r));
		rv_server_free(s);
		return r;
	}
	rv_log(RV_LOG_NOTICE, "Local Options String: '%s'", s->occ_local);
	rv_log(RV_LOG_INFO, "MULTI: multi_init called, max clients %u, UDP", s->max_clients);
	*out = s;
	return 0;
}

void
rv_server_free(struct rv_server *s)
{
	if (s == NULL)
		return;
	while (s->clients != NULL)
		kill_client(s->clients, "the server is stopping");
	reap(s);
	rv_timer_disarm(s->d->ev, &s->reap_timer);
	if (s->has_pool && s->o->srv.pool_persist != NULL) {
		rv_timer_disarm(s->d->ev, &s->persist_timer);
		rv_pool_save(&s->pool, s->o->srv.pool_persist);
	}
	rv_pool_clear(&s->pool);
	free(s->by_id);
	rv_table_clear(&s->by_addr);
	rv_table_clear(&s->by_sid);
	rv_table_clear(&s->by_vaddr);
	rv_pktpool_clear(&s->fwd);
	rv_cookie_clear(&s->cookie);
	rv_wrap_clear(&s->wrap);
	rv_tls_ctx_free(s->tls);
	free(s);
}

/* --- exit, statistics, status ------------------------------------------------ */

unsigned
rv_server_exit_notify(struct rv_server *s)
{
	unsigned n = 0;

	for (struct srvclient *c = s->clients; c != NULL; c = c->next)
		if (rv_session_send_text(c->session, "RESTART") == 0)
			n++;
	rv_log(RV_LOG_INFO, "told %u client%s to reconnect (RESTART)", n, n == 1 ? "" : "s");
	return n;
}

void
rv_server_print_stats(const struct rv_server *s)
{
	uint64_t drops[RV_DROP__MAX];

	memcpy(drops, s->gone_drops, sizeof(drops));
	for (const struct srvclient *c = s->clients; c != NULL; c = c->next)
		for (int i = 0; i < RV_DROP__MAX; i++)
			drops[i] += c->peer.drops[i];
	rv_log(RV_LOG_INFO, "clients connected,%u", s->nclients);
	rv_log(RV_LOG_INFO, "clients admitted,%llu", (unsigned long long)s->admitted);
	rv_log(RV_LOG_INFO, "pool addresses in use,%zu", s->has_pool ? rv_pool_used(&s->pool) : 0);
	rv_log(RV_LOG_INFO, "resets answered,%llu", (unsigned long long)s->resets_answered);
	rv_log(RV_LOG_INFO, "not IPv4 (ignored),%llu", (unsigned long long)s->not_ipv4);
	for (int i = 0; i < RV_DROP__MAX; i++)
		rv_log(RV_LOG_INFO, "dropped %s,%llu", rv_peer_drop_name((enum rv_drop)i),
		    (unsigned long long)drops[i]);
	for (int i = 0; i < SD__MAX; i++)
		rv_log(RV_LOG_INFO, "dropped %s,%llu", srv_drop_names[i],
		    (unsigned long long)s->drops[i]);
}

static void
info(const struct srvclient *c, struct rv_server_client_info *ci)
{
	memset(ci, 0, sizeof(*ci));
	snprintf(ci->common_name, sizeof(ci->common_name), "%s", c->cn[0] ? c->cn : "UNDEF");
	snprintf(ci->username, sizeof(ci->username), "%s", c->username);
	ci->real = c->peer.remote;
	ci->has_vaddr = c->has_vaddr;
	ci->vaddr = c->vaddr;
	ci->bytes_in = c->peer.auth_rx_bytes;
	ci->bytes_out = c->bytes_out;
	ci->connected_since = c->since;
	ci->peer_id = c->peer_id;
	snprintf(ci->cipher, sizeof(ci->cipher), "%s", c->negotiated ? c->ncp.cipher : "");
	ci->established = c->negotiated;
}

void
rv_server_foreach_client(struct rv_server *s, rv_server_client_fn *fn, void *arg)
{
	struct rv_server_client_info ci;

	for (const struct srvclient *c = s->clients; c != NULL; c = c->next) {
		info(c, &ci);
		fn(arg, &ci);
	}
}

unsigned
rv_server_kill(struct rv_server *s, const char *name, const struct rv_sockaddr *addr,
    bool restart)
{
	unsigned n = 0;

	for (struct srvclient *c = s->clients, *next; c != NULL; c = next) {
		next = c->next;
		if (addr != NULL ? !rv_addr_equal(&c->peer.remote, addr) :
		    name == NULL || strcmp(c->cn, name) != 0)
			continue;
		if (restart)
			rv_session_send_text(c->session, "RESTART");
		kill_client(c, "killed by the operator");
		n++;
	}
	return n;
}

unsigned
rv_server_clients(const struct rv_server *s)
{
	return s->nclients;
}
