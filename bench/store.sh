#!/bin/bash
# Store benchmark: argon2id password hashing (time, memory) and full-text
# search latency over 10,000 documents on SQLite and PostgreSQL (median and
# p95, against the bare SQL statement as the reference). Goal: search median
# under 20 ms.
#   bench/store.sh [documents=10000] [rounds=5]
# PostgreSQL: DOCTAG_TEST_POSTGRES_URL when set, else a temporary cluster
# started with scripts/services.d/10-postgres.sh and stopped after.
# Exit status: 0 goal met, 1 goal missed, other: could not run.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build=${DOCTAG_BUILD_DIR:-$root/build}

cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j2 --target store_bench >/dev/null

state=""
cleanup() {
  if [ -n "$state" ]; then
    (
      export DOCTAG_SERVICES_DIR=$state
      # shellcheck source=/dev/null
      . "$root/scripts/services.d/10-postgres.sh"
      postgres_stop
    ) || true
    rm -rf "$state"
  fi
}
trap cleanup EXIT

if [ -z "${DOCTAG_TEST_POSTGRES_URL:-}" ] && [ -x /usr/lib/postgresql/15/bin/initdb ]; then
  state=$(mktemp -d /tmp/doctag-bench-pg.XXXXXX)
  (
    export DOCTAG_SERVICES_DIR=$state DOCTAG_SOURCE_DIR=$root
    envfile=$state/env
    : > "$envfile"
    free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
    wait_port() {
      local i
      for ((i = 0; i < ${2:-30} * 10; i++)); do
        (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0
        sleep 0.1
      done
      return 1
    }
    export_env() { echo "export $1=$(printf '%q' "$2")" >> "$envfile"; }
    # shellcheck source=/dev/null
    . "$root/scripts/services.d/10-postgres.sh"
    postgres_start
  )
  # shellcheck source=/dev/null
  . "$state/env"
fi

echo "doctag store benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores"
"$build/bench/store_bench" "${1:-10000}" "${2:-5}"
