/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_PING_H
#define RV_PING_H

/*
 * In-tunnel special payloads (wire facts 7): the keepalive ping and OCC
 * (options consistency check) messages, recognised after decryption and
 * never written to the device. This file knows their formats; peer.c and
 * timers.c decide when to send them.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "wire.h"

/* True if payload is exactly the 16-byte keepalive magic. */
bool rv_ping_is_keepalive(const struct rv_buf *payload);
int rv_ping_put_keepalive(struct rv_buf *b);

/* True if payload starts with the OCC magic. */
bool rv_occ_is_occ(const struct rv_buf *payload);

/* Consumes the magic and the type byte; the rest of payload is the body.
 * Returns 0 or RV_ERR_SHORT / RV_ERR_FORMAT (unknown type). */
int rv_occ_parse(struct rv_buf *payload, uint8_t *type);

/* Appends an OCC header of type. */
int rv_occ_put(struct rv_buf *b, uint8_t type);

/* What the options string is built from. */
struct rv_occ_params {
	bool tap;
	bool null_dev;              /* --dev null: "dev-type null" */
	int link_mtu;
	int tun_mtu;
	bool tun_ipv6;              /* --ifconfig-ipv6, not pulling: "tun-ipv6" */
	bool ifconfig;              /* an --ifconfig is configured */
	bool ifconfig_subnet;       /* tap or topology subnet: NETWORK MASK, same both ways */
	const char *ifconfig_local; /* local address, or the network with ifconfig_subnet */
	const char *ifconfig_remote;/* peer address, or the netmask */
	bool comp_lzo;              /* any compression option: ",comp-lzo" */
	int keydir;                 /* RV_KEYDIR_*, BIDI = not shown */
	const char *cipher;         /* "none" for none */
	const char *auth;
	int keysize;                /* bits */
	bool no_replay;
	bool secret;                /* static-key mode */
	bool hide_cipher;           /* TLS client pulling, cipher not in --data-ciphers */
	bool tls_auth;              /* --tls-auth configured */
	const char *tls_role;       /* "tls-client" / "tls-server"; NULL in static-key mode */
	int tcp;                    /* 0 UDP, 1 TCP server, 2 TCP client: "proto TCPv4_SERVER" */
};

/* Builds the options string this peer sends (remote = false) or expects from
 * its peer (remote = true), e.g. "V4,dev-type tun,link-mtu 1572,...". */
void rv_occ_options_string(const struct rv_occ_params *p, bool remote,
    char out[static RV_WIRE_OCC_STRING_MAX]);

/* Validates a received OCC_REPLY body (printable, NUL-terminated, bounded)
 * and copies it out without the NUL. Returns 0 or RV_ERR_FORMAT. */
int rv_occ_get_string(struct rv_buf *body, char out[static RV_WIRE_OCC_STRING_MAX]);

/* Compares expected with got, field by field; calls fn once per field that
 * differs (value NULL if missing). Returns the number of differences. */
typedef void rv_occ_diff_fn(void *arg, const char *key, const char *local,
    const char *remote);
int rv_occ_compare(const char *expected, const char *got, rv_occ_diff_fn *fn, void *arg);

/* Logs a warning per differing field, as openvpn does ("'keysize' is used
 * inconsistently, local='keysize 128', remote='keysize 256'"). */
void rv_occ_warn(const char *expected, const char *got);

#endif
