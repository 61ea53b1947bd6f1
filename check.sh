#!/usr/bin/env bash
# Installs dependencies, builds, and runs the whole test suite:
#   1. a -Werror build, its unit tests and the network-namespace tests (two at a time)
#      (roamvpn <-> roamvpn and roamvpn <-> Debian's openvpn 2.6), then a short smoke run
#      of each reproduction of the paper's experiments (tests/bench/paper-*.sh,
#      handover-plot.sh): it must work and print its table; its figures are not judged;
#   2. the unit tests again under AddressSanitizer + UndefinedBehaviorSanitizer;
#   3. each libFuzzer harness for FUZZ_SECONDS (default 30), one per core at a time.
# Run as root on Debian 12 (the namespace tests need it). Exit status 0 = all passed.
set -euo pipefail
top=$(cd "$(dirname "$0")" && pwd)
cd "$top"
fuzz_seconds=${FUZZ_SECONDS:-30}
jobs=$(nproc 2>/dev/null || echo 2)
start=$(date +%s)

step() { printf '\n==== %s\n' "$*"; }
show_failures() {
	# Print the logs of failed tests so CI output explains itself.
	local dir=$1
	for log in $(find "$dir/tests" -name '*.log' 2>/dev/null); do
		trs=${log%.log}.trs
		if [ -f "$trs" ] && grep -q '^:test-result: FAIL\|^:test-result: ERROR' "$trs"; then
			echo "---- $log"
			tail -n 80 "$log"
		fi
	done
}

step "dependencies"
distro/install-deps.sh test

step "autoreconf"
autoreconf -fi >/dev/null

step "build with -Werror, unit and network tests"
mkdir -p build-check
(cd build-check && "$top/configure" -q --enable-werror && make -j"$jobs" >/dev/null)
# Two tests at a time: the namespace tests mostly wait (handshakes, pings,
# timers); each has its own namespaces, addresses and work directory.
if ! (cd build-check && make -j"$jobs" check); then
	show_failures build-check
	exit 1
fi

# smoke NAME SCRIPT COUNT PATTERN: runs tests/bench/SCRIPT with SMOKE=1 (a
# few seconds of each measurement); its output must have COUNT lines
# matching PATTERN (grep -E): the table, a number in each cell. Timings
# are never judged here.
smoke() {
	local name=$1 script=$2 count=$3 pattern=$4 out n
	out="$top/build-check/tests/bench/$name.log"
	mkdir -p "$(dirname "$out")"
	if ! (cd "$top/build-check" && SMOKE=1 ROAMVPN="$top/build-check/src/roamvpn/roamvpn" \
		TOP_SRCDIR="$top" PLOT_OUT="$top/build-check/tests/bench/handover.png" \
		"$top/tests/bench/$script" >"$out" 2>&1); then
		tail -n 60 "$out"
		echo "FAIL: $script (SMOKE=1) did not run through; log in $out" >&2
		return 1
	fi
	n=$(grep -cE -- "$pattern" "$out") || true
	if [ "$n" != "$count" ]; then
		tail -n 30 "$out"
		echo "FAIL: $script (SMOKE=1): $n lines like '$pattern', expected $count" >&2
		return 1
	fi
	echo "-- $script: ran, $count table line(s) of the expected shape"
}

step "smoke runs of the paper's experiments (shape only, no timing judged)"
num='-?[0-9]+(\.[0-9]+)?'
cell="$num ± $num"
smoke paper-table1 paper-table1.sh 1 "^\| 36 \| $cell \|( $cell \($num%\) \|){5}\$"
smoke paper-table2 paper-table2.sh 4 \
	"^\| (roamvpn|openvpn 2\.6), (re-instantiation|reconfiguration) \| $cell \([0-9]+\) \|\$"
smoke handover-plot handover-plot.sh 1 '^wrote .*handover\.png and .*handover\.dat$'
png="$top/build-check/tests/bench/handover.png"
if [ "$(head -c 4 "$png" | tail -c 3)" != PNG ] ||
	[ "$(grep -cE "^$num $num $num\$" "${png%.png}.dat")" -lt 20 ]; then
	echo "FAIL: handover-plot.sh (SMOKE=1) wrote no PNG or too few data rows" >&2
	exit 1
fi

step "unit tests under AddressSanitizer and UndefinedBehaviorSanitizer"
mkdir -p build-san
(cd build-san && "$top/configure" -q --enable-werror --enable-sanitizers && make -j"$jobs" >/dev/null)
unit_tests=$(cd build-san && make -s print-unit-tests)
if ! (cd build-san && ASAN_OPTIONS=detect_leaks=1 make -j"$jobs" check TESTS="$unit_tests"); then
	show_failures build-san
	exit 1
fi

harnesses="fuzz_options fuzz_static_open fuzz_control fuzz_km2 fuzz_push fuzz_comp fuzz_tcp
	fuzz_server"
fuzzers=$(for h in $harnesses; do printf 'tests/fuzz/%s ' "$h"; done)
step "fuzzing, ${fuzz_seconds} s per harness, $jobs at a time"
mkdir -p build-fuzz
(cd build-fuzz && CC=clang "$top/configure" -q --enable-fuzzers --disable-tests &&
	make -j"$jobs" $fuzzers >/dev/null)
# fuzz_one HARNESS: runs it for fuzz_seconds; on a finding prints the tail of
# its log and where the reproducer is, and returns 1.
fuzz_one() {
	local h=$1 seeds corpus scratch extra=""
	seeds="$top/tests/fuzz/seeds/${h#fuzz_}"
	[ -d "$seeds" ] || { echo "FAIL: $h has no seed directory $seeds" >&2; return 1; }
	corpus=$(mktemp -d "/tmp/roamvpn-$h.XXXXXX")
	scratch=$(mktemp -d "/tmp/roamvpn-$h-run.XXXXXX")
	# Run from a scratch directory: the option fuzzer may create files. Its
	# inputs may be long (inline blocks); roamvpn's log lines go nowhere.
	[ "$h" = fuzz_options ] && extra="-max_len=8192"
	if ! (cd "$scratch" && "$top/build-fuzz/tests/fuzz/$h" -max_total_time="$fuzz_seconds" \
		-close_fd_mask=1 -print_final_stats=1 $extra "$corpus" "$seeds" 2>"$corpus.log"); then
		echo "-- $h"
		tail -n 60 "$corpus.log"
		echo "FAIL: $h found a problem; reproducer in $scratch" >&2
		return 1
	fi
	echo "-- $h: $(grep -E 'stat::number_of_executed_units' "$corpus.log" | awk '{ print $2 }') inputs"
	rm -rf "$corpus" "$corpus.log" "$scratch"
}

# One harness per core at a time (each is single-threaded).
set -- $harnesses
while [ $# -gt 0 ]; do
	pids=""
	for _ in $(seq "$jobs"); do
		[ $# -gt 0 ] || break
		fuzz_one "$1" &
		pids="$pids $!"
		shift
	done
	for p in $pids; do
		wait "$p" || exit 1
	done
done

step "all passed in $(( $(date +%s) - start )) s"
