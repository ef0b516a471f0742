#!/usr/bin/python3
"""Print the text of a PDF page by page as it is extracted (OCR where the
page has no usable text layer), like pdftotext but for scans too.

    python3 extract.py scan.pdf
    python3 extract.py --ocr force --lang hin+eng notice.pdf
"""
import argparse
import sys

import doctag


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("source", metavar="PDF")
    ap.add_argument("--ocr", choices=("auto", "force", "off"), default="auto")
    ap.add_argument("--lang", default=None, help='tesseract languages, e.g. "eng" or "hin+eng"')
    ap.add_argument("--password", default=None)
    args = ap.parse_args()

    with doctag.Context() as ctx:
        try:
            # Pages arrive in order while later ones are still being read:
            # memory stays flat whatever the page count.
            for page in ctx.iter_pages(args.source, ocr=args.ocr, languages=args.lang,
                                       password=args.password):
                if page.index:
                    sys.stdout.write("\f")
                sys.stdout.write(page.text or "")
                how = page.method if page.ocr_confidence is None else \
                    "%s, confidence %.0f%%" % (page.method, page.ocr_confidence)
                print("[page %d: %s]" % (page.index + 1, how), file=sys.stderr)
        except doctag.EncryptedPdf:
            print("%s: encrypted, give --password" % args.source, file=sys.stderr)
            return 1
        except doctag.Error as e:
            print("%s: %s" % (args.source, e), file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
