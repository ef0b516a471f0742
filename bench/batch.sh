#!/bin/bash
# Batch benchmark (issue 5), on the local queue (SQLite) and on Redis:
#  1. throughput: N small text PDFs (default 1000: the corpus's born-digital
#     documents of at most 3 pages, repeated) through two `doctag worker`
#     processes with the offline tagger, against twice the rate of one worker
#     process taking one document at a time (the single-document rate).
#     Goal: ratio >= 0.9. One and two workers alternate, ROUNDS times (default
#     3); medians are compared. Also printed, for information: the rate of one
#     process tagging the same documents with no queue and no history
#     (`doctag process --model local`), and the workers' CPU per document
#     against it: what the queue, the events and recording every document in
#     history (with its full-text index) cost on top of processing.
#  2. the queue's own cost per item (bench/queue_bench.c: claim + finish with
#     their events, no PDF), also on the local queue in PostgreSQL when
#     DOCTAG_TEST_POSTGRES_URL is set. Goal: <= 2 ms per item.
#
#  SCANNED_EVERY=K makes the batch mixed (issue 17): every K-th row is one
#  of the corpus's scanned documents of at most 3 pages, OCR'd (seconds
#  against the text rows' tens of milliseconds), so the two workers' ratio
#  also shows how well the long rows are shared out; the single process
#  reads the same rows.
#
# Usage: bench/batch.sh [N]
# Environment: DOCTAG_BUILD_DIR (default build), DOCTAG_TEST_REDIS_URL (else a
#   temporary redis-server), DOCTAG_TEST_POSTGRES_URL (optional), CORPUS,
#   ROUNDS, SCANNED_EVERY.
# Each worker and the single process get one core's worth of work
# (DOCTAG_THREADS=1, one document at a time); the machine needs 2 free cores
# for the ratio to mean anything.
# Exit status: 0 goals met, 1 a goal missed, 2 cannot run.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build=${DOCTAG_BUILD_DIR:-$root/build}
n=${1:-1000}
rounds=${ROUNDS:-3}
bin=$build/bin/doctag

cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j2 --target doctag_cli queue_bench >/dev/null

corpus=${CORPUS:-}
if [ -z "$corpus" ]; then
  for c in "$root/../shared/corpus" "$build/fixtures"; do
    if [ -f "$c/manifest.json" ]; then corpus=$(cd "$c" && pwd); break; fi
  done
fi
[ -n "$corpus" ] || { echo "batch.sh: no corpus with a manifest.json" >&2; exit 2; }

work=$(mktemp -d /tmp/doctag-bench-batch.XXXXXX)
redis_pid=""
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
unset OPENROUTER_API_KEY DOCTAG_LLM_BASE_URL DOCTAG_DATABASE_URL DOCTAG_REDIS_URL DOCTAG_BLOB_URL
export OMP_THREAD_LIMIT=1 DOCTAG_THREADS=1 DOCTAG_ALLOWED_ROOTS=$corpus

# The corpus's small documents of one kind ("text" or "scanned").
small_docs() {
  /usr/bin/python3 - "$corpus/manifest.json" "$1" <<'PY'
import json, sys
for d in json.load(open(sys.argv[1])):
    if d.get("kind") == sys.argv[2] and d.get("expect") == "ok" and d.get("pages") and d["pages"] <= 3 \
            and not d.get("benchmark"):
        print(d["path"])
PY
}
mapfile -t docs < <(small_docs text)
[ ${#docs[@]} -gt 0 ] || { echo "batch.sh: no small text document in $corpus" >&2; exit 2; }
every=${SCANNED_EVERY:-0}
scans=()
if [ "$every" -gt 0 ]; then
  mapfile -t scans < <(small_docs scanned)
  [ ${#scans[@]} -gt 0 ] || { echo "batch.sh: no small scanned document in $corpus" >&2; exit 2; }
  echo "mixed batch: every ${every}th row is scanned (${#scans[@]} scans, ${#docs[@]} text documents)"
fi

now() { date +%s.%N; }
# The N rows: the text documents in turn, every K-th row a scan.
rows=()
for ((i = 0; i < n; i++)); do
  if [ "$every" -gt 0 ] && (( i % every == every - 1 )); then
    rows+=("$corpus/${scans[(i / every) % ${#scans[@]}]}")
  else
    rows+=("$corpus/${docs[i % ${#docs[@]}]}")
  fi
done
csv=$work/batch.csv
{
  echo "title,file_source_type,file_path"
  for ((i = 0; i < n; i++)); do echo "doc $i,local,${rows[i]}"; done
} > "$csv"

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# 1a. For information: one process, documents one after another, no queue
# and no history (half of N, at least 50).
m=$(( n / 2 < 50 ? 50 : n / 2 ))
files=()
for ((i = 0; i < m; i++)); do files+=("${rows[i % n]}"); done
export DOCTAG_DATA_DIR=$work/single
"$bin" process --model local "${files[0]}" >/dev/null   # warm-up
t0=$(now)
/usr/bin/time -f "%U %S" -o "$work/single.cpu" "$bin" process --model local "${files[@]}" >/dev/null
t1=$(now)
single=$(echo "$m / ($t1 - $t0)" | bc -l)
single_cpu=$(awk -v m="$m" '{printf "%.3f", ($1 + $2) * 1000 / m}' "$work/single.cpu")
printf 'doctag process (no queue, no history): %d documents in %.2f s = %.1f docs/s (%.2f ms CPU per document)\n' \
  "$m" "$(echo "$t1 - $t0" | bc -l)" "$single" "$single_cpu"

status=0
# 1b. K worker processes on one job of N rows, in a fresh data directory;
# prints "docs_per_second cpu_ms_per_document".
workers_rate() {
  local k=$1 redis_url=$2 dir id t0 t1 ticks st
  dir=$(mktemp -d "$work/run.XXXXXX")
  export DOCTAG_DATA_DIR=$dir
  if [ -n "$redis_url" ]; then
    export DOCTAG_REDIS_URL=$redis_url
    redis-cli -u "$redis_url" flushdb >/dev/null
  else
    unset DOCTAG_REDIS_URL
  fi
  id=$("$bin" batch submit "$csv" --model local)
  local ws=()
  t0=$(now)
  for ((j = 0; j < k; j++)); do "$bin" worker --threads 1 & ws+=($!); done
  pids=("${ws[@]}")
  "$bin" batch watch "$id" >/dev/null 2>"$work/watch.err" || true
  t1=$(now)
  # CPU time of the workers (utime + stime, in clock ticks)
  ticks=0
  for p in "${ws[@]}"; do ticks=$((ticks + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done
  kill -TERM "${ws[@]}"
  wait "${ws[@]}" || true
  pids=()
  st=$("$bin" batch status "$id")
  if ! echo "$st" | grep -q "\"processed_count\":$n"; then
    echo "batch.sh: $k worker(s): not every document succeeded: $st" >&2
    exit 2
  fi
  unset DOCTAG_REDIS_URL
  rm -rf "$dir"
  awk -v n="$n" -v a="$t0" -v b="$t1" -v t="$ticks" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "%.2f %.3f\n", n / (b - a), t / hz * 1000 / n }'
}

run_batch() {
  local label=$1 redis_url=$2 r
  : >"$work/one"
  : >"$work/two"
  for ((r = 0; r < rounds; r++)); do
    workers_rate 1 "$redis_url" >>"$work/one"
    workers_rate 2 "$redis_url" >>"$work/two"
  done
  local one two cpu ratio
  one=$(awk '{print $1}' "$work/one" | median)
  two=$(awk '{print $1}' "$work/two" | median)
  cpu=$(awk '{print $2}' "$work/two" | median)
  ratio=$(echo "$two / (2 * $one)" | bc -l)
  printf '%s: %d documents: 1 worker %.1f docs/s, 2 workers %.1f docs/s (medians of %d); ratio to 2 x one = %.2f (goal >= 0.9)\n' \
    "$label" "$n" "$one" "$two" "$rounds" "$ratio"
  printf '%s:   for information: 2 workers vs 2 x doctag process = %.2f; workers %.2f ms CPU per document vs %.2f (queue, events, history + FTS: +%.2f ms)\n' \
    "$label" "$(echo "$two / (2 * $single)" | bc -l)" "$cpu" "$single_cpu" "$(echo "$cpu - $single_cpu" | bc -l)"
  if (( $(echo "$ratio < 0.9" | bc -l) )); then status=1; fi
}

run_batch local ""

redis_url=${DOCTAG_TEST_REDIS_URL:-}
if [ -z "$redis_url" ] && command -v redis-server >/dev/null; then
  port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  mkdir -p "$work/redis"
  redis-server --bind 127.0.0.1 --port "$port" --dir "$work/redis" --appendonly yes --save "" \
    --daemonize no --logfile "$work/redis/log" & redis_pid=$!
  for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  redis_url=redis://127.0.0.1:$port
fi
if [ -n "$redis_url" ]; then
  redis-cli -u "$redis_url/15" flushdb >/dev/null
  run_batch redis "$redis_url/15"
  redis-cli -u "$redis_url/15" flushdb >/dev/null
fi

# 2. The queue's own cost per item.
args=()
[ -n "${DOCTAG_TEST_POSTGRES_URL:-}" ] && args+=(--postgres "$DOCTAG_TEST_POSTGRES_URL")
[ -n "$redis_url" ] && args+=(--redis "$redis_url/15")
"$build/bench/queue_bench" "$n" "${args[@]}" | tee "$work/queue.txt"
while read -r label _ per _; do
  ms=${per#claim_finish_ms_per_item=}
  if (( $(echo "$ms > 2.0" | bc -l) )); then
    echo "queue overhead $label: $ms ms per item (goal <= 2 ms)"
    status=1
  fi
done < "$work/queue.txt"
[ -n "$redis_url" ] && redis-cli -u "$redis_url/15" flushdb >/dev/null
exit $status
