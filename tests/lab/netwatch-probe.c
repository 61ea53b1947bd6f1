/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rvlab-netwatch: runs roamvpn's path watcher (src/roamvpn/netwatch.c) on
 * its own event loop and prints what it reports, for the testbed tests.
 *
 *   rvlab-netwatch SERVER_ADDR SECS
 *
 * Output (times: CLOCK_MONOTONIC in ms, as rvlab-stream now):
 *   path NOW_MS IFNAME SRC | path NOW_MS no route      at start
 *   change NOW_MS FIRST_MS OLD -> NEW                  on each change; FIRST_MS
 *                                                      is the first netlink
 *                                                      notification of it
 */
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "event.h"
#include "log.h"
#include "netwatch.h"

static struct rv_event *ev;

static void
on_change(void *arg, const struct rv_path *old, const struct rv_path *now, uint64_t at)
{
	char a[RV_ADDRSTRLEN + 24], b[RV_ADDRSTRLEN + 24];

	(void)arg;
	printf("change %.3f %.3f %s -> %s\n", rv_clock_now() / 1e6, at / 1e6,
	    rv_path_fmt(old, a), rv_path_fmt(now, b));
	fflush(stdout);
}

static void
on_end(void *arg)
{
	(void)arg;
	rv_event_stop(ev);
}

int
main(int argc, char **argv)
{
	char err[RV_NETWATCH_ERRLEN], p[RV_ADDRSTRLEN + 24];
	struct rv_sockaddr server = { 0 };
	struct rv_netwatch *w;
	struct rv_timer end;
	long secs;

	if (argc != 3 || (secs = strtol(argv[2], NULL, 10)) <= 0) {
		fprintf(stderr, "usage: rvlab-netwatch SERVER_ADDR SECS\n");
		return 2;
	}
	if (inet_pton(AF_INET, argv[1], &server.u.in4.sin_addr) == 1) {
		server.u.in4.sin_family = AF_INET;
		server.len = sizeof(server.u.in4);
	} else if (inet_pton(AF_INET6, argv[1], &server.u.in6.sin6_addr) == 1) {
		server.u.in6.sin6_family = AF_INET6;
		server.len = sizeof(server.u.in6);
	} else {
		fprintf(stderr, "rvlab-netwatch: `%s' is not an address\n", argv[1]);
		return 2;
	}
	signal(SIGTERM, SIG_DFL);
	if (rv_event_new(&ev) != 0 || rv_netwatch_open(&w, ev, &server, on_change, NULL, err) != 0) {
		fprintf(stderr, "rvlab-netwatch: %s\n", err);
		return 1;
	}
	printf("path %.3f %s\n", rv_clock_now() / 1e6, rv_path_fmt(rv_netwatch_path(w), p));
	fflush(stdout);
	rv_timer_init(&end, on_end, NULL);
	rv_timer_arm(ev, &end, rv_clock_now() + (uint64_t)secs * 1000000000ULL);
	rv_event_run(ev);
	rv_netwatch_close(w);
	rv_event_free(ev);
	return 0;
}
