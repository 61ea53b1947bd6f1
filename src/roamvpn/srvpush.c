/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * srvpush: a server's negotiation with one client and its PUSH_REPLY
 * (wire facts 8.2, 8.3, 8.5; openvpn's ssl_ncp.c and push.c do the same
 * jobs). See srvpush.h.
 */
#include "srvpush.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "roamvpn/roam.h"

#include "err.h"
#include "keyex.h"
#include "wire.h"

enum { CONTINUATION_ROOM = 24 };   /* ",push-continuation 2" and slack */

/* First cipher of ours that the client's list has too. */
static bool
pick(const char *ours, const char *theirs, char *out, size_t len)
{
	char *list = strdup(ours), *save = NULL;
	bool found = false;

	if (list == NULL)
		return false;
	for (char *c = strtok_r(list, ":", &save); c != NULL && !found;
	    c = strtok_r(NULL, ":", &save))
		if (rv_ncp_listed(theirs, c)) {
			snprintf(out, len, "%s", c);
			found = true;
		}
	free(list);
	return found;
}

/* The cipher of "cipher NAME" in an options string. */
static bool
occ_cipher(const char *occ, char *out, size_t len)
{
	const char *p = strstr(occ, ",cipher ");
	size_t n;

	if (p == NULL)
		return false;
	p += strlen(",cipher ");
	n = strcspn(p, ",");
	if (n == 0 || n >= len)
		return false;
	memcpy(out, p, n);
	out[n] = '\0';
	return true;
}

static int
choose_cipher(const struct rv_options *o, const char *peer_info, const char *client_options,
    struct rv_ncp *out, char *err)
{
	char list[1024], ncp[8], theirs[RV_CRYPTO_NAME_MAX];
	bool has_list = rv_peer_info_get(peer_info, "IV_CIPHERS", list, sizeof(list));
	bool ncp2 = rv_peer_info_get(peer_info, "IV_NCP", ncp, sizeof(ncp)) && atoi(ncp) >= 2;

	if (!has_list && ncp2)
		snprintf(list, sizeof(list), "AES-256-GCM:AES-128-GCM");
	if ((has_list || ncp2) && pick(o->data_ciphers, list, out->cipher, sizeof(out->cipher)))
		return 0;
	if (!has_list && !ncp2 && occ_cipher(client_options, theirs, sizeof(theirs)) &&
	    rv_ncp_listed(o->data_ciphers, theirs)) {
		snprintf(out->cipher, sizeof(out->cipher), "%s", theirs);
		return 0;
	}
	if (!has_list && !ncp2 && o->data_ciphers_fallback != NULL) {
		snprintf(out->cipher, sizeof(out->cipher), "%s", o->data_ciphers_fallback);
		return 0;
	}
	snprintf(err, RV_NCP_ERRLEN, "Data channel cipher negotiation failed (no shared cipher): "
	    "ours %s, the client's %s", o->data_ciphers, has_list ? list : ncp2 ?
	    "AES-256-GCM:AES-128-GCM" : "(none)");
	return RV_ERR_NOTFOUND;
}

int
rv_srvpush_ncp(const struct rv_options *o, const char *peer_info,
    const char *client_options, struct rv_ncp *out, char err[static RV_NCP_ERRLEN])
{
	unsigned proto = rv_peer_info_proto(peer_info);
	char v[8];
	int r;

	memset(out, 0, sizeof(*out));
	if ((r = choose_cipher(o, peer_info, client_options, out, err)) != 0)
		return r;
	out->data_v2 = proto & RV_IV_PROTO_DATA_V2;
	out->ekm = proto & RV_IV_PROTO_TLS_KEY_EXPORT;
	out->cc_exit = proto & RV_IV_PROTO_CC_EXIT_NOTIFY;
	/* Only protocol-flags can carry dyn-tls-crypt, and only cc-exit
	 * clients read protocol-flags. */
	out->dyn_tls_crypt = out->cc_exit && (proto & RV_IV_PROTO_DYN_TLS_CRYPT);
	/* The mobility extension needs the peer-id: its probes come from
	 * addresses the server does not know yet. */
	out->roam = o->roam && out->data_v2 &&
	    rv_peer_info_get(peer_info, RV_ROAM_PEER_INFO_KEY, v, sizeof(v)) &&
	    atoi(v) >= RV_ROAM_VERSION;
	return 0;
}

struct builder {
	char (*msgs)[RV_SRVPUSH_MSG_MAX];
	size_t max, n;
	bool overflow;
};

static void
add(struct builder *b, const char *opt)
{
	size_t len, need = strlen(opt) + 1;

	if (b->overflow)
		return;
	len = strlen(b->msgs[b->n - 1]);
	if (len + need + CONTINUATION_ROOM >= RV_SRVPUSH_MSG_MAX) {
		if (b->n == b->max || need + strlen("PUSH_REPLY") + CONTINUATION_ROOM >=
		    RV_SRVPUSH_MSG_MAX) {
			b->overflow = true;
			return;
		}
		strcat(b->msgs[b->n - 1], ",push-continuation 2");
		snprintf(b->msgs[b->n++], RV_SRVPUSH_MSG_MAX, "PUSH_REPLY");
		len = strlen("PUSH_REPLY");
	}
	snprintf(b->msgs[b->n - 1] + len, RV_SRVPUSH_MSG_MAX - len, ",%s", opt);
}

static void
add_fmt(struct builder *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
add_fmt(struct builder *b, const char *fmt, ...)
{
	char opt[RV_SRVPUSH_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(opt, sizeof(opt), fmt, ap);
	va_end(ap);
	add(b, opt);
}

/* protocol-flags / key-derivation, as the client's IV_PROTO allows. */
static void
add_flags(struct builder *b, const struct rv_ncp *ncp)
{
	if (ncp->cc_exit)
		add_fmt(b, "protocol-flags cc-exit%s%s", ncp->ekm ? " tls-ekm" : "",
		    ncp->dyn_tls_crypt ? " dyn-tls-crypt" : "");
	else if (ncp->ekm)
		add(b, "key-derivation tls-ekm");
}

size_t
rv_srvpush_build(const struct rv_srvpush *in, char msgs[][RV_SRVPUSH_MSG_MAX], size_t max)
{
	const struct rv_options *o = in->o;
	struct builder b = { msgs, max, 1, false };
	char l[INET6_ADDRSTRLEN], r[INET6_ADDRSTRLEN], v[8], ciphers[1024];

	if (max == 0)
		return 0;
	snprintf(msgs[0], RV_SRVPUSH_MSG_MAX, "PUSH_REPLY");
	for (size_t i = 0; !in->push_reset && i < o->srv.npush; i++)
		add(&b, o->srv.push[i]);
	for (size_t i = 0; i < in->nextra; i++)
		add(&b, in->extra[i]);
	if (in->has_ifconfig6)
		add_fmt(&b, "ifconfig-ipv6 %s/%d %s", inet_ntop(AF_INET6, &in->local6, l, sizeof(l)),
		    in->bits6, inet_ntop(AF_INET6, &in->remote6, r, sizeof(r)));
	if (in->has_ifconfig)
		add_fmt(&b, "ifconfig %s %s", inet_ntop(AF_INET, &in->local, l, sizeof(l)),
		    inet_ntop(AF_INET, &in->remote, r, sizeof(r)));
	if (in->ncp->data_v2)
		add_fmt(&b, "peer-id %u", in->ncp->peer_id);
	if (rv_peer_info_get(in->peer_info, "IV_CIPHERS", ciphers, sizeof(ciphers)) ||
	    (rv_peer_info_get(in->peer_info, "IV_NCP", v, sizeof(v)) && atoi(v) >= 2))
		add_fmt(&b, "cipher %s", in->ncp->cipher);
	add_flags(&b, in->ncp);
	if (rv_peer_info_get(in->peer_info, "IV_MTU", v, sizeof(v)))
		add_fmt(&b, "tun-mtu %d", o->tun_mtu);
	if (in->ncp->roam)
		add_fmt(&b, RV_ROAM_PUSH_OPTION " %d", RV_ROAM_VERSION);
	if (b.overflow)
		return 0;
	if (b.n > 1)
		strcat(msgs[b.n - 1], ",push-continuation 1");
	return b.n;
}
