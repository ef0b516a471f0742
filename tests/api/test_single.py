"""POST /api/single/process and GET /api/single/preview: success shapes,
every error message of the contract, SSRF refusals, the malformed corpus,
the upload limit."""
import http.client
import http.server
import json
import threading
import uuid

import pytest

from conftest import MAX_UPLOAD_MB, corpus_dir, detail, manifest

CONTRACT_KEYS = {"success", "document_title", "tags", "extracted_text_preview", "processing_time", "is_scanned",
                 "extraction_method", "ocr_confidence", "raw_ai_response", "error"}
NEW_KEYS = {"document_id", "page_count", "detected_language", "tag_details", "needs_review"}
LOCAL = json.dumps({"model_name": "local", "num_tags": 6})


def text_pdf(name="en_invoice.pdf"):
    return (corpus_dir() / "text" / name).read_bytes()


def entry(path):
    return next(e for e in manifest() if e["path"] == path)


def process(client, pdf=None, name="doc.pdf", config=LOCAL, url=None, exclusion=None, extra=None):
    files = {}
    data = {}
    if config is not None:
        data["config"] = config
    if pdf is not None:
        files["pdf_file"] = (name, pdf, "application/pdf")
    if url is not None:
        data["pdf_url"] = url
    if exclusion is not None:
        files["exclusion_file"] = exclusion
    data.update(extra or {})
    return client.post("/api/single/process", data=data, files=files or {"_": ("", b"")})


def test_process_upload_shape(alice):
    r = process(alice, text_pdf(), name="en_invoice.pdf")
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) >= CONTRACT_KEYS | NEW_KEYS
    assert body["success"] is True and body["error"] is None
    assert isinstance(body["document_title"], str) and body["document_title"]
    assert isinstance(body["tags"], list) and 1 <= len(body["tags"]) <= 6
    assert all(isinstance(t, str) and t == t.lower() and t.strip() for t in body["tags"])
    assert isinstance(body["extracted_text_preview"], str)
    assert 50 <= len(body["extracted_text_preview"]) <= 500
    assert isinstance(body["processing_time"], float) and body["processing_time"] >= 0
    assert round(body["processing_time"], 2) == body["processing_time"]
    assert body["is_scanned"] is False
    assert body["extraction_method"] == "text_layer"
    assert body["ocr_confidence"] is None
    assert isinstance(body["raw_ai_response"], str)
    assert body["page_count"] == entry("text/en_invoice.pdf")["pages"]
    assert body["detected_language"] == "eng"
    assert [d["tag"] for d in body["tag_details"]] == body["tags"]
    for d in body["tag_details"]:
        assert isinstance(d["score"], (int, float)) and isinstance(d["evidence"], bool)
    assert isinstance(body["needs_review"], bool)
    uuid.UUID(body["document_id"])
    # The preview is the start of the document's real text.
    truth = (corpus_dir() / "text" / "en_invoice.txt").read_text()
    first_words = " ".join(truth.split()[:3])
    assert first_words.split()[0] in body["extracted_text_preview"]


def test_processed_document_is_in_history(alice):
    r = process(alice, text_pdf("en_recipe.pdf"), name="en_recipe.pdf")
    assert r.status_code == 200, r.text
    doc_id = r.json()["document_id"]
    d = alice.get(f"/api/history/documents/{doc_id}")
    assert d.status_code == 200, d.text
    doc = d.json()
    assert doc["id"] == doc_id
    assert doc["title"] == r.json()["document_title"]
    assert doc["tags"] == r.json()["tags"]
    job = alice.get(f"/api/history/jobs/{doc['job_id']}").json()
    assert job["job_type"] == "single"
    assert [x["id"] for x in job["documents"]] == [doc_id]


def test_default_model_without_any_key_uses_builtin_tagger(alice):
    r = process(alice, text_pdf(), config=json.dumps({"num_tags": 5}))
    assert r.status_code == 200, r.text
    assert r.json()["tags"]
    assert r.json().get("model_name", "local") == "local"


def test_exclusion_words_and_file(alice):
    first = process(alice, text_pdf("en_rental_agreement.pdf"))
    assert first.status_code == 200, first.text
    tags = first.json()["tags"]
    assert len(tags) >= 2
    cfg = json.dumps({"model_name": "local", "num_tags": 6, "exclusion_words": [tags[0].upper()]})
    r = process(alice, text_pdf("en_rental_agreement.pdf"), config=cfg)
    assert r.status_code == 200, r.text
    assert tags[0] not in r.json()["tags"]
    excl = ("exclude.txt", f"# words we never want\n{tags[1]}\n".encode(), "text/plain")
    r = process(alice, text_pdf("en_rental_agreement.pdf"), exclusion=excl)
    assert r.status_code == 200, r.text
    assert tags[1] not in r.json()["tags"]


def test_vocabulary_limits_tags(alice):
    first = process(alice, text_pdf("en_water_supply_notice.pdf"))
    assert first.status_code == 200, first.text
    vocab = first.json()["tags"][:2] + ["zebra crossing", "quantum chromodynamics"]
    cfg = json.dumps({"model_name": "local", "num_tags": 6, "vocabulary": vocab})
    r = process(alice, text_pdf("en_water_supply_notice.pdf"), config=cfg)
    assert r.status_code == 200, r.text
    got = r.json()["tags"]
    assert got and set(got) <= {v.lower() for v in vocab}


def test_needs_authentication(api):
    r = process(api, text_pdf())
    assert r.status_code == 401
    assert r.headers["www-authenticate"].lower().startswith("bearer")


@pytest.mark.parametrize("case,expect", [
    ("both", "Please provide either a PDF file OR a URL, not both."),
    ("neither", "Please provide either a PDF file or a PDF URL."),
    ("not pdf name", "Invalid file type. Please upload a PDF file."),
    ("empty file", "Empty PDF file"),
    ("ftp url", "Invalid URL. Must start with http:// or https://"),
    ("file url", "Invalid URL. Must start with http:// or https://"),
    ("bad config", "Invalid config JSON format"),
])
def test_contract_400_messages(alice, case, expect):
    pdf = text_pdf()
    r = {
        "both": lambda: process(alice, pdf, url="https://example.com/a.pdf"),
        "neither": lambda: process(alice),
        "not pdf name": lambda: process(alice, pdf, name="document.txt"),
        "empty file": lambda: process(alice, b"", name="empty.pdf"),
        "ftp url": lambda: process(alice, url="ftp://example.com/a.pdf"),
        "file url": lambda: process(alice, url="file:///etc/passwd"),
        "bad config": lambda: process(alice, pdf, config="{not json"),
    }[case]()
    assert r.status_code == 400, r.text
    assert r.json() == {"detail": expect}


def test_config_missing_is_422(alice):
    r = process(alice, text_pdf(), config=None)
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "config"]
    assert r.json()["detail"][0]["type"] == "missing"


@pytest.mark.parametrize("cfg,field,kind", [
    ({"num_tags": 2}, "num_tags", "greater_than_equal"),
    ({"num_tags": 16}, "num_tags", "less_than_equal"),
    ({"num_pages": 0}, "num_pages", "greater_than_equal"),
    ({"num_pages": 11}, "num_pages", "less_than_equal"),
    ({"num_tags": "many"}, "num_tags", "int_parsing"),
    ({"model_name": 5}, "model_name", "string_type"),
    ({"exclusion_words": "word"}, "exclusion_words", "list_type"),
    ({"ocr": "sometimes"}, "ocr", "literal_error"),
])
def test_config_out_of_range_is_422(alice, cfg, field, kind):
    r = process(alice, text_pdf(), config=json.dumps(cfg))
    assert r.status_code == 422, r.text
    errors = r.json()["detail"]
    assert any(e["loc"] == ["body", "config", field] and e["type"] == kind for e in errors), errors


def test_config_numbers_as_strings_are_accepted(alice):
    r = process(alice, text_pdf(), config=json.dumps({"model_name": "local", "num_tags": "4", "num_pages": "2"}))
    assert r.status_code == 200, r.text
    assert len(r.json()["tags"]) <= 4


def test_too_little_text(alice):
    r = process(alice, (corpus_dir() / "malformed" / "empty_pages.pdf").read_bytes(), name="blank.pdf")
    assert r.status_code == 400, r.text
    assert detail(r).startswith("Could not extract sufficient text from PDF.")


def malformed_entries():
    try:
        return [e for e in manifest() if e["kind"] == "malformed"]
    except BaseException:
        return []


@pytest.mark.parametrize("e", malformed_entries(), ids=lambda e: e["path"])
def test_malformed_corpus_upload(alice, e):
    data = (corpus_dir() / e["path"]).read_bytes()
    r = process(alice, data, name=e["path"].split("/")[-1])
    assert r.status_code in (200, 400), f"{r.status_code} {r.text}"
    if e["expect"].startswith("error"):
        assert r.status_code == 400, r.text
    if r.status_code == 400:
        assert isinstance(detail(r), str) and detail(r)
    else:
        assert r.json()["success"] is True
    # The server stays healthy and serves the next document.
    assert alice.get("/api/status").status_code == 200


def test_malformed_specific_messages(alice):
    enc = process(alice, (corpus_dir() / "malformed" / "encrypted_user_pw.pdf").read_bytes(), name="enc.pdf")
    assert enc.status_code == 400 and detail(enc).startswith("PDF extraction failed: ")
    png = process(alice, (corpus_dir() / "malformed" / "not_a_pdf.pdf").read_bytes(), name="png.pdf")
    assert png.status_code == 400 and detail(png).startswith("PDF extraction failed: ")
    zero = process(alice, (corpus_dir() / "malformed" / "zero-byte.pdf").read_bytes(), name="zero.pdf")
    assert zero.status_code == 400 and detail(zero) == "Empty PDF file"


def test_upload_over_the_limit_is_413(alice):
    big = b"%PDF-1.4\n" + b"0" * (MAX_UPLOAD_MB * 1024 * 1024 + 200 * 1024)
    r = process(alice, big, name="big.pdf")
    assert r.status_code == 413, r.text
    assert isinstance(detail(r), str) and "MB" in detail(r)
    assert alice.get("/api/status").status_code == 200


def test_body_far_over_the_limit_is_refused_before_reading(server, alice):
    """A client announcing 100 MB gets 413 at once; nothing is read."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    conn.putrequest("POST", "/api/single/process")
    conn.putheader("Authorization", f"Bearer {alice.token}")
    conn.putheader("Content-Type", "multipart/form-data; boundary=xyz")
    conn.putheader("Content-Length", str(100 * 1024 * 1024))
    conn.endheaders()
    conn.send(b"--xyz\r\n")
    resp = conn.getresponse()
    assert resp.status == 413
    conn.close()
    assert alice.get("/api/status").status_code == 200


class PdfHandler(http.server.BaseHTTPRequestHandler):
    hits = []

    def do_GET(self):
        PdfHandler.hits.append(self.path)
        body = text_pdf()
        self.send_response(200)
        self.send_header("Content-Type", "application/pdf")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def local_pdf_server():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), PdfHandler)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield srv.server_address[1]
    srv.shutdown()


def ssrf_urls(port):
    return [
        f"http://127.0.0.1:{port}/doc.pdf",
        f"http://localhost:{port}/doc.pdf",
        f"http://[::1]:{port}/doc.pdf",
        f"http://127.1:{port}/doc.pdf",
        f"http://2130706433:{port}/doc.pdf",
        f"http://0.0.0.0:{port}/doc.pdf",
        f"http://[::ffff:127.0.0.1]:{port}/doc.pdf",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/doc.pdf",
        "http://192.168.1.1/doc.pdf",
        "http://172.16.0.1/doc.pdf",
        "http://224.0.0.1/doc.pdf",
        f"https://user:pass@127.0.0.1:{port}/doc.pdf",
    ]


def test_ssrf_through_pdf_url_is_refused(alice, local_pdf_server):
    PdfHandler.hits.clear()
    for url in ssrf_urls(local_pdf_server):
        r = process(alice, url=url)
        assert r.status_code == 400, f"{url}: {r.status_code} {r.text}"
        assert detail(r).startswith("URL not allowed: "), f"{url}: {detail(r)}"
    assert PdfHandler.hits == [], "a refused URL must never be fetched"


def test_ssrf_through_preview_is_refused(alice, local_pdf_server):
    PdfHandler.hits.clear()
    for url in ssrf_urls(local_pdf_server):
        r = alice.get("/api/single/preview", params={"url": url})
        assert r.status_code == 400, f"{url}: {r.status_code} {r.text}"
        assert detail(r).startswith("URL not allowed: "), f"{url}: {detail(r)}"
    assert PdfHandler.hits == []


def test_unresolvable_url(alice):
    r = process(alice, url="http://doctag-test.invalid/doc.pdf")
    assert r.status_code == 400, r.text
    assert detail(r).startswith(("URL not allowed: ", "Failed to download PDF from URL: "))


def test_preview_validation(api, alice):
    r = api.get("/api/single/preview", params={"url": "https://example.com/a.pdf"})
    assert r.status_code == 401
    r = alice.get("/api/single/preview")
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["query", "url"]
    r = alice.get("/api/single/preview", params={"url": "ftp://example.com/a.pdf"})
    assert r.status_code == 400
    assert r.json() == {"detail": "Invalid URL. Must start with http:// or https://"}


def test_process_scanned_upload_runs_ocr(alice):
    pdf = (corpus_dir() / "scanned" / "en_invoice.pdf").read_bytes()
    r = process(alice, pdf, name="scan.pdf")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["is_scanned"] is True
    assert body["extraction_method"] == "ocr_tesseract"
    assert isinstance(body["ocr_confidence"], float) and 0 < body["ocr_confidence"] <= 100
    assert body["tags"]
    truth_words = set((corpus_dir() / "scanned" / "en_invoice.txt").read_text().lower().split())
    preview_words = set(body["extracted_text_preview"].lower().split())
    assert len(preview_words & truth_words) >= 0.5 * len(preview_words)


@pytest.fixture(scope="module")
def open_server():
    """A server allowed to fetch private addresses (DOCTAG_ALLOW_PRIVATE_URLS=1),
    to follow the download path end to end against a local HTTP server."""
    from conftest import start_server
    srv = start_server("embedded", {"DOCTAG_ALLOW_PRIVATE_URLS": "1", "DOCTAG_WORKERS": "0"})
    yield srv
    assert srv.stop()["server"] == 0


def test_process_url_when_private_urls_are_allowed(open_server, local_pdf_server):
    from conftest import new_user
    user = new_user(open_server)
    PdfHandler.hits.clear()
    r = process(user, url=f"http://127.0.0.1:{local_pdf_server}/files/en_invoice.pdf")
    assert r.status_code == 200, r.text
    assert PdfHandler.hits == ["/files/en_invoice.pdf"]
    assert r.json()["tags"] and r.json()["page_count"] == entry("text/en_invoice.pdf")["pages"]
    r = user.get("/api/single/preview", params={"url": f"http://127.0.0.1:{local_pdf_server}/p.pdf"})
    assert r.status_code == 200, r.text[:200]
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"] == "inline; filename=preview.pdf"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.content == text_pdf()
    # A download that fails is a 400 with the contract's prefix.
    r = process(user, url=f"http://127.0.0.1:{free_closed_port()}/x.pdf")
    assert r.status_code == 400, r.text
    assert detail(r).startswith("Failed to download PDF from URL: ")


def free_closed_port():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# ---- POST /api/single/tag-text (CONTRACT.md NEW) --------------------------

TAG_TEXT = ("Municipal water supply notice. The water supply to the eastern wards will be suspended "
            "on Tuesday for pipeline repair. Residents should store drinking water in advance; "
            "tanker water supply will serve hospitals and schools during the pipeline repair.")


def test_tag_text_shape_and_history(alice):
    r = alice.post("/api/single/tag-text", json={"text": TAG_TEXT, "title": "Water notice",
                                                 "config": {"model_name": "local", "num_tags": 5}})
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) >= CONTRACT_KEYS | NEW_KEYS | {"warnings"}
    assert body["success"] is True and body["error"] is None
    assert body["document_title"] == "Water notice"
    assert body["extraction_method"] == "text" and body["is_scanned"] is False
    assert body["page_count"] is None and body["ocr_confidence"] is None
    assert body["detected_language"] == "eng"
    assert 1 <= len(body["tags"]) <= 5 and any("water" in t for t in body["tags"])
    assert body["extracted_text_preview"] == TAG_TEXT[:500]
    assert body["warnings"] == []
    doc = alice.get(f"/api/history/documents/{body['document_id']}")
    assert doc.status_code == 200, doc.text
    d = doc.json()
    assert d["file_source_type"] == "text" and d["status"] == "completed"
    assert d["tags"] == body["tags"]
    job = alice.get(f"/api/history/jobs/{d['job_id']}").json()
    assert job["job_type"] == "single"


def test_tag_text_uses_the_users_archive(alice, bob):
    """Document frequencies of the user's own archive (issue 12): raw_ai_response
    says from how many documents; a repeated text is one document, deleting
    its last copy takes it away; another user's archive is their own."""
    cfg = {"model_name": "local", "num_tags": 5}

    def archive(client, text):
        r = client.post("/api/single/tag-text", json={"text": text, "config": cfg})
        assert r.status_code == 200, r.text
        return json.loads(r.json()["raw_ai_response"])["history_df"], r.json()["document_id"]

    first, _ = archive(alice, TAG_TEXT)
    assert first["documents"] == 0 and first["used"] is False
    other = "Road closure notice. The northern bridge closes for repair of its deck " * 3
    h, doc = archive(alice, other)
    assert h["documents"] == 1 and h["used"] is True and h["weight"] > 0
    h, _ = archive(alice, TAG_TEXT)  # counted once, and not as evidence about itself
    assert h["documents"] == 1
    job = alice.get(f"/api/history/documents/{doc}").json()["job_id"]
    assert alice.delete(f"/api/history/jobs/{job}").status_code == 200
    h, _ = archive(alice, other)
    assert h["documents"] == 1  # only TAG_TEXT is left
    h, _ = archive(bob, other)
    assert h["documents"] == 0


def test_tag_text_errors(alice, bob, api):
    cfg = {"model_name": "local"}
    assert api.post("/api/single/tag-text", json={"text": TAG_TEXT, "config": cfg}).status_code == 401
    r = alice.post("/api/single/tag-text", json={"config": cfg})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "text"]
    r = alice.post("/api/single/tag-text", json={"text": "", "config": cfg})
    assert r.status_code == 422 and r.json()["detail"][0]["type"] == "string_too_short"
    r = alice.post("/api/single/tag-text", json={"text": TAG_TEXT})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "config"]
    r = alice.post("/api/single/tag-text", json={"text": TAG_TEXT, "config": {"num_tags": 99}})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "config", "num_tags"]
    r = alice.post("/api/single/tag-text", json={"text": "too short", "config": cfg})
    assert r.status_code == 400 and "Not enough text" in detail(r)
    r = alice.post("/api/single/tag-text", data=b"not json", headers={"content-type": "application/json"})
    assert r.status_code == 422
    # one user's text is not another's history
    body = alice.post("/api/single/tag-text", json={"text": TAG_TEXT, "config": cfg}).json()
    assert bob.get(f"/api/history/documents/{body['document_id']}").status_code == 404
