/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_CLOCK_H
#define RV_CLOCK_H

/*
 * The one source of time. Production code reads time only through these two
 * functions; unit tests link tests/unit/mock_clock.c instead of clock.c and
 * drive time by hand.
 */

#include <stdint.h>
#include <time.h>

enum {
	RV_NSEC_PER_MSEC = 1000000,
	RV_NSEC_PER_SEC = 1000000000,
};

/* Monotonic time in nanoseconds since an arbitrary start. */
uint64_t rv_clock_now(void);

/* Wall-clock time in seconds since the epoch (for packet-id timestamps and
 * log lines, never for timeouts). */
time_t rv_clock_wall(void);

static inline uint64_t
rv_sec(uint64_t s)
{
	return s * RV_NSEC_PER_SEC;
}

static inline uint64_t
rv_msec(uint64_t ms)
{
	return ms * RV_NSEC_PER_MSEC;
}

#endif
