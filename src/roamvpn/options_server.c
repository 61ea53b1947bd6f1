/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * options_server: the multi-client server options, their table entries and
 * handlers, and the expansion of --server and --keepalive (openvpn 2.6's
 * helper.c does the same job; the expansions are listed in
 * options_server.h).
 */
#include "options_server.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "err.h"
#include "log.h"

enum {
	POOL_MIN_NETBITS = 16,         /* openvpn's IFCONFIG_POOL_MIN_NETBITS */
	POOL6_MIN_BITS = 64,           /* --server-ipv6, --ifconfig-ipv6-pool: /64 .. /124 */
	POOL6_MAX_BITS = 124,
	POOL6_OFFSET = 0x1000,         /* --server-ipv6: clients from NET+0x1000 ... */
	POOL6_SMALL_BITS = 112,        /* ... or NET+2 in a /112 or smaller */
	MAX_CLIENTS_LIMIT = 0xFFFFFE,  /* peer-ids are 24 bits; all ones means none */
};

/* --- handlers ------------------------------------------------------------- */

static int
opt_mode(struct rv_optctx *c, char **a, int n)
{
	(void)n;
	if (strcmp(a[0], "server") == 0)
		c->o->srv.mode_server = true;
	else if (strcmp(a[0], "p2p") == 0)
		c->o->srv.mode_server = false;
	else
		return rv_optarg_bad(c, "expects server or p2p, got `%s'", a[0]);
	return 0;
}

static int
opt_server(struct rv_optctx *c, char **a, int n)
{
	struct rv_srvopts *s = &c->o->srv;

	if (n > 2 && strcmp(a[2], "nopool") != 0)
		return rv_optarg_bad(c, "third argument must be nopool, got `%s'", a[2]);
	s->server_nopool = n > 2;
	if (rv_optarg_set_str(c, &s->server_net, a[0]) != 0)
		return RV_ERR_FORMAT;
	return rv_optarg_set_str(c, &s->server_mask, a[1]);
}

static int
opt_ifconfig_pool(struct rv_optctx *c, char **a, int n)
{
	struct rv_srvopts *s = &c->o->srv;

	if (rv_optarg_set_str(c, &s->pool_start, a[0]) != 0 ||
	    rv_optarg_set_str(c, &s->pool_end, a[1]) != 0)
		return RV_ERR_FORMAT;
	return n > 2 ? rv_optarg_set_str(c, &s->pool_mask, a[2]) : 0;
}

static int
opt_push(struct rv_optctx *c, char **a, int n)
{
	(void)n;
	if (strchr(a[0], ',') != NULL)
		return rv_optarg_bad(c, "a pushed option cannot contain a comma: `%s'", a[0]);
	return rv_optarg_push_str(c, &c->o->srv.push, &c->o->srv.npush, a[0]);
}

static int
opt_verify_client_cert(struct rv_optctx *c, char **a, int n)
{
	(void)n;
	if (strcmp(a[0], "require") == 0)
		c->o->srv.verify_client_cert = RV_VCC_REQUIRE;
	else if (strcmp(a[0], "optional") == 0)
		c->o->srv.verify_client_cert = RV_VCC_OPTIONAL;
	else if (strcmp(a[0], "none") == 0)
		c->o->srv.verify_client_cert = RV_VCC_NONE;
	else
		return rv_optarg_bad(c, "expects none, optional or require, got `%s'", a[0]);
	return 0;
}

static int
opt_connect_freq(struct rv_optctx *c, char **a, int n)
{
	(void)n;
	if (rv_optarg_int(c, a[0], 1, 1000000, &c->o->srv.connect_freq_n) != 0)
		return RV_ERR_FORMAT;
	return rv_optarg_int(c, a[1], 1, 86400, &c->o->srv.connect_freq_sec);
}

static int
opt_pool_persist(struct rv_optctx *c, char **a, int n)
{
	if (rv_optarg_set_str(c, &c->o->srv.pool_persist, a[0]) != 0)
		return RV_ERR_FORMAT;
	return n > 1 ? rv_optarg_int(c, a[1], 0, 86400 * 365, &c->o->srv.pool_persist_secs) : 0;
}

static int
opt_auth_verify(struct rv_optctx *c, char **a, int n)
{
	(void)n;
	if (strcmp(a[1], "via-file") == 0)
		c->o->srv.auth_verify_method = RV_AUTH_VIA_FILE;
	else if (strcmp(a[1], "via-env") == 0)
		c->o->srv.auth_verify_method = RV_AUTH_VIA_ENV;
	else
		return rv_optarg_bad(c, "method must be via-file or via-env, got `%s'", a[1]);
	return rv_optarg_set_str(c, &c->o->srv.auth_verify, a[0]);
}

#define SRV(field) RV_OPT_FIELD(srv.field)

const struct rv_optdef rv_options_server_table[] = {
	{ "mode", "server|p2p", 1, 1, 0, opt_mode, "server: many clients; p2p: one peer (default)." },
	{ "server", "NET MASK [nopool]", 2, 3, 0, opt_server,
	  "Server for clients in NET/MASK (expands to mode server, tls-server, ifconfig, pool, pushes)." },
	{ "server-ipv6", "NET/BITS", 1, 1, 0, rv_optarg_str_field,
	  "IPv6 in the tunnel: the server is NET+1, clients get addresses from the IPv6 pool.",
	  SRV(server6) },
	{ "ifconfig-pool", "START END [MASK]", 2, 3, 0, opt_ifconfig_pool,
	  "Give clients addresses from START to END." },
	{ "ifconfig-ipv6-pool", "BASE/BITS", 1, 1, 0, rv_optarg_str_field,
	  "Give clients IPv6 addresses from BASE on (needs --ifconfig-ipv6).", SRV(pool6) },
	{ "ifconfig-pool-persist", "FILE [SECS]", 1, 2, 0, opt_pool_persist,
	  "Remember client addresses in FILE (CN,IP,IPv6 per line), saved every SECS (600)." },
	{ "push", "OPTION", 1, 1, 0, opt_push, "Push OPTION to every client." },
	{ "max-clients", "N", 1, 1, 0, rv_optarg_int_field, "At most N clients (default 1024).",
	  SRV(max_clients), 1, MAX_CLIENTS_LIMIT },
	{ "duplicate-cn", "", 0, 0, 0, rv_optarg_true_field,
	  "Let several clients use the same common name.", SRV(duplicate_cn) },
	{ "client-to-client", "", 0, 0, 0, rv_optarg_true_field,
	  "Forward packets between clients inside the server.", SRV(client_to_client) },
	{ "verify-client-cert", "none|optional|require", 1, 1, 0, opt_verify_client_cert,
	  "Whether clients must present a certificate (default require)." },
	{ "username-as-common-name", "", 0, 0, 0, rv_optarg_true_field,
	  "Use the authenticated username as the common name.", SRV(username_as_common_name) },
	{ "connect-freq", "N SECS", 2, 2, 0, opt_connect_freq,
	  "Accept at most N new connections per SECS seconds." },
	{ "client-config-dir", "DIR", 1, 1, 0, rv_optarg_str_field,
	  "Per-client options in DIR/<common name> (or DIR/DEFAULT).", SRV(client_config_dir) },
	{ "auth-user-pass-verify", "SCRIPT via-file|via-env", 2, 2, 0, opt_auth_verify,
	  "Check client usernames and passwords with SCRIPT (exit 0 = accept)." },
	{ "client-connect", "SCRIPT", 1, 1, 0, rv_optarg_str_field,
	  "Run SCRIPT when a client connects (non-zero exit refuses it).", SRV(client_connect) },
	{ "client-disconnect", "SCRIPT", 1, 1, 0, rv_optarg_str_field,
	  "Run SCRIPT when a client disconnects.", SRV(client_disconnect) },
	{ "script-security", "LEVEL", 1, 1, 0, rv_optarg_int_field,
	  "0: no external programs, 1: built-ins only (default), 2: scripts, 3: passwords in env.",
	  SRV(script_security), 0, 3 },
};

const size_t rv_options_server_table_len =
    sizeof(rv_options_server_table) / sizeof(rv_options_server_table[0]);

void
rv_options_server_defaults(struct rv_options *o)
{
	o->srv.max_clients = 1024;
	o->srv.pool_persist_secs = 600;
	o->srv.script_security = 1;
}

void
rv_options_server_clear(struct rv_options *o)
{
	struct rv_srvopts *s = &o->srv;

	free(s->server_net);
	free(s->server_mask);
	free(s->pool_start);
	free(s->pool_end);
	free(s->pool_mask);
	free(s->server6);
	free(s->pool6);
	rv_options_free_list(s->push, s->npush);
	free(s->pool_persist);
	free(s->client_config_dir);
	free(s->auth_verify);
	free(s->client_connect);
	free(s->client_disconnect);
}

/* --- checks and expansion --------------------------------------------------- */

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

static bool
given(const struct rv_options *o, const char *name)
{
	return rv_options_where(o, name).file != NULL;
}

/* Prefix length of a contiguous netmask, or -1. */
static int
netbits(struct in_addr m)
{
	uint32_t v = ntohl(m.s_addr), inv = ~v;
	int n = 0;

	if ((inv & (inv + 1)) != 0)
		return -1;
	while (v & 0x80000000u) {
		n++;
		v <<= 1;
	}
	return n;
}

static struct in_addr
addr_plus(struct in_addr a, int32_t k)
{
	struct in_addr r = { htonl(ntohl(a.s_addr) + (uint32_t)k) };

	return r;
}

static char *
addr_str(struct in_addr a)
{
	char t[INET_ADDRSTRLEN];

	return strdup(inet_ntop(AF_INET, &a, t, sizeof(t)));
}

/* Appends a helper-generated push ("route 10.8.0.1" ...). */
static int
push_fmt(struct rv_options *o, char *err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
push_fmt(struct rv_options *o, char *err, const char *fmt, ...)
{
	struct rv_srvopts *s = &o->srv;
	char text[128], **nl;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	nl = reallocarray(s->push, s->npush + 1, sizeof(*nl));
	if (nl == NULL)
		return bad(o, err, "push", "out of memory");
	s->push = nl;
	if ((nl[s->npush] = strdup(text)) == NULL)
		return bad(o, err, "push", "out of memory");
	s->npush++;
	return 0;
}

/* Adds the server's own route to the client network (net30, p2p). */
static int
add_route(struct rv_options *o, char *err, struct in_addr net, struct in_addr mask)
{
	struct rv_route *nr = reallocarray(o->routes, o->nroutes + 1, sizeof(*nr)), *rt;

	if (nr == NULL)
		return bad(o, err, "server", "out of memory");
	o->routes = nr;
	rt = &nr[o->nroutes];
	memset(rt, 0, sizeof(*rt));
	rt->metric = -1;
	rt->loc = rv_options_where(o, "server");
	if ((rt->network = addr_str(net)) == NULL || (rt->netmask = addr_str(mask)) == NULL) {
		free(rt->network);
		return bad(o, err, "server", "out of memory");
	}
	o->nroutes++;
	return 0;
}

static int
set_ifconfig(struct rv_options *o, char *err, struct in_addr local, struct in_addr remote)
{
	free(o->ifconfig_local);
	free(o->ifconfig_remote);
	o->ifconfig_local = addr_str(local);
	o->ifconfig_remote = addr_str(remote);
	if (o->ifconfig_local == NULL || o->ifconfig_remote == NULL)
		return bad(o, err, "server", "out of memory");
	return 0;
}

static const char *
topo_name(enum rv_topology t)
{
	return t == RV_TOPO_SUBNET ? "subnet" : t == RV_TOPO_P2P ? "p2p" : "net30";
}

/* --server NET MASK on tun. */
static int
expand_tun(struct rv_options *o, char *err, int bits)
{
	struct rv_srvopts *s = &o->srv;
	struct in_addr bcast = { s->net.s_addr | ~s->mask.s_addr };
	int r;

	if (bits > 29)
		return bad(o, err, "server", "with --dev tun the network must be /29 or larger");
	if (o->topology == RV_TOPO_SUBNET) {
		if ((r = set_ifconfig(o, err, addr_plus(s->net, 1), s->mask)) != 0)
			return r;
		s->pool_lo = addr_plus(s->net, 2);
		s->pool_hi = addr_plus(bcast, -1);
		s->pool_netmask = s->mask;
		if ((r = push_fmt(o, err, "route-gateway %s", inet_ntoa(addr_plus(s->net, 1)))) != 0)
			return r;
	} else {
		if ((r = set_ifconfig(o, err, addr_plus(s->net, 1), addr_plus(s->net, 2))) != 0 ||
		    (r = add_route(o, err, s->net, s->mask)) != 0)
			return r;
		s->pool_lo = addr_plus(s->net, 4);
		s->pool_hi = addr_plus(bcast, bits == 29 ? 0 : -4);
		if (s->client_to_client) {
			char net[INET_ADDRSTRLEN];

			inet_ntop(AF_INET, &s->net, net, sizeof(net));
			r = push_fmt(o, err, "route %s %s", net, inet_ntoa(s->mask));
		} else if (o->topology == RV_TOPO_NET30) {
			r = push_fmt(o, err, "route %s", inet_ntoa(addr_plus(s->net, 1)));
		}
		if (r != 0)
			return r;
	}
	s->has_pool = !s->server_nopool;
	return push_fmt(o, err, "topology %s", topo_name(o->topology));
}

/* --server NET MASK on tap. */
static int
expand_tap(struct rv_options *o, char *err, int bits)
{
	struct rv_srvopts *s = &o->srv;
	struct in_addr bcast = { s->net.s_addr | ~s->mask.s_addr };
	int r;

	if (bits > 30)
		return bad(o, err, "server", "with --dev tap the network must be /30 or larger");
	if ((r = set_ifconfig(o, err, addr_plus(s->net, 1), s->mask)) != 0)
		return r;
	s->pool_lo = addr_plus(s->net, 2);
	s->pool_hi = addr_plus(bcast, -1);
	s->pool_netmask = s->mask;
	s->has_pool = !s->server_nopool;
	return push_fmt(o, err, "route-gateway %s", inet_ntoa(addr_plus(s->net, 1)));
}

static int
expand_server(struct rv_options *o, char *err)
{
	struct rv_srvopts *s = &o->srv;
	int bits;

	if (o->tls_client || o->pull)
		return bad(o, err, "server", "cannot be combined with --client, --tls-client or --pull");
	if (o->secret.path != NULL || o->secret.text != NULL)
		return bad(o, err, "server", "cannot be combined with --secret (use TLS keys)");
	if (s->pool_start != NULL && !s->server_nopool)
		return bad(o, err, "ifconfig-pool", "--server already defines the pool");
	if (inet_pton(AF_INET, s->server_net, &s->net) != 1 ||
	    inet_pton(AF_INET, s->server_mask, &s->mask) != 1 || (bits = netbits(s->mask)) < 0 ||
	    (s->net.s_addr & ~s->mask.s_addr) != 0)
		return bad(o, err, "server", "`%s %s' is not a network and netmask", s->server_net,
		    s->server_mask);
	if (bits < POOL_MIN_NETBITS)
		return bad(o, err, "server", "the network is too large (at most /%d)",
		    POOL_MIN_NETBITS);
	s->mode_server = true;
	o->tls_server = true;
	if (o->dev_type == RV_DEV_TAP)
		return expand_tap(o, err, bits);
	if (o->dev_type != RV_DEV_TUN)
		return bad(o, err, "server", "needs --dev tun or --dev tap");
	return expand_tun(o, err, bits);
}

/* An explicit --ifconfig-pool START END [MASK]. */
static int
check_pool(struct rv_options *o, char *err)
{
	struct rv_srvopts *s = &o->srv;

	if (s->pool_start == NULL)
		return 0;
	if (inet_pton(AF_INET, s->pool_start, &s->pool_lo) != 1 ||
	    inet_pton(AF_INET, s->pool_end, &s->pool_hi) != 1)
		return bad(o, err, "ifconfig-pool", "`%s %s' are not two IPv4 addresses",
		    s->pool_start, s->pool_end);
	if (ntohl(s->pool_lo.s_addr) > ntohl(s->pool_hi.s_addr) ||
	    ntohl(s->pool_hi.s_addr) - ntohl(s->pool_lo.s_addr) > 65535)
		return bad(o, err, "ifconfig-pool", "the range %s - %s is empty or larger than "
		    "65536 addresses", s->pool_start, s->pool_end);
	if (s->pool_mask != NULL && (inet_pton(AF_INET, s->pool_mask, &s->pool_netmask) != 1 ||
	    netbits(s->pool_netmask) < 0))
		return bad(o, err, "ifconfig-pool", "`%s' is not a netmask", s->pool_mask);
	s->has_pool = true;
	return 0;
}

/* A /64 .. /124 IPv6 network of option name. */
static int
parse_net6(struct rv_options *o, char *err, const char *name, const char *text,
    struct in6_addr *net, int *bits)
{
	if (strchr(text, '/') == NULL || rv_addr_parse_prefix6(text, net, bits) != 0)
		return bad(o, err, name, "`%s' is not an IPv6 network (NET/BITS)", text);
	if (*bits < POOL6_MIN_BITS || *bits > POOL6_MAX_BITS)
		return bad(o, err, name, "the network must be between /%d and /%d (not /%d)",
		    POOL6_MIN_BITS, POOL6_MAX_BITS, *bits);
	return 0;
}

/* --server-ipv6 NET/BITS: ifconfig-ipv6 NET+1/BITS NET+2, the IPv6 pool
 * from NET+0x1000 (NET+2 in a /112 or smaller), push "tun-ipv6" (before
 * what --server pushes, as openvpn's helper runs this part first). */
static int
expand_server6(struct rv_options *o, char *err)
{
	struct rv_srvopts *s = &o->srv;
	struct in6_addr net, a;
	char text[INET6_ADDRSTRLEN], with_bits[INET6_ADDRSTRLEN + 8];
	int bits, r;

	if (o->tls_client || o->pull)
		return bad(o, err, "server-ipv6", "cannot be combined with --client, --tls-client or "
		    "--pull");
	if (s->server_nopool)
		return bad(o, err, "server-ipv6", "is incompatible with --server ... nopool");
	if (s->pool6 != NULL)
		return bad(o, err, "ifconfig-ipv6-pool", "--server-ipv6 already defines the IPv6 pool");
	if ((r = parse_net6(o, err, "server-ipv6", s->server6, &net, &bits)) != 0)
		return r;
	s->mode_server = true;
	o->tls_server = true;
	a = net;
	rv_addr_add6(&a, 1);
	snprintf(with_bits, sizeof(with_bits), "%s/%d", inet_ntop(AF_INET6, &a, text,
	    sizeof(text)), bits);
	a = net;
	rv_addr_add6(&a, 2);
	free(o->ifconfig6_local);
	free(o->ifconfig6_remote);
	o->ifconfig6_local = strdup(with_bits);
	o->ifconfig6_remote = strdup(inet_ntop(AF_INET6, &a, text, sizeof(text)));
	if (o->ifconfig6_local == NULL || o->ifconfig6_remote == NULL)
		return bad(o, err, "server-ipv6", "out of memory");
	s->pool6_base = net;
	rv_addr_add6(&s->pool6_base, bits < POOL6_SMALL_BITS ? POOL6_OFFSET : 2);
	s->pool6_bits = bits;
	s->has_pool6 = true;
	return push_fmt(o, err, "tun-ipv6");
}

/* An explicit --ifconfig-ipv6-pool BASE/BITS. */
static int
check_pool6(struct rv_options *o, char *err)
{
	struct rv_srvopts *s = &o->srv;
	int r;

	if (s->pool6 == NULL)
		return 0;
	if ((r = parse_net6(o, err, "ifconfig-ipv6-pool", s->pool6, &s->pool6_base,
	    &s->pool6_bits)) != 0)
		return r;
	/* Clients get the server's prefix length and its address as peer. */
	if (o->ifconfig6_local == NULL)
		return bad(o, err, "ifconfig-ipv6-pool", "needs --ifconfig-ipv6 (the server's own "
		    "IPv6 address)");
	s->has_pool6 = true;
	return 0;
}

/* keepalive A B in server mode: ping-restart 2B here, the clients get A, B. */
static int
expand_keepalive(struct rv_options *o, char *err)
{
	int r;

	if (o->keepalive_ping == 0)
		return 0;
	o->ping_restart = 2 * o->keepalive_timeout;
	if ((r = push_fmt(o, err, "ping %d", o->keepalive_ping)) != 0)
		return r;
	return push_fmt(o, err, "ping-restart %d", o->keepalive_timeout);
}

int
rv_options_server_check(struct rv_options *o, char err[static RV_OPT_ERRLEN])
{
	struct rv_srvopts *s = &o->srv;
	int r;

	if (s->server6 != NULL && (r = expand_server6(o, err)) != 0)
		return r;
	if (o->topology == RV_TOPO_UNSET && (s->server_net != NULL || s->mode_server))
		o->topology = RV_TOPO_NET30;
	if (s->server_net != NULL && (r = expand_server(o, err)) != 0)
		return r;
	if (!s->mode_server) {
		if (s->npush > 0 || s->pool_start != NULL || s->pool6 != NULL ||
		    given(o, "client-config-dir"))
			return bad(o, err, s->npush > 0 ? "push" : s->pool_start != NULL ?
			    "ifconfig-pool" : s->pool6 != NULL ? "ifconfig-ipv6-pool" :
			    "client-config-dir", "needs --mode server (or --server)");
		return 0;
	}
	if (!o->tls_server)
		return bad(o, err, "mode", "--mode server needs --tls-server");
	if (o->dev_type != RV_DEV_TUN)
		return bad(o, err, given(o, "server") ? "server" : "mode", "a server needs --dev tun "
		    "(roamvpn does not serve on tap yet)");
	if ((r = check_pool(o, err)) != 0 || (r = check_pool6(o, err)) != 0 ||
	    (r = expand_keepalive(o, err)) != 0)
		return r;
	if (s->verify_client_cert != RV_VCC_REQUIRE && s->auth_verify == NULL)
		rv_log(RV_LOG_WARN, "--verify-client-cert %s without --auth-user-pass-verify: "
		    "clients without a certificate are not authenticated at all",
		    s->verify_client_cert == RV_VCC_NONE ? "none" : "optional");
	if ((s->auth_verify != NULL || s->client_connect != NULL ||
	    s->client_disconnect != NULL) && s->script_security < 2)
		return bad(o, err, s->auth_verify != NULL ? "auth-user-pass-verify" :
		    s->client_connect != NULL ? "client-connect" : "client-disconnect",
		    "running a script needs --script-security 2 or higher");
	if (s->auth_verify != NULL && s->auth_verify_method == RV_AUTH_VIA_ENV &&
	    s->script_security < 3)
		return bad(o, err, "auth-user-pass-verify", "via-env puts the password into the "
		    "environment and needs --script-security 3");
	return 0;
}
