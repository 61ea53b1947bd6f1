/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef RV_OPTIONS_H
#define RV_OPTIONS_H

/*
 * Options in OpenVPN syntax. Parsing fills a plain struct through one table
 * of small handlers (options.c); a separate pass checks the whole
 * (options_check.c); only then does anything get applied. An error anywhere
 * leaves nothing half-applied: the caller throws the struct away.
 */

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <netinet/in.h>
#include <sys/socket.h>

#include "comp.h"
#include "netconf.h"

#include "keyfile.h"

enum rv_dev_type { RV_DEV_UNSET, RV_DEV_TUN, RV_DEV_TAP, RV_DEV_NULL };
/* --proto: transport and role, each with any family, IPv4 or IPv6, in this
 * order (see the rv_proto_* helpers). Plain tcp/tcp4/tcp6 is resolved to a
 * role by the validation pass. */
enum rv_proto {
	RV_PROTO_UDP, RV_PROTO_UDP4, RV_PROTO_UDP6,
	RV_PROTO_TCP, RV_PROTO_TCP4, RV_PROTO_TCP6,
	RV_PROTO_TCP_SERVER, RV_PROTO_TCP4_SERVER, RV_PROTO_TCP6_SERVER,
	RV_PROTO_TCP_CLIENT, RV_PROTO_TCP4_CLIENT, RV_PROTO_TCP6_CLIENT,
	RV_PROTO_MAX,
};
enum rv_topology { RV_TOPO_UNSET, RV_TOPO_NET30, RV_TOPO_P2P, RV_TOPO_SUBNET };
enum rv_genkey { RV_GENKEY_NONE, RV_GENKEY_SECRET };
/* --mssfix MAX [mtu|fixed]: what MAX counts. */
enum rv_mss_mode {
	RV_MSS_MTU,         /* the whole outer IP packet (the 2.6 default) */
	RV_MSS_PAYLOAD,     /* the outer UDP payload (MAX without a keyword) */
	RV_MSS_FIXED,       /* the inner packet: MSS = MAX - 40 */
};

/* Where an option was given, for error messages after parsing. */
struct rv_optloc {
	const char *file;   /* interned in rv_options.files; NULL = not given */
	unsigned line;      /* 0 = command line */
};

struct rv_remote {
	char *host;
	char *port;         /* NULL = --rport / --port / 1194 */
	bool has_proto;     /* a third argument: this entry's --proto */
	enum rv_proto proto;
	struct rv_optloc loc;
};

struct rv_route {
	char *network;
	char *netmask;      /* NULL = 255.255.255.255 */
	char *gateway;      /* NULL = --route-gateway, else the ifconfig peer */
	int metric;         /* -1 = --route-metric or none */
	struct rv_optloc loc;
	/* filled by rv_options_check() */
	struct in_addr net, mask, gw;
	bool has_gw;
};

struct rv_route6 {
	char *network;      /* NET/BITS */
	char *gateway;      /* NULL: none (tun) or the --ifconfig-ipv6 remote (tap) */
	int metric;         /* -1 = --route-metric or none */
	struct rv_optloc loc;
	struct rv_netroute6 r;   /* filled by rv_options_check() */
};

/* Key material given as a file or an inline block. */
struct rv_keysrc {
	char *path;         /* file name, or NULL */
	char *text;         /* inline block text, or NULL */
	int direction;      /* RV_KEYDIR_* from the option's own argument */
};

/* --verify-client-cert */
enum rv_vcc { RV_VCC_REQUIRE, RV_VCC_OPTIONAL, RV_VCC_NONE };
/* --auth-user-pass-verify SCRIPT METHOD */
enum rv_auth_method { RV_AUTH_VIA_FILE, RV_AUTH_VIA_ENV };

/* Multi-client server options (options_server.c). */
struct rv_srvopts {
	bool mode_server;              /* --mode server, --server */
	char *server_net, *server_mask;/* --server NET MASK */
	bool server_nopool;            /* --server NET MASK nopool */
	char *pool_start, *pool_end, *pool_mask;   /* --ifconfig-pool */
	char *server6;                 /* --server-ipv6 NET/BITS */
	char *pool6;                   /* --ifconfig-ipv6-pool BASE/BITS */
	char **push;                   /* --push, then what helpers add */
	size_t npush;
	int max_clients;
	bool duplicate_cn;
	bool client_to_client;
	int verify_client_cert;        /* enum rv_vcc */
	bool username_as_common_name;
	int connect_freq_n, connect_freq_sec;      /* 0 = no limit */
	char *pool_persist;            /* --ifconfig-pool-persist FILE [SECS] */
	int pool_persist_secs;
	char *client_config_dir;
	char *auth_verify;             /* --auth-user-pass-verify SCRIPT */
	int auth_verify_method;        /* enum rv_auth_method */
	char *client_connect, *client_disconnect;
	int script_security;
	/* filled by rv_options_server_check() */
	bool has_pool;
	struct in_addr pool_lo, pool_hi;           /* first, last address */
	struct in_addr pool_netmask;               /* subnet/tap: the netmask */
	struct in_addr net, mask;                  /* --server */
	bool has_pool6;                            /* an IPv6 side of the pool */
	struct in6_addr pool6_base;                /* first client address */
	int pool6_bits;
};

struct rv_options {
	/* logging and process */
	int verb;
	int mute;
	char *log_file;
	bool log_append;
	bool suppress_timestamps;
	bool daemon;
	char *daemon_name;
	char *writepid;
	char *user, *group, *chroot_dir;   /* given up once the tunnel is up */
	bool mlock;
	bool use_syslog;
	char *syslog_name;
	char **providers;
	size_t nproviders;

	/* --genkey */
	enum rv_genkey genkey;
	char *genkey_file;

	/* device */
	char *dev;
	enum rv_dev_type dev_type;     /* from --dev-type, or inferred from --dev */
	char *dev_node;
	int tun_mtu;
	bool persist_tun;
	char *ifconfig_local;
	char *ifconfig_remote;         /* remote (tun p2p) or netmask (tap/subnet) */
	bool ifconfig_nowarn;
	enum rv_topology topology;
	struct rv_route *routes;
	size_t nroutes;
	bool roam;                     /* --roam: follow path changes (default on) */
	int roam_hold;                 /* --roam-hold: seconds without a route */
	int roam_validate;             /* --roam-validate: seconds to validate a new address */
	char *ifconfig6_local;         /* ADDR/BITS */
	char *ifconfig6_remote;
	struct rv_route6 *routes6;
	size_t nroutes6;
	char *route_gateway;
	int route_metric;
	int mssfix;                    /* 0 = off */
	enum rv_mss_mode mssfix_mode;
	int txqueuelen;

	/* transport */
	enum rv_proto proto;
	char *local;
	char *lport;
	char *rport;
	struct rv_remote *remotes;
	size_t nremotes;
	bool remote_random;
	bool nobind;
	bool bind_ipv6only;            /* --bind ipv6only */
	bool float_;
	int resolv_retry;              /* seconds, -1 = infinite */
	int sndbuf;
	int rcvbuf;
	int tcp_queue_limit;           /* packets in a TCP connection's send queue */
	bool tcp_nodelay;              /* accepted; TCP_NODELAY is always on */

	/* static-key crypto */
	struct rv_keysrc secret;
	int key_direction;             /* --key-direction, RV_KEYDIR_* */
	char *cipher;
	char *auth;
	int replay_window;
	int replay_time;
	bool no_replay;
	bool mute_replay_warnings;
	bool persist_key;

	/* keepalive */
	int ping;
	int ping_restart;
	int ping_exit;
	bool ping_timer_rem;
	int keepalive_ping;
	int keepalive_timeout;
	int inactive;
	uint64_t inactive_bytes;
	int explicit_exit_notify;

	/* status file and management interface (options_mgmt.c) */
	char *status_file;
	int status_secs;
	int status_version;
	char *mgmt_addr;               /* IP or host, or a unix socket path */
	char *mgmt_port;               /* NULL for a unix socket */
	bool mgmt_unix;
	bool mgmt_hold;

	/* TLS mode and client (options_tls.c) */
	bool tls_client;               /* --tls-client, --client */
	bool tls_server;               /* --tls-server */
	bool pull;                     /* --pull, --client */
	struct rv_keysrc ca, cert, priv_key, pkcs12, dh, crl_verify, extra_certs;
	struct rv_keysrc tls_auth;     /* --tls-auth FILE [dir] */
	struct rv_keysrc tls_crypt;
	struct rv_keysrc askpass;      /* file holding the private key's password */
	struct rv_keysrc auth_user_pass;
	bool auth_user_pass_given;
	bool auth_nocache;
	char *tls_version_min;
	bool tls_version_min_or_highest;
	char *tls_version_max;
	char *tls_cipher;
	char *tls_ciphersuites;
	char *tls_groups;
	int remote_cert_tls;           /* enum rv_tls_remote_cert (tls.h) */
	char *verify_x509_name;
	int verify_x509_type;          /* enum rv_tls_x509_type */
	int tls_timeout;
	int hand_window;
	int tran_window;
	bool tls_exit;
	int reneg_sec;
	int reneg_sec_min;             /* --reneg-sec MAX MIN: a server picks in [MIN, MAX] */
	uint64_t reneg_bytes;
	uint64_t reneg_pkts;
	char *data_ciphers;            /* colon list; default AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305 */
	char *data_ciphers_fallback;
	int connect_retry;
	int connect_retry_max;         /* longest pause between attempts */
	int connect_retry_attempts;    /* --connect-retry-max: give up after so many, 0 = never */
	int server_poll_timeout;
	bool push_peer_info;
	bool route_nopull;
	char *auth_retry;              /* none, nointeract, interact */

	/* compression (options_comp.c) */
	struct rv_comp_conf comp;
	/* multi-client server (options_server.c) */
	struct rv_srvopts srv;

	/* ignored when unknown (--ignore-unknown-option) */
	char **ignore_unknown;
	size_t nignore_unknown;

	/* bookkeeping */
	bool show_help;
	bool show_version;
	char **files;                  /* interned file names for rv_optloc */
	size_t nfiles;
	struct rv_optloc *locs;        /* one per option table entry */
	char *first_config;            /* first --config, for messages */

	/* filled by rv_options_check() */
	bool has_key;                  /* --secret given: static-key mode */
	struct rv_key2 key;
	int keydir;                    /* effective direction of key */
	int tls_wrap;                  /* enum rv_wrap_mode (wrap.h) */
	struct rv_key2 tls_wrap_key;   /* --tls-auth / --tls-crypt key */
	int tls_wrap_dir;              /* tls-auth key direction */
	char *auth_user, *auth_pass;   /* from --auth-user-pass */
	char *key_password;            /* first line of --askpass */
	bool has_ifconfig;
	bool ifconfig_is_mask;         /* tap or topology subnet: REMOTE is a netmask */
	struct in_addr ifc_local;
	struct in_addr ifc_remote;     /* peer address, or the netmask */
	bool has_ifconfig6;
	struct in6_addr ifc6_local, ifc6_remote;
	int ifc6_bits;
};

enum { RV_OPT_ERRLEN = 640 };

/* AF_INET, AF_INET6, or AF_UNSPEC (any) for a --proto value. */
static inline int
rv_proto_family(enum rv_proto p)
{
	return p % 3 == 1 ? AF_INET : p % 3 == 2 ? AF_INET6 : AF_UNSPEC;
}

static inline bool
rv_proto_is_tcp(enum rv_proto p)
{
	return p >= RV_PROTO_TCP;
}

static inline bool
rv_proto_is_tcp_server(enum rv_proto p)
{
	return p >= RV_PROTO_TCP_SERVER && p <= RV_PROTO_TCP6_SERVER;
}

static inline bool
rv_proto_is_tcp_client(enum rv_proto p)
{
	return p >= RV_PROTO_TCP_CLIENT && p < RV_PROTO_MAX;
}

/* The --proto a run with --remote entry rm uses (rm may be NULL). */
static inline enum rv_proto
rv_options_proto(const struct rv_options *o, const struct rv_remote *rm)
{
	return rm != NULL && rm->has_proto ? rm->proto : o->proto;
}

/* Fills o with OpenVPN's defaults. Returns 0 or RV_ERR_NOMEM. */
int rv_options_init(struct rv_options *o);

/* Frees everything o owns (key material wiped). */
void rv_options_clear(struct rv_options *o);

/* Parses the command line (and the --config files it names) into o, which
 * rv_options_init() prepared. Returns 0, or RV_ERR_FORMAT with
 * "file:line: option: what is wrong" in err. */
int rv_options_parse_argv(struct rv_options *o, int argc, char **argv,
    char err[static RV_OPT_ERRLEN]);

/* Parses one config text (used by tests and the fuzzer). */
int rv_options_parse_text(struct rv_options *o, const char *name, const char *text,
    size_t len, char err[static RV_OPT_ERRLEN]);

/* Where the option called name was last given; loc->file is NULL if never. */
struct rv_optloc rv_options_where(const struct rv_options *o, const char *name);

/* Formats "file:line: name: " (or "command line: --name: ") into out. */
void rv_options_prefix(const struct rv_options *o, const char *name, char *out,
    size_t outlen);

/* Writes "<prefix of name>: <fmt ...>" into err and returns RV_ERR_FORMAT:
 * the body of the validation passes' error helpers. */
int rv_options_vbad(const struct rv_options *o, char *err, const char *name, const char *fmt,
    va_list ap) __attribute__((format(printf, 4, 0)));

/* Frees a list of n strings and the list. */
void rv_options_free_list(char **list, size_t n);

/* Writes the option table with help text to stdout. */
void rv_options_print_help(void);

#endif
