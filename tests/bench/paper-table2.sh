#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Table II of Zuquete and Frade, "Fast VPN Mobility Across Wi-Fi Hotspots",
# reproduced: how long the tunnel stays dead when the client's address
# changes, by re-instantiation against reconfiguration, with the server on
# the same network (testbed profile "lan") and 11 hops away ("distant",
# about 39 ms round trip), roamvpn and openvpn 2.6 (each on both ends).
#
# What is measured, from outside the daemons: the server's side sends a
# steady UDP stream through the tunnel to the client's tunnel address
# (rvlab-stream, PPS datagrams a second, default 2000: one every 0.5 ms),
# and the client's side records every silence longer than 1 ms. A datagram
# of that stream reaching the client's tunnel is a valid server packet: it
# went through the server's tunnel, was authenticated and decrypted by the
# client. The figure of a trial is the time from t0 to the end of the
# silence that spans t0, i.e. to the first such datagram after t0. t0 is
# the end of the address change: the client's interface goes down, the
# other hotspot's comes up with a new address and default route behind
# another NAT, all in one ip -batch, and t0 is when that ip has exited,
# read from the clock by the tool that ran it (rvlab-stream time: no
# process start between the change and the reading).
#   re-instantiation: the client is stopped (SIGTERM), moves, and a new
#     client process is started at once after t0 (what a VPN without
#     mobility does on an address change: the paper's original OpenVPN);
#   reconfiguration: the client, running, moves. Whatever the
#     implementation does then counts: roamvpn probes
#     the server on the netlink event; openvpn 2.6 notices nothing and the
#     server follows the client (float) only on the client's next packet,
#     its keepalive ping (--keepalive 10 60 on the server: up to 10 s).
# The stream is started by the server's side only, so the client sends
# nothing but what its VPN sends on its own. TRIALS (default 10) of each;
# mean and sigma in ms. The resolution is the stream's period (0.5 ms).
#
# Runs in about 6 minutes (most of it openvpn 2.6's reconfigurations).
# Prints figures, never fails on them (only when something does not run).
# Environment: TRIALS (10), PROFILES ("lan distant"), IMPLS ("rv ovpn"), PPS
# (2000), KEEPALIVE ("10 60"), SMOKE=1 (2 trials, profile lan, keepalive
# 2 10: checks that it works), ROAMVPN, OPENVPN, RVLAB_WANEM, RVLAB_STREAM.

[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

if [[ ${SMOKE:-0} == 1 ]]; then
	KEEPALIVE=${KEEPALIVE:-"2 10"}
fi
source "$(dirname "$0")/paper-lib.sh"

TRIALS=${TRIALS:-10}
PROFILES=${PROFILES:-"lan distant"}
IMPLS=${IMPLS:-"rv ovpn"}
PPS=${PPS:-2000}
if (( SMOKE )); then
	TRIALS=2 PROFILES=lan
fi

require_lab_env openvpn openssl
[[ -r $SAMPLE_KEYS/ca.key ]] || skip "no openvpn sample keys in $SAMPLE_KEYS"

# rx_packets: what the client's tunnel device has received (0 without one).
rx_packets() {
	nsq 2 cat /sys/class/net/vpn0/statistics/rx_packets 2>/dev/null || echo 0
}

# wait_flowing SECS: until the stream reaches the client's tunnel again (20
# datagrams in 0.1 s); false after SECS.
wait_flowing() {
	local end a b
	end=$(( $(date +%s) + $1 ))
	while (( $(date +%s) < end )); do
		a=$(rx_packets)
		sleep 0.1
		b=$(rx_packets)
		(( b - a >= 20 )) && return 0
	done
	return 1
}

# first_after T0S REPORT: for each t0 (ms, one a line), the time to the
# first datagram after it: the end of the silence spanning t0; "-" when the
# stream never resumed after t0.
first_after() {
	awk '
		FNR == NR { t[n++] = $1; next }
		$1 == "gap" { gs[m] = $2; ge[m] = $2 + $3; m++ }
		$1 == "first" { last = $4 }
		END {
			for (i = 0; i < n; i++) {
				v = "-"
				for (j = 0; j < m; j++)
					if (gs[j] <= t[i] && ge[j] > t[i]) { v = sprintf("%.1f", ge[j] - t[i]); break }
				# No silence over 1 ms spans t0: the stream never stopped.
				if (v == "-" && last > t[i]) v = "1.0"
				print v
			}
		}' "$1" "$2"
}

# trials IMPL: both kinds of trial on the running testbed; appends
# "IMPL KIND MS" lines to $OUT.
trials() {
	local impl=$1 i caddr
	paper_up "$impl"
	caddr=$(tun_addr 2)
	lab_recv 2 6000 3600 1 "$WORK/recv.out"
	bg 1 "$WORK/send.out" "$RVLAB_STREAM" send "$caddr" 6000 "$PPS" 3600
	local spid=$BG_PID
	wait_flowing 10 || fail "the stream does not reach the client"
	: >"$WORK/t-reconf"
	: >"$WORK/t-restart"
	for (( i = 1; i <= TRIALS; i++ )); do
		sleep 0.5
		lab_hop >/dev/null
		printf '%s\n' "$LAB_CHANGE_END" >>"$WORK/t-reconf"
		wait_flowing 75 || say "  reconfiguration $i: the stream did not resume in 75 s"
	done
	for (( i = 1; i <= TRIALS; i++ )); do
		sleep 0.5
		vpn_stop cli >/dev/null
		lab_hop >/dev/null
		printf '%s\n' "$LAB_CHANGE_END" >>"$WORK/t-restart"
		paper_client "$impl" >/dev/null
		wait_flowing 30 || say "  re-instantiation $i: the stream did not resume in 30 s"
		[[ $(tun_addr 2) == "$caddr" ]] ||
			say "  re-instantiation $i: the client's tunnel address is now $(tun_addr 2), not $caddr"
	done
	kill "$spid" 2>/dev/null || true
	wait "$spid" 2>/dev/null || true
	untrack "$spid"
	kill "$LAB_RECV_PID" 2>/dev/null || true
	lab_recv_end
	grep '^sent' "$WORK/recv.out" | sed 's/^/  stream: /'
	first_after "$WORK/t-reconf" "$WORK/recv.out" | sed "s/^/$impl reconf /" >>"$OUT"
	first_after "$WORK/t-restart" "$WORK/recv.out" | sed "s/^/$impl restart /" >>"$OUT"
	say "  reconfiguration (ms): $(awk -v i="$impl" '$1 == i && $2 == "reconf" { printf "%s ", $3 }' "$OUT")"
	say "  re-instantiation (ms): $(awk -v i="$impl" '$1 == i && $2 == "restart" { printf "%s ", $3 }' "$OUT")"
	paper_down
}

# One profile: this script again with LAB_PROFILE set (each testbed is
# built once, with its own names), its figures in OUT.
if [[ -n ${PAPER_T2_OUT:-} ]]; then
	OUT=$PAPER_T2_OUT
	lab_setup
	tls_pki
	lab_attach A
	rtt=$(nsq 2 ping -n -q -c 10 -i 0.2 "$LAB_SERVER" | sed -nE 's|.*= [0-9.]+/([0-9.]+)/.*|\1|p')
	printf 'rtt %s\n' "$rtt" >>"$OUT"
	for impl in $IMPLS; do
		section "$(impl_name "$impl"), $TRIALS trials; $(lab_describe); round trip $rtt ms"
		trials "$impl"
	done
	exit 0
fi

for p in $PROFILES; do
	: >"$WORK/out-$p"
	LAB_PROFILE=$p PAPER_T2_OUT="$WORK/out-$p" TRIALS=$TRIALS IMPLS=$IMPLS PPS=$PPS \
		KEEPALIVE=$KEEPALIVE SMOKE=0 bash "$0" || fail "the $p runs failed"
done

# cell PROFILE IMPL KIND: "mean ± sigma (n)".
cell() {
	local m s n
	mapfile -t v < <(awk -v i="$2" -v k="$3" '$1 == i && $2 == k { print $3 }' "$WORK/out-$1")
	read -r m s < <(mean_sd "${v[@]}")
	n=$(printf '%s\n' "${v[@]}" | grep -c '^[0-9]') || true
	printf '%s ± %s (%s)' "$m" "$s" "$n"
}

section "results"
say "Machine: $(machine)"
say "Server keepalive: $KEEPALIVE; stream $PPS datagrams/s server -> client; $TRIALS trials;"
say "ms from the end of the address change (re-instantiation: the client restarted"
say "right after it) to the first server datagram through the tunnel: mean ± sigma"
say "(trials with a figure)."
say ""
header="| |" rule="|---|"
for p in $PROFILES; do
	header+=" $p (RTT $(awk '$1 == "rtt" { print $2 }' "$WORK/out-$p") ms) |"
	rule+="---|"
done
say "$header"
say "$rule"
for impl in $IMPLS; do
	for kind in restart reconf; do
		row="| $(impl_name "$impl"), "
		[[ $kind == restart ]] && row+="re-instantiation |" || row+="reconfiguration |"
		for p in $PROFILES; do
			row+=" $(cell "$p" "$impl" "$kind") |"
		done
		say "$row"
	done
done
