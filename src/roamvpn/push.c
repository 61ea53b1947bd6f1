/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * push: the options a server pushes in PUSH_REPLY (wire facts 8.2-8.4;
 * openvpn push.c process_incoming_push_reply, options.c apply_push_options).
 *
 * The text after "PUSH_REPLY," is split at commas (pushed options cannot
 * contain one, 8.3) and each item is read as one config line by conf.c.
 * Options roamvpn applies are checked and stored in struct rv_push; a
 * malformed one fails the whole push. Everything else is logged once and
 * skipped, as openvpn skips what its pull permission mask does not allow.
 * Nothing is applied here: the session does that after the last part
 * ("push-continuation 1" or none), when the topology is known too.
 */
#include "push.h"

#include "roamvpn/roam.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "buf.h"
#include "conf.h"
#include "err.h"
#include "log.h"

enum {
	NAME_MAX_LOG = 64,         /* longest option name quoted in a log line */
	PEER_ID_MAX = 0xffffff,    /* 24-bit field of P_DATA_V2 (wire facts 1) */
	TUN_MTU_MIN = 68,          /* the limits options.c applies to --tun-mtu */
	TUN_MTU_MAX = 65535,
	TIMER_MAX = 1000000000,    /* the limit options.c applies to --ping */
};

/* State of one rv_push_parse() call. */
struct pctx {
	struct rv_push *p;
	char *err;                 /* RV_PUSH_ERRLEN bytes, the caller's */
	const char *name;          /* the option being handled */
	bool called;               /* conf.c reached the option handler */
};

static int bad(struct pctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Fills err with "option: what is wrong". */
static int
bad(struct pctx *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(c->err, RV_PUSH_ERRLEN, "%.*s: ", NAME_MAX_LOG, c->name);
	if (n > 0 && n < RV_PUSH_ERRLEN) {
		va_start(ap, fmt);
		vsnprintf(&c->err[n], RV_PUSH_ERRLEN - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return RV_ERR_FORMAT;
}

/* Logs a skipped option (never its arguments: auth-token carries a
 * secret) and counts it. */
static int
skip(struct pctx *c, int level, const char *why)
{
	rv_log(level, "pushed option `%.*s' ignored: %s", NAME_MAX_LOG, c->name, why);
	c->p->ignored++;
	return 0;
}

/* --- values -------------------------------------------------------------------- */

/* A decimal number from min to max; no sign, no spaces, no hex. */
static int
number(struct pctx *c, const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (s[0] < '0' || s[0] > '9')
		return bad(c, "`%.64s' is not a number", s);
	errno = 0;
	v = strtol(s, &end, 10);
	if (*end != '\0')
		return bad(c, "`%.64s' is not a number", s);
	if (errno == ERANGE || v < min || v > max)
		return bad(c, "%.64s is out of range (%ld to %ld)", s, min, max);
	*out = v;
	return 0;
}

/* A dotted-quad IPv4 address: a pushed name is never resolved (openvpn
 * needs --allow-pull-fqdn for that). */
static int
ipv4(struct pctx *c, const char *s, struct in_addr *out)
{
	if (inet_pton(AF_INET, s, out) != 1)
		return bad(c, "`%.64s' is not an IPv4 address", s);
	return 0;
}

/* An IPv6 address, with "/BITS" if bits is not NULL. */
static int
ipv6(struct pctx *c, const char *s, struct in6_addr *out, int *bits)
{
	int b;

	if (rv_addr_parse_prefix6(s, out, &b) != 0 || (bits == NULL && strchr(s, '/') != NULL))
		return bad(c, "`%.64s' is not an IPv6 address%s", s, bits != NULL ?
		    " (with an optional /BITS)" : "");
	if (bits != NULL)
		*bits = b;
	return 0;
}

/* A netmask: its one bits must be contiguous, or no prefix length fits. */
static int
netmask(struct pctx *c, const char *s, struct in_addr *out)
{
	uint32_t inv;
	int r;

	if ((r = ipv4(c, s, out)) != 0)
		return r;
	inv = ~ntohl(out->s_addr);
	if ((inv & (inv + 1)) != 0)
		return bad(c, "`%.64s' is not a netmask", s);
	return 0;
}

/* --- applied options ------------------------------------------------------------- */

/* ifconfig LOCAL REMOTE|NETMASK: which of the two the second one is depends
 * on the topology, which may come later in the same push (wire facts 12). */
static int
h_ifconfig(struct pctx *c, char *const *a, int n)
{
	struct in_addr local, remote;
	int r;

	(void)n;
	if ((r = ipv4(c, a[0], &local)) != 0 || (r = ipv4(c, a[1], &remote)) != 0)
		return r;
	c->p->has_ifconfig = true;
	c->p->ifc_local = local;
	c->p->ifc_remote = remote;
	return 0;
}

/* The gateway of the path outside the tunnel, and the server's address. */
static bool
is_outside(const char *s)
{
	return strcmp(s, "net_gateway") == 0 || strcmp(s, "remote_host") == 0;
}

/* route GW: an address, or vpn_gateway / default for the tunnel's gateway
 * (route-gateway, or the ifconfig peer). */
static int
route_gw(struct pctx *c, const char *s, struct rv_netroute *rt)
{
	if (strcmp(s, "vpn_gateway") == 0 || strcmp(s, "default") == 0)
		return 0;
	rt->has_gw = true;
	return ipv4(c, s, &rt->gw);
}

/* route NET [MASK] [GW|vpn_gateway|default] [METRIC] */
static int
h_route(struct pctx *c, char *const *a, int n)
{
	struct rv_netroute rt = { .metric = -1 };
	long metric;
	int r;

	/* Addresses only known when routes are added cannot be stored. */
	if (is_outside(a[0]) || strcmp(a[0], "vpn_gateway") == 0)
		return skip(c, RV_LOG_WARN, "a keyword as the network is not supported");
	if (n > 2 && is_outside(a[2]))
		return skip(c, RV_LOG_WARN, "routes outside the tunnel are not supported");
	rt.mask.s_addr = htonl(UINT32_MAX);   /* no MASK or "default": a host route */
	if ((r = ipv4(c, a[0], &rt.net)) != 0 ||
	    (n > 1 && strcmp(a[1], "default") != 0 && (r = netmask(c, a[1], &rt.mask)) != 0) ||
	    (n > 2 && (r = route_gw(c, a[2], &rt)) != 0))
		return r;
	if (n > 3 && strcmp(a[3], "default") != 0) {
		if ((r = number(c, a[3], 0, INT_MAX, &metric)) != 0)
			return r;
		rt.metric = (int)metric;
	}
	if (c->p->nroutes >= RV_PUSH_ROUTES_MAX)
		return bad(c, "more than %d routes pushed", RV_PUSH_ROUTES_MAX);
	/* The kernel refuses a route with host bits set. */
	rt.net.s_addr &= rt.mask.s_addr;
	c->p->routes[c->p->nroutes++] = rt;
	return 0;
}

/* ifconfig-ipv6 ADDR/BITS REMOTE (the server's address) */
static int
h_ifconfig6(struct pctx *c, char *const *a, int n)
{
	struct in6_addr local, remote;
	int bits = 128, r;

	(void)n;
	if ((r = ipv6(c, a[0], &local, &bits)) != 0 || (r = ipv6(c, a[1], &remote, NULL)) != 0)
		return r;
	c->p->has_ifconfig6 = true;
	c->p->ifc6_local = local;
	c->p->ifc6_bits = bits;
	c->p->ifc6_remote = remote;
	return 0;
}

/* route-ipv6 NET/BITS [GW|vpn_gateway|default] [METRIC]: the device route;
 * a gateway given is kept for tap. */
static int
h_route6(struct pctx *c, char *const *a, int n)
{
	struct rv_netroute6 rt = { .metric = -1 };
	long metric;
	int r;

	if (is_outside(a[0]))
		return skip(c, RV_LOG_WARN, "a keyword as the network is not supported");
	if (n > 1 && is_outside(a[1]))
		return skip(c, RV_LOG_WARN, "routes outside the tunnel are not supported");
	if ((r = ipv6(c, a[0], &rt.net, &rt.bits)) != 0)
		return r;
	if (n > 1 && strcmp(a[1], "vpn_gateway") != 0 && strcmp(a[1], "default") != 0) {
		if ((r = ipv6(c, a[1], &rt.gw, NULL)) != 0)
			return r;
		rt.has_gw = true;
	}
	if (n > 2 && strcmp(a[2], "default") != 0) {
		if ((r = number(c, a[2], 0, INT_MAX, &metric)) != 0)
			return r;
		rt.metric = (int)metric;
	}
	if (c->p->nroutes6 >= RV_PUSH_ROUTES_MAX)
		return bad(c, "more than %d IPv6 routes pushed", RV_PUSH_ROUTES_MAX);
	rv_addr_mask6(&rt.net, rt.bits);
	c->p->routes6[c->p->nroutes6++] = rt;
	return 0;
}

static int
h_route_gateway(struct pctx *c, char *const *a, int n)
{
	struct in_addr gw;
	int r;

	(void)n;
	if (strcmp(a[0], "dhcp") == 0)
		return skip(c, RV_LOG_WARN, "route-gateway dhcp is for tap devices, not supported");
	if ((r = ipv4(c, a[0], &gw)) != 0)
		return r;
	c->p->has_route_gateway = true;
	c->p->route_gateway = gw;
	return 0;
}

static int
h_topology(struct pctx *c, char *const *a, int n)
{
	(void)n;
	if (strcmp(a[0], "net30") == 0)
		c->p->topology = RV_TOPO_NET30;
	else if (strcmp(a[0], "p2p") == 0)
		c->p->topology = RV_TOPO_P2P;
	else if (strcmp(a[0], "subnet") == 0)
		c->p->topology = RV_TOPO_SUBNET;
	else
		return bad(c, "expects net30, p2p or subnet, got `%.64s'", a[0]);
	c->p->has_topology = true;
	return 0;
}

/* ping N, ping-restart N */
static int
h_timer(struct pctx *c, char *const *a, int n)
{
	long v;
	int r;

	(void)n;
	if ((r = number(c, a[0], 0, TIMER_MAX, &v)) != 0)
		return r;
	if (strcmp(c->name, "ping") == 0)
		c->p->ping = (int)v;
	else
		c->p->ping_restart = (int)v;
	return 0;
}

static int
h_peer_id(struct pctx *c, char *const *a, int n)
{
	long v;
	int r;

	(void)n;
	if ((r = number(c, a[0], 0, PEER_ID_MAX, &v)) != 0)
		return r;
	c->p->has_peer_id = true;
	c->p->peer_id = (uint32_t)v;
	return 0;
}

/* roam-extension VERSION: the server speaks the mobility extension
 * (include/roamvpn/roam.h); a later version includes ours. */
static int
h_roam(struct pctx *c, char *const *a, int n)
{
	long v;
	int r;

	(void)n;
	if ((r = number(c, a[0], 1, 255, &v)) != 0)
		return r;
	c->p->roam = v >= RV_ROAM_VERSION;
	return 0;
}

/* Whether the cipher is one roamvpn allows is the session's check
 * (wire facts 8.4: not in data-ciphers fails the connection). */
static int
h_cipher(struct pctx *c, char *const *a, int n)
{
	size_t len = strlen(a[0]);

	(void)n;
	if (len == 0 || len >= sizeof(c->p->cipher))
		return bad(c, "`%.64s' is not a cipher name", a[0]);
	memcpy(c->p->cipher, a[0], len + 1);
	return 0;
}

/* protocol-flags WORD...: words a newer server may add are ignored. */
static int
h_protocol_flags(struct pctx *c, char *const *a, int n)
{
	for (int i = 0; i < n; i++) {
		if (strcmp(a[i], "cc-exit") == 0)
			c->p->flags |= RV_PUSH_FLAG_CC_EXIT;
		else if (strcmp(a[i], "tls-ekm") == 0)
			c->p->flags |= RV_PUSH_FLAG_TLS_EKM;
		else if (strcmp(a[i], "dyn-tls-crypt") == 0)
			c->p->flags |= RV_PUSH_FLAG_DYN_TLS_CRYPT;
		else
			rv_log(RV_LOG_NOTICE, "pushed protocol-flags: unknown flag `%.64s' ignored", a[i]);
	}
	return 0;
}

/* key-derivation tls-ekm: what a 2.6 server pushes to a client that
 * announced EKM but not cc-exit (wire facts 5.2). */
static int
h_key_derivation(struct pctx *c, char *const *a, int n)
{
	(void)n;
	if (strcmp(a[0], "tls-ekm") != 0)
		return bad(c, "unknown method `%.64s' (only tls-ekm)", a[0]);
	c->p->flags |= RV_PUSH_FLAG_TLS_EKM;
	return 0;
}

static int
h_tun_mtu(struct pctx *c, char *const *a, int n)
{
	long v;
	int r;

	(void)n;
	if ((r = number(c, a[0], TUN_MTU_MIN, TUN_MTU_MAX, &v)) != 0)
		return r;
	c->p->tun_mtu = (int)v;
	return 0;
}

/* push-continuation 2 ends a part that has more after it; 1 ends the last
 * (wire facts 8.3). */
static int
h_continuation(struct pctx *c, char *const *a, int n)
{
	(void)n;
	if (strcmp(a[0], "1") == 0)
		c->p->more = false;
	else if (strcmp(a[0], "2") == 0)
		c->p->more = true;
	else
		return bad(c, "expects 1 or 2, got `%.64s'", a[0]);
	return 0;
}

/*
 * Compression: any pushed form changes the data-channel framing (wire facts
 * 7.4). Parsed here; whether the configuration allows it (openvpn 2.6's
 * --allow-compression) is decided when the push is applied. lz4 fails the
 * push: roamvpn has no LZ4, and its framing cannot be guessed.
 */
static int
h_comp(struct pctx *c, char *const *a, int n)
{
	const char *why;

	if (rv_comp_parse(c->name, n > 0 ? a[0] : NULL, &c->p->comp_alg, &c->p->comp_adaptive,
	    &why) != 0)
		return bad(c, "`%.64s': %s", n > 0 ? a[0] : "", why);
	c->p->has_comp = true;
	return 0;
}

typedef int handler_fn(struct pctx *c, char *const *a, int n);

static const struct applied {
	const char *name;
	int min, max;              /* arguments, without the name */
	handler_fn *fn;
} applied[] = {
	{ "ifconfig", 2, 2, h_ifconfig },
	{ "route", 1, 4, h_route },
	{ "ifconfig-ipv6", 2, 2, h_ifconfig6 },
	{ "route-ipv6", 1, 3, h_route6 },
	{ "route-gateway", 1, 1, h_route_gateway },
	{ "topology", 1, 1, h_topology },
	{ "ping", 1, 1, h_timer },
	{ "ping-restart", 1, 1, h_timer },
	{ "peer-id", 1, 1, h_peer_id },
	{ "cipher", 1, 1, h_cipher },
	{ "protocol-flags", 1, RV_CONF_MAX_ARGS - 1, h_protocol_flags },
	{ "key-derivation", 1, 1, h_key_derivation },
	{ "tun-mtu", 1, 1, h_tun_mtu },
	{ "push-continuation", 1, 1, h_continuation },
	{ "comp-lzo", 0, 1, h_comp },
	{ "compress", 0, 1, h_comp },
	{ RV_ROAM_PUSH_OPTION, 1, 1, h_roam },
};

/* --- skipped options ---------------------------------------------------------------- */

static const struct skipped {
	const char *name;
	int level;
	const char *why;
} skipped[] = {
	{ "redirect-gateway", RV_LOG_WARN, "the default route is not moved into the tunnel" },
	{ "dhcp-option", RV_LOG_WARN, "DNS settings are not applied" },
	{ "dns", RV_LOG_WARN, "DNS settings are not applied" },
	{ "tun-ipv6", RV_LOG_INFO, "obsolete" },
	{ "block-outside-dns", RV_LOG_INFO, "Windows only" },
	{ "register-dns", RV_LOG_INFO, "Windows only" },
	{ "explicit-exit-notify", RV_LOG_INFO, "set by the client's own configuration" },
	{ "auth-token", RV_LOG_INFO, "not supported yet; a reconnect sends the password again" },
	{ "auth-token-user", RV_LOG_INFO, "not supported yet" },
	{ "echo", RV_LOG_INFO, "no management interface" },
	{ "setenv", RV_LOG_INFO, "roamvpn runs no scripts" },
	{ "inactive", RV_LOG_INFO, "set by the client's own configuration" },
	{ "route-delay", RV_LOG_INFO, "routes are added at once" },
	{ "socket-flags", RV_LOG_INFO, "TCP only" },
};

/* --- one item -------------------------------------------------------------------------- */

static int
on_line(void *arg, const struct rv_conf_line *l)
{
	struct pctx *c = arg;
	int nargs = l->argc - 1;

	c->called = true;
	c->name = l->argv[0];
	for (size_t i = 0; i < sizeof(applied) / sizeof(applied[0]); i++) {
		const struct applied *o = &applied[i];

		if (strcmp(c->name, o->name) != 0)
			continue;
		if ((nargs < o->min || nargs > o->max) && o->min == o->max)
			return bad(c, "expects %d argument%s, got %d", o->min,
			    o->min == 1 ? "" : "s", nargs);
		if (nargs < o->min || nargs > o->max)
			return bad(c, "expects %d to %d arguments, got %d", o->min, o->max, nargs);
		return o->fn(c, &l->argv[1], nargs);
	}
	for (size_t i = 0; i < sizeof(skipped) / sizeof(skipped[0]); i++)
		if (strcmp(c->name, skipped[i].name) == 0)
			return skip(c, skipped[i].level, skipped[i].why);
	return skip(c, RV_LOG_WARN, "unknown option");
}

static bool
is_applied(const char *name)
{
	for (size_t i = 0; i < sizeof(applied) / sizeof(applied[0]); i++)
		if (strcmp(name, applied[i].name) == 0)
			return true;
	return false;
}

/* The first word of an item (white space separates; a leading "--" is
 * dropped as conf.c does), for items conf.c cannot tokenize. */
static void
first_word(struct rv_buf item, char *out, size_t len)
{
	size_t n = 0;
	uint8_t ch;

	while (rv_buf_peek_u8(&item, 0, &ch) == 0 && ch == ' ')
		rv_buf_skip(&item, 1);
	if (rv_buf_has_prefix(&item, "--", 2))
		rv_buf_skip(&item, 2);
	while (n + 1 < len && rv_buf_get_u8(&item, &ch) == 0 && ch != ' ')
		out[n++] = (char)ch;
	out[n] = '\0';
}

/*
 * A syntax error (say an unclosed quote) in an option roamvpn applies fails
 * the push; in any other option it is skipped like the option itself.
 * openvpn skips every unparsable line, applied or not.
 */
static int
syntax_error(struct pctx *c, const struct rv_buf *item, const struct rv_conf_error *cerr)
{
	char word[NAME_MAX_LOG + 1];

	first_word(*item, word, sizeof(word));
	c->name = word;
	if (is_applied(word))
		return bad(c, "%s", cerr->msg);
	return skip(c, RV_LOG_WARN, "cannot be parsed");
}

static int
parse_item(struct pctx *c, const struct rv_buf *item)
{
	struct rv_conf_error cerr = { .msg = "" };
	int r;

	c->called = false;
	r = rv_conf_parse_text("PUSH_REPLY", (const char *)rv_buf_data(item), rv_buf_len(item),
	    on_line, c, &cerr);
	if (r == RV_ERR_FORMAT && !c->called)
		return syntax_error(c, item, &cerr);
	if (r != 0 && r != RV_ERR_FORMAT) {
		c->name = "PUSH_REPLY";
		return bad(c, "%s", r == RV_ERR_NOMEM ? "out of memory" : rv_strerror(r));
	}
	return r;
}

/* Takes the next comma-separated item off text. */
static int
next_item(struct rv_buf *text, struct rv_buf *item)
{
	size_t comma;
	int r;

	if (rv_buf_len(text) == 0)
		return RV_ERR_SHORT;
	if (rv_buf_find(text, ',', &comma) != 0)
		return rv_buf_get_view(text, rv_buf_len(text), item);
	if ((r = rv_buf_get_view(text, comma, item)) != 0)
		return r;
	return rv_buf_skip(text, 1);
}

/* control.c refuses such bytes in a message; a caller passing other text
 * must not get lines split at an embedded newline. */
static bool
has_control_chars(const struct rv_buf *text)
{
	uint8_t ch;

	for (size_t i = 0; rv_buf_peek_u8(text, i, &ch) == 0; i++)
		if (ch < 0x20 || ch == 0x7f)
			return true;
	return false;
}

/* --- API --------------------------------------------------------------------------------- */

void
rv_push_init(struct rv_push *p)
{
	memset(p, 0, sizeof(*p));
	p->topology = RV_TOPO_UNSET;
	p->ping = -1;
	p->ping_restart = -1;
}

int
rv_push_parse(struct rv_push *p, const char *options, char err[static RV_PUSH_ERRLEN])
{
	struct pctx c = { .p = p, .err = err, .name = "PUSH_REPLY" };
	struct rv_buf text, item;
	int r = 0;

	err[0] = '\0';
	/* A part without push-continuation is the last one (wire facts 8.3). */
	p->more = false;
	rv_buf_init_ro(&text, options, strlen(options));
	if (has_control_chars(&text)) {
		r = bad(&c, "the options contain a control character");
		goto out;
	}
	while (r == 0 && next_item(&text, &item) == 0)
		r = parse_item(&c, &item);
out:
	return r;
}
