/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_CONF_H
#define RV_CONF_H

/*
 * OpenVPN configuration syntax: turns a file (or the command line) into
 * option lines. It knows nothing about what the options mean; options.c
 * does.
 *
 * File syntax, as OpenVPN reads it: one option per line, an optional leading
 * "--" on the name; tokens separated by white space; "..." and '...' quote
 * (backslash escapes \\, \" and white space except inside '...'); a token
 * starting with '#' or ';' starts a comment; a line holding only "<tag>"
 * opens an inline block that ends at the line starting (after white space)
 * with "</tag>", and the block's text becomes the option's one argument.
 */

#include <stdbool.h>
#include <stddef.h>

enum {
	RV_CONF_MAX_ARGS = 16,       /* name included, as OpenVPN's MAX_PARMS */
	RV_CONF_MAX_TOKEN = 4096,    /* longest single token outside inline blocks */
	RV_CONF_MAX_FILE = 1 << 20,  /* largest config file read */
	RV_CONF_MAX_DEPTH = 10,      /* nested --config */
};

/* One option occurrence. */
struct rv_conf_line {
	const char *file;   /* file name, or "command line" */
	unsigned line;      /* 1-based line in file; 0 on the command line */
	int argc;           /* argv[0] is the option name without "--" */
	char *argv[RV_CONF_MAX_ARGS + 1];
	bool is_inline;     /* argv[1] is the text of an inline block */
};

/* Called once per option line. Returns 0 to continue, anything else stops
 * parsing and is returned by the parser. */
typedef int rv_conf_fn(void *arg, const struct rv_conf_line *l);

/* Syntax error details, filled when a parser returns RV_ERR_FORMAT. */
struct rv_conf_error {
	char msg[512];
};

/* Parses text[len] named name. Returns 0, RV_ERR_FORMAT (err filled), or what
 * fn returned. */
int rv_conf_parse_text(const char *name, const char *text, size_t len,
    rv_conf_fn *fn, void *arg, struct rv_conf_error *err);

/* Reads path (or standard input for "stdin") and parses it. Returns 0,
 * RV_ERR_SYSTEM / RV_ERR_LIMIT / RV_ERR_FORMAT (err filled), or what fn
 * returned. */
int rv_conf_parse_file(const char *path, rv_conf_fn *fn, void *arg,
    struct rv_conf_error *err);

/* Reads path (or standard input for "stdin") into a fresh NUL-terminated
 * allocation of *len bytes (at most RV_CONF_MAX_FILE). Returns 0,
 * RV_ERR_SYSTEM, RV_ERR_LIMIT or RV_ERR_NOMEM with err filled. */
int rv_conf_read_file(const char *path, char **text, size_t *len, struct rv_conf_error *err);

/* Splits a command line into option lines (OpenVPN rules: "--name" starts an
 * option, following words up to the next "--" are its arguments; a single
 * argument without "--" means "--config ARG"). */
int rv_conf_parse_argv(int argc, char **argv, rv_conf_fn *fn, void *arg,
    struct rv_conf_error *err);

#endif
