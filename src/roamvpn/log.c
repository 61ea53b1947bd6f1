/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * log: where messages go and which ones are shown (--verb, --mute, --log,
 * --log-append, syslog).
 */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"

enum { MSG_MAX = 1024 };

/* The process-wide sink (see log.h for why this one state is shared). */
static struct {
	int verb;
	int mute;
	FILE *fp;             /* NULL = stdout */
	bool use_syslog;
	bool timestamps;
	const char *mute_key; /* call site of the last message (its format) */
	int mute_count;
	int muted;
	rv_log_tap_fn *tap;   /* the management interface, if any */
	void *tap_arg;
} sink = { .verb = 1, .timestamps = true };

int
rv_log_open(const struct rv_log_config *c)
{
	FILE *fp = NULL;

	if (c->file != NULL) {
		fp = fopen(c->file, c->append ? "a" : "w");
		if (fp == NULL)
			return RV_ERR_SYSTEM;
		setvbuf(fp, NULL, _IOLBF, 0);
	}
	rv_log_close();
	sink.fp = fp;
	sink.verb = c->verb;
	sink.mute = c->mute;
	sink.timestamps = c->timestamps;
	sink.use_syslog = c->use_syslog && fp == NULL;
	if (sink.use_syslog)
		openlog(c->ident != NULL ? c->ident : "roamvpn", LOG_PID, LOG_DAEMON);
	return 0;
}

void
rv_log_close(void)
{
	if (sink.fp != NULL)
		fclose(sink.fp);
	if (sink.use_syslog)
		closelog();
	sink.fp = NULL;
	sink.use_syslog = false;
}

void
rv_log_redirect_std(void)
{
	if (sink.fp == NULL)
		return;
	fflush(stdout);
	fflush(stderr);
	dup2(fileno(sink.fp), STDOUT_FILENO);
	dup2(fileno(sink.fp), STDERR_FILENO);
}

bool
rv_log_enabled(int level)
{
	return (level & 0xff) <= sink.verb;
}

int
rv_log_get_verb(void)
{
	return sink.verb;
}

void
rv_log_set_verb(int verb)
{
	sink.verb = verb;
}

int
rv_log_get_mute(void)
{
	return sink.mute;
}

void
rv_log_set_mute(int mute)
{
	sink.mute = mute;
}

void
rv_log_set_tap(rv_log_tap_fn *fn, void *arg)
{
	sink.tap = fn;
	sink.tap_arg = arg;
}

static int
syslog_priority(int level)
{
	switch (level & 0xff00) {
	case 0x100:
		return LOG_ERR;
	case 0x200:
		return LOG_WARNING;
	case 0x300:
		return LOG_NOTICE;
	default:
		return LOG_DEBUG;
	}
}

static const char *
kind_prefix(int level)
{
	if (level == RV_LOG_ERR || level == RV_LOG_FATAL)
		return "ERROR: ";
	if (level == RV_LOG_WARN)
		return "WARNING: ";
	return "";
}

static void
emit(int level, const char *func, const char *msg)
{
	FILE *out = sink.fp != NULL ? sink.fp : stdout;
	char stamp[32] = "";
	/* Function names help debugging but are noise in normal logs. */
	bool with_func = sink.verb >= 5 && func != NULL;

	if (sink.use_syslog) {
		syslog(syslog_priority(level), "%s%s%s%s", kind_prefix(level),
		    with_func ? func : "", with_func ? ": " : "", msg);
		return;
	}
	if (sink.timestamps) {
		time_t t = rv_clock_wall();
		struct tm tm;

		localtime_r(&t, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S ", &tm);
	}
	fprintf(out, "%s%s%s%s%s\n", stamp, kind_prefix(level),
	    with_func ? func : "", with_func ? ": " : "", msg);
	fflush(out);
}

/* --mute: at most sink.mute consecutive lines from one call site. */
static bool
muted(const char *key)
{
	if (sink.mute <= 0)
		return false;
	if (key == sink.mute_key) {
		if (++sink.mute_count > sink.mute) {
			sink.muted++;
			return true;
		}
		return false;
	}
	if (sink.muted > 0) {
		char note[64];

		snprintf(note, sizeof(note), "[%d similar messages muted]", sink.muted);
		emit(RV_LOG_INFO, NULL, note);
	}
	sink.mute_key = key;
	sink.mute_count = 1;
	sink.muted = 0;
	return false;
}

static void vlog(int level, const char *func, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

static void
vlog(int level, const char *func, const char *fmt, va_list ap)
{
	char msg[MSG_MAX];
	int saved = errno;

	if (!rv_log_enabled(level) || muted(fmt))
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	emit(level, func, msg);
	if (sink.tap != NULL) {
		char line[MSG_MAX + 16];

		snprintf(line, sizeof(line), "%s%s", kind_prefix(level), msg);
		sink.tap(sink.tap_arg, level, line);
	}
	errno = saved;
}

void
rv_log_at(int level, const char *func, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(level, func, fmt, ap);
	va_end(ap);
}

bool
rv_log_rl_allow_at(struct rv_ratelimit *rl, int level, const char *func)
{
	uint64_t now;

	if (!rv_log_enabled(level))
		return false;
	now = rv_clock_now();
	if (rl->window_start == 0 || now - rl->window_start >= rv_sec(RV_RATELIMIT_SECS)) {
		if (rl->suppressed > 0)
			rv_log_at(level, func, "%u similar messages suppressed in the last %d s",
			    rl->suppressed, RV_RATELIMIT_SECS);
		rl->window_start = now;
		rl->shown = 0;
		rl->suppressed = 0;
	}
	if (rl->shown >= RV_RATELIMIT_BURST) {
		rl->suppressed++;
		return false;
	}
	rl->shown++;
	return true;
}

void
rv_log_rl_at(struct rv_ratelimit *rl, int level, const char *func, const char *fmt, ...)
{
	va_list ap;

	if (!rv_log_rl_allow_at(rl, level, func))
		return;
	va_start(ap, fmt);
	vlog(level, func, fmt, ap);
	va_end(ap);
}
