/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for buf.c, the bounded reader/writer every parser goes through.
 * The contract under test (buf.h): big-endian fixed-width fields, a failed
 * get consumes nothing and writes nothing to its output, child views cannot
 * reach past their section, writers refuse with RV_ERR_NOSPACE or
 * RV_ERR_READONLY without touching the storage.
 */
#include "buf.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "err.h"

/* Storage is filled with this before a test so stray writes show up. */
enum { POISON = 0xa5 };

/* --- getters and putters --------------------------------------------------- */

static void
test_put_get_big_endian(void **state)
{
	static const uint8_t wire[] = {
		0x01,
		0x02, 0x03,
		0x04, 0x05, 0x06,
		0x07, 0x08, 0x09, 0x0a,
		0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12,
	};
	uint8_t mem[32], u8;
	uint16_t u16;
	uint32_t u24, u32;
	uint64_t u64;
	struct rv_buf b;

	rv_buf_init(&b, mem, sizeof(mem), 0);
	assert_int_equal(rv_buf_put_u8(&b, 0x01), 0);
	assert_int_equal(rv_buf_put_u16(&b, 0x0203), 0);
	assert_int_equal(rv_buf_put_u24(&b, 0x040506), 0);
	assert_int_equal(rv_buf_put_u32(&b, 0x0708090a), 0);
	assert_int_equal(rv_buf_put_u64(&b, 0x0b0c0d0e0f101112ULL), 0);
	assert_int_equal(rv_buf_len(&b), sizeof(wire));
	assert_memory_equal(rv_buf_data(&b), wire, sizeof(wire));

	assert_int_equal(rv_buf_get_u8(&b, &u8), 0);
	assert_int_equal(u8, 0x01);
	assert_int_equal(rv_buf_get_u16(&b, &u16), 0);
	assert_int_equal(u16, 0x0203);
	assert_int_equal(rv_buf_get_u24(&b, &u24), 0);
	assert_int_equal(u24, 0x040506);
	assert_int_equal(rv_buf_get_u32(&b, &u32), 0);
	assert_int_equal(u32, 0x0708090a);
	assert_int_equal(rv_buf_get_u64(&b, &u64), 0);
	assert_true(u64 == 0x0b0c0d0e0f101112ULL);
	assert_int_equal(rv_buf_len(&b), 0);
}

/* High bits must not sign-extend or get lost in the shifts. */
static void
test_get_high_bits(void **state)
{
	static const uint8_t wire[] = {
		0xff, 0xfe, 0x80, 0x00, 0x01, 0xf0, 0x00, 0x00, 0x0f,
		0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	};
	uint16_t u16;
	uint32_t u24, u32;
	uint64_t u64;
	struct rv_buf b;

	rv_buf_init_ro(&b, wire, sizeof(wire));
	assert_int_equal(rv_buf_get_u16(&b, &u16), 0);
	assert_int_equal(u16, 0xfffe);
	assert_int_equal(rv_buf_get_u24(&b, &u24), 0);
	assert_int_equal(u24, 0x800001);
	assert_int_equal(rv_buf_get_u32(&b, &u32), 0);
	assert_int_equal(u32, 0xf000000fU);
	assert_int_equal(rv_buf_get_u64(&b, &u64), 0);
	assert_true(u64 == 0x8000000000000001ULL);
}

static void
test_put_u24_range(void **state)
{
	uint8_t mem[8];
	struct rv_buf b;

	memset(mem, POISON, sizeof(mem));
	rv_buf_init(&b, mem, sizeof(mem), 0);
	assert_int_equal(rv_buf_put_u24(&b, 0x1000000), RV_ERR_RANGE);
	assert_int_equal(rv_buf_len(&b), 0);
	assert_int_equal(mem[0], POISON);
	assert_int_equal(rv_buf_put_u24(&b, 0xffffff), 0);
	assert_int_equal(rv_buf_len(&b), 3);
}

static void
test_put_and_put_str(void **state)
{
	uint8_t mem[16];
	struct rv_buf b;

	rv_buf_init(&b, mem, sizeof(mem), 0);
	assert_int_equal(rv_buf_put_str(&b, "abc"), 0);
	assert_int_equal(rv_buf_put(&b, "de", 2), 0);
	assert_int_equal(rv_buf_put(&b, NULL, 0), 0);
	assert_int_equal(rv_buf_put_str(&b, ""), 0);
	assert_true(rv_buf_equal(&b, "abcde", 5));
}

/* --- truncated input: every getter on every too-short length --------------- */

struct get_case {
	const char *name;
	size_t need;     /* bytes the getter consumes */
	int (*get)(struct rv_buf *b, uint8_t *out, size_t n);
};

/* Adapters so one table drives getters of different output types. Each writes
 * its result into out[need] so the test can see whether out was touched. */
static int
get_u8(struct rv_buf *b, uint8_t *out, size_t n)
{
	return rv_buf_get_u8(b, out);
}

static int
get_u16(struct rv_buf *b, uint8_t *out, size_t n)
{
	uint16_t v;
	int r;

	memcpy(&v, out, sizeof(v));
	r = rv_buf_get_u16(b, &v);
	memcpy(out, &v, sizeof(v));
	return r;
}

static int
get_u24(struct rv_buf *b, uint8_t *out, size_t n)
{
	uint32_t v;
	int r;

	memcpy(&v, out, sizeof(v));
	r = rv_buf_get_u24(b, &v);
	memcpy(out, &v, sizeof(v));
	return r;
}

static int
get_u32(struct rv_buf *b, uint8_t *out, size_t n)
{
	uint32_t v;
	int r;

	memcpy(&v, out, sizeof(v));
	r = rv_buf_get_u32(b, &v);
	memcpy(out, &v, sizeof(v));
	return r;
}

static int
get_u64(struct rv_buf *b, uint8_t *out, size_t n)
{
	uint64_t v;
	int r;

	memcpy(&v, out, sizeof(v));
	r = rv_buf_get_u64(b, &v);
	memcpy(out, &v, sizeof(v));
	return r;
}

static int
get_bytes(struct rv_buf *b, uint8_t *out, size_t n)
{
	return rv_buf_get(b, out, n);
}

static int
get_skip(struct rv_buf *b, uint8_t *out, size_t n)
{
	return rv_buf_skip(b, n);
}

static int
get_view(struct rv_buf *b, uint8_t *out, size_t n)
{
	struct rv_buf v;
	int r;

	memset(&v, POISON, sizeof(v));
	if ((r = rv_buf_get_view(b, n, &v)) == 0 && rv_buf_len(&v) != n)
		return RV_ERR_INTERNAL;
	return r;
}

static int
get_tail_view(struct rv_buf *b, uint8_t *out, size_t n)
{
	struct rv_buf v;
	int r;

	memset(&v, POISON, sizeof(v));
	if ((r = rv_buf_get_tail_view(b, n, &v)) == 0 && rv_buf_len(&v) != n)
		return RV_ERR_INTERNAL;
	return r;
}

static const struct get_case get_cases[] = {
	{ "u8", 1, get_u8 },
	{ "u16", 2, get_u16 },
	{ "u24", 3, get_u24 },
	{ "u32", 4, get_u32 },
	{ "u64", 8, get_u64 },
	{ "get 5", 5, get_bytes },
	{ "get 17", 17, get_bytes },
	{ "skip 6", 6, get_skip },
	{ "view 7", 7, get_view },
	{ "tail view 9", 9, get_tail_view },
};

static void
test_get_truncated(void **state)
{
	uint8_t src[32], out[32];

	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)(i + 1);
	for (size_t c = 0; c < sizeof(get_cases) / sizeof(get_cases[0]); c++) {
		const struct get_case *gc = &get_cases[c];

		for (size_t len = 0; len < gc->need; len++) {
			struct rv_buf b;

			print_message("%s on %zu bytes\n", gc->name, len);
			rv_buf_init_ro(&b, src, len);
			memset(out, POISON, sizeof(out));
			assert_int_equal(gc->get(&b, out, gc->need), RV_ERR_SHORT);
			/* Nothing consumed, nothing written. */
			assert_int_equal(rv_buf_len(&b), len);
			assert_ptr_equal(rv_buf_data(&b), src);
			for (size_t k = 0; k < sizeof(out); k++)
				assert_int_equal(out[k], POISON);
		}
	}
}

/* Longer input than the field: the getter takes exactly its bytes. */
static void
test_get_oversized(void **state)
{
	uint8_t src[32], out[32];

	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)(i + 1);
	for (size_t c = 0; c < sizeof(get_cases) / sizeof(get_cases[0]); c++) {
		const struct get_case *gc = &get_cases[c];

		for (size_t len = gc->need; len <= gc->need + 3; len++) {
			struct rv_buf b;

			print_message("%s on %zu bytes\n", gc->name, len);
			rv_buf_init_ro(&b, src, len);
			assert_int_equal(gc->get(&b, out, gc->need), 0);
			assert_int_equal(rv_buf_len(&b), len - gc->need);
		}
	}
}

/* Sizes that would overflow an "off + n" check. */
static void
test_get_huge_sizes(void **state)
{
	static const uint8_t src[4] = { 1, 2, 3, 4 };
	struct rv_buf b, v;
	uint8_t out[4] = { 0 }, c = 0;

	rv_buf_init_ro(&b, src, sizeof(src));
	assert_int_equal(rv_buf_skip(&b, 1), 0);
	assert_int_equal(rv_buf_get(&b, out, SIZE_MAX), RV_ERR_SHORT);
	assert_int_equal(rv_buf_skip(&b, SIZE_MAX), RV_ERR_SHORT);
	assert_int_equal(rv_buf_get_view(&b, SIZE_MAX, &v), RV_ERR_SHORT);
	assert_int_equal(rv_buf_get_tail_view(&b, SIZE_MAX, &v), RV_ERR_SHORT);
	assert_int_equal(rv_buf_peek(&b, SIZE_MAX, out, 1), RV_ERR_SHORT);
	assert_int_equal(rv_buf_peek(&b, 1, out, SIZE_MAX), RV_ERR_SHORT);
	assert_int_equal(rv_buf_peek_u8(&b, SIZE_MAX, &c), RV_ERR_SHORT);
	assert_int_equal(rv_buf_len(&b), 3);
}

static void
test_peek(void **state)
{
	static const uint8_t src[] = { 10, 20, 30, 40 };
	uint8_t out[2] = { 0, 0 }, c = 0;
	struct rv_buf b;

	rv_buf_init_ro(&b, src, sizeof(src));
	assert_int_equal(rv_buf_skip(&b, 1), 0);
	assert_int_equal(rv_buf_peek_u8(&b, 0, &c), 0);
	assert_int_equal(c, 20);
	assert_int_equal(rv_buf_peek_u8(&b, 2, &c), 0);
	assert_int_equal(c, 40);
	assert_int_equal(rv_buf_peek(&b, 1, out, 2), 0);
	assert_int_equal(out[0], 30);
	assert_int_equal(out[1], 40);
	/* Peeking consumes nothing. */
	assert_int_equal(rv_buf_len(&b), 3);
	/* One past the end fails; an empty peek at the end succeeds. */
	c = POISON;
	assert_int_equal(rv_buf_peek_u8(&b, 3, &c), RV_ERR_SHORT);
	assert_int_equal(c, POISON);
	assert_int_equal(rv_buf_peek(&b, 2, out, 2), RV_ERR_SHORT);
	assert_int_equal(rv_buf_peek(&b, 3, out, 0), 0);
}

/* --- views ---------------------------------------------------------------- */

/* A u16-length-prefixed section followed by a trailer: the nested parser sees
 * only its section. */
static void
test_view_bounds_child(void **state)
{
	static const uint8_t msg[] = { 0x00, 0x03, 'a', 'b', 'c', 0xde, 0xad };
	struct rv_buf b, v;
	uint16_t len;
	uint32_t u32 = 0;
	uint8_t c, out[4];

	rv_buf_init_ro(&b, msg, sizeof(msg));
	assert_int_equal(rv_buf_get_u16(&b, &len), 0);
	assert_int_equal(rv_buf_get_view(&b, len, &v), 0);
	assert_int_equal(rv_buf_len(&v), 3);
	assert_int_equal(rv_buf_len(&b), 2);

	/* The child cannot read into the parent's trailer. */
	assert_int_equal(rv_buf_get_u32(&v, &u32), RV_ERR_SHORT);
	assert_int_equal(rv_buf_get(&v, out, 4), RV_ERR_SHORT);
	assert_int_equal(rv_buf_peek_u8(&v, 3, &c), RV_ERR_SHORT);
	assert_int_equal(rv_buf_len(&v), 3);
	assert_true(rv_buf_equal(&v, "abc", 3));
	assert_int_equal(rv_buf_skip(&v, 3), 0);
	assert_int_equal(rv_buf_get_u8(&v, &c), RV_ERR_SHORT);

	/* The parent continues after the section. */
	assert_int_equal(rv_buf_get_u8(&b, &c), 0);
	assert_int_equal(c, 0xde);
}

/* A length prefix claiming more than is left fails and consumes nothing. */
static void
test_view_length_too_long(void **state)
{
	static const uint8_t msg[] = { 0x00, 0x09, 'a', 'b', 'c' };
	struct rv_buf b, v;
	uint16_t len;

	rv_buf_init_ro(&b, msg, sizeof(msg));
	assert_int_equal(rv_buf_get_u16(&b, &len), 0);
	assert_int_equal(rv_buf_get_view(&b, len, &v), RV_ERR_SHORT);
	assert_int_equal(rv_buf_len(&b), 3);
	assert_true(rv_buf_equal(&b, "abc", 3));
}

/* A view of a read-only buffer is read-only; a view of a writable buffer can
 * be changed in place but cannot grow into its neighbours. */
static void
test_view_write_limits(void **state)
{
	uint8_t mem[16];
	struct rv_buf b, v, ro, rov;
	uint8_t *p = NULL;

	rv_buf_init(&b, mem, sizeof(mem), 4);
	assert_int_equal(rv_buf_put_str(&b, "headbodytail"), 0);
	assert_int_equal(rv_buf_skip(&b, 4), 0);
	assert_int_equal(rv_buf_get_view(&b, 4, &v), 0);

	assert_int_equal(rv_buf_put_u8(&v, 'X'), RV_ERR_NOSPACE);
	assert_int_equal(rv_buf_prepend(&v, 1, &p), RV_ERR_NOSPACE);
	assert_null(p);
	assert_int_equal(rv_buf_poke(&v, 0, "B", 1), 0);
	assert_non_null(rv_buf_mutable_data(&v));
	assert_memory_equal(mem + 4, "headBodytail", 12);

	rv_buf_init_ro(&ro, "abcdef", 6);
	assert_int_equal(rv_buf_get_view(&ro, 3, &rov), 0);
	assert_int_equal(rv_buf_poke(&rov, 0, "x", 1), RV_ERR_READONLY);
	assert_null(rv_buf_mutable_data(&rov));
}

static void
test_tail_view(void **state)
{
	static const uint8_t pkt[] = { 'p', 'a', 'y', 'l', 'o', 'a', 'd', 0x11, 0x22, 0x33, 0x44 };
	struct rv_buf b, tag;
	uint32_t v32;
	uint8_t out[8];

	rv_buf_init_ro(&b, pkt, sizeof(pkt));
	assert_int_equal(rv_buf_get_tail_view(&b, 4, &tag), 0);
	assert_int_equal(rv_buf_len(&b), 7);
	assert_true(rv_buf_equal(&b, "payload", 7));
	/* The parent no longer reaches the tag. */
	assert_int_equal(rv_buf_get(&b, out, 8), RV_ERR_SHORT);
	assert_int_equal(rv_buf_get_u32(&tag, &v32), 0);
	assert_int_equal(v32, 0x11223344);
	assert_int_equal(rv_buf_len(&tag), 0);

	/* Too long a tail leaves the parent as it was. */
	assert_int_equal(rv_buf_get_tail_view(&b, 8, &tag), RV_ERR_SHORT);
	assert_int_equal(rv_buf_len(&b), 7);
	assert_int_equal(rv_buf_get_tail_view(&b, 7, &tag), 0);
	assert_true(rv_buf_equal(&tag, "payload", 7));
	assert_int_equal(rv_buf_len(&b), 0);
}

/* --- writers: headroom, NOSPACE, READONLY ----------------------------------- */

static void
test_prepend_headroom(void **state)
{
	static const uint8_t want[] = { 0xff, 0x01, 0x02, 0x03, 0x04, 'd', 'a', 't', 'a' };
	uint8_t mem[16];
	const uint8_t *payload;
	struct rv_buf b;
	uint8_t *p = NULL;

	memset(mem, POISON, sizeof(mem));
	rv_buf_init(&b, mem, sizeof(mem), 8);
	assert_int_equal(rv_buf_headroom(&b), 8);
	assert_int_equal(rv_buf_tailroom(&b), 8);
	assert_int_equal(rv_buf_put_str(&b, "data"), 0);
	payload = rv_buf_data(&b);

	assert_int_equal(rv_buf_prepend_u32(&b, 0x01020304), 0);
	assert_int_equal(rv_buf_prepend_u8(&b, 0xff), 0);
	assert_int_equal(rv_buf_len(&b), sizeof(want));
	assert_memory_equal(rv_buf_data(&b), want, sizeof(want));
	/* Prepending never moves the payload. */
	assert_ptr_equal(payload, mem + 8);
	assert_memory_equal(mem + 8, "data", 4);
	assert_int_equal(rv_buf_headroom(&b), 3);

	/* More than the headroom: refused, nothing changed. */
	assert_int_equal(rv_buf_prepend(&b, 4, &p), RV_ERR_NOSPACE);
	assert_null(p);
	assert_int_equal(rv_buf_prepend_u32(&b, 0), RV_ERR_NOSPACE);
	assert_int_equal(rv_buf_headroom(&b), 3);
	assert_int_equal(mem[2], POISON);

	assert_int_equal(rv_buf_prepend_data(&b, "ab", 2), 0);
	assert_int_equal(rv_buf_prepend(&b, 1, &p), 0);
	assert_ptr_equal(p, mem);
	*p = '<';
	assert_int_equal(rv_buf_headroom(&b), 0);
	assert_int_equal(rv_buf_prepend_u8(&b, 0), RV_ERR_NOSPACE);
	assert_int_equal(rv_buf_len(&b), 12);
	assert_memory_equal(rv_buf_data(&b), "<ab", 3);
}

/* Headroom larger than the storage is clamped. */
static void
test_init_clamps_headroom(void **state)
{
	uint8_t mem[4];
	struct rv_buf b;

	rv_buf_init(&b, mem, sizeof(mem), 10);
	assert_int_equal(rv_buf_headroom(&b), 4);
	assert_int_equal(rv_buf_tailroom(&b), 0);
	assert_int_equal(rv_buf_len(&b), 0);
	assert_int_equal(rv_buf_put_u8(&b, 1), RV_ERR_NOSPACE);

	rv_buf_reset(&b, 99);
	assert_int_equal(rv_buf_headroom(&b), 4);
	rv_buf_reset(&b, 1);
	assert_int_equal(rv_buf_headroom(&b), 1);
	assert_int_equal(rv_buf_tailroom(&b), 3);
}

/* Writers that do not fit write nothing, not even a partial field. */
static void
test_nospace(void **state)
{
	uint8_t mem[8];
	struct rv_buf b;
	uint8_t *p = NULL;

	memset(mem, POISON, sizeof(mem));
	rv_buf_init(&b, mem, 6, 0);
	assert_int_equal(rv_buf_put_u32(&b, 0x01020304), 0);
	assert_int_equal(rv_buf_put_u24(&b, 0x050607), RV_ERR_NOSPACE);
	assert_int_equal(rv_buf_put_u32(&b, 0x05060708), RV_ERR_NOSPACE);
	assert_int_equal(rv_buf_put_u64(&b, 1), RV_ERR_NOSPACE);
	assert_int_equal(rv_buf_put(&b, "xyz", 3), RV_ERR_NOSPACE);
	assert_int_equal(rv_buf_put_str(&b, "xyz"), RV_ERR_NOSPACE);
	assert_int_equal(rv_buf_reserve(&b, 3, &p), RV_ERR_NOSPACE);
	assert_null(p);
	assert_int_equal(rv_buf_len(&b), 4);
	assert_int_equal(mem[4], POISON);
	assert_int_equal(mem[5], POISON);

	/* Exactly filling the storage is fine. */
	assert_int_equal(rv_buf_put_u16(&b, 0x0506), 0);
	assert_int_equal(rv_buf_tailroom(&b), 0);
	assert_int_equal(rv_buf_put_u8(&b, 7), RV_ERR_NOSPACE);
	assert_int_equal(rv_buf_put(&b, NULL, 0), 0);
	assert_int_equal(mem[6], POISON);
}

static void
test_reserve(void **state)
{
	uint8_t mem[8];
	struct rv_buf b;
	uint8_t *p = NULL;

	rv_buf_init(&b, mem, sizeof(mem), 2);
	assert_int_equal(rv_buf_put_u8(&b, 'a'), 0);
	assert_int_equal(rv_buf_reserve(&b, 3, &p), 0);
	assert_ptr_equal(p, mem + 3);
	memcpy(p, "bcd", 3);
	assert_true(rv_buf_equal(&b, "abcd", 4));
	assert_int_equal(rv_buf_tailroom(&b), 2);
}

static void
test_readonly(void **state)
{
	uint8_t data[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, copy[8];
	struct rv_buf b;
	uint8_t *p = NULL;
	size_t room = 99;

	memcpy(copy, data, sizeof(copy));
	rv_buf_init_ro(&b, data, 4);
	assert_int_equal(rv_buf_put_u8(&b, 0), RV_ERR_READONLY);
	assert_int_equal(rv_buf_put_u16(&b, 0), RV_ERR_READONLY);
	assert_int_equal(rv_buf_put_u24(&b, 0), RV_ERR_READONLY);
	assert_int_equal(rv_buf_put_u32(&b, 0), RV_ERR_READONLY);
	assert_int_equal(rv_buf_put_u64(&b, 0), RV_ERR_READONLY);
	assert_int_equal(rv_buf_put(&b, "x", 1), RV_ERR_READONLY);
	assert_int_equal(rv_buf_put_str(&b, "x"), RV_ERR_READONLY);
	assert_int_equal(rv_buf_reserve(&b, 0, &p), RV_ERR_READONLY);
	assert_null(p);
	assert_int_equal(rv_buf_skip(&b, 1), 0);
	assert_int_equal(rv_buf_prepend(&b, 1, &p), RV_ERR_READONLY);
	assert_null(p);
	assert_int_equal(rv_buf_prepend_u8(&b, 0), RV_ERR_READONLY);
	assert_int_equal(rv_buf_prepend_u32(&b, 0), RV_ERR_READONLY);
	assert_int_equal(rv_buf_prepend_data(&b, "x", 1), RV_ERR_READONLY);
	assert_int_equal(rv_buf_commit(&b, 0), RV_ERR_READONLY);
	assert_int_equal(rv_buf_poke(&b, 0, "x", 1), RV_ERR_READONLY);
	assert_null(rv_buf_mutable_data(&b));
	assert_null(rv_buf_tail(&b, &room));
	assert_int_equal(room, 0);
	assert_int_equal(rv_buf_len(&b), 3);
	assert_memory_equal(data, copy, sizeof(data));
}

/* An empty read-only view of nothing still has a non-NULL data pointer. */
static void
test_empty_null_view(void **state)
{
	struct rv_buf b;
	uint8_t c = POISON;
	size_t pos = 7;

	rv_buf_init_ro(&b, NULL, 0);
	assert_non_null(rv_buf_data(&b));
	assert_int_equal(rv_buf_len(&b), 0);
	assert_int_equal(rv_buf_get_u8(&b, &c), RV_ERR_SHORT);
	assert_int_equal(c, POISON);
	assert_int_equal(rv_buf_find(&b, 'a', &pos), RV_ERR_NOTFOUND);
	assert_int_equal(pos, 7);
	assert_true(rv_buf_equal(&b, "", 0));
}

/* --- lines, search, comparison ---------------------------------------------- */

static void
test_get_line(void **state)
{
	static const char text[] = "one\r\ntwo\n\n\r\nx\ry\nz\r\r\nlast";
	static const char *const want[] = { "one", "two", "", "", "x\ry", "z\r", "last" };
	struct rv_buf b, line;

	rv_buf_init_ro(&b, text, strlen(text));
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_int_equal(rv_buf_get_line(&b, &line), 0);
		assert_int_equal(rv_buf_len(&line), strlen(want[i]));
		assert_true(rv_buf_equal(&line, want[i], strlen(want[i])));
		/* A line view of a read-only buffer is read-only. */
		assert_null(rv_buf_mutable_data(&line));
	}
	assert_int_equal(rv_buf_len(&b), 0);
	memset(&line, POISON, sizeof(line));
	assert_int_equal(rv_buf_get_line(&b, &line), RV_ERR_SHORT);
}

static void
test_get_line_edges(void **state)
{
	struct rv_buf b, line;

	/* A lone newline is one empty line, then nothing. */
	rv_buf_init_ro(&b, "\n", 1);
	assert_int_equal(rv_buf_get_line(&b, &line), 0);
	assert_int_equal(rv_buf_len(&line), 0);
	assert_int_equal(rv_buf_get_line(&b, &line), RV_ERR_SHORT);

	/* A lone carriage return without newline is an empty last line. */
	rv_buf_init_ro(&b, "\r", 1);
	assert_int_equal(rv_buf_get_line(&b, &line), 0);
	assert_int_equal(rv_buf_len(&line), 0);
	assert_int_equal(rv_buf_len(&b), 0);

	/* The line view cannot read the newline or the next line. */
	rv_buf_init_ro(&b, "ab\ncd", 5);
	assert_int_equal(rv_buf_get_line(&b, &line), 0);
	assert_int_equal(rv_buf_skip(&line, 3), RV_ERR_SHORT);
	assert_true(rv_buf_equal(&b, "cd", 2));
}

static void
test_find(void **state)
{
	static const char text[] = "key=value=x";
	struct rv_buf b;
	size_t pos = 99;

	rv_buf_init_ro(&b, text, strlen(text));
	assert_int_equal(rv_buf_find(&b, '=', &pos), 0);
	assert_int_equal(pos, 3);
	assert_int_equal(rv_buf_find(&b, 'k', &pos), 0);
	assert_int_equal(pos, 0);
	assert_int_equal(rv_buf_find(&b, 'x', &pos), 0);
	assert_int_equal(pos, 10);
	/* Relative to the first unread byte. */
	assert_int_equal(rv_buf_skip(&b, 4), 0);
	assert_int_equal(rv_buf_find(&b, '=', &pos), 0);
	assert_int_equal(pos, 5);
	pos = 99;
	assert_int_equal(rv_buf_find(&b, 'k', &pos), RV_ERR_NOTFOUND);
	assert_int_equal(pos, 99);
	/* Bytes outside a view are not found. */
	rv_buf_init_ro(&b, text, 3);
	assert_int_equal(rv_buf_find(&b, '=', &pos), RV_ERR_NOTFOUND);
	assert_int_equal(rv_buf_find(&b, 0, &pos), RV_ERR_NOTFOUND);
}

static void
test_equal_and_prefix(void **state)
{
	struct rv_buf b;

	rv_buf_init_ro(&b, "abcdef", 6);
	assert_true(rv_buf_equal(&b, "abcdef", 6));
	assert_false(rv_buf_equal(&b, "abcdeg", 6));
	assert_false(rv_buf_equal(&b, "abcde", 5));
	assert_false(rv_buf_equal(&b, "abcdefg", 7));
	assert_false(rv_buf_equal(&b, "", 0));
	assert_true(rv_buf_has_prefix(&b, "abc", 3));
	assert_true(rv_buf_has_prefix(&b, "", 0));
	assert_true(rv_buf_has_prefix(&b, "abcdef", 6));
	assert_false(rv_buf_has_prefix(&b, "abcdefg", 7));
	assert_false(rv_buf_has_prefix(&b, "abd", 3));
	assert_int_equal(rv_buf_skip(&b, 6), 0);
	assert_true(rv_buf_equal(&b, "", 0));
	assert_true(rv_buf_has_prefix(&b, "", 0));
	assert_false(rv_buf_has_prefix(&b, "a", 1));
}

/* --- in-place edits, truncation, direct I/O -------------------------------- */

static void
test_poke(void **state)
{
	uint8_t mem[16];
	struct rv_buf b;

	memset(mem, POISON, sizeof(mem));
	rv_buf_init(&b, mem, sizeof(mem), 2);
	assert_int_equal(rv_buf_put_str(&b, "abcdef"), 0);
	assert_int_equal(rv_buf_skip(&b, 1), 0);
	assert_int_equal(rv_buf_poke(&b, 1, "XY", 2), 0);
	assert_true(rv_buf_equal(&b, "bXYef", 5));
	assert_int_equal(rv_buf_poke(&b, 3, "12", 2), 0);
	assert_true(rv_buf_equal(&b, "bXY12", 5));
	/* Past the end: refused without a partial write. */
	assert_int_equal(rv_buf_poke(&b, 4, "!!", 2), RV_ERR_SHORT);
	assert_int_equal(rv_buf_poke(&b, 6, "", 0), RV_ERR_SHORT);
	assert_int_equal(rv_buf_poke(&b, SIZE_MAX, "!", 1), RV_ERR_SHORT);
	assert_int_equal(rv_buf_poke(&b, 1, "!", SIZE_MAX), RV_ERR_SHORT);
	assert_int_equal(rv_buf_poke(&b, 5, "", 0), 0);
	assert_true(rv_buf_equal(&b, "bXY12", 5));
	assert_int_equal(mem[8], POISON);
}

static void
test_truncate(void **state)
{
	uint8_t mem[16];
	struct rv_buf b;

	rv_buf_init(&b, mem, sizeof(mem), 0);
	assert_int_equal(rv_buf_put_str(&b, "abcdef"), 0);
	assert_int_equal(rv_buf_skip(&b, 2), 0);
	assert_int_equal(rv_buf_truncate(&b, 5), RV_ERR_RANGE);
	assert_int_equal(rv_buf_len(&b), 4);
	assert_int_equal(rv_buf_truncate(&b, 4), 0);
	assert_int_equal(rv_buf_truncate(&b, 2), 0);
	assert_true(rv_buf_equal(&b, "cd", 2));
	assert_int_equal(rv_buf_tailroom(&b), 12);
	/* Later writes go after the truncated data. */
	assert_int_equal(rv_buf_put_u8(&b, 'Z'), 0);
	assert_true(rv_buf_equal(&b, "cdZ", 3));
	assert_int_equal(rv_buf_truncate(&b, 0), 0);
	assert_int_equal(rv_buf_len(&b), 0);
}

static void
test_tail_commit(void **state)
{
	uint8_t mem[10];
	struct rv_buf b;
	uint8_t *t;
	size_t room = 0;

	rv_buf_init(&b, mem, sizeof(mem), 3);
	assert_int_equal(rv_buf_put_u8(&b, 'a'), 0);
	t = rv_buf_tail(&b, &room);
	assert_ptr_equal(t, mem + 4);
	assert_int_equal(room, 6);
	memcpy(t, "bcd", 3);
	assert_int_equal(rv_buf_commit(&b, 3), 0);
	assert_true(rv_buf_equal(&b, "abcd", 4));

	/* Committing more than the tailroom is refused. */
	assert_int_equal(rv_buf_commit(&b, 4), RV_ERR_NOSPACE);
	assert_int_equal(rv_buf_len(&b), 4);
	assert_int_equal(rv_buf_commit(&b, 3), 0);
	assert_int_equal(rv_buf_len(&b), 7);
	t = rv_buf_tail(&b, &room);
	assert_int_equal(room, 0);
	assert_ptr_equal(t, mem + sizeof(mem));
	assert_int_equal(rv_buf_commit(&b, 1), RV_ERR_NOSPACE);
	assert_int_equal(rv_buf_commit(&b, 0), 0);
}

static void
test_reset(void **state)
{
	uint8_t mem[16];
	struct rv_buf b;

	rv_buf_init(&b, mem, sizeof(mem), 4);
	assert_int_equal(rv_buf_put_str(&b, "abcdef"), 0);
	assert_int_equal(rv_buf_skip(&b, 3), 0);
	rv_buf_reset(&b, 6);
	assert_int_equal(rv_buf_len(&b), 0);
	assert_int_equal(rv_buf_headroom(&b), 6);
	assert_int_equal(rv_buf_tailroom(&b), 10);
	assert_ptr_equal(rv_buf_data(&b), mem + 6);
	assert_ptr_equal(rv_buf_mutable_data(&b), mem + 6);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_get_big_endian),
		cmocka_unit_test(test_get_high_bits),
		cmocka_unit_test(test_put_u24_range),
		cmocka_unit_test(test_put_and_put_str),
		cmocka_unit_test(test_get_truncated),
		cmocka_unit_test(test_get_oversized),
		cmocka_unit_test(test_get_huge_sizes),
		cmocka_unit_test(test_peek),
		cmocka_unit_test(test_view_bounds_child),
		cmocka_unit_test(test_view_length_too_long),
		cmocka_unit_test(test_view_write_limits),
		cmocka_unit_test(test_tail_view),
		cmocka_unit_test(test_prepend_headroom),
		cmocka_unit_test(test_init_clamps_headroom),
		cmocka_unit_test(test_nospace),
		cmocka_unit_test(test_reserve),
		cmocka_unit_test(test_readonly),
		cmocka_unit_test(test_empty_null_view),
		cmocka_unit_test(test_get_line),
		cmocka_unit_test(test_get_line_edges),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_equal_and_prefix),
		cmocka_unit_test(test_poke),
		cmocka_unit_test(test_truncate),
		cmocka_unit_test(test_tail_commit),
		cmocka_unit_test(test_reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
