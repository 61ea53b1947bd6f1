#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Compression in static-key mode: roamvpn <-> openvpn 2.6, AES-256-CBC/SHA256.
#
# 1. roamvpn side 1, openvpn side 2, both --comp-lzo yes --allow-compression
#    yes: both send LZO (0x66) packets and decompress the other's.
# 2. openvpn side 1 with --comp-lzo adaptive --allow-compression yes, roamvpn
#    side 2 with --comp-lzo adaptive only (2.6's default then is asym: it
#    decompresses, but sends 0xFA + plain payloads).
# 3. Mismatched framing: openvpn side 2 with --compress (0xFB swap), roamvpn
#    side 1 with --comp-lzo no (expects 0xFA): every packet from openvpn is
#    authenticated, then dropped and counted as decompress-failed; roamvpn
#    keeps running.
#
# Cases 1 and 2: compressible and 1400-byte pings both ways, iperf3 each way,
# roamvpn dropped nothing, and the compression counters of the statistics
# (roamvpn's, and openvpn's on SIGUSR2) show who compressed.

[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

source "$(dirname "$0")/lib.sh"

require_netns_env openvpn iperf3
p2p_setup
IPERF_SECS=${IPERF_SECS_COMP:-2}

# ovpn_stat NAME COUNTER: a counter of openvpn's statistics (SIGUSR2).
ovpn_stat() {
	local name=$1 what=$2 before end
	before=$(log_count "$name" 'END$')
	kill -USR2 "${VPN_PID[$name]}"
	end=$(( $(date +%s) + TIMEOUT ))
	while (( $(log_count "$name" 'END$') <= before )); do
		(( $(date +%s) < end )) || fail "$name printed no statistics"
		sleep 0.1
	done
	grep -o "$what,[0-9]*" "$WORK/$name.log" | tail -n 1 | cut -d, -f2
}

# comp_case TITLE IMPL1 IMPL2 "OPTS1" "OPTS2" RV_COMPRESSES OVPN_COMPRESSES
comp_case() {
	run_section "$1" comp_run "${@:2}"
}

comp_run() {
	local i1=$1 i2=$2 rvside ovside rv_sends=$5 ov_sends=$6 key side impl n
	local -a args o1 o2
	read -r -a o1 <<<"$3"
	read -r -a o2 <<<"$4"
	key="$WORK/static.key"
	genkey_openvpn "$key"
	for side in 1 2; do
		impl=$i1
		if (( side == 2 )); then impl=$i2; fi
		if (( side == 1 )); then
			mapfile -t args < <(p2p_args 1 "$impl" AES-256-CBC SHA256 "$key" flags "${o1[@]}")
		else
			mapfile -t args < <(p2p_args 2 "$impl" AES-256-CBC SHA256 "$key" flags "${o2[@]}")
		fi
		vpn_start "side$side" "$side" "$impl" "${args[@]}"
		[[ $impl == rv ]] && rvside=$side || ovside=$side
	done
	vpn_wait_init side1 side2
	wait_log "side$rvside" "Compression framing: 'lzo'"

	# Zeros compress well: these go out as 0x66 where compression is on.
	ping_ok 1 "$TUN_NET.2" -s 1000 -p 00
	ping_ok 2 "$TUN_NET.1" -s 1000 -p 00
	ping_ok 1 "$TUN_NET.2" -s 1400
	ping_ok 2 "$TUN_NET.1" -s 1400
	iperf_tcp 1 2 "$TUN_NET.2" "$IPERF_SECS"
	iperf_tcp 2 1 "$TUN_NET.1" "$IPERF_SECS"

	assert_no_drops "side$rvside"
	n=$(stat_get "side$rvside" "post-compress bytes")
	if (( rv_sends )); then
		assert_gt "$n" 0 "roamvpn compressed bytes"
	else
		assert_eq "$n" 0 "roamvpn compressed bytes (asym: must not compress)"
	fi
	n=$(stat_get "side$rvside" "pre-decompress bytes")
	if (( ov_sends )); then
		assert_gt "$n" 0 "bytes roamvpn decompressed"
	else
		assert_eq "$n" 0 "bytes roamvpn decompressed"
	fi
	n=$(ovpn_stat "side$ovside" "pre-decompress bytes")
	say "  openvpn decompressed $n bytes"
	if (( rv_sends )); then
		assert_gt "$n" 0 "bytes openvpn decompressed"
	else
		assert_eq "${n:-0}" 0 "bytes openvpn decompressed"
	fi
	for side in 1 2; do
		vpn_stop "side$side"
	done
	return 0
}

comp_case "roamvpn (dir 0) <-> openvpn (dir 1): comp-lzo yes, allow-compression yes on both" \
	rv ovpn "--comp-lzo yes --allow-compression yes" "--comp-lzo yes --allow-compression yes" 1 1
comp_case "openvpn (dir 0, allow yes) <-> roamvpn (dir 1, default asym): comp-lzo adaptive" \
	ovpn rv "--comp-lzo adaptive --allow-compression yes" "--comp-lzo adaptive" 0 1

mismatch_run() {
	local key n
	local -a a b
	key="$WORK/static.key"
	genkey_openvpn "$key"
	mapfile -t a < <(p2p_args 1 rv AES-256-CBC SHA256 "$key" flags --comp-lzo no)
	mapfile -t b < <(p2p_args 2 ovpn AES-256-CBC SHA256 "$key" flags --compress)
	vpn_start side1 1 rv "${a[@]}"
	vpn_start side2 2 ovpn "${b[@]}"
	vpn_wait_init side1
	ping_fails 2 "$TUN_NET.1"
	wait_log side1 "dropped packet from $UNDER.2:1194: decompress-failed"
	assert_alive "${VPN_PID[side1]}" "roamvpn"
	stats_snapshot side1
	n=$(stat_get side1 "dropped decompress-failed")
	assert_gt "$n" 0 "packets roamvpn dropped as decompress-failed"
	say "  roamvpn dropped $n packets with the wrong framing"
	vpn_stop side1
	vpn_stop side2
}
run_section "mismatched framing: roamvpn comp-lzo no, openvpn compress: dropped and counted" \
	mismatch_run
