#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# A server under many clients: roamvpn and openvpn 2.6 as the server, the
# same openvpn 2.6 clients against each, in one run. Prints figures; never
# fails on a timing (only when something does not come up).
#
# Layout: the server in ns1; client k (k = 2 .. MAX+1) alone in namespace k,
# joined to ns1 by its own veth pair (192.168.(100+k).1 in ns1). The server:
# --server 10.8.0.0/24, topology subnet, the sample certificates,
# --duplicate-cn (all clients use the sample client certificate), --dh none,
# AES-256-GCM.
#
# For each server (SERVERS, default "rv ovpn"):
#   handshakes/s   MAX clients (default 16) started at once: MAX divided by
#                  the time until the last one completed its start-up
#                  (client CPU counts too: both servers face the same clients)
#   memory/client  (server RSS with MAX idle clients - RSS before any) / MAX
#   throughput     iperf3 TCP for SECS (default 10) from each of 1, 4 and MAX
#                  clients at once to the server (up) and back (down), the
#                  sum in Mbit/s
#
# Environment: SERVERS, MAX, SECS, ROAMVPN, OPENVPN.

# Under sh, start again under bash.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

source "$(dirname "$0")/../net/lib.sh"

SERVERS=${SERVERS:-"rv ovpn"}
MAX=${MAX:-16}
SECS=${SECS:-10}
LAST=$((MAX + 1))

require_tls_env openvpn iperf3
make_ns $(seq 1 "$LAST")
for k in $(seq 2 "$LAST"); do
	link_ns 1 "$k" "192.168.$((100 + k))" >/dev/null
done
tls_pki

declare -A HS=() MEM=() TP=()

rss_kb() { awk '$1 == "VmRSS:" { print $2 }' "/proc/$1/status"; }

server_start() { # IMPL
	vpn_up srv 1 "$1" --dev vpn0 --dev-type tun --port 1194 \
		--server "$SRV_NET.0" 255.255.255.0 --topology subnet --ca "$PKI/ca.crt" \
		--cert "$PKI/server.crt" --key "$PKI/server.key" --dh none --keepalive 10 60 \
		--duplicate-cn --max-clients 64 --data-ciphers AES-256-GCM --verb 3
}

clients_start() {
	local k
	local -a args
	for k in $(seq 2 "$LAST"); do
		mapfile -t args < <(REMOTE="192.168.$((100 + k)).1" tls_client_args ovpn \
			--data-ciphers AES-256-GCM --verb 3)
		vpn_start "c$k" "$k" ovpn "${args[@]}"
	done
}

clients_stop() {
	local k
	for k in $(seq 2 "$LAST"); do
		vpn_stop "c$k"
	done
}

# throughput N DIR: iperf3 from clients 2 .. N+1 at once (DIR up or down);
# prints the sum of the receivers' Mbit/s.
throughput() {
	local n=$1 dir=$2 k sum=0 v rflag=""
	local -a spids=() cpids=()
	[[ $dir == down ]] && rflag=-R
	for k in $(seq 2 $((n + 1))); do
		bg 1 "$WORK/iperf-s$k.out" iperf3 -s -1 -p $((5200 + k)) -B "$SRV_NET.1" >&2
		spids+=("$BG_PID")
	done
	sleep 0.5
	for k in $(seq 2 $((n + 1))); do
		bg "$k" "$WORK/iperf-c$k.json" iperf3 -c "$SRV_NET.1" -p $((5200 + k)) -t "$SECS" \
			--json ${rflag:+"$rflag"} >&2
		cpids+=("$BG_PID")
	done
	for k in "${cpids[@]}" "${spids[@]}"; do
		wait "$k" 2>/dev/null || true
		untrack "$k"
	done
	for k in $(seq 2 $((n + 1))); do
		v=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"] / 1e6)' \
			"$WORK/iperf-c$k.json" 2>/dev/null) || v=0
		sum=$(awk -v a="$sum" -v b="$v" 'BEGIN { printf "%.1f", a + b }')
	done
	printf '%s\n' "$sum"
}

measure() { # IMPL
	local impl=$1 rss0 rss1 t0 t1 k n dir
	section "server $impl, $MAX openvpn clients"
	server_start "$impl"
	sleep 1
	rss0=$(rss_kb "${VPN_PID[srv]}")
	t0=$(date +%s.%N)
	clients_start
	for k in $(seq 2 "$LAST"); do
		vpn_wait_init "c$k"
	done
	t1=$(date +%s.%N)
	HS[$impl]=$(awk -v n="$MAX" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", n / (b - a) }')
	say "  $MAX clients up in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s: ${HS[$impl]} handshakes/s"
	sleep 2
	rss1=$(rss_kb "${VPN_PID[srv]}")
	MEM[$impl]=$(awk -v a="$rss0" -v b="$rss1" -v n="$MAX" 'BEGIN { printf "%.1f", (b - a) / n }')
	say "  server RSS $rss0 kB alone, $rss1 kB with $MAX idle clients: ${MEM[$impl]} kB per client"
	for n in 1 4 "$MAX"; do
		for dir in up down; do
			TP["$impl|$n|$dir"]=$(throughput "$n" "$dir")
			say "  $n client(s), $dir: ${TP["$impl|$n|$dir"]} Mbit/s"
		done
	done
	clients_stop
	vpn_stop srv
}

for s in $SERVERS; do
	measure "$s"
done

section "results"
say "host: $(nproc) CPUs; server in ns1, $MAX openvpn 2.6 clients (one namespace each), AES-256-GCM"
printf '%-8s %14s %16s' server "handshakes/s" "kB/idle client"
for n in 1 4 "$MAX"; do printf ' %11s %11s' "${n}c up" "${n}c down"; done
printf '\n'
for s in $SERVERS; do
	printf '%-8s %14s %16s' "$s" "${HS[$s]:--}" "${MEM[$s]:--}"
	for n in 1 4 "$MAX"; do
		printf ' %11s %11s' "${TP["$s|$n|up"]:--}" "${TP["$s|$n|down"]:--}"
	done
	printf '\n'
done
say "(throughput: Mbit/s, the sum over the clients, iperf3 TCP $SECS s)"
