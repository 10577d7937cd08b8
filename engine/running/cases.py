"""The write path: start a case, complete a task, deliver a message, retry, suspend, terminate,
and fire scheduled work.

Every change is one transaction: the case row, its task rows, scheduled jobs, incidents and
audit rows commit together or not at all. Concurrency is optimistic: a writer first moves the
case's revision on from the one it read (`UPDATE ... WHERE revision = :seen`). Of two writers
that read the same revision exactly one gets the row; the other gets `TaskConflict` and changes
nothing. On PostgreSQL the row lock taken by that UPDATE orders them; on SQLite `BEGIN
IMMEDIATE` does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from marshmallow import ValidationError
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import Connection, select, update
from sqlalchemy.orm import Session

from engine.audit.trail import AuditRecorder, changed_fields
from engine.errors import (
    Forbidden,
    MessageNotExpected,
    NotFound,
    TaskConflict,
    TaskNotActive,
    UnknownProcess,
    ValidationFailed,
)
from engine.notify import webhooks
from engine.people.actors import Actor
from engine.running import runtime, steps
from engine.running.case_rows import (
    case_state,
    check_case_open,
    check_may_act,
    check_ready,
    task_row,
)
from engine.running.firing import Firing
from engine.running.interventions import Interventions
from engine.running.queries import CaseInfo
from engine.running.registry import FormInput, Registry
from engine.running.scripting import EngineScripts
from engine.running.service_call import StepContext, step
from engine.running.steps import CaseRow, Step
from engine.storage import hotsql
from engine.storage.db import Database
from engine.storage.models import Case, CaseTask, ProcessVersion
from engine.timing import jobs
from engine.timing.clock import AtLeast, Clock, active
from engine.timing.policy import Policy

Hook = Callable[..., None]


@dataclass
class Hooks:
    """Named points inside a write where tests pause to force races."""

    points: dict[str, Hook] = field(default_factory=dict)

    def __call__(self, name: str, **info: Any) -> None:
        hook = self.points.get(name)
        if hook is not None:
            hook(**info)


@dataclass(frozen=True)
class _Version:
    id: int
    version: int
    name: str | None




class CaseService(Interventions, Firing):
    def __init__(
        self, db: Database, registry: Registry, clock: Clock, hooks: Hooks, policy: Policy
    ) -> None:
        self.db = db
        self.registry = registry
        self.clock = clock
        self.hooks = hooks
        self.policy = policy
        self.scripts = EngineScripts(registry)
        self.specs = runtime.SpecCache()
        self.workflows = runtime.WorkflowCache()
        self._versions: dict[int, _Version] = {}
        self._schemas: dict[type, Any] = {}

    # -- validation -------------------------------------------------------------------------

    def validate(
        self,
        process_id: str,
        element_id: str,
        data: Any,
        case_id: int | None = None,
        connection: Session | Connection | None = None,
    ) -> dict[str, Any]:
        """Data checked against the schema registered for this task, then by the registry's
        form checks (reference data); JSON-safe values only. The checks read on `connection`
        (the caller's write session or a snapshot connection it holds) or on one of their own."""
        if not isinstance(data, dict):
            raise ValidationFailed("data must be a JSON object", {"_schema": ["Not an object."]})
        schema_class = self.registry.form_for(process_id, element_id)
        if schema_class is None:
            if data:
                errors = {name: ["Unknown field."] for name in data}
                raise ValidationFailed(f"{element_id} takes no data", errors)
            return {}
        schema = self._schemas.get(schema_class)
        if schema is None:
            schema = self._schemas.setdefault(schema_class, schema_class())
        try:
            loaded = schema.load(data)
        except ValidationError as error:
            messages = error.normalized_messages()
            raise ValidationFailed(f"invalid data for {element_id}", messages) from error
        clean = schema.dump(loaded)
        self._check(FormInput(process_id, element_id, case_id, clean, schema_class), connection)
        return clean

    def _check(self, form: FormInput, connection: Session | Connection | None = None) -> None:
        if not self.registry.checks:
            return
        if connection is None:
            with self.db.snapshot() as own:
                return self._check(form, own)
        errors: dict[str, Any] = {}
        if isinstance(connection, Session):  # the caller's write transaction
            for check in self.registry.checks:
                errors.update(check(connection, form))
        else:
            # A session on a snapshot connection: on PostgreSQL in autocommit, so no BEGIN and
            # ROLLBACK round trips; every statement sees the committed data of its moment, as
            # in a READ COMMITTED transaction. SQLite: a deferred read transaction.
            with Session(connection) as session:
                for check in self.registry.checks:
                    errors.update(check(session, form))
        if errors:
            raise ValidationFailed(f"invalid data for {form.element_id}", errors)

    # -- start ------------------------------------------------------------------------------

    def start(self, process_id: str, data: Any, actor: Actor, title: str | None) -> CaseInfo:
        with self.db.snapshot() as connection:
            version = self._latest(connection, process_id)
        specs = self._specs(version.id)
        start_event = runtime.start_event(specs[0])
        if start_event is not None and start_event.lane and not actor.is_system:
            role = runtime.role_of(start_event)
            if not actor.holds(role):
                raise Forbidden(f"starting {process_id} needs the role {role!r}")
        clean = self.validate(process_id, start_event.bpmn_id if start_event else "", data)
        with self.db.write() as session:
            info, current = self._start_in(session, version, specs, process_id, clean, actor, title)
        self._committed(current)
        return info

    def start_by(
        self, process_id: str, actor: Actor, first: Callable[[Step], runtime.Failure | None]
    ) -> CaseInfo:
        """Start a case of the latest version whose first run is `first` (a signal start)."""
        with self.db.snapshot() as connection:
            version = self._latest(connection, process_id)
        specs = self._specs(version.id)
        with self.db.write() as session:
            info, current = self._start_in(session, version, specs, process_id, {}, actor, None,
                                           first)  # fmt: skip
        self._committed(current)
        return info

    def start_event_id(self, process_id: str) -> str | None:
        with self.db.snapshot() as connection:
            version = self._latest(connection, process_id)
        start_event = runtime.start_event(self._specs(version.id)[0])
        return start_event.bpmn_id if start_event is not None else None

    def start_role(self, process_id: str) -> str | None:
        with self.db.snapshot() as connection:
            version = self._latest(connection, process_id)
        start_event = runtime.start_event(self._specs(version.id)[0])
        if start_event is None or not start_event.lane:
            return None
        return str(runtime.role_of(start_event))

    def _start_in(
        self,
        session: Session,
        version: _Version,
        specs: runtime.Specs,
        process_id: str,
        clean: dict[str, Any],
        actor: Actor,
        title: str | None,
        first: Callable[[Step], runtime.Failure | None] | None = None,
    ) -> tuple[CaseInfo, Step]:
        now = self.clock.now()
        title = title or clean.get("title") or version.name or process_id
        webhooks.read_endpoints_early(session)
        case_id = hotsql.run(
            session,
            hotsql.INSERT_CASE,
            dict(
                process_version_id=version.id,
                process_id=process_id,
                status="running",
                suspended=False,
                title=title,
                started_by=actor.user_id,
                started_at=now,
                updated_at=now,
                revision=1,
                data=clean,
                state_json="{}",
            ),
        ).scalar_one()
        row = CaseRow(
            case_id,
            version.id,
            version.version,
            process_id,
            "running",
            False,
            title,
            actor.user_id,
            now,
            1,
            clean,
        )
        workflow = runtime.new_workflow(specs, self.scripts, clean)
        current = Step(session, AuditRecorder(session, self.clock), row, workflow, {})
        current.audit.record(
            actor.user_id,
            "case_started",
            case_id=case_id,
            element_id=process_id,
            changes=changed_fields({}, clean),
            reason=f"version {version.version}",
            on_behalf_of=actor.on_behalf_of,
        )
        webhooks.emit(
            session, self.clock, webhooks.CASE_STARTED, subject=f"cases/{case_id}",
            case_id=case_id,
            data={"case_id": case_id, "process_id": process_id, "version": version.version,
                  "title": title, "started_by": actor.user_id},
        )  # fmt: skip
        run = (lambda: first(current)) if first else (lambda: runtime.run_until_wait(workflow))
        failure = self._run(current, actor, run)
        info = self._finish(current, actor, failure, new_case=True)
        return info, current

    # -- tasks ------------------------------------------------------------------------------

    def complete(self, task_id: str, data: Any, actor: Actor) -> CaseInfo:
        """Complete a ready task with the submitted data, in one write transaction.

        The transaction first locks and bumps the task's case, then reads the task (on
        PostgreSQL both in the transaction's first round trip): what it reads is what every
        earlier writer left, so a task completed by someone else a moment ago shows as such
        here, and the rights, state and data checks that follow change nothing when they fail
        (the transaction rolls back)."""
        if not isinstance(task_id, str) or len(task_id) > 36:
            raise NotFound(f"task {task_id} not found")
        self.hooks("before_claim", task_id=task_id, actor=actor)
        hint = self.workflows.hint(task_id)
        with self.db.write() as session:
            webhooks.read_endpoints_early(session)
            claimed = hotsql.run(session, hotsql.CLAIM_CASE_OF_TASK, {
                "task_id": task_id, "known": hint[1] + 1 if hint else -1,
            }, defer=True)  # fmt: skip
            row = hotsql.run(session, hotsql.TASK_ROW, {"task_id": task_id}).one_or_none()
            if row is None:
                raise NotFound(f"task {task_id} not found")
            values = claimed.one()
            check_may_act(row, actor)
            if row.state == "completed" and row.completed_by != actor.user_id:
                raise TaskConflict(f"task {task_id} was completed by someone else")
            check_ready(row, actor)
            check_case_open(row.case_id, values.status, values.suspended)
            clean = self.validate(row.process_id, row.element_id, data, row.case_id, session)
            self.hooks("after_load", task_id=task_id, actor=actor)
            current = self._step_of(session, values)
            hotsql.run(session, hotsql.MARK_COMPLETED, {
                "task_id": task_id, "now": self.clock.now(), "user": actor.user_id,
                "submitted_data": clean or None,
            }, defer=True)  # fmt: skip
            spiff_task = runtime.find_task(current.workflow, task_id)
            if spiff_task is None or spiff_task.state != TaskState.READY:
                raise TaskNotActive(f"task {task_id} is no longer ready")
            form_before = {key: spiff_task.data.get(key) for key in clean}
            # Only a task completed before in this case can hold submitted data to forget; the
            # case's visited elements say whether there was one (unknown for old cases: NULL).
            done_before = not current.visited_known or row.element_id in current.visited
            current.visited.add(row.element_id)
            spiff_task.data.update(clean)

            def run() -> runtime.Failure | None:
                spiff_task.run()
                return runtime.run_until_wait(current.workflow)

            failure = self._run(current, actor, run)
            if done_before:
                hotsql.run(
                    current.session,
                    hotsql.FORGET_SUBMITTED,
                    {"of_case": row.case_id, "of_element": row.element_id, "keep": task_id},
                    defer=True,
                )
            current.completed_had_due = row.due_at is not None
            current.audit.record(
                actor.user_id,
                "task_completed",
                case_id=row.case_id,
                task_id=task_id,
                element_id=row.element_id,
                changes=changed_fields(form_before, clean),
                on_behalf_of=actor.on_behalf_of,
            )
            webhooks.emit(
                current.session, self.clock, webhooks.TASK_COMPLETED,
                subject=f"cases/{row.case_id}/tasks/{task_id}", case_id=row.case_id,
                data={"case_id": row.case_id, "process_id": row.process_id, "task_id": task_id,
                      "element_id": row.element_id, "task_name": row.name,
                      "completed_by": actor.user_id},
            )  # fmt: skip
            info = self._finish(current, actor, failure, completed_task=task_id)
            self.hooks("before_commit", task_id=task_id, actor=actor)
        self._committed(current)
        return info

    def claim(self, task_id: str, actor: Actor) -> None:
        with self.db.write() as session:
            row = task_row(session, task_id)
            check_may_act(row, actor)
            check_ready(row, actor)
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
            row = task_row(session, task_id)
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

    def extend_due(self, task_id: str, due_at: datetime, reason: str, actor: Actor) -> None:
        """Move a ready task's due date (and its reminders) with a reason; audited."""
        if not reason or not reason.strip():
            raise ValidationFailed("an extension needs a reason", {"reason": ["Required."]})
        with self.db.write() as session:
            row = task_row(session, task_id)
            if not (
                actor.is_admin
                or actor.is_system
                or actor.holds("secretariat")
                or actor.may_act_on(row.role, row.scope, row.assignee)
            ):
                raise Forbidden(f"you may not extend task {task_id}")
            if row.state != "ready":
                raise TaskNotActive(f"task {task_id} is {row.state}")
            now = self.clock.now()
            if due_at <= now:
                raise ValidationFailed(
                    "the new due date is in the past", {"due_at": ["In the past."]}
                )
            before = row.due_at
            session.execute(update(CaseTask).where(CaseTask.id == task_id).values(due_at=due_at))
            jobs.cancel_for_tasks(session, row.case_id, [task_id], now)
            steps.schedule_task(
                session,
                self.policy,
                row.case_id,
                row.process_id,
                task_id,
                row.element_id,
                due_at,
                now,
            )
            audit = AuditRecorder(session, self.clock)
            audit.record(
                actor.user_id,
                "due_date_extended",
                case_id=row.case_id,
                task_id=task_id,
                element_id=row.element_id,
                changes={"due_at": {"before": before, "after": due_at}},
                reason=reason,
            )
            audit.flush()

    # -- messages ---------------------------------------------------------------------------

    def send_message(self, case_id: int, name: str, payload: Any, actor: Actor) -> CaseInfo:
        with self.db.read() as session:
            case = case_state(session, case_id)
        check_case_open(case_id, case.status, case.suspended)
        with self._writing(case_id, case.revision) as current:
            info = self._deliver(current, name, payload, actor)
        self._committed(current)
        return info

    def _deliver(self, current: Step, name: str, payload: Any, actor: Actor) -> CaseInfo:
        case_id = current.case.id
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
        return self._finish(current, actor, failure)

    def diagram_state(self, case_id: int) -> Any:
        from engine.running.queries import DiagramState
        from engine.storage.models import Incident as IncidentRow

        with self.db.read() as session:
            row = session.execute(
                select(Case.process_version_id, Case.visited, Case.state_json, Case.revision,
                       ProcessVersion.process_id, ProcessVersion.version, ProcessVersion.source_xml)
                .join(ProcessVersion, ProcessVersion.id == Case.process_version_id)
                .where(Case.id == case_id)
            ).one_or_none()  # fmt: skip
            if row is None:
                raise NotFound(f"case {case_id} not found")
            failing = session.execute(
                select(IncidentRow.element_id).where(IncidentRow.case_id == case_id,
                                                     IncidentRow.status == "open")
            ).scalars().all()  # fmt: skip
        workflow = runtime.load_workflow(row.state_json, self._specs(row.process_version_id),
                                         self.scripts)  # fmt: skip
        active = sorted({t.task_spec.bpmn_id for t in runtime.ready_human_tasks(workflow)})
        waiting = sorted({
            t.task_spec.bpmn_id for t in workflow.event_manager.tasks.values()
            if t.state == TaskState.WAITING and t.task_spec.bpmn_id
        })  # fmt: skip
        return DiagramState(row.process_id, row.version, row.source_xml,
                            tuple(sorted(set(row.visited or ()))), tuple(active), tuple(waiting),
                            tuple(sorted({e for e in failing if e})))  # fmt: skip

    # -- internals --------------------------------------------------------------------------

    def case_revision(self, case_id: int) -> int:
        with self.db.read() as session:
            return case_state(session, case_id).revision

    def _latest(self, session: Session | Connection, process_id: str) -> _Version:
        row = hotsql.run(session, hotsql.LATEST_VERSION, {"process_id": process_id}).one_or_none()
        if row is None:
            raise UnknownProcess(f"no process {process_id!r} is deployed")
        version = _Version(row.id, row.version, row.name)
        self._versions[version.id] = version
        return version

    def _version(self, session: Session, version_id: int) -> _Version:
        version = self._versions.get(version_id)
        if version is None:
            row = session.execute(
                select(ProcessVersion.version, ProcessVersion.name).where(
                    ProcessVersion.id == version_id
                )
            ).one()
            version = self._versions.setdefault(version_id, _Version(version_id, *row))
        return version

    def _specs(self, version_id: int) -> runtime.Specs:
        cached = self.specs.peek(version_id)
        if cached is not None:
            return cached
        with self.db.read() as session:
            spec_json = session.execute(
                select(ProcessVersion.spec_json).where(ProcessVersion.id == version_id)
            ).scalar_one()
        return self.specs.get(version_id, spec_json)

    @contextmanager
    def _writing(self, case_id: int, seen: int) -> Iterator[Step]:
        """A write on an existing case: claim the revision we read, load, yield."""
        with self.db.write() as session:
            yield self._claim(session, case_id, seen)

    def _claim(self, session: Session, case_id: int, seen: int) -> Step:
        """Claim the revision we read and load the case."""
        workflow = self.workflows.take(case_id, seen)
        bump = hotsql.BUMP_CASE if workflow is not None else hotsql.BUMP_CASE_LOADING
        webhooks.read_endpoints_early(session)
        claimed = hotsql.run(
            session, bump, {"case_id": case_id, "seen": seen, "next": seen + 1}, defer=True
        )
        hotsql.wait(session, claimed)
        values = claimed.one_or_none()
        if values is None:
            raise TaskConflict(
                f"case {case_id} was changed by someone else at the same moment; "
                "reload and try again"
            )
        state_json = values.state_json if workflow is None else None
        return self._step_from(session, values, workflow, state_json)

    def _step_of(self, session: Session, values: Any) -> Step:
        """The step on a case that `CLAIM_CASE_OF_TASK` locked: the workflow from this
        process's cache when it holds the revision before the claim, else from the stored state
        (which the claim brought unless it expected the cache to have it)."""
        workflow = self.workflows.take(values.id, values.revision - 1)
        state_json = values.state_json
        if workflow is None and state_json is None:  # the cached one went meanwhile
            state_json = hotsql.run(
                session, hotsql.CASE_STATE_JSON, {"case_id": values.id}
            ).scalar_one()
        return self._step_from(session, values, workflow, state_json)

    def _step_from(
        self, session: Session, values: Any, workflow: Any, state_json: str | None
    ) -> Step:
        version = self._version(session, values.process_version_id)
        case = CaseRow(
            values.id, values.process_version_id, version.version, values.process_id,
            values.status, values.suspended, values.title, values.started_by,
            values.started_at, values.revision, dict(values.data or {}), values.paused_at,
        )  # fmt: skip
        if workflow is None:
            specs = self._specs(version.id)
            workflow = runtime.load_workflow(state_json, specs, self.scripts)
        current = Step(session, AuditRecorder(session, self.clock), case, workflow, case.data)
        current.visited = set(values.visited or ())
        current.visited_known = values.visited is not None
        current.had_timers = bool(runtime.waiting_timers(workflow))
        current.ready_before = steps.ready_tasks(workflow)
        return current

    def _committed(self, current: Step) -> None:
        self.workflows.put(
            current.case.id, current.case.revision, current.workflow, current.ready_after
        )
        if current.deferred:
            self.drain(current.deferred)

    def _run(
        self, current: Step, actor: Actor, action: Callable[[], runtime.Failure | None]
    ) -> runtime.Failure | None:
        context = StepContext(
            current.session,
            current.audit,
            self.clock,
            current.case.id,
            current.case.process_id,
            actor.user_id,
            current.deferred,
            current.visited,
            self.policy,
        )
        with active(_active_clock(self.clock)), step(context), self.scripts.bounded():
            try:
                return action()
            except WorkflowException as error:
                # A user task's own scripts failed: the task stays ready, the case is an incident.
                return runtime.failure_from_exception(current.workflow, error)

    def _finish(
        self,
        current: Step,
        actor: Actor,
        failure: runtime.Failure | None,
        *,
        new_case: bool = False,
        completed_task: str | None = None,
    ) -> CaseInfo:
        return steps.finish(
            current,
            actor=actor.user_id,
            failure=failure,
            now=self.clock.now(),
            scripts=self.scripts,
            policy=self.policy,
            completed_task=completed_task,
            new_case=new_case,
        )


def _active_clock(clock: Clock) -> Clock:
    """Keep a floor set by an outer `active()` (a timer firing) inside the step."""
    from engine.timing.clock import current

    outer = current()
    return outer if isinstance(outer, AtLeast) else clock
