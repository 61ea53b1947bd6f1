#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Throughput of a static-key tunnel: roamvpn <-> roamvpn against
# openvpn <-> openvpn, same setup (two namespaces, a veth, --dev tun, the
# same cipher and HMAC), iperf3 through the tunnel in each direction.
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

require_netns_env openvpn iperf3
p2p_setup
KEY="$WORK/static.key"
genkey_openvpn "$KEY"

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
	local impl=$1 cipher=$2 auth=$3 cfg="$2/$3" t r dir from to addr
	local -a args vals loss
	section "$impl <-> $impl, $cfg"
	for side in 1 2; do
		mapfile -t args < <(p2p_args "$side" "$impl" "$cipher" "$auth" "$KEY" flags --verb 3)
		vpn_start "$impl$side" "$side" "$impl" "${args[@]}"
	done
	vpn_wait_init "${impl}1" "${impl}2"
	ping_ok 1 "$TUN_NET.2"
	for dir in 12 21; do
		from=${dir:0:1} to=${dir:1:1} addr="$TUN_NET.${dir:1:1}"
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
	vpn_stop "${impl}1"
	vpn_stop "${impl}2"
}

for c in $CONFIGS; do
	measure rv "${c%%:*}" "${c#*:}"
	measure ovpn "${c%%:*}" "${c#*:}"
done

section "results"
say "host: $(nproc) CPUs, Linux $(uname -r); $("$ROAMVPN" --version | head -n 1)"
say "      $("$OPENVPN" --version | head -n 1 | cut -d' ' -f1-2), $(iperf3 --version | head -n 1)"
say "iperf3 ${DURATION} s per run, ${REPEAT} run(s) per figure (median), $STREAMS TCP stream(s);"
say "ns1 -> ns2 means ns1 sends; Mbit/s as received."
say ""
printf '%-20s %-14s %12s %12s %8s\n' config test "roamvpn" "openvpn" "rv/ovpn"
tests="tcp 1->2|tcp 2->1"
(( UDP )) && tests="$tests|udp 1->2|udp 2->1"
IFS='|' read -ra test_list <<<"$tests"
for c in $CONFIGS; do
	cfg="${c%%:*}/${c#*:}"
	for t in "${test_list[@]}"; do
		rv=${RESULT["rv|$cfg|$t"]} ov=${RESULT["ovpn|$cfg|$t"]}
		ratio=$(awk -v a="$rv" -v b="$ov" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
		extra=""
		if [[ $t == udp* ]]; then
			extra="  (loss ${LOSS["rv|$cfg|$t"]}% / ${LOSS["ovpn|$cfg|$t"]}%)"
		fi
		printf '%-20s %-14s %12s %12s %8s%s\n' "$cfg" "$t" "$rv" "$ov" "$ratio" "$extra"
	done
done
