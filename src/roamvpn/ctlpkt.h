/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_CTLPKT_H
#define RV_CTLPKT_H

/*
 * Control-channel packets (wire facts 2.1; draft "Control channel packets",
 * fields ack_packet_id_array_len, ack_packet_id, remote_session_id,
 * message_packet_id). A packet is
 *
 *   head: [1] opcode << 3 | key_id   [8] sender's session id
 *   wrap: tls-auth / tls-crypt fields (wrap.c), or nothing
 *   body: [1] ack count N (0..8)  N x [4] acked message id (newest first)
 *         [8] receiver's session id (only when N > 0)
 *         [4] message packet id (absent in P_ACK_V1)
 *         payload (TLS records, or nothing)
 *
 * This file reads and writes the head's first byte and the body; wrap.c
 * places the head and its own fields.
 */

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "wire.h"

struct rv_ctlpkt {
	uint8_t op;                          /* enum rv_opcode */
	uint8_t key_id;                      /* 0..7 */
	uint8_t nacks;                       /* 0..RV_WIRE_ACK_MAX */
	uint32_t acks[RV_WIRE_ACK_MAX];
	uint8_t ack_sid[RV_WIRE_SID_LEN];    /* our id as the sender echoes it; valid if nacks > 0 */
	bool has_pid;                        /* false exactly for P_ACK_V1 */
	uint32_t pid;                        /* message packet id */
	struct rv_buf payload;               /* view into the parsed packet */
};

/* Splits the first byte of any TLS-mode packet. */
static inline uint8_t
rv_ctlpkt_opcode(uint8_t first)
{
	return first >> RV_WIRE_OPCODE_SHIFT;
}

static inline uint8_t
rv_ctlpkt_key_id(uint8_t first)
{
	return first & RV_WIRE_KEY_ID_MASK;
}

static inline uint8_t
rv_ctlpkt_first_byte(uint8_t op, uint8_t key_id)
{
	return (uint8_t)(op << RV_WIRE_OPCODE_SHIFT | (key_id & RV_WIRE_KEY_ID_MASK));
}

/* True for the opcodes a control packet may carry (3..5, 7, 8, 10, 11). */
bool rv_ctlpkt_is_control(uint8_t op);

/* Parses the body of a control packet of opcode op (from the head, already
 * read by rv_wrap_open) in b: ack block, message id unless P_ACK_V1, payload
 * (the rest; a view into b). Fills out (op too). Returns 0, RV_ERR_SHORT or
 * RV_ERR_FORMAT (more than RV_WIRE_ACK_MAX acks, payload on a P_ACK_V1, a
 * payload larger than RV_WIRE_CTL_PAYLOAD_MAX). */
int rv_ctlpkt_parse_body(struct rv_buf *b, uint8_t op, uint8_t key_id,
    struct rv_ctlpkt *out);

/* Prepends the body header (ack block, and the message id if has_pid) to
 * the payload already in b. Uses op/key_id/nacks/acks/ack_sid/has_pid/pid of
 * p (payload is ignored). Returns 0, RV_ERR_NOSPACE or RV_ERR_RANGE. */
int rv_ctlpkt_prepend_body(struct rv_buf *b, const struct rv_ctlpkt *p);

/* Bytes rv_ctlpkt_prepend_body() adds for nacks acks with or without a
 * message id. */
size_t rv_ctlpkt_body_overhead(unsigned nacks, bool has_pid);

#endif
