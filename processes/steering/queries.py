"""Reading the steering framework's actions, KPIs, measurements, ambitions and links (for the
pages, the API and the measurement task's brief). Read only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from processes.records.steering import (
    ActionKpi,
    DecisionAction,
    DecisionKpi,
    FocusDomainAmbition,
    Kpi,
    KpiMeasurement,
    SteeringAction,
)

Trend = Literal["better", "worse", "same", "none"]


@dataclass(frozen=True)
class Measurement:
    measured_on: date
    value: float
    note: str | None
    entered_by: str


@dataclass(frozen=True)
class KpiView:
    """A KPI with its measurements (oldest first) and its links."""

    kpi: Kpi
    measurements: list[Measurement] = field(default_factory=list)
    action_ids: list[int] = field(default_factory=list)
    decision_ids: list[int] = field(default_factory=list)

    @property
    def last(self) -> Measurement | None:
        return self.measurements[-1] if self.measurements else None

    @property
    def trend(self) -> Trend:
        return trend(self.measurements, self.kpi.higher_is_better)

    @property
    def target_met(self) -> bool | None:
        """Whether the last value reaches the target (None before any measurement)."""
        if self.last is None:
            return None
        if self.kpi.higher_is_better:
            return self.last.value >= self.kpi.target
        return self.last.value <= self.kpi.target


@dataclass(frozen=True)
class ActionView:
    action: SteeringAction
    decision_ids: list[int] = field(default_factory=list)
    kpi_ids: list[int] = field(default_factory=list)


def trend(measurements: list[Measurement], higher_is_better: bool) -> Trend:
    """The last value against the one before: better, worse or the same (none: fewer than 2)."""
    if len(measurements) < 2:
        return "none"
    before, last = measurements[-2].value, measurements[-1].value
    if last == before:
        return "same"
    return "better" if (last > before) == higher_is_better else "worse"


def measurements(session: Session, kpi_id: int) -> list[Measurement]:
    rows = session.execute(
        select(KpiMeasurement)
        .where(KpiMeasurement.kpi_id == kpi_id)
        .order_by(KpiMeasurement.measured_on, KpiMeasurement.id)
    ).scalars()
    return [Measurement(r.measured_on, r.value, r.note, r.entered_by) for r in rows]


def kpi_view(session: Session, kpi_id: int) -> KpiView | None:
    kpi = session.get(Kpi, kpi_id)
    if kpi is None:
        return None
    actions = session.execute(
        select(ActionKpi.action_id).where(ActionKpi.kpi_id == kpi_id).order_by(ActionKpi.action_id)
    ).scalars()
    decisions = session.execute(
        select(DecisionKpi.decision_id)
        .where(DecisionKpi.kpi_id == kpi_id)
        .order_by(DecisionKpi.decision_id)
    ).scalars()
    return KpiView(kpi, measurements(session, kpi_id), list(actions), list(decisions))


def kpi_views(session: Session, focus_domain: str | None = None) -> list[KpiView]:
    """Every KPI (of one focus domain), by focus domain and name, with measurements and links."""
    query = select(Kpi.id).order_by(Kpi.focus_domain, Kpi.name, Kpi.id)
    if focus_domain is not None:
        query = query.where(Kpi.focus_domain == focus_domain)
    found = [kpi_view(session, kpi_id) for kpi_id in session.execute(query).scalars()]
    return [view for view in found if view is not None]


def action_view(session: Session, action_id: int) -> ActionView | None:
    action = session.get(SteeringAction, action_id)
    if action is None:
        return None
    decisions = session.execute(
        select(DecisionAction.decision_id)
        .where(DecisionAction.action_id == action_id)
        .order_by(DecisionAction.decision_id)
    ).scalars()
    kpis = session.execute(
        select(ActionKpi.kpi_id).where(ActionKpi.action_id == action_id).order_by(ActionKpi.kpi_id)
    ).scalars()
    return ActionView(action, list(decisions), list(kpis))


def actions(
    session: Session,
    *,
    focus_domain: str | None = None,
    status: str | None = None,
    kind: str | None = None,
) -> list[SteeringAction]:
    """Actions after the filters, by due date (those without one last), then title."""
    query = select(SteeringAction)
    if focus_domain is not None:
        query = query.where(SteeringAction.focus_domain == focus_domain)
    if status is not None:
        query = query.where(SteeringAction.status == status)
    if kind is not None:
        query = query.where(SteeringAction.kind == kind)
    query = query.order_by(
        SteeringAction.due_on.is_(None), SteeringAction.due_on, SteeringAction.title,
        SteeringAction.id,
    )  # fmt: skip
    return list(session.execute(query).scalars())


def action_titles(session: Session, ids: list[int] | None = None) -> dict[int, str]:
    query = select(SteeringAction.id, SteeringAction.title).order_by(SteeringAction.title)
    if ids is not None:
        query = query.where(SteeringAction.id.in_(ids))
    return {row.id: row.title for row in session.execute(query)}


def kpi_names(session: Session, ids: list[int] | None = None) -> dict[int, str]:
    query = select(Kpi.id, Kpi.name).order_by(Kpi.name)
    if ids is not None:
        query = query.where(Kpi.id.in_(ids))
    return {row.id: row.name for row in session.execute(query)}


def ambitions(session: Session) -> dict[str, FocusDomainAmbition]:
    rows = session.execute(select(FocusDomainAmbition)).scalars()
    return {row.focus_domain: row for row in rows}


def counts_by_domain(session: Session) -> dict[str, tuple[int, int]]:
    """Per focus domain: (actions, KPIs)."""
    found: dict[str, list[int]] = {}
    for model, index in ((SteeringAction, 0), (Kpi, 1)):
        rows = session.execute(
            select(model.focus_domain, func.count()).group_by(model.focus_domain)
        )
        for domain, count in rows:
            found.setdefault(domain, [0, 0])[index] = count
    return {domain: (pair[0], pair[1]) for domain, pair in found.items()}
