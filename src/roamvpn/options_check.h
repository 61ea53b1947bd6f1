/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_OPTIONS_CHECK_H
#define RV_OPTIONS_CHECK_H

/*
 * The validation pass: runs once all options are parsed, checks how they fit
 * together, expands helpers (--keepalive), reads key files and fills the
 * derived fields of struct rv_options. Nothing is applied here.
 */

#include "options.h"

/* Returns 0, or RV_ERR_FORMAT with "file:line: option: what is wrong" in err. */
int rv_options_check(struct rv_options *o, char err[static RV_OPT_ERRLEN]);

#endif
