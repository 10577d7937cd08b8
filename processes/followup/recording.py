"""Audited record changes for the follow-up service handlers, and reading case data safely.

Every change to a follow-up record goes through :func:`create` or :func:`update`, which write
one audit row per step (``call.record``) with the before and after of each changed field.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, TypeVar

from marshmallow import Schema, ValidationError
from sqlalchemy.orm import Session

from engine import ServiceCall
from engine.storage.models import Base

Row = TypeVar("Row", bound=Base)


class RecordError(ValueError):
    """A follow-up record is missing or not in a state this step can handle (an incident)."""


def create(call: ServiceCall, row: Row, action: str, reason: str | None = None) -> Row:
    """Add `row`, flush it (so it has an id) and audit every field it was created with."""
    call.session.add(row)
    call.session.flush()
    changes = {
        column.key: {"before": None, "after": getattr(row, column.key)}
        for column in row.__table__.columns
        if getattr(row, column.key) is not None
    }
    call.record(action, changes=changes, reason=reason)
    return row


def update(
    call: ServiceCall,
    row: Base,
    values: Mapping[str, Any],
    action: str,
    reason: str | None = None,
) -> dict[str, Any]:
    """Set `values` on `row`; audit the fields that really changed (nothing if none did)."""
    changes: dict[str, Any] = {}
    for name, new in values.items():
        old = getattr(row, name)
        if old != new:
            changes[name] = {"before": old, "after": new}
            setattr(row, name, new)
    if changes:
        if "updated_at" in row.__table__.columns and "updated_at" not in values:
            row.updated_at = call.clock.now()  # type: ignore[attr-defined]
        call.session.flush()
        call.record(action, changes=changes, reason=reason)
    return changes


def load(session: Session, model: type[Row], row_id: Any, what: str) -> Row:
    """The row with this id, or a clear error."""
    if isinstance(row_id, bool) or not isinstance(row_id, int):
        raise RecordError(f"{what} id must be a whole number, got {row_id!r}")
    row = session.get(model, row_id)
    if row is None:
        raise RecordError(f"{what} {row_id} does not exist")
    return row


def expect_status(row: Any, allowed: tuple[str, ...], what: str) -> None:
    """Refuse a step on a record that is not in one of the `allowed` statuses."""
    if row.status not in allowed:
        raise RecordError(
            f"{what} {row.id} is {row.status!r}; this step needs one of {', '.join(allowed)}"
        )


def validated(schema: type[Schema], data: Mapping[str, Any], what: str) -> dict[str, Any]:
    """Check case data against a form schema (case starts deferred by another case skip form
    validation): only the schema's own fields are read; errors become one clear message."""
    fields = schema().fields
    subset = {name: data[name] for name in fields if name in data}
    try:
        return schema().load(subset)
    except ValidationError as error:
        raise RecordError(f"invalid {what}: {error.normalized_messages()}") from error


def as_date(value: Any, what: str) -> date:
    """A date from case data (an ISO string or a date)."""
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise RecordError(f"{what} must be an ISO date (YYYY-MM-DD), got {value!r}")
