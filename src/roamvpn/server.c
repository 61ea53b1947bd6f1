/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * server: many clients over one UDP socket (wire facts 3.1, 3.2, 8, 11;
 * openvpn's mudp.c and multi.c do these jobs), or over TCP connections
 * (srvtcp.c, the transport seam). The stateless admission, the lookup
 * tables by address, peer-id and session id, receiving, removal and the
 * statistics; routing by tunnel address is srvroute.c's; see server.h.
 */
#include "server.h"
#include "server_int.h"

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
	SCRATCH = RV_SRV_SCRATCH,
	NO_PEER_ID = 0xFFFFFF,
};

#define SRV_DROP_NAME_(id, name) [SD_##id] = name,
static const char *const srv_drop_names[SD__MAX] = { SRV_DROPS(SRV_DROP_NAME_) };
#undef SRV_DROP_NAME_

static uint64_t now(const struct rv_server *s) { return rv_srv_now(s); }

uint64_t
rv_srv_now(const struct rv_server *s)
{
	return rv_event_now(s->d->ev);
}

static uint64_t
now_sec(const struct rv_server *s)
{
	return now(s) / RV_NSEC_PER_SEC;
}

void
rv_srv_drop(struct rv_server *s, enum rv_srv_drop why, const struct rv_sockaddr *from, const char *detail)
{
	char a[RV_ADDRSTRLEN];

	s->drops[why]++;
	/* Formatted only if it is logged: a flood drops per packet. */
	if (!rv_log_rl_allow(&s->rl, RV_LOG_DROP))
		return;
	rv_log(RV_LOG_DROP, "dropped packet%s%s: %s%s%s",
	    from != NULL ? " from " : "", from != NULL ? rv_addr_fmt(from, a) : "",
	    srv_drop_names[why], detail != NULL ? ": " : "", detail != NULL ? detail : "");
}

const char *
rv_srv_who(const struct rv_srvclient *c, char buf[static RV_SRV_WHO_MAX])
{
	char a[RV_ADDRSTRLEN];

	snprintf(buf, RV_SERVER_NAME_MAX + RV_ADDRSTRLEN, "%s/%s", c->cn[0] ? c->cn : "UNDEF",
	    rv_addr_fmt(&c->peer.remote, a));
	return buf;
}

/* --- removing clients ----------------------------------------------------- */

/* Adds a client's mobility counters to r. */
static void
add_roam(struct rv_status_roam *r, const struct rv_peer *p)
{
	r->moves += p->pv.moves;
	r->validated += p->pv.validated;
	r->failed += p->pv.failed;
	r->refused += p->roam_refused;
	r->probes += p->roam_probes_rx;
	r->limited += p->pv.limited;
}

/* Adds a client's compression counters, in openvpn's order (pre- and
 * post-compress, pre- and post-decompress bytes), to sum. */
static void
comp_add(uint64_t sum[4], const struct rv_comp *c)
{
	sum[0] += c->pre_compress;
	sum[1] += c->post_compress;
	sum[2] += c->pre_decompress;
	sum[3] += c->post_decompress;
}

static void
reap(void *arg)
{
	struct rv_server *s = arg;

	while (s->dead != NULL) {
		struct rv_srvclient *c = s->dead;

		s->dead = c->next;
		rv_timer_disarm(s->d->ev, &c->linger);
		rv_session_free(c->session);
		for (int i = 0; i < RV_DROP__MAX; i++)
			s->gone_drops[i] += c->peer.drops[i];
		add_roam(&s->roam_gone, &c->peer);
		comp_add(s->gone_comp, &c->peer.comp);
		rv_peer_clear(&c->peer);
		rv_ccd_clear(&c->ccd);
		rv_srvtcp_free(c);
		free(c->iroute_nodes);
		free(c);
	}
}

static void
unlink_client(struct rv_server *s, struct rv_srvclient *c)
{
	rv_table_remove(&s->by_addr, &c->by_addr);
	rv_table_remove(&s->by_sid, &c->by_sid);
	rv_srv_unlearn(s, c);
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

void
rv_srv_kill(struct rv_srvclient *c, const char *why)
{
	struct rv_server *s = c->srv;
	char w[RV_SRV_WHO_MAX];

	if (c->dead)
		return;
	c->dead = true;
	if (c->closing)
		rv_log(RV_LOG_NOTICE, "%s forgotten (%s)", rv_srv_who(c, w), why);
	else
		rv_log(RV_LOG_INFO, "%s client removed: %s", rv_srv_who(c, w), why);
	unlink_client(s, c);
	rv_srvtcp_close(c);
	rv_srvclient_disconnected(c);
	if (c->has_pool)
		rv_pool_release(&s->pool, c->pool_idx);
	c->has_pool = false;
	c->has_vaddr = c->has_vaddr6 = false;
	c->negotiated = false;
	rv_timers_stop(&c->peer);
	c->next = s->dead;
	c->prev = NULL;
	s->dead = c;
	rv_timer_arm(s->d->ev, &s->reap_timer, now(s));
}

enum { EXIT_LINGER = 5 };   /* seconds a client that said EXIT is kept */

void
rv_srv_close(struct rv_srvclient *c, const char *why)
{
	struct rv_server *s = c->srv;
	char w[RV_SRV_WHO_MAX];

	if (c->dead || c->closing)
		return;
	c->closing = true;
	rv_log(RV_LOG_INFO, "%s client removed: %s", rv_srv_who(c, w), why);
	rv_srv_unlearn(s, c);
	if (c->has_pool)
		rv_pool_release(&s->pool, c->pool_idx);
	c->has_pool = c->has_vaddr = c->has_vaddr6 = c->negotiated = false;
	rv_timers_stop(&c->peer);
	rv_srvclient_disconnected(c);
	c->linger_why = "exit linger over";
	rv_timer_arm(s->d->ev, &c->linger, now(s) + rv_sec(EXIT_LINGER));
}

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

/* A client whose second packet carried our cookie (UDP), or a new TCP
 * connection: the first state kept for it. */
struct rv_srvclient *
rv_srv_new_client(struct rv_server *s, const struct rv_sockaddr *from, const uint8_t *cookie,
    const uint8_t *csid)
{
	struct rv_srvclient *c = calloc(1, sizeof(*c));
	uint8_t key[RV_TABLE_KEY_MAX];

	if (c == NULL)
		return NULL;
	c->srv = s;
	rv_timer_init(&c->linger, rv_srvclient_linger, c);
	if (free_peer_id(s, &c->peer_id) != 0 || rv_peer_init(&c->peer, s->d, from, 1) != 0 ||
	    (cookie != NULL ? rv_session_new_answered(&c->session, &s->cfg,
	    &rv_srvclient_session_ops, c, s->d->ev, cookie, csid, s->wrap.send_time) :
	    rv_session_new(&c->session, &s->cfg, &rv_srvclient_session_ops, c, s->d->ev)) != 0) {
		if (c->peer.d != NULL)
			rv_peer_clear(&c->peer);
		free(c);
		return NULL;
	}
	c->peer.owner = &rv_srvclient_peer_owner;
	c->peer.float_ok = true;
	c->peer.float_by_peer_id = true;
	c->peer.owner_ctx = c;
	c->since = rv_clock_wall();
	c->cid = s->next_cid++;
	s->by_id[c->peer_id] = c;
	/* A TCP client is found by its connection, not by address or sid. */
	if (cookie != NULL) {
		rv_table_insert(&s->by_addr, &c->by_addr, key, rv_table_addr_key(from, key));
		rv_table_insert(&s->by_sid, &c->by_sid, csid, RV_WIRE_SID_LEN);
	}
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

	/* The wrap first: with tls-auth or tls-crypt, forged resets cannot use
	 * up the answers real clients need. */
	if (rv_wrap_open(&s->wrap, &pkt->buf, &first, csid, now_sec(s)) != 0 ||
	    rv_ctlpkt_parse_body(&pkt->buf, RV_OP_HARD_RESET_CLIENT_V2, 0, &h) != 0 ||
	    !h.has_pid || h.pid != 0 || h.nacks != 0)
		return rv_srv_drop(s, SD_BAD_RESET, &pkt->addr, NULL);
	if (!rv_rate_allow(&s->reset_rate, now(s)))
		return rv_srv_drop(s, SD_RATE, &pkt->addr, "too many resets (100 per 10 s)");
	if (rv_cookie_make(&s->cookie, &pkt->addr, csid, now_sec(s), 0, cookie) != 0)
		return;
	reply.acks[0] = 0;
	memcpy(reply.ack_sid, csid, RV_WIRE_SID_LEN);
	rv_buf_init(&b, s->scratch, sizeof(s->scratch), RV_SRV_HEADROOM);
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
check_cookie(struct rv_server *s, struct rv_pkt *pkt, struct rv_srvclient *old)
{
	uint8_t first, csid[RV_WIRE_SID_LEN];
	struct rv_ctlpkt h;
	struct rv_buf copy;
	struct rv_srvclient *c;
	int r;

	/* Check a copy: tls-crypt decrypts in place, and the session must see
	 * the packet as it came. */
	rv_buf_init(&copy, s->scratch, sizeof(s->scratch), 0);
	if (rv_buf_put(&copy, rv_buf_data(&pkt->buf), rv_buf_len(&pkt->buf)) != 0 ||
	    rv_wrap_open(&s->wrap, &copy, &first, csid, now_sec(s)) != 0 ||
	    rv_ctlpkt_parse_body(&copy, rv_ctlpkt_opcode(first), 0, &h) != 0 || h.nacks == 0)
		return rv_srv_drop(s, old != NULL ? SD_BAD_COOKIE : SD_NO_CLIENT, &pkt->addr, NULL);
	if (!rv_cookie_check(&s->cookie, &pkt->addr, csid, now_sec(s), h.ack_sid))
		return rv_srv_drop(s, SD_BAD_COOKIE, &pkt->addr, NULL);
	if (!rv_rate_allow(&s->connect_rate, now(s)))
		return rv_srv_drop(s, SD_RATE, &pkt->addr, "--connect-freq");
	if (old != NULL)
		rv_srv_kill(old, "the client started a new session");
	if (s->nclients >= s->max_clients)
		return rv_srv_drop(s, SD_FULL, &pkt->addr, NULL);
	if ((c = rv_srv_new_client(s, &pkt->addr, h.ack_sid, csid)) == NULL)
		return rv_srv_drop(s, SD_FULL, &pkt->addr, "out of memory or peer-ids");
	if ((r = rv_session_receive(c->session, &pkt->buf)) != 0) {
		rv_peer_drop(&c->peer, RV_DROP_MALFORMED, &pkt->addr, rv_strerror(r));
		rv_srv_kill(c, "its first packet was refused");
	}
}

/* --- receiving -------------------------------------------------------------- */

static struct rv_srvclient *
by_addr(struct rv_server *s, const struct rv_sockaddr *a)
{
	uint8_t key[RV_TABLE_KEY_MAX];
	struct rv_tnode *n = rv_table_find(&s->by_addr, key, rv_table_addr_key(a, key));

	return n != NULL ? rv_container_of(n, struct rv_srvclient, by_addr) : NULL;
}

/* A control packet of c's session: to the session, drops counted for c. */
static void
session_control(struct rv_srvclient *c, struct rv_pkt *pkt)
{
	int r;

	if ((r = rv_session_receive(c->session, &pkt->buf)) != 0)
		rv_peer_drop(&c->peer, r == RV_ERR_AUTH ? RV_DROP_AUTH : r == RV_ERR_REPLAY ?
		    RV_DROP_REPLAY : RV_DROP_UNKNOWN_SESSION, &pkt->addr, rv_strerror(r));
	else if (!c->dead)
		rv_timers_data_received(&c->peer);
	rv_srvclient_push_if_due(c);
}

static void
control(struct rv_server *s, struct rv_pkt *pkt, uint8_t first)
{
	struct rv_srvclient *c = by_addr(s, &pkt->addr);
	uint8_t f, sid[RV_WIRE_SID_LEN], op = rv_ctlpkt_opcode(first);

	if (rv_wrap_peek_head(&pkt->buf, &f, sid) != 0)
		return rv_srv_drop(s, SD_NO_CLIENT, &pkt->addr, "short control packet");
	if (c != NULL && c->closing && rv_session_matches(c->session, sid)) {
		s->late++;
		return;
	}
	if (c != NULL && rv_session_matches(c->session, sid))
		return session_control(c, pkt);
	/* Control packets never move a client (wire facts 11): a session we
	 * know, from another address, is not answered. */
	if (c == NULL && op != RV_OP_HARD_RESET_CLIENT_V2 &&
	    rv_table_find(&s->by_sid, sid, sizeof(sid)) != NULL)
		return rv_srv_drop(s, SD_NO_CLIENT, &pkt->addr, "control packet of a known session from "
		    "another address");
	if (op == RV_OP_HARD_RESET_CLIENT_V2 && rv_ctlpkt_key_id(first) == 0)
		return answer_reset(s, pkt);
	if ((op == RV_OP_CONTROL_V1 || op == RV_OP_ACK_V1) && rv_ctlpkt_key_id(first) == 0)
		return check_cookie(s, pkt, c);
	rv_srv_drop(s, SD_NO_CLIENT, &pkt->addr, op == RV_OP_HARD_RESET_CLIENT_V3 ?
	    "tls-crypt-v2 is not supported" : "control packet of no session");
}

/* A client is live at its address if it was heard from within two
 * keepalive intervals (at least 10 s). */
static bool
live(const struct rv_server *s, const struct rv_srvclient *c)
{
	uint64_t secs = c->peer.ping > 5 ? 2 * (uint64_t)c->peer.ping : 10;

	return c->peer.timers.last_rx + rv_sec(secs) > now(s);
}

bool
rv_srv_may_move(struct rv_srvclient *c, const struct rv_sockaddr *to)
{
	struct rv_server *s = c->srv;
	struct rv_srvclient *other = by_addr(s, to);
	char w[RV_SRV_WHO_MAX], o[RV_SRV_WHO_MAX];

	if (c->tcp != NULL)
		return rv_srvtcp_may_move(c, to);
	if (other == NULL || other == c || other->dead)
		return true;
	if (!other->closing && live(s, other)) {
		s->moves_refused++;
		rv_log_rl(&s->rl, RV_LOG_WARN, "roam: %s not moved to the address of %s, "
		    "a client heard from lately", rv_srv_who(c, w), rv_srv_who(other, o));
		return false;
	}
	/* The other client went silent there (its NAT mapping is gone and
	 * was given to c): it keeps its session, reachable by peer-id, but no
	 * longer the address. */
	rv_table_remove(&s->by_addr, &other->by_addr);
	return true;
}

void
rv_srv_moved(struct rv_srvclient *c, const struct rv_sockaddr *from)
{
	struct rv_server *s = c->srv;
	uint8_t key[RV_TABLE_KEY_MAX];

	(void)from;
	if (c->tcp != NULL)
		return rv_srvtcp_moved(c);   /* found by its connection, not by address */
	rv_table_remove(&s->by_addr, &c->by_addr);
	if (by_addr(s, &c->peer.remote) == NULL)
		rv_table_insert(&s->by_addr, &c->by_addr, key,
		    rv_table_addr_key(&c->peer.remote, key));
}

enum rv_rx
rv_server_receive(struct rv_server *s, struct rv_pkt *pkt)
{
	struct rv_srvclient *c = NULL;
	uint8_t first, op;
	uint32_t hdr;
	enum rv_rx rx;

	if (pkt->truncated || rv_buf_peek_u8(&pkt->buf, 0, &first) != 0) {
		rv_srv_drop(s, SD_NO_CLIENT, &pkt->addr, "empty or oversize datagram");
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
		rv_srv_drop(s, SD_NO_CLIENT, &pkt->addr, "data packet of no client");
		return RV_RX_DROP;
	}
	if (c->closing) {
		s->late++;
		return RV_RX_CONSUMED;
	}
	rx = rv_peer_receive(&c->peer, pkt);
	return rx == RV_RX_DELIVER ? rv_srv_route_in(s, c, pkt) : rx;
}

/* Control packets of a client known by its TCP connection: its session's
 * (a new session on the same connection is not taken: openvpn's clients
 * reconnect for that). */
static void
client_control(struct rv_srvclient *c, struct rv_pkt *pkt)
{
	uint8_t f, sid[RV_WIRE_SID_LEN];

	if (rv_wrap_peek_head(&pkt->buf, &f, sid) != 0 || !rv_session_matches(c->session, sid)) {
		rv_peer_drop(&c->peer, RV_DROP_UNKNOWN_SESSION, &pkt->addr, NULL);
		return;
	}
	session_control(c, pkt);
}

enum rv_rx
rv_srv_client_receive(struct rv_srvclient *c, struct rv_pkt *pkt)
{
	uint8_t first, op;
	enum rv_rx rx;

	if (c->dead)
		return RV_RX_DROP;
	if (pkt->truncated || rv_buf_peek_u8(&pkt->buf, 0, &first) != 0) {
		rv_peer_drop(&c->peer, RV_DROP_OVERSIZE, &pkt->addr, NULL);
		return RV_RX_DROP;
	}
	if (c->closing) {
		c->srv->late++;
		return RV_RX_CONSUMED;
	}
	op = rv_ctlpkt_opcode(first);
	if (op != RV_OP_DATA_V1 && op != RV_OP_DATA_V2) {
		client_control(c, pkt);
		return RV_RX_CONSUMED;
	}
	rx = rv_peer_receive(&c->peer, pkt);
	return rx == RV_RX_DELIVER && !c->dead ? rv_srv_route_in(c->srv, c, pkt) : rx;
}

/* --- setup ------------------------------------------------------------------ */

static void
session_config(struct rv_server *s)
{
	struct rv_session_config *c = &s->cfg;

	rv_client_session_config(s->o, s->tls, c);
	c->tls_server = true;
	c->outer_overhead = rv_link_overhead(&s->d->link, s->d->link.family);
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

/* The IPv6 side of the pool (--ifconfig-ipv6-pool, --server-ipv6). */
static int
setup_pool6(struct rv_server *s)
{
	const struct rv_options *o = s->o;
	char base[INET6_ADDRSTRLEN];
	size_t n4 = s->pool.n;

	if (rv_pool_init6(&s->pool, &o->srv.pool6_base, o->srv.pool6_bits) != 0) {
		rv_log(RV_LOG_ERR, "cannot set up the IPv6 address pool (at least 2 addresses)");
		return RV_ERR_RANGE;
	}
	rv_log(RV_LOG_INFO, "IFCONFIG POOL IPv6: base=%s size=%zu netbits=%d",
	    inet_ntop(AF_INET6, &s->pool.base6, base, sizeof(base)), s->pool.n,
	    o->srv.pool6_bits);
	if (s->pool.has4 && s->pool.n < n4)
		rv_log(RV_LOG_WARN, "IPv4 pool size is %zu, IPv6 pool size is %zu: the IPv6 pool "
		    "limits the number of clients the pool serves", n4, s->pool.n);
	return 0;
}

static int
setup_pool(struct rv_server *s)
{
	const struct rv_options *o = s->o;
	char lo[INET_ADDRSTRLEN];
	int r;

	s->subnet = o->topology == RV_TOPO_SUBNET || o->dev_type == RV_DEV_TAP;
	if (!o->srv.has_pool && !o->srv.has_pool6)
		return 0;
	if (o->srv.has_pool) {
		if (rv_pool_init(&s->pool, o->srv.pool_lo, o->srv.pool_hi,
		    !s->subnet && o->topology == RV_TOPO_NET30) != 0) {
			rv_log(RV_LOG_ERR, "cannot set up the address pool");
			return RV_ERR_RANGE;
		}
		rv_log(RV_LOG_INFO, "IFCONFIG POOL IPv4: base=%s size=%zu",
		    inet_ntop(AF_INET, &o->srv.pool_lo, lo, sizeof(lo)), s->pool.n);
	}
	s->has_pool = true;
	if (o->srv.has_pool6 && (r = setup_pool6(s)) != 0)
		return r;
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

	if (s->d->carry->tls_ctx != NULL) {
		/* --persist-key: what the first run read (maybe as root). */
		s->tls = s->d->carry->tls_ctx;
	} else {
		rv_client_tls_config(o, &tc);
		tc.verify_client_cert_optional = o->srv.verify_client_cert == RV_VCC_OPTIONAL;
		tc.verify_client_cert_none = o->srv.verify_client_cert == RV_VCC_NONE;
		if ((r = rv_tls_ctx_new(&s->tls, &tc, err)) != 0) {
			rv_log(RV_LOG_ERR, "%s", err);
			return r;
		}
		if (o->persist_key)
			s->d->carry->tls_ctx = s->tls;
	}
	session_config(s);
	if ((r = stateless_wrap(s)) != 0 || (r = rv_cookie_init(&s->cookie, o->hand_window)) != 0 ||
	    (r = rv_table_init(&s->by_addr, expect)) != 0 ||
	    (r = rv_table_init(&s->by_sid, expect)) != 0 ||
	    (r = rv_table_init(&s->by_vaddr, 2 * expect)) != 0 ||
	    (r = rv_table_init(&s->by_iroute, 16)) != 0 ||
	    (r = rv_pktpool_init(&s->fwd, 1, SCRATCH + RV_SRV_HEADROOM)) != 0)
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
	s->tcp = d->link.tcp;
	rv_srvtcp_init(s);
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
	rv_log(RV_LOG_INFO, "MULTI: multi_init called, max clients %u, %s", s->max_clients,
	    s->tcp ? "TCP" : "UDP");
	*out = s;
	return 0;
}

void
rv_server_free(struct rv_server *s)
{
	if (s == NULL)
		return;
	while (s->clients != NULL)
		rv_srv_kill(s->clients, "the server is stopping");
	reap(s);
	rv_timer_disarm(s->d->ev, &s->reap_timer);
	rv_timer_disarm(s->d->ev, &s->tcpall.flush_timer);
	rv_timer_disarm(s->d->ev, &s->tcpall.accept_pause);
	if (s->has_pool && s->o->srv.pool_persist != NULL) {
		rv_timer_disarm(s->d->ev, &s->persist_timer);
		rv_pool_save(&s->pool, s->o->srv.pool_persist);
	}
	rv_pool_clear(&s->pool);
	free(s->by_id);
	rv_table_clear(&s->by_addr);
	rv_table_clear(&s->by_sid);
	rv_table_clear(&s->by_vaddr);
	rv_table_clear(&s->by_iroute);
	rv_pktpool_clear(&s->fwd);
	rv_cookie_clear(&s->cookie);
	rv_wrap_clear(&s->wrap);
	if (s->tls != s->d->carry->tls_ctx)
		rv_tls_ctx_free(s->tls);
	free(s);
}

/* --- exit, statistics, status ------------------------------------------------ */

unsigned
rv_server_exit_notify(struct rv_server *s)
{
	/* --explicit-exit-notify 2: "go to your next server" (wire facts 7.3). */
	const char *msg = s->o->explicit_exit_notify >= 2 ? "RESTART,[N]" : "RESTART";
	unsigned n = 0;

	for (struct rv_srvclient *c = s->clients; c != NULL; c = c->next)
		if (!c->closing && rv_session_send_text(c->session, msg) == 0)
			n++;
	rv_log(RV_LOG_INFO, "told %u client%s to reconnect (%s)", n, n == 1 ? "" : "s", msg);
	return n;
}

void
rv_server_print_stats(const struct rv_server *s)
{
	static const char *const comp_names[4] = { "pre-compress", "post-compress",
		"pre-decompress", "post-decompress" };
	uint64_t drops[RV_DROP__MAX], comp[4];
	struct rv_status_roam roam;

	memcpy(drops, s->gone_drops, sizeof(drops));
	memcpy(comp, s->gone_comp, sizeof(comp));
	for (const struct rv_srvclient *c = s->clients; c != NULL; c = c->next) {
		for (int i = 0; i < RV_DROP__MAX; i++)
			drops[i] += c->peer.drops[i];
		comp_add(comp, &c->peer.comp);
	}
	rv_log(RV_LOG_INFO, "clients connected,%u", s->nclients);
	rv_log(RV_LOG_INFO, "clients admitted,%llu", (unsigned long long)s->admitted);
	rv_log(RV_LOG_INFO, "pool addresses in use,%zu", s->has_pool ? rv_pool_used(&s->pool) : 0);
	rv_log(RV_LOG_INFO, "resets answered,%llu", (unsigned long long)s->resets_answered);
	rv_log(RV_LOG_INFO, "late packets after exit,%llu", (unsigned long long)s->late);
	rv_log(RV_LOG_INFO, "not unicast or link-local (ignored),%llu",
	    (unsigned long long)s->ignored);
	/* Summed over the clients: LZO is per client (its own config or ccd). */
	for (int i = 0; i < 4; i++)
		rv_log(RV_LOG_INFO, "%s bytes,%llu", comp_names[i], (unsigned long long)comp[i]);
	rv_server_roam_stats(s, &roam);
	rv_log(RV_LOG_INFO, "roam moves,%llu", (unsigned long long)roam.moves);
	rv_log(RV_LOG_INFO, "roam moves validated,%llu", (unsigned long long)roam.validated);
	rv_log(RV_LOG_INFO, "roam validations failed,%llu", (unsigned long long)roam.failed);
	rv_log(RV_LOG_INFO, "roam moves refused,%llu", (unsigned long long)roam.refused);
	rv_log(RV_LOG_INFO, "roam probes answered,%llu", (unsigned long long)roam.probes);
	for (int i = 0; i < RV_DROP__MAX; i++)
		rv_log(RV_LOG_INFO, "dropped %s,%llu", rv_peer_drop_name((enum rv_drop)i),
		    (unsigned long long)drops[i]);
	for (int i = 0; i < SD__MAX; i++)
		rv_log(RV_LOG_INFO, "dropped %s,%llu", srv_drop_names[i],
		    (unsigned long long)s->drops[i]);
	if (s->tcp)
		rv_srvtcp_print_stats(s);
}

static void
info(const struct rv_srvclient *c, struct rv_server_client_info *ci)
{
	memset(ci, 0, sizeof(*ci));
	snprintf(ci->common_name, sizeof(ci->common_name), "%s", c->cn[0] ? c->cn : "UNDEF");
	snprintf(ci->username, sizeof(ci->username), "%s", c->username);
	ci->real = c->peer.remote;
	ci->tcp = c->tcp != NULL;
	ci->has_vaddr = c->has_vaddr;
	ci->vaddr = c->vaddr;
	ci->has_vaddr6 = c->has_vaddr6;
	ci->vaddr6 = c->vaddr6;
	if (c->negotiated && c->iroute_nodes != NULL) {
		ci->iroutes = c->ccd.iroutes;
		ci->niroutes = c->ccd.niroutes;
		ci->iroutes6 = c->ccd.iroutes6;
		ci->niroutes6 = c->ccd.niroutes6;
	}
	ci->bytes_in = c->peer.auth_rx_bytes;
	ci->bytes_out = c->bytes_out;
	ci->connected_since = c->since;
	ci->peer_id = c->peer_id;
	ci->cid = c->cid;
	snprintf(ci->cipher, sizeof(ci->cipher), "%s", c->negotiated ? c->ncp.cipher : "");
	ci->established = c->negotiated;
}

void
rv_server_foreach_client(struct rv_server *s, rv_server_client_fn *fn, void *arg)
{
	struct rv_server_client_info ci;

	for (const struct rv_srvclient *c = s->clients; c != NULL; c = c->next) {
		if (c->closing)
			continue;
		info(c, &ci);
		fn(arg, &ci);
	}
}

unsigned
rv_server_kill(struct rv_server *s, const char *name, const struct rv_sockaddr *addr,
    bool restart)
{
	unsigned n = 0;

	for (struct rv_srvclient *c = s->clients, *next; c != NULL; c = next) {
		next = c->next;
		if (addr != NULL ? !rv_addr_equal(&c->peer.remote, addr) :
		    name == NULL || strcmp(c->cn, name) != 0)
			continue;
		if (restart)
			rv_session_send_text(c->session, "RESTART");
		rv_srv_kill(c, "killed by the operator");
		n++;
	}
	return n;
}

bool
rv_server_kill_cid(struct rv_server *s, unsigned long cid, const char *msg)
{
	for (struct rv_srvclient *c = s->clients; c != NULL; c = c->next) {
		if (c->cid != cid || c->closing)
			continue;
		rv_session_send_text(c->session, msg != NULL ? msg : "RESTART");
		rv_srv_kill(c, "killed by the operator (client-kill)");
		return true;
	}
	return false;
}

unsigned
rv_server_clients(const struct rv_server *s)
{
	return s->nclients;
}

void
rv_server_roam_stats(const struct rv_server *s, struct rv_status_roam *out)
{
	uint64_t last = 0;

	*out = s->roam_gone;
	out->refused += s->moves_refused;
	for (const struct rv_srvclient *c = s->clients; c != NULL; c = c->next) {
		add_roam(out, &c->peer);
		if (c->peer.pv.last_at > last) {
			last = c->peer.pv.last_at;
			out->last_delay_us = c->peer.pv.last_delay_ns / 1000;
		}
	}
}
