"""Completing a task locks its case first: refusals change nothing, and the workflow comes from
this process's cache, from the stored state the claim brings, or from a second read when the
cached one went missing between the hint and the claim."""

from __future__ import annotations

import pytest

from engine import (
    Database,
    Engine,
    Forbidden,
    ManualClock,
    NotFound,
    TaskConflict,
    TaskNotActive,
    ValidationFailed,
)
from tests.conftest import BPMN
from tests.helpers import actor, review_registry, snapshot


@pytest.fixture
def review(db: Database, clock: ManualClock) -> Engine:
    engine = Engine(db, review_registry(), clock)
    engine.deploy([BPMN / "review.bpmn"])
    return engine


def _intake(engine: Engine) -> tuple[int, str]:
    carla = actor(engine, "carla", ("clerk", None))
    case = engine.start_case("review", {"requester": "carla"}, carla)
    [intake] = engine.tasks_for(carla)
    return case.id, intake.id


@pytest.mark.parametrize(
    ("who", "data", "error"),
    [
        ("mona", {"amount": 10}, Forbidden),  # the intake is the clerk's
        ("carla", {"amount": -1}, ValidationFailed),  # out of range
        ("carla", {"amount": 10, "unknown": 1}, ValidationFailed),
    ],
)
def test_a_refused_completion_changes_nothing_and_keeps_the_cached_workflow(
    review: Engine, who: str, data: dict, error: type[Exception]
) -> None:
    case_id, intake = _intake(review)
    actor(review, "mona", ("manager", None))
    before = snapshot(review.db)
    with pytest.raises(error):
        review.complete_task(intake, data, review.actor(who))
    assert snapshot(review.db) == before  # the revision bump rolled back too
    assert review._cases.workflows.hint(intake) == (case_id, 1)
    done = review.complete_task(intake, {"amount": 10}, review.actor("carla"))
    assert done.status == "running"


def test_unknown_task_is_not_found_and_changes_nothing(review: Engine) -> None:
    _intake(review)
    before = snapshot(review.db)
    with pytest.raises(NotFound):
        review.complete_task("00000000-0000-0000-0000-000000000000", {}, review.actor("carla"))
    assert snapshot(review.db) == before


def test_a_task_completed_by_someone_else_is_a_conflict_by_yourself_not_active(
    review: Engine,
) -> None:
    _, intake = _intake(review)
    otto = actor(review, "otto", ("clerk", None))
    review.complete_task(intake, {"amount": 10}, review.actor("carla"))
    before = snapshot(review.db)
    with pytest.raises(TaskConflict, match="completed by someone else"):
        review.complete_task(intake, {"amount": 20}, otto)
    with pytest.raises(TaskNotActive, match="is completed, not ready"):
        review.complete_task(intake, {"amount": 20}, review.actor("carla"))
    assert snapshot(review.db) == before


@pytest.mark.parametrize("cache", ["warm", "cold", "taken-after-the-hint", "stale"])
def test_every_way_to_the_workflow_gives_the_same_case(
    review: Engine, db: Database, clock: ManualClock, cache: str
) -> None:
    """Warm: the cached workflow; cold: the stored state the claim brings; taken after the hint:
    the claim expected the cache and brought no state, so it is read again; stale: another
    worker moved the case on, so this one's cached revision is old and the claim brings the
    state."""
    case_id, intake = _intake(review)
    carla, mona = review.actor("carla"), actor(review, "mona", ("manager", None))
    cases = review._cases
    if cache == "cold":
        cases.workflows.clear()
    elif cache == "taken-after-the-hint":
        hint = cases.workflows.hint

        def hint_then_lose(task_id: str) -> tuple[int, int] | None:
            found = hint(task_id)
            assert found == (case_id, 1)
            cases.workflows.take(case_id, -1)  # as a failing step in another thread would
            cases.workflows.hint = hint  # type: ignore[method-assign]
            return found

        cases.workflows.hint = hint_then_lose  # type: ignore[method-assign]
    elif cache == "stale":
        other = Engine(Database(db.url), review_registry(), clock)
        other.complete_task(intake, {"amount": 5000}, carla)
        [intake] = [t.id for t in other.tasks_for(mona)]
        other.db.dispose()
        carla = mona
    data = {"approved": True} if cache == "stale" else {"amount": 5000}
    done = review.complete_task(intake, data, carla)
    assert done.data["amount"] == 5000
    if cache == "stale":
        assert done.status == "completed" and done.data["approved"] is True
    else:
        [approve] = review.tasks_for(mona)
        assert review.complete_task(approve.id, {"approved": True}, mona).status == "completed"
    assert review.verify_audit().ok
