"""Audited changes to the steering framework's actions, KPIs, ambitions and their links to
decisions, made by people on the pages (outside any case).

Like :mod:`processes.followup.recording` for service tasks: every change writes one audit row
with the before and after of each changed field, in the caller's transaction (the web layer
opens it with ``Engine.recording()`` and commits the change and its audit rows together).
Values come already validated by the forms in :mod:`processes.steering.forms`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import Actor, AuditRecorder, Engine
from engine.storage.models import Base
from processes.records import dates
from processes.records.models import Decision
from processes.records.steering import (
    ActionKpi,
    DecisionAction,
    DecisionKpi,
    FocusDomainAmbition,
    Kpi,
    SteeringAction,
)
from processes.steering.forms import PROCESS

Row = TypeVar("Row", bound=Base)

ACTION_FIELDS = (
    "focus_domain", "title", "description", "kind", "owner_organisation_id", "owner_user_id",
    "due_on", "status", "project_id",
)  # fmt: skip
KPI_FIELDS = (
    "focus_domain", "name", "unit", "baseline", "target", "target_on", "higher_is_better",
    "owner_user_id", "measure_every_months",
)  # fmt: skip


class SteeringError(ValueError):
    """A change that cannot be made (what it links to does not exist); nothing is stored."""


@dataclass(frozen=True)
class Writer:
    """Who changes what, when, and where the change and its audit rows go."""

    session: Session
    audit: AuditRecorder
    actor: Actor
    now: datetime

    def record(
        self, action: str, changes: dict[str, Any] | None, reason: str | None = None
    ) -> None:
        self.audit.record(
            self.actor.user_id,
            action,
            changes=changes or None,
            reason=reason,
            on_behalf_of=self.actor.on_behalf_of,
        )

    @property
    def today(self) -> date:
        return dates.local_date(self.now)


@contextmanager
def writing(engine: Engine, actor: Actor) -> Iterator[Writer]:
    """One transaction of changes by `actor`, committed with their audit rows."""
    with engine.recording() as (session, audit):
        yield Writer(session, audit, actor, engine.clock.now())


def start_measurements(engine: Engine, actor: Actor, kpi_id: int, name: str) -> int:
    """Start the KPI's measurement case (it asks the owner for values until the target date);
    its id."""
    case = engine.start_case(PROCESS, {"kpi_id": kpi_id}, actor, title=f"KPI-metingen: {name}")
    return case.id


def define_kpi(engine: Engine, actor: Actor, values: Mapping[str, Any]) -> int:
    """Create a KPI and start its measurement case; the KPI's id."""
    with writing(engine, actor) as w:
        kpi = create_kpi(w, values)
        kpi_id, name = kpi.id, kpi.name
    start_measurements(engine, actor, kpi_id, name)
    return kpi_id


def _create(w: Writer, row: Row, action: str, reason: str) -> Row:
    w.session.add(row)
    w.session.flush()
    changes = {
        column.key: {"before": None, "after": getattr(row, column.key)}
        for column in row.__table__.columns
        if getattr(row, column.key) is not None
    }
    w.record(action, changes, reason)
    return row


def _update(w: Writer, row: Any, values: Mapping[str, Any], action: str, reason: str) -> dict:
    changes: dict[str, Any] = {}
    for name, new in values.items():
        old = getattr(row, name)
        if old != new:
            changes[name] = {"before": old, "after": new}
            setattr(row, name, new)
    if changes:
        if "updated_at" in row.__table__.columns:
            row.updated_at = w.now
        w.session.flush()
        w.record(action, changes, reason)
    return changes


# -- actions -----------------------------------------------------------------------------------


def _done_on(status: str, current: date | None, today: date) -> date | None:
    """An action is done on the day it is first marked done; no date when it is not done."""
    if status != "done":
        return None
    return current or today


def create_action(w: Writer, values: Mapping[str, Any]) -> SteeringAction:
    fields = {name: values.get(name) for name in ACTION_FIELDS}
    fields["status"] = fields["status"] or "planned"
    fields["description"] = fields["description"] or ""
    action = SteeringAction(
        **fields,
        done_on=_done_on(fields["status"], None, w.today),
        created_at=w.now,
        updated_at=w.now,
    )
    return _create(w, action, "steering_action_created", f"focus domain {action.focus_domain}")


def update_action(w: Writer, action: SteeringAction, values: Mapping[str, Any]) -> dict:
    """Change the fields the form gives (all of them: what is left empty is cleared)."""
    fields = {name: values.get(name) for name in ACTION_FIELDS}
    fields["status"] = fields["status"] or action.status
    fields["description"] = fields["description"] or ""
    fields["done_on"] = _done_on(fields["status"], action.done_on, w.today)
    return _update(w, action, fields, "steering_action_updated", f"action {action.id}")


def set_action_status(w: Writer, action: SteeringAction, status: str) -> dict:
    """The owner (or the secretariat) moves the action to `status`."""
    values = {"status": status, "done_on": _done_on(status, action.done_on, w.today)}
    return _update(w, action, values, "steering_action_status", f"action {action.id}")


# -- KPIs --------------------------------------------------------------------------------------


def create_kpi(w: Writer, values: Mapping[str, Any]) -> Kpi:
    fields = {name: values.get(name) for name in KPI_FIELDS}
    if fields["higher_is_better"] is None:
        fields["higher_is_better"] = True
    kpi = Kpi(**fields, created_at=w.now, updated_at=w.now)
    return _create(w, kpi, "kpi_created", f"focus domain {kpi.focus_domain}")


def update_kpi(w: Writer, kpi: Kpi, values: Mapping[str, Any]) -> dict:
    fields = {name: values.get(name) for name in KPI_FIELDS}
    if fields["higher_is_better"] is None:
        fields["higher_is_better"] = kpi.higher_is_better
    return _update(w, kpi, fields, "kpi_updated", f"KPI {kpi.id}")


# -- ambitions ---------------------------------------------------------------------------------


def save_ambition(w: Writer, focus_domain: str, nl: str, en: str) -> dict:
    row = w.session.get(FocusDomainAmbition, focus_domain)
    if row is None:
        row = FocusDomainAmbition(focus_domain=focus_domain, ambition_nl=nl, ambition_en=en)
        _create(w, row, "ambition_written", f"focus domain {focus_domain}")
        return {"ambition_nl": {"before": None, "after": nl}}
    values = {"ambition_nl": nl, "ambition_en": en}
    return _update(w, row, values, "ambition_updated", f"focus domain {focus_domain}")


# -- links -------------------------------------------------------------------------------------

_LINKS: dict[str, tuple[type[Base], str, str]] = {
    "decision_action": (DecisionAction, "decision_id", "action_id"),
    "decision_kpi": (DecisionKpi, "decision_id", "kpi_id"),
    "action_kpi": (ActionKpi, "action_id", "kpi_id"),
}


def _check_exists(session: Session, column: str, value: int) -> None:
    model: Any = {"decision_id": Decision, "action_id": SteeringAction, "kpi_id": Kpi}[column]
    if session.get(model, value) is None:
        raise SteeringError(f"{column.removesuffix('_id')} {value} does not exist")


def link(w: Writer, kind: str, first: int, second: int) -> bool:
    """Link two records (`kind`: decision_action, decision_kpi, action_kpi); False when they
    were linked already (nothing changes)."""
    model, left, right = _LINKS[kind]
    _check_exists(w.session, left, first)
    _check_exists(w.session, right, second)
    if w.session.get(model, (first, second)) is not None:
        return False
    w.session.add(model(**{left: first, right: second}))
    w.session.flush()
    w.record(
        f"{kind}_linked",
        {left: {"before": None, "after": first}, right: {"before": None, "after": second}},
    )
    return True


def unlink(w: Writer, kind: str, first: int, second: int) -> bool:
    """Remove a link; False when there was none."""
    model, left, right = _LINKS[kind]
    row = w.session.get(model, (first, second))
    if row is None:
        return False
    w.session.delete(row)
    w.session.flush()
    w.record(
        f"{kind}_unlinked",
        {left: {"before": first, "after": None}, right: {"before": second, "after": None}},
    )
    return True


def linked(session: Session, kind: str, column: str, value: int) -> list[int]:
    """The ids on the other side of `kind` links whose `column` is `value`."""
    model, left, right = _LINKS[kind]
    other = right if column == left else left
    query = select(getattr(model, other)).where(getattr(model, column) == value)
    return sorted(session.execute(query).scalars())
