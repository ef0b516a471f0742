"""Root, status, health, unknown routes and methods, CORS."""
import requests

from conftest import new_user, start_server


def test_root(api):
    r = api.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    assert r.json() == {"message": "Document Meta-Tagging API", "version": "2.0.0"}


def test_status(api):
    r = api.get("/api/status")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "service": "document-meta-tagging-api"}


def test_head_status_has_no_body(api):
    r = api.request("HEAD", "/api/status")
    assert r.status_code == 200
    assert r.content == b""


def test_unknown_path_is_json_404(api):
    for path in ("/nope", "/api", "/api/nope", "/api/history/jobs/x/y/z", "/api/status/extra"):
        r = api.get(path)
        assert r.status_code == 404, path
        assert r.headers["content-type"] == "application/json"
        assert r.json() == {"detail": "Not Found"}


def test_wrong_method_is_json_405(api):
    cases = [("POST", "/api/status"), ("DELETE", "/"), ("GET", "/api/auth/login"), ("PUT", "/api/auth/me"),
             ("POST", "/api/history/stats"), ("PATCH", "/api/history/jobs"), ("GET", "/api/single/process")]
    for method, path in cases:
        r = api.request(method, path, data=b"" if method in ("POST", "PUT", "PATCH") else None)
        assert r.status_code == 405, (method, path, r.status_code)
        assert r.json() == {"detail": "Method Not Allowed"}
        assert r.headers.get("allow"), (method, path)


def test_cors_simple_request(api):
    r = api.get("/api/status", headers={"Origin": "https://app.example"})
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == "*"
    # No Origin, no CORS headers.
    assert "access-control-allow-origin" not in api.get("/api/status").headers


def test_cors_on_errors_too(api):
    r = api.get("/api/auth/me", headers={"Origin": "https://app.example"})
    assert r.status_code == 401
    assert r.headers["access-control-allow-origin"] == "*"


def test_cors_preflight(api):
    for path in ("/api/single/process", "/api/history/jobs/123", "/api/auth/login", "/anything"):
        r = api.request("OPTIONS", path, headers={
            "Origin": "https://app.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type"})
        assert r.status_code == 200, path
        assert r.headers["access-control-allow-origin"] == "*"
        assert "POST" in r.headers["access-control-allow-methods"]
        assert "DELETE" in r.headers["access-control-allow-methods"]
        allowed = r.headers["access-control-allow-headers"].lower()
        assert "authorization" in allowed and "content-type" in allowed
        assert int(r.headers["access-control-max-age"]) > 0


def test_options_without_preflight_headers_is_405(api):
    r = api.request("OPTIONS", "/api/status")
    assert r.status_code == 405


def test_health_answers_json(api):
    r = api.get("/api/health")
    # 200 healthy, 503 unhealthy: both are JSON with a status.
    assert r.status_code in (200, 503), r.text
    body = r.json()
    assert body["status"] in ("healthy", "unhealthy")
    assert body["version"] == "2.0.0"
    assert isinstance(body["message"], str)
    assert (body["status"] == "healthy") == (r.status_code == 200)
    for name, check in body["checks"].items():
        assert check["status"] in ("ok", "error"), name
        assert "detail" in check and "latency_ms" in check


def test_cors_configured_origins():
    # This server also runs without DOCTAG_JWT_SECRET: the secret is generated
    # once in the data directory (mode 0600) and tokens work.
    srv = start_server("embedded", {"DOCTAG_CORS_ORIGINS": "https://good.example, https://other.example",
                                    "DOCTAG_WORKERS": "0", "DOCTAG_JWT_SECRET": ""})
    try:
        user = new_user(srv)
        assert user.get("/api/auth/me").status_code == 200
        r = requests.get(srv.url("/api/status"), headers={"Origin": "https://good.example"}, timeout=10)
        assert r.headers["access-control-allow-origin"] == "https://good.example"
        assert "Origin" in r.headers.get("vary", "")
        r = requests.get(srv.url("/api/status"), headers={"Origin": "https://evil.example"}, timeout=10)
        assert r.status_code == 200
        assert "access-control-allow-origin" not in r.headers
        r = requests.options(srv.url("/api/auth/login"), headers={
            "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}, timeout=10)
        assert r.status_code == 400
        r = requests.options(srv.url("/api/auth/login"), headers={
            "Origin": "https://other.example", "Access-Control-Request-Method": "POST"}, timeout=10)
        assert r.status_code == 200
        assert r.headers["access-control-allow-origin"] == "https://other.example"
    finally:
        assert srv.stop()["server"] == 0


def test_sigterm_stops_cleanly():
    srv = start_server("embedded", {"DOCTAG_WORKERS": "0"})
    assert requests.get(srv.url("/api/status"), timeout=10).status_code == 200
    run_dirs = list(srv.data.glob("run-*"))
    assert run_dirs, "the kore configuration lives in a run directory under the data directory"
    codes = srv.stop()
    assert codes["server"] == 0
    assert not any(d.exists() for d in run_dirs), "the run directory is removed at exit"
    try:
        requests.get(srv.url("/api/status"), timeout=2)
        raise AssertionError("still serving after SIGTERM")
    except requests.ConnectionError:
        pass


def test_launcher_usage_and_bad_settings(tmp_path):
    import subprocess
    from conftest import BIN
    exe = str(BIN / "doctag-server")
    env = {"PATH": "/usr/bin:/bin", "DOCTAG_DATA_DIR": str(tmp_path)}
    r = subprocess.run([exe, "--help"], capture_output=True, text=True, env=env, timeout=30)
    assert r.returncode == 0
    for flag in ("--listen", "--data-dir", "--database-url", "--redis-url", "--allowed-roots", "--workers",
                 "--cors-origins", "--max-upload-mb", "--api-key", "--llm-base-url", "--jwt-secret",
                 "--s3-endpoint", "--blob-url"):
        assert flag in r.stdout, flag
    for args, code in ((["--max-upload-mb", "lots"], 2), (["--listen", "nowhere"], 2), (["--bogus"], 2),
                       (["--database-url", "mysql://x"], 1), (["--redis-url", "http://x"], 1)):
        r = subprocess.run([exe] + args, capture_output=True, text=True, env=env, timeout=30)
        assert r.returncode == code, (args, r.returncode, r.stderr)
        assert r.stderr.strip(), args


def test_launcher_flags_win_over_environment(tmp_path):
    import subprocess
    import time
    from conftest import BIN, free_port
    port = free_port()
    env = {"PATH": "/usr/bin:/bin", "DOCTAG_LISTEN": "127.0.0.1:1", "DOCTAG_DATA_DIR": str(tmp_path / "env")}
    p = subprocess.Popen([str(BIN / "doctag-server"), "--listen", f"127.0.0.1:{port}", "--data-dir",
                          str(tmp_path / "flag"), "--workers", "0", "--cors-origins", "https://flag.example"],
                         env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        for _ in range(100):
            try:
                r = requests.get(f"http://127.0.0.1:{port}/api/status", headers={"Origin": "https://flag.example"},
                                 timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        assert r.status_code == 200
        assert r.headers["access-control-allow-origin"] == "https://flag.example"
        assert (tmp_path / "flag").is_dir() and not (tmp_path / "env").exists()
    finally:
        p.terminate()
        assert p.wait(30) == 0
