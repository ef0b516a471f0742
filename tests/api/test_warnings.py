"""Warnings (issue 14): a model that needs a key, with none known, is
tagged offline and says so; "strict": true makes it a 400 instead. Batch
progress events and history keep the warnings."""
import json

from conftest import detail, ended_first
from test_batch import local_row, wait_done
from test_single import process, text_pdf
from test_ws import connect, read_all

NO_KEY = "No API key for model 'openai/gpt-4o-mini': tagged with the offline tagger"


def test_single_without_key_warns(alice):
    r = process(alice, text_pdf(), config=json.dumps({"model_name": "openai/gpt-4o-mini", "num_tags": 5}))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["warnings"] == [NO_KEY]
    assert body["tags"]
    doc = alice.get(f"/api/history/documents/{body['document_id']}").json()
    assert doc["processing_metadata"]["warnings"] == [NO_KEY]


def test_default_model_without_key_warns_and_local_does_not(alice):
    r = process(alice, text_pdf(), config=json.dumps({}))
    assert r.status_code == 200, r.text
    assert r.json()["warnings"] == [NO_KEY]
    r = process(alice, text_pdf(), config=json.dumps({"model_name": "local", "strict": True}))
    assert r.status_code == 200, r.text
    assert r.json()["warnings"] == []


def test_strict_without_key_is_400_and_not_recorded(alice):
    before = alice.get("/api/history/jobs").json()["total"]
    cfg = json.dumps({"model_name": "mistralai/mistral-7b", "strict": True})
    r = process(alice, text_pdf(), config=cfg)
    assert r.status_code == 400, r.text
    assert detail(r) == "No API key for model 'mistralai/mistral-7b'"
    r = alice.post("/api/single/tag-text", json={"text": "water meters and tariffs " * 10,
                                                 "config": {"model_name": "mistralai/mistral-7b", "strict": True}})
    if r.status_code != 404:  # the plain-text route, when this build has it
        assert r.status_code == 400 and detail(r) == "No API key for model 'mistralai/mistral-7b'", r.text
    assert alice.get("/api/history/jobs").json()["total"] == before


def test_strict_must_be_a_boolean(alice):
    r = process(alice, text_pdf(), config=json.dumps({"model_name": "local", "strict": "yes"}))
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["loc"][-1] == "strict"


def _watched_results(srv, client, rows, config, limit=60):
    """Runs a batch job of `rows` watched over the WebSocket from its start;
    returns (job_id, every finished row's result as the socket told it:
    catch-up results and progress events)."""
    # The job is paused while the socket connects: a job that ended first
    # would get only "Job already completed" (the contract), no results.
    # Pausing stops no row already claimed, so rows in flight may still end
    # the job while it is paused, and then it cannot be resumed: try again.
    for _ in range(5):
        r = client.post("/api/batch/start", json={"documents": rows, "config": config})
        assert r.status_code == 200, r.text
        job_id = r.json()["job_id"]
        if ended_first(client.post(f"/api/batch/jobs/{job_id}/pause")):
            continue
        ws = connect(srv, job_id, token=client.token)
        if not ended_first(client.post(f"/api/batch/jobs/{job_id}/resume")):
            break
        ws.close()
    else:
        raise AssertionError("every job ended before it could be watched")
    msgs, _ = read_all(ws, limit=limit)
    results = []
    for m in msgs:
        if m.get("type") == "catchup":
            results += m["results"]
        elif m.get("type") == "progress" and m["status"] != "processing":
            results.append(m)
    return job_id, results


def test_batch_events_and_history_carry_warnings(server, alice):
    rows = [local_row("en_invoice.pdf"), local_row("en_recipe.pdf")]
    job_id, results = _watched_results(server, alice, rows, {"model_name": "openai/gpt-4o-mini"})
    assert sorted(x["row_id"] for x in results) == [0, 1], results
    for x in results:
        assert x["status"] == "success", x
        assert x["metadata"]["warnings"] == [NO_KEY], x
    assert wait_done(alice, job_id)["processed_count"] == 2
    job = alice.get(f"/api/history/jobs/{job_id}").json()
    for d in job["documents"]:
        doc = alice.get(f"/api/history/documents/{d['id']}").json()
        assert doc["processing_metadata"]["warnings"] == [NO_KEY]


def test_batch_strict_without_key_is_refused_at_submission(alice):
    """strict and no key would fail every row: the job is refused whole,
    with the single document's message, and never created."""
    before = alice.get("/api/history/jobs").json()["total"]
    rows = [local_row("en_invoice.pdf")]
    for config in ({"model_name": "openai/gpt-4o-mini", "strict": True}, {"strict": True}):
        r = alice.post("/api/batch/start", json={"documents": rows, "config": config})
        assert r.status_code == 400, r.text
        model = config.get("model_name", "openai/gpt-4o-mini")
        assert detail(r) == f"No API key for model '{model}'"
    assert alice.get("/api/history/jobs").json()["total"] == before, "a refused job is not created"
    # strict with the offline tagger, or with a key in the request, is a job
    r = alice.post("/api/batch/start", json={"documents": rows, "config": {"model_name": "local", "strict": True}})
    assert r.status_code == 200, r.text
    s = wait_done(alice, r.json()["job_id"])
    assert (s["processed_count"], s["failed_count"]) == (1, 0)
    job = alice.get(f"/api/history/jobs/{r.json()['job_id']}").json()
    assert job["config"]["strict"] is True
    r = alice.post("/api/batch/start", json={"documents": rows, "config": {
        "model_name": "openai/gpt-4o-mini", "strict": True, "api_key": "sk-unused"}})
    assert r.status_code == 200, r.text
    assert alice.post(f"/api/batch/jobs/{r.json()['job_id']}/cancel").status_code in (200, 409)


def _server_and_worker(server_key, worker_key):
    """A server with no batch worker of its own and one separate `doctag
    worker` on its data directory, each with its own LLM key (or none)."""
    import secrets
    import subprocess
    from conftest import BIN, start_server
    env = {"DOCTAG_WORKERS": "0", "DOCTAG_SECRET_KEY": "strict-test-" + secrets.token_hex(16)}
    if server_key:
        env["OPENROUTER_API_KEY"] = server_key
    srv = start_server("embedded", env)
    wenv = {k: v for k, v in srv.env.items() if k != "OPENROUTER_API_KEY"}
    if worker_key:
        wenv["OPENROUTER_API_KEY"] = worker_key
    log = open(srv.tmp / "worker0.log", "w")
    srv.workers.append(subprocess.Popen([str(BIN / "doctag"), "worker", "--threads", "1"], env=wenv, stdout=log,
                                        stderr=subprocess.STDOUT, start_new_session=True))
    return srv


def test_strict_is_judged_at_submission_by_the_servers_key():
    """The contract's precedence is the request's key, then the server's.
    With separate workers, the server decides strict at submission by its
    own key: it cannot know which worker will run the job, and a 400 must
    come before the job exists. So a key only a worker holds does not make
    a strict job acceptable, and a worker without the key the server has
    fails a strict job's rows with the reason (never tags them offline).
    Deployments set the key on the server and on every worker (README)."""
    from conftest import new_user
    rows = [local_row("en_invoice.pdf")]
    strict = {"model_name": "openai/gpt-4o-mini", "strict": True}
    # the key on the worker only: refused at submission, no job
    srv = _server_and_worker(None, "sk-worker-only")
    try:
        u = new_user(srv)
        r = u.post("/api/batch/start", json={"documents": rows, "config": strict})
        assert r.status_code == 400 and detail(r) == "No API key for model 'openai/gpt-4o-mini'", r.text
        assert u.get("/api/history/jobs").json()["total"] == 0
    finally:
        codes = srv.stop()
    assert codes.get("server") == 0, codes
    # the key on the server only: accepted; the worker fails the row, saying why
    srv = _server_and_worker("sk-server-only", None)
    try:
        u = new_user(srv)
        r = u.post("/api/batch/start", json={"documents": rows, "config": strict})
        assert r.status_code == 200, r.text
        job_id = r.json()["job_id"]
        s = wait_done(u, job_id)
        assert (s["processed_count"], s["failed_count"]) == (0, 1), s
        docs = u.get(f"/api/history/jobs/{job_id}").json()["documents"]
        assert [d["error_message"] for d in docs] == ["No API key for model 'openai/gpt-4o-mini'"], docs
    finally:
        codes = srv.stop()
    assert codes.get("server") == 0, codes


def test_page_in_a_script_without_a_model_names_the_package(alice):
    """A scan in a script no installed model reads (the generated fixtures'
    Thai page; scripts/install-deps.sh leaves tesseract-ocr-tha out): the
    answer names the page and the package to install."""
    import os
    import pathlib
    import pytest
    fixtures = pathlib.Path(os.environ.get("DOCTAG_FIXTURES", ""))
    pdf = fixtures / "scanned" / "th_market_notice.pdf"
    if not pdf.is_file():
        pytest.skip("no generated fixtures")
    r = process(alice, pdf.read_bytes(), name="th_market_notice.pdf")
    # nothing readable is left to tag: the 400 says why
    assert r.status_code == 400, r.text
    assert detail(r).startswith("Could not extract sufficient text from PDF."), r.text
    assert detail(r).endswith("Page 1: no OCR model installed for script Thai (install tesseract-ocr-tha)."), r.text


DAMAGED = "Page 1: the text layer is damaged ("


def _damaged_fixture():
    """The generated fixtures' Hindi page whose font maps its conjuncts to
    nothing (its text layer is spelt as no word is): auto OCR reads it
    again and the page says why."""
    import os
    import pathlib
    import pytest
    fixtures = pathlib.Path(os.environ.get("DOCTAG_FIXTURES", ""))
    pdf = fixtures / "damaged" / "hi_pension_circular.pdf"
    if not pdf.is_file():
        pytest.skip("no generated fixtures")
    return pdf


def _is_damage_warning(w):
    return w.startswith(DAMAGED) and w.endswith("): read by OCR instead")


def test_single_says_which_page_was_read_again(alice):
    pdf = _damaged_fixture()
    r = process(alice, pdf.read_bytes(), name=pdf.name)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["extraction_method"] == "ocr_tesseract", body
    assert [w for w in body["warnings"] if _is_damage_warning(w)], body["warnings"]


def test_batch_progress_events_carry_the_page_warning():
    """A page's warning (here: its damaged text layer, read by OCR instead)
    reaches the batch progress event's metadata.warnings, the catch-up's
    results and history, as the contract puts a document's warnings
    there; a clean document's event has none."""
    from conftest import corpus_dir, new_user, start_server
    pdf = _damaged_fixture()
    roots = f"{corpus_dir()}:{pdf.parent}"
    srv = start_server("embedded", {"DOCTAG_ALLOWED_ROOTS": roots})
    try:
        u = new_user(srv)
        rows = [{"title": "damaged", "file_path": str(pdf), "file_source_type": "local"}, local_row("en_recipe.pdf")]
        job_id, results = _watched_results(srv, u, rows, {"model_name": "local"}, limit=300)
        done = {x["row_id"]: x for x in results}
        assert sorted(done) == [0, 1], results
        assert done[0]["status"] == "success", done[0]
        assert done[0]["metadata"]["extraction_method"] == "ocr_tesseract", done[0]
        assert [w for w in done[0]["metadata"]["warnings"] if _is_damage_warning(w)], done[0]
        assert done[1]["metadata"]["warnings"] == [], done[1]
        assert wait_done(u, job_id, timeout=300)["processed_count"] == 2
        docs = {d["title"]: d for d in u.get(f"/api/history/jobs/{job_id}").json()["documents"]}
        doc = u.get(f"/api/history/documents/{docs['damaged']['id']}").json()
        assert [w for w in doc["processing_metadata"]["warnings"] if _is_damage_warning(w)], doc
    finally:
        codes = srv.stop()
    assert codes.get("server") == 0, codes
