/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RVLAB_LABTOOL_H
#define RVLAB_LABTOOL_H

/*
 * What the testbed's tools share: the monotonic clock (the same in every
 * namespace, so scripts can relate the tools' times) and a stop flag set by
 * SIGTERM and SIGINT.
 */

#include <signal.h>
#include <stdint.h>
#include <time.h>

static volatile sig_atomic_t lab_stop;

static void
lab_on_signal(int sig)
{
	(void)sig;
	lab_stop = 1;
}

/* SIGTERM and SIGINT set lab_stop. */
static inline void
lab_catch_signals(void)
{
	signal(SIGTERM, lab_on_signal);
	signal(SIGINT, lab_on_signal);
}

static inline uint64_t
lab_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

#endif
