/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_MSS_H
#define RV_MSS_H

/*
 * --mssfix: lowers the MSS option of TCP SYN packets crossing the tunnel so
 * the encapsulated packets fit the path without fragmentation.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "options.h"

/* What one sealed packet costs on top of its payload. */
struct rv_mss_overhead {
	size_t outer;       /* IP + UDP of the link (28 or 48) */
	size_t fixed;       /* HMAC, IV, opcode/peer-id, AEAD tag: bytes outside the cipher */
	size_t block;       /* cipher block size for CBC padding, 1 otherwise */
	size_t inner;       /* bytes encrypted along with the payload (packet id) */
};

/* The largest MSS for inner IPv4 (ip_hdr 20) or IPv6 (ip_hdr 40) under
 * --mssfix max/mode and the device MTU; 0 when mssfix is off. */
uint16_t rv_mss_limit(int mssfix, enum rv_mss_mode mode, const struct rv_mss_overhead *ov,
    int tun_mtu, size_t ip_hdr);

/* If pkt (an IP packet, or an Ethernet frame when tap) is a TCP SYN with an
 * MSS above the limit for its IP version, lowers it and fixes the TCP
 * checksum. Returns true if the packet changed. */
bool rv_mss_clamp(struct rv_buf *pkt, bool tap, uint16_t max4, uint16_t max6);

#endif
