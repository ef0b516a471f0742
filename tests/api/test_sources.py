"""pdf_url may be an s3://bucket/key where S3 is configured (CONTRACT.md
revision 2): the single upload fetches it through the same source function as
batch rows, with the same size cap. Runs against the S3-compatible server of
the test services (DOCTAG_TEST_S3_*); skipped without it."""
import json
import os
import subprocess
import uuid

import pytest

from conftest import corpus_dir, detail, new_user, start_server

LOCAL = json.dumps({"model_name": "local", "num_tags": 5})


def s3_settings():
    keys = ("DOCTAG_TEST_S3_ENDPOINT", "DOCTAG_TEST_S3_BUCKET", "DOCTAG_TEST_S3_ACCESS_KEY_ID",
            "DOCTAG_TEST_S3_SECRET_ACCESS_KEY")
    if not all(os.environ.get(k) for k in keys):
        pytest.skip("no S3 test service (scripts/services.sh)")
    return {k: os.environ[k] for k in keys}


def s3_put(s3, key, data):
    """PUT an object, signed with SigV4 by curl (as the library signs)."""
    url = f"{s3['DOCTAG_TEST_S3_ENDPOINT']}/{s3['DOCTAG_TEST_S3_BUCKET']}/{key}"
    subprocess.run(["curl", "-sSf", "--aws-sigv4", "aws:amz:us-east-1:s3", "--user",
                    f"{s3['DOCTAG_TEST_S3_ACCESS_KEY_ID']}:{s3['DOCTAG_TEST_S3_SECRET_ACCESS_KEY']}",
                    "-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD", "-T", "-", url],
                   input=data, check=True, stdout=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def s3_server():
    s3 = s3_settings()
    srv = start_server("embedded", {
        "DOCTAG_S3_ENDPOINT": s3["DOCTAG_TEST_S3_ENDPOINT"],
        "AWS_ACCESS_KEY_ID": s3["DOCTAG_TEST_S3_ACCESS_KEY_ID"],
        "AWS_SECRET_ACCESS_KEY": s3["DOCTAG_TEST_S3_SECRET_ACCESS_KEY"],
        "AWS_REGION": "us-east-1",
        "DOCTAG_MAX_UPLOAD_MB": "1",
    })
    yield srv, s3
    srv.stop()


def post_url(client, url):
    return client.post("/api/single/process", data={"config": LOCAL, "pdf_url": url},
                       files={"_": ("", b"")})


def test_pdf_url_from_s3(s3_server):
    srv, s3 = s3_server
    alice = new_user(srv, "s3")
    key = f"single/{uuid.uuid4().hex}/en_invoice.pdf"
    s3_put(s3, key, (corpus_dir() / "text" / "en_invoice.pdf").read_bytes())
    uri = f"s3://{s3['DOCTAG_TEST_S3_BUCKET']}/{key}"
    r = post_url(alice, uri)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["success"] is True and 1 <= len(body["tags"]) <= 5
    assert body["extraction_method"] == "text_layer"
    doc = alice.get(f"/api/history/documents/{body['document_id']}").json()
    assert doc["file_source_type"] == "s3" and doc["file_path"] == uri

    # A missing object is a failed download, as a missing URL is.
    r = post_url(alice, uri + ".missing")
    assert r.status_code == 400, r.text
    assert detail(r) == "Failed to download PDF from URL: Object not found"
    r = post_url(alice, "s3://x")
    assert r.status_code == 400 and detail(r) == "Invalid S3 path format"

    # The same size cap as any download (1 MB on this server).
    big = f"single/{uuid.uuid4().hex}/big.pdf"
    s3_put(s3, big, b"%PDF-1.4\n" + b"0" * (2 << 20))
    r = post_url(alice, f"s3://{s3['DOCTAG_TEST_S3_BUCKET']}/{big}")
    assert r.status_code == 400, r.text
    assert detail(r).startswith("Failed to download PDF from URL: ")


def test_pdf_url_s3_needs_configured_s3(alice):
    r = post_url(alice, "s3://doctag-test/any.pdf")
    assert r.status_code == 400, r.text
    assert detail(r) == "S3 client not configured"
    # The preview stays http(s) only.
    r = alice.get("/api/single/preview", params={"url": "s3://doctag-test/any.pdf"})
    assert r.status_code == 400
    assert detail(r) == "Invalid URL. Must start with http:// or https://"
