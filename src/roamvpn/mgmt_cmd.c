/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mgmt_cmd: the management commands and their answers, worded as openvpn
 * 2.6.14 words them (its manage.c and a running openvpn were the reference
 * for every string; tests/net/mgmt-client.sh compares them line by line).
 */
#include "mgmt_cmd.h"

#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"

/* Link bytes of this process: finished runs plus the current one. */
void
rv_mgmt_total_bytes(struct rv_mgmt *m, uint64_t *in, uint64_t *out)
{
	uint64_t ri = 0, ro = 0;

	if (m->ops.bytes != NULL)
		m->ops.bytes(m->ops.arg, &ri, &ro);
	*in = m->bytes_in + ri;
	*out = m->bytes_out + ro;
}

static void
unsupported(struct rv_mgmt *m, const char *cmd)
{
	rv_mgmt_push(m, "ERROR: The '%s' command is not supported by the current daemon mode", cmd);
}

/*
 * Splits a command line into at most max words, in place: words are
 * separated by blanks; "double quotes" and 'single quotes' group, and a
 * backslash escapes the next character outside single quotes (openvpn's
 * configuration-line rules). Returns the number of words, or -1 for an
 * unterminated quote.
 */
static int
split(char *line, char **w, int max)
{
	char *r = line, *o = line;
	int n = 0;

	while (*r != '\0') {
		char q = 0;

		while (*r == ' ' || *r == '\t')
			r++;
		if (*r == '\0')
			break;
		if (n == max)
			return n;
		w[n++] = o;
		while (*r != '\0' && (q != 0 || (*r != ' ' && *r != '\t'))) {
			if (q == 0 && (*r == '"' || *r == '\'')) {
				q = *r++;
			} else if (q != 0 && *r == q) {
				q = 0;
				r++;
			} else if (*r == '\\' && q != '\'' && r[1] != '\0') {
				*o++ = r[1];
				r += 2;
			} else {
				*o++ = *r++;
			}
		}
		if (q != 0)
			return -1;
		if (*r != '\0')
			r++;
		*o++ = '\0';
	}
	return n;
}

/* openvpn's argument count check: "ERROR: the 'x' command requires ...". */
static bool
need(struct rv_mgmt *m, char **w, int n, int want, bool at_least)
{
	if (n - 1 >= want)
		return true;
	rv_mgmt_push(m, "ERROR: the '%s' command requires %s%d parameter%s", w[0],
	    at_least ? "at least " : "", want, want > 1 ? "s" : "");
	return false;
}

static void
cmd_help(struct rv_mgmt *m)
{
	static const char *const lines[] = {
		"Commands:",
		"bytecount n            : Show bytes in/out, update every n secs (0=off).",
		"echo [on|off] [N|all]  : Like log, but only show messages in echo buffer.",
		"exit|quit              : Close management session.",
		"help                   : Print this message.",
		"hold [on|off|release]  : Set/show hold flag to on/off state, or",
		"                         release current hold and start tunnel.",
		"kill cn                : Kill the client instance(s) having common name cn.",
		"kill IP:port           : Kill the client instance connecting from IP:port.",
		"load-stats             : Show global server load stats.",
		"log [on|off] [N|all]   : Turn on/off realtime log display",
		"                         + show last N lines or 'all' for entire history.",
		"mute [n]               : Set log mute level to n, or show level if n is absent.",
		"pid                    : Show process ID of the current OpenVPN process.",
		"client-kill CID [M]    : Kill client instance CID with message M (def=RESTART)",
		"signal s               : Send signal s to daemon,",
		"                         s = SIGHUP|SIGTERM|SIGUSR1|SIGUSR2.",
		"state [on|off] [N|all] : Like log, but show state history.",
		"status [n]             : Show current daemon status info using format #n.",
		"verb [n]               : Set log verbosity level to n, or show if n is absent.",
		"version [n]            : Set client's version to n or show current version of daemon.",
		"END",
	};

	rv_mgmt_push(m, "Management Interface for %s", m->title);
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		rv_mgmt_push_raw(m, lines[i]);
}

static int
parse_signal(const char *name)
{
	static const struct { const char *name; int sig; } sigs[] = {
		{ "SIGHUP", SIGHUP }, { "SIGINT", SIGINT }, { "SIGUSR1", SIGUSR1 },
		{ "SIGUSR2", SIGUSR2 }, { "SIGTERM", SIGTERM },
	};

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (strcmp(sigs[i].name, name) == 0)
			return sigs[i].sig;
	return -1;
}

static void
cmd_signal(struct rv_mgmt *m, const char *name)
{
	int sig = parse_signal(name);

	if (sig < 0) {
		rv_mgmt_push(m, "ERROR: signal '%s' is not a known signal type", name);
	} else if (m->holding && (sig == SIGHUP || sig == SIGUSR1)) {
		rv_mgmt_push(m, "ERROR: signal '%s' is currently ignored", name);
		rv_mgmt_push_raw(m, m->special);
	} else if (m->ops.signal == NULL) {
		unsupported(m, "signal");
	} else {
		rv_mgmt_push(m, "SUCCESS: signal %s thrown", name);
		m->ops.signal(m->ops.arg, sig);
	}
}

static void
emit_status(void *arg, const char *line)
{
	rv_mgmt_push_raw(arg, line);
}

static void
cmd_status(struct rv_mgmt *m, const char *arg)
{
	if (m->ops.status.report == NULL)
		unsupported(m, "status");
	else
		m->ops.status.report(m->ops.status.arg, arg != NULL ? atoi(arg) : 0, emit_status, m);
}

/* "kill CN" or "kill IP:port" (IPv4, as openvpn parses it). */
static void
cmd_kill(struct rv_mgmt *m, const char *victim)
{
	const char *colon = strchr(victim, ':');
	char host[128];
	struct in_addr a;
	int n, port;

	if (m->ops.kill_by_cn == NULL || m->ops.kill_by_addr == NULL) {
		unsupported(m, "kill");
		return;
	}
	if (colon == NULL || colon[1] == '\0' || colon == victim) {
		n = m->ops.kill_by_cn(m->ops.arg, victim);
		if (n > 0)
			rv_mgmt_push(m, "SUCCESS: common name '%s' found, %d client(s) killed", victim, n);
		else
			rv_mgmt_push(m, "ERROR: common name '%s' not found", victim);
		return;
	}
	snprintf(host, sizeof(host), "%.*s", (int)(colon - victim), victim);
	if (inet_pton(AF_INET, host, &a) != 1) {
		rv_mgmt_push(m, "ERROR: error parsing IP address: %s", host);
		return;
	}
	port = atoi(colon + 1);
	if (port <= 0 || port >= 65536) {
		rv_mgmt_push(m, "ERROR: port number is out of range: %s", colon + 1);
		return;
	}
	n = m->ops.kill_by_addr(m->ops.arg, a, (uint16_t)port);
	if (n > 0)
		rv_mgmt_push(m, "SUCCESS: %d client(s) at address %s:%d killed", n, host, port);
	else
		rv_mgmt_push(m, "ERROR: client at address %s:%d not found", host, port);
}

static void
cmd_client_kill(struct rv_mgmt *m, const char *cid_text, const char *msg)
{
	unsigned long cid;

	if (sscanf(cid_text, "%lu", &cid) != 1) {
		rv_mgmt_push(m, "ERROR: cannot parse CID");
	} else if (m->ops.kill_by_cid == NULL) {
		unsupported(m, "client-kill");
	} else if (m->ops.kill_by_cid(m->ops.arg, cid, msg)) {
		rv_mgmt_push(m, "SUCCESS: client-kill command succeeded");
	} else {
		rv_mgmt_push(m, "ERROR: client-kill command failed");
	}
}

static void
cmd_level(struct rv_mgmt *m, const char *name, const char *arg)
{
	bool verb = strcmp(name, "verb") == 0;
	int v;

	if (arg == NULL) {
		rv_mgmt_push(m, "SUCCESS: %s=%d", name, verb ? rv_log_get_verb() : rv_log_get_mute());
		return;
	}
	v = atoi(arg);
	if (v < 0 || (verb && v > RV_LOG_VERB_MAX)) {
		rv_mgmt_push(m, "ERROR: %s level is out of range", name);
		return;
	}
	if (verb)
		rv_log_set_verb(v);
	else
		rv_log_set_mute(v);
	rv_mgmt_push(m, "SUCCESS: %s level changed", name);
}

static void
print_log(struct rv_mgmt *m, size_t i)
{
	const struct rv_mgmt_log_entry *e = &m->log[(m->log_first + i) % RV_MGMT_LOG_HISTORY];

	rv_mgmt_push(m, "%u,%s,%s", (unsigned)e->t, e->flags, e->text);
}

static void
print_state(struct rv_mgmt *m, size_t i)
{
	const struct rv_mgmt_state_entry *e = &m->st[(m->st_first + i) % RV_MGMT_STATE_HISTORY];

	rv_mgmt_push(m, "%u,%s", (unsigned)e->t, e->text);
}

/* log, state and echo: "on", "off", "all" or the last N entries, oldest
 * first, then END. */
static void
history(struct rv_mgmt *m, const char *arg, const char *type, bool *rt, size_t count,
    void (*print)(struct rv_mgmt *, size_t))
{
	int n = 0;

	if (strcmp(arg, "on") == 0 || strcmp(arg, "off") == 0) {
		*rt = arg[1] == 'n';
		rv_mgmt_push(m, "SUCCESS: real-time %s notification set to %s", type, *rt ? "ON" : "OFF");
	} else if (strcmp(arg, "all") == 0 || (n = atoi(arg)) > 0) {
		size_t from = n > 0 && (size_t)n < count ? count - (size_t)n : 0;

		for (size_t i = from; i < count; i++)
			print(m, i);
		rv_mgmt_push_raw(m, "END");
	} else {
		rv_mgmt_push(m, "ERROR: %s parameter must be 'on' or 'off' or some number n or 'all'", type);
	}
}

static void
cmd_history(struct rv_mgmt *m, char **w, int n)
{
	for (int i = 1; i < n && i <= 2; i++) {
		if (w[0][0] == 'l')
			history(m, w[i], "log", &m->log_rt, m->log_n, print_log);
		else if (w[0][0] == 's')
			history(m, w[i], "state", &m->state_rt, m->st_n, print_state);
		else
			history(m, w[i], "echo", &m->echo_rt, 0, NULL);
	}
}

static void
cmd_hold(struct rv_mgmt *m, const char *arg)
{
	if (arg == NULL) {
		rv_mgmt_push(m, "SUCCESS: hold=%d", m->hold_flag ? 1 : 0);
	} else if (strcmp(arg, "on") == 0 || strcmp(arg, "off") == 0) {
		m->hold_flag = arg[1] == 'n';
		rv_mgmt_push(m, "SUCCESS: hold flag set to %s", m->hold_flag ? "ON" : "OFF");
	} else if (strcmp(arg, "release") == 0) {
		m->hold_release = true;
		rv_mgmt_push(m, "SUCCESS: hold release succeeded");
		if (m->holding)
			rv_event_stop(m->ev);
	} else {
		rv_mgmt_push(m, "ERROR: bad hold command parameter");
	}
}

static void
cmd_bytecount(struct rv_mgmt *m, const char *arg)
{
	m->bytecount_secs = atoi(arg) > 0 ? atoi(arg) : 0;
	if (m->ev != NULL) {
		if (m->bytecount_secs > 0)
			rv_timer_arm(m->ev, &m->bc_timer,
			    rv_event_now(m->ev) + rv_sec((uint64_t)m->bytecount_secs));
		else
			rv_timer_disarm(m->ev, &m->bc_timer);
	}
	rv_mgmt_push(m, "SUCCESS: bytecount interval changed");
}

static void
cmd_load_stats(struct rv_mgmt *m)
{
	uint64_t in, out;

	rv_mgmt_total_bytes(m, &in, &out);
	rv_mgmt_push(m, "SUCCESS: nclients=%d,bytesin=%llu,bytesout=%llu",
	    m->ops.n_clients != NULL ? m->ops.n_clients(m->ops.arg) : 0,
	    (unsigned long long)in, (unsigned long long)out);
}

/* Commands of openvpn's interface that roamvpn does not offer. */
static bool
is_openvpn_only(const char *cmd)
{
	static const char *const names[] = {
		"auth-retry", "forget-passwords", "needok", "needstr", "net", "password",
		"username", "remote", "proxy", "remote-entry-count", "remote-entry-get",
		"pkcs11-id-count", "pkcs11-id-get", "client-auth", "client-auth-nt",
		"client-deny", "client-pending-auth", "env-filter", "rsa-sig", "pk-sig",
		"certificate", "cr-response", "test",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(names[i], cmd) == 0)
			return true;
	return false;
}

static void
dispatch(struct rv_mgmt *m, char **w, int n)
{
	const char *c = w[0], *a1 = n > 1 ? w[1] : NULL;

	if (strcmp(c, "exit") == 0 || strcmp(c, "quit") == 0)
		m->halt = true;
	else if (strcmp(c, "help") == 0)
		cmd_help(m);
	else if (strcmp(c, "version") == 0 && a1 == NULL)
		rv_mgmt_push(m, "OpenVPN Version: %s", m->title), rv_mgmt_push(m, "Management Version: %d",
		    RV_MGMT_VERSION), rv_mgmt_push_raw(m, "END");
	else if (strcmp(c, "version") == 0)
		;       /* the client announces its version: no answer */
	else if (strcmp(c, "pid") == 0)
		rv_mgmt_push(m, "SUCCESS: pid=%d", (int)getpid());
	else if (strcmp(c, "nclients") == 0 && m->ops.n_clients == NULL)
		unsupported(m, "nclients");
	else if (strcmp(c, "nclients") == 0)
		rv_mgmt_push(m, "SUCCESS: nclients=%d", m->ops.n_clients(m->ops.arg));
	else if (strcmp(c, "load-stats") == 0)
		cmd_load_stats(m);
	else if (strcmp(c, "signal") == 0 && need(m, w, n, 1, false))
		cmd_signal(m, a1);
	else if (strcmp(c, "status") == 0)
		cmd_status(m, a1);
	else if (strcmp(c, "kill") == 0 && need(m, w, n, 1, false))
		cmd_kill(m, a1);
	else if (strcmp(c, "client-kill") == 0 && need(m, w, n, 1, true))
		cmd_client_kill(m, a1, n > 2 ? w[2] : NULL);
	else if (strcmp(c, "verb") == 0 || strcmp(c, "mute") == 0)
		cmd_level(m, c, a1);
	else if (strcmp(c, "state") == 0 && a1 == NULL)
		history(m, "1", "state", &m->state_rt, m->st_n, print_state);
	else if (strcmp(c, "state") == 0 ||
	    ((strcmp(c, "log") == 0 || strcmp(c, "echo") == 0) && need(m, w, n, 1, true)))
		cmd_history(m, w, n);
	else if (strcmp(c, "hold") == 0)
		cmd_hold(m, a1);
	else if (strcmp(c, "bytecount") == 0 && need(m, w, n, 1, false))
		cmd_bytecount(m, a1);
	else if (is_openvpn_only(c))
		unsupported(m, c);
	else if (strcmp(c, "signal") != 0 && strcmp(c, "kill") != 0 &&
	    strcmp(c, "client-kill") != 0 && strcmp(c, "log") != 0 &&
	    strcmp(c, "echo") != 0 && strcmp(c, "bytecount") != 0)
		rv_mgmt_push(m, "ERROR: unknown command, enter 'help' for more options");
}

void
rv_mgmt_cmd_run(struct rv_mgmt *m, char *line)
{
	char *w[RV_MGMT_MAX_PARAMS];
	int n;

	if (strcmp(line, "load-stats") != 0)
		rv_log(RV_LOG_MGMT, "MANAGEMENT: CMD '%s'", line);
	n = split(line, w, RV_MGMT_MAX_PARAMS);
	if (n < 0)
		rv_mgmt_push(m, "ERROR: unterminated quote in command");
	else if (n > 0)
		dispatch(m, w, n);
}

