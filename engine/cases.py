"""The write path: start a case, complete a task, deliver a message, retry, suspend, terminate.

Every change is one transaction: the case row, its task rows, incidents and audit rows commit
together or not at all. Concurrency is optimistic: a writer first bumps the case's revision
from the one it read (`UPDATE ... WHERE revision = :seen`). Of two writers that read the same
revision exactly one gets the row; the other gets `TaskConflict` and changes nothing. On
PostgreSQL the row lock taken by that UPDATE orders them; on SQLite `BEGIN IMMEDIATE` does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from marshmallow import ValidationError
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select, update
from sqlalchemy.orm import Session, defer

from engine import runtime
from engine.actors import Actor
from engine.audit import AuditRecorder, changed_fields
from engine.clock import Clock, active
from engine.db import Database
from engine.deploy import latest
from engine.errors import (
    CaseStateError,
    Forbidden,
    MessageNotExpected,
    NotFound,
    TaskConflict,
    TaskNotActive,
    UnknownProcess,
    ValidationFailed,
)
from engine.models import Case, CaseTask, Incident, ProcessVersion
from engine.registry import Registry
from engine.scripting import EngineScripts
from engine.serialization import state_to_json
from engine.service_call import StepContext, step

Hook = Callable[..., None]
OPEN_STATUSES = ("running", "incident")


@dataclass
class Hooks:
    """Named points inside a write where tests pause to force races."""

    points: dict[str, Hook] = field(default_factory=dict)

    def __call__(self, name: str, **info: Any) -> None:
        hook = self.points.get(name)
        if hook is not None:
            hook(**info)


@dataclass
class _Step:
    session: Session
    audit: AuditRecorder
    case: Case
    workflow: BpmnWorkflow
    data_before: dict[str, Any]


class CaseService:
    def __init__(self, db: Database, registry: Registry, clock: Clock, hooks: Hooks) -> None:
        self.db = db
        self.registry = registry
        self.clock = clock
        self.hooks = hooks
        self.scripts = EngineScripts(registry)
        self.specs = runtime.SpecCache()
        self.workflows = runtime.WorkflowCache()

    # -- validation -------------------------------------------------------------------------

    def validate(self, process_id: str, element_id: str, data: Any) -> dict[str, Any]:
        """Data checked against the schema registered for this task; JSON-safe values only."""
        if not isinstance(data, dict):
            raise ValidationFailed("data must be a JSON object", {"_schema": ["Not an object."]})
        schema_class = self.registry.form_for(process_id, element_id)
        if schema_class is None:
            if data:
                errors = {name: ["Unknown field."] for name in data}
                raise ValidationFailed(f"{element_id} takes no data", errors)
            return {}
        schema = schema_class()
        try:
            loaded = schema.load(data)
        except ValidationError as error:
            messages = error.normalized_messages()
            raise ValidationFailed(f"invalid data for {element_id}", messages) from error
        return schema.dump(loaded)

    # -- start ------------------------------------------------------------------------------

    def start(self, process_id: str, data: Any, actor: Actor, title: str | None) -> int:
        with self.db.read() as session:
            version = latest(session, process_id)
            if version is None:
                raise UnknownProcess(f"no process {process_id!r} is deployed")
            specs = self.specs.get(version.id, version.spec_json)
        start_event = _start_event(specs[0])
        if start_event is not None and start_event.lane and not actor.is_system:
            role = _role_of(start_event)
            if not actor.holds(role):
                raise Forbidden(f"starting {process_id} needs the role {role!r}")
        clean = self.validate(process_id, start_event.bpmn_id if start_event else "", data)
        workflow = runtime.new_workflow(specs, self.scripts, clean)
        with self.db.write() as session:
            now = self.clock.now()
            case = Case(
                process_version_id=version.id,
                process_id=process_id,
                status="running",
                suspended=False,
                title=title or clean.get("title") or f"{version.name or process_id}",
                started_by=actor.user_id,
                started_at=now,
                updated_at=now,
                revision=1,
                data=clean,
                state_json="{}",
            )
            session.add(case)
            session.flush()
            audit = AuditRecorder(session, self.clock)
            audit.record(
                actor.user_id,
                "case_started",
                case_id=case.id,
                element_id=process_id,
                changes=changed_fields({}, clean),
                reason=f"version {version.version}",
                on_behalf_of=actor.on_behalf_of,
            )
            current = _Step(session, audit, case, workflow, {})
            failure = self._run(current, actor, lambda: runtime.run_until_wait(workflow))
            self._finish(current, actor, failure, new_case=True)
            case_id = case.id
        self.workflows.put(case_id, case.revision, workflow)
        return case_id

    # -- tasks ------------------------------------------------------------------------------

    def complete(self, task_id: str, data: Any, actor: Actor) -> int:
        with self.db.read() as session:
            row = _task_row(session, task_id)
            _check_may_act(row, actor)
            _check_ready(row, actor)
            case = _case_row(session, row.case_id)
            _check_case_open(case)
            seen = case.revision
        clean = self.validate(row.process_id, row.element_id, data)
        self.hooks("after_load", task_id=task_id, actor=actor)
        with self._writing(row.case_id, seen) as current:
            spiff_task = runtime.find_task(current.workflow, task_id)
            if spiff_task is None or spiff_task.state != TaskState.READY:
                raise TaskNotActive(f"task {task_id} is no longer ready")
            form_before = {key: spiff_task.data.get(key) for key in clean}
            spiff_task.data.update(clean)

            def run() -> runtime.Failure | None:
                spiff_task.run()
                return runtime.run_until_wait(current.workflow)

            failure = self._run(current, actor, run)
            marked = current.session.execute(
                update(CaseTask)
                .where(CaseTask.id == task_id, CaseTask.state == "ready")
                .values(
                    state="completed", completed_at=self.clock.now(), completed_by=actor.user_id
                )
            )
            if marked.rowcount != 1:
                raise TaskConflict(f"task {task_id} was completed by someone else just now")
            current.audit.record(
                actor.user_id,
                "task_completed",
                case_id=row.case_id,
                task_id=task_id,
                element_id=row.element_id,
                changes=changed_fields(form_before, clean),
                on_behalf_of=actor.on_behalf_of,
            )
            self._finish(current, actor, failure, completed_task=task_id)
            self.hooks("before_commit", task_id=task_id, actor=actor)
        return row.case_id

    def claim(self, task_id: str, actor: Actor) -> None:
        with self.db.write() as session:
            row = _task_row(session, task_id)
            _check_may_act(row, actor)
            _check_ready(row, actor)
            claimed = session.execute(
                update(CaseTask)
                .where(
                    CaseTask.id == task_id, CaseTask.state == "ready", CaseTask.claimed_by.is_(None)
                )
                .values(claimed_by=actor.user_id)
            )
            if claimed.rowcount != 1:
                raise TaskConflict(f"task {task_id} was claimed by someone else just now")
            audit = AuditRecorder(session, self.clock)
            audit.record(
                actor.user_id,
                "task_claimed",
                case_id=row.case_id,
                task_id=task_id,
                element_id=row.element_id,
                on_behalf_of=actor.on_behalf_of,
            )
            audit.flush()

    def unclaim(self, task_id: str, actor: Actor) -> None:
        with self.db.write() as session:
            row = _task_row(session, task_id)
            if row.state != "ready":
                raise TaskNotActive(f"task {task_id} is {row.state}")
            if row.claimed_by is None:
                raise TaskConflict(f"task {task_id} is not claimed")
            if row.claimed_by != actor.user_id and not actor.is_admin:
                raise Forbidden(f"task {task_id} is claimed by {row.claimed_by}")
            session.execute(update(CaseTask).where(CaseTask.id == task_id).values(claimed_by=None))
            audit = AuditRecorder(session, self.clock)
            audit.record(
                actor.user_id,
                "task_unclaimed",
                case_id=row.case_id,
                task_id=task_id,
                element_id=row.element_id,
                changes={"claimed_by": {"before": row.claimed_by, "after": None}},
            )
            audit.flush()

    # -- messages ---------------------------------------------------------------------------

    def send_message(self, case_id: int, name: str, payload: Any, actor: Actor) -> None:
        with self.db.read() as session:
            case = _case_row(session, case_id)
            _check_case_open(case)
            seen = case.revision
        with self._writing(case_id, seen) as current:
            event = BpmnEvent(MessageEventDefinition(name), payload)

            def deliver() -> runtime.Failure | None:
                try:
                    current.workflow.send_event(event)
                except WorkflowException as error:
                    raise MessageNotExpected(
                        f"case {case_id} is not waiting for message {name!r}"
                    ) from error
                return runtime.run_until_wait(current.workflow)

            current.audit.record(
                actor.user_id,
                "message_received",
                case_id=case_id,
                element_id=name,
                changes={"payload": {"before": None, "after": payload}},
            )
            failure = self._run(current, actor, deliver)
            self._finish(current, actor, failure)

    # -- admin ------------------------------------------------------------------------------

    def retry(self, case_id: int, actor: Actor, data: dict[str, Any] | None) -> None:
        _require_admin(actor, "retry a case")
        with self.db.read() as session:
            case = _case_row(session, case_id)
            if case.status != "incident":
                raise CaseStateError(f"case {case_id} has no incident to retry ({case.status})")
            if case.suspended:
                raise CaseStateError(f"case {case_id} is suspended; resume it first")
            seen = case.revision
        with self._writing(case_id, seen) as current:
            failed = runtime.error_tasks(current.workflow)
            for task in failed:
                if data:
                    task.data.update(data)
                task._set_state(TaskState.READY)
            now = self.clock.now()
            current.session.execute(
                update(Incident)
                .where(Incident.case_id == case_id, Incident.status == "open")
                .values(status="resolved", resolved_at=now, resolved_by=actor.user_id)
            )
            current.audit.record(
                actor.user_id,
                "case_retried",
                case_id=case_id,
                element_id=",".join(t.task_spec.bpmn_id for t in failed),
                changes=changed_fields({}, data or {}),
            )
            failure = self._run(current, actor, lambda: runtime.run_until_wait(current.workflow))
            self._finish(current, actor, failure)

    def set_suspended(
        self, case_id: int, actor: Actor, suspended: bool, reason: str | None
    ) -> None:
        _require_admin(actor, "suspend or resume a case")
        with self.db.write() as session:
            case = _case_row(session, case_id)
            if case.status not in OPEN_STATUSES:
                raise CaseStateError(f"case {case_id} is {case.status}")
            if case.suspended == suspended:
                raise CaseStateError(
                    f"case {case_id} is already {'suspended' if suspended else 'active'}"
                )
            self._bump(session, case)
            case.suspended = suspended
            case.updated_at = self.clock.now()
            audit = AuditRecorder(session, self.clock)
            audit.record(
                actor.user_id,
                "case_suspended" if suspended else "case_resumed",
                case_id=case_id,
                changes={"suspended": {"before": not suspended, "after": suspended}},
                reason=reason,
            )
            audit.flush()
        self.workflows.take(case_id, -1)

    def terminate(self, case_id: int, actor: Actor, reason: str | None) -> None:
        _require_admin(actor, "terminate a case")
        with self.db.write() as session:
            case = _case_row(session, case_id)
            if case.status not in OPEN_STATUSES:
                raise CaseStateError(f"case {case_id} is {case.status}")
            self._bump(session, case)
            before = case.status
            now = self.clock.now()
            case.status, case.ended_at, case.updated_at = "terminated", now, now
            session.execute(
                update(CaseTask)
                .where(CaseTask.case_id == case_id, CaseTask.state == "ready")
                .values(state="cancelled", completed_at=now)
            )
            session.execute(
                update(Incident)
                .where(Incident.case_id == case_id, Incident.status == "open")
                .values(status="resolved", resolved_at=now, resolved_by=actor.user_id)
            )
            audit = AuditRecorder(session, self.clock)
            audit.record(
                actor.user_id,
                "case_terminated",
                case_id=case_id,
                changes={"status": {"before": before, "after": "terminated"}},
                reason=reason,
            )
            audit.flush()
        self.workflows.take(case_id, -1)

    # -- internals --------------------------------------------------------------------------

    def _bump(self, session: Session, case: Case) -> None:
        bumped = session.execute(
            update(Case)
            .where(Case.id == case.id, Case.revision == case.revision)
            .values(revision=case.revision + 1)
            .execution_options(synchronize_session=False)
        )
        if bumped.rowcount != 1:
            raise TaskConflict(f"case {case.id} was changed by someone else just now")
        case.revision += 1

    @contextmanager
    def _writing(self, case_id: int, seen: int) -> Iterator[_Step]:
        """A write on an existing case: claim the revision we read, load, yield, save."""
        with self.db.write() as session:
            bumped = session.execute(
                update(Case)
                .where(Case.id == case_id, Case.revision == seen)
                .values(revision=seen + 1)
            )
            if bumped.rowcount != 1:
                raise TaskConflict(
                    f"case {case_id} was changed by someone else at the same moment; "
                    "reload and try again"
                )
            case = session.execute(
                select(Case).where(Case.id == case_id).options(defer(Case.state_json))
            ).scalar_one()
            workflow = self.workflows.take(case_id, seen)
            if workflow is None:
                version = session.get(ProcessVersion, case.process_version_id)
                assert version is not None
                specs = self.specs.get(version.id, version.spec_json)
                workflow = runtime.load_workflow(case.state_json, specs, self.scripts)
            current = _Step(
                session, AuditRecorder(session, self.clock), case, workflow, dict(case.data or {})
            )
            yield current
        self.workflows.put(case_id, case.revision, workflow)

    def _run(
        self, current: _Step, actor: Actor, action: Callable[[], runtime.Failure | None]
    ) -> runtime.Failure | None:
        context = StepContext(
            current.session,
            current.audit,
            self.clock,
            current.case.id,
            current.case.process_id,
            actor.user_id,
        )
        with active(self.clock), step(context):
            try:
                return action()
            except WorkflowException as error:
                # A user task's own scripts failed: the task stays ready, the case is an incident.
                return runtime.failure_from_exception(current.workflow, error)

    def _finish(
        self,
        current: _Step,
        actor: Actor,
        failure: runtime.Failure | None,
        *,
        new_case: bool = False,
        completed_task: str | None = None,
    ) -> None:
        session, case, workflow, audit = (
            current.session,
            current.case,
            current.workflow,
            current.audit,
        )
        now = self.clock.now()
        self._sync_tasks(current, completed_task, now)
        status_before = case.status
        if workflow.is_completed():
            case.status, case.ended_at = "completed", now
        elif runtime.error_tasks(workflow) or failure is not None:
            case.status = "incident"
        else:
            case.status = "running"
        if failure is not None:
            session.add(
                Incident(
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
                actor.user_id,
                "incident_raised",
                case_id=case.id,
                task_id=failure.task_id,
                element_id=failure.element_id,
                reason=f"{failure.error_type}: {failure.message}",
            )
        data_after = runtime.case_data(workflow)
        if not new_case and data_after != current.data_before:
            audit.record(
                actor.user_id,
                "case_data_changed",
                case_id=case.id,
                changes=changed_fields(current.data_before, data_after),
            )
        if (case.status != status_before or new_case) and case.status == "completed":
            audit.record(
                actor.user_id,
                "case_completed",
                case_id=case.id,
                changes={"status": {"before": status_before, "after": "completed"}},
            )
        case.data = data_after
        case.updated_at = now
        case.state_json = state_to_json(workflow)
        audit.flush()
        session.flush()

    def _sync_tasks(self, current: _Step, completed_task: str | None, now: Any) -> None:
        session, case, workflow = current.session, current.case, current.workflow
        ready = {str(task.id): task for task in runtime.ready_human_tasks(workflow)}
        rows = (
            session.execute(
                select(CaseTask).where(CaseTask.case_id == case.id, CaseTask.state == "ready")
            )
            .scalars()
            .all()
        )
        known = {row.id for row in rows}
        for row in rows:
            if row.id not in ready and row.id != completed_task:
                row.state, row.completed_at = "cancelled", now
                current.audit.record(
                    "system",
                    "task_cancelled",
                    case_id=case.id,
                    task_id=row.id,
                    element_id=row.element_id,
                )
        for task_id, task in ready.items():
            if task_id in known or task_id == completed_task:
                continue
            spec = task.task_spec
            role = _role_of(spec)
            properties = spec.extensions.get("properties", {}) if spec.extensions else {}
            scope = _evaluate(self.scripts, task, properties.get("scope"))
            assignee = _evaluate(self.scripts, task, properties.get("assignee"))
            session.add(
                CaseTask(
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
                )
            )
            current.audit.record(
                "system",
                "task_created",
                case_id=case.id,
                task_id=task_id,
                element_id=spec.bpmn_id,
                reason=f"for {('user ' + assignee) if assignee else role}",
            )


def _evaluate(scripts: EngineScripts, task: Any, expression: str | None) -> str | None:
    if not expression:
        return None
    value = scripts.evaluate(task, expression)
    return None if value is None else str(value)


def _role_of(spec: Any) -> str:
    properties = spec.extensions.get("properties", {}) if spec.extensions else {}
    return properties.get("role") or spec.lane


def _start_event(spec: Any) -> Any:
    starts = [
        s
        for s in spec.task_specs.values()
        if type(s).__name__ == "StartEvent" and s.bpmn_id is not None
    ]
    return starts[0] if len(starts) == 1 else None


def _task_row(session: Session, task_id: str) -> CaseTask:
    row = (
        session.get(CaseTask, task_id) if isinstance(task_id, str) and len(task_id) <= 36 else None
    )
    if row is None:
        raise NotFound(f"task {task_id} not found")
    return row


def _case_row(session: Session, case_id: int) -> Case:
    case = session.execute(
        select(Case).where(Case.id == case_id).options(defer(Case.state_json))
    ).scalar_one_or_none()
    if case is None:
        raise NotFound(f"case {case_id} not found")
    return case


def _check_may_act(row: CaseTask, actor: Actor) -> None:
    if not actor.may_act_on(row.role, row.scope, row.assignee):
        if row.assignee is not None:
            raise Forbidden(f"task {row.id} is assigned to another user")
        where = f" for {row.scope}" if row.scope else ""
        raise Forbidden(f"task {row.id} needs the role {row.role!r}{where}")


def _check_ready(row: CaseTask, actor: Actor) -> None:
    if row.state != "ready":
        raise TaskNotActive(f"task {row.id} is {row.state}, not ready")
    if row.claimed_by is not None and row.claimed_by != actor.user_id:
        raise TaskConflict(f"task {row.id} is claimed by {row.claimed_by}")


def _check_case_open(case: Case) -> None:
    if case.status not in OPEN_STATUSES:
        raise TaskNotActive(f"case {case.id} is {case.status}")
    if case.suspended:
        raise CaseStateError(f"case {case.id} is suspended")


def _require_admin(actor: Actor, what: str) -> None:
    if not (actor.is_admin or actor.is_system):
        raise Forbidden(f"only an admin may {what}")
