/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_ERR_H
#define RV_ERR_H

/*
 * Error codes shared by every module. A function that can fail for more than
 * one reason returns 0 or one of these negative values; rv_strerror() turns
 * it into text for logs.
 */
enum rv_err {
	RV_OK = 0,
	RV_ERR_INTERNAL = -1,    /* broken invariant */
	RV_ERR_NOMEM = -2,       /* allocation failed */
	RV_ERR_SHORT = -3,       /* message incomplete: fewer bytes than needed */
	RV_ERR_NOSPACE = -4,     /* buffer has no room left */
	RV_ERR_READONLY = -5,    /* write attempted on a read-only view */
	RV_ERR_FORMAT = -6,      /* malformed input */
	RV_ERR_RANGE = -7,       /* value out of range */
	RV_ERR_AUTH = -8,        /* HMAC or tag mismatch */
	RV_ERR_DECRYPT = -9,     /* cipher failure or bad padding */
	RV_ERR_REPLAY = -10,     /* packet id seen before or too old */
	RV_ERR_SYSTEM = -11,     /* system call failed; errno holds the reason */
	RV_ERR_NOTFOUND = -12,   /* no such thing */
	RV_ERR_UNSUPPORTED = -13,/* valid but not implemented or not available */
	RV_ERR_AGAIN = -14,      /* nothing to do now, try later */
	RV_ERR_CRYPTO = -15,     /* the crypto library failed */
	RV_ERR_LIMIT = -16,      /* a configured or protocol limit was hit */
	RV_ERR_MIN = -17
};

/* Returns a static, human-readable description of an rv_err value. */
const char *rv_strerror(int r);

#endif
