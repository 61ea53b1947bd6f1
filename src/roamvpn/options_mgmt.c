/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * options_mgmt: --status FILE [n], --status-version N, --management IP PORT
 * or --management PATH unix, --management-hold. Syntax and defaults follow
 * openvpn 2.6's manual (status every 60 s, version 1).
 */
#include "options_mgmt.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "status.h"

static int
opt_status(struct rv_optctx *c, char **a, int n)
{
	c->o->status_secs = RV_STATUS_DEFAULT_SECS;
	if (n > 1 && rv_optarg_int(c, a[1], 1, 86400 * 365, &c->o->status_secs) != 0)
		return RV_ERR_FORMAT;
	return rv_optarg_set_str(c, &c->o->status_file, a[0]);
}

/* --management IP PORT [pw-file] or --management PATH unix [pw-file]. */
static int
opt_management(struct rv_optctx *c, char **a, int n)
{
	bool is_unix = n > 1 && strcmp(a[1], "unix") == 0;

	if (n < 2)
		return rv_optarg_bad(c, "needs IP PORT, or PATH unix");
	if (n > 2)
		return rv_optarg_bad(c, "a password file (`%s') is not supported; use a unix "
		    "socket or bind to 127.0.0.1", a[2]);
	if (!is_unix && rv_optarg_port(c, a[1]) != 0)
		return RV_ERR_FORMAT;
	c->o->mgmt_unix = is_unix;
	if (rv_optarg_set_str(c, &c->o->mgmt_addr, a[0]) != 0)
		return RV_ERR_FORMAT;
	free(c->o->mgmt_port);
	c->o->mgmt_port = NULL;
	return is_unix ? 0 : rv_optarg_set_str(c, &c->o->mgmt_port, a[1]);
}

const struct rv_optdef rv_options_mgmt_table[] = {
	{ "status", "FILE [N]", 1, 2, 0, opt_status,
	  "Write the status to FILE every N seconds (default 60)." },
	{ "status-version", "N", 1, 1, 0, rv_optarg_int_field,
	  "Status file layout of a server: 1, 2 (comma-separated) or 3 (tab-separated).",
	  RV_OPT_FIELD(status_version), 1, 3 },
	{ "management", "IP PORT | PATH unix", 2, 3, 0, opt_management,
	  "Management interface on TCP IP:PORT or the unix socket PATH." },
	{ "management-hold", "", 0, 0, 0, rv_optarg_true_field,
	  "Start (and restart) only after the management command 'hold release'.",
	  RV_OPT_FIELD(mgmt_hold) },
};

const size_t rv_options_mgmt_table_len =
    sizeof(rv_options_mgmt_table) / sizeof(rv_options_mgmt_table[0]);

void
rv_options_mgmt_defaults(struct rv_options *o)
{
	o->status_secs = RV_STATUS_DEFAULT_SECS;
	o->status_version = 1;
}

void
rv_options_mgmt_clear(struct rv_options *o)
{
	free(o->status_file);
	free(o->mgmt_addr);
	free(o->mgmt_port);
}
