#!/bin/bash
# Devanagari against the outside references (issue 13): for each Hindi (and
# Hindi-English) file of the corpora, the character and word error against
# its truth of
#
#   doctag     `doctag extract` as a user runs it (text layer, or OCR in the
#              page's own script when the page has none or a damaged one:
#              the fixtures' kind "text_damaged")
#   pdftotext  poppler's text layer (text files only: a scan has none)
#   tess hin   pdftoppm -r 300 + tesseract -l hin --psm 3, page by page
#   eng+hin    the same with -l eng+hin (what tesseract's users are told to
#              run for Hindi with English words and Latin digits)
#
# and the totals over the text files and over the scans (character errors
# over characters). It prints figures; it asserts nothing
# (extract_test asserts doctag's OCR CER <= the CLI's on every scan).
#
# Usage: bench/devanagari.sh [DIR...]   (default ../shared/corpus and the
#   build's generated fixtures build/fixtures); the files whose manifest
#   "lang" names hin, mar, nep or san.
#   Environment: DOCTAG_BIN (default build/bin/doctag), NO_CLI=1 to skip the
#   tesseract CLI (the slowest part).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin=${DOCTAG_BIN:-$root/build/bin/doctag}
die() { echo "devanagari.sh: $*" >&2; exit 2; }
[ -x "$bin" ] || die "no $bin (build first)"
dirs=("$@")
if [ ${#dirs[@]} -eq 0 ]; then
  for d in "$root/../shared/corpus" "$root/build/fixtures"; do [ -f "$d/manifest.json" ] && dirs+=("$d"); done
fi
[ ${#dirs[@]} -gt 0 ] || die "no corpus (give a directory with manifest.json)"

work=$(mktemp -d /tmp/doctag-bench-deva.XXXXXX)
trap 'rm -rf "$work"' EXIT
export DOCTAG_DATA_DIR=$work/data OMP_THREAD_LIMIT=1 DOCTAG_TIMEOUT_SEC=${DOCTAG_TIMEOUT_SEC:-3600}
cc -O2 -o "$work/textdiff" "$root/bench/textdiff.c" "$root/tests/unit/textmetrics.c" $(pkg-config --cflags --libs glib-2.0) ||
  die "cannot build textdiff"

# character errors and characters of GOT against TRUTH: "errors chars cer words"
measure() {
  local r
  r=$("$work/textdiff" "$1" "$2")
  local cer=${r#cer=}; cer=${cer%% *}
  local we=${r##*words=}
  local chars
  chars=$(/usr/bin/python3 -c 'import re,sys; print(len(re.sub(r"\s+", " ", open(sys.argv[1]).read()).strip()))' "$1")
  awk -v c="$cer" -v n="$chars" -v w="$we" 'BEGIN { printf "%.1f %d %.5f %.5f", c * n, n, c, w }'
}

cli() { # PDF LANG OUT
  local pre=$work/p
  rm -f "$pre"-*.pgm
  pdftoppm -r 300 -gray "$1" "$pre"
  : >"$3"
  local first=1
  for f in "$pre"-*.pgm; do
    [ $first = 1 ] || printf '\f' >>"$3"
    first=0
    tesseract "$f" - --psm 3 -l "$2" >>"$3" 2>/dev/null
  done
}

declare -A err chars
# KEY TRUTH GOT: CELL becomes "cer% words%", and the errors count into KEY's total
cell() {
  local m e n c w
  m=$(measure "$2" "$3")
  read -r e n c w <<<"$m"
  err[$1]=$(awk -v a="${err[$1]:-0}" -v b="$e" 'BEGIN { print a + b }')
  chars[$1]=$(( ${chars[$1]:-0} + n ))
  CELL=$(awk -v c="$c" -v w="$w" 'BEGIN { printf "%6.2f%% %6.2f%%", 100 * c, 100 * w }')
}

echo "machine: $(getconf _NPROCESSORS_ONLN) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-46s %-15s  %-15s  %-15s  %-15s\n' "file (CER, word error)" doctag pdftotext "tess -l hin" "tess eng+hin"
for d in "${dirs[@]}"; do
  /usr/bin/python3 - "$d/manifest.json" >"$work/list" <<'EOF2'
import json, sys
for e in json.load(open(sys.argv[1])):
    langs = (e.get("lang") or "").split("+")
    if e.get("kind") in ("text", "text_damaged", "scanned") and e.get("truth") and set(langs) & {"hin", "mar", "nep", "san"}:
        print(e["kind"], e["path"], e["truth"])
EOF2
  while read -r kind rel truth; do
    pdf=$d/$rel
    t=$d/$truth
    "$bin" extract "$pdf" >"$work/d.txt" 2>/dev/null || : >"$work/d.txt"
    cell "doctag_$kind" "$t" "$work/d.txt"
    row=$(printf '%-46s %s' "$(basename "$d")/$rel" "$CELL")
    if [ "$kind" != scanned ]; then
      pdftotext -enc UTF-8 "$pdf" "$work/p.txt" 2>/dev/null || : >"$work/p.txt"
      cell "pdftotext${kind#text}" "$t" "$work/p.txt"
      row+="  $CELL"
    else
      row+="  $(printf '%-15s' '(scan)')"
    fi
    if [ -z "${NO_CLI:-}" ]; then
      cli "$pdf" hin "$work/h.txt"
      cell "hin_$kind" "$t" "$work/h.txt"
      row+="  $CELL"
      cli "$pdf" eng+hin "$work/eh.txt"
      cell "enghin_$kind" "$t" "$work/eh.txt"
      row+="  $CELL"
    fi
    echo "$row"
  done <"$work/list"
done
total() {
  [ -n "${chars[$1]:-}" ] || return 0
  awk -v e="${err[$1]}" -v n="${chars[$1]}" -v k="$2" \
    'BEGIN { printf "  %-26s CER %6.2f%%  (%.0f errors in %d characters)\n", k, 100 * e / n, e, n }'
}
echo "totals, text-layer files:"
total doctag_text doctag
total pdftotext pdftotext
total hin_text "tesseract -l hin (300 DPI)"
total enghin_text "tesseract -l eng+hin"
if [ -n "${chars[doctag_text_damaged]:-}" ]; then
  echo "totals, damaged text layers (the fixtures' pages drawn as glyphs without their text):"
  total doctag_text_damaged doctag
  total pdftotext_damaged pdftotext
  total hin_text_damaged "tesseract -l hin (300 DPI)"
  total enghin_text_damaged "tesseract -l eng+hin"
fi
echo "totals, scans:"
total doctag_scanned doctag
total hin_scanned "tesseract -l hin (300 DPI)"
total enghin_scanned "tesseract -l eng+hin"
