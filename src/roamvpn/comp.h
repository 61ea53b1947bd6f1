/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_COMP_H
#define RV_COMP_H

/*
 * Compression framing of the data channel (wire facts 7.4): the byte (or
 * two) openvpn puts in front of every payload inside the encryption once a
 * compression option is configured or pushed, and LZO compression through
 * liblzo2.
 *
 *   comp-lzo no                 0xFA + payload
 *   comp-lzo [yes|adaptive],
 *   compress lzo                0x66 + LZO data, or 0xFA + payload
 *   compress [stub]             0xFB + payload[1..n-1] + payload[0] ("swap")
 *   compress stub-v2            payload as is; one starting 0x50 gets 0x50 0x00
 *                               in front
 *
 * What a side may do follows openvpn 2.6's --allow-compression: "no" (the
 * default without a compression option) accepts only the framing stubs,
 * "asym" (the default once comp-lzo yes/adaptive or compress lzo is set)
 * decompresses but sends nothing compressed, "yes" compresses too. LZ4 is
 * not built: compress lz4 / lz4-v2 are refused as openvpn built without LZ4
 * refuses them.
 *
 * A struct rv_comp is one peer's state (its algorithm, the adaptive
 * sampling, the LZO work memory and one work buffer, all allocated at
 * set-up, never per packet). The framing functions work in place on a
 * struct rv_buf that has headroom in front and room behind.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* The configured (or pushed) algorithm. */
enum rv_comp_alg {
	RV_COMP_NONE,       /* no compression option: no framing byte at all */
	RV_COMP_LZO_STUB,   /* comp-lzo no: 0xFA, never compresses */
	RV_COMP_LZO,        /* comp-lzo [yes|adaptive], compress lzo */
	RV_COMP_STUB,       /* compress, compress stub: 0xFB swap framing */
	RV_COMP_STUB_V2,    /* compress stub-v2 */
};

/* --allow-compression; UNSET = not given (the default depends on the
 * algorithm, see rv_comp_conf_*). */
enum rv_comp_allow {
	RV_COMP_ALLOW_UNSET,
	RV_COMP_ALLOW_NO,
	RV_COMP_ALLOW_ASYM,
	RV_COMP_ALLOW_YES,
};

/* Wire bytes (openvpn comp.h). */
enum rv_comp_byte {
	RV_COMP_BYTE_LZO = 0x66,
	RV_COMP_BYTE_LZ4 = 0x69,
	RV_COMP_BYTE_NONE = 0xfa,
	RV_COMP_BYTE_SWAP = 0xfb,
	RV_COMP_V2_INDICATOR = 0x50,
	RV_COMP_V2_UNCOMPRESSED = 0x00,
	RV_COMP_V2_UNCOMPRESSED_26 = 0x0a,  /* what 2.6's escape writes (a bug) */
};

/* Compression settings: what the options say, changed by a push. */
struct rv_comp_conf {
	enum rv_comp_alg alg;
	bool adaptive;                 /* comp-lzo adaptive (or without argument) */
	enum rv_comp_allow allow;
	/* compress migrate: no framing of our own; a server pushes clients
	 * that still have comp-lzo a stub (srvclient.c). Only options_comp.c
	 * sets it: rv_comp_parse() refuses "migrate" (a push, a ccd file). */
	bool migrate;
};

/* Parses the arguments of "comp-lzo [ARG]" (name "comp-lzo") or "compress
 * [ARG]" (name "compress"); arg NULL = no argument. Returns 0, RV_ERR_FORMAT
 * (bad argument) or RV_ERR_UNSUPPORTED (lz4, lz4-v2, migrate); why (may be
 * NULL) gets a sentence for the error message. */
int rv_comp_parse(const char *name, const char *arg, enum rv_comp_alg *alg, bool *adaptive,
    const char **why);

/* Parses "allow-compression ARG". Returns 0 or RV_ERR_FORMAT. */
int rv_comp_parse_allow(const char *arg, enum rv_comp_allow *out);

/* Policy, as openvpn 2.6 derives it from its options. */
bool rv_comp_conf_stub_only(const struct rv_comp_conf *c);     /* refuses real compression */
bool rv_comp_conf_may_compress(const struct rv_comp_conf *c);  /* sends compressed packets */
bool rv_comp_conf_real(const struct rv_comp_conf *c);          /* alg compresses (LZO) */

/* Name of the algorithm as openvpn logs it ("lzo", "stub", "stubv2"). */
const char *rv_comp_alg_name(enum rv_comp_alg alg);

/* Framing bytes counted in openvpn's link-mtu and --mssfix: 1 for the
 * 0xFA/0xFB/0x66 forms, 0 for none and stub-v2. */
size_t rv_comp_overhead(enum rv_comp_alg alg);

/* Appends the compression lines of a pulling client's peer-info
 * (IV_LZO=1 or IV_LZO_STUB=1, IV_COMP_STUB=1, IV_COMP_STUBv2=1) to out. */
void rv_comp_peer_info(const struct rv_comp_conf *c, char *out, size_t len);

/* Adaptive compression (openvpn lzo.c): sample 2 s; if at least 1000 bytes
 * were tried and less than 5 % saved, send uncompressed for 60 s. */
enum {
	RV_COMP_THRESHOLD = 100,       /* shorter payloads are never compressed */
	RV_COMP_AC_SAMPLE_SECS = 2,
	RV_COMP_AC_MIN_BYTES = 1000,
	RV_COMP_AC_SAVE_PCT = 5,
	RV_COMP_AC_OFF_SECS = 60,
};

struct rv_comp_adaptive {
	bool off;                      /* sending uncompressed until next */
	uint64_t next;                 /* seconds */
	size_t n_total, n_comp;        /* bytes tried, bytes they became */
};

struct rv_comp {
	struct rv_comp_conf conf;
	bool stub_only;                /* from the configuration: refuse pushed LZO */
	bool compress;                 /* may send compressed (allow yes + LZO) */
	size_t max_frame;              /* largest payload decompression may produce */
	uint8_t *work;                 /* max_frame + LZO's worst-case expansion */
	size_t work_cap;
	void *lzo_mem;                 /* LZO1X-1 dictionary, only when compress */
	struct rv_comp_adaptive ac;
	/* statistics (owner: comp.c) */
	uint64_t pre_compress, post_compress, pre_decompress, post_decompress;
};

/* Sets c up for conf; payloads (before framing, after unframing) are at
 * most max_frame bytes. Returns 0, RV_ERR_NOMEM or RV_ERR_CRYPTO (LZO's
 * self-test failed). */
int rv_comp_init(struct rv_comp *c, const struct rv_comp_conf *conf, size_t max_frame);

/* Switches to another configuration (a pushed one); allocates what the new
 * one needs. Returns as rv_comp_init(). */
int rv_comp_set(struct rv_comp *c, const struct rv_comp_conf *conf);

/* A server pushed comp-lzo or compress: takes alg (and adaptive), keeping
 * the configured --allow-compression. Returns 0, RV_ERR_UNSUPPORTED (real
 * compression while the configuration allows only stubs: openvpn 2.6 fails
 * the push then) or as rv_comp_init(). */
int rv_comp_push(struct rv_comp *c, enum rv_comp_alg alg, bool adaptive);

void rv_comp_clear(struct rv_comp *c);

/* True if packets carry any framing (a compression option is in effect). */
bool rv_comp_framed(const struct rv_comp *c);

/* Frames an outgoing payload in place (compressing it if allowed and it
 * pays off); now_sec drives adaptive sampling. An empty payload stays
 * empty. Returns 0 or RV_ERR_NOSPACE (no headroom/tailroom for the
 * framing), RV_ERR_RANGE (payload above max_frame). */
int rv_comp_frame(struct rv_comp *c, struct rv_buf *b, uint64_t now_sec);

/* Removes the framing of an incoming payload in place, decompressing into
 * b (never beyond max_frame nor b's room). Returns 0, RV_ERR_FORMAT (wrong
 * framing byte for the algorithm), RV_ERR_UNSUPPORTED (LZ4 data) or
 * RV_ERR_LIMIT (LZO data corrupt, or decompressing past the limit: a
 * decompression bomb). Nothing of b is trusted: any input is safe. */
int rv_comp_unframe(struct rv_comp *c, struct rv_buf *b);

#endif
