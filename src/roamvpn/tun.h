/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_TUN_H
#define RV_TUN_H

/*
 * The TUN/TAP device: opening it and moving packets. Addresses, routes and
 * the MTU are set through netconf.c (libnl-route-3), not here.
 * --dev null is a device that never produces packets and swallows writes.
 */

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "event.h"
#include "options.h"

struct rv_tun {
	int fd;                     /* -1 for null or closed */
	enum rv_dev_type type;
	char name[IFNAMSIZ];
	int ifindex;
	struct rv_io io;
	/* counters (owner: this file) */
	uint64_t rx_packets, rx_bytes, tx_packets, tx_bytes, tx_errors;
};

/* Opens dev ("tun" = next free tunN) of type. node NULL = /dev/net/tun.
 * Returns 0 or RV_ERR_SYSTEM with err filled. */
int rv_tun_open(struct rv_tun *t, const char *dev, enum rv_dev_type type, const char *node,
    char *err, size_t errlen);
void rv_tun_close(struct rv_tun *t);
bool rv_tun_is_open(const struct rv_tun *t);

/* Reads one packet of at most max bytes into b's tailroom. Returns 0,
 * RV_ERR_AGAIN or RV_ERR_SYSTEM. */
int rv_tun_read(struct rv_tun *t, struct rv_buf *b, size_t max);

/* Writes the packet in b. Returns 0 or RV_ERR_SYSTEM (counted). */
int rv_tun_write(struct rv_tun *t, const struct rv_buf *b);

#endif
