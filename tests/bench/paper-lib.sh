# SPDX-License-Identifier: GPL-2.0-only
#
# What the reproductions of the paper's experiments share (paper-table1.sh,
# paper-table2.sh, handover-plot.sh): the hotspot testbed (tests/lab/lab.sh),
# a VPN server in ns1 and a client in ns2 of one implementation (rv for
# roamvpn on both ends, ovpn for openvpn 2.6 on both ends), and the figures.
# Sourced, never run.
#
# The server: --server 10.8.0.0/24, topology subnet, the sample certificates,
# --keepalive $KEEPALIVE (default "10 60", pushed to the client as ping 10,
# ping-restart 60; Debian's sample server.conf has 10 120), AES-256-GCM. The client: --client, --nobind,
# so a restarted client comes from a new port as well.
#
# SMOKE=1 (check.sh) makes each script a short run that checks it works end
# to end and prints a table of the right shape; its figures mean nothing.

# shellcheck source=../lab/lab.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lab/lab.sh"

SMOKE=${SMOKE:-0}
KEEPALIVE=${KEEPALIVE:-"10 60"}

# impl_name rv|ovpn: how the tables call it.
impl_name() {
	case $1 in
	rv) printf 'roamvpn' ;;
	ovpn) printf 'openvpn 2.6' ;;
	esac
}

# paper_server IMPL: the VPN server in ns1, up.
paper_server() {
	vpn_start srv 1 "$1" --dev vpn0 --dev-type tun --local "$LAB_SERVER" --port 1194 \
		--server 10.8.0.0 255.255.255.0 --topology subnet --ca "$PKI/ca.crt" \
		--cert "$PKI/server.crt" --key "$PKI/server.key" --dh none --keepalive ${KEEPALIVE% *} ${KEEPALIVE#* } \
		--data-ciphers AES-256-GCM --verb 3
	vpn_wait_init srv
}

# paper_client IMPL: the VPN client in ns2 (does not wait).
paper_client() {
	vpn_start cli 2 "$1" --client --dev vpn0 --dev-type tun --nobind --remote "$LAB_SERVER" 1194 \
		--ca "$PKI/ca.crt" --cert "$PKI/client.crt" --key "$PKI/client.key" \
		--remote-cert-tls server --data-ciphers AES-256-GCM --verb 3
}

# paper_up IMPL: the client on hotspot A, server and client up, the tunnel
# working. PAPER_SERVER (rv or ovpn), when set, is the server's
# implementation whatever the client's (to tell which end a figure is due to).
paper_up() {
	lab_attach A
	paper_server "${PAPER_SERVER:-$1}"
	paper_client "$1"
	vpn_wait_init cli
	ping_ok 2 10.8.0.1
}

paper_down() {
	vpn_stop cli
	vpn_stop srv
}

# mean_sd VALUES...: "MEAN SIGMA" (sample standard deviation; 0 for one
# value), "- -" for none.
mean_sd() {
	printf '%s\n' "$@" | awk '
		/^[0-9.eE+-]+$/ { v[n++] = $1; s += $1 }
		END {
			if (n == 0) { print "- -"; exit }
			m = s / n; q = 0
			for (i = 0; i < n; i++) q += (v[i] - m) ^ 2
			printf "%.1f %.1f\n", m, (n > 1 ? sqrt(q / (n - 1)) : 0)
		}'
}

# machine: one line about this host, for the results.
machine() {
	printf '%s CPUs (%s), %s, Linux %s; %s; %s\n' "$(nproc)" \
		"$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)" \
		"$(. /etc/os-release && printf '%s' "$PRETTY_NAME")" "$(uname -r)" \
		"$("$ROAMVPN" --version | head -n 1)" "$("$OPENVPN" --version | head -n 1 | cut -d' ' -f1-2)"
}
