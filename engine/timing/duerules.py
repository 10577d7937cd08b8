"""The due-date mini-language of BPMN task properties (``due``) and policy settings.

A rule is one of (keywords are case-insensitive, English or Dutch, singular or plural; extra
spaces are fine; variable names are case-sensitive and may be dotted paths into nested data)::

    P10D, PT4H, P2W, P1DT12H        ISO 8601 duration from now
    10 working days | 10 werkdagen  working days from now (calendar.add_working_days)
    3 days | 3 dagen                calendar days from now
    2 weeks | 2 weken               calendar weeks from now
    5 days before meeting_date      relative to a date in the case data
    5 werkdagen voor meeting_date   (also: after / na, weeks / weken)
    meeting_date                    that date itself

How the result is computed:

* Calendar days, weeks, and the date part of an ISO duration (``Y``, ``M``, ``W``, ``D``) move
  the local date in the calendar's time zone and keep the local time of day, so ``P1D`` from
  09:00 is 09:00 the next day even across a DST change. The time part (``H``, ``M``, ``S``
  after ``T``) is elapsed time. Months and years clamp to the month's last day.
* Working days keep the local time of day; the start day itself does not count.
* A variable holding a date only (``"2026-03-20"`` or a ``date``) stands for the **end of that
  local day, 23:59** in the calendar's time zone; the offset is then applied to that moment.
  A datetime string needs an offset or ``Z`` (``"2026-03-20T14:00:00+01:00"``); a datetime
  without one is read as local wall time in the calendar's time zone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any, Literal, cast

from engine.timing.calendar import WorkCalendar

__all__ = ["END_OF_DAY", "DueRule", "IsoDuration", "parse_due", "validate_due"]

END_OF_DAY = time(23, 59)
"""The local time a date-only value stands for."""

Unit = Literal["working_days", "days", "duration"]

_ISO = re.compile(
    r"^P(?!$)(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?$",
    re.IGNORECASE,
)
_UNIT_WORDS = {
    "working day": "working_days",
    "working days": "working_days",
    "workday": "working_days",
    "workdays": "working_days",
    "werkdag": "working_days",
    "werkdagen": "working_days",
    "day": "days",
    "days": "days",
    "dag": "days",
    "dagen": "days",
    "week": "weeks",
    "weeks": "weeks",
    "weken": "weeks",
}
_DIRECTIONS = {"before": -1, "voor": -1, "after": 1, "na": 1}
_VARIABLE = r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*"
_UNIT_PATTERN = "|".join(sorted((re.escape(w) for w in _UNIT_WORDS), key=len, reverse=True))
_UNIT_PATTERN = _UNIT_PATTERN.replace(r"\ ", r"\s+")
_RELATIVE = re.compile(
    rf"^(?P<amount>\d+)\s*(?P<unit>{_UNIT_PATTERN})"
    rf"(?:\s+(?P<direction>before|voor|after|na)\s+(?P<variable>{_VARIABLE}))?$",
    re.IGNORECASE,
)
_BARE_VARIABLE = re.compile(rf"^{_VARIABLE}$")
_GRAMMAR = (
    "expected an ISO 8601 duration (P10D, PT4H), 'N working days', 'N days', 'N weeks', "
    "'N [working] days before|after <variable>' (or werkdagen/dagen/weken, voor/na), "
    "or a variable name"
)


@dataclass(frozen=True)
class IsoDuration:
    """The fields of an ISO 8601 duration such as ``P1DT12H``."""

    years: int = 0
    months: int = 0
    days: int = 0
    elapsed: timedelta = timedelta()

    def apply(self, moment: datetime, calendar: WorkCalendar) -> datetime:
        """``moment`` plus this duration: date parts in local dates, time parts elapsed."""
        local = moment.astimezone(calendar.zone)
        day = _add_months(local.date(), self.years * 12 + self.months)
        day += timedelta(days=self.days)
        return calendar.at_local(day, local.time()) + self.elapsed


@dataclass(frozen=True)
class DueRule:
    """A parsed due rule. ``amount`` is signed (negative for *before*); ``variable`` is the case
    data variable the rule counts from, or None for *now*."""

    text: str
    unit: Unit
    amount: int = 0
    variable: str | None = None
    duration: IsoDuration | None = None

    def compute(self, now: datetime, data: Mapping[str, Any], calendar: WorkCalendar) -> datetime:
        """The due instant in UTC, counted from ``now`` or from the rule's variable in ``data``.

        Raises ``ValueError`` naming the variable if it is missing or not a date.
        """
        if now.tzinfo is None or now.utcoffset() is None:
            raise ValueError(f"due rule {self.text!r}: 'now' must be timezone-aware")
        base = now if self.variable is None else self._anchor(data, calendar)
        return self._shift(base, calendar).astimezone(UTC)

    def _anchor(self, data: Mapping[str, Any], calendar: WorkCalendar) -> datetime:
        assert self.variable is not None
        value = _lookup(data, self.variable)
        if value is _MISSING:
            raise ValueError(f"due rule {self.text!r}: case data has no variable {self.variable!r}")
        moment = _as_moment(value, calendar)
        if moment is None:
            raise ValueError(
                f"due rule {self.text!r}: variable {self.variable!r} is not a date or "
                f"datetime (ISO 8601): {value!r}"
            )
        return moment

    def _shift(self, base: datetime, calendar: WorkCalendar) -> datetime:
        if self.unit == "duration":
            assert self.duration is not None
            return self.duration.apply(base, calendar)
        if self.unit == "working_days":
            return calendar.add_working_days(base, self.amount)
        if self.amount == 0:
            return base
        return calendar.add_days(base, self.amount)


def parse_due(rule: str) -> DueRule:
    """Parse a due rule; raises ``ValueError`` naming the rule if it is not in the grammar."""
    if not isinstance(rule, str):
        raise ValueError(f"due rule must be text, got {type(rule).__name__}: {rule!r}")
    return _parse(" ".join(rule.split()))


def validate_due(rule: str) -> str | None:
    """A message saying what is wrong with ``rule``, or None if it parses (for deploy checks)."""
    try:
        parse_due(rule)
    except ValueError as exc:
        return str(exc)
    return None


@lru_cache(maxsize=512)
def _parse(text: str) -> DueRule:
    if not text:
        raise ValueError(f"due rule {text!r} is empty; {_GRAMMAR}")
    if text[0] in "Pp" and (duration := _parse_iso(text)) is not None:
        return DueRule(text=text, unit="duration", duration=duration)
    match = _RELATIVE.match(text)
    if match is not None:
        return _relative_rule(text, match)
    if _BARE_VARIABLE.match(text) and not _looks_like_duration(text):
        return DueRule(text=text, unit="days", variable=text)
    raise ValueError(f"due rule {text!r} is not understood; {_GRAMMAR}")


def _relative_rule(text: str, match: re.Match[str]) -> DueRule:
    unit = _UNIT_WORDS[" ".join(match["unit"].lower().split())]
    amount = int(match["amount"])
    if unit == "weeks":
        unit, amount = "days", amount * 7
    direction = match["direction"]
    if direction is not None:
        amount *= _DIRECTIONS[direction.lower()]
    return DueRule(text=text, unit=cast(Unit, unit), amount=amount, variable=match["variable"])


def _looks_like_duration(text: str) -> bool:
    """A word such as ``P10X``, ``P`` or ``PT`` is a broken duration, not a variable name."""
    return re.match(r"PT?(\d|$)", text, re.IGNORECASE) is not None


def _parse_iso(text: str) -> IsoDuration | None:
    match = _ISO.match(text)
    if match is None:
        return None
    parts = {key: int(value) for key, value in match.groupdict().items() if value is not None}
    if not parts:
        return None
    hours, minutes, seconds = (parts.get(key, 0) for key in ("hours", "minutes", "seconds"))
    elapsed = timedelta(hours=hours, minutes=minutes, seconds=seconds)
    return IsoDuration(
        years=parts.get("years", 0),
        months=parts.get("months", 0),
        days=parts.get("weeks", 0) * 7 + parts.get("days", 0),
        elapsed=elapsed,
    )


def _add_months(day: date, months: int) -> date:
    if months == 0:
        return day
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    following = date(year + (month == 12), month % 12 + 1, 1)
    last = (following - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


_MISSING = object()


def _lookup(data: Mapping[str, Any], path: str) -> Any:
    value: Any = data
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return _MISSING
        value = value[part]
    return value


def _as_moment(value: Any, calendar: WorkCalendar) -> datetime | None:
    """A date (end of its local day) or datetime, from an object or an ISO 8601 string."""
    if isinstance(value, str):
        value = _parse_iso_value(value.strip())
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            return calendar.at_local(value.date(), value.time())
        return value.astimezone(UTC)
    if isinstance(value, date):
        return calendar.at_local(value, END_OF_DAY)
    return None


def _parse_iso_value(text: str) -> date | datetime | None:
    if len(text) == 10:
        try:
            return date.fromisoformat(text)
        except ValueError:
            return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None
