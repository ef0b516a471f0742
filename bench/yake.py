#!/usr/bin/python3
"""YAKE (Campos et al., Information Sciences 509, 2020) on the shared keyphrase
dev sets, scored like bench/keyphrase.sh, so the offline tagger has a YAKE
figure on the same text where ../shared/keyphrase/README.md has none
(KPCrowd). Debian has no YAKE package and nothing may be downloaded, so this
is a re-implementation of the published algorithm with the yake package's
defaults (n-grams up to 3, co-occurrence window 1, de-duplication at
Levenshtein similarity 0.9), stop words from the tagger's own lists
(libdoctag/tag/data/stop_en.txt for English, 525 words, where yake ships 575;
stop_fra.txt, stop_por.txt... for another language, as bench/keyphrase_mt.sh
uses it). Words are Unicode letters and digits; outside English an elided
stop word is a word of its own ("l'argentine" is "l" + "argentine"). Its figures are
a reference for comparison, not the yake package's own: check it against the
issue's Inspec test figure (YAKE 16.7 / 19.0).

Usage: bench/yake.py [--limit N] [--out DIR] [SET...]
   SET  inspec-dev inspec-train semeval2010-train kpcrowd-train (default: all)
Environment: KEYPHRASE_DIR (default ../shared/keyphrase).
Exit status: 0 scored, 2 cannot run.
"""
import json
import math
import os
import re
import statistics
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KP = os.environ.get("KEYPHRASE_DIR", os.path.join(ROOT, "..", "shared", "keyphrase"))
MAX_N, WINDOW, DEDUP, TOP = 3, 1, 0.9, 10


def load_stops(code="en"):
    """The tagger's stop list of a language: code as its file stop_<code>.txt (en, fra, por, spa...)."""
    with open(os.path.join(ROOT, "libdoctag", "tag", "data", f"stop_{code}.txt"), encoding="utf-8") as f:
        return {l.strip() for l in f if l.strip() and not l.startswith("#")}


OPENERS = "\"'([«“¿¡"
TOKEN = re.compile(r"[^\W_](?:[^\W_]|['’\-])*[^\W_]|[^\W_]|[^\s\w]|_")


def split_sentences(text):
    """Lines, cut after . ! ? where the next word starts upper-case or with a digit."""
    out = []
    for line in re.split(r"\n+", text):
        cur = ""
        for p in re.split(r"(?<=[.!?])\s+", line):
            q = p.lstrip(OPENERS)[:1]
            if cur and not (q.isupper() or q.isdigit()):
                cur += " " + p
                continue
            if cur:
                out.append(cur)
            cur = p
        if cur:
            out.append(cur)
    return out


def words_of(token, stops, elide):
    """A token as words: "l'argentine" as "l", "argentine" when elide and "l" is a stop word."""
    if elide:
        m = re.match(r"([^\W\d_]+)['’](\w.*)", token)
        if m and m.group(1).lower() in stops:
            return [m.group(1), m.group(2)]
    return [token]


def sentences(text, stops=(), elide=False):
    """-> [[block of words, ...], ...]: sentences, each cut at punctuation into blocks."""
    out = []
    for s in split_sentences(text):
        blocks, cur = [], []
        for t in TOKEN.findall(s):
            if t[0].isalnum():
                cur.extend(words_of(t, stops, elide))
            elif cur:
                blocks.append(cur)
                cur = []
        if cur:
            blocks.append(cur)
        if blocks:
            out.append(blocks)
    return out


def tag_of(word, first):
    if re.fullmatch(r"[0-9][0-9.,]*", word):
        return "d"
    if sum(c.isdigit() for c in word) and sum(c.isalpha() for c in word):
        return "u"
    if word.isupper() and len(word) > 1:
        return "a"
    if word[0].isupper() and not first:
        return "n"
    return "p"


def lev_sim(a, b):
    if a == b:
        return 1.0
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return 1.0 - prev[-1] / max(len(a), len(b))


def yake(text, stops, elide=False):
    """-> the TOP keyphrases of text, best first; elide: split elided stop words (not English)."""
    sents = sentences(text, stops, elide)
    terms = {}  # lower -> stats
    edges = {}  # (a, b) -> weight (b follows a within WINDOW)
    cands = {}  # tuple of lower words -> [count, surface]
    for si, blocks in enumerate(sents):
        first = True
        for block in blocks:
            low = [w.lower() for w in block]
            tags = []
            for k, w in enumerate(block):
                t = terms.setdefault(low[k], {"tf": 0, "a": 0, "n": 0, "sent": [], "stop": low[k] in stops or len(low[k]) < 3})
                tg = tag_of(w, first and k == 0)
                tags.append(tg)
                t["tf"] += 1
                t["a"] += tg == "a"
                t["n"] += tg == "n"
                t["sent"].append(si)
                for d in range(1, WINDOW + 1):
                    if k - d >= 0 and tags[k - d] not in "du" and tg not in "du":
                        edges[(low[k - d], low[k])] = edges.get((low[k - d], low[k]), 0) + 1
            first = False
            for i in range(len(block)):
                for n in range(1, MAX_N + 1):
                    if i + n > len(block):
                        break
                    ws, tg = low[i:i + n], tags[i:i + n]
                    if any(x in "du" for x in tg) or terms[ws[0]]["stop"] or terms[ws[-1]]["stop"]:
                        continue
                    c = cands.setdefault(tuple(ws), [0, " ".join(ws)])
                    c[0] += 1
    valid = [t["tf"] for t in terms.values() if not t["stop"]]
    if not valid:
        return []
    avg, std, mx = statistics.mean(valid), statistics.pstdev(valid), max(valid)
    left, right = {}, {}
    for (a, b), w in edges.items():
        right.setdefault(a, []).append(w)
        left.setdefault(b, []).append(w)
    nsent = max(len(sents), 1)
    H = {}
    for w, t in terms.items():
        tf = t["tf"]
        case = max(t["a"], t["n"]) / (1.0 + math.log(tf))
        pos = math.log(math.log(3.0 + statistics.median(t["sent"])))
        freq = tf / (avg + std)
        wl = len(left.get(w, [])) / sum(left[w]) if left.get(w) else 0.0
        wr = len(right.get(w, [])) / sum(right[w]) if right.get(w) else 0.0
        rel = 1.0 + (wl + wr) * tf / mx
        spread = len(set(t["sent"])) / nsent
        H[w] = (pos * rel) / (case + freq / rel + spread / rel)
    scored = []
    for ws, (cnt, form) in cands.items():
        prod, s = 1.0, 0.0
        for k, w in enumerate(ws):
            if terms[w]["stop"]:
                p1 = edges.get((ws[k - 1], w), 0) / terms[ws[k - 1]]["tf"]
                p2 = edges.get((w, ws[k + 1]), 0) / terms[ws[k + 1]]["tf"]
                p = p1 * p2
                prod *= 1 + (1 - p)
                s -= 1 - p
            else:
                prod *= H[w]
                s += H[w]
        scored.append((prod / ((s + 1) * cnt), form))
    scored.sort()
    out = []
    for _, form in scored:
        if all(lev_sim(form, o) <= DEDUP for o in out):
            out.append(form)
            if len(out) == TOP:
                break
    return out


def main(argv):
    limit, out, sets = 0, "", []
    it = iter(argv)
    for a in it:
        if a == "--limit":
            limit = int(next(it))
        elif a == "--out":
            out = next(it)
        elif a in ("-h", "--help"):
            print(__doc__)
            return 0
        else:
            sets.append(a)
    sets = sets or ["inspec-dev", "inspec-train", "semeval2010-train", "kpcrowd-train"]
    if not os.path.isfile(os.path.join(KP, "score.py")):
        print(f"yake.py: no {KP}/score.py", file=sys.stderr)
        return 2
    sys.path.insert(0, KP)
    from score import evaluate  # noqa: E402
    stops = load_stops()
    print(f"{'set':<20} {'docs':>5} {'F1@5':>6} {'F1@10':>6}  (YAKE re-implementation, same text and scorer)")
    for s in sets:
        gold = json.load(open(os.path.join(KP, s, "gold.json"), encoding="utf-8"))
        ids = sorted(gold)[:limit] if limit else sorted(gold)
        gold = {i: gold[i] for i in ids}
        preds = {i: yake(open(os.path.join(KP, s, "docs", i + ".txt"), encoding="utf-8").read(), stops) for i in ids}
        if out:
            os.makedirs(out, exist_ok=True)
            json.dump(preds, open(os.path.join(out, s + ".yake.json"), "w"), ensure_ascii=False, indent=0)
        avg, _ = evaluate(preds, gold, (5, 10))
        print(f"{s:<20} {len(ids):>5} {avg[5][2]:>6.2f} {avg[10][2]:>6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
