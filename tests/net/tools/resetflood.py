#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Send forged OpenVPN hard resets (P_CONTROL_HARD_RESET_CLIENT_V2, no
tls-auth/tls-crypt) from random source addresses and ports.

Test tool of tests/net/server-flood.sh; Python standard library only, IPv4,
needs root (a raw socket with our own IP and UDP headers). Sources are drawn
from --net (default 100.64.0.0/10, which the test namespaces do not route
back), each packet with a fresh random session id.

  resetflood.py --dst 192.168.241.1:1194 --count 100000 [--net 100.64.0.0/10]
"""

import argparse
import ipaddress
import os
import random
import socket
import struct
import sys
import time


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def packet(src, sport, dst, dport, payload):
    udp_len = 8 + len(payload)
    pseudo = struct.pack("!4s4sBBH", src, dst, 0, 17, udp_len)
    udp = struct.pack("!HHHH", sport, dport, udp_len, 0)
    csum = checksum(pseudo + udp + payload) or 0xFFFF
    udp = struct.pack("!HHHH", sport, dport, udp_len, csum)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + udp_len, random.getrandbits(16), 0,
                     64, 17, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return ip + udp + payload


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dst", required=True)
    ap.add_argument("--count", type=int, default=100000)
    ap.add_argument("--net", default="100.64.0.0/10")
    a = ap.parse_args()
    host, port = a.dst.rsplit(":", 1)
    dst = socket.inet_aton(host)
    net = ipaddress.ip_network(a.net)
    base, size = int(net.network_address), net.num_addresses
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    sent = 0
    start = time.time()
    for _ in range(a.count):
        src = struct.pack("!I", base + random.randrange(1, size - 1))
        # opcode 7 key id 0, session id, no acks, message id 0
        payload = b"\x38" + os.urandom(8) + b"\x00" + b"\x00\x00\x00\x00"
        try:
            s.sendto(packet(src, random.randrange(1024, 65535), dst, int(port), payload),
                     (host, 0))
            sent += 1
        except OSError:
            time.sleep(0.001)
    print("sent %d forged resets in %.1f s" % (sent, time.time() - start))
    return 0 if sent == a.count else 1


if __name__ == "__main__":
    sys.exit(main())
