/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_TABLE_H
#define RV_TABLE_H

/*
 * A hash table of intrusive nodes with short byte-string keys, for the
 * server's O(1) lookups: client by source address, by control-channel
 * session id, by virtual (tunnel) address. The owner embeds a struct
 * rv_tnode per table it is in and finds itself from the node with
 * rv_container_of(). Keys are copied into the node. The hash is keyed with
 * random bytes, so a peer cannot choose keys that pile up in one bucket.
 * The bucket array is sized once (for the expected number of entries); a
 * table never allocates on insert.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"

#define rv_container_of(ptr, type, member) \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))

enum { RV_TABLE_KEY_MAX = 20 };

struct rv_tnode {
	struct rv_tnode *next;
	bool linked;
	uint8_t len;
	uint8_t key[RV_TABLE_KEY_MAX];
};

struct rv_table {
	struct rv_tnode **buckets;
	size_t mask;                /* buckets - 1 (a power of two) */
	uint64_t seed;
	size_t count;
};

/* Buckets for about expected entries. Returns 0, RV_ERR_NOMEM or
 * RV_ERR_CRYPTO (no random seed). */
int rv_table_init(struct rv_table *t, size_t expected);
void rv_table_clear(struct rv_table *t);

/* Links n under key (len <= RV_TABLE_KEY_MAX; longer keys are cut). n must
 * not be linked. Duplicate keys are allowed; find returns the newest. */
void rv_table_insert(struct rv_table *t, struct rv_tnode *n, const void *key, size_t len);

/* Unlinks n (no-op if it is not linked). */
void rv_table_remove(struct rv_table *t, struct rv_tnode *n);

/* The node with key, or NULL. */
struct rv_tnode *rv_table_find(const struct rv_table *t, const void *key, size_t len);

/* The key of a socket address: family, port, address (7 or 19 bytes).
 * Returns its length. */
size_t rv_table_addr_key(const struct rv_sockaddr *a, uint8_t key[static RV_TABLE_KEY_MAX]);

#endif
