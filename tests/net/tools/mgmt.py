#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""A scripted client of an OpenVPN-style management interface.

usage: mgmt.py ADDR STEP...   (ADDR is HOST:PORT or a unix socket path)

Prints every line it receives (the >INFO greeting, answers, real-time
notifications), "\\r" shown as "<CR>" so line endings can be compared. Steps:
  CMD           send CMD, then read up to its answer: a SUCCESS:/ERROR: line,
                or END for a multi-line answer (these commands are known)
  @wait REGEX   read until a line matches REGEX (notifications included)
  @sleep SECS   read whatever arrives for SECS seconds
  @raw TEXT     send TEXT as is (Python escapes allowed), do not wait
  @eof          read until the daemon closes the connection
Exits 2 if the connection ends or times out (TIMEOUT s, default 15) while
waiting.
"""
import os, re, socket, sys, time

TIMEOUT = float(os.environ.get("TIMEOUT", "15"))
MULTI = re.compile(r"^(help|version|status.*|state( all| on all| [0-9]+)?|"
                   r"log( all| on all| [0-9]+)?|echo( all| on all| [0-9]+)?)$")


def connect(addr):
    if "/" in addr:
        s = socket.socket(socket.AF_UNIX)
        s.connect(addr)
        return s
    host, port = addr.rsplit(":", 1)
    return socket.create_connection((host, int(port)), timeout=TIMEOUT)


class Conn:
    def __init__(self, s):
        self.s, self.buf = s, b""

    def line(self, deadline):
        while b"\n" not in self.buf:
            left = deadline - time.time()
            if left <= 0:
                return None
            self.s.settimeout(left)
            try:
                d = self.s.recv(65536)
            except socket.timeout:
                return None
            except ConnectionResetError:
                return ""
            if not d:
                return ""
            self.buf += d
        l, self.buf = self.buf.split(b"\n", 1)
        text = l.decode("utf-8", "replace").replace("\r", "<CR>")
        print(text, flush=True)
        return text


def main():
    c = Conn(connect(sys.argv[1]))
    for step in sys.argv[2:]:
        end = time.time() + TIMEOUT
        if step.startswith("@sleep "):
            end = time.time() + float(step[7:])
            while c.line(end) not in (None, ""):
                pass
            continue
        if step.startswith("@raw "):
            c.s.sendall(step[5:].encode().decode("unicode_escape").encode("latin-1"))
            continue
        if step == "@eof":
            while True:
                l = c.line(end)
                if l == "":
                    return 0
                if l is None:
                    print("TIMEOUT waiting for the end of the connection")
                    return 2
        if step.startswith("@wait "):
            pat = re.compile(step[6:])
        else:
            c.s.sendall((step + "\n").encode())
            multi = MULTI.match(step) is not None
            pat = re.compile(r"^END(<CR>)?$" if multi else r"^(SUCCESS|ERROR):")
        while True:
            l = c.line(end)
            if l is None:
                print("TIMEOUT after step: " + step)
                return 2
            if l == "":
                print("EOF after step: " + step)
                return 2
            if pat.search(l) and not (l.startswith(">") and not step.startswith("@wait")):
                break
    return 0


if __name__ == "__main__":
    sys.exit(main())
