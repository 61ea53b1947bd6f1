/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_WIRE_H
#define RV_WIRE_H

/*
 * Wire constants of the OpenVPN 2.x protocol, in one place
 * (OpenVPN/openvpn-rfc openvpn-wire-protocol.xml; wire facts sheet).
 */

enum rv_wire {
	RV_WIRE_DEFAULT_PORT = 1194,

	/* Data channel (wire facts 6) */
	RV_WIRE_PID_LEN = 4,              /* short-form packet id */
	RV_WIRE_PID_LONG_LEN = 8,         /* packet id + time, static-key mode */

	/* In-tunnel special payloads (wire facts 7) */
	RV_WIRE_PING_LEN = 16,            /* keepalive magic */
	RV_WIRE_OCC_MAGIC_LEN = 16,
	RV_WIRE_OCC_STRING_MAX = 256,     /* OpenVPN's OPTION_LINE_SIZE */

	/* Outer headers, for --mssfix (IP + UDP) */
	RV_WIRE_UDP4_OVERHEAD = 28,
	RV_WIRE_UDP6_OVERHEAD = 48,
};

/* Opcodes: the high 5 bits of a TLS-mode packet's first byte; the low 3 bits
 * are the key id (wire facts 1). Static-key packets have no opcode. */
enum rv_opcode {
	RV_OP_HARD_RESET_CLIENT_V1 = 1,   /* refused (key method 1) */
	RV_OP_HARD_RESET_SERVER_V1 = 2,   /* refused */
	RV_OP_SOFT_RESET_V1 = 3,
	RV_OP_CONTROL_V1 = 4,
	RV_OP_ACK_V1 = 5,
	RV_OP_DATA_V1 = 6,
	RV_OP_HARD_RESET_CLIENT_V2 = 7,
	RV_OP_HARD_RESET_SERVER_V2 = 8,
	RV_OP_DATA_V2 = 9,
	RV_OP_HARD_RESET_CLIENT_V3 = 10,  /* tls-crypt-v2: recognised, not supported */
	RV_OP_CONTROL_WKC_V1 = 11,        /* tls-crypt-v2: recognised, not supported */
	RV_OP_MAX = 11,
};

/* Control channel and key exchange (wire facts 2-5). */
enum rv_wire_ctl {
	RV_WIRE_OPCODE_SHIFT = 3,
	RV_WIRE_KEY_ID_MASK = 7,
	RV_WIRE_SID_LEN = 8,              /* session id */
	RV_WIRE_ACK_MAX = 8,              /* more acks in one packet: malformed */
	RV_WIRE_ACK_PIGGYBACK = 4,        /* acks sent along with a message */
	RV_WIRE_REL_SEND_WINDOW = 6,      /* messages in flight */
	RV_WIRE_REL_RECV_WINDOW = 12,     /* messages buffered ahead */
	RV_WIRE_TLS_MTU = 1250,           /* whole control packet incl. IP+UDP */
	RV_WIRE_CTL_PAYLOAD_MAX = 1600,   /* larger control payloads are dropped */
	RV_WIRE_TLS_AUTH_PID_LEN = 8,     /* replay id of tls-auth/tls-crypt: counter, time */
	RV_WIRE_TLS_CRYPT_TAG = 32,
	RV_WIRE_TLS_CRYPT_OVERHEAD = 40,
	RV_WIRE_TLS_TEXT_MAX = 2048,      /* one control-channel text message */
	RV_WIRE_KM2_PRE_MASTER = 48,
	RV_WIRE_KM2_RANDOM = 32,
	RV_WIRE_KM2_OPTIONS_MAX = 512,    /* options string incl. NUL */
	RV_WIRE_KEY2_LEN = 256,           /* data-channel key block */
	RV_WIRE_P2P_PEER_ID = 0x76706e,   /* "vpn": p2p peer-id without EKM */
	RV_WIRE_PEER_ID_NONE = 0xffffff,
	RV_WIRE_AEAD_TAG = 16,
	RV_WIRE_AEAD_IMPLICIT_IV = 8,
	RV_WIRE_PID_RENEG = 0xff000000u,  /* renegotiate when the send id gets here */
};

/* IV_PROTO bits of the peer-info (wire facts 4.4). */
enum rv_iv_proto {
	RV_IV_PROTO_DATA_V2 = 1 << 1,
	RV_IV_PROTO_REQUEST_PUSH = 1 << 2,
	RV_IV_PROTO_TLS_KEY_EXPORT = 1 << 3,
	RV_IV_PROTO_AUTH_PENDING_KW = 1 << 4,
	RV_IV_PROTO_NCP_P2P = 1 << 5,
	RV_IV_PROTO_DNS_OPTION = 1 << 6,
	RV_IV_PROTO_CC_EXIT_NOTIFY = 1 << 7,
	RV_IV_PROTO_AUTH_FAIL_TEMP = 1 << 8,
	RV_IV_PROTO_DYN_TLS_CRYPT = 1 << 9,
};

/* Timers and defaults of TLS mode (wire facts 10), seconds. */
enum rv_wire_timing {
	RV_WIRE_TLS_TIMEOUT = 2,          /* first control retransmission */
	RV_WIRE_HAND_WINDOW = 60,
	RV_WIRE_TRAN_WINDOW = 3600,
	RV_WIRE_RENEG_SEC = 3600,
	RV_WIRE_PUSH_REQUEST_FIRST = 1,
	RV_WIRE_PUSH_REQUEST_EVERY = 5,
	RV_WIRE_PRE_PULL_PING_RESTART = 120,
};

/* OCC message types: the byte after the OCC magic (wire facts 7.2). */
enum rv_occ_type {
	RV_OCC_REQUEST = 0,
	RV_OCC_REPLY = 1,
	RV_OCC_MTU_LOAD_REQUEST = 2,
	RV_OCC_MTU_LOAD = 3,
	RV_OCC_MTU_REQUEST = 4,
	RV_OCC_MTU_REPLY = 5,
	RV_OCC_EXIT = 6,
	RV_OCC_TYPE_MAX = 7,
};

/* OCC timing in static-key mode (OpenVPN occ.h). */
enum {
	RV_OCC_INTERVAL_SECS = 10,
	RV_OCC_TRIES = 12,
};

#endif
