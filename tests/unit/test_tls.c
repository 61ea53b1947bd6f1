/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for tls.c and tlsverify.c: in-process handshakes between two
 * rv_tls sessions, the ciphertext carried between them in control-packet
 * sized pieces (wire facts 2.7), with Debian's openvpn sample keys; the
 * certificates that must be refused are made at test time with the openssl
 * command into a temporary directory. The keying material export is also
 * compared with what `openssl s_server -keymatexport' derives, which calls
 * SSL_export_keying_material() exactly as openvpn does (no context).
 *
 * Without the sample keys every test is skipped; without the openssl
 * command, those that need made certificates are.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "err.h"
#include "log.h"
#include "tls.h"

#define SAMPLE "/usr/share/doc/openvpn/examples/sample-keys/"
#define DATAKEYS "EXPORTER-OpenVPN-datakeys"

enum {
	PATH_LEN = 256,
	CHUNK = 1196,        /* control payload per packet, wire facts 2.7 */
	EKM_LEN = 256,
};

static const char server_subject[] =
    "C=KG, ST=NA, O=OpenVPN-TEST, CN=Test-Server, emailAddress=me@myhost.mydomain";

struct env {
	bool keys;           /* Debian's sample keys are installed */
	bool made;           /* the certificates below were made */
	char dir[PATH_LEN];
	char log[PATH_LEN];
};

/* --- made certificates -------------------------------------------------------------- */

/* Two CAs: the sample one (its key ships with the samples) and a fresh one. */
static const char ca_cnf[] =
    "[ req ]\ndistinguished_name = req_dn\n[ req_dn ]\n"
    "[ ca_sample ]\ndatabase = sample-index.txt\nserial = sample-serial\n"
    "new_certs_dir = .\ncertificate = " SAMPLE "ca.crt\nprivate_key = " SAMPLE "ca.key\n"
    "default_md = sha256\npolicy = policy_any\nunique_subject = no\n"
    "default_crl_days = 30\n"
    "[ ca_fresh ]\ndatabase = fresh-index.txt\nserial = fresh-serial\n"
    "new_certs_dir = .\ncertificate = fresh-ca.crt\nprivate_key = fresh-ca.key\n"
    "default_md = sha256\npolicy = policy_any\nunique_subject = no\n"
    "[ policy_any ]\ncommonName = supplied\n"
    "[ v3_ca ]\nbasicConstraints = critical, CA:TRUE\nkeyUsage = keyCertSign, cRLSign\n"
    "subjectKeyIdentifier = hash\n"
    "[ client_ext ]\nbasicConstraints = CA:FALSE\n"
    "[ tls_client_ext ]\nbasicConstraints = CA:FALSE\nkeyUsage = digitalSignature\n"
    "extendedKeyUsage = clientAuth\n"
    "[ server_ext ]\nbasicConstraints = CA:FALSE\nkeyUsage = digitalSignature\n"
    "extendedKeyUsage = serverAuth\n"
    "[ noeku_ext ]\nbasicConstraints = CA:FALSE\nkeyUsage = digitalSignature, keyEncipherment\n"
    "[ noku_ext ]\nbasicConstraints = CA:FALSE\nextendedKeyUsage = serverAuth\n"
    "[ badku_ext ]\nbasicConstraints = CA:FALSE\nkeyUsage = cRLSign\n"
    "extendedKeyUsage = serverAuth\n";

static const struct made {
	const char *name, *cn, *ca, *ext, *validity;
} made[] = {
	{ "expired", "Expired-Client", "ca_fresh", "client_ext",
	  "-startdate 20200101000000Z -enddate 20210101000000Z" },
	{ "other", "Other-Client", "ca_fresh", "client_ext", "-days 30" },
	{ "noeku", "Server-NoEKU", "ca_sample", "noeku_ext", "-days 30" },
	{ "noku", "Server-NoKU", "ca_sample", "noku_ext", "-days 30" },
	{ "badku", "Server-BadKU", "ca_sample", "badku_ext", "-days 30" },
	{ "revoked", "Revoked-Client", "ca_sample", "client_ext", "-days 30" },
	{ "ecserver", "EC-Server", "ca_sample", "server_ext", "-days 30" },
	{ "ecclient", "EC-Client", "ca_sample", "tls_client_ext", "-days 30" },
};

static int run(const struct env *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Runs a shell command in the test directory; its output goes to gen.log. */
static int
run(const struct env *e, const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	int n;

	n = snprintf(cmd, sizeof(cmd), "cd '%s' && { ", e->dir);
	va_start(ap, fmt);
	n += vsnprintf(cmd + n, sizeof(cmd) - (size_t)n, fmt, ap);
	va_end(ap);
	snprintf(cmd + n, sizeof(cmd) - (size_t)n, "; } >>gen.log 2>&1");
	return system(cmd) == 0 ? 0 : -1;
}

static int
make_certs(const struct env *e)
{
	const char *ec = "-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes";
	char cnf[PATH_LEN + 16];
	FILE *f;
	size_t i;

	snprintf(cnf, sizeof(cnf), "%s/ca.cnf", e->dir);
	f = fopen(cnf, "w");
	if (f == NULL || fputs(ca_cnf, f) < 0 || fclose(f) != 0)
		return -1;
	if (run(e, "touch sample-index.txt fresh-index.txt && echo 1000 >sample-serial && "
	    "echo 2000 >fresh-serial") != 0 ||
	    run(e, "openssl req -x509 -config ca.cnf -extensions v3_ca %s -keyout fresh-ca.key "
	    "-out fresh-ca.crt -subj /CN=Fresh-CA -days 30", ec) != 0)
		return -1;
	for (i = 0; i < sizeof(made) / sizeof(made[0]); i++) {
		if (run(e, "openssl req -new -config ca.cnf %s -keyout %s.key -out %s.csr "
		    "-subj /CN=%s", ec, made[i].name, made[i].name, made[i].cn) != 0 ||
		    run(e, "openssl ca -batch -config ca.cnf -name %s -extensions %s %s -in %s.csr "
		    "-out %s.crt", made[i].ca, made[i].ext, made[i].validity, made[i].name,
		    made[i].name) != 0)
			return -1;
	}
	return run(e, "openssl ca -config ca.cnf -name ca_sample -revoke revoked.crt && "
	    "openssl ca -config ca.cnf -name ca_sample -gencrl -out crl.pem && "
	    "cat " SAMPLE "ca.crt fresh-ca.crt >bundle.crt");
}

/* A file in the test directory; the name lives as long as the test. */
static const char *
in_dir(const struct env *e, char out[PATH_LEN], const char *name)
{
	snprintf(out, PATH_LEN, "%s/%s", e->dir, name);
	return out;
}

static int
setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));
	struct rv_log_config lc = { .verb = 4 };

	if (e == NULL)
		return -1;
	snprintf(e->dir, sizeof(e->dir), "/tmp/rvtls-XXXXXX");
	if (mkdtemp(e->dir) == NULL)
		return -1;
	lc.file = in_dir(e, e->log, "log");
	if (rv_log_open(&lc) != 0)
		return -1;
	e->keys = access(SAMPLE "ca.key", R_OK) == 0;
	if (e->keys && run(e, "openssl version") == 0) {
		/* with the tools there, failing to make them is a test failure */
		if (make_certs(e) != 0) {
			fprintf(stderr, "making certificates failed, see %s/gen.log\n", e->dir);
			return -1;
		}
		e->made = true;
	}
	*state = e;
	return 0;
}

static int
teardown(void **state)
{
	struct env *e = *state;
	char cmd[PATH_LEN + 16];

	rv_log_close();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", e->dir);
	if (system(cmd) != 0)
		return -1;
	free(e);
	return 0;
}

static struct env *
need_keys(void **state)
{
	struct env *e = *state;

	if (!e->keys)
		skip();
	return e;
}

static struct env *
need_made(void **state)
{
	struct env *e = need_keys(state);

	if (!e->made)
		skip();
	return e;
}

/* --- the log ----------------------------------------------------------------------- */

static long
log_mark(const struct env *e)
{
	struct stat st;

	assert_int_equal(stat(e->log, &st), 0);
	return (long)st.st_size;
}

/* Lines logged since mark that contain needle; the first goes to line. */
static int
log_count(const struct env *e, long mark, const char *needle, char *line, size_t len)
{
	char buf[4096];
	FILE *f = fopen(e->log, "r");
	int n = 0;

	assert_non_null(f);
	assert_int_equal(fseek(f, mark, SEEK_SET), 0);
	while (fgets(buf, sizeof(buf), f) != NULL) {
		if (strstr(buf, needle) == NULL)
			continue;
		if (n++ == 0 && line != NULL)
			snprintf(line, len, "%s", buf);
	}
	fclose(f);
	return n;
}

/* --- configurations and pairs -------------------------------------------------------- */

static struct rv_tls_config
client_cfg(void)
{
	struct rv_tls_config c = {
		.ca = { .path = SAMPLE "ca.crt" },
		.cert = { .path = SAMPLE "client.crt" },
		.key = { .path = SAMPLE "client.key" },
		.remote_cert_tls = RV_TLS_RCT_SERVER,
	};

	return c;
}

static struct rv_tls_config
server_cfg(void)
{
	struct rv_tls_config c = {
		.server = true,
		.ca = { .path = SAMPLE "ca.crt" },
		.cert = { .path = SAMPLE "server.crt" },
		.key = { .path = SAMPLE "server.key" },
		.dh = { .path = SAMPLE "dh2048.pem" },
	};

	return c;
}

struct pair {
	struct rv_tls_ctx *cctx, *sctx;
	struct rv_tls *c, *s;
	int rc, rs;          /* the last rv_tls_handshake() results */
};

static struct rv_tls_ctx *
ctx_new(const struct rv_tls_config *cfg)
{
	char err[RV_TLS_ERRLEN];
	struct rv_tls_ctx *ctx;
	int r = rv_tls_ctx_new(&ctx, cfg, err);

	if (r != 0)
		print_error("rv_tls_ctx_new: %s\n", err);
	assert_int_equal(r, 0);
	assert_string_equal(err, "");
	return ctx;
}

/* Carries all pending ciphertext from one side to the other in control
 * packet sized pieces; returns how much. */
static size_t
carry(struct rv_tls *from, struct rv_tls *to)
{
	uint8_t chunk[CHUNK];
	size_t n, total = 0;

	while (rv_tls_pending(from) > 0) {
		assert_int_equal(rv_tls_take(from, chunk, sizeof(chunk), &n), 0);
		assert_true(n > 0 && n <= sizeof(chunk));
		assert_int_equal(rv_tls_feed(to, chunk, n), 0);
		total += n;
	}
	return total;
}

static void
pump(struct pair *p)
{
	size_t moved;
	int i;

	p->rc = p->rs = RV_ERR_AGAIN;
	for (i = 0; i < 30; i++) {
		if (p->rc == RV_ERR_AGAIN)
			p->rc = rv_tls_handshake(p->c);
		moved = carry(p->c, p->s);
		if (p->rs == RV_ERR_AGAIN)
			p->rs = rv_tls_handshake(p->s);
		moved += carry(p->s, p->c);
		if (moved == 0)
			break;
	}
}

static void
pair_open(struct pair *p, const struct rv_tls_config *cc, const struct rv_tls_config *sc)
{
	memset(p, 0, sizeof(*p));
	p->cctx = ctx_new(cc);
	p->sctx = ctx_new(sc);
	assert_int_equal(rv_tls_new(&p->c, p->cctx), 0);
	assert_int_equal(rv_tls_new(&p->s, p->sctx), 0);
	pump(p);
}

static void
pair_close(struct pair *p)
{
	rv_tls_free(p->c);
	rv_tls_free(p->s);
	rv_tls_ctx_free(p->cctx);
	rv_tls_ctx_free(p->sctx);
}

static void
connect_ok(struct pair *p, const struct rv_tls_config *cc, const struct rv_tls_config *sc)
{
	pair_open(p, cc, sc);
	assert_int_equal(p->rc, 0);
	assert_int_equal(p->rs, 0);
}

static void
send_msg(struct rv_tls *from, struct rv_tls *to, const void *msg, size_t len)
{
	uint8_t buf[4096];
	size_t n;

	assert_int_equal(rv_tls_write(from, msg, len), 0);
	carry(from, to);
	assert_int_equal(rv_tls_read(to, buf, sizeof(buf), &n), 0);
	assert_int_equal(n, len);
	assert_memory_equal(buf, msg, len);
	assert_int_equal(rv_tls_read(to, buf, sizeof(buf), &n), RV_ERR_AGAIN);
	assert_int_equal(n, 0);
}

/* Messages both ways, as key method 2 and PUSH_REQUEST would go. */
static void
exchange(struct pair *p)
{
	static const char req[] = "PUSH_REQUEST";
	static const char reply[] = "PUSH_REPLY,ping 10,ping-restart 60";

	send_msg(p->c, p->s, req, sizeof(req));
	send_msg(p->s, p->c, reply, sizeof(reply));
}

/* Both ends derive the same data keys (wire facts 5.2), and another label
 * gives other bytes. */
static void
check_export(struct pair *p)
{
	uint8_t a[EKM_LEN], b[EKM_LEN], other[EKM_LEN], zero[EKM_LEN] = { 0 };

	assert_int_equal(rv_tls_export(p->c, DATAKEYS, a, sizeof(a)), 0);
	assert_int_equal(rv_tls_export(p->s, DATAKEYS, b, sizeof(b)), 0);
	assert_memory_equal(a, b, sizeof(a));
	assert_memory_not_equal(a, zero, sizeof(a));
	assert_int_equal(rv_tls_export(p->s, "EXPORTER-OpenVPN-dynamic-tls-crypt", other,
	    sizeof(other)), 0);
	assert_memory_not_equal(a, other, sizeof(a));
}

static void
assert_contains(const char *s, const char *part)
{
	if (strstr(s, part) == NULL)
		fail_msg("`%s' does not contain `%s'", s, part);
}

/* --- handshakes -------------------------------------------------------------------- */

/* SHA-256(SHA-256(cert) || SHA-256(ca)), computed here from the files. */
static void
expected_chain_hash(const char *cert, const char *ca, uint8_t out[32])
{
	const char *files[] = { cert, ca };
	uint8_t fps[64];
	unsigned int len;
	size_t i;
	FILE *f;
	X509 *x;

	for (i = 0; i < 2; i++) {
		f = fopen(files[i], "r");
		assert_non_null(f);
		x = PEM_read_X509(f, NULL, NULL, NULL);
		fclose(f);
		assert_non_null(x);
		assert_int_equal(X509_digest(x, EVP_sha256(), fps + 32 * i, &len), 1);
		X509_free(x);
	}
	assert_int_equal(EVP_Digest(fps, sizeof(fps), out, NULL, EVP_sha256(), NULL), 1);
}

static void
test_tls13_rsa(void **state)
{
	struct rv_tls_config cc = client_cfg(), sc = server_cfg();
	uint8_t hc[32], hs[32], want[32];
	char text[512];
	struct pair p;

	need_keys(state);
	connect_ok(&p, &cc, &sc);
	rv_tls_describe(p.c, text, sizeof(text));
	assert_string_equal(text, "TLSv1.3, cipher TLS_AES_256_GCM_SHA384, peer certificate: "
	    "2048 bit RSA, signature: RSA-SHA256");
	rv_tls_peer_subject(p.c, text, sizeof(text));
	assert_string_equal(text, server_subject);
	rv_tls_peer_common_name(p.c, text, sizeof(text));
	assert_string_equal(text, "Test-Server");
	rv_tls_peer_common_name(p.s, text, sizeof(text));
	assert_string_equal(text, "Test-Client");
	exchange(&p);
	check_export(&p);
	assert_int_equal(rv_tls_peer_chain_hash(p.c, hc), 0);
	assert_int_equal(rv_tls_peer_chain_hash(p.s, hs), 0);
	expected_chain_hash(SAMPLE "server.crt", SAMPLE "ca.crt", want);
	assert_memory_equal(hc, want, 32);
	expected_chain_hash(SAMPLE "client.crt", SAMPLE "ca.crt", want);
	assert_memory_equal(hs, want, 32);
	pair_close(&p);
}

static void
test_tls12_rsa(void **state)
{
	struct rv_tls_config cc = client_cfg(), sc = server_cfg();
	char text[512];
	struct pair p;

	need_keys(state);
	cc.version_max = "1.2";
	connect_ok(&p, &cc, &sc);
	rv_tls_describe(p.s, text, sizeof(text));
	assert_contains(text, "TLSv1.2, cipher ECDHE-RSA-");
	exchange(&p);
	check_export(&p);
	pair_close(&p);
}

/* A --tls-cipher in openvpn's IANA spelling, and DH parameters from --dh. */
static void
test_tls12_dhe(void **state)
{
	struct rv_tls_config cc = client_cfg(), sc = server_cfg();
	char text[512];
	struct pair p;

	need_keys(state);
	cc.version_max = "1.2";
	sc.cipher_list = "TLS-DHE-RSA-WITH-AES-256-GCM-SHA384";
	connect_ok(&p, &cc, &sc);
	rv_tls_describe(p.c, text, sizeof(text));
	assert_contains(text, "TLSv1.2, cipher DHE-RSA-AES256-GCM-SHA384,");
	check_export(&p);
	pair_close(&p);
}

/* openvpn 2.6 loads no DH parameters for --dh none (or no --dh) and leaves
 * OpenSSL's automatic ones off, so a DHE-only server has no cipher left. */
static void
test_dh_none(void **state)
{
	struct rv_tls_config cc = client_cfg(), sc = server_cfg();
	struct env *e = need_keys(state);
	struct pair p;
	long mark;
	int i;

	cc.version_max = "1.2";
	sc.cipher_list = "DHE-RSA-AES256-GCM-SHA384";
	for (i = 0; i < 2; i++) {
		sc.dh_none = i == 0;                 /* --dh none, then no --dh */
		sc.dh.path = i == 0 ? SAMPLE "dh2048.pem" : NULL;
		mark = log_mark(e);
		pair_open(&p, &cc, &sc);
		assert_int_equal(p.rs, RV_ERR_CRYPTO);
		assert_int_equal(p.rc, RV_ERR_CRYPTO);
		assert_int_equal(log_count(e, mark, "TLS error: no shared cipher", NULL, 0), 1);
		pair_close(&p);
	}
}

/* The sample EC keys are on secp256k1, which TLS 1.3 cannot sign with and
 * TLS 1.2 offers only when --tls-groups names it. */
static void
test_ec_sample_keys(void **state)
{
	struct rv_tls_config cc = client_cfg(), sc = server_cfg();
	char text[512];
	struct pair p;

	need_keys(state);
	cc.cert.path = SAMPLE "client-ec.crt";
	cc.key.path = SAMPLE "client-ec.key";
	sc.cert.path = SAMPLE "server-ec.crt";
	sc.key.path = SAMPLE "server-ec.key";
	cc.version_max = "1.2";
	cc.groups = sc.groups = "secp256k1:X25519";
	connect_ok(&p, &cc, &sc);
	rv_tls_describe(p.c, text, sizeof(text));
	assert_contains(text, "TLSv1.2, cipher ECDHE-ECDSA-");
	assert_contains(text, "peer certificate: 256 bit EC (secp256k1), signature: RSA-SHA256");
	rv_tls_peer_common_name(p.s, text, sizeof(text));
	assert_string_equal(text, "Test-Client-EC");
	exchange(&p);
	check_export(&p);
	pair_close(&p);
}

static void
test_tls13_ec(void **state)
{
	struct env *e = need_made(state);
	struct rv_tls_config cc = client_cfg(), sc = server_cfg();
	char p1[PATH_LEN], p2[PATH_LEN], p3[PATH_LEN], p4[PATH_LEN], text[512];
	struct pair p;

	cc.cert.path = in_dir(e, p1, "ecclient.crt");
	cc.key.path = in_dir(e, p2, "ecclient.key");
	sc.cert.path = in_dir(e, p3, "ecserver.crt");
	sc.key.path = in_dir(e, p4, "ecserver.key");
	/* both sides check the other's extended key usage */
	sc.remote_cert_tls = RV_TLS_RCT_CLIENT;
	cc.ciphersuites = "TLS-CHACHA20-POLY1305-SHA256";   /* openvpn's dashes */
	connect_ok(&p, &cc, &sc);
	rv_tls_describe(p.c, text, sizeof(text));
	assert_string_equal(text, "TLSv1.3, cipher TLS_CHACHA20_POLY1305_SHA256, peer "
	    "certificate: 256 bit EC (prime256v1), signature: RSA-SHA256");
	exchange(&p);
	check_export(&p);
	pair_close(&p);
}

static void
test_pkcs12_file(void **state)
{
	struct rv_tls_config cc = client_cfg(), sc = server_cfg();
	char text[128];
	struct pair p;

	need_keys(state);
	cc.cert.path = cc.key.path = NULL;
	cc.ca.path = NULL;              /* the CA in the file becomes trusted */
	cc.pkcs12.path = SAMPLE "client.p12";
	cc.pkcs12_password = "password";
	connect_ok(&p, &cc, &sc);
	rv_tls_peer_common_name(p.s, text, sizeof(text));
	assert_string_equal(text, "Test-Client");
	rv_tls_peer_common_name(p.c, text, sizeof(text));
	assert_string_equal(text, "Test-Server");
	exchange(&p);
	pair_close(&p);
}

/* <pkcs12> holds the file in base64, in lines of 64. */
static char *
pkcs12_base64(void)
{
	unsigned char der[16384];
	char *b64, *out, *o;
	size_t len, i;
	int n;
	FILE *f = fopen(SAMPLE "client.p12", "rb");

	assert_non_null(f);
	len = fread(der, 1, sizeof(der), f);
	fclose(f);
	assert_true(len > 0 && len < sizeof(der));
	b64 = malloc(len * 2 + 4);
	out = malloc(len * 3 + 4);
	assert_non_null(b64);
	assert_non_null(out);
	n = EVP_EncodeBlock((unsigned char *)b64, der, (int)len);
	for (i = 0, o = out; i < (size_t)n; i++) {
		*o++ = b64[i];
		if (i % 64 == 63)
			*o++ = '\n';
	}
	*o++ = '\n';
	*o = '\0';
	free(b64);
	return out;
}

static void
test_pkcs12_inline(void **state)
{
	struct rv_tls_config cc = client_cfg(), sc = server_cfg();
	char *text;
	struct pair p;

	need_keys(state);
	text = pkcs12_base64();
	cc.cert.path = cc.key.path = NULL;
	cc.pkcs12.text = text;
	cc.pkcs12_password = "password";
	connect_ok(&p, &cc, &sc);
	exchange(&p);
	check_export(&p);
	pair_close(&p);
	free(text);
}

static void
test_encrypted_key(void **state)
{
	struct rv_tls_config cc = client_cfg(), sc = server_cfg();
	char err[RV_TLS_ERRLEN];
	struct rv_tls_ctx *ctx;
	struct pair p;

	need_keys(state);
	cc.key.path = SAMPLE "client-pass.key";
	assert_int_equal(rv_tls_ctx_new(&ctx, &cc, err), RV_ERR_FORMAT);
	assert_null(ctx);
	assert_string_equal(err, "cannot load --key " SAMPLE "client-pass.key: the key is "
	    "encrypted and no password was given (--askpass)");
	cc.key_password = "not the password";
	assert_int_equal(rv_tls_ctx_new(&ctx, &cc, err), RV_ERR_FORMAT);
	assert_contains(err, "cannot load --key " SAMPLE "client-pass.key: wrong password");
	cc.key_password = "password";
	connect_ok(&p, &cc, &sc);
	pair_close(&p);
}

/* --verify-client-cert optional: a client without a certificate gets in. */
static void
test_client_cert_optional(void **state)
{
	struct rv_tls_config cc = client_cfg(), sc = server_cfg();
	uint8_t hash[32];
	char text[64];
	struct pair p;

	need_keys(state);
	cc.cert.path = cc.key.path = NULL;
	sc.verify_client_cert_optional = true;
	connect_ok(&p, &cc, &sc);
	assert_int_equal(rv_tls_peer_chain_hash(p.s, hash), RV_ERR_NOTFOUND);
	assert_int_equal(rv_tls_peer_chain_hash(p.c, hash), 0);
	rv_tls_peer_common_name(p.s, text, sizeof(text));
	assert_string_equal(text, "");
	rv_tls_peer_subject(p.s, text, sizeof(text));
	assert_string_equal(text, "");
	exchange(&p);
	pair_close(&p);
}

/* Sessions keep their context: freeing it first must be safe. */
static void
test_ctx_freed_first(void **state)
{
	struct rv_tls_config cc = client_cfg(), sc = server_cfg();
	struct pair p;

	need_keys(state);
	connect_ok(&p, &cc, &sc);
	rv_tls_ctx_free(p.cctx);
	rv_tls_ctx_free(p.sctx);
	p.cctx = p.sctx = NULL;
	exchange(&p);
	check_export(&p);
	pair_close(&p);
}

static void
test_versions(void **state)
{
	struct rv_tls_config cc = client_cfg(), sc = server_cfg();
	char text[512];
	struct pair p;

	need_keys(state);
	/* a version this library lacks, with or-highest: the highest */
	cc.version_min = "1.4";
	cc.version_min_or_highest = true;
	connect_ok(&p, &cc, &sc);
	rv_tls_describe(p.c, text, sizeof(text));
	assert_contains(text, "TLSv1.3,");
	pair_close(&p);
	/* ... which a server limited to 1.2 cannot speak */
	sc.version_max = "1.2";
	pair_open(&p, &cc, &sc);
	assert_int_equal(p.rc, RV_ERR_CRYPTO);
	assert_int_equal(p.rs, RV_ERR_CRYPTO);
	pair_close(&p);
	/* the 1.2 default minimum lets it down to 1.2 */
	cc.version_min = NULL;
	connect_ok(&p, &cc, &sc);
	rv_tls_describe(p.c, text, sizeof(text));
	assert_contains(text, "TLSv1.2,");
	pair_close(&p);
}

/* --- application data and export ----------------------------------------------------- */

static void
test_records(void **state)
{
	struct rv_tls_config cc = client_cfg(), sc = server_cfg();
	uint8_t big[3000], buf[4096];
	struct pair p;
	size_t n, i;

	need_keys(state);
	for (i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 7);
	connect_ok(&p, &cc, &sc);
	/* nothing sent yet */
	assert_int_equal(rv_tls_read(p.s, buf, sizeof(buf), &n), RV_ERR_AGAIN);
	/* a record larger than the buffer stays for a larger one; two records
	 * come out one at a time */
	assert_int_equal(rv_tls_write(p.c, big, sizeof(big)), 0);
	assert_int_equal(rv_tls_write(p.c, "x", 2), 0);
	carry(p.c, p.s);
	assert_int_equal(rv_tls_read(p.s, buf, 100, &n), RV_ERR_NOSPACE);
	assert_int_equal(n, 0);
	assert_int_equal(rv_tls_read(p.s, buf, sizeof(buf), &n), 0);
	assert_int_equal(n, sizeof(big));
	assert_memory_equal(buf, big, sizeof(big));
	assert_int_equal(rv_tls_read(p.s, buf, 2, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal((char *)buf, "x");
	assert_int_equal(rv_tls_read(p.s, buf, sizeof(buf), &n), RV_ERR_AGAIN);
	/* ciphertext arriving a byte at a time */
	assert_int_equal(rv_tls_write(p.s, "PUSH_REPLY", 11), 0);
	while (rv_tls_pending(p.s) > 0) {
		assert_int_equal(rv_tls_take(p.s, buf, 1, &n), 0);
		assert_int_equal(n, 1);
		if (rv_tls_pending(p.s) > 0)
			assert_int_equal(rv_tls_read(p.c, buf + 1, sizeof(buf) - 1, &n), RV_ERR_AGAIN);
		assert_int_equal(rv_tls_feed(p.c, buf, 1), 0);
	}
	assert_int_equal(rv_tls_read(p.c, buf, sizeof(buf), &n), 0);
	assert_string_equal((char *)buf, "PUSH_REPLY");
	pair_close(&p);
}

/* Before the handshake there is nothing to write, read or export. */
static void
test_before_handshake(void **state)
{
	struct rv_tls_config cc = client_cfg();
	uint8_t buf[EKM_LEN], zero[EKM_LEN] = { 0 };
	struct rv_tls_ctx *ctx;
	struct rv_tls *t;
	size_t n = 1;

	need_keys(state);
	ctx = ctx_new(&cc);
	assert_int_equal(rv_tls_new(&t, ctx), 0);
	assert_int_equal(rv_tls_pending(t), 0);
	assert_int_equal(rv_tls_take(t, buf, sizeof(buf), &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(rv_tls_write(t, "x", 1), RV_ERR_CRYPTO);
	assert_int_equal(rv_tls_read(t, buf, sizeof(buf), &n), RV_ERR_AGAIN);
	memset(buf, 0xaa, sizeof(buf));
	assert_int_equal(rv_tls_export(t, DATAKEYS, buf, sizeof(buf)), RV_ERR_CRYPTO);
	assert_memory_equal(buf, zero, sizeof(buf));
	assert_int_equal(rv_tls_peer_chain_hash(t, buf), RV_ERR_NOTFOUND);
	/* the client speaks first: its ClientHello */
	assert_int_equal(rv_tls_handshake(t), RV_ERR_AGAIN);
	assert_true(rv_tls_pending(t) > 0);
	rv_tls_free(t);
	rv_tls_ctx_free(ctx);
}

/* Connects to a Unix socket, retrying while the server starts. */
static int
connect_unix(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, i;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	for (i = 0; i < 500; i++) {
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		assert_true(fd >= 0);
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			return fd;
		close(fd);
		usleep(10000);
	}
	fail_msg("cannot connect to %s", path);
	return -1;
}

/* Drives a handshake between t and a socket; returns its result. */
static int
handshake_over(struct rv_tls *t, int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	uint8_t buf[CHUNK];
	ssize_t got;
	size_t n;
	int r, i;

	for (i = 0; i < 100; i++) {
		r = rv_tls_handshake(t);
		while (rv_tls_pending(t) > 0) {
			assert_int_equal(rv_tls_take(t, buf, sizeof(buf), &n), 0);
			assert_int_equal(write(fd, buf, n), (ssize_t)n);
		}
		if (r != RV_ERR_AGAIN)
			return r;
		if (poll(&pfd, 1, 100) == 1) {
			got = read(fd, buf, sizeof(buf));
			assert_true(got > 0);
			assert_int_equal(rv_tls_feed(t, buf, (size_t)got), 0);
		}
	}
	return RV_ERR_AGAIN;
}

/* The keying material `openssl s_server -keymatexport' printed, in hex. */
static bool
server_keymat(const char *file, char *hex, size_t len)
{
	char line[1024], *p;
	bool found = false;
	FILE *f = fopen(file, "r");

	if (f == NULL)
		return false;
	while (!found && fgets(line, sizeof(line), f) != NULL) {
		p = strstr(line, "Keying material: ");
		if (p != NULL) {
			snprintf(hex, len, "%.*s", (int)strcspn(p + 17, "\r\n"), p + 17);
			found = true;
		}
	}
	fclose(f);
	return found;
}

static void
export_against_s_server(const struct env *e, const char *version_max, const char *tag)
{
	struct rv_tls_config cc = client_cfg();
	char sock[PATH_LEN], out[PATH_LEN], cmd[2048], hex[1024], mine[EKM_LEN * 2 + 1];
	uint8_t ekm[EKM_LEN];
	struct rv_tls_ctx *ctx;
	struct rv_tls *t;
	FILE *server;
	int fd, i;

	snprintf(sock, sizeof(sock), "%s/%s.sock", e->dir, tag);
	snprintf(out, sizeof(out), "%s/%s.out", e->dir, tag);
	/* stdin stays open (a pipe) until pclose(): at its end s_server quits */
	snprintf(cmd, sizeof(cmd), "exec openssl s_server -unix '%s' -naccept 1 -cert "
	    SAMPLE "server.crt -key " SAMPLE "server.key -CAfile " SAMPLE "ca.crt -verify 1 "
	    "-keymatexport " DATAKEYS " -keymatexportlen %d >'%s' 2>&1", sock, EKM_LEN, out);
	server = popen(cmd, "w");
	assert_non_null(server);
	fd = connect_unix(sock);
	cc.version_max = version_max;
	ctx = ctx_new(&cc);
	assert_int_equal(rv_tls_new(&t, ctx), 0);
	assert_int_equal(handshake_over(t, fd), 0);
	for (i = 0; i < 500 && !server_keymat(out, hex, sizeof(hex)); i++)
		usleep(10000);
	assert_true(i < 500);
	assert_int_equal(rv_tls_export(t, DATAKEYS, ekm, sizeof(ekm)), 0);
	for (i = 0; i < EKM_LEN; i++)
		snprintf(mine + 2 * i, 3, "%02X", ekm[i]);
	assert_string_equal(mine, hex);
	close(fd);
	pclose(server);
	rv_tls_free(t);
	rv_tls_ctx_free(ctx);
}

static void
test_export_vs_s_server(void **state)
{
	struct env *e = need_made(state);

	export_against_s_server(e, "1.2", "tls12");
	export_against_s_server(e, NULL, "tls13");
}

/* --- refusals -------------------------------------------------------------------------- */

/* The refusing side returns RV_ERR_AUTH and logs one line naming the reason;
 * the other learns of it by alert. */
static void
refused(const struct env *e, const struct rv_tls_config *cc, const struct rv_tls_config *sc,
    bool by_server, const char *reason)
{
	struct pair p;
	char line[4096];
	uint8_t buf[64];
	size_t n;
	long mark = log_mark(e);
	int other;

	pair_open(&p, cc, sc);
	assert_int_equal(by_server ? p.rs : p.rc, RV_ERR_AUTH);
	other = by_server ? p.rc : p.rs;
	/* a TLS 1.3 client finishes before the server has looked at its
	 * certificate; it reads the alert next */
	if (by_server && other == 0)
		other = rv_tls_read(p.c, buf, sizeof(buf), &n);
	assert_int_equal(other, RV_ERR_CRYPTO);
	assert_int_equal(log_count(e, mark, "VERIFY ERROR", line, sizeof(line)), 1);
	assert_contains(line, reason);
	pair_close(&p);
}

static void
test_refuse_wrong_ca(void **state)
{
	struct env *e = need_made(state);
	struct rv_tls_config cc = client_cfg(), sc = server_cfg();
	char p1[PATH_LEN], p2[PATH_LEN];

	cc.cert.path = in_dir(e, p1, "other.crt");
	cc.key.path = in_dir(e, p2, "other.key");
	refused(e, &cc, &sc, true, "VERIFY ERROR: depth=0, subject=CN=Other-Client: "
	    "unable to get local issuer certificate");
	/* and the client refuses a server its --ca does not know (the server
	 * sends its CA along, which the client does not trust) */
	cc = client_cfg();
	cc.ca.path = in_dir(e, p1, "fresh-ca.crt");
	refused(e, &cc, &sc, false, "VERIFY ERROR: depth=1, subject=C=KG, ST=NA, L=BISHKEK, "
	    "O=OpenVPN-TEST, emailAddress=me@myhost.mydomain: self-signed certificate in "
	    "certificate chain");
}

static void
test_refuse_expired(void **state)
{
	struct env *e = need_made(state);
	struct rv_tls_config cc = client_cfg(), sc = server_cfg();
	char p1[PATH_LEN], p2[PATH_LEN], p3[PATH_LEN];

	cc.cert.path = in_dir(e, p1, "expired.crt");
	cc.key.path = in_dir(e, p2, "expired.key");
	sc.ca.path = in_dir(e, p3, "bundle.crt");    /* it knows the fresh CA */
	refused(e, &cc, &sc, true, "VERIFY ERROR: depth=0, subject=CN=Expired-Client: "
	    "certificate has expired");
}

static void
test_refuse_no_server_eku(void **state)
{
	struct env *e = need_made(state);
	struct rv_tls_config cc = client_cfg(), sc = server_cfg();
	char p1[PATH_LEN], p2[PATH_LEN];
	struct pair p;

	sc.cert.path = in_dir(e, p1, "noeku.crt");
	sc.key.path = in_dir(e, p2, "noeku.key");
	refused(e, &cc, &sc, false, "VERIFY ERROR: subject=CN=Server-NoEKU: "
	    "--remote-cert-tls server: no serverAuth extended key usage");
	/* it is our check, not OpenSSL's: without --remote-cert-tls it passes */
	cc.remote_cert_tls = RV_TLS_RCT_NONE;
	connect_ok(&p, &cc, &sc);
	pair_close(&p);
}

/* openvpn 2.6's --remote-cert-tls requires the key usage extension... */
static void
test_refuse_no_key_usage(void **state)
{
	struct env *e = need_made(state);
	struct rv_tls_config cc = client_cfg(), sc = server_cfg();
	char p1[PATH_LEN], p2[PATH_LEN];

	sc.cert.path = in_dir(e, p1, "noku.crt");
	sc.key.path = in_dir(e, p2, "noku.key");
	refused(e, &cc, &sc, false, "VERIFY ERROR: subject=CN=Server-NoKU: "
	    "--remote-cert-tls server: no key usage extension");
	/* and the sample client certificate has no extensions at all */
	cc = client_cfg();
	sc = server_cfg();
	sc.remote_cert_tls = RV_TLS_RCT_CLIENT;
	refused(e, &cc, &sc, true, "--remote-cert-tls client: no key usage extension");
}

/* ...and leaves its bits to OpenSSL's purpose check, which applies even
 * without --remote-cert-tls. */
static void
test_refuse_bad_key_usage(void **state)
{
	struct env *e = need_made(state);
	struct rv_tls_config cc = client_cfg(), sc = server_cfg();
	char p1[PATH_LEN], p2[PATH_LEN];

	sc.cert.path = in_dir(e, p1, "badku.crt");
	sc.key.path = in_dir(e, p2, "badku.key");
	cc.remote_cert_tls = RV_TLS_RCT_NONE;
	refused(e, &cc, &sc, false, "VERIFY ERROR: depth=0, subject=CN=Server-BadKU: "
	    "unsuitable certificate purpose");
}

static void
test_verify_x509_name(void **state)
{
	struct env *e = need_keys(state);
	struct rv_tls_config cc = client_cfg(), sc = server_cfg();
	struct pair p;

	cc.verify_x509_type = RV_TLS_X509_NAME;
	cc.verify_x509_name = "Other-Server";
	refused(e, &cc, &sc, false, "VERIFY ERROR: subject=" "C=KG, ST=NA, O=OpenVPN-TEST, "
	    "CN=Test-Server, emailAddress=me@myhost.mydomain: --verify-x509-name: common name "
	    "`Test-Server' is not `Other-Server'");
	cc.verify_x509_name = "Test-Server";
	connect_ok(&p, &cc, &sc);
	pair_close(&p);
	/* the subject as openvpn prints it */
	cc.verify_x509_type = RV_TLS_X509_SUBJECT;
	cc.verify_x509_name = server_subject;
	connect_ok(&p, &cc, &sc);
	pair_close(&p);
	cc.verify_x509_name = "C=KG, ST=NA, O=OpenVPN-TEST, CN=Test-Server";
	refused(e, &cc, &sc, false, "--verify-x509-name: the subject is not `C=KG, ST=NA, "
	    "O=OpenVPN-TEST, CN=Test-Server'");
	cc.verify_x509_type = RV_TLS_X509_NAME_PREFIX;
	cc.verify_x509_name = "Test-";
	connect_ok(&p, &cc, &sc);
	pair_close(&p);
	cc.verify_x509_name = "Test-Client";
	refused(e, &cc, &sc, false, "--verify-x509-name: common name `Test-Server' does not "
	    "start with `Test-Client'");
}

static void
test_refuse_revoked(void **state)
{
	struct env *e = need_made(state);
	struct rv_tls_config cc = client_cfg(), sc = server_cfg();
	char p1[PATH_LEN], p2[PATH_LEN], p3[PATH_LEN];
	struct pair p;

	sc.crl.path = in_dir(e, p3, "crl.pem");
	/* a certificate the CRL does not list still gets in */
	connect_ok(&p, &cc, &sc);
	pair_close(&p);
	cc.cert.path = in_dir(e, p1, "revoked.crt");
	cc.key.path = in_dir(e, p2, "revoked.key");
	refused(e, &cc, &sc, true, "VERIFY ERROR: depth=0, subject=CN=Revoked-Client: "
	    "certificate revoked");
}

/* A CRL from another CA: the sample CA has none, which is only a warning. */
static void
test_crl_of_other_ca(void **state)
{
	struct env *e = need_made(state);
	struct rv_tls_config cc = client_cfg(), sc = server_cfg();
	char p1[PATH_LEN], p2[PATH_LEN];
	struct pair p;
	long mark = log_mark(e);

	assert_int_equal(run(e, "openssl ca -config ca.cnf -name ca_fresh -gencrl -crldays 30 "
	    "-out fresh-crl.pem"), 0);
	sc.ca.path = in_dir(e, p1, "bundle.crt");
	sc.crl.path = in_dir(e, p2, "fresh-crl.pem");
	connect_ok(&p, &cc, &sc);
	pair_close(&p);
	assert_true(log_count(e, mark, "VERIFY WARNING: depth=0, subject=C=KG, ST=NA, "
	    "O=OpenVPN-TEST, CN=Test-Client, emailAddress=me@myhost.mydomain: unable to get "
	    "certificate CRL", NULL, 0) >= 1);
	assert_int_equal(log_count(e, mark, "VERIFY ERROR", NULL, 0), 0);
}

static void
test_refuse_no_client_cert(void **state)
{
	struct env *e = need_keys(state);
	struct rv_tls_config cc = client_cfg(), sc = server_cfg();

	cc.cert.path = cc.key.path = NULL;
	refused(e, &cc, &sc, true, "VERIFY ERROR: the peer sent no certificate");
	cc.version_max = "1.2";
	refused(e, &cc, &sc, true, "VERIFY ERROR: the peer sent no certificate");
}

/* --- configuration errors ---------------------------------------------------------------- */

static void
ctx_fails(const struct rv_tls_config *cfg, int want, const char *msg)
{
	char err[RV_TLS_ERRLEN];
	struct rv_tls_ctx *ctx = (struct rv_tls_ctx *)1;

	assert_int_equal(rv_tls_ctx_new(&ctx, cfg, err), want);
	assert_null(ctx);
	assert_contains(err, msg);
}

static void
test_error_files(void **state)
{
	struct rv_tls_config c = client_cfg();

	need_keys(state);
	c.ca.path = "/nonexistent/ca.crt";
	ctx_fails(&c, RV_ERR_SYSTEM, "cannot open --ca /nonexistent/ca.crt: No such file or "
	    "directory");
	c = client_cfg();
	c.key.path = "/nonexistent/client.key";
	ctx_fails(&c, RV_ERR_SYSTEM, "cannot open --key /nonexistent/client.key: No such file");
	c = client_cfg();
	c.pkcs12.path = "/nonexistent/c.p12";
	c.cert.path = c.key.path = NULL;
	ctx_fails(&c, RV_ERR_SYSTEM, "cannot open --pkcs12 /nonexistent/c.p12: No such file");
	c = server_cfg();
	c.crl.path = "/nonexistent/crl.pem";
	ctx_fails(&c, RV_ERR_SYSTEM, "cannot open --crl-verify /nonexistent/crl.pem");
}

static void
test_error_pem(void **state)
{
	struct rv_tls_config c = client_cfg();

	need_keys(state);
	c.cert.path = NULL;
	c.cert.text = "not a certificate\n";
	ctx_fails(&c, RV_ERR_FORMAT, "cannot load --cert [inline]: no certificate found");
	c.cert.text = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
	ctx_fails(&c, RV_ERR_FORMAT, "cannot load --cert [inline]: malformed certificate");
	c = client_cfg();
	c.ca.path = SAMPLE "client.key";
	ctx_fails(&c, RV_ERR_FORMAT, "cannot load --ca " SAMPLE "client.key: no certificate found");
	c = client_cfg();
	c.key.path = SAMPLE "ca.crt";
	ctx_fails(&c, RV_ERR_FORMAT, "cannot load --key " SAMPLE "ca.crt: no private key found");
	c = server_cfg();
	c.dh.path = SAMPLE "ca.crt";
	ctx_fails(&c, RV_ERR_FORMAT, "cannot load --dh " SAMPLE "ca.crt: no DH parameters found");
	c = server_cfg();
	c.crl.path = SAMPLE "ca.crt";
	ctx_fails(&c, RV_ERR_FORMAT, "cannot load --crl-verify " SAMPLE "ca.crt: no CRL found");
	c = client_cfg();
	c.extra_certs.text = "nothing\n";
	ctx_fails(&c, RV_ERR_FORMAT, "cannot load --extra-certs [inline]: no certificate found");
	c = client_cfg();
	c.cert.path = c.key.path = NULL;
	c.pkcs12.text = "%%% not base64 %%%";
	ctx_fails(&c, RV_ERR_FORMAT, "cannot load --pkcs12 [inline]: not base64 text");
	c.pkcs12.text = NULL;
	c.pkcs12.path = SAMPLE "ca.crt";
	ctx_fails(&c, RV_ERR_FORMAT, "cannot load --pkcs12 " SAMPLE "ca.crt: not a PKCS#12 file");
	c.pkcs12.path = SAMPLE "client.p12";
	c.pkcs12_password = "wrong";
	ctx_fails(&c, RV_ERR_FORMAT, "cannot load --pkcs12 " SAMPLE "client.p12: wrong password");
}

static void
test_error_key_mismatch(void **state)
{
	struct rv_tls_config c = client_cfg();

	need_keys(state);
	c.key.path = SAMPLE "server.key";
	ctx_fails(&c, RV_ERR_FORMAT, "--key " SAMPLE "server.key does not match the certificate");
}

static void
test_error_algorithms(void **state)
{
	struct rv_tls_config c = client_cfg();

	need_keys(state);
	c.cipher_list = "NOT-A-CIPHER:ALSO-NOT";
	ctx_fails(&c, RV_ERR_FORMAT, "--tls-cipher `NOT-A-CIPHER:ALSO-NOT': no cipher in the "
	    "list is known");
	c = client_cfg();
	c.ciphersuites = "TLS_AES_512_GCM";
	ctx_fails(&c, RV_ERR_FORMAT, "--tls-ciphersuites `TLS_AES_512_GCM': ");
	c = client_cfg();
	c.groups = "X25519:nosuchcurve";
	ctx_fails(&c, RV_ERR_FORMAT, "--tls-groups `X25519:nosuchcurve': unknown group");
	c = client_cfg();
	c.version_min = "1.4";
	ctx_fails(&c, RV_ERR_FORMAT, "--tls-version-min `1.4': not a TLS version");
	c = client_cfg();
	c.version_max = "2";
	ctx_fails(&c, RV_ERR_FORMAT, "--tls-version-max `2': not a TLS version");
	c = client_cfg();
	c.version_min = "1.3";
	c.version_max = "1.2";
	ctx_fails(&c, RV_ERR_FORMAT, "--tls-version-min 1.3 is above --tls-version-max 1.2");
}

static void
test_error_combinations(void **state)
{
	struct rv_tls_config c = client_cfg();

	need_keys(state);
	c.pkcs12.path = SAMPLE "client.p12";
	ctx_fails(&c, RV_ERR_FORMAT, "--pkcs12 cannot be combined with --cert or --key");
	c = client_cfg();
	c.key.path = NULL;
	ctx_fails(&c, RV_ERR_FORMAT, "--key is missing");
	c = client_cfg();
	c.ca.path = NULL;
	ctx_fails(&c, RV_ERR_FORMAT, "--ca is missing");
	c = server_cfg();
	c.cert.path = c.key.path = NULL;
	ctx_fails(&c, RV_ERR_FORMAT, "a TLS server needs --cert and --key, or --pkcs12");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tls13_rsa),
		cmocka_unit_test(test_tls12_rsa),
		cmocka_unit_test(test_tls12_dhe),
		cmocka_unit_test(test_dh_none),
		cmocka_unit_test(test_ec_sample_keys),
		cmocka_unit_test(test_tls13_ec),
		cmocka_unit_test(test_pkcs12_file),
		cmocka_unit_test(test_pkcs12_inline),
		cmocka_unit_test(test_encrypted_key),
		cmocka_unit_test(test_client_cert_optional),
		cmocka_unit_test(test_ctx_freed_first),
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_records),
		cmocka_unit_test(test_before_handshake),
		cmocka_unit_test(test_export_vs_s_server),
		cmocka_unit_test(test_refuse_wrong_ca),
		cmocka_unit_test(test_refuse_expired),
		cmocka_unit_test(test_refuse_no_server_eku),
		cmocka_unit_test(test_refuse_no_key_usage),
		cmocka_unit_test(test_refuse_bad_key_usage),
		cmocka_unit_test(test_verify_x509_name),
		cmocka_unit_test(test_refuse_revoked),
		cmocka_unit_test(test_crl_of_other_ca),
		cmocka_unit_test(test_refuse_no_client_cert),
		cmocka_unit_test(test_error_files),
		cmocka_unit_test(test_error_pem),
		cmocka_unit_test(test_error_key_mismatch),
		cmocka_unit_test(test_error_algorithms),
		cmocka_unit_test(test_error_combinations),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
