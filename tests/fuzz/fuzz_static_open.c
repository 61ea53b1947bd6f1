/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz_static_open: static-key data packets through the receive path of
 * peer.c: rv_crypto_open(), the replay window, then the keepalive and OCC
 * recognisers, and rv_occ_compare() for an OCC_REPLY.
 *
 * Input layout:
 *   byte 0   mode
 *              bits 0-1  context: 0 (and 3) AES-256-CBC + HMAC-SHA256,
 *                        1 AES-256-CBC without HMAC, 2 cipher and auth none
 *              bit 2     seal each record with the peer's context first, then
 *                        open it: the round trip must give back the record
 *                        and the packet id the peer used (abort otherwise)
 *              bit 3     with bit 2: the peer starts just below packet id
 *                        2^32, so sealing wraps to a new time sequence
 *   byte 1   replay window: bits 0-2 size, bits 3-4 backtrack seconds,
 *            bit 7 --no-replay: no window, and (as peer.c sets up with
 *            rv_crypto_set_packet_id()) no packet id in the packets
 *   then records, each [u16 length, big-endian] [u8 seconds to advance the
 *   replay clock] [length bytes of packet or payload]; a short last record
 *   takes what is left.
 *
 * Random bytes almost never carry a valid HMAC, so without the round trip
 * only the HMAC check of context 0 would be reached. Context 1 takes garbage
 * straight to CBC decryption and the padding check; context 2 straight to
 * the packet id and the payload recognisers.
 *
 * Each record gets its own allocation of exactly the size needed, so ASan
 * sees a write past the headroom or tailroom the API promises to respect.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "crypto.h"
#include "keyfile.h"
#include "ping.h"
#include "replay.h"
#include "wire.h"

enum {
	NCTX = 3,
	RX_HEADROOM = 128,          /* as daemon.c gives received packets */
	SEND_TIME = 1700000000,     /* the peer's packet-id time, fixed per input */
};

#define CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
		abort(); \
	} \
} while (0)

static const char *const ctx_names[NCTX][2] = {
	{ "AES-256-CBC", "SHA256" },
	{ "AES-256-CBC", "none" },
	{ "none", "none" },
};

static const uint32_t windows[8] = { 64, 0, 1, 2, 5, 32, 100, 1024 };
static const uint32_t backtracks[4] = { 15, 0, 1, 5 };

/* local opens what peer seals: key direction 0 here, 1 there. */
static struct rv_crypto local[NCTX], peer[NCTX];
static char occ_expected[RV_WIRE_OCC_STRING_MAX];

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

/* The open-aes-* seeds were sealed with the peer's half of this key: change
 * it and they stop authenticating (the fuzzer still works, from the
 * round-trip seeds). */
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
	const struct rv_key *ls, *lr, *ps, *pr;
	struct rv_occ_params op = {
		.link_mtu = 1557, .tun_mtu = 1500, .ifconfig = true,
		.ifconfig_local = "10.8.0.1", .ifconfig_remote = "10.8.0.2",
		.keydir = RV_KEYDIR_NORMAL, .cipher = "AES-256-CBC", .auth = "SHA256",
		.keysize = 256, .secret = true,
	};
	struct rv_key2 k;

	(void)argc, (void)argv;
	fixed_key(&k);
	CHECK(rv_key2_select(&k, RV_KEYDIR_NORMAL, &ls, &lr) == 0);
	CHECK(rv_key2_select(&k, RV_KEYDIR_INVERSE, &ps, &pr) == 0);
	for (int i = 0; i < NCTX; i++) {
		CHECK(rv_crypto_init_static(&local[i], ctx_names[i][0], ctx_names[i][1], ls,
		    lr) == 0);
		CHECK(rv_crypto_init_static(&peer[i], ctx_names[i][0], ctx_names[i][1], ps,
		    pr) == 0);
	}
	rv_key2_wipe(&k);
	/* What this side expects from its peer, as peer.c compares it. */
	rv_occ_options_string(&op, true, occ_expected);
	return 0;
}

static void
occ_diff(void *arg, const char *key, const char *mine, const char *theirs)
{
	CHECK(key != NULL && key[0] != '\0');
	CHECK(mine != NULL || theirs != NULL);
	CHECK(strlen(key) < RV_WIRE_OCC_STRING_MAX);
	(*(int *)arg)++;
}

/* The payload recognisers, as rv_peer_receive() and handle_occ() use them. */
static void
payload(struct rv_buf *b)
{
	char got[RV_WIRE_OCC_STRING_MAX];
	uint8_t type;
	int ndiff = 0;

	if (rv_ping_is_keepalive(b)) {
		CHECK(rv_buf_len(b) == RV_WIRE_PING_LEN);
		return;
	}
	if (!rv_occ_is_occ(b))
		return;
	if (rv_occ_parse(b, &type) != 0)
		return;
	CHECK(type < RV_OCC_TYPE_MAX);
	if (type != RV_OCC_REPLY || rv_occ_get_string(b, got) != 0)
		return;
	CHECK(strlen(got) < RV_WIRE_OCC_STRING_MAX);
	for (size_t i = 0; got[i] != '\0'; i++)
		CHECK(got[i] >= 0x20 && got[i] <= 0x7e);
	CHECK(rv_occ_compare(occ_expected, got, occ_diff, &ndiff) == ndiff);
	if (strcmp(occ_expected, got) == 0)
		CHECK(ndiff == 0);
}

/* What follows authentication: replay window, then the payload. */
static void
received(struct rv_replay *rp, struct rv_buf *b, const struct rv_pid *pid, uint64_t now)
{
	bool newest;

	if (rv_replay_accept(rp, pid, now, &newest) != 0) {
		CHECK(!rp->disabled);
		return;
	}
	if (!rp->disabled) {
		/* The header's promises: id 0 never, and each packet only once. */
		CHECK(pid->id != 0);
		CHECK(rv_replay_accept(rp, pid, now, NULL) != 0);
	}
	payload(b);
}

/* Seals rec with the peer's context, opens it with ours, checks the result. */
static void
round_trip(int ctx, struct rv_buf *b, const uint8_t *rec, size_t n, struct rv_pid *pid)
{
	struct rv_crypto *pc = &peer[ctx];
	struct rv_pid want;
	int r;

	CHECK(rv_buf_put(b, rec, n) == 0);
	r = rv_crypto_seal(pc, b);
	if (r != 0) {
		fprintf(stderr, "seal of %zu bytes failed: %d\n", n, r);
		abort();
	}
	CHECK(rv_buf_len(b) <= n + rv_crypto_overhead(pc));
	want.id = pc->with_pid ? pc->send_id : 0;
	want.time = pc->with_pid ? pc->send_time : 0;
	r = rv_crypto_open(&local[ctx], b, pid);
	if (r != 0) {
		fprintf(stderr, "open of a sealed %zu-byte payload failed: %d\n", n, r);
		abort();
	}
	CHECK(pid->id == want.id && pid->time == want.time);
	CHECK(rv_buf_len(b) == n);
	CHECK(n == 0 || memcmp(rv_buf_data(b), rec, n) == 0);
}

/* One record: a packet to open, or a payload to seal and open. */
static void
record(int ctx, bool seal, struct rv_replay *rp, const uint8_t *rec, size_t n,
    uint64_t now)
{
	const struct rv_crypto *pc = &peer[ctx];
	size_t head, tail, cap;
	struct rv_pid pid = { 0, 0 };
	struct rv_buf b;
	uint8_t *mem;
	int r;

	/* Sealing gets exactly the room rv_crypto_seal() documents; a received
	 * packet the headroom of daemon.c and no tailroom at all. */
	head = seal ? rv_crypto_overhead(pc) : RX_HEADROOM;
	tail = seal && pc->block_len > 1 ? pc->block_len : 0;
	cap = head + n + tail;
	mem = malloc(cap);
	CHECK(mem != NULL);
	rv_buf_init(&b, mem, cap, head);
	if (seal) {
		round_trip(ctx, &b, rec, n, &pid);
		r = 0;
	} else {
		CHECK(rv_buf_put(&b, rec, n) == 0);
		r = rv_crypto_open(&local[ctx], &b, &pid);
		if (r == 0)
			CHECK(rv_buf_len(&b) + (local[ctx].with_pid ? 8 : 0) <= n);
	}
	if (r == 0)
		received(rp, &b, &pid, now);
	free(mem);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	const uint8_t *mode, *rcfg, *hdr, *rec;
	struct rv_replay rp;
	uint64_t now = 1000;
	bool seal, no_replay;
	int ctx;

	if (!take(&in, 1, &mode) || !take(&in, 1, &rcfg))
		return 0;
	ctx = (*mode & 3) % NCTX;
	seal = (*mode & 4) != 0;
	no_replay = (*rcfg & 0x80) != 0;
	rv_crypto_set_packet_id(&local[ctx], !no_replay);
	rv_crypto_set_packet_id(&peer[ctx], !no_replay);
	/* The peer's packet ids start afresh with each input, so that an input
	 * replays the same way every time (only the random IVs differ). */
	peer[ctx].send_time = SEND_TIME;
	peer[ctx].send_id = seal && (*mode & 8) ? UINT32_MAX - 2 : 0;
	CHECK(rv_replay_init(&rp, windows[*rcfg & 7], backtracks[(*rcfg >> 3) & 3],
	    no_replay) == 0);
	while (take(&in, 3, &hdr)) {
		size_t n = (size_t)hdr[0] << 8 | hdr[1];

		if (n > in.n)
			n = in.n;
		take(&in, n, &rec);
		now += hdr[2];
		record(ctx, seal, &rp, rec, n, now);
	}
	rv_replay_clear(&rp);
	return 0;
}
