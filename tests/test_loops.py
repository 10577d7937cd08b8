"""Long-running cases: loops past the library's 333-pass limit, bounded state, parallel joins."""

from __future__ import annotations

import pytest
from marshmallow import Schema, fields
from sqlalchemy import select

from engine import Engine, Registry
from engine.storage.models import Case
from tests.conftest import BPMN
from tests.helpers import actor


class LoopStart(Schema):
    passes = fields.Integer(required=True)
    limit = fields.Integer(required=True)


class DraftStart(Schema):
    drafts = fields.Integer(required=True)


def _state_size(engine: Engine, case_id: int) -> int:
    with engine.db.read() as session:
        return len(session.execute(select(Case.state_json).where(Case.id == case_id)).scalar_one())


def test_user_task_loop_runs_past_333_passes_with_bounded_state(
    engine: Engine, registry: Registry
) -> None:
    registry.form("loop", "start", LoopStart)
    engine.deploy([BPMN / "loop.bpmn"])
    clerk = actor(engine, "carla", ("clerk", None))
    case = engine.start_case("loop", {"passes": 0, "limit": 400}, clerk)
    sizes = {}
    for n in range(400):
        [task] = engine.tasks_for(clerk)
        engine.complete_task(task.id, {}, clerk)
        if n in (10, 390):
            sizes[n] = _state_size(engine, case.id)
    done = engine.case(case.id)
    assert done.status == "completed"
    assert done.data["passes"] == 400
    assert sizes[390] <= sizes[10] * 1.2, sizes


def test_automatic_loop_of_1000_passes_in_one_step(engine: Engine, registry: Registry) -> None:
    registry.form("auto_loop", "a_start", LoopStart)
    engine.deploy([BPMN / "loop.bpmn"])
    case = engine.start_case("auto_loop", {"passes": 0, "limit": 1000})
    assert case.status == "running"
    assert case.data["passes"] == 1000
    assert [t.element_id for t in engine.case_tasks(case.id)] == ["a_done"]


def test_loop_survives_reload_from_storage(db, clock) -> None:
    """Without the in-process cache every step reloads the pruned state from the database."""
    registry = Registry()
    registry.form("loop", "start", LoopStart)
    first = Engine(db, registry, clock)
    first.deploy([BPMN / "loop.bpmn"])
    clerk = actor(first, "carla", ("clerk", None))
    case = first.start_case("loop", {"passes": 0, "limit": 5}, clerk)
    for _ in range(5):
        first._cases.workflows.clear()
        [task] = first.tasks_for(clerk)
        first.complete_task(task.id, {}, clerk)
    assert first.case(case.id).status == "completed"


@pytest.mark.parametrize("cached", [True, False])
def test_parallel_join_fires_once_after_a_looping_branch(
    engine: Engine, registry: Registry, cached: bool
) -> None:
    registry.form("parallel", "p_start", DraftStart)
    engine.deploy([BPMN / "parallel.bpmn"])
    clerk = actor(engine, "carla", ("clerk", None))
    manager = actor(engine, "mona", ("manager", None))
    case = engine.start_case("parallel", {"drafts": 0}, clerk)
    [sign] = engine.tasks_for(manager)
    engine.complete_task(sign.id, {}, manager)
    # The join waits for the other branch, which loops three times (pruned in between).
    for _ in range(3):
        if not cached:
            engine._cases.workflows.clear()
        [draft] = engine.tasks_for(clerk)
        assert draft.element_id == "draft"
        engine.complete_task(draft.id, {}, clerk)
    [wrap] = engine.tasks_for(clerk)
    assert wrap.element_id == "wrap_up"
    done = engine.complete_task(wrap.id, {}, clerk)
    assert done.status == "completed" and done.data["drafts"] == 3
    elements = [t.element_id for t in engine.case_tasks(case.id)]
    assert elements.count("wrap_up") == 1
