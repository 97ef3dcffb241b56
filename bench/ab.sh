#!/usr/bin/env bash
# Two world-ws jars back to back under the chat load, to tell a change of the code from this machine's drift: PAIRS
# alternating runs (A, B, A, B, ...), each on a fresh server with its own data folder, each with the suite's
# schedule: unmeasured chat by other users first, then USERS new guests connect and clone their worlds and chat at
# RATE messages/s for WARM + SECONDS, of which SECONDS are measured. Prints per run the latency, the server's CPU
# and the JVM's pauses within the measured seconds, and the p99 of each measured second. Judge a change by every
# pair, not by one run. Loopback only; bounded in time.
#   bash bench/ab.sh JAR_A JAR_B
# Environment: PAIRS (3), USERS (1000), RATE (1000), MEASURED (10 seconds), WARM (2), PRE (20: seconds of the unmeasured
# chat at RATE/2 before; 0 for none), JAVA_OPTS (default: bench/jvm-flags.js, the recommended flags), JAVA_OPTS_A, JAVA_OPTS_B,
# ARGS_A, ARGS_B (added to one side's JVM flags or server arguments), DATA_ROOT (/dev/shm if it exists: tmpfs).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[ $# -eq 2 ] || { echo "usage: bash bench/ab.sh JAR_A JAR_B" >&2; exit 2; }
jars=("$1" "$2")
pairs="${PAIRS:-3}"; users="${USERS:-1000}"; rate="${RATE:-1000}"; seconds="${MEASURED:-10}"; warm="${WARM:-2}"
pre="${PRE:-20}"
java_opts="${JAVA_OPTS:-$(node -p "require('$here/jvm-flags.js').JAVA_OPTS")}"
gc_log="$(node -p "require('$here/gc-pauses.js').GC_LOG")"
root="${DATA_ROOT:-$( [ -d /dev/shm ] && echo /dev/shm || echo "${TMPDIR:-/tmp}" )}"
[ -d "$here/node_modules" ] || npm ci --prefix "$here" --no-audit --no-fund
export MALLOC_ARENA_MAX=2
# shellcheck source=server.sh
. "$here/server.sh"

run_one() { # run_one LABEL JAR EXTRA_JAVA_OPTS EXTRA_ARGS
  local out; out="$(mktemp -d "$root/world-ws-ab.XXXXXX")"
  date +%s.%N >"$out/spawned" # the pauses' log is stamped with the JVM's uptime, counted from about here
  start_server "$out" "$2" "$java_opts $3 $gc_log$out/gc.log" "--durability write-back $4"
  trap "kill $pid 2>/dev/null || true; rm -rf '$out'" EXIT
  await_port "$out"
  if [ "$pre" -gt 0 ]; then
    node "$here/loadgen/cli.js" --url "ws://127.0.0.1:$port/ws" --template coffee-shop --scenario chat \
      --users "$users" --rate $((rate / 2)) --seconds "$pre" --warmup 0 --max-seconds $((pre + 120)) >/dev/null
  fi
  # the server's CPU (user + system ticks) twice a second, with the wall time, for the measured window
  ( while kill -0 "$pid" 2>/dev/null; do
      echo "$(date +%s.%N) $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null)"; sleep 0.5
    done ) >"$out/cpu.txt" 2>/dev/null &
  local sampler=$!
  node "$here/loadgen/cli.js" --url "ws://127.0.0.1:$port/ws" --template coffee-shop --scenario chat \
    --users "$users" --rate "$rate" --seconds "$seconds" --warmup "$warm" \
    --max-seconds $((seconds + warm + 180)) >"$out/chat.json"
  date +%s.%N >"$out/end"
  kill "$sampler" 2>/dev/null || true
  kill "$pid"; wait "$pid" || true
  trap - EXIT
  node - "$out" "$1" "$seconds" "$(getconf CLK_TCK)" "$here" <<'JS'
const fs = require('fs');
const [dir, label, secondsText, tickText, here] = process.argv.slice(2);
const { gcPauses } = require(`${here}/gc-pauses.js`);
const seconds = Number(secondsText), tick = Number(tickText);
const chat = JSON.parse(fs.readFileSync(`${dir}/chat.json`, 'utf8'));
const end = Number(fs.readFileSync(`${dir}/end`, 'utf8'));
const from = end - seconds; // the measured seconds end when the last answer is in, just before the load exits
const cpu = fs.readFileSync(`${dir}/cpu.txt`, 'utf8').trim().split('\n').map((l) => l.split(' ').map(Number))
  .filter((r) => r.length === 2 && !Number.isNaN(r[1]));
const at = (t) => cpu.reduce((best, r) => (Math.abs(r[0] - t) < Math.abs(best[0] - t) ? r : best), cpu[0]);
const cpuSeconds = cpu.length ? (at(end)[1] - at(from)[1]) / tick : NaN;
const spawned = Number(fs.readFileSync(`${dir}/spawned`, 'utf8'));
const gc = gcPauses(`${dir}/gc.log`, from - spawned, end - spawned) || { pauses: NaN, totalMs: NaN, longestMs: NaN };
const L = chat.latency || {};
const f = (v) => (typeof v === 'number' ? v.toFixed(2) : '–');
console.log(`${label.padEnd(3)} p50 ${f(L.p50)} p99 ${f(L.p99)} p99.9 ${f(L.p999)} ms, lost ${chat.lost}; server CPU ${cpuSeconds.toFixed(1)} s`
  + ` in the measured ${seconds} s; pauses ${gc.pauses}, ${gc.totalMs.toFixed(0)} ms,`
  + ` longest ${gc.longestMs.toFixed(1)} ms; p99 by second ${(chat.latencyBySecond || []).map((s) => Math.round(s.p99)).join(' ')}`);
JS
  rm -rf "$out"
}

echo "A: ${jars[0]} ${JAVA_OPTS_A:-} ${ARGS_A:-}"
echo "B: ${jars[1]} ${JAVA_OPTS_B:-} ${ARGS_B:-}"
echo "$pairs pairs; $users users, $rate msg/s, $seconds s measured after $warm s; ${pre} s of chat by other users first; data in $root"
for _ in $(seq 1 "$pairs"); do
  run_one A "${jars[0]}" "${JAVA_OPTS_A:-}" "${ARGS_A:-}"
  run_one B "${jars[1]}" "${JAVA_OPTS_B:-}" "${ARGS_B:-}"
done
