#!/usr/bin/python3
"""Tag every PDF of a directory with a few threads sharing one Context, and
write one JSON line per document.

    python3 parallel.py ~/papers > tags.jsonl
"""
import argparse
import concurrent.futures
import json
import os
import sys
from typing import Any, Dict

import doctag


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("directory")
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--model", default="local")
    args = ap.parse_args()

    paths = sorted(os.path.join(root, f) for root, _, files in os.walk(args.directory)
                   for f in files if f.lower().endswith(".pdf"))
    ok = 0
    # One context for all threads: it is thread-safe, and the blocking calls
    # release the GIL, so the documents really are processed in parallel.
    with doctag.Context() as ctx:
        def one(path: str) -> Dict[str, Any]:
            try:
                r = ctx.process(path, model=args.model)
                return {"file": path, "title": r.title, "tags": r.tags}
            except doctag.Error as e:
                return {"file": path, "error": str(e), "kind": type(e).__name__}

        with concurrent.futures.ThreadPoolExecutor(args.threads) as pool:
            for row in pool.map(one, paths):
                ok += "tags" in row
                print(json.dumps(row, ensure_ascii=False), flush=True)
    print("%d of %d documents tagged" % (ok, len(paths)), file=sys.stderr)
    return 0 if ok == len(paths) else 1


if __name__ == "__main__":
    sys.exit(main())
