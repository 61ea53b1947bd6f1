#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# A long outage on the hotspot testbed (tests/lab/lab.sh): a roamvpn client
# of a roamvpn server (mobility extension) loses every route for
# OUTAGE_SECS seconds (default 30 in check.sh; OUTAGE_SECS=300 is the
# acceptance run of five minutes), much longer than the pushed ping-restart
# (6 s), then comes back through the other hotspot.
#
# While it is away an inner TCP connection (server side to client, 400 kB
# of a known pseudo-random pattern written at 16 kB/s, so most of it after
# the outage) waits in its retransmissions, and a 100/s UDP stream is lost.
# Afterwards:
# - the UDP stream through the tunnel resumes within 1 s of the new route;
# - the client kept its inner address and made no TLS handshake and no
#   restart (its log);
# - the server still has the session (its own --ping-restart is set longer
#   than the outage here: a server cannot tell an outage from a client gone);
# - the TCP connection completes, and the bytes received are exactly the
#   bytes sent (SHA-256).

# Under sh (SH_LOG_COMPILER may be /bin/sh), start again under bash.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

source "$(dirname "$0")/../lab/lab.sh"

OUTAGE_SECS=${OUTAGE_SECS:-30}
require_lab_env openssl python3
[[ -r $SAMPLE_KEYS/ca.key ]] || skip "no openvpn sample keys in $SAMPLE_KEYS"
lab_setup
tls_pki

# The TCP pair: the server side writes a seeded pattern slowly and prints
# its digest; the client side reads to the end and prints its.
PATTERN=$(cd "$(dirname "$0")/../lab" && pwd)/pattern.py

outage() {
	local size=400000 t g spid cpid i addr0 n1 d1 n2 d2
	lab_attach A
	vpn_up srv 1 rv --dev vpn0 --dev-type tun --local "$LAB_SERVER" --port 1194 \
		--server 10.8.0.0 255.255.255.0 --topology subnet --ca "$PKI/ca.crt" \
		--cert "$PKI/server.crt" --key "$PKI/server.key" --dh none \
		--ping 2 --ping-restart "$(( OUTAGE_SECS + 60 ))" --push "ping 2" --push "ping-restart 6" \
		--verb 3
	vpn_up cli 2 rv --client --dev vpn0 --dev-type tun --nobind --remote "$LAB_SERVER" 1194 \
		--ca "$PKI/ca.crt" --cert "$PKI/client.crt" --key "$PKI/client.key" \
		--remote-cert-tls server --verb 3
	assert_log cli 'roam: the server speaks the mobility extension'
	addr0=$(tun_addr 2 vpn0)
	bg 1 "$WORK/send.out" python3 "$PATTERN" send 10.8.0.1 5001 "$size"
	spid=$BG_PID
	for (( i = 0; i < 50; i++ )); do grep -q listening "$WORK/send.out" && break; sleep 0.1; done
	bg 2 "$WORK/recv.out" python3 "$PATTERN" recv 10.8.0.1 5001
	cpid=$BG_PID
	lab_recv 2 6000 "$(( OUTAGE_SECS + 12 ))" 20 "$WORK/udp.out"
	bg 1 "$WORK/udp-send.out" "$RVLAB_STREAM" send "$addr0" 6000 100 "$(( OUTAGE_SECS + 10 ))"
	sleep 3
	lab_detach
	say "  no route for $OUTAGE_SECS s (pushed ping-restart 6 s)"
	sleep "$OUTAGE_SECS"
	assert_alive "${VPN_PID[cli]}" "roamvpn client without a route"
	t=$(lab_now)
	lab_attach B
	lab_recv_end
	g=$(awk -v t="$t" '$1 == "gap" && $2 + $3 > t { print $2 + $3 - t; exit }' "$WORK/udp.out")
	say "  the UDP stream resumed ${g:-?} ms after the route came back"
	[[ -n $g ]] || fail "the stream did not resume: $(tail -n 3 "$WORK/udp.out")"
	awk -v g="$g" 'BEGIN { exit !(g < 1000) }' || fail "the stream resumed only after $g ms"
	assert_log cli 'roam: moved wlan0 192.168.10.2 -> wlan1 192.168.20.2'
	assert_eq "$(tun_addr 2 vpn0)" "$addr0" "the client's inner address"
	assert_eq "$(log_count cli 'Control Channel: TLS')" 1 "the client's TLS handshakes"
	assert_eq "$(log_count cli 'Initialization Sequence Completed')" 1 "client starts"
	[[ $(log_count cli 'Inactivity timeout|SIGUSR1') == 0 ]] || fail "the client restarted"
	[[ $(log_count srv 'client removed') == 0 ]] || fail "the server removed the client"
	# TCP: its retransmission timer backs off during the outage (up to
	# two minutes); give it time to notice the path is back.
	wait_gone "$cpid" 200 || fail "the inner TCP transfer did not finish: $(cat "$WORK/recv.out")"
	wait "$cpid" || fail "the TCP receiver failed: $(cat "$WORK/recv.out")"
	untrack "$cpid"
	wait "$spid" || fail "the TCP sender failed: $(cat "$WORK/send.out")"
	untrack "$spid"
	say "  TCP: $(cat "$WORK/send.out" | tail -n 1)"
	say "  TCP: $(cat "$WORK/recv.out")"
	read -r _ n1 d1 < <(tail -n 1 "$WORK/send.out")
	read -r _ n2 d2 < <(tail -n 1 "$WORK/recv.out")
	assert_eq "$n2 $d2" "$n1 $d1" "bytes and SHA-256 received over the inner TCP connection"
	vpn_stop cli
	vpn_stop srv
}

run_section "$OUTAGE_SECS s without a route, then the other hotspot" outage
