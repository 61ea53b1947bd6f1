/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * clock: monotonic and wall time for the daemon.
 */
#include "clock.h"

uint64_t
rv_clock_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * RV_NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

time_t
rv_clock_wall(void)
{
	return time(NULL);
}
