"""Each error class raised by a real failure of the library."""

import os
import pathlib
import subprocess
import sys

import pytest

import doctag


def test_not_found(ctx):
    with pytest.raises(doctag.NotFound) as info:
        ctx.process("/no/such/dir/missing.pdf", model="local")
    assert "missing.pdf" in info.value.message
    assert info.value.code == doctag.NotFound.code


def test_not_a_pdf(ctx, corpus):
    with pytest.raises(doctag.PdfError):
        ctx.process(b"Dear reader, this is not a PDF at all." * 3, model="local")
    with pytest.raises(doctag.PdfError):
        ctx.extract(b"")
    for e in corpus.find(kind="malformed", expect="error:not a pdf"):
        with pytest.raises(doctag.PdfError):
            ctx.extract(corpus.path(e["path"]))


def test_encrypted_pdf(ctx, corpus):
    e = corpus.one(kind="malformed", expect="error:password")
    path = corpus.path(e["path"])
    with pytest.raises(doctag.EncryptedPdf) as info:
        ctx.extract(path)
    assert isinstance(info.value, doctag.PdfError)
    assert "encrypt" in info.value.message.lower() or "password" in info.value.message.lower()
    with pytest.raises(doctag.EncryptedPdf):
        ctx.extract(path, password="not the password")
    assert ctx.extract(path, password=e["password"]).strip()


def test_invalid_input(ctx, corpus):
    path = corpus.path(corpus.one(kind="text", lang="eng")["path"])
    with pytest.raises(doctag.InvalidInput) as info:
        ctx.process(path, model="local", num_tags=99)
    assert "num_tags" in info.value.message
    with pytest.raises(doctag.InvalidInput):
        ctx.process(path, model="local", num_pages=11)
    with pytest.raises(doctag.InvalidInput):
        ctx.extract(path, ocr="sideways")
    with pytest.raises(doctag.InvalidInput):
        ctx.extract(path, languages="not a language!")
    with pytest.raises(TypeError):
        ctx.process(12345)


def test_limit_exceeded(ctx, make_ctx, corpus):
    e = corpus.one(kind="text", lang="eng", min_pages=2)
    path = corpus.path(e["path"])
    with pytest.raises(doctag.LimitExceeded):
        ctx.process(path, model="local", max_pages=1)
    size = os.path.getsize(path)
    small = make_ctx(max_file_bytes=size // 2)
    with pytest.raises(doctag.LimitExceeded) as info:
        small.extract(pathlib.Path(path).read_bytes())
    assert "MB" in info.value.message
    with pytest.raises(doctag.LimitExceeded):
        small.extract(path)


def test_url_refused(ctx, http_server, corpus):
    e = corpus.one(kind="text", lang="eng")
    http_server.routes["/refused.pdf"] = (200, "application/pdf",
                                           pathlib.Path(corpus.path(e["path"])).read_bytes())
    # The session context reads no environment: private addresses are refused.
    with pytest.raises(doctag.UrlRefused):
        ctx.process(http_server.url("/refused.pdf"), model="local")


def test_fetch_error(make_ctx, http_server):
    c = make_ctx(allow_private_urls=True)
    with pytest.raises(doctag.FetchError) as info:
        c.extract(http_server.url("/no-such-document.pdf"))
    assert "404" in info.value.message


def test_no_text(ctx, corpus):
    e = corpus.one(kind="malformed", name="empty_pages")
    with pytest.raises(doctag.NoText):
        ctx.process(corpus.path(e["path"]), model="local", ocr="off")


def test_ocr_error_for_a_missing_language(ctx, corpus):
    e = corpus.one(kind="scanned", lang="eng")
    with pytest.raises(doctag.OcrError) as info:
        ctx.extract(corpus.path(e["path"]), ocr="force", languages="zzz")
    assert "zzz" in info.value.message


_AFTER_TIMEOUT = r"""
import sys, doctag
long_scan, short_scan, text, data = sys.argv[1:5]
for attempt in range(2):
    c = doctag.Context(data_dir=data, ignore_environment=True, timeout=1, threads=1)
    try:
        c.extract(long_scan, ocr="force")
        sys.exit("no Timeout")
    except doctag.Timeout as e:
        print("timeout:", e)
    c.close()
# The library is still sound after calls ran out of time: same thread,
# a new context, OCR again.
with doctag.Context(data_dir=data, ignore_environment=True) as c2:
    assert c2.extract(short_scan, ocr="force").strip()
    assert c2.extract(text).strip()
print("ok")
"""


def test_timeout(corpus, tmp_path):
    """In a child process: if the library corrupts memory when a call times
    out, only this test fails, not the whole suite."""
    scans = corpus.find(kind="scanned")
    longest = max(scans, key=lambda e: e.get("pages") or 0)
    short = corpus.one(kind="scanned", lang="eng")
    text = corpus.one(kind="text", lang="eng")
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    p = subprocess.run([sys.executable, "-c", _AFTER_TIMEOUT, corpus.path(longest["path"]),
                        corpus.path(short["path"]), corpus.path(text["path"]), str(tmp_path / "data")],
                       capture_output=True, text=True, env=env, timeout=600)
    assert p.returncode == 0 and p.stdout.endswith("ok\n"), (p.returncode, p.stdout, p.stderr[-2000:])
    assert "timeout: " in p.stdout


def test_llm_error(make_ctx, corpus, http_server):
    http_server.routes["/v1/chat/completions"] = (
        400, "application/json", b'{"error": {"message": "model does not exist"}}')
    c = make_ctx(llm_base_url=http_server.url("/v1"), api_key="sk-test-not-a-real-key",
                 allow_private_urls=True)
    e = corpus.one(kind="text", lang="eng")
    with pytest.raises(doctag.LlmError):
        c.process(corpus.path(e["path"]), model="nobody/no-such-model")


def test_cancelled_by_the_page_callback(ctx, corpus):
    e = corpus.one(kind="text", lang="eng", min_pages=2)
    seen = []

    def stop_after_first(page):
        seen.append(page.index)
        return True
    with pytest.raises(doctag.Cancelled):
        ctx.extract(corpus.path(e["path"]), on_page=stop_after_first)
    assert seen == [0]


def test_exception_in_the_page_callback_is_raised(ctx, corpus):
    e = corpus.one(kind="text", lang="eng", min_pages=2)

    class Boom(Exception):
        pass

    def explode(page):
        raise Boom("page %d" % page.index)
    with pytest.raises(Boom, match="page 0"):
        ctx.extract(corpus.path(e["path"]), on_page=explode)


def test_io_error_when_the_data_dir_cannot_be_made(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    with pytest.raises(doctag.IoError) as info:
        doctag.Context(data_dir=str(blocker / "data"), ignore_environment=True)
    assert "data" in info.value.message


def test_the_context_survives_errors(ctx, corpus):
    """A failed call leaves nothing behind: the next one works."""
    e = corpus.one(kind="text", lang="eng")
    for _ in range(3):
        with pytest.raises(doctag.PdfError):
            ctx.extract(b"%PDF-1.4 truncated")
        assert ctx.process(corpus.path(e["path"]), model="local").tags
