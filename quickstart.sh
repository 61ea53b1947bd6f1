#!/usr/bin/env bash
# Installs what is missing, builds roamvpn, and shows it working: two network
# namespaces joined by a veth pair, a static-key tunnel roamvpn <-> roamvpn
# between them, a ping and a short iperf3 through it. Everything it creates is
# removed on exit. Run as root on Debian 12.
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

say "3. Demo: a static-key tunnel between two namespaces"
tag=$$
home=rvq-home-$tag
office=rvq-office-$tag
work=$(mktemp -d /tmp/roamvpn-quickstart.XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	ip netns del "$home" 2>/dev/null || true
	ip netns del "$office" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

run ip netns add "$home"
run ip netns add "$office"
run ip link add veth-h$tag netns "$home" type veth peer name veth-o$tag netns "$office"
run ip -n "$home" addr add 192.0.2.1/24 dev veth-h$tag
run ip -n "$office" addr add 192.0.2.2/24 dev veth-o$tag
for ns in "$home" "$office"; do
	ip -n "$ns" link set lo up
done
ip -n "$home" link set veth-h$tag up
ip -n "$office" link set veth-o$tag up

run "$rv" --genkey secret "$work/static.key"
common=(--dev tun --cipher AES-256-CBC --auth SHA256 --keepalive 10 60 --verb 3)
ip netns exec "$home" "$rv" "${common[@]}" --secret "$work/static.key" 0 \
	--ifconfig 10.8.0.1 10.8.0.2 --remote 192.0.2.2 --log "$work/home.log" &
pids+=($!)
ip netns exec "$office" "$rv" "${common[@]}" --secret "$work/static.key" 1 \
	--ifconfig 10.8.0.2 10.8.0.1 --remote 192.0.2.1 --log "$work/office.log" &
pids+=($!)
for _ in $(seq 50); do
	grep -q "Peer Connection Initiated" "$work/home.log" 2>/dev/null &&
		grep -q "Peer Connection Initiated" "$work/office.log" 2>/dev/null && break
	sleep 0.1
done
for p in "${pids[@]}"; do
	if ! kill -0 "$p" 2>/dev/null; then
		echo "roamvpn did not start; its logs:" >&2
		cat "$work"/*.log >&2
		exit 1
	fi
done
echo "  roamvpn runs in $home (10.8.0.1) and $office (10.8.0.2)"

say "4. Ping through the tunnel"
run ip netns exec "$home" ping -c 3 -i 0.2 10.8.0.2

say "5. Three seconds of iperf3 through the tunnel"
ip netns exec "$office" iperf3 -s -1 >/dev/null 2>&1 &
pids+=($!)
sleep 0.5
ip netns exec "$home" iperf3 -c 10.8.0.2 -t 3 -f m | grep -E "sender|receiver"

say "6. What roamvpn logged in $home"
grep -E "Peer Connection|Initialization|Options String|link|Static key" "$work/home.log" |
	sed 's/^/  /' || true

say "Done. Next: ./check.sh runs the whole test suite; README.md explains the options."
