#!/usr/bin/env bash
# Installs what is missing, builds roamvpn, and shows it working: on a
# namespace testbed (a server, two Wi-Fi hotspots with NAT, a laptop), a
# roamvpn tunnel keeps a download going while the laptop changes hotspot three
# times. Everything it creates is removed on exit. Run as root on Debian 12.
set -euo pipefail
top=$(cd "$(dirname "$0")" && pwd)
cd "$top"

say() { printf '\n\033[1m%s\033[0m\n' "$*"; }
run() { printf '  $ %s\n' "$*"; "$@"; }

if [ "$(id -u)" -ne 0 ]; then
	echo "quickstart.sh needs root (namespaces, TUN devices)." >&2
	exit 1
fi

say "1. Dependencies"
distro/install-deps.sh demo

say "2. Build"
autoreconf -fi >/dev/null
mkdir -p build-quickstart
(cd build-quickstart && "$top/configure" -q --disable-tests && make -j"$(nproc)" >/dev/null)
rv="$top/build-quickstart/src/roamvpn/roamvpn"
"$rv" --version

say "3. The testbed: a server 5 ms away, two Wi-Fi hotspots with NAT, a laptop"
# tests/lab/lab.sh builds it (and removes it on exit); it prints each command.
export ROAMVPN=$rv
export RVLAB_WANEM="$top/build-quickstart/tests/lab/rvlab-wanem"
export RVLAB_STREAM="$top/build-quickstart/tests/lab/rvlab-stream"
set +u
# shellcheck source=tests/lab/lab.sh
source "$top/tests/lab/lab.sh"
require_lab_env iperf3
lab_setup
lab_attach A
echo "  server $LAB_SERVER (ns ${NS[1]}); laptop (ns ${NS[2]}) on hotspot A, 192.168.10.2 behind NAT"

say "4. A roamvpn tunnel from the laptop to the server"
"$rv" --genkey secret "$WORK/static.key" >/dev/null
common=(--dev vpn0 --dev-type tun --cipher AES-256-CBC --auth SHA256 --keepalive 10 60 --verb 3)
# The server has no --remote: it follows the laptop wherever it comes from.
vpn_up server 1 rv "${common[@]}" --secret "$WORK/static.key" 0 --ifconfig 10.8.0.1 10.8.0.2
vpn_up laptop 2 rv "${common[@]}" --secret "$WORK/static.key" 1 --ifconfig 10.8.0.2 10.8.0.1 \
	--remote "$LAB_SERVER"
ping_ok 2 10.8.0.1

say "5. A 12 s download while the laptop changes hotspot three times"
bg 1 "$WORK/iperf-s.out" iperf3 -s -1 -B 10.8.0.1
sleep 0.5
bg 2 "$WORK/iperf.out" iperf3 -c 10.8.0.1 -R -t 12 -i 1 -f m
client=$BG_PID
for _ in 1 2 3; do
	sleep 3
	lab_hop
done
wait "$client" || true
untrack "$client"
grep -E "Mbits/sec" "$WORK/iperf.out" | sed 's/^/  /'

say "6. What the laptop's roamvpn logged about the moves"
grep -E "roam:" "$WORK/laptop.log" | cut -d' ' -f3- | sed 's/^/  /'
echo "  (openvpn 2.6 would wait for the laptop's next keepalive, up to 10 s here:"
echo "   tests/bench/handover.sh measures both)"

say "Done. Next: ./check.sh runs the whole test suite; README.md explains the options."
