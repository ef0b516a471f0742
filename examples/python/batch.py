#!/usr/bin/python3
"""Tag several PDFs as one batch job: submit, run a worker, follow the events,
print the results.

    DOCTAG_ALLOWED_ROOTS=$PWD python3 batch.py $PWD/a.pdf $PWD/b.pdf

Files are local paths under DOCTAG_ALLOWED_ROOTS. The job belongs to the user
example@example.org (registered on first use). Exit status 0 when every
document succeeded, 3 when some failed, 1 on an error.
"""
import argparse
import sys
import threading

import doctag

EMAIL, PASSWORD = "example@example.org", "example password"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="+", metavar="PDF")
    ap.add_argument("--model", default="local", help='"local" (offline) or an LLM model name')
    ap.add_argument("--num-tags", type=int, default=8)
    args = ap.parse_args()

    with doctag.Context() as ctx:  # DOCTAG_* environment, else embedded defaults
        try:
            user = ctx.register(EMAIL, PASSWORD, full_name="doctag example")
        except doctag.AlreadyExists:
            user = ctx.verify(ctx.login(EMAIL, PASSWORD))
        rows = [{"title": f, "file_path": f, "file_source_type": "local"} for f in args.files]
        with ctx.submit_batch(user, rows, model=args.model, num_tags=args.num_tags) as job:
            print("job %s: %d documents" % (job.id, job.total))
            # A worker in this process (otherwise `doctag worker` or the server).
            worker = threading.Thread(target=ctx.run_worker, kwargs={"until_job": job, "threads": 2})
            worker.start()
            for event in job.events():
                if event["type"] == "progress":
                    print("event %d: row %d %s" % (event["seq"], event["row_id"], event["status"]))
                else:
                    print("event %d: %s %s" % (event["seq"], event["type"], event.get("message", "")))
            worker.join()
            job.refresh()
            print("status: %s, %d succeeded, %d failed of %d"
                  % (job.status, job.processed_count, job.failed_count, job.total))
            for r in sorted(job.results(), key=lambda r: int(r["row_id"])):
                print("row %d: %s" % (r["row_id"], r["title"]))
                if r["status"] != "success":
                    print("  failed: %s" % r["error"])
                for tag in r["tags"]:
                    print("  %s" % tag)
            return 3 if job.failed_count else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except doctag.Error as e:
        print("batch: %s (%s)" % (e, type(e).__name__), file=sys.stderr)
        sys.exit(1)
