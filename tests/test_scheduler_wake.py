"""The serving scheduler sleeps until the earliest due time and re-arms when earlier work
appears: from this process (after commit) or, on PostgreSQL, from another one (NOTIFY)."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest

from engine import Database, Engine, SystemClock
from engine.scheduling.scheduler import Scheduler
from tests import modelkit as m


def _wait_for(condition, seconds: float = 10.0) -> bool:
    """Wait for another thread to act (bounded); not a timer."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def _planned(scheduler: Scheduler) -> datetime | None:
    job = scheduler._apscheduler.get_job("due")  # type: ignore[union-attr]
    return None if job is None else job.next_run_time


def _serve(engine: Engine) -> tuple[Scheduler, datetime]:
    scheduler = Scheduler(engine, name="waker")
    scheduler.serve(background=True, idle_check=timedelta(hours=1))
    idle_until = datetime.now().astimezone() + timedelta(minutes=30)
    assert _wait_for(lambda: (_planned(scheduler) or idle_until) > idle_until)
    return scheduler, _planned(scheduler)  # type: ignore[return-value]


def _model(engine: Engine) -> None:
    model = m.definitions(m.process("soon", [m.timer_catch("wait", '"PT10M"'), m.user("after")]))
    engine.deploy_files([("soon.bpmn", model)])


def test_new_earlier_work_in_this_process_rearms_the_scheduler(db: Database) -> None:
    engine = Engine(db, clock=SystemClock())
    _model(engine)
    scheduler, idle = _serve(engine)
    try:
        started = datetime.now().astimezone()
        engine.start_case("soon", {})
        expected = started + timedelta(minutes=10)
        assert _wait_for(lambda: _planned(scheduler) < idle)
        assert abs((_planned(scheduler) - expected).total_seconds()) < 5
    finally:
        scheduler.stop()


def test_later_work_leaves_the_plan_alone(db: Database) -> None:
    engine = Engine(db, clock=SystemClock())
    model = m.definitions(m.process("later", [m.timer_catch("wait", '"P2D"'), m.user("after")]))
    engine.deploy_files([("later.bpmn", model)])
    scheduler, idle = _serve(engine)
    try:
        engine.start_case("later", {})
        assert _planned(scheduler) == idle
    finally:
        scheduler.stop()


def test_work_committed_by_another_process_wakes_it_on_postgresql(db: Database) -> None:
    if not db.is_postgresql:
        pytest.skip("NOTIFY is PostgreSQL's; on SQLite web and scheduler share one process")
    engine = Engine(db, clock=SystemClock())
    _model(engine)
    scheduler, idle = _serve(engine)
    other = Engine(Database(db.url), clock=SystemClock())  # a web worker elsewhere
    try:
        assert scheduler.listening.wait(10)
        other.start_case("soon", {})
        assert _wait_for(lambda: _planned(scheduler) < idle)
    finally:
        scheduler.stop()
        other.db.dispose()
