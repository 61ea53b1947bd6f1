/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * status: OpenVPN 2.6's status report layouts (--status, --status-version,
 * the management "status" command) and the periodically rewritten file.
 * The layouts follow openvpn 2.6.14's output line for line; the fixtures in
 * tests/unit/fixtures/status/ were captured from it.
 */
#include "status.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"

void
rv_status_time(time_t t, char out[static 32])
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL || strftime(out, 32, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(out, 32, "%lld", (long long)t);
}

/* Formats one line and hands it on; an over-long line is cut at
 * RV_STATUS_LINE_MAX (names are bounded long before that). */
static void __attribute__((format(printf, 3, 4)))
line(rv_status_emit_fn *emit, void *arg, const char *fmt, ...)
{
	char buf[RV_STATUS_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	emit(arg, buf);
}

static const char *
or_undef(const char *s)
{
	return s != NULL ? s : "UNDEF";
}

static const char *
or_empty(const char *s)
{
	return s != NULL ? s : "";
}

void
rv_status_format_link(const struct rv_status_link *l, time_t now, rv_status_emit_fn *emit,
    void *arg)
{
	char t[32];

	rv_status_time(now, t);
	line(emit, arg, "OpenVPN STATISTICS");
	line(emit, arg, "Updated,%s", t);
	line(emit, arg, "TUN/TAP read bytes,%" PRIu64, l->tun_read);
	line(emit, arg, "TUN/TAP write bytes,%" PRIu64, l->tun_write);
	line(emit, arg, "TCP/UDP read bytes,%" PRIu64, l->link_read);
	line(emit, arg, "TCP/UDP write bytes,%" PRIu64, l->link_write);
	line(emit, arg, "Auth read bytes,%" PRIu64, l->auth_read);
	if (l->has_comp) {
		line(emit, arg, "pre-compress bytes,%" PRIu64, l->pre_compress);
		line(emit, arg, "post-compress bytes,%" PRIu64, l->post_compress);
		line(emit, arg, "pre-decompress bytes,%" PRIu64, l->pre_decompress);
		line(emit, arg, "post-decompress bytes,%" PRIu64, l->post_decompress);
	}
	if (l->roam != NULL) {
		line(emit, arg, "Roam moves,%" PRIu64, l->roam->moves);
		line(emit, arg, "Roam probes sent,%" PRIu64, l->roam->probes);
		line(emit, arg, "Roam last move delay (us),%" PRIu64, l->roam->last_delay_us);
	}
	line(emit, arg, "END");
}

/* The mobility counters of a server, each "<prefix>Roam ...<sep>N". */
static void
server_roam(const struct rv_status_roam *r, const char *prefix, char sep,
    rv_status_emit_fn *emit, void *arg)
{
	if (r == NULL)
		return;
	const struct {
		const char *name;
		uint64_t v;
	} rows[] = {
		{ "Roam moves", r->moves },
		{ "Roam moves validated", r->validated },
		{ "Roam validations failed", r->failed },
		{ "Roam moves refused", r->refused },
		{ "Roam probes answered", r->probes },
		{ "Roam packets held back", r->limited },
		{ "Roam last validation delay (us)", r->last_delay_us },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		line(emit, arg, "%s%s%c%" PRIu64, prefix, rows[i].name, sep, rows[i].v);
}

/* Version 1: fixed English headers, comma-separated, no time_t columns. */
static void
server_v1(const struct rv_status_server *s, rv_status_emit_fn *emit, void *arg)
{
	char t[32], t2[32];

	rv_status_time(s->now, t);
	line(emit, arg, "OpenVPN CLIENT LIST");
	line(emit, arg, "Updated,%s", t);
	line(emit, arg, "Common Name,Real Address,Bytes Received,Bytes Sent,Connected Since");
	for (size_t i = 0; i < s->nclients; i++) {
		const struct rv_status_client *c = &s->clients[i];

		rv_status_time(c->connected_since, t2);
		line(emit, arg, "%s,%s,%" PRIu64 ",%" PRIu64 ",%s", or_undef(c->common_name),
		    or_empty(c->real_addr), c->bytes_rx, c->bytes_tx, t2);
	}
	line(emit, arg, "ROUTING TABLE");
	line(emit, arg, "Virtual Address,Common Name,Real Address,Last Ref");
	for (size_t i = 0; i < s->nroutes; i++) {
		const struct rv_status_route *r = &s->routes[i];

		rv_status_time(r->last_ref, t2);
		line(emit, arg, "%s%s,%s,%s,%s", or_empty(r->addr), r->cached ? "C" : "",
		    or_undef(r->common_name), or_empty(r->real_addr), t2);
	}
	line(emit, arg, "GLOBAL STATS");
	if (s->has_bcast_queue)
		line(emit, arg, "Max bcast/mcast queue length,%d", s->max_bcast_queue);
	server_roam(s->roam, "", ',', emit, arg);
	line(emit, arg, "END");
}

/* Versions 2 and 3: TITLE, TIME, HEADER lines naming the columns, one
 * record type per line; sep is ',' or '\t'. */
static void
server_v23(const struct rv_status_server *s, char sep, rv_status_emit_fn *emit, void *arg)
{
	char t[32];

	rv_status_time(s->now, t);
	line(emit, arg, "TITLE%c%s", sep, or_empty(s->title));
	line(emit, arg, "TIME%c%s%c%u", sep, t, sep, (unsigned)s->now);
	line(emit, arg, "HEADER%cCLIENT_LIST%cCommon Name%cReal Address%cVirtual Address%c"
	    "Virtual IPv6 Address%cBytes Received%cBytes Sent%cConnected Since%c"
	    "Connected Since (time_t)%cUsername%cClient ID%cPeer ID%cData Channel Cipher",
	    sep, sep, sep, sep, sep, sep, sep, sep, sep, sep, sep, sep, sep);
	for (size_t i = 0; i < s->nclients; i++) {
		const struct rv_status_client *c = &s->clients[i];

		rv_status_time(c->connected_since, t);
		line(emit, arg, "CLIENT_LIST%c%s%c%s%c%s%c%s%c%" PRIu64 "%c%" PRIu64 "%c%s%c%u%c%s"
		    "%c%lu%c%" PRIu32 "%c%s",
		    sep, or_undef(c->common_name), sep, or_empty(c->real_addr),
		    sep, or_empty(c->virt4), sep, or_empty(c->virt6),
		    sep, c->bytes_rx, sep, c->bytes_tx, sep, t, sep, (unsigned)c->connected_since,
		    sep, or_undef(c->username), sep, c->client_id, sep, c->peer_id,
		    sep, or_empty(c->cipher));
	}
	line(emit, arg, "HEADER%cROUTING_TABLE%cVirtual Address%cCommon Name%cReal Address%c"
	    "Last Ref%cLast Ref (time_t)", sep, sep, sep, sep, sep, sep);
	for (size_t i = 0; i < s->nroutes; i++) {
		const struct rv_status_route *r = &s->routes[i];

		rv_status_time(r->last_ref, t);
		line(emit, arg, "ROUTING_TABLE%c%s%s%c%s%c%s%c%s%c%u", sep, or_empty(r->addr),
		    r->cached ? "C" : "", sep, or_undef(r->common_name), sep,
		    or_empty(r->real_addr), sep, t, sep, (unsigned)r->last_ref);
	}
	if (s->has_bcast_queue)
		line(emit, arg, "GLOBAL_STATS%cMax bcast/mcast queue length%c%d", sep, sep,
		    s->max_bcast_queue);
	line(emit, arg, "GLOBAL_STATS%cdco_enabled%c%d", sep, sep, s->dco ? 1 : 0);
	server_roam(s->roam, sep == ',' ? "GLOBAL_STATS," : "GLOBAL_STATS\t", sep, emit, arg);
	line(emit, arg, "END");
}

void
rv_status_format_server(const struct rv_status_server *s, int version, rv_status_emit_fn *emit,
    void *arg)
{
	switch (version) {
	case 0:
	case 1:
		server_v1(s, emit, arg);
		break;
	case 2:
	case 3:
		server_v23(s, version == 3 ? '\t' : ',', emit, arg);
		break;
	default:
		line(emit, arg, "ERROR: bad status format version number");
		break;
	}
}

/* --- the file ----------------------------------------------------------------- */

/* The whole report in memory, written with one pwrite. */
struct text {
	char *p;
	size_t len, cap;
	bool failed;
};

static void
text_line(void *arg, const char *s)
{
	struct text *t = arg;
	size_t n = strlen(s);

	if (t->failed)
		return;
	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap > 0 ? t->cap : 4096;
		char *p;

		while (cap < t->len + n + 1)
			cap *= 2;
		if ((p = realloc(t->p, cap)) == NULL) {
			t->failed = true;
			return;
		}
		t->p = p;
		t->cap = cap;
	}
	memcpy(t->p + t->len, s, n);
	t->p[t->len + n] = '\n';
	t->len += n + 1;
}

int
rv_status_file_open(struct rv_status_file *f, const char *path, int secs, int version)
{
	memset(f, 0, sizeof(*f));
	f->fd = -1;
	if ((f->path = strdup(path)) == NULL)
		return RV_ERR_NOMEM;
	f->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (f->fd < 0) {
		int e = errno;

		free(f->path);
		f->path = NULL;
		errno = e;
		return RV_ERR_SYSTEM;
	}
	f->secs = secs > 0 ? secs : RV_STATUS_DEFAULT_SECS;
	f->version = version;
	return 0;
}

int
rv_status_file_write(struct rv_status_file *f)
{
	struct text t = { 0 };
	int r = 0;

	if (f->fd < 0 || f->src.report == NULL)
		return 0;
	f->src.report(f->src.arg, f->version, text_line, &t);
	if (t.failed)
		r = RV_ERR_NOMEM;
	else if ((t.len > 0 && pwrite(f->fd, t.p, t.len, 0) != (ssize_t)t.len) ||
	    ftruncate(f->fd, (off_t)t.len) != 0)
		r = RV_ERR_SYSTEM;
	free(t.p);
	return r;
}

static void
on_timer(void *arg)
{
	struct rv_status_file *f = arg;

	rv_status_file_write(f);
	rv_timer_arm(f->ev, &f->timer, rv_event_now(f->ev) + rv_sec((uint64_t)f->secs));
}

int
rv_status_file_attach(struct rv_status_file *f, struct rv_event *ev,
    const struct rv_status_source *src)
{
	f->src = *src;
	f->ev = ev;
	rv_timer_init(&f->timer, on_timer, f);
	rv_status_file_write(f);
	return rv_timer_arm(ev, &f->timer, rv_event_now(ev) + rv_sec((uint64_t)f->secs));
}

void
rv_status_file_set_source(struct rv_status_file *f, const struct rv_status_source *src)
{
	f->src = *src;
}

void
rv_status_file_detach(struct rv_status_file *f)
{
	if (f->ev == NULL)
		return;
	rv_status_file_write(f);
	rv_timer_disarm(f->ev, &f->timer);
	f->ev = NULL;
}

void
rv_status_file_close(struct rv_status_file *f)
{
	rv_status_file_detach(f);
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	free(f->path);
	f->path = NULL;
}
