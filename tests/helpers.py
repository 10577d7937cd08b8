"""Shared test helpers: users, snapshots of stored state."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate
from sqlalchemy import text

from engine import Actor, Database, Engine, Registry
from engine.storage.models import Base


def actor(engine: Engine, user_id: str, *grants: tuple[str, str | None]) -> Actor:
    engine.ensure_user(user_id, user_id.title(), grants=grants)
    return engine.actor(user_id)


def snapshot(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every engine table, to prove a failed call changed nothing."""
    state = {}
    with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            key = ", ".join(c.name for c in table.primary_key.columns)
            rows = conn.execute(text(f"SELECT * FROM {table.name} ORDER BY {key}")).all()
            state[table.name] = [tuple(row) for row in rows]
    return state


class IntakeForm(Schema):
    amount = fields.Integer(required=True, validate=validate.Range(min=0, max=1_000_000))
    note = fields.String(load_default="", validate=validate.Length(max=200))


class ApproveForm(Schema):
    approved = fields.Boolean(required=True)


class StartForm(Schema):
    requester = fields.String(required=True, validate=validate.Length(min=1, max=100))
    title = fields.String(validate=validate.Length(max=200))


def review_registry() -> Registry:
    """The forms of tests/bpmn/review.bpmn, for engines a test builds itself."""
    registry = Registry()
    registry.form("review", "start", StartForm)
    registry.form("review", "intake", IntakeForm)
    registry.form("review", "approve", ApproveForm)
    return registry
