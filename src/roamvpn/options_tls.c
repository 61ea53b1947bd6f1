/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * options_tls: TLS-mode and client options (their table entries and
 * handlers). The meaning of each follows openvpn 2.6's manual; defaults are
 * in the wire facts, section 10.
 */
#include "options_tls.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "err.h"
#include "keyfile.h"
#include "tls.h"
#include "wire.h"

static int
opt_client(struct rv_optctx *c, char **a, int n)
{
	(void)a, (void)n;
	c->o->tls_client = true;
	c->o->pull = true;
	return 0;
}

static int
opt_tls_auth(struct rv_optctx *c, char **a, int n)
{
	return rv_optarg_src(c, &c->o->tls_auth, a, n, true);
}

static int
opt_askpass(struct rv_optctx *c, char **a, int n)
{
	if (n == 0)
		return rv_optarg_bad(c, "roamvpn does not prompt for passwords: give a file");
	return rv_optarg_src(c, &c->o->askpass, a, n, false);
}

static int
opt_auth_user_pass(struct rv_optctx *c, char **a, int n)
{
	c->o->auth_user_pass_given = true;
	if (n == 0)
		return rv_optarg_bad(c, "roamvpn does not prompt for a username and password: "
		    "give a file with the username on the first line, the password on the second");
	return rv_optarg_src(c, &c->o->auth_user_pass, a, n, false);
}

static int
opt_crl_verify(struct rv_optctx *c, char **a, int n)
{
	if (n > 1)
		return rv_optarg_bad(c, "a CRL directory (`dir') is not supported; give a CRL file");
	return rv_optarg_src(c, &c->o->crl_verify, a, n, false);
}

static int
opt_tls_version_min(struct rv_optctx *c, char **a, int n)
{
	if (strcmp(a[0], "1.2") != 0 && strcmp(a[0], "1.3") != 0 && strcmp(a[0], "1.0") != 0 &&
	    strcmp(a[0], "1.1") != 0)
		return rv_optarg_bad(c, "expects 1.0, 1.1, 1.2 or 1.3, got `%s'", a[0]);
	c->o->tls_version_min_or_highest = false;
	if (n > 1 && strcmp(a[1], "or-highest") != 0)
		return rv_optarg_bad(c, "second argument must be or-highest, got `%s'", a[1]);
	c->o->tls_version_min_or_highest = n > 1;
	return rv_optarg_set_str(c, &c->o->tls_version_min, a[0]);
}

static int
opt_tls_version_max(struct rv_optctx *c, char **a, int n)
{
	(void)n;
	if (strcmp(a[0], "1.2") != 0 && strcmp(a[0], "1.3") != 0 && strcmp(a[0], "1.0") != 0 &&
	    strcmp(a[0], "1.1") != 0)
		return rv_optarg_bad(c, "expects 1.0, 1.1, 1.2 or 1.3, got `%s'", a[0]);
	return rv_optarg_set_str(c, &c->o->tls_version_max, a[0]);
}

static int
opt_remote_cert_tls(struct rv_optctx *c, char **a, int n)
{
	(void)n;
	if (strcmp(a[0], "server") == 0)
		c->o->remote_cert_tls = RV_TLS_RCT_SERVER;
	else if (strcmp(a[0], "client") == 0)
		c->o->remote_cert_tls = RV_TLS_RCT_CLIENT;
	else
		return rv_optarg_bad(c, "expects server or client, got `%s'", a[0]);
	return 0;
}

static int
opt_verify_x509_name(struct rv_optctx *c, char **a, int n)
{
	c->o->verify_x509_type = RV_TLS_X509_SUBJECT;
	if (n > 1 && strcmp(a[1], "name") == 0)
		c->o->verify_x509_type = RV_TLS_X509_NAME;
	else if (n > 1 && strcmp(a[1], "name-prefix") == 0)
		c->o->verify_x509_type = RV_TLS_X509_NAME_PREFIX;
	else if (n > 1 && strcmp(a[1], "subject") != 0)
		return rv_optarg_bad(c, "type must be subject, name or name-prefix, got `%s'", a[1]);
	return rv_optarg_set_str(c, &c->o->verify_x509_name, a[0]);
}

static int
opt_reneg_sec(struct rv_optctx *c, char **a, int n)
{
	if (rv_optarg_int(c, a[0], 0, 1000000000, &c->o->reneg_sec) != 0)
		return RV_ERR_FORMAT;
	c->o->reneg_sec_min = -1;
	if (n > 1 && rv_optarg_int(c, a[1], 0, c->o->reneg_sec, &c->o->reneg_sec_min) != 0)
		return RV_ERR_FORMAT;
	return 0;
}

static int
opt_reneg_u64(struct rv_optctx *c, char **a, int n)
{
	(void)n;
	return rv_optarg_u64(c, a[0], strcmp(c->l->argv[0], "reneg-bytes") == 0 ?
	    &c->o->reneg_bytes : &c->o->reneg_pkts);
}

static int
opt_key_method(struct rv_optctx *c, char **a, int n)
{
	(void)n;
	if (strcmp(a[0], "2") != 0)
		return rv_optarg_bad(c, "only key method 2 exists in OpenVPN 2.6, got `%s'", a[0]);
	return 0;
}

static int
opt_connect_retry(struct rv_optctx *c, char **a, int n)
{
	if (rv_optarg_int(c, a[0], 0, 1000000, &c->o->connect_retry) != 0)
		return RV_ERR_FORMAT;
	return n > 1 ? rv_optarg_int(c, a[1], 0, 1000000, &c->o->connect_retry_max) : 0;
}

static int
opt_auth_retry(struct rv_optctx *c, char **a, int n)
{
	(void)n;
	if (strcmp(a[0], "none") != 0 && strcmp(a[0], "nointeract") != 0 &&
	    strcmp(a[0], "interact") != 0)
		return rv_optarg_bad(c, "expects none, nointeract or interact, got `%s'", a[0]);
	return rv_optarg_set_str(c, &c->o->auth_retry, a[0]);
}

#define SRC(name, field, help) \
	{ name, "FILE", 1, 1, RV_OPT_INLINE, rv_optarg_src_field, help, RV_OPT_FIELD(field) }

const struct rv_optdef rv_options_tls_table[] = {
	/* roles */
	{ "tls-client", "", 0, 0, 0, rv_optarg_true_field, "TLS mode, as the TLS client.",
	  RV_OPT_FIELD(tls_client) },
	{ "tls-server", "", 0, 0, 0, rv_optarg_true_field, "TLS mode, as the TLS server.",
	  RV_OPT_FIELD(tls_server) },
	{ "client", "", 0, 0, 0, opt_client,
	  "Client of a server: --tls-client --pull." },
	{ "pull", "", 0, 0, 0, rv_optarg_true_field,
	  "Take the configuration the server pushes.", RV_OPT_FIELD(pull) },
	/* certificates and keys */
	SRC("ca", ca, "CA certificates to verify the peer with (or <ca>)."),
	SRC("cert", cert, "Our certificate (or <cert>)."),
	SRC("key", priv_key, "Our private key (or <key>)."),
	SRC("pkcs12", pkcs12, "Certificate, key and CA in a PKCS#12 file (or base64 <pkcs12>)."),
	SRC("extra-certs", extra_certs, "Intermediate certificates sent with ours."),
	SRC("dh", dh, "Diffie-Hellman parameters (server), or none for ECDHE only."),
	{ "crl-verify", "FILE", 1, 2, RV_OPT_INLINE, opt_crl_verify,
	  "Refuse peer certificates revoked by this CRL." },
	{ "askpass", "FILE", 0, 1, 0, opt_askpass, "Password of the private key, from FILE." },
	/* control channel wrapping */
	{ "tls-auth", "FILE [DIR]", 1, 2, RV_OPT_INLINE, opt_tls_auth,
	  "HMAC every control packet with this static key (or <tls-auth>)." },
	SRC("tls-crypt", tls_crypt, "Encrypt and authenticate every control packet (or <tls-crypt>)."),
	/* TLS parameters */
	{ "tls-version-min", "V [or-highest]", 1, 2, 0, opt_tls_version_min,
	  "Lowest TLS version (default 1.2)." },
	{ "tls-version-max", "V", 1, 1, 0, opt_tls_version_max, "Highest TLS version." },
	{ "tls-cipher", "LIST", 1, 1, 0, rv_optarg_str_field, "OpenSSL cipher list for TLS 1.2.",
	  RV_OPT_FIELD(tls_cipher) },
	{ "tls-ciphersuites", "LIST", 1, 1, 0, rv_optarg_str_field,
	  "OpenSSL ciphersuites for TLS 1.3.", RV_OPT_FIELD(tls_ciphersuites) },
	{ "tls-groups", "LIST", 1, 1, 0, rv_optarg_str_field, "Key exchange groups.",
	  RV_OPT_FIELD(tls_groups) },
	{ "remote-cert-tls", "server|client", 1, 1, 0, opt_remote_cert_tls,
	  "Require the peer's certificate to be for a TLS server (or client)." },
	{ "verify-x509-name", "NAME [TYPE]", 1, 2, 0, opt_verify_x509_name,
	  "Require the peer's subject (TYPE subject), CN (name) or CN prefix (name-prefix)." },
	{ "key-method", "2", 1, 1, 0, opt_key_method, "Accepted for compatibility." },
	/* timing */
	{ "tls-timeout", "N", 1, 1, 0, rv_optarg_int_field,
	  "First control-packet retransmission after N s (default 2).",
	  RV_OPT_FIELD(tls_timeout), 1, 3600 },
	{ "hand-window", "N", 1, 1, 0, rv_optarg_int_field,
	  "A key exchange must finish within N s (default 60).",
	  RV_OPT_FIELD(hand_window), 1, 86400 },
	{ "tran-window", "N", 1, 1, 0, rv_optarg_int_field,
	  "Old keys stay valid N s after a renegotiation (default 3600).",
	  RV_OPT_FIELD(tran_window), 1, 1000000 },
	{ "tls-exit", "", 0, 0, 0, rv_optarg_true_field, "Exit on a TLS error.",
	  RV_OPT_FIELD(tls_exit) },
	{ "reneg-sec", "MAX [MIN]", 1, 2, 0, opt_reneg_sec,
	  "Renegotiate keys every N s (default 3600, 0 = never)." },
	{ "reneg-bytes", "N", 1, 1, 0, opt_reneg_u64, "Renegotiate after N bytes." },
	{ "reneg-pkts", "N", 1, 1, 0, opt_reneg_u64, "Renegotiate after N packets." },
	/* data channel negotiation */
	{ "data-ciphers", "LIST", 1, 1, 0, rv_optarg_str_field,
	  "Data ciphers, colon separated (default AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305).",
	  RV_OPT_FIELD(data_ciphers) },
	{ "ncp-ciphers", "LIST", 1, 1, 0, rv_optarg_str_field, "Old name of --data-ciphers.",
	  RV_OPT_FIELD(data_ciphers) },
	{ "data-ciphers-fallback", "NAME", 1, 1, 0, rv_optarg_str_field,
	  "Cipher for a peer that cannot negotiate.", RV_OPT_FIELD(data_ciphers_fallback) },
	{ "push-peer-info", "", 0, 0, 0, rv_optarg_true_field,
	  "Send more details in the peer-info.", RV_OPT_FIELD(push_peer_info) },
	/* client */
	{ "auth-user-pass", "[FILE]", 0, 1, RV_OPT_INLINE, opt_auth_user_pass,
	  "Log in with the username and password in FILE (or <auth-user-pass>)." },
	{ "auth-nocache", "", 0, 0, 0, rv_optarg_true_field, "Accepted for compatibility.",
	  RV_OPT_FIELD(auth_nocache) },
	{ "auth-retry", "TYPE", 1, 1, 0, opt_auth_retry,
	  "After AUTH_FAILED: none (exit, default), nointeract (retry)." },
	{ "connect-retry", "N [MAX]", 1, 2, 0, opt_connect_retry,
	  "Pause N s between attempts, doubling up to MAX (default 1 300)." },
	{ "connect-retry-max", "N", 1, 1, 0, rv_optarg_int_field,
	  "Give up after N attempts on the whole --remote list.",
	  RV_OPT_FIELD(connect_retry_attempts), 0, 1000000 },
	{ "server-poll-timeout", "N", 1, 1, 0, rv_optarg_int_field,
	  "Try the next --remote if a server does not answer within N s (default 120).",
	  RV_OPT_FIELD(server_poll_timeout), 1, 1000000 },
	{ "connect-timeout", "N", 1, 1, 0, rv_optarg_int_field,
	  "Old name of --server-poll-timeout.", RV_OPT_FIELD(server_poll_timeout), 1, 1000000 },
	{ "route-nopull", "", 0, 0, 0, rv_optarg_true_field,
	  "Ignore routes the server pushes.", RV_OPT_FIELD(route_nopull) },
};

const size_t rv_options_tls_table_len =
    sizeof(rv_options_tls_table) / sizeof(rv_options_tls_table[0]);

void
rv_options_tls_defaults(struct rv_options *o)
{
	o->tls_timeout = RV_WIRE_TLS_TIMEOUT;
	o->hand_window = RV_WIRE_HAND_WINDOW;
	o->tran_window = RV_WIRE_TRAN_WINDOW;
	o->reneg_sec = RV_WIRE_RENEG_SEC;
	o->reneg_sec_min = -1;
	o->connect_retry = 1;
	o->connect_retry_max = 300;
	o->server_poll_timeout = 120;
	o->tls_auth.direction = RV_KEYDIR_BIDI;
	o->tls_wrap_dir = RV_KEYDIR_BIDI;
}

static void
free_secret(char *s)
{
	if (s != NULL)
		OPENSSL_clear_free(s, strlen(s));
}

void
rv_options_tls_clear(struct rv_options *o)
{
	struct rv_keysrc *srcs[] = {
		&o->ca, &o->cert, &o->priv_key, &o->pkcs12, &o->dh, &o->crl_verify, &o->extra_certs,
		&o->tls_auth, &o->tls_crypt, &o->askpass, &o->auth_user_pass,
	};

	for (size_t i = 0; i < sizeof(srcs) / sizeof(srcs[0]); i++)
		rv_optarg_src_clear(srcs[i]);
	free(o->tls_version_min);
	free(o->tls_version_max);
	free(o->tls_cipher);
	free(o->tls_ciphersuites);
	free(o->tls_groups);
	free(o->verify_x509_name);
	free(o->data_ciphers);
	free(o->data_ciphers_fallback);
	free(o->auth_retry);
	free_secret(o->auth_user);
	free_secret(o->auth_pass);
	free_secret(o->key_password);
	rv_key2_wipe(&o->tls_wrap_key);
}
