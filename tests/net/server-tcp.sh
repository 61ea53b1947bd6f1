#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The server over TCP (--proto tcp-server): many TCP clients at once, openvpn
# 2.6 and roamvpn mixed.
#
# Layout (as server-multi.sh, smaller): the server in ns1; client k (k = 2
# .. 7) alone in namespace k, joined to ns1 by its own veth pair
# (192.168.(100+k).1 in ns1, .k in ns k); odd k run openvpn, even k
# roamvpn, all over tcp-client with the sample client certificate
# (--duplicate-cn).
#
# 1. tls-crypt, six clients: each gets its own address, pings the server
#    (also with 1400 bytes); the status file lists six clients by their real
#    address (192.168.(100+k).k:port). A short iperf3 each way with one
#    client while another pings all along: every echo is answered, and the
#    statistics' link totals count the connections' bytes. An openvpn client
#    stopped (SIGSTOP) while a flood is sent to it: its send queue fills and
#    drops (counted), another client's pings all pass, and once resumed it
#    pings again. A SIGKILLed openvpn client: its connection closes, so the
#    server removes it, frees its address and runs --client-disconnect for
#    it within 3 s (not by ping-restart); restarted, it connects again with
#    a new session. A connection sending a zero length frame, and one
#    sending a length above the maximum, are each closed and counted ("TCP
#    bad frame lengths,2"); the others still pass traffic and none of their
#    packets was dropped since.
# 2. tls-auth: an openvpn and a roamvpn client at once, pings; the openvpn
#    client was pushed a peer-id (P_DATA_V2), as an openvpn 2.6 TCP server
#    does. "kill Test-Client" on the management interface: both are told
#    RESTART, their connections close, both connect again and ping; the
#    same after a soft restart of the server (SIGUSR1).
# 2b. --hand-window 4: a connection that sends nothing is still open after
#    2 s and closed by the server after 4 s. --max-clients 2: with two
#    clients up a third connection is closed at once and counted.
#    --connect-freq 2 60: the third connection in a row is refused.
# 3. IPv6 outside: the default listener is dual-stack; a roamvpn client over
#    tcp6 (fd00:104::/64) and an openvpn client over IPv4 at once; a
#    tcp6-server takes an openvpn client over IPv6.
# 4. Status: openvpn 2.6 and roamvpn as tcp6-server, each with an openvpn
#    client over IPv4 and one over IPv6, list the same real addresses
#    (ports masked): "192.168.103.3:PORT" and "fd00:105::5" (openvpn shows
#    no port for an IPv6 TCP client).

# Under sh (SH_LOG_COMPILER may be /bin/sh), start again under bash.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

source "$(dirname "$0")/lib.sh"

require_tls_env openvpn iperf3 python3
LAST=7
make_ns $(seq 1 "$LAST")
for k in $(seq 2 "$LAST"); do
	link_ns 1 "$k" "192.168.$((100 + k))" >/dev/null
done
tls_pki
IPERF_SECS=2

impl_of() { if (( $1 % 2 )); then echo ovpn; else echo rv; fi; }

# server_start WRAP [EXTRA...]: roamvpn server over TCP in ns1.
server_start() {
	local wrap=$1
	local -a w
	shift
	mapfile -t w < <(wrap_args "$wrap" 0)
	vpn_up server 1 rv --dev vpn0 --dev-type tun --port 1194 --proto tcp-server \
		--server "$SRV_NET.0" 255.255.255.0 --topology subnet \
		--ca "$PKI/ca.crt" --cert "$PKI/server.crt" --key "$PKI/server.key" \
		--dh none --keepalive 2 20 --duplicate-cn --verb 4 \
		--status "$WORK/status.txt" 1 "${w[@]}" "$@"
	wait_log server 'MULTI: multi_init called, max clients [0-9]+, TCP'
}

# client_start K WRAP [EXTRA...]: client K in namespace K over tcp-client.
client_start() {
	local k=$1 wrap=$2
	local -a args w
	shift 2
	mapfile -t w < <(wrap_args "$wrap" 1)
	mapfile -t args < <(REMOTE="${REMOTE-192.168.$((100 + k)).1}" tls_client_args "$(impl_of "$k")" \
		--proto tcp-client "${w[@]}" "$@")
	vpn_start "c$k" "$k" "$(impl_of "$k")" "${args[@]}"
}

pool_in_use() {
	stats_snapshot server
	stat_get server 'pool addresses in use'
}

# status_clients: the CLIENT_LIST-style lines of the status file (version 1:
# "cn,real address,bytes,bytes,since" between the two headers).
status_clients() {
	sed -n '/^Common Name,Real Address/,/^ROUTING TABLE/p' "$WORK/status.txt" |
		grep -v -e '^Common Name' -e '^ROUTING TABLE'
}

# garbage NS LEN [SECS]: from namespace NS, a TCP connection to the server
# that sends a frame of length LEN (big-endian 16 bits) and a few bytes (LEN
# "none": sends nothing), then waits up to SECS (5) for the server to close
# it. Prints "closed" or "open".
garbage() {
	nsq "$1" python3 - "192.168.$((100 + $1)).1" "$2" "${3:-5}" <<-'EOF'
		import socket, struct, sys
		s = socket.create_connection((sys.argv[1], 1194), timeout=float(sys.argv[3]))
		if sys.argv[2] != "none":
		    s.sendall(struct.pack(">H", int(sys.argv[2])) + b"garbage!")
		try:
		    print("closed" if s.recv(100) == b"" else "open")
		except ConnectionResetError:
		    print("closed")
		except socket.timeout:
		    print("open")
	EOF
}

# blast NS ADDR SECS: from namespace NS, 1400-byte UDP datagrams to ADDR,
# about 10000 a second (14 MB/s: more than a stopped client's socket buffer
# and queue take in SECS, yet not so many that the server's device queue
# overflows and loses other clients' packets); prints how many.
blast() {
	nsq "$1" python3 - "$2" "$3" <<-'EOF'
		import socket, sys, time
		s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
		start = time.time()
		end, n, data = start + float(sys.argv[2]), 0, b"x" * 1400
		while time.time() < end:
		    if n > (time.time() - start) * 10000:
		        time.sleep(0.002)
		        continue
		    try:
		        s.sendto(data, (sys.argv[1], 9))
		        n += 1
		    except OSError:
		        time.sleep(0.001)
		print(n)
	EOF
}

many() {
	local k a mark n lines pid sent recv full
	local -A seen=()
	printf '#!/bin/sh\necho "$common_name $trusted_ip" >>"%s"\n' "$WORK/disconnected" \
		>"$WORK/disconnect.sh"
	chmod +x "$WORK/disconnect.sh"
	server_start tls-crypt --script-security 2 --client-disconnect "$WORK/disconnect.sh"
	for k in $(seq 2 "$LAST"); do client_start "$k" tls-crypt; done
	for k in $(seq 2 "$LAST"); do vpn_wait_init "c$k" >/dev/null; done
	say "  all $((LAST - 1)) clients are up"
	for k in $(seq 2 "$LAST"); do
		a=$(tun_addr "$k")
		[[ -n $a ]] || fail "client $k has no address"
		[[ -z ${seen[$a]:-} ]] || fail "clients ${seen[$a]} and $k both have $a"
		seen[$a]=$k
	done
	say "  distinct addresses: ${!seen[*]}"
	for k in $(seq 2 "$LAST"); do
		ping_ok "$k" "$SRV_NET.1"
		ping_ok "$k" "$SRV_NET.1" -s 1400
	done
	assert_eq "$(pool_in_use)" "$((LAST - 1))" "pool addresses in use"
	# The status file (written every second) lists each by its real address.
	sleep 1.5
	lines=$(status_clients)
	say "$lines" | sed 's/^/    /'
	for k in $(seq 2 "$LAST"); do
		grep -qE "^Test-Client,192\.168\.$((100 + k))\.$k:[0-9]+," <<<"$lines" ||
			fail "status file: no client at 192.168.$((100 + k)).$k"
	done
	assert_eq "$(grep -c . <<<"$lines")" "$((LAST - 1))" "clients in the status file"

	# One client moves bulk data while another pings all along.
	nsq 3 ping -n -q -c 28 -i 0.25 -W 5 "$SRV_NET.1" >"$WORK/ping-bg.out" 2>&1 &
	pid=$!
	iperf_tcp 2 1 "$SRV_NET.1" "$IPERF_SECS"
	iperf_tcp 1 2 "$(tun_addr 2)" "$IPERF_SECS"
	wait "$pid" || true
	sent=$(sed -nE 's/^([0-9]+) packets transmitted.*/\1/p' "$WORK/ping-bg.out")
	recv=$(sed -nE 's/.* ([0-9]+) (packets )?received.*/\1/p' "$WORK/ping-bg.out")
	say "  pings of client 3 during the transfers: $recv of $sent answered"
	assert_eq "${sent:-0}" 28 "echoes sent by client 3"
	assert_eq "${recv:-0}" 28 "echoes answered for client 3 during the transfers"
	# Bulk data over TCP fills the client's send queue: the device packets
	# that do not fit are dropped (for that client only), as openvpn does.
	stats_snapshot server
	full=$(stat_get server 'TCP send queue full')
	say "  device packets dropped for client 2 (send queue full): $full"
	# The link totals count the clients' connections.
	assert_gt "$(stat_get server 'TCP/UDP read bytes')" 10000000 "server's TCP/UDP read bytes"
	assert_gt "$(stat_get server 'TCP/UDP write bytes')" 10000000 "server's TCP/UDP write bytes"

	# A client that reads nothing (stopped) while the server's side sends it
	# a flood: its queue fills and drops, another client is not held up.
	kill -STOP "${VPN_PID[c5]}"
	nsq 4 ping -n -q -c 20 -i 0.1 -W 5 "$SRV_NET.1" >"$WORK/ping-bg4.out" 2>&1 &
	pid=$!
	n=$(blast 1 "$(tun_addr 5)" 2)
	wait "$pid" || true
	kill -CONT "${VPN_PID[c5]}"
	recv=$(sed -nE 's/.* ([0-9]+) (packets )?received.*/\1/p' "$WORK/ping-bg4.out")
	say "  $n datagrams to stopped client 5; client 4 got ${recv:-0} of 20 echoes"
	# (a stall would lose nearly all; allow for a loaded machine)
	assert_gt "${recv:-0}" 17 "echoes answered for client 4 while client 5 was stopped"
	stats_snapshot server
	assert_gt "$(stat_get server 'TCP send queue full')" "$full" \
		"device packets dropped for the stopped client"
	ping_ok 5 "$SRV_NET.1"
	drops_baseline server

	# A killed openvpn client: its connection ends, so does the client.
	mark=$(log_mark server)
	vpn_stop c3 KILL
	wait_log server 'client removed: connection closed by the client' 3 "$mark"
	assert_eq "$(pool_in_use)" "$((LAST - 2))" "pool addresses in use after the kill"
	for _ in $(seq 30); do [[ -s $WORK/disconnected ]] && break; sleep 0.1; done
	assert_eq "$(cat "$WORK/disconnected" 2>/dev/null)" "Test-Client 192.168.103.3" \
		"--client-disconnect runs for the killed client"
	mark=$(log_mark server)
	client_start 3 tls-crypt
	vpn_wait_init c3
	wait_log server 'Peer Connection Initiated' 5 "$mark"
	ping_ok 3 "$SRV_NET.1"
	assert_eq "$(pool_in_use)" "$((LAST - 1))" "pool addresses in use after the restart"

	# Bad framing closes that connection only.
	for n in 0 65535; do
		mark=$(log_mark server)
		assert_eq "$(garbage 5 "$n")" closed "connection sending a frame of length $n"
		wait_log server 'bad packet length on the TCP connection' 3 "$mark"
	done
	stats_snapshot server
	assert_eq "$(stat_get server 'TCP bad frame lengths')" 2 "TCP bad frame lengths"
	assert_eq "$(stat_get server 'clients connected')" "$((LAST - 1))" "clients connected"
	for k in $(seq 2 "$LAST"); do ping_ok "$k" "$SRV_NET.1"; done
	assert_no_new_drops server
	for k in $(seq 2 "$LAST"); do vpn_stop "c$k"; done
	vpn_stop server
	assert_no_crash server "$VPN_STATUS"
}

tls_auth() {
	local out
	server_start tls-auth --management 127.0.0.1 7506
	client_start 2 tls-auth
	client_start 3 tls-auth
	vpn_wait_init c2 c3
	# P_DATA_V2 with a peer-id on TCP too, as openvpn 2.6 pushes it.
	wait_log c3 "Data Channel: cipher '[^']+', peer-id: [0-9]+" 5
	ping_ok 2 "$SRV_NET.1" -s 1400
	ping_ok 3 "$SRV_NET.1" -s 1400
	# Killed from the management interface: RESTART goes out on each
	# connection before it closes; both reconnect.
	out=$(ovpn_mgmt 7506 "kill Test-Client")
	say "  $out"
	grep -q "SUCCESS: common name 'Test-Client' found, 2 client(s) killed" <<<"$out" ||
		fail "management kill: $out"
	wait_log_count c2 'Initialization Sequence Completed' 2 30
	wait_log_count c3 'Initialization Sequence Completed' 2 30
	assert_log c3 'server-pushed-connection-reset'
	ping_ok 2 "$SRV_NET.1"
	ping_ok 3 "$SRV_NET.1"
	# A soft restart of the server (SIGUSR1): the connections close, the
	# listener opens again, both clients come back.
	kill -USR1 "${VPN_PID[server]}"
	wait_log_count server 'Initialization Sequence Completed' 2 10
	wait_log_count c2 'Initialization Sequence Completed' 3 40
	wait_log_count c3 'Initialization Sequence Completed' 3 40
	ping_ok 2 "$SRV_NET.1"
	ping_ok 3 "$SRV_NET.1"
	assert_no_drops server
	vpn_stop c2
	vpn_stop c3
	vpn_stop server
	assert_no_crash server "$VPN_STATUS"
}

v6() {
	ipx 1 -6 addr add fd00:103::1/64 dev veth13 nodad
	ipx 3 -6 addr add fd00:103::3/64 dev veth31 nodad
	ipx 1 -6 addr add fd00:104::1/64 dev veth14 nodad
	ipx 4 -6 addr add fd00:104::4/64 dev veth41 nodad
	# The default listener takes both families.
	server_start none
	wait_log server 'Listening for incoming TCP connection on \[::\]:1194'
	client_start 5 none
	REMOTE="" client_start 4 none --remote fd00:104::1 1194 --proto tcp6-client
	vpn_wait_init c4 c5
	wait_log server 'Test-Client/\[fd00:104::4\]:[0-9]+ Peer Connection Initiated' 5
	ping_ok 4 "$SRV_NET.1" -s 1400
	ping_ok 5 "$SRV_NET.1" -s 1400
	vpn_stop c4
	vpn_stop c5
	vpn_stop server
	assert_no_crash server "$VPN_STATUS"
	# tcp6-server, an openvpn client over tcp6
	server_start none --proto tcp6-server
	REMOTE="" client_start 3 none --remote fd00:103::1 1194 --proto tcp6-client
	vpn_wait_init c3
	wait_log server 'Test-Client/\[fd00:103::3\]:[0-9]+ Peer Connection Initiated' 5
	ping_ok 3 "$SRV_NET.1" -s 1400
	vpn_stop c3
	vpn_stop server
	assert_no_crash server "$VPN_STATUS"
}

# Limits: --max-clients 2, --hand-window 4.
limits() {
	local mark t0 t1
	server_start none --max-clients 2 --hand-window 4
	# A connection that says nothing is closed once --hand-window is over.
	mark=$(log_mark server)
	t0=$(date +%s)
	assert_eq "$(garbage 6 none 2)" open "silent connection after 2 s"
	assert_eq "$(garbage 6 none 8)" closed "silent connection within --hand-window and slack"
	t1=$(date +%s)
	assert_gt "$((t1 - t0))" 3 "seconds before the silent connection was closed"
	wait_log server 'client removed: no key exchange within --hand-window' 3 "$mark"
	client_start 2 none
	client_start 3 none
	vpn_wait_init c2 c3
	# A third connection is refused at once.
	mark=$(log_mark server)
	assert_eq "$(garbage 6 none 2)" closed "connection over --max-clients"
	wait_log server 'refused: --max-clients 2 reached' 3 "$mark"
	stats_snapshot server
	assert_eq "$(stat_get server 'TCP connections refused (max-clients)')" 1 \
		"connections refused over --max-clients"
	assert_eq "$(stat_get server 'TCP hand-window timeouts')" 1 "hand-window timeouts"
	ping_ok 2 "$SRV_NET.1"
	ping_ok 3 "$SRV_NET.1"
	vpn_stop c2
	vpn_stop c3
	vpn_stop server
	assert_no_crash server "$VPN_STATUS"
	# --connect-freq 2 60: the third connection within the minute is refused.
	server_start none --connect-freq 2 60
	assert_eq "$(garbage 6 none 1)" open "first connection under --connect-freq 2 60"
	assert_eq "$(garbage 6 none 1)" open "second connection under --connect-freq 2 60"
	assert_eq "$(garbage 6 none 2)" closed "third connection under --connect-freq 2 60"
	stats_snapshot server
	assert_eq "$(stat_get server 'TCP connections refused (connect-freq)')" 1 \
		"connections refused over --connect-freq"
	vpn_stop server
	assert_no_crash server "$VPN_STATUS"
}

# real_addrs IMPL: a server IMPL (roamvpn or openvpn) over tcp6-server with
# an openvpn client over IPv4 (ns3) and one over IPv6 (ns5); prints the Real
# Address column of its status file (version 2), ports masked, sorted.
real_addrs() {
	local impl=$1
	vpn_up server 1 "$impl" --dev vpn0 --dev-type tun --port 1194 --proto tcp6-server \
		--server "$SRV_NET.0" 255.255.255.0 --topology subnet \
		--ca "$PKI/ca.crt" --cert "$PKI/server.crt" --key "$PKI/server.key" \
		--dh none --keepalive 10 60 --duplicate-cn --verb 3 \
		--status "$WORK/status-$impl.txt" 1 --status-version 2 >&2
	client_start 3 none >&2
	REMOTE="" client_start 5 none --remote fd00:105::1 1194 --proto tcp6-client >&2
	vpn_wait_init c3 c5 >&2
	sleep 1.5
	awk -F, '$1 == "CLIENT_LIST" { print $3 }' "$WORK/status-$impl.txt" |
		sed -E -e 's/^([0-9.]+):[0-9]+$/\1:PORT/' -e 's/^(\[.*\]):[0-9]+$/\1:PORT/' | sort
	vpn_stop c3 >&2
	vpn_stop c5 >&2
	vpn_stop server >&2
	[[ $impl == ovpn ]] || assert_no_crash server "$VPN_STATUS"
}

status_like_ovpn() {
	local want got
	ipx 1 -6 addr add fd00:105::1/64 dev veth15 nodad
	ipx 5 -6 addr add fd00:105::5/64 dev veth51 nodad
	want=$(real_addrs ovpn)
	got=$(real_addrs rv)
	say "  openvpn: $(tr '\n' ' ' <<<"$want")"
	say "  roamvpn: $(tr '\n' ' ' <<<"$got")"
	assert_eq "$(grep -c . <<<"$want")" 2 "clients in openvpn's status"
	assert_eq "$got" "$want" "real addresses in the status file"
}

run_section "six clients over TCP, openvpn and roamvpn, tls-crypt" many
run_section "tls-auth" tls_auth
run_section "--max-clients, --hand-window, --connect-freq" limits
run_section "IPv6 outside: dual-stack and tcp6-server" v6
run_section "status: real addresses as openvpn 2.6 lists TCP clients" status_like_ovpn
