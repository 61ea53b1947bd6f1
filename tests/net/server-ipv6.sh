#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# IPv6 inside the tunnel of a server (--server-ipv6), roamvpn against
# openvpn 2.6. The server in ns1 (192.168.241.1 towards ns2, 192.168.243.1
# towards ns3) with --server 10.8.0.0/24 (topology subnet) and
# --server-ipv6 fd00:6::/64.
#
# 1. The same openvpn 2.6 client (ns2) against openvpn 2.6, then roamvpn as
#    the server, with --push "route-ipv6 2001:db8:6::/48" and
#    --ifconfig-pool-persist: the client must receive the same PUSH_REPLY
#    from both (tun-ipv6, ifconfig-ipv6 fd00:6::1000/64 fd00:6::1 ...), get
#    the same addresses (10.8.0.2, fd00:6::1000/64) and the pushed route,
#    and both servers must write the same ipp.txt line
#    (Test-Client,10.8.0.2,fd00:6::1000). Against roamvpn: ping6 both ways,
#    also of 1400 bytes, and no drops.
# 2. Two clients of a roamvpn server with --client-to-client: openvpn in ns2
#    (sample certificate, pool address fd00:6::1000) and roamvpn in ns3
#    (its own certificate "rvclient", whose client-config-dir file says
#    ifconfig-ipv6-push fd00:6::beef/64 and iroute-ipv6 fd00:77::/64; the
#    server has --route-ipv6 fd00:77::/64 and pushes it). ping6 from
#    server to each client and between the clients (client-to-client),
#    into the iroute (fd00:77::1 on ns3's lo) from the server and from the
#    other client, 1400 bytes too; the status file (version 2) lists both
#    IPv6 addresses and the iroute-ipv6 as openvpn does (CLIENT_LIST column,
#    ROUTING_TABLE lines "fd00:6::beef" and "fd00:77::/64"); no drops;
#    --client-connect sees openvpn's ifconfig_pool_*_ip6 and ifconfig_ipv6_*
#    variables. Then ns3 sends from fd00:99::5, an address that is
#    not its own: the pings get no answer and the server counts them as
#    bad-source-address drops.
# 3. IPv6 outside too: udp6 between fd00:241::1 and fd00:241::2, a roamvpn
#    server and an openvpn client, ping6 both ways (1400 bytes too).
# 4. An IPv6-only server (--server-ipv6 fd00:6::/112 alone): openvpn, then
#    roamvpn, push the same PUSH_REPLY to an openvpn client (a /112 pool
#    starts at NET+2); a roamvpn client of the roamvpn server gets
#    fd00:6::2/112 too and pings the server.

# Under sh (SH_LOG_COMPILER may be /bin/sh), start again under bash.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

source "$(dirname "$0")/lib.sh"

require_tls_env openvpn
make_ns 1 2 3
link_ns 1 2 "$UNDER" >/dev/null
link_ns 1 3 192.168.243 >/dev/null
tls_pki
NET6=fd00:6:

# ping6_ok NS ADDR [PING ARGS...]
ping6_ok() { ping_ok "$1" "$2" -6 "${@:3}"; }

# tun_addr6 NS: the global IPv6 address/prefix of vpn0 in namespace NS.
tun_addr6() {
	ip -n "${NS[$1]}" -6 -o addr show dev vpn0 scope global 2>/dev/null | awk '{ print $4; exit }'
}

# server_args [EXTRA...]: the server's options (any implementation), one a
# line; it listens on every address of ns1.
server_args() {
	printf '%s\n' --dev vpn0 --dev-type tun --port 1194 \
		--server "$SRV_NET.0" 255.255.255.0 --topology subnet --server-ipv6 "$NET6:/64" \
		--ca "$PKI/ca.crt" --cert "$PKI/server.crt" --key "$PKI/server.key" \
		--dh none --keepalive 10 60 --data-ciphers AES-256-GCM --verb 4
	if (( $# > 0 )); then printf '%s\n' "$@"; fi
}

same_push() {
	local impl addr6 ipp_ovpn ipp_rv
	local -a sargs cargs
	for impl in ovpn rv; do
		rm -f "$WORK/ipp-$impl.txt"
		mapfile -t sargs < <(server_args --push "route-ipv6 2001:db8:6::/48" \
			--ifconfig-pool-persist "$WORK/ipp-$impl.txt")
		mapfile -t cargs < <(tls_client_args ovpn --data-ciphers AES-256-GCM)
		vpn_up "server-$impl" 1 "$impl" "${sargs[@]}"
		vpn_start "client-$impl" 2 ovpn "${cargs[@]}"
		vpn_wait_init "client-$impl"
		assert_eq "$(tun_addr 2)" "$SRV_NET.2" "the client's IPv4 address from $impl"
		addr6=$(tun_addr6 2)
		assert_eq "$addr6" "$NET6:1000/64" "the client's IPv6 address from $impl"
		ip -n "${NS[2]}" -6 route show 2001:db8:6::/48 | grep -q 'dev vpn0' ||
			fail "the client has no route 2001:db8:6::/48 through vpn0 (from $impl)"
		ping6_ok 2 "$NET6:1"
		if [[ $impl == rv ]]; then
			ping6_ok 1 "$NET6:1000"
			ping6_ok 2 "$NET6:1" -s 1400
			ping6_ok 1 "$NET6:1000" -s 1400
			ping_ok 2 "$SRV_NET.1"
			assert_log "server-rv" "MULTI: Learn: $NET6:1000"
			assert_no_drops server-rv
		fi
		vpn_stop "client-$impl"
		vpn_stop "server-$impl"
	done
	assert_same_push client-ovpn client-rv
	[[ $PUSH_OVPN == *",ifconfig-ipv6 $NET6:1000/64 $NET6:1,"* ]] ||
		fail "openvpn's PUSH_REPLY has not the expected ifconfig-ipv6 (has openvpn changed?)"
	if grep -E 'WARNING: .*(inconsistent|mismatch)' "$WORK/client-rv.log"; then
		fail "the openvpn client warned about roamvpn's options"
	fi
	ipp_ovpn=$(cat "$WORK/ipp-ovpn.txt" 2>&1)
	ipp_rv=$(cat "$WORK/ipp-rv.txt" 2>&1)
	say "  ipp.txt: openvpn '$ipp_ovpn', roamvpn '$ipp_rv'"
	assert_eq "$ipp_ovpn" "Test-Client,$SRV_NET.2,$NET6:1000" "openvpn's ipp.txt"
	assert_eq "$ipp_rv" "$ipp_ovpn" "roamvpn's ipp.txt"
}

two_clients() {
	local before after line st="$WORK/status-rv.txt"
	local -a sargs cargs
	pki_cert rvclient ca client
	mkdir -p "$WORK/ccd"
	printf 'ifconfig-ipv6-push %s/64\niroute-ipv6 fd00:77::/64\n' "$NET6:beef" \
		>"$WORK/ccd/rvclient"
	printf '#!/bin/sh\nenv | sort >"%s/connect-$common_name.env"\n' "$WORK" >"$WORK/connect.sh"
	chmod +x "$WORK/connect.sh"
	mapfile -t sargs < <(server_args --client-to-client --client-config-dir "$WORK/ccd" \
		--route-ipv6 fd00:77::/64 --push "route-ipv6 fd00:77::/64" \
		--status "$st" 1 --status-version 2 --script-security 2 \
		--client-connect "$WORK/connect.sh")
	vpn_up server 1 rv "${sargs[@]}"
	tls_client c2 ovpn
	# One after the other: the first to connect takes the pool's first slot.
	vpn_wait_init c2
	mapfile -t cargs < <(REMOTE=192.168.243.1 CLIENT_CERT="$PKI/rvclient.crt" \
		CLIENT_KEY="$PKI/rvclient.key" tls_client_args rv)
	vpn_start c3 3 rv "${cargs[@]}"
	vpn_wait_init c3
	assert_eq "$(tun_addr6 2)" "$NET6:1000/64" "the openvpn client's IPv6 address"
	assert_eq "$(tun_addr6 3)" "$NET6:beef/64" "the roamvpn client's IPv6 address (ifconfig-ipv6-push)"
	for line in "ifconfig_pool_remote_ip6=$NET6:beef" "ifconfig_pool_local_ip6=$NET6:1" \
		ifconfig_pool_ip6_netbits=64 "ifconfig_ipv6_local=$NET6:1" ifconfig_ipv6_netbits=64; do
		grep -qx "$line" "$WORK/connect-rvclient.env" ||
			fail "client-connect of rvclient had no $line: $(grep ip6 "$WORK/connect-rvclient.env")"
	done
	grep -qx "ifconfig_pool_remote_ip6=$NET6:1000" "$WORK/connect-Test-Client.env" ||
		fail "client-connect of Test-Client had no ifconfig_pool_remote_ip6=$NET6:1000"
	n3 ip -6 addr add fd00:77::1/128 dev lo
	ping6_ok 1 "$NET6:1000"
	ping6_ok 1 "$NET6:beef" -s 1400
	ping6_ok 3 "$NET6:1" -s 1400
	ping6_ok 2 "$NET6:beef"
	ping6_ok 3 "$NET6:1000" -s 1400
	ping6_ok 1 fd00:77::1
	ping6_ok 2 fd00:77::1 -s 1400
	assert_no_drops server
	sleep 1.5   # the status file is rewritten every second
	say "  status: $(grep -E '^(CLIENT_LIST|ROUTING_TABLE)' "$st" | cut -d, -f1-5 | tr '\n' ' ')"
	grep -qE "^CLIENT_LIST,Test-Client,$UNDER\.2:[0-9]+,$SRV_NET\.2,$NET6:1000,[0-9]+," "$st" ||
		fail "the status file lists not the openvpn client with its IPv6 address"
	grep -qE "^CLIENT_LIST,rvclient,192\.168\.243\.3:[0-9]+,$SRV_NET\.3,$NET6:beef,[0-9]+," "$st" ||
		fail "the status file lists not the roamvpn client with its IPv6 address"
	grep -qE "^ROUTING_TABLE,$NET6:beef,rvclient,192\.168\.243\.3:[0-9]+," "$st" ||
		fail "the status file has no IPv6 routing table entry of the roamvpn client"
	grep -qE "^ROUTING_TABLE,$NET6:1000,Test-Client," "$st" ||
		fail "the status file has no IPv6 routing table entry of the openvpn client"
	grep -qE "^ROUTING_TABLE,fd00:77::/64,rvclient,192\.168\.243\.3:[0-9]+," "$st" ||
		fail "the status file has no routing table entry of the iroute-ipv6"

	# A packet from an address that is not the client's: dropped, counted.
	stats_snapshot server
	before=$(stat_get server 'dropped bad-source-address')
	n3 ip -6 addr add fd00:99::5/128 dev lo
	n3 ip -6 route add "$NET6:1/128" dev vpn0 src fd00:99::5
	ping_fails 3 "$NET6:1"
	stats_snapshot server
	after=$(stat_get server 'dropped bad-source-address')
	say "  bad-source-address drops: $before -> $after"
	assert_gt "$after" "$((before + 1))" "bad-source-address drops after 2 spoofed pings"
	assert_log server "dropped packet from 192\.168\.243\.3:[0-9]+: bad-source-address"
	vpn_stop c2
	vpn_stop c3
	vpn_stop server
}

udp6() {
	local -a sargs
	ip1 -6 addr add fd00:241::1/64 dev veth12 nodad
	ip2 -6 addr add fd00:241::2/64 dev veth21 nodad
	mapfile -t sargs < <(server_args --proto udp6)
	vpn_up server 1 rv "${sargs[@]}"
	REMOTE="" tls_client client ovpn --remote fd00:241::1 1194 --proto udp6
	vpn_wait_init client
	wait_log server 'Test-Client/\[fd00:241::2\]:[0-9]* Peer Connection Initiated' 5
	ping6_ok 2 "$NET6:1"
	ping6_ok 1 "$NET6:1000" -s 1400
	ping6_ok 2 "$NET6:1" -s 1400
	assert_no_drops server
	vpn_stop client
	vpn_stop server
}

v6_only() {
	local impl
	local -a sargs cargs
	mapfile -t sargs < <(printf '%s\n' --dev vpn0 --dev-type tun --port 1194 \
		--server-ipv6 "$NET6:/112" --ca "$PKI/ca.crt" --cert "$PKI/server.crt" \
		--key "$PKI/server.key" --dh none --keepalive 10 60 --data-ciphers AES-256-GCM \
		--verb 4)
	for impl in ovpn rv; do
		vpn_up "server-$impl" 1 "$impl" "${sargs[@]}"
		tls_client "client-$impl" ovpn --data-ciphers AES-256-GCM
		vpn_wait_init "client-$impl"
		assert_eq "$(tun_addr6 2)" "$NET6:2/112" "the client's IPv6 address from $impl"
		ping6_ok 2 "$NET6:1"
		vpn_stop "client-$impl"
		if [[ $impl == rv ]]; then
			tls_client rvclient rv
			vpn_wait_init rvclient
			assert_eq "$(tun_addr6 2)" "$NET6:2/112" "the roamvpn client's IPv6 address"
			ping6_ok 2 "$NET6:1" -s 1400
			ping6_ok 1 "$NET6:2"
			assert_no_drops server-rv
			vpn_stop rvclient
		fi
		vpn_stop "server-$impl"
	done
	assert_same_push client-ovpn client-rv
}

run_section "the same PUSH_REPLY, addresses and ipp.txt from openvpn 2.6 and roamvpn" same_push
run_section "two clients, client-to-client, ifconfig-ipv6-push, iroute-ipv6, spoofed source" \
	two_clients
run_section "IPv6 outside the tunnel as well (udp6)" udp6
run_section "an IPv6-only server (--server-ipv6 alone)" v6_only
