/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * plat: signals, daemonizing and the pid file on Linux.
 */
#include "plat.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "err.h"
#include "log.h"

int
rv_plat_signals_open(void)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0)
		return -1;
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

int
rv_plat_signal_read(int fd)
{
	struct signalfd_siginfo si;
	ssize_t n;

	do
		n = read(fd, &si, sizeof(si));
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)sizeof(si) ? (int)si.ssi_signo : 0;
}

int
rv_plat_daemonize(bool keep_std)
{
	pid_t pid = fork();
	int fd;

	if (pid < 0)
		return RV_ERR_SYSTEM;
	if (pid > 0)
		_exit(0);
	if (setsid() < 0)
		return RV_ERR_SYSTEM;
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return RV_ERR_SYSTEM;
	dup2(fd, STDIN_FILENO);
	if (!keep_std) {
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
	}
	if (fd > STDERR_FILENO)
		close(fd);
	return 0;
}

int
rv_plat_write_pid(const char *path)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		return RV_ERR_SYSTEM;
	fprintf(f, "%ld\n", (long)getpid());
	return fclose(f) == 0 ? 0 : RV_ERR_SYSTEM;
}

int
rv_plat_privs_lookup(struct rv_privs *p, const char *user, const char *group,
    const char *chroot_dir, char *err, size_t len)
{
	memset(p, 0, sizeof(*p));
	p->user = user;
	p->group = group;
	p->chroot_dir = chroot_dir;
	if (user != NULL) {
		struct passwd *pw = getpwnam(user);

		if (pw == NULL) {
			snprintf(err, len, "--user %s: no such user", user);
			return RV_ERR_NOTFOUND;
		}
		p->uid = pw->pw_uid;
	}
	if (group != NULL) {
		struct group *gr = getgrnam(group);

		if (gr == NULL) {
			snprintf(err, len, "--group %s: no such group", group);
			return RV_ERR_NOTFOUND;
		}
		p->gid = gr->gr_gid;
	}
	return 0;
}

bool
rv_plat_privs_wanted(const struct rv_privs *p)
{
	return p->user != NULL || p->group != NULL || p->chroot_dir != NULL;
}

int
rv_plat_privs_drop(const struct rv_privs *p, char *err, size_t len)
{
	if (p->chroot_dir != NULL) {
		if (chroot(p->chroot_dir) != 0 || chdir("/") != 0) {
			snprintf(err, len, "--chroot %s: %s", p->chroot_dir, strerror(errno));
			return RV_ERR_SYSTEM;
		}
		rv_log(RV_LOG_NOTICE, "chroot to '%s' and cd to '/' succeeded", p->chroot_dir);
	}
	/* The group first: once the user changes, the group cannot. */
	if (p->group != NULL) {
		if (setgroups(1, &p->gid) != 0 || setgid(p->gid) != 0) {
			snprintf(err, len, "--group %s: %s", p->group, strerror(errno));
			return RV_ERR_SYSTEM;
		}
		rv_log(RV_LOG_NOTICE, "GID set to %s", p->group);
	}
	if (p->user != NULL) {
		if (p->group == NULL && setgroups(0, NULL) != 0 && errno != EPERM) {
			snprintf(err, len, "--user %s: %s", p->user, strerror(errno));
			return RV_ERR_SYSTEM;
		}
		if (setuid(p->uid) != 0) {
			snprintf(err, len, "--user %s: %s", p->user, strerror(errno));
			return RV_ERR_SYSTEM;
		}
		rv_log(RV_LOG_NOTICE, "UID set to %s", p->user);
	}
	return 0;
}

int
rv_plat_mlock(void)
{
	return mlockall(MCL_CURRENT | MCL_FUTURE) == 0 ? 0 : RV_ERR_SYSTEM;
}
