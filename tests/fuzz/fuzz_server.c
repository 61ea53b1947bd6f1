/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz_server: what a client controls in a server's own parsers:
 *   - its peer-info and options string through rv_srvpush_ncp() (the input
 *     split at its first NUL); a negotiation that succeeds is pushed with
 *     rv_srvpush_build(), whose messages must start "PUSH_REPLY" and fit
 *     1024 bytes;
 *   - the input as a per-client option file (what a --client-connect
 *     script may write) through rv_ccd_load_file(), whose counts must stay
 *     in bounds.
 *
 *   ./fuzz_server -max_total_time=60 /tmp/corpus-server
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ccd.h"
#include "err.h"
#include "log.h"
#include "srvpush.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct rv_log_config lc = { .verb = 0 };

	(void)argc, (void)argv;
	return rv_log_open(&lc);
}

static void
fuzz_push(const uint8_t *data, size_t size)
{
	static char pi[4096], occ[4096];
	static char msgs[RV_SRVPUSH_MSGS_MAX][RV_SRVPUSH_MSG_MAX];
	static char *push[] = { (char *)"route-gateway 10.8.0.1", (char *)"topology subnet" };
	const uint8_t *nul = memchr(data, 0, size);
	size_t a = nul != NULL ? (size_t)(nul - data) : size, b = nul != NULL ? size - a - 1 : 0;
	struct rv_options o;
	struct rv_ncp ncp;
	char err[RV_NCP_ERRLEN];
	struct rv_srvpush in = { .o = &o, .peer_info = pi, .ncp = &ncp, .has_ifconfig = true };
	size_t n;

	if (a >= sizeof(pi) || b >= sizeof(occ))
		return;
	memcpy(pi, data, a);
	pi[a] = '\0';
	memcpy(occ, data + a + (nul != NULL), b);
	occ[b] = '\0';
	memset(&o, 0, sizeof(o));
	o.data_ciphers = (char *)"AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305";
	o.tun_mtu = 1500;
	o.srv.push = push;
	o.srv.npush = 2;
	if (rv_srvpush_ncp(&o, pi, occ, &ncp, err) != 0)
		return;
	if (!rv_ncp_listed(o.data_ciphers, ncp.cipher))
		abort();
	n = rv_srvpush_build(&in, msgs, RV_SRVPUSH_MSGS_MAX);
	for (size_t i = 0; i < n; i++)
		if (strncmp(msgs[i], "PUSH_REPLY", 10) != 0 || strlen(msgs[i]) >= RV_SRVPUSH_MSG_MAX)
			abort();
}

static void
fuzz_ccd(const uint8_t *data, size_t size)
{
	static struct rv_ccd c;
	char path[64], err[512];
	int fd = memfd_create("ccd", 0);

	if (fd < 0)
		return;
	if (write(fd, data, size) == (ssize_t)size) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		rv_ccd_load_file(&c, path, err, sizeof(err));
		if (c.niroutes > RV_CCD_IROUTES_MAX || c.npush > RV_CCD_PUSH_MAX)
			abort();
		for (size_t i = 0; i < c.niroutes; i++)
			if (c.iroutes[i].bits > 32)
				abort();
		if (c.niroutes6 > RV_CCD_IROUTES_MAX || (c.has_ifconfig6 && c.bits6 > 128))
			abort();
		for (size_t i = 0; i < c.niroutes6; i++)
			if (c.iroutes6[i].bits > 128)
				abort();
		rv_ccd_clear(&c);
	}
	close(fd);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_push(data, size);
	fuzz_ccd(data, size);
	return 0;
}
