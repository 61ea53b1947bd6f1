# SPDX-License-Identifier: GPL-2.0-only
"""The testbed's attacker against a TCP transport (run in the router's
namespace): it sees the client's stream to the server and opens
connections of its own.

  tcpinject.py capture IFACE DST_IP DST_PORT OUT [TIMEOUT_S]
      waits for a TCP segment to DST_IP:DST_PORT on IFACE whose payload
      starts with a whole OpenVPN frame (2-byte length) of a P_DATA_V2
      packet, writes that packet (without the length) to OUT. Exit 1 on
      timeout (default 5 s).
  tcpinject.py send DST_IP DST_PORT FILE
      connects to DST_IP:DST_PORT, sends the packet of FILE as one frame and
      prints "closed" if the server closes the connection within 3 s, else
      "open".
"""
import socket
import struct
import sys
import time

ETH_P_IP = 0x0800


def capture(iface, dst, port, out, timeout=5.0):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(ETH_P_IP))
    s.bind((iface, 0))
    want = socket.inet_aton(dst)
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        s.settimeout(max(0.01, end - time.monotonic()))
        try:
            ip = s.recv(65536)
        except socket.timeout:
            break
        if len(ip) < 20 or ip[0] >> 4 != 4 or ip[9] != 6 or ip[16:20] != want:
            continue
        ihl = (ip[0] & 15) * 4
        tcp = ip[ihl:]
        if len(tcp) < 20 or struct.unpack("!H", tcp[2:4])[0] != port:
            continue
        data = tcp[(tcp[12] >> 4) * 4:]
        if len(data) < 3:
            continue
        n = struct.unpack("!H", data[:2])[0]
        if 0x48 <= data[2] <= 0x4f and len(data) >= 2 + n and n > 8:
            with open(out, "wb") as f:
                f.write(data[2:2 + n])
            return 0
    return 1


def send(dst, port, path):
    pkt = open(path, "rb").read()
    c = socket.create_connection((dst, port), timeout=3)
    c.sendall(struct.pack("!H", len(pkt)) + pkt)
    c.settimeout(3)
    try:
        closed = c.recv(4096) == b""
    except ConnectionResetError:
        closed = True
    except socket.timeout:
        closed = False
    print("closed" if closed else "open", flush=True)
    return 0


def main(a):
    if len(a) in (6, 7) and a[1] == "capture":
        return capture(a[2], a[3], int(a[4]), a[5], float(a[6]) if len(a) > 6 else 5.0)
    if len(a) == 5 and a[1] == "send":
        return send(a[2], int(a[3]), a[4])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
