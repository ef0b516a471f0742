"""Issue 15, security hardening, seen from outside: no secret at rest in
clear, private files, login throttling, revocation, weak passwords, small
leaks and HTTP edge cases."""
import base64
import json
import os
import pathlib
import secrets
import select
import shutil
import socket
import subprocess
import time
import urllib.parse
import uuid

import pytest
import requests

from conftest import TIMEOUT, corpus_dir, detail, new_user, redis_url
from test_batch import wait_done


def redis_dump(url):
    """Every value of every key of the Redis at `url`, as bytes (a tiny RESP
    client: the tests need no redis module)."""
    u = urllib.parse.urlparse(url)
    s = socket.create_connection((u.hostname or "127.0.0.1", u.port or 6379), timeout=10)
    f = s.makefile("rb")

    def cmd(*args):
        out = b"*%d\r\n" % len(args)
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            out += b"$%d\r\n%s\r\n" % (len(a), a)
        s.sendall(out)
        return read()

    def read():
        line = f.readline().rstrip(b"\r\n")
        kind, rest = line[:1], line[1:]
        if kind in (b"+", b"-", b":"):
            return rest
        if kind == b"$":
            n = int(rest)
            if n < 0:
                return b""
            data = f.read(n + 2)[:-2]
            return data
        if kind == b"*":
            n = int(rest)
            return [read() for _ in range(max(n, 0))]
        raise AssertionError(f"unexpected RESP {line!r}")

    if u.password:
        cmd("AUTH", urllib.parse.unquote(u.password))
    elif u.username:
        cmd("AUTH", urllib.parse.unquote(u.username))
    if u.path and u.path.strip("/"):
        cmd("SELECT", u.path.strip("/"))

    def flat(v):
        if isinstance(v, list):
            return b"\n".join(flat(x) for x in v)
        return v

    blob = []
    for key in cmd("KEYS", "*"):
        kind = cmd("TYPE", key)
        value = {b"string": lambda: cmd("GET", key), b"hash": lambda: cmd("HGETALL", key),
                 b"list": lambda: cmd("LRANGE", key, 0, -1), b"set": lambda: cmd("SMEMBERS", key),
                 b"zset": lambda: cmd("ZRANGE", key, 0, -1), b"stream": lambda: cmd("XRANGE", key, "-", "+")}
        blob.append(key + b"\n" + flat(value.get(kind, lambda: b"")()))
    s.close()
    return b"\n".join(blob)


def stored_bytes(srv):
    """Everything the server keeps: every file of the data directory (the
    SQLite database, its WAL, blobs), and the PostgreSQL database and Redis
    when it uses them."""
    out = []
    for p in pathlib.Path(srv.data).rglob("*"):
        if p.is_file():
            out.append(p.read_bytes())
    db = srv.env.get("DOCTAG_DATABASE_URL", "")
    if db.startswith("postgres"):
        out.append(subprocess.run(["pg_dump", db], check=True, capture_output=True).stdout)
    if srv.env.get("DOCTAG_REDIS_URL"):
        out.append(redis_dump(srv.env["DOCTAG_REDIS_URL"]))
    return b"\n".join(out)


def test_batch_api_key_never_stored_in_clear(server, alice):
    canary = "sk-canary-" + secrets.token_hex(12)
    rows = [{"title": f"doc {i}", "file_path": str(corpus_dir() / "text" / "en_invoice.pdf"),
             "file_source_type": "local"} for i in range(3)]
    r = alice.post("/api/batch/start", json={"documents": rows, "config": {
        "model_name": "local", "num_tags": 5, "api_key": canary}})
    assert r.status_code == 200, r.text
    job = r.json()["job_id"]
    # While it waits or runs...
    assert canary.encode() not in stored_bytes(server)
    assert wait_done(alice, job)["status"] == "completed"
    # ... and after it ended (SQLite keeps old pages in the WAL).
    assert canary.encode() not in stored_bytes(server)
    assert canary not in server.log_text()


def test_too_many_form_parts(alice):
    fields = [("config", (None, '{"model_name": "local"}'))]
    fields += [(f"extra{i}", (None, "x")) for i in range(70)]
    fields.append(("pdf_file", ("doc.pdf", (corpus_dir() / "text" / "en_invoice.pdf").read_bytes(),
                                "application/pdf")))
    r = alice.post("/api/single/process", files=fields)
    assert r.status_code == 400, r.text
    assert detail(r) == "Too many form parts"
    r = alice.post("/api/batch/process", files=fields)
    assert r.status_code == 400 and detail(r) == "Too many form parts", r.text
    # 64 parts are still a form.
    r = alice.post("/api/single/process", files=fields[:1] + fields[1:63] + fields[-1:])
    assert r.status_code == 200, r.text


def test_url_schemes_are_case_insensitive(alice, local_pdf_server_port):
    # Private addresses are refused: reaching the guard shows the scheme passed.
    for url in (f"HTTP://127.0.0.1:{local_pdf_server_port}/a.pdf", f"Https://127.0.0.1:{local_pdf_server_port}/a.pdf"):
        r = alice.post("/api/single/process", data={"config": '{"model_name": "local"}', "pdf_url": url},
                       files={"_": ("", b"")})
        assert r.status_code == 400 and detail(r).startswith("URL not allowed: "), f"{url}: {r.text}"
        r = alice.get("/api/single/preview", params={"url": url})
        assert r.status_code == 400 and detail(r).startswith("URL not allowed: "), f"{url}: {r.text}"
    r = alice.post("/api/batch/validate-paths", json={"paths": [{"path": "HTTP://doctag-test.invalid/a.pdf",
                                                                 "type": "url"}]})
    assert r.status_code == 200, r.text
    assert r.json()["results"][0]["error"] != "URL must start with http:// or https://"


@pytest.mark.parametrize("password", ["password", "12345678", "Password1", "        ", "\t\t\t\t    "])
def test_weak_passwords_refused(api, password):
    r = api.post("/api/auth/register", json={"email": f"w-{uuid.uuid4().hex[:8]}@example.com", "password": password})
    assert r.status_code == 422, r.text
    d = detail(r)[0]
    assert d["loc"] == ["body", "password"] and d["msg"] == "Password is too common", d


@pytest.fixture
def fresh_server():
    """A server of its own: throttling from 127.0.0.1 must not spill into
    the other tests' logins."""
    from conftest import start_server
    srv = start_server("embedded", {"DOCTAG_WORKERS": "0"})
    yield srv
    assert srv.stop()["server"] == 0


def login(srv, email, password):
    return requests.post(srv.url("/api/auth/login"), json={"email": email, "password": password}, timeout=TIMEOUT)


def assert_429(r):
    assert r.status_code == 429, r.text
    n = int(r.headers["Retry-After"])
    assert 1 <= n <= 900
    assert detail(r) == f"Too many login attempts; try again in {n} seconds"


def test_login_throttled_per_email(fresh_server):
    a, b = new_user(fresh_server, "thr-a"), new_user(fresh_server, "thr-b")
    # A success clears the email's count...
    for _ in range(4):
        assert login(fresh_server, a.email, "wrong-" + a.password).status_code == 401
    assert login(fresh_server, a.email, a.password).status_code == 200
    # ... so five more failures are needed; then even the right password waits.
    for _ in range(5):
        assert login(fresh_server, a.email, "wrong-" + a.password).status_code == 401
    assert_429(login(fresh_server, a.email, a.password))
    assert_429(login(fresh_server, a.email.upper(), a.password))
    # Another account from the same address is not held up.
    assert login(fresh_server, b.email, b.password).status_code == 200


def test_login_throttled_per_address(fresh_server):
    user = new_user(fresh_server, "thr-addr")
    for i in range(20):
        assert login(fresh_server, f"spray{i}-{uuid.uuid4().hex[:6]}@example.com", "wrong-password-1").status_code == 401
    assert_429(login(fresh_server, user.email, user.password))


def me_statuses(client, n=8):
    """/api/auth/me's statuses over `n` new connections (kore hands them to
    both of its workers)."""
    return {client.get("/api/auth/me", headers={"Connection": "close"}).status_code for _ in range(n)}


def test_logout_revokes_the_access_token(server):
    user = new_user(server, "rev")
    other = new_user(server, "rev-other")
    # Every worker has seen the token live (and might remember it) ...
    assert me_statuses(user) == {200}
    r = user.post("/api/auth/logout", json={"refresh_token": user.refresh_token})
    assert r.status_code == 200 and r.json()["success"] is True
    # ... and refuses it right after the logout another worker answered.
    assert me_statuses(user) == {401}
    r = user.get("/api/auth/me")
    assert r.headers.get("www-authenticate", "").lower().startswith("bearer")
    assert other.get("/api/auth/me").status_code == 200


def start_twin(srv):
    """A second doctag-server on `srv`'s store (its data directory, or its
    PostgreSQL and Redis): another process, as on another host."""
    from conftest import Server
    keep = ("DOCTAG_DATA_DIR", "DOCTAG_DATABASE_URL", "DOCTAG_REDIS_URL", "DOCTAG_SECRET_KEY")
    env = {k: srv.env[k] for k in keep if k in srv.env}
    env.update({"DOCTAG_WORKERS": "0", "DOCTAG_HTTP_WORKERS": "1"})
    return Server(srv.name + "-twin", env, 0).start()


def test_revocation_holds_at_once_in_another_process(server):
    """A logout answered by one server is refused by another the next
    instant, though that one has just seen the token live."""
    from conftest import Api
    twin = start_twin(server)
    try:
        user = new_user(server, "rev-twin")
        on_twin = Api(twin, user.token)
        assert on_twin.get("/api/auth/me").status_code == 200
        r = user.post("/api/auth/logout", json={"refresh_token": user.refresh_token})
        assert r.status_code == 200 and r.json()["success"] is True
        r = on_twin.get("/api/auth/me")
        assert r.status_code == 401, r.text
        assert "revoked" in detail(r)
    finally:
        twin.stop()


def test_refresh_reuse_revokes_the_family_access_tokens(server):
    user = new_user(server, "reuse")
    r = user.post("/api/auth/refresh", json={"refresh_token": user.refresh_token})
    assert r.status_code == 200, r.text
    from conftest import Api
    fresh = Api(server, r.json()["access_token"])
    assert me_statuses(fresh) == {200}
    # The old refresh token again: it leaked, so the whole family ends.
    r = user.post("/api/auth/refresh", json={"refresh_token": user.refresh_token})
    assert r.status_code == 401
    assert me_statuses(fresh) == {401}
    assert me_statuses(user) == {401}


def trickle(srv, head, step, seconds=20):
    """Sends `head`, then `step` every 0.2 s until the server answers or
    closes; returns (seconds taken, the answer's bytes)."""
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=30)
    s.sendall(head)
    start = time.monotonic()
    out = b""
    for _ in range(int(seconds / 0.2)):
        time.sleep(0.2)
        s.setblocking(False)
        try:
            data = s.recv(65536)
            if not data:
                break
            out += data
        except BlockingIOError:
            pass
        except OSError:
            break
        finally:
            s.setblocking(True)
        if out:
            s.settimeout(5)
            try:
                while chunk := s.recv(65536):
                    out += chunk
            except OSError:
                pass
            break
        try:
            s.sendall(step)
        except OSError:
            break
    taken = time.monotonic() - start
    s.close()
    return taken, out


def test_slow_body_is_cut():
    """DOCTAG_BODY_TIMEOUT_SEC bounds how long a request's body may take; the
    answer is a 408 with the contract's JSON detail and an X-Request-ID
    (kore's own 408 is empty), for a Content-Length body and a chunked one."""
    from conftest import start_server
    srv = start_server("embedded", {"DOCTAG_WORKERS": "0", "DOCTAG_BODY_TIMEOUT_SEC": "2"})
    try:
        bodies = [(b"Content-Length: 200\r\n\r\n{", b" "),
                  (b"Transfer-Encoding: chunked\r\n\r\n1\r\n{\r\n", b"1\r\n \r\n")]
        for head, step in bodies:
            taken, out = trickle(srv, b"POST /api/auth/login HTTP/1.1\r\nHost: x\r\n"
                                      b"Content-Type: application/json\r\n" + head, step)
            assert out, "the slow body was never answered"
            assert 1.0 < taken < 15
            status_line, _, rest = out.partition(b"\r\n")
            assert status_line.startswith(b"HTTP/1.1 408"), out
            headers, _, body = rest.partition(b"\r\n\r\n")
            names = {line.split(b":")[0].strip().lower() for line in headers.split(b"\r\n")}
            assert b"x-request-id" in names, out
            answer = json.loads(body)
            assert "not received within 2 seconds" in answer["detail"], answer
            assert "DOCTAG_BODY_TIMEOUT_SEC" in answer["detail"], answer
        # A quick request on a new connection is untouched by the timer.
        assert requests.get(srv.url("/api/status"), timeout=10).status_code == 200
    finally:
        assert srv.stop()["server"] == 0


def bomb_pdf(stream_dict, data):
    """A one-page PDF drawing XObject 4: a stream with `stream_dict` and `data`."""
    objs = [b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
            b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Resources<</XObject<</X 4 0 R>>>>>>",
            b"<<" + stream_dict + b"/Length %d>>\nstream\n" % len(data) + data + b"\nendstream"]
    out, offs = b"%PDF-1.5\n", []
    for i, o in enumerate(objs):
        offs.append(len(out))
        out += b"%d 0 obj\n" % (i + 1) + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 5\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offs)
    return out + b"trailer\n<</Size 5/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % xref


def test_pdf_bombs_refused_before_work(alice):
    import zlib
    cases = {
        "inflates": bomb_pdf(b"/Type/XObject/Subtype/Form/BBox[0 0 1 1]/Filter/FlateDecode",
                             zlib.compress(b"\0" * (300 << 20), 9)),
        "image": bomb_pdf(b"/Type/XObject/Subtype/Image/Width 60000/Height 60000/ColorSpace/DeviceGray"
                          b"/BitsPerComponent 8", b"\0"),
    }
    for name, pdf in cases.items():
        r = alice.post("/api/single/process", data={"config": '{"model_name": "local"}'},
                       files={"pdf_file": (f"{name}.pdf", pdf, "application/pdf")})
        assert r.status_code == 413, f"{name}: {r.status_code} {r.text}"
        assert ("DOCTAG_MAX_STREAM_MB" if name == "inflates" else "DOCTAG_MAX_IMAGE_MPX") in detail(r), detail(r)


def held_pdf_server(held):
    """A local HTTP server of a PDF whose downloads of the names in `held`
    wait until the test sets `release`: a document held in flight. Returns
    (cond, release, fetched, web): `fetched` lists the names asked for, in
    order, notified on `cond`; web.shutdown() stops it."""
    import http.server
    import threading
    pdf = (corpus_dir() / "text" / "en_invoice.pdf").read_bytes()
    cond, release = threading.Condition(), threading.Event()
    fetched = []

    class Held(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            name = self.path.lstrip("/")
            with cond:
                fetched.append(name)
                cond.notify_all()
            if name in held:
                release.wait(300)
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
            self.send_header("Content-Length", str(len(pdf)))
            self.end_headers()
            self.wfile.write(pdf)

        def log_message(self, *args):
            pass

    web = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Held)
    threading.Thread(target=web.serve_forever, daemon=True).start()
    return cond, release, fetched, web


def wait_held(cond, fetched, results, what, pred):
    """Waits (on held_pdf_server's cond) until pred() holds; says what was
    fetched and answered when it does not within 300 s."""
    with cond:
        assert cond.wait_for(pred, timeout=300), \
            f"{what}: fetched {fetched}, answered {[(n, r.status_code, r.text[:200]) for n, r in results.items()]}"


def end_held(release, threads, web, servers, crashed=()):
    """Ends a test of held downloads (held_pdf_server): lets them go, waits
    for the senders, stops every server; each must exit 0 but those the
    test crashed (by name)."""
    release.set()
    for t in threads:
        t.join(timeout=60)
    web.shutdown()
    codes = {srv.name: srv.stop() for srv in servers}
    assert all(c.get("server") == 0 for name, c in codes.items() if name not in crashed), codes


def test_documents_shared_fairly_between_users():
    """One document thread, held by alice's first document (the test holds
    its download). Her second waits behind it, and past DOCTAG_USER_MAX_DOCS=2
    she gets 429; then bob sends his, and his third gets 429 too. When the
    thread is free, bob's first goes before her second although hers came
    first, then her second, then his second: "abab", where first come first
    served gives "aabb". Each step waits for what the server did (a 429
    answered, a download asked for), never for a time, so load cannot change
    the outcome."""
    import threading
    from conftest import start_server
    cond, release, fetched, web = held_pdf_server(["alice1"])
    results = {}
    srv = start_server("embedded", {"DOCTAG_WORKERS": "0", "DOCTAG_HTTP_WORKERS": "1", "DOCTAG_SERVER_JOBS": "1",
                                    "DOCTAG_USER_MAX_DOCS": "2", "DOCTAG_ALLOW_PRIVATE_URLS": "1",
                                    # queueing outlasts the body timeout: never a 408
                                    "DOCTAG_BODY_TIMEOUT_SEC": "3"})
    threads = []
    try:
        alice, bob = new_user(srv, "fair-a"), new_user(srv, "fair-b")

        def send(client, name):
            url = f"http://127.0.0.1:{web.server_address[1]}/{name}"
            r = client.post("/api/single/process", timeout=600,   # multipart, as a browser's form
                            files={"config": (None, '{"model_name": "local", "ocr": "off"}'), "pdf_url": (None, url)})
            with cond:
                results[name] = r
                cond.notify_all()

        def start(client, *names):
            for name in names:
                t = threading.Thread(target=send, args=(client, name), daemon=True)
                t.start()
                threads.append(t)

        def wait_for(what, pred):
            wait_held(cond, fetched, results, what, pred)

        def refused(names):
            """The one of names answered 429 (it came when the user's other two were in flight)."""
            wait_for(f"a 429 among {names}", lambda: any(results.get(n) is not None and
                                                         results[n].status_code == 429 for n in names))
            with cond:
                gone = [n for n in names if results.get(n) is not None and results[n].status_code == 429]
            assert len(gone) == 1, gone
            assert results[gone[0]].headers.get("Retry-After"), results[gone[0]].headers
            return gone[0]

        start(alice, "alice1")
        wait_for("alice1 downloading", lambda: "alice1" in fetched or "alice1" in results)
        assert "alice1" not in results, (results["alice1"].status_code, results["alice1"].text[:300])
        start(alice, "alice2", "alice3")
        alice_refused = refused(["alice2", "alice3"])
        start(bob, "bob1", "bob2", "bob3")
        bob_refused = refused(["bob1", "bob2", "bob3"])
        release.set()
        admitted = [n for n in ["alice1", "alice2", "alice3", "bob1", "bob2", "bob3"]
                    if n not in (alice_refused, bob_refused)]
        wait_for("every admitted document answered", lambda: all(n in results for n in admitted))
        for n in admitted:
            assert results[n].status_code == 200, (n, results[n].text[:300])
        assert "".join(n[0] for n in fetched) == "abab", fetched
    finally:
        release.set()
        for t in threads:
            t.join(timeout=60)
        web.shutdown()
        assert srv.stop()["server"] == 0


def test_user_document_cap_holds_across_kore_workers():
    """Two kore workers, each taking connections in turn: alice's two
    documents held in flight (their downloads wait) land on both, and
    DOCTAG_USER_MAX_DOCS=2 holds for the server: her third and fourth get
    429 (counted in each worker alone, they got through). Each step waits
    for what the server did (a download asked for, an answer), never for a
    time: a scan's OCR once finished before the fourth came, and three got
    through on a fast machine."""
    import threading
    from conftest import start_server
    cond, release, fetched, web = held_pdf_server(["alice1", "alice2"])
    results = {}
    # three documents at once: alice's two held ones and bob's
    srv = start_server("embedded", {"DOCTAG_WORKERS": "0", "DOCTAG_HTTP_WORKERS": "2", "DOCTAG_SERVER_JOBS": "3",
                                    "DOCTAG_USER_MAX_DOCS": "2", "DOCTAG_ACCEPT_THRESHOLD": "1",
                                    "DOCTAG_ALLOW_PRIVATE_URLS": "1", "DOCTAG_BODY_TIMEOUT_SEC": "3"})
    threads = []
    try:
        alice, bob = new_user(srv, "cap-a"), new_user(srv, "cap-b")

        def send(client, name):
            # a connection of its own each (no session), as four browser tabs
            url = f"http://127.0.0.1:{web.server_address[1]}/{name}"
            r = client.post("/api/single/process", timeout=600,
                            files={"config": (None, '{"model_name": "local", "ocr": "off"}'), "pdf_url": (None, url)})
            with cond:
                results[name] = r
                cond.notify_all()

        def start(client, name):
            t = threading.Thread(target=send, args=(client, name), daemon=True)
            t.start()
            threads.append(t)

        def wait_for(what, pred):
            wait_held(cond, fetched, results, what, pred)

        start(alice, "alice1")
        start(alice, "alice2")
        wait_for("alice1 and alice2 downloading", lambda: {"alice1", "alice2"} <= set(fetched) or bool(results))
        assert not results, {n: (r.status_code, r.text[:200]) for n, r in results.items()}
        for name in ("alice3", "alice4"):
            start(alice, name)
            wait_for(f"{name} answered", lambda: name in results)
            assert results[name].status_code == 429, (name, results[name].status_code, results[name].text[:300])
            assert results[name].headers.get("Retry-After"), results[name].headers
        assert "alice3" not in fetched and "alice4" not in fetched, fetched
        # bob is not alice: his document is taken while she is at her cap
        start(bob, "bob1")
        wait_for("bob1 answered", lambda: "bob1" in results)
        assert results["bob1"].status_code == 200, results["bob1"].text[:300]
        release.set()
        wait_for("alice1 and alice2 answered", lambda: "alice1" in results and "alice2" in results)
        for name in ("alice1", "alice2"):
            assert results[name].status_code == 200, (name, results[name].text[:300])
        # the places come back: a fifth document is taken again
        start(alice, "alice5")
        wait_for("alice5 answered", lambda: "alice5" in results)
        assert results["alice5"].status_code == 200, results["alice5"].text[:300]
    finally:
        end_held(release, threads, web, [srv])


def test_user_document_cap_holds_with_user_table_full():
    """The kore workers' shared table of users (DOCTAG_INFLIGHT_USERS, here
    its minimum of 16) is filled by 16 other users' requests (tokens of
    users that do not exist: each enters a row, then gets 401). Alice, the
    17th, has no row and is counted in each worker alone, yet
    DOCTAG_USER_MAX_DOCS=2 still holds for her on two workers: her places
    are counted by the queue too. (Counted in each worker alone, three or
    four of her four got through.)"""
    import threading
    from conftest import start_server, make_jwt
    srv = start_server("embedded", {"DOCTAG_WORKERS": "0", "DOCTAG_HTTP_WORKERS": "2", "DOCTAG_SERVER_JOBS": "1",
                                    "DOCTAG_USER_MAX_DOCS": "2", "DOCTAG_ACCEPT_THRESHOLD": "1",
                                    "DOCTAG_INFLIGHT_USERS": "16", "DOCTAG_BODY_TIMEOUT_SEC": "3"})
    try:
        alice = new_user(srv, "full-a")
        claims = json.loads(base64.urlsafe_b64decode(alice.token.split(".")[1] + "=="))
        text = (corpus_dir() / "text" / "en_invoice.pdf").read_bytes()
        for i in range(40):   # more than the rows: every row is taken whatever the hashes
            forged = make_jwt(dict(claims, sub=str(uuid.uuid4())))
            r = requests.post(srv.url("/api/single/process"), headers={"Authorization": f"Bearer {forged}"},
                              data={"config": '{"model_name": "local", "ocr": "off"}'},
                              files={"pdf_file": ("doc.pdf", text, "application/pdf")}, timeout=TIMEOUT)
            assert r.status_code == 401, r.text
        scanned = (corpus_dir() / "scanned" / "en_invoice.pdf").read_bytes()
        done, lock = [], threading.Lock()

        def send(name):
            r = alice.post("/api/single/process", data={"config": '{"model_name": "local", "ocr": "force"}'},
                           files={"pdf_file": ("doc.pdf", scanned, "application/pdf")}, timeout=600)
            with lock:
                done.append((name, r.status_code, r.headers.get("Retry-After"), r.text[:200]))

        threads = []
        for i in range(4):
            t = threading.Thread(target=send, args=(f"alice{i + 1}",))
            t.start()
            threads.append(t)
            time.sleep(0.3)
        for t in threads:
            t.join()
        codes = sorted(code for _, code, _, _ in done)
        assert codes == [200, 200, 429, 429], done
        assert "the table of users with documents in flight is full" in srv.log_text()
    finally:
        assert srv.stop()["server"] == 0


@pytest.mark.parametrize("shared", ["postgres", "pg_redis"])
def test_user_document_cap_holds_across_servers(shared):
    """Two servers on one PostgreSQL (and, for pg_redis, one Redis), each
    with DOCTAG_USER_MAX_DOCS=2: alice's first document is held on server A
    (the test holds its download), her second on B; her third, sent to A,
    is 429, though A alone holds only one of hers (each server counted its
    own, so it got through). Bob is not alice: his goes through on B. When
    the downloads end her places come back, on either server."""
    import threading
    from conftest import Server, make_database
    needs = ["DOCTAG_TEST_POSTGRES_URL"] + (["DOCTAG_TEST_REDIS_URL"] if shared == "pg_redis" else [])
    if not all(os.environ.get(k) for k in needs):
        pytest.skip(f"needs {' and '.join(needs)} (scripts/services.sh)")
    cond, release, fetched, web = held_pdf_server(["alice1", "alice2"])
    results = {}
    env = {"DOCTAG_DATABASE_URL": make_database(os.environ["DOCTAG_TEST_POSTGRES_URL"]), "DOCTAG_WORKERS": "0",
           "DOCTAG_HTTP_WORKERS": "1", "DOCTAG_SERVER_JOBS": "2", "DOCTAG_USER_MAX_DOCS": "2",
           "DOCTAG_ALLOW_PRIVATE_URLS": "1", "DOCTAG_BODY_TIMEOUT_SEC": "3"}
    if shared == "pg_redis":
        env["DOCTAG_REDIS_URL"] = redis_url()
    servers, threads = [], []
    try:
        servers.append(Server("cap-a", env).start())
        servers.append(Server("cap-b", env).start())
        a, b = servers
        alice = new_user(a, "xcap-a")
        bob = new_user(a, "xcap-b")

        def send(srv, client, name):
            url = f"http://127.0.0.1:{web.server_address[1]}/{name}"
            r = requests.post(srv.url("/api/single/process"), headers=client.headers(), timeout=600,
                              files={"config": (None, '{"model_name": "local", "ocr": "off"}'),
                                     "pdf_url": (None, url)})
            with cond:
                results[name] = r
                cond.notify_all()

        def start(srv, client, name):
            t = threading.Thread(target=send, args=(srv, client, name), daemon=True)
            t.start()
            threads.append(t)

        def wait_for(what, pred):
            wait_held(cond, fetched, results, what, pred)

        start(a, alice, "alice1")
        wait_for("alice1 downloading on A", lambda: "alice1" in fetched or "alice1" in results)
        start(b, alice, "alice2")
        wait_for("alice2 downloading on B", lambda: "alice2" in fetched or "alice2" in results)
        assert not results, {n: (r.status_code, r.text[:200]) for n, r in results.items()}
        start(a, alice, "alice3")
        wait_for("alice3 answered or downloading", lambda: "alice3" in fetched or "alice3" in results)
        assert "alice3" not in fetched, "A let a third document of alice's through"
        r = results["alice3"]
        assert r.status_code == 429, (r.status_code, r.text[:300])
        assert r.headers.get("Retry-After") == "5", r.headers
        assert "Too many documents in progress" in detail(r), detail(r)
        start(b, bob, "bob1")
        wait_for("bob1 answered", lambda: "bob1" in results)
        assert results["bob1"].status_code == 200, results["bob1"].text[:300]
        release.set()
        wait_for("alice's two answered", lambda: "alice1" in results and "alice2" in results)
        for n in ("alice1", "alice2"):
            assert results[n].status_code == 200, (n, results[n].text[:300])
        # her places are back: two at once again, one on each server
        start(b, alice, "alice4")
        start(a, alice, "alice5")
        wait_for("alice4 and alice5 answered", lambda: "alice4" in results and "alice5" in results)
        for n in ("alice4", "alice5"):
            assert results[n].status_code == 200, (n, results[n].text[:300])
    finally:
        end_held(release, threads, web, servers)


@pytest.mark.parametrize("shared", ["sqlite", "postgres", "pg_redis"])
def test_places_of_a_killed_server_come_back(shared):
    """Two servers on one queue (one SQLite file, PostgreSQL, or PostgreSQL
    + Redis), DOCTAG_USER_MAX_DOCS=2, DOCTAG_DOC_SLOT_LEASE_SEC=9 (renewed
    every 3 s). Both of alice's places are held on server A (the test holds
    her two downloads), so B answers her 429. Then A is SIGKILLed: nothing
    gives her places back but their leases. While they still run (A renewed
    them at most 3 s before it died, so for 6 s at least) B still answers
    429; within lease + renewal (12 s) of the kill B takes her document.
    A third server with another lease refuses to start on that queue."""
    import tempfile
    import threading
    from conftest import Server, make_database
    lease, renew = 9, 3
    env = {"DOCTAG_WORKERS": "0", "DOCTAG_HTTP_WORKERS": "1", "DOCTAG_SERVER_JOBS": "2",
           "DOCTAG_USER_MAX_DOCS": "2", "DOCTAG_DOC_SLOT_LEASE_SEC": str(lease),
           "DOCTAG_ALLOW_PRIVATE_URLS": "1", "DOCTAG_BODY_TIMEOUT_SEC": "3"}
    if shared == "sqlite":
        shared_dir = pathlib.Path(tempfile.mkdtemp(prefix="doctag-api-slots-"))
        env["DOCTAG_DATABASE_URL"] = f"sqlite://{shared_dir}/doctag.db"
    else:
        needs = ["DOCTAG_TEST_POSTGRES_URL"] + (["DOCTAG_TEST_REDIS_URL"] if shared == "pg_redis" else [])
        if not all(os.environ.get(k) for k in needs):
            pytest.skip(f"needs {' and '.join(needs)} (scripts/services.sh)")
        env["DOCTAG_DATABASE_URL"] = make_database(os.environ["DOCTAG_TEST_POSTGRES_URL"])
        if shared == "pg_redis":
            # A Redis database of its own: the session's servers there use
            # the default lease, and servers on one queue agree on theirs.
            env["DOCTAG_REDIS_URL"] = redis_url(10)
    cond, release, fetched, web = held_pdf_server(["alice1", "alice2", "alice3", "alice4"])
    results, lost, threads, servers = {}, {}, [], []
    text = (corpus_dir() / "text" / "en_invoice.pdf").read_bytes()
    try:
        servers.append(Server("kill-a", env).start())
        servers.append(Server("kill-b", env).start())
        a, b = servers
        other = Server("kill-c", dict(env, DOCTAG_DOC_SLOT_LEASE_SEC=str(lease + 3)))
        try:
            with pytest.raises(RuntimeError, match="exited at start") as refused:
                other.start()
        finally:
            other.stop()
        assert (f"DOCTAG_DOC_SLOT_LEASE_SEC is {lease + 3} here but {lease} on the servers already running"
                in str(refused.value)), str(refused.value)[-2000:]
        alice = new_user(a, "kill-a")

        def send(name, srv):
            url = f"http://127.0.0.1:{web.server_address[1]}/{name}"
            try:
                r = requests.post(srv.url("/api/single/process"), headers=alice.headers(), timeout=600,
                                  files={"config": (None, '{"model_name": "local", "ocr": "off"}'),
                                         "pdf_url": (None, url)})
            except requests.RequestException as e:   # A was killed under it
                with cond:
                    lost[name] = e
                    cond.notify_all()
                return
            with cond:
                results[name] = r
                cond.notify_all()

        def post_b():
            sent = time.monotonic()
            r = requests.post(b.url("/api/single/process"), headers=alice.headers(), timeout=TIMEOUT,
                              data={"config": '{"model_name": "local", "ocr": "off"}'},
                              files={"pdf_file": ("doc.pdf", text, "application/pdf")})
            return sent, time.monotonic(), r

        for name in ("alice1", "alice2"):
            t = threading.Thread(target=send, args=(name, a), daemon=True)
            t.start()
            threads.append(t)
            wait_held(cond, fetched, results, f"{name} downloading on A",
                      lambda: name in fetched or name in results or name in lost)
        assert not results and not lost, (lost, {n: r.text[:200] for n, r in results.items()})
        _, _, r = post_b()
        assert r.status_code == 429, (r.status_code, r.text[:300])

        a.crash()
        killed = time.monotonic()
        # A renewed her places at most `renew` s before it died: they hold
        # for lease - renew s after the kill at least.
        _, answered, r = post_b()
        if answered - killed < lease - renew:
            assert r.status_code == 429, ("a dead server's places came back before their lease", r.text[:300])
        while r.status_code == 429:
            assert time.monotonic() - killed < lease + renew + 30, "her places never came back"
            time.sleep(0.25)
            sent, answered, r = post_b()
        assert r.status_code == 200, (r.status_code, r.text[:300])
        assert sent - killed <= lease + renew, f"her places came back {sent - killed:.1f} s after the kill"
        # both of them: two held at once on B
        for name in ("alice3", "alice4"):
            t = threading.Thread(target=send, args=(name, b), daemon=True)
            t.start()
            threads.append(t)
        wait_held(cond, fetched, results, "alice3 and alice4 downloading on B",
                  lambda: all(n in fetched or n in results or n in lost for n in ("alice3", "alice4")))
        assert "alice3" in fetched and "alice4" in fetched, (lost, {n: r.text[:200] for n, r in results.items()})
        release.set()
        wait_held(cond, fetched, results, "alice3 and alice4 answered",
                  lambda: "alice3" in results and "alice4" in results)
        for n in ("alice3", "alice4"):
            assert results[n].status_code == 200, (n, results[n].text[:300])
    finally:
        end_held(release, threads, web, servers, crashed=["kill-a"])
        if shared == "sqlite":
            shutil.rmtree(shared_dir, ignore_errors=True)


def raw_http(srv, data, timeout=10):
    """Sends raw bytes, returns (status, headers text, body) of the answer."""
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=timeout)
    # As curl does: stop sending once the server has answered (a 413 before
    # the whole body), and a reset from the server closing on the rest of
    # the body still leaves its answer to read.
    try:
        for off in range(0, len(data), 65536):
            if select.select([s], [], [], 0)[0]:
                break
            s.sendall(data[off:off + 65536])
    except (BrokenPipeError, ConnectionResetError):
        pass
    out = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
            head, sep, body = out.partition(b"\r\n\r\n")
            if sep:
                length = [int(line.split(b":")[1]) for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length:")]
                if length and len(body) >= length[0]:
                    break
    except (socket.timeout, ConnectionResetError):
        pass
    s.close()
    head, _, body = out.partition(b"\r\n\r\n")
    status = int(head.split(b" ")[1]) if head.startswith(b"HTTP/") else None
    return status, head.decode(errors="replace"), body


def test_content_length_with_transfer_encoding_is_400(server):
    status, _, body = raw_http(server, b"POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                       b"Content-Length: 40\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
    assert status == 400, body
    assert "Content-Length and Transfer-Encoding" in json.loads(body)["detail"]


def test_headers_over_the_limit_are_431(server):
    status, _, body = raw_http(server, b"GET /api/status HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n")
    assert status == 431, body
    assert json.loads(body)["detail"] == "Request headers too large"
    many = b"".join(b"X-H%d: v\r\n" % i for i in range(40))
    status, _, body = raw_http(server, b"GET /api/status HTTP/1.1\r\nHost: x\r\n" + many + b"\r\n")
    assert status == 431, body
    # Normal requests on the same server still work.
    assert requests.get(server.url("/api/status"), timeout=TIMEOUT).status_code == 200


def chunked(data, size):
    return b"".join(b"%x\r\n" % len(data[i:i + size]) + data[i:i + size] + b"\r\n"
                    for i in range(0, len(data), size)) + b"0\r\n\r\n"


def test_chunked_bodies_are_accepted(server, alice):
    body = json.dumps({"email": alice.email, "password": alice.password}).encode()
    status, _, answer = raw_http(server, b"POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                         b"Transfer-Encoding: chunked\r\n\r\n" + chunked(body, 7))
    assert status == 200, answer
    assert json.loads(answer)["user"]["email"] == alice.email
    # A multipart upload streamed in chunks (requests does that for a generator body).
    pdf = (corpus_dir() / "text" / "en_invoice.pdf").read_bytes()
    boundary = "b" + uuid.uuid4().hex
    form = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"config\"\r\n\r\n"
            '{"model_name": "local"}\r\n'
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"pdf_file\"; filename=\"a.pdf\"\r\n"
            "Content-Type: application/pdf\r\n\r\n").encode() + pdf + f"\r\n--{boundary}--\r\n".encode()
    r = alice.post("/api/single/process", data=(form[i:i + 3000] for i in range(0, len(form), 3000)),
                   headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert r.status_code == 200, r.text
    assert r.json()["success"] is True
    # Over the size limit: 413, however it is sent.
    big = b"x" * (5 << 20)
    status, _, answer = raw_http(server, b"POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                         b"Transfer-Encoding: chunked\r\n\r\n" + chunked(big, 1 << 16))
    assert status == 413, answer
