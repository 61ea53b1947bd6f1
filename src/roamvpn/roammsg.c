/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * roammsg: the mobility extension's messages (see roammsg.h and
 * include/roamvpn/roam.h).
 */
#include "roammsg.h"

#include <string.h>

#include <openssl/rand.h>

#include "err.h"

static const uint8_t magic[RV_ROAM_MAGIC_LEN] = RV_ROAM_MAGIC;

bool
rv_roam_msg_is(const struct rv_buf *payload)
{
	return rv_buf_has_prefix(payload, magic, sizeof(magic));
}

int
rv_roam_msg_parse(const struct rv_buf *payload, struct rv_roam_msg *m)
{
	struct rv_buf b = *payload;
	uint8_t flags;
	int r;

	if (rv_buf_len(&b) < RV_ROAM_HDR_LEN)
		return RV_ERR_SHORT;
	if (!rv_roam_msg_is(&b))
		return RV_ERR_FORMAT;
	if ((r = rv_buf_skip(&b, RV_ROAM_MAGIC_LEN)) != 0 || (r = rv_buf_get_u8(&b, &m->type)) != 0 ||
	    (r = rv_buf_get_u8(&b, &flags)) != 0 ||
	    (r = rv_buf_get(&b, m->nonce, sizeof(m->nonce))) != 0 ||
	    (r = rv_buf_get(&b, m->echo, sizeof(m->echo))) != 0)
		return r;
	if (m->type < RV_ROAM_MSG_PROBE || m->type > RV_ROAM_MSG_RESPONSE)
		return RV_ERR_FORMAT;
	return 0;
}

int
rv_roam_msg_put(struct rv_buf *b, const struct rv_roam_msg *m, size_t pad_to)
{
	uint8_t *pad;
	int r;

	if ((r = rv_buf_put(b, magic, sizeof(magic))) != 0 || (r = rv_buf_put_u8(b, m->type)) != 0 ||
	    (r = rv_buf_put_u8(b, 0)) != 0 || (r = rv_buf_put(b, m->nonce, sizeof(m->nonce))) != 0 ||
	    (r = rv_buf_put(b, m->echo, sizeof(m->echo))) != 0)
		return r;
	if (pad_to <= RV_ROAM_HDR_LEN)
		return 0;
	if ((r = rv_buf_reserve(b, pad_to - RV_ROAM_HDR_LEN, &pad)) != 0)
		return r;
	memset(pad, 0, pad_to - RV_ROAM_HDR_LEN);
	return 0;
}

bool
rv_roam_nonce_none(const uint8_t n[static RV_ROAM_NONCE_LEN])
{
	uint8_t any = 0;

	for (size_t i = 0; i < RV_ROAM_NONCE_LEN; i++)
		any |= n[i];
	return any == 0;
}

int
rv_roam_nonce_new(uint8_t n[static RV_ROAM_NONCE_LEN])
{
	do {
		if (RAND_bytes(n, RV_ROAM_NONCE_LEN) != 1)
			return RV_ERR_CRYPTO;
	} while (rv_roam_nonce_none(n));
	return 0;
}
