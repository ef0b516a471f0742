#!/bin/bash
# Builds the libFuzzer target in build-fuzz/ (clang, ASan + UBSan) and fuzzes
# the buffer entry points for a while, seeded with the corpus PDFs (copied to
# a temporary directory; ../shared/corpus when it exists, else the generated
# fixtures).
#   tests/fuzz/run.sh [SECONDS]        default 60 (or $DOCTAG_FUZZ_SECONDS)
# Then the server's multipart parser and JSON body handling (fuzz_multipart,
# fuzz_json_body) and the cost check's JBIG2 symbol dictionary decoder
# (fuzz_jbig2), $DOCTAG_FUZZ_SERVER_SECONDS each (default a quarter of
# SECONDS), seeded from tests/fuzz/seeds/.
# Exit status 0 when nothing was found. A crashing input is kept in
# build-fuzz/fuzz-artifacts/; replay it with build-fuzz/bin/fuzz_buffer FILE.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
secs=${1:-${DOCTAG_FUZZ_SECONDS:-60}}
build=${DOCTAG_FUZZ_BUILD_DIR:-$root/build-fuzz}
jobs=${DOCTAG_BUILD_JOBS:-2}

CC=clang CXX=clang++ cmake -S . -B "$build" -DDOCTAG_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$jobs" --target fuzz_buffer fuzz_multipart fuzz_json_body fuzz_jbig2 mkfixtures >/dev/null

corpus=$root/../shared/corpus
if [ ! -f "$corpus/manifest.json" ]; then
  "$build/tests/fixtures/mkfixtures" "$build/fixtures"
  corpus=$build/fixtures
fi

work=$(mktemp -d /tmp/doctag-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/seeds" "$work/found" "$build/fuzz-artifacts"
# Every PDF up to 1 MB (the 200-page and 20-page benchmarks would only slow
# each run down); text/ and scanned/ share names, so the folder prefixes them.
n=0
while IFS= read -r -d '' f; do
  cp "$f" "$work/seeds/$(basename "$(dirname "$f")")_$(basename "$f")"
  n=$((n + 1))
done < <(find "$corpus" -name '*.pdf' -size -1025k -print0)
# Inputs that once crashed a target run first, every time (tests/fuzz/regress).
for f in tests/fuzz/regress/*.pdf; do
  cp "$f" "$work/seeds/regress_$(basename "$f")"
  n=$((n + 1))
done
echo "fuzz_buffer: $n seeds from $corpus, ${secs}s"

status=0
# detect_leaks: a leak per input is a bug like any other; tests/lsan.supp
# names the system libraries' load-once state (fontconfig), nothing of ours.
export LSAN_OPTIONS=suppressions=$root/tests/lsan.supp
OMP_THREAD_LIMIT=1 \
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:symbolize=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  "$build/bin/fuzz_buffer" -max_total_time="$secs" -timeout=60 -rss_limit_mb=4096 \
    -print_final_stats=1 -artifact_prefix="$build/fuzz-artifacts/" \
    "$work/found" "$work/seeds" >"$work/log" 2>&1 || status=$?

if [ "$status" -ne 0 ]; then
  echo "fuzz_buffer FAILED (exit $status); the end of its log:"
  tail -n 80 "$work/log"
  ls -l "$build/fuzz-artifacts" | tail -n 5
  exit "$status"
fi
grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::average_exec_per_sec|stat::new_units_added|stat::peak_rss_mb)' "$work/log" || true
echo "fuzz_buffer: no crash, leak or undefined behaviour in ${secs}s"

server_secs=${DOCTAG_FUZZ_SERVER_SECONDS:-$(( secs / 4 > 5 ? secs / 4 : 5 ))}
for target in multipart json_body jbig2; do
  mkdir -p "$work/found_$target"
  status=0
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:symbolize=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$build/bin/fuzz_$target" -max_total_time="$server_secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
      -print_final_stats=1 -artifact_prefix="$build/fuzz-artifacts/${target}-" \
      "$work/found_$target" "$root/tests/fuzz/seeds/$target" >"$work/log_$target" 2>&1 || status=$?
  if [ "$status" -ne 0 ]; then
    echo "fuzz_$target FAILED (exit $status); the end of its log:"
    tail -n 80 "$work/log_$target"
    exit "$status"
  fi
  grep -E '^stat::(number_of_executed_units|new_units_added)' "$work/log_$target" || true
  echo "fuzz_$target: no crash, leak or undefined behaviour in ${server_secs}s"
done
