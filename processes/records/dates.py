"""Dates in the committee's calendar (Europe/Brussels) and the date forms compare against.

Forms are validated before an engine step runs, so they cannot see the engine's clock. They ask
:func:`today` instead; tests replace it (``monkeypatch.setattr(dates, "today", ...)``) to follow
their manual clock. Service handlers use ``call.clock`` through :func:`local_date`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("Europe/Brussels")
END_OF_DAY = time(23, 59)
"""A date-only deadline stands for the end of that local day (as in the engine's due rules)."""
MORNING = time(9, 0)
"""When something planned for a day (a deferred topic coming back) happens."""

_MONTHS_NL = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


def today() -> date:
    """The local date now. Forms call this through the module, so tests can replace it."""
    return datetime.now(UTC).astimezone(ZONE).date()


def local_date(moment: datetime) -> date:
    """The local calendar date of a timezone-aware moment."""
    return moment.astimezone(ZONE).date()


def at_local(day: date, clock_time: time) -> datetime:
    """The UTC instant of a local date and wall-clock time."""
    return datetime.combine(day, clock_time, tzinfo=ZONE).astimezone(UTC)


def end_of_day(day: date) -> datetime:
    """The UTC instant a date-only deadline stands for: 23:59 local on that day."""
    return at_local(day, END_OF_DAY)


def days_before(day: date, days: int) -> date:
    return day - timedelta(days=days)


def format_nl(day: date) -> str:
    """``20 maart 2026``: dates as the Dutch-speaking user reads them in notifications."""
    return f"{day.day} {_MONTHS_NL[day.month - 1]} {day.year}"


_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def format_en(day: date) -> str:
    """``20 March 2026``: dates as the English-speaking user reads them."""
    return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"


def parse_date(value: str | date | None) -> date | None:
    """A date from case data (ISO text) or None."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)
