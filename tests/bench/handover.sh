#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Hotspot handover on the testbed (tests/lab/lab.sh): how long traffic from
# the server to a roaming client stops when the client moves to the other
# hotspot, for each pairing of client and server implementations. Prints
# figures; never fails on a timing (only when something does not run).
#
# For each pairing in PAIRS (CLIENT:SERVER, default "ovpn:ovpn rv:ovpn
# ovpn:rv rv:rv", ovpn being Debian's openvpn 2.6 and rv roamvpn; with a
# roamvpn server a roamvpn client uses the mobility extension):
#   1. UDP: the server's side sends PPS datagrams a second (default 1000)
#      through the tunnel to the client, which sends nothing itself; the
#      client changes hotspot HOPS times (default 5), every HOP_EVERY seconds
#      (default 15). The outage of a hop is the longest silence at the
#      receiver from the hop until the next one.
#   2. TCP: an iperf3 download (server -> client) of TCP_SECS (default 20)
#      with a hop after 5 s; the stall is the longest run of 100 ms intervals
#      that carried less than 1% of the median interval.
# The server pushes --keepalive 10 60 (ping every 10 s), as Debian's sample
# server.conf does. PROTO=tcp runs the tunnels over TCP (--proto tcp-server
# and tcp-client) instead of UDP: a roamvpn client then resumes its session
# on a new connection (roamvpn server) or starts a new one at once (openvpn
# server); an openvpn client waits for its connection to fail or for
# --ping-restart (60 s), so its outage is cut by the next hop.
#
# Environment: HOPS, HOP_EVERY, PPS, TCP_SECS, PAIRS, PROTO, LAB_DELAY (ms
# one way between the Internet and the server, default 5), ROAMVPN, OPENVPN,
# RVLAB_WANEM, RVLAB_STREAM.

# Under sh, start again under bash.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

source "$(dirname "$0")/../lab/lab.sh"

HOPS=${HOPS:-5}
HOP_EVERY=${HOP_EVERY:-15}
PPS=${PPS:-1000}
TCP_SECS=${TCP_SECS:-20}
PAIRS=${PAIRS:-"ovpn:ovpn rv:ovpn ovpn:rv rv:rv"}
PROTO=${PROTO:-udp}
case $PROTO in
udp) SRV_PROTO=() CLI_PROTO=() ;;
tcp) SRV_PROTO=(--proto tcp-server) CLI_PROTO=(--proto tcp-client) ;;
*) echo "ERROR: PROTO=$PROTO: not udp or tcp" >&2; exit 99 ;;
esac

require_lab_env openvpn iperf3 openssl
[[ -r $SAMPLE_KEYS/ca.key ]] || skip "no openvpn sample keys in $SAMPLE_KEYS"
lab_setup
tls_pki

declare -A OUT_MIN=() OUT_MED=() OUT_MAX=() OUT_ALL=() STALL=()

server_start() { # IMPL
	vpn_start srv 1 "$1" --dev vpn0 --dev-type tun --local "$LAB_SERVER" --port 1194 \
		"${SRV_PROTO[@]}" --server 10.8.0.0 255.255.255.0 --topology subnet --ca "$PKI/ca.crt" \
		--cert "$PKI/server.crt" --key "$PKI/server.key" --dh none --keepalive 10 60 --verb 3
	vpn_wait_init srv
}

client_start() { # IMPL
	vpn_start cli 2 "$1" --client --dev vpn0 --dev-type tun --nobind --remote "$LAB_SERVER" 1194 \
		"${CLI_PROTO[@]}" --ca "$PKI/ca.crt" --cert "$PKI/client.crt" --key "$PKI/client.key" \
		--remote-cert-tls server --verb 3
	vpn_wait_init cli
}

# The longest silence after each hop time (file of "ms" lines), from the
# receiver's report: prints one outage (ms) per hop.
outages() { # HOPTIMES REPORT
	awk -v every="$HOP_EVERY" '
		FNR == NR { hop[n++] = $1; next }
		$1 == "gap" { gs[m] = $2; gl[m] = $3; m++ }
		$1 == "last" { last = $2 }
		END {
			for (i = 0; i < n; i++) {
				from = hop[i] - 50; to = (i + 1 < n) ? hop[i + 1] : hop[i] + every * 1000
				best = 0
				for (j = 0; j < m; j++)
					if (gs[j] >= from && gs[j] < to && gl[j] > best) best = gl[j]
				printf "%.1f\n", best
			}
		}' "$1" "$2"
}

udp_hops() { # PAIR
	local impl=$1 caddr secs i list
	caddr=$(tun_addr 2)
	[[ -n $caddr ]] || fail "the client has no tunnel address"
	secs=$(( (HOPS + 1) * HOP_EVERY ))
	lab_recv 2 6000 "$((secs + 2))" 5 "$WORK/recv-$impl.out"
	bg 1 "$WORK/send-$impl.out" "$RVLAB_STREAM" send "$caddr" 6000 "$PPS" "$secs"
	: >"$WORK/hops-$impl"
	for (( i = 1; i <= HOPS; i++ )); do
		sleep "$HOP_EVERY"
		lab_now >>"$WORK/hops-$impl"
		lab_hop
	done
	lab_recv_end
	grep -E '^(sent|first)' "$WORK/recv-$impl.out" | sed 's/^/  /'
	list=$(outages "$WORK/hops-$impl" "$WORK/recv-$impl.out" | tr '\n' ' ')
	say "  outage per hop (ms): $list"
	OUT_ALL[$impl]=$list
	read -r OUT_MIN[$impl] OUT_MED[$impl] OUT_MAX[$impl] < <(tr ' ' '\n' <<<"$list" |
		grep . | sort -n | awk '{ v[NR] = $1 } END { printf "%s %s %s\n", v[1], v[int((NR + 1) / 2)], v[NR] }')
}

tcp_stall() { # PAIR
	local impl=$1 spid cpid
	bg 1 "$WORK/iperf-s-$impl.out" iperf3 -s -1 -B 10.8.0.1
	spid=$BG_PID
	sleep 0.5
	bg 2 "$WORK/iperf-$impl.json" iperf3 -c 10.8.0.1 -R -t "$TCP_SECS" -i 0.1 --json
	cpid=$BG_PID
	sleep 5
	lab_hop
	wait "$cpid" || true
	untrack "$cpid"
	wait "$spid" 2>/dev/null || true
	untrack "$spid"
	STALL[$impl]=$(python3 - "$WORK/iperf-$impl.json" <<-'EOF'
		import json, sys, statistics
		try:
		    iv = [i["sum"] for i in json.load(open(sys.argv[1]))["intervals"]]
		except Exception as e:
		    print("-"); sys.exit(0)
		rates = [i["bits_per_second"] for i in iv]
		med = statistics.median(rates) if rates else 0
		best = run = 0.0
		for i in iv:
		    if i["bits_per_second"] < med / 100:
		        run += i["seconds"]; best = max(best, run)
		    else:
		        run = 0.0
		print("%.1f" % best)
	EOF
	)
	say "  TCP download: longest stall ${STALL[$impl]} s"
}

measure() { # CLIENT:SERVER
	local pair=$1 client=${1%%:*} server=${1##*:}
	section "client $client, server $server: $HOPS hops every $HOP_EVERY s, $PPS datagrams/s"
	lab_attach A
	server_start "$server"
	client_start "$client"
	udp_hops "$pair"
	tcp_stall "$pair"
	vpn_stop cli
	vpn_stop srv
}

for p in $PAIRS; do
	measure "$p"
done

section "results"
say "testbed: one-way delay $LAB_DELAY ms between Internet and server; the server pushes ping 10;"
say "tunnels over $PROTO"
say "outage: longest silence of a $PPS/s server->client UDP stream after a hotspot change"
printf '%-10s %-8s %10s %10s %10s %14s   %s\n' client server "min ms" "median ms" "max ms" \
	"TCP stall s" "per hop (ms)"
for p in $PAIRS; do
	printf '%-10s %-8s %10s %10s %10s %14s   %s\n' "${p%%:*}" "${p##*:}" "${OUT_MIN[$p]:--}" \
		"${OUT_MED[$p]:--}" "${OUT_MAX[$p]:--}" "${STALL[$p]:--}" "${OUT_ALL[$p]:-}"
done
