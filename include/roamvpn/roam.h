/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ROAMVPN_ROAM_H
#define ROAMVPN_ROAM_H

/*
 * Wire constants of roamvpn's mobility extension (README.mobility, "Wire
 * format"). Everything here travels inside the data channel of an OpenVPN
 * 2.6 session: a roam message is the payload of an ordinary authenticated,
 * replay-protected data packet (P_DATA_V2 carrying the client's peer-id),
 * after the compression framing, exactly where a keepalive or an OCC
 * message would be. A peer that does not speak the extension never sees one:
 * both ends must have negotiated it first.
 *
 * Negotiation:
 *   client -> server  peer-info line   IV_ROAM=1
 *   server -> client  pushed option    roam-extension 1
 * The server pushes the option only to a client that announced IV_ROAM=1 and
 * uses P_DATA_V2 (so its packets name it by peer-id from any address); a
 * client sends roam messages only after the option was pushed.
 *
 * Message (all integers big-endian):
 *   offset  0  magic      16 bytes, RV_ROAM_MAGIC
 *          16  type        1 byte, RV_ROAM_MSG_*
 *          17  flags       1 byte, 0 (receivers ignore unknown bits)
 *          18  nonce       8 bytes (PROBE: the client's; CHALLENGE and REPLY:
 *                          the server's path challenge, all-zero for none)
 *          26  echo        8 bytes (REPLY: the PROBE's nonce; RESPONSE: the
 *                          challenge's nonce; else zero)
 *          34  padding     zero bytes: a PROBE is padded to RV_ROAM_PROBE_LEN
 * A message shorter than RV_ROAM_HDR_LEN, of an unknown type or with a bad
 * magic is dropped and counted.
 *
 * Exchanges:
 *   client moved:       PROBE (from the new address)  ->
 *                       <- REPLY (echo, challenge)    (at once)
 *                       RESPONSE (echo = challenge)   ->  path validated
 *   server saw a move without a probe (NAT rebinding):
 *                       <- CHALLENGE                  RESPONSE ->
 */

#define RV_ROAM_MAGIC \
	"\x7e\x52\x56\x4d\x4f\x42\x49\x4c\x45\xa3\x19\xc2\x5d\x80\x3b\xe6"

enum {
	RV_ROAM_MAGIC_LEN = 16,
	RV_ROAM_NONCE_LEN = 8,
	RV_ROAM_HDR_LEN = 34,
	/* As QUIC's 1200-byte Initial: a probe gives the server a budget of
	 * three times its size to send to the new, not yet validated address. */
	RV_ROAM_PROBE_LEN = 1200,
	RV_ROAM_VERSION = 1,
};

enum rv_roam_msg_type {
	RV_ROAM_MSG_PROBE = 1,        /* client: I moved (or may have); answer now */
	RV_ROAM_MSG_REPLY = 2,        /* server: answer to a probe, maybe a challenge */
	RV_ROAM_MSG_CHALLENGE = 3,    /* server: prove you receive at this address */
	RV_ROAM_MSG_RESPONSE = 4,     /* client: the challenge's nonce, echoed */
};

#define RV_ROAM_PEER_INFO_KEY "IV_ROAM"
#define RV_ROAM_PUSH_OPTION "roam-extension"

/* Anti-amplification: to an address not yet validated the server sends at
 * most this many times the bytes it received from it (RFC 9000, 8.1). */
#define RV_ROAM_AMPLIFICATION 3

#endif
