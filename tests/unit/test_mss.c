/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for mss.c: the --mssfix limit and the clamp on TCP SYNs.
 *
 * The limits are the MSS values openvpn 2.6.14 wrote into SYNs crossing a
 * static-key tunnel between two network namespaces ("MSS: 1460 -> 1359" in
 * its log at --verb 9, and the SYN captured on the receiving tun device);
 * tests/unit/vectors/README.md has the commands. OpenVPN's formula, which
 * these figures fit, is
 *   mss = round_down(mssfix - outer - (pid + iv + hmac) - 40, block) - 1
 * for CBC (no "- 1" and no rounding otherwise), minus 20 more for IPv6, where
 * outer (28 for UDP over IPv4) counts only with "mssfix N mtu" (the default)
 * and pid (the 8-byte long packet id) is 0 with --no-replay.
 *
 * Packets are built by hand and the TCP checksum is recomputed here from
 * scratch (with the pseudo-header) after each clamp, independently of the
 * incremental update mss.c does. Each packet is copied into a heap block of
 * exactly its size, so under the sanitizer build a read past the end is
 * caught even where the parser's own bounds checks would be wrong.
 */
#include "mss.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "err.h"

enum {
	PKT_MAX = 256,
	ETH = 14,
	IP4 = 20,
	IP6 = 40,
	TCP = 20,
	MSS_OFF = 2,            /* MSS value within its option */
};

/* --- the limit -------------------------------------------------------------------------- */

struct limit_case {
	const char *what;
	int mssfix;
	enum rv_mss_mode mode;
	struct rv_mss_overhead ov;
	int tun_mtu;
	uint16_t v4, v6;
};

/* outer, fixed (HMAC + IV), block, inner (long packet id) */
#define OV_AES256_SHA256 { 28, 48, 16, 8 }
#define OV_AES128_SHA1 { 28, 36, 16, 8 }
#define OV_NONE_SHA256 { 28, 32, 1, 8 }
#define OV_AES128_NONE { 28, 16, 16, 8 }

static const struct limit_case measured[] = {
	/* --cipher AES-256-CBC --auth SHA256: "MSS: 1460 -> 1359", "1440 -> 1339" */
	{ "AES-256-CBC/SHA256, mssfix 1492 (default)", 1492, RV_MSS_MTU, OV_AES256_SHA256,
	  1500, 1359, 1339 },
	/* --cipher AES-128-CBC --auth SHA1: "1460 -> 1375", "1440 -> 1355" */
	{ "AES-128-CBC/SHA1, mssfix 1492 (default)", 1492, RV_MSS_MTU, OV_AES128_SHA1, 1500,
	  1375, 1355 },
	/* --cipher none --auth SHA256 --mssfix 1400: "1460 -> 1320", "1440 -> 1300" */
	{ "none/SHA256, mssfix 1400", 1400, RV_MSS_PAYLOAD, OV_NONE_SHA256, 1500, 1320, 1300 },
	/* --cipher AES-128-CBC --auth none --mssfix 1400 mtu: "1460 -> 1295", "1440 -> 1275" */
	{ "AES-128-CBC/none, mssfix 1400 mtu", 1400, RV_MSS_MTU, OV_AES128_NONE, 1500, 1295,
	  1275 },
	/* --no-replay: no packet id in the packets, "1460 -> 1367", "1440 -> 1347" */
	{ "AES-256-CBC/SHA256, no-replay", 1492, RV_MSS_MTU, { 28, 48, 16, 0 }, 1500, 1367,
	  1347 },
	/* --dev tap, AES-256-CBC/SHA256: "1460 -> 1327", "1440 -> 1307". OpenVPN
	 * takes tap's 32 bytes of tun-mtu-extra off too; a caller gets the same
	 * figure by counting them as inner bytes. */
	{ "tap, AES-256-CBC/SHA256, mssfix 1492", 1492, RV_MSS_MTU, { 28, 48, 16, 8 + 32 },
	  1500, 1327, 1307 },
};

static const struct limit_case computed[] = {
	/* mssfix N fixed: N is the inner packet, so MSS = N - 40 (IPv6: N - 60) */
	{ "fixed", 1400, RV_MSS_FIXED, OV_AES256_SHA256, 1500, 1360, 1340 },
	{ "fixed ignores the overhead", 1400, RV_MSS_FIXED, { 48, 64, 16, 8 }, 1500, 1360, 1340 },
	/* over IPv6 the link costs 48: round_down(1492 - 48 - 56 - 40, 16) - 1 */
	{ "AES-256-CBC/SHA256 over IPv6", 1492, RV_MSS_MTU, { 48, 48, 16, 8 }, 1500, 1343, 1323 },
	/* payload mode does not count the outer headers */
	{ "AES-256-CBC/SHA256, mssfix 1400", 1400, RV_MSS_PAYLOAD, OV_AES256_SHA256, 1500, 1295,
	  1275 },
	/* every value around a block boundary */
	{ "AES-128-CBC/SHA1, mssfix 1392", 1392, RV_MSS_MTU, OV_AES128_SHA1, 1500, 1279, 1259 },
	{ "AES-128-CBC/SHA1, mssfix 1407", 1407, RV_MSS_MTU, OV_AES128_SHA1, 1500, 1279, 1259 },
	{ "AES-128-CBC/SHA1, mssfix 1408", 1408, RV_MSS_MTU, OV_AES128_SHA1, 1500, 1295, 1275 },
	/* never above what the device carries */
	{ "tun-mtu 1200", 1492, RV_MSS_MTU, OV_AES256_SHA256, 1200, 1160, 1140 },
	{ "fixed, tun-mtu 1200", 1400, RV_MSS_FIXED, OV_AES256_SHA256, 1200, 1160, 1140 },
	/* off */
	{ "mssfix 0", 0, RV_MSS_MTU, OV_AES256_SHA256, 1500, 0, 0 },
	{ "mssfix 0 fixed", 0, RV_MSS_FIXED, OV_AES256_SHA256, 1500, 0, 0 },
	/* too small to leave anything: 0, not a wrapped-around huge value */
	{ "mssfix 100", 100, RV_MSS_MTU, OV_AES256_SHA256, 1500, 0, 0 },
	{ "mssfix 40 fixed", 40, RV_MSS_FIXED, OV_AES256_SHA256, 1500, 0, 0 },
	{ "mssfix 60 fixed", 60, RV_MSS_FIXED, OV_AES256_SHA256, 1500, 20, 0 },
};

static void
check_limits(const struct limit_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct limit_case *c = &cases[i];

		print_message("%s\n", c->what);
		assert_int_equal(rv_mss_limit(c->mssfix, c->mode, &c->ov, c->tun_mtu, IP4), c->v4);
		assert_int_equal(rv_mss_limit(c->mssfix, c->mode, &c->ov, c->tun_mtu, IP6), c->v6);
	}
}

static void
test_limit_measured(void **state)
{
	(void)state;
	check_limits(measured, sizeof(measured) / sizeof(measured[0]));
}

static void
test_limit_computed(void **state)
{
	(void)state;
	check_limits(computed, sizeof(computed) / sizeof(computed[0]));
}

/* The limit keeps every sealed packet within mssfix: a full-size segment
 * with that MSS, sealed, fits; one byte more does not fit somewhere. */
static void
test_limit_fits(void **state)
{
	static const struct rv_mss_overhead ovs[] = {
		OV_AES256_SHA256, OV_AES128_SHA1, OV_NONE_SHA256, OV_AES128_NONE,
	};

	(void)state;
	for (size_t i = 0; i < sizeof(ovs) / sizeof(ovs[0]); i++) {
		const struct rv_mss_overhead *ov = &ovs[i];

		for (int mssfix = 576; mssfix <= 1500; mssfix++) {
			uint16_t mss = rv_mss_limit(mssfix, RV_MSS_MTU, ov, 9000, IP4);
			size_t plain = ov->inner + IP4 + TCP + mss, sealed;

			/* CBC pads to whole blocks with at least one byte */
			if (ov->block > 1)
				plain = (plain / ov->block + 1) * ov->block;
			sealed = ov->outer + ov->fixed + plain;
			assert_true(sealed <= (size_t)mssfix);
		}
	}
}

/* --- packets -------------------------------------------------------------------------- */

/* One's complement sum of data, folded, not inverted. */
static uint32_t
sum16(uint32_t sum, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n % 2)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

/* The TCP checksum of the segment at tcp[len] for the given pseudo-header
 * addresses (4 or 16 bytes each). */
static uint16_t
tcp_checksum(const uint8_t *src, const uint8_t *dst, size_t alen, const uint8_t *tcp,
    size_t len)
{
	uint8_t pseudo[40] = { 0 };
	uint8_t copy[PKT_MAX];
	size_t plen;
	uint32_t sum;

	memcpy(pseudo, src, alen);
	memcpy(pseudo + alen, dst, alen);
	if (alen == 4) {
		pseudo[9] = 6;
		pseudo[10] = (uint8_t)(len >> 8);
		pseudo[11] = (uint8_t)len;
		plen = 12;
	} else {
		pseudo[34] = (uint8_t)(len >> 8);
		pseudo[35] = (uint8_t)len;
		pseudo[39] = 6;
		plen = 40;
	}
	memcpy(copy, tcp, len);
	copy[16] = copy[17] = 0;
	sum = sum16(sum16(0, pseudo, plen), copy, len);
	return (uint16_t)~sum;
}

/* True if the checksum in the segment verifies. */
static bool
tcp_checksum_ok(const uint8_t *src, const uint8_t *dst, size_t alen, const uint8_t *tcp,
    size_t len)
{
	uint16_t want = tcp_checksum(src, dst, alen, tcp, len);
	uint16_t have = (uint16_t)(tcp[16] << 8 | tcp[17]);

	/* 0x0000 and 0xffff are the same number in one's complement */
	return have == want || (have == 0xffff && want == 0) || (have == 0 && want == 0xffff);
}

struct pkt {
	uint8_t b[PKT_MAX];
	size_t len;
	size_t ip;              /* offset of the IP header */
	size_t tcp;             /* offset of the TCP header */
	size_t mss;             /* offset of the MSS value, 0 if none */
	bool v6;
};

/* TCP options of a Linux SYN: MSS, SACK permitted, timestamps, NOP, window
 * scale. The builders write the MSS value at mss_at (2 here). */
static const uint8_t linux_opts[20] = {
	2, 4, 0, 0, 4, 2, 8, 10, 0x83, 0x5c, 0x32, 0xe2, 0, 0, 0, 0, 1, 3, 3, 7,
};

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Fills the TCP header and options at p->tcp and its checksum. */
static void
put_tcp(struct pkt *p, uint8_t flags, const uint8_t *opts, size_t optlen, size_t mss_at,
    uint16_t mss)
{
	uint8_t *t = p->b + p->tcp;

	put16(t, 40000);
	put16(t + 2, 5555);
	memcpy(t + 4, "\x12\x34\x56\x78", 4);
	t[12] = (uint8_t)(((TCP + optlen) / 4) << 4);
	t[13] = flags;
	put16(t + 14, 64240);
	if (optlen > 0)
		memcpy(t + TCP, opts, optlen);
	p->mss = 0;
	if (mss_at != SIZE_MAX) {
		p->mss = p->tcp + TCP + mss_at;
		put16(p->b + p->mss, mss);
	}
	p->len = p->tcp + TCP + optlen;
	if (p->v6) {
		put16(p->b + p->ip + 4, (uint16_t)(p->len - p->ip - IP6));
		put16(t + 16, tcp_checksum(p->b + p->ip + 8, p->b + p->ip + 24, 16, t,
		    p->len - p->tcp));
	} else {
		put16(p->b + p->ip + 2, (uint16_t)(p->len - p->ip));
		put16(t + 16, tcp_checksum(p->b + p->ip + 12, p->b + p->ip + 16, 4, t,
		    p->len - p->tcp));
	}
}

/* An IPv4 TCP packet from 10.55.0.1 to 10.55.0.2 at offset at (14 for a tap
 * frame, whose Ethernet header is filled in too). */
static void
build4(struct pkt *p, size_t at, uint8_t flags, const uint8_t *opts, size_t optlen,
    size_t mss_at, uint16_t mss)
{
	uint8_t *ip;

	memset(p, 0, sizeof(*p));
	if (at == ETH) {
		memcpy(p->b, "\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00", ETH);
	}
	p->ip = at;
	p->tcp = at + IP4;
	ip = p->b + at;
	ip[0] = 0x45;
	put16(ip + 6, 0x4000);     /* DF */
	ip[8] = 64;
	ip[9] = 6;
	memcpy(ip + 12, "\x0a\x37\x00\x01\x0a\x37\x00\x02", 8);
	put_tcp(p, flags, opts, optlen, mss_at, mss);
}

/* An IPv6 TCP packet from fd55::1 to fd55::2. */
static void
build6(struct pkt *p, size_t at, uint8_t flags, const uint8_t *opts, size_t optlen,
    size_t mss_at, uint16_t mss)
{
	uint8_t *ip;

	memset(p, 0, sizeof(*p));
	if (at == ETH)
		memcpy(p->b, "\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x86\xdd", ETH);
	p->v6 = true;
	p->ip = at;
	p->tcp = at + IP6;
	ip = p->b + at;
	ip[0] = 0x60;
	ip[6] = 6;
	ip[7] = 64;
	ip[8] = 0xfd, ip[9] = 0x55, ip[23] = 1;
	ip[24] = 0xfd, ip[25] = 0x55, ip[39] = 2;
	put_tcp(p, flags, opts, optlen, mss_at, mss);
}

static bool
checksum_ok(const struct pkt *p)
{
	if (p->v6)
		return tcp_checksum_ok(p->b + p->ip + 8, p->b + p->ip + 24, 16, p->b + p->tcp,
		    p->len - p->tcp);
	return tcp_checksum_ok(p->b + p->ip + 12, p->b + p->ip + 16, 4, p->b + p->tcp,
	    p->len - p->tcp);
}

/* Runs the clamp on a heap copy of exactly p->len bytes and copies the
 * result back; returns what rv_mss_clamp() returned. */
static bool
clamp(struct pkt *p, bool tap, uint16_t max4, uint16_t max6)
{
	uint8_t *heap = malloc(p->len ? p->len : 1);
	struct rv_buf b;
	bool changed;

	assert_non_null(heap);
	memcpy(heap, p->b, p->len);
	rv_buf_init(&b, heap, p->len, 0);
	assert_int_equal(rv_buf_commit(&b, p->len), 0);
	changed = rv_mss_clamp(&b, tap, max4, max6);
	assert_int_equal(rv_buf_len(&b), p->len);
	memcpy(p->b, heap, p->len);
	free(heap);
	return changed;
}

/* Clamps p and checks that only the MSS and the checksum changed, to want,
 * and that the checksum still verifies. */
static void
assert_clamped(struct pkt *p, bool tap, uint16_t max4, uint16_t max6, uint16_t want)
{
	struct pkt before = *p;

	assert_true(checksum_ok(p));
	assert_true(clamp(p, tap, max4, max6));
	assert_int_equal(get16(p->b + p->mss), want);
	assert_true(checksum_ok(p));
	for (size_t i = 0; i < p->len; i++) {
		if (i == p->mss || i == p->mss + 1 || i == p->tcp + 16 || i == p->tcp + 17)
			continue;
		assert_int_equal(p->b[i], before.b[i]);
	}
}

/* The clamp leaves p exactly as it was. */
static void
assert_untouched(struct pkt *p, bool tap, uint16_t max4, uint16_t max6)
{
	struct pkt before = *p;

	assert_false(clamp(p, tap, max4, max6));
	assert_memory_equal(p->b, before.b, p->len);
}

enum { SYN = 0x02, ACK = 0x10, SYNACK = 0x12, FIN = 0x01, RST = 0x04 };

/* --- clamping --------------------------------------------------------------------------- */

static void
test_clamp_ipv4_syn(void **state)
{
	struct pkt p;

	(void)state;
	build4(&p, 0, SYN, linux_opts, sizeof(linux_opts), 2, 1460);
	assert_clamped(&p, false, 1359, 1339, 1359);
	/* a second pass has nothing left to do */
	assert_untouched(&p, false, 1359, 1339);
	/* the SYN-ACK is clamped too */
	build4(&p, 0, SYNACK, linux_opts, sizeof(linux_opts), 2, 1460);
	assert_clamped(&p, false, 1375, 1355, 1375);
}

static void
test_clamp_ipv6_syn(void **state)
{
	struct pkt p;

	(void)state;
	build6(&p, 0, SYN, linux_opts, sizeof(linux_opts), 2, 1440);
	assert_clamped(&p, false, 1359, 1339, 1339);
	build6(&p, 0, SYNACK, linux_opts, sizeof(linux_opts), 2, 1440);
	assert_clamped(&p, false, 1359, 1339, 1339);
	/* the IPv4 limit does not apply to IPv6 and the other way round */
	build6(&p, 0, SYN, linux_opts, sizeof(linux_opts), 2, 1440);
	assert_untouched(&p, false, 1000, 0);
	build4(&p, 0, SYN, linux_opts, sizeof(linux_opts), 2, 1460);
	assert_untouched(&p, false, 0, 1000);
	assert_untouched(&p, false, 0, 0);
}

/* The MSS option wherever it is among the others. */
static void
test_clamp_option_position(void **state)
{
	static const uint8_t nops_first[8] = { 1, 1, 1, 1, 2, 4, 0, 0 };
	static const uint8_t mss_last[12] = { 4, 2, 1, 1, 3, 3, 7, 1, 2, 4, 0, 0 };
	static const uint8_t at_end[16] = { 1, 1, 4, 2, 1, 1, 1, 1, 1, 1, 1, 1, 2, 4, 0, 0 };
	static const uint8_t after_sack[8] = { 1, 1, 4, 2, 2, 4, 0, 0 };
	struct pkt p;

	(void)state;
	build4(&p, 0, SYN, nops_first, sizeof(nops_first), 6, 1460);
	assert_clamped(&p, false, 1359, 1339, 1359);
	build4(&p, 0, SYN, mss_last, sizeof(mss_last), 10, 1460);
	assert_clamped(&p, false, 1359, 1339, 1359);
	/* the MSS option ends where the header ends */
	build4(&p, 0, SYN, at_end, sizeof(at_end), 14, 8960);
	assert_clamped(&p, false, 1359, 1339, 1359);
	build6(&p, 0, SYN, after_sack, sizeof(after_sack), 6, 65535);
	assert_clamped(&p, false, 1359, 1339, 1339);
}

/* Not a SYN, or an MSS already small enough: nothing changes. */
static void
test_clamp_leaves_alone(void **state)
{
	static const uint8_t flags[] = { ACK, FIN | ACK, RST, 0, 0xff & ~SYN };
	struct pkt p;

	(void)state;
	for (size_t i = 0; i < sizeof(flags); i++) {
		build4(&p, 0, flags[i], linux_opts, sizeof(linux_opts), 2, 1460);
		assert_untouched(&p, false, 1359, 1339);
		build6(&p, 0, flags[i], linux_opts, sizeof(linux_opts), 2, 1460);
		assert_untouched(&p, false, 1359, 1339);
	}
	build4(&p, 0, SYN, linux_opts, sizeof(linux_opts), 2, 1200);
	assert_untouched(&p, false, 1359, 1339);
	build4(&p, 0, SYN, linux_opts, sizeof(linux_opts), 2, 1359);   /* equal */
	assert_untouched(&p, false, 1359, 1339);
	build6(&p, 0, SYN, linux_opts, sizeof(linux_opts), 2, 1339);
	assert_untouched(&p, false, 1359, 1339);
	/* a SYN without options, or without an MSS option */
	build4(&p, 0, SYN, NULL, 0, SIZE_MAX, 0);
	assert_untouched(&p, false, 1359, 1339);
	{
		static const uint8_t no_mss[8] = { 1, 1, 4, 2, 1, 3, 3, 7 };

		build4(&p, 0, SYN, no_mss, sizeof(no_mss), SIZE_MAX, 0);
		assert_untouched(&p, false, 1359, 1339);
	}
}

/* Malformed option lists stop the walk without changing anything. */
static void
test_clamp_malformed_options(void **state)
{
	static const struct {
		const char *what;
		uint8_t opts[12];
		size_t len;
	} cases[] = {
		{ "length 0 before the MSS", { 8, 0, 1, 1, 2, 4, 0x05, 0xb4 }, 8 },
		{ "length 1 before the MSS", { 8, 1, 1, 1, 2, 4, 0x05, 0xb4 }, 8 },
		{ "option running past the header", { 8, 10, 1, 1, 2, 4, 0x05, 0xb4 }, 8 },
		{ "MSS option running past the header",
		  { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 4 }, 12 },
		{ "MSS kind as the last byte", { 1, 1, 1, 1, 1, 1, 1, 2 }, 8 },
		{ "MSS with length 6", { 2, 6, 0x05, 0xb4, 0, 0, 1, 1 }, 8 },
		{ "MSS with length 3", { 2, 3, 0x05, 1, 1, 1, 1, 1 }, 8 },
		{ "MSS with length 0", { 2, 0, 0x05, 0xb4, 1, 1, 1, 1 }, 8 },
		{ "end of list before the MSS", { 1, 0, 2, 4, 0x05, 0xb4, 0, 0 }, 8 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pkt p;

		print_message("%s\n", cases[i].what);
		build4(&p, 0, SYN, cases[i].opts, cases[i].len, SIZE_MAX, 0);
		assert_untouched(&p, false, 536, 536);
		build6(&p, 0, SYN, cases[i].opts, cases[i].len, SIZE_MAX, 0);
		assert_untouched(&p, false, 536, 536);
	}
}

/* Header lengths that lie, and packets cut short anywhere. */
static void
test_clamp_truncated(void **state)
{
	struct pkt p, full;

	(void)state;
	/* data offset beyond the packet, or below the minimum */
	build4(&p, 0, SYN, linux_opts, sizeof(linux_opts), 2, 1460);
	p.b[p.tcp + 12] = 0xf0;
	assert_untouched(&p, false, 1359, 1339);
	for (uint8_t doff = 0; doff < 5; doff++) {
		build4(&p, 0, SYN, linux_opts, sizeof(linux_opts), 2, 1460);
		p.b[p.tcp + 12] = (uint8_t)(doff << 4);
		assert_untouched(&p, false, 1359, 1339);
	}
	/* IPv4 header length below 20 */
	build4(&p, 0, SYN, linux_opts, sizeof(linux_opts), 2, 1460);
	p.b[0] = 0x44;
	assert_untouched(&p, false, 1359, 1339);
	/* every prefix of a SYN, IPv4, IPv6 and tap */
	for (int kind = 0; kind < 4; kind++) {
		size_t at = kind >= 2 ? ETH : 0;

		if (kind % 2 == 0)
			build4(&full, at, SYN, linux_opts, sizeof(linux_opts), 2, 1460);
		else
			build6(&full, at, SYN, linux_opts, sizeof(linux_opts), 2, 1460);
		for (size_t len = 0; len < full.len; len++) {
			p = full;
			p.len = len;
			assert_untouched(&p, kind >= 2, 1359, 1339);
		}
	}
}

/* An IPv4 header with options moves the TCP header. */
static void
test_clamp_ipv4_options(void **state)
{
	struct pkt p;

	(void)state;
	memset(&p, 0, sizeof(p));
	p.ip = 0;
	p.tcp = 24;
	p.b[0] = 0x46;
	p.b[8] = 64;
	p.b[9] = 6;
	memcpy(p.b + 12, "\x0a\x37\x00\x01\x0a\x37\x00\x02", 8);
	memcpy(p.b + 20, "\x94\x04\x00\x00", 4);   /* router alert */
	put_tcp(&p, SYN, linux_opts, sizeof(linux_opts), 2, 1460);
	assert_clamped(&p, false, 1359, 1339, 1359);
}

/* Fragments after the first carry no TCP header where one would be. */
static void
test_clamp_fragments(void **state)
{
	static const uint16_t frag[] = { 0x0001, 0x00b9, 0x1fff, 0x2001, 0x6001 };
	struct pkt p;

	(void)state;
	for (size_t i = 0; i < sizeof(frag) / sizeof(frag[0]); i++) {
		build4(&p, 0, SYN, linux_opts, sizeof(linux_opts), 2, 1460);
		put16(p.b + 6, frag[i]);
		assert_untouched(&p, false, 1359, 1339);
	}
	/* DF alone is not a fragment */
	build4(&p, 0, SYN, linux_opts, sizeof(linux_opts), 2, 1460);
	put16(p.b + 6, 0x4000);
	assert_clamped(&p, false, 1359, 1339, 1359);
}

/* Not TCP, not IP, or TCP behind an IPv6 extension header: left alone. */
static void
test_clamp_other_protocols(void **state)
{
	struct pkt p;

	(void)state;
	build4(&p, 0, SYN, linux_opts, sizeof(linux_opts), 2, 1460);
	p.b[9] = 17;     /* UDP */
	assert_untouched(&p, false, 1359, 1339);
	build6(&p, 0, SYN, linux_opts, sizeof(linux_opts), 2, 1460);
	p.b[6] = 0;      /* hop-by-hop options first */
	assert_untouched(&p, false, 1359, 1339);
	build4(&p, 0, SYN, linux_opts, sizeof(linux_opts), 2, 1460);
	p.b[0] = 0x55;   /* version 5 */
	assert_untouched(&p, false, 1359, 1339);
}

/* tap: the IP packet follows a 14-byte Ethernet header. */
static void
test_clamp_tap(void **state)
{
	struct pkt p;

	(void)state;
	build4(&p, ETH, SYN, linux_opts, sizeof(linux_opts), 2, 1460);
	assert_clamped(&p, true, 1327, 1307, 1327);
	build6(&p, ETH, SYN, linux_opts, sizeof(linux_opts), 2, 1440);
	assert_clamped(&p, true, 1327, 1307, 1307);
	/* VLAN-tagged and ARP frames, and a frame read as a tun packet */
	build4(&p, ETH, SYN, linux_opts, sizeof(linux_opts), 2, 1460);
	put16(p.b + 12, 0x8100);
	assert_untouched(&p, true, 1327, 1307);
	put16(p.b + 12, 0x0806);
	assert_untouched(&p, true, 1327, 1307);
	build4(&p, ETH, SYN, linux_opts, sizeof(linux_opts), 2, 1460);
	assert_untouched(&p, false, 1327, 1307);
	/* and a tun packet read as a frame */
	build4(&p, 0, SYN, linux_opts, sizeof(linux_opts), 2, 1460);
	assert_untouched(&p, true, 1327, 1307);
}

/* Many SYNs with different addresses, ports and MSS values: the incremental
 * checksum update always agrees with a full recomputation. */
static void
test_clamp_checksum_sweep(void **state)
{
	uint32_t x = 0x12345678;

	(void)state;
	for (int i = 0; i < 20000; i++) {
		struct pkt p;
		uint16_t mss, max;

		x = x * 1103515245 + 12345;
		mss = (uint16_t)(x >> 8);
		x = x * 1103515245 + 12345;
		max = (uint16_t)(500 + (x >> 8) % 1500);
		if (mss <= max)
			mss = (uint16_t)(max + 1 + mss % 100);
		if (i % 2 == 0) {
			build4(&p, 0, SYN, linux_opts, sizeof(linux_opts), 2, mss);
			p.b[12] = (uint8_t)x, p.b[15] = (uint8_t)(x >> 24);
		} else {
			build6(&p, 0, SYN, linux_opts, sizeof(linux_opts), 2, mss);
			p.b[20] = (uint8_t)x, p.b[38] = (uint8_t)(x >> 24);
		}
		put16(p.b + p.tcp, (uint16_t)(x >> 3));
		put16(p.b + p.tcp + 16, 0);
		put16(p.b + p.tcp + 16, p.v6 ?
		    tcp_checksum(p.b + 8, p.b + 24, 16, p.b + p.tcp, p.len - p.tcp) :
		    tcp_checksum(p.b + 12, p.b + 16, 4, p.b + p.tcp, p.len - p.tcp));
		assert_clamped(&p, false, max, max, max);
	}
}

/* Both one's complement zeros in the checksum field are handled. */
static void
test_clamp_checksum_zeros(void **state)
{
	(void)state;
	for (int v6 = 0; v6 < 2; v6++) {
		bool found = false;

		/* search a source port for which the checksum is 0x0000 or 0xffff */
		for (uint32_t port = 0; port < 65536 && !found; port++) {
			struct pkt p;
			uint16_t c;

			if (v6)
				build6(&p, 0, SYN, linux_opts, sizeof(linux_opts), 2, 1460);
			else
				build4(&p, 0, SYN, linux_opts, sizeof(linux_opts), 2, 1460);
			put16(p.b + p.tcp, (uint16_t)port);
			put16(p.b + p.tcp + 16, v6 ?
			    tcp_checksum(p.b + 8, p.b + 24, 16, p.b + p.tcp, p.len - p.tcp) :
			    tcp_checksum(p.b + 12, p.b + 16, 4, p.b + p.tcp, p.len - p.tcp));
			c = get16(p.b + p.tcp + 16);
			if (c != 0 && c != 0xffff)
				continue;
			found = true;
			assert_clamped(&p, false, 1359, 1339, v6 ? 1339 : 1359);
			/* again from the other representation of the same sum */
			put16(p.b + p.mss, 1460);
			put16(p.b + p.tcp + 16, c == 0 ? 0xffff : 0);
			assert_clamped(&p, false, 1359, 1339, v6 ? 1339 : 1359);
		}
		assert_true(found);
	}
}

/* A read-only buffer cannot be changed. */
static void
test_clamp_readonly(void **state)
{
	struct pkt p;
	struct rv_buf b;

	(void)state;
	build4(&p, 0, SYN, linux_opts, sizeof(linux_opts), 2, 1460);
	rv_buf_init_ro(&b, p.b, p.len);
	assert_false(rv_mss_clamp(&b, false, 1359, 1339));
	assert_int_equal(get16(p.b + p.mss), 1460);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_limit_measured),
		cmocka_unit_test(test_limit_computed),
		cmocka_unit_test(test_limit_fits),
		cmocka_unit_test(test_clamp_ipv4_syn),
		cmocka_unit_test(test_clamp_ipv6_syn),
		cmocka_unit_test(test_clamp_option_position),
		cmocka_unit_test(test_clamp_leaves_alone),
		cmocka_unit_test(test_clamp_malformed_options),
		cmocka_unit_test(test_clamp_truncated),
		cmocka_unit_test(test_clamp_ipv4_options),
		cmocka_unit_test(test_clamp_fragments),
		cmocka_unit_test(test_clamp_other_protocols),
		cmocka_unit_test(test_clamp_tap),
		cmocka_unit_test(test_clamp_checksum_sweep),
		cmocka_unit_test(test_clamp_checksum_zeros),
		cmocka_unit_test(test_clamp_readonly),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
