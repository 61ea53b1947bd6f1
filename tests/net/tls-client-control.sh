#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# TLS mode: roamvpn as a client (--client, ns2) of an openvpn 2.6 server
# (ns1) that controls it. The expected behaviour is openvpn 2.6's as a client
# in the same situation (exit statuses included).
#
# 1. --auth-user-pass FILE, the server checking it with
#    --auth-user-pass-verify SCRIPT via-file: the right password connects
#    (ping through).
# 2. A wrong password: the server sends AUTH_FAILED, roamvpn logs
#    "AUTH: Received control message: AUTH_FAILED" and exits (status 0, as
#    openvpn does); with --auth-retry nointeract it tries again and again.
# 3. The server's management interface: "client-kill CID" sends RESTART,
#    roamvpn restarts (server-pushed-connection-reset), connects again and
#    the tunnel works; "client-kill CID HALT" makes it exit (status 0).
# 4. --explicit-exit-notify 1: on SIGTERM the server receives the exit
#    notification (its log: "CC-EEN exit message received") and drops the
#    client from its list within 10 s, not after its ping-restart (120 s).
# 5. --keepalive 2 6 on the server, which is then killed (SIGKILL, so it
#    says nothing): roamvpn restarts on --ping-restart; when the server is
#    back, a full new handshake (a new "Control Channel:" line) and traffic.
# 6. Two --remote entries, the first one a silent address: after
#    --server-poll-timeout 3 roamvpn goes on to the second and connects.

# Under sh (SH_LOG_COMPILER may be /bin/sh), start again under bash.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

source "$(dirname "$0")/lib.sh"

require_tls_env openvpn
p2p_setup
tls_pki

MGMT=7505

# The server's check of user names and passwords (via-file: the file holds
# the name, then the password).
cat >"$WORK/verify-user.sh" <<'EOF'
#!/bin/sh
[ "$(sed -n 1p "$1")" = alice ] && [ "$(sed -n 2p "$1")" = s3cret ]
EOF
chmod 755 "$WORK/verify-user.sh"
printf 'alice\ns3cret\n' >"$WORK/good.pass"
printf 'alice\nwrong\n' >"$WORK/bad.pass"
chmod 600 "$WORK"/*.pass

# auth_server: a server that wants a user name and password, with its
# management interface on 127.0.0.1:$MGMT (in ns1).
auth_server() {
	ovpn_server srv --script-security 2 \
		--auth-user-pass-verify "$WORK/verify-user.sh" via-file \
		--management 127.0.0.1 "$MGMT"
}

# client_ids: the client ids the server lists (management "status 2").
client_ids() {
	ovpn_mgmt "$MGMT" "status 2" | awk -F, '$1 == "CLIENT_LIST" { print $11 }'
}

tunnel_ok() {
	ping_ok 2 "$SRV_NET.1"
	ping_ok 1 "$SRV_NET.2"
}

auth_user_pass() {
	auth_server
	say "-- the right password"
	tls_client cli rv --auth-user-pass "$WORK/good.pass"
	vpn_wait_init cli
	tunnel_ok
	assert_log srv "TLS: Username/Password authentication succeeded for username 'alice'"
	vpn_stop cli

	say "-- a wrong password: AUTH_FAILED, roamvpn exits"
	tls_client bad rv --auth-user-pass "$WORK/bad.pass"
	wait_gone "${VPN_PID[bad]}" "$TIMEOUT" || fail "roamvpn did not exit after AUTH_FAILED"
	vpn_reap bad
	assert_no_crash bad "$VPN_STATUS"
	grep -E 'AUTH|received' "$WORK/bad.log" | sed -E 's/^[0-9-]+ [0-9:]+ /  roamvpn: /'
	assert_log bad 'AUTH: Received control message: AUTH_FAILED'
	assert_eq "$VPN_STATUS" 0 "exit status of roamvpn after AUTH_FAILED (openvpn 2.6: 0)"
	assert_eq "$(log_count bad 'Initialization Sequence Completed')" 0 "start-ups completed"
	assert_no_dev 2 vpn0

	say "-- a wrong password with --auth-retry nointeract: tries again"
	tls_client retry rv --auth-user-pass "$WORK/bad.pass" --auth-retry nointeract
	wait_log_count retry 'AUTH: Received control message: AUTH_FAILED' 2 30
	assert_log retry 'Restart pause'
	assert_alive "${VPN_PID[retry]}" "roamvpn with --auth-retry nointeract"
	say "  $(log_count retry 'AUTH_FAILED$') AUTH_FAILED so far, still trying"
	vpn_stop retry
	vpn_stop srv
}

client_kill() {
	local cid mark
	auth_server
	tls_client cli rv --auth-user-pass "$WORK/good.pass"
	vpn_wait_init cli
	tunnel_ok

	say "-- client-kill: RESTART"
	cid=$(client_ids)
	[[ $cid =~ ^[0-9]+$ ]] || fail "the server lists client ids '$cid', expected one"
	mark=$(log_mark cli)
	ovpn_mgmt "$MGMT" "client-kill $cid" | grep -q '^SUCCESS' || fail "client-kill $cid failed"
	wait_log cli "Received control message: 'RESTART'" 10 "$mark"
	wait_log cli 'server-pushed-connection-reset' 5 "$mark"
	wait_log cli 'Control Channel: TLSv1' "$TIMEOUT" "$mark"
	wait_log cli 'Initialization Sequence Completed' "$TIMEOUT" "$mark"
	log_since cli 'RESTART|server-pushed|Restart pause|Initialization' "$mark" |
		sed -E 's/^[0-9-]+ [0-9:]+ /  roamvpn: /'
	tunnel_ok

	say "-- client-kill HALT: roamvpn exits"
	cid=$(client_ids)
	[[ $cid =~ ^[0-9]+$ ]] || fail "the server lists client ids '$cid', expected one"
	mark=$(log_mark cli)
	ovpn_mgmt "$MGMT" "client-kill $cid HALT" | grep -q '^SUCCESS' || fail "client-kill $cid HALT failed"
	wait_gone "${VPN_PID[cli]}" 10 || fail "roamvpn did not exit on HALT"
	vpn_reap cli
	assert_no_crash cli "$VPN_STATUS"
	assert_log cli "Received control message: 'HALT'" "$mark"
	assert_log cli 'server-pushed-halt' "$mark"
	assert_eq "$VPN_STATUS" 0 "exit status of roamvpn after HALT (openvpn 2.6: 0)"
	assert_no_dev 2 vpn0
	vpn_stop srv
}

exit_notify() {
	local mark i ids
	auth_server
	tls_client cli rv --auth-user-pass "$WORK/good.pass" --explicit-exit-notify 1
	vpn_wait_init cli
	tunnel_ok
	[[ -n $(client_ids) ]] || fail "the server does not list the client"
	mark=$(log_mark srv)
	vpn_stop cli
	wait_log srv 'CC-EEN exit message received' 3 "$mark"
	say "  openvpn: $(log_since srv 'CC-EEN|Delayed exit' "$mark" | cut -d' ' -f4- | tr '\n' ' ')"
	# openvpn frees the client 5 s after the notification (without it, only
	# after ping-restart, 120 s here).
	for (( i = 0; i < 100; i++ )); do
		ids=$(client_ids 2>/dev/null)
		[[ -z $ids ]] && break
		sleep 0.1
	done
	[[ -z $ids ]] || fail "the server still lists client $ids 10 s after its exit notification"
	say "  the server dropped the client after $(( i / 10 )).$(( i % 10 )) s"
	vpn_stop srv
}

keepalive_restart() {
	local mark
	ovpn_server srv --keepalive 2 6
	tls_client cli rv
	vpn_wait_init cli
	assert_log cli "Received control message: 'PUSH_REPLY,.*ping 2,ping-restart 6"
	tunnel_ok

	say "-- the server is killed: roamvpn hears nothing for 6 s"
	mark=$(log_mark cli)
	vpn_stop srv KILL
	wait_log cli 'Inactivity timeout \(--ping-restart\), restarting' 12 "$mark"
	wait_log cli 'Restart pause' 5 "$mark"
	sleep 2
	assert_alive "${VPN_PID[cli]}" "roamvpn while the server is away"
	say "-- the server is back"
	ovpn_server srv --keepalive 2 6
	wait_log cli 'Control Channel: TLSv1' 30 "$mark"
	wait_log cli 'Initialization Sequence Completed' 10 "$mark"
	log_since cli 'Inactivity|Restart pause|Control Channel|Initialization' "$mark" |
		sed -E 's/^[0-9-]+ [0-9:]+ /  roamvpn: /'
	assert_eq "$(log_count cli 'Control Channel: TLSv1')" 2 "TLS handshakes of roamvpn"
	tunnel_ok
	assert_no_drops cli
	vpn_stop cli
	vpn_stop srv
}

remote_list() {
	local start
	ovpn_server srv
	# $UNDER.99 is on the link, but nobody has it: packets to it vanish.
	start=$(date +%s)
	REMOTE="" tls_client cli rv --remote "$UNDER.99" 1194 --remote "$UNDER.1" 1194 \
		--server-poll-timeout 3
	vpn_wait_init cli
	say "  up after $(( $(date +%s) - start )) s"
	grep -E 'UDP link remote|server-poll|Restart pause|Peer Connection' "$WORK/cli.log" |
		sed -E 's/^[0-9-]+ [0-9:]+ /  roamvpn: /'
	assert_log cli "UDP link remote: $UNDER.99:1194"
	assert_log cli 'the server did not answer within 3 s \(--server-poll-timeout\)'
	assert_log cli "UDP link remote: $UNDER.1:1194"
	assert_log cli "Peer Connection Initiated with $UNDER.1:1194"
	tunnel_ok
	vpn_stop cli
	vpn_stop srv
}

run_section "--auth-user-pass: accepted, AUTH_FAILED, --auth-retry nointeract" auth_user_pass
run_section "management client-kill: RESTART, then HALT" client_kill
run_section "--explicit-exit-notify 1" exit_notify
run_section "server --keepalive 2 6, server killed and back" keepalive_restart
run_section "--remote list, the first silent, --server-poll-timeout 3" remote_list
