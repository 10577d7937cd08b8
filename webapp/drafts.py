"""Drafts of process models (*Opslaan als ontwerp* in the modeller), one per process.

Several admins may edit the same process. Each save names the draft revision it started from
(0: there was no draft); when someone else saved in between, the save is refused with
`DraftConflict` (who saved, when) and the admin chooses: overwrite (`force`) or reload. The
check and the write are one conditional UPDATE (or an INSERT guarded by the primary key), so
two workers racing cannot both win.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError

from engine import Engine
from webapp.models import ModelDraft


@dataclass(frozen=True)
class Draft:
    process_id: str
    source_xml: str
    revision: int
    based_on_version: int | None
    saved_by: str
    saved_at: datetime


class DraftConflict(Exception):
    """Someone saved the draft after this admin opened it."""

    def __init__(self, current: Draft) -> None:
        super().__init__(f"draft of {current.process_id} is at revision {current.revision}")
        self.current = current


def _of(row: ModelDraft) -> Draft:
    return Draft(row.process_id, row.source_xml, row.revision, row.based_on_version,
                 row.saved_by, row.saved_at)  # fmt: skip


def get(engine: Engine, process_id: str) -> Draft | None:
    with engine.db.read() as session:
        row = session.get(ModelDraft, process_id)
        return _of(row) if row is not None else None


def save(
    engine: Engine,
    process_id: str,
    source_xml: str,
    *,
    expected: int,
    based_on_version: int | None,
    user_id: str,
    force: bool = False,
) -> Draft:
    """Store the draft as the next revision after `expected`; raise `DraftConflict` when the
    stored revision is another one (unless `force`)."""
    now = engine.clock.now()
    values = {"source_xml": source_xml, "based_on_version": based_on_version,
              "saved_by": user_id, "saved_at": now}  # fmt: skip
    try:
        with engine.db.write() as session:
            query = update(ModelDraft).where(ModelDraft.process_id == process_id)
            if not force:
                query = query.where(ModelDraft.revision == expected)
            result = session.execute(query.values(revision=ModelDraft.revision + 1, **values))
            if result.rowcount == 0:  # type: ignore[attr-defined]
                if expected != 0 and not force:
                    raise _conflict(session, process_id)
                session.add(ModelDraft(process_id=process_id, revision=1, **values))
                session.flush()
    except IntegrityError:  # another admin created the draft at the same moment
        current = get(engine, process_id)
        if current is None:
            raise
        raise DraftConflict(current) from None
    saved = get(engine, process_id)
    assert saved is not None
    return saved


def _conflict(session: object, process_id: str) -> Exception:
    current = session.get(ModelDraft, process_id)  # type: ignore[attr-defined]
    if current is None:  # the draft was discarded (deployed) meanwhile
        return DraftConflict(Draft(process_id, "", 0, None, "", datetime.min))
    return DraftConflict(_of(current))


def discard(engine: Engine, process_id: str) -> None:
    with engine.db.write() as session:
        session.execute(delete(ModelDraft).where(ModelDraft.process_id == process_id))
