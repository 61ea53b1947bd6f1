#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Compression in TLS mode: roamvpn as a client (--client) of an openvpn 2.6
# server (--server 10.8.0.0/24, AES-256-GCM) in ns1.
#
# 1. Configured on both sides: comp-lzo yes (the server also
#    --allow-compression yes, so it sends LZO; roamvpn, at 2.6's default
#    asym, decompresses but sends 0xFA), comp-lzo no, compress stub-v2,
#    compress lzo (roamvpn --allow-compression yes: it compresses, openvpn
#    decompresses). Pings (compressible, and 1400 bytes) both ways, iperf3
#    each way, no drops, the compression counters.
# 2. Pushed: the server pushes comp-lzo to a client without compression
#    options. openvpn 2.6 as that client refuses the push (allow-compression
#    defaults to no) and restarts; roamvpn must do the same, also with
#    comp-lzo no configured. With --allow-compression asym, or with compress
#    (stub) configured, the pushed comp-lzo is taken and works; a
#    pushed compress stub-v2 is taken by default. Each taken push: an openvpn
#    2.6 client with the same options comes up too.
# 3. TLS point-to-point, roamvpn --tls-server in ns1 and openvpn
#    --tls-client in ns2, both comp-lzo yes and allow-compression yes: LZO
#    both ways (compressible and 1400-byte pings, roamvpn's counters).
# 4. --mssfix with framing: with the server's clamping off (--mssfix 0), the
#    MSS of a SYN from the client is roamvpn's alone: 1399 with comp-lzo no
#    and 1400 with stub-v2, what openvpn 2.6 logs (mss_fix) for the same.

[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

source "$(dirname "$0")/lib.sh"

require_tls_env openvpn iperf3 tcpdump
p2p_setup
tls_pki
IPERF_SECS=${IPERF_SECS_COMP:-1}

# traffic: pings and iperf3 both ways, roamvpn (cli) dropped nothing.
traffic() {
	local addr
	addr=$(tun_addr 2)
	assert_eq "$addr" "$SRV_NET.2" "pushed address of the client"
	ping_ok 2 "$SRV_NET.1" -s 1000 -p 00
	ping_ok 1 "$addr" -s 1000 -p 00
	ping_ok 2 "$SRV_NET.1" -s 1400
	ping_ok 1 "$addr" -s 1400
	iperf_tcp 2 1 "$SRV_NET.1" "$IPERF_SECS"
	iperf_tcp 1 2 "$addr" "$IPERF_SECS"
	assert_no_drops cli
}

# conf_run "SERVER OPTS" "CLIENT OPTS" ALG RV_COMPRESSES OVPN_COMPRESSES
conf_run() {
	local -a so co
	local n
	read -r -a so <<<"$1"
	read -r -a co <<<"$2"
	ovpn_server srv "${so[@]}"
	tls_client cli rv "${co[@]}"
	vpn_wait_init cli
	assert_log cli "Compression framing: '$3'"
	traffic
	n=$(stat_get cli "post-compress bytes")
	if (( $4 )); then assert_gt "$n" 0 "roamvpn compressed bytes"; else assert_eq "$n" 0 "roamvpn compressed bytes"; fi
	n=$(stat_get cli "pre-decompress bytes")
	if (( $5 )); then assert_gt "$n" 0 "bytes roamvpn decompressed"; else assert_eq "$n" 0 "bytes roamvpn decompressed"; fi
	# (openvpn's server statistics have no compression counters: that the
	# compressible pings, sent as LZO, were answered shows it decompressed.)
	vpn_stop cli
	vpn_stop srv
}

run_section "configured: comp-lzo yes (server allow-compression yes)" conf_run \
	"--comp-lzo yes --allow-compression yes" "--comp-lzo yes" lzo 0 1
run_section "configured: comp-lzo no" conf_run "--comp-lzo no" "--comp-lzo no" stub 0 0
run_section "configured: compress stub-v2" conf_run "--compress stub-v2" "--compress stub-v2" stubv2 0 0
run_section "configured: compress lzo (roamvpn allow-compression yes)" conf_run \
	"--compress lzo" "--compress lzo --allow-compression yes" lzo 1 0

# The server pushes comp-lzo; the client has no compression option, or
# comp-lzo no (which keeps 2.6's stub-only default): openvpn 2.6 refuses the
# push and restarts, and so must roamvpn.
pushed_refused() {
	local impl
	local -a co
	read -r -a co <<<"$1"
	ovpn_server srv --comp-lzo yes --push "comp-lzo yes"
	for impl in ovpn rv; do
		tls_client cli "$impl" "${co[@]}"
		wait_log cli "OPTIONS ERROR: server pushed compression settings that are not allowed"
		wait_log cli "process-push-msg-failed"
		say "  $impl${1:+ with $1} refused the pushed comp-lzo and restarts"
		[[ -z $(tun_addr 2) ]] || fail "$impl configured the device despite the refused push"
		vpn_stop cli
	done
	vpn_stop srv
}
run_section "pushed comp-lzo, client without compression options: openvpn 2.6 and roamvpn refuse" \
	pushed_refused ""
run_section "pushed comp-lzo, client with comp-lzo no: openvpn 2.6 and roamvpn refuse" \
	pushed_refused "--comp-lzo no"

# pushed_taken "CLIENT OPTS" SERVER OPTS...: openvpn 2.6 as that client
# takes the push (comes up); so does roamvpn, and traffic flows.
pushed_taken() {
	local -a co
	read -r -a co <<<"$1"
	ovpn_server srv "${@:2}"
	tls_client ocli ovpn "${co[@]}"
	vpn_wait_init ocli
	vpn_stop ocli
	tls_client cli rv "${co[@]}"
	vpn_wait_init cli
	assert_log cli "Compression framing: '${PUSHED_ALG}'"
	traffic
	vpn_stop cli
	vpn_stop srv
}
PUSHED_ALG=lzo run_section "pushed comp-lzo yes, client --allow-compression asym: taken" \
	pushed_taken "--allow-compression asym" --comp-lzo yes --push "comp-lzo yes"
PUSHED_ALG=lzo run_section "pushed comp-lzo yes, client with compress (stub): taken" \
	pushed_taken "--compress" --comp-lzo yes --push "comp-lzo yes"
PUSHED_ALG=stubv2 run_section "pushed compress stub-v2, client without options: taken" \
	pushed_taken "" --compress stub-v2 --push "compress stub-v2"

p2p_lzo() {
	local -a a b
	local n
	mapfile -t a < <(tls_p2p_args 1 rv server none --comp-lzo yes --allow-compression yes)
	mapfile -t b < <(tls_p2p_args 2 ovpn client none --comp-lzo yes --allow-compression yes)
	vpn_start p1 1 rv "${a[@]}"
	vpn_start p2 2 ovpn "${b[@]}"
	vpn_wait_init p1 p2
	# (what the device sent before the keys existed is dropped: baseline)
	drops_baseline p1
	ping_ok 1 "$TUN_NET.2" -s 1000 -p 00
	ping_ok 2 "$TUN_NET.1" -s 1000 -p 00
	ping_ok 1 "$TUN_NET.2" -s 1400
	ping_ok 2 "$TUN_NET.1" -s 1400
	assert_no_new_drops p1
	n=$(stat_get p1 "post-compress bytes")
	assert_gt "$n" 0 "roamvpn compressed bytes"
	n=$(stat_get p1 "pre-decompress bytes")
	assert_gt "$n" 0 "bytes roamvpn decompressed"
	vpn_stop p1
	vpn_stop p2
}
run_section "TLS p2p: roamvpn tls-server <-> openvpn tls-client, comp-lzo yes, allow yes" p2p_lzo

# syn_mss "OPTS" WANT: the MSS of a TCP SYN from the client to the server,
# clamped by roamvpn only.
syn_mss() {
	local -a o
	local mss
	read -r -a o <<<"$1"
	ovpn_server srv --mssfix 0 "${o[@]}"
	tls_client cli rv "${o[@]}"
	vpn_wait_init cli
	bg 1 "$WORK/syn.txt" tcpdump -nvli vpn0 -c 1 'tcp[tcpflags] & tcp-syn != 0'
	sleep 0.5
	nsq 2 python3 -c 'import socket; socket.create_connection(("'"$SRV_NET.1"'", 9), timeout=1)' \
		2>/dev/null || true
	wait_gone "$BG_PID" 5 || true
	mss=$(grep -o 'mss [0-9]*' "$WORK/syn.txt" | head -n 1 | cut -d' ' -f2)
	assert_eq "$mss" "$2" "MSS roamvpn set with $1"
	say "  SYN MSS $mss with $1"
	vpn_stop cli
	vpn_stop srv
}
run_section "mssfix with comp-lzo no: 1399 (as openvpn)" syn_mss "--comp-lzo no" 1399
run_section "mssfix with compress stub-v2: 1400 (as openvpn)" syn_mss "--compress stub-v2" 1400
