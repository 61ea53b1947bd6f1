/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * srvclient: one client of the server (wire facts 4, 8; openvpn's multi.c
 * and ssl_verify.c do these jobs there): its sessions' callbacks, the data
 * path's view of its keys, who it is (certificate, username, scripts), what
 * it gets (negotiation, address, per-client options) and its PUSH_REPLY.
 */
#include "server_int.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "control.h"
#include "daemon.h"
#include "err.h"
#include "log.h"
#include "script.h"
#include "srvpush.h"
#include "tls.h"

enum {
	PUSH_DEDUP_SECS = 30,           /* answer PUSH_REQUEST at most so often */
	AUTH_FAILED_LINGER = 2,         /* seconds to let AUTH_FAILED reach the client */
};

static uint64_t
now(const struct rv_server *s)
{
	return rv_srv_now(s);
}

void
rv_srvclient_linger(void *arg)
{
	struct rv_srvclient *c = arg;

	rv_srv_kill(c, c->linger_why != NULL ? c->linger_why : "authentication failed");
}

/* --- the data path's view of a client (struct rv_peer_owner) -------------- */

static struct rv_keystate *
own_recv_key(void *ctx, uint8_t key_id)
{
	struct rv_srvclient *c = ctx;

	return rv_session_recv_key(c->session, key_id);
}

static struct rv_keystate *
own_send_key(void *ctx)
{
	struct rv_srvclient *c = ctx;

	return c->negotiated ? rv_session_send_key(c->session) : NULL;
}

static bool
own_data_v2(void *ctx, uint32_t *peer_id)
{
	struct rv_srvclient *c = ctx;

	*peer_id = c->peer_id;
	return c->ncp.data_v2;
}

static void
own_renegotiate(void *ctx, const char *why)
{
	struct rv_srvclient *c = ctx;

	rv_session_renegotiate(c->session, why);
}

static void
own_control(void *ctx, struct rv_pkt *pkt)
{
	struct rv_srvclient *c = ctx;

	/* The server hands control packets to sessions itself; this only
	 * happens for a packet the dispatcher routed as data. */
	rv_peer_drop(&c->peer, RV_DROP_MALFORMED, &pkt->addr, "control packet on the data path");
}

/* Keepalives and OCC messages: on the client's transport, like control. */
static int
own_send(void *ctx, const struct rv_buf *b)
{
	return rv_srv_send(ctx, b, true);
}

static void
own_expired(void *ctx, const char *why)
{
	/* OCC_EXIT is an exit notification too; ping-restart is silence. */
	if (strcmp(why, "remote-exit") == 0)
		rv_srv_close(ctx, "the client exited (OCC_EXIT)");
	else
		rv_srv_kill(ctx, why);
}

static bool
own_may_move(void *ctx, const struct rv_sockaddr *to)
{
	return rv_srv_may_move(ctx, to);
}

static void
own_moved(void *ctx, const struct rv_sockaddr *from)
{
	rv_srv_moved(ctx, from);
}

const struct rv_peer_owner rv_srvclient_peer_owner = {
	.recv_key = own_recv_key,
	.send_key = own_send_key,
	.data_v2 = own_data_v2,
	.renegotiate = own_renegotiate,
	.control = own_control,
	.expired = own_expired,
	.may_move = own_may_move,
	.moved = own_moved,
	.send = own_send,
};

/* --- session callbacks ------------------------------------------------------ */

static void
cb_send(void *owner, struct rv_session *ss, const struct rv_buf *pkt)
{
	struct rv_srvclient *c = owner;

	(void)ss;
	rv_srv_send(c, pkt, true);
}

static void
cb_fill_km2(void *owner, struct rv_session *ss, struct rv_km2 *km)
{
	struct rv_srvclient *c = owner;

	(void)ss;
	/* A server sends its options string and nothing else (wire facts 4.1). */
	snprintf(km->options, sizeof(km->options), "%s", c->srv->occ_local);
}

static void
send_push(struct rv_srvclient *c)
{
	struct rv_server *s = c->srv;
	char msgs[RV_SRVPUSH_MSGS_MAX][RV_SRVPUSH_MSG_MAX];
	struct rv_srvpush in = {
		.o = s->o, .peer_info = c->peer_info, .ncp = &c->ncp,
		.has_ifconfig = c->has_vaddr, .local = c->vaddr, .remote = c->vpeer,
		.has_ifconfig6 = c->has_vaddr6, .local6 = c->vaddr6, .remote6 = c->vpeer6,
		.bits6 = c->vbits6,
		.extra = c->ccd.push, .nextra = c->ccd.npush, .push_reset = c->ccd.push_reset,
	};
	size_t n;

	if (c->last_push != 0 && now(s) - c->last_push < rv_sec(PUSH_DEDUP_SECS))
		return;
	if ((n = rv_srvpush_build(&in, msgs, RV_SRVPUSH_MSGS_MAX)) == 0) {
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
auth_failed(struct rv_srvclient *c, const char *why)
{
	char w[RV_SRV_WHO_MAX];

	rv_log(RV_LOG_WARN, "%s TLS Auth Error: %s", rv_srv_who(c, w), why);
	rv_session_send_text(c->session, "AUTH_FAILED");
	rv_timer_arm(c->srv->d->ev, &c->linger, now(c->srv) + rv_sec(AUTH_FAILED_LINGER));
}

/* Without --duplicate-cn a new connection replaces the old ones of its CN. */
static void
drop_duplicates(struct rv_srvclient *c)
{
	struct rv_server *s = c->srv;

	if (s->o->srv.duplicate_cn || c->cn[0] == '\0')
		return;
	for (struct rv_srvclient *o = s->clients, *next; o != NULL; o = next) {
		next = o->next;
		if (o != c && strcmp(o->cn, c->cn) == 0)
			rv_srv_kill(o, "a new connection uses the same common name");
	}
}

/* An ifconfig-ipv6-push: the client's IPv6 address whatever the pool says. */
static void
static_address6(struct rv_srvclient *c)
{
	const struct rv_options *o = c->srv->o;

	if (!c->ccd.has_ifconfig6)
		return;
	c->has_vaddr6 = true;
	c->vaddr6 = c->ccd.local6;
	c->vbits6 = c->ccd.bits6;
	c->vpeer6 = c->ccd.has_remote6 ? c->ccd.remote6 : o->ifc6_local;
}

/* The client's addresses from pool entry c->pool_idx. */
static void
pool_address(struct rv_srvclient *c)
{
	struct rv_server *s = c->srv;
	const struct rv_options *o = s->o;

	if (s->pool.has4) {
		c->has_vaddr = true;
		c->vaddr = rv_pool_addr(&s->pool, c->pool_idx);
		if (s->subnet)
			c->vpeer = o->srv.pool_netmask.s_addr != 0 ? o->srv.pool_netmask :
			    o->ifc_remote;
		else if (o->topology == RV_TOPO_P2P)
			c->vpeer = o->ifc_local;
		else
			c->vpeer = rv_pool_peer(&s->pool, c->pool_idx);
	}
	if (s->pool.has6) {
		/* The server's prefix length and its own address as peer. */
		c->has_vaddr6 = true;
		c->vaddr6 = rv_pool_addr6(&s->pool, c->pool_idx);
		c->vbits6 = o->ifc6_bits;
		c->vpeer6 = o->ifc6_local;
	}
}

/* The client's virtual addresses: its ifconfig-push, else from the pool;
 * its ifconfig-ipv6-push, else from the pool too. As in openvpn, a client
 * with an IPv4 ifconfig-push gets no IPv6 address from the pool. */
static int
assign_address(struct rv_srvclient *c)
{
	struct rv_server *s = c->srv;
	const struct rv_options *o = s->o;
	char w[RV_SRV_WHO_MAX];

	if (c->ccd.has_ifconfig) {
		/* Inside the pool it must be free, and is then taken. */
		int r = s->has_pool ? rv_pool_acquire_addr(&s->pool, c->ccd.local, c->cn,
		    &c->pool_idx) : RV_ERR_NOTFOUND;

		if (r == RV_ERR_LIMIT)
			return r;
		c->has_pool = r == 0;
		c->has_vaddr = true;
		c->vaddr = c->ccd.local;
		c->vpeer = c->ccd.remote;
		if (s->pool.has6 && !c->ccd.has_ifconfig6)
			rv_log(RV_LOG_INFO, "%s: with ifconfig-push for IPv4 the IPv6 pool gives no "
			    "address; use ifconfig-ipv6-push", rv_srv_who(c, w));
	} else if (s->has_pool) {
		if (rv_pool_acquire(&s->pool, c->cn, !o->srv.duplicate_cn, &c->pool_idx) != 0)
			return RV_ERR_LIMIT;
		c->has_pool = true;
		pool_address(c);
	}
	static_address6(c);
	return 0;
}

/* --- scripts ------------------------------------------------------------------ */

enum { SCRIPT_TIMEOUT_MS = 5000 };

static void
addr_env(struct rv_env *e, const char *ip_name, const char *port_name,
    const struct rv_sockaddr *a)
{
	char host[INET6_ADDRSTRLEN] = "";
	const void *raw = rv_addr_family(a) == AF_INET ? (const void *)&a->u.in4.sin_addr :
	    (const void *)&a->u.in6.sin6_addr;

	inet_ntop(rv_addr_family(a), raw, host, sizeof(host));
	rv_env_add(e, ip_name, "%s", host);
	rv_env_add(e, port_name, "%u", ntohs(rv_addr_family(a) == AF_INET ?
	    a->u.in4.sin_port : a->u.in6.sin6_port));
}

/* OpenVPN's environment for a script about client c. */
static void
client_env(const struct rv_srvclient *c, const char *type, bool trusted, struct rv_env *e)
{
	const struct rv_options *o = c->srv->o;
	const struct rv_daemon *d = c->srv->d;
	char a[INET_ADDRSTRLEN], a6[INET6_ADDRSTRLEN];
	time_t t = rv_clock_wall();

	rv_env_add(e, "script_type", "%s", type);
	rv_env_add(e, "dev", "%s", d->tun.name);
	rv_env_add(e, "common_name", "%s", c->cn);
	if (c->username[0] != '\0')
		rv_env_add(e, "username", "%s", c->username);
	if (trusted)
		addr_env(e, "trusted_ip", "trusted_port", &c->peer.remote);
	else
		addr_env(e, "untrusted_ip", "untrusted_port", &c->peer.remote);
	if (o->has_ifconfig)
		rv_env_add(e, "ifconfig_local", "%s", inet_ntop(AF_INET, &o->ifc_local, a, sizeof(a)));
	if (o->has_ifconfig && o->ifconfig_is_mask)
		rv_env_add(e, "ifconfig_netmask", "%s",
		    inet_ntop(AF_INET, &o->ifc_remote, a, sizeof(a)));
	if (c->has_vaddr) {
		rv_env_add(e, "ifconfig_pool_remote_ip", "%s",
		    inet_ntop(AF_INET, &c->vaddr, a, sizeof(a)));
		rv_env_add(e, c->srv->subnet ? "ifconfig_pool_netmask" : "ifconfig_pool_local_ip",
		    "%s", inet_ntop(AF_INET, &c->vpeer, a, sizeof(a)));
	}
	if (o->has_ifconfig6) {
		rv_env_add(e, "ifconfig_ipv6_local", "%s",
		    inet_ntop(AF_INET6, &o->ifc6_local, a6, sizeof(a6)));
		rv_env_add(e, "ifconfig_ipv6_netbits", "%d", o->ifc6_bits);
		rv_env_add(e, "ifconfig_ipv6_remote", "%s",
		    inet_ntop(AF_INET6, &o->ifc6_remote, a6, sizeof(a6)));
	}
	if (c->has_vaddr6) {
		rv_env_add(e, "ifconfig_pool_remote_ip6", "%s",
		    inet_ntop(AF_INET6, &c->vaddr6, a6, sizeof(a6)));
		rv_env_add(e, "ifconfig_pool_local_ip6", "%s",
		    inet_ntop(AF_INET6, &c->vpeer6, a6, sizeof(a6)));
		rv_env_add(e, "ifconfig_pool_ip6_netbits", "%d", c->vbits6);
	}
	rv_env_add(e, "time_unix", "%lld", (long long)t);
	rv_env_add(e, "verb", "%d", o->verb);
}

/* --auth-user-pass-verify: exit 0 accepts. */
static bool
verify_user_pass(struct rv_srvclient *c, const char *password)
{
	const struct rv_options *o = c->srv->o;
	char path[] = "/tmp/roamvpn_up_XXXXXX";
	struct rv_env e = { .n = 0 };
	bool via_file = o->srv.auth_verify_method == RV_AUTH_VIA_FILE;
	int fd = -1, st;

	client_env(c, "user-pass-verify", false, &e);
	if (!via_file)
		rv_env_add(&e, "password", "%s", password);
	if (via_file) {
		FILE *f;

		if ((fd = mkstemp(path)) < 0 || (f = fdopen(fd, "w")) == NULL) {
			rv_log(RV_LOG_ERR, "cannot write the credentials file: %m");
			if (fd >= 0)
				close(fd);
			rv_env_clear(&e);
			return false;
		}
		fprintf(f, "%s\n%s\n", c->username, password);
		fclose(f);
	}
	st = rv_script_run(o->srv.auth_verify, via_file ? path : NULL, &e, SCRIPT_TIMEOUT_MS);
	if (via_file)
		unlink(path);
	rv_env_clear(&e);
	return st == 0;
}

/* --client-connect: exit 0 accepts; what it writes to its file are
 * per-client options. */
static bool
run_client_connect(struct rv_srvclient *c)
{
	const struct rv_options *o = c->srv->o;
	char path[] = "/tmp/roamvpn_cc_XXXXXX", err[512];
	struct rv_env e = { .n = 0 };
	int fd, st;
	bool ok;

	if ((fd = mkstemp(path)) < 0) {
		rv_log(RV_LOG_ERR, "cannot make the client-connect file: %m");
		return false;
	}
	close(fd);
	client_env(c, "client-connect", true, &e);
	st = rv_script_run(o->srv.client_connect, path, &e, SCRIPT_TIMEOUT_MS);
	rv_env_clear(&e);
	ok = st == 0;
	if (ok && rv_ccd_load_file(&c->ccd, path, err, sizeof(err)) != 0) {
		rv_log(RV_LOG_WARN, "client-connect file: %s", err);
		ok = false;
	}
	unlink(path);
	return ok && !c->ccd.disable;
}

void
rv_srvclient_disconnected(struct rv_srvclient *c)
{
	const struct rv_options *o = c->srv->o;
	struct rv_env e = { .n = 0 };

	if (!c->connected || o->srv.client_disconnect == NULL)
		return;
	c->connected = false;
	client_env(c, "client-disconnect", true, &e);
	rv_env_add(&e, "bytes_received", "%llu", (unsigned long long)c->peer.auth_rx_bytes);
	rv_env_add(&e, "bytes_sent", "%llu", (unsigned long long)c->bytes_out);
	rv_env_add(&e, "time_duration", "%lld", (long long)(rv_clock_wall() - c->since));
	rv_script_run(o->srv.client_disconnect, NULL, &e, SCRIPT_TIMEOUT_MS);
	rv_env_clear(&e);
}

/* --- establishing --------------------------------------------------------------- */

/* Who the client is: certificate, username and password, scripts. Returns
 * NULL or why it is refused. */
static const char *
identify(struct rv_srvclient *c, struct rv_keystate *ks, const struct rv_km2 *remote)
{
	const struct rv_options *o = c->srv->o;

	rv_tls_peer_common_name(ks->tls, c->cn, sizeof(c->cn));
	snprintf(c->username, sizeof(c->username), "%s", remote->username);
	snprintf(c->peer_info, sizeof(c->peer_info), "%s", remote->peer_info);
	if (o->srv.auth_verify != NULL) {
		if (remote->username[0] == '\0')
			return "no username and password (auth-user-pass-verify)";
		if (!verify_user_pass(c, remote->password))
			return "auth-user-pass-verify refused the username and password";
	}
	if (o->srv.username_as_common_name && c->username[0] != '\0')
		snprintf(c->cn, sizeof(c->cn), "%s", c->username);
	if (c->cn[0] == '\0' && o->srv.verify_client_cert == RV_VCC_REQUIRE)
		return "the client certificate has no common name";
	return NULL;
}

/* A comp-lzo or compress of the client's own options replaces the server's
 * framing for it alone (openvpn 2.6 takes both from a client-config-dir
 * file or a client-connect file, and pushes nothing for them). Real
 * compression the server's --allow-compression forbids refuses the client,
 * as openvpn 2.6.14 does (measured: AUTH_FAILED). Returns false then. */
static bool
apply_own_comp(struct rv_srvclient *c)
{
	char w[RV_SRV_WHO_MAX];
	int r;

	if (!c->ccd.has_comp)
		return true;
	if ((r = rv_peer_apply_comp(&c->peer, c->ccd.comp_alg, c->ccd.comp_adaptive)) == 0)
		return true;
	rv_log(RV_LOG_WARN, "%s compression '%s' of its client options: %s", rv_srv_who(c, w),
	    rv_comp_alg_name(c->ccd.comp_alg), r == RV_ERR_UNSUPPORTED ?
	    "not allowed since allow-compression is no (or its default)" : rv_strerror(r));
	return false;
}

/* compress migrate: a client whose options string still says comp-lzo is
 * pushed "compress stub-v2" if its peer-info has IV_COMP_STUBv2=1, else
 * "comp-lzo no", and is then framed with 0xFA (openvpn 2.6's multi.c does
 * this first of the connect steps: the push comes before the client's own
 * pushes, a push-reset of them drops it, its comp-lzo or compress wins). */
static bool
migrate_comp(struct rv_srvclient *c, const char *client_options)
{
	char w[RV_SRV_WHO_MAX], v[8];
	bool v2;

	if (!c->srv->o->comp.migrate || strstr(client_options, ",comp-lzo,") == NULL)
		return true;
	rv_log(RV_LOG_INFO, "%s Note: 'compress migrate' detected remote peer with compression "
	    "enabled.", rv_srv_who(c, w));
	v2 = rv_peer_info_get(c->peer_info, "IV_COMP_STUBv2", v, sizeof(v)) && strcmp(v, "1") == 0;
	if (!c->ccd.push_reset &&
	    rv_ccd_push_front(&c->ccd, v2 ? "compress stub-v2" : "comp-lzo no") != 0)
		return false;
	return v2 || rv_peer_apply_comp(&c->peer, RV_COMP_LZO_STUB, false) == 0;
}

/* Per-client options, address and --client-connect. Returns NULL or why
 * the client is refused. */
static const char *
configure(struct rv_srvclient *c, const char *client_options)
{
	const struct rv_options *o = c->srv->o;
	char err[512];

	if (o->srv.client_config_dir != NULL &&
	    rv_ccd_load(&c->ccd, o->srv.client_config_dir, c->cn, err, sizeof(err)) != 0) {
		rv_log(RV_LOG_WARN, "client-config-dir: %s", err);
		return "its client-config-dir file is broken";
	}
	if (c->ccd.disable)
		return "client-config-dir says disable";
	if (c->ccd.has_ifconfig6 && !c->ccd.has_remote6 && !o->has_ifconfig6)
		return "ifconfig-ipv6-push has no peer address and the server no --ifconfig-ipv6";
	drop_duplicates(c);
	if (assign_address(c) != 0)
		return c->ccd.has_ifconfig ? "its ifconfig-push address is taken" :
		    "the address pool is exhausted";
	if (o->srv.client_connect != NULL && !run_client_connect(c))
		return "client-connect refused it";
	/* An ifconfig-push the script wrote replaces the address. */
	if (c->ccd.has_ifconfig && (!c->has_vaddr || c->ccd.local.s_addr != c->vaddr.s_addr)) {
		if (c->has_pool)
			rv_pool_release(&c->srv->pool, c->pool_idx);
		c->has_pool = c->has_vaddr = c->has_vaddr6 = false;
		if (assign_address(c) != 0)
			return "the ifconfig-push address of client-connect is taken";
	}
	if (!migrate_comp(c, client_options))
		return "compress migrate: no room for its push";
	if (!apply_own_comp(c))
		return "its compression options are not allowed (allow-compression)";
	/* An ifconfig-ipv6-push the script wrote (the IPv4 side unchanged). */
	static_address6(c);
	c->connected = true;
	return NULL;
}

/* The first key exchange is done: who is it, what do we agree, where does
 * it live. */
static void
establish(struct rv_srvclient *c, struct rv_session *ss, struct rv_keystate *ks,
    const struct rv_km2 *remote)
{
	struct rv_server *s = c->srv;
	const struct rv_options *o = s->o;
	char err[RV_NCP_ERRLEN], w[RV_SRV_WHO_MAX], a[INET6_ADDRSTRLEN];
	const char *why;

	if ((why = identify(c, ks, remote)) != NULL)
		return auth_failed(c, why);
	if (rv_srvpush_ncp(o, remote->peer_info, remote->options, &c->ncp, err) != 0)
		return auth_failed(c, err);
	c->ncp.peer_id = c->peer_id;
	if ((why = configure(c, remote->options)) != NULL)
		return auth_failed(c, why);
	if (rv_session_install_keys(ss, ks, c->ncp.cipher, o->auth, c->ncp.ekm) != 0 ||
	    (c->ncp.dyn_tls_crypt && rv_session_enable_dyn_tls_crypt(ss) != 0))
		return rv_srv_kill(c, "cannot make data channel keys");
	c->negotiated = true;
	c->peer.name = c->cn;
	/* Over TCP the connection's handshake proved the address: nothing
	 * to validate. */
	if (c->ncp.roam)
		rv_peer_roam_enable(&c->peer, c->tcp != NULL ? 0 :
		    rv_sec((uint64_t)o->roam_validate));
	rv_srv_learn(c);
	rv_log(RV_LOG_INFO, "%s Peer Connection Initiated, peer-id %u, cipher %s%s%s",
	    rv_srv_who(c, w), c->peer_id, c->ncp.cipher,
	    c->ncp.ekm ? ", keys from the TLS exporter" : "",
	    c->ncp.roam ? ", mobility extension" : "");
	if (c->has_vaddr)
		rv_log(RV_LOG_INFO, "%s MULTI: Learn: %s", rv_srv_who(c, w),
		    inet_ntop(AF_INET, &c->vaddr, a, sizeof(a)));
	if (c->has_vaddr6)
		rv_log(RV_LOG_INFO, "%s MULTI: Learn: %s", rv_srv_who(c, w),
		    inet_ntop(AF_INET6, &c->vaddr6, a, sizeof(a)));
	rv_peer_keys_changed(&c->peer);
	rv_timers_start(&c->peer);
	/* A client that takes an unasked push gets it once it has our key
	 * method 2 message (as openvpn: after the key exchange is complete),
	 * never in the same flight. */
	c->push_pending = rv_peer_info_proto(c->peer_info) & RV_IV_PROTO_REQUEST_PUSH;
}

void
rv_srvclient_push_if_due(struct rv_srvclient *c)
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
	struct rv_srvclient *c = owner;

	if (c->dead)
		return;
	if (ks->key_id == 0 && !c->negotiated)
		return establish(c, ss, ks, remote);
	if (c->negotiated &&
	    rv_session_install_keys(ss, ks, c->ncp.cipher, c->srv->o->auth, c->ncp.ekm) != 0)
		rv_srv_kill(c, "cannot make data channel keys");
}

static void
cb_message(void *owner, struct rv_session *ss, const char *msg)
{
	struct rv_srvclient *c = owner;
	const char *arg;
	char w[RV_SRV_WHO_MAX];

	(void)ss;
	if (c->dead)
		return;
	switch (rv_control_classify(msg, &arg)) {
	case RV_CTL_PUSH_REQUEST:
		rv_log(RV_LOG_NOTICE, "%s PUSH: Received control message: '%s'", rv_srv_who(c, w), msg);
		c->push_pending = false;
		if (c->negotiated)
			send_push(c);
		else if (!rv_timer_armed(&c->linger))
			rv_session_send_text(c->session, "AUTH_FAILED");
		return;
	case RV_CTL_EXIT:
		return rv_srv_close(c, "the client exited (EXIT)");
	default:
		rv_log(RV_LOG_INFO, "%s unknown control message: '%s'", rv_srv_who(c, w), msg);
		return;
	}
}

static void
cb_failed(void *owner, struct rv_session *ss, const char *why, bool auth)
{
	struct rv_srvclient *c = owner;
	char w[RV_SRV_WHO_MAX];

	(void)ss;
	rv_log(RV_LOG_WARN, "%s TLS Error: %s%s", rv_srv_who(c, w), why,
	    auth ? " (the client's certificate was refused)" : "");
	rv_srv_kill(c, "TLS error");
}

const struct rv_session_ops rv_srvclient_session_ops = {
	.send = cb_send,
	.fill_km2 = cb_fill_km2,
	.active = cb_active,
	.message = cb_message,
	.failed = cb_failed,
};
