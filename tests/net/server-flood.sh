#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# A roamvpn server under a flood of forged hard resets: 100000 of them
# (tools/resetflood.py, FLOOD to change) from random source addresses and
# ports in 100.64.0.0/10, sent from ns2 through a raw socket. The server
# keeps nothing for a client until its second packet returns our cookie,
# so its memory must stay flat: VmRSS grows by less than 2 MiB (FLOOD_RSS_KB).
# An openvpn client connected before the flood keeps pinging through it (at
# most 2 of 20 pings lost to the full socket buffer), then without loss; the
# server counted every reset the kernel handed it (answered, or refused by
# the 100-per-10-s limit; the kernel may drop some of the burst) and has
# exactly one client; a second client connects afterwards. Then the same
# with tls-auth: the forged resets fail the HMAC, so the server answers
# none of them (only the real client's reset) and a new client is admitted
# without waiting for the limit's window.

# Under sh (SH_LOG_COMPILER may be /bin/sh), start again under bash.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

source "$(dirname "$0")/lib.sh"

require_tls_env openvpn
FLOOD=${FLOOD:-100000}
FLOOD_RSS_KB=${FLOOD_RSS_KB:-2048}
make_ns 1 2 3
link_ns 1 2 "$UNDER"
link_ns 1 3 192.168.242
# Forged sources must not be refused by reverse-path filtering.
for n in 1 2; do nsq "$n" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0; done
nsq 1 sysctl -qw net.ipv4.conf.veth12.rp_filter=0
tls_pki

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# flood WRAP: none (the resets are answered or refused by the limit) or
# tls-auth (they fail the HMAC and use up nothing).
flood() {
	local wrap=$1
	local -a sargs cargs
	local before after answered refused pid kdrops received
	mapfile -t sargs < <(ovpn_server_args --local 0.0.0.0 --verb 3 $(wrap_args "$wrap" 0))
	vpn_up server 1 rv "${sargs[@]}"
	pid=${VPN_PID[server]}
	tls_client c1 ovpn $(wrap_args "$wrap" 1)
	vpn_wait_init c1
	ping_ok 2 "$SRV_NET.1"
	before=$(rss_kb "$pid")
	# 20 pings over 4 s while the flood runs (about 2 s): a full socket
	# buffer may cost a real packet or two, the server must not.
	bg 2 "$WORK/ping.out" ping -n -q -c 20 -i 0.2 -W 2 "$SRV_NET.1"
	local ppid=$BG_PID
	n2 python3 "$TOP_SRCDIR/tests/net/tools/resetflood.py" --dst "$UNDER.1:1194" --count "$FLOOD"
	wait_gone "$ppid" 15 || fail "ping did not finish"
	wait "$ppid" 2>/dev/null || true
	untrack "$ppid"
	after=$(rss_kb "$pid")
	say "  server VmRSS: $before kB before, $after kB after $FLOOD forged resets"
	say "  pings during the flood: $(grep 'packets transmitted' "$WORK/ping.out")"
	received=$(grep -o '[0-9]* received' "$WORK/ping.out" | cut -d' ' -f1)
	(( ${received:-0} >= 18 )) || fail "the client lost more than 2 of 20 pings during the flood"
	(( after - before < FLOOD_RSS_KB )) ||
		fail "server memory grew by $((after - before)) kB (limit $FLOOD_RSS_KB kB)"
	stats_snapshot server
	answered=$(stat_get server 'resets answered')
	refused=$(( $(stat_get server 'dropped connect-rate') + $(stat_get server 'dropped bad-reset') ))
	say "  resets answered $answered, refused (rate limit or HMAC) $refused"
	if [[ $wrap == tls-auth ]]; then
		assert_eq "$answered" 1 "resets answered with tls-auth (only the real client's)"
	fi
	# The kernel may drop some of the burst when the socket buffer is full
	# (the last field of /proc/net/udp); the server handled all the rest.
	kdrops=$(nsq 1 awk 'NR > 1 && $2 ~ /:04AA$/ { n += $NF } END { print n + 0 }' /proc/net/udp)
	say "  dropped by the kernel (socket buffer full): $kdrops"
	(( answered + refused + kdrops >= FLOOD )) ||
		fail "the server saw only $((answered + refused)) of $FLOOD resets ($kdrops dropped by the kernel)"
	assert_eq "$(stat_get server 'clients connected')" 1 "clients of the server after the flood"
	ping_ok 2 "$SRV_NET.1"
	# A new client is admitted once the reset limit's window has passed.
	REMOTE=192.168.242.1 tls_client_args ovpn $(wrap_args "$wrap" 1) >"$WORK/c2.args"
	mapfile -t cargs <"$WORK/c2.args"
	vpn_start c2 3 ovpn "${cargs[@]}"
	wait_log c2 'Initialization Sequence Completed' 40
	ping_ok 3 "$SRV_NET.1"
	vpn_stop c2
	vpn_stop c1
	vpn_stop server
}

run_section "$FLOOD forged resets from random addresses" flood none
run_section "$FLOOD forged resets, server with tls-auth" flood tls-auth
