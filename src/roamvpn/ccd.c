/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ccd: per-client option files of a server (--client-config-dir and the
 * file a --client-connect script writes); see ccd.h. The syntax is the
 * configuration syntax (conf.c).
 */
#include "ccd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "addr.h"
#include "conf.h"
#include "err.h"
#include "log.h"

struct ctx {
	struct rv_ccd *c;
	char *err;
	size_t errlen;
};

static int
bad(struct ctx *x, const struct rv_conf_line *l, const char *what)
{
	snprintf(x->err, x->errlen, "%s:%u: %s: %s", l->file, l->line, l->argv[0], what);
	return RV_ERR_FORMAT;
}

static int
prefix_bits(struct in_addr m)
{
	uint32_t v = ntohl(m.s_addr), inv = ~v;
	int n = 0;

	if ((inv & (inv + 1)) != 0)
		return -1;
	for (; v & 0x80000000u; v <<= 1)
		n++;
	return n;
}

static int
iroute(struct ctx *x, const struct rv_conf_line *l)
{
	struct rv_ccd *c = x->c;
	struct in_addr net, mask = { htonl(0xffffffffu) };
	int bits;

	if (l->argc < 2 || inet_pton(AF_INET, l->argv[1], &net) != 1 ||
	    (l->argc > 2 && inet_pton(AF_INET, l->argv[2], &mask) != 1) ||
	    (bits = prefix_bits(mask)) < 0)
		return bad(x, l, "expects NETWORK [NETMASK]");
	if (c->niroutes == RV_CCD_IROUTES_MAX)
		return bad(x, l, "too many iroutes");
	c->iroutes[c->niroutes].net.s_addr = net.s_addr & mask.s_addr;
	c->iroutes[c->niroutes++].bits = (uint8_t)bits;
	return 0;
}

/* comp-lzo / compress: parsed as in the server's own options. */
static int
comp(struct ctx *x, const struct rv_conf_line *l)
{
	struct rv_ccd *c = x->c;
	const char *why;

	if (l->argc > 2)
		return bad(x, l, "expects at most one argument");
	/* Here migrate has nothing left to do: the client is just not framed
	 * (openvpn 2.6 the same; its migrate step ran before the file). */
	if (strcmp(l->argv[0], "compress") == 0 && l->argc == 2 &&
	    strcmp(l->argv[1], "migrate") == 0) {
		c->comp_alg = RV_COMP_NONE;
		c->comp_adaptive = false;
		c->has_comp = true;
		return 0;
	}
	if (rv_comp_parse(l->argv[0], l->argc > 1 ? l->argv[1] : NULL, &c->comp_alg,
	    &c->comp_adaptive, &why) != 0)
		return bad(x, l, why);
	c->has_comp = true;
	return 0;
}

static int
iroute6(struct ctx *x, const struct rv_conf_line *l)
{
	struct rv_ccd *c = x->c;
	struct in6_addr net;
	int bits;

	if (l->argc != 2 || rv_addr_parse_prefix6(l->argv[1], &net, &bits) != 0)
		return bad(x, l, "expects NETWORK/BITS");
	if (c->niroutes6 == RV_CCD_IROUTES_MAX)
		return bad(x, l, "too many iroutes");
	rv_addr_mask6(&net, bits);
	c->iroutes6[c->niroutes6].net = net;
	c->iroutes6[c->niroutes6++].bits = (uint8_t)bits;
	return 0;
}

static int
ifconfig6(struct ctx *x, const struct rv_conf_line *l)
{
	struct rv_ccd *c = x->c;
	int bits;

	if (l->argc < 2 || l->argc > 3 ||
	    rv_addr_parse_prefix6(l->argv[1], &c->local6, &c->bits6) != 0 ||
	    (l->argc == 3 && (strchr(l->argv[2], '/') != NULL ||
	    rv_addr_parse_prefix6(l->argv[2], &c->remote6, &bits) != 0)))
		return bad(x, l, "expects ADDRESS/BITS [REMOTE]");
	c->has_ifconfig6 = true;
	c->has_remote6 = l->argc == 3;
	return 0;
}

static int
line(void *arg, const struct rv_conf_line *l)
{
	struct ctx *x = arg;
	struct rv_ccd *c = x->c;
	const char *name = l->argv[0];

	if (strcmp(name, "disable") == 0) {
		c->disable = true;
	} else if (strcmp(name, "push-reset") == 0) {
		c->push_reset = true;
	} else if (strcmp(name, "push") == 0) {
		if (l->argc != 2 || strchr(l->argv[1], ',') != NULL)
			return bad(x, l, "expects one option without commas");
		if (c->npush == RV_CCD_PUSH_MAX)
			return bad(x, l, "too many pushes");
		if ((c->push[c->npush] = strdup(l->argv[1])) == NULL)
			return RV_ERR_NOMEM;
		c->npush++;
	} else if (strcmp(name, "ifconfig-push") == 0) {
		if (l->argc < 3 || inet_pton(AF_INET, l->argv[1], &c->local) != 1 ||
		    inet_pton(AF_INET, l->argv[2], &c->remote) != 1)
			return bad(x, l, "expects LOCAL REMOTE-NETMASK");
		c->has_ifconfig = true;
	} else if (strcmp(name, "iroute") == 0) {
		return iroute(x, l);
	} else if (strcmp(name, "comp-lzo") == 0 || strcmp(name, "compress") == 0) {
		return comp(x, l);
	} else if (strcmp(name, "ifconfig-ipv6-push") == 0) {
		return ifconfig6(x, l);
	} else if (strcmp(name, "iroute-ipv6") == 0) {
		return iroute6(x, l);
	} else {
		rv_log(RV_LOG_WARN, "%s:%u: %s: not a per-client option roamvpn applies; skipped",
		    l->file, l->line, name);
	}
	return 0;
}

bool
rv_ccd_name_ok(const char *cn)
{
	return cn != NULL && *cn != '\0' && strchr(cn, '/') == NULL && strcmp(cn, ".") != 0 &&
	    strcmp(cn, "..") != 0;
}

int
rv_ccd_load_file(struct rv_ccd *c, const char *path, char *err, size_t errlen)
{
	struct ctx x = { c, err, errlen };
	struct rv_conf_error cerr;
	struct stat st;
	int r;

	err[0] = '\0';
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0)
		return 0;
	c->found = true;
	r = rv_conf_parse_file(path, line, &x, &cerr);
	if (r != 0 && r != RV_ERR_FORMAT)
		snprintf(err, errlen, "%s: %s", path, cerr.msg);
	else if (r == RV_ERR_FORMAT && err[0] == '\0')
		snprintf(err, errlen, "%s", cerr.msg);
	return r;
}

int
rv_ccd_load(struct rv_ccd *c, const char *dir, const char *cn, char *err, size_t errlen)
{
	char path[4096];
	int r;

	rv_ccd_clear(c);
	err[0] = '\0';
	if (rv_ccd_name_ok(cn) &&
	    (size_t)snprintf(path, sizeof(path), "%s/%s", dir, cn) < sizeof(path) &&
	    (r = rv_ccd_load_file(c, path, err, errlen)) != 0)
		return r;
	if (c->found)
		return 0;
	if ((size_t)snprintf(path, sizeof(path), "%s/DEFAULT", dir) >= sizeof(path))
		return 0;
	return rv_ccd_load_file(c, path, err, errlen);
}

int
rv_ccd_push_front(struct rv_ccd *c, const char *opt)
{
	char *copy;

	if (c->npush == RV_CCD_PUSH_MAX)
		return RV_ERR_LIMIT;
	if ((copy = strdup(opt)) == NULL)
		return RV_ERR_NOMEM;
	memmove(&c->push[1], &c->push[0], c->npush * sizeof(c->push[0]));
	c->push[0] = copy;
	c->npush++;
	return 0;
}

void
rv_ccd_clear(struct rv_ccd *c)
{
	for (size_t i = 0; i < c->npush; i++)
		free(c->push[i]);
	memset(c, 0, sizeof(*c));
}
