/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * main: command line, key generation, and the run loop (start, run, then
 * stop and start again on soft restarts and reloads).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <netlink/version.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "clock.h"
#include "crypto.h"
#include "daemon.h"
#include "daemon_mgmt.h"
#include "err.h"
#include "keyfile.h"
#include "log.h"
#include "mgmt.h"
#include "options.h"
#include "options_check.h"
#include "plat.h"
#include "tls.h"
#include "status.h"

enum { RETRY_SECS = 5 };

static void
print_version(void)
{
	printf("roamvpn %s %s [OpenVPN 2.6 wire protocol: static key, TLS p2p, client and server; mobility extension]\n"
	    "library versions: %s, libnl %s\n", PACKAGE_VERSION, RV_HOST,
	    OpenSSL_version(OPENSSL_VERSION), LIBNL_VERSION);
}

/* Parses and checks the whole configuration into a fresh o. */
static int
load_options(struct rv_options *o, int argc, char **argv, char err[static RV_OPT_ERRLEN])
{
	int r;

	if ((r = rv_options_init(o)) != 0) {
		snprintf(err, RV_OPT_ERRLEN, "out of memory");
		return r;
	}
	if ((r = rv_options_parse_argv(o, argc, argv, err)) != 0)
		goto fail;
	for (size_t i = 0; i < o->nproviders; i++)
		if (rv_crypto_load_provider(o->providers[i]) != 0) {
			char prefix[256];

			rv_options_prefix(o, "providers", prefix, sizeof(prefix));
			snprintf(err, RV_OPT_ERRLEN, "%scannot load OpenSSL provider `%s'",
			    prefix, o->providers[i]);
			r = RV_ERR_FORMAT;
			goto fail;
		}
	if ((r = rv_options_check(o, err)) != 0)
		goto fail;
	return 0;
fail:
	rv_options_clear(o);
	return r;
}

static int
genkey(const struct rv_options *o)
{
	struct rv_key2 k;
	int r;

	if ((r = rv_keyfile_generate(&k)) == 0)
		r = rv_keyfile_write(o->genkey_file, &k);
	rv_key2_wipe(&k);
	if (r != 0) {
		fprintf(stderr, "roamvpn: cannot write key to %s: %s\n",
		    o->genkey_file != NULL ? o->genkey_file : "stdout", rv_strerror(r));
		return 1;
	}
	return 0;
}

/* Opens the log sink; reopen keeps what an earlier run wrote to the file. */
static int
open_log(const struct rv_options *o, bool daemonized, bool reopen)
{
	struct rv_log_config lc = {
		.verb = o->verb,
		.mute = o->mute,
		.file = o->log_file,
		.append = o->log_append || reopen,
		.use_syslog = o->use_syslog || (daemonized && o->log_file == NULL),
		.ident = o->syslog_name != NULL ? o->syslog_name : o->daemon_name,
		.timestamps = !o->suppress_timestamps,
	};

	if (rv_log_open(&lc) != 0) {
		fprintf(stderr, "roamvpn: cannot open log file %s: %s\n", o->log_file,
		    strerror(errno));
		return -1;
	}
	return 0;
}

/* --remote-random: shuffle the --remote list once per configuration. */
static void
shuffle_remotes(struct rv_options *o)
{
	for (size_t i = o->nremotes; o->remote_random && i > 1; i--) {
		uint32_t r = 0;
		struct rv_remote tmp;
		size_t j;

		RAND_bytes((unsigned char *)&r, sizeof(r));
		j = r % i;
		tmp = o->remotes[i - 1];
		o->remotes[i - 1] = o->remotes[j];
		o->remotes[j] = tmp;
	}
}

/* A TLS client's pause before the next attempt: --connect-retry seconds,
 * doubled for every attempt beyond the fifth on one remote, at most
 * --connect-retry MAX (openvpn's back-off). */
static int
retry_pause(const struct rv_options *o, unsigned failures)
{
	unsigned per_remote = failures / (o->nremotes > 0 ? (unsigned)o->nremotes : 1);
	long pause = o->connect_retry;

	for (unsigned i = 5; i < per_remote && pause < o->connect_retry_max; i++)
		pause *= 2;
	return (int)(pause > o->connect_retry_max ? o->connect_retry_max : pause);
}

/* A TCP client pauses between attempts in any mode, as a TLS client does. */
static bool
is_tcp_client(const struct rv_options *o, const struct rv_carry *carry)
{
	return rv_proto_is_tcp_client(rv_options_proto(o, o->nremotes == 0 ? NULL :
	    &o->remotes[carry->remote_index % o->nremotes]));
}

/* Waits up to secs for a signal; returns true if it asks to exit. */
static bool
pause_for(int sigfd, int secs)
{
	uint64_t end = rv_clock_now() + rv_sec((uint64_t)secs);

	for (;;) {
		uint64_t now = rv_clock_now();
		struct pollfd pfd = { .fd = sigfd, .events = POLLIN };
		int sig;

		if (now >= end)
			return false;
		if (poll(&pfd, 1, (int)((end - now) / RV_NSEC_PER_MSEC) + 1) > 0) {
			sig = rv_plat_signal_read(sigfd);
			if (sig == SIGTERM || sig == SIGINT)
				return true;
		}
	}
}

/* --user, --group, --chroot: looked up now (a typo stops the start, not a
 * later restart). */
static int
setup_privileges(const struct rv_options *o, struct rv_privs *privs)
{
	char err[256];

	if (rv_plat_privs_lookup(privs, o->user, o->group, o->chroot_dir, err,
	    sizeof(err)) != 0) {
		rv_log(RV_LOG_ERR, "%s", err);
		return -1;
	}
	bool tls = o->tls_client || o->tls_server;

	if (rv_plat_privs_wanted(privs) && (!o->persist_tun || (tls && !o->persist_key)))
		rv_log(RV_LOG_WARN, "--user, --group or --chroot without --persist-tun and "
		    "--persist-key: a restart will need privileges the process no longer has");
	return 0;
}

/* --management and --status: opened once, they outlive restarts. */
static int
open_reporting(const struct rv_options *o, struct rv_carry *carry, struct rv_status_file *sf)
{
	char t[128];
	struct rv_mgmt_config mc = {
		.addr = o->mgmt_addr, .port = o->mgmt_port, .is_unix = o->mgmt_unix,
		.hold = o->mgmt_hold, .title = t,
	};

	rv_daemon_mgmt_title(t, sizeof(t));
	if (o->mgmt_addr != NULL && rv_mgmt_open(&carry->mgmt, &mc) != 0)
		return -1;
	if (o->status_file != NULL) {
		if (rv_status_file_open(sf, o->status_file, o->status_secs, o->status_version) != 0) {
			rv_log(RV_LOG_ERR, "cannot open status file %s: %s", o->status_file,
			    strerror(errno));
			return -1;
		}
		carry->status = sf;
	}
	rv_mgmt_set_state(carry->mgmt, RV_MGMT_CONNECTING, NULL);
	return 0;
}

/* The end of a run, as a >STATE line. */
static void
report_end(struct rv_carry *carry, enum rv_sig sig, const char *why)
{
	const struct rv_mgmt_state_info info = { .desc = why };

	rv_mgmt_set_state(carry->mgmt, sig == RV_SIG_EXIT ? RV_MGMT_EXITING : RV_MGMT_RECONNECTING,
	    &info);
}

/* Before a start: --management-hold waits for "hold release". Returns
 * false if told to exit meanwhile. */
static bool
hold(struct rv_carry *carry, int holdtime)
{
	if (!rv_mgmt_would_hold(carry->mgmt))
		return true;
	if (rv_mgmt_hold(carry->mgmt, carry->sigfd, holdtime))
		return true;
	report_end(carry, RV_SIG_EXIT, "SIGTERM");
	return false;
}

static void
close_reporting(struct rv_carry *carry)
{
	if (carry->status != NULL)
		rv_status_file_close(carry->status);
	rv_mgmt_flush(carry->mgmt);
	rv_mgmt_close(carry->mgmt);
	carry->mgmt = NULL;
}

/* Starts, runs and restarts the tunnel until it is told to exit. */
static int
run(struct rv_options *o, int argc, char **argv)
{
	struct rv_carry carry = { .sigfd = rv_plat_signals_open() };
	struct rv_status_file sf;
	bool daemonized = false, now;
	uint64_t failing_since = 0;
	struct rv_daemon d;
	int status = 0, holdtime = 0;

	if (carry.sigfd < 0) {
		rv_log(RV_LOG_ERR, "cannot set up signal handling: %s", strerror(errno));
		return 1;
	}
	if (setup_privileges(o, &carry.privs) != 0 || open_reporting(o, &carry, &sf) != 0) {
		close_reporting(&carry);
		close(carry.sigfd);
		return 1;
	}
	for (;;) {
		struct rv_options fresh;
		char err[RV_OPT_ERRLEN];
		enum rv_sig sig;
		int r;

		if (!hold(&carry, holdtime))
			break;
		holdtime = 0;
		r = rv_daemon_start(&d, o, &carry);

		if (r == RV_ERR_AGAIN) {
			/* The remote does not resolve: try the next, within --resolv-retry. */
			rv_daemon_stop(&d, o->persist_tun);
			if (failing_since == 0)
				failing_since = rv_clock_now();
			if (o->resolv_retry >= 0 && rv_clock_now() - failing_since >=
			    rv_sec((uint64_t)o->resolv_retry)) {
				rv_log(RV_LOG_ERR, "could not resolve --remote within --resolv-retry "
				    "%d s, giving up", o->resolv_retry);
				status = 1;
				break;
			}
			carry.remote_index++;
			rv_log(RV_LOG_INFO, "Restart pause, %d second(s)", RETRY_SECS);
			if (pause_for(carry.sigfd, RETRY_SECS))
				break;
			continue;
		}
		failing_since = 0;
		if (r != 0) {
			rv_daemon_stop(&d, false);
			status = 1;
			break;
		}
		if (o->daemon && !daemonized) {
			if (rv_plat_daemonize(o->log_file != NULL) != 0 ||
			    rv_daemon_after_fork(&d) != 0) {
				rv_log(RV_LOG_ERR, "cannot daemonize: %s", strerror(errno));
				rv_daemon_stop(&d, false);
				return 1;
			}
			daemonized = true;
			/* Without --log, messages go to syslog from now on. */
			if (o->log_file == NULL)
				open_log(o, true, true);
		}
		if (!carry.privs_ready) {
			/* Once, while we still may: then the privileges go. */
			if (o->writepid != NULL && rv_plat_write_pid(o->writepid) != 0)
				rv_log(RV_LOG_WARN, "cannot write pid file %s: %s", o->writepid,
				    strerror(errno));
			carry.privs_ready = true;
			/* After fork() (locks are not inherited), while still root. */
			if (o->mlock && rv_plat_mlock() != 0) {
				rv_log(RV_LOG_ERR, "--mlock: %s", strerror(errno));
				rv_daemon_stop(&d, false);
				status = 1;
				break;
			}
			if (rv_daemon_drop_privileges(&d) != 0) {
				rv_daemon_stop(&d, false);
				status = 1;
				break;
			}
		}
		sig = rv_daemon_run(&d);
		report_end(&carry, sig, d.sig_reason);
		if (carry.fatal) {
			rv_daemon_stop(&d, false);
			status = 1;
			break;
		}
		if (sig == RV_SIG_EXIT) {
			rv_daemon_stop(&d, false);
			break;
		}
		rv_daemon_stop(&d, o->persist_tun);
		now = sig == RV_SIG_RESTART && carry.restart_now;
		carry.restart_now = false;
		if (sig == RV_SIG_RESTART && o->nremotes > 1 && !now)
			carry.remote_index++;
		if (sig == RV_SIG_RESTART && !now && (o->tls_client || is_tcp_client(o, &carry))) {
			/* A client that did not get through counts a failure. */
			if (++carry.failures > 0 && o->connect_retry_attempts > 0 &&
			    carry.failures >= (unsigned)o->connect_retry_attempts *
			    (o->nremotes > 0 ? (unsigned)o->nremotes : 1)) {
				rv_log(RV_LOG_ERR, "giving up after %u attempts (--connect-retry-max)",
				    carry.failures);
				status = 1;
				break;
			}
			/* Holding replaces the pause (>HOLD shows how long it would be). */
			if (rv_mgmt_would_hold(carry.mgmt)) {
				holdtime = retry_pause(o, carry.failures);
			} else {
				rv_log(RV_LOG_INFO, "Restart pause, %d second(s)",
				    retry_pause(o, carry.failures));
				if (pause_for(carry.sigfd, retry_pause(o, carry.failures)))
					break;
			}
		}
		if (sig == RV_SIG_RELOAD) {
			if (load_options(&fresh, argc, argv, err) != 0) {
				rv_log(RV_LOG_ERR, "%s", err);
				rv_log(RV_LOG_ERR, "the new configuration has errors; keeping the "
				    "running one");
			} else {
				/* Everything is read again (with the privileges left). */
				rv_tls_ctx_free(carry.tls_ctx);
				carry.tls_ctx = NULL;
				rv_options_clear(o);
				*o = fresh;
				shuffle_remotes(o);
				open_log(o, daemonized, true);
			}
		}
	}
	if (carry.have_tun)
		rv_tun_close(&carry.tun);
	rv_tls_ctx_free(carry.tls_ctx);
	close_reporting(&carry);
	close(carry.sigfd);
	rv_log(RV_LOG_INFO, "roamvpn exiting");
	return status;
}

int
main(int argc, char **argv)
{
	char err[RV_OPT_ERRLEN];
	struct rv_options o;
	int status;

	if (argc <= 1) {
		print_version();
		printf("\nUsage: roamvpn [--config] FILE, or roamvpn --option ... "
		    "(roamvpn --help lists the options)\n");
		return 1;
	}
	if (load_options(&o, argc, argv, err) != 0) {
		fprintf(stderr, "roamvpn: %s\n", err);
		return 1;
	}
	if (o.show_help || o.show_version) {
		if (o.show_version)
			print_version();
		else
			rv_options_print_help();
		rv_options_clear(&o);
		return 0;
	}
	if (o.genkey != RV_GENKEY_NONE) {
		status = genkey(&o);
		rv_options_clear(&o);
		return status;
	}
	if (open_log(&o, false, false) != 0) {
		rv_options_clear(&o);
		return 1;
	}
	rv_log_redirect_std();
	shuffle_remotes(&o);
	rv_log(RV_LOG_INFO, "roamvpn %s (OpenVPN 2.6 wire protocol), %s", PACKAGE_VERSION,
	    OpenSSL_version(OPENSSL_VERSION));
	status = run(&o, argc, argv);
	rv_options_clear(&o);
	rv_log_close();
	return status;
}
