/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for comp.c: option arguments and openvpn 2.6's policy, the
 * framing of every algorithm both ways, LZO payloads openvpn 2.6.14 sent,
 * malformed and oversized input, a decompression bomb, adaptive sampling.
 */
#include "comp.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <lzo1x.h>

#include "err.h"

enum { MAX_FRAME = 1856, HEAD = 64, SLOT = 2048 };

/*
 * Data-channel payloads (after decryption) of openvpn 2.6.14 with
 * --comp-lzo yes --allow-compression yes, static key, --cipher none --auth
 * none (so the capture shows them), packet id removed: an ICMP echo request
 * 10.241.0.1 -> 10.241.0.2 of `ping -s 200 -p 41` (228-byte IPv4 packet)
 * and of `ping -s 1200` (1228 bytes).
 */
static const uint8_t ovpn_lzo_228[] = {
	0x66, 0x00, 0x14, 0x45, 0x00, 0x00, 0xe4, 0x18, 0x38, 0x40, 0x00, 0x40,
	0x01, 0x0b, 0xfd, 0x0a, 0xf1, 0x00, 0x01, 0x0a, 0xf1, 0x00, 0x02, 0x08,
	0x00, 0xf0, 0x11, 0x04, 0xb5, 0x00, 0x01, 0x18, 0x6f, 0x13, 0x6b, 0x00,
	0x00, 0x00, 0x00, 0x63, 0xea, 0x77, 0x00, 0x00, 0x00, 0x41, 0x20, 0x83,
	0x00, 0x00, 0x00, 0x01, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41,
	0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x11,
	0x00, 0x00,
};

static const uint8_t ovpn_lzo_1228[] = {
	0x66, 0x00, 0x16, 0x45, 0x00, 0x04, 0xcc, 0x18, 0x3b, 0x40, 0x00, 0x40,
	0x01, 0x08, 0x12, 0x0a, 0xf1, 0x00, 0x01, 0x0a, 0xf1, 0x00, 0x02, 0x08,
	0x00, 0x40, 0x33, 0x04, 0xb8, 0x00, 0x01, 0x18, 0x6f, 0x13, 0x6b, 0x00,
	0x00, 0x00, 0x00, 0xb7, 0x1c, 0x01, 0x00, 0x7c, 0x00, 0x00, 0xf3, 0x10,
	0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c,
	0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28,
	0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x32, 0x33, 0x34,
	0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x40,
	0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x4b, 0x4c,
	0x4d, 0x4e, 0x4f, 0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58,
	0x59, 0x5a, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f, 0x60, 0x61, 0x62, 0x63, 0x64,
	0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f, 0x70,
	0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x7b, 0x7c,
	0x7d, 0x7e, 0x7f, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88,
	0x89, 0x8a, 0x8b, 0x8c, 0x8d, 0x8e, 0x8f, 0x90, 0x91, 0x92, 0x93, 0x94,
	0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f, 0xa0,
	0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab, 0xac,
	0xad, 0xae, 0xaf, 0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8,
	0xb9, 0xba, 0xbb, 0xbc, 0xbd, 0xbe, 0xbf, 0xc0, 0xc1, 0xc2, 0xc3, 0xc4,
	0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf, 0xd0,
	0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xdb, 0xdc,
	0xdd, 0xde, 0xdf, 0xe0, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8,
	0xe9, 0xea, 0xeb, 0xec, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf2, 0xf3, 0xf4,
	0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff, 0x00,
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c,
	0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x20, 0x00, 0x00, 0x00,
	0x6e, 0xfc, 0x03, 0x0c, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8,
	0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf, 0x11, 0x00, 0x00,
};

/* --- helpers ------------------------------------------------------------------ */

struct slot {
	uint8_t mem[SLOT];
	struct rv_buf b;
};

static void
slot_fill(struct slot *s, const void *data, size_t len)
{
	rv_buf_init(&s->b, s->mem, sizeof(s->mem), HEAD);
	assert_int_equal(rv_buf_put(&s->b, data, len), 0);
}

static void
comp_setup(struct rv_comp *c, enum rv_comp_alg alg, enum rv_comp_allow allow, bool adaptive)
{
	struct rv_comp_conf conf = { .alg = alg, .allow = allow, .adaptive = adaptive };

	assert_int_equal(rv_comp_init(c, &conf, MAX_FRAME), 0);
}

static void
assert_bytes(const struct rv_buf *b, const void *want, size_t len)
{
	assert_int_equal(rv_buf_len(b), len);
	assert_memory_equal(rv_buf_data(b), want, len);
}

/* One's complement sum over data, as IP and ICMP checksums use it. */
static uint16_t
csum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* --- options and policy ----------------------------------------------------------- */

static void
test_parse(void **state)
{
	enum rv_comp_alg alg;
	const char *why;
	bool ad;

	(void)state;
	assert_int_equal(rv_comp_parse("comp-lzo", NULL, &alg, &ad, &why), 0);
	assert_int_equal(alg, RV_COMP_LZO);
	assert_true(ad);
	assert_int_equal(rv_comp_parse("comp-lzo", "yes", &alg, &ad, &why), 0);
	assert_int_equal(alg, RV_COMP_LZO);
	assert_false(ad);
	assert_int_equal(rv_comp_parse("comp-lzo", "adaptive", &alg, &ad, &why), 0);
	assert_true(ad);
	assert_int_equal(rv_comp_parse("comp-lzo", "no", &alg, &ad, &why), 0);
	assert_int_equal(alg, RV_COMP_LZO_STUB);
	assert_int_equal(rv_comp_parse("comp-lzo", "maybe", &alg, &ad, &why), RV_ERR_FORMAT);
	assert_non_null(why);
	assert_int_equal(rv_comp_parse("compress", NULL, &alg, &ad, &why), 0);
	assert_int_equal(alg, RV_COMP_STUB);
	assert_int_equal(rv_comp_parse("compress", "stub", &alg, &ad, &why), 0);
	assert_int_equal(alg, RV_COMP_STUB);
	assert_int_equal(rv_comp_parse("compress", "stub-v2", &alg, &ad, &why), 0);
	assert_int_equal(alg, RV_COMP_STUB_V2);
	assert_int_equal(rv_comp_parse("compress", "lzo", &alg, &ad, &why), 0);
	assert_int_equal(alg, RV_COMP_LZO);
	assert_false(ad);
	assert_int_equal(rv_comp_parse("compress", "lz4", &alg, &ad, &why), RV_ERR_UNSUPPORTED);
	assert_non_null(strstr(why, "LZ4"));
	assert_int_equal(rv_comp_parse("compress", "lz4-v2", &alg, &ad, &why), RV_ERR_UNSUPPORTED);
	assert_int_equal(rv_comp_parse("compress", "migrate", &alg, &ad, &why), RV_ERR_UNSUPPORTED);
	assert_int_equal(rv_comp_parse("compress", "zstd", &alg, &ad, &why), RV_ERR_FORMAT);
}

static void
test_parse_allow(void **state)
{
	enum rv_comp_allow a;

	(void)state;
	assert_int_equal(rv_comp_parse_allow("no", &a), 0);
	assert_int_equal(a, RV_COMP_ALLOW_NO);
	assert_int_equal(rv_comp_parse_allow("asym", &a), 0);
	assert_int_equal(a, RV_COMP_ALLOW_ASYM);
	assert_int_equal(rv_comp_parse_allow("yes", &a), 0);
	assert_int_equal(a, RV_COMP_ALLOW_YES);
	assert_int_equal(rv_comp_parse_allow("YES", &a), RV_ERR_FORMAT);
}

/* The flags openvpn 2.6.14 showed (--verb 4, comp.flags) for each option:
 * nothing or comp-lzo no: stub only; compress/stub-v2/lzo/comp-lzo yes:
 * not; only allow-compression yes compresses. */
static void
test_policy(void **state)
{
	struct rv_comp_conf c = { 0 };

	(void)state;
	assert_true(rv_comp_conf_stub_only(&c));
	c.alg = RV_COMP_LZO_STUB;
	assert_true(rv_comp_conf_stub_only(&c));
	c.alg = RV_COMP_STUB;
	assert_false(rv_comp_conf_stub_only(&c));
	c.alg = RV_COMP_STUB_V2;
	assert_false(rv_comp_conf_stub_only(&c));
	c.alg = RV_COMP_LZO;
	assert_false(rv_comp_conf_stub_only(&c));
	assert_false(rv_comp_conf_may_compress(&c));
	c.allow = RV_COMP_ALLOW_ASYM;
	assert_false(rv_comp_conf_may_compress(&c));
	c.allow = RV_COMP_ALLOW_YES;
	assert_true(rv_comp_conf_may_compress(&c));
	c.alg = RV_COMP_NONE;
	assert_false(rv_comp_conf_may_compress(&c));
	assert_false(rv_comp_conf_stub_only(&c));
	c.allow = RV_COMP_ALLOW_NO;
	assert_true(rv_comp_conf_stub_only(&c));
	/* compress migrate (flags 32, also with a later comp-lzo no): not
	 * stub-only, unless allow no */
	c.migrate = true;
	assert_true(rv_comp_conf_stub_only(&c));
	c.allow = RV_COMP_ALLOW_UNSET;
	assert_false(rv_comp_conf_stub_only(&c));
	c.alg = RV_COMP_LZO_STUB;
	assert_false(rv_comp_conf_stub_only(&c));
}

static void
test_peer_info(void **state)
{
	struct rv_comp_conf c = { 0 };
	char out[256];

	(void)state;
	/* What a 2.6.14 client without compression options sends. */
	snprintf(out, sizeof(out), "IV_PROTO=990\n");
	rv_comp_peer_info(&c, out, sizeof(out));
	assert_string_equal(out, "IV_PROTO=990\nIV_LZO_STUB=1\nIV_COMP_STUB=1\nIV_COMP_STUBv2=1\n");
	c.alg = RV_COMP_LZO;
	out[0] = '\0';
	rv_comp_peer_info(&c, out, sizeof(out));
	assert_string_equal(out, "IV_LZO=1\nIV_COMP_STUB=1\nIV_COMP_STUBv2=1\n");
	c.alg = RV_COMP_STUB_V2;
	c.allow = RV_COMP_ALLOW_YES;
	out[0] = '\0';
	rv_comp_peer_info(&c, out, sizeof(out));
	assert_string_equal(out, "IV_LZO_STUB=1\nIV_COMP_STUB=1\nIV_COMP_STUBv2=1\n");
	/* allow-compression asym alone announces LZO (as 2.6.14 did). */
	c.alg = RV_COMP_NONE;
	c.allow = RV_COMP_ALLOW_ASYM;
	out[0] = '\0';
	rv_comp_peer_info(&c, out, sizeof(out));
	assert_string_equal(out, "IV_LZO=1\nIV_COMP_STUB=1\nIV_COMP_STUBv2=1\n");
	/* A full buffer is left as it is. */
	memset(out, 'x', 4);
	out[4] = '\0';
	rv_comp_peer_info(&c, out, 5);
	assert_string_equal(out, "xxxx");
}

/* link-mtu 1542 for comp-lzo no, 1541 for stub-v2 (openvpn 2.6.14 server's
 * options string against the 1541 of no compression). */
static void
test_overhead(void **state)
{
	(void)state;
	assert_int_equal(rv_comp_overhead(RV_COMP_NONE), 0);
	assert_int_equal(rv_comp_overhead(RV_COMP_LZO_STUB), 1);
	assert_int_equal(rv_comp_overhead(RV_COMP_LZO), 1);
	assert_int_equal(rv_comp_overhead(RV_COMP_STUB), 1);
	assert_int_equal(rv_comp_overhead(RV_COMP_STUB_V2), 0);
}

/* --- framing ---------------------------------------------------------------------- */

static void
test_none(void **state)
{
	static const uint8_t p[] = { 0x45, 0x00, 0x00, 0x14 };
	struct rv_comp c;
	struct slot s;

	(void)state;
	comp_setup(&c, RV_COMP_NONE, RV_COMP_ALLOW_UNSET, false);
	assert_false(rv_comp_framed(&c));
	slot_fill(&s, p, sizeof(p));
	assert_int_equal(rv_comp_frame(&c, &s.b, 0), 0);
	assert_bytes(&s.b, p, sizeof(p));
	assert_int_equal(rv_comp_unframe(&c, &s.b), 0);
	assert_bytes(&s.b, p, sizeof(p));
	rv_comp_clear(&c);
}

/* comp-lzo no: 0xFA in front (as openvpn 2.6 sent: "fa 45 00 04 04 ..."). */
static void
test_lzo_stub(void **state)
{
	static const uint8_t p[] = { 0x45, 0x00, 0x04, 0x04 };
	static const uint8_t wire[] = { 0xfa, 0x45, 0x00, 0x04, 0x04 };
	struct rv_comp c;
	struct slot s;

	(void)state;
	comp_setup(&c, RV_COMP_LZO_STUB, RV_COMP_ALLOW_UNSET, false);
	slot_fill(&s, p, sizeof(p));
	assert_int_equal(rv_comp_frame(&c, &s.b, 0), 0);
	assert_bytes(&s.b, wire, sizeof(wire));
	assert_int_equal(rv_comp_unframe(&c, &s.b), 0);
	assert_bytes(&s.b, p, sizeof(p));
	/* Anything else in front is dropped, 0x66 too (openvpn's stub). */
	slot_fill(&s, p, sizeof(p));
	assert_int_equal(rv_comp_unframe(&c, &s.b), RV_ERR_FORMAT);
	slot_fill(&s, (const uint8_t[]){ 0x66, 0x00 }, 2);
	assert_int_equal(rv_comp_unframe(&c, &s.b), RV_ERR_FORMAT);
	/* An empty payload stays empty both ways. */
	slot_fill(&s, p, 0);
	assert_int_equal(rv_comp_frame(&c, &s.b, 0), 0);
	assert_int_equal(rv_buf_len(&s.b), 0);
	assert_int_equal(rv_comp_unframe(&c, &s.b), 0);
	rv_comp_clear(&c);
}

/* compress / stub: openvpn 2.6 sent "fb 00 04 04 ... 45" for "45 00 04 04 ...". */
static void
test_swap(void **state)
{
	static const uint8_t p[] = { 0x45, 0x00, 0x04, 0x04, 0x52 };
	static const uint8_t wire[] = { 0xfb, 0x00, 0x04, 0x04, 0x52, 0x45 };
	struct rv_comp c;
	struct slot s;

	(void)state;
	comp_setup(&c, RV_COMP_STUB, RV_COMP_ALLOW_UNSET, false);
	slot_fill(&s, p, sizeof(p));
	assert_int_equal(rv_comp_frame(&c, &s.b, 0), 0);
	assert_bytes(&s.b, wire, sizeof(wire));
	assert_int_equal(rv_comp_unframe(&c, &s.b), 0);
	assert_bytes(&s.b, p, sizeof(p));
	/* One byte: "fb x" and back; a lone 0xFB is an empty payload. */
	slot_fill(&s, p, 1);
	assert_int_equal(rv_comp_frame(&c, &s.b, 0), 0);
	assert_bytes(&s.b, (const uint8_t[]){ 0xfb, 0x45 }, 2);
	assert_int_equal(rv_comp_unframe(&c, &s.b), 0);
	assert_bytes(&s.b, p, 1);
	slot_fill(&s, (const uint8_t[]){ 0xfb }, 1);
	assert_int_equal(rv_comp_unframe(&c, &s.b), 0);
	assert_int_equal(rv_buf_len(&s.b), 0);
	/* No 0xFB in front: dropped. */
	slot_fill(&s, wire + 1, sizeof(wire) - 1);
	assert_int_equal(rv_comp_unframe(&c, &s.b), RV_ERR_FORMAT);
	rv_comp_clear(&c);
}

/* Without tailroom the swap cannot append: an error, nothing written past. */
static void
test_swap_no_room(void **state)
{
	uint8_t mem[HEAD + 3];
	struct rv_comp c;
	struct rv_buf b;

	(void)state;
	comp_setup(&c, RV_COMP_STUB, RV_COMP_ALLOW_UNSET, false);
	rv_buf_init(&b, mem, sizeof(mem), HEAD);
	rv_buf_put(&b, "abc", 3);
	assert_int_equal(rv_comp_frame(&c, &b, 0), RV_ERR_NOSPACE);
	rv_comp_clear(&c);
}

static void
test_stub_v2(void **state)
{
	static const uint8_t ip[] = { 0x45, 0x00, 0x00, 0x14 };
	static const uint8_t p50[] = { 0x50, 0x01, 0x02 };
	static const uint8_t wire50[] = { 0x50, 0x00, 0x50, 0x01, 0x02 };
	static const uint8_t wire26[] = { 0x50, 0x0a, 0x50, 0x01, 0x02 };
	struct rv_comp c;
	struct slot s;

	(void)state;
	comp_setup(&c, RV_COMP_STUB_V2, RV_COMP_ALLOW_UNSET, false);
	/* Nothing added to an IP packet (as openvpn 2.6 sent). */
	slot_fill(&s, ip, sizeof(ip));
	assert_int_equal(rv_comp_frame(&c, &s.b, 0), 0);
	assert_bytes(&s.b, ip, sizeof(ip));
	assert_int_equal(rv_comp_unframe(&c, &s.b), 0);
	assert_bytes(&s.b, ip, sizeof(ip));
	/* A payload starting with 0x50 is escaped with 0x50 0x00. */
	slot_fill(&s, p50, sizeof(p50));
	assert_int_equal(rv_comp_frame(&c, &s.b, 0), 0);
	assert_bytes(&s.b, wire50, sizeof(wire50));
	assert_int_equal(rv_comp_unframe(&c, &s.b), 0);
	assert_bytes(&s.b, p50, sizeof(p50));
	/* 2.6's own escape (0x50 0x0A) is taken too. */
	slot_fill(&s, wire26, sizeof(wire26));
	assert_int_equal(rv_comp_unframe(&c, &s.b), 0);
	assert_bytes(&s.b, p50, sizeof(p50));
	/* LZ4 (0x50 0x01) cannot be decompressed here; others are bad. */
	slot_fill(&s, (const uint8_t[]){ 0x50, 0x01, 0x00 }, 3);
	assert_int_equal(rv_comp_unframe(&c, &s.b), RV_ERR_UNSUPPORTED);
	slot_fill(&s, (const uint8_t[]){ 0x50, 0x07, 0x00 }, 3);
	assert_int_equal(rv_comp_unframe(&c, &s.b), RV_ERR_FORMAT);
	slot_fill(&s, (const uint8_t[]){ 0x50 }, 1);
	assert_int_equal(rv_comp_unframe(&c, &s.b), 0);
	assert_int_equal(rv_buf_len(&s.b), 0);
	rv_comp_clear(&c);
}

/* LZO at the default (asym): never compresses, 0xFA + payload. */
static void
test_lzo_asym_sends_plain(void **state)
{
	uint8_t zeros[1000] = { 0 };
	struct rv_comp c;
	struct slot s;

	(void)state;
	comp_setup(&c, RV_COMP_LZO, RV_COMP_ALLOW_UNSET, false);
	assert_null(c.lzo_mem);
	slot_fill(&s, zeros, sizeof(zeros));
	assert_int_equal(rv_comp_frame(&c, &s.b, 0), 0);
	assert_int_equal(rv_buf_len(&s.b), sizeof(zeros) + 1);
	assert_int_equal(rv_buf_data(&s.b)[0], RV_COMP_BYTE_NONE);
	assert_int_equal(rv_comp_unframe(&c, &s.b), 0);
	assert_bytes(&s.b, zeros, sizeof(zeros));
	rv_comp_clear(&c);
}

static void
test_lzo_round_trip(void **state)
{
	uint8_t data[1400], rnd[300];
	struct rv_comp c;
	struct slot s;

	(void)state;
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i % 7);
	srand(7);
	for (size_t i = 0; i < sizeof(rnd); i++)
		rnd[i] = (uint8_t)rand();
	comp_setup(&c, RV_COMP_LZO, RV_COMP_ALLOW_YES, false);
	/* Compressible: 0x66, shorter, and back. */
	slot_fill(&s, data, sizeof(data));
	assert_int_equal(rv_comp_frame(&c, &s.b, 0), 0);
	assert_int_equal(rv_buf_data(&s.b)[0], RV_COMP_BYTE_LZO);
	assert_true(rv_buf_len(&s.b) < sizeof(data) / 4);
	assert_int_equal(rv_buf_headroom(&s.b), HEAD - 1);
	assert_int_equal(rv_comp_unframe(&c, &s.b), 0);
	assert_bytes(&s.b, data, sizeof(data));
	assert_int_equal(c.pre_compress, sizeof(data));
	assert_int_equal(c.post_decompress, sizeof(data));
	/* Incompressible: 0xFA + payload. */
	slot_fill(&s, rnd, sizeof(rnd));
	assert_int_equal(rv_comp_frame(&c, &s.b, 0), 0);
	assert_int_equal(rv_buf_data(&s.b)[0], RV_COMP_BYTE_NONE);
	assert_int_equal(rv_comp_unframe(&c, &s.b), 0);
	assert_bytes(&s.b, rnd, sizeof(rnd));
	/* Below 100 bytes nothing is tried. */
	slot_fill(&s, data, 99);
	assert_int_equal(rv_comp_frame(&c, &s.b, 0), 0);
	assert_int_equal(rv_buf_data(&s.b)[0], RV_COMP_BYTE_NONE);
	assert_int_equal(rv_buf_len(&s.b), 100);
	/* Above the maximum frame: refused. */
	{
		static uint8_t big[MAX_FRAME + 1];
		uint8_t mem[MAX_FRAME + 64];
		struct rv_buf b;

		rv_buf_init(&b, mem, sizeof(mem), 8);
		rv_buf_put(&b, big, sizeof(big));
		assert_int_equal(rv_comp_frame(&c, &b, 0), RV_ERR_RANGE);
	}
	rv_comp_clear(&c);
}

/* Checks a decompressed ICMP echo request 10.241.0.1 -> 10.241.0.2. */
static void
check_icmp(const struct rv_buf *b, size_t want_len)
{
	const uint8_t *p = rv_buf_data(b);

	assert_int_equal(rv_buf_len(b), want_len);
	assert_int_equal(p[0], 0x45);
	assert_int_equal((size_t)(p[2] << 8 | p[3]), want_len);
	assert_int_equal(p[9], 1);
	assert_memory_equal(&p[12], ((const uint8_t[]){ 10, 241, 0, 1, 10, 241, 0, 2 }), 8);
	assert_int_equal(csum(p, 20), 0);
	assert_int_equal(p[20], 8);
	assert_int_equal(csum(p + 20, want_len - 20), 0);
}

static void
test_lzo_known_answer(void **state)
{
	const uint8_t *p;
	struct rv_comp c;
	struct slot s;

	(void)state;
	comp_setup(&c, RV_COMP_LZO, RV_COMP_ALLOW_UNSET, false);
	slot_fill(&s, ovpn_lzo_228, sizeof(ovpn_lzo_228));
	assert_int_equal(rv_comp_unframe(&c, &s.b), 0);
	check_icmp(&s.b, 228);
	p = rv_buf_data(&s.b);
	for (size_t i = 228 - 150; i < 228; i++)
		assert_int_equal(p[i], 0x41);   /* ping -p 41 */
	slot_fill(&s, ovpn_lzo_1228, sizeof(ovpn_lzo_1228));
	assert_int_equal(rv_comp_unframe(&c, &s.b), 0);
	check_icmp(&s.b, 1228);
	rv_comp_clear(&c);
	/* Framed again by a compressing side, it comes back the same. */
	{
		uint8_t pkt[1228];
		struct slot t;

		memcpy(pkt, rv_buf_data(&s.b), sizeof(pkt));
		comp_setup(&c, RV_COMP_LZO, RV_COMP_ALLOW_YES, false);
		slot_fill(&t, pkt, sizeof(pkt));
		assert_int_equal(rv_comp_frame(&c, &t.b, 0), 0);
		assert_int_equal(rv_buf_data(&t.b)[0], RV_COMP_BYTE_LZO);
		assert_int_equal(rv_comp_unframe(&c, &t.b), 0);
		assert_bytes(&t.b, pkt, sizeof(pkt));
		rv_comp_clear(&c);
	}
}

static void
test_lzo_malformed(void **state)
{
	uint8_t junk[200];
	struct rv_comp c;
	struct slot s;

	(void)state;
	comp_setup(&c, RV_COMP_LZO, RV_COMP_ALLOW_UNSET, true);
	/* Truncated: every prefix of openvpn's packet fails cleanly. */
	for (size_t n = 1; n < sizeof(ovpn_lzo_1228); n += 7) {
		slot_fill(&s, ovpn_lzo_1228, n);
		assert_int_equal(rv_comp_unframe(&c, &s.b), RV_ERR_LIMIT);
	}
	/* Garbage after 0x66. */
	srand(3);
	for (int round = 0; round < 200; round++) {
		junk[0] = RV_COMP_BYTE_LZO;
		for (size_t i = 1; i < sizeof(junk); i++)
			junk[i] = (uint8_t)rand();
		slot_fill(&s, junk, sizeof(junk));
		if (rv_comp_unframe(&c, &s.b) == 0)
			assert_true(rv_buf_len(&s.b) <= MAX_FRAME);
	}
	/* Other framing bytes: LZ4 (0x69), swap (0xFB), none. */
	slot_fill(&s, (const uint8_t[]){ 0x69, 0x00 }, 2);
	assert_int_equal(rv_comp_unframe(&c, &s.b), RV_ERR_FORMAT);
	slot_fill(&s, (const uint8_t[]){ 0xfb, 0x00 }, 2);
	assert_int_equal(rv_comp_unframe(&c, &s.b), RV_ERR_FORMAT);
	slot_fill(&s, (const uint8_t[]){ 0x45, 0x00 }, 2);
	assert_int_equal(rv_comp_unframe(&c, &s.b), RV_ERR_FORMAT);
	rv_comp_clear(&c);
}

/* LZO data of n zero bytes, 0x66 in front; returns its length. */
static size_t
make_zeros(uint8_t *out, size_t cap, size_t n)
{
	uint8_t *in = calloc(1, n), *wrk = malloc(LZO1X_1_MEM_COMPRESS);
	lzo_uint zlen = 0;

	assert_non_null(in);
	assert_non_null(wrk);
	assert_int_equal(lzo1x_1_compress(in, n, out + 1, &zlen, wrk), LZO_E_OK);
	assert_true(zlen + 1 <= cap);
	out[0] = RV_COMP_BYTE_LZO;
	free(in);
	free(wrk);
	return zlen + 1;
}

/* 64 KiB of zeros is a few hundred bytes of LZO: decompression stops at
 * the maximum frame, and exactly the maximum frame is still fine. */
static void
test_lzo_bomb(void **state)
{
	uint8_t z[2048];
	struct rv_comp c;
	struct slot s;
	size_t n;

	(void)state;
	comp_setup(&c, RV_COMP_LZO, RV_COMP_ALLOW_UNSET, false);
	n = make_zeros(z, sizeof(z), 65536);
	assert_true(n < 400);
	slot_fill(&s, z, n);
	assert_int_equal(rv_comp_unframe(&c, &s.b), RV_ERR_LIMIT);
	n = make_zeros(z, sizeof(z), MAX_FRAME + 1);
	slot_fill(&s, z, n);
	assert_int_equal(rv_comp_unframe(&c, &s.b), RV_ERR_LIMIT);
	n = make_zeros(z, sizeof(z), MAX_FRAME);
	slot_fill(&s, z, n);
	assert_int_equal(rv_comp_unframe(&c, &s.b), 0);
	assert_int_equal(rv_buf_len(&s.b), MAX_FRAME);
	rv_comp_clear(&c);
}

/* A small packet slot bounds decompression too: never a write past it. */
static void
test_lzo_slot_bound(void **state)
{
	uint8_t z[256], *mem;
	struct rv_comp c;
	struct rv_buf b;
	size_t n;

	(void)state;
	comp_setup(&c, RV_COMP_LZO, RV_COMP_ALLOW_UNSET, false);
	n = make_zeros(z, sizeof(z), 1000);
	mem = malloc(n + 500);   /* exact size: ASan sees an overflow */
	assert_non_null(mem);
	rv_buf_init(&b, mem, n + 500, 0);
	rv_buf_put(&b, z, n);
	assert_int_equal(rv_comp_unframe(&c, &b), RV_ERR_LIMIT);
	free(mem);
	rv_comp_clear(&c);
}

/* Adaptive: 2 s samples; under 5 % saved on more than 1000 bytes turns
 * compression off for 60 s. */
static void
test_adaptive(void **state)
{
	uint8_t rnd[500], zeros[500] = { 0 };
	struct rv_comp c;
	struct slot s;

	(void)state;
	srand(11);
	for (size_t i = 0; i < sizeof(rnd); i++)
		rnd[i] = (uint8_t)rand();
	comp_setup(&c, RV_COMP_LZO, RV_COMP_ALLOW_YES, true);
	/* t = 100: the first packet starts a sample. */
	for (int i = 0; i < 4; i++) {
		slot_fill(&s, rnd, sizeof(rnd));
		assert_int_equal(rv_comp_frame(&c, &s.b, 100), 0);
	}
	assert_int_equal(c.pre_compress, 4 * sizeof(rnd));
	/* t = 102: 2000 bytes saved nothing: off. */
	slot_fill(&s, zeros, sizeof(zeros));
	assert_int_equal(rv_comp_frame(&c, &s.b, 102), 0);
	assert_int_equal(rv_buf_data(&s.b)[0], RV_COMP_BYTE_NONE);
	assert_true(c.ac.off);
	slot_fill(&s, zeros, sizeof(zeros));
	assert_int_equal(rv_comp_frame(&c, &s.b, 161), 0);
	assert_int_equal(rv_buf_data(&s.b)[0], RV_COMP_BYTE_NONE);
	/* t = 162: on again. */
	slot_fill(&s, zeros, sizeof(zeros));
	assert_int_equal(rv_comp_frame(&c, &s.b, 162), 0);
	assert_int_equal(rv_buf_data(&s.b)[0], RV_COMP_BYTE_LZO);
	assert_false(c.ac.off);
	/* Compressible traffic keeps it on. */
	slot_fill(&s, zeros, sizeof(zeros));
	assert_int_equal(rv_comp_frame(&c, &s.b, 170), 0);
	assert_int_equal(rv_buf_data(&s.b)[0], RV_COMP_BYTE_LZO);
	rv_comp_clear(&c);
}

/* A push: LZO refused when the configuration allows only stubs; a stub
 * pushed is taken; with asym LZO is taken but not used for sending. */
static void
test_push(void **state)
{
	struct rv_comp c;

	(void)state;
	comp_setup(&c, RV_COMP_NONE, RV_COMP_ALLOW_UNSET, false);
	assert_int_equal(rv_comp_push(&c, RV_COMP_LZO, true), RV_ERR_UNSUPPORTED);
	assert_int_equal(c.conf.alg, RV_COMP_NONE);
	assert_int_equal(rv_comp_push(&c, RV_COMP_STUB_V2, false), 0);
	assert_int_equal(c.conf.alg, RV_COMP_STUB_V2);
	rv_comp_clear(&c);
	comp_setup(&c, RV_COMP_LZO_STUB, RV_COMP_ALLOW_UNSET, false);
	assert_int_equal(rv_comp_push(&c, RV_COMP_LZO, false), RV_ERR_UNSUPPORTED);
	rv_comp_clear(&c);
	/* compress / stub-v2 configured: a pushed comp-lzo is taken (2.6.14). */
	comp_setup(&c, RV_COMP_STUB, RV_COMP_ALLOW_UNSET, false);
	assert_int_equal(rv_comp_push(&c, RV_COMP_LZO, true), 0);
	assert_false(c.compress);
	rv_comp_clear(&c);
	comp_setup(&c, RV_COMP_STUB_V2, RV_COMP_ALLOW_UNSET, false);
	assert_int_equal(rv_comp_push(&c, RV_COMP_LZO, true), 0);
	rv_comp_clear(&c);
	comp_setup(&c, RV_COMP_NONE, RV_COMP_ALLOW_ASYM, false);
	assert_int_equal(rv_comp_push(&c, RV_COMP_LZO, false), 0);
	assert_false(c.compress);
	assert_non_null(c.work);
	rv_comp_clear(&c);
	comp_setup(&c, RV_COMP_STUB, RV_COMP_ALLOW_YES, false);
	assert_int_equal(rv_comp_push(&c, RV_COMP_LZO, true), 0);
	assert_true(c.compress);
	assert_non_null(c.lzo_mem);
	rv_comp_clear(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_allow),
		cmocka_unit_test(test_policy),
		cmocka_unit_test(test_peer_info),
		cmocka_unit_test(test_overhead),
		cmocka_unit_test(test_none),
		cmocka_unit_test(test_lzo_stub),
		cmocka_unit_test(test_swap),
		cmocka_unit_test(test_swap_no_room),
		cmocka_unit_test(test_stub_v2),
		cmocka_unit_test(test_lzo_asym_sends_plain),
		cmocka_unit_test(test_lzo_round_trip),
		cmocka_unit_test(test_lzo_known_answer),
		cmocka_unit_test(test_lzo_malformed),
		cmocka_unit_test(test_lzo_bomb),
		cmocka_unit_test(test_lzo_slot_bound),
		cmocka_unit_test(test_adaptive),
		cmocka_unit_test(test_push),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
