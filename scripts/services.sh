#!/bin/bash
# Starts (or stops) the services the test suite needs, bound to 127.0.0.1 on
# free ports, and writes their addresses to $DOCTAG_SERVICES_DIR/env, to be
# sourced by the test runner. Each service is a file in scripts/services.d/
# defining <name>_start and <name>_stop; they run in name order.
#   scripts/services.sh start DIR   |   scripts/services.sh stop DIR
set -euo pipefail
cmd=${1:?start|stop}
export DOCTAG_SERVICES_DIR=$(realpath -m "${2:?state directory}")
here=$(cd "$(dirname "$0")" && pwd)
export DOCTAG_SOURCE_DIR=$(dirname "$here")
mkdir -p "$DOCTAG_SERVICES_DIR"
envfile=$DOCTAG_SERVICES_DIR/env

# A free TCP port on 127.0.0.1.
free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
# Waits until 127.0.0.1:$1 accepts connections (up to $2 seconds).
wait_port() {
  local port=$1 secs=${2:-30} i
  for ((i = 0; i < secs * 10; i++)); do
    (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "services: nothing listens on 127.0.0.1:$port after ${secs}s" >&2
  return 1
}
export_env() { echo "export $1=$(printf '%q' "$2")" >> "$envfile"; }
# Stops the process whose pid is in $DOCTAG_SERVICES_DIR/$1.pid: TERM, up to
# 5 s of grace, then KILL.
stop_pidfile() {
  local pidfile=$DOCTAG_SERVICES_DIR/$1.pid pid
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$pidfile"
}

names=()
for f in "$here"/services.d/*.sh; do
  [ -e "$f" ] || continue
  # shellcheck source=/dev/null
  . "$f"
  names+=("$(basename "$f" .sh | sed 's/^[0-9]*-//')")
done

case "$cmd" in
  start)
    : > "$envfile"
    for n in "${names[@]}"; do
      echo "services: starting $n" >&2
      "${n}_start"
    done ;;
  stop)
    for ((i = ${#names[@]} - 1; i >= 0; i--)); do
      "${names[i]}_stop" || true
    done ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
