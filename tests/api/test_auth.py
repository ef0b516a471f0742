"""POST /api/auth/register|login|refresh|logout, GET /api/auth/me, and
every way a bearer token can be wrong."""
import base64
import json
import time
import uuid

import pytest

from conftest import JWT_SECRET, Api, detail, make_jwt

USER_KEYS = {"id", "email", "full_name", "is_active", "is_verified", "created_at"}
TOKEN_KEYS = {"access_token", "refresh_token", "token_type", "expires_in"}


def jwt_claims(token):
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def assert_401(r):
    assert r.status_code == 401, r.text
    assert r.headers.get("www-authenticate", "").lower().startswith("bearer")
    assert isinstance(detail(r), str) and detail(r)


def test_register_returns_201_user(api):
    email = f"Reg-{uuid.uuid4().hex[:8]}@Example.com"
    r = api.post("/api/auth/register", json={"email": email, "password": "longenough", "full_name": "Réka Ø"})
    assert r.status_code == 201, r.text
    u = r.json()
    assert set(u) == USER_KEYS
    assert u["email"] == email.lower()
    assert u["full_name"] == "Réka Ø"
    assert u["is_active"] is True and u["is_verified"] is False
    uuid.UUID(u["id"])
    assert u["created_at"][:4].isdigit() and "T" in u["created_at"]
    assert "password" not in r.text and "longenough" not in r.text


def test_register_without_full_name(api):
    r = api.post("/api/auth/register", json={"email": f"n-{uuid.uuid4().hex[:8]}@example.com", "password": "zq8-Lp4w"})
    assert r.status_code == 201, r.text
    assert r.json()["full_name"] is None


def test_register_duplicate_is_400(api, alice):
    r = api.post("/api/auth/register", json={"email": alice.email, "password": "another-pass"})
    assert r.status_code == 400
    assert r.json() == {"detail": "Email already registered"}


@pytest.mark.parametrize("body,field,kind", [
    ({"email": "not-an-email", "password": "longenough"}, "email", "value_error"),
    ({"email": "a@b", "password": "longenough"}, "email", "value_error"),
    ({"email": "ok@example.com", "password": "short"}, "password", "value_error"),
    ({"password": "longenough"}, "email", "missing"),
    ({"email": "ok@example.com"}, "password", "missing"),
    ({"email": 42, "password": "longenough"}, "email", "string_type"),
    ({"email": "ok@example.com", "password": ["x"]}, "password", "string_type"),
])
def test_register_validation_is_422(api, body, field, kind):
    r = api.post("/api/auth/register", json=body)
    assert r.status_code == 422, r.text
    errors = r.json()["detail"]
    assert isinstance(errors, list) and errors
    assert any(e["loc"] == ["body", field] and e["type"] == kind and e["msg"] for e in errors), errors
    for e in errors:
        assert set(e) >= {"loc", "msg", "type"}


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b"\"text\"", b""])
def test_malformed_json_body_is_422(api, raw):
    r = api.post("/api/auth/login", data=raw, headers={"Content-Type": "application/json"})
    assert r.status_code == 422, r.text
    e = r.json()["detail"][0]
    assert e["loc"][0] == "body" and e["msg"] and e["type"]


def test_login_shape_and_token_claims(server, alice):
    r = Api(server).post("/api/auth/login", json={"email": alice.email, "password": alice.password})
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"user", "tokens"}
    assert set(body["user"]) == USER_KEYS
    assert body["user"]["email"] == alice.email
    assert set(body["tokens"]) == TOKEN_KEYS
    assert body["tokens"]["token_type"] == "bearer"
    assert body["tokens"]["expires_in"] == 1800
    claims = jwt_claims(body["tokens"]["access_token"])
    assert claims["sub"] == body["user"]["id"]
    assert claims["email"] == alice.email
    assert claims["type"] == "access"
    assert claims["exp"] - claims["iat"] == 1800
    assert abs(claims["iat"] - time.time()) < 120
    header = json.loads(base64.urlsafe_b64decode(body["tokens"]["access_token"].split(".")[0] + "=="))
    assert header["alg"] == "HS256"
    assert len(body["tokens"]["refresh_token"]) >= 40


@pytest.mark.parametrize("which", ["wrong password", "unknown email", "empty password"])
def test_login_refused_is_401(api, alice, which):
    creds = {"wrong password": {"email": alice.email, "password": alice.password + "x"},
             "unknown email": {"email": "nobody-" + uuid.uuid4().hex + "@example.com", "password": "whatever1"},
             "empty password": {"email": alice.email, "password": ""}}[which]
    r = api.post("/api/auth/login", json=creds)
    assert_401(r)
    assert detail(r) == "Invalid email or password"


def test_me(alice):
    r = alice.get("/api/auth/me")
    assert r.status_code == 200
    assert r.json() == alice.user


def test_me_without_token_is_401(api):
    r = api.get("/api/auth/me")
    assert_401(r)
    assert detail(r) == "Not authenticated"


def test_refresh_rotates_and_detects_reuse(server, alice):
    pub = Api(server)
    r = pub.post("/api/auth/refresh", json={"refresh_token": alice.refresh_token})
    assert r.status_code == 200, r.text
    pair = r.json()
    assert set(pair) == TOKEN_KEYS
    assert pair["refresh_token"] != alice.refresh_token
    assert Api(server, pair["access_token"]).get("/api/auth/me").status_code == 200
    # The old refresh token is revoked ...
    r = pub.post("/api/auth/refresh", json={"refresh_token": alice.refresh_token})
    assert_401(r)
    assert detail(r) == "Invalid or expired refresh token"
    # ... and presenting it again revoked the whole family, the new one too.
    r = pub.post("/api/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert_401(r)


def test_refresh_garbage_is_401(api):
    assert_401(api.post("/api/auth/refresh", json={"refresh_token": "garbage"}))
    r = api.post("/api/auth/refresh", json={})
    assert r.status_code == 422


def test_logout(server, alice):
    pub = Api(server)
    r = pub.post("/api/auth/logout", json={"refresh_token": alice.refresh_token})
    assert r.status_code == 200
    assert r.json() == {"message": "Successfully logged out", "success": True}
    r = pub.post("/api/auth/logout", json={"refresh_token": alice.refresh_token})
    assert r.status_code == 200
    assert r.json()["message"] == "Token already revoked or invalid"
    assert pub.post("/api/auth/refresh", json={"refresh_token": alice.refresh_token}).status_code == 401


def tampered_tokens(alice, bob):
    good = alice.token
    head, payload, sig = good.split(".")
    claims = jwt_claims(good)
    now = int(time.time())
    bob_claims = dict(claims, sub=bob.user["id"], email=bob.email)
    return {
        "flipped signature": f"{head}.{payload}.{sig[:-2]}{'A' if sig[-2] != 'A' else 'B'}{sig[-1]}",
        "payload swapped, old signature": head + "." + make_jwt(bob_claims).split(".")[1] + "." + sig,
        "alg none": make_jwt(claims, alg="none", header={"alg": "none", "typ": "JWT"}),
        "alg none, no dot": make_jwt(claims, alg="none", header={"alg": "none", "typ": "JWT"})[:-1],
        "HS512 header": make_jwt(claims, header={"alg": "HS512", "typ": "JWT"}),
        "wrong secret": make_jwt(claims, secret=JWT_SECRET + "x"),
        "refresh type": make_jwt(dict(claims, type="refresh")),
        "no type": make_jwt({k: v for k, v in claims.items() if k != "type"}),
        "expired": make_jwt(dict(claims, iat=now - 7200, exp=now - 3600)),
        "no exp": make_jwt({k: v for k, v in claims.items() if k != "exp"}),
        "unknown user": make_jwt(dict(claims, sub=str(uuid.uuid4()))),
        "garbage": "garbage",
        "three dots": "a.b.c",
        "empty segments": "..",
        "refresh token as bearer": alice.refresh_token,
    }


def test_token_tampering_is_401(server, alice, bob):
    for name, token in tampered_tokens(alice, bob).items():
        r = Api(server, token).get("/api/auth/me")
        assert r.status_code == 401, f"{name}: {r.status_code} {r.text}"
        assert r.headers.get("www-authenticate", "").lower().startswith("bearer"), name
        # The same refusal on every protected route.
        assert Api(server, token).get("/api/history/stats").status_code == 401, name


def test_a_correctly_signed_token_for_bob_is_bob(server, alice, bob):
    """Control for the tampering cases: the test's signer is the server's."""
    claims = dict(jwt_claims(alice.token), sub=bob.user["id"], email=bob.email)
    r = Api(server, make_jwt(claims)).get("/api/auth/me")
    assert r.status_code == 200
    assert r.json()["id"] == bob.user["id"]


def test_other_schemes_are_401(server, alice):
    for h in (f"Basic {alice.token}", f"Token {alice.token}", "Bearer", "Bearer  ", alice.token):
        r = Api(server).get("/api/auth/me", headers={"Authorization": h})
        assert_401(r)
