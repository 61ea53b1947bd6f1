/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz_push: the input as the options of a PUSH_REPLY (the text after
 * "PUSH_REPLY,") through rv_push_parse(), once whole and once as a two-part
 * reply split at the first NUL byte, or in the middle when there is none
 * (push-continuation, wire facts 8.3). Checks the contract: 0 or
 * RV_ERR_FORMAT with a message, at most RV_PUSH_ROUTES_MAX routes, values
 * in their ranges.
 *
 *   ./fuzz_push -max_total_time=60 /tmp/corpus-push tests/fuzz/seeds/push
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "log.h"
#include "push.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* Skipped options log a line each: keep the fuzzer's output readable. */
	struct rv_log_config lc = { .verb = 0 };

	(void)argc;
	(void)argv;
	return rv_log_open(&lc);
}

static void
check(const struct rv_push *p, int r, const char *err)
{
	if (r != 0 && (r != RV_ERR_FORMAT || err[0] == '\0'))
		abort();
	if (strnlen(err, RV_PUSH_ERRLEN) == RV_PUSH_ERRLEN)
		abort();
	if (p->nroutes > RV_PUSH_ROUTES_MAX || p->tun_mtu < 0 || p->tun_mtu > 65535 ||
	    p->ping < -1 || p->ping_restart < -1 || p->peer_id > 0xffffff ||
	    strnlen(p->cipher, sizeof(p->cipher)) == sizeof(p->cipher) ||
	    (p->flags & ~7u) != 0 || (unsigned)p->topology > RV_TOPO_SUBNET)
		abort();
	for (size_t i = 0; i < p->nroutes; i++)
		if ((p->routes[i].net.s_addr & ~p->routes[i].mask.s_addr) != 0 ||
		    p->routes[i].metric < -1)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rv_push p;
	char err[RV_PUSH_ERRLEN];
	char *text = malloc(size + 1);
	size_t first, second;
	int r;

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	rv_push_init(&p);
	r = rv_push_parse(&p, text, err);
	check(&p, r, err);

	/* Two parts: split at the first NUL (dropped), else in the middle.
	 * text still holds a copy of the input. */
	first = strlen(text);
	second = first + 1;
	if (first == size)
		first = second = size / 2;
	text[first] = '\0';
	rv_push_init(&p);
	r = rv_push_parse(&p, text, err);
	check(&p, r, err);
	if (r == 0) {
		memcpy(text, &data[second], size - second);
		text[size - second] = '\0';
		r = rv_push_parse(&p, text, err);
		check(&p, r, err);
	}
	free(text);
	return 0;
}
