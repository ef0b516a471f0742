#!/usr/bin/python3
"""The shared real-world check on the text-layer classes, with a floor per class.

    floors.py REALWORLD_DIR DOCTAG [--json OUT]

Runs REALWORLD_DIR/check.py (which compares `doctag extract --ocr off` with
pdftotext, word bags after removing direction marks) on the files of the
classes below, none of which needs OCR (the scanned files are the OCR
area's), then fails when:
- any file crashed or timed out (check.py's own exit status);
- a class's mean agreement is under its floor;
- a file of plain, rtl, vertical, rotated or forms agrees under 0.9 and is
  not one of the EXCEPTIONS, each of which says why pdftotext is the one
  that is wrong (or why the file is no fair test).
Exit 77 (skipped) when REALWORLD_DIR does not exist.
"""
import collections, json, os, subprocess, sys, tempfile

CLASSES = ['plain', 'forms', 'rtl', 'vertical', 'rotated', 'cjk', 'other', 'broken', 'encrypted']
# mean agreement with pdftotext per class, a little under what doctag reaches
FLOORS = {'plain': 0.97, 'forms': 0.97, 'rtl': 0.40, 'vertical': 0.75, 'rotated': 0.97, 'cjk': 0.98}
EVERY_FILE = {'plain', 'rtl', 'vertical', 'rotated', 'forms'}
MIN_AGREE = 0.9

EXCEPTIONS = {
    # right to left: pdftotext is wrong
    'py-pdf_sample-files__015-arabic_habibi.pdf':
        'pdftotext prints the word reversed (يبيبَح for حَبيبي) and glued to "habibi"; doctag reads حَبيبي habibi',
    'py-pdf_sample-files__015-arabic_habibi-oneline-cmap.pdf': 'the same page as 015-arabic_habibi.pdf',
    'py-pdf_sample-files__015-arabic_habibi-rotated.pdf': 'the same page as 015-arabic_habibi.pdf, turned',
    'mozilla_pdf.js__test_pdfs_issue11656.pdf':
        'pdftotext misplaces the punctuation and numbers of mixed runs ("(15ב)(", ")4לחוק", ",אני"); '
        'doctag gives the logical order: 15(ב)(4) לחוק, אני',
    'mozilla_pdf.js__test_pdfs_issue20504.pdf':
        'pdftotext keeps Arabic presentation forms (ﻣرﺣﺑﺎ); doctag gives the letters people type (مرحبا)',
    # vertical: pdftotext gives one character per line
    'pdfminer_pdfminer.six__samples_nonfree_kampo.pdf':
        'glyphs drawn upright one under the other: pdftotext prints each character on a line of its own, '
        'doctag reads the columns (道路交通法施行令の一部を改正する政令)',
    # forms
    'mozilla_pdf.js__test_pdfs_issue17069.pdf':
        'field values drawn diagonally, two runs interleaved letter by letter: pdftotext cuts them into '
        'pieces (te s St p Ad), doctag glues them (tesStpAdNf); neither reads them (diagonal runs: not done)',
    # plain
    'mozilla_pdf.js__test_pdfs_bug1871353.pdf': 'no text doctag or poppler-glib can find: pdftotext reads 1 word',
    'mozilla_pdf.js__test_pdfs_boundingBox_invalid.pdf':
        'text outside the page\'s box: pdftotext prints some of it, both miss most',
    'mozilla_pdf.js__test_pdfs_Type3WordSpacing.pdf':
        'a Type 3 font without glyph widths: line ends are not where the glyph boxes say',
    'pdfminer_pdfminer.six__samples_nonfree_cmp_itext_logo.pdf':
        'a logo drawn letter by letter: pdftotext splits ITEXT into IT EX T',
    'qpdf_qpdf__examples_qtest_mod-info_files_source2.pdf':
        'a line ends in a soft hyphen: doctag joins the word (efghjkmn), pdftotext keeps it split',
}


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
    if out_json:
        json.dump(rows, open(out_json, 'w'), indent=1, ensure_ascii=False)
    bad = []
    if rc:
        bad.append(f'check.py exited {rc} (a crash, a timeout or memory over its limit)')
    by = collections.defaultdict(list)
    for r in rows:
        by[r['cls']].append(r)
    for c, floor in FLOORS.items():
        ag = [r['agree'] for r in by[c] if r['agree'] is not None]
        mean = sum(ag) / len(ag) if ag else 0.0
        print(f'{c:9s} {len(by[c]):4d} files  mean agreement {mean:.3f}  floor {floor:.2f}')
        if by[c] and not ag:
            # every file failed to run (a missing binary, a refused path): no figure is no pass
            bad.append(f'{c}: no file of its {len(by[c])} gave an agreement figure')
        elif ag and mean < floor:
            bad.append(f'{c}: mean agreement {mean:.3f} under its floor {floor:.2f}')
    for r in rows:
        if r['cls'] in EVERY_FILE and r['agree'] is not None and r['agree'] < MIN_AGREE:
            why = EXCEPTIONS.get(r['file'])
            print(f"  {r['cls']:9s} {r['agree']:.3f} {r['file']}" + (f'  (exception: {why})' if why else ''))
            if not why:
                bad.append(f"{r['file']} ({r['cls']}): agreement {r['agree']:.3f} under {MIN_AGREE}")
    for b in bad:
        print('FAIL:', b)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
