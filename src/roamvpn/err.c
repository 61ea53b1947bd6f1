/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * err: the project's error codes and their descriptions.
 */
#include "err.h"

#include <errno.h>
#include <string.h>

static const char *const names[] = {
	[0] = "success",
	[-RV_ERR_INTERNAL] = "internal error",
	[-RV_ERR_NOMEM] = "out of memory",
	[-RV_ERR_SHORT] = "message incomplete",
	[-RV_ERR_NOSPACE] = "no buffer space",
	[-RV_ERR_READONLY] = "buffer is read-only",
	[-RV_ERR_FORMAT] = "malformed input",
	[-RV_ERR_RANGE] = "value out of range",
	[-RV_ERR_AUTH] = "authentication failed",
	[-RV_ERR_DECRYPT] = "decryption failed",
	[-RV_ERR_REPLAY] = "replayed or too old packet",
	[-RV_ERR_SYSTEM] = "system error",
	[-RV_ERR_NOTFOUND] = "not found",
	[-RV_ERR_UNSUPPORTED] = "not supported",
	[-RV_ERR_AGAIN] = "try again",
	[-RV_ERR_CRYPTO] = "crypto library error",
	[-RV_ERR_LIMIT] = "limit reached",
};

const char *
rv_strerror(int r)
{
	if (r == RV_ERR_SYSTEM && errno != 0)
		return strerror(errno);
	if (r > 0 || r <= RV_ERR_MIN)
		return "unknown error";
	return names[-r];
}
