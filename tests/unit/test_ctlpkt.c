/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for ctlpkt.c: the body of a control packet (wire facts 2.1):
 *   [1] N  N x [4] acked id  [8] peer's sid (N > 0)  [4] message id (not in
 *   P_ACK_V1)  payload
 *
 * The known bodies are from packets Debian's openvpn 2.6.14 sent in TLS p2p
 * mode with tls-auth SHA256 and with tls-crypt (the captures behind
 * test_wrap.c; tests/unit/vectors/README.md tells how). For tls-auth the
 * body is the packet's tail after the HMAC and replay id; for tls-crypt it
 * was decrypted with the capture's key. The fields expected are the ones
 * openvpn logged at --verb 9 for each packet, e.g.
 *   P_CONTROL_V1 kid=0 sid=e82eb355 d294f056 ... [ 4 3 2 1 sid=604d7101
 *   fb320deb ] pid=5 DATA 17030300 ...
 */
#include "ctlpkt.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "err.h"

enum {
	HEADROOM = 128,
	MEM = 4096,
};

/* --- bodies from openvpn 2.6.14 ------------------------------------------- */

/* reset_c: auth256_c2s_reset_c */
static const uint8_t body_reset_c[] = {
	0x00, 0x00, 0x00, 0x00, 0x00,
};

/* reset_s: auth256_s2c_reset_s */
static const uint8_t body_reset_s[] = {
	0x01, 0x00, 0x00, 0x00, 0x00, 0x60, 0x4d, 0x71, 0x01, 0xfb, 0x32, 0x0d,
	0xeb, 0x00, 0x00, 0x00, 0x00,
};

/* ack4: auth256_c2s_ack */
static const uint8_t body_ack4[] = {
	0x04, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x00, 0xe8, 0x2e, 0xb3, 0x55, 0xd2, 0x94, 0xf0,
	0x56,
};

/* control: auth256_s2c_control */
static const uint8_t body_control[] = {
	0x04, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,
	0x02, 0x00, 0x00, 0x00, 0x01, 0x60, 0x4d, 0x71, 0x01, 0xfb, 0x32, 0x0d,
	0xeb, 0x00, 0x00, 0x00, 0x05, 0x17, 0x03, 0x03, 0x00, 0x4a, 0xb2, 0x16,
	0xb3, 0xad, 0x5b, 0xf4, 0x05, 0xea, 0xfe, 0xc9, 0x38, 0x7f, 0xe5, 0x0f,
	0x83, 0x69, 0xff, 0x80, 0x49, 0x06, 0x1c, 0x69, 0xa6, 0x13, 0x0a, 0xb7,
	0xe4, 0x40, 0x2a, 0x88, 0xd5, 0x39, 0xb8, 0x3d, 0x48, 0xa4, 0x2b, 0xe1,
	0xf0, 0xdd, 0x39, 0x92, 0x0e, 0x1f, 0xb9, 0x89, 0xba, 0xee, 0x68, 0xec,
	0xa3, 0x14, 0xf2, 0x25, 0x6a, 0xed, 0x0d, 0x4a, 0x8b, 0xcd, 0x99, 0x16,
	0x28, 0x52, 0x3b, 0xdf, 0x08, 0x26, 0x10, 0x10, 0x4b, 0x02, 0x97, 0x86,
	0x17, 0x03, 0x03, 0x00, 0x4a, 0xe0, 0xa8, 0x4a, 0x8c, 0x34, 0x37, 0x42,
	0x4b, 0xc2, 0x56, 0x79, 0x49, 0x92, 0x1e, 0xf1, 0x16, 0xa6, 0xd8, 0xf4,
	0x3b, 0x4c, 0x2b, 0xb1, 0x1d, 0xc0, 0xe3, 0x2a, 0xf4, 0xd5, 0xa0, 0x34,
	0x85, 0x71, 0xb5, 0x18, 0xdb, 0x69, 0xf2, 0x94, 0x04, 0x23, 0xec, 0x71,
	0xd0, 0x84, 0xcc, 0x1e, 0xa2, 0x6f, 0xca, 0x03, 0x21, 0x78, 0x0f, 0xf4,
	0xfc, 0xbe, 0x24, 0x41, 0x79, 0xe1, 0x63, 0xd1, 0x06, 0xe5, 0xbb, 0xe8,
	0x45, 0x69, 0xed, 0xc6, 0xff, 0xda, 0xbb,
};

/* ack7: crypt_c2s_ack */
static const uint8_t body_ack7[] = {
	0x07, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00,
	0x04, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x00, 0x6b, 0x52, 0xfd, 0x5e, 0x7f, 0x00, 0x28,
	0x22,
};

struct body_case {
	const char *name;
	const uint8_t *body;
	size_t len;
	uint8_t op, key_id, nacks;
	uint32_t acks[8];
	uint8_t ack_sid[8];
	bool has_pid;
	uint32_t pid;
	size_t payload_len;
};

#define SID_CLIENT { 0x60, 0x4d, 0x71, 0x01, 0xfb, 0x32, 0x0d, 0xeb }
#define SID_SERVER { 0xe8, 0x2e, 0xb3, 0x55, 0xd2, 0x94, 0xf0, 0x56 }
#define SID_SERVER_CRYPT { 0x6b, 0x52, 0xfd, 0x5e, 0x7f, 0x00, 0x28, 0x22 }

static const struct body_case cases[] = {
	/* P_CONTROL_HARD_RESET_CLIENT_V2 kid=0 ... [ ] pid=0 DATA */
	{ "reset_c", body_reset_c, sizeof(body_reset_c), RV_OP_HARD_RESET_CLIENT_V2, 0,
	  0, { 0 }, { 0 }, true, 0, 0 },
	/* P_CONTROL_HARD_RESET_SERVER_V2 kid=0 ... [ 0 sid=604d7101 fb320deb ] pid=0 */
	{ "reset_s", body_reset_s, sizeof(body_reset_s), RV_OP_HARD_RESET_SERVER_V2, 0,
	  1, { 0 }, SID_CLIENT, true, 0, 0 },
	/* P_ACK_V1 kid=0 ... [ 3 2 1 0 sid=e82eb355 d294f056 ] DATA */
	{ "ack4", body_ack4, sizeof(body_ack4), RV_OP_ACK_V1, 0,
	  4, { 3, 2, 1, 0 }, SID_SERVER, false, 0, 0 },
	/* P_CONTROL_V1 kid=0 ... [ 4 3 2 1 sid=604d7101 fb320deb ] pid=5 DATA */
	{ "control", body_control, sizeof(body_control), RV_OP_CONTROL_V1, 0,
	  4, { 4, 3, 2, 1 }, SID_CLIENT, true, 5, 158 },
	/* tls-crypt run: P_ACK_V1 kid=0 ... [ 6 5 4 3 2 1 0 sid=6b52fd5e 7f002822 ] */
	{ "ack7", body_ack7, sizeof(body_ack7), RV_OP_ACK_V1, 0,
	  7, { 6, 5, 4, 3, 2, 1, 0 }, SID_SERVER_CRYPT, false, 0, 0 },
};

enum { NCASES = sizeof(cases) / sizeof(cases[0]) };

/* --- helpers --------------------------------------------------------------- */

static void
assert_buf_equal(const struct rv_buf *b, const void *data, size_t len)
{
	assert_int_equal(rv_buf_len(b), len);
	assert_memory_equal(rv_buf_data(b), data, len);
}

static void
assert_fields(const struct rv_ctlpkt *p, const struct body_case *c)
{
	assert_int_equal(p->op, c->op);
	assert_int_equal(p->key_id, c->key_id);
	assert_int_equal(p->nacks, c->nacks);
	for (unsigned i = 0; i < c->nacks; i++)
		assert_int_equal(p->acks[i], c->acks[i]);
	if (c->nacks > 0)
		assert_memory_equal(p->ack_sid, c->ack_sid, 8);
	assert_int_equal(p->has_pid, c->has_pid);
	if (c->has_pid)
		assert_int_equal(p->pid, c->pid);
}

/* The fixed part of a body: everything but the payload. */
static size_t
fixed_len(const struct body_case *c)
{
	return c->len - c->payload_len;
}

static void
fields_of(struct rv_ctlpkt *p, const struct body_case *c)
{
	memset(p, 0, sizeof(*p));
	p->op = c->op;
	p->key_id = c->key_id;
	p->nacks = c->nacks;
	memcpy(p->acks, c->acks, sizeof(p->acks));
	memcpy(p->ack_sid, c->ack_sid, sizeof(p->ack_sid));
	p->has_pid = c->has_pid;
	p->pid = c->pid;
}

/* --- known answers ----------------------------------------------------------- */

static void
test_kat_parse(void **state)
{
	struct rv_ctlpkt p;
	struct rv_buf b, tail;

	(void)state;
	for (unsigned i = 0; i < NCASES; i++) {
		const struct body_case *c = &cases[i];

		print_message("%s\n", c->name);
		rv_buf_init_ro(&b, c->body, c->len);
		memset(&p, 0xee, sizeof(p));
		assert_int_equal(rv_ctlpkt_parse_body(&b, c->op, c->key_id, &p), 0);
		assert_fields(&p, c);
		/* the payload is the rest, and a view of it */
		rv_buf_init_ro(&tail, c->body, c->len);
		assert_int_equal(rv_buf_skip(&tail, fixed_len(c)), 0);
		assert_buf_equal(&p.payload, rv_buf_data(&tail), c->payload_len);
		assert_ptr_equal(rv_buf_data(&p.payload), rv_buf_data(&tail));
		assert_int_equal(rv_buf_len(&b), 0);
		assert_int_equal(fixed_len(c), rv_ctlpkt_body_overhead(c->nacks, c->has_pid));
	}
}

static void
test_kat_prepend(void **state)
{
	uint8_t mem[MEM];
	struct rv_ctlpkt p;
	struct rv_buf b;

	(void)state;
	for (unsigned i = 0; i < NCASES; i++) {
		const struct body_case *c = &cases[i];
		size_t over = fixed_len(c);

		print_message("%s\n", c->name);
		fields_of(&p, c);
		/* one byte of headroom short: refused, b untouched */
		rv_buf_init(&b, mem, over - 1 + c->payload_len, over - 1);
		assert_int_equal(rv_buf_put(&b, &c->body[over], c->payload_len), 0);
		assert_int_equal(rv_ctlpkt_prepend_body(&b, &p), RV_ERR_NOSPACE);
		assert_buf_equal(&b, &c->body[over], c->payload_len);
		/* exactly enough */
		rv_buf_init(&b, mem, over + c->payload_len, over);
		assert_int_equal(rv_buf_put(&b, &c->body[over], c->payload_len), 0);
		assert_int_equal(rv_ctlpkt_prepend_body(&b, &p), 0);
		assert_buf_equal(&b, c->body, c->len);
		assert_int_equal(rv_buf_headroom(&b), 0);
	}
}

/* --- malformed and truncated bodies ------------------------------------------ */

/* Every prefix: SHORT while a fixed field is cut, then (for packets with a
 * payload) a shorter payload. A failed parse consumes and fills nothing. */
static void
test_truncated(void **state)
{
	struct rv_ctlpkt p, before;
	struct rv_buf b;

	(void)state;
	for (unsigned i = 0; i < NCASES; i++) {
		const struct body_case *c = &cases[i];

		print_message("%s\n", c->name);
		for (size_t cut = 0; cut < c->len; cut++) {
			rv_buf_init_ro(&b, c->body, cut);
			memset(&p, 0xee, sizeof(p));
			before = p;
			if (cut < fixed_len(c)) {
				assert_int_equal(rv_ctlpkt_parse_body(&b, c->op, c->key_id, &p),
				    RV_ERR_SHORT);
				assert_int_equal(rv_buf_len(&b), cut);
				assert_memory_equal(&p, &before, sizeof(p));
			} else {
				assert_int_equal(rv_ctlpkt_parse_body(&b, c->op, c->key_id, &p), 0);
				assert_fields(&p, c);
				assert_int_equal(rv_buf_len(&p.payload), cut - fixed_len(c));
			}
		}
	}
}

/* A table of hand-made bodies and the exact answer for each. */
struct bad_case {
	const char *name;
	uint8_t op;
	const uint8_t *body;
	size_t len;
	int want;
};

static const uint8_t nine_acks[] = {
	9, 0, 0, 0, 9, 0, 0, 0, 8, 0, 0, 0, 7, 0, 0, 0, 6, 0, 0, 0, 5, 0, 0, 0, 4,
	0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 10,
};
static const uint8_t eight_acks[] = {
	8, 0, 0, 0, 8, 0, 0, 0, 7, 0, 0, 0, 6, 0, 0, 0, 5, 0, 0, 0, 4, 0, 0, 0, 3,
	0, 0, 0, 2, 0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 10,
};
static const uint8_t count_only_9[] = { 9 };
static const uint8_t count_255[] = { 255, 0, 0, 0, 1 };
static const uint8_t ack_plus_byte[] = { 1, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8, 0 };
static const uint8_t ack_no_acks[] = { 0 };
static const uint8_t ack_no_acks_plus[] = { 0, 0, 0, 0, 0 };
static const uint8_t one_ack_sid_cut[] = { 1, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7 };
static const uint8_t one_ack_id_cut[] = { 1, 0, 0, 0 };
static const uint8_t no_pid[] = { 0, 0, 0, 0 };
static const uint8_t plain_pid[] = { 0, 0, 0, 0, 2 };

static const struct bad_case bad_cases[] = {
	{ "9 acks", RV_OP_ACK_V1, nine_acks, sizeof(nine_acks) - 4, RV_ERR_FORMAT },
	{ "9 acks + pid", RV_OP_CONTROL_V1, nine_acks, sizeof(nine_acks), RV_ERR_FORMAT },
	{ "8 acks + pid", RV_OP_CONTROL_V1, eight_acks, sizeof(eight_acks), 0 },
	{ "8 acks", RV_OP_ACK_V1, eight_acks, sizeof(eight_acks) - 4, 0 },
	{ "count 9 alone", RV_OP_ACK_V1, count_only_9, sizeof(count_only_9), RV_ERR_FORMAT },
	{ "count 255", RV_OP_CONTROL_V1, count_255, sizeof(count_255), RV_ERR_FORMAT },
	{ "ack with a byte of payload", RV_OP_ACK_V1, ack_plus_byte, sizeof(ack_plus_byte),
	  RV_ERR_FORMAT },
	{ "ack without acks", RV_OP_ACK_V1, ack_no_acks, sizeof(ack_no_acks), 0 },
	{ "ack without acks, 4 more bytes", RV_OP_ACK_V1, ack_no_acks_plus,
	  sizeof(ack_no_acks_plus), RV_ERR_FORMAT },
	{ "sid cut", RV_OP_ACK_V1, one_ack_sid_cut, sizeof(one_ack_sid_cut), RV_ERR_SHORT },
	{ "ack id cut", RV_OP_CONTROL_V1, one_ack_id_cut, sizeof(one_ack_id_cut), RV_ERR_SHORT },
	{ "pid cut", RV_OP_CONTROL_V1, no_pid, sizeof(no_pid), RV_ERR_SHORT },
	{ "empty", RV_OP_CONTROL_V1, no_pid, 0, RV_ERR_SHORT },
	{ "empty ack", RV_OP_ACK_V1, no_pid, 0, RV_ERR_SHORT },
	{ "soft reset", RV_OP_SOFT_RESET_V1, plain_pid, sizeof(plain_pid), 0 },
	{ "wkc", RV_OP_CONTROL_WKC_V1, plain_pid, sizeof(plain_pid), 0 },
	{ "reset v3", RV_OP_HARD_RESET_CLIENT_V3, plain_pid, sizeof(plain_pid), 0 },
	{ "data v1", RV_OP_DATA_V1, plain_pid, sizeof(plain_pid), RV_ERR_FORMAT },
	{ "data v2", RV_OP_DATA_V2, plain_pid, sizeof(plain_pid), RV_ERR_FORMAT },
	{ "reset v1", RV_OP_HARD_RESET_CLIENT_V1, plain_pid, sizeof(plain_pid), RV_ERR_FORMAT },
	{ "server reset v1", RV_OP_HARD_RESET_SERVER_V1, plain_pid, sizeof(plain_pid),
	  RV_ERR_FORMAT },
	{ "opcode 0", 0, plain_pid, sizeof(plain_pid), RV_ERR_FORMAT },
	{ "opcode 12", 12, plain_pid, sizeof(plain_pid), RV_ERR_FORMAT },
	{ "opcode 31", 31, plain_pid, sizeof(plain_pid), RV_ERR_FORMAT },
};

static void
test_bad_bodies(void **state)
{
	struct rv_ctlpkt p;
	struct rv_buf b;

	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];

		print_message("%s\n", c->name);
		rv_buf_init_ro(&b, c->body, c->len);
		memset(&p, 0, sizeof(p));
		assert_int_equal(rv_ctlpkt_parse_body(&b, c->op, 0, &p), c->want);
		assert_int_equal(rv_buf_len(&b), c->want == 0 ? 0 : c->len);
		if (c->want == 0)
			assert_int_equal(p.op, c->op);
	}
	/* eight acks in the order sent */
	rv_buf_init_ro(&b, eight_acks, sizeof(eight_acks));
	assert_int_equal(rv_ctlpkt_parse_body(&b, RV_OP_CONTROL_V1, 3, &p), 0);
	for (unsigned i = 0; i < 8; i++)
		assert_int_equal(p.acks[i], 8 - i);
	assert_int_equal(p.pid, 10);
	assert_int_equal(p.key_id, 3);
	/* the key id comes from the first byte: 3 bits */
	rv_buf_init_ro(&b, plain_pid, sizeof(plain_pid));
	assert_int_equal(rv_ctlpkt_parse_body(&b, RV_OP_CONTROL_V1, 8, &p), RV_ERR_FORMAT);
}

static void
test_payload_max(void **state)
{
	static uint8_t mem[MEM];
	struct rv_ctlpkt p;
	struct rv_buf b;

	(void)state;
	memset(mem, 0, sizeof(mem));
	/* [1] 0 acks, [4] pid, payload */
	rv_buf_init_ro(&b, mem, 5 + RV_WIRE_CTL_PAYLOAD_MAX);
	assert_int_equal(rv_ctlpkt_parse_body(&b, RV_OP_CONTROL_V1, 0, &p), 0);
	assert_int_equal(rv_buf_len(&p.payload), RV_WIRE_CTL_PAYLOAD_MAX);
	rv_buf_init_ro(&b, mem, 5 + RV_WIRE_CTL_PAYLOAD_MAX + 1);
	assert_int_equal(rv_ctlpkt_parse_body(&b, RV_OP_CONTROL_V1, 0, &p), RV_ERR_FORMAT);
	assert_int_equal(rv_buf_len(&b), 5 + RV_WIRE_CTL_PAYLOAD_MAX + 1);

	/* and the writer refuses what the reader would */
	memset(&p, 0, sizeof(p));
	p.op = RV_OP_CONTROL_V1;
	p.has_pid = true;
	rv_buf_init(&b, mem, sizeof(mem), HEADROOM);
	assert_int_equal(rv_buf_put(&b, &mem[HEADROOM], RV_WIRE_CTL_PAYLOAD_MAX + 1), 0);
	assert_int_equal(rv_ctlpkt_prepend_body(&b, &p), RV_ERR_RANGE);
	assert_int_equal(rv_buf_len(&b), RV_WIRE_CTL_PAYLOAD_MAX + 1);
	assert_int_equal(rv_buf_truncate(&b, RV_WIRE_CTL_PAYLOAD_MAX), 0);
	assert_int_equal(rv_ctlpkt_prepend_body(&b, &p), 0);
	assert_int_equal(rv_buf_len(&b), 5 + RV_WIRE_CTL_PAYLOAD_MAX);
}

/* --- writing -------------------------------------------------------------------- */

static void
test_prepend_range(void **state)
{
	uint8_t mem[MEM];
	struct rv_ctlpkt p, good;
	struct rv_buf b;

	(void)state;
	memset(&good, 0, sizeof(good));
	good.op = RV_OP_CONTROL_V1;
	good.has_pid = true;
	good.nacks = 1;

	for (int i = 0; i < 7; i++) {
		bool payload = false;

		p = good;
		switch (i) {
		case 0: p.nacks = RV_WIRE_ACK_MAX + 1; break;
		case 1: p.op = RV_OP_ACK_V1; break;                    /* ack with a pid */
		case 2: p.has_pid = false; break;                      /* control without */
		case 3: p.op = RV_OP_ACK_V1; p.has_pid = false; payload = true; break;
		case 4: p.op = RV_OP_DATA_V2; break;
		case 5: p.key_id = 8; break;
		case 6: p.op = RV_OP_HARD_RESET_CLIENT_V1; break;
		}
		rv_buf_init(&b, mem, sizeof(mem), HEADROOM);
		if (payload)
			assert_int_equal(rv_buf_put(&b, "x", 1), 0);
		assert_int_equal(rv_ctlpkt_prepend_body(&b, &p), RV_ERR_RANGE);
		assert_int_equal(rv_buf_headroom(&b), HEADROOM);
	}
	/* an ack alone is fine */
	p = good;
	p.op = RV_OP_ACK_V1;
	p.has_pid = false;
	rv_buf_init(&b, mem, sizeof(mem), HEADROOM);
	assert_int_equal(rv_ctlpkt_prepend_body(&b, &p), 0);
	assert_int_equal(rv_buf_len(&b), 13);
}

static void
test_overhead(void **state)
{
	(void)state;
	assert_int_equal(rv_ctlpkt_body_overhead(0, false), 1);
	assert_int_equal(rv_ctlpkt_body_overhead(0, true), 5);
	assert_int_equal(rv_ctlpkt_body_overhead(1, false), 13);
	assert_int_equal(rv_ctlpkt_body_overhead(1, true), 17);
	assert_int_equal(rv_ctlpkt_body_overhead(4, true), 29);
	assert_int_equal(rv_ctlpkt_body_overhead(8, false), 41);
}

/* Ack ids go out in the order given, not sorted. */
static void
test_ack_order(void **state)
{
	static const uint8_t want[] = {
		3, 0, 0, 0, 1, 0, 0, 0, 7, 0, 0, 0, 3, 9, 9, 9, 9, 9, 9, 9, 9,
		0xde, 0xad, 0xbe, 0xef,
	};
	uint8_t mem[MEM];
	struct rv_ctlpkt p, q;
	struct rv_buf b;

	(void)state;
	memset(&p, 0, sizeof(p));
	p.op = RV_OP_CONTROL_V1;
	p.nacks = 3;
	p.acks[0] = 1;
	p.acks[1] = 7;
	p.acks[2] = 3;
	memset(p.ack_sid, 9, sizeof(p.ack_sid));
	p.has_pid = true;
	p.pid = 0xdeadbeef;
	rv_buf_init(&b, mem, sizeof(mem), HEADROOM);
	assert_int_equal(rv_ctlpkt_prepend_body(&b, &p), 0);
	assert_buf_equal(&b, want, sizeof(want));
	assert_int_equal(rv_ctlpkt_parse_body(&b, RV_OP_CONTROL_V1, 0, &q), 0);
	assert_int_equal(q.acks[0], 1);
	assert_int_equal(q.acks[1], 7);
	assert_int_equal(q.acks[2], 3);
	assert_int_equal(q.pid, 0xdeadbeef);
}

/* Everything the writer accepts reads back the same. */
static void
test_round_trip(void **state)
{
	static const uint8_t ops[] = {
		RV_OP_SOFT_RESET_V1, RV_OP_CONTROL_V1, RV_OP_ACK_V1, RV_OP_HARD_RESET_CLIENT_V2,
		RV_OP_HARD_RESET_SERVER_V2,
	};
	static const size_t lens[] = { 0, 1, 100, RV_WIRE_CTL_PAYLOAD_MAX };
	static uint8_t mem[MEM], payload[RV_WIRE_CTL_PAYLOAD_MAX];
	struct rv_ctlpkt p, q;
	struct rv_buf b;

	(void)state;
	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 7);
	for (size_t o = 0; o < sizeof(ops); o++)
		for (unsigned n = 0; n <= RV_WIRE_ACK_MAX; n++)
			for (size_t l = 0; l < sizeof(lens) / sizeof(lens[0]); l++) {
				bool ack = ops[o] == RV_OP_ACK_V1;

				if (ack && lens[l] > 0)
					continue;
				memset(&p, 0, sizeof(p));
				p.op = ops[o];
				p.key_id = (uint8_t)(n % 8);
				p.nacks = (uint8_t)n;
				for (unsigned a = 0; a < n; a++)
					p.acks[a] = 1000 * n + a;
				memset(p.ack_sid, (int)n + 1, sizeof(p.ack_sid));
				p.has_pid = !ack;
				p.pid = 77 + (uint32_t)n;
				rv_buf_init(&b, mem, sizeof(mem), HEADROOM);
				assert_int_equal(rv_buf_put(&b, payload, lens[l]), 0);
				assert_int_equal(rv_ctlpkt_prepend_body(&b, &p), 0);
				assert_int_equal(rv_buf_len(&b),
				    rv_ctlpkt_body_overhead(n, !ack) + lens[l]);
				assert_int_equal(rv_ctlpkt_parse_body(&b, p.op, p.key_id, &q), 0);
				assert_int_equal(q.op, p.op);
				assert_int_equal(q.key_id, p.key_id);
				assert_int_equal(q.nacks, p.nacks);
				assert_memory_equal(q.acks, p.acks, n * sizeof(p.acks[0]));
				if (n > 0)
					assert_memory_equal(q.ack_sid, p.ack_sid, 8);
				assert_int_equal(q.has_pid, p.has_pid);
				assert_int_equal(q.pid, ack ? 0 : p.pid);
				assert_buf_equal(&q.payload, payload, lens[l]);
			}
}

/* --- the first byte ---------------------------------------------------------------- */

static void
test_is_control(void **state)
{
	(void)state;
	for (unsigned op = 0; op < 32; op++) {
		bool want = op == 3 || op == 4 || op == 5 || op == 7 || op == 8 || op == 10 ||
		    op == 11;

		assert_int_equal(rv_ctlpkt_is_control((uint8_t)op), want);
	}
}

static void
test_first_byte(void **state)
{
	(void)state;
	/* wire facts 1: 0x38 client reset, 0x40 server reset, 0x20 + kid control */
	assert_int_equal(rv_ctlpkt_first_byte(RV_OP_HARD_RESET_CLIENT_V2, 0), 0x38);
	assert_int_equal(rv_ctlpkt_first_byte(RV_OP_HARD_RESET_SERVER_V2, 0), 0x40);
	assert_int_equal(rv_ctlpkt_first_byte(RV_OP_CONTROL_V1, 2), 0x22);
	assert_int_equal(rv_ctlpkt_first_byte(RV_OP_ACK_V1, 9), 0x29);
	assert_int_equal(rv_ctlpkt_opcode(0x5f), RV_OP_CONTROL_WKC_V1);
	assert_int_equal(rv_ctlpkt_key_id(0x5f), 7);
	assert_int_equal(rv_ctlpkt_opcode(0x48), RV_OP_DATA_V2);
	assert_int_equal(rv_ctlpkt_key_id(0x48), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kat_parse),
		cmocka_unit_test(test_kat_prepend),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_bad_bodies),
		cmocka_unit_test(test_payload_max),
		cmocka_unit_test(test_prepend_range),
		cmocka_unit_test(test_overhead),
		cmocka_unit_test(test_ack_order),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_is_control),
		cmocka_unit_test(test_first_byte),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
