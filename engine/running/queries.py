"""Read models: what the facade hands out about cases, tasks, incidents and versions."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Select,
    String,
    and_,
    any_,
    bindparam,
    cast,
    func,
    or_,
    select,
    union,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session, defer

from engine.people.actors import Actor
from engine.storage import hotsql
from engine.storage.models import AuditEntry, Case, CaseTask, Incident, ProcessVersion


@dataclass(frozen=True)
class CaseInfo:
    id: int
    process_id: str
    version: int
    status: str
    suspended: bool
    title: str | None
    started_by: str
    started_at: datetime
    updated_at: datetime
    ended_at: datetime | None
    data: dict[str, Any]


@dataclass(frozen=True)
class TaskInfo:
    id: str
    case_id: int
    process_id: str
    element_id: str
    name: str | None
    lane: str | None
    role: str
    scope: str | None
    assignee: str | None
    state: str
    claimed_by: str | None
    created_at: datetime
    completed_at: datetime | None
    completed_by: str | None
    due_at: datetime | None

    @classmethod
    def of(cls, row: Any) -> TaskInfo:
        return cls(**{name: getattr(row, name) for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class IncidentInfo:
    id: int
    kind: str
    case_id: int | None
    notification_id: int | None
    task_id: str | None
    element_id: str | None
    error_type: str
    message: str
    line: int | None
    error_line: str | None
    status: str
    created_at: datetime

    @classmethod
    def of(cls, row: Incident) -> IncidentInfo:
        return cls(**{name: getattr(row, name) for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class VersionInfo:
    process_id: str
    version: int
    name: str | None
    content_hash: str
    source_file: str
    deployed_at: datetime
    deployed_by: str


@dataclass(frozen=True)
class DocumentInfo:
    id: int
    case_id: int
    filename: str
    content_type: str
    size_bytes: int
    sha256: str
    uploaded_by: str
    uploaded_at: datetime

    @classmethod
    def of(cls, row: Any) -> DocumentInfo:
        return cls(**{name: getattr(row, name) for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class CommentInfo:
    id: int
    case_id: int
    author: str
    body: str
    created_at: datetime

    @classmethod
    def of(cls, row: Any) -> CommentInfo:
        return cls(**{name: getattr(row, name) for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class AuditInfo:
    seq: int
    at: datetime
    actor: str
    on_behalf_of: str | None
    action: str
    case_id: int | None
    task_id: str | None
    element_id: str | None
    changes: dict[str, Any] | None
    reason: str | None

    @classmethod
    def of(cls, row: AuditEntry) -> AuditInfo:
        return cls(**{name: getattr(row, name) for name in cls.__dataclass_fields__})


def case_info(session: Session, case_id: int) -> CaseInfo | None:
    row = session.execute(
        select(Case, ProcessVersion.version)
        .join(ProcessVersion, ProcessVersion.id == Case.process_version_id)
        .where(Case.id == case_id)
        .options(defer(Case.state_json))
    ).one_or_none()
    if row is None:
        return None
    case, version = row
    return CaseInfo(
        id=case.id,
        process_id=case.process_id,
        version=version,
        status=case.status,
        suspended=case.suspended,
        title=case.title,
        started_by=case.started_by,
        started_at=case.started_at,
        updated_at=case.updated_at,
        ended_at=case.ended_at,
        data=dict(case.data or {}),
    )


def inbox(
    connection: Session | Connection, actor: Actor, role: str | None = None
) -> list[TaskInfo]:
    """Ready tasks this actor may act on: one query on the task table, each branch served by a
    partial index on ready tasks (named for me; or for my roles when nobody is named)."""
    ordered = _inbox_statement(actor.on_behalf_of or actor.user_id, actor.grants, role)
    rows = _bare(connection).execute(ordered).all()  # one fetch, not one per row
    return [TaskInfo(*row) for row in rows]  # the columns are TaskInfo's fields, in order


@functools.lru_cache(maxsize=512)
def _inbox_statement(
    me: str, grants: frozenset[tuple[str, str | None]], role: str | None
) -> Select[Any]:
    """The inbox query of whoever acts as `me` with these grants (built once: a few hundred
    microseconds of SQLAlchemy construction on every inbox page otherwise)."""
    branches = [select(*_INFO).where(CaseTask.state == "ready", CaseTask.assignee.in_([me]))]
    role_match = _role_match(Actor(me, grants))
    if role_match is not None:
        branches.append(
            select(*_INFO).where(CaseTask.state == "ready", CaseTask.assignee.is_(None), role_match)
        )
    query = union_all(*branches).subquery()
    statement = select(query)
    if role is not None:
        statement = statement.where(query.c.role == role)
    return statement.order_by(query.c.due_at, query.c.created_at)


def _bare(connection: Session | Connection) -> Connection:
    return connection.connection() if isinstance(connection, Session) else connection


def _role_match(actor: Actor) -> Any:
    """The roles (and role scopes) this actor holds, as a condition on task rows."""
    terms = []
    if actor.global_roles:
        terms.append(CaseTask.role.in_(sorted(actor.global_roles)))
    for scoped_role, scope in sorted(actor.scoped_roles):
        terms.append(and_(CaseTask.role == scoped_role, CaseTask.scope == scope))
    return or_(*terms) if terms else None


_TASK = tuple(CaseTask.__table__.columns)
_INFO = tuple(CaseTask.__table__.c[name] for name in TaskInfo.__dataclass_fields__)
"""TaskInfo's columns in the order of its fields (a queue of many tasks, built positionally)."""
_CASE_TASKS = (
    select(*_TASK).where(CaseTask.case_id == bindparam("case_id")).order_by(CaseTask.created_at)
)


_ONE_TASK = select(*_TASK).where(CaseTask.id == bindparam("task_id"))


def task_info(connection: Session | Connection, task_id: str) -> TaskInfo | None:
    row = hotsql.run(connection, _ONE_TASK, {"task_id": task_id}).first()
    return None if row is None else TaskInfo.of(row)


def ready_tasks(session: Session, role: str | None = None) -> list[TaskInfo]:
    query = select(CaseTask).where(CaseTask.state == "ready")
    if role is not None:
        query = query.where(CaseTask.role == role)
    rows = session.execute(query.order_by(CaseTask.due_at, CaseTask.created_at)).scalars()
    return [TaskInfo.of(row) for row in rows]


def case_tasks(session: Session | Connection, case_id: int) -> list[TaskInfo]:
    rows = hotsql.run(session, _CASE_TASKS, {"case_id": case_id}).all()
    return [TaskInfo.of(row) for row in rows]


def last_submission(session: Session, case_id: int, element_id: str) -> dict[str, Any] | None:
    """The data of the latest completion of task `element_id` in the case, if any."""
    row = session.execute(
        select(CaseTask.submitted)
        .where(
            CaseTask.case_id == case_id,
            CaseTask.element_id == element_id,
            CaseTask.state == "completed",
            CaseTask.submitted.is_not(None),
        )
        .order_by(CaseTask.completed_at.desc(), CaseTask.created_at.desc())
        .limit(1)
    ).scalar_one_or_none()
    return dict(row) if isinstance(row, dict) else None


def incidents(session: Session, *, open_only: bool = True) -> list[IncidentInfo]:
    query = select(Incident).order_by(Incident.id)
    if open_only:
        query = query.where(Incident.status == "open")
    return [IncidentInfo.of(row) for row in session.execute(query).scalars()]


def versions(session: Session, process_id: str | None = None) -> list[VersionInfo]:
    query = select(
        ProcessVersion.process_id,
        ProcessVersion.version,
        ProcessVersion.name,
        ProcessVersion.content_hash,
        ProcessVersion.source_file,
        ProcessVersion.deployed_at,
        ProcessVersion.deployed_by,
    ).order_by(ProcessVersion.process_id, ProcessVersion.version)
    if process_id is not None:
        query = query.where(ProcessVersion.process_id == process_id)
    return [VersionInfo(*row) for row in session.execute(query)]


def audit_trail(session: Session, case_id: int | None = None) -> list[AuditInfo]:
    query = select(AuditEntry).order_by(AuditEntry.seq)
    if case_id is not None:
        query = query.where(AuditEntry.case_id == case_id)
    return [AuditInfo.of(row) for row in session.execute(query).scalars()]


@dataclass(frozen=True)
class DiagramState:
    """What to mark on a case's BPMN diagram."""

    process_id: str
    version: int
    source_xml: str
    completed: tuple[str, ...]
    active: tuple[str, ...]
    waiting: tuple[str, ...]
    incidents: tuple[str, ...]


def list_cases(
    connection: Session | Connection,
    *,
    status: str | None = None,
    process_id: str | None = None,
    involving: str | None = None,
    visible_to: Sequence[Actor] = (),
    limit: int = 50,
    offset: int = 0,
    text: str | None = None,
    data_keys: Sequence[str] | None = None,
) -> list[CaseInfo]:
    """Cases newest first. `involving` keeps those a user started or has or had a task in;
    `visible_to` those that any of these actors started, has or had a task in, or may act on
    now through their roles; `text` those whose title or data contain it (any case);
    `data_keys` keeps only those keys of each case's data (see _case_columns)."""
    limit, offset = max(1, min(limit, 500)), max(0, offset)
    query = (
        select(*_case_columns(data_keys), ProcessVersion.version)
        .join(ProcessVersion, ProcessVersion.id == Case.process_version_id)
        .order_by(Case.id.desc())
    )
    if (
        visible_to
        and status is None
        and process_id is None
        and involving is None
        and not (text and text.strip())
    ):
        # Only who may see them: take the page from the ids (every one a case: the tasks'
        # case_id is a foreign key), then read those cases. Otherwise PostgreSQL walks the
        # cases newest first testing each against the ids, thousands of rows for a user who
        # has a few hundred cases among 100,000.
        ids = _visible_ids(visible_to).subquery()
        page = select(ids.c.id).order_by(ids.c.id.desc()).limit(limit).offset(offset)
        query = query.where(Case.id.in_(page))
        return [_case_info(row, data_keys) for row in _bare(connection).execute(query)]
    query = query.limit(limit).offset(offset)
    if status is not None:
        query = query.where(Case.status == status)
    if process_id is not None:
        query = query.where(Case.process_id == process_id)
    if involving is not None:
        query = query.where(or_(Case.started_by == involving, Case.id.in_(_involved(involving))))
    if visible_to:
        query = query.where(Case.id.in_(_visible_ids(visible_to)))
    if text and text.strip():
        escaped = text.strip()[:100].lower().replace("\\", "\\\\").replace("%", "\\%")
        pattern = "%" + escaped.replace("_", "\\_") + "%"
        query = query.where(
            or_(
                func.lower(Case.title).like(pattern, escape="\\"),
                func.lower(cast(Case.data, String)).like(pattern, escape="\\"),
            )
        )
    return [_case_info(row, data_keys) for row in _bare(connection).execute(query)]


def cases_by_id(
    connection: Session | Connection, ids: Iterable[int], data_keys: Sequence[str] | None = None
) -> dict[int, CaseInfo]:
    """Several cases in one query (`data_keys`: see _case_columns)."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    bare = _bare(connection)
    keys = None if data_keys is None else tuple(data_keys)
    rows = bare.execute(_cases_statement(keys, bare.dialect.name), {"ids": wanted}).all()
    return {row.id: _case_info(row, data_keys) for row in rows}


@functools.lru_cache(maxsize=64)
def _cases_statement(data_keys: tuple[str, ...] | None, dialect: str) -> Select[Any]:
    """Cases by id, built once per set of data keys. PostgreSQL: the ids are one array
    parameter (`= ANY(:ids)`), so the statement's text is the same for any number of ids and
    psycopg prepares it once (an IN list is a parameter per id: another statement for each
    count, and past psycopg's limit on parameters one parsed and planned on every call).
    SQLite: an IN list."""
    if dialect == "postgresql":
        among = Case.id == any_(bindparam("ids", type_=ARRAY(Case.id.type)))
    else:
        among = Case.id.in_(bindparam("ids", expanding=True))
    return (
        select(*_case_columns(data_keys), ProcessVersion.version)
        .join(ProcessVersion, ProcessVersion.id == Case.process_version_id)
        .where(among)
    )


def _visible_ids(actors: Sequence[Actor]) -> Any:
    """The ids of the cases any of these actors may see (started, has or had a task in, or
    may act on now through their roles), as one union of index lookups. PostgreSQL collects
    these ids and then takes the newest few, instead of walking every case newest first and
    testing each (thousands of rows for a user with a few hundred cases among 100,000)."""
    branches: list[Any] = []
    for actor in actors:
        for user in dict.fromkeys(filter(None, (actor.user_id, actor.on_behalf_of))):
            branches += [select(Case.id).where(Case.started_by == user), *_involved_in(user)]
        role_match = _role_match(actor)
        if role_match is not None:
            branches.append(
                select(CaseTask.case_id).where(
                    CaseTask.state == "ready", CaseTask.assignee.is_(None), role_match
                )
            )
    return union(*branches)


def case_involves(session: Session, case_id: int, user_id: str) -> bool:
    started = select(Case.id).where(Case.id == case_id, Case.started_by == user_id)
    if session.execute(started).first() is not None:
        return True
    tasks = select(CaseTask.id).where(
        CaseTask.case_id == case_id,
        or_(CaseTask.assignee == user_id, CaseTask.completed_by == user_id,
            CaseTask.claimed_by == user_id),
    )  # fmt: skip
    return session.execute(tasks.limit(1)).first() is not None


def _involved(user_id: str) -> Any:
    """Cases a user has or had a task in: one branch per indexed column."""
    return union(*_involved_in(user_id))


def _involved_in(user_id: str) -> list[Any]:
    return [
        select(CaseTask.case_id).where(CaseTask.assignee == user_id),
        select(CaseTask.case_id).where(CaseTask.completed_by == user_id),
        select(CaseTask.case_id).where(CaseTask.claimed_by == user_id),
    ]


_CASE = (
    Case.id, Case.process_id, Case.status, Case.suspended, Case.title, Case.started_by,
    Case.started_at, Case.updated_at, Case.ended_at, Case.data,
)  # fmt: skip


def _case_columns(data_keys: Sequence[str] | None) -> tuple[Any, ...]:
    """The columns of a CaseInfo. With `data_keys`, only those keys of the data are read (its
    `data` holds those that are set): a list page that names 50 cases needs a key or two, not
    50 whole data documents of several kB each to send, decode and drop."""
    if data_keys is None:
        return _CASE
    return _CASE[:-1] + tuple(Case.data[key].label(f"data_{i}") for i, key in enumerate(data_keys))


def _case_info(row: Any, data_keys: Sequence[str] | None = None) -> CaseInfo:
    if data_keys is None:
        data = dict(row.data or {})
    else:
        values = ((key, row._mapping[f"data_{i}"]) for i, key in enumerate(data_keys))
        data = {key: value for key, value in values if value is not None}
    return CaseInfo(
        id=row.id, process_id=row.process_id, version=row.version, status=row.status,
        suspended=row.suspended, title=row.title, started_by=row.started_by,
        started_at=row.started_at, updated_at=row.updated_at, ended_at=row.ended_at,
        data=data,
    )  # fmt: skip


def version_source(session: Session, process_id: str, version: int) -> str | None:
    return session.execute(
        select(ProcessVersion.source_xml).where(
            ProcessVersion.process_id == process_id, ProcessVersion.version == version
        )
    ).scalar_one_or_none()
