/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_ROAMMSG_H
#define RV_ROAMMSG_H

/*
 * roammsg: the messages of the mobility extension (include/roamvpn/roam.h
 * has the layout), built and parsed. Like keepalives and OCC messages they
 * are payloads of authenticated data packets, recognised after decryption
 * and never written to the device. peer.c and roam.c decide when to send
 * them.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "roamvpn/roam.h"

#include "buf.h"

struct rv_roam_msg {
	uint8_t type;                         /* RV_ROAM_MSG_* */
	uint8_t nonce[RV_ROAM_NONCE_LEN];
	uint8_t echo[RV_ROAM_NONCE_LEN];
};

/* True if payload starts with the extension's magic (then it is never a
 * packet for the device: no IPv4 or IPv6 packet starts with 0x7e). */
bool rv_roam_msg_is(const struct rv_buf *payload);

/* Parses a message (padding ignored). Returns 0, RV_ERR_SHORT or
 * RV_ERR_FORMAT (bad magic, unknown type). */
int rv_roam_msg_parse(const struct rv_buf *payload, struct rv_roam_msg *m);

/* Appends m, then zero bytes up to pad_to bytes in all (0: no padding).
 * Returns 0 or RV_ERR_NOSPACE. */
int rv_roam_msg_put(struct rv_buf *b, const struct rv_roam_msg *m, size_t pad_to);

/* True if the nonce is all zero (no challenge). */
bool rv_roam_nonce_none(const uint8_t n[static RV_ROAM_NONCE_LEN]);

/* A fresh random nonce, never all zero. Returns 0 or RV_ERR_CRYPTO. */
int rv_roam_nonce_new(uint8_t n[static RV_ROAM_NONCE_LEN]);

#endif
