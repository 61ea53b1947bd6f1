/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_LOG_H
#define RV_LOG_H

/*
 * Leveled logging with OpenVPN's --verb scale (0 silent but fatal, 1 normal,
 * 3 recommended, 4 shows dropped packets, 5+ debugging), --mute, --log,
 * --log-append and syslog when daemonized.
 *
 * The sink is process-wide: this file keeps the one piece of state shared by
 * the whole program (where log lines go and how many to show), as syslog(3)
 * itself does. Everything else is passed explicitly.
 */

#include <stdbool.h>
#include <stdint.h>

/* A level is the lowest --verb that shows the message, plus its kind in the
 * high byte (for syslog priority and the "ERROR:" / "WARNING:" prefix). */
enum rv_log_level {
	RV_LOG_FATAL = 0 | 0x100,
	RV_LOG_ERR = 1 | 0x100,
	RV_LOG_WARN = 1 | 0x200,
	RV_LOG_INFO = 1 | 0x300,
	RV_LOG_NOTICE = 3 | 0x300,   /* configuration details */
	RV_LOG_MGMT = 3 | 0x400,     /* management commands (openvpn's "D" at verb 3) */
	RV_LOG_DROP = 4 | 0x400,     /* each dropped packet (rate-limited) */
	RV_LOG_PKT = 6 | 0x400,      /* per-packet trace */
	RV_LOG_DEBUG = 7 | 0x400,
};

struct rv_log_config {
	int verb;              /* --verb, default 1 */
	int mute;              /* --mute, 0 = off */
	const char *file;      /* --log / --log-append, NULL = stdout */
	bool append;
	bool use_syslog;       /* daemonized without --log */
	const char *ident;     /* syslog identity */
	bool timestamps;       /* prefix lines with the date (not for syslog) */
};

/* Applies c. On failure to open c->file returns RV_ERR_SYSTEM and keeps the
 * previous sink. */
int rv_log_open(const struct rv_log_config *c);

/* Flushes and closes the sink; later messages go to stdout. */
void rv_log_close(void);

/* Redirects stdout and stderr to the log file, if there is one (so scripts'
 * output lands there as well). */
void rv_log_redirect_std(void);

bool rv_log_enabled(int level);

/* --verb and --mute while running (the management "verb" and "mute"). */
enum { RV_LOG_VERB_MAX = 15 };
int rv_log_get_verb(void);
void rv_log_set_verb(int verb);
int rv_log_get_mute(void);
void rv_log_set_mute(int mute);

/* A second receiver of every line that passes --verb and --mute (the
 * management interface's log history and >LOG notifications): level and
 * the message with its "ERROR: "/"WARNING: " prefix, without time stamp.
 * fn NULL removes it. */
typedef void rv_log_tap_fn(void *arg, int level, const char *msg);
void rv_log_set_tap(rv_log_tap_fn *fn, void *arg);

void rv_log_at(int level, const char *func, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define rv_log(level, ...) rv_log_at((level), __func__, __VA_ARGS__)

/*
 * Rate limit for the packet path: at most RV_RATELIMIT_BURST lines per
 * RV_RATELIMIT_SECS seconds per limiter; a summary of what was suppressed is
 * logged when the next window opens. The owner embeds the limiter in its
 * own struct.
 */
enum { RV_RATELIMIT_BURST = 10, RV_RATELIMIT_SECS = 5 };

struct rv_ratelimit {
	uint64_t window_start;
	uint32_t shown;
	uint32_t suppressed;
};

void rv_log_rl_at(struct rv_ratelimit *rl, int level, const char *func,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#define rv_log_rl(rl, level, ...) rv_log_rl_at((rl), (level), __func__, __VA_ARGS__)

/* True if one more message at level may be logged now under rl, which
 * counts it as shown (or as suppressed, for the summary line). For a caller
 * on a packet path whose arguments cost something to format (addresses):
 * it formats and logs with rv_log() only when this says so. */
bool rv_log_rl_allow_at(struct rv_ratelimit *rl, int level, const char *func);

#define rv_log_rl_allow(rl, level) rv_log_rl_allow_at((rl), (level), __func__)

#endif
