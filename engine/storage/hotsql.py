"""Prebuilt statements for the write path, run on the session's connection.

Building a statement and running it through the ORM session costs about 150 µs; a prebuilt
Core statement through `Connection.execute` about 30-60 µs, most of it SQLAlchemy's execution
machinery (cache key, compiled-cache lookup, execution context, result metadata). `run` goes
one step further: it compiles each statement once per dialect (and, for an INSERT, per set of
columns), keeps its SQL text, parameter order, bind and result processors, and sends it
straight to the DBAPI cursor of the session's connection, inside the same transaction. Types
are converted by SQLAlchemy's own processors, and a driver error goes through SQLAlchemy's
error handling (wrapped as `sqlalchemy.exc.DBAPIError`, a lost connection invalidated), so the
caller sees what `Connection.execute` would give. Statements this does not cover (expanding IN
lists, Python-side column defaults) go through `Connection.execute`.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Sequence
from itertools import chain
from typing import Any

from sqlalchemy import (
    Connection,
    Executable,
    Integer,
    bindparam,
    event,
    insert,
    null,
    select,
    text,
    update,
)
from sqlalchemy import case as sql_case
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import MultipleResultsFound, NoResultFound
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert

from engine.storage.models import (
    AuditEntry,
    AuditHead,
    Case,
    CaseTask,
    ProcessVersion,
    ScheduledJob,
)
from engine.storage.webhook_tables import WebhookEndpoint


class Result:
    """What a statement gave: its rows (named tuples) and the driver's row count."""

    __slots__ = ("rowcount", "rows")

    def __init__(self, rows: list[Any], rowcount: int) -> None:
        self.rows, self.rowcount = rows, rowcount

    def all(self) -> list[Any]:
        return self.rows

    def first(self) -> Any:
        return self.rows[0] if self.rows else None

    def one_or_none(self) -> Any:
        if len(self.rows) > 1:
            raise MultipleResultsFound("more than one row where at most one was expected")
        return self.rows[0] if self.rows else None

    def one(self) -> Any:
        if len(self.rows) != 1:
            if not self.rows:
                raise NoResultFound("no row where exactly one was expected")
            raise MultipleResultsFound("more than one row where exactly one was expected")
        return self.rows[0]

    def scalar_one(self) -> Any:
        return self.one()[0]

    def scalar(self) -> Any:
        return self.rows[0][0] if self.rows else None


class _Plan:
    """One statement compiled for one dialect: SQL text, how to build its parameters, how to
    read its rows."""

    def __init__(self, statement: Executable, dialect: Dialect, keys: Sequence[str] | None) -> None:
        compiled = statement.compile(dialect=dialect, column_keys=list(keys) if keys else None)
        self.usable = not (
            any(b.expanding for b in compiled.binds.values())
            or getattr(compiled, "insert_prefetch", None)
            or getattr(compiled, "update_prefetch", None)
        )
        self.sql = compiled.string
        self.positional = compiled.positional
        names = list(compiled.positiontup or ()) if compiled.positional else list(compiled.binds)
        processors = compiled._bind_processors
        escaped = getattr(compiled, "escaped_bind_names", None) or {}
        self.binds: list[tuple[str, str, Any, Callable[[Any], Any] | None]] = []
        for name in names:
            parameter = compiled.binds[name]
            self.binds.append(
                (escaped.get(name, name), parameter.key, parameter.value, processors.get(name))
            )
        columns = compiled._result_columns
        fields = [c.keyname for c in columns]
        self.row = namedtuple("Row", fields, rename=True) if columns else None  # type: ignore[misc]
        self.readers = [c.type._cached_result_processor(dialect, None) for c in columns]

    def parameters(self, params: dict[str, Any] | None) -> Any:
        values = []
        for _name, key, default, process in self.binds:
            value = params[key] if params is not None and key in params else default
            values.append(process(value) if process is not None else value)
        if self.positional:
            return tuple(values)
        return {bind[0]: value for bind, value in zip(self.binds, values, strict=True)}

    def rows(self, fetched: list[Any]) -> list[Any]:
        assert self.row is not None
        readers = self.readers
        make = self.row._make
        return [
            make(v if r is None else r(v) for r, v in zip(readers, raw, strict=True))
            for raw in fetched
        ]


_PLANS: dict[tuple[int, str, tuple[str, ...] | None], _Plan | None] = {}


def _plan(statement: Executable, dialect: Dialect, params: Any) -> _Plan | None:
    keys: tuple[str, ...] | None = None
    if isinstance(statement, Insert):
        first = params[0] if isinstance(params, list) else params
        keys = tuple(first) if first else None
    key = (id(statement), dialect.name, keys)
    try:
        return _PLANS[key]
    except KeyError:
        pass
    plan = _Plan(statement, dialect, keys)
    _PLANS[key] = plan if plan.usable else None
    return _PLANS[key]


QUEUE = "stuurboord_deferred"
_CONNECTION = "stuurboord_connection"


@event.listens_for(Session, "after_transaction_end")
def _forget_connection(session: Session, _transaction: Any) -> None:
    """`run` keeps the session's connection for its transaction: `Session.connection()` costs
    more than some of the statements it runs."""
    session.info.pop(_CONNECTION, None)


def adopt(session: Session, connection: Connection) -> None:
    """`run` on this session uses `connection`, the one it is bound to, in whose transaction
    it runs; the ORM joins that transaction when it first needs it."""
    session.info[_CONNECTION] = connection


def run(
    session: Session | Connection,
    statement: Executable,
    params: Any = None,
    *,
    defer: bool | None = None,
) -> Any:
    """Run a prebuilt statement on the session's connection, in its transaction. `params` is
    one dict or, for an INSERT of many rows, a list of them.

    Deferred (`defer=True`; by default every INSERT without RETURNING): on PostgreSQL the
    statement waits and goes to the server in one pipeline with the next statement, or with
    the COMMIT, saving a round trip each; any other statement on the connection sends it
    first (see `flush`), so every read sees it. Its `Result` is filled in when it has run; on
    SQLite it runs at once. Its error, if any, surfaces then, inside the same transaction."""
    connection = _connection(session)
    plan = _plan(statement, connection.dialect, params)
    if plan is None:
        flush(connection)
        return connection.execute(statement, params)
    many = isinstance(params, list)
    arguments = [plan.parameters(p) for p in params] if many else plan.parameters(params)
    result = Result([], -1)
    if connection.dialect.name == "sqlite":
        _execute(connection, [(plan, arguments, many, result)])
        return result
    queue = connection.info.setdefault(QUEUE, [])
    queue.append((plan, arguments, many, result))
    if defer is None:
        defer = isinstance(statement, Insert) and plan.row is None
    if not defer:
        connection.info[QUEUE] = []
        _execute(connection, queue)
    return result


_COMMIT = text("COMMIT")
_BEGIN = text("BEGIN")


def begin(connection: Connection) -> None:
    """Queue the BEGIN of a new transaction (PostgreSQL, driver in autocommit): it goes to the
    server with the transaction's first statement (see `flush`)."""
    plan = _plan(_BEGIN, connection.dialect, None)
    assert plan is not None
    connection.info[QUEUE] = [(plan, None, False, Result([], -1))]


def flush(connection: Connection, *, commit: bool = False) -> None:
    """Send the deferred statements of this connection's transaction (PostgreSQL); with
    `commit`, the COMMIT goes in the same pipeline (the driver's own commit then finds the
    transaction closed and sends nothing). A transaction that sent nothing yet (only its
    BEGIN waits) commits by sending nothing."""
    queue = connection.info.get(QUEUE)
    if queue:
        connection.info[QUEUE] = []
        if commit and len(queue) == 1 and queue[0][0].sql == "BEGIN":
            return
        if commit:
            plan = _plan(_COMMIT, connection.dialect, None)
            assert plan is not None
            queue.append((plan, None, False, Result([], -1)))
        _execute(connection, queue)


def _connection(session: Session | Connection) -> Connection:
    if isinstance(session, Connection):
        return session
    connection = session.info.get(_CONNECTION)
    if connection is None:
        connection = session.info[_CONNECTION] = session.connection()
    return connection


def wait(session: Session | Connection, result: Result) -> None:
    """Make sure a deferred statement whose `Result` this is has run (PostgreSQL: send the
    queue if it is still in it; a statement that already went costs nothing more)."""
    connection = session if isinstance(session, Connection) else session.info.get(_CONNECTION)
    if connection is None:
        return
    queue = connection.info.get(QUEUE) or ()
    if any(entry[3] is result for entry in queue):
        flush(connection)


def discard(connection: Connection) -> None:
    """Forget deferred statements (the transaction rolled back). A connection that was
    invalidated (the database went away) has no info left to clear; its pool record's queue
    is dropped at check-in, and the original error must reach the caller unmasked."""
    if connection.invalidated or connection.closed:
        return
    connection.info.pop(QUEUE, None)


def _execute(connection: Connection, batch: list[tuple[_Plan, Any, bool, Result]]) -> None:
    """Run the statements in order (PostgreSQL: in one pipeline, one round trip, together
    with the BEGIN of a new transaction) and fill in their results."""
    dbapi_connection = connection.connection.dbapi_connection
    assert dbapi_connection is not None
    cursors = [dbapi_connection.cursor() for _ in batch]
    plan, arguments = batch[-1][0], batch[-1][1]
    errors = connection.dialect.loaded_dbapi.Error
    try:
        if len(batch) == 1 and connection.dialect.name == "sqlite":
            _send(cursors[0], plan, arguments, batch[0][2])
        else:
            _pipeline(dbapi_connection, cursors, batch, errors)
        _fill(batch, cursors)
    except errors as error:
        connection._handle_dbapi_exception(error, plan.sql, arguments, cursors[-1], None)
    finally:
        for cursor in cursors:
            cursor.close()


def _pipeline(dbapi_connection: Any, cursors: list[Any], batch: list[Any], errors: Any) -> None:
    """Send the batch in one pipeline. A statement's error can surface while later ones are
    being sent; it is kept and raised once the pipeline is closed (the server skipped the
    rest), rather than the driver's "pipeline aborted" on closing it."""
    first = None
    try:
        with dbapi_connection.pipeline():
            try:
                for cursor, (plan, arguments, many, _) in zip(cursors, batch, strict=True):
                    _send(cursor, plan, arguments, many)
            except errors as error:
                first = error
    except errors as error:
        raise first or error from None
    if first is not None:
        raise first


def _fill(batch: list[tuple[_Plan, Any, bool, Result]], cursors: list[Any]) -> None:
    for cursor, (plan, _, _, result) in zip(cursors, batch, strict=True):
        fetched = cursor.fetchall() if plan.row is not None else []
        result.rows = plan.rows(fetched) if fetched else []
        result.rowcount = cursor.rowcount


def _send(cursor: Any, plan: _Plan, arguments: Any, many: bool) -> None:
    if many:
        cursor.executemany(plan.sql, arguments)
    elif arguments is None:
        cursor.execute(plan.sql)
    else:
        cursor.execute(plan.sql, arguments)


TASK_COLUMNS = tuple(CaseTask.__table__.columns)
LATEST_VERSION = (
    select(ProcessVersion.id, ProcessVersion.version, ProcessVersion.name)
    .where(ProcessVersion.process_id == bindparam("process_id"))
    .order_by(ProcessVersion.version.desc())
    .limit(1)
)
BUMP_CASE = (
    update(Case)
    .where(Case.id == bindparam("case_id"), Case.revision == bindparam("seen"))
    .values(revision=bindparam("next"))
    .returning(
        Case.id, Case.process_version_id, Case.process_id, Case.status, Case.suspended,
        Case.title, Case.started_by, Case.started_at, Case.revision, Case.data, Case.paused_at,
        Case.visited,
    )
)  # fmt: skip
BUMP_CASE_LOADING = BUMP_CASE.returning(Case.state_json)
"""BUMP_CASE that also brings the stored state, for a workflow not cached in this process."""
CLAIM_CASE_OF_TASK = (
    update(Case)
    .where(Case.id == select(CaseTask.case_id)
           .where(CaseTask.id == bindparam("task_id")).scalar_subquery())
    .values(revision=Case.revision + 1)
    .returning(
        Case.id, Case.process_version_id, Case.process_id, Case.status, Case.suspended,
        Case.title, Case.started_by, Case.started_at, Case.revision, Case.data, Case.paused_at,
        Case.visited,
        sql_case((Case.revision == bindparam("known", type_=Integer), null()),
                 else_=Case.state_json).label("state_json"),
    )
)  # fmt: skip
"""Completing a task: lock and bump the task's case first, so that what is read next is what
every earlier writer left. The stored state comes back unless the new revision is `known` (the
one after the revision this process holds in its cache)."""
TASK_ROW = select(*TASK_COLUMNS).where(CaseTask.id == bindparam("task_id"))
CASE_STATE_JSON = select(Case.state_json).where(Case.id == bindparam("case_id"))
SAVE_CASE = (
    update(Case)
    .where(Case.id == bindparam("case_id"))
    .values(
        status=bindparam("status"), ended_at=bindparam("ended_at"), data=bindparam("data"),
        updated_at=bindparam("now"), state_json=bindparam("state_json"),
        visited=bindparam("visited"),
    )
)  # fmt: skip
SAVE_CASE_SAME_STATUS = (
    update(Case)
    .where(Case.id == bindparam("case_id"))
    .values(
        ended_at=bindparam("ended_at"), data=bindparam("data"), updated_at=bindparam("now"),
        state_json=bindparam("state_json"), visited=bindparam("visited"),
    )
)  # fmt: skip
"""SAVE_CASE for a step that left the status as it was: SQLite rewrites an index entry whenever
its column is SET, even to the same value, so this keeps the two status indexes' pages out of
the commit (a commit's cost grows with the pages it writes)."""
MARK_COMPLETED = (
    update(CaseTask)
    .where(CaseTask.id == bindparam("task_id"), CaseTask.state == "ready")
    .values(
        state="completed",
        completed_at=bindparam("now"),
        completed_by=bindparam("user"),
        submitted=bindparam("submitted_data"),
    )
)
FORGET_SUBMITTED = (
    update(CaseTask)
    .where(
        CaseTask.case_id == bindparam("of_case"),
        CaseTask.element_id == bindparam("of_element"),
        CaseTask.state == "completed",
        CaseTask.submitted.is_not(None),
        CaseTask.id != bindparam("keep"),
    )
    .values(submitted=null())
)
"""Only the latest completion of a task keeps its data (`Engine.last_submission`); the audit
trail keeps the history. `keep`: the task being completed, marked completed already."""
READY_TASKS = select(CaseTask.id, CaseTask.element_id, CaseTask.due_at).where(
    CaseTask.case_id == bindparam("case_id"), CaseTask.state == "ready"
)
INSERT_TASK = insert(CaseTask)
INSERT_AUDIT = insert(AuditEntry)
AUDIT_KEYS = ("seq", "at", "actor", "on_behalf_of", "action", "case_id", "task_id", "element_id",
              "changes", "reason", "prev_hash", "hash")  # fmt: skip
"""The columns of an audit row, in the order `insert_audit_rows` takes their values."""
_INSERT_AUDIT_ROWS: dict[int, tuple[Executable, tuple[str, ...]]] = {}
MANY_AUDIT_ROWS = 32


def insert_audit_rows(rows: list[tuple[Any, ...]]) -> tuple[Executable, Any]:
    """INSERT_AUDIT of `rows` (tuples of values in AUDIT_KEYS order) as one statement with one
    VALUES list per row, and its parameters: one statement for the server (PostgreSQL) instead
    of one per row. More than MANY_AUDIT_ROWS rows: INSERT_AUDIT with a list of rows.

    The statement and its parameter names are built once per number of rows."""
    if len(rows) > MANY_AUDIT_ROWS:
        return INSERT_AUDIT, [dict(zip(AUDIT_KEYS, row, strict=True)) for row in rows]
    shape = _INSERT_AUDIT_ROWS.get(len(rows))
    if shape is None:
        columns = AuditEntry.__table__.c
        statement = insert(AuditEntry).values([
            {key: bindparam(f"{key}_{n}", type_=columns[key].type) for key in AUDIT_KEYS}
            for n in range(len(rows))
        ])  # fmt: skip
        names = tuple(f"{key}_{n}" for n in range(len(rows)) for key in AUDIT_KEYS)
        shape = _INSERT_AUDIT_ROWS[len(rows)] = (statement, names)
    statement, names = shape
    return statement, dict(zip(names, chain.from_iterable(rows), strict=True))
AUDIT_HEAD = select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1).with_for_update()
SAVE_AUDIT_HEAD = (
    update(AuditHead).where(AuditHead.id == 1).values(seq=bindparam("seq"), hash=bindparam("hash"))
)
MOVE_AUDIT_HEAD = (
    update(AuditHead)
    .where(AuditHead.id == 1, AuditHead.seq == bindparam("old_seq"),
           AuditHead.hash == bindparam("old_hash"))
    .values(seq=bindparam("seq"), hash=bindparam("hash"))
)  # fmt: skip
OPEN_TIMER_JOBS = select(
    ScheduledJob.id, ScheduledJob.task_id, ScheduledJob.due_at, ScheduledJob.status
).where(
    ScheduledJob.case_id == bindparam("case_id"),
    ScheduledJob.kind == "timer",
    ScheduledJob.status.in_(("pending", "claimed", "paused")),
)
INSERT_CASE = insert(Case).returning(Case.id)
ACTIVE_WEBHOOK_ENDPOINTS = select(WebhookEndpoint.id, WebhookEndpoint.event_types).where(
    WebhookEndpoint.active.is_(True)
)
