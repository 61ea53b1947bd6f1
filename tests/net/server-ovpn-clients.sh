#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# roamvpn as the server (ns1) of openvpn 2.6 clients (ns2), UDP.
#
# 1. Debian's sample server.conf run by roamvpn (certificate, dh,
#    ifconfig-pool-persist and status paths changed; the status line is
#    commented out while roamvpn has no --status) and openvpn running the
#    sample client.conf (remote changed): the client gets 10.8.0.2, pings
#    pass both ways, also of 1400 bytes; on SIGTERM the server's
#    explicit-exit-notify makes the client restart, and ipp.txt holds
#    "Test-Client,10.8.0.2,".
# 2. For topology net30 with tls-auth and CHACHA20-POLY1305, topology subnet
#    with tls-crypt and AES-256-GCM, and topology p2p without wrapping and
#    AES-128-CBC (HMAC-SHA1): openvpn 2.6 first serves the
#    client, then roamvpn with the same options; the client must receive
#    the same PUSH_REPLY from both, get the same address, pass pings both
#    ways (1400 bytes too) and a short iperf3 each way, and roamvpn must
#    drop nothing.
# 3. IPv6 outside the tunnel: server and client over udp6 (fd00:241::/64 on
#    the veth), pings both ways, also of 1400 bytes.
# 4. Renegotiation: the server starts it (--reneg-sec 6) with an openvpn
#    client; a roamvpn client starts it (its --reneg-sec 5); key id 1 comes
#    up on the server and traffic passes before and after.

# Under sh (SH_LOG_COMPILER may be /bin/sh), start again under bash.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

source "$(dirname "$0")/lib.sh"

require_tls_env openvpn iperf3
for f in client.conf server.conf; do
	[[ -r $SAMPLE_CONFIGS/$f ]] || skip "no sample configuration $SAMPLE_CONFIGS/$f"
done
p2p_setup
tls_pki
IPERF_SECS=${IPERF_SECS:-2}

show_changes() {
	say "  changes to $(basename "$1"):"
	diff -u "$1" "$2" | grep -E '^[-+][^-+]' | sed 's/^/    /' || true
}

samples() {
	local sdir=$WORK/server cdir=$WORK/client f mark status_sed
	mkdir -p "$sdir" "$cdir"
	# --status belongs to another part of issue 4; until it is there the
	# sample's status line is commented out.
	status_sed="s|^status /var/log/openvpn/openvpn-status.log|status $sdir/openvpn-status.log|"
	"$ROAMVPN" --help 2>/dev/null | grep -q -- '--status ' ||
		status_sed="s|^status /var/log/openvpn/openvpn-status.log|;status (not in this build)|"
	sed -e "s|^ca ca.crt|ca $PKI/ca.crt|" \
		-e "s|^cert server.crt|cert $PKI/server.crt|" \
		-e "s|^key server.key|key $PKI/server.key|" \
		-e "s|^dh dh2048.pem|dh $PKI/dh2048.pem|" \
		-e "s|^ifconfig-pool-persist /var/log/openvpn/ipp.txt|ifconfig-pool-persist $sdir/ipp.txt|" \
		-e "$status_sed" \
		"$SAMPLE_CONFIGS/server.conf" >"$sdir/server.conf"
	show_changes "$SAMPLE_CONFIGS/server.conf" "$sdir/server.conf"
	[[ $(diff "$SAMPLE_CONFIGS/server.conf" "$sdir/server.conf" | grep -c '^>') == 6 ]] ||
		fail "server.conf: expected 6 changed lines (has the sample changed?)"
	for f in ca.crt client.crt client.key; do cp "$PKI/$f" "$cdir/"; done
	sed "s/^remote my-server-1 1194/remote $UNDER.1 1194/" \
		"$SAMPLE_CONFIGS/client.conf" >"$cdir/client.conf"
	show_changes "$SAMPLE_CONFIGS/client.conf" "$cdir/client.conf"

	vpn_up server 1 rv --config "$sdir/server.conf" --verb 4
	vpn_start client 2 ovpn --cd "$cdir" --config client.conf
	vpn_wait_init client
	wait_log server 'MULTI: Learn: 10.8.0.2'
	assert_log client "PUSH_REPLY,route-gateway 10.8.0.1,topology subnet,ping 10,ping-restart 120,ifconfig 10.8.0.2 255.255.255.0,peer-id 0,cipher AES-256-GCM,protocol-flags cc-exit tls-ekm dyn-tls-crypt,tun-mtu 1500"
	assert_eq "$(tun_addr 2 tun0)" "$SRV_NET.2" "address of the client's tun0"
	ping_ok 2 "$SRV_NET.1"
	ping_ok 1 "$SRV_NET.2"
	ping_ok 2 "$SRV_NET.1" -s 1400
	assert_no_drops server

	# explicit-exit-notify 1: the server says RESTART to its clients.
	mark=$(log_mark client)
	vpn_stop server
	wait_log client 'SIGUSR1\[soft,server-pushed-connection-reset\]' 10 "$mark"
	grep -qx 'Test-Client,10.8.0.2,' "$sdir/ipp.txt" ||
		fail "ipp.txt does not hold Test-Client,10.8.0.2,: $(cat "$sdir/ipp.txt" 2>&1)"
	say "  ipp.txt: $(tr '\n' ' ' <"$sdir/ipp.txt")"
	vpn_stop client
}

# variant TOPOLOGY WRAP CIPHER ADDR: the same client against openvpn, then
# roamvpn, as the server.
variant() {
	local topo=$1 wrap=$2 cipher=$3 addr=$4 impl
	local -a sargs cargs
	mapfile -t sargs < <(ovpn_server_args --topology "$topo" --data-ciphers "$cipher" \
		$(wrap_args "$wrap" 0))
	mapfile -t cargs < <(tls_client_args ovpn $(wrap_args "$wrap" 1) --data-ciphers "$cipher")
	for impl in ovpn rv; do
		vpn_start "server-$impl" 1 "$impl" "${sargs[@]}" --verb 4
		vpn_wait_init "server-$impl"
		vpn_start "client-$impl" 2 ovpn "${cargs[@]}"
		vpn_wait_init "client-$impl"
		assert_log "client-$impl" "Data Channel: cipher '$cipher'"
		assert_eq "$(tun_addr 2)" "$addr" "the client's address from $impl"
		ping_ok 2 "$SRV_NET.1"
		if [[ $impl == rv ]]; then
			ping_ok 1 "$addr"
			ping_ok 2 "$SRV_NET.1" -s 1400
			ping_ok 1 "$addr" -s 1400
			iperf_tcp 2 1 "$SRV_NET.1" "$IPERF_SECS"
			iperf_tcp 1 2 "$addr" "$IPERF_SECS"
			assert_no_drops server-rv
		fi
		vpn_stop "client-$impl"
		vpn_stop "server-$impl"
	done
	assert_same_push client-ovpn client-rv
	if grep -E 'WARNING: .*(inconsistent|mismatch)' "$WORK/client-rv.log"; then
		fail "the openvpn client warned about roamvpn's options"
	fi
}

run_section "sample server.conf (roamvpn) <-> sample client.conf (openvpn)" samples
run_section "topology net30, tls-auth, CHACHA20-POLY1305" variant net30 tls-auth \
	CHACHA20-POLY1305 "$SRV_NET.6"
run_section "topology subnet, tls-crypt, AES-256-GCM" variant subnet tls-crypt AES-256-GCM \
	"$SRV_NET.2"
run_section "topology p2p, no wrapping, AES-128-CBC" variant p2p none AES-128-CBC "$SRV_NET.4"

udp6() {
	local -a sargs
	ip1 -6 addr add fd00:241::1/64 dev veth12 nodad
	ip2 -6 addr add fd00:241::2/64 dev veth21 nodad
	mapfile -t sargs < <(ovpn_server_args --verb 4 --local fd00:241::1 --proto udp6)
	vpn_up server 1 rv "${sargs[@]}"
	REMOTE="" tls_client client ovpn --remote fd00:241::1 1194 --proto udp6
	vpn_wait_init client
	wait_log server 'Test-Client/\[fd00:241::2\]:[0-9]* Peer Connection Initiated' 5
	ping_ok 2 "$SRV_NET.1"
	ping_ok 1 "$SRV_NET.2" -s 1400
	assert_no_drops server
	vpn_stop client
	vpn_stop server
	ip1 -6 addr del fd00:241::1/64 dev veth12
	ip2 -6 addr del fd00:241::2/64 dev veth21
}

# reneg CLIENT_IMPL WHO: WHO (server or client) has --reneg-sec 6/5.
reneg() {
	local impl=$1 who=$2
	local -a sargs cargs sx=() cx=()
	if [[ $who == server ]]; then sx=(--reneg-sec 6); else cx=(--reneg-sec 5); fi
	mapfile -t sargs < <(ovpn_server_args --verb 4 "${sx[@]}")
	mapfile -t cargs < <(tls_client_args "$impl" "${cx[@]}")
	vpn_up server 1 rv "${sargs[@]}"
	vpn_start client 2 "$impl" "${cargs[@]}"
	vpn_wait_init client
	ping_ok 2 "$SRV_NET.1"
	wait_log server "Data Channel: cipher 'AES-256-GCM', key id 1" 15
	if [[ $who == server ]]; then assert_log server 'renegotiating keys: key id 0 -> 1'; fi
	ping_ok 2 "$SRV_NET.1"
	ping_ok 1 "$SRV_NET.2"
	sleep 1
	ping_ok 2 "$SRV_NET.1"
	assert_no_drops server
	vpn_stop client
	vpn_stop server
}

run_section "IPv6 transport (udp6)" udp6
run_section "renegotiation started by the server, openvpn client" reneg ovpn server
run_section "renegotiation started by a roamvpn client" reneg rv client
