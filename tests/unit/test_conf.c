/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for conf.c, the OpenVPN configuration syntax: tokens, quoting,
 * backslash escapes, comments, inline <tag> blocks, the byte order mark, the
 * optional leading "--", line numbers, and the command line. Error cases check
 * the exact code and message, since the message is what a user sees.
 */
#include "conf.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "err.h"

enum { REC_MAX = 32 };

/* A copy of one callback invocation (the parser frees its strings after the
 * call returns). */
struct rec_line {
	char *file;
	unsigned line;
	int argc;
	char *argv[RV_CONF_MAX_ARGS + 1];
	bool is_inline;
};

struct rec {
	int n;
	int stop_at;     /* 1-based call that returns stop_rc; 0 for never */
	int stop_rc;
	struct rec_line l[REC_MAX];
};

static int
record(void *arg, const struct rv_conf_line *l)
{
	struct rec *rec = arg;
	struct rec_line *c;

	assert_true(rec->n < REC_MAX);
	assert_true(l->argc >= 1 && l->argc <= RV_CONF_MAX_ARGS);
	/* argv is NULL-terminated after the last argument. */
	assert_null(l->argv[l->argc]);
	c = &rec->l[rec->n++];
	c->file = strdup(l->file);
	c->line = l->line;
	c->argc = l->argc;
	c->is_inline = l->is_inline;
	for (int i = 0; i < l->argc; i++)
		c->argv[i] = strdup(l->argv[i]);
	return rec->n == rec->stop_at ? rec->stop_rc : 0;
}

static void
rec_free(struct rec *rec)
{
	for (int i = 0; i < rec->n; i++) {
		free(rec->l[i].file);
		for (int k = 0; k < rec->l[i].argc; k++)
			free(rec->l[i].argv[k]);
	}
	memset(rec, 0, sizeof(*rec));
}

static int
parse(const char *text, struct rec *rec, struct rv_conf_error *err)
{
	memset(err->msg, 0, sizeof(err->msg));
	return rv_conf_parse_text("f.conf", text, strlen(text), record, rec, err);
}

/* Checks line i: its number and its words (NULL-terminated list). */
static void
expect_line(const struct rec *rec, int i, unsigned lineno, const char *const *words)
{
	const struct rec_line *l;
	int n = 0;

	assert_true(i < rec->n);
	l = &rec->l[i];
	assert_string_equal(l->file, "f.conf");
	assert_int_equal(l->line, lineno);
	while (words[n] != NULL) {
		assert_true(n < l->argc);
		assert_string_equal(l->argv[n], words[n]);
		n++;
	}
	assert_int_equal(l->argc, n);
}

#define WORDS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* --- tokens ----------------------------------------------------------------- */

static void
test_plain_lines(void **state)
{
	struct rv_conf_error err;
	struct rec rec = { 0 };

	assert_int_equal(parse("dev tun\nremote  vpn.example.org\t1194 udp\n\n   \t\nverb 3",
	    &rec, &err), 0);
	assert_int_equal(rec.n, 3);
	expect_line(&rec, 0, 1, WORDS("dev", "tun"));
	expect_line(&rec, 1, 2, WORDS("remote", "vpn.example.org", "1194", "udp"));
	/* Blank lines count; the last line needs no newline. */
	expect_line(&rec, 2, 5, WORDS("verb", "3"));
	assert_false(rec.l[0].is_inline);
	rec_free(&rec);
}

static void
test_comments(void **state)
{
	static const char text[] =
	    "# a comment\n"
	    "; another\n"
	    "   # indented comment\n"
	    "verb 3 # trailing comment\n"
	    "mute 5 ;trailing\n"
	    "setenv X a#b;c\n"
	    "secret \"#not a comment\"\n";
	struct rv_conf_error err;
	struct rec rec = { 0 };

	assert_int_equal(parse(text, &rec, &err), 0);
	assert_int_equal(rec.n, 4);
	expect_line(&rec, 0, 4, WORDS("verb", "3"));
	expect_line(&rec, 1, 5, WORDS("mute", "5"));
	/* Only a token that starts with # or ; is a comment. */
	expect_line(&rec, 2, 6, WORDS("setenv", "X", "a#b;c"));
	expect_line(&rec, 3, 7, WORDS("secret", "#not a comment"));
	rec_free(&rec);
}

static void
test_double_quotes(void **state)
{
	static const char text[] =
	    "auth-user-pass \"my file.txt\"\n"
	    "x \"a\\\"b\" \"c\\\\d\" \"e\\ f\" \"\" \"it's\"\n";
	struct rv_conf_error err;
	struct rec rec = { 0 };

	assert_int_equal(parse(text, &rec, &err), 0);
	assert_int_equal(rec.n, 2);
	expect_line(&rec, 0, 1, WORDS("auth-user-pass", "my file.txt"));
	expect_line(&rec, 1, 2, WORDS("x", "a\"b", "c\\d", "e f", "", "it's"));
	rec_free(&rec);
}

/* Inside '...' a backslash is an ordinary character. */
static void
test_single_quotes(void **state)
{
	static const char text[] = "x 'a\\b' 'c\"d' 'e f' '' 'g\\'\n";
	struct rv_conf_error err;
	struct rec rec = { 0 };

	assert_int_equal(parse(text, &rec, &err), 0);
	assert_int_equal(rec.n, 1);
	expect_line(&rec, 0, 1, WORDS("x", "a\\b", "c\"d", "e f", "", "g\\"));
	rec_free(&rec);
}

static void
test_backslash_outside_quotes(void **state)
{
	static const char text[] = "x a\\ b c\\\\d e\\\"f C:\\\\dir\\\\file\n";
	struct rv_conf_error err;
	struct rec rec = { 0 };

	assert_int_equal(parse(text, &rec, &err), 0);
	assert_int_equal(rec.n, 1);
	expect_line(&rec, 0, 1, WORDS("x", "a b", "c\\d", "e\"f", "C:\\dir\\file"));
	rec_free(&rec);
}

/* As in OpenVPN, a closing quote ends the token even without white space. */
static void
test_quote_ends_token(void **state)
{
	struct rv_conf_error err;
	struct rec rec = { 0 };

	assert_int_equal(parse("x \"ab\"cd 'e'f\n", &rec, &err), 0);
	expect_line(&rec, 0, 1, WORDS("x", "ab", "cd", "e", "f"));
	rec_free(&rec);
}

static void
test_leading_dashes(void **state)
{
	struct rv_conf_error err;
	struct rec rec = { 0 };

	assert_int_equal(parse("--dev tun\n-verb 3\nx --y\n--\n", &rec, &err), 0);
	assert_int_equal(rec.n, 4);
	expect_line(&rec, 0, 1, WORDS("dev", "tun"));
	/* One dash, arguments, and a bare "--" are left alone. */
	expect_line(&rec, 1, 2, WORDS("-verb", "3"));
	expect_line(&rec, 2, 3, WORDS("x", "--y"));
	expect_line(&rec, 3, 4, WORDS("--"));
	rec_free(&rec);
}

static void
test_bom_and_crlf(void **state)
{
	static const char text[] = "\xef\xbb\xbf" "dev tun\r\nverb 3\r\n\xef\xbb\xbfmute 1\r\n";
	struct rv_conf_error err;
	struct rec rec = { 0 };

	assert_int_equal(parse(text, &rec, &err), 0);
	assert_int_equal(rec.n, 3);
	expect_line(&rec, 0, 1, WORDS("dev", "tun"));
	expect_line(&rec, 1, 2, WORDS("verb", "3"));
	/* Only a mark at the very start is skipped. */
	expect_line(&rec, 2, 3, WORDS("\xef\xbb\xbfmute", "1"));
	rec_free(&rec);
}

/* The text length bounds the parse, not a NUL. */
static void
test_length_bounds_text(void **state)
{
	static const char text[] = "dev tun\nverb 3\n";
	struct rv_conf_error err;
	struct rec rec = { 0 };

	assert_int_equal(rv_conf_parse_text("f.conf", text, 6, record, &rec, &err), 0);
	assert_int_equal(rec.n, 1);
	expect_line(&rec, 0, 1, WORDS("dev", "tu"));
	rec_free(&rec);
	assert_int_equal(rv_conf_parse_text("f.conf", text, 0, record, &rec, &err), 0);
	assert_int_equal(rec.n, 0);
}

/* Exactly RV_CONF_MAX_ARGS words and exactly RV_CONF_MAX_TOKEN characters are
 * the largest accepted; the over-limit cases are in test_errors. */
static void
test_limits_accepted(void **state)
{
	char *text = malloc(RV_CONF_MAX_TOKEN + 16);
	struct rv_conf_error err;
	struct rec rec = { 0 };

	assert_non_null(text);
	assert_int_equal(parse("o 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15\n", &rec, &err), 0);
	assert_int_equal(rec.l[0].argc, RV_CONF_MAX_ARGS);
	assert_string_equal(rec.l[0].argv[15], "15");
	rec_free(&rec);

	strcpy(text, "o ");
	memset(text + 2, 'a', RV_CONF_MAX_TOKEN);
	strcpy(text + 2 + RV_CONF_MAX_TOKEN, "\n");
	assert_int_equal(parse(text, &rec, &err), 0);
	assert_int_equal(strlen(rec.l[0].argv[1]), RV_CONF_MAX_TOKEN);
	rec_free(&rec);
	free(text);
}

/* --- inline blocks ---------------------------------------------------------- */

static void
test_inline_block(void **state)
{
	static const char text[] =
	    "dev tun\n"                     /* 1 */
	    "<ca>\n"                        /* 2 */
	    "-----BEGIN CERTIFICATE-----\n" /* 3 */
	    "  indented # \"kept\" \\ \r\n" /* 4 */
	    "</cert>\n"                     /* 5: another tag's end is text */
	    "\n"                            /* 6 */
	    "  </ca>\n"                     /* 7 */
	    "verb 3\n"                      /* 8 */
	    "--<tls-auth>\n"                /* 9 */
	    "</tls-auth> trailing\n"        /* 10 */
	    "mute 1\n";                     /* 11 */
	struct rv_conf_error err;
	struct rec rec = { 0 };

	assert_int_equal(parse(text, &rec, &err), 0);
	assert_int_equal(rec.n, 5);
	expect_line(&rec, 0, 1, WORDS("dev", "tun"));
	expect_line(&rec, 1, 2, WORDS("ca", "-----BEGIN CERTIFICATE-----\n"
	    "  indented # \"kept\" \\ \n</cert>\n\n"));
	assert_true(rec.l[1].is_inline);
	/* The block's lines advance the count. */
	expect_line(&rec, 2, 8, WORDS("verb", "3"));
	assert_false(rec.l[2].is_inline);
	expect_line(&rec, 3, 9, WORDS("tls-auth", ""));
	assert_true(rec.l[3].is_inline);
	expect_line(&rec, 4, 11, WORDS("mute", "1"));
	rec_free(&rec);
}

/* A block larger than the parser's first allocation. */
static void
test_inline_block_large(void **state)
{
	enum { LINES = 300 };
	const size_t line_len = 64;
	char *text = malloc(LINES * (line_len + 1) + 64), *p;
	struct rv_conf_error err;
	struct rec rec = { 0 };

	assert_non_null(text);
	p = text + sprintf(text, "<key>\n");
	for (int i = 0; i < LINES; i++) {
		memset(p, 'A' + i % 26, line_len);
		p[line_len] = '\n';
		p += line_len + 1;
	}
	strcpy(p, "</key>\nverb 4\n");
	assert_int_equal(parse(text, &rec, &err), 0);
	assert_int_equal(rec.n, 2);
	assert_int_equal(strlen(rec.l[0].argv[1]), LINES * (line_len + 1));
	assert_memory_equal(rec.l[0].argv[1], text + 6, LINES * (line_len + 1));
	expect_line(&rec, 1, LINES + 3, WORDS("verb", "4"));
	rec_free(&rec);
	free(text);
}

/* "<tag>" only opens a block when it stands alone on its line. */
static void
test_not_inline(void **state)
{
	struct rv_conf_error err;
	struct rec rec = { 0 };

	assert_int_equal(parse("<ca> x\n<>\n</ca>\n", &rec, &err), 0);
	assert_int_equal(rec.n, 3);
	expect_line(&rec, 0, 1, WORDS("<ca>", "x"));
	expect_line(&rec, 1, 2, WORDS("<>"));
	expect_line(&rec, 2, 3, WORDS("</ca>"));
	for (int i = 0; i < 3; i++)
		assert_false(rec.l[i].is_inline);
	rec_free(&rec);
}

/* --- errors ----------------------------------------------------------------- */

struct err_case {
	const char *text;
	int rc;
	int delivered;          /* lines passed to the callback before the error */
	const char *msg;
};

static const struct err_case err_cases[] = {
	/* truncated input */
	{ "verb 3\nx \"abc\n", RV_ERR_FORMAT, 1,
	  "f.conf:2: no closing double quotation mark" },
	{ "x 'abc\n", RV_ERR_FORMAT, 0,
	  "f.conf:1: no closing single quotation mark" },
	{ "x \"abc\\\"", RV_ERR_FORMAT, 0,
	  "f.conf:1: no closing double quotation mark" },
	{ "\n\nx abc\\\nverb 3\n", RV_ERR_FORMAT, 0,
	  "f.conf:3: the line ends with a backslash" },
	{ "dev tun\n<ca>\nabc\n", RV_ERR_FORMAT, 1,
	  "f.conf:2: <ca> block has no closing </ca>" },
	{ "<ca>\n</c>\n</ca\n", RV_ERR_FORMAT, 0,
	  "f.conf:1: <ca> block has no closing </ca>" },
	{ "<tls-auth>", RV_ERR_FORMAT, 0,
	  "f.conf:1: <tls-auth> block has no closing </tls-auth>" },
	/* bad escapes */
	{ "\n\n\nsecret C:\\dir\\key\n", RV_ERR_FORMAT, 0,
	  "f.conf:4: bad backslash before 'd'" },
	{ "x \"a\\n\"\n", RV_ERR_FORMAT, 0,
	  "f.conf:1: bad backslash before 'n'" },
	{ "x a\\'b\n", RV_ERR_FORMAT, 0,
	  "f.conf:1: bad backslash before '''" },
	/* oversized: one argument too many */
	{ "dev tun\n\no 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n", RV_ERR_FORMAT, 1,
	  "f.conf:3: too many arguments (at most 15)" },
	{ "o 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 \"\" # comment\n", RV_ERR_FORMAT, 0,
	  "f.conf:1: too many arguments (at most 15)" },
};

static void
test_errors(void **state)
{
	for (size_t i = 0; i < sizeof(err_cases) / sizeof(err_cases[0]); i++) {
		const struct err_case *c = &err_cases[i];
		struct rv_conf_error err;
		struct rec rec = { 0 };

		print_message("case %zu: %s\n", i, c->msg);
		assert_int_equal(parse(c->text, &rec, &err), c->rc);
		assert_int_equal(rec.n, c->delivered);
		/* Bad-backslash messages go on with advice, checked below. */
		if (strstr(c->msg, "bad backslash") != NULL)
			assert_memory_equal(err.msg, c->msg, strlen(c->msg));
		else
			assert_string_equal(err.msg, c->msg);
		rec_free(&rec);
	}
}

/* One character over the token limit, plain and quoted. */
static void
test_token_too_long(void **state)
{
	const char *const openers[] = { "", "\"", "'" };
	char *text = malloc(RV_CONF_MAX_TOKEN + 32);

	assert_non_null(text);
	for (size_t i = 0; i < 3; i++) {
		struct rv_conf_error err;
		struct rec rec = { 0 };
		size_t n = (size_t)sprintf(text, "verb 3\no %s", openers[i]);

		memset(text + n, 'a', RV_CONF_MAX_TOKEN + 1);
		sprintf(text + n + RV_CONF_MAX_TOKEN + 1, "%s\n", openers[i]);
		assert_int_equal(parse(text, &rec, &err), RV_ERR_FORMAT);
		assert_int_equal(rec.n, 1);
		assert_string_equal(err.msg, "f.conf:2: an argument is longer than 4096 characters");
		rec_free(&rec);
	}
	free(text);
}

/* The advice in the bad-backslash message must work when followed: the text it
 * says to write has to parse back to the path it names. */
static void
test_bad_backslash_advice(void **state)
{
	struct rv_conf_error err;
	struct rec rec = { 0 };
	const char *w, *f, *close;
	char advice[64], path[64], line[96];

	assert_int_equal(parse("secret C:\\dir\n", &rec, &err), RV_ERR_FORMAT);
	w = strstr(err.msg, "(write ");
	assert_non_null(w);
	w += strlen("(write ");
	f = strstr(w, " for ");
	assert_non_null(f);
	close = strchr(f, ')');
	assert_non_null(close);
	assert_true((size_t)(f - w) < sizeof(advice));
	memcpy(advice, w, (size_t)(f - w));
	advice[f - w] = '\0';
	f += strlen(" for ");
	assert_true((size_t)(close - f) < sizeof(path));
	memcpy(path, f, (size_t)(close - f));
	path[close - f] = '\0';
	assert_string_equal(path, "C:\\dir");

	snprintf(line, sizeof(line), "secret %s\n", advice);
	assert_int_equal(parse(line, &rec, &err), 0);
	assert_int_equal(rec.n, 1);
	snprintf(line, sizeof(line), "%s", rec.l[0].argv[1]);
	rec_free(&rec);
	assert_string_equal(line, path);
}

/* A callback's non-zero return stops parsing and is passed through. */
static void
test_callback_stops(void **state)
{
	struct rv_conf_error err;
	struct rec rec = { .stop_at = 2, .stop_rc = 42 };

	assert_int_equal(parse("a\nb\nc\n", &rec, &err), 42);
	assert_int_equal(rec.n, 2);
	rec_free(&rec);
	rec.stop_at = 1;
	rec.stop_rc = RV_ERR_RANGE;
	assert_int_equal(parse("<ca>\nx\n</ca>\nb\n", &rec, &err), RV_ERR_RANGE);
	assert_int_equal(rec.n, 1);
	assert_true(rec.l[0].is_inline);
	rec_free(&rec);
}

/* --- files ------------------------------------------------------------------ */

static char *
write_temp(const char *data, size_t len)
{
	char *path = strdup("/tmp/test_conf.XXXXXX");
	int fd;

	assert_non_null(path);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	for (size_t done = 0; done < len; ) {
		ssize_t n = write(fd, data + done, len - done);

		assert_true(n > 0);
		done += (size_t)n;
	}
	close(fd);
	return path;
}

static void
test_parse_file(void **state)
{
	static const char text[] = "dev tun\n\n<secret>\nab\n</secret>\nverb 3\n";
	char *path = write_temp(text, strlen(text));
	struct rv_conf_error err;
	struct rec rec = { 0 };

	assert_int_equal(rv_conf_parse_file(path, record, &rec, &err), 0);
	assert_int_equal(rec.n, 3);
	/* Lines carry the path as given. */
	assert_string_equal(rec.l[0].file, path);
	assert_int_equal(rec.l[1].line, 3);
	assert_string_equal(rec.l[1].argv[1], "ab\n");
	assert_int_equal(rec.l[2].line, 6);
	rec_free(&rec);
	unlink(path);
	free(path);
}

static void
test_parse_file_missing(void **state)
{
	struct rv_conf_error err;
	struct rec rec = { 0 };

	assert_int_equal(rv_conf_parse_file("/nonexistent/roamvpn-test.conf", record, &rec,
	    &err), RV_ERR_SYSTEM);
	assert_string_equal(err.msg, "cannot open /nonexistent/roamvpn-test.conf: "
	    "No such file or directory");
	assert_int_equal(rec.n, 0);
}

/* Errors from a file name the file. */
static void
test_parse_file_error_names_file(void **state)
{
	static const char text[] = "dev tun\nx \"open\n";
	char *path = write_temp(text, strlen(text));
	struct rv_conf_error err;
	struct rec rec = { 0 };
	char want[128];

	assert_int_equal(rv_conf_parse_file(path, record, &rec, &err), RV_ERR_FORMAT);
	snprintf(want, sizeof(want), "%s:2: no closing double quotation mark", path);
	assert_string_equal(err.msg, want);
	rec_free(&rec);
	unlink(path);
	free(path);
}

/* A file of size bytes: "verb 3", then one comment line padding it out. */
static char *
write_sized_config(size_t size)
{
	char *data = malloc(size);
	char *path;

	assert_non_null(data);
	memcpy(data, "verb 3\n#", 8);
	memset(data + 8, 'x', size - 9);
	data[size - 1] = '\n';
	path = write_temp(data, size);
	free(data);
	return path;
}

/* RV_CONF_MAX_FILE is the largest file read (conf.h). */
static void
test_parse_file_size_limit(void **state)
{
	const size_t sizes[] = { RV_CONF_MAX_FILE - 2, RV_CONF_MAX_FILE - 1, RV_CONF_MAX_FILE };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		char *path = write_sized_config(sizes[i]);
		struct rv_conf_error err;
		struct rec rec = { 0 };
		int r, n;

		print_message("file of %zu bytes\n", sizes[i]);
		memset(err.msg, 0, sizeof(err.msg));
		r = rv_conf_parse_file(path, record, &rec, &err);
		n = rec.n;
		rec_free(&rec);
		unlink(path);
		free(path);
		/* Cleaned up first so a failure leaks nothing. */
		assert_int_equal(r, 0);
		assert_string_equal(err.msg, "");
		assert_int_equal(n, 1);
	}
}

static void
test_parse_file_too_large(void **state)
{
	char *path = write_sized_config(RV_CONF_MAX_FILE + 1);
	struct rv_conf_error err;
	struct rec rec = { 0 };
	char want[128];

	assert_int_equal(rv_conf_parse_file(path, record, &rec, &err), RV_ERR_LIMIT);
	snprintf(want, sizeof(want), "cannot read %s: file is larger than 1 MiB", path);
	assert_string_equal(err.msg, want);
	assert_int_equal(rec.n, 0);
	unlink(path);
	free(path);
}

/* --- command line ------------------------------------------------------------ */

static void
test_argv_options(void **state)
{
	char *argv[] = { "roamvpn", "--dev", "tun", "--remote", "h", "1194", "--float",
		"--verb", "# 3", NULL };
	struct rv_conf_error err;
	struct rec rec = { 0 };

	assert_int_equal(rv_conf_parse_argv(9, argv, record, &rec, &err), 0);
	assert_int_equal(rec.n, 4);
	for (int i = 0; i < rec.n; i++) {
		assert_string_equal(rec.l[i].file, "command line");
		assert_int_equal(rec.l[i].line, 0);
		assert_false(rec.l[i].is_inline);
	}
	assert_int_equal(rec.l[0].argc, 2);
	assert_string_equal(rec.l[0].argv[0], "dev");
	assert_string_equal(rec.l[0].argv[1], "tun");
	assert_int_equal(rec.l[1].argc, 3);
	assert_string_equal(rec.l[1].argv[2], "1194");
	assert_int_equal(rec.l[2].argc, 1);
	assert_string_equal(rec.l[2].argv[0], "float");
	/* Words are not tokenized again: no comments, no quotes. */
	assert_string_equal(rec.l[3].argv[1], "# 3");
	rec_free(&rec);
}

static void
test_argv_single_config(void **state)
{
	char *argv[] = { "roamvpn", "client.conf", NULL };
	char *none[] = { "roamvpn", NULL };
	struct rv_conf_error err;
	struct rec rec = { 0 };

	assert_int_equal(rv_conf_parse_argv(2, argv, record, &rec, &err), 0);
	assert_int_equal(rec.n, 1);
	assert_int_equal(rec.l[0].argc, 2);
	assert_string_equal(rec.l[0].argv[0], "config");
	assert_string_equal(rec.l[0].argv[1], "client.conf");
	rec_free(&rec);
	assert_int_equal(rv_conf_parse_argv(1, none, record, &rec, &err), 0);
	assert_int_equal(rec.n, 0);
}

struct argv_err_case {
	int argc;
	char *argv[20];
	int delivered;
	const char *msg;
};

static void
test_argv_errors(void **state)
{
	static const struct argv_err_case cases[] = {
		{ 3, { "rv", "dev", "tun" }, 0,
		  "command line: \"dev\": expected an option starting with --" },
		{ 4, { "rv", "--verb", "3", "--" }, 1,
		  "command line: \"--\": expected an option starting with --" },
		{ 18, { "rv", "--o", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11",
		    "12", "13", "14", "15", "16" }, 0,
		  "command line: --o: too many arguments" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rv_conf_error err;
		struct rec rec = { 0 };

		print_message("case %zu: %s\n", i, cases[i].msg);
		memset(err.msg, 0, sizeof(err.msg));
		assert_int_equal(rv_conf_parse_argv(cases[i].argc, (char **)cases[i].argv, record,
		    &rec, &err), RV_ERR_FORMAT);
		assert_int_equal(rec.n, cases[i].delivered);
		assert_string_equal(err.msg, cases[i].msg);
		rec_free(&rec);
	}
}

static void
test_argv_limits(void **state)
{
	char *argv[] = { "rv", "--o", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11",
		"12", "13", "14", "15", "--x", NULL };
	struct rv_conf_error err;
	struct rec rec = { .stop_at = 1, .stop_rc = 9 };

	/* Fifteen arguments fit; the callback's return stops the rest. */
	assert_int_equal(rv_conf_parse_argv(18, argv, record, &rec, &err), 9);
	assert_int_equal(rec.n, 1);
	assert_int_equal(rec.l[0].argc, RV_CONF_MAX_ARGS);
	rec_free(&rec);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_lines),
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_double_quotes),
		cmocka_unit_test(test_single_quotes),
		cmocka_unit_test(test_backslash_outside_quotes),
		cmocka_unit_test(test_quote_ends_token),
		cmocka_unit_test(test_leading_dashes),
		cmocka_unit_test(test_bom_and_crlf),
		cmocka_unit_test(test_length_bounds_text),
		cmocka_unit_test(test_limits_accepted),
		cmocka_unit_test(test_inline_block),
		cmocka_unit_test(test_inline_block_large),
		cmocka_unit_test(test_not_inline),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_token_too_long),
		cmocka_unit_test(test_bad_backslash_advice),
		cmocka_unit_test(test_callback_stops),
		cmocka_unit_test(test_parse_file),
		cmocka_unit_test(test_parse_file_missing),
		cmocka_unit_test(test_parse_file_error_names_file),
		cmocka_unit_test(test_parse_file_size_limit),
		cmocka_unit_test(test_parse_file_too_large),
		cmocka_unit_test(test_argv_options),
		cmocka_unit_test(test_argv_single_config),
		cmocka_unit_test(test_argv_errors),
		cmocka_unit_test(test_argv_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
