"""Batch jobs through the Pythonic layer: submit, run a worker, counts,
results, events, steering and ownership (skipped on a libdoctag built
without the jobs ABI)."""

import os
import threading

import pytest

import doctag
from doctag import capi

pytestmark = pytest.mark.skipif(not hasattr(capi, "job_submit_json"), reason="libdoctag without the jobs ABI")

PASSWORD = "correct horse battery"


@pytest.fixture
def bctx(make_ctx, corpus):
    return make_ctx(jwt_secret="test-secret-of-enough-length-0123456789", allowed_roots=[corpus.root])


def _rows(corpus, n=2):
    docs = corpus.find(kind="text", lang="eng", max_pages=3)[:n]
    if len(docs) < n:
        pytest.skip("corpus has fewer than %d small English text documents" % n)
    rows = [{"title": "doc %d" % i, "file_path": corpus.path(e["path"]), "file_source_type": "local"}
            for i, e in enumerate(docs)]
    missing = os.path.join(corpus.root, "no-such-file.pdf")
    rows.append({"title": "missing", "file_path": missing, "file_source_type": "local"})
    return rows, docs


def test_batch_runs_to_completion(bctx, corpus):
    user = bctx.register("batch@example.org", PASSWORD)
    rows, docs = _rows(corpus)
    job = bctx.submit_batch(user, rows, model="local", num_tags=5)
    assert job.id and job.total == len(rows)
    assert job.status == "pending" and job.results_count == 0
    assert [j["job_id"] for j in bctx.active_jobs(user)] in ([], [job.id])

    bctx.run_worker(once=True, threads=2)
    job.refresh()
    assert job.status == "completed" and job.done
    assert (job.processed_count, job.failed_count, job.results_count) == (len(docs), 1, len(rows))
    assert job.progress == 1.0
    assert job.to_dict()["status"] == "completed"

    results = job.results()
    assert sorted(r["row_id"] for r in results) == list(range(len(rows)))
    by_row = {r["row_id"]: r for r in results}
    for i in range(len(docs)):
        assert by_row[i]["status"] == "success", by_row[i]
        assert 1 <= len(by_row[i]["tags"]) <= 5
        assert by_row[i]["document_id"]
    bad = by_row[len(rows) - 1]
    assert bad["status"] == "failed" and "no-such-file.pdf" in bad["error"]

    events = list(job.events(timeout=30))
    assert events[-1]["type"] == "completed"
    seqs = [e["seq"] for e in events]
    assert seqs == list(range(1, len(events) + 1))
    finished = [e for e in events if e["type"] == "progress" and e["status"] in ("success", "failed")]
    assert sorted(e["row_id"] for e in finished) == list(range(len(rows)))
    assert events[-1]["processed_count"] == len(docs) and events[-1]["failed_count"] == 1
    # From a sequence number: only what came after it.
    assert [e["seq"] for e in job.events(after_seq=seqs[-2], timeout=30)] == [seqs[-1]]
    # Recorded in the user's history as one job.
    assert job.id in [j.get("id") or j.get("job_id") for j in bctx.history_jobs(user)["jobs"]]

    # A finished job takes no steering command.
    for command in (job.pause, job.resume, job.cancel):
        with pytest.raises(doctag.Conflict):
            command()


def test_worker_in_a_thread_while_following_events(bctx, corpus):
    user = bctx.register("follow@example.org", PASSWORD)
    rows, docs = _rows(corpus, n=2)
    with bctx.submit_batch(user.id, rows) as job:
        worker = threading.Thread(target=bctx.run_worker, kwargs={"until_job": job}, daemon=True)
        worker.start()
        types = [e["type"] for e in job.events(timeout=120)]
        worker.join(120)
        assert not worker.is_alive()
    assert types[-1] == "completed"
    assert job.refresh().status == "completed"
    assert (job.processed_count, job.failed_count) == (len(docs), 1)


def test_pause_resume_cancel_states(bctx, corpus):
    user = bctx.register("steer@example.org", PASSWORD)
    rows, _ = _rows(corpus, n=1)
    job = bctx.submit_batch(user, rows)
    with pytest.raises(doctag.Conflict):
        job.resume()  # not paused
    assert job.pause().status == "paused"
    with pytest.raises(doctag.Conflict):
        job.pause()
    assert job.resume().status in ("pending", "processing")
    assert job.cancel().status == "cancelled"
    for command in (job.pause, job.resume, job.cancel):
        with pytest.raises(doctag.Conflict) as e:
            command()
        assert e.value.code == capi.ECONFLICT and "cancelled" in str(e.value)
    events = list(job.events(timeout=30))
    assert [e["type"] for e in events][-1] == "cancelled"
    # Nothing is processed after a cancel.
    bctx.run_worker(once=True)
    assert job.refresh().results_count == 0


def test_jobs_of_another_user_are_not_found(bctx, corpus):
    owner = bctx.register("owner@example.org", PASSWORD)
    other = bctx.register("other@example.org", PASSWORD)
    rows, _ = _rows(corpus, n=1)
    job = bctx.submit_batch(owner, rows)
    with pytest.raises(doctag.NotFound):
        bctx.job(other, job.id)
    for fn in (capi.job_pause, capi.job_resume, capi.job_cancel):
        with pytest.raises(doctag.NotFound):
            fn(bctx._c, other.id, job.id)
    with pytest.raises(doctag.NotFound):
        next(_as(job, bctx, other).events(timeout=5))
    assert bctx.job(owner, job.id).status == "pending"
    job.cancel()


def _as(job, ctx, user):
    """The same job id seen through another user's eyes (without a status read)."""
    j = doctag.Job.__new__(doctag.Job)
    j._ctx, j._user_id, j.id, j._snap = ctx, user.id, job.id, None
    return j


def test_submit_errors(bctx):
    user = bctx.register("errors@example.org", PASSWORD)
    with pytest.raises(doctag.InvalidInput) as e:
        bctx.submit_batch(user, [])
    assert "No documents provided" in str(e.value)
    with pytest.raises(doctag.NotFound):
        bctx.submit_batch("00000000-0000-4000-8000-000000000000", [{"title": "x", "file_path": "/x.pdf"}])
    with pytest.raises(TypeError):
        bctx.submit_batch(user, {"title": "x"})
