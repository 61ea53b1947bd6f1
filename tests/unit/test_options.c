/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for options.c, options_check.c and the way they use conf.c:
 * values land in struct rv_options, later options override earlier ones, a
 * --config file applies at the point where it is named, and every error
 * names the file, the line and the option ("t.conf:3: verb: ...") exactly,
 * since that message is all a user gets.
 *
 * Config texts are parsed under the name "t.conf"; tests that need real files
 * (--config, --secret FILE, --cd) write them with mkstemp() under /tmp and
 * remove them at the end. Run under the sanitizer build, LeakSanitizer checks
 * that rv_options_clear() frees everything, on success and after errors.
 */
#include "options.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <openssl/evp.h>

#include "err.h"
#include "options_check.h"

enum { PATH_MAX_T = 64, NFILES = 4 };

/* A 2048-bit key file whose bytes count up from 00 to ff. */
#define KEY_BEGIN "-----BEGIN OpenVPN Static key V1-----\n"
#define KEY_END "-----END OpenVPN Static key V1-----\n"
#define KEY_HALF1 \
	"000102030405060708090a0b0c0d0e0f\n101112131415161718191a1b1c1d1e1f\n" \
	"202122232425262728292a2b2c2d2e2f\n303132333435363738393a3b3c3d3e3f\n" \
	"404142434445464748494a4b4c4d4e4f\n505152535455565758595a5b5c5d5e5f\n" \
	"606162636465666768696a6b6c6d6e6f\n707172737475767778797a7b7c7d7e7f\n"
#define KEY_HALF2 \
	"808182838485868788898a8b8c8d8e8f\n909192939495969798999a9b9c9d9e9f\n" \
	"a0a1a2a3a4a5a6a7a8a9aaabacadaeaf\nb0b1b2b3b4b5b6b7b8b9babbbcbdbebf\n" \
	"c0c1c2c3c4c5c6c7c8c9cacbcccdcecf\nd0d1d2d3d4d5d6d7d8d9dadbdcdddedf\n" \
	"e0e1e2e3e4e5e6e7e8e9eaebecedeeef\nf0f1f2f3f4f5f6f7f8f9fafbfcfdfeff\n"
#define KEY_2048 "#\n# 2048 bit OpenVPN static key\n#\n" KEY_BEGIN KEY_HALF1 KEY_HALF2 KEY_END
#define KEY_1024 KEY_BEGIN KEY_HALF1 KEY_END

/* Temporary files of one test, removed by the teardown. */
struct tmpfiles {
	char path[NFILES][PATH_MAX_T];
	int n;
};

static int
setup_files(void **state)
{
	static struct tmpfiles t;

	memset(&t, 0, sizeof(t));
	*state = &t;
	return 0;
}

static int
teardown_files(void **state)
{
	struct tmpfiles *t = *state;

	for (int i = 0; i < t->n; i++)
		unlink(t->path[i]);
	return 0;
}

/* A struct rv_options that the teardown clears, for tests that must not
 * leak when an assertion fails half-way. */
static int
setup_opts(void **state)
{
	static struct rv_options o;

	memset(&o, 0, sizeof(o));
	*state = &o;
	return 0;
}

static int
teardown_opts(void **state)
{
	rv_options_clear(*state);
	return 0;
}

/* Writes text to a new file under dir and returns its path. */
static const char *
write_file_in(struct tmpfiles *t, const char *dir, const char *text)
{
	char *p;
	int fd;

	assert_true(t->n < NFILES);
	p = t->path[t->n];
	snprintf(p, PATH_MAX_T, "%s/rvopt-XXXXXX", dir);
	fd = mkstemp(p);
	assert_true(fd >= 0);
	t->n++;
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return p;
}

static const char *
write_file(struct tmpfiles *t, const char *text)
{
	return write_file_in(t, "/tmp", text);
}

/* Parses text as "t.conf" into a fresh o; returns the parser's result. */
static int
parse(struct rv_options *o, const char *text, char err[static RV_OPT_ERRLEN])
{
	assert_int_equal(rv_options_init(o), 0);
	return rv_options_parse_text(o, "t.conf", text, strlen(text), err);
}

/* Parses and checks text; 0 if both pass. */
static int
parse_check(struct rv_options *o, const char *text, char err[static RV_OPT_ERRLEN])
{
	int r = parse(o, text, err);

	return r != 0 ? r : rv_options_check(o, err);
}

/* Parses an argument vector ending in NULL. */
static int
parse_args(struct rv_options *o, char err[static RV_OPT_ERRLEN], ...)
{
	char *argv[32];
	int argc = 0;
	va_list ap;

	argv[argc++] = "roamvpn";
	va_start(ap, err);
	while ((argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	va_end(ap);
	assert_int_equal(rv_options_init(o), 0);
	return rv_options_parse_argv(o, argc, argv, err);
}

/* Prints a config text on one line, to tell the cases of a loop apart. */
static void
show(const char *text)
{
	char line[100];
	size_t i;

	for (i = 0; i + 1 < sizeof(line) && text[i] != '\0'; i++)
		line[i] = text[i] == '\n' ? '|' : text[i];
	line[i] = '\0';
	print_message("%s\n", line);
}

/* text fails parsing or checking with exactly msg. */
static void
assert_fails(const char *text, const char *msg)
{
	char err[RV_OPT_ERRLEN] = "";
	struct rv_options o;

	show(text);
	assert_int_equal(parse_check(&o, text, err), RV_ERR_FORMAT);
	assert_string_equal(err, msg);
	rv_options_clear(&o);
}

static void
assert_ok(struct rv_options *o, const char *text)
{
	char err[RV_OPT_ERRLEN] = "";

	if (parse_check(o, text, err) != 0)
		fail_msg("unexpected error: %s", err);
	assert_string_equal(err, "");
}

static void
assert_addr(struct in_addr a, const char *want)
{
	char s[INET_ADDRSTRLEN];

	assert_non_null(inet_ntop(AF_INET, &a, s, sizeof(s)));
	assert_string_equal(s, want);
}

static void
assert_pattern_key(const struct rv_key2 *k, unsigned n)
{
	const uint8_t *p = (const uint8_t *)k->keys;

	assert_int_equal(k->n, n);
	for (size_t i = 0; i < n * sizeof(struct rv_key); i++)
		assert_int_equal(p[i], i);
}

/* --- defaults and values ------------------------------------------------------ */

/* Every --proto name openvpn 2.6 accepts, its family and TCP role. */
static void
test_proto_names(void **state)
{
	static const struct {
		const char *name;
		enum rv_proto proto;
		int family;
		bool tcp, server, client;
	} cases[] = {
		{ "udp", RV_PROTO_UDP, AF_UNSPEC, false, false, false },
		{ "udp4", RV_PROTO_UDP4, AF_INET, false, false, false },
		{ "udp6", RV_PROTO_UDP6, AF_INET6, false, false, false },
		{ "tcp-server", RV_PROTO_TCP_SERVER, AF_UNSPEC, true, true, false },
		{ "tcp4-server", RV_PROTO_TCP4_SERVER, AF_INET, true, true, false },
		{ "tcp6-server", RV_PROTO_TCP6_SERVER, AF_INET6, true, true, false },
		{ "tcp-client", RV_PROTO_TCP_CLIENT, AF_UNSPEC, true, false, true },
		{ "tcp4-client", RV_PROTO_TCP4_CLIENT, AF_INET, true, false, true },
		{ "tcp6-client", RV_PROTO_TCP6_CLIENT, AF_INET6, true, false, true },
	};
	char text[128];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rv_options o;

		snprintf(text, sizeof(text), "dev tun\nproto %s\nremote h 1000 %s\n",
		    cases[i].name, cases[i].name);
		assert_ok(&o, text);
		assert_int_equal(o.proto, cases[i].proto);
		assert_true(o.remotes[0].has_proto);
		assert_int_equal(o.remotes[0].proto, cases[i].proto);
		assert_int_equal(rv_proto_family(o.proto), cases[i].family);
		assert_int_equal(rv_proto_is_tcp(o.proto), cases[i].tcp);
		assert_int_equal(rv_proto_is_tcp_server(o.proto), cases[i].server);
		assert_int_equal(rv_proto_is_tcp_client(o.proto), cases[i].client);
		rv_options_clear(&o);
	}
}

/* A --remote entry's own proto beats --proto for runs on that entry. */
static void
test_proto_per_remote(void **state)
{
	struct rv_options o;

	(void)state;
	assert_ok(&o, "dev tun\nproto udp\nremote a 1000 tcp-client\nremote b 1001\n");
	assert_int_equal(rv_options_proto(&o, &o.remotes[0]), RV_PROTO_TCP_CLIENT);
	assert_int_equal(rv_options_proto(&o, &o.remotes[1]), RV_PROTO_UDP);
	assert_int_equal(rv_options_proto(&o, NULL), RV_PROTO_UDP);
	/* A TCP client entry: no local bind unless asked for (as openvpn). */
	assert_true(o.nobind);
	rv_options_clear(&o);
	assert_ok(&o, "dev tun\nproto tcp-client\nremote a\nlport 5000\n");
	assert_false(o.nobind);
	rv_options_clear(&o);
	assert_ok(&o, "dev tun\nproto tcp-server\n");
	assert_false(o.nobind);
	rv_options_clear(&o);
}

static void
test_defaults(void **state)
{
	struct rv_options o;

	(void)state;
	assert_ok(&o, "dev tun\n");
	assert_int_equal(o.verb, 1);
	assert_int_equal(o.tun_mtu, 1500);
	assert_int_equal(o.mssfix, 1492);
	assert_int_equal(o.mssfix_mode, RV_MSS_MTU);
	assert_int_equal(o.proto, RV_PROTO_UDP);
	assert_int_equal(o.resolv_retry, -1);
	assert_int_equal(o.replay_window, 64);
	assert_int_equal(o.replay_time, 15);
	assert_int_equal(o.dev_type, RV_DEV_TUN);
	assert_int_equal(o.keydir, RV_KEYDIR_BIDI);
	/* OpenVPN's defaults, filled in by the check */
	assert_string_equal(o.cipher, "BF-CBC");
	assert_string_equal(o.auth, "SHA1");
	assert_false(o.has_key);
	assert_false(o.has_ifconfig);
	rv_options_clear(&o);
}

static void
test_values(void **state)
{
	static const char text[] =
	    "# a comment\n"
	    "verb 4\n"
	    "--mute 20\n"
	    "dev tun3\n"
	    "tun-mtu 1400\n"
	    "proto udp6\n"
	    "port 1195\n"
	    "remote a.example 1196 udp4\n"
	    "remote b.example\n"
	    "float\n"
	    "nobind\n"
	    "mssfix 1400 fixed\n"
	    "replay-window 128 30\n"
	    "ifconfig 10.9.0.1 10.9.0.2\n"
	    "route 192.168.10.0 255.255.255.0\n"
	    "route 192.168.20.0 255.255.255.0 10.9.0.9 7\n"
	    "resolv-retry 30\n"
	    "inactive 600 1000000\n"
	    "explicit-exit-notify 2\n"
	    "cipher AES-256-CBC\n"
	    "auth SHA256\n";
	struct rv_options o;

	(void)state;
	assert_ok(&o, text);
	assert_int_equal(o.verb, 4);
	assert_int_equal(o.mute, 20);
	assert_string_equal(o.dev, "tun3");
	assert_int_equal(o.dev_type, RV_DEV_TUN);
	assert_int_equal(o.tun_mtu, 1400);
	assert_int_equal(o.proto, RV_PROTO_UDP6);
	assert_string_equal(o.lport, "1195");
	assert_string_equal(o.rport, "1195");
	assert_int_equal(o.nremotes, 2);
	assert_string_equal(o.remotes[0].host, "a.example");
	assert_string_equal(o.remotes[0].port, "1196");
	assert_int_equal(o.remotes[0].loc.line, 8);
	assert_string_equal(o.remotes[1].host, "b.example");
	assert_null(o.remotes[1].port);
	assert_true(o.float_);
	assert_true(o.nobind);
	assert_int_equal(o.mssfix, 1400);
	assert_int_equal(o.mssfix_mode, RV_MSS_FIXED);
	assert_int_equal(o.replay_window, 128);
	assert_int_equal(o.replay_time, 30);
	assert_true(o.has_ifconfig);
	assert_false(o.ifconfig_is_mask);
	assert_addr(o.ifc_local, "10.9.0.1");
	assert_addr(o.ifc_remote, "10.9.0.2");
	assert_int_equal(o.nroutes, 2);
	assert_addr(o.routes[0].net, "192.168.10.0");
	assert_addr(o.routes[0].mask, "255.255.255.0");
	assert_true(o.routes[0].has_gw);
	assert_addr(o.routes[0].gw, "10.9.0.2");   /* the tun peer */
	assert_int_equal(o.routes[0].metric, -1);
	assert_addr(o.routes[1].gw, "10.9.0.9");
	assert_int_equal(o.routes[1].metric, 7);
	assert_int_equal(o.routes[1].loc.line, 16);
	assert_string_equal(o.routes[1].loc.file, "t.conf");
	assert_int_equal(o.resolv_retry, 30);
	assert_int_equal(o.inactive, 600);
	assert_int_equal(o.inactive_bytes, 1000000);
	assert_int_equal(o.explicit_exit_notify, 2);
	assert_string_equal(o.cipher, "AES-256-CBC");
	assert_string_equal(o.auth, "SHA256");
	rv_options_clear(&o);
}

static void
test_mssfix_forms(void **state)
{
	static const struct {
		const char *text;
		int mssfix;
		enum rv_mss_mode mode;
	} cases[] = {
		{ "dev tun\nmssfix\n", 1492, RV_MSS_MTU },
		{ "dev tun\nmssfix 1400\n", 1400, RV_MSS_PAYLOAD },
		{ "dev tun\nmssfix 1400 mtu\n", 1400, RV_MSS_MTU },
		{ "dev tun\nmssfix 1300 fixed\n", 1300, RV_MSS_FIXED },
		{ "dev tun\nmssfix 0\n", 0, RV_MSS_PAYLOAD },
		/* a later mssfix replaces the mode too */
		{ "dev tun\nmssfix 1300 fixed\nmssfix 1350\n", 1350, RV_MSS_PAYLOAD },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rv_options o;

		show(cases[i].text);
		assert_ok(&o, cases[i].text);
		assert_int_equal(o.mssfix, cases[i].mssfix);
		assert_int_equal(o.mssfix_mode, cases[i].mode);
		rv_options_clear(&o);
	}
}

static void
test_dev_type(void **state)
{
	static const struct {
		const char *text;
		enum rv_dev_type type;
		bool is_mask;
	} cases[] = {
		{ "dev tun\n", RV_DEV_TUN, false },
		{ "dev tap0\n", RV_DEV_TAP, false },
		{ "dev null\n", RV_DEV_NULL, false },
		{ "dev vpn0\ndev-type tap\n", RV_DEV_TAP, false },
		{ "dev tap\nifconfig 10.0.0.1 255.255.255.0\n", RV_DEV_TAP, true },
		{ "dev tun\ntopology subnet\nifconfig 10.0.0.1 255.255.255.0\n", RV_DEV_TUN, true },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rv_options o;

		show(cases[i].text);
		assert_ok(&o, cases[i].text);
		assert_int_equal(o.dev_type, cases[i].type);
		assert_int_equal(o.ifconfig_is_mask, cases[i].is_mask);
		rv_options_clear(&o);
	}
}

/* Later options override earlier ones; lists (remote, route) accumulate. */
static void
test_later_overrides(void **state)
{
	struct rv_options o;
	struct rv_optloc w;

	(void)state;
	assert_ok(&o, "verb 3\ndev tun0\ncipher AES-128-CBC\nverb 5\ndev tun1\n"
	    "cipher AES-256-CBC\nremote a\nremote b\n");
	assert_int_equal(o.verb, 5);
	assert_string_equal(o.dev, "tun1");
	assert_string_equal(o.cipher, "AES-256-CBC");
	assert_int_equal(o.nremotes, 2);
	w = rv_options_where(&o, "verb");
	assert_string_equal(w.file, "t.conf");
	assert_int_equal(w.line, 4);
	w = rv_options_where(&o, "ping");
	assert_null(w.file);
	w = rv_options_where(&o, "no-such-option");
	assert_null(w.file);
	rv_options_clear(&o);
}

/* Route gateways: the route's own, else --route-gateway, else the tun peer;
 * the metric: the route's own, else --route-metric, whichever gateway
 * applies. (The struct is a fixture so that a failure leaks nothing.) */
static void
test_route_defaults(void **state)
{
	struct rv_options *o = *state;

	assert_ok(o, "dev tun\nifconfig 10.0.0.1 10.0.0.2\nroute-metric 5\n"
	    "route 10.1.0.0 255.255.0.0\n"
	    "route 10.2.0.0 255.255.0.0 10.0.0.9\n"
	    "route 10.3.0.0 255.255.0.0 vpn_gateway 8\n"
	    "route 10.4.0.0 default default\n");
	assert_int_equal(o->nroutes, 4);
	assert_addr(o->routes[0].gw, "10.0.0.2");
	assert_int_equal(o->routes[0].metric, 5);
	assert_addr(o->routes[2].gw, "10.0.0.2");
	assert_int_equal(o->routes[2].metric, 8);
	assert_addr(o->routes[3].mask, "255.255.255.255");
	assert_addr(o->routes[3].gw, "10.0.0.2");
	assert_int_equal(o->routes[3].metric, 5);
	assert_addr(o->routes[1].gw, "10.0.0.9");
	assert_int_equal(o->routes[1].metric, 5);
}

/* With --route-gateway the default metric applies just the same. */
static void
test_route_gateway_metric(void **state)
{
	struct rv_options *o = *state;

	assert_ok(o, "dev tap\nifconfig 10.0.0.1 255.255.255.0\nroute-gateway 10.0.0.254\n"
	    "route-metric 3\nroute 10.5.0.0 255.255.0.0\n");
	assert_true(o->routes[0].has_gw);
	assert_addr(o->routes[0].gw, "10.0.0.254");
	assert_int_equal(o->routes[0].metric, 3);
}

/* --keepalive expands to --ping and --ping-restart in the check. */
static void
test_keepalive(void **state)
{
	struct rv_options o;

	(void)state;
	assert_ok(&o, "dev tun\nkeepalive 10 60\n");
	assert_int_equal(o.ping, 10);
	assert_int_equal(o.ping_restart, 60);
	assert_int_equal(o.ping_exit, 0);
	rv_options_clear(&o);
	assert_ok(&o, "dev tun\nkeepalive 5 10\n");   /* exactly twice is enough */
	assert_int_equal(o.ping, 5);
	assert_int_equal(o.ping_restart, 10);
	rv_options_clear(&o);
	assert_ok(&o, "dev tun\nping 7\nping-exit 30\n");
	assert_int_equal(o.ping, 7);
	assert_int_equal(o.ping_restart, 0);
	assert_int_equal(o.ping_exit, 30);
	rv_options_clear(&o);
}

/* "setenv opt X" applies X if known and skips it otherwise; other setenv
 * variables are ignored; --ignore-unknown-option names options to skip. */
static void
test_setenv_and_ignore(void **state)
{
	struct rv_options o;

	(void)state;
	assert_ok(&o, "dev tun\nsetenv opt verb 6\nsetenv opt block-outside-dns\n"
	    "setenv FOO bar\nignore-unknown-option block-outside-dns pull-filter\n"
	    "block-outside-dns\npull-filter ignore route\n");
	assert_int_equal(o.verb, 6);
	rv_options_clear(&o);
}

/* --- key material --------------------------------------------------------------- */

/* An inline <secret> block: the key, and the direction from --key-direction. */
static void
test_inline_secret(void **state)
{
	struct rv_options o;

	(void)state;
	assert_ok(&o, "dev tun\ncipher AES-256-CBC\nkey-direction 1\n<secret>\n" KEY_2048
	    "</secret>\n");
	assert_true(o.has_key);
	assert_non_null(o.secret.text);
	assert_null(o.secret.path);
	assert_int_equal(o.keydir, RV_KEYDIR_INVERSE);
	assert_pattern_key(&o.key, 2);
	rv_options_clear(&o);

	/* without a direction: both ways with keys[0] */
	assert_ok(&o, "dev tun\ncipher AES-256-CBC\n<secret>\n" KEY_2048 "</secret>\n");
	assert_int_equal(o.keydir, RV_KEYDIR_BIDI);
	rv_options_clear(&o);

	/* a 1024-bit key works without a direction */
	assert_ok(&o, "dev tun\ncipher AES-256-CBC\n<secret>\n" KEY_1024 "</secret>\n");
	assert_pattern_key(&o.key, 1);
	rv_options_clear(&o);
}

/* --secret FILE DIR; the direction on --secret beats --key-direction. */
static void
test_secret_file(void **state)
{
	struct tmpfiles *t = *state;
	const char *key = write_file(t, KEY_2048);
	char text[256];
	struct rv_options o;

	snprintf(text, sizeof(text), "dev tun\ncipher AES-128-CBC\nkey-direction 1\n"
	    "secret %s 0\n", key);
	assert_ok(&o, text);
	assert_true(o.has_key);
	assert_string_equal(o.secret.path, key);
	assert_int_equal(o.keydir, RV_KEYDIR_NORMAL);
	assert_pattern_key(&o.key, 2);
	rv_options_clear(&o);
}

/* --- errors while parsing ----------------------------------------------------------- */

static void
test_error_numbers(void **state)
{
	(void)state;
	assert_fails("dev tun\n\nverb x\n", "t.conf:3: verb: expects a number from 0 to 11, "
	    "got `x'");
	assert_fails("verb 12\n", "t.conf:1: verb: expects a number from 0 to 11, got `12'");
	assert_fails("verb -1\n", "t.conf:1: verb: expects a number from 0 to 11, got `-1'");
	assert_fails("verb 3x\n", "t.conf:1: verb: expects a number from 0 to 11, got `3x'");
	assert_fails("verb 99999999999999999999\n", "t.conf:1: verb: expects a number from 0 "
	    "to 11, got `99999999999999999999'");
	assert_fails("tun-mtu 67\n", "t.conf:1: tun-mtu: expects a number from 68 to 65535, "
	    "got `67'");
	assert_fails("port 65536\n", "t.conf:1: port: expects a number from 0 to 65535, "
	    "got `65536'");
	assert_fails("remote host 70000\n", "t.conf:1: remote: expects a number from 0 to "
	    "65535, got `70000'");
	assert_fails("keepalive 10 x\n", "t.conf:1: keepalive: expects a number from 1 to "
	    "1000000000, got `x'");
	assert_fails("keepalive 0 60\n", "t.conf:1: keepalive: expects a number from 1 to "
	    "1000000000, got `0'");
	assert_fails("replay-window 65537\n", "t.conf:1: replay-window: expects a number from 0 "
	    "to 65536, got `65537'");
	assert_fails("replay-window 64 601\n", "t.conf:1: replay-window: expects a number from "
	    "0 to 600, got `601'");
	assert_fails("inactive 60 -5\n", "t.conf:1: inactive: expects a non-negative number, "
	    "got `-5'");
	assert_fails("route 10.0.0.0 255.0.0.0 10.0.0.1 x\n", "t.conf:1: route: expects a "
	    "number from 0 to 16581375, got `x'");
}

static void
test_error_keywords(void **state)
{
	(void)state;
	assert_fails("dev-type tunnel\n", "t.conf:1: dev-type: expects tun, tap or null, got "
	    "`tunnel'");
	assert_fails("topology star\n", "t.conf:1: topology: expects net30, p2p or subnet, got "
	    "`star'");
	assert_fails("proto sctp\n", "t.conf:1: proto: expects udp, tcp-server or tcp-client "
	    "(or udp4, tcp6-client ...), got `sctp'");
	assert_fails("remote h 1194 tcp-serv\n", "t.conf:1: remote: expects udp, tcp-server or "
	    "tcp-client (or udp4, tcp6-client ...), got `tcp-serv'");
	/* Plain tcp needs a role unless --client gives it (as openvpn). */
	assert_fails("dev tun\nproto tcp\n", "t.conf:2: proto: tcp is ambiguous in this "
	    "context: use tcp-server or tcp-client");
	assert_fails("dev tun\nproto tcp6\n", "t.conf:2: proto: tcp6 is ambiguous in this "
	    "context: use tcp6-server or tcp6-client");
	assert_fails("dev tun\nremote h 1194 tcp4\n", "t.conf:2: remote: tcp4 is ambiguous in "
	    "this context: use tcp4-server or tcp4-client");
	assert_fails("mssfix 1400 auto\n", "t.conf:1: mssfix: second argument must be mtu or "
	    "fixed, got `auto'");
	assert_fails("bind ipv4only\n", "t.conf:1: bind: the only argument allowed is "
	    "ipv6only, got `ipv4only'");
	assert_fails("secret k 2\n", "t.conf:1: secret: key direction must be 0 or 1, got `2'");
	assert_fails("key-direction both\n", "t.conf:1: key-direction: key direction must be "
	    "0 or 1, got `both'");
	assert_fails("dev averyveryverylongname\n", "t.conf:1: dev: device name "
	    "`averyveryverylongname' is longer than 15 characters");
	assert_fails("genkey tls-crypt-v2-server\n", "t.conf:1: genkey: unsupported key type "
	    "`tls-crypt-v2-server' (roamvpn generates secret, tls-auth and tls-crypt keys)");
	assert_fails("setenv opt\n", "t.conf:1: setenv: \"setenv opt\" needs an option after "
	    "it");
	/* setenv opt applies a known option with its own checks */
	assert_fails("setenv opt verb 20\n", "t.conf:1: verb: expects a number from 0 to 11, "
	    "got `20'");
}

static void
test_error_arg_count(void **state)
{
	(void)state;
	assert_fails("verb\n", "t.conf:1: verb: expects 1 argument (N), got 0");
	assert_fails("verb 1 2\n", "t.conf:1: verb: expects 1 argument (N), got 2");
	assert_fails("ifconfig 10.0.0.1\n", "t.conf:1: ifconfig: expects 2 arguments "
	    "(LOCAL REMOTE|MASK), got 1");
	assert_fails("float yes\n", "t.conf:1: float: expects 0 arguments (), got 1");
	assert_fails("remote a 1 udp x\n", "t.conf:1: remote: expects 1 to 3 arguments "
	    "(HOST [PORT] [PROTO]), got 4");
}

/* --status, --status-version, --management, --management-hold. */
static void
test_status_management(void **state)
{
	struct rv_options o;

	(void)state;
	assert_ok(&o, "dev tun\n");
	assert_null(o.status_file);
	assert_int_equal(o.status_secs, 60);
	assert_int_equal(o.status_version, 1);
	assert_null(o.mgmt_addr);
	rv_options_clear(&o);
	assert_ok(&o, "dev tun\nstatus /run/s.txt 10\nstatus-version 3\n"
	    "management 127.0.0.1 7505\nmanagement-hold\n");
	assert_string_equal(o.status_file, "/run/s.txt");
	assert_int_equal(o.status_secs, 10);
	assert_int_equal(o.status_version, 3);
	assert_string_equal(o.mgmt_addr, "127.0.0.1");
	assert_string_equal(o.mgmt_port, "7505");
	assert_false(o.mgmt_unix);
	assert_true(o.mgmt_hold);
	rv_options_clear(&o);
	assert_ok(&o, "dev tun\nstatus s.txt\nmanagement 127.0.0.1 7505\n"
	    "management /run/m.sock unix\n");
	assert_int_equal(o.status_secs, 60);
	assert_string_equal(o.mgmt_addr, "/run/m.sock");
	assert_null(o.mgmt_port);
	assert_true(o.mgmt_unix);
	rv_options_clear(&o);
	assert_fails("dev tun\nstatus-version 4\n", "t.conf:2: status-version: expects a number "
	    "from 1 to 3, got `4'");
	assert_fails("dev tun\nstatus s 0\n", "t.conf:2: status: expects a number from 1 to "
	    "31536000, got `0'");
	assert_fails("dev tun\nmanagement 127.0.0.1\n", "t.conf:2: management: expects 2 to 3 "
	    "arguments (IP PORT | PATH unix), got 1");
	assert_fails("dev tun\nmanagement 127.0.0.1 7505 pw.txt\n", "t.conf:2: management: a "
	    "password file (`pw.txt') is not supported; use a unix socket or bind to 127.0.0.1");
	assert_fails("dev tun\nmanagement 127.0.0.1 http\n", "t.conf:2: management: expects a "
	    "number from 0 to 65535, got `http'");
}

static void
test_error_unknown(void **state)
{
	(void)state;
	assert_fails("dev tun\nvreb 3\n", "t.conf:2: vreb: unknown option (did you mean "
	    "--verb?)");
	assert_fails("remot h\n", "t.conf:1: remot: unknown option (did you mean --remote?)");
	assert_fails("--ciphers AES-256-CBC\n", "t.conf:1: ciphers: unknown option (did you "
	    "mean --cipher?)");
	assert_fails("frobnicate\n", "t.conf:1: frobnicate: unknown option (see roamvpn "
	    "--help)");
	assert_fails("fragment 1300\n", "t.conf:1: fragment: an OpenVPN "
	    "option that roamvpn does not implement yet");
	/* ignore-unknown-option does not cover options named after it */
	assert_fails("block-outside-dns\nignore-unknown-option block-outside-dns\n",
	    "t.conf:1: block-outside-dns: unknown option (see roamvpn --help)");
}

static void
test_error_placement(void **state)
{
	(void)state;
	assert_fails("dev tun\n<dev>\ntun\n</dev>\n", "t.conf:2: dev: cannot be given as an "
	    "inline <dev> block");
	assert_fails("<cipher>\nAES-256-CBC\n</cipher>\n", "t.conf:1: cipher: cannot be given "
	    "as an inline <cipher> block");
	assert_fails("help\n", "t.conf:1: help: allowed only on the command line");
	assert_fails("dev tun\n\nversion\n", "t.conf:3: version: allowed only on the command "
	    "line");
	/* a syntax error from conf.c comes through unchanged */
	assert_fails("dev tun\nremote \"a\n", "t.conf:2: no closing double quotation mark");
	assert_fails("<secret>\n" KEY_2048, "t.conf:1: <secret> block has no closing </secret>");
}

/* --- errors from the check ------------------------------------------------------------ */

static void
test_error_dev(void **state)
{
	(void)state;
	assert_fails("verb 3\n", "configuration: dev: no device given: add --dev tun (or tap, "
	    "or null)");
	assert_fails("verb 3\ndev vpn0\n", "t.conf:2: dev: cannot tell whether `vpn0' is tun or "
	    "tap: add --dev-type tun or --dev-type tap");
}

static void
test_error_keepalive(void **state)
{
	(void)state;
	assert_fails("dev tun\nkeepalive 10 60\nping 5\n", "t.conf:2: keepalive: conflicts "
	    "with --ping, --ping-restart and --ping-exit; use either form");
	assert_fails("dev tun\nping-restart 60\nkeepalive 10 60\n", "t.conf:3: keepalive: "
	    "conflicts with --ping, --ping-restart and --ping-exit; use either form");
	assert_fails("dev tun\nping-exit 60\nkeepalive 10 60\n", "t.conf:3: keepalive: "
	    "conflicts with --ping, --ping-restart and --ping-exit; use either form");
	assert_fails("dev tun\nkeepalive 10 19\n", "t.conf:2: keepalive: the timeout (19) must "
	    "be at least twice the ping interval (10)");
	assert_fails("dev tun\nping-restart 60\nping-exit 120\n", "t.conf:3: ping-exit: cannot "
	    "be combined with --ping-restart (both say what to do when the peer goes silent)");
}

static void
test_error_ifconfig(void **state)
{
	(void)state;
	assert_fails("dev tap\nifconfig 10.0.0.1 255.0.255.0\n", "t.conf:2: ifconfig: "
	    "`255.0.255.0' is not a netmask (with --dev tap the second argument is the "
	    "netmask)");
	assert_fails("dev tun\ntopology subnet\nifconfig 10.0.0.1 10.0.0.2\n", "t.conf:3: "
	    "ifconfig: `10.0.0.2' is not a netmask (with --topology subnet the second "
	    "argument is the netmask)");
	assert_fails("dev tap\nifconfig 10.0.0.1 mask\n", "t.conf:2: ifconfig: `mask' is not "
	    "an IPv4 netmask");
	assert_fails("dev tun\nifconfig 10.0.0.1 peer\n", "t.conf:2: ifconfig: `peer' is not "
	    "an IPv4 address");
	assert_fails("dev tun\nifconfig 10.0.0.256 10.0.0.2\n", "t.conf:2: ifconfig: "
	    "`10.0.0.256' is not an IPv4 address");
	assert_fails("dev tun\nifconfig 10.0.0.1 10.0.0.1\n", "t.conf:2: ifconfig: local and "
	    "remote address are both 10.0.0.1");
}

static void
test_error_route(void **state)
{
	(void)state;
	assert_fails("dev tun\nifconfig 10.0.0.1 10.0.0.2\nroute 10.1.2.0 255.255.0.0\n",
	    "t.conf:3: route: network 10.1.2.0 has bits outside netmask 255.255.0.0");
	assert_fails("dev tun\nifconfig 10.0.0.1 10.0.0.2\nroute 10.1.2.3\nroute 10.1.2.0 "
	    "255.255.255.0\nroute 10.1.0.0 255.255.0.0 10.0.0.2\nroute 10.0.0.0 255.0.0.1\n",
	    "t.conf:6: route: `255.0.0.1' is not a netmask");
	assert_fails("dev tun\nifconfig 10.0.0.1 10.0.0.2\nroute 10.1.2.0/24\n", "t.conf:3: "
	    "route: network `10.1.2.0/24' is not an IPv4 address");
	assert_fails("dev tun\nroute 10.1.2.0 255.255.255.0 gw\n", "t.conf:2: route: gateway "
	    "`gw' is not an IPv4 address");
	assert_fails("dev tap\nifconfig 10.0.0.1 255.255.255.0\nroute 10.1.0.0 255.255.0.0 "
	    "vpn_gateway\n", "t.conf:3: route: vpn_gateway is unknown without --ifconfig "
	    "LOCAL REMOTE or --route-gateway");
}

static void
test_error_ipv6(void **state)
{
	(void)state;
	assert_fails("dev tun\nifconfig-ipv6 fd00::1 fd00::2/64\n", "t.conf:2: ifconfig-ipv6: "
	    "`fd00::2/64' is not an IPv6 address");
	assert_fails("dev tun\nifconfig-ipv6 10.0.0.1/24 fd00::2\n", "t.conf:2: ifconfig-ipv6: "
	    "`10.0.0.1/24' is not an IPv6 address with an optional /BITS (0..128)");
	assert_fails("dev tun\nifconfig-ipv6 fd00::1/200 fd00::2\n", "t.conf:2: ifconfig-ipv6: "
	    "`fd00::1/200' is not an IPv6 address with an optional /BITS (0..128)");
	assert_fails("dev tun\nroute-ipv6 fd00:1::/64\nroute-ipv6 fd00:2::1/64\n", "t.conf:3: "
	    "route-ipv6: network fd00:2::1/64 has bits outside its prefix");
	assert_fails("dev tun\nroute-ipv6 fd00:1::/64 gw\n", "t.conf:2: route-ipv6: gateway "
	    "`gw' is not an IPv6 address");
	assert_fails("dev tun\nroute-ipv6 10.1.0.0/16\n", "t.conf:2: route-ipv6: `10.1.0.0/16' "
	    "is not an IPv6 network (NET/BITS)");
}

static void
test_error_secret(void **state)
{
	(void)state;
	assert_fails("dev tun\ncipher AES-256-CBC\nkey-direction 0\n<secret>\n" KEY_1024
	    "</secret>\n", "t.conf:4: secret: the key holds a single key, which cannot be "
	    "used with a key direction; drop the direction or use a 2048-bit key");
	assert_fails("dev tun\nsecret /nonexistent/rv.key 1\n", "t.conf:2: secret: cannot open "
	    "key file /nonexistent/rv.key: No such file or directory");
	assert_fails("dev tun\n<secret>\n" KEY_BEGIN "0001\n" KEY_END "</secret>\n",
	    "t.conf:2: secret: <secret>: key data is 2 bytes long; expected 256 (or 128 for "
	    "a single bidirectional key)");
}

static void
test_error_crypto(void **state)
{
	(void)state;
	assert_fails("dev tun\n<secret>\n" KEY_2048 "</secret>\nauth SHA256\ncipher AES-256-GCM\n",
	    "t.conf:26: cipher: AES-256-GCM is an AEAD cipher, which needs TLS mode; "
	    "static-key mode uses a CBC cipher such as AES-256-CBC");
	assert_fails("dev tun\ncipher AES-256-CBC\nauth SHA3000\n<secret>\n" KEY_2048
	    "</secret>\n", "t.conf:3: auth: OpenSSL does not know the digest `SHA3000' (use "
	    "SHA1, SHA256, SHA512 or none)");
}

/* Without --cipher the default BF-CBC needs the legacy provider; the message
 * says so although no line names the cipher. */
static void
test_error_default_cipher(void **state)
{
	EVP_CIPHER *bf = EVP_CIPHER_fetch(NULL, "BF-CBC", NULL);

	(void)state;
	if (bf != NULL) {
		EVP_CIPHER_free(bf);
		skip();
	}
	assert_fails("dev tun\n<secret>\n" KEY_2048 "</secret>\n", "configuration: cipher: "
	    "cipher BF-CBC is not available: OpenSSL 3 keeps it in its legacy provider. Use "
	    "--cipher AES-256-CBC on both peers, or load it with --providers legacy default");
}

/* --cipher and --auth alone are not errors (they only warn). */
static void
test_cipher_without_secret(void **state)
{
	struct rv_options o;

	(void)state;
	assert_ok(&o, "dev tun\ncipher AES-256-GCM\n");
	assert_false(o.has_key);
	rv_options_clear(&o);
}

/* --- the command line ------------------------------------------------------------------ */

static void
test_argv_values(void **state)
{
	char err[RV_OPT_ERRLEN];
	struct rv_options o;
	struct rv_optloc w;

	(void)state;
	assert_int_equal(parse_args(&o, err, "--dev", "tun", "--verb", "4", "--remote", "h",
	    "1195", "--float", NULL), 0);
	assert_int_equal(rv_options_check(&o, err), 0);
	assert_int_equal(o.verb, 4);
	assert_string_equal(o.remotes[0].port, "1195");
	assert_true(o.float_);
	w = rv_options_where(&o, "verb");
	assert_string_equal(w.file, "command line");
	assert_int_equal(w.line, 0);
	rv_options_clear(&o);

	assert_int_equal(parse_args(&o, err, "--help", NULL), 0);
	assert_true(o.show_help);
	rv_options_clear(&o);
}

static void
test_argv_errors(void **state)
{
	static const struct {
		const char *argv[6];
		const char *msg;
	} cases[] = {
		{ { "--verb", "x" },
		  "command line: --verb: expects a number from 0 to 11, got `x'" },
		{ { "--verb" }, "command line: --verb: expects 1 argument (N), got 0" },
		{ { "--dev", "tun", "--vreb", "3" },
		  "command line: --vreb: unknown option (did you mean --verb?)" },
		{ { "verb", "3" }, "command line: \"verb\": expected an option starting with --" },
		{ { "--" }, "command line: \"--\": expected an option starting with --" },
		{ { "--cd", "/nonexistent/rv" }, "command line: --cd: cannot change directory to "
		  "/nonexistent/rv: No such file or directory" },
		{ { "--config", "/nonexistent/rv.conf" }, "command line: --config: cannot open "
		  "/nonexistent/rv.conf: No such file or directory" },
		{ { "/nonexistent/rv.conf" }, "command line: --config: cannot open "
		  "/nonexistent/rv.conf: No such file or directory" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *argv[8] = { "roamvpn" }, err[RV_OPT_ERRLEN] = "";
		struct rv_options o;
		int argc = 1;

		for (; cases[i].argv[argc - 1] != NULL; argc++)
			argv[argc] = (char *)cases[i].argv[argc - 1];
		print_message("%s\n", cases[i].msg);
		assert_int_equal(rv_options_init(&o), 0);
		assert_int_equal(rv_options_parse_argv(&o, argc, argv, err), RV_ERR_FORMAT);
		assert_string_equal(err, cases[i].msg);
		rv_options_clear(&o);
	}
}

/* Words after an option belong to it, even if they look like option names. */
static void
test_argv_words(void **state)
{
	char err[RV_OPT_ERRLEN];
	struct rv_options o;

	(void)state;
	assert_int_equal(parse_args(&o, err, "--dev", "tun", "verb", "3", NULL), RV_ERR_FORMAT);
	assert_string_equal(err, "command line: --dev: expects 1 argument (NAME), got 3");
	rv_options_clear(&o);
	/* ... and the one failing check at the end names the command line */
	assert_int_equal(parse_args(&o, err, "--dev", "tun", "--cipher", "AES-256-GCM",
	    "--secret", "/nonexistent/k", NULL), 0);
	assert_int_equal(rv_options_check(&o, err), RV_ERR_FORMAT);
	assert_string_equal(err, "command line: --secret: cannot open key file "
	    "/nonexistent/k: No such file or directory");
	rv_options_clear(&o);
}

/* An AEAD cipher given on the command line: the message says where. */
static void
test_argv_aead(void **state)
{
	struct tmpfiles *t = *state;
	const char *key = write_file(t, KEY_2048);
	char err[RV_OPT_ERRLEN];
	struct rv_options o;

	assert_int_equal(parse_args(&o, err, "--dev", "tun", "--secret", key, "0", "--cipher",
	    "CHACHA20-POLY1305", NULL), 0);
	assert_int_equal(rv_options_check(&o, err), RV_ERR_FORMAT);
	assert_string_equal(err, "command line: --cipher: CHACHA20-POLY1305 is an AEAD cipher, "
	    "which needs TLS mode; static-key mode uses a CBC cipher such as AES-256-CBC");
	rv_options_clear(&o);
}

/* A --config file applies where it is named: options after it override it,
 * options before it are overridden by it. */
static void
test_argv_config_position(void **state)
{
	struct tmpfiles *t = *state;
	const char *conf = write_file(t, "verb 4\ndev tun7\nmute 9\n");
	char err[RV_OPT_ERRLEN];
	struct rv_options o;
	struct rv_optloc w;

	assert_int_equal(parse_args(&o, err, "--verb", "3", "--dev", "tun1", "--config",
	    conf, "--verb", "5", NULL), 0);
	assert_int_equal(o.verb, 5);
	assert_string_equal(o.dev, "tun7");
	assert_int_equal(o.mute, 9);
	assert_string_equal(o.first_config, conf);
	w = rv_options_where(&o, "dev");
	assert_string_equal(w.file, conf);
	assert_int_equal(w.line, 2);
	w = rv_options_where(&o, "verb");
	assert_string_equal(w.file, "command line");
	rv_options_clear(&o);

	assert_int_equal(parse_args(&o, err, "--verb", "3", "--config", conf, NULL), 0);
	assert_int_equal(o.verb, 4);
	rv_options_clear(&o);

	/* "roamvpn FILE" is "roamvpn --config FILE" */
	assert_int_equal(parse_args(&o, err, conf, NULL), 0);
	assert_int_equal(o.verb, 4);
	assert_string_equal(o.first_config, conf);
	rv_options_clear(&o);
}

/* Errors inside a --config file name that file and its line; check errors
 * for options never given name the first config file. */
static void
test_argv_config_errors(void **state)
{
	struct tmpfiles *t = *state;
	const char *bad = write_file(t, "dev tun\n\nverb x\n");
	const char *nodev = write_file(t, "verb 2\n");
	char err[RV_OPT_ERRLEN], want[RV_OPT_ERRLEN];
	struct rv_options o;

	assert_int_equal(parse_args(&o, err, "--config", bad, NULL), RV_ERR_FORMAT);
	snprintf(want, sizeof(want), "%s:3: verb: expects a number from 0 to 11, got `x'", bad);
	assert_string_equal(err, want);
	rv_options_clear(&o);

	assert_int_equal(parse_args(&o, err, nodev, NULL), 0);
	assert_int_equal(rv_options_check(&o, err), RV_ERR_FORMAT);
	snprintf(want, sizeof(want), "%s: dev: no device given: add --dev tun (or tap, or null)",
	    nodev);
	assert_string_equal(err, want);
	rv_options_clear(&o);
}

/* Nested --config files, and one that includes itself. */
static void
test_argv_config_nested(void **state)
{
	struct tmpfiles *t = *state;
	const char *inner = write_file(t, "mute 3\nverb 9\n");
	char text[128], err[RV_OPT_ERRLEN], want[RV_OPT_ERRLEN];
	const char *outer, *loop;
	struct rv_options o;
	FILE *f;

	snprintf(text, sizeof(text), "dev tun\nconfig %s\nverb 2\n", inner);
	outer = write_file(t, text);
	assert_int_equal(parse_args(&o, err, "--config", outer, NULL), 0);
	assert_int_equal(o.mute, 3);
	assert_int_equal(o.verb, 2);
	assert_string_equal(o.first_config, outer);
	rv_options_clear(&o);

	/* a file that names itself: written once its name is known */
	loop = write_file(t, "");
	snprintf(text, sizeof(text), "verb 1\nconfig %s\n", loop);
	f = fopen(loop, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(parse_args(&o, err, "--config", loop, NULL), RV_ERR_FORMAT);
	snprintf(want, sizeof(want), "%s:2: config: more than 10 nested --config files (does "
	    "`%s' include itself?)", loop, loop);
	assert_string_equal(err, want);
	rv_options_clear(&o);
}

/* --cd changes directory before later files are read. */
static void
test_argv_cd(void **state)
{
	struct tmpfiles *t = *state;
	char dir[] = "/tmp/rvopt-dir-XXXXXX", cwd[4096], err[RV_OPT_ERRLEN];
	const char *conf, *base;
	struct rv_options o;
	int r;

	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_non_null(mkdtemp(dir));
	conf = write_file_in(t, dir, "dev tun5\n");
	base = strrchr(conf, '/') + 1;
	r = parse_args(&o, err, "--cd", dir, "--config", base, NULL);
	assert_int_equal(chdir(cwd), 0);
	assert_int_equal(r, 0);
	assert_string_equal(o.dev, "tun5");
	rv_options_clear(&o);
	unlink(conf);   /* the teardown's second unlink() fails harmlessly */
	assert_int_equal(rmdir(dir), 0);
}

/* --- memory ------------------------------------------------------------------------ */

/* Every option that allocates, twice over, then rv_options_clear():
 * LeakSanitizer (sanitizer build) reports anything left behind. */
static void
test_clear_frees_all(void **state)
{
	struct tmpfiles *t = *state;
	const char *key = write_file(t, KEY_2048);
	const char *conf = write_file(t, "verb 3\n");
	char text[4096], err[RV_OPT_ERRLEN];
	struct rv_options o;
	char *argv[] = { "roamvpn", "--config", (char *)conf, "--log", "/tmp/a.log" };

	snprintf(text, sizeof(text),
	    "log /tmp/a.log\nlog-append /tmp/b.log\ndaemon rv1\ndaemon rv2\nsyslog s1\n"
	    "syslog s2\nwritepid /tmp/p1\nwritepid /tmp/p2\nproviders legacy default\n"
	    "providers base\ndev tun0\ndev tun1\n"
	    "dev-node /dev/a\ndev-node /dev/b\nifconfig 10.0.0.1 10.0.0.2\n"
	    "ifconfig 10.0.0.3 10.0.0.4\nroute 10.1.0.0 255.255.0.0 10.0.0.4 3\n"
	    "route 10.2.0.0 255.255.0.0\nroute-gateway 10.0.0.4\nroute-gateway 10.0.0.5\n"
	    "local 127.0.0.1\nlocal 127.0.0.2\nlport 1\nlport 2\nrport 3\nrport 4\nport 5\n"
	    "remote a 1\nremote b\nsecret %s 0\nsecret %s 1\n<secret>\n" KEY_2048 "</secret>\n"
	    "<secret>\n" KEY_2048 "</secret>\ncipher AES-128-CBC\ncipher AES-256-CBC\n"
	    "auth SHA1\nauth SHA256\nignore-unknown-option a b\nignore-unknown-option c\n"
	    "setenv opt cipher AES-256-CBC\n", key, key);
	assert_int_equal(parse(&o, text, err), 0);
	assert_int_equal(rv_options_parse_argv(&o, 5, argv, err), 0);
	assert_int_equal(rv_options_check(&o, err), 0);
	assert_true(o.has_key);
	rv_options_clear(&o);
	/* cleared means zeroed */
	assert_null(o.dev);
	assert_null(o.locs);
	assert_null(o.files);
	assert_int_equal(o.nremotes, 0);
	assert_int_equal(o.key.n, 0);

	/* --genkey skips the check, so its file name gets a parse of its own */
	assert_int_equal(parse(&o, "genkey secret /tmp/k1\ngenkey secret /tmp/k2\n", err), 0);
	assert_int_equal(rv_options_check(&o, err), 0);
	assert_int_equal(o.genkey, RV_GENKEY_SECRET);
	assert_string_equal(o.genkey_file, "/tmp/k2");
	rv_options_clear(&o);
}

/* Errors part-way (in a handler, in a nested file, in the check) leave
 * nothing that rv_options_clear() misses. */
static void
test_clear_after_errors(void **state)
{
	static const char *const texts[] = {
		"dev tun\nremote a 1\nroute 10.0.0.0 255.0.0.0 10.0.0.1 x\n",
		"dev tun\nremote a 70000\n",
		"dev tun\nsecret k 7\n",
		"dev tun\n<secret>\n" KEY_2048 "</secret>\nkey-direction 0\ncipher AES-256-GCM\n",
		"providers a b\nignore-unknown-option x\nlog /tmp/x\nverb 99\n",
		"dev tun\nremote \"unterminated\n",
		"dev tun\n<secret>\n" KEY_2048,
	};

	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		char err[RV_OPT_ERRLEN];
		struct rv_options o;

		assert_int_not_equal(parse_check(&o, texts[i], err), 0);
		assert_true(err[0] != '\0');
		rv_options_clear(&o);
	}
}

/* Clearing twice, or clearing a freshly initialised struct, is harmless. */
static void
test_clear_twice(void **state)
{
	struct rv_options o;

	(void)state;
	assert_int_equal(rv_options_init(&o), 0);
	rv_options_clear(&o);
	rv_options_clear(&o);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup_files, teardown_files)

/* Compression options (options_comp.c): openvpn 2.6's meanings, errors
 * whichever order allow-compression no and real compression come in. */
static void
test_compression(void **state)
{
	struct rv_options o;

	(void)state;
	assert_ok(&o, "dev tun\n");
	assert_int_equal(o.comp.alg, RV_COMP_NONE);
	assert_int_equal(o.comp.allow, RV_COMP_ALLOW_UNSET);
	rv_options_clear(&o);
	assert_ok(&o, "dev tun\ncomp-lzo\n");
	assert_int_equal(o.comp.alg, RV_COMP_LZO);
	assert_true(o.comp.adaptive);
	rv_options_clear(&o);
	assert_ok(&o, "dev tun\ncomp-lzo\ncomp-noadapt\nallow-compression yes\n");
	assert_false(o.comp.adaptive);
	assert_int_equal(o.comp.allow, RV_COMP_ALLOW_YES);
	rv_options_clear(&o);
	assert_ok(&o, "dev tun\ncomp-lzo yes\ncompress stub-v2\n");
	assert_int_equal(o.comp.alg, RV_COMP_STUB_V2);
	rv_options_clear(&o);
	assert_ok(&o, "dev tun\nallow-compression no\ncomp-lzo no\ncompress\n");
	assert_int_equal(o.comp.alg, RV_COMP_STUB);
	assert_int_equal(o.comp.allow, RV_COMP_ALLOW_NO);
	rv_options_clear(&o);
	assert_fails("comp-lzo maybe\n",
	    "t.conf:1: comp-lzo: `maybe': expects yes, no or adaptive");
	assert_fails("compress lz4\n", "t.conf:1: compress: `lz4': roamvpn is built without "
	    "LZ4 support; requested compression cannot be enabled (use lzo, stub or stub-v2)");
	assert_fails("allow-compression maybe\n",
	    "t.conf:1: allow-compression: expects yes, no or asym, got `maybe'");
	assert_fails("comp-lzo yes\nallow-compression no\n",
	    "t.conf:2: allow-compression: 'no' conflicts with enabling compression");
	assert_fails("allow-compression no\ncompress lzo\n", "t.conf:2: compress: compression is "
	    "not allowed since allow-compression is set to 'no'");
	assert_fails("allow-compression no\nallow-compression asym\n", "t.conf:2: "
	    "allow-compression: cannot be set to 'asym' after it was set to 'no'");

	/* compress migrate: no framing, not stub-only (openvpn 2.6.14: alg 0,
	 * flags 32); a later compress ends it, a later comp-lzo does not. */
	assert_ok(&o, "dev tun\ncompress migrate\n");
	assert_int_equal(o.comp.alg, RV_COMP_NONE);
	assert_true(o.comp.migrate);
	assert_false(rv_comp_conf_stub_only(&o.comp));
	rv_options_clear(&o);
	assert_ok(&o, "dev tun\ncompress migrate\ncompress stub-v2\n");
	assert_false(o.comp.migrate);
	rv_options_clear(&o);
	assert_ok(&o, "dev tun\ncompress migrate\ncomp-lzo no\n");
	assert_true(o.comp.migrate);
	assert_int_equal(o.comp.alg, RV_COMP_LZO_STUB);
	assert_false(rv_comp_conf_stub_only(&o.comp));
	rv_options_clear(&o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_mssfix_forms),
		cmocka_unit_test(test_dev_type),
		cmocka_unit_test(test_later_overrides),
		cmocka_unit_test_setup_teardown(test_route_defaults, setup_opts, teardown_opts),
		cmocka_unit_test_setup_teardown(test_route_gateway_metric, setup_opts,
		    teardown_opts),
		cmocka_unit_test(test_keepalive),
		cmocka_unit_test(test_setenv_and_ignore),
		cmocka_unit_test(test_inline_secret),
		T(test_secret_file),
		cmocka_unit_test(test_error_numbers),
		cmocka_unit_test(test_error_keywords),
		cmocka_unit_test(test_proto_names),
		cmocka_unit_test(test_proto_per_remote),
		cmocka_unit_test(test_error_arg_count),
		cmocka_unit_test(test_status_management),
		cmocka_unit_test(test_error_unknown),
		cmocka_unit_test(test_error_placement),
		cmocka_unit_test(test_error_dev),
		cmocka_unit_test(test_error_keepalive),
		cmocka_unit_test(test_error_ifconfig),
		cmocka_unit_test(test_error_route),
		cmocka_unit_test(test_error_ipv6),
		cmocka_unit_test(test_error_secret),
		cmocka_unit_test(test_error_crypto),
		cmocka_unit_test(test_error_default_cipher),
		cmocka_unit_test(test_cipher_without_secret),
		cmocka_unit_test(test_argv_values),
		cmocka_unit_test(test_argv_errors),
		cmocka_unit_test(test_argv_words),
		T(test_argv_aead),
		T(test_argv_config_position),
		T(test_argv_config_errors),
		T(test_argv_config_nested),
		T(test_argv_cd),
		T(test_clear_frees_all),
		cmocka_unit_test(test_clear_after_errors),
		cmocka_unit_test(test_clear_twice),
		cmocka_unit_test(test_compression),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
