"""Figures of the steering framework's dashboard (*Sturingskader*), per focus domain and overall.

Every figure is counted by the database (GROUP BY with COUNT, SUM and CASE); Python only puts
the grouped rows into the shapes below. All of them take the day to judge lateness against
(``today``), so the same data gives the same figures in tests.

* **Adoption of binding decisions** per entity: the comply-or-explain obligations by status,
  in four groups (``ADOPTION_GROUPS``): complied; explained (waiting for, accepted or not
  accepted by the secretariat); overdue (overdue or escalated); open (no answer yet, deadline
  not passed).
* **Projects** by status, with their budget (planned and spent, how many run over) and their
  milestones: a milestone is *late* when it was reached after its planned date, when its
  forecast lies after its planned date, or when its planned date has passed without it being
  reached (``late_milestone``).
* **Actions** by status, and how many are *overdue*: planned or running with their due date
  passed.
* **KPIs** against their target: the latest measured value, and whether it reaches the target
  (``higher_is_better`` says in which direction); the series of measured values per KPI.

A project belongs to every focus domain it lists; overall it counts once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal_column, or_, select
from sqlalchemy.orm import Session

from processes.records.followup import Obligation
from processes.records.models import Organisation
from processes.records.steering import (
    ACTION_STATUSES,
    PROJECT_STATUSES,
    Kpi,
    KpiMeasurement,
    Project,
    ProjectFocusDomain,
    ProjectMilestone,
    SteeringAction,
)

ADOPTION_GROUPS: dict[str, tuple[str, ...]] = {
    "complied": ("complied",),
    "explained": ("explained", "explanation_accepted", "explanation_rejected"),
    "overdue": ("overdue", "escalated"),
    "open": ("open",),
}
"""The four groups of obligation statuses the dashboard shows, in this order."""

OPEN_ACTION_STATUSES = ("planned", "running")
"""Actions still to be done: overdue when their due date has passed."""

KPI_STANDINGS = ("reached", "behind", "unmeasured")
"""A KPI's latest value reaches its target, does not yet, or nothing was measured yet."""


def group_of(status: str) -> str:
    """The adoption group of an obligation status ("open" for anything unknown)."""
    for group, statuses in ADOPTION_GROUPS.items():
        if status in statuses:
            return group
    return "open"


# -- shapes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatusCounts:
    """Obligations by status; the groups are sums of these."""

    by_status: dict[str, int] = field(default_factory=dict)

    def group(self, name: str) -> int:
        return sum(self.by_status.get(status, 0) for status in ADOPTION_GROUPS[name])

    @property
    def groups(self) -> dict[str, int]:
        return {name: self.group(name) for name in ADOPTION_GROUPS}

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    def share(self, name: str) -> float:
        """The group's share of all obligations in percent, one decimal."""
        return round(100.0 * self.group(name) / self.total, 1) if self.total else 0.0


@dataclass(frozen=True)
class EntityAdoption:
    organisation_id: str
    name: str
    counts: StatusCounts


@dataclass(frozen=True)
class ProjectStatusRow:
    """The projects in one status."""

    status: str
    projects: int
    budget_planned: int
    budget_spent: int
    over_budget: int
    """Projects whose spend is above their planned budget."""
    with_late_milestones: int
    """Projects with at least one late milestone."""
    late_milestones: int
    milestones: int

    @property
    def spent_pct(self) -> float:
        return (
            round(100.0 * self.budget_spent / self.budget_planned, 1)
            if self.budget_planned
            else 0.0
        )


@dataclass(frozen=True)
class ProjectLine:
    """One project that asks for attention (over budget or late), for the list with links."""

    project_id: int
    title: str
    status: str
    budget_planned: int
    budget_spent: int
    late_milestones: int

    @property
    def over_budget(self) -> bool:
        return self.budget_spent > self.budget_planned


@dataclass(frozen=True)
class ActionStatusRow:
    status: str
    actions: int
    overdue: int


@dataclass(frozen=True)
class ActionLine:
    action_id: int
    title: str
    focus_domain: str
    status: str
    due_on: date | None
    overdue: bool


@dataclass(frozen=True)
class KpiStanding:
    """A KPI with its latest value (None before the first measurement) against its target."""

    kpi_id: int
    name: str
    focus_domain: str
    unit: str
    baseline: float | None
    target: float
    target_on: date
    higher_is_better: bool
    latest: float | None
    latest_on: date | None
    measurements: int

    @property
    def standing(self) -> str:
        if self.latest is None:
            return "unmeasured"
        if self.higher_is_better:
            return "reached" if self.latest >= self.target else "behind"
        return "reached" if self.latest <= self.target else "behind"


@dataclass(frozen=True)
class DomainSummary:
    """One focus domain's figures in a line of the overall page."""

    focus_domain: str
    obligations: StatusCounts
    projects: int
    projects_over_budget: int
    projects_late: int
    actions: int
    actions_overdue: int
    kpis: dict[str, int]


# -- SQL pieces --------------------------------------------------------------------------------


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(case((condition, 1), else_=0))


def late_milestone(today: date) -> ColumnElement[bool]:
    """A milestone reached after its planned date, forecast after it, or not reached while its
    planned date has passed."""
    m = ProjectMilestone
    return or_(
        and_(m.done_on.is_not(None), m.done_on > m.planned_on),
        and_(m.done_on.is_(None), m.forecast_on.is_not(None), m.forecast_on > m.planned_on),
        and_(m.done_on.is_(None), m.planned_on < today),
    )


def _milestones_per_project(today: date) -> Any:
    """project_id, milestones, late: one row per project with milestones."""
    return (
        select(
            ProjectMilestone.project_id.label("project_id"),
            func.count().label("milestones"),
            _count_if(late_milestone(today)).label("late"),
        )
        .group_by(ProjectMilestone.project_id)
        .subquery("ms")
    )


def _in_domain(focus_domain: str | None) -> list[ColumnElement[bool]]:
    if focus_domain is None:
        return []
    inside = select(ProjectFocusDomain.project_id).where(
        ProjectFocusDomain.focus_domain == focus_domain
    )
    return [Project.id.in_(inside)]


def _action_overdue(today: date) -> ColumnElement[bool]:
    return and_(
        SteeringAction.status.in_(OPEN_ACTION_STATUSES),
        SteeringAction.due_on.is_not(None),
        SteeringAction.due_on < today,
    )


def _latest_on() -> Any:
    """The date of a KPI's latest measurement (correlated: one index lookup per KPI)."""
    return (
        select(func.max(KpiMeasurement.measured_on))
        .where(KpiMeasurement.kpi_id == Kpi.id)
        .scalar_subquery()
    )


def _latest_value() -> Any:
    """A KPI's latest measured value (correlated: one index lookup per KPI)."""
    return (
        select(KpiMeasurement.value)
        .where(KpiMeasurement.kpi_id == Kpi.id)
        .order_by(KpiMeasurement.measured_on.desc())
        .limit(1)
        .scalar_subquery()
    )


def _measurement_count() -> Any:
    return (
        select(func.count())
        .select_from(KpiMeasurement)
        .where(KpiMeasurement.kpi_id == Kpi.id)
        .scalar_subquery()
    )


def _kpi_standing_case(latest: Any, target: Any, higher: Any) -> ColumnElement[str]:
    """'reached', 'behind' or 'unmeasured' from a KPI's `latest` value."""
    return case(
        (latest.is_(None), literal_column("'unmeasured'")),
        (
            or_(
                and_(higher.is_(True), latest >= target),
                and_(higher.is_(False), latest <= target),
            ),
            literal_column("'reached'"),
        ),
        else_=literal_column("'behind'"),
    )


def _standing_of_each_kpi() -> Any:
    """focus_domain, standing: one row per KPI."""
    latest = select(
        Kpi.focus_domain, Kpi.target, Kpi.higher_is_better, _latest_value().label("latest")
    ).subquery("latest")
    c = latest.c
    return select(
        c.focus_domain.label("focus_domain"),
        _kpi_standing_case(c.latest, c.target, c.higher_is_better).label("standing"),
    ).subquery("standings")


# -- adoption ----------------------------------------------------------------------------------


def adoption_by_entity(session: Session, focus_domain: str | None = None) -> list[EntityAdoption]:
    """Per entity bound by a decision (of `focus_domain`, or any), its obligations by status;
    entities by name."""
    counted = select(
        Obligation.organisation_id.label("organisation_id"),
        Obligation.status.label("status"),
        func.count().label("n"),
    ).group_by(Obligation.organisation_id, Obligation.status)
    if focus_domain is not None:
        counted = counted.where(Obligation.focus_domain == focus_domain)
    grouped = counted.subquery("grouped")
    query = select(
        grouped.c.organisation_id,
        func.coalesce(Organisation.name, grouped.c.organisation_id),
        grouped.c.status,
        grouped.c.n,
    ).outerjoin(Organisation, Organisation.id == grouped.c.organisation_id)
    found: dict[str, tuple[str, dict[str, int]]] = {}
    for org, name, status, count in session.execute(query):
        found.setdefault(org, (name, {}))[1][status] = count
    rows = [
        EntityAdoption(org, name, StatusCounts(counts)) for org, (name, counts) in found.items()
    ]
    return sorted(rows, key=lambda row: (row.name.casefold(), row.organisation_id))


def adoption_total(session: Session, focus_domain: str | None = None) -> StatusCounts:
    query = select(Obligation.status, func.count()).group_by(Obligation.status)
    if focus_domain is not None:
        query = query.where(Obligation.focus_domain == focus_domain)
    return StatusCounts({status: count for status, count in session.execute(query)})


def adoption_by_domain(session: Session) -> dict[str | None, StatusCounts]:
    query = select(Obligation.focus_domain, Obligation.status, func.count()).group_by(
        Obligation.focus_domain, Obligation.status
    )
    found: dict[str | None, dict[str, int]] = {}
    for domain, status, count in session.execute(query):
        found.setdefault(domain, {})[status] = count
    return {domain: StatusCounts(counts) for domain, counts in found.items()}


# -- projects ----------------------------------------------------------------------------------


def projects_by_status(
    session: Session, today: date, focus_domain: str | None = None
) -> list[ProjectStatusRow]:
    """Projects per status (in the order of PROJECT_STATUSES; statuses without projects left
    out), with their budget and milestone health."""
    ms = _milestones_per_project(today)
    query = (
        select(
            Project.status,
            func.count(),
            func.coalesce(func.sum(Project.budget_planned), 0),
            func.coalesce(func.sum(Project.budget_spent), 0),
            _count_if(Project.budget_spent > Project.budget_planned),
            _count_if(func.coalesce(ms.c.late, 0) > 0),
            func.coalesce(func.sum(ms.c.late), 0),
            func.coalesce(func.sum(ms.c.milestones), 0),
        )
        .outerjoin(ms, ms.c.project_id == Project.id)
        .where(*_in_domain(focus_domain))
        .group_by(Project.status)
    )
    rows = {
        status: ProjectStatusRow(status, *(int(v or 0) for v in values))
        for status, *values in session.execute(query)
    }
    order = list(PROJECT_STATUSES) + sorted(set(rows) - set(PROJECT_STATUSES))
    return [rows[status] for status in order if status in rows]


def projects_needing_attention(
    session: Session, today: date, focus_domain: str | None = None, limit: int = 10
) -> list[ProjectLine]:
    """Planned or running projects over budget or with late milestones, the worst first (most
    late milestones, then the largest overspend)."""
    ms = _milestones_per_project(today)
    late = func.coalesce(ms.c.late, 0)
    over = Project.budget_spent - Project.budget_planned
    query = (
        select(
            Project.id,
            Project.title,
            Project.status,
            Project.budget_planned,
            Project.budget_spent,
            late,
        )
        .outerjoin(ms, ms.c.project_id == Project.id)
        .where(
            Project.status.in_(("planned", "running")),
            or_(over > 0, late > 0),
            *_in_domain(focus_domain),
        )
        .order_by(late.desc(), over.desc(), Project.title, Project.id)
        .limit(limit)
    )
    return [ProjectLine(*row) for row in session.execute(query)]


def projects_by_domain(session: Session, today: date) -> dict[str, tuple[int, int, int]]:
    """Per focus domain: projects, of which over budget, of which with late milestones."""
    ms = _milestones_per_project(today)
    query = (
        select(
            ProjectFocusDomain.focus_domain,
            func.count(),
            _count_if(Project.budget_spent > Project.budget_planned),
            _count_if(func.coalesce(ms.c.late, 0) > 0),
        )
        .join(Project, Project.id == ProjectFocusDomain.project_id)
        .outerjoin(ms, ms.c.project_id == Project.id)
        .group_by(ProjectFocusDomain.focus_domain)
    )
    return {
        domain: (int(n), int(over), int(late)) for domain, n, over, late in session.execute(query)
    }


# -- actions -----------------------------------------------------------------------------------


def actions_by_status(
    session: Session, today: date, focus_domain: str | None = None
) -> list[ActionStatusRow]:
    query = select(SteeringAction.status, func.count(), _count_if(_action_overdue(today))).group_by(
        SteeringAction.status
    )
    if focus_domain is not None:
        query = query.where(SteeringAction.focus_domain == focus_domain)
    rows = {
        status: ActionStatusRow(status, n, int(late)) for status, n, late in session.execute(query)
    }
    order = list(ACTION_STATUSES) + sorted(set(rows) - set(ACTION_STATUSES))
    return [rows[status] for status in order if status in rows]


def action_lines(
    session: Session,
    today: date,
    focus_domain: str | None = None,
    *,
    overdue_only: bool = False,
    limit: int | None = None,
) -> list[ActionLine]:
    """Actions (of a domain, or overdue ones), the earliest due first."""
    overdue = _action_overdue(today)
    query = select(
        SteeringAction.id,
        SteeringAction.title,
        SteeringAction.focus_domain,
        SteeringAction.status,
        SteeringAction.due_on,
        case((overdue, True), else_=False),
    ).order_by(SteeringAction.due_on.is_(None), SteeringAction.due_on, SteeringAction.id)
    if focus_domain is not None:
        query = query.where(SteeringAction.focus_domain == focus_domain)
    if overdue_only:
        query = query.where(overdue)
    if limit is not None:
        query = query.limit(limit)
    return [ActionLine(*row[:5], bool(row[5])) for row in session.execute(query)]


def actions_by_domain(session: Session, today: date) -> dict[str, tuple[int, int]]:
    """Per focus domain: actions, of which overdue."""
    query = select(
        SteeringAction.focus_domain, func.count(), _count_if(_action_overdue(today))
    ).group_by(SteeringAction.focus_domain)
    return {domain: (n, int(late)) for domain, n, late in session.execute(query)}


# -- KPIs --------------------------------------------------------------------------------------


def kpi_standings(session: Session, focus_domain: str | None = None) -> list[KpiStanding]:
    """Each KPI (of a domain) with its latest value against its target, by domain and name."""
    query = select(
        Kpi.id,
        Kpi.name,
        Kpi.focus_domain,
        Kpi.unit,
        Kpi.baseline,
        Kpi.target,
        Kpi.target_on,
        Kpi.higher_is_better,
        _latest_value(),
        _latest_on(),
        _measurement_count(),
    ).order_by(Kpi.focus_domain, Kpi.name, Kpi.id)
    if focus_domain is not None:
        query = query.where(Kpi.focus_domain == focus_domain)
    return [KpiStanding(*row) for row in session.execute(query)]


def kpi_counts(session: Session, focus_domain: str | None = None) -> dict[str, int]:
    """How many KPIs reach their target, do not yet, or have no measurement."""
    standing = _standing_of_each_kpi()
    query = select(standing.c.standing, func.count()).group_by(standing.c.standing)
    if focus_domain is not None:
        query = query.where(standing.c.focus_domain == focus_domain)
    found = dict.fromkeys(KPI_STANDINGS, 0)
    found.update({name: count for name, count in session.execute(query)})
    return found


def kpi_counts_by_domain(session: Session) -> dict[str, dict[str, int]]:
    standing = _standing_of_each_kpi()
    query = select(standing.c.focus_domain, standing.c.standing, func.count()).group_by(
        standing.c.focus_domain, standing.c.standing
    )
    found: dict[str, dict[str, int]] = {}
    for domain, name, count in session.execute(query):
        found.setdefault(domain, dict.fromkeys(KPI_STANDINGS, 0))[name] = count
    return found


def kpi_series(session: Session, kpi_ids: Iterable[int]) -> dict[int, list[tuple[date, float]]]:
    """The measured values of these KPIs, oldest first."""
    ids = list(kpi_ids)
    if not ids:
        return {}
    query = (
        select(KpiMeasurement.kpi_id, KpiMeasurement.measured_on, KpiMeasurement.value)
        .where(KpiMeasurement.kpi_id.in_(ids))
        .order_by(KpiMeasurement.kpi_id, KpiMeasurement.measured_on)
    )
    found: dict[int, list[tuple[date, float]]] = {kpi_id: [] for kpi_id in ids}
    for kpi_id, measured_on, value in session.execute(query):
        found[kpi_id].append((measured_on, value))
    return found


# -- per focus domain, for the overall page ----------------------------------------------------


@dataclass(frozen=True)
class Overview:
    """The overall page's lines per focus domain, and the totals that follow from them: every
    obligation, action and KPI has at most one domain, so their totals are the sums of the
    per-domain counts (obligations without a domain included)."""

    lines: list[DomainSummary]
    adoption_total: StatusCounts
    kpi_counts: dict[str, int]


def overview(session: Session, today: date, domains: Iterable[str]) -> Overview:
    """A line per focus domain in `domains` (in that order), each figure grouped by domain in
    one query, and the totals of obligations and KPIs."""
    adoption = adoption_by_domain(session)
    kpis = kpi_counts_by_domain(session)
    statuses: dict[str, int] = {}
    for counts in adoption.values():
        for status, n in counts.by_status.items():
            statuses[status] = statuses.get(status, 0) + n
    standings = {name: sum(per[name] for per in kpis.values()) for name in KPI_STANDINGS}
    lines = _summaries(session, today, domains, adoption, kpis)
    return Overview(lines, StatusCounts(statuses), standings)


def domain_summaries(session: Session, today: date, domains: Iterable[str]) -> list[DomainSummary]:
    """A line per focus domain in `domains` (in that order)."""
    return _summaries(
        session, today, domains, adoption_by_domain(session), kpi_counts_by_domain(session)
    )


def _summaries(
    session: Session,
    today: date,
    domains: Iterable[str],
    adoption: dict[str | None, StatusCounts],
    kpis: dict[str, dict[str, int]],
) -> list[DomainSummary]:
    projects = projects_by_domain(session, today)
    actions = actions_by_domain(session, today)
    lines = []
    for domain in domains:
        n, over, late = projects.get(domain, (0, 0, 0))
        n_actions, overdue = actions.get(domain, (0, 0))
        lines.append(
            DomainSummary(
                focus_domain=domain,
                obligations=adoption.get(domain, StatusCounts()),
                projects=n,
                projects_over_budget=over,
                projects_late=late,
                actions=n_actions,
                actions_overdue=overdue,
                kpis=kpis.get(domain, dict.fromkeys(KPI_STANDINGS, 0)),
            )
        )
    return lines
