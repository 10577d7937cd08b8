"""Database connection: SQLite (embedded default) or PostgreSQL, and transaction helpers.

SQLite connections get WAL, a busy timeout, foreign keys and synchronous=FULL. The pysqlite
driver's own transaction handling is switched off so that we emit BEGIN ourselves: write
transactions begin IMMEDIATE (take the write lock up front, so the busy timeout applies), read
transactions begin DEFERRED.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from engine.storage.work import listen_on_commit

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
            kwargs.update(pool_pre_ping=True, pool_size=10, max_overflow=10)
        self.engine: Engine = create_engine(self.url, **kwargs)
        if self.is_sqlite:
            _configure_sqlite(self.engine, busy_timeout_ms)
        self._write_engine = self.engine.execution_options(**{_BEGIN_OPTION: "IMMEDIATE"})
        self._read_engine = self.engine.execution_options(**{_BEGIN_OPTION: "DEFERRED"})
        self._write_sessions = sessionmaker(self._write_engine, expire_on_commit=False)
        self.work_listeners: list[Callable[[datetime], None]] = []
        listen_on_commit(self._write_sessions, self.work_listeners)
        self._read_sessions = sessionmaker(self._read_engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @property
    def is_postgresql(self) -> bool:
        return self.dialect == "postgresql"

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction: commits on success, rolls back on any exception."""
        with self._write_sessions() as session, session.begin():
            yield session

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        """A read transaction. Closing the session rolls it back; loaded objects stay usable."""
        with self._read_sessions() as session:
            yield session

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[Connection]:
        """A read transaction on a bare connection (no ORM session): for hot read paths."""
        with self._read_engine.connect() as connection:
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
