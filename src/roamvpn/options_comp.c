/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * options_comp: the compression options. Their order does not matter, as in
 * openvpn 2.6: "allow-compression no" together with real compression (LZO)
 * is an error whichever comes first; lz4 is refused because roamvpn has no
 * LZ4 (what openvpn built without LZ4 does).
 */
#include "options_comp.h"

#include <string.h>

#include "comp.h"
#include "err.h"

static int
set_alg(struct rv_optctx *c, const char *name, char **a, int n)
{
	struct rv_comp_conf *cc = &c->o->comp;
	enum rv_comp_alg alg;
	const char *why;
	bool adaptive;

	/* compress migrate (any mode, as openvpn 2.6 takes it): no framing of
	 * our own; only a server acts on it (srvclient.c). */
	if (strcmp(name, "compress") == 0 && n > 0 && strcmp(a[0], "migrate") == 0) {
		cc->alg = RV_COMP_NONE;
		cc->adaptive = false;
		cc->migrate = true;
		return 0;
	}
	if (rv_comp_parse(name, n > 0 ? a[0] : NULL, &alg, &adaptive, &why) != 0)
		return n > 0 ? rv_optarg_bad(c, "`%s': %s", a[0], why) : rv_optarg_bad(c, "%s", why);
	if (alg == RV_COMP_LZO && cc->allow == RV_COMP_ALLOW_NO)
		return rv_optarg_bad(c, "compression is not allowed since allow-compression is "
		    "set to 'no'");
	cc->alg = alg;
	cc->adaptive = adaptive;
	/* openvpn's compress sets all its flags anew; comp-lzo keeps migrate. */
	if (strcmp(name, "compress") == 0)
		cc->migrate = false;
	return 0;
}

static int
opt_comp_lzo(struct rv_optctx *c, char **a, int n)
{
	return set_alg(c, "comp-lzo", a, n);
}

static int
opt_compress(struct rv_optctx *c, char **a, int n)
{
	return set_alg(c, "compress", a, n);
}

static int
opt_allow_compression(struct rv_optctx *c, char **a, int n)
{
	struct rv_comp_conf *cc = &c->o->comp;
	enum rv_comp_allow allow;

	(void)n;
	if (rv_comp_parse_allow(a[0], &allow) != 0)
		return rv_optarg_bad(c, "expects yes, no or asym, got `%s'", a[0]);
	if (allow != RV_COMP_ALLOW_NO && cc->allow == RV_COMP_ALLOW_NO)
		return rv_optarg_bad(c, "cannot be set to '%s' after it was set to 'no'", a[0]);
	if (allow == RV_COMP_ALLOW_NO && rv_comp_conf_real(cc))
		return rv_optarg_bad(c, "'no' conflicts with enabling compression");
	cc->allow = allow;
	return 0;
}

static int
opt_comp_noadapt(struct rv_optctx *c, char **a, int n)
{
	(void)a, (void)n;
	c->o->comp.adaptive = false;
	return 0;
}

const struct rv_optdef rv_options_comp_table[] = {
	{ "comp-lzo", "[yes|no|adaptive]", 0, 1, 0, opt_comp_lzo,
	  "LZO compression framing (DEPRECATED; no argument = adaptive)." },
	{ "compress", "[lzo|stub|stub-v2|migrate]", 0, 1, 0, opt_compress,
	  "Compression framing (DEPRECATED; no argument = stub; lz4 is not built; migrate: "
	  "a server pushes clients with comp-lzo a stub)." },
	{ "allow-compression", "yes|asym|no", 1, 1, 0, opt_allow_compression,
	  "Send compressed (yes), only receive (asym), or only stub framing (no, the default)." },
	{ "comp-noadapt", "", 0, 0, 0, opt_comp_noadapt,
	  "Compress every packet instead of sampling (with comp-lzo)." },
};

const size_t rv_options_comp_table_len =
    sizeof(rv_options_comp_table) / sizeof(rv_options_comp_table[0]);
