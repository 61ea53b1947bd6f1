/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_PUSH_H
#define RV_PUSH_H

/*
 * Options a server pushes (wire facts 8.2-8.5): parsing a PUSH_REPLY's
 * comma-separated list into struct rv_push. Each item is tokenized with the
 * config syntax (conf.c). Options roamvpn cannot apply are reported and
 * skipped, as openvpn does; a malformed one of those it applies is an error.
 * Multi-part replies ("push-continuation 2") accumulate into one rv_push.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "comp.h"
#include "netconf.h"
#include "options.h"

enum { RV_PUSH_ROUTES_MAX = 256, RV_PUSH_ERRLEN = 256 };

enum rv_push_flags {
	RV_PUSH_FLAG_CC_EXIT = 1 << 0,        /* protocol-flags cc-exit */
	RV_PUSH_FLAG_TLS_EKM = 1 << 1,        /* protocol-flags tls-ekm, key-derivation tls-ekm */
	RV_PUSH_FLAG_DYN_TLS_CRYPT = 1 << 2,  /* protocol-flags dyn-tls-crypt */
};

struct rv_push {
	bool has_ifconfig;
	struct in_addr ifc_local, ifc_remote; /* peer (net30, p2p) or netmask (subnet) */
	bool has_topology;
	enum rv_topology topology;
	bool has_route_gateway;
	struct in_addr route_gateway;
	struct rv_netroute routes[RV_PUSH_ROUTES_MAX];
	size_t nroutes;
	bool has_ifconfig6;                   /* ifconfig-ipv6 ADDR/BITS REMOTE */
	struct in6_addr ifc6_local, ifc6_remote;
	int ifc6_bits;
	struct rv_netroute6 routes6[RV_PUSH_ROUTES_MAX];   /* route-ipv6 */
	size_t nroutes6;
	int ping, ping_restart;               /* -1 = not pushed */
	bool has_peer_id;
	uint32_t peer_id;
	char cipher[48];                      /* "" = not pushed */
	unsigned flags;                       /* enum rv_push_flags */
	int tun_mtu;                          /* 0 = not pushed */
	bool has_comp;                        /* comp-lzo or compress pushed */
	enum rv_comp_alg comp_alg;
	bool comp_adaptive;
	bool roam;                            /* roam-extension: the mobility extension */
	bool more;                            /* push-continuation 2: wait for more */
	unsigned ignored;                     /* options skipped */
};

/* Empties p (nothing pushed). */
void rv_push_init(struct rv_push *p);

/* Adds the options of one PUSH_REPLY (the text after "PUSH_REPLY,") to p.
 * Skipped options are logged once each. Returns 0, or RV_ERR_FORMAT with
 * "option: what is wrong" in err for a malformed option roamvpn applies. */
int rv_push_parse(struct rv_push *p, const char *options, char err[static RV_PUSH_ERRLEN]);

#endif
