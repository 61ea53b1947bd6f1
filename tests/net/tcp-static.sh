#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Static-key tunnels over TCP against openvpn 2.6 (AES-256-CBC/SHA256):
# 1. roamvpn --proto tcp-server in ns1 with --remote ns2: a connection from
#    elsewhere is closed at once, then openvpn --proto tcp-client in ns2;
# 2. roamvpn --proto tcp-client in ns2, openvpn --proto tcp-server in ns1,
#    roamvpn started first (it retries the refused connect); a SYN through
#    the tunnel gets the same MSS from roamvpn as from openvpn;
#    each: both sides log the other's TCP options string (TCPv4_SERVER /
#    TCPv4_CLIENT, link-mtu 2 bytes more than UDP) without an inconsistency
#    warning, pings both ways (also 1400 bytes), iperf3 TCP each way, no drops;
# 3. IPv6 underlay: roamvpn tcp6-server, openvpn tcp6-client, pings;
# 4. a garbled stream to a roamvpn tcp-server: a zero length, an oversized
#    length, and a frame of random bytes each close the connection (logged,
#    counted), roamvpn listens again, and an openvpn client then gets a
#    working tunnel;
# 5. --connect-timeout: a server that drops the SYNs; roamvpn gives up after
#    2 s and tries again;
# 6. a remote name with two addresses, the first unreachable: the next
#    attempt goes to the second.
# Roughly 40 s.

[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

source "$(dirname "$0")/lib.sh"

require_netns_env openvpn iperf3 python3 tcpdump nft
p2p_setup
V6=fd00:2411
ip1 addr add "$V6::1/64" dev veth12 nodad
ip2 addr add "$V6::2/64" dev veth21 nodad
genkey_openvpn "$WORK/static.key"
IPERF_SECS=${TCP_IPERF_SECS:-2}

# side SIDE IMPL PROTO [EXTRA...]: one end of the tun tunnel 10.241.0.x.
side() {
	local s=$1 impl=$2 proto=$3 dir=$(( $1 - 1 ))
	shift 3
	vpn_start "side$s" "$s" "$impl" --dev vpn0 --dev-type tun \
		--ifconfig "$TUN_NET.$s" "$TUN_NET.$((3 - s))" --proto "$proto" \
		--secret "$WORK/static.key" "$dir" --cipher AES-256-CBC --auth SHA256 --verb 4 "$@"
}

# occ_ok RV_SIDE OVPN_SIDE: the options strings agree (openvpn warns about
# every field that differs).
occ_ok() {
	local rv=side$1 ovpn=side$2 mine theirs
	[[ $1 == 1 ]] && { mine=TCPv4_SERVER; theirs=TCPv4_CLIENT; } || { mine=TCPv4_CLIENT; theirs=TCPv4_SERVER; }
	assert_log "$rv" "Local Options String: 'V4,dev-type tun,link-mtu 1574,tun-mtu 1500,proto $mine,"
	wait_log "$rv" "peer's options string: 'V4,dev-type tun,link-mtu 1574,tun-mtu 1500,proto $theirs,"
	[[ -z $(grep -E 'inconsistently|WARNING: .*options' "$WORK/$ovpn.log") ]] ||
		fail "openvpn warns about the options: $(grep -E 'inconsistently' "$WORK/$ovpn.log" | head -n 3)"
}

traffic() {
	ping_ok 1 "$TUN_NET.2"
	ping_ok 2 "$TUN_NET.1"
	ping_ok 1 "$TUN_NET.2" -s 1400
	ping_ok 2 "$TUN_NET.1" -s 1400
	iperf_tcp 1 2 "$TUN_NET.2" "$IPERF_SECS"
	iperf_tcp 2 1 "$TUN_NET.1" "$IPERF_SECS"
}

rv_server_case() {
	side 1 rv tcp-server --remote "$UNDER.2"
	wait_log side1 "Listening for incoming TCP connection on"
	# From ns1's own address: not the --remote, so closed; still listening.
	nsx 1 python3 -c "import socket; s = socket.create_connection(('$UNDER.1', 1194)); s.settimeout(5); assert s.recv(10) == b''"
	wait_log side1 "TCP connection from $UNDER.1:[0-9]+ refused: not a --remote address"
	side 2 ovpn tcp-client --remote "$UNDER.1"
	vpn_wait_init side1 side2
	wait_log side1 "TCP connection established with $UNDER.2:"
	# What the device sent before anyone connected had nowhere to go.
	drops_baseline side1
	traffic
	wait_log side1 "Peer Connection Initiated with $UNDER.2:"
	occ_ok 1 2
	assert_no_new_drops side1
	vpn_stop side2
	# The server goes back to listening for the next connection.
	wait_log side1 "Connection reset, restarting"
	wait_log_count side1 "Listening for incoming TCP connection on" 2
	vpn_stop side1
	assert_no_dev 1 vpn0
}

# mss_same: a TCP connection through the tunnel, ns2 -> ns1; the SYN that
# roamvpn (ns2) clamped and the SYN-ACK that openvpn (ns1) clamped carry the
# same MSS: 1343 for AES-256-CBC/SHA256 over TCP/IPv4 (1359 over UDP).
mss_same() {
	local m1 m2
	bg 1 "$WORK/syn1" timeout 8 tcpdump -n -v -l -i vpn0 -c 1 "tcp[tcpflags] == tcp-syn"
	bg 2 "$WORK/syn2" timeout 8 tcpdump -n -v -l -i vpn0 -c 1 "tcp[tcpflags] == tcp-syn|tcp-ack"
	sleep 1
	bg 1 "$WORK/listen.out" timeout 5 python3 -c "import socket; s = socket.socket(); s.bind(('$TUN_NET.1', 5555)); s.listen(); s.accept()"
	sleep 0.3
	nsx 2 timeout 5 python3 -c "import socket; socket.create_connection(('$TUN_NET.1', 5555))"
	sleep 1
	m1=$(grep -o 'mss [0-9]*' "$WORK/syn1" | head -n 1)
	m2=$(grep -o 'mss [0-9]*' "$WORK/syn2" | head -n 1)
	assert_eq "$m1" "mss 1343" "MSS of the SYN roamvpn clamped"
	assert_eq "$m2" "mss 1343" "MSS of the SYN-ACK openvpn clamped"
}

rv_client_case() {
	side 2 rv tcp-client --remote "$UNDER.1" --connect-retry 1
	wait_log side2 "TCP: connect to $UNDER.1:1194 failed: Connection refused"
	wait_log side2 "Restart pause"
	side 1 ovpn tcp-server
	vpn_wait_init side1 side2
	wait_log side2 "TCP connection established with $UNDER.1:1194"
	mss_same
	traffic
	occ_ok 2 1
	assert_no_drops side2
	vpn_stop side2
	vpn_stop side1
	assert_no_dev 2 vpn0
}

tcp6_case() {
	side 1 rv tcp6-server --local "$V6::1"
	wait_log side1 "Listening for incoming TCP connection on \\[$V6::1\\]:1194"
	side 2 ovpn tcp6-client --remote "$V6::1"
	vpn_wait_init side1 side2
	wait_log side1 "TCP connection established with \\[$V6::2\\]:"
	drops_baseline side1
	ping_ok 1 "$TUN_NET.2"
	ping_ok 2 "$TUN_NET.1" -s 1400
	assert_no_new_drops side1
	vpn_stop side2
	vpn_stop side1
}

# garbage BYTES_PYTHON_EXPR: connects from ns2 and sends those bytes.
garbage() {
	nsx 2 python3 - "$UNDER.1" "$1" <<-'EOF'
		import os, socket, sys, time
		s = socket.create_connection((sys.argv[1], 1194), timeout=5)
		s.sendall(eval(sys.argv[2]))
		s.settimeout(5)
		try:
		    data = s.recv(100)  # roamvpn closes: EOF
		except ConnectionResetError:
		    pass
		s.close()
	EOF
}

garbage_case() {
	local n=1
	side 1 rv tcp-server
	wait_log side1 "Listening for incoming TCP connection on"
	for bytes in "b'\\x00\\x00' + b'x' * 10" "b'\\xff\\xff' + os.urandom(64)" \
		"b'\\x00\\x64' + os.urandom(100)"; do
		garbage "$bytes"
		n=$((n + 1))
		wait_log_count side1 "Listening for incoming TCP connection on" "$n"
	done
	assert_eq "$(log_count side1 'bad packet length on the TCP connection')" 2 \
		"connections closed for a bad length"
	assert_log side1 "Fatal decryption error on the TCP connection"
	stats_snapshot side1
	assert_eq "$(stat_get side1 'TCP bad frame lengths')" 2 "bad frame lengths counted"
	assert_eq "$(stat_get side1 'TCP connections lost')" 2 "connections closed for their framing"
	# Still serving.
	side 2 ovpn tcp-client --remote "$UNDER.1"
	vpn_wait_init side2
	wait_log side1 "Peer Connection Initiated with $UNDER.2:"
	ping_ok 2 "$TUN_NET.1"
	ping_ok 1 "$TUN_NET.2"
	vpn_stop side2
	vpn_stop side1
	assert_no_crash side1
}

# A server that never answers (ns1 drops the SYNs): --connect-timeout ends
# the attempt and roamvpn tries again after --connect-retry.
connect_timeout_case() {
	nsx 1 nft add table inet rvtcp
	nsx 1 nft add chain inet rvtcp in "{ type filter hook input priority 0; }"
	nsx 1 nft add rule inet rvtcp in tcp dport 1194 drop
	side 2 rv tcp-client --remote "$UNDER.1" --connect-timeout 2 --connect-retry 1
	wait_log side2 "TCP: connect to $UNDER.1:1194 timed out after 2 s \\(--connect-timeout\\)"
	wait_log_count side2 "Attempting to establish TCP connection with $UNDER.1:1194" 2
	vpn_stop side2
	nsx 1 nft delete table inet rvtcp
}

# A remote name with two addresses, the first of which never answers: the
# next attempt connects to the second (ns2's /etc/hosts via /etc/netns).
fallback_case() {
	local hosts=/etc/netns/${NS[2]} first
	trap "rm -rf '$hosts'" EXIT
	mkdir -p "$hosts"
	printf '%s tcpsrv\n%s tcpsrv\n' "$UNDER.3" "$UNDER.1" >"$hosts/hosts"
	first=$(nsq 2 getent ahostsv4 tcpsrv | awk 'NR == 1 { print $1 }')
	side 1 ovpn tcp-server
	side 2 rv tcp-client --remote tcpsrv --proto tcp4-client --connect-timeout 2 --connect-retry 1
	vpn_wait_init side1 side2
	wait_log side2 "TCP connection established with $UNDER.1:1194"
	if [[ $first == "$UNDER.3" ]]; then
		assert_log side2 "Attempting to establish TCP connection with $UNDER.3:1194"
		say "  tried $UNDER.3 first, then $UNDER.1"
	else
		say "  (the resolver put $first first: no fallback to see)"
	fi
	ping_ok 2 "$TUN_NET.1"
	vpn_stop side2
	vpn_stop side1
}

run_section "roamvpn tcp-server (ns1) <-> openvpn tcp-client (ns2)" rv_server_case
run_section "roamvpn tcp-client (ns2) <-> openvpn tcp-server (ns1)" rv_client_case
run_section "IPv6 underlay: roamvpn tcp6-server <-> openvpn tcp6-client" tcp6_case
run_section "garbled streams to a roamvpn tcp-server" garbage_case
run_section "a tcp-client whose server never answers: --connect-timeout" connect_timeout_case
run_section "a tcp-client tries the remote's next address" fallback_case
