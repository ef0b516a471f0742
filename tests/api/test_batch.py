"""/api/batch: template, start (column mapping, bad rows, SSRF and path
traversal in rows), status, pause/resume/cancel state machine, active jobs,
validate-paths, the legacy synchronous CSV processing; isolation."""
import base64
import csv
import io
import json
import time
import uuid

from conftest import LocalPdf, corpus_dir, detail

STATUS_KEYS = {"job_id", "status", "progress", "processed_count", "failed_count", "total", "results_count"}
LOCAL = {"model_name": "local", "num_tags": 5}


def local_row(name, title=None):
    return {"title": title or name, "file_path": str(corpus_dir() / "text" / name), "file_source_type": "local"}


def start(client, rows, **extra):
    body = {"documents": rows, "config": LOCAL}
    body.update(extra)
    return client.post("/api/batch/start", json=body)


def wait_done(client, job_id, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        r = client.get(f"/api/batch/jobs/{job_id}/status")
        assert r.status_code == 200, r.text
        s = r.json()
        if s["status"] in ("completed", "cancelled", "failed"):
            return s
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not finish: {s}")


def test_template(alice):
    r = alice.get("/api/batch/template")
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"template", "columns"}
    lines = body["template"].strip().splitlines()
    assert lines[0] == "title,description,file_source_type,file_path,publishing_date,file_size"
    assert len(lines) == 3
    cols = {c["name"]: c for c in body["columns"]}
    assert {n for n, c in cols.items() if c["required"]} == {"title", "file_source_type", "file_path"}
    assert all(isinstance(c["description"], str) for c in body["columns"])


def test_batch_with_bad_rows_completes_with_the_right_counts(alice, local_pdf_server_port):
    rows = [local_row("en_invoice.pdf"), local_row("en_recipe.pdf"), local_row("hi_crop_insurance_circular.pdf"),
            {"title": "no path", "file_source_type": "local"},
            {"title": "missing", "file_path": str(corpus_dir() / "text" / "nope.pdf"), "file_source_type": "local"},
            {"title": "escape", "file_path": str(corpus_dir() / "text" / ".." / ".." / ".." / "etc" / "passwd"),
             "file_source_type": "local"},
            {"title": "ssrf", "file_path": f"http://127.0.0.1:{local_pdf_server_port}/x.pdf", "file_source_type": "url"},
            {"title": "weird", "file_path": "x", "file_source_type": "carrier-pigeon"}]
    r = start(alice, rows)
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"job_id", "total_documents", "message"}
    assert body["total_documents"] == 8
    assert body["message"] == "Started processing of 8 documents"
    uuid.UUID(body["job_id"])
    s = wait_done(alice, body["job_id"])
    assert set(s) == STATUS_KEYS
    assert s["status"] == "completed"
    assert s["processed_count"] == 3 and s["failed_count"] == 5
    assert s["results_count"] == s["total"] == 8 and s["progress"] == 1.0
    # Every row is a document in history, failed ones with their reason.
    job = alice.get(f"/api/history/jobs/{body['job_id']}").json()
    assert job["job_type"] == "batch" and len(job["documents"]) == 8
    errors = {d["title"]: d["error_message"] or "" for d in job["documents"]}
    assert "file_path is required" in errors["no path"]
    assert errors["escape"].startswith("Path not allowed")
    assert errors["ssrf"].startswith("URL not allowed")
    assert "carrier-pigeon" in errors["weird"]
    assert LocalPdf.hits == [], "a refused batch URL is never fetched"


def test_column_mapping_is_applied(alice):
    rows = [{"Name": "Invoice", "Where": str(corpus_dir() / "text" / "en_invoice.pdf"), "Kind": "local"}]
    r = start(alice, rows, column_mapping={"title": "Name", "file_path": "Where", "file_source_type": "Kind"})
    assert r.status_code == 200, r.text
    s = wait_done(alice, r.json()["job_id"])
    assert s["processed_count"] == 1 and s["failed_count"] == 0
    doc = alice.get(f"/api/history/jobs/{r.json()['job_id']}").json()["documents"][0]
    assert doc["title"] == "Invoice" and doc["tags"]


def test_job_id_given_and_reused(alice):
    job_id = str(uuid.uuid4())
    r = start(alice, [local_row("en_invoice.pdf")], job_id=job_id)
    assert r.status_code == 200 and r.json()["job_id"] == job_id
    wait_done(alice, job_id)
    r = start(alice, [local_row("en_invoice.pdf")], job_id=job_id)
    assert r.status_code in (400, 409), r.text


def test_start_errors(alice):
    r = start(alice, [])
    assert r.status_code == 400 and r.json() == {"detail": "No documents provided"}
    r = alice.post("/api/batch/start", json={"documents": "x", "config": LOCAL})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "documents"]
    r = alice.post("/api/batch/start", json={"config": LOCAL})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "documents"]
    r = alice.post("/api/batch/start", json={"documents": [local_row("en_invoice.pdf")], "config": {"num_tags": 99}})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "config", "num_tags"]
    r = alice.post("/api/batch/start", json={"documents": [1, 2]})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "documents", 0]
    r = alice.post("/api/batch/start", json={"documents": [local_row("en_invoice.pdf")], "column_mapping": [1]})
    assert r.status_code == 422


def slow_rows(n=40):
    names = ["en_invoice.pdf", "en_recipe.pdf", "en_rental_agreement.pdf", "en_release_notes.pdf"]
    return [local_row(names[i % len(names)], f"doc {i}") for i in range(n)]


def test_pause_resume_cancel_state_machine(alice, bob):
    r = start(alice, slow_rows())
    assert r.status_code == 200, r.text
    job_id = r.json()["job_id"]
    r = alice.post(f"/api/batch/jobs/{job_id}/pause")
    assert r.status_code == 200, r.text
    assert r.json() == {"message": f"Pause command sent to job {job_id}"}
    assert alice.post(f"/api/batch/jobs/{job_id}/pause").status_code == 409
    time.sleep(1.5)  # documents in hand finish; then nothing moves
    before = alice.get(f"/api/batch/jobs/{job_id}/status").json()
    assert before["status"] == "paused"
    time.sleep(1.5)
    after = alice.get(f"/api/batch/jobs/{job_id}/status").json()
    assert after["results_count"] == before["results_count"] < 40
    active = alice.get("/api/batch/active").json()
    assert job_id in [j["job_id"] for j in active["jobs"]]
    for j in active["jobs"]:
        assert set(j) == {"job_id", "status", "progress", "processed_count", "failed_count", "total"}
    assert job_id not in [j["job_id"] for j in bob.get("/api/batch/active").json()["jobs"]]
    # Bob can neither see nor steer it.
    for verb in ("pause", "resume", "cancel"):
        assert bob.post(f"/api/batch/jobs/{job_id}/{verb}").status_code == 404
    assert bob.get(f"/api/batch/jobs/{job_id}/status").status_code == 404
    r = alice.post(f"/api/batch/jobs/{job_id}/resume")
    assert r.status_code == 200 and r.json() == {"message": f"Resume command sent to job {job_id}"}
    assert alice.post(f"/api/batch/jobs/{job_id}/resume").status_code == 409
    r = alice.post(f"/api/batch/jobs/{job_id}/cancel")
    assert r.status_code == 200 and r.json() == {"message": f"Cancel command sent to job {job_id}"}
    s = wait_done(alice, job_id)
    assert s["status"] == "cancelled" and s["results_count"] < 40
    for verb in ("pause", "resume", "cancel"):
        r = alice.post(f"/api/batch/jobs/{job_id}/{verb}")
        assert r.status_code == 409, (verb, r.text)
    assert job_id not in [j["job_id"] for j in alice.get("/api/batch/active").json()["jobs"]]


def test_unknown_job(alice):
    for path in (f"/api/batch/jobs/{uuid.uuid4()}/status", "/api/batch/jobs/not-a-uuid/status"):
        r = alice.get(path)
        assert r.status_code == 404 and detail(r) == "Job not found"
    r = alice.post(f"/api/batch/jobs/{uuid.uuid4()}/cancel")
    assert r.status_code == 404 and detail(r) == "Job not found"


def validate(client, paths):
    r = client.post("/api/batch/validate-paths", json={"paths": paths})
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"results", "total", "valid_count", "invalid_count"}
    assert body["total"] == len(paths) == body["valid_count"] + body["invalid_count"]
    for res in body["results"]:
        assert set(res) == {"path", "valid", "error", "content_type", "size"}
    return body["results"]


def test_validate_paths_messages(alice, local_pdf_server_port):
    root = corpus_dir()
    good = root / "text" / "en_invoice.pdf"
    cases = [
        ({"path": "", "type": "local"}, "Empty path"),
        ({"path": "ftp://example.com/a.pdf", "type": "url"}, "URL must start with http:// or https://"),
        ({"path": "relative/a.pdf", "type": "local"}, "Relative paths not supported"),
        ({"path": "/etc/passwd", "type": "local"}, "Path not allowed: /etc/passwd"),
        ({"path": f"{root}/text/../../../../etc/passwd", "type": "local"}, "Path not allowed: "),
        ({"path": f"{root}/text/none.pdf", "type": "local"}, f"File not found: {root}/text/none.pdf"),
        ({"path": f"{root}/text", "type": "local"}, "Not a file"),
        ({"path": "x", "type": "gopher"}, "Unknown path type: gopher"),
        ({"path": f"http://127.0.0.1:{local_pdf_server_port}/a.pdf", "type": "url"}, "URL not allowed: "),
        ({"path": "http://169.254.169.254/latest/", "type": "url"}, "URL not allowed: "),
    ]
    results = validate(alice, [c[0] for c in cases] + [{"path": str(good), "type": "local"}])
    for (spec, expect), res in zip(cases, results):
        assert res["valid"] is False, spec
        assert res["error"].startswith(expect), (spec, res["error"])
    ok = results[-1]
    assert ok["valid"] is True and ok["error"] in (None, "")
    assert ok["size"] == good.stat().st_size
    assert LocalPdf.hits == []


def test_validate_paths_shape_errors(alice):
    assert alice.post("/api/batch/validate-paths", json={}).status_code == 422
    r = alice.post("/api/batch/validate-paths", json={"paths": [{"type": "url"}]})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "paths", 0, "path"]


def legacy(client, csv_text, name="batch.csv", config=LOCAL):
    return client.post("/api/batch/process", data={"config": json.dumps(config)},
                       files={"csv_file": (name, csv_text.encode(), "text/csv")})


def test_legacy_process(alice):
    root = corpus_dir() / "text"
    text = ("title,description,file_source_type,file_path,publishing_date,file_size\n"
            f"Invoice,an invoice,local,{root}/en_invoice.pdf,2024-01-01,\n"
            f"Recipe,\"a recipe, with a comma\",local,{root}/en_recipe.pdf,,\n"
            f"Gone,,local,{root}/gone.pdf,,\n")
    r = legacy(alice, text)
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) >= {"success", "total_documents", "processed_count", "failed_count", "output_csv_url",
                         "summary_report", "processing_time"}
    assert body["success"] is True
    assert (body["total_documents"], body["processed_count"], body["failed_count"]) == (3, 2, 1)
    assert body["output_csv_url"].startswith("data:text/csv;base64,")
    out = base64.b64decode(body["output_csv_url"].split(",", 1)[1]).decode()
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["title"] for r in rows] == ["Invoice", "Recipe", "Gone"]
    assert rows[1]["description"] == "a recipe, with a comma"
    assert rows[0]["tagging_status"] == "success" and rows[0]["generated_tags"]
    assert rows[2]["tagging_status"].startswith("failed: ")
    stats = body["summary_report"]["statistics"]
    assert stats["total"] == 3 and stats["processed"] == 2 and stats["failed"] == 1
    assert stats["success_rate"] == "66.7%"
    docs = body["summary_report"]["documents"]
    assert [d["title"] for d in docs] == ["Invoice", "Recipe", "Gone"]
    assert set(docs[0]) >= {"title", "success", "tags", "error"}


def test_legacy_missing_columns(alice):
    r = legacy(alice, "title,path\nA,/x.pdf\n")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["success"] is False
    assert any(e.startswith("Missing required columns: ") for e in body["summary_report"]["errors"])


def test_legacy_errors(alice):
    r = legacy(alice, "title\n", name="batch.txt")
    assert r.status_code == 400 and detail(r) == "Invalid file type. Please upload a CSV file."
    r = alice.post("/api/batch/process", data={"config": "{bad"},
                   files={"csv_file": ("b.csv", b"title\n", "text/csv")})
    assert r.status_code == 400 and detail(r) == "Invalid config JSON format"
    r = alice.post("/api/batch/process", data={"config": "{}"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "csv_file"]


def test_batch_needs_auth(api):
    assert api.get("/api/batch/template").status_code == 401
    assert api.post("/api/batch/start", json={"documents": []}).status_code == 401
    assert api.get("/api/batch/active").status_code == 401
