#!/usr/bin/env bash
# Installs what roamvpn needs on Debian 12: build tools, the four libraries,
# and the tools the tests and benchmarks use (openvpn 2.6 as the reference
# peer, iperf3, iproute2, ping, python3, clang for the fuzzers, gnuplot for
# the benchmarks' plot).
# Usage: distro/install-deps.sh [build|demo|test]   (default: test, the superset)
set -eu

build_pkgs="build-essential autoconf automake pkg-config libssl-dev libnl-3-dev
libnl-route-3-dev liblzo2-dev"
demo_pkgs="$build_pkgs iperf3 iproute2 iputils-ping python3 nftables openssl"
test_pkgs="$build_pkgs libcmocka-dev clang openvpn iperf3 iproute2 iputils-ping python3
nftables tcpdump conntrack gnuplot-nox"

case "${1:-test}" in
build) pkgs=$build_pkgs ;;
demo) pkgs=$demo_pkgs ;;
test) pkgs=$test_pkgs ;;
*) echo "usage: $0 [build|demo|test]" >&2; exit 2 ;;
esac

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "Missing Debian packages:$missing" >&2
	echo "Run as root, or: sudo apt-get install$missing" >&2
	exit 1
fi
echo "Installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
