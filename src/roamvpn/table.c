/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * table: chained hash table of intrusive nodes (see table.h). Used by the
 * server for its per-client lookups (wire facts 11: by address, by
 * peer-id's neighbours, by session id).
 */
#include "table.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "err.h"

static uint64_t
hash(const struct rv_table *t, const uint8_t *key, size_t len)
{
	uint64_t h = t->seed ^ (len * 0x9E3779B97F4A7C15ull);

	for (size_t i = 0; i < len; i++) {
		h ^= key[i];
		h *= 0x100000001B3ull;
		h ^= h >> 29;
	}
	h ^= t->seed >> 7;
	h *= 0xBF58476D1CE4E5B9ull;
	return h ^ (h >> 31);
}

int
rv_table_init(struct rv_table *t, size_t expected)
{
	size_t n = 16;

	memset(t, 0, sizeof(*t));
	while (n < expected * 2 && n < ((size_t)1 << 24))
		n <<= 1;
	if (RAND_bytes((unsigned char *)&t->seed, sizeof(t->seed)) != 1)
		return RV_ERR_CRYPTO;
	if ((t->buckets = calloc(n, sizeof(*t->buckets))) == NULL)
		return RV_ERR_NOMEM;
	t->mask = n - 1;
	return 0;
}

void
rv_table_clear(struct rv_table *t)
{
	free(t->buckets);
	memset(t, 0, sizeof(*t));
}

void
rv_table_insert(struct rv_table *t, struct rv_tnode *n, const void *key, size_t len)
{
	size_t b;

	if (n->linked || t->buckets == NULL)
		return;
	if (len > RV_TABLE_KEY_MAX)
		len = RV_TABLE_KEY_MAX;
	memcpy(n->key, key, len);
	n->len = (uint8_t)len;
	b = hash(t, n->key, len) & t->mask;
	n->next = t->buckets[b];
	t->buckets[b] = n;
	n->linked = true;
	t->count++;
}

void
rv_table_remove(struct rv_table *t, struct rv_tnode *n)
{
	struct rv_tnode **pp;

	if (!n->linked)
		return;
	for (pp = &t->buckets[hash(t, n->key, n->len) & t->mask]; *pp != NULL;
	    pp = &(*pp)->next)
		if (*pp == n) {
			*pp = n->next;
			n->next = NULL;
			n->linked = false;
			t->count--;
			return;
		}
}

struct rv_tnode *
rv_table_find(const struct rv_table *t, const void *key, size_t len)
{
	struct rv_tnode *n;

	if (t->buckets == NULL)
		return NULL;
	if (len > RV_TABLE_KEY_MAX)
		len = RV_TABLE_KEY_MAX;
	for (n = t->buckets[hash(t, key, len) & t->mask]; n != NULL; n = n->next)
		if (n->len == len && memcmp(n->key, key, len) == 0)
			return n;
	return NULL;
}

size_t
rv_table_addr_key(const struct rv_sockaddr *a, uint8_t key[static RV_TABLE_KEY_MAX])
{
	memset(key, 0, RV_TABLE_KEY_MAX);
	if (rv_addr_family(a) == AF_INET) {
		key[0] = 4;
		memcpy(&key[1], &a->u.in4.sin_port, 2);
		memcpy(&key[3], &a->u.in4.sin_addr, 4);
		return 7;
	}
	key[0] = 6;
	memcpy(&key[1], &a->u.in6.sin6_port, 2);
	memcpy(&key[3], &a->u.in6.sin6_addr, 16);
	return 19;
}
