"""The main story through the REST API alone, each role with its own bearer token, every piece
of data built from the form's JSON Schema the API publishes (`GET /api/v1/processes`,
`GET /api/v1/tasks/{id}`): plan a meeting, submit a topic, screen it, admit it to the meeting,
order the agenda, record a binding decision, and the bound entity's contact explains
(comply-or-explain), which the secretariat accepts. Only the clock is moved outside the API
(the agenda freezes and the meeting starts at their time)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask.testing import FlaskClient

from tests.formschema_examples import fill, is_valid
from tests.processes_fixtures import Committee, committee_fixture  # noqa: F401
from tests.web.conftest import bearer, token_for
from tests.web.test_meetings import web_app


class Client:
    """One person's API client: a bearer token and a language."""

    def __init__(self, http: FlaskClient, token: str, language: str = "en") -> None:
        self.http = http
        self.headers = {**bearer(token), "Accept-Language": language}

    def get(self, path: str) -> Any:
        answer = self.http.get(path, headers=self.headers)
        assert answer.status_code == 200, answer.json
        return answer.json

    def post(self, path: str, body: dict[str, Any], status: int = 200) -> Any:
        answer = self.http.post(path, json=body, headers=self.headers)
        assert answer.status_code == status, answer.json
        return answer.json

    def start(self, process_id: str, given: dict[str, Any]) -> dict[str, Any]:
        """Start a case with data made from the process's published start form."""
        [process] = [p for p in self.get("/api/v1/processes") if p["id"] == process_id]
        data = built(process["form_schema"], given)
        return self.post("/api/v1/cases", {"process_id": process_id, "data": data}, 201)

    def task(self, case_id: int, element_id: str) -> dict[str, Any]:
        """My ready task of `element_id` in the case, as `GET /api/v1/tasks/{id}` gives it."""
        mine = [
            t
            for t in self.get("/api/v1/tasks")
            if t["case_id"] == case_id and t["element_id"] == element_id
        ]
        assert len(mine) == 1, [t["element_id"] for t in self.get("/api/v1/tasks")]
        return self.get(f"/api/v1/tasks/{mine[0]['id']}")

    def complete(
        self, case_id: int, element_id: str, given: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        task = self.task(case_id, element_id)
        data = built(task["form_schema"], given or {})
        return self.post(f"/api/v1/tasks/{task['id']}/complete", {"data": data})


def built(schema: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """The data a client sends: what the schema requires, with the story's own values; only
    properties the schema names, valid by it."""
    assert set(given) <= set(schema["properties"]), set(given) - set(schema["properties"])
    data = fill(schema, given)
    assert is_valid(schema, data), data
    return data


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def _choices(prop: dict[str, Any]) -> list[Any]:
    found = prop.get("oneOf", prop.get("items", {}).get("oneOf", []))
    return [o["const"] for o in found if "const" in o]


def test_main_story_through_the_api_from_the_published_schemas(committee: Committee) -> None:
    app = web_app(committee)
    http = app.test_client()
    submitter, secretariat, chair, contact = (
        Client(http, token_for(app, user)) for user in ("sofie", "sara", "chris", "eva")
    )

    # what each may start: the submitter a topic, not a meeting; the secretariat a meeting
    assert "meeting" not in {p["id"] for p in submitter.get("/api/v1/processes")}
    meeting_case = secretariat.start(
        "meeting",
        {"title": "Zitting van 26 maart", "meeting_date": "2026-03-26", "location": "Brussel"},
    )
    meeting = meeting_case["data"]["meeting"]

    startable = {p["id"]: p for p in submitter.get("/api/v1/processes")}
    topic_schema = startable["topic"]["form_schema"]
    entities = _choices(topic_schema["properties"]["affected_entities"])
    assert {"dep-omg", "gem-gent"} <= set(entities)
    topic = submitter.start(
        "topic",
        {
            "title": "Eén aanmeldplatform voor lokale besturen",
            "summary": "Lokale besturen bouwen elk een eigen aanmelding.",
            "question": "Het Stuurorgaan beslist over één aanmeldplatform.",
            "impact": "Minder dubbel werk, één aanmelding voor de burger.",
            "affected_entities": ["dep-omg", "gem-gent"],
            "focus_domains": _choices(topic_schema["properties"]["focus_domains"])[:1],
            "reuses_generic_components": True,
        },
    )
    topic_id = topic["id"]

    # screening: the brief beside the form says how the topic meets the conditions
    screening = secretariat.task(topic_id, "confirm_screening")
    assert screening["brief"]["sections"]
    secretariat.complete(topic_id, "confirm_screening")

    # the chair admits: the schema's if/then asks for a meeting, offered as a choice
    decision = chair.task(topic_id, "chair_decision")
    offered = decision["form_schema"]["properties"]["chair_meeting_id"]
    assert meeting["meeting_id"] in _choices(offered)
    data = built(decision["form_schema"], {"chair_decision": "admit"})
    assert data["chair_meeting_id"] == meeting["meeting_id"]  # the first (only) one offered
    chair.complete(topic_id, "chair_decision", {"chair_decision": "admit"})
    placed = submitter.get(f"/api/v1/cases/{topic_id}")["data"]["agenda_item"]
    assert placed["meeting_id"] == meeting["meeting_id"]

    # the agenda freezes at its deadline; the secretariat orders it as it stands
    committee.advance_to(_at(meeting["freeze_at"]) + timedelta(minutes=2))
    secretariat.complete(meeting_case["id"], "order_agenda")

    # the meeting is held; the secretariat records a binding decision on the item
    committee.advance_to(_at(meeting["starts_at"]) + timedelta(minutes=1))
    record = secretariat.task(meeting_case["id"], "record_treatments")
    entry_schema = record["form_schema"]["properties"]["treatments"]["items"]
    [item] = secretariat.get(f"/api/v1/meetings/{meeting['meeting_id']}/agenda")
    entry = built(
        entry_schema,
        {
            "agenda_item_id": item["agenda_item_id"],
            "outcome": "decided",
            "binding": True,
            "deadline": "2026-12-31",
            "bound_entities": ["dep-omg"],
        },
    )
    assert entry["decision_text"]  # required with a decision: the schema's rule filled it in
    secretariat.complete(
        meeting_case["id"],
        "record_treatments",
        {"attendance": ["chris", "mia", "mo"], "treatments": [entry]},
    )
    assert submitter.get(f"/api/v1/cases/{topic_id}")["data"]["outcome"]["binding"] is True

    # comply-or-explain: the entity's contact explains, the secretariat accepts
    [obligation] = [
        t for t in contact.get("/api/v1/tasks") if t["element_id"] == "answer_obligation"
    ]
    answer = contact.task(obligation["case_id"], "answer_obligation")
    assert answer["brief"]["sections"]
    explained = built(answer["form_schema"], {"response": "explain"})
    assert {"reason", "risks", "mitigation", "planned_on"} <= set(explained)
    assert not {"what_done", "done_on", "evidence"} & set(explained)  # empty when explaining
    contact.complete(obligation["case_id"], "answer_obligation", {"response": "explain"})
    secretariat.complete(obligation["case_id"], "assess_explanation", {"verdict": "accepted"})
    [registered] = secretariat.get("/api/v1/obligations")
    assert registered["organisation_id"] == "dep-omg"
    assert registered["status"] not in ("open", "overdue"), registered


def test_processes_list_what_you_may_start_in_your_language(committee: Committee) -> None:
    app = web_app(committee)
    http = app.test_client()
    submitter = Client(http, token_for(app, "sofie"), "nl")
    listed = {p["id"]: p for p in submitter.get("/api/v1/processes")}
    assert listed["topic"]["name"] == "Agendering van een onderwerp"
    assert listed["topic"]["role"] == "submitter" and listed["topic"]["version"] == 1
    assert listed["topic"]["start_event"] == "submit"
    title = listed["topic"]["form_schema"]["properties"]["title"]
    assert title["title"] == "Titel" and title["maxLength"] == 200
    assert "meeting" not in listed and "obligation" not in listed
    english = Client(http, token_for(app, "sofie"), "en").get("/api/v1/processes")
    assert {p["id"]: p["name"] for p in english}["topic"] == "Putting a topic on the agenda"
    secretariat = {p["id"] for p in Client(http, token_for(app, "sara")).get("/api/v1/processes")}
    assert {"meeting", "comply_or_explain"} <= secretariat and "topic" not in secretariat
    refused = http.get("/api/v1/processes")
    assert refused.status_code == 401 and refused.json["code"] == "UNAUTHENTICATED"
    spec = http.get("/api/v1/openapi.json").json
    operation = spec["paths"]["/api/v1/processes"]["get"]
    assert operation["responses"]["200"]["content"]["application/json"]["example"]
    task = spec["paths"]["/api/v1/tasks/{task_id}"]["get"]["responses"]["200"]
    assert "form_schema" in task["content"]["application/json"]["example"]
