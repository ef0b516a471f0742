"""Operations (issue 14): the access log, X-Request-ID, /metrics."""
import json
import re
import socket
import time
import uuid

import pytest
import requests

from conftest import Server, start_server

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
