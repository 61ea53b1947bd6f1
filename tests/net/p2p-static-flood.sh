#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Forged and garbled packets at roamvpn's UDP port while a tunnel is up.
#
#   ns1 roamvpn 192.168.241.1 --veth-- ns2 openvpn 192.168.241.2
#      \ 192.168.242.1
#       `--veth-- ns3 attacker 192.168.242.3
#
# The attacker in ns3 sends, spoofed from the peer's address and port
# (192.168.241.2:1194) through a raw socket so that they pass the source
# check: random bytes of random lengths, truncated, bit-flipped and replayed
# copies of packets the peer really sent (captured in ns1), oversize
# datagrams, and packets with a valid HMAC but undecryptable contents (made
# with the key, as only a key holder could). Then unspoofed packets from its
# own address. Asserts: roamvpn keeps running, the tunnel passes pings during
# and after the flood, the statistics count each kind of drop, every forged
# packet is counted as a drop, and --verb 4 logs drops, rate-limited.

# Under sh (SH_LOG_COMPILER may be /bin/sh), start again under bash.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

source "$(dirname "$0")/lib.sh"

require_netns_env openvpn

PEER="$UNDER.2:1194"
VICTIM="$UNDER.1:1194"

make_ns 1 2 3
link_ns 1 2 "$UNDER"
link_ns 1 3 192.168.242
ip3 route add "$UNDER.0/24" via 192.168.242.1
# Spoofed packets arrive on veth13 from an address behind veth12.
n1 sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.veth13.rp_filter=0

section "tunnel: roamvpn (ns1) <-> openvpn (ns2), AES-256-CBC/SHA256"
KEY="$WORK/static.key"
genkey_openvpn "$KEY"
mapfile -t args < <(p2p_args 1 rv AES-256-CBC SHA256 "$KEY" flags)
vpn_start rv 1 rv "${args[@]}"
mapfile -t args < <(p2p_args 2 ovpn AES-256-CBC SHA256 "$KEY" flags)
vpn_start ovpn 2 ovpn "${args[@]}"
vpn_wait_init rv ovpn
ping_ok 1 "$TUN_NET.2"
ping_ok 2 "$TUN_NET.1"

section "capture the peer's packets in ns1"
CAP="$WORK/peer.hex"
bg 1 "$WORK/capture.out" python3 "$PKTINJECT" capture --iface veth12 --src "$PEER" \
	--dst "$VICTIM" --out "$CAP" --count 40 --timeout "$TIMEOUT" --ready "$WORK/cap.ready"
cap_pid=$BG_PID
for (( i = 0; i < TIMEOUT * 10; i++ )); do
	[[ -e $WORK/cap.ready ]] && break
	sleep 0.1
done
[[ -e $WORK/cap.ready ]] || fail "capture did not start"
nsq 2 ping -n -q -c 25 -i 0.05 "$TUN_NET.1" >/dev/null
nsq 1 ping -n -q -c 25 -i 0.05 "$TUN_NET.2" >/dev/null
wait "$cap_pid" || fail "capture in ns1 failed: $(cat "$WORK/capture.out")"
untrack "$cap_pid"
cat "$WORK/capture.out"
captured=$(wc -l <"$CAP")
assert_gt "$captured" 9 "packets captured from the peer"

stats_snapshot rv
drops_before=$(awk -F, '/^dropped / { s += $2 } END { print s + 0 }' "$WORK/rv.stats")
assert_eq "$drops_before" 0 "drops before the flood"
rcvbuf_before=$(nsq 1 awk '/^Udp: [0-9]/ { print $6 }' /proc/net/snmp)

section "flood from ns3, spoofed as the peer $PEER"
# Pings through the tunnel both ways while the flood runs.
bg 1 "$WORK/ping-during-1.out" ping -n -q -c 30 -i 0.1 -W 1 "$TUN_NET.2"
ping1=$BG_PID
bg 2 "$WORK/ping-during-2.out" ping -n -q -c 30 -i 0.1 -W 1 "$TUN_NET.1"
ping2=$BG_PID
n3 python3 "$PKTINJECT" send --src "$PEER" --dst "$VICTIM" --capture "$CAP" \
	--random 1200 --truncate 400 --bitflip 400 --replay 400 --oversize 60 \
	--keyed 200 --key "$KEY" --key-direction 1 --auth SHA256 --rate 1000 \
	>"$WORK/flood-spoofed.out" || fail "the injector failed: $(cat "$WORK/flood-spoofed.out")"
cat "$WORK/flood-spoofed.out"
assert_alive "${VPN_PID[rv]}" "roamvpn during the flood"

section "flood from ns3's own address (not the peer's)"
n3 python3 "$PKTINJECT" send --dst "$VICTIM" --random 200 --oversize 20 --rate 1000 \
	>"$WORK/flood-plain.out" || fail "the injector failed: $(cat "$WORK/flood-plain.out")"
cat "$WORK/flood-plain.out"

for p in "$ping1" "$ping2"; do
	wait "$p" || true
	untrack "$p"
done
for side in 1 2; do
	got=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$WORK/ping-during-$side.out")
	say "pings from ns$side during the flood: ${got:-0} of 30 answered"
	# Loss is allowed while the socket is flooded; a dead tunnel is not.
	assert_gt "${got:-0}" 14 "pings from ns$side answered during the flood"
done

section "after the flood"
assert_alive "${VPN_PID[rv]}" "roamvpn after the flood"
ping_ok 1 "$TUN_NET.2"
ping_ok 2 "$TUN_NET.1"
ping_ok 1 "$TUN_NET.2" -s 1400

stats_snapshot rv
print_drops rv
for reason in hmac-failed replay malformed oversize decrypt-failed source-not-allowed; do
	assert_gt "$(stat_get rv "dropped $reason")" 0 "dropped $reason"
done
# Packets that cannot be forged or replayed: none of these may appear.
for reason in no-peer-address tun-write-failed seal-failed bad-occ; do
	assert_eq "$(stat_get rv "dropped $reason")" 0 "dropped $reason"
done

# Each forged datagram must have been dropped and counted, none delivered.
sent=0
for f in flood-spoofed flood-plain; do
	n=$(sed -n 's/^sent \([0-9]*\) packets.*/\1/p' "$WORK/$f.out")
	sent=$((sent + n))
done
drops=$(awk -F, '/^dropped / { s += $2 } END { print s + 0 }' "$WORK/rv.stats")
rcvbuf_after=$(nsq 1 awk '/^Udp: [0-9]/ { print $6 }' /proc/net/snmp)
say "forged datagrams sent: $sent, drops counted: $drops, kernel receive-buffer drops in ns1: $((rcvbuf_after - rcvbuf_before))"
if (( rcvbuf_after == rcvbuf_before )); then
	assert_eq "$drops" "$sent" "drops counted for the forged datagrams"
else
	# The kernel lost some before roamvpn saw them; which ones is unknown.
	(( drops <= sent )) || fail "more drops ($drops) than forged datagrams ($sent)"
fi

# At --verb 4 drops are logged, rate-limited (10 lines per 5 s).
lines=$(log_count rv 'dropped packet from ')
say "drop lines in the log: $lines (for $drops drops)"
assert_gt "$lines" 0 "'dropped packet from' lines at --verb 4"
(( lines < 100 )) || fail "$lines drop lines: the drop log is not rate-limited"
grep -m 3 'dropped packet from' "$WORK/rv.log"
grep -qE "dropped packet from $UNDER.2:1194: (hmac-failed|replay|malformed|oversize|decrypt-failed)" \
	"$WORK/rv.log" || fail "no logged drop names the spoofed peer address and a reason"

vpn_stop rv
assert_no_dev 1 vpn0
vpn_stop ovpn
