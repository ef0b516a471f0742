#!/bin/bash
# Extraction against the tools users run today (issue 2), measured in turn in
# one run and printed as ratios of wall-clock times (and for text, of CPU
# time: user + system, which a loaded machine disturbs less):
#
#   text  `doctag extract` vs `pdftotext` on text/big_en_200p.pdf
#         goals: time ratio <= 0.6, CPU ratio <= 1 (issue 17), doctag's
#         peak RSS <= 64 MiB
#   ocr   `doctag extract --ocr force` vs `ocrmypdf -j 2 --force-ocr --sidecar`
#         on scanned/bench_en_20p.pdf; goals: ratio <= 0.7, CER <= 0.5%
#   instr `doctag extract --ocr off` vs `pdftotext`, instructions counted by
#         valgrind's callgrind (one run each: the count does not depend on
#         the machine's load), on text/big_en_200p.pdf (goal: ratio <= 1,
#         issue 17) and on the two-page text/en_recipe.pdf (start-up;
#         printed, no goal). Not part of `all`.
#
# Each pair runs once to warm up, then RUNS (text) or OCR_RUNS (ocr) times,
# alternating; medians are compared. Both outputs are checked against the
# truth (CER and word error), so a fast wrong answer does not pass.
#
# Usage: bench/extract.sh [text|ocr|all|instr] [CORPUS_DIR]
#   CORPUS_DIR   default ../shared/corpus (it has the benchmark files)
# Environment: DOCTAG_BIN (default build/bin/doctag), RUNS (default 9),
#   OCR_RUNS (default 3).
# Exit status: 0 goals met, 1 a goal missed, 2 cannot run.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin=${DOCTAG_BIN:-$root/build/bin/doctag}
what=${1:-all}
corpus=${2:-$root/../shared/corpus}
runs=${RUNS:-9}
ocr_runs=${OCR_RUNS:-3}
text_pdf=$corpus/text/big_en_200p.pdf
scan_pdf=$corpus/scanned/bench_en_20p.pdf

die() { echo "extract.sh: $*" >&2; exit 2; }
[ -x "$bin" ] || die "no $bin (build first)"
[ -f "$text_pdf" ] && [ -f "$scan_pdf" ] || die "no benchmark files in $corpus (text/big_en_200p.pdf, scanned/bench_en_20p.pdf)"
case $what in text|ocr|all|instr) ;; *) die "usage: extract.sh [text|ocr|all|instr] [CORPUS_DIR]" ;; esac

work=$(mktemp -d /tmp/doctag-bench-extract.XXXXXX)
trap 'rm -rf "$work"' EXIT
export DOCTAG_DATA_DIR=$work/data OMP_THREAD_LIMIT=1
cc -O2 -o "$work/textdiff" "$root/bench/textdiff.c" "$root/tests/unit/textmetrics.c" $(pkg-config --cflags --libs glib-2.0) || die "cannot build textdiff"

# The CPU seconds (user + system) of the shell's waited-for children so far,
# from the `times` output in file $1 (its second line), to the millisecond.
children_cpu() {
  tail -1 "$1" | awk '{ s = 0; for (i = 1; i <= 2; i++) { split($i, a, "m"); s += a[1] * 60 + substr(a[2], 1, length(a[2]) - 1) } printf "%.3f", s }'
}
# Runs "$@" once with stdout to $out; appends "seconds max_rss_kib cpu_seconds" to $log
# (wall clock to the microsecond: /usr/bin/time's %e has 10 ms steps, too
# coarse for a 0.2 s run; CPU to the millisecond from the shell's `times`,
# where /usr/bin/time's %U and %S also print 10 ms steps: 0.20 against
# 0.22 s could not tell 0.91 from 1.0). A failure stops the benchmark: a
# ratio over failed runs means nothing.
timed() {
  local log=$1 out=$2 t0 t1
  shift 2
  times >"$work/cpu0"
  t0=$EPOCHREALTIME
  if ! /usr/bin/time -f "%M" -o "$work/time" "$@" >"$out" 2>"$work/err"; then
    echo "extract.sh: failed: $* : $(head -c 300 "$work/err")" >&2
    exit 2
  fi
  t1=$EPOCHREALTIME
  times >"$work/cpu1"
  echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }') $(cat "$work/time")" \
    "$(awk -v a="$(children_cpu "$work/cpu0")" -v b="$(children_cpu "$work/cpu1")" 'BEGIN { printf "%.3f", b - a }')" >>"$log"
}
# median [COLUMN] LOG: of wall seconds (1, the default) or CPU seconds (3)
median() {
  local col=1
  [ $# -gt 1 ] && { col=$1; shift; }
  awk -v c="$col" '{ print $c }' "$1" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
max_rss_mib() { awk '{ if ($2 > m) m = $2 } END { printf "%.1f", m / 1024 }' "$1"; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; }

status=0
verdict() { # name value goal
  if le "$2" "$3"; then echo "  $1 = $2 <= $3: goal met"; else echo "  $1 = $2 > $3: goal missed"; status=1; fi
}

echo "machine: $(getconf _NPROCESSORS_ONLN) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

if [ "$what" = text ] || [ "$what" = all ]; then
  echo "text: $text_pdf ($(pdfinfo "$text_pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }') pages), $runs runs each"
  : >"$work/d.log"
  : >"$work/p.log"
  timed "$work/warm" "$work/d.txt" "$bin" extract "$text_pdf"
  timed "$work/warm" "$work/p.txt" pdftotext "$text_pdf" -
  for ((i = 0; i < runs; i++)); do
    timed "$work/d.log" "$work/d.txt" "$bin" extract "$text_pdf"
    timed "$work/p.log" "$work/p.txt" pdftotext "$text_pdf" -
  done
  d=$(median "$work/d.log")
  p=$(median "$work/p.log")
  truth=${text_pdf%.pdf}.txt
  printf '  %-32s %8s s  peak %6s MiB  %s\n' "doctag extract" "$d" "$(max_rss_mib "$work/d.log")" \
    "$("$work/textdiff" "$truth" "$work/d.txt")"
  printf '  %-32s %8s s  peak %6s MiB  %s\n' "pdftotext" "$p" "$(max_rss_mib "$work/p.log")" \
    "$("$work/textdiff" "$truth" "$work/p.txt")"
  verdict "text time ratio doctag/pdftotext" "$(awk -v a="$d" -v b="$p" 'BEGIN { printf "%.3f", a / b }')" 0.6
  # the medians of several runs' CPU, compared
  dc=$(median 3 "$work/d.log")
  pc=$(median 3 "$work/p.log")
  echo "  CPU (user + system) median: doctag $dc s, pdftotext $pc s"
  verdict "text CPU ratio doctag/pdftotext" "$(awk -v a="$dc" -v b="$pc" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 99) }')" 1
  verdict "text peak RSS MiB" "$(max_rss_mib "$work/d.log")" 64
fi

if [ "$what" = ocr ] || [ "$what" = all ]; then
  command -v ocrmypdf >/dev/null || die "ocrmypdf is not installed (scripts/install-deps.sh)"
  echo "ocr: $scan_pdf ($(pdfinfo "$scan_pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }') pages), $ocr_runs runs each"
  : >"$work/d.log"
  : >"$work/o.log"
  ocr_doctag() { timed "$1" "$work/d.txt" "$bin" extract --ocr force "$scan_pdf"; }
  ocr_ocrmypdf() {
    rm -f "$work/o.txt"
    timed "$1" /dev/null ocrmypdf -q -j 2 --force-ocr --sidecar "$work/o.txt" "$scan_pdf" "$work/o.pdf"
  }
  ocr_doctag "$work/warm"
  ocr_ocrmypdf "$work/warm"
  for ((i = 0; i < ocr_runs; i++)); do
    ocr_doctag "$work/d.log"
    ocr_ocrmypdf "$work/o.log"
  done
  d=$(median "$work/d.log")
  o=$(median "$work/o.log")
  truth=${scan_pdf%.pdf}.txt
  dd=$("$work/textdiff" "$truth" "$work/d.txt")
  printf '  %-32s %8s s  peak %6s MiB  %s\n' "doctag extract --ocr force" "$d" "$(max_rss_mib "$work/d.log")" "$dd"
  printf '  %-32s %8s s  peak %6s MiB  %s\n' "ocrmypdf -j 2 --sidecar" "$o" "$(max_rss_mib "$work/o.log")" \
    "$("$work/textdiff" "$truth" "$work/o.txt")"
  verdict "ocr time ratio doctag/ocrmypdf" "$(awk -v a="$d" -v b="$o" 'BEGIN { printf "%.3f", a / b }')" 0.7
  verdict "ocr CER %" "$(echo "$dd" | sed 's/.*cer=\([0-9.]*\).*/\1/' | awk '{ printf "%.3f", 100 * $1 }')" 0.5
fi
if [ "$what" = instr ]; then
  command -v valgrind >/dev/null || die "instr needs valgrind"
  # instructions of "$@" (stdout to $work/i.txt), in millions
  instructions() {
    if ! DOCTAG_TIMEOUT_SEC=3600 valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" >"$work/i.txt" \
         2>"$work/err"; then
      echo "extract.sh: failed under valgrind: $* : $(tail -c 300 "$work/err")" >&2
      exit 2
    fi
    awk '/Collected :/ { printf "%.1f", $NF / 1e6 }' "$work/err"
  }
  for pdf in "$text_pdf" "$corpus/text/en_recipe.pdf"; do
    [ -f "$pdf" ] || die "no $pdf"
    d=$(instructions "$bin" extract --ocr off "$pdf")
    p=$(instructions pdftotext "$pdf" -)
    ratio=$(awk -v a="$d" -v b="$p" 'BEGIN { printf "%.3f", a / b }')
    echo "instr: $(basename "$pdf") ($(pdfinfo "$pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }') pages): doctag $d M, pdftotext $p M"
    if [ "$pdf" = "$text_pdf" ]; then
      verdict "text instructions ratio doctag/pdftotext" "$ratio" 1
    else
      echo "  ratio $ratio (start-up: no goal)"
    fi
  done
fi
exit $status
