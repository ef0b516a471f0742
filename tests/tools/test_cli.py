"""The doctag CLI as users drive it: exit codes (0 ok, 1 every document
failed, 2 usage, 3 some failed), `doctag CMD: FILE: message` on stderr,
extract's form feeds, process's JSON, and every malformed corpus file."""
import csv
import io
import json
import os
import re
import subprocess
import tempfile

import pytest

BIN = os.environ["DOCTAG_BIN"]


def corpus_dir():
    for var in ("DOCTAG_SHARED_CORPUS", "DOCTAG_FIXTURES"):
        d = os.environ.get(var)
        if d and os.path.isfile(os.path.join(d, "manifest.json")):
            return d
    raise RuntimeError("no corpus with a manifest.json")


CORPUS = corpus_dir()
MANIFEST = json.load(open(os.path.join(CORPUS, "manifest.json")))


def run(*args, data_dir=None, env_extra=None):
    env = dict(os.environ)
    env["DOCTAG_DATA_DIR"] = data_dir or tempfile.mkdtemp(prefix="doctag-cli-")
    env.pop("OPENROUTER_API_KEY", None)
    env.update(env_extra or {})
    return subprocess.run([BIN, *args], capture_output=True, text=True, env=env, timeout=300)


def entries(kind, lang=None):
    return [e for e in MANIFEST if e["kind"] == kind and not e.get("benchmark")
            and (lang is None or e.get("lang") == lang)]


def test_version_and_help():
    r = run("--version")
    assert r.returncode == 0 and re.match(r"doctag \d+\.\d+\.\d+", r.stdout)
    r = run("--help")
    assert r.returncode == 0 and "extract" in r.stdout and "process" in r.stdout


@pytest.mark.parametrize("args,needle", [
    ((), "Usage"),
    (("frobnicate",), "unknown command"),
    (("extract",), "FILE, URL or - (standard input) is required"),
    (("extract", "--ocr", "sometimes", "a.pdf"), "--ocr must be auto, force or off"),
    (("process", "--num-tags", "99", "a.pdf"), "--num-tags must be a number from 3 to 15"),
    (("process", "--num-pages", "0", "a.pdf"), "--num-pages must be a number from 1 to 10"),
    (("extract", "--model", "local", "a.pdf"), "unknown option '--model'"),
])
def test_usage_errors_exit_2(args, needle):
    r = run(*args)
    assert r.returncode == 2
    assert needle in r.stderr + r.stdout


@pytest.mark.parametrize("entry", entries("malformed"), ids=lambda e: e["path"])
def test_malformed_files(entry):
    path = os.path.join(CORPUS, entry["path"])
    r = run("extract", path)
    if entry["expect"] == "ok":
        assert r.returncode == 0, r.stderr
    else:
        assert r.returncode == 1, (r.returncode, r.stderr)
        line = r.stderr.strip().splitlines()[-1]
        assert line.startswith("doctag extract: %s: " % path)
        assert len(line) > len("doctag extract: %s: " % path) + 5  # says what is wrong


def test_password_opens_encrypted_file():
    enc = [e for e in MANIFEST if e.get("password")]
    if not enc:
        pytest.skip("no password-protected file in this corpus")
    e = enc[0]
    path = os.path.join(CORPUS, e["path"])
    assert "password" in run("extract", path).stderr.lower()
    r = run("extract", "--password", e["password"], path)
    assert r.returncode == 0 and r.stdout.strip()
    r = run("extract", "--password", "wrong-password", path)
    assert r.returncode == 1


def words(s):
    return s.split()


@pytest.mark.parametrize("entry", entries("text", "eng")[:3], ids=lambda e: e["path"])
def test_extract_pages_end_with_form_feed(entry):
    r = run("extract", os.path.join(CORPUS, entry["path"]))
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("\f") == entry["pages"]
    truth = open(os.path.join(CORPUS, entry["truth"]), encoding="utf-8").read()
    got, want = words(r.stdout), words(truth)
    missing = sum(1 for w in set(want) if w not in got)
    assert missing <= max(1, len(set(want)) // 50)


def test_extract_says_which_page_no_model_reads():
    """The fixtures' Thai scan (no model installed): extract's JSON and CSV
    name the page's method as process's JSON does, not as a blank page."""
    fx = os.environ.get("DOCTAG_FIXTURES")
    path = os.path.join(fx, "scanned", "th_market_notice.pdf") if fx else ""
    if not os.path.isfile(path):
        pytest.skip("no generated fixtures")
    r = run("extract", "--format", "json", path)
    assert r.returncode == 0, r.stderr
    page = json.loads(r.stdout)["pages"][0]
    assert page["method"] == "ocr_no_model" and page["text"] == "", page


def test_extract_prints_page_warnings():
    """A page's warning (here: no OCR model for Thai, naming the package)
    reaches extract's output as process's does: on stderr in every format,
    and in the data of json (the page's "warning") and csv (a last column);
    the text stays the text alone, and a page without one says null."""
    fx = os.environ.get("DOCTAG_FIXTURES")
    path = os.path.join(fx, "scanned", "th_market_notice.pdf") if fx else ""
    if not os.path.isfile(path):
        pytest.skip("no generated fixtures")
    needle = "warning: Page 1: no OCR model installed for script Thai (install tesseract-ocr-tha)"
    r = run("extract", path)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "\f" and needle in r.stderr, (r.stdout, r.stderr)
    r = run("extract", "--format", "json", path)
    assert r.returncode == 0, r.stderr
    page = json.loads(r.stdout)["pages"][0]
    assert page["warning"] == "no OCR model installed for script Thai (install tesseract-ocr-tha)", page
    assert needle in r.stderr
    r = run("extract", "--format", "csv", path)
    assert r.returncode == 0, r.stderr
    rows = list(csv.reader(io.StringIO(r.stdout)))
    assert rows[0][-1] == "warning" and len(rows) == 2, rows
    assert rows[1][-1] == page["warning"] and rows[1][2] == "ocr_no_model", rows
    assert needle in r.stderr
    plain = os.path.join(CORPUS, entries("text", "eng")[0]["path"])
    r = run("extract", "--format", "json", "--pages", "1", plain)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["pages"][0]["warning"] is None and "warning" not in r.stderr


def test_icu_is_loaded_only_for_text_that_needs_it(tmp_path):
    """ICU is loaded on first use (core/iculib.c): extracting and tagging an
    English text layer never need it; breaking Chinese into words does."""
    plain = os.path.join(CORPUS, entries("text", "eng")[0]["path"])
    for args in (("extract", plain), ("process", "--model", "local", plain)):
        r = run(*args, env_extra={"LD_DEBUG": "files"})
        assert r.returncode == 0 and "file=libpoppler" in r.stderr, r.stderr[-500:]
        assert "libicuuc" not in r.stderr, args
    zh = tmp_path / "zh.txt"
    zh.write_text("自然语言处理是计算机科学和人工智能的一个重要领域。机器翻译和信息检索是自然语言处理的重要应用。"
                  "自然语言处理研究人与计算机之间用自然语言进行有效通信的各种理论和方法。", encoding="utf-8")
    r = run("tag", "--model", "local", str(zh), env_extra={"LD_DEBUG": "files"})
    assert r.returncode == 0 and "libicuuc" in r.stderr
    assert "自然语言" in json.loads(r.stdout)["tags"]  # words, not one run


def test_process_prints_the_contract_json():
    e = entries("text", "eng")[0]
    r = run("process", "--model", "local", "--num-tags", "5", os.path.join(CORPUS, e["path"]))
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    for k in ("success", "document_title", "tags", "extracted_text_preview", "processing_time", "is_scanned",
              "extraction_method", "ocr_confidence", "raw_ai_response", "error", "document_id", "page_count",
              "detected_language", "tag_details", "needs_review"):
        assert k in d, k
    assert d["success"] is True and d["error"] is None
    assert 1 <= len(d["tags"]) <= 5
    assert d["model_name"] == "local"
    assert d["page_count"] == e["pages"]
    assert d["extraction_method"] == "text_layer" and d["is_scanned"] is False


def test_process_without_a_key_says_so_on_stderr():
    """Issue 14: a model that needs a key, with none, is tagged offline and
    the CLI says so on stderr; JSON keeps it in "warnings"; the text format
    lists it; --model local has no warning."""
    path = os.path.join(CORPUS, entries("text", "eng")[0]["path"])
    warning = "No API key for model 'openai/gpt-4o-mini': tagged with the offline tagger"
    r = run("process", "--json", "--model", "openai/gpt-4o-mini", path)
    assert r.returncode == 0, r.stderr
    assert r.stderr.splitlines() == [f"doctag: {path}: warning: {warning}"], r.stderr
    d = json.loads(r.stdout)
    assert d["warnings"] == [warning] and d["model_name"] == "local" and d["tags"]
    r = run("process", "--format", "text", "--model", "openai/gpt-4o-mini", path)
    assert r.returncode == 0 and f"  warnings  {warning}" in r.stdout, r.stdout
    r = run("process", "--json", "--model", "local", path)
    assert r.returncode == 0 and r.stderr == "" and json.loads(r.stdout)["warnings"] == []


def test_process_exclusion_and_vocabulary():
    e = entries("text", "eng")[0]
    path = os.path.join(CORPUS, e["path"])
    first = json.loads(run("process", "--model", "local", path).stdout)["tags"]
    r = run("process", "--model", "local", "--exclude", first[0], path)
    assert first[0] not in json.loads(r.stdout)["tags"]
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("# excluded terms\n%s, %s\n" % (first[0], first[1]))
    r = run("process", "--model", "local", "--exclusion-file", f.name, path)
    tags = json.loads(r.stdout)["tags"]
    assert first[0] not in tags and first[1] not in tags
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as v:
        v.write("%s\nquantum chromodynamics\n" % first[2].upper())
    r = run("process", "--model", "local", "--vocabulary", v.name, path)
    assert json.loads(r.stdout)["tags"] == [first[2]]


def test_several_files_one_failing():
    e = entries("text", "eng")[0]
    r = run("process", "--model", "local", os.path.join(CORPUS, e["path"]), "/nonexistent/x.pdf")
    assert r.returncode == 3  # some failed
    assert len(r.stdout.strip().splitlines()) == 1  # the good one is still printed
    assert "doctag process: /nonexistent/x.pdf: " in r.stderr
    assert "2 files: 1 tagged, 1 failed" not in r.stderr  # JSON to a pipe: no summary
    r = run("process", "--model", "local", "/nonexistent/x.pdf", "/nonexistent/y.pdf")
    assert r.returncode == 1  # every document failed


def test_url_guard_and_bad_scheme():
    r = run("extract", "http://127.0.0.1:9/doc.pdf")
    assert r.returncode == 1 and "loopback" in r.stderr
    r = run("extract", "ftp://example.com/doc.pdf")
    assert r.returncode == 1 and "Must start with http:// or https://" in r.stderr


def test_libcurl_and_libpq_are_loaded_only_when_needed(tmp_path):
    """libcurl, libpq, libjwt, libsqlite3, libhiredis, libsodium and
    poppler-glib are loaded on first use: where they cannot be loaded, text
    PDFs and the local tagger still work, and what needs them fails saying which library
    is missing (libjwt: no CLI command makes tokens; the Python tests check
    its message)."""
    for name in ("libcurl.so.4", "libpq.so.5", "libjwt.so.0", "libsqlite3.so.0"):
        (tmp_path / name).write_text("not a shared object\n")
    broken = {"LD_LIBRARY_PATH": str(tmp_path)}  # searched before the system's

    def without(soname):
        """The environment of a process where `soname` alone cannot be loaded."""
        d = tmp_path / ("no-" + soname)
        d.mkdir()
        (d / soname).write_text("not a shared object\n")
        return {"LD_LIBRARY_PATH": str(d)}

    e = entries("text", "eng")[0]
    path = os.path.join(CORPUS, e["path"])
    r = run("extract", path, env_extra=broken)
    assert r.returncode == 0 and r.stdout.count("\f") == e["pages"], r.stderr
    r = run("process", "--model", "local", path, env_extra=broken)
    assert r.returncode == 0 and json.loads(r.stdout)["tags"], r.stderr

    r = run("extract", "http://192.0.2.1/doc.pdf", env_extra=broken)
    assert r.returncode == 1 and "cannot load libcurl" in r.stderr, r.stderr
    r = run("process", "--model", "some/model", path,
            env_extra=dict(broken, OPENROUTER_API_KEY="sk-test", DOCTAG_LLM_BASE_URL="http://127.0.0.1:9/v1"))
    assert r.returncode == 1 and "cannot load libcurl" in r.stderr, r.stderr

    csv = tmp_path / "batch.csv"
    csv.write_text("file_path\n%s\n" % path)
    r = run("batch", "run", str(csv), "--model", "local",
            env_extra=dict(broken, DOCTAG_DATABASE_URL="postgresql://127.0.0.1:9/doctag"))
    assert r.returncode != 0 and "cannot load libpq" in r.stderr, r.stderr
    r = run("history", env_extra=broken)
    assert r.returncode == 1 and "cannot load libsqlite3" in r.stderr, r.stderr

    # hiredis too, with SQLite there for the CLI user's history
    no_redis = without("libhiredis.so.0.14")
    r = run("extract", path, env_extra=no_redis)
    assert r.returncode == 0 and r.stdout.count("\f") == e["pages"], r.stderr
    csv.write_text("title,file_path,file_source_type\nr,%s,local\n" % path)
    r = run("batch", "run", str(csv), "--model", "local",
            env_extra=dict(no_redis, DOCTAG_REDIS_URL="redis://127.0.0.1:9"))
    assert r.returncode == 1 and "cannot load libhiredis" in r.stderr, r.stderr

    # libsodium: the CLI user's creation needs it, extraction and tagging do not
    no_sodium = without("libsodium.so.23")
    r = run("extract", path, env_extra=no_sodium)
    assert r.returncode == 0 and r.stdout.count("\f") == e["pages"], r.stderr
    r = run("process", "--model", "local", path, env_extra=no_sodium)
    assert r.returncode == 0 and json.loads(r.stdout)["tags"], r.stderr
    r = run("history", env_extra=no_sodium)
    assert r.returncode == 1 and "cannot load libsodium" in r.stderr, r.stderr

    # poppler-glib (with cairo, GObject, GIO): page images and OCR need it, text layers do not
    no_glib = without("libpoppler-glib.so.8")
    r = run("extract", path, env_extra=no_glib)
    assert r.returncode == 0 and r.stdout.count("\f") == e["pages"], r.stderr
    r = run("process", "--model", "local", path, env_extra=no_glib)
    assert r.returncode == 0 and json.loads(r.stdout)["tags"], r.stderr
    r = run("extract", "--ocr", "force", path, env_extra=no_glib)
    assert r.returncode == 1 and "cannot load poppler-glib" in r.stderr, r.stderr


def test_extract_of_a_local_file_has_no_time_limit():
    """The server's limit per document (DOCTAG_TIMEOUT_SEC, 300 s) stopped a
    20-page OCR at page 17 under `doctag extract` on a loaded machine, its
    work thrown away. A local file or standard input under extract has no
    limit unless the variable sets one, which still stops it; a URL and
    tagging keep the limit."""
    scans = sorted(entries("scanned", "eng"), key=lambda e: -e["pages"])
    scan = os.path.join(CORPUS, scans[0]["path"])
    debug = {"G_MESSAGES_DEBUG": "all"}
    r = run("extract", "--ocr", "off", scan, env_extra=debug)
    assert r.returncode == 0, r.stderr
    assert "no time limit" in r.stdout + r.stderr
    with open(scan, "rb") as f:
        env = dict(os.environ, DOCTAG_DATA_DIR=tempfile.mkdtemp(prefix="doctag-cli-"), **debug)
        p = subprocess.run([BIN, "extract", "--ocr", "off", "-"], stdin=f, capture_output=True, text=True,
                           env=env, timeout=300)
    assert p.returncode == 0 and "no time limit" in p.stdout + p.stderr, p.stderr

    # set, the limit holds: a second is not enough to OCR every page
    r = run("extract", "--ocr", "force", scan, env_extra=dict(debug, DOCTAG_TIMEOUT_SEC="1"))
    assert r.returncode == 1 and "time limit reached" in r.stderr, (r.returncode, r.stderr[-300:])
    assert "no time limit" not in r.stdout + r.stderr

    r = run("extract", "http://127.0.0.1:9/doc.pdf", env_extra=debug)
    assert r.returncode == 1 and "no time limit" not in r.stdout + r.stderr
    text = os.path.join(CORPUS, entries("text", "eng")[0]["path"])
    r = run("process", "--model", "local", text, env_extra=debug)
    assert r.returncode == 0 and "no time limit" not in r.stdout + r.stderr, r.stderr


def test_ocr_prints_nothing_of_its_libraries_on_stderr():
    """Leptonica printed "Warning in pixScaleGrayLI: scaling factors < 0.7"
    into the terminal for every 300 PPI English page read by OCR (the page
    is shrunk to 150 PPI). Reading a scan prints only doctag's own lines;
    on these pages, none."""
    for e in entries("scanned"):
        r = run("extract", "--ocr", "force", "--pages", "1", os.path.join(CORPUS, e["path"]))
        assert r.returncode == 0 and r.stderr == "", (e["path"], r.stderr)
