/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rvlab-inject: the testbed's on-path attacker, run in the router's
 * namespace. It sees the client's UDP packets to the server and sends
 * packets with any source address (a raw socket), so the mobility tests can
 * replay, race and forge.
 *
 *   rvlab-inject capture IFACE DST_IP DST_PORT SKIP OUT [TIMEOUT_MS]
 *       Waits for UDP datagrams to DST_IP:DST_PORT arriving on IFACE whose
 *       first byte is a P_DATA_V2 opcode (0x48..0x4f), skips SKIP of them,
 *       writes the next one's payload to OUT and prints its source
 *       "IP PORT". Exit 1 on timeout (default 5000 ms).
 *   rvlab-inject send SRC_IP SRC_PORT DST_IP DST_PORT FILE [COUNT]
 *       Sends the bytes of FILE COUNT times (default 1) as a UDP datagram
 *       from SRC_IP:SRC_PORT (spoofed) to DST_IP:DST_PORT.
 *   rvlab-inject count IFACE SRC_IP DST_IP MS
 *       Watches IFACE for MS milliseconds and prints "packets N bytes B" of
 *       the UDP datagrams from SRC_IP to DST_IP (B: UDP payload bytes).
 *
 * IPv4 only; IFACE may be Ethernet-like (veth) or a TUN device: the packet
 * socket is of type SOCK_DGRAM, so both deliver bare IP packets.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "labtool.h"

enum { MAX_PKT = 65536 };

static void
die(const char *what)
{
	fprintf(stderr, "rvlab-inject: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void
usage(void)
{
	fprintf(stderr, "usage: rvlab-inject capture IFACE DST_IP DST_PORT SKIP OUT [TIMEOUT_MS]\n"
	    "       rvlab-inject send SRC_IP SRC_PORT DST_IP DST_PORT FILE [COUNT]\n"
	    "       rvlab-inject count IFACE SRC_IP DST_IP MS\n");
	exit(2);
}

static struct in_addr
ip(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1) {
		fprintf(stderr, "rvlab-inject: not an IPv4 address: %s\n", s);
		exit(2);
	}
	return a;
}

/* A packet socket on iface that receives IPv4 packets arriving there. */
static int
tap_iface(const char *iface)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP) };
	int fd = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IP));

	if (fd < 0)
		die("packet socket");
	if ((sll.sll_ifindex = (int)if_nametoindex(iface)) == 0)
		die(iface);
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) != 0)
		die("bind packet socket");
	return fd;
}

/* The UDP datagram in an IPv4 packet: payload and length, addresses and
 * ports. Returns 0, or -1 if it is not one. */
struct udp4 {
	struct in_addr src, dst;
	uint16_t sport, dport;
	const uint8_t *data;
	size_t len;
};

static int
parse(const uint8_t *p, size_t n, struct udp4 *u)
{
	size_t ihl;
	uint16_t ulen;

	if (n < 20 || (p[0] >> 4) != 4 || p[9] != IPPROTO_UDP)
		return -1;
	ihl = (size_t)(p[0] & 0x0f) * 4;
	if (ihl < 20 || n < ihl + 8)
		return -1;
	memcpy(&u->src, p + 12, 4);
	memcpy(&u->dst, p + 16, 4);
	u->sport = (uint16_t)(p[ihl] << 8 | p[ihl + 1]);
	u->dport = (uint16_t)(p[ihl + 2] << 8 | p[ihl + 3]);
	ulen = (uint16_t)(p[ihl + 4] << 8 | p[ihl + 5]);
	if (ulen < 8 || ihl + ulen > n)
		return -1;
	u->data = p + ihl + 8;
	u->len = ulen - 8u;
	return 0;
}

/* Receives one incoming packet within ms; returns its length, 0 on
 * timeout. */
static ssize_t
next_packet(int fd, uint8_t *buf, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct sockaddr_ll from;
	socklen_t flen = sizeof(from);
	ssize_t n;

	for (;;) {
		int r = poll(&pfd, 1, ms);

		if (r < 0 && errno == EINTR && !lab_stop)
			continue;
		if (r <= 0)
			return 0;
		n = recvfrom(fd, buf, MAX_PKT, 0, (struct sockaddr *)&from, &flen);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			die("recvfrom");
		}
		if (from.sll_pkttype == PACKET_OUTGOING)
			continue;
		return n;
	}
}

static int
cmd_capture(int argc, char **argv)
{
	struct in_addr dst;
	long port, skip, timeout = 5000;
	uint64_t until;
	static uint8_t buf[MAX_PKT];
	char a[INET_ADDRSTRLEN];
	int fd;

	if (argc < 7)
		usage();
	dst = ip(argv[3]);
	port = strtol(argv[4], NULL, 10);
	skip = strtol(argv[5], NULL, 10);
	if (argc > 7)
		timeout = strtol(argv[7], NULL, 10);
	fd = tap_iface(argv[2]);
	until = lab_now_ns() + (uint64_t)timeout * 1000000u;
	while (!lab_stop && lab_now_ns() < until) {
		ssize_t n = next_packet(fd, buf, (int)((until - lab_now_ns()) / 1000000u) + 1);
		struct udp4 u;
		FILE *f;

		if (n <= 0)
			break;
		if (parse(buf, (size_t)n, &u) != 0 || u.dst.s_addr != dst.s_addr ||
		    u.dport != port || u.len < 8 || (u.data[0] >> 3) != 9)
			continue;
		if (skip-- > 0)
			continue;
		if ((f = fopen(argv[6], "wb")) == NULL || fwrite(u.data, 1, u.len, f) != u.len ||
		    fclose(f) != 0)
			die(argv[6]);
		printf("%s %u\n", inet_ntop(AF_INET, &u.src, a, sizeof(a)), u.sport);
		return 0;
	}
	fprintf(stderr, "rvlab-inject: no P_DATA_V2 datagram to %s:%ld on %s\n", argv[3], port,
	    argv[2]);
	return 1;
}

static uint16_t
csum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static int
cmd_send(int argc, char **argv)
{
	static uint8_t pkt[MAX_PKT];
	struct sockaddr_in to = { .sin_family = AF_INET };
	struct in_addr src, dst;
	uint16_t sport, dport, sum;
	size_t len, total;
	long count = 1;
	FILE *f;
	int fd;

	if (argc < 7)
		usage();
	src = ip(argv[2]);
	sport = (uint16_t)strtol(argv[3], NULL, 10);
	dst = ip(argv[4]);
	dport = (uint16_t)strtol(argv[5], NULL, 10);
	if (argc > 7)
		count = strtol(argv[7], NULL, 10);
	if ((f = fopen(argv[6], "rb")) == NULL)
		die(argv[6]);
	len = fread(pkt + 28, 1, sizeof(pkt) - 28, f);
	fclose(f);
	total = 28 + len;
	memset(pkt, 0, 28);
	pkt[0] = 0x45;
	pkt[2] = (uint8_t)(total >> 8);
	pkt[3] = (uint8_t)total;
	pkt[8] = 64;
	pkt[9] = IPPROTO_UDP;
	memcpy(pkt + 12, &src, 4);
	memcpy(pkt + 16, &dst, 4);
	sum = csum(pkt, 20);
	pkt[10] = (uint8_t)(sum >> 8);
	pkt[11] = (uint8_t)sum;
	pkt[20] = (uint8_t)(sport >> 8);
	pkt[21] = (uint8_t)sport;
	pkt[22] = (uint8_t)(dport >> 8);
	pkt[23] = (uint8_t)dport;
	pkt[24] = (uint8_t)((len + 8) >> 8);
	pkt[25] = (uint8_t)(len + 8);
	/* UDP checksum 0: none (allowed over IPv4). */
	if ((fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW)) < 0)
		die("raw socket");
	to.sin_addr = dst;
	for (long i = 0; i < count; i++)
		if (sendto(fd, pkt, total, 0, (struct sockaddr *)&to, sizeof(to)) != (ssize_t)total)
			die("sendto");
	close(fd);
	return 0;
}

static int
cmd_count(int argc, char **argv)
{
	static uint8_t buf[MAX_PKT];
	struct in_addr src, dst;
	uint64_t until, packets = 0, bytes = 0;
	int fd;

	if (argc < 6)
		usage();
	src = ip(argv[3]);
	dst = ip(argv[4]);
	fd = tap_iface(argv[2]);
	until = lab_now_ns() + (uint64_t)strtol(argv[5], NULL, 10) * 1000000u;
	while (!lab_stop && lab_now_ns() < until) {
		ssize_t n = next_packet(fd, buf, (int)((until - lab_now_ns()) / 1000000u) + 1);
		struct udp4 u;

		if (n <= 0)
			continue;
		if (parse(buf, (size_t)n, &u) != 0 || u.src.s_addr != src.s_addr ||
		    u.dst.s_addr != dst.s_addr)
			continue;
		packets++;
		bytes += u.len;
	}
	printf("packets %llu bytes %llu\n", (unsigned long long)packets, (unsigned long long)bytes);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	lab_catch_signals();
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(argv[1], "capture") == 0)
		return cmd_capture(argc, argv);
	if (strcmp(argv[1], "send") == 0)
		return cmd_send(argc, argv);
	if (strcmp(argv[1], "count") == 0)
		return cmd_count(argc, argv);
	usage();
	return 2;
}
