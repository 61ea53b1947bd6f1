/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * comp: compression framing of the data channel and LZO (wire facts 7.4;
 * the bytes and the adaptive rule are openvpn's comp.h, compstub.c, lzo.c;
 * the defaults of --allow-compression were measured against openvpn 2.6.14,
 * see doc/design.md).
 *
 * Outgoing: a payload read from the device (or a ping, an OCC message) gets
 * its framing right before it is sealed. Incoming: the framing comes off
 * right after the packet was opened, before the ping and OCC magic are
 * looked at. Decompression writes into the peer's work buffer, bounded by
 * the largest frame, and is copied back into the packet's slot: a peer can
 * neither make us write past the slot nor allocate anything.
 */
#include "comp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lzo1x.h>

#include "err.h"

/* --- options and policy ------------------------------------------------------ */

int
rv_comp_parse(const char *name, const char *arg, enum rv_comp_alg *alg, bool *adaptive,
    const char **why)
{
	const char *dummy;

	if (why == NULL)
		why = &dummy;
	*why = NULL;
	*adaptive = false;
	if (strcmp(name, "comp-lzo") == 0) {
		/* No argument means adaptive (openvpn's man page: the default). */
		if (arg == NULL || strcmp(arg, "adaptive") == 0) {
			*alg = RV_COMP_LZO;
			*adaptive = true;
		} else if (strcmp(arg, "yes") == 0) {
			*alg = RV_COMP_LZO;
		} else if (strcmp(arg, "no") == 0) {
			*alg = RV_COMP_LZO_STUB;
		} else {
			*why = "expects yes, no or adaptive";
			return RV_ERR_FORMAT;
		}
		return 0;
	}
	if (arg == NULL || strcmp(arg, "stub") == 0) {
		*alg = RV_COMP_STUB;
	} else if (strcmp(arg, "stub-v2") == 0) {
		*alg = RV_COMP_STUB_V2;
	} else if (strcmp(arg, "lzo") == 0) {
		*alg = RV_COMP_LZO;
	} else if (strcmp(arg, "lz4") == 0 || strcmp(arg, "lz4-v2") == 0) {
		*why = "roamvpn is built without LZ4 support; requested compression cannot be "
		    "enabled (use lzo, stub or stub-v2)";
		return RV_ERR_UNSUPPORTED;
	} else if (strcmp(arg, "migrate") == 0) {
		*why = "migrate belongs in the server's own configuration";
		return RV_ERR_UNSUPPORTED;
	} else {
		*why = "expects lzo, stub or stub-v2 (or nothing)";
		return RV_ERR_FORMAT;
	}
	return 0;
}

int
rv_comp_parse_allow(const char *arg, enum rv_comp_allow *out)
{
	if (strcmp(arg, "no") == 0)
		*out = RV_COMP_ALLOW_NO;
	else if (strcmp(arg, "asym") == 0)
		*out = RV_COMP_ALLOW_ASYM;
	else if (strcmp(arg, "yes") == 0)
		*out = RV_COMP_ALLOW_YES;
	else
		return RV_ERR_FORMAT;
	return 0;
}

/* Without --allow-compression openvpn 2.6 stays at "no" unless a compression
 * option other than comp-lzo no is given (measured: comp-lzo no keeps
 * stub-only; compress, stub-v2, lzo, migrate and comp-lzo yes/adaptive drop
 * it; comp-lzo no after migrate keeps migrate's flags, not stub-only). */
bool
rv_comp_conf_stub_only(const struct rv_comp_conf *c)
{
	if (c->allow == RV_COMP_ALLOW_NO)
		return true;
	return c->allow == RV_COMP_ALLOW_UNSET &&
	    !c->migrate && (c->alg == RV_COMP_NONE || c->alg == RV_COMP_LZO_STUB);
}

bool
rv_comp_conf_may_compress(const struct rv_comp_conf *c)
{
	return c->allow == RV_COMP_ALLOW_YES && c->alg == RV_COMP_LZO;
}

bool
rv_comp_conf_real(const struct rv_comp_conf *c)
{
	return c->alg == RV_COMP_LZO;
}

/* openvpn announces real compression unless allow-compression no, a stub
 * compress option, or its stub-only default. */
static bool
advertise_stubs_only(const struct rv_comp_conf *c)
{
	return rv_comp_conf_stub_only(c) || c->alg == RV_COMP_STUB || c->alg == RV_COMP_STUB_V2;
}

const char *
rv_comp_alg_name(enum rv_comp_alg alg)
{
	switch (alg) {
	case RV_COMP_LZO:
		return "lzo";
	case RV_COMP_LZO_STUB:
	case RV_COMP_STUB:
		return "stub";
	case RV_COMP_STUB_V2:
		return "stubv2";
	default:
		return "none";
	}
}

size_t
rv_comp_overhead(enum rv_comp_alg alg)
{
	return alg == RV_COMP_NONE || alg == RV_COMP_STUB_V2 ? 0 : 1;
}

void
rv_comp_peer_info(const struct rv_comp_conf *c, char *out, size_t len)
{
	size_t used = strnlen(out, len);

	if (used + 1 >= len)
		return;
	/* No LZ4 here, so never IV_LZ4 / IV_LZ4v2. */
	snprintf(out + used, len - used, "%s=1\nIV_COMP_STUB=1\nIV_COMP_STUBv2=1\n",
	    advertise_stubs_only(c) ? "IV_LZO_STUB" : "IV_LZO");
}

/* --- state ------------------------------------------------------------------------- */

/* What LZO may turn max bytes into at worst (liblzo2's documented bound). */
static size_t
work_size(size_t max)
{
	return max + max / 16 + 64 + 3;
}

/* Allocates what conf needs and is not there yet. */
static int
provision(struct rv_comp *c)
{
	if (c->conf.alg == RV_COMP_LZO && c->work == NULL) {
		c->work_cap = work_size(c->max_frame);
		if ((c->work = malloc(c->work_cap)) == NULL)
			return RV_ERR_NOMEM;
	}
	if (c->compress && c->lzo_mem == NULL &&
	    (c->lzo_mem = malloc(LZO1X_1_MEM_COMPRESS)) == NULL)
		return RV_ERR_NOMEM;
	return 0;
}

int
rv_comp_set(struct rv_comp *c, const struct rv_comp_conf *conf)
{
	c->conf = *conf;
	c->compress = rv_comp_conf_may_compress(conf);
	memset(&c->ac, 0, sizeof(c->ac));
	return provision(c);
}

int
rv_comp_init(struct rv_comp *c, const struct rv_comp_conf *conf, size_t max_frame)
{
	memset(c, 0, sizeof(*c));
	/* lzo_init() checks the library against its header; it keeps no state. */
	if (lzo_init() != LZO_E_OK)
		return RV_ERR_CRYPTO;
	c->max_frame = max_frame;
	c->stub_only = rv_comp_conf_stub_only(conf);
	return rv_comp_set(c, conf);
}

int
rv_comp_push(struct rv_comp *c, enum rv_comp_alg alg, bool adaptive)
{
	struct rv_comp_conf conf = c->conf;

	if (alg == RV_COMP_LZO && c->stub_only)
		return RV_ERR_UNSUPPORTED;
	conf.alg = alg;
	conf.adaptive = adaptive;
	return rv_comp_set(c, &conf);
}

void
rv_comp_clear(struct rv_comp *c)
{
	free(c->work);
	free(c->lzo_mem);
	memset(c, 0, sizeof(*c));
}

bool
rv_comp_framed(const struct rv_comp *c)
{
	return c->conf.alg != RV_COMP_NONE;
}

/* --- outgoing ------------------------------------------------------------------------ */

/* Adaptive sampling: true if this packet should be tried. */
static bool
adaptive_try(struct rv_comp_adaptive *ac, uint64_t now)
{
	long long saved;

	if (now < ac->next)
		return !ac->off;
	if (ac->off) {
		ac->off = false;
		ac->next = now + RV_COMP_AC_SAMPLE_SECS;
	} else {
		saved = (long long)ac->n_total - (long long)ac->n_comp;
		if (ac->n_total > RV_COMP_AC_MIN_BYTES &&
		    saved < (long long)(ac->n_total / (100 / RV_COMP_AC_SAVE_PCT))) {
			ac->off = true;
			ac->next = now + RV_COMP_AC_OFF_SECS;
		} else {
			ac->next = now + RV_COMP_AC_SAMPLE_SECS;
		}
	}
	ac->n_total = ac->n_comp = 0;
	return !ac->off;
}

/* LZO: compressed with 0x66 when that is shorter, else 0xFA + payload. */
static int
frame_lzo(struct rv_comp *c, struct rv_buf *b, uint64_t now)
{
	size_t n = rv_buf_len(b), h;
	lzo_uint zlen = 0;

	if (!c->compress || n < RV_COMP_THRESHOLD ||
	    (c->conf.adaptive && !adaptive_try(&c->ac, now)))
		return rv_buf_prepend_u8(b, RV_COMP_BYTE_NONE);
	if (lzo1x_1_compress(rv_buf_data(b), n, c->work, &zlen, c->lzo_mem) != LZO_E_OK ||
	    zlen > c->work_cap)
		return rv_buf_prepend_u8(b, RV_COMP_BYTE_NONE);
	c->pre_compress += n;
	c->post_compress += zlen;
	if (c->conf.adaptive) {
		c->ac.n_total += n;
		c->ac.n_comp += zlen;
	}
	if (zlen >= n)
		return rv_buf_prepend_u8(b, RV_COMP_BYTE_NONE);
	/* Shorter: the compressed bytes replace the payload, same headroom. */
	h = rv_buf_headroom(b);
	rv_buf_reset(b, h);
	if (rv_buf_put(b, c->work, zlen) != 0)
		return RV_ERR_INTERNAL;
	return rv_buf_prepend_u8(b, RV_COMP_BYTE_LZO);
}

/* compress / compress stub: the first byte moves to the end, 0xFB takes
 * its place (keeps the payload aligned). */
static int
frame_swap(struct rv_buf *b)
{
	uint8_t first, mark = RV_COMP_BYTE_SWAP;
	int r;

	if ((r = rv_buf_peek_u8(b, 0, &first)) != 0 || (r = rv_buf_put_u8(b, first)) != 0)
		return r;
	return rv_buf_poke(b, 0, &mark, 1);
}

int
rv_comp_frame(struct rv_comp *c, struct rv_buf *b, uint64_t now_sec)
{
	uint8_t first;
	int r;

	if (rv_buf_len(b) == 0 || c->conf.alg == RV_COMP_NONE)
		return 0;
	if (rv_buf_len(b) > c->max_frame)
		return RV_ERR_RANGE;
	switch (c->conf.alg) {
	case RV_COMP_LZO_STUB:
		return rv_buf_prepend_u8(b, RV_COMP_BYTE_NONE);
	case RV_COMP_LZO:
		return frame_lzo(c, b, now_sec);
	case RV_COMP_STUB:
		return frame_swap(b);
	case RV_COMP_STUB_V2:
		/* Only a payload that looks like a v2 header needs escaping; we
		 * write the escape 2.6's reader accepts (0x50 0x00). */
		rv_buf_peek_u8(b, 0, &first);
		if (first != RV_COMP_V2_INDICATOR)
			return 0;
		if ((r = rv_buf_prepend_u8(b, RV_COMP_V2_UNCOMPRESSED)) != 0)
			return r;
		return rv_buf_prepend_u8(b, RV_COMP_V2_INDICATOR);
	default:
		return RV_ERR_INTERNAL;
	}
}

/* --- incoming ------------------------------------------------------------------------ */

/* 0x66: decompress into the work buffer, at most max_frame bytes and no
 * more than b can hold, then copy back. */
static int
unframe_lzo(struct rv_comp *c, struct rv_buf *b)
{
	size_t h = rv_buf_headroom(b), room = rv_buf_len(b) + rv_buf_tailroom(b);
	lzo_uint out = c->max_frame < c->work_cap ? c->max_frame : c->work_cap;
	size_t in = rv_buf_len(b);
	int r;

	if (out > room)
		out = room;
	r = lzo1x_decompress_safe(rv_buf_data(b), in, c->work, &out, NULL);
	if (r != LZO_E_OK)
		return RV_ERR_LIMIT;
	c->pre_decompress += in;
	c->post_decompress += out;
	rv_buf_reset(b, h);
	return rv_buf_put(b, c->work, out);
}

/* 0xFB: the last byte goes back to the front. */
static int
unframe_swap(struct rv_buf *b)
{
	size_t n = rv_buf_len(b);
	uint8_t last;

	rv_buf_peek_u8(b, n - 1, &last);
	rv_buf_truncate(b, n - 1);
	return n > 1 ? rv_buf_poke(b, 0, &last, 1) : 0;
}

static int
unframe_v2(struct rv_buf *b)
{
	uint8_t how;

	if (rv_buf_len(b) == 1)
		return rv_buf_skip(b, 1);
	rv_buf_peek_u8(b, 1, &how);
	if (how == RV_COMP_V2_UNCOMPRESSED || how == RV_COMP_V2_UNCOMPRESSED_26)
		return rv_buf_skip(b, 2);
	return how == 0x01 ? RV_ERR_UNSUPPORTED : RV_ERR_FORMAT;   /* 0x01: LZ4 */
}

int
rv_comp_unframe(struct rv_comp *c, struct rv_buf *b)
{
	uint8_t first;

	if (c->conf.alg == RV_COMP_NONE || rv_buf_peek_u8(b, 0, &first) != 0)
		return 0;
	switch (c->conf.alg) {
	case RV_COMP_LZO_STUB:
		return first == RV_COMP_BYTE_NONE ? rv_buf_skip(b, 1) : RV_ERR_FORMAT;
	case RV_COMP_LZO:
		if (first == RV_COMP_BYTE_NONE)
			return rv_buf_skip(b, 1);
		if (first != RV_COMP_BYTE_LZO)
			return RV_ERR_FORMAT;
		rv_buf_skip(b, 1);
		return unframe_lzo(c, b);
	case RV_COMP_STUB:
		return first == RV_COMP_BYTE_SWAP ? unframe_swap(b) : RV_ERR_FORMAT;
	case RV_COMP_STUB_V2:
		return first == RV_COMP_V2_INDICATOR ? unframe_v2(b) : 0;
	default:
		return RV_ERR_INTERNAL;
	}
}
