"""REST API for meetings, decisions and obligations over the real committee processes: the
answers, the filters, the same rights as the pages, and the documented problem+json errors."""

from __future__ import annotations

from tests.processes_fixtures import Committee, committee_fixture  # noqa: F401
from tests.web.conftest import bearer, token_for
from tests.web.test_meetings import TITLE, answered, planned, published

PROBLEM = "application/problem+json"


def _problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.json
    assert response.mimetype == PROBLEM
    assert response.json["code"] == code
    return response.json


def test_meetings_list_one_and_agenda(committee: Committee) -> None:
    s = published(planned(committee))
    a, b, c = s.topics
    client = s.app.test_client()
    member = bearer(token_for(s.app, "mia"))

    listed = client.get("/api/v1/meetings", headers=member)
    assert listed.status_code == 200
    [meeting] = listed.json
    assert meeting["meeting_id"] == s.meeting_id and meeting["title"] == TITLE
    assert meeting["status"] == "published" and meeting["meeting_date"] == "2026-03-26"
    assert meeting["starts_at"].startswith("2026-03-26T09:00:00")
    assert client.get("/api/v1/meetings?status=planned", headers=member).json == []
    assert len(client.get("/api/v1/meetings?upcoming=true", headers=member).json) == 1

    one = client.get(f"/api/v1/meetings/{s.meeting_id}", headers=member).json
    assert [item["topic_case_id"] for item in one["agenda"]] == [a, b, c]
    assert (
        one["agenda"][0] | {"kind": "decision", "public": True, "position": 1} == one["agenda"][0]
    )
    agenda = client.get(f"/api/v1/meetings/{s.meeting_id}/agenda", headers=member).json
    assert agenda == one["agenda"]


def test_meetings_answer_their_documented_errors(committee: Committee) -> None:
    s = planned(committee)
    client = s.app.test_client()
    submitter = bearer(token_for(s.app, "sofie"))
    assert client.get("/api/v1/meetings", headers=submitter).json == []
    hidden = _problem(
        client.get(f"/api/v1/meetings/{s.meeting_id}", headers=submitter), 404, "NOT_FOUND"
    )
    missing = _problem(client.get("/api/v1/meetings/999999", headers=submitter), 404, "NOT_FOUND")
    assert hidden == missing  # not yours and not there answer the same
    _problem(
        client.get(f"/api/v1/meetings/{s.meeting_id}/agenda", headers=submitter), 404, "NOT_FOUND"
    )
    unauthenticated = client.get("/api/v1/meetings")
    _problem(unauthenticated, 401, "UNAUTHENTICATED")
    assert unauthenticated.headers["WWW-Authenticate"].startswith("Bearer")
    member = bearer(token_for(s.app, "mia"))
    bad = _problem(
        client.get("/api/v1/meetings?status=bogus", headers=member), 422, "VALIDATION_FAILED"
    )
    assert "status" in bad["errors"]
    bad = _problem(
        client.get("/api/v1/meetings?limit=0&offset=-1", headers=member), 422, "VALIDATION_FAILED"
    )
    assert {"limit", "offset"} <= set(bad["errors"])


def test_decisions_with_adoption_and_rights(committee: Committee) -> None:
    s = planned(committee)
    decisions = answered(s)
    client = s.app.test_client()
    secretariat = bearer(token_for(s.app, "sara"))

    listed = client.get("/api/v1/decisions", headers=secretariat).json
    by_id = {d["decision_id"]: d for d in listed}
    assert set(by_id) == set(decisions.values())
    first = by_id[decisions["A"]]
    assert first["binding"] is True and first["deadline"] == "2026-12-31"
    assert first["entities"] == ["dep-omg", "evil", "gem-gent"]
    assert first["adoption_pct"] == 33.3 and by_id[decisions["B"]]["adoption_pct"] == 0.0
    assert first["meeting_id"] == s.meeting_id
    assert client.get("/api/v1/decisions?binding=false", headers=secretariat).json == []
    data = client.get("/api/v1/decisions?focus_domain=data", headers=secretariat).json
    assert [d["decision_id"] for d in data] == [decisions["B"]]
    query = f"/api/v1/decisions?meeting_id={s.meeting_id}&limit=1"
    assert len(client.get(query, headers=secretariat).json) == 1

    one = client.get(f"/api/v1/decisions/{decisions['A']}", headers=secretariat).json
    assert {o["organisation_id"]: o["status"] for o in one["obligations"]} == {
        "dep-omg": "complied",
        "evil": "open",
        "gem-gent": "explained",
    }

    # An entity's contact sees the decisions that bind their entity, and only its obligation.
    contact = bearer(token_for(s.app, "jan"))
    assert [d["decision_id"] for d in client.get("/api/v1/decisions", headers=contact).json] == [
        decisions["A"]
    ]
    mine = client.get(f"/api/v1/decisions/{decisions['A']}", headers=contact).json
    assert [o["organisation_id"] for o in mine["obligations"]] == ["gem-gent"]
    _problem(client.get(f"/api/v1/decisions/{decisions['B']}", headers=contact), 404, "NOT_FOUND")

    submitter = bearer(token_for(s.app, "sofie"))
    assert client.get("/api/v1/decisions", headers=submitter).json == []
    hidden = client.get(f"/api/v1/decisions/{decisions['A']}", headers=submitter)
    missing = client.get("/api/v1/decisions/999999", headers=submitter)
    assert _problem(hidden, 404, "NOT_FOUND") == _problem(missing, 404, "NOT_FOUND")
    bad = client.get("/api/v1/decisions?meeting_id=0&binding=maybe", headers=secretariat)
    assert {"meeting_id", "binding"} <= set(_problem(bad, 422, "VALIDATION_FAILED")["errors"])
    _problem(client.get("/api/v1/decisions"), 401, "UNAUTHENTICATED")


def test_obligations_with_filters_and_rights(committee: Committee) -> None:
    s = planned(committee)
    decisions = answered(s)
    client = s.app.test_client()
    secretariat = bearer(token_for(s.app, "sara"))

    every = client.get("/api/v1/obligations", headers=secretariat).json
    assert len(every) == 4
    assert [o["decision_id"] for o in every] == [decisions["B"]] + [decisions["A"]] * 3
    complied = client.get("/api/v1/obligations?status=complied", headers=secretariat).json
    assert [(o["organisation_id"], o["status_label"]) for o in complied] == [
        ("dep-omg", "Toegepast")
    ]
    assert complied[0]["answered_at"] is not None
    assert complied[0]["decision_adoption_pct"] == 33.3
    english = client.get(
        "/api/v1/obligations?entity=gem-gent",
        headers={**secretariat, "Accept-Language": "en"},
    ).json
    assert [(o["status"], o["status_label"]) for o in english] == [("explained", "Explained")]
    data = client.get("/api/v1/obligations?focus_domain=data", headers=secretariat).json
    assert [o["decision_id"] for o in data] == [decisions["B"]]
    query = f"/api/v1/obligations?decision_id={decisions['A']}&offset=1&limit=1"
    assert len(client.get(query, headers=secretariat).json) == 1

    gent = english[0]
    one = client.get(f"/api/v1/obligations/{gent['obligation_id']}", headers=secretariat).json
    assert one["organisation_id"] == "gem-gent" and one["entity_case_id"] is not None
    assert one["decision_text"].startswith("Alle entiteiten")

    contact = bearer(token_for(s.app, "eva"))  # dep-omg
    theirs = client.get("/api/v1/obligations", headers=contact).json
    assert {o["organisation_id"] for o in theirs} == {"dep-omg"} and len(theirs) == 2
    other = client.get(f"/api/v1/obligations/{gent['obligation_id']}", headers=contact)
    missing = client.get("/api/v1/obligations/999999", headers=contact)
    assert _problem(other, 404, "NOT_FOUND") == _problem(missing, 404, "NOT_FOUND")
    submitter = bearer(token_for(s.app, "sofie"))
    assert client.get("/api/v1/obligations", headers=submitter).json == []

    bad = client.get(f"/api/v1/obligations?status=lost&entity={'x' * 51}", headers=secretariat)
    assert {"status", "entity"} <= set(_problem(bad, 422, "VALIDATION_FAILED")["errors"])
    _problem(client.get("/api/v1/obligations/1"), 401, "UNAUTHENTICATED")


def test_new_operations_are_documented_with_their_errors(committee: Committee) -> None:
    s = planned(committee)
    spec = s.app.test_client().get("/api/v1/openapi.json").json
    expected = {
        "/api/v1/meetings": {"401", "422"},
        "/api/v1/meetings/{meeting_id}": {"401", "404"},
        "/api/v1/meetings/{meeting_id}/agenda": {"401", "404"},
        "/api/v1/decisions": {"401", "422"},
        "/api/v1/decisions/{decision_id}": {"401", "404"},
        "/api/v1/obligations": {"401", "422"},
        "/api/v1/obligations/{obligation_id}": {"401", "404"},
    }
    for path, errors in expected.items():
        responses = spec["paths"][path]["get"]["responses"]
        assert "200" in responses, path
        assert errors <= set(responses), (path, set(responses))
