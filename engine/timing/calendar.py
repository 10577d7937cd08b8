"""A working-day calendar: public holidays, weekends and local wall-clock time.

Generic and configurable; it knows nothing of any committee. Holidays come from the
``holidays`` package (public holidays of ``country``, optionally of a ``subdivision``), plus
``extra_holidays`` from configuration. For Belgium the package's subdivisions (``Flemish``,
``French``, ``German``) only change *school* holidays, and the Flemish community holiday of
11 July is not among the public ones, so a Flemish configuration adds it as ``"07-11"``.

Datetimes going in and out are timezone-aware and returned in UTC; ``date`` values are local
dates in ``timezone``. Holiday names come in the country's own default language (Dutch for
Belgium), never in the language of the process environment, so they are stable.

Counting working days follows the usual rule for legal deadlines: the start day itself does not
count, so ``n`` working days after a moment is the ``n``-th working day strictly after its local
date (a Saturday plus one working day is the Monday, as is a Friday plus one).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from types import MappingProxyType
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

__all__ = ["WorkCalendar"]

_ONE_DAY = timedelta(days=1)
_SEARCH_LIMIT = 3700  # days; more than ten years without a working day is a broken calendar
_EXTRA = re.compile(r"^(?:(?P<year>\d{4})-)?(?P<month>\d{2})-(?P<day>\d{2})(?:\s+(?P<name>.+))?$")
_EXTRA_NAME = "Extra holiday"


@dataclass(frozen=True)
class WorkCalendar:
    """Which local dates are working days, and how to count them.

    ``extra_holidays`` entries are ``"MM-DD"`` (every year) or ``"YYYY-MM-DD"`` (once),
    optionally followed by a space and a name (``"07-11 Feest van de Vlaamse Gemeenschap"``).
    ``work_days`` are weekday numbers, Monday = 0. Invalid settings raise ``ValueError``.
    """

    country: str = "BE"
    subdivision: str | None = None
    timezone: str = "Europe/Brussels"
    extra_holidays: tuple[str, ...] = ()
    work_days: tuple[int, ...] = (0, 1, 2, 3, 4)

    def __post_init__(self) -> None:
        # Accept lists (as TOML gives them) but store tuples, so the calendar stays hashable.
        object.__setattr__(self, "extra_holidays", tuple(self.extra_holidays))
        object.__setattr__(self, "work_days", tuple(self.work_days))
        _zone(self.timezone)
        for entry in self.extra_holidays:
            _parse_extra(entry)
        if not self.work_days:
            raise ValueError("work_days must name at least one weekday (Monday = 0)")
        for weekday in self.work_days:
            if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
                raise ValueError(f"work_days: {weekday!r} is not a weekday number 0-6 (Monday = 0)")
        _holidays_for(self.country, self.subdivision, self.extra_holidays, 2000)

    @property
    def zone(self) -> ZoneInfo:
        """The calendar's time zone."""
        return _zone(self.timezone)

    def holiday_name(self, day: date) -> str | None:
        """The name of the holiday on ``day``, or None if it is none (weekends are not named)."""
        return _holidays_for(self.country, self.subdivision, self.extra_holidays, day.year).get(day)

    def is_working_day(self, day: date) -> bool:
        """True if ``day`` is one of the work days and not a holiday."""
        return day.weekday() in self.work_days and self.holiday_name(day) is None

    def next_working_day(self, day: date) -> date:
        """``day`` itself if it is a working day, else the first working day after it."""
        return self._roll(day, _ONE_DAY)

    def previous_working_day(self, day: date) -> date:
        """``day`` itself if it is a working day, else the last working day before it."""
        return self._roll(day, -_ONE_DAY)

    def shift_working_days(self, day: date, days: int) -> date:
        """The ``days``-th working day after ``day`` (before it if negative), not counting
        ``day`` itself; 0 gives ``next_working_day(day)``."""
        if days == 0:
            return self.next_working_day(day)
        step = _ONE_DAY if days > 0 else -_ONE_DAY
        for _ in range(abs(days)):
            day = self._roll(day + step, step)
        return day

    def add_working_days(self, moment: datetime, days: int) -> datetime:
        """``moment`` moved by ``days`` working days, keeping its local time of day (DST-safe).

        Negative goes back; 0 moves the moment to the next working day if it is not one.
        """
        local = self._to_local(moment)
        target = self.shift_working_days(local.date(), days)
        return self.at_local(target, local.time())

    def add_days(self, moment: datetime, days: int) -> datetime:
        """``moment`` moved by ``days`` calendar days, keeping its local time of day."""
        local = self._to_local(moment)
        return self.at_local(local.date() + timedelta(days=days), local.time())

    def local_date(self, moment: datetime) -> date:
        """The local date of ``moment`` in the calendar's time zone."""
        return self._to_local(moment).date()

    def at_local(self, day: date, clock_time: time) -> datetime:
        """The UTC instant at which local clocks show ``clock_time`` on ``day``.

        In the spring gap (a wall time that does not exist) this is the first valid instant after
        it, i.e. the moment of the change; in the autumn overlap it is the first occurrence.
        """
        zone = self.zone
        naive = datetime.combine(day, clock_time.replace(tzinfo=None, fold=0))
        first = naive.replace(tzinfo=zone).astimezone(UTC)
        if first.astimezone(zone).replace(tzinfo=None) == naive:
            return first
        return _gap_end(naive, zone)

    def _to_local(self, moment: datetime) -> datetime:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"need a timezone-aware datetime, got naive {moment.isoformat()}")
        return moment.astimezone(self.zone)

    def _roll(self, day: date, step: timedelta) -> date:
        for _ in range(_SEARCH_LIMIT):
            if self.is_working_day(day):
                return day
            day += step
        raise ValueError(f"no working day within {_SEARCH_LIMIT} days of {day.isoformat()}")


def _gap_end(naive: datetime, zone: ZoneInfo) -> datetime:
    """The UTC instant at which the gap that swallows local time ``naive`` ends.

    With ``before``/``after`` the offsets either side of the change, that instant lies in
    ``(naive - after, naive - before]``; offsets change on whole seconds, so a binary search
    over whole seconds finds it.
    """
    before = naive.replace(tzinfo=zone, fold=0).utcoffset()
    after = naive.replace(tzinfo=zone, fold=1).utcoffset()
    assert before is not None and after is not None
    low = math.floor((naive.replace(tzinfo=UTC) - after).timestamp())  # old offset here
    high = math.ceil((naive.replace(tzinfo=UTC) - before).timestamp())  # new offset here
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, zone).utcoffset() == before:
            low = middle
        else:
            high = middle
    return datetime.fromtimestamp(high, UTC)


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def _parse_extra(entry: str) -> tuple[int | None, int, int, str]:
    """``(year or None, month, day, name)`` of one ``extra_holidays`` entry."""
    match = _EXTRA.match(entry.strip()) if isinstance(entry, str) else None
    if match is None:
        raise ValueError(
            f"extra holiday {entry!r} is not 'MM-DD' or 'YYYY-MM-DD' (optionally with a name)"
        )
    year = int(match["year"]) if match["year"] else None
    month, day = int(match["month"]), int(match["day"])
    try:
        date(year or 2000, month, day)  # 2000 is a leap year, so "02-29" is allowed
    except ValueError as exc:
        raise ValueError(f"extra holiday {entry!r} is not a valid date: {exc}") from exc
    return year, month, day, (match["name"] or _EXTRA_NAME).strip()


@lru_cache(maxsize=256)
def _holidays_for(
    country: str, subdivision: str | None, extra: tuple[str, ...], year: int
) -> Mapping[date, str]:
    """All holidays of one year, library ones and extra ones (cached per year)."""
    result = dict(_library_holidays(country, subdivision, year))
    for entry in extra:
        entry_year, month, day, name = _parse_extra(entry)
        if entry_year not in (None, year):
            continue
        try:
            when = date(year, month, day)
        except ValueError:  # "02-29" in a common year
            continue
        result[when] = f"{result[when]}, {name}" if when in result else name
    return MappingProxyType(result)


@lru_cache(maxsize=256)
def _library_holidays(country: str, subdivision: str | None, year: int) -> dict[date, str]:
    try:
        probe = holidays.country_holidays(country, subdiv=subdivision, years=[])
        found = holidays.country_holidays(
            country, subdiv=subdivision, years=year, language=probe.default_language
        )
    except NotImplementedError as exc:
        raise ValueError(
            f"no holiday calendar for country {country!r}, subdivision {subdivision!r}: {exc}"
        ) from exc
    return dict(found.items())
