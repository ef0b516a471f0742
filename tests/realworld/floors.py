#!/usr/bin/python3
"""The shared real-world check on the text-layer classes, with a floor per class.

    floors.py REALWORLD_DIR DOCTAG [--json OUT]

Runs REALWORLD_DIR/check.py (which compares `doctag extract --ocr off` with
pdftotext, word bags after removing direction marks) on the files of the
classes below, none of which needs OCR (the scanned files are the OCR
area's), then fails when:
- any file crashed or timed out (check.py's own exit status);
- a class's mean agreement (over its files but the EXCEPTIONS) is under
  its floor;
- a file of plain, rtl, vertical, rotated or forms agrees under 0.9 and is
  not one of the EXCEPTIONS, each of which says why pdftotext is the one
  that is wrong (or why the file is no fair test);
- doctag refuses a file from which pdftotext printed text.
The rtl class is measured a second way, bidi-normalised (bidi_bag below),
and its floor and per-file check apply to that figure: pdftotext prints
right-to-left text in visual order and check.py's comparison, which only
deletes the direction marks, counts order artefacts as losses.
The vertical class is also measured by characters (char_bag below), as
check.py measures scripts written without spaces against their truth, and
every vertical file must agree >= 0.9 that way too, exceptions or not: the
word figure catches columns glued into one line, but where pdftotext is
wrong (kampo.pdf, a character per line) only the characters say whether
doctag found the text.
Exit 77 (skipped) when REALWORLD_DIR does not exist.
"""
import collections, json, os, re, subprocess, sys, tempfile, unicodedata

CLASSES = ['plain', 'forms', 'rtl', 'vertical', 'rotated', 'cjk', 'other', 'broken', 'encrypted']
# mean agreement with pdftotext per class, a little under what doctag reaches
# (the documented exceptions aside)
FLOORS = {'plain': 0.97, 'forms': 0.97, 'rtl': 0.97, 'vertical': 0.97, 'rotated': 0.97, 'cjk': 0.98}
EVERY_FILE = {'plain', 'rtl', 'vertical', 'rotated', 'forms'}
MIN_AGREE = 0.9

EXCEPTIONS = {
    # vertical: pdftotext gives one character per line
    'pdfminer_pdfminer.six__samples_nonfree_kampo.pdf':
        'a gazette page: glyphs drawn upright one under the other, the punctuation in the vertical mode of '
        'another font; pdftotext prints each character on a line of its own and the punctuation apart, '
        'doctag reads the columns tier by tier, punctuation in place '
        '(道路交通法施行令︵昭和三十五年政令第二百七十号︶の一部を次のように改正する︒); '
        'by characters they agree (checked)',
    # forms
    'mozilla_pdf.js__test_pdfs_issue17069.pdf':
        'a watermark (the page) and a stamp (an annotation) drawn diagonally across each other: pdftotext '
        'cuts both into pieces and interleaves them (te s St p Ad); doctag reads them whole, each on its '
        'own line (test pdf watermark, SANDBOX)',
    # plain
    'mozilla_pdf.js__test_pdfs_bug1871353.pdf': 'no text doctag or poppler-glib can find: pdftotext reads 1 word',
    'mozilla_pdf.js__test_pdfs_Type3WordSpacing.pdf':
        'a Type 3 font whose glyph boxes (26 pt, from its FontBBox) are 2.6 times the line spacing (10 pt) and '
        'whose space has no width (only Tw moves it): poppler\'s layout, pdftotext\'s too, merges the six lines '
        'of " ab ba abba" into one block and both print them scrambled, differently',
    'pdfminer_pdfminer.six__samples_nonfree_cmp_itext_logo.pdf':
        'a logo drawn letter by letter: pdftotext splits ITEXT into IT EX T',
    'qpdf_qpdf__examples_qtest_mod-info_files_source2.pdf':
        'a line ends in a soft hyphen: doctag joins the word (efghjkmn), pdftotext keeps it split',
}

MARKS = re.compile('[\u200e\u200f\u202a-\u202e\u2066-\u2069]')
ZW = re.compile('[\u200b-\u200d\u2060\ufeff]')


def bidi_bag(text):
    """Words of a right-to-left text, compared whatever order the text is in.

    pdftotext writes right-to-left runs in visual order, so check.py's bag
    (marks deleted, split on whitespace) counts as lost what is only printed
    the other way round:
    - a word written backwards: visual order is logical order reversed
      (يبيبَح for حَبيبي), so a word is taken in whichever direction sorts
      first and both orders count as the same word;
    - a direction mark between runs is where one run ends and the next
      begins: deleting it glues them ("habibi" + Arabic), so it separates;
    - punctuation and digits of mixed runs land on the other side of their
      neighbours in visual order ("(15ב)(" for "15(ב)"): only letters, marks
      and digits make words, everything else separates;
    - Arabic presentation forms (ﻣرﺣﺑﺎ) are the letters people type (NFKC).
    Letters are still compared exactly: a missing or wrong word still counts,
    but this bag cannot tell logical from visual order (the layout test's
    fixtures assert logical order)."""
    t = unicodedata.normalize('NFKC', ZW.sub('', MARKS.sub(' ', text))).lower()
    words, cur = [], []
    for c in t + ' ':
        if unicodedata.category(c)[0] in 'LMN':
            cur.append(c)
        elif cur:
            w = ''.join(cur)
            words.append(min(w, w[::-1]))
            cur = []
    return collections.Counter(words)


def bag_agreement(a, b):
    na, nb = sum(a.values()), sum(b.values())
    return None if na == 0 and nb == 0 else sum((a & b).values()) / max(na, nb)


def bidi_agreement(out, ref):
    return bag_agreement(bidi_bag(out), bidi_bag(ref))


def char_bag(text):
    """The characters of a text, whitespace and direction marks aside (NFC),
    for scripts written without spaces: lines broken elsewhere, or a column
    read as one line instead of a character per line, leave it unchanged;
    a lost or changed character does not."""
    t = unicodedata.normalize('NFC', ZW.sub('', MARKS.sub('', text)))
    return collections.Counter(c for c in t if not c.isspace())


def char_agreement(out, ref):
    return bag_agreement(char_bag(out), char_bag(ref))


def self_check():
    """The rtl comparison forgives order, never a lost or changed word."""
    assert bidi_agreement('حَبيبي habibi', '\u202b\u202a habibi\u202cيبيبَح\u202c') == 1
    assert bidi_agreement('סעיף 15(ב)(4) לחוק', 'סעיף \u202a(15\u202cב)(\u202a )4\u202cלחוק') == 1
    assert bidi_agreement('مرحبا', '\ufee3\u0631\ufea3\ufe91\u0627') == 1
    assert bidi_agreement('שלום עולם', 'שלום') == 0.5
    assert bidi_agreement('שלום עולם', 'שלום עולמ') == 0.5
    # characters forgive line breaks, never a lost or changed character
    assert char_agreement('春の野に\n出でて', '春\nの\n野\nに\n出\nで\nて') == 1
    assert char_agreement('春の野に出でて', '春の野に出でで') == 6 / 7
    assert char_agreement('春の野', '春の野に') == 0.75


def remeasure_rows(rw, doctag, rows):
    """Replaces check.py's agreement of the rtl files with the bidi-normalised
    one; adds the vertical files' agreement by characters (agree_chars)."""
    for r in rows:
        if r['cls'] not in ('rtl', 'vertical') or r['agree'] is None:
            continue
        ref = open(os.path.join(rw, 'reference', r['file'] + '.txt'), encoding='utf-8', errors='replace').read()
        p = subprocess.run([doctag, 'extract', '--ocr', 'off', os.path.join(rw, 'pdfs', r['file'])],
                           capture_output=True, timeout=60)
        out = p.stdout.decode('utf-8', 'replace')
        if r['cls'] == 'rtl':
            r['agree_check_py'] = r['agree']
            r['agree'] = bidi_agreement(out, ref) if p.returncode == 0 else 0.0
        else:
            r['agree_chars'] = char_agreement(out, ref) if p.returncode == 0 else 0.0


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    # absolute: the symlinks below live in a temporary directory
    rw, doctag = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    out_json = sys.argv[4] if len(sys.argv) > 4 and sys.argv[3] == '--json' else None
    if not os.path.isfile(os.path.join(rw, 'check.py')):
        print(f'{rw}: no real-world check here, skipped')
        return 77
    man = json.load(open(os.path.join(rw, 'manifest.json')))
    with tempfile.TemporaryDirectory(prefix='rwtext.') as d:
        os.symlink(os.path.join(rw, 'pdfs'), os.path.join(d, 'pdfs'))
        os.symlink(os.path.join(rw, 'reference'), os.path.join(d, 'reference'))
        with open(os.path.join(d, 'manifest.json'), 'w') as f:
            json.dump([m for m in man if m['class'] in CLASSES], f)
        res = os.path.join(d, 'results.json')
        rc = subprocess.run(['/usr/bin/python3', os.path.join(rw, 'check.py'), '--doctag', doctag, '--dir', d,
                             '--name', 'real-world text layer', '--json', res], stderr=subprocess.DEVNULL).returncode
        rows = json.load(open(res))
    self_check()
    remeasure_rows(rw, doctag, rows)
    if out_json:
        json.dump(rows, open(out_json, 'w'), indent=1, ensure_ascii=False)
    bad = []
    if rc:
        bad.append(f'check.py exited {rc} (a crash, a timeout or memory over its limit)')
    by = collections.defaultdict(list)
    for r in rows:
        by[r['cls']].append(r)
    for c, floor in FLOORS.items():
        # the floor is on the files pdftotext is a fair reference for: a documented exception is
        # one where it is not (each still runs, and a vertical one is still measured by characters)
        every = [r['agree'] for r in by[c] if r['agree'] is not None]
        ag = [r['agree'] for r in by[c] if r['agree'] is not None and r['file'] not in EXCEPTIONS]
        mean = sum(ag) / len(ag) if ag else 0.0
        raw = [r['agree_check_py'] for r in by[c] if r.get('agree_check_py') is not None]
        also = f'  (check.py: {sum(raw) / len(raw):.3f})' if raw else ''
        chars = [r['agree_chars'] for r in by[c] if r.get('agree_chars') is not None]
        also += f'  (by characters: {sum(chars) / len(chars):.3f})' if chars else ''
        if len(every) != len(ag):
            also += f'  (with its {len(every) - len(ag)} exceptions: {sum(every) / len(every):.3f})'
        print(f'{c:9s} {len(by[c]):4d} files  mean agreement {mean:.3f}  floor {floor:.2f}{also}')
        if by[c] and not every:
            # every file failed to run (a missing binary, a refused path): no figure is no pass
            bad.append(f'{c}: no file of its {len(by[c])} gave an agreement figure')
        elif ag and mean < floor:
            bad.append(f'{c}: mean agreement {mean:.3f} under its floor {floor:.2f}')
    for r in rows:
        if r.get('agree_chars') is not None and r['agree_chars'] < MIN_AGREE:
            bad.append(f"{r['file']} ({r['cls']}): agreement by characters {r['agree_chars']:.3f} under {MIN_AGREE}")
        if r['cls'] in EVERY_FILE and r['agree'] is not None and r['agree'] < MIN_AGREE:
            why = EXCEPTIONS.get(r['file'])
            print(f"  {r['cls']:9s} {r['agree']:.3f} {r['file']}" + (f'  (exception: {why})' if why else ''))
            if not why:
                bad.append(f"{r['file']} ({r['cls']}): agreement {r['agree']:.3f} under {MIN_AGREE}")
    chars = {m['file']: m.get('pdftotext_chars') for m in man}
    for r in rows:
        if not r.get('mismatch') or r['rc'] == 0:
            continue
        # doctag refuses a file pdftotext exits 0 on: a loss only when pdftotext printed text
        # (issue19484_2 and 017-unreadable-meta-data: 0 characters, their page tree is broken)
        if chars.get(r['file']):
            bad.append(f"{r['file']}: doctag refuses ({r['err'][:80]}) what pdftotext reads")
        else:
            print(f"  {r['cls']:9s} refused, pdftotext exits 0 but prints nothing: {r['file']}")
    for b in bad:
        print('FAIL:', b)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
