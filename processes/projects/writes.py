"""Writes to the project register: a project with its focus domains, building blocks, partners
and sponsors, budget and milestones; a progress report; a topic linked to its project.

Every write goes through a :class:`Recorder` (a follow-up step's ``ServiceCall``, or
:class:`PageRecorder` for a page's own transaction) and leaves one audit row with the before and
after of each field it changed, as :mod:`processes.followup.recording` does for the other
records. Values come validated by :class:`processes.projects.forms.ProjectForm`; what a form
cannot know (does this organisation or user exist?) is checked by the caller's reference check.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from engine import AuditRecorder, Clock
from processes.records.steering import (
    Project,
    ProjectBuildingBlock,
    ProjectFocusDomain,
    ProjectMilestone,
    ProjectPartner,
    ProjectReport,
    ProjectTopic,
)

SCALARS = (
    "title",
    "description",
    "owner_organisation_id",
    "owner_user_id",
    "vrd2",
    "status",
    "started_on",
    "planned_end_on",
    "budget_planned",
    "report_every_weeks",
)
"""The project's own columns a registration sets."""


class Recorder(Protocol):
    """Where a register write happens: a session, a clock and an audit row per change."""

    session: Session
    clock: Clock

    def record(
        self, action: str, *, changes: dict[str, Any] | None = None, reason: str | None = None
    ) -> None: ...


@dataclass
class PageRecorder:
    """A :class:`Recorder` for a page's write transaction (``Engine.recording()``)."""

    session: Session
    audit: AuditRecorder
    actor: str

    @property
    def clock(self) -> Clock:
        return self.audit.clock

    def record(
        self, action: str, *, changes: dict[str, Any] | None = None, reason: str | None = None
    ) -> None:
        self.audit.record(self.actor, action, changes=changes, reason=reason)


class RegisterError(ValueError):
    """A register write that cannot be done (an unknown project or milestone)."""


def _change(before: Any, after: Any) -> dict[str, Any]:
    return {"before": before, "after": after}


# -- the project and its lists -----------------------------------------------------------------


def _lists(session: Session, project_id: int) -> dict[str, Any]:
    """The project's lists as a registration gives them (for the audit's before)."""
    blocks = session.execute(
        select(ProjectBuildingBlock).where(ProjectBuildingBlock.project_id == project_id)
    ).scalars()
    partners = session.execute(
        select(ProjectPartner).where(ProjectPartner.project_id == project_id)
    ).scalars()
    block_rows = list(blocks)
    partner_rows = list(partners)
    return {
        "focus_domains": sorted(
            session.execute(
                select(ProjectFocusDomain.focus_domain).where(
                    ProjectFocusDomain.project_id == project_id
                )
            ).scalars()
        ),
        "blocks_used": sorted(b.building_block for b in block_rows if b.role == "uses"),
        "blocks_delivered": sorted(b.building_block for b in block_rows if b.role == "delivers"),
        "partners": sorted(p.organisation_id for p in partner_rows if p.role == "partner"),
        "sponsors": sorted(p.organisation_id for p in partner_rows if p.role == "sponsor"),
        "milestones": [
            {"title": m.title, "planned_on": m.planned_on}
            for m in milestones_of(session, project_id)
        ],
    }


def _set_lists(session: Session, project_id: int, values: Mapping[str, Any]) -> None:
    session.execute(delete(ProjectFocusDomain).where(ProjectFocusDomain.project_id == project_id))
    session.execute(
        delete(ProjectBuildingBlock).where(ProjectBuildingBlock.project_id == project_id)
    )
    session.execute(delete(ProjectPartner).where(ProjectPartner.project_id == project_id))
    for domain in dict.fromkeys(values.get("focus_domains") or []):
        session.add(ProjectFocusDomain(project_id=project_id, focus_domain=domain))
    for role, key in (("uses", "blocks_used"), ("delivers", "blocks_delivered")):
        for block in dict.fromkeys(values.get(key) or []):
            session.add(
                ProjectBuildingBlock(project_id=project_id, building_block=block, role=role)
            )
    for role, key in (("partner", "partners"), ("sponsor", "sponsors")):
        for org in dict.fromkeys(values.get(key) or []):
            session.add(ProjectPartner(project_id=project_id, organisation_id=org, role=role))


def _set_milestones(
    session: Session, project_id: int, planned: Iterable[Mapping[str, Any]]
) -> None:
    """Keep milestones by position (their forecasts and done dates stay when only the title
    or planned date changes); drop those beyond the new list."""
    existing = milestones_of(session, project_id)
    wanted = list(planned)
    for position, entry in enumerate(wanted, start=1):
        if position <= len(existing):
            row = existing[position - 1]
            row.title, row.planned_on = entry["title"], entry["planned_on"]
        else:
            session.add(
                ProjectMilestone(
                    project_id=project_id,
                    position=position,
                    title=entry["title"],
                    planned_on=entry["planned_on"],
                )
            )
    for row in existing[len(wanted) :]:
        session.delete(row)


def create_project(rec: Recorder, values: Mapping[str, Any]) -> Project:
    """Register a project (values as :class:`ProjectForm` loads them); audited as
    ``project_registered`` with every field."""
    now = rec.clock.now()
    project = Project(
        **{name: values.get(name) for name in SCALARS if name in values},
        budget_spent=0,
        created_at=now,
        updated_at=now,
    )
    if project.status is None:
        project.status = "planned"
    if project.description is None:
        project.description = ""
    rec.session.add(project)
    rec.session.flush()
    _set_lists(rec.session, project.id, values)
    _set_milestones(rec.session, project.id, values.get("milestones") or [])
    rec.session.flush()
    changes = {"project_id": _change(None, project.id)}
    changes.update(
        {name: _change(None, getattr(project, name)) for name in SCALARS
         if getattr(project, name) not in (None, "")}
    )  # fmt: skip
    changes.update(
        {key: _change(None, value) for key, value in _lists(rec.session, project.id).items()
         if value}
    )  # fmt: skip
    rec.record("project_registered", changes=changes, reason=project.title)
    return project


def update_project(rec: Recorder, project: Project, values: Mapping[str, Any]) -> dict[str, Any]:
    """Change a registered project to `values` (a whole registration); audit what changed as
    ``project_updated`` (nothing when nothing did)."""
    changes: dict[str, Any] = {}
    for name in SCALARS:
        if name not in values:
            continue
        old, new = getattr(project, name), values[name]
        if old != new:
            changes[name] = _change(old, new)
            setattr(project, name, new)
    before = _lists(rec.session, project.id)
    merged = {key: values.get(key, before[key]) for key in before}
    _set_lists(rec.session, project.id, merged)
    _set_milestones(rec.session, project.id, merged["milestones"])
    rec.session.flush()
    after = _lists(rec.session, project.id)
    changes.update({k: _change(before[k], after[k]) for k in after if before[k] != after[k]})
    if changes:
        project.updated_at = rec.clock.now()
        rec.session.flush()
        rec.record("project_updated", changes=changes, reason=project.title)
    return changes


def set_fields(rec: Recorder, project: Project, values: Mapping[str, Any], action: str,
               reason: str | None = None) -> dict[str, Any]:  # fmt: skip
    """Set some of the project's own columns (status, follow-up case, last report's figures);
    audited as `action` when anything changed."""
    changes = {
        name: _change(getattr(project, name), new)
        for name, new in values.items()
        if getattr(project, name) != new
    }
    if changes:
        for name, change in changes.items():
            setattr(project, name, change["after"])
        project.updated_at = rec.clock.now()
        rec.session.flush()
        rec.record(action, changes=changes, reason=reason)
    return changes


def milestones_of(session: Session, project_id: int) -> list[ProjectMilestone]:
    return list(
        session.execute(
            select(ProjectMilestone)
            .where(ProjectMilestone.project_id == project_id)
            .order_by(ProjectMilestone.position)
        ).scalars()
    )


# -- progress reports and topics ----------------------------------------------------------------


def update_milestones(
    rec: Recorder, project: Project, updates: Iterable[Mapping[str, Any]]
) -> dict[str, Any]:
    """Set the forecast and done dates a report gives per milestone; audited as
    ``project_milestones_updated``. A milestone of another project is refused."""
    rows = {m.id: m for m in milestones_of(rec.session, project.id)}
    changes: dict[str, Any] = {}
    for update in updates:
        row = rows.get(update["milestone_id"])
        if row is None:
            raise RegisterError(
                f"milestone {update['milestone_id']} is not a milestone of project {project.id}"
            )
        for name in ("forecast_on", "done_on"):
            if name in update and getattr(row, name) != update[name]:
                changes[f"{row.id}.{name}"] = _change(getattr(row, name), update[name])
                setattr(row, name, update[name])
    if changes:
        rec.session.flush()
        rec.record("project_milestones_updated", changes=changes, reason=project.title)
    return changes


def add_report(
    rec: Recorder,
    project: Project,
    *,
    case_id: int | None,
    reported_on: date,
    health: str,
    budget_spent: int,
    summary: str,
    budget_over_percent: float | None,
    worst_milestone_delay_days: int | None,
    submitted_by: str,
) -> ProjectReport:
    """Store a progress report; the project keeps the last spend and health. Audited as
    ``project_report_stored``."""
    report = ProjectReport(
        project_id=project.id,
        case_id=case_id,
        reported_on=reported_on,
        health=health,
        budget_spent=budget_spent,
        summary=summary,
        budget_over_percent=budget_over_percent,
        worst_milestone_delay_days=worst_milestone_delay_days,
        over_tolerance=False,
        submitted_by=submitted_by,
        submitted_at=rec.clock.now(),
    )
    rec.session.add(report)
    rec.session.flush()
    changes = {
        column.key: _change(None, getattr(report, column.key))
        for column in ProjectReport.__table__.columns
        if getattr(report, column.key) is not None
    }
    rec.record("project_report_stored", changes=changes, reason=project.title)
    set_fields(rec, project, {"budget_spent": budget_spent, "health": health},
               "project_figures_updated", reason=f"report {report.id}")  # fmt: skip
    return report


def mark_over_tolerance(rec: Recorder, report: ProjectReport, reason: str) -> None:
    """The tolerance table found the report over tolerance."""
    if not report.over_tolerance:
        report.over_tolerance = True
        rec.session.flush()
        rec.record(
            "project_report_over_tolerance",
            changes={"over_tolerance": _change(False, True)},
            reason=reason,
        )


def add_report_to_topic(
    rec: Recorder, report: ProjectReport, topic_case_id: int, reason: str
) -> None:
    """A report over tolerance joins the project's topic that is still open. Audited as
    ``project_report_added_to_topic``."""
    before, report.topic_case_id = report.topic_case_id, topic_case_id
    rec.session.flush()
    rec.record(
        "project_report_added_to_topic",
        changes={"report_id": _change(None, report.id),
                 "topic_case_id": _change(before, topic_case_id)},
        reason=reason,
    )  # fmt: skip


def link_topic(
    rec: Recorder, project_id: int, topic_case_id: int, reason: str | None,
    report_id: int | None = None,
) -> bool:  # fmt: skip
    """Link a topic case to its project (and to the report that submitted it); False when it
    was linked already. Audited as ``project_topic_linked``."""
    session = rec.session
    if session.get(Project, project_id) is None:
        raise RegisterError(f"project {project_id} does not exist")
    if session.get(ProjectTopic, (project_id, topic_case_id)) is not None:
        return False
    now: datetime = rec.clock.now()
    session.add(
        ProjectTopic(
            project_id=project_id, topic_case_id=topic_case_id, reason=reason, linked_at=now
        )
    )
    changes = {"project_id": _change(None, project_id),
               "topic_case_id": _change(None, topic_case_id)}  # fmt: skip
    if report_id is not None:
        report = session.get(ProjectReport, report_id)
        if report is not None and report.project_id == project_id:
            report.topic_case_id = topic_case_id
            changes["report_id"] = _change(None, report_id)
    session.flush()
    rec.record("project_topic_linked", changes=changes, reason=reason)
    return True
