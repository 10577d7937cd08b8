"""Scheduler log hygiene: waking the serving scheduler never fails, so a fired timer is not
logged as "not done", and a listener that finds its `due` job gone re-arms it.

APScheduler drops a date job the moment it starts running it, so while a run is under way (and
on a standby between runs) there is no `due` job to modify. These tests attach a paused
APScheduler (nothing runs by itself) to reproduce that state without threads or sleeping.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from engine import Engine, ManualClock
from engine.scheduling.scheduler import Scheduler
from tests import modelkit as m
from tests.conftest import START


@pytest.fixture
def paused() -> BackgroundScheduler:
    scheduler = BackgroundScheduler()
    scheduler.start(paused=True)
    yield scheduler
    scheduler.shutdown(wait=False)


def _attach(scheduler: Scheduler, aps: BackgroundScheduler, planned: datetime) -> None:
    """The state `serve()` leaves, with the `due` job already taken by APScheduler."""
    scheduler._apscheduler = aps
    scheduler._idle_check = timedelta(hours=6)
    scheduler._planned = planned
    scheduler.engine.db.work_listeners.append(scheduler.wake_if_earlier)


def _noise(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        f"{record.levelname} {record.getMessage()}"
        for record in caplog.records
        if record.name == "stuurboord.scheduler" and record.levelno >= logging.WARNING
    ]


def test_a_fired_timer_is_not_logged_as_not_done(
    engine: Engine, clock: ManualClock, paused: BackgroundScheduler, caplog
) -> None:
    model = m.definitions(
        m.process("twice", [m.timer_catch("first", "PT1H"), m.timer_catch("second", "PT1H"),
                            m.user("after")])
    )  # fmt: skip
    engine.deploy_files([("twice.bpmn", model)])
    engine.start_case("twice", {})
    scheduler = Scheduler(engine)
    # Planned later than the new work: the commit that fires `first` wakes the scheduler.
    _attach(scheduler, paused, datetime.now().astimezone() + timedelta(days=1))
    clock.advance(hours=1, minutes=1)
    with caplog.at_level(logging.INFO, logger="stuurboord.scheduler"):
        scheduler._tick()
    assert _noise(caplog) == []
    assert [e.element_id for e in engine.audit_trail() if e.action == "timer_fired"] == ["first"]
    due = paused.get_job("due")
    assert due is not None  # re-armed for the second timer
    assert due.next_run_time == START + timedelta(hours=2, minutes=1)
    assert scheduler._planned == START + timedelta(hours=2, minutes=1)


def test_work_announced_during_a_run_is_planned_when_the_run_ends(
    engine: Engine, paused: BackgroundScheduler, caplog
) -> None:
    scheduler = Scheduler(engine)
    _attach(scheduler, paused, datetime.now().astimezone() + timedelta(days=1))
    soon = START + timedelta(minutes=20)

    def announce_during_run() -> None:
        scheduler.wake_if_earlier(soon)  # another thread committed work while we ran

    scheduler.run_due = announce_during_run  # type: ignore[method-assign]
    with caplog.at_level(logging.INFO, logger="stuurboord.scheduler"):
        scheduler._tick()
    assert _noise(caplog) == []
    assert paused.get_job("due").next_run_time == soon


def test_the_standby_listener_re_arms_a_due_job_that_is_gone(
    engine: Engine, paused: BackgroundScheduler, caplog
) -> None:
    Scheduler(engine, name="leader").lead()
    standby = Scheduler(engine, name="standby")
    assert standby.lead() is None
    now = datetime.now().astimezone()
    _attach(standby, paused, now + timedelta(hours=1))
    assert paused.get_job("due") is None
    with caplog.at_level(logging.INFO, logger="stuurboord.scheduler"):
        standby.wake_if_earlier(now + timedelta(minutes=10))  # the job is gone: add it
        assert paused.get_job("due").next_run_time == now + timedelta(minutes=10)
        standby.wake_if_earlier(now + timedelta(minutes=5))  # the job is there: move it
        standby.wake_if_earlier(now + timedelta(minutes=30))  # later: leave the plan alone
    assert _noise(caplog) == []
    assert paused.get_job("due").next_run_time == now + timedelta(minutes=5)
    assert len(paused.get_jobs()) == 1


def test_a_listener_that_cannot_re_arm_logs_a_warning_instead_of_failing_the_commit(
    engine: Engine, caplog
) -> None:
    scheduler = Scheduler(engine)
    broken = BackgroundScheduler()  # never started: cannot take jobs
    broken.add_job = broken.modify_job = _refuse  # type: ignore[method-assign]
    _attach(scheduler, broken, datetime.now().astimezone() + timedelta(hours=1))
    with caplog.at_level(logging.INFO, logger="stuurboord.scheduler"):
        scheduler.wake_if_earlier(datetime.now().astimezone())
    assert [r.levelname for r in caplog.records if r.name == "stuurboord.scheduler"] == ["WARNING"]


def _refuse(*args: object, **kwargs: object) -> None:
    raise RuntimeError("scheduler is shutting down")
