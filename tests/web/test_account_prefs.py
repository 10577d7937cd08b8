"""Mijn account: a user's language for notifications and their mail rhythm."""

from __future__ import annotations

from tests.web.conftest import csrf_of, sign_in


def test_user_sets_language_and_daily_digest(client, web_engine):
    sign_in(client, "carla")
    page = client.get("/account")
    assert "Meldingen en taal" in page.text
    token = csrf_of(page.text)
    response = client.post(
        "/account/voorkeuren", data={"taal": "en", "ritme": "digest", "csrf_token": token}
    )
    assert response.status_code == 302
    info = web_engine.user("carla")
    assert (info.language, info.notify_mode) == ("en", "digest")
    refused = client.post(
        "/account/voorkeuren", data={"taal": "fr", "ritme": "digest", "csrf_token": token}
    )
    assert refused.status_code == 422
    assert web_engine.user("carla").language == "en"
    no_token = client.post("/account/voorkeuren", data={"taal": "nl", "ritme": "immediate"})
    assert no_token.status_code == 400
    assert web_engine.user("carla").notify_mode == "digest"
