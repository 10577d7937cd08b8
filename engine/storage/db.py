"""Database connection: SQLite (embedded default) or PostgreSQL, and transaction helpers.

SQLite connections get WAL, a busy timeout, foreign keys and synchronous=FULL. The pysqlite
driver's own transaction handling is switched off so that we emit BEGIN ourselves: write
transactions begin IMMEDIATE (take the write lock up front, so the busy timeout applies), read
transactions begin DEFERRED.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.orm import Session

from engine.storage import hotsql, work

_BEGIN_OPTION = "stuurboord_begin"


def normalise_url(url: str) -> str:
    """Accept plain postgresql:// URLs and pick the psycopg 3 driver for them."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


class Database:
    """Owns the SQLAlchemy engine and hands out read and write sessions."""

    def __init__(self, url: str, *, busy_timeout_ms: int = 30_000, echo: bool = False) -> None:
        self.url = normalise_url(url)
        self.dialect = make_url(self.url).get_backend_name()
        kwargs: dict[str, Any] = {"echo": echo, "future": True}
        if self.is_sqlite:
            path = make_url(self.url).database
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"timeout": busy_timeout_ms / 1000, "check_same_thread": False}
        else:
            kwargs.update(pool_size=10, max_overflow=10)
        self.engine: Engine = create_engine(self.url, **kwargs)
        if self.is_sqlite:
            _configure_sqlite(self.engine, busy_timeout_ms)
        else:
            _ping_idle_connections(self.engine)
            _send_deferred_first(self.engine)
            _begin_with_first_statement(self.engine)
        # PostgreSQL: the driver is left in autocommit for these two and the BEGIN is ours
        # (`_begin_with_first_statement`): psycopg would wait for its own BEGIN's answer, a
        # round trip of its own in pipeline mode.
        own_begin = {} if self.is_sqlite else {"isolation_level": "AUTOCOMMIT"}
        self._write_engine = self.engine.execution_options(
            **{_BEGIN_OPTION: "IMMEDIATE"}, **own_begin
        )
        self._read_engine = self.engine.execution_options(
            **{_BEGIN_OPTION: "DEFERRED"}, **own_begin
        )
        # PostgreSQL: a single-statement read needs no BEGIN and ROLLBACK round trips.
        self._snapshot_engine = (
            self._read_engine
            if self.is_sqlite
            else self.engine.execution_options(isolation_level="AUTOCOMMIT")
        )
        self.work_listeners: list[Callable[[datetime], None]] = []

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @property
    def is_postgresql(self) -> bool:
        return self.dialect == "postgresql"

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction: commits on success, rolls back on any exception. The work
        listeners hear of new work once it is committed.

        End it early by raising, not with `session.rollback()`: the transaction belongs to the
        connection, and the session rolls it back only once the ORM has joined it (a write
        that ran only `hotsql` statements has not)."""
        with self._write_engine.connect() as connection:
            transaction = connection.begin()  # SQLite: BEGIN IMMEDIATE; PostgreSQL: queued
            session = self._session(connection)
            try:
                try:
                    yield session
                    session.flush()
                except BaseException:
                    # The session's rollback expires what it loaded, as it always did; it ends
                    # the connection's transaction only if the ORM had joined it.
                    session.rollback()
                    if transaction.is_active:
                        transaction.rollback()
                    raise
                try:
                    transaction.commit()
                except BaseException:
                    # As the session did: this sends nothing (the transaction is no longer
                    # active) but detaches it, so that closing the connection lets the pool
                    # roll back whatever the failed COMMIT left open.
                    transaction.rollback()
                    raise
            finally:
                session.close()
            work.committed(session, self.work_listeners)

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        """A read transaction. Closing the session rolls it back; loaded objects stay usable."""
        with self._read_engine.connect() as connection:
            connection.begin()  # SQLite: BEGIN DEFERRED, no lock until the first read
            session = self._session(connection)
            try:
                yield session
            finally:
                session.close()
            # closing the connection rolls its transaction back

    def _session(self, connection: Connection) -> Session:
        """A session bound to `connection`, whose transaction `write` and `read` begin and end
        themselves ("rollback_only": the session joins that transaction when the ORM first
        needs it, and may roll it back, but never commits it). That skips the session's own
        transaction bookkeeping (about 70 µs a transaction on SQLite) when a transaction runs
        only prebuilt statements, and `hotsql.run` gets the connection without asking the
        session for it."""
        session = Session(connection, expire_on_commit=False, join_transaction_mode="rollback_only")
        hotsql.adopt(session, connection)
        return session

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[Connection]:
        """A read on a bare connection (no ORM session), for hot read paths that run one
        statement: SQLite reads in a deferred transaction; PostgreSQL in autocommit, so each
        statement sees its own snapshot (use `consistent_read` when several must agree)."""
        with self._snapshot_engine.connect() as connection:
            yield connection

    @contextlib.contextmanager
    def consistent_read(self) -> Iterator[Connection]:
        """A read-only transaction whose every statement sees the database as of one moment.

        PostgreSQL: REPEATABLE READ (one snapshot for the whole transaction, unlike the default
        READ COMMITTED). SQLite: a deferred transaction, whose WAL snapshot is fixed at its first
        read and kept until it ends.
        """
        if self.is_postgresql:
            options = {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
            connection = self.engine.connect().execution_options(**options)
            with connection, connection.begin():
                yield connection
        else:
            with self._read_engine.connect() as connection, connection.begin():
                yield connection

    def dispose(self) -> None:
        self.engine.dispose()


def _send_deferred_first(engine: Engine) -> None:
    """Statements deferred by `hotsql.run` go out before any other statement on their
    connection, or together with its COMMIT; a rollback drops them."""

    @event.listens_for(engine, "before_cursor_execute")
    def _before_statement(connection: Connection, *_args: Any) -> None:
        hotsql.flush(connection)

    @event.listens_for(engine, "commit")
    def _before_commit(connection: Connection) -> None:
        hotsql.flush(connection, commit=True)

    @event.listens_for(engine, "rollback")
    def _on_rollback(connection: Connection) -> None:
        hotsql.discard(connection)


def _begin_with_first_statement(engine: Engine) -> None:
    """PostgreSQL, read and write sessions: the BEGIN waits in the connection's deferred queue
    (`hotsql.begin`) and goes to the server in one pipeline with the transaction's first
    statement. The driver is in autocommit for these connections, so it sends no BEGIN of
    its own, while its commit and rollback still end the transaction the server has open.
    A transaction that ran no statement sends nothing at all."""

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        if _BEGIN_OPTION in connection.get_execution_options():
            hotsql.begin(connection)


IDLE_PING_SECONDS = 10.0
"""A pooled PostgreSQL connection idle for longer is pinged before use (a dead one is replaced);
one returned more recently is trusted, which saves a round trip per transaction under load."""


def _ping_idle_connections(engine: Engine) -> None:
    """SQLAlchemy's `pool_pre_ping`, only for connections that sat idle in the pool."""

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["returned_at"] = time.monotonic()
        record.info.pop(hotsql.QUEUE, None)  # never carried into the next checkout

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        returned = record.info.get("returned_at")
        if returned is None or time.monotonic() - returned < IDLE_PING_SECONDS:
            return  # a new connection, or one in use moments ago
        try:
            cursor = dbapi_connection.cursor()
            cursor.execute("SELECT 1")
            cursor.close()
            dbapi_connection.rollback()
        except Exception as error:  # the pool then replaces the connection and tries again
            raise DisconnectionError(f"pooled connection is dead: {error}") from error


_BEGIN = {"IMMEDIATE": "BEGIN IMMEDIATE", "DEFERRED": "BEGIN DEFERRED"}


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get(_BEGIN_OPTION, "IMMEDIATE")
        # Straight to the driver: this runs for every transaction, and SQLAlchemy's statement
        # machinery would add tens of microseconds to a statement that needs none of it.
        statement = _BEGIN[mode]
        dbapi_connection = connection.connection.dbapi_connection
        try:
            dbapi_connection.execute(statement)
        except sqlite3.Error as error:  # as SQLAlchemy would raise it ("database is locked")
            raise DBAPIError.instance(statement, (), error, sqlite3.Error) from error
