#!/usr/bin/python3
"""Tag PDFs (paths or http(s) URLs) with doctag and print their tags.

    python3 process.py report.pdf scan.pdf https://example.org/notice.pdf
    python3 process.py --model openai/gpt-4o-mini --json report.pdf
"""
import argparse
import sys

import doctag


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sources", nargs="+", metavar="PDF")
    ap.add_argument("--model", default="local", help='"local" (offline) or an LLM model name')
    ap.add_argument("--num-tags", type=int, default=8)
    ap.add_argument("--exclude", action="append", default=[], help="a term never to use as a tag")
    ap.add_argument("--json", action="store_true", help="print the whole result as JSON")
    args = ap.parse_args()

    status = 0
    with doctag.Context() as ctx:  # DOCTAG_* environment, else embedded defaults
        for source in args.sources:
            try:
                r = ctx.process(source, model=args.model, num_tags=args.num_tags,
                                exclude=args.exclude)
            except doctag.Error as e:  # NotFound, PdfError, EncryptedPdf, UrlRefused...
                print("%s: %s (%s)" % (source, e, type(e).__name__), file=sys.stderr)
                status = 1
                continue
            if args.json:
                print(r.to_json(indent=2))
                continue
            print("%s: %s" % (source, r.title))
            print("  %d pages, %s%s" % (r.page_count, r.extraction_method,
                                        "" if r.ocr_confidence is None
                                        else ", OCR confidence %.0f%%" % r.ocr_confidence))
            for t in r.tag_details:
                print("  %-32s %.3f" % (t.tag, t.score))
    return status


if __name__ == "__main__":
    sys.exit(main())
