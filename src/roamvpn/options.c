/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * options: the option table (name, arguments, handler, help) and the small
 * handlers that fill struct rv_options. OpenVPN's precedence holds: options
 * apply in the order given, a --config file at the point where it is named,
 * and a later option overrides an earlier one.
 */
#include "options.h"

#include <errno.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "conf.h"
#include "err.h"
#include "log.h"
#include "optarg.h"
#include "options_mgmt.h"
#include "options_comp.h"
#include "options_server.h"
#include "options_tls.h"

/* This file's part of the option table (parts[] below lists them all). */
static const struct rv_optdef table[];
static const size_t table_len;
static const struct rv_optdef *lookup(const char *name, size_t *index);

/* Options OpenVPN has that roamvpn does not implement yet: named clearly
 * instead of "unknown". */
static const char *const not_yet[] = {
	"tls-crypt-v2", "fragment", "http-proxy", "socks-proxy", "redirect-gateway",
	"dhcp-option", "pull-filter", "server-ipv6", "up", "down",
	"peer-fingerprint", "verify-hash", "remote-cert-ku", "remote-cert-eku",
	NULL,
};

/* --- helpers --------------------------------------------------------------- */

/* Interns a file name so option locations can point at it after parsing. */
static const char *
intern_file(struct rv_options *o, const char *name)
{
	char **nf;

	for (size_t i = 0; i < o->nfiles; i++)
		if (strcmp(o->files[i], name) == 0)
			return o->files[i];
	nf = reallocarray(o->files, o->nfiles + 1, sizeof(*nf));
	if (nf == NULL)
		return NULL;
	o->files = nf;
	if ((nf[o->nfiles] = strdup(name)) == NULL)
		return NULL;
	return nf[o->nfiles++];
}

/* --- handlers: general ----------------------------------------------------- */

static int apply_line(void *arg, const struct rv_conf_line *l);

static int
opt_config(struct rv_optctx *c, char **a, int n)
{
	struct rv_optctx sub = *c;
	struct rv_conf_error cerr;
	int r;

	(void)n;
	if (c->depth >= RV_CONF_MAX_DEPTH)
		return rv_optarg_bad(c, "more than %d nested --config files (does `%s' include itself?)",
		    RV_CONF_MAX_DEPTH, a[0]);
	if (c->o->first_config == NULL && (r = rv_optarg_set_str(c, &c->o->first_config, a[0])) != 0)
		return r;
	sub.depth++;
	r = rv_conf_parse_file(a[0], apply_line, &sub, &cerr);
	if (r == RV_ERR_SYSTEM || r == RV_ERR_LIMIT || r == RV_ERR_NOMEM)
		return rv_optarg_bad(c, "%s", cerr.msg);
	if (r == RV_ERR_FORMAT && sub.err[0] == '\0')
		snprintf(c->err, RV_OPT_ERRLEN, "%s", cerr.msg);
	return r;
}

static int
opt_cd(struct rv_optctx *c, char **a, int n)
{
	(void)n;
	if (chdir(a[0]) != 0)
		return rv_optarg_bad(c, "cannot change directory to %s: %s", a[0], strerror(errno));
	return 0;
}

static int
opt_log(struct rv_optctx *c, char **a, int n)
{
	(void)n;
	c->o->log_append = strcmp(c->l->argv[0], "log-append") == 0;
	return rv_optarg_set_str(c, &c->o->log_file, a[0]);
}

static int
opt_daemon(struct rv_optctx *c, char **a, int n)
{
	c->o->daemon = true;
	return n > 0 ? rv_optarg_set_str(c, &c->o->daemon_name, a[0]) : 0;
}

static int
opt_syslog(struct rv_optctx *c, char **a, int n)
{
	c->o->use_syslog = true;
	return n > 0 ? rv_optarg_set_str(c, &c->o->syslog_name, a[0]) : 0;
}

static int
opt_providers(struct rv_optctx *c, char **a, int n)
{
	int r = 0;

	for (int i = 0; i < n && r == 0; i++)
		r = rv_optarg_push_str(c, &c->o->providers, &c->o->nproviders, a[i]);
	return r;
}

static int
opt_ignore_unknown(struct rv_optctx *c, char **a, int n)
{
	int r = 0;

	for (int i = 0; i < n && r == 0; i++)
		r = rv_optarg_push_str(c, &c->o->ignore_unknown, &c->o->nignore_unknown, a[i]);
	return r;
}

/* "setenv opt NAME ARGS": apply NAME if known, ignore it otherwise. Other
 * setenv variables are for scripts, which are not supported yet. */
static int
opt_setenv(struct rv_optctx *c, char **a, int n)
{
	struct rv_conf_line sub;
	size_t i;

	if (strcmp(a[0], "opt") != 0)
		return 0;
	if (n < 2)
		return rv_optarg_bad(c, "\"setenv opt\" needs an option after it");
	sub = *c->l;
	sub.argc = n - 1;
	memmove(sub.argv, &a[1], (size_t)(n - 1) * sizeof(char *));
	sub.argv[n - 1] = NULL;
	if (lookup(sub.argv[0], &i) != NULL)
		return apply_line(c, &sub);
	rv_log(RV_LOG_WARN, "%s:%u: ignoring unknown option %s (setenv opt)", c->l->file,
	    c->l->line, sub.argv[0]);
	return 0;
}

static int
opt_genkey(struct rv_optctx *c, char **a, int n)
{
	const char *type = n > 0 ? a[0] : "secret";

	if (strcmp(type, "secret") != 0 && strcmp(type, "tls-auth") != 0 &&
	    strcmp(type, "tls-crypt") != 0)
		return rv_optarg_bad(c, "unsupported key type `%s' (roamvpn generates secret, "
		    "tls-auth and tls-crypt keys)", type);
	c->o->genkey = RV_GENKEY_SECRET;
	return n > 1 ? rv_optarg_set_str(c, &c->o->genkey_file, a[1]) : 0;
}

/* --- handlers: device ------------------------------------------------------ */

static int
opt_dev(struct rv_optctx *c, char **a, int n)
{
	(void)n;
	if (strlen(a[0]) >= 16)
		return rv_optarg_bad(c, "device name `%s' is longer than 15 characters", a[0]);
	return rv_optarg_set_str(c, &c->o->dev, a[0]);
}

static int
opt_dev_type(struct rv_optctx *c, char **a, int n)
{
	(void)n;
	if (strcmp(a[0], "tun") == 0)
		c->o->dev_type = RV_DEV_TUN;
	else if (strcmp(a[0], "tap") == 0)
		c->o->dev_type = RV_DEV_TAP;
	else if (strcmp(a[0], "null") == 0)
		c->o->dev_type = RV_DEV_NULL;
	else
		return rv_optarg_bad(c, "expects tun, tap or null, got `%s'", a[0]);
	return 0;
}

static int
opt_bind(struct rv_optctx *c, char **a, int n)
{
	if (n > 0 && strcmp(a[0], "ipv6only") != 0)
		return rv_optarg_bad(c, "the only argument allowed is ipv6only, got `%s'", a[0]);
	c->o->nobind = false;
	c->o->bind_ipv6only = n > 0;
	return 0;
}

static int
opt_ifconfig(struct rv_optctx *c, char **a, int n)
{
	int r;

	(void)n;
	if ((r = rv_optarg_set_str(c, &c->o->ifconfig_local, a[0])) != 0)
		return r;
	return rv_optarg_set_str(c, &c->o->ifconfig_remote, a[1]);
}

static int
opt_topology(struct rv_optctx *c, char **a, int n)
{
	(void)n;
	if (strcmp(a[0], "net30") == 0)
		c->o->topology = RV_TOPO_NET30;
	else if (strcmp(a[0], "p2p") == 0)
		c->o->topology = RV_TOPO_P2P;
	else if (strcmp(a[0], "subnet") == 0)
		c->o->topology = RV_TOPO_SUBNET;
	else
		return rv_optarg_bad(c, "expects net30, p2p or subnet, got `%s'", a[0]);
	return 0;
}

/* Appends a zeroed element of size bytes to the array *arr of *n elements;
 * returns it, or NULL when out of memory. */
static void *
append(void **arr, size_t *n, size_t size)
{
	char *na = reallocarray(*arr, *n + 1, size);

	if (na == NULL)
		return NULL;
	*arr = na;
	memset(na + *n * size, 0, size);
	return na + (*n)++ * size;
}

/* Argument i of a route, unless absent or OpenVPN's "default" placeholder. */
static int
route_arg(struct rv_optctx *c, char **field, char **a, int n, int i)
{
	if (i >= n || strcmp(a[i], "default") == 0)
		return 0;
	if ((*field = strdup(a[i])) == NULL)
		return rv_optarg_bad(c, "out of memory");
	return 0;
}

static int
route_metric(struct rv_optctx *c, char **a, int n, int i, int *metric)
{
	*metric = -1;
	if (i >= n || strcmp(a[i], "default") == 0)
		return 0;
	return rv_optarg_int(c, a[i], 0, 255 * 255 * 255, metric);
}

static int
opt_route(struct rv_optctx *c, char **a, int n)
{
	struct rv_options *o = c->o;
	void *arr = o->routes;
	struct rv_route *rt = append(&arr, &o->nroutes, sizeof(*rt));
	int r;

	o->routes = arr;
	if (rt == NULL)
		return rv_optarg_bad(c, "out of memory");
	rt->loc = (struct rv_optloc){ intern_file(o, c->l->file), c->l->line };
	/* NET [MASK] [GW] [METRIC] */
	if ((r = rv_optarg_set_str(c, &rt->network, a[0])) != 0 ||
	    (r = route_arg(c, &rt->netmask, a, n, 1)) != 0 ||
	    (r = route_arg(c, &rt->gateway, a, n, 2)) != 0)
		return r;
	return route_metric(c, a, n, 3, &rt->metric);
}

static int
opt_ifconfig6(struct rv_optctx *c, char **a, int n)
{
	int r;

	(void)n;
	if ((r = rv_optarg_set_str(c, &c->o->ifconfig6_local, a[0])) != 0)
		return r;
	return rv_optarg_set_str(c, &c->o->ifconfig6_remote, a[1]);
}

static int
opt_route6(struct rv_optctx *c, char **a, int n)
{
	struct rv_options *o = c->o;
	void *arr = o->routes6;
	struct rv_route6 *rt = append(&arr, &o->nroutes6, sizeof(*rt));
	int r;

	o->routes6 = arr;
	if (rt == NULL)
		return rv_optarg_bad(c, "out of memory");
	rt->loc = (struct rv_optloc){ intern_file(o, c->l->file), c->l->line };
	/* NET/BITS [GW] [METRIC] */
	if ((r = rv_optarg_set_str(c, &rt->network, a[0])) != 0 ||
	    (r = route_arg(c, &rt->gateway, a, n, 1)) != 0)
		return r;
	return route_metric(c, a, n, 2, &rt->metric);
}

static int
opt_roam(struct rv_optctx *c, char **a, int n)
{
	if (n == 0 || strcmp(a[0], "yes") == 0)
		c->o->roam = true;
	else if (strcmp(a[0], "no") == 0)
		c->o->roam = false;
	else
		return rv_optarg_bad(c, "expects yes or no, got `%s'", a[0]);
	return 0;
}

static int
opt_mssfix(struct rv_optctx *c, char **a, int n)
{
	c->o->mssfix_mode = RV_MSS_MTU;
	if (n == 0) {
		c->o->mssfix = 1492;
		return 0;
	}
	if (rv_optarg_int(c, a[0], 0, 65535, &c->o->mssfix) != 0)
		return RV_ERR_FORMAT;
	c->o->mssfix_mode = RV_MSS_PAYLOAD;
	if (n > 1 && strcmp(a[1], "fixed") == 0)
		c->o->mssfix_mode = RV_MSS_FIXED;
	else if (n > 1 && strcmp(a[1], "mtu") == 0)
		c->o->mssfix_mode = RV_MSS_MTU;
	else if (n > 1)
		return rv_optarg_bad(c, "second argument must be mtu or fixed, got `%s'", a[1]);
	return 0;
}

/* --- handlers: transport --------------------------------------------------- */

/* OpenVPN's --proto names, in enum rv_proto order. */
static const char *const proto_names[RV_PROTO_MAX] = {
	"udp", "udp4", "udp6", "tcp", "tcp4", "tcp6",
	"tcp-server", "tcp4-server", "tcp6-server", "tcp-client", "tcp4-client", "tcp6-client",
};

static int
get_proto(struct rv_optctx *c, const char *s, enum rv_proto *out)
{
	for (int i = 0; i < RV_PROTO_MAX; i++)
		if (strcmp(s, proto_names[i]) == 0) {
			*out = (enum rv_proto)i;
			return 0;
		}
	return rv_optarg_bad(c, "expects udp, tcp-server or tcp-client (or udp4, "
	    "tcp6-client ...), got `%s'", s);
}

static int
opt_proto(struct rv_optctx *c, char **a, int n)
{
	(void)n;
	return get_proto(c, a[0], &c->o->proto);
}

static int
opt_port(struct rv_optctx *c, char **a, int n)
{
	const char *name = c->l->argv[0];
	int r;

	(void)n;
	if ((r = rv_optarg_port(c, a[0])) != 0)
		return r;
	if (strcmp(name, "lport") == 0 || strcmp(name, "port") == 0) {
		if ((r = rv_optarg_set_str(c, &c->o->lport, a[0])) != 0)
			return r;
		/* An explicit local port means binding, as in OpenVPN. */
		if (strcmp(name, "lport") == 0)
			c->o->nobind = false;
	}
	if (strcmp(name, "rport") == 0 || strcmp(name, "port") == 0)
		return rv_optarg_set_str(c, &c->o->rport, a[0]);
	return 0;
}

static int
opt_remote(struct rv_optctx *c, char **a, int n)
{
	struct rv_options *o = c->o;
	struct rv_remote *nr, *rm;
	enum rv_proto proto = RV_PROTO_UDP;

	if (n > 1 && rv_optarg_port(c, a[1]) != 0)
		return RV_ERR_FORMAT;
	if (n > 2 && get_proto(c, a[2], &proto) != 0)
		return RV_ERR_FORMAT;
	nr = reallocarray(o->remotes, o->nremotes + 1, sizeof(*nr));
	if (nr == NULL)
		return rv_optarg_bad(c, "out of memory");
	o->remotes = nr;
	rm = &nr[o->nremotes++];
	memset(rm, 0, sizeof(*rm));
	rm->loc.file = intern_file(o, c->l->file);
	rm->loc.line = c->l->line;
	rm->has_proto = n > 2;
	rm->proto = proto;
	if ((rm->host = strdup(a[0])) == NULL)
		return rv_optarg_bad(c, "out of memory");
	if (n > 1 && (rm->port = strdup(a[1])) == NULL)
		return rv_optarg_bad(c, "out of memory");
	return 0;
}

static int
opt_resolv_retry(struct rv_optctx *c, char **a, int n)
{
	(void)n;
	if (strcmp(a[0], "infinite") == 0) {
		c->o->resolv_retry = -1;
		return 0;
	}
	return rv_optarg_int(c, a[0], 0, 1000000000, &c->o->resolv_retry);
}

/* --- handlers: crypto ------------------------------------------------------ */

static int
opt_secret(struct rv_optctx *c, char **a, int n)
{
	return rv_optarg_src(c, &c->o->secret, a, n, true);
}

static int
opt_replay_window(struct rv_optctx *c, char **a, int n)
{
	if (rv_optarg_int(c, a[0], 0, 65536, &c->o->replay_window) != 0)
		return RV_ERR_FORMAT;
	return n > 1 ? rv_optarg_int(c, a[1], 0, 600, &c->o->replay_time) : 0;
}

/* --- handlers: keepalive --------------------------------------------------- */

static int
opt_keepalive(struct rv_optctx *c, char **a, int n)
{
	(void)n;
	if (rv_optarg_int(c, a[0], 1, 1000000000, &c->o->keepalive_ping) != 0 ||
	    rv_optarg_int(c, a[1], 1, 1000000000, &c->o->keepalive_timeout) != 0)
		return RV_ERR_FORMAT;
	return 0;
}

static int
opt_inactive(struct rv_optctx *c, char **a, int n)
{
	if (rv_optarg_int(c, a[0], 0, 1000000000, &c->o->inactive) != 0)
		return RV_ERR_FORMAT;
	c->o->inactive_bytes = 0;
	return n > 1 ? rv_optarg_u64(c, a[1], &c->o->inactive_bytes) : 0;
}

static int
opt_explicit_exit_notify(struct rv_optctx *c, char **a, int n)
{
	c->o->explicit_exit_notify = 1;
	return n > 0 ? rv_optarg_int(c, a[0], 0, 1000, &c->o->explicit_exit_notify) : 0;
}

/* --- the table ------------------------------------------------------------- */

static const struct rv_optdef table[] = {
	/* general */
	{ "config", "FILE", 1, 1, 0, opt_config, "Read options from FILE (nestable)." },
	{ "cd", "DIR", 1, 1, 0, opt_cd, "Change to DIR before reading further files." },
	{ "help", "", 0, 0, RV_OPT_CMDLINE, rv_optarg_true_field, "Show this help and exit.", RV_OPT_FIELD(show_help) },
	{ "version", "", 0, 0, RV_OPT_CMDLINE, rv_optarg_true_field, "Show the version and exit.",
	  RV_OPT_FIELD(show_version) },
	{ "verb", "N", 1, 1, 0, rv_optarg_int_field,
	  "Log verbosity 0..11: 1 normal, 3 recommended, 4 shows dropped packets.",
	  RV_OPT_FIELD(verb), 0, 11 },
	{ "mute", "N", 1, 1, 0, rv_optarg_int_field, "Log at most N consecutive messages of one kind.",
	  RV_OPT_FIELD(mute), 0, 1000000 },
	{ "log", "FILE", 1, 1, 0, opt_log, "Log to FILE (truncated at start)." },
	{ "log-append", "FILE", 1, 1, 0, opt_log, "Log to FILE, appending." },
	{ "suppress-timestamps", "", 0, 0, 0, rv_optarg_true_field, "Do not prefix log lines with the time.",
	  RV_OPT_FIELD(suppress_timestamps) },
	{ "daemon", "[NAME]", 0, 1, 0, opt_daemon,
	  "Run in the background after start-up; log to syslog as NAME unless --log." },
	{ "syslog", "[NAME]", 0, 1, 0, opt_syslog, "Log to syslog as NAME." },
	{ "writepid", "FILE", 1, 1, 0, rv_optarg_str_field, "Write the process id to FILE.", RV_OPT_FIELD(writepid) },
	{ "user", "USER", 1, 1, 0, rv_optarg_str_field,
	  "Run as USER once the tunnel is up (see --persist-tun, --persist-key).", RV_OPT_FIELD(user) },
	{ "group", "GROUP", 1, 1, 0, rv_optarg_str_field, "Run as GROUP once the tunnel is up.",
	  RV_OPT_FIELD(group) },
	{ "chroot", "DIR", 1, 1, 0, rv_optarg_str_field,
	  "Change the root directory to DIR once the tunnel is up.", RV_OPT_FIELD(chroot_dir) },
	{ "mlock", "", 0, 0, 0, rv_optarg_true_field, "Lock all memory: keys never reach swap.",
	  RV_OPT_FIELD(mlock) },
	{ "providers", "NAME...", 1, 8, 0, opt_providers,
	  "Load these OpenSSL providers (e.g. legacy default, for BF-CBC)." },
	{ "ignore-unknown-option", "OPT...", 1, 15, 0, opt_ignore_unknown,
	  "Warn about, instead of refusing, these options if unknown." },
	{ "setenv", "NAME VALUE", 1, 15, 0, opt_setenv,
	  "\"setenv opt OPTION ...\" applies OPTION only if roamvpn knows it." },
	{ "genkey", "[TYPE] [FILE]", 0, 2, 0, opt_genkey,
	  "Write a new static key (TYPE secret, tls-auth or tls-crypt) to FILE or stdout." },
	/* device */
	{ "dev", "NAME", 1, 1, 0, opt_dev, "TUN/TAP device: tun, tunN, tap, tapN or null." },
	{ "dev-type", "TYPE", 1, 1, 0, opt_dev_type, "tun or tap, when --dev names neither." },
	{ "dev-node", "PATH", 1, 1, 0, rv_optarg_str_field, "Clone device (default /dev/net/tun).",
	  RV_OPT_FIELD(dev_node) },
	{ "tun-mtu", "N", 1, 1, 0, rv_optarg_int_field, "MTU of the device (default 1500).", RV_OPT_FIELD(tun_mtu),
	  68, 65535 },
	{ "persist-tun", "", 0, 0, 0, rv_optarg_true_field, "Keep the device across soft restarts.",
	  RV_OPT_FIELD(persist_tun) },
	{ "ifconfig", "LOCAL REMOTE|MASK", 2, 2, 0, opt_ifconfig,
	  "Device address: peer address for tun, netmask for tap or topology subnet." },
	{ "ifconfig-nowarn", "", 0, 0, 0, rv_optarg_true_field, "Accepted for compatibility.",
	  RV_OPT_FIELD(ifconfig_nowarn) },
	{ "topology", "TYPE", 1, 1, 0, opt_topology, "net30, p2p or subnet." },
	{ "route", "NET [MASK] [GW] [METRIC]", 1, 4, 0, opt_route,
	  "Add a route through the tunnel." },
	{ "route-gateway", "GW", 1, 1, 0, rv_optarg_str_field, "Default gateway of --route.",
	  RV_OPT_FIELD(route_gateway) },
	{ "route-metric", "N", 1, 1, 0, rv_optarg_int_field, "Default metric of --route.", RV_OPT_FIELD(route_metric),
	  0, 16777215 },
	{ "roam", "[yes|no]", 0, 1, 0, opt_roam,
	  "Mobility (default yes): a client or an end with --remote follows changes of its path "
	  "to the peer at once; both offer the roamvpn mobility extension (a server to clients "
	  "that announce it)." },
	{ "roam-hold", "SECS", 1, 1, 0, rv_optarg_int_field,
	  "Keep the session this long without any route to the peer (default 3600).",
	  RV_OPT_FIELD(roam_hold), 0, 86400 * 365 },
	{ "roam-validate", "SECS", 1, 1, 0, rv_optarg_int_field,
	  "Server: time a roaming client has to prove it receives at its new address before "
	  "it is moved back (default 3; 0 = follow it without validating).",
	  RV_OPT_FIELD(roam_validate), 0, 3600 },
	{ "ifconfig-ipv6", "ADDR/BITS REMOTE", 2, 2, 0, opt_ifconfig6,
	  "IPv6 address of the device and of the peer." },
	{ "route-ipv6", "NET/BITS [GW] [METRIC]", 1, 3, 0, opt_route6,
	  "Add an IPv6 route through the tunnel." },
	{ "mssfix", "[MAX] [mtu|fixed]", 0, 2, 0, opt_mssfix,
	  "Clamp TCP MSS so encapsulated packets fit MAX bytes (default 1492, 0 = off)." },
	{ "txqueuelen", "N", 1, 1, 0, rv_optarg_int_field, "Transmit queue length of the device.",
	  RV_OPT_FIELD(txqueuelen), 0, 1000000 },
	/* transport */
	{ "proto", "PROTO", 1, 1, 0, opt_proto,
	  "udp, tcp-server or tcp-client; udp4, tcp4-server ... for IPv4 only, udp6 ... for IPv6." },
	{ "local", "HOST", 1, 1, 0, rv_optarg_str_field, "Local address to bind.", RV_OPT_FIELD(local) },
	{ "lport", "PORT", 1, 1, 0, opt_port, "Local port (default 1194)." },
	{ "rport", "PORT", 1, 1, 0, opt_port, "Remote port (default 1194)." },
	{ "port", "PORT", 1, 1, 0, opt_port, "Local and remote port." },
	{ "remote", "HOST [PORT] [PROTO]", 1, 3, 0, opt_remote,
	  "Peer address; several are tried in turn on restarts." },
	{ "remote-random", "", 0, 0, 0, rv_optarg_true_field, "Try the --remote entries in random order.",
	  RV_OPT_FIELD(remote_random) },
	{ "nobind", "", 0, 0, 0, rv_optarg_true_field, "Do not bind a local port.", RV_OPT_FIELD(nobind) },
	{ "bind", "[ipv6only]", 0, 1, 0, opt_bind, "Bind the local port (the default)." },
	{ "float", "", 0, 0, 0, rv_optarg_true_field,
	  "Accept authenticated packets from any address and follow the peer there.",
	  RV_OPT_FIELD(float_) },
	{ "resolv-retry", "N|infinite", 1, 1, 0, opt_resolv_retry,
	  "Retry resolving --remote for N seconds." },
	{ "sndbuf", "N", 1, 1, 0, rv_optarg_int_field, "Socket send buffer size.", RV_OPT_FIELD(sndbuf), 0, 1 << 28 },
	{ "rcvbuf", "N", 1, 1, 0, rv_optarg_int_field, "Socket receive buffer size.", RV_OPT_FIELD(rcvbuf), 0, 1 << 28 },
	{ "tcp-queue-limit", "N", 1, 1, 0, rv_optarg_int_field,
	  "TCP: packets the send queue holds (default 64).", RV_OPT_FIELD(tcp_queue_limit), 1, 65536 },
	{ "tcp-nodelay", "", 0, 0, 0, rv_optarg_true_field,
	  "Accepted for compatibility: TCP_NODELAY is always set.", RV_OPT_FIELD(tcp_nodelay) },
	/* crypto */
	{ "secret", "FILE [DIR]", 1, 2, RV_OPT_INLINE, opt_secret,
	  "Static-key mode with this key file (or <secret> block)." },
	{ "key-direction", "0|1", 1, 1, 0, rv_optarg_keydir_field,
	  "Key direction for inline keys and keys given without one.", RV_OPT_FIELD(key_direction) },
	{ "cipher", "NAME", 1, 1, 0, rv_optarg_str_field,
	  "Data cipher for static-key mode: AES-128-CBC, AES-256-CBC ... (default BF-CBC).",
	  RV_OPT_FIELD(cipher) },
	{ "auth", "NAME", 1, 1, 0, rv_optarg_str_field,
	  "HMAC digest: SHA1 (default), SHA256, SHA512 or none.", RV_OPT_FIELD(auth) },
	{ "replay-window", "N [T]", 1, 2, 0, opt_replay_window,
	  "Accept packets up to N ids and T seconds out of order (default 64 15)." },
	{ "no-replay", "", 0, 0, 0, rv_optarg_true_field, "Disable replay protection (not recommended).",
	  RV_OPT_FIELD(no_replay) },
	{ "mute-replay-warnings", "", 0, 0, 0, rv_optarg_true_field, "Do not log replayed packets.",
	  RV_OPT_FIELD(mute_replay_warnings) },
	{ "persist-key", "", 0, 0, 0, rv_optarg_true_field, "Keep keys across soft restarts.",
	  RV_OPT_FIELD(persist_key) },
	/* keepalive */
	{ "ping", "N", 1, 1, 0, rv_optarg_int_field, "Send a ping after N seconds without sending.",
	  RV_OPT_FIELD(ping), 0, 1000000000 },
	{ "ping-restart", "N", 1, 1, 0, rv_optarg_int_field, "Restart after N seconds without receiving.",
	  RV_OPT_FIELD(ping_restart), 0, 1000000000 },
	{ "ping-exit", "N", 1, 1, 0, rv_optarg_int_field, "Exit after N seconds without receiving.",
	  RV_OPT_FIELD(ping_exit), 0, 1000000000 },
	{ "ping-timer-rem", "", 0, 0, 0, rv_optarg_true_field,
	  "Run the ping-restart timer only while the peer address is known.",
	  RV_OPT_FIELD(ping_timer_rem) },
	{ "keepalive", "PING TIMEOUT", 2, 2, 0, opt_keepalive,
	  "Shorthand for --ping PING --ping-restart TIMEOUT." },
	{ "inactive", "N [BYTES]", 1, 2, 0, opt_inactive,
	  "Exit after N seconds with less than BYTES of tunnel traffic." },
	{ "explicit-exit-notify", "[N]", 0, 1, 0, opt_explicit_exit_notify,
	  "On exit, tell the peer N times, once a second." },
};

static const size_t table_len = sizeof(table) / sizeof(table[0]);

/* --- dispatch ---------------------------------------------------------------- */

/* The parts of the whole table, in --help order: this file's, then those of
 * options_tls.c, options_mgmt.c, options_comp.c and options_server.c. Entry
 * i's location is locs[i]. */
static const struct {
	const struct rv_optdef *defs;
	const size_t *len;
} parts[] = {
	{ table, &table_len },
	{ rv_options_tls_table, &rv_options_tls_table_len },
	{ rv_options_mgmt_table, &rv_options_mgmt_table_len },
	{ rv_options_comp_table, &rv_options_comp_table_len },
	{ rv_options_server_table, &rv_options_server_table_len },
};

static size_t
table_size(void)
{
	size_t n = 0;

	for (size_t p = 0; p < sizeof(parts) / sizeof(parts[0]); p++)
		n += *parts[p].len;
	return n;
}

static const struct rv_optdef *
entry(size_t i)
{
	for (size_t p = 0; p < sizeof(parts) / sizeof(parts[0]); p++) {
		if (i < *parts[p].len)
			return &parts[p].defs[i];
		i -= *parts[p].len;
	}
	return NULL;
}

static const struct rv_optdef *
lookup(const char *name, size_t *index)
{
	for (size_t i = 0; i < table_size(); i++)
		if (strcmp(entry(i)->name, name) == 0) {
			*index = i;
			return entry(i);
		}
	return NULL;
}

/* Edit distance, for "did you mean" on unknown options. */
static size_t
distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), prev[64], cur[64];

	if (la >= 63 || lb >= 63)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;

			cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
		memcpy(prev, cur, (lb + 1) * sizeof(size_t));
	}
	return prev[lb];
}

static int
unknown(struct rv_optctx *c, const char *name)
{
	const char *best = NULL;
	size_t bestd = 3;

	for (size_t i = 0; i < c->o->nignore_unknown; i++)
		if (strcmp(c->o->ignore_unknown[i], name) == 0) {
			rv_log(RV_LOG_WARN, "%s:%u: ignoring unknown option %s", c->l->file,
			    c->l->line, name);
			return 0;
		}
	for (size_t i = 0; not_yet[i] != NULL; i++)
		if (strcmp(not_yet[i], name) == 0)
			return rv_optarg_bad(c, "an OpenVPN option that roamvpn does not implement yet");
	for (size_t i = 0; i < table_size(); i++) {
		size_t d = distance(name, entry(i)->name);

		if (d < bestd) {
			bestd = d;
			best = entry(i)->name;
		}
	}
	if (best != NULL)
		return rv_optarg_bad(c, "unknown option (did you mean --%s?)", best);
	return rv_optarg_bad(c, "unknown option (see roamvpn --help)");
}

static int
apply_line(void *arg, const struct rv_conf_line *l)
{
	struct rv_optctx *c = arg, sub = *c;
	const struct rv_optdef *d;
	int nargs = l->argc - 1, r;
	size_t i;

	sub.l = l;
	if ((d = lookup(l->argv[0], &i)) == NULL)
		return unknown(&sub, l->argv[0]);
	if ((d->flags & RV_OPT_CMDLINE) && l->line > 0)
		return rv_optarg_bad(&sub, "allowed only on the command line");
	if (l->is_inline && !(d->flags & RV_OPT_INLINE))
		return rv_optarg_bad(&sub, "cannot be given as an inline <%s> block", d->name);
	if (nargs < d->min || nargs > d->max) {
		if (d->min == d->max)
			return rv_optarg_bad(&sub, "expects %d argument%s (%s), got %d", d->min,
			    d->min == 1 ? "" : "s", d->args, nargs);
		return rv_optarg_bad(&sub, "expects %d to %d arguments (%s), got %d", d->min, d->max,
		    d->args, nargs);
	}
	sub.def = d;
	if ((r = d->fn(&sub, (char **)&l->argv[1], nargs)) != 0)
		return r;
	c->o->locs[i].file = intern_file(c->o, l->file);
	c->o->locs[i].line = l->line;
	return 0;
}

/* --- public ---------------------------------------------------------------- */

int
rv_options_init(struct rv_options *o)
{
	memset(o, 0, sizeof(*o));
	o->locs = calloc(table_size(), sizeof(*o->locs));
	if (o->locs == NULL)
		return RV_ERR_NOMEM;
	o->verb = 1;
	o->tun_mtu = 1500;
	o->mssfix = 1492;
	o->route_metric = -1;
	o->roam = true;
	o->roam_hold = 3600;
	o->roam_validate = 3;
	o->proto = RV_PROTO_UDP;
	o->resolv_retry = -1;
	o->tcp_queue_limit = 64;
	o->secret.direction = RV_KEYDIR_BIDI;
	o->key_direction = RV_KEYDIR_BIDI;
	o->keydir = RV_KEYDIR_BIDI;
	o->replay_window = 64;
	o->replay_time = 15;
	rv_options_tls_defaults(o);
	rv_options_mgmt_defaults(o);
	rv_options_server_defaults(o);
	return 0;
}

void
rv_options_free_list(char **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

void
rv_options_clear(struct rv_options *o)
{
	free(o->log_file);
	free(o->daemon_name);
	free(o->writepid);
	free(o->user);
	free(o->group);
	free(o->chroot_dir);
	free(o->syslog_name);
	rv_options_free_list(o->providers, o->nproviders);
	free(o->genkey_file);
	free(o->dev);
	free(o->dev_node);
	free(o->ifconfig_local);
	free(o->ifconfig_remote);
	for (size_t i = 0; i < o->nroutes; i++) {
		free(o->routes[i].network);
		free(o->routes[i].netmask);
		free(o->routes[i].gateway);
	}
	free(o->routes);
	for (size_t i = 0; i < o->nroutes6; i++) {
		free(o->routes6[i].network);
		free(o->routes6[i].gateway);
	}
	free(o->routes6);
	free(o->ifconfig6_local);
	free(o->ifconfig6_remote);
	free(o->route_gateway);
	free(o->local);
	free(o->lport);
	free(o->rport);
	for (size_t i = 0; i < o->nremotes; i++) {
		free(o->remotes[i].host);
		free(o->remotes[i].port);
	}
	free(o->remotes);
	rv_optarg_src_clear(&o->secret);
	rv_options_tls_clear(o);
	rv_options_mgmt_clear(o);
	rv_options_server_clear(o);
	free(o->cipher);
	free(o->auth);
	rv_options_free_list(o->ignore_unknown, o->nignore_unknown);
	rv_options_free_list(o->files, o->nfiles);
	free(o->locs);
	free(o->first_config);
	rv_key2_wipe(&o->key);
	memset(o, 0, sizeof(*o));
}

int
rv_options_parse_argv(struct rv_options *o, int argc, char **argv,
    char err[static RV_OPT_ERRLEN])
{
	struct rv_optctx c = { .o = o, .err = err };
	struct rv_conf_error cerr;
	int r;

	err[0] = '\0';
	r = rv_conf_parse_argv(argc, argv, apply_line, &c, &cerr);
	if (r != 0 && err[0] == '\0')
		snprintf(err, RV_OPT_ERRLEN, "%s", cerr.msg);
	return r;
}

int
rv_options_parse_text(struct rv_options *o, const char *name, const char *text,
    size_t len, char err[static RV_OPT_ERRLEN])
{
	struct rv_optctx c = { .o = o, .err = err, .depth = 1 };
	struct rv_conf_error cerr;
	int r;

	err[0] = '\0';
	r = rv_conf_parse_text(name, text, len, apply_line, &c, &cerr);
	if (r != 0 && err[0] == '\0')
		snprintf(err, RV_OPT_ERRLEN, "%s", cerr.msg);
	return r;
}

struct rv_optloc
rv_options_where(const struct rv_options *o, const char *name)
{
	struct rv_optloc none = { NULL, 0 };
	size_t i;

	return lookup(name, &i) != NULL ? o->locs[i] : none;
}

void
rv_options_prefix(const struct rv_options *o, const char *name, char *out, size_t outlen)
{
	struct rv_optloc w = rv_options_where(o, name);

	if (w.file == NULL)
		snprintf(out, outlen, "%s: %s: ", o->first_config != NULL ?
		    o->first_config : "configuration", name);
	else if (w.line == 0)
		snprintf(out, outlen, "command line: --%s: ", name);
	else
		snprintf(out, outlen, "%s:%u: %s: ", w.file, w.line, name);
}

int
rv_options_vbad(const struct rv_options *o, char *err, const char *name, const char *fmt,
    va_list ap)
{
	char prefix[256], msg[RV_OPT_ERRLEN];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	rv_options_prefix(o, name, prefix, sizeof(prefix));
	snprintf(err, RV_OPT_ERRLEN, "%s%s", prefix, msg);
	return RV_ERR_FORMAT;
}

void
rv_options_print_help(void)
{
	printf("Usage: roamvpn [--config] FILE | roamvpn --option [args] ...\n\n"
	    "Options use OpenVPN's syntax; in a config file, drop the leading --.\n\n");
	for (size_t i = 0; i < table_size(); i++) {
		char lhs[64];

		snprintf(lhs, sizeof(lhs), "--%s %s", entry(i)->name, entry(i)->args);
		printf("  %-34s %s\n", lhs, entry(i)->help);
	}
}
