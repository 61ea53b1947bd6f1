/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_TLSVERIFY_H
#define RV_TLSVERIFY_H

/*
 * Verifying the peer, for tls.c: the trust store (--ca, --crl-verify, the CAs
 * of --pkcs12), the checks openvpn 2.6 makes after OpenSSL accepted the chain
 * (ssl_verify.c verify_cert(), verify_peer_cert()), run from OpenSSL's verify
 * callback, and how a certificate is named and described in logs. Only tls.c
 * uses this header.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "tls.h"

enum { RV_TLSVERIFY_CN_MAX = 64 };   /* openvpn's TLS_USERNAME_LEN */

/* The rules of one context (--remote-cert-tls, --verify-x509-name). */
struct rv_tlsverify_rules {
	enum rv_tls_remote_cert remote_cert_tls;
	enum rv_tls_x509_type x509_type;
	char *x509_name;                 /* owned; NULL: no --verify-x509-name */
};

/* One session's verification; its SSL's app data points to it. */
struct rv_tlsverify {
	const struct rv_tlsverify_rules *rules;
	bool refused;                    /* the peer was refused, and that was logged */
};

/* Copies the rules out of cfg. Returns 0 or RV_ERR_NOMEM. */
int rv_tlsverify_rules_init(struct rv_tlsverify_rules *r, const struct rv_tls_config *cfg);
void rv_tlsverify_rules_clear(struct rv_tlsverify_rules *r);

/* Adds the CA certificates read from in to c's trust store, with any CRLs
 * among them (as openvpn's tls_ctx_load_ca()); a server also names the CAs
 * in its certificate request. Returns 0, or RV_ERR_FORMAT / RV_ERR_CRYPTO
 * with *why saying what is wrong. */
int rv_tlsverify_add_ca(SSL_CTX *c, BIO *in, bool server, const char **why);

/* Trusts one CA certificate (a --pkcs12 file's, without --ca). Returns 0 or
 * RV_ERR_CRYPTO. */
int rv_tlsverify_trust(SSL_CTX *c, X509 *ca, bool server);

/* --crl-verify: adds the CRLs read from in (at least one) and has OpenSSL
 * check every certificate of the peer's chain. Returns 0, or RV_ERR_FORMAT /
 * RV_ERR_CRYPTO with *why set. */
int rv_tlsverify_add_crl(SSL_CTX *c, BIO *in, const char **why);

/* OpenSSL's verify callback, for SSL_CTX_set_verify(). Logs each refusal in
 * one line and sets refused in the session's struct rv_tlsverify. */
int rv_tlsverify_cb(int ok, X509_STORE_CTX *xs);

/* The subject as openvpn prints it, cut to fit out[len]. Returns 0, or
 * RV_ERR_FORMAT if it is empty. */
int rv_tlsverify_subject(X509 *cert, char *out, size_t len);

/* The last CN of the subject. Returns 0, RV_ERR_NOTFOUND (none),
 * RV_ERR_RANGE (longer than RV_TLSVERIFY_CN_MAX) or RV_ERR_FORMAT. */
int rv_tlsverify_common_name(X509 *cert, char out[static RV_TLSVERIFY_CN_MAX + 1]);

/* "2048 bit RSA, signature: RSA-SHA256" */
void rv_tlsverify_describe(X509 *cert, char *out, size_t len);

/* SHA-256 over the SHA-256 of each certificate of chain, in its order.
 * Returns 0, RV_ERR_NOTFOUND (empty chain) or RV_ERR_CRYPTO. */
int rv_tlsverify_chain_hash(STACK_OF(X509) *chain, uint8_t out[static 32]);

#endif
