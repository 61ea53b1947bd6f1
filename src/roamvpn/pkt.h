/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_PKT_H
#define RV_PKT_H

/*
 * Packet slots: a buffer plus the address it came from or goes to. Pools are
 * allocated once at start-up; the data path only resets slots.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "buf.h"

struct rv_pkt {
	struct rv_buf buf;
	struct rv_sockaddr addr;   /* source of a received packet */
	bool truncated;            /* larger than the slot: must be dropped */
	uint8_t *mem;              /* the slot's storage, inside the pool */
	size_t cap;
};

struct rv_pktpool {
	struct rv_pkt *pkts;
	unsigned n;
	uint8_t *mem;
};

/* n slots of slot_size bytes each. Returns 0 or RV_ERR_NOMEM. */
int rv_pktpool_init(struct rv_pktpool *p, unsigned n, size_t slot_size);
void rv_pktpool_clear(struct rv_pktpool *p);

/* Empties a slot, leaving headroom bytes in front. */
void rv_pkt_reset(struct rv_pkt *pkt, size_t headroom);

#endif
