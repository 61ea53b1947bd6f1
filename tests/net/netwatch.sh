#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# roamvpn's path watcher (src/roamvpn/netwatch.c, run by rvlab-netwatch) on
# the hotspot testbed: the client starts on hotspot A; each change below must
# be reported with the new output interface and source address at most 500
# ms after the change is complete (generous: a busy build host; the watcher
# itself waits 10 ms for a burst to settle; a handover may pass through "no
# route"):
#   A -> B, B -> A, A -> none (no route at all), none -> B;
# and a change that does not touch the path to the server (an address added
# to lo) is not reported.

# Under sh (SH_LOG_COMPILER may be /bin/sh), start again under bash.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

source "$(dirname "$0")/../lab/lab.sh"

RVLAB_NETWATCH=${RVLAB_NETWATCH:-$(dirname "$RVLAB_STREAM")/rvlab-netwatch}
require_lab_env
[[ -x $RVLAB_NETWATCH ]] || { say "ERROR: rvlab-netwatch not built"; exit 99; }
lab_setup

# expect_change WANT T0: after the reports seen so far, one ends in
# "-> WANT" at most 500 ms after T0, the end of the change (ms; a handover
# may pass through "no route" first, as the interface goes down before the
# other comes up).
SEEN=0
expect_change() {
	local want=$1 t0=$2 i line="" at
	for (( i = 0; i < 50; i++ )); do
		line=$(grep '^change' "$WORK/watch.out" | tail -n +"$((SEEN + 1))" |
			grep -m 1 -- "-> $want\$") || true
		[[ -n $line ]] && break
		sleep 0.1
	done
	grep '^change' "$WORK/watch.out" | tail -n +"$((SEEN + 1))" | sed 's/^/  /'
	[[ -n $line ]] || fail "no report '-> $want': $(cat "$WORK/watch.out")"
	SEEN=$(grep -c '^change' "$WORK/watch.out")
	at=$(awk '{ print $2 }' <<<"$line")
	awk -v a="$at" -v t="$t0" 'BEGIN { exit !(a - t < 500) }' ||
		fail "reported $(awk -v a="$at" -v t="$t0" 'BEGIN { print a - t }') ms after the change"
	say "  reported $(awk -v a="$at" -v t="$t0" 'BEGIN { printf "%.1f", a - t }') ms after the change was complete"
}

watch() {
	local t
	lab_attach A
	bg 2 "$WORK/watch.out" "$RVLAB_NETWATCH" "$LAB_SERVER" 30
	for (( i = 0; i < 50; i++ )); do
		grep -q '^path' "$WORK/watch.out" && break
		sleep 0.1
	done
	grep -q '^path .* wlan0 192.168.10.2$' "$WORK/watch.out" ||
		fail "initial path: $(cat "$WORK/watch.out")"
	say "  $(grep '^path' "$WORK/watch.out")"
	lab_attach B; expect_change "wlan1 192.168.20.2" "$(lab_now)"
	lab_attach A; expect_change "wlan0 192.168.10.2" "$(lab_now)"
	lab_detach; expect_change "no route" "$(lab_now)"
	lab_attach B; expect_change "wlan1 192.168.20.2" "$(lab_now)"
	sleep 0.3
	SEEN=$(grep -c '^change' "$WORK/watch.out")
	ipx 2 addr add 10.99.0.1/32 dev lo
	sleep 0.5
	assert_eq "$(grep -c '^change' "$WORK/watch.out")" "$SEEN" "reports after a change off the path"
}

run_section "path changes reported by netwatch" watch
