#!/bin/bash
# Where OCR's time goes, per stage, in CPU seconds (issue 17): wall time means
# little on a shared machine, CPU time does not depend on the other loads
# nearly as much.
#
#   render   the page image (poppler, or the scan's own image)
#   osd      orientation and script (tesseract's OSD)
#   prepare  conversion to grey, turning, deskew, rescaling
#   read     the first recognition pass
#   again    every further pass (turn check, another language, local
#            binarisation)
#
# Then the process CPU (user + system) of `doctag extract --ocr force`,
# of `ocrmypdf -j 2 --force-ocr --sidecar` and of the tesseract CLI, page by
# page, on the same file, and the ratios; with the CER of each against the
# truth, so a cheaper wrong answer does not pass.
#
# Usage: bench/ocr_stages.sh [PDF]   (default ../shared/corpus/scanned/bench_en_20p.pdf,
#   truth beside it as .txt). Environment: DOCTAG_BIN (default build/bin/doctag),
#   NO_OCRMYPDF=1 to skip OCRmyPDF, NO_CLI=1 to skip the tesseract CLI.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin=${DOCTAG_BIN:-$root/build/bin/doctag}
pdf=${1:-$root/../shared/corpus/scanned/bench_en_20p.pdf}
truth=${pdf%.pdf}.txt
die() { echo "ocr_stages.sh: $*" >&2; exit 2; }
[ -x "$bin" ] || die "no $bin (build first)"
[ -f "$pdf" ] || die "no $pdf"

work=$(mktemp -d /tmp/doctag-bench-ocr.XXXXXX)
trap 'rm -rf "$work"' EXIT
# CPU is measured, not wall time: a busy machine must not hit the time limit
export DOCTAG_DATA_DIR=$work/data OMP_THREAD_LIMIT=1 DOCTAG_TIMEOUT_SEC=${DOCTAG_TIMEOUT_SEC:-3600}
cc -O2 -o "$work/textdiff" "$root/bench/textdiff.c" "$root/tests/unit/textmetrics.c" $(pkg-config --cflags --libs glib-2.0) || die "cannot build textdiff"
cer() { if [ -f "$truth" ]; then "$work/textdiff" "$truth" "$1"; else echo "no truth"; fi; }
cpu() { awk '{ printf "%.2f", $1 + $2 }' "$work/time"; }

echo "machine: $(getconf _NPROCESSORS_ONLN) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "file: $pdf ($(pdfinfo "$pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }') pages)"

echo "  doctag extract --ocr force running..."
G_MESSAGES_DEBUG=doctag /usr/bin/time -f "%U %S" -o "$work/time" "$bin" extract --ocr force "$pdf" >"$work/d.txt" 2>"$work/log" ||
  die "doctag failed: $(grep -v DEBUG "$work/log" | head -c 300)"
d_cpu=$(cpu)
# "page N: ... page image 0.035s (native, 200 PPI), OCR 2.943s (CPU): osd 0.000s, prepare ..., read ..., again ..."
awk '
  /doctag-DEBUG.*page [0-9]+: .* OCR [0-9.]+s \(CPU\): osd/ {
    for (i = 1; i <= NF; i++) {
      v = $(i + 1); sub(/s,?$/, "", v)
      if ($i == "image") render += v
      else if ($i == "osd") osd += v
      else if ($i == "prepare") prepare += v
      else if ($i == "read") read += v
      else if ($i == "again") again += v
    }
    if (/osd 0.000s/) skipped++
    pages++
  }
  END {
    if (!pages) { print "  no per-page profile in the debug log"; exit 1 }
    total = render + osd + prepare + read + again
    printf "  doctag per stage, CPU s over %d pages (OSD ran on %d):\n", pages, pages - skipped
    printf "    %-8s %8.2f  %5.1f%%\n", "render", render, 100 * render / total
    printf "    %-8s %8.2f  %5.1f%%\n", "osd", osd, 100 * osd / total
    printf "    %-8s %8.2f  %5.1f%%\n", "prepare", prepare, 100 * prepare / total
    printf "    %-8s %8.2f  %5.1f%%\n", "read", read, 100 * read / total
    printf "    %-8s %8.2f  %5.1f%%\n", "again", again, 100 * again / total
    printf "    %-8s %8.2f  (not recognition: %.1f%%)\n", "sum", total, 100 * (render + osd + prepare) / total
  }' "$work/log"
printf '  %-34s CPU %7s s  %s\n' "doctag extract --ocr force" "$d_cpu" "$(cer "$work/d.txt")"

if [ -z "${NO_OCRMYPDF:-}" ] && command -v ocrmypdf >/dev/null; then
  echo "  ocrmypdf -j 2 running..."
  /usr/bin/time -f "%U %S" -o "$work/time" ocrmypdf -q -j 2 --force-ocr --sidecar "$work/o.txt" "$pdf" "$work/o.pdf" ||
    die "ocrmypdf failed"
  o_cpu=$(cpu)
  printf '  %-34s CPU %7s s  %s\n' "ocrmypdf -j 2 --sidecar" "$o_cpu" "$(cer "$work/o.txt")"
  echo "  CPU ratio doctag/ocrmypdf = $(awk -v a="$d_cpu" -v b="$o_cpu" 'BEGIN { printf "%.3f", a / b }')"
fi
if [ -z "${NO_CLI:-}" ] && command -v tesseract >/dev/null; then
  # the scan's own images, at their own resolution, as a user would run the CLI
  pdfimages -png "$pdf" "$work/pg"
  : >"$work/c.txt"
  c_cpu=0
  for f in "$work"/pg-*.png; do
    ppi=$(pdfimages -list "$pdf" | awk -v n="$(basename "$f" .png | sed 's/pg-0*//')" 'NR == n + 3 { print $13 }')
    /usr/bin/time -f "%U %S" -o "$work/time" tesseract "$f" - --dpi "${ppi:-300}" >>"$work/c.txt" 2>/dev/null
    printf '\f' >>"$work/c.txt"
    c_cpu=$(awk -v a="$c_cpu" -v b="$(cpu)" 'BEGIN { printf "%.2f", a + b }')
    # as measured: the whole CLI run takes minutes on a loaded machine
    printf '    tesseract CLI %-20s CPU %7s s (%s so far)\n' "$(basename "$f")" "$(cpu)" "$c_cpu"
  done
  printf '  %-34s CPU %7s s  %s\n' "tesseract CLI, page by page" "$c_cpu" "$(cer "$work/c.txt")"
  echo "  CPU ratio doctag/tesseract CLI = $(awk -v a="$d_cpu" -v b="$c_cpu" 'BEGIN { printf "%.3f", a / b }')"
fi
