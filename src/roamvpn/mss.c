/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mss: TCP MSS clamping for --mssfix (what OpenVPN's mss.c does; the limit
 * reproduces 2.6's figures, e.g. 1359 for AES-256-CBC/SHA256 in static-key
 * mode with mssfix 1492 over IPv4).
 */
#include "mss.h"

#include <arpa/inet.h>

enum {
	ETH_HDR = 14,
	ETHERTYPE_IP = 0x0800,
	ETHERTYPE_IPV6 = 0x86dd,
	TCP_HDR = 20,
	TCP_FLAG_SYN = 0x02,
	TCPOPT_EOL = 0,
	TCPOPT_NOP = 1,
	TCPOPT_MSS = 2,
};

uint16_t
rv_mss_limit(int mssfix, enum rv_mss_mode mode, const struct rv_mss_overhead *ov,
    int tun_mtu, size_t ip_hdr)
{
	long payload, by_mtu;

	if (mssfix <= 0)
		return 0;
	switch (mode) {
	case RV_MSS_FIXED:
		payload = mssfix;
		break;
	case RV_MSS_MTU:
	case RV_MSS_PAYLOAD:
		payload = mssfix - (mode == RV_MSS_MTU ? (long)ov->outer : 0) - (long)ov->fixed;
		if (ov->block > 1)  /* CBC: whole blocks, and at least one byte of padding */
			payload = payload / (long)ov->block * (long)ov->block - 1;
		payload -= (long)ov->inner;
		break;
	default:
		return 0;
	}
	/* Never more than what the device itself carries. */
	by_mtu = tun_mtu;
	if (payload > by_mtu)
		payload = by_mtu;
	payload -= (long)(ip_hdr + TCP_HDR);
	return payload > 0 && payload < 65536 ? (uint16_t)payload : 0;
}

/* One's complement checksum adjustment for a 16-bit field (RFC 1624). */
static uint16_t
csum_replace(uint16_t csum, uint16_t old, uint16_t new)
{
	uint32_t sum = (uint16_t)~csum + (uint32_t)(uint16_t)~old + new;

	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Clamps the MSS option of the TCP segment that starts at offset tcp. */
static bool
clamp_tcp(struct rv_buf *pkt, size_t tcp, uint16_t max)
{
	uint8_t flags, doff, kind, len;
	uint16_t mss, csum;
	size_t opt, end;

	if (rv_buf_peek_u8(pkt, tcp + 13, &flags) != 0 || !(flags & TCP_FLAG_SYN) ||
	    rv_buf_peek_u8(pkt, tcp + 12, &doff) != 0)
		return false;
	end = tcp + (size_t)(doff >> 4) * 4;
	if (end < tcp + TCP_HDR || end > rv_buf_len(pkt))
		return false;
	for (opt = tcp + TCP_HDR; opt < end; opt += len) {
		if (rv_buf_peek_u8(pkt, opt, &kind) != 0 || kind == TCPOPT_EOL)
			return false;
		if (kind == TCPOPT_NOP) {
			len = 1;
			continue;
		}
		if (rv_buf_peek_u8(pkt, opt + 1, &len) != 0 || len < 2 || opt + len > end)
			return false;
		if (kind != TCPOPT_MSS || len != 4)
			continue;
		if (rv_buf_peek(pkt, opt + 2, &mss, 2) != 0 || ntohs(mss) <= max ||
		    rv_buf_peek(pkt, tcp + 16, &csum, 2) != 0)
			return false;
		{
			uint16_t nmss = htons(max);
			uint16_t ncsum = htons(csum_replace(ntohs(csum), ntohs(mss), max));

			return rv_buf_poke(pkt, opt + 2, &nmss, 2) == 0 &&
			    rv_buf_poke(pkt, tcp + 16, &ncsum, 2) == 0;
		}
	}
	return false;
}

static bool
clamp_ip(struct rv_buf *pkt, size_t ip, uint16_t max4, uint16_t max6)
{
	uint8_t vihl, proto;
	uint16_t frag;

	if (rv_buf_peek_u8(pkt, ip, &vihl) != 0)
		return false;
	if (vihl >> 4 == 4 && max4 > 0) {
		size_t ihl = (size_t)(vihl & 15) * 4;

		if (ihl < 20 || rv_buf_peek_u8(pkt, ip + 9, &proto) != 0 || proto != IPPROTO_TCP ||
		    rv_buf_peek(pkt, ip + 6, &frag, 2) != 0 || (ntohs(frag) & 0x1fff) != 0)
			return false;
		return clamp_tcp(pkt, ip + ihl, max4);
	}
	if (vihl >> 4 == 6 && max6 > 0) {
		/* Only a TCP header right after the IPv6 header, as OpenVPN does. */
		if (rv_buf_peek_u8(pkt, ip + 6, &proto) != 0 || proto != IPPROTO_TCP)
			return false;
		return clamp_tcp(pkt, ip + 40, max6);
	}
	return false;
}

bool
rv_mss_clamp(struct rv_buf *pkt, bool tap, uint16_t max4, uint16_t max6)
{
	uint16_t type;

	if (max4 == 0 && max6 == 0)
		return false;
	if (!tap)
		return clamp_ip(pkt, 0, max4, max6);
	if (rv_buf_peek(pkt, 12, &type, 2) != 0)
		return false;
	type = ntohs(type);
	if (type != ETHERTYPE_IP && type != ETHERTYPE_IPV6)
		return false;
	return clamp_ip(pkt, ETH_HDR, max4, max6);
}
