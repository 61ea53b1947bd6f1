/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * control: the text messages of the control channel once key method 2 is
 * done (wire facts 2.8, 8.1). A decrypted TLS record holds one or more
 * messages, each ended by a NUL. As in openvpn 2.6 (ssl_pkt.c
 * extract_command_buffer, forward.c parse_incoming_control_channel_command):
 * trailing CR/LF are stripped, a message with any other byte outside
 * printable ASCII is refused, empty messages are skipped, bytes after the
 * last NUL are dropped, and the type is told by the message's prefix.
 */
#include "control.h"

#include <string.h>

#include "err.h"

/* Checked in this order; INFO_PRE must come before its prefix INFO. */
static const struct {
	enum rv_ctl_msg type;
	const char *kw;
} keywords[] = {
	{ RV_CTL_AUTH_FAILED, "AUTH_FAILED" },
	{ RV_CTL_PUSH_REQUEST, "PUSH_REQUEST" },
	{ RV_CTL_PUSH_REPLY, "PUSH_REPLY" },
	{ RV_CTL_RESTART, "RESTART" },
	{ RV_CTL_HALT, "HALT" },
	{ RV_CTL_INFO_PRE, "INFO_PRE" },
	{ RV_CTL_INFO, "INFO" },
	{ RV_CTL_CR_RESPONSE, "CR_RESPONSE" },
	{ RV_CTL_AUTH_PENDING, "AUTH_PENDING" },
	{ RV_CTL_EXIT, "EXIT" },
};

static const char *const names[RV_CTL__MAX] = {
	[RV_CTL_PUSH_REQUEST] = "PUSH_REQUEST",
	[RV_CTL_PUSH_REPLY] = "PUSH_REPLY",
	[RV_CTL_AUTH_FAILED] = "AUTH_FAILED",
	[RV_CTL_AUTH_PENDING] = "AUTH_PENDING",
	[RV_CTL_INFO] = "INFO",
	[RV_CTL_INFO_PRE] = "INFO_PRE",
	[RV_CTL_RESTART] = "RESTART",
	[RV_CTL_HALT] = "HALT",
	[RV_CTL_EXIT] = "EXIT",
	[RV_CTL_CR_RESPONSE] = "CR_RESPONSE",
	[RV_CTL_UNKNOWN] = "UNKNOWN",
};

/* Length of the message view without its trailing CR and LF bytes. */
static size_t
chomped_len(const struct rv_buf *m)
{
	size_t n = rv_buf_len(m);
	uint8_t c;

	while (n > 0 && rv_buf_peek_u8(m, n - 1, &c) == 0 && (c == '\r' || c == '\n'))
		n--;
	return n;
}

/* Printable ASCII only: openvpn's CC_PRINT in the C locale, which also
 * refuses CR/LF inside a message and any byte above 0x7e. */
static bool
is_printable(const struct rv_buf *m, size_t n)
{
	uint8_t c;

	for (size_t i = 0; i < n; i++)
		if (rv_buf_peek_u8(m, i, &c) != 0 || c < 0x20 || c > 0x7e)
			return false;
	return true;
}

int
rv_control_next(struct rv_buf *b, char *out, size_t len)
{
	struct rv_buf msg;
	size_t end, n = 0;
	int r = RV_ERR_SHORT;

	/* Empty messages (a lone NUL, or only CR/LF) are skipped. */
	while (n == 0) {
		r = RV_ERR_SHORT;
		if (rv_buf_len(b) == 0)
			goto out;
		r = RV_ERR_FORMAT;
		if (rv_buf_find(b, '\0', &end) != 0) {
			/* Not NUL-terminated: openvpn drops the rest of the record. */
			rv_buf_skip(b, rv_buf_len(b));
			goto out;
		}
		rv_buf_get_view(b, end, &msg);
		rv_buf_skip(b, 1);
		n = chomped_len(&msg);
	}
	r = RV_ERR_FORMAT;
	if (!is_printable(&msg, n) || n >= len)
		goto out;
	rv_buf_get(&msg, out, n);
	out[n] = '\0';
	r = 0;
out:
	return r;
}

/*
 * Matches kw as a prefix, as openvpn does ("HALTED" halts too). Only
 * PUSH_REPLY must be followed by a comma or the end: openvpn reads the next
 * byte and treats anything else as a bad push message, logged and ignored.
 */
static bool
match(const struct rv_buf *m, enum rv_ctl_msg type, const char *kw)
{
	size_t n = strlen(kw);
	uint8_t c;

	if (!rv_buf_has_prefix(m, kw, n))
		return false;
	if (type != RV_CTL_PUSH_REPLY || rv_buf_peek_u8(m, n, &c) != 0)
		return true;
	return c == ',';
}

enum rv_ctl_msg
rv_control_classify(const char *msg, const char **arg)
{
	enum rv_ctl_msg type = RV_CTL_UNKNOWN;
	struct rv_buf m;
	uint8_t c;

	rv_buf_init_ro(&m, msg, strlen(msg));
	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++) {
		if (!match(&m, keywords[i].type, keywords[i].kw))
			continue;
		type = keywords[i].type;
		rv_buf_skip(&m, strlen(keywords[i].kw));
		/* The argument follows a comma; without one openvpn takes none
		 * (server_pushed_signal, receive_auth_failed). */
		if (rv_buf_get_u8(&m, &c) != 0 || c != ',')
			rv_buf_skip(&m, rv_buf_len(&m));
		break;
	}
	if (arg != NULL)
		*arg = type == RV_CTL_UNKNOWN ? msg : (const char *)rv_buf_data(&m);
	return type;
}

const char *
rv_control_name(enum rv_ctl_msg type)
{
	if ((unsigned)type >= RV_CTL__MAX)
		return "?";
	return names[type];
}
