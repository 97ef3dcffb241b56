#!/usr/bin/env bash
# Churn of many anonymous users through world-ws in one run (issue 6: 100,000 with nothing retained). Starts the
# server jar on a free loopback port with a fresh data folder, takes the server's state (heap after a full GC,
# open files, threads, its data folder, /api/stats) after a short warm-up, lets USERS anonymous users connect,
# select their own world (a clone), chat once, wait for the answer and leave (CONCURRENCY at a time), waits for
# their worlds to be deleted (grace 500 ms), takes the state again, and writes both into
# bench/results/<time>-churn.json. Loopback only; bounded in time (the load generator stops after SECONDS and
# exits by itself; waits are bounded; the server is killed when the script ends).
#   bash bench/churn.sh [USERS=100000] [SECONDS=1500] [JAR] [extra server args, default --durability write-back]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
users="${1:-100000}"; seconds="${2:-1500}"; jar="${3:-$root/examples/target/world-ws-server.jar}"
server_args="${4:---durability write-back}"
[[ "$users" =~ ^[1-9][0-9]*$ && "$seconds" =~ ^[1-9][0-9]*$ ]] || {
  echo "usage: bash bench/churn.sh [USERS] [SECONDS] [JAR] [server args]: USERS and SECONDS are positive numbers" >&2
  exit 2
}
java_opts="${JAVA_OPTS:-$(node -p "require('$here/jvm-flags.js').JAVA_OPTS")}"
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
[ -d "$here/node_modules" ] || npm ci --prefix "$here" --no-audit --no-fund
[ -f "$jar" ] || (cd "$root" && ./mvnw -B -q -pl examples -am package -DskipTests)
work="$(mktemp -d /tmp/world-ws-churn.XXXXXX)"
# shellcheck source=server.sh
. "$here/server.sh"
start_server "$work" "$jar" "$java_opts" "$server_args"
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
await_port "$work"

settled_rss() { # RSS once G1 has given the collected regions back (a background thread does it after GC.run)
  local a b c
  a=$(grep VmRSS /proc/"$pid"/status | grep -o '[0-9]*'); b=$a
  for i in $(seq 1 40); do
    sleep 0.25
    c=$(grep VmRSS /proc/"$pid"/status | grep -o '[0-9]*')
    lo=$(printf '%s\n' "$a" "$b" "$c" | sort -n | head -1); hi=$(printf '%s\n' "$a" "$b" "$c" | sort -n | tail -1)
    [ "$i" -ge 4 ] && [ $(( (hi - lo) * 100 )) -le "$hi" ] && break
    a=$b; b=$c
  done
  echo "$c"
}
state() { # one JSON object: the server as seen from outside, after a full GC
  jcmd "$pid" GC.run >/dev/null
  local heap files dataFiles threads rss stats
  heap="$(jcmd "$pid" GC.heap_info | grep -o 'used [0-9]*K' | head -1 | grep -o '[0-9]*')"
  files="$(ls /proc/"$pid"/fd | wc -l)"
  threads="$(grep Threads /proc/"$pid"/status | grep -o '[0-9]*')"
  rss="$(settled_rss)"
  dataFiles="$(find "$work/data/users" -mindepth 1 2>/dev/null | wc -l)"
  stats="$(curl -s "http://127.0.0.1:$port/api/stats")"
  printf '{"heapAfterGcKiB":%s,"openFiles":%s,"threads":%s,"rssKiB":%s,"entriesUnderUsers":%s,"stats":%s}' \
    "$heap" "$files" "$threads" "$rss" "$dataFiles" "$stats"
}
settle() { # until every guest world is gone and no connection is left (at most 60 s)
  for _ in $(seq 1 120); do
    [ "$(find "$work/data/users" -mindepth 1 2>/dev/null | wc -l)" = 0 ] \
      && curl -s "http://127.0.0.1:$port/api/stats" | grep -q '"connections":0,"worldsLoaded":0' && return
    sleep 0.5
  done
}
loadgen() { node "$here/loadgen/cli.js" --url "ws://127.0.0.1:$port/ws" --template coffee-shop --scenario churn \
  --sources 127.0.0.1,127.0.0.2,127.0.0.3,127.0.0.4 --concurrency 20 --max-seconds $((seconds + 120)) "$@"; }

loadgen --max-users 1000 --seconds 120 >/dev/null   # warm-up: the JIT and the pools, not measured
settle
before="$(state)"
started_at="$(date -u +%FT%TZ)"
run="$(loadgen --max-users "$users" --seconds "$seconds")"
settle
after="$(state)"
stamp="$(date -u +%Y-%m-%dT%H-%M-%S)"
mkdir -p "$here/results"
out="$here/results/$stamp-churn.json"
printf '{"startedAt":"%s","users":%s,"javaOpts":"%s","serverArgs":"%s","churn":%s,"before":%s,"after":%s}\n' \
  "$started_at" "$users" "$java_opts" "$server_args --anonymous-grace 500ms" "$run" "$before" "$after" >"$out"
cp "$out" "$here/results/latest-churn.json"
cat "$out"
