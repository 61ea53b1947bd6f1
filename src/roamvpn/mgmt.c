/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mgmt: the management interface, OpenVPN 2.6's management protocol
 * (version 5), as openvpn 2.6.14 answers it (doc/management-notes.txt of
 * OpenVPN/openvpn; the strings were checked against a running openvpn).
 *
 * One management client at a time: while one is connected the listening
 * socket is not watched, so a second connection waits in the backlog, unserved,
 * until the first leaves (what openvpn does). Input is assembled into lines of
 * at most RV_MGMT_LINE_MAX bytes, keeping printable characters only; output
 * goes through a queue bounded by RV_MGMT_OUTQ_MAX and is written as the
 * socket accepts it.
 */
#include "mgmt.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"
#include "log.h"
#include "plat.h"

enum {
	OUT_LINE_MAX = 1400,            /* a >LOG line: prefix, time, flags, message */
	READ_BUDGET = 16384,            /* bytes read per wakeup, then others' turn */
	STATE_TEXT = 192,
};

struct log_entry {
	time_t t;
	char flags[4];
	char *text;
};

struct state_entry {
	time_t t;
	char text[STATE_TEXT];          /* "CONNECTED,SUCCESS,10.8.0.2,..." */
};

struct rv_mgmt {
	/* settings */
	char *addr, *port, *title;
	bool is_unix;
	bool hold_flag;                 /* --management-hold, "hold on|off" */

	/* sockets; io registered on ev while attached */
	int lfd, cfd;
	struct rv_io lio, cio;
	struct rv_event *ev;
	struct rv_mgmt_ops ops;

	/* the connected management client */
	char in[RV_MGMT_LINE_MAX];
	size_t inlen;
	bool in_overflow;               /* discarding the rest of an over-long line */
	char *out;
	size_t outlen, outoff, outcap;
	bool want_write;
	bool state_rt, log_rt, echo_rt;
	int bytecount_secs;
	struct rv_timer bc_timer;
	bool halt;                      /* close after the current batch */
	bool overflowed;                /* halt because the output queue was full */
	bool busy;                      /* processing commands: flush afterwards */

	/* kept for the life of the process */
	bool hold_release, holding;
	int hold_signal, hold_sigfd;
	char special[96];               /* the >HOLD line while holding */
	uint64_t bytes_in, bytes_out;   /* link bytes of finished runs */
	struct log_entry log[RV_MGMT_LOG_HISTORY];
	size_t log_first, log_n;
	struct state_entry st[RV_MGMT_STATE_HISTORY];
	size_t st_first, st_n;
	bool in_tap;
};

static const char *const state_names[RV_MGMT_STATE__MAX] = {
	[RV_MGMT_CONNECTING] = "CONNECTING",
	[RV_MGMT_WAIT] = "WAIT",
	[RV_MGMT_AUTH] = "AUTH",
	[RV_MGMT_GET_CONFIG] = "GET_CONFIG",
	[RV_MGMT_ASSIGN_IP] = "ASSIGN_IP",
	[RV_MGMT_ADD_ROUTES] = "ADD_ROUTES",
	[RV_MGMT_CONNECTED] = "CONNECTED",
	[RV_MGMT_RECONNECTING] = "RECONNECTING",
	[RV_MGMT_EXITING] = "EXITING",
	[RV_MGMT_RESOLVE] = "RESOLVE",
	[RV_MGMT_TCP_CONNECT] = "TCP_CONNECT",
};

const char *
rv_mgmt_state_name(enum rv_mgmt_state s)
{
	return (unsigned)s < RV_MGMT_STATE__MAX ? state_names[s] : "?";
}

static void kick(struct rv_mgmt *m);
static void close_client(struct rv_mgmt *m);

static bool
connected(const struct rv_mgmt *m)
{
	return m->cfd >= 0;
}

/* --- output queue --------------------------------------------------------------- */

/* Appends one line and "\r\n". Past RV_MGMT_OUTQ_MAX the client is cut off:
 * a reader that does not keep up must not make the daemon hoard memory. */
static void
push_raw(struct rv_mgmt *m, const char *line)
{
	size_t n = strlen(line);

	if (!connected(m) || m->halt)
		return;
	if (m->outoff > 0 && m->outoff == m->outlen)
		m->outoff = m->outlen = 0;
	if (m->outlen - m->outoff + n + 2 > RV_MGMT_OUTQ_MAX) {
		m->halt = m->overflowed = true;
		return;
	}
	if (m->outlen + n + 2 > m->outcap) {
		size_t cap = m->outcap > 0 ? m->outcap : 4096;
		char *p;

		if (m->outoff > 0) {
			memmove(m->out, m->out + m->outoff, m->outlen - m->outoff);
			m->outlen -= m->outoff;
			m->outoff = 0;
		}
		while (cap < m->outlen + n + 2)
			cap *= 2;
		if (cap != m->outcap) {
			if ((p = realloc(m->out, cap)) == NULL) {
				m->halt = m->overflowed = true;
				return;
			}
			m->out = p;
			m->outcap = cap;
		}
	}
	memcpy(m->out + m->outlen, line, n);
	memcpy(m->out + m->outlen + n, "\r\n", 2);
	m->outlen += n + 2;
}

static void __attribute__((format(printf, 2, 3)))
push(struct rv_mgmt *m, const char *fmt, ...)
{
	char line[OUT_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	push_raw(m, line);
}

static void
watch_write(struct rv_mgmt *m, bool on)
{
	if (m->want_write == on || m->ev == NULL || m->cio.fn == NULL)
		return;
	m->want_write = on;
	rv_event_modify(m->ev, &m->cio, EPOLLIN | (on ? EPOLLOUT : 0));
}

/* Writes what the socket takes now; closes the client on error or halt. */
static void
kick(struct rv_mgmt *m)
{
	if (m->busy || !connected(m))
		return;
	while (m->outoff < m->outlen) {
		ssize_t n = send(m->cfd, m->out + m->outoff, m->outlen - m->outoff,
		    MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			m->halt = true;
			break;
		}
		m->outoff += (size_t)n;
	}
	if (m->outoff == m->outlen)
		m->outoff = m->outlen = 0;
	if (m->halt) {
		close_client(m);
		return;
	}
	watch_write(m, m->outlen > 0);
}

void
rv_mgmt_flush(struct rv_mgmt *m)
{
	if (m != NULL)
		kick(m);
}

/* --- histories ---------------------------------------------------------------------- */

/* openvpn's message flags: F fatal, N error, W warning, I informational
 * (verb 1), D debug; verb 2-3 messages have none. */
static const char *
log_flags(int level)
{
	switch (level & 0xff00) {
	case 0x100:
		return (level & 0xff) == 0 ? "F" : "N";
	case 0x200:
		return "W";
	case 0x300:
		return (level & 0xff) <= 1 ? "I" : "";
	default:
		return "D";
	}
}

/* The log tap (log.c): every line that passes --verb and --mute. */
static void
tap(void *arg, int level, const char *msg)
{
	struct rv_mgmt *m = arg;
	struct log_entry *e;
	char *copy;

	if (m->in_tap)
		return;
	m->in_tap = true;
	if ((copy = strdup(msg)) != NULL) {
		if (m->log_n == RV_MGMT_LOG_HISTORY) {
			free(m->log[m->log_first].text);
			m->log_first = (m->log_first + 1) % RV_MGMT_LOG_HISTORY;
			m->log_n--;
		}
		e = &m->log[(m->log_first + m->log_n++) % RV_MGMT_LOG_HISTORY];
		e->t = rv_clock_wall();
		snprintf(e->flags, sizeof(e->flags), "%s", log_flags(level));
		e->text = copy;
		if (m->log_rt)
			push(m, ">LOG:%u,%s,%s", (unsigned)e->t, e->flags, e->text);
		kick(m);
	}
	m->in_tap = false;
}

/* "a.b.c.d,port" for a >STATE line, "," when unset. */
static void
sock_text(const struct rv_sockaddr *a, char *out, size_t len)
{
	struct rv_sockaddr u;
	char ip[INET6_ADDRSTRLEN] = "";
	unsigned port = 0;

	if (a == NULL || !rv_addr_is_set(a)) {
		snprintf(out, len, ",");
		return;
	}
	u = *a;
	rv_addr_unmap(&u);
	if (rv_addr_family(&u) == AF_INET) {
		inet_ntop(AF_INET, &u.u.in4.sin_addr, ip, sizeof(ip));
		port = ntohs(u.u.in4.sin_port);
	} else {
		inet_ntop(AF_INET6, &u.u.in6.sin6_addr, ip, sizeof(ip));
		port = ntohs(u.u.in6.sin6_port);
	}
	snprintf(out, len, "%s,%u", ip, port);
}

void
rv_mgmt_set_state(struct rv_mgmt *m, enum rv_mgmt_state s, const struct rv_mgmt_state_info *info)
{
	const struct rv_mgmt_state_info none = { 0 };
	char ip[INET_ADDRSTRLEN] = "", ip6[INET6_ADDRSTRLEN + 1] = "", rem[64], loc[64];
	struct state_entry *e;

	if (m == NULL)
		return;
	if (info == NULL)
		info = &none;
	if (info->local_ip != NULL && info->local_ip->s_addr != 0)
		inet_ntop(AF_INET, info->local_ip, ip, sizeof(ip));
	if (info->local_ip6 != NULL && !IN6_IS_ADDR_UNSPECIFIED(info->local_ip6)) {
		ip6[0] = ',';
		inet_ntop(AF_INET6, info->local_ip6, ip6 + 1, sizeof(ip6) - 1);
	}
	sock_text(info->remote, rem, sizeof(rem));
	sock_text(info->local, loc, sizeof(loc));
	if (m->st_n == RV_MGMT_STATE_HISTORY) {
		m->st_first = (m->st_first + 1) % RV_MGMT_STATE_HISTORY;
		m->st_n--;
	}
	e = &m->st[(m->st_first + m->st_n++) % RV_MGMT_STATE_HISTORY];
	e->t = rv_clock_wall();
	snprintf(e->text, sizeof(e->text), "%s,%s,%s,%s,%s%s", rv_mgmt_state_name(s),
	    info->desc != NULL ? info->desc : "", ip, rem, loc, ip6);
	if (m->state_rt) {
		rv_log(RV_LOG_NOTICE, "MANAGEMENT: >STATE:%u,%s", (unsigned)e->t, e->text);
		push(m, ">STATE:%u,%s", (unsigned)e->t, e->text);
		kick(m);
	}
}

/* --- connection --------------------------------------------------------------------- */

static void on_listen(void *arg, uint32_t events);
static void on_client(void *arg, uint32_t events);

static void
reset_connection(struct rv_mgmt *m)
{
	m->inlen = 0;
	m->in_overflow = false;
	m->outlen = m->outoff = 0;
	m->want_write = false;
	m->state_rt = m->log_rt = m->echo_rt = false;
	m->bytecount_secs = 0;
	m->halt = m->overflowed = false;
	if (m->ev != NULL)
		rv_timer_disarm(m->ev, &m->bc_timer);
}

static void
close_client(struct rv_mgmt *m)
{
	bool overflowed = m->overflowed;

	if (!connected(m))
		return;
	if (m->ev != NULL)
		rv_event_del(m->ev, &m->cio);
	m->cio.fn = NULL;
	close(m->cfd);
	m->cfd = -1;
	reset_connection(m);
	if (overflowed)
		rv_log(RV_LOG_WARN, "MANAGEMENT: the client did not read its output (over %d bytes "
		    "queued), disconnecting it", RV_MGMT_OUTQ_MAX);
	rv_log(RV_LOG_NOTICE, "MANAGEMENT: Client disconnected");
	if (m->ev != NULL && m->lio.fn == NULL &&
	    rv_event_add(m->ev, &m->lio, m->lfd, EPOLLIN, on_listen, m) != 0)
		rv_log(RV_LOG_ERR, "MANAGEMENT: cannot watch the listening socket: %s",
		    strerror(errno));
}

static void
welcome(struct rv_mgmt *m)
{
	push(m, ">INFO:OpenVPN Management Interface Version %d -- type 'help' for more info",
	    RV_MGMT_VERSION);
	if (m->special[0] != '\0')
		push_raw(m, m->special);
}

static void
on_listen(void *arg, uint32_t events)
{
	struct rv_mgmt *m = arg;
	struct rv_sockaddr peer = { .len = sizeof(peer.u) };
	char a[RV_ADDRSTRLEN];
	int fd;

	(void)events;
	fd = accept4(m->lfd, &peer.u.sa, &peer.len, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (connected(m)) {
		close(fd);
		return;
	}
	rv_event_del(m->ev, &m->lio);
	m->lio.fn = NULL;
	if (rv_event_add(m->ev, &m->cio, fd, EPOLLIN, on_client, m) != 0) {
		close(fd);
		rv_event_add(m->ev, &m->lio, m->lfd, EPOLLIN, on_listen, m);
		return;
	}
	m->cfd = fd;
	reset_connection(m);
	if (m->is_unix)
		rv_log(RV_LOG_NOTICE, "MANAGEMENT: Client connected from %s", m->addr);
	else
		rv_log(RV_LOG_NOTICE, "MANAGEMENT: Client connected from [%s]%s",
		    rv_addr_family(&peer) == AF_INET6 ? "AF_INET6" : "AF_INET",
		    rv_addr_fmt(&peer, a));
	welcome(m);
	kick(m);
}

/* --- commands ---------------------------------------------------------------------- */

/* Link bytes of this process: finished runs plus the current one. */
static void
total_bytes(struct rv_mgmt *m, uint64_t *in, uint64_t *out)
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
	push(m, "ERROR: The '%s' command is not supported by the current daemon mode", cmd);
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
	push(m, "ERROR: the '%s' command requires %s%d parameter%s", w[0],
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

	push(m, "Management Interface for %s", m->title);
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		push_raw(m, lines[i]);
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
		push(m, "ERROR: signal '%s' is not a known signal type", name);
	} else if (m->holding && (sig == SIGHUP || sig == SIGUSR1)) {
		push(m, "ERROR: signal '%s' is currently ignored", name);
		push_raw(m, m->special);
	} else if (m->ops.signal == NULL) {
		unsupported(m, "signal");
	} else {
		push(m, "SUCCESS: signal %s thrown", name);
		m->ops.signal(m->ops.arg, sig);
	}
}

static void
emit_status(void *arg, const char *line)
{
	push_raw(arg, line);
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
			push(m, "SUCCESS: common name '%s' found, %d client(s) killed", victim, n);
		else
			push(m, "ERROR: common name '%s' not found", victim);
		return;
	}
	snprintf(host, sizeof(host), "%.*s", (int)(colon - victim), victim);
	if (inet_pton(AF_INET, host, &a) != 1) {
		push(m, "ERROR: error parsing IP address: %s", host);
		return;
	}
	port = atoi(colon + 1);
	if (port <= 0 || port >= 65536) {
		push(m, "ERROR: port number is out of range: %s", colon + 1);
		return;
	}
	n = m->ops.kill_by_addr(m->ops.arg, a, (uint16_t)port);
	if (n > 0)
		push(m, "SUCCESS: %d client(s) at address %s:%d killed", n, host, port);
	else
		push(m, "ERROR: client at address %s:%d not found", host, port);
}

static void
cmd_client_kill(struct rv_mgmt *m, const char *cid_text, const char *msg)
{
	unsigned long cid;

	if (sscanf(cid_text, "%lu", &cid) != 1) {
		push(m, "ERROR: cannot parse CID");
	} else if (m->ops.kill_by_cid == NULL) {
		unsupported(m, "client-kill");
	} else if (m->ops.kill_by_cid(m->ops.arg, cid, msg)) {
		push(m, "SUCCESS: client-kill command succeeded");
	} else {
		push(m, "ERROR: client-kill command failed");
	}
}

static void
cmd_level(struct rv_mgmt *m, const char *name, const char *arg)
{
	bool verb = strcmp(name, "verb") == 0;
	int v;

	if (arg == NULL) {
		push(m, "SUCCESS: %s=%d", name, verb ? rv_log_get_verb() : rv_log_get_mute());
		return;
	}
	v = atoi(arg);
	if (v < 0 || (verb && v > RV_LOG_VERB_MAX)) {
		push(m, "ERROR: %s level is out of range", name);
		return;
	}
	if (verb)
		rv_log_set_verb(v);
	else
		rv_log_set_mute(v);
	push(m, "SUCCESS: %s level changed", name);
}

static void
print_log(struct rv_mgmt *m, size_t i)
{
	const struct log_entry *e = &m->log[(m->log_first + i) % RV_MGMT_LOG_HISTORY];

	push(m, "%u,%s,%s", (unsigned)e->t, e->flags, e->text);
}

static void
print_state(struct rv_mgmt *m, size_t i)
{
	const struct state_entry *e = &m->st[(m->st_first + i) % RV_MGMT_STATE_HISTORY];

	push(m, "%u,%s", (unsigned)e->t, e->text);
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
		push(m, "SUCCESS: real-time %s notification set to %s", type, *rt ? "ON" : "OFF");
	} else if (strcmp(arg, "all") == 0 || (n = atoi(arg)) > 0) {
		size_t from = n > 0 && (size_t)n < count ? count - (size_t)n : 0;

		for (size_t i = from; i < count; i++)
			print(m, i);
		push_raw(m, "END");
	} else {
		push(m, "ERROR: %s parameter must be 'on' or 'off' or some number n or 'all'", type);
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
		push(m, "SUCCESS: hold=%d", m->hold_flag ? 1 : 0);
	} else if (strcmp(arg, "on") == 0 || strcmp(arg, "off") == 0) {
		m->hold_flag = arg[1] == 'n';
		push(m, "SUCCESS: hold flag set to %s", m->hold_flag ? "ON" : "OFF");
	} else if (strcmp(arg, "release") == 0) {
		m->hold_release = true;
		push(m, "SUCCESS: hold release succeeded");
		if (m->holding)
			rv_event_stop(m->ev);
	} else {
		push(m, "ERROR: bad hold command parameter");
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
	push(m, "SUCCESS: bytecount interval changed");
}

static void
cmd_load_stats(struct rv_mgmt *m)
{
	uint64_t in, out;

	total_bytes(m, &in, &out);
	push(m, "SUCCESS: nclients=%d,bytesin=%llu,bytesout=%llu",
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
		push(m, "OpenVPN Version: %s", m->title), push(m, "Management Version: %d",
		    RV_MGMT_VERSION), push_raw(m, "END");
	else if (strcmp(c, "version") == 0)
		;       /* the client announces its version: no answer */
	else if (strcmp(c, "pid") == 0)
		push(m, "SUCCESS: pid=%d", (int)getpid());
	else if (strcmp(c, "nclients") == 0 && m->ops.n_clients == NULL)
		unsupported(m, "nclients");
	else if (strcmp(c, "nclients") == 0)
		push(m, "SUCCESS: nclients=%d", m->ops.n_clients(m->ops.arg));
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
		push(m, "ERROR: unknown command, enter 'help' for more options");
}

/* One command line: logged at --verb 3 as openvpn does, then run. */
static void
command(struct rv_mgmt *m, char *line)
{
	char *w[RV_MGMT_MAX_PARAMS];
	int n;

	if (strcmp(line, "load-stats") != 0)
		rv_log(RV_LOG_MGMT, "MANAGEMENT: CMD '%s'", line);
	n = split(line, w, RV_MGMT_MAX_PARAMS);
	if (n < 0)
		push(m, "ERROR: unterminated quote in command");
	else if (n > 0)
		dispatch(m, w, n);
}

/* Splits input into lines, keeping printable characters (so "\r\n" works and
 * control bytes vanish, as in openvpn). A line longer than RV_MGMT_LINE_MAX
 * is dropped whole and answered with openvpn's unknown-command error (what
 * openvpn visibly answers, as it runs only the line's tail). */
static void
consume(struct rv_mgmt *m, const char *data, size_t len)
{
	m->busy = true;
	for (size_t i = 0; i < len && !m->halt; i++) {
		unsigned char c = (unsigned char)data[i];

		if (c == '\n') {
			if (m->in_overflow)
				push(m, "ERROR: unknown command, enter 'help' for more options");
			else {
				m->in[m->inlen] = '\0';
				command(m, m->in);
			}
			m->inlen = 0;
			m->in_overflow = false;
		} else if (c >= 0x20 && c < 0x7f && !m->in_overflow) {
			if (m->inlen + 1 >= sizeof(m->in))
				m->in_overflow = true;
			else
				m->in[m->inlen++] = (char)c;
		}
	}
	m->busy = false;
	kick(m);
}

static void
on_client(void *arg, uint32_t events)
{
	struct rv_mgmt *m = arg;
	char buf[4096];
	size_t budget = READ_BUDGET;

	if (events & EPOLLOUT)
		kick(m);
	if (!connected(m) || !(events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		return;
	while (budget > 0 && connected(m)) {
		ssize_t n = recv(m->cfd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			close_client(m);
			return;
		}
		consume(m, buf, (size_t)n);
		budget -= (size_t)n > budget ? budget : (size_t)n;
	}
}

static void
on_bytecount(void *arg)
{
	struct rv_mgmt *m = arg;
	uint64_t in, out;

	if (!connected(m) || m->bytecount_secs <= 0)
		return;
	total_bytes(m, &in, &out);
	push(m, ">BYTECOUNT:%llu,%llu", (unsigned long long)in, (unsigned long long)out);
	kick(m);
	rv_timer_arm(m->ev, &m->bc_timer, rv_event_now(m->ev) + rv_sec((uint64_t)m->bytecount_secs));
}

/* --- life cycle ------------------------------------------------------------------ */

static int
listen_unix(struct rv_mgmt *m)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	if (strlen(m->addr) >= sizeof(sun.sun_path)) {
		rv_log(RV_LOG_ERR, "MANAGEMENT: socket path too long: %s", m->addr);
		return RV_ERR_RANGE;
	}
	memcpy(sun.sun_path, m->addr, strlen(m->addr) + 1);
	unlink(m->addr);
	if ((m->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0 ||
	    bind(m->lfd, (struct sockaddr *)&sun, sizeof(sun)) != 0 || listen(m->lfd, 1) != 0) {
		rv_log(RV_LOG_ERR, "MANAGEMENT: cannot listen on unix socket %s: %s", m->addr,
		    strerror(errno));
		return RV_ERR_SYSTEM;
	}
	rv_log(RV_LOG_NOTICE, "MANAGEMENT: unix domain socket listening on %s", m->addr);
	return 0;
}

static int
listen_tcp(struct rv_mgmt *m)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE }, *ai;
	struct rv_sockaddr bound = { .len = sizeof(bound.u) };
	char a[RV_ADDRSTRLEN];
	int one = 1, r;

	if ((r = getaddrinfo(m->addr, m->port, &hints, &ai)) != 0) {
		rv_log(RV_LOG_ERR, "MANAGEMENT: cannot resolve %s %s: %s", m->addr, m->port,
		    gai_strerror(r));
		return RV_ERR_NOTFOUND;
	}
	m->lfd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (m->lfd < 0 || setsockopt(m->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    bind(m->lfd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(m->lfd, 1) != 0) {
		rv_log(RV_LOG_ERR, "MANAGEMENT: cannot listen on %s %s: %s", m->addr, m->port,
		    strerror(errno));
		freeaddrinfo(ai);
		return RV_ERR_SYSTEM;
	}
	freeaddrinfo(ai);
	getsockname(m->lfd, &bound.u.sa, &bound.len);
	rv_log(RV_LOG_WARN, "Using --management on a TCP port WITHOUT passwords is STRONGLY "
	    "discouraged and considered insecure");
	rv_log(RV_LOG_NOTICE, "MANAGEMENT: TCP Socket listening on [%s]%s",
	    rv_addr_family(&bound) == AF_INET6 ? "AF_INET6" : "AF_INET", rv_addr_fmt(&bound, a));
	return 0;
}

int
rv_mgmt_open(struct rv_mgmt **out, const struct rv_mgmt_config *c)
{
	struct rv_mgmt *m = calloc(1, sizeof(*m));
	int r;

	*out = NULL;
	if (m == NULL)
		return RV_ERR_NOMEM;
	m->lfd = m->cfd = -1;
	m->is_unix = c->is_unix;
	m->hold_flag = c->hold;
	m->addr = strdup(c->addr);
	m->port = c->port != NULL ? strdup(c->port) : NULL;
	m->title = strdup(c->title != NULL ? c->title : PACKAGE_NAME);
	rv_timer_init(&m->bc_timer, on_bytecount, m);
	if (m->addr == NULL || m->title == NULL || (c->port != NULL && m->port == NULL)) {
		rv_mgmt_close(m);
		return RV_ERR_NOMEM;
	}
	if ((r = m->is_unix ? listen_unix(m) : listen_tcp(m)) != 0) {
		rv_mgmt_close(m);
		return r;
	}
	rv_log_set_tap(tap, m);
	*out = m;
	return 0;
}

void
rv_mgmt_close(struct rv_mgmt *m)
{
	if (m == NULL)
		return;
	rv_log_set_tap(NULL, NULL);
	rv_mgmt_detach(m);
	if (m->cfd >= 0)
		close(m->cfd);
	if (m->lfd >= 0) {
		close(m->lfd);
		if (m->is_unix)
			unlink(m->addr);
	}
	for (size_t i = 0; i < m->log_n; i++)
		free(m->log[(m->log_first + i) % RV_MGMT_LOG_HISTORY].text);
	free(m->out);
	free(m->addr);
	free(m->port);
	free(m->title);
	free(m);
}

int
rv_mgmt_attach(struct rv_mgmt *m, struct rv_event *ev, const struct rv_mgmt_ops *ops)
{
	int r;

	if (m == NULL)
		return 0;
	m->ev = ev;
	m->ops = *ops;
	m->want_write = false;
	if (connected(m))
		r = rv_event_add(ev, &m->cio, m->cfd, EPOLLIN, on_client, m);
	else
		r = rv_event_add(ev, &m->lio, m->lfd, EPOLLIN, on_listen, m);
	if (r != 0) {
		rv_log(RV_LOG_ERR, "MANAGEMENT: cannot watch its sockets: %s", strerror(errno));
		return RV_ERR_SYSTEM;
	}
	if (connected(m) && m->bytecount_secs > 0)
		rv_timer_arm(ev, &m->bc_timer, rv_event_now(ev) + rv_sec((uint64_t)m->bytecount_secs));
	kick(m);
	return 0;
}

void
rv_mgmt_detach(struct rv_mgmt *m)
{
	uint64_t in = 0, out = 0;

	if (m == NULL || m->ev == NULL)
		return;
	if (m->ops.bytes != NULL) {
		m->ops.bytes(m->ops.arg, &in, &out);
		m->bytes_in += in;
		m->bytes_out += out;
	}
	rv_timer_disarm(m->ev, &m->bc_timer);
	if (m->lio.fn != NULL)
		rv_event_del(m->ev, &m->lio);
	if (m->cio.fn != NULL)
		rv_event_del(m->ev, &m->cio);
	m->lio.fn = m->cio.fn = NULL;
	m->ev = NULL;
	memset(&m->ops, 0, sizeof(m->ops));
}

/* --- hold --------------------------------------------------------------------- */

bool
rv_mgmt_would_hold(const struct rv_mgmt *m)
{
	return m != NULL && m->hold_flag && !m->hold_release;
}

static void
hold_signal(void *arg, int signo)
{
	struct rv_mgmt *m = arg;

	if (signo == SIGTERM || signo == SIGINT) {
		m->hold_signal = signo;
		rv_event_stop(m->ev);
	}
}

static void
on_hold_sigfd(void *arg, uint32_t events)
{
	struct rv_mgmt *m = arg;
	int sig;

	(void)events;
	while ((sig = rv_plat_signal_read(m->hold_sigfd)) > 0)
		hold_signal(m, sig);
}

bool
rv_mgmt_hold(struct rv_mgmt *m, int sigfd, int holdtime)
{
	const struct rv_mgmt_ops ops = { .arg = m, .signal = hold_signal };
	struct rv_event *ev;
	struct rv_io sio = { 0 };
	bool released;

	if (!rv_mgmt_would_hold(m))
		return true;
	if (rv_event_new(&ev) != 0)
		return false;
	m->hold_sigfd = sigfd;
	m->hold_signal = 0;
	m->holding = true;
	snprintf(m->special, sizeof(m->special), ">HOLD:Waiting for hold release:%d", holdtime);
	rv_log(RV_LOG_NOTICE, "Need hold release from management interface, waiting...");
	if (rv_event_add(ev, &sio, sigfd, EPOLLIN, on_hold_sigfd, m) == 0 &&
	    rv_mgmt_attach(m, ev, &ops) == 0) {
		if (connected(m)) {
			push_raw(m, m->special);
			kick(m);
		}
		while (!m->hold_release && m->hold_signal == 0)
			if (rv_event_run(ev) != 0)
				break;
	}
	rv_mgmt_detach(m);
	rv_event_free(ev);
	released = m->hold_release && m->hold_signal == 0;
	m->holding = false;
	m->special[0] = '\0';
	m->hold_release = false;
	return released;
}
