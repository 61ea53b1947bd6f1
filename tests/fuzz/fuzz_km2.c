/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz_km2: the plaintext a peer sends inside TLS, through every parser of
 * it:
 *   - rv_km2_parse() in both roles; a message that parses is built again
 *     with rv_km2_build() and parsed back, and must come back the same;
 *   - the input as a decrypted control record: rv_control_next() until it
 *     says the record is empty (each call must consume bytes), each message
 *     through rv_control_classify(), whose argument must point into it;
 *   - the input as peer-info text: rv_peer_info_get() and
 *     rv_peer_info_proto().
 *
 *   ./fuzz_km2 -max_total_time=60 /tmp/corpus-km2 tests/fuzz/seeds/km2
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "control.h"
#include "err.h"
#include "keyex.h"
#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
km2_same(const struct rv_km2 *a, const struct rv_km2 *b)
{
	if (a->has_pre_master != b->has_pre_master ||
	    memcmp(a->pre_master, b->pre_master, sizeof(a->pre_master)) != 0 ||
	    memcmp(a->random1, b->random1, sizeof(a->random1)) != 0 ||
	    memcmp(a->random2, b->random2, sizeof(a->random2)) != 0 ||
	    strcmp(a->options, b->options) != 0 || strcmp(a->username, b->username) != 0 ||
	    strcmp(a->password, b->password) != 0 || strcmp(a->peer_info, b->peer_info) != 0)
		abort();
}

static void
fuzz_parse(const uint8_t *data, size_t size, bool from_client)
{
	static struct rv_km2 m, back;
	static uint8_t mem[16384];
	struct rv_buf b, out;
	int r;

	rv_buf_init_ro(&b, data, size);
	r = rv_km2_parse(&b, from_client, &m);
	if (r != 0) {
		if ((r != RV_ERR_SHORT && r != RV_ERR_FORMAT) || rv_buf_len(&b) != size)
			abort();
		return;
	}
	if (rv_buf_len(&b) != 0 || m.has_pre_master != from_client)
		abort();
	rv_buf_init(&out, mem, sizeof(mem), 0);
	/* Whatever parsed fits the limits the builder checks. */
	if (rv_km2_build(&out, &m) != 0 || rv_km2_parse(&out, from_client, &back) != 0)
		abort();
	km2_same(&m, &back);
}

static void
fuzz_control(const uint8_t *data, size_t size)
{
	char msg[RV_WIRE_TLS_TEXT_MAX];
	struct rv_buf b;
	size_t left = size;
	int r;

	rv_buf_init_ro(&b, data, size);
	while ((r = rv_control_next(&b, msg, sizeof(msg))) != RV_ERR_SHORT) {
		const char *arg = NULL;
		enum rv_ctl_msg t;

		if (rv_buf_len(&b) >= left || (r != 0 && r != RV_ERR_FORMAT))
			abort();
		left = rv_buf_len(&b);
		if (r != 0)
			continue;
		t = rv_control_classify(msg, &arg);
		if ((unsigned)t >= RV_CTL__MAX || rv_control_name(t) == NULL)
			abort();
		/* arg lies inside msg, its NUL included. */
		if ((uintptr_t)arg < (uintptr_t)msg ||
		    (uintptr_t)arg > (uintptr_t)msg + strlen(msg))
			abort();
	}
}

static void
fuzz_peer_info(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	char v[16];

	if (text == NULL)
		return;
	memcpy(text, data, size);
	text[size] = '\0';
	(void)rv_peer_info_proto(text);
	if (rv_peer_info_get(text, "IV_CIPHERS", v, sizeof(v)) && strlen(v) >= sizeof(v))
		abort();
	(void)rv_peer_info_get(text, "", v, 1);
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_parse(data, size, true);
	fuzz_parse(data, size, false);
	fuzz_control(data, size);
	fuzz_peer_info(data, size);
	return 0;
}
