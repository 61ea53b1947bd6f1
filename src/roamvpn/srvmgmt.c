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
	char virt6[INET6_ADDRSTRLEN];
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
	r->virt6[0] = '\0';
	if (ci->has_vaddr6)
		inet_ntop(AF_INET6, &ci->vaddr6, r->virt6, sizeof(r->virt6));
}

enum { ROUTE_TEXT = INET6_ADDRSTRLEN + 4 };   /* "fd00:77::/64" */

/* A routing table entry of row r. */
static void
add_route(struct rv_status_server *st, struct rv_status_route *routes, const char *addr,
    const struct row *r)
{
	routes[st->nroutes++] = (struct rv_status_route){
		.addr = addr,
		.common_name = r->ci.common_name,
		.real_addr = r->real,
		.last_ref = st->now,
	};
}

/* Row r's iroutes as "NET/BITS" into text (ROUTE_TEXT bytes each), then
 * into the routing table, as openvpn lists them. Returns the text used. */
static char *
add_iroutes(struct rv_status_server *st, struct rv_status_route *routes, char *text,
    const struct row *r)
{
	char a[INET6_ADDRSTRLEN];

	for (size_t k = 0; k < r->ci.niroutes; k++, text += ROUTE_TEXT) {
		snprintf(text, ROUTE_TEXT, "%s/%u", inet_ntop(AF_INET, &r->ci.iroutes[k].net, a,
		    sizeof(a)), r->ci.iroutes[k].bits);
		add_route(st, routes, text, r);
	}
	for (size_t k = 0; k < r->ci.niroutes6; k++, text += ROUTE_TEXT) {
		snprintf(text, ROUTE_TEXT, "%s/%u", inet_ntop(AF_INET6, &r->ci.iroutes6[k].net, a,
		    sizeof(a)), r->ci.iroutes6[k].bits);
		add_route(st, routes, text, r);
	}
	return text;
}

static void
report(void *arg, int version, rv_status_emit_fn *emit, void *emit_arg)
{
	struct rv_server *s = ((struct rv_daemon *)arg)->server;
	size_t max = rv_server_clients(s), niroutes = 0;
	struct collect c = { calloc(max + 1, sizeof(struct row)), 0, max };
	struct rv_status_client *clients = calloc(max + 1, sizeof(*clients));
	struct rv_status_route *routes = NULL;
	char title[128], *texts = NULL, *text;
	struct rv_status_roam roam;
	struct rv_status_server st = {
		.title = title,
		.now = rv_clock_wall(),
		.clients = clients,
		.has_bcast_queue = true,
	};

	if (c.rows == NULL || clients == NULL)
		goto out;
	rv_daemon_mgmt_title(title, sizeof(title));
	if (((struct rv_daemon *)arg)->o->roam) {
		rv_server_roam_stats(s, &roam);
		st.roam = &roam;
	}
	rv_server_foreach_client(s, collect, &c);
	for (size_t i = 0; i < c.n; i++)
		niroutes += c.rows[i].ci.niroutes + c.rows[i].ci.niroutes6;
	/* A client's IPv4 and IPv6 address, and its iroutes. */
	routes = calloc(2 * c.n + niroutes + 1, sizeof(*routes));
	text = texts = calloc(niroutes + 1, ROUTE_TEXT);
	if (routes == NULL || texts == NULL)
		goto out;
	st.routes = routes;
	/* In connection order (openvpn's follows its hash table). */
	for (size_t i = 0; i < c.n; i++) {
		const struct row *r = &c.rows[i];

		clients[st.nclients++] = (struct rv_status_client){
			.common_name = r->ci.common_name,
			.real_addr = r->real,
			.virt4 = r->virt4,
			.virt6 = r->virt6,
			.bytes_rx = r->ci.bytes_in,
			.bytes_tx = r->ci.bytes_out,
			.connected_since = r->ci.connected_since,
			.username = r->ci.username[0] != '\0' ? r->ci.username : NULL,
			.client_id = r->ci.cid,
			.peer_id = r->ci.peer_id,
			.cipher = r->ci.cipher,
		};
		if (r->ci.has_vaddr)
			add_route(&st, routes, r->virt4, r);
		if (r->ci.has_vaddr6)
			add_route(&st, routes, r->virt6, r);
		text = add_iroutes(&st, routes, text, r);
	}
	rv_status_format_server(&st, version, emit, emit_arg);
out:
	free(c.rows);
	free(clients);
	free(routes);
	free(texts);
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
