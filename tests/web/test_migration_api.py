"""/api/v1/migrations: dry run and move over the API, and its errors."""

from __future__ import annotations

from engine import Engine
from tests.helpers import ApproveForm
from tests.web.conftest import BPMN, bearer, start_review, token_for

PROBLEM = "application/problem+json"


def deploy_v2(engine: Engine) -> None:
    """Version 2 of the review model: the manager's task `approve` is now `approve2`."""
    xml = (BPMN / "review.bpmn").read_text().replace('"approve"', '"approve2"')
    xml = xml.replace("<bpmn:flowNodeRef>approve<", "<bpmn:flowNodeRef>approve2<")
    engine.registry.form("review", "approve2", ApproveForm)
    engine.deploy_files([("review.bpmn", xml.encode())])


def at_approve(engine: Engine) -> int:
    case_id, task_id = start_review(engine, "carla")
    engine.complete_task(task_id, {"amount": 5000}, engine.actor("carla"))
    return case_id


def _problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.json
    assert response.mimetype == PROBLEM
    assert response.json["code"] == code
    return response.json


def test_dry_run_then_move_with_a_map(app, web_engine: Engine) -> None:
    at_intake, _ = start_review(web_engine, "carla")
    approving = at_approve(web_engine)
    deploy_v2(web_engine)
    client, admin = app.test_client(), bearer(token_for(app, "anna"))
    url = "/api/v1/migrations"

    plan = client.get(f"{url}/plan?process_id=review&to_version=2", headers=admin)
    assert plan.status_code == 200
    assert [e["id"] for e in plan.json[0]["unmapped"]] == ["approve"]
    assert plan.json[0]["suggested"] == {"approve": "approve2"}

    dry = client.post(
        url, json={"process_id": "review", "to_version": 2, "dry_run": True}, headers=admin
    )
    assert dry.status_code == 200
    results = {c["case_id"]: c for c in dry.json["cases"]}
    assert results[at_intake]["result"] == "can_move"
    assert results[approving]["result"] == "refused"
    assert results[approving]["reasons"][0]["code"] == "removed"
    assert "no place in the new version" in results[approving]["reasons"][0]["text"]
    assert dry.json["summary"] == {"can_move": 1, "moved": 0, "refused": 1, "failed": 0}
    assert web_engine.case(at_intake).version == 1

    moved = client.post(
        url,
        headers=admin,
        json={
            "process_id": "review",
            "to_version": 2,
            "from_version": 1,
            "map": {"approve": "approve2"},
            "cases": [approving],
            "reason": "renamed the step",
        },
    )
    assert moved.status_code == 200
    assert [c["result"] for c in moved.json["cases"]] == ["moved"]
    assert web_engine.case(approving).version == 2
    assert web_engine.case(at_intake).version == 1
    task = next(t for t in web_engine.case_tasks(approving) if t.state == "ready")
    assert task.element_id == "approve2"
    web_engine.complete_task(task.id, {"approved": True}, web_engine.actor("maria"))
    assert web_engine.case(approving).status == "completed"


def test_documented_errors(app, web_engine: Engine) -> None:
    start_review(web_engine, "carla")
    deploy_v2(web_engine)
    client, admin = app.test_client(), bearer(token_for(app, "anna"))
    url = "/api/v1/migrations"
    _problem(
        client.post(url, json={"process_id": "nope", "to_version": 2}, headers=admin),
        404,
        "NOT_FOUND",
    )
    _problem(
        client.post(url, json={"process_id": "review", "to_version": 9}, headers=admin),
        404,
        "NOT_FOUND",
    )
    _problem(
        client.get(f"{url}/plan?process_id=review&to_version=9", headers=admin), 404, "NOT_FOUND"
    )
    bad_map = _problem(
        client.post(
            url,
            json={"process_id": "review", "to_version": 2, "map": {"approve": "zz"}},
            headers=admin,
        ),
        422,
        "VALIDATION_FAILED",
    )
    assert "zz" in str(bad_map["errors"])
    _problem(
        client.post(
            url,
            json={"process_id": "review", "to_version": 2, "map": ["approve=approve2"]},
            headers=admin,
        ),
        422,
        "VALIDATION_FAILED",
    )
    _problem(
        client.post(
            url, json={"process_id": "review", "to_version": 2, "from_version": 2}, headers=admin
        ),
        422,
        "VALIDATION_FAILED",
    )
    clerk = bearer(token_for(app, "carla"))
    _problem(
        client.post(url, json={"process_id": "review", "to_version": 2}, headers=clerk),
        403,
        "FORBIDDEN",
    )
    _problem(
        client.get(f"{url}/plan?process_id=review&to_version=2", headers=clerk), 403, "FORBIDDEN"
    )
    _problem(
        client.post(url, json={"process_id": "review", "to_version": 2}), 401, "UNAUTHENTICATED"
    )
    assert all(c.version == 1 for c in web_engine.list_cases())


def test_openapi_documents_the_statuses(app) -> None:
    spec = app.test_client().get("/api/v1/openapi.json").json
    post = spec["paths"]["/api/v1/migrations"]["post"]
    assert {"200", "401", "403", "404", "422"} <= set(post["responses"])
