"""Small reads and checks on a case's rows that every part of the write path shares."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.errors import CaseStateError, Forbidden, NotFound, TaskConflict, TaskNotActive
from engine.people.actors import Actor
from engine.running.queries import CaseInfo
from engine.storage.models import Case, CaseTask

OPEN_STATUSES = ("running", "incident")


def shift_due_dates(session: Session, case_id: int, delta: timedelta) -> None:
    rows = session.execute(
        select(CaseTask.id, CaseTask.due_at).where(
            CaseTask.case_id == case_id, CaseTask.state == "ready", CaseTask.due_at.is_not(None)
        )
    ).all()
    for row in rows:
        session.execute(
            update(CaseTask).where(CaseTask.id == row.id).values(due_at=row.due_at + delta)
        )


@dataclass(frozen=True)
class CaseState:
    status: str
    suspended: bool
    revision: int


def case_state(session: Session, case_id: int) -> CaseState:
    row = session.execute(
        select(Case.status, Case.suspended, Case.revision).where(Case.id == case_id)
    ).one_or_none()
    if row is None:
        raise NotFound(f"case {case_id} not found")
    return CaseState(row.status, row.suspended, row.revision)


def case_info(session: Session, case_id: int) -> CaseInfo:
    from engine.running.queries import case_info

    info = case_info(session, case_id)
    if info is None:
        raise NotFound(f"case {case_id} not found")
    return info


def task_row(session: Session, task_id: str) -> CaseTask:
    row = (
        session.get(CaseTask, task_id) if isinstance(task_id, str) and len(task_id) <= 36 else None
    )
    if row is None:
        raise NotFound(f"task {task_id} not found")
    return row


def check_may_act(row: Any, actor: Actor) -> None:
    if not actor.may_act_on(row.role, row.scope, row.assignee):
        if row.assignee is not None:
            raise Forbidden(f"task {row.id} is assigned to another user")
        where = f" for {row.scope}" if row.scope else ""
        raise Forbidden(f"task {row.id} needs the role {row.role!r}{where}")


def check_ready(row: Any, actor: Actor) -> None:
    if row.state != "ready":
        raise TaskNotActive(f"task {row.id} is {row.state}, not ready")
    if row.claimed_by is not None and row.claimed_by != actor.user_id:
        raise TaskConflict(f"task {row.id} is claimed by {row.claimed_by}")


def check_case_open(case_id: int, status: str, suspended: bool) -> None:
    if status not in OPEN_STATUSES:
        raise TaskNotActive(f"case {case_id} is {status}")
    if suspended:
        raise CaseStateError(f"case {case_id} is suspended")


def require_admin(actor: Actor, what: str) -> None:
    if not (actor.is_admin or actor.is_system):
        raise Forbidden(f"only an admin may {what}")
