"""Reading the project register: the list with its filters, one project with everything around
it, the follow-up figures (how far the spend runs over plan, the worst milestone delay), and the
picker of projects whose follow-up can start. The pages and the API read through here."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from engine.storage.models import Case
from processes.records.models import Organisation
from processes.records.steering import (
    Project,
    ProjectBuildingBlock,
    ProjectFocusDomain,
    ProjectMilestone,
    ProjectPartner,
    ProjectReport,
    ProjectTopic,
)

ENDED = ("completed", "stopped")
"""Statuses after which a project is no longer followed up."""


# -- the follow-up figures ---------------------------------------------------------------------


def budget_over_percent(planned: int, spent: int) -> float | None:
    """How far `spent` runs over `planned`, in percent of the plan (negative: under plan), one
    decimal; None without a planned budget."""
    if planned <= 0:
        return None
    return round((spent - planned) * 100 / planned, 1)


def milestone_delay(planned_on: date, forecast_on: date | None, done_on: date | None,
                    today: date) -> int:  # fmt: skip
    """Days a milestone runs late: reached (done) against plan, else the forecast against plan,
    else, once the planned day has passed without a forecast, today against plan."""
    if done_on is not None:
        return (done_on - planned_on).days
    if forecast_on is not None:
        return (forecast_on - planned_on).days
    return max(0, (today - planned_on).days)


@dataclass(frozen=True)
class Delay:
    title: str
    days: int


def worst_delay(milestones: Iterable[ProjectMilestone], today: date) -> Delay | None:
    """The milestone that runs latest (None without milestones)."""
    worst: Delay | None = None
    for m in milestones:
        days = milestone_delay(m.planned_on, m.forecast_on, m.done_on, today)
        if worst is None or days > worst.days:
            worst = Delay(m.title, days)
    return worst


# -- the list ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """The list's filters; None means "all"."""

    focus_domain: str | None = None
    vrd2: bool | None = None
    status: str | None = None


@dataclass(frozen=True)
class Milestone:
    id: int
    position: int
    title: str
    planned_on: date
    forecast_on: date | None
    done_on: date | None
    delay_days: int


@dataclass(frozen=True)
class ProjectRow:
    id: int
    title: str
    owner_organisation_id: str
    owner_name: str
    vrd2: bool
    status: str
    health: str | None
    budget_planned: int
    budget_spent: int
    budget_over_percent: float | None
    focus_domains: list[str]
    next_milestone: Milestone | None
    followup_case_id: int | None


def _milestone(row: ProjectMilestone, today: date) -> Milestone:
    return Milestone(
        row.id, row.position, row.title, row.planned_on, row.forecast_on, row.done_on,
        milestone_delay(row.planned_on, row.forecast_on, row.done_on, today),
    )  # fmt: skip


def _filtered(filters: Filters) -> Select[tuple[Project]]:
    query = select(Project).order_by(Project.title, Project.id)
    if filters.focus_domain is not None:
        query = query.where(
            Project.id.in_(
                select(ProjectFocusDomain.project_id).where(
                    ProjectFocusDomain.focus_domain == filters.focus_domain
                )
            )
        )
    if filters.vrd2 is not None:
        query = query.where(Project.vrd2.is_(filters.vrd2))
    if filters.status is not None:
        query = query.where(Project.status == filters.status)
    return query


def organisation_names(session: Session, codes: Iterable[str]) -> dict[str, str]:
    wanted = sorted(set(codes))
    if not wanted:
        return {}
    rows = session.execute(
        select(Organisation.id, Organisation.name).where(Organisation.id.in_(wanted))
    ).all()
    found = {row.id: row.name for row in rows}
    return {code: found.get(code, code) for code in wanted}


def list_projects(session: Session, filters: Filters, today: date) -> list[ProjectRow]:
    """The projects after the filters, by title, each with its next open milestone."""
    projects = list(session.execute(_filtered(filters)).scalars())
    ids = [p.id for p in projects]
    domains: dict[int, list[str]] = defaultdict(list)
    upcoming: dict[int, Milestone] = {}
    if ids:
        for project_id, domain in session.execute(
            select(ProjectFocusDomain.project_id, ProjectFocusDomain.focus_domain)
            .where(ProjectFocusDomain.project_id.in_(ids))
            .order_by(ProjectFocusDomain.focus_domain)
        ):
            domains[project_id].append(domain)
        for row in session.execute(
            select(ProjectMilestone)
            .where(ProjectMilestone.project_id.in_(ids), ProjectMilestone.done_on.is_(None))
            .order_by(ProjectMilestone.project_id, ProjectMilestone.position)
        ).scalars():
            upcoming.setdefault(row.project_id, _milestone(row, today))
    names = organisation_names(session, (p.owner_organisation_id for p in projects))
    return [
        ProjectRow(
            id=p.id,
            title=p.title,
            owner_organisation_id=p.owner_organisation_id,
            owner_name=names.get(p.owner_organisation_id, p.owner_organisation_id),
            vrd2=p.vrd2,
            status=p.status,
            health=p.health,
            budget_planned=p.budget_planned,
            budget_spent=p.budget_spent,
            budget_over_percent=budget_over_percent(p.budget_planned, p.budget_spent),
            focus_domains=domains.get(p.id, []),
            next_milestone=upcoming.get(p.id),
            followup_case_id=p.followup_case_id,
        )
        for p in projects
    ]


# -- one project -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    id: int
    case_id: int | None
    reported_on: date
    health: str
    budget_spent: int
    summary: str
    budget_over_percent: float | None
    worst_milestone_delay_days: int | None
    over_tolerance: bool
    topic_case_id: int | None
    submitted_by: str


@dataclass(frozen=True)
class TopicLink:
    case_id: int
    title: str
    reason: str | None
    linked_on: date


@dataclass
class ProjectDetail:
    project: Project
    owner_name: str
    focus_domains: list[str]
    blocks_used: list[str]
    blocks_delivered: list[str]
    partners: list[tuple[str, str]]
    """(code, name) of each partner."""
    sponsors: list[tuple[str, str]]
    milestones: list[Milestone]
    reports: list[Report] = field(default_factory=list)
    """Newest first."""
    topics: list[TopicLink] = field(default_factory=list)

    @property
    def budget_over_percent(self) -> float | None:
        return budget_over_percent(self.project.budget_planned, self.project.budget_spent)

    @property
    def next_milestone(self) -> Milestone | None:
        return next((m for m in self.milestones if m.done_on is None), None)


def _report(row: ProjectReport) -> Report:
    return Report(
        row.id, row.case_id, row.reported_on, row.health, row.budget_spent, row.summary,
        row.budget_over_percent, row.worst_milestone_delay_days, row.over_tolerance,
        row.topic_case_id, row.submitted_by,
    )  # fmt: skip


def reports_of(session: Session, project_id: int, limit: int | None = None) -> list[Report]:
    query = (
        select(ProjectReport)
        .where(ProjectReport.project_id == project_id)
        .order_by(ProjectReport.reported_on.desc(), ProjectReport.id.desc())
    )
    if limit is not None:
        query = query.limit(limit)
    return [_report(r) for r in session.execute(query).scalars()]


def project_detail(session: Session, project_id: int, today: date) -> ProjectDetail | None:
    """Everything about one project; None when there is no such project."""
    project = session.get(Project, project_id)
    if project is None:
        return None
    domains = sorted(
        session.execute(
            select(ProjectFocusDomain.focus_domain).where(
                ProjectFocusDomain.project_id == project_id
            )
        ).scalars()
    )
    blocks = list(
        session.execute(
            select(ProjectBuildingBlock).where(ProjectBuildingBlock.project_id == project_id)
        ).scalars()
    )
    partners = list(
        session.execute(
            select(ProjectPartner).where(ProjectPartner.project_id == project_id)
        ).scalars()
    )
    names = organisation_names(
        session, [project.owner_organisation_id, *(p.organisation_id for p in partners)]
    )

    def named(role: str) -> list[tuple[str, str]]:
        codes = sorted(p.organisation_id for p in partners if p.role == role)
        return sorted(((c, names.get(c, c)) for c in codes), key=lambda pair: pair[1])

    milestones = [
        _milestone(m, today)
        for m in session.execute(
            select(ProjectMilestone)
            .where(ProjectMilestone.project_id == project_id)
            .order_by(ProjectMilestone.position)
        ).scalars()
    ]
    topic_rows = session.execute(
        select(ProjectTopic, Case.title)
        .join(Case, Case.id == ProjectTopic.topic_case_id, isouter=True)
        .where(ProjectTopic.project_id == project_id)
        .order_by(ProjectTopic.linked_at.desc())
    ).all()
    topics = [
        TopicLink(link.topic_case_id, title or "", link.reason, link.linked_at.date())
        for link, title in topic_rows
    ]
    return ProjectDetail(
        project=project,
        owner_name=names.get(project.owner_organisation_id, project.owner_organisation_id),
        focus_domains=domains,
        blocks_used=sorted(b.building_block for b in blocks if b.role == "uses"),
        blocks_delivered=sorted(b.building_block for b in blocks if b.role == "delivers"),
        partners=named("partner"),
        sponsors=named("sponsor"),
        milestones=milestones,
        reports=reports_of(session, project_id),
        topics=topics,
    )


def project_of_followup(session: Session, case_id: int) -> Project | None:
    """The project a ``project_followup`` case follows."""
    return session.execute(
        select(Project).where(Project.followup_case_id == case_id)
    ).scalar_one_or_none()


# -- the picker of projects to follow ------------------------------------------------------------


def followable(session: Session) -> Sequence[Project]:
    """Projects whose follow-up can start: not ended, no follow-up case yet, an owner named."""
    return list(
        session.execute(
            select(Project)
            .where(
                Project.status.not_in(ENDED),
                Project.followup_case_id.is_(None),
                Project.owner_user_id.is_not(None),
            )
            .order_by(Project.title, Project.id)
        ).scalars()
    )


def followable_ids(session: Session, values: list[Any]) -> set[str]:
    return {str(p.id) for p in followable(session) if str(p.id) in {str(v) for v in values}}
