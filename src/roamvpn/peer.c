/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * peer: one remote endpoint and its data channel. Receive order, as the
 * wire facts (sections 6.6, 6.7 and 11) require: source check, HMAC, decrypt,
 * replay window; only then may the address move.
 */
#include "peer.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "ctlpkt.h"
#include "clock.h"
#include "daemon.h"
#include "err.h"
#include "mss.h"
#include "ncp.h"
#include "ping.h"
#include "roammsg.h"
#include "session.h"

enum {
	SCRATCH_SIZE = 2048,     /* a padded roam probe, sealed */
	SCRATCH_HEADROOM = 128,
	FRAME_MIN = 1600,        /* the device packets openvpn's buffers take */
	FRAME_EXTRA = 256,       /* as the daemon's packet slots (Ethernet header, slack) */
};

static const char *const drop_names[] = {
#define RV_DROP_NAME_(id, name) [RV_DROP_##id] = name,
	RV_DROP_REASONS(RV_DROP_NAME_)
#undef RV_DROP_NAME_
};

const char *
rv_peer_drop_name(enum rv_drop why)
{
	return why < RV_DROP__MAX ? drop_names[why] : "?";
}

void
rv_peer_drop(struct rv_peer *p, enum rv_drop why, const struct rv_sockaddr *from,
    const char *detail)
{
	char a[RV_ADDRSTRLEN];

	p->drops[why]++;
	/* Formatted only if it is logged: drops come per packet. */
	if ((why == RV_DROP_REPLAY && p->d->o->mute_replay_warnings) ||
	    !rv_log_rl_allow(&p->drop_rl, RV_LOG_DROP))
		return;
	rv_log(RV_LOG_DROP, "dropped packet%s%s: %s%s%s",
	    from != NULL ? " from " : "", from != NULL ? rv_addr_fmt(from, a) : "",
	    rv_peer_drop_name(why), detail != NULL ? ": " : "", detail != NULL ? detail : "");
}

static void log_comp(const struct rv_peer *p);

/* The options string of this peer (OCC), from the configuration. */
static void
build_occ(struct rv_peer *p)
{
	rv_ncp_options_string(p->d->o, p->encrypted ? &p->crypto : NULL, p->occ_local,
	    p->occ_remote);
}

/* --mssfix limits from the link family and the data channel's overhead:
 * the static key, or in TLS mode the key data goes out with (until there
 * is one, the limits stay as they are). */
static void
set_mss(struct rv_peer *p)
{
	const struct rv_options *o = p->d->o;
	const struct rv_crypto *c = &p->crypto;
	struct rv_keystate *ks = NULL;
	size_t hdr = 0, pid;
	uint32_t peer_id;
	struct rv_mss_overhead ov;

	if (p->tls) {
		if (p->owner == NULL || (ks = p->owner->send_key(p->owner_ctx)) == NULL)
			return;
		c = &ks->crypto;
		hdr = p->owner->data_v2(p->owner_ctx, &peer_id) ? 4 : 1;
	}
	pid = !p->encrypted && !p->tls ? 0 : p->tls ? RV_WIRE_PID_LEN :
	    c->with_pid ? RV_WIRE_PID_LONG_LEN : 0;
	ov.outer = rv_link_overhead(&p->d->link, rv_addr_family(&p->remote));
	/* AEAD: header, packet id and tag outside the cipher, nothing inside. */
	ov.fixed = hdr + (c->aead ? RV_WIRE_PID_LEN + RV_WIRE_AEAD_TAG : c->hmac_len + c->iv_len);
	ov.block = c->aead ? 1 : c->block_len;
	/* openvpn counts its 32-byte tap allowance against the MSS too:
	 * 1327 instead of 1359 for AES-256-CBC/SHA256 (measured). */
	ov.inner = (c->aead ? 0 : pid) + (o->dev_type == RV_DEV_TAP ? 32 : 0) +
	    rv_comp_overhead(p->comp.conf.alg);
	p->mss4 = rv_mss_limit(o->mssfix, o->mssfix_mode, &ov, o->tun_mtu, 20);
	p->mss6 = rv_mss_limit(o->mssfix, o->mssfix_mode, &ov, o->tun_mtu, 40);
}

void
rv_peer_keys_changed(struct rv_peer *p)
{
	set_mss(p);
}

static void on_pv_timer(void *arg);
static void send_scratch(struct rv_peer *p, struct rv_buf *b);

int
rv_peer_init(struct rv_peer *p, struct rv_daemon *d, const struct rv_sockaddr *allowed,
    size_t nallowed)
{
	const struct rv_options *o = d->o;
	const struct rv_key *send, *recv;
	int r;

	memset(p, 0, sizeof(*p));
	p->d = d;
	p->float_ok = o->float_;
	p->nallowed = nallowed < RV_ADDR_RESOLVE_MAX ? nallowed : RV_ADDR_RESOLVE_MAX;
	memcpy(p->allowed, allowed, p->nallowed * sizeof(*allowed));
	/* Initial address from the configuration: not a move. */
	if (p->nallowed > 0)
		p->remote = p->allowed[0];
	p->encrypted = o->has_key;
	p->tls = o->tls_client || o->tls_server;
	p->ping = o->ping;
	p->ping_restart = o->ping_restart;
	/* A pulling client restarts after 120 s of silence until pushed otherwise. */
	if (o->pull && p->ping_restart == 0 && o->ping_exit == 0)
		p->ping_restart = RV_WIRE_PRE_PULL_PING_RESTART;
	if (p->encrypted) {
		if ((r = rv_key2_select(&o->key, o->keydir, &send, &recv)) != 0 ||
		    (r = rv_crypto_init_static(&p->crypto, o->cipher, o->auth, send, recv)) != 0)
			return r;
		rv_crypto_set_packet_id(&p->crypto, !o->no_replay);
	} else {
		snprintf(p->crypto.cipher_name, sizeof(p->crypto.cipher_name), "none");
		snprintf(p->crypto.auth_name, sizeof(p->crypto.auth_name), "none");
	}
	if ((r = rv_replay_init(&p->replay, (uint32_t)o->replay_window,
	    (uint32_t)o->replay_time, o->no_replay || !p->encrypted)) != 0)
		return r;
	if ((r = rv_pktpool_init(&p->scratch, 1, SCRATCH_SIZE)) != 0)
		return r;
	if ((r = rv_comp_init(&p->comp, &o->comp,
	    (size_t)(o->tun_mtu > FRAME_MIN ? o->tun_mtu : FRAME_MIN) + FRAME_EXTRA)) != 0)
		return r;
	log_comp(p);
	build_occ(p);
	set_mss(p);
	rv_timers_init(p);
	rv_timer_init(&p->pv_timer, on_pv_timer, p);
	rv_pathval_init(&p->pv, &p->remote);
	return 0;
}

void
rv_peer_clear(struct rv_peer *p)
{
	if (p->d != NULL) {
		rv_timers_stop(p);
		rv_timer_disarm(p->d->ev, &p->pv_timer);
	}
	if (p->encrypted)
		rv_crypto_clear(&p->crypto);
	rv_replay_clear(&p->replay);
	rv_pktpool_clear(&p->scratch);
	rv_comp_clear(&p->comp);
	memset(p, 0, sizeof(*p));
}

bool
rv_peer_allows(const struct rv_peer *p, const struct rv_sockaddr *from)
{
	if (p->float_ok || p->nallowed == 0)
		return true;
	for (size_t i = 0; i < p->nallowed; i++)
		if (rv_addr_equal(&p->allowed[i], from))
			return true;
	return false;
}

void
rv_peer_set_remote(struct rv_peer *p, const struct rv_sockaddr *to)
{
	char a[RV_ADDRSTRLEN], b[RV_ADDRSTRLEN];
	bool had = rv_addr_is_set(&p->remote);
	struct rv_sockaddr from;

	if (had && rv_addr_equal(&p->remote, to))
		return;
	if (!rv_peer_allows(p, to))
		return;
	/* A server's client has its "roam:" line instead (pathval.h). */
	if (had && !p->float_by_peer_id)
		rv_log(RV_LOG_INFO, "peer address changed: %s -> %s", rv_addr_fmt(&p->remote, a),
		    rv_addr_fmt(to, b));
	from = p->remote;
	p->remote = *to;
	if (!had || rv_addr_family(&from) != rv_addr_family(to))
		set_mss(p);
	if (!had)
		rv_pathval_init(&p->pv, to);
	if (had && p->owner != NULL && p->owner->moved != NULL)
		p->owner->moved(p->owner_ctx, &from);
}

/* Seals a payload with the static key, or in TLS mode with the key data
 * goes out with. Counts the drop on failure. */
static int
seal(struct rv_peer *p, struct rv_buf *b)
{
	struct rv_keystate *ks;
	uint32_t peer_id = 0;
	size_t len;
	bool v2;
	int r;

	/* Compression framing goes inside the encryption (wire facts 7.4). */
	if ((r = rv_comp_frame(&p->comp, b, rv_event_now(p->d->ev) / RV_NSEC_PER_SEC)) != 0) {
		rv_peer_drop(p, RV_DROP_SEAL, NULL, "no room for the compression framing");
		return r;
	}
	len = rv_buf_len(b);
	if (p->tls) {
		if ((ks = p->owner->send_key(p->owner_ctx)) == NULL) {
			rv_peer_drop(p, RV_DROP_NO_KEYS, NULL, "no data channel keys yet");
			return RV_ERR_AGAIN;
		}
		v2 = p->owner->data_v2(p->owner_ctx, &peer_id);
		r = rv_crypto_seal_data(&ks->crypto, b, ks->key_id, v2, peer_id);
		if (r == 0) {
			ks->bytes += len;
			ks->packets++;
			if (rv_crypto_send_id(&ks->crypto) >= RV_WIRE_PID_RENEG)
				p->owner->renegotiate(p->owner_ctx, "packet id limit");
		}
	} else {
		r = p->encrypted ? rv_crypto_seal(&p->crypto, b) : 0;
	}
	if (r != 0)
		rv_peer_drop(p, RV_DROP_SEAL, NULL, rv_strerror(r));
	return r;
}

int
rv_peer_seal(struct rv_peer *p, struct rv_buf *b)
{
	int r;

	rv_timers_tun_activity(p);
	if (!rv_addr_is_set(&p->remote)) {
		rv_peer_drop(p, RV_DROP_NO_REMOTE, NULL, "the peer's address is not known yet");
		return RV_ERR_AGAIN;
	}
	rv_mss_clamp(b, p->d->o->dev_type == RV_DEV_TAP, p->mss4, p->mss6);
	if ((r = seal(p, b)) != 0)
		return r;
	rv_timers_data_sent(p);
	return 0;
}

static enum rv_drop
open_error(int r)
{
	switch (r) {
	case RV_ERR_AUTH:
		return RV_DROP_AUTH;
	case RV_ERR_DECRYPT:
		return RV_DROP_DECRYPT;
	default:
		return RV_DROP_MALFORMED;
	}
}

static void
handle_occ(struct rv_peer *p, struct rv_pkt *pkt)
{
	char got[RV_WIRE_OCC_STRING_MAX];
	uint8_t type;

	if (rv_occ_parse(&pkt->buf, &type) != 0) {
		rv_peer_drop(p, RV_DROP_BAD_OCC, &pkt->addr, "unknown OCC message");
		return;
	}
	switch (type) {
	case RV_OCC_REQUEST:
		rv_peer_send_occ(p, RV_OCC_REPLY);
		break;
	case RV_OCC_REPLY:
		if (rv_occ_get_string(&pkt->buf, got) != 0) {
			rv_peer_drop(p, RV_DROP_BAD_OCC, &pkt->addr, "malformed options string");
			return;
		}
		rv_timers_occ_reply_received(p);
		if (!p->occ_checked) {
			p->occ_checked = true;
			rv_log(RV_LOG_NOTICE, "peer's options string: '%s'", got);
			rv_occ_warn(p->occ_remote, got);
		}
		break;
	case RV_OCC_MTU_REQUEST:
		rv_peer_send_occ(p, RV_OCC_MTU_REPLY);
		break;
	case RV_OCC_EXIT:
		if (p->owner != NULL && p->owner->expired != NULL)
			p->owner->expired(p->owner_ctx, "remote-exit");
		else
			rv_daemon_signal(p->d, RV_SIG_RESTART, "remote-exit");
		break;
	default:
		break;   /* MTU load tests: nothing to answer */
	}
}

void
rv_peer_connected(struct rv_peer *p)
{
	char a[RV_ADDRSTRLEN];

	if (p->connected)
		return;
	p->connected = true;
	rv_log(RV_LOG_INFO, "Peer Connection Initiated with %s", rv_addr_fmt(&p->remote, a));
}

static bool
replay_ok(struct rv_peer *p, struct rv_replay *r, const struct rv_pid *pid,
    const struct rv_pkt *pkt, bool *newest)
{
	char detail[64];

	if (rv_replay_accept(r, pid, rv_event_now(p->d->ev) / RV_NSEC_PER_SEC, newest) == 0)
		return true;
	snprintf(detail, sizeof(detail), "packet id %u, time %u", pid->id, pid->time);
	rv_peer_drop(p, RV_DROP_REPLAY, &pkt->addr, detail);
	return false;
}

/* On TCP nothing is lost or reordered, so a data packet that fails its
 * checks means a broken or attacked stream: openvpn restarts, and so do we. */
static void
stream_check_failed(struct rv_peer *p, const struct rv_pkt *pkt)
{
	if (!p->d->link.tcp)
		return;
	/* From another connection (one trying to resume this session): that
	 * connection fails, not this one (srvtcp.c). */
	if (p->float_by_peer_id && !rv_addr_equal(&pkt->addr, &p->remote))
		return;
	/* A server's client: only its connection ends (the owner decides). */
	if (p->owner != NULL && p->owner->expired != NULL) {
		rv_log(RV_LOG_WARN, "Fatal decryption error on the TCP connection, closing it");
		p->owner->expired(p->owner_ctx, "decryption-error");
		return;
	}
	rv_log(RV_LOG_WARN, "Fatal decryption error on the TCP connection, restarting");
	rv_daemon_signal(p->d, RV_SIG_RESTART, "decryption-error");
}

/* Static-key mode: source, HMAC and decryption, replay window. *newest:
 * the packet is newer than every packet before it. */
static enum rv_rx
open_static(struct rv_peer *p, struct rv_pkt *pkt, bool *newest)
{
	struct rv_pid pid = { 0, 0 };
	int r;

	if (!rv_peer_allows(p, &pkt->addr)) {
		rv_peer_drop(p, RV_DROP_SOURCE, &pkt->addr, "not a --remote address (see --float)");
		return RV_RX_DROP;
	}
	if (p->encrypted) {
		if ((r = rv_crypto_open(&p->crypto, &pkt->buf, &pid)) != 0) {
			rv_peer_drop(p, open_error(r), &pkt->addr, rv_strerror(r));
			stream_check_failed(p, pkt);
			return RV_RX_DROP;
		}
		if (!replay_ok(p, &p->replay, &pid, pkt, newest)) {
			stream_check_failed(p, pkt);
			return RV_RX_DROP;
		}
	}
	/* A listener learns its peer from the first authenticated packet. */
	if (!rv_addr_is_set(&p->remote))
		rv_peer_set_remote(p, &pkt->addr);
	rv_peer_connected(p);
	return RV_RX_DELIVER;
}

/* TLS mode: control packets go to the sessions; data packets must come from
 * the session's address (a server's client: from anywhere, by peer-id) and
 * open with the keys of their key id. *newest as for open_static(). */
static enum rv_rx
open_tls(struct rv_peer *p, struct rv_pkt *pkt, bool *newest)
{
	struct rv_pid pid = { 0, 0 };
	struct rv_keystate *ks;
	uint8_t first, op;
	bool floats;
	int r;

	if (rv_buf_peek_u8(&pkt->buf, 0, &first) != 0) {
		rv_peer_drop(p, RV_DROP_MALFORMED, &pkt->addr, "empty datagram");
		return RV_RX_DROP;
	}
	op = rv_ctlpkt_opcode(first);
	if (op != RV_OP_DATA_V1 && op != RV_OP_DATA_V2) {
		p->owner->control(p->owner_ctx, pkt);
		return RV_RX_CONSUMED;
	}
	/* A server's client may move by peer-id (wire facts 11): P_DATA_V2
	 * from anywhere, the address follows once the packet is verified. */
	floats = p->float_by_peer_id && op == RV_OP_DATA_V2;
	if (!rv_addr_is_set(&p->remote) || (!floats && !rv_addr_equal(&p->remote, &pkt->addr))) {
		rv_peer_drop(p, RV_DROP_SOURCE, &pkt->addr, "data from outside the TLS session");
		return RV_RX_DROP;
	}
	if ((ks = p->owner->recv_key(p->owner_ctx, rv_ctlpkt_key_id(first))) == NULL) {
		rv_peer_drop(p, RV_DROP_NO_KEYS, &pkt->addr, "no keys for this key id");
		return RV_RX_DROP;
	}
	if ((r = rv_crypto_open_data(&ks->crypto, &pkt->buf, &pid)) != 0) {
		rv_peer_drop(p, open_error(r), &pkt->addr, rv_strerror(r));
		stream_check_failed(p, pkt);
		return RV_RX_DROP;
	}
	if (!replay_ok(p, &ks->replay, &pid, pkt, newest)) {
		stream_check_failed(p, pkt);
		return RV_RX_DROP;
	}
	ks->bytes += rv_buf_len(&pkt->buf);
	ks->packets++;
	return RV_RX_DELIVER;
}

/* Takes the compression framing off a packet that was opened. */
static bool
unframe(struct rv_peer *p, struct rv_pkt *pkt)
{
	uint8_t first = 0;
	char detail[80];
	int r;

	rv_buf_peek_u8(&pkt->buf, 0, &first);
	if ((r = rv_comp_unframe(&p->comp, &pkt->buf)) == 0)
		return true;
	snprintf(detail, sizeof(detail), "%s (framing byte 0x%02x, %s)", rv_strerror(r), first,
	    rv_comp_alg_name(p->comp.conf.alg));
	rv_peer_drop(p, RV_DROP_DECOMPRESS, &pkt->addr, detail);
	return false;
}

static void
log_comp(const struct rv_peer *p)
{
	const struct rv_comp *c = &p->comp;

	if (!rv_comp_framed(c))
		return;
	rv_log(RV_LOG_INFO, "Compression framing: '%s'%s%s", rv_comp_alg_name(c->conf.alg),
	    !rv_comp_conf_real(&c->conf) ? "" : c->compress ? ", compressing sent packets" :
	    ", decompressing only (allow-compression)",
	    c->compress && c->conf.adaptive ? ", adaptive" : "");
}

int
rv_peer_apply_comp(struct rv_peer *p, enum rv_comp_alg alg, bool adaptive)
{
	int r;

	if ((r = rv_comp_push(&p->comp, alg, adaptive)) != 0)
		return r;
	log_comp(p);
	set_mss(p);
	return 0;
}

/* --- mobility ---------------------------------------------------------------- */

enum {
	CHALLENGE_RETRY_MS = 100,     /* first retransmit of a challenge; doubles */
};

static const char *
peer_name(const struct rv_peer *p)
{
	return p->name != NULL && p->name[0] != '\0' ? p->name : "peer";
}

void
rv_peer_roam_enable(struct rv_peer *p, uint64_t validate_ns)
{
	p->roam_ext = true;
	p->validate_ns = validate_ns;
}

bool
rv_peer_may_send(struct rv_peer *p, size_t len)
{
	if (rv_pathval_may_send(&p->pv, len))
		return true;
	/* (The roam line names the address being validated.) */
	rv_peer_drop(p, RV_DROP_UNVALIDATED, NULL,
	    "to a new address not validated yet, already sent 3x what it sent us");
	return false;
}

void
rv_peer_send_roam(struct rv_peer *p, uint8_t type, const uint8_t *nonce, const uint8_t *echo)
{
	struct rv_pkt *s = &p->scratch.pkts[0];
	struct rv_roam_msg m = { .type = type };

	if (nonce != NULL)
		memcpy(m.nonce, nonce, sizeof(m.nonce));
	if (echo != NULL)
		memcpy(m.echo, echo, sizeof(m.echo));
	rv_pkt_reset(s, SCRATCH_HEADROOM);
	if (rv_roam_msg_put(&s->buf, &m, type == RV_ROAM_MSG_PROBE ? RV_ROAM_PROBE_LEN : 0) != 0)
		return;
	p->roam_msgs_tx++;
	send_scratch(p, &s->buf);
}

/* The validation timer: retransmits the challenge (100, 300, 700 ms ...)
 * and, past --roam-validate, moves the peer back to its last validated
 * address. */
static void
on_pv_timer(void *arg)
{
	struct rv_peer *p = arg;
	uint64_t now = rv_event_now(p->d->ev), next;
	char a[RV_ADDRSTRLEN], b[RV_ADDRSTRLEN];

	if (!p->pv.validating)
		return;
	if (rv_pathval_expired(&p->pv, now)) {
		rv_log(RV_LOG_INFO, "roam: %s moved %s -> %s: not validated within %llu ms, "
		    "back to %s", peer_name(p), rv_addr_fmt(&p->pv.home, a),
		    rv_addr_fmt(&p->pv.cand, b), (unsigned long long)(p->validate_ns /
		    RV_NSEC_PER_MSEC), rv_addr_fmt(&p->pv.home, a));
		rv_peer_set_remote(p, &p->pv.home);
		return;
	}
	rv_peer_send_roam(p, RV_ROAM_MSG_CHALLENGE, p->pv.challenge, NULL);
	next = 2 * (now - p->pv.since) + rv_msec(CHALLENGE_RETRY_MS);
	rv_timer_arm(p->d->ev, &p->pv_timer, p->pv.since + next < p->pv.deadline ?
	    p->pv.since + next : p->pv.deadline);
}

/* An authenticated data packet came from an address that is not the
 * peer's. Moves the peer there if the packet may move it; returns true if
 * the new address must now be challenged. */
static bool
consider_move(struct rv_peer *p, const struct rv_pkt *pkt, bool newest, size_t wire)
{
	const struct rv_sockaddr *to = &pkt->addr;
	uint64_t now = rv_event_now(p->d->ev);
	char a[RV_ADDRSTRLEN], b[RV_ADDRSTRLEN];

	/* A TLS peer that is not a server's client had its packets from other
	 * addresses dropped already; a static peer passed rv_peer_allows(). */
	if (p->tls && !p->float_by_peer_id)
		return false;
	if (!newest || rv_buf_len(&pkt->buf) == 0) {
		p->roam_refused++;
		rv_log_rl(&p->drop_rl, RV_LOG_DROP, "roam: %s not moved to %s: %s", peer_name(p),
		    rv_addr_fmt(to, a), !newest ? "an older packet than one seen before" :
		    "the packet has no payload");
		return false;
	}
	if (p->owner != NULL && p->owner->may_move != NULL &&
	    !p->owner->may_move(p->owner_ctx, to)) {
		p->roam_refused++;
		return false;
	}
	rv_pathval_received(&p->pv, to, wire);
	if (!p->roam_ext || p->validate_ns == 0 || rv_pathval_is_home(&p->pv, to)) {
		if (p->float_by_peer_id)
			rv_log(RV_LOG_INFO, "roam: %s moved %s -> %s (%s)", peer_name(p),
			    rv_addr_fmt(&p->remote, a), rv_addr_fmt(to, b),
			    p->d->link.tcp ? "resumed on a new TCP connection" :
			    rv_pathval_is_home(&p->pv, to) ? "back to its validated address" :
			    !p->roam_ext ? "float: a client without the mobility extension" :
			    "not validated: --roam-validate 0");
		rv_pathval_settle(&p->pv, to);
		rv_timer_disarm(p->d->ev, &p->pv_timer);
		rv_peer_set_remote(p, to);
		return false;
	}
	if (rv_pathval_begin(&p->pv, to, wire, now, p->validate_ns) != 0) {
		rv_pathval_settle(&p->pv, to);
		rv_peer_set_remote(p, to);
		return false;
	}
	rv_peer_set_remote(p, to);
	rv_timer_arm(p->d->ev, &p->pv_timer, now + rv_msec(CHALLENGE_RETRY_MS));
	return true;
}

/* A roam message from the peer. A server's client sends PROBE and
 * RESPONSE; a server sends REPLY (carrying the challenge of a move the probe
 * caused) and CHALLENGE. */
static void
roam_message(struct rv_peer *p, const struct rv_pkt *pkt)
{
	struct rv_sockaddr old;
	struct rv_roam_msg m;
	uint64_t now = rv_event_now(p->d->ev);
	char a[RV_ADDRSTRLEN], b[RV_ADDRSTRLEN];
	const uint8_t *ch = p->pv.validating ? p->pv.challenge : NULL;

	if (!p->roam_ext || rv_roam_msg_parse(&pkt->buf, &m) != 0) {
		rv_peer_drop(p, RV_DROP_ROAM_MSG, &pkt->addr, !p->roam_ext ?
		    "mobility extension not negotiated" : "malformed");
		return;
	}
	if (p->float_by_peer_id) {
		switch (m.type) {
		case RV_ROAM_MSG_PROBE:
			/* Answer at once: the client leaves its reconfiguration
			 * state one round trip after it moved. */
			p->roam_probes_rx++;
			rv_peer_send_roam(p, RV_ROAM_MSG_REPLY, ch, m.nonce);
			return;
		case RV_ROAM_MSG_RESPONSE:
			old = p->pv.home;
			if (rv_pathval_answered(&p->pv, &pkt->addr, m.echo, now)) {
				rv_timer_disarm(p->d->ev, &p->pv_timer);
				rv_log(RV_LOG_INFO, "roam: %s moved %s -> %s: validated in %.1f ms",
				    peer_name(p), rv_addr_fmt(&old, a), rv_addr_fmt(&pkt->addr, b),
				    (double)p->pv.last_delay_ns / RV_NSEC_PER_MSEC);
			}
			return;
		default:
			break;
		}
	} else if (m.type == RV_ROAM_MSG_REPLY || m.type == RV_ROAM_MSG_CHALLENGE) {
		if (!rv_roam_nonce_none(m.nonce))
			rv_peer_send_roam(p, RV_ROAM_MSG_RESPONSE, NULL, m.nonce);
		if (m.type == RV_ROAM_MSG_REPLY)
			rv_roam_replied(&p->d->roam, m.echo);
		return;
	}
	rv_peer_drop(p, RV_DROP_ROAM_MSG, &pkt->addr, "a roam message of the wrong direction");
}

enum rv_rx
rv_peer_receive(struct rv_peer *p, struct rv_pkt *pkt)
{
	size_t wire = rv_buf_len(&pkt->buf);
	bool newest = true, challenge = false;
	enum rv_rx rx;

	if (pkt->truncated) {
		rv_peer_drop(p, RV_DROP_OVERSIZE, &pkt->addr, NULL);
		return RV_RX_DROP;
	}
	rx = p->tls ? open_tls(p, pkt, &newest) : open_static(p, pkt, &newest);
	if (rx != RV_RX_DELIVER)
		return rx;
	p->auth_rx_bytes += rv_buf_len(&pkt->buf);
	rv_timers_data_received(p);
	rv_roam_heard(&p->d->roam);
	if (!unframe(p, pkt))
		return RV_RX_DROP;
	/* Only now may the address move: authenticated, fresh, and (below)
	 * newer than everything and not empty. */
	if (!rv_addr_equal(&pkt->addr, &p->remote))
		challenge = consider_move(p, pkt, newest, wire);
	else
		rv_pathval_received(&p->pv, &pkt->addr, wire);
	if (rv_roam_msg_is(&pkt->buf)) {
		roam_message(p, pkt);
		return RV_RX_CONSUMED;
	}
	if (challenge)
		rv_peer_send_roam(p, RV_ROAM_MSG_CHALLENGE, p->pv.challenge, NULL);
	if (rv_ping_is_keepalive(&pkt->buf)) {
		p->pings_rx++;
		return RV_RX_CONSUMED;
	}
	if (rv_occ_is_occ(&pkt->buf)) {
		handle_occ(p, pkt);
		return RV_RX_CONSUMED;
	}
	if (rv_buf_len(&pkt->buf) == 0)
		return RV_RX_CONSUMED;
	rv_timers_tun_activity(p);
	rv_mss_clamp(&pkt->buf, p->d->o->dev_type == RV_DEV_TAP, p->mss4, p->mss6);
	return RV_RX_DELIVER;
}

/* Seals and sends the payload being built in the scratch slot. */
static void
send_scratch(struct rv_peer *p, struct rv_buf *b)
{
	if (!rv_addr_is_set(&p->remote) || seal(p, b) != 0)
		return;
	if (p->owner != NULL && p->owner->send != NULL) {
		if (p->owner->send(p->owner_ctx, b) != 0)
			return;
	} else if (rv_link_send_buf(&p->d->link, b, &p->remote) != 0) {
		rv_peer_drop(p, RV_DROP_LINK_SEND, &p->remote, "keepalive or OCC message");
		return;
	}
	rv_timers_data_sent(p);
}

void
rv_peer_apply_keepalive(struct rv_peer *p, int ping, int ping_restart)
{
	if (ping >= 0)
		p->ping = ping;
	if (ping_restart >= 0)
		p->ping_restart = ping_restart;
	rv_timers_keepalive_changed(p);
}

void
rv_peer_send_ping(struct rv_peer *p)
{
	struct rv_pkt *s = &p->scratch.pkts[0];

	rv_pkt_reset(s, SCRATCH_HEADROOM);
	rv_ping_put_keepalive(&s->buf);
	p->pings_tx++;
	send_scratch(p, &s->buf);
}

void
rv_peer_send_occ(struct rv_peer *p, uint8_t type)
{
	struct rv_pkt *s = &p->scratch.pkts[0];
	int mtu = p->d->o->tun_mtu + (int)rv_crypto_overhead(&p->crypto);

	rv_pkt_reset(s, SCRATCH_HEADROOM);
	rv_occ_put(&s->buf, type);
	if (type == RV_OCC_REPLY)
		rv_buf_put(&s->buf, p->occ_local, strlen(p->occ_local) + 1);
	else if (type == RV_OCC_MTU_REPLY) {
		rv_buf_put_u16(&s->buf, (uint16_t)mtu);
		rv_buf_put_u16(&s->buf, (uint16_t)mtu);
	}
	send_scratch(p, &s->buf);
}
