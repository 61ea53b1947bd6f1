/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * addr: socket addresses (compare, print, resolve).
 */
#include "addr.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

bool
rv_addr_is_set(const struct rv_sockaddr *a)
{
	return a->len > 0;
}

int
rv_addr_family(const struct rv_sockaddr *a)
{
	return a->len > 0 ? a->u.sa.sa_family : AF_UNSPEC;
}

bool
rv_addr_equal_host(const struct rv_sockaddr *a, const struct rv_sockaddr *b)
{
	if (rv_addr_family(a) != rv_addr_family(b))
		return false;
	switch (rv_addr_family(a)) {
	case AF_INET:
		return a->u.in4.sin_addr.s_addr == b->u.in4.sin_addr.s_addr;
	case AF_INET6:
		return memcmp(&a->u.in6.sin6_addr, &b->u.in6.sin6_addr, 16) == 0 &&
		    a->u.in6.sin6_scope_id == b->u.in6.sin6_scope_id;
	default:
		return false;
	}
}

bool
rv_addr_equal(const struct rv_sockaddr *a, const struct rv_sockaddr *b)
{
	if (!rv_addr_equal_host(a, b))
		return false;
	if (rv_addr_family(a) == AF_INET)
		return a->u.in4.sin_port == b->u.in4.sin_port;
	return a->u.in6.sin6_port == b->u.in6.sin6_port;
}

void
rv_addr_unmap(struct rv_sockaddr *a)
{
	struct sockaddr_in in4;

	if (rv_addr_family(a) != AF_INET6 || !IN6_IS_ADDR_V4MAPPED(&a->u.in6.sin6_addr))
		return;
	memset(&in4, 0, sizeof(in4));
	in4.sin_family = AF_INET;
	in4.sin_port = a->u.in6.sin6_port;
	memcpy(&in4.sin_addr, &a->u.in6.sin6_addr.s6_addr[12], 4);
	memset(&a->u, 0, sizeof(a->u));
	a->u.in4 = in4;
	a->len = sizeof(in4);
}

void
rv_addr_map6(const struct rv_sockaddr *a, struct rv_sockaddr *out)
{
	*out = *a;
	if (rv_addr_family(a) != AF_INET)
		return;
	memset(&out->u, 0, sizeof(out->u));
	out->u.in6.sin6_family = AF_INET6;
	out->u.in6.sin6_port = a->u.in4.sin_port;
	out->u.in6.sin6_addr.s6_addr[10] = 0xff;
	out->u.in6.sin6_addr.s6_addr[11] = 0xff;
	memcpy(&out->u.in6.sin6_addr.s6_addr[12], &a->u.in4.sin_addr, 4);
	out->len = sizeof(out->u.in6);
}

const char *
rv_addr_fmt(const struct rv_sockaddr *a, char buf[static RV_ADDRSTRLEN])
{
	char host[INET6_ADDRSTRLEN];

	switch (rv_addr_family(a)) {
	case AF_INET:
		inet_ntop(AF_INET, &a->u.in4.sin_addr, host, sizeof(host));
		snprintf(buf, RV_ADDRSTRLEN, "%s:%u", host, ntohs(a->u.in4.sin_port));
		break;
	case AF_INET6:
		inet_ntop(AF_INET6, &a->u.in6.sin6_addr, host, sizeof(host));
		snprintf(buf, RV_ADDRSTRLEN, "[%s]:%u", host, ntohs(a->u.in6.sin6_port));
		break;
	default:
		snprintf(buf, RV_ADDRSTRLEN, "[undef]");
	}
	return buf;
}

int
rv_addr_resolve(const char *host, const char *port, int family, bool passive,
    struct rv_sockaddr *out, size_t max, size_t *n, char *err, size_t errlen)
{
	struct addrinfo hints, *res = NULL, *ai;
	int gai;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_protocol = IPPROTO_UDP;
	hints.ai_flags = (passive ? AI_PASSIVE : 0) | AI_NUMERICSERV;
	gai = getaddrinfo(host, port, &hints, &res);
	if (gai != 0) {
		snprintf(err, errlen, "cannot resolve %s: %s", host != NULL ? host : "*",
		    gai_strerror(gai));
		return RV_ERR_NOTFOUND;
	}
	*n = 0;
	for (ai = res; ai != NULL && *n < max; ai = ai->ai_next) {
		if (ai->ai_addrlen > sizeof(out[*n].u))
			continue;
		memset(&out[*n], 0, sizeof(out[*n]));
		memcpy(&out[*n].u, ai->ai_addr, ai->ai_addrlen);
		out[*n].len = ai->ai_addrlen;
		rv_addr_unmap(&out[*n]);
		(*n)++;
	}
	freeaddrinfo(res);
	if (*n == 0) {
		snprintf(err, errlen, "cannot resolve %s: no usable address", host);
		return RV_ERR_NOTFOUND;
	}
	return 0;
}

int
rv_addr_parse_prefix6(const char *s, struct in6_addr *a, int *bits)
{
	char text[INET6_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	size_t len = slash != NULL ? (size_t)(slash - s) : strlen(s);
	char *end;
	long b = 128;

	if (len == 0 || len >= sizeof(text))
		return RV_ERR_FORMAT;
	memcpy(text, s, len);
	text[len] = '\0';
	if (inet_pton(AF_INET6, text, a) != 1)
		return RV_ERR_FORMAT;
	if (slash != NULL) {
		if (slash[1] < '0' || slash[1] > '9')
			return RV_ERR_FORMAT;
		b = strtol(slash + 1, &end, 10);
		if (*end != '\0' || b > 128)
			return RV_ERR_FORMAT;
	}
	*bits = (int)b;
	return 0;
}

void
rv_addr_mask6(struct in6_addr *a, int bits)
{
	for (int i = 0; i < 16; i++) {
		int keep = bits - i * 8;

		if (keep <= 0)
			a->s6_addr[i] = 0;
		else if (keep < 8)
			a->s6_addr[i] &= (uint8_t)(0xff << (8 - keep));
	}
}

void
rv_addr_add6(struct in6_addr *a, uint32_t k)
{
	uint64_t carry = k;

	for (int i = 15; i >= 0 && carry != 0; i--) {
		carry += a->s6_addr[i];
		a->s6_addr[i] = (uint8_t)carry;
		carry >>= 8;
	}
}

void
rv_addr_of_socket(int fd, struct rv_sockaddr *out)
{
	out->len = sizeof(out->u);
	if (getsockname(fd, &out->u.sa, &out->len) != 0)
		out->len = 0;
	rv_addr_unmap(out);
}
