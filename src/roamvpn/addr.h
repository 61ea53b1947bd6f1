/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_ADDR_H
#define RV_ADDR_H

/*
 * Socket addresses: one type for IPv4 and IPv6, comparison, formatting and
 * name resolution. IPv4-mapped IPv6 addresses (from dual-stack sockets) are
 * kept as plain IPv4 everywhere but at the socket.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>

struct rv_sockaddr {
	union {
		struct sockaddr sa;
		struct sockaddr_in in4;
		struct sockaddr_in6 in6;
		struct sockaddr_storage ss;
	} u;
	socklen_t len;   /* 0 = unset */
};

enum { RV_ADDRSTRLEN = INET6_ADDRSTRLEN + 16, RV_ADDR_RESOLVE_MAX = 8 };

bool rv_addr_is_set(const struct rv_sockaddr *a);
int rv_addr_family(const struct rv_sockaddr *a);

/* Same family, address and port. */
bool rv_addr_equal(const struct rv_sockaddr *a, const struct rv_sockaddr *b);

/* Same family and address, any port. */
bool rv_addr_equal_host(const struct rv_sockaddr *a, const struct rv_sockaddr *b);

/* Turns an IPv4-mapped IPv6 address into IPv4; leaves others alone. */
void rv_addr_unmap(struct rv_sockaddr *a);

/* Writes the IPv4-mapped IPv6 form of an IPv4 address (a copy otherwise). */
void rv_addr_map6(const struct rv_sockaddr *a, struct rv_sockaddr *out);

/* "2001:db8::1/64" into a and bits (no "/BITS": 128). Returns 0, or
 * RV_ERR_FORMAT if s is no IPv6 address or the length is not 0..128. */
int rv_addr_parse_prefix6(const char *s, struct in6_addr *a, int *bits);

/* Clears the bits of a beyond the first bits. */
void rv_addr_mask6(struct in6_addr *a, int bits);

/* Adds k to a as to a 128-bit number (server-ipv6 NET+1, pool entries). */
void rv_addr_add6(struct in6_addr *a, uint32_t k);

/* The local address of socket fd (IPv4-mapped unmapped); unset (len 0) if
 * the kernel does not say. */
void rv_addr_of_socket(int fd, struct rv_sockaddr *out);

/* "192.0.2.1:1194" or "[2001:db8::1]:1194"; returns buf. */
const char *rv_addr_fmt(const struct rv_sockaddr *a, char buf[static RV_ADDRSTRLEN]);

/* Resolves host (NULL = wildcard) and port for UDP into at most max
 * addresses of family (AF_UNSPEC for any). Returns 0 or RV_ERR_NOTFOUND with
 * the resolver's reason in err. */
int rv_addr_resolve(const char *host, const char *port, int family, bool passive,
    struct rv_sockaddr *out, size_t max, size_t *n, char *err, size_t errlen);

#endif
