/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * srvroute: the server's routing by tunnel address, between the device and
 * the clients (openvpn's multi.c does this job there): each client's
 * addresses and iroutes in the lookup tables, the source check of what a
 * client sends, --client-to-client, and the choice of the client a device
 * packet is for. IPv4 and IPv6 share the tables (see server_int.h).
 */
#include "server_int.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "err.h"
#include "peer.h"
#include "table.h"

void
rv_srv_unlearn(struct rv_server *s, struct rv_srvclient *c)
{
	rv_table_remove(&s->by_vaddr, &c->by_vaddr);
	rv_table_remove(&s->by_vaddr, &c->by_vaddr6);
	for (size_t i = 0; c->iroute_nodes != NULL && i < c->ccd.niroutes + c->ccd.niroutes6; i++)
		rv_table_remove(&s->by_iroute, &c->iroute_nodes[i].node);
}

/* The key of an iroute: network and prefix length (5 bytes for IPv4, 17
 * for IPv6, so the two families share the table). */
static size_t
iroute_key(struct in_addr net, unsigned bits, uint8_t key[static 5])
{
	memcpy(key, &net, 4);
	key[4] = (uint8_t)bits;
	return 5;
}

static size_t
iroute6_key(const struct in6_addr *net, unsigned bits, uint8_t key[static 17])
{
	memcpy(key, net, 16);
	key[16] = (uint8_t)bits;
	return 17;
}

void
rv_srv_learn(struct rv_srvclient *c)
{
	struct rv_server *s = c->srv;
	size_t n4 = c->ccd.niroutes, n = n4 + c->ccd.niroutes6;
	uint8_t key[17];

	if (c->has_vaddr)
		rv_table_insert(&s->by_vaddr, &c->by_vaddr, &c->vaddr, sizeof(c->vaddr));
	if (c->has_vaddr6)
		rv_table_insert(&s->by_vaddr, &c->by_vaddr6, &c->vaddr6, sizeof(c->vaddr6));
	if (n == 0 || (c->iroute_nodes = calloc(n, sizeof(*c->iroute_nodes))) == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		struct rv_srv_iroute *node = &c->iroute_nodes[i];

		node->c = c;
		if (i < n4) {
			const struct rv_ccd_iroute *ir = &c->ccd.iroutes[i];

			rv_table_insert(&s->by_iroute, &node->node, key,
			    iroute_key(ir->net, ir->bits, key));
			s->iroute_bits |= (uint64_t)1 << ir->bits;
		} else {
			const struct rv_ccd_iroute6 *ir = &c->ccd.iroutes6[i - n4];

			rv_table_insert(&s->by_iroute, &node->node, key,
			    iroute6_key(&ir->net, ir->bits, key));
			s->iroute6_bits[ir->bits / 64] |= (uint64_t)1 << (ir->bits % 64);
		}
	}
}

/* The client a tunnel address belongs to: its virtual address, else the
 * longest of the iroutes that holds it (one lookup per prefix length in
 * use). */
static struct rv_srvclient *
by_vaddr(struct rv_server *s, struct in_addr a)
{
	struct rv_tnode *n = rv_table_find(&s->by_vaddr, &a, sizeof(a));
	uint8_t key[5];

	if (n != NULL)
		return rv_container_of(n, struct rv_srvclient, by_vaddr);
	for (int bits = 32; bits >= 0 && s->iroute_bits != 0; bits--) {
		struct in_addr net = { a.s_addr & htonl(bits == 0 ? 0 : ~0u << (32 - bits)) };

		if (!(s->iroute_bits & ((uint64_t)1 << bits)))
			continue;
		if ((n = rv_table_find(&s->by_iroute, key, iroute_key(net, (unsigned)bits,
		    key))) != NULL)
			return rv_container_of(n, struct rv_srv_iroute, node)->c;
	}
	return NULL;
}

/* The same for an IPv6 tunnel address and the iroute-ipv6 prefixes. */
static struct rv_srvclient *
by_vaddr6(struct rv_server *s, const struct in6_addr *a)
{
	struct rv_tnode *n = rv_table_find(&s->by_vaddr, a, sizeof(*a));
	uint8_t key[17];

	if (n != NULL)
		return rv_container_of(n, struct rv_srvclient, by_vaddr6);
	if ((s->iroute6_bits[0] | s->iroute6_bits[1] | s->iroute6_bits[2]) == 0)
		return NULL;
	for (int bits = 128; bits >= 0; bits--) {
		struct in6_addr net = *a;

		if (!(s->iroute6_bits[bits / 64] & ((uint64_t)1 << (bits % 64))))
			continue;
		rv_addr_mask6(&net, bits);
		if ((n = rv_table_find(&s->by_iroute, key, iroute6_key(&net, (unsigned)bits,
		    key))) != NULL)
			return rv_container_of(n, struct rv_srv_iroute, node)->c;
	}
	return NULL;
}

/* True if a is c's IPv6 address or inside one of its iroute-ipv6s. */
static bool
source6_ok(const struct rv_srvclient *c, const struct in6_addr *a)
{
	if (c->has_vaddr6 && memcmp(a, &c->vaddr6, sizeof(*a)) == 0)
		return true;
	for (size_t i = 0; i < c->ccd.niroutes6; i++) {
		struct in6_addr net = *a;

		rv_addr_mask6(&net, c->ccd.iroutes6[i].bits);
		if (memcmp(&net, &c->ccd.iroutes6[i].net, sizeof(net)) == 0)
			return true;
	}
	return false;
}

/* True if a is c's virtual address or inside one of its iroutes. */
static bool
source_ok(const struct rv_srvclient *c, struct in_addr a)
{
	if (c->has_vaddr && a.s_addr == c->vaddr.s_addr)
		return true;
	for (size_t i = 0; i < c->ccd.niroutes; i++) {
		unsigned bits = c->ccd.iroutes[i].bits;
		uint32_t m = bits == 0 ? 0 : htonl(~0u << (32 - bits));

		if ((a.s_addr & m) == c->ccd.iroutes[i].net.s_addr)
			return true;
	}
	return false;
}

static bool
is_ipv4(const struct rv_buf *b)
{
	uint8_t v;

	return rv_buf_peek_u8(b, 0, &v) == 0 && (v >> 4) == 4 && rv_buf_len(b) >= 20;
}

static bool
is_ipv6(const struct rv_buf *b)
{
	uint8_t v;

	return rv_buf_peek_u8(b, 0, &v) == 0 && (v >> 4) == 6 && rv_buf_len(b) >= 40;
}

/* The inner IPv6 source (src) or destination address of a device packet. */
static bool
inner_addr6(const struct rv_buf *b, bool src, struct in6_addr *out)
{
	return is_ipv6(b) && rv_buf_peek(b, src ? 8 : 24, out, sizeof(*out)) == 0;
}

/* Addresses that belong to no one client: multicast, link-local (the
 * devices' own neighbour and router talk), unspecified. */
static bool
is_local6(const struct in6_addr *a)
{
	return IN6_IS_ADDR_MULTICAST(a) || IN6_IS_ADDR_LINKLOCAL(a) || IN6_IS_ADDR_UNSPECIFIED(a);
}

/* The inner IPv4 source (src) or destination address of a device packet. */
static bool
inner_addr(const struct rv_buf *b, bool src, struct in_addr *out)
{
	return is_ipv4(b) && rv_buf_peek(b, src ? 12 : 16, out, sizeof(*out)) == 0;
}

/* --client-to-client: seals a copy of the packet for the other client. */
static void
forward(struct rv_server *s, struct rv_srvclient *to, const struct rv_buf *in)
{
	struct rv_pkt *f = &s->fwd.pkts[0];

	rv_pkt_reset(f, RV_SRV_HEADROOM);
	if (rv_buf_put(&f->buf, rv_buf_data(in), rv_buf_len(in)) != 0 ||
	    rv_peer_seal(&to->peer, &f->buf) != 0)
		return;
	to->bytes_out += rv_buf_len(in);
	rv_srv_send(to, &f->buf, false);
}

/* An IPv6 packet from client c: as route_in(). A link-local or unspecified
 * source (the client's neighbour and router talk) is ignored, as openvpn
 * ignores it, not counted as a spoof. */
static enum rv_rx
route_in6(struct rv_server *s, struct rv_srvclient *c, struct rv_pkt *pkt)
{
	struct in6_addr src, dst;
	struct rv_srvclient *to;

	if (!inner_addr6(&pkt->buf, true, &src) || !inner_addr6(&pkt->buf, false, &dst)) {
		s->ignored++;   /* not reached: route_in() saw a whole IPv6 header */
		return RV_RX_CONSUMED;
	}
	if (!source6_ok(c, &src)) {
		if (IN6_IS_ADDR_LINKLOCAL(&src) || IN6_IS_ADDR_UNSPECIFIED(&src)) {
			s->ignored++;
			return RV_RX_CONSUMED;
		}
		rv_srv_drop(s, SD_SOURCE, &pkt->addr, "not the client's IPv6 address");
		return RV_RX_DROP;
	}
	if (s->o->srv.client_to_client && !is_local6(&dst) && (to = by_vaddr6(s, &dst)) != NULL &&
	    to != c) {
		forward(s, to, &pkt->buf);
		return RV_RX_CONSUMED;
	}
	return RV_RX_DELIVER;
}

enum rv_rx
rv_srv_route_in(struct rv_server *s, struct rv_srvclient *c, struct rv_pkt *pkt)
{
	struct in_addr src, dst;
	struct rv_srvclient *to;

	if (is_ipv6(&pkt->buf))
		return route_in6(s, c, pkt);
	if (!is_ipv4(&pkt->buf)) {
		s->ignored++;
		return RV_RX_CONSUMED;
	}
	if (!inner_addr(&pkt->buf, true, &src) || !source_ok(c, src)) {
		rv_srv_drop(s, SD_SOURCE, &pkt->addr, "not the client's virtual address");
		return RV_RX_DROP;
	}
	if (s->o->srv.client_to_client && inner_addr(&pkt->buf, false, &dst) &&
	    (to = by_vaddr(s, dst)) != NULL && to != c) {
		forward(s, to, &pkt->buf);
		return RV_RX_CONSUMED;
	}
	return RV_RX_DELIVER;
}

/* Multicast, limited broadcast, or the broadcast of the tunnel's subnet. */
static bool
is_group(const struct rv_server *s, struct in_addr a)
{
	uint32_t h = ntohl(a.s_addr);
	const struct rv_options *o = s->o;

	if ((h & 0xf0000000u) == 0xe0000000u || h == 0xffffffffu)
		return true;
	return o->has_ifconfig && o->ifconfig_is_mask &&
	    (a.s_addr | o->ifc_remote.s_addr) == 0xffffffffu &&
	    (a.s_addr & o->ifc_remote.s_addr) == (o->ifc_local.s_addr & o->ifc_remote.s_addr);
}

/* The client of a device packet, or NULL after counting why not. */
static struct rv_srvclient *
route_out(struct rv_server *s, const struct rv_buf *b)
{
	struct in6_addr dst6;
	struct in_addr dst;
	struct rv_srvclient *c;

	if (inner_addr6(b, false, &dst6)) {
		if ((c = by_vaddr6(s, &dst6)) != NULL)
			return c;
		if (is_local6(&dst6))
			s->ignored++;
		else
			rv_srv_drop(s, SD_NO_ROUTE, NULL, "IPv6 device packet for no client");
		return NULL;
	}
	if (!inner_addr(b, false, &dst)) {
		s->ignored++;
		return NULL;
	}
	if ((c = by_vaddr(s, dst)) != NULL)
		return c;
	/* Broadcast and multicast have no one client on tun: not a drop. */
	if (is_group(s, dst))
		s->ignored++;
	else
		rv_srv_drop(s, SD_NO_ROUTE, NULL, "device packet for no client");
	return NULL;
}

int
rv_server_seal(struct rv_server *s, struct rv_pkt *pkt)
{
	struct rv_srvclient *c;
	size_t len = rv_buf_len(&pkt->buf);
	int r;

	if ((c = route_out(s, &pkt->buf)) == NULL)
		return RV_ERR_NOTFOUND;
	if ((r = rv_peer_seal(&c->peer, &pkt->buf)) != 0)
		return r;
	if (!rv_peer_may_send(&c->peer, rv_buf_len(&pkt->buf)))
		return RV_ERR_LIMIT;
	c->bytes_out += len;
	if (c->tcp != NULL)
		return rv_srv_send(c, &pkt->buf, false) == 0 ? 1 : RV_ERR_AGAIN;
	pkt->addr = c->peer.remote;
	return 0;
}
