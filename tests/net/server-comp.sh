#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Compression in server mode (--server 10.8.0.0/24 in ns1, clients in ns2).
# openvpn 2.6.14 as a server pushes nothing for its own comp-lzo / compress
# (only what --push lines and client-config-dir files say) and frames every
# client's packets as its own options (or the client's ccd file) say.
#
# 1. For comp-lzo yes (server at asym, the default: decompresses only;
#    client allow-compression yes: sends LZO), comp-lzo no with
#    allow-compression no, comp-lzo adaptive with allow-compression yes,
#    compress (stub), compress stub-v2, compress lzo with the server's
#    allow-compression yes (it sends LZO), and the configs people write (comp-lzo no + push
#    "comp-lzo no", compress stub-v2 + push "compress stub-v2", for a client
#    without compression options): openvpn 2.6 serves the openvpn 2.6
#    client first, then roamvpn with the same options. Both must push the
#    same PUSH_REPLY; with roamvpn, pings both ways (compressible ones of
#    1000 bytes, 1400 bytes), no drops, and its compression counters show
#    LZO where a side compresses (and none where neither does).
# 2. compress migrate: a client whose options string has comp-lzo (comp-lzo
#    no here) is pushed compress stub-v2 (it has IV_COMP_STUBv2),
#    one without compression nothing: the same PUSH_REPLY as openvpn's,
#    pings, no framing on the server.
# 3. Per client: client-config-dir files with comp-lzo no and push
#    "comp-lzo no" on a server without compression: the same PUSH_REPLY as
#    openvpn's, pings; a ccd comp-lzo yes on that server (stub-only by
#    default) refuses the client, as openvpn 2.6 does (AUTH_FAILED).
# 4. Forbidden compression: a comp-lzo no server and a client with comp-lzo
#    yes and allow-compression yes: small pings pass (0xFA), compressible
#    ones (0x66) are dropped and counted as decompress-failed, as openvpn
#    2.6 drops them ("Bad compression stub decompression header byte").
# 5. A roamvpn client of the roamvpn server, comp-lzo yes and
#    allow-compression yes on both: LZO both ways, counters on both.

[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

source "$(dirname "$0")/lib.sh"

require_tls_env openvpn
p2p_setup
tls_pki
CCD=$WORK/ccd
mkdir -p "$CCD"

# rv_traffic: pings both ways through the roamvpn server (compressible ones
# too); the device may have sent something before the keys existed, so
# drops count from a baseline.
rv_traffic() {
	local addr=$1 srv=$2
	drops_baseline "$srv"
	ping_ok 2 "$SRV_NET.1" -s 1000 -p 00
	ping_ok 1 "$addr" -s 1000 -p 00
	ping_ok 2 "$SRV_NET.1" -s 1400
	ping_ok 1 "$addr" -s 1400
	assert_no_new_drops "$srv"
}

# assert_comp NAME COMPRESSES DECOMPRESSES: the last statistics of NAME show
# LZO output (post-compress) and LZO input (pre-decompress) as said (1 = some).
assert_comp() {
	local n
	n=$(stat_get "$1" "post-compress bytes")
	if (( $2 )); then assert_gt "$n" 0 "bytes $1 compressed"; else assert_eq "$n" 0 "bytes $1 compressed"; fi
	n=$(stat_get "$1" "pre-decompress bytes")
	if (( $3 )); then assert_gt "$n" 0 "bytes $1 decompressed"; else assert_eq "$n" 0 "bytes $1 decompressed"; fi
	say "  $1: post-compress $(stat_get "$1" "post-compress bytes") of $(stat_get "$1" "pre-compress bytes"), pre-decompress $n"
}

# traffic IMPL: through the server of IMPL: pings both ways with the
# compression counters (roamvpn), or one ping (openvpn).
traffic() {
	if [[ $1 == rv ]]; then
		rv_traffic "$SRV_NET.2" srv-rv
	else
		ping_ok 2 "$SRV_NET.1" -s 1000 -p 00
	fi
}

# variant "SERVER OPTS" "CLIENT OPTS" FRAMING COMPRESSES DECOMPRESSES [PUSH]:
# PUSH is an option the server pushes (one argument, it has a space).
variant() {
	local impl fr=$3
	local -a so co sargs
	read -r -a so <<<"$1"
	read -r -a co <<<"$2"
	[[ -z ${6:-} ]] || so+=(--push "$6")
	mapfile -t sargs < <(ovpn_server_args "${so[@]}" --verb 4)
	for impl in ovpn rv; do
		vpn_start "srv-$impl" 1 "$impl" "${sargs[@]}"
		vpn_wait_init "srv-$impl"
		tls_client "cli-$impl" ovpn "${co[@]}" --verb 4
		vpn_wait_init "cli-$impl"
		assert_log "cli-$impl" "Data Channel: .*compression: '$fr'"
		[[ $impl != rv ]] || assert_log srv-rv "Compression framing: '$fr'"
		traffic "$impl"
		[[ $impl != rv ]] || assert_comp srv-rv "$4" "$5"
		vpn_stop "cli-$impl"
		vpn_stop "srv-$impl"
	done
	assert_same_push cli-ovpn cli-rv
}

run_section "comp-lzo yes (server asym; client allow-compression yes sends LZO)" variant \
	"--comp-lzo yes" "--comp-lzo yes --allow-compression yes" lzo 0 1
run_section "comp-lzo no, allow-compression no" variant \
	"--comp-lzo no --allow-compression no" "--comp-lzo no" stub 0 0
run_section "comp-lzo adaptive, allow-compression yes (client: comp-lzo, no argument)" variant \
	"--comp-lzo adaptive --allow-compression yes" "--comp-lzo" lzo 1 0
run_section "compress (stub, swap framing)" variant "--compress" "--compress" stub 0 0
run_section "compress stub-v2" variant "--compress stub-v2" "--compress stub-v2" stubv2 0 0
run_section "compress lzo, server allow-compression yes (sends LZO)" variant \
	"--compress lzo --allow-compression yes" "--compress lzo" lzo 1 0
run_section "comp-lzo no + push \"comp-lzo no\", client without options" variant \
	"--comp-lzo no" "" stub 0 0 "comp-lzo no"
run_section "compress stub-v2 + push \"compress stub-v2\", client without options" variant \
	"--compress stub-v2" "" stubv2 0 0 "compress stub-v2"

# compress migrate: clients with comp-lzo in their options string are
# pushed compress stub-v2 (a 2.6 client has IV_COMP_STUBv2); others get
# nothing. The server frames nothing itself.
migrate() {
	local impl copts=$1 fr=$2
	local -a sargs co
	read -r -a co <<<"$copts"
	mapfile -t sargs < <(ovpn_server_args --compress migrate --verb 4)
	for impl in ovpn rv; do
		vpn_start "srv-$impl" 1 "$impl" "${sargs[@]}"
		vpn_wait_init "srv-$impl"
		tls_client "cli-$impl" ovpn "${co[@]}" --verb 4
		vpn_wait_init "cli-$impl"
		if [[ -n $fr ]]; then
			assert_log "cli-$impl" "Data Channel: .*compression: '$fr'"
			assert_log "srv-$impl" "'compress migrate' detected remote peer with compression"
		elif grep -q "Data Channel: .*compression:" "$WORK/cli-$impl.log"; then
			fail "the client without compression options got compression from $impl"
		fi
		traffic "$impl"
		vpn_stop "cli-$impl"
		vpn_stop "srv-$impl"
	done
	assert_same_push cli-ovpn cli-rv
}
run_section "compress migrate, client comp-lzo no: pushed compress stub-v2" migrate \
	"--comp-lzo no" stubv2
run_section "compress migrate, client without compression: nothing pushed" migrate "" ""

# A client-config-dir file gives the client its own framing.
ccd_own() {
	local impl
	local -a sargs
	printf '%s\n' 'comp-lzo no' 'push "comp-lzo no"' >"$CCD/Test-Client"
	mapfile -t sargs < <(ovpn_server_args --client-config-dir "$CCD" --verb 4)
	for impl in ovpn rv; do
		vpn_start "srv-$impl" 1 "$impl" "${sargs[@]}"
		vpn_wait_init "srv-$impl"
		tls_client "cli-$impl" ovpn --verb 4
		vpn_wait_init "cli-$impl"
		assert_log "cli-$impl" "Data Channel: .*compression: 'stub'"
		[[ $impl != rv ]] || assert_log srv-rv "Compression framing: 'stub'"
		traffic "$impl"
		vpn_stop "cli-$impl"
		vpn_stop "srv-$impl"
	done
	assert_same_push cli-ovpn cli-rv

	# Real compression where the server allows only stubs: refused.
	printf '%s\n' 'comp-lzo yes' >"$CCD/Test-Client"
	for impl in ovpn rv; do
		vpn_start "srv-$impl" 1 "$impl" "${sargs[@]}"
		vpn_wait_init "srv-$impl"
		tls_client "cli-$impl" ovpn --comp-lzo yes
		wait_log "cli-$impl" "AUTH_FAILED"
		say "  $impl refused the client whose ccd file says comp-lzo yes"
		# (openvpn exits on AUTH_FAILED without --auth-retry)
		wait_gone "${VPN_PID[cli-$impl]}" "$TIMEOUT" || fail "the client did not exit on AUTH_FAILED"
		vpn_reap "cli-$impl"
		vpn_stop "srv-$impl"
	done
	assert_log srv-ovpn "rejected due to invalid compression options"
	assert_log srv-rv "compression options are not allowed"
	rm -f "$CCD/Test-Client"
}
run_section "client-config-dir: comp-lzo no for one client; comp-lzo yes refused" ccd_own

# A stub server drops what a client sends compressed.
forbidden() {
	local -a sargs
	local n
	mapfile -t sargs < <(ovpn_server_args --comp-lzo no --verb 4)
	vpn_up srv 1 rv "${sargs[@]}"
	tls_client cli ovpn --comp-lzo yes --allow-compression yes
	vpn_wait_init cli
	drops_baseline srv
	ping_ok 2 "$SRV_NET.1"
	pretty 2 "ping -c 2 -i 0.2 -W 1 -s 1000 -p 00 $SRV_NET.1  # must fail"
	if nsq 2 ping -n -q -c 2 -i 0.2 -W 1 -s 1000 -p 00 "$SRV_NET.1" >/dev/null 2>&1; then
		fail "a compressible ping got through the comp-lzo no server"
	fi
	stats_snapshot srv
	n=$(stat_get srv "dropped decompress-failed")
	assert_gt "$n" 0 "compressed packets the comp-lzo no server dropped"
	assert_log srv "decompress-failed: .*framing byte 0x66, stub"
	say "  roamvpn dropped $n compressed packets (decompress-failed)"
	vpn_stop cli
	vpn_stop srv
}
run_section "comp-lzo no server, client sends LZO: dropped and counted" forbidden

rv_rv() {
	local -a sargs
	mapfile -t sargs < <(ovpn_server_args --comp-lzo yes --allow-compression yes --verb 4)
	vpn_up srv 1 rv "${sargs[@]}"
	tls_client cli rv --comp-lzo yes --allow-compression yes
	vpn_wait_init cli
	assert_log cli "Compression framing: 'lzo', compressing sent packets"
	drops_baseline cli
	rv_traffic "$SRV_NET.2" srv
	assert_no_new_drops cli
	assert_comp srv 1 1
	assert_comp cli 1 1
	vpn_stop cli
	vpn_stop srv
}
run_section "roamvpn client <-> roamvpn server, comp-lzo yes, allow-compression yes" rv_rv
