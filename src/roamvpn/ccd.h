/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_CCD_H
#define RV_CCD_H

/*
 * Per-client options of a server: a --client-config-dir file named after
 * the client's common name (else the file DEFAULT), or the file a
 * --client-connect script writes. In openvpn's syntax; understood:
 *
 *   ifconfig-push LOCAL REMOTE-NETMASK   the client's address (and its peer
 *                                        or netmask) instead of the pool's
 *   iroute NET [MASK]                    route NET/MASK to this client
 *   ifconfig-ipv6-push ADDR/BITS [PEER]  the client's IPv6 address instead
 *                                        of the pool's (peer: default the
 *                                        server's --ifconfig-ipv6 address)
 *   iroute-ipv6 NET/BITS                 route NET/BITS to this client
 *   push "OPTION"                        pushed to this client only
 *   push-reset                           none of the global --push list
 *   disable                              refuse the client
 *   comp-lzo [ARG], compress [ARG]       this client's compression framing
 *                                        instead of the server's (as
 *                                        openvpn 2.6: the server's
 *                                        --allow-compression still holds;
 *                                        nothing is pushed by it;
 *                                        compress migrate: not framed)
 *
 * Other options are logged and skipped. A common name that could leave the
 * directory ('/', "." or ".."), or is empty, never names a file.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <netinet/in.h>

#include "comp.h"

enum { RV_CCD_IROUTES_MAX = 64, RV_CCD_PUSH_MAX = 64 };

struct rv_ccd_iroute {
	struct in_addr net;
	uint8_t bits;
};

struct rv_ccd_iroute6 {
	struct in6_addr net;
	uint8_t bits;
};

struct rv_ccd {
	bool found;                  /* a file was read */
	bool disable;
	bool push_reset;
	bool has_ifconfig;
	struct in_addr local, remote;
	struct rv_ccd_iroute iroutes[RV_CCD_IROUTES_MAX];
	size_t niroutes;
	bool has_ifconfig6;
	bool has_remote6;            /* else the server's own address */
	struct in6_addr local6, remote6;
	int bits6;
	struct rv_ccd_iroute6 iroutes6[RV_CCD_IROUTES_MAX];
	size_t niroutes6;
	char *push[RV_CCD_PUSH_MAX];
	size_t npush;
	bool has_comp;               /* comp-lzo or compress (the last wins) */
	enum rv_comp_alg comp_alg;
	bool comp_adaptive;
};

/* Reads dir/cn, else dir/DEFAULT, into c (which it empties first). A
 * missing file leaves c->found false. Returns 0, or RV_ERR_FORMAT /
 * RV_ERR_SYSTEM with "file:line: what is wrong" in err. */
int rv_ccd_load(struct rv_ccd *c, const char *dir, const char *cn, char *err, size_t errlen);

/* Reads one file (e.g. a --client-connect script's) and adds its options
 * to c. A missing or empty file adds nothing. Returns as rv_ccd_load(). */
int rv_ccd_load_file(struct rv_ccd *c, const char *path, char *err, size_t errlen);

/* Puts opt in front of the pushes of c (what a server adds for the client
 * before its files are read, as compress migrate does). Returns 0,
 * RV_ERR_LIMIT (too many pushes) or RV_ERR_NOMEM. */
int rv_ccd_push_front(struct rv_ccd *c, const char *opt);

/* Frees what c holds and empties it. */
void rv_ccd_clear(struct rv_ccd *c);

/* True if cn may name a file in the directory. */
bool rv_ccd_name_ok(const char *cn);

#endif
