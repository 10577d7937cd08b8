"""Sign-in, sign-out, server-side sessions, throttling and the language switch."""

from __future__ import annotations

from tests.web.conftest import PASSWORD, csrf_of, sign_in


def test_sign_in_rotates_the_session_and_sign_out_revokes_it(client):
    page = client.get("/aanmelden")
    cookie_before = client.get_cookie("stuurboord").value
    response = client.post(
        "/aanmelden",
        data={"gebruiker": "carla", "wachtwoord": PASSWORD, "csrf_token": csrf_of(page.text)},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/taken")
    signed_in = client.get_cookie("stuurboord").value
    assert signed_in != cookie_before
    assert client.get("/taken").status_code == 200

    logout = client.post("/afmelden", data={"csrf_token": csrf_of(client.get("/taken").text)})
    assert logout.status_code == 302
    assert client.get("/taken").status_code == 302

    # the old cookie, replayed, is worth nothing: the session row is revoked
    client.set_cookie("stuurboord", signed_in)
    again = client.get("/taken")
    assert again.status_code == 302
    assert "/aanmelden" in again.headers["Location"]


def test_wrong_password_is_refused_without_saying_which_part(client):
    wrong = sign_in(client, "carla", "not the password")
    unknown = sign_in(client, "nobody", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert "kennen we niet" in wrong.text and "kennen we niet" in unknown.text
    assert client.get("/taken").status_code == 302


def test_account_is_throttled_after_failures_with_retry_after(client):
    for _ in range(3):
        assert sign_in(client, "dirk", "wrong password!").status_code == 401
    locked = sign_in(client, "dirk", PASSWORD)  # even the right password waits now
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) > 0
    assert "Te veel mislukte pogingen" in locked.text


def test_unknown_names_are_throttled_like_known_ones(client):
    for _ in range(3):
        assert sign_in(client, "ghost", "wrong password!").status_code == 401
    assert sign_in(client, "ghost", "wrong password!").status_code == 429


def test_throttle_is_shared_in_the_database_across_apps(app, web_engine, clock):
    from webapp.app import create_app

    other_worker = create_app(web_engine, {"TESTING": True, "LOGIN_MAX_FAILURES": 3})
    first, second = app.test_client(), other_worker.test_client()
    sign_in(first, "maria", "wrong password!")
    sign_in(second, "maria", "wrong password!")
    sign_in(first, "maria", "wrong password!")
    assert sign_in(second, "maria", PASSWORD).status_code == 429


def test_lock_ends_after_retry_after(client, clock):
    for _ in range(3):
        sign_in(client, "maria", "wrong password!")
    wait = int(sign_in(client, "maria", PASSWORD).headers["Retry-After"])
    clock.advance(seconds=wait + 1)
    assert sign_in(client, "maria", PASSWORD).status_code == 302


def test_address_is_throttled_across_accounts(client):
    for number in range(10):
        sign_in(client, f"guess{number}", "wrong password!")
    response = sign_in(client, "carla", PASSWORD)
    assert response.status_code == 429
    assert "Retry-After" in response.headers


def test_deactivated_user_is_signed_out(client, web_engine):
    sign_in(client, "carla")
    assert client.get("/taken").status_code == 200
    web_engine.set_user_active("carla", False, web_engine.actor("anna"))
    assert client.get("/taken").status_code == 302


def test_next_parameter_only_follows_local_paths(client):
    page = client.get("/aanmelden?next=https://evil.example/")
    response = client.post(
        "/aanmelden?next=https://evil.example/",
        data={"gebruiker": "carla", "wachtwoord": PASSWORD, "csrf_token": csrf_of(page.text)},
    )
    assert response.headers["Location"] == "/taken"


def test_dutch_by_default_and_english_on_switch(client):
    page = client.get("/aanmelden")
    assert 'lang="nl"' in page.text and "Aanmelden" in page.text
    client.post("/taal", data={"taal": "en", "csrf_token": csrf_of(page.text)})
    english = client.get("/aanmelden")
    assert 'lang="en"' in english.text
    assert "Sign in" in english.text
    sign_in(client, "carla")
    assert "My tasks" in client.get("/taken").text  # the choice survives signing in
