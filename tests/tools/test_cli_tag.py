"""`doctag tag`: plain text from a file or standard input, the contract's
JSON (extraction_method "text", page_count null), exit codes and messages."""
import json
import os
import subprocess
import tempfile

BIN = os.environ["DOCTAG_BIN"]
TEXT = ("Binary decision diagrams for boolean functions\n"
        "Binary decision diagrams are a compact representation of boolean functions. "
        "We decompose boolean functions with binary decision diagrams.\n")


def run(*args, stdin=None):
    env = dict(os.environ)
    env["DOCTAG_DATA_DIR"] = tempfile.mkdtemp(prefix="doctag-cli-tag-")
    env.pop("OPENROUTER_API_KEY", None)
    return subprocess.run([BIN, "tag", *args], input=stdin, capture_output=True, env=env, timeout=120)


def test_file_and_stdin_give_the_same_json(tmp_path):
    p = tmp_path / "bdd.txt"
    p.write_text(TEXT)
    a = run("--model", "local", "--num-tags", "5", str(p))
    b = run("--model", "local", "--num-tags", "5", "-", stdin=TEXT.encode())
    assert a.returncode == 0 and b.returncode == 0, (a.stderr, b.stderr)
    ja, jb = json.loads(a.stdout), json.loads(b.stdout)
    assert ja["tags"] == jb["tags"] and 1 <= len(ja["tags"]) <= 5
    assert "binary decision diagrams" in ja["tags"]
    assert ja["document_title"] == "Binary decision diagrams for boolean functions"
    assert ja["extraction_method"] == "text" and ja["is_scanned"] is False
    assert ja["page_count"] is None and ja["pages"] == [] and ja["model_name"] == "local"
    c = run("--model", "local", "--title", "My title", str(p))
    assert json.loads(c.stdout)["document_title"] == "My title"


def test_several_inputs_one_line_each(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text(TEXT)
    r = run("--model", "local", str(p), str(p))
    assert r.returncode == 0 and len(r.stdout.decode().splitlines()) == 2


def test_errors():
    r = run("--model", "local", "-", stdin=b"tiny")
    assert r.returncode == 1 and b"doctag tag: (standard input): Not enough text to tag" in r.stderr
    r = run("--model", "local", "-", stdin=b"\xff" * 80)
    assert r.returncode == 1 and b"not UTF-8" in r.stderr
    r = run("--model", "local", "/nonexistent/x.txt")
    assert r.returncode == 1 and b"/nonexistent/x.txt" in r.stderr
    r = run("--num-tags", "99", "-", stdin=TEXT.encode())
    assert r.returncode == 2 and b"--num-tags must be a number from 3 to 15" in r.stderr
    r = run()
    assert r.returncode == 2 and b"FILE.txt or - (standard input) is required" in r.stderr
