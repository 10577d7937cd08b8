"""Form checks against stored records (`Registry.form_check`) and the data a task was last
completed with (`Engine.last_submission`), on the engine alone."""

from __future__ import annotations

from typing import Any

import pytest
from marshmallow import Schema, fields
from sqlalchemy.orm import Session

from engine import Engine, FormInput, Registry, ValidationFailed
from tests.conftest import BPMN
from tests.helpers import actor


class LoopStart(Schema):
    passes = fields.Integer(required=True)
    limit = fields.Integer(required=True)


class WorkForm(Schema):
    colour = fields.String(load_default="")
    sizes = fields.List(fields.Integer(), load_default=list)


@pytest.fixture
def loop(engine: Engine, registry: Registry) -> Engine:
    registry.form("loop", "start", LoopStart)
    registry.form("loop", "work", WorkForm)
    engine.deploy([BPMN / "loop.bpmn"])
    return engine


def test_a_form_check_refuses_before_anything_is_stored(loop: Engine, registry: Registry) -> None:
    seen: list[FormInput] = []

    def no_green(session: Session, form: FormInput) -> dict[str, Any]:
        seen.append(form)
        assert isinstance(session, Session)
        return {"colour": ["Not green."]} if form.data.get("colour") == "green" else {}

    registry.form_check(no_green)
    clerk = actor(loop, "carla", ("clerk", None))
    case = loop.start_case("loop", {"passes": 0, "limit": 3}, clerk)
    assert (seen[0].element_id, seen[0].case_id) == ("start", None)
    [task] = loop.tasks_for(clerk)
    trail = len(loop.audit_trail(case.id))
    with pytest.raises(ValidationFailed) as refused:
        loop.complete_task(task.id, {"colour": "green"}, clerk)
    assert refused.value.errors == {"colour": ["Not green."]}
    assert seen[-1] == FormInput(
        "loop", "work", case.id, {"colour": "green", "sizes": []}, WorkForm
    )
    assert loop.task(task.id).state == "ready"
    assert len(loop.audit_trail(case.id)) == trail
    assert loop.last_submission(case.id, "work") is None
    loop.complete_task(task.id, {"colour": "blue"}, clerk)
    assert loop.task(task.id).state == "completed"


def test_the_task_coming_back_finds_what_it_was_last_completed_with(loop: Engine) -> None:
    clerk = actor(loop, "carla", ("clerk", None))
    case = loop.start_case("loop", {"passes": 0, "limit": 3}, clerk)
    assert loop.last_submission(case.id, "work") is None
    [first] = loop.tasks_for(clerk)
    loop.complete_task(first.id, {"colour": "blue", "sizes": [3, 4]}, clerk)
    [second] = loop.tasks_for(clerk)
    assert second.id != first.id and second.element_id == "work"
    assert loop.last_submission(case.id, "work") == {"colour": "blue", "sizes": [3, 4]}
    loop.complete_task(second.id, {"colour": "red"}, clerk)
    assert loop.last_submission(case.id, "work") == {"colour": "red", "sizes": []}
    assert loop.last_submission(case.id, "start") is None
    other = loop.start_case("loop", {"passes": 0, "limit": 3}, clerk)
    assert loop.last_submission(other.id, "work") is None


def test_a_form_check_reads_committed_records_and_its_error_passes_through(
    loop: Engine, registry: Registry
) -> None:
    """The checks run on a snapshot connection (PostgreSQL: autocommit, no transaction of
    their own; on completion the connection that read the task): ORM reads there see the
    committed rows, and an exception in a check reaches the caller before anything is stored."""
    from sqlalchemy import select

    from engine.storage.models import Case, CaseTask

    seen: list[tuple[str, int, str]] = []  # case status, revision, its tasks' states

    def reads(session: Session, form: FormInput) -> dict[str, Any]:
        if form.case_id is None:
            return {}
        case = session.get(Case, form.case_id)
        assert case is not None
        states = session.execute(
            select(CaseTask.state).where(CaseTask.case_id == form.case_id)
        ).scalars()
        seen.append((case.status, case.revision, ",".join(sorted(states))))
        if form.data.get("colour") == "boom":
            raise RuntimeError("check broke")
        return {}

    registry.form_check(reads)
    clerk = actor(loop, "carla", ("clerk", None))
    loop.start_case("loop", {"passes": 0, "limit": 3}, clerk)
    [task] = loop.tasks_for(clerk)
    with pytest.raises(RuntimeError, match="check broke"):
        loop.complete_task(task.id, {"colour": "boom"}, clerk)
    assert [(status, states) for status, _, states in seen] == [("running", "ready")]
    assert loop.task(task.id).state == "ready"
    loop.complete_task(task.id, {"colour": "blue"}, clerk)
    assert seen[-1] == seen[0]
    [again] = loop.tasks_for(clerk)
    loop.complete_task(again.id, {"colour": "red"}, clerk)
    assert seen[-1][2] == "completed,ready"
