/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * optarg: the toolkit option handlers are written with (argument parsers,
 * error messages naming file, line and option, generic field handlers).
 */
#include "optarg.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "err.h"
#include "keyfile.h"

int
rv_optarg_bad(struct rv_optctx *c, const char *fmt, ...)
{
	char msg[RV_OPT_ERRLEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->l->line > 0)
		snprintf(c->err, RV_OPT_ERRLEN, "%s:%u: %s: %s", c->l->file, c->l->line,
		    c->l->argv[0], msg);
	else
		snprintf(c->err, RV_OPT_ERRLEN, "command line: --%s: %s", c->l->argv[0], msg);
	return RV_ERR_FORMAT;
}

int
rv_optarg_set_str(struct rv_optctx *c, char **field, const char *s)
{
	char *d = strdup(s);

	if (d == NULL)
		return rv_optarg_bad(c, "out of memory");
	free(*field);
	*field = d;
	return 0;
}

int
rv_optarg_push_str(struct rv_optctx *c, char ***list, size_t *n, const char *s)
{
	char **nl = reallocarray(*list, *n + 1, sizeof(**list));

	if (nl == NULL)
		return rv_optarg_bad(c, "out of memory");
	*list = nl;
	if ((nl[*n] = strdup(s)) == NULL)
		return rv_optarg_bad(c, "out of memory");
	(*n)++;
	return 0;
}

/* A decimal integer in [min, max]. */
int
rv_optarg_int(struct rv_optctx *c, const char *s, long min, long max, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < min || v > max)
		return rv_optarg_bad(c, "expects a number from %ld to %ld, got `%s'", min, max, s);
	*out = (int)v;
	return 0;
}

int
rv_optarg_u64(struct rv_optctx *c, const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	if (*s == '-')
		return rv_optarg_bad(c, "expects a non-negative number, got `%s'", s);
	v = strtoull(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0)
		return rv_optarg_bad(c, "expects a non-negative number, got `%s'", s);
	*out = v;
	return 0;
}

int
rv_optarg_port(struct rv_optctx *c, const char *s)
{
	int port;

	return rv_optarg_int(c, s, 0, 65535, &port);
}

int
rv_optarg_direction(struct rv_optctx *c, const char *s, int *dir)
{
	if (rv_keyfile_parse_direction(s, dir) != 0)
		return rv_optarg_bad(c, "key direction must be 0 or 1, got `%s'", s);
	return 0;
}

void
rv_optarg_src_clear(struct rv_keysrc *ks)
{
	free(ks->path);
	if (ks->text != NULL)
		OPENSSL_clear_free(ks->text, strlen(ks->text));
	ks->path = ks->text = NULL;
	ks->direction = RV_KEYDIR_BIDI;
}

int
rv_optarg_src(struct rv_optctx *c, struct rv_keysrc *ks, char **a, int n, bool with_dir)
{
	rv_optarg_src_clear(ks);
	if (c->l->is_inline) {
		if ((ks->text = strdup(a[0])) == NULL)
			return rv_optarg_bad(c, "out of memory");
	} else if (rv_optarg_set_str(c, &ks->path, a[0]) != 0) {
		return RV_ERR_FORMAT;
	}
	if (n > 1 && !with_dir)
		return rv_optarg_bad(c, "expects one argument");
	return n > 1 ? rv_optarg_direction(c, a[1], &ks->direction) : 0;
}

/* The field of c->o that the current table entry names. */
static void *
field(struct rv_optctx *c)
{
	return (char *)c->o + c->def->off;
}

int
rv_optarg_int_field(struct rv_optctx *c, char **a, int n)
{
	(void)n;
	return rv_optarg_int(c, a[0], c->def->lo, c->def->hi, field(c));
}

int
rv_optarg_str_field(struct rv_optctx *c, char **a, int n)
{
	(void)n;
	return rv_optarg_set_str(c, field(c), a[0]);
}

int
rv_optarg_true_field(struct rv_optctx *c, char **a, int n)
{
	(void)a, (void)n;
	*(bool *)field(c) = true;
	return 0;
}

int
rv_optarg_keydir_field(struct rv_optctx *c, char **a, int n)
{
	(void)n;
	return rv_optarg_direction(c, a[0], field(c));
}

int
rv_optarg_src_field(struct rv_optctx *c, char **a, int n)
{
	return rv_optarg_src(c, field(c), a, n, false);
}

int
rv_optarg_ignore(struct rv_optctx *c, char **a, int n)
{
	(void)c, (void)a, (void)n;
	return 0;
}
