/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz_tcp: the input as a TCP byte stream through rv_tcp_recv(). The first
 * byte picks the chunk size the stream arrives in (1..32 bytes, or all at
 * once) and the number of packet slots per call; the rest is the stream,
 * written into one end of a stream socket pair. Checks the contract: every
 * delivered frame is 1..frame_max bytes and equals the stream's bytes at
 * that point (behind a length prefix that says so); the connection closes
 * exactly when a length is 0 or above the maximum, or at the end of the
 * stream; nothing is delivered after it closed.
 *
 *   ./fuzz_tcp -max_total_time=60 /tmp/corpus-tcp
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "err.h"
#include "tcp.h"

enum { FRAME_MAX = 300, SLOT = 512, NSLOTS = 4 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct state {
	const uint8_t *stream;
	size_t len, checked;         /* bytes accounted for by delivered frames */
};

static void
check_frames(struct state *st, struct rv_pktpool *pool, unsigned got)
{
	for (unsigned i = 0; i < got; i++) {
		const struct rv_pkt *p = &pool->pkts[i];
		size_t n = rv_buf_len(&p->buf);
		size_t at = st->checked;

		if (p->truncated || n == 0 || n > FRAME_MAX || at + 2 + n > st->len)
			abort();
		if ((size_t)(st->stream[at] << 8 | st->stream[at + 1]) != n)
			abort();
		if (memcmp(rv_buf_data(&p->buf), st->stream + at + 2, n) != 0)
			abort();
		st->checked += 2 + n;
	}
}

/* The end of the last complete frame before the framing breaks (a bad
 * length) or the stream ends. */
static size_t
bad_at(const uint8_t *s, size_t len, bool *bad)
{
	size_t at = 0;

	*bad = false;
	while (at + 2 <= len) {
		size_t n = (size_t)(s[at] << 8 | s[at + 1]);

		if (n == 0 || n > FRAME_MAX) {
			*bad = true;
			return at;
		}
		if (at + 2 + n > len)
			break;   /* the last frame is cut off by the end */
		at += 2 + n;
	}
	return at;
}

static void
drain(struct rv_tcp_conn *c, struct rv_pktpool *pool, unsigned slots, struct state *st)
{
	unsigned got;
	int r;

	do {
		for (unsigned i = 0; i < pool->n; i++)
			rv_pkt_reset(&pool->pkts[i], 0);
		r = rv_tcp_recv(c, pool->pkts, slots, &got);
		if (r != 0 && r != RV_ERR_SYSTEM)
			abort();
		check_frames(st, pool, got);
	} while (r == 0 && got == slots);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rv_sockaddr peer = { .len = 0 };
	struct rv_tcp_conn c;
	struct rv_pktpool pool;
	struct state st;
	size_t chunk, at = 0, good;
	unsigned slots;
	bool bad;
	int sv[2];

	if (size < 1 || size > 60000)
		return 0;
	chunk = data[0] & 0x1f ? (size_t)(data[0] & 0x1f) : size;
	slots = 1 + (data[0] >> 5) % NSLOTS;
	st = (struct state){ data + 1, size - 1, 0 };
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return 0;
	if (rv_tcp_init(&c, FRAME_MAX, 0) != 0 || rv_pktpool_init(&pool, NSLOTS, SLOT) != 0)
		abort();
	peer.u.sa.sa_family = AF_INET;
	peer.len = sizeof(peer.u.in4);
	rv_tcp_attach(&c, sv[0], &peer);
	while (at < st.len && rv_tcp_is_open(&c)) {
		size_t n = st.len - at < chunk ? st.len - at : chunk;

		if (write(sv[1], st.stream + at, n) != (ssize_t)n)
			abort();
		at += n;
		drain(&c, &pool, slots, &st);
	}
	shutdown(sv[1], SHUT_WR);
	drain(&c, &pool, slots, &st);
	good = bad_at(st.stream, st.len, &bad);
	/* Every complete frame before the break came out, and nothing else. */
	if (st.checked != good || rv_tcp_is_open(&c))
		abort();
	if (c.why != (bad ? RV_TCP_WHY_BAD_LENGTH : RV_TCP_WHY_EOF) || c.bad_frames != (bad ? 1 : 0))
		abort();
	rv_tcp_clear(&c);
	rv_pktpool_clear(&pool);
	close(sv[1]);
	return 0;
}
