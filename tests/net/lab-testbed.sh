#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The hotspot testbed itself (tests/lab/lab.sh), before anything is measured
# on it:
#   - on hotspot A the client reaches the server, the round trip is at least
#     twice the emulated one-way delay, and the server sees the hotspot's
#     public address (NAT);
#   - on hotspot B likewise, with B's public address;
#   - detached, the client has no route to the server;
#   - rvlab-stream: 1000 datagrams a second for 2 s from the client arrive
#     complete and in order with no silence over 250 ms (a generous bound:
#     the build host may be busy).

# Under sh (SH_LOG_COMPILER may be /bin/sh), start again under bash.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

LAB_DELAY=${LAB_DELAY:-10}
source "$(dirname "$0")/../lab/lab.sh"

require_lab_env
lab_setup

# seen_from HOTSPOT_PUBLIC: a datagram from the client reaches the server from
# that address.
seen_from() {
	local want=$1 got
	bg 1 "$WORK/udp.out" timeout 5 python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 5000))
print("ready", flush=True)
data, addr = s.recvfrom(64)
print(addr[0], flush=True)'
	local pid=$BG_PID i
	for (( i = 0; i < 50; i++ )); do
		grep -q ready "$WORK/udp.out" && break
		sleep 0.1
	done
	nsq 2 bash -c "printf x >/dev/udp/$LAB_SERVER/5000"
	wait "$pid" || true
	untrack "$pid"
	got=$(sed -n 2p "$WORK/udp.out")
	assert_eq "$got" "$want" "source address the server sees"
	say "  the server sees the client as $got"
}

rtt_ok() {
	local out avg
	out=$(nsq 2 ping -n -q -c 5 -i 0.2 -W 2 "$LAB_SERVER" 2>&1) || { say "$out"; fail "no ping to the server"; }
	avg=$(sed -nE 's|.*= [0-9.]+/([0-9.]+)/.*|\1|p' <<<"$out")
	say "  round trip $avg ms (one-way delay $LAB_DELAY ms)"
	awk -v a="$avg" -v d="$LAB_DELAY" 'BEGIN { exit !(a >= 2 * d * 0.9) }' ||
		fail "round trip $avg ms is shorter than twice the delay $LAB_DELAY ms"
}

hotspots() {
	lab_attach A
	rtt_ok
	seen_from 198.18.1.4
	lab_hop
	assert_eq "$LAB_HOTSPOT" B "hotspot after a hop"
	rtt_ok
	seen_from 198.18.2.5
	lab_detach
	ping_fails 2 "$LAB_SERVER"
}

stream() {
	local sent
	lab_attach A
	lab_recv 1 5001 4 250 "$WORK/recv.out"
	nsx 2 "$RVLAB_STREAM" send "$LAB_SERVER" 5001 1000 2
	lab_recv_end
	sed 's/^/  /' "$WORK/recv.out"
	read -r _ sent _ recv _ lost _ reord _ < <(grep '^sent' "$WORK/recv.out")
	assert_eq "$sent" 2000 "highest sequence number + 1"
	assert_eq "$lost" 0 "datagrams lost"
	assert_eq "$reord" 0 "datagrams out of order"
	[[ $(grep -c '^gap' "$WORK/recv.out") == 0 ]] || fail "silences over 250 ms in a steady stream"
}

run_section "hotspots, NAT, delay" hotspots
run_section "rvlab-stream through the testbed" stream
