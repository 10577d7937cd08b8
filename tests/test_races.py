"""Forced races: two workers complete the same task at the same moment."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from engine import Database, Engine, Hooks, ManualClock, TaskConflict, TaskNotActive
from engine.storage.models import AuditEntry, CaseTask
from tests.conftest import BPMN
from tests.helpers import actor, review_registry


def _worker(db: Database, clock: ManualClock, hooks: Hooks) -> Engine:
    """A second engine on the same database: its own connection pool and caches."""
    return Engine(Database(db.url), review_registry(), clock, hooks)


def _run_both(calls: list[Callable[[], object]]) -> list[object]:
    results: list[object] = [None] * len(calls)

    def run(index: int) -> None:
        try:
            results[index] = calls[index]()
        except Exception as error:
            results[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.parametrize("same_user", [True, False], ids=["same-user", "two-users"])
def test_two_completions_exactly_one_wins(
    db: Database, clock: ManualClock, same_user: bool
) -> None:
    both_loaded = threading.Barrier(2, timeout=30)
    hooks = Hooks({"before_claim": lambda **_: both_loaded.wait()})
    first, second = _worker(db, clock, hooks), _worker(db, clock, hooks)
    setup = Engine(db, review_registry(), clock)
    setup.deploy([BPMN / "review.bpmn"])
    carla = actor(setup, "carla", ("clerk", None))
    otto = carla if same_user else actor(setup, "otto", ("clerk", None))
    case = setup.start_case("review", {"requester": "carla"}, carla)
    [intake] = setup.tasks_for(carla)

    results = _run_both(
        [
            lambda: first.complete_task(intake.id, {"amount": 5000}, carla),
            lambda: second.complete_task(intake.id, {"amount": 10}, otto),
        ]
    )

    # The loser waits for the winner's commit, then finds the task completed: by someone else
    # (a conflict) or by the same user a moment ago (a double submission: no longer ready).
    lost = TaskConflict if not same_user else TaskNotActive
    losses = [r for r in results if isinstance(r, lost)]
    wins = [r for r in results if not isinstance(r, Exception)]
    assert len(wins) == 1 and len(losses) == 1, results
    assert losses[0].code == ("TASK_NOT_ACTIVE" if same_user else "TASK_CONFLICT")
    with db.read() as session:
        completed = session.query(AuditEntry).filter_by(action="task_completed").count()
        next_tasks = session.query(CaseTask).filter_by(case_id=case.id, state="ready").all()
    assert completed == 1
    # The winner's data decided the branch, exactly once.
    assert len(next_tasks) == 1
    assert next_tasks[0].element_id in ("approve", "archive")
    assert setup.verify_audit().ok
    for worker in (first, second, setup):
        worker.db.dispose()


def test_loser_can_see_the_winner_and_stored_state_is_the_winners(
    db: Database, clock: ManualClock
) -> None:
    both_loaded = threading.Barrier(2, timeout=30)
    hooks = Hooks({"before_claim": lambda **_: both_loaded.wait()})
    first, second = _worker(db, clock, hooks), _worker(db, clock, hooks)
    setup = Engine(db, review_registry(), clock)
    setup.deploy([BPMN / "review.bpmn"])
    carla = actor(setup, "carla", ("clerk", None))
    case = setup.start_case("review", {"requester": "carla"}, carla)
    [intake] = setup.tasks_for(carla)
    results = _run_both(
        [
            lambda: first.complete_task(intake.id, {"amount": 5000, "note": "first"}, carla),
            lambda: second.complete_task(intake.id, {"amount": 5000, "note": "second"}, carla),
        ]
    )
    winner_note = "first" if not isinstance(results[0], Exception) else "second"
    stored = setup.case(case.id)
    assert stored.data["note"] == winner_note
    assert stored.status == "running"
    # Both workers keep working after the race: the loser's cache was not poisoned.
    hooks.points.clear()
    manager = actor(setup, "mona", ("manager", None))
    [approve] = setup.tasks_for(manager)
    done = second.complete_task(approve.id, {"approved": True}, manager)
    assert done.status == "completed"
    for worker in (first, second, setup):
        worker.db.dispose()
