"""Operations (issue 14): the access log, X-Request-ID, /metrics."""
import json
import os
import re
import signal
import socket
import subprocess
import time
import uuid

import pytest
import requests

from conftest import SOURCE, Api, Server, corpus_dir, make_database, new_user, redis_url, start_server

HEX32 = re.compile(r"^[0-9a-f]{32}$")


def log_lines(srv, want, timeout=5):
    """The access-log lines (JSON objects on stderr) for which want(line)
    holds; lines are written within a quarter second."""
    deadline = time.time() + timeout
    while True:
        found = []
        for raw in srv.log_text().splitlines():
            if raw.startswith("{") and '"request_id"' in raw:
                line = json.loads(raw)
                if want(line):
                    found.append(line)
        if found or time.time() > deadline:
            return found
        time.sleep(0.1)


def test_every_response_has_a_request_id(api, alice):
    seen = set()
    for r in (api.get("/api/status"), api.get("/"), api.get("/nope"), api.post("/api/status"),
              alice.get("/api/auth/me"), api.get("/api/auth/me"), api.get("/metrics"),
              api.request("OPTIONS", "/api/status", headers={"Origin": "https://a.example",
                                                             "Access-Control-Request-Method": "GET"})):
        rid = r.headers.get("x-request-id")
        assert rid and HEX32.match(rid), (r.url, r.status_code, rid)
        seen.add(rid)
    assert len(seen) == 8, "request ids repeat"


def test_client_request_id_kept_when_well_formed(api):
    for good in ("a", "abc.DEF-1_2", "x" * 64, str(uuid.uuid4())):
        assert api.get("/api/status", headers={"X-Request-ID": good}).headers["x-request-id"] == good
    for bad in ("x" * 65, "has space", "semi;colon", "a/b", "{json}", "quote\"d"):
        rid = api.get("/api/status", headers={"X-Request-ID": bad.encode()}).headers["x-request-id"]
        assert rid != bad and HEX32.match(rid), (bad, rid)


def test_access_log_line_per_request(server, alice):
    rid = "log-" + uuid.uuid4().hex
    r = alice.get("/api/history/jobs?limit=5&status=completed", headers={"X-Request-ID": rid})
    assert r.status_code == 200
    lines = log_lines(server, lambda l: l["request_id"] == rid)
    assert len(lines) == 1, lines
    line = lines[0]
    assert line["method"] == "GET"
    assert line["path"] == "/api/history/jobs?limit&status", "query values must not be logged"
    assert line["status"] == 200
    assert line["bytes"] == len(r.content)
    assert line["user_id"] == alice.user["id"]
    assert isinstance(line["duration_ms"], float) and 0 <= line["duration_ms"] < 60000
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", line["time"])


def test_access_log_never_has_query_values_or_tokens(server, alice):
    rid = "tok-" + uuid.uuid4().hex
    secret = "s3cret-" + uuid.uuid4().hex
    alice.get(f"/api/history/documents/search?query={secret}", headers={"X-Request-ID": rid})
    requests.get(server.url(f"/api/batch/ws/{uuid.uuid4()}?token={secret}"), headers={"X-Request-ID": rid + "w"},
                 timeout=30)
    assert log_lines(server, lambda l: l["request_id"] in (rid, rid + "w"))
    assert secret not in server.log_text()
    assert alice.token not in server.log_text()


def test_failed_login_logged_with_email_hash_only(server, alice):
    import hashlib
    rid = "login-" + uuid.uuid4().hex
    wrong = "wrong-" + uuid.uuid4().hex
    r = requests.post(server.url("/api/auth/login"), json={"email": " " + alice.email.upper(), "password": wrong},
                      headers={"X-Request-ID": rid}, timeout=60)
    assert r.status_code == 401
    lines = log_lines(server, lambda l: l["request_id"] == rid)
    assert len(lines) == 1
    assert lines[0]["event"] == "login_failed"
    assert lines[0]["email_sha256"] == hashlib.sha256(alice.email.lower().encode()).hexdigest()
    text = server.log_text()
    assert wrong not in text and alice.email not in text and alice.email.upper() not in text


def test_access_log_can_be_turned_off():
    srv = start_server("embedded", {"DOCTAG_ACCESS_LOG": "off", "DOCTAG_WORKERS": "0"})
    try:
        rid = "off-" + uuid.uuid4().hex
        r = requests.get(srv.url("/api/status"), headers={"X-Request-ID": rid}, timeout=30)
        assert r.headers["x-request-id"] == rid
        time.sleep(0.6)
        assert rid not in srv.log_text()
    finally:
        assert srv.stop().get("server") == 0


def raw_get(port, target):
    """A GET of a raw request target (bytes), as a client may send it."""
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    try:
        s.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nX-Request-ID: raw-" + str(abs(hash(target))).encode()
                  + b"\r\nConnection: close\r\n\r\n")
        return s.recv(4096)
    finally:
        s.close()


def test_access_log_paths_are_json_escaped(server):
    """Whatever bytes a client puts in the path, the line stays one JSON
    object and shows the path: quotes and backslashes escaped, UTF-8 kept,
    other bytes as \\u00XX."""
    cases = {b'/api/a"b\\c': '/api/a"b\\c', "/api/caf\u00e9".encode(): "/api/caf\u00e9",
             b"/api/\xff\xfe": "/api/\u00ff\u00fe", b"/api/%22x": "/api/%22x",
             b"/api/status?token=abc&x=1&=z&&y": "/api/status?token&x&y"}
    for target, logged in cases.items():
        assert raw_get(server.port, target).startswith(b"HTTP/1.1 "), target
        rid = "raw-" + str(abs(hash(target)))
        lines = log_lines(server, lambda ln: ln["request_id"] == rid)
        assert len(lines) == 1, (target, server.log_text()[-2000:])
        assert lines[0]["path"] == logged, (target, lines[0])


def test_access_log_lines_stay_whole_through_a_pipe():
    """stderr a pipe (docker, `| logger`) read slowly, two workers: every
    line arrives whole and every request has its line once (a worker's
    writes into a pipe stay within PIPE_BUF, which Linux keeps whole)."""
    import threading
    from conftest import BIN
    srv = Server("embedded", {"DOCTAG_WORKERS": "0", "DOCTAG_HTTP_WORKERS": "2"})
    r, w = os.pipe()
    proc = subprocess.Popen([str(BIN / "doctag-server")], env=srv.env, stdout=w, stderr=w, start_new_session=True)
    os.close(w)
    chunks = []

    def read_slowly():  # a slow reader: the pipe fills and the workers wait in write(2)
        while True:
            chunk = os.read(r, 1024)
            if not chunk:
                return
            chunks.append(chunk)
            time.sleep(0.001)

    reader = threading.Thread(target=read_slowly)
    reader.start()
    try:
        deadline = time.time() + 30
        while True:
            try:
                if requests.get(srv.url("/api/status"), timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                assert time.time() < deadline, b"".join(chunks)[-2000:]
                time.sleep(0.1)
        ids = [f"pipe-{i}-{uuid.uuid4().hex}" for i in range(600)]
        long_path = "/api/" + "p" * 400  # long lines fill a buffer in a few requests

        def client(part):
            with requests.Session() as session:
                for rid in part:
                    session.get(srv.url(long_path), headers={"X-Request-ID": rid}, timeout=30)

        threads = [threading.Thread(target=client, args=(ids[k::6],)) for k in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(40)
        reader.join(40)
        os.close(r)
    assert code == 0
    seen = []
    for raw in b"".join(chunks).decode("utf-8", "replace").splitlines():
        if '"request_id"' in raw:
            seen.append(json.loads(raw)["request_id"])  # a cut line would not parse
    assert sorted(x for x in seen if x.startswith("pipe-")) == sorted(ids)


# ---- /metrics -------------------------------------------------------------

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? '
                    r'(-?[0-9.e+-]+|\+Inf|NaN)$')


def parse_metrics(text):
    """Checks the Prometheus text format line by line; returns
    {(name, frozenset(labels)): value}."""
    out = {}
    typed = set()
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            typed.add(line.split()[2])
            continue
        if line.startswith("#") or not line:
            continue
        m = SAMPLE.match(line)
        assert m, f"not a Prometheus sample: {line!r}"
        name = m.group(1)
        base = re.sub(r"_(bucket|sum|count)$", "", name)
        assert name in typed or base in typed, f"{name} has no # TYPE"
        labels = frozenset(re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"', m.group(2) or ""))
        out[(name, labels)] = float(m.group(4))
    return out


def metric(samples, name, **labels):
    want = set(labels.items())
    return sum(v for (n, l), v in samples.items() if n == name and want <= set(l))


def test_metrics_count_requests_by_route_and_status(api, alice):
    before = parse_metrics(api.get("/metrics").text)
    for _ in range(3):
        assert api.get("/api/status").status_code == 200
    job = str(uuid.uuid4())
    assert alice.get(f"/api/batch/jobs/{job}/status").status_code == 404
    r = api.get("/metrics")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain; version=0.0.4")
    after = parse_metrics(r.text)
    d = lambda name, **l: metric(after, name, **l) - metric(before, name, **l)  # noqa: E731
    assert d("doctag_http_requests_total", route="/api/status", status="200") == 3
    assert d("doctag_http_requests_total", route="/api/batch/jobs/{id}/status", status="404") == 1
    # Histogram: +Inf bucket equals the count, buckets are cumulative.
    assert d("doctag_http_request_duration_seconds_count", route="/api/status") == 3
    inf = metric(after, "doctag_http_request_duration_seconds_bucket", route="/api/status", le="+Inf")
    assert inf == metric(after, "doctag_http_request_duration_seconds_count", route="/api/status")
    les = sorted(((float(dict(l)["le"]), v) for (n, l), v in after.items()
                  if n == "doctag_http_request_duration_seconds_bucket" and dict(l)["route"] == "/api/status"
                  and dict(l)["le"] != "+Inf"))
    assert all(a[1] <= b[1] for a, b in zip(les, les[1:])), les
    assert metric(after, "doctag_http_workers_live") == 2


def test_metrics_sum_over_workers(api):
    """Requests land on both kore workers (new connections); the sum is exact."""
    before = metric(parse_metrics(api.get("/metrics").text), "doctag_http_requests_total", route="/api/status")
    for _ in range(20):
        with requests.Session() as s:
            assert s.get(api.srv.url("/api/status"), timeout=30).status_code == 200
    after = metric(parse_metrics(api.get("/metrics").text), "doctag_http_requests_total", route="/api/status")
    assert after - before == 20


def test_metrics_token_and_off():
    srv = start_server("embedded", {"DOCTAG_METRICS_TOKEN": "m-token-123", "DOCTAG_WORKERS": "0"})
    try:
        r = requests.get(srv.url("/metrics"), timeout=30)
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
        assert r.json() == {"detail": "A valid metrics token is required"}
        r = requests.get(srv.url("/metrics"), headers={"Authorization": "Bearer m-token-12"}, timeout=30)
        assert r.status_code == 401
        r = requests.get(srv.url("/metrics"), headers={"Authorization": "Bearer m-token-123"}, timeout=30)
        assert r.status_code == 200 and "doctag_http_requests_total" in r.text
    finally:
        assert srv.stop().get("server") == 0
    srv = start_server("embedded", {"DOCTAG_METRICS": "off", "DOCTAG_WORKERS": "0"})
    try:
        r = requests.get(srv.url("/metrics"), timeout=30)
        assert r.status_code == 404 and r.json() == {"detail": "Not Found"}
    finally:
        assert srv.stop().get("server") == 0


def outside_address():
    """An address of this machine that is not loopback, or None."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.connect(("192.0.2.1", 9))  # no packet is sent for UDP connect
        ip = s.getsockname()[0]
    except OSError:
        return None
    finally:
        s.close()
    return None if ip.startswith("127.") else ip


@pytest.mark.parametrize("mode,expect", [("local", 403), ("public", 200)])
def test_metrics_local_refuses_other_addresses(mode, expect):
    ip = outside_address()
    if not ip:
        pytest.skip("no non-loopback address on this machine")
    srv = Server("embedded", {"DOCTAG_WORKERS": "0", "DOCTAG_METRICS": mode})
    port = srv.port
    srv.env["DOCTAG_LISTEN"] = f"0.0.0.0:{port}"
    srv.start()
    try:
        assert requests.get(f"http://127.0.0.1:{port}/metrics", timeout=30).status_code == 200
        r = requests.get(f"http://{ip}:{port}/metrics", timeout=30)
        assert r.status_code == expect, r.text
    finally:
        assert srv.stop().get("server") == 0


# ---- /metrics: the library's figures (documents, pages, OCR, LLM, queue) ---

def small_pdf(kind):
    """The smallest PDF of a corpus folder ("text")."""
    pdfs = sorted((p for p in (corpus_dir() / kind).glob("*.pdf")), key=lambda p: p.stat().st_size)
    if not pdfs:
        pytest.skip(f"no {kind} PDFs in the corpus")
    return pdfs[0]


# The scan the metrics test uploads, named: an English page turned a quarter
# turn, in both corpora (the shared one and the generated fixtures). Chosen
# as "the smallest scan", the fixtures gave a Hindi page barely smaller than
# the Gujarati one, so a regenerated fixture could change what is tested.
METRICS_SCAN = "orientation_rot90.pdf"


def scan_pdf_named(name):
    pdf = corpus_dir() / "scanned" / name
    assert pdf.exists(), f"{pdf}: the corpus should have this scan"
    return pdf


@pytest.fixture
def fake_llm():
    proc = subprocess.Popen(["/usr/bin/python3", str(SOURCE / "tests" / "fake_llm" / "fake_llm.py"), "0"],
                            stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline().split()
    assert line and line[0] == "PORT", line
    yield f"http://127.0.0.1:{line[1]}/v1"
    proc.terminate()
    proc.wait(10)


def own_server(backend, extra, redis_db):
    """A server of its own; on pg_redis with a Redis database of its own too:
    the session's server and workers share the Redis and would otherwise
    take this server's items (and record them in their own database)."""
    if backend != "pg_redis":
        return start_server(backend, extra)
    env = dict(extra)
    env.update({"DOCTAG_DATABASE_URL": make_database(os.environ["DOCTAG_TEST_POSTGRES_URL"]),
                "DOCTAG_REDIS_URL": redis_url(redis_db),
                "DOCTAG_WORKERS": "0",
                "DOCTAG_SECRET_KEY": "api-test-sealing-key-" + uuid.uuid4().hex})
    return Server("pg_redis", env, workers=2).start()


def scrape(client):
    r = client.get("/metrics")
    assert r.status_code == 200, r.text
    return parse_metrics(r.text)


def test_metrics_count_documents_pages_ocr_llm_and_jobs(server, fake_llm):
    """Scrape before and after a single upload, a scanned page, plain text
    through the (fake) LLM, a too-short text and a batch: the deltas are
    exact, summed over the kore workers and the batch worker processes."""
    extra = {"DOCTAG_LLM_BASE_URL": fake_llm, "OPENROUTER_API_KEY": "sk-fake-metrics"}
    srv = own_server(server.name, extra, 8)
    try:
        api, alice = Api(srv), new_user(srv, "metrics")
        before = scrape(api)
        text_pdf, scan_pdf = small_pdf("text"), scan_pdf_named(METRICS_SCAN)
        one_page = json.dumps({"model_name": "local", "num_tags": 5, "num_pages": 1})
        for pdf in (text_pdf, scan_pdf):
            r = alice.post("/api/single/process", data={"config": one_page},
                           files={"pdf_file": (pdf.name, pdf.read_bytes(), "application/pdf")})
            assert r.status_code == 200, r.text
            assert r.json()["extraction_method"] == ("text_layer" if pdf is text_pdf else "ocr_tesseract"), r.json()
        words = " ".join(["monsoon rainfall reservoir irrigation district farmers"] * 20)
        r = alice.post("/api/single/tag-text", json={"text": words, "config": {"model_name": "fake/echo#m1"}})
        assert r.status_code == 200, r.text
        r = alice.post("/api/single/tag-text", json={"text": words, "config": {"model_name": "fake/flaky#m2"}})
        assert r.status_code == 200, r.text
        r = alice.post("/api/single/tag-text", json={"text": "too short", "config": {"model_name": "local"}})
        assert r.status_code == 400
        rows = [{"title": "a", "file_path": str(text_pdf), "file_source_type": "local"},
                {"title": "gone", "file_path": str(text_pdf.parent / "no-such.pdf"), "file_source_type": "local"}]
        r = alice.post("/api/batch/start", json={"documents": rows, "config": json.loads(one_page)})
        assert r.status_code == 200, r.text
        job = r.json()["job_id"]
        deadline = time.time() + 120
        while alice.get(f"/api/batch/jobs/{job}/status").json()["status"] != "completed":
            assert time.time() < deadline, "the batch did not complete"
            time.sleep(0.2)
        after = scrape(api)
        d = lambda name, **l: metric(after, name, **l) - metric(before, name, **l)  # noqa: E731

        assert d("doctag_documents_total", source="upload", status="processed") == 2
        assert d("doctag_documents_total", source="text", status="processed") == 2
        assert d("doctag_documents_total", source="text", status="failed") == 1
        assert d("doctag_documents_total", source="local", status="processed") == 1
        assert d("doctag_documents_total", source="local", status="failed") == 1
        assert d("doctag_documents_total", source="upload", status="failed") == 0
        # num_pages 1: one page per PDF read (the upload's, the scan's, the row's).
        assert d("doctag_pages_total", method="text") == 2
        assert d("doctag_pages_total", method="ocr") == 1
        assert d("doctag_ocr_seconds_total") > 0
        # flaky: 500, 500, then answers; every answer reports 100 tokens (the
        # tagger may ask a model twice when the first answer has too few tags).
        assert d("doctag_llm_errors_total") == 2
        answers = d("doctag_llm_tokens_total") / 100
        assert answers >= 2 and d("doctag_llm_requests_total") == answers + 2
        # The store's census: every single call and the batch are jobs.
        assert d("doctag_jobs", type="single", status="completed") == 4
        assert d("doctag_jobs", type="single", status="failed") == 1
        assert d("doctag_jobs", type="batch", status="completed") == 1
        assert metric(after, "doctag_queue_depth") == 0
        assert metric(after, "doctag_store_up") == 1
        assert metric(after, "doctag_metrics_shared") == 1
        # embedded: the launcher's `doctag worker --threads 2`; pg_redis: two
        # separate workers of 2 threads each, sharing the server's stats file.
        procs = 2 if server.name == "pg_redis" else 1
        assert metric(after, "doctag_batch_workers") == procs
        assert metric(after, "doctag_batch_worker_threads") == 2 * procs
    finally:
        assert srv.stop().get("server") == 0


def test_metrics_queue_depth_counts_rows_of_a_paused_job(server):
    """A job paused before it starts: its rows are paused rows, not queue
    depth; cancelled, they are neither."""
    srv = own_server(server.name, {"DOCTAG_WORKERS": "0"} if server.name == "embedded" else {}, 9)
    try:
        api, alice = Api(srv), new_user(srv, "depth")
        pdf = small_pdf("text")
        rows = [{"title": str(i), "file_path": str(pdf), "file_source_type": "local"} for i in range(5)]
        for w in srv.workers:  # nothing may claim the rows while we look
            w.send_signal(signal.SIGSTOP)
        try:
            job = alice.post("/api/batch/start", json={"documents": rows, "config": {"model_name": "local"}}).json()
            m = scrape(api)
            assert metric(m, "doctag_queue_depth") == 5
            assert metric(m, "doctag_jobs", type="batch", status="pending") == 1
            assert alice.post(f"/api/batch/jobs/{job['job_id']}/pause").status_code == 200
            m = scrape(api)
            assert metric(m, "doctag_queue_depth") == 0 and metric(m, "doctag_queue_paused_rows") == 5
            assert metric(m, "doctag_jobs", type="batch", status="paused") == 1
            assert alice.post(f"/api/batch/jobs/{job['job_id']}/cancel").status_code == 200
            m = scrape(api)
            assert metric(m, "doctag_queue_depth") == 0 and metric(m, "doctag_queue_paused_rows") == 0
            assert metric(m, "doctag_jobs", type="batch", status="cancelled") == 1
        finally:
            for w in srv.workers:
                w.send_signal(signal.SIGCONT)
    finally:
        assert srv.stop().get("server") == 0


# ---- answers given before any handler (kore's own, http_guard.c) -----------

def raw_exchange(port, data, wait=10):
    """Sends raw bytes; returns everything the server answered until it
    closed the connection."""
    s = socket.create_connection(("127.0.0.1", port), timeout=wait)
    try:
        s.sendall(data)
        out = b""
        while True:
            try:
                chunk = s.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not chunk:
                break
            out += chunk
        return out
    finally:
        s.close()


def parse_raw(answer):
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, v in (ln.split(":", 1) for ln in lines[1:])}
    return status, headers, body


@pytest.mark.parametrize("case", ["bad_request_line", "header_timeout", "body_too_large", "headers_too_large"])
def test_answers_before_routing_have_request_id_body_and_log_line(case):
    srv = start_server("embedded", {"DOCTAG_WORKERS": "0"})
    try:
        port = srv.port
        if case == "bad_request_line":
            want, msg = 400, "Bad Request"
            data = b"GET /api/status?token=secret-value HTTP/1.1\r\nHost: x\r\nX-Request-ID: raw-400.a\r\n" \
                   b"Bad Header Line\r\n\r\n"
        elif case == "header_timeout":
            # kore's own 408 after http_header_timeout (10 s); slow bodies
            # are answered by http_guard.c before kore (test_security)
            want, msg = 408, "Request Timeout"
            data = b"POST /api/auth/login HTTP/1.1\r\nHost: x\r\nX-Request-ID: raw-408.a\r\nContent-Type: a"
        elif case == "body_too_large":
            want, msg = 413, "Request body too large"
            data = b"POST /api/single/process HTTP/1.1\r\nHost: x\r\nX-Request-ID: raw-413.a\r\n" \
                   b"Content-Length: 99999999999\r\n\r\n"
        else:
            want, msg = 431, "Request headers too large"
            data = b"GET /api/status HTTP/1.1\r\nHost: x\r\nX-Request-ID: raw-431.a\r\nX-Big: " + b"a" * 9000 + b"\r\n\r\n"
        status, headers, body = parse_raw(raw_exchange(port, data, wait=30))
        assert status == want, (status, headers, body)
        assert headers["content-type"] == "application/json"
        assert json.loads(body)["detail"].startswith(msg), body
        rid = headers["x-request-id"]
        assert rid == f"raw-{want}.a", headers
        lines = log_lines(srv, lambda ln: ln["request_id"] == rid)
        assert len(lines) == 1, srv.log_text()[-2000:]
        line = lines[0]
        assert line["status"] == want and line["bytes"] == len(body)
        assert line["path"] == {"bad_request_line": "/api/status?token", "header_timeout": "/api/auth/login",
                                "body_too_large": "/api/single/process", "headers_too_large": "/api/status"}[case]
        assert "secret-value" not in srv.log_text()
        # a client without an id gets a new one, as everywhere else
        status, headers, _ = parse_raw(raw_exchange(port, b"NOT A REQUEST\r\n\r\n"))
        assert status == 400 and HEX32.match(headers["x-request-id"]), headers
        # and the server goes on answering
        assert requests.get(srv.url("/api/status"), timeout=30).status_code == 200
    finally:
        assert srv.stop().get("server") == 0
