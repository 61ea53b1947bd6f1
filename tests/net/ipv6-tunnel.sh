#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# IPv6 inside the tunnel, against openvpn 2.6.
#
# 1. Static key, roamvpn (ns1) <-> openvpn (ns2), each with --ifconfig-ipv6
#    and roamvpn with --route-ipv6: the address and the route are on
#    roamvpn's device; ping6 both ways (also 1400 bytes); roamvpn's options
#    string carries "tun-ipv6" as openvpn's does (no mismatch logged on either
#    side); nothing dropped.
# 2. roamvpn as a client of an openvpn server with --server-ipv6 and a pushed
#    route-ipv6: roamvpn takes the pushed address (the first of the pool) and
#    route, ping6 both ways (also 1400 bytes), a short iperf3 over IPv6 each
#    way; nothing dropped.

# Under sh (SH_LOG_COMPILER may be /bin/sh), start again under bash.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

source "$(dirname "$0")/lib.sh"

require_tls_env openvpn iperf3
p2p_setup
tls_pki
KEY="$WORK/static.key"
genkey_openvpn "$KEY"
V6=fd00:241

# assert_addr6 NS DEV ADDR/BITS: the device has that address.
assert_addr6() {
	ip -n "${NS[$1]}" -6 -o addr show dev "$2" | grep -q " inet6 $3 " ||
		fail "ns$1: $2 has no address $3: $(ip -n "${NS[$1]}" -6 -o addr show dev "$2")"
	say "  ns$1 $2 has $3"
}

# assert_route6 NS DEV NET/BITS: a route to NET/BITS goes through the device.
assert_route6() {
	ip -n "${NS[$1]}" -6 route show "$3" | grep -q "dev $2" ||
		fail "ns$1: no route $3 through $2: $(ip -n "${NS[$1]}" -6 route show)"
	say "  ns$1 routes $3 through $2"
}

static_key() {
	local s peer
	for s in 1 2; do
		peer=$((3 - s))
		local impl=rv
		(( s == 2 )) && impl=ovpn
		mapfile -t args < <(p2p_args "$s" "$impl" AES-256-CBC SHA256 "$KEY" flags \
			--ifconfig-ipv6 "$V6::$s/64" "$V6::$peer")
		(( s == 1 )) && args+=(--route-ipv6 fd00:300::/64)
		vpn_start "side$s" "$s" "$impl" "${args[@]}"
	done
	vpn_wait_init side1 side2
	assert_addr6 1 vpn0 "$V6::1/64"
	assert_route6 1 vpn0 fd00:300::/64
	ping_ok 1 "$V6::2"
	ping_ok 2 "$V6::1" -s 1400
	ping_ok 1 "$TUN_NET.2"
	wait_log side1 "peer's options string: '.*,proto UDPv4,tun-ipv6,ifconfig "
	assert_log side1 "Local Options String: '.*,proto UDPv4,tun-ipv6,ifconfig "
	[[ $(log_count side1 'inconsistent|WARNING: .*options') == 0 ]] ||
		fail "roamvpn logged an options mismatch: $(grep -E 'inconsistent|WARNING' "$WORK/side1.log")"
	[[ $(log_count side2 'used inconsistently') == 0 ]] ||
		fail "openvpn logged an options mismatch: $(grep 'inconsistently' "$WORK/side2.log")"
	assert_no_drops side1
	vpn_stop side1
	vpn_stop side2
}

client_of_server() {
	local addr
	ovpn_server srv --server-ipv6 fd00:8::/64 --push "route-ipv6 fd00:9::/64" --tls-crypt "$PKI/tc.key"
	tls_client cli rv --tls-crypt "$PKI/tc.key"
	vpn_wait_init cli
	assert_log cli "Received control message: 'PUSH_REPLY,.*ifconfig-ipv6 fd00:8::1000/64 fd00:8::1"
	assert_addr6 2 vpn0 fd00:8::1000/64
	assert_route6 2 vpn0 fd00:9::/64
	ping_ok 2 fd00:8::1
	ping_ok 1 fd00:8::1000
	ping_ok 2 fd00:8::1 -s 1400
	ping_ok 1 fd00:8::1000 -s 1400
	iperf_tcp 2 1 fd00:8::1 2
	iperf_tcp 1 2 fd00:8::1000 2
	addr=$(tun_addr 2)
	ping_ok 1 "$addr"
	assert_no_drops cli
	vpn_stop cli
	assert_no_dev 2 vpn0
	vpn_stop srv
}

run_section "static key with --ifconfig-ipv6 and --route-ipv6, roamvpn <-> openvpn" static_key
run_section "client of an openvpn server with --server-ipv6 and a pushed route-ipv6" client_of_server
