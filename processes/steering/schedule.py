"""When a KPI's owner is asked for the next measurement.

Measurements fall every `measure_every_months` calendar months from the day the KPI's case
starts, the last one on the target date itself; after the measurement on the target date the
case ends. Each next date is counted from the previous *planned* date, not from the day the
owner answered, so a late answer does not shift the rhythm. The request comes at 09:00 local
time on that day (:data:`processes.records.dates.MORNING`).
"""

from __future__ import annotations

import calendar
from datetime import date

from processes.records import dates


def add_months(day: date, months: int) -> date:
    """`day` moved by whole calendar months (31 January + 1 month = 28 or 29 February)."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def next_measurement(previous: date, every_months: int, target_on: date) -> date | None:
    """The next planned measurement after `previous`; None once the target date is reached."""
    if every_months < 1:
        raise ValueError("a KPI is measured every 1 month or more")
    if previous >= target_on:
        return None
    return min(add_months(previous, every_months), target_on)


def asked_at_iso(day: date) -> str:
    """The moment the owner is asked for the measurement of `day`, as BPMN timers read it."""
    return dates.at_local(day, dates.MORNING).isoformat()
