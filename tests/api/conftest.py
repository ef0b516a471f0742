"""Black-box tests of doctag-server: the real launcher, kore and module,
started on a free 127.0.0.1 port with a temporary data directory.

Each test runs against every configured backend: "embedded" (SQLite, the
local queue, the server's own batch workers) always, and "pg_redis"
(PostgreSQL + Redis with two separate `doctag worker` processes) when
scripts/services.sh published DOCTAG_TEST_POSTGRES_URL and
DOCTAG_TEST_REDIS_URL.
"""
import base64
import hashlib
import hmac
import json
import os
import pathlib
import secrets
import signal
import socket
import subprocess
import tempfile
import time
import uuid

import pytest
import requests

import openapi_check

HERE = pathlib.Path(__file__).resolve().parent
SOURCE = pathlib.Path(os.environ.get("DOCTAG_SOURCE_DIR", HERE.parent.parent))
BIN = pathlib.Path(os.environ.get("DOCTAG_BIN_DIR", SOURCE / "build" / "bin"))
MAX_UPLOAD_MB = 2
JWT_SECRET = "api-test-secret-" + secrets.token_hex(16)
TIMEOUT = 120


def corpus_dir():
    """The shared corpus when present, else the repo's generated fixtures."""
    for env in ("DOCTAG_SHARED_CORPUS", "DOCTAG_FIXTURES"):
        d = os.environ.get(env)
        if d and (pathlib.Path(d) / "manifest.json").exists():
            return pathlib.Path(d)
    for d in (SOURCE.parent / "shared" / "corpus", SOURCE / "build" / "fixtures"):
        if (d / "manifest.json").exists():
            return d
    pytest.skip("no test corpus (../shared/corpus or build/fixtures)")


def manifest():
    m = json.loads((corpus_dir() / "manifest.json").read_text())
    return m["files"] if isinstance(m, dict) and "files" in m else m


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server:
    """One doctag-server process (plus, for pg_redis, two workers)."""

    def __init__(self, name, extra_env, workers=0):
        self.name = name
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.tmp = pathlib.Path(tempfile.mkdtemp(prefix=f"doctag-api-{name}-"))
        self.data = self.tmp / "data"
        self.log_path = self.tmp / "server.log"
        self.env = dict(os.environ)
        for k in list(self.env):
            if k.startswith("DOCTAG_") and k not in ("DOCTAG_SECCOMP_TRACING",) or k == "OPENROUTER_API_KEY":
                del self.env[k]
        self.env.update({
            "DOCTAG_LISTEN": f"127.0.0.1:{self.port}",
            "DOCTAG_DATA_DIR": str(self.data),
            "DOCTAG_MAX_UPLOAD_MB": str(MAX_UPLOAD_MB),
            "DOCTAG_JWT_SECRET": JWT_SECRET,
            "DOCTAG_HTTP_WORKERS": "2",
            "DOCTAG_WS_KEEPALIVE_SEC": "2",
            # 8 results a frame: a catch-up of more is sent fragmented (test_ws).
            "DOCTAG_WS_CATCHUP_ROWS": "8",
            "DOCTAG_ALLOWED_ROOTS": str(corpus_dir()),
            "OMP_THREAD_LIMIT": "1",
        })
        self.env.update(extra_env)
        if workers:
            # The separate workers count documents in the server's block of
            # library counters, so /metrics sums every process (core/stats.h).
            self.env.setdefault("DOCTAG_STATS_FILE", str(self.tmp / "stats"))
        self.worker_count = workers
        self.proc = None
        self.workers = []

    def start(self):
        try:
            return self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self):
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen([str(BIN / "doctag-server")], env=self.env, stdout=self.log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"doctag-server exited at start:\n{self.log_text()}")
            try:
                if requests.get(self.base + "/api/status", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"doctag-server did not answer:\n{self.log_text()}")
        openapi_check.watch(self.base)
        for i in range(self.worker_count):
            log = open(self.tmp / f"worker{i}.log", "w")
            self.workers.append(subprocess.Popen([str(BIN / "doctag"), "worker", "--threads", "2"], env=self.env,
                                                 stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
        return self

    def url(self, path):
        return self.base + path

    def log_text(self):
        if not self.log.closed:
            self.log.flush()
        return self.log_path.read_text(errors="replace")

    def crash(self):
        """SIGKILL the launcher and every process of kore's group (the
        launcher puts kore in a group of its own): a machine that died."""
        groups = set()
        for stat_path in pathlib.Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat_path.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.proc.pid:   # ppid: kore, or the batch worker
                groups.add(int(fields[2]))
        os.killpg(self.proc.pid, signal.SIGKILL)
        for g in groups:
            try:
                os.killpg(g, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.wait(30)

    def stop(self):
        """SIGTERM, as a service manager would: everything must exit 0."""
        codes = {}
        for w in self.workers:
            w.send_signal(signal.SIGTERM)
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                codes["server"] = self.proc.wait(40)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                codes["server"] = "hung"
        for i, w in enumerate(self.workers):
            try:
                codes[f"worker{i}"] = w.wait(40)
            except subprocess.TimeoutExpired:
                w.kill()
                codes[f"worker{i}"] = "hung"
        if not self.log.closed:
            self.log.close()
        self.seccomp_refused = self.record_seccomp()
        return codes

    def record_seccomp(self):
        """With DOCTAG_SECCOMP_TRACING=yes kore logs each system call the
        sandbox would refuse; collect them in build/seccomp-trace.txt."""
        if os.environ.get("DOCTAG_SECCOMP_TRACING") not in ("yes", "1"):
            return []
        log = self.log_path.read_text(errors="replace")
        found = sorted({line.split("syscall=")[1].strip() for line in log.splitlines()
                        if "seccomp violation" in line})
        out = pathlib.Path(os.environ.get("DOCTAG_SECCOMP_TRACE_FILE", SOURCE / "build" / "seccomp-trace.txt"))
        with open(out, "a") as f:
            for name in found:
                f.write(f"{self.name} {name}\n")
        return found


def backends():
    names = ["embedded"]
    if os.environ.get("DOCTAG_TEST_POSTGRES_URL") and os.environ.get("DOCTAG_TEST_REDIS_URL"):
        names.append("pg_redis")
    return names


def redis_url(db=None):
    """The test Redis, database `db`, or the suite part's own: the ctest parts
    of this suite run at once (tests/api/CMakeLists.txt), and a part's
    workers would take another part's items from a Redis database they
    shared (and record them in their own PostgreSQL database)."""
    if db is None:
        db = os.environ.get("DOCTAG_API_REDIS_DB", "0")
    return os.environ["DOCTAG_TEST_REDIS_URL"].rstrip("/") + f"/{db}"


def make_database(admin_url):
    """A fresh PostgreSQL database for one server (trust auth)."""
    name = "doctag_api_" + uuid.uuid4().hex[:10]
    subprocess.run(["psql", admin_url, "-q", "-c", f"CREATE DATABASE {name}"], check=True,
                   stdout=subprocess.DEVNULL)
    return admin_url.rsplit("/", 1)[0] + "/" + name


def start_server(backend, extra=None):
    env = dict(extra or {})
    workers = 0
    if backend == "pg_redis":
        env["DOCTAG_DATABASE_URL"] = make_database(os.environ["DOCTAG_TEST_POSTGRES_URL"])
        env["DOCTAG_REDIS_URL"] = redis_url()
        env["DOCTAG_WORKERS"] = "0"
        # Separate workers open the batch keys the server sealed: they share
        # its DOCTAG_SECRET_KEY (the server alone would draw one per run).
        env["DOCTAG_SECRET_KEY"] = "api-test-sealing-key-" + secrets.token_hex(16)
        workers = 2
    else:
        env.setdefault("DOCTAG_WORKERS", "2")
    return Server(backend, env, workers).start()


@pytest.fixture(scope="session", params=backends())
def server(request):
    srv = start_server(request.param)
    yield srv
    codes = srv.stop()
    log = srv.log_text()
    assert "sandbox violation" not in log, "a worker broke the seccomp sandbox:\n" + log[-4000:]
    assert not srv.seccomp_refused, f"system calls missing from server/seccomp.c: {srv.seccomp_refused}"
    assert codes.get("server") == 0, f"doctag-server did not stop cleanly: {codes}\n{log[-3000:]}"


class Api:
    """requests with the server's base URL and a generous timeout."""

    def __init__(self, srv, token=None):
        self.srv = srv
        self.token = token

    def headers(self, extra=None):
        h = {}
        if self.token:
            h["Authorization"] = f"Bearer {self.token}"
        h.update(extra or {})
        return h

    def request(self, method, path, headers=None, **kw):
        kw.setdefault("timeout", TIMEOUT)
        return requests.request(method, self.srv.url(path), headers=self.headers(headers), **kw)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)


@pytest.fixture
def api(server):
    return Api(server)


def new_user(srv, prefix="user"):
    email = f"{prefix}-{uuid.uuid4().hex[:12]}@example.com"
    password = "pw-" + secrets.token_hex(8)
    r = requests.post(srv.url("/api/auth/register"), json={"email": email, "password": password,
                                                             "full_name": "Test User"}, timeout=TIMEOUT)
    assert r.status_code == 201, r.text
    r = requests.post(srv.url("/api/auth/login"), json={"email": email, "password": password}, timeout=TIMEOUT)
    assert r.status_code == 200, r.text
    body = r.json()
    client = Api(srv, body["tokens"]["access_token"])
    client.email = email
    client.password = password
    client.user = body["user"]
    client.refresh_token = body["tokens"]["refresh_token"]
    return client


@pytest.fixture
def alice(server):
    return new_user(server, "alice")


@pytest.fixture
def bob(server):
    return new_user(server, "bob")


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_jwt(claims, secret=JWT_SECRET, alg="HS256", header=None):
    """An HS256 token signed with the test server's secret (or not)."""
    head = header or {"alg": alg, "typ": "JWT"}
    signing = b64url(json.dumps(head).encode()) + "." + b64url(json.dumps(claims).encode())
    if alg == "none":
        return signing + "."
    sig = hmac.new(secret.encode(), signing.encode(), hashlib.sha256).digest()
    return signing + "." + b64url(sig)


def detail(r):
    return r.json().get("detail")


def ended_first(r):
    """True when a pause or resume answered 409 because the job had already
    completed: pausing stops no row already claimed, so a short job can end
    before (or while) it is paused, and that is the contract's behaviour. A
    test that needs a paused job then tries a new one. Any other answer but
    200 fails the test."""
    if r.status_code == 409 and "it is completed" in (detail(r) or ""):
        return True
    assert r.status_code == 200, r.text
    return False


class LocalPdf:
    """A local HTTP server serving a PDF: SSRF tests assert it is never hit."""
    hits = []


@pytest.fixture(scope="session")
def local_pdf_server_port():
    import http.server
    import threading

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            LocalPdf.hits.append(self.path)
            body = (corpus_dir() / "text" / "en_invoice.pdf").read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_HEAD = do_GET

        def log_message(self, *args):
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield srv.server_address[1]
    srv.shutdown()


# Every response a test gets is checked against web/openapi.json (openapi_check.py).
openapi_check.install()
_openapi_spec = []


@pytest.fixture(autouse=True)
def openapi_conformance():
    openapi_check.take()
    openapi_check.take_ws()
    yield
    if not _openapi_spec:
        _openapi_spec.append(openapi_check.Spec(openapi_check.load()))
    problems = [p for rec in openapi_check.take() for p in _openapi_spec[0].check(*rec)]
    problems += [p for rec in openapi_check.take_ws() for p in _openapi_spec[0].check_ws(*rec)]
    assert not problems, "responses that do not match web/openapi.json:\n" + "\n".join(problems[:20])


def pytest_sessionfinish(session):
    """Which documented operations and statuses the suite answered
    (build/openapi-coverage.txt; build/openapi-coverage-PART.txt for each
    ctest part, DOCTAG_API_PART)."""
    if not openapi_check.covered:
        return
    part = os.environ.get("DOCTAG_API_PART")
    name = f"openapi-coverage-{part}.txt" if part else "openapi-coverage.txt"
    out = pathlib.Path(os.environ.get("DOCTAG_BIN_DIR", SOURCE / "build" / "bin")).parent / name
    try:
        out.write_text("".join(f"{m} {t} {s}\n" for m, t, s in sorted(openapi_check.covered)))
    except OSError:
        pass
