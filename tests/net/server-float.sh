#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# A client of a roamvpn server changes its address mid-session (as behind a
# NAT that rebinds): nftables in the client's namespace (ns2) rewrites its
# packets to the server from 192.168.241.2:PORT to 192.168.241.12:40000
# and the answers back, without the openvpn 2.6 client knowing. Its next
# P_DATA_V2 packet, found by peer-id and verified, moves the client on the
# server ("roam: ... moved ... (float: a client without the mobility
# extension)"); pings keep working both ways, the server
# answers at the new address and still has one client. When the server
# stops (--explicit-exit-notify 2) the client hears RESTART,[N] there.

# Under sh (SH_LOG_COMPILER may be /bin/sh), start again under bash.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

source "$(dirname "$0")/lib.sh"

require_tls_env openvpn nft
p2p_setup
tls_pki

float() {
	local -a sargs
	local port
	mapfile -t sargs < <(ovpn_server_args --verb 4 --explicit-exit-notify 2)
	vpn_up server 1 rv "${sargs[@]}"
	tls_client client ovpn
	vpn_wait_init client
	ping_ok 2 "$SRV_NET.1"
	port=$(grep -o 'Test-Client/192.168.241.2:[0-9]*' "$WORK/server.log" | head -n 1 | cut -d: -f2)
	[[ -n $port ]] || fail "no client address in the server's log"
	say "  the client talks from 192.168.241.2:$port"
	ip2 addr add "$UNDER.12/24" dev veth21
	nsx 2 nft -f - <<-NFT
		table ip move {
			chain out {
				type filter hook output priority -300;
				ip daddr $UNDER.1 udp sport $port udp dport 1194 ip saddr set $UNDER.12 udp sport set 40000
			}
			chain in {
				type filter hook prerouting priority -300;
				ip saddr $UNDER.1 udp sport 1194 ip daddr $UNDER.12 udp dport 40000 ip daddr set $UNDER.2 udp dport set $port
			}
		}
	NFT
	ping_ok 2 "$SRV_NET.1"
	wait_log server "roam: Test-Client moved $UNDER.2:$port -> $UNDER.12:40000 \\(float: a client without the mobility extension\\)" 5
	ping_ok 1 "$SRV_NET.2"
	ping_ok 2 "$SRV_NET.1" -s 1400
	stats_snapshot server
	assert_eq "$(stat_get server 'clients connected')" 1 "clients of the server"
	# --explicit-exit-notify 2: the client is told RESTART,[N], at its new
	# address.
	local mark
	mark=$(log_mark client)
	vpn_stop server
	wait_log client "Connection reset command was pushed by server \\('\\[N\\]'\\)" 10 "$mark"
	vpn_stop client
}

run_section "a client moves to another address and port" float
