"""Shared fixtures of the Python binding tests: the corpus (the shared one when
it exists, else the repo's generated fixtures), contexts on temporary data
directories, and a small HTTP server on 127.0.0.1."""

import http.server
import json
import os
import re
import shutil
import tempfile
import threading

import pytest

import doctag


def _corpus_dir():
    for var in ("DOCTAG_SHARED_CORPUS", "DOCTAG_FIXTURES"):
        d = os.environ.get(var)
        if d and os.path.isfile(os.path.join(d, "manifest.json")):
            return d
    here = os.path.dirname(os.path.abspath(__file__))
    d = os.path.normpath(os.path.join(here, "..", "..", "..", "..", "shared", "corpus"))
    if os.path.isfile(os.path.join(d, "manifest.json")):
        return d
    pytest.exit("no corpus: set DOCTAG_SHARED_CORPUS or DOCTAG_FIXTURES (ctest does)", 2)


class Corpus:
    def __init__(self, root):
        self.root = root
        with open(os.path.join(root, "manifest.json"), encoding="utf-8") as f:
            self.entries = json.load(f)

    def path(self, rel):
        return os.path.join(self.root, rel)

    def find(self, kind=None, lang=None, expect="ok", min_pages=None, max_pages=None, name=None):
        """Manifest entries matching, smallest page count first."""
        out = []
        for e in self.entries:
            if kind and e["kind"] != kind:
                continue
            if lang and e.get("lang") != lang:
                continue
            if expect and not (e.get("expect") or "").startswith(expect):
                continue
            if name and name not in e["path"]:
                continue
            pages = e.get("pages") or 0
            if min_pages and pages < min_pages:
                continue
            if max_pages and pages > max_pages:
                continue
            if e.get("benchmark"):
                continue
            out.append(e)
        return sorted(out, key=lambda e: (e.get("pages") or 0, e["path"]))

    def one(self, **kw):
        found = self.find(**kw)
        if not found:
            pytest.skip("corpus has no document with %r" % (kw,))
        return found[0]

    def truth(self, entry):
        with open(self.path(entry["truth"]), encoding="utf-8") as f:
            return f.read()

    def phrase(self, entry, words=4):
        """A phrase of the ground truth's first page (a line of several
        words), whitespace-normalised: extraction must find it."""
        first = self.truth(entry).split("\f")[0]
        for line in first.splitlines():
            ws = line.split()
            if len(ws) >= words and not re.search(r"\t|\d", line):
                return " ".join(ws[:words])
        return " ".join(first.split()[:words])


def norm(text):
    return " ".join(text.split())


@pytest.fixture(scope="session")
def corpus():
    return Corpus(_corpus_dir())


@pytest.fixture(scope="session")
def data_dir():
    d = tempfile.mkdtemp(prefix="doctag-pytest-")
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="session")
def ctx(data_dir):
    """One context shared by the whole session (as an application would)."""
    with doctag.Context(data_dir=data_dir, ignore_environment=True) as c:
        yield c


@pytest.fixture
def make_ctx(tmp_path):
    made = []

    def make(**kw):
        kw.setdefault("data_dir", str(tmp_path / ("data%d" % len(made))))
        kw.setdefault("ignore_environment", True)
        c = doctag.Context(**kw)
        made.append(c)
        return c
    yield make
    for c in made:
        c.close()


class _Handler(http.server.BaseHTTPRequestHandler):
    routes = {}

    def _answer(self):
        route = self.routes.get(self.path.split("?")[0])
        if route is None:
            self.send_error(404, "no such route")
            return
        status, ctype, body = route
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self):
        self._answer()

    def do_HEAD(self):
        self._answer()

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n:
            self.rfile.read(n)
        self._answer()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def http_server():
    """A threaded HTTP server on a free 127.0.0.1 port in this process.
    `server.routes[path] = (status, content_type, body)`; `server.url(path)`."""
    class Handler(_Handler):
        routes = {}
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    srv.routes = Handler.routes
    srv.url = lambda path: "http://127.0.0.1:%d%s" % (srv.server_address[1], path)
    yield srv
    srv.shutdown()
    srv.server_close()
