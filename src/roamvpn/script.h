/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_SCRIPT_H
#define RV_SCRIPT_H

/*
 * External scripts of a server (--auth-user-pass-verify, --client-connect,
 * --client-disconnect): the command is split into words with the
 * configuration syntax (quotes work), an optional last argument is added,
 * and it runs through fork/exec with exactly the given environment (plus
 * PATH). The daemon waits for it, but at most timeout_ms: a script that
 * takes longer is killed and counts as failed. This wait blocks the event
 * loop (a first version; a deferred, asynchronous run would not).
 */

#include <stdbool.h>
#include <stddef.h>

enum { RV_ENV_MAX = 48 };

/* Environment variables "name=value" for a script. */
struct rv_env {
	char *v[RV_ENV_MAX + 1];
	size_t n;
};

/* Adds name=value (printf-style); silently ignores more than RV_ENV_MAX. */
void rv_env_add(struct rv_env *e, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void rv_env_clear(struct rv_env *e);

/* Runs cmd [arg] with env. Returns the exit status (0..255), or -1 if it
 * could not be started, died of a signal or ran out of time (logged). */
int rv_script_run(const char *cmd, const char *arg, const struct rv_env *env, int timeout_ms);

#endif
