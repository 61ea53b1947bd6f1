#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# roamvpn as the server of roaming clients, on the hotspot testbed
# (tests/lab/lab.sh). The server's side sends 1000 datagrams a second
# through the tunnel to the client.
#
# 1. roamvpn client and server: the mobility extension is negotiated
#    (IV_ROAM=1, "roam-extension 1" pushed). 20 hotspot changes, 0.7 s apart,
#    the client renegotiating its keys every 4 s meanwhile: every silence of
#    the stream is printed and must stay under 1 s (tests/bench/handover.sh
#    measures them); the server validates each new address ("validated in N
#    ms", 20 lines), its status file counts 20 validated moves, the client
#    made one TLS handshake plus its renegotiations and no restart.
# 2. NAT rebinding: the hotspot's NAT forgets its mappings and picks random
#    ports; the client's next packet (it now pings every 0.1 s) comes from a new
#    port and the server follows it after validating it; the stream resumes.
# 3. Attacks by an on-path attacker in the router (tests/lab/inject.c),
#    while the client keeps pinging:
#    a. a captured packet replayed from another address: refused (replay),
#       nothing sent there, no move;
#    b. a packet the attacker kept from the server (never seen there),
#       injected from the client's old address after it moved: not newer
#       than what the server saw, so no move;
#    c. a packet the attacker kept from the server, raced from a spoofed
#       address: the server moves there but only as a candidate; it sends it
#       at most 3x the bytes it received from it, and the client's next packet
#       takes the session back at once;
#    d. forged probes with the client's peer-id, from a spoofed address and
#       from the client's own: dropped (authentication), no move.
#    The stream's silence around each attack stays under 1 s.
# 4. An openvpn 2.6 client of the roamvpn server (no extension): after a
#    hotspot change its next packet floats it ("float: a client without the
#    mobility extension"), as with an openvpn server.
# 5. A roamvpn client whose socket is bound to its hotspot address (--local):
#    after a hotspot change that address is gone, and the client moves its
#    socket to the same port on any address before probing; the move
#    completes.

# Under sh (SH_LOG_COMPILER may be /bin/sh), start again under bash.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

source "$(dirname "$0")/../lab/lab.sh"

RVLAB_INJECT=${RVLAB_INJECT:-$(dirname "$RVLAB_STREAM")/rvlab-inject}
require_lab_env openvpn openssl conntrack
[[ -x $RVLAB_INJECT ]] || { say "ERROR: rvlab-inject not built (set RVLAB_INJECT)"; exit 99; }
[[ -r $SAMPLE_KEYS/ca.key ]] || skip "no openvpn sample keys in $SAMPLE_KEYS"
lab_setup
tls_pki

server_up() { # IMPL
	vpn_up srv 1 rv --dev vpn0 --dev-type tun --local "$LAB_SERVER" --port 1194 \
		--server 10.8.0.0 255.255.255.0 --topology subnet --ca "$PKI/ca.crt" \
		--cert "$PKI/server.crt" --key "$PKI/server.key" --dh none --keepalive 10 60 \
		--status "$WORK/status.txt" 1 --status-version 2 --verb 4
}

client_up() { # IMPL [ARGS...]
	local impl=$1
	shift
	vpn_up cli 2 "$impl" --client --dev vpn0 --dev-type tun --nobind --remote "$LAB_SERVER" 1194 \
		--ca "$PKI/ca.crt" --cert "$PKI/client.crt" --key "$PKI/client.key" \
		--remote-cert-tls server --verb 4 "$@"
}

# stream_start SECS: the server's side streams to the client for SECS.
stream_start() {
	lab_recv 2 6000 "$(( $1 + 2 ))" 5 "$WORK/recv.out"
	bg 1 "$WORK/send.out" "$RVLAB_STREAM" send "$(tun_addr 2 vpn0)" 6000 1000 "$1"
}

# silence_after T: the longest silence of the stream starting within 2 s of
# time T (ms, lab_now).
silence_after() {
	lab_silence "$WORK/recv.out" "$1" 2000
}

check_silence() { # WHAT T
	local g
	g=$(silence_after "$2")
	say "  $1: the stream's longest silence $g ms"
	awk -v g="$g" 'BEGIN { exit !(g < 1000) }' || fail "$1: the stream stopped for $g ms"
}

hops() {
	local i t g all=() sorted
	lab_attach A
	server_up
	client_up rv --reneg-sec 4
	assert_log srv 'Peer Connection Initiated, .*mobility extension'
	assert_log cli 'roam: the server speaks the mobility extension'
	stream_start 17
	sleep 1
	: >"$WORK/hops"
	for (( i = 0; i < 20; i++ )); do
		lab_now >>"$WORK/hops"
		lab_hop
		sleep 0.7
	done
	lab_recv_end
	grep -E '^sent' "$WORK/recv.out" | sed 's/^/  /'
	for t in $(cat "$WORK/hops"); do
		g=$(silence_after "$t")
		all+=("$g")
		awk -v g="$g" 'BEGIN { exit !(g < 1000) }' || fail "the stream stopped for $g ms after a hop"
	done
	sorted=$(printf '%s\n' "${all[@]}" | sort -n | tr '\n' ' ')
	say "  silence per hop (ms, sorted): $sorted"
	wait_log_count srv 'roam: Test-Client moved .* validated in [0-9.]+ ms' 20 5
	log_since srv 'roam: Test-Client moved' 0 | tail -n 2 | sed -E 's/^[0-9-]+ [0-9:]+ /  server: /'
	log_since cli 'roam: moved' 0 | tail -n 2 | sed -E 's/^[0-9-]+ [0-9:]+ /  client: /'
	assert_eq "$(log_count srv 'not validated|validation failed')" 0 "failed validations"
	sleep 1.5
	grep -q '^GLOBAL_STATS,Roam moves validated,20$' "$WORK/status.txt" ||
		fail "status file: $(grep Roam "$WORK/status.txt" | tr '\n' ' ')"
	grep 'Roam' "$WORK/status.txt" | sed 's/^/  status: /'
	assert_eq "$(log_count cli 'Initialization Sequence Completed')" 1 "client restarts (none)"
	(( $(log_count cli 'renegotiating keys') >= 2 )) ||
		fail "the client renegotiated $(log_count cli 'renegotiating keys') times in 17 s with --reneg-sec 4"
	say "  $(log_count cli 'renegotiating keys') renegotiations during the hops, no restart"
	ping_ok 2 10.8.0.1
}

# pinger_start: the client pings the server every 0.1 s (it sends often, as
# a client with traffic does).
pinger_start() {
	bg 2 "$WORK/pinger.out" ping -q -i 0.1 -w 60 10.8.0.1
	PINGER=$BG_PID
}

rebinding() {
	local t port0 port1 mark
	[[ $LAB_HOTSPOT == A ]] || fail "the client should be on hotspot A after 20 hops"
	pinger_start
	port0=$(grep -oE 'moved .* -> 198\.18\.1\.4:[0-9]+' "$WORK/srv.log" | tail -n 1 |
		grep -oE '[0-9]+$')
	stream_start 6
	sleep 1
	t=$(lab_now)
	pretty 4 "NAT rebinding: random ports, mappings forgotten"
	# One transaction: no packet may leave unmasqueraded in between.
	printf 'flush chain ip rvlab post\nadd rule ip rvlab post oifname veth43 masquerade random\n' |
		nsq 4 nft -f -
	nsq 4 conntrack -D -p udp >/dev/null 2>&1 || true
	mark=$(log_mark srv)
	wait_log srv 'roam: Test-Client moved 198\.18\.1\.4:[0-9]+ -> 198\.18\.1\.4:[0-9]+: validated' 5 "$mark"
	port1=$(log_since srv 'moved 198\.18\.1\.4' "$mark" | grep -oE '[0-9]+: validated' | head -n 1 |
		grep -oE '^[0-9]+')
	say "  the client's public port moved from ${port0:-?} to $port1"
	[[ $port1 != "$port0" ]] || fail "the NAT kept the port: no rebinding happened"
	lab_recv_end
	check_silence "NAT rebinding" "$t"
}

# capture IFACE SKIP OUT: one client packet to the server seen by the router.
capture() {
	nsq 3 "$RVLAB_INJECT" capture "$1" "$LAB_SERVER" 1194 "$2" "$3" 5000 ||
		fail "no client packet captured on $1"
}

# hold SRC / release: the attacker keeps the client's packets from SRC
# away from the server (the router drops them) until released.
hold() {
	printf 'add table ip rvatk\nadd chain ip rvatk atk { type filter hook forward priority 0; }\nadd rule ip rvatk atk ip saddr %s udp dport 1194 drop\n' "$1" |
		nsq 3 nft -f -
}
release() { nsq 3 nft delete table ip rvatk; }

# capture_kept IFACE SRC OUT: a client packet the attacker keeps from the
# server (the router drops what comes from SRC meanwhile).
capture_kept() {
	local src
	hold "$2"
	src=$(capture "$1" 0 "$3")
	release
	echo "$src"
}

attacks() {
	local t t_race src sport b n sent mark hmac0 hmac1
	stream_start 25
	sleep 1

	# a. replay from elsewhere
	t=$(lab_now)
	capture veth34 2 "$WORK/old.bin" >"$WORK/cap.txt"
	sleep 0.3
	bg 3 "$WORK/count-a.out" "$RVLAB_INJECT" count wan0 "$LAB_SERVER" 203.0.113.66 1500
	sleep 0.1
	mark=$(log_mark srv)
	nsq 3 "$RVLAB_INJECT" send 203.0.113.66 4444 "$LAB_SERVER" 1194 "$WORK/old.bin" 3
	wait "$BG_PID" || true
	untrack "$BG_PID"
	wait_log srv 'dropped packet from 203\.0\.113\.66:4444: replay' 5 "$mark"
	[[ -z $(log_since srv 'moved .* -> 203\.0\.113\.66' "$mark") ]] ||
		fail "a replayed packet moved the client"
	say "  a. replayed from 203.0.113.66: $(cat "$WORK/count-a.out") sent there"
	grep -q '^packets 0 ' "$WORK/count-a.out" || fail "the server sent to the replayer"

	# b. a kept packet, injected from the old address after a move
	read -r src sport < <(capture_kept veth34 198.18.1.4 "$WORK/kept.bin")
	say "  b. kept a packet of $src:$sport from the server; the client moves to hotspot B"
	mark=$(log_mark srv)
	lab_hop
	wait_log srv 'roam: Test-Client moved 198\.18\.1\.4:[0-9]+ -> 198\.18\.2\.5:[0-9]+: validated' 5 "$mark"
	mark=$(log_mark srv)
	nsq 3 "$RVLAB_INJECT" send "$src" "$sport" "$LAB_SERVER" 1194 "$WORK/kept.bin"
	wait_log srv "roam: Test-Client not moved to $src:$sport: an older packet" 5 "$mark"
	sleep 0.3
	[[ -z $(log_since srv 'roam: Test-Client moved .* -> 198\.18\.1\.4' "$mark") ]] ||
		fail "an old packet moved the client back"

	# c. raced from a spoofed address: the attacker holds the client's
	# packets, sends one of them from 203.0.113.77 first, then lets go.
	bg 3 "$WORK/count-c.out" "$RVLAB_INJECT" count wan0 "$LAB_SERVER" 203.0.113.77 2500
	sleep 0.1
	hold 198.18.2.5
	read -r src sport < <(capture veth35 0 "$WORK/race.bin")
	b=$(stat -c %s "$WORK/race.bin")
	t=$(lab_now)
	mark=$(log_mark srv)
	nsq 3 "$RVLAB_INJECT" send 203.0.113.77 5555 "$LAB_SERVER" 1194 "$WORK/race.bin"
	sleep 0.3
	release
	wait_log srv "roam: Test-Client moved 203\\.0\\.113\\.77:5555 -> $src:$sport \\(back to its validated address\\)" 5 "$mark"
	wait "$BG_PID" || true
	untrack "$BG_PID"
	read -r _ n _ sent < "$WORK/count-c.out"
	say "  c. raced a $b-byte packet from 203.0.113.77: the server sent $n packets, $sent bytes there, then went back"
	(( sent <= 3 * b )) || fail "the server sent $sent bytes to an unvalidated address that sent $b"
	[[ -z $(log_since srv 'moved .* -> 203\.0\.113\.77:5555: validated' "$mark") ]] ||
		fail "the spoofed address was validated"
	t_race=$t

	# d. forged probes: the header of the client's packets (opcode, key id,
	# peer-id), the rest random. (Drop lines are rate-limited: the counters
	# of the statistics block tell.)
	{ head -c 4 "$WORK/race.bin"; head -c 1230 /dev/urandom; } >"$WORK/forged.bin"
	stats_snapshot srv
	hmac0=$(stat_get srv 'dropped hmac-failed')
	mark=$(log_mark srv)
	nsq 3 "$RVLAB_INJECT" send 203.0.113.88 6666 "$LAB_SERVER" 1194 "$WORK/forged.bin" 5
	nsq 3 "$RVLAB_INJECT" send "$src" "$sport" "$LAB_SERVER" 1194 "$WORK/forged.bin" 5
	sleep 0.5
	stats_snapshot srv
	hmac1=$(stat_get srv 'dropped hmac-failed')
	say "  d. 10 forged probes: hmac-failed drops $hmac0 -> $hmac1"
	(( hmac1 - hmac0 == 10 )) || fail "the server counted $(( hmac1 - hmac0 )) of 10 forged probes as hmac-failed"
	[[ -z $(log_since srv 'roam: Test-Client moved' "$mark") ]] || fail "a forged probe moved the client"

	lab_recv_end
	check_silence "raced packet (c)" "$t_race"
	kill "$PINGER" 2>/dev/null || true
	wait "$PINGER" 2>/dev/null || true
	untrack "$PINGER"
	grep -E '^sent' "$WORK/recv.out" | sed 's/^/  /'
	ping_ok 2 10.8.0.1
}

legacy() {
	local mark f
	for f in srv cli; do
		[[ -e $WORK/$f.log ]] && mv "$WORK/$f.log" "$WORK/$f-mobility.log"
	done
	lab_attach A
	server_up
	client_up ovpn
	wait_log srv 'Peer Connection Initiated, peer-id'
	assert_eq "$(log_count srv 'mobility extension')" 0 "extension lines with an openvpn client"
	ping_ok 2 10.8.0.1
	mark=$(log_mark srv)
	lab_hop
	# openvpn has no netlink watcher: its next packet (here a ping) floats it.
	ping_ok 2 10.8.0.1
	wait_log srv 'roam: Test-Client moved 198\.18\.1\.4:[0-9]+ -> 198\.18\.2\.5:[0-9]+ \(float: a client without the mobility extension\)' 5 "$mark"
	ping_ok 1 "$(tun_addr 2 vpn0)"
	vpn_stop cli
	vpn_stop srv
}

# One session for 1 to 3 (a section's daemons end with it).
mobility() {
	hops
	section "NAT rebinding"
	rebinding
	section "attacks by an on-path attacker"
	attacks
	vpn_stop cli
	vpn_stop srv
}

run_section "roamvpn client and server: 20 hotspot changes, renegotiating" mobility
run_section "an openvpn 2.6 client of the roamvpn server" legacy

pinned() {
	local mark
	lab_attach A
	server_up
	client_up rv --local 192.168.10.2 --lport 40000
	assert_log cli 'UDP link local \(bound\): 192\.168\.10\.2:40000'
	mark=$(log_mark cli)
	lab_hop
	wait_log cli 'roam: the socket was bound to 192\.168\.10\.2:40000, not the source of the new path: now bound to 0\.0\.0\.0:40000' 5 "$mark"
	wait_log cli 'roam: moved wlan0 192\.168\.10\.2 -> wlan1 192\.168\.20\.2' 5 "$mark"
	wait_log srv 'roam: Test-Client moved 198\.18\.1\.4:[0-9]+ -> 198\.18\.2\.5:[0-9]+: validated' 5
	ping_ok 2 10.8.0.1
	vpn_stop cli
	vpn_stop srv
}

run_section "a client bound to its hotspot address (--local) moves its socket" pinned
