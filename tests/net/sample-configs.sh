#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The shipped sample configurations, sample-config-files/static-home.conf and
# static-office.conf, run as they are but for the remote address: first
# roamvpn at home with openvpn 2.6 at the office, then the other way round.
# Each time: ping both ways through the tunnel, and the office's route to the
# home network points into the tunnel.

[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

source "$(dirname "$0")/lib.sh"

require_netns_env openvpn
p2p_setup

samples=$TOP_SRCDIR/sample-config-files

# place IMPL SIDE: a directory with the sample for SIDE (home or office) and
# the shared key; the home end's remote points at ns2.
place() {
	local dir=$WORK/$1-$2
	mkdir -p "$dir"
	cp "$WORK/static.key" "$dir/"
	sed "s/^remote office.example.net/remote $UNDER.2/" "$samples/static-$2.conf" \
		>"$dir/static-$2.conf"
	printf '%s\n' "$dir"
}

sample_case() {
	local home=$1 office=$2 hdir odir bad
	hdir=$(place "$home" home)
	odir=$(place "$office" office)
	vpn_start office 2 "$office" --cd "$odir" --config static-office.conf
	vpn_start home 1 "$home" --cd "$hdir" --config static-home.conf
	vpn_wait_init home office
	ping_ok 1 10.8.0.2
	ping_ok 2 10.8.0.1
	ping_ok 2 10.8.0.1 -s 1400
	nsx 2 ip route get 192.168.10.1 | grep -q "via 10.8.0.1" ||
		fail "the office has no route to 192.168.10.0/24 through the tunnel"
	say "  the office routes 192.168.10.0/24 via 10.8.0.1"
	[[ ${VPN_IMPL[home]} == rv ]] && assert_no_drops home
	# The office has no --remote: what its device sends before the home end
	# is first heard from has nowhere to go (no-peer-address). Nothing else.
	if [[ ${VPN_IMPL[office]} == rv ]]; then
		stats_snapshot office
		bad=$(grep '^dropped ' "$WORK/office.stats" | grep -v ',0$' |
			grep -v '^dropped no-peer-address,') || true
		[[ -z $bad ]] || fail "office dropped packets: $bad"
		say "office: no drops but no-peer-address"
	fi
	vpn_stop home
	vpn_stop office
}

genkey_roamvpn "$WORK/static.key"
run_section "roamvpn at home, openvpn at the office" sample_case rv ovpn
run_section "openvpn at home, roamvpn at the office" sample_case ovpn rv
