"""The audit checkpoint: how far the hash chain was last verified, and the hash found there.

One row (`id = 1`). A successful verification moves it to the head it verified; the next
incremental verification starts from it after checking the row there still has that hash. It
only moves forward: two verifiers racing both upsert, and the one that saw the shorter chain
changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from engine.storage.models import AuditCheckpoint

_TABLE = AuditCheckpoint.__table__


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    verified_at: datetime
    checked: int  # entries the verification that stored it went through

    def describe(self) -> str:
        when = self.verified_at.strftime("%Y-%m-%d %H:%M UTC")
        return f"sequence {self.seq}, verified {when}"


def read_checkpoint(connection: Connection) -> Checkpoint | None:
    row = connection.execute(
        select(_TABLE.c.seq, _TABLE.c.hash, _TABLE.c.verified_at, _TABLE.c.checked).where(
            _TABLE.c.id == 1
        )
    ).first()
    return None if row is None else Checkpoint(row.seq, row.hash, row.verified_at, row.checked)


def save_checkpoint(connection: Connection, checkpoint: Checkpoint) -> bool:
    """Store the checkpoint unless one further along is already stored; True if it was stored.

    One statement (INSERT ... ON CONFLICT DO UPDATE ... WHERE), so racing verifiers need no lock:
    the row ends at the largest sequence any of them verified.
    """
    dialect = connection.dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(_TABLE).values(
        id=1,
        seq=checkpoint.seq,
        hash=checkpoint.hash,
        verified_at=checkpoint.verified_at,
        checked=checkpoint.checked,
    )
    statement = statement.on_conflict_do_update(
        index_elements=[_TABLE.c.id],
        set_={name: statement.excluded[name] for name in ("seq", "hash", "verified_at", "checked")},
        where=_TABLE.c.seq <= statement.excluded.seq,
    )
    return connection.execute(statement.returning(_TABLE.c.seq)).first() is not None
