/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * script: running a server's external scripts (see script.h), as openvpn
 * runs them: words of the command, environment variables, exit status 0
 * for success.
 */
#include "script.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "err.h"
#include "log.h"

enum { ARGS_MAX = RV_CONF_MAX_ARGS + 2 };

void
rv_env_add(struct rv_env *e, const char *name, const char *fmt, ...)
{
	char value[4096], *kv;
	va_list ap;

	if (e->n >= RV_ENV_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	if (asprintf(&kv, "%s=%s", name, value) < 0)
		return;
	e->v[e->n++] = kv;
	e->v[e->n] = NULL;
}

void
rv_env_clear(struct rv_env *e)
{
	for (size_t i = 0; i < e->n; i++) {
		explicit_bzero(e->v[i], strlen(e->v[i]));
		free(e->v[i]);
	}
	memset(e, 0, sizeof(*e));
}

struct words {
	char *argv[ARGS_MAX + 1];
	int argc;
};

/* The first "option line" of the command: its words. */
static int
take_words(void *arg, const struct rv_conf_line *l)
{
	struct words *w = arg;

	for (int i = 0; i < l->argc && w->argc < ARGS_MAX - 1; i++)
		if ((w->argv[w->argc++] = strdup(l->argv[i])) == NULL)
			return RV_ERR_NOMEM;
	return 1;   /* stop after the first line */
}

static void
child(const struct words *w, const struct rv_env *env)
{
	char *envp[RV_ENV_MAX + 2];
	size_t n = 0;

	for (size_t i = 0; i < env->n; i++)
		envp[n++] = env->v[i];
	envp[n++] = (char *)"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	envp[n] = NULL;
	execve(w->argv[0], w->argv, envp);
	_exit(127);
}

/* Waits for pid at most timeout_ms; kills it after that. */
static int
await(pid_t pid, int timeout_ms, const char *cmd)
{
	struct timespec step = { 0, 5 * 1000 * 1000 };
	int status = 0;

	for (int waited = 0;; waited += 5) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			break;
		if (r < 0 && errno != EINTR)
			return -1;
		if (waited >= timeout_ms) {
			rv_log(RV_LOG_WARN, "script %s did not finish within %d ms: killed", cmd,
			    timeout_ms);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -1;
		}
		nanosleep(&step, NULL);
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	rv_log(RV_LOG_WARN, "script %s died of signal %d", cmd, WTERMSIG(status));
	return -1;
}

int
rv_script_run(const char *cmd, const char *arg, const struct rv_env *env, int timeout_ms)
{
	struct words w = { .argc = 0 };
	struct rv_conf_error cerr;
	pid_t pid;
	int r = -1;

	rv_conf_parse_text("script", cmd, strlen(cmd), take_words, &w, &cerr);
	if (w.argc == 0) {
		rv_log(RV_LOG_ERR, "cannot run script `%s': no command", cmd);
		return -1;
	}
	if (arg != NULL && (w.argv[w.argc++] = strdup(arg)) == NULL)
		goto out;
	if ((pid = fork()) < 0) {
		rv_log(RV_LOG_ERR, "cannot run script %s: %s", w.argv[0], strerror(errno));
		goto out;
	}
	if (pid == 0)
		child(&w, env);
	r = await(pid, timeout_ms, w.argv[0]);
	if (r == 127)
		rv_log(RV_LOG_WARN, "script %s could not be executed (exit 127)", w.argv[0]);
out:
	for (int i = 0; i < w.argc; i++)
		free(w.argv[i]);
	return r;
}
