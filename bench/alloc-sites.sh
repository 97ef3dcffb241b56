#!/usr/bin/env bash
# Where world-ws allocates under the chat round-trip load, exactly: runs the server jar without thread-local
# allocation buffers (-XX:-UseTLAB), so that Java Flight Recorder's jdk.ObjectAllocationOutsideTLAB event fires for
# every object, records SECONDS of the load after a warm-up, and sums the bytes by thread and by the first world-ws
# method on each object's stack (bench/AllocSites.java reads the recording). Slow (every allocation takes the slow
# path), so keep the rate low; the shares, not the rate, are the result. JFR's jdk.ObjectAllocationSample is no
# substitute here: its weights follow the refills of those buffers, and a server that allocates the same sequence
# per message aliases with them (see docs/performance-history.md). Loopback only; bounded in time.
#   bash bench/alloc-sites.sh [JAR] [USERS] [RATE] [SECONDS]
# FROM_START=1: after a warm-up by other users, record from before the USERS connect and clone, through SECONDS of
# their chat, and sum per BUCKET seconds (2): what a world's first messages and first save cost against later ones
# (with USERS 1000 and RATE 100, the first 10 s of chat are every world's first message).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
jar="${1:-$root/examples/target/world-ws-server.jar}"
users="${2:-1000}"; rate="${3:-200}"; seconds="${4:-4}"
warmup=20
out="$(mktemp -d /tmp/world-ws-alloc.XXXXXX)"
[ -d "$here/node_modules" ] || npm ci --prefix "$here" --no-audit --no-fund
cat >"$out/outside.jfc" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<configuration version="2.0" label="allocation outside TLAB">
  <event name="jdk.ObjectAllocationOutsideTLAB"><setting name="enabled">true</setting><setting name="stackTrace">true</setting></event>
</configuration>
EOF

export MALLOC_ARENA_MAX=2
# shellcheck source=server.sh
. "$here/server.sh"
start_server "$out" "$jar" "$(node -p "require('$here/jvm-flags.js').JAVA_OPTS") -XX:-UseTLAB" "--durability write-back"
trap 'kill "$pid" 2>/dev/null || true' EXIT
await_port "$out"

if [ -n "${FROM_START:-}" ]; then
  # other users warm the server up (compiled code, the clone of the template read once) and leave
  node "$here/loadgen/cli.js" --url "ws://127.0.0.1:$port/ws" --template coffee-shop --scenario chat \
    --users "$users" --rate "$rate" --seconds "$warmup" --warmup 0 --max-seconds $((warmup + 120)) >/dev/null
  sleep 3
  jcmd "$pid" JFR.start name=alloc settings="$out/outside.jfc" filename="$out/alloc.jfr" >/dev/null
  node "$here/loadgen/cli.js" --url "ws://127.0.0.1:$port/ws" --template coffee-shop --scenario chat \
    --users "$users" --rate "$rate" --seconds "$seconds" --warmup 0 \
    --max-seconds $((seconds + 120)) >"$out/chat.json" || true
  jcmd "$pid" JFR.stop name=alloc >/dev/null
else
  node "$here/loadgen/cli.js" --url "ws://127.0.0.1:$port/ws" --template coffee-shop --scenario chat \
    --users "$users" --rate "$rate" --seconds $((seconds + 16)) --warmup "$warmup" \
    --max-seconds $((warmup + seconds + 120)) >"$out/chat.json" &
  load=$!
  # the users connect and clone first; the recording starts well inside the load's measured part
  sleep $((warmup + 12))
  jcmd "$pid" JFR.start name=alloc settings="$out/outside.jfc" duration="${seconds}s" filename="$out/alloc.jfr" >/dev/null
  sleep $((seconds + 2))
  wait "$load" || true
fi
kill "$pid"; wait "$pid" || true
trap - EXIT

echo "== load generator result"; cat "$out/chat.json"
if [ -n "${FROM_START:-}" ]; then
  echo "== bytes allocated per ${BUCKET:-2} s from before the users connected, by thread and first world-ws method (top 10)"
  java "$here/AllocSites.java" "$out/alloc.jfr" "${BUCKET:-2}" 10
else
  echo "== bytes allocated in ${seconds} s by thread and first world-ws method on the stack (top 25)"
  java "$here/AllocSites.java" "$out/alloc.jfr" 0 25
fi
echo "== recording in $out"
