"""The engine's tables. Generic: process versions, cases, tasks, incidents, users, audit."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC without zone (portable); always hands back timezone-aware UTC datetimes."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, datetime: UTCDateTime}


class ProcessVersion(Base):
    """One deployed version of one executable process. Specs are stored here, once."""

    __tablename__ = "process_version"
    __table_args__ = (
        UniqueConstraint("process_id", "version", name="uq_process_version_number"),
        Index("ix_process_version_hash", "process_id", "content_hash"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    process_id: Mapped[str] = mapped_column(String(255), index=True)
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str | None] = mapped_column(String(255))
    content_hash: Mapped[str] = mapped_column(String(64))
    spec_json: Mapped[str] = mapped_column(Text)
    source_file: Mapped[str] = mapped_column(String(255))
    source_xml: Mapped[str] = mapped_column(Text)
    deployed_at: Mapped[datetime]
    deployed_by: Mapped[str] = mapped_column(String(100))


class Case(Base):
    """A running or finished instance of a process version."""

    __tablename__ = "case_instance"
    __table_args__ = (
        Index("ix_case_process_status", "process_id", "status"),
        Index("ix_case_started_by", "started_by", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_version.id"))
    process_id: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(20), index=True)
    suspended: Mapped[bool] = mapped_column(Boolean, default=False)
    title: Mapped[str | None] = mapped_column(String(500))
    started_by: Mapped[str] = mapped_column(String(100))
    started_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    revision: Mapped[int] = mapped_column(Integer, default=1)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    state_json: Mapped[str] = mapped_column(Text)
    paused_at: Mapped[datetime | None]
    visited: Mapped[list[str] | None] = mapped_column(JSON)


class CaseTask(Base):
    """A user or manual task as a queryable row.

    Who may act: the `assignee` if set; otherwise anyone holding `role` (unscoped, or for this
    `scope`).
    """

    __tablename__ = "case_task"
    __table_args__ = (
        Index("ix_case_task_case", "case_id", "state"),
        # The inbox: ready tasks for me by name, or for my roles when nobody is named. All
        # ready tasks (`ready_tasks`) are the two together: no index on `state` of every row,
        # which each completion would rewrite (three pages fewer per case, migration 0011).
        Index("ix_case_task_ready_assignee", "assignee",
              postgresql_where=text("state = 'ready' AND assignee IS NOT NULL"),
              sqlite_where=text("state = 'ready' AND assignee IS NOT NULL")),
        Index("ix_case_task_ready_role", "role", "scope",
              postgresql_where=text("state = 'ready' AND assignee IS NULL"),
              sqlite_where=text("state = 'ready' AND assignee IS NULL")),
        # Involvement (cases I have or had a task in), for case lists. Partial: a task row that
        # names nobody costs these indexes nothing (three pages fewer per commit).
        Index("ix_case_task_assignee", "assignee", postgresql_where=text("assignee IS NOT NULL"),
              sqlite_where=text("assignee IS NOT NULL")),
        Index("ix_case_task_completed_by", "completed_by",
              postgresql_where=text("completed_by IS NOT NULL"),
              sqlite_where=text("completed_by IS NOT NULL")),
        Index("ix_case_task_claimed_by", "claimed_by",
              postgresql_where=text("claimed_by IS NOT NULL"),
              sqlite_where=text("claimed_by IS NOT NULL")),
    )  # fmt: skip

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_instance.id"))
    process_id: Mapped[str] = mapped_column(String(255))
    element_id: Mapped[str] = mapped_column(String(255))
    name: Mapped[str | None] = mapped_column(String(500))
    lane: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(100))
    scope: Mapped[str | None] = mapped_column(String(100))
    assignee: Mapped[str | None] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(20))
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]
    completed_by: Mapped[str | None] = mapped_column(String(100))
    due_at: Mapped[datetime | None]
    submitted: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True), deferred=True)
    """The data the person completed the task with (validated), kept on the latest completion of
    this task in the case only, so that the same task coming back can offer it again
    (`Engine.last_submission`)."""


class Incident(Base):
    """Something automatic that failed and needs an admin.

    kind `engine`: a step of the case failed; the case waits in state `incident` until retried.
    kind `notification`: a notification could not be delivered after its retries; the case goes on.
    """

    __tablename__ = "incident"
    __table_args__ = (Index("ix_incident_open", "status", "case_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), default="engine")
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_instance.id"))
    notification_id: Mapped[int | None] = mapped_column(Integer)
    task_id: Mapped[str | None] = mapped_column(String(36))
    element_id: Mapped[str | None] = mapped_column(String(255))
    error_type: Mapped[str] = mapped_column(String(100))
    message: Mapped[str] = mapped_column(Text)
    line: Mapped[int | None] = mapped_column(Integer)
    error_line: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="open")
    created_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[str | None] = mapped_column(String(100))


class UserAccount(Base):
    __tablename__ = "user_account"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    language: Mapped[str] = mapped_column(String(5), default="nl")
    notify_mode: Mapped[str] = mapped_column(String(20), default="immediate")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]


class RoleGrant(Base):
    """A role held by a user, optionally limited to a scope (an organisation, a working group)."""

    __tablename__ = "role_grant"
    __table_args__ = (UniqueConstraint("user_id", "role", "scope", name="uq_role_grant"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("user_account.id"), index=True)
    role: Mapped[str] = mapped_column(String(100))
    scope: Mapped[str | None] = mapped_column(String(100))


class AuditEntry(Base):
    """Append-only, hash-chained record of every change. Triggers refuse UPDATE and DELETE."""

    __tablename__ = "audit_trail"
    __table_args__ = (Index("ix_audit_case", "case_id", "seq"),)

    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False
    )
    """The writer numbers the rows. On SQLite an `INTEGER PRIMARY KEY`, so the rowid itself: a
    BIGINT key there would be a second b-tree beside the table, written with every row (0011)."""
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(100))
    on_behalf_of: Mapped[str | None] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(60))
    case_id: Mapped[int | None] = mapped_column(Integer)
    task_id: Mapped[str | None] = mapped_column(String(36))
    element_id: Mapped[str | None] = mapped_column(String(255))
    changes: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """One row: the last sequence number and hash. Writers lock it to extend the chain."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))


class AuditCheckpoint(Base):
    """One row: how far the chain was last verified, so the next check can start there.

    Written after a verification succeeds; it only ever moves forward (a monotonic upsert), so
    two verifiers racing leave the furthest point.
    """

    __tablename__ = "audit_checkpoint"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
    verified_at: Mapped[datetime]
    checked: Mapped[int] = mapped_column(BigInteger)


class ScheduledJob(Base):
    """Work due at a time: a BPMN timer, a reminder, an escalation, a deferred message.

    Written in the same transaction as its cause. The scheduler claims due rows, fires them
    through the engine and marks them done, once. `key` makes creation idempotent.
    """

    __tablename__ = "scheduled_job"
    __table_args__ = (
        Index("ix_job_due", "status", "due_at"),
        Index("ix_job_case", "case_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_instance.id"))
    task_id: Mapped[str | None] = mapped_column(String(36))
    element_id: Mapped[str | None] = mapped_column(String(255))
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(20), default="pending")
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claim_token: Mapped[int | None] = mapped_column(BigInteger)
    claimed_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    done_at: Mapped[datetime | None]


class Notification(Base):
    """Outbox row: written with its cause, delivered after commit, at most once per key."""

    __tablename__ = "notification"
    __table_args__ = (
        Index("ix_notification_user", "user_id", "channel", "read_at"),
        Index("ix_notification_send", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(400), unique=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("user_account.id"))
    channel: Mapped[str] = mapped_column(String(20))
    case_id: Mapped[int | None] = mapped_column(Integer)
    template: Mapped[str] = mapped_column(String(100))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    read_at: Mapped[datetime | None]


class SchedulerLease(Base):
    """Leadership of the scheduler. `token` grows with every new leader: a fencing token."""

    __tablename__ = "scheduler_lease"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    holder: Mapped[str | None] = mapped_column(String(200))
    token: Mapped[int] = mapped_column(BigInteger, default=0)
    expires_at: Mapped[datetime | None]


class Deputy(Base):
    """`deputy_id` acts for `user_id` from `starts` until `ends` (tasks route to the deputy)."""

    __tablename__ = "deputy"
    __table_args__ = (Index("ix_deputy_deputy", "deputy_id", "ends"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("user_account.id"))
    deputy_id: Mapped[str] = mapped_column(ForeignKey("user_account.id"))
    starts: Mapped[datetime]
    ends: Mapped[datetime]
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(100))


class CaseDocument(Base):
    """A file attached to a case. The bytes live on disk, named by their sha256."""

    __tablename__ = "case_document"
    __table_args__ = (Index("ix_case_document_case", "case_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_instance.id"))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(120))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[str] = mapped_column(String(100))
    uploaded_at: Mapped[datetime]


class CaseComment(Base):
    """A remark someone left on a case."""

    __tablename__ = "case_comment"
    __table_args__ = (Index("ix_case_comment_case", "case_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_instance.id"))
    author: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
