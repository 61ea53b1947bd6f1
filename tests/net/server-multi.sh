#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Many clients of one roamvpn server at once, openvpn 2.6 and roamvpn mixed.
#
# Layout: the server in ns1; client k (k = 2 .. CLIENTS+1, default 20
# clients) alone in namespace k, joined to ns1 by its own veth pair
# (192.168.(100+k).1 in ns1, .k in ns k); odd k run openvpn, even k roamvpn.
# All use the sample client certificate, so the server runs with
# --duplicate-cn; --keepalive 2 6 (the server times a client out after 12 s).
#
# 1. With --client-to-client: every client gets its own address and pings
#    the server; clients of both kinds ping each other. An openvpn and a
#    roamvpn client stopped with --explicit-exit-notify are removed at once
#    (their addresses return to the pool: "pool addresses in use" falls by
#    two within 3 s); a SIGKILLed client is removed by ping-restart.
# 2. Without --client-to-client (and the kernel not forwarding): clients
#    reach the server but not each other.

# Under sh (SH_LOG_COMPILER may be /bin/sh), start again under bash.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

source "$(dirname "$0")/lib.sh"

require_tls_env openvpn
CLIENTS=${CLIENTS:-20}
LAST=$((CLIENTS + 1))
make_ns $(seq 1 "$LAST")
for k in $(seq 2 "$LAST"); do
	link_ns 1 "$k" "192.168.$((100 + k))" >/dev/null
done
nsq 1 sysctl -qw net.ipv4.ip_forward=0
tls_pki

impl_of() { if (( $1 % 2 )); then echo ovpn; else echo rv; fi; }

# server_start [EXTRA...]: roamvpn server in ns1, on every address.
server_start() {
	vpn_up server 1 rv --dev vpn0 --dev-type tun --port 1194 \
		--server "$SRV_NET.0" 255.255.255.0 --topology subnet \
		--ca "$PKI/ca.crt" --cert "$PKI/server.crt" --key "$PKI/server.key" \
		--dh none --keepalive 2 6 --duplicate-cn --verb 4 "$@"
}

# client_start K: client K in namespace K.
client_start() {
	local k=$1
	local -a args
	mapfile -t args < <(REMOTE="192.168.$((100 + k)).1" tls_client_args "$(impl_of "$k")" \
		--explicit-exit-notify 1)
	vpn_start "c$k" "$k" "$(impl_of "$k")" "${args[@]}"
}

pool_in_use() {
	stats_snapshot server
	stat_get server 'pool addresses in use'
}

many() {
	local k a mark used
	local -A seen=()
	server_start --client-to-client
	for k in $(seq 2 "$LAST"); do client_start "$k"; done
	for k in $(seq 2 "$LAST"); do vpn_wait_init "c$k" >/dev/null; done
	say "  all $CLIENTS clients are up"
	for k in $(seq 2 "$LAST"); do
		a=$(tun_addr "$k")
		[[ -n $a ]] || fail "client $k has no address"
		[[ -z ${seen[$a]:-} ]] || fail "clients ${seen[$a]} and $k both have $a"
		seen[$a]=$k
		ADDR[k]=$a
	done
	say "  $CLIENTS distinct addresses: ${ADDR[*]}"
	for k in $(seq 2 "$LAST"); do ping_ok "$k" "$SRV_NET.1"; done
	# client to client: openvpn <-> roamvpn, roamvpn <-> roamvpn
	ping_ok 3 "${ADDR[2]}"
	ping_ok 2 "${ADDR[3]}"
	ping_ok 4 "${ADDR[6]}"
	used=$(pool_in_use)
	assert_eq "$used" "$CLIENTS" "pool addresses in use"

	# explicit-exit-notify: removed at once, from both kinds of client.
	mark=$(log_mark server)
	vpn_stop c2
	vpn_stop c3
	wait_log_count server 'client removed: the client exited' 2 3 "$mark"
	assert_eq "$(pool_in_use)" "$((CLIENTS - 2))" "pool addresses in use after two exits"

	# A killed client: removed once ping-restart (2 x 6 s) runs out.
	mark=$(log_mark server)
	vpn_stop c4 KILL
	wait_log server 'client removed: ping-restart' 18 "$mark"
	assert_eq "$(pool_in_use)" "$((CLIENTS - 3))" "pool addresses in use after the timeout"
	for k in 5 6; do ping_ok "$k" "$SRV_NET.1"; done
	assert_no_drops server
	for k in $(seq 5 "$LAST"); do vpn_stop "c$k"; done
	vpn_stop server
}

no_c2c() {
	server_start
	client_start 5
	client_start 6
	vpn_wait_init c5 c6
	ping_ok 5 "$SRV_NET.1"
	ping_ok 6 "$SRV_NET.1"
	ping_fails 5 "$(tun_addr 6)"
	ping_fails 6 "$(tun_addr 5)"
	vpn_stop c5
	vpn_stop c6
	vpn_stop server
}

declare -a ADDR=()
run_section "$CLIENTS clients, openvpn and roamvpn, --client-to-client" many
run_section "without --client-to-client" no_c2c
