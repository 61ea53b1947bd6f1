#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Capture a VPN peer's UDP packets and throw forged ones at a daemon.

Test tool of tests/net/p2p-static-flood.sh and p2p-static-float.sh; Python
standard library only, IPv4 only, needs root.

  capture  AF_PACKET on one interface: writes the payloads of the UDP
           datagrams from --src to --dst as hex lines to --out.
  send     sends datagrams to --dst. With --src IP:PORT they are spoofed
           through a raw socket (IPPROTO_RAW, our own IP and UDP headers,
           fragmented by hand when larger than --mtu); without it, through
           an ordinary UDP socket. What to send:
             --random N     random bytes, lengths 0..--max-len
             --truncate N   captured packets cut short at a random length
             --bitflip N    captured packets with 1..3 bits flipped
             --replay N     captured packets as they were (cycling)
             --oversize N   random bytes, longer than the daemon's buffer
             --keyed N      a valid HMAC over an IV and a "ciphertext" whose
                            length is no multiple of the cipher block: only
                            a key holder can make these, and the receiver
                            must fail them at decryption (needs --key)
           Categories are interleaved at random; --rate paces them.
"""

import argparse
import hashlib
import hmac
import os
import random
import socket
import struct
import sys
import time

ETH_P_IP = 0x0800
IPPROTO_UDP = 17


def addr_port(text):
    host, _, port = text.rpartition(":")
    if not host:
        return text, None
    return host, int(port)


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def parse_udp4(pkt):
    """(src, sport, dst, dport, payload) of an unfragmented IPv4/UDP packet."""
    if len(pkt) < 28 or pkt[0] >> 4 != 4 or pkt[9] != IPPROTO_UDP:
        return None
    ihl = (pkt[0] & 0x0F) * 4
    total, frag = struct.unpack("!H2xH", pkt[2:8])
    if frag & 0x3FFF:          # MF set or an offset: a fragment
        return None
    sport, dport, ulen = struct.unpack("!HHH", pkt[ihl:ihl + 6])
    payload = pkt[ihl + 8:min(total, ihl + ulen)]
    return (socket.inet_ntoa(pkt[12:16]), sport, socket.inet_ntoa(pkt[16:20]), dport,
            payload)


def cmd_capture(a):
    src, sport = addr_port(a.src)
    dst, dport = addr_port(a.dst)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(ETH_P_IP))
    s.bind((a.iface, ETH_P_IP))
    s.settimeout(0.2)
    if a.ready:
        open(a.ready, "w").close()
    n = 0
    end = time.monotonic() + a.timeout
    with open(a.out, "w") as out:
        while n < a.count and time.monotonic() < end:
            try:
                pkt, info = s.recvfrom(65535)
            except socket.timeout:
                continue
            # A veth's outgoing copies would double each packet.
            if info[2] == socket.PACKET_OUTGOING:
                continue
            p = parse_udp4(pkt)
            if p is None or p[0] != src or p[2] != dst:
                continue
            if (sport is not None and p[1] != sport) or (dport is not None and p[3] != dport):
                continue
            out.write(p[4].hex() + "\n")
            out.flush()
            n += 1
    print("captured %d packets from %s to %s on %s" % (n, a.src, a.dst, a.iface))
    return 0 if n > 0 else 1


class RawSender:
    """Spoofed IPv4/UDP through IPPROTO_RAW; fragments what exceeds mtu."""

    def __init__(self, src, sport, dst, dport, mtu):
        self.s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
        self.src, self.sport, self.dst, self.dport, self.mtu = src, sport, dst, dport, mtu
        self.ident = random.randrange(1, 0xFFFF)

    def udp(self, payload):
        src, dst = socket.inet_aton(self.src), socket.inet_aton(self.dst)
        ulen = 8 + len(payload)
        hdr = struct.pack("!HHHH", self.sport, self.dport, ulen, 0)
        pseudo = src + dst + struct.pack("!BBH", 0, IPPROTO_UDP, ulen)
        c = checksum(pseudo + hdr + payload) or 0xFFFF
        return struct.pack("!HHHH", self.sport, self.dport, ulen, c) + payload

    def ip(self, body, ident, frag):
        # The kernel fills in the total length and the header checksum.
        return struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(body), ident, frag, 64,
                           IPPROTO_UDP, 0, socket.inet_aton(self.src),
                           socket.inet_aton(self.dst)) + body

    def send(self, payload):
        dgram = self.udp(payload)
        self.ident = self.ident % 0xFFFF + 1
        room = (self.mtu - 20) & ~7
        if len(dgram) <= self.mtu - 20:
            self.s.sendto(self.ip(dgram, self.ident, 0x4000), (self.dst, 0))
            return
        for off in range(0, len(dgram), room):
            more = 0x2000 if off + room < len(dgram) else 0
            self.s.sendto(self.ip(dgram[off:off + room], self.ident, more | off // 8),
                          (self.dst, 0))


class UdpSender:
    def __init__(self, dst, dport):
        self.s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.dst, self.dport = dst, dport

    def send(self, payload):
        self.s.sendto(payload, (self.dst, self.dport))


def read_static_key(path):
    """The 256 bytes of an OpenVPN static key file."""
    lines, inside = [], False
    for line in open(path):
        line = line.strip()
        if line.startswith("-----BEGIN OpenVPN Static key"):
            inside = True
        elif line.startswith("-----END OpenVPN Static key"):
            break
        elif inside:
            lines.append(line)
    key = bytes.fromhex("".join(lines))
    if len(key) != 256:
        raise SystemExit("%s: not a 2048-bit OpenVPN static key" % path)
    return key


def keyed_maker(a):
    """Packets with a valid HMAC whose ciphertext cannot be decrypted."""
    key = read_static_key(a.key)
    # Direction d sends with key d (bidirectional: key 0); each key is
    # 64 bytes of cipher key, then 64 bytes of HMAC key.
    slot = 1 if a.key_direction == "1" else 0
    digest = getattr(hashlib, a.auth.lower().replace("-", ""))
    hkey = key[slot * 128 + 64:slot * 128 + 64 + digest().digest_size]

    def make():
        n = random.choice([0, 1, 15, 17, 31, 33, 100, 1000])
        body = os.urandom(a.iv_len) + os.urandom(n)
        return hmac.new(hkey, body, digest).digest() + body
    return make


def cmd_send(a):
    random.seed(a.seed)
    dst, dport = addr_port(a.dst)
    if a.src:
        src, sport = addr_port(a.src)
        tx = RawSender(src, sport, dst, dport, a.mtu)
    else:
        tx = UdpSender(dst, dport)
    captured = []
    if a.capture:
        captured = [bytes.fromhex(l) for l in open(a.capture).read().split() if l]
    need_capture = a.truncate or a.bitflip or a.replay
    if need_capture and not captured:
        raise SystemExit("--truncate, --bitflip and --replay need packets from --capture")
    if a.keyed and not a.key:
        raise SystemExit("--keyed needs --key")
    keyed = keyed_maker(a) if a.keyed else None

    def truncated():
        p = random.choice(captured)
        return p[:random.randrange(len(p))]

    def bitflipped():
        p = bytearray(random.choice(captured))
        for _ in range(random.randint(1, 3)):
            i = random.randrange(len(p) * 8)
            p[i // 8] ^= 1 << (i % 8)
        return bytes(p)

    replays = iter(captured * (a.replay // max(len(captured), 1) + 1))
    makers = {
        "random": lambda: os.urandom(random.randint(0, a.max_len)),
        "truncate": truncated,
        "bitflip": bitflipped,
        "replay": lambda: next(replays),
        "oversize": lambda: os.urandom(random.randint(a.oversize_min, a.oversize_max)),
        "keyed": keyed,
    }
    plan = []
    for name in makers:
        plan += [name] * getattr(a, name)
    random.shuffle(plan)
    sent = dict.fromkeys(makers, 0)
    start = time.monotonic()
    for i, name in enumerate(plan):
        try:
            tx.send(makers[name]())
            sent[name] += 1
        except OSError as e:
            print("send %s: %s" % (name, e), file=sys.stderr)
        if a.rate > 0:
            delay = start + (i + 1) / a.rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
    took = time.monotonic() - start
    print("sent %d packets in %.1f s (seed %d): %s" % (
        sum(sent.values()), took, a.seed,
        ", ".join("%s %d" % kv for kv in sent.items() if kv[1])))
    return 0 if sum(sent.values()) == len(plan) else 1


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)

    c = sub.add_parser("capture")
    c.add_argument("--iface", required=True)
    c.add_argument("--src", required=True, help="IP[:PORT] the packets come from")
    c.add_argument("--dst", required=True, help="IP[:PORT] they go to")
    c.add_argument("--out", required=True)
    c.add_argument("--count", type=int, default=50)
    c.add_argument("--timeout", type=float, default=20)
    c.add_argument("--ready", help="file to create once listening")

    s = sub.add_parser("send")
    s.add_argument("--dst", required=True, help="IP:PORT")
    s.add_argument("--src", help="IP:PORT to spoof (raw socket)")
    s.add_argument("--capture", help="hex lines written by capture")
    s.add_argument("--mtu", type=int, default=1500)
    s.add_argument("--rate", type=float, default=2000, help="packets/s, 0 = no pacing")
    s.add_argument("--seed", type=int, default=int.from_bytes(os.urandom(4), "big"))
    s.add_argument("--max-len", type=int, default=2000)
    s.add_argument("--oversize-min", type=int, default=3000)
    s.add_argument("--oversize-max", type=int, default=9000)
    s.add_argument("--key", help="static key file, for --keyed")
    s.add_argument("--key-direction", default="", help="the forged sender's: 0, 1 or empty")
    s.add_argument("--auth", default="SHA1")
    s.add_argument("--iv-len", type=int, default=16)
    for name in ("random", "truncate", "bitflip", "replay", "oversize", "keyed"):
        s.add_argument("--" + name, type=int, default=0, metavar="N")

    a = p.parse_args()
    return cmd_capture(a) if a.cmd == "capture" else cmd_send(a)


if __name__ == "__main__":
    sys.exit(main())
