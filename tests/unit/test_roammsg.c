/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for roammsg.c, the mobility extension's messages: the layout
 * of include/roamvpn/roam.h, the probe's zero padding, refusal of short,
 * foreign or unknown messages, fresh non-zero nonces.
 */
#include "roammsg.h"

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "err.h"

static void
test_msg_layout(void **state)
{
	uint8_t mem[2048];
	struct rv_buf b;
	struct rv_roam_msg m = { .type = RV_ROAM_MSG_REPLY }, got;
	const uint8_t *d;

	(void)state;
	memset(m.nonce, 0xa1, sizeof(m.nonce));
	memset(m.echo, 0xb2, sizeof(m.echo));
	rv_buf_init(&b, mem, sizeof(mem), 0);
	assert_int_equal(rv_roam_msg_put(&b, &m, 0), 0);
	assert_int_equal(rv_buf_len(&b), RV_ROAM_HDR_LEN);
	d = rv_buf_data(&b);
	assert_memory_equal(d, RV_ROAM_MAGIC, RV_ROAM_MAGIC_LEN);
	assert_int_equal(d[16], RV_ROAM_MSG_REPLY);
	assert_int_equal(d[17], 0);
	assert_int_equal(d[18], 0xa1);
	assert_int_equal(d[25], 0xa1);
	assert_int_equal(d[26], 0xb2);
	assert_int_equal(d[33], 0xb2);
	/* not an IP packet: the device never gets one */
	assert_int_not_equal(d[0] >> 4, 4);
	assert_int_not_equal(d[0] >> 4, 6);
	assert_true(rv_roam_msg_is(&b));
	assert_int_equal(rv_roam_msg_parse(&b, &got), 0);
	assert_int_equal(got.type, RV_ROAM_MSG_REPLY);
	assert_memory_equal(got.nonce, m.nonce, sizeof(m.nonce));
	assert_memory_equal(got.echo, m.echo, sizeof(m.echo));
}

static void
test_msg_probe_padding(void **state)
{
	uint8_t mem[2048];
	struct rv_buf b;
	struct rv_roam_msg m = { .type = RV_ROAM_MSG_PROBE }, got;
	const uint8_t *d;

	(void)state;
	memset(m.nonce, 7, sizeof(m.nonce));
	rv_buf_init(&b, mem, sizeof(mem), 0);
	memset(mem, 0xff, sizeof(mem));
	assert_int_equal(rv_roam_msg_put(&b, &m, RV_ROAM_PROBE_LEN), 0);
	assert_int_equal(rv_buf_len(&b), RV_ROAM_PROBE_LEN);
	d = rv_buf_data(&b);
	for (size_t i = RV_ROAM_HDR_LEN; i < RV_ROAM_PROBE_LEN; i++)
		assert_int_equal(d[i], 0);
	assert_int_equal(rv_roam_msg_parse(&b, &got), 0);
	assert_int_equal(got.type, RV_ROAM_MSG_PROBE);
	/* no room: refused, not truncated */
	rv_buf_init(&b, mem, 100, 0);
	assert_int_equal(rv_roam_msg_put(&b, &m, RV_ROAM_PROBE_LEN), RV_ERR_NOSPACE);
}

static void
test_msg_refused(void **state)
{
	uint8_t mem[64];
	struct rv_buf b;
	struct rv_roam_msg m = { .type = RV_ROAM_MSG_RESPONSE }, got;

	(void)state;
	rv_buf_init(&b, mem, sizeof(mem), 0);
	assert_int_equal(rv_roam_msg_put(&b, &m, 0), 0);
	/* short */
	rv_buf_init_ro(&b, mem, RV_ROAM_HDR_LEN - 1);
	assert_int_equal(rv_roam_msg_parse(&b, &got), RV_ERR_SHORT);
	/* unknown types */
	mem[16] = 0;
	rv_buf_init_ro(&b, mem, RV_ROAM_HDR_LEN);
	assert_int_equal(rv_roam_msg_parse(&b, &got), RV_ERR_FORMAT);
	mem[16] = 5;
	assert_int_equal(rv_roam_msg_parse(&b, &got), RV_ERR_FORMAT);
	/* bad magic */
	mem[16] = RV_ROAM_MSG_RESPONSE;
	mem[3] ^= 1;
	assert_false(rv_roam_msg_is(&b));
	assert_int_equal(rv_roam_msg_parse(&b, &got), RV_ERR_FORMAT);
}

static void
test_nonce(void **state)
{
	uint8_t a[RV_ROAM_NONCE_LEN], b[RV_ROAM_NONCE_LEN], z[RV_ROAM_NONCE_LEN] = { 0 };

	(void)state;
	assert_true(rv_roam_nonce_none(z));
	assert_int_equal(rv_roam_nonce_new(a), 0);
	assert_int_equal(rv_roam_nonce_new(b), 0);
	assert_false(rv_roam_nonce_none(a));
	assert_memory_not_equal(a, b, sizeof(a));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_msg_layout),
		cmocka_unit_test(test_msg_probe_padding),
		cmocka_unit_test(test_msg_refused),
		cmocka_unit_test(test_nonce),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
