"""Signals sent into cases from outside (admins only: it moves cases outside their tasks).

`send_signal` delivers a BPMN signal, by name, to one case or to every open case whose
process version catches it (intermediate catch events, boundary events, event-subprocess
starts); each case is its own transaction on the usual optimistic revision. Without a case, it
also starts a new case of every process whose latest version starts with that signal (a signal
start event), as BPMN intends. Where a caught payload lands: `engine.payloads`.

Imports: the engine's runtime, steps and models; the write path (`engine.running.cases`) only for
types."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.spiff.specs.event_definitions import SignalEventDefinition as SpiffSignal
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import func, select

from engine.audit.trail import AuditRecorder
from engine.errors import (
    CaseStateError,
    Forbidden,
    NotFound,
    SignalNotExpected,
    TaskConflict,
    ValidationFailed,
)
from engine.people.actors import Actor
from engine.running import runtime
from engine.running.steps import Step
from engine.storage.models import Case, ProcessVersion

if TYPE_CHECKING:
    from engine.running.cases import CaseService

OPEN = ("running", "incident")
# A broadcast retries a case another writer moved on at the same moment this often.
_ATTEMPTS = 3


@dataclass(frozen=True)
class SignalResult:
    """Which cases a signal reached. `skipped`: suspended cases waiting for it (a suspended case
    takes no events); `conflicts`: cases still changed by others after every retry."""

    name: str
    delivered: tuple[int, ...] = ()
    started: tuple[int, ...] = ()
    skipped: tuple[int, ...] = ()
    conflicts: tuple[int, ...] = ()


# -- which specs catch a signal ---------------------------------------------------------------


def _catches(spec: Any, name: str) -> bool:
    for task_spec in spec.task_specs.values():
        if isinstance(task_spec, CatchingEvent):
            definition = task_spec.event_definition
            inner = getattr(definition, "event_definitions", None) or [definition]
            if any(isinstance(d, SpiffSignal) and d.name == name for d in inner):
                return True
    return False


def version_catches(specs: runtime.Specs, name: str) -> bool:
    top, subprocesses = specs
    return any(_catches(spec, name) for spec in [top, *subprocesses.values()])


def signal_start(specs: runtime.Specs, name: str) -> Any:
    """The top-level start event that a signal of this name starts, if any."""
    for task_spec in specs[0].bpmn_start_events:
        definition = task_spec.event_definition
        if isinstance(definition, SpiffSignal) and definition.name == name:
            return task_spec
    return None


def waits_for(workflow: BpmnWorkflow, name: str) -> bool:
    event = BpmnEvent(SpiffSignal(name))
    return any(
        task.state == TaskState.WAITING and task.task_spec.catches(task, event)
        for task in workflow.event_manager.tasks.values()
    )


# -- sending ------------------------------------------------------------------------------------


def check_signal(name: Any, payload: Any, actor: Actor) -> None:
    if not (actor.is_admin or actor.is_system):
        raise Forbidden("only an admin may send a signal")
    if not isinstance(name, str) or not name.strip() or len(name) > 255:
        raise ValidationFailed("a signal needs a name (at most 255 characters)",
                               {"name": ["Required, at most 255 characters."]})  # fmt: skip
    if payload is not None and not isinstance(payload, dict):
        raise ValidationFailed("signal data must be a JSON object",
                               {"data": ["Not an object."]})  # fmt: skip


def send_to_case(
    service: CaseService, case_id: int, name: str, payload: Any, actor: Actor
) -> SignalResult:
    """Deliver to one case; raises if it is closed, suspended or not waiting for the signal."""
    with service.db.read() as session:
        row = session.execute(
            select(Case.status, Case.suspended, Case.revision).where(Case.id == case_id)
        ).one_or_none()
    if row is None:
        raise NotFound(f"case {case_id} not found")
    if row.status not in OPEN:
        raise CaseStateError(f"case {case_id} is {row.status}")
    if row.suspended:
        raise CaseStateError(f"case {case_id} is suspended")
    service.hooks("signal_loaded", case_id=case_id)
    _deliver(service, case_id, row.revision, name, payload, actor)
    return SignalResult(name, delivered=(case_id,))


def broadcast(service: CaseService, name: str, payload: Any, actor: Actor) -> SignalResult:
    """Deliver to every open case waiting for the signal and start the processes it starts."""
    delivered: list[int] = []
    skipped: list[int] = []
    conflicts: list[int] = []
    for case_id, suspended in _candidates(service, name):
        if suspended:
            if _suspended_waits(service, case_id, name):
                skipped.append(case_id)
            continue
        for attempt in range(_ATTEMPTS):
            try:
                revision = service.case_revision(case_id)
                service.hooks("signal_loaded", case_id=case_id)
                _deliver(service, case_id, revision, name, payload, actor)
                delivered.append(case_id)
                break
            except (SignalNotExpected, CaseStateError, NotFound):
                break  # not (or no longer) waiting: a signal is not kept for later
            except TaskConflict:
                if attempt == _ATTEMPTS - 1:
                    conflicts.append(case_id)
    started = [_start(service, process_id, name, payload, actor)
               for process_id in _started_processes(service, name)]  # fmt: skip
    result = SignalResult(name, tuple(delivered), tuple(started), tuple(skipped), tuple(conflicts))
    with service.db.write() as session:
        audit = AuditRecorder(session, service.clock)
        audit.record(
            actor.user_id,
            "signal_broadcast",
            element_id=name,
            changes=None if payload is None else {"payload": {"before": None, "after": payload}},
            reason=f"reached {len(delivered)} case(s), started {len(started)}, "
            f"skipped {len(skipped)} suspended, {len(conflicts)} in conflict",
            on_behalf_of=actor.on_behalf_of,
        )
        audit.flush()
    return result


def _deliver(
    service: CaseService, case_id: int, revision: int, name: str, payload: Any, actor: Actor
) -> None:
    with service._writing(case_id, revision) as current:
        if current.case.status not in OPEN:
            raise CaseStateError(f"case {case_id} is {current.case.status}")
        if current.case.suspended:
            raise CaseStateError(f"case {case_id} is suspended")
        _record(current, name, payload, actor)
        failure = service._run(current, actor, _sender(current.workflow, case_id, name, payload))
        service._finish(current, actor, failure)
    service._committed(current)


def _sender(
    workflow: BpmnWorkflow, case_id: int, name: str, payload: Any
) -> Callable[[], runtime.Failure | None]:
    def send() -> runtime.Failure | None:
        try:
            workflow.send_event(BpmnEvent(SpiffSignal(name), payload))
        except WorkflowException as error:
            raise SignalNotExpected(f"case {case_id} is not waiting for signal {name!r}") from error
        return runtime.run_until_wait(workflow)

    return send


def _record(current: Step, name: str, payload: Any, actor: Actor) -> None:
    current.audit.record(
        actor.user_id,
        "signal_received",
        case_id=current.case.id,
        element_id=name,
        changes=None if payload is None else {"payload": {"before": None, "after": payload}},
        on_behalf_of=actor.on_behalf_of,
    )


def _candidates(service: CaseService, name: str) -> list[tuple[int, bool]]:
    """Open cases on a process version that catches the signal somewhere, oldest first."""
    with service.db.read() as session:
        version_ids = session.execute(
            select(Case.process_version_id).where(Case.status.in_(OPEN)).distinct()
        ).scalars().all()  # fmt: skip
    catching = [v for v in version_ids if version_catches(service._specs(v), name)]
    if not catching:
        return []
    with service.db.read() as session:
        rows = session.execute(
            select(Case.id, Case.suspended)
            .where(Case.status.in_(OPEN), Case.process_version_id.in_(catching))
            .order_by(Case.id)
        ).all()
    return [(row.id, bool(row.suspended)) for row in rows]


def _suspended_waits(service: CaseService, case_id: int, name: str) -> bool:
    with service.db.read() as session:
        row = session.execute(
            select(Case.state_json, Case.process_version_id).where(Case.id == case_id)
        ).one()
    workflow = runtime.load_workflow(row.state_json, service._specs(row.process_version_id),
                                     service.scripts)  # fmt: skip
    return waits_for(workflow, name)


def _started_processes(service: CaseService, name: str) -> list[str]:
    """Processes whose latest version has a start event this signal starts."""
    with service.db.read() as session:
        latest = (
            select(ProcessVersion.process_id, func.max(ProcessVersion.version).label("version"))
            .group_by(ProcessVersion.process_id)
            .subquery()
        )
        rows = session.execute(
            select(ProcessVersion.id, ProcessVersion.process_id)
            .join(latest, (latest.c.process_id == ProcessVersion.process_id)
                  & (latest.c.version == ProcessVersion.version))
            .order_by(ProcessVersion.process_id)
        ).all()  # fmt: skip
    return [row.process_id for row in rows if signal_start(service._specs(row.id), name)]


def _start(service: CaseService, process_id: str, name: str, payload: Any, actor: Actor) -> int:
    """A new case started by the signal: the start event waits, then catches it."""

    def first(current: Step) -> runtime.Failure | None:
        _record(current, name, payload, actor)
        workflow = current.workflow
        failure = runtime.run_until_wait(workflow)
        if failure is not None:
            return failure
        return _sender(workflow, current.case.id, name, payload)()

    return service.start_by(process_id, actor, first).id
