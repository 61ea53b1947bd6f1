# SPDX-License-Identifier: GPL-2.0-only
#
# The hotspot testbed: a server, a router standing for the Internet, two Wi-Fi
# hotspots that each NAT their clients, and a client that moves between them.
# Sourced (after nothing else: it sources tests/net/lib.sh), never run.
#
#        ns1 server                          ns3 router
#   wan0 198.51.100.1  ==rvlab-wanem==  wan0 198.51.100.254
#                                        veth34 198.18.1.3    veth35 198.18.2.3
#                                           |                     |
#                                  ns4 hotspot A          ns5 hotspot B
#                                  veth43 198.18.1.4      veth53 198.18.2.5
#                                  (NAT) lan 192.168.10.1 (NAT) lan 192.168.20.1
#                                           |                     |
#                                    wlan0 192.168.10.2    wlan1 192.168.20.2
#                                               ns2 client
#
# The link between router and server is rvlab-wanem (user space: this kernel
# has no netem), with LAB_DELAY ms one way (default 5), LAB_JITTER ms and
# LAB_LOSS percent. The client is on at most one hotspot at a time:
# lab_attach A|B takes the address (and so the routes) away from the other
# interface and gives the chosen one its address and default route, in one
# ip -batch, as a Wi-Fi handover does once associated; lab_detach leaves it
# with no address and no route at all.
#
# Environment (besides lib.sh's): RVLAB_WANEM, RVLAB_STREAM (the tools built
# from tests/lab/*.c), LAB_DELAY, LAB_JITTER, LAB_LOSS.

# shellcheck source=../net/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../net/lib.sh"

RVLAB_WANEM=${RVLAB_WANEM:-$(dirname "$ROAMVPN")/../../tests/lab/rvlab-wanem}
RVLAB_STREAM=${RVLAB_STREAM:-$(dirname "$ROAMVPN")/../../tests/lab/rvlab-stream}
LAB_DELAY=${LAB_DELAY:-5}
LAB_JITTER=${LAB_JITTER:-0}
LAB_LOSS=${LAB_LOSS:-0}
LAB_SERVER=198.51.100.1
LAB_HOTSPOT=""              # A, B or "" (detached)

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

# lab_setup: the testbed above, the client detached.
lab_setup() {
	make_ns 1 2 3 4 5
	bg 3 "$WORK/wanem.out" "$RVLAB_WANEM" "${NS[3]}" wan0 "${NS[1]}" wan0 -d "$LAB_DELAY" \
		-j "$LAB_JITTER" -l "$LAB_LOSS"
	VPN_PID[wanem]=$BG_PID
	local i
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

	ipx 3 link add veth34 type veth peer name veth43 netns "${NS[4]}"
	ipx 3 link add veth35 type veth peer name veth53 netns "${NS[5]}"
	ipx 3 addr add 198.18.1.3/24 dev veth34
	ipx 3 addr add 198.18.2.3/24 dev veth35
	ipx 3 link set veth34 up
	ipx 3 link set veth35 up
	ipx 4 addr add 198.18.1.4/24 dev veth43
	ipx 5 addr add 198.18.2.5/24 dev veth53
	ipx 4 link set veth43 up
	ipx 5 link set veth53 up
	ipx 4 route add default via 198.18.1.3
	ipx 5 route add default via 198.18.2.3

	ipx 4 link add lan type veth peer name wlan0 netns "${NS[2]}"
	ipx 5 link add lan type veth peer name wlan1 netns "${NS[2]}"
	ipx 4 addr add 192.168.10.1/24 dev lan
	ipx 5 addr add 192.168.20.1/24 dev lan
	ipx 4 link set lan up
	ipx 5 link set lan up
	lab_nat 4 lan veth43
	lab_nat 5 lan veth53
	ipx 2 link set wlan0 up
	ipx 2 link set wlan1 up
	LAB_HOTSPOT=""
}

# The client's side of leaving every hotspot, as ip -batch commands: the
# addresses go, and the routes with them. The interfaces stay up: a device
# brought up gets its queueing discipline from the kernel's link watcher up
# to a second later, and drops what is sent before (the first ARP request,
# so the first packets wait a second). A real Wi-Fi interface is up long
# before its new address, after association and DHCP.
lab_detach_cmds() {
	local dev
	for dev in wlan0 wlan1; do
		printf 'addr flush dev %s\n' "$dev"
	done
}

# lab_detach: the client has no interface up and no route.
lab_detach() {
	lab_detach_cmds | ip -n "${NS[2]}" -batch -
	LAB_HOTSPOT=""
}

# lab_attach A|B: moves the client to that hotspot (leaving the other). One
# ip process does it all, so that a hop takes a millisecond, not the time of
# several process starts on a loaded machine.
lab_attach() {
	local dev=wlan0 net=192.168.10
	[[ $1 == B ]] && dev=wlan1 net=192.168.20
	pretty 2 "hotspot $1: $dev $net.2/24, default via $net.1"
	{
		lab_detach_cmds
		printf 'link set %s up\naddr add %s.2/24 dev %s\nroute add default via %s.1 dev %s\n' \
			"$dev" "$net" "$dev" "$net" "$dev"
	} | ip -n "${NS[2]}" -batch -
	LAB_HOTSPOT=$1
}

# lab_hop: to the other hotspot.
lab_hop() {
	if [[ $LAB_HOTSPOT == A ]]; then lab_attach B; else lab_attach A; fi
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

# lab_now: the monotonic clock in ms (the stream tool's time base).
lab_now() { "$RVLAB_STREAM" now; }
