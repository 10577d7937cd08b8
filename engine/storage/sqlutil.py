"""Small SQL helpers that differ per dialect."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert_ignoring_duplicates(
    session: Session, table: Table, rows: Sequence[dict[str, Any]], key: str = "key"
) -> int:
    """INSERT ... ON CONFLICT (key) DO NOTHING; returns how many rows were new."""
    if not rows:
        return 0
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).on_conflict_do_nothing(index_elements=[key])
    inserted = 0
    for row in rows:
        inserted += session.execute(statement, row).rowcount or 0
    return inserted
