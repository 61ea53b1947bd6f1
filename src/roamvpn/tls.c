/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tls: the control channel's TLS session, OpenSSL 3 over two memory BIOs, and
 * its context: our certificate and key, versions and algorithms.
 *
 * Wire facts 2.7: the ciphertext is a byte stream; the caller cuts what
 * rv_tls_take() gives into control packets and feeds the peer's packets back
 * in order. 5.2: data keys are the RFC 5705 export "EXPORTER-OpenVPN-datakeys"
 * without a context. 10: --tls-version-min defaults to 1.2.
 *
 * The context follows openvpn's init_ssl() (ssl.c, ssl_openssl.c): security
 * level 1 (--tls-cert-profile legacy, openvpn's default), openvpn's default
 * --tls-cipher list, no session cache, tickets or TLS renegotiation (each key
 * exchange is a new TLS session), and DH parameters only from a --dh file:
 * with --dh none, or no --dh, openvpn 2.6 loads nothing and does not turn on
 * OpenSSL's automatic DH, so TLS 1.2 offers ECDHE only.
 *
 * The trust store and what is checked in the peer's certificate are in
 * tlsverify.c.
 */
#include "tls.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/ssl.h>

#include "err.h"
#include "log.h"
#include "tlsverify.h"

enum {
	LIST_MAX = 4096,     /* cipher lists, as openvpn's buffers */
	TOKEN_MAX = 128,
};

/* openvpn's tls_ctx_restrict_ciphers() list when --tls-cipher is absent. */
static const char default_ciphers[] =
    "DEFAULT:!EXP:!LOW:!MEDIUM:!kDH:!kECDH:!DSS:!PSK:!SRP:!kRSA";

struct rv_tls_ctx {
	SSL_CTX *ssl_ctx;
	int refs;                          /* the owner's and one per rv_tls */
	bool server;
	struct rv_tlsverify_rules rules;
};

struct rv_tls {
	struct rv_tls_ctx *ctx;
	SSL *ssl;
	BIO *in;          /* ciphertext from the peer; owned by ssl */
	BIO *out;         /* ciphertext to send; owned by ssl */
	struct rv_tlsverify verify;   /* the SSL's app data */
	bool done;        /* the handshake is complete */
	int failed;       /* once the session failed, every later call says so */
};

/* --- errors ---------------------------------------------------------------------- */

static int fail(char *err, int r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Fills err for rv_tls_ctx_new()'s caller and drops OpenSSL's queue. */
static int
fail(char *err, int r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, RV_TLS_ERRLEN, fmt, ap);
	va_end(ap);
	ERR_clear_error();
	return r;
}

/* The first reason OpenSSL queued: the cause, where later entries are the
 * callers that noticed it. */
static const char *
ssl_reason(void)
{
	unsigned long e = ERR_peek_error();
	const char *s = e != 0 ? ERR_reason_error_string(e) : NULL;

	return s != NULL ? s : "unknown OpenSSL error";
}

/* After a PEM read failed: true if it only ran out of PEM blocks. */
static bool
pem_at_end(void)
{
	unsigned long e = ERR_peek_last_error();

	return ERR_GET_LIB(e) == ERR_LIB_PEM && ERR_GET_REASON(e) == PEM_R_NO_START_LINE;
}

/* --- materials ------------------------------------------------------------------- */

static bool
src_given(const struct rv_tls_src *s)
{
	return s->path != NULL || s->text != NULL;
}

static const char *
src_name(const struct rv_tls_src *s)
{
	return s->text != NULL ? "[inline]" : s->path;
}

/* Opens a file or inline block for reading; opt names it in err. */
static int
src_open(const struct rv_tls_src *s, const char *opt, BIO **out, char *err)
{
	FILE *fp;

	*out = NULL;
	if (s->text != NULL) {
		*out = BIO_new_mem_buf(s->text, -1);
	} else {
		fp = fopen(s->path, "rb");
		if (fp == NULL)
			return fail(err, RV_ERR_SYSTEM, "cannot open %s %s: %s", opt, s->path,
			    strerror(errno));
		*out = BIO_new_fp(fp, BIO_CLOSE);
		if (*out == NULL)
			fclose(fp);
	}
	if (*out == NULL)
		return fail(err, RV_ERR_NOMEM, "cannot read %s %s: out of memory", opt, src_name(s));
	return 0;
}

/* What the PEM password callback was given, and whether it was needed. */
struct password {
	const char *text;     /* NULL: none given */
	bool asked;
};

/* The password callback for every PEM read (u: NULL or a struct password):
 * OpenSSL's default would prompt on the terminal, which a daemon must never
 * do. */
static int
pem_password(char *buf, int size, int rwflag, void *u)
{
	struct password *pw = u;
	size_t n;

	(void)rwflag;
	if (pw == NULL)
		return -1;
	pw->asked = true;
	if (pw->text == NULL || size < 0)
		return -1;
	n = strlen(pw->text);
	if (n > (size_t)size)
		return -1;
	memcpy(buf, pw->text, n);
	return (int)n;
}

/* Certificates after the first in --cert, or all of --extra-certs: sent to
 * complete our chain, never trusted for the peer's. */
static int
add_chain(SSL_CTX *c, BIO *in, const char *opt, const struct rv_tls_src *s, bool optional,
    char *err)
{
	X509 *x;

	while ((x = PEM_read_bio_X509(in, NULL, pem_password, NULL)) != NULL) {
		if (SSL_CTX_add_extra_chain_cert(c, x) != 1) {
			X509_free(x);
			return fail(err, RV_ERR_CRYPTO, "cannot use %s %s: %s", opt, src_name(s),
			    ssl_reason());
		}
		optional = true;
	}
	if (!pem_at_end())
		return fail(err, RV_ERR_FORMAT, "cannot load %s %s: malformed certificate (%s)", opt,
		    src_name(s), ssl_reason());
	if (!optional)
		return fail(err, RV_ERR_FORMAT, "cannot load %s %s: no certificate found", opt,
		    src_name(s));
	ERR_clear_error();
	return 0;
}

static int
load_cert(SSL_CTX *c, const struct rv_tls_src *s, char *err)
{
	BIO *in = NULL;
	X509 *x = NULL;
	int r;

	if ((r = src_open(s, "--cert", &in, err)) != 0)
		return r;
	x = PEM_read_bio_X509(in, NULL, pem_password, NULL);
	if (x == NULL && pem_at_end())
		r = fail(err, RV_ERR_FORMAT, "cannot load --cert %s: no certificate found",
		    src_name(s));
	else if (x == NULL)
		r = fail(err, RV_ERR_FORMAT, "cannot load --cert %s: malformed certificate (%s)",
		    src_name(s), ssl_reason());
	else if (SSL_CTX_use_certificate(c, x) != 1)
		r = fail(err, RV_ERR_FORMAT, "cannot use --cert %s: %s", src_name(s), ssl_reason());
	else
		r = add_chain(c, in, "--cert", s, true, err);
	X509_free(x);
	BIO_free(in);
	return r;
}

static int
load_key(SSL_CTX *c, const struct rv_tls_config *cfg, char *err)
{
	struct password pw = { .text = cfg->key_password };
	const char *name = src_name(&cfg->key);
	EVP_PKEY *pk = NULL;
	BIO *in = NULL;
	int r;

	if ((r = src_open(&cfg->key, "--key", &in, err)) != 0)
		return r;
	pk = PEM_read_bio_PrivateKey(in, NULL, pem_password, &pw);
	if (pk == NULL && pw.asked && pw.text == NULL)
		r = fail(err, RV_ERR_FORMAT, "cannot load --key %s: the key is encrypted and no "
		    "password was given (--askpass)", name);
	else if (pk == NULL && pw.asked)
		r = fail(err, RV_ERR_FORMAT, "cannot load --key %s: wrong password (%s)", name,
		    ssl_reason());
	else if (pk == NULL)
		r = fail(err, RV_ERR_FORMAT, "cannot load --key %s: no private key found (%s)", name,
		    pem_at_end() ? "no PEM block" : ssl_reason());
	else if (SSL_CTX_use_PrivateKey(c, pk) != 1 || SSL_CTX_check_private_key(c) != 1)
		r = fail(err, RV_ERR_FORMAT, "--key %s does not match the certificate (%s)", name,
		    ssl_reason());
	EVP_PKEY_free(pk);
	BIO_free(in);
	return r;
}

/* Inline <pkcs12> is base64; line lengths and whitespace do not matter. */
static int
base64_decode(const char *text, unsigned char **out, int *outlen)
{
	EVP_ENCODE_CTX *e = EVP_ENCODE_CTX_new();
	size_t n = strlen(text);
	unsigned char *buf = NULL;
	int len = 0, fin = 0, r = RV_ERR_NOMEM;

	if (n > INT_MAX / 2) {
		r = RV_ERR_RANGE;
		goto out;
	}
	buf = malloc(n + 4);
	if (e == NULL || buf == NULL)
		goto out;
	r = RV_ERR_FORMAT;
	EVP_DecodeInit(e);
	if (EVP_DecodeUpdate(e, buf, &len, (const unsigned char *)text, (int)n) < 0 ||
	    EVP_DecodeFinal(e, buf + len, &fin) != 1)
		goto out;
	*out = buf;
	*outlen = len + fin;
	buf = NULL;
	r = 0;
out:
	free(buf);
	EVP_ENCODE_CTX_free(e);
	return r;
}

/* A --pkcs12 file is binary DER; the inline block is its base64. */
static int
read_pkcs12(const struct rv_tls_src *s, PKCS12 **out, char *err)
{
	unsigned char *der = NULL;
	BIO *in = NULL;
	int r, len = 0;

	if (s->text != NULL) {
		if ((r = base64_decode(s->text, &der, &len)) != 0)
			return fail(err, r, "cannot load --pkcs12 [inline]: not base64 text");
		in = BIO_new_mem_buf(der, len);
		if (in == NULL) {
			r = fail(err, RV_ERR_NOMEM, "cannot load --pkcs12 [inline]: out of memory");
			goto out;
		}
	} else if ((r = src_open(s, "--pkcs12", &in, err)) != 0) {
		return r;
	}
	*out = d2i_PKCS12_bio(in, NULL);
	r = *out != NULL ? 0 : fail(err, RV_ERR_FORMAT, "cannot load --pkcs12 %s: not a "
	    "PKCS#12 file (%s)", src_name(s), ssl_reason());
out:
	BIO_free(in);
	free(der);
	return r;
}

/* Without --ca, openvpn trusts the CA certificates of the PKCS#12 file; with
 * --ca they only complete our own chain. */
static int
add_pkcs12_cas(SSL_CTX *c, STACK_OF(X509) *cas, bool trust, bool server, char *err)
{
	X509 *x;
	int i;

	for (i = 0; i < sk_X509_num(cas); i++) {
		x = sk_X509_value(cas, i);
		if (trust && rv_tlsverify_trust(c, x, server) != 0)
			return fail(err, RV_ERR_CRYPTO, "cannot trust the CAs of --pkcs12: %s",
			    ssl_reason());
		if (!trust && (X509_up_ref(x) != 1 || SSL_CTX_add_extra_chain_cert(c, x) != 1)) {
			X509_free(x);
			return fail(err, RV_ERR_CRYPTO, "cannot use the chain of --pkcs12: %s",
			    ssl_reason());
		}
	}
	return 0;
}

static int
load_pkcs12(SSL_CTX *c, const struct rv_tls_config *cfg, char *err)
{
	const char *name = src_name(&cfg->pkcs12);
	STACK_OF(X509) *cas = NULL;
	PKCS12 *p12 = NULL;
	EVP_PKEY *pk = NULL;
	X509 *x = NULL;
	int r;

	if ((r = read_pkcs12(&cfg->pkcs12, &p12, err)) != 0)
		return r;
	if (PKCS12_parse(p12, cfg->pkcs12_password, &pk, &x, &cas) != 1)
		r = fail(err, RV_ERR_FORMAT, "cannot load --pkcs12 %s: wrong password or "
		    "unsupported encryption (%s)", name, ssl_reason());
	else if (x == NULL || pk == NULL)
		r = fail(err, RV_ERR_FORMAT, "cannot load --pkcs12 %s: it holds no certificate "
		    "and key", name);
	else if (SSL_CTX_use_certificate(c, x) != 1 || SSL_CTX_use_PrivateKey(c, pk) != 1 ||
	    SSL_CTX_check_private_key(c) != 1)
		r = fail(err, RV_ERR_FORMAT, "cannot use --pkcs12 %s: %s", name, ssl_reason());
	else
		r = add_pkcs12_cas(c, cas, !src_given(&cfg->ca), cfg->server, err);
	sk_X509_pop_free(cas, X509_free);
	X509_free(x);
	EVP_PKEY_free(pk);
	PKCS12_free(p12);
	return r;
}

static int
load_ca(SSL_CTX *c, const struct rv_tls_config *cfg, char *err)
{
	const char *why = NULL;
	BIO *in = NULL;
	int r;

	if ((r = src_open(&cfg->ca, "--ca", &in, err)) == 0 &&
	    (r = rv_tlsverify_add_ca(c, in, cfg->server, &why)) != 0)
		fail(err, r, "cannot load --ca %s: %s", src_name(&cfg->ca), why);
	BIO_free(in);
	return r;
}

static int
load_extra_certs(SSL_CTX *c, const struct rv_tls_src *s, char *err)
{
	BIO *in = NULL;
	int r;

	if ((r = src_open(s, "--extra-certs", &in, err)) != 0)
		return r;
	r = add_chain(c, in, "--extra-certs", s, false, err);
	BIO_free(in);
	return r;
}

static int
load_crl(SSL_CTX *c, const struct rv_tls_src *s, char *err)
{
	const char *why = NULL;
	BIO *in = NULL;
	int r;

	if ((r = src_open(s, "--crl-verify", &in, err)) == 0 &&
	    (r = rv_tlsverify_add_crl(c, in, &why)) != 0)
		fail(err, r, "cannot load --crl-verify %s: %s", src_name(s), why);
	BIO_free(in);
	return r;
}

static int
load_dh(SSL_CTX *c, const struct rv_tls_src *s, char *err)
{
	EVP_PKEY *dh;
	BIO *in = NULL;
	int r;

	if ((r = src_open(s, "--dh", &in, err)) != 0)
		return r;
	dh = PEM_read_bio_Parameters(in, NULL);
	BIO_free(in);
	if (dh == NULL || !(EVP_PKEY_is_a(dh, "DH") || EVP_PKEY_is_a(dh, "DHX"))) {
		EVP_PKEY_free(dh);
		return fail(err, RV_ERR_FORMAT, "cannot load --dh %s: no DH parameters found",
		    src_name(s));
	}
	/* on success the context owns dh */
	if (SSL_CTX_set0_tmp_dh_pkey(c, dh) != 1) {
		EVP_PKEY_free(dh);
		return fail(err, RV_ERR_FORMAT, "cannot use --dh %s: %s", src_name(s), ssl_reason());
	}
	return 0;
}

/* openvpn's tls_ctx_check_cert_time(): a warning only; the peer decides. */
static void
warn_cert_time(SSL_CTX *c)
{
	X509 *x = SSL_CTX_get0_certificate(c);

	if (x == NULL)
		return;
	if (X509_cmp_current_time(X509_get0_notBefore(x)) > 0)
		rv_log(RV_LOG_WARN, "your certificate is not yet valid");
	if (X509_cmp_current_time(X509_get0_notAfter(x)) < 0)
		rv_log(RV_LOG_WARN, "your certificate has expired");
}

/* Our certificate and key, and the server's DH parameters. */
static int
load_identity(SSL_CTX *c, const struct rv_tls_config *cfg, char *err)
{
	int r = 0;

	if (cfg->server && !cfg->dh_none && src_given(&cfg->dh) &&
	    (r = load_dh(c, &cfg->dh, err)) != 0)
		return r;
	if (src_given(&cfg->pkcs12))
		r = load_pkcs12(c, cfg, err);
	else if (src_given(&cfg->cert) && (r = load_cert(c, &cfg->cert, err)) == 0)
		r = load_key(c, cfg, err);
	if (r == 0)
		warn_cert_time(c);
	return r;
}

static int
load_trust(SSL_CTX *c, const struct rv_tls_config *cfg, char *err)
{
	int r = 0;

	if (src_given(&cfg->ca) && (r = load_ca(c, cfg, err)) != 0)
		return r;
	if (src_given(&cfg->extra_certs) && (r = load_extra_certs(c, &cfg->extra_certs, err)) != 0)
		return r;
	if (src_given(&cfg->crl))
		r = load_crl(c, &cfg->crl, err);
	return r;
}

/* --- versions and algorithms ----------------------------------------------------- */

static int
parse_version(const char *s, int *out)
{
	static const struct {
		const char *name;
		int version;
	} versions[] = {
		{ "1.0", TLS1_VERSION }, { "1.1", TLS1_1_VERSION },
		{ "1.2", TLS1_2_VERSION }, { "1.3", TLS1_3_VERSION },
	};
	size_t i;

	for (i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
		if (strcmp(s, versions[i].name) == 0) {
			*out = versions[i].version;
			return 0;
		}
	}
	return RV_ERR_FORMAT;
}

static int
set_versions(SSL_CTX *c, const struct rv_tls_config *cfg, char *err)
{
	int min = TLS1_2_VERSION, max = 0;

	if (cfg->version_max != NULL && parse_version(cfg->version_max, &max) != 0)
		return fail(err, RV_ERR_FORMAT, "--tls-version-max `%s': not a TLS version "
		    "(1.0, 1.1, 1.2 or 1.3)", cfg->version_max);
	if (cfg->version_min != NULL && parse_version(cfg->version_min, &min) != 0) {
		/* openvpn's tls_version_parse(): "or-highest" turns a version
		 * this library lacks into the highest it has */
		if (!cfg->version_min_or_highest)
			return fail(err, RV_ERR_FORMAT, "--tls-version-min `%s': not a TLS version "
			    "(1.0, 1.1, 1.2 or 1.3; add or-highest to fall back to the highest)",
			    cfg->version_min);
		min = max != 0 ? max : TLS1_3_VERSION;
	}
	if (max != 0 && min > max)
		return fail(err, RV_ERR_FORMAT, "--tls-version-min %s is above --tls-version-max %s",
		    cfg->version_min != NULL ? cfg->version_min : "1.2 (the default)",
		    cfg->version_max);
	if (SSL_CTX_set_min_proto_version(c, min) != 1 ||
	    (max != 0 && SSL_CTX_set_max_proto_version(c, max) != 1))
		return fail(err, RV_ERR_CRYPTO, "cannot set the TLS versions: %s", ssl_reason());
	return 0;
}

/* OpenSSL's name for an IANA one written openvpn's way, with dashes
 * (TLS-ECDHE-RSA-WITH-AES-256-GCM-SHA384); NULL if it is none. */
static const char *
openssl_cipher_name(STACK_OF(SSL_CIPHER) *all, const char *tok, size_t len)
{
	char iana[TOKEN_MAX];
	const char *s;
	size_t i;

	if (len >= sizeof(iana) || strncmp(tok, "TLS-", 4) != 0)
		return NULL;
	for (i = 0; i < len; i++)
		iana[i] = tok[i] == '-' ? '_' : tok[i];
	iana[len] = '\0';
	for (i = 0; i < (size_t)sk_SSL_CIPHER_num(all); i++) {
		s = SSL_CIPHER_standard_name(sk_SSL_CIPHER_value(all, (int)i));
		if (s != NULL && strcmp(s, iana) == 0)
			return SSL_CIPHER_get_name(sk_SSL_CIPHER_value(all, (int)i));
	}
	return NULL;
}

/* --tls-cipher as openvpn's convert_tls_list_to_openssl(): IANA names become
 * OpenSSL's, anything else passes through. */
static int
translate_ciphers(const char *in, char *out, size_t outlen)
{
	SSL_CTX *every = SSL_CTX_new(TLS_method());
	size_t toklen, len, used = 0;
	const char *name;
	int r = RV_ERR_CRYPTO;

	out[0] = '\0';
	if (every == NULL ||
	    SSL_CTX_set_cipher_list(every, "ALL:COMPLEMENTOFALL:@SECLEVEL=0") != 1)
		goto out;
	r = RV_ERR_RANGE;
	while (*in != '\0') {
		toklen = strcspn(in, ":");
		name = openssl_cipher_name(SSL_CTX_get_ciphers(every), in, toklen);
		len = name != NULL ? strlen(name) : toklen;
		if (used + len + 2 > outlen)
			goto out;
		memcpy(out + used, name != NULL ? name : in, len);
		used += len;
		out[used++] = ':';
		in += toklen + (in[toklen] == ':');
	}
	out[used > 0 ? used - 1 : 0] = '\0';
	r = 0;
out:
	SSL_CTX_free(every);
	return r;
}

static int
set_ciphers(SSL_CTX *c, const struct rv_tls_config *cfg, char *err)
{
	char list[LIST_MAX];
	size_t i;

	if (cfg->cipher_list == NULL) {
		if (SSL_CTX_set_cipher_list(c, default_ciphers) != 1)
			return fail(err, RV_ERR_CRYPTO, "cannot set the default TLS ciphers: %s",
			    ssl_reason());
	} else if (translate_ciphers(cfg->cipher_list, list, sizeof(list)) != 0) {
		return fail(err, RV_ERR_FORMAT, "--tls-cipher `%s': cannot read the list",
		    cfg->cipher_list);
	} else if (SSL_CTX_set_cipher_list(c, list) != 1) {
		return fail(err, RV_ERR_FORMAT, "--tls-cipher `%s': no cipher in the list is "
		    "known (see openssl ciphers)", cfg->cipher_list);
	}
	if (cfg->ciphersuites != NULL) {
		/* openvpn accepts TLS-AES-256-GCM-SHA384 for TLS_AES_256_GCM_SHA384 */
		if (strlen(cfg->ciphersuites) >= sizeof(list))
			return fail(err, RV_ERR_FORMAT, "--tls-ciphersuites: the list is too long");
		for (i = 0; cfg->ciphersuites[i] != '\0'; i++)
			list[i] = cfg->ciphersuites[i] == '-' ? '_' : cfg->ciphersuites[i];
		list[i] = '\0';
		if (SSL_CTX_set_ciphersuites(c, list) != 1)
			return fail(err, RV_ERR_FORMAT, "--tls-ciphersuites `%s': %s",
			    cfg->ciphersuites, ssl_reason());
	}
	if (cfg->groups != NULL && SSL_CTX_set1_groups_list(c, cfg->groups) != 1)
		return fail(err, RV_ERR_FORMAT, "--tls-groups `%s': unknown group in the list",
		    cfg->groups);
	return 0;
}

/* --- context ---------------------------------------------------------------------- */

static int
check_materials(const struct rv_tls_config *cfg, char *err)
{
	bool cert = src_given(&cfg->cert), key = src_given(&cfg->key);
	bool p12 = src_given(&cfg->pkcs12);

	if (p12 && (cert || key))
		return fail(err, RV_ERR_FORMAT, "--pkcs12 cannot be combined with --cert or --key");
	if (cert != key)
		return fail(err, RV_ERR_FORMAT, "--%s is missing: --cert and --key go together",
		    cert ? "key" : "cert");
	if (cfg->server && !cert && !p12)
		return fail(err, RV_ERR_FORMAT, "a TLS server needs --cert and --key, or --pkcs12");
	if (!src_given(&cfg->ca) && !p12)
		return fail(err, RV_ERR_FORMAT, "--ca is missing: it is needed to verify the peer");
	return 0;
}

/* openvpn's tls_ctx_set_options() and tls_ctx_set_cert_profile(legacy). */
static void
set_options(SSL_CTX *c, const struct rv_tls_config *cfg)
{
	int mode = SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;

	SSL_CTX_set_security_level(c, 1);
	SSL_CTX_set_options(c, SSL_OP_NO_TICKET | SSL_OP_CIPHER_SERVER_PREFERENCE |
	    SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
	SSL_CTX_set_mode(c, SSL_MODE_RELEASE_BUFFERS);
	SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_default_passwd_cb(c, pem_password);
	if (cfg->server && cfg->verify_client_cert_optional)
		mode = SSL_VERIFY_PEER;
	if (cfg->server && cfg->verify_client_cert_none)
		mode = SSL_VERIFY_NONE;
	SSL_CTX_set_verify(c, mode, rv_tlsverify_cb);
}

static void
ctx_put(struct rv_tls_ctx *ctx)
{
	if (ctx == NULL || --ctx->refs > 0)
		return;
	SSL_CTX_free(ctx->ssl_ctx);
	rv_tlsverify_rules_clear(&ctx->rules);
	free(ctx);
}

int
rv_tls_ctx_new(struct rv_tls_ctx **out, const struct rv_tls_config *cfg,
    char err[static RV_TLS_ERRLEN])
{
	struct rv_tls_ctx *ctx = NULL;
	int r;

	*out = NULL;
	err[0] = '\0';
	ERR_clear_error();
	if ((r = check_materials(cfg, err)) != 0)
		goto out;
	ctx = calloc(1, sizeof(*ctx));
	if (ctx == NULL || rv_tlsverify_rules_init(&ctx->rules, cfg) != 0) {
		r = fail(err, RV_ERR_NOMEM, "cannot create the TLS context: out of memory");
		goto out;
	}
	ctx->refs = 1;
	ctx->server = cfg->server;
	ctx->ssl_ctx = SSL_CTX_new(TLS_method());
	if (ctx->ssl_ctx == NULL) {
		r = fail(err, RV_ERR_CRYPTO, "cannot create the TLS context: %s", ssl_reason());
		goto out;
	}
	set_options(ctx->ssl_ctx, cfg);
	/* the cipher settings first: the security level also limits which
	 * certificates load (as openvpn's init_ssl() orders it) */
	if ((r = set_versions(ctx->ssl_ctx, cfg, err)) != 0 ||
	    (r = set_ciphers(ctx->ssl_ctx, cfg, err)) != 0 ||
	    (r = load_identity(ctx->ssl_ctx, cfg, err)) != 0 ||
	    (r = load_trust(ctx->ssl_ctx, cfg, err)) != 0)
		goto out;
	*out = ctx;
	ctx = NULL;
out:
	ctx_put(ctx);
	return r;
}

void
rv_tls_ctx_free(struct rv_tls_ctx *ctx)
{
	ctx_put(ctx);
}

/* --- session ---------------------------------------------------------------------- */

int
rv_tls_new(struct rv_tls **out, struct rv_tls_ctx *ctx)
{
	struct rv_tls *t;
	int r = RV_ERR_CRYPTO;

	*out = NULL;
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return RV_ERR_NOMEM;
	/* the session keeps its context alive */
	t->ctx = ctx;
	ctx->refs++;
	t->ssl = SSL_new(ctx->ssl_ctx);
	t->in = BIO_new(BIO_s_mem());
	t->out = BIO_new(BIO_s_mem());
	if (t->ssl == NULL || t->in == NULL || t->out == NULL) {
		BIO_free(t->in);
		BIO_free(t->out);
		goto out;
	}
	SSL_set_bio(t->ssl, t->in, t->out);
	t->verify.rules = &ctx->rules;
	SSL_set_app_data(t->ssl, &t->verify);
	if (ctx->server)
		SSL_set_accept_state(t->ssl);
	else
		SSL_set_connect_state(t->ssl);
	*out = t;
	t = NULL;
	r = 0;
out:
	rv_tls_free(t);
	ERR_clear_error();
	return r;
}

void
rv_tls_free(struct rv_tls *t)
{
	if (t == NULL)
		return;
	SSL_free(t->ssl);
	ctx_put(t->ctx);
	free(t);
}

int
rv_tls_feed(struct rv_tls *t, const void *data, size_t len)
{
	if (len == 0)
		return 0;
	if (len > INT_MAX || BIO_write(t->in, data, (int)len) != (int)len)
		return RV_ERR_NOMEM;
	return 0;
}

/* Classifies and logs a failed handshake; the verify callback has already
 * logged its own refusals. */
static int
handshake_failure(const struct rv_tls *t)
{
	unsigned long e = ERR_peek_error();
	int r = RV_ERR_CRYPTO;

	if (t->verify.refused)
		r = RV_ERR_AUTH;
	else if (ERR_GET_LIB(e) == ERR_LIB_SSL &&
	    ERR_GET_REASON(e) == SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE) {
		rv_log(RV_LOG_ERR, "VERIFY ERROR: the peer sent no certificate");
		r = RV_ERR_AUTH;
	} else {
		rv_log(RV_LOG_ERR, "TLS error: %s", ssl_reason());
	}
	ERR_clear_error();
	return r;
}

int
rv_tls_handshake(struct rv_tls *t)
{
	int ret, e;

	if (t->failed != 0)
		return t->failed;
	if (t->done)
		return 0;
	ERR_clear_error();
	ret = SSL_do_handshake(t->ssl);
	if (ret == 1) {
		t->done = true;
		return 0;
	}
	e = SSL_get_error(t->ssl, ret);
	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
		return RV_ERR_AGAIN;
	t->failed = handshake_failure(t);
	return t->failed;
}

size_t
rv_tls_pending(const struct rv_tls *t)
{
	return BIO_ctrl_pending(t->out);
}

int
rv_tls_take(struct rv_tls *t, void *out, size_t max, size_t *n)
{
	int got;

	*n = 0;
	if (max > INT_MAX)
		max = INT_MAX;
	if (max == 0 || BIO_ctrl_pending(t->out) == 0)
		return 0;
	got = BIO_read(t->out, out, (int)max);
	if (got > 0)
		*n = (size_t)got;
	return 0;
}

/* A message longer than a TLS record (16 KiB) becomes several records;
 * openvpn's messages are far shorter (wire facts 2.8). */
int
rv_tls_write(struct rv_tls *t, const void *data, size_t len)
{
	if (!t->done || t->failed != 0 || len > INT_MAX)
		return RV_ERR_CRYPTO;
	if (len == 0)
		return 0;
	ERR_clear_error();
	if (SSL_write(t->ssl, data, (int)len) != (int)len) {
		rv_log(RV_LOG_ERR, "TLS error: cannot write: %s", ssl_reason());
		ERR_clear_error();
		return RV_ERR_CRYPTO;
	}
	return 0;
}

static int
read_failure(struct rv_tls *t, int ret)
{
	int e = SSL_get_error(t->ssl, ret);

	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
		return RV_ERR_AGAIN;
	if (e == SSL_ERROR_ZERO_RETURN)
		rv_log(RV_LOG_ERR, "TLS error: the peer closed the TLS session");
	else
		rv_log(RV_LOG_ERR, "TLS error: %s", ssl_reason());
	ERR_clear_error();
	t->failed = RV_ERR_CRYPTO;
	return RV_ERR_CRYPTO;
}

int
rv_tls_read(struct rv_tls *t, void *out, size_t max, size_t *n)
{
	int got;

	*n = 0;
	if (t->failed != 0)
		return RV_ERR_CRYPTO;
	if (!t->done)
		return RV_ERR_AGAIN;
	if (max == 0)
		return RV_ERR_NOSPACE;
	if (max > INT_MAX)
		max = INT_MAX;
	ERR_clear_error();
	/* peek first, so that a record larger than out stays whole for a retry:
	 * openvpn's messages are one record each (wire facts 2.8) */
	got = SSL_peek(t->ssl, out, (int)max);
	if (got <= 0)
		return read_failure(t, got);
	if (SSL_pending(t->ssl) > got)
		return RV_ERR_NOSPACE;
	got = SSL_read(t->ssl, out, got);
	if (got <= 0)
		return read_failure(t, got);
	*n = (size_t)got;
	return 0;
}

int
rv_tls_export(struct rv_tls *t, const char *label, void *out, size_t len)
{
	/* use_context = 0: openvpn exports without a context, which in TLS 1.2
	 * differs from an empty one (RFC 5705, section 4) */
	if (t->done && t->failed == 0 && SSL_export_keying_material(t->ssl, out, len, label,
	    strlen(label), NULL, 0, 0) == 1)
		return 0;
	OPENSSL_cleanse(out, len);
	ERR_clear_error();
	return RV_ERR_CRYPTO;
}

void
rv_tls_describe(const struct rv_tls *t, char *out, size_t len)
{
	const SSL_CIPHER *c = SSL_get_current_cipher(t->ssl);
	X509 *cert = SSL_get0_peer_certificate(t->ssl);
	char peer[256] = "none";

	if (cert != NULL)
		rv_tlsverify_describe(cert, peer, sizeof(peer));
	snprintf(out, len, "%s, cipher %s, peer certificate: %s", SSL_get_version(t->ssl),
	    c != NULL ? SSL_CIPHER_get_name(c) : "none", peer);
}

void
rv_tls_peer_subject(const struct rv_tls *t, char *out, size_t len)
{
	X509 *cert = SSL_get0_peer_certificate(t->ssl);

	if (len == 0)
		return;
	out[0] = '\0';
	if (cert != NULL)
		rv_tlsverify_subject(cert, out, len);
}

void
rv_tls_peer_common_name(const struct rv_tls *t, char *out, size_t len)
{
	X509 *cert = SSL_get0_peer_certificate(t->ssl);
	char cn[RV_TLSVERIFY_CN_MAX + 1] = "";

	if (cert != NULL && rv_tlsverify_common_name(cert, cn) != 0)
		cn[0] = '\0';
	if (len > 0)
		snprintf(out, len, "%s", cn);
}

/* Over the verified chain, the peer's certificate first and our trusted CA
 * last; RV_ERR_CRYPTO only if OpenSSL cannot hash. */
int
rv_tls_peer_chain_hash(const struct rv_tls *t, uint8_t out[32])
{
	if (!t->done || t->failed != 0)
		return RV_ERR_NOTFOUND;
	return rv_tlsverify_chain_hash(SSL_get0_verified_chain(t->ssl), out);
}
