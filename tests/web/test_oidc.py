"""OpenID Connect sign-in against a fake identity provider on a real loopback port.

The fake provider is a small Flask app served by werkzeug on 127.0.0.1 in a thread. It serves
discovery, JWKS (an RSA key made here with `cryptography`), an authorization endpoint that
approves at once and redirects back with a code, a token endpoint that checks the client
secret and the PKCE verifier against the challenge and answers an RS256 ID token carrying the
nonce, a userinfo endpoint and an end-session endpoint. Each test can spoil the ID token in one
way and check that Stuurboord refuses it with a clear message and without a session.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import secrets
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, unquote_plus, urlencode, urlsplit

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask, jsonify, redirect, request
from flask.testing import FlaskClient
from joserfc import jwt
from joserfc.jwk import RSAKey
from sqlalchemy import func, select
from werkzeug.serving import make_server

from engine import Engine, ManualClock
from tests.web.conftest import PASSWORD, csrf_of, sign_in
from webapp.app import create_app
from webapp.identity import state
from webapp.models import WebSession

CLIENT_ID = "stuurboord-test"
CLIENT_SECRET = "s3cret with spaces & symbols"
KID = "test-key"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _rsa_key() -> RSAKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return RSAKey.import_key(pem)


@pytest.fixture(scope="module")
def keys() -> tuple[RSAKey, RSAKey]:
    """The provider's signing key, and another one an attacker might sign with."""
    return _rsa_key(), _rsa_key()


class FakeIdP:
    """A tiny OpenID provider. Attributes steer what the next sign-in gets."""

    def __init__(self, now: Callable[[], int], key: RSAKey, other_key: RSAKey) -> None:
        self.now, self.key, self.other_key = now, key, other_key
        self.kid = KID
        self.user = "carla"
        self.email_verified = True
        self.overrides: dict[str, Any] = {}
        self.drop: set[str] = set()
        self.spoil: str | None = None  # "other-key", "payload", "alg-none"
        self.deny = False
        self.corrupt_challenge = False
        self.codes: dict[str, dict[str, Any]] = {}
        self.hits: dict[str, int] = {}
        self.pkce: list[tuple[str, str]] = []
        self.issued: list[str] = []
        self.app = self._build()
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def _count(self, name: str) -> None:
        self.hits[name] = self.hits.get(name, 0) + 1

    def _build(self) -> Flask:
        app = Flask("fake_idp")

        @app.get("/.well-known/openid-configuration")
        def discovery():
            self._count("discovery")
            return jsonify(
                issuer=self.issuer,
                authorization_endpoint=f"{self.issuer}/authorize",
                token_endpoint=f"{self.issuer}/token",
                jwks_uri=f"{self.issuer}/jwks",
                userinfo_endpoint=f"{self.issuer}/userinfo",
                end_session_endpoint=f"{self.issuer}/logout",
                response_types_supported=["code"],
                subject_types_supported=["public"],
                id_token_signing_alg_values_supported=["RS256"],
                code_challenge_methods_supported=["S256"],
                token_endpoint_auth_methods_supported=["client_secret_basic"],
            )

        @app.get("/jwks")
        def jwks():
            self._count("jwks")
            public = self.key.as_dict(private=False)
            public.update(kid=self.kid, use="sig", alg="RS256")
            return jsonify(keys=[public])

        @app.get("/authorize")
        def authorize():
            self._count("authorize")
            args = request.args
            assert args["response_type"] == "code"
            assert args["client_id"] == CLIENT_ID
            assert "openid" in args["scope"].split()
            assert args["code_challenge_method"] == "S256"
            assert len(args["code_challenge"]) == 43
            target = args["redirect_uri"]
            if self.deny:
                query = {"error": "access_denied", "state": args["state"]}
                return redirect(f"{target}?{urlencode(query)}")
            code = secrets.token_urlsafe(16)
            self.codes[code] = {
                "nonce": args["nonce"],
                "challenge": args["code_challenge"],
                "redirect_uri": target,
            }
            query = {"code": code, "state": args["state"], "iss": self.issuer}
            return redirect(f"{target}?{urlencode(query)}")

        @app.post("/token")
        def token():
            self._count("token")
            auth = request.authorization  # RFC 6749, 2.3.1: both parts form-encoded
            pair = (
                (unquote_plus(auth.username or ""), unquote_plus(auth.password or ""))
                if auth
                else None
            )
            if pair != (CLIENT_ID, CLIENT_SECRET):
                return jsonify(error="invalid_client"), 401
            form = request.form
            grant = self.codes.pop(form.get("code", ""), None)
            if form.get("grant_type") != "authorization_code" or grant is None:
                return jsonify(error="invalid_grant"), 400
            if form.get("redirect_uri") != grant["redirect_uri"]:
                return jsonify(error="invalid_grant"), 400
            verifier = form.get("code_verifier", "")
            challenge = "corrupted" if self.corrupt_challenge else grant["challenge"]
            if _b64url(hashlib.sha256(verifier.encode()).digest()) != challenge:
                return jsonify(error="invalid_grant", error_description="PKCE"), 400
            self.pkce.append((verifier, grant["challenge"]))
            id_token = self._id_token(grant["nonce"])
            self.issued.append(id_token)
            return jsonify(
                access_token=f"at-{self.user}", token_type="Bearer", expires_in=300,
                id_token=id_token,
            )  # fmt: skip

        @app.get("/userinfo")
        def userinfo():
            self._count("userinfo")
            if request.headers.get("Authorization") != f"Bearer at-{self.user}":
                return jsonify(error="invalid_token"), 401
            return jsonify(sub=f"sub-{self.user}", preferred_username=self.user)

        @app.get("/logout")
        def logout():
            return "signed out at the provider"

        return app

    def _id_token(self, nonce: str) -> str:
        now = self.now()
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": f"sub-{self.user}",
            "aud": CLIENT_ID,
            "exp": now + 300,
            "iat": now,
            "nonce": nonce,
            "preferred_username": self.user,
            "email": f"{self.user}@example.be",
            "email_verified": self.email_verified,
        }
        claims.update(self.overrides)
        for name in self.drop:
            claims.pop(name, None)
        header = {"alg": "RS256", "kid": self.kid, "typ": "JWT"}
        if self.spoil == "alg-none":
            head = _b64url(json.dumps({"alg": "none", "typ": "JWT"}).encode())
            return f"{head}.{_b64url(json.dumps(claims).encode())}."
        key = self.other_key if self.spoil == "other-key" else self.key
        value = jwt.encode(header, claims, key)
        if self.spoil == "payload":  # sign carla, then claim to be the admin
            head, _, rest = value.partition(".")
            _, _, signature = rest.partition(".")
            claims["preferred_username"] = "anna"
            value = f"{head}.{_b64url(json.dumps(claims).encode())}.{signature}"
        return value


@pytest.fixture
def idp(clock: ManualClock, keys: tuple[RSAKey, RSAKey]) -> Iterator[FakeIdP]:
    provider = FakeIdP(lambda: int(clock.now().timestamp()), *keys)
    provider.thread.start()
    yield provider
    provider.server.shutdown()
    provider.thread.join(timeout=5)


def _oidc_app(engine: Engine, issuer: str, **extra: Any) -> Flask:
    return create_app(
        engine,
        {
            "TESTING": True,
            "OIDC_ISSUER": issuer,
            "OIDC_CLIENT_ID": CLIENT_ID,
            "OIDC_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_PROVIDER_NAME": "ACM/IDM",
            **extra,
        },
    )


@pytest.fixture
def oidc_app(web_engine: Engine, idp: FakeIdP) -> Flask:
    return _oidc_app(web_engine, idp.issuer)


@pytest.fixture
def oidc_client(oidc_app: Flask) -> FlaskClient:
    return oidc_app.test_client()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect())


def approve_at_idp(authorize_url: str) -> str:
    """Visit the provider's authorization endpoint (over the loopback port); where it sends us."""
    try:
        _OPENER.open(authorize_url, timeout=10)
    except urllib.error.HTTPError as answer:
        assert answer.code == 302, answer.read()
        return answer.headers["Location"]
    raise AssertionError("the provider did not redirect")


def callback_path(location: str) -> str:
    parts = urlsplit(location)
    assert parts.netloc == "localhost"
    assert parts.path == "/aanmelden/oidc/terug"
    return f"{parts.path}?{parts.query}"


def begin(client: FlaskClient, idp: FakeIdP, query: str = "") -> str:
    """Start at Stuurboord, approve at the provider; the callback path to come back to."""
    start = client.get(f"/aanmelden/oidc{query}")
    assert start.status_code == 302
    assert start.headers["Location"].startswith(f"{idp.issuer}/authorize?")
    return callback_path(approve_at_idp(start.headers["Location"]))


def oidc_sign_in(client: FlaskClient, idp: FakeIdP, query: str = ""):
    return client.get(begin(client, idp, query))


def live_sessions(engine: Engine, user_id: str) -> int:
    with engine.db.read() as session:
        return session.execute(
            select(func.count())
            .select_from(WebSession)
            .where(WebSession.user_id == user_id, WebSession.revoked_at.is_(None))
        ).scalar_one()


def assert_signed_out(client: FlaskClient, engine: Engine, *users: str) -> None:
    answer = client.get("/taken")
    assert answer.status_code == 302 and "/aanmelden" in answer.headers["Location"]
    for user in users:
        assert live_sessions(engine, user) == 0


# -- the happy path -------------------------------------------------------------------------------


def test_sign_in_makes_a_rotated_session_and_lands_on_my_tasks(
    oidc_client, idp, web_engine, caplog
):
    caplog.set_level(logging.INFO, logger="webapp.oidc")
    start = oidc_client.get("/aanmelden/oidc")
    cookie_before = oidc_client.get_cookie("stuurboord").value
    callback = callback_path(approve_at_idp(start.headers["Location"]))
    answer = oidc_client.get(callback)

    assert answer.status_code == 302
    assert answer.headers["Location"] == "/taken"
    assert oidc_client.get_cookie("stuurboord").value != cookie_before
    page = oidc_client.get("/taken")
    assert page.status_code == 200 and "Mijn taken" in page.text
    assert "Carla Clerk" in page.text
    assert live_sessions(web_engine, "carla") == 1
    assert "OIDC sign-in of carla" in caplog.text


def test_pkce_verifier_matches_the_challenge(oidc_client, idp):
    start = oidc_client.get("/aanmelden/oidc")
    sent = parse_qs(urlsplit(start.headers["Location"]).query)
    assert sent["code_challenge_method"] == ["S256"]
    assert sent["state"][0] and sent["nonce"][0] and sent["state"] != sent["nonce"]
    oidc_client.get(callback_path(approve_at_idp(start.headers["Location"])))

    [(verifier, challenge)] = idp.pkce  # the provider checked it, and recorded the pair
    assert challenge == sent["code_challenge"][0]
    assert _b64url(hashlib.sha256(verifier.encode()).digest()) == challenge
    assert 43 <= len(verifier) <= 128
    assert oidc_client.get("/taken").status_code == 200


def test_a_failed_pkce_check_at_the_provider_gives_no_session(oidc_client, idp, web_engine):
    idp.corrupt_challenge = True
    answer = oidc_sign_in(oidc_client, idp)
    assert answer.status_code == 401
    assert "niet geldig" in answer.text
    assert_signed_out(oidc_client, web_engine, "carla")


def test_next_is_kept_through_the_provider(oidc_client, idp):
    page = oidc_client.get("/aanmelden?next=/dossiers")
    assert "/aanmelden/oidc?next=/dossiers" in page.text
    answer = oidc_sign_in(oidc_client, idp, "?next=/dossiers")
    assert answer.headers["Location"] == "/dossiers"


def test_next_never_leaves_the_site(oidc_client, idp):
    answer = oidc_sign_in(oidc_client, idp, "?next=https://evil.example/")
    assert answer.headers["Location"] == "/taken"


def test_button_names_the_provider(oidc_client):
    page = oidc_client.get("/aanmelden")
    assert "Aanmelden met ACM/IDM" in page.text
    assert 'href="/aanmelden/oidc"' in page.text
    oidc_client.post("/taal", data={"taal": "en", "csrf_token": csrf_of(page.text)})
    assert "Sign in with ACM/IDM" in oidc_client.get("/aanmelden").text


def test_discovery_and_keys_are_cached(oidc_client, idp):
    oidc_sign_in(oidc_client, idp)
    logout = oidc_client.post(
        "/afmelden", data={"csrf_token": csrf_of(oidc_client.get("/taken").text)}
    )
    oidc_client.get(logout.headers["Location"])
    assert oidc_sign_in(oidc_client, idp).status_code == 302
    assert idp.hits["token"] == 2
    assert idp.hits["discovery"] == 1 and idp.hits["jwks"] == 1


def test_claim_missing_from_the_id_token_is_read_from_userinfo(oidc_client, idp):
    idp.drop = {"preferred_username"}
    answer = oidc_sign_in(oidc_client, idp)
    assert answer.status_code == 302 and answer.headers["Location"] == "/taken"
    assert idp.hits["userinfo"] == 1


def test_email_claim_maps_to_a_user_whose_id_is_the_address(web_engine, idp):
    web_engine.ensure_user("jan@example.be", "Jan Janssens", grants=[("clerk", None)])
    client = _oidc_app(web_engine, idp.issuer, OIDC_USER_CLAIM="email").test_client()
    idp.user = "jan"
    assert oidc_sign_in(client, idp).headers["Location"] == "/taken"
    assert "Jan Janssens" in client.get("/taken").text

    other = _oidc_app(web_engine, idp.issuer, OIDC_USER_CLAIM="email").test_client()
    idp.email_verified = False
    refused = oidc_sign_in(other, idp)
    assert refused.status_code == 403
    assert "Je account is niet gekend in Stuurboord" in refused.text


def test_small_clock_skew_is_tolerated(oidc_client, idp):
    now = idp.now()
    idp.overrides = {"iat": now + 30}
    assert oidc_sign_in(oidc_client, idp).headers["Location"] == "/taken"


# -- refusals -------------------------------------------------------------------------------------

SPOILED: dict[str, dict[str, Any]] = {
    "bad signature": {"spoil": "other-key", "reason": "BadSignatureError"},
    "payload changed after signing": {"spoil": "payload", "reason": "BadSignatureError"},
    "unsigned (alg none)": {"spoil": "alg-none", "reason": "'none' is not allowed"},
    "wrong audience": {"overrides": {"aud": "another-client"}, "reason": "'aud'"},
    "audiences without us": {"overrides": {"aud": ["x", "y"], "azp": "x"}, "reason": "'aud'"},
    "foreign azp": {"overrides": {"aud": [CLIENT_ID, "x"], "azp": "x"}, "reason": "azp"},
    "expired": {"overrides": {"exp": -120, "iat": -600}, "reason": "ExpiredTokenError"},
    "issued in the future": {"overrides": {"iat": 600}, "reason": "issued in the future"},
    "wrong nonce": {"overrides": {"nonce": "not-the-nonce"}, "reason": "'nonce'"},
    "no nonce": {"drop": {"nonce"}, "reason": "Missing claim: 'nonce'"},
    "wrong issuer": {"overrides": {"iss": "https://evil.example"}, "reason": "'iss'"},
}


@pytest.mark.parametrize("how", list(SPOILED))
def test_a_bad_id_token_is_refused_without_a_session(oidc_client, idp, web_engine, caplog, how):
    spoil = SPOILED[how]
    idp.spoil = spoil.get("spoil")
    idp.drop = set(spoil.get("drop", ()))
    now = idp.now()
    idp.overrides = {
        name: now + value if name in ("exp", "iat") else value
        for name, value in spoil.get("overrides", {}).items()
    }
    answer = oidc_sign_in(oidc_client, idp)
    assert answer.status_code == 401
    assert "Het antwoord van ACM/IDM was niet geldig" in answer.text
    assert idp.hits["token"] == 1  # it got as far as the token
    assert spoil["reason"] in caplog.text  # and was refused for the right reason
    assert_signed_out(oidc_client, web_engine, "carla", "anna")


def test_mismatched_state_is_refused_and_uses_up_the_attempt(oidc_client, idp, web_engine):
    callback = begin(oidc_client, idp)
    parts = urlsplit(callback)
    query = {name: values[0] for name, values in parse_qs(parts.query).items()}
    forged = f"{parts.path}?{urlencode({**query, 'state': 'forged'})}"
    answer = oidc_client.get(forged)
    assert answer.status_code == 400
    assert "kon niet bevestigd worden" in answer.text
    assert "token" not in idp.hits  # the code was never redeemed
    # the pending sign-in is gone: the genuine answer cannot be used afterwards
    assert oidc_client.get(callback).status_code == 400
    assert_signed_out(oidc_client, web_engine, "carla")


@pytest.mark.parametrize("victim_started", [False, True])
def test_an_answer_for_another_browser_is_refused(oidc_app, idp, web_engine, victim_started):
    victim, attacker = oidc_app.test_client(), oidc_app.test_client()
    if victim_started:  # the victim has a sign-in of their own pending
        victim.get("/aanmelden/oidc")
    callback = begin(attacker, idp)  # login CSRF: the attacker's code in the victim's browser
    answer = victim.get(callback)
    assert answer.status_code == 400
    assert "token" not in idp.hits
    assert_signed_out(victim, web_engine, "carla")


def test_rotated_signing_keys_are_fetched_again(oidc_client, idp, keys, monkeypatch):
    from webapp import oidc

    monkeypatch.setattr(oidc, "JWKS_MIN_REFRESH_SECONDS", 0)
    assert oidc_sign_in(oidc_client, idp).status_code == 302
    oidc_client.post("/afmelden", data={"csrf_token": csrf_of(oidc_client.get("/taken").text)})
    idp.key, idp.kid = keys[1], "rotated-key"
    assert oidc_sign_in(oidc_client, idp).headers["Location"] == "/taken"
    assert idp.hits["jwks"] == 2


def test_a_used_answer_cannot_be_replayed(oidc_client, idp, web_engine):
    callback = begin(oidc_client, idp)
    assert oidc_client.get(callback).status_code == 302
    oidc_client.post("/afmelden", data={"csrf_token": csrf_of(oidc_client.get("/taken").text)})
    assert oidc_client.get(callback).status_code == 400
    assert_signed_out(oidc_client, web_engine, "carla")


def test_a_slow_return_is_refused(oidc_client, idp, clock, web_engine):
    callback = begin(oidc_client, idp)
    clock.advance(minutes=11)
    assert oidc_client.get(callback).status_code == 400
    assert_signed_out(oidc_client, web_engine, "carla")


def test_provider_refusal_is_shown(oidc_client, idp, web_engine):
    idp.deny = True
    answer = oidc_sign_in(oidc_client, idp)
    assert answer.status_code == 401
    assert "ACM/IDM heeft de aanmelding geweigerd" in answer.text
    assert_signed_out(oidc_client, web_engine, "carla")


def test_unknown_user_is_refused_with_403(oidc_client, idp, web_engine):
    idp.user = "nobody"
    answer = oidc_sign_in(oidc_client, idp)
    assert answer.status_code == 403
    assert "Je account is niet gekend in Stuurboord" in answer.text
    assert_signed_out(oidc_client, web_engine)
    assert web_engine.users() and "nobody" not in {u.id for u in web_engine.users()}


def test_inactive_user_is_refused_with_403(oidc_client, idp, web_engine):
    web_engine.set_user_active("dirk", False, web_engine.actor("anna"))
    idp.user = "dirk"
    answer = oidc_sign_in(oidc_client, idp)
    assert answer.status_code == 403
    assert_signed_out(oidc_client, web_engine, "dirk")


def test_unreachable_provider_gives_a_clear_page(web_engine):
    client = _oidc_app(web_engine, "http://127.0.0.1:1").test_client()
    answer = client.get("/aanmelden/oidc")
    assert answer.status_code == 502
    assert "ACM/IDM is nu niet bereikbaar" in answer.text


def test_plain_http_issuer_elsewhere_is_not_contacted(web_engine):
    client = _oidc_app(web_engine, "http://idp.example").test_client()
    assert client.get("/aanmelden/oidc").status_code == 502


# -- signing out ----------------------------------------------------------------------------------


def test_logout_ends_the_session_and_visits_the_end_session_endpoint(oidc_client, idp, web_engine):
    oidc_sign_in(oidc_client, idp)
    signed_in = oidc_client.get_cookie("stuurboord").value
    logout = oidc_client.post(
        "/afmelden", data={"csrf_token": csrf_of(oidc_client.get("/taken").text)}
    )
    assert logout.status_code == 302 and logout.headers["Location"] == "/afmelden/oidc"
    assert live_sessions(web_engine, "carla") == 0

    onward = oidc_client.get("/afmelden/oidc")
    target = urlsplit(onward.headers["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{idp.issuer}/logout"
    query = parse_qs(target.query)
    assert query["id_token_hint"] == [idp.issued[-1]]
    assert query["post_logout_redirect_uri"] == ["http://localhost/aanmelden"]
    # coming back: the flash is there, and the old cookie is worth nothing
    assert "Je bent afgemeld" in oidc_client.get("/aanmelden").text
    oidc_client.set_cookie("stuurboord", signed_in)
    assert_signed_out(oidc_client, web_engine, "carla")
    assert oidc_client.get("/afmelden/oidc").headers["Location"] == "/aanmelden"


def test_password_users_sign_out_locally_only(oidc_app, oidc_client, idp):
    with oidc_app.app_context():
        state().accounts.set_password("carla", PASSWORD)
    sign_in(oidc_client, "carla")
    logout = oidc_client.post(
        "/afmelden", data={"csrf_token": csrf_of(oidc_client.get("/taken").text)}
    )
    assert logout.headers["Location"] == "/aanmelden"


# -- switched off ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/aanmelden/oidc", "/aanmelden/oidc/terug", "/afmelden/oidc"])
def test_without_settings_the_routes_are_404(client, path):
    assert client.get(path).status_code == 404


def test_without_settings_there_is_no_button(client):
    page = client.get("/aanmelden")
    assert page.status_code == 200
    assert "/aanmelden/oidc" not in page.text and "Aanmelden met" not in page.text


def test_issuer_without_client_id_stays_off(web_engine):
    client = create_app(
        web_engine, {"TESTING": True, "OIDC_ISSUER": "https://idp.example"}
    ).test_client()
    assert client.get("/aanmelden/oidc").status_code == 404
    assert "/aanmelden/oidc" not in client.get("/aanmelden").text
