"""The audit trail: append-only in the database, and any tampering is found by verify."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from engine import Database, Engine
from tests.conftest import BPMN
from tests.helpers import IntakeForm, StartForm, actor


@pytest.fixture
def trail(engine: Engine) -> Engine:
    engine.registry.form("review", "start", StartForm)
    engine.registry.form("review", "intake", IntakeForm)
    engine.deploy([BPMN / "review.bpmn"])
    clerk = actor(engine, "carla", ("clerk", None))
    for n in range(3):
        engine.start_case("review", {"requester": f"r{n}"}, clerk)
    for task in engine.tasks_for(clerk):
        engine.complete_task(task.id, {"amount": 5000}, clerk)
    assert engine.verify_audit().ok
    return engine


def _without_guards(db: Database, statement: str, **params: object) -> None:
    """What an attacker with DDL rights could do: switch the guards off, change, switch on."""
    with db.engine.begin() as conn:
        if db.is_sqlite:
            conn.execute(text("DROP TRIGGER audit_trail_no_update"))
            conn.execute(text("DROP TRIGGER audit_trail_no_delete"))
            conn.execute(text(statement), params)
            for event in ("UPDATE", "DELETE"):
                conn.execute(
                    text(
                        f"CREATE TRIGGER audit_trail_no_{event.lower()} BEFORE {event} ON audit_trail "
                        "BEGIN SELECT RAISE(ABORT, 'audit_trail is append-only'); END"
                    )
                )
        else:
            conn.execute(text("ALTER TABLE audit_trail DISABLE TRIGGER audit_trail_no_change"))
            conn.execute(text(statement), params)
            conn.execute(text("ALTER TABLE audit_trail ENABLE TRIGGER audit_trail_no_change"))


def test_every_row_is_chained(trail: Engine) -> None:
    entries = trail.audit_trail()
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    result = trail.verify_audit()
    assert result.ok and result.checked == len(entries)
    assert {
        "process_deployed",
        "user_created",
        "role_granted",
        "case_started",
        "task_created",
        "task_completed",
    } <= {e.action for e in entries}
    assert all(e.at.tzinfo is not None for e in entries)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_trail SET actor = 'mallory' WHERE seq = 3",
        "DELETE FROM audit_trail WHERE seq = 3",
    ],
)
def test_database_refuses_update_and_delete(trail: Engine, statement: str) -> None:
    before = trail.audit_trail()
    with pytest.raises(DatabaseError, match="append-only"), trail.db.engine.begin() as conn:
        conn.execute(text(statement))
    assert trail.audit_trail() == before


def test_database_refuses_emptying_the_table(trail: Engine) -> None:
    statement = "TRUNCATE audit_trail" if trail.db.is_postgresql else "DELETE FROM audit_trail"
    with pytest.raises(DatabaseError, match="append-only"), trail.db.engine.begin() as conn:
        conn.execute(text(statement))
    assert trail.verify_audit().ok


def test_edited_row_is_found(trail: Engine) -> None:
    _without_guards(trail.db, "UPDATE audit_trail SET actor = 'mallory' WHERE seq = 5")
    result = trail.verify_audit()
    assert not result.ok and result.first_bad_seq == 5
    assert "content does not match" in result.describe()


def test_deleted_row_is_found(trail: Engine) -> None:
    _without_guards(trail.db, "DELETE FROM audit_trail WHERE seq = 4")
    result = trail.verify_audit()
    assert (result.ok, result.first_bad_seq) == (False, 4)
    assert "missing" in result.problem


def test_deleted_tail_is_found(trail: Engine) -> None:
    last = trail.audit_trail()[-1].seq
    _without_guards(trail.db, "DELETE FROM audit_trail WHERE seq = :seq", seq=last)
    result = trail.verify_audit()
    assert (result.ok, result.first_bad_seq) == (False, last)


def test_inserted_row_is_found(trail: Engine) -> None:
    last = trail.audit_trail()[-1]
    with trail.db.engine.begin() as conn:  # inserting needs no guard to be switched off
        conn.execute(
            text(
                "INSERT INTO audit_trail (seq, at, actor, action, prev_hash, hash) "
                "VALUES (:seq, :at, 'mallory', 'case_started', :prev, :hash)"
            ),
            {
                "seq": last.seq + 1,
                "at": last.at.replace(tzinfo=None),
                "prev": "0" * 64,
                "hash": "f" * 64,
            },
        )
    result = trail.verify_audit()
    assert (result.ok, result.first_bad_seq) == (False, last.seq + 1)


def test_reordered_rows_are_found(trail: Engine) -> None:
    entries = trail.audit_trail()
    a, b = entries[5].seq, entries[6].seq
    _without_guards(trail.db, "UPDATE audit_trail SET seq = -seq WHERE seq IN (:a, :b)", a=a, b=b)
    _without_guards(
        trail.db,
        "UPDATE audit_trail SET seq = CASE WHEN seq = -:a THEN :b ELSE :a END WHERE seq < 0",
        a=a,
        b=b,
    )
    result = trail.verify_audit()
    assert (result.ok, result.first_bad_seq) == (False, a)


def _keep_writing(engine: Engine, stop: threading.Event, written: list[int]) -> None:
    clerk = actor(engine, "walter", ("clerk", None))
    deadline = time.monotonic() + 60  # bounded even if the test body fails to stop us
    while not stop.is_set() and time.monotonic() < deadline:
        engine.start_case("review", {"requester": f"w{len(written)}"}, clerk)
        written.append(1)


def test_verify_while_others_write_sees_one_snapshot(trail: Engine) -> None:
    """No false alarm while the chain grows, and a real edit is still found meanwhile."""
    stop, written = threading.Event(), []
    writer = threading.Thread(target=_keep_writing, args=(trail, stop, written))
    writer.start()
    try:
        results = []
        while len(results) < 15 or len(written) < 20:
            results.append(trail.verify_audit())
            assert results[-1].ok, results[-1].describe()
        assert "intact up to sequence" in results[-1].describe()
        assert results[-1].head_seq == results[-1].checked
        assert len({r.head_seq for r in results}) > 1  # the chain really grew meanwhile
        _without_guards(trail.db, "UPDATE audit_trail SET actor = 'mallory' WHERE seq = 3")
        tampered = [trail.verify_audit() for _ in range(3)]
    finally:
        stop.set()
        writer.join()
    assert all((r.ok, r.first_bad_seq) == (False, 3) for r in tampered)
