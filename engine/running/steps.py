"""Persisting one engine step: task rows, scheduled work, incidents, the case row, audit.

Everything here runs inside the caller's write transaction and uses plain SQL statements (no
ORM unit of work): the write path is the hot path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from engine.audit.trail import AuditRecorder, changed_fields
from engine.notify import webhooks
from engine.running import runtime
from engine.running.announce import announce_incident, announce_task
from engine.running.queries import CaseInfo
from engine.running.registry import NewTask
from engine.running.scripting import EngineScripts
from engine.running.serialization import state_to_json
from engine.storage import hotsql
from engine.storage.models import Case, CaseTask, Incident
from engine.timing import jobs
from engine.timing.duerules import parse_due
from engine.timing.policy import Policy, escalation_time, reminder_times


@dataclass
class CaseRow:
    id: int
    process_version_id: int
    version: int
    process_id: str
    status: str
    suspended: bool
    title: str | None
    started_by: str
    started_at: datetime
    revision: int
    data: dict[str, Any]
    paused_at: datetime | None = None
    visited: list[str] | None = None


@dataclass
class Step:
    """One write on one case: the open transaction, the workflow and what the step deferred."""

    session: Session
    audit: AuditRecorder
    case: CaseRow
    workflow: BpmnWorkflow
    data_before: dict[str, Any]
    deferred: list[str] = field(default_factory=list)
    had_timers: bool = False
    completed_had_due: bool = False
    ready_before: dict[str, ReadyTask] = field(default_factory=dict)
    visited: set[str] = field(default_factory=set)
    visited_known: bool = True
    ready_after: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReadyTask:
    id: str
    element_id: str


def ready_tasks(workflow: BpmnWorkflow) -> dict[str, ReadyTask]:
    return {
        str(task.id): ReadyTask(str(task.id), task.task_spec.bpmn_id)
        for task in runtime.ready_human_tasks(workflow)
    }


CASE_COLUMNS = (
    Case.id,
    Case.process_version_id,
    Case.process_id,
    Case.status,
    Case.suspended,
    Case.title,
    Case.started_by,
    Case.started_at,
    Case.revision,
    Case.data,
    Case.paused_at,
)


def finish(
    step: Step,
    *,
    actor: str,
    failure: runtime.Failure | None,
    now: datetime,
    scripts: EngineScripts,
    policy: Policy,
    completed_task: str | None = None,
    new_case: bool = False,
) -> CaseInfo:
    """Store the result of an engine step: the case row and everything that hangs off it."""
    case, workflow, audit, session = step.case, step.workflow, step.audit, step.session
    roleless = _sync_tasks(step, completed_task, now, scripts, policy)
    failure = failure or roleless
    waiting = runtime.waiting_timers(workflow)
    if waiting or step.had_timers:
        jobs.sync_timers(session, case.id, waiting, now)
    status_before = case.status
    ended_at = None
    if workflow.is_completed():
        case.status, ended_at = "completed", now
    elif failure is not None or runtime.error_tasks(workflow):
        case.status = "incident"
    else:
        case.status = "running"
    if failure is not None:
        session.execute(
            insert(Incident).values(
                kind="engine",
                case_id=case.id,
                task_id=failure.task_id,
                element_id=failure.element_id,
                error_type=failure.error_type,
                message=failure.message,
                line=failure.line,
                error_line=failure.error_line,
                status="open",
                created_at=now,
            )
        )
        audit.record(
            actor,
            "incident_raised",
            case_id=case.id,
            task_id=failure.task_id,
            element_id=failure.element_id,
            reason=f"{failure.error_type}: {failure.message}",
        )
        announce_incident(
            session, audit.clock, case_id=case.id, case_title=case.title,
            step_name=scripts.registry.name_of(_element_name(workflow, failure.element_id)),
            now=now,
        )  # fmt: skip
        webhooks.emit(
            session, audit.clock, webhooks.INCIDENT_OPENED, subject=f"cases/{case.id}",
            case_id=case.id,
            data={"case_id": case.id, "process_id": case.process_id, "kind": "engine",
                  "element_id": failure.element_id, "error_type": failure.error_type},
        )  # fmt: skip
    data_after = runtime.case_data(workflow)
    if not new_case and data_after != step.data_before:
        audit.record(
            actor,
            "case_data_changed",
            case_id=case.id,
            changes=changed_fields(step.data_before, data_after),
        )
    if case.status == "completed" and status_before != "completed":
        audit.record(
            actor,
            "case_completed",
            case_id=case.id,
            changes={"status": {"before": status_before, "after": "completed"}},
        )
        webhooks.emit(
            session, audit.clock, webhooks.CASE_ENDED, subject=f"cases/{case.id}",
            case_id=case.id,
            data={"case_id": case.id, "process_id": case.process_id, "status": "completed"},
        )  # fmt: skip
    case.data = data_after
    same_status = case.status == status_before
    hotsql.run(session, hotsql.SAVE_CASE_SAME_STATUS if same_status else hotsql.SAVE_CASE, {
        "case_id": case.id, "status": case.status, "ended_at": ended_at, "data": data_after,
        "now": now, "state_json": state_to_json(workflow), "visited": sorted(step.visited),
    }, defer=True)  # fmt: skip
    audit.flush()
    return CaseInfo(
        id=case.id,
        process_id=case.process_id,
        version=case.version,
        status=case.status,
        suspended=case.suspended,
        title=case.title,
        started_by=case.started_by,
        started_at=case.started_at,
        updated_at=now,
        ended_at=ended_at,
        data=data_after,
    )


def _sync_tasks(
    step: Step, completed_task: str | None, now: datetime, scripts: EngineScripts, policy: Policy
) -> runtime.Failure | None:
    """Mirror the workflow's ready human tasks in the task table; a task nobody can do (no role)
    gets no row but an incident (models deployed before deploy checked for a role)."""
    session, case, audit = step.session, step.case, step.audit
    ready = {str(task.id): task for task in runtime.ready_human_tasks(step.workflow)}
    step.ready_after = tuple(ready)
    # The task rows mirror the workflow's ready tasks at every commit, so what was ready before
    # this step (in the workflow we loaded) is what the table holds now: no query needed.
    rows = list(step.ready_before.values())
    known = set(step.ready_before)
    vanished = [row for row in rows if row.id not in ready and row.id != completed_task]
    if vanished:
        session.execute(
            update(CaseTask)
            .where(CaseTask.id.in_([row.id for row in vanished]))
            .values(state="cancelled", completed_at=now)
        )
        for row in vanished:
            audit.record(
                "system",
                "task_cancelled",
                case_id=case.id,
                task_id=row.id,
                element_id=row.element_id,
            )
    finished = [row.id for row in vanished]
    if completed_task and step.completed_had_due:
        finished.append(completed_task)
    jobs.cancel_for_tasks(session, case.id, finished, now)
    roleless = None
    for task_id, task in ready.items():
        if task_id not in known and task_id != completed_task:
            roleless = _create_task(step, task_id, task, now, scripts, policy) or roleless
    return roleless


def _no_role(task_id: str, spec: Any) -> runtime.Failure:
    return runtime.Failure(
        task_id=task_id,
        element_id=spec.bpmn_id,
        error_type="NoRole",
        message=(
            f"task '{spec.bpmn_id}' has no role: it is in no lane and has no 'role' property, so "
            "nobody can do it; deploy a version that puts it in the lane of the role that does it"
        ),
        line=None,
        error_line=None,
    )


def _element_name(workflow: BpmnWorkflow, element_id: str | None) -> str | None:
    """The model's name of an element of the case's process (None when unknown)."""
    spec = workflow.spec.task_specs.get(element_id or "") if element_id else None
    return getattr(spec, "bpmn_name", None) if spec is not None else None


def _create_task(
    step: Step, task_id: str, task: Any, now: datetime, scripts: EngineScripts, policy: Policy
) -> runtime.Failure | None:
    session, case, audit = step.session, step.case, step.audit
    spec = task.task_spec
    properties = runtime.properties(spec)
    role = runtime.role_of(spec)
    if not role:
        return _no_role(task_id, spec)
    scope = runtime.evaluate_text(scripts, task, properties.get("scope"))
    assignee = runtime.evaluate_text(scripts, task, properties.get("assignee"))
    task_policy = policy.for_task(case.process_id, spec.bpmn_id)
    rule = properties.get("due") or task_policy.due
    due_at, due_problem = None, None
    if rule:
        try:
            due_at = parse_due(rule).compute(now, task.data, policy.calendar)
        except ValueError as error:
            due_problem = str(error)
    hotsql.run(
        session,
        hotsql.INSERT_TASK,
        dict(
            id=task_id,
            case_id=case.id,
            process_id=case.process_id,
            element_id=spec.bpmn_id,
            name=spec.bpmn_name,
            lane=spec.lane,
            role=role,
            scope=scope,
            assignee=assignee,
            state="ready",
            created_at=now,
            due_at=due_at,
        ),
        defer=True,
    )
    who = f"user {assignee}" if assignee else (f"{role} for {scope}" if scope else role)
    audit.record(
        "system",
        "task_created",
        case_id=case.id,
        task_id=task_id,
        element_id=spec.bpmn_id,
        changes={"due_at": {"before": None, "after": due_at}} if due_at else None,
        reason=f"for {who}" + (f"; no due date: {due_problem}" if due_problem else ""),
    )
    announce_task(
        scripts.registry, session, audit, case.id, case.process_id, task.data,
        NewTask(task_id, spec.bpmn_id, spec.bpmn_name, role, scope, assignee, due_at, case.title),
    )  # fmt: skip
    if due_at is not None:
        schedule_task(session, policy, case.id, case.process_id, task_id, spec.bpmn_id, due_at, now)
    return None


def schedule_task(
    session: Session,
    policy: Policy,
    case_id: int,
    process_id: str,
    task_id: str,
    element_id: str,
    due_at: datetime,
    now: datetime,
) -> None:
    """Reminder and escalation jobs for a task due at `due_at`, per the policy."""
    task_policy = policy.for_task(process_id, element_id)
    stamp = due_at.isoformat()
    rows = [
        jobs.job_row(
            key=f"reminder:{task_id}:{stamp}:{label}",
            kind=jobs.REMINDER,
            due_at=at,
            now=now,
            case_id=case_id,
            task_id=task_id,
            element_id=element_id,
            payload={"label": label, "due_at": stamp},
        )
        for label, at in reminder_times(task_policy, due_at, policy.calendar)
        if at > now
    ]
    escalate_at = escalation_time(task_policy, due_at, policy.calendar)
    if escalate_at is not None:
        rows.append(
            jobs.job_row(
                key=f"escalation:{task_id}:{stamp}",
                kind=jobs.ESCALATION,
                due_at=escalate_at,
                now=now,
                case_id=case_id,
                task_id=task_id,
                element_id=element_id,
                payload={"due_at": stamp},
            )
        )
    jobs.add(session, rows)
