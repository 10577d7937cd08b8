"""Notifications from service handlers, through the engine's outbox (existing templates only).

Templates and their parameters (engine/templates/notifications): ``task_assigned`` (task_name,
case_title, assigned_by), ``reminder`` (task_name, case_title, due_date), ``escalation``
(task_name, case_title, assignee, days_overdue).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from engine import ServiceCall


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
        call.notify(user_id, template, params, event=f"case:{call.case_id}:{call.task_id}:{event}")
        notified.append(user_id)
    return notified
