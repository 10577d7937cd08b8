"""Schemathesis against the demo: every operation of the OpenAPI document, with requests
generated from the document itself, sent in process (WSGI) with a token of each main role; the
default checks (no server error, only documented statuses, content types, headers and bodies,
valid data accepted, invalid data refused...) must pass.

Bounded so that it stays a minute or so on two cores: a few examples per operation, no
deadline, derandomized (the same requests every run). The demo loads once for the module (on
SQLite; the storage tests cover PostgreSQL).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

import processes
from engine import Database, Engine
from engine.timing.policy import load_policy
from processes import demo
from tests.processes_fixtures import BPMN_DIR
from webapp import tokens
from webapp.app import create_app
from webapp.identity import state

ROLES = {
    "secretariat": "secretariaat",
    "chair": "voorzitter",
    "member": "lid.omgeving",
    "submitter": "indiener",
    "entity_contact": "contact.leuven",
    "admin": "beheerder",
}
"""A demo user per main role; the admin goes last (its interventions change the most)."""

MAX_EXAMPLES = 4

REFUSED_BY_CONTENT = {
    "POST /api/v1/cases": "process_id or data: each process's start form checks the data",
    "POST /api/v1/tasks/{task_id}/complete": "data: each task's form checks the data",
    "POST /api/v1/cases/{case_id}/documents": "file: accepted by its content (PDF, PNG, ...)",
    "POST /api/v1/deployments": "files: must be BPMN or DMN models the engine accepts",
    "POST /api/v1/deputies": "deputy_id: must name an existing user",
    "POST /api/v1/users": "email: must be an e-mail address",
    "PATCH /api/v1/users/{user_id}": "email: must be an e-mail address",
    "POST /api/v1/users/{user_id}/grants": "scope: must be a known organisation or group",
    "POST /api/v1/migrations": "map: its keys are element ids too (1 to 255 characters), which "
    "OpenAPI 3.0 cannot say of an object's keys",
}
"""Operations whose valid-looking requests the server may still refuse with 422, because what
decides is beyond this document's JSON Schema: a form per process and task (`data` is a free
object here), a file's content, a stored record. Their 422 is documented; here it must list the
fields at fault in `errors` (instead of Schemathesis's "schema-valid data is accepted" check)."""


@pytest.fixture(scope="module")
def demo_app(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Flask, dict[str, str], dict[str, Any]]]:
    folder = tmp_path_factory.mktemp("schemathesis")
    path = folder / "stuurboord.db"
    shutil.copy(sqlite_template, path)
    db = Database(f"sqlite:///{path}")
    engine = Engine(
        db,
        processes.build_registry(),
        policy=load_policy(BPMN_DIR / "policy"),
        documents_path=folder / "documents",
    )
    engine.deploy([BPMN_DIR])
    demo.load(engine)
    app = create_app(engine, {"TESTING": True, "API_START_LIMIT": 1000})
    with app.app_context():
        keys = {role: tokens.create(state().engine, user, "schemathesis") for role, user in
                ROLES.items()}  # fmt: skip
    yield app, keys, real_ids(engine)
    db.dispose()


def real_ids(engine: Engine) -> dict[str, Any]:
    """Ids of things that exist in the demo, so that some requests reach past the 404."""
    from processes.records import queries as records

    case = next(c for c in engine.list_cases(status="running", process_id="topic", limit=50))
    task = next(t for t in engine.ready_tasks())
    with engine.db.read() as session:
        meeting = records.meetings(session)[-1]
        decision = records.decision_list(session)[0]
    return {
        "case_id": case.id,
        "task_id": task.id,
        "meeting_id": meeting.meeting_id,
        "decision_id": decision.decision_id,
        "obligation_id": 1,
        "user_id": "indiener",
        "deputy_period_id": 1,
        "document_id": 1,
    }


def _run(operation, strategy, headers: list[dict[str, str]], failures: list[str]) -> None:
    @given(case=strategy)
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    def check(case) -> None:
        for header in headers:
            if operation.label in REFUSED_BY_CONTENT:
                response = case.call_and_validate(
                    headers=header, excluded_checks=[positive_data_acceptance]
                )
                if response.status_code == 422:
                    assert response.json()["errors"], response.text
            else:
                case.call_and_validate(headers=header)

    try:
        check()
    except (Exception, BaseExceptionGroup) as error:  # one report for every operation
        failures.append(f"{operation.label}: {error}")


def existing(case: Any, ids: dict[str, Any]) -> Any:
    """The generated request, aimed at things that exist."""
    if case.path_parameters:
        case.path_parameters = {
            name: ids.get(name, value) for name, value in case.path_parameters.items()
        }
    return case


def test_the_api_does_what_its_document_says(
    demo_app: tuple[Flask, dict[str, str], dict[str, Any]],
) -> None:
    app, keys, ids = demo_app
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    headers = [{"Authorization": f"Bearer {token}"} for token in keys.values()]
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 30
    for operation in operations:
        examples = operation.get_strategies_from_examples()
        positive = operation.as_strategy(GenerationMode.POSITIVE)
        strategies = [
            positive,
            operation.as_strategy(GenerationMode.NEGATIVE),
            *examples,
            positive.map(lambda case: existing(case, ids)),
        ]
        _run(operation, st.one_of(strategies), headers, failures)
    assert not failures, "\n\n".join(failures)
