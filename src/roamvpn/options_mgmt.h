/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_OPTIONS_MGMT_H
#define RV_OPTIONS_MGMT_H

/*
 * The status-file and management-interface part of the option table
 * (--status, --status-version, --management, --management-hold).
 * options.c looks options up in its own part and in this one.
 */

#include <stddef.h>

#include "optarg.h"
#include "options.h"

extern const struct rv_optdef rv_options_mgmt_table[];
extern const size_t rv_options_mgmt_table_len;

/* Sets OpenVPN's defaults for these fields of o. */
void rv_options_mgmt_defaults(struct rv_options *o);

/* Frees what these fields of o hold. */
void rv_options_mgmt_clear(struct rv_options *o);

#endif
