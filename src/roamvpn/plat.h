/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_PLAT_H
#define RV_PLAT_H

/*
 * Process plumbing: signals as a file descriptor, daemonizing, pid files,
 * and giving up privileges (--user, --group, --chroot, --mlock).
 */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

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

/* Who the process becomes once the tunnel is up. */
struct rv_privs {
	const char *user, *group;   /* NULL: keep */
	const char *chroot_dir;     /* NULL: none */
	uid_t uid;
	gid_t gid;
};

/* Looks up user and group (either may be NULL) into p. Returns 0, or
 * RV_ERR_NOTFOUND after writing "--user NAME: no such user" (or group) to
 * err (len bytes). */
int rv_plat_privs_lookup(struct rv_privs *p, const char *user, const char *group,
    const char *chroot_dir, char *err, size_t len);

/* True if p asks for anything. */
bool rv_plat_privs_wanted(const struct rv_privs *p);

/* Enters the chroot directory, then takes the group (and only it as
 * supplementary group) and the user; each change is logged. Returns 0 or
 * RV_ERR_SYSTEM after writing what failed to err. */
int rv_plat_privs_drop(const struct rv_privs *p, char *err, size_t len);

/* Locks all present and future pages in memory (--mlock). Returns 0 or
 * RV_ERR_SYSTEM (errno set). */
int rv_plat_mlock(void);

#endif
