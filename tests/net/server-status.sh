#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# A server's status and management answers, roamvpn against openvpn 2.6 in
# the same situation: the server in ns1 (--server and --server-ipv6, so the
# IPv6 column and routes show) with --status FILE 1 --status-version
# 2 and --management, two openvpn 2.6 clients (ns2, then ns3, the second
# started once the first is up, so both servers give the same addresses and
# ids). The management transcript (status 1, 2 and 3, an unknown client-kill,
# kill by common name) and the status file must have the same lines, once
# times, byte counts, ports and the version string are masked (their order is
# not compared: openvpn's follows its hash table). After the kill, both
# servers list no client.

# Under sh (SH_LOG_COMPILER may be /bin/sh), start again under bash.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

source "$(dirname "$0")/lib.sh"

require_tls_env openvpn
MGMT="$TOP_SRCDIR/tests/net/tools/mgmt.py"
make_ns 1 2 3
link_ns 1 2 192.168.242 >/dev/null
link_ns 1 3 192.168.243 >/dev/null
tls_pki

# mask: the variable fields of status and management text.
mask() {
	sed -E -e 's/^(TITLE[,\t]).*/\1VERSION/' \
		-e 's/^>INFO:.*/>INFO:VERSION/' \
		-e 's/[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}/DATE/g' \
		-e 's/(DATE[,\t])[0-9]{9,}/\1TIME_T/g' \
		-e 's/^(TIME[,\t]DATE[,\t])[0-9]+/\1TIME_T/' \
		-e 's/(192\.168\.24[23]\.[23]):[0-9]+/\1:PORT/g' \
		-e 's/^(CLIENT_LIST[,\t][^,\t]*[,\t][^,\t]*[,\t][^,\t]*[,\t][^,\t]*[,\t])[0-9]+([,\t])[0-9]+/\1BYTES\2BYTES/' \
		-e 's/^([^,]*,192\.168\.24[23]\.[23]:PORT,)[0-9]+,[0-9]+,/\1BYTES,BYTES,/' \
		-e 's/^(Updated,).*/\1DATE/'
}

run_server() { # IMPL
	local impl=$1 k
	vpn_up srv 1 "$impl" --dev vpn0 --dev-type tun --port 1194 --server "$SRV_NET.0" 255.255.255.0 \
		--topology subnet --server-ipv6 fd00:6::/64 --ca "$PKI/ca.crt" --cert "$PKI/server.crt" --key "$PKI/server.key" \
		--dh none --keepalive 10 60 --duplicate-cn --data-ciphers AES-256-GCM \
		--status "$WORK/status-$impl.txt" 1 --status-version 2 \
		--management 127.0.0.1 7506 --verb 3
	for k in 2 3; do
		mapfile -t args < <(REMOTE="192.168.24$k.1" tls_client_args ovpn --data-ciphers AES-256-GCM)
		vpn_start "c$k" "$k" ovpn "${args[@]}"
		vpn_wait_init "c$k"
	done
	sleep 1.5   # the status file is rewritten every second
	cp "$WORK/status-$impl.txt" "$WORK/file-$impl.txt"
	nsq 1 python3 "$MGMT" 127.0.0.1:7506 "status 1" "status 2" "status 3" "client-kill 77" \
		"kill Test-Client" "@sleep 1" "status 2" >"$WORK/mgmt-$impl.txt" 2>&1 ||
		fail "management session with the $impl server failed: $(cat "$WORK/mgmt-$impl.txt")"
	for k in 2 3; do
		vpn_stop "c$k" KILL
	done
	vpn_stop srv
}

# ROAM_LINES: roamvpn's own mobility counters, at the end of the global
# statistics in every version ("Roam moves,N" in version 1, GLOBAL_STATS
# rows in 2 and 3); openvpn has none, so they are checked, then left out of
# the comparison.
TAB=$'\t'
ROAM_LINES="^(GLOBAL_STATS[,$TAB])?Roam (moves|moves validated|validations failed|moves refused|"
ROAM_LINES+="probes answered|packets held back|last validation delay \\(us\\))[,$TAB][0-9]+"

# compare WHAT FILE_OVPN FILE_RV: the same lines once masked; their order
# is not compared (openvpn lists its clients in hash-table order).
compare() {
	local n
	n=$(grep -cE "$ROAM_LINES" "$3" || true)
	(( n > 0 && n % 7 == 0 )) ||
		fail "$1: roamvpn printed $n mobility counters (Roam ...), not 7 per report"
	if ! diff -u <(mask <"$2" | sort) <(mask <"$3" | grep -vE "$ROAM_LINES" | sort) \
	    >"$WORK/diff.txt"; then
		sed 's/^/  /' "$WORK/diff.txt"
		fail "$1 differs between openvpn and roamvpn (masked; - openvpn, + roamvpn)"
	fi
	say "  $1: $(mask <"$3" | grep -c .) lines, the same as openvpn's"
}

both() {
	run_server ovpn
	run_server rv
	compare "status file (version 2)" "$WORK/file-ovpn.txt" "$WORK/file-rv.txt"
	compare "management transcript" "$WORK/mgmt-ovpn.txt" "$WORK/mgmt-rv.txt"
	grep -q '^CLIENT_LIST,Test-Client,192.168.243.3' "$WORK/file-rv.txt" ||
		fail "roamvpn's status lists no second client: $(cat "$WORK/file-rv.txt")"
	sed -n '/^SUCCESS: common name/p' "$WORK/mgmt-rv.txt" | sed 's/^/  roamvpn: /'
}

run_section "status and management of a server: roamvpn as openvpn 2.6" both
