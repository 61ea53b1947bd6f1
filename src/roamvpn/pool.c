/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pool: the server's IPv4 address pool and its persistence file (see
 * pool.h; openvpn's pool.c keeps the same file format: "CN,IP," lines).
 */
#include "pool.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"

int
rv_pool_init(struct rv_pool *p, struct in_addr lo, struct in_addr hi, bool net30)
{
	uint32_t a = ntohl(lo.s_addr), b = ntohl(hi.s_addr);

	memset(p, 0, sizeof(*p));
	if (b < a)
		return RV_ERR_RANGE;
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

	if (h < p->start)
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

size_t
rv_pool_used(const struct rv_pool *p)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n; i++)
		n += p->e[i].used;
	return n;
}

/* One "CN,IP[,IPv6]" line; the CN may contain no comma. */
static void
load_line(struct rv_pool *p, char *line)
{
	char *comma = strchr(line, ','), *end;
	struct in_addr a;
	size_t i;

	if (comma == NULL || comma == line || (size_t)(comma - line) >= RV_POOL_CN_MAX)
		return;
	*comma = '\0';
	end = comma + 1 + strcspn(comma + 1, ",\r\n");
	*end = '\0';
	if (inet_pton(AF_INET, comma + 1, &a) != 1 || (i = index_of(p, a)) == p->n)
		return;
	snprintf(p->e[i].cn, sizeof(p->e[i].cn), "%s", line);
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
	char tmp[4096], a[INET_ADDRSTRLEN];
	FILE *f;
	int bad;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp) ||
	    (f = fopen(tmp, "w")) == NULL)
		return RV_ERR_SYSTEM;
	for (size_t i = 0; i < p->n; i++) {
		struct in_addr ad = rv_pool_addr(p, i);

		if (p->e[i].cn[0] != '\0')
			fprintf(f, "%s,%s,\n", p->e[i].cn, inet_ntop(AF_INET, &ad, a, sizeof(a)));
	}
	bad = ferror(f);
	if (fclose(f) != 0 || bad || rename(tmp, path) != 0) {
		unlink(tmp);
		return RV_ERR_SYSTEM;
	}
	return 0;
}
