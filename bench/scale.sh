#!/bin/bash
# Scale benchmark (issue 17): a history of DOCS documents over USERS users on
# SQLite and PostgreSQL, and a batch of ROWS rows; prints search p50/p99
# (goal <= 20 / 100 ms), document and job list pages at offset 0, the middle
# and the last (goal <= 5 ms), statistics (goal <= 50 ms), database size per
# document and the batch's submission time (goal <= 10 s) and peak memory, on
# the local queue and on Redis. See bench/scale_bench.c for the data it builds.
#   bench/scale.sh [docs=1000000] [users=300] [rows=100000] [rounds=5]
#   bench/scale.sh quick        (20,000 documents, 200 users, 100,000 rows)
# SCALE_BACKENDS=sqlite,postgresql,redis limits the backends. PostgreSQL and Redis:
# DOCTAG_TEST_POSTGRES_URL / DOCTAG_TEST_REDIS_URL when set, else services
# started with scripts/services.sh and stopped after. Then the WebSocket
# catch-up of a ROWS-row job through the server (bench/ws_catchup.py).
# Throughput of two workers on Redis against twice one: bench/batch.sh.
# To load once and measure later (or again): SCALE_LOAD_ONLY=1 with SCALE_KEEP=1
# (SQLite) or DOCTAG_BENCH_KEEP_DB=1 and your own DOCTAG_TEST_POSTGRES_URL, then
# SCALE_REUSE=<the kept scale.db> / SCALE_REUSE_PG=<the kept database> (see scale_bench.c).
# SCALE_LISTS_ONLY=1: only the list pages (first, middle, last) and statistics;
# SCALE_WORDS_ONLY=1: only the searches of several words (and the same ranked over every match).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build=${DOCTAG_BUILD_DIR:-$root/build}
if [ "${1:-}" = quick ]; then set -- 20000 200 100000 3; fi

cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j2 --target scale_bench >/dev/null

state=""
cleanup() {
  if [ -n "$state" ]; then
    scripts/services.sh stop "$state" >/dev/null 2>&1 || true
    rm -rf "$state"
  fi
}
trap cleanup EXIT
if [ -z "${DOCTAG_TEST_POSTGRES_URL:-}" ] && [ -x /usr/lib/postgresql/15/bin/initdb ]; then
  state=$(mktemp -d /tmp/doctag-bench-scale.XXXXXX)
  scripts/services.sh start "$state" >/dev/null
  # shellcheck source=/dev/null
  . "$state/env"
fi

echo "doctag scale benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
"$build/bench/scale_bench" "${1:-1000000}" "${2:-300}" "${3:-100000}" "${4:-5}"

# The WebSocket catch-up of a ROWS-row job through the server itself: first
# frame, whole message, kore workers' peak memory (bench/ws_catchup.py).
# No batch (ROWS 0): nothing to catch up with (the server refuses an empty batch).
if [ "${3:-100000}" = 0 ]; then exit 0; fi
cmake --build "$build" -j2 --target doctag_server doctag_server_launcher >/dev/null
for backend in sqlite postgresql redis; do
  case "${SCALE_BACKENDS:-sqlite,postgresql,redis}" in *"$backend"*) ;; *) continue ;; esac
  if [ "$backend" = postgresql ] && [ -z "${DOCTAG_TEST_POSTGRES_URL:-}" ]; then continue; fi
  if [ "$backend" = redis ] && [ -z "${DOCTAG_TEST_REDIS_URL:-}" ]; then continue; fi
  DOCTAG_BIN_DIR="$build/bin" /usr/bin/python3 bench/ws_catchup.py "$backend" "${3:-100000}"
done
