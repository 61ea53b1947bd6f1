/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz_comp: the receive side of the compression framing, rv_comp_unframe(),
 * for every algorithm, and a round trip through rv_comp_frame().
 *
 * Input layout:
 *   byte 0   bits 0-2 algorithm (enum rv_comp_alg, taken modulo 5);
 *            bit 3 allow-compression yes (the sender compresses);
 *            bit 4 adaptive
 *   byte 1   tailroom the packet slot has behind the data (0..255)
 *   rest     the payload as it comes out of decryption
 *
 * Checks: unframing never writes outside the slot (the slot is an exact
 * allocation, ASan sees any overflow), never yields more than the maximum
 * frame, and a payload framed by rv_comp_frame() comes back unchanged.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "comp.h"

enum { MAX_FRAME = 1856, HEADROOM = 32 };

static void
round_trip(struct rv_comp *c, const uint8_t *data, size_t len)
{
	size_t cap = HEADROOM + MAX_FRAME + 64;
	uint8_t *mem = malloc(cap);
	struct rv_buf b;

	if (mem == NULL || len > MAX_FRAME) {
		free(mem);
		return;
	}
	rv_buf_init(&b, mem, cap, HEADROOM);
	rv_buf_put(&b, data, len);
	if (rv_comp_frame(c, &b, 7) != 0)
		abort();
	if (rv_comp_unframe(c, &b) != 0 || rv_buf_len(&b) != len ||
	    (len > 0 && memcmp(rv_buf_data(&b), data, len) != 0))
		abort();
	free(mem);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rv_comp_conf conf = { 0 };
	struct rv_comp c;
	struct rv_buf b;
	size_t tail, cap;
	uint8_t *mem;

	if (size < 2)
		return 0;
	conf.alg = (enum rv_comp_alg)((data[0] & 7) % 5);
	conf.allow = data[0] & 8 ? RV_COMP_ALLOW_YES : RV_COMP_ALLOW_UNSET;
	conf.adaptive = data[0] & 16;
	tail = data[1];
	data += 2;
	size -= 2;
	if (rv_comp_init(&c, &conf, MAX_FRAME) != 0)
		abort();
	/* An exact slot: the payload plus the tailroom, no slack. */
	cap = size + tail;
	if ((mem = malloc(cap > 0 ? cap : 1)) == NULL)
		abort();
	rv_buf_init(&b, mem, cap, 0);
	rv_buf_put(&b, data, size);
	if (rv_comp_unframe(&c, &b) == 0 && rv_buf_len(&b) > MAX_FRAME)
		abort();
	free(mem);
	round_trip(&c, data, size);
	rv_comp_clear(&c);
	return 0;
}
