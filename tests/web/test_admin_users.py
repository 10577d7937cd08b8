"""*Beheer → Gebruikers en rollen*: search and pages, no password field in the list, a separate
page to set a password, e-mail addresses, and a confirmation step (without JavaScript) before
deactivating a user or revoking a role."""

from __future__ import annotations

from tests.web.conftest import PASSWORD, csrf_of, sign_in
from webapp import admin_users


def _table(page: str) -> str:
    return page[page.index("<table") : page.index("</table>")] if "<table" in page else ""


def _admin(client):
    sign_in(client, "anna")
    return csrf_of(client.get("/beheer/gebruikers").text)


def test_the_list_has_no_password_field_and_links_each_user(client):
    _admin(client)
    page = client.get("/beheer/gebruikers").text
    table = page[page.index("<table") : page.index("</table>")]
    assert 'type="password"' not in table
    assert 'href="/beheer/gebruikers/carla"' in table
    assert "Carla Clerk" in table


def test_search_finds_by_name_id_email_and_role(client, web_engine, app):
    token = _admin(client)
    client.post(
        "/beheer/gebruikers/dirk/e-mail", data={"email": "dirk@gent.example", "csrf_token": token}
    )
    by_name = _table(client.get("/beheer/gebruikers?zoek=maria").text)
    assert "Maria Manager" in by_name and "Carla Clerk" not in by_name
    by_email = _table(client.get("/beheer/gebruikers?zoek=gent.example").text)
    assert "Dirk Clerk" in by_email and "Carla Clerk" not in by_email
    by_role = _table(client.get("/beheer/gebruikers?zoek=secretariaat").text)
    assert "Sofie Secretariaat" in by_role and "Anna Admin" not in by_role
    nothing = client.get("/beheer/gebruikers?zoek=niemand-zo").text
    assert "Geen gebruikers gevonden." in nothing


def test_pages_of_users(client, web_engine, monkeypatch):
    _admin(client)
    monkeypatch.setattr(admin_users, "PAGE_SIZE", 2)
    first = client.get("/beheer/gebruikers").text
    assert "Gebruikers 1 tot 2 van 5" in first
    assert "pagina=2" in first and "Anna Admin" in _table(first)
    assert "Dirk Clerk" not in _table(first)
    last = client.get("/beheer/gebruikers?pagina=3").text
    assert "Gebruikers 5 tot 5 van 5" in last and "Sofie Secretariaat" in last
    beyond = client.get("/beheer/gebruikers?pagina=99").text  # the last page, not an error
    assert "Sofie Secretariaat" in beyond


def test_deactivating_asks_for_confirmation_first(client, web_engine, app):
    token = _admin(client)
    carla = app.test_client()
    sign_in(carla, "carla")
    unconfirmed = client.post("/beheer/gebruikers/carla/deactiveren", data={"csrf_token": token})
    assert unconfirmed.status_code == 303
    assert unconfirmed.headers["Location"].endswith(
        "/beheer/gebruikers/carla/bevestigen/deactiveren"
    )
    assert next(u for u in web_engine.users() if u.id == "carla").active
    question = client.get("/beheer/gebruikers/carla/bevestigen/deactiveren").text
    assert "Carla Clerk deactiveren?" in question
    assert 'name="bevestigd" value="ja"' in question
    client.post(
        "/beheer/gebruikers/carla/deactiveren", data={"bevestigd": "ja", "csrf_token": token}
    )
    assert not next(u for u in web_engine.users() if u.id == "carla").active
    assert carla.get("/taken").status_code == 302


def test_revoking_a_role_asks_for_confirmation_first(client, web_engine):
    token = _admin(client)
    unconfirmed = client.post(
        "/beheer/gebruikers/sofie/rol-intrekken", data={"rol": "secretariat", "csrf_token": token}
    )
    assert unconfirmed.status_code == 303
    assert ("secretariat", None) in web_engine.actor("sofie").grants
    question = client.get(
        "/beheer/gebruikers/sofie/bevestigen/rol-intrekken?rol=secretariat&bereik="
    ).text
    assert "verliest de rol secretariaat" in question
    assert (
        client.get(
            "/beheer/gebruikers/sofie/bevestigen/rol-intrekken?rol=admin&bereik="
        ).status_code
        == 404
    )  # a role she does not hold
    client.post(
        "/beheer/gebruikers/sofie/rol-intrekken",
        data={"rol": "secretariat", "bevestigd": "ja", "csrf_token": token},
    )
    assert ("secretariat", None) not in web_engine.actor("sofie").grants


def test_a_password_is_set_on_its_own_page(client, app):
    token = _admin(client)
    page = client.get("/beheer/gebruikers/carla/wachtwoord").text
    assert "Wachtwoord instellen voor Carla Clerk" in page
    short = client.post(
        "/beheer/gebruikers/carla/wachtwoord", data={"wachtwoord": "kort", "csrf_token": token}
    )
    assert short.status_code == 422 and "minstens 12 tekens" in short.text
    assert sign_in(app.test_client(), "carla", PASSWORD).status_code == 302  # unchanged
    client.post(
        "/beheer/gebruikers/carla/wachtwoord",
        data={"wachtwoord": "een nieuw lang wachtwoord", "csrf_token": token},
    )
    assert sign_in(app.test_client(), "carla", "een nieuw lang wachtwoord").status_code == 302


def test_the_admin_sets_an_email_address_and_a_bad_one_is_refused(client, web_engine):
    token = _admin(client)
    client.post(
        "/beheer/gebruikers/carla/e-mail",
        data={"email": "carla@leuven.example", "csrf_token": token},
    )
    assert web_engine.user("carla").email == "carla@leuven.example"
    bad = client.post(
        "/beheer/gebruikers/carla/e-mail", data={"email": "geen adres", "csrf_token": token}
    )
    assert bad.status_code == 422 and "geen geldig e-mailadres" in bad.text
    assert web_engine.user("carla").email == "carla@leuven.example"
    client.post("/beheer/gebruikers/carla/e-mail", data={"email": "", "csrf_token": token})
    assert web_engine.user("carla").email is None


def test_a_user_sets_their_own_email_address(client, web_engine):
    sign_in(client, "carla")
    token = csrf_of(client.get("/account").text)
    form = {"taal": "nl", "ritme": "immediate", "csrf_token": token}
    client.post("/account/voorkeuren", data={**form, "email": "carla@leuven.example"})
    assert web_engine.user("carla").email == "carla@leuven.example"
    assert 'value="carla@leuven.example"' in client.get("/account").text
    bad = client.post("/account/voorkeuren", data={**form, "email": "carla@"})
    assert bad.status_code == 422 and "geen geldig e-mailadres" in bad.text
    assert web_engine.user("carla").email == "carla@leuven.example"


def test_only_admins_reach_the_user_pages(client):
    sign_in(client, "carla")
    for path in (
        "/beheer/gebruikers/dirk",
        "/beheer/gebruikers/dirk/wachtwoord",
        "/beheer/gebruikers/dirk/bevestigen/deactiveren",
    ):
        assert client.get(path).status_code == 403
