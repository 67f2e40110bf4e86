#!/usr/bin/env bash
# Starts Kamailio with deploy/kamailio/kamailio.cfg on loopback, with a private run directory and
# fresh db_text tables (presence/pua rewrite them at shutdown and the next start would fail on them),
# then waits until the WebSocket port accepts connections. Runs in the foreground; Ctrl-C stops it.
#
#   deploy/kamailio/start-kamailio.sh [--ws-port 8080] [--sip-port 5060] [--password secret]
#        [--rundir DIR] [--users users.txt] [--rtpengine udp:127.0.0.1:2223] [--no-auth] [--no-blf]
#        [--ring-group 5000=1001,1002]... [--shm MB]
#        [--ephemeral-secret SECRET | --ephemeral-secret-file FILE]
#        [--tls-cert cert.pem --tls-key key.pem | --tls-self-signed] [--wss-port 8443]
#        [--ws-keepalive SECONDS]
#        [--voice-bridge http://127.0.0.1:8787 [--voice-bridge-token-file FILE] [--voice-inbound REGEX]]
#
# --users takes lines "username password"; without it every user's password is --password
# (tests and demos only). --ephemeral-secret(-file) switches to short-lived credentials
# (WITH_AUTHEPH): the secret Salesforce mints them with (SwitchboardPhoneSecret__mdt.Secret__c);
# prefer the file form, a command line is visible to every local user. With --users as well,
# plain usernames are checked against the users file (desk phones). --tls-* serve wss on
# --wss-port (default ws port + 363). Connector settings then: sipWebSocketUrl
# ws://127.0.0.1:<ws-port> (or wss://<host>:<wss-port>), sipDomain 127.0.0.1. The test suite uses
# test/support/kamailio.ts, which does the same from TS. --voice-bridge: Salesforce Voice
# (WITH_VOICE_BRIDGE, needs kamailio-utils-modules): inbound INVITEs (From user matching
# --voice-inbound, default a number of 8+ digits) get their VoiceCall from `switchboard voice-bridge`
# first; its token is read from the file (exported as SB_VOICE_BRIDGE_TOKEN, never written to the run dir).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
ws_port=8080; sip_port=5060; password=secret; rundir=""; users=""; rtpengine=""; auth=1; blf=1; groups=""; shm=64
secret=""; tls_cert=""; tls_key=""; self_signed=0; wss_port=""; ws_keepalive=30
voice_bridge=""; voice_token=""; voice_inbound=""
while [ $# -gt 0 ]; do
  case "$1" in
    --ephemeral-secret) secret=$2; shift 2 ;;
    --ephemeral-secret-file)
      [ -r "$2" ] || { echo "--ephemeral-secret-file: cannot read $2" >&2; exit 2; }
      secret=$(tr -d '\r\n' < "$2"); shift 2 ;;
    --tls-cert) tls_cert=$2; shift 2 ;;
    --tls-key) tls_key=$2; shift 2 ;;
    --tls-self-signed) self_signed=1; shift ;;
    --wss-port) wss_port=$2; shift 2 ;;
    --ws-keepalive) ws_keepalive=$2; shift 2 ;;
    --voice-bridge)
      case "$2" in http://*|https://*) ;; *) echo "--voice-bridge must be the bridge's http(s) URL (got $2)" >&2; exit 2 ;; esac
      voice_bridge=${2%/}; shift 2 ;;
    --voice-bridge-token-file)
      [ -r "$2" ] || { echo "--voice-bridge-token-file: cannot read $2" >&2; exit 2; }
      voice_token=$(tr -d '\r\n' < "$2"); shift 2 ;;
    --voice-inbound) voice_inbound=$2; shift 2 ;;
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
case "$ws_keepalive" in ''|*[!0-9]*|0) echo "--ws-keepalive must be a positive number of seconds (got $ws_keepalive)" >&2; exit 2 ;; esac
if [ -n "$secret" ]; then
  # The config reads the secret as a quoted string (#!defenvs); short secrets can be guessed offline.
  [ ${#secret} -ge 16 ] || { echo "the ephemeral secret must be at least 16 characters (got ${#secret})" >&2; exit 2; }
  case "$secret" in *'"'*|*'\'*|*' '*|*"$(printf '\t')"*) echo "the ephemeral secret must not contain quotes, backslashes or white space" >&2; exit 2 ;; esac
fi
if [ -n "$tls_cert$tls_key" ] && { [ -z "$tls_cert" ] || [ -z "$tls_key" ]; }; then
  echo "--tls-cert and --tls-key go together" >&2; exit 2
fi
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
if [ "$self_signed" = 1 ]; then
  tls_cert=$rundir/cert.pem; tls_key=$rundir/key.pem
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$tls_key" -out "$tls_cert" \
    -days 30 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1,DNS:localhost 2>/dev/null \
    || { echo "openssl could not make a self-signed certificate (apt-get install openssl)" >&2; exit 1; }
fi
[ -n "$wss_port" ] || wss_port=$((ws_port + 363))
if [ -n "$tls_cert" ]; then
  [ -r "$tls_cert" ] && [ -r "$tls_key" ] || { echo "cannot read $tls_cert or $tls_key" >&2; exit 2; }
  defines="$defines -A WITH_TLS"
  printf '[server:default]\nmethod = TLSv1.2+\nverify_certificate = no\nrequire_certificate = no\nprivate_key = %s\ncertificate = %s\n' \
    "$(realpath "$tls_key")" "$(realpath "$tls_cert")" > "$rundir/tls.cfg"
fi
if [ -n "$secret" ]; then
  defines="$defines -A WITH_AUTHEPH"
  export SB_AUTHEPH_SECRET="$secret"
fi
[ "$auth" = 1 ] && defines="$defines -A WITH_AUTH"
if [ -n "$voice_bridge" ]; then
  defines="$defines -A WITH_VOICE_BRIDGE"
  case "$voice_bridge$voice_inbound" in *'!'*|*'|'*) echo "--voice-bridge and --voice-inbound must not contain ! or |" >&2; exit 2 ;; esac
  if [ -n "$voice_token" ]; then
    case "$voice_token" in *'"'*|*'\'*|*' '*) echo "the voice bridge token must not contain quotes, backslashes or spaces" >&2; exit 2 ;; esac
    defines="$defines -A WITH_VOICE_BRIDGE_TOKEN"
    export SB_VOICE_BRIDGE_TOKEN="$voice_token"
  fi
fi
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
    -e "s|^#!substdef \"!SB_WSS_PORT![^!]*!g\"|#!substdef \"!SB_WSS_PORT!$wss_port!g\"|" \
    -e "s|^#!substdef \"!SB_WS_KEEPALIVE![^!]*!g\"|#!substdef \"!SB_WS_KEEPALIVE!$ws_keepalive!g\"|" \
    -e "s|^#!substdef \"!SB_RUNDIR![^!]*!g\"|#!substdef \"!SB_RUNDIR!$rundir!g\"|" \
    -e "s|^#!substdef \"!SB_PASSWORD![^!]*!g\"|#!substdef \"!SB_PASSWORD!$password!g\"|" \
    ${rtpengine:+-e "s|^#!substdef \"!SB_RTPENGINE![^!]*!g\"|#!substdef \"!SB_RTPENGINE!$rtpengine!g\"|"} \
    ${voice_bridge:+-e "s|^#!substdef \"!SB_VOICE_BRIDGE![^!]*!g\"|#!substdef \"!SB_VOICE_BRIDGE!$voice_bridge!g\"|"} \
    ${voice_inbound:+-e "s|^#!substdef \"!SB_VOICE_INBOUND![^!]*!g\"|#!substdef \"!SB_VOICE_INBOUND!$voice_inbound!g\"|"} \
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
echo "Kamailio ready: ws://127.0.0.1:$ws_port${tls_cert:+, wss://127.0.0.1:$wss_port}${secret:+ (short-lived credentials)}${voice_bridge:+ (VoiceCalls through $voice_bridge)} (SIP udp/tcp 127.0.0.1:$sip_port, run dir $rundir)"
wait $pid
