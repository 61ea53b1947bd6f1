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
#include "mgmt_cmd.h"

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
void
rv_mgmt_push_raw(struct rv_mgmt *m, const char *line)
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

void
rv_mgmt_push(struct rv_mgmt *m, const char *fmt, ...)
{
	char line[RV_MGMT_OUT_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	rv_mgmt_push_raw(m, line);
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
	struct rv_mgmt_log_entry *e;
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
			rv_mgmt_push(m, ">LOG:%u,%s,%s", (unsigned)e->t, e->flags, e->text);
		/* A fatal error is announced whether or not "log on" was given. */
		if (level == RV_LOG_FATAL)
			rv_mgmt_push(m, ">FATAL:%s", e->text);
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
	struct rv_mgmt_state_entry *e;

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
		rv_mgmt_push(m, ">STATE:%u,%s", (unsigned)e->t, e->text);
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
	rv_mgmt_push(m, ">INFO:OpenVPN Management Interface Version %d -- type 'help' for more info",
	    RV_MGMT_VERSION);
	if (m->special[0] != '\0')
		rv_mgmt_push_raw(m, m->special);
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
				rv_mgmt_push(m, "ERROR: unknown command, enter 'help' for more options");
			else {
				m->in[m->inlen] = '\0';
				rv_mgmt_cmd_run(m, m->in);
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
	size_t budget = RV_MGMT_READ_BUDGET;

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
	rv_mgmt_total_bytes(m, &in, &out);
	rv_mgmt_push(m, ">BYTECOUNT:%llu,%llu", (unsigned long long)in, (unsigned long long)out);
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
rv_mgmt_set_ops(struct rv_mgmt *m, const struct rv_mgmt_ops *ops)
{
	if (m != NULL)
		m->ops = *ops;
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
			rv_mgmt_push_raw(m, m->special);
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
