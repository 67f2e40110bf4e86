#!/usr/bin/env bash
# The Debian/Ubuntu packages `npm test` needs, installed in one step (as root). `.ci/run` uses it;
# on a fresh machine: sudo scripts/system-packages.sh. `npm test` checks for each and names this
# script when one is missing (scripts/check-system.mjs keeps the same list).
#   chromium: browser end-to-end tests (real WebRTC); kamailio and its websocket, presence, tls,
#   autheph and utils (http_client) modules: the reference SIP server, its wss, short-lived-credential
#   and Salesforce Voice bridge variants;
#   sip-tester (SIPp) and rtpengine-daemon: calls from a non-browser SIP peer with plain RTP;
#   coturn: two TURN servers for the ICE-restart test; iproute2/util-linux: the loopback-only
#   network namespace the tests run in; openssl: throwaway certificates; ca-certificates.
set -euo pipefail
PACKAGES=(
  chromium kamailio kamailio-websocket-modules kamailio-presence-modules kamailio-tls-modules kamailio-autheph-modules kamailio-utils-modules
  sip-tester rtpengine-daemon coturn iproute2 util-linux openssl ca-certificates
)
if [ "${1:-}" = "--list" ]; then printf '%s\n' "${PACKAGES[@]}"; exit 0; fi
if [ "$(id -u)" -ne 0 ]; then echo "Run as root (sudo $0): it installs ${PACKAGES[*]}" >&2; exit 1; fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null
echo "Installed: ${PACKAGES[*]}"
