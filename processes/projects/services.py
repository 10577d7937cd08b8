"""Service tasks of the project follow-up (`project_followup`): open the follow-up, plan the next
report, store a report with its figures for the tolerance table, and submit a topic to the
committee when the table says the report is over tolerance. Plus the hook that links the topic
case, once it runs, to its project and report.

The case data the model reads:

* ``project``: ``{"id", "title", "owner_user_id", "every_weeks", "vrd2"}`` (from
  :func:`open_followup`);
* ``report_every_weeks``: the rhythm (decision table *Rapportageritme van een project*);
* ``next_report``: ``{"at", "on"}``: when the next report is asked (the timer reads ``at``);
* ``report_facts``: what the tolerance table reads (:func:`store_report`);
* ``over_tolerance``, ``tolerance_reason``, ``tolerance_rule``: the table's verdict.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import Actor, Registry, ServiceCall
from engine.running import documents
from engine.running.registry import NewTask
from engine.storage.models import Case
from processes.followup import agenda, recording
from processes.followup.recording import RecordError
from processes.projects import queries, writes
from processes.projects.forms import PROCESS, FollowupStartForm, ProgressReportForm
from processes.records import dates
from processes.records.steering import (
    Project,
    ProjectBuildingBlock,
    ProjectFocusDomain,
    ProjectPartner,
    ProjectReport,
    ProjectTopic,
)

REASONS = {
    "budget": "budget",
    "milestone": "planning van een mijlpaal",
    "budget_and_milestone": "budget en planning",
}
"""The tolerance table's reasons, as the topic's impact names them."""


def _project(session: Session, project_id: Any) -> Project:
    return recording.load(session, Project, project_id, "project")


def _followed(call: ServiceCall, params: dict[str, Any]) -> Project:
    project = _project(call.session, params.get("project_id"))
    if project.followup_case_id != call.case_id:
        raise RecordError(
            f"project {project.id} is followed up in case {project.followup_case_id}, "
            f"not {call.case_id}"
        )
    return project


def project_view(project: Project) -> dict[str, Any]:
    return {
        "id": project.id,
        "title": project.title,
        "owner_user_id": project.owner_user_id,
        "every_weeks": project.report_every_weeks,
        "vrd2": project.vrd2,
    }


def open_followup(call: ServiceCall, params: dict[str, Any]) -> dict[str, Any]:
    """Tie the project to this case; a planned project is running from now on."""
    start = recording.validated(FollowupStartForm, call.data, "project follow-up")
    project = _project(call.session, start["project_id"])
    if project.followup_case_id not in (None, call.case_id):
        raise RecordError(
            f"project {project.id} is already followed up in case {project.followup_case_id}"
        )
    if project.status in queries.ENDED:
        raise RecordError(f"project {project.id} is {project.status}: nothing to follow up")
    if not project.owner_user_id:
        raise RecordError(f"project {project.id} names no owner to report")
    changes: dict[str, Any] = {"followup_case_id": call.case_id}
    if project.status == "planned":
        changes["status"] = "running"
    writes.set_fields(call, project, changes, "project_followup_opened", reason=project.title)
    return project_view(project)


def plan_report(call: ServiceCall, params: dict[str, Any]) -> dict[str, Any]:
    """When the next progress report is asked: `every_weeks` weeks from now."""
    weeks = params.get("every_weeks")
    if isinstance(weeks, bool) or not isinstance(weeks, int) or not 1 <= weeks <= 52:
        raise RecordError(f"a report rhythm is 1 to 52 weeks, got {weeks!r}")
    at = call.clock.now() + timedelta(weeks=weeks)
    return {"at": at.isoformat(), "on": dates.local_date(at).isoformat()}


def store_report(call: ServiceCall, params: dict[str, Any]) -> dict[str, Any]:
    """Store the owner's report, update the milestones and the project's figures, and give
    the tolerance table its facts."""
    project = _followed(call, params)
    report_data = recording.validated(ProgressReportForm, call.data, "progress report")
    today = dates.local_date(call.clock.now())
    try:
        writes.update_milestones(call, project, report_data["milestones"])
    except writes.RegisterError as error:
        raise RecordError(str(error)) from error
    milestones = writes.milestones_of(call.session, project.id)
    worst = queries.worst_delay(milestones, today)
    over = queries.budget_over_percent(project.budget_planned, report_data["budget_spent"])
    report = writes.add_report(
        call,
        project,
        case_id=call.case_id,
        reported_on=today,
        health=report_data["health"],
        budget_spent=report_data["budget_spent"],
        summary=report_data["summary"],
        budget_over_percent=over,
        worst_milestone_delay_days=worst.days if worst else None,
        submitted_by=call.actor,
    )
    ongoing = report_data["project_status"]
    if ongoing != "running":
        writes.set_fields(call, project, {"status": ongoing}, "project_status_changed",
                            reason=f"report {report.id}")  # fmt: skip
    return {
        "report_id": report.id,
        "vrd2": project.vrd2,
        "budget_over_percent": over if over is not None else 0.0,
        "worst_delay_days": worst.days if worst else 0,
        "worst_milestone": worst.title if worst else None,
        "project_status": ongoing,
    }


def _euros(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " euro"


def _percent(value: float) -> str:
    shown = f"{value:.1f}".replace(".", ",").removesuffix(",0")
    return f"{shown} %"


def topic_title(project: Project, facts: dict[str, Any], reason: str) -> str:
    """ "Project Eén loket: budget 18 % boven planning" (and/or the worst milestone)."""
    parts = []
    if reason in ("budget", "budget_and_milestone"):
        parts.append(f"budget {_percent(float(facts['budget_over_percent']))} boven planning")
    if reason in ("milestone", "budget_and_milestone"):
        parts.append(
            f"mijlpaal '{facts.get('worst_milestone') or '?'}' "
            f"{int(facts['worst_delay_days'])} dagen te laat"
        )
    return f"Project {project.title}: {' en '.join(parts) or 'buiten tolerantie'}"


def _summary(project: Project, report: ProjectReport, call: ServiceCall) -> str:
    milestones = writes.milestones_of(call.session, project.id)
    lines = [
        f"Voortgangsrapport van {dates.format_nl(report.reported_on)} over het project "
        f"'{project.title}' ({'VRD2-project' if project.vrd2 else 'geen VRD2-project'}).",
        f"Gepland budget: {_euros(project.budget_planned)}; besteed: "
        f"{_euros(report.budget_spent)}"
        + (
            f" ({_percent(report.budget_over_percent)} boven planning)."
            if report.budget_over_percent is not None and report.budget_over_percent > 0
            else "."
        ),
    ]
    for m in milestones:
        if m.done_on is not None:
            when = f"bereikt op {dates.format_nl(m.done_on)}"
        elif m.forecast_on is not None:
            when = f"nu verwacht op {dates.format_nl(m.forecast_on)}"
        else:
            when = "geen nieuwe verwachting"
        lines.append(f"Mijlpaal '{m.title}': gepland op {dates.format_nl(m.planned_on)}, {when}.")
    lines.append(f"Toelichting van de eigenaar: {report.summary}")
    return "\n".join(lines)


def open_topic(session: Session, project_id: int) -> Case | None:
    """The project's latest topic that has not ended yet, if any."""
    return session.execute(
        select(Case)
        .join(ProjectTopic, ProjectTopic.topic_case_id == Case.id)
        .where(ProjectTopic.project_id == project_id, Case.ended_at.is_(None))
        .order_by(Case.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def _add_to_open_topic(
    call: ServiceCall, project: Project, report: ProjectReport, topic: Case, title: str
) -> dict[str, Any]:
    """A topic about the project is still open: the new report goes with it (a comment on the
    topic by the reporter, and the report linked to it) instead of a second topic."""
    body = (
        f"Nieuw voortgangsrapport buiten tolerantie: {title}.\n\n"
        + _summary(project, report, call)
    )
    documents.add_comment(
        call.session, call.audit, call.clock, case_id=topic.id, body=body,
        actor=Actor(call.actor),
    )  # fmt: skip
    writes.add_report_to_topic(call, report, topic.id, reason=title)
    return {"process": topic.process_id, "kind": "topic", "title": topic.title,
            "added_to_case_id": topic.id, "report_id": report.id}  # fmt: skip


def submit_topic(call: ServiceCall, params: dict[str, Any]) -> dict[str, Any]:
    """The report broke a tolerance: submit a topic to the committee about the project, or add
    the report to the project's topic that is still open."""
    project = _followed(call, params)
    report = recording.load(call.session, ProjectReport, params.get("report_id"), "report")
    if report.project_id != project.id or report.case_id != call.case_id:
        raise RecordError(f"report {report.id} is not this case's report on project {project.id}")
    reason = str(params.get("reason") or "")
    facts = dict(call.data.get("report_facts") or {})
    title = topic_title(project, facts, reason)
    writes.mark_over_tolerance(call, report, title)
    still_open = open_topic(call.session, project.id)
    if still_open is not None:
        return _add_to_open_topic(call, project, report, still_open, title)
    partners = call.session.execute(
        select(ProjectPartner.organisation_id).where(ProjectPartner.project_id == project.id)
    ).scalars()
    blocks = set(
        call.session.execute(
            select(ProjectBuildingBlock.role).where(ProjectBuildingBlock.project_id == project.id)
        ).scalars()
    )
    domains = call.session.execute(
        select(ProjectFocusDomain.focus_domain)
        .where(ProjectFocusDomain.project_id == project.id)
        .order_by(ProjectFocusDomain.focus_domain)
    ).scalars()
    data = agenda.topic_data(
        kind="topic",
        title=title,
        summary=_summary(project, report, call),
        question=(
            "Het Stuurorgaan bespreekt de overschrijding en beslist over bijsturing van het "
            f"project '{project.title}'."
        ),
        impact=(
            f"Het project '{project.title}' overschrijdt de tolerantie van het Stuurorgaan "
            f"({REASONS.get(reason, reason)}); zonder bijsturing lopen budget of planning "
            "verder uit."
        ),
        affected_entities=[project.owner_organisation_id, *partners],
        focus_domains=list(domains),
        origin_process=PROCESS,
        origin_case_id=call.case_id,
        origin_record={"project_id": project.id, "report_id": report.id},
    )
    data["reuses_generic_components"] = "uses" in blocks
    data["creates_generic_components"] = "delivers" in blocks
    summary = agenda.put_on_agenda(call, data, key=f"project-report-{report.id}")
    return {**summary, "report_id": report.id}


def link_topic(call: ServiceCall, task: NewTask) -> None:
    """Task hook on the topic's first task (*Screening bevestigen*): a topic this process
    submitted is linked to its project and report, in the topic case's first step."""
    origin = call.data.get("origin") or {}
    if not isinstance(origin, dict) or origin.get("process") != PROCESS:
        return
    project_id, report_id = origin.get("project_id"), origin.get("report_id")
    if not isinstance(project_id, int) or isinstance(project_id, bool):
        return
    writes.link_topic(
        call,
        project_id,
        call.case_id,
        reason=str(call.data.get("title") or "") or None,
        report_id=report_id if isinstance(report_id, int) else None,
    )


HANDLERS = {
    "projects/open_followup": open_followup,
    "projects/plan_report": plan_report,
    "projects/store_report": store_report,
    "projects/submit_topic": submit_topic,
}


def register_handlers(registry: Registry) -> None:
    """Add the handlers above under their operator names, and the topic-linking hook."""
    for name, handler in HANDLERS.items():
        registry.service(name)(handler)
    registry.on_task("topic", "confirm_screening")(link_topic)
