#!/usr/bin/python3
"""Ranking decision probe (issue 17): can an embedded engine rank a big
user's top 50 at a cost that the SQL path cannot?

Takes the largest user's documents of a scale_bench SQLite history (run
bench/scale.sh with SCALE_KEEP=1, or scale_bench with SCALE_KEEP=1), indexes
them in a Xapian database of their own (title words weigh 10, tags 4, text
1, as doctag_bm25's columns), optionally repeated COPIES times with
xapian-compact to stand for a user COPIES times as big, and prints for the
bench's queries the CPU of Xapian's BM25 top 50 against FTS5's bm25() top
50 of the same user (the statement doctag_bm25 ranks like, at the same
cost per match), as a ratio. Needs Debian's python3-xapian and xapian-tools
(not the project's dependencies: this is a probe for a decision).

  bench/xapian_probe.py SCALE_DB WORKDIR [COPIES=1]
"""
import os
import sqlite3
import subprocess
import sys
import time

import xapian

QUERIES = ["the", "and", "में", "है", "climate", "monsoon rainfall", "hospital budget", "census"]


def cpu_p50(fn, rounds=5):
    fn()
    t = []
    for _ in range(rounds):
        t0 = time.process_time()
        fn()
        t.append(time.process_time() - t0)
    return sorted(t)[rounds // 2] * 1000


def main():
    db, work = sys.argv[1], sys.argv[2]
    copies = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    c = sqlite3.connect(db)
    uid, ndocs = c.execute("SELECT user_id, count(*) FROM documents GROUP BY user_id"
                           " ORDER BY count(*) DESC LIMIT 1").fetchone()
    one = os.path.join(work, "one")
    if not os.path.exists(one):
        w = xapian.WritableDatabase(one, xapian.DB_CREATE_OR_OPEN)
        tg = xapian.TermGenerator()
        for seq, title, tags, text in c.execute("SELECT seq, title, tags, extracted_text FROM documents"
                                                " WHERE user_id = ?", (uid,)):
            d = xapian.Document()
            tg.set_document(d)
            for part, weight in ((title, 10), (tags, 4), (text, 1)):
                tg.index_text(part or "", weight)
                tg.increase_termpos()
            d.add_value(0, xapian.sortable_serialise(seq))
            w.add_document(d)
        w.commit()
        w.close()
    path = one
    if copies > 1:
        path = os.path.join(work, f"x{copies}")
        if not os.path.exists(path):
            subprocess.run(["xapian-compact", "-m"] + [one] * copies + [path], check=True,
                           stdout=subprocess.DEVNULL)
    x = xapian.Database(path)
    enq = xapian.Enquire(x)
    enq.set_weighting_scheme(xapian.BM25Weight(1.2, 0, 1, 0.75, 0.5))
    print(f"largest user: {ndocs} documents, Xapian index of {x.get_doccount()} ({copies}x)")
    for q in QUERIES:
        terms = q.split()
        enq.set_query(xapian.Query(xapian.Query.OP_AND, terms))
        xms = cpu_p50(lambda: enq.get_mset(0, 50))
        match = 'fts_owner : "%s" AND {title tags extracted_text} : (%s)' % (
            uid.replace("-", ""), " ".join('"%s"' % t for t in terms))
        sql = ("SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?"
               " ORDER BY bm25(documents_fts, 10.0, 4.0, 1.0, 0.0) LIMIT 50")
        fms = cpu_p50(lambda: c.execute(sql, (match,)).fetchall())
        print(f"  {q!r}: {enq.get_mset(0, 50).get_matches_estimated()} matches; Xapian {xms:.2f} ms CPU,"
              f" FTS5 ({ndocs} documents) {fms:.2f} ms; ratio (x{copies} index) {xms / fms:.3f}")


if __name__ == "__main__":
    main()
