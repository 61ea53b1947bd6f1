#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Transport and device variants against openvpn 2.6, pings only:
#  - IPv6 underlay, --proto udp6, roamvpn in each role;
#  - a roamvpn listener with neither --remote nor --proto (one dual-stack
#    socket) reached by openvpn over IPv6, then over IPv4;
#  - TAP devices (--dev-type tap, --ifconfig ADDR NETMASK) over IPv4.

[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

source "$(dirname "$0")/lib.sh"

require_netns_env openvpn
p2p_setup
V6=fd00:2410
ip1 addr add "$V6::1/64" dev veth12 nodad
ip2 addr add "$V6::2/64" dev veth21 nodad
genkey_openvpn "$WORK/static.key"

# side SIDE IMPL PEERADDR EXTRA...: one end of a tun tunnel 10.241.x.
side() {
	local s=$1 impl=$2 peer=$3 dir=$(( $1 - 1 ))
	shift 3
	vpn_start "side$s" "$s" "$impl" --dev vpn0 --dev-type tun \
		--ifconfig "$TUN_NET.$s" "$TUN_NET.$((3 - s))" ${peer:+--remote "$peer"} \
		--secret "$WORK/static.key" "$dir" --cipher AES-256-CBC --auth SHA256 --verb 4 "$@"
}

pings() {
	vpn_wait_init side1 side2
	ping_ok 1 "$TUN_NET.2"
	ping_ok 2 "$TUN_NET.1" -s 1400
	for s in 1 2; do
		[[ ${VPN_IMPL[side$s]} == rv ]] && assert_no_drops "side$s"
	done
	vpn_stop side1
	vpn_stop side2
}

udp6_case() { # IMPL1 IMPL2
	side 1 "$1" "$V6::2" --proto udp6
	side 2 "$2" "$V6::1" --proto udp6
	pings
	return 0
}

listener_case() { # FAMILY: roamvpn in ns2 listens with no --remote
	local addr=$UNDER.2 from="$UNDER.1:"
	if [[ $1 == 6 ]]; then
		addr=$V6::2
		from="\\[$V6::1\\]:"
	fi
	side 2 rv ""
	side 1 ovpn "$addr"
	vpn_wait_init side1 side2
	ping_ok 1 "$TUN_NET.2"
	wait_log side2 "Peer Connection Initiated with $from"
	ping_ok 2 "$TUN_NET.1"
	vpn_stop side1
	vpn_stop side2
}

tap_case() { # IMPL1 IMPL2
	local s
	for s in 1 2; do
		local impl=$1
		(( s == 2 )) && impl=$2
		vpn_start "side$s" "$s" "$impl" --dev vpn0 --dev-type tap \
			--ifconfig "10.242.0.$s" 255.255.255.0 --remote "$UNDER.$((3 - s))" \
			--secret "$WORK/static.key" "$((s - 1))" --cipher AES-128-CBC --auth SHA1 \
			--verb 4
	done
	vpn_wait_init side1 side2
	ping_ok 1 10.242.0.2
	ping_ok 2 10.242.0.1 -s 1400
	for s in 1 2; do
		[[ ${VPN_IMPL[side$s]} == rv ]] && assert_no_drops "side$s"
	done
	vpn_stop side1
	vpn_stop side2
}

run_section "udp6: roamvpn <-> openvpn" udp6_case rv ovpn
run_section "udp6: openvpn <-> roamvpn" udp6_case ovpn rv
run_section "dual-stack roamvpn listener, openvpn over IPv6" listener_case 6
run_section "dual-stack roamvpn listener, openvpn over IPv4" listener_case 4
run_section "tap: roamvpn <-> openvpn" tap_case rv ovpn
run_section "tap: openvpn <-> roamvpn" tap_case ovpn rv
