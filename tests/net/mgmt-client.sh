#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Management interface and status file of a client, against openvpn 2.6.
# An openvpn 2.6 server (--duplicate-cn) in ns1; in ns2 an openvpn client and
# a roamvpn client of it, each with --management 127.0.0.1 PORT,
# --management-hold and --status FILE 1. The same script of commands goes to
# both management interfaces; the two transcripts must be equal line by
# line once the variable fields are masked (times, dates, pid, byte counts,
# tunnel address, version string) and the real-time >LOG and >BYTECOUNT
# lines are set aside (their content differs by design: see below).
#
# The script covers: the >INFO and >HOLD greeting; hold, state on, version,
# pid, verb, mute; "hold release" (roamvpn must not have brought the tunnel
# up before it: no vpn2 device); the >STATE sequence WAIT, AUTH, ASSIGN_IP,
# CONNECTED; state, state all, status, log 1, bytecount; errors (unknown
# command, missing parameters, bad values, kill and client-kill on a
# client, an unknown signal, an over-long line); control characters
# dropped; signal SIGUSR1 (RECONNECTING, a new hold in which SIGUSR1 is
# ignored, reconnect); signal SIGTERM (EXITING, connection closed).
#
# Not compared: GET_CONFIG states (both report it only when the PUSH_REPLY
# takes over a second, a matter of load), >LOG lines (each daemon logs its
# own messages) and
# >BYTECOUNT lines (openvpn 2.6.14 sends them only when its coarse timer
# runs: in one capture none came within 3.5 s of "bytecount 1", in another
# one within 1.5 s); roamvpn must send one within 1.5 s.
#
# Also: roamvpn waits for "hold release" (no device before it); a second
# management client gets no greeting while the first is connected (as
# openvpn); a management client that floods commands and never reads is cut
# off (4 MiB of answers queued) and the next one is served; the status files
# of both clients match once masked.
# Then a roamvpn client with --management PATH unix answers "state" and
# "signal SIGTERM" and removes its socket file at exit. Takes about 14 s.

[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

source "$(dirname "$0")/lib.sh"

require_tls_env openvpn
p2p_setup
tls_pki
MGMT="$TOP_SRCDIR/tests/net/tools/mgmt.py"

# mask: the variable fields of a transcript or status file.
# roamvpn's own mobility counters in the statistics block (its client
# roams; openvpn has none): checked below, then left out of the comparison.
ROAM_LINES='^Roam (moves|probes sent|last move delay \(us\)),[0-9]+'
mask() {
	sed -E -e '/^>(LOG|BYTECOUNT):/d' -e '/^(>STATE:)?[0-9]+,GET_CONFIG,/d' \
		-e "/$ROAM_LINES/d" \
		-e 's/\b1[0-9]{9}\b/T/g' \
		-e 's/[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}/DATE/g' \
		-e 's/pid=[0-9]+/pid=N/' \
		-e 's/ bytes,[0-9]+/ bytes,N/' \
		-e 's/10\.8\.0\.[0-9]+/VPNIP/g' \
		-e 's/^(OpenVPN Version: |Management Interface for ).*/\1TITLE/'
}

LONG=$(printf 'x%.0s' {1..1100})
STEPS=(
	"@wait ^>HOLD:" hold "state on" version pid verb "mute" "hold release"
	"@wait ^>STATE:.*,CONNECTED," state "state all" status "log 1"
	"bytecount 1" "@sleep 1.5" "bytecount 0" foo "kill" "kill x" "client-kill 1" "signal"
	"signal SIGFOO" "verb 99" "mute -1" "hold foo" "state foo"
	"@raw $LONG\n" "@sleep 0.5" "@raw \\x01p\\x7fid\\r\n" "@sleep 0.5"
	"signal SIGUSR1" "@wait ^>HOLD:" "signal SIGUSR1" "hold release"
	"@wait ^>STATE:.*,CONNECTED," "signal SIGTERM" "@eof"
)

ovpn_server srv --duplicate-cn
tls_client co ovpn --dev vpn1 --management 127.0.0.1 7601 --management-hold \
	--status "$WORK/co.status" 1
tls_client cr rv --dev vpn2 --management 127.0.0.1 7602 --management-hold \
	--status "$WORK/cr.status" 1 --verb 3
sleep 1.5
assert_log cr 'Need hold release from management interface, waiting'
ip -n "${NS[2]}" link show vpn2 >/dev/null 2>&1 && fail "roamvpn opened its device before 'hold release'"
say "roamvpn holds: no device before 'hold release'"

section "one management client at a time"
# While one management client is connected, a second gets nothing (it
# waits in the backlog, as with openvpn); once the first leaves, the next is
# served.
nsq 2 python3 "$MGMT" 127.0.0.1:7602 "@sleep 4" >"$WORK/cr1.mgmt" 2>&1 &
P1=$!
for (( i = 0; i < 50; i++ )); do
	grep -q '^>INFO:' "$WORK/cr1.mgmt" 2>/dev/null && break
	sleep 0.1
done
grep -q '^>INFO:OpenVPN Management Interface Version 5' "$WORK/cr1.mgmt" ||
	fail "the first management client got no greeting: $(head -n 2 "$WORK/cr1.mgmt")"
nsq 2 env TIMEOUT=1 python3 "$MGMT" 127.0.0.1:7602 "@sleep 1" >"$WORK/cr2.mgmt" 2>&1 || true
wait "$P1" || true
[[ ! -s $WORK/cr2.mgmt ]] || fail "a second management client was served: $(head -n 2 "$WORK/cr2.mgmt")"
say "a second management client gets no greeting while the first is connected"

section "a hostile management client"
# One that sends "load-stats" 800000 times (each answered, none logged)
# and never reads: roamvpn must cut it off once 4 MiB of answers pile up,
# and serve the next one. The daemon is held meanwhile, so its loop is the hold loop; the
# tunnel's own loop is exercised by the same code after "hold release".
nsq 2 python3 - <<'PY' >"$WORK/junk.out" 2>&1 || true
import os, socket, time
s = socket.create_connection(("127.0.0.1", 7602), timeout=10)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
line = b"load-stats\n"
sent = 0
try:
    while sent < 8800000:
        s.sendall(line * 100)
        sent += len(line) * 100
    print("sent everything: not cut off")
except OSError as e:
    print("cut off after %d bytes: %s" % (sent, e))
PY
say "  $(cat "$WORK/junk.out")"
grep -q '^cut off after' "$WORK/junk.out" || fail "a management client that never reads was not cut off"
assert_log cr 'the client did not read its output'
assert_alive "${VPN_PID[cr]}" roamvpn
nsq 2 python3 "$MGMT" 127.0.0.1:7602 pid >"$WORK/after.mgmt" 2>&1 ||
	fail "no management session after the hostile one: $(tail -n 2 "$WORK/after.mgmt")"
grep -q '^SUCCESS: pid=' "$WORK/after.mgmt" || fail "no pid answer after the hostile client"
say "cut off after 4 MiB of unread answers; the next management client is served"

section "the same commands to both management interfaces"
nsq 2 python3 "$MGMT" 127.0.0.1:7601 "${STEPS[@]}" >"$WORK/co.mgmt" 2>&1 &
P1=$!
nsq 2 python3 "$MGMT" 127.0.0.1:7602 "${STEPS[@]}" >"$WORK/cr.mgmt" 2>&1 &
P2=$!
wait "$P1" || fail "openvpn transcript incomplete: $(tail -n 3 "$WORK/co.mgmt")"
wait "$P2" || fail "roamvpn transcript incomplete: $(tail -n 3 "$WORK/cr.mgmt")"
mask <"$WORK/co.mgmt" >"$WORK/co.masked"
mask <"$WORK/cr.mgmt" >"$WORK/cr.masked"
if ! diff -u "$WORK/co.masked" "$WORK/cr.masked" >"$WORK/mgmt.diff"; then
	cat "$WORK/mgmt.diff"
	fail "roamvpn's management answers differ from openvpn's (- openvpn, + roamvpn)"
fi
say "$(grep -c . "$WORK/cr.masked") lines equal, e.g.:"
grep -E '>STATE|CONNECTED|ERROR' "$WORK/cr.masked" | head -n 8 | sed 's/^/  /'
grep -qE '^>BYTECOUNT:[0-9]+,[0-9]+<CR>$' "$WORK/cr.mgmt" ||
	soft fail "roamvpn sent no >BYTECOUNT:in,out line after 'bytecount 1'"
wait_gone "${VPN_PID[co]}" 10 || fail "openvpn did not exit on signal SIGTERM"
wait_gone "${VPN_PID[cr]}" 10 || fail "roamvpn did not exit on signal SIGTERM"

section "status files"
n=$(grep -cE "$ROAM_LINES" "$WORK/cr.status" || true)
[[ $n == 3 ]] || fail "roamvpn's status file has $n of its 3 mobility counters (Roam ...)"
mask <"$WORK/co.status" >"$WORK/co.status.masked"
mask <"$WORK/cr.status" >"$WORK/cr.status.masked"
diff -u "$WORK/co.status.masked" "$WORK/cr.status.masked" ||
	fail "status files differ (- openvpn, + roamvpn)"
head -n 3 "$WORK/cr.status" | sed 's/^/  /'

section "a unix socket"
# --management PATH unix: the same protocol; the socket file goes away at exit.
tls_client cu rv --dev vpn3 --management "$WORK/mgmt.sock" unix --verb 3
vpn_wait_init cu
nsq 2 python3 "$MGMT" "$WORK/mgmt.sock" state "signal SIGTERM" "@eof" >"$WORK/cu.mgmt" 2>&1 ||
	fail "unix socket transcript incomplete: $(tail -n 3 "$WORK/cu.mgmt")"
grep -qE '^[0-9]+,CONNECTED,SUCCESS,10\.8\.0\.[0-9]+,192\.168\.241\.1,1194,,<CR>$' "$WORK/cu.mgmt" ||
	fail "no CONNECTED state over the unix socket: $(cat "$WORK/cu.mgmt")"
wait_gone "${VPN_PID[cu]}" 10 || fail "roamvpn did not exit on signal SIGTERM (unix socket)"
[[ ! -e $WORK/mgmt.sock ]] || fail "the management socket file is left behind"
say "unix socket: state answered, SIGTERM obeyed, socket file removed"
