/* SPDX-License-Identifier: GPL-2.0-only */
#include "clock.h"
#include "mock_clock.h"

static uint64_t mono = 1000 * (uint64_t)RV_NSEC_PER_SEC;
static time_t wall = 1700000000;

void
mock_clock_set(uint64_t mono_ns, time_t w)
{
	mono = mono_ns;
	wall = w;
}

void
mock_clock_advance(uint64_t ns)
{
	mono += ns;
	wall += (time_t)(ns / RV_NSEC_PER_SEC);
}

uint64_t
rv_clock_now(void)
{
	return mono;
}

time_t
rv_clock_wall(void)
{
	return wall;
}
