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

say "4. A roamvpn server and a roamvpn client on the laptop (TLS, certificates made now)"
pki_init
pki_ca demo-ca
pki_cert server demo-ca server
pki_cert laptop demo-ca client
vpn_up server 1 rv --dev vpn0 --dev-type tun --local "$LAB_SERVER" --port 1194 \
	--server 10.8.0.0 255.255.255.0 --topology subnet --keepalive 10 60 \
	--ca "$PKI/demo-ca.crt" --cert "$PKI/server.crt" --key "$PKI/server.key" --dh none --verb 3
vpn_up laptop 2 rv --client --dev vpn0 --dev-type tun --nobind --remote "$LAB_SERVER" 1194 \
	--ca "$PKI/demo-ca.crt" --cert "$PKI/laptop.crt" --key "$PKI/laptop.key" \
	--remote-cert-tls server --verb 3
grep -E "roam:" "$WORK/laptop.log" | cut -d' ' -f3- | sed 's/^/  laptop: /'
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

say "6. What roamvpn logged about the moves"
grep -E "roam: moved" "$WORK/laptop.log" | cut -d' ' -f3- | sed 's/^/  laptop: /'
grep -E "roam: .* moved" "$WORK/server.log" | cut -d' ' -f3- | sed 's/^/  server: /'
echo "  (the server answers the laptop's probe at once and checks the new address"
echo "   before trusting it; an openvpn 2.6 client would wait for its next keepalive,"
echo "   up to 10 s here: tests/bench/handover.sh measures every pairing)"

say "Done. Next: ./check.sh runs the whole test suite; README.md explains the options."
