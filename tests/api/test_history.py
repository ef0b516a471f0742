"""/api/history: lists, details, delete, search (the literal route before
{doc_id}), statistics, the stored file and reprocessing, and isolation
between users on every call."""
import json
import uuid

import pytest

from conftest import corpus_dir, detail

JOB_KEYS = {"id", "job_type", "status", "total_documents", "processed_count", "failed_count", "started_at",
            "completed_at", "created_at"}
DOC_KEYS = {"id", "title", "file_path", "file_source_type", "status", "tags", "error_message", "processed_at",
            "created_at"}
DOC_DETAIL_KEYS = DOC_KEYS | {"job_id", "file_size", "mime_type", "extracted_text", "processing_metadata"}


def upload(client, name, config=None):
    cfg = config or {"model_name": "local", "num_tags": 5, "api_key": "sk-never-stored-" + uuid.uuid4().hex}
    pdf = (corpus_dir() / "text" / name).read_bytes()
    r = client.post("/api/single/process", data={"config": json.dumps(cfg)},
                    files={"pdf_file": (name, pdf, "application/pdf")})
    assert r.status_code == 200, r.text
    return r.json(), pdf


@pytest.fixture
def alice_docs(alice):
    """Alice with two processed documents."""
    a, a_pdf = upload(alice, "en_invoice.pdf")
    b, _ = upload(alice, "en_malaria_vaccine_abstract.pdf")
    alice.docs = [a, b]
    alice.first_pdf = a_pdf
    return alice


def test_empty_history(bob):
    assert bob.get("/api/history/jobs").json() == {"jobs": [], "total": 0, "limit": 50, "offset": 0}
    assert bob.get("/api/history/documents").json() == {"documents": [], "total": 0}
    s = bob.get("/api/history/stats").json()
    assert s == {"total_jobs": 0, "total_documents": 0, "documents_processed": 0, "documents_failed": 0,
                 "jobs_by_status": {}, "recent_activity": []}


def test_jobs_and_job_detail(alice_docs):
    r = alice_docs.get("/api/history/jobs")
    assert r.status_code == 200
    body = r.json()
    assert body["total"] == 2 and body["limit"] == 50 and body["offset"] == 0
    assert len(body["jobs"]) == 2
    for j in body["jobs"]:
        assert set(j) == JOB_KEYS
        assert j["job_type"] == "single" and j["status"] == "completed"
        assert j["total_documents"] == 1 and j["processed_count"] == 1 and j["failed_count"] == 0
    page = alice_docs.get("/api/history/jobs", params={"limit": 1, "offset": 1}).json()
    assert page["total"] == 2 and len(page["jobs"]) == 1 and page["limit"] == 1 and page["offset"] == 1
    assert alice_docs.get("/api/history/jobs", params={"status": "failed"}).json()["total"] == 0
    assert alice_docs.get("/api/history/jobs", params={"status": "completed"}).json()["total"] == 2

    job_id = body["jobs"][0]["id"]
    d = alice_docs.get(f"/api/history/jobs/{job_id}")
    assert d.status_code == 200
    job = d.json()
    assert set(job) == JOB_KEYS | {"config", "error_message", "documents"}
    assert job["config"]["model_name"] == "local" and job["config"]["num_tags"] == 5
    assert "api_key" not in job["config"] and "sk-never-stored" not in d.text
    assert len(job["documents"]) == 1 and set(job["documents"][0]) == DOC_KEYS


def test_documents_and_document_detail(alice_docs):
    r = alice_docs.get("/api/history/documents")
    assert r.status_code == 200
    docs = r.json()
    assert docs["total"] == 2 and {d["id"] for d in docs["documents"]} == {x["document_id"] for x in alice_docs.docs}
    for d in docs["documents"]:
        assert set(d) == DOC_KEYS
        assert d["status"] == "completed" and d["file_source_type"] == "upload"
    one = alice_docs.docs[0]
    r = alice_docs.get(f"/api/history/documents/{one['document_id']}")
    assert r.status_code == 200
    doc = r.json()
    assert set(doc) == DOC_DETAIL_KEYS
    assert doc["tags"] == one["tags"] and doc["title"] == one["document_title"]
    assert doc["extracted_text"].startswith(one["extracted_text_preview"][:100])
    assert doc["file_size"] == len(alice_docs.first_pdf)
    assert doc["mime_type"] == "application/pdf"
    assert isinstance(doc["processing_metadata"], dict)
    assert alice_docs.get("/api/history/documents", params={"limit": 1}).json()["total"] == 2


def test_search_is_reachable_and_ranked(alice_docs):
    r = alice_docs.get("/api/history/documents/search", params={"query": "malaria vaccine"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"documents", "total"}
    assert body["documents"], body
    assert body["documents"][0]["id"] == alice_docs.docs[1]["document_id"]
    for q in ("'; DROP TABLE documents; --", "%_*\"", "NEAR(a b)", "a OR b AND NOT c", "ज़"):
        r = alice_docs.get("/api/history/documents/search", params={"query": q})
        assert r.status_code == 200, (q, r.text)
    assert alice_docs.get("/api/history/documents/search", params={"query": "zzzqqqxxx"}).json() == \
        {"documents": [], "total": 0}


def test_search_finds_hindi_words_whole(alice):
    """A Hindi word is one word of the index: found by its own letters, and
    not by a different word with the same consonants."""
    doc, _ = upload(alice, "hi_crop_insurance_circular.pdf")

    def found(q):
        r = alice.get("/api/history/documents/search", params={"query": q})
        assert r.status_code == 200, (q, r.text)
        return [d["id"] for d in r.json()["documents"]]

    for q in ("किसान", "कल्याण", "विभाग", "कृषि किसान"):
        assert found(q) == [doc["document_id"]], q
    for q in ("कसान", "कसन", "कल्यण"):
        assert found(q) == [], q


def test_stats(alice_docs):
    s = alice_docs.get("/api/history/stats").json()
    assert s["total_jobs"] == 2 and s["total_documents"] == 2
    assert s["documents_processed"] == 2 and s["documents_failed"] == 0
    assert s["jobs_by_status"] == {"completed": 2}
    assert len(s["recent_activity"]) == 2 and all(set(j) == JOB_KEYS for j in s["recent_activity"])


@pytest.mark.parametrize("path,params,loc", [
    ("/api/history/jobs", {"limit": 0}, ["query", "limit"]),
    ("/api/history/jobs", {"limit": 101}, ["query", "limit"]),
    ("/api/history/jobs", {"limit": "ten"}, ["query", "limit"]),
    ("/api/history/jobs", {"offset": -1}, ["query", "offset"]),
    ("/api/history/documents", {"limit": 1000}, ["query", "limit"]),
    ("/api/history/documents/search", {}, ["query", "query"]),
    ("/api/history/documents/search", {"query": ""}, ["query", "query"]),
])
def test_query_validation_is_422(alice, path, params, loc):
    r = alice.get(path, params=params)
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["loc"] == loc


@pytest.mark.parametrize("path", ["/api/history/jobs/{}", "/api/history/documents/{}"])
def test_unknown_ids_are_404(alice, path):
    for bad in (str(uuid.uuid4()), "not-a-uuid", "1"):
        r = alice.get(path.format(bad))
        assert r.status_code == 404, (bad, r.text)
        assert detail(r) in ("Job not found", "Document not found")


def test_isolation_between_users(alice_docs, bob):
    doc = alice_docs.docs[0]
    job_id = alice_docs.get(f"/api/history/documents/{doc['document_id']}").json()["job_id"]
    # Bob sees none of it and cannot touch it: the same 404 as for nothing.
    assert bob.get(f"/api/history/jobs/{job_id}").status_code == 404
    assert detail(bob.get(f"/api/history/jobs/{job_id}")) == "Job not found"
    assert bob.delete(f"/api/history/jobs/{job_id}").status_code == 404
    assert bob.get(f"/api/history/documents/{doc['document_id']}").status_code == 404
    assert bob.get(f"/api/history/documents/{doc['document_id']}/file").status_code == 404
    r = bob.post(f"/api/history/documents/{doc['document_id']}/reprocess", json={"config": {"model_name": "local"}})
    assert r.status_code == 404
    assert bob.get("/api/history/jobs").json()["total"] == 0
    assert bob.get("/api/history/documents").json()["total"] == 0
    assert bob.get("/api/history/documents/search", params={"query": "invoice"}).json()["total"] == 0
    assert bob.get("/api/history/stats").json()["total_jobs"] == 0
    # ... and Alice still has everything.
    assert alice_docs.get(f"/api/history/jobs/{job_id}").status_code == 200


def test_delete_job(alice_docs):
    doc = alice_docs.docs[0]
    job_id = alice_docs.get(f"/api/history/documents/{doc['document_id']}").json()["job_id"]
    r = alice_docs.delete(f"/api/history/jobs/{job_id}")
    assert r.status_code == 200
    assert r.json() == {"message": "Job deleted successfully", "job_id": job_id}
    assert alice_docs.get(f"/api/history/jobs/{job_id}").status_code == 404
    assert alice_docs.get(f"/api/history/documents/{doc['document_id']}").status_code == 404
    assert alice_docs.delete(f"/api/history/jobs/{job_id}").status_code == 404
    assert alice_docs.get("/api/history/jobs").json()["total"] == 1


def test_stored_file(alice_docs):
    doc = alice_docs.docs[0]
    r = alice_docs.get(f"/api/history/documents/{doc['document_id']}/file")
    assert r.status_code == 200, r.text[:300]
    assert r.headers["content-type"] == "application/pdf"
    assert r.content == alice_docs.first_pdf


def test_reprocess(alice_docs):
    doc = alice_docs.docs[0]
    r = alice_docs.post(f"/api/history/documents/{doc['document_id']}/reprocess",
                        json={"config": {"model_name": "local", "num_tags": 3}})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["success"] is True and len(body["tags"]) <= 3
    assert body["document_id"] != doc["document_id"]
    assert alice_docs.get("/api/history/jobs").json()["total"] == 3
    r = alice_docs.post(f"/api/history/documents/{doc['document_id']}/reprocess", json={"config": {"num_tags": 99}})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "config", "num_tags"]
    r = alice_docs.post(f"/api/history/documents/{doc['document_id']}/reprocess", json={})
    assert r.status_code == 422


def test_history_needs_auth(api):
    for path in ("/api/history/jobs", "/api/history/documents", "/api/history/stats",
                 "/api/history/documents/search?query=x", f"/api/history/jobs/{uuid.uuid4()}"):
        r = api.get(path)
        assert r.status_code == 401, path
