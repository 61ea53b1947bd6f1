/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_SRVMGMT_H
#define RV_SRVMGMT_H

/*
 * srvmgmt: a server run's side of the status file and the management
 * interface (the seam of daemon_mgmt.h): the client list in openvpn's
 * status layouts (in connection order), kill CN|IP:port,
 * client-kill CID [message], and the client count.
 */

struct rv_daemon;

/* Points the management interface and the status file at d's server
 * (d->server set); after rv_daemon_mgmt_attach(). */
void rv_srvmgmt_attach(struct rv_daemon *d);

#endif
