# SPDX-License-Identifier: GPL-2.0-only
#
# Shared helpers of the network-namespace tests (tests/net/*.sh) and of the
# benchmark (tests/bench/throughput.sh). Sourced, never run.
#
# The layout follows WireGuard's tests/netns.sh: every name carries $$ so
# that several runs can share a host, a trap removes what this run created
# (and only that), and wrappers print each command before running it:
#
#   n1 CMD...   run CMD in namespace 1       ip1 ARGS...   ip -n <ns1> ARGS
#   n2, n3      likewise                     ip2, ip3      likewise
#
# Daemons are started with vpn_start / vpn_up NAME NS IMPL ARGS... (IMPL is rv
# for roamvpn or ovpn for openvpn); their log is $WORK/NAME.log, and
# stats_snapshot / stat_get read the SIGUSR2 statistics of roamvpn.
#
# Assertions (assert_*, wait_log, ping_ok ...) print what failed and stop the
# test. run_section runs an independent part in a subshell and soft runs one
# assertion, so that a failure there is recorded and the test goes on.
#
# Environment: ROAMVPN, OPENVPN (binaries), TOP_SRCDIR, TIMEOUT (seconds for
# each bounded wait, default 20), IPERF_SECS (default 5), KEEP=1 (keep the
# work directory with the logs), SAMPLE_KEYS and SAMPLE_CONFIGS (openvpn's
# sample keys and configurations, for the TLS tests).
#
# Exit codes follow automake: 0 pass, 1 fail, 77 skip, 99 hard error.

set -eu

ROAMVPN=${ROAMVPN:-/tmp/build-net/src/roamvpn/roamvpn}
OPENVPN=${OPENVPN:-openvpn}
TOP_SRCDIR=${TOP_SRCDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
PKTINJECT="$TOP_SRCDIR/tests/net/tools/pktinject.py"
# Generous bounds: a loaded build host must not make a test fail.
TIMEOUT=${TIMEOUT:-20}
# KEEP=1 keeps the work directory (logs, keys, configs) for inspection.
KEEP=${KEEP:-0}

TEST_NAME=$(basename "$0" .sh)
PREFIX="rvnet$$"
NS=()                       # namespaces this run created, by number
declare -A VPN_PID=() VPN_IMPL=()

if [[ -t 1 ]]; then
	C_CMD=$'\e[32m' C_BAD=$'\e[31m\e[1m' C_HEAD=$'\e[1m' C_OFF=$'\e[0m'
else
	C_CMD="" C_BAD="" C_HEAD="" C_OFF=""
fi

# --- output and assertions ------------------------------------------------------

say() { printf '%s\n' "$*"; }
section() { printf '\n%s== %s ==%s\n' "$C_HEAD" "$*" "$C_OFF"; }
# pretty WHERE CMD: shows a command about to run (WHERE is a namespace number).
pretty() { printf '%s[+] %s%s%s\n' "$C_CMD" "${1:+ns$1: }" "$2" "$C_OFF"; }

# fail MSG: stop the test here. The EXIT trap prints the daemon logs.
fail() {
	printf '%sFAIL: %s%s\n' "$C_BAD" "$*" "$C_OFF" >&2
	exit 1
}

skip() {
	say "SKIP: $*"
	exit 77
}

# soft CMD...: runs an assertion without stopping the test when it fails, so
# that a known bug in one step does not hide the results of the later ones.
# The test still fails at the end ($WORK/failures lists what failed). CMD
# runs in a subshell: it must report through fail, not set variables.
soft() {
	if ! ("$@"); then
		printf 'check: %s\n' "$*" >>"$WORK/failures"
	fi
}

assert_eq() { # ACTUAL EXPECTED WHAT
	[[ $1 == "$2" ]] || fail "$3: expected '$2', got '$1'"
}

assert_gt() { # ACTUAL MIN WHAT: ACTUAL > MIN (integers)
	[[ $1 =~ ^[0-9]+$ ]] || fail "$3: not a number: '$1'"
	(( $1 > $2 )) || fail "$3: expected more than $2, got $1"
}

assert_alive() { # PID WHAT
	kill -0 "$1" 2>/dev/null || fail "$2 (pid $1) is not running"
}

# --- requirements ----------------------------------------------------------------

require_root() {
	[[ $(id -u) == 0 ]] || skip "needs root (network namespaces, tun devices)"
}

require_tools() { # TOOL...
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || skip "needs $t"
	done
}

# The usual requirements of a test; also checks that namespaces and tun
# devices can be made here (not in every container).
require_netns_env() {
	require_root
	require_tools ip ping python3 timeout ss "$@"
	[[ -x $ROAMVPN ]] || { say "ERROR: roamvpn binary not found: $ROAMVPN (set ROAMVPN)"; exit 99; }
	[[ -c /dev/net/tun ]] || skip "no /dev/net/tun"
	ip netns add "$PREFIX-probe" 2>/dev/null || skip "cannot create network namespaces"
	ip netns del "$PREFIX-probe"
}

# --- processes and cleanup -----------------------------------------------------------

# Every process a test starts is recorded in $WORK/pids as "PID STARTTIME", so
# that cleanup, also after a section that failed in a subshell, signals only
# these processes and never one that reused a PID.

# proc_start PID: the start time of PID (field 22 of /proc/PID/stat), "-" for
# a zombie or a process that is gone.
proc_start() {
	local s
	s=$(cat "/proc/$1/stat" 2>/dev/null) || { printf -- '-'; return 0; }
	s=${s##*) }
	# shellcheck disable=SC2086
	set -- $s
	if [[ $1 == Z ]]; then printf -- '-'; else printf '%s' "${20}"; fi
}

track() { printf '%s %s\n' "$1" "$(proc_start "$1")" >>"$WORK/pids"; }
untrack() { sed -i "/^$1 /d" "$WORK/pids"; }

# tracked_alive: the tracked processes still running, as "PID" lines.
tracked_alive() {
	local pid start
	[[ -s $WORK/pids ]] || return 0
	while read -r pid start; do
		if [[ $start != - && $(proc_start "$pid") == "$start" ]]; then
			printf '%s\n' "$pid"
		fi
	done <"$WORK/pids"
}

# kill_tracked: SIGTERM to what this run started, SIGKILL after 5 s.
kill_tracked() {
	local pid i left
	for pid in $(tracked_alive); do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for (( i = 0; i < 50; i++ )); do
		left=$(tracked_alive)
		[[ -z $left ]] && break
		sleep 0.1
	done
	for pid in $(tracked_alive); do
		say "pid $pid ignored SIGTERM; SIGKILL"
		kill -KILL "$pid" 2>/dev/null || true
	done
	for (( i = 0; i < 50; i++ )); do
		left=$(tracked_alive)
		[[ -z $left ]] && break
		sleep 0.1
	done
	if [[ -s $WORK/pids ]]; then
		while read -r pid _; do
			wait "$pid" 2>/dev/null || true
		done <"$WORK/pids"
	fi
	: >"$WORK/pids"
}

dump_logs() {
	local f
	[[ -n $WORK && -d $WORK ]] || return 0
	for f in "$WORK"/*.log "$WORK"/*.out; do
		[[ -s $f ]] || continue
		say "---- last lines of $(basename "$f") ----"
		tail -n 40 "$f"
	done
}

cleanup() {
	local rc=$? i
	set +e
	trap - EXIT
	(( rc != 0 && rc != 77 )) && dump_logs
	if [[ -s $WORK/failures ]]; then
		(( rc == 0 )) && rc=1
		while read -r i; do
			printf '%sFAILED %s%s\n' "$C_BAD" "$i" "$C_OFF" >&2
		done <"$WORK/failures"
	fi
	kill_tracked
	for i in "${!NS[@]}"; do
		ip netns del "${NS[$i]}" 2>/dev/null
	done
	if (( KEEP )); then
		say "work directory kept: $WORK"
	else
		rm -rf "$WORK"
	fi
	case $rc in
	0) say "PASS: $TEST_NAME" ;;
	77) ;;
	*) say "FAIL: $TEST_NAME (exit $rc)" ;;
	esac
	exit "$rc"
}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/$PREFIX-$TEST_NAME.XXXXXX")
: >"$WORK/pids"
trap cleanup EXIT

# run_section TITLE FUNC [ARGS...]: one independent part of a test, in a
# subshell. If it fails, what it started is stopped and the test goes on with
# the next part, to fail at the end: one bug does not hide the others.
run_section() {
	local title=$1 rc
	shift
	section "$title"
	set +e
	(
		set -e
		"$@"
	)
	rc=$?
	set -e
	if (( rc != 0 )); then
		printf "section: '%s'\n" "$title" >>"$WORK/failures"
		say "section failed (exit $rc); stopping what it started"
		dump_logs
		kill_tracked
	fi
}

# --- namespaces and wrappers -------------------------------------------------------

# nsx N CMD...: CMD in namespace N, printed first.
nsx() {
	local n=$1
	shift
	pretty "$n" "$*"
	ip netns exec "${NS[$n]}" "$@"
}
# The same without printing, for polling loops and captured output.
nsq() {
	local n=$1
	shift
	ip netns exec "${NS[$n]}" "$@"
}
# bg N OUT CMD...: CMD in namespace N in the background, stdout and stderr to
# OUT; its pid (ip netns exec execs CMD) is tracked and left in BG_PID.
bg() {
	local n=$1 out=$2
	shift 2
	pretty "$n" "$*  &"
	ip netns exec "${NS[$n]}" "$@" >"$out" 2>&1 &
	BG_PID=$!
	track "$BG_PID"
}
n1() { nsx 1 "$@"; }
n2() { nsx 2 "$@"; }
n3() { nsx 3 "$@"; }
ipx() {
	local n=$1
	shift
	pretty "$n" "ip $*"
	ip -n "${NS[$n]}" "$@"
}
ip1() { ipx 1 "$@"; }
ip2() { ipx 2 "$@"; }
ip3() { ipx 3 "$@"; }

# make_ns N...: fresh namespaces with loopback up.
make_ns() {
	local n
	for n in "$@"; do
		NS[n]="$PREFIX-$n"
		pretty "" "ip netns add ${NS[$n]}"
		ip netns add "${NS[$n]}"
		ip -n "${NS[$n]}" link set lo up
	done
}

# link_ns A B NET: a veth pair vethAB/vethBA with NET.A/24 and NET.B/24,
# created straight inside the namespaces so the names never clash.
link_ns() {
	local a=$1 b=$2 net=$3
	ipx "$a" link add "veth$a$b" type veth peer name "veth$b$a" netns "${NS[$b]}"
	ipx "$a" addr add "$net.$a/24" dev "veth$a$b"
	ipx "$b" addr add "$net.$b/24" dev "veth$b$a"
	ipx "$a" link set "veth$a$b" up
	ipx "$b" link set "veth$b$a" up
}

# --- keys and configs ----------------------------------------------------------------

genkey_openvpn() { # FILE
	pretty "" "$OPENVPN --genkey secret $1"
	"$OPENVPN" --genkey secret "$1" >/dev/null
	grep -q 'BEGIN OpenVPN Static key V1' "$1" || fail "openvpn wrote no key to $1"
}

genkey_roamvpn() { # FILE
	pretty "" "roamvpn --genkey secret $1"
	"$ROAMVPN" --genkey secret "$1"
	grep -q 'BEGIN OpenVPN Static key V1' "$1" || fail "roamvpn wrote no key to $1"
}

# inline_secret KEYFILE: the key as an inline <secret> block.
inline_secret() {
	printf '<secret>\n'
	grep -v '^#' "$1"
	printf '</secret>\n'
}

# --- daemons ---------------------------------------------------------------------------


# vpn_start NAME NS IMPL ARGS...: starts a daemon in the background, logging
# to $WORK/NAME.log (its stdout and stderr go to $WORK/NAME.out). Does not
# wait: openvpn in static-key mode completes its start-up only once it has
# heard from the peer, so start both sides, then vpn_wait_init each.
vpn_start() {
	local name=$1 n=$2 impl=$3 bin
	shift 3
	case $impl in
	rv) bin=$ROAMVPN ;;
	ovpn) bin=$OPENVPN ;;
	*) say "ERROR: unknown implementation $impl"; exit 99 ;;
	esac
	: >"$WORK/$name.log"
	bg "$n" "$WORK/$name.out" "$bin" --log "$WORK/$name.log" "$@"
	VPN_PID[$name]=$BG_PID
	VPN_IMPL[$name]=$impl
}

# vpn_up NAME NS IMPL ARGS...: vpn_start, then wait for the start-up to
# complete (for roamvpn, or openvpn whose peer is already running).
vpn_up() {
	vpn_start "$@"
	vpn_wait_init "$1"
}

# log_count NAME PATTERN: how many lines of NAME's log match (grep -E).
log_count() {
	local c
	c=$(grep -cE -- "$2" "$WORK/$1.log" 2>/dev/null) || true
	printf '%s' "${c:-0}"
}

# log_since NAME PATTERN MARK: lines matching in the part of the log after
# byte MARK. If the file shrank (truncated), reads all of it.
log_since() {
	local f="$WORK/$1.log" size
	size=$(stat -c %s "$f" 2>/dev/null || echo 0)
	if (( size < $3 )); then
		grep -E -- "$2" "$f" || true
	else
		tail -c "+$(($3 + 1))" "$f" | grep -E -- "$2" || true
	fi
}

# log_mark NAME: the current size of the log, for log_since / wait_log.
log_mark() { stat -c %s "$WORK/$1.log" 2>/dev/null || echo 0; }

# wait_log NAME PATTERN [SECS] [MARK]: waits until the log of NAME has a line
# matching PATTERN (after byte MARK); fails if the daemon died or time is up.
wait_log() {
	local name=$1 pat=$2 secs=${3:-$TIMEOUT} mark=${4:-0} end pid
	pid=${VPN_PID[$name]:-}
	end=$(( $(date +%s) + secs ))
	while [[ -z $(log_since "$name" "$pat" "$mark") ]]; do
		if [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null; then
			# It may have logged the line just before exiting.
			[[ -n $(log_since "$name" "$pat" "$mark") ]] && break
			fail "$name exited while waiting for '$pat' in its log"
		fi
		(( $(date +%s) < end )) || fail "$name: no '$pat' in its log after $secs s"
		sleep 0.1
	done
}

# assert_log NAME PATTERN [MARK]: the log (after byte MARK) has a matching line.
assert_log() {
	[[ -n $(log_since "$1" "$2" "${3:-0}") ]] || fail "$1: no '$2' in its log"
}

vpn_wait_init() { # NAME...
	local name
	for name in "$@"; do
		wait_log "$name" 'Initialization Sequence Completed'
		say "$name (${VPN_IMPL[$name]}, pid ${VPN_PID[$name]}) is up"
	done
}

# wait_gone PID SECS: true once PID has exited, false on timeout.
wait_gone() {
	local i
	for (( i = 0; i < $2 * 10; i++ )); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.1
	done
	return 1
}

# vpn_stop NAME [SIG]: signals the daemon (SIGTERM by default), waits for it
# and checks it exited with status 0. The status is left in VPN_STATUS.
vpn_stop() {
	local name=$1 sig=${2:-TERM} pid=${VPN_PID[$1]}
	pretty "" "kill -$sig $pid  # $name"
	kill "-$sig" "$pid" 2>/dev/null || fail "$name (pid $pid) was not running"
	# (stderr: no "Killed" notice from bash for SIGKILL)
	wait_gone "$pid" "$TIMEOUT" 2>/dev/null || fail "$name did not exit within $TIMEOUT s of SIG$sig"
	VPN_STATUS=0
	{ wait "$pid" || VPN_STATUS=$?; } 2>/dev/null
	untrack "$pid"
	if [[ $sig == TERM ]]; then
		assert_eq "$VPN_STATUS" 0 "exit status of $name after SIGTERM"
	fi
}

# vpn_reap NAME: collects a daemon that exited by itself (status in VPN_STATUS).
vpn_reap() {
	local pid=${VPN_PID[$1]}
	VPN_STATUS=0
	wait "$pid" 2>/dev/null || VPN_STATUS=$?
	untrack "$pid"
}

assert_no_dev() { # NS DEV
	if ip -n "${NS[$1]}" link show "$2" >/dev/null 2>&1; then
		fail "device $2 still exists in ns$1"
	fi
	say "device $2 is gone from ns$1"
}

dev_ifindex() { # NS DEV
	ip -n "${NS[$1]}" -o link show "$2" 2>/dev/null | cut -d: -f1
}

# --- statistics (SIGUSR2) ---------------------------------------------------------------

# stats_snapshot NAME: SIGUSR2, then copies the statistics block it prints
# into $WORK/NAME.stats (timestamps stripped).
stats_snapshot() {
	local name=$1 f="$WORK/$1.log" before end
	before=$(log_count "$name" '(^| )END$')
	kill -USR2 "${VPN_PID[$name]}" || fail "cannot signal $name"
	end=$(( $(date +%s) + TIMEOUT ))
	while (( $(log_count "$name" '(^| )END$') <= before )); do
		(( $(date +%s) < end )) || fail "$name printed no statistics on SIGUSR2"
		sleep 0.1
	done
	sed -E 's/^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} //' "$f" |
		awk '/STATISTICS$/ { n = 0; delete b } { b[n++] = $0 } END { for (i = 0; i < n; i++) print b[i] }' |
		sed -n '/STATISTICS$/,/^END$/p' >"$WORK/$name.stats"
}

# stat_get NAME COUNTER: a counter of the last snapshot ("dropped replay",
# "UDP read bytes" ...); empty if absent.
stat_get() {
	awk -v c="$2," 'index($0, c) == 1 { print substr($0, length(c) + 1) }' "$WORK/$1.stats"
}

# print_drops NAME: the non-zero drop counters of the last snapshot.
print_drops() {
	local line
	line=$(grep '^dropped ' "$WORK/$1.stats" | grep -v ',0$' | tr '\n' ' ') || true
	say "$1 drops: ${line:-none}"
}

# assert_no_drops NAME: roamvpn counted no dropped packet, and (at --verb 4)
# logged none.
assert_no_drops() {
	local name=$1 bad
	stats_snapshot "$name"
	grep -q '^dropped ' "$WORK/$name.stats" || fail "$name: no drop counters in its statistics"
	bad=$(grep '^dropped ' "$WORK/$name.stats" | grep -v ',0$' | tr '\n' ' ') || true
	[[ -z $bad ]] || fail "$name dropped packets: $bad"
	bad=$(grep -E 'dropped packet' "$WORK/$name.log" | head -n 5) || true
	[[ -z $bad ]] || fail "$name logged drops: $bad"
	say "$name: no packets dropped"
}

# assert_same_push OVPN_CLIENT RV_CLIENT: the first PUSH_REPLY in the logs of
# the client of an openvpn server and of the client of a roamvpn server (both
# printed) are the same, and there is one. Leaves them in PUSH_OVPN, PUSH_RV.
assert_same_push() {
	PUSH_OVPN=$(grep -o "PUSH_REPLY,[^']*" "$WORK/$1.log" | head -n 1)
	PUSH_RV=$(grep -o "PUSH_REPLY,[^']*" "$WORK/$2.log" | head -n 1)
	say "  openvpn pushed: $PUSH_OVPN"
	say "  roamvpn pushed: $PUSH_RV"
	[[ -n $PUSH_OVPN ]] || fail "the client got no PUSH_REPLY from openvpn"
	assert_eq "$PUSH_RV" "$PUSH_OVPN" "PUSH_REPLY of roamvpn and openvpn to the same client"
}

# --- traffic -----------------------------------------------------------------------------

# ping_ok NS ADDR [PING ARGS...]: every echo gets its reply.
ping_ok() {
	local n=$1 addr=$2 out
	shift 2
	pretty "$n" "ping -c 3 -i 0.2 -W 2 ${*:+$* }$addr"
	if ! out=$(nsq "$n" ping -n -q -c 3 -i 0.2 -W 2 "$@" "$addr" 2>&1); then
		say "$out"
		fail "ping from ns$n to $addr $*"
	fi
	grep -q ' 0% packet loss' <<<"$out" || { say "$out"; fail "ping from ns$n to $addr $* lost packets"; }
	say "  $(grep 'packets transmitted' <<<"$out")"
}

# ping_fails NS ADDR: no echo gets through.
ping_fails() {
	local n=$1 addr=$2
	pretty "$n" "ping -c 2 -i 0.2 -W 1 $addr  # must fail"
	if nsq "$n" ping -n -q -c 2 -i 0.2 -W 1 "$addr" >/dev/null 2>&1; then
		fail "ping from ns$n to $addr got through, but must not"
	fi
	say "  no reply, as expected"
}

# iperf_tcp FROM TO ADDR SECS [EXTRA...]: TCP from namespace FROM to the
# server at ADDR in namespace TO. The receiver's rate is left in IPERF_MBPS.
iperf_tcp() {
	local from=$1 to=$2 addr=$3 secs=$4 spid end json rc=0
	shift 4
	json="$WORK/iperf-$from-$to.json"
	bg "$to" "$WORK/iperf-server.out" iperf3 -s -1 -B "$addr"
	spid=$BG_PID
	end=$(( $(date +%s) + TIMEOUT ))
	until nsq "$to" ss -Hlnt "sport = :5201" | grep -q LISTEN; do
		(( $(date +%s) < end )) || fail "iperf3 server in ns$to did not start"
		sleep 0.1
	done
	pretty "$from" "iperf3 -c $addr -t $secs${*:+ $*}"
	nsq "$from" timeout --kill-after=5 $((secs + 30)) \
		iperf3 -J -c "$addr" -t "$secs" "$@" >"$json" 2>"$WORK/iperf-client.err" || rc=$?
	wait_gone "$spid" 10 || kill "$spid" 2>/dev/null || true
	wait "$spid" 2>/dev/null || true
	untrack "$spid"
	(( rc == 0 )) || { cat "$WORK/iperf-client.err" "$json" | tail -n 20; fail "iperf3 from ns$from to $addr failed ($rc)"; }
	IPERF_MBPS=$(python3 - "$json" <<-'EOF'
		import json, sys
		end = json.load(open(sys.argv[1]))["end"]
		s = end.get("sum_received") or end.get("sum")
		print("%.1f" % (s["bits_per_second"] / 1e6))
	EOF
	)
	say "  ns$from -> ns$to: $IPERF_MBPS Mbit/s"
	[[ $IPERF_MBPS != 0.0 ]] || fail "iperf3 from ns$from to $addr moved no data"
}

# --- the static-key point-to-point tunnel ---------------------------------------------------

# Underlay: ns1 192.168.241.1, ns2 192.168.241.2 (veth). Tunnel: 10.241.0.1
# in ns1, 10.241.0.2 in ns2, device vpn0 on both sides; side 1 uses key
# direction 0, side 2 key direction 1.
UNDER=192.168.241
TUN_NET=10.241.0
IPERF_SECS=${IPERF_SECS:-5}

# p2p_args SIDE IMPL CIPHER AUTH KEY STYLE [EXTRA...]: prints the arguments of
# one side, one per line. STYLE flags puts everything on the command line
# (--secret KEY DIR); STYLE inline writes a config file with an inline
# <secret> block and key-direction, and passes --config FILE.
p2p_args() {
	local side=$1 impl=$2 cipher=$3 auth=$4 key=$5 style=$6 peer dir verb conf
	shift 6
	peer=$((3 - side))
	dir=$((side - 1))
	verb=3
	if [[ $impl == rv ]]; then verb=4; fi
	if [[ $style == inline ]]; then
		conf="$WORK/side$side.conf"
		{
			printf '# side %s, %s\n' "$side" "$impl"
			printf 'dev vpn0\ndev-type tun\n'
			printf 'ifconfig %s %s\n' "$TUN_NET.$side" "$TUN_NET.$peer"
			printf 'remote %s\n' "$UNDER.$peer"
			printf 'cipher %s\nauth %s\nverb %s\n' "$cipher" "$auth" "$verb"
			printf 'key-direction %s\n' "$dir"
			inline_secret "$key"
		} >"$conf"
		printf '%s\n' --config "$conf"
	else
		printf '%s\n' --dev vpn0 --dev-type tun --ifconfig "$TUN_NET.$side" "$TUN_NET.$peer" \
			--remote "$UNDER.$peer" --cipher "$cipher" --auth "$auth" \
			--secret "$key" "$dir" --verb "$verb"
	fi
	if (( $# > 0 )); then printf '%s\n' "$@"; fi
}

# p2p_setup: namespaces 1 and 2 joined by a veth.
p2p_setup() {
	make_ns 1 2
	link_ns 1 2 "$UNDER"
}

# p2p_static_case IMPL1 IMPL2 CIPHER AUTH KEYGEN STYLE: one tunnel between
# ns1 and ns2 with a fresh key written by KEYGEN (rv or ovpn). Checks pings
# both ways (also of 1400 bytes), iperf3 TCP each way, that no roamvpn side
# dropped a packet, and that SIGTERM removes the devices.
p2p_static_case() {
	run_section "ns1 $1 (key-direction 0) <-> ns2 $2 (key-direction 1): $3/$4, key from $5, $6 options" \
		p2p_static_run "$@"
}

p2p_static_run() {
	local i1=$1 i2=$2 cipher=$3 auth=$4 keygen=$5 style=$6 key side impl
	local -a args
	key="$WORK/$cipher-$auth.key"
	if [[ $keygen == rv ]]; then genkey_roamvpn "$key"; else genkey_openvpn "$key"; fi
	for side in 1 2; do
		impl=$i1
		if (( side == 2 )); then impl=$i2; fi
		mapfile -t args < <(p2p_args "$side" "$impl" "$cipher" "$auth" "$key" "$style")
		vpn_start "side$side" "$side" "$impl" "${args[@]}"
	done
	vpn_wait_init side1 side2

	ping_ok 1 "$TUN_NET.2"
	ping_ok 2 "$TUN_NET.1"
	for side in 1 2; do
		if [[ ${VPN_IMPL[side$side]} == rv ]]; then
			wait_log "side$side" "Peer Connection Initiated with $UNDER.$((3 - side)):1194"
		fi
	done
	ping_ok 1 "$TUN_NET.2" -s 1400
	ping_ok 2 "$TUN_NET.1" -s 1400
	iperf_tcp 1 2 "$TUN_NET.2" "$IPERF_SECS"
	iperf_tcp 2 1 "$TUN_NET.1" "$IPERF_SECS"

	for side in 1 2; do
		if [[ ${VPN_IMPL[side$side]} == rv ]]; then
			assert_no_drops "side$side"
		fi
	done
	for side in 1 2; do
		vpn_stop "side$side"
		assert_no_dev "$side" vpn0
	done
	return 0
}

# --- TLS mode: certificates, an openvpn server, its clients ---------------------------------

# Debian's openvpn sample keys (ca.crt/ca.key, server.crt, client.crt, ta.key,
# dh2048.pem) and sample configurations.
SAMPLE_KEYS=${SAMPLE_KEYS:-/usr/share/doc/openvpn/examples/sample-keys}
SAMPLE_CONFIGS=${SAMPLE_CONFIGS:-/usr/share/doc/openvpn/examples/sample-config-files}
PKI="$WORK/pki"
# The server's tunnel network (--server $SRV_NET.0 255.255.255.0): the
# server is $SRV_NET.1. The server runs in ns1 on $UNDER.1, the client in ns2.
SRV_NET=10.8.0

# require_tls_env [TOOL...]: require_netns_env, openssl and the sample keys.
require_tls_env() {
	require_netns_env openssl "$@"
	[[ -r $SAMPLE_KEYS/ca.key && -r $SAMPLE_KEYS/server.crt ]] ||
		skip "no openvpn sample keys in $SAMPLE_KEYS (set SAMPLE_KEYS)"
}

# tls_pki: $PKI with copies of the sample keys and a fresh tls-crypt key,
# tc.key. pki_ca and pki_cert add to it.
tls_pki() {
	local f
	pki_init
	for f in ca.crt ca.key server.crt server.key client.crt client.key ta.key dh2048.pem; do
		cp "$SAMPLE_KEYS/$f" "$PKI/"
	done
	chmod 600 "$PKI"/*.key
	pretty "" "$OPENVPN --genkey tls-crypt $PKI/tc.key"
	"$OPENVPN" --genkey tls-crypt "$PKI/tc.key" >/dev/null
}

# pki_init: an empty $PKI with the OpenSSL configuration pki_ca and pki_cert
# use (openssl only: no openvpn needed).
pki_init() {
	mkdir -p "$PKI/newcerts"
	: >"$PKI/index.txt"
	printf '1000\n' >"$PKI/serial"
	cat >"$PKI/ca.cnf" <<-CNF
		[ ca ]
		default_ca = test_ca
		[ test_ca ]
		database = $PKI/index.txt
		new_certs_dir = $PKI/newcerts
		serial = $PKI/serial
		default_md = sha256
		policy = any_cn
		unique_subject = no
		[ any_cn ]
		commonName = supplied
		[ req ]
		distinguished_name = dn
		[ dn ]
		[ v3_ca ]
		basicConstraints = critical, CA:TRUE
		keyUsage = keyCertSign, cRLSign
		subjectKeyIdentifier = hash
		[ server ]
		basicConstraints = CA:FALSE
		keyUsage = digitalSignature, keyEncipherment
		extendedKeyUsage = serverAuth
		[ client ]
		basicConstraints = CA:FALSE
		keyUsage = digitalSignature
		extendedKeyUsage = clientAuth
		[ server-no-eku ]
		basicConstraints = CA:FALSE
		keyUsage = digitalSignature, keyEncipherment
		[ none ]
		basicConstraints = CA:FALSE
	CNF
}

# pki_ca NAME: a new self-signed CA (EC P-256), $PKI/NAME.crt and NAME.key.
pki_ca() {
	pretty "" "openssl req -x509 ... -subj /CN=$1 -out $PKI/$1.crt  # a new CA"
	openssl req -x509 -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
		-config "$PKI/ca.cnf" -extensions v3_ca -days 3650 -subj "/CN=$1" \
		-keyout "$PKI/$1.key" -out "$PKI/$1.crt" 2>"$PKI/openssl.err" ||
		fail "openssl could not make CA $1: $(cat "$PKI/openssl.err")"
	chmod 600 "$PKI/$1.key"
}

# pki_cert NAME CA USAGE [START END]: $PKI/NAME.crt and NAME.key (EC P-256),
# CN=NAME, signed by CA ("ca", the sample CA, or one of pki_ca). USAGE is
# server (serverAuth), client (clientAuth), server-no-eku (the key usage of
# a server but no extended key usage) or none (no extensions). START and
# END (YYYYMMDDHHMMSSZ) default to yesterday and ten years on.
pki_cert() {
	local name=$1 ca=$2 usage=$3 start=${4:-} end=${5:-}
	[[ -n $start ]] || start=$(date -u -d yesterday +%Y%m%d%H%M%SZ)
	[[ -n $end ]] || end=$(date -u -d '+10 years' +%Y%m%d%H%M%SZ)
	pretty "" "openssl ca -cert $ca.crt -extensions $usage -startdate $start -enddate $end -out $PKI/$name.crt"
	openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
		-config "$PKI/ca.cnf" -subj "/CN=$name" -keyout "$PKI/$name.key" \
		-out "$PKI/$name.csr" 2>"$PKI/openssl.err" ||
		fail "openssl could not make a request for $name: $(cat "$PKI/openssl.err")"
	openssl ca -batch -notext -config "$PKI/ca.cnf" -cert "$PKI/$ca.crt" \
		-keyfile "$PKI/$ca.key" -extensions "$usage" -startdate "$start" \
		-enddate "$end" -in "$PKI/$name.csr" -out "$PKI/$name.crt" \
		>"$PKI/openssl.err" 2>&1 ||
		fail "openssl could not sign $name: $(cat "$PKI/openssl.err")"
	chmod 600 "$PKI/$name.key"
}

# wrap_args WRAP DIR: the options of a control-channel wrapping, none,
# tls-auth (key direction DIR) or tls-crypt, one per line.
wrap_args() {
	case $1 in
	none) ;;
	tls-auth) printf '%s\n' --tls-auth "$PKI/ta.key" "$2" ;;
	tls-crypt) printf '%s\n' --tls-crypt "$PKI/tc.key" ;;
	*) say "ERROR: unknown wrapping $1"; exit 99 ;;
	esac
}

# ovpn_server_args [EXTRA...]: the options of an openvpn 2.6 server in ns1
# on $UNDER.1 port 1194: device vpn0, --server $SRV_NET.0/24, topology subnet,
# the sample CA and server certificate, --dh none, --keepalive 10 60. EXTRA
# (one argument a line) may override them (openvpn takes the last).
ovpn_server_args() {
	printf '%s\n' --dev vpn0 --dev-type tun --local "$UNDER.1" --port 1194 \
		--server "$SRV_NET.0" 255.255.255.0 --topology subnet \
		--ca "$PKI/ca.crt" --cert "$PKI/server.crt" --key "$PKI/server.key" \
		--dh none --keepalive 10 60 --verb 3
	if (( $# > 0 )); then printf '%s\n' "$@"; fi
}

# ovpn_server NAME [EXTRA...]: starts that server as NAME in ns1 and waits for
# its start-up (a server completes it before any client comes).
ovpn_server() {
	local name=$1
	local -a args
	shift
	mapfile -t args < <(ovpn_server_args "$@")
	vpn_start "$name" 1 ovpn "${args[@]}"
	vpn_wait_init "$name"
}

# tls_client_args IMPL [EXTRA...]: the options of a client (--client) of the
# server in ns1: device vpn0, --nobind, the CA, certificate and key in
# CLIENT_CA, CLIENT_CERT and CLIENT_KEY (default the sample CA and client
# certificate), --remote-cert-tls server, --verb 4 for roamvpn (drops are
# logged) or 3 for openvpn, --remote REMOTE 1194 (default $UNDER.1; REMOTE=""
# for none, when EXTRA has them).
tls_client_args() {
	local impl=$1 verb=3 remote=${REMOTE-$UNDER.1}
	shift
	[[ $impl == rv ]] && verb=4
	printf '%s\n' --client --dev vpn0 --dev-type tun --nobind \
		--ca "${CLIENT_CA:-$PKI/ca.crt}" --cert "${CLIENT_CERT:-$PKI/client.crt}" \
		--key "${CLIENT_KEY:-$PKI/client.key}" --remote-cert-tls server --verb "$verb"
	if [[ -n $remote ]]; then printf '%s\n' --remote "$remote" 1194; fi
	if (( $# > 0 )); then printf '%s\n' "$@"; fi
}

# tls_client NAME IMPL [EXTRA...]: starts such a client as NAME in ns2 (does
# not wait).
tls_client() {
	local name=$1 impl=$2
	local -a args
	shift 2
	mapfile -t args < <(tls_client_args "$impl" "$@")
	vpn_start "$name" 2 "$impl" "${args[@]}"
}

# tun_addr NS [DEV]: the IPv4 address of DEV (vpn0) in namespace NS.
tun_addr() {
	ip -n "${NS[$1]}" -4 -o addr show dev "${2:-vpn0}" 2>/dev/null | awk '{ print $4; exit }' | cut -d/ -f1
}

# ovpn_mgmt PORT CMD...: sends each CMD to the management interface of an
# openvpn in ns1 on 127.0.0.1:PORT; prints what it answered.
ovpn_mgmt() {
	local port=$1
	shift
	pretty 1 "management 127.0.0.1:$port: $*"
	nsq 1 python3 - "$port" "$@" <<-'EOF'
		import socket, sys
		s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
		f = s.makefile("rw", newline="\n")
		f.readline()  # >INFO:OpenVPN Management Interface ...
		for cmd in sys.argv[2:]:
		    f.write(cmd + "\n"); f.flush()
		    while True:
		        line = f.readline()
		        if not line:
		            sys.exit("management interface closed the connection")
		        line = line.rstrip("\r\n")
		        if line.startswith(">"):  # real-time notifications
		            continue
		        print(line)
		        if line == "END" or line.startswith(("SUCCESS:", "ERROR:")):
		            break
		f.write("quit\n"); f.flush()
	EOF
}

# tls_p2p_args SIDE IMPL ROLE WRAP [EXTRA...]: the options of one end of a
# point-to-point TLS tunnel between ns1 and ns2 ($TUN_NET.SIDE, device vpn0),
# one per line. ROLE is server (--tls-server, sample server certificate,
# --dh none; tls-auth key direction 0) or client (--tls-client, client
# certificate, --remote-cert-tls server; direction 1). WRAP as wrap_args.
tls_p2p_args() {
	local side=$1 impl=$2 role=$3 wrap=$4 peer verb=3
	shift 4
	peer=$((3 - side))
	[[ $impl == rv ]] && verb=4
	printf '%s\n' --dev vpn0 --dev-type tun --ifconfig "$TUN_NET.$side" "$TUN_NET.$peer" \
		--remote "$UNDER.$peer" --ca "$PKI/ca.crt" --verb "$verb"
	case $role in
	server)
		printf '%s\n' --tls-server --cert "$PKI/server.crt" --key "$PKI/server.key" --dh none
		wrap_args "$wrap" 0
		;;
	client)
		printf '%s\n' --tls-client --cert "$PKI/client.crt" --key "$PKI/client.key" \
			--remote-cert-tls server
		wrap_args "$wrap" 1
		;;
	esac
	if (( $# > 0 )); then printf '%s\n' "$@"; fi
}

# ping_run NS ADDR COUNT INTERVAL: COUNT echoes, one every INTERVAL s; the
# numbers sent and answered are left in PING_SENT and PING_RECV.
ping_run() {
	local n=$1 addr=$2 count=$3 ival=$4 out
	pretty "$n" "ping -c $count -i $ival -W 1 $addr"
	out=$(nsq "$n" ping -n -q -c "$count" -i "$ival" -W 1 "$addr" 2>&1) || true
	PING_SENT=$(sed -nE 's/^([0-9]+) packets transmitted.*/\1/p' <<<"$out")
	PING_RECV=$(sed -nE 's/.* ([0-9]+) (packets )?received.*/\1/p' <<<"$out")
	[[ -n $PING_SENT && -n $PING_RECV ]] || { say "$out"; fail "ping from ns$n to $addr: no summary"; }
	say "  $(grep 'packets transmitted' <<<"$out")"
}

# drops_baseline NAME: a statistics snapshot whose drop counters
# assert_no_new_drops compares with (for drops a test expects before it, such
# as what the device sent before the first keys were there).
drops_baseline() {
	stats_snapshot "$1"
	grep '^dropped ' "$WORK/$1.stats" >"$WORK/$1.drops0" || fail "$1: no drop counters in its statistics"
	print_drops "$1"
}

# assert_no_new_drops NAME: no drop counter grew since drops_baseline.
assert_no_new_drops() {
	local name=$1 bad
	stats_snapshot "$name"
	bad=$(grep '^dropped ' "$WORK/$name.stats" | diff "$WORK/$name.drops0" - | grep '^>' |
		sed 's/^> //' | tr '\n' ' ') || true
	[[ -z $bad ]] || fail "$name dropped packets since the baseline: now $bad(before: $(grep -v ',0$' "$WORK/$name.drops0" | tr '\n' ' '))"
	say "$name: no packets dropped since the baseline"
}

# wait_log_count NAME PATTERN N [SECS] [MARK]: waits until the log of NAME
# has N lines matching PATTERN (after byte MARK); fails if time is up or the
# daemon died before.
wait_log_count() {
	local name=$1 pat=$2 want=$3 secs=${4:-$TIMEOUT} mark=${5:-0} end pid
	pid=${VPN_PID[$name]:-}
	end=$(( $(date +%s) + secs ))
	while (( $(log_since "$name" "$pat" "$mark" | grep -c .) < want )); do
		if [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null; then
			(( $(log_since "$name" "$pat" "$mark" | grep -c .) >= want )) && break
			fail "$name exited while waiting for $want lines '$pat' in its log"
		fi
		(( $(date +%s) < end )) ||
			fail "$name: $(log_since "$name" "$pat" "$mark" | grep -c .) lines '$pat' in its log after $secs s, expected $want"
		sleep 0.1
	done
}

# assert_no_crash NAME [STATUS]: neither the log of NAME nor its stdout and
# stderr tell of a crash or a sanitizer report, and its exit STATUS (if
# given) is not a death by a signal.
assert_no_crash() {
	local name=$1 status=${2:-0} bad
	bad=$(grep -hE 'AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:|Segmentation fault|Aborted|core dumped|Assertion .* failed|stack smashing|double free|free\(\): invalid' \
		"$WORK/$name.log" "$WORK/$name.out" 2>/dev/null | head -n 5) || true
	[[ -z $bad ]] || fail "$name crashed or had a sanitizer report: $bad"
	(( status < 128 )) || fail "$name died of signal $((status - 128))"
}
