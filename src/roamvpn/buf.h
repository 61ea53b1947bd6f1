/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_BUF_H
#define RV_BUF_H

/*
 * The one bounded buffer type. Every wire and file parser reads through it,
 * every packet is built in it.
 *
 * A buffer is a window [off, end) over caller-owned storage of cap bytes.
 * Bytes before off are headroom (headers are prepended there, so sealing a
 * packet never moves its payload), bytes after end are tailroom.
 *
 * The layout is in this header only so buffers can live on the stack and in
 * preallocated packet slots: the data path allocates nothing per packet.
 * The fields are private to buf.c; everything else uses the functions below.
 *
 * Getters return 0 or a negative RV_ERR_* code and consume nothing on
 * failure. Putters return RV_ERR_NOSPACE when the storage is full and
 * RV_ERR_READONLY on a read-only view.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rv_buf {
	uint8_t *mem;   /* storage, owned by whoever initialised the buffer */
	size_t cap;     /* size of the storage */
	size_t off;     /* first unread byte; [0, off) is headroom */
	size_t end;     /* one past the last byte; [end, cap) is tailroom */
	bool ro;        /* a read-only view: every put fails */
};

/* An empty writable buffer over mem[cap] with headroom bytes reserved in front
 * (clamped to cap). */
void rv_buf_init(struct rv_buf *b, void *mem, size_t cap, size_t headroom);

/* A read-only view of len bytes at data. */
void rv_buf_init_ro(struct rv_buf *b, const void *data, size_t len);

/* Empties a writable buffer, keeping headroom bytes in front. */
void rv_buf_reset(struct rv_buf *b, size_t headroom);

size_t rv_buf_len(const struct rv_buf *b);
size_t rv_buf_headroom(const struct rv_buf *b);
size_t rv_buf_tailroom(const struct rv_buf *b);

/* The unread bytes. Never NULL for an initialised buffer (may point at the
 * end of storage when the buffer is empty). */
const uint8_t *rv_buf_data(const struct rv_buf *b);

/* The unread bytes for in-place transformation; NULL on a read-only view. */
uint8_t *rv_buf_mutable_data(struct rv_buf *b);

/* Readers. */
int rv_buf_get_u8(struct rv_buf *b, uint8_t *out);
int rv_buf_get_u16(struct rv_buf *b, uint16_t *out);   /* big-endian */
int rv_buf_get_u24(struct rv_buf *b, uint32_t *out);   /* big-endian */
int rv_buf_get_u32(struct rv_buf *b, uint32_t *out);   /* big-endian */
int rv_buf_get_u64(struct rv_buf *b, uint64_t *out);   /* big-endian */
int rv_buf_get(struct rv_buf *b, void *out, size_t n);
int rv_buf_skip(struct rv_buf *b, size_t n);

/* Reads without consuming, at byte offset at from the first unread byte. */
int rv_buf_peek_u8(const struct rv_buf *b, size_t at, uint8_t *out);
int rv_buf_peek(const struct rv_buf *b, size_t at, void *out, size_t n);

/* Consumes the next n bytes and makes view a buffer of exactly those bytes
 * (read-only if b is). A nested parser given the view cannot read past it. */
int rv_buf_get_view(struct rv_buf *b, size_t n, struct rv_buf *view);

/* Removes the last n bytes and makes view a buffer of them. */
int rv_buf_get_tail_view(struct rv_buf *b, size_t n, struct rv_buf *view);

/* Consumes bytes up to and including the next '\n' (or to the end if there is
 * none) and makes view the line without its '\n' and without a trailing '\r'.
 * Returns RV_ERR_SHORT when the buffer is empty. */
int rv_buf_get_line(struct rv_buf *b, struct rv_buf *view);

/* Byte offset of the first c in the unread bytes; RV_ERR_NOTFOUND if absent. */
int rv_buf_find(const struct rv_buf *b, uint8_t c, size_t *pos);

/* True if the unread bytes equal data[n]; constant time in n when equal length. */
bool rv_buf_equal(const struct rv_buf *b, const void *data, size_t n);

/* True if the unread bytes start with prefix[n]. */
bool rv_buf_has_prefix(const struct rv_buf *b, const void *prefix, size_t n);

/* Writers: append at the end. */
int rv_buf_put_u8(struct rv_buf *b, uint8_t v);
int rv_buf_put_u16(struct rv_buf *b, uint16_t v);
int rv_buf_put_u24(struct rv_buf *b, uint32_t v);
int rv_buf_put_u32(struct rv_buf *b, uint32_t v);
int rv_buf_put_u64(struct rv_buf *b, uint64_t v);
int rv_buf_put(struct rv_buf *b, const void *data, size_t n);
int rv_buf_put_str(struct rv_buf *b, const char *s);   /* without the NUL */

/* Appends n uninitialised bytes and returns where they start. */
int rv_buf_reserve(struct rv_buf *b, size_t n, uint8_t **p);

/* Claims n bytes of headroom in front of the data and returns where they
 * start; the prepend_* forms fill them. */
int rv_buf_prepend(struct rv_buf *b, size_t n, uint8_t **p);
int rv_buf_prepend_u8(struct rv_buf *b, uint8_t v);
int rv_buf_prepend_u32(struct rv_buf *b, uint32_t v);
int rv_buf_prepend_data(struct rv_buf *b, const void *data, size_t n);

/* For I/O straight into the tailroom: rv_buf_tail() tells where the free
 * space starts and how big it is, rv_buf_commit() appends the n bytes that
 * were written there. */
uint8_t *rv_buf_tail(struct rv_buf *b, size_t *room);
int rv_buf_commit(struct rv_buf *b, size_t n);

/* Overwrites n bytes at offset at of the data (for fixing fields in place,
 * e.g. the TCP MSS). Returns 0, RV_ERR_SHORT or RV_ERR_READONLY. */
int rv_buf_poke(struct rv_buf *b, size_t at, const void *data, size_t n);

/* Shortens the data to its first len bytes (len <= rv_buf_len()). */
int rv_buf_truncate(struct rv_buf *b, size_t len);

#endif
