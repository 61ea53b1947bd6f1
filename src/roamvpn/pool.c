/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pool: the server's address pool, IPv4 and IPv6, and its persistence file
 * (see pool.h; openvpn's pool.c keeps the same file format: "CN,IPv4,IPv6"
 * lines).
 */
#include "pool.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "err.h"

enum { POOL_MAX = 65536 };   /* openvpn's IFCONFIG_POOL_MAX */

int
rv_pool_init(struct rv_pool *p, struct in_addr lo, struct in_addr hi, bool net30)
{
	uint32_t a = ntohl(lo.s_addr), b = ntohl(hi.s_addr);

	memset(p, 0, sizeof(*p));
	if (b < a)
		return RV_ERR_RANGE;
	p->has4 = true;
	p->start = a;
	p->net30 = net30;
	/* net30: whole /30 blocks only, starting at a's block. */
	p->n = net30 ? (b - a + 1) / 4 : (size_t)(b - a) + 1;
	if (p->n == 0)
		return RV_ERR_RANGE;
	if ((p->e = calloc(p->n, sizeof(*p->e))) == NULL)
		return RV_ERR_NOMEM;
	return 0;
}

/* The last 32 bits of an IPv6 address, as a number: pool offsets never
 * reach further (at most 65536 entries). */
static uint32_t
low32(const struct in6_addr *a)
{
	return (uint32_t)a->s6_addr[12] << 24 | (uint32_t)a->s6_addr[13] << 16 |
	    (uint32_t)a->s6_addr[14] << 8 | a->s6_addr[15];
}

int
rv_pool_init6(struct rv_pool *p, const struct in6_addr *base, int bits)
{
	struct in6_addr b = *base;
	uint32_t host = low32(&b);
	uint64_t span = bits >= 96 ? (uint64_t)1 << (128 - bits) : (uint64_t)1 << 32;
	size_t n6;

	if (bits < 0 || bits > 128)
		return RV_ERR_RANGE;
	host = (uint32_t)(host & (span - 1));
	/* The all-zero host address is the subnet's anycast address. */
	if (host == 0) {
		host = 1;
		rv_addr_add6(&b, 1);
	}
	if (bits >= 112)
		n6 = host < span ? (size_t)(span - host) : 0;
	else
		n6 = POOL_MAX;
	if (n6 < 2)
		return RV_ERR_RANGE;
	if (!p->has4) {
		if ((p->e = calloc(n6, sizeof(*p->e))) == NULL)
			return RV_ERR_NOMEM;
		p->n = n6;
	} else if (n6 < p->n) {
		p->n = n6;
	}
	p->has6 = true;
	p->base6 = b;
	return 0;
}

void
rv_pool_clear(struct rv_pool *p)
{
	free(p->e);
	memset(p, 0, sizeof(*p));
}

static void
take(struct rv_pool *p, size_t i, const char *cn)
{
	p->e[i].used = true;
	snprintf(p->e[i].cn, sizeof(p->e[i].cn), "%s", cn != NULL ? cn : "");
}

int
rv_pool_acquire(struct rv_pool *p, const char *cn, bool by_cn, size_t *idx)
{
	size_t fresh = p->n, any = p->n;

	for (size_t i = 0; i < p->n; i++) {
		const struct rv_pool_entry *e = &p->e[i];

		if (e->used)
			continue;
		if (by_cn && cn != NULL && *cn != '\0' && strcmp(e->cn, cn) == 0) {
			fresh = i;
			break;
		}
		if (fresh == p->n && e->cn[0] == '\0')
			fresh = i;
		if (any == p->n)
			any = i;
	}
	if (fresh == p->n)
		fresh = any;
	if (fresh == p->n)
		return RV_ERR_LIMIT;
	take(p, fresh, cn);
	*idx = fresh;
	return 0;
}

/* The entry of address a, or p->n. */
static size_t
index_of(const struct rv_pool *p, struct in_addr a)
{
	uint32_t h = ntohl(a.s_addr), off;

	if (!p->has4 || h < p->start)
		return p->n;
	off = h - p->start;
	if (p->net30) {
		/* Only the client address (block+2) names an entry. */
		if (off % 4 != 2)
			return p->n;
		off /= 4;
	}
	return off < p->n ? off : p->n;
}

/* The entry of IPv6 address a, or p->n. */
static size_t
index_of6(const struct rv_pool *p, const struct in6_addr *a)
{
	uint32_t off = low32(a) - low32(&p->base6);

	if (!p->has6 || memcmp(a->s6_addr, p->base6.s6_addr, 12) != 0)
		return p->n;
	return off < p->n ? off : p->n;
}

int
rv_pool_acquire_addr(struct rv_pool *p, struct in_addr a, const char *cn, size_t *idx)
{
	size_t i = index_of(p, a);

	if (i == p->n)
		return RV_ERR_NOTFOUND;
	if (p->e[i].used)
		return RV_ERR_LIMIT;
	take(p, i, cn);
	*idx = i;
	return 0;
}

void
rv_pool_release(struct rv_pool *p, size_t idx)
{
	if (idx < p->n)
		p->e[idx].used = false;
}

struct in_addr
rv_pool_addr(const struct rv_pool *p, size_t idx)
{
	struct in_addr a = { htonl(p->net30 ? p->start + 4 * (uint32_t)idx + 2 :
	    p->start + (uint32_t)idx) };

	return a;
}

struct in_addr
rv_pool_peer(const struct rv_pool *p, size_t idx)
{
	struct in_addr a = { htonl(p->start + 4 * (uint32_t)idx + 1) };

	return a;
}

struct in6_addr
rv_pool_addr6(const struct rv_pool *p, size_t idx)
{
	struct in6_addr a = p->base6;

	rv_addr_add6(&a, (uint32_t)idx);
	return a;
}

size_t
rv_pool_used(const struct rv_pool *p)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n; i++)
		n += p->e[i].used;
	return n;
}

/* One "CN,IPv4[,IPv6]" line; the CN may contain no comma. The entry is
 * the IPv4 address's, else the IPv6 address's (as openvpn reads it). */
static void
load_line(struct rv_pool *p, char *line)
{
	char *f[3] = { line, NULL, NULL };
	struct in_addr a;
	struct in6_addr a6;
	size_t i = p->n;

	line[strcspn(line, "\r\n")] = '\0';
	for (int k = 1; k < 3; k++) {
		char *comma = strchr(f[k - 1], ',');

		if (comma == NULL)
			break;
		*comma = '\0';
		f[k] = comma + 1;
	}
	if (f[1] == NULL || f[0][0] == '\0' || strlen(f[0]) >= RV_POOL_CN_MAX)
		return;
	if (f[2] != NULL)
		f[2][strcspn(f[2], ",")] = '\0';
	if (inet_pton(AF_INET, f[1], &a) == 1)
		i = index_of(p, a);
	if (i == p->n && f[2] != NULL && inet_pton(AF_INET6, f[2], &a6) == 1)
		i = index_of6(p, &a6);
	if (i == p->n)
		return;
	snprintf(p->e[i].cn, sizeof(p->e[i].cn), "%s", f[0]);
}

int
rv_pool_load(struct rv_pool *p, const char *path)
{
	char line[512];
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return errno == ENOENT ? 0 : RV_ERR_SYSTEM;
	while (fgets(line, sizeof(line), f) != NULL)
		load_line(p, line);
	fclose(f);
	return 0;
}

int
rv_pool_save(const struct rv_pool *p, const char *path)
{
	char tmp[4096], a[INET_ADDRSTRLEN] = "", a6[INET6_ADDRSTRLEN] = "";
	FILE *f;
	int bad;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp) ||
	    (f = fopen(tmp, "w")) == NULL)
		return RV_ERR_SYSTEM;
	for (size_t i = 0; i < p->n; i++) {
		struct in_addr ad = rv_pool_addr(p, i);
		struct in6_addr ad6 = rv_pool_addr6(p, i);

		if (p->e[i].cn[0] == '\0')
			continue;
		if (p->has4)
			inet_ntop(AF_INET, &ad, a, sizeof(a));
		if (p->has6)
			inet_ntop(AF_INET6, &ad6, a6, sizeof(a6));
		fprintf(f, "%s,%s,%s\n", p->e[i].cn, a, a6);
	}
	bad = ferror(f);
	if (fclose(f) != 0 || bad || rename(tmp, path) != 0) {
		unlink(tmp);
		return RV_ERR_SYSTEM;
	}
	return 0;
}
