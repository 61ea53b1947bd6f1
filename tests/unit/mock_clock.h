/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_MOCK_CLOCK_H
#define RV_MOCK_CLOCK_H

/* A clock tests drive by hand; replaces src/roamvpn/clock.c in unit tests. */

#include <stdint.h>
#include <time.h>

void mock_clock_set(uint64_t mono_ns, time_t wall);
void mock_clock_advance(uint64_t ns);

#endif
