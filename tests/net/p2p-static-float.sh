#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# OpenVPN's --float rule in roamvpn (ns1) against openvpn (ns2), which moves
# by restarting bound to another address of ns2 (--local). ns2 has
# 192.168.241.2, .3 and .4.
#
# 1. Without --float, with --remote .2: packets from .3:1194 and from
#    .2:1195 are dropped as source-not-allowed and the address stays.
# 2. With --float: when the peer comes back from .3, roamvpn follows it
#    ("peer address changed") and traffic flows both ways. Then packets the
#    peer really sent, replayed (spoofed) from .4 and from the old .2, and
#    garbage from .4, are dropped (replay, hmac-failed) and must not move
#    the peer: no address change is logged and pings still reach .3.

# Under sh (SH_LOG_COMPILER may be /bin/sh), start again under bash.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

source "$(dirname "$0")/lib.sh"

require_netns_env openvpn

p2p_setup
ip2 addr add "$UNDER.3/24" dev veth21
ip2 addr add "$UNDER.4/24" dev veth21
KEY="$WORK/static.key"
genkey_roamvpn "$KEY"

# start_peer ADDR [ARGS...]: openvpn in ns2 bound to ADDR.
start_peer() {
	local addr=$1
	shift
	mapfile -t args < <(p2p_args 2 ovpn AES-256-CBC SHA256 "$KEY" flags --local "$addr" "$@")
	vpn_start ovpn 2 ovpn "${args[@]}"
	wait_log ovpn 'link local \(bound\)'
}

section "1. no --float: roamvpn accepts only its --remote $UNDER.2:1194"
mapfile -t args < <(p2p_args 1 rv AES-256-CBC SHA256 "$KEY" flags)
vpn_start rv 1 rv "${args[@]}"
start_peer "$UNDER.2"
vpn_wait_init rv ovpn
ping_ok 2 "$TUN_NET.1"
ping_ok 1 "$TUN_NET.2"

say "the peer moves to $UNDER.3:1194"
vpn_stop ovpn
start_peer "$UNDER.3"
ping_fails 2 "$TUN_NET.1"
wait_log rv "dropped packet from $UNDER.3:1194: source-not-allowed"

say "the peer moves to $UNDER.2:1195 (same address, other port)"
vpn_stop ovpn
start_peer "$UNDER.2" --lport 1195
ping_fails 2 "$TUN_NET.1"
stats_snapshot rv
print_drops rv
assert_gt "$(stat_get rv 'dropped source-not-allowed')" 0 "dropped source-not-allowed"
# The 5 s log rate limit may hide the second address; the counter may not.
if ! grep -q "dropped packet from $UNDER.2:1195: source-not-allowed" "$WORK/rv.log"; then
	say "(drop from $UNDER.2:1195 not logged: rate limit)"
fi
if grep -q 'peer address changed' "$WORK/rv.log"; then
	fail "without --float the peer moved: $(grep 'peer address changed' "$WORK/rv.log")"
fi
say "peer address unchanged, as expected"
vpn_stop ovpn
vpn_stop rv

section "2. --float: roamvpn follows its peer from $UNDER.2 to $UNDER.3"
mapfile -t args < <(p2p_args 1 rv AES-256-CBC SHA256 "$KEY" flags --float)
vpn_start rv 1 rv "${args[@]}"
start_peer "$UNDER.2"
vpn_wait_init rv ovpn
ping_ok 1 "$TUN_NET.2"

# capture_from ADDR FILE: packets ADDR:1194 sends to roamvpn, while pinging.
capture_from() {
	local pid i
	rm -f "$WORK/cap.ready"
	bg 1 "$WORK/capture.out" python3 "$PKTINJECT" capture --iface veth12 \
		--src "$1:1194" --dst "$UNDER.1:1194" --out "$2" --count 10 --timeout "$TIMEOUT" \
		--ready "$WORK/cap.ready"
	pid=$BG_PID
	for (( i = 0; i < TIMEOUT * 10; i++ )); do
		[[ -e $WORK/cap.ready ]] && break
		sleep 0.1
	done
	nsq 2 ping -n -q -c 12 -i 0.05 "$TUN_NET.1" >/dev/null || true
	wait "$pid" || fail "capture of packets from $1 failed: $(cat "$WORK/capture.out")"
	untrack "$pid"
	cat "$WORK/capture.out"
}
capture_from "$UNDER.2" "$WORK/old.hex"

say "the peer moves to $UNDER.3:1194"
vpn_stop ovpn
start_peer "$UNDER.3"
wait_log ovpn 'Initialization Sequence Completed'
wait_log rv "peer address changed: $UNDER.2:1194 -> $UNDER.3:1194"
ping_ok 2 "$TUN_NET.1"
ping_ok 1 "$TUN_NET.2"
ping_ok 1 "$TUN_NET.2" -s 1400
capture_from "$UNDER.3" "$WORK/new.hex"

section "2b. replayed and forged packets from other addresses must not move it"
stats_snapshot rv
replay_before=$(stat_get rv 'dropped replay')
hmac_before=$(stat_get rv 'dropped hmac-failed')
mark=$(log_mark rv)
cat "$WORK/old.hex" "$WORK/new.hex" >"$WORK/both.hex"
n2 python3 "$PKTINJECT" send --src "$UNDER.4:1194" --dst "$UNDER.1:1194" \
	--capture "$WORK/both.hex" --replay 20 --random 20 --rate 200
n2 python3 "$PKTINJECT" send --src "$UNDER.2:1194" --dst "$UNDER.1:1194" \
	--capture "$WORK/both.hex" --replay 20 --rate 200
ping_ok 1 "$TUN_NET.2"
stats_snapshot rv
print_drops rv
replayed=$(( $(stat_get rv 'dropped replay') - replay_before ))
forged=$(( $(stat_get rv 'dropped hmac-failed') - hmac_before ))
say "new replay drops: $replayed, new hmac-failed drops: $forged"
assert_eq "$replayed" 40 "replayed packets dropped as replay"
assert_gt "$forged" 0 "garbage from $UNDER.4 dropped as hmac-failed"
moved=$(log_since rv 'peer address changed' "$mark")
[[ -z $moved ]] || fail "a replayed or forged packet moved the peer: $moved"
say "peer address still $UNDER.3:1194"
ping_ok 2 "$TUN_NET.1"

vpn_stop rv
assert_no_dev 1 vpn0
vpn_stop ovpn
