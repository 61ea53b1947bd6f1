#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Static-key point-to-point tunnel, openvpn 2.6 in ns1 (key-direction 0) <->
# roamvpn in ns2 (key-direction 1).
#
# AES-256-CBC/SHA256 with a key from openvpn --genkey in config files with an
# inline <secret> block, then AES-128-CBC/SHA1 with a key from roamvpn
# --genkey on the command line. Each: ping both ways (also 1400 bytes),
# iperf3 TCP each way, no drops on the roamvpn side, SIGTERM removes both
# devices.

# Under sh (SH_LOG_COMPILER may be /bin/sh), start again under bash.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

source "$(dirname "$0")/lib.sh"

require_netns_env openvpn iperf3
p2p_setup

p2p_static_case ovpn rv AES-256-CBC SHA256 ovpn inline
p2p_static_case ovpn rv AES-128-CBC SHA1 rv flags
