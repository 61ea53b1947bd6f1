/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * srvmgmt: what a server run shows the status file and the management
 * interface: its client list in openvpn's layouts (status.c formats it),
 * kill, client-kill and the client count.
 */
#include "srvmgmt.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "daemon.h"
#include "daemon_mgmt.h"
#include "server.h"
#include "status.h"

/* The text behind one client's status row and route. */
struct row {
	struct rv_server_client_info ci;
	char real[RV_ADDRSTRLEN];
	char virt4[INET_ADDRSTRLEN];
};

struct collect {
	struct row *rows;
	size_t n, max;
};

static void
collect(void *arg, const struct rv_server_client_info *ci)
{
	struct collect *c = arg;
	struct row *r;

	if (c->n == c->max)
		return;
	r = &c->rows[c->n++];
	r->ci = *ci;
	/* openvpn 2.6 lists a TCP client's IPv6 address without its port
	 * (observed; IPv4 ones with it). */
	if (ci->tcp && rv_addr_family(&ci->real) == AF_INET6)
		inet_ntop(AF_INET6, &ci->real.u.in6.sin6_addr, r->real, sizeof(r->real));
	else
		rv_addr_fmt(&ci->real, r->real);
	r->virt4[0] = '\0';
	if (ci->has_vaddr)
		inet_ntop(AF_INET, &ci->vaddr, r->virt4, sizeof(r->virt4));
}

static void
report(void *arg, int version, rv_status_emit_fn *emit, void *emit_arg)
{
	struct rv_server *s = ((struct rv_daemon *)arg)->server;
	size_t max = rv_server_clients(s);
	struct collect c = { calloc(max + 1, sizeof(struct row)), 0, max };
	struct rv_status_client *clients = calloc(max + 1, sizeof(*clients));
	struct rv_status_route *routes = calloc(max + 1, sizeof(*routes));
	char title[128];
	struct rv_status_server st = {
		.title = title,
		.now = rv_clock_wall(),
		.clients = clients,
		.routes = routes,
		.has_bcast_queue = true,
	};

	if (c.rows == NULL || clients == NULL || routes == NULL)
		goto out;
	rv_daemon_mgmt_title(title, sizeof(title));
	rv_server_foreach_client(s, collect, &c);
	/* In connection order (openvpn's follows its hash table). */
	for (size_t i = 0; i < c.n; i++) {
		const struct row *r = &c.rows[i];

		clients[st.nclients++] = (struct rv_status_client){
			.common_name = r->ci.common_name,
			.real_addr = r->real,
			.virt4 = r->virt4,
			.bytes_rx = r->ci.bytes_in,
			.bytes_tx = r->ci.bytes_out,
			.connected_since = r->ci.connected_since,
			.username = r->ci.username[0] != '\0' ? r->ci.username : NULL,
			.client_id = r->ci.cid,
			.peer_id = r->ci.peer_id,
			.cipher = r->ci.cipher,
		};
		if (r->ci.has_vaddr)
			routes[st.nroutes++] = (struct rv_status_route){
				.addr = r->virt4,
				.common_name = r->ci.common_name,
				.real_addr = r->real,
				.last_ref = st.now,
			};
	}
	rv_status_format_server(&st, version, emit, emit_arg);
out:
	free(c.rows);
	free(clients);
	free(routes);
}

static int
kill_by_cn(void *arg, const char *cn)
{
	return (int)rv_server_kill(((struct rv_daemon *)arg)->server, cn, NULL, true);
}

static int
kill_by_addr(void *arg, struct in_addr addr, uint16_t port)
{
	struct rv_sockaddr a = { .len = sizeof(struct sockaddr_in) };

	a.u.in4.sin_family = AF_INET;
	a.u.in4.sin_addr = addr;
	a.u.in4.sin_port = htons(port);
	return (int)rv_server_kill(((struct rv_daemon *)arg)->server, NULL, &a, true);
}

static bool
kill_by_cid(void *arg, unsigned long cid, const char *msg)
{
	return rv_server_kill_cid(((struct rv_daemon *)arg)->server, cid, msg);
}

static int
n_clients(void *arg)
{
	return (int)rv_server_clients(((const struct rv_daemon *)arg)->server);
}

void
rv_srvmgmt_attach(struct rv_daemon *d)
{
	struct rv_mgmt_ops ops;

	rv_daemon_mgmt_base_ops(d, &ops);
	ops.status = (struct rv_status_source){ report, d };
	ops.kill_by_cn = kill_by_cn;
	ops.kill_by_addr = kill_by_addr;
	ops.kill_by_cid = kill_by_cid;
	ops.n_clients = n_clients;
	rv_daemon_mgmt_set_ops(d, &ops);
}
