/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ping: keepalive and OCC payloads (wire facts 7.1, 7.2; OpenVPN ping.c,
 * occ.c and options.c options_string hold the same magic bytes and field
 * order).
 */
#include "ping.h"

#include <stdio.h>
#include <string.h>

#include "err.h"
#include "keyfile.h"
#include "log.h"

static const uint8_t ping_magic[RV_WIRE_PING_LEN] = {
	0x2a, 0x18, 0x7b, 0xf3, 0x64, 0x1e, 0xb4, 0xcb,
	0x07, 0xed, 0x2d, 0x0a, 0x98, 0x1f, 0xc7, 0x48,
};

static const uint8_t occ_magic[RV_WIRE_OCC_MAGIC_LEN] = {
	0x28, 0x7f, 0x34, 0x6b, 0xd4, 0xef, 0x7a, 0x81,
	0x2d, 0x56, 0xb8, 0xd3, 0xaf, 0xc5, 0x45, 0x9c,
};

bool
rv_ping_is_keepalive(const struct rv_buf *payload)
{
	return rv_buf_equal(payload, ping_magic, sizeof(ping_magic));
}

int
rv_ping_put_keepalive(struct rv_buf *b)
{
	return rv_buf_put(b, ping_magic, sizeof(ping_magic));
}

bool
rv_occ_is_occ(const struct rv_buf *payload)
{
	return rv_buf_has_prefix(payload, occ_magic, sizeof(occ_magic));
}

int
rv_occ_parse(struct rv_buf *payload, uint8_t *type)
{
	uint8_t t;
	int r;

	if (!rv_occ_is_occ(payload))
		return RV_ERR_FORMAT;
	if ((r = rv_buf_peek_u8(payload, sizeof(occ_magic), &t)) != 0)
		return r;
	if (t >= RV_OCC_TYPE_MAX)
		return RV_ERR_FORMAT;
	rv_buf_skip(payload, sizeof(occ_magic) + 1);
	*type = t;
	return 0;
}

int
rv_occ_put(struct rv_buf *b, uint8_t type)
{
	int r;

	if ((r = rv_buf_put(b, occ_magic, sizeof(occ_magic))) != 0)
		return r;
	return rv_buf_put_u8(b, type);
}

void
rv_occ_options_string(const struct rv_occ_params *p, bool remote,
    char out[static RV_WIRE_OCC_STRING_MAX])
{
	char tmp[RV_WIRE_OCC_STRING_MAX];
	struct rv_buf b;

	rv_buf_init(&b, out, RV_WIRE_OCC_STRING_MAX - 1, 0);
	/* openvpn says TCPv4 whatever the family, and the peer has the other
	 * TCP role. */
	bool server = p->tcp == 1 ? !remote : !!remote;

	snprintf(tmp, sizeof(tmp), "V4,dev-type %s,link-mtu %d,tun-mtu %d,proto %s",
	    p->null_dev ? "null" : p->tap ? "tap" : "tun", p->link_mtu, p->tun_mtu,
	    p->tcp == 0 ? "UDPv4" : server ? "TCPv4_SERVER" : "TCPv4_CLIENT");
	rv_buf_put_str(&b, tmp);
	if (p->tun_ipv6)
		rv_buf_put_str(&b, ",tun-ipv6");
	/* A point-to-point side lists the peer's address first, so the peer's
	 * string has the two swapped; a subnet is the same on both sides. */
	if (p->ifconfig && p->ifconfig_subnet) {
		snprintf(tmp, sizeof(tmp), ",ifconfig %s %s", p->ifconfig_local,
		    p->ifconfig_remote);
		rv_buf_put_str(&b, tmp);
	} else if (p->ifconfig) {
		snprintf(tmp, sizeof(tmp), ",ifconfig %s %s",
		    remote ? p->ifconfig_local : p->ifconfig_remote,
		    remote ? p->ifconfig_remote : p->ifconfig_local);
		rv_buf_put_str(&b, tmp);
	}
	/* Any compression framing, even a stub, shows as comp-lzo (wire facts 7.4). */
	if (p->comp_lzo)
		rv_buf_put_str(&b, ",comp-lzo");
	if (p->keydir != RV_KEYDIR_BIDI) {
		int kd = remote ? !p->keydir : p->keydir;

		snprintf(tmp, sizeof(tmp), ",keydir %d", kd);
		rv_buf_put_str(&b, tmp);
	}
	if (!p->hide_cipher) {
		snprintf(tmp, sizeof(tmp), ",cipher %s",
		    strcmp(p->cipher, "none") == 0 ? "[null-cipher]" : p->cipher);
		rv_buf_put_str(&b, tmp);
	}
	snprintf(tmp, sizeof(tmp), ",auth %s,keysize %d",
	    strcmp(p->auth, "none") == 0 ? "[null-digest]" : p->auth, p->keysize);
	rv_buf_put_str(&b, tmp);
	if (p->secret)
		rv_buf_put_str(&b, ",secret");
	if (p->no_replay)
		rv_buf_put_str(&b, ",no-replay");
	if (p->tls_auth)
		rv_buf_put_str(&b, ",tls-auth");
	if (p->tls_role != NULL) {
		/* The peer has the other role. */
		const char *role = !remote ? p->tls_role :
		    strcmp(p->tls_role, "tls-client") == 0 ? "tls-server" : "tls-client";

		snprintf(tmp, sizeof(tmp), ",key-method 2,%s", role);
		rv_buf_put_str(&b, tmp);
	}
	rv_buf_put_u8(&b, '\0');
	out[RV_WIRE_OCC_STRING_MAX - 1] = '\0';
}

int
rv_occ_get_string(struct rv_buf *body, char out[static RV_WIRE_OCC_STRING_MAX])
{
	size_t nul, i;
	uint8_t c;

	if (rv_buf_find(body, '\0', &nul) != 0 || nul >= RV_WIRE_OCC_STRING_MAX)
		return RV_ERR_FORMAT;
	for (i = 0; i < nul; i++) {
		rv_buf_get_u8(body, &c);
		if (c < 0x20 || c > 0x7e)
			return RV_ERR_FORMAT;
		out[i] = (char)c;
	}
	out[i] = '\0';
	return 0;
}

/* Finds "key value" with the given key (text up to the first space) in the
 * comma-separated list s; copies the whole field into out. */
static bool
find_field(const char *s, const char *key, size_t keylen, char *out, size_t outlen)
{
	struct rv_buf b, field;
	size_t comma;

	rv_buf_init_ro(&b, s, strlen(s));
	while (rv_buf_len(&b) > 0) {
		size_t n = rv_buf_find(&b, ',', &comma) == 0 ? comma : rv_buf_len(&b);
		size_t fl;
		uint8_t next;

		rv_buf_get_view(&b, n, &field);
		rv_buf_skip(&b, 1);
		fl = rv_buf_len(&field);
		if (rv_buf_has_prefix(&field, key, keylen) &&
		    (fl == keylen || (rv_buf_peek_u8(&field, keylen, &next) == 0 && next == ' '))) {
			if (fl >= outlen)
				fl = outlen - 1;
			rv_buf_get(&field, out, fl);
			out[fl] = '\0';
			return true;
		}
	}
	return false;
}

/* Takes the next comma-separated field off s and its key (the text before the
 * first space) into key. Returns false at the end. */
static bool
next_key(struct rv_buf *s, char key[static RV_WIRE_OCC_STRING_MAX], size_t *klen)
{
	struct rv_buf field;
	size_t comma, sp, len;

	while (rv_buf_len(s) > 0) {
		len = rv_buf_find(s, ',', &comma) == 0 ? comma : rv_buf_len(s);
		rv_buf_get_view(s, len, &field);
		rv_buf_skip(s, 1);
		*klen = rv_buf_find(&field, ' ', &sp) == 0 ? sp : rv_buf_len(&field);
		if (*klen == 0 || *klen >= RV_WIRE_OCC_STRING_MAX)
			continue;
		rv_buf_peek(&field, 0, key, *klen);
		key[*klen] = '\0';
		return true;
	}
	return false;
}

int
rv_occ_compare(const char *expected, const char *got, rv_occ_diff_fn *fn, void *arg)
{
	char fe[RV_WIRE_OCC_STRING_MAX], fg[RV_WIRE_OCC_STRING_MAX];
	char key[RV_WIRE_OCC_STRING_MAX];
	struct rv_buf s;
	size_t klen;
	int n = 0;

	rv_buf_init_ro(&s, expected, strlen(expected));
	while (next_key(&s, key, &klen)) {
		bool found = find_field(got, key, klen, fg, sizeof(fg));

		find_field(expected, key, klen, fe, sizeof(fe));
		if (!found || strcmp(fe, fg) != 0) {
			fn(arg, key, fe, found ? fg : NULL);
			n++;
		}
	}
	rv_buf_init_ro(&s, got, strlen(got));
	while (next_key(&s, key, &klen)) {
		if (!find_field(expected, key, klen, fe, sizeof(fe))) {
			find_field(got, key, klen, fg, sizeof(fg));
			fn(arg, key, NULL, fg);
			n++;
		}
	}
	return n;
}

static void
warn_field(void *arg, const char *key, const char *local, const char *remote)
{
	(void)arg;
	rv_log(RV_LOG_WARN, "'%s' is used inconsistently, local='%s', remote='%s'", key,
	    local != NULL ? local : "(absent)", remote != NULL ? remote : "(absent)");
}

void
rv_occ_warn(const char *expected, const char *got)
{
	rv_occ_compare(expected, got, warn_field, NULL);
}
