"""Webhooks (issue 14): webhook_url on POST /api/batch/start, the URL guard
at submission, the signed POST at the job's end, retries after a 500, the
secret endpoints, deliveries that survive a server restart. The receiver is
a small HTTP server of the test on 127.0.0.1."""
import hashlib
import hmac
import http.server
import json
import os
import threading
import time
import uuid

import pytest
import requests

from conftest import Server, backends, detail, make_database, new_user, redis_url, start_server
from test_batch import local_row, slow_rows, wait_done

RETRY_MS = 300


class Receiver:
    """Records every POST; answers `codes` in turn, then 200."""

    def __init__(self):
        self.calls = []
        self.codes = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.lock:
                    code = receiver.codes.pop(0) if receiver.codes else 200
                    receiver.calls.append({"headers": {k.lower(): v for k, v in self.headers.items()},
                                           "body": body, "code": code, "at": time.time()})
                self.send_response(code)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def wait(self, n, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            with self.lock:
                if len(self.calls) >= n:
                    return list(self.calls)
            time.sleep(0.05)
        raise AssertionError(f"expected {n} webhook calls, got {len(self.calls)}")

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def allowing_server(data_dir=None):
    srv = Server("embedded", {"DOCTAG_ALLOW_PRIVATE_URLS": "1", "DOCTAG_WORKERS": "2",
                              "DOCTAG_WEBHOOK_RETRY_MS": str(RETRY_MS)})
    if data_dir:
        srv.data = data_dir
        srv.env["DOCTAG_DATA_DIR"] = str(data_dir)
    return srv.start()


@pytest.fixture(scope="module", params=backends())
def hook_server(request):
    env = {"DOCTAG_ALLOW_PRIVATE_URLS": "1", "DOCTAG_WEBHOOK_RETRY_MS": str(RETRY_MS)}
    if request.param == "pg_redis":
        # A Redis database of its own: the session's pg_redis server, on the
        # same Redis with another PostgreSQL database, would otherwise take
        # this server's items (and record them where no webhook is known).
        env.update({"DOCTAG_DATABASE_URL": make_database(os.environ["DOCTAG_TEST_POSTGRES_URL"]),
                    "DOCTAG_REDIS_URL": redis_url(7),
                    "DOCTAG_WORKERS": "0"})
        srv = Server("pg_redis", env, workers=2).start()
    else:
        srv = start_server("embedded", env)
    yield srv
    assert srv.stop().get("server") == 0


def start_with_hook(client, url, rows=None):
    return client.post("/api/batch/start", json={"documents": rows or [local_row("en_invoice.pdf")],
                                                 "config": {"model_name": "local"}, "webhook_url": url})


def test_private_webhook_url_refused_at_submission(alice):
    before = alice.get("/api/history/jobs").json()["total"]
    for url, want in (("http://127.0.0.1:9/hook", "URL not allowed: 127.0.0.1 is a loopback address"),
                      ("http://10.1.2.3/hook", "URL not allowed: 10.1.2.3 is a private address"),
                      ("http://[::1]:8080/", "URL not allowed: ::1 is a loopback address")):
        r = start_with_hook(alice, url)
        assert r.status_code == 400, r.text
        assert detail(r) == want
    r = start_with_hook(alice, "ftp://example.com/hook")
    assert r.status_code == 400 and detail(r).startswith("webhook_url: Invalid URL"), r.text
    r = alice.post("/api/batch/start", json={"documents": [local_row("en_invoice.pdf")], "webhook_url": 5})
    assert r.status_code == 400 and detail(r) == "webhook_url must be a string", r.text
    assert alice.get("/api/history/jobs").json()["total"] == before, "a refused job is not created"


def test_webhook_secret_created_once_and_rotated(server, alice, bob):
    r = alice.get("/api/auth/webhook-secret")
    assert r.status_code == 200, r.text
    first = r.json()["secret"]
    assert set(r.json()) == {"secret"} and len(first) >= 32
    assert alice.get("/api/auth/webhook-secret").json()["secret"] == first
    rotated = alice.post("/api/auth/webhook-secret").json()["secret"]
    assert rotated != first
    assert alice.get("/api/auth/webhook-secret").json()["secret"] == rotated
    assert bob.get("/api/auth/webhook-secret").json()["secret"] not in (first, rotated)
    r = requests.get(server.url("/api/auth/webhook-secret"), timeout=30)
    assert r.status_code == 401


def test_completed_job_posts_signed_event(hook_server, receiver):
    user = new_user(hook_server)
    secret = user.get("/api/auth/webhook-secret").json()["secret"]
    rows = [local_row("en_invoice.pdf"), {"title": "no path", "file_source_type": "local"}]
    r = start_with_hook(user, receiver.url, rows)
    assert r.status_code == 200, r.text
    job_id = r.json()["job_id"]
    wait_done(user, job_id)
    call = receiver.wait(1)[0]
    h = call["headers"]
    assert h["content-type"] == "application/json"
    assert h["x-doctag-event"] == "job.completed"
    uuid.UUID(h["x-doctag-delivery"])
    expected = hmac.new(secret.encode(), call["body"], hashlib.sha256).hexdigest()
    assert h["x-doctag-signature"] == "sha256=" + expected
    body = json.loads(call["body"])
    assert set(body) == {"type", "job_id", "total_documents", "processed_count", "failed_count",
                         "processing_time", "finished_at"}
    assert body["type"] == "completed" and body["job_id"] == job_id
    assert (body["total_documents"], body["processed_count"], body["failed_count"]) == (2, 1, 1)
    assert body["finished_at"].endswith("Z")
    time.sleep(RETRY_MS * 3 / 1000)
    assert len(receiver.calls) == 1, "a 2xx is delivered once"


def test_retried_after_500_with_backoff(hook_server, receiver):
    user = new_user(hook_server)
    receiver.codes = [500, 503]
    job_id = start_with_hook(user, receiver.url).json()["job_id"]
    wait_done(user, job_id)
    calls = receiver.wait(3)
    assert [c["code"] for c in calls] == [500, 503, 200]
    assert len({c["headers"]["x-doctag-delivery"] for c in calls}) == 1, "one delivery, three attempts"
    assert len({c["body"] for c in calls}) == 1
    gaps = [b["at"] - a["at"] for a, b in zip(calls, calls[1:])]
    # backoff: at least the configured first delay, then about twice it
    assert gaps[0] >= RETRY_MS / 1000 * 0.9 and gaps[1] >= 2 * RETRY_MS / 1000 * 0.9, gaps
    time.sleep(RETRY_MS * 4 / 1000)
    assert len(receiver.calls) == 3


def test_cancelled_job_posts_cancelled(hook_server, receiver):
    user = new_user(hook_server)
    r = start_with_hook(user, receiver.url, slow_rows(30))
    job_id = r.json()["job_id"]
    assert user.post(f"/api/batch/jobs/{job_id}/cancel").status_code == 200
    call = receiver.wait(1)[0]
    assert call["headers"]["x-doctag-event"] == "job.cancelled"
    body = json.loads(call["body"])
    assert body["type"] == "cancelled" and body["job_id"] == job_id


def test_delivery_survives_a_restart(receiver):
    srv = allowing_server()
    data = srv.data
    try:
        user = new_user(srv)
        receiver.codes = [500] * 1000  # down until the restart
        job_id = start_with_hook(user, receiver.url).json()["job_id"]
        wait_done(user, job_id)
        receiver.wait(1)
    finally:
        assert srv.stop().get("server") == 0
    with receiver.lock:
        receiver.codes = []
        seen = len(receiver.calls)
    srv = allowing_server(data)
    try:
        calls = receiver.wait(seen + 1)
        assert calls[-1]["code"] == 200
        assert json.loads(calls[-1]["body"])["job_id"] == job_id
        assert calls[-1]["headers"]["x-doctag-delivery"] == calls[0]["headers"]["x-doctag-delivery"]
    finally:
        assert srv.stop().get("server") == 0


def test_server_without_batch_worker_delivers(receiver):
    """No batch worker anywhere (DOCTAG_WORKERS=0): a job cancelled before
    any row ran still reports its end, sent by the server itself, once."""
    srv = Server("embedded", {"DOCTAG_ALLOW_PRIVATE_URLS": "1", "DOCTAG_WORKERS": "0",
                              "DOCTAG_WEBHOOK_RETRY_MS": str(RETRY_MS)}).start()
    try:
        user = new_user(srv)
        secret = user.get("/api/auth/webhook-secret").json()["secret"]
        receiver.codes = [500]
        job_id = start_with_hook(user, receiver.url, [local_row("en_invoice.pdf")] * 3).json()["job_id"]
        assert user.get(f"/api/batch/jobs/{job_id}/status").json()["status"] == "pending"
        assert user.post(f"/api/batch/jobs/{job_id}/cancel").status_code == 200
        calls = receiver.wait(2)  # a 500, then the retry
        assert [c["code"] for c in calls] == [500, 200]
        for c in calls:
            assert c["headers"]["x-doctag-event"] == "job.cancelled"
            expected = hmac.new(secret.encode(), c["body"], hashlib.sha256).hexdigest()
            assert c["headers"]["x-doctag-signature"] == "sha256=" + expected
        body = json.loads(calls[0]["body"])
        assert body["type"] == "cancelled" and body["job_id"] == job_id and body["processed_count"] == 0
        time.sleep(RETRY_MS * 4 / 1000 + 1.5)
        assert len(receiver.calls) == 2, "delivered once after its 2xx"
    finally:
        assert srv.stop().get("server") == 0
