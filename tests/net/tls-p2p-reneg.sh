#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# TLS mode, point to point (--tls-server / --tls-client with --ifconfig), key
# renegotiation under traffic. The end that renegotiates runs --reneg-sec 10,
# the other --reneg-sec 0, so each case knows who starts; for 35 s ns1 pings
# ns2 every 100 ms through the tunnel.
#
#   roamvpn tls-client <-> openvpn tls-server, tls-auth: roamvpn renegotiates
#   roamvpn tls-server <-> openvpn tls-client, tls-crypt: openvpn renegotiates
#   roamvpn tls-client <-> roamvpn tls-server, tls-crypt: the server
#       renegotiates; --reneg-sec 5 for 20 s
#
# Then key ids past 7 (they wrap to 1): --reneg-sec 2 for 20 s, roamvpn
# tls-server renegotiating with an openvpn tls-client; roamvpn logs
# "key id 7 -> 1".
#
# Each: at most one ping lost; each roamvpn logs at least 2 renegotiations,
# started by itself ("reneg-sec") or by its peer ("requested by the peer") as
# the case says, and the data channel for key id 2 at least; no packet
# dropped once the tunnel was up (before, the device's first packets have no
# keys to go out with); a ping still passes at the end.

# Under sh (SH_LOG_COMPILER may be /bin/sh), start again under bash.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

source "$(dirname "$0")/lib.sh"

require_tls_env openvpn
p2p_setup
tls_pki

# reneg_case IMPL1 ROLE1 IMPL2 ROLE2 WRAP STARTER [RENEG SECS]: STARTER (1 or
# 2) is the side with --reneg-sec RENEG (10), pings last SECS (35).
reneg_case() {
	run_section "ns1 $1 tls-$2 <-> ns2 $3 tls-$4, $5, side $6 renegotiates every ${7:-10} s" \
		reneg_run "$@"
}

reneg_run() {
	local impl role wrap=$5 starter=$6 every=${7:-10} secs=${8:-35} side reneg n why
	local -a args
	for side in 1 2; do
		if (( side == 1 )); then impl=$1 role=$2; else impl=$3 role=$4; fi
		reneg=0
		(( side == starter )) && reneg=$every
		mapfile -t args < <(tls_p2p_args "$side" "$impl" "$role" "$wrap" --reneg-sec "$reneg")
		vpn_start "side$side" "$side" "$impl" "${args[@]}"
	done
	vpn_wait_init side1 side2
	# Until its first keys, what the device sends is dropped (no-data-keys):
	# count from here.
	for side in 1 2; do
		if [[ ${VPN_IMPL[side$side]} == rv ]]; then drops_baseline "side$side"; fi
	done
	ping_ok 1 "$TUN_NET.2"

	ping_run 1 "$TUN_NET.2" $((secs * 10)) 0.1
	(( PING_SENT - PING_RECV <= 1 )) ||
		fail "lost $((PING_SENT - PING_RECV)) of $PING_SENT pings across the renegotiations (at most 1 allowed)"
	say "  lost $((PING_SENT - PING_RECV)) of $PING_SENT"

	for side in 1 2; do
		[[ ${VPN_IMPL[side$side]} == rv ]] || continue
		why='requested by the peer'
		(( side == starter )) && why='reneg-sec'
		n=$(log_count "side$side" "renegotiating keys: key id [0-9]+ -> [0-9]+ \\($why")
		grep -E 'renegotiating keys' "$WORK/side$side.log" | sed 's/^/  side'"$side"': /'
		(( n >= 2 )) || fail "side$side logged $n renegotiations ($why), expected at least 2"
		n=$(log_count "side$side" 'renegotiating keys')
		(( n >= 2 )) || fail "side$side logged $n renegotiations in all"
		assert_log "side$side" "Data Channel: cipher '[^']+'.*, key id [2-7], keys from the TLS (exporter|PRF)"
		if (( secs / every >= 9 )); then
			assert_log "side$side" 'renegotiating keys: key id 7 -> 1 '
			sed -n '/renegotiating keys: key id 7 -> 1 /,$p' "$WORK/side$side.log" |
				grep -qE "Data Channel: cipher '[^']+'.*, key id 1, " ||
				fail "side$side: no data channel for key id 1 after the wrap"
			say "  side$side: key ids wrapped from 7 to 1"
		fi
		assert_no_new_drops "side$side"
	done
	# openvpn logs a soft reset when it starts one (--verb 3).
	if [[ ${VPN_IMPL[side$starter]} == ovpn ]]; then
		n=$(log_count "side$starter" 'TLS: soft reset')
		(( n >= 2 )) || fail "openvpn (side$starter) logged $n soft resets, expected at least 2"
		say "  openvpn (side$starter) started $n soft resets"
	fi
	ping_ok 1 "$TUN_NET.2"
	ping_ok 2 "$TUN_NET.1"
	vpn_stop side1
	vpn_stop side2
}

reneg_case rv client ovpn server tls-auth 1
reneg_case rv server ovpn client tls-crypt 2
reneg_case rv client rv server tls-crypt 2 5 20
reneg_case rv server ovpn client none 1 2 20
