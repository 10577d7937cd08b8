"""Versioned deploys: content-hashed, all or nothing, running cases keep their version."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine import DeployError, Engine
from engine.storage.models import Case, ProcessVersion
from tests import modelkit as m
from tests.conftest import BPMN
from tests.helpers import IntakeForm, StartForm, actor, snapshot

REVIEW = (BPMN / "review.bpmn").read_bytes()


def test_identical_deploy_is_a_no_op(engine: Engine) -> None:
    [first] = engine.deploy([BPMN / "review.bpmn"])
    trail = len(engine.audit_trail())
    [again] = engine.deploy([BPMN / "review.bpmn"])
    assert (first.version, first.created) == (1, True)
    assert (again.version, again.created) == (1, False)
    assert len(engine.audit_trail()) == trail
    assert len(engine.versions("review")) == 1


def test_changed_content_is_a_new_version_and_running_cases_keep_theirs(
    engine: Engine, registry
) -> None:
    registry.form("review", "start", StartForm)
    registry.form("review", "intake", IntakeForm)
    engine.deploy_files([("review.bpmn", REVIEW)])
    clerk = actor(engine, "carla", ("clerk", None))
    old_case = engine.start_case("review", {"requester": "carla"}, clerk)
    # Version 2 renames the intake task and drops the manager branch's condition.
    changed = REVIEW.replace(b'name="Intake"', b'name="Intake v2"').replace(
        b"amount &gt; 1000", b"amount &gt; 10"
    )
    [v2] = engine.deploy_files([("review.bpmn", changed)])
    assert (v2.version, v2.created) == (2, True)
    new_case = engine.start_case("review", {"requester": "carla"}, clerk)
    assert (old_case.version, engine.case(new_case.id).version) == (1, 2)
    tasks = {t.case_id: t for t in engine.tasks_for(clerk)}
    assert tasks[old_case.id].name == "Intake" and tasks[new_case.id].name == "Intake v2"
    # amount 500: v1 archives it (limit 1000); v2 sends it to the manager (limit 10).
    engine.complete_task(tasks[old_case.id].id, {"amount": 500}, clerk)
    engine.complete_task(tasks[new_case.id].id, {"amount": 500}, clerk)
    assert [t.element_id for t in engine.case_tasks(old_case.id)][-1] == "archive"
    assert [t.element_id for t in engine.case_tasks(new_case.id)][-1] == "approve"
    # Reverting to the first content is a change too: version 3.
    [v3] = engine.deploy_files([("review.bpmn", REVIEW)])
    assert (v3.version, v3.created) == (3, True)


def test_specs_are_stored_once_per_version_not_per_case(engine: Engine) -> None:
    engine.deploy([BPMN / "review.bpmn"])
    for _ in range(3):
        engine.start_case("review", {})
    with engine.db.read() as session:
        assert session.execute(select(func.count()).select_from(ProcessVersion)).scalar_one() == 1
        states = session.execute(select(Case.state_json)).scalars().all()
    assert len(states) == 3
    assert all('"spec"' not in state and "subprocess_specs" not in state for state in states)


def test_a_bad_file_in_a_batch_deploys_nothing(engine: Engine, db) -> None:
    engine.deploy([BPMN / "review.bpmn"])
    before = snapshot(db)
    good = m.definitions(m.process("fresh", [m.user("x")]))
    bad = m.definitions(m.process("broken", [m.script("oops", "x = (")]))
    with pytest.raises(DeployError) as caught:
        engine.deploy_files([("fresh.bpmn", good), ("broken.bpmn", bad)])
    assert "broken.bpmn" in str(caught.value) and "oops" in str(caught.value)
    assert snapshot(db) == before


def test_deploy_of_missing_path_names_it(engine: Engine, tmp_path) -> None:
    with pytest.raises(DeployError, match="no such file or folder"):
        engine.deploy([tmp_path / "nope.bpmn"])
    with pytest.raises(DeployError, match=r"no \.bpmn or \.dmn files"):
        engine.deploy([tmp_path])


def test_every_problem_of_a_model_is_reported_each_on_its_element(engine: Engine, db) -> None:
    before = snapshot(db)
    model = m.definitions(
        m.process("two_faults", [m.script("oops", "x = ("), m.timer_catch("wait", '"P1X"')])
    )
    with pytest.raises(DeployError) as caught:
        engine.deploy_files([("two_faults.bpmn", model)])
    error = caught.value
    assert (error.file, error.element) == ("two_faults.bpmn", "oops")  # the first, as before
    assert "syntax error" in str(error)
    assert [(p.file, p.element) for p in error.problems] == [
        ("two_faults.bpmn", "oops"),
        ("two_faults.bpmn", "wait"),
    ]
    assert all(p.line for p in error.problems)
    assert "timer on 'wait'" in error.problems[1].detail
    assert snapshot(db) == before  # nothing stored


def test_a_single_problem_lists_itself() -> None:
    error = DeployError("broken", file="f.bpmn", line=3, element="x")
    assert error.problems == [error]
