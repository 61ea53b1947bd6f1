/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_POOL_H
#define RV_POOL_H

/*
 * The server's address pool (--ifconfig-pool, --ifconfig-ipv6-pool, or what
 * --server and --server-ipv6 make of them; wire facts 12). An entry is one
 * client's addresses, IPv4, IPv6 or both:
 *   net30:        a /30 block from START; the client gets block+2, its
 *                 ifconfig peer is block+1 (first client 10.8.0.6/.5)
 *   subnet, p2p:  single addresses START, START+1, ... END
 *   IPv6:         entry i is BASE+i (a BASE whose last 32 host bits are
 *                 all zero starts at BASE+1); up to 65536 entries, fewer
 *                 from /112 on. With both, the smaller side sets the size
 *                 (as openvpn's pool.c does).
 * A taken entry remembers the common name it went to, so the same client
 * gets the same address again while it is free (and across restarts with
 * --ifconfig-pool-persist: openvpn's file format, one "CN,IPv4,IPv6" line
 * per entry, either address empty when that side is off). Entries are
 * chosen: the one last held by this CN if free, else the first never used,
 * else the first free.
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
	bool has4;
	uint32_t start;            /* host order */
	bool net30;
	bool has6;
	struct in6_addr base6;     /* entry 0 */
	size_t n;
	struct rv_pool_entry *e;
};

/* A pool from lo to hi (inclusive). Returns 0, RV_ERR_RANGE (empty) or
 * RV_ERR_NOMEM. */
int rv_pool_init(struct rv_pool *p, struct in_addr lo, struct in_addr hi, bool net30);

/* Gives the pool an IPv6 side from base in a /bits network: p is either
 * made by rv_pool_init() (the pool may shrink to the IPv6 size) or zeroed
 * (an IPv6-only pool). Returns 0, RV_ERR_RANGE (fewer than 2 addresses)
 * or RV_ERR_NOMEM. */
int rv_pool_init6(struct rv_pool *p, const struct in6_addr *base, int bits);
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

/* The client's IPv6 address of entry idx. */
struct in6_addr rv_pool_addr6(const struct rv_pool *p, size_t idx);

/* Number of entries in use. */
size_t rv_pool_used(const struct rv_pool *p);

/* Reads "CN,IPv4[,IPv6]" lines (IPv4 may be empty): each CN is remembered
 * as the holder of its address's entry, found by the IPv4 address, else
 * the IPv6 one. Lines that do not parse, or name addresses outside the
 * pool, are skipped. Returns 0, or RV_ERR_SYSTEM if the file cannot be read
 * (a missing file is not an error). */
int rv_pool_load(struct rv_pool *p, const char *path);

/* Writes one "CN,IPv4,IPv6" line per remembered entry (atomically: temp file and
 * rename). Returns 0 or RV_ERR_SYSTEM. */
int rv_pool_save(const struct rv_pool *p, const char *path);

#endif
