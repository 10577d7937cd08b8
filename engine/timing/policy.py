"""Reminder and escalation policy per process and task, from a TOML file.

Every wait has a due date, every due date has reminders, every overdue wait has an escalation
path: this module says *when*, the scheduler does the sending. The file looks like this (every
key is optional)::

    [calendar]
    country = "BE"                    # ISO country code known to the `holidays` package
    subdivision = "Flemish"           # optional; for Belgium it only changes school holidays
    timezone = "Europe/Brussels"
    extra_holidays = ["07-11"]        # "MM-DD" every year, "YYYY-MM-DD" once, optional name
    work_days = [0, 1, 2, 3, 4]       # Monday = 0

    [defaults]
    due = "10 working days"           # optional fallback due rule for every task
    reminder_time = "09:00"           # local time at which reminders go out
    reminders = ["-1d", "0d"]         # offsets relative to the due date
    repeat = "weekly"                 # after the last reminder: "daily", "weekly" or "none"
    remind = ["assignee"]             # assignee | role | role:<role id> | user:<user id>
    grace = "5 working days"          # after the due date, then escalate ("none": never)
    escalate = { notify = ["role:chair"] }   # and/or { message = "<BPMN message name>" }
    working_days_only = true          # reminders never land on weekends or holidays

    [task."process_id/task_element_id"]
    due = "10 working days"           # used when the BPMN task has no `due` property
    reminders = ["-7d", "-1d", "0d", "+1d"]
    remind = ["assignee", "role:chair"]
    grace = "3 working days"
    escalate = { message = "screening_overdue", notify = ["role:chair"] }

Rules:

* ``due`` and ``grace`` use the due-rule language of :mod:`engine.duerules`; ``grace`` is
  counted from the due date and may not name a case variable.
* Offsets are ``[+|-]N`` followed by ``d`` (calendar days), ``w`` (weeks) or ``wd`` (working
  days): ``"-7d"``, ``"0d"``, ``"+1d"``, ``"-2w"``, ``"-3wd"``.
* A ``[task."..."]`` table overrides the defaults key by key; ``escalate`` is one value, so a
  task's ``escalate`` replaces the default one whole (repeat ``notify`` if you want to keep it).
* A policy whose ``grace`` is set must escalate somewhere (a ``message`` or ``notify``).
* Unknown keys, wrong types and bad values raise :class:`PolicyError` naming file and key.

Without a file (``load_policy(None)`` or a missing path) the built-in defaults apply: Belgian
public holidays in Europe/Brussels (no extra holidays), working days Monday to Friday,
reminders one day before and on the due date at 09:00 local, then weekly, to the assignee,
only on working days; escalation 5 working days after the due date, notifying ``role:chair``;
no fallback due rule.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal, cast

from engine.timing.calendar import WorkCalendar
from engine.timing.duerules import parse_due, validate_due

__all__ = [
    "DEFAULT_TASK_POLICY",
    "Offset",
    "Policy",
    "PolicyError",
    "TaskPolicy",
    "escalation_time",
    "load_policy",
    "next_repeat",
    "parse_offset",
    "reminder_times",
]

OffsetUnit = Literal["d", "w", "wd"]

_OFFSET = re.compile(r"^(?P<sign>[+-]?)(?P<amount>\d+)(?P<unit>wd|d|w)$", re.IGNORECASE)
_TIME = re.compile(r"^(?P<hour>\d{1,2}):(?P<minute>\d{2})$")
_RECIPIENT = re.compile(r"^(?:assignee|role|(?:role|user):\S+)$")
_REPEATS: dict[str, timedelta | None] = {
    "daily": timedelta(days=1),
    "dagelijks": timedelta(days=1),
    "weekly": timedelta(weeks=1),
    "wekelijks": timedelta(weeks=1),
    "none": None,
    "geen": None,
    "": None,
}
_NONE_WORDS = ("none", "geen")
_TOP_KEYS = ("calendar", "defaults", "task")
_CALENDAR_KEYS = ("country", "subdivision", "timezone", "extra_holidays", "work_days")
_TASK_KEYS = (
    "due",
    "reminder_time",
    "reminders",
    "repeat",
    "remind",
    "grace",
    "escalate",
    "working_days_only",
)
_ESCALATE_KEYS = ("message", "notify")


class PolicyError(ValueError):
    """A policy file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Offset:
    """A reminder offset from the due date: ``amount`` (signed) of ``unit`` d, w or wd."""

    amount: int
    unit: OffsetUnit
    label: str

    def days(self) -> int:
        """The offset in calendar days (working-day offsets count each working day as one)."""
        return self.amount * 7 if self.unit == "w" else self.amount


def parse_offset(text: str) -> Offset:
    """Parse ``"-7d"``, ``"0d"``, ``"+1d"``, ``"-2w"`` or ``"-3wd"``; ``ValueError`` if not."""
    match = _OFFSET.match(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise ValueError(
            f"bad offset {text!r}: expected [+|-]N followed by d, w or wd, such as '-7d', "
            "'0d', '+1d', '-2w', '-3wd'"
        )
    amount = int(match["amount"]) * (-1 if match["sign"] == "-" else 1)
    unit = cast(OffsetUnit, match["unit"].lower())
    sign = "+" if amount > 0 else "-" if amount < 0 else ""
    return Offset(amount=amount, unit=unit, label=f"{sign}{abs(amount)}{unit}")


@dataclass(frozen=True)
class TaskPolicy:
    """When to remind about one task and when and how to escalate it."""

    due: str | None = None
    reminders: tuple[Offset, ...] = (parse_offset("-1d"), parse_offset("0d"))
    repeat: timedelta | None = timedelta(weeks=1)
    remind: tuple[str, ...] = ("assignee",)
    grace: str | None = "5 working days"
    escalate_message: str | None = None
    escalate_notify: tuple[str, ...] = ("role:chair",)
    reminder_time: time = time(9, 0)
    working_days_only: bool = True


DEFAULT_TASK_POLICY = TaskPolicy()
"""The built-in defaults (see the module docstring)."""


@dataclass(frozen=True)
class Policy:
    """The calendar, the defaults, and per-task policies keyed ``"process_id/element_id"``.

    ``tasks`` holds complete policies: entries loaded from a file are already merged over the
    defaults.
    """

    calendar: WorkCalendar = field(default_factory=WorkCalendar)
    defaults: TaskPolicy = DEFAULT_TASK_POLICY
    tasks: dict[str, TaskPolicy] = field(default_factory=dict)

    def for_task(self, process_id: str, element_id: str) -> TaskPolicy:
        """The policy of one task: its own entry (merged over the defaults), else the defaults."""
        return self.tasks.get(f"{process_id}/{element_id}", self.defaults)


def load_policy(path: Path | None) -> Policy:
    """Load a policy file, or every ``*.toml`` in a folder (merged: ``[calendar]`` and
    ``[defaults]`` may appear in one file only, each task in one file only). None or a missing
    path gives the built-in defaults."""
    if path is None or not Path(path).exists():
        return Policy()
    path = Path(path)
    if not path.is_dir():
        return _build_policy(_read_toml(path), _Where(str(path)))
    merged: dict[str, Any] = {}
    owner: dict[str, Path] = {}
    for file in sorted(path.glob("*.toml")):
        raw = _read_toml(file)
        _build_policy(raw, _Where(str(file)))  # each file must be valid on its own
        for key, value in raw.items():
            if key == "task" and isinstance(value, dict):
                for name in value:
                    if f"task.{name}" in owner:
                        raise PolicyError(
                            f"{file}: task.{name!r}: also set in {owner[f'task.{name}']}"
                        )
                    owner[f"task.{name}"] = file
                merged.setdefault("task", {}).update(value)
            elif key in merged:
                raise PolicyError(f"{file}: [{key}]: also set in {owner[key]}")
            else:
                merged[key], owner[key] = value, file
    return _build_policy(merged, _Where(str(path)))


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"{path}: invalid TOML: {exc}") from exc
    except OSError as exc:
        raise PolicyError(f"{path}: cannot read policy file: {exc}") from exc


# --- scheduling -------------------------------------------------------------------------------


def reminder_times(
    policy: TaskPolicy, due_at: datetime, calendar: WorkCalendar
) -> list[tuple[str, datetime]]:
    """One ``(offset label, UTC instant)`` per reminder offset, sorted by time.

    Each is the due date's local date shifted by the offset, at ``reminder_time`` local. With
    ``working_days_only`` a day off moves back to the previous working day for offsets <= 0 and
    forward to the next one for positive offsets. Same instants keep the first label listed.
    """
    due_day = calendar.local_date(due_at)
    seen: dict[datetime, str] = {}
    for offset in policy.reminders:
        day = _reminder_day(offset, due_day, calendar, policy.working_days_only)
        seen.setdefault(calendar.at_local(day, policy.reminder_time), offset.label)
    return sorted(((label, when) for when, label in seen.items()), key=lambda item: item[1])


def next_repeat(policy: TaskPolicy, last: datetime, calendar: WorkCalendar) -> datetime | None:
    """The reminder after ``last``: ``repeat`` later (whole local days, at least one), at
    ``reminder_time`` local, moved on to the next working day if needed. None without repeat."""
    if policy.repeat is None:
        return None
    step = max(1, round(policy.repeat / timedelta(days=1)))
    day = calendar.local_date(last) + timedelta(days=step)
    if policy.working_days_only:
        day = calendar.next_working_day(day)
    return calendar.at_local(day, policy.reminder_time)


def escalation_time(
    policy: TaskPolicy, due_at: datetime, calendar: WorkCalendar
) -> datetime | None:
    """When an overdue task escalates: ``grace`` counted from ``due_at``; None without grace."""
    if policy.grace is None:
        return None
    return parse_due(policy.grace).compute(due_at, {}, calendar)


def _reminder_day(
    offset: Offset, due_day: date, calendar: WorkCalendar, working_only: bool
) -> date:
    if offset.unit == "wd" and offset.amount != 0:
        day = calendar.shift_working_days(due_day, offset.amount)
    else:
        day = due_day + timedelta(days=offset.days())
    if not working_only or calendar.is_working_day(day):
        return day
    if offset.amount <= 0:
        return calendar.previous_working_day(day)
    return calendar.next_working_day(day)


# --- loading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Where:
    """The file and key a value came from, for error messages."""

    file: str
    key: str = ""

    def child(self, key: str) -> _Where:
        return _Where(self.file, f"{self.key}.{key}" if self.key else key)

    def item(self, index: int) -> _Where:
        return _Where(self.file, f"{self.key}[{index}]")

    def error(self, message: str) -> PolicyError:
        return PolicyError(f"{self.file}: {self.key}: {message}")


def _build_policy(raw: dict[str, Any], where: _Where) -> Policy:
    _check_keys(raw, _TOP_KEYS, where, "top-level table")
    calendar = _build_calendar(_table(raw, "calendar", where), where.child("calendar"))
    defaults_where = where.child("defaults")
    defaults = _merge(DEFAULT_TASK_POLICY, _table(raw, "defaults", where), defaults_where)
    tasks: dict[str, TaskPolicy] = {}
    for key, entry in _table(raw, "task", where).items():
        task_where = where.child(f'task."{key}"')
        _check_task_key(key, task_where)
        if not isinstance(entry, dict):
            raise task_where.error(f"must be a table, got {_kind(entry)}")
        tasks[key] = _merge(defaults, entry, task_where)
    return Policy(calendar=calendar, defaults=defaults, tasks=tasks)


def _build_calendar(raw: dict[str, Any], where: _Where) -> WorkCalendar:
    _check_keys(raw, _CALENDAR_KEYS, where, "key")
    settings: dict[str, Any] = {}
    for key in ("country", "timezone"):
        if key in raw:
            settings[key] = _text(raw[key], where.child(key))
    if "subdivision" in raw:
        settings["subdivision"] = _text(raw["subdivision"], where.child("subdivision")) or None
    if "extra_holidays" in raw:
        settings["extra_holidays"] = _texts(raw["extra_holidays"], where.child("extra_holidays"))
    if "work_days" in raw:
        settings["work_days"] = _work_days(raw["work_days"], where.child("work_days"))
    try:
        return WorkCalendar(**settings)
    except ValueError as exc:
        raise where.error(str(exc)) from exc


def _merge(base: TaskPolicy, raw: dict[str, Any], where: _Where) -> TaskPolicy:
    _check_keys(raw, _TASK_KEYS, where, "key")
    changes: dict[str, Any] = {}
    for key, value in raw.items():
        changes.update(_TASK_PARSERS[key](value, where.child(key)))
    merged = replace(base, **changes)
    if merged.grace is not None and not (merged.escalate_message or merged.escalate_notify):
        raise where.error(
            f"grace is {merged.grace!r} but escalate has neither 'message' nor 'notify'; "
            'every overdue wait needs an escalation path (or set grace = "none")'
        )
    return merged


def _parse_due_key(value: Any, where: _Where) -> dict[str, Any]:
    text = _text(value, where)
    if text.strip().lower() in _NONE_WORDS:
        return {"due": None}
    problem = validate_due(text)
    if problem is not None:
        raise where.error(problem)
    return {"due": text}


def _parse_grace(value: Any, where: _Where) -> dict[str, Any]:
    text = _text(value, where)
    if text.strip().lower() in _NONE_WORDS:
        return {"grace": None}
    problem = validate_due(text)
    if problem is not None:
        raise where.error(problem)
    rule = parse_due(text)
    if rule.variable is not None:
        raise where.error(
            f"grace {text!r} must be counted from the due date (such as '5 working days' or "
            f"'P3D'), not from a case variable ({rule.variable!r})"
        )
    return {"grace": text}


def _parse_reminder_time(value: Any, where: _Where) -> dict[str, Any]:
    text = _text(value, where)
    match = _TIME.match(text.strip())
    if match is None or int(match["hour"]) > 23 or int(match["minute"]) > 59:
        raise where.error(f"bad time {text!r}: expected HH:MM between 00:00 and 23:59")
    return {"reminder_time": time(int(match["hour"]), int(match["minute"]))}


def _parse_reminders(value: Any, where: _Where) -> dict[str, Any]:
    offsets = []
    for index, text in enumerate(_texts(value, where)):
        try:
            offsets.append(parse_offset(text))
        except ValueError as exc:
            raise where.item(index).error(str(exc)) from exc
    return {"reminders": tuple(offsets)}


def _parse_repeat(value: Any, where: _Where) -> dict[str, Any]:
    text = _text(value, where).strip().lower()
    if text not in _REPEATS:
        raise where.error(f"bad repeat {value!r}: expected 'daily', 'weekly' or 'none'")
    return {"repeat": _REPEATS[text]}


def _parse_remind(value: Any, where: _Where) -> dict[str, Any]:
    return {"remind": _recipients(value, where)}


def _parse_escalate(value: Any, where: _Where) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise where.error(f"must be a table such as {{ notify = [...] }}, got {_kind(value)}")
    _check_keys(value, _ESCALATE_KEYS, where, "key")
    message = None
    if "message" in value:
        message = _text(value["message"], where.child("message")).strip()
        if not message:
            raise where.child("message").error("must name a BPMN message, got an empty string")
    notify = _recipients(value.get("notify", []), where.child("notify"))
    return {"escalate_message": message, "escalate_notify": notify}


def _parse_working_days_only(value: Any, where: _Where) -> dict[str, Any]:
    if not isinstance(value, bool):
        raise where.error(f"must be true or false, got {_kind(value)} {value!r}")
    return {"working_days_only": value}


_TASK_PARSERS = {
    "due": _parse_due_key,
    "reminder_time": _parse_reminder_time,
    "reminders": _parse_reminders,
    "repeat": _parse_repeat,
    "remind": _parse_remind,
    "grace": _parse_grace,
    "escalate": _parse_escalate,
    "working_days_only": _parse_working_days_only,
}


def _recipients(value: Any, where: _Where) -> tuple[str, ...]:
    recipients = _texts(value, where)
    for index, text in enumerate(recipients):
        if not _RECIPIENT.match(text):
            raise where.item(index).error(
                f"bad recipient {text!r}: expected 'assignee', 'role', 'role:<role id>' "
                "or 'user:<user id>'"
            )
    return recipients


def _check_task_key(key: str, where: _Where) -> None:
    process_id, _, element_id = key.partition("/")
    if not process_id or not element_id or "/" in element_id:
        raise where.error(f"task key {key!r} must be 'process_id/task_element_id'")


def _check_keys(raw: dict[str, Any], allowed: tuple[str, ...], where: _Where, what: str) -> None:
    for key in raw:
        if key not in allowed:
            place = where.child(key)
            raise place.error(f"unknown {what} {key!r}; expected one of {', '.join(allowed)}")


def _table(raw: dict[str, Any], key: str, where: _Where) -> dict[str, Any]:
    value = raw.get(key, {})
    if not isinstance(value, dict):
        raise where.child(key).error(f"must be a table, got {_kind(value)}")
    return value


def _text(value: Any, where: _Where) -> str:
    if not isinstance(value, str):
        raise where.error(f"must be a string, got {_kind(value)} {value!r}")
    return value


def _texts(value: Any, where: _Where) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise where.error(f"must be a list of strings, got {_kind(value)} {value!r}")
    return tuple(_text(item, where.item(index)) for index, item in enumerate(value))


def _work_days(value: Any, where: _Where) -> tuple[int, ...]:
    if not isinstance(value, list) or not all(
        isinstance(item, int) and not isinstance(item, bool) for item in value
    ):
        raise where.error(f"must be a list of weekday numbers (Monday = 0), got {value!r}")
    return tuple(value)


def _kind(value: Any) -> str:
    names = {
        dict: "a table",
        list: "a list",
        str: "a string",
        bool: "a boolean",
        int: "an integer",
        float: "a float",
    }
    return names.get(type(value), f"a {type(value).__name__}")
