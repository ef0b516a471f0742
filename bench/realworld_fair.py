#!/usr/bin/python3
"""Fair agreement with pdftotext for the real-world rtl and vertical classes.

../shared/realworld/check.py compares bags of words after removing direction marks only. For two
classes that measures pdftotext's habits as much as ours:
- rtl: pdftotext prints Arabic presentation forms (U+FB50-U+FEFF) where the text layer maps
  glyphs to them, so the same word counts as two (issue20504.pdf); where a font maps one glyph
  to a whole word, in logical order (the habibi*.pdf: one glyph is حَبيبي), it reverses the
  word as though it were visual (يبيبَح, the fatha before its letter); and it moves neutrals of
  mixed runs across their neighbours and glues runs with its embedding marks, which check.py
  deletes ("(15ב)()4" for "15(ב)(4)", " habibiيبيبَح", "‪ ,‬" for "החוטים,").
- vertical: pdftotext breaks a vertical column into one line per glyph when the column's glyphs
  sit apart (kampo.pdf, a gazette page), so its "words" are single characters.

For each file of the chosen classes this prints:
  check   check.py's own figure (its norm and bag, imported from check.py)
  nfkc    the same bags after NFKC on both sides (presentation forms -> base letters)
  bidi    tests/realworld/floors.py's bidi-normalised bag (NFKC, a direction mark separates
          words, punctuation separates, a word and its reverse count as one): forgives the order
          pdftotext prints right-to-left text in, never a lost or changed word
  chars   floors.py's bag of characters (whitespace and marks aside), after NFKC: word
          boundaries and word order do not count, only which letters each side found (how
          check.py measures scripts written without spaces against truth files)
  rev     how many of pdftotext's words (after nfkc) that doctag lacks are one of doctag's words
          reversed: the reference printed visual order where doctag gives logical order
and the class means.

usage: bench/realworld_fair.py [--doctag build/bin/doctag] [--dir ../shared/realworld]
                               [--class rtl --class vertical] [--layout]
  --layout  also print, per file, our text and pdftotext -layout's, to read side by side.
"""
import argparse
import collections
import importlib.util
import json
import os
import pathlib
import subprocess
import sys
import unicodedata

ROOT = pathlib.Path(__file__).resolve().parent.parent


def load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--doctag', default=str(ROOT / 'build/bin/doctag'))
    ap.add_argument('--dir', default=str(ROOT.parent / 'shared/realworld'))
    ap.add_argument('--class', dest='classes', action='append')
    ap.add_argument('--layout', action='store_true')
    a = ap.parse_args()
    classes = a.classes or ['rtl', 'vertical']
    chk = load('rw_check', os.path.join(a.dir, 'check.py'))
    floors = load('rw_floors', str(ROOT / 'tests/realworld/floors.py'))

    def words(t):
        return collections.Counter(unicodedata.normalize('NFKC', chk.norm(t)).split())

    man = json.load(open(os.path.join(a.dir, 'manifest.json')))
    by = collections.defaultdict(list)
    print(f"{'class':9s} {'check':>5s} {'nfkc':>5s} {'bidi':>5s} {'chars':>5s} {'rev':>8s}  file")
    for m in man:
        if m['class'] not in classes:
            continue
        f = m['file']
        pdf = os.path.join(a.dir, 'pdfs', f)
        ref_path = os.path.join(a.dir, 'reference', f + '.txt')
        if not os.path.exists(ref_path):
            continue
        ref = open(ref_path, encoding='utf-8', errors='replace').read()
        p = subprocess.run([a.doctag, 'extract', '--ocr', 'off', pdf], capture_output=True)
        ours = p.stdout.decode('utf-8', 'replace') if p.returncode == 0 else ''
        ow, rw = words(ours), words(ref)
        missing = rw - ow
        rev = sum(n for w, n in missing.items() if len(w) > 1 and ow[w[::-1]])
        row = (chk.agreement(chk.bag(ours), chk.bag(ref)) or 0.0,
               chk.agreement(ow, rw) or 0.0,
               floors.bidi_agreement(ours, ref) or 0.0,
               floors.char_agreement(unicodedata.normalize('NFKC', ours), unicodedata.normalize('NFKC', ref)) or 0.0)
        by[m['class']].append(row)
        print(f"{m['class']:9s} " + ' '.join(f'{x:5.3f}' for x in row)
              + f" {rev:4d}/{sum(missing.values()):<4d} {f}")
        if a.layout:
            lay = subprocess.run(['pdftotext', '-layout', pdf, '-'], capture_output=True)
            print('--- doctag\n' + ours.rstrip() + '\n--- pdftotext -layout\n'
                  + lay.stdout.decode('utf-8', 'replace').rstrip() + '\n')
    for c in classes:
        rs = by.get(c)
        if rs:
            mean = [sum(r[i] for r in rs) / len(rs) for i in range(len(rs[0]))]
            print(f"{c:9s} " + ' '.join(f'{x:5.3f}' for x in mean) + f"  mean of {len(rs)} files")
    return 0


if __name__ == '__main__':
    sys.exit(main())
