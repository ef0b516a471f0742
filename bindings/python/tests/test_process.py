"""Processing and extraction through the Pythonic layer, on the corpus."""

import io
import json
import os
import pathlib
import re

import pytest

import doctag
from conftest import norm


def _english(corpus):
    return corpus.one(kind="text", lang="eng", max_pages=5)


def test_process_english_pdf_with_the_local_tagger(ctx, corpus):
    e = _english(corpus)
    r = ctx.process(corpus.path(e["path"]), model="local", num_tags=8)
    assert isinstance(r, doctag.Result)
    assert 3 <= len(r.tags) <= 8
    for t in r.tags:
        assert t == t.lower() and t.strip() == t and t
    assert len(set(r.tags)) == len(r.tags)
    assert r.title
    assert r.page_count == e["pages"]
    assert r.extraction_method == "text_layer"
    assert r.is_scanned is False
    assert r.ocr_confidence is None
    assert r.model_name == "local"
    assert corpus.phrase(e) in norm(r.text)
    assert re.fullmatch(r"[0-9a-f]{64}", r.sha256)
    assert r.processing_time >= 0
    assert list(r) == r.tags and len(r) == len(r.tags)
    assert r.title in repr(r) and "tags=" in repr(r)


def test_tag_details(ctx, corpus):
    e = _english(corpus)
    r = ctx.process(corpus.path(e["path"]), model="local")
    details = r.tag_details
    assert [d.tag for d in details] == r.tags
    for d in details:
        assert isinstance(d.score, float) and isinstance(d.evidence, bool)
        assert d.to_dict() == {"tag": d.tag, "score": d.score, "evidence": d.evidence}
    # The built-in tagger takes its phrases from the text.
    assert any(d.evidence for d in details)


def test_num_tags_is_respected(ctx, corpus):
    e = _english(corpus)
    r = ctx.process(corpus.path(e["path"]), model="local", num_tags=3)
    assert 1 <= len(r.tags) <= 3


def test_to_dict_is_the_single_pdf_response(ctx, corpus):
    e = _english(corpus)
    r = ctx.process(corpus.path(e["path"]), model="local")
    d = r.to_dict()
    assert d == json.loads(r.to_json()) == json.loads(r.to_json(indent=2))
    assert d["success"] is True and d["error"] is None
    assert d["document_title"] == r.title
    assert d["tags"] == r.tags
    assert d["is_scanned"] is False
    assert d["extraction_method"] == r.extraction_method
    assert d["ocr_confidence"] is None
    assert d["page_count"] == r.page_count
    assert [t["tag"] for t in d["tag_details"]] == r.tags
    assert norm(d["extracted_text_preview"])[:100] == norm(r.text)[:100]
    assert isinstance(d["processing_time"], (int, float))
    assert "needs_review" in d and "detected_language" in d and "document_id" in d


def test_every_kind_of_source_gives_the_same_tags(ctx, corpus):
    e = _english(corpus)
    path = corpus.path(e["path"])
    data = pathlib.Path(path).read_bytes()
    want = ctx.process(path, model="local").tags
    assert ctx.process(pathlib.Path(path), model="local").tags == want
    assert ctx.process(data, model="local").tags == want
    assert ctx.process(bytearray(data), model="local").tags == want
    assert ctx.process(memoryview(data), model="local").tags == want
    assert ctx.process(io.BytesIO(data), model="local").tags == want
    with open(path, "rb") as f:
        assert ctx.process(f, model="local").tags == want


def test_buffer_title_falls_back_to_the_given_file_name(ctx, corpus):
    e = corpus.one(kind="malformed", name="empty_pages")
    data = pathlib.Path(corpus.path(e["path"])).read_bytes()
    r = ctx.extract_result(data, file_name="quarterly-minutes.pdf", ocr="off")
    assert "quarterly" in r.title.lower()


def test_url_source(make_ctx, corpus, http_server):
    e = _english(corpus)
    data = pathlib.Path(corpus.path(e["path"])).read_bytes()
    http_server.routes["/docs/a.pdf"] = (200, "application/pdf", data)
    c = make_ctx(allow_private_urls=True)
    r = c.process(http_server.url("/docs/a.pdf"), model="local")
    assert r.tags == c.process(data, model="local").tags
    assert corpus.phrase(e) in norm(c.extract(http_server.url("/docs/a.pdf")))


def test_extract_returns_the_text_of_every_page(ctx, corpus):
    e = _english(corpus)
    text = ctx.extract(corpus.path(e["path"]))
    assert isinstance(text, str)
    assert text.count("\f") == e["pages"] - 1
    assert corpus.phrase(e) in norm(text)
    r = ctx.extract_result(corpus.path(e["path"]))
    assert r.tags == [] and r.pages_read == e["pages"] == len(r.pages)
    assert [p.index for p in r.pages] == list(range(e["pages"]))
    assert all(p.method == "text" and p.ocr_confidence is None for p in r.pages)
    assert "\f".join(p.text for p in r.pages) == r.text == text


def test_first_page_starts_reading_there(ctx, corpus):
    e = corpus.one(kind="text", lang="eng", min_pages=3, max_pages=5)
    path = corpus.path(e["path"])
    pages = ctx.extract(path).split("\f")
    r = ctx.process(path, model="local", first_page=2, num_pages=2)
    assert (r.first_page, r.pages_read, r.page_count) == (2, 2, e["pages"])
    assert r.text == "\f".join(pages[1:3]) and r.tags
    assert [p.index for p in r.pages] == [1, 2]
    assert [p["page"] for p in r.to_dict()["pages"]] == [2, 3]
    tail = ctx.extract_result(path, first_page=e["pages"])
    assert tail.first_page == e["pages"] and tail.text == pages[-1]
    assert [p.index for p in ctx.iter_pages(path, first_page=2)] == list(range(1, e["pages"]))
    with pytest.raises(doctag.InvalidInput, match="past the end"):
        ctx.process(path, model="local", first_page=e["pages"] + 1)
    with pytest.raises(doctag.InvalidInput):
        ctx.process(path, model="local", first_page=0)


def test_extract_scanned_pdf_with_ocr(ctx, corpus):
    e = corpus.one(kind="scanned", lang="eng", max_pages=2)
    r = ctx.extract_result(corpus.path(e["path"]))
    assert r.is_scanned is True
    assert r.extraction_method == "ocr_tesseract"
    assert 0 < r.ocr_confidence <= 100
    assert all(p.method == "ocr" and 0 <= p.ocr_confidence <= 100 for p in r.pages)
    words = set(re.findall(r"\w+", corpus.phrase(e).lower()))
    got = set(re.findall(r"\w+", r.text.lower()))
    assert len(words & got) >= len(words) - 1


def test_ocr_off_on_a_scan_finds_no_text(ctx, corpus):
    e = corpus.one(kind="scanned", lang="eng", max_pages=2)
    r = ctx.extract_result(corpus.path(e["path"]), ocr="off")
    assert norm(r.text) == ""
    with pytest.raises(doctag.NoText):
        ctx.process(corpus.path(e["path"]), model="local", ocr="off")


def test_hindi_document_gets_hindi_tags(ctx, corpus):
    e = corpus.one(kind="text", lang="hin")
    r = ctx.process(corpus.path(e["path"]), model="local")
    assert r.language in ("hin", "hin+eng")
    assert r.tags
    assert any(re.search("[\u0900-\u097f]", t) for t in r.tags)


def test_exclusion_words_and_file(ctx, corpus, tmp_path):
    e = _english(corpus)
    path = corpus.path(e["path"])
    tags = ctx.process(path, model="local").tags
    banned = tags[0]
    assert banned not in ctx.process(path, model="local", exclude=[banned]).tags
    f = tmp_path / "exclude.txt"
    f.write_text("# words we never want\n%s\n" % banned.upper())
    assert ctx.terms(str(f)) == [banned]
    assert banned not in ctx.process(path, model="local", exclusion_file=str(f)).tags
    with pytest.raises(TypeError):
        ctx.process(path, model="local", exclude="a string is not a list")


def test_vocabulary_limits_the_tags(ctx, corpus):
    e = _english(corpus)
    path = corpus.path(e["path"])
    tags = ctx.process(path, model="local").tags
    vocab = tags[:2] + ["zebra crossing", "quantum chromodynamics"]
    got = ctx.process(path, model="local", vocabulary=[v.title() for v in vocab]).tags
    assert got and set(got) <= set(vocab)


def test_terms_parsing(ctx):
    assert ctx.terms(b"Alpha, beta\n# a comment\n  Gamma Delta \n") == ["alpha", "beta", "gamma delta"]


def test_on_page_streams_pages_in_order(ctx, corpus):
    e = _english(corpus)
    path = corpus.path(e["path"])
    seen = []
    r = ctx.extract_result(path, on_page=seen.append)
    assert [p.index for p in seen] == list(range(e["pages"]))
    assert "\f".join(p.text for p in seen) == ctx.extract(path)
    assert r.page_count == e["pages"]
    assert [p.index for p in ctx.iter_pages(path)] == list(range(e["pages"]))
    assert [p.text for p in ctx.iter_pages(path)] == [p.text for p in seen]


def test_pages_carry_their_warning(ctx, corpus):
    """A scan in a script no installed model reads: the page's warning names
    the package, on the streamed Page and the result's Page alike; a good
    page has none."""
    fx = os.environ.get("DOCTAG_FIXTURES")
    path = os.path.join(fx, "scanned", "th_market_notice.pdf") if fx else ""
    if not os.path.isfile(path):
        pytest.skip("no generated fixtures")
    want = "no OCR model installed for script Thai (install tesseract-ocr-tha)"
    seen = []
    r = ctx.extract_result(path, on_page=seen.append)
    assert [(p.method, p.warning) for p in seen] == [("ocr_no_model", want)]
    assert [p.warning for p in r.pages] == [want]
    e = _english(corpus)
    streamed = []
    kept = ctx.extract_result(corpus.path(e["path"]), on_page=streamed.append)
    assert {p.warning for p in streamed} == {None} and {p.warning for p in kept.pages} == {None}


def test_iter_pages_stops_early(ctx, corpus):
    e = corpus.one(kind="text", lang="eng", min_pages=2)
    it = ctx.iter_pages(corpus.path(e["path"]))
    first = next(it)
    assert first.index == 0
    it.close()  # cancels the extraction, no error


def test_context_configuration(make_ctx, tmp_path):
    c = make_ctx(data_dir=tmp_path / "d", allowed_roots=[str(tmp_path), "/srv"], max_file_mb=5,
                 max_pages=10, timeout=30, threads=1)
    assert c.data_dir == str(tmp_path / "d")
    assert (tmp_path / "d").is_dir()
    assert "data_dir" in repr(c)
    with pytest.raises(TypeError):
        doctag.Context(no_such_setting=1)
    with pytest.raises(doctag.InvalidInput):
        doctag.Context(data_dir=str(tmp_path), database_url="mysql://nope", ignore_environment=True)


def test_context_manager_and_close(make_ctx, corpus):
    e = _english(corpus)
    with make_ctx() as c:
        assert not c.closed
        assert c.extract(corpus.path(e["path"]))
    assert c.closed and "closed" in repr(c)
    with pytest.raises(doctag.InvalidInput):
        c.extract(corpus.path(e["path"]))
