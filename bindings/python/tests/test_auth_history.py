"""Users, tokens and history through the Pythonic layer (the auth and
history ABI; skipped on a libdoctag built without them)."""

import base64
import json
import os
import socket
import subprocess
import sys

import pytest

import doctag
from doctag import capi

pytestmark = pytest.mark.skipif(not hasattr(capi, "auth_register"), reason="libdoctag without the auth ABI")

PASSWORD = "correct horse battery"


@pytest.fixture
def actx(make_ctx):
    return make_ctx(jwt_secret="test-secret-of-enough-length-0123456789")


def test_register_login_verify(actx):
    u = actx.register("  Asha@Example.ORG ", PASSWORD, full_name="Asha Rao")
    assert u.email == "asha@example.org" and u.full_name == "Asha Rao"
    assert u.is_active and not u.is_verified and u.created_at
    assert u.to_dict() == {"id": u.id, "email": u.email, "full_name": "Asha Rao", "is_active": True,
                           "is_verified": False, "created_at": u.created_at}
    assert u.email in repr(u)
    t = actx.login("asha@example.org", PASSWORD, device_info="pytest", ip="127.0.0.1")
    assert t.user == u
    assert t.token_type == "bearer" and t.expires_in == 1800
    assert t.access_token not in repr(t) and t.refresh_token not in repr(t)
    assert t.to_dict()["access_token"] == t.access_token
    claims = json.loads(base64.urlsafe_b64decode(t.access_token.split(".")[1] + "=="))
    assert claims["sub"] == u.id and claims["type"] == "access"
    assert actx.verify(t.access_token) == u
    assert actx.verify(t) == u  # a Tokens works where a token is expected
    assert actx.user(u.id) == u


def test_refresh_rotates_and_detects_reuse(actx):
    actx.register("ravi@example.org", PASSWORD)
    t1 = actx.login("ravi@example.org", PASSWORD)
    t2 = actx.refresh(t1.refresh_token)
    assert t2.refresh_token != t1.refresh_token and actx.verify(t2.access_token)
    with pytest.raises(doctag.AuthError, match="Invalid or expired refresh token"):
        actx.refresh(t1.refresh_token)
    # Reuse revoked the whole session: the newer token is dead too.
    with pytest.raises(doctag.AuthError):
        actx.refresh(t2.refresh_token)
    t3 = actx.login("ravi@example.org", PASSWORD)
    assert actx.logout(t3.refresh_token) is True
    assert actx.logout(t3.refresh_token) is False
    with pytest.raises(doctag.AuthError):
        actx.refresh(t3)


def test_libjwt_is_loaded_only_when_a_token_is_needed(tmp_path):
    """libjwt (and the libcrypto it brings) is loaded on first use: where it
    cannot be loaded, the module imports, users register, and making a
    token fails saying which library is missing."""
    (tmp_path / "libjwt.so.0").write_text("not a shared object\n")
    script = """
import doctag
c = doctag.Context(data_dir=%r, ignore_environment=True, jwt_secret="test-secret-of-enough-length-0123456789")
c.register("noor@example.org", %r)
try:
    c.login("noor@example.org", %r)
except doctag.Unavailable as e:
    print("unavailable:", e)
""" % (str(tmp_path / "data"), PASSWORD, PASSWORD)
    env = dict(os.environ, LD_LIBRARY_PATH=str(tmp_path))  # searched before the system's
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "unavailable:" in r.stdout and "cannot load libjwt" in r.stdout, r.stdout


def test_auth_errors(actx):
    with pytest.raises(doctag.InvalidInput):
        actx.register("not-an-email", PASSWORD)
    with pytest.raises(doctag.InvalidInput):
        actx.register("short@example.org", "1234567")
    actx.register("dup@example.org", PASSWORD)
    with pytest.raises(doctag.AlreadyExists, match="Email already registered"):
        actx.register("DUP@example.org", PASSWORD)
    with pytest.raises(doctag.AuthError, match="Invalid email or password"):
        actx.login("dup@example.org", "wrong password")
    with pytest.raises(doctag.AuthError, match="Invalid email or password"):
        actx.login("nobody@example.org", PASSWORD)
    t = actx.login("dup@example.org", PASSWORD)
    head, body, sig = t.access_token.split(".")
    tampered = ".".join([head, body, sig[:-2] + ("AA" if sig[-2:] != "AA" else "BB")])
    with pytest.raises(doctag.AuthError):
        actx.verify(tampered)
    with pytest.raises(doctag.AuthError):
        actx.verify("garbage")
    with pytest.raises(doctag.NotFound):
        actx.user("00000000-0000-0000-0000-000000000000")


def test_disabled_user_is_permission_denied(actx):
    u = actx.register("off@example.org", PASSWORD)
    t = actx.login("off@example.org", PASSWORD)
    actx.set_active(u, False)
    with pytest.raises(doctag.PermissionDenied, match="disabled"):
        actx.login("off@example.org", PASSWORD)
    with pytest.raises(doctag.PermissionDenied):
        actx.verify(t.access_token)
    actx.set_active(u, True)
    assert actx.login("off@example.org", PASSWORD).user == u


def test_database_down_is_unavailable(make_ctx):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    try:
        c = make_ctx(database_url="postgresql://doctag@127.0.0.1:%d/doctag?connect_timeout=2" % port)
        c.register("down@example.org", PASSWORD)
        pytest.fail("registered with no database")
    except doctag.Unavailable as e:
        assert isinstance(e, doctag.StorageError)


def test_processing_is_recorded_in_the_users_history(actx, corpus):
    u = actx.register("hist@example.org", PASSWORD)
    other = actx.register("other@example.org", PASSWORD)
    e = corpus.one(kind="text", lang="eng")
    r = actx.process(corpus.path(e["path"]), model="local", user=u)
    assert r.document_id
    docs = actx.history_documents(u)
    assert docs["total"] == 1 and docs["documents"][0]["id"] == r.document_id
    assert docs["documents"][0]["tags"] == r.tags
    d = actx.document(u, r.document_id)
    assert d["title"] == r.title and d["extracted_text"].split()[:5] == r.text.split()[:5]
    jobs = actx.history_jobs(u)
    assert jobs["total"] == 1 and jobs["jobs"][0]["job_type"] == "single"
    job_id = jobs["jobs"][0]["id"]
    assert [x["id"] for x in actx.history_job(u, job_id)["documents"]] == [r.document_id]
    word = max((w for w in r.tags[0].split()), key=len)
    assert [x["id"] for x in actx.search(u, word)["documents"]] == [r.document_id]
    stats = actx.stats(u)
    assert stats["total_jobs"] == 1 and stats["total_documents"] == 1 and stats["documents_processed"] == 1
    # Another user sees none of it.
    assert actx.history_documents(other)["total"] == 0
    assert actx.search(other, word)["total"] == 0
    with pytest.raises(doctag.NotFound):
        actx.document(other, r.document_id)
    with pytest.raises(doctag.NotFound):
        actx.history_job(other, job_id)
    with pytest.raises(doctag.NotFound):
        actx.delete_job(other, job_id)
    actx.delete_job(u, job_id)
    assert actx.history_jobs(u)["total"] == 0
    with pytest.raises(doctag.NotFound):
        actx.document(u, r.document_id)
