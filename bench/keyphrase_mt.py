#!/usr/bin/python3
"""A machine-translated keyphrase proxy for Spanish, Portuguese, French and Italian
(issue 12), run by bench/keyphrase_mt.sh: see there for what it is and is not.

Usage: bench/keyphrase_mt.py BIN KEYPHRASE_DIR CACHE_DIR OUT_DIR LIMIT SET...
"""
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))
from yake import load_stops, yake  # noqa: E402

# language -> (Apertium modes from English, the document's language code as
# doctag reports it and its stop list is named, score.py's Snowball stemmer)
LANGS = {
    "en": ((), "eng", "porter"),
    "es": (("eng-spa",), "spa", "spanish"),
    "pt": (("eng-spa", "es-pt"), "por", "portuguese"),
    "fr": (("eng-spa", "es-fr"), "fra", "french"),
    "it": (("eng-spa", "spa-ita"), "ita", "italian"),
}
PACKAGES = ["apertium", "apertium-eng-spa", "apertium-es-pt", "apertium-fr-es", "apertium-spa-ita"]
STOP_FILE = {"eng": "en"}  # stop_en.txt; the others are stop_<code>.txt


def apertium(mode, blocks):
    """-> what one Apertium run makes of the blocks, cut at blank lines: a
    blank line between two blocks keeps the transfer rules from joining them
    (a single newline does not)."""
    r = subprocess.run(["apertium", "-u", mode], input="\n\n".join(blocks) + "\n",
                       capture_output=True, text=True, check=True)
    out = [b.strip() for b in re.split(r"\n\s*\n", r.stdout.strip("\n"))]
    # "#" marks a form the generator lacked, "@" a lemma without translation
    return [re.sub(r"[#@](?=\w)", "", b) for b in out]


def translate(modes, blocks):
    for m in modes:
        got = apertium(m, blocks)
        if len(got) != len(blocks):  # a block split or merged: one run per block
            got = [" ".join(apertium(m, [b])) for b in blocks]
        blocks = got
    return blocks


def versions():
    """The Apertium packages' versions: a cached translation is kept while they stay."""
    r = subprocess.run(["dpkg-query", "-W", "-f", "${Package} ${Version}\n", *PACKAGES],
                       capture_output=True, text=True)
    return r.stdout


def cased(phrase, text):
    """The phrase as the text writes it (gold is lower-case, and Apertium
    knows "Canadian", not "canadian")."""
    m = re.search(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", text, re.I)
    return m.group(0) if m else phrase


def build(kp, cache, s, ids, lang):
    """-> (texts {id: text}, gold {id: [[variant...]...]}) of set s in lang, cached."""
    src_gold = json.load(open(os.path.join(kp, s, "gold.json"), encoding="utf-8"))
    src = {i: open(os.path.join(kp, s, "docs", i + ".txt"), encoding="utf-8").read() for i in ids}
    modes = LANGS[lang][0]
    if not modes:
        return src, {i: src_gold[i] for i in ids}
    d, stamp = os.path.join(cache, s, lang), versions()
    gold = {}  # the cache's: documents translated before, with the same packages
    if os.path.isfile(os.path.join(d, "gold.json")) and open(os.path.join(d, "versions")).read() == stamp:
        gold = json.load(open(os.path.join(d, "gold.json"), encoding="utf-8"))
    new = [i for i in ids if i not in gold]
    if new:
        # the texts: every line of every document in one run per mode
        lines = [(i, l) for i in new for l in src[i].splitlines() if l.strip()]
        tr = translate(modes, [l for _, l in lines])
        texts = {i: "" for i in new}
        for (i, _), t in zip(lines, tr):
            texts[i] += t + "\n"
        # the gold: each variant of each phrase on its own, as the text writes it
        flat = [(i, k, cased(v, src[i])) for i in new for k, alts in enumerate(src_gold[i]) for v in alts]
        tv = translate(modes, [v for _, _, v in flat])
        for i in new:
            gold[i] = [[] for _ in src_gold[i]]
        for (i, k, _), t in zip(flat, tv):
            gold[i][k].append(t.lower())
        os.makedirs(os.path.join(d, "docs"), exist_ok=True)
        for i in new:
            with open(os.path.join(d, "docs", i + ".txt"), "w", encoding="utf-8") as f:
                f.write(texts[i])
        json.dump(gold, open(os.path.join(d, "gold.json"), "w", encoding="utf-8"), ensure_ascii=False, indent=0)
        with open(os.path.join(d, "versions"), "w") as f:
            f.write(stamp)
    texts = {i: open(os.path.join(d, "docs", i + ".txt"), encoding="utf-8").read() for i in ids}
    return texts, {i: gold[i] for i in ids}


def present(gold, texts, stemmer):
    """-> gold less the phrases none of whose variants occurs in the text
    (stemmed word sequences, as score.py compares them)."""
    from score import make_stemmer, normalize
    stem = make_stemmer(stemmer)
    out = {}
    for i, g in gold.items():
        t = " " + normalize(texts[i], stem) + " "
        out[i] = [alts for alts in g if any(" " + normalize(v, stem) + " " in t for v in alts if normalize(v, stem))]
    return out


def doctag(bin_, paths):
    """-> ({id: tags}, {id: detected_language}): `doctag tag --model local`, one process per 100 texts."""
    tags, langs = {}, {}
    for k in range(0, len(paths), 100):
        part = paths[k:k + 100]
        r = subprocess.run([bin_, "tag", "--model", "local", "--num-tags", "10", *part],
                           capture_output=True, text=True)
        rows = [json.loads(l) for l in r.stdout.splitlines()]
        if len(rows) != len(part):
            sys.exit(f"keyphrase_mt: doctag tag gave {len(rows)} results for {len(part)} texts: {r.stderr[:300]}")
        for p, j in zip(part, rows):
            i = os.path.basename(p)[:-4]
            tags[i], langs[i] = j.get("tags") or [], j.get("detected_language")
    return tags, langs


def main(argv):
    bin_, kp, cache, out, limit, sets = argv[0], argv[1], argv[2], argv[3], int(argv[4]), argv[5:]
    sys.path.insert(0, kp)
    from score import evaluate
    os.makedirs(out, exist_ok=True)
    print("MACHINE-TRANSLATED PROXY (Apertium, English -> Spanish -> Portuguese/French/Italian, gold phrases translated")
    print("one by one): not the published French or Portuguese news sets; `en` is the English source slice.")
    print("'present': only the gold phrases whose translation occurs in the translated text.")
    print(f"{'set':<14} {'lang':<4} {'docs':>4} {'detected':>9} {'present':>7}  "
          f"{'doctag all':>11} {'YAKE all':>11}  {'doctag present':>14} {'YAKE present':>12}")
    for s in sets:
        ids = sorted(json.load(open(os.path.join(kp, s, "gold.json"), encoding="utf-8")))
        if limit and limit < len(ids):  # evenly spaced over the sorted ids (KPCrowd: every category)
            ids = [ids[k * len(ids) // limit] for k in range(limit)]
        for lang, (_, code, stemmer) in LANGS.items():
            texts, gold = build(kp, cache, s, ids, lang)
            d = os.path.join(cache, s, lang, "docs") if lang != "en" else os.path.join(kp, s, "docs")
            tags, detected = doctag(bin_, [os.path.join(d, i + ".txt") for i in ids])
            stops = load_stops(STOP_FILE.get(code, code))
            ya = {i: yake(texts[i], stops, elide=lang != "en") for i in ids}
            gp = present(gold, texts, stemmer)
            share = sum(len(g) for g in gp.values()) / max(sum(len(g) for g in gold.values()), 1)
            row = []
            per = {}
            for g in (gold, gp):
                for name, p in (("doctag", tags), ("yake", ya)):
                    avg, per[name, g is gp] = evaluate(p, g, (5, 10), stemmer)
                    row.append(f"{avg[5][2]:5.1f}/{avg[10][2]:5.1f}")
            ok = sum(detected[i] == code for i in ids)
            print(f"{s:<14} {lang:<4} {len(ids):>4} {ok:>4} {code:<4} {100 * share:>6.1f}%  "
                  f"{row[0]:>11} {row[1]:>11}  {row[2]:>14} {row[3]:>12}")
            with open(os.path.join(out, f"{s}.{lang}.tsv"), "w", encoding="utf-8") as f:
                f.write("id\tdetected\tdoctag_f1@10\tyake_f1@10\tdoctag_f1@10_present\tyake_f1@10_present\t"
                        "doctag\tyake\tgold_present\n")
                for i in ids:
                    f.write("\t".join([i, str(detected[i])] + [f"{100 * per[k][i][10][2]:.1f}" for k in
                                      (("doctag", False), ("yake", False), ("doctag", True), ("yake", True))] +
                                      ["; ".join(tags[i]), "; ".join(ya[i]), "; ".join(a[0] for a in gp[i])]) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
