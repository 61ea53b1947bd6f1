/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * session: one TLS session and its key exchanges (wire facts 2.6, 3, 5, 9;
 * draft sections "Control channel", "Key method 2", "Renegotiation"). The
 * states and timers are described in session.h.
 */
#include "session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "clock.h"
#include "control.h"
#include "ctlpkt.h"
#include "err.h"
#include "log.h"

enum {
	LAME = 1,                   /* ks[1]: the key being replaced */
	PKT_SIZE = 2048,
	PKT_HEADROOM = 128,
	ACKS_WITH_MESSAGE = RV_WIRE_ACK_PIGGYBACK,
	ACKS_ALONE = RV_WIRE_ACK_MAX,
};

struct rv_session {
	const struct rv_session_config *cfg;
	const struct rv_session_ops *ops;
	void *owner;
	struct rv_event *ev;
	struct rv_timer timer;
	uint8_t sid[RV_WIRE_SID_LEN];
	uint8_t peer_sid[RV_WIRE_SID_LEN];
	bool have_peer_sid;
	struct rv_wrap wrap;            /* --tls-auth / --tls-crypt / none */
	struct rv_wrap dyn;             /* dynamic tls-crypt for key ids > 0 */
	bool dyn_ready;
	struct rv_keystate ks[2];       /* [0] current, [1] lame duck */
	bool failed;
	uint8_t pkt[PKT_SIZE];          /* control packets are built here */
	uint8_t chunk[RV_REL_PAYLOAD_MAX];
};

static const char *const state_names[RV_KS__MAX] = {
	[RV_KS_NONE] = "none", [RV_KS_RESET] = "reset", [RV_KS_TLS] = "tls",
	[RV_KS_KEYEX] = "keyex", [RV_KS_ACTIVE] = "active", [RV_KS_FAILED] = "failed",
};

/* Allowed moves of a key exchange; everything may fail. */
static bool
transition_ok(enum rv_ks_state from, enum rv_ks_state to)
{
	switch (to) {
	case RV_KS_RESET:
		return from == RV_KS_NONE;
	case RV_KS_TLS:
		return from == RV_KS_RESET;
	case RV_KS_KEYEX:
		return from == RV_KS_TLS;
	case RV_KS_ACTIVE:
		return from == RV_KS_KEYEX;
	case RV_KS_FAILED:
		return from != RV_KS_NONE;
	default:
		return false;
	}
}

static void
set_state(struct rv_keystate *ks, enum rv_ks_state to)
{
	if (!transition_ok(ks->state, to)) {
		rv_log(RV_LOG_ERR, "key %u: invalid state change %s -> %s", ks->key_id,
		    state_names[ks->state], state_names[to]);
		to = RV_KS_FAILED;
	}
	rv_log(RV_LOG_DEBUG, "key %u: %s -> %s", ks->key_id, state_names[ks->state],
	    state_names[to]);
	ks->state = to;
}

static uint64_t
now_ns(const struct rv_session *s)
{
	return rv_event_now(s->ev);
}

static uint64_t
secs(int n)
{
	return rv_sec((uint64_t)(n > 0 ? n : 0));
}

/* --- key states ------------------------------------------------------------- */

static void
ks_clear(struct rv_keystate *ks)
{
	free(ks->rel);
	rv_tls_free(ks->tls);
	if (ks->km_local != NULL)
		rv_km2_wipe(ks->km_local);
	if (ks->km_remote != NULL)
		rv_km2_wipe(ks->km_remote);
	free(ks->km_local);
	free(ks->km_remote);
	if (ks->keys_ready)
		rv_crypto_clear(&ks->crypto);
	rv_replay_clear(&ks->replay);
	memset(ks, 0, sizeof(*ks));
}

/* Prepares ks for key id kid and queues our reset (hard or soft). */
static int
ks_start(struct rv_session *s, struct rv_keystate *ks, uint8_t kid)
{
	uint8_t op = kid != 0 ? RV_OP_SOFT_RESET_V1 : s->cfg->tls_server ?
	    RV_OP_HARD_RESET_SERVER_V2 : RV_OP_HARD_RESET_CLIENT_V2;
	uint32_t id;
	int r;

	memset(ks, 0, sizeof(*ks));
	ks->key_id = kid;
	ks->started = now_ns(s);
	ks->deadline = ks->started + secs(s->cfg->hand_window);
	ks->rel = malloc(sizeof(*ks->rel));
	if (ks->rel == NULL)
		return RV_ERR_NOMEM;
	rv_rel_init(ks->rel, secs(s->cfg->tls_timeout));
	if ((r = rv_replay_init(&ks->replay, s->cfg->replay_window, s->cfg->replay_time,
	    false)) != 0)
		return r;
	set_state(ks, RV_KS_RESET);
	return rv_rel_queue(ks->rel, op, NULL, 0, &id);
}

static struct rv_keystate *
find_ks(struct rv_session *s, uint8_t kid)
{
	for (int i = 0; i < 2; i++)
		if (s->ks[i].state != RV_KS_NONE && s->ks[i].key_id == kid)
			return &s->ks[i];
	return NULL;
}

static uint8_t
next_key_id(uint8_t kid)
{
	/* After 7 comes 1: key id 0 belongs to the first exchange only. */
	return kid >= RV_WIRE_KEY_ID_MASK ? 1 : kid + 1;
}

/* --- sending ----------------------------------------------------------------- */

/* Payload bytes that fit one control packet (wire facts 2.7). */
static size_t
payload_budget(const struct rv_session *s)
{
	size_t fixed = s->cfg->outer_overhead + 1 + RV_WIRE_SID_LEN +
	    rv_wrap_overhead(&s->wrap) + rv_ctlpkt_body_overhead(ACKS_WITH_MESSAGE, true);

	if (s->dyn_ready && rv_wrap_overhead(&s->dyn) > rv_wrap_overhead(&s->wrap))
		fixed += rv_wrap_overhead(&s->dyn) - rv_wrap_overhead(&s->wrap);
	return RV_WIRE_TLS_MTU - fixed;
}

/* Builds, wraps and hands one control packet to the owner. */
static int
send_packet(struct rv_session *s, struct rv_keystate *ks, uint8_t op, bool has_pid,
    uint32_t pid, const void *payload, size_t len)
{
	struct rv_ctlpkt h = { .op = op, .key_id = ks->key_id, .has_pid = has_pid, .pid = pid };
	struct rv_wrap *w = ks->key_id != 0 && s->dyn_ready ? &s->dyn : &s->wrap;
	struct rv_buf b;
	int r;

	rv_buf_init(&b, s->pkt, sizeof(s->pkt), PKT_HEADROOM);
	if ((r = rv_buf_put(&b, payload, len)) != 0)
		return r;
	if (s->have_peer_sid) {
		h.nacks = (uint8_t)rv_rel_take_acks(ks->rel, h.acks,
		    op == RV_OP_ACK_V1 ? ACKS_ALONE : ACKS_WITH_MESSAGE);
		memcpy(h.ack_sid, s->peer_sid, RV_WIRE_SID_LEN);
	}
	if ((r = rv_ctlpkt_prepend_body(&b, &h)) != 0 ||
	    (r = rv_wrap_seal(w, &b, rv_ctlpkt_first_byte(op, ks->key_id), s->sid)) != 0) {
		rv_log(RV_LOG_ERR, "cannot build a control packet: %s", rv_strerror(r));
		return r;
	}
	s->ops->send(s->owner, s, &b);
	return 0;
}

/* Moves TLS output into messages while the send window has room. */
static void
queue_tls_output(struct rv_session *s, struct rv_keystate *ks)
{
	size_t budget = payload_budget(s), n;
	uint32_t id;

	while (ks->tls != NULL && rv_tls_pending(ks->tls) > 0 && rv_rel_can_queue(ks->rel)) {
		if (rv_tls_take(ks->tls, s->chunk, budget, &n) != 0 || n == 0)
			break;
		rv_rel_queue(ks->rel, RV_OP_CONTROL_V1, s->chunk, n, &id);
	}
}

/* Sends what is due on ks: new and retransmitted messages, then a bare ack
 * if acks are still waiting. */
static void
flush(struct rv_session *s, struct rv_keystate *ks)
{
	const struct rv_rel_out *m;

	if (ks->state == RV_KS_NONE || ks->rel == NULL)
		return;
	queue_tls_output(s, ks);
	while ((m = rv_rel_next_due(ks->rel, now_ns(s))) != NULL) {
		/* Nothing but our reset goes out before the peer's session id is known. */
		if (!s->have_peer_sid && m->id != 0)
			break;
		if (send_packet(s, ks, m->op, true, m->id, m->data, m->len) != 0)
			break;
		rv_rel_sent(ks->rel, m, now_ns(s));
	}
	if (s->have_peer_sid && rv_rel_has_pending_acks(ks->rel))
		send_packet(s, ks, RV_OP_ACK_V1, false, 0, NULL, 0);
}

/* --- failure and timers ------------------------------------------------------ */

static void arm(struct rv_session *s);

static void
fail(struct rv_session *s, struct rv_keystate *ks, const char *why, bool auth)
{
	if (ks->state != RV_KS_FAILED)
		set_state(ks, RV_KS_FAILED);
	if (s->failed)
		return;
	s->failed = true;
	rv_timer_disarm(s->ev, &s->timer);
	s->ops->failed(s->owner, s, why, auth);
}

/* When ks is due to renegotiate by time: --reneg-sec after it started; a TLS
 * server takes off a random part (up to 10 %, or down to MIN with
 * --reneg-sec MAX MIN) so that the server usually starts it. */
static uint64_t
reneg_time(const struct rv_session *s, const struct rv_keystate *ks)
{
	const struct rv_session_config *c = s->cfg;
	uint64_t max = secs(c->reneg_sec), min = max;
	uint32_t r = 0;

	if (c->reneg_sec <= 0)
		return 0;
	if (c->tls_server)
		min = c->reneg_sec_min >= 0 ? secs(c->reneg_sec_min) : max - max / 10;
	if (max > min && RAND_bytes((unsigned char *)&r, sizeof(r)) == 1)
		max -= (uint64_t)r % (max - min);
	return ks->started + max;
}

static bool
reneg_due(const struct rv_session *s, const struct rv_keystate *ks, const char **why)
{
	const struct rv_session_config *c = s->cfg;

	if (ks->state != RV_KS_ACTIVE || !ks->keys_ready)
		return false;
	if (ks->reneg_at != 0 && now_ns(s) >= ks->reneg_at)
		*why = "reneg-sec";
	else if (c->reneg_bytes > 0 && ks->bytes >= c->reneg_bytes)
		*why = "reneg-bytes";
	else if (c->reneg_pkts > 0 && ks->packets >= c->reneg_pkts)
		*why = "reneg-pkts";
	else if (rv_crypto_send_id(&ks->crypto) >= RV_WIRE_PID_RENEG)
		*why = "packet id limit";
	else
		return false;
	return true;
}

static void
on_timer(void *arg)
{
	struct rv_session *s = arg;
	const char *why = NULL;

	for (int i = 0; i < 2 && !s->failed; i++) {
		struct rv_keystate *ks = &s->ks[i];

		if (ks->state == RV_KS_NONE)
			continue;
		if (i == LAME && ks->expires != 0 && now_ns(s) >= ks->expires) {
			rv_log(RV_LOG_NOTICE, "key %u: transition window over, dropped", ks->key_id);
			ks_clear(ks);
			continue;
		}
		if (ks->state != RV_KS_ACTIVE && ks->state != RV_KS_FAILED &&
		    now_ns(s) >= ks->deadline) {
			char msg[128];

			snprintf(msg, sizeof(msg), "TLS key negotiation failed to occur within %d "
			    "seconds (check your network connectivity)", s->cfg->hand_window);
			fail(s, ks, msg, false);
			return;
		}
		flush(s, ks);
	}
	if (!s->failed && reneg_due(s, &s->ks[0], &why))
		rv_session_renegotiate(s, why);
	arm(s);
}

/* Arms the timer for the earliest thing due. */
static void
arm(struct rv_session *s)
{
	uint64_t when = 0;

	if (s->failed)
		return;
	for (int i = 0; i < 2; i++) {
		const struct rv_keystate *ks = &s->ks[i];
		uint64_t t[4] = { 0 };

		if (ks->state == RV_KS_NONE)
			continue;
		t[0] = ks->rel != NULL ? rv_rel_next_timeout(ks->rel) : 0;
		t[1] = ks->state != RV_KS_ACTIVE ? ks->deadline : 0;
		t[2] = i == 0 ? ks->reneg_at : ks->expires;
		/* --reneg-bytes/-pkts and the packet-id limit: look once a second. */
		t[3] = i == 0 && ks->keys_ready ? now_ns(s) + rv_sec(1) : 0;
		for (int j = 0; j < 4; j++)
			if (t[j] != 0 && (when == 0 || t[j] < when))
				when = t[j];
	}
	if (when != 0)
		rv_timer_arm(s->ev, &s->timer, when);
	else
		rv_timer_disarm(s->ev, &s->timer);
}

/* --- the key exchange --------------------------------------------------------- */

/* Hands every in-order message to TLS. */
static int
feed_tls(struct rv_session *s, struct rv_keystate *ks)
{
	size_t n;
	int r;

	while ((r = rv_rel_next_in_order(ks->rel, s->chunk, sizeof(s->chunk), &n)) == 0) {
		/* Resets carry no TLS bytes. */
		if (n > 0 && ks->tls != NULL && (r = rv_tls_feed(ks->tls, s->chunk, n)) != 0)
			return r;
	}
	return r == RV_ERR_AGAIN ? 0 : r;
}

static int
write_km2(struct rv_session *s, struct rv_keystate *ks)
{
	uint8_t mem[sizeof(struct rv_km2) + 64];
	struct rv_buf b;
	int r;

	if ((ks->km_local = calloc(1, sizeof(*ks->km_local))) == NULL)
		return RV_ERR_NOMEM;
	s->ops->fill_km2(s->owner, s, ks->km_local);
	ks->km_local->has_pre_master = !s->cfg->tls_server;
	rv_buf_init(&b, mem, sizeof(mem), 0);
	if ((r = rv_km2_randomize(ks->km_local, !s->cfg->tls_server)) != 0 ||
	    (r = rv_km2_build(&b, ks->km_local)) != 0 ||
	    (r = rv_tls_write(ks->tls, rv_buf_data(&b), rv_buf_len(&b))) != 0)
		goto out;
	ks->km_sent = true;
out:
	OPENSSL_cleanse(mem, sizeof(mem));
	return r;
}

static int
read_km2(struct rv_session *s, struct rv_keystate *ks, const uint8_t *data, size_t len)
{
	struct rv_buf b;
	int r;

	if ((ks->km_remote = calloc(1, sizeof(*ks->km_remote))) == NULL)
		return RV_ERR_NOMEM;
	rv_buf_init_ro(&b, data, len);
	if ((r = rv_km2_parse(&b, s->cfg->tls_server, ks->km_remote)) != 0) {
		rv_log(RV_LOG_ERR, "key %u: malformed key method 2 message from the peer: %s",
		    ks->key_id, rv_strerror(r));
		return r;
	}
	ks->km_received = true;
	/* The TLS server answers the client's message with its own. */
	return s->cfg->tls_server && !ks->km_sent ? write_km2(s, ks) : 0;
}

/* Hands decrypted text messages of a record to the owner. */
static void
deliver_text(struct rv_session *s, const uint8_t *data, size_t len)
{
	char msg[RV_WIRE_TLS_TEXT_MAX];
	struct rv_buf b;
	int r;

	rv_buf_init_ro(&b, data, len);
	while ((r = rv_control_next(&b, msg, sizeof(msg))) != RV_ERR_SHORT) {
		if (r == 0 && !s->failed)
			s->ops->message(s->owner, s, msg);
		else if (r != 0)
			rv_log(RV_LOG_WARN, "dropped a malformed control message");
	}
}

/* Reads every complete TLS record: the key method 2 message first, then
 * text messages. */
static int
read_records(struct rv_session *s, struct rv_keystate *ks)
{
	uint8_t rec[sizeof(struct rv_km2) + 64];
	size_t n;
	int r;

	while ((r = rv_tls_read(ks->tls, rec, sizeof(rec), &n)) == 0) {
		if (!ks->km_received)
			r = read_km2(s, ks, rec, n);
		else
			deliver_text(s, rec, n);
		if (r != 0)
			break;
	}
	OPENSSL_cleanse(rec, sizeof(rec));
	return r == RV_ERR_AGAIN ? 0 : r;
}

static int
start_tls(struct rv_session *s, struct rv_keystate *ks)
{
	int r;

	if ((r = rv_tls_new(&ks->tls, s->cfg->tls_ctx)) != 0)
		return r;
	set_state(ks, RV_KS_TLS);
	return 0;
}

static void
handshake_done(struct rv_session *s, struct rv_keystate *ks)
{
	char desc[256];

	rv_tls_describe(ks->tls, desc, sizeof(desc));
	rv_log(RV_LOG_INFO, "Control Channel: %s", desc);
	set_state(ks, RV_KS_KEYEX);
}

/* One step of ks with what has arrived. */
static void
step(struct rv_session *s, struct rv_keystate *ks)
{
	int r = 0;

	const char *why = NULL;
	bool auth = false;

	if (ks->state == RV_KS_RESET && ks->peer_reset && rv_rel_is_acked(ks->rel, 0) &&
	    start_tls(s, ks) != 0) {
		why = "cannot start TLS";
		goto failed;
	}
	if (ks->state == RV_KS_NONE || ks->state == RV_KS_RESET || ks->state == RV_KS_FAILED)
		return;
	if (feed_tls(s, ks) != 0) {
		why = "TLS error";
		goto failed;
	}
	if (ks->state == RV_KS_TLS) {
		r = rv_tls_handshake(ks->tls);
		if (r == RV_ERR_AGAIN)
			return;
		if (r != 0) {
			why = "TLS handshake failed";
			auth = r == RV_ERR_AUTH;
			goto failed;
		}
		handshake_done(s, ks);
		/* The TLS client writes its key method 2 message first. */
		if (!s->cfg->tls_server && write_km2(s, ks) != 0) {
			why = "cannot send the key method 2 message";
			goto failed;
		}
	}
	if (read_records(s, ks) != 0) {
		why = "key exchange failed";
		goto failed;
	}
	if (ks->state == RV_KS_KEYEX && ks->km_sent && ks->km_received) {
		set_state(ks, RV_KS_ACTIVE);
		ks->reneg_at = reneg_time(s, ks);
		s->ops->active(s->owner, s, ks, ks->km_remote);
	}
	return;
failed:
	fail(s, ks, why, auth);
}

/* Our key method 2 message is known to have arrived once everything
 * written so far is acknowledged. */
static void
check_km_acked(struct rv_session *s, struct rv_keystate *ks)
{
	(void)s;
	if (ks->km_sent && !ks->km_acked && ks->tls != NULL && rv_tls_pending(ks->tls) == 0 &&
	    rv_rel_all_acked(ks->rel))
		ks->km_acked = true;
}

/* --- receiving ---------------------------------------------------------------- */

/* Which reset opcode the peer sends to start a session. */
static bool
is_peer_hard_reset(const struct rv_session *s, uint8_t op)
{
	return op == (s->cfg->tls_server ? RV_OP_HARD_RESET_CLIENT_V2 :
	    RV_OP_HARD_RESET_SERVER_V2);
}

/* Rotates keys for key id kid: the current exchange becomes the lame duck,
 * a new one starts with our soft reset. */
static struct rv_keystate *
rotate(struct rv_session *s, uint8_t kid, const char *why)
{
	struct rv_keystate *lame = &s->ks[LAME], *cur = &s->ks[0];

	rv_log(RV_LOG_INFO, "renegotiating keys: key id %u -> %u (%s)", cur->key_id, kid, why);
	ks_clear(lame);
	*lame = *cur;
	lame->expires = now_ns(s) + secs(s->cfg->tran_window);
	memset(cur, 0, sizeof(*cur));
	if (ks_start(s, cur, kid) != 0) {
		fail(s, cur, "cannot start a renegotiation", false);
		return NULL;
	}
	return cur;
}

/* The key exchange a packet of opcode op and key id kid belongs to; a soft
 * reset for the next key id starts one (we are the responder). */
static struct rv_keystate *
route(struct rv_session *s, uint8_t op, uint8_t kid)
{
	struct rv_keystate *ks = find_ks(s, kid), *cur = &s->ks[0];

	if (ks != NULL)
		return ks;
	/* A session the peer starts: our reset answers its (verified) one. */
	if (kid == 0 && is_peer_hard_reset(s, op) && cur->state == RV_KS_NONE)
		return ks_start(s, cur, 0) == 0 ? cur : NULL;
	if (op == RV_OP_SOFT_RESET_V1 && cur->state == RV_KS_ACTIVE && cur->keys_ready &&
	    kid == next_key_id(cur->key_id))
		return rotate(s, kid, "requested by the peer");
	return NULL;
}

static int
accept_packet(struct rv_session *s, const struct rv_ctlpkt *h,
    const uint8_t sid[static RV_WIRE_SID_LEN])
{
	bool reset = h->op == RV_OP_HARD_RESET_CLIENT_V2 || h->op == RV_OP_HARD_RESET_SERVER_V2;

	if (reset && !is_peer_hard_reset(s, h->op))
		return RV_ERR_FORMAT;            /* a reset of our own role */
	if (s->have_peer_sid && memcmp(sid, s->peer_sid, RV_WIRE_SID_LEN) != 0)
		return RV_ERR_NOTFOUND;
	if (!s->have_peer_sid && !reset)
		return RV_ERR_NOTFOUND;          /* nothing before the peer's reset */
	/* An ack must echo our own session id, else the packet is not for us. */
	if (h->nacks > 0 && memcmp(h->ack_sid, s->sid, RV_WIRE_SID_LEN) != 0)
		return RV_ERR_NOTFOUND;
	if (reset && !s->have_peer_sid) {
		memcpy(s->peer_sid, sid, RV_WIRE_SID_LEN);
		s->have_peer_sid = true;
	}
	return 0;
}

int
rv_session_receive(struct rv_session *s, struct rv_buf *b)
{
	uint8_t first, sid[RV_WIRE_SID_LEN];
	struct rv_keystate *ks;
	struct rv_ctlpkt h;
	struct rv_wrap *w;
	int r;

	if (s->failed)
		return RV_ERR_NOTFOUND;
	if ((r = rv_wrap_peek_head(b, &first, sid)) != 0)
		return r;
	w = rv_ctlpkt_key_id(first) != 0 && s->dyn_ready ? &s->dyn : &s->wrap;
	if ((r = rv_wrap_open(w, b, &first, sid, now_ns(s) / RV_NSEC_PER_SEC)) != 0 ||
	    (r = rv_ctlpkt_parse_body(b, rv_ctlpkt_opcode(first), rv_ctlpkt_key_id(first),
	    &h)) != 0 || (r = accept_packet(s, &h, sid)) != 0)
		return r;
	if ((ks = route(s, h.op, h.key_id)) == NULL)
		return RV_ERR_NOTFOUND;
	rv_rel_acked(ks->rel, h.acks, h.nacks);
	if (h.has_pid) {
		rv_rel_received(ks->rel, h.pid, rv_buf_data(&h.payload), rv_buf_len(&h.payload));
		if (h.pid == 0 && (h.op == RV_OP_SOFT_RESET_V1 || is_peer_hard_reset(s, h.op)) &&
		    !ks->peer_reset) {
			ks->peer_reset = true;
			rv_rel_burst(ks->rel);
		}
	}
	step(s, ks);
	if (!s->failed) {
		check_km_acked(s, ks);
		flush(s, ks);
		arm(s);
	}
	return 0;
}

/* --- public ------------------------------------------------------------------- */

int
rv_session_new(struct rv_session **out, const struct rv_session_config *cfg,
    const struct rv_session_ops *ops, void *owner, struct rv_event *ev)
{
	struct rv_session *s = calloc(1, sizeof(*s));
	int r = RV_ERR_NOMEM;

	if (s == NULL)
		return r;
	s->cfg = cfg;
	s->ops = ops;
	s->owner = owner;
	s->ev = ev;
	rv_timer_init(&s->timer, on_timer, s);
	/* Never all zero: zero means "no session" on the wire. */
	do {
		if (RAND_bytes(s->sid, sizeof(s->sid)) != 1) {
			r = RV_ERR_CRYPTO;
			goto fail;
		}
	} while (memcmp(s->sid, "\0\0\0\0\0\0\0\0", RV_WIRE_SID_LEN) == 0);
	switch (cfg->wrap_mode) {
	case RV_WRAP_AUTH:
		r = rv_wrap_init_auth(&s->wrap, cfg->auth, cfg->wrap_key, cfg->wrap_dir,
		    cfg->replay_window, cfg->replay_time);
		break;
	case RV_WRAP_CRYPT:
		r = rv_wrap_init_crypt(&s->wrap, cfg->wrap_key, cfg->tls_server,
		    cfg->replay_window, cfg->replay_time);
		break;
	default:
		rv_wrap_init_none(&s->wrap);
		r = 0;
	}
	if (r != 0)
		goto fail;
	rv_wrap_init_none(&s->dyn);
	*out = s;
	return 0;
fail:
	free(s);
	return r;
}

void
rv_session_free(struct rv_session *s)
{
	if (s == NULL)
		return;
	rv_timer_disarm(s->ev, &s->timer);
	ks_clear(&s->ks[0]);
	ks_clear(&s->ks[1]);
	rv_wrap_clear(&s->wrap);
	rv_wrap_clear(&s->dyn);
	OPENSSL_cleanse(s, sizeof(*s));
	free(s);
}

int
rv_session_new_answered(struct rv_session **out, const struct rv_session_config *cfg,
    const struct rv_session_ops *ops, void *owner, struct rv_event *ev,
    const uint8_t sid[static RV_WIRE_SID_LEN], const uint8_t peer_sid[static RV_WIRE_SID_LEN],
    uint32_t wrap_time)
{
	struct rv_session *s;
	struct rv_keystate *ks;
	const struct rv_rel_out *m;
	static const uint8_t none[1];
	int r;

	if ((r = rv_session_new(&s, cfg, ops, owner, ev)) != 0)
		return r;
	memcpy(s->sid, sid, RV_WIRE_SID_LEN);
	memcpy(s->peer_sid, peer_sid, RV_WIRE_SID_LEN);
	s->have_peer_sid = true;
	ks = &s->ks[0];
	if ((r = ks_start(s, ks, 0)) != 0) {
		rv_session_free(s);
		return r;
	}
	/* Our reset (message 0) went out; the peer's (message 0) arrived. */
	if ((m = rv_rel_next_due(ks->rel, now_ns(s))) != NULL)
		rv_rel_sent(ks->rel, m, now_ns(s));
	rv_rel_received(ks->rel, 0, none, 0);
	ks->peer_reset = true;
	if (cfg->wrap_mode != RV_WRAP_NONE) {
		s->wrap.send_counter = 1;
		s->wrap.send_time = wrap_time;
	}
	*out = s;
	return 0;
}

int
rv_session_start(struct rv_session *s)
{
	int r;

	if ((r = ks_start(s, &s->ks[0], 0)) != 0)
		return r;
	flush(s, &s->ks[0]);
	arm(s);
	return 0;
}

bool
rv_session_matches(const struct rv_session *s, const uint8_t sid[static RV_WIRE_SID_LEN])
{
	return !s->have_peer_sid || memcmp(s->peer_sid, sid, RV_WIRE_SID_LEN) == 0;
}

bool
rv_session_has_peer(const struct rv_session *s)
{
	return s->have_peer_sid;
}

const uint8_t *
rv_session_id(const struct rv_session *s)
{
	return s->sid;
}

const uint8_t *
rv_session_peer_id(const struct rv_session *s)
{
	return s->peer_sid;
}

bool
rv_session_is_tls_server(const struct rv_session *s)
{
	return s->cfg->tls_server;
}

/* A key may carry our data once the peer is known to have it too: the TLS
 * server derives its keys on the client's key method 2 message, so a
 * client may send at once; a server waits until its own message was
 * acknowledged. */
static bool
usable(const struct rv_session *s, const struct rv_keystate *ks)
{
	return ks->keys_ready && (ks->km_acked || !s->cfg->tls_server);
}

struct rv_keystate *
rv_session_send_key(struct rv_session *s)
{
	if (usable(s, &s->ks[0]))
		return &s->ks[0];
	if (s->ks[LAME].state != RV_KS_NONE && s->ks[LAME].keys_ready)
		return &s->ks[LAME];
	return NULL;
}

struct rv_keystate *
rv_session_recv_key(struct rv_session *s, uint8_t key_id)
{
	struct rv_keystate *ks = find_ks(s, key_id);

	return ks != NULL && ks->keys_ready ? ks : NULL;
}

struct rv_keystate *
rv_session_current(struct rv_session *s)
{
	return &s->ks[0];
}

bool
rv_session_established(const struct rv_session *s)
{
	return s->ks[0].keys_ready || s->ks[LAME].keys_ready;
}

/* The 256-byte key block of ks: exporter or legacy PRF (wire facts 5). */
static int
key_block(struct rv_session *s, struct rv_keystate *ks, bool ekm,
    uint8_t key2[static RV_WIRE_KEY2_LEN])
{
	const struct rv_km2 *client, *server;
	const uint8_t *csid, *ssid;

	if (ekm)
		return rv_tls_export(ks->tls, "EXPORTER-OpenVPN-datakeys", key2, RV_WIRE_KEY2_LEN);
	if (ks->km_local == NULL || ks->km_remote == NULL)
		return RV_ERR_INTERNAL;
	client = s->cfg->tls_server ? ks->km_remote : ks->km_local;
	server = s->cfg->tls_server ? ks->km_local : ks->km_remote;
	csid = s->cfg->tls_server ? s->peer_sid : s->sid;
	ssid = s->cfg->tls_server ? s->sid : s->peer_sid;
	return rv_keyex_prf(client, server, csid, ssid, key2);
}

int
rv_session_install_keys(struct rv_session *s, struct rv_keystate *ks, const char *cipher,
    const char *auth, bool ekm)
{
	uint8_t key2[RV_WIRE_KEY2_LEN];
	int r;

	if (ks->state != RV_KS_ACTIVE || ks->keys_ready)
		return RV_ERR_INTERNAL;
	if ((r = key_block(s, ks, ekm, key2)) != 0 ||
	    (r = rv_crypto_init_tls(&ks->crypto, cipher, auth, key2, s->cfg->tls_server)) != 0) {
		rv_log(RV_LOG_ERR, "key %u: cannot make the data channel keys: %s", ks->key_id,
		    rv_strerror(r));
		goto out;
	}
	ks->keys_ready = true;
	rv_log(RV_LOG_INFO, "Data Channel: cipher '%s'%s%s, key id %u, keys from %s",
	    ks->crypto.cipher_name, ks->crypto.aead ? "" : ", auth ",
	    ks->crypto.aead ? "" : ks->crypto.auth_name, ks->key_id,
	    ekm ? "the TLS exporter" : "the TLS PRF");
	/* The randoms and the pre-master are not needed any more. */
	rv_km2_wipe(ks->km_local);
	rv_km2_wipe(ks->km_remote);
	check_km_acked(s, ks);
	arm(s);
out:
	OPENSSL_cleanse(key2, sizeof(key2));
	return r;
}

int
rv_session_enable_dyn_tls_crypt(struct rv_session *s)
{
	struct rv_keystate *ks = &s->ks[0];
	uint8_t raw[RV_WIRE_KEY2_LEN], *k;
	struct rv_key2 key;
	int r;

	if (ks->tls == NULL)
		return RV_ERR_INTERNAL;
	if ((r = rv_tls_export(ks->tls, "EXPORTER-OpenVPN-dynamic-tls-crypt", raw,
	    sizeof(raw))) != 0)
		return r;
	/* The raw 256 bytes and struct rv_key2's two keys share one layout. */
	_Static_assert(sizeof(key.keys) == RV_WIRE_KEY2_LEN, "key block layout");
	memset(&key, 0, sizeof(key));
	key.n = 2;
	k = (uint8_t *)key.keys;
	memcpy(k, raw, sizeof(raw));
	if (s->cfg->wrap_mode != RV_WRAP_NONE) {
		const uint8_t *w = (const uint8_t *)s->cfg->wrap_key->keys;

		for (size_t i = 0; i < sizeof(raw); i++)
			k[i] ^= w[i];
	}
	rv_wrap_clear(&s->dyn);
	r = rv_wrap_init_crypt(&s->dyn, &key, s->cfg->tls_server, s->cfg->replay_window,
	    s->cfg->replay_time);
	s->dyn_ready = r == 0;
	rv_key2_wipe(&key);
	OPENSSL_cleanse(raw, sizeof(raw));
	return r;
}

int
rv_session_export(struct rv_session *s, const char *label, void *out, size_t len)
{
	return s->ks[0].tls != NULL ? rv_tls_export(s->ks[0].tls, label, out, len) :
	    RV_ERR_INTERNAL;
}

int
rv_session_send_text(struct rv_session *s, const char *msg)
{
	struct rv_keystate *ks = &s->ks[0];
	int r;

	if (ks->state != RV_KS_ACTIVE)
		return RV_ERR_AGAIN;
	/* One record per message, its NUL included (wire facts 2.8). */
	if ((r = rv_tls_write(ks->tls, msg, strlen(msg) + 1)) != 0)
		return r;
	flush(s, ks);
	arm(s);
	return 0;
}

void
rv_session_renegotiate(struct rv_session *s, const char *why)
{
	struct rv_keystate *cur = &s->ks[0];

	if (s->failed || cur->state != RV_KS_ACTIVE || !cur->keys_ready)
		return;
	if (rotate(s, next_key_id(cur->key_id), why) == NULL)
		return;
	flush(s, &s->ks[0]);
	arm(s);
}
