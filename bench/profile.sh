#!/usr/bin/env bash
# Profiles world-ws under the chat round-trip load: starts the server jar with Java Flight Recorder on a free
# loopback port, drives it with the load generator, takes two thread dumps half-way, stops the server and
# summarises where its threads spent their time. Loopback only; bounded in time.
#   bash bench/profile.sh [JAR] [USERS] [RATE] [SECONDS]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
jar="${1:-$root/examples/target/world-ws-server.jar}"
users="${2:-100}"; rate="${3:-200}"; seconds="${4:-10}"
out="$(mktemp -d /tmp/world-ws-profile.XXXXXX)"
[ -d "$here/node_modules" ] || npm ci --prefix "$here" --no-audit --no-fund

# shellcheck source=server.sh
. "$here/server.sh"
start_server "$out" "$jar" "-Xmx1g -XX:StartFlightRecording=filename=$out/chat.jfr,settings=profile,dumponexit=true" ""
trap 'kill "$pid" 2>/dev/null || true' EXIT
await_port "$out"

node "$here/loadgen/cli.js" --url "ws://127.0.0.1:$port/ws" --template coffee-shop --scenario chat \
  --users "$users" --rate "$rate" --seconds "$seconds" --warmup 1 --max-seconds $((seconds + 60)) >"$out/chat.json" &
load=$!
sleep $((seconds / 2 + 3))
jcmd "$pid" Thread.print >"$out/threads-1.txt"
sleep 1
jcmd "$pid" Thread.print >"$out/threads-2.txt"
wait "$load" || true
kill "$pid"; wait "$pid" || true
trap - EXIT

set +o pipefail # the summaries below cut long listings short with head
echo "== load generator result"; cat "$out/chat.json"
echo "== world-ws worker threads (thread dumps): top frame and the first world-ws frame below it"
for f in "$out"/threads-*.txt; do
  awk '/^"world-ws-worker/{getline; getline; top=$0; ours=""; while ((getline l) > 0 && l != "") if (ours == "" && l ~ /dev\.worldws/) ours=l; print top " <= " ours}' "$f"
done | sed 's/([^)]*)//g; s/\s*at / /g' | sort | uniq -c | sort -rn | head -10
echo "== JFR: hottest Java frames (jdk.ExecutionSample)"
jfr print --events jdk.ExecutionSample --stack-depth 1 "$out/chat.jfr" | grep -A1 'stackTrace = \[' \
  | grep -v 'stackTrace\|^--' | sed 's/line:.*//; s/^\s*//' | sort | uniq -c | sort -rn | head -15
echo "== JFR: native frames other than the selector's epoll wait (jdk.NativeMethodSample)"
jfr print --events jdk.NativeMethodSample --stack-depth 1 "$out/chat.jfr" | grep -A1 'stackTrace = \[' \
  | grep -v 'stackTrace\|^--\|EPoll.wait' | sed 's/line:.*//; s/^\s*//' | sort | uniq -c | sort -rn | head -10
echo "== recording and dumps in $out"
