#!/bin/bash
# Keyphrase quality of the offline tagger on the shared development sets:
# `doctag tag --model local --num-tags 10` over each set's texts, scored by
# ../shared/keyphrase/score.py (Porter-stemmed exact match, F1@5 / F1@10
# macro-averaged, the pke protocol), printed beside the published figures of
# unsupervised methods (pke's results on the *test* splits, which these dev
# sets are not: a guide, not a like-for-like comparison). Also prints the
# tagger's CPU time per document (user+sys of the doctag process over the
# set, start-up included; informational, never a goal check here).
#
# With --history, each set is one user's archive growing in id order: every
# text is tagged with --save into a data directory of the set's own, so it
# is ranked with the document frequencies of the texts before it (issue 12:
# tags sharpen as the archive grows); without it, every text stands alone.
#
# Usage: bench/keyphrase.sh [--limit N] [--out DIR] [--history] [SET...]
#   SET      inspec-dev inspec-train semeval2010-train kpcrowd-train (default: all)
#   --limit  only the first N documents of each set (ids in sorted order)
#   --out    keep predictions (<set>.json) there (default: a temporary directory)
# Environment: DOCTAG_BIN (default build/bin/doctag), KEYPHRASE_DIR (default
#   ../shared/keyphrase).
# Exit status: 0 scored, 2 cannot run.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin=${DOCTAG_BIN:-$root/build/bin/doctag}
kp=${KEYPHRASE_DIR:-$root/../shared/keyphrase}
limit=0
out=""
history=0
sets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --limit) limit=${2:?--limit needs a number}; shift 2 ;;
    --out) out=${2:?--out needs a directory}; shift 2 ;;
    --history) history=1; shift ;;
    -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
    -*) echo "keyphrase.sh: unknown option $1" >&2; exit 2 ;;
    *) sets+=("$1"); shift ;;
  esac
done
[ ${#sets[@]} -gt 0 ] || sets=(inspec-dev inspec-train semeval2010-train kpcrowd-train)
if [ ! -x "$bin" ]; then echo "keyphrase.sh: no $bin (build first)" >&2; exit 2; fi
if [ ! -f "$kp/score.py" ]; then echo "keyphrase.sh: no $kp/score.py" >&2; exit 2; fi
if ! /usr/bin/python3 -c 'import nltk' 2>/dev/null; then
  echo "keyphrase.sh: needs python3-nltk (apt-get install python3-nltk)" >&2; exit 2
fi

work=$(mktemp -d /tmp/doctag-bench-kp.XXXXXX)
trap 'rm -rf "$work"' EXIT
[ -n "$out" ] || out=$work/preds
mkdir -p "$out"
unset OPENROUTER_API_KEY DOCTAG_LLM_API_KEY DOCTAG_LLM_BASE_URL
export DOCTAG_DATA_DIR=$work/data OMP_THREAD_LIMIT=1

exec /usr/bin/python3 - "$bin" "$kp" "$limit" "$out" "$history" "$work" "${sets[@]}" <<'PY'
import json, os, resource, subprocess, sys

bin_, kp, limit, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
history, work, sets = sys.argv[5] == "1", sys.argv[6], sys.argv[7:]
SAVE = ["--save"] if history else []
sys.path.insert(0, kp)
from score import evaluate  # noqa: E402

# pke's published figures on the test splits (../shared/keyphrase/README.md)
PUBLISHED = {
    "inspec": "TfIdf 28.4/35.0  SingleRank 27.4/34.2  PositionRank 27.9/32.9",
    "semeval2010": "TfIdf 12.4/14.9  SingleRank 11.1/16.2  PositionRank 12.7/16.6",
}
GOAL = {"inspec": "goal F1@10 >= 35 (test)", "semeval2010": "goal F1@10 >= 17 (test)"}


def cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def tag(paths, name):
    """-> ({id: tags}, CPU seconds); one process for the set, one JSON line per text."""
    preds, t0, failed = {}, cpu(), 0
    if history:  # the set's own archive, empty at its first text
        os.environ["DOCTAG_DATA_DIR"] = os.path.join(work, "history-" + name)
    chunk = 200
    for i in range(0, len(paths), chunk):
        part = paths[i:i + chunk]
        r = subprocess.run([bin_, "tag", "--model", "local", "--num-tags", "10", *SAVE, *part],
                           capture_output=True, text=True)
        lines = r.stdout.splitlines()
        if r.returncode == 0 and len(lines) == len(part):
            for p, l in zip(part, lines):
                preds[os.path.basename(p)[:-4]] = json.loads(l)["tags"]
            continue
        for p in part:  # a text failed: find which, one at a time
            r = subprocess.run([bin_, "tag", "--model", "local", "--num-tags", "10", *SAVE, p],
                               capture_output=True, text=True)
            if r.returncode == 0:
                preds[os.path.basename(p)[:-4]] = json.loads(r.stdout)["tags"]
            else:
                failed += 1
                print(f"  {os.path.basename(p)}: {r.stderr.strip()[:200]}", file=sys.stderr)
    return preds, cpu() - t0, failed


print(f"{'set':<20} {'docs':>5} {'F1@5':>6} {'F1@10':>6} {'ms/doc':>7}  published unsupervised (test splits) F1@5/F1@10")
rc = 0
for s in sets:
    d = os.path.join(kp, s)
    if not os.path.isfile(os.path.join(d, "gold.json")):
        print(f"{s:<20} no {d}/gold.json", file=sys.stderr)
        rc = 2
        continue
    gold = json.load(open(os.path.join(d, "gold.json"), encoding="utf-8"))
    ids = sorted(gold)
    if limit:
        ids = ids[:limit]
    gold = {i: gold[i] for i in ids}
    paths = [os.path.join(d, "docs", i + ".txt") for i in ids]
    preds, secs, failed = tag(paths, s)
    json.dump(preds, open(os.path.join(out, s + ".json"), "w"), ensure_ascii=False, indent=0)
    avg, _ = evaluate(preds, gold, (5, 10))
    fam = s.split("-")[0]
    ref = PUBLISHED.get(fam, "-")
    goal = GOAL.get(fam, "")
    print(f"{s:<20} {len(ids):>5} {avg[5][2]:>6.2f} {avg[10][2]:>6.2f} {1000 * secs / max(len(ids), 1):>7.2f}  "
          f"{ref}{'  ' + goal if goal else ''}{f'  ({failed} failed)' if failed else ''}")
sys.exit(rc)
PY
