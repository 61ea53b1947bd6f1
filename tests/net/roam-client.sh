#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# A roaming roamvpn client of an openvpn 2.6 server on the hotspot testbed
# (tests/lab/lab.sh). The server side sends 1000 datagrams a second through
# the tunnel to the client, which sends nothing itself.
#
# 1. Five hotspot changes, 2 s apart, the client renegotiating its keys every
#    4 s meanwhile: after each, roamvpn logs one move
#    ("roam: moved ... the peer answered N ms after the change") and the
#    stream's silence is under 1 s (the figures are printed; with openvpn 2.6
#    as the client it lasts until the client's next keepalive, up to 10 s:
#    tests/bench/handover.sh measures both).
# 2. No route at all for 8 s, longer than the pushed --ping-restart (6 s):
#    roamvpn keeps the session (no restart, no second TLS handshake); back on
#    the other hotspot, the stream resumes within 1 s.
# 3. Over TCP (openvpn --proto tcp-server): a hotspot change makes roamvpn
#    open a new connection at once ("reconnecting"), without waiting for the
#    server's keepalive; the tunnel works again.

# Under sh (SH_LOG_COMPILER may be /bin/sh), start again under bash.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

source "$(dirname "$0")/../lab/lab.sh"

require_lab_env openvpn openssl
[[ -r $SAMPLE_KEYS/ca.key ]] || skip "no openvpn sample keys in $SAMPLE_KEYS"
lab_setup
tls_pki

up() { # [CLIENT ARGS...]
	lab_attach A
	vpn_up srv 1 ovpn --dev vpn0 --dev-type tun --local "$LAB_SERVER" --port 1194 \
		--server 10.8.0.0 255.255.255.0 --topology subnet --ca "$PKI/ca.crt" \
		--cert "$PKI/server.crt" --key "$PKI/server.key" --dh none --keepalive 2 6 --verb 3
	vpn_up cli 2 rv --client --dev vpn0 --dev-type tun --nobind --remote "$LAB_SERVER" 1194 \
		--ca "$PKI/ca.crt" --cert "$PKI/client.crt" --key "$PKI/client.key" \
		--remote-cert-tls server --verb 4 "$@"
	assert_log cli 'roam: watching the path to the peer: wlan0 192.168.10.2'
}

# stream_start SECS: the stream to the client for SECS; receiver in ns2.
stream_start() {
	lab_recv 2 6000 "$(( $1 + 2 ))" 5 "$WORK/recv.out"
	bg 1 "$WORK/send.out" "$RVLAB_STREAM" send "$(tun_addr 2)" 6000 1000 "$1"
}

stream_end() {
	lab_recv_end
	grep -E '^(sent|gap)' "$WORK/recv.out" | sed 's/^/  /'
}

hops() {
	local i
	up --reneg-sec 4
	: >"$WORK/hops"
	stream_start 13
	for (( i = 0; i < 5; i++ )); do
		sleep 2
		lab_now >>"$WORK/hops"
		lab_hop
	done
	stream_end
	lab_check_hops "$WORK/recv.out" "$WORK/hops" 1900
	log_since cli 'roam: moved' 0 | sed -E 's/^[0-9-]+ [0-9:]+ /  roamvpn: /'
	assert_eq "$(log_count cli 'roam: moved')" 5 "moves logged by roamvpn"
	# Moves need no handshake; the renegotiations (--reneg-sec 4) go on.
	assert_eq "$(log_count cli 'Initialization Sequence Completed')" 1 "client restarts (none)"
	(( $(log_count cli 'renegotiating keys') >= 2 )) ||
		fail "$(log_count cli 'renegotiating keys') renegotiations in 13 s with --reneg-sec 4"
	say "  $(log_count cli 'renegotiating keys') renegotiations between the moves"
	ping_ok 2 10.8.0.1
	vpn_stop cli
	vpn_stop srv
}

outage() {
	local t g
	up
	stream_start 14
	sleep 2
	lab_detach
	say "  no route for 8 s (the pushed ping-restart is 6 s)"
	sleep 8
	assert_alive "${VPN_PID[cli]}" "roamvpn without a route"
	t=$(lab_now)
	lab_attach B
	sleep 3
	stream_end
	g=$(awk -v t="$t" '$1 == "gap" && $2 + $3 > t { print $2 + $3 - t; exit }' "$WORK/recv.out")
	say "  the stream resumed ${g:-?} ms after the route came back"
	[[ -n $g ]] || fail "no resumption of the stream found"
	awk -v g="$g" 'BEGIN { exit !(g < 1000) }' || fail "the stream resumed only after $g ms"
	assert_log cli 'roam: no route to the peer'
	assert_log cli 'roam: moved wlan0 192.168.10.2 -> wlan1 192.168.20.2'
	[[ $(log_count cli 'Inactivity timeout') == 0 ]] || fail "roamvpn restarted on ping-restart"
	assert_eq "$(log_count cli 'Control Channel: TLS')" 1 "TLS handshakes"
	vpn_stop cli
	vpn_stop srv
}

tcp_hop() {
	local t0 mark
	lab_attach A
	vpn_up srv 1 ovpn --dev vpn0 --dev-type tun --local "$LAB_SERVER" --port 1194 \
		--proto tcp-server --server 10.8.0.0 255.255.255.0 --topology subnet \
		--ca "$PKI/ca.crt" --cert "$PKI/server.crt" --key "$PKI/server.key" --dh none \
		--keepalive 10 60 --verb 3
	vpn_up cli 2 rv --client --proto tcp-client --dev vpn0 --dev-type tun \
		--remote "$LAB_SERVER" 1194 --ca "$PKI/ca.crt" --cert "$PKI/client.crt" \
		--key "$PKI/client.key" --remote-cert-tls server --persist-tun --verb 4
	ping_ok 2 10.8.0.1
	mark=$(log_mark cli)
	t0=$(lab_now)
	lab_hop
	wait_log cli 'roam: path to the peer now wlan1 192.168.20.2 .*: reconnecting' 5 "$mark"
	wait_log cli 'Initialization Sequence Completed' 15 "$mark"
	say "  connected again $(lab_ms_since "$t0") ms after the hotspot change (the server's ping is 10 s)"
	ping_ok 2 10.8.0.1
	vpn_stop cli
	vpn_stop srv
}

run_section "five hotspot changes, roamvpn client, openvpn 2.6 server" hops
run_section "8 s without a route, then the other hotspot" outage
run_section "TCP: a hotspot change starts a new connection at once" tcp_hop
