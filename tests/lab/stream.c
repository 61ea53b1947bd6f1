/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rvlab-stream: a paced UDP stream and a receiver that reports its gaps, to
 * measure how long a tunnel stops carrying traffic across a hotspot change.
 *
 *   rvlab-stream send ADDR PORT PPS SECS   PPS datagrams a second for SECS
 *   rvlab-stream recv PORT SECS [GAP_MS]   receive for SECS (or until
 *                                          SIGTERM), then report
 *   rvlab-stream now                       the monotonic clock in ms
 *   rvlab-stream time CMD [ARG...]         runs CMD, then prints "ran START
 *                                          END": the clock just before it
 *                                          started and just after it ended
 *
 * Times are CLOCK_MONOTONIC, the same in every namespace of the host, so a
 * script can relate gaps to the moments it changed something ("now").
 * The report, one item a line:
 *   sent N received N lost N reordered N duplicate N
 *   first MS last MS
 *   gap MS LEN_MS          the last arrival before a silence longer than
 *                          GAP_MS (default 5), and the silence
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "labtool.h"

enum { PAYLOAD = 64, MAX_GAPS = 100000 };
static const uint32_t MAGIC = 0x72766c62;   /* "rvlb" */

static long
num(const char *s, const char *what, long min, long max)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < min || v > max) {
		fprintf(stderr, "rvlab-stream: %s: `%s' is not a number from %ld to %ld\n", what, s,
		    min, max);
		exit(2);
	}
	return v;
}

static int
do_send(const char *host, const char *port, long pps, long secs)
{
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM }, *ai;
	uint8_t buf[PAYLOAD] = { 0 };
	uint64_t start = lab_now_ns(), period = 1000000000ULL / (uint64_t)pps;
	uint64_t total = (uint64_t)pps * (uint64_t)secs;
	int fd, r;

	if ((r = getaddrinfo(host, port, &hints, &ai)) != 0) {
		fprintf(stderr, "rvlab-stream: %s: %s\n", host, gai_strerror(r));
		return 1;
	}
	if ((fd = socket(ai->ai_family, SOCK_DGRAM, 0)) < 0 ||
	    connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
		fprintf(stderr, "rvlab-stream: %s: %s\n", host, strerror(errno));
		return 1;
	}
	freeaddrinfo(ai);
	for (uint64_t seq = 0; seq < total && !lab_stop; seq++) {
		uint64_t due = start + seq * period, t = lab_now_ns();
		struct timespec ts = { (time_t)(due / 1000000000ULL), (long)(due % 1000000000ULL) };

		if (due > t)
			clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
		t = lab_now_ns();
		memcpy(buf, &MAGIC, 4);
		memcpy(buf + 4, &seq, 8);
		memcpy(buf + 12, &t, 8);
		/* No route for a moment (the hotspot change) is what we measure. */
		(void)send(fd, buf, sizeof(buf), 0);
	}
	printf("sent %llu\n", (unsigned long long)total);
	return 0;
}

static int
do_recv(const char *port, long secs, long gap_ms)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_addr = in6addr_any };
	uint64_t end = lab_now_ns() + (uint64_t)secs * 1000000000ULL, first = 0, last = 0;
	uint64_t max_seq = 0, received = 0, reordered = 0, dup = 0, ngaps = 0;
	uint64_t (*gaps)[2] = calloc(MAX_GAPS, sizeof(*gaps));
	uint8_t *seen = calloc(1 << 24, 1);   /* sequence numbers below 16M */
	int fd, off = 0;

	if (gaps == NULL || seen == NULL)
		return 1;
	sa.sin6_port = htons((uint16_t)num(port, "PORT", 1, 65535));
	if ((fd = socket(AF_INET6, SOCK_DGRAM, 0)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off)) != 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		fprintf(stderr, "rvlab-stream: port %s: %s\n", port, strerror(errno));
		return 1;
	}
	printf("listening\n");
	fflush(stdout);
	while (!lab_stop) {
		struct pollfd pf = { .fd = fd, .events = POLLIN };
		uint8_t buf[PAYLOAD];
		uint64_t t = lab_now_ns(), seq;
		uint32_t magic;
		ssize_t n;

		if (t >= end)
			break;
		if (poll(&pf, 1, (int)((end - t) / 1000000) + 1) <= 0)
			continue;
		if ((n = recv(fd, buf, sizeof(buf), 0)) != PAYLOAD)
			continue;
		memcpy(&magic, buf, 4);
		memcpy(&seq, buf + 4, 8);
		if (magic != MAGIC || seq >= (1u << 24))
			continue;
		t = lab_now_ns();
		if (seen[seq]) {
			dup++;
			continue;
		}
		seen[seq] = 1;
		if (received > 0 && seq < max_seq)
			reordered++;
		if (seq > max_seq)
			max_seq = seq;
		if (received > 0 && t - last > (uint64_t)gap_ms * 1000000 && ngaps < MAX_GAPS) {
			gaps[ngaps][0] = last;
			gaps[ngaps][1] = t - last;
			ngaps++;
		}
		if (received == 0)
			first = t;
		last = t;
		received++;
	}
	printf("sent %llu received %llu lost %llu reordered %llu duplicate %llu\n",
	    (unsigned long long)(received ? max_seq + 1 : 0), (unsigned long long)received,
	    (unsigned long long)(received ? max_seq + 1 - received : 0),
	    (unsigned long long)reordered, (unsigned long long)dup);
	printf("first %.3f last %.3f\n", first / 1e6, last / 1e6);
	for (uint64_t i = 0; i < ngaps; i++)
		printf("gap %.3f %.3f\n", gaps[i][0] / 1e6, gaps[i][1] / 1e6);
	return 0;
}

/*
 * Times a command without the cost of starting a second process to read
 * the clock: a script changing the network learns when the change began and
 * when it was done to within the command's own run.
 */
static int
do_time(char **cmd)
{
	uint64_t start, end;
	int status;
	pid_t pid;

	fflush(stdout);
	start = lab_now_ns();
	if ((pid = fork()) < 0) {
		fprintf(stderr, "rvlab-stream: fork: %s\n", strerror(errno));
		return 1;
	}
	if (pid == 0) {
		execvp(cmd[0], cmd);
		fprintf(stderr, "rvlab-stream: %s: %s\n", cmd[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 1;
	end = lab_now_ns();
	printf("ran %.3f %.3f\n", start / 1e6, end / 1e6);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

int
main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "time") == 0)
		return do_time(argv + 2);
	lab_catch_signals();
	if (argc == 2 && strcmp(argv[1], "now") == 0) {
		printf("%.3f\n", lab_now_ns() / 1e6);
		return 0;
	}
	if (argc == 6 && strcmp(argv[1], "send") == 0)
		return do_send(argv[2], argv[3], num(argv[4], "PPS", 1, 1000000),
		    num(argv[5], "SECS", 1, 86400));
	if ((argc == 4 || argc == 5) && strcmp(argv[1], "recv") == 0)
		return do_recv(argv[2], num(argv[3], "SECS", 1, 86400),
		    argc == 5 ? num(argv[4], "GAP_MS", 1, 100000) : 5);
	fprintf(stderr, "usage: rvlab-stream send ADDR PORT PPS SECS | recv PORT SECS [GAP_MS] | now | "
	    "time CMD [ARG...]\n");
	return 2;
}
