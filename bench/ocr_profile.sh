#!/bin/bash
# Where tesseract's "read" stage goes, by instruction counts (issue 17).
# bench/ocr_stages.sh says read is ~94% of doctag's OCR CPU; this splits it.
# Callgrind counts instructions, so the shares do not depend on the load of
# the machine (CPU time on a loaded machine varies by several percent).
#
# One page of the PDF is rendered grey at PPI (default 152, the resolution
# doctag reads the 20-page benchmark's 200 PPI English pages at: letters
# about 16 px, see LATIN_TEXT_PX in libdoctag/extract/ocr.c) and read by the
# tesseract CLI under callgrind, once with tesseract's defaults and once
# per extra set of -c switches given after the options (each argument one
# set, switches separated by spaces). Prints, for each run, the share of
# every part of the read and the instruction ratio against the defaults.
#
#   layout      TessBaseAPI::FindLines: thresholding, page segmentation,
#               line and word finding (textord)
#   lines       the line images: cropping (GetRectImage, which includes
#               the PNG encoding tesseract's ImageData makes of each line,
#               ImageData::SetPix), then decoding that PNG and scaling to
#               the network's input height (PrepareLSTMInputs)
#   network     the LSTM network's forward pass (Series::Forward)
#   decode      the beam search with the dictionary (RecodeBeamSearch::Decode)
#   init        loading the model (doctag does it once per thread, the CLI
#               once per page)
#
# Usage: bench/ocr_profile.sh [-p PAGE] [-r PPI] [PDF] ["-c a=1 -c b=0" ...]
# Slow: a page takes a few minutes under valgrind.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
page=1 ppi=152
while getopts "p:r:" o; do
  case $o in
    p) page=$OPTARG ;;
    r) ppi=$OPTARG ;;
    *) echo "usage: $0 [-p PAGE] [-r PPI] [PDF] [SWITCHES...]" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
pdf=${1:-$root/../shared/corpus/scanned/bench_en_20p.pdf}
[ $# -gt 0 ] && shift
die() { echo "ocr_profile.sh: $*" >&2; exit 2; }
[ -f "$pdf" ] || die "no $pdf"
for t in valgrind callgrind_annotate pdftoppm tesseract; do
  command -v $t >/dev/null || die "needs $t"
done

work=$(mktemp -d /tmp/doctag-ocr-profile.XXXXXX)
trap 'rm -rf "$work"' EXIT
export OMP_THREAD_LIMIT=1
pdftoppm -gray -r "$ppi" -f "$page" -l "$page" -png "$pdf" "$work/pg"
img=$(ls "$work"/pg*.png | head -1)
echo "file: $pdf, page $page at $ppi PPI; load $(cut -d' ' -f1-3 /proc/loadavg)"

# inclusive instructions of the first function whose name starts with $2
incl() {
  awk -v f="$2" '
    { line = $0; sub(/^ +/, "", line); n = line; sub(/ .*/, "", n); gsub(",", "", n)
      name = line; sub(/^[^ ]+ +(\([^)]*\) +)?/, "", name); sub(/^[^:]*:/, "", name)
      if (index(name, f) == 1) { print n; exit } }' "$1"
}

base=
run() {
  local label=$1 out=$work/cg.$RANDOM
  shift
  # shellcheck disable=SC2086 # the switches are words
  valgrind --tool=callgrind --callgrind-out-file="$out" tesseract "$img" "$work/txt" --dpi "$ppi" $@ >/dev/null 2>&1 ||
    die "tesseract failed under valgrind"
  callgrind_annotate --inclusive=yes --threshold=100 "$out" >"$out.txt" 2>/dev/null
  local total rec layout crop png prep net dec init
  total=$(awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1; exit }' "$out.txt")
  rec=$(incl "$out.txt" "tesseract::TessBaseAPI::Recognize(")
  layout=$(incl "$out.txt" "tesseract::TessBaseAPI::FindLines(")
  crop=$(incl "$out.txt" "tesseract::Tesseract::GetRectImage(")
  png=$(incl "$out.txt" "tesseract::ImageData::SetPix(")
  prep=$(incl "$out.txt" "tesseract::Input::PrepareLSTMInputs(")
  net=$(incl "$out.txt" "tesseract::Series::Forward(bool")
  dec=$(incl "$out.txt" "tesseract::RecodeBeamSearch::Decode(")
  init=$(incl "$out.txt" "tesseract::TessBaseAPI::Init(char const*, char const*")
  [ -n "$total" ] && [ -n "$rec" ] || die "no profile for $label"
  [ -n "$base" ] || base=$total
  awk -v l="$label" -v t="$total" -v r="$rec" -v lay="${layout:-0}" -v c="${crop:-0}" -v p="${png:-0}" \
      -v pr="${prep:-0}" -v n="${net:-0}" -v d="${dec:-0}" -v i="${init:-0}" -v b="$base" 'BEGIN {
    printf "%s: %.0f M instructions (%.3f of the defaults), recognition %.0f M\n", l, t / 1e6, t / b, r / 1e6
    printf "  %-8s %6.1f%%\n", "layout", 100 * lay / t
    printf "  %-8s %6.1f%%  (crop %.1f%%, of it PNG encoding %.1f%%; PNG decoding and scaling %.1f%%)\n", "lines",
      100 * (c + pr) / t, 100 * c / t, 100 * p / t, 100 * pr / t
    printf "  %-8s %6.1f%%\n", "network", 100 * n / t
    printf "  %-8s %6.1f%%\n", "decode", 100 * d / t
    printf "  %-8s %6.1f%%\n", "init", 100 * i / t
    printf "  %-8s %6.1f%%\n", "other", 100 * (t - lay - c - pr - n - d - i) / t
  }'
  cp "$work/txt.txt" "$work/text.$label"
}

run defaults
n=0
for s in "$@"; do
  n=$((n + 1))
  run "switches $n ($s)" "$s"
  if cmp -s "$work/text.defaults" "$work/text.switches $n ($s)"; then
    echo "  text: the same as with the defaults"
  else
    echo "  text: differs from the defaults:"
    diff "$work/text.defaults" "$work/text.switches $n ($s)" | head -10 | sed 's/^/    /'
  fi
done
