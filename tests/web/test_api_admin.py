"""REST API for the admin's actions: suspend, resume, terminate, retry (with corrected data),
deploy, users and role grants. Same engine calls and audit rows as *Beheer*; others get 403;
bad input 422 naming the field, with nothing changed."""

from __future__ import annotations

import io

from tests import modelkit as m
from tests.web.conftest import BPMN, bearer, start_review, token_for
from tests.web.test_incident_admin import incident_case

PROBLEM = "application/problem+json"


def _problem(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, (response.status_code, response.data[:500])
    assert response.mimetype == PROBLEM
    if code is not None:
        assert response.json["code"] == code
    return response.json


def _actions(engine, case_id: int) -> list[str]:
    return [entry.action for entry in engine.audit_trail(case_id)]


def test_suspend_resume_terminate_as_admin_with_reasons(app, client, web_engine) -> None:
    case_id, _task = start_review(web_engine, "carla")
    anna = bearer(token_for(app, "anna"))
    base = f"/api/v1/cases/{case_id}"
    suspended = client.post(f"{base}/suspend", json={"reason": "Wacht op advies."}, headers=anna)
    assert suspended.status_code == 200 and suspended.json["suspended"] is True
    _problem(client.post(f"{base}/suspend", headers=anna), 409)
    resumed = client.post(f"{base}/resume", headers=anna)  # no body: the reason is optional
    assert resumed.status_code == 200 and resumed.json["suspended"] is False
    _problem(client.post(f"{base}/terminate", json={}, headers=anna), 422)
    ended = client.post(f"{base}/terminate", json={"reason": "Dubbel."}, headers=anna)
    assert ended.status_code == 200 and ended.json["status"] == "terminated"
    trail = web_engine.audit_trail(case_id)
    assert any(e.reason == "Dubbel." for e in trail)
    assert any(e.reason == "Wacht op advies." for e in trail)


def test_interventions_are_for_admins_only_and_unknown_cases_answer_404(
    app, client, web_engine
) -> None:
    case_id, _task = start_review(web_engine, "carla")
    for user in ("carla", "sofie"):
        headers = bearer(token_for(app, user))
        for action, body in (("suspend", {}), ("resume", {}), ("terminate", {"reason": "x"}),
                             ("retry", {})):  # fmt: skip
            response = client.post(f"/api/v1/cases/{case_id}/{action}", json=body, headers=headers)
            _problem(response, 403, "FORBIDDEN")
        _problem(client.get("/api/v1/incidents", headers=headers), 403, "FORBIDDEN")
    anna = bearer(token_for(app, "anna"))
    _problem(client.post("/api/v1/cases/999999/suspend", headers=anna), 404, "NOT_FOUND")
    case = web_engine.case(case_id)
    assert not case.suspended and case.status == "running"


def test_retry_with_corrected_data_needs_a_reason_and_is_audited(app, client, web_engine) -> None:
    case_id = incident_case(web_engine)
    anna = bearer(token_for(app, "anna"))
    [incident] = client.get("/api/v1/incidents", headers=anna).json
    assert incident["case_id"] == case_id and incident["error_type"] == "ZeroDivisionError"

    url = f"/api/v1/cases/{case_id}/retry"
    bad = _problem(client.post(url, json={"data": {"divisor": 4}}, headers=anna), 422)
    assert "reason" in bad["errors"]
    bad = _problem(client.post(url, json={"data": {"9bad": 1}, "reason": "x"}, headers=anna), 422)
    assert "data" in bad["errors"]
    assert web_engine.case(case_id).data["divisor"] == 0
    assert "case_data_corrected" not in _actions(web_engine, case_id)

    again = client.post(url, headers=anna)
    assert again.status_code == 200 and again.json["status"] == "incident"
    fixed = client.post(url, json={"data": {"divisor": 4}, "reason": "Tikfout."}, headers=anna)
    assert fixed.status_code == 200 and fixed.json["status"] == "running"
    assert fixed.json["data"]["ratio"] == 2.5
    assert "case_data_corrected" in _actions(web_engine, case_id)
    assert any(e.reason == "Tikfout." for e in web_engine.audit_trail(case_id))
    _problem(client.post(url, headers=anna), 409, "CASE_STATE")  # no longer in incident


def test_deploy_a_model_and_refuse_a_malformed_one_precisely(app, client, web_engine) -> None:
    anna = bearer(token_for(app, "anna"))
    before = client.get("/api/v1/deployments", headers=anna).json
    assert {v["process_id"] for v in before} == {"review"}
    broken = client.post(
        "/api/v1/deployments",
        data={"files": [(io.BytesIO((BPMN / "review.bpmn").read_bytes()), "review.bpmn"),
                        (io.BytesIO(b"<bpmn:definitions"), "kapot.bpmn")]},
        headers=anna,
        content_type="multipart/form-data",
    )  # fmt: skip
    problem = _problem(broken, 422, "DEPLOY_FAILED")
    assert "kapot.bpmn" in problem["detail"] and "line" in problem["detail"]
    assert problem["errors"]["files"] == [problem["detail"]]
    assert client.get("/api/v1/deployments", headers=anna).json == before

    not_a_model = client.post(
        "/api/v1/deployments",
        data={"files": [(io.BytesIO(b"x"), "notes.txt")]},
        headers=anna,
        content_type="multipart/form-data",
    )
    assert "notes.txt" in _problem(not_a_model, 422, "VALIDATION_FAILED")["errors"]["files"][0]

    two = client.post(
        "/api/v1/deployments",
        data={"files": [(io.BytesIO(m.two_faults()), "two.bpmn")]},
        headers=anna,
        content_type="multipart/form-data",
    )
    files = _problem(two, 422, "DEPLOY_FAILED")["errors"]["files"]
    assert len(files) == 2 and "'oops'" in files[0] and "'wait'" in files[1]
    assert client.get("/api/v1/deployments", headers=anna).json == before

    model = (BPMN / "loop.bpmn").read_bytes()
    deployed = client.post(
        "/api/v1/deployments",
        data={"files": [(io.BytesIO(model), "loop.bpmn")]},
        headers=anna,
        content_type="multipart/form-data",
    )
    assert deployed.status_code == 201 and all(d["created"] for d in deployed.json)
    assert len(client.get("/api/v1/deployments", headers=anna).json) > len(before)
    carla = bearer(token_for(app, "carla"))
    _problem(client.get("/api/v1/deployments", headers=carla), 403, "FORBIDDEN")


def test_users_create_update_and_role_grants(app, client, web_engine) -> None:
    anna = bearer(token_for(app, "anna"))
    created = client.post(
        "/api/v1/users",
        json={"id": "nieuw.lid", "display_name": "Nieuw Lid", "email": "nieuw@lid.example"},
        headers=anna,
    )
    assert created.status_code == 201
    assert created.json | {"active": True, "grants": []} == created.json
    _problem(
        client.post("/api/v1/users", json={"id": "nieuw.lid", "display_name": "X"}, headers=anna),
        409,
        "CONFLICT",
    )
    changed = client.patch(
        "/api/v1/users/nieuw.lid", json={"display_name": "Nele Lid", "email": None}, headers=anna
    )
    assert changed.json["display_name"] == "Nele Lid" and changed.json["email"] is None
    granted = client.post(
        "/api/v1/users/nieuw.lid/grants", json={"role": "member", "scope": None}, headers=anna
    )
    assert granted.json["grants"] == [{"role": "member", "scope": None}]
    revoked = client.delete("/api/v1/users/nieuw.lid/grants?role=member", headers=anna)
    assert revoked.status_code == 200 and revoked.json["grants"] == []
    _problem(client.delete("/api/v1/users/nieuw.lid/grants?role=member", headers=anna), 404)
    off = client.patch("/api/v1/users/nieuw.lid", json={"active": False}, headers=anna)
    assert off.json["active"] is False
    listed = {u["id"] for u in client.get("/api/v1/users", headers=anna).json}
    assert {"anna", "carla", "nieuw.lid"} <= listed


def test_users_refuse_bad_data_others_and_unknown_ids(app, client, web_engine) -> None:
    anna = bearer(token_for(app, "anna"))
    for body, field in (
        ({"id": "Met Spatie", "display_name": "X"}, "id"),
        ({"id": "ok", "display_name": ""}, "display_name"),
        ({"id": "ok", "display_name": "X", "email": "geen-adres"}, "email"),
    ):
        assert (
            field in _problem(client.post("/api/v1/users", json=body, headers=anna), 422)["errors"]
        )
    assert web_engine.user("ok") is None
    bad = client.patch("/api/v1/users/carla", json={"email": "geen-adres"}, headers=anna)
    assert "email" in _problem(bad, 422)["errors"]
    for body, field in (({"role": "koning"}, "role"), ({"role": "member", "scope": "nergens"},
                                                         "scope")):  # fmt: skip
        response = client.post("/api/v1/users/carla/grants", json=body, headers=anna)
        assert field in _problem(response, 422)["errors"]
    carla = web_engine.user("carla")
    assert carla.grants == (("clerk", None),) and carla.email is None
    _problem(client.patch("/api/v1/users/niemand", json={"active": False}, headers=anna), 404)
    _problem(client.post("/api/v1/users/niemand/grants", json={"role": "member"}, headers=anna),
             404)  # fmt: skip
    maria = bearer(token_for(app, "maria"))
    _problem(client.get("/api/v1/users", headers=maria), 403, "FORBIDDEN")
    _problem(client.patch("/api/v1/users/maria", json={"active": False}, headers=maria), 403)
    assert web_engine.user("maria").active


def test_deputies_list_name_and_remove_only_my_own(app, client, web_engine) -> None:
    carla = bearer(token_for(app, "carla"))
    named = client.post(
        "/api/v1/deputies",
        json={"deputy_id": "dirk", "starts": "2026-12-21", "ends": "2027-01-03"},
        headers=carla,
    )
    assert named.status_code == 201, named.json
    assert named.json["user_id"] == "carla" and named.json["deputy_id"] == "dirk"
    assert named.json["starts"].startswith("2026-12-21T00:00:00")
    assert [d["id"] for d in client.get("/api/v1/deputies", headers=carla).json] == [
        named.json["id"]
    ]
    for body, field in (
        ({"deputy_id": "niemand", "starts": "2026-12-21", "ends": "2027-01-03"}, "deputy_id"),
        ({"deputy_id": "dirk", "starts": "2027-01-03", "ends": "2026-12-21"}, "ends"),
        ({"deputy_id": "carla", "starts": "2026-12-21", "ends": "2027-01-03"}, "deputy_id"),
        ({"deputy_id": "dirk", "starts": "morgen", "ends": "2027-01-03"}, "starts"),
    ):
        response = client.post("/api/v1/deputies", json=body, headers=carla)
        assert field in _problem(response, 422)["errors"], body
    assert len(web_engine.deputies("carla")) == 1

    maria = bearer(token_for(app, "maria"))
    _problem(client.delete(f"/api/v1/deputies/{named.json['id']}", headers=maria), 404)
    _problem(client.delete("/api/v1/deputies/999999", headers=carla), 404)
    assert len(web_engine.deputies("carla")) == 1
    removed = client.delete(f"/api/v1/deputies/{named.json['id']}", headers=carla)
    assert removed.status_code == 204
    assert web_engine.deputies("carla") == []
