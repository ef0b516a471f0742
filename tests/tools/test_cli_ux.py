"""The doctag CLI as a person and a script use it: help per command, short
options, "did you mean", one error prefix, human output on a terminal and
JSON in a pipe, --format, stdin, -o, --pages, progress, several files with a
summary, batch runs that name failed rows and stop cleanly on ^C, batch
list/export, history, search, the CLI's default allowed roots, exit codes
and the man page."""
import csv
import io
import json
import os
import pty
import re
import select
import shutil
import signal
import subprocess
import tempfile
import time

import pytest

from test_cli import BIN, CORPUS, entries, run

COMMANDS = ["extract", "process", "tag", "batch run", "batch submit", "batch status", "batch watch", "batch pause",
            "batch resume", "batch cancel", "batch list", "batch export", "history", "search", "worker"]


def small_text_doc(min_pages=1):
    es = sorted((e for e in entries("text", "eng") if e["pages"] >= min_pages), key=lambda e: (e["pages"], e["path"]))
    return es[0]


def path_of(e):
    return os.path.join(CORPUS, e["path"])


def run_tty(*args, data_dir=None, env_extra=None, timeout=300):
    """Runs the CLI with stdout and stderr on a pseudo-terminal, as a person
    at a terminal would; returns (exit status, what the terminal showed)."""
    env = dict(os.environ)
    env["DOCTAG_DATA_DIR"] = data_dir or tempfile.mkdtemp(prefix="doctag-cli-")
    env.pop("OPENROUTER_API_KEY", None)
    env.update(env_extra or {})
    master, slave = pty.openpty()
    p = subprocess.Popen([BIN, *args], stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, env=env)
    os.close(slave)
    chunks, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        r, _, _ = select.select([master], [], [], 0.5)
        if r:
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        elif p.poll() is not None:
            break
    os.close(master)
    rc = p.wait(timeout=30)
    return rc, b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")


# ---- help ------------------------------------------------------------------

@pytest.mark.parametrize("cmd", COMMANDS)
def test_every_command_has_its_own_help(cmd):
    r = run(*cmd.split(), "--help")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("Usage: doctag %s" % cmd), r.stdout[:200]
    assert "Exit status: 0 success; 1 every document failed" in r.stdout
    assert "3 some documents failed" in r.stdout
    same = run("help", *cmd.split())
    assert same.returncode == 0 and same.stdout == r.stdout


def test_help_is_not_the_global_help_nor_an_error():
    top = run("--help").stdout
    for cmd in ("extract", "process", "batch watch"):
        r = run(*cmd.split(), "--help")
        assert r.stdout != top
        assert "Job not found" not in r.stdout + r.stderr
    assert "-o, --output FILE" in run("extract", "--help").stdout
    p = run("process", "--help").stdout
    for short in ("-m, --model", "-n, --num-tags", "-l, --lang", "-j, --json", "-o, --output"):
        assert short in p, short
    b = run("batch", "--help").stdout
    for sub in ("run", "list", "export", "watch"):
        assert re.search(r"^  %s\s" % sub, b, re.M), sub


@pytest.mark.parametrize("args,message,cmd", [
    (("proces", "a.pdf"), "unknown command 'proces'; did you mean 'process'?", None),
    (("extarct",), "did you mean 'extract'?", None),
    (("batch", "lsit"), "unknown command 'lsit'; did you mean 'list'?", "batch"),
    (("process", "--num-tgas", "5", "a.pdf"), "unknown option '--num-tgas'; did you mean '--num-tags'?", "process"),
    (("extract", "--pgaes", "2", "a.pdf"), "did you mean '--pages'?", "extract"),
    (("batch", "run", "--treads", "2", "x.csv"), "did you mean '--threads'?", "batch run"),
    (("help", "serach"), "did you mean 'search'?", "help"),
    (("process", "--format", "yaml", "a.pdf"), "--format must be text, json or csv", "process"),
    (("extract", "--pages", "5-2", "a.pdf"), "--pages must be a page or a range", "extract"),
    (("batch", "status"), "a JOB_ID is required", "batch status"),
    (("search",), "a QUERY is required", "search"),
])
def test_usage_errors_say_what_and_where_to_look(args, message, cmd):
    r = run(*args)
    assert r.returncode == 2, (r.returncode, r.stderr)
    first, second = r.stderr.strip().splitlines()[:2]
    prefix = "doctag %s: " % cmd if cmd else "doctag: "
    assert first.startswith(prefix) and message in first, first
    assert second == ("Try 'doctag %s --help'." % cmd if cmd else "Try 'doctag --help'.")


# ---- process: human output, JSON, CSV ------------------------------------------

def test_process_on_a_terminal_prints_what_a_person_reads():
    e = small_text_doc()
    rc, screen = run_tty("process", "-m", "local", "-n", "5", path_of(e))
    assert rc == 0, screen
    assert not screen.lstrip().startswith("{")
    assert screen.splitlines()[0] == path_of(e)
    for label in ("title", "language", "method", "tags", "time"):
        assert re.search(r"^  %s\s+\S" % label, screen, re.M), (label, screen)
    assert re.search(r"^  method\s+text_layer, %d page" % e["pages"], screen, re.M), screen
    assert re.search(r"^  language\s+eng$", screen, re.M), screen
    scores = re.findall(r"  (\d\.\d\d)(?:  \(not in the text\))?$", screen, re.M)
    assert 1 <= len(scores) <= 5 and all(0 <= float(s) <= 1 for s in scores), screen
    # --json on a terminal is the contract JSON
    rc, screen = run_tty("process", "-m", "local", "--json", path_of(e))
    assert rc == 0 and json.loads(screen)["success"] is True


def test_process_formats():
    e = small_text_doc()
    path = path_of(e)
    piped = run("process", "-m", "local", "-n", "4", path)
    as_json = run("process", "-m", "local", "-n", "4", "--format", "json", path)
    assert piped.returncode == 0 and as_json.returncode == 0
    assert json.loads(piped.stdout)["tags"] == json.loads(as_json.stdout)["tags"]
    r = run("process", "-m", "local", "-n", "4", "--format", "csv", path, "/nonexistent/b.pdf")
    assert r.returncode == 3
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [x["file"] for x in rows] == [path, "/nonexistent/b.pdf"]
    assert rows[0]["tags"].split(", ") == json.loads(piped.stdout)["tags"]
    assert rows[0]["page_count"] == str(e["pages"]) and rows[0]["extraction_method"] == "text_layer"
    assert rows[1]["error"] and not rows[1]["tags"]
    r = run("process", "-m", "local", "--format", "text", path)
    assert re.search(r"^  tags\s+\S", r.stdout, re.M)


def test_process_output_file_and_stdin(tmp_path):
    e = small_text_doc()
    out = tmp_path / "r.json"
    r = run("process", "-m", "local", "-n", "3", "-o", str(out), path_of(e))
    assert r.returncode == 0 and r.stdout == ""
    assert len(json.loads(out.read_text())["tags"]) <= 3
    with open(path_of(e), "rb") as f:
        p = subprocess.run([BIN, "process", "-m", "local", "-"], stdin=f, capture_output=True, text=True,
                           env=dict(os.environ, DOCTAG_DATA_DIR=str(tmp_path / "d")))
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["page_count"] == e["pages"]


def test_process_pages_tags_the_pages_asked_for():
    e = small_text_doc(min_pages=3)
    path = path_of(e)
    pages = run("extract", path).stdout.split("\f")[:-1]
    r = run("process", "-m", "local", "--pages", "2-3", path)
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["page_count"] == e["pages"] and [p["page"] for p in d["pages"]] == [2, 3]
    # the preview is the text of page 2 onwards, not page 1's
    assert d["extracted_text_preview"].split()[:5] == pages[1].split()[:5]
    # a page on its own, and "N-": --num-pages pages from N
    d = json.loads(run("process", "-m", "local", "--pages", "3", path).stdout)
    assert [p["page"] for p in d["pages"]] == [3]
    d = json.loads(run("process", "-m", "local", "--pages", "2-", "--num-pages", "1", path).stdout)
    assert [p["page"] for p in d["pages"]] == [2]
    assert d["extracted_text_preview"].split()[:5] == pages[1].split()[:5]
    rc, screen = run_tty("process", "-m", "local", "--pages", "2-3", path)
    assert rc == 0 and re.search(r"^  method\s+text_layer, %d pages \(pages 2-3 read\)" % e["pages"], screen,
                                 re.M), screen
    r = run("process", "-m", "local", "--pages", str(e["pages"] + 1), path)
    assert r.returncode == 1 and "--pages: page %d is past the end" % (e["pages"] + 1) in r.stderr, r.stderr
    for args, message in ((("--pages", "1-11"), "--pages 1-11 is 11 pages; tagging reads 1 to 10"),
                          (("--pages", "2-4", "--num-pages", "2"), "--num-pages says 2: give one of them")):
        r = run("process", "-m", "local", *args, path)
        assert r.returncode == 2 and message in r.stderr, r.stderr


# ---- extract: stdin, -o, --pages, several files, progress ----------------------

def test_extract_stdin_output_file_and_pages(tmp_path):
    e = small_text_doc(min_pages=2)
    path = path_of(e)
    whole = run("extract", path)
    assert whole.returncode == 0
    pages = whole.stdout.split("\f")[:-1]
    assert len(pages) == e["pages"]
    with open(path, "rb") as f:
        p = subprocess.run([BIN, "extract", "-"], stdin=f, capture_output=True, text=True,
                           env=dict(os.environ, DOCTAG_DATA_DIR=str(tmp_path / "d")))
    assert p.returncode == 0 and p.stdout == whole.stdout
    out = tmp_path / "p.txt"
    r = run("extract", "--pages", "2-3", "-o", str(out), path)
    assert r.returncode == 0 and r.stdout == ""
    assert out.read_text().split("\f")[:-1] == pages[1:3]
    r = run("extract", "--pages", "%d-" % e["pages"], path)
    assert r.stdout.split("\f")[:-1] == pages[-1:]
    r = run("extract", "--pages", "1", path)
    assert r.stdout.split("\f")[:-1] == pages[:1]
    r = run("extract", "--pages", str(e["pages"] + 5), path)
    assert r.returncode == 1 and "--pages: page %d is past the end: the document has %d pages" % (
        e["pages"] + 5, e["pages"]) in r.stderr, r.stderr
    r = run("extract", "--json", "--pages", "2", path)
    d = json.loads(r.stdout)
    assert d["success"] and d["page_count"] == e["pages"] and [p["page"] for p in d["pages"]] == [2]
    assert d["pages"][0]["text"] + "\n" == pages[1] or d["pages"][0]["text"] == pages[1]
    r = run("extract", "--format", "csv", "--pages", "1-2", path)
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [x["page"] for x in rows] == ["1", "2"] and rows[0]["method"] == "text"


def test_extract_several_files_with_a_summary():
    a, b = sorted(entries("text", "eng"), key=lambda e: (e["pages"], e["path"]))[:2]
    rc, screen = run_tty("extract", path_of(a), path_of(b), "/nonexistent/c.pdf")
    assert rc == 3, screen
    assert "doctag extract: /nonexistent/c.pdf: " in screen
    assert re.search(r"^3 files: 2 extracted, 1 failed in [\d.]+ s$", screen, re.M), screen
    r = run("extract", path_of(a), path_of(b))
    assert r.returncode == 0 and r.stdout.count("\f") == a["pages"] + b["pages"]


def test_extract_shows_progress_on_a_terminal_only():
    # Progress shows once a document has taken a second, at a page's end. OCR
    # of a small two-page notice now ends in about a second, so the largest
    # English text document of at most three pages is read (the corpus's
    # three-page rental agreement: about 3.5 s), and progress is required
    # when the run took two seconds or more: by then a page ended after the
    # first second.
    e = max((x for x in entries("text", "eng") if 2 <= x["pages"] <= 3),
            key=lambda x: (x["pages"], os.path.getsize(path_of(x)), x["path"]))
    t0 = time.monotonic()
    rc, screen = run_tty("extract", "--ocr", "force", "-o", "/dev/null", path_of(e), env_extra={"OMP_THREAD_LIMIT": "1"})
    took = time.monotonic() - t0
    assert rc == 0, screen
    if took >= 2.0 or screen:
        assert re.search(r"page \d+ of %d \(OCR\)" % e["pages"], screen), (took, screen)
    r = run("extract", "--ocr", "force", "--pages", "1-2", path_of(e))
    assert r.returncode == 0 and "page 1 of" not in r.stderr  # not on a pipe


# ---- batch ---------------------------------------------------------------------

def write_csv(path, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["title", "file_source_type", "file_path"])
        for title, p in rows:
            w.writerow([title, "local", p])


def copy_docs(dest, n, min_pages=1):
    os.makedirs(dest, exist_ok=True)
    docs = sorted((e for e in entries("text", "eng") if e["pages"] >= min_pages),
                  key=lambda e: (e["pages"], e["path"]))[:n]
    out = []
    for e in docs:
        target = os.path.join(dest, os.path.basename(e["path"]))
        shutil.copy(path_of(e), target)
        out.append(target)
    return out


def test_batch_run_names_failed_rows_and_exits_3_then_list_export_history_search(tmp_path):
    docs = copy_docs(str(tmp_path / "docs"), 2)
    outside = tempfile.mkdtemp(prefix="doctag-outside-")
    stranger = os.path.join(outside, "elsewhere.pdf")
    shutil.copy(docs[0], stranger)
    rows = str(tmp_path / "docs" / "rows.csv")
    write_csv(rows, [("First", docs[0]), ("Second", docs[1]), ("Missing", str(tmp_path / "docs" / "none.pdf")),
                     ("Stranger", stranger)])
    data = str(tmp_path / "data")
    env = {"DOCTAG_ALLOWED_ROOTS": ""}  # unset: the CSV's directory and the current directory
    r = run("batch", "run", "-m", "local", rows, data_dir=data, env_extra=env)
    assert r.returncode == 3, r.stderr
    assert re.search(r"^doctag batch run: row 4 \(Missing\) failed: File not found: .*none\.pdf$", r.stderr, re.M), r.stderr
    m = re.search(r"^doctag batch run: row 5 \(Stranger\) failed: (.*)$", r.stderr, re.M)
    assert m and "Path not allowed" in m.group(1) and "DOCTAG_ALLOWED_ROOTS" in m.group(1), r.stderr
    out = list(csv.DictReader(open(str(tmp_path / "docs" / "rows_tagged.csv"))))
    assert [x["tagging_status"].split(":")[0] for x in out] == ["success", "success", "failed", "failed"]
    assert out[0]["generated_tags"]

    # Every row failing is exit 1.
    bad = str(tmp_path / "bad.csv")
    write_csv(bad, [("Gone", str(tmp_path / "gone.pdf"))])
    r = run("batch", "run", "-m", "local", bad, data_dir=data, env_extra=env)
    assert r.returncode == 1, r.stderr

    r = run("batch", "list", "--json", data_dir=data)
    jobs = json.loads(r.stdout)["jobs"]
    assert len(jobs) == 2 and jobs[1]["processed_count"] == 2 and jobs[1]["failed_count"] == 2
    job = jobs[1]["id"]
    rc, screen = run_tty("batch", "list", data_dir=data)
    assert rc == 0 and job in screen and "completed" in screen
    export = str(tmp_path / "export.csv")
    r = run("batch", "export", job, "-o", export, data_dir=data)
    assert r.returncode == 0, r.stderr
    ex = list(csv.DictReader(open(export)))
    assert sorted(x["title"] for x in ex) == ["First", "Missing", "Second", "Stranger"]
    assert all(x["generated_tags"] for x in ex if x["title"] in ("First", "Second"))
    r = run("batch", "export", job, "--input", rows, data_dir=data)
    assert list(csv.DictReader(io.StringIO(r.stdout))) == out
    r = run("batch", "export", "00000000-0000-0000-0000-000000000000", data_dir=data)
    assert r.returncode == 1 and "not found" in r.stderr.lower()

    r = run("history", "--json", data_dir=data)
    titles = [d["title"] for d in json.loads(r.stdout)["documents"]]
    assert sorted(titles) == ["First", "Gone", "Missing", "Second", "Stranger"]
    rc, screen = run_tty("history", "-n", "2", data_dir=data)
    assert rc == 0 and "(2 of 5;" in screen
    word = out[0]["generated_tags"].split(", ")[0].split()[0]
    r = run("search", word, "--format", "csv", data_dir=data)
    assert r.returncode == 0
    found = list(csv.DictReader(io.StringIO(r.stdout)))
    assert found and found[0]["title"] in ("First", "Second", "Stranger"), (word, found)
    r = run("search", "zzqxjv nothing like it", data_dir=data)
    assert r.returncode == 0 and json.loads(r.stdout)["total"] == 0


def test_allowed_roots_set_by_the_user_win(tmp_path):
    docs = copy_docs(str(tmp_path / "docs"), 1)
    rows = str(tmp_path / "docs" / "rows.csv")
    write_csv(rows, [("First", docs[0])])
    other = tempfile.mkdtemp(prefix="doctag-roots-")
    r = run("batch", "run", "-m", "local", rows, env_extra={"DOCTAG_ALLOWED_ROOTS": other})
    assert r.returncode == 1
    assert "Path not allowed: %s (outside DOCTAG_ALLOWED_ROOTS)" % docs[0] in r.stderr, r.stderr


def run_in(cwd, *args, data_dir):
    env = dict(os.environ, DOCTAG_DATA_DIR=data_dir)
    env.pop("DOCTAG_ALLOWED_ROOTS", None)
    env.pop("OPENROUTER_API_KEY", None)
    return subprocess.run([BIN, *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=300)


def test_relative_paths_in_a_batch_csv_are_the_csvs(tmp_path):
    docs = copy_docs(str(tmp_path / "csvs" / "docs"), 1)
    rows = str(tmp_path / "csvs" / "rows.csv")
    name = os.path.basename(docs[0])
    write_csv(rows, [("Plain", "docs/" + name), ("Dotted", "./docs/../docs/" + name), ("Gone", "docs/none.pdf"),
                     ("Escape", "../../" + os.path.basename(str(tmp_path)) + "/x.pdf")])
    shutil.copy(docs[0], str(tmp_path / "x.pdf"))
    # run from elsewhere: the paths are the CSV's, not the current directory's
    elsewhere = tempfile.mkdtemp(prefix="doctag-cwd-")
    r = run_in(elsewhere, "batch", "run", "-m", "local", rows, data_dir=str(tmp_path / "data"))
    assert r.returncode == 3, r.stderr
    out = list(csv.DictReader(open(str(tmp_path / "csvs" / "rows_tagged.csv"))))
    assert [x["file_path"] for x in out][:2] == ["docs/" + name, "./docs/../docs/" + name]  # as written
    status = [x["tagging_status"] for x in out]
    assert status[:2] == ["success", "success"] and out[0]["generated_tags"], status
    assert status[2].startswith("failed: File not found: ") and status[2].endswith("/csvs/docs/none.pdf"), status
    # resolved, then held to the roots: tmp_path itself is neither the CSV's directory nor the current one
    assert status[3].startswith("failed: Path not allowed: ") and "DOCTAG_ALLOWED_ROOTS" in status[3], status


def test_running_from_root_does_not_allow_the_whole_filesystem(tmp_path):
    docs = copy_docs(str(tmp_path / "other"), 1)
    rows = str(tmp_path / "csvs" / "rows.csv")
    os.makedirs(str(tmp_path / "csvs"))
    write_csv(rows, [("Other", docs[0])])
    data = str(tmp_path / "data")
    r = run_in(str(tmp_path), "batch", "run", "-m", "local", rows, data_dir=data)
    assert r.returncode == 0, r.stderr  # from tmp_path, other/ is under the current directory
    r = run_in("/", "batch", "run", "-m", "local", rows, data_dir=data)
    assert r.returncode == 1, r.stderr
    assert "row 2 (Other) failed: Path not allowed: %s (outside DOCTAG_ALLOWED_ROOTS)" % docs[0] in r.stderr
    assert re.search(r"^doctag batch run: the current directory is /, which the CLI does not allow by default.*"
                     r"DOCTAG_ALLOWED_ROOTS", r.stderr, re.M), r.stderr
    # the user's own choice still wins, even "/"
    env = dict(os.environ, DOCTAG_DATA_DIR=data, DOCTAG_ALLOWED_ROOTS="/")
    r = subprocess.run([BIN, "batch", "run", "-m", "local", rows], capture_output=True, text=True, env=env, cwd="/")
    assert r.returncode == 0, r.stderr


def interrupted_batch_run(tmp_path, n):
    """A batch run of n forced-OCR rows (seconds each) stopped with SIGINT
    the moment its second row is taken: (rows.csv, env, exit status, events
    printed after SIGINT, stderr)."""
    docs = copy_docs(str(tmp_path / "docs"), 1, min_pages=2)
    rows = str(tmp_path / "docs" / "rows.csv")
    write_csv(rows, [("Doc%d" % i, docs[0]) for i in range(n)])
    env = dict(os.environ, DOCTAG_DATA_DIR=str(tmp_path / "data"), OMP_THREAD_LIMIT="1")
    env.pop("DOCTAG_ALLOWED_ROOTS", None)
    p = subprocess.Popen([BIN, "batch", "run", "--json", "--threads", "1", "--ocr", "force", "-m", "local", rows],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        for line in p.stdout:
            e = json.loads(line)
            if e.get("type") == "progress" and e.get("row_id") == 1 and e.get("status") == "processing":
                break
        p.send_signal(signal.SIGINT)
        t0 = time.monotonic()
        after = [json.loads(x) for x in p.stdout]
        p.wait(timeout=120)  # a hang guard only: how fast is asserted by what it did not wait for
        print("stopped %.2f s after SIGINT" % (time.monotonic() - t0))
    finally:
        if p.poll() is None:
            p.kill()
    return rows, env, p.returncode, after, p.stderr.read()


def test_batch_run_stops_on_ctrl_c_without_finishing_the_row_in_hand(tmp_path):
    # The row in hand needs seconds of OCR: a run that stops at once leaves it
    # pending (and says so), one that waits for it would record its tags.
    rows, env, rc, after, err = interrupted_batch_run(tmp_path, 6)
    assert rc == 130, err
    assert not [e for e in after if e.get("row_id") == 1 and e.get("status") == "success"], after
    out = list(csv.DictReader(open(str(tmp_path / "docs" / "rows_tagged.csv"))))
    statuses = [x["tagging_status"] for x in out]
    assert len(out) == 6 and statuses[0] == "success" and statuses[1:] == ["pending"] * 5, statuses
    m = re.search(r"Resume with: doctag batch run --resume (\S+) (\S+)$", err, re.M)
    assert m and m.group(2) == rows, err
    r = run("batch", "status", "--json", m.group(1), data_dir=str(tmp_path / "data"))
    assert json.loads(r.stdout)["status"] == "paused"


def test_batch_run_resume_after_ctrl_c_does_every_row_once(tmp_path):
    rows, env, rc, _, err = interrupted_batch_run(tmp_path, 3)
    data = env["DOCTAG_DATA_DIR"]
    assert rc == 130, err
    partial = list(csv.DictReader(open(str(tmp_path / "docs" / "rows_tagged.csv"))))
    done = [x["title"] for x in partial if x["tagging_status"] == "success"]
    assert len(partial) == 3 and "Doc0" in done and len(done) < 3, partial
    assert all(x["tagging_status"] in ("success", "pending") for x in partial), partial
    job = re.search(r"Resume with: doctag batch run --resume (\S+) ", err).group(1)
    # The interrupted document was given back to the queue, not left claimed
    # under its 60 s lease: the resumed run can take it at once.
    import sqlite3
    db = sqlite3.connect(os.path.join(data, "doctag.db"))
    states = db.execute("SELECT state, owner, lease_until FROM queue_items WHERE job_id = ? ORDER BY row_index",
                        (job,)).fetchall()
    db.close()
    assert [x[0] for x in states].count("done") == len(done), states
    assert all(x[0] == "waiting" and x[2] is None for x in states if x[0] != "done"), states
    r = subprocess.run([BIN, "batch", "run", "--resume", job, "-m", "local", rows], capture_output=True,
                       text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    final = list(csv.DictReader(open(str(tmp_path / "docs" / "rows_tagged.csv"))))
    assert [x["title"] for x in final] == ["Doc0", "Doc1", "Doc2"]
    assert all(x["tagging_status"] == "success" and x["generated_tags"] for x in final), final
    assert [x["generated_tags"] for x in final if x["title"] in done] == \
        [x["generated_tags"] for x in partial if x["title"] in done]
    # every row once: three results, three documents in history
    st = json.loads(run("batch", "status", "--json", job, data_dir=data).stdout)
    assert st["status"] == "completed" and st["processed_count"] == 3 and st["failed_count"] == 0, st
    hist = json.loads(run("history", "--json", data_dir=data).stdout)
    assert sorted(d["title"] for d in hist["documents"]) == ["Doc0", "Doc1", "Doc2"], hist


# ---- the man page ----------------------------------------------------------------

def test_man_page_comes_from_the_command_table():
    r = run("help", "--man")
    assert r.returncode == 0
    page = r.stdout
    assert page.startswith(".\\\"") and ".TH DOCTAG 1" in page
    for cmd in COMMANDS:
        assert ".SS \"doctag %s" % cmd.replace("-", "\\-") in page, cmd
    for section in ("EXIT STATUS", "ENVIRONMENT", "DOCTAG_ALLOWED_ROOTS"):
        assert section in page
    for flag in ("\\-\\-pages", "\\-\\-format", "\\-\\-resume"):
        assert flag in page
    if shutil.which("groff"):
        g = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-z"], input=page, capture_output=True, text=True)
        assert g.returncode == 0 and not g.stderr.strip(), g.stderr


DOCS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs")


def test_server_man_page_describes_every_option():
    server = os.path.join(os.path.dirname(BIN), "doctag-server")
    if not os.path.exists(server):
        pytest.skip("no doctag-server in this build")
    flags = re.findall(r"^  --([a-z][a-z-]*)", subprocess.run([server, "--help"], capture_output=True,
                                                                 text=True).stdout, re.M)
    assert len(flags) >= 10
    page = open(os.path.join(DOCS, "doctag-server.1"), encoding="utf-8").read()
    missing = [f for f in flags if "\\-\\-" + f.replace("-", "\\-") not in page]
    assert not missing, missing
    for p in ("doctag-server.1", "libdoctag.3"):
        if shutil.which("groff"):
            g = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-z", os.path.join(DOCS, p)],
                               capture_output=True, text=True)
            assert g.returncode == 0 and not g.stderr.strip(), (p, g.stderr)


def complete(*words):
    """What the bash completion offers for `doctag WORDS...` (last word being typed)."""
    script = os.path.join(DOCS, "doctag.bash-completion")
    line = " ".join("'%s'" % w for w in ("doctag",) + words)
    r = subprocess.run(["bash", "-c", '. "$1"; COMP_WORDS=(%s); COMP_CWORD=%d; _doctag; printf "%%s\\n" "${COMPREPLY[@]}"'
                        % (line, len(words)), "_", script], capture_output=True, text=True,
                       env=dict(os.environ, PATH=os.path.dirname(BIN) + ":" + os.environ["PATH"]))
    assert r.returncode == 0, r.stderr
    return sorted(x for x in r.stdout.splitlines() if x)


def test_bash_completion_reads_the_command_table():
    assert complete("ba") == ["batch"]
    assert complete("") == ["batch", "extract", "help", "history", "process", "search", "tag", "worker"]
    assert complete("batch", "re") == ["resume"]
    assert "export" in complete("batch", "")
    assert complete("process", "--num-") == ["--num-pages", "--num-tags"]
    assert complete("batch", "run", "--res") == ["--resume"]
    assert complete("extract", "--ocr", "f") == ["force"]
    assert complete("process", "--format", "") == ["csv", "json", "text"]
    assert complete("help", "hi") == ["history"]
