"""The REST API: cases, tasks, notifications; tokens; problem+json errors with stable codes."""

from __future__ import annotations

import threading

from engine import Database, Engine, Hooks
from tests.helpers import review_registry
from tests.web.conftest import bearer, start_review, token_for
from webapp.app import create_app


def test_unauthenticated_and_revoked_tokens_get_401(app):
    client = app.test_client()
    for headers in ({}, {"Authorization": "Bearer sbt_nonsense"}, {"Authorization": "Basic eA=="}):
        response = client.get("/api/v1/tasks", headers=headers)
        assert response.status_code == 401
        assert response.mimetype == "application/problem+json"
        assert response.json["code"] == "UNAUTHENTICATED"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_token_counts_while_live_and_its_user_active(app, web_engine):
    """The token and its user's grants are read together: a revoked token, or one of a
    deactivated user, gets 401; a live one acts with the user's current roles."""
    from webapp import tokens

    client = app.test_client()
    first, second = token_for(app, "carla"), token_for(app, "carla")
    case_id, task = start_review(web_engine, "carla")
    assert client.get("/api/v1/tasks", headers=bearer(first)).json[0]["id"] == task
    [info, _] = tokens.of_user(web_engine, "carla")
    assert tokens.revoke(web_engine, "carla", info.id)
    assert client.get("/api/v1/tasks", headers=bearer(first)).status_code == 401
    assert client.get("/api/v1/tasks", headers=bearer(second)).status_code == 200
    anna = web_engine.actor("anna")
    web_engine.revoke("carla", "clerk", None, anna)
    assert client.get("/api/v1/tasks", headers=bearer(second)).json == []
    web_engine.set_user_active("carla", False, anna)
    assert client.get("/api/v1/tasks", headers=bearer(second)).status_code == 401
    assert tokens.actor_of(web_engine, second) is None
    web_engine.set_user_active("carla", True, anna)
    assert tokens.actor_of(web_engine, second) == web_engine.actor("carla")
    assert case_id > 0


def test_session_cookie_does_not_authenticate_the_api(client):
    from tests.web.conftest import sign_in

    sign_in(client, "carla")
    assert client.get("/api/v1/tasks").status_code == 401


def test_start_case_and_follow_it(app, web_engine):
    client = app.test_client()
    carla = bearer(token_for(app, "carla"))
    started = client.post(
        "/api/v1/cases",
        json={"process_id": "review", "title": "Budget", "data": {"requester": "carla"}},
        headers=carla,
    )
    assert started.status_code == 201, started.json
    case_id = started.json["id"]
    detail = client.get(f"/api/v1/cases/{case_id}", headers=carla).json
    assert detail["title"] == "Budget" and detail["status"] == "running"
    [task] = [t for t in detail["tasks"] if t["state"] == "ready"]
    one = client.get(f"/api/v1/tasks/{task['id']}", headers=carla).json
    assert [f["name"] for f in one["form"]] == ["amount", "note"]
    schema = one["form_schema"]
    assert schema["required"] == ["amount"] and schema["additionalProperties"] is False
    assert schema["properties"]["amount"] == {
        "type": "integer",
        "minimum": 0,
        "maximum": 1_000_000,
    }
    assert schema["properties"]["note"]["maxLength"] == 200
    assert (
        client.post(f"/api/v1/tasks/{task['id']}/claim", headers=carla).json["claimed_by"]
        == "carla"
    )
    assert (
        client.post(f"/api/v1/tasks/{task['id']}/unclaim", headers=carla).json["claimed_by"] is None
    )
    done = client.post(
        f"/api/v1/tasks/{task['id']}/complete", json={"data": {"amount": 5}}, headers=carla
    )
    assert done.status_code == 200 and done.json["id"] == case_id
    trail = client.get(f"/api/v1/cases/{case_id}/audit", headers=carla).json
    assert [e["action"] for e in trail][:2] == ["case_started", "task_created"]
    assert "task_completed" in [e["action"] for e in trail]
    assert client.get("/api/v1/cases", headers=carla).json[0]["id"] == case_id


def test_validation_failed_lists_every_bad_field(app, web_engine):
    client = app.test_client()
    carla = bearer(token_for(app, "carla"))
    response = client.post(
        "/api/v1/cases",
        json={"process_id": "review", "data": {"title": "x" * 300, "extra": 1}},
        headers=carla,
    )
    assert response.status_code == 422
    assert response.json["code"] == "VALIDATION_FAILED"
    assert set(response.json["errors"]) == {"requester", "title", "extra"}
    body = client.post("/api/v1/cases", json={"nope": 1}, headers=carla)
    assert body.status_code == 422 and set(body.json["errors"]) == {"process_id", "nope"}
    unknown = client.post("/api/v1/cases", json={"process_id": "nope"}, headers=carla)
    assert unknown.status_code == 422 and "process_id" in unknown.json["errors"]
    _case, task = start_review(web_engine, "carla")
    bad = client.post(
        f"/api/v1/tasks/{task}/complete", json={"data": {"amount": "lots"}}, headers=carla
    )
    assert bad.status_code == 422 and set(bad.json["errors"]) == {"amount"}


def test_forbidden_to_start_without_the_role(app):
    response = app.test_client().post(
        "/api/v1/cases",
        json={"process_id": "review", "data": {"requester": "maria"}},
        headers=bearer(token_for(app, "maria")),
    )
    assert response.status_code == 403
    assert response.json["code"] == "FORBIDDEN"


def test_rate_limited_case_starts(app):
    client = app.test_client()
    carla = bearer(token_for(app, "carla"))
    body = {"process_id": "review", "data": {"requester": "carla"}}
    codes = [client.post("/api/v1/cases", json=body, headers=carla).status_code for _ in range(6)]
    assert codes == [201] * 5 + [429]
    limited = client.post("/api/v1/cases", json=body, headers=carla)
    assert limited.json["code"] == "RATE_LIMITED"
    assert int(limited.headers["Retry-After"]) > 0


def test_task_conflict_not_active_and_case_state(app, web_engine):
    client = app.test_client()
    carla, dirk = bearer(token_for(app, "carla")), bearer(token_for(app, "dirk"))
    case_id, task = start_review(web_engine, "carla")
    assert client.post(f"/api/v1/tasks/{task}/claim", headers=carla).status_code == 200
    taken = client.post(
        f"/api/v1/tasks/{task}/complete", json={"data": {"amount": 1}}, headers=dirk
    )
    assert taken.status_code == 409 and taken.json["code"] == "TASK_CONFLICT"
    web_engine.suspend(case_id, web_engine.actor("anna"), "pause")
    suspended = client.post(
        f"/api/v1/tasks/{task}/complete", json={"data": {"amount": 1}}, headers=carla
    )
    assert suspended.status_code == 409 and suspended.json["code"] == "CASE_STATE"
    web_engine.resume(case_id, web_engine.actor("anna"))
    assert (
        client.post(
            f"/api/v1/tasks/{task}/complete", json={"data": {"amount": 1}}, headers=carla
        ).status_code
        == 200
    )
    again = client.post(
        f"/api/v1/tasks/{task}/complete", json={"data": {"amount": 1}}, headers=carla
    )
    assert again.status_code == 409 and again.json["code"] == "TASK_NOT_ACTIVE"


def test_two_workers_complete_at_the_same_moment_one_gets_409(app, web_engine, clock):
    """Two web workers (own engines, own pools) both load the task before either commits."""
    _case_id, task = start_review(web_engine, "carla")
    both_loaded = threading.Barrier(2, timeout=30)
    hooks = Hooks({"before_claim": lambda **_: both_loaded.wait()})
    workers = [
        create_app(
            Engine(Database(web_engine.db.url), review_registry(), clock, hooks), {"TESTING": True}
        )
        for _ in range(2)
    ]
    tokens = [bearer(token_for(app, "carla")), bearer(token_for(app, "dirk"))]
    results: list = [None, None]

    def complete(index: int) -> None:
        client = workers[index].test_client()
        results[index] = client.post(
            f"/api/v1/tasks/{task}/complete",
            json={"data": {"amount": 10 + index}},
            headers=tokens[index],
        )

    threads = [threading.Thread(target=complete, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    statuses = sorted(r.status_code for r in results)
    assert statuses == [200, 409], [r.json for r in results]
    loser = next(r for r in results if r.status_code == 409)
    assert loser.json["code"] == "TASK_CONFLICT"
    assert len([e for e in web_engine.audit_trail() if e.action == "task_completed"]) == 1
    for worker in workers:
        worker.extensions["stuurboord"].engine.db.dispose()


def test_notifications_list_count_and_mark_read(app, web_engine):
    from tests.web.test_pages import _notify

    _notify(web_engine, "carla", 1)
    _notify(web_engine, "carla", 2)
    _notify(web_engine, "dirk", 3)
    client = app.test_client()
    carla = bearer(token_for(app, "carla"))
    assert client.get("/api/v1/notifications/unread-count", headers=carla).json == {"unread": 2}
    items = client.get("/api/v1/notifications", headers=carla).json
    assert len(items) == 2 and items[0]["title"].startswith("Nieuwe taak")
    english = client.get("/api/v1/notifications", headers={**carla, "Accept-Language": "en"})
    assert english.status_code == 200
    marked = client.post(
        "/api/v1/notifications/read", json={"ids": [items[0]["id"]]}, headers=carla
    )
    assert marked.json == {"marked": 1}
    assert client.post("/api/v1/notifications/read", json={}, headers=carla).json == {"marked": 1}
    assert client.get("/api/v1/notifications/unread-count", headers=carla).json == {"unread": 0}


def test_problem_titles_follow_accept_language(app):
    client = app.test_client()
    dutch = client.get("/api/v1/tasks").json["title"]
    english = client.get("/api/v1/tasks", headers={"Accept-Language": "en"}).json["title"]
    assert dutch == "Meld je aan om verder te gaan."
    assert english == "Sign in to continue."


def test_deeply_nested_json_is_a_bad_request_not_a_crash(app):
    client = app.test_client()
    body = "[" * 20000 + "]" * 20000
    response = client.post(
        "/api/v1/cases",
        data=body,
        headers={**bearer(token_for(app, "carla")), "Content-Type": "application/json"},
    )
    assert response.status_code in (400, 422)
    assert response.mimetype == "application/problem+json"


def test_oidc_routes_are_absent_unless_configured(client):
    assert client.get("/aanmelden/oidc").status_code == 404
