/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for control.c: splitting a decrypted TLS record into its
 * NUL-terminated text messages, CR/LF stripping, refusal of non-printable
 * bytes, and classification of every message type of wire facts 8.1 by
 * prefix, with the argument after the keyword's comma.
 */
#include "control.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "err.h"

/* A record given as a string literal, with its embedded NULs. */
#define RECORD(b, lit) rv_buf_init_ro((b), (lit), sizeof(lit) - 1)

static void
test_split_several(void **state)
{
	char m[64];
	struct rv_buf b;

	(void)state;
	RECORD(&b, "PUSH_REQUEST\0INFO,hello world\0EXIT\0");
	assert_int_equal(rv_control_next(&b, m, sizeof(m)), 0);
	assert_string_equal(m, "PUSH_REQUEST");
	assert_int_equal(rv_control_next(&b, m, sizeof(m)), 0);
	assert_string_equal(m, "INFO,hello world");
	assert_int_equal(rv_control_next(&b, m, sizeof(m)), 0);
	assert_string_equal(m, "EXIT");
	assert_int_equal(rv_control_next(&b, m, sizeof(m)), RV_ERR_SHORT);
	assert_int_equal(rv_control_next(&b, m, sizeof(m)), RV_ERR_SHORT);

	/* The usual record: one message and its NUL. */
	RECORD(&b, "PUSH_REPLY,ping 10,ping-restart 120\0");
	assert_int_equal(rv_control_next(&b, m, sizeof(m)), 0);
	assert_string_equal(m, "PUSH_REPLY,ping 10,ping-restart 120");
	assert_int_equal(rv_control_next(&b, m, sizeof(m)), RV_ERR_SHORT);
}

static void
test_crlf_and_empty(void **state)
{
	char m[64];
	struct rv_buf b;

	(void)state;
	/* Trailing CR/LF go, in any mix; empty messages are skipped. */
	RECORD(&b, "HALT,bye\r\n\0\0\r\n\0RESTART\n\r\n\0");
	assert_int_equal(rv_control_next(&b, m, sizeof(m)), 0);
	assert_string_equal(m, "HALT,bye");
	assert_int_equal(rv_control_next(&b, m, sizeof(m)), 0);
	assert_string_equal(m, "RESTART");
	assert_int_equal(rv_control_next(&b, m, sizeof(m)), RV_ERR_SHORT);

	RECORD(&b, "\0\0\r\0");
	assert_int_equal(rv_control_next(&b, m, sizeof(m)), RV_ERR_SHORT);
	assert_int_equal(rv_buf_len(&b), 0);
}

struct bad_case {
	const char *what;
	const char *rec;
	size_t len;
};

#define BAD(what, lit) { what, lit, sizeof(lit) - 1 }

/* Each record: one refused message, then "EXIT" which must still come out. */
static const struct bad_case bad_cases[] = {
	BAD("CR inside", "INFO,a\rb\0EXIT\0"),
	BAD("LF inside", "INFO,a\nb\0EXIT\0"),
	BAD("tab", "INFO,a\tb\0EXIT\0"),
	BAD("control byte", "INFO,\x01\0EXIT\0"),
	BAD("DEL", "INFO,\x7f\0EXIT\0"),
	BAD("high byte (UTF-8)", "INFO,gr\xc3\xbc\xc3\x9f\0EXIT\0"),
	BAD("0xff", "\xff\0EXIT\0"),
	BAD("too long for out", "INFO,0123456789abcdef\0EXIT\0"),
};

static void
test_refused(void **state)
{
	char m[16];
	struct rv_buf b;

	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		print_message("%s\n", bad_cases[i].what);
		rv_buf_init_ro(&b, bad_cases[i].rec, bad_cases[i].len);
		assert_int_equal(rv_control_next(&b, m, sizeof(m)), RV_ERR_FORMAT);
		assert_int_equal(rv_control_next(&b, m, sizeof(m)), 0);
		assert_string_equal(m, "EXIT");
		assert_int_equal(rv_control_next(&b, m, sizeof(m)), RV_ERR_SHORT);
	}
}

static void
test_lengths(void **state)
{
	char m[8];
	struct rv_buf b;

	(void)state;
	/* len - 1 characters fit; CR/LF stripped before the length check. */
	RECORD(&b, "INFO,ab\0INFO,abc\0INFO,ab\r\n\0");
	assert_int_equal(rv_control_next(&b, m, sizeof(m)), 0);
	assert_string_equal(m, "INFO,ab");
	assert_int_equal(rv_control_next(&b, m, sizeof(m)), RV_ERR_FORMAT);
	assert_int_equal(rv_control_next(&b, m, sizeof(m)), 0);
	assert_string_equal(m, "INFO,ab");
	RECORD(&b, "X\0");
	assert_int_equal(rv_control_next(&b, m, 1), RV_ERR_FORMAT);
	assert_int_equal(rv_buf_len(&b), 0);
}

/* openvpn drops the bytes after the last NUL (extract_command_buffer). */
static void
test_unterminated(void **state)
{
	char m[64];
	struct rv_buf b;

	(void)state;
	RECORD(&b, "EXIT\0PUSH_REQ");
	assert_int_equal(rv_control_next(&b, m, sizeof(m)), 0);
	assert_string_equal(m, "EXIT");
	assert_int_equal(rv_control_next(&b, m, sizeof(m)), RV_ERR_FORMAT);
	assert_int_equal(rv_buf_len(&b), 0);
	assert_int_equal(rv_control_next(&b, m, sizeof(m)), RV_ERR_SHORT);

	RECORD(&b, "x");
	assert_int_equal(rv_control_next(&b, m, sizeof(m)), RV_ERR_FORMAT);
	RECORD(&b, "");
	assert_int_equal(rv_control_next(&b, m, sizeof(m)), RV_ERR_SHORT);
}

struct class_case {
	const char *msg;
	enum rv_ctl_msg type;
	const char *arg;        /* NULL: arg is the whole message */
};

static const struct class_case class_cases[] = {
	{ "PUSH_REQUEST", RV_CTL_PUSH_REQUEST, "" },
	{ "PUSH_REPLY", RV_CTL_PUSH_REPLY, "" },
	{ "PUSH_REPLY,", RV_CTL_PUSH_REPLY, "" },
	{ "PUSH_REPLY,route-gateway 10.8.0.1,topology subnet,ping 10", RV_CTL_PUSH_REPLY,
	  "route-gateway 10.8.0.1,topology subnet,ping 10" },
	/* openvpn: a bad push message, logged and ignored. */
	{ "PUSH_REPLYX", RV_CTL_UNKNOWN, NULL },
	{ "PUSH_UPDATE,route 10.0.0.0", RV_CTL_UNKNOWN, NULL },
	{ "AUTH_FAILED", RV_CTL_AUTH_FAILED, "" },
	{ "AUTH_FAILED,", RV_CTL_AUTH_FAILED, "" },
	{ "AUTH_FAILED,SESSION:Invalid token", RV_CTL_AUTH_FAILED, "SESSION:Invalid token" },
	{ "AUTH_FAILED,TEMP[backoff 30,advance remote]:try later", RV_CTL_AUTH_FAILED,
	  "TEMP[backoff 30,advance remote]:try later" },
	{ "AUTH_FAILED,CRV1:R,E:Om01u7Fh4LrGBS7uh0SWmzwabUiGiW6l:Y3Ix:Please enter token",
	  RV_CTL_AUTH_FAILED, "CRV1:R,E:Om01u7Fh4LrGBS7uh0SWmzwabUiGiW6l:Y3Ix:Please enter token" },
	{ "AUTH_PENDING", RV_CTL_AUTH_PENDING, "" },
	{ "AUTH_PENDING,timeout 60", RV_CTL_AUTH_PENDING, "timeout 60" },
	{ "INFO_PRE,WEB_AUTH::https://vpn.example/auth", RV_CTL_INFO_PRE,
	  "WEB_AUTH::https://vpn.example/auth" },
	{ "INFO,OPEN_URL:https://vpn.example", RV_CTL_INFO, "OPEN_URL:https://vpn.example" },
	{ "INFO", RV_CTL_INFO, "" },
	{ "RESTART", RV_CTL_RESTART, "" },
	{ "RESTART,server shutting down", RV_CTL_RESTART, "server shutting down" },
	{ "RESTART,[N]moving you on", RV_CTL_RESTART, "[N]moving you on" },
	{ "RESTART,[P]", RV_CTL_RESTART, "[P]" },
	{ "HALT", RV_CTL_HALT, "" },
	{ "HALT,go away", RV_CTL_HALT, "go away" },
	/* Matched by prefix like openvpn; no comma, no argument. */
	{ "HALTED", RV_CTL_HALT, "" },
	{ "EXIT", RV_CTL_EXIT, "" },
	{ "CR_RESPONSE,dGVzdA==", RV_CTL_CR_RESPONSE, "dGVzdA==" },
	{ "", RV_CTL_UNKNOWN, NULL },
	{ "hello", RV_CTL_UNKNOWN, NULL },
	{ "push_request", RV_CTL_UNKNOWN, NULL },
	{ " PUSH_REQUEST", RV_CTL_UNKNOWN, NULL },
	{ "AUTH", RV_CTL_UNKNOWN, NULL },
};

static void
test_classify(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(class_cases) / sizeof(class_cases[0]); i++) {
		const struct class_case *cc = &class_cases[i];
		const char *arg = (const char *)1;

		print_message("%s\n", cc->msg);
		assert_int_equal(rv_control_classify(cc->msg, &arg), cc->type);
		if (cc->arg == NULL) {
			assert_ptr_equal(arg, cc->msg);
			continue;
		}
		assert_string_equal(arg, cc->arg);
		/* arg points into msg: at its end when there is no argument. */
		assert_ptr_equal(arg + strlen(arg), cc->msg + strlen(cc->msg));
	}
	/* arg may be NULL. */
	assert_int_equal(rv_control_classify("EXIT", NULL), RV_CTL_EXIT);
}

/* The whole path: a record split, then classified. */
static void
test_record_then_classify(void **state)
{
	char m[128];
	const char *arg;
	struct rv_buf b;

	(void)state;
	RECORD(&b, "AUTH_PENDING,timeout 60\0INFO_PRE,CR_TEXT:R,E:Enter code\r\n\0");
	assert_int_equal(rv_control_next(&b, m, sizeof(m)), 0);
	assert_int_equal(rv_control_classify(m, &arg), RV_CTL_AUTH_PENDING);
	assert_string_equal(arg, "timeout 60");
	assert_int_equal(rv_control_next(&b, m, sizeof(m)), 0);
	assert_int_equal(rv_control_classify(m, &arg), RV_CTL_INFO_PRE);
	assert_string_equal(arg, "CR_TEXT:R,E:Enter code");
}

static void
test_names(void **state)
{
	static const char *const want[RV_CTL__MAX] = {
		"PUSH_REQUEST", "PUSH_REPLY", "AUTH_FAILED", "AUTH_PENDING", "INFO", "INFO_PRE",
		"RESTART", "HALT", "EXIT", "CR_RESPONSE", "UNKNOWN",
	};

	(void)state;
	for (int t = 0; t < RV_CTL__MAX; t++)
		assert_string_equal(rv_control_name((enum rv_ctl_msg)t), want[t]);
	assert_string_equal(rv_control_name(RV_CTL__MAX), "?");
	assert_string_equal(rv_control_name((enum rv_ctl_msg)-1), "?");
	/* Each name classifies as its own type. */
	for (int t = 0; t < RV_CTL_UNKNOWN; t++)
		assert_int_equal(rv_control_classify(want[t], NULL), t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_several),
		cmocka_unit_test(test_crlf_and_empty),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_unterminated),
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_record_then_classify),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
