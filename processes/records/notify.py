"""Notifications from service handlers and task hooks, through the engine's outbox.

Templates and their parameters are described at the top of each file in
engine/notify/templates/notifications. A parameter may be given per language (``{"nl": ..., "en":
...}``): the recipient's language picks one, so dates (:func:`day_names`) and the names of
tasks (:func:`task_names`) go in both.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import select

from engine import ServiceCall
from engine.notify.notifications import day_names as _day_names
from engine.storage.models import Case
from processes.records.names import names_of

SYSTEM_USERS = frozenset({"system", "scheduler"})


def role_holders(call: ServiceCall, role: str, scope: str | None = None) -> list[str]:
    """Active users holding `role` (unscoped, or for `scope`), sorted."""
    return call.role_holders(role, scope)


def notify(
    call: ServiceCall,
    users: Iterable[str],
    *,
    event: str,
    template: str,
    params: dict[str, Any],
) -> list[str]:
    """Queue `template` for each user (once per step and event); returns who was notified."""
    notified = []
    for user_id in dict.fromkeys(users):
        if user_id in SYSTEM_USERS:
            continue
        call.notify(user_id, template, params, event=f"case:{call.case_id}:{call.task_id}:{event}")
        notified.append(user_id)
    return notified


def day_names(day: date | None) -> dict[str, str] | str:
    """A date in both languages ("9 december 2026", "9 December 2026"); "-" for none."""
    return _day_names(day) if day is not None else "-"


def task_names(name: str | None) -> dict[str, str] | str:
    """A model element's (Dutch) name in both languages."""
    return names_of(name) if name else ""


def case_starter(call: ServiceCall, case_id: int) -> tuple[str | None, str | None]:
    """Who started case `case_id` (None for the system) and its title."""
    row = call.session.execute(
        select(Case.started_by, Case.title).where(Case.id == case_id)
    ).one_or_none()
    if row is None:
        return None, None
    starter = row.started_by if row.started_by not in SYSTEM_USERS else None
    return starter, row.title
