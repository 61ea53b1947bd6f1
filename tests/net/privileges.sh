#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# roamvpn giving up its privileges once the tunnel is up; openvpn 2.6 is the
# peer.
#
# 1. Static key, roamvpn (ns1) with --user nobody --group nogroup --chroot
#    JAIL --mlock --persist-tun --persist-key: it logs each step, the process
#    then runs as nobody:nogroup (real, effective, saved and filesystem ids,
#    no supplementary group but nogroup), its root is JAIL, its memory is
#    locked (VmLck > 0); the tunnel works; SIGUSR1 restarts it without
#    privileges and the tunnel works again.
# 2. TLS client of an openvpn server, --user nobody --group nogroup
#    --persist-tun --persist-key: up, then SIGUSR1: a new TLS handshake with
#    the certificates read by the first run, the pushed configuration is what
#    the device has ("Preserving previous TUN/TAP instance"), pings pass.
# 3. A server (--server) likewise: after SIGUSR1 without privileges it serves
#    a new openvpn client with the certificates of the first run.
# 4. --user with a name that does not exist: exit status 1 and a line naming
#    the option, before anything is set up.

# Under sh (SH_LOG_COMPILER may be /bin/sh), start again under bash.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

source "$(dirname "$0")/lib.sh"

require_tls_env openvpn
getent passwd nobody >/dev/null || skip "no user nobody"
getent group nogroup >/dev/null || skip "no group nogroup"
p2p_setup
tls_pki
KEY="$WORK/static.key"
genkey_openvpn "$KEY"
NOBODY=$(id -u nobody)
NOGROUP=$(getent group nogroup | cut -d: -f3)

# assert_dropped NAME [JAIL]: NAME runs as nobody:nogroup (and in JAIL).
assert_dropped() {
	local pid=${VPN_PID[$1]} uids gids groups
	uids=$(awk '$1 == "Uid:" { print $2, $3, $4, $5 }' "/proc/$pid/status")
	gids=$(awk '$1 == "Gid:" { print $2, $3, $4, $5 }' "/proc/$pid/status")
	groups=$(awk '$1 == "Groups:" { $1 = ""; print }' "/proc/$pid/status" | xargs)
	say "  pid $pid: Uid $uids, Gid $gids, Groups '$groups'"
	assert_eq "$uids" "$NOBODY $NOBODY $NOBODY $NOBODY" "user ids of $1 (real effective saved fs)"
	assert_eq "$gids" "$NOGROUP $NOGROUP $NOGROUP $NOGROUP" "group ids of $1"
	assert_eq "$groups" "$NOGROUP" "supplementary groups of $1"
	if [[ -n ${2:-} ]]; then
		assert_eq "$(readlink "/proc/$pid/root")" "$2" "root directory of $1"
	fi
}

static_key() {
	local jail=$WORK/jail mark lck
	mkdir -p "$jail"
	mapfile -t args < <(p2p_args 1 rv AES-256-CBC SHA256 "$KEY" flags --user nobody \
		--group nogroup --chroot "$jail" --mlock --persist-tun --persist-key)
	vpn_start rv 1 rv "${args[@]}"
	mapfile -t args < <(p2p_args 2 ovpn AES-256-CBC SHA256 "$KEY" flags)
	vpn_start ovpn 2 ovpn "${args[@]}"
	vpn_wait_init rv ovpn
	wait_log rv 'UID set to nobody'
	assert_log rv "chroot to '$jail' and cd to '/' succeeded"
	assert_log rv 'GID set to nogroup'
	assert_dropped rv "$jail"
	lck=$(awk '$1 == "VmLck:" { print $2 }' "/proc/${VPN_PID[rv]}/status")
	say "  VmLck: $lck kB"
	assert_gt "$lck" 0 "locked memory of roamvpn (--mlock), kB"
	ping_ok 1 "$TUN_NET.2"
	ping_ok 2 "$TUN_NET.1" -s 1400

	mark=$(log_mark rv)
	pretty "" "kill -USR1 ${VPN_PID[rv]}  # rv"
	kill -USR1 "${VPN_PID[rv]}"
	wait_log rv 'Initialization Sequence Completed' "$TIMEOUT" "$mark"
	assert_alive "${VPN_PID[rv]}" "roamvpn after SIGUSR1 without privileges"
	[[ $(log_since rv 'ERROR' "$mark" | grep -c .) == 0 ]] ||
		fail "errors after the restart: $(log_since rv 'ERROR' "$mark")"
	ping_ok 1 "$TUN_NET.2"
	ping_ok 2 "$TUN_NET.1"
	assert_dropped rv "$jail"
	vpn_stop rv
	assert_no_dev 1 vpn0
	vpn_stop ovpn
}

tls_client_restart() {
	local mark
	ovpn_server srv
	tls_client cli rv --user nobody --group nogroup --persist-tun --persist-key
	vpn_wait_init cli
	wait_log cli 'UID set to nobody'
	assert_dropped cli
	ping_ok 2 "$SRV_NET.1"

	mark=$(log_mark cli)
	pretty "" "kill -USR1 ${VPN_PID[cli]}  # cli"
	kill -USR1 "${VPN_PID[cli]}"
	wait_log cli 'Control Channel: TLSv1' "$TIMEOUT" "$mark"
	wait_log cli 'Initialization Sequence Completed' "$TIMEOUT" "$mark"
	assert_log cli 'Preserving previous TUN/TAP instance: vpn0' "$mark"
	log_since cli 'Control Channel|Preserving|Initialization|ERROR' "$mark" |
		sed -E 's/^[0-9-]+ [0-9:]+ /  roamvpn: /'
	[[ $(log_since cli 'ERROR' "$mark" | grep -c .) == 0 ]] ||
		fail "errors after the restart: $(log_since cli 'ERROR' "$mark")"
	ping_ok 2 "$SRV_NET.1"
	ping_ok 1 "$SRV_NET.2"
	assert_dropped cli
	vpn_stop cli
	assert_no_dev 2 vpn0
	vpn_stop srv
}

server_restart() {
	local mark
	vpn_up srv 1 rv --dev vpn0 --dev-type tun --local "$UNDER.1" --port 1194 \
		--server "$SRV_NET.0" 255.255.255.0 --topology subnet --ca "$PKI/ca.crt" \
		--cert "$PKI/server.crt" --key "$PKI/server.key" --dh none --keepalive 10 60 \
		--user nobody --group nogroup --persist-tun --persist-key --verb 4
	wait_log srv 'UID set to nobody'
	assert_dropped srv
	mark=$(log_mark srv)
	pretty "" "kill -USR1 ${VPN_PID[srv]}  # srv"
	kill -USR1 "${VPN_PID[srv]}"
	wait_log srv 'Initialization Sequence Completed' "$TIMEOUT" "$mark"
	[[ $(log_since srv 'ERROR' "$mark" | grep -c .) == 0 ]] ||
		fail "errors after the restart: $(log_since srv 'ERROR' "$mark")"
	tls_client cli ovpn
	vpn_wait_init cli
	ping_ok 2 "$SRV_NET.1"
	assert_dropped srv
	vpn_stop cli
	vpn_stop srv
}

no_such_user() {
	local rc=0 out
	pretty 1 "$ROAMVPN ... --user roamvpn-no-such-user"
	out=$(nsq 1 timeout 10 "$ROAMVPN" --dev vpn0 --dev-type tun --ifconfig "$TUN_NET.1" "$TUN_NET.2" \
		--secret "$KEY" 0 --cipher AES-256-CBC --user roamvpn-no-such-user 2>&1) || rc=$?
	say "  $(grep -m 1 'no such user' <<<"$out")"
	assert_eq "$rc" 1 "exit status with an unknown --user"
	grep -q -- '--user roamvpn-no-such-user: no such user' <<<"$out" ||
		fail "no line naming the unknown user: $out"
	assert_no_dev 1 vpn0
}

run_section "static key: --user --group --chroot --mlock, then SIGUSR1" static_key
run_section "TLS client: --user --group --persist-tun --persist-key, then SIGUSR1" tls_client_restart
run_section "server: --user --group --persist-tun --persist-key, then SIGUSR1" server_restart
run_section "--user that does not exist" no_such_user
