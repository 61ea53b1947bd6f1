#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Throughput of a static-key tunnel: roamvpn <-> roamvpn against
# openvpn <-> openvpn, same setup (two namespaces, a veth, --dev tun, the
# same cipher and HMAC), iperf3 through the tunnel in each direction.
# Then TLS mode: a roamvpn client against an openvpn client, each of an
# openvpn 2.6 server (--server, the sample certificates, tls-crypt, the
# data cipher the server's --data-ciphers picks); with TLS_P2P=1 also a
# point-to-point TLS tunnel (--tls-server/--tls-client), roamvpn on both
# ends against openvpn on both ends.
# Prints figures and the ratio roamvpn/openvpn; it never fails on a timing
# (only when a tunnel does not come up or iperf3 cannot run).
#
# Environment:
#   DURATION=10      seconds per iperf3 run
#   REPEAT=1         runs per figure; the median is shown
#   CONFIGS="AES-256-CBC:SHA256 AES-128-CBC:SHA1"
#   STREAMS=1        parallel TCP streams (iperf3 -P)
#   UDP=0            1: also iperf3 UDP, unlimited rate (-b 0), datagrams of
#   UDP_LEN=1350     UDP_LEN bytes (small enough not to fragment the outer
#                    packets); shows the received rate and the loss
#   TLS_CIPHERS="AES-256-GCM"  data ciphers of the TLS rows ("" for none;
#                    they need openvpn's sample keys, see SAMPLE_KEYS)
#   TLS_P2P=0        1: also the point-to-point TLS rows
#   ROAMVPN, OPENVPN the binaries (as for the tests in tests/net)

# Under sh (SH_LOG_COMPILER may be /bin/sh), start again under bash.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

here=$(dirname "$0")
source "${TOP_SRCDIR:-$here/../..}/tests/net/lib.sh"

DURATION=${DURATION:-10}
REPEAT=${REPEAT:-1}
CONFIGS=${CONFIGS:-"AES-256-CBC:SHA256 AES-128-CBC:SHA1"}
STREAMS=${STREAMS:-1}
UDP=${UDP:-0}
UDP_LEN=${UDP_LEN:-1350}
TLS_CIPHERS=${TLS_CIPHERS-AES-256-GCM}
TLS_P2P=${TLS_P2P:-0}

require_netns_env openvpn iperf3
p2p_setup
KEY="$WORK/static.key"
genkey_openvpn "$KEY"
if [[ -n $TLS_CIPHERS ]]; then
	if [[ -r $SAMPLE_KEYS/ca.key ]]; then
		tls_pki
	else
		say "no openvpn sample keys in $SAMPLE_KEYS: no TLS rows"
		TLS_CIPHERS=""
	fi
fi

declare -A RESULT=()   # "impl|config|test" -> Mbit/s (median)
declare -A LOSS=()     # UDP loss, same keys

median() { # VALUES...
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { m = int((NR + 1) / 2); print v[m] }'
}

# iperf_udp FROM TO ADDR SECS: unlimited-rate UDP; received Mbit/s and loss
# in IPERF_MBPS and IPERF_LOSS.
iperf_udp() {
	local from=$1 to=$2 addr=$3 secs=$4 spid json
	json="$WORK/iperf-udp.json"
	bg "$to" "$WORK/iperf-server.out" iperf3 -s -1 -B "$addr"
	spid=$BG_PID
	for (( i = 0; i < TIMEOUT * 10; i++ )); do
		nsq "$to" ss -Hlnt "sport = :5201" | grep -q LISTEN && break
		sleep 0.1
	done
	pretty "$from" "iperf3 -u -b 0 -l $UDP_LEN -c $addr -t $secs"
	nsq "$from" timeout --kill-after=5 $((secs + 30)) \
		iperf3 -J -u -b 0 -l "$UDP_LEN" -c "$addr" -t "$secs" >"$json" 2>"$WORK/iperf-client.err" ||
		fail "iperf3 -u from ns$from failed: $(tail -n 5 "$WORK/iperf-client.err" "$json")"
	wait "$spid" 2>/dev/null || true
	untrack "$spid"
	read -r IPERF_MBPS IPERF_LOSS < <(python3 - "$json" <<-'EOF'
		import json, sys
		end = json.load(open(sys.argv[1]))["end"]
		r = end.get("sum_received") or end["sum"]
		print("%.1f %.1f" % (r["bits_per_second"] / 1e6, end["sum"].get("lost_percent", 0)))
	EOF
	)
	say "  ns$from -> ns$to: $IPERF_MBPS Mbit/s received, $IPERF_LOSS% lost"
}

# measure IMPL CIPHER AUTH: one tunnel of IMPL on both sides, all its runs.
measure() {
	local impl=$1 cipher=$2 auth=$3 side
	local -a args
	section "$impl <-> $impl, $cipher/$auth"
	for side in 1 2; do
		mapfile -t args < <(p2p_args "$side" "$impl" "$cipher" "$auth" "$KEY" flags --verb 3)
		vpn_start "$impl$side" "$side" "$impl" "${args[@]}"
	done
	vpn_wait_init "${impl}1" "${impl}2"
	measure_runs "$impl" "$cipher/$auth" "$TUN_NET.1" "$TUN_NET.2"
	vpn_stop "${impl}1"
	vpn_stop "${impl}2"
}

# measure_tls IMPL CIPHER: IMPL as the client (ns2) of an openvpn server
# (ns1) with tls-crypt that picks CIPHER; all the runs.
measure_tls() {
	local impl=$1 cipher=$2
	local -a cx
	section "$impl client <-> openvpn server, TLS, $cipher"
	ovpn_server srv --data-ciphers "$cipher" --tls-crypt "$PKI/tc.key"
	mapfile -t cx < <(wrap_args tls-crypt 1)
	tls_client cli "$impl" "${cx[@]}" --data-ciphers "$cipher" --verb 3
	vpn_wait_init cli
	wait_log cli "Data Channel: cipher '$cipher'"
	measure_runs "$impl" "TLS c/s $cipher" "$SRV_NET.1" "$(tun_addr 2)"
	vpn_stop cli
	vpn_stop srv
}

# measure_tls_p2p IMPL CIPHER: a point-to-point TLS tunnel with IMPL on both
# ends (tls-server in ns1, tls-client in ns2, tls-crypt), all the runs.
measure_tls_p2p() {
	local impl=$1 cipher=$2 side role
	local -a args
	section "$impl <-> $impl, point-to-point TLS, $cipher"
	for side in 1 2; do
		role=server
		(( side == 2 )) && role=client
		mapfile -t args < <(tls_p2p_args "$side" "$impl" "$role" tls-crypt \
			--data-ciphers "$cipher" --verb 3)
		vpn_start "$impl$side" "$side" "$impl" "${args[@]}"
	done
	vpn_wait_init "${impl}1" "${impl}2"
	measure_runs "$impl" "TLS p2p $cipher" "$TUN_NET.1" "$TUN_NET.2"
	vpn_stop "${impl}1"
	vpn_stop "${impl}2"
}

# measure_runs IMPL CFG ADDR1 ADDR2: the iperf3 runs through a tunnel whose
# ends are ADDR1 (ns1) and ADDR2 (ns2); results under "IMPL|CFG|test".
measure_runs() {
	local impl=$1 cfg=$2 r dir from to addr
	local -a vals loss ends=("" "$3" "$4")
	ping_ok 1 "$4"
	for dir in 12 21; do
		from=${dir:0:1} to=${dir:1:1} addr=${ends[$to]}
		vals=()
		for (( r = 0; r < REPEAT; r++ )); do
			iperf_tcp "$from" "$to" "$addr" "$DURATION" -P "$STREAMS"
			vals+=("$IPERF_MBPS")
		done
		RESULT["$impl|$cfg|tcp $from->$to"]=$(median "${vals[@]}")
		if (( UDP )); then
			vals=() loss=()
			for (( r = 0; r < REPEAT; r++ )); do
				iperf_udp "$from" "$to" "$addr" "$DURATION"
				vals+=("$IPERF_MBPS")
				loss+=("$IPERF_LOSS")
			done
			RESULT["$impl|$cfg|udp $from->$to"]=$(median "${vals[@]}")
			LOSS["$impl|$cfg|udp $from->$to"]=$(median "${loss[@]}")
		fi
	done
}

ROWS=()   # the configurations, in the order measured
for c in $CONFIGS; do
	measure rv "${c%%:*}" "${c#*:}"
	measure ovpn "${c%%:*}" "${c#*:}"
	ROWS+=("${c%%:*}/${c#*:}")
done
for c in $TLS_CIPHERS; do
	measure_tls rv "$c"
	measure_tls ovpn "$c"
	ROWS+=("TLS c/s $c")
	if (( TLS_P2P )); then
		measure_tls_p2p rv "$c"
		measure_tls_p2p ovpn "$c"
		ROWS+=("TLS p2p $c")
	fi
done

section "results"
say "host: $(nproc) CPUs, Linux $(uname -r); $("$ROAMVPN" --version | head -n 1)"
say "      $("$OPENVPN" --version | head -n 1 | cut -d' ' -f1-2), $(iperf3 --version | head -n 1)"
say "iperf3 ${DURATION} s per run, ${REPEAT} run(s) per figure (median), $STREAMS TCP stream(s);"
say "ns1 -> ns2 means ns1 sends; Mbit/s as received. Static key and TLS p2p: the"
say "implementation on both ends. TLS c/s (tls-crypt): the client in ns2, the"
say "server in ns1 is openvpn in both columns."
say ""
printf '%-24s %-14s %12s %12s %8s\n' config test "roamvpn" "openvpn" "rv/ovpn"
tests="tcp 1->2|tcp 2->1"
(( UDP )) && tests="$tests|udp 1->2|udp 2->1"
IFS='|' read -ra test_list <<<"$tests"
for cfg in "${ROWS[@]}"; do
	for t in "${test_list[@]}"; do
		rv=${RESULT["rv|$cfg|$t"]} ov=${RESULT["ovpn|$cfg|$t"]}
		ratio=$(awk -v a="$rv" -v b="$ov" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
		extra=""
		if [[ $t == udp* ]]; then
			extra="  (loss ${LOSS["rv|$cfg|$t"]}% / ${LOSS["ovpn|$cfg|$t"]}%)"
		fi
		printf '%-24s %-14s %12s %12s %8s%s\n' "$cfg" "$t" "$rv" "$ov" "$ratio" "$extra"
	done
done
