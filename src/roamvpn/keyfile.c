/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * keyfile: reading and writing "OpenVPN Static key V1" files, and picking
 * keys by direction (wire facts section 13; OpenVPN crypto.c read_key_file
 * and key_direction_state_init describe the same format).
 */
#include "keyfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "buf.h"
#include "err.h"

static const char begin_marker[] = "-----BEGIN OpenVPN Static key V1-----";
static const char end_marker[] = "-----END OpenVPN Static key V1-----";

/* Trims white space on both ends of a line view. */
static void
trim(struct rv_buf *v)
{
	uint8_t c;

	while (rv_buf_peek_u8(v, 0, &c) == 0 && (c == ' ' || c == '\t'))
		rv_buf_skip(v, 1);
	while (rv_buf_len(v) > 0 && rv_buf_peek_u8(v, rv_buf_len(v) - 1, &c) == 0 &&
	    (c == ' ' || c == '\t' || c == '\r'))
		rv_buf_truncate(v, rv_buf_len(v) - 1);
}

static int
hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Adds the hex digits of one line to raw[*n]; *nib holds a pending half byte. */
static int
add_hex_line(struct rv_buf *line, uint8_t raw[RV_KEY2_LEN], size_t *n, int *nib,
    const char *name, unsigned lineno, char *err, size_t errlen)
{
	uint8_t c;

	while (rv_buf_get_u8(line, &c) == 0) {
		int v = hexval(c);

		if (c == ' ' || c == '\t' || c == '\r')
			continue;
		if (v < 0) {
			snprintf(err, errlen, "%s:%u: invalid character '%c' in key data (only hex "
			    "digits are allowed)", name, lineno, c >= 0x20 && c < 0x7f ? c : '?');
			return RV_ERR_FORMAT;
		}
		if (*nib < 0) {
			*nib = v;
			continue;
		}
		if (*n >= RV_KEY2_LEN) {
			snprintf(err, errlen, "%s:%u: more than %d bytes of key data", name,
			    lineno, RV_KEY2_LEN);
			return RV_ERR_FORMAT;
		}
		raw[(*n)++] = (uint8_t)(*nib << 4 | v);
		*nib = -1;
	}
	return 0;
}

static void
fill_key2(struct rv_key2 *out, const uint8_t raw[RV_KEY2_LEN], size_t n)
{
	struct rv_buf b;

	memset(out, 0, sizeof(*out));
	rv_buf_init_ro(&b, raw, n);
	out->n = (unsigned)(n / (2 * RV_KEY_SLOT_LEN));
	for (unsigned i = 0; i < out->n; i++) {
		rv_buf_get(&b, out->keys[i].cipher, RV_KEY_SLOT_LEN);
		rv_buf_get(&b, out->keys[i].hmac, RV_KEY_SLOT_LEN);
	}
}

int
rv_keyfile_parse(const char *name, const char *text, size_t len, struct rv_key2 *out,
    char *err, size_t errlen)
{
	enum { BEFORE, INSIDE, AFTER } st = BEFORE;
	uint8_t raw[RV_KEY2_LEN];
	struct rv_buf b, line;
	unsigned lineno = 0, begin_line = 0;
	size_t n = 0;
	int nib = -1, r = RV_ERR_FORMAT;

	rv_buf_init_ro(&b, text, len);
	while (st != AFTER && rv_buf_get_line(&b, &line) == 0) {
		lineno++;
		trim(&line);
		if (st == BEFORE) {
			if (rv_buf_equal(&line, begin_marker, strlen(begin_marker))) {
				st = INSIDE;
				begin_line = lineno;
			}
		} else if (rv_buf_equal(&line, end_marker, strlen(end_marker))) {
			st = AFTER;
		} else if ((r = add_hex_line(&line, raw, &n, &nib, name, lineno, err,
		    errlen)) != 0) {
			goto out;
		}
	}
	r = RV_ERR_FORMAT;
	if (st == BEFORE)
		snprintf(err, errlen, "%s: no \"%s\" line: not an OpenVPN static key file",
		    name, begin_marker);
	else if (st == INSIDE)
		snprintf(err, errlen, "%s:%u: key data has no \"%s\" line", name, begin_line,
		    end_marker);
	else if (nib >= 0 || (n != RV_KEY2_LEN && n != RV_KEY2_LEN / 2))
		snprintf(err, errlen, "%s: key data is %zu%s bytes long; expected 256 (or 128 "
		    "for a single bidirectional key)", name, n, nib >= 0 ? ".5" : "");
	else {
		fill_key2(out, raw, n);
		r = 0;
	}
out:
	OPENSSL_cleanse(raw, sizeof(raw));
	return r;
}

int
rv_keyfile_read(const char *path, struct rv_key2 *out, char *err, size_t errlen)
{
	char text[16384];
	size_t len = 0;
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open key file %s: %s", path, strerror(errno));
		return RV_ERR_SYSTEM;
	}
	for (;;) {
		ssize_t got = read(fd, text + len, sizeof(text) - 1 - len);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			snprintf(err, errlen, "cannot read key file %s: %s", path, strerror(errno));
			close(fd);
			return RV_ERR_SYSTEM;
		}
		if (got == 0)
			break;
		len += (size_t)got;
		if (len == sizeof(text) - 1) {
			snprintf(err, errlen, "%s: too large for a static key file", path);
			close(fd);
			OPENSSL_cleanse(text, sizeof(text));
			return RV_ERR_FORMAT;
		}
	}
	close(fd);
	r = rv_keyfile_parse(path, text, len, out, err, errlen);
	OPENSSL_cleanse(text, sizeof(text));
	return r;
}

int
rv_keyfile_generate(struct rv_key2 *k)
{
	uint8_t raw[RV_KEY2_LEN];

	if (RAND_bytes(raw, sizeof(raw)) != 1)
		return RV_ERR_CRYPTO;
	fill_key2(k, raw, sizeof(raw));
	OPENSSL_cleanse(raw, sizeof(raw));
	return 0;
}

void
rv_keyfile_format(const struct rv_key2 *k, char out[static RV_KEYFILE_TEXT_MAX])
{
	static const char hex[] = "0123456789abcdef";
	struct rv_buf b;
	uint8_t raw[RV_KEY2_LEN];
	size_t i;

	for (unsigned key = 0; key < 2; key++) {
		memcpy(raw + key * 128, k->keys[key].cipher, RV_KEY_SLOT_LEN);
		memcpy(raw + key * 128 + 64, k->keys[key].hmac, RV_KEY_SLOT_LEN);
	}
	rv_buf_init(&b, out, RV_KEYFILE_TEXT_MAX - 1, 0);
	rv_buf_put_str(&b, "#\n# 2048 bit OpenVPN static key\n#\n");
	rv_buf_put_str(&b, begin_marker);
	rv_buf_put_u8(&b, '\n');
	for (i = 0; i < sizeof(raw); i++) {
		rv_buf_put_u8(&b, (uint8_t)hex[raw[i] >> 4]);
		rv_buf_put_u8(&b, (uint8_t)hex[raw[i] & 15]);
		if (i % 16 == 15)
			rv_buf_put_u8(&b, '\n');
	}
	rv_buf_put_str(&b, end_marker);
	rv_buf_put_u8(&b, '\n');
	rv_buf_put_u8(&b, '\0');
	OPENSSL_cleanse(raw, sizeof(raw));
}

int
rv_keyfile_write(const char *path, const struct rv_key2 *k)
{
	char text[RV_KEYFILE_TEXT_MAX];
	size_t len, done = 0;
	int fd, r = 0;

	rv_keyfile_format(k, text);
	len = strlen(text);
	fd = path == NULL ? STDOUT_FILENO :
	    open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, S_IRUSR | S_IWUSR);
	/* An existing file keeps its mode on open(): make it private first. */
	if (fd < 0 || (path != NULL && fchmod(fd, S_IRUSR | S_IWUSR) != 0)) {
		if (fd >= 0)
			close(fd);
		r = RV_ERR_SYSTEM;
		goto out;
	}
	while (done < len) {
		ssize_t n = write(fd, text + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = RV_ERR_SYSTEM;
			break;
		}
		done += (size_t)n;
	}
	if (path != NULL && close(fd) != 0 && r == 0)
		r = RV_ERR_SYSTEM;
out:
	OPENSSL_cleanse(text, sizeof(text));
	return r;
}

int
rv_keyfile_parse_direction(const char *s, int *dir)
{
	if (strcmp(s, "0") == 0)
		*dir = RV_KEYDIR_NORMAL;
	else if (strcmp(s, "1") == 0)
		*dir = RV_KEYDIR_INVERSE;
	else
		return RV_ERR_FORMAT;
	return 0;
}

int
rv_key2_select(const struct rv_key2 *k, int dir, const struct rv_key **send,
    const struct rv_key **recv)
{
	switch (dir) {
	case RV_KEYDIR_BIDI:
		*send = *recv = &k->keys[0];
		return 0;
	case RV_KEYDIR_NORMAL:
	case RV_KEYDIR_INVERSE:
		if (k->n < 2)
			return RV_ERR_FORMAT;
		*send = &k->keys[dir == RV_KEYDIR_NORMAL ? 0 : 1];
		*recv = &k->keys[dir == RV_KEYDIR_NORMAL ? 1 : 0];
		return 0;
	default:
		return RV_ERR_RANGE;
	}
}

void
rv_key2_wipe(struct rv_key2 *k)
{
	OPENSSL_cleanse(k, sizeof(*k));
}
