"""Every start form and task form of the committee's processes, published as JSON Schema
(processes.records.formschema), agrees with the form's own validation: examples made from the
schema alone are accepted by the engine's check (marshmallow, then the reference check against
the records), and the invalid variants made from it are refused. Plus what the schema says for
a few fields a client most needs: labels per language, picker choices, the rules as if/then."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from engine import ValidationFailed
from processes.records import choices
from processes.records.formschema import DIALECT, json_schema
from tests.formschema_examples import invalid_variants, is_valid, valid_examples
from tests.processes_fixtures import Committee, committee_fixture  # noqa: F401
from tests.test_process_project import registered
from tests.test_process_review import add_project


def _schema(committee: Committee, process_id: str, element_id: str, language: str = "en"):
    schema_class = committee.engine.registry.form_for(process_id, element_id)
    with committee.engine.db.read() as session:
        return json_schema(
            schema_class, language, lambda source: choices.options(session, source, language)
        )


def _accepted(committee: Committee, process_id: str, element_id: str, data: Any) -> str | None:
    """None when the engine's form check accepts `data`, else its errors."""
    try:
        committee.engine.validate_form(process_id, element_id, data)
    except ValidationFailed as error:
        return str(error.errors)
    return None


def test_every_form_schema_agrees_with_the_forms_validation(committee: Committee) -> None:
    committee.plan_meeting(date(2026, 3, 26))  # a meeting to choose, in the pickers
    committee.decided_topic()  # a topic and a decision to choose, in the pickers
    add_project(committee, "Digitaal omgevingsloket", "dep-omg")  # a project to review
    registered(committee)  # a project to follow up, in the follow-up's picker
    forms = sorted(committee.engine.registry.forms)
    assert len(forms) >= 30
    checked = refused = 0
    disagreements: list[str] = []
    skipped: list[str] = []
    for process_id, element_id in forms:
        schema = _schema(committee, process_id, element_id)
        Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == DIALECT and schema["additionalProperties"] is False
        where = f"{process_id}/{element_id}"
        for name, data in valid_examples(schema):
            assert is_valid(schema, data), f"{where} {name}: the generator made {data}"
            errors = _accepted(committee, process_id, element_id, data)
            if errors is not None:
                disagreements.append(f"{where} {name} {data} refused: {errors}")
            checked += 1
        for name, data in invalid_variants(schema):
            if is_valid(schema, data):  # the generator's own mistake
                skipped.append(f"{where} {name}")
                continue
            if _accepted(committee, process_id, element_id, data) is None:
                disagreements.append(f"{where} {name}: {data} accepted")
            refused += 1
    assert disagreements == []
    assert skipped == []  # every variant made is invalid by the schema too
    assert checked > 90 and refused > 800, (checked, refused)


def test_the_schema_speaks_the_asked_language_and_offers_the_pickers(
    committee: Committee,
) -> None:
    _case, meeting_id = committee.plan_meeting(date(2026, 3, 26))
    dutch = _schema(committee, "topic", "chair_decision", "nl")
    english = _schema(committee, "topic", "chair_decision", "en")
    assert dutch["properties"]["chair_decision"]["title"] == "Beslissing"
    assert english["properties"]["chair_decision"]["title"] == "Decision"
    assert english["properties"]["chair_decision"]["oneOf"][0] == {
        "const": "admit",
        "title": "Admit to a meeting",
    }
    meeting = english["properties"]["chair_meeting_id"]
    assert meeting["oneOf"][0]["const"] == meeting_id
    assert meeting["oneOf"][0]["title"].startswith("26 March 2026")
    assert meeting["oneOf"][-1] == {"type": "null"}
    assert "Required when Decision is “Admit to a meeting”." in meeting["description"]
    assert english["required"] == ["chair_decision"]
    admit = english["allOf"][0]
    assert admit["if"] == {
        "properties": {"chair_decision": {"const": "admit"}},
        "required": ["chair_decision"],
    }
    assert admit["then"]["required"] == ["chair_meeting_id"]
    kind = english["properties"]["chair_item_kind"]
    assert "Only matters when Decision is “Admit to a meeting”." in kind["description"]

    submit = _schema(committee, "topic", "submit")
    entities = submit["properties"]["affected_entities"]
    assert entities["type"] == "array" and entities["uniqueItems"] is True
    assert {"const": "gem-gent", "title": "Stad Gent"} in entities["items"]["oneOf"]
    assert submit["properties"]["title"]["maxLength"] == 200
    treatments = _schema(committee, "meeting", "record_treatments")["properties"]["treatments"]
    entry = treatments["items"]
    assert entry["type"] == "object" and entry["additionalProperties"] is False
    assert entry["required"] == ["agenda_item_id", "outcome"]
    deadline = entry["properties"]["deadline"]
    assert deadline["format"] == "date"
    assert deadline["formatMinimum"] == committee.today().isoformat()


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_task_without_a_form_takes_an_empty_object(language: str) -> None:
    schema = json_schema(None, language, lambda source: [])
    assert schema == {
        "$schema": DIALECT,
        "type": "object",
        "properties": {},
        "additionalProperties": False,
    }
