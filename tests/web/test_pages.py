"""The pages: Mijn taken, Nieuw onderwerp, Dossier, task forms, notifications."""

from __future__ import annotations

import re
from datetime import timedelta

from engine.storage.models import Notification
from tests.web.conftest import csrf_of, sign_in, start_review


def test_inbox_lists_my_tasks_overdue_first(client, web_engine, clock):
    late_case, late = start_review(web_engine, "carla")
    clock.advance(minutes=1)
    soon_case, soon = start_review(web_engine, "dirk")
    actor = web_engine.actor("anna")
    web_engine.extend_due(soon, clock.now() + timedelta(days=5), "test", actor)
    web_engine.extend_due(late, clock.now() + timedelta(days=1), "test", actor)
    clock.advance(days=2)
    sign_in(client, "carla")
    page = client.get("/taken")
    assert page.status_code == 200
    assert "Mijn taken" in page.text
    assert page.text.index(f"/taken/{late}") < page.text.index(f"/taken/{soon}")
    assert "te laat" in page.text
    newest_first = client.get("/taken?sorteer=aangemaakt&richting=af").text
    assert newest_first.index(f"/taken/{soon}") < newest_first.index(f"/taken/{late}")
    assert f"/taken/{late}" not in client.get("/taken?rol=manager").text
    assert late_case != soon_case


def test_claim_unclaim_and_bulk_claim(client, web_engine):
    _, first = start_review(web_engine, "carla")
    _, second = start_review(web_engine, "carla")
    sign_in(client, "dirk")
    token = csrf_of(client.get("/taken").text)
    response = client.post("/taken/opnemen", data={"taak": [first, second], "csrf_token": token})
    assert response.status_code == 302
    assert web_engine.task(first).claimed_by == web_engine.task(second).claimed_by == "dirk"
    client.post(f"/taken/{first}/vrijgeven", data={"csrf_token": token})
    assert web_engine.task(first).claimed_by is None
    carla = client.application.test_client()
    sign_in(carla, "carla")
    token = csrf_of(carla.get("/taken").text)
    carla.post("/taken/opnemen", data={"taak": [second], "csrf_token": token})
    assert web_engine.task(second).claimed_by == "dirk"  # already someone else's
    assert "kon niet opgenomen" in carla.get("/taken").text


def test_new_topic_form_from_schema_with_errors_per_field(client, web_engine):
    sign_in(client, "carla")
    form = client.get("/onderwerpen/nieuw")
    assert form.status_code == 200
    assert 'name="requester"' in form.text and 'maxlength="100"' in form.text
    assert re.search(r'<label for="f-title">Title <span class="optional">', form.text)
    token = csrf_of(form.text)
    bad = client.post(
        "/onderwerpen/nieuw", data={"requester": "", "title": "x" * 300, "csrf_token": token}
    )
    assert bad.status_code == 422
    assert "Controleer je gegevens" in bad.text
    assert "Dit veld is verplicht." in bad.text
    assert "Te lang: ten hoogste 200 tekens." in bad.text
    assert 'aria-invalid="true"' in bad.text
    good = client.post(
        "/onderwerpen/nieuw",
        data={"requester": "carla", "title": "Data delen", "csrf_token": token},
    )
    assert good.status_code == 302
    case_page = client.get(good.headers["Location"])
    assert "Data delen" in case_page.text
    assert "Carla Clerk startte het dossier." in case_page.text


def test_submitter_without_the_start_role_is_told_so(client):
    sign_in(client, "maria")  # manager, not clerk: the start event is in the clerk lane
    token = csrf_of(client.get("/onderwerpen/nieuw").text)
    response = client.post("/onderwerpen/nieuw", data={"requester": "maria", "csrf_token": token})
    assert response.status_code == 403
    assert "niet de rol" in response.text


def test_case_page_shows_data_tasks_timeline_and_my_form(client, web_engine):
    case_id, intake = start_review(web_engine, "carla")
    sign_in(client, "carla")
    page = client.get(f"/dossiers/{case_id}")
    assert page.status_code == 200
    for text in (
        "Gegevens",
        "Taken",
        "Verloop",
        "Wat je nu kan doen",
        "Carla Clerk",
        f'action="/taken/{intake}"',
        'name="amount"',
    ):
        assert text in page.text, text
    assert page.headers["Cache-Control"] == "no-store"


def test_completing_a_task_with_errors_then_right(client, web_engine):
    case_id, intake = start_review(web_engine, "carla")
    sign_in(client, "carla")
    token = csrf_of(client.get(f"/taken/{intake}").text)
    bad = client.post(f"/taken/{intake}", data={"amount": "veel", "csrf_token": token})
    assert bad.status_code == 422
    assert "Geef een geheel getal." in bad.text
    assert web_engine.task(intake).state == "ready"
    done = client.post(f"/taken/{intake}", data={"amount": "5000", "csrf_token": token})
    assert done.status_code == 302
    assert done.headers["Location"] == f"/dossiers/{case_id}"
    assert web_engine.task(intake).state == "completed"


def test_two_people_complete_the_same_task_one_wins_other_is_told(app, web_engine):
    _case_id, intake = start_review(web_engine, "carla")
    carla, dirk = app.test_client(), app.test_client()
    sign_in(carla, "carla")
    sign_in(dirk, "dirk")
    carla_token = csrf_of(carla.get(f"/taken/{intake}").text)
    dirk_token = csrf_of(dirk.get(f"/taken/{intake}").text)
    first = carla.post(f"/taken/{intake}", data={"amount": "10", "csrf_token": carla_token})
    second = dirk.post(f"/taken/{intake}", data={"amount": "9999", "csrf_token": dirk_token})
    assert first.status_code == 302
    assert second.status_code == 409
    assert "Je gegevens zijn niet bewaard" in second.text
    assert web_engine.task(intake).completed_by == "carla"


def test_claimed_task_tells_the_other_clearly(app, web_engine):
    _case_id, intake = start_review(web_engine, "carla")
    web_engine.claim(intake, web_engine.actor("carla"))
    dirk = app.test_client()
    sign_in(dirk, "dirk")
    token = csrf_of(dirk.get("/taken").text)
    response = dirk.post(f"/taken/{intake}", data={"amount": "10", "csrf_token": token})
    assert response.status_code == 409
    assert "Iemand anders heeft deze taak net opgenomen of afgerond" in response.text


def _notify(engine, user_id, case_id=None):
    with engine.db.write() as session:
        session.add(
            Notification(
                key=f"t:{user_id}:{case_id}",
                user_id=user_id,
                channel="inapp",
                case_id=case_id,
                template="task_assigned",
                params={"task_name": "Intake", "case_title": "Review", "assigned_by": "Sofie"},
                status="sent",
                attempts=0,
                next_attempt_at=engine.clock.now(),
                created_at=engine.clock.now(),
            )
        )


def test_bell_shows_unread_count_and_marking_read_clears_it(client, web_engine):
    _notify(web_engine, "carla", 1)
    _notify(web_engine, "carla", 2)
    sign_in(client, "carla")
    page = client.get("/taken")
    assert re.search(r'class="badge">2<', page.text)
    listing = client.get("/meldingen")
    assert listing.status_code == 200
    client.post("/meldingen/gelezen", data={"csrf_token": csrf_of(listing.text)})
    assert 'class="badge"' not in client.get("/taken").text


def test_english_pages(client, web_engine):
    case_id, _ = start_review(web_engine, "carla")
    sign_in(client, "carla")
    token = csrf_of(client.get("/taken").text)
    client.post("/taal", data={"taal": "en", "csrf_token": token})
    page = client.get(f"/dossiers/{case_id}")
    assert "History" in page.text and "Carla Clerk started the case." in page.text
    assert "Verloop" not in page.text
    client.post("/taal", data={"taal": "nl", "csrf_token": token})
    assert "Verloop" in client.get(f"/dossiers/{case_id}").text


def test_dates_in_brussels_time(client, web_engine):
    case_id, _ = start_review(web_engine, "carla")  # 2026-03-02 09:00 UTC = 10:00 in Brussels
    sign_in(client, "carla")
    assert "10:00" in client.get(f"/dossiers/{case_id}").text


def test_account_page_makes_and_revokes_api_keys(client, app):
    sign_in(client, "carla")
    token = csrf_of(client.get("/account").text)
    made = client.post("/account/sleutels", data={"naam": "script", "csrf_token": token})
    key = re.search(r'<code class="token">(sbt_[^<]+)</code>', made.text).group(1)
    api = app.test_client()
    assert api.get("/api/v1/tasks", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    token_id = re.search(r"/account/sleutels/(\d+)/intrekken", made.text).group(1)
    client.post(f"/account/sleutels/{token_id}/intrekken", data={"csrf_token": token})
    assert api.get("/api/v1/tasks", headers={"Authorization": f"Bearer {key}"}).status_code == 401


def test_changing_password_ends_other_sessions(app):
    first, second = app.test_client(), app.test_client()
    sign_in(first, "carla")
    sign_in(second, "carla")
    token = csrf_of(first.get("/account").text)
    response = first.post(
        "/account/wachtwoord",
        data={
            "huidig": "correct horse battery",
            "nieuw": "a much longer new secret",
            "csrf_token": token,
        },
    )
    assert response.status_code == 302
    assert first.get("/taken").status_code == 200  # this browser stays signed in
    assert second.get("/taken").status_code == 302


def test_inbox_shows_fifty_tasks_a_page_with_filters_kept(client, web_engine, clock):
    made = []
    for _ in range(55):
        made.append(start_review(web_engine, "carla")[1])
        clock.advance(minutes=1)
    sign_in(client, "carla")
    first = client.get("/taken?sorteer=aangemaakt").text
    assert sum(first.count(f"/taken/{task}\"") for task in made) == 50
    assert "Taken 1 tot 50 van 55" in first
    assert "pagina=2" in first and "sorteer=aangemaakt" in first
    second = client.get("/taken?sorteer=aangemaakt&pagina=2").text
    shown = [task for task in made if f"/taken/{task}\"" in second]
    assert shown == made[50:]  # oldest first: the last five on page two
    assert "Taken 51 tot 55 van 55" in second
