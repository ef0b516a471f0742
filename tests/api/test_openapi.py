"""The OpenAPI document, the docs page, the web app's files and the browser
redirect of GET /. Each response of the API tests is also checked against
the document (openapi_check.py, installed by conftest.py)."""
import json
import re
import subprocess
import tempfile

import jsonschema
import pytest
import requests

import openapi_check
from conftest import BIN, TIMEOUT

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


@pytest.fixture(scope="module")
def doc():
    return openapi_check.load()


def route_table():
    """The routes of the generated kore configuration: (path or regex, handler)."""
    with tempfile.TemporaryDirectory() as data:
        out = subprocess.run([str(BIN / "doctag-server"), "--print-config"], capture_output=True, text=True,
                             check=True, env={"DOCTAG_DATA_DIR": data, "PATH": "/usr/bin:/bin"}).stdout
    return [tuple(line.split()[1:3]) for line in out.splitlines() if line.strip().startswith("route ")]


def example(template):
    return re.sub(r"\{[^}]+\}", "0b8e5a8e-1f0c-4c1e-9a51-2f3d4e5f6a7b", template)


def test_every_route_is_documented(doc):
    """No route of the server is missing from the document, and no
    documented path is served by no route (the catch-all excepted)."""
    routes = route_table()
    assert len(routes) > 20
    examples = {t: example(t) for t in doc["paths"]}
    missing = []
    for pattern, handler in routes:
        if handler == "api_not_found":
            continue
        if pattern.startswith("/"):
            if pattern not in doc["paths"] and pattern + "/" not in doc["paths"]:
                missing.append(pattern)
        elif not any(re.search(pattern, e) for e in examples.values()):
            missing.append(pattern)
    assert not missing, f"routes missing from web/openapi.json: {missing}"
    served = [p for p, _ in routes if p.startswith("/")]
    regexes = [re.compile(p) for p, h in routes if not p.startswith("/") and h != "api_not_found"]
    orphans = [t for t, e in examples.items() if e not in served and not any(r.search(e) for r in regexes)]
    # /metrics and the routes other areas add arrive with their handlers.
    assert set(orphans) <= {"/metrics", "/api/single/tag-text", "/api/auth/webhook-secret"}, orphans


def test_document_is_consistent(doc):
    assert doc["openapi"].startswith("3.1")
    assert doc["components"]["securitySchemes"]["bearer"] == {**doc["components"]["securitySchemes"]["bearer"],
                                                              "type": "http", "scheme": "bearer"}
    spec = openapi_check.Spec(doc)
    text = json.dumps(doc)
    for name in set(re.findall(r'"#/components/(?:schemas|responses)/([A-Za-z]+)"', text)):
        assert name in doc["components"]["schemas"] or name in doc["components"]["responses"], name
    for name, schema in doc["components"]["schemas"].items():
        jsonschema.Draft202012Validator.check_schema(schema)
    public = {"/api/auth/register", "/api/auth/login", "/api/auth/refresh", "/api/auth/logout", "/api/health",
              "/api/status", "/", "/api/openapi.json", "/api/docs", "/api/docs/{file}", "/app", "/app/", "/app/{file}", "/metrics"}
    for template, ops in doc["paths"].items():
        for method, op in ops.items():
            assert op.get("summary"), (method, template)
            is_public = op.get("security") == []
            assert is_public == (template in public), (method, template)
            if not is_public:
                assert "401" in op["responses"], (method, template)
            for code, r in op["responses"].items():
                assert re.fullmatch(r"[1-5][0-9][0-9]", code), (template, code)
            for p in re.findall(r"\{([^}]+)\}", template):
                assert any(x["name"] == p and x["in"] == "path" for x in op.get("parameters", [])), (template, p)
    # The error shapes every client relies on.
    assert spec.validate({"$ref": "#/components/schemas/Error"}, {"detail": "x"}) == []
    assert spec.validate({"$ref": "#/components/schemas/ValidationError"},
                         {"detail": [{"loc": ["body", "num_tags"], "msg": "m", "type": "t"}]}) == []
    assert spec.validate({"$ref": "#/components/schemas/Error"}, {"detail": [1]}) != []
    assert "429" in doc["paths"]["/api/auth/login"]["post"]["responses"]
    assert "webhook_url" in doc["components"]["schemas"]["BatchStartRequest"]["properties"]
    assert "strict" in doc["components"]["schemas"]["TaggingConfig"]["properties"]
    assert "warnings" in doc["components"]["schemas"]["SinglePDFResponse"]["properties"]


def test_checker_rejects_drift(doc):
    """The conformance check fails on what it exists to catch."""
    spec = openapi_check.Spec(doc)
    base = "http://127.0.0.1:1"
    ok = json.dumps({"status": "ok", "service": "document-meta-tagging-api"}).encode()
    assert spec.check("GET", base + "/api/status", 200, "application/json", ok) == []
    assert spec.check("GET", base + "/api/status", 200, "application/json", b'{"status": "ok"}')
    assert spec.check("GET", base + "/api/status", 418, "application/json", ok)
    assert spec.check("GET", base + "/api/undocumented", 200, "application/json", ok)
    assert spec.check("GET", base + "/api/history/jobs/x", 404, "text/html", b"<p>")
    assert spec.check("GET", base + "/api/history/documents/search?query=a", 200, "application/json",
                      b'{"documents": [], "total": 0}') == []
    assert spec.check("GET", base + "/api/history/documents/search", 200, "application/json", b'{"jobs": []}')
    # WebSocket frames.
    job = "0b8e5a8e-1f0c-4c1e-9a51-2f3d4e5f6a7b"
    assert spec.check_ws("ws://x", json.dumps({"error": "Authentication required", "job_id": job})) == []
    assert spec.check_ws("ws://x", json.dumps({"type": "paused", "job_id": job})) == []
    assert spec.check_ws("ws://x", json.dumps({"type": "progress", "job_id": job, "status": "success", "progress": 1}))
    assert spec.check_ws("ws://x", json.dumps({"type": "exploded", "job_id": job}))


def test_openapi_served_is_the_source(api, doc):
    r = api.get("/api/openapi.json")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    assert r.json() == doc
    # Revalidation: the same ETag answers 304 without a body.
    again = api.get("/api/openapi.json", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


def test_openapi_is_gzipped_for_clients_that_ask(api):
    r = requests.get(api.srv.url("/api/openapi.json"), headers={"Accept-Encoding": "gzip"}, timeout=TIMEOUT,
                     stream=True)
    assert r.headers.get("content-encoding") == "gzip"
    assert int(r.headers["content-length"]) < 0.5 * len(openapi_check.DOCUMENT.read_bytes())
    r = requests.get(api.srv.url("/api/openapi.json"), headers={"Accept-Encoding": "identity"}, timeout=TIMEOUT)
    assert "content-encoding" not in r.headers


def test_docs_page_uses_only_own_files(api):
    r = api.get("/api/docs")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assets = re.findall(r'(?:src|href)="([^"]+)"', r.text)
    assert assets and all(a.startswith("/") and not a.startswith("//") for a in assets), assets
    for a in assets:
        if a.startswith("/api/docs/vendor/") and not (openapi_check.SOURCE / "web" / "vendor").is_dir():
            continue  # scripts/fetch-web-vendor.sh not run: docs.js shows the plain list
        assert api.get(a).status_code == 200, a


def test_app_is_served(api):
    r = api.get("/app/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    for a in re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="([^"]+)"', r.text):
        assert a.startswith("/app/"), a
        assert api.get(a).status_code == 200, a
    r = api.get("/app", allow_redirects=False)
    assert r.status_code == 301 and r.headers["location"] == "/app/"


def test_app_paths_outside_the_files_are_404(api):
    for path in ("/app/nope.js", "/app/..%2f..%2fopenapi.json", "/app/%2e%2e/%2e%2e/etc/passwd", "/api/docs/../../x",
                 "/app/.hidden", "/app/index.html/"):
        r = api.get(path)
        assert r.status_code == 404, path
        assert r.json() == {"detail": "Not Found"}
    assert api.post("/app/").status_code == 405


def test_root_redirects_browsers_only(api):
    r = api.get("/", headers={"Accept": BROWSER_ACCEPT}, allow_redirects=False)
    assert r.status_code == 302 and r.headers["location"] == "/app/"
    for accept in (None, "*/*", "application/json", "application/json, text/html;q=0.5", "text/html;q=0"):
        r = api.get("/", headers={"Accept": accept} if accept else {}, allow_redirects=False)
        assert r.status_code == 200, accept
        assert r.json()["version"] == "2.0.0"
