/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz_options: a config file, as text, through rv_options_parse_text() and,
 * if it parses, rv_options_check(). This covers the tokenizer and inline
 * blocks (conf.c), every option handler (options.c), the whole-config checks
 * (options_check.c), inline <secret> key parsing (keyfile.c) and the
 * cipher/digest name checks (crypto.c).
 *
 * Run it from any directory, e.g.
 *   ./fuzz_options -max_total_time=60 /tmp/corpus-opt tests/fuzz/seeds/options
 *
 * Options that reach the file system while parsing or checking are refused
 * before the real parse (see refuse_line()). Options that only store a file
 * name for later (log, writepid, genkey FILE, dev-node) are harmless here:
 * nothing in parse or check opens those names.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "conf.h"
#include "options.h"
#include "options_check.h"

/* Returned by the pre-scan for a line the harness will not run. */
#define REFUSED 1

/*
 * Which lines the harness refuses, and why:
 *   cd DIR         opt_cd() calls chdir() in the middle of parsing. The
 *                  fuzzer process would keep the new working directory, and
 *                  libFuzzer writes corpus entries and crash artifacts to
 *                  relative paths.
 *   config FILE    opt_config() opens and reads FILE, and "config stdin"
 *                  reads standard input: it blocks the fuzzer or eats its
 *                  input, and /dev/tty, a FIFO or /dev/urandom do no better.
 *   secret FILE    rv_options_check() reads FILE with rv_keyfile_read(),
 *                  with the same problems. The inline <secret> block, which
 *                  reaches the same key parser, is allowed.
 * "setenv opt NAME ..." applies NAME, so such chains are unwrapped first.
 * The pre-scan runs the real tokenizer (rv_conf_parse_text), so it sees the
 * lines exactly as the real parse will; when it stops early on a syntax
 * error, the real parse stops at the same line.
 */
static int
refuse_line(void *arg, const struct rv_conf_line *l)
{
	int i = 0;

	(void)arg;
	while (i + 2 < l->argc && strcmp(l->argv[i], "setenv") == 0 &&
	    strcmp(l->argv[i + 1], "opt") == 0)
		i += 2;
	if (strcmp(l->argv[i], "cd") == 0 || strcmp(l->argv[i], "config") == 0)
		return REFUSED;
	if (strcmp(l->argv[i], "secret") == 0 && !l->is_inline)
		return REFUSED;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[RV_OPT_ERRLEN];
	struct rv_conf_error cerr;
	struct rv_options o;

	if (rv_conf_parse_text("fuzz.conf", (const char *)data, size, refuse_line, NULL,
	    &cerr) == REFUSED)
		return -1;     /* keep it out of the corpus */
	if (rv_options_init(&o) != 0)
		return 0;
	if (rv_options_parse_text(&o, "fuzz.conf", (const char *)data, size, err) == 0)
		(void)rv_options_check(&o, err);
	rv_options_clear(&o);
	return 0;
}
