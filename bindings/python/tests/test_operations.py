"""Operations from Python: health, the metrics snapshot, webhook delivery and
its signing secret (the calls doctag-server's /api/health, /metrics and
kore worker 1 use)."""

import hashlib
import hmac
import http.server
import json
import threading
import time

import pytest

import doctag


def test_health_probes_the_dependencies(make_ctx):
    h = make_ctx().health()
    assert h["status"] == "healthy", h
    assert h["version"] == "2.0.0"
    assert {"database", "queue", "ocr", "blobs", "llm"} <= set(h["checks"])
    for check in h["checks"].values():
        assert check["status"] in ("ok", "error") and check["latency_ms"] >= 0


def _documents(m, source, status):
    return m.value("doctag_documents_total", source=source, status=status)


def test_metrics_count_what_the_pipeline_did(make_ctx, corpus):
    """Counters are per process: the figures are deltas around the work."""
    ctx = make_ctx()
    e = corpus.one(kind="text", lang="eng")
    before = ctx.metrics()
    r = ctx.process(corpus.path(e["path"]), model="local")
    with open(corpus.path(e["path"]), "rb") as f:
        ctx.process(f.read(), model="local")
    with pytest.raises(doctag.NoText):
        ctx.tag_text("too short", model="local")
    after = ctx.metrics()
    assert _documents(after, "local", "processed") == _documents(before, "local", "processed") + 1
    assert _documents(after, "upload", "processed") == _documents(before, "upload", "processed") + 1
    assert _documents(after, "text", "failed") == _documents(before, "text", "failed") + 1
    assert after.value("doctag_pages_total", method="text") == \
        before.value("doctag_pages_total", method="text") + 2 * r.pages_read
    # labels in any order; a series the snapshot lacks is None, not 0
    assert after.value("doctag_documents_total", status="processed", source="local") == \
        _documents(after, "local", "processed")
    assert after.value("doctag_pages_total", method="no such method") is None
    assert after.value("doctag_no_such_metric") is None
    assert after.value("doctag_store_up") == 1


def test_metrics_census_of_jobs_and_the_text_format(make_ctx):
    ctx = make_ctx()
    u = ctx.register("census@example.com", "pw-census-12345", "Census")
    rows = [{"title": "r%d" % i, "file_path": "/nowhere/%d.pdf" % i, "file_source_type": "local"} for i in range(3)]
    before = ctx.metrics()
    ctx.submit_batch(u, rows)
    m = ctx.metrics()
    assert m.value("doctag_jobs", type="batch", status="pending") == \
        (before.value("doctag_jobs", type="batch", status="pending") or 0) + 1
    assert m.value("doctag_queue_depth") == before.value("doctag_queue_depth") + 3
    text = m.prometheus()
    assert "# TYPE doctag_documents_total counter" in text
    assert "doctag_queue_depth %g\n" % m.value("doctag_queue_depth") in text
    assert 'doctag_jobs{type="batch",status="pending"} %g\n' % m.value("doctag_jobs", type="batch",
                                                                        status="pending") in text
    assert "queue depth 3" in repr(m)


class _Receiver:
    """A local webhook receiver: answers the statuses given in turn, then 200,
    and keeps every delivery's headers and raw body."""

    def __init__(self, statuses=()):
        got, script = [], list(statuses)

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                got.append((dict(self.headers), body))
                self.send_response(script.pop(0) if script else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.got = got
        self.srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.srv.serve_forever, daemon=True).start()
        self.url = "http://127.0.0.1:%d/hook" % self.srv.server_address[1]

    def close(self):
        self.srv.shutdown()
        self.srv.server_close()


def test_deliver_webhooks_signs_retries_and_sends_once(make_ctx, monkeypatch):
    monkeypatch.setenv("DOCTAG_WEBHOOK_RETRY_MS", "300")  # the first retry's delay
    rx = _Receiver(statuses=[500])
    try:
        ctx = make_ctx(allow_private_urls=True)
        u = ctx.register("hooks@example.com", "pw-hooks-12345", "Hooks")
        secret = ctx.webhook_secret(u)
        assert secret.startswith("whsec_") and ctx.webhook_secret(u) == secret
        job = ctx.submit_batch(u, [{"title": "a", "file_path": "/nowhere.pdf", "file_source_type": "local"}],
                               webhook_url=rx.url)
        job.cancel()  # pending, no worker: the job ends now and its event is queued
        # No worker runs here: only deliver_webhooks() sends.
        assert ctx.deliver_webhooks() == 1
        assert len(rx.got) == 1  # answered 500
        assert ctx.deliver_webhooks() == 0, "retried before its backoff"
        deadline = time.time() + 10
        while len(rx.got) < 2 and time.time() < deadline:
            time.sleep(0.1)
            ctx.deliver_webhooks()
        assert len(rx.got) == 2, "not retried after the 500"
        for headers, body in rx.got:
            event = json.loads(body)
            assert event["type"] == "cancelled" and event["job_id"] == job.id
            assert headers["X-Doctag-Event"] == "job.cancelled"
            want = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
            assert headers["X-Doctag-Signature"] == want
        assert rx.got[0][0]["X-Doctag-Delivery"] == rx.got[1][0]["X-Doctag-Delivery"], "one delivery, retried"
        time.sleep(0.5)
        assert ctx.deliver_webhooks() == 0 and len(rx.got) == 2, "delivered after a 2xx"
        # a rotated secret signs from then on
        assert ctx.webhook_secret(u, rotate=True) != secret
    finally:
        rx.close()


def test_webhook_url_goes_through_the_url_guard(make_ctx):
    ctx = make_ctx()  # private addresses refused (the default)
    u = ctx.register("guard@example.com", "pw-guard-12345", "Guard")
    for url, error in (("http://127.0.0.1:9/hook", doctag.UrlRefused), ("http://10.0.0.1/hook", doctag.UrlRefused),
                       ("ftp://example.com/hook", doctag.InvalidInput)):
        with pytest.raises(error):
            ctx.submit_batch(u, [{"title": "a", "file_path": "/x.pdf", "file_source_type": "local"}],
                             webhook_url=url)
    assert ctx.active_jobs(u) == [] and ctx.history_jobs(u)["total"] == 0, "a refused job was created"


def test_deliver_webhooks_with_nothing_due(make_ctx):
    assert make_ctx().deliver_webhooks() == 0
