"""*Beheer → Webhooks*: admins only, CSRF on every change, plain Dutch and English, the secret
shown once, switch on and off, delete, the delivery log and resending one message."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from engine.notify.webhooks import CASE_STARTED, TASK_COMPLETED
from engine.people.actors import SYSTEM_ACTOR
from engine.scheduling.scheduler import Scheduler
from engine.storage.webhook_tables import WebhookEndpoint
from tests.test_webhooks import Receiver, receiver_fixture  # noqa: F401
from tests.web.conftest import csrf_of, sign_in


@pytest.fixture
def allow_private(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STUURBOORD_WEBHOOK_ALLOW_PRIVATE", "1")


def _endpoints(engine) -> list[WebhookEndpoint]:
    with engine.db.read() as session:
        return list(session.scalars(select(WebhookEndpoint)))


def test_only_admins_reach_the_webhook_pages(client, web_engine) -> None:
    created = web_engine.webhooks.add("https://93.184.215.14/in", [CASE_STARTED], SYSTEM_ACTOR)
    endpoint_id = created.endpoint.id
    assert client.get("/beheer/webhooks").status_code == 302  # sign in first
    sign_in(client, "carla")
    token = csrf_of(client.get("/taken").text)
    assert client.get("/beheer/webhooks").status_code == 403
    assert client.get(f"/beheer/webhooks/{endpoint_id}").status_code == 403
    for path in ("/beheer/webhooks", f"/beheer/webhooks/{endpoint_id}/uitzetten",
                 f"/beheer/webhooks/{endpoint_id}/verwijderen",
                 f"/beheer/webhooks/{endpoint_id}/leveringen/1/opnieuw"):  # fmt: skip
        answer = client.post(path, data={"csrf_token": token, "url": "https://93.184.215.14/x",
                                         "events": CASE_STARTED})  # fmt: skip
        assert answer.status_code == 403, path
    [row] = _endpoints(web_engine)
    assert row.active and row.url == "https://93.184.215.14/in"


def test_changes_need_the_csrf_token(client, web_engine) -> None:
    created = web_engine.webhooks.add("https://93.184.215.14/in", [CASE_STARTED], SYSTEM_ACTOR)
    sign_in(client, "anna")
    assert client.post("/beheer/webhooks", data={
        "url": "https://93.184.215.14/other", "events": CASE_STARTED}).status_code == 400
    assert client.post(f"/beheer/webhooks/{created.endpoint.id}/uitzetten").status_code == 400
    assert client.post(f"/beheer/webhooks/{created.endpoint.id}/verwijderen",
                       data={"csrf_token": "wrong"}).status_code == 400  # fmt: skip
    [row] = _endpoints(web_engine)
    assert row.active


def test_admin_adds_a_webhook_and_sees_the_secret_once(client, web_engine) -> None:
    sign_in(client, "anna")
    assert "Webhooks" in client.get("/beheer/").text
    page = client.get("/beheer/webhooks")
    assert page.status_code == 200
    assert "Nog geen webhooks." in page.text
    assert "Taak afgerond" in page.text and "Dossier gestart" in page.text
    assert "be.stuurboord" not in re.sub(r"<[^>]*>", " ", page.text)  # labels, not keys
    token = csrf_of(page.text)

    refused = client.post("/beheer/webhooks", data={
        "csrf_token": token, "url": "http://127.0.0.1:8080/in", "events": TASK_COMPLETED})
    assert refused.status_code == 422
    assert "intern of lokaal netwerk" in refused.text and "<title>Fout:" in refused.text
    assert 'value="http://127.0.0.1:8080/in"' in refused.text
    assert 'aria-invalid="true"' in refused.text
    none = client.post("/beheer/webhooks", data={"csrf_token": token,
                                                 "url": "https://93.184.215.14/in"})  # fmt: skip
    assert none.status_code == 422 and "Kies minstens één soort gebeurtenis." in none.text
    scheme = client.post("/beheer/webhooks", data={
        "csrf_token": token, "url": "ftp://93.184.215.14/in", "events": TASK_COMPLETED})
    assert scheme.status_code == 422 and "moet beginnen met https://" in scheme.text
    assert _endpoints(web_engine) == []

    added = client.post("/beheer/webhooks", data={
        "csrf_token": token, "url": "https://93.184.215.14/in",
        "events": [TASK_COMPLETED, CASE_STARTED]})  # fmt: skip
    assert added.status_code == 201
    secret = re.search(r'value="(whsec_[^"]+)"', added.text).group(1)
    [row] = _endpoints(web_engine)
    assert row.secret == secret and row.event_types == [TASK_COMPLETED, CASE_STARTED]
    assert "maar één keer" in added.text
    listed = client.get("/beheer/webhooks").text
    assert "https://93.184.215.14/in" in listed and secret not in listed
    assert "Taak afgerond, Dossier gestart" in listed and "nog nooit" in listed


@pytest.mark.usefixtures("allow_private")
def test_log_resend_switch_off_and_delete(client, web_engine, receiver: Receiver) -> None:
    endpoint = web_engine.webhooks.add(receiver.url, [CASE_STARTED], SYSTEM_ACTOR).endpoint
    web_engine.start_case("review", {"requester": "carla"}, web_engine.actor("carla"))
    receiver.status = 500
    Scheduler(web_engine).run_due()
    sign_in(client, "anna")
    log = client.get(f"/beheer/webhooks/{endpoint.id}")
    assert log.status_code == 200
    assert "Dossier gestart" in log.text and "mislukt; nieuwe poging op" in log.text
    assert "code 500" in log.text and "Bekijk het dossier" in log.text
    [delivery] = web_engine.webhooks.deliveries(endpoint.id)
    token = csrf_of(log.text)

    receiver.status = 204
    resent = client.post(f"/beheer/webhooks/{endpoint.id}/leveringen/{delivery.id}/opnieuw",
                         data={"csrf_token": token}, follow_redirects=True)  # fmt: skip
    assert "staat opnieuw klaar" in resent.text
    web_engine.clock.advance(seconds=10)
    Scheduler(web_engine).run_due()
    assert len(receiver.received) == 2
    assert "afgeleverd op" in client.get(f"/beheer/webhooks/{endpoint.id}").text
    assert client.post(f"/beheer/webhooks/{endpoint.id}/leveringen/999/opnieuw",
                       data={"csrf_token": token}).status_code == 404  # fmt: skip
    assert client.get("/beheer/webhooks/999").status_code == 404

    off = client.post(f"/beheer/webhooks/{endpoint.id}/uitzetten", data={"csrf_token": token},
                      follow_redirects=True)  # fmt: skip
    assert "De webhook staat uit." in off.text and not _endpoints(web_engine)[0].active
    on = client.post(f"/beheer/webhooks/{endpoint.id}/aanzetten", data={"csrf_token": token},
                     follow_redirects=True)  # fmt: skip
    assert "De webhook staat aan." in on.text and _endpoints(web_engine)[0].active
    assert client.post(f"/beheer/webhooks/{endpoint.id}/wissen",
                       data={"csrf_token": token}).status_code == 404  # fmt: skip
    gone = client.post(f"/beheer/webhooks/{endpoint.id}/verwijderen", data={"csrf_token": token},
                       follow_redirects=True)  # fmt: skip
    assert "verwijderd" in gone.text and _endpoints(web_engine) == []


def test_the_pages_speak_english(client, web_engine) -> None:
    web_engine.webhooks.add("https://93.184.215.14/in", [TASK_COMPLETED], SYSTEM_ACTOR)
    sign_in(client, "anna")
    client.post("/taal", data={"taal": "en", "csrf_token": csrf_of(client.get("/taken").text)})
    page = client.get("/beheer/webhooks")
    assert page.status_code == 200
    assert "Add a webhook" in page.text and "Task completed" in page.text
    assert "For which events?" in page.text and "never" in page.text
    assert "Webhook toevoegen" not in page.text
