"""Moments the follow-up models wait for, computed from dates in case data.

BPMN timers take an ISO 8601 instant; a due date in a form is a local date in the committee's
calendar (:data:`processes.records.dates.ZONE`). A date's deadline ends with that local day (the
due-date rule language reads a bare date as 23:59 local), so it has *passed* at midnight local
time, which is when the models' boundary timers fire.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from processes.records.dates import ZONE


def passed_at(day: date) -> datetime:
    """The instant (UTC) at which the local day `day` is over: midnight after it."""
    return datetime.combine(day + timedelta(days=1), time(0, 0), ZONE).astimezone(UTC)


def passed_at_iso(day: date) -> str:
    """:func:`passed_at` as an ISO 8601 string with offset, as BPMN timers read it."""
    return passed_at(day).isoformat()


def status_cycle(every_weeks: int) -> str:
    """An ISO 8601 repeating interval for status updates: every `every_weeks` weeks, from now.

    Unbounded on purpose. The timer is a boundary event of the report task, so it lives exactly
    as long as that task: it stops when the report comes in, and when the overdue report's
    escalation interrupts the task (the chair then decides). Status updates still open at that
    moment are withdrawn with it. A fixed count would end the timer early, and an ended timer no
    longer takes its open status updates with it.
    """
    if not 1 <= every_weeks <= 52:
        raise ValueError("status updates need a period of 1 to 52 weeks")
    return f"R/P{every_weeks}W"
