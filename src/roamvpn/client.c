/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * client: TLS mode for the one peer of a p2p tunnel or a pulling client
 * (wire facts 3.1, 3.3, 8; OpenVPN's ssl.c, push.c and forward.c do the same
 * jobs). Sessions, negotiation, the pull and the control messages; see
 * client.h.
 */
#include "client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "control.h"
#include "ctlpkt.h"
#include "daemon_mgmt.h"
#include "err.h"
#include "log.h"
#include "ncp.h"
#include "peer.h"
#include "ping.h"
#include "push.h"
#include "wire.h"
#include "wrap.h"

enum { ROUTES_MAX = RV_PUSH_ROUTES_MAX + 64 };

struct rv_client {
	struct rv_daemon *d;
	struct rv_peer *p;
	const struct rv_options *o;
	struct rv_tls_ctx *tls;
	struct rv_session_config cfg;
	struct rv_session *session;         /* current */
	struct rv_sockaddr addr;            /* its peer's address */
	struct rv_session *fresh;           /* p2p: a restarted peer's new session */
	struct rv_sockaddr fresh_addr;
	struct rv_ncp ncp;
	bool negotiated;                    /* ncp is valid */
	bool occ_checked;
	bool authing;                       /* AUTH reported to the management interface */
	bool getting_config;                /* GET_CONFIG reported */
	char occ_local[RV_WIRE_OCC_STRING_MAX];
	char occ_remote[RV_WIRE_OCC_STRING_MAX];
	char server_options[RV_WIRE_KM2_OPTIONS_MAX];
	char peer_info[1024];
	/* pull */
	struct rv_push push;
	bool pushed;
	struct rv_timer push_timer;
	uint64_t push_deadline;
	struct rv_timer poll_timer;
	struct rv_netroute routes[ROUTES_MAX];
	struct rv_netroute6 routes6[ROUTES_MAX];
};

static uint64_t
now(const struct rv_client *c)
{
	return rv_event_now(c->d->ev);
}

/* --- TLS configuration --------------------------------------------------------- */

static struct rv_tls_src
src(const struct rv_keysrc *ks)
{
	struct rv_tls_src s = { ks->path, ks->text };

	return s;
}

void
rv_client_tls_config(const struct rv_options *o, struct rv_tls_config *t)
{
	bool dh_none = o->dh.path != NULL && strcmp(o->dh.path, "none") == 0;

	memset(t, 0, sizeof(*t));
	t->server = o->tls_server;
	t->ca = src(&o->ca);
	t->cert = src(&o->cert);
	t->key = src(&o->priv_key);
	t->pkcs12 = src(&o->pkcs12);
	t->dh = dh_none ? (struct rv_tls_src){ NULL, NULL } : src(&o->dh);
	t->dh_none = dh_none;
	t->crl = src(&o->crl_verify);
	t->extra_certs = src(&o->extra_certs);
	t->key_password = o->key_password;
	t->pkcs12_password = o->key_password;
	t->version_min = o->tls_version_min;
	t->version_min_or_highest = o->tls_version_min_or_highest;
	t->version_max = o->tls_version_max;
	t->cipher_list = o->tls_cipher;
	t->ciphersuites = o->tls_ciphersuites;
	t->groups = o->tls_groups;
	t->remote_cert_tls = (enum rv_tls_remote_cert)o->remote_cert_tls;
	t->verify_x509_name = o->verify_x509_name;
	t->verify_x509_type = (enum rv_tls_x509_type)o->verify_x509_type;
}

void
rv_client_session_config(const struct rv_options *o, struct rv_tls_ctx *tls,
    struct rv_session_config *s)
{
	s->tls_server = o->tls_server;
	s->tls_ctx = tls;
	s->wrap_mode = o->tls_wrap;
	s->wrap_key = &o->tls_wrap_key;
	s->wrap_dir = o->tls_wrap_dir;
	s->auth = o->auth;
	s->replay_window = (uint32_t)o->replay_window;
	s->replay_time = (uint32_t)o->replay_time;
	s->tls_timeout = o->tls_timeout;
	s->hand_window = o->hand_window;
	s->tran_window = o->tran_window;
	s->reneg_sec = o->reneg_sec;
	s->reneg_sec_min = o->reneg_sec_min;
	s->reneg_bytes = o->reneg_bytes;
	s->reneg_pkts = o->reneg_pkts;
}

static void
session_config(struct rv_client *c)
{
	rv_client_session_config(c->o, c->tls, &c->cfg);
	c->cfg.outer_overhead = rv_link_overhead(&c->d->link, rv_addr_family(&c->p->remote));
}

/* --- session callbacks ------------------------------------------------------------ */

static void
cb_send(void *owner, struct rv_session *s, const struct rv_buf *pkt)
{
	struct rv_client *c = owner;
	const struct rv_sockaddr *to = s == c->fresh ? &c->fresh_addr : &c->addr;

	if (rv_addr_is_set(to) && rv_link_send_buf(&c->d->link, pkt, to) != 0)
		rv_peer_drop(c->p, RV_DROP_LINK_SEND, to, "control packet");
}

static void
cb_fill_km2(void *owner, struct rv_session *s, struct rv_km2 *km)
{
	struct rv_client *c = owner;

	(void)s;
	snprintf(km->options, sizeof(km->options), "%s", c->occ_local);
	snprintf(km->peer_info, sizeof(km->peer_info), "%s", c->peer_info);
	if (c->o->pull && c->o->auth_user != NULL) {
		snprintf(km->username, sizeof(km->username), "%s", c->o->auth_user);
		snprintf(km->password, sizeof(km->password), "%s", c->o->auth_pass);
	}
}

/* Makes a session the current one once it is authenticated. */
static void
promote(struct rv_client *c, struct rv_session *s)
{
	if (s != c->fresh)
		return;
	if (c->session != NULL)
		rv_log(RV_LOG_INFO, "the peer started a new session; it replaces the old one");
	rv_session_free(c->session);
	c->session = c->fresh;
	c->addr = c->fresh_addr;
	c->fresh = NULL;
}

/* Keys for ks with what was negotiated; the first time also the extras that
 * come with a session: dynamic tls-crypt, the p2p peer-id. */
static int
install(struct rv_client *c, struct rv_session *s, struct rv_keystate *ks)
{
	uint8_t id[3];
	int r;

	if ((r = rv_session_install_keys(s, ks, c->ncp.cipher, c->o->auth, c->ncp.ekm)) != 0)
		return r;
	if (ks->key_id != 0)
		return 0;
	if (c->ncp.dyn_tls_crypt && (r = rv_session_enable_dyn_tls_crypt(s)) != 0)
		return r;
	if (c->ncp.p2p_peer_id_ekm) {
		if ((r = rv_session_export(s, "EXPORTER-OpenVPN-p2p-peerid", id, sizeof(id))) != 0)
			return r;
		c->ncp.peer_id = (uint32_t)id[0] << 16 | (uint32_t)id[1] << 8 | id[2];
	}
	return 0;
}

static void
restart(struct rv_client *c, const char *why)
{
	rv_daemon_signal(c->d, c->o->tls_exit ? RV_SIG_EXIT : RV_SIG_RESTART, why);
}

/* p2p: the first key exchange of a session decides everything. */
static void
p2p_active(struct rv_client *c, struct rv_session *s, struct rv_keystate *ks,
    const struct rv_km2 *remote)
{
	char err[RV_NCP_ERRLEN];
	struct rv_sockaddr at = s == c->fresh ? c->fresh_addr : c->addr;

	if (ks->key_id == 0) {
		if (rv_ncp_p2p(c->o, remote, &c->ncp, err) != 0) {
			rv_log(RV_LOG_ERR, "data channel negotiation failed: %s", err);
			return restart(c, "ncp-failure");
		}
		c->negotiated = true;
	}
	if (install(c, s, ks) != 0)
		return restart(c, "key-failure");
	if (ks->key_id != 0)
		return;
	promote(c, s);
	/* Authenticated by TLS: the peer's address may be set or moved now. */
	rv_peer_set_remote(c->p, &at);
	rv_daemon_up(c->d);
}

static void
on_push_timer(void *arg)
{
	struct rv_client *c = arg;

	if (c->pushed)
		return;
	if (now(c) >= c->push_deadline) {
		rv_log(RV_LOG_ERR, "no reply from the server to push requests in %d s",
		    c->o->hand_window);
		return restart(c, "push-request-timeout");
	}
	/* No reply a second after the keys: openvpn's GET_CONFIG state. */
	if (!c->getting_config) {
		c->getting_config = true;
		rv_daemon_mgmt_state(c->d, RV_MGMT_GET_CONFIG, NULL);
	}
	if (rv_session_send_text(c->session, "PUSH_REQUEST") == 0)
		rv_log(RV_LOG_NOTICE, "SENT CONTROL: PUSH_REQUEST");
	rv_timer_arm(c->d->ev, &c->push_timer, now(c) + rv_sec(RV_WIRE_PUSH_REQUEST_EVERY));
}

static void
cb_active(void *owner, struct rv_session *s, struct rv_keystate *ks,
    const struct rv_km2 *remote)
{
	struct rv_client *c = owner;

	if (!c->occ_checked) {
		c->occ_checked = true;
		rv_occ_warn(c->occ_remote, remote->options);
	}
	if (!c->o->pull)
		return p2p_active(c, s, ks, remote);
	if (ks->key_id != 0) {
		if (c->negotiated && install(c, s, ks) != 0)
			restart(c, "key-failure");
		return;
	}
	/* Key id 0 waits for the push to know the cipher and key derivation. */
	snprintf(c->server_options, sizeof(c->server_options), "%s", remote->options);
	c->push_deadline = now(c) + rv_sec((uint64_t)c->o->hand_window);
	if (!c->pushed)
		rv_timer_arm(c->d->ev, &c->push_timer,
		    now(c) + rv_sec(RV_WIRE_PUSH_REQUEST_FIRST));
}

/* --- the push --------------------------------------------------------------------- */

/* The pushed routes, after the configured ones; gateways as openvpn picks
 * them: the route's own, else route-gateway, else the ifconfig peer. */
static size_t
collect_routes(struct rv_client *c, bool subnet)
{
	const struct rv_options *o = c->o;
	const struct rv_push *p = &c->push;
	struct in_addr gw = p->has_route_gateway ? p->route_gateway : p->ifc_remote;
	bool have_gw = p->has_route_gateway || (p->has_ifconfig && !subnet);
	size_t n = 0;

	for (size_t i = 0; i < o->nroutes && n < ROUTES_MAX; i++, n++) {
		const struct rv_route *rt = &o->routes[i];

		c->routes[n] = (struct rv_netroute){ rt->net, rt->mask, rt->has_gw ? rt->gw : gw,
		    rt->has_gw || have_gw, rt->metric };
	}
	for (size_t i = 0; i < p->nroutes && !o->route_nopull && n < ROUTES_MAX; i++, n++) {
		const struct rv_netroute *rt = &p->routes[i];

		c->routes[n] = (struct rv_netroute){ rt->net, rt->mask, rt->has_gw ? rt->gw : gw,
		    rt->has_gw || have_gw, rt->metric >= 0 ? rt->metric : o->route_metric };
	}
	return n;
}

/* The same for IPv6: on tun a device route; on tap through the route's
 * gateway or the server's address. */
static size_t
collect_routes6(struct rv_client *c)
{
	const struct rv_options *o = c->o;
	const struct rv_push *p = &c->push;
	bool tap = o->dev_type == RV_DEV_TAP;
	size_t n = 0;

	for (size_t i = 0; i < o->nroutes6 && n < ROUTES_MAX; i++)
		c->routes6[n++] = o->routes6[i].r;
	for (size_t i = 0; i < p->nroutes6 && !o->route_nopull && n < ROUTES_MAX; i++, n++) {
		struct rv_netroute6 rt = p->routes6[i];

		if (!tap)
			rt.has_gw = false;
		else if (!rt.has_gw && p->has_ifconfig6)
			rt.gw = p->ifc6_remote, rt.has_gw = true;
		if (rt.metric < 0)
			rt.metric = o->route_metric;
		c->routes6[n] = rt;
	}
	return n;
}

static int
push_tun(struct rv_client *c)
{
	const struct rv_push *p = &c->push;
	enum rv_topology topo = p->has_topology ? p->topology : c->o->topology;
	bool subnet = topo == RV_TOPO_SUBNET || c->o->dev_type == RV_DEV_TAP;
	struct rv_tunconf tc = {
		.mtu = p->tun_mtu > 0 ? p->tun_mtu : c->o->tun_mtu,
		.has_ifconfig = p->has_ifconfig,
		.is_mask = subnet,
		.local = p->ifc_local,
		.remote = p->ifc_remote,
		.routes = c->routes,
		.has_ifconfig6 = p->has_ifconfig6 || c->o->has_ifconfig6,
		.local6 = p->has_ifconfig6 ? p->ifc6_local : c->o->ifc6_local,
		.bits6 = p->has_ifconfig6 ? p->ifc6_bits : c->o->ifc6_bits,
		.routes6 = c->routes6,
	};

	tc.nroutes = collect_routes(c, subnet);
	tc.nroutes6 = collect_routes6(c);
	return rv_daemon_tun_up(c->d, &tc);
}

static void
apply_push(struct rv_client *c)
{
	char err[RV_NCP_ERRLEN];
	struct rv_keystate *ks = rv_session_current(c->session);

	if (rv_ncp_pull(c->o, &c->push, c->server_options, &c->ncp, err) != 0) {
		rv_log(RV_LOG_ERR, "OPTIONS ERROR: %s", err);
		return restart(c, "ncp-failure");
	}
	/* openvpn 2.6: compression the configuration does not allow fails the
	 * push (allow-compression defaults to no). */
	if (c->push.has_comp &&
	    rv_peer_apply_comp(c->p, c->push.comp_alg, c->push.comp_adaptive) != 0) {
		rv_log(RV_LOG_ERR, "OPTIONS ERROR: server pushed compression settings that are "
		    "not allowed (%s; see --allow-compression)",
		    rv_comp_alg_name(c->push.comp_alg));
		return restart(c, "process-push-msg-failed");
	}
	c->negotiated = true;
	if (install(c, c->session, ks) != 0)
		return restart(c, "key-failure");
	rv_peer_apply_keepalive(c->p, c->push.ping, c->push.ping_restart);
	if (c->push.roam && c->o->roam && !c->p->roam_ext) {
		rv_peer_roam_enable(c->p, 0);
		rv_log(RV_LOG_INFO, "roam: the server speaks the mobility extension");
	}
	if (push_tun(c) != 0)
		return restart(c, "tun-failure");
	c->pushed = true;
	rv_timer_disarm(c->d->ev, &c->push_timer);
	rv_daemon_up(c->d);
}

static void
push_reply(struct rv_client *c, const char *arg)
{
	char err[RV_PUSH_ERRLEN];

	if (!c->o->pull || c->pushed)
		return;
	if (rv_push_parse(&c->push, arg, err) != 0) {
		rv_log(RV_LOG_ERR, "OPTIONS ERROR: pushed option %s", err);
		return restart(c, "push-error");
	}
	if (!c->push.more)
		apply_push(c);
}

/* AUTH_FAILED: exit, unless the server says it is temporary or --auth-retry
 * nointeract asks to try again. */
static void
auth_failed(struct rv_client *c, const char *arg)
{
	bool retry = strncmp(arg, "TEMP", 4) == 0 ||
	    (c->o->auth_retry != NULL && strcmp(c->o->auth_retry, "nointeract") == 0);

	rv_log(RV_LOG_ERR, "AUTH: Received control message: AUTH_FAILED%s%s", *arg ? "," : "",
	    arg);
	rv_daemon_signal(c->d, retry ? RV_SIG_RESTART : RV_SIG_EXIT, "auth-failure");
}

/* AUTH_PENDING[,timeout N]: the server needs time; wait as long as it says. */
static void
auth_pending(struct rv_client *c, const char *arg)
{
	int secs = c->o->hand_window;

	if (sscanf(arg, "timeout %d", &secs) != 1 || secs <= 0 || secs > 86400)
		secs = c->o->hand_window;
	c->push_deadline = now(c) + rv_sec((uint64_t)secs);
}

static void
cb_message(void *owner, struct rv_session *s, const char *msg)
{
	struct rv_client *c = owner;
	const char *arg;
	enum rv_ctl_msg t = rv_control_classify(msg, &arg);

	(void)s;
	rv_log(t == RV_CTL_PUSH_REPLY ? RV_LOG_NOTICE : RV_LOG_INFO,
	    "Received control message: '%s'", msg);
	switch (t) {
	case RV_CTL_PUSH_REPLY:
		return push_reply(c, arg);
	case RV_CTL_AUTH_FAILED:
		return auth_failed(c, arg);
	case RV_CTL_AUTH_PENDING:
		return auth_pending(c, arg);
	case RV_CTL_RESTART:
		return rv_daemon_signal(c->d, RV_SIG_RESTART, "server-pushed-connection-reset");
	case RV_CTL_HALT:
		return rv_daemon_signal(c->d, RV_SIG_EXIT, "server-pushed-halt");
	case RV_CTL_EXIT:
		return rv_daemon_signal(c->d, RV_SIG_RESTART, "remote-exit");
	default:
		return;
	}
}

static void
cb_failed(void *owner, struct rv_session *s, const char *why, bool auth)
{
	struct rv_client *c = owner;

	rv_log(RV_LOG_ERR, "TLS Error: %s%s", why, auth ? " (the peer's certificate was refused)" :
	    "");
	if (s == c->fresh) {
		/* A failed attempt of a restarted peer leaves the old session alone. */
		rv_session_free(c->fresh);
		c->fresh = NULL;
		return;
	}
	restart(c, "tls-error");
}

static const struct rv_session_ops ops = {
	.send = cb_send,
	.fill_km2 = cb_fill_km2,
	.active = cb_active,
	.message = cb_message,
	.failed = cb_failed,
};

/* --- control packets ---------------------------------------------------------------- */

static void
on_poll_timer(void *arg)
{
	struct rv_client *c = arg;

	if (c->session != NULL && !rv_session_has_peer(c->session)) {
		rv_log(RV_LOG_WARN, "the server did not answer within %d s "
		    "(--server-poll-timeout)", c->o->server_poll_timeout);
		restart(c, "server-poll-timeout");
	}
}

/* A new session for a peer that restarted (or, without --remote, the first
 * one), started from its hard reset. */
static struct rv_session *
new_fresh(struct rv_client *c, const struct rv_sockaddr *from)
{
	rv_session_free(c->fresh);
	c->fresh = NULL;
	c->fresh_addr = *from;
	if (rv_session_new(&c->fresh, &c->cfg, &ops, c, c->d->ev) != 0)
		return NULL;
	return c->fresh;
}

static enum rv_drop
drop_reason(int r)
{
	switch (r) {
	case RV_ERR_AUTH:
		return RV_DROP_AUTH;
	case RV_ERR_REPLAY:
		return RV_DROP_REPLAY;
	case RV_ERR_NOTFOUND:
		return RV_DROP_UNKNOWN_SESSION;
	default:
		return RV_DROP_MALFORMED;
	}
}

void
rv_client_control(struct rv_client *c, struct rv_pkt *pkt)
{
	uint8_t first, sid[RV_WIRE_SID_LEN], op;
	struct rv_session *s = NULL;
	bool created = false;
	int r;

	if (rv_wrap_peek_head(&pkt->buf, &first, sid) != 0)
		return rv_peer_drop(c->p, RV_DROP_MALFORMED, &pkt->addr, "short control packet");
	op = rv_ctlpkt_opcode(first);
	if (op == RV_OP_HARD_RESET_CLIENT_V3 || op == RV_OP_CONTROL_WKC_V1 ||
	    op == RV_OP_HARD_RESET_CLIENT_V1 || op == RV_OP_HARD_RESET_SERVER_V1)
		return rv_peer_drop(c->p, RV_DROP_UNSUPPORTED, &pkt->addr,
		    "tls-crypt-v2 or key method 1");
	if (c->session != NULL && rv_session_matches(c->session, sid) &&
	    (!rv_addr_is_set(&c->addr) || rv_addr_equal(&c->addr, &pkt->addr)))
		s = c->session;
	else if (c->fresh != NULL && rv_session_matches(c->fresh, sid) &&
	    rv_addr_equal(&c->fresh_addr, &pkt->addr))
		s = c->fresh;
	else if (!c->o->pull && op == (c->o->tls_server ? RV_OP_HARD_RESET_CLIENT_V2 :
	    RV_OP_HARD_RESET_SERVER_V2) && rv_peer_allows(c->p, &pkt->addr) &&
	    (s = new_fresh(c, &pkt->addr)) != NULL)
		created = true;
	if (s == NULL)
		return rv_peer_drop(c->p, RV_DROP_UNKNOWN_SESSION, &pkt->addr, "no such session");
	if ((r = rv_session_receive(s, &pkt->buf)) != 0) {
		/* A packet that fails leaves no new session behind. */
		if (created) {
			rv_session_free(c->fresh);
			c->fresh = NULL;
		}
		return rv_peer_drop(c->p, drop_reason(r), &pkt->addr, rv_strerror(r));
	}
	/* The peer answered: TLS authentication starts (openvpn's AUTH state). */
	if (!c->authing && s == c->session && rv_session_has_peer(s)) {
		c->authing = true;
		rv_daemon_mgmt_state(c->d, RV_MGMT_AUTH, NULL);
	}
}

/* --- public -------------------------------------------------------------------------- */

static struct rv_keystate *
own_recv_key(void *ctx, uint8_t key_id)
{
	return rv_client_recv_key(ctx, key_id);
}

static struct rv_keystate *
own_send_key(void *ctx)
{
	return rv_client_send_key(ctx);
}

static bool
own_data_v2(void *ctx, uint32_t *peer_id)
{
	return rv_client_data_v2(ctx, peer_id);
}

static void
own_renegotiate(void *ctx, const char *why)
{
	rv_client_renegotiate(ctx, why);
}

static void
own_control(void *ctx, struct rv_pkt *pkt)
{
	rv_client_control(ctx, pkt);
}

/* The data path reaches the sessions through the peer's owner. */
static const struct rv_peer_owner peer_owner = {
	.recv_key = own_recv_key,
	.send_key = own_send_key,
	.data_v2 = own_data_v2,
	.renegotiate = own_renegotiate,
	.control = own_control,
};

int
rv_client_new(struct rv_client **out, struct rv_daemon *d)
{
	struct rv_client *c = calloc(1, sizeof(*c));
	struct rv_tls_config tc;
	char err[RV_TLS_ERRLEN];
	int r;

	if (c == NULL)
		return RV_ERR_NOMEM;
	c->d = d;
	c->p = &d->peer;
	c->o = d->o;
	if (d->carry->tls_ctx != NULL) {
		/* --persist-key: what the first run read (maybe as root). */
		c->tls = d->carry->tls_ctx;
	} else {
		rv_client_tls_config(c->o, &tc);
		if ((r = rv_tls_ctx_new(&c->tls, &tc, err)) != 0) {
			rv_log(RV_LOG_ERR, "%s", err);
			free(c);
			return r;
		}
		if (c->o->persist_key)
			d->carry->tls_ctx = c->tls;
	}
	session_config(c);
	rv_ncp_options_string(c->o, NULL, c->occ_local, c->occ_remote);
	rv_ncp_peer_info(c->o, c->peer_info, sizeof(c->peer_info));
	rv_push_init(&c->push);
	rv_timer_init(&c->push_timer, on_push_timer, c);
	rv_timer_init(&c->poll_timer, on_poll_timer, c);
	c->addr = c->p->remote;
	c->p->owner = &peer_owner;
	c->p->owner_ctx = c;
	*out = c;
	return 0;
}

void
rv_client_free(struct rv_client *c)
{
	if (c == NULL)
		return;
	rv_timer_disarm(c->d->ev, &c->push_timer);
	rv_timer_disarm(c->d->ev, &c->poll_timer);
	rv_session_free(c->session);
	rv_session_free(c->fresh);
	if (c->tls != c->d->carry->tls_ctx)
		rv_tls_ctx_free(c->tls);
	free(c);
}

int
rv_client_start(struct rv_client *c)
{
	int r;

	rv_log(RV_LOG_NOTICE, "Local Options String: '%s'", c->occ_local);
	if (!rv_addr_is_set(&c->addr))
		return 0;
	if ((r = rv_session_new(&c->session, &c->cfg, &ops, c, c->d->ev)) != 0 ||
	    (r = rv_session_start(c->session)) != 0) {
		rv_log(RV_LOG_ERR, "cannot start the TLS session: %s", rv_strerror(r));
		return r;
	}
	if (c->o->pull)
		rv_timer_arm(c->d->ev, &c->poll_timer,
		    now(c) + rv_sec((uint64_t)c->o->server_poll_timeout));
	return 0;
}

struct rv_keystate *
rv_client_recv_key(struct rv_client *c, uint8_t key_id)
{
	return c->session != NULL ? rv_session_recv_key(c->session, key_id) : NULL;
}

struct rv_keystate *
rv_client_send_key(struct rv_client *c)
{
	return c->session != NULL && c->negotiated ? rv_session_send_key(c->session) : NULL;
}

bool
rv_client_data_v2(const struct rv_client *c, uint32_t *peer_id)
{
	*peer_id = c->ncp.peer_id;
	return c->ncp.data_v2;
}

bool
rv_client_send_exit(struct rv_client *c)
{
	if (!c->ncp.cc_exit || c->session == NULL ||
	    rv_session_send_text(c->session, "EXIT") != 0)
		return false;
	rv_log(RV_LOG_INFO, "SENT CONTROL: EXIT");
	return true;
}

void
rv_client_renegotiate(struct rv_client *c, const char *why)
{
	if (c->session != NULL)
		rv_session_renegotiate(c->session, why);
}
