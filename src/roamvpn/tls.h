/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_TLS_H
#define RV_TLS_H

/*
 * TLS for the control channel through OpenSSL 3, over memory BIOs: the
 * session feeds it the ciphertext that arrived in control messages and takes
 * out the ciphertext to send; no sockets here.
 *
 * rv_tls_ctx is built once per configuration (certificates, keys, CA, CRL,
 * versions, cipher lists, verification rules); rv_tls is one TLS session
 * (one key exchange). Verification: the CA chain and the CRL by OpenSSL;
 * then, for the peer's certificate, --remote-cert-tls (extended key usage
 * serverAuth/clientAuth and a matching key usage, as openvpn checks it) and
 * --verify-x509-name. Every refusal is logged once, in one line, naming the
 * certificate (subject) and the reason, e.g.
 *   "VERIFY ERROR: depth=0, subject=CN=x: certificate has expired"
 *   "VERIFY ERROR: subject=CN=x: --remote-cert-tls server: no serverAuth extended key usage"
 *
 * Every material can be a file or the text of an inline block (<ca>, <cert>,
 * <key>, <dh>, <pkcs12> base64, <crl-verify>).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rv_tls_ctx;
struct rv_tls;

/* A file name or inline text; both NULL = not given. */
struct rv_tls_src {
	const char *path;
	const char *text;
};

enum rv_tls_remote_cert { RV_TLS_RCT_NONE, RV_TLS_RCT_SERVER, RV_TLS_RCT_CLIENT };
enum rv_tls_x509_type { RV_TLS_X509_SUBJECT, RV_TLS_X509_NAME, RV_TLS_X509_NAME_PREFIX };

struct rv_tls_config {
	bool server;                          /* TLS server role (--tls-server) */
	struct rv_tls_src ca, cert, key, pkcs12, dh, crl, extra_certs;
	const char *pkcs12_password;          /* NULL: none */
	const char *key_password;             /* --askpass text, NULL: none */
	bool dh_none;                         /* --dh none: ECDHE only */
	const char *version_min;              /* "1.2", "1.3"; NULL = 1.2 */
	bool version_min_or_highest;
	const char *version_max;              /* NULL = no maximum */
	const char *cipher_list;              /* --tls-cipher (TLS <= 1.2) */
	const char *ciphersuites;             /* --tls-ciphersuites (TLS 1.3) */
	const char *groups;                   /* --tls-groups */
	enum rv_tls_remote_cert remote_cert_tls;
	const char *verify_x509_name;         /* NULL: no check */
	enum rv_tls_x509_type verify_x509_type;
	bool verify_client_cert_optional;     /* server: --verify-client-cert optional */
	bool verify_client_cert_none;         /* server: --verify-client-cert none */
};

enum { RV_TLS_ERRLEN = 512 };

/* Builds a context. Returns 0, or RV_ERR_FORMAT / RV_ERR_SYSTEM /
 * RV_ERR_CRYPTO with a message naming the file or option and the reason in
 * err (e.g. "cannot load --cert client.crt: no certificate found"). */
int rv_tls_ctx_new(struct rv_tls_ctx **out, const struct rv_tls_config *cfg,
    char err[static RV_TLS_ERRLEN]);
void rv_tls_ctx_free(struct rv_tls_ctx *ctx);

/* A new TLS session in the context's role. Returns 0 or RV_ERR_NOMEM /
 * RV_ERR_CRYPTO. */
int rv_tls_new(struct rv_tls **out, struct rv_tls_ctx *ctx);
void rv_tls_free(struct rv_tls *t);

/* Ciphertext that arrived from the peer. Returns 0 or RV_ERR_NOMEM. */
int rv_tls_feed(struct rv_tls *t, const void *data, size_t len);

/* Drives the handshake with what was fed. Returns 0 once it is complete,
 * RV_ERR_AGAIN while it needs more from the peer, RV_ERR_AUTH if the peer's
 * certificate was refused, RV_ERR_CRYPTO for any other TLS failure (logged
 * with OpenSSL's reason). */
int rv_tls_handshake(struct rv_tls *t);

/* Ciphertext waiting to be sent. */
size_t rv_tls_pending(const struct rv_tls *t);

/* Takes up to max bytes of ciphertext to send into out; sets *n. */
int rv_tls_take(struct rv_tls *t, void *out, size_t max, size_t *n);

/* Encrypts one application message (one TLS record). Returns 0 or
 * RV_ERR_CRYPTO. Only after the handshake. */
int rv_tls_write(struct rv_tls *t, const void *data, size_t len);

/* Decrypts the next application record into out[max]; sets *n. Returns 0,
 * RV_ERR_AGAIN (nothing complete yet), RV_ERR_NOSPACE or RV_ERR_CRYPTO. */
int rv_tls_read(struct rv_tls *t, void *out, size_t max, size_t *n);

/* RFC 5705 keying material export with label and no context. Returns 0 or
 * RV_ERR_CRYPTO. */
int rv_tls_export(struct rv_tls *t, const char *label, void *out, size_t len);

/* After the handshake: "TLSv1.3, cipher TLS_AES_256_GCM_SHA384, peer
 * certificate: 2048 bit RSA, signature: RSA-SHA256" and the peer's subject
 * and common name (empty if none). */
void rv_tls_describe(const struct rv_tls *t, char *out, size_t len);
void rv_tls_peer_subject(const struct rv_tls *t, char *out, size_t len);
void rv_tls_peer_common_name(const struct rv_tls *t, char *out, size_t len);

/* SHA-256 over every certificate of the peer's chain, for telling clients
 * apart (server float rules, later). Returns 0 or RV_ERR_NOTFOUND. */
int rv_tls_peer_chain_hash(const struct rv_tls *t, uint8_t out[32]);

#endif
