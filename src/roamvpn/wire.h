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
