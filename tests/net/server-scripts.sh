#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Per-client configuration and scripts of a roamvpn server (ns1) with an
# openvpn 2.6 client (ns2) that logs in with a username and password.
#
# 1. --client-config-dir: the client's file (its CN, Test-Client) gives it
#    10.8.0.77 (ifconfig-push), a pushed route 10.99.0.0/16 and an iroute
#    10.200.0.0/16: the server's ping to 10.200.0.1 (on the client's lo)
#    goes through the tunnel. --auth-user-pass-verify via-file sees the
#    username and password; --client-connect gets OpenVPN's environment
#    (common_name, username, trusted_ip, ifconfig_pool_remote_ip ...) and
#    the options it writes to its file are pushed (route 10.98.0.0/16);
#    --client-disconnect sees bytes_received, bytes_sent, time_duration.
# 2. A wrong password (via-env this time) gets AUTH_FAILED.
# 3. --username-as-common-name with user "bob", whose client-config-dir file
#    says disable: refused.
# 4. --verify-client-cert none: a client with no certificate, only a
#    username and password, is admitted as its username (carol), at the
#    address its client-connect script writes (ifconfig-push).
# 5. --max-clients 1: a second client is held off until the first leaves,
#    then gets in.
# 6. Without --duplicate-cn a second connection with the same certificate
#    replaces the first; --connect-freq 1 10 holds a second new client off
#    for the rest of the 10 s window.

# Under sh (SH_LOG_COMPILER may be /bin/sh), start again under bash.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

source "$(dirname "$0")/lib.sh"

require_tls_env openvpn
p2p_setup
tls_pki

CCD=$WORK/ccd
mkdir -p "$CCD"
cat >"$CCD/Test-Client" <<CCDF
ifconfig-push $SRV_NET.77 255.255.255.0
push "route 10.99.0.0 255.255.0.0"
iroute 10.200.0.0 255.255.0.0
CCDF
printf 'disable\n' >"$CCD/bob"

# The scripts log what they saw into $WORK/<script>.env.
cat >"$WORK/verify.sh" <<SH
#!/bin/sh
{ env | sort; [ -n "\$1" ] && echo "file:\$(tr '\n' ' ' <"\$1")"; } >"$WORK/verify.env"
if [ -n "\$1" ]; then pw=\$(sed -n 2p "\$1"); else pw=\$password; fi
[ "\$pw" = secret ]
SH
cat >"$WORK/connect.sh" <<SH
#!/bin/sh
env | sort >"$WORK/connect.env"
echo 'push "route 10.98.0.0 255.255.0.0"' >"\$1"
SH
cat >"$WORK/disconnect.sh" <<SH
#!/bin/sh
env | sort >"$WORK/disconnect.env"
SH
chmod +x "$WORK"/*.sh

server_start() { # METHOD [EXTRA...]
	local method=$1
	local -a sargs
	shift
	mapfile -t sargs < <(ovpn_server_args --verb 4 --client-config-dir "$CCD" \
		--script-security 3 --auth-user-pass-verify "$WORK/verify.sh" "$method" \
		--client-connect "$WORK/connect.sh" --client-disconnect "$WORK/disconnect.sh" \
		--route 10.200.0.0 255.255.0.0 "$@")
	vpn_up server 1 rv "${sargs[@]}"
}

client_start() { # USER PASSWORD
	printf '%s\n%s\n' "$1" "$2" >"$WORK/up.txt"
	tls_client client ovpn --auth-user-pass "$WORK/up.txt" --explicit-exit-notify 1
}

env_has() { # FILE LINE
	grep -qx "$2" "$1" || fail "$(basename "$1") lacks $2: $(tr '\n' ' ' <"$1")"
}

ccd_and_scripts() {
	server_start via-file
	nsq 2 ip addr add 10.200.0.1/32 dev lo
	client_start alice secret
	vpn_wait_init client
	assert_eq "$(tun_addr 2)" "$SRV_NET.77" "the client's address (ifconfig-push)"
	assert_log client 'PUSH_REPLY,.*route 10.99.0.0 255.255.0.0'
	assert_log client 'PUSH_REPLY,.*route 10.98.0.0 255.255.0.0'
	env_has "$WORK/verify.env" 'file:alice secret '
	env_has "$WORK/verify.env" 'script_type=user-pass-verify'
	env_has "$WORK/verify.env" 'untrusted_ip=192.168.241.2'
	if grep -q '^password=' "$WORK/verify.env"; then fail "via-file put the password into the environment"; fi
	env_has "$WORK/connect.env" 'common_name=Test-Client'
	env_has "$WORK/connect.env" 'username=alice'
	env_has "$WORK/connect.env" 'trusted_ip=192.168.241.2'
	env_has "$WORK/connect.env" "ifconfig_pool_remote_ip=$SRV_NET.77"
	env_has "$WORK/connect.env" 'script_type=client-connect'
	env_has "$WORK/connect.env" 'dev=vpn0'
	ping_ok 2 "$SRV_NET.1"
	ping_ok 1 "$SRV_NET.77"
	ping_ok 1 10.200.0.1
	vpn_stop client
	wait_log server 'client removed' 5
	[[ -s $WORK/disconnect.env ]] || fail "client-disconnect did not run"
	env_has "$WORK/disconnect.env" 'script_type=client-disconnect'
	grep -qE '^bytes_received=[1-9]' "$WORK/disconnect.env" || fail "no bytes_received"
	grep -qE '^bytes_sent=[1-9]' "$WORK/disconnect.env" || fail "no bytes_sent"
	grep -qE '^time_duration=[0-9]+$' "$WORK/disconnect.env" || fail "no time_duration"
	assert_no_drops server
	vpn_stop server
}

wrong_password() {
	server_start via-env
	client_start alice wrong
	wait_log client 'AUTH_FAILED' 20
	env_has "$WORK/verify.env" 'password=wrong'
	wait_log server 'TLS Auth Error: auth-user-pass-verify refused' 5
	# openvpn exits by itself after AUTH_FAILED (auth-retry none).
	wait_gone "${VPN_PID[client]}" 10 || fail "the client did not exit after AUTH_FAILED"
	vpn_reap client
	vpn_stop server
}

disabled() {
	server_start via-env --username-as-common-name
	client_start bob secret
	wait_log client 'AUTH_FAILED' 20
	wait_log server 'client-config-dir says disable' 5
	# openvpn exits by itself after AUTH_FAILED (auth-retry none).
	wait_gone "${VPN_PID[client]}" 10 || fail "the client did not exit after AUTH_FAILED"
	vpn_reap client
	vpn_stop server
}

certless() {
	# This time client-connect also says where the client lives.
	cat >"$WORK/connect2.sh" <<-SH
		#!/bin/sh
		env | sort >"$WORK/connect.env"
		echo "ifconfig-push $SRV_NET.99 255.255.255.0" >"\$1"
	SH
	chmod +x "$WORK/connect2.sh"
	server_start via-env --username-as-common-name --verify-client-cert none \
		--client-connect "$WORK/connect2.sh"
	printf 'carol\nsecret\n' >"$WORK/up.txt"
	vpn_start client 2 ovpn --client --dev vpn0 --dev-type tun --nobind --ca "$PKI/ca.crt" \
		--remote-cert-tls server --remote "$UNDER.1" 1194 --auth-user-pass "$WORK/up.txt" \
		--explicit-exit-notify 1 --verb 3
	vpn_wait_init client
	wait_log server 'carol/192.168.241.2:[0-9]* Peer Connection Initiated' 5
	env_has "$WORK/connect.env" 'common_name=carol'
	assert_eq "$(tun_addr 2)" "$SRV_NET.99" "the address client-connect pushed"
	ping_ok 2 "$SRV_NET.1"
	ping_ok 1 "$SRV_NET.99"
	vpn_stop client
	vpn_stop server
}

max_clients() {
	local -a args
	server_start via-env --max-clients 1
	client_start alice secret
	vpn_wait_init client
	mapfile -t args < <(tls_client_args ovpn --auth-user-pass "$WORK/up.txt" --dev vpn1)
	vpn_start second 2 ovpn "${args[@]}"
	wait_log server 'dropped packet from .*: max-clients' 15
	if grep -q 'Initialization Sequence Completed' "$WORK/second.log"; then
		fail "a second client got in despite --max-clients 1"
	fi
	vpn_stop client
	wait_log second 'Initialization Sequence Completed' 30
	say "  the second client got in once the first had left"
	vpn_stop second
	vpn_stop server
}

run_section "client-config-dir, auth-user-pass-verify via-file, client-connect/-disconnect" ccd_and_scripts
run_section "a wrong password (via-env)" wrong_password
run_section "username-as-common-name and a disabled client" disabled
run_section "--verify-client-cert none, a client without a certificate" certless
run_section "--max-clients 1" max_clients

same_cn_and_rate() {
	local -a args
	server_start via-env --connect-freq 1 10
	client_start alice secret
	vpn_wait_init client
	mapfile -t args < <(tls_client_args ovpn --auth-user-pass "$WORK/up.txt" --dev vpn1)
	vpn_start second 2 ovpn "${args[@]}"
	wait_log server 'dropped packet from .*: connect-rate: --connect-freq' 10
	wait_log second 'Initialization Sequence Completed' 30
	wait_log server 'client removed: a new connection uses the same common name' 5
	stats_snapshot server
	assert_eq "$(stat_get server 'clients connected')" 1 "clients after the second connection"
	vpn_stop second
	vpn_stop client
	vpn_stop server
}

run_section "one connection per common name, --connect-freq" same_cn_and_rate
