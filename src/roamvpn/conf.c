/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * conf: the OpenVPN configuration file and command-line syntax (tokens,
 * quoting, comments, inline blocks), read through struct rv_buf.
 */
#include "conf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "err.h"

static int fail(struct rv_conf_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
fail(struct rv_conf_error *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return RV_ERR_FORMAT;
}

static bool
is_space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

enum tok_state { T_NONE, T_PLAIN, T_DQUOTE, T_SQUOTE };

/* Stores a finished token as the next argument of l. */
static int
finish_token(struct rv_conf_line *l, const char *tok, size_t len)
{
	char *s;

	if (l->argc >= RV_CONF_MAX_ARGS)
		return RV_ERR_LIMIT;
	s = strndup(tok, len);
	if (s == NULL)
		return RV_ERR_NOMEM;
	l->argv[l->argc++] = s;
	return 0;
}

static void
free_line(struct rv_conf_line *l)
{
	for (int i = 0; i < l->argc; i++)
		free(l->argv[i]);
	memset(l->argv, 0, sizeof(l->argv));
	l->argc = 0;
}

static int
line_error(const struct rv_conf_line *l, int r, struct rv_conf_error *err)
{
	if (r == RV_ERR_NOMEM)
		return fail(err, "%s:%u: out of memory", l->file, l->line);
	if (l->argc >= RV_CONF_MAX_ARGS)
		return fail(err, "%s:%u: too many arguments (at most %d)", l->file, l->line,
		    RV_CONF_MAX_ARGS - 1);
	return fail(err, "%s:%u: an argument is longer than %d characters", l->file,
	    l->line, RV_CONF_MAX_TOKEN);
}

/*
 * Tokenizes one line into l->argc/argv. The states follow OpenVPN: outside a
 * token '#' or ';' starts a comment; a backslash (except inside '...') escapes
 * the next character, which must be a backslash, a double quote or white
 * space.
 */
static int
tokenize(struct rv_buf *line, struct rv_conf_line *l, struct rv_conf_error *err)
{
	char tok[RV_CONF_MAX_TOKEN];
	enum tok_state st = T_NONE;
	bool esc = false;
	size_t len = 0;
	int r;

	for (;;) {
		uint8_t c;
		bool end = rv_buf_get_u8(line, &c) != 0, done = false, out = false;

		if (end)
			c = '\0';
		if (!end && !esc && c == '\\' && st != T_SQUOTE) {
			esc = true;
			continue;
		}
		switch (st) {
		case T_NONE:
			if (end || is_space(c))
				break;
			if (c == '#' || c == ';')
				return 0;
			len = 0;
			if (!esc && c == '"')
				st = T_DQUOTE;
			else if (!esc && c == '\'')
				st = T_SQUOTE;
			else {
				st = T_PLAIN;
				out = true;
			}
			break;
		case T_PLAIN:
			if (end && esc)
				return fail(err, "%s:%u: the line ends with a backslash", l->file, l->line);
			if (end || (!esc && is_space(c)))
				done = true;
			else
				out = true;
			break;
		case T_DQUOTE:
		case T_SQUOTE:
			if (end)
				return fail(err, "%s:%u: no closing %s quotation mark", l->file,
				    l->line, st == T_DQUOTE ? "double" : "single");
			if ((st == T_DQUOTE && !esc && c == '"') || (st == T_SQUOTE && c == '\''))
				done = true;
			else
				out = true;
			break;
		}
		if (out && esc && !(c == '\\' || c == '"' || is_space(c)))
			return fail(err, "%s:%u: bad backslash before '%c': only \\\\, \\\" and "
			    "\\<space> are escapes (write C:\\\\dir for C:\\dir)", l->file,
			    l->line, c);
		esc = false;
		if (out) {
			if (len >= sizeof(tok))
				return line_error(l, RV_ERR_LIMIT, err);
			tok[len++] = (char)c;
		}
		if (done) {
			st = T_NONE;
			if ((r = finish_token(l, tok, len)) != 0)
				return line_error(l, r, err);
		}
		if (end)
			return 0;
	}
}

/* Skips white space at the start of a line view. */
static void
skip_space(struct rv_buf *v)
{
	uint8_t c;

	while (rv_buf_peek_u8(v, 0, &c) == 0 && is_space(c))
		rv_buf_skip(v, 1);
}

/* Collects the lines after "<tag>" up to "</tag>" into l->argv[1]. */
static int
read_inline(struct rv_buf *text, struct rv_conf_line *l, unsigned *lineno,
    struct rv_conf_error *err)
{
	char close[RV_CONF_MAX_TOKEN + 4];
	size_t cap = 4096, len = 0;
	char *body = malloc(cap);
	struct rv_buf raw, line;
	unsigned start = l->line;

	if (body == NULL)
		return fail(err, "%s:%u: out of memory", l->file, l->line);
	snprintf(close, sizeof(close), "</%s>", l->argv[0]);
	for (;;) {
		size_t n;

		if (rv_buf_get_line(text, &line) != 0) {
			free(body);
			return fail(err, "%s:%u: <%s> block has no closing </%s>", l->file,
			    start, l->argv[0], l->argv[0]);
		}
		(*lineno)++;
		raw = line;
		skip_space(&line);
		if (rv_buf_has_prefix(&line, close, strlen(close)))
			break;
		n = rv_buf_len(&raw);
		if (len + n + 2 > cap) {
			char *nb;

			while (len + n + 2 > cap)
				cap *= 2;
			if ((nb = realloc(body, cap)) == NULL) {
				free(body);
				return fail(err, "%s:%u: out of memory", l->file, *lineno);
			}
			body = nb;
		}
		rv_buf_get(&raw, body + len, n);
		len += n;
		body[len++] = '\n';
	}
	body[len] = '\0';
	l->argv[1] = body;
	l->argc = 2;
	l->is_inline = true;
	return 0;
}

static bool
is_inline_open(const struct rv_conf_line *l)
{
	size_t n;

	if (l->argc != 1)
		return false;
	n = strlen(l->argv[0]);
	return n > 2 && l->argv[0][0] == '<' && l->argv[0][n - 1] == '>' &&
	    l->argv[0][1] != '/';
}

/* Drops a leading "--" from the option name, as OpenVPN does in files. */
static void
strip_dashes(struct rv_conf_line *l)
{
	char *name = l->argv[0];
	size_t n = strlen(name);

	if (n >= 3 && name[0] == '-' && name[1] == '-')
		memmove(name, name + 2, n - 1);
}

int
rv_conf_parse_text(const char *name, const char *text, size_t len,
    rv_conf_fn *fn, void *arg, struct rv_conf_error *err)
{
	struct rv_buf b, line;
	unsigned lineno = 0;
	int r = 0;

	rv_buf_init_ro(&b, text, len);
	/* A UTF-8 byte order mark at the start is ignored. */
	if (rv_buf_has_prefix(&b, "\xef\xbb\xbf", 3))
		rv_buf_skip(&b, 3);
	while (r == 0 && rv_buf_get_line(&b, &line) == 0) {
		struct rv_conf_line l = { .file = name, .line = ++lineno };

		if ((r = tokenize(&line, &l, err)) != 0) {
			free_line(&l);
			break;
		}
		if (l.argc == 0)
			continue;
		strip_dashes(&l);
		if (is_inline_open(&l)) {
			size_t n = strlen(l.argv[0]);

			memmove(l.argv[0], l.argv[0] + 1, n - 2);
			l.argv[0][n - 2] = '\0';
			if ((r = read_inline(&b, &l, &lineno, err)) != 0) {
				free_line(&l);
				break;
			}
		}
		r = fn(arg, &l);
		free_line(&l);
	}
	return r;
}

/* Reads all of fd into a fresh NUL-terminated allocation. */
static int
slurp(int fd, char **out, size_t *outlen)
{
	size_t cap = 8192, len = 0;
	char *data = malloc(cap);

	if (data == NULL)
		return RV_ERR_NOMEM;
	for (;;) {
		ssize_t n;

		if (len + 1 == cap) {
			char *nd;

			if (cap > RV_CONF_MAX_FILE) {
				free(data);
				return RV_ERR_LIMIT;
			}
			if ((nd = realloc(data, cap * 2)) == NULL) {
				free(data);
				return RV_ERR_NOMEM;
			}
			data = nd;
			cap *= 2;
		}
		n = read(fd, data + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(data);
			return RV_ERR_SYSTEM;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > RV_CONF_MAX_FILE) {
			free(data);
			return RV_ERR_LIMIT;
		}
	}
	data[len] = '\0';
	*out = data;
	*outlen = len;
	return 0;
}

int
rv_conf_read_file(const char *path, char **text, size_t *len, struct rv_conf_error *err)
{
	bool is_stdin = strcmp(path, "stdin") == 0;
	int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	int r;

	if (fd < 0) {
		snprintf(err->msg, sizeof(err->msg), "cannot open %s: %s", path, strerror(errno));
		return RV_ERR_SYSTEM;
	}
	r = slurp(fd, text, len);
	if (!is_stdin)
		close(fd);
	if (r != 0)
		snprintf(err->msg, sizeof(err->msg), "cannot read %s: %s", path,
		    r == RV_ERR_LIMIT ? "file is larger than 1 MiB" : rv_strerror(r));
	return r;
}

int
rv_conf_parse_file(const char *path, rv_conf_fn *fn, void *arg, struct rv_conf_error *err)
{
	char *text;
	size_t len;
	int r;

	if ((r = rv_conf_read_file(path, &text, &len, err)) != 0)
		return r;
	r = rv_conf_parse_text(path, text, len, fn, arg, err);
	free(text);
	return r;
}

int
rv_conf_parse_argv(int argc, char **argv, rv_conf_fn *fn, void *arg, struct rv_conf_error *err)
{
	int r = 0;

	if (argc == 2 && strncmp(argv[1], "--", 2) != 0) {
		struct rv_conf_line l = { .file = "command line", .argc = 2 };

		l.argv[0] = "config";
		l.argv[1] = argv[1];
		return fn(arg, &l);
	}
	for (int i = 1; i < argc && r == 0; ) {
		struct rv_conf_line l = { .file = "command line" };

		if (strncmp(argv[i], "--", 2) != 0 || argv[i][2] == '\0')
			return fail(err, "command line: \"%s\": expected an option starting "
			    "with --", argv[i]);
		l.argv[l.argc++] = argv[i] + 2;
		for (i++; i < argc && strncmp(argv[i], "--", 2) != 0; i++) {
			if (l.argc >= RV_CONF_MAX_ARGS)
				return fail(err, "command line: --%s: too many arguments",
				    l.argv[0]);
			l.argv[l.argc++] = argv[i];
		}
		r = fn(arg, &l);
	}
	return r;
}
