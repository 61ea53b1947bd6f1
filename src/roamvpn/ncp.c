/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ncp: data-channel negotiation (wire facts 4.3, 4.4, 8.4, 8.5; OpenVPN's
 * ssl_ncp.c describes the same rules).
 */
#include "ncp.h"

#include "roamvpn/roam.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "buf.h"
#include "comp.h"
#include "err.h"
#include "keyfile.h"
#include "ping.h"
#include "wrap.h"

unsigned
rv_ncp_iv_proto(const struct rv_options *o)
{
	unsigned common = RV_IV_PROTO_DATA_V2 | RV_IV_PROTO_TLS_KEY_EXPORT |
	    RV_IV_PROTO_CC_EXIT_NOTIFY | RV_IV_PROTO_DYN_TLS_CRYPT;

	if (o->pull)
		return common | RV_IV_PROTO_REQUEST_PUSH | RV_IV_PROTO_AUTH_PENDING_KW |
		    RV_IV_PROTO_AUTH_FAIL_TEMP;
	return common | RV_IV_PROTO_NCP_P2P;
}

/* Takes the next sep-separated item of b into out[len] (cut to fit). */
static bool
next_item(struct rv_buf *b, uint8_t sep, char *out, size_t len)
{
	struct rv_buf item;
	size_t at, n;

	if (rv_buf_len(b) == 0)
		return false;
	n = rv_buf_find(b, sep, &at) == 0 ? at : rv_buf_len(b);
	rv_buf_get_view(b, n, &item);
	rv_buf_skip(b, 1);
	if (n >= len)
		n = len - 1;
	rv_buf_get(&item, out, n);
	out[n] = '\0';
	return true;
}

bool
rv_ncp_listed(const char *list, const char *cipher)
{
	char item[RV_CRYPTO_NAME_MAX];
	struct rv_buf b;

	rv_buf_init_ro(&b, list, strlen(list));
	while (next_item(&b, ':', item, sizeof(item)))
		if (strcasecmp(item, cipher) == 0)
			return true;
	return false;
}

void
rv_ncp_peer_info(const struct rv_options *o, char *out, size_t len)
{
	const char *dc = o->data_ciphers;
	unsigned proto = rv_ncp_iv_proto(o);

	/* p2p peers send only what negotiation needs (detail level 1). */
	if (!o->pull) {
		snprintf(out, len, "IV_CIPHERS=%s\nIV_PROTO=%u\n", dc, proto);
		return;
	}
	snprintf(out, len, "IV_VER=2.6.14-roamvpn-" PACKAGE_VERSION "\nIV_PLAT=linux\n"
	    "IV_MTU=1600\n%sIV_CIPHERS=%s\nIV_PROTO=%u\n",
	    rv_ncp_listed(dc, "AES-128-GCM") && rv_ncp_listed(dc, "AES-256-GCM") ?
	    "IV_NCP=2\n" : "", dc, proto);
	rv_comp_peer_info(&o->comp, out, len);
	/* A roaming client offers the mobility extension. */
	if (o->roam) {
		size_t used = strlen(out);

		snprintf(out + used, len - used, RV_ROAM_PEER_INFO_KEY "=%d\n", RV_ROAM_VERSION);
	}
}

/* What openvpn counts as a data packet's overhead in the options string's
 * link-mtu: opcode, packet id, HMAC or tag, IV, and a cipher block, where
 * AES-GCM counts the 16 bytes of AES (measured against openvpn 2.6). */
static int
tls_link_overhead(const char *cipher, const char *auth, int *keybits, bool *aead)
{
	EVP_CIPHER *c = strcmp(cipher, "none") == 0 ? NULL : EVP_CIPHER_fetch(NULL, cipher, NULL);
	EVP_MD *md = strcmp(auth, "none") == 0 ? NULL : EVP_MD_fetch(NULL, auth, NULL);
	int n = 1 + RV_WIRE_PID_LEN, block;

	*aead = c != NULL && (EVP_CIPHER_get_flags(c) & EVP_CIPH_FLAG_AEAD_CIPHER);
	*keybits = c != NULL ? EVP_CIPHER_get_key_length(c) * 8 : 0;
	/* openvpn's default --cipher BF-CBC is only in OpenSSL 3's legacy
	 * provider; openvpn still counts its geometry (128-bit key, 8-byte IV
	 * and block), and so do we, to send the same string. */
	if (c == NULL && strcasecmp(cipher, "BF-CBC") == 0) {
		*keybits = 128;
		n += 8 + 8;
	}
	if (c != NULL) {
		block = EVP_CIPHER_get_mode(c) == EVP_CIPH_GCM_MODE ? 16 :
		    EVP_CIPHER_get_block_size(c);
		n += EVP_CIPHER_get_iv_length(c) + block;
	}
	if (*aead)
		n += RV_WIRE_AEAD_TAG;
	else if (md != NULL)
		n += EVP_MD_get_size(md);
	EVP_CIPHER_free(c);
	EVP_MD_free(md);
	return n;
}

void
rv_ncp_options_string(const struct rv_options *o, const struct rv_crypto *sc,
    char local[static RV_WIRE_OCC_STRING_MAX], char remote[static RV_WIRE_OCC_STRING_MAX])
{
	char net[INET_ADDRSTRLEN];
	struct in_addr n = { o->ifc_local.s_addr & o->ifc_remote.s_addr };
	bool tls = o->tls_client || o->tls_server, aead = false;
	enum rv_proto proto = rv_options_proto(o, o->nremotes > 0 ? &o->remotes[0] : NULL);
	int keybits = sc != NULL ? (int)sc->key_len * 8 : 0;
	int over = sc != NULL ? (int)rv_crypto_overhead(sc) :
	    tls ? tls_link_overhead(o->cipher, o->auth, &keybits, &aead) : 0;
	struct rv_occ_params op = {
		.tap = o->dev_type == RV_DEV_TAP,
		.null_dev = o->dev_type == RV_DEV_NULL,
		.tun_mtu = o->tun_mtu,
		/* openvpn counts its 32-byte tap allowance in the link MTU. */
		.link_mtu = o->tun_mtu + over + (o->dev_type == RV_DEV_TAP ? 32 : 0) +
		    (int)rv_comp_overhead(o->comp.alg) +
		    (rv_proto_is_tcp(proto) ? 2 : 0),   /* the TCP length prefix */
		/* a server leaves tun-ipv6 to its pushes, as openvpn does */
		.tun_ipv6 = o->has_ifconfig6 && !o->pull && !o->srv.mode_server,
		/* openvpn's "p2p without pull": not a client, not a server */
		.ifconfig = o->has_ifconfig && !o->pull && !o->srv.mode_server,
		.ifconfig_subnet = o->ifconfig_is_mask,
		.ifconfig_local = o->ifconfig_is_mask ? net : o->ifconfig_local,
		.ifconfig_remote = o->ifconfig_remote,
		.comp_lzo = o->comp.alg != RV_COMP_NONE,
		.keydir = tls && o->tls_wrap != RV_WRAP_AUTH ? RV_KEYDIR_BIDI :
		    tls ? o->tls_wrap_dir : o->keydir,
		.cipher = sc != NULL ? sc->cipher_name : o->cipher,
		.auth = sc != NULL ? sc->auth_name : aead ? "none" : o->auth,
		.keysize = keybits,
		.no_replay = o->no_replay,
		.secret = sc != NULL,
		.hide_cipher = (o->pull || o->srv.mode_server) &&
		    !rv_ncp_listed(o->data_ciphers, o->cipher),
		.tls_auth = tls && o->tls_wrap == RV_WRAP_AUTH,
		.tls_role = !tls ? NULL : o->tls_server ? "tls-server" : "tls-client",
		.tcp = !rv_proto_is_tcp(proto) ? 0 : rv_proto_is_tcp_server(proto) ? 1 : 2,
	};

	inet_ntop(AF_INET, &n, net, sizeof(net));
	rv_occ_options_string(&op, false, local);
	rv_occ_options_string(&op, true, remote);
}

/* The value of "key value" in an options string, e.g. the peer's cipher. */
static bool
occ_value(const char *occ, const char *key, char *out, size_t len)
{
	char field[RV_WIRE_OCC_STRING_MAX];
	size_t klen = strlen(key);
	struct rv_buf b;

	rv_buf_init_ro(&b, occ, strlen(occ));
	while (next_item(&b, ',', field, sizeof(field)))
		if (strncmp(field, key, klen) == 0 && field[klen] == ' ') {
			snprintf(out, len, "%s", &field[klen + 1]);
			return true;
		}
	return false;
}

/* First cipher of prefer that other lists too. */
static bool
first_shared(const char *prefer, const char *other, char *out, size_t len)
{
	char *list = strdup(prefer), *save = NULL;
	bool found = false;

	if (list == NULL)
		return false;
	for (char *c = strtok_r(list, ":", &save); c != NULL && !found;
	    c = strtok_r(NULL, ":", &save))
		if (rv_ncp_listed(other, c)) {
			snprintf(out, len, "%s", c);
			found = true;
		}
	free(list);
	return found;
}

/* A peer that does not negotiate: --data-ciphers-fallback, or the cipher its
 * options string names if we list it. */
static int
fallback(const struct rv_options *o, const char *remote_options, struct rv_ncp *out, char *err)
{
	char theirs[RV_CRYPTO_NAME_MAX];

	if (o->data_ciphers_fallback != NULL) {
		snprintf(out->cipher, sizeof(out->cipher), "%s", o->data_ciphers_fallback);
		return 0;
	}
	if (occ_value(remote_options, "cipher", theirs, sizeof(theirs)) &&
	    rv_ncp_listed(o->data_ciphers, theirs)) {
		snprintf(out->cipher, sizeof(out->cipher), "%s", theirs);
		return 0;
	}
	snprintf(err, RV_NCP_ERRLEN, "the peer does not negotiate a data cipher and none of "
	    "ours fits (set --data-ciphers-fallback)");
	return RV_ERR_NOTFOUND;
}

int
rv_ncp_p2p(const struct rv_options *o, const struct rv_km2 *remote, struct rv_ncp *out,
    char err[static RV_NCP_ERRLEN])
{
	unsigned ours = rv_ncp_iv_proto(o), theirs = rv_peer_info_proto(remote->peer_info);
	unsigned both = ours & theirs;
	char list[1024];

	memset(out, 0, sizeof(*out));
	if (!(both & RV_IV_PROTO_NCP_P2P))
		return fallback(o, remote->options, out, err);
	if (!rv_peer_info_get(remote->peer_info, "IV_CIPHERS", list, sizeof(list)))
		list[0] = '\0';
	/* The TLS server's order decides. */
	if (!first_shared(o->tls_server ? o->data_ciphers : list,
	    o->tls_server ? list : o->data_ciphers, out->cipher, sizeof(out->cipher))) {
		snprintf(err, RV_NCP_ERRLEN, "no shared data cipher: ours %s, the peer's %s",
		    o->data_ciphers, list[0] != '\0' ? list : "(none)");
		return RV_ERR_NOTFOUND;
	}
	out->ekm = both & RV_IV_PROTO_TLS_KEY_EXPORT;
	out->data_v2 = both & RV_IV_PROTO_DATA_V2;
	out->peer_id = RV_WIRE_P2P_PEER_ID;
	out->p2p_peer_id_ekm = out->data_v2 && out->ekm;
	out->cc_exit = both & RV_IV_PROTO_CC_EXIT_NOTIFY;
	out->dyn_tls_crypt = both & RV_IV_PROTO_DYN_TLS_CRYPT;
	return 0;
}

int
rv_ncp_pull(const struct rv_options *o, const struct rv_push *p, const char *server_options,
    struct rv_ncp *out, char err[static RV_NCP_ERRLEN])
{
	int r;

	memset(out, 0, sizeof(*out));
	if (p->cipher[0] != '\0') {
		if (!rv_ncp_listed(o->data_ciphers, p->cipher) && (o->data_ciphers_fallback == NULL ||
		    strcasecmp(o->data_ciphers_fallback, p->cipher) != 0)) {
			snprintf(err, RV_NCP_ERRLEN, "the server pushed cipher %s, which is not in "
			    "--data-ciphers %s", p->cipher, o->data_ciphers);
			return RV_ERR_NOTFOUND;
		}
		snprintf(out->cipher, sizeof(out->cipher), "%s", p->cipher);
	} else if ((r = fallback(o, server_options, out, err)) != 0) {
		return r;
	}
	out->ekm = p->flags & RV_PUSH_FLAG_TLS_EKM;
	out->data_v2 = p->has_peer_id;
	out->peer_id = p->peer_id;
	out->cc_exit = p->flags & RV_PUSH_FLAG_CC_EXIT;
	out->dyn_tls_crypt = p->flags & RV_PUSH_FLAG_DYN_TLS_CRYPT;
	return 0;
}
