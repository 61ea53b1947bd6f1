#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# TLS mode: what roamvpn does as a client (--client, ns2) when the TLS set-up
# with an openvpn 2.6 server (ns1) cannot succeed. Each refusal:
#
#   - roamvpn logs a line naming the reason, once per attempt;
#   - with --connect-retry 1 --connect-retry-max 2 it gives up after two
#     attempts ("giving up after 2 attempts") and exits with status 1;
#   - with --connect-retry 1 alone it keeps trying: two "Restart pause"
#     lines, still running, and SIGTERM ends it with status 0;
#   - nothing in its log or on its stderr tells of a crash or a sanitizer
#     report (run with ROAMVPN set to a --enable-sanitizers build to check
#     memory errors as well).
#
# Refusals by roamvpn (the server's certificate, checked with the sample
# CA and --remote-cert-tls server):
#   signed by another CA               VERIFY ERROR ... unable to get local issuer
#   expired (2020-2021)                VERIFY ERROR ... certificate has expired
#   extended key usage clientAuth only VERIFY ERROR ... unsuitable certificate purpose
#   key usage but no extended key usage  VERIFY ERROR ... --remote-cert-tls server:
#                                      ... (names the missing serverAuth EKU)
#   no extensions at all (the sample client.crt)
#                                      VERIFY ERROR ... --remote-cert-tls server: no key usage
# Refusals by the server, which never answers (--server-poll-timeout 3):
#   a tls-crypt key not the server's   (server: tls-crypt unwrapping failed)
#   tls-auth direction 0 like the server (server: packet HMAC authentication failed)
# Refusal of roamvpn's certificate (signed by another CA) by the server: the
#   server logs VERIFY ERROR and drops the session; roamvpn sees no key
#   exchange within --hand-window 3: "TLS Error: TLS key negotiation failed".

# Under sh (SH_LOG_COMPILER may be /bin/sh), start again under bash.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

source "$(dirname "$0")/lib.sh"

require_tls_env openvpn
p2p_setup
tls_pki
pki_ca otherca
pki_cert srv-otherca otherca server
pki_cert srv-expired ca server 20200101000000Z 20210101000000Z
pki_cert srv-clientauth ca client
pki_cert srv-noeku ca server-no-eku
pki_cert cli-otherca otherca client
pretty "" "$OPENVPN --genkey tls-crypt $PKI/tc-other.key"
"$OPENVPN" --genkey tls-crypt "$PKI/tc-other.key" >/dev/null

# refusal TITLE REASON SERVER_SAYS SERVER_ARGS... -- CLIENT_ARGS...: REASON is
# what roamvpn must log once per attempt, SERVER_SAYS what the openvpn
# server must have logged ("" for nothing).
refusal() {
	run_section "$1" refusal_run "$@"
}

refusal_run() {
	local reason=$2 server_says=$3 n
	local -a sx=() cx=()
	shift 3
	while [[ $1 != -- ]]; do sx+=("$1"); shift; done
	shift
	cx=("$@")
	ovpn_server srv "${sx[@]}"

	say "-- with --connect-retry 1 --connect-retry-max 2: gives up, exit status 1"
	tls_client cli rv "${cx[@]}" --connect-retry 1 --connect-retry-max 2
	wait_gone "${VPN_PID[cli]}" 40 || fail "roamvpn did not give up within 40 s"
	vpn_reap cli
	assert_no_crash cli "$VPN_STATUS"
	grep -E 'ERROR|TLS Error|WARNING|Restart pause|giving up|restarting' "$WORK/cli.log" |
		sed -E 's/^[0-9-]+ [0-9:]+ /  roamvpn: /'
	assert_eq "$VPN_STATUS" 1 "exit status of roamvpn after --connect-retry-max 2"
	assert_log cli 'giving up after 2 attempts \(--connect-retry-max\)'
	n=$(log_count cli "$reason")
	assert_eq "$n" 2 "lines '$reason' in roamvpn's log (one per attempt)"
	assert_log cli 'Restart pause, 1 second'
	[[ $(log_count cli 'Initialization Sequence Completed') == 0 ]] ||
		fail "roamvpn completed its start-up, but must not"

	say "-- with --connect-retry 1 and no maximum: keeps trying"
	tls_client cli2 rv "${cx[@]}" --connect-retry 1
	wait_log_count cli2 'Restart pause' 2 30
	wait_log_count cli2 "$reason" 2 10
	assert_alive "${VPN_PID[cli2]}" "roamvpn after two failed attempts"
	vpn_stop cli2
	assert_no_crash cli2 "$VPN_STATUS"
	say "  roamvpn retried: $(log_count cli2 'Restart pause') restart pauses, then exited on SIGTERM"

	if [[ -n $server_says ]]; then
		assert_log srv "$server_says"
		say "  openvpn: $(grep -E -m 1 -- "$server_says" "$WORK/srv.log" | cut -d' ' -f3-)"
	fi
	vpn_stop srv
}

refusal "server certificate from another CA" \
	'VERIFY ERROR: .*CN=srv-otherca.*unable to get local issuer certificate' "" \
	--cert "$PKI/srv-otherca.crt" --key "$PKI/srv-otherca.key" --
refusal "expired server certificate" \
	'VERIFY ERROR: .*CN=srv-expired.*certificate has expired' "" \
	--cert "$PKI/srv-expired.crt" --key "$PKI/srv-expired.key" --
refusal "server certificate for TLS clients only (EKU clientAuth), --remote-cert-tls server" \
	'VERIFY ERROR: .*CN=srv-clientauth.*(unsuitable certificate purpose|serverAuth|TLS Web Server Authentication)' "" \
	--cert "$PKI/srv-clientauth.crt" --key "$PKI/srv-clientauth.key" --
refusal "server certificate without extended key usage, --remote-cert-tls server" \
	'VERIFY ERROR: .*CN=srv-noeku.*(serverAuth|TLS Web Server Authentication)' "" \
	--cert "$PKI/srv-noeku.crt" --key "$PKI/srv-noeku.key" --
refusal "server certificate without any key usage (sample client.crt), --remote-cert-tls server" \
	'VERIFY ERROR: .*CN=Test-Client.*--remote-cert-tls server: .*key usage' "" \
	--cert "$PKI/client.crt" --key "$PKI/client.key" --
refusal "tls-crypt key not the server's" \
	'the server did not answer within 3 s \(--server-poll-timeout\)' 'tls-crypt unwrapping failed' \
	--tls-crypt "$PKI/tc.key" -- --tls-crypt "$PKI/tc-other.key" --server-poll-timeout 3
refusal "tls-auth with the server's key direction (0)" \
	'the server did not answer within 3 s \(--server-poll-timeout\)' 'packet HMAC authentication failed' \
	--tls-auth "$PKI/ta.key" 0 -- --tls-auth "$PKI/ta.key" 0 --server-poll-timeout 3
CLIENT_CERT=$PKI/cli-otherca.crt CLIENT_KEY=$PKI/cli-otherca.key \
	refusal "the server refuses roamvpn's certificate (another CA)" \
	'TLS Error: TLS key negotiation failed to occur within 3 seconds' \
	'VERIFY ERROR: depth=0, error=unable to get local issuer certificate: CN=cli-otherca' \
	-- --hand-window 3
