"""Every accepted model starts: an abstract task passes straight on, a task nobody could do is
refused at deploy, and an error at start is never a raw database error."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError

from engine import DeployError, Engine
from engine.cli import database_message
from engine.model.parsing import parse_models
from tests.conftest import BPMN
from tests.helpers import actor, snapshot


def _line_of(name: str, needle: str) -> int:
    lines = (BPMN / name).read_text().splitlines()
    return next(n for n, line in enumerate(lines, start=1) if needle in line)


def test_an_abstract_task_outside_any_lane_passes_straight_on(engine: Engine) -> None:
    engine.deploy([BPMN / "abstract_task.bpmn"])
    case = engine.start_case("abstract", {})
    assert case.status == "completed"
    assert case.data == {"prepared": True}
    assert engine.case_tasks(case.id) == []
    assert "prepare" in engine.diagram_state(case.id).completed


def test_an_abstract_task_in_a_lane_passes_and_the_user_task_after_it_waits(
    engine: Engine,
) -> None:
    engine.deploy([BPMN / "abstract_in_lane.bpmn"])
    clerk = actor(engine, "carla", ("clerk", None))
    case = engine.start_case("abstract_lane", {})
    [write] = engine.case_tasks(case.id)
    assert (write.element_id, write.role) == ("write", "clerk")
    assert "think" in engine.diagram_state(case.id).completed
    engine.complete_task(write.id, {}, clerk)
    approve = next(t for t in engine.case_tasks(case.id) if t.state == "ready")
    # No lane, but a role property: that is the role.
    assert (approve.element_id, approve.lane, approve.role) == ("approve", None, "manager")


def test_a_user_task_without_lane_or_role_is_refused_at_deploy(engine: Engine) -> None:
    path = BPMN / "user_task_no_role.bpmn"
    before = snapshot(engine.db)
    with pytest.raises(DeployError) as info:
        engine.deploy_files([(path.name, path.read_bytes())])
    error = info.value
    assert (error.file, error.line, error.element) == (
        path.name,
        _line_of(path.name, 'id="decide"'),
        "decide",
    )
    assert error.message.endswith(
        "user task 'decide' is not in a lane; put it in the lane of the role that does it "
        "(or give it a 'role' property)"
    )
    assert snapshot(engine.db) == before


def test_a_roleless_human_task_at_run_time_is_an_incident_not_a_database_error(
    engine: Engine, monkeypatch
) -> None:
    """Models deployed before the deploy check existed can still reach a task without a role."""
    from engine.model import modelcheck

    monkeypatch.setattr(modelcheck, "_check_lane", lambda *args: iter(()))
    engine.deploy([BPMN / "user_task_no_role.bpmn"])
    case = engine.start_case("no_role", {})
    assert case.status == "incident"
    assert engine.case_tasks(case.id) == []
    [incident] = [i for i in engine.incidents() if i.case_id == case.id]
    assert (incident.element_id, incident.error_type) == ("decide", "NoRole")
    assert "task 'decide' has no role" in incident.message


def test_the_abstract_task_survives_storing_and_loading_its_spec() -> None:
    from engine.running.abstract_task import AbstractTask
    from engine.running.serialization import specs_from_json, specs_to_json

    parsed = parse_models([("a.bpmn", (BPMN / "abstract_task.bpmn").read_bytes())])
    process = parsed.processes["abstract"]
    spec, _subs = specs_from_json(specs_to_json(process.spec, process.subprocess_specs))
    prepare = spec.task_specs["prepare"]
    assert isinstance(prepare, AbstractTask)
    assert prepare.manual is False


def test_the_cli_names_a_refused_write_without_blaming_the_schema() -> None:
    refused = IntegrityError(
        "INSERT INTO case_task ...", {}, Exception("NOT NULL constraint failed: case_task.role")
    )
    message = database_message(refused)
    assert message == (
        "the database refused the change, nothing was stored: "
        "NOT NULL constraint failed: case_task.role"
    )
    assert "db upgrade" not in message
    missing = OperationalError("SELECT 1", {}, Exception("no such table: case_task"))
    assert database_message(missing) == (
        "database: no such table: case_task (did you run `stuurboord db upgrade`?)"
    )
    other = OperationalError("SELECT 1", {}, Exception("database is locked"))
    assert database_message(other) == "database: database is locked"
