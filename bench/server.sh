# Sourced by the bench scripts that drive one reference server of their own (run.js does the same in JavaScript).

# start_server DIR JAR JAVA_OPTS SERVER_ARGS: runs the server jar on a free 127.0.0.1 port with its data folder in
# DIR/data and its log in DIR/server.log, guests' worlds deleted 500 ms after they leave; sets pid. JAVA_OPTS and
# SERVER_ARGS are split into words. Set the caller's EXIT trap (to kill "$pid") right after, then await_port.
start_server() {
  # shellcheck disable=SC2086
  java $3 -jar "$2" --port 0 --host 127.0.0.1 --data-dir "$1/data" --anonymous-grace 500ms $4 >"$1/server.log" 2>&1 &
  pid=$!
}

# await_port DIR: waits at most 60 s for the server that start_server started with DIR to listen; sets port, or
# exits with the log's path.
await_port() {
  for _ in $(seq 1 300); do grep -q 'Listening on' "$1/server.log" && break; sleep 0.2; done
  port="$(grep -o 'Listening on http://127.0.0.1:[0-9]*' "$1/server.log" | sed 's/.*://')"
  [ -n "$port" ] || { echo "server did not start; see $1/server.log" >&2; exit 1; }
}
