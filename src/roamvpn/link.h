/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_LINK_H
#define RV_LINK_H

/*
 * The transport: a non-blocking UDP socket with batched receive and send
 * (recvmmsg/sendmmsg). One OpenVPN packet per datagram (wire facts 1).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "event.h"
#include "pkt.h"

enum { RV_LINK_BATCH = 32 };

struct rv_link {
	int fd;                    /* -1 when closed */
	int family;                /* of the socket */
	bool dualstack;            /* AF_INET6 socket carrying IPv4 as mapped addresses */
	struct rv_sockaddr local;  /* bound address */
	struct rv_io io;
	/* counters (owner: this file) */
	uint64_t rx_packets, rx_bytes, tx_packets, tx_bytes;
	uint64_t tx_errors;
};

/* Opens a UDP socket of family; binds it to bind_to unless NULL. v6only
 * applies to AF_INET6. Returns 0 or RV_ERR_SYSTEM with err filled. */
int rv_link_open(struct rv_link *l, int family, bool v6only,
    const struct rv_sockaddr *bind_to, int sndbuf, int rcvbuf, char *err, size_t errlen);
void rv_link_close(struct rv_link *l);

/* Receives up to max datagrams into pkts[] (each reset by the caller). Sets
 * *got; returns 0, RV_ERR_AGAIN (nothing waiting) or RV_ERR_SYSTEM. A datagram
 * larger than its slot is flagged truncated. */
int rv_link_recv(struct rv_link *l, struct rv_pkt *pkts, unsigned max, unsigned *got);

/* Sends n packets to to (to == NULL: each to its pkts[i].addr). Sets *sent to how many left; returns 0,
 * RV_ERR_AGAIN (the socket is full: retry the rest when writable) or
 * RV_ERR_SYSTEM (the failed packet is counted and skipped). */
int rv_link_send(struct rv_link *l, struct rv_pkt *pkts, unsigned n,
    const struct rv_sockaddr *to, unsigned *sent);

/* Sends one buffer; returns 0, RV_ERR_AGAIN or RV_ERR_SYSTEM. */
int rv_link_send_buf(struct rv_link *l, const struct rv_buf *b, const struct rv_sockaddr *to);

#endif
