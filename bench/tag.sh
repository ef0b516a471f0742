#!/bin/bash
# What the built-in tagger adds to extraction: `doctag process --model local`
# against `doctag extract` on the corpus's text documents, as a ratio of
# wall-clock times. Goal (issue 3): tagging adds at most 10% (ratio <= 1.10).
#
# Only documents of at most NUM_PAGES pages are timed, so that both commands
# read the same pages (process reads the first NUM_PAGES pages, extract all).
# Each command runs RUNS times per document, alternating, after one warm-up
# run; the median of each is kept and the medians are summed.
#
# Usage: bench/tag.sh [CORPUS_DIR]
#   CORPUS_DIR   default ../shared/corpus, else build/fixtures
# Environment: DOCTAG_BIN (default build/bin/doctag), RUNS (default 9),
#   NUM_PAGES (default 3), GOAL (default 1.10), MEASURE (default time;
#   "callgrind": instructions counted by valgrind's callgrind, one run per
#   command, the figure to use on a shared or busy machine; valgrind runs
#   no SHA-NI instructions, so process's SHA-256 of the PDF is counted on
#   the portable path, about ten times its cost on a CPU with them: 1.6 M
#   instructions of a 40 kB document, 0.03 a page-sized ratio point).
# Exit status: 0 goal met, 1 goal missed, 2 cannot run.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin=${DOCTAG_BIN:-$root/build/bin/doctag}
runs=${RUNS:-9}
pages=${NUM_PAGES:-3}
goal=${GOAL:-1.10}
corpus=${1:-}
if [ -z "$corpus" ]; then
  for c in "$root/../shared/corpus" "$root/build/fixtures"; do
    if [ -f "$c/manifest.json" ]; then corpus=$(cd "$c" && pwd); break; fi
  done
fi
if [ ! -x "$bin" ]; then echo "tag.sh: no $bin (build first)" >&2; exit 2; fi
if [ -z "$corpus" ] || [ ! -f "$corpus/manifest.json" ]; then
  echo "tag.sh: no corpus with a manifest.json" >&2; exit 2
fi

# No LLM key or endpoint, a private data directory: nothing but the work timed.
work=$(mktemp -d /tmp/doctag-bench-tag.XXXXXX)
trap 'rm -rf "$work"' EXIT
unset OPENROUTER_API_KEY DOCTAG_LLM_API_KEY DOCTAG_LLM_BASE_URL
export DOCTAG_DATA_DIR=$work/data OMP_THREAD_LIMIT=1

mapfile -t docs < <(/usr/bin/python3 - "$corpus/manifest.json" "$pages" <<'PY'
import json, sys
pages = int(sys.argv[2])
for d in json.load(open(sys.argv[1])):
    if d.get("kind") == "text" and d.get("expect") == "ok" and d.get("pages") and d["pages"] <= pages:
        print(d["path"])
PY
)
if [ ${#docs[@]} -eq 0 ]; then echo "tag.sh: no text document of at most $pages pages" >&2; exit 2; fi

measure=${MEASURE:-time}
case "$measure" in
  time) ;;
  callgrind)
    command -v valgrind >/dev/null || { echo "tag.sh: MEASURE=callgrind needs valgrind" >&2; exit 2; }
    runs=1 ;;
  *) echo "tag.sh: MEASURE is time or callgrind, not $measure" >&2; exit 2 ;;
esac

now() { date +%s%N; }
# Runs "$@" once, output discarded; prints the elapsed nanoseconds. A failure
# stops the benchmark: a ratio over failed runs means nothing.
timed() {
  local t0 t1
  if [ "$measure" = callgrind ]; then
    if ! valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" >/dev/null 2>"$work/err"; then
      echo "tag.sh: failed: $* : $(head -c 300 "$work/err")" >&2
      exit 2
    fi
    # "Collected : N" instructions, in the place of nanoseconds: the
    # columns read as millions of instructions
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$work/err"
    return
  fi
  t0=$(now)
  if ! "$@" >/dev/null 2>"$work/err"; then
    echo "tag.sh: failed: $* : $(head -c 300 "$work/err")" >&2
    exit 2
  fi
  t1=$(now)
  echo $((t1 - t0))
}
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

if [ "$measure" = callgrind ]; then unit="Minstr"; else unit="ms"; fi
printf '%-40s %12s %12s %7s\n' document "extract $unit" "process $unit" ratio
total_e=0
total_p=0
for rel in "${docs[@]}"; do
  f=$corpus/$rel
  if [ "$measure" = time ]; then
    timed "$bin" extract "$f" >/dev/null
    timed "$bin" process --model local --num-pages "$pages" "$f" >/dev/null
  fi
  : >"$work/e"
  : >"$work/p"
  for ((i = 0; i < runs; i++)); do
    timed "$bin" extract "$f" >>"$work/e"
    timed "$bin" process --model local --num-pages "$pages" "$f" >>"$work/p"
  done
  e=$(median <"$work/e")
  p=$(median <"$work/p")
  total_e=$(awk -v a="$total_e" -v b="$e" 'BEGIN { printf "%.0f", a + b }')
  total_p=$(awk -v a="$total_p" -v b="$p" 'BEGIN { printf "%.0f", a + b }')
  awk -v n="$rel" -v e="$e" -v p="$p" 'BEGIN { printf "%-40s %12.1f %12.1f %7.3f\n", n, e / 1e6, p / 1e6, p / e }'
done
ratio=$(awk -v e="$total_e" -v p="$total_p" 'BEGIN { printf "%.3f", p / e }')
awk -v e="$total_e" -v p="$total_p" -v r="$ratio" -v n="${#docs[@]}" -v runs="$runs" 'BEGIN {
  printf "%-40s %12.1f %12.1f %7.3f\n", "total (" n " documents, median of " runs ")", e / 1e6, p / 1e6, r }'
if awk -v r="$ratio" -v g="$goal" 'BEGIN { exit !(r <= g) }'; then
  echo "process/extract = $ratio <= $goal: goal met"
else
  echo "process/extract = $ratio > $goal: goal missed"
  exit 1
fi
