"""ISO 8601 timer values (BPMN timeDuration, timeDate, timeCycle): what a timer may say.

SpiffWorkflow does arithmetic on a timer value before anything checks it: a loop per month of a
duration (`"P99999999999Y"` never ends), `now + duration` past year 9999 (`OverflowError`), and
`"-PT1H"` read as an hour ahead. Every value is therefore checked here first, with bounded
regular expressions and no date arithmetic, and only a value that passes reaches SpiffWorkflow:

- at deploy (`engine.model.modelcheck`) for literal expressions, quoted or plain ISO text as
  modelling tools write it (`PT2H`, `R3/PT1H`, `2026-12-24T10:00:00+01:00`);
- at run time (`guard_spiff_timers`, installed by `engine.timing.clock`) for values computed from
  case data: a bad value raises `WorkflowTaskException` on the timer, so the case gets an incident.

Limits: no negative durations, nothing beyond 100 years (durations, intervals and dates), and a
cycle repeats no more often than `STUURBOORD_MIN_TIMER_CYCLE_SECONDS` (default 60).

After downtime a cycle fires once for all the occurrences it missed (they count as done), then
continues on its own schedule.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import SpiffWorkflow.bpmn.specs.event_definitions.timer as _spiff_timer
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.task import Task

from engine.settings import min_timer_cycle_seconds

DURATION, DATE, CYCLE = "duration", "date", "cycle"
MAX_YEARS = 100
_DAYS_PER_YEAR = 365.2425
_MAX_SPAN = timedelta(days=MAX_YEARS * _DAYS_PER_YEAR)
_REFERENCE_START = datetime(2025, 1, 31, tzinfo=UTC)
_MAX_TEXT = 80  # longer than any sensible ISO timer value; keeps every check below bounded

_NUMBER = r"\d+(?:[.,]\d+)?"
_DURATION = re.compile(
    rf"""
    (?P<sign>[+-])?P(?!$)
    (?:(?P<years>{_NUMBER})Y)?(?:(?P<months>{_NUMBER})M)?
    (?:(?P<weeks>{_NUMBER})W)?(?:(?P<days>{_NUMBER})D)?
    (?:T(?=\d)(?:(?P<hours>{_NUMBER})H)?(?:(?P<minutes>{_NUMBER})M)?(?:(?P<seconds>{_NUMBER})S)?)?
    """,
    re.VERBOSE | re.IGNORECASE,
)
_SECONDS = {
    "years": _DAYS_PER_YEAR * 86400,
    "months": _DAYS_PER_YEAR / 12 * 86400,
    "weeks": 7 * 86400,
    "days": 86400,
    "hours": 3600,
    "minutes": 60,
    "seconds": 1,
}
_DATE = re.compile(
    r"\d{4}-?(\d{2}-?\d{2}|W\d{2}-?\d)([T ][0-9:.,]+)?(Z|[+-]\d{2}(:?\d{2})?)?", re.IGNORECASE
)
_CYCLE = re.compile(r"R(?P<count>\d*)/(?P<first>[^/]+)(?:/(?P<second>[^/]+))?", re.IGNORECASE)
# What plain ISO text looks like (as opposed to a Python expression): deliberately generous, so a
# near-miss such as "PT1X" or "-PT1H" is reported as a bad ISO value, not as Python.
_PLAIN_ISO = re.compile(
    r"[+-]?PT?\d[\w.,]*|R\d*/\S*|\d{4}-\d{2}(-\d{2})?([T ]\S*)?|\d{4}-?W\d{2}\S*", re.I
)

_EXAMPLES = {
    DURATION: 'duration (e.g. "PT30M", "P2D")',
    DATE: 'date and time (e.g. "2026-12-24T10:00:00+01:00")',
    CYCLE: 'repeating interval (e.g. "R3/PT1H", "R/2026-12-24T10:00:00Z/P1D")',
}


class TimerValueError(ValueError):
    """A timer value that cannot or may not be used; the message says why."""


def is_plain_iso(text: str) -> bool:
    """Whether `text` (an expression from the model) is ISO 8601 text rather than Python."""
    return bool(_PLAIN_ISO.fullmatch(text.strip()))


def problem(value: object, kind: str, now: datetime | None = None) -> str | None:
    """Why `value` may not be used as a timer of this kind ("duration", "date", "cycle")."""
    try:
        check(value, kind, now)
    except TimerValueError as error:
        return str(error)
    return None


def check(value: object, kind: str, now: datetime | None = None) -> None:
    """Raise `TimerValueError` unless `value` is a usable ISO 8601 value of this timer kind."""
    if not isinstance(value, str):
        raise TimerValueError(
            f"the expression gives {_short(repr(value))}; a timer needs an ISO-8601 string"
        )
    text = value.strip()
    if len(text) > _MAX_TEXT:
        raise TimerValueError(f"{_short(repr(text))} is too long for an ISO-8601 {kind}")
    now = now or datetime.now(UTC)
    if kind == DURATION:
        _check_duration(text)
    elif kind == DATE:
        _check_date(text, now)
    elif kind == CYCLE:
        _check_cycle(text, now)
    else:
        raise TimerValueError(f"unknown timer kind {kind!r}")


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else f"{text[:limit]}..."


def _invalid(text: str, kind: str) -> TimerValueError:
    return TimerValueError(f"{text!r} is not a valid ISO-8601 {_EXAMPLES[kind]}")


def _components(text: str) -> dict[str, int | float]:
    """The parts of an ISO duration, as SpiffWorkflow's parser should read them."""
    match = _DURATION.fullmatch(text)
    if match is None or match.group("sign") == "+":
        raise _invalid(text, DURATION)
    parts = {name: match.group(name) for name in _SECONDS if match.group(name)}
    # Only the smallest part given may have a fraction (SpiffWorkflow drops others silently).
    if not parts or any(not value.isdigit() for value in list(parts.values())[:-1]):
        raise _invalid(text, DURATION)
    if match.group("sign") == "-":
        raise TimerValueError(
            f"{text!r} is a negative duration; a timer can only wait forward in time"
        )
    return {
        name: int(value) if value.isdigit() else float(value.replace(",", "."))
        for name, value in parts.items()
    }


def duration_seconds(text: str) -> float:
    """Nominal length of an ISO duration in seconds (a year of 365.2425 days, a month 1/12 of
    that), checked for shape, sign and the 100-year limit without any date arithmetic."""
    seconds = sum(value * _SECONDS[name] for name, value in _components(text).items())
    if seconds > _MAX_SPAN.total_seconds():
        raise TimerValueError(f"{text!r} is more than {MAX_YEARS} years; no timer waits that long")
    return seconds


def _check_duration(text: str) -> float:
    seconds = duration_seconds(text)
    try:  # SpiffWorkflow must read it the same way at run time
        parsed = TimerEventDefinition.parse_iso_duration(text)
        same = parsed == _components(text)
        TimerEventDefinition.get_timedelta_from_start(parsed, _REFERENCE_START)
    except Exception:  # SpiffWorkflow raises bare Exception, ValueError, ...
        same = False
    if not same:
        raise _invalid(text, DURATION)
    return seconds


def _check_date(text: str, now: datetime) -> datetime:
    if _DATE.fullmatch(text) is None:
        raise _invalid(text, DATE)
    try:
        when = TimerEventDefinition.parse_time_or_duration(text)
    except Exception:
        raise _invalid(text, DATE) from None
    if not isinstance(when, datetime):
        raise _invalid(text, DATE)
    if when - now > _MAX_SPAN:
        raise TimerValueError(
            f"{text!r} is more than {MAX_YEARS} years from now; no timer waits that long"
        )
    return when


def _check_cycle(text: str, now: datetime) -> None:
    match = _CYCLE.fullmatch(text.replace("--", "/"))
    if match is None or len(match.group("count")) > 9:
        raise _invalid(text, CYCLE)
    parts = [part for part in (match.group("first"), match.group("second")) if part]
    durations = [part for part in parts if part.upper().lstrip("+-").startswith("P")]
    if len(durations) != 1:
        raise _invalid(text, CYCLE)
    try:
        seconds = _check_duration(durations[0])
        for date in (part for part in parts if part not in durations):
            _check_date(date, now)
    except TimerValueError as error:
        raise TimerValueError(f"in the cycle {text!r}: {error}") from None
    try:
        _cycles, _start, interval = TimerEventDefinition.parse_iso_recurring_interval(text)
    except Exception:
        raise _invalid(text, CYCLE) from None
    if seconds <= 0 or interval.total_seconds() <= 0:
        raise TimerValueError(f"{text!r} repeats with a zero interval; give a longer interval")
    minimum = min_timer_cycle_seconds()
    if seconds < minimum:
        raise TimerValueError(
            f"{text!r} repeats more often than once every {_plural(minimum, 'second')}; "
            f"the shortest cycle allowed is {_plural(minimum, 'second')} "
            "(STUURBOORD_MIN_TIMER_CYCLE_SECONDS)"
        )


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


# -- plain ISO text in a deployed model -------------------------------------------------------


def timer_definitions(
    specs: Iterable[BpmnProcessSpec],
) -> Iterator[tuple[Any, TimerEventDefinition]]:
    """(task spec, timer definition) for every timer in `specs`, inside multiple events too."""
    for spec in specs:
        for task_spec in spec.task_specs.values():
            definition = getattr(task_spec, "event_definition", None)
            nested = (
                definition.event_definitions
                if isinstance(definition, MultipleEventDefinition)
                else [definition]
            )
            for each in nested:
                if isinstance(each, TimerEventDefinition):
                    yield task_spec, each


def quote_plain_iso(specs: Iterable[BpmnProcessSpec]) -> None:
    """Store a plain ISO value (`PT2H`) as the Python string it stands for (`'PT2H'`).

    SpiffWorkflow evaluates a timer's text as a Python expression; run after the deploy checks,
    which already refused a plain value that is not valid ISO 8601.
    """
    for _task_spec, definition in timer_definitions(specs):
        text = (definition.expression or "").strip()
        if text and is_plain_iso(text):
            definition.expression = repr(text)


# -- guarding SpiffWorkflow at run time -------------------------------------------------------

_KINDS: dict[type[TimerEventDefinition], str] = {
    DurationTimerEventDefinition: DURATION,
    TimeDateEventDefinition: DATE,
    CycleTimerEventDefinition: CYCLE,
}


def _now() -> datetime:
    """Now, as SpiffWorkflow's timer module sees it (the engine's clock, see engine.clock)."""
    return _spiff_timer.datetime.now(UTC)


def _refuse(task: Task, definition: TimerEventDefinition, reason: str) -> WorkflowTaskException:
    element = task.task_spec.bpmn_id or task.task_spec.name
    error = WorkflowTaskException(f"timer on '{element}': {reason}", task=task)
    error.error_type = "TimerValueError"
    return error


def _evaluated(definition: TimerEventDefinition, task: Task, kind: str) -> str:
    value = task.workflow.script_engine.evaluate(task, definition.expression)
    reason = problem(value, kind, _now())
    if reason is not None:
        raise _refuse(task, definition, reason)
    assert isinstance(value, str)
    return value.strip()


def _guard_has_fired(method: Callable[[Any, Task], bool], kind: str) -> Callable[..., bool]:
    @functools.wraps(method)
    def has_fired(self: TimerEventDefinition, my_task: Task) -> bool:
        if my_task._get_internal_data("event_value") is None:
            value = _evaluated(self, my_task, kind)
            if kind == DATE:  # what SpiffWorkflow stores itself, without evaluating twice
                my_task._set_internal_data(event_value=value)
            else:
                parsed = TimerEventDefinition.parse_iso_duration(value)
                due = _now() + TimerEventDefinition.get_timedelta_from_start(parsed, _now())
                my_task._set_internal_data(event_value=due.isoformat())
        return method(self, my_task)

    has_fired.__stuurboord_guard__ = True  # type: ignore[attr-defined]
    return has_fired


def _guard_cycle(method: Callable[[Any, Task], bool]) -> Callable[..., bool]:
    @functools.wraps(method)
    def cycle_complete(self: CycleTimerEventDefinition, my_task: Task) -> bool:
        value = my_task._get_internal_data("event_value")
        if value is None:
            text = _evaluated(self, my_task, CYCLE)
            cycles, start, interval = TimerEventDefinition.parse_iso_recurring_interval(text)
            value = {
                "cycles": cycles,
                "next": start.isoformat(),
                "duration": interval.total_seconds(),
            }
        if isinstance(value, dict):
            minimum = min_timer_cycle_seconds()
            if float(value.get("duration") or 0) < minimum:
                raise _refuse(
                    my_task, self, f"the cycle repeats more often than every {minimum} seconds"
                )
            coalesce_missed(value, _now())
            my_task._set_internal_data(event_value=value)
        return method(self, my_task)

    cycle_complete.__stuurboord_guard__ = True  # type: ignore[attr-defined]
    return cycle_complete


def coalesce_missed(value: dict[str, Any], now: datetime) -> None:
    """Skip all but the last occurrence a cycle missed (downtime): it then fires once, and its
    next occurrence stays on the schedule. Skipped occurrences count against `R<n>`."""
    cycles = int(value.get("cycles", 0))
    step_us = round(float(value.get("duration") or 0) * 1_000_000)
    if cycles == 0 or step_us <= 0:
        return
    upcoming = datetime.fromisoformat(value["next"])
    if upcoming >= now:
        return
    behind_us = (now - upcoming) // timedelta(microseconds=1)
    missed = -(-behind_us // step_us)  # occurrences strictly before now
    skip = missed - 1 if cycles < 0 else min(missed - 1, cycles - 1)
    if skip <= 0:
        return
    value["next"] = (upcoming + timedelta(microseconds=skip * step_us)).isoformat()
    if cycles > 0:
        value["cycles"] = cycles - skip


def guard_spiff_timers() -> None:
    """Check every timer value SpiffWorkflow computes before it does arithmetic on it (once)."""
    for cls, kind in _KINDS.items():
        if kind == CYCLE:
            if not getattr(cls.cycle_complete, "__stuurboord_guard__", False):
                cls.cycle_complete = _guard_cycle(cls.cycle_complete)  # type: ignore[method-assign]
        elif not getattr(cls.has_fired, "__stuurboord_guard__", False):
            cls.has_fired = _guard_has_fired(cls.has_fired, kind)  # type: ignore[method-assign]
