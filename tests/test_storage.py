"""Storage set-up: SQLite pragmas and IMMEDIATE writes, migrations on both databases."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from engine import Database
from engine.settings import Settings
from engine.storage.migrate import current_revisions, pending
from tests.conftest import MIGRATIONS


def test_schema_is_at_head(db: Database) -> None:
    assert current_revisions(db)
    assert pending(db, MIGRATIONS) == []


def test_sqlite_connection_settings(tmp_path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'x.db'}", busy_timeout_ms=1234)
    with db.engine.connect() as conn:
        pragma = lambda name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("foreign_keys") == 1
        assert pragma("synchronous") == 2  # FULL
        assert pragma("busy_timeout") == 1234
    db.dispose()


def test_sqlite_writes_take_the_lock_up_front(tmp_path) -> None:
    """A write transaction holds the write lock from BEGIN: a second writer waits for the
    busy timeout and then fails, while readers go on."""
    path = tmp_path / "lock.db"
    holder = Database(f"sqlite:///{path}")
    other = Database(f"sqlite:///{path}", busy_timeout_ms=300)
    with holder.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    with holder.write() as session:
        session.execute(text("SELECT 1"))  # no write yet: IMMEDIATE already holds the lock
        with other.read() as reader:
            assert reader.execute(text("SELECT count(*) FROM t")).scalar() == 0
        started = time.monotonic()
        with pytest.raises(OperationalError, match="database is locked"), other.write() as s2:
            s2.execute(text("SELECT 1"))
        assert time.monotonic() - started >= 0.25
    holder.dispose()
    other.dispose()


def test_sqlite_second_writer_waits_instead_of_failing(tmp_path) -> None:
    path = tmp_path / "wait.db"
    first, second = Database(f"sqlite:///{path}"), Database(f"sqlite:///{path}")
    with first.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    entered = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with first.write() as session:
            session.execute(text("INSERT INTO t VALUES (1)"))
            entered.set()
            release.wait(10)

    thread = threading.Thread(target=hold)
    thread.start()
    entered.wait(10)
    threading.Timer(0.2, release.set).start()
    with second.write() as session:
        session.execute(text("INSERT INTO t VALUES (2)"))
    thread.join()
    with second.read() as session:
        assert session.execute(text("SELECT count(*) FROM t")).scalar() == 2
    first.dispose()
    second.dispose()


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("STUURBOORD_DATABASE_URL", raising=False)
    monkeypatch.setenv("STUURBOORD_INSTANCE_PATH", str(tmp_path / "inst"))
    settings = Settings.from_env()
    assert settings.database_url == f"sqlite:///{tmp_path / 'inst' / 'stuurboord.db'}"
    monkeypatch.setenv("STUURBOORD_DATABASE_URL", "postgresql://u@h/db")
    from engine.storage.db import normalise_url

    assert normalise_url(Settings.from_env().database_url).startswith("postgresql+psycopg://")
