"""Who may see what: no IDOR; "not yours" answers exactly like "does not exist"."""

from __future__ import annotations

import re
import uuid

from tests.web.conftest import bearer, sign_in, start_review, token_for

_CSRF_VALUE = re.compile(r'(name="csrf_token" value=")[^"]*"')


def _same_page(first, first_path, second, second_path):
    """The two pages are the same apart from the requested path (the language switch's
    "back" field) and the CSRF token: Flask-WTF signs it with the current second, so two
    requests straddling a second boundary carry different tokens of the same length."""

    def masked(page, path):
        return _CSRF_VALUE.sub(r'\1TOKEN"', page.text.replace(path, "PATH"))

    return masked(first, first_path) == masked(second, second_path)


def _closed_case(engine):
    """carla's case, finished: small amount → archive (assigned to carla) → end."""
    carla = engine.actor("carla")
    case_id, intake = start_review(engine, "carla")
    engine.complete_task(intake, {"amount": 10}, carla)
    [archive] = [t for t in engine.case_tasks(case_id) if t.state == "ready"]
    engine.complete_task(archive.id, {}, carla)
    assert engine.case(case_id).status == "completed"
    return case_id


def _chair_task(engine):
    """carla's case waiting for the manager's approval (the 'chair' task)."""
    case_id, intake = start_review(engine, "carla")
    engine.complete_task(intake, {"amount": 5000}, engine.actor("carla"))
    [approve] = [t for t in engine.case_tasks(case_id) if t.state == "ready"]
    assert approve.role == "manager"
    return case_id, approve.id


def test_other_submitters_closed_case_is_404_like_a_missing_one(client, web_engine):
    case_id = _closed_case(web_engine)
    sign_in(client, "dirk")
    theirs = client.get(f"/dossiers/{case_id}")
    missing = client.get("/dossiers/987654")
    assert theirs.status_code == missing.status_code == 404
    assert _same_page(theirs, f"/dossiers/{case_id}", missing, "/dossiers/987654")


def test_submitter_cannot_open_the_chair_task_even_in_own_case(client, web_engine):
    case_id, approve = _chair_task(web_engine)
    sign_in(client, "carla")
    assert client.get(f"/dossiers/{case_id}").status_code == 200  # her own case: yes
    other = str(uuid.uuid4())
    chair_task = client.get(f"/taken/{approve}")
    missing = client.get(f"/taken/{other}")
    assert chair_task.status_code == missing.status_code == 404
    assert _same_page(chair_task, f"/taken/{approve}", missing, f"/taken/{other}")


def test_api_answers_not_yours_and_missing_identically(app, web_engine):
    case_id = _closed_case(web_engine)
    _, approve = _chair_task(web_engine)
    client = app.test_client()
    dirk, carla = bearer(token_for(app, "dirk")), bearer(token_for(app, "carla"))
    pairs = [
        (
            client.get(f"/api/v1/cases/{case_id}", headers=dirk),
            client.get("/api/v1/cases/987654", headers=dirk),
        ),
        (
            client.get(f"/api/v1/cases/{case_id}/audit", headers=dirk),
            client.get("/api/v1/cases/987654/audit", headers=dirk),
        ),
        (
            client.get(f"/api/v1/tasks/{approve}", headers=carla),
            client.get(f"/api/v1/tasks/{uuid.uuid4()}", headers=carla),
        ),
        (
            client.post(
                f"/api/v1/tasks/{approve}/complete",
                json={"data": {"approved": True}},
                headers=carla,
            ),
            client.post(f"/api/v1/tasks/{uuid.uuid4()}/complete", json={"data": {}}, headers=carla),
        ),
    ]
    for theirs, missing in pairs:
        assert theirs.status_code == missing.status_code == 404
        assert theirs.mimetype == missing.mimetype == "application/problem+json"
        assert theirs.json == missing.json
        assert theirs.json["code"] == "NOT_FOUND"
    assert web_engine.task(approve).state == "ready"


def test_idor_sweep_over_ids(app, web_engine):
    case_id = _closed_case(web_engine)
    client = app.test_client()
    dirk = bearer(token_for(app, "dirk"))
    for other in range(case_id - 3, case_id + 4):
        response = client.get(f"/api/v1/cases/{other}", headers=dirk)
        assert response.status_code == 404
    assert client.get("/api/v1/cases/99999999999999999999", headers=dirk).status_code == 404
    listed = client.get("/api/v1/cases", headers=dirk).json
    assert listed == []


def test_secretariat_sees_every_case_and_its_tasks(client, web_engine):
    case_id, approve = _chair_task(web_engine)
    sign_in(client, "sofie")
    assert client.get(f"/dossiers/{case_id}").status_code == 200
    page = client.get(f"/taken/{approve}")
    assert page.status_code == 200
    assert "andere rol" in page.text  # may look, not act


def test_visible_cases_list_for_a_clerk(app, web_engine):
    mine, _ = start_review(web_engine, "carla")
    client = app.test_client()
    dirk = bearer(token_for(app, "dirk"))
    # dirk holds the clerk role: carla's open intake is a task he could do, so he sees it
    assert [c["id"] for c in client.get("/api/v1/cases", headers=dirk).json] == [mine]
    maria = bearer(token_for(app, "maria"))
    assert client.get("/api/v1/cases", headers=maria).json == []


def test_deputy_gets_the_task_and_audit_says_for_whom(app, web_engine, clock):
    from datetime import timedelta

    _case_id, approve = _chair_task(web_engine)
    maria = web_engine.actor("maria")
    now = clock.now()
    web_engine.set_deputy("maria", "dirk", now - timedelta(days=1), now + timedelta(days=7), maria)
    client = app.test_client()
    dirk = bearer(token_for(app, "dirk"))
    assert approve in [t["id"] for t in client.get("/api/v1/tasks", headers=dirk).json]
    done = client.post(
        f"/api/v1/tasks/{approve}/complete", json={"data": {"approved": True}}, headers=dirk
    )
    assert done.status_code == 200, done.json
    entry = [e for e in web_engine.audit_trail() if e.action == "task_completed"][-1]
    assert (entry.actor, entry.on_behalf_of) == ("dirk", "maria")


def test_deputy_rights_count_from_the_next_request_not_later(app, web_engine, clock):
    """The deputies are asked once per request (memoised in it), never kept across requests."""
    from datetime import timedelta

    _case_id, approve = _chair_task(web_engine)
    client, dirk = app.test_client(), bearer(token_for(app, "dirk"))
    assert client.get(f"/api/v1/tasks/{approve}", headers=dirk).status_code == 404
    maria, now = web_engine.actor("maria"), clock.now()
    web_engine.set_deputy("maria", "dirk", now - timedelta(days=1), now + timedelta(days=7), maria)
    assert client.get(f"/api/v1/tasks/{approve}", headers=dirk).status_code == 200
    clock.advance(days=8)
    assert client.get(f"/api/v1/tasks/{approve}", headers=dirk).status_code == 404
