/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_OPTIONS_TLS_H
#define RV_OPTIONS_TLS_H

/*
 * The TLS-mode and client part of the option table (certificates, control
 * channel wrapping, negotiation, renegotiation, pulling a configuration).
 * options.c looks options up in its own part and in this one.
 */

#include <stddef.h>

#include "optarg.h"
#include "options.h"

extern const struct rv_optdef rv_options_tls_table[];
extern const size_t rv_options_tls_table_len;

/* Sets OpenVPN's defaults for the TLS fields of o. */
void rv_options_tls_defaults(struct rv_options *o);

/* Frees what the TLS fields of o hold (secrets wiped). */
void rv_options_tls_clear(struct rv_options *o);

#endif
