"""POST /api/v1/signals: admins send a BPMN signal into one case or every waiting case."""

from __future__ import annotations

import pytest

from engine import Engine
from tests.signal_models import LAUNCHED, WAITER
from tests.web.conftest import bearer, token_for

PROBLEM = "application/problem+json"


@pytest.fixture
def waiting(web_engine: Engine) -> tuple[int, int]:
    web_engine.deploy_files([("waiter.bpmn", WAITER), ("launched.bpmn", LAUNCHED)])
    return web_engine.start_case("waiter", {}).id, web_engine.start_case("waiter", {}).id


def _send(app, body: object, user: str = "anna"):
    return app.test_client().post("/api/v1/signals", json=body,
                                  headers=bearer(token_for(app, user)))  # fmt: skip


def test_admin_signals_one_case(app, web_engine: Engine, waiting) -> None:
    first, second = waiting
    response = _send(app, {"name": "go", "case_id": first, "data": {"level": 4}})
    assert response.status_code == 200, response.json
    assert response.json == {"name": "go", "delivered": [first], "started": [], "skipped": [],
                             "conflicts": []}  # fmt: skip
    assert web_engine.case(first).data["level"] == 8
    assert "level" not in web_engine.case(second).data
    [row] = [a for a in web_engine.audit_trail(first) if a.action == "signal_received"]
    assert row.actor == "anna"


def test_broadcast_reaches_every_waiting_case_and_starts_processes(app, web_engine, waiting):
    response = _send(app, {"name": "go", "data": {"level": 1}})
    assert response.status_code == 200
    assert response.json["delivered"] == list(waiting)
    launched = _send(app, {"name": "launch"})
    assert launched.json["delivered"] == [] and len(launched.json["started"]) == 1
    assert web_engine.case(launched.json["started"][0]).process_id == "launched"
    nobody = _send(app, {"name": "nobody-listens"})
    assert nobody.status_code == 200 and nobody.json["delivered"] == []


def test_non_admin_is_forbidden(app, web_engine: Engine, waiting) -> None:
    response = _send(app, {"name": "go", "case_id": waiting[0]}, user="carla")
    assert response.status_code == 403 and response.mimetype == PROBLEM
    assert response.json["code"] == "FORBIDDEN"
    assert "go" not in web_engine.case(waiting[0]).data


def test_case_errors_are_problems(app, web_engine: Engine, waiting) -> None:
    unknown = _send(app, {"name": "go", "case_id": 4242})
    assert unknown.status_code == 404 and unknown.json["code"] == "NOT_FOUND"
    not_waiting = _send(app, {"name": "stop", "case_id": waiting[0]})
    assert not_waiting.status_code == 409 and not_waiting.mimetype == PROBLEM
    assert not_waiting.json["code"] == "SIGNAL_NOT_EXPECTED"
    assert "not waiting for signal 'stop'" in not_waiting.json["detail"]
    english = app.test_client().post(
        "/api/v1/signals",
        json={"name": "stop", "case_id": waiting[0]},
        headers={**bearer(token_for(app, "anna")), "Accept-Language": "en"},
    )
    assert english.json["title"] == "The case is not waiting for this signal."
    web_engine.suspend(waiting[0], web_engine.actor("anna"))
    suspended = _send(app, {"name": "go", "case_id": waiting[0]})
    assert suspended.status_code == 409 and suspended.json["code"] == "CASE_STATE"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "x" * 256}, "name"),
        ({"name": "go", "data": [1]}, "data"),
        ({"name": "go", "case_id": 0}, "case_id"),
        ({"name": "go", "case_id": "one"}, "case_id"),
        ({"name": "go", "extra": 1}, "extra"),
    ],
)
def test_bad_bodies_get_422_naming_the_field(app, waiting, body, field) -> None:
    response = _send(app, body)
    assert response.status_code == 422 and response.mimetype == PROBLEM
    assert field in response.json["errors"], response.json


def test_documented_in_openapi(client) -> None:
    spec = client.get("/api/v1/openapi.json").json
    operation = spec["paths"]["/api/v1/signals"]["post"]
    assert {"401", "403", "404", "409", "413", "422"} <= set(operation["responses"])
    assert "200" in operation["responses"]
    assert "SIGNAL_NOT_EXPECTED" in operation["description"]
