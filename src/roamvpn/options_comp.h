/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_OPTIONS_COMP_H
#define RV_OPTIONS_COMP_H

/*
 * The compression part of the option table: --comp-lzo, --compress,
 * --allow-compression, --comp-noadapt (openvpn 2.6's meanings; comp.h has
 * the framing). options.c looks options up in its own part, options_tls.c's
 * and this one.
 */

#include <stddef.h>

#include "optarg.h"
#include "options.h"

extern const struct rv_optdef rv_options_comp_table[];
extern const size_t rv_options_comp_table_len;

#endif
