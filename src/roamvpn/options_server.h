/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_OPTIONS_SERVER_H
#define RV_OPTIONS_SERVER_H

/*
 * The multi-client server part of the option table (--mode server,
 * --server, --server-ipv6, --ifconfig-pool, --ifconfig-ipv6-pool, --push, client limits, scripts) and its
 * validation step, which expands --server and --keepalive as openvpn 2.6's
 * helpers do (wire facts 10, 12):
 *
 *   server NET MASK, tun, topology net30 or p2p:
 *     mode server, tls-server, ifconfig NET+1 NET+2,
 *     ifconfig-pool NET+4 .. broadcast-4 (/29: broadcast), route NET MASK,
 *     push "route NET MASK" with client-to-client, else (net30 only)
 *     push "route NET+1"; push "topology net30|p2p"
 *   server NET MASK, tun, topology subnet:
 *     ifconfig NET+1 MASK, ifconfig-pool NET+2 .. broadcast-1,
 *     push "route-gateway NET+1", push "topology subnet"
 *   server NET MASK, tap: as subnet without the topology push
 *   server-ipv6 NET/BITS (/64 .. /124; alone or with --server):
 *     mode server, tls-server, ifconfig-ipv6 NET+1/BITS NET+2,
 *     ifconfig-ipv6-pool NET+0x1000/BITS (NET+2 from /112 on),
 *     push "tun-ipv6" (before the pushes of --server)
 *   keepalive A B in server mode: ping A, ping-restart 2B locally,
 *     push "ping A", push "ping-restart B"
 *
 * --ifconfig-ipv6-pool BASE/BITS needs --ifconfig-ipv6: clients get the
 * prefix length of the server's own address and that address as peer.
 *
 * Pushes from --push come first, in configuration order, then the helpers'.
 */

#include <stddef.h>

#include "optarg.h"
#include "options.h"

extern const struct rv_optdef rv_options_server_table[];
extern const size_t rv_options_server_table_len;

/* Sets OpenVPN's defaults for the server fields of o. */
void rv_options_server_defaults(struct rv_options *o);

/* Frees what the server fields of o hold. */
void rv_options_server_clear(struct rv_options *o);

/* Checks and expands the server options (after --dev and --keepalive are
 * known, before --ifconfig and --route are parsed). Returns 0 or
 * RV_ERR_FORMAT with "file:line: option: what is wrong" in err. */
int rv_options_server_check(struct rv_options *o, char err[static RV_OPT_ERRLEN]);

#endif
