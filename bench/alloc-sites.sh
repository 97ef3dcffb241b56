#!/usr/bin/env bash
# Where world-ws allocates under the chat round-trip load, exactly: runs the server jar without thread-local
# allocation buffers (-XX:-UseTLAB), so that Java Flight Recorder's jdk.ObjectAllocationOutsideTLAB event fires for
# every object, records SECONDS of the load after a warm-up, and sums the bytes by thread and by the first world-ws
# class on each object's stack. Slow (every allocation takes the slow path), so keep the rate low; the shares, not
# the rate, are the result. JFR's jdk.ObjectAllocationSample is no substitute here: its weights follow the refills
# of those buffers, and a server that allocates the same sequence per message aliases with them (see
# docs/performance-history.md). Loopback only; bounded in time.
#   bash bench/alloc-sites.sh [JAR] [USERS] [RATE] [SECONDS]
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
start_server "$out" "$jar" "-Xmx1g -XX:+UseG1GC -XX:MaxGCPauseMillis=5 -XX:-UseTLAB" "--durability write-back"
trap 'kill "$pid" 2>/dev/null || true' EXIT
await_port "$out"

node "$here/loadgen/cli.js" --url "ws://127.0.0.1:$port/ws" --template coffee-shop --scenario chat \
  --users "$users" --rate "$rate" --seconds $((seconds + 8)) --warmup "$warmup" \
  --max-seconds $((warmup + seconds + 120)) >"$out/chat.json" &
load=$!
# the users connect and clone first; the recording starts well inside the load's measured part
sleep $((warmup + 12))
jcmd "$pid" JFR.start name=alloc settings="$out/outside.jfc" duration="${seconds}s" filename="$out/alloc.jfr" >/dev/null
sleep $((seconds + 2))
wait "$load" || true
kill "$pid"; wait "$pid" || true
trap - EXIT

echo "== load generator result"; cat "$out/chat.json"
echo "== bytes allocated in ${seconds} s by thread and first world-ws class on the stack (top 25)"
jfr print --events jdk.ObjectAllocationOutsideTLAB --stack-depth 16 "$out/alloc.jfr" | awk '
  /^jdk.ObjectAllocationOutsideTLAB/ { size = 0; thread = "?"; site = ""; next }
  /allocationSize = / {
    size = $3; unit = $4
    if (unit == "kB") size *= 1000; else if (unit == "MB") size *= 1000000
    next
  }
  /eventThread = / {
    thread = $0; sub(/.*eventThread = "/, "", thread); sub(/".*/, "", thread); gsub(/[-#(]?[0-9]+\)?$/, "", thread)
    next
  }
  site == "" && /line:/ && /dev\.worldws\./ {
    site = $1; sub(/\(.*/, "", site); sub(/\.[^.]*$/, "", site); sub(/^dev\.worldws\./, "", site)
    sub(/\$\$Lambda.*/, " (lambda)", site)
    next
  }
  /^}/ { if (site == "") site = "(no world-ws frame)"; bytes[thread "  " site] += size; total += size }
  END {
    printf "%.1f MB in all\n", total / 1e6
    for (key in bytes) printf "%6.1f %%  %s\n", 100 * bytes[key] / total, key
  }' | { read -r first; echo "$first"; sort -rn | head -25; }
echo "== recording in $out"
