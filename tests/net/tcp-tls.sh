#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# TLS mode over TCP against openvpn 2.6:
# 1. roamvpn --client --proto tcp (= tcp-client; --explicit-exit-notify
#    ignored, as openvpn does on TCP) (ns2) of an openvpn --server with
#    --proto tcp-server (ns1), tls-crypt, AES-256-GCM: the pushed address,
#    pings both ways (also 1400 bytes), iperf3 TCP each way, no drops, no
#    options warning on either side. Then the server goes away (SIGTERM):
#    roamvpn logs the connection reset, retries while nothing listens, and
#    once a new server runs it connects again, gets its address and traffic
#    resumes.
# 2. p2p TLS: roamvpn --tls-server --proto tcp-server (ns1) <-> openvpn
#    --tls-client --proto tcp-client (ns2), tls-auth: pings both ways, then
#    openvpn restarts (SIGUSR1) and roamvpn, listening again, takes the new
#    connection.
# Roughly 30 s.

[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

source "$(dirname "$0")/lib.sh"

require_tls_env openvpn iperf3
p2p_setup
tls_pki
IPERF_SECS=${TCP_IPERF_SECS:-2}

no_occ_warning() { # NAME...
	local n
	for n in "$@"; do
		[[ -z $(grep -E 'inconsistently' "$WORK/$n.log") ]] ||
			fail "$n warns about the options: $(grep -E 'inconsistently' "$WORK/$n.log" | head -n 3)"
	done
}

client_run() {
	local addr
	local -a sx cx
	mapfile -t sx < <(wrap_args tls-crypt 0)
	mapfile -t cx < <(wrap_args tls-crypt 1)
	ovpn_server srv --proto tcp-server --data-ciphers AES-256-GCM "${sx[@]}"
	# Plain "tcp": --client makes it tcp-client, as in openvpn.
	tls_client cli rv --proto tcp --connect-retry 1 --explicit-exit-notify 2 "${cx[@]}"
	vpn_wait_init cli
	assert_log cli "NOTICE: --explicit-exit-notify ignored for --proto tcp"
	wait_log cli "TCP connection established with $UNDER.1:1194"
	assert_log cli "Local Options String: 'V4,dev-type tun,link-mtu [0-9]+,tun-mtu 1500,proto TCPv4_CLIENT,"
	assert_log cli "Data Channel: cipher 'AES-256-GCM'"
	addr=$(tun_addr 2)
	assert_eq "$addr" "$SRV_NET.2" "pushed address of the client"
	ping_ok 2 "$SRV_NET.1"
	ping_ok 1 "$addr"
	ping_ok 2 "$SRV_NET.1" -s 1400
	ping_ok 1 "$addr" -s 1400
	iperf_tcp 2 1 "$SRV_NET.1" "$IPERF_SECS"
	iperf_tcp 1 2 "$addr" "$IPERF_SECS"
	assert_no_drops cli
	no_occ_warning srv

	section "the server goes away and comes back"
	vpn_stop srv
	wait_log cli "Connection reset, restarting"
	wait_log cli "TCP: connect to $UNDER.1:1194 failed: Connection refused"
	ovpn_server srv2 --proto tcp-server --data-ciphers AES-256-GCM "${sx[@]}"
	wait_log_count cli "Initialization Sequence Completed" 2 30
	wait_log_count cli "TCP connection established with $UNDER.1:1194" 2
	addr=$(tun_addr 2)
	assert_eq "$addr" "$SRV_NET.2" "pushed address after reconnecting"
	ping_ok 2 "$SRV_NET.1"
	ping_ok 1 "$addr" -s 1400
	vpn_stop cli
	assert_no_dev 2 vpn0
	vpn_stop srv2
}

p2p_run() {
	local -a a1 a2
	mapfile -t a1 < <(tls_p2p_args 1 rv server tls-auth --proto tcp-server)
	mapfile -t a2 < <(tls_p2p_args 2 ovpn client tls-auth --proto tcp-client --connect-retry 1)
	vpn_start side1 1 rv "${a1[@]}"
	wait_log side1 "Listening for incoming TCP connection on"
	vpn_start side2 2 ovpn "${a2[@]}"
	vpn_wait_init side1 side2
	wait_log side1 "TCP connection established with $UNDER.2:"
	assert_log side1 "Local Options String: 'V4,dev-type tun,link-mtu [0-9]+,tun-mtu 1500,proto TCPv4_SERVER,"
	ping_ok 1 "$TUN_NET.2"
	ping_ok 2 "$TUN_NET.1" -s 1400
	no_occ_warning side1 side2

	section "openvpn restarts (SIGUSR1); roamvpn listens again"
	kill -USR1 "${VPN_PID[side2]}"
	wait_log side1 "Connection reset, restarting"
	wait_log_count side1 "TCP connection established with $UNDER.2:" 2
	wait_log_count side1 "Initialization Sequence Completed" 2
	wait_log_count side2 "Initialization Sequence Completed" 2
	ping_ok 1 "$TUN_NET.2"
	ping_ok 2 "$TUN_NET.1"
	vpn_stop side2
	vpn_stop side1
}

run_section "roamvpn client (tcp-client) of an openvpn server (tcp-server), tls-crypt" client_run
run_section "p2p TLS: roamvpn tls-server/tcp-server <-> openvpn tls-client/tcp-client" p2p_run
