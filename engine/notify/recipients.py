"""Who gets a reminder or an escalation: resolved from a policy's `remind`/`notify` entries."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine.storage.models import CaseTask, RoleGrant, UserAccount


def holders(session: Session, role: str, scope: str | None) -> list[str]:
    """Active users holding `role` unscoped, or for `scope`."""
    scoped = (
        RoleGrant.scope.is_(None)
        if scope is None
        else or_(RoleGrant.scope.is_(None), RoleGrant.scope == scope)
    )
    rows = session.execute(
        select(RoleGrant.user_id)
        .join(UserAccount, UserAccount.id == RoleGrant.user_id)
        .where(RoleGrant.role == role, scoped, UserAccount.active.is_(True))
        .distinct()
        .order_by(RoleGrant.user_id)
    ).scalars()
    return list(rows)


def resolve(session: Session, entries: Iterable[str], task: CaseTask | None) -> list[str]:
    """assignee | role | role:<id> | user:<id>, in order, without duplicates."""
    found: list[str] = []
    for entry in entries:
        if entry == "assignee" and task is not None:
            who = task.assignee or task.claimed_by
            found.extend([who] if who else holders(session, task.role, task.scope))
        elif entry == "role" and task is not None:
            found.extend(holders(session, task.role, task.scope))
        elif entry.startswith("role:"):
            found.extend(holders(session, entry[5:], task.scope if task else None))
        elif entry.startswith("user:"):
            found.append(entry[5:])
    return list(dict.fromkeys(found))
