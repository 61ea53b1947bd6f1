#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# roamvpn as a daemon, its signals and its timers; openvpn is the peer.
#
# 1. --daemon --writepid --log with a config file: the command returns once
#    the tunnel is up, the pid file names the backgrounded process (its own
#    session), the log has the start-up; SIGUSR1 restarts and, with
#    --persist-tun, keeps the device; SIGHUP reloads a changed config (verb
#    3 -> 4 shows in what gets logged); SIGHUP with a broken config keeps the
#    running one (and says so); the tunnel works after each; SIGTERM exits
#    and removes the device.
# 2. --ping 1 --ping-restart 4: keepalives keep the tunnel up; once the peer
#    is killed, "Inactivity timeout (--ping-restart), restarting" comes
#    within the bound, and the tunnel recovers when the peer returns.
# 3. --ping-exit 3 without a peer: exits, device gone.
# 4. --inactive 3: traffic keeps it alive; once idle (keepalives do not
#    count) it exits, device gone.

# Under sh (SH_LOG_COMPILER may be /bin/sh), start again under bash.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

source "$(dirname "$0")/lib.sh"

require_netns_env openvpn
p2p_setup
KEY="$WORK/static.key"
genkey_openvpn "$KEY"

# A stray datagram to roamvpn's port from a port it does not know: dropped as
# source-not-allowed, which --verb 4 logs and --verb 3 does not.
stray() {
	pretty 2 "printf stray >/dev/udp/$UNDER.1/1194"
	nsq 2 bash -c "printf stray >/dev/udp/$UNDER.1/1194"
}

start_peer() { # [ARGS...]
	mapfile -t args < <(p2p_args 2 ovpn AES-256-CBC SHA256 "$KEY" flags "$@")
	vpn_start ovpn 2 ovpn "${args[@]}"
}

tunnel_ok() {
	ping_ok 1 "$TUN_NET.2"
	ping_ok 2 "$TUN_NET.1"
}

daemon_and_signals() {
	CONF="$WORK/rv.conf"
	{
		printf 'dev vpn0\ndev-type tun\n'
		printf 'ifconfig %s %s\nremote %s\n' "$TUN_NET.1" "$TUN_NET.2" "$UNDER.2"
		printf 'cipher AES-256-CBC\nauth SHA256\nsecret %s 0\n' "$KEY"
		printf 'persist-tun\nverb 3\n'
	} >"$CONF"
	PIDFILE="$WORK/rv.pid"
	: >"$WORK/rv.log"
	start=$(date +%s)
	rc=0
	n1 timeout 30 "$ROAMVPN" --config "$CONF" --daemon roamvpn-test --writepid "$PIDFILE" \
		--log "$WORK/rv.log" || rc=$?
	assert_eq "$rc" 0 "exit status of the foreground roamvpn --daemon (124: never backgrounded)"
	say "backgrounded after $(( $(date +%s) - start )) s"
	for (( i = 0; i < TIMEOUT * 10; i++ )); do
		[[ -s $PIDFILE ]] && break
		sleep 0.1
	done
	[[ -s $PIDFILE ]] || fail "no pid file $PIDFILE"
	pid=$(<"$PIDFILE")
	[[ $pid =~ ^[0-9]+$ ]] || fail "pid file holds '$pid'"
	track "$pid"
	VPN_PID[rv]=$pid
	VPN_IMPL[rv]=rv
	assert_alive "$pid" "roamvpn from the pid file"
	assert_eq "$(readlink "/proc/$pid/exe")" "$(readlink -f "$ROAMVPN")" "program of pid $pid"
	# /proc/PID/stat after the command name: state ppid pgrp session ...
	read -r _ ppid _ sid _ < <(sed 's/^.*) //' "/proc/$pid/stat")
	say "daemon pid $pid, parent $ppid, session $sid"
	[[ $ppid != "$$" ]] || fail "the daemon is still a child of the test shell"
	assert_eq "$sid" "$pid" "session of the daemon (setsid)"
	# Written before it backgrounded: the log must keep it.
	soft assert_log rv 'Initialization Sequence Completed'
	soft assert_log rv 'roamvpn .* \(OpenVPN 2.6 wire protocol\)'

	start_peer
	vpn_wait_init ovpn
	tunnel_ok

	say "-- SIGUSR1 with --persist-tun"
	ifindex=$(dev_ifindex 1 vpn0)
	mark=$(log_mark rv)
	pretty "" "kill -USR1 $pid"
	kill -USR1 "$pid"
	# A signal is handled at once: 10 s is plenty.
	wait_log rv 'SIGUSR1\[soft\] received, restarting' 10 "$mark"
	wait_log rv 'Initialization Sequence Completed' "$TIMEOUT" "$mark"
	assert_alive "$pid" "roamvpn after SIGUSR1"
	assert_eq "$(dev_ifindex 1 vpn0)" "$ifindex" "ifindex of vpn0 across SIGUSR1 (--persist-tun)"
	say "vpn0 kept its ifindex $ifindex"
	tunnel_ok

	say "-- SIGHUP with a changed config (verb 3 -> 4)"
	stray
	sleep 0.3
	stats_snapshot rv
	assert_gt "$(stat_get rv 'dropped source-not-allowed')" 0 "stray datagram dropped"
	[[ $(log_count rv 'dropped packet') == 0 ]] || fail "--verb 3 logged a dropped packet"
	sed -i 's/^verb 3$/verb 4/' "$CONF"
	mark=$(log_mark rv)
	pretty "" "kill -HUP $pid"
	kill -HUP "$pid"
	wait_log rv 'Initialization Sequence Completed' "$TIMEOUT" "$mark"
	assert_alive "$pid" "roamvpn after SIGHUP"
	soft assert_log rv 'SIGHUP\[soft\] received, reloading the configuration'
	# What was logged before the reload stays in the --log file, as with openvpn.
	soft assert_log rv 'SIGUSR1\[soft\] received'
	tunnel_ok
	stray
	wait_log rv "dropped packet from $UNDER.2:[0-9]+: source-not-allowed" 5 "$mark"
	say "verb 4 is in effect: the stray datagram was logged"

	say "-- SIGHUP with a broken config keeps the running one"
	printf 'no-such-option 1\n' >>"$CONF"
	mark=$(log_mark rv)
	pretty "" "kill -HUP $pid"
	kill -HUP "$pid"
	wait_log rv 'keeping the running one' "$TIMEOUT" "$mark"
	wait_log rv 'Initialization Sequence Completed' "$TIMEOUT" "$mark"
	log_since rv 'no-such-option|keeping the running' "$mark"
	assert_alive "$pid" "roamvpn after SIGHUP with a broken config"
	tunnel_ok
	mark=$(log_mark rv)
	stray
	wait_log rv "dropped packet from $UNDER.2:[0-9]+: source-not-allowed" 5 "$mark"
	say "still at verb 4"

	say "-- SIGTERM"
	pretty "" "kill -TERM $pid"
	kill -TERM "$pid"
	wait_gone "$pid" "$TIMEOUT" || fail "roamvpn did not exit within $TIMEOUT s of SIGTERM"
	untrack "$pid"
	assert_log rv 'SIGTERM\[hard\] received, process exiting'
	assert_no_dev 1 vpn0
	vpn_stop ovpn
}

ping_restart() {
	mapfile -t args < <(p2p_args 1 rv AES-256-CBC SHA256 "$KEY" flags --ping 1 --ping-restart 4)
	vpn_start rv 1 rv "${args[@]}"
	start_peer --ping 1
	vpn_wait_init rv ovpn
	tunnel_ok
	say "idle for 6 s: keepalives must keep the tunnel up"
	sleep 6
	stats_snapshot rv
	assert_gt "$(stat_get rv 'keepalives received')" 3 "keepalives received"
	assert_gt "$(stat_get rv 'keepalives sent')" 3 "keepalives sent"
	[[ $(log_count rv 'Inactivity timeout') == 0 ]] || fail "restarted although the peer is alive"
	mark=$(log_mark rv)
	vpn_stop ovpn KILL
	start=$(date +%s)
	wait_log rv 'Inactivity timeout \(--ping-restart\), restarting' 10 "$mark"
	took=$(( $(date +%s) - start ))
	say "ping-restart after $took s (bound 4 s + 1 s of slack each side)"
	(( took >= 2 )) || fail "ping-restart came after $took s, before its 4 s"
	wait_log rv 'Initialization Sequence Completed' "$TIMEOUT" "$mark"
	assert_alive "${VPN_PID[rv]}" "roamvpn after ping-restart"
	start_peer --ping 1
	vpn_wait_init ovpn
	tunnel_ok
	vpn_stop ovpn
	vpn_stop rv
	assert_no_dev 1 vpn0
}

ping_exit() {
	mapfile -t args < <(p2p_args 1 rv AES-256-CBC SHA256 "$KEY" flags --ping 1 --ping-exit 3)
	vpn_up rv 1 rv "${args[@]}"
	start=$(date +%s)
	wait_log rv 'Inactivity timeout \(--ping-exit\), exiting' 10
	wait_gone "${VPN_PID[rv]}" "$TIMEOUT" || fail "roamvpn did not exit after --ping-exit"
	vpn_reap rv
	say "exited after $(( $(date +%s) - start )) s with status $VPN_STATUS"
	assert_no_dev 1 vpn0
}

inactive() {
	mapfile -t args < <(p2p_args 1 rv AES-256-CBC SHA256 "$KEY" flags --ping 1 --inactive 3)
	vpn_start rv 1 rv "${args[@]}"
	start_peer --ping 1
	vpn_wait_init rv ovpn
	say "traffic for 5 s keeps it running"
	n1 ping -n -q -c 10 -i 0.5 "$TUN_NET.2"
	assert_alive "${VPN_PID[rv]}" "roamvpn with tunnel traffic and --inactive 3"
	start=$(date +%s)
	wait_log rv 'Inactivity timeout \(--inactive\), exiting' 10
	wait_gone "${VPN_PID[rv]}" "$TIMEOUT" || fail "roamvpn did not exit after --inactive"
	vpn_reap rv
	took=$(( $(date +%s) - start ))
	say "exited $took s after the traffic stopped, with status $VPN_STATUS"
	assert_no_dev 1 vpn0
	vpn_stop ovpn
}

run_section "1. --daemon --writepid --log; SIGUSR1, SIGHUP, SIGTERM" daemon_and_signals
run_section "2. --ping 1 --ping-restart 4" ping_restart
run_section "3. --ping 1 --ping-exit 3 without a peer" ping_exit
run_section "4. --inactive 3" inactive
