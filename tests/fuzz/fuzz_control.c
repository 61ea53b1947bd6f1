/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz_control: received control packets through rv_wrap_open() and
 * rv_ctlpkt_parse_body(), as the session code uses them, and the sending
 * side (rv_ctlpkt_prepend_body(), rv_wrap_seal()) in a round trip.
 *
 * Input layout:
 *   byte 0   mode
 *              bits 0-1  wrap: 0 (and 3) none, 1 tls-auth SHA256, 2 tls-crypt,
 *                        keyed with the bytes 00..ff (the key of the
 *                        captures in tests/unit/test_wrap.c); this side is
 *                        the TLS client (tls-auth key direction 1)
 *              bit 2     round trip: each record describes a body, which the
 *                        peer (the TLS server) builds and seals and this side
 *                        opens and parses; everything must come back as it
 *                        went in (abort otherwise)
 *   then records, each [u16 length, big-endian] [u8 seconds to advance the
 *   replay clock] [length bytes]; a short last record takes what is left.
 *   Without bit 2 a record is a whole packet. With bit 2 it is
 *     [1] op|kid [1] flags: bits 0-3 ack count (9..15 are refused), bit 4
 *     gets has_pid wrong for the opcode; [8] sid [8] echoed sid [4] message
 *     id [32] eight ack ids, then the payload (missing header bytes are 0).
 *
 * Checked always: rv_wrap_peek_head() agrees with rv_wrap_open(); a refused
 * packet leaves its buffer and the replay window exactly as they were; an
 * opened packet lost exactly head and wrap overhead; a body that parses
 * writes back to the same bytes.
 *
 * Random bytes almost never carry a valid HMAC or tag, so rv_ctlpkt_parse_body
 * is reached mostly through wrap none, the round trip and the seeds (packets
 * openvpn 2.6.14 sent to the TLS client in the captures).
 *
 * Each record gets its own allocation of exactly the size needed, so ASan
 * sees any access outside what the API promises to touch.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ctlpkt.h"
#include "err.h"
#include "keyfile.h"
#include "replay.h"
#include "wire.h"
#include "wrap.h"

enum {
	NCTX = 3,
	HEAD = 1 + RV_WIRE_SID_LEN,
	DESC_LEN = 1 + 1 + 8 + 8 + 4 + 4 * RV_WIRE_ACK_MAX,
	BODY_MAX = 1 + 4 * RV_WIRE_ACK_MAX + RV_WIRE_SID_LEN + 4,
	SEND_TIME = 1700000000,     /* the peer's replay time, fixed per input */
	WINDOW = 64,
	BACKTRACK = 15,
};

#define CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
		abort(); \
	} \
} while (0)

/* local opens what peer seals. */
static struct rv_wrap local[NCTX], peer[NCTX];

struct input {
	const uint8_t *p;
	size_t n;
};

static bool
take(struct input *in, size_t n, const uint8_t **out)
{
	if (in->n < n)
		return false;
	*out = in->p;
	in->p += n;
	in->n -= n;
	return true;
}

/* The capture's key: change it and the captured seeds stop verifying. */
static void
fixed_key(struct rv_key2 *k)
{
	memset(k, 0, sizeof(*k));
	k->n = 2;
	for (int i = 0; i < RV_KEY_SLOT_LEN; i++) {
		k->keys[0].cipher[i] = (uint8_t)i;
		k->keys[0].hmac[i] = (uint8_t)(0x40 + i);
		k->keys[1].cipher[i] = (uint8_t)(0x80 + i);
		k->keys[1].hmac[i] = (uint8_t)(0xc0 + i);
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct rv_key2 k;

	(void)argc, (void)argv;
	fixed_key(&k);
	rv_wrap_init_none(&local[0]);
	rv_wrap_init_none(&peer[0]);
	CHECK(rv_wrap_init_auth(&local[1], "SHA256", &k, RV_KEYDIR_INVERSE, WINDOW,
	    BACKTRACK) == 0);
	CHECK(rv_wrap_init_auth(&peer[1], "SHA256", &k, RV_KEYDIR_NORMAL, WINDOW,
	    BACKTRACK) == 0);
	CHECK(rv_wrap_init_crypt(&local[2], &k, false, WINDOW, BACKTRACK) == 0);
	CHECK(rv_wrap_init_crypt(&peer[2], &k, true, WINDOW, BACKTRACK) == 0);
	rv_key2_wipe(&k);
	return 0;
}

/* What rv_wrap_open() must leave alone when it refuses a packet. */
struct snapshot {
	bool started;
	uint32_t time, top;
	uint8_t seen[WINDOW];
	uint32_t since[WINDOW];
};

static void
snap(const struct rv_wrap *w, struct snapshot *s)
{
	memset(s, 0, sizeof(*s));
	if (w->mode == RV_WRAP_NONE)
		return;
	s->started = w->replay.started;
	s->time = w->replay.time;
	s->top = w->replay.top;
	memcpy(s->seen, w->replay.seen, sizeof(s->seen));
	memcpy(s->since, w->replay.since, sizeof(s->since));
}

/* A body that parsed writes back to the same bytes. */
static void
rewrite(const struct rv_ctlpkt *p, const struct rv_buf *body)
{
	size_t over = rv_ctlpkt_body_overhead(p->nacks, p->has_pid);
	size_t n = rv_buf_len(&p->payload);
	uint8_t *mem = malloc(over + n + 1);
	struct rv_buf b;

	CHECK(mem != NULL);
	rv_buf_init(&b, mem, over + n, over);
	CHECK(rv_buf_put(&b, rv_buf_data(&p->payload), n) == 0);
	CHECK(rv_ctlpkt_prepend_body(&b, p) == 0);
	CHECK(rv_buf_len(&b) == rv_buf_len(body));
	CHECK(memcmp(rv_buf_data(&b), rv_buf_data(body), rv_buf_len(body)) == 0);
	free(mem);
}

static void
parse(struct rv_buf *body, uint8_t first)
{
	struct rv_buf whole = *body;
	struct rv_ctlpkt p;
	uint8_t op = rv_ctlpkt_opcode(first);
	int r;

	r = rv_ctlpkt_parse_body(body, op, rv_ctlpkt_key_id(first), &p);
	if (r != 0) {
		CHECK(r == RV_ERR_SHORT || r == RV_ERR_FORMAT);
		CHECK(rv_buf_len(body) == rv_buf_len(&whole));
		return;
	}
	CHECK(rv_ctlpkt_is_control(op) && p.op == op);
	CHECK(p.nacks <= RV_WIRE_ACK_MAX);
	CHECK(p.has_pid == (op != RV_OP_ACK_V1));
	CHECK(rv_buf_len(&p.payload) <= RV_WIRE_CTL_PAYLOAD_MAX);
	CHECK(p.has_pid || rv_buf_len(&p.payload) == 0);
	CHECK(rv_buf_len(body) == 0);
	rewrite(&p, &whole);
}

/* One received packet. */
static void
receive(struct rv_wrap *w, const uint8_t *rec, size_t n, uint64_t now)
{
	uint8_t *mem = malloc(n + 1), first, sid[RV_WIRE_SID_LEN], pfirst, psid[RV_WIRE_SID_LEN];
	struct snapshot before, after;
	struct rv_buf b;
	int r, pr;

	CHECK(mem != NULL);
	rv_buf_init(&b, mem, n, 0);
	CHECK(rv_buf_put(&b, rec, n) == 0);
	pr = rv_wrap_peek_head(&b, &pfirst, psid);
	CHECK(pr == (n < HEAD ? RV_ERR_SHORT : 0));
	snap(w, &before);
	r = rv_wrap_open(w, &b, &first, sid, now);
	if (r != 0) {
		CHECK(r == RV_ERR_SHORT || r == RV_ERR_AUTH || r == RV_ERR_REPLAY);
		snap(w, &after);
		CHECK(memcmp(&before, &after, sizeof(before)) == 0);
		CHECK(rv_buf_len(&b) == n && (n == 0 || memcmp(rv_buf_data(&b), rec, n) == 0));
	} else {
		CHECK(pr == 0 && first == pfirst && memcmp(sid, psid, sizeof(sid)) == 0);
		CHECK(rv_buf_len(&b) == n - HEAD - rv_wrap_overhead(w));
		parse(&b, first);
	}
	free(mem);
}

/* The body a round-trip record describes; false if prepend must refuse it. */
static bool
describe(const uint8_t d[static DESC_LEN], size_t payload_len, struct rv_ctlpkt *p,
    uint8_t sid[static RV_WIRE_SID_LEN])
{
	struct rv_buf in;
	bool ack;

	memset(p, 0, sizeof(*p));
	rv_buf_init_ro(&in, d, DESC_LEN);
	CHECK(rv_buf_get_u8(&in, &p->op) == 0);
	p->key_id = rv_ctlpkt_key_id(p->op);
	p->op = rv_ctlpkt_opcode(p->op);
	CHECK(rv_buf_get_u8(&in, &p->nacks) == 0);
	ack = p->op == RV_OP_ACK_V1;
	p->has_pid = !ack ^ ((p->nacks & 0x10) != 0);
	p->nacks &= 0x0f;
	CHECK(rv_buf_get(&in, sid, RV_WIRE_SID_LEN) == 0);
	CHECK(rv_buf_get(&in, p->ack_sid, RV_WIRE_SID_LEN) == 0);
	CHECK(rv_buf_get_u32(&in, &p->pid) == 0);
	for (unsigned i = 0; i < RV_WIRE_ACK_MAX; i++)
		CHECK(rv_buf_get_u32(&in, &p->acks[i]) == 0);
	return rv_ctlpkt_is_control(p->op) && p->nacks <= RV_WIRE_ACK_MAX &&
	    p->has_pid == !ack && payload_len <= (ack ? 0 : (size_t)RV_WIRE_CTL_PAYLOAD_MAX);
}

static void
check_same(const struct rv_ctlpkt *p, const struct rv_ctlpkt *q, const uint8_t *payload,
    size_t n)
{
	CHECK(q->op == p->op && q->key_id == p->key_id && q->nacks == p->nacks);
	CHECK(memcmp(q->acks, p->acks, p->nacks * sizeof(p->acks[0])) == 0);
	CHECK(p->nacks == 0 || memcmp(q->ack_sid, p->ack_sid, RV_WIRE_SID_LEN) == 0);
	CHECK(q->has_pid == p->has_pid && (!p->has_pid || q->pid == p->pid));
	CHECK(rv_buf_len(&q->payload) == n);
	CHECK(n == 0 || memcmp(rv_buf_data(&q->payload), payload, n) == 0);
}

/* Peer builds and seals, we open and parse. */
static void
round_trip(int ctx, const uint8_t *rec, size_t n, uint64_t now)
{
	uint8_t desc[DESC_LEN] = { 0 }, sid[RV_WIRE_SID_LEN], got_sid[RV_WIRE_SID_LEN], first;
	size_t head, plen = n > DESC_LEN ? n - DESC_LEN : 0;
	const uint8_t *payload = rec + (n - plen);
	struct rv_ctlpkt p, q;
	struct rv_buf b;
	uint8_t *mem;
	bool ok;
	int r;

	memcpy(desc, rec, n < DESC_LEN ? n : DESC_LEN);
	ok = describe(desc, plen, &p, sid);
	/* exactly the headroom the two overheads promise */
	head = BODY_MAX + HEAD + rv_wrap_overhead(&peer[ctx]);
	mem = malloc(head + plen + 1);
	CHECK(mem != NULL);
	rv_buf_init(&b, mem, head + plen, head);
	CHECK(rv_buf_put(&b, payload, plen) == 0);
	r = rv_ctlpkt_prepend_body(&b, &p);
	CHECK(r == (ok ? 0 : RV_ERR_RANGE));
	if (r == 0) {
		first = rv_ctlpkt_first_byte(p.op, p.key_id);
		CHECK(rv_wrap_seal(&peer[ctx], &b, first, sid) == 0);
		CHECK(rv_buf_len(&b) == HEAD + rv_wrap_overhead(&peer[ctx]) +
		    rv_ctlpkt_body_overhead(p.nacks, p.has_pid) + plen);
		first = 0;
		r = rv_wrap_open(&local[ctx], &b, &first, got_sid, now);
		CHECK(r == 0);
		CHECK(first == rv_ctlpkt_first_byte(p.op, p.key_id));
		CHECK(memcmp(got_sid, sid, sizeof(sid)) == 0);
		CHECK(rv_ctlpkt_parse_body(&b, p.op, p.key_id, &q) == 0);
		check_same(&p, &q, payload, plen);
	}
	free(mem);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	const uint8_t *mode, *hdr, *rec;
	uint64_t now = 1000;
	bool seal;
	int ctx;

	if (!take(&in, 1, &mode))
		return 0;
	ctx = (*mode & 3) % NCTX;
	seal = (*mode & 4) != 0;
	/* Every input starts from fresh counters and an empty window, so that
	 * it runs the same way every time. */
	if (ctx != 0) {
		rv_replay_reset(&local[ctx].replay);
		peer[ctx].send_counter = 0;
		peer[ctx].send_time = SEND_TIME;
	}
	while (take(&in, 3, &hdr)) {
		size_t n = (size_t)hdr[0] << 8 | hdr[1];

		if (n > in.n)
			n = in.n;
		take(&in, n, &rec);
		now += hdr[2];
		if (seal)
			round_trip(ctx, rec, n, now);
		else
			receive(&local[ctx], rec, n, now);
	}
	return 0;
}
