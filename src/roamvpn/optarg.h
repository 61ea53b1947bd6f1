/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_OPTARG_H
#define RV_OPTARG_H

/*
 * What option handlers are made of: the table entry type, the context a
 * handler runs in, argument parsers that report "file:line: option: what is
 * wrong", and generic handlers that store one argument into a field of
 * struct rv_options. options.c (general, device, transport, static key) and
 * options_tls.c (TLS mode, client) define their parts of the option table
 * with these.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "options.h"

struct rv_optdef;

struct rv_optctx {
	struct rv_options *o;
	const struct rv_conf_line *l;      /* the line being applied */
	const struct rv_optdef *def;       /* its table entry */
	int depth;                         /* --config nesting */
	char *err;                         /* RV_OPT_ERRLEN bytes */
};

/* Returns 0, or RV_ERR_FORMAT after rv_optarg_bad(). a = arguments, n = count. */
typedef int rv_opt_fn(struct rv_optctx *c, char **a, int n);

enum {
	RV_OPT_INLINE = 1 << 0,            /* accepts an inline <name> block */
	RV_OPT_CMDLINE = 1 << 1,           /* only on the command line */
};

/* A table entry: its own handler, or a generic one storing into the field at
 * off (checked against [lo, hi] for numbers). */
struct rv_optdef {
	const char *name;
	const char *args;                  /* usage of the arguments, for --help */
	unsigned char min, max;            /* number of arguments */
	unsigned char flags;
	rv_opt_fn *fn;
	const char *help;
	size_t off;
	long lo, hi;
};

#define RV_OPT_FIELD(field) .off = offsetof(struct rv_options, field)

/* Writes "file:line: option: <message>" (or "command line: --option: ...")
 * into c->err and returns RV_ERR_FORMAT. */
int rv_optarg_bad(struct rv_optctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Argument parsers: 0 or RV_ERR_FORMAT (message written). */
int rv_optarg_set_str(struct rv_optctx *c, char **field, const char *s);
int rv_optarg_push_str(struct rv_optctx *c, char ***list, size_t *n, const char *s);
int rv_optarg_int(struct rv_optctx *c, const char *s, long min, long max, int *out);
int rv_optarg_u64(struct rv_optctx *c, const char *s, uint64_t *out);
int rv_optarg_port(struct rv_optctx *c, const char *s);
int rv_optarg_direction(struct rv_optctx *c, const char *s, int *dir);

/* A file name or, for an inline block, its text, into ks (replacing what was
 * there); with_dir: an optional second argument is a key direction. */
int rv_optarg_src(struct rv_optctx *c, struct rv_keysrc *ks, char **a, int n, bool with_dir);

/* Generic handlers for table entries (field at def->off). */
int rv_optarg_int_field(struct rv_optctx *c, char **a, int n);
int rv_optarg_str_field(struct rv_optctx *c, char **a, int n);
int rv_optarg_true_field(struct rv_optctx *c, char **a, int n);
int rv_optarg_keydir_field(struct rv_optctx *c, char **a, int n);
int rv_optarg_src_field(struct rv_optctx *c, char **a, int n);       /* struct rv_keysrc */
int rv_optarg_ignore(struct rv_optctx *c, char **a, int n);

/* Frees what a struct rv_keysrc holds (inline text wiped). */
void rv_optarg_src_clear(struct rv_keysrc *ks);

#endif
