"""Migration p004 gives every existing meeting, agenda item, treatment and decision its own
uuid, then makes the column required and unique."""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy import create_engine, text

import processes
from engine.storage.db import Database
from engine.storage.migrate import current_revisions, upgrade

TABLES = ("meeting", "agenda_item", "treatment", "decision")


def test_existing_rows_get_distinct_uuids(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'before.db'}")
    upgrade(db, [processes.MIGRATIONS], "0008")
    upgrade(db, [processes.MIGRATIONS], "p002")
    upgrade(db, [processes.MIGRATIONS], "p003")
    plain = create_engine(f"sqlite:///{tmp_path / 'before.db'}")  # no cases behind these records
    with plain.connect() as c:
        for n in (1, 2):
            c.execute(text(
                "INSERT INTO meeting (id, title, meeting_date, start_time, agenda_deadline,"
                " location, status, created_at) VALUES (:n, 'Z', '2026-01-22', '10:00:00',"
                " '2026-01-12', 'Brussel', 'held', '2026-01-01 00:00:00')"
            ), {"n": n})  # fmt: skip
            c.execute(text(
                "INSERT INTO agenda_item (id, meeting_id, topic_case_id, position, kind, public,"
                " title, topic_kind, status, added_at) VALUES (:n, :n, :n, 1, 'decision', 1, 'T',"
                " 'topic', 'treated', '2026-01-01 00:00:00')"
            ), {"n": n})  # fmt: skip
            c.execute(text(
                "INSERT INTO treatment (id, agenda_item_id, attendance, outcome, details,"
                " recorded_at, recorded_by) VALUES (:n, :n, '[]', 'decided', '{}',"
                " '2026-01-01 00:00:00', 'sara')"
            ), {"n": n})  # fmt: skip
            c.execute(text(
                "INSERT INTO decision (id, treatment_id, meeting_id, topic_case_id, text, binding,"
                " decided_at) VALUES (:n, :n, :n, :n, 'B', 0, '2026-01-01 00:00:00')"
            ), {"n": n})  # fmt: skip
        c.commit()
    plain.dispose()
    upgrade(db, [processes.MIGRATIONS], "p004")
    assert "p004" in current_revisions(db)
    seen: set[str] = set()
    with db.engine.connect() as c:
        for table in TABLES:
            values = [row[0] for row in c.execute(text(f"SELECT uuid FROM {table}"))]
            assert len(values) == 2 and all(uuid.UUID(v) for v in values)
            seen.update(values)
    assert len(seen) == 8
    db.dispose()
