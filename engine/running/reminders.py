"""Firing reminders and escalations for nearly due or overdue tasks."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.audit.trail import AuditRecorder
from engine.notify import notifications, recipients
from engine.people.actors import Actor
from engine.running import runtime
from engine.running.steps import Step
from engine.storage.models import Case, CaseTask, ScheduledJob, UserAccount
from engine.timing import jobs
from engine.timing.policy import next_repeat

if TYPE_CHECKING:
    from engine.running.cases import CaseService


def fire_reminder(service: CaseService, job: jobs.Job, fence: jobs.Fence, actor: Actor) -> None:
    """Notify whom the policy names, once per job; an escalation may also message the case."""
    with service.db.read() as session:
        task = session.get(CaseTask, job.task_id) if job.task_id else None
    if task is None or task.state != "ready":
        with service.db.write() as session:
            jobs.check_fence(session, fence)
            jobs.finish(session, job, fence, service.clock.now(), status="cancelled")
        return
    message = service.policy.for_task(task.process_id, task.element_id).escalate_message
    if job.kind == jobs.ESCALATION and message:
        _escalate_into_case(service, job, fence, actor, task, message)
        return
    with service.db.write() as session:
        jobs.check_fence(session, fence)
        if job.kind == jobs.REMINDER and _overtaken(session, job, service.clock.now()):
            jobs.finish(session, job, fence, service.clock.now(), status="cancelled")
            return
        audit = AuditRecorder(session, service.clock)
        _notify_and_record(service, session, audit, job, task, actor)
        audit.flush()
        jobs.finish(session, job, fence, service.clock.now())


def _overtaken(session: Session, job: jobs.Job, now: datetime) -> bool:
    """A later reminder of the same task is due too (the scheduler was down, or the reminders
    lie close together): that one speaks for both, so the person gets one reminder, not two
    identical ones in the same minute."""
    later = session.execute(
        select(func.count())
        .select_from(ScheduledJob)
        .where(
            ScheduledJob.task_id == job.task_id,
            ScheduledJob.kind == jobs.REMINDER,
            ScheduledJob.id != job.id,
            ScheduledJob.due_at > job.due_at,
            ScheduledJob.due_at <= now,
            ScheduledJob.status.in_(("pending", "claimed", "done")),
        )
    ).scalar_one()
    return bool(later)


def _escalate_into_case(
    service: CaseService,
    job: jobs.Job,
    fence: jobs.Fence,
    actor: Actor,
    task: CaseTask,
    message: str,
) -> None:
    """Send the escalation message into the case (the model may catch it) and notify."""
    with service._writing(task.case_id, service.case_revision(task.case_id)) as current:
        jobs.check_fence(current.session, fence)
        delivered = _try_message(service, current, message, actor)
        note = None if delivered else f"the case does not wait for message {message!r}"
        _notify_and_record(service, current.session, current.audit, job, task, actor, note)
        service._finish(current, actor, None)
        jobs.finish(current.session, job, fence, service.clock.now())
    service._committed(current)


def _try_message(service: CaseService, current: Step, message: str, actor: Actor) -> bool:
    workflow = current.workflow
    try:
        workflow.send_event(BpmnEvent(MessageEventDefinition(message), {"escalation": True}))
    except WorkflowException:
        return False
    service._run(current, actor, lambda: runtime.run_until_wait(workflow))
    return True


def _notify_and_record(
    service: CaseService,
    session: Session,
    audit: AuditRecorder,
    job: jobs.Job,
    task: CaseTask,
    actor: Actor,
    note: str | None = None,
) -> None:
    task_policy = service.policy.for_task(task.process_id, task.element_id)
    escalation = job.kind == jobs.ESCALATION
    entries = task_policy.escalate_notify if escalation else task_policy.remind
    users = recipients.resolve(session, entries, task)
    zone = service.policy.calendar.zone
    due = task.due_at.astimezone(zone) if task.due_at else None
    overdue = (service.clock.now().astimezone(zone).date() - due.date()).days if due else 0
    params = {
        "task_name": service.registry.name_of(task.name) or task.element_id,
        "case_title": _case_title(session, task.case_id),
        "due_date": notifications.day_names(due.date()) if due else "-",
        "assignee": _assignee(session, task),
        "days_overdue": max(overdue, 0),
        "case_id": task.case_id,
        "task_id": task.id,
    }
    for user_id in users:
        notifications.enqueue(
            session,
            service.clock,
            event_key=f"job:{job.id}",
            user_id=user_id,
            template="escalation" if escalation else "reminder",
            params=params,
            case_id=task.case_id,
        )
    audit.record(
        actor.user_id,
        "escalation_raised" if escalation else "reminder_sent",
        case_id=task.case_id,
        task_id=task.id,
        element_id=task.element_id,
        changes={"recipients": {"before": None, "after": users}},
        reason="; ".join(filter(None, [job.payload.get("label"), note])) or None,
    )
    if not escalation and task_policy.repeat is not None:
        _schedule_repeat(service, session, job, task, service.clock.now())


def _schedule_repeat(
    service: CaseService, session: Session, job: jobs.Job, task: CaseTask, now: datetime
) -> None:
    """After the last planned reminder, remind again every `repeat` until the task is done.
    Counted from now, so a scheduler that was down sends one reminder, not one per miss."""
    others = session.execute(
        select(func.count())
        .select_from(ScheduledJob)
        .where(
            ScheduledJob.task_id == task.id,
            ScheduledJob.kind == jobs.REMINDER,
            ScheduledJob.status == "pending",
            ScheduledJob.id != job.id,
            ScheduledJob.due_at > now,  # due ones are overtaken by this one: see _overtaken
        )
    ).scalar_one()
    if others:
        return
    task_policy = service.policy.for_task(task.process_id, task.element_id)
    at = next_repeat(task_policy, max(now, job.due_at), service.policy.calendar)
    if at is None:
        return
    due = job.payload.get("due_at")
    jobs.add(
        session,
        [
            jobs.job_row(
                key=f"reminder:{task.id}:{due}:repeat:{at.isoformat()}",
                kind=jobs.REMINDER,
                due_at=at,
                now=now,
                case_id=task.case_id,
                task_id=task.id,
                element_id=task.element_id,
                payload={"label": "repeat", "due_at": due},
            )
        ],
    )


def _assignee(session: Session, task: CaseTask) -> str:
    """Who should have acted, by name; a role's name is left to the template ("" = a role)."""
    user_id = task.assignee or task.claimed_by
    if not user_id:
        return ""
    name = session.execute(
        select(UserAccount.display_name).where(UserAccount.id == user_id)
    ).scalar_one_or_none()
    return name or user_id


def _case_title(session: Session, case_id: int) -> str:
    title = session.execute(select(Case.title).where(Case.id == case_id)).scalar_one_or_none()
    return title or f"#{case_id}"
