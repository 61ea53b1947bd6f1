/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_MGMT_CMD_H
#define RV_MGMT_CMD_H

/*
 * Inside the management interface: the object's layout, shared by mgmt.c
 * (sockets, queues, notifications, hold) and mgmt_cmd.c (the commands).
 * Nothing else includes this header; the rest of the program sees mgmt.h.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "mgmt.h"

enum {
	RV_MGMT_OUT_LINE_MAX = 1400,    /* a >LOG line: prefix, time, flags, message */
	RV_MGMT_READ_BUDGET = 16384,    /* bytes read per wakeup, then others' turn */
	RV_MGMT_STATE_TEXT = 192,
};

struct rv_mgmt_log_entry {
	time_t t;
	char flags[4];
	char *text;
};

struct rv_mgmt_state_entry {
	time_t t;
	char text[RV_MGMT_STATE_TEXT];          /* "CONNECTED,SUCCESS,10.8.0.2,..." */
};

struct rv_mgmt {
	/* settings */
	char *addr, *port, *title;
	bool is_unix;
	bool hold_flag;                 /* --management-hold, "hold on|off" */

	/* sockets; io registered on ev while attached */
	int lfd, cfd;
	struct rv_io lio, cio;
	struct rv_event *ev;
	struct rv_mgmt_ops ops;

	/* the connected management client */
	char in[RV_MGMT_LINE_MAX];
	size_t inlen;
	bool in_overflow;               /* discarding the rest of an over-long line */
	char *out;
	size_t outlen, outoff, outcap;
	bool want_write;
	bool state_rt, log_rt, echo_rt;
	int bytecount_secs;
	struct rv_timer bc_timer;
	bool halt;                      /* close after the current batch */
	bool overflowed;                /* halt because the output queue was full */
	bool busy;                      /* processing commands: flush afterwards */

	/* kept for the life of the process */
	bool hold_release, holding;
	int hold_signal, hold_sigfd;
	char special[96];               /* the >HOLD line while holding */
	uint64_t bytes_in, bytes_out;   /* link bytes of finished runs */
	struct rv_mgmt_log_entry log[RV_MGMT_LOG_HISTORY];
	size_t log_first, log_n;
	struct rv_mgmt_state_entry st[RV_MGMT_STATE_HISTORY];
	size_t st_first, st_n;
	bool in_tap;
};

/* Queue one line (plus "\r\n") for the management client; formatted,
 * and as given. Past RV_MGMT_OUTQ_MAX bytes queued the client is cut off. */
void rv_mgmt_push(struct rv_mgmt *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void rv_mgmt_push_raw(struct rv_mgmt *m, const char *line);

/* Link bytes of this process: finished runs plus the current one. */
void rv_mgmt_total_bytes(struct rv_mgmt *m, uint64_t *in, uint64_t *out);

/* Runs one command line (modified in place): logged at --verb 3 as openvpn
 * does, split into words, answered. */
void rv_mgmt_cmd_run(struct rv_mgmt *m, char *line);

#endif
