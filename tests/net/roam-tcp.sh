#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# A roamvpn client of a roamvpn server over TCP (--proto tcp-client /
# tcp-server) on the hotspot testbed (tests/lab/lab.sh): the session moves
# to a new TCP connection, without a handshake.
#
# 1. Three hotspot changes, 3 s apart, while the server's side sends 200
#    datagrams a second and a slow TCP transfer of a known pattern through
#    the tunnel: after each, the client logs one move on a new connection
#    and the server "resumed on a new TCP connection"; the stream's silence
#    is printed and must stay under 1 s; one TLS handshake and one start in
#    all; the client keeps its inner address; the inner TCP transfer
#    arrives byte-exact (SHA-256).
# 2. Attacks from the router (tests/lab/tcpinject.py), each on a TCP
#    connection of its own: a data packet of the client captured on the wire
#    and replayed, a forged one with the client's peer-id, one with the
#    peer-id of no client. The server closes each of these connections and
#    the client's session carries on untouched.
# 3. No route for 8 s, longer than the pushed --ping-restart (6 s), then the
#    other hotspot: no restart; the session is held (--roam-hold) and
#    resumes on a new connection with no handshake (the move logged within
#    5 s, its time printed); pings get through.
# 4. The server restarts: the client's connection ends, its resume reaches a
#    server that does not know the session and closes the connection, and
#    the client starts a new session at once.
# Each part starts its own server and client.

# Under sh (SH_LOG_COMPILER may be /bin/sh), start again under bash.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

source "$(dirname "$0")/../lab/lab.sh"

LABDIR=$(cd "$(dirname "$0")/../lab" && pwd)
require_lab_env openssl python3
[[ -r $SAMPLE_KEYS/ca.key ]] || skip "no openvpn sample keys in $SAMPLE_KEYS"
lab_setup
tls_pki

server_up() {
	vpn_up srv 1 rv --dev vpn0 --dev-type tun --local "$LAB_SERVER" --port 1194 \
		--proto tcp-server --server 10.8.0.0 255.255.255.0 --topology subnet \
		--ca "$PKI/ca.crt" --cert "$PKI/server.crt" --key "$PKI/server.key" --dh none \
		--keepalive 10 60 --verb 4
}

client_up() {
	vpn_up cli 2 rv --client --proto tcp-client --dev vpn0 --dev-type tun --nobind \
		--remote "$LAB_SERVER" 1194 --ca "$PKI/ca.crt" --cert "$PKI/client.crt" \
		--key "$PKI/client.key" --remote-cert-tls server --verb 4
	assert_log cli 'roam: the server speaks the mobility extension'
}

hops() {
	local addr0 size=240000 spid cpid i n1 d1 n2 d2
	lab_attach A
	server_up
	client_up
	addr0=$(tun_addr 2)
	bg 1 "$WORK/send.out" python3 "$LABDIR/pattern.py" send 10.8.0.1 5001 "$size"
	spid=$BG_PID
	for (( i = 0; i < 50; i++ )); do grep -q listening "$WORK/send.out" && break; sleep 0.1; done
	bg 2 "$WORK/recv.out" python3 "$LABDIR/pattern.py" recv 10.8.0.1 5001
	cpid=$BG_PID
	lab_recv 2 6000 13 20 "$WORK/udp.out"
	bg 1 "$WORK/udp-send.out" "$RVLAB_STREAM" send "$addr0" 6000 200 11
	: >"$WORK/hops"
	for (( i = 0; i < 3; i++ )); do
		sleep 3
		lab_now >>"$WORK/hops"
		lab_hop
	done
	lab_recv_end
	lab_check_hops "$WORK/udp.out" "$WORK/hops" 2900
	log_since cli 'roam: moved' 0 | sed -E 's/^[0-9-]+ [0-9:]+ /  client: /'
	log_since srv 'roam: .* moved' 0 | sed -E 's/^[0-9-]+ [0-9:]+ /  server: /'
	assert_eq "$(log_count cli 'roam: moved')" 3 "moves logged by the client"
	assert_eq "$(log_count srv 'moved .*resumed on a new TCP connection')" 3 \
		"sessions resumed on a new connection (server)"
	assert_eq "$(log_count cli 'Control Channel: TLS')" 1 "the client's TLS handshakes"
	assert_eq "$(log_count cli 'Initialization Sequence Completed')" 1 "client starts"
	assert_eq "$(log_count srv 'Peer Connection Initiated')" 1 "sessions on the server"
	assert_eq "$(tun_addr 2)" "$addr0" "the client's inner address"
	wait_gone "$cpid" 60 || fail "the inner TCP transfer did not finish: $(cat "$WORK/recv.out")"
	wait "$cpid" || fail "the TCP receiver failed: $(cat "$WORK/recv.out")"
	untrack "$cpid"
	wait "$spid" || fail "the TCP sender failed: $(cat "$WORK/send.out")"
	untrack "$spid"
	read -r _ n1 d1 < <(tail -n 1 "$WORK/send.out")
	read -r _ n2 d2 < <(tail -n 1 "$WORK/recv.out")
	say "  inner TCP: sent $n1, received $n2 bytes"
	assert_eq "$n2 $d2" "$n1 $d1" "bytes and SHA-256 received over the inner TCP connection"
	ping_ok 2 10.8.0.1
	vpn_stop cli
	vpn_stop srv
}

# attack NAME FILE PATTERN: sends FILE's packet from the router on a new
# connection; the server must close it and log PATTERN; the session lives.
attack() {
	local name=$1 file=$2 pat=$3 mark out
	mark=$(log_mark srv)
	out=$(nsq 3 python3 "$LABDIR/tcpinject.py" send "$LAB_SERVER" 1194 "$file")
	say "  $name: the server's answer: connection $out"
	assert_eq "$out" closed "the attacker's connection ($name)"
	wait_log srv "$pat" 5 "$mark"
	[[ -z $(log_since srv 'Test-Client.*(client removed|Fatal)' "$mark") ]] ||
		fail "$name: the server dropped the client's session"
	[[ -z $(log_since srv 'roam: .* moved' "$mark") ]] || fail "$name moved the session"
	ping_ok 2 10.8.0.1
}

attacks() {
	local dev=veth34 ppid
	lab_attach A
	server_up
	client_up
	# Client traffic to capture.
	bg 2 "$WORK/ping.out" ping -n -i 0.2 -c 25 10.8.0.1
	ppid=$BG_PID
	nsx 3 python3 "$LABDIR/tcpinject.py" capture "$dev" "$LAB_SERVER" 1194 "$WORK/captured" 5 ||
		fail "no data packet of the client seen on $dev"
	wait "$ppid" || true
	untrack "$ppid"
	attack "a captured packet replayed" "$WORK/captured" \
		'did not resume the session of peer-id 0'
	# P_DATA_V2, key id 0, peer-id 0, then 60 bytes that are no packet.
	{ printf '\x48\x00\x00\x00'; head -c 60 /dev/urandom; } >"$WORK/forged"
	attack "a forged packet with the client's peer-id" "$WORK/forged" \
		'did not resume the session of peer-id 0'
	{ printf '\x48\x00\x00\x09'; head -c 60 /dev/urandom; } >"$WORK/nobody"
	attack "a packet with the peer-id of no client" "$WORK/nobody" \
		'its first packet is data of no session it may resume'
	assert_eq "$(log_count srv 'Peer Connection Initiated')" 1 "sessions on the server"
	vpn_stop cli
	vpn_stop srv
}

outage() {
	local mark t
	lab_attach A
	vpn_up srv 1 rv --dev vpn0 --dev-type tun --local "$LAB_SERVER" --port 1194 \
		--proto tcp-server --server 10.8.0.0 255.255.255.0 --topology subnet \
		--ca "$PKI/ca.crt" --cert "$PKI/server.crt" --key "$PKI/server.key" --dh none \
		--ping 2 --ping-restart 60 --push "ping 2" --push "ping-restart 6" --verb 4
	client_up
	mark=$(log_mark cli)
	lab_detach
	say "  no route for 8 s (the pushed ping-restart is 6 s)"
	sleep 8
	assert_alive "${VPN_PID[cli]}" "roamvpn client without a route"
	t=$(lab_now)
	lab_attach B
	wait_log cli 'roam: moved wlan0 192\.168\.10\.2 -> wlan1 192\.168\.20\.2' 5 "$mark"
	say "  resumed within $(lab_ms_since "$t") ms of the route's return (log polled every 0.1 s):"
	log_since cli 'roam: moved' "$mark" | sed -E 's/^[0-9-]+ [0-9:]+ /  client: /'
	assert_log cli 'roam: no route to the peer' "$mark"
	assert_eq "$(log_count cli 'Control Channel: TLS')" 1 "the client's TLS handshakes"
	assert_eq "$(log_count cli 'Initialization Sequence Completed')" 1 "client starts"
	[[ $(log_count cli 'Inactivity timeout|restarting') == 0 ]] || fail "the client restarted"
	assert_log srv 'moved .*resumed on a new TCP connection'
	ping_ok 2 10.8.0.1
	vpn_stop cli
	vpn_stop srv
}

server_restart() {
	local mark t0
	lab_attach B
	server_up
	client_up
	mark=$(log_mark cli)
	vpn_stop srv
	t0=$(lab_now)
	server_up
	wait_log cli 'roam: the server closed the new connection without resuming' 20 "$mark"
	wait_log cli 'Initialization Sequence Completed' 20 "$mark"
	say "  a new session $(lab_ms_since "$t0") ms after the server started again"
	assert_log cli 'roam: the TCP connection on wlan.* was lost' "$mark"
	assert_log srv 'its first packet is data of no session it may resume'
	ping_ok 2 10.8.0.1
	vpn_stop cli
	vpn_stop srv
}

run_section "three hotspot changes, the session resumed on new TCP connections" hops
run_section "attacks on resuming: replayed, forged, unknown peer-id" attacks
run_section "8 s without a route, then the other hotspot" outage
run_section "the server restarts: a new session at once" server_restart
