/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tlsverify: the trust store (--ca, --crl-verify) and what openvpn 2.6 checks
 * in the peer's certificate once OpenSSL accepted its chain, its CRL and its
 * purpose (OpenSSL's purpose check is where the key usage bits are checked:
 * digitalSignature, keyEncipherment or keyAgreement for a server,
 * digitalSignature or keyAgreement for a client).
 *
 * From ssl_verify.c verify_cert() and verify_peer_cert(), and
 * ssl_verify_openssl.c verify_callback():
 *   - every depth: a subject, and at most 16 certificates;
 *   - a CA without a CRL under --crl-verify is only a warning;
 *   - depth 0: a common name of at most 64 characters (openvpn's username),
 *     then --remote-cert-tls (a key usage extension must be present, and the
 *     extended key usage must hold serverAuth or clientAuth), then
 *     --verify-x509-name (subject, name or name-prefix).
 * Names are formatted as openvpn does, so --verify-x509-name strings written
 * for openvpn match here too.
 */
#include "tlsverify.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "err.h"
#include "log.h"

enum {
	DEPTH_MAX = 16,      /* openvpn's MAX_CERT_DEPTH */
	SUBJECT_MAX = 2048,
};

int
rv_tlsverify_rules_init(struct rv_tlsverify_rules *r, const struct rv_tls_config *cfg)
{
	r->remote_cert_tls = cfg->remote_cert_tls;
	r->x509_type = cfg->verify_x509_type;
	r->x509_name = NULL;
	if (cfg->verify_x509_name != NULL &&
	    (r->x509_name = strdup(cfg->verify_x509_name)) == NULL)
		return RV_ERR_NOMEM;
	return 0;
}

void
rv_tlsverify_rules_clear(struct rv_tlsverify_rules *r)
{
	free(r->x509_name);
	r->x509_name = NULL;
}

/* The first reason OpenSSL queued (the cause), for messages. */
static const char *
ssl_reason(void)
{
	unsigned long e = ERR_peek_error();
	const char *s = e != 0 ? ERR_reason_error_string(e) : NULL;

	return s != NULL ? s : "unknown OpenSSL error";
}

int
rv_tlsverify_trust(SSL_CTX *c, X509 *ca, bool server)
{
	if (X509_STORE_add_cert(SSL_CTX_get_cert_store(c), ca) != 1 ||
	    (server && SSL_CTX_add_client_CA(c, ca) != 1))
		return RV_ERR_CRYPTO;
	return 0;
}

int
rv_tlsverify_add_ca(SSL_CTX *c, BIO *in, bool server, const char **why)
{
	STACK_OF(X509_INFO) *infos;
	X509_INFO *xi;
	int i, added = 0, r = RV_ERR_CRYPTO;

	/* "" as the password: nothing here is encrypted, and OpenSSL must not
	 * prompt for one */
	infos = PEM_X509_INFO_read_bio(in, NULL, NULL, (void *)"");
	if (infos == NULL) {
		*why = ssl_reason();
		return RV_ERR_FORMAT;
	}
	for (i = 0; i < sk_X509_INFO_num(infos); i++) {
		xi = sk_X509_INFO_value(infos, i);
		if ((xi->crl != NULL && X509_STORE_add_crl(SSL_CTX_get_cert_store(c), xi->crl) != 1) ||
		    (xi->x509 != NULL && rv_tlsverify_trust(c, xi->x509, server) != 0))
			goto out;
		added += xi->x509 != NULL;
	}
	r = added > 0 ? 0 : RV_ERR_FORMAT;
out:
	*why = r == RV_ERR_FORMAT ? "no certificate found" : ssl_reason();
	sk_X509_INFO_pop_free(infos, X509_INFO_free);
	return r;
}

/* With these flags OpenSSL checks each certificate of the chain against its
 * issuer's CRL (openvpn's backend_tls_ctx_reload_crl()). */
int
rv_tlsverify_add_crl(SSL_CTX *c, BIO *in, const char **why)
{
	X509_STORE *store = SSL_CTX_get_cert_store(c);
	X509_CRL *crl;
	unsigned long e;
	int ok, n = 0;

	while ((crl = PEM_read_bio_X509_CRL(in, NULL, NULL, (void *)"")) != NULL) {
		ok = X509_STORE_add_crl(store, crl);
		X509_CRL_free(crl);
		if (ok != 1) {
			*why = ssl_reason();
			return RV_ERR_CRYPTO;
		}
		n++;
	}
	/* the end of the PEM blocks reads as "no start line" */
	e = ERR_peek_last_error();
	if (ERR_GET_LIB(e) != ERR_LIB_PEM || ERR_GET_REASON(e) != PEM_R_NO_START_LINE) {
		*why = ssl_reason();
		return RV_ERR_FORMAT;
	}
	if (n == 0) {
		*why = "no CRL found";
		return RV_ERR_FORMAT;
	}
	ERR_clear_error();
	if (X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL) != 1) {
		*why = ssl_reason();
		return RV_ERR_CRYPTO;
	}
	return 0;
}

/* openvpn's string_mod_remap_name(): control characters become '_'. */
static void
remap(char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 32 || *s == 127)
			*s = '_';
	}
}

/* x509_get_subject(), then verify_cert()'s remapping and leading '-' to '_':
 *   C=KG, ST=NA, O=OpenVPN-TEST, CN=Test-Server, emailAddress=me@myhost.mydomain */
int
rv_tlsverify_subject(X509 *cert, char *out, size_t len)
{
	BIO *b;
	char *data, *p;
	long n;

	if (len == 0)
		return RV_ERR_FORMAT;
	out[0] = '\0';
	b = BIO_new(BIO_s_mem());
	if (b == NULL)
		return RV_ERR_FORMAT;
	X509_NAME_print_ex(b, X509_get_subject_name(cert), 0, XN_FLAG_SEP_CPLUS_SPC |
	    XN_FLAG_FN_SN | ASN1_STRFLGS_UTF8_CONVERT | ASN1_STRFLGS_ESC_CTRL);
	n = BIO_get_mem_data(b, &data);
	if (n > 0)
		snprintf(out, len, "%.*s", (int)(n < INT_MAX ? n : INT_MAX), data);
	BIO_free(b);
	remap(out);
	for (p = out; *p == '-'; p++)
		*p = '_';
	return out[0] != '\0' ? 0 : RV_ERR_FORMAT;
}

/* As openvpn's extract_x509_field_ssl() takes the username: the last CN. */
int
rv_tlsverify_common_name(X509 *cert, char out[static RV_TLSVERIFY_CN_MAX + 1])
{
	const X509_NAME *name = X509_get_subject_name(cert);
	X509_NAME_ENTRY *e = NULL;
	unsigned char *utf8 = NULL;
	int i = -1, last = -1, n;

	out[0] = '\0';
	while ((i = X509_NAME_get_index_by_NID(name, NID_commonName, i)) >= 0)
		last = i;
	if (last < 0 || (e = X509_NAME_get_entry(name, last)) == NULL)
		return RV_ERR_NOTFOUND;
	n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(e));
	if (n < 0)
		return RV_ERR_FORMAT;
	/* a NUL inside the name would let it pass for a shorter one */
	if (n > RV_TLSVERIFY_CN_MAX || strlen((char *)utf8) != (size_t)n) {
		OPENSSL_free(utf8);
		return RV_ERR_RANGE;
	}
	memcpy(out, utf8, (size_t)n + 1);
	OPENSSL_free(utf8);
	remap(out);
	return 0;
}

static int refuse(struct rv_tlsverify *v, X509_STORE_CTX *xs, int x509_err,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Logs the refusal (once per session) and stops the verification; x509_err
 * picks the alert OpenSSL sends to the peer. Returns 0 for the callback. */
static int
refuse(struct rv_tlsverify *v, X509_STORE_CTX *xs, int x509_err, const char *fmt, ...)
{
	char msg[SUBJECT_MAX + 256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!v->refused)
		rv_log(RV_LOG_ERR, "%s", msg);
	v->refused = true;
	X509_STORE_CTX_set_error(xs, x509_err);
	return 0;
}

/* --remote-cert-tls is openvpn's --remote-cert-ku with no value (the key
 * usage extension must be there; OpenSSL checks its bits) plus
 * --remote-cert-eku "TLS Web Server/Client Authentication". Returns what is
 * wrong, or NULL. */
static const char *
usage_problem(X509 *cert, enum rv_tls_remote_cert want)
{
	int nid = want == RV_TLS_RCT_SERVER ? NID_server_auth : NID_client_auth;
	ASN1_BIT_STRING *ku = X509_get_ext_d2i(cert, NID_key_usage, NULL, NULL);
	EXTENDED_KEY_USAGE *eku;
	bool found = false;
	int i;

	if (ku == NULL)
		return "no key usage extension";
	ASN1_BIT_STRING_free(ku);
	eku = X509_get_ext_d2i(cert, NID_ext_key_usage, NULL, NULL);
	for (i = 0; eku != NULL && i < sk_ASN1_OBJECT_num(eku); i++)
		found = found || OBJ_obj2nid(sk_ASN1_OBJECT_value(eku, i)) == nid;
	sk_ASN1_OBJECT_pop_free(eku, ASN1_OBJECT_free);
	if (found)
		return NULL;
	return want == RV_TLS_RCT_SERVER ? "no serverAuth extended key usage" :
	    "no clientAuth extended key usage";
}

/* --verify-x509-name, compared as openvpn's verify_peer_cert() does. */
static int
check_name(struct rv_tlsverify *v, X509_STORE_CTX *xs, const char *subject, const char *cn)
{
	const char *want = v->rules->x509_name;

	switch (v->rules->x509_type) {
	case RV_TLS_X509_SUBJECT:
		if (strcmp(want, subject) == 0)
			return 1;
		return refuse(v, xs, X509_V_ERR_APPLICATION_VERIFICATION, "VERIFY ERROR: "
		    "subject=%s: --verify-x509-name: the subject is not `%s'", subject, want);
	case RV_TLS_X509_NAME:
		if (strcmp(want, cn) == 0)
			return 1;
		return refuse(v, xs, X509_V_ERR_APPLICATION_VERIFICATION, "VERIFY ERROR: "
		    "subject=%s: --verify-x509-name: common name `%s' is not `%s'", subject, cn,
		    want);
	case RV_TLS_X509_NAME_PREFIX:
		if (strncmp(want, cn, strlen(want)) == 0)
			return 1;
		return refuse(v, xs, X509_V_ERR_APPLICATION_VERIFICATION, "VERIFY ERROR: "
		    "subject=%s: --verify-x509-name: common name `%s' does not start with `%s'",
		    subject, cn, want);
	}
	return refuse(v, xs, X509_V_ERR_APPLICATION_VERIFICATION, "VERIFY ERROR: "
	    "subject=%s: --verify-x509-name: unknown type %d", subject, (int)v->rules->x509_type);
}

/* The peer's own certificate, in verify_peer_cert()'s order. */
static int
check_peer(struct rv_tlsverify *v, X509_STORE_CTX *xs, X509 *cert, const char *subject)
{
	enum rv_tls_remote_cert rct = v->rules->remote_cert_tls;
	char cn[RV_TLSVERIFY_CN_MAX + 1];
	const char *problem;

	/* openvpn takes the username from the CN and refuses a peer without */
	if (rv_tlsverify_common_name(cert, cn) != 0)
		return refuse(v, xs, X509_V_ERR_APPLICATION_VERIFICATION, "VERIFY ERROR: "
		    "subject=%s: no common name (CN) of at most %d characters", subject,
		    RV_TLSVERIFY_CN_MAX);
	if (rct != RV_TLS_RCT_NONE && (problem = usage_problem(cert, rct)) != NULL)
		return refuse(v, xs, X509_V_ERR_INVALID_PURPOSE, "VERIFY ERROR: subject=%s: "
		    "--remote-cert-tls %s: %s", subject,
		    rct == RV_TLS_RCT_SERVER ? "server" : "client", problem);
	if (v->rules->x509_name != NULL)
		return check_name(v, xs, subject, cn);
	return 1;
}

/* Called by OpenSSL for each certificate of the chain, the root first. */
int
rv_tlsverify_cb(int ok, X509_STORE_CTX *xs)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(xs, SSL_get_ex_data_X509_STORE_CTX_idx());
	struct rv_tlsverify *v = ssl != NULL ? SSL_get_app_data(ssl) : NULL;
	X509 *cert = X509_STORE_CTX_get_current_cert(xs);
	int depth = X509_STORE_CTX_get_error_depth(xs);
	int e = X509_STORE_CTX_get_error(xs);
	char subject[SUBJECT_MAX] = "(unknown)";

	if (v == NULL)
		return 0;
	if (cert != NULL && rv_tlsverify_subject(cert, subject, sizeof(subject)) != 0)
		return refuse(v, xs, X509_V_ERR_APPLICATION_VERIFICATION, "VERIFY ERROR: "
		    "depth=%d: could not extract the subject of the certificate", depth);
	if (!ok && e == X509_V_ERR_UNABLE_TO_GET_CRL) {
		rv_log(RV_LOG_NOTICE, "VERIFY WARNING: depth=%d, subject=%s: %s", depth, subject,
		    X509_verify_cert_error_string(e));
		return 1;
	}
	if (!ok)
		return refuse(v, xs, e, "VERIFY ERROR: depth=%d, subject=%s: %s", depth, subject,
		    X509_verify_cert_error_string(e));
	if (depth >= DEPTH_MAX)
		return refuse(v, xs, X509_V_ERR_CERT_CHAIN_TOO_LONG, "VERIFY ERROR: depth=%d, "
		    "subject=%s: certificate chain longer than %d", depth, subject, DEPTH_MAX);
	if (depth == 0 && cert != NULL && check_peer(v, xs, cert, subject) == 0)
		return 0;
	rv_log(RV_LOG_NOTICE, "VERIFY OK: depth=%d, subject=%s", depth, subject);
	return 1;
}

void
rv_tlsverify_describe(X509 *cert, char *out, size_t len)
{
	EVP_PKEY *pk = X509_get0_pubkey(cert);
	int sig = X509_get_signature_nid(cert);
	const char *type = pk != NULL ? EVP_PKEY_get0_type_name(pk) : NULL;
	char group[64] = "";

	if (pk != NULL && EVP_PKEY_get_group_name(pk, group, sizeof(group), NULL) != 1)
		group[0] = '\0';
	ERR_clear_error();
	snprintf(out, len, "%d bit %s%s%s%s, signature: %s", pk != NULL ? EVP_PKEY_get_bits(pk) : 0,
	    type != NULL ? type : "unknown key", group[0] != '\0' ? " (" : "", group,
	    group[0] != '\0' ? ")" : "", sig != NID_undef ? OBJ_nid2sn(sig) : "unknown");
}

/* openvpn remembers the same per-certificate hashes (cert_hash_remember()). */
int
rv_tlsverify_chain_hash(STACK_OF(X509) *chain, uint8_t out[static 32])
{
	unsigned char fp[EVP_MAX_MD_SIZE];
	unsigned int fplen;
	EVP_MD_CTX *md = NULL;
	int i, r = RV_ERR_CRYPTO;

	if (chain == NULL || sk_X509_num(chain) == 0)
		return RV_ERR_NOTFOUND;
	md = EVP_MD_CTX_new();
	if (md == NULL || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1)
		goto out;
	for (i = 0; i < sk_X509_num(chain); i++) {
		if (X509_digest(sk_X509_value(chain, i), EVP_sha256(), fp, &fplen) != 1 ||
		    EVP_DigestUpdate(md, fp, fplen) != 1)
			goto out;
	}
	if (EVP_DigestFinal_ex(md, out, NULL) != 1)
		goto out;
	r = 0;
out:
	EVP_MD_CTX_free(md);
	ERR_clear_error();
	return r;
}
