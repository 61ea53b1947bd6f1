#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Static-key point-to-point tunnel, roamvpn in ns1 <-> roamvpn in ns2.
#
# Two configurations, each with a fresh key: AES-256-CBC/SHA256 with the key
# from openvpn --genkey and everything on the command line (--secret FILE 0
# and --secret FILE 1), then AES-128-CBC/SHA1 with the key from roamvpn
# --genkey in config files with an inline <secret> block and key-direction.
# Each: ping both ways (also 1400 bytes), iperf3 TCP each way, no drops
# counted or logged, and SIGTERM exits and removes the device.

# Under sh (SH_LOG_COMPILER may be /bin/sh), start again under bash.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

source "$(dirname "$0")/lib.sh"

require_netns_env openvpn iperf3
p2p_setup

p2p_static_case rv rv AES-256-CBC SHA256 ovpn flags
p2p_static_case rv rv AES-128-CBC SHA1 rv inline
