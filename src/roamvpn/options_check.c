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

#include "crypto.h"
#include "err.h"
#include "keyfile.h"
#include "log.h"
#include "wire.h"

static int bad(const struct rv_options *o, char *err, const char *option,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int
bad(const struct rv_options *o, char *err, const char *option, const char *fmt, ...)
{
	char prefix[256], msg[RV_OPT_ERRLEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rv_options_prefix(o, option, prefix, sizeof(prefix));
	snprintf(err, RV_OPT_ERRLEN, "%s%s", prefix, msg);
	return RV_ERR_FORMAT;
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
		if (given(o, "cipher") || given(o, "auth"))
			rv_log(RV_LOG_WARN, "--cipher and --auth have no effect without --secret");
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
	if ((r = check_keepalive(o, err)) != 0 || (r = check_dev(o, err)) != 0 ||
	    (r = check_ifconfig(o, err)) != 0)
		return r;
	for (size_t i = 0; i < o->nroutes; i++)
		if ((r = check_route(o, &o->routes[i], err)) != 0)
			return r;
	if ((r = check_secret(o, err)) != 0 || (r = check_crypto(o, err)) != 0)
		return r;
	if (o->nremotes == 0 && o->ping_timer_rem)
		rv_log(RV_LOG_INFO, "--ping-timer-rem: the ping-restart timer waits for the "
		    "first packet from the peer");
	return 0;
}
