#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# A server with many clients: roamvpn against openvpn 2.6 as the server, the
# same openvpn 2.6 clients (one namespace each, joined to the server's by its
# own veth; --server 10.8.0.0/24, topology subnet, AES-256-GCM, the sample
# certificates with --duplicate-cn). For each server it prints
#   handshakes/s   CLIENTS clients started at once, until all are up
#   kB per client  the server's VmRSS growth with CLIENTS idle clients
#   Mbit/s         iperf3 TCP from 1, 4 and 16 clients at once to the server
#                  (sum of the receivers' rates)
# It never fails on a figure (only when a tunnel does not come up).
#
# Environment: CLIENTS=16, DURATION=5 (seconds per iperf3 run),
# SIZES="1 4 16" (client counts of the throughput rows, at most CLIENTS).

# Under sh (SH_LOG_COMPILER may be /bin/sh), start again under bash.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

here=$(dirname "$0")
source "${TOP_SRCDIR:-$here/../..}/tests/net/lib.sh"

CLIENTS=${CLIENTS:-16}
DURATION=${DURATION:-5}
SIZES=${SIZES:-"1 4 16"}
LAST=$((CLIENTS + 1))

require_tls_env openvpn iperf3
make_ns $(seq 1 "$LAST")
for k in $(seq 2 "$LAST"); do link_ns 1 "$k" "192.168.$((100 + k))" >/dev/null; done
tls_pki

declare -A R=()

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
now_ms() { date +%s%3N; }

# throughput N: iperf3 from clients 2..N+1 at once; prints the sum in Mbit/s.
throughput() {
	local n=$1 k pids=() total=0 v
	for k in $(seq 2 $((n + 1))); do
		bg 1 "$WORK/iperf-s$k.out" iperf3 -s -1 -B "$SRV_NET.1" -p $((5200 + k)) >&2
	done
	sleep 0.5
	for k in $(seq 2 $((n + 1))); do
		nsq "$k" iperf3 -J -c "$SRV_NET.1" -p $((5200 + k)) -t "$DURATION" \
			>"$WORK/iperf-c$k.json" 2>/dev/null &
		pids+=($!)
	done
	wait "${pids[@]}" || true
	for k in $(seq 2 $((n + 1))); do
		v=$(python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["end"]; print(e["sum_received"]["bits_per_second"]/1e6)' \
			"$WORK/iperf-c$k.json" 2>/dev/null || echo 0)
		total=$(awk -v a="$total" -v b="$v" 'BEGIN { print a + b }')
	done
	printf '%.0f' "$total"
}

run_impl() {
	local impl=$1 k t0 t1 rss0 rss1 n
	local -a args
	vpn_up server 1 "$impl" --dev vpn0 --dev-type tun --port 1194 \
		--server "$SRV_NET.0" 255.255.255.0 --topology subnet --ca "$PKI/ca.crt" \
		--cert "$PKI/server.crt" --key "$PKI/server.key" --dh none --keepalive 10 60 \
		--duplicate-cn --max-clients 100 --verb 1
	sleep 0.5
	rss0=$(rss_kb "${VPN_PID[server]}")
	t0=$(now_ms)
	for k in $(seq 2 "$LAST"); do
		mapfile -t args < <(REMOTE="192.168.$((100 + k)).1" tls_client_args ovpn --verb 1)
		vpn_start "c$k" "$k" ovpn "${args[@]}"
	done
	for k in $(seq 2 "$LAST"); do wait_log "c$k" 'Initialization Sequence Completed' 60; done
	t1=$(now_ms)
	sleep 1
	rss1=$(rss_kb "${VPN_PID[server]}")
	R[$impl,hs]=$(awk -v n="$CLIENTS" -v ms=$((t1 - t0)) 'BEGIN { printf "%.1f", n * 1000 / ms }')
	R[$impl,mem]=$(( (rss1 - rss0) / CLIENTS ))
	for n in $SIZES; do
		(( n <= CLIENTS )) || continue
		R[$impl,tp$n]=$(throughput "$n")
	done
	for k in $(seq 2 "$LAST"); do vpn_stop "c$k" KILL; done
	vpn_stop server
}

for impl in rv ovpn; do
	section "server: $impl"
	run_impl "$impl"
done

section "results ($CLIENTS clients, iperf3 ${DURATION} s)"
printf '%-26s %12s %12s\n' "" roamvpn openvpn
printf '%-26s %12s %12s\n' "handshakes/s" "${R[rv,hs]}" "${R[ovpn,hs]}"
printf '%-26s %12s %12s\n' "kB per idle client" "${R[rv,mem]}" "${R[ovpn,mem]}"
for n in $SIZES; do
	(( n <= CLIENTS )) || continue
	printf '%-26s %12s %12s\n' "Mbit/s, $n client(s)" "${R[rv,tp$n]}" "${R[ovpn,tp$n]}"
done
