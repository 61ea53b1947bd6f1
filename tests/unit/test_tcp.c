/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for tcp.c: the 16-bit length framing over a stream, the bounded
 * receive buffer and the bounded send queue. A connected AF_UNIX stream pair
 * stands in for TCP: the test writes raw bytes at one end and the connection
 * object reads the other (and the reverse for sending).
 */
#include "tcp.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "err.h"

enum { FRAME_MAX = 1600, SLOT = 2048, NSLOTS = 8 };

struct fixture {
	struct rv_tcp_conn c;
	int other;                  /* the test's end of the stream */
	struct rv_pktpool pool;
	struct rv_sockaddr peer;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	int sv[2];

	assert_non_null(f);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(rv_tcp_init(&f->c, FRAME_MAX, 0), 0);
	assert_int_equal(rv_pktpool_init(&f->pool, NSLOTS, SLOT), 0);
	f->peer.u.in4.sin_family = AF_INET;
	f->peer.u.in4.sin_port = htons(40000);
	f->peer.u.in4.sin_addr.s_addr = htonl(0xc0000201);
	f->peer.len = sizeof(f->peer.u.in4);
	rv_tcp_attach(&f->c, sv[0], &f->peer);
	f->other = sv[1];
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	rv_tcp_clear(&f->c);
	rv_pktpool_clear(&f->pool);
	close(f->other);
	free(f);
	return 0;
}

static void
reset_slots(struct fixture *f)
{
	for (unsigned i = 0; i < f->pool.n; i++)
		rv_pkt_reset(&f->pool.pkts[i], 0);
}

static void
put_raw(struct fixture *f, const uint8_t *b, size_t n)
{
	assert_int_equal(write(f->other, b, n), (ssize_t)n);
}

/* A frame: 2-byte length, then len bytes of value fill. */
static size_t
frame(uint8_t *out, uint16_t len, uint8_t fill)
{
	out[0] = (uint8_t)(len >> 8);
	out[1] = (uint8_t)len;
	memset(out + 2, fill, len);
	return (size_t)len + 2;
}

static unsigned
recv_some(struct fixture *f, unsigned max, int expect)
{
	unsigned got = 99;

	reset_slots(f);
	assert_int_equal(rv_tcp_recv(&f->c, f->pool.pkts, max, &got), expect);
	return got;
}

static void
assert_pkt(const struct rv_pkt *p, size_t len, uint8_t fill)
{
	const uint8_t *d = rv_buf_data(&p->buf);

	assert_false(p->truncated);
	assert_int_equal(rv_buf_len(&p->buf), len);
	for (size_t i = 0; i < len; i++)
		assert_int_equal(d[i], fill);
	assert_int_equal(rv_addr_family(&p->addr), AF_INET);
}

/* One frame arriving a byte at a time appears only once it is complete. */
static void
test_split_across_reads(void **state)
{
	struct fixture *f = *state;
	uint8_t b[64];
	size_t n = frame(b, 40, 0xab);

	for (size_t i = 0; i + 1 < n; i++) {
		put_raw(f, &b[i], 1);
		assert_int_equal(recv_some(f, NSLOTS, 0), 0);
	}
	put_raw(f, &b[n - 1], 1);
	assert_int_equal(recv_some(f, NSLOTS, 0), 1);
	assert_pkt(&f->pool.pkts[0], 40, 0xab);
	assert_true(rv_addr_equal(&f->pool.pkts[0].addr, &f->peer));
	assert_int_equal(f->c.rx_frames, 1);
	assert_true(rv_tcp_is_open(&f->c));
}

/* The length prefix itself split: one byte, then the rest. */
static void
test_split_length(void **state)
{
	struct fixture *f = *state;
	uint8_t b[600];
	size_t n = frame(b, 513, 0x11);

	put_raw(f, b, 1);
	assert_int_equal(recv_some(f, NSLOTS, 0), 0);
	put_raw(f, b + 1, n - 1);
	assert_int_equal(recv_some(f, NSLOTS, 0), 1);
	assert_pkt(&f->pool.pkts[0], 513, 0x11);
}

/* Several frames in one write come out as several packets, and a frame cut
 * at the end of a read is completed by the next. */
static void
test_several_in_one_read(void **state)
{
	struct fixture *f = *state;
	uint8_t b[4096];
	size_t n = 0;

	n += frame(b + n, 1, 0x01);
	n += frame(b + n, 1500, 0x02);
	n += frame(b + n, 100, 0x03);
	n += frame(b + n, 200, 0x04);
	put_raw(f, b, n - 50);
	assert_int_equal(recv_some(f, NSLOTS, 0), 3);
	assert_pkt(&f->pool.pkts[0], 1, 0x01);
	assert_pkt(&f->pool.pkts[1], 1500, 0x02);
	assert_pkt(&f->pool.pkts[2], 100, 0x03);
	put_raw(f, b + n - 50, 50);
	assert_int_equal(recv_some(f, NSLOTS, 0), 1);
	assert_pkt(&f->pool.pkts[0], 200, 0x04);
}

/* More frames than slots: the rest stays buffered and comes out on the next
 * call even though the socket has nothing more. */
static void
test_more_frames_than_slots(void **state)
{
	struct fixture *f = *state;
	uint8_t b[1024];
	size_t n = 0;

	for (int i = 0; i < 5; i++)
		n += frame(b + n, 10, (uint8_t)i);
	put_raw(f, b, n);
	assert_int_equal(recv_some(f, 2, 0), 2);
	assert_pkt(&f->pool.pkts[1], 10, 1);
	assert_int_equal(recv_some(f, 2, 0), 2);
	assert_pkt(&f->pool.pkts[0], 10, 2);
	assert_int_equal(recv_some(f, 2, 0), 1);
	assert_pkt(&f->pool.pkts[0], 10, 4);
	assert_int_equal(recv_some(f, 2, 0), 0);
}

/* Length 0 and lengths above the maximum close the connection, counted;
 * frames before the bad one are still delivered. */
static void
test_bad_lengths(void **state)
{
	static const uint16_t bad[] = { 0, FRAME_MAX + 1, 0xffff };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct fixture *f;
		uint8_t b[64];
		size_t n;

		/* A fresh connection for each case. */
		teardown(state);
		setup(state);
		f = *state;
		n = frame(b, 5, 0x55);
		b[n] = (uint8_t)(bad[i] >> 8);
		b[n + 1] = (uint8_t)bad[i];
		memset(b + n + 2, 0x66, 10);
		put_raw(f, b, n + 12);
		assert_int_equal(recv_some(f, NSLOTS, RV_ERR_SYSTEM), 1);
		assert_pkt(&f->pool.pkts[0], 5, 0x55);
		assert_int_equal(f->c.why, RV_TCP_WHY_BAD_LENGTH);
		assert_int_equal(f->c.bad_frames, 1);
		assert_false(rv_tcp_is_open(&f->c));
		assert_int_equal(f->c.fd, -1);
		/* Closed stays closed. */
		assert_int_equal(recv_some(f, NSLOTS, RV_ERR_SYSTEM), 0);
	}
}

/* The largest frame is accepted; one larger than its slot is flagged. */
static void
test_max_frame_and_truncation(void **state)
{
	struct fixture *f = *state;
	static uint8_t b[2 * FRAME_MAX];
	unsigned got = 0;

	put_raw(f, b, frame(b, FRAME_MAX, 0x77));
	assert_int_equal(recv_some(f, NSLOTS, 0), 1);
	assert_pkt(&f->pool.pkts[0], FRAME_MAX, 0x77);
	/* A slot of 100 bytes for a 200-byte frame. */
	put_raw(f, b, frame(b, 200, 0x78));
	rv_buf_init(&f->pool.pkts[0].buf, f->pool.pkts[0].mem, 100, 0);
	assert_int_equal(rv_tcp_recv(&f->c, f->pool.pkts, 1, &got), 0);
	assert_int_equal(got, 1);
	assert_true(f->pool.pkts[0].truncated);
	assert_true(rv_tcp_is_open(&f->c));
}

static void
test_eof(void **state)
{
	struct fixture *f = *state;
	uint8_t b[16];

	put_raw(f, b, frame(b, 3, 0x01));
	put_raw(f, b, 1);     /* half a length, then the end */
	shutdown(f->other, SHUT_WR);
	assert_int_equal(recv_some(f, NSLOTS, RV_ERR_SYSTEM), 1);
	assert_int_equal(f->c.why, RV_TCP_WHY_EOF);
}

/* Reads n bytes from the test's end. */
static void
get_raw(struct fixture *f, uint8_t *b, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(f->other, b + got, n - got);

		assert_true(r > 0);
		got += (size_t)r;
	}
}

/* Sent packets arrive framed and intact, also across the ring's end. */
static void
test_send_framing(void **state)
{
	struct fixture *f = *state;
	uint8_t data[1500], b[1502];

	for (int round = 0; round < 300; round++) {
		size_t len = 1 + (size_t)(round * 37) % 1500;

		memset(data, round & 0xff, len);
		assert_int_equal(rv_tcp_send(&f->c, data, len, false), 0);
		get_raw(f, b, len + 2);
		assert_int_equal((b[0] << 8) | b[1], len);
		assert_memory_equal(b + 2, data, len);
	}
	assert_int_equal(rv_tcp_queued(&f->c), 0);
	assert_int_equal(f->c.tx_frames, 300);
	assert_int_equal(rv_tcp_send(&f->c, data, 0, false), RV_ERR_RANGE);
	assert_int_equal(rv_tcp_send(&f->c, data, FRAME_MAX + 1, false), RV_ERR_RANGE);
}

/* A peer that does not read: the queue fills to its bound and no further;
 * data is refused (counted) while control packets still fit in the reserve;
 * once the peer reads, everything arrives in order. */
static void
test_send_queue_full(void **state)
{
	struct fixture *f = *state;
	static uint8_t data[1000], b[1 << 20];
	int sz = 4096;
	unsigned sent = 0, ctl = 0;
	size_t total = 0, got = 0;
	int r;

	setsockopt(f->c.fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	setsockopt(f->other, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	memset(data, 0x5a, sizeof(data));
	while ((r = rv_tcp_send(&f->c, data, sizeof(data), false)) == 0) {
		sent++;
		total += sizeof(data) + 2;
		assert_true(sent < 100000);
	}
	assert_int_equal(r, RV_ERR_AGAIN);
	assert_int_equal(f->c.queue_full, 1);
	assert_true(rv_tcp_queued(&f->c) <= f->c.tx_cap);
	assert_true(rv_tcp_queued(&f->c) > f->c.tx_cap - RV_TCP_CTL_RESERVE - 1100);
	assert_int_equal(rv_tcp_room(&f->c) < sizeof(data) + 2, 1);
	/* The reserve takes a few control packets, then it is full too. */
	while (rv_tcp_send(&f->c, data, 100, true) == 0) {
		ctl++;
		total += 102;
	}
	assert_true(ctl >= RV_TCP_CTL_RESERVE / 102 - 1);
	assert_int_equal(f->c.queue_full, 2);
	/* Drain: every byte arrives, frames intact. */
	while (got < total) {
		ssize_t n = read(f->other, b + got, sizeof(b) - got);

		assert_true(n > 0);
		got += (size_t)n;
		rv_tcp_flush(&f->c);
	}
	assert_int_equal(rv_tcp_flush(&f->c), 0);
	assert_int_equal(got, total);
	for (size_t at = 0, i = 0; at < total; i++) {
		size_t len = (size_t)(b[at] << 8 | b[at + 1]);

		assert_int_equal(len, i < sent ? sizeof(data) : 100);
		at += len + 2;
	}
}

/* Batches queue what fits, skip bad lengths and report the rest. */
static void
test_send_batch(void **state)
{
	struct fixture *f = *state;
	uint8_t b[4096];
	unsigned queued = 0;

	for (unsigned i = 0; i < 3; i++) {
		rv_pkt_reset(&f->pool.pkts[i], 0);
		rv_buf_put(&f->pool.pkts[i].buf, "abcdefgh", i == 1 ? 0 : 8);
	}
	assert_int_equal(rv_tcp_send_batch(&f->c, f->pool.pkts, 3, &queued), 0);
	assert_int_equal(queued, 3);
	get_raw(f, b, 20);
	assert_memory_equal(b, "\x00\x08" "abcdefgh" "\x00\x08" "abcdefgh", 20);
}

/* Sending on a closed connection fails; a peer that went away closes it. */
static void
test_send_closed(void **state)
{
	struct fixture *f = *state;
	uint8_t data[100] = { 0 };

	close(f->other);
	f->other = -1;
	f->other = socket(AF_UNIX, SOCK_STREAM, 0);
	/* The first write may still succeed; then EPIPE closes, no SIGPIPE. */
	for (int i = 0; i < 10 && rv_tcp_is_open(&f->c); i++)
		rv_tcp_send(&f->c, data, sizeof(data), false);
	assert_false(rv_tcp_is_open(&f->c));
	assert_int_equal(f->c.why, RV_TCP_WHY_ERROR);
	assert_int_equal(rv_tcp_send(&f->c, data, sizeof(data), false), RV_ERR_SYSTEM);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_split_across_reads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_split_length, setup, teardown),
		cmocka_unit_test_setup_teardown(test_several_in_one_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_more_frames_than_slots, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_lengths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_max_frame_and_truncation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_eof, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_framing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_queue_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_closed, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
