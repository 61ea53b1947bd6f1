/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rvlab-wanem: a wide-area link in user space, for the namespace testbed
 * (this kernel has no netem). It owns two TUN devices, one in each of two
 * network namespaces, and carries every IP packet read from one to the other
 * after a one-way delay, with optional jitter, random loss and a rate limit.
 * Packets keep their order in each direction. The test script gives the
 * devices their addresses and routes.
 *
 *   rvlab-wanem NS_A DEV_A NS_B DEV_B [-d MS] [-j MS] [-l PERCENT] [-r MBIT]
 *
 * NS_A/NS_B are names under /var/run/netns. SIGTERM or SIGINT ends it; the
 * devices go with it. It prints "ready" on stdout once both devices exist,
 * and its counters on exit.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "labtool.h"

enum { SLOT = 2048, QUEUE = 8192 };

struct pkt {
	uint64_t due;           /* monotonic ns */
	uint16_t len;
	uint8_t data[SLOT];
};

/* One direction: packets read from one device wait here for the other. */
struct dir {
	int in, out;
	struct pkt *q;
	size_t head, count;
	uint64_t last_due;
	uint64_t passed, lost, overflow;
};

struct params {
	uint64_t delay, jitter;     /* ns */
	double loss;                /* 0..1 */
	double rate;                /* bits per ns, 0 = unlimited */
};

/* Opens /dev/net/tun as dev inside the namespace ns; returns the fd. */
static int
tun_in_ns(const char *ns, const char *dev)
{
	char path[256];
	struct ifreq ifr;
	int nsfd, fd;

	snprintf(path, sizeof(path), "/var/run/netns/%s", ns);
	if ((nsfd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || setns(nsfd, CLONE_NEWNET) != 0) {
		fprintf(stderr, "rvlab-wanem: namespace %s: %s\n", ns, strerror(errno));
		exit(1);
	}
	close(nsfd);
	if ((fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK)) < 0) {
		fprintf(stderr, "rvlab-wanem: /dev/net/tun: %s\n", strerror(errno));
		exit(1);
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", dev);
	if (ioctl(fd, TUNSETIFF, &ifr) != 0) {
		fprintf(stderr, "rvlab-wanem: %s in %s: %s\n", dev, ns, strerror(errno));
		exit(1);
	}
	return fd;
}

/* Reads what is waiting on d->in into the queue. */
static void
take(struct dir *d, const struct params *p, uint64_t now)
{
	for (;;) {
		struct pkt *k = &d->q[(d->head + d->count) % QUEUE];
		uint8_t scratch[SLOT];
		bool room = d->count < QUEUE;
		ssize_t n = read(d->in, room ? k->data : scratch, SLOT);
		uint64_t due;

		if (n <= 0)
			return;
		if (!room) {
			d->overflow++;
			continue;
		}
		if (p->loss > 0 && drand48() < p->loss) {
			d->lost++;
			continue;
		}
		due = now + p->delay + (p->jitter > 0 ? (uint64_t)(drand48() * (double)p->jitter) : 0);
		if (p->rate > 0) {
			uint64_t serial = (uint64_t)((double)n * 8 / p->rate);

			if (due < d->last_due + serial)
				due = d->last_due + serial;
		}
		if (due < d->last_due)
			due = d->last_due;     /* keep the order */
		d->last_due = due;
		k->due = due;
		k->len = (uint16_t)n;
		d->count++;
	}
}

/* Writes what is due; returns the time the next packet is due (or 0). */
static uint64_t
give(struct dir *d, uint64_t now)
{
	while (d->count > 0) {
		struct pkt *k = &d->q[d->head];

		if (k->due > now)
			return k->due;
		if (write(d->out, k->data, k->len) < 0 && errno == EAGAIN)
			return now + 100000;   /* the device is full: retry in 0.1 ms */
		d->passed++;
		d->head = (d->head + 1) % QUEUE;
		d->count--;
	}
	return 0;
}

static double
arg_num(const char *s, const char *what)
{
	char *end;
	double v = strtod(s, &end);

	if (*s == '\0' || *end != '\0' || v < 0) {
		fprintf(stderr, "rvlab-wanem: %s: `%s' is not a number >= 0\n", what, s);
		exit(2);
	}
	return v;
}

int
main(int argc, char **argv)
{
	struct params p = { 0 };
	struct dir d[2];
	int opt, fa, fb;

	while ((opt = getopt(argc, argv, "d:j:l:r:")) != -1) {
		switch (opt) {
		case 'd': p.delay = (uint64_t)(arg_num(optarg, "-d") * 1e6); break;
		case 'j': p.jitter = (uint64_t)(arg_num(optarg, "-j") * 1e6); break;
		case 'l': p.loss = arg_num(optarg, "-l") / 100; break;
		case 'r': p.rate = arg_num(optarg, "-r") / 1000; break;   /* Mbit/s -> bit/ns */
		default:
			fprintf(stderr, "usage: rvlab-wanem NS_A DEV_A NS_B DEV_B [-d MS] [-j MS] "
			    "[-l PERCENT] [-r MBIT]\n");
			return 2;
		}
	}
	if (argc - optind != 4) {
		fprintf(stderr, "usage: rvlab-wanem NS_A DEV_A NS_B DEV_B [-d MS] [-j MS] "
		    "[-l PERCENT] [-r MBIT]\n");
		return 2;
	}
	srand48((long)lab_now_ns());
	fa = tun_in_ns(argv[optind], argv[optind + 1]);
	fb = tun_in_ns(argv[optind + 2], argv[optind + 3]);
	memset(d, 0, sizeof(d));
	d[0].in = fa, d[0].out = fb;
	d[1].in = fb, d[1].out = fa;
	for (int i = 0; i < 2; i++)
		if ((d[i].q = calloc(QUEUE, sizeof(struct pkt))) == NULL)
			return 1;
	lab_catch_signals();
	printf("ready\n");
	fflush(stdout);
	while (!lab_stop) {
		struct pollfd pf[2] = { { .fd = fa, .events = POLLIN }, { .fd = fb, .events = POLLIN } };
		uint64_t now = lab_now_ns(), next = 0;
		struct timespec ts, *tsp = NULL;

		for (int i = 0; i < 2; i++) {
			uint64_t t = give(&d[i], now);

			if (t != 0 && (next == 0 || t < next))
				next = t;
		}
		if (next != 0) {
			ts.tv_sec = (time_t)((next - now) / 1000000000ULL);
			ts.tv_nsec = (long)((next - now) % 1000000000ULL);
			tsp = &ts;
		}
		if (ppoll(pf, 2, tsp, NULL) < 0 && errno != EINTR)
			break;
		now = lab_now_ns();
		if (pf[0].revents & POLLIN)
			take(&d[0], &p, now);
		if (pf[1].revents & POLLIN)
			take(&d[1], &p, now);
	}
	printf("a->b passed %llu lost %llu overflow %llu; b->a passed %llu lost %llu overflow %llu\n",
	    (unsigned long long)d[0].passed, (unsigned long long)d[0].lost,
	    (unsigned long long)d[0].overflow, (unsigned long long)d[1].passed,
	    (unsigned long long)d[1].lost, (unsigned long long)d[1].overflow);
	return 0;
}
