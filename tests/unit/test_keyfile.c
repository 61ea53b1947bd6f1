/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for keyfile.c: "OpenVPN Static key V1" files (wire facts
 * section 13) and key direction selection (section 6.6). The reference key
 * below was written by Debian's OpenVPN 2.6.14 (`openvpn --genkey secret`), so
 * reading and formatting are checked against the real program's output.
 */
#include "keyfile.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "err.h"

/* The 16 data lines of the reference key. */
static const char *const ref_hex[16] = {
	"2058242c290f71d9d2d19e2ba219f308",
	"15e07ba6e225fa258e4811d0d34db1fb",
	"17e52d666b4fea19d9167d7b4681ebd5",
	"e34d483ca7f7eb22e26f2e42cdbdfac7",
	"3d8ffd4badf336a0fa674321da1ecafb",
	"90d503c4a805313f50016c3bfd00fbca",
	"1ed901c9dabbca7a57438275d71ec223",
	"44025c2795fb5f3e0fd2686417ef625e",
	"957032369345b228afced4071b9ec544",
	"aa6f82dfc097ebfd119149666cf534f1",
	"95ff8a72dc9675375053ba4026afcf77",
	"1549efdf6e120211bc61a80f421dcd31",
	"73986db9db61563219dd8ead11e97cd5",
	"92ed4ae87e99e639b1f22fdb6107e8a0",
	"e35a3b44c8fc35f3a9d08237570ca06a",
	"839789ca4026f8c286b11cdfc6366860",
};

/* The file exactly as openvpn wrote it. */
static const char ref_file[] =
    "#\n"
    "# 2048 bit OpenVPN static key\n"
    "#\n"
    "-----BEGIN OpenVPN Static key V1-----\n"
    "2058242c290f71d9d2d19e2ba219f308\n"
    "15e07ba6e225fa258e4811d0d34db1fb\n"
    "17e52d666b4fea19d9167d7b4681ebd5\n"
    "e34d483ca7f7eb22e26f2e42cdbdfac7\n"
    "3d8ffd4badf336a0fa674321da1ecafb\n"
    "90d503c4a805313f50016c3bfd00fbca\n"
    "1ed901c9dabbca7a57438275d71ec223\n"
    "44025c2795fb5f3e0fd2686417ef625e\n"
    "957032369345b228afced4071b9ec544\n"
    "aa6f82dfc097ebfd119149666cf534f1\n"
    "95ff8a72dc9675375053ba4026afcf77\n"
    "1549efdf6e120211bc61a80f421dcd31\n"
    "73986db9db61563219dd8ead11e97cd5\n"
    "92ed4ae87e99e639b1f22fdb6107e8a0\n"
    "e35a3b44c8fc35f3a9d08237570ca06a\n"
    "839789ca4026f8c286b11cdfc6366860\n"
    "-----END OpenVPN Static key V1-----\n";

/*
 * Read off the hex by hand: each slot is 64 bytes = 4 lines of 16 bytes.
 * keys[0].cipher is lines 1-4, keys[0].hmac lines 5-8, keys[1].cipher lines
 * 9-12, keys[1].hmac lines 13-16.
 */
enum {
	K0_CIPHER_FIRST = 0x20, K0_CIPHER_SECOND = 0x58, K0_CIPHER_LAST = 0xc7,
	K0_HMAC_FIRST = 0x3d, K0_HMAC_LAST = 0x5e,
	K1_CIPHER_FIRST = 0x95, K1_CIPHER_LAST = 0x31,
	K1_HMAC_FIRST = 0x73, K1_HMAC_LAST = 0x60,
};

static const char BEGIN[] = "-----BEGIN OpenVPN Static key V1-----";
static const char END[] = "-----END OpenVPN Static key V1-----";

enum { POISON = 0xa5 };

/* Fills k with POISON so a failed parse can be shown to leave it alone. */
static void
poison(struct rv_key2 *k)
{
	memset(k, POISON, sizeof(*k));
}

static bool
is_poisoned(const struct rv_key2 *k)
{
	const uint8_t *p = (const uint8_t *)k;

	for (size_t i = 0; i < sizeof(*k); i++)
		if (p[i] != POISON)
			return false;
	return true;
}

/*
 * Builds a key file: the openvpn header (lines 1-3), BEGIN on line 4 if
 * begin, ndigits hex digits (the reference key's, then "00" pairs) in lines of
 * 32 from line 5, END if end.
 */
static void
build(char *out, size_t cap, bool begin, size_t ndigits, bool end)
{
	size_t n = 0;

	n += (size_t)snprintf(out + n, cap - n, "#\n# 2048 bit OpenVPN static key\n#\n");
	if (begin)
		n += (size_t)snprintf(out + n, cap - n, "%s\n", BEGIN);
	for (size_t d = 0; d < ndigits; d++) {
		char c = d < 512 ? ref_hex[d / 32][d % 32] : '0';

		assert_true(n + 2 < cap);
		out[n++] = c;
		if (d % 32 == 31 || d + 1 == ndigits)
			out[n++] = '\n';
	}
	out[n] = '\0';
	if (end)
		n += (size_t)snprintf(out + n, cap - n, "%s\n", END);
	assert_true(n < cap);
}

static int
parse(const char *text, struct rv_key2 *k, char *err, size_t errlen)
{
	return rv_keyfile_parse("k.key", text, strlen(text), k, err, errlen);
}

/* --- the reference key --------------------------------------------------------- */

static void
test_parse_openvpn_key(void **state)
{
	struct rv_key2 k;
	char err[256] = "";

	poison(&k);
	assert_int_equal(parse(ref_file, &k, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(k.n, 2);
	assert_int_equal(k.keys[0].cipher[0], K0_CIPHER_FIRST);
	assert_int_equal(k.keys[0].cipher[1], K0_CIPHER_SECOND);
	assert_int_equal(k.keys[0].cipher[63], K0_CIPHER_LAST);
	assert_int_equal(k.keys[0].hmac[0], K0_HMAC_FIRST);
	assert_int_equal(k.keys[0].hmac[63], K0_HMAC_LAST);
	assert_int_equal(k.keys[1].cipher[0], K1_CIPHER_FIRST);
	assert_int_equal(k.keys[1].cipher[63], K1_CIPHER_LAST);
	assert_int_equal(k.keys[1].hmac[0], K1_HMAC_FIRST);
	assert_int_equal(k.keys[1].hmac[63], K1_HMAC_LAST);
	/* A byte from the middle of a line: line 6 bytes 3..4 are "c4a8". */
	assert_int_equal(k.keys[0].hmac[16 + 3], 0xc4);
	assert_int_equal(k.keys[0].hmac[16 + 4], 0xa8);
	rv_key2_wipe(&k);
	for (size_t i = 0; i < sizeof(k.keys); i++)
		assert_int_equal(((uint8_t *)k.keys)[i], 0);
	assert_int_equal(k.n, 0);
}

/* Formatting what was parsed gives back openvpn's file byte for byte. */
static void
test_format_matches_openvpn(void **state)
{
	char text[RV_KEYFILE_TEXT_MAX];
	struct rv_key2 k;
	char err[256];

	assert_int_equal(parse(ref_file, &k, err, sizeof(err)), 0);
	memset(text, 'Z', sizeof(text));
	rv_keyfile_format(&k, text);
	assert_string_equal(text, ref_file);
}

static void
test_directions(void **state)
{
	const struct rv_key *send = NULL, *recv = NULL;
	struct rv_key2 k;
	char err[256];

	assert_int_equal(parse(ref_file, &k, err, sizeof(err)), 0);

	/* No direction: keys[0] both ways. */
	assert_int_equal(rv_key2_select(&k, RV_KEYDIR_BIDI, &send, &recv), 0);
	assert_ptr_equal(send, &k.keys[0]);
	assert_ptr_equal(recv, &k.keys[0]);

	/* Direction 0 sends with keys[0] and receives with keys[1]. */
	assert_int_equal(rv_key2_select(&k, RV_KEYDIR_NORMAL, &send, &recv), 0);
	assert_ptr_equal(send, &k.keys[0]);
	assert_ptr_equal(recv, &k.keys[1]);
	assert_int_equal(send->cipher[0], K0_CIPHER_FIRST);
	assert_int_equal(recv->hmac[63], K1_HMAC_LAST);

	/* Direction 1 is the reverse. */
	assert_int_equal(rv_key2_select(&k, RV_KEYDIR_INVERSE, &send, &recv), 0);
	assert_ptr_equal(send, &k.keys[1]);
	assert_ptr_equal(recv, &k.keys[0]);
	assert_int_equal(send->cipher[0], K1_CIPHER_FIRST);
	assert_int_equal(recv->hmac[0], K0_HMAC_FIRST);

	/* Anything else is out of range and leaves the outputs alone. */
	send = recv = NULL;
	assert_int_equal(rv_key2_select(&k, 2, &send, &recv), RV_ERR_RANGE);
	assert_int_equal(rv_key2_select(&k, -2, &send, &recv), RV_ERR_RANGE);
	assert_null(send);
	assert_null(recv);
}

/* Two peers with directions 0 and 1 pair up: what one sends with, the other
 * receives with. */
static void
test_directions_pair(void **state)
{
	const struct rv_key *a_send, *a_recv, *b_send, *b_recv;
	struct rv_key2 a, b;
	char err[256];

	assert_int_equal(parse(ref_file, &a, err, sizeof(err)), 0);
	assert_int_equal(parse(ref_file, &b, err, sizeof(err)), 0);
	assert_int_equal(rv_key2_select(&a, RV_KEYDIR_NORMAL, &a_send, &a_recv), 0);
	assert_int_equal(rv_key2_select(&b, RV_KEYDIR_INVERSE, &b_send, &b_recv), 0);
	assert_memory_equal(a_send, b_recv, sizeof(*a_send));
	assert_memory_equal(a_recv, b_send, sizeof(*a_recv));
	assert_memory_not_equal(a_send, a_recv, sizeof(*a_send));
}

static void
test_parse_direction(void **state)
{
	static const char *const bad[] = { "", "2", "-1", "00", "0 ", " 1", "x", "01" };
	int dir = 77;

	assert_int_equal(rv_keyfile_parse_direction("0", &dir), 0);
	assert_int_equal(dir, RV_KEYDIR_NORMAL);
	assert_int_equal(rv_keyfile_parse_direction("1", &dir), 0);
	assert_int_equal(dir, RV_KEYDIR_INVERSE);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		dir = 77;
		assert_int_equal(rv_keyfile_parse_direction(bad[i], &dir), RV_ERR_FORMAT);
		assert_int_equal(dir, 77);
	}
}

/* --- what the reader tolerates --------------------------------------------------- */

/* Variations a hand-edited or Windows-written file may have all read the same
 * as the reference. */
static void
test_parse_tolerant(void **state)
{
	char text[4096], *p = text;
	struct rv_key2 want, got;
	char err[256];

	assert_int_equal(parse(ref_file, &want, err, sizeof(err)), 0);
	/* Junk before BEGIN, indented markers with trailing white space (a stray
	 * CR among it), CRLF, upper case, blank lines and spaces inside, 64 digits
	 * a line, junk after END. */
	p += sprintf(p, "some text\r\n<secret>\r\n  %s \r\t\r\n", BEGIN);
	for (int i = 0; i < 16; i += 2) {
		for (const char *h = ref_hex[i]; *h != '\0'; h++)
			*p++ = (char)(i == 4 ? (*h >= 'a' ? *h - 32 : *h) : *h);
		p += sprintf(p, "%s \t%s\r\n\r\n", i == 6 ? "  " : "", ref_hex[i + 1]);
	}
	p += sprintf(p, "\t%s\r\n</secret>\nnot hex at all\n", END);
	assert_int_equal(parse(text, &got, err, sizeof(err)), 0);
	assert_int_equal(got.n, 2);
	assert_memory_equal(&got.keys, &want.keys, sizeof(want.keys));
}

/* A 128-byte key is one bidirectional key. */
static void
test_single_key(void **state)
{
	const struct rv_key *send = NULL, *recv = NULL;
	struct rv_key2 k;
	char text[2048], err[256];

	build(text, sizeof(text), true, 256, true);
	poison(&k);
	assert_int_equal(parse(text, &k, err, sizeof(err)), 0);
	assert_int_equal(k.n, 1);
	assert_int_equal(k.keys[0].cipher[0], K0_CIPHER_FIRST);
	assert_int_equal(k.keys[0].hmac[63], K0_HMAC_LAST);
	assert_int_equal(rv_key2_select(&k, RV_KEYDIR_BIDI, &send, &recv), 0);
	assert_ptr_equal(send, &k.keys[0]);
	assert_ptr_equal(recv, &k.keys[0]);

	/* A direction needs two keys. */
	send = recv = NULL;
	assert_int_equal(rv_key2_select(&k, RV_KEYDIR_NORMAL, &send, &recv), RV_ERR_FORMAT);
	assert_int_equal(rv_key2_select(&k, RV_KEYDIR_INVERSE, &send, &recv), RV_ERR_FORMAT);
	assert_null(send);
	assert_null(recv);
}

/* --- malformed files ---------------------------------------------------------- */

enum { NO_CHANGE = -1 };

struct bad_case {
	const char *what;
	bool begin, end;
	size_t digits;          /* hex digits between the markers */
	int line, col;          /* replace the character there, 1-based line */
	char with;
	const char *msg;
};

static const struct bad_case bad_cases[] = {
	/* truncated */
	{ "header only", false, false, 0, NO_CHANGE, 0, 0,
	  "k.key: no \"-----BEGIN OpenVPN Static key V1-----\" line: not an OpenVPN "
	  "static key file" },
	{ "no BEGIN", false, true, 512, NO_CHANGE, 0, 0,
	  "k.key: no \"-----BEGIN OpenVPN Static key V1-----\" line: not an OpenVPN "
	  "static key file" },
	{ "misspelt BEGIN", true, true, 512, 4, 32, '2',
	  "k.key: no \"-----BEGIN OpenVPN Static key V1-----\" line: not an OpenVPN "
	  "static key file" },
	{ "no END", true, false, 512, NO_CHANGE, 0, 0,
	  "k.key:4: key data has no \"-----END OpenVPN Static key V1-----\" line" },
	{ "cut after BEGIN", true, false, 0, NO_CHANGE, 0, 0,
	  "k.key:4: key data has no \"-----END OpenVPN Static key V1-----\" line" },
	{ "no key data", true, true, 0, NO_CHANGE, 0, 0,
	  "k.key: key data is 0 bytes long; expected 256 (or 128 for a single "
	  "bidirectional key)" },
	{ "100 bytes", true, true, 200, NO_CHANGE, 0, 0,
	  "k.key: key data is 100 bytes long; expected 256 (or 128 for a single "
	  "bidirectional key)" },
	{ "127 bytes", true, true, 254, NO_CHANGE, 0, 0,
	  "k.key: key data is 127 bytes long; expected 256 (or 128 for a single "
	  "bidirectional key)" },
	{ "odd number of digits", true, true, 511, NO_CHANGE, 0, 0,
	  "k.key: key data is 255.5 bytes long; expected 256 (or 128 for a single "
	  "bidirectional key)" },
	/* oversized */
	{ "129 bytes", true, true, 258, NO_CHANGE, 0, 0,
	  "k.key: key data is 129 bytes long; expected 256 (or 128 for a single "
	  "bidirectional key)" },
	{ "one digit over", true, true, 513, NO_CHANGE, 0, 0,
	  "k.key: key data is 256.5 bytes long; expected 256 (or 128 for a single "
	  "bidirectional key)" },
	{ "257 bytes", true, true, 514, NO_CHANGE, 0, 0,
	  "k.key:21: more than 256 bytes of key data" },
	/* bad characters, found on the right line */
	{ "bad hex in first line", true, true, 512, 5, 7, 'g',
	  "k.key:5: invalid character 'g' in key data (only hex digits are allowed)" },
	{ "bad hex later", true, true, 512, 12, 32, 'z',
	  "k.key:12: invalid character 'z' in key data (only hex digits are allowed)" },
	{ "comment inside", true, true, 512, 20, 1, '#',
	  "k.key:20: invalid character '#' in key data (only hex digits are allowed)" },
	{ "control character", true, true, 512, 9, 2, '\x01',
	  "k.key:9: invalid character '?' in key data (only hex digits are allowed)" },
};

/* Points at column col (1-based) of line (1-based) in text. */
static char *
at(char *text, int line, int col)
{
	char *p = text;

	for (int l = 1; l < line; l++) {
		p = strchr(p, '\n');
		assert_non_null(p);
		p++;
	}
	return p + col - 1;
}

static void
test_malformed(void **state)
{
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		char text[2048], err[512] = "";
		struct rv_key2 k;

		print_message("case: %s\n", c->what);
		build(text, sizeof(text), c->begin, c->digits, c->end);
		if (c->line != NO_CHANGE)
			*at(text, c->line, c->col) = c->with;
		poison(&k);
		assert_int_equal(parse(text, &k, err, sizeof(err)), RV_ERR_FORMAT);
		assert_string_equal(err, c->msg);
		/* A failed parse leaves the output alone. */
		assert_true(is_poisoned(&k));
	}
}

/* A short error buffer gets a truncated, terminated message. */
static void
test_error_buffer_small(void **state)
{
	char text[2048], err[12];
	struct rv_key2 k;

	build(text, sizeof(text), true, 512, false);
	memset(err, 'Z', sizeof(err));
	assert_int_equal(parse(text, &k, err, sizeof(err)), RV_ERR_FORMAT);
	assert_string_equal(err, "k.key:4: ke");
	assert_int_equal(rv_keyfile_parse("k.key", "", 0, &k, NULL, 0), RV_ERR_FORMAT);
}

/* --- generate, format, write, read ---------------------------------------------- */

static void
test_generate_format_parse(void **state)
{
	char text[RV_KEYFILE_TEXT_MAX], err[256];
	struct rv_key2 a, b, c;

	assert_int_equal(rv_keyfile_generate(&a), 0);
	assert_int_equal(a.n, 2);
	assert_int_equal(rv_keyfile_generate(&b), 0);
	assert_memory_not_equal(&a.keys, &b.keys, sizeof(a.keys));

	rv_keyfile_format(&a, text);
	assert_true(strncmp(text, "#\n# 2048 bit OpenVPN static key\n#\n", 34) == 0);
	poison(&c);
	assert_int_equal(rv_keyfile_parse("gen", text, strlen(text), &c, err, sizeof(err)), 0);
	assert_int_equal(c.n, 2);
	assert_memory_equal(&c.keys, &a.keys, sizeof(a.keys));
	rv_key2_wipe(&a);
	rv_key2_wipe(&b);
	rv_key2_wipe(&c);
}

static char *
temp_path(void)
{
	char *path = strdup("/tmp/test_keyfile.XXXXXX");
	int fd;

	assert_non_null(path);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	return path;
}

static void
test_write_read(void **state)
{
	char *path = temp_path();
	struct rv_key2 k, back;
	struct stat st;
	char err[256] = "";

	assert_int_equal(parse(ref_file, &k, err, sizeof(err)), 0);
	/* The writer creates the file itself. */
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rv_keyfile_write(path, &k), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal((size_t)st.st_size, strlen(ref_file));

	poison(&back);
	assert_int_equal(rv_keyfile_read(path, &back, err, sizeof(err)), 0);
	assert_int_equal(back.n, 2);
	assert_memory_equal(&back.keys, &k.keys, sizeof(k.keys));
	unlink(path);
	free(path);
}

static void
test_read_errors(void **state)
{
	char *path = temp_path();
	char err[512], want[512];
	struct rv_key2 k;
	FILE *f;

	poison(&k);
	assert_int_equal(rv_keyfile_read("/nonexistent/k.key", &k, err, sizeof(err)),
	    RV_ERR_SYSTEM);
	assert_string_equal(err, "cannot open key file /nonexistent/k.key: No such file or "
	    "directory");
	assert_true(is_poisoned(&k));

	/* Errors inside the file name the path and the line. */
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%s\nxyz\n%s\n", BEGIN, END);
	fclose(f);
	assert_int_equal(rv_keyfile_read(path, &k, err, sizeof(err)), RV_ERR_FORMAT);
	snprintf(want, sizeof(want), "%s:2: invalid character 'x' in key data (only hex "
	    "digits are allowed)", path);
	assert_string_equal(err, want);

	/* A file far larger than any key file is refused. */
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%s\n", ref_file);
	for (int i = 0; i < 1000; i++)
		fprintf(f, "# padding padding padding padding\n");
	fclose(f);
	assert_int_equal(rv_keyfile_read(path, &k, err, sizeof(err)), RV_ERR_FORMAT);
	snprintf(want, sizeof(want), "%s: too large for a static key file", path);
	assert_string_equal(err, want);
	assert_true(is_poisoned(&k));
	unlink(path);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_openvpn_key),
		cmocka_unit_test(test_format_matches_openvpn),
		cmocka_unit_test(test_directions),
		cmocka_unit_test(test_directions_pair),
		cmocka_unit_test(test_parse_direction),
		cmocka_unit_test(test_parse_tolerant),
		cmocka_unit_test(test_single_key),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_error_buffer_small),
		cmocka_unit_test(test_generate_format_parse),
		cmocka_unit_test(test_write_read),
		cmocka_unit_test(test_read_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
