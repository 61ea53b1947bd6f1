/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for mgmt.c and mgmt_cmd.c: the command parser (each command,
 * malformed and over-long lines), the answers as openvpn 2.6.14 words them,
 * >STATE and >LOG, and the bound on output waiting for a slow reader.
 *
 * mgmt.c and mgmt_cmd.c are included to reach their static functions: the "management
 * client" is one end of a socketpair standing in for an accepted
 * connection; the test reads the daemon's answers from the other end.
 */
#include "../../src/roamvpn/mgmt.c"
#include "../../src/roamvpn/mgmt_cmd.c"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "mock_clock.h"

enum { WALL = 1796434984 };

struct fixture {
	struct rv_mgmt *m;
	int peer;                    /* the management client's end */
	char dir[64], path[96];
	/* what the fake daemon saw */
	int signals[8], nsignals;
	char killed_cn[64];
	unsigned long killed_cid;
	char kill_msg[64];
	int status_version;
	char greeting[256];          /* what came on connecting */
};

static const char *answer(struct fixture *f);

static void
fake_status(void *arg, int version, rv_status_emit_fn *emit, void *emit_arg)
{
	struct fixture *f = arg;

	f->status_version = version;
	emit(emit_arg, "OpenVPN STATISTICS");
	emit(emit_arg, "END");
}

static void
fake_signal(void *arg, int signo)
{
	struct fixture *f = arg;

	if (f->nsignals < 8)
		f->signals[f->nsignals++] = signo;
}

static void
fake_bytes(void *arg, uint64_t *in, uint64_t *out)
{
	(void)arg;
	*in = 100;
	*out = 200;
}

static int
fake_kill_cn(void *arg, const char *cn)
{
	struct fixture *f = arg;

	snprintf(f->killed_cn, sizeof(f->killed_cn), "%s", cn);
	return strcmp(cn, "alice") == 0 ? 2 : 0;
}

static int
fake_kill_addr(void *arg, struct in_addr a, uint16_t port)
{
	(void)arg;
	return a.s_addr == htonl(0x0a000001) && port == 1194 ? 1 : 0;
}

static bool
fake_kill_cid(void *arg, unsigned long cid, const char *msg)
{
	struct fixture *f = arg;

	f->killed_cid = cid;
	snprintf(f->kill_msg, sizeof(f->kill_msg), "%s", msg != NULL ? msg : "(null)");
	return cid == 3;
}

/* A server's report: its model through the status formatter. */
static void
server_status(void *arg, int version, rv_status_emit_fn *emit, void *emit_arg)
{
	const struct rv_status_client c = { .common_name = "alice", .real_addr = "10.0.0.1:1194",
	    .virt4 = "10.8.0.2", .bytes_rx = 1, .bytes_tx = 2, .connected_since = WALL,
	    .client_id = 3, .peer_id = 0, .cipher = "AES-256-GCM" };
	const struct rv_status_server s = { .title = "roamvpn T", .now = WALL, .clients = &c,
	    .nclients = 1, .has_bcast_queue = true };

	(void)arg;
	rv_status_format_server(&s, version, emit, emit_arg);
}

static int
fake_n_clients(void *arg)
{
	(void)arg;
	return 4;
}

/* A management interface on a unix socket, "connected" through a
 * socketpair, with client-daemon ops (server ops when server is true). */
static struct fixture *
setup_mgmt(bool server)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct rv_mgmt_config c = { .is_unix = true, .title = "roamvpn T" };
	struct rv_mgmt_ops ops;
	int sv[2];

	assert_non_null(f);
	mock_clock_set(1, WALL);
	snprintf(f->dir, sizeof(f->dir), "/tmp/test_mgmt.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/sock", f->dir);
	c.addr = f->path;
	assert_int_equal(rv_mgmt_open(&f->m, &c), 0);
	ops = (struct rv_mgmt_ops){
		.arg = f, .status = { fake_status, f }, .signal = fake_signal, .bytes = fake_bytes,
	};
	if (server) {
		ops.kill_by_cn = fake_kill_cn;
		ops.kill_by_addr = fake_kill_addr;
		ops.kill_by_cid = fake_kill_cid;
		ops.n_clients = fake_n_clients;
		ops.status = (struct rv_status_source){ server_status, f };
	}
	f->m->ops = ops;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
	f->m->cfd = sv[0];
	f->peer = sv[1];
	welcome(f->m);
	kick(f->m);
	snprintf(f->greeting, sizeof(f->greeting), "%s", answer(f));
	return f;
}

static int
setup_client(void **state)
{
	*state = setup_mgmt(false);
	return 0;
}

static int
setup_server(void **state)
{
	*state = setup_mgmt(true);
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	struct stat st;

	rv_mgmt_close(f->m);
	assert_int_not_equal(stat(f->path, &st), 0);   /* the socket file is removed */
	rmdir(f->dir);
	close(f->peer);
	free(f);
	return 0;
}

/* Everything the daemon sent since the last call. */
static const char *
answer(struct fixture *f)
{
	static char buf[1 << 16];
	size_t len = 0;
	ssize_t n;

	while ((n = read(f->peer, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	return buf;
}

/* Sends text as the management client would and returns the answer. */
static const char *
send_text(struct fixture *f, const char *text)
{
	consume(f->m, text, strlen(text));
	return answer(f);
}

static void
expect(struct fixture *f, const char *cmd, const char *want)
{
	char line[512];

	snprintf(line, sizeof(line), "%s\n", cmd);
	assert_string_equal(send_text(f, line), want);
}

/* --- the parser ------------------------------------------------------------------ */

static void
test_split(void **state)
{
	static const struct {
		const char *in;
		int n;
		const char *w[3];
	} cases[] = {
		{ "", 0, { NULL } },
		{ "   \t ", 0, { NULL } },
		{ "status 2", 2, { "status", "2" } },
		{ "  kill   alice  ", 2, { "kill", "alice" } },
		{ "client-kill 3 \"a b\"", 3, { "client-kill", "3", "a b" } },
		{ "x a\\ b", 2, { "x", "a b" } },
		{ "x 'a\\b'", 2, { "x", "a\\b" } },
		{ "x \"a\\\"b\"", 2, { "x", "a\"b" } },
		{ "x \"open", -1, { NULL } },
		{ "x 'open", -1, { NULL } },
	};
	char *w[RV_MGMT_MAX_PARAMS], line[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int n;

		snprintf(line, sizeof(line), "%s", cases[i].in);
		n = split(line, w, RV_MGMT_MAX_PARAMS);
		assert_int_equal(n, cases[i].n);
		for (int j = 0; j < n && j < 3; j++)
			assert_string_equal(w[j], cases[i].w[j]);
	}
	/* More words than RV_MGMT_MAX_PARAMS: the rest is ignored. */
	snprintf(line, sizeof(line), "a b c d e f g h i j k l m n o p q r s");
	assert_int_equal(split(line, w, RV_MGMT_MAX_PARAMS), RV_MGMT_MAX_PARAMS);
	assert_string_equal(w[15], "p");
}

/* --- commands of a client daemon ------------------------------------------------- */

static void
test_greeting_and_basics(void **state)
{
	struct fixture *f = *state;
	char want[128];
	const char *a;

	assert_string_equal(f->greeting, ">INFO:OpenVPN Management Interface Version 5 -- type "
	    "'help' for more info\r\n");
	expect(f, "version", "OpenVPN Version: roamvpn T\r\nManagement Version: 5\r\nEND\r\n");
	expect(f, "version 3", "");
	snprintf(want, sizeof(want), "SUCCESS: pid=%d\r\n", (int)getpid());
	expect(f, "pid", want);
	a = send_text(f, "help\n");
	assert_true(strncmp(a, "Management Interface for roamvpn T\r\nCommands:\r\n", 47) == 0);
	assert_non_null(strstr(a, "\r\nsignal s               : Send signal s to daemon,\r\n"));
	assert_non_null(strstr(a, "show current version of daemon.\r\nEND\r\n"));
	expect(f, "hold", "SUCCESS: hold=0\r\n");
	expect(f, "hold on", "SUCCESS: hold flag set to ON\r\n");
	expect(f, "hold", "SUCCESS: hold=1\r\n");
	expect(f, "hold off", "SUCCESS: hold flag set to OFF\r\n");
	expect(f, "hold release", "SUCCESS: hold release succeeded\r\n");
	expect(f, "hold x", "ERROR: bad hold command parameter\r\n");
	expect(f, "load-stats", "SUCCESS: nclients=0,bytesin=100,bytesout=200\r\n");
	expect(f, "nclients", "ERROR: The 'nclients' command is not supported by the current "
	    "daemon mode\r\n");
}

static void
test_levels(void **state)
{
	struct fixture *f = *state;
	int verb = rv_log_get_verb();

	expect(f, "verb 5", "SUCCESS: verb level changed\r\n");
	expect(f, "verb", "SUCCESS: verb=5\r\n");
	expect(f, "verb 16", "ERROR: verb level is out of range\r\n");
	expect(f, "verb -1", "ERROR: verb level is out of range\r\n");
	expect(f, "mute 7", "SUCCESS: mute level changed\r\n");
	expect(f, "mute", "SUCCESS: mute=7\r\n");
	expect(f, "mute -1", "ERROR: mute level is out of range\r\n");
	rv_log_set_verb(verb);
	rv_log_set_mute(0);
}

static void
test_signal_status_bytecount(void **state)
{
	struct fixture *f = *state;

	expect(f, "signal SIGUSR2", "SUCCESS: signal SIGUSR2 thrown\r\n");
	expect(f, "signal SIGHUP", "SUCCESS: signal SIGHUP thrown\r\n");
	assert_int_equal(f->nsignals, 2);
	assert_int_equal(f->signals[0], SIGUSR2);
	assert_int_equal(f->signals[1], SIGHUP);
	expect(f, "signal SIGKILL", "ERROR: signal 'SIGKILL' is not a known signal type\r\n");
	expect(f, "signal", "ERROR: the 'signal' command requires 1 parameter\r\n");
	expect(f, "status", "OpenVPN STATISTICS\r\nEND\r\n");
	assert_int_equal(f->status_version, 0);
	expect(f, "status 3", "OpenVPN STATISTICS\r\nEND\r\n");
	assert_int_equal(f->status_version, 3);
	expect(f, "bytecount 5", "SUCCESS: bytecount interval changed\r\n");
	assert_int_equal(f->m->bytecount_secs, 5);
	expect(f, "bytecount x", "SUCCESS: bytecount interval changed\r\n");
	assert_int_equal(f->m->bytecount_secs, 0);
	expect(f, "bytecount", "ERROR: the 'bytecount' command requires 1 parameter\r\n");
	/* While holding, SIGUSR1 and SIGHUP are refused, the >HOLD line repeated. */
	f->m->holding = true;
	snprintf(f->m->special, sizeof(f->m->special), ">HOLD:Waiting for hold release:0");
	expect(f, "signal SIGUSR1", "ERROR: signal 'SIGUSR1' is currently ignored\r\n"
	    ">HOLD:Waiting for hold release:0\r\n");
	f->m->holding = false;
}

static void
test_not_on_a_client(void **state)
{
	struct fixture *f = *state;

	expect(f, "kill alice", "ERROR: The 'kill' command is not supported by the current "
	    "daemon mode\r\n");
	expect(f, "kill", "ERROR: the 'kill' command requires 1 parameter\r\n");
	expect(f, "client-kill 1", "ERROR: The 'client-kill' command is not supported by the "
	    "current daemon mode\r\n");
	expect(f, "client-kill", "ERROR: the 'client-kill' command requires at least 1 "
	    "parameter\r\n");
	expect(f, "password Auth x", "ERROR: The 'password' command is not supported by the "
	    "current daemon mode\r\n");
	expect(f, "frobnicate", "ERROR: unknown command, enter 'help' for more options\r\n");
	expect(f, "log", "ERROR: the 'log' command requires at least 1 parameter\r\n");
}

/* --- history and notifications ------------------------------------------------------ */

static void
test_state(void **state)
{
	struct fixture *f = *state;
	struct in_addr ip = { htonl(0x0a080002) };
	struct in6_addr ip6 = { .s6_addr = { 0xfd, 0, 0, 8, [15] = 0x10 } };
	struct rv_sockaddr remote = { .len = sizeof(struct sockaddr_in) };
	struct rv_mgmt_state_info info = { .desc = "SUCCESS", .local_ip = &ip, .remote = &remote };

	remote.u.in4.sin_family = AF_INET;
	remote.u.in4.sin_addr.s_addr = htonl(0xc0000201);
	remote.u.in4.sin_port = htons(1194);
	expect(f, "state", "END\r\n");
	rv_mgmt_set_state(f->m, RV_MGMT_CONNECTING, NULL);
	expect(f, "state on", "SUCCESS: real-time state notification set to ON\r\n");
	rv_mgmt_set_state(f->m, RV_MGMT_CONNECTED, &info);
	assert_string_equal(answer(f), ">STATE:1796434984,CONNECTED,SUCCESS,10.8.0.2,"
	    "192.0.2.1,1194,,\r\n");
	info.local_ip6 = &ip6;
	info.local = &remote;
	rv_mgmt_set_state(f->m, RV_MGMT_RECONNECTING, &info);
	assert_string_equal(answer(f), ">STATE:1796434984,RECONNECTING,SUCCESS,10.8.0.2,"
	    "192.0.2.1,1194,192.0.2.1,1194,fd00:8::10\r\n");
	expect(f, "state off", "SUCCESS: real-time state notification set to OFF\r\n");
	rv_mgmt_set_state(f->m, RV_MGMT_EXITING, NULL);
	assert_string_equal(answer(f), "");
	expect(f, "state 2", "1796434984,RECONNECTING,SUCCESS,10.8.0.2,192.0.2.1,1194,"
	    "192.0.2.1,1194,fd00:8::10\r\n1796434984,EXITING,,,,,,\r\nEND\r\n");
	expect(f, "state", "1796434984,EXITING,,,,,,\r\nEND\r\n");
	expect(f, "state all", "1796434984,CONNECTING,,,,,,\r\n1796434984,CONNECTED,SUCCESS,"
	    "10.8.0.2,192.0.2.1,1194,,\r\n1796434984,RECONNECTING,SUCCESS,10.8.0.2,192.0.2.1,"
	    "1194,192.0.2.1,1194,fd00:8::10\r\n1796434984,EXITING,,,,,,\r\nEND\r\n");
	expect(f, "state bogus", "ERROR: state parameter must be 'on' or 'off' or some number n "
	    "or 'all'\r\n");
	/* The history keeps the last RV_MGMT_STATE_HISTORY states. */
	for (int i = 0; i < RV_MGMT_STATE_HISTORY + 20; i++)
		rv_mgmt_set_state(f->m, RV_MGMT_WAIT, NULL);
	assert_int_equal(f->m->st_n, RV_MGMT_STATE_HISTORY);
	send_text(f, "state all\n");
}

static void
test_log(void **state)
{
	struct fixture *f = *state;
	int verb = rv_log_get_verb();

	rv_log_set_verb(3);
	expect(f, "echo all", "END\r\n");
	expect(f, "echo on", "SUCCESS: real-time echo notification set to ON\r\n");
	rv_log(RV_LOG_INFO, "an info line");
	rv_log(RV_LOG_NOTICE, "a notice");
	expect(f, "log 3", "1796434984,I,an info line\r\n1796434984,,a notice\r\n"
	    "1796434984,D,MANAGEMENT: CMD 'log 3'\r\nEND\r\n");
	expect(f, "log on all", "SUCCESS: real-time log notification set to ON\r\n"
	    "1796434984,D,MANAGEMENT: CMD 'echo all'\r\n"
	    "1796434984,D,MANAGEMENT: CMD 'echo on'\r\n"
	    "1796434984,I,an info line\r\n1796434984,,a notice\r\n"
	    "1796434984,D,MANAGEMENT: CMD 'log 3'\r\n"
	    "1796434984,D,MANAGEMENT: CMD 'log on all'\r\nEND\r\n");
	rv_log(RV_LOG_WARN, "careful");
	rv_log(RV_LOG_ERR, "broken");
	rv_log(RV_LOG_DEBUG, "not shown at verb 3");
	assert_string_equal(answer(f), ">LOG:1796434984,W,WARNING: careful\r\n"
	    ">LOG:1796434984,N,ERROR: broken\r\n");
	rv_log(RV_LOG_FATAL, "the end");
	assert_string_equal(answer(f), ">LOG:1796434984,F,ERROR: the end\r\n"
	    ">FATAL:ERROR: the end\r\n");
	expect(f, "log off", ">LOG:1796434984,D,MANAGEMENT: CMD 'log off'\r\n"
	    "SUCCESS: real-time log notification set to OFF\r\n");
	expect(f, "load-stats", "SUCCESS: nclients=0,bytesin=100,bytesout=200\r\n");
	expect(f, "log 1", "1796434984,D,MANAGEMENT: CMD 'log 1'\r\nEND\r\n");
	rv_log_set_verb(verb);
}

/* --- malformed input ------------------------------------------------------------- */

static void
test_malformed_lines(void **state)
{
	struct fixture *f = *state;
	char pid[64], big[3 * RV_MGMT_LINE_MAX];

	snprintf(pid, sizeof(pid), "SUCCESS: pid=%d\r\n", (int)getpid());
	/* "\r\n" line ends, control and 8-bit bytes vanish, as in openvpn. */
	assert_string_equal(send_text(f, "\x01p\x7fi\xff" "d\r\n"), pid);
	/* A line arriving in pieces. */
	assert_string_equal(send_text(f, "pi"), "");
	assert_string_equal(send_text(f, "d\n"), pid);
	/* Blank lines are ignored. */
	assert_string_equal(send_text(f, "\n   \n"), "");
	/* Over-long: dropped whole with one error; the next line works. */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_string_equal(send_text(f, big), "");
	snprintf(big, sizeof(big), "ERROR: unknown command, enter 'help' for more options\r\n%s",
	    pid);
	assert_string_equal(send_text(f, "\npid\n"), big);
}

/* --- commands of a server daemon ------------------------------------------------- */

static void
test_server_commands(void **state)
{
	struct fixture *f = *state;

	answer(f);
	expect(f, "kill alice", "SUCCESS: common name 'alice' found, 2 client(s) killed\r\n");
	expect(f, "kill bob", "ERROR: common name 'bob' not found\r\n");
	assert_string_equal(f->killed_cn, "bob");
	expect(f, "kill 10.0.0.1:1194", "SUCCESS: 1 client(s) at address 10.0.0.1:1194 killed\r\n");
	expect(f, "kill 10.0.0.1:1195", "ERROR: client at address 10.0.0.1:1195 not found\r\n");
	expect(f, "kill 10.0.0.1:0", "ERROR: port number is out of range: 0\r\n");
	expect(f, "kill 10.0.0.1:70000", "ERROR: port number is out of range: 70000\r\n");
	expect(f, "kill nohost:5", "ERROR: error parsing IP address: nohost\r\n");
	expect(f, "client-kill 3", "SUCCESS: client-kill command succeeded\r\n");
	assert_string_equal(f->kill_msg, "(null)");
	expect(f, "client-kill 4 HALT", "ERROR: client-kill command failed\r\n");
	assert_int_equal(f->killed_cid, 4);
	assert_string_equal(f->kill_msg, "HALT");
	expect(f, "client-kill x", "ERROR: cannot parse CID\r\n");
	expect(f, "nclients", "SUCCESS: nclients=4\r\n");
	setenv("TZ", "UTC", 1);
	tzset();
	expect(f, "status 3", "TITLE\troamvpn T\r\nTIME\t2026-12-05 01:43:04\t1796434984\r\n"
	    "HEADER\tCLIENT_LIST\tCommon Name\tReal Address\tVirtual Address\t"
	    "Virtual IPv6 Address\tBytes Received\tBytes Sent\tConnected Since\t"
	    "Connected Since (time_t)\tUsername\tClient ID\tPeer ID\tData Channel Cipher\r\n"
	    "CLIENT_LIST\talice\t10.0.0.1:1194\t10.8.0.2\t\t1\t2\t2026-12-05 01:43:04\t"
	    "1796434984\tUNDEF\t3\t0\tAES-256-GCM\r\n"
	    "HEADER\tROUTING_TABLE\tVirtual Address\tCommon Name\tReal Address\tLast Ref\t"
	    "Last Ref (time_t)\r\n"
	    "GLOBAL_STATS\tMax bcast/mcast queue length\t0\r\n"
	    "GLOBAL_STATS\tdco_enabled\t0\r\nEND\r\n");
	assert_non_null(strstr(send_text(f, "status\n"), "OpenVPN CLIENT LIST\r\nUpdated,"));
	expect(f, "status 9", "ERROR: bad status format version number\r\n");
	expect(f, "load-stats", "SUCCESS: nclients=4,bytesin=100,bytesout=200\r\n");
}

/* --- leaving ------------------------------------------------------------------------- */

static void
test_quit(void **state)
{
	struct fixture *f = *state;
	char c;

	answer(f);
	/* Commands after quit in the same read are not run. */
	assert_string_equal(send_text(f, "quit\npid\n"), "");
	assert_int_equal(f->m->cfd, -1);
	assert_int_equal(read(f->peer, &c, 1), 0);   /* closed */
}

/* A management client that does not read: its queue stops at
 * RV_MGMT_OUTQ_MAX and it is disconnected; the daemon never blocks. */
static void
test_output_bound(void **state)
{
	struct fixture *f = *state;
	int small = 4096;
	char line[1000];
	int i;

	setsockopt(f->m->cfd, SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
	memset(line, 'z', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	for (i = 0; i < 2 * RV_MGMT_OUTQ_MAX / (int)sizeof(line) && f->m->cfd >= 0; i++) {
		rv_mgmt_push_raw(f->m, line);
		kick(f->m);
		assert_true(f->m->outlen - f->m->outoff <= RV_MGMT_OUTQ_MAX);
	}
	assert_int_equal(f->m->cfd, -1);
	assert_true(i > RV_MGMT_OUTQ_MAX / (int)sizeof(line) - 10);
	assert_true(f->m->outcap <= 2 * (size_t)RV_MGMT_OUTQ_MAX);
	/* Nothing more is queued for a client that is gone. */
	rv_mgmt_push_raw(f->m, "x");
	assert_int_equal(f->m->outlen, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split),
		cmocka_unit_test_setup_teardown(test_greeting_and_basics, setup_client, teardown),
		cmocka_unit_test_setup_teardown(test_levels, setup_client, teardown),
		cmocka_unit_test_setup_teardown(test_signal_status_bytecount, setup_client, teardown),
		cmocka_unit_test_setup_teardown(test_not_on_a_client, setup_client, teardown),
		cmocka_unit_test_setup_teardown(test_state, setup_client, teardown),
		cmocka_unit_test_setup_teardown(test_log, setup_client, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_lines, setup_client, teardown),
		cmocka_unit_test_setup_teardown(test_server_commands, setup_server, teardown),
		cmocka_unit_test_setup_teardown(test_quit, setup_client, teardown),
		cmocka_unit_test_setup_teardown(test_output_bound, setup_client, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
