# SPDX-License-Identifier: GPL-2.0-only
"""A TCP transfer of a known pseudo-random pattern, for the mobility tests.

  pattern.py send ADDR PORT SIZE [CHUNK] [INTERVAL]
      listens on ADDR:PORT (prints "listening"), takes one connection and
      writes SIZE bytes in CHUNK-byte pieces (default 1600) every INTERVAL
      seconds (default 0.1), then prints "sent N SHA256".
  pattern.py recv ADDR PORT
      connects, reads to the end and prints "received N SHA256".

The bytes come from a seeded generator, so the two digests match only if
every byte arrived, in order.
"""
import hashlib
import random
import socket
import sys
import time


def send(addr, port, size, chunk=1600, interval=0.1):
    rng = random.Random(2410)
    h = hashlib.sha256()
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, port))
    ls.listen(1)
    print("listening", flush=True)
    s, _ = ls.accept()
    sent = 0
    while sent < size:
        piece = bytes(rng.getrandbits(8) for _ in range(min(chunk, size - sent)))
        s.sendall(piece)
        h.update(piece)
        sent += len(piece)
        time.sleep(interval)
    s.shutdown(socket.SHUT_WR)
    s.recv(1)
    print("sent", sent, h.hexdigest(), flush=True)


def recv(addr, port):
    h = hashlib.sha256()
    s = socket.create_connection((addr, port), timeout=10)
    s.settimeout(None)
    got = 0
    while True:
        b = s.recv(65536)
        if not b:
            break
        h.update(b)
        got += len(b)
    print("received", got, h.hexdigest(), flush=True)


def main(argv):
    if len(argv) >= 5 and argv[1] == "send":
        send(argv[2], int(argv[3]), int(argv[4]),
             int(argv[5]) if len(argv) > 5 else 1600,
             float(argv[6]) if len(argv) > 6 else 0.1)
    elif len(argv) == 4 and argv[1] == "recv":
        recv(argv[2], int(argv[3]))
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
