"""Audit verification: the checkpoint, the incremental mode, the streaming walk and the command.

Tampering goes the way tests/test_audit.py does it: switch the guards off, change, switch on.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import insert, select, text

from engine import Database, Engine
from engine.audit.checkpoint import Checkpoint, read_checkpoint, save_checkpoint
from engine.audit.trail import _HASHED, _content, row_hash
from engine.audit.verification import verify
from engine.storage.models import AuditEntry
from tests.conftest import BPMN
from tests.helpers import IntakeForm, StartForm, actor
from tests.test_audit import _without_guards


@pytest.fixture
def trail(engine: Engine) -> Engine:
    engine.registry.form("review", "start", StartForm)
    engine.registry.form("review", "intake", IntakeForm)
    engine.deploy([BPMN / "review.bpmn"])
    _more_cases(engine, 3)
    return engine


def _more_cases(engine: Engine, count: int) -> None:
    clerk = actor(engine, "carla", ("clerk", None))
    for n in range(count):
        engine.start_case("review", {"requester": f"r{n}"}, clerk)


def _head(engine: Engine) -> int:
    return engine.audit_trail()[-1].seq


def _hash(db: Database, seq: int) -> str:
    with db.engine.connect() as conn:
        return conn.execute(text("SELECT hash FROM audit_trail WHERE seq = :s"), {"s": seq}).scalar_one()


def _checkpoint(db: Database) -> Checkpoint | None:
    with db.engine.connect() as conn:
        return read_checkpoint(conn)


def _rewrite_from(db: Database, seq: int, actor_name: str) -> None:
    """Edit row `seq` and hash the chain again from there to the head, head included: what
    someone with full database rights would do to hide an edit."""
    table = AuditEntry.__table__
    with db.engine.connect() as conn:
        rows = conn.execute(
            select(*(table.c[n] for n in (*_HASHED, "prev_hash"))).where(table.c.seq >= seq)
            .order_by(table.c.seq)
        ).all()  # fmt: skip
    prev = rows[0].prev_hash
    for row in rows:
        content = {name: getattr(row, name) for name in _HASHED}
        if row.seq == seq:
            content["actor"] = actor_name
        digest = row_hash(prev, _content(content))
        _without_guards(db, "UPDATE audit_trail SET actor = :actor, prev_hash = :prev, hash = :hash "
                        "WHERE seq = :seq", actor=content["actor"], prev=prev, hash=digest,
                        seq=row.seq)  # fmt: skip
        prev = digest
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_head SET hash = :hash WHERE id = 1"), {"hash": prev})


# -- the checkpoint ------------------------------------------------------------------------------


def test_a_successful_verification_stores_the_checkpoint(trail: Engine, clock) -> None:
    assert _checkpoint(trail.db) is None
    result = trail.verify_audit()
    stored = _checkpoint(trail.db)
    assert stored is not None
    assert (stored.seq, stored.hash, stored.checked) == (result.head_seq, result.head_hash,
                                                         result.checked)  # fmt: skip
    assert stored.verified_at == clock.now()
    assert stored.hash == _hash(trail.db, _head(trail))


def test_a_failed_verification_leaves_the_checkpoint(trail: Engine) -> None:
    trail.verify_audit()
    before = _checkpoint(trail.db)
    _more_cases(trail, 1)
    _without_guards(trail.db, "UPDATE audit_trail SET actor = 'mallory' WHERE seq = 2")
    assert not trail.verify_audit().ok
    assert _checkpoint(trail.db) == before


def test_the_checkpoint_only_moves_forward(db: Database) -> None:
    """Two verifiers racing: whichever writes last, the furthest point stays."""
    at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    far, near = Checkpoint(20, "b" * 64, at, 20), Checkpoint(10, "a" * 64, at, 10)
    with db.engine.begin() as conn:
        assert save_checkpoint(conn, far)
    with db.engine.begin() as conn:
        assert not save_checkpoint(conn, near)
    assert _checkpoint(db) == far
    later = Checkpoint(20, "b" * 64, datetime(2026, 3, 3, 9, 0, tzinfo=UTC), 5)
    with db.engine.begin() as conn:
        assert save_checkpoint(conn, later)  # the same point verified again: a newer date
    assert _checkpoint(db) == later


# -- the incremental mode ------------------------------------------------------------------------


def test_incremental_without_checkpoint_verifies_the_whole_chain(trail: Engine) -> None:
    result = trail.verify_audit(incremental=True)
    assert result.ok and result.since is None and result.checked == _head(trail)
    assert "no checkpoint yet, so the whole chain was verified" in result.describe()
    assert _checkpoint(trail.db) is not None


def test_incremental_verifies_only_what_came_after_the_checkpoint(trail: Engine) -> None:
    first = trail.verify_audit()
    _more_cases(trail, 2)
    result = trail.verify_audit(incremental=True)
    head = _head(trail)
    assert result.ok and result.since is not None and result.since.seq == first.head_seq
    assert result.head_seq == head
    assert result.checked == head - first.head_seq + 1  # the new rows and the checkpoint row
    assert f"{head - first.head_seq} new entries verified from the checkpoint at sequence " \
           f"{first.head_seq}" in result.describe()  # fmt: skip
    assert _checkpoint(trail.db).seq == head  # type: ignore[union-attr]
    again = trail.verify_audit(incremental=True)  # nothing new: only the checkpoint row
    assert again.ok and again.checked == 1 and "0 new entries" in again.describe()


def test_tampered_row_after_the_checkpoint_is_found_by_incremental(trail: Engine) -> None:
    checkpoint = trail.verify_audit().head_seq
    _more_cases(trail, 2)
    edited = checkpoint + 3
    _without_guards(trail.db, "UPDATE audit_trail SET reason = 'x' WHERE seq = :seq", seq=edited)
    for incremental in (True, False):
        result = trail.verify_audit(incremental=incremental)
        assert (result.ok, result.first_bad_seq) == (False, edited)
        assert "content does not match" in result.describe()


def test_deleted_row_after_the_checkpoint_is_found_by_incremental(trail: Engine) -> None:
    checkpoint = trail.verify_audit().head_seq
    _more_cases(trail, 1)
    _without_guards(trail.db, "DELETE FROM audit_trail WHERE seq = :seq", seq=checkpoint + 1)
    result = trail.verify_audit(incremental=True)
    assert (result.ok, result.first_bad_seq) == (False, checkpoint + 1)
    assert "missing" in result.describe()


def test_chain_rewritten_before_the_checkpoint_is_found_by_both(trail: Engine) -> None:
    """An edit hidden by hashing the chain again from there on: every link fits, but the row at
    the checkpoint no longer has the hash it had when it was verified."""
    checkpoint = trail.verify_audit().head_seq
    _more_cases(trail, 1)
    _rewrite_from(trail.db, 3, "mallory")
    for incremental in (True, False):
        result = trail.verify_audit(incremental=incremental)
        assert (result.ok, result.first_bad_seq) == (False, checkpoint)
        assert "differs from when it was verified" in result.describe()


def test_edited_checkpoint_row_is_found_by_incremental(trail: Engine) -> None:
    checkpoint = trail.verify_audit().head_seq
    _more_cases(trail, 1)
    _without_guards(trail.db, "UPDATE audit_trail SET actor = 'x' WHERE seq = :seq", seq=checkpoint)
    result = trail.verify_audit(incremental=True)
    assert (result.ok, result.first_bad_seq) == (False, checkpoint)
    assert "content does not match" in result.describe()


def test_deleted_row_before_the_checkpoint_is_found_by_incremental(trail: Engine) -> None:
    trail.verify_audit()
    _without_guards(trail.db, "DELETE FROM audit_trail WHERE seq = 4")
    for incremental in (True, False):
        result = trail.verify_audit(incremental=incremental)
        assert (result.ok, result.first_bad_seq) == (False, 4)
        assert "missing" in result.describe()
    _without_guards(trail.db, "DELETE FROM audit_trail WHERE seq = 1")
    assert trail.verify_audit(incremental=True).first_bad_seq == 1


def test_edit_before_the_checkpoint_is_found_only_by_a_full_verification(trail: Engine) -> None:
    """Documented limit: incremental does not hash the rows before the checkpoint again."""
    trail.verify_audit()
    _without_guards(trail.db, "UPDATE audit_trail SET actor = 'mallory' WHERE seq = 3")
    assert trail.verify_audit(incremental=True).ok
    full = trail.verify_audit()
    assert (full.ok, full.first_bad_seq) == (False, 3)


def test_chain_cut_back_before_the_checkpoint_is_found(trail: Engine) -> None:
    checkpoint = trail.verify_audit().head_seq
    kept = _hash(trail.db, checkpoint - 2)
    _without_guards(trail.db, "DELETE FROM audit_trail WHERE seq >= :seq", seq=checkpoint - 1)
    with trail.db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_head SET seq = :seq, hash = :hash WHERE id = 1"),
                     {"seq": checkpoint - 2, "hash": kept})  # fmt: skip
    for incremental in (True, False):
        result = trail.verify_audit(incremental=incremental)
        assert (result.ok, result.first_bad_seq) == (False, checkpoint - 1)
        assert "the chain ends before the checkpoint" in result.describe()


# -- the walk ------------------------------------------------------------------------------------


def test_rows_the_writer_wrote_with_awkward_text_verify(trail: Engine) -> None:
    """The hash input is put together directly from the columns; it must equal the writer's."""
    with trail.recording() as (_session, audit):
        audit.record("carla", "case_data_corrected", case_id=1, task_id="t-1", element_id="é",
                     changes={"z": {"before": None, "after": [1.5, "\"q\" \\ \n\t\u2028 €"]},
                              "a": {"before": {"b": 1, "a": 2}, "after": 10**20}},
                     reason="tikfout ✓ \x01\x1f\x7f", on_behalf_of="mona")  # fmt: skip
        audit.record("system", "nothing_changed", changes={})
    assert trail.verify_audit().ok


def test_a_row_stored_in_an_unusual_shape_is_hashed_the_exact_way(trail: Engine) -> None:
    """A date the fast path does not take (year 999) goes through the ORM types, as written."""
    last = _head(trail)
    prev = _hash(trail.db, last)
    row: dict[str, Any] = {name: None for name in _HASHED}
    row.update(seq=last + 1, at=datetime(999, 1, 2, 3, 4, 5, tzinfo=UTC), actor="system",
               action="odd", case_id=7)  # fmt: skip
    digest = row_hash(prev, _content(row))
    with trail.db.engine.begin() as conn:
        conn.execute(insert(AuditEntry), [{**row, "prev_hash": prev, "hash": digest}])
        conn.execute(text("UPDATE audit_head SET seq = :seq, hash = :hash WHERE id = 1"),
                     {"seq": row["seq"], "hash": digest})  # fmt: skip
    result = trail.verify_audit()
    assert result.ok and result.head_seq == row["seq"], result.describe()


def test_pages_and_progress(trail: Engine) -> None:
    calls: list[tuple[int, int]] = []
    head = _head(trail)
    with trail.db.consistent_read() as conn:
        result = verify(conn, batch=3, progress=lambda done, total: calls.append((done, total)))
    assert result.ok and result.checked == head
    assert calls[0] == (0, head) and calls[-1] == (head, head)
    assert len(calls) == 1 + -(-head // 3)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_a_page_boundary_does_not_hide_a_break(trail: Engine) -> None:
    _without_guards(trail.db, "DELETE FROM audit_trail WHERE seq = 7")
    for batch in (2, 3, 6, 7, 1000):
        with trail.db.consistent_read() as conn:
            result = verify(conn, batch=batch)
        assert (result.ok, result.first_bad_seq) == (False, 7), batch


# -- the command ---------------------------------------------------------------------------------


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def cli(trail: Engine, tmp_path, monkeypatch):
    from webapp.cli import main

    monkeypatch.setenv("STUURBOORD_DATABASE_URL", trail.db.url)
    monkeypatch.setenv("STUURBOORD_INSTANCE_PATH", str(tmp_path))

    def run(*args: str, code: int = 0):
        result = CliRunner().invoke(main, ["audit", "verify", *args], catch_exceptions=False)
        assert result.exit_code == code, result.output
        return result

    return run


def test_command_without_terminal_prints_one_summary_line(cli, trail: Engine) -> None:
    out = cli().output
    assert out.count("\n") == 1 and "verifying" not in out
    assert f"audit trail intact up to sequence {_head(trail)}" in out
    _more_cases(trail, 1)
    out = cli("--incremental").output
    assert "new entries verified from the checkpoint at sequence" in out


def test_command_on_a_terminal_shows_a_progress_bar(cli, trail: Engine, monkeypatch) -> None:
    import engine.cli

    screen = _Terminal()
    monkeypatch.setattr(engine.cli, "_terminal", lambda: screen)
    out = cli().output
    assert "audit trail intact" in out and "verifying" not in out  # the bar is not on stdout
    drawn = screen.getvalue()
    assert "verifying the audit trail" in drawn
    assert f"{_head(trail)}/{_head(trail)}" in drawn


def test_command_exit_codes(cli, trail: Engine) -> None:
    cli()
    _more_cases(trail, 1)
    _without_guards(trail.db, "UPDATE audit_trail SET reason = 'x' WHERE seq = :seq",
                    seq=_head(trail))  # fmt: skip
    out = cli("--incremental", code=1).output
    assert f"audit trail broken at sequence {_head(trail)}: content does not match" in out
    assert "broken" in cli(code=1).output
    assert cli("--no-such-option", code=2).exit_code == 2
