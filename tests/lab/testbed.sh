#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The hotspot testbed of tests/lab/lab.sh from the command line, for trying
# things by hand between the steps of an experiment (the tests and
# benchmarks source lab.sh instead and clean up on their own):
#
#   testbed.sh up            builds it (LAB_PROFILE, LAB_RATE ... as lab.sh
#                            says) with the client on hotspot A, and leaves
#                            it standing; prints the namespaces
#   testbed.sh hop [X]       moves the client to the next hotspot (or to X)
#   testbed.sh detach        leaves the client with no route
#   testbed.sh run server|client|router|A|B... CMD...
#                            runs CMD in that namespace
#   testbed.sh status        the namespaces, the client's hotspot, the link
#   testbed.sh down          stops the emulator, removes the namespaces
#
# Several testbeds can stand at once under different LAB_NAME (default
# "default"); the state is in $LAB_STATE_DIR (default /run/rvlab). Root only.
#
# Environment: LAB_NAME, LAB_STATE_DIR, and lab.sh's (LAB_PROFILE,
# LAB_HOTSPOTS, LAB_DELAY, LAB_JITTER, LAB_LOSS, LAB_RATE, LAB_BURST,
# LAB_QUEUE, RVLAB_WANEM, RVLAB_STREAM, ROAMVPN).

[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

LAB_NAME=${LAB_NAME:-default}
LAB_STATE_DIR=${LAB_STATE_DIR:-/run/rvlab}
STATE="$LAB_STATE_DIR/testbed-$LAB_NAME.env"
cmd=${1:-}
shift || true

usage() {
	echo "usage: testbed.sh up | hop [HOTSPOT] | detach | run NS CMD... | status | down" >&2
	exit 2
}

# load: the state of a standing testbed into NS, LAB_HOTSPOT ...; lab.sh's
# cleanup must not remove what stands, so the trap only removes WORK.
load() {
	[[ -r $STATE ]] || { echo "no testbed '$LAB_NAME' is up ($STATE)" >&2; exit 1; }
	# shellcheck disable=SC1090
	source "$STATE"
	trap 'rm -rf "$WORK"' EXIT
}

save() {
	mkdir -p "$LAB_STATE_DIR"
	{
		printf 'NS=('
		for i in "${!NS[@]}"; do printf ' [%s]=%q' "$i" "${NS[$i]}"; done
		printf ' )\n'
		printf 'LAB_HOTSPOT=%q LAB_HOTSPOTS=%q LAB_WORK=%q\n' "$LAB_HOTSPOT" "$LAB_HOTSPOTS" \
			"$LAB_WORK"
		printf 'WANEM_PID=%q WANEM_START=%q LAB_LINK=%q\n' "$WANEM_PID" "$WANEM_START" "$LAB_LINK"
	} >"$STATE"
}

case $cmd in
up | hop | detach | run | status | down) ;;
*) usage ;;
esac

[[ $cmd == up && -e $STATE ]] && { echo "testbed '$LAB_NAME' is already up ($STATE)" >&2; exit 1; }
source "$(dirname "$0")/lab.sh"

case $cmd in
up)
	require_lab_env
	lab_setup
	lab_attach A
	WANEM_PID=${VPN_PID[wanem]}
	WANEM_START=$(proc_start "$WANEM_PID")
	LAB_WORK=$WORK
	LAB_LINK=$(lab_describe)
	save
	# What stands stays: no cleanup (the work directory keeps the
	# emulator's output until "down").
	trap - EXIT
	say "testbed '$LAB_NAME' up, the client on hotspot A; $LAB_LINK"
	for i in "${!NS[@]}"; do
		printf '  ns%s %s\n' "$i" "${NS[$i]}"
	done
	;;
hop)
	load
	if [[ -n ${1:-} ]]; then lab_attach "$1"; else lab_hop; fi
	save
	;;
detach)
	load
	lab_detach
	save
	;;
run)
	load
	case ${1:-} in
	server) n=1 ;;
	client) n=2 ;;
	router) n=3 ;;
	[A-F]) n=$(( 3 + $(lab_hotspot_index "$1") )) ;;
	*) usage ;;
	esac
	shift
	(( $# > 0 )) || usage
	rc=0
	ip netns exec "${NS[$n]}" "$@" || rc=$?
	exit "$rc"
	;;
status)
	load
	for i in "${!NS[@]}"; do
		printf 'ns%s %s\n' "$i" "${NS[$i]}"
	done
	printf 'client on hotspot %s\n%s\n' "${LAB_HOTSPOT:-none}" "$LAB_LINK"
	;;
down)
	load
	if [[ $(proc_start "$WANEM_PID") == "$WANEM_START" ]]; then
		kill -TERM "$WANEM_PID"
		for (( i = 0; i < 50; i++ )); do
			[[ $(proc_start "$WANEM_PID") == "$WANEM_START" ]] || break
			sleep 0.1
		done
		cat "$LAB_WORK/wanem.out" 2>/dev/null | sed 's/^/rvlab-wanem: /'
	fi
	for i in "${!NS[@]}"; do
		ip netns del "${NS[$i]}" 2>/dev/null || true
	done
	rm -rf "$LAB_WORK" "$STATE"
	say "testbed '$LAB_NAME' down"
	;;
esac
