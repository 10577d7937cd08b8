"""Scheduled work kept in our own table: BPMN timers, task reminders and escalations, and
deferred internal events (a message to another case, a new case). Rows are written in the same
transaction as their cause; the scheduler claims and fires them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, literal, or_, select, update
from sqlalchemy.orm import Session

from engine.storage import hotsql
from engine.storage.models import ScheduledJob, SchedulerLease
from engine.storage.sqlutil import insert_ignoring_duplicates
from engine.storage.work import announce_work

TIMER, REMINDER, ESCALATION, MESSAGE, START = "timer", "reminder", "escalation", "message", "start"
OPEN = ("pending", "claimed")
LEASE = "scheduler"


class LeaseLost(Exception):
    """This scheduler is no longer the leader (its fencing token is stale); nothing was written."""


@dataclass(frozen=True)
class Fence:
    """Who fires: the scheduler leader with its token, or the engine itself right after a commit."""

    holder: str
    token: int | None


@dataclass(frozen=True)
class Job:
    id: int
    kind: str
    case_id: int | None
    task_id: str | None
    element_id: str | None
    due_at: datetime
    payload: dict[str, Any]
    attempts: int


def job_row(
    *,
    key: str,
    kind: str,
    due_at: datetime,
    now: datetime,
    case_id: int | None = None,
    task_id: str | None = None,
    element_id: str | None = None,
    payload: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "key": key,
        "kind": kind,
        "case_id": case_id,
        "task_id": task_id,
        "element_id": element_id,
        "due_at": due_at,
        "status": "pending",
        "payload": payload or {},
        "attempts": 0,
        "created_at": now,
    }


def add(session: Session, rows: list[dict[str, Any]]) -> int:
    inserted = insert_ignoring_duplicates(session, ScheduledJob.__table__, rows)
    if inserted:
        announce_work(session, min(row["due_at"] for row in rows))
    return inserted


def sync_timers(
    session: Session, case_id: int, waiting: Iterable[tuple[str, str, datetime]], now: datetime
) -> None:
    """Make the pending timer rows of a case match the timers its workflow waits on."""
    wanted = {(task_id, due): element for task_id, element, due in waiting}
    existing = session.execute(
        select(
            ScheduledJob.id, ScheduledJob.task_id, ScheduledJob.due_at, ScheduledJob.status
        ).where(
            ScheduledJob.case_id == case_id,
            ScheduledJob.kind == TIMER,
            ScheduledJob.status.in_((*OPEN, "paused")),
        )
    ).all()
    have = {(row.task_id, row.due_at) for row in existing}
    stale = [
        row.id
        for row in existing
        if row.status != "claimed" and (row.task_id, row.due_at) not in wanted
    ]
    if stale:
        session.execute(
            update(ScheduledJob)
            .where(ScheduledJob.id.in_(stale))
            .values(status="cancelled", done_at=now)
        )
    add(
        session,
        [
            job_row(
                key=f"timer:{task_id}:{due.isoformat()}",
                kind=TIMER,
                due_at=due,
                now=now,
                case_id=case_id,
                task_id=task_id,
                element_id=element,
            )
            for (task_id, due), element in wanted.items()
            if (task_id, due) not in have
        ],
    )


CANCEL_FOR_TASK = (
    update(ScheduledJob)
    .where(
        ScheduledJob.case_id == bindparam("case_id"),
        ScheduledJob.task_id == bindparam("task_id"),
        # fixed lists, not expanding IN parameters: `hotsql.run` sends the statement as it is
        ScheduledJob.kind.in_([literal(REMINDER), literal(ESCALATION)]),
        ScheduledJob.status.in_([literal("pending"), literal("paused")]),
    )
    .values(status="cancelled", done_at=bindparam("now"))
)
"""The reminders and escalations of one done task, found by the case's index."""


def cancel_for_tasks(
    session: Session, case_id: int, task_ids: Iterable[str], now: datetime
) -> None:
    """Cancel the reminders and escalations of tasks that are done (by the case's index): one
    prebuilt statement per task, all in one go; on PostgreSQL it waits for the transaction's
    next statement or its COMMIT (nothing here needs its row count)."""
    params = [{"case_id": case_id, "task_id": task_id, "now": now} for task_id in task_ids]
    if params:
        hotsql.run(session, CANCEL_FOR_TASK, params if len(params) > 1 else params[0], defer=True)


def cancel_case(session: Session, case_id: int, now: datetime) -> None:
    session.execute(
        update(ScheduledJob)
        .where(ScheduledJob.case_id == case_id, ScheduledJob.status.in_(("pending", "paused")))
        .values(status="cancelled", done_at=now)
    )


def pause_case(session: Session, case_id: int) -> None:
    session.execute(
        update(ScheduledJob)
        .where(ScheduledJob.case_id == case_id, ScheduledJob.status == "pending")
        .values(status="paused")
    )


def resume_case(session: Session, case_id: int, delta: timedelta) -> None:
    """Put paused jobs back, each moved on by how long the case was suspended."""
    paused = session.execute(
        select(ScheduledJob.id, ScheduledJob.due_at).where(
            ScheduledJob.case_id == case_id, ScheduledJob.status == "paused"
        )
    ).all()
    for row in paused:
        session.execute(
            update(ScheduledJob)
            .where(ScheduledJob.id == row.id)
            .values(status="pending", due_at=row.due_at + delta)
        )


def next_due(session: Session) -> datetime | None:
    return session.execute(
        select(ScheduledJob.due_at)
        .where(ScheduledJob.status == "pending")
        .order_by(ScheduledJob.due_at)
        .limit(1)
    ).scalar_one_or_none()


# -- claiming and finishing ------------------------------------------------------------------


def claim_due(session: Session, fence: Fence, now: datetime, limit: int) -> list[Job]:
    """Claim up to `limit` due jobs, oldest first. Jobs claimed under an older token (a leader
    that lost its lease mid-run) are claimable again: its late writes are refused anyway."""
    claimable = or_(
        ScheduledJob.status == "pending",
        and_(ScheduledJob.status == "claimed", ScheduledJob.claim_token < (fence.token or 0)),
    )
    query = (
        select(ScheduledJob.id)
        .where(claimable, ScheduledJob.due_at <= now)
        .order_by(ScheduledJob.due_at, ScheduledJob.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = list(session.execute(query).scalars())
    if not ids:
        return []
    session.execute(
        update(ScheduledJob)
        .where(ScheduledJob.id.in_(ids), claimable)
        .values(status="claimed", claimed_by=fence.holder, claim_token=fence.token, claimed_at=now)
    )
    rows = session.execute(
        select(ScheduledJob)
        .where(
            ScheduledJob.id.in_(ids),
            ScheduledJob.claimed_by == fence.holder,
            ScheduledJob.status == "claimed",
        )
        .order_by(ScheduledJob.due_at, ScheduledJob.id)
    ).scalars()
    return [_job(row) for row in rows]


def claim_one(session: Session, job_id: int, fence: Fence, now: datetime) -> Job | None:
    claimed = session.execute(
        update(ScheduledJob)
        .where(ScheduledJob.id == job_id, ScheduledJob.status == "pending")
        .values(status="claimed", claimed_by=fence.holder, claim_token=fence.token, claimed_at=now)
    )
    if claimed.rowcount != 1:
        return None
    row = session.get(ScheduledJob, job_id)
    return _job(row) if row is not None else None


def claim_by_key(session: Session, key: str, fence: Fence, now: datetime) -> Job | None:
    job_id = session.execute(select(ScheduledJob.id).where(ScheduledJob.key == key)).scalar()
    return None if job_id is None else claim_one(session, job_id, fence, now)


def _job(row: ScheduledJob) -> Job:
    return Job(
        row.id,
        row.kind,
        row.case_id,
        row.task_id,
        row.element_id,
        row.due_at,
        dict(row.payload or {}),
        row.attempts,
    )


def check_fence(session: Session, fence: Fence) -> None:
    """Inside the write that fires a job: refuse if a newer leader holds the lease. On
    PostgreSQL the share lock keeps the lease from changing until this transaction ends."""
    if fence.token is None:
        return
    query = select(SchedulerLease.holder, SchedulerLease.token).where(SchedulerLease.name == LEASE)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(read=True)
    lease = session.execute(query).one()
    if lease.holder != fence.holder or lease.token != fence.token:
        raise LeaseLost(f"{fence.holder} lost the scheduler lease (token {fence.token})")


def finish(session: Session, job: Job, fence: Fence, now: datetime, status: str = "done") -> None:
    """Mark a claimed job done in the transaction that applied its effect."""
    done = session.execute(
        update(ScheduledJob)
        .where(
            ScheduledJob.id == job.id,
            ScheduledJob.status == "claimed",
            ScheduledJob.claimed_by == fence.holder,
        )
        .values(status=status, done_at=now)
    )
    if done.rowcount != 1:
        raise LeaseLost(f"job {job.id} is no longer claimed by {fence.holder}")


def release(
    session: Session,
    job: Job,
    fence: Fence,
    error: str | None,
    retry_at: datetime,
    give_up: bool,
    now: datetime,
) -> None:
    """After a failed attempt: back to pending for a later try, or failed for good."""
    session.execute(
        update(ScheduledJob)
        .where(
            ScheduledJob.id == job.id,
            ScheduledJob.status == "claimed",
            ScheduledJob.claimed_by == fence.holder,
        )
        .values(
            status="failed" if give_up else "pending",
            attempts=job.attempts + 1,
            last_error=error,
            due_at=job.due_at if give_up else retry_at,
            done_at=now if give_up else None,
            claimed_by=None,
        )
    )
