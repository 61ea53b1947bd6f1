#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# TLS mode: roamvpn as a client (--client) in ns2 of an openvpn 2.6 server
# (--server 10.8.0.0/24, --dh none, --keepalive 10 60) in ns1, with the
# sample CA and certificates.
#
# 1. topology subnet and net30, each with no control-channel wrapping,
#    tls-auth (server key direction 0, client 1) and tls-crypt; AES-256-GCM.
# 2. tls-crypt, topology subnet, every data cipher the server may pick with
#    --data-ciphers: AES-128-GCM, AES-256-GCM, CHACHA20-POLY1305, and
#    AES-128-CBC and AES-256-CBC each with --auth SHA1, SHA256 and SHA512.
#
# Each case: roamvpn logs the TLS and data-channel set-up (the cipher the
# server picked, key id 0, keys from the TLS exporter), takes the pushed
# address, pings the server and the server pings it (also 1400 bytes), iperf3
# TCP each way (Mbit/s printed, never judged), roamvpn dropped nothing, and
# both exit with status 0 on SIGTERM, the client's device gone.

# Under sh (SH_LOG_COMPILER may be /bin/sh), start again under bash.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

source "$(dirname "$0")/lib.sh"

require_tls_env openvpn iperf3
p2p_setup
tls_pki

# The client offers every cipher; the server's --data-ciphers picks one.
ALL_CIPHERS=AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305:AES-128-CBC:AES-256-CBC

# tls_case TOPOLOGY WRAP CIPHER AUTH
tls_case() {
	run_section "roamvpn client <-> openvpn server: topology $1, $2, $3${4:+/$4}" tls_run "$@"
}

tls_run() {
	local topo=$1 wrap=$2 cipher=$3 auth=$4 addr expect
	local -a sx=() cx=()
	mapfile -t sx < <(wrap_args "$wrap" 0)
	mapfile -t cx < <(wrap_args "$wrap" 1)
	if [[ -n $auth ]]; then
		sx+=(--auth "$auth")
		cx+=(--auth "$auth")
	fi
	ovpn_server srv --topology "$topo" --data-ciphers "$cipher" "${sx[@]}"
	tls_client cli rv --data-ciphers "$ALL_CIPHERS" "${cx[@]}"
	vpn_wait_init cli

	wait_log cli "Peer Connection Initiated with $UNDER.1:1194"
	assert_log cli 'Control Channel: TLSv1\.3, '
	expect="Data Channel: cipher '$cipher'"
	[[ $cipher == *-CBC ]] && expect+=", auth '?$auth'?"
	assert_log cli "$expect, key id 0, keys from the TLS exporter"
	say "  $(grep -o 'Control Channel: .*' "$WORK/cli.log" | head -n 1)"
	say "  $(grep -o 'Data Channel: .*' "$WORK/cli.log" | head -n 1)"
	wait_log srv "Data Channel: cipher '$cipher'"

	addr=$(tun_addr 2)
	case $topo in
	subnet) assert_eq "$addr" "$SRV_NET.2" "pushed address of the client (topology subnet)" ;;
	net30) assert_eq "$addr" "$SRV_NET.6" "pushed address of the client (topology net30)" ;;
	esac
	ping_ok 2 "$SRV_NET.1"
	ping_ok 1 "$addr"
	ping_ok 2 "$SRV_NET.1" -s 1400
	ping_ok 1 "$addr" -s 1400
	iperf_tcp 2 1 "$SRV_NET.1" "$IPERF_SECS"
	iperf_tcp 1 2 "$addr" "$IPERF_SECS"
	assert_no_drops cli

	vpn_stop cli
	assert_no_dev 2 vpn0
	vpn_stop srv
}

for topo in subnet net30; do
	for wrap in none tls-auth tls-crypt; do
		tls_case "$topo" "$wrap" AES-256-GCM ""
	done
done
# (tls-crypt with AES-256-GCM and topology subnet ran above.)
for cipher in AES-128-GCM CHACHA20-POLY1305; do
	tls_case subnet tls-crypt "$cipher" ""
done
for cipher in AES-128-CBC AES-256-CBC; do
	for auth in SHA1 SHA256 SHA512; do
		tls_case subnet tls-crypt "$cipher" "$auth"
	done
done
