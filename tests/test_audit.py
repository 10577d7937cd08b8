"""The audit trail: append-only in the database, and any tampering is found by verify."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from engine import Database, Engine
from tests.conftest import BPMN
from tests.helpers import ApproveForm, IntakeForm, StartForm, actor


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


def _head_hint(engine: Engine) -> tuple[int, str]:
    from engine.audit import trail as chain

    return chain._HEADS[chain._database_key(engine.db.engine.url)]


def _set_head_hint(engine: Engine, hint: tuple[int, str]) -> None:
    from engine.audit import trail as chain

    chain._HEADS[chain._database_key(engine.db.engine.url)] = hint


@pytest.mark.parametrize("stale", ["behind", "wrong-hash"])
def test_a_stale_head_hint_is_found_and_the_chain_stays_whole(trail: Engine, stale: str) -> None:
    """The writer chains its rows on the head it last wrote (on PostgreSQL they go to the
    server with the COMMIT, unchecked until then); when another writer moved the head, the
    step is stored once, chained on the real head, in the same transaction."""
    trail.registry.form("review", "approve", ApproveForm)
    manager = actor(trail, "mona", ("manager", None))
    approve = trail.tasks_for(manager)[0]
    seq, digest = _head_hint(trail)
    _set_head_hint(trail, (seq - 2, digest) if stale == "behind" else (seq, "f" * 64))
    done = trail.complete_task(approve.id, {"approved": True}, manager)
    assert done.status == "completed"
    entries = trail.audit_trail()
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert [e.action for e in entries[seq:]] == [
        "task_completed", "case_data_changed", "case_completed",
    ]  # fmt: skip
    assert [e.action for e in entries].count("task_completed") == 4
    assert trail.verify_audit().ok
    assert _head_hint(trail)[0] == entries[-1].seq


def test_a_stale_head_hint_found_before_the_commit_keeps_what_came_after(trail: Engine) -> None:
    """The rows chained on a stale hint can go to the server with a later statement of the
    same transaction, not the COMMIT: that statement and what was queued with it still run."""
    from sqlalchemy import select, update

    from engine.audit.trail import AuditRecorder
    from engine.storage import hotsql
    from engine.storage.models import UserAccount

    seq, digest = _head_hint(trail)
    _set_head_hint(trail, (seq - 1, digest))
    with trail.db.write() as session:
        audit = AuditRecorder(session, trail.clock)
        audit.record("carla", "note_one", reason="one")
        audit.record("carla", "note_two", reason="two")
        audit.flush()
        hotsql.run(session, update(UserAccount).where(UserAccount.id == "carla")
                   .values(display_name="Carla B"), defer=True)  # fmt: skip
        names = hotsql.run(session, select(UserAccount.display_name).order_by(UserAccount.id))
        assert "Carla B" in [row.display_name for row in names.all()]
        audit.record("carla", "note_three")
        audit.flush()
    entries = trail.audit_trail()
    assert [e.action for e in entries[-3:]] == ["note_one", "note_two", "note_three"]
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert trail.verify_audit().ok
    with trail.db.snapshot() as connection:
        name = connection.execute(
            select(UserAccount.display_name).where(UserAccount.id == "carla")
        ).scalar_one()
    assert name == "Carla B"


def test_writers_racing_on_the_head_keep_one_chain(trail: Engine) -> None:
    """Threads writing audit rows at once (their head hints go stale under each other)."""
    from engine.audit.trail import AuditRecorder

    before = len(trail.audit_trail())
    errors: list[BaseException] = []

    def write(name: str) -> None:
        try:
            for n in range(15):
                with trail.db.write() as session:
                    audit = AuditRecorder(session, trail.clock)
                    audit.record(name, "note", reason=str(n))
                    audit.flush()
        except BaseException as error:  # pragma: no cover (reported below)
            errors.append(error)

    threads = [threading.Thread(target=write, args=(f"w{i}",)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    entries = trail.audit_trail()
    assert len(entries) == before + 45
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert trail.verify_audit().ok


def test_many_rows_in_one_flush_are_chained_like_a_few(trail: Engine) -> None:
    from engine.audit.trail import AuditRecorder
    from engine.storage import hotsql

    before = len(trail.audit_trail())
    for count in (1, hotsql.MANY_AUDIT_ROWS, hotsql.MANY_AUDIT_ROWS + 5):
        with trail.db.write() as session:
            audit = AuditRecorder(session, trail.clock)
            for n in range(count):
                audit.record("carla", "note", reason=str(n), changes={"n": {"after": n}})
            audit.flush()
    entries = trail.audit_trail()
    assert len(entries) == before + 1 + 2 * hotsql.MANY_AUDIT_ROWS + 5
    assert entries[-1].changes == {"n": {"after": hotsql.MANY_AUDIT_ROWS + 4}}
    assert trail.verify_audit().ok
