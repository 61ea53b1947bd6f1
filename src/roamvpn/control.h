/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_CONTROL_H
#define RV_CONTROL_H

/*
 * Text messages on the control channel after key method 2 (wire facts 8.1):
 * PUSH_REQUEST, PUSH_REPLY, AUTH_FAILED, AUTH_PENDING, INFO, RESTART, HALT,
 * EXIT ... Each is one TLS record ending in a NUL. A record can hold several
 * messages separated by NULs; trailing CR/LF are stripped; a message with
 * non-printable bytes is refused.
 */

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

enum rv_ctl_msg {
	RV_CTL_PUSH_REQUEST,
	RV_CTL_PUSH_REPLY,      /* arg: the options after "PUSH_REPLY," (may be empty) */
	RV_CTL_AUTH_FAILED,     /* arg: reason after "AUTH_FAILED," (may be empty) */
	RV_CTL_AUTH_PENDING,    /* arg: e.g. "timeout 60" */
	RV_CTL_INFO,
	RV_CTL_INFO_PRE,
	RV_CTL_RESTART,         /* arg: "[flags]message" */
	RV_CTL_HALT,
	RV_CTL_EXIT,
	RV_CTL_CR_RESPONSE,
	RV_CTL_UNKNOWN,
	RV_CTL__MAX,
};

/* Takes the next message of a decrypted record off b into out[len]
 * (NUL-terminated, CR/LF stripped). Returns 0, RV_ERR_SHORT (b is empty) or
 * RV_ERR_FORMAT (non-printable bytes, or longer than len-1: that message is
 * consumed and skipped). */
int rv_control_next(struct rv_buf *b, char *out, size_t len);

/* Classifies a message by its prefix; *arg points into msg after the
 * keyword and its comma (at the NUL if there is no argument). */
enum rv_ctl_msg rv_control_classify(const char *msg, const char **arg);

/* The keyword of a message type, for logs ("PUSH_REPLY"). */
const char *rv_control_name(enum rv_ctl_msg type);

#endif
