"""Fixtures: every storage and engine test runs on SQLite and on PostgreSQL.

SQLite: each test gets a copy of a database file migrated once per session.
PostgreSQL: each xdist worker gets its own database, migrated once; tables are emptied before
each test (with triggers bypassed for that cleanup only).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text

from engine import Database, Engine, ManualClock, Registry
from engine.storage.migrate import upgrade
from processes import MIGRATIONS as PROCESS_MIGRATIONS
from tests.smtp import inbox  # noqa: F401  (fixture shared by the mail tests)
from webapp import MIGRATIONS as WEB_MIGRATIONS

PG_URL = os.environ.get("STUURBOORD_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
BPMN = Path(__file__).parent / "bpmn"
MIGRATIONS = [PROCESS_MIGRATIONS, WEB_MIGRATIONS]  # the engine's own are always included


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    db = Database(f"sqlite:///{path}")
    upgrade(db, MIGRATIONS)
    db.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    name = f"stuurboord_test_{_worker()}_{os.getpid()}"
    admin = psycopg.connect(PG_URL, autocommit=True)
    admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.execute(f"CREATE DATABASE {name}")
    url = PG_URL.rsplit("/", 1)[0] + "/" + name
    db = Database(url)
    upgrade(db, MIGRATIONS)
    db.dispose()
    yield url
    admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.close()


SEEDED_TABLES = ("focus_domain_ambition",)
"""Tables whose rows come from a migration (reference data): kept as migrated, put back after
each PostgreSQL cleanup."""
_SEEDED: dict[str, dict[str, list[dict[str, object]]]] = {}


def _seeded_rows(db: Database) -> dict[str, list[dict[str, object]]]:
    """The rows of SEEDED_TABLES as the migrations left them (read before the first cleanup)."""
    if db.url not in _SEEDED:
        with db.engine.connect() as conn:
            present = set(
                conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
                .scalars()
                .all()
            )
            _SEEDED[db.url] = {
                table: [
                    dict(row) for row in conn.execute(text(f"SELECT * FROM {table}")).mappings()
                ]
                for table in SEEDED_TABLES
                if table in present
            }
    return _SEEDED[db.url]


def _empty_postgres(db: Database) -> None:
    """Empty every table (engine's and processes') and put back the rows migrations seed."""
    seeded = _seeded_rows(db)
    with db.engine.begin() as conn:
        tables = (
            conn.execute(
                text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                    "AND tablename <> 'alembic_version'"
                )
            )
            .scalars()
            .all()
        )
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        conn.execute(
            text("INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, :g)"), {"g": "0" * 64}
        )
        conn.execute(text("INSERT INTO scheduler_lease (name, token) VALUES ('scheduler', 0)"))
        for table, rows in seeded.items():
            if rows:
                columns = ", ".join(rows[0])
                values = ", ".join(f":{name}" for name in rows[0])
                conn.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({values})"), rows)


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        path = tmp_path / "stuurboord.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        database = Database(f"sqlite:///{path}")
    else:
        database = Database(request.getfixturevalue("postgres_url"))
        _empty_postgres(database)
    yield database
    database.dispose()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def registry() -> Registry:
    return Registry()


@pytest.fixture
def engine(db: Database, registry: Registry, clock: ManualClock) -> Engine:
    return Engine(db, registry, clock)
