/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_KEYFILE_H
#define RV_KEYFILE_H

/*
 * "OpenVPN Static key V1" files (wire facts section 13): 2048 bits of key
 * material as 16 lines of hex between BEGIN and END markers, read for
 * --secret (and later --tls-auth/--tls-crypt) and written by --genkey.
 *
 * The 256 bytes are two keys, each a 64-byte cipher slot followed by a
 * 64-byte HMAC slot. A key direction picks which key sends and which
 * receives.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	RV_KEY_SLOT_LEN = 64,
	RV_KEY2_LEN = 256,
	RV_KEYFILE_TEXT_MAX = 1024,   /* formatted file, with room to spare */
};

/* --secret FILE [dir] / --key-direction. */
enum rv_keydir {
	RV_KEYDIR_BIDI = -1,          /* no direction: keys[0] both ways */
	RV_KEYDIR_NORMAL = 0,         /* send with keys[0], receive with keys[1] */
	RV_KEYDIR_INVERSE = 1,        /* send with keys[1], receive with keys[0] */
};

struct rv_key {
	uint8_t cipher[RV_KEY_SLOT_LEN];
	uint8_t hmac[RV_KEY_SLOT_LEN];
};

struct rv_key2 {
	unsigned n;                   /* 1 or 2 keys present */
	struct rv_key keys[2];
};

/* Parses key file text. name is used in err ("name:line: what"). Returns 0 or
 * RV_ERR_FORMAT with err filled. */
int rv_keyfile_parse(const char *name, const char *text, size_t len, struct rv_key2 *out,
    char *err, size_t errlen);

/* Reads and parses path. Returns 0, RV_ERR_SYSTEM or RV_ERR_FORMAT (err filled). */
int rv_keyfile_read(const char *path, struct rv_key2 *out, char *err, size_t errlen);

/* Fills k with 256 fresh random bytes. Returns 0 or RV_ERR_CRYPTO. */
int rv_keyfile_generate(struct rv_key2 *k);

/* Formats k (two keys) as key file text, NUL-terminated, into
 * out[RV_KEYFILE_TEXT_MAX]. */
void rv_keyfile_format(const struct rv_key2 *k, char out[static RV_KEYFILE_TEXT_MAX]);

/* Writes k to path with mode 0600, or to stdout when path is NULL.
 * Returns 0 or RV_ERR_SYSTEM. */
int rv_keyfile_write(const char *path, const struct rv_key2 *k);

/* Parses "0" or "1". Returns 0 or RV_ERR_FORMAT. */
int rv_keyfile_parse_direction(const char *s, int *dir);

/* Picks the sending and receiving keys for dir. Returns 0, or RV_ERR_FORMAT
 * when dir needs two keys and k has one. */
int rv_key2_select(const struct rv_key2 *k, int dir, const struct rv_key **send,
    const struct rv_key **recv);

/* Wipes k. */
void rv_key2_wipe(struct rv_key2 *k);

#endif
