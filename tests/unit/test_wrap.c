/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for wrap.c: tls-auth and tls-crypt protection of control
 * packets (wire facts 2.2, 2.3).
 *
 * Known answers: the vectors below are UDP payloads Debian's openvpn 2.6.14
 * sent between two network namespaces in TLS p2p mode (tls-server against
 * tls-client, --dev null, the sample certificates of
 * /usr/share/doc/openvpn/examples/sample-keys), in three runs:
 *   tls-auth --auth SHA256 (server key direction 0, client 1),
 *   tls-crypt,
 *   tls-auth --auth SHA1 (server 0, client 1).
 * The static key file held the bytes 00 01 02 ... ff, so keys[0] = cipher
 * 00..3f, HMAC 40..7f and keys[1] = cipher 80..bf, HMAC c0..ff. The fields
 * in vectors[] are what openvpn logged for each packet at --verb 9
 * ("UDPv4 WRITE [n] ... sid= ... pid=[ #counter / time = (t) ] [ acks
 * sid= ] pid=n DATA ..."), and the tls-crypt plaintexts were checked against
 * its "TLS-CRYPT WRAP FROM" lines. tests/unit/vectors/README.md has the
 * commands.
 *
 * Opening openvpn's packet must give the plain body it built; sealing that
 * body with the same counter and time must give its exact bytes.
 */
#include "wrap.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "clock.h"
#include "err.h"
#include "keyfile.h"
#include "mock_clock.h"

enum {
	HEADROOM = 128,
	PKT_MAX = 2048,
	WIN = 64,              /* --replay-window defaults */
	BACKTRACK = 15,
	NOW = 5000,            /* receiver monotonic seconds */
	HEAD = 9,              /* op|kid, sid */
	RID = 8,               /* counter, time */
	WALL = 1700000000,     /* the mock wall clock */
};

struct vector {
	const char *name;
	enum rv_wrap_mode mode;
	const char *digest;            /* tls-auth only */
	bool from_server;              /* sent by the TLS server (key direction 0) */
	const uint8_t *wire;
	size_t wire_len;
	const uint8_t *plain;          /* tls-crypt: the decrypted body; tls-auth:
	                                * NULL, the body is the wire's tail */
	size_t plain_len;
	uint8_t first;
	uint8_t sid[8];
	uint32_t counter, time;
	uint8_t nacks;
	uint32_t acks[8];
	uint8_t ack_sid[8];
	bool has_pid;
	uint32_t pid;
	size_t payload_len;
};

/* --- vectors from openvpn 2.6.14 ------------------------------------------ */

/* auth256_c2s_reset_c: packet 1 of the capture, 54 bytes */
static const uint8_t auth256_c2s_reset_c_wire[] = {
	0x38, 0x60, 0x4d, 0x71, 0x01, 0xfb, 0x32, 0x0d, 0xeb, 0x49, 0x90, 0x92,
	0xb3, 0x1f, 0xa2, 0x62, 0x82, 0x72, 0x18, 0xa7, 0xef, 0xac, 0xab, 0x53,
	0x73, 0x39, 0x36, 0xd9, 0x08, 0xfa, 0xb2, 0x16, 0x73, 0xc6, 0x2c, 0x92,
	0xc8, 0xd8, 0x0a, 0xf0, 0x10, 0x00, 0x00, 0x00, 0x01, 0x6b, 0x04, 0x91,
	0xf9, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* auth256_s2c_reset_s: packet 2 of the capture, 66 bytes */
static const uint8_t auth256_s2c_reset_s_wire[] = {
	0x40, 0xe8, 0x2e, 0xb3, 0x55, 0xd2, 0x94, 0xf0, 0x56, 0xae, 0xc3, 0x8c,
	0xdc, 0xa1, 0x12, 0xb3, 0xe1, 0x10, 0x50, 0x6a, 0x56, 0x90, 0xed, 0x93,
	0xb5, 0xc9, 0xc3, 0xfc, 0xb7, 0x56, 0x43, 0xc3, 0x6f, 0x7e, 0xba, 0xb1,
	0x94, 0xc8, 0xd9, 0xed, 0xe0, 0x00, 0x00, 0x00, 0x02, 0x6b, 0x04, 0x91,
	0xf9, 0x01, 0x00, 0x00, 0x00, 0x00, 0x60, 0x4d, 0x71, 0x01, 0xfb, 0x32,
	0x0d, 0xeb, 0x00, 0x00, 0x00, 0x00,
};

/* auth256_c2s_ack: packet 9 of the capture, 74 bytes */
static const uint8_t auth256_c2s_ack_wire[] = {
	0x28, 0x60, 0x4d, 0x71, 0x01, 0xfb, 0x32, 0x0d, 0xeb, 0xc0, 0xe4, 0xe1,
	0xb4, 0x19, 0x13, 0x35, 0x12, 0x4c, 0xc1, 0x35, 0x3c, 0x98, 0x12, 0xdf,
	0xff, 0x06, 0xbc, 0xfd, 0xfb, 0x8f, 0x9c, 0x01, 0x1f, 0xdc, 0x70, 0xef,
	0x4d, 0x7b, 0x36, 0xaf, 0x66, 0x00, 0x00, 0x00, 0x05, 0x6b, 0x04, 0x91,
	0xf9, 0x04, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0xe8, 0x2e, 0xb3, 0x55, 0xd2, 0x94,
	0xf0, 0x56,
};

/* auth256_s2c_control: packet 16 of the capture, 236 bytes */
static const uint8_t auth256_s2c_control_wire[] = {
	0x20, 0xe8, 0x2e, 0xb3, 0x55, 0xd2, 0x94, 0xf0, 0x56, 0xc8, 0xcd, 0xab,
	0xf7, 0xc0, 0x02, 0xd0, 0xc1, 0xea, 0x3c, 0x5d, 0xe7, 0x7a, 0xf4, 0x44,
	0xc3, 0x79, 0x66, 0x35, 0x9c, 0x14, 0x08, 0x3f, 0x93, 0x14, 0x02, 0xf9,
	0xbb, 0x99, 0xa7, 0x4b, 0xa0, 0x00, 0x00, 0x00, 0x09, 0x6b, 0x04, 0x91,
	0xf9, 0x04, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00,
	0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x60, 0x4d, 0x71, 0x01, 0xfb, 0x32,
	0x0d, 0xeb, 0x00, 0x00, 0x00, 0x05, 0x17, 0x03, 0x03, 0x00, 0x4a, 0xb2,
	0x16, 0xb3, 0xad, 0x5b, 0xf4, 0x05, 0xea, 0xfe, 0xc9, 0x38, 0x7f, 0xe5,
	0x0f, 0x83, 0x69, 0xff, 0x80, 0x49, 0x06, 0x1c, 0x69, 0xa6, 0x13, 0x0a,
	0xb7, 0xe4, 0x40, 0x2a, 0x88, 0xd5, 0x39, 0xb8, 0x3d, 0x48, 0xa4, 0x2b,
	0xe1, 0xf0, 0xdd, 0x39, 0x92, 0x0e, 0x1f, 0xb9, 0x89, 0xba, 0xee, 0x68,
	0xec, 0xa3, 0x14, 0xf2, 0x25, 0x6a, 0xed, 0x0d, 0x4a, 0x8b, 0xcd, 0x99,
	0x16, 0x28, 0x52, 0x3b, 0xdf, 0x08, 0x26, 0x10, 0x10, 0x4b, 0x02, 0x97,
	0x86, 0x17, 0x03, 0x03, 0x00, 0x4a, 0xe0, 0xa8, 0x4a, 0x8c, 0x34, 0x37,
	0x42, 0x4b, 0xc2, 0x56, 0x79, 0x49, 0x92, 0x1e, 0xf1, 0x16, 0xa6, 0xd8,
	0xf4, 0x3b, 0x4c, 0x2b, 0xb1, 0x1d, 0xc0, 0xe3, 0x2a, 0xf4, 0xd5, 0xa0,
	0x34, 0x85, 0x71, 0xb5, 0x18, 0xdb, 0x69, 0xf2, 0x94, 0x04, 0x23, 0xec,
	0x71, 0xd0, 0x84, 0xcc, 0x1e, 0xa2, 0x6f, 0xca, 0x03, 0x21, 0x78, 0x0f,
	0xf4, 0xfc, 0xbe, 0x24, 0x41, 0x79, 0xe1, 0x63, 0xd1, 0x06, 0xe5, 0xbb,
	0xe8, 0x45, 0x69, 0xed, 0xc6, 0xff, 0xda, 0xbb,
};

/* crypt_c2s_reset_c: packet 0 of the capture, 54 bytes */
static const uint8_t crypt_c2s_reset_c_wire[] = {
	0x38, 0xfa, 0x0f, 0xa6, 0x80, 0xf3, 0x24, 0xa6, 0xb9, 0x00, 0x00, 0x00,
	0x01, 0x6b, 0x04, 0x91, 0xfd, 0xaa, 0xb1, 0xcb, 0xac, 0x06, 0xe7, 0x26,
	0xd4, 0xd2, 0x60, 0xbd, 0xb3, 0x68, 0xcb, 0xf0, 0x5d, 0x57, 0x4b, 0x8c,
	0x25, 0x8a, 0x68, 0x85, 0x6c, 0xf3, 0x14, 0xb4, 0x14, 0x7f, 0xbf, 0xc8,
	0xc3, 0x1c, 0x74, 0xfd, 0xb8, 0xdf,
};

static const uint8_t crypt_c2s_reset_c_plain[] = {
	0x00, 0x00, 0x00, 0x00, 0x00,
};

/* crypt_s2c_ack: packet 3 of the capture, 62 bytes */
static const uint8_t crypt_s2c_ack_wire[] = {
	0x28, 0x6b, 0x52, 0xfd, 0x5e, 0x7f, 0x00, 0x28, 0x22, 0x00, 0x00, 0x00,
	0x02, 0x6b, 0x04, 0x91, 0xfd, 0xa7, 0xc8, 0xce, 0x50, 0x90, 0x02, 0xc2,
	0x2e, 0x65, 0xc0, 0x40, 0x62, 0x6f, 0xd6, 0x26, 0xbe, 0xf7, 0x2d, 0x0d,
	0x02, 0x1f, 0xd3, 0xfd, 0xc3, 0xf4, 0x5d, 0xf0, 0x21, 0x1e, 0x79, 0x79,
	0xed, 0x41, 0x33, 0x6f, 0xc3, 0x76, 0x97, 0x09, 0x9c, 0x78, 0xf7, 0xe2,
	0x26, 0xd8,
};

static const uint8_t crypt_s2c_ack_plain[] = {
	0x01, 0x00, 0x00, 0x00, 0x00, 0xfa, 0x0f, 0xa6, 0x80, 0xf3, 0x24, 0xa6,
	0xb9,
};

/* crypt_s2c_control: packet 18 of the capture, 236 bytes */
static const uint8_t crypt_s2c_control_wire[] = {
	0x20, 0x6b, 0x52, 0xfd, 0x5e, 0x7f, 0x00, 0x28, 0x22, 0x00, 0x00, 0x00,
	0x09, 0x6b, 0x04, 0x91, 0xfd, 0x63, 0x43, 0x64, 0x98, 0x82, 0xfc, 0xce,
	0x64, 0x9d, 0xd8, 0x8b, 0xfd, 0x74, 0xe6, 0x1f, 0x0b, 0x78, 0xf2, 0x5b,
	0x6f, 0x91, 0x69, 0xed, 0x7e, 0xb5, 0x17, 0x8c, 0x75, 0xe5, 0x3e, 0x9f,
	0x18, 0x3f, 0x5d, 0x55, 0x37, 0x33, 0xc3, 0x48, 0xb5, 0xd8, 0xc8, 0xca,
	0xf6, 0x09, 0x5a, 0xe2, 0xe2, 0xd4, 0x9f, 0xc3, 0x17, 0xb6, 0x39, 0xba,
	0x48, 0xad, 0xae, 0x6e, 0xc6, 0xd2, 0xf6, 0x20, 0x91, 0xaa, 0x0f, 0xa0,
	0xd0, 0xcd, 0x15, 0xb9, 0x73, 0x56, 0xc4, 0x40, 0xff, 0x18, 0xc6, 0xb3,
	0xc3, 0x70, 0x25, 0x63, 0xc6, 0x44, 0xbd, 0x26, 0xd7, 0x24, 0x14, 0xa9,
	0xfc, 0xd0, 0x7c, 0xf2, 0x54, 0xb5, 0x02, 0xab, 0x98, 0x17, 0x69, 0xde,
	0x15, 0xe8, 0x96, 0xd6, 0x16, 0x1b, 0x87, 0xa6, 0xde, 0x45, 0x76, 0xcd,
	0x6c, 0x91, 0x4c, 0x0c, 0x77, 0xa9, 0x38, 0x66, 0xf7, 0x40, 0xf2, 0x14,
	0xbd, 0xa3, 0xb4, 0x86, 0x13, 0x76, 0x79, 0xda, 0xc3, 0x3e, 0xe8, 0x22,
	0x0b, 0x79, 0xac, 0xb9, 0xd0, 0x1f, 0x51, 0x67, 0x1c, 0x1c, 0xb0, 0x98,
	0xaf, 0x46, 0xa9, 0x99, 0x4e, 0x1e, 0xff, 0x37, 0x84, 0x5c, 0x61, 0x56,
	0xc3, 0x6f, 0x50, 0xdc, 0x78, 0xe2, 0x46, 0x6c, 0x39, 0x5d, 0xef, 0xb6,
	0x6c, 0x68, 0x16, 0x0b, 0xd5, 0xfd, 0xda, 0x99, 0xb7, 0x33, 0xe6, 0x21,
	0xe2, 0xa9, 0xf6, 0x76, 0x7d, 0x0d, 0xe8, 0x80, 0x2d, 0x39, 0x38, 0x7e,
	0xb4, 0xd6, 0xc1, 0xdd, 0x8b, 0x85, 0x8c, 0x54, 0xf3, 0x11, 0x54, 0x7e,
	0x46, 0xf6, 0xcc, 0x6f, 0x87, 0xbf, 0x87, 0x1d,
};

static const uint8_t crypt_s2c_control_plain[] = {
	0x04, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,
	0x02, 0x00, 0x00, 0x00, 0x01, 0xfa, 0x0f, 0xa6, 0x80, 0xf3, 0x24, 0xa6,
	0xb9, 0x00, 0x00, 0x00, 0x05, 0x17, 0x03, 0x03, 0x00, 0x4a, 0xf8, 0xaa,
	0x7a, 0x35, 0xaf, 0xa9, 0x1e, 0x6e, 0x36, 0xcb, 0x98, 0x09, 0xec, 0x37,
	0x63, 0x1e, 0x57, 0xcf, 0x78, 0x89, 0x14, 0x4c, 0xb8, 0xa5, 0xf3, 0x63,
	0xc3, 0x0b, 0x6c, 0x17, 0x7e, 0x00, 0x50, 0xb0, 0xa1, 0xb5, 0x28, 0x6d,
	0xf6, 0x49, 0x38, 0xf2, 0x05, 0x7f, 0xdc, 0x59, 0x3d, 0xc7, 0x96, 0xca,
	0x53, 0x8f, 0xb9, 0xac, 0xad, 0xe5, 0x38, 0xa1, 0xf3, 0x4e, 0x6d, 0xf8,
	0x35, 0xa3, 0x80, 0x5e, 0x17, 0x82, 0xb6, 0x07, 0x06, 0xf0, 0xb3, 0x89,
	0x17, 0x03, 0x03, 0x00, 0x4a, 0x3b, 0xac, 0x97, 0x59, 0xaa, 0x61, 0x5f,
	0x6c, 0x1a, 0xc4, 0xfe, 0xae, 0x5c, 0x87, 0x1f, 0x59, 0x47, 0x3e, 0x22,
	0x30, 0x6b, 0x6e, 0xd6, 0x27, 0xf9, 0x71, 0x40, 0x09, 0x53, 0xfb, 0xf9,
	0xfe, 0x6a, 0xf8, 0xa3, 0xbc, 0xef, 0x19, 0x31, 0x09, 0x04, 0x1c, 0x2c,
	0x41, 0x15, 0x91, 0x70, 0xc3, 0xe8, 0xdf, 0x09, 0x29, 0x57, 0x08, 0xea,
	0x95, 0x98, 0x78, 0x8c, 0xbe, 0x22, 0x37, 0x5c, 0xc2, 0x18, 0x58, 0x9a,
	0xb8, 0xd0, 0xfb, 0x73, 0x79, 0xe1, 0x71,
};

/* crypt_c2s_ack: packet 21 of the capture, 86 bytes */
static const uint8_t crypt_c2s_ack_wire[] = {
	0x28, 0xfa, 0x0f, 0xa6, 0x80, 0xf3, 0x24, 0xa6, 0xb9, 0x00, 0x00, 0x00,
	0x0c, 0x6b, 0x04, 0x91, 0xfd, 0x3b, 0x75, 0xad, 0x4f, 0xa3, 0x0a, 0x1e,
	0x01, 0x7a, 0xe7, 0xc5, 0x97, 0x19, 0x75, 0x04, 0x71, 0x4a, 0xd5, 0xbb,
	0x01, 0xd5, 0x05, 0xe9, 0xcb, 0xde, 0x20, 0x75, 0xc4, 0x4a, 0x8e, 0xda,
	0xc3, 0x4d, 0x37, 0xef, 0x93, 0x90, 0xf5, 0xdf, 0x92, 0xc7, 0x41, 0x19,
	0x37, 0x35, 0x42, 0x4d, 0x6a, 0x36, 0xfd, 0xde, 0xaa, 0x5a, 0x03, 0x2e,
	0x33, 0x35, 0x20, 0x92, 0xb0, 0xd4, 0x71, 0x81, 0x09, 0xd3, 0xe1, 0x0d,
	0xc8, 0xfb,
};

static const uint8_t crypt_c2s_ack_plain[] = {
	0x07, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00,
	0x04, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x00, 0x6b, 0x52, 0xfd, 0x5e, 0x7f, 0x00, 0x28,
	0x22,
};

/* auth1_c2s_reset_c: packet 0 of the capture, 42 bytes */
static const uint8_t auth1_c2s_reset_c_wire[] = {
	0x38, 0x45, 0x14, 0x52, 0xa0, 0x49, 0x27, 0xe6, 0xf8, 0xf7, 0x4c, 0x80,
	0x2d, 0x15, 0x5e, 0x3b, 0x80, 0xd5, 0x08, 0xe4, 0xc8, 0xf3, 0x39, 0xd6,
	0xfe, 0xf4, 0x73, 0xd9, 0xb7, 0x00, 0x00, 0x00, 0x01, 0x6b, 0x04, 0x92,
	0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* auth1_s2c_ack: packet 3 of the capture, 50 bytes */
static const uint8_t auth1_s2c_ack_wire[] = {
	0x28, 0x8e, 0xe8, 0x77, 0x8d, 0xe7, 0xa4, 0x1d, 0xd4, 0xc7, 0x63, 0x6d,
	0xe2, 0x36, 0x31, 0xac, 0x94, 0x8a, 0xb1, 0xa7, 0xad, 0xcd, 0xa0, 0x14,
	0x68, 0x5f, 0xd8, 0xeb, 0xb9, 0x00, 0x00, 0x00, 0x02, 0x6b, 0x04, 0x92,
	0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x45, 0x14, 0x52, 0xa0, 0x49, 0x27,
	0xe6, 0xf8,
};

/* auth1_s2c_control: packet 18 of the capture, 224 bytes */
static const uint8_t auth1_s2c_control_wire[] = {
	0x20, 0x8e, 0xe8, 0x77, 0x8d, 0xe7, 0xa4, 0x1d, 0xd4, 0x1c, 0xa4, 0x58,
	0x62, 0xff, 0x61, 0x44, 0xd4, 0x1d, 0xbe, 0x95, 0x19, 0x13, 0xbf, 0x2f,
	0x48, 0xa1, 0xcd, 0xa1, 0xc6, 0x00, 0x00, 0x00, 0x09, 0x6b, 0x04, 0x92,
	0x01, 0x04, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00,
	0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x45, 0x14, 0x52, 0xa0, 0x49, 0x27,
	0xe6, 0xf8, 0x00, 0x00, 0x00, 0x05, 0x17, 0x03, 0x03, 0x00, 0x4a, 0x2a,
	0xbd, 0x53, 0xbb, 0xac, 0x5d, 0xcd, 0xd7, 0xf3, 0xe3, 0xcb, 0xe0, 0x27,
	0x55, 0xf2, 0xc8, 0x4b, 0x65, 0x2d, 0x07, 0x24, 0xd3, 0x40, 0xdc, 0x4b,
	0x70, 0xc4, 0xaa, 0xb3, 0x88, 0x0b, 0x78, 0x7a, 0x9d, 0x0f, 0xfd, 0x16,
	0xaf, 0x4d, 0x9a, 0x1f, 0xf2, 0x67, 0x6b, 0x77, 0x78, 0x47, 0xd1, 0x1f,
	0x80, 0xd3, 0x87, 0x79, 0x76, 0xd2, 0xe0, 0xbd, 0xfa, 0x43, 0x06, 0x72,
	0xb1, 0xf1, 0x2b, 0x3f, 0x69, 0x98, 0xc5, 0x93, 0xde, 0x3b, 0xeb, 0x50,
	0x03, 0x17, 0x03, 0x03, 0x00, 0x4a, 0xaf, 0x70, 0xdf, 0xca, 0x44, 0xad,
	0xf9, 0xb0, 0x5a, 0x60, 0x92, 0x99, 0xec, 0x6b, 0x91, 0x67, 0x5f, 0x99,
	0xa1, 0xef, 0x5d, 0x92, 0x5b, 0xfc, 0xb8, 0xdd, 0x2e, 0x44, 0xf2, 0x44,
	0x09, 0x0d, 0x31, 0x33, 0xdf, 0xb1, 0x4e, 0x08, 0xe3, 0x0a, 0x34, 0x89,
	0x34, 0x12, 0xe9, 0x60, 0x29, 0x2b, 0xd3, 0x8c, 0x59, 0x98, 0x7b, 0x83,
	0x2e, 0xcc, 0x34, 0x2b, 0xc9, 0xe1, 0x68, 0x44, 0xde, 0x6b, 0xa9, 0x91,
	0xa7, 0xc1, 0xfe, 0xf4, 0x4b, 0x0a, 0x14, 0x09,
};

static const struct vector vectors[] = {
	{ "auth256_c2s_reset_c", RV_WRAP_AUTH, "SHA256", false,
	  auth256_c2s_reset_c_wire, sizeof(auth256_c2s_reset_c_wire),
	  NULL, 0,
	  0x38, { 0x60, 0x4d, 0x71, 0x01, 0xfb, 0x32, 0x0d, 0xeb }, 1, 0x6b0491f9,
	  0, { 0 }, { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 },
	  true, 0, 0 },
	{ "auth256_s2c_reset_s", RV_WRAP_AUTH, "SHA256", true,
	  auth256_s2c_reset_s_wire, sizeof(auth256_s2c_reset_s_wire),
	  NULL, 0,
	  0x40, { 0xe8, 0x2e, 0xb3, 0x55, 0xd2, 0x94, 0xf0, 0x56 }, 2, 0x6b0491f9,
	  1, { 0 }, { 0x60, 0x4d, 0x71, 0x01, 0xfb, 0x32, 0x0d, 0xeb },
	  true, 0, 0 },
	{ "auth256_c2s_ack", RV_WRAP_AUTH, "SHA256", false,
	  auth256_c2s_ack_wire, sizeof(auth256_c2s_ack_wire),
	  NULL, 0,
	  0x28, { 0x60, 0x4d, 0x71, 0x01, 0xfb, 0x32, 0x0d, 0xeb }, 5, 0x6b0491f9,
	  4, { 3, 2, 1, 0 }, { 0xe8, 0x2e, 0xb3, 0x55, 0xd2, 0x94, 0xf0, 0x56 },
	  false, 0, 0 },
	{ "auth256_s2c_control", RV_WRAP_AUTH, "SHA256", true,
	  auth256_s2c_control_wire, sizeof(auth256_s2c_control_wire),
	  NULL, 0,
	  0x20, { 0xe8, 0x2e, 0xb3, 0x55, 0xd2, 0x94, 0xf0, 0x56 }, 9, 0x6b0491f9,
	  4, { 4, 3, 2, 1 }, { 0x60, 0x4d, 0x71, 0x01, 0xfb, 0x32, 0x0d, 0xeb },
	  true, 5, 158 },
	{ "crypt_c2s_reset_c", RV_WRAP_CRYPT, NULL, false,
	  crypt_c2s_reset_c_wire, sizeof(crypt_c2s_reset_c_wire),
	  crypt_c2s_reset_c_plain, sizeof(crypt_c2s_reset_c_plain),
	  0x38, { 0xfa, 0x0f, 0xa6, 0x80, 0xf3, 0x24, 0xa6, 0xb9 }, 1, 0x6b0491fd,
	  0, { 0 }, { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 },
	  true, 0, 0 },
	{ "crypt_s2c_ack", RV_WRAP_CRYPT, NULL, true,
	  crypt_s2c_ack_wire, sizeof(crypt_s2c_ack_wire),
	  crypt_s2c_ack_plain, sizeof(crypt_s2c_ack_plain),
	  0x28, { 0x6b, 0x52, 0xfd, 0x5e, 0x7f, 0x00, 0x28, 0x22 }, 2, 0x6b0491fd,
	  1, { 0 }, { 0xfa, 0x0f, 0xa6, 0x80, 0xf3, 0x24, 0xa6, 0xb9 },
	  false, 0, 0 },
	{ "crypt_s2c_control", RV_WRAP_CRYPT, NULL, true,
	  crypt_s2c_control_wire, sizeof(crypt_s2c_control_wire),
	  crypt_s2c_control_plain, sizeof(crypt_s2c_control_plain),
	  0x20, { 0x6b, 0x52, 0xfd, 0x5e, 0x7f, 0x00, 0x28, 0x22 }, 9, 0x6b0491fd,
	  4, { 4, 3, 2, 1 }, { 0xfa, 0x0f, 0xa6, 0x80, 0xf3, 0x24, 0xa6, 0xb9 },
	  true, 5, 158 },
	{ "crypt_c2s_ack", RV_WRAP_CRYPT, NULL, false,
	  crypt_c2s_ack_wire, sizeof(crypt_c2s_ack_wire),
	  crypt_c2s_ack_plain, sizeof(crypt_c2s_ack_plain),
	  0x28, { 0xfa, 0x0f, 0xa6, 0x80, 0xf3, 0x24, 0xa6, 0xb9 }, 12, 0x6b0491fd,
	  7, { 6, 5, 4, 3, 2, 1, 0 }, { 0x6b, 0x52, 0xfd, 0x5e, 0x7f, 0x00, 0x28, 0x22 },
	  false, 0, 0 },
	{ "auth1_c2s_reset_c", RV_WRAP_AUTH, "SHA1", false,
	  auth1_c2s_reset_c_wire, sizeof(auth1_c2s_reset_c_wire),
	  NULL, 0,
	  0x38, { 0x45, 0x14, 0x52, 0xa0, 0x49, 0x27, 0xe6, 0xf8 }, 1, 0x6b049201,
	  0, { 0 }, { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 },
	  true, 0, 0 },
	{ "auth1_s2c_ack", RV_WRAP_AUTH, "SHA1", true,
	  auth1_s2c_ack_wire, sizeof(auth1_s2c_ack_wire),
	  NULL, 0,
	  0x28, { 0x8e, 0xe8, 0x77, 0x8d, 0xe7, 0xa4, 0x1d, 0xd4 }, 2, 0x6b049201,
	  1, { 0 }, { 0x45, 0x14, 0x52, 0xa0, 0x49, 0x27, 0xe6, 0xf8 },
	  false, 0, 0 },
	{ "auth1_s2c_control", RV_WRAP_AUTH, "SHA1", true,
	  auth1_s2c_control_wire, sizeof(auth1_s2c_control_wire),
	  NULL, 0,
	  0x20, { 0x8e, 0xe8, 0x77, 0x8d, 0xe7, 0xa4, 0x1d, 0xd4 }, 9, 0x6b049201,
	  4, { 4, 3, 2, 1 }, { 0x45, 0x14, 0x52, 0xa0, 0x49, 0x27, 0xe6, 0xf8 },
	  true, 5, 158 },
};

/* --- helpers ----------------------------------------------------------------- */

/* The capture's key file: 00 01 02 ... ff. */
static void
count_key(struct rv_key2 *k)
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

/* A context for the side that sent v (sender) or received it. tls-auth
 * directions as openvpn was run: server 0, client 1. */
static void
init_for(struct rv_wrap *w, const struct vector *v, bool sender)
{
	bool server = sender ? v->from_server : !v->from_server;
	struct rv_key2 k;

	count_key(&k);
	if (v->mode == RV_WRAP_AUTH)
		assert_int_equal(rv_wrap_init_auth(w, v->digest, &k,
		    server ? RV_KEYDIR_NORMAL : RV_KEYDIR_INVERSE, WIN, BACKTRACK), 0);
	else
		assert_int_equal(rv_wrap_init_crypt(w, &k, server, WIN, BACKTRACK), 0);
}

/* The same, but with the other side's keys: the wrong direction. */
static void
init_wrong(struct rv_wrap *w, const struct vector *v)
{
	init_for(w, v, true);
}

static size_t
hmac_size(const char *digest)
{
	if (strcmp(digest, "SHA1") == 0)
		return 20;
	if (strcmp(digest, "SHA256") == 0)
		return 32;
	return 64;
}

/* The plain body of v: tls-crypt keeps it in the vector, tls-auth sends it
 * as it is after [9] head [H] hmac [8] replay id. */
static void
plain_of(const struct vector *v, struct rv_buf *body)
{
	struct rv_buf all;

	if (v->plain != NULL) {
		rv_buf_init_ro(body, v->plain, v->plain_len);
		return;
	}
	rv_buf_init_ro(&all, v->wire, v->wire_len);
	assert_int_equal(rv_buf_skip(&all, HEAD + hmac_size(v->digest) + RID), 0);
	*body = all;
}

static void
load(struct rv_buf *b, uint8_t *mem, const uint8_t *data, size_t len)
{
	rv_buf_init(b, mem, PKT_MAX, HEADROOM);
	assert_int_equal(rv_buf_put(b, data, len), 0);
}

static void
assert_buf_equal(const struct rv_buf *b, const void *data, size_t len)
{
	assert_int_equal(rv_buf_len(b), len);
	assert_memory_equal(rv_buf_data(b), data, len);
}

/* Reads the body by hand (ctlpkt.c is not linked here) and checks it
 * against what openvpn logged. */
static void
check_body(const struct vector *v, struct rv_buf body)
{
	uint8_t n, sid[8];
	uint32_t id;

	assert_int_equal(rv_buf_get_u8(&body, &n), 0);
	assert_int_equal(n, v->nacks);
	for (unsigned i = 0; i < n; i++) {
		assert_int_equal(rv_buf_get_u32(&body, &id), 0);
		assert_int_equal(id, v->acks[i]);
	}
	if (n > 0) {
		assert_int_equal(rv_buf_get(&body, sid, 8), 0);
		assert_memory_equal(sid, v->ack_sid, 8);
	}
	if (v->has_pid) {
		assert_int_equal(rv_buf_get_u32(&body, &id), 0);
		assert_int_equal(id, v->pid);
	}
	assert_int_equal(rv_buf_len(&body), v->payload_len);
}

/* --- known answers ----------------------------------------------------------- */

static void
test_kat_open(void **state)
{
	uint8_t mem[PKT_MAX], first, sid[8];
	struct rv_buf b, plain;
	struct rv_wrap w;

	(void)state;
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		const struct vector *v = &vectors[i];

		print_message("%s\n", v->name);
		init_for(&w, v, false);
		load(&b, mem, v->wire, v->wire_len);
		memset(sid, 0, sizeof(sid));
		assert_int_equal(rv_wrap_open(&w, &b, &first, sid, NOW), 0);
		assert_int_equal(first, v->first);
		assert_memory_equal(sid, v->sid, 8);
		plain_of(v, &plain);
		assert_buf_equal(&b, rv_buf_data(&plain), rv_buf_len(&plain));
		check_body(v, b);
		assert_int_equal(w.failed, 0);
		/* the replay window took openvpn's counter and time */
		assert_true(w.replay.started);
		assert_int_equal(w.replay.top, v->counter);
		assert_int_equal(w.replay.time, v->time);
		rv_wrap_clear(&w);
	}
}

static void
test_kat_seal(void **state)
{
	uint8_t mem[PKT_MAX];
	struct rv_buf b, plain;
	struct rv_wrap w;

	(void)state;
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		const struct vector *v = &vectors[i];

		print_message("%s\n", v->name);
		init_for(&w, v, true);
		plain_of(v, &plain);
		load(&b, mem, rv_buf_data(&plain), rv_buf_len(&plain));
		w.send_counter = v->counter - 1;
		w.send_time = v->time;
		assert_int_equal(rv_wrap_seal(&w, &b, v->first, v->sid), 0);
		assert_buf_equal(&b, v->wire, v->wire_len);
		assert_int_equal(w.send_counter, v->counter);
		assert_int_equal(w.send_time, v->time);
		assert_int_equal(rv_buf_len(&b), HEAD + rv_wrap_overhead(&w) + rv_buf_len(&plain));
		rv_wrap_clear(&w);
	}
}

/* The packets sent by one openvpn in one run arrive in order: the window
 * takes them one after another, whatever order the vectors list them in. */
static void
test_kat_sequence(void **state)
{
	uint8_t mem[PKT_MAX], first, sid[8];
	struct rv_wrap w;
	struct rv_buf b;

	(void)state;
	/* auth256: the server's reset (counter 2) and control (counter 9) */
	init_for(&w, &vectors[1], false);
	load(&b, mem, vectors[1].wire, vectors[1].wire_len);
	assert_int_equal(rv_wrap_open(&w, &b, &first, sid, NOW), 0);
	load(&b, mem, vectors[3].wire, vectors[3].wire_len);
	assert_int_equal(rv_wrap_open(&w, &b, &first, sid, NOW), 0);
	/* the older one again: seen */
	load(&b, mem, vectors[1].wire, vectors[1].wire_len);
	assert_int_equal(rv_wrap_open(&w, &b, &first, sid, NOW), RV_ERR_REPLAY);
	rv_wrap_clear(&w);
}

/* --- failures ------------------------------------------------------------------ */

static void
test_wrong_direction(void **state)
{
	uint8_t mem[PKT_MAX], first = 0x55, sid[8];
	struct rv_wrap w;
	struct rv_buf b;

	(void)state;
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		const struct vector *v = &vectors[i];

		print_message("%s\n", v->name);
		init_wrong(&w, v);
		load(&b, mem, v->wire, v->wire_len);
		memset(sid, 0xaa, sizeof(sid));
		assert_int_equal(rv_wrap_open(&w, &b, &first, sid, NOW), RV_ERR_AUTH);
		assert_int_equal(w.failed, 1);
		assert_false(w.replay.started);
		/* nothing was read out, and b still holds the packet as it came */
		assert_int_equal(first, 0x55);
		assert_int_equal(sid[0], 0xaa);
		assert_buf_equal(&b, v->wire, v->wire_len);
		rv_wrap_clear(&w);
	}
}

/* Every single-bit change anywhere in the packet is refused, leaves the
 * packet as it came and the window where it was. */
static void
test_bit_flips(void **state)
{
	uint8_t mem[PKT_MAX], bad[PKT_MAX], first, sid[8];
	struct rv_wrap w;
	struct rv_buf b;

	(void)state;
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		const struct vector *v = &vectors[i];
		uint64_t flips = 0;

		print_message("%s\n", v->name);
		init_for(&w, v, false);
		for (size_t bit = 0; bit < v->wire_len * 8; bit++) {
			memcpy(bad, v->wire, v->wire_len);
			bad[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			load(&b, mem, bad, v->wire_len);
			assert_int_equal(rv_wrap_open(&w, &b, &first, sid, NOW), RV_ERR_AUTH);
			assert_buf_equal(&b, bad, v->wire_len);
			flips++;
		}
		assert_int_equal(w.failed, flips);
		assert_false(w.replay.started);
		/* the real packet still gets through */
		load(&b, mem, v->wire, v->wire_len);
		assert_int_equal(rv_wrap_open(&w, &b, &first, sid, NOW), 0);
		rv_wrap_clear(&w);
	}
}

static void
test_replay(void **state)
{
	uint8_t mem[PKT_MAX], first, sid[8];
	struct rv_wrap w;
	struct rv_buf b;

	(void)state;
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		const struct vector *v = &vectors[i];

		print_message("%s\n", v->name);
		init_for(&w, v, false);
		load(&b, mem, v->wire, v->wire_len);
		assert_int_equal(rv_wrap_open(&w, &b, &first, sid, NOW), 0);
		load(&b, mem, v->wire, v->wire_len);
		first = 0x55;
		assert_int_equal(rv_wrap_open(&w, &b, &first, sid, NOW), RV_ERR_REPLAY);
		assert_int_equal(first, 0x55);
		/* a replay verified: counted by the window, not as a failure */
		assert_int_equal(w.failed, 0);
		assert_int_equal(w.replay.refused, 1);
		/* tls-crypt put the ciphertext back */
		assert_buf_equal(&b, v->wire, v->wire_len);
		rv_wrap_clear(&w);
	}
}

/* Sender and receiver of each mode, with the capture's key. */
enum { NMODES = 5 };

static void
init_pair(int m, struct rv_wrap *tx, struct rv_wrap *rx)
{
	static const char *const digests[] = { "SHA1", "SHA256", "SHA512" };
	struct rv_key2 k;

	count_key(&k);
	switch (m) {
	case 0:
		rv_wrap_init_none(tx);
		rv_wrap_init_none(rx);
		break;
	case 1:
	case 2:
	case 3:
		assert_int_equal(rv_wrap_init_auth(tx, digests[m - 1], &k, RV_KEYDIR_NORMAL, WIN,
		    BACKTRACK), 0);
		assert_int_equal(rv_wrap_init_auth(rx, digests[m - 1], &k, RV_KEYDIR_INVERSE, WIN,
		    BACKTRACK), 0);
		break;
	default:
		assert_int_equal(rv_wrap_init_crypt(tx, &k, true, WIN, BACKTRACK), 0);
		assert_int_equal(rv_wrap_init_crypt(rx, &k, false, WIN, BACKTRACK), 0);
		break;
	}
}

static const uint8_t test_sid[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
static const uint8_t test_body[] = { 0x00, 0x00, 0x00, 0x00, 0x07, 'h', 'e', 'l', 'l', 'o' };

static void
seal_body(struct rv_wrap *tx, struct rv_buf *b, uint8_t *mem)
{
	load(b, mem, test_body, sizeof(test_body));
	assert_int_equal(rv_wrap_seal(tx, b, 0x20, test_sid), 0);
}

/* A forged packet with a high counter must not move the window: had it done
 * so, counter 1 would be too old afterwards. */
static void
test_failed_keeps_window(void **state)
{
	uint8_t mem[PKT_MAX], one[PKT_MAX], late[PKT_MAX], first, sid[8];
	struct rv_wrap tx, rx;
	size_t one_len = 0, late_len = 0;
	struct rv_buf b;

	(void)state;
	for (int m = 1; m < NMODES; m++) {
		init_pair(m, &tx, &rx);
		for (unsigned n = 1; n <= 2 * WIN; n++) {
			seal_body(&tx, &b, mem);
			if (n == 1) {
				one_len = rv_buf_len(&b);
				memcpy(one, rv_buf_data(&b), one_len);
			}
			late_len = rv_buf_len(&b);
			memcpy(late, rv_buf_data(&b), late_len);
		}
		assert_int_equal(tx.send_counter, 2 * WIN);
		late[late_len - 1] ^= 1;
		load(&b, mem, late, late_len);
		assert_int_equal(rv_wrap_open(&rx, &b, &first, sid, NOW), RV_ERR_AUTH);
		assert_false(rx.replay.started);
		load(&b, mem, one, one_len);
		assert_int_equal(rv_wrap_open(&rx, &b, &first, sid, NOW), 0);
		/* and now the real late packet: counter 1 falls out of the window */
		late[late_len - 1] ^= 1;
		load(&b, mem, late, late_len);
		assert_int_equal(rv_wrap_open(&rx, &b, &first, sid, NOW), 0);
		load(&b, mem, one, one_len);
		assert_int_equal(rv_wrap_open(&rx, &b, &first, sid, NOW), RV_ERR_REPLAY);
		rv_wrap_clear(&tx);
		rv_wrap_clear(&rx);
	}
}

/* Every length short of the whole packet: SHORT while the fixed fields are
 * incomplete, AUTH once they are there but the body is cut. */
static void
test_truncated(void **state)
{
	static const size_t fixed[NMODES] = { HEAD, HEAD + 20 + RID, HEAD + 32 + RID,
		HEAD + 64 + RID, HEAD + RID + 32 };
	uint8_t mem[PKT_MAX], pkt[PKT_MAX], first, sid[8];
	struct rv_wrap tx, rx;
	struct rv_buf b;
	size_t len;

	(void)state;
	for (int m = 0; m < NMODES; m++) {
		init_pair(m, &tx, &rx);
		seal_body(&tx, &b, mem);
		len = rv_buf_len(&b);
		assert_int_equal(len, fixed[m] + sizeof(test_body));
		memcpy(pkt, rv_buf_data(&b), len);
		for (size_t cut = 0; cut < len; cut++) {
			int want = cut < fixed[m] ? RV_ERR_SHORT : m == 0 ? 0 : RV_ERR_AUTH;

			load(&b, mem, pkt, cut);
			assert_int_equal(rv_wrap_open(&rx, &b, &first, sid, NOW), want);
			if (want != 0)
				assert_buf_equal(&b, pkt, cut);
			else
				assert_int_equal(rv_buf_len(&b), cut - HEAD);
		}
		assert_int_equal(rx.failed, m == 0 ? HEAD : len);
		load(&b, mem, pkt, len);
		assert_int_equal(rv_wrap_open(&rx, &b, &first, sid, NOW), 0);
		assert_buf_equal(&b, test_body, sizeof(test_body));
		rv_wrap_clear(&tx);
		rv_wrap_clear(&rx);
	}
}

/* One more byte at the end is just as wrong. */
static void
test_extended(void **state)
{
	uint8_t mem[PKT_MAX], first, sid[8];
	struct rv_wrap tx, rx;
	struct rv_buf b;

	(void)state;
	for (int m = 1; m < NMODES; m++) {
		init_pair(m, &tx, &rx);
		seal_body(&tx, &b, mem);
		assert_int_equal(rv_buf_put_u8(&b, 0), 0);
		assert_int_equal(rv_wrap_open(&rx, &b, &first, sid, NOW), RV_ERR_AUTH);
		rv_wrap_clear(&tx);
		rv_wrap_clear(&rx);
	}
}

/* --- sealing ------------------------------------------------------------------- */

static void
test_round_trip(void **state)
{
	static const size_t overhead[NMODES] = { 0, 28, 40, 72, 40 };
	uint8_t mem[PKT_MAX], clear[sizeof(test_body)], first, sid[8];
	struct rv_wrap tx, rx;
	struct rv_buf b;

	(void)state;
	for (int m = 0; m < NMODES; m++) {
		init_pair(m, &tx, &rx);
		assert_int_equal(rv_wrap_overhead(&tx), overhead[m]);
		for (unsigned n = 1; n <= 3; n++) {
			seal_body(&tx, &b, mem);
			assert_int_equal(rv_buf_len(&b), HEAD + overhead[m] + sizeof(test_body));
			/* tls-crypt hides the body; the others carry it in clear */
			assert_int_equal(rv_buf_peek(&b, HEAD + overhead[m], clear,
			    sizeof(clear)), 0);
			assert_int_equal(memcmp(clear, test_body, sizeof(clear)) == 0, m != 4);
			assert_int_equal(rv_wrap_open(&rx, &b, &first, sid, NOW), 0);
			assert_int_equal(first, 0x20);
			assert_memory_equal(sid, test_sid, 8);
			assert_buf_equal(&b, test_body, sizeof(test_body));
			assert_int_equal(tx.send_counter, m == 0 ? 0 : n);
		}
		rv_wrap_clear(&tx);
		rv_wrap_clear(&rx);
	}
}

/* The wire fields: counter from 1, the time of the first packet, in that
 * order (wire facts 15.1). */
static void
test_replay_id_on_wire(void **state)
{
	uint8_t mem[PKT_MAX];
	struct rv_wrap tx, rx;
	struct rv_buf b;
	uint32_t counter, time;

	(void)state;
	mock_clock_set(rv_sec(1000), WALL);
	init_pair(2, &tx, &rx);
	seal_body(&tx, &b, mem);
	assert_int_equal(rv_buf_skip(&b, HEAD + 32), 0);
	assert_int_equal(rv_buf_get_u32(&b, &counter), 0);
	assert_int_equal(rv_buf_get_u32(&b, &time), 0);
	assert_int_equal(counter, 1);
	assert_int_equal(time, WALL);
	/* later packets keep the time of the first */
	mock_clock_advance(rv_sec(100));
	seal_body(&tx, &b, mem);
	assert_int_equal(rv_buf_skip(&b, HEAD + 32), 0);
	assert_int_equal(rv_buf_get_u32(&b, &counter), 0);
	assert_int_equal(rv_buf_get_u32(&b, &time), 0);
	assert_int_equal(counter, 2);
	assert_int_equal(time, WALL);
	assert_int_equal(tx.send_time, WALL);
	rv_wrap_clear(&tx);
	rv_wrap_clear(&rx);

	init_pair(4, &tx, &rx);
	seal_body(&tx, &b, mem);
	assert_int_equal(rv_buf_skip(&b, HEAD), 0);
	assert_int_equal(rv_buf_get_u32(&b, &counter), 0);
	assert_int_equal(rv_buf_get_u32(&b, &time), 0);
	assert_int_equal(counter, 1);
	assert_int_equal(time, WALL + 100);
	rv_wrap_clear(&tx);
	rv_wrap_clear(&rx);
	mock_clock_set(rv_sec(1000), WALL);
}

static void
test_seal_nospace(void **state)
{
	static const size_t need[NMODES] = { HEAD, HEAD + 28, HEAD + 40, HEAD + 72, HEAD + 40 };
	uint8_t mem[PKT_MAX];
	struct rv_wrap tx, rx;
	struct rv_buf b;

	(void)state;
	for (int m = 0; m < NMODES; m++) {
		init_pair(m, &tx, &rx);
		rv_buf_init(&b, mem, need[m] - 1 + sizeof(test_body), need[m] - 1);
		assert_int_equal(rv_buf_put(&b, test_body, sizeof(test_body)), 0);
		assert_int_equal(rv_wrap_seal(&tx, &b, 0x20, test_sid), RV_ERR_NOSPACE);
		assert_buf_equal(&b, test_body, sizeof(test_body));
		assert_int_equal(tx.send_counter, 0);
		rv_buf_init(&b, mem, need[m] + sizeof(test_body), need[m]);
		assert_int_equal(rv_buf_put(&b, test_body, sizeof(test_body)), 0);
		assert_int_equal(rv_wrap_seal(&tx, &b, 0x20, test_sid), 0);
		assert_int_equal(rv_buf_headroom(&b), 0);
		rv_wrap_clear(&tx);
		rv_wrap_clear(&rx);
	}
}

/* After counter 2^32-1: a new sequence from 1 under a later time, which the
 * receiver takes; within the same second the counter is exhausted. */
static void
test_seal_limit(void **state)
{
	uint8_t mem[PKT_MAX], first, sid[8];
	struct rv_wrap tx, rx;
	struct rv_buf b;

	(void)state;
	for (int m = 1; m < NMODES; m++) {
		mock_clock_set(rv_sec(1000), WALL);
		init_pair(m, &tx, &rx);
		tx.send_counter = UINT32_MAX - 1;
		tx.send_time = WALL;
		seal_body(&tx, &b, mem);
		assert_int_equal(rv_wrap_open(&rx, &b, &first, sid, NOW), 0);
		assert_int_equal(rx.replay.top, UINT32_MAX);
		load(&b, mem, test_body, sizeof(test_body));
		assert_int_equal(rv_wrap_seal(&tx, &b, 0x20, test_sid), RV_ERR_LIMIT);
		assert_buf_equal(&b, test_body, sizeof(test_body));
		assert_int_equal(tx.send_counter, UINT32_MAX);
		assert_int_equal(tx.send_time, WALL);
		mock_clock_advance(rv_sec(1));
		seal_body(&tx, &b, mem);
		assert_int_equal(tx.send_counter, 1);
		assert_int_equal(tx.send_time, WALL + 1);
		assert_int_equal(rv_wrap_open(&rx, &b, &first, sid, NOW), 0);
		assert_int_equal(rx.replay.top, 1);
		assert_int_equal(rx.replay.time, WALL + 1);
		rv_wrap_clear(&tx);
		rv_wrap_clear(&rx);
	}
	mock_clock_set(rv_sec(1000), WALL);
}

static void
test_empty_body(void **state)
{
	uint8_t mem[PKT_MAX], first, sid[8];
	struct rv_wrap tx, rx;
	struct rv_buf b;

	(void)state;
	for (int m = 0; m < NMODES; m++) {
		init_pair(m, &tx, &rx);
		rv_buf_init(&b, mem, PKT_MAX, HEADROOM);
		assert_int_equal(rv_wrap_seal(&tx, &b, 0x28, test_sid), 0);
		assert_int_equal(rv_wrap_open(&rx, &b, &first, sid, NOW), 0);
		assert_int_equal(rv_buf_len(&b), 0);
		assert_int_equal(first, 0x28);
		rv_wrap_clear(&tx);
		rv_wrap_clear(&rx);
	}
}

/* --- keys ------------------------------------------------------------------------ */

/* Which slot each direction uses, seen from outside: a packet sealed with
 * one context opens exactly at the contexts holding the same key. */
static void
test_auth_directions(void **state)
{
	static const int dirs[3] = { RV_KEYDIR_BIDI, RV_KEYDIR_NORMAL, RV_KEYDIR_INVERSE };
	/* sends with: BIDI keys[0], NORMAL keys[0], INVERSE keys[1];
	 * receives with: BIDI keys[0], NORMAL keys[1], INVERSE keys[0] */
	static const bool opens[3][3] = {
		{ true, false, true },
		{ true, false, true },
		{ false, true, false },
	};
	uint8_t mem[PKT_MAX], first, sid[8];
	struct rv_wrap tx, rx;
	struct rv_buf b;
	struct rv_key2 k;

	(void)state;
	count_key(&k);
	for (int s = 0; s < 3; s++)
		for (int r = 0; r < 3; r++) {
			assert_int_equal(rv_wrap_init_auth(&tx, "SHA256", &k, dirs[s], WIN,
			    BACKTRACK), 0);
			assert_int_equal(rv_wrap_init_auth(&rx, "SHA256", &k, dirs[r], WIN,
			    BACKTRACK), 0);
			seal_body(&tx, &b, mem);
			assert_int_equal(rv_wrap_open(&rx, &b, &first, sid, NOW),
			    opens[s][r] ? 0 : RV_ERR_AUTH);
			rv_wrap_clear(&tx);
			rv_wrap_clear(&rx);
		}
}

static void
test_crypt_roles(void **state)
{
	uint8_t mem[PKT_MAX], first, sid[8];
	struct rv_wrap tx, rx;
	struct rv_buf b;
	struct rv_key2 k;

	(void)state;
	count_key(&k);
	for (int s = 0; s < 2; s++)
		for (int r = 0; r < 2; r++) {
			assert_int_equal(rv_wrap_init_crypt(&tx, &k, s, WIN, BACKTRACK), 0);
			assert_int_equal(rv_wrap_init_crypt(&rx, &k, r, WIN, BACKTRACK), 0);
			seal_body(&tx, &b, mem);
			assert_int_equal(rv_wrap_open(&rx, &b, &first, sid, NOW),
			    s != r ? 0 : RV_ERR_AUTH);
			rv_wrap_clear(&tx);
			rv_wrap_clear(&rx);
		}
}

static void
test_init_errors(void **state)
{
	struct rv_wrap w;
	struct rv_key2 k;

	(void)state;
	count_key(&k);
	assert_int_equal(rv_wrap_init_auth(&w, "none", &k, RV_KEYDIR_NORMAL, WIN, BACKTRACK),
	    RV_ERR_UNSUPPORTED);
	assert_int_equal(rv_wrap_init_auth(&w, "SHA999", &k, RV_KEYDIR_NORMAL, WIN, BACKTRACK),
	    RV_ERR_UNSUPPORTED);
	assert_int_equal(rv_wrap_init_auth(&w, "SHAKE256", &k, RV_KEYDIR_NORMAL, WIN, BACKTRACK),
	    RV_ERR_UNSUPPORTED);
	/* names as OpenSSL knows them, in any case */
	assert_int_equal(rv_wrap_init_auth(&w, "sha512", &k, RV_KEYDIR_NORMAL, WIN, BACKTRACK), 0);
	assert_int_equal(w.hmac_len, 64);
	rv_wrap_clear(&w);
	assert_int_equal(rv_wrap_init_auth(&w, "MD5", &k, RV_KEYDIR_NORMAL, WIN, BACKTRACK), 0);
	assert_int_equal(rv_wrap_overhead(&w), 16 + RID);
	rv_wrap_clear(&w);
	assert_int_equal(rv_wrap_init_auth(&w, "SHA256", &k, RV_KEYDIR_NORMAL,
	    RV_REPLAY_WINDOW_MAX + 1, BACKTRACK), RV_ERR_RANGE);
	/* one key: only without a direction */
	k.n = 1;
	assert_int_equal(rv_wrap_init_auth(&w, "SHA256", &k, RV_KEYDIR_NORMAL, WIN, BACKTRACK),
	    RV_ERR_FORMAT);
	assert_int_equal(rv_wrap_init_auth(&w, "SHA256", &k, RV_KEYDIR_INVERSE, WIN, BACKTRACK),
	    RV_ERR_FORMAT);
	assert_int_equal(rv_wrap_init_auth(&w, "SHA256", &k, RV_KEYDIR_BIDI, WIN, BACKTRACK), 0);
	rv_wrap_clear(&w);
	assert_int_equal(rv_wrap_init_crypt(&w, &k, true, WIN, BACKTRACK), RV_ERR_FORMAT);
	assert_int_equal(rv_wrap_init_crypt(&w, &k, false, WIN, BACKTRACK), RV_ERR_FORMAT);
	/* a failed init leaves a context that can be cleared */
	rv_wrap_clear(&w);
}

/* --- the head ---------------------------------------------------------------------- */

static void
test_peek_head(void **state)
{
	uint8_t first = 0x55, sid[8];
	struct rv_buf b;

	(void)state;
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		const struct vector *v = &vectors[i];

		rv_buf_init_ro(&b, v->wire, v->wire_len);
		assert_int_equal(rv_wrap_peek_head(&b, &first, sid), 0);
		assert_int_equal(first, v->first);
		assert_memory_equal(sid, v->sid, 8);
		/* nothing consumed */
		assert_int_equal(rv_buf_len(&b), v->wire_len);
	}
	for (size_t len = 0; len < HEAD; len++) {
		first = 0x55;
		memset(sid, 0xaa, sizeof(sid));
		rv_buf_init_ro(&b, vectors[0].wire, len);
		assert_int_equal(rv_wrap_peek_head(&b, &first, sid), RV_ERR_SHORT);
		assert_int_equal(first, 0x55);
		assert_int_equal(sid[7], 0xaa);
	}
	rv_buf_init_ro(&b, vectors[0].wire, HEAD);
	assert_int_equal(rv_wrap_peek_head(&b, &first, sid), 0);
}

static void
test_none(void **state)
{
	static const uint8_t pkt[] = { 0x38, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0 };
	uint8_t mem[PKT_MAX], first, sid[8];
	struct rv_wrap w;
	struct rv_buf b;

	(void)state;
	rv_wrap_init_none(&w);
	assert_int_equal(rv_wrap_overhead(&w), 0);
	load(&b, mem, pkt, sizeof(pkt));
	assert_int_equal(rv_wrap_open(&w, &b, &first, sid, NOW), 0);
	assert_int_equal(first, 0x38);
	assert_memory_equal(sid, test_sid, 8);
	assert_int_equal(rv_buf_len(&b), 5);
	/* no replay id: the same packet again is fine */
	load(&b, mem, pkt, sizeof(pkt));
	assert_int_equal(rv_wrap_open(&w, &b, &first, sid, NOW), 0);
	assert_int_equal(rv_wrap_seal(&w, &b, 0x38, test_sid), 0);
	assert_buf_equal(&b, pkt, sizeof(pkt));
	assert_int_equal(w.send_counter, 0);
	rv_wrap_clear(&w);
}

static void
test_readonly(void **state)
{
	uint8_t first, sid[8];
	struct rv_wrap tx, rx;
	struct rv_buf b;

	(void)state;
	init_pair(4, &tx, &rx);
	/* tls-crypt decrypts in place: a read-only view cannot be opened */
	rv_buf_init_ro(&b, vectors[4].wire, vectors[4].wire_len);
	assert_int_equal(rv_wrap_open(&rx, &b, &first, sid, NOW), RV_ERR_READONLY);
	rv_buf_init_ro(&b, test_body, sizeof(test_body));
	assert_int_equal(rv_wrap_seal(&tx, &b, 0x20, test_sid), RV_ERR_READONLY);
	assert_int_equal(tx.send_counter, 0);
	rv_wrap_clear(&tx);
	rv_wrap_clear(&rx);
	/* tls-auth only reads */
	init_pair(2, &tx, &rx);
	rv_buf_init_ro(&b, vectors[1].wire, vectors[1].wire_len);
	assert_int_equal(rv_wrap_open(&rx, &b, &first, sid, NOW), 0);
	assert_int_equal(first, vectors[1].first);
	rv_wrap_clear(&tx);
	rv_wrap_clear(&rx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kat_open),
		cmocka_unit_test(test_kat_seal),
		cmocka_unit_test(test_kat_sequence),
		cmocka_unit_test(test_wrong_direction),
		cmocka_unit_test(test_bit_flips),
		cmocka_unit_test(test_replay),
		cmocka_unit_test(test_failed_keeps_window),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_extended),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_replay_id_on_wire),
		cmocka_unit_test(test_seal_nospace),
		cmocka_unit_test(test_seal_limit),
		cmocka_unit_test(test_empty_body),
		cmocka_unit_test(test_auth_directions),
		cmocka_unit_test(test_crypt_roles),
		cmocka_unit_test(test_init_errors),
		cmocka_unit_test(test_peek_head),
		cmocka_unit_test(test_none),
		cmocka_unit_test(test_readonly),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
