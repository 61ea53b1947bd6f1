# SPDX-License-Identifier: GPL-2.0-only
#
# The hotspot testbed: a server, a router standing for the Internet, Wi-Fi
# hotspots (LAB_HOTSPOTS, default 2, at most 6) that each NAT their clients,
# and a client that moves between them.
# Sourced (after nothing else: it sources tests/net/lib.sh), never run;
# tests/lab/testbed.sh is its command line (up, hop, down).
#
#        ns1 server                          ns3 router
#   wan0 198.51.100.1  ==rvlab-wanem==  wan0 198.51.100.254
#                                        veth34 198.18.1.3    veth35 198.18.2.3   ...
#                                           |                     |
#                                  ns4 hotspot A          ns5 hotspot B           ...
#                                  veth43 198.18.1.4      veth53 198.18.2.5
#                                  (NAT) lan 192.168.10.1 (NAT) lan 192.168.20.1
#                                           |                     |
#                                    wlan0 192.168.10.2    wlan1 192.168.20.2
#                                               ns2 client
#
# Hotspot number i (A = 1, B = 2, ...) is namespace 3+i, public address
# 198.18.i.(3+i), its LAN 192.168.(10i).0/24, the client's wlan(i-1).
#
# The link between router and server is rvlab-wanem (user space: this kernel
# has no netem), with LAB_DELAY ms one way, LAB_JITTER ms (uniform, added to
# the delay) and LAB_LOSS percent, and LAB_RATE Mbit/s in each direction
# ("" or 0: none; "A/B" for router->server A, server->router B) through a
# token bucket of LAB_BURST KiB (default 4) and a drop-tail queue of
# LAB_QUEUE KiB (default 64). LAB_PROFILE sets the defaults of the others:
#   lan       nothing added (the server on the hotspots' network)
#   distant   19 ms one way plus up to 1 ms jitter: about 39 ms round trip,
#             the paper's server 11 hops away
#   (unset)   5 ms one way, as before profiles existed
# Any LAB_* set explicitly wins over the profile.
#
# The client is on at most one hotspot at a time: lab_attach A|B|... takes
# the addresses (and so the routes) away from the other interfaces and gives
# the chosen one its address and default route, in one ip -batch, as a Wi-Fi
# handover does once associated; lab_detach leaves it with no address and no
# route at all; lab_hop goes to the next one. The client's interfaces stay up
# throughout: a device brought up gets its queueing discipline from the
# kernel's link watcher up to a second later and drops what is sent before
# (the first ARP request, so the first packets would wait a second); a real
# Wi-Fi interface is up long before its new address.
#
# Environment (besides lib.sh's): RVLAB_WANEM, RVLAB_STREAM (the tools built
# from tests/lab/*.c), LAB_PROFILE, LAB_HOTSPOTS, LAB_DELAY, LAB_JITTER,
# LAB_LOSS, LAB_RATE, LAB_BURST, LAB_QUEUE.

# shellcheck source=../net/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../net/lib.sh"

RVLAB_WANEM=${RVLAB_WANEM:-$(dirname "$ROAMVPN")/../../tests/lab/rvlab-wanem}
RVLAB_STREAM=${RVLAB_STREAM:-$(dirname "$ROAMVPN")/../../tests/lab/rvlab-stream}
case ${LAB_PROFILE:-} in
lan) LAB_DELAY=${LAB_DELAY:-0} ;;
distant) LAB_DELAY=${LAB_DELAY:-19} LAB_JITTER=${LAB_JITTER:-1} ;;
"") ;;
*) echo "ERROR: LAB_PROFILE=$LAB_PROFILE: not lan or distant" >&2; exit 99 ;;
esac
LAB_DELAY=${LAB_DELAY:-5}
LAB_JITTER=${LAB_JITTER:-0}
LAB_LOSS=${LAB_LOSS:-0}
LAB_RATE=${LAB_RATE:-}
LAB_BURST=${LAB_BURST:-4}
LAB_QUEUE=${LAB_QUEUE:-64}
LAB_HOTSPOTS=${LAB_HOTSPOTS:-2}
(( LAB_HOTSPOTS >= 1 && LAB_HOTSPOTS <= 6 )) ||
	{ echo "ERROR: LAB_HOTSPOTS=$LAB_HOTSPOTS: from 1 to 6" >&2; exit 99; }
LAB_SERVER=198.51.100.1
LAB_HOTSPOT=""              # A, B ... or "" (detached)
LAB_NAMES=ABCDEF

# lab_describe: one line saying what the emulated link adds.
lab_describe() {
	local rate=unlimited
	[[ -n $LAB_RATE && $LAB_RATE != 0 ]] &&
		rate="$LAB_RATE Mbit/s (token bucket $LAB_BURST KiB, drop-tail queue $LAB_QUEUE KiB)"
	printf 'profile %s: %s ms one way + up to %s ms jitter, %s%% loss, rate %s\n' \
		"${LAB_PROFILE:-default}" "$LAB_DELAY" "$LAB_JITTER" "$LAB_LOSS" "$rate"
}

# require_lab_env [TOOL...]: what require_netns_env needs, nft and the tools.
require_lab_env() {
	require_netns_env nft "$@"
	[[ -x $RVLAB_WANEM && -x $RVLAB_STREAM ]] ||
		{ say "ERROR: rvlab-wanem/rvlab-stream not built (set RVLAB_WANEM, RVLAB_STREAM)"; exit 99; }
}

# lab_nat NS LANDEV WANDEV: the namespace forwards and masquerades what
# leaves through WANDEV.
lab_nat() {
	local n=$1 wan=$3
	nsq "$n" sysctl -qw net.ipv4.ip_forward=1
	pretty "$n" "nft: masquerade what leaves through $wan"
	nsq "$n" nft -f - <<-EOF
		table ip rvlab {
			chain post {
				type nat hook postrouting priority srcnat; policy accept;
				oifname "$wan" masquerade
			}
		}
	EOF
}

# lab_hotspot_index A|B|...: prints its number (1, 2, ...).
lab_hotspot_index() {
	local rest=${LAB_NAMES%%"$1"*}
	[[ ${#1} == 1 && $rest != "$LAB_NAMES" ]] && (( ${#rest} < LAB_HOTSPOTS )) ||
		fail "no hotspot $1 (LAB_HOTSPOTS=$LAB_HOTSPOTS)"
	printf '%s\n' $(( ${#rest} + 1 ))
}

# lab_setup: the testbed above, the client detached.
lab_setup() {
	local i h wanem_args=(-d "$LAB_DELAY" -j "$LAB_JITTER" -l "$LAB_LOSS")
	if [[ -n $LAB_RATE && $LAB_RATE != 0 ]]; then
		wanem_args+=(-r "$LAB_RATE" -b "$LAB_BURST" -q "$LAB_QUEUE")
	fi
	make_ns 1 2 3
	for (( i = 1; i <= LAB_HOTSPOTS; i++ )); do
		make_ns $(( 3 + i ))
	done
	bg 3 "$WORK/wanem.out" "$RVLAB_WANEM" "${NS[3]}" wan0 "${NS[1]}" wan0 "${wanem_args[@]}"
	VPN_PID[wanem]=$BG_PID
	for (( i = 0; i < 50; i++ )); do
		grep -q '^ready' "$WORK/wanem.out" 2>/dev/null && break
		kill -0 "$BG_PID" 2>/dev/null || { cat "$WORK/wanem.out"; fail "rvlab-wanem did not start"; }
		sleep 0.1
	done
	grep -q '^ready' "$WORK/wanem.out" || fail "rvlab-wanem did not get ready"
	ipx 1 addr add "$LAB_SERVER" peer 198.51.100.254 dev wan0
	ipx 1 link set wan0 up
	ipx 1 route add default dev wan0
	ipx 3 addr add 198.51.100.254 peer "$LAB_SERVER" dev wan0
	ipx 3 link set wan0 up
	nsq 3 sysctl -qw net.ipv4.ip_forward=1

	for (( i = 1; i <= LAB_HOTSPOTS; i++ )); do
		h=$(( 3 + i ))
		ipx 3 link add "veth3$h" type veth peer name "veth${h}3" netns "${NS[$h]}"
		ipx 3 addr add "198.18.$i.3/24" dev "veth3$h"
		ipx 3 link set "veth3$h" up
		ipx "$h" addr add "198.18.$i.$h/24" dev "veth${h}3"
		ipx "$h" link set "veth${h}3" up
		ipx "$h" route add default via "198.18.$i.3"
		ipx "$h" link add lan type veth peer name "wlan$(( i - 1 ))" netns "${NS[2]}"
		ipx "$h" addr add "192.168.$(( 10 * i )).1/24" dev lan
		ipx "$h" link set lan up
		lab_nat "$h" lan "veth${h}3"
		ipx 2 link set "wlan$(( i - 1 ))" up
	done
	LAB_HOTSPOT=""
}

# lab_detach_cmds: the ip commands that take the addresses (and routes)
# away from every client interface (for ip -batch: one process, so that a
# change takes milliseconds, not the time of a dozen ip processes on a busy
# host). The interfaces stay up (see above).
lab_detach_cmds() {
	local i
	for (( i = 0; i < LAB_HOTSPOTS; i++ )); do
		printf 'addr flush dev wlan%s\n' "$i"
	done
}

# lab_change CMDS: runs those ip commands in the client's namespace (one
# ip -batch), timed: LAB_CHANGE_START and LAB_CHANGE_END are the monotonic
# clock (ms, as lab_now) just before ip started and just after it was done.
lab_change() {
	local out
	out=$("$RVLAB_STREAM" time ip -n "${NS[2]}" -batch - <<<"$1") ||
		fail "ip -batch in ns2 failed: $out"
	read -r _ LAB_CHANGE_START LAB_CHANGE_END < <(tail -n 1 <<<"$out")
}

# lab_detach: the client has no interface up and no route.
lab_detach() {
	lab_change "$(lab_detach_cmds)"
	LAB_HOTSPOT=""
}

# lab_attach A|B|...: moves the client to that hotspot (leaving the others).
lab_attach() {
	local i dev net
	i=$(lab_hotspot_index "$1")
	dev=wlan$(( i - 1 )) net=192.168.$(( 10 * i ))
	pretty 2 "hotspot $1: $dev $net.2/24, default via $net.1"
	lab_change "$(lab_detach_cmds
		printf 'link set %s up\naddr add %s.2/24 dev %s\nroute add default via %s.1 dev %s\n' \
			"$dev" "$net" "$dev" "$net" "$dev")"
	LAB_HOTSPOT=$1
}

# lab_hop: to the next hotspot (after the last, the first; from none, A).
# Like lab_attach and lab_detach, it leaves the times of the change in
# LAB_CHANGE_START and LAB_CHANGE_END.
lab_hop() {
	local i=0
	[[ -n $LAB_HOTSPOT ]] && i=$(lab_hotspot_index "$LAB_HOTSPOT")
	(( i >= LAB_HOTSPOTS )) && i=0
	lab_attach "${LAB_NAMES:i:1}"
}

# lab_recv NS PORT SECS GAP_MS OUT: an rvlab-stream receiver in namespace NS,
# its report in OUT; returns once it listens, its pid in LAB_RECV_PID.
lab_recv() {
	local i
	bg "$1" "$5" "$RVLAB_STREAM" recv "$2" "$3" "$4"
	LAB_RECV_PID=$BG_PID
	for (( i = 0; i < 50; i++ )); do
		grep -q listening "$5" 2>/dev/null && return 0
		sleep 0.1
	done
	fail "rvlab-stream recv did not start: $(cat "$5")"
}

# lab_recv_end: waits for that receiver's report.
lab_recv_end() {
	wait "$LAB_RECV_PID" || true
	untrack "$LAB_RECV_PID"
}

# lab_silence REPORT T WINDOW_MS: the longest silence (ms, "24.2") of a
# stream, from its rvlab-stream recv REPORT, that began within WINDOW_MS of
# time T (ms, lab_now; from 50 ms before it).
lab_silence() {
	awk -v t="$2" -v w="$3" '$1 == "gap" && $2 >= t - 50 && $2 < t + w && $3 > m { m = $3 }
		END { printf "%.1f\n", m + 0 }' "$1"
}

# lab_check_hops REPORT HOPS WINDOW_MS: for each time in the file HOPS, prints
# the stream's silence after it (lab_silence); fails if one reached 1 s.
lab_check_hops() {
	local t g
	for t in $(cat "$2"); do
		g=$(lab_silence "$1" "$t" "$3")
		say "  hop at $t: silence $g ms"
		awk -v g="$g" 'BEGIN { exit !(g < 1000) }' || fail "the stream stopped for $g ms after a hop"
	done
}

# lab_now: the monotonic clock in ms (the stream tool's time base).
lab_now() { "$RVLAB_STREAM" now; }

# lab_ms_since T: whole ms from T (lab_now) until now.
lab_ms_since() { awk -v a="$1" -v b="$(lab_now)" 'BEGIN { printf "%.0f\n", b - a }'; }
