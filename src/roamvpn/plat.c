/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * plat: signals, daemonizing and the pid file on Linux.
 */
#include "plat.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "err.h"

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
