/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * options_check: whole-configuration checks after parsing (OpenVPN's
 * options_postprocess and helper_keepalive do the same job there).
 */
#include "options_check.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "addr.h"
#include "conf.h"
#include "crypto.h"
#include "err.h"
#include "keyfile.h"
#include "log.h"
#include "options_server.h"
#include "wire.h"
#include "wrap.h"

static int bad(const struct rv_options *o, char *err, const char *option,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int
bad(const struct rv_options *o, char *err, const char *option, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = rv_options_vbad(o, err, option, fmt, ap);
	va_end(ap);
	return r;
}

static int bad_at(const struct rv_optloc *loc, char *err, const char *option,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int
bad_at(const struct rv_optloc *loc, char *err, const char *option, const char *fmt, ...)
{
	char msg[RV_OPT_ERRLEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (loc->line > 0)
		snprintf(err, RV_OPT_ERRLEN, "%s:%u: %s: %s", loc->file, loc->line, option, msg);
	else
		snprintf(err, RV_OPT_ERRLEN, "command line: --%s: %s", option, msg);
	return RV_ERR_FORMAT;
}

static bool
given(const struct rv_options *o, const char *name)
{
	return rv_options_where(o, name).file != NULL;
}

static bool
is_netmask(struct in_addr m)
{
	uint32_t inv = ~ntohl(m.s_addr);

	/* Contiguous ones from the top: the inverse is 0...01...1. */
	return (inv & (inv + 1)) == 0;
}

static int
check_keepalive(struct rv_options *o, char *err)
{
	if (o->ping_restart > 0 && o->ping_exit > 0)
		return bad(o, err, "ping-exit", "cannot be combined with --ping-restart "
		    "(both say what to do when the peer goes silent)");
	if (o->keepalive_ping == 0)
		return 0;
	if (given(o, "ping") || given(o, "ping-restart") || given(o, "ping-exit"))
		return bad(o, err, "keepalive", "conflicts with --ping, --ping-restart and "
		    "--ping-exit; use either form");
	if (o->keepalive_timeout < 2 * o->keepalive_ping)
		return bad(o, err, "keepalive", "the timeout (%d) must be at least twice the "
		    "ping interval (%d)", o->keepalive_timeout, o->keepalive_ping);
	o->ping = o->keepalive_ping;
	o->ping_restart = o->keepalive_timeout;
	return 0;
}

static int
check_dev(struct rv_options *o, char *err)
{
	if (o->dev == NULL)
		return bad(o, err, "dev", "no device given: add --dev tun (or tap, or null)");
	if (o->dev_type != RV_DEV_UNSET)
		return 0;
	if (strncmp(o->dev, "tun", 3) == 0)
		o->dev_type = RV_DEV_TUN;
	else if (strncmp(o->dev, "tap", 3) == 0)
		o->dev_type = RV_DEV_TAP;
	else if (strcmp(o->dev, "null") == 0)
		o->dev_type = RV_DEV_NULL;
	else
		return bad(o, err, "dev", "cannot tell whether `%s' is tun or tap: add "
		    "--dev-type tun or --dev-type tap", o->dev);
	return 0;
}

static int
check_ifconfig(struct rv_options *o, char *err)
{
	if (o->ifconfig_local == NULL)
		return 0;
	o->has_ifconfig = true;
	o->ifconfig_is_mask = o->dev_type == RV_DEV_TAP || o->topology == RV_TOPO_SUBNET;
	if (inet_pton(AF_INET, o->ifconfig_local, &o->ifc_local) != 1)
		return bad(o, err, "ifconfig", "`%s' is not an IPv4 address", o->ifconfig_local);
	if (inet_pton(AF_INET, o->ifconfig_remote, &o->ifc_remote) != 1)
		return bad(o, err, "ifconfig", "`%s' is not an IPv4 %s", o->ifconfig_remote,
		    o->ifconfig_is_mask ? "netmask" : "address");
	if (o->ifconfig_is_mask && !is_netmask(o->ifc_remote))
		return bad(o, err, "ifconfig", "`%s' is not a netmask (with %s the second "
		    "argument is the netmask)", o->ifconfig_remote,
		    o->dev_type == RV_DEV_TAP ? "--dev tap" : "--topology subnet");
	if (!o->ifconfig_is_mask && o->ifc_local.s_addr == o->ifc_remote.s_addr)
		return bad(o, err, "ifconfig", "local and remote address are both %s",
		    o->ifconfig_local);
	return 0;
}

static int
parse_route_addr(const struct rv_route *rt, char *err, const char *what, const char *s,
    struct in_addr *out)
{
	if (inet_pton(AF_INET, s, out) != 1)
		return bad_at(&rt->loc, err, "route", "%s `%s' is not an IPv4 address", what, s);
	return 0;
}

static int
check_ifconfig6(struct rv_options *o, char *err)
{
	int bits;

	if (o->ifconfig6_local == NULL)
		return 0;
	if (rv_addr_parse_prefix6(o->ifconfig6_local, &o->ifc6_local, &o->ifc6_bits) != 0)
		return bad(o, err, "ifconfig-ipv6", "`%s' is not an IPv6 address with an optional "
		    "/BITS (0..128)", o->ifconfig6_local);
	if (rv_addr_parse_prefix6(o->ifconfig6_remote, &o->ifc6_remote, &bits) != 0 ||
	    strchr(o->ifconfig6_remote, '/') != NULL)
		return bad(o, err, "ifconfig-ipv6", "`%s' is not an IPv6 address",
		    o->ifconfig6_remote);
	o->has_ifconfig6 = true;
	return 0;
}

static int
check_route6(struct rv_options *o, struct rv_route6 *rt, char *err)
{
	struct in6_addr net;
	int bits;

	if (rv_addr_parse_prefix6(rt->network, &rt->r.net, &rt->r.bits) != 0)
		return bad_at(&rt->loc, err, "route-ipv6", "`%s' is not an IPv6 network (NET/BITS)",
		    rt->network);
	net = rt->r.net;
	rv_addr_mask6(&net, rt->r.bits);
	if (memcmp(&net, &rt->r.net, sizeof(net)) != 0)
		return bad_at(&rt->loc, err, "route-ipv6", "network %s has bits outside its prefix",
		    rt->network);
	if (rt->gateway != NULL && strcmp(rt->gateway, "vpn_gateway") != 0) {
		if (rv_addr_parse_prefix6(rt->gateway, &rt->r.gw, &bits) != 0 ||
		    strchr(rt->gateway, '/') != NULL)
			return bad_at(&rt->loc, err, "route-ipv6", "gateway `%s' is not an IPv6 "
			    "address", rt->gateway);
		rt->r.has_gw = true;
	} else if (o->dev_type == RV_DEV_TAP && o->has_ifconfig6) {
		/* tun needs no gateway; tap goes through the peer. */
		rt->r.has_gw = true;
		rt->r.gw = o->ifc6_remote;
	}
	rt->r.metric = rt->metric >= 0 ? rt->metric : o->route_metric;
	return 0;
}

static int
check_route(struct rv_options *o, struct rv_route *rt, char *err)
{
	const char *gw = rt->gateway != NULL ? rt->gateway : o->route_gateway;
	int r;

	if ((r = parse_route_addr(rt, err, "network", rt->network, &rt->net)) != 0)
		return r;
	rt->mask.s_addr = htonl(0xffffffff);
	if (rt->netmask != NULL &&
	    (r = parse_route_addr(rt, err, "netmask", rt->netmask, &rt->mask)) != 0)
		return r;
	if (!is_netmask(rt->mask))
		return bad_at(&rt->loc, err, "route", "`%s' is not a netmask", rt->netmask);
	if ((rt->net.s_addr & ~rt->mask.s_addr) != 0)
		return bad_at(&rt->loc, err, "route", "network %s has bits outside netmask %s",
		    rt->network, rt->netmask != NULL ? rt->netmask : "255.255.255.255");
	if (gw != NULL && strcmp(gw, "vpn_gateway") != 0) {
		rt->has_gw = true;
		if ((r = parse_route_addr(rt, err, "gateway", gw, &rt->gw)) != 0)
			return r;
	} else if (o->has_ifconfig && !o->ifconfig_is_mask) {
		/* On tun the peer address is the natural gateway (OpenVPN's vpn_gateway). */
		rt->has_gw = true;
		rt->gw = o->ifc_remote;
	} else if (gw != NULL) {
		return bad_at(&rt->loc, err, "route", "vpn_gateway is unknown without "
		    "--ifconfig LOCAL REMOTE or --route-gateway");
	}
	if (rt->metric < 0)
		rt->metric = o->route_metric;
	return 0;
}

static int
check_secret(struct rv_options *o, char *err)
{
	struct rv_keysrc *ks = &o->secret;
	char kerr[RV_OPT_ERRLEN];
	const struct rv_key *s, *r;
	int ret;

	if (ks->path == NULL && ks->text == NULL)
		return 0;
	if (ks->text != NULL)
		ret = rv_keyfile_parse("<secret>", ks->text, strlen(ks->text), &o->key, kerr,
		    sizeof(kerr));
	else
		ret = rv_keyfile_read(ks->path, &o->key, kerr, sizeof(kerr));
	if (ret != 0)
		return bad(o, err, "secret", "%s", kerr);
	o->has_key = true;
	o->keydir = ks->direction != RV_KEYDIR_BIDI ? ks->direction : o->key_direction;
	if (rv_key2_select(&o->key, o->keydir, &s, &r) != 0)
		return bad(o, err, "secret", "the key holds a single key, which cannot be "
		    "used with a key direction; drop the direction or use a 2048-bit key");
	return 0;
}

static int
check_crypto(struct rv_options *o, char *err)
{
	char cerr[RV_CRYPTO_ERRLEN];
	const char *which;

	if (!o->has_key) {
		if ((given(o, "cipher") || given(o, "auth")) && !o->tls_client && !o->tls_server)
			rv_log(RV_LOG_WARN, "--cipher and --auth have no effect without --secret "
			    "or TLS mode");
		return 0;
	}
	if (rv_crypto_check_static(o->cipher, o->auth, &which, cerr) != 0)
		return bad(o, err, which, "%s", cerr);
	if (strcmp(o->cipher, "none") == 0)
		rv_log(RV_LOG_WARN, "--cipher none: the tunnel's packets are NOT encrypted");
	if (strcmp(o->auth, "none") == 0)
		rv_log(RV_LOG_WARN, "--auth none: the tunnel's packets are NOT authenticated; "
		    "anyone can inject packets and --float can be hijacked");
	if (o->no_replay)
		rv_log(RV_LOG_WARN, "--no-replay: replayed packets are accepted");
	return 0;
}

/* Ports not given default to OpenVPN's 1194. */
static int
default_port(struct rv_options *o, char **port, char *err)
{
	char text[8];

	if (*port != NULL)
		return 0;
	snprintf(text, sizeof(text), "%d", RV_WIRE_DEFAULT_PORT);
	if ((*port = strdup(text)) == NULL)
		return bad(o, err, "port", "out of memory");
	return 0;
}

/* The mode: static key, TLS (one role), or neither. */
static int
check_mode(struct rv_options *o, char *err)
{
	if (o->tls_client && o->tls_server)
		return bad(o, err, "tls-server", "cannot be combined with --tls-client");
	if ((o->tls_client || o->tls_server) && (o->secret.path != NULL || o->secret.text != NULL))
		return bad(o, err, "secret", "static-key mode cannot be combined with --tls-%s",
		    o->tls_client ? "client" : "server");
	if (o->pull && !o->tls_client)
		return bad(o, err, "pull", "needs --tls-client (or use --client)");
	if (o->pull && o->nremotes == 0)
		return bad(o, err, "client", "a client needs a --remote");
	return 0;
}

/* Plain tcp/tcp4/tcp6 takes the role the mode implies: a pulling client
 * connects (openvpn's --client does the same); anything else must say. */
static int
resolve_proto(const struct rv_options *o, const char *option, enum rv_proto *p, char *err)
{
	static const char *const fam[] = { "", "4", "6" };

	if (*p < RV_PROTO_TCP || *p > RV_PROTO_TCP6)
		return 0;
	if (o->pull) {
		*p += RV_PROTO_TCP_CLIENT - RV_PROTO_TCP;
		return 0;
	}
	if (o->srv.mode_server) {
		*p += RV_PROTO_TCP_SERVER - RV_PROTO_TCP;
		return 0;
	}
	return bad(o, err, option, "tcp%s is ambiguous in this context: use tcp%s-server or "
	    "tcp%s-client", fam[*p % 3], fam[*p % 3], fam[*p % 3]);
}

static int
check_proto(struct rv_options *o, char *err)
{
	int r;

	if ((r = resolve_proto(o, "proto", &o->proto, err)) != 0)
		return r;
	/* A server listens (one connection per client); it never connects. */
	if (o->srv.mode_server && rv_proto_is_tcp_client(o->proto))
		return bad(o, err, "proto", "a server cannot be a tcp-client; use tcp-server (or "
		    "tcp)");
	for (size_t i = 0; i < o->nremotes; i++) {
		struct rv_remote *rm = &o->remotes[i];

		if (rm->has_proto && (r = resolve_proto(o, "remote", &rm->proto, err)) != 0)
			return r;
		if (o->pull && rm->has_proto && rv_proto_is_tcp_server(rm->proto))
			return bad_at(&rm->loc, err, "remote", "a client cannot be a tcp-server");
	}
	if (o->pull && rv_proto_is_tcp_server(o->proto))
		return bad(o, err, "proto", "a client cannot be a tcp-server; use tcp-client");
	/* As openvpn: a tcp-client binds only when told where. */
	if (!given(o, "local") && !given(o, "lport") && !given(o, "bind"))
		for (size_t i = 0; i <= o->nremotes; i++)
			if (rv_proto_is_tcp_client(rv_options_proto(o, i < o->nremotes ?
			    &o->remotes[i] : NULL)))
				o->nobind = true;
	return 0;
}

/* Reads a file or inline block into a fresh string. */
static int
read_src(const struct rv_options *o, const struct rv_keysrc *ks, const char *option,
    char **out, char *err)
{
	struct rv_conf_error cerr;
	size_t len;

	if (ks->text != NULL)
		*out = strdup(ks->text);
	else if (rv_conf_read_file(ks->path, out, &len, &cerr) != 0)
		return bad(o, err, option, "%s", cerr.msg);
	if (*out == NULL)
		return bad(o, err, option, "out of memory");
	return 0;
}

/* --auth-user-pass: the username on the first line, the password on the
 * second. */
static int
check_auth_user_pass(struct rv_options *o, char *err)
{
	char *text = NULL, *nl, *user, *pass;
	int r = 0;

	if (!o->auth_user_pass_given)
		return 0;
	if ((r = read_src(o, &o->auth_user_pass, "auth-user-pass", &text, err)) != 0)
		return r;
	user = text;
	nl = strchr(user, '\n');
	pass = nl != NULL ? nl + 1 : NULL;
	if (nl != NULL)
		*nl = '\0';
	if (pass != NULL && (nl = strchr(pass, '\n')) != NULL)
		*nl = '\0';
	user[strcspn(user, "\r")] = '\0';
	if (pass != NULL)
		pass[strcspn(pass, "\r")] = '\0';
	if (*user == '\0' || pass == NULL)
		r = bad(o, err, "auth-user-pass", "needs the username on the first line and the "
		    "password on the second");
	else if ((o->auth_user = strdup(user)) == NULL || (o->auth_pass = strdup(pass)) == NULL)
		r = bad(o, err, "auth-user-pass", "out of memory");
	OPENSSL_clear_free(text, strlen(text) + (pass != NULL ? strlen(pass) + 1 : 0));
	return r;
}

/* --askpass FILE: the first line is the password of --key or --pkcs12. */
static int
check_askpass(struct rv_options *o, char *err)
{
	char *text = NULL;
	int r;

	if (o->askpass.path == NULL && o->askpass.text == NULL)
		return 0;
	if ((r = read_src(o, &o->askpass, "askpass", &text, err)) != 0)
		return r;
	text[strcspn(text, "\r\n")] = '\0';
	o->key_password = strdup(text);
	OPENSSL_clear_free(text, strlen(text));
	return o->key_password != NULL ? 0 : bad(o, err, "askpass", "out of memory");
}

/* --tls-auth / --tls-crypt: read the static key for the control channel. */
static int
check_tls_wrap(struct rv_options *o, char *err)
{
	const struct rv_keysrc *ks = o->tls_auth.path != NULL || o->tls_auth.text != NULL ?
	    &o->tls_auth : &o->tls_crypt;
	const char *name = ks == &o->tls_auth ? "tls-auth" : "tls-crypt";
	char kerr[RV_OPT_ERRLEN];
	const struct rv_key *s, *r;
	int ret;

	if (ks->path == NULL && ks->text == NULL)
		return 0;
	if (ks == &o->tls_auth && (o->tls_crypt.path != NULL || o->tls_crypt.text != NULL))
		return bad(o, err, "tls-crypt", "cannot be combined with --tls-auth");
	ret = ks->text != NULL ? rv_keyfile_parse(name, ks->text, strlen(ks->text),
	    &o->tls_wrap_key, kerr, sizeof(kerr)) :
	    rv_keyfile_read(ks->path, &o->tls_wrap_key, kerr, sizeof(kerr));
	if (ret != 0)
		return bad(o, err, name, "%s", kerr);
	o->tls_wrap = ks == &o->tls_auth ? RV_WRAP_AUTH : RV_WRAP_CRYPT;
	o->tls_wrap_dir = ks->direction != RV_KEYDIR_BIDI ? ks->direction : o->key_direction;
	if (o->tls_wrap == RV_WRAP_CRYPT && o->tls_wrap_key.n < 2)
		return bad(o, err, name, "needs a 2048-bit key (two keys)");
	if (o->tls_wrap == RV_WRAP_AUTH && rv_key2_select(&o->tls_wrap_key, o->tls_wrap_dir, &s,
	    &r) != 0)
		return bad(o, err, name, "the key holds a single key, which cannot be used with a "
		    "key direction");
	return 0;
}

/* --data-ciphers (and the fallback) name ciphers the data channel can use. */
static int
check_data_ciphers(struct rv_options *o, char *err)
{
	char cerr[RV_CRYPTO_ERRLEN], *list, *save = NULL;
	const char *which;
	int r = 0;

	if (o->data_ciphers == NULL &&
	    (o->data_ciphers = strdup("AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305")) == NULL)
		return bad(o, err, "data-ciphers", "out of memory");
	if ((list = strdup(o->data_ciphers)) == NULL)
		return bad(o, err, "data-ciphers", "out of memory");
	for (char *c = strtok_r(list, ":", &save); c != NULL && r == 0;
	    c = strtok_r(NULL, ":", &save))
		if (rv_crypto_check_tls(c, o->auth, &which, cerr) != 0)
			r = bad(o, err, strcmp(which, "auth") == 0 ? "auth" : "data-ciphers", "%s",
			    cerr);
	free(list);
	if (r == 0 && o->data_ciphers_fallback != NULL &&
	    rv_crypto_check_tls(o->data_ciphers_fallback, o->auth, &which, cerr) != 0)
		r = bad(o, err, "data-ciphers-fallback", "%s", cerr);
	return r;
}

static int
check_tls(struct rv_options *o, char *err)
{
	bool has_cert = o->cert.path != NULL || o->cert.text != NULL;
	bool has_key = o->priv_key.path != NULL || o->priv_key.text != NULL;
	bool has_p12 = o->pkcs12.path != NULL || o->pkcs12.text != NULL;
	int r;

	if (!o->tls_client && !o->tls_server)
		return 0;
	if (o->ca.path == NULL && o->ca.text == NULL && !has_p12)
		return bad(o, err, o->tls_client ? "tls-client" : "tls-server", "TLS mode needs "
		    "--ca (the certificate authority that signed the peer's certificate)");
	if (has_cert != has_key)
		return bad(o, err, has_cert ? "cert" : "key", "--cert and --key go together");
	if (!has_cert && !has_p12 && !(o->tls_client && o->auth_user_pass_given))
		return bad(o, err, o->tls_client ? "tls-client" : "tls-server", "TLS mode needs "
		    "--cert and --key (or --pkcs12)");
	if ((r = check_tls_wrap(o, err)) != 0 || (r = check_auth_user_pass(o, err)) != 0 ||
	    (r = check_askpass(o, err)) != 0 || (r = check_data_ciphers(o, err)) != 0)
		return r;
	if (o->auth_retry != NULL && strcmp(o->auth_retry, "interact") == 0)
		return bad(o, err, "auth-retry", "roamvpn does not prompt: use none or nointeract");
	return 0;
}

int
rv_options_check(struct rv_options *o, char err[static RV_OPT_ERRLEN])
{
	int r;

	err[0] = '\0';
	if (o->show_help || o->show_version || o->genkey != RV_GENKEY_NONE)
		return 0;
	if (o->cipher == NULL && (o->cipher = strdup("BF-CBC")) == NULL)
		return bad(o, err, "cipher", "out of memory");
	if (o->auth == NULL && (o->auth = strdup("SHA1")) == NULL)
		return bad(o, err, "auth", "out of memory");
	if ((r = default_port(o, &o->lport, err)) != 0 ||
	    (r = default_port(o, &o->rport, err)) != 0)
		return r;
	if ((r = check_mode(o, err)) != 0 || (r = check_keepalive(o, err)) != 0 ||
	    (r = check_dev(o, err)) != 0 || (r = rv_options_server_check(o, err)) != 0 ||
	    (r = check_proto(o, err)) != 0 || (r = check_ifconfig(o, err)) != 0)
		return r;
	for (size_t i = 0; i < o->nroutes; i++)
		if ((r = check_route(o, &o->routes[i], err)) != 0)
			return r;
	if ((r = check_ifconfig6(o, err)) != 0)
		return r;
	for (size_t i = 0; i < o->nroutes6; i++)
		if ((r = check_route6(o, &o->routes6[i], err)) != 0)
			return r;
	if ((r = check_secret(o, err)) != 0 || (r = check_crypto(o, err)) != 0 ||
	    (r = check_tls(o, err)) != 0)
		return r;
	if (o->nremotes == 0 && o->ping_timer_rem)
		rv_log(RV_LOG_INFO, "--ping-timer-rem: the ping-restart timer waits for the "
		    "first packet from the peer");
	return 0;
}
