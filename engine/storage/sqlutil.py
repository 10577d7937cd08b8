"""Small SQL helpers that differ per dialect."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert

from engine.storage import hotsql

_IGNORING: dict[tuple[Table, str, str], Insert] = {}
"""One prebuilt INSERT ... ON CONFLICT DO NOTHING per table, key and dialect: `hotsql.run`
compiles each statement object once."""


def _ignoring(table: Table, key: str, dialect_name: str) -> Insert:
    found = _IGNORING.get((table, key, dialect_name))
    if found is None:
        dialect = postgresql if dialect_name == "postgresql" else sqlite
        # inline: no implicit RETURNING of a generated primary key (nothing reads it, and an
        # executemany could not give it)
        statement = dialect.insert(table).inline().on_conflict_do_nothing(index_elements=[key])
        found = _IGNORING.setdefault((table, key, dialect_name), statement)
    return found


def insert_ignoring_duplicates(
    session: Session, table: Table, rows: Sequence[dict[str, Any]], key: str = "key"
) -> int:
    """INSERT ... ON CONFLICT (key) DO NOTHING; returns how many rows were new.

    Rows with the same columns go in one prebuilt statement run for all of them
    (`executemany`, on PostgreSQL in one pipeline together with the statements deferred
    before it); the driver's row count is the sum over the rows."""
    if not rows:
        return 0
    statement = _ignoring(table, key, session.get_bind().dialect.name)
    inserted = 0
    start = 0
    while start < len(rows):
        columns = rows[start].keys()
        end = start + 1
        while end < len(rows) and rows[end].keys() == columns:
            end += 1
        batch = list(rows[start:end])
        result = hotsql.run(session, statement, batch, defer=False)
        inserted += _rowcount(result, len(batch))
        start = end
    return inserted


def _rowcount(result: Any, rows: int) -> int:
    count = result.rowcount
    if count is None or count < 0:
        raise RuntimeError(f"the driver gave no row count for an insert of {rows} rows")
    return int(count)
