#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Debian's openvpn sample configurations in TLS mode, run as they are but for
# addresses and file paths (the changes are printed as a diff).
#
# 1. client.conf, run by roamvpn with --cd into a directory holding the
#    sample ca.crt, client.crt and client.key, its remote line pointing at
#    ns1, against openvpn with server.conf (status, ifconfig-pool-persist, dh,
#    ca, cert and key paths changed): the client gets 10.8.0.2, pings pass
#    both ways; the server's explicit-exit-notify tells the client to
#    restart when the server goes away, and the client comes back when it
#    returns.
# 2. loopback-client and loopback-server (inline certificates in the client,
#    dev null, tls-auth with key-direction, reneg-sec 10, ping 1) in ns2 and
#    ns1, remote and local set to the namespace addresses: roamvpn
#    loopback-client against openvpn loopback-server, then the other way
#    round. Both complete their start-up; within 12 s roamvpn renegotiates
#    the keys; after that roamvpn still receives keepalives on the data
#    channel (its SIGUSR2 counters grow) and dropped nothing.

# Under sh (SH_LOG_COMPILER may be /bin/sh), start again under bash.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

source "$(dirname "$0")/lib.sh"

require_tls_env openvpn
for f in client.conf server.conf loopback-client loopback-server; do
	[[ -r $SAMPLE_CONFIGS/$f ]] || skip "no sample configuration $SAMPLE_CONFIGS/$f"
done
p2p_setup
tls_pki

# show_changes SAMPLE COPY: prints how COPY differs from the sample.
show_changes() {
	say "  changes to $(basename "$1"):"
	diff -u "$1" "$2" | grep -E '^[-+][^-+]' | sed 's/^/    /' || true
}

client_server_samples() {
	local sdir=$WORK/server cdir=$WORK/client f mark
	mkdir -p "$sdir" "$cdir"
	sed -e "s|^ca ca.crt|ca $PKI/ca.crt|" \
		-e "s|^cert server.crt|cert $PKI/server.crt|" \
		-e "s|^key server.key|key $PKI/server.key|" \
		-e "s|^dh dh2048.pem|dh $PKI/dh2048.pem|" \
		-e "s|^ifconfig-pool-persist /var/log/openvpn/ipp.txt|ifconfig-pool-persist $sdir/ipp.txt|" \
		-e "s|^status /var/log/openvpn/openvpn-status.log|status $sdir/openvpn-status.log|" \
		"$SAMPLE_CONFIGS/server.conf" >"$sdir/server.conf"
	show_changes "$SAMPLE_CONFIGS/server.conf" "$sdir/server.conf"
	[[ $(diff "$SAMPLE_CONFIGS/server.conf" "$sdir/server.conf" | grep -c '^>') == 6 ]] ||
		fail "server.conf: expected 6 changed lines (has the sample changed?)"

	for f in ca.crt client.crt client.key; do cp "$PKI/$f" "$cdir/"; done
	sed "s/^remote my-server-1 1194/remote $UNDER.1 1194/" \
		"$SAMPLE_CONFIGS/client.conf" >"$cdir/client.conf"
	show_changes "$SAMPLE_CONFIGS/client.conf" "$cdir/client.conf"
	[[ $(diff "$SAMPLE_CONFIGS/client.conf" "$cdir/client.conf" | grep -c '^>') == 1 ]] ||
		fail "client.conf: expected 1 changed line (has the sample changed?)"

	vpn_up server 1 ovpn --config "$sdir/server.conf"
	vpn_start client 2 rv --cd "$cdir" --config client.conf
	vpn_wait_init client
	assert_log client "Peer Connection Initiated with $UNDER.1:1194"
	assert_log client 'Control Channel: TLSv1\.3'
	assert_log client "Data Channel: cipher 'AES-256-GCM', key id 0"
	say "  $(grep -o 'Data Channel: .*' "$WORK/client.log" | head -n 1)"
	assert_eq "$(tun_addr 2 tun0)" "$SRV_NET.2" "address of the client's tun0"
	ping_ok 2 "$SRV_NET.1"
	ping_ok 1 "$SRV_NET.2"
	ping_ok 1 "$SRV_NET.2" -s 1400
	assert_no_drops client

	# The server's explicit-exit-notify 1: on its exit it tells the client
	# to restart; persist-tun keeps the client's device meanwhile.
	mark=$(log_mark client)
	vpn_stop server
	wait_log client "Received control message: 'RESTART'" 10 "$mark"
	wait_log client 'Restart pause' 10 "$mark"
	assert_alive "${VPN_PID[client]}" "roamvpn client"
	vpn_up server 1 ovpn --config "$sdir/server.conf"
	wait_log client 'Initialization Sequence Completed' 60 "$mark"
	ping_ok 2 "$SRV_NET.1"
	ping_ok 1 "$SRV_NET.2"

	vpn_stop client
	vpn_stop server
}

# loopback IMPL_CLIENT IMPL_SERVER: the loopback samples, client in ns2.
loopback() {
	local ci=$1 si=$2 dir=$WORK/loop-$1-$2 rv n k1 k2 f
	mkdir -p "$dir/sample-keys"
	cp "$PKI"/{ca.crt,server.crt,server.key,dh2048.pem,ta.key} "$dir/sample-keys/"
	sed -e "s/^remote localhost$/remote $UNDER.1/" -e "s/^local localhost$/local $UNDER.2/" \
		"$SAMPLE_CONFIGS/loopback-client" >"$dir/loopback-client"
	sed -e "s/^remote localhost$/remote $UNDER.2/" -e "s/^local localhost$/local $UNDER.1/" \
		"$SAMPLE_CONFIGS/loopback-server" >"$dir/loopback-server"
	show_changes "$SAMPLE_CONFIGS/loopback-client" "$dir/loopback-client"
	show_changes "$SAMPLE_CONFIGS/loopback-server" "$dir/loopback-server"
	for f in loopback-client loopback-server; do
		[[ $(diff "$SAMPLE_CONFIGS/$f" "$dir/$f" | grep -c '^>') == 2 ]] ||
			fail "$f: expected 2 changed lines (has the sample changed?)"
	done

	vpn_start lserver 1 "$si" --cd "$dir" --config loopback-server
	vpn_start lclient 2 "$ci" --cd "$dir" --config loopback-client
	vpn_wait_init lserver lclient
	rv=lclient
	[[ $si == rv ]] && rv=lserver
	assert_log "$rv" 'Control Channel: TLSv1\.3'
	assert_log "$rv" "Data Channel: cipher 'AES-256-GCM', key id 0"
	drops_baseline "$rv"

	say "  waiting up to 12 s for a renegotiation (reneg-sec 10)"
	wait_log "$rv" 'renegotiating keys: key id 0 -> 1' 12
	wait_log "$rv" "Data Channel: cipher 'AES-256-GCM', key id 1" 10
	say "  $(grep -o 'renegotiating keys: .*' "$WORK/$rv.log" | head -n 1)"
	# dev null: the data channel carries the keepalives (ping 1) only.
	stats_snapshot "$rv"
	k1=$(stat_get "$rv" 'keepalives received')
	sleep 4
	stats_snapshot "$rv"
	k2=$(stat_get "$rv" 'keepalives received')
	say "  keepalives received by $rv: $k1, 4 s later $k2"
	assert_gt "$((k2 - k1))" 1 "keepalives $rv received in 4 s after the renegotiation"
	assert_no_new_drops "$rv"
	for n in lserver lclient; do
		assert_alive "${VPN_PID[$n]}" "$n (${VPN_IMPL[$n]})"
	done
	vpn_stop lclient
	vpn_stop lserver
}

run_section "sample client.conf (roamvpn) <-> sample server.conf (openvpn)" client_server_samples
run_section "loopback-client (roamvpn) <-> loopback-server (openvpn)" loopback rv ovpn
run_section "loopback-client (openvpn) <-> loopback-server (roamvpn)" loopback ovpn rv
