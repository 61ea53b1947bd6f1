/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rvlab-wanem: a wide-area link in user space, for the namespace testbed
 * (this kernel has no netem). It owns two TUN devices, one in each of two
 * network namespaces, and carries every IP packet read from one to the other
 * after a one-way delay, with optional jitter, random loss and a rate limit.
 * Packets keep their order in each direction. The test script gives the
 * devices their addresses and routes.
 *
 *   rvlab-wanem NS_A DEV_A NS_B DEV_B [-d MS] [-j MS] [-l PERCENT]
 *               [-r MBIT[/MBIT]] [-b KBYTE] [-q KBYTE]
 *
 * The rate limit (-r; a second figure is the B->A rate, else both are the
 * same) is a token bucket per direction, -b KBYTE deep (default 4: a few
 * packets of burst), in front of a drop-tail queue of -q KBYTE (default 64):
 * a packet that finds the bucket empty waits in the queue, and one that
 * finds the queue full is dropped, as at a router's bottleneck link. The
 * delay and jitter apply after the bottleneck.
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
	double rate;            /* bits per ns, 0 = unlimited */
	double tokens;          /* bytes in the bucket at tb_time */
	uint64_t tb_time;       /* when the last packet left the bucket (ns) */
	uint64_t passed, lost, overflow, dropped;
};

struct params {
	uint64_t delay, jitter;     /* ns */
	double loss;                /* 0..1 */
	double burst, queue;        /* bytes */
};

/*
 * The token bucket of a direction: when a packet of n bytes arriving at now
 * leaves the bottleneck, or 0 if the drop-tail queue has no room for it.
 * Packets leave in order, so the state is the time the last one left and
 * the tokens left then; the queue holds what arrived and has not left yet,
 * which is (departure - now) worth of bytes at the rate.
 */
static uint64_t
bucket(struct dir *d, const struct params *p, size_t n, uint64_t now)
{
	uint64_t t0 = now > d->tb_time ? now : d->tb_time, out;
	double tok = d->tokens + (double)(t0 - d->tb_time) * d->rate / 8;

	if (tok > p->burst)
		tok = p->burst;
	if (tok >= (double)n) {
		out = t0;
		tok -= (double)n;
	} else {
		out = t0 + (uint64_t)(((double)n - tok) * 8 / d->rate);
		tok = 0;
	}
	if ((double)(out - now) * d->rate / 8 > p->queue)
		return 0;
	d->tb_time = out;
	d->tokens = tok;
	return out;
}

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
		due = now;
		if (d->rate > 0 && (due = bucket(d, p, (size_t)n, now)) == 0) {
			d->dropped++;
			continue;
		}
		due += p->delay + (p->jitter > 0 ? (uint64_t)(drand48() * (double)p->jitter) : 0);
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

static void
usage(void)
{
	fprintf(stderr, "usage: rvlab-wanem NS_A DEV_A NS_B DEV_B [-d MS] [-j MS] [-l PERCENT] "
	    "[-r MBIT[/MBIT]] [-b KBYTE] [-q KBYTE]\n");
	exit(2);
}

/* -r MBIT[/MBIT]: the A->B and B->A rates in bits per ns. */
static void
arg_rates(char *s, double *ab, double *ba)
{
	char *slash = strchr(s, '/');

	if (slash != NULL)
		*slash = '\0';
	*ab = arg_num(s, "-r") / 1000;    /* Mbit/s -> bit/ns */
	*ba = slash != NULL ? arg_num(slash + 1, "-r") / 1000 : *ab;
}

int
main(int argc, char **argv)
{
	struct params p = { .burst = 4096, .queue = 65536 };
	struct dir d[2];
	double rate_ab = 0, rate_ba = 0;
	int opt, fa, fb;

	while ((opt = getopt(argc, argv, "d:j:l:r:b:q:")) != -1) {
		switch (opt) {
		case 'd': p.delay = (uint64_t)(arg_num(optarg, "-d") * 1e6); break;
		case 'j': p.jitter = (uint64_t)(arg_num(optarg, "-j") * 1e6); break;
		case 'l': p.loss = arg_num(optarg, "-l") / 100; break;
		case 'r': arg_rates(optarg, &rate_ab, &rate_ba); break;
		case 'b': p.burst = arg_num(optarg, "-b") * 1024; break;
		case 'q': p.queue = arg_num(optarg, "-q") * 1024; break;
		default: usage();
		}
	}
	if (argc - optind != 4)
		usage();
	/* A bucket shallower than a packet would never let that packet go. */
	if (p.burst < SLOT)
		p.burst = SLOT;
	srand48((long)lab_now_ns());
	fa = tun_in_ns(argv[optind], argv[optind + 1]);
	fb = tun_in_ns(argv[optind + 2], argv[optind + 3]);
	memset(d, 0, sizeof(d));
	d[0].in = fa, d[0].out = fb, d[0].rate = rate_ab, d[0].tokens = p.burst;
	d[1].in = fb, d[1].out = fa, d[1].rate = rate_ba, d[1].tokens = p.burst;
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
	for (int i = 0; i < 2; i++)
		printf("%s passed %llu lost %llu overflow %llu queue-full %llu\n", i ? "b->a" : "a->b",
		    (unsigned long long)d[i].passed, (unsigned long long)d[i].lost,
		    (unsigned long long)d[i].overflow, (unsigned long long)d[i].dropped);
	return 0;
}
