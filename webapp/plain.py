"""Case data as people read it: no Python dicts or lists, no ISO dates, no codes where a name
is known.

`plain(value)` turns any JSON-like value from a case into text: a text per language
(``{"nl": ..., "en": ...}``) in the current language, ISO dates and moments as Dutch or English
dates, yes/no for booleans, organisation codes as their names, lists joined with commas, and
records as "Label: value" parts joined with semicolons.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from flask import g
from flask_babel import gettext as _

from webapp.i18n import day, localized, when

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|Z)?$")
EMPTY = "—"


def organisation_names() -> dict[str, str]:
    """Organisation names by code (once per request)."""
    found = g.get("_organisation_names")
    if found is None:
        from processes.records import queries
        from webapp.identity import engine

        with engine().db.read() as session:
            found = {o.organisation_id: o.name for o in queries.organisations(session)}
        g._organisation_names = found
    return found


def _is_translation(value: Mapping[str, Any]) -> bool:
    return bool(value) and set(value) <= {"nl", "en"}


def label_of(key: str) -> str:
    """A data key as a label: "agenda_deadline" → "Agenda deadline"."""
    return key.replace("_", " ").strip().capitalize()


def plain(value: Any, choices: Mapping[str, str] | None = None) -> str:
    """`value` as text for a page (see the module docstring)."""
    named = choices or {}
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if isinstance(value, bool):
        return _("ja") if value else _("nee")
    if isinstance(value, datetime):
        return when(value)
    if isinstance(value, date):
        return day(value)
    if isinstance(value, int | float):
        return named.get(str(value), str(value))  # a decision or topic by name, not number
    if isinstance(value, str):
        return _text(value, named)
    if isinstance(value, Mapping):
        if _is_translation(value):
            return localized(dict(value)) or EMPTY
        shown = [(str(k), v) for k, v in value.items() if not str(k).startswith("_")]
        parts = [f"{label_of(k)}: {plain(v)}" for k, v in shown]
        return "; ".join(parts) or EMPTY
    if isinstance(value, list | tuple):
        return ", ".join(plain(v, named) for v in value) or EMPTY
    return str(value)


def _text(value: str, named: Mapping[str, str]) -> str:
    if value in named:
        return str(named[value])
    if ISO_DATE.match(value):
        try:
            return day(date.fromisoformat(value))
        except ValueError:
            return value
    if ISO_MOMENT.match(value):
        try:
            return when(datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            return value
    organisations = organisation_names()
    return organisations.get(value, value)


def meeting_titles() -> dict[int, str]:
    """Meeting titles by meeting id (once per request)."""
    found = g.get("_meeting_titles")
    if found is None:
        from sqlalchemy import select

        from processes.records.models import Meeting
        from webapp.identity import engine

        with engine().db.read() as session:
            rows = session.execute(select(Meeting.id, Meeting.title)).all()
        found = {row.id: row.title for row in rows}
        g._meeting_titles = found
    return found


def meeting_of(value: Any) -> str | None:
    """The title of the meeting a case refers to by id (None when it is not one)."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    try:
        return meeting_titles().get(int(value))
    except ValueError:
        return None


def working_group_names() -> dict[str, str]:
    """Working-group names by id (once per request)."""
    found = g.get("_working_group_names")
    if found is None:
        from sqlalchemy import select

        from processes.records.models import WorkingGroup
        from webapp.identity import engine

        with engine().db.read() as session:
            rows = session.execute(select(WorkingGroup.id, WorkingGroup.name)).all()
        found = {row.id: row.name for row in rows}
        g._working_group_names = found
    return found


def scope_label(scope: str | None) -> str:
    """What a role is scoped to, by name: an organisation or a working group."""
    if not scope:
        return ""
    return organisation_names().get(scope) or working_group_names().get(scope) or scope
