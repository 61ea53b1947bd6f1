/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ctlpkt: the body of a control-channel packet, the part after the head and
 * the wrap fields (wire facts 2.1; draft "General Control channel format",
 * fields acked_pktid_len, acked_pktid_list, peer_session_id, packet_id):
 *
 *   [1] ack count N   N x [4] acked message id   [8] peer's sid (N > 0 only)
 *   [4] message packet id (absent in P_ACK_V1)   payload
 *
 * The draft's structs show acked ids as uint8[n*8]; 2.6 writes 4 bytes per id
 * (wire facts 14), and so do we. 2.6 drops a packet announcing more than 8
 * acks (reliable.c reliable_ack_parse, RELIABLE_ACK_SIZE), so that is
 * malformed here too; the sender's order (newest first) is kept as it is.
 *
 * What the writer refuses, the reader refuses as well, so anything
 * rv_ctlpkt_prepend_body() produces parses back to the same fields.
 */
#include "ctlpkt.h"

#include <string.h>

#include "err.h"

enum {
	ACK_COUNT_LEN = 1,
	ACK_ID_LEN = 4,
	MSG_PID_LEN = 4,
};

bool
rv_ctlpkt_is_control(uint8_t op)
{
	switch (op) {
	case RV_OP_SOFT_RESET_V1:
	case RV_OP_CONTROL_V1:
	case RV_OP_ACK_V1:
	case RV_OP_HARD_RESET_CLIENT_V2:
	case RV_OP_HARD_RESET_SERVER_V2:
	case RV_OP_HARD_RESET_CLIENT_V3:
	case RV_OP_CONTROL_WKC_V1:
		return true;
	default:
		return false;
	}
}

size_t
rv_ctlpkt_body_overhead(unsigned nacks, bool has_pid)
{
	size_t n = ACK_COUNT_LEN + (size_t)nacks * ACK_ID_LEN;

	/* The peer's session id follows the ids only when there are ids. */
	if (nacks > 0)
		n += RV_WIRE_SID_LEN;
	if (has_pid)
		n += MSG_PID_LEN;
	return n;
}

/* Ack block: count, ids in wire order, and the echoed session id. */
static int
get_acks(struct rv_buf *b, struct rv_ctlpkt *p)
{
	int r;

	if ((r = rv_buf_get_u8(b, &p->nacks)) != 0)
		return r;
	if (p->nacks > RV_WIRE_ACK_MAX)
		return RV_ERR_FORMAT;
	for (unsigned i = 0; i < p->nacks; i++)
		if ((r = rv_buf_get_u32(b, &p->acks[i])) != 0)
			return r;
	if (p->nacks > 0)
		return rv_buf_get(b, p->ack_sid, RV_WIRE_SID_LEN);
	return 0;
}

int
rv_ctlpkt_parse_body(struct rv_buf *b, uint8_t op, uint8_t key_id, struct rv_ctlpkt *out)
{
	struct rv_buf c = *b;   /* work on a copy: a failed parse consumes nothing */
	struct rv_ctlpkt p;
	int r = RV_ERR_INTERNAL;

	memset(&p, 0, sizeof(p));
	p.op = op;
	p.key_id = key_id;
	if (!rv_ctlpkt_is_control(op) || key_id > RV_WIRE_KEY_ID_MASK) {
		r = RV_ERR_FORMAT;
		goto out;
	}
	if ((r = get_acks(&c, &p)) != 0)
		goto out;
	/* P_ACK_V1 is the only control packet without a message id
	 * (wire facts 2.1). */
	p.has_pid = op != RV_OP_ACK_V1;
	if (p.has_pid && (r = rv_buf_get_u32(&c, &p.pid)) != 0)
		goto out;
	/* An ack carries nothing else; 2.6 drops control payloads it cannot
	 * buffer (wire facts 2.7). */
	if ((!p.has_pid && rv_buf_len(&c) > 0) || rv_buf_len(&c) > RV_WIRE_CTL_PAYLOAD_MAX) {
		r = RV_ERR_FORMAT;
		goto out;
	}
	if ((r = rv_buf_get_view(&c, rv_buf_len(&c), &p.payload)) != 0)
		goto out;
	*out = p;
	*b = c;
	r = 0;
out:
	return r;
}

/* The fields of p are ones rv_ctlpkt_parse_body() would accept with a
 * payload of len bytes. */
static bool
valid(const struct rv_ctlpkt *p, size_t len)
{
	if (!rv_ctlpkt_is_control(p->op) || p->key_id > RV_WIRE_KEY_ID_MASK ||
	    p->nacks > RV_WIRE_ACK_MAX)
		return false;
	if (p->has_pid != (p->op != RV_OP_ACK_V1))
		return false;
	return len <= (p->has_pid ? (size_t)RV_WIRE_CTL_PAYLOAD_MAX : 0);
}

int
rv_ctlpkt_prepend_body(struct rv_buf *b, const struct rv_ctlpkt *p)
{
	int r = RV_ERR_INTERNAL;

	if (!valid(p, rv_buf_len(b))) {
		r = RV_ERR_RANGE;
		goto out;
	}
	/* Check the room first, so a refused call leaves b as it was. */
	if (rv_buf_headroom(b) < rv_ctlpkt_body_overhead(p->nacks, p->has_pid)) {
		r = RV_ERR_NOSPACE;
		goto out;
	}
	/* Prepending builds the body back to front. */
	if (p->has_pid && (r = rv_buf_prepend_u32(b, p->pid)) != 0)
		goto out;
	if (p->nacks > 0 && (r = rv_buf_prepend_data(b, p->ack_sid, RV_WIRE_SID_LEN)) != 0)
		goto out;
	for (unsigned i = p->nacks; i > 0; i--)
		if ((r = rv_buf_prepend_u32(b, p->acks[i - 1])) != 0)
			goto out;
	r = rv_buf_prepend_u8(b, p->nacks);
out:
	return r;
}
