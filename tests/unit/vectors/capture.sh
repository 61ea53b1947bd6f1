#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Captures static-key known answers from openvpn 2.6 for tests/unit: two
# openvpn peers in two network namespaces, a ping with a recognisable payload
# from peer A, and TCP connections over IPv4 and IPv6 so that both peers clamp
# the SYN's MSS. Needs root, openvpn, tcpdump and python3.
#
#   capture.sh KEYFILE "A's crypto options" "B's crypto options"
#   capture.sh k.key "--secret k.key 0 --cipher AES-256-CBC --auth SHA256" \
#                    "--secret k.key 1 --cipher AES-256-CBC --auth SHA256"
#
# Prints A's ping packet as openvpn put it on the wire, with the IV, packet
# id, time and plaintext openvpn logged at --verb 9 for it, the MSS values
# both peers clamped to ("MSS: 1460 -> N" for IPv4, "1440 -> N" for IPv6),
# and both options strings. KEEP=1 keeps the logs and captures.
#
# Names carry $$, and the trap removes only what this run created.

set -eu

KEYFILE=$1 CRYPTO_A=$2 CRYPTO_B=$3
NA="kat$$a" NB="kat$$b" VA="kat$$va" VB="kat$$vb"
WORK=$(mktemp -d /tmp/rv-kat.XXXXXX)
PIDS=()

cleanup() {
	local p

	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	for p in "${PIDS[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	ip netns del "$NA" 2>/dev/null || true
	ip netns del "$NB" 2>/dev/null || true
	if [[ ${KEEP:-0} == 1 ]]; then
		echo "kept $WORK" >&2
	else
		rm -rf "$WORK"
	fi
}
trap cleanup EXIT

ip netns add "$NA"
ip netns add "$NB"
ip link add "$VA" netns "$NA" type veth peer name "$VB" netns "$NB"
ip -n "$NA" addr add 192.168.77.1/24 dev "$VA"
ip -n "$NB" addr add 192.168.77.2/24 dev "$VB"
for n in "$NA" "$NB"; do
	ip -n "$n" link set lo up
done
ip -n "$NA" link set "$VA" up
ip -n "$NB" link set "$VB" up

ip netns exec "$NB" tcpdump -i "$VB" -U -w "$WORK/link.pcap" udp port 1194 2>/dev/null &
PIDS+=($!)
# shellcheck disable=SC2086 # the crypto options are meant to be split
ip netns exec "$NA" openvpn --dev tun0 --dev-type tun $CRYPTO_A \
	--ifconfig 10.55.0.1 10.55.0.2 --ifconfig-ipv6 fd55::1/64 fd55::2 \
	--remote 192.168.77.2 --verb 9 --log "$WORK/a.log" &
PIDS+=($!)
# shellcheck disable=SC2086
ip netns exec "$NB" openvpn --dev tun0 --dev-type tun $CRYPTO_B \
	--ifconfig 10.55.0.2 10.55.0.1 --ifconfig-ipv6 fd55::2/64 fd55::1 \
	--remote 192.168.77.1 --verb 9 --log "$WORK/b.log" &
PIDS+=($!)
for _ in $(seq 100); do
	if grep -q 'Initialization Sequence Completed' "$WORK/a.log" 2>/dev/null &&
	    grep -q 'Initialization Sequence Completed' "$WORK/b.log" 2>/dev/null; then
		break
	fi
	sleep 0.2
done
sleep 2     # IPv6 duplicate address detection on the tun devices

ip netns exec "$NB" python3 -c '
import socket, threading
def serve(family, addr):
    s = socket.socket(family)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, 5555)); s.listen(1); s.settimeout(10)
    s.accept()[0].close()
ts = [threading.Thread(target=serve, args=a) for a in
      ((socket.AF_INET, "10.55.0.2"), (socket.AF_INET6, "fd55::2"))]
[t.start() for t in ts]; [t.join() for t in ts]' &
PIDS+=($!)
sleep 1
ip netns exec "$NA" ping -c1 -W2 -s 24 -p 41424344 10.55.0.2 >/dev/null
ip netns exec "$NA" python3 -c '
import socket
for family, addr in ((socket.AF_INET, "10.55.0.2"), (socket.AF_INET6, "fd55::2")):
    s = socket.socket(family); s.settimeout(5); s.connect((addr, 5555)); s.close()'
sleep 1

python3 - "$WORK" "$CRYPTO_A" <<'PY'
import re, struct, sys

work, crypto = sys.argv[1], sys.argv[2]
hmac_len = {"none": 0, "SHA1": 20, "SHA256": 32, "SHA512": 64}[
    re.search(r"--auth (\S+)", crypto).group(1)]
cipher = re.search(r"--cipher (\S+)", crypto).group(1)
pid_len = 0 if "--no-replay" in crypto else 8     # no packet id at all then

def udp_from_a(path):
    data = open(path, "rb").read()
    off = 24
    while off < len(data):
        incl = struct.unpack("<I", data[off + 8:off + 12])[0]
        frame = data[off + 16:off + 16 + incl][14:]
        off += 16 + incl
        if frame[0] >> 4 == 4 and frame[9] == 17 and frame[12:16] == bytes([192, 168, 77, 1]):
            yield frame[(frame[0] & 15) * 4 + 8:]

def strip(line):
    return re.sub(r"^.* us=\d+ ", "", line.rstrip())

log = open(work + "/a.log").read().splitlines()
wires = list(udp_from_a(work + "/link.pcap"))
found = None
if cipher == "none":
    for w in wires:
        ip = w[hmac_len + pid_len:]
        if len(ip) > 20 and ip[0] == 0x45 and ip[9] == 1 and ip[20] == 8:
            found = (w, [])
else:
    for i, line in enumerate(log[:-1]):
        m = re.search(r"ENCRYPT IV: ([0-9a-f ]+)$", line)
        n = re.search(r"ENCRYPT FROM: ([0-9a-f ]+)", log[i + 1])
        if not m or not n:
            continue
        plain = bytes.fromhex(n.group(1).replace(" ", "")[:58])[pid_len:]
        if plain[0] == 0x45 and plain[9] == 1 and plain[20] == 8:
            iv = bytes.fromhex(m.group(1).replace(" ", ""))
            for w in wires:
                if w[hmac_len:hmac_len + len(iv)] == iv:
                    found = (w, [strip(line), strip(log[i + 1])])
if found is None:
    sys.exit("no ping packet from A found")
print("wire (%d bytes): %s" % (len(found[0]), found[0].hex()))
for line in found[1]:
    print(line)
for who in "ab":
    for line in open("%s/%s.log" % (work, who)):
        if "MSS:" in line or "Options String" in line:
            print(who.upper() + ": " + strip(line))
PY
