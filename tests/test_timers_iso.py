"""Standard timers: plain ISO-8601 text deploys and fires; bad values are refused at deploy
(fast, naming the element) or, computed at run time, become an incident; a cycle that missed
occurrences while the scheduler was down fires once, then keeps its schedule."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from engine import DeployError, Engine, ManualClock
from engine.model.parsing import parse_models
from engine.scheduling.scheduler import Scheduler
from engine.storage.models import ScheduledJob
from tests.conftest import BPMN, START
from tests.helpers import actor


def _model(name: str, **fill: str) -> bytes:
    text = (BPMN / name).read_text()
    for placeholder, value in fill.items():
        text = text.replace(placeholder, value)
    return text.encode()


def _wait_model(kind: str, timer: str) -> bytes:
    return _model("timer_wait.bpmn", KIND=kind, TIMER=timer)


def _computed_model(kind: str, value: object) -> bytes:
    return _model("timer_computed.bpmn", KIND=kind, VALUE=repr(value))


def _line_of(content: bytes, needle: str) -> int:
    lines = content.decode().splitlines()
    return next(n for n, line in enumerate(lines, start=1) if needle in line)


def _pending_timers(engine: Engine) -> list[tuple[str, datetime]]:
    with engine.db.read() as session:
        rows = session.execute(
            select(ScheduledJob.element_id, ScheduledJob.due_at)
            .where(ScheduledJob.kind == "timer", ScheduledJob.status == "pending")
            .order_by(ScheduledJob.due_at)
        ).all()
    return [(row.element_id, row.due_at.astimezone(UTC)) for row in rows]


def _fired(engine: Engine, element_id: str) -> int:
    return sum(
        1
        for entry in engine.audit_trail()
        if entry.action == "timer_fired" and entry.element_id == element_id
    )


# -- plain ISO text deploys and fires ---------------------------------------------------------


def test_plain_iso_duration_date_and_cycle_deploy_and_fire(
    engine: Engine, clock: ManualClock
) -> None:
    engine.deploy_files([("timer_plain.bpmn", _model("timer_plain.bpmn"))])
    clerk = actor(engine, "carla", ("clerk", None))
    case = engine.start_case("timer_plain", {})
    assert _pending_timers(engine) == [("two_hours", START + timedelta(hours=2))]
    scheduler = Scheduler(engine)

    clock.advance(hours=2)
    assert scheduler.run_due().fired == 1
    christmas = datetime(2026, 12, 24, 9, 0, tzinfo=UTC)  # 10:00 at +01:00
    assert _pending_timers(engine) == [("christmas", christmas)]

    clock.set(christmas + timedelta(minutes=1))  # the scheduler runs a minute late
    assert scheduler.run_due().fired == 1
    [work] = engine.case_tasks(case.id)
    assert work.element_id == "work"
    started = christmas + timedelta(minutes=1)  # the cycle counts from when the task began
    assert _pending_timers(engine) == [("hourly", started + timedelta(hours=1))]

    clock.advance(hours=1)
    assert scheduler.run_due().fired == 1
    assert _fired(engine, "hourly") == 1
    assert _pending_timers(engine) == [("hourly", started + timedelta(hours=2))]

    assert engine.complete_task(work.id, {}, clerk).status == "completed"
    assert _pending_timers(engine) == []


def test_a_plain_timer_is_stored_as_the_string_it_stands_for() -> None:
    parsed = parse_models([("timer_plain.bpmn", _model("timer_plain.bpmn"))])
    spec = parsed.processes["timer_plain"].spec
    expressions = {
        name: spec.task_specs[name].event_definition.expression
        for name in ("two_hours", "christmas")
    }
    assert expressions == {"two_hours": "'PT2H'", "christmas": "'2026-12-24T10:00:00+01:00'"}
    # The source as uploaded is kept as it was written.
    assert "<bpmn:timeDuration>PT2H</bpmn:timeDuration>" in parsed.sources["timer_plain.bpmn"]


@pytest.mark.parametrize(
    ("kind", "timer"),
    [
        ("timeDuration", "PT2H"),
        ("timeDuration", " P1D "),
        ("timeDuration", "P1Y2M10DT2H30M"),
        ("timeDuration", "P100Y"),
        ("timeDuration", '"PT2H"'),
        ("timeDuration", "wait_for"),
        ("timeDate", "2026-12-24T10:00:00+01:00"),
        ("timeDate", "2026-12-24T10:00:00Z"),
        ("timeCycle", "R3/PT1H"),
        ("timeCycle", "R/PT1H"),
        ("timeCycle", "R/PT1M"),
        ("timeCycle", "R/2026-12-24T10:00:00Z/P1D"),
        ("timeCycle", "'R/PT1H'"),
    ],
)
def test_standard_timers_are_accepted(kind: str, timer: str) -> None:
    assert set(parse_models([("t.bpmn", _wait_model(kind, timer))]).processes) == {"timer_wait"}


# -- bad timers are refused at deploy, fast, naming the element -------------------------------


@pytest.mark.parametrize(
    ("kind", "timer", "reason"),
    [
        ("timeDuration", "-PT1H", "'-PT1H' is a negative duration"),
        ("timeDuration", "'-PT1H'", "'-PT1H' is a negative duration"),
        ("timeDuration", '"-PT1H"', "'-PT1H' is a negative duration"),
        ("timeDuration", "P9999Y", "'P9999Y' is more than 100 years"),
        ("timeDuration", "'P9999Y'", "'P9999Y' is more than 100 years"),
        ("timeDuration", "P99999999999Y", "'P99999999999Y' is more than 100 years"),
        ("timeDuration", "'P99999999999Y'", "'P99999999999Y' is more than 100 years"),
        ("timeDuration", "P36525D", "'P36525D' is more than 100 years"),
        ("timeDuration", "PT1X", "'PT1X' is not a valid ISO-8601 duration"),
        ("timeDuration", "'P1.5YT1H'", "'P1.5YT1H' is not a valid ISO-8601 duration"),
        ("timeDate", "9999-12-31T23:00:00Z", "is more than 100 years from now"),
        ("timeDate", "'2026-02-30T10:00:00Z'", "is not a valid ISO-8601 date and time"),
        ("timeCycle", "R/PT1S", "the shortest cycle allowed is 60 seconds"),
        ("timeCycle", "'R/PT1S'", "the shortest cycle allowed is 60 seconds"),
        ("timeCycle", "R5/PT59S", "the shortest cycle allowed is 60 seconds"),
        ("timeCycle", "R/PT0S", "repeats with a zero interval"),
        ("timeCycle", "R3/-PT1H", "'-PT1H' is a negative duration"),
        ("timeCycle", "R/P9999Y", "'P9999Y' is more than 100 years"),
        ("timeCycle", "R/P99999999999Y", "'P99999999999Y' is more than 100 years"),
        ("timeCycle", "R/9999-01-01T00:00:00Z/P1D", "is more than 100 years from now"),
        ("timeCycle", "R/PT1H/PT2H", "is not a valid ISO-8601 repeating interval"),
        ("timeCycle", "R/PT1.5H30M", "in the cycle 'R/PT1.5H30M': 'PT1.5H30M' is not a valid"),
    ],
)
def test_bad_timers_are_refused_at_deploy_fast_naming_the_element(
    kind: str, timer: str, reason: str
) -> None:
    content = _wait_model(kind, timer)
    started = time.monotonic()
    with pytest.raises(DeployError) as info:
        parse_models([("timer_wait.bpmn", content)])
    elapsed = time.monotonic() - started
    assert elapsed < 1.0, f"deploy took {elapsed:.2f} s"
    error = info.value
    assert (error.file, error.line, error.element) == (
        "timer_wait.bpmn",
        _line_of(content, 'id="wait"'),
        "wait",
    )
    assert error.message.split(": ", 1)[1].startswith("timer on 'wait': ")
    assert reason in error.message


def test_a_refused_timer_stores_nothing(engine: Engine) -> None:
    with pytest.raises(DeployError):
        engine.deploy_files([("t.bpmn", _wait_model("timeDuration", "P99999999999Y"))])
    assert engine.versions() == []


def test_the_shortest_cycle_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    half_hourly = [("t.bpmn", _wait_model("timeCycle", "R/PT30M"))]
    monkeypatch.setenv("STUURBOORD_MIN_TIMER_CYCLE_SECONDS", "3600")
    with pytest.raises(DeployError) as info:
        parse_models(half_hourly)
    assert "the shortest cycle allowed is 3600 seconds" in info.value.message
    monkeypatch.setenv("STUURBOORD_MIN_TIMER_CYCLE_SECONDS", "1")
    assert set(parse_models([("t.bpmn", _wait_model("timeCycle", "R/PT1S"))]).processes)
    monkeypatch.setenv("STUURBOORD_MIN_TIMER_CYCLE_SECONDS", "soon")
    with pytest.raises(ValueError, match="must be a whole number of seconds"):
        parse_models(half_hourly)


# -- values computed at run time ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "value", "reason"),
    [
        ("timeDuration", "-PT1H", "'-PT1H' is a negative duration"),
        ("timeDuration", "P9999Y", "'P9999Y' is more than 100 years"),
        ("timeDuration", "P99999999999Y", "'P99999999999Y' is more than 100 years"),
        ("timeDuration", "soon", "'soon' is not a valid ISO-8601 duration"),
        ("timeDuration", 30, "the expression gives 30; a timer needs an ISO-8601 string"),
        ("timeDate", "9999-12-31T00:00:00Z", "is more than 100 years from now"),
        ("timeDate", "PT1H", "'PT1H' is not a valid ISO-8601 date and time"),
        ("timeCycle", "R/PT1S", "the shortest cycle allowed is 60 seconds"),
        ("timeCycle", "R/P99999999999Y", "'P99999999999Y' is more than 100 years"),
    ],
)
def test_a_bad_timer_value_computed_at_run_time_is_an_incident(
    engine: Engine, kind: str, value: Any, reason: str
) -> None:
    engine.deploy_files([("t.bpmn", _computed_model(kind, value))])
    started = time.monotonic()
    case = engine.start_case("timer_computed", {})
    assert time.monotonic() - started < 5.0
    assert case.status == "incident"
    [incident] = [i for i in engine.incidents() if i.case_id == case.id]
    assert (incident.element_id, incident.error_type) == ("wait", "TimerValueError")
    assert incident.message.startswith("timer on 'wait': ")
    assert reason in incident.message
    assert _pending_timers(engine) == []
    assert engine.case_tasks(case.id) == []


def test_a_good_timer_value_computed_at_run_time_waits(engine: Engine) -> None:
    engine.deploy_files([("t.bpmn", _computed_model("timeDuration", "PT90M"))])
    case = engine.start_case("timer_computed", {})
    assert case.status == "running"
    assert _pending_timers(engine) == [("wait", START + timedelta(minutes=90))]


# -- downtime: a cycle fires once for what it missed ----------------------------------------------


def _cycle_case(engine: Engine, cycle: str) -> int:
    engine.deploy_files([("timer_cycle.bpmn", _model("timer_cycle.bpmn", CYCLE=cycle))])
    return engine.start_case("timer_cycle", {}).id


def _follow_ups(engine: Engine, case_id: int) -> int:
    """How many times the reminder went off: each firing creates a follow-up task."""
    return sum(1 for task in engine.case_tasks(case_id) if task.element_id == "follow_up")


def test_a_cycle_fires_once_for_missed_occurrences_then_keeps_its_schedule(
    engine: Engine, clock: ManualClock
) -> None:
    case_id = _cycle_case(engine, "R/PT1H")
    scheduler = Scheduler(engine)
    assert _pending_timers(engine) == [("remind", START + timedelta(hours=1))]

    clock.advance(hours=5, minutes=30)  # the scheduler was down: 5 occurrences missed
    report = scheduler.run_due()
    assert (report.fired, report.errors) == (1, [])
    assert _follow_ups(engine, case_id) == 1
    assert _pending_timers(engine) == [("remind", START + timedelta(hours=6))]
    assert scheduler.run_due().fired == 0

    clock.advance(minutes=30)
    assert scheduler.run_due().fired == 1
    assert _follow_ups(engine, case_id) == 2
    assert _pending_timers(engine) == [("remind", START + timedelta(hours=7))]
    assert "answer" in [t.element_id for t in engine.case_tasks(case_id) if t.state == "ready"]


def test_missed_occurrences_of_a_counted_cycle_are_used_up(
    engine: Engine, clock: ManualClock
) -> None:
    case_id = _cycle_case(engine, "R3/PT1H")
    scheduler = Scheduler(engine)
    clock.advance(hours=10)
    assert scheduler.run_due().fired == 1
    assert _follow_ups(engine, case_id) == 1
    assert _pending_timers(engine) == []
    clock.advance(hours=10)
    assert scheduler.run_due().fired == 0
    assert _follow_ups(engine, case_id) == 1


def test_a_counted_cycle_without_downtime_fires_each_time(
    engine: Engine, clock: ManualClock
) -> None:
    case_id = _cycle_case(engine, "R3/PT1H")
    scheduler = Scheduler(engine)
    for hour in (1, 2, 3):
        clock.set(START + timedelta(hours=hour, seconds=1))
        assert scheduler.run_due().fired == 1
        assert _follow_ups(engine, case_id) == hour
    assert _pending_timers(engine) == []


def test_a_cycle_with_a_start_date_catches_up_onto_its_schedule(
    engine: Engine, clock: ManualClock
) -> None:
    case_id = _cycle_case(engine, "R/2026-12-24T10:00:00Z/P1D")
    first = datetime(2026, 12, 24, 10, 0, tzinfo=UTC)
    assert _pending_timers(engine) == [("remind", first)]
    scheduler = Scheduler(engine)
    clock.set(first + timedelta(days=3, hours=2))
    assert scheduler.run_due().fired == 1
    assert _follow_ups(engine, case_id) == 1
    assert _pending_timers(engine) == [("remind", first + timedelta(days=4))]


def test_a_cycle_armed_with_a_start_long_past_fires_once_at_start(engine: Engine) -> None:
    """A computed cycle whose start is long gone catches up when it is armed, too."""
    engine.deploy_files(
        [("timer_cycle.bpmn", _model("timer_cycle.bpmn", CYCLE="'R/2026-01-01T00:00:00Z/P1D'"))]
    )
    case_id = engine.start_case("timer_cycle", {}).id
    assert _follow_ups(engine, case_id) == 1
    assert _pending_timers(engine) == [("remind", datetime(2026, 3, 3, 0, 0, tzinfo=UTC))]
