"""CSRF, security headers, request size, cookies and the secret key."""

from __future__ import annotations

import pytest

from tests.web.conftest import bearer, csrf_of, sign_in, start_review, token_for
from webapp.app import create_app


def test_form_post_without_csrf_token_is_refused_and_changes_nothing(client, web_engine):
    _case_id, intake = start_review(web_engine, "carla")
    sign_in(client, "carla")
    trail_before = len(web_engine.audit_trail())
    response = client.post(f"/taken/{intake}", data={"amount": "5"})
    assert response.status_code == 400
    assert "formulier is verlopen" in response.text
    assert web_engine.task(intake).state == "ready"
    assert len(web_engine.audit_trail()) == trail_before
    forged = client.post(f"/taken/{intake}", data={"amount": "5", "csrf_token": "forged"})
    assert forged.status_code == 400
    assert web_engine.task(intake).state == "ready"


def test_logout_needs_the_token_too(client):
    sign_in(client, "carla")
    assert client.post("/afmelden").status_code == 400
    assert client.get("/taken").status_code == 200  # still signed in


def test_another_sessions_token_is_refused(app, web_engine):
    _case_id, intake = start_review(web_engine, "carla")
    first, second = app.test_client(), app.test_client()
    sign_in(first, "carla")
    sign_in(second, "dirk")
    token_of_second = csrf_of(second.get("/taken").text)
    response = first.post(f"/taken/{intake}", data={"amount": "5", "csrf_token": token_of_second})
    assert response.status_code == 400
    assert web_engine.task(intake).state == "ready"


@pytest.mark.parametrize(
    "path",
    ["/aanmelden", "/taken", "/dossiers/1", "/api/v1/cases", "/api/v1/openapi.json", "/nope"],
)
def test_security_headers_on_every_response(client, web_engine, path):
    start_review(web_engine, "carla")
    sign_in(client, "carla")
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in response.headers  # plain http here


def test_case_and_task_pages_are_not_stored(client, web_engine):
    case_id, intake = start_review(web_engine, "carla")
    sign_in(client, "carla")
    for path in (f"/dossiers/{case_id}", f"/taken/{intake}"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"


def test_hsts_over_https(client):
    response = client.get("/aanmelden", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_static_files_may_be_cached(client):
    response = client.get("/static/css/stuurboord.css")
    assert response.status_code == 200
    assert response.headers.get("Cache-Control") != "no-store"
    response.close()


def test_too_large_body_is_413(client, app, web_engine):
    _case_id, intake = start_review(web_engine, "carla")
    sign_in(client, "carla")
    token = csrf_of(client.get(f"/taken/{intake}").text)
    big = "x" * (70 * 1024)
    page = client.post(f"/taken/{intake}", data={"note": big, "amount": "5", "csrf_token": token})
    assert page.status_code == 413
    api = app.test_client().post(
        f"/api/v1/tasks/{intake}/complete",
        json={"data": {"note": big}},
        headers=bearer(token_for(app, "carla")),
    )
    assert api.status_code == 413
    assert api.mimetype == "application/problem+json"
    assert api.json["code"] == "PAYLOAD_TOO_LARGE"
    assert web_engine.task(intake).state == "ready"


def test_session_cookie_flags(client):
    sign_in(client, "carla")
    cookie = client.get_cookie("stuurboord")
    assert cookie.http_only and cookie.same_site == "Lax"


def test_production_needs_a_secret_key_and_uses_host_cookies(web_engine, monkeypatch):
    monkeypatch.delenv("STUURBOORD_SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="STUURBOORD_SECRET_KEY"):
        create_app(web_engine, {"STUURBOORD_MODE": "production"})
    app = create_app(web_engine, {"STUURBOORD_MODE": "production", "SECRET_KEY": "k" * 40})
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-stuurboord"
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_demo_mode_keeps_its_secret_key_in_the_instance_folder(web_engine, monkeypatch, tmp_path):
    monkeypatch.delenv("STUURBOORD_SECRET_KEY", raising=False)
    monkeypatch.setenv("STUURBOORD_INSTANCE_PATH", str(tmp_path))
    first = create_app(web_engine, {"STUURBOORD_MODE": "demo"})
    second = create_app(web_engine, {"STUURBOORD_MODE": "demo"})
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert (tmp_path / "web_secret_key").stat().st_mode & 0o077 == 0
