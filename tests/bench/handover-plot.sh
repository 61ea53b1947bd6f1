#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Fig. 7 of Zuquete and Frade, "Fast VPN Mobility Across Wi-Fi Hotspots",
# reproduced: throughput over time across a hotspot change, roamvpn and
# openvpn 2.6 (each on both ends) on one chart, as a PNG drawn by gnuplot.
#
# On the testbed (tests/lab/lab.sh; profile LAB_PROFILE, default distant:
# about 39 ms round trip; the link limited to LAB_RATE=38 Mbit/s each way as
# for paper-table1.sh), iperf3 sends UDP at RATE Mbit/s (default 30) from
# the server to the client (iperf3 -R; DIR=cs: from the client) for SECS
# (default 20) and reports what arrived every 100 ms; the client moves to
# the other hotspot HOP_AT s (default 5) after iperf3 starts. openvpn 2.6
# resumes once its client sends something (its keepalive ping: up to 10 s
# with the server's --keepalive 10 60), roamvpn once its probe has reached
# the server.
#
# Writes PLOT_OUT (default handover.png in the current directory) and next
# to it the data (.dat: seconds, then Mbit/s of each implementation in the
# 100 ms ending there). Prints, for each, the time the throughput stayed
# under a tenth of RATE after the change. Runs in about a minute and a half.
# Never fails on a figure (only when something does not run).
# Environment: RATE, SECS, HOP_AT, DIR (sc|cs), IMPLS ("rv ovpn"), PLOT_OUT,
# LAB_PROFILE, LAB_RATE, SMOKE=1 (4 s, a change at 2 s), ROAMVPN, OPENVPN,
# RVLAB_WANEM, RVLAB_STREAM.

[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

LAB_PROFILE=${LAB_PROFILE:-distant}
LAB_RATE=${LAB_RATE:-38}
source "$(dirname "$0")/paper-lib.sh"

RATE=${RATE:-30}
SECS=${SECS:-20}
HOP_AT=${HOP_AT:-5}
DIR=${DIR:-sc}
IMPLS=${IMPLS:-"rv ovpn"}
PLOT_OUT=${PLOT_OUT:-$PWD/handover.png}
if (( SMOKE )); then
	SECS=4 HOP_AT=2
fi
case $DIR in
sc) DIR_NAME="server -> client" ;;
cs) DIR_NAME="client -> server" ;;
*) say "ERROR: DIR=$DIR: not sc or cs"; exit 99 ;;
esac

require_lab_env openvpn iperf3 openssl gnuplot
[[ -r $SAMPLE_KEYS/ca.key ]] || skip "no openvpn sample keys in $SAMPLE_KEYS"
lab_setup
tls_pki

declare -A HOP_S=() HOP_E=()   # impl -> the change's start and end, s after iperf3 started

# run IMPL: one iperf3 run across a change; its intervals in $WORK/IMPL.tsv
# ("end_s mbps").
run() {
	local impl=$1 spid cpid t0 t1 t2 json rev=()
	[[ $DIR == sc ]] && rev=(-R)
	section "$(impl_name "$impl"): $RATE Mbit/s $DIR_NAME, a change at $HOP_AT s"
	paper_up "$impl"
	# The receiver's 100 ms intervals: the client's report with -R, else the
	# server's.
	bg 1 "$WORK/$impl-s.json" iperf3 -s -1 -B 10.8.0.1 -J -i 0.1
	spid=$BG_PID
	for (( i = 0; i < 50; i++ )); do
		nsq 1 ss -Hlnt "sport = :5201" | grep -q LISTEN && break
		sleep 0.1
	done
	t0=$(lab_now)
	bg 2 "$WORK/$impl.json" timeout --kill-after=5 $(( SECS + 60 )) iperf3 -J -u -b "${RATE}M" \
		-l 1350 -c 10.8.0.1 -t "$SECS" -i 0.1 "${rev[@]}"
	cpid=$BG_PID
	sleep "$HOP_AT"
	lab_hop
	t1=$LAB_CHANGE_START t2=$LAB_CHANGE_END
	HOP_S[$impl]=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1000 }')
	HOP_E[$impl]=$(awk -v a="$t0" -v b="$t2" 'BEGIN { printf "%.2f", (b - a) / 1000 }')
	wait "$cpid" || true
	untrack "$cpid"
	wait_gone "$spid" 10 || kill "$spid" 2>/dev/null || true
	wait "$spid" 2>/dev/null || true
	untrack "$spid"
	json="$WORK/$impl.json"
	[[ $DIR == cs ]] && json="$WORK/$impl-s.json"
	python3 - "$json" >"$WORK/$impl.tsv" <<-'EOF' || fail "no intervals from iperf3: $(tail -n 5 "$json")"
		import json, sys
		for iv in json.load(open(sys.argv[1]))["intervals"]:
		    s = iv["sum"]
		    print("%.2f %.2f" % (s["end"], s["bits_per_second"] / 1e6))
	EOF
	say "  change from ${HOP_S[$impl]} to ${HOP_E[$impl]} s after iperf3 started (its start-up included)"
	say "  under $RATE/10 Mbit/s after the change: $(outage "$impl") s"
	paper_down
}

# outage IMPL: how long the rate stayed under a tenth of RATE, from the
# first such interval after the change to the next one above.
outage() {
	awk -v hop="${HOP_S[$1]}" -v low="$(awk -v r="$RATE" 'BEGIN { print r / 10 }')" '
		$1 > hop && $2 < low && !start { start = $1 - 0.1 }
		start && !end && $2 >= low { end = $1 - 0.1 }
		END { if (!start) print 0; else if (!end) print "over " ($1 - start); else printf "%.1f\n", end - start }' \
		"$WORK/$1.tsv"
}

for impl in $IMPLS; do
	run "$impl"
done

section "plot"
dat=${PLOT_OUT%.png}.dat
{
	printf '# s'
	for impl in $IMPLS; do printf ' "%s"' "$(impl_name "$impl")"; done
	printf '\n'
	# One row per 100 ms interval, "-" where a run has none (iperf3 may end
	# one short).
	# shellcheck disable=SC2046
	awk 'FNR == 1 { f++ } { t[FNR] = $1; v[f, FNR] = $2; if (FNR > n) n = FNR }
		END { for (i = 1; i <= n; i++) { printf "%s", t[i]
			for (j = 1; j <= f; j++) printf " %s", ((j, i) in v) ? v[j, i] : "-"
			printf "\n" } }' $(for impl in $IMPLS; do printf '%s ' "$WORK/$impl.tsv"; done)
} >"$dat"
plots="" col=2 marks=""
for impl in $IMPLS; do
	plots+="${plots:+, }'$dat' using 1:$col with steps lw 2 title '$(impl_name "$impl")'"
	marks+="set arrow from ${HOP_S[$impl]}, graph 0 to ${HOP_S[$impl]}, graph 1 nohead dt 2 lc $(( col - 1 )); "
	col=$(( col + 1 ))
done
gnuplot <<-EOF
	set terminal pngcairo size 900,450 font ",11"
	set output '$PLOT_OUT'
	set title "Throughput across a hotspot change ($DIR_NAME, iperf3 UDP at $RATE Mbit/s, 100 ms bins)\n$(lab_describe | sed 's/ (token.*//')"
	set xlabel "time since iperf3 was started (s); dashed: the hotspot change (one per implementation)"
	set ylabel "Mbit/s received"
	set yrange [0:$(( RATE * 13 / 10 ))]
	set key top right
	set datafile missing "-"
	set grid
	$marks
	plot $plots
EOF
[[ -s $PLOT_OUT ]] || fail "gnuplot wrote no $PLOT_OUT"
say "wrote $PLOT_OUT and $dat"
