/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_PLAT_H
#define RV_PLAT_H

/*
 * Process plumbing: signals as a file descriptor, daemonizing, pid files.
 */

#include <stdbool.h>
#include <stddef.h>

/* Blocks SIGTERM, SIGINT, SIGHUP, SIGUSR1 and SIGUSR2, ignores SIGPIPE, and
 * returns a signalfd delivering the blocked ones (or -1, errno set). */
int rv_plat_signals_open(void);

/* Reads one pending signal from fd; returns its number, or 0 if none. */
int rv_plat_signal_read(int fd);

/* Forks into the background: the parent exits 0, the child starts a new
 * session and has stdin/stdout/stderr on /dev/null (stdout and stderr stay
 * when keep_std, e.g. with --log). Returns 0 in the child or RV_ERR_SYSTEM. */
int rv_plat_daemonize(bool keep_std);

/* Writes the process id to path. Returns 0 or RV_ERR_SYSTEM. */
int rv_plat_write_pid(const char *path);

#endif
