/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_POOL_H
#define RV_POOL_H

/*
 * The server's IPv4 address pool (--ifconfig-pool, or what --server makes of
 * it; wire facts 12). An entry is one client's address:
 *   net30:        a /30 block from START; the client gets block+2, its
 *                 ifconfig peer is block+1 (first client 10.8.0.6/.5)
 *   subnet, p2p:  single addresses START, START+1, ... END
 * A taken entry remembers the common name it went to, so the same client
 * gets the same address again while it is free (and across restarts with
 * --ifconfig-pool-persist: openvpn's file format, one "CN,IP," line per
 * entry). Entries are chosen: the one last held by this CN if free, else
 * the first never used, else the first free.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <netinet/in.h>

enum { RV_POOL_CN_MAX = 64 };

struct rv_pool_entry {
	bool used;
	char cn[RV_POOL_CN_MAX];   /* last holder; "" = never used */
};

struct rv_pool {
	uint32_t start;            /* host order */
	bool net30;
	size_t n;
	struct rv_pool_entry *e;
};

/* A pool from lo to hi (inclusive). Returns 0, RV_ERR_RANGE (empty) or
 * RV_ERR_NOMEM. */
int rv_pool_init(struct rv_pool *p, struct in_addr lo, struct in_addr hi, bool net30);
void rv_pool_clear(struct rv_pool *p);

/* Takes an entry for common name cn (NULL or "" = anonymous; by_cn false:
 * do not prefer the CN's last address, as with --duplicate-cn). Returns 0
 * with *idx set, or RV_ERR_LIMIT (pool exhausted). */
int rv_pool_acquire(struct rv_pool *p, const char *cn, bool by_cn, size_t *idx);

/* Takes the entry of address a if it is in the pool and free (e.g. a
 * client-config-dir ifconfig-push inside the pool). Returns 0 with *idx,
 * RV_ERR_NOTFOUND (not a pool address) or RV_ERR_LIMIT (taken). */
int rv_pool_acquire_addr(struct rv_pool *p, struct in_addr a, const char *cn, size_t *idx);

void rv_pool_release(struct rv_pool *p, size_t idx);

/* The client's address of entry idx, and its ifconfig peer (net30). */
struct in_addr rv_pool_addr(const struct rv_pool *p, size_t idx);
struct in_addr rv_pool_peer(const struct rv_pool *p, size_t idx);

/* Number of entries in use. */
size_t rv_pool_used(const struct rv_pool *p);

/* Reads "CN,IP[,...]" lines: each CN is remembered as the holder of its
 * address's entry. Lines that do not parse, or name addresses outside the
 * pool, are skipped. Returns 0, or RV_ERR_SYSTEM if the file cannot be read
 * (a missing file is not an error). */
int rv_pool_load(struct rv_pool *p, const char *path);

/* Writes one "CN,IP," line per remembered entry (atomically: temp file and
 * rename). Returns 0 or RV_ERR_SYSTEM. */
int rv_pool_save(const struct rv_pool *p, const char *path);

#endif
