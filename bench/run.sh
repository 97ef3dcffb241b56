#!/usr/bin/env bash
# Runs the world-ws performance suite side by side with the Node `ws` and Socket.IO baselines.
#   bash bench/run.sh            # full suite (a few minutes)
#   bash bench/run.sh --quick    # a short pass with small numbers
# Other flags go to bench/run.js. Loopback only; every run stops by itself.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
# 10,000 idle connections need that many descriptors in the server and in the load generator.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 10500 ]; then
  echo "warning: open-files limit is $(ulimit -n); 10,000 idle connections need more (use --idle N)" >&2
fi
[ -d "$here/node_modules" ] || npm ci --prefix "$here" --no-audit --no-fund
jar="$root/examples/target/world-ws-server.jar"
if [ ! -f "$jar" ] && [[ " $* " != *" --jar "* ]] && [[ " $* " != *" --servers "* ]]; then
  echo "building the reference server jar" >&2
  (cd "$root" && ./mvnw -B -q -pl examples -am package -DskipTests) || echo "could not build $jar; world-ws is skipped" >&2
fi
exec node "$here/run.js" "$@"
