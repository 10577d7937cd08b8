"""The engine's migrations: the migrated schema is the models' one, and 0011 (the audit trail's
`seq` as SQLite's rowid, no task index on `state` of every row) keeps every row and the chain."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import DatabaseError

from engine import Database, Engine, ManualClock, Registry
from engine.storage.migrate import _config, current_revisions, upgrade
from engine.storage.models import Base
from tests.conftest import BPMN, PG_URL, START
from tests.helpers import ApproveForm, IntakeForm, StartForm, actor


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A database without any table, for migrations to build."""
    if request.param == "sqlite":
        database = Database(f"sqlite:///{tmp_path / 'empty.db'}")
        yield database
        database.dispose()
        return
    name = f"stuurboord_schema_{request.node.name.split('[')[0][-20:]}_{id(request)}".lower()
    with psycopg.connect(PG_URL, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name}")
    database = Database(PG_URL.rsplit("/", 1)[0] + "/" + name)
    yield database
    database.dispose()
    with psycopg.connect(PG_URL, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _engine_tables() -> set[str]:
    """The engine's own tables (process packages' records may share its declarative base)."""
    return {
        mapper.local_table.name
        for mapper in Base.registry.mappers
        if mapper.class_.__module__.startswith("engine.")
    }


def _differences(db: Database) -> list[Any]:
    """What autogenerate would change to bring the database to the engine's models."""
    tables = _engine_tables() | {"alembic_version"}

    def engine_only(_object: Any, name: str | None, kind: str, _reflected: bool, _to: Any) -> bool:
        return kind != "table" or name in tables

    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": engine_only}
        )
        return compare_metadata(context, Base.metadata)


def test_migrated_schema_is_the_models_schema(empty_db: Database) -> None:
    import processes.records  # noqa: F401  (their tables on the same base must not count)

    assert {"audit_trail", "case_task", "case_instance"} <= _engine_tables()
    upgrade(empty_db)
    assert _differences(empty_db) == []


def _run_cases(db: Database) -> Engine:
    registry = Registry()
    registry.form("review", "start", StartForm)
    registry.form("review", "intake", IntakeForm)
    registry.form("review", "approve", ApproveForm)
    engine = Engine(db, registry, ManualClock(START))
    engine.deploy([BPMN / "review.bpmn"])
    clerk = actor(engine, "carla", ("clerk", None))
    manager = actor(engine, "mona", ("manager", None))
    for steps in ([{"amount": 5000}, {"approved": True}], [{"amount": 10}, {}]):
        case = engine.start_case("review", {"requester": "carla"}, clerk)
        for data in steps:
            [task] = [t for t in engine.case_tasks(case.id) if t.state == "ready"]
            engine.complete_task(task.id, data, manager if task.role == "manager" else clerk)
        assert engine.case(case.id).status == "completed"
    return engine


def _audit_rows(db: Database) -> list[tuple[Any, ...]]:
    with db.engine.connect() as connection:
        return [
            tuple(row) for row in connection.execute(text("SELECT * FROM audit_trail ORDER BY seq"))
        ]


def _downgrade(db: Database, revision: str) -> None:
    config = _config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def _assert_append_only(db: Database) -> None:
    for statement in ("UPDATE audit_trail SET actor = 'mallory'", "DELETE FROM audit_trail"):
        with pytest.raises(DatabaseError, match="append-only"), db.engine.begin() as connection:
            connection.execute(text(statement))


def _audit_indexes(db: Database) -> set[str]:
    if db.is_sqlite:  # SQLite's own primary-key index does not show in the inspector
        with db.engine.connect() as connection:
            return set(connection.execute(text(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'audit_trail'"
            )).scalars())  # fmt: skip
    return {index["name"] for index in inspect(db.engine).get_indexes("audit_trail")}


def test_0011_keeps_the_audit_trail_and_its_chain(empty_db: Database) -> None:
    db = empty_db
    upgrade(db, revision="0010")
    engine = _run_cases(db)
    before = _audit_rows(db)
    assert len(before) > 10
    if db.is_sqlite:
        assert "sqlite_autoindex_audit_trail_1" in _audit_indexes(db)

    upgrade(db)
    assert current_revisions(db) == ["0011"]
    assert _audit_rows(db) == before
    assert engine.verify_audit(checkpoint=False).ok
    _assert_append_only(db)
    task_indexes = {index["name"] for index in inspect(db.engine).get_indexes("case_task")}
    assert "ix_case_task_role" not in task_indexes
    assert "ix_case_task_ready_role" in task_indexes
    if db.is_sqlite:  # seq is the rowid now: no second b-tree for the key
        assert _audit_indexes(db) == {"ix_audit_case"}
        with db.engine.connect() as connection:
            assert (
                connection.execute(
                    text("SELECT count(*) FROM audit_trail WHERE rowid <> seq")
                ).scalar_one()
                == 0
            )

    _run_cases(db)  # the writer goes on numbering the chain where it was
    after = _audit_rows(db)
    assert after[: len(before)] == before
    assert [row[0] for row in after] == list(range(1, len(after) + 1))
    assert engine.verify_audit(checkpoint=False).ok

    _downgrade(db, "0010")
    assert _audit_rows(db) == after
    _assert_append_only(db)
    assert "ix_case_task_role" in {i["name"] for i in inspect(db.engine).get_indexes("case_task")}
    if db.is_sqlite:
        assert "sqlite_autoindex_audit_trail_1" in _audit_indexes(db)
    upgrade(db)
    assert _audit_rows(db) == after
    assert engine.verify_audit(checkpoint=False).ok
    assert _differences(db) == []
