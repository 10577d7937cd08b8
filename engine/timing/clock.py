"""One clock for the engine, the scheduler and SpiffWorkflow's timer code.

SpiffWorkflow 3.2 reads ``datetime.now(timezone.utc)`` directly inside its timer module, so we
replace that module's ``datetime`` name, once, with a subclass whose ``now()`` asks the clock
that is active in the current context. Outside an engine step that is the system clock.
It also installs `engine.timers`' guards, which check every timer value a case computes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Protocol

import SpiffWorkflow.bpmn.specs.event_definitions.timer as _spiff_timer

from engine.timing.timers import guard_spiff_timers


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that only moves when told to: for tests and `--now` runs."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs a timezone-aware start time")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def set(self, when: datetime) -> None:
        if when.tzinfo is None:
            raise ValueError("ManualClock needs timezone-aware times")
        self._now = when.astimezone(UTC)

    def advance(self, **delta: float) -> datetime:
        self._now += timedelta(**delta)
        return self._now


_active: ContextVar[Clock | None] = ContextVar("stuurboord_clock", default=None)
_SYSTEM = SystemClock()


class _ClockedDatetime(datetime):
    """Stands in for ``datetime`` inside SpiffWorkflow's timer module."""

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
        current = (_active.get() or _SYSTEM).now()
        return current.astimezone(tz) if tz else current.astimezone().replace(tzinfo=None)


_spiff_timer.datetime = _ClockedDatetime  # type: ignore[misc]
guard_spiff_timers()  # and check every timer value before SpiffWorkflow computes with it


@contextlib.contextmanager
def active(clock: Clock) -> Iterator[Clock]:
    """Make `clock` the one SpiffWorkflow's timers read, for the duration of the block."""
    token = _active.set(clock)
    try:
        yield clock
    finally:
        _active.reset(token)


def current() -> Clock | None:
    """The clock made active by an enclosing `active()` block, if any."""
    return _active.get()


class AtLeast:
    """A clock that never reads earlier than `floor`: a timer claimed as due has fired."""

    def __init__(self, clock: Clock, floor: datetime) -> None:
        self.clock, self.floor = clock, floor

    def now(self) -> datetime:
        return max(self.clock.now(), self.floor)
