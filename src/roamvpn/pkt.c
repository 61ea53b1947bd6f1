/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pkt: preallocated packet slots.
 */
#include "pkt.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"

int
rv_pktpool_init(struct rv_pktpool *p, unsigned n, size_t slot_size)
{
	struct rv_buf whole;

	memset(p, 0, sizeof(*p));
	p->pkts = calloc(n, sizeof(*p->pkts));
	p->mem = calloc(n, slot_size);
	if (p->pkts == NULL || p->mem == NULL) {
		rv_pktpool_clear(p);
		return RV_ERR_NOMEM;
	}
	p->n = n;
	/* Carve the slots out of one allocation through the buffer API. */
	rv_buf_init(&whole, p->mem, (size_t)n * slot_size, 0);
	rv_buf_commit(&whole, (size_t)n * slot_size);
	for (unsigned i = 0; i < n; i++) {
		struct rv_buf slot;

		rv_buf_get_view(&whole, slot_size, &slot);
		p->pkts[i].mem = rv_buf_mutable_data(&slot);
		p->pkts[i].cap = slot_size;
		rv_pkt_reset(&p->pkts[i], 0);
	}
	return 0;
}

void
rv_pktpool_clear(struct rv_pktpool *p)
{
	free(p->pkts);
	free(p->mem);
	memset(p, 0, sizeof(*p));
}

void
rv_pkt_reset(struct rv_pkt *pkt, size_t headroom)
{
	rv_buf_init(&pkt->buf, pkt->mem, pkt->cap, headroom);
	pkt->truncated = false;
}
