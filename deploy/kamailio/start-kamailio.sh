#!/usr/bin/env bash
# Starts Kamailio with deploy/kamailio/kamailio.cfg on loopback, with a private run directory and
# fresh db_text tables (presence/pua rewrite them at shutdown and the next start would fail on them),
# then waits until the WebSocket port accepts connections. Runs in the foreground; Ctrl-C stops it.
#
#   deploy/kamailio/start-kamailio.sh [--ws-port 8080] [--sip-port 5060] [--password secret]
#        [--rundir DIR] [--users users.txt] [--rtpengine udp:127.0.0.1:2223] [--no-auth] [--no-blf]
#        [--ring-group 5000=1001,1002]... [--shm MB]
#
# --users takes lines "username password"; without it every user's password is --password
# (tests and demos only). Connector settings then: sipWebSocketUrl ws://127.0.0.1:<ws-port>,
# sipDomain 127.0.0.1. The test suite uses test/support/kamailio.ts, which does the same from TS.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
ws_port=8080; sip_port=5060; password=secret; rundir=""; users=""; rtpengine=""; auth=1; blf=1; groups=""; shm=64
while [ $# -gt 0 ]; do
  case "$1" in
    --ws-port) ws_port=$2; shift 2 ;;
    --sip-port) sip_port=$2; shift 2 ;;
    --password) password=$2; shift 2 ;;
    --rundir) rundir=$2; shift 2 ;;
    --users) users=$2; shift 2 ;;
    --rtpengine) rtpengine=$2; shift 2 ;;
    --no-auth) auth=0; shift ;;
    --no-blf) blf=0; shift ;;
    --shm) shm=$2; shift 2 ;;
    --ring-group)
      case "$2" in *=*) ;; *) echo "--ring-group must look like 5000=1001,1002 (got $2)" >&2; exit 2 ;; esac
      groups="$groups $2"; shift 2 ;;
    *) echo "unknown option $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done
kamailio=${KAMAILIO:-/usr/sbin/kamailio}
[ -x "$kamailio" ] || { echo "Kamailio not found at $kamailio (apt-get install kamailio kamailio-websocket-modules kamailio-presence-modules)" >&2; exit 1; }
[ -n "$rundir" ] || rundir=$(mktemp -d /tmp/switchboard-kamailio.XXXXXX)
mkdir -p "$rundir/db"
tables=/usr/share/kamailio/dbtext/kamailio
for t in version presentity active_watchers watchers xcap pua subscriber; do cp "$tables/$t" "$rundir/db/$t"; done

defines=""
if [ -n "$groups" ]; then
  # htable's db table (key_name, key_type 0, value_type 0 = string, key_value, expires 0).
  defines="$defines -A WITH_RINGGROUPS"
  head -n1 "$tables/htable" > "$rundir/db/ringgroups"
  i=0
  for g in $groups; do
    i=$((i + 1))
    printf '%s:%s:0:0:%s:0\n' "$i" "${g%%=*}" "${g#*=}" >> "$rundir/db/ringgroups"
  done
  echo "0:ringgroups:2" >> "$rundir/db/version"
fi
[ "$auth" = 1 ] && defines="$defines -A WITH_AUTH"
[ "$blf" = 1 ] && defines="$defines -A WITH_BLF"
[ -n "$rtpengine" ] && defines="$defines -A WITH_RTPENGINE"
if [ -n "$users" ]; then
  defines="$defines -A WITH_USERS_FILE"
  [ "$auth" = 1 ] || defines="$defines -A WITH_AUTH"
  i=0
  while read -r name pass; do
    [ -n "$name" ] || continue
    i=$((i + 1))
    ha1=$(printf '%s:127.0.0.1:%s' "$name" "$pass" | md5sum | cut -d" " -f1)
    ha1b=$(printf '%s@127.0.0.1:127.0.0.1:%s' "$name" "$pass" | md5sum | cut -d" " -f1)
    printf '%s:%s:127.0.0.1:%s:%s:%s\n' "$i" "$name" "$pass" "$ha1" "$ha1b" >> "$rundir/db/subscriber"
  done < "$users"
fi

sed -e "s|^#!substdef \"!SB_SIP_PORT![^!]*!g\"|#!substdef \"!SB_SIP_PORT!$sip_port!g\"|" \
    -e "s|^#!substdef \"!SB_WS_PORT![^!]*!g\"|#!substdef \"!SB_WS_PORT!$ws_port!g\"|" \
    -e "s|^#!substdef \"!SB_WSS_PORT![^!]*!g\"|#!substdef \"!SB_WSS_PORT!$((ws_port + 363))!g\"|" \
    -e "s|^#!substdef \"!SB_RUNDIR![^!]*!g\"|#!substdef \"!SB_RUNDIR!$rundir!g\"|" \
    -e "s|^#!substdef \"!SB_PASSWORD![^!]*!g\"|#!substdef \"!SB_PASSWORD!$password!g\"|" \
    ${rtpengine:+-e "s|^#!substdef \"!SB_RTPENGINE![^!]*!g\"|#!substdef \"!SB_RTPENGINE!$rtpengine!g\"|"} \
    "$here/kamailio.cfg" > "$rundir/kamailio.cfg"

# shellcheck disable=SC2086
"$kamailio" -f "$rundir/kamailio.cfg" -DD -E -Y "$rundir" -P "$rundir/kamailio.pid" -m "$shm" $defines &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid; exit 0' INT TERM
tries=0
until (exec 3<>"/dev/tcp/127.0.0.1/$ws_port") 2>/dev/null; do
  tries=$((tries + 1))
  kill -0 $pid 2>/dev/null || { echo "Kamailio exited while starting (see its log above)" >&2; exit 1; }
  [ $tries -lt 200 ] || { echo "Kamailio did not open ws port $ws_port within 10 s" >&2; kill $pid; exit 1; }
  sleep 0.05
done
echo "Kamailio ready: ws://127.0.0.1:$ws_port (SIP udp/tcp 127.0.0.1:$sip_port, run dir $rundir)"
wait $pid
