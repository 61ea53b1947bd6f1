/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * buf: the bounded reader/writer every parser and packet goes through.
 * All pointer arithmetic on packet and file bytes lives in this file.
 */
#include "buf.h"

#include <string.h>

#include <openssl/crypto.h>

#include "err.h"

void
rv_buf_init(struct rv_buf *b, void *mem, size_t cap, size_t headroom)
{
	if (headroom > cap)
		headroom = cap;
	b->mem = mem;
	b->cap = cap;
	b->off = headroom;
	b->end = headroom;
	b->ro = false;
}

void
rv_buf_init_ro(struct rv_buf *b, const void *data, size_t len)
{
	/* The cast is safe: ro makes every writer refuse. */
	b->mem = (uint8_t *)(uintptr_t)data;
	b->cap = len;
	b->off = 0;
	b->end = len;
	b->ro = true;
}

void
rv_buf_reset(struct rv_buf *b, size_t headroom)
{
	if (headroom > b->cap)
		headroom = b->cap;
	b->off = headroom;
	b->end = headroom;
}

size_t
rv_buf_len(const struct rv_buf *b)
{
	return b->end - b->off;
}

size_t
rv_buf_headroom(const struct rv_buf *b)
{
	return b->off;
}

size_t
rv_buf_tailroom(const struct rv_buf *b)
{
	return b->cap - b->end;
}

const uint8_t *
rv_buf_data(const struct rv_buf *b)
{
	static const uint8_t empty[1];

	return b->mem != NULL ? b->mem + b->off : empty;
}

uint8_t *
rv_buf_mutable_data(struct rv_buf *b)
{
	return b->ro || b->mem == NULL ? NULL : b->mem + b->off;
}

int
rv_buf_peek(const struct rv_buf *b, size_t at, void *out, size_t n)
{
	size_t len = rv_buf_len(b);

	if (at > len || n > len - at)
		return RV_ERR_SHORT;
	if (n > 0)
		memcpy(out, b->mem + b->off + at, n);
	return 0;
}

int
rv_buf_peek_u8(const struct rv_buf *b, size_t at, uint8_t *out)
{
	return rv_buf_peek(b, at, out, 1);
}

int
rv_buf_get(struct rv_buf *b, void *out, size_t n)
{
	int r;

	if ((r = rv_buf_peek(b, 0, out, n)) != 0)
		return r;
	b->off += n;
	return 0;
}

int
rv_buf_skip(struct rv_buf *b, size_t n)
{
	if (n > rv_buf_len(b))
		return RV_ERR_SHORT;
	b->off += n;
	return 0;
}

int
rv_buf_get_u8(struct rv_buf *b, uint8_t *out)
{
	return rv_buf_get(b, out, 1);
}

static uint64_t
load_be(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v = (v << 8) | p[i];
	return v;
}

static void
store_be(uint8_t *p, uint64_t v, size_t n)
{
	for (size_t i = n; i > 0; i--) {
		p[i - 1] = (uint8_t)v;
		v >>= 8;
	}
}

static int
get_be(struct rv_buf *b, size_t n, uint64_t *out)
{
	uint8_t tmp[8];
	int r;

	if ((r = rv_buf_get(b, tmp, n)) != 0)
		return r;
	*out = load_be(tmp, n);
	return 0;
}

int
rv_buf_get_u16(struct rv_buf *b, uint16_t *out)
{
	uint64_t v;
	int r;

	if ((r = get_be(b, 2, &v)) == 0)
		*out = (uint16_t)v;
	return r;
}

int
rv_buf_get_u24(struct rv_buf *b, uint32_t *out)
{
	uint64_t v;
	int r;

	if ((r = get_be(b, 3, &v)) == 0)
		*out = (uint32_t)v;
	return r;
}

int
rv_buf_get_u32(struct rv_buf *b, uint32_t *out)
{
	uint64_t v;
	int r;

	if ((r = get_be(b, 4, &v)) == 0)
		*out = (uint32_t)v;
	return r;
}

int
rv_buf_get_u64(struct rv_buf *b, uint64_t *out)
{
	return get_be(b, 8, out);
}

static void
make_view(const struct rv_buf *b, size_t start, size_t n, struct rv_buf *view)
{
	view->mem = b->mem + start;
	view->cap = n;
	view->off = 0;
	view->end = n;
	view->ro = b->ro;
}

int
rv_buf_get_view(struct rv_buf *b, size_t n, struct rv_buf *view)
{
	if (n > rv_buf_len(b))
		return RV_ERR_SHORT;
	make_view(b, b->off, n, view);
	b->off += n;
	return 0;
}

int
rv_buf_get_tail_view(struct rv_buf *b, size_t n, struct rv_buf *view)
{
	if (n > rv_buf_len(b))
		return RV_ERR_SHORT;
	make_view(b, b->end - n, n, view);
	b->end -= n;
	return 0;
}

int
rv_buf_find(const struct rv_buf *b, uint8_t c, size_t *pos)
{
	const uint8_t *p;

	if (rv_buf_len(b) == 0)
		return RV_ERR_NOTFOUND;
	p = memchr(b->mem + b->off, c, rv_buf_len(b));
	if (p == NULL)
		return RV_ERR_NOTFOUND;
	*pos = (size_t)(p - (b->mem + b->off));
	return 0;
}

int
rv_buf_get_line(struct rv_buf *b, struct rv_buf *view)
{
	size_t n, eol;
	bool has_nl;

	if (rv_buf_len(b) == 0)
		return RV_ERR_SHORT;
	has_nl = rv_buf_find(b, '\n', &eol) == 0;
	n = has_nl ? eol : rv_buf_len(b);
	make_view(b, b->off, n, view);
	b->off += n + (has_nl ? 1 : 0);
	if (view->end > 0 && view->mem[view->end - 1] == '\r')
		view->end--;
	return 0;
}

bool
rv_buf_equal(const struct rv_buf *b, const void *data, size_t n)
{
	if (rv_buf_len(b) != n)
		return false;
	return n == 0 || CRYPTO_memcmp(b->mem + b->off, data, n) == 0;
}

bool
rv_buf_has_prefix(const struct rv_buf *b, const void *prefix, size_t n)
{
	return n <= rv_buf_len(b) && (n == 0 || memcmp(b->mem + b->off, prefix, n) == 0);
}

int
rv_buf_reserve(struct rv_buf *b, size_t n, uint8_t **p)
{
	if (b->ro)
		return RV_ERR_READONLY;
	if (n > rv_buf_tailroom(b))
		return RV_ERR_NOSPACE;
	*p = b->mem + b->end;
	b->end += n;
	return 0;
}

int
rv_buf_put(struct rv_buf *b, const void *data, size_t n)
{
	uint8_t *p;
	int r;

	if ((r = rv_buf_reserve(b, n, &p)) != 0)
		return r;
	if (n > 0)
		memcpy(p, data, n);
	return 0;
}

int
rv_buf_put_str(struct rv_buf *b, const char *s)
{
	return rv_buf_put(b, s, strlen(s));
}

static int
put_be(struct rv_buf *b, uint64_t v, size_t n)
{
	uint8_t *p;
	int r;

	if ((r = rv_buf_reserve(b, n, &p)) != 0)
		return r;
	store_be(p, v, n);
	return 0;
}

int
rv_buf_put_u8(struct rv_buf *b, uint8_t v)
{
	return put_be(b, v, 1);
}

int
rv_buf_put_u16(struct rv_buf *b, uint16_t v)
{
	return put_be(b, v, 2);
}

int
rv_buf_put_u24(struct rv_buf *b, uint32_t v)
{
	if (v > 0xffffff)
		return RV_ERR_RANGE;
	return put_be(b, v, 3);
}

int
rv_buf_put_u32(struct rv_buf *b, uint32_t v)
{
	return put_be(b, v, 4);
}

int
rv_buf_put_u64(struct rv_buf *b, uint64_t v)
{
	return put_be(b, v, 8);
}

int
rv_buf_prepend(struct rv_buf *b, size_t n, uint8_t **p)
{
	if (b->ro)
		return RV_ERR_READONLY;
	if (n > b->off)
		return RV_ERR_NOSPACE;
	b->off -= n;
	*p = b->mem + b->off;
	return 0;
}

int
rv_buf_prepend_data(struct rv_buf *b, const void *data, size_t n)
{
	uint8_t *p;
	int r;

	if ((r = rv_buf_prepend(b, n, &p)) != 0)
		return r;
	if (n > 0)
		memcpy(p, data, n);
	return 0;
}

int
rv_buf_prepend_u8(struct rv_buf *b, uint8_t v)
{
	return rv_buf_prepend_data(b, &v, 1);
}

int
rv_buf_prepend_u32(struct rv_buf *b, uint32_t v)
{
	uint8_t tmp[4];

	store_be(tmp, v, 4);
	return rv_buf_prepend_data(b, tmp, 4);
}

uint8_t *
rv_buf_tail(struct rv_buf *b, size_t *room)
{
	if (b->ro || b->mem == NULL) {
		*room = 0;
		return NULL;
	}
	*room = rv_buf_tailroom(b);
	return b->mem + b->end;
}

int
rv_buf_commit(struct rv_buf *b, size_t n)
{
	if (b->ro)
		return RV_ERR_READONLY;
	if (n > rv_buf_tailroom(b))
		return RV_ERR_NOSPACE;
	b->end += n;
	return 0;
}

int
rv_buf_poke(struct rv_buf *b, size_t at, const void *data, size_t n)
{
	size_t len = rv_buf_len(b);

	if (b->ro)
		return RV_ERR_READONLY;
	if (at > len || n > len - at)
		return RV_ERR_SHORT;
	if (n > 0)
		memcpy(b->mem + b->off + at, data, n);
	return 0;
}

int
rv_buf_truncate(struct rv_buf *b, size_t len)
{
	if (len > rv_buf_len(b))
		return RV_ERR_RANGE;
	b->end = b->off + len;
	return 0;
}
