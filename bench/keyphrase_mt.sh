#!/bin/bash
# A MACHINE-TRANSLATED keyphrase proxy for Spanish, Portuguese, French and Italian
# (issue 12: "at least YAKE's F1@10" on French and Portuguese news, with no
# such gold data on this machine). An evenly spaced slice of each English
# development set (default 100 documents of kpcrowd-train, English web news,
# sibling of the Portuguese broadcast-news set, and of inspec-dev) is
# translated with Apertium, English -> Spanish (eng-spa), then Spanish ->
# Portuguese (es-pt), Spanish -> French (es-fr) and Spanish -> Italian
# (spa-ita); each gold keyphrase is
# translated on its own, written as the text writes it. The offline tagger
# (`doctag tag --model local --num-tags 10`, its language detected, not
# forced) and bench/yake.py (the tagger's stop list of the language) tag the
# same translated text, scored by ../shared/keyphrase/score.py with Snowball
# stems of the language (Spanish through score.py's own Snowball path).
# Printed: F1@5/F1@10 against all translated gold, and against the gold
# phrases whose translation occurs in the translated text (a phrase
# translated alone often differs from the same words translated in context),
# with how many texts doctag detected as their language. These are a proxy:
# translation artefacts (English words left over, word-for-word order) are
# in both text and gold; they are not the published sets' figures.
#
# Translations are cached under build/keyphrase-mt (never in git), kept
# while the Apertium packages' versions stay. The packages are installed
# here when missing (bench only: not a build or CI dependency).
#
# Usage: bench/keyphrase_mt.sh [--limit N] [--out DIR] [SET...]
#   SET      kpcrowd-train inspec-dev (default; any set of ../shared/keyphrase)
#   --limit  documents per set, evenly spaced over the sorted ids (default 100; 0: all)
#   --out    per-document tables (<set>.<lang>.tsv: F1@10 of each, both
#            taggers' tags, the gold present) there (default: build/keyphrase-mt/out)
# Environment: DOCTAG_BIN (default build/bin/doctag), KEYPHRASE_DIR (default
#   ../shared/keyphrase).
# Exit status: 0 scored, 2 cannot run.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin=${DOCTAG_BIN:-$root/build/bin/doctag}
kp=${KEYPHRASE_DIR:-$root/../shared/keyphrase}
cache=$root/build/keyphrase-mt
limit=100
out=$cache/out
sets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --limit) limit=${2:?--limit needs a number}; shift 2 ;;
    --out) out=${2:?--out needs a directory}; shift 2 ;;
    -h|--help) sed -n '2,33p' "$0"; exit 0 ;;
    -*) echo "keyphrase_mt.sh: unknown option $1" >&2; exit 2 ;;
    *) sets+=("$1"); shift ;;
  esac
done
[ ${#sets[@]} -gt 0 ] || sets=(kpcrowd-train inspec-dev)
if [ ! -x "$bin" ]; then echo "keyphrase_mt.sh: no $bin (build first)" >&2; exit 2; fi
if [ ! -f "$kp/score.py" ]; then echo "keyphrase_mt.sh: no $kp/score.py" >&2; exit 2; fi

# bench only: Apertium's pairs and the scorer's nltk
if ! "$root/scripts/apt-install-missing.sh" apertium apertium-eng-spa apertium-es-pt apertium-fr-es \
    apertium-spa-ita python3-nltk >&2; then
  echo "keyphrase_mt.sh: cannot install the Apertium packages" >&2; exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/doctag-bench-kpmt.XXXXXX")
trap 'rm -rf "$work"' EXIT
unset OPENROUTER_API_KEY DOCTAG_LLM_API_KEY DOCTAG_LLM_BASE_URL
export DOCTAG_DATA_DIR=$work/data OMP_THREAD_LIMIT=1
/usr/bin/python3 "$root/bench/keyphrase_mt.py" "$bin" "$kp" "$cache" "$out" "$limit" "${sets[@]}"
