"""Every response the API tests receive from doctag-server is checked against
web/openapi.json: the path and method must be documented, the status listed
for that operation, the content type one it declares, and a JSON body valid
against its schema (JSON Schema 2020-12, as OpenAPI 3.1 uses). conftest.py
installs the recorder and checks each test's responses at its teardown, so
a drifting handler or document fails the test that saw it."""
import json
import pathlib
import re
import threading
import urllib.parse

import jsonschema
import requests

SOURCE = pathlib.Path(__file__).resolve().parent.parent.parent
DOCUMENT = SOURCE / "web" / "openapi.json"

_lock = threading.Lock()
_bases = set()       # base URLs of the servers the tests started
_seen = []           # (method, url, status, content-type, body bytes) since the last take()
_ws_seen = []        # (url, text) of WebSocket text frames since the last take_ws()
covered = set()      # (method, template, status) over the session


def load():
    return json.loads(DOCUMENT.read_text())


class Spec:
    def __init__(self, doc):
        self.doc = doc
        self.resolver = jsonschema.RefResolver("", doc)
        # Literal paths before templates, fewer parameters first: the same
        # order as the server's routes (/documents/search before /{doc_id}).
        self.routes = []
        for template in doc["paths"]:
            pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
            if template.endswith("{file}"):
                pattern = pattern.replace("[^/]+$", ".+$")
            self.routes.append((template.count("{"), template, re.compile(pattern)))
        self.routes.sort(key=lambda r: r[0])

    def template(self, path):
        for _, template, pattern in self.routes:
            if pattern.match(path):
                return template
        return None

    def validate(self, schema, value):
        """The errors of value against schema (resolving the document's $refs)."""
        v = jsonschema.Draft202012Validator(schema, resolver=self.resolver,
                                             format_checker=jsonschema.FormatChecker(formats=("uuid",)))
        return [f"{'/'.join(map(str, e.absolute_path)) or '(body)'}: {e.message}" for e in v.iter_errors(value)]

    def response(self, template, method, status):
        op = self.doc["paths"][template].get(method)
        if op is None:
            return None, None
        r = op["responses"].get(str(status))
        if r and "$ref" in r:
            r = self.doc["components"]["responses"][r["$ref"].rsplit("/", 1)[1]]
        return op, r

    def check(self, method, url, status, ctype, body):
        """Problems with one response (empty when it conforms)."""
        path = urllib.parse.urlsplit(url).path
        template = self.template(path)
        generic = {"$ref": "#/components/schemas/Error"}
        if method == "OPTIONS":
            return []   # CORS preflight, answered alike for every path (document's description)
        if template is None or (method != "HEAD" and method.lower() not in self.doc["paths"][template]):
            # The catch-all 404 and the JSON 405 for a method a route does not take.
            if status in (404, 405):
                return self.validate(generic, _json(body)) if method != "HEAD" else []
            return [f"{method} {path} -> {status}: no such operation in openapi.json"]
        if status in (405, 431):
            return self.validate(generic, _json(body)) if method != "HEAD" else []
        op, r = self.response(template, "get" if method == "HEAD" else method.lower(), status)
        if r is None:
            return [f"{method} {template} -> {status}: status not documented"]
        with _lock:
            covered.add((method, template, status))
        if method == "HEAD" or status in (101, 302, 301, 304):
            return []
        content = r.get("content", {})
        media = (ctype or "").split(";")[0].strip()
        if not content:
            return [] if not body else [f"{method} {template} -> {status}: documented without a body, got {media}"]
        if media not in content:
            return [f"{method} {template} -> {status}: content type {media!r} not in {sorted(content)}"]
        if media != "application/json":
            return []
        try:
            value = json.loads(body)
        except ValueError:
            return [f"{method} {template} -> {status}: body is not JSON: {body[:200]!r}"]
        return [f"{method} {template} -> {status}: {e}" for e in self.validate(content[media]["schema"], value)]


    def check_ws(self, url, text):
        """Problems with one text frame of /api/batch/ws/{job_id}."""
        try:
            value = json.loads(text)
        except ValueError:
            return [f"WebSocket {url}: frame is not JSON: {text[:200]!r}"]
        with _lock:
            covered.add(("WS", "/api/batch/ws/{job_id}", value.get("type", "error") if isinstance(value, dict) else "?"))
        return [f"WebSocket frame {str(value)[:120]}: {e}" for e in self.validate({"$ref": "#/components/schemas/WsMessage"}, value)]


def _json(body):
    try:
        return json.loads(body)
    except ValueError:
        return body.decode(errors="replace")


def watch(base):
    _bases.add(base)


def take():
    with _lock:
        out = list(_seen)
        _seen.clear()
    return out


def take_ws():
    with _lock:
        out = list(_ws_seen)
        _ws_seen.clear()
    return out


def install():
    """Wraps requests' Session.send to record responses of our servers."""
    original = requests.sessions.Session.send
    if getattr(original, "_openapi_recorder", False):
        return

    def send(self, request, **kw):
        r = original(self, request, **kw)
        base = "/".join(request.url.split("/", 3)[:3])
        if base in _bases and not kw.get("stream"):
            with _lock:
                _seen.append((request.method, request.url, r.status_code, r.headers.get("content-type"), r.content))
        return r

    send._openapi_recorder = True
    requests.sessions.Session.send = send

    # The WebSocket's text frames (websocket-client: recv() goes through recv_data()).
    try:
        import websocket
    except ImportError:
        return
    original_recv = websocket.WebSocket.recv_data
    original_connect = websocket.WebSocket.connect

    def connect(self, url, **options):
        self._openapi_url = url
        return original_connect(self, url, **options)

    def recv_data(self, control_frame=False):
        op, data = original_recv(self, control_frame)
        url = getattr(self, "_openapi_url", "")
        if op == websocket.ABNF.OPCODE_TEXT and any(url.replace("ws://", "http://", 1).startswith(b) for b in _bases):
            with _lock:
                _ws_seen.append((url, data.decode("utf-8", "replace") if isinstance(data, bytes) else data))
        return op, data

    websocket.WebSocket.recv_data = recv_data
    websocket.WebSocket.connect = connect
