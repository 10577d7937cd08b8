"""Cases and tasks through the facade: start, route by role, complete, validate, refuse."""

from __future__ import annotations

import pytest

from engine import (
    Engine,
    Forbidden,
    NotFound,
    Registry,
    TaskNotActive,
    UnknownProcess,
    ValidationFailed,
)
from tests.conftest import BPMN
from tests.helpers import ApproveForm, IntakeForm, StartForm, actor, snapshot


@pytest.fixture
def review(engine: Engine, registry: Registry) -> Engine:
    registry.form("review", "start", StartForm)
    registry.form("review", "intake", IntakeForm)
    registry.form("review", "approve", ApproveForm)
    engine.deploy([BPMN / "review.bpmn"])
    return engine


def test_case_runs_to_first_user_task_and_routes_by_lane(review: Engine) -> None:
    clerk = actor(review, "carla", ("clerk", None))
    manager = actor(review, "mona", ("manager", None))
    case = review.start_case("review", {"requester": "carla"}, clerk)
    assert case.status == "running"
    assert case.version == 1
    assert case.data == {"requester": "carla"}
    [task] = review.tasks_for(clerk)
    assert (task.element_id, task.role, task.case_id) == ("intake", "clerk", case.id)
    assert review.tasks_for(manager) == []


def test_big_amount_goes_to_manager_and_completes(review: Engine) -> None:
    clerk = actor(review, "carla", ("clerk", None))
    manager = actor(review, "mona", ("manager", None))
    case = review.start_case("review", {"requester": "carla"}, clerk)
    [intake] = review.tasks_for(clerk)
    review.complete_task(intake.id, {"amount": 5000}, clerk)
    [approve] = review.tasks_for(manager)
    assert approve.element_id == "approve"
    assert review.tasks_for(clerk) == []
    done = review.complete_task(approve.id, {"approved": True}, manager)
    assert done.status == "completed"
    assert done.ended_at is not None
    assert done.data["approved"] is True and done.data["amount"] == 5000
    assert review.task(approve.id).completed_by == "mona"
    actions = [e.action for e in review.audit_trail(case.id)]
    assert actions.count("task_completed") == 2
    assert actions[-1] == "case_completed"
    assert review.verify_audit().ok


def test_small_amount_goes_to_the_requester_only(review: Engine) -> None:
    carla = actor(review, "carla", ("clerk", None))
    other_clerk = actor(review, "otto", ("clerk", None))
    review.start_case("review", {"requester": "carla"}, carla)
    [intake] = review.tasks_for(carla)
    review.complete_task(intake.id, {"amount": 10}, carla)
    [archive] = review.tasks_for(carla)
    assert (archive.element_id, archive.assignee) == ("archive", "carla")
    assert review.tasks_for(other_clerk) == []
    with pytest.raises(Forbidden, match="assigned to another user"):
        review.complete_task(archive.id, {}, other_clerk)


def test_task_completion_is_audited_with_changed_fields(review: Engine) -> None:
    clerk = actor(review, "carla", ("clerk", None))
    case = review.start_case("review", {"requester": "carla"}, clerk)
    [intake] = review.tasks_for(clerk)
    review.complete_task(intake.id, {"amount": 7, "note": "ok"}, clerk)
    [entry] = [e for e in review.audit_trail(case.id) if e.action == "task_completed"]
    assert entry.actor == "carla"
    assert entry.task_id == intake.id and entry.element_id == "intake"
    assert entry.changes == {
        "amount": {"before": None, "after": 7},
        "note": {"before": None, "after": "ok"},
    }


def test_inbox_is_one_query_on_task_rows(review: Engine, db) -> None:
    clerk = actor(review, "carla", ("clerk", None))
    for n in range(3):
        review.start_case("review", {"requester": f"r{n}"}, clerk)
    statements: list[str] = []

    from sqlalchemy import event

    def count(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        tasks = review.tasks_for(clerk, role="clerk")
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(tasks) == 3
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1 and "case_task" in selects[0]
    assert "case_instance" not in selects[0]


def test_wrong_role_is_forbidden_and_changes_nothing(review: Engine, db) -> None:
    clerk = actor(review, "carla", ("clerk", None))
    manager = actor(review, "mona", ("manager", None))
    review.start_case("review", {"requester": "carla"}, clerk)
    [intake] = review.tasks_for(clerk)
    before = snapshot(db)
    with pytest.raises(Forbidden, match="needs the role 'clerk'"):
        review.complete_task(intake.id, {"amount": 1}, manager)
    assert snapshot(db) == before


def test_invalid_form_data_lists_every_bad_field_and_changes_nothing(review: Engine, db) -> None:
    clerk = actor(review, "carla", ("clerk", None))
    review.start_case("review", {"requester": "carla"}, clerk)
    [intake] = review.tasks_for(clerk)
    before = snapshot(db)
    with pytest.raises(ValidationFailed) as caught:
        review.complete_task(intake.id, {"amount": "lots", "note": "x" * 201, "extra": 1}, clerk)
    assert set(caught.value.errors) == {"amount", "note", "extra"}
    assert caught.value.code == "VALIDATION_FAILED"
    with pytest.raises(ValidationFailed, match="JSON object"):
        review.complete_task(intake.id, ["amount", 1], clerk)
    assert snapshot(db) == before


def test_completed_task_is_not_active(review: Engine, db) -> None:
    clerk = actor(review, "carla", ("clerk", None))
    review.start_case("review", {"requester": "carla"}, clerk)
    [intake] = review.tasks_for(clerk)
    review.complete_task(intake.id, {"amount": 5000}, clerk)
    before = snapshot(db)
    with pytest.raises(TaskNotActive, match="completed"):
        review.complete_task(intake.id, {"amount": 1}, clerk)
    assert snapshot(db) == before


def test_lists_read_only_the_data_keys_asked_for(review: Engine) -> None:
    clerk = actor(review, "carla", ("clerk", None))
    case = review.start_case("review", {"requester": "carla"}, clerk)
    [intake] = review.tasks_for(clerk)
    review.complete_task(intake.id, {"amount": 5000}, clerk)
    other = review.start_case("review", {"requester": "carla"}, clerk)
    full = review.cases([case.id])[case.id]
    assert full.data["amount"] == 5000 and full.data["requester"] == "carla"
    light = review.cases([case.id, other.id], data_keys=("amount", "missing"))
    assert light[case.id].data == {"amount": 5000}
    assert light[other.id].data == {}
    assert light[case.id].title == full.title and light[case.id].status == full.status
    [listed_other, listed] = review.list_cases(process_id="review", data_keys=("requester",))
    assert (listed.id, listed.data) == (case.id, {"requester": "carla"})
    assert (listed_other.id, listed_other.data) == (other.id, {"requester": "carla"})
    assert review.list_cases(process_id="review")[1].data == full.data
    assert review.task(intake.id).completed_by == "carla"


def test_unknown_ids(review: Engine, db) -> None:
    clerk = actor(review, "carla", ("clerk", None))
    before = snapshot(db)
    with pytest.raises(NotFound, match="task nope not found"):
        review.complete_task("nope", {}, clerk)
    with pytest.raises(NotFound):
        review.complete_task("x" * 10_000, {}, clerk)
    with pytest.raises(NotFound, match="case 999 not found"):
        review.case(999)
    with pytest.raises(UnknownProcess, match="'nothing'"):
        review.start_case("nothing", {}, clerk)
    with pytest.raises(NotFound, match="user ghost"):
        review.actor("ghost")
    assert snapshot(db) == before


def test_start_needs_the_start_lane_role_and_valid_data(review: Engine, db) -> None:
    manager = actor(review, "mona", ("manager", None))
    clerk = actor(review, "carla", ("clerk", None))
    before = snapshot(db)
    with pytest.raises(Forbidden, match="needs the role 'clerk'"):
        review.start_case("review", {"requester": "mona"}, manager)
    with pytest.raises(ValidationFailed) as caught:
        review.start_case("review", {}, clerk)
    assert "requester" in caught.value.errors
    assert snapshot(db) == before


def test_claim_and_unclaim(review: Engine) -> None:
    carla = actor(review, "carla", ("clerk", None))
    otto = actor(review, "otto", ("clerk", None))
    review.start_case("review", {"requester": "carla"}, carla)
    [intake] = review.tasks_for(carla)
    assert review.claim(intake.id, carla).claimed_by == "carla"
    from engine import TaskConflict

    with pytest.raises(TaskConflict, match="claimed by carla"):
        review.claim(intake.id, otto)
    with pytest.raises(TaskConflict, match="claimed by carla"):
        review.complete_task(intake.id, {"amount": 1}, otto)
    with pytest.raises(Forbidden, match="claimed by carla"):
        review.unclaim(intake.id, otto)
    assert review.unclaim(intake.id, carla).claimed_by is None
    review.complete_task(intake.id, {"amount": 1}, otto)
    actions = [e.action for e in review.audit_trail()]
    assert actions.count("task_claimed") == 1 and actions.count("task_unclaimed") == 1


def test_scoped_role_grants(engine: Engine, registry: Registry) -> None:
    from marshmallow import Schema, fields

    from tests import modelkit as m

    class GroupStart(Schema):
        group = fields.String(required=True)

    model = m.definitions(m.process("scoped", [m.user("review_wg", properties={"scope": "group"})]))
    registry.form("scoped", "scoped_start", GroupStart)
    engine.deploy_files([("scoped.bpmn", model)])
    anyone = actor(engine, "secretary", ("clerk", None))
    wg1 = actor(engine, "wg1chair", ("clerk", "wg-1"))
    engine.start_case("scoped", {"group": "wg-1"}, anyone)
    engine.start_case("scoped", {"group": "wg-2"}, anyone)
    assert sorted(t.scope for t in engine.tasks_for(anyone)) == ["wg-1", "wg-2"]
    [mine] = engine.tasks_for(wg1)
    assert mine.scope == "wg-1"
    [other] = [t for t in engine.tasks_for(anyone) if t.scope == "wg-2"]
    with pytest.raises(Forbidden, match="'clerk' for wg-2"):
        engine.complete_task(other.id, {}, wg1)
    engine.complete_task(mine.id, {}, wg1)
